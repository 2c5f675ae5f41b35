"""Extraction over one shard: the registry's extractors per article, their rows per lake table.

Keyword weighting needs document frequencies; they come from the lake's ``term_df`` of the
dates before this one (``history.document_frequencies``), looked up once per shard for the
shard's own candidate terms, and every article of a language shares that one mapping (no
per-article copies). So an article's keywords do not depend on which shard it landed in, and
a replay of a date gives the same keywords as its first run. A sample of the date's articles
(the dedupe step picks it) contributes its candidate terms to the date's ``term_df``.

An extractor that raises on one article makes that article a reject (stage ``extract``), and
the shard goes on.
"""

from __future__ import annotations

import logging
import re
from collections import Counter, defaultdict
from dataclasses import replace
from datetime import date
from typing import Any

from newsflow.models import Article, Rejected

log = logging.getLogger(__name__)


def _granularity(normalized: str) -> str:
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", normalized):
        return "day"
    if re.fullmatch(r"\d{4}-\d{2}", normalized):
        return "month"
    return {"Q": "quarter", "H": "half"}.get(normalized[5:6], "year")


def fact_rows(found: dict[str, list[dict[str, Any]]], base: dict[str, Any]) -> dict[str, list[dict[str, Any]]]:
    """The lake rows of one article's extractor results, per fact table."""
    tables: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for i, e in enumerate(found.get("entities", [])):
        tables["entities"].append({**base, "idx": i, "type": e["type"], "canonical": e["canonical"],
                                   "text": e["text"], "role": e.get("role"), "aliases": e.get("aliases", []),
                                   "start": e["start"], "end": e["end"], "mentions": len(e.get("mentions", []))})
    for i, q in enumerate(found.get("quotes", [])):
        tables["quotes"].append({**base, "idx": i, **{k: q.get(k) for k in (
            "speaker", "speaker_type", "text", "start", "end", "attribution")}})
    for i, d in enumerate(found.get("dates", [])):
        tables["dates"].append({**base, "idx": i, "text": d["text"], "normalized": d["normalized"],
                                "granularity": _granularity(d["normalized"]), "start": d["start"], "end": d["end"]})
    for i, n in enumerate(found.get("numbers", [])):
        tables["numbers"].append({**base, "idx": i, "text": n["text"], "value": float(n["value"]),
                                  "unit": n["unit"], "kind": n.get("kind"), "start": n["start"], "end": n["end"]})
    for i, k in enumerate(found.get("keywords", [])):
        tables["keywords"].append({**base, "idx": i, "term": k["text"], "score": k.get("score")})
    return tables


def extract(articles: list[Article], df_lookup, sample: set[str]
            ) -> tuple[list[Article], dict[str, list[dict[str, Any]]], list[dict[str, Any]], list[Rejected]]:
    """Run the extractors over ``articles``. Returns the articles with lang, lang_confidence and
    keywords set, fact rows per table, term_df rows (lang, term, df, docs) of the sampled
    articles, and rejects. ``df_lookup(terms_by_lang)`` gives (df per lang, docs per lang)."""
    from newsflow.extract.base import Doc
    from newsflow.extract.keywords import candidate_terms
    from newsflow.extract.language import language_with_confidence
    from newsflow.extract.registry import ExtractorFailed, analyze, load_registry, registry_file, versions

    extractors = load_registry(str(registry_file()))
    stamp = versions(extractors)
    docs: list[tuple[Article, Any, str, set[str]]] = []
    rejects: list[Rejected] = []
    wanted: dict[str, set[str]] = defaultdict(set)
    for a in articles:
        try:
            lang, conf = language_with_confidence(a.body, hint=a.lang)
            published = a.published_date or (date.fromisoformat(a.published_local[:10]) if a.published_local else None)
            doc = Doc(body=a.body, lang=lang or "", published=published, title=a.title, article_id=a.article_id)
            doc.cache["confidence"] = conf
            terms = candidate_terms(doc, []) if a.body else set()
        except Exception as exc:  # one article never fails the shard
            log.exception("term extraction failed for %s", a.url)
            rejects.append(Rejected(a.url, a.source, "extract", "extractor_error",
                                    f"keywords: {type(exc).__name__}: {exc}"[:500]))
            continue
        wanted[doc.lang] |= terms
        docs.append((a, doc, doc.lang, terms))
    df, n_docs = df_lookup(dict(wanted))
    tables: dict[str, list[dict[str, Any]]] = defaultdict(list)
    sampled: Counter = Counter()
    sampled_docs: Counter = Counter()
    out: list[Article] = []
    for a, doc, term_lang, terms in docs:
        doc.df, doc.n_docs = df.get(doc.lang, {}), n_docs.get(doc.lang, 0)
        try:
            found = analyze(doc, extractors) if a.body else {}
        except ExtractorFailed as exc:
            log.exception("extractor failed for %s", a.url)
            rejects.append(Rejected(a.url, a.source, "extract", "extractor_error", str(exc)[:500]))
            continue
        base = {"article_id": a.article_id, "source": a.source, "extractors": stamp}
        for table, rows in fact_rows(found, base).items():
            tables[table] += rows
        if a.article_id in sample:
            sampled.update((term_lang, t) for t in terms)
            sampled_docs[term_lang] += 1
        lang_row = (found.get("language") or [{}])[0]
        out.append(replace(a, lang=lang_row.get("lang") or doc.lang or a.lang,
                           lang_confidence=lang_row.get("confidence", doc.cache["confidence"]),
                           keywords=tuple(k["text"] for k in found.get("keywords", []))))
    term_rows = [{"lang": lang, "term": term, "df": n, "docs": sampled_docs[lang]}
                 for (lang, term), n in sorted(sampled.items())]
    return out, dict(tables), term_rows, rejects
