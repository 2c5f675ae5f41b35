"""Fetch: candidate URLs -> raw pages, with exactly one fetch_log row per URL.

URLs are spread over hosts by a small scheduler: ``global_concurrency`` workers each take
the next URL of the host whose next allowed start is soonest and which has a free
in-flight slot, so a slow or rate-limited host never holds up the others and the run
proceeds at the sum of the hosts' allowed rates. The per-host spacing itself is enforced
by the client's host gate (so retries, redirects and robots.txt count against it too).
"""

from __future__ import annotations

import logging
import threading
import time
from collections import OrderedDict, deque
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Callable, Protocol

from newsflow.decode import decode_html
from newsflow.http import HostGate, HttpResult
from newsflow.models import Candidate, FetchLog, RawPage
from newsflow.urls import host_of

log = logging.getLogger(__name__)
HTML_TYPES = ("text/html", "application/xhtml+xml")


class Client(Protocol):
    robots_log: list[HttpResult]

    def get(self, url: str, headers: dict[str, str] | None = None,
            accept: tuple[str, ...] | None = None) -> HttpResult: ...

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
    return FetchLog(
        url=res.url, source=source, kind=kind, final_url=res.final_url, status=res.status,
        ok=res.ok or res.not_modified, attempts=res.attempts, bytes=len(res.body), elapsed_ms=res.elapsed_ms,
        content_type=res.headers.get("content-type"), error_class=res.error_class, error=res.error,
        fetched_at=at, outcome=outcome, encoding=encoding[0], encoding_source=encoding[1],
        etag=res.headers.get("etag"), last_modified=res.headers.get("last-modified"),
    )


class _HostQueues:
    """Hands each worker the URL of the host that can take a request soonest."""

    def __init__(self, candidates: list[Candidate], client: Client) -> None:
        self.client = client
        self.queues: OrderedDict[str, deque[Candidate]] = OrderedDict()
        for c in candidates:
            self.queues.setdefault(host_of(c.url), deque()).append(c)
        self.taken: dict[str, int] = {h: 0 for h in self.queues}
        self.cond = threading.Condition()

    def take(self) -> Candidate | None:
        with self.cond:
            while True:
                best, best_at = None, None
                for host, q in self.queues.items():
                    if not q:
                        continue
                    gate = self.client.gate(q[0].url)
                    if self.taken[host] >= gate.max_in_flight:
                        continue
                    # workers that took a URL of this host but have not reserved a start in its gate yet
                    pending = max(0, self.taken[host] - gate.in_flight)
                    at = gate.ready_at() + pending * gate.interval
                    if best_at is None or at < best_at:
                        best, best_at = host, at
                if best is not None:
                    self.taken[best] += 1
                    return self.queues[best].popleft()
                if not any(self.queues.values()):
                    return None
                self.cond.wait(timeout=1.0)

    def done(self, url: str) -> None:
        with self.cond:
            self.taken[host_of(url)] -= 1
            self.cond.notify_all()


def fetch(candidates: list[Candidate], client: Client, validators: dict[str, dict[str, str]] | None = None,
          workers: int = 16, sink: Callable[[RawPage], None] | None = None) -> Fetched:
    """GET every candidate (conditional GET where ``validators`` has ETag/Last-Modified).

    With a ``sink``, each page is handed to it as soon as it arrives and not kept (``pages``
    stays empty), so a night's bodies are never all in memory at once."""
    out = Fetched()
    results: list[tuple[int, Candidate, FetchLog, RawPage | None, bool]] = []
    order = {id(c): i for i, c in enumerate(candidates)}
    queues = _HostQueues(candidates, client)
    lock = threading.Lock()
    started = time.monotonic()

    def worker() -> None:
        while (cand := queues.take()) is not None:
            try:
                headers = {}
                v = (validators or {}).get(cand.url) or {}
                if v.get("etag"):
                    headers["If-None-Match"] = v["etag"]
                if v.get("last_modified"):
                    headers["If-Modified-Since"] = v["last_modified"]
                res = client.get(cand.url, headers=headers or None, accept=HTML_TYPES)
            finally:
                queues.done(cand.url)
            at = datetime.now(UTC)
            encoding: tuple[str | None, str | None] = (None, None)
            page = None
            if res.ok:
                d = decode_html(res.body, res.headers.get("content-type"))
                encoding = (d.encoding, d.source)
                page = RawPage(cand.url, res.final_url or cand.url, cand.source, res.status or 0, res.headers,
                               res.body, at)
                if sink is not None:
                    sink(page)
                    page = None
            row = log_row(res, cand.source, "page", at, encoding=encoding)
            with lock:
                results.append((order[id(cand)], cand, row, page, res.not_modified))
                n = len(results)
            if n % 25 == 0 or n == len(candidates):
                log.info("fetched %d/%d URLs in %.1fs", n, len(candidates), time.monotonic() - started)

    # robots.txt first, for every host at once: each host's first slot goes to it anyway, and
    # afterwards the scheduler sees every host's true next start
    robots = getattr(client, "robots", None)
    if robots is not None and getattr(getattr(client, "settings", None), "respect_robots", False):
        firsts = list({host_of(c.url): c.url for c in candidates}.values())
        with ThreadPoolExecutor(max_workers=max(1, min(workers, len(firsts))), thread_name_prefix="robots") as pool:
            list(pool.map(robots, firsts))

    threads = [threading.Thread(target=worker, name=f"fetch-{i}", daemon=True)
               for i in range(max(1, min(workers, len(candidates))))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()

    for _, cand, row, page, not_modified in sorted(results, key=lambda r: r[0]):
        if page is not None:
            out.pages.append(page)
        elif not_modified:
            out.not_modified.append(cand.url)
        out.fetch_log.append(row)
    return out
