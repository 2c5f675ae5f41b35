"""Discovery: from a source's feeds to candidate article URLs for one local date.

Feeds are RSS/Atom (feedparser), XML sitemaps including sitemap indexes and Google news
sitemaps (lxml), HTML listing pages (a CSS selector picks the article links) or plain URL
lists. A URL is kept when its feed date, read in the source's time zone, falls on the run's
date; URLs without a date are kept (parse dates them later). URLs are canonicalised (with
the source's ``www`` policy) and deduplicated; URLs in ``known`` (already in the lake) are
counted and skipped; at most ``max_articles`` per source. Feeds are fetched with
conditional GET when ``validators`` has their ETag/Last-Modified, and a 304 reuses the
body the lake kept (``cached``). A feed that fails or is not what its type says is a feed
error with a failed fetch_log row (so a reject), a broken http(s) link is a failed page
row, and each sitemap URL is fetched at most once per source (indexes may cycle).

A source's feeds are requested at once (and then each level of a sitemap index), read in
the order the source lists them; ``crawl`` discovers every source of a job at once and hands
each source's candidates to the fetch as soon as its discovery ends, all through the
client's host gates, so discovery runs across hosts in parallel under the same per-host
limits as the pages. ``robots_rows`` gives each robots.txt row to the source that owns its
origin (host and port).
"""

from __future__ import annotations

import logging
import re
import time
from calendar import timegm
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime
from typing import Callable, Iterable
from zoneinfo import ZoneInfo

import feedparser
from bs4 import BeautifulSoup
from lxml import etree

from newsflow.config import Source
from newsflow.decode import decode_html
from newsflow.fetch import Backoff, Client, Fetched, Fetcher, failed_row, log_row, usable_content_type
from newsflow.http import HttpResult
from newsflow.models import Candidate, FetchLog, RawPage
from newsflow.urls import BadUrl, canonicalize, host_of, parse_url, redact

log = logging.getLogger(__name__)
_MAX_SITEMAP_DEPTH = 3
_FEED_WORKERS = 8  # feed requests of one source in flight at once (the host gates space them)
_FEED_TYPES = ("application/", "text/xml", "text/html", "text/plain")
Entry = tuple[str, datetime | None, str | None]
_XML_ENCODING = re.compile(r"""^(\s*<\?xml[^>]*?\bencoding\s*=\s*)(["'])[^"']*\2""")


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


def _feed_entries(body: bytes, content_type: str | None) -> list[Entry] | None:
    """The entries of an RSS/Atom feed, or None if ``body`` is not one (an HTML page, say)."""
    headers = {"content-type": usable_content_type(content_type) or "application/xml"}
    try:
        parsed = feedparser.parse(body, response_headers=headers)
    except (LookupError, UnicodeError):  # an XML declaration naming a codec that always fails
        parsed = None
    if parsed is None or (parsed.bozo and not parsed.entries):  # e.g. a CP949 feed declared as euc-kr
        text = decode_html(body, headers["content-type"]).text
        parsed = feedparser.parse(_XML_ENCODING.sub(r'\1"utf-8"', text, count=1))  # decoded: now it is UTF-8
    if not parsed.entries and not parsed.version:  # feedparser recognised no feed format
        return None
    out = []
    for e in parsed.entries:
        if not (link := e.get("link")):
            continue
        st = e.get("published_parsed") or e.get("updated_parsed")
        out.append((link, datetime.fromtimestamp(timegm(st), UTC) if st else None, e.get("title")))
    return out


def _sitemap_entries(body: bytes, tz: ZoneInfo) -> tuple[list[Entry], list[str]] | None:
    """Returns (entries, child sitemap URLs), or None if ``body`` is not a sitemap."""
    parser = etree.XMLParser(resolve_entities=False, no_network=True, recover=True, huge_tree=False)
    try:
        root = etree.fromstring(body, parser=parser)
    except etree.XMLSyntaxError:  # e.g. an empty body
        return None
    if root is None:
        return None
    kind = etree.QName(root).localname
    if kind == "sitemapindex":
        return [], [el.text.strip() for el in root.iterfind(".//{*}sitemap/{*}loc") if el.text]
    if kind != "urlset":
        return None
    entries = []
    for url_el in root.iterfind("{*}url"):
        if not (loc := url_el.findtext("{*}loc")):
            continue
        when = _parse_dt(url_el.findtext(".//{*}publication_date"), tz) or _parse_dt(url_el.findtext("{*}lastmod"), tz)
        entries.append((loc.strip(), when, url_el.findtext(".//{*}title")))
    return entries, []


def _listing_entries(body: bytes, content_type: str | None, selector: str) -> list[Entry]:
    soup = BeautifulSoup(decode_html(body, usable_content_type(content_type)).text, "lxml")
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
    URLs it has (called once, with every URL found for the date). A feed that fails, or
    whose body is not what its type says (an HTML page served as RSS), is a feed error with
    a failed fetch_log row (``feed_not_parsed``), so it becomes a reject; sitemap URLs are
    fetched at most once per source, so an index that lists itself or a cycle cannot
    multiply the fetches."""
    tz = ZoneInfo(source.timezone)
    result = Discovery()
    seen: set[str] = set()
    found: list[Candidate] = []
    fetched: set[str] = set()  # feed and sitemap URLs fetched for this source

    def get(url: str) -> tuple[HttpResult, datetime]:
        v = (validators or {}).get(url) or {}
        headers = {k: val for k, val in (("If-None-Match", v.get("etag")),
                                         ("If-Modified-Since", v.get("last_modified"))) if val}
        res = client.get(url, headers=headers or None, accept=_FEED_TYPES)
        return res, datetime.now(UTC)

    def get_all(urls: list[str]) -> list[tuple[HttpResult, datetime]]:
        """The responses of ``urls``, requested at once (the client's host gates space them)."""
        if len(urls) <= 1:
            return [get(u) for u in urls]
        with ThreadPoolExecutor(max_workers=min(len(urls), _FEED_WORKERS), thread_name_prefix="feeds") as pool:
            return list(pool.map(get, urls))

    def fetch_feed(url: str, got: tuple[HttpResult, datetime]) -> tuple[bytes, str | None, int] | None:
        """(body, content type, index of its fetch_log row), or None if it failed."""
        res, at = got
        result.fetch_log.append(log_row(res, source.name, "feed", at))
        row = len(result.fetch_log) - 1
        if res.not_modified and cached is not None and (body := cached(url)) is not None:
            return body, res.headers.get("content-type"), row
        if not res.ok:
            result.feed_errors += 1
            log.warning("feed %s of source %s failed: %s", redact(url), source.name, res.error_class or res.status)
            return None
        result.feeds.append(RawPage(redact(url, None), res.final_url or redact(url, None), source.name,
                                    res.status or 200, res.headers, res.body, at))
        return res.body, res.headers.get("content-type"), row

    def not_parsed(row: int, why: str) -> None:
        """Turn the feed's fetch_log row into a failure: a feed error, and a reject downstream."""
        result.feed_errors += 1
        r = result.fetch_log[row]
        log.warning("feed %s of source %s: %s", redact(r.url), source.name, why)
        result.fetch_log[row] = replace(r, ok=False, outcome="failed", error_class="feed_not_parsed",
                                        error=why[:500])

    def add(entries: list[Entry], found_in: str) -> None:
        for link, when, title in entries:
            on_day = when is None or when.astimezone(tz).date() == day
            try:
                url = canonicalize(link, base=found_in, www=source.www)
            except BadUrl as exc:  # mailto: and the like are skipped; a broken http(s) link is a reject
                if exc.web and on_day and (raw := redact(link.strip(), 2000)) not in seen:
                    seen.add(raw)
                    log.warning("source %s: unusable link %r in %s: %s", source.name, raw, redact(found_in), exc)
                    result.fetch_log.append(failed_row(raw, source.name, "page", exc.error_class,
                                                       f"found in {redact(found_in)}: {exc}"))
                continue
            if url in seen:
                continue
            seen.add(url)
            if not on_day:
                result.out_of_interval += 1
            else:
                found.append(Candidate(url, source.name, found_in, when, title))

    def sitemaps(url: str, body: bytes, row: int) -> None:
        """A sitemap and, breadth first, the sitemaps its index lists (each fetched once)."""
        queue = [(url, body, row, 0)]
        while queue:
            url, data, row, depth = queue.pop(0)
            got = _sitemap_entries(data, tz)
            if got is None:
                not_parsed(row, "not a sitemap (no <urlset> or <sitemapindex>)")
                continue
            entries, children = got
            add(entries, url)
            todo = []
            for child in children if depth < _MAX_SITEMAP_DEPTH else []:
                try:
                    child = str(parse_url(child, base=url))
                except BadUrl:
                    pass  # fetched as written: the client refuses it with a fetch_log row
                if child in fetched:
                    log.info("source %s: sitemap %s listed again (in %s), not fetched again", source.name,
                             redact(child), redact(url))
                    continue
                fetched.add(child)
                todo.append(child)
            for child, response in zip(todo, get_all(todo)):  # the index's sitemaps at once, read in order
                if (sub := fetch_feed(child, response)) is not None:
                    queue.append((child, sub[0], sub[2], depth + 1))

    def key_of(url: str) -> str:
        try:
            return str(parse_url(url))
        except BadUrl:
            return url

    firsts: dict[str, str] = {}  # every feed URL of the source, once, requested at once
    for feed in source.feeds:
        if feed.type != "urls" and feed.url:
            firsts.setdefault(key_of(feed.url), feed.url)
    responses = dict(zip(firsts, get_all(list(firsts.values()))))
    fetched.update(firsts)
    done: set[str] = set()
    for feed in source.feeds:
        if feed.type == "urls":
            add([(u, None, None) for u in feed.urls or []], "urls")
            continue
        key = key_of(feed.url)
        if key in done:
            continue
        done.add(key)
        got = fetch_feed(feed.url, responses[key])
        if got is None:
            continue
        body, ctype, row = got
        try:
            if feed.type == "rss":
                if (entries := _feed_entries(body, ctype)) is None:
                    not_parsed(row, f"not an RSS or Atom feed (content-type {ctype!r})")
                else:
                    add(entries, feed.url)
            elif feed.type == "listing":
                add(_listing_entries(body, ctype, feed.selector or "a"), feed.url)
            else:
                sitemaps(feed.url, body, row)
        except Exception as exc:  # noqa: BLE001 - one broken feed must not cost the source its other feeds
            log.exception("source %s: feed %s could not be read", source.name, redact(feed.url))
            not_parsed(row, f"{type(exc).__name__}: {exc}")

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


@dataclass
class Crawl:
    """What ``crawl`` found and fetched: each source's ``Discovery`` and the fetch of all their
    candidates (rows in the order of the sources, then of their candidates)."""

    found: dict[str, Discovery]
    fetched: Fetched
    seconds: float = 0.0

    @property
    def candidates(self) -> list[Candidate]:
        return [c for f in self.found.values() for c in f.candidates]


def crawl(sources: list[Source], day: date, client: Client,
          known: set[str] | frozenset[str] | Callable[[list[str]], set[str]] = frozenset(),
          validators: dict[str, dict[str, str]] | None = None,
          cached: Callable[[str], bytes | None] | None = None,
          page_validators: Callable[[list[str]], dict[str, dict[str, str]]] | None = None,
          backoff: Callable[[list[str]], dict[str, Backoff]] | None = None,
          workers: int = 16, sink: Callable[[RawPage], None] | None = None) -> Crawl:
    """Discover every source and fetch its candidates: the whole network part of a fetch job.

    Every source's discovery runs at once (robots.txt, feeds and sitemaps of all hosts in
    parallel, each host's requests spaced by its gate), and a source's candidates go to the
    fetch scheduler as soon as its own discovery ends, so the hosts' budgets are used from the
    first second rather than after a sequential discovery. For those candidates
    ``page_validators(urls)`` gives ETag/Last-Modified for conditional GETs and
    ``backoff(urls)`` the cross-night backoff of URLs that timed out lately (see
    ``newsflow.fetch``); ``known``, ``validators`` and ``cached`` are ``discover``'s. A
    failing discovery (an exception) stops the fetch of URLs not started yet and is raised."""
    started = time.monotonic()
    fetcher = Fetcher(client, workers=workers, sink=sink)

    def one(job: tuple[int, Source]) -> Discovery:
        i, source = job
        found = discover(source, day, client, known, validators, cached)
        urls = [c.url for c in found.candidates]
        fetcher.add(found.candidates, group=i,
                    validators=page_validators(urls) if page_validators is not None and urls else None,
                    backoff=backoff(urls) if backoff is not None and urls else None, day=day)
        return found

    try:
        with ThreadPoolExecutor(max_workers=max(1, min(len(sources), workers)),
                                thread_name_prefix="discover") as pool:
            results = list(pool.map(one, enumerate(sources)))
    except BaseException:
        fetcher.cancel()
        fetcher.join()
        raise
    fetcher.close()
    got = fetcher.join()
    return Crawl({s.name: f for s, f in zip(sources, results)}, got, time.monotonic() - started)


def robots_rows(robots_log: list[HttpResult], sources: list[Source], at: datetime,
                candidates: Iterable[Candidate] = ()) -> dict[str, list[FetchLog]]:
    """The fetch_log rows of the robots.txt fetches, per source: each goes to the source that
    owns its origin (host *and* port: two sources on one host name with different ports own
    their own robots.txt), i.e. the first source one of whose feeds or URL lists is there, else
    the source of a candidate there (articles on another host than the feeds), else the first
    source on that host name, else the first source."""
    by_origin: dict[str, str] = {}
    by_name: dict[str, str] = {}
    for s in sources:
        for u in [f.url for f in s.feeds if f.url] + [u for f in s.feeds for u in f.urls or []]:
            by_origin.setdefault(host_of(u), s.name)
    for c in candidates:
        by_origin.setdefault(host_of(c.url), c.source)
    for origin, name in by_origin.items():
        by_name.setdefault(origin.rsplit(":", 1)[0], name)
    out: dict[str, list[FetchLog]] = {s.name: [] for s in sources}
    for res in robots_log:
        origin = host_of(res.url)
        owner = by_origin.get(origin) or by_name.get(origin.rsplit(":", 1)[0]) or sources[0].name
        out.setdefault(owner, []).append(log_row(res, owner, "robots", at))
    return out
