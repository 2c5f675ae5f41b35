"""Extraction over one shard: the registry's extractors per article, their rows per lake table.

Exact copies are analysed once per process (``_SEEN``). Keyword weighting needs document frequencies; they come from the lake's ``term_df`` of the
dates before this one (``history.document_frequencies``), looked up once per shard for the
shard's own candidate terms, and every article of a language shares that one mapping (no
per-article copies). So an article's keywords do not depend on which shard it landed in, and
a replay of a date gives the same keywords as its first run. A sample of the date's articles
(the dedupe step picks it) contributes its candidate terms to the date's ``term_df``.

An extractor that raises on one article makes that article a reject (stage ``extract``), and
the shard goes on.
"""

from __future__ import annotations

import hashlib
import logging
from collections import Counter, OrderedDict, defaultdict
from dataclasses import replace
from datetime import date
from typing import Any

from newsflow.models import Article, Rejected

log = logging.getLogger(__name__)


def fact_rows(found: dict[str, list[dict[str, Any]]], base: dict[str, Any], extractors: tuple[Any, ...]
              ) -> dict[str, list[dict[str, Any]]]:
    """The lake rows of one article's extractor results, per table the extractors declare."""
    from newsflow.extract.base import table_rows

    tables: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for ex in extractors:
        for table, rows in table_rows(ex, found.get(ex.name, [])).items():
            tables[table] += [{**base, **r} for r in rows]
    return tables


# Exact copies (a wire story on several sites; a page served twice) have the same extractor
# output: each process keeps the results of the bodies it saw last, keyed by everything the
# extractors read (body, title, publication date, language hint) and by the night's document
# frequencies (``scope``), so a copy costs a dictionary lookup instead of a second analysis.
_SEEN: OrderedDict[bytes, tuple] = OrderedDict()
SEEN_MAX = 2048


def _key(scope: str, a: Article, published: date | None) -> bytes:
    h = hashlib.blake2b(digest_size=16)
    for part in (scope, a.lang or "", str(published), a.title or "", a.body or ""):
        h.update(part.encode("utf-8", "surrogatepass"))
        h.update(b"\0")
    return h.digest()


def extract(articles: list[Article], df_lookup, sample: set[str], scope: str = ""
            ) -> tuple[list[Article], dict[str, list[dict[str, Any]]], list[dict[str, Any]], list[Rejected]]:
    """Run the extractors over ``articles``. Returns the articles with lang, lang_confidence and
    keywords set, fact rows per table, term_df rows (lang, term, df, docs) of the sampled
    articles, and rejects. ``df_lookup(terms_by_lang)`` gives (df per lang, docs per lang).
    ``scope`` names what ``df_lookup`` answers from (the night's df window): results of
    identical articles are reused within a call, and across calls of the same scope."""
    from newsflow.extract.base import Doc
    from newsflow.extract.keywords import candidate_terms
    from newsflow.extract.language import language_with_confidence
    from newsflow.extract.registry import ExtractorFailed, analyze, load_registry, registry_file, versions

    extractors = load_registry(str(registry_file()))
    stamp = versions(extractors)
    scope = f"{scope}\0{stamp}"
    seen: dict[bytes, tuple] = dict(_SEEN) if scope.split("\0")[0] else {}  # key -> (lang, conf, terms, found|exc)
    firsts: dict[bytes, Any] = {}  # key -> the Doc analysed for it in this call
    docs: list[tuple[Article, bytes, str, float, set[str]]] = []
    rejects: list[Rejected] = []
    wanted: dict[str, set[str]] = defaultdict(set)
    for a in articles:
        try:
            published = a.published_date or (date.fromisoformat(a.published_local[:10]) if a.published_local else None)
            key = _key(scope, a, published)
            if key in seen:
                lang, conf, terms, _ = seen[key]
            elif key in firsts:
                doc = firsts[key]
                lang, conf, terms = doc.lang, doc.cache["confidence"], doc.cache["candidate_terms"]
            else:
                lang, conf = language_with_confidence(a.body, hint=a.lang)
                doc = Doc(body=a.body, lang=lang or "", published=published, title=a.title, article_id=a.article_id)
                doc.cache["confidence"] = conf
                terms = doc.cache["candidate_terms"] = candidate_terms(doc, []) if a.body else set()
                lang = doc.lang
                firsts[key] = doc
        except Exception as exc:  # one article never fails the shard
            log.exception("term extraction failed for %s", a.url)
            rejects.append(Rejected(a.url, a.source, "extract", "extractor_error",
                                    f"keywords: {type(exc).__name__}: {exc}"[:500]))
            continue
        wanted[lang] |= terms
        docs.append((a, key, lang, conf, terms))
    df, n_docs = df_lookup(dict(wanted))
    tables: dict[str, list[dict[str, Any]]] = defaultdict(list)
    sampled: Counter = Counter()
    sampled_docs: Counter = Counter()
    out: list[Article] = []
    reused = 0
    for a, key, term_lang, conf, terms in docs:
        if key in seen:
            found = seen[key][3]
            reused += 1
        else:
            doc = firsts[key]
            doc.df, doc.n_docs = df.get(doc.lang, {}), n_docs.get(doc.lang, 0)
            try:
                found = analyze(doc, extractors) if a.body else {}
            except ExtractorFailed as exc:
                found = exc
            seen[key] = (term_lang, conf, terms, found)
            if scope.split("\0")[0]:
                _SEEN[key] = seen[key]
                while len(_SEEN) > SEEN_MAX:
                    _SEEN.popitem(last=False)
        if isinstance(found, ExtractorFailed):
            log.error("extractor failed for %s: %s", a.url, found, exc_info=found)
            rejects.append(Rejected(a.url, a.source, "extract", "extractor_error", str(found)[:500]))
            continue
        base = {"article_id": a.article_id, "source": a.source, "extractors": stamp}
        for table, rows in fact_rows(found, base, extractors).items():
            tables[table] += rows
        if a.article_id in sample:
            sampled.update((term_lang, t) for t in terms)
            sampled_docs[term_lang] += 1
        lang_row = (found.get("language") or [{}])[0]
        out.append(replace(a, lang=lang_row.get("lang") or term_lang or a.lang,
                           lang_confidence=lang_row.get("confidence", conf),
                           keywords=tuple(k["text"] for k in found.get("keywords", []))))
    if reused:
        log.info("reused the extraction of %d exact copies", reused)
    term_rows = [{"lang": lang, "term": term, "df": n, "docs": sampled_docs[lang]}
                 for (lang, term), n in sorted(sampled.items())]
    return out, dict(tables), term_rows, rejects
