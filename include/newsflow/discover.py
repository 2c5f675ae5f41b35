"""Discovery: from a source's feeds to candidate article URLs for one local date.

Feeds are RSS/Atom (feedparser), XML sitemaps including sitemap indexes and Google news
sitemaps (lxml), HTML listing pages (a CSS selector picks the article links) or plain URL
lists. A URL is kept when its feed date, read in the source's time zone, falls on the run's
date; URLs without a date are kept (parse dates them later). URLs are canonicalised (with
the source's ``www`` policy) and deduplicated; URLs in ``known`` (already in the lake) are
counted and skipped; at most ``max_articles`` per source. Feeds are fetched with
conditional GET when ``validators`` has their ETag/Last-Modified, and a 304 reuses the
body the lake kept (``cached``).
"""

from __future__ import annotations

import logging
from calendar import timegm
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Callable
from zoneinfo import ZoneInfo

import feedparser
from bs4 import BeautifulSoup
from lxml import etree

from newsflow.config import Source
from newsflow.decode import decode_html
from newsflow.fetch import Client, log_row
from newsflow.models import Candidate, FetchLog, RawPage
from newsflow.urls import canonicalize

log = logging.getLogger(__name__)
_MAX_SITEMAP_DEPTH = 3
_FEED_TYPES = ("application/", "text/xml", "text/html", "text/plain")
Entry = tuple[str, datetime | None, str | None]


@dataclass
class Discovery:
    candidates: list[Candidate] = field(default_factory=list)
    fetch_log: list[FetchLog] = field(default_factory=list)
    feeds: list[RawPage] = field(default_factory=list)  # feed bodies fetched this run, for raw_pages
    skipped_known: list[str] = field(default_factory=list)
    out_of_interval: int = 0
    feed_errors: int = 0
    over_cap: int = 0


def _parse_dt(value: str | None, tz: ZoneInfo) -> datetime | None:
    if not value:
        return None
    try:
        dt = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    return dt.replace(tzinfo=tz) if dt.tzinfo is None else dt


def _feed_entries(body: bytes, content_type: str | None) -> list[Entry]:
    parsed = feedparser.parse(body, response_headers={"content-type": content_type or "application/xml"})
    if parsed.bozo and not parsed.entries:  # e.g. a CP949 feed declared as euc-kr: decode it ourselves
        parsed = feedparser.parse(decode_html(body, content_type).text)
    out = []
    for e in parsed.entries:
        if not (link := e.get("link")):
            continue
        st = e.get("published_parsed") or e.get("updated_parsed")
        out.append((link, datetime.fromtimestamp(timegm(st), UTC) if st else None, e.get("title")))
    return out


def _sitemap_entries(body: bytes, tz: ZoneInfo) -> tuple[list[Entry], list[str]]:
    """Returns (entries, child sitemap URLs)."""
    parser = etree.XMLParser(resolve_entities=False, no_network=True, recover=True, huge_tree=False)
    root = etree.fromstring(body, parser=parser)
    if root is None:
        return [], []
    if etree.QName(root).localname == "sitemapindex":
        return [], [el.text.strip() for el in root.iterfind(".//{*}sitemap/{*}loc") if el.text]
    entries = []
    for url_el in root.iterfind("{*}url"):
        if not (loc := url_el.findtext("{*}loc")):
            continue
        when = _parse_dt(url_el.findtext(".//{*}publication_date"), tz) or _parse_dt(url_el.findtext("{*}lastmod"), tz)
        entries.append((loc.strip(), when, url_el.findtext(".//{*}title")))
    return entries, []


def _listing_entries(body: bytes, content_type: str | None, selector: str) -> list[Entry]:
    soup = BeautifulSoup(decode_html(body, content_type).text, "lxml")
    out = []
    for a in soup.select(selector):
        link = a if a.name == "a" else a.find("a", href=True)
        if link is not None and link.get("href"):
            out.append((link["href"], None, link.get_text(" ", strip=True) or None))
    return out


def discover(source: Source, day: date, client: Client,
             known: set[str] | frozenset[str] | Callable[[list[str]], set[str]] = frozenset(),
             validators: dict[str, dict[str, str]] | None = None,
             cached: Callable[[str], bytes | None] | None = None) -> Discovery:
    """Candidate URLs of ``source`` for the local date ``day``.

    ``known`` is a set of URLs the lake has, or a function that looks up which of a list of
    URLs it has (called once, with every URL found for the date)."""
    tz = ZoneInfo(source.timezone)
    result = Discovery()
    seen: set[str] = set()
    found: list[Candidate] = []

    def fetch_feed(url: str) -> tuple[bytes, str | None] | None:
        v = (validators or {}).get(url) or {}
        headers = {k: val for k, val in (("If-None-Match", v.get("etag")),
                                         ("If-Modified-Since", v.get("last_modified"))) if val}
        res = client.get(url, headers=headers or None, accept=_FEED_TYPES)
        at = datetime.now(UTC)
        result.fetch_log.append(log_row(res, source.name, "feed", at))
        if res.not_modified and cached is not None and (body := cached(url)) is not None:
            return body, res.headers.get("content-type")
        if not res.ok:
            result.feed_errors += 1
            log.warning("feed %s of source %s failed: %s", url, source.name, res.error_class or res.status)
            return None
        result.feeds.append(RawPage(url, res.final_url or url, source.name, res.status or 200, res.headers,
                                    res.body, at))
        return res.body, res.headers.get("content-type")

    def add(entries: list[Entry], found_in: str) -> None:
        for link, when, title in entries:
            try:
                url = canonicalize(link, base=found_in, www=source.www)
            except ValueError:
                log.warning("source %s: unusable link %r in %s", source.name, link, found_in)
                continue
            if url in seen or not url.startswith(("http://", "https://")):
                continue
            seen.add(url)
            if when is not None and when.astimezone(tz).date() != day:
                result.out_of_interval += 1
            else:
                found.append(Candidate(url, source.name, found_in, when, title))

    for feed in source.feeds:
        if feed.type == "urls":
            add([(u, None, None) for u in feed.urls or []], "urls")
            continue
        got = fetch_feed(feed.url)
        if got is None:
            continue
        body, ctype = got
        if feed.type == "rss":
            add(_feed_entries(body, ctype), feed.url)
        elif feed.type == "listing":
            add(_listing_entries(body, ctype, feed.selector or "a"), feed.url)
        else:
            queue = [(feed.url, body, 0)]
            while queue:
                url, data, depth = queue.pop(0)
                entries, children = _sitemap_entries(data, tz)
                add(entries, url)
                for child in children if depth < _MAX_SITEMAP_DEPTH else []:
                    if (sub := fetch_feed(child)) is not None:
                        queue.append((child, sub[0], depth + 1))

    have = known([c.url for c in found]) if callable(known) else known
    for c in found:
        if c.url in have:
            result.skipped_known.append(c.url)
        else:
            result.candidates.append(c)
    if len(result.candidates) > source.max_articles:
        result.over_cap = len(result.candidates) - source.max_articles
        log.warning("source %s: %d candidates, capped at max_articles=%d", source.name,
                    len(result.candidates), source.max_articles)
        result.candidates = result.candidates[: source.max_articles]
    log.info("source %s: %d candidates for %s (%d outside the date, %d already in the lake)", source.name,
             len(result.candidates), day, result.out_of_interval, len(result.skipped_known))
    return result
