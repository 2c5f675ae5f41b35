"""Fetch: candidate URLs -> raw pages, with exactly one fetch_log row per URL."""

from __future__ import annotations

import logging
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime

from newsflow.http import HttpClient, HttpResult
from newsflow.models import Candidate, FetchLog, RawPage

log = logging.getLogger(__name__)
_HTML_TYPES = ("text/html", "application/xhtml+xml")


@dataclass
class Fetched:
    pages: list[RawPage] = field(default_factory=list)
    fetch_log: list[FetchLog] = field(default_factory=list)


def _one(client: HttpClient, cand: Candidate) -> tuple[Candidate, HttpResult, datetime]:
    return cand, client.get(cand.url), datetime.now(UTC)


def fetch(candidates: list[Candidate], client: HttpClient, workers: int = 4) -> Fetched:
    """GET every candidate (politeness is the client's job); keep HTML 2xx bodies."""
    out = Fetched()
    with ThreadPoolExecutor(max_workers=max(1, workers), thread_name_prefix="fetch") as pool:
        for i, (cand, res, at) in enumerate(pool.map(lambda c: _one(client, c), candidates), 1):
            ctype = res.headers.get("content-type", "")
            error_class, error = res.error_class, res.error
            if res.ok and ctype and not ctype.split(";")[0].strip().lower() in _HTML_TYPES:
                error_class, error = "not_html", f"content-type {ctype!r} is not HTML"
            ok = error_class is None and res.ok
            out.fetch_log.append(FetchLog(
                url=cand.url, source=cand.source, kind="page", final_url=res.final_url, status=res.status,
                ok=ok, attempts=res.attempts, bytes=len(res.body), elapsed_ms=res.elapsed_ms,
                content_type=ctype or None, error_class=error_class, error=error, fetched_at=at,
            ))
            if ok:
                out.pages.append(RawPage(cand.url, res.final_url or cand.url, cand.source, res.status or 0,
                                         res.headers, res.body, at))
            if i % 25 == 0 or i == len(candidates):
                log.info("fetched %d/%d URLs (%d ok)", i, len(candidates), len(out.pages))
    return out
