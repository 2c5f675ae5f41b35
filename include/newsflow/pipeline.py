"""One function per DAG task. The DAG and ``python -m newsflow run`` call the same functions.

Each function reads its inputs from paths under the lake root, runs a stage, writes its
outputs under ``<lake>/_staging/<run_id>/`` and returns a small dict of paths and counts
(what Airflow passes along as XCom). Nothing here reads the clock to decide what to
publish: the date comes from the caller (the data interval or ``--date``).
"""

from __future__ import annotations

import json
import logging
import re
import time
from collections import Counter, defaultdict
from dataclasses import asdict, replace
from datetime import UTC, date, datetime, timedelta
from functools import partial
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from newsflow.clean import clean, clean_paragraphs, repeated_lines
from newsflow.config import ConfigError, Feed, Source, SourcesFile, load_sources
from newsflow.dedupe import Known, dedupe, signature_row
from newsflow.discover import discover
from newsflow.fetch import fetch, log_row
from newsflow.http import HostPolicy, HttpClient
from newsflow.lake import Lake, dumps, group_by_source
from newsflow.models import Article, FetchLog, RawPage, Rejected
from newsflow.parse import EXTRACTOR_VERSION, MIN_BODY_CHARS, parse

log = logging.getLogger(__name__)
ADHOC = "adhoc"  # the source of manual URLs whose host no configured source covers
HISTORY_PAGES = 500  # recent articles per source that teach clean the source's template lines


# -- planning -------------------------------------------------------------------------------
def resolve_date(day: str | None, logical_date: datetime | None, tz: str = "Asia/Seoul") -> str:
    """The data date: ``day`` if given (YYYY-MM-DD), else the local day before ``logical_date``."""
    if day:
        try:
            return date.fromisoformat(str(day)).isoformat()
        except ValueError:
            raise ConfigError(f"date {day!r} is not a valid YYYY-MM-DD date") from None
    if logical_date is None:
        raise ConfigError("no date given: pass a date (YYYY-MM-DD)")
    return (logical_date.astimezone(ZoneInfo(tz)).date() - timedelta(days=1)).isoformat()


def _assign_urls(cfg: SourcesFile, urls: list[str]) -> dict[str, list[str]]:
    """Manual URLs -> the configured source sharing their host, else the ad-hoc source."""
    out: dict[str, list[str]] = {}
    for raw in urls:
        url = str(raw).strip()
        if not re.match(r"^https?://[^/\s]+", url):
            raise ConfigError(f"URL {url!r} is not an absolute http(s) URL")
        host = (urlsplit(url).hostname or "").lower()
        owner = next((s.name for s in cfg.sources if host in s.hosts()), ADHOC)
        out.setdefault(owner, []).append(url)
    return out


def _source(cfg: SourcesFile, name: str, urls: list[str] | None = None) -> Source:
    """The named source; with manual ``urls`` it reads exactly those URLs instead of its feeds."""
    if name == ADHOC:
        return Source(name=ADHOC, feeds=[{"type": "urls", "urls": urls or []}])
    src = cfg.source(name)
    return src.model_copy(update={"feeds": [Feed(type="urls", urls=urls)]}) if urls else src


def plan(sources_file: str, lake: str, run_id: str, day: str, sources: list[str] | None = None,
         force_refetch: bool = False, urls: list[str] | None = None) -> list[dict[str, Any]]:
    """Validate the run's parameters; one job per group of sources that share a host.

    Sources sharing a host are fetched by one task so that host's politeness budget holds
    across the whole run. Raises ConfigError with a clear message for bad input.
    """
    cfg = load_sources(sources_file)
    selected = cfg.select(list(sources or []))
    manual = _assign_urls(cfg, list(urls or [])) if urls else {}
    if manual:
        names = [s.name for s in selected if s.name in manual] + ([ADHOC] if ADHOC in manual else [])
        if sources:
            stray = sorted(set(manual) - set(sources))
            if stray:
                raise ConfigError(f"URLs belong to source(s) {', '.join(stray)}, which the 'sources' list leaves out")
    else:
        names = [s.name for s in selected]
    hosts = {n: (cfg.source(n).hosts() if n != ADHOC else set()) | {urlsplit(u).hostname or "" for u in manual.get(n, [])}
             for n in names}
    groups: list[list[str]] = []
    for n in names:  # union sources that share a host
        joined = [g for g in groups if any(hosts[n] & hosts[m] for m in g)]
        merged = [m for g in joined for m in g] + [n]
        groups = [g for g in groups if g not in joined] + [merged]
    from newsflow.maintenance import migrate_layout

    moved = migrate_layout(Lake(lake))  # a lake written before month partitions: moved once, here
    if moved:
        log.info("moved day partitions into month partitions: %s", moved)
    base = {"run_id": run_id, "lake": lake, "sources_file": sources_file, "date": resolve_date(day, None),
            "force_refetch": bool(force_refetch), "all_sources": [s.name for s in cfg.sources]}
    return [{**base, "sources": g, "urls": {n: manual[n] for n in g if n in manual}} for g in groups]


# -- per host group: network stages -----------------------------------------------------------
def _history(lake: Lake, names: list[str], force: bool) -> tuple[set[str], dict[str, dict[str, str]]]:
    """URLs already in the lake (skipped unless forced) and the validators of what raw_pages holds."""
    known: set[str] = set()
    if not force:
        arts = lake.read_table("articles", ["url", "canonical_url"], sources=names)
        known = set(arts.column("url").to_pylist()) | set(arts.column("canonical_url").to_pylist())
    validators: dict[str, dict[str, str]] = {}
    raw = lake.read_table("raw_pages", ["url", "etag", "last_modified", "fetched_at"], sources=names)
    for r in sorted(raw.to_pylist(), key=lambda r: r["fetched_at"]):
        if r["etag"] or r["last_modified"]:
            validators[r["url"]] = {"etag": r["etag"], "last_modified": r["last_modified"]}
    return known, validators


def _cached_bodies(lake: Lake, names: list[str], urls: list[str]) -> dict[str, bytes]:
    """The newest body raw_pages holds for each of ``urls`` (one filtered scan)."""
    if not urls:
        return {}
    t = lake.read_table("raw_pages", ["url", "body", "fetched_at"], sources=names, urls=urls)
    out: dict[str, bytes] = {}
    for r in sorted(t.to_pylist(), key=lambda r: r["fetched_at"]):
        if r["body"]:
            out[r["url"]] = r["body"]
    return out


def _staged(lake: Lake, run_id: str, name: str, kind: str) -> str:
    """Where a task leaves ``kind`` (raw, parsed, fetch_log, ...) of source ``name`` for the next task."""
    return lake.staging(run_id, kind, f"{name}.parquet")


def _raw_row(p: RawPage, kind: str) -> dict[str, Any]:
    return {"url": p.url, "kind": kind, "final_url": p.final_url, "source": p.source, "status": p.status,
            "headers": json.dumps(p.headers, ensure_ascii=False), "body": p.body, "fetched_at": p.fetched_at,
            "etag": p.headers.get("etag"), "last_modified": p.headers.get("last-modified")}


def fetch_sources(job: dict[str, Any]) -> dict[str, Any]:
    """Discover and fetch every source of one host group with one polite client."""
    started = time.monotonic()
    cfg: SourcesFile = load_sources(job["sources_file"])
    names, day, lake = job["sources"], date.fromisoformat(job["date"]), Lake(job["lake"])
    sources = [_source(cfg, n, job.get("urls", {}).get(n)) for n in names]
    known, validators = _history(lake, names, job["force_refetch"])
    policies = {h: HostPolicy(s.rate_per_host or cfg.http.rate_per_host,
                              s.max_in_flight_per_host or cfg.http.max_in_flight_per_host)
                for s in sources for h in s.hosts()}
    logs: dict[str, list[FetchLog]] = {n: [] for n in names}
    with HttpClient(cfg.http, policies) as client:
        cached = lambda url: _cached_bodies(lake, names, [url]).get(url)  # noqa: E731  (304 feeds: a few)
        found = {s.name: discover(s, day, client, known, validators, cached) for s in sources}
        got = fetch([c for f in found.values() for c in f.candidates], client, validators,
                    workers=cfg.http.global_concurrency)
        robots = list(client.robots_log)
    now = datetime.now(UTC)
    for name, f in found.items():
        logs[name] += f.fetch_log
        logs[name] += [FetchLog(u, name, "page", None, None, True, 0, 0, 0, None, None, None, now,
                                outcome="skipped_known") for u in f.skipped_known]
    for row in got.fetch_log:
        logs[row.source].append(row)
    for res in robots:
        host = (urlsplit(res.url).hostname or "").lower()
        owner = next((s.name for s in sources if host in s.hosts()), names[0])
        logs[owner].append(log_row(res, owner, "robots", now))
    reused = _cached_bodies(lake, names, got.not_modified)  # 304 pages are re-parsed from the replay zone
    pages = list(got.pages) + [RawPage(c.url, c.url, c.source, 200, {}, reused[c.url], now)
                               for f in found.values() for c in f.candidates if c.url in reused]
    out: dict[str, Any] = {**job, "raw": {}, "fetch_log": {}, "rejects": {}, "raw_pages": {}, "counts": {}}
    for name in names:
        stage = partial(_staged, lake, job["run_id"], name)
        rows = [asdict(r) for r in logs[name]]
        rejects = [asdict(Rejected(r["url"], name, "discover" if r["kind"] == "feed" else "fetch",
                                   r["error_class"] or "error", r["error"] or ""))
                   for r in rows if not r["ok"] and r["kind"] != "robots"]
        mine = [p for p in pages if p.source == name]
        raw_pages = [_raw_row(p, "page") for p in got.pages if p.source == name] + \
                    [_raw_row(p, "feed") for p in found[name].feeds]
        out["raw"][name] = lake.write_rows(stage("raw"), [{**asdict(p), "headers": json.dumps(p.headers)} for p in mine])
        out["fetch_log"][name] = lake.write_rows(stage("fetch_log"), rows)
        out["rejects"][name] = [lake.write_rows(stage("rejects_fetch"), rejects)]
        out["raw_pages"][name] = lake.write_rows(stage("raw_pages"), raw_pages)
        f = found[name]
        out["counts"][name] = {
            "candidates": len(f.candidates), "out_of_interval": f.out_of_interval, "over_cap": f.over_cap,
            "skipped_known": len(f.skipped_known), "fetched": len(mine), "not_modified": sum(
                1 for r in logs[name] if r.outcome == "not_modified" and r.kind == "page"),
            "fetch_failed": sum(1 for r in logs[name] if r.kind == "page" and not r.ok), "feed_errors": f.feed_errors}
    out["counts"]["seconds"] = round(time.monotonic() - started, 2)
    log.info("fetched %s for %s: %s", ", ".join(names), job["date"], out["counts"])
    return out


# -- per source: parse and clean -------------------------------------------------------------
def article_to_row(a: Article) -> dict[str, Any]:
    d = asdict(a)
    d["paragraphs"], d["authors"], d["keywords"] = list(a.paragraphs), list(a.authors), list(a.keywords)
    d["clean_removed"] = json.dumps(a.clean_removed, sort_keys=True)
    return d


def article_from_row(d: dict[str, Any]) -> Article:
    d = dict(d)
    for k in ("paragraphs", "authors", "keywords"):
        d[k] = tuple(d.get(k) or ())
    d["clean_removed"] = json.loads(d.get("clean_removed") or "{}")
    return Article(**d)


def _parse_one(lake: Lake, source: Source, raw_path: str) -> tuple[list[Article], list[Rejected]]:
    parsed, rejects = [], []
    for row in lake.read_rows(raw_path):
        raw = RawPage(**{**row, "headers": json.loads(row["headers"])})
        try:
            result = parse(raw, source)
        except Exception as exc:  # a page that breaks the parser is a reject, never a failed run
            log.exception("parse failed for %s", raw.url)
            result = Rejected(raw.url, source.name, "parse", "parser_error", f"{type(exc).__name__}: {exc}"[:500])
        (rejects if isinstance(result, Rejected) else parsed).append(result)
    # the source's template lines, learned from its recent history in the lake and this batch
    hist = lake.read_table("articles", ["paragraphs", "published_at"], sources=[source.name]).to_pylist()
    hist = sorted(hist, key=lambda r: r["published_at"] or datetime.min.replace(tzinfo=UTC))[-HISTORY_PAGES:]
    lines = repeated_lines([list(r["paragraphs"] or []) for r in hist] + [list(a.paragraphs) for a in parsed])
    rules = [re.compile(p) for p in source.profile.boilerplate]
    articles = []
    for a in parsed:
        cleaned = clean(a, lines, rules)
        chars = sum(map(len, cleaned.paragraphs))
        if chars < MIN_BODY_CHARS:
            rejects.append(Rejected(a.url, source.name, "clean", "empty_after_clean",
                                    f"{chars} characters left; removed {cleaned.clean_removed}"))
            continue
        articles.append(cleaned)
    return articles, rejects


def parse_sources(job: dict[str, Any]) -> dict[str, Any]:
    """Parse and clean the raw pages of every source of one host group."""
    cfg = load_sources(job["sources_file"])
    lake = Lake(job["lake"])
    out = {**job, "parsed": {}, "rejects": dict(job["rejects"]), "counts": dict(job["counts"])}
    for name in job["sources"]:
        source = _source(cfg, name, job.get("urls", {}).get(name))
        articles, rejects = _parse_one(lake, source, job["raw"][name])
        removed: dict[str, int] = {}
        for a in articles:
            for k, v in a.clean_removed.items():
                removed[k] = removed.get(k, 0) + v
        stage = partial(_staged, lake, job["run_id"], name)
        out["parsed"][name] = lake.write_rows(stage("parsed"), [article_to_row(a) for a in articles])
        out["rejects"][name] = job["rejects"][name] + [lake.write_rows(stage("rejects_parse"),
                                                                       [asdict(r) for r in rejects])]
        out["counts"][name] = {**job["counts"][name], "parsed": len(articles), "parse_rejects": len(rejects),
                               "clean_removed": removed}
    return out


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


# -- across sources: dedupe, extract, publish ---------------------------------------------------
DF_DAYS = 90  # keyword document frequencies come from the last 90 days of the lake's terms


def _granularity(normalized: str) -> str:
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", normalized):
        return "day"
    if re.fullmatch(r"\d{4}-\d{2}", normalized):
        return "month"
    return {"Q": "quarter", "H": "half"}.get(normalized[5:6], "year")


def extract_articles(articles: list[Article], lake: Lake, day: str
                     ) -> tuple[list[Article], dict[str, list[dict[str, Any]]]]:
    """Run the registry's extractors over every article. Returns the articles with lang,
    lang_confidence and keywords set, and rows for the fact tables and ``terms``."""
    from newsflow.extract.base import Doc
    from newsflow.extract.keywords import candidate_terms
    from newsflow.extract.language import language_with_confidence
    from newsflow.extract.registry import analyze, load_registry, versions

    extractors = load_registry()
    stamp = versions(extractors)
    docs, terms_rows = [], []
    batch_df: dict[str, Counter] = defaultdict(Counter)
    for a in articles:
        lang, conf = language_with_confidence(a.body, hint=a.lang)
        published = a.published_date or (date.fromisoformat(a.published_local[:10]) if a.published_local else None)
        doc = Doc(body=a.body, lang=lang or "", published=published, title=a.title, article_id=a.article_id)
        doc.cache["confidence"] = conf
        terms = candidate_terms(doc, []) if a.body else set()
        batch_df[doc.lang].update(terms)
        terms_rows += [{"article_id": a.article_id, "source": a.source, "lang": doc.lang, "term": t} for t in terms]
        docs.append(doc)
    since = (date.fromisoformat(day) - timedelta(days=DF_DAYS)).isoformat()
    hist = lake.read_table("terms", ["article_id", "lang", "term"], since=since)
    mine = {a.article_id for a in articles}
    hist_df: dict[str, Counter] = defaultdict(Counter)
    hist_docs: dict[str, set] = defaultdict(set)
    for aid, lang, term in zip(*(hist.column(c).to_pylist() for c in ("article_id", "lang", "term"))):
        if aid not in mine:
            hist_df[lang][term] += 1
            hist_docs[lang].add(aid)
    langs = Counter(d.lang for d in docs)
    tables: dict[str, list[dict[str, Any]]] = {t: [] for t in ("entities", "quotes", "dates", "numbers", "keywords")}
    tables["terms"] = terms_rows
    out = []
    for a, doc in zip(articles, docs):
        df = hist_df[doc.lang].copy()
        df.update(batch_df[doc.lang])
        doc.df, doc.n_docs = df, len(hist_docs[doc.lang]) + langs[doc.lang]
        found = analyze(doc, extractors) if a.body else {}
        base = {"article_id": a.article_id, "source": a.source, "extractors": stamp}
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
        lang_row = (found.get("language") or [{}])[0]
        out.append(replace(a, lang=lang_row.get("lang") or doc.lang or a.lang,
                           lang_confidence=lang_row.get("confidence", doc.cache["confidence"]),
                           keywords=tuple(k["text"] for k in found.get("keywords", []))))
    return out, tables


def finalize(jobs: list[dict[str, Any]]) -> dict[str, Any]:
    """Dedupe across this run's sources and the lake's history, then extract."""
    if not jobs:
        raise ConfigError("no sources to finalize")
    first = jobs[0]
    lake = Lake(first["lake"])
    names = [n for j in jobs for n in j["sources"]]
    articles = [article_from_row(r) for j in jobs for n in j["sources"] for r in lake.read_rows(j["parsed"][n])]
    cols = ["article_id", "content_hash", "published_at", "dup_cluster_id", "signature", "shingles"]
    history = [Known(**h) for h in lake.read_table("signatures", cols).to_pylist() if h["content_hash"]]
    prints: dict = {}
    started = time.monotonic()
    final, facts = extract_articles(dedupe(articles, first["all_sources"] + [ADHOC], history, prints), lake,
                                    first["date"])
    log.info("extracted %d articles in %.1fs: %s", len(final), time.monotonic() - started,
             {t: len(r) for t, r in facts.items()})
    path = lake.staging(first["run_id"], "final", "articles.parquet")
    lake.write_rows(path, [article_to_row(a) for a in final])
    fact_paths = {t: lake.write_rows(lake.staging(first["run_id"], "final", f"{t}.parquet"), rows)
                  for t, rows in facts.items()}
    sig_path = lake.write_rows(lake.staging(first["run_id"], "final", "signatures.parquet"),
                               [signature_row(a, prints.get(a.article_id)) for a in final])
    per_source = {n: j["counts"][n] for j in jobs for n in j["sources"]}
    return {"run_id": first["run_id"], "lake": first["lake"], "date": first["date"], "sources": names,
            "sources_file": first.get("sources_file"),
            "articles": path, "signatures": sig_path, "facts": fact_paths, "fetch_log": [j["fetch_log"][n] for j in jobs for n in j["sources"]],
            "raw_pages": [j["raw_pages"][n] for j in jobs for n in j["sources"]],
            "rejects": [p for j in jobs for n in j["sources"] for p in j["rejects"][n]],
            "counts": {"articles": len(final), "duplicates": sum(1 for a in final if not a.is_canonical),
                       "facts": {t: len(r) for t, r in facts.items() if t != "terms"},
                       "per_source": per_source}}


def publishable_row(a: Article) -> dict[str, Any]:
    return {**article_to_row(a), "body": a.body, "char_count": len(a.body), "extractor_version": EXTRACTOR_VERSION}


def publish(summary: dict[str, Any]) -> dict[str, Any]:
    lake = Lake(summary["lake"])
    run_id, day, sources = summary["run_id"], summary["date"], summary["sources"]
    empty = {s: [] for s in sources}
    articles = [publishable_row(article_from_row(r)) for r in lake.read_rows(summary["articles"])]
    replay = bool(summary.get("replay"))
    logs = [r for p in summary["fetch_log"] for r in lake.read_rows(p)]
    rejects = [r for p in summary["rejects"] for r in lake.read_rows(p)]
    if replay:  # keep what fetching rejected that day; parse/clean rejects are this replay's
        rejects += [r for r in lake.read_table("rejects", sources=sources, day=day).to_pylist() if r["stage"] == "fetch"]
    raw_pages = [r for p in summary.get("raw_pages", []) for r in lake.read_rows(p)]
    signatures = lake.read_rows(summary["signatures"])
    runs = []
    for src, counts in summary["counts"].get("per_source", {}).items():
        c = dict(counts)
        fetch_keys = ("candidates", "out_of_interval", "over_cap", "skipped_known", "fetched", "not_modified",
                      "fetch_failed", "feed_errors")
        runs += [{"source": src, "stage": "fetch", "counts": dumps({k: c.get(k) for k in fetch_keys})},
                 {"source": src, "stage": "parse", "counts": dumps({"parsed": c.get("parsed"),
                                                                    "rejects": c.get("parse_rejects")})},
                 {"source": src, "stage": "clean", "counts": dumps({"articles": c.get("parsed"),
                                                                    "removed": c.get("clean_removed", {})})},
                 {"source": src, "stage": "dedupe", "counts": dumps({
                     "articles": sum(1 for a in articles if a["source"] == src),
                     "duplicates": sum(1 for a in articles if a["source"] == src and not a["is_canonical"])})}]
    published = {
        "runs": lake.publish("runs", day, group_by_source(runs), run_id),
        **{t: lake.publish(t, day, {**empty, **group_by_source(lake.read_rows(p))}, run_id)
           for t, p in summary.get("facts", {}).items()},

        **({} if replay else {"raw_pages": lake.publish("raw_pages", day, {**empty, **group_by_source(raw_pages)},
                                                       run_id)}),
        "signatures": lake.publish("signatures", day, {**empty, **group_by_source(signatures)}, run_id),
        "articles": lake.publish("articles", day, {**empty, **group_by_source(articles)}, run_id),
        "rejects": lake.publish("rejects", day, {**empty, **group_by_source(rejects)}, run_id),
    }
    if not replay:  # a replay fetched nothing: the day's fetch_log stays as the fetch left it
        published["fetch_log"] = lake.publish("fetch_log", day, {**empty, **group_by_source(logs)}, run_id)
    return {**summary, "published": published}


class QualityGateError(ValueError):
    """Published data broke a quality gate; the message names each table and rule."""


def check(result: dict[str, Any]) -> dict[str, Any]:
    """Quality gates on what was just published (newsflow.validate); raises QualityGateError
    listing every failure, else drops the run's staging area."""
    from newsflow.validate import Gates, validate

    lake = Lake(result["lake"])
    day = result["date"]
    gates = Gates()
    if result.get("sources_file"):
        gates = Gates(**load_sources(result["sources_file"]).quality.model_dump())
    failures = validate(lake, day, result["sources"], gates)
    if failures:
        raise QualityGateError(f"quality gates failed for {day}: " + "; ".join(map(str, failures)))
    counts = {t: sum(n for n in result["published"].get(t, {}).values()) for t in ("articles", "fetch_log")}
    lake.drop_staging(result["run_id"])
    return {"date": day, **counts, "published": result["published"]}


def replay_plan(sources_file: str, lake: str, run_id: str, start: str, end: str | None = None,
                sources: list[str] | None = None) -> list[dict[str, Any]]:
    """news_reprocess: one job per data date from ``start`` to ``end`` (inclusive) that has raw pages."""
    cfg = load_sources(sources_file)
    names = [s.name for s in cfg.select(list(sources or []))]
    first, last = date.fromisoformat(resolve_date(start, None)), date.fromisoformat(resolve_date(end or start, None))
    if last < first:
        raise ConfigError(f"end date {last} is before start date {first}")
    if (last - first).days > 366:
        raise ConfigError(f"{first}..{last} is more than a year; replay it in parts")
    have = set(Lake(lake).read_table("raw_pages", ["date"], sources=names, since=first.isoformat())
               .column("date").to_pylist())
    days = [(first + timedelta(days=i)).isoformat() for i in range((last - first).days + 1)]
    return [{"run_id": run_id, "lake": lake, "sources_file": sources_file, "date": d, "sources": names,
             "all_sources": [s.name for s in cfg.sources]} for d in days if d in have]


def reprocess(job: dict[str, Any]) -> dict[str, Any]:
    """Replay one data date from the raw zone: parse -> clean -> dedupe -> extract -> publish ->
    validate, without the network. Articles, facts and signatures are upserted; the day's
    fetch_log and fetched bytes are left as they were."""
    lake = Lake(job["lake"])
    day, run_id = job["date"], f"{job['run_id']}__{job['date']}"
    raw = lake.read_table("raw_pages", sources=job["sources"], day=day).to_pylist()
    jobs = []
    for name in job["sources"]:
        pages = [RawPage(r["url"], r["final_url"] or r["url"], name, r["status"] or 0, json.loads(r["headers"] or "{}"),
                     r["body"], r["fetched_at"]) for r in raw
                 if r["source"] == name and r["kind"] == "page" and r["body"] and (r["status"] or 200) < 400]
        stage = partial(_staged, lake, run_id, name)
        jobs.append({"run_id": run_id, "lake": job["lake"], "sources_file": job["sources_file"], "date": day,
                     "sources": [name], "all_sources": job["all_sources"], "urls": {},
                     "raw": {name: lake.write_rows(stage("raw"), [{**asdict(p), "headers": json.dumps(p.headers)}
                                                                  for p in pages])},
                     "rejects": {name: []}, "counts": {name: {"replayed_pages": len(pages)}},
                     "fetch_log": {name: lake.write_rows(stage("fetch_log"), [])},
                     "raw_pages": {name: lake.write_rows(stage("raw_pages"), [])}})
    summary = finalize([parse_sources(j) for j in jobs])
    result = check(publish({**summary, "replay": True}))
    log.info("replayed %s for %s: %s", ", ".join(job["sources"]), day, summary["counts"])
    return {**result, "counts": summary["counts"]}


def run_all(sources_file: str, lake: str, day: str, run_id: str, sources: list[str] | None = None,
            force_refetch: bool = False, urls: list[str] | None = None) -> dict[str, Any]:
    """The whole pipeline in one process (``python -m newsflow run``)."""
    jobs = plan(sources_file, lake, run_id, day, sources, force_refetch, urls)
    parsed = [parse_sources(fetch_sources(j)) for j in jobs]
    summary = finalize(parsed)
    return {**check(publish(summary)), "counts": summary["counts"]}
