"""Fetch: candidate URLs -> raw pages, with exactly one fetch_log row per URL.

URLs are spread over hosts by a small scheduler: ``global_concurrency`` workers each take
the next URL of the host whose next allowed start is soonest and which has a free
in-flight slot, so a slow or rate-limited host never holds up the others and the run
proceeds at the sum of the hosts' allowed rates. The per-host spacing itself is enforced
by the client's host gate (so retries, redirects and robots.txt count against it too). A
URL sleeping between two attempts holds no slot: the host's other URLs go on meanwhile.
Candidates may be handed over while the fetch runs (``Fetcher.add``): ``discover.crawl``
feeds each source's candidates in as soon as its discovery ends.

Cross-night backoff: a URL whose last attempts timed out (its ``fetch_log`` rows of the
last days, read by key within a window: ``timeout_history``) is not given full retries
again every night. After timeouts on ``n`` run dates in a row (the last on date ``L``; a
``backoff`` row neither breaks nor extends the run, any other outcome ends it) its next
try is on ``L + min(2**(n-1), BACKOFF_MAX_DAYS)`` days: before that date the URL gets a
row with outcome ``backoff`` (error_class ``backoff``, no request); from that date it gets
one *probe*: a single attempt, no retries, with a short timeout (``probe_timeout``), fetched
first among its host's URLs so its wait overlaps the others. So a URL that timed out costs
the next night one short attempt instead of ``retries + 1`` full timeouts, and if it keeps
timing out it is tried after 2, 4, then every 8 days; one success clears it.
"""

from __future__ import annotations

import codecs
import logging
import re
import threading
import time
from collections import OrderedDict, deque
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, timedelta
from typing import Any, Callable, Iterable, NamedTuple, Protocol

from newsflow.decode import decode_html, http_charset, normalize_charset
from newsflow.http import HostGate, HttpResult
from newsflow.models import Candidate, FetchLog, RawPage
from newsflow.progress import Progress
from newsflow.urls import host_of, redact

log = logging.getLogger(__name__)
HTML_TYPES = ("text/html", "application/xhtml+xml")
_CHARSET_PARAM = re.compile(r"""\s*;\s*charset\s*=\s*["']?[^;"'\s]*["']?""", re.I)
BACKOFF_MAX_DAYS = 8  # the longest wait between two tries of a URL that keeps timing out
PROBE_TIMEOUT_MIN, PROBE_TIMEOUT_MAX = 1.0, 5.0  # a probe's timeout: read_timeout / 4 within these


class Client(Protocol):
    robots_log: list[HttpResult]

    def get(self, url: str, headers: dict[str, str] | None = None, accept: tuple[str, ...] | None = None,
            *, retries: int | None = None, timeout: float | None = None) -> HttpResult: ...

    def gate(self, url: str) -> HostGate: ...


@dataclass
class Fetched:
    pages: list[RawPage] = field(default_factory=list)
    fetch_log: list[FetchLog] = field(default_factory=list)
    not_modified: list[str] = field(default_factory=list)


def log_row(res: HttpResult, source: str, kind: str, at: datetime, outcome: str | None = None,
            encoding: tuple[str | None, str | None] = (None, None)) -> FetchLog:
    if outcome is None:
        outcome = "not_modified" if res.not_modified else "fetched" if res.ok else "failed"
    return FetchLog(  # a URL's userinfo (credentials) is never stored
        url=redact(res.url, None), source=source, kind=kind,
        final_url=redact(res.final_url, None) if res.final_url else None, status=res.status,
        ok=res.ok or res.not_modified, attempts=res.attempts, bytes=len(res.body), elapsed_ms=res.elapsed_ms,
        content_type=res.headers.get("content-type"), error_class=res.error_class, error=res.error,
        fetched_at=at, outcome=outcome, encoding=encoding[0], encoding_source=encoding[1],
        etag=res.headers.get("etag"), last_modified=res.headers.get("last-modified"),
    )


# -- cross-night backoff ----------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class Backoff:
    """A URL that timed out on ``timeouts`` run dates in a row, the last one ``last``."""

    timeouts: int
    last: date

    @property
    def next_try(self) -> date:
        return self.last + timedelta(days=min(2 ** (self.timeouts - 1), BACKOFF_MAX_DAYS))

    def due(self, day: date) -> bool:
        """True when the run of date ``day`` should probe the URL (one short attempt)."""
        return day >= self.next_try

    def why(self) -> str:
        nights = "1 run date" if self.timeouts == 1 else f"{self.timeouts} run dates in a row"
        return f"timed out on {nights}, last on {self.last}; next try on {self.next_try}"


def _as_date(value: Any) -> date:
    if isinstance(value, datetime):
        return value.date()
    return value if isinstance(value, date) else date.fromisoformat(str(value)[:10])


def backoff_from_rows(rows: Iterable[dict[str, Any]]) -> dict[str, Backoff]:
    """Each URL's ``Backoff`` from its page rows of fetch_log (``url``, ``date``, ``fetched_at``,
    ``error_class``, ``outcome``), for the URLs whose latest attempts timed out."""
    by_url: dict[str, list[dict[str, Any]]] = {}
    for r in rows:
        by_url.setdefault(r["url"], []).append(r)
    out = {}
    for url, rs in by_url.items():
        rs.sort(key=lambda r: (_as_date(r["date"]), r.get("fetched_at") or datetime.min.replace(tzinfo=UTC)))
        days: set[date] = set()
        for r in reversed(rs):
            if r.get("error_class") == "timeout":
                days.add(_as_date(r["date"]))
            elif r.get("outcome") != "backoff":  # fetched, failed otherwise, not modified...: the run ends
                break
        if days:
            out[url] = Backoff(len(days), max(days))
    return out


def timeout_history(lake: Any, sources: list[str], urls: list[str], day: str | date, days: int) -> dict[str, Backoff]:
    """The ``Backoff`` of those of ``urls`` that timed out lately: their page rows of ``fetch_log``
    looked up by URL in the data dates ``day - days`` .. ``day`` only (only the window's files
    are opened, as every read in ``newsflow.history``)."""
    if not urls:
        return {}
    import pyarrow as pa
    import pyarrow.dataset as ds

    from newsflow.lake import window_start

    want = pa.array(sorted(set(urls)), pa.string())
    t = lake.read_table("fetch_log", ["url", "date", "fetched_at", "error_class", "outcome"], sources=sources,
                        since=window_start(str(day), days), until=str(day),
                        filter=ds.field("url").isin(want) & (ds.field("kind") == "page"))
    return backoff_from_rows(t.to_pylist())


def default_probe_timeout(client: Client) -> float | None:
    """The timeout of a probe: a quarter of ``read_timeout``, within 1-5 s (and the settings)."""
    s = getattr(client, "settings", None)
    if s is None:
        return None
    quarter = min(max(s.read_timeout / 4, PROBE_TIMEOUT_MIN), PROBE_TIMEOUT_MAX)
    return min(quarter, s.read_timeout, s.total_timeout)


def backoff_row(cand: Candidate, backoff: Backoff, at: datetime | None = None) -> FetchLog:
    """The row of a URL not fetched tonight because it timed out lately (no request made)."""
    res = HttpResult(cand.url, None, None, {}, b"", 0, 0, "backoff", backoff.why())
    return log_row(res, cand.source, "page", at or datetime.now(UTC), outcome="backoff")


# -- the scheduler ------------------------------------------------------------------------------
class _Item(NamedTuple):
    key: tuple[int, int]  # (group, index): the order of the rows
    cand: Candidate
    probe: Backoff | None  # one short attempt, no retries


class _HostQueues:
    """Hands each worker the URL of the host that can take a request soonest."""

    def __init__(self, client: Client) -> None:
        self.client = client
        self.queues: OrderedDict[str, deque[_Item]] = OrderedDict()
        self.taken: dict[str, int] = {}
        self.cond = threading.Condition()
        self.closed = False
        self.watched: dict[str, HostGate] = {}

    def add(self, items: list[_Item]) -> None:
        with self.cond:
            probes: dict[str, list[_Item]] = {}
            for it in items:
                host = host_of(it.cand.url)
                q = self.queues.setdefault(host, deque())
                self.taken.setdefault(host, 0)
                if it.probe is not None:
                    probes.setdefault(host, []).append(it)
                else:
                    q.append(it)
                if host not in self.watched:  # told when a URL of the host starts sleeping between attempts
                    gate = self.client.gate(it.cand.url)
                    gate.watchers.append(self.poke)
                    self.watched[host] = gate
            for host, its in probes.items():  # probes first: their (short) waits overlap the other URLs
                self.queues[host].extendleft(reversed(its))
            self.cond.notify_all()

    def poke(self) -> None:
        with self.cond:
            self.cond.notify_all()

    def close(self, drop: bool = False) -> list[_Item]:
        """No more URLs will come; with ``drop``, the URLs not taken yet are returned, not fetched."""
        with self.cond:
            self.closed = True
            dropped = [it for q in self.queues.values() for it in q] if drop else []
            if drop:
                for q in self.queues.values():
                    q.clear()
            self.cond.notify_all()
        return dropped

    def unwatch(self) -> None:
        for gate in self.watched.values():
            try:
                gate.watchers.remove(self.poke)
            except ValueError:
                pass

    def take(self) -> _Item | None:
        with self.cond:
            while True:
                best, best_at = None, None
                for host, q in self.queues.items():
                    if not q:
                        continue
                    gate = self.client.gate(q[0].cand.url)
                    # URLs of the host being handled, less those sleeping between two attempts
                    active = max(0, self.taken[host] - gate.backing_off)
                    if active >= gate.max_in_flight:
                        continue
                    # workers that took a URL of this host but are not in its gate yet
                    pending = max(0, active - gate.waiting - gate.in_flight)
                    at = gate.ready_at() + pending * gate.interval
                    if best_at is None or at < best_at:
                        best, best_at = host, at
                if best is not None:
                    self.taken[best] += 1
                    return self.queues[best].popleft()
                if self.closed and not any(self.queues.values()):
                    return None
                self.cond.wait(timeout=1.0)

    def done(self, url: str) -> None:
        with self.cond:
            self.taken[host_of(url)] -= 1
            self.cond.notify_all()


def failed_row(url: str, source: str, kind: str, error_class: str, error: str,
               at: datetime | None = None) -> FetchLog:
    """The fetch_log row of a URL that failed without an HTTP result of its own."""
    res = HttpResult(url, None, None, {}, b"", 0, 0, error_class, error[:500])
    return log_row(res, source, kind, at or datetime.now(UTC))


def usable_content_type(content_type: str | None) -> str | None:
    """``content_type`` without a charset parameter that names no text codec Python can use.

    Python knows labels such as ``undefined`` (a codec that always raises) or ``base64``
    (not a text codec): a server sending one must get charset detection, not a crash."""
    label = http_charset(content_type)
    if not label or content_type is None:
        return content_type
    codec = normalize_charset(label)
    try:
        info = codecs.lookup(codec or "")
        if getattr(info, "_is_text_encoding", True):
            info.decode(b"")  # bytes.decode skips the codec for b"": call it, 'undefined' raises here
            return content_type
    except (LookupError, UnicodeError):
        pass
    log.info("ignoring unusable charset %r in Content-Type %r", label, content_type)
    return _CHARSET_PARAM.sub("", content_type)


def decode_page(body: bytes, content_type: str | None) -> tuple[str | None, str | None]:
    """(encoding, where it came from) for the fetch_log; never raises. Parse decodes again."""
    try:
        d = decode_html(body, usable_content_type(content_type))
    except (LookupError, UnicodeError) as exc:  # e.g. <meta charset="undefined">
        log.warning("cannot tell the charset of a page (%s); parse will decide", exc)
        return None, None
    return d.encoding, d.source


def _conditional(validators: dict[str, dict[str, str]] | None, url: str) -> dict[str, str] | None:
    v = (validators or {}).get(url) or {}
    headers = {k: val for k, val in (("If-None-Match", v.get("etag")),
                                     ("If-Modified-Since", v.get("last_modified"))) if val}
    return headers or None


class Fetcher:
    """The fetch of one job: workers over the host queues, to which URLs may be added while
    it runs (``add``) until ``close``; ``join`` waits and returns the rows in the order the
    URLs were added (by ``group``, then position)."""

    def __init__(self, client: Client, workers: int = 16, sink: Callable[[RawPage], None] | None = None,
                 probe_timeout: float | None = None) -> None:
        self.client, self.workers, self.sink = client, max(1, workers), sink
        self.probe_timeout = probe_timeout if probe_timeout is not None else default_probe_timeout(client)
        self.queues = _HostQueues(client)
        self.validators: dict[str, dict[str, str]] = {}
        self.expected: dict[tuple[int, int], Candidate] = {}
        self.results: dict[tuple[int, int], tuple[FetchLog, RawPage | None]] = {}
        self.threads: list[threading.Thread] = []
        self.lock = threading.Lock()
        self.robots_hosts: set[str] = set()
        self.groups: set[int] = set()
        self.started = time.monotonic()
        # a line every 10 s while pages arrive (URLs done of those known so far, rate, ETA)
        self.progress = Progress(0, "fetch", unit="URLs", logger=log)
        self.sources: set[str] = set()

    def add(self, candidates: list[Candidate], group: int = 0, validators: dict[str, dict[str, str]] | None = None,
            backoff: dict[str, Backoff] | None = None, day: date | None = None) -> None:
        """Queue ``candidates`` (conditional GET where ``validators`` has ETag/Last-Modified). A
        URL in ``backoff`` gets a ``backoff`` row before its next-try date (``day`` is the run's
        date) and one short attempt from then on."""
        items, rows = [], {}
        now = datetime.now(UTC)
        for i, cand in enumerate(candidates):
            key, b = (group, i), (backoff or {}).get(cand.url)
            if b is not None and day is not None and not b.due(day):
                rows[key] = (backoff_row(cand, b, now), None)
            else:
                items.append(_Item(key, cand, b))
        with self.lock:
            if group in self.groups:
                raise ValueError(f"group {group} was added already")
            self.groups.add(group)
            self.expected.update({(group, i): c for i, c in enumerate(candidates)})
            self.validators.update(validators or {})
            self.results.update(rows)
            new_hosts = list({host_of(it.cand.url): it.cand.url for it in items
                              if host_of(it.cand.url) not in self.robots_hosts}.values())
            self.robots_hosts.update(host_of(u) for u in new_hosts)
        self.sources.update(c.source for c in candidates)
        names = sorted(self.sources)
        self.progress.label = "fetch " + ", ".join(names[:4]) + (" ..." if len(names) > 4 else "")
        self.progress.grow(len(candidates))
        self.progress.add(len(rows))  # backed-off URLs are done at once
        self.progress.start()
        self._prefetch_robots(new_hosts)
        self.queues.add(items)
        with self.lock:
            want = min(self.workers, len(self.expected) - len(self.results))
            for n in range(len(self.threads), want):
                t = threading.Thread(target=self._worker, name=f"fetch-{n}", daemon=True)
                self.threads.append(t)
                t.start()

    def _prefetch_robots(self, urls: list[str]) -> None:
        """robots.txt of new hosts first, all at once: each host's first slot goes to it anyway,
        and afterwards the scheduler sees every host's true next start."""
        robots = getattr(self.client, "robots", None)
        if not urls or robots is None or not getattr(getattr(self.client, "settings", None), "respect_robots", False):
            return

        def prefetch(url: str) -> None:
            try:
                robots(url)
            except Exception:  # noqa: BLE001 - the URL's own fetch will meet (and log) the same fault
                log.exception("robots.txt for %s failed unexpectedly", redact(url))

        if len(urls) == 1:
            prefetch(urls[0])
            return
        with ThreadPoolExecutor(max_workers=min(self.workers, len(urls)), thread_name_prefix="robots") as pool:
            list(pool.map(prefetch, urls))

    def close(self) -> None:
        """No more URLs: the workers stop once the queues are empty."""
        self.queues.close()

    def cancel(self) -> None:
        """No more URLs, and those not started are not fetched (they get no row)."""
        for it in self.queues.close(drop=True):
            with self.lock:
                self.expected.pop(it.key, None)

    def join(self) -> Fetched:
        for t in list(self.threads):
            t.join()
        self.progress.stop()
        self.queues.unwatch()
        out = Fetched()
        for key in sorted(self.expected):
            cand = self.expected[key]
            if key not in self.results:  # a worker died outside the per-URL guard: still one row per URL
                self.results[key] = (failed_row(cand.url, cand.source, "page", "internal_error",
                                                "not fetched: the fetch worker stopped unexpectedly"), None)
            row, page = self.results[key]
            if page is not None:
                out.pages.append(page)
            elif row.outcome == "not_modified":
                out.not_modified.append(cand.url)
            out.fetch_log.append(row)
        return out

    def _one(self, item: _Item) -> tuple[FetchLog, RawPage | None]:
        cand = item.cand
        try:
            if item.probe is not None:  # timed out lately: one short attempt, no retries
                res = self.client.get(cand.url, headers=_conditional(self.validators, cand.url), accept=HTML_TYPES,
                                      retries=0, timeout=self.probe_timeout)
            else:
                res = self.client.get(cand.url, headers=_conditional(self.validators, cand.url), accept=HTML_TYPES)
        finally:
            self.queues.done(cand.url)
        at = datetime.now(UTC)
        encoding: tuple[str | None, str | None] = (None, None)
        page = None
        if res.ok:
            encoding = decode_page(res.body, res.headers.get("content-type"))
            page = RawPage(cand.url, res.final_url or cand.url, cand.source, res.status or 0, res.headers,
                           res.body, at)
            if self.sink is not None:
                self.sink(page)
                page = None
        row = log_row(res, cand.source, "page", at, encoding=encoding)
        if item.probe is not None and row.error:
            row = replace(row, error=f"{row.error} (one probe attempt: {item.probe.why()})"[:500])
        return row, page

    def _worker(self) -> None:
        while (item := self.queues.take()) is not None:
            cand = item.cand
            try:
                row, page = self._one(item)
            except Exception as exc:  # noqa: BLE001 - one URL's fault must not cost the others their rows
                log.exception("fetching %s failed unexpectedly", redact(cand.url))
                row, page = failed_row(cand.url, cand.source, "page", "internal_error",
                                       f"{type(exc).__name__}: {exc}"), None
            with self.lock:
                self.results[item.key] = (row, page)
            self.progress.add()


def fetch(candidates: list[Candidate], client: Client, validators: dict[str, dict[str, str]] | None = None,
          workers: int = 16, sink: Callable[[RawPage], None] | None = None,
          backoff: dict[str, Backoff] | None = None, day: date | None = None) -> Fetched:
    """GET every candidate (conditional GET where ``validators`` has ETag/Last-Modified).

    Every candidate ends with exactly one fetch_log row, whatever happens while it is
    handled: an exception in one URL's handling becomes that URL's ``internal_error`` row.
    With a ``sink``, each page is handed to it as soon as it arrives and not kept (``pages``
    stays empty), so a night's bodies are never all in memory at once. ``backoff`` (from
    ``timeout_history``) and the run's ``day`` apply the cross-night backoff."""
    fetcher = Fetcher(client, workers=workers, sink=sink)
    try:
        fetcher.add(candidates, 0, validators, backoff, day)
    finally:
        fetcher.close()
    return fetcher.join()
