"""What the CLI's one-off commands need beyond the pipeline: one saved page parsed and cleaned
(``newsflow parse``), JSON records deduplicated (``newsflow dedupe``)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

from newsflow.clean import clean, clean_paragraphs
from newsflow.config import Source
from newsflow.dedupe import dedupe
from newsflow.models import Article, RawPage, Rejected
from newsflow.parse import parse


def parse_page(html: bytes, url: str, source: Source, zone_from_lang: bool = False) -> dict[str, Any]:
    """One saved page -> the ``parse`` CLI's JSON object (parse + clean + language)."""
    from newsflow.extract import detect_language

    result = parse(RawPage(url, url, source.name, 200, {}, html, datetime.now(UTC)), source, zone_from_lang)
    if isinstance(result, Rejected):
        return {"url": url, "title": None, "body": "", "published": None, "modified": None, "authors": [],
                "author": None, "lang": None,
                "rejected": {"stage": result.stage, "reason": result.reason, "detail": result.detail}}
    a = clean(result)
    return {"url": url, "title": a.title, "body": a.body, "published": a.published_local,
            "modified": a.modified_at.isoformat() if a.modified_at else None, "authors": list(a.authors),
            "author": "; ".join(a.authors) or None, "lang": detect_language(a.body, hint=a.lang),
            "canonical_url": a.canonical_url, "title_source": a.title_source, "date_source": a.date_source,
            "encoding": a.encoding, "encoding_source": a.encoding_source, "clean_removed": a.clean_removed}


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
