"""Discovery: from a source's feeds to candidate article URLs for one local date.

Feeds are RSS/Atom (feedparser), XML sitemaps including sitemap indexes and Google
news sitemaps (lxml), or plain URL lists. A URL is kept when its feed date, read in the
source's time zone, falls on the run's date; URLs without a date are kept (parse dates
them later). URLs are canonicalised and deduplicated; at most ``max_articles`` per source.
"""

from __future__ import annotations

import logging
from calendar import timegm
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import feedparser
from lxml import etree

from newsflow.config import Source
from newsflow.http import HttpClient
from newsflow.models import Candidate, FetchLog
from newsflow.urls import canonicalize

log = logging.getLogger(__name__)
_MAX_SITEMAP_DEPTH = 3


@dataclass
class Discovery:
    candidates: list[Candidate] = field(default_factory=list)
    fetch_log: list[FetchLog] = field(default_factory=list)
    out_of_interval: int = 0
    feed_errors: int = 0


def _parse_dt(value: str | None, tz: ZoneInfo) -> datetime | None:
    if not value:
        return None
    try:
        dt = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    return dt.replace(tzinfo=tz) if dt.tzinfo is None else dt


def _feed_entries(body: bytes, tz: ZoneInfo) -> list[tuple[str, datetime | None, str | None]]:
    parsed = feedparser.parse(body)
    out = []
    for e in parsed.entries:
        link = e.get("link")
        if not link:
            continue
        st = e.get("published_parsed") or e.get("updated_parsed")
        when = datetime.fromtimestamp(timegm(st), UTC) if st else None
        out.append((link, when, e.get("title")))
    return out


def _sitemap_entries(body: bytes, tz: ZoneInfo) -> tuple[list[tuple[str, datetime | None, str | None]], list[str]]:
    """Returns (entries, child sitemap URLs)."""
    root = etree.fromstring(body, parser=etree.XMLParser(resolve_entities=False, no_network=True, recover=True))
    if root is None:
        return [], []
    local = etree.QName(root).localname
    if local == "sitemapindex":
        return [], [el.text.strip() for el in root.iterfind(".//{*}sitemap/{*}loc") if el.text]
    entries = []
    for url_el in root.iterfind("{*}url"):
        loc = url_el.findtext("{*}loc")
        if not loc:
            continue
        when = _parse_dt(url_el.findtext(".//{*}publication_date"), tz) or _parse_dt(url_el.findtext("{*}lastmod"), tz)
        entries.append((loc.strip(), when, url_el.findtext(".//{*}title")))
    return entries, []


def discover(source: Source, day: date, client: HttpClient) -> Discovery:
    """Candidate URLs of ``source`` for the local date ``day``."""
    tz = ZoneInfo(source.timezone)
    result = Discovery()
    seen: set[str] = set()

    def fetch_feed(url: str) -> bytes | None:
        res = client.get(url)
        result.fetch_log.append(FetchLog(
            url=url, source=source.name, kind="feed", final_url=res.final_url, status=res.status, ok=res.ok,
            attempts=res.attempts, bytes=len(res.body), elapsed_ms=res.elapsed_ms,
            content_type=res.headers.get("content-type"), error_class=res.error_class, error=res.error,
            fetched_at=datetime.now(UTC),
        ))
        if not res.ok:
            result.feed_errors += 1
            log.warning("feed %s of source %s failed: %s", url, source.name, res.error_class)
            return None
        return res.body

    def add(entries: list[tuple[str, datetime | None, str | None]], found_in: str) -> None:
        for link, when, title in entries:
            url = canonicalize(link, base=found_in)
            if url in seen:
                continue
            seen.add(url)
            if when is not None and when.astimezone(tz).date() != day:
                result.out_of_interval += 1
                continue
            result.candidates.append(Candidate(url, source.name, found_in, when, title))

    for feed in source.feeds:
        if feed.type == "urls":
            add([(u, None, None) for u in feed.urls or []], "urls")
            continue
        body = fetch_feed(feed.url)
        if body is None:
            continue
        if feed.type == "rss":
            add(_feed_entries(body, tz), feed.url)
            continue
        queue = [(feed.url, body, 0)]
        while queue:
            url, data, depth = queue.pop(0)
            entries, children = _sitemap_entries(data, tz)
            add(entries, url)
            for child in children if depth < _MAX_SITEMAP_DEPTH else []:
                child_body = fetch_feed(child)
                if child_body is not None:
                    queue.append((child, child_body, depth + 1))

    if len(result.candidates) > source.max_articles:
        log.info("source %s: capping %d candidates at %d", source.name, len(result.candidates), source.max_articles)
        result.candidates = result.candidates[: source.max_articles]
    log.info("source %s: %d candidates for %s (%d outside the date)", source.name,
             len(result.candidates), day, result.out_of_interval)
    return result
