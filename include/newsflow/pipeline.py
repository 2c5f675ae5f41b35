"""One function per DAG task. The DAG and ``python -m newsflow run`` call the same functions.

Each function reads its inputs from paths under the lake root, runs a stage, writes its
outputs under ``<lake>/_staging/<run_id>/`` and returns a small dict of paths and counts
(what Airflow passes along as XCom). Nothing here reads the clock to decide what to
publish: the date comes from the caller (the data interval or ``--date``).
"""

from __future__ import annotations

import json
import logging
import time
from dataclasses import asdict
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from newsflow.clean import clean
from newsflow.config import ConfigError, SourcesFile, load_sources
from newsflow.dedupe import Known, dedupe
from newsflow.discover import discover
from newsflow.extract import extract
from newsflow.fetch import fetch
from newsflow.http import HttpClient
from newsflow.lake import Lake, group_by_source
from newsflow.models import Article, RawPage, Rejected
from newsflow.parse import EXTRACTOR_VERSION, MIN_BODY_CHARS, parse

log = logging.getLogger(__name__)


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


def plan(sources_file: str, lake: str, run_id: str, day: str, sources: list[str] | None = None,
         force_refetch: bool = False) -> list[dict[str, Any]]:
    """Validate the run's parameters; one job per source (raises ConfigError with a clear message)."""
    cfg = load_sources(sources_file)
    selected = cfg.select(list(sources or []))
    base = {"run_id": run_id, "lake": lake, "sources_file": sources_file, "date": resolve_date(day, None),
            "force_refetch": bool(force_refetch), "all_sources": [s.name for s in cfg.sources]}
    return [{**base, "source": s.name} for s in selected]


# -- per source: network stages ---------------------------------------------------------------
def fetch_source(job: dict[str, Any]) -> dict[str, Any]:
    started = time.monotonic()
    cfg: SourcesFile = load_sources(job["sources_file"])
    source = cfg.source(job["source"])
    lake = Lake(job["lake"])
    with HttpClient(cfg.http, source.rate_per_host) as client:
        found = discover(source, date.fromisoformat(job["date"]), client)
        got = fetch(found.candidates, client)
    logs = [asdict(r) for r in found.fetch_log + got.fetch_log]
    rejects = [asdict(Rejected(r["url"], source.name, "discover" if r["kind"] == "feed" else "fetch",
                               r["error_class"] or "error", r["error"] or ""))
               for r in logs if not r["ok"]]
    raw = [{**asdict(p), "headers": json.dumps(p.headers)} for p in got.pages]
    stage = lambda name: lake.staging(job["run_id"], name, f"{source.name}.parquet")  # noqa: E731
    counts = {"candidates": len(found.candidates), "out_of_interval": found.out_of_interval,
              "fetched": len(got.pages), "fetch_failed": len(got.fetch_log) - len(got.pages),
              "feed_errors": found.feed_errors, "seconds": round(time.monotonic() - started, 2)}
    log.info("source %s date %s: %s", source.name, job["date"], counts)
    return {**job, "raw": lake.write_rows(stage("raw"), raw), "fetch_log": lake.write_rows(stage("fetch_log"), logs),
            "rejects": [lake.write_rows(stage("rejects_fetch"), rejects)], "counts": counts}


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


def parse_source(job: dict[str, Any]) -> dict[str, Any]:
    cfg = load_sources(job["sources_file"])
    source = cfg.source(job["source"])
    lake = Lake(job["lake"])
    articles, rejects = [], []
    for row in lake.read_rows(job["raw"]):
        raw = RawPage(**{**row, "headers": json.loads(row["headers"])})
        try:
            result = parse(raw, source)
        except Exception as exc:  # a page that breaks the parser is a reject, never a failed run
            log.exception("parse failed for %s", raw.url)
            result = Rejected(raw.url, source.name, "parse", "parser_error", f"{type(exc).__name__}: {exc}"[:500])
        if isinstance(result, Rejected):
            rejects.append(result)
            continue
        cleaned = clean(result)
        if sum(map(len, cleaned.paragraphs)) < MIN_BODY_CHARS:
            rejects.append(Rejected(raw.url, source.name, "clean", "empty_after_clean",
                                    f"{sum(map(len, cleaned.paragraphs))} characters left; removed {cleaned.clean_removed}"))
            continue
        articles.append(cleaned)
    removed: dict[str, int] = {}
    for a in articles:
        for k, v in a.clean_removed.items():
            removed[k] = removed.get(k, 0) + v
    stage = lambda name: lake.staging(job["run_id"], name, f"{source.name}.parquet")  # noqa: E731
    counts = {**job.get("counts", {}), "parsed": len(articles), "parse_rejects": len(rejects), "clean_removed": removed}
    return {**job, "parsed": lake.write_rows(stage("parsed"), [article_to_row(a) for a in articles]),
            "rejects": job.get("rejects", []) + [lake.write_rows(stage("rejects_parse"), [asdict(r) for r in rejects])],
            "counts": counts}


# -- across sources: dedupe, extract, publish ---------------------------------------------------
def finalize(jobs: list[dict[str, Any]]) -> dict[str, Any]:
    """Dedupe across this run's sources and the lake's history, then extract."""
    if not jobs:
        raise ConfigError("no sources to finalize")
    first = jobs[0]
    lake = Lake(first["lake"])
    articles = [article_from_row(r) for j in jobs for r in lake.read_rows(j["parsed"])]
    hist = lake.read_table("articles", ["article_id", "content_hash", "published_at"]).to_pylist()
    history = [Known(h["article_id"], h["content_hash"], h["published_at"]) for h in hist if h["content_hash"]]
    final = [extract(a) for a in dedupe(articles, first["all_sources"], history)]
    path = lake.staging(first["run_id"], "final", "articles.parquet")
    lake.write_rows(path, [article_to_row(a) for a in final])
    duplicates = sum(1 for a in final if not a.is_canonical)
    return {"run_id": first["run_id"], "lake": first["lake"], "date": first["date"],
            "sources": [j["source"] for j in jobs], "articles": path,
            "fetch_log": [j["fetch_log"] for j in jobs], "rejects": [p for j in jobs for p in j["rejects"]],
            "counts": {"articles": len(final), "duplicates": duplicates,
                       "per_source": {j["source"]: j.get("counts", {}) for j in jobs}}}


def publishable_row(a: Article) -> dict[str, Any]:
    return {**article_to_row(a), "body": a.body, "char_count": len(a.body), "extractor_version": EXTRACTOR_VERSION}


def publish(summary: dict[str, Any]) -> dict[str, Any]:
    lake = Lake(summary["lake"])
    run_id, day, sources = summary["run_id"], summary["date"], summary["sources"]
    empty = {s: [] for s in sources}
    articles = [publishable_row(article_from_row(r)) for r in lake.read_rows(summary["articles"])]
    logs = [r for p in summary["fetch_log"] for r in lake.read_rows(p)]
    rejects = [r for p in summary["rejects"] for r in lake.read_rows(p)]
    published = {
        "articles": lake.publish("articles", day, {**empty, **group_by_source(articles)}, run_id),
        "fetch_log": lake.publish("fetch_log", day, {**empty, **group_by_source(logs)}, run_id),
        "rejects": lake.publish("rejects", day, {**empty, **group_by_source(rejects)}, run_id),
    }
    return {**summary, "published": published}


def check(result: dict[str, Any]) -> dict[str, Any]:
    """Data-quality checks on what was just published; raises ValueError listing every failure."""
    lake = Lake(result["lake"])
    day, failures = result["date"], []
    arts = lake.read_table("articles").to_pylist()
    arts = [a for a in arts if a["date"] == day and a["source"] in result["sources"]]
    ids = [a["article_id"] for a in arts]
    if len(ids) != len(set(ids)):
        failures.append(f"duplicate article_id rows: {len(ids) - len(set(ids))}")
    for field in ("title", "body", "url", "content_hash", "dup_cluster_id"):
        if missing := sum(1 for a in arts if not a[field]):
            failures.append(f"{missing} articles without {field}")
    logs = [r for r in lake.read_table("fetch_log").to_pylist() if r["date"] == day and r["source"] in result["sources"]]
    urls = [(r["source"], r["url"]) for r in logs]
    if len(urls) != len(set(urls)):
        failures.append("a URL has more than one fetch_log row for this date")
    if failures:
        raise ValueError(f"data-quality checks failed for {day}: " + "; ".join(failures))
    lake.drop_staging(result["run_id"])
    return {"date": day, "articles": len(arts), "fetch_log": len(logs), "published": result["published"]}


def run_all(sources_file: str, lake: str, day: str, run_id: str, sources: list[str] | None = None,
            force_refetch: bool = False) -> dict[str, Any]:
    """The whole pipeline in one process (``python -m newsflow run``)."""
    jobs = plan(sources_file, lake, run_id, day, sources, force_refetch)
    parsed = [parse_source(fetch_source(j)) for j in jobs]
    summary = finalize(parsed)
    return {**check(publish(summary)), "counts": summary["counts"]}
