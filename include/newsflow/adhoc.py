"""What the CLI's one-off commands need beyond the pipeline: one saved page parsed and cleaned
(``newsflow parse``), JSON records deduplicated (``newsflow dedupe``)."""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

from newsflow.clean import clean, clean_paragraphs
from newsflow.config import Source
from newsflow.decode import scrub_surrogates
from newsflow.dedupe import dedupe
from newsflow.models import Article, RawPage, Rejected
from newsflow.parse import parse

log = logging.getLogger(__name__)


def parse_page(html: bytes, url: str, source: Source, zone_from_lang: bool = False,
               content_type: str | None = None) -> dict[str, Any]:
    """One saved page -> the ``parse`` CLI's JSON object (parse + clean + language); never raises.

    ``content_type``: the page's ``Content-Type`` header, when it is known. A page the parser
    or the cleaner cannot handle is a reject (``parser_error`` / ``clean_error``, the exception
    in ``detail``), as a non-article is; no string of the object holds a lone surrogate, so it
    always serialises to JSON and Parquet."""
    from newsflow.extract import detect_language

    headers = {"content-type": content_type} if content_type is not None else {}
    result = parse(RawPage(url, url, source.name, 200, headers, html, datetime.now(UTC)), source, zone_from_lang)
    if isinstance(result, Rejected):
        return _scrubbed(_rejected(url, result.stage, result.reason, result.detail))
    try:
        a = clean(result)
        record = {"url": url, "title": a.title, "body": a.body, "published": a.published_local,
                  "modified": a.modified_at.isoformat() if a.modified_at else None, "authors": list(a.authors),
                  "author": "; ".join(a.authors) or None, "lang": detect_language(a.body, hint=a.lang),
                  "canonical_url": a.canonical_url, "title_source": a.title_source, "date_source": a.date_source,
                  "encoding": a.encoding, "encoding_source": a.encoding_source, "clean_removed": a.clean_removed}
    except Exception as exc:  # noqa: BLE001  (a page that breaks the cleaner is a reject too)
        log.warning("clean failed for %s", scrub_surrogates(url)[:300], exc_info=True)
        record = _rejected(url, "clean", "clean_error", f"{type(exc).__name__}: {exc}"[:500])
    return _scrubbed(record)


def _rejected(url: str, stage: str, reason: str, detail: str) -> dict[str, Any]:
    return {"url": url, "title": None, "body": "", "published": None, "modified": None, "authors": [],
            "author": None, "lang": None, "rejected": {"stage": stage, "reason": reason, "detail": detail}}


def _scrubbed(value: Any) -> Any:
    """``value`` (the CLI's record) with lone surrogates replaced in every string, keys included."""
    if isinstance(value, str):
        return scrub_surrogates(value)
    if isinstance(value, dict):
        return {_scrubbed(k): _scrubbed(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_scrubbed(v) for v in value]
    return value


def dedupe_records(records: list[dict[str, Any]]) -> list[tuple[str, str]]:
    """``dedupe`` CLI: JSON records (url, title, body, published, source) -> (url, cluster_id),
    in input order. Bodies are cleaned first (bylines, copyright lines, repeats)."""
    from newsflow.metadata import parse_datetime
    from newsflow.urls import article_id, canonicalize

    articles = []
    for i, r in enumerate(records):
        paragraphs, _ = clean_paragraphs(str(r.get("body") or "").splitlines(), r.get("title"))
        published = parse_datetime(r.get("published"), ZoneInfo("UTC")) if r.get("published") else None
        aid = f"{i:08d}-{article_id(canonicalize(r['url']))}"  # the same URL twice stays two records
        articles.append(Article(article_id=aid, url=r["url"], canonical_url=r["url"], source=str(r.get("source") or ""),
                                title=str(r.get("title") or ""), paragraphs=tuple(paragraphs), published_at=published,
                                fetched_at=datetime(1970, 1, 1, tzinfo=UTC)))
    order = sorted({a.source for a in articles})
    out = {a.article_id: a for a in dedupe(articles, order)}
    return [(a.url, out[a.article_id].dup_cluster_id or "") for a in articles]
