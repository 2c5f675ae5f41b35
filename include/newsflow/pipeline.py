"""One function per DAG task. The DAG and ``python -m newsflow run`` call the same functions.

    plan -> fetch_sources (per host group) -> shards -> parse_shard -> clean_shard (per shard)
         -> dedupe (the one global step: signatures only) -> extract_shard (per shard)
         -> publish -> check

Each function takes and returns a small typed record of paths and counts (``newsflow.contracts``;
as a dict, what Airflow passes along as XCom) and writes its outputs under
``<lake>/_staging/<run_id>/<stage>/``. Work moves in shards of at most ``batch_size`` pages of
one source, so memory is bounded by the batch, not by the night; parse, clean and extract are
mapped over shards (Airflow tasks on every worker, or processes on every core in
``run_all``). Every read of history is bounded (``newsflow.history``). Nothing here reads the
clock to decide what to publish: the date comes from the caller (the data interval or ``--date``).
"""

from __future__ import annotations

import json
import logging
import os
import re
import time
from collections import Counter
from contextlib import contextmanager
from dataclasses import asdict, replace
from datetime import UTC, date, datetime, timedelta
from typing import Any, Callable
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.dataset as ds

from newsflow.clean import clean, line_keys, template_lines
from newsflow.config import ConfigError, Feed, Source, SourcesFile, compile_boilerplate, load_sources
from newsflow.contracts import (Cleaned, Deduped, Extracted, Fetched, FetchJob, Parsed, Published, RunSpec, Shard,
                                from_dict, to_dict)
from newsflow.lake import Lake, dumps, staged_schema
from newsflow.models import Article, FetchLog, RawPage, Rejected
from newsflow.parse import EXTRACTOR_VERSION, MIN_BODY_CHARS, parse
from newsflow.progress import Progress, counts as fmt_counts, duration
from newsflow.schemas import FACT_TABLES

log = logging.getLogger(__name__)
ADHOC = "adhoc"  # the source of manual URLs whose host no configured source covers
REJECT_SCHEMA = staged_schema("rejects")


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


def _parse_source(cfg: SourcesFile, name: str) -> Source:
    """The source as parse and clean see it (an ad-hoc source has no profile)."""
    if name == ADHOC:
        return Source(name=ADHOC, feeds=[{"type": "urls", "urls": ["http://adhoc.invalid/"]}])
    return cfg.source(name)


def plan(sources_file: str, lake: str, run_id: str, day: str, sources: list[str] | None = None,
         force_refetch: bool = False, urls: list[str] | None = None, batch_size: int | None = None
         ) -> list[dict[str, Any]]:
    """Validate the run's parameters; one FetchJob per group of sources that share a host.

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
    run = RunSpec(run_id, lake, sources_file, resolve_date(day, None), tuple(s.name for s in cfg.sources),
                  batch_size or cfg.processing.batch_size, bool(force_refetch))
    jobs = [FetchJob(run, tuple(g), {n: manual[n] for n in g if n in manual}) for g in groups]
    log.info("plan: %s, %d source(s) in %d fetch job(s) (%s), shards of %d pages%s%s", run.date, len(names), len(jobs),
             "; ".join(", ".join(g) for g in groups), run.batch_size, ", force refetch" if run.force_refetch else "",
             f", {sum(map(len, manual.values()))} manual URL(s)" if manual else "")
    return [to_dict(j) for j in jobs]


def migrate(lake: str) -> dict[str, Any]:
    """Bring a lake written by an older release to the current layout, once (a marker file makes
    every later call one small read). It rewrites partitions, so it runs where writers are kept
    apart: in the DAGs a ``migrate`` task in the publish pool, after ``plan`` and before any task
    reads the lake's history; in ``run_all`` and the CLI's ``reprocess``, once before the rest."""
    from newsflow.maintenance import migrate_layout

    started = time.monotonic()
    moved = migrate_layout(Lake(lake))
    seconds = time.monotonic() - started
    if moved:
        log.info("migrate: moved %s rows into the current layout in %.1fs (%s)", f"{sum(moved.values()):,}", seconds,
                 ", ".join(f"{t} {n:,}" for t, n in sorted(moved.items())))
    else:
        log.info("migrate: the lake is in the current layout, nothing to move (%.1fs)", seconds)
    return {"moved": moved, "seconds": round(seconds, 3)}


# -- per host group: network stages -----------------------------------------------------------
def fetch_sources(job: dict[str, Any] | FetchJob) -> dict[str, Any]:
    """Discover and fetch every source of one host group with one polite client; the pages go
    to shard files as they arrive."""
    from newsflow import history
    from newsflow.discover import crawl, robots_rows
    from newsflow.fetch import timeout_history
    from newsflow.http import HostPolicy, HttpClient
    from newsflow.shards import ShardWriter, raw_row

    job = from_dict(FetchJob, job)
    run, started = job.run, time.monotonic()
    cfg = load_sources(run.sources_file)
    p = cfg.processing
    names, day, lake = list(job.sources), date.fromisoformat(run.date), Lake(run.lake)
    sources = [_source(cfg, n, job.urls.get(n)) for n in names]
    window = p.known_url_days
    known = (lambda urls: set()) if run.force_refetch else \
        (lambda urls: history.known_urls(lake, names, urls, run.date, p.known_url_days))
    feed_urls = [f.url for s in sources for f in s.feeds if f.url]
    validators = history.validators(lake, names, feed_urls, run.date, window, kind="feed")
    policies = {h: HostPolicy(s.rate_per_host or cfg.http.rate_per_host,
                              s.max_in_flight_per_host or cfg.http.max_in_flight_per_host)
                for s in sources for h in s.hosts()}
    logs: dict[str, list[FetchLog]] = {n: [] for n in names}
    writer = ShardWriter(lake, run, names)
    with HttpClient(cfg.http, policies) as client:
        cached = lambda url: history.cached_bodies(lake, names, [url], run.date, window,  # noqa: E731
                                                   kind="feed").get(url)  # a 304 feed: page bodies stay unread
        # every source's discovery at once; each source's pages fetched as soon as its discovery ends
        crawled = crawl(sources, day, client, known, validators, cached,
                        page_validators=lambda urls: history.validators(lake, names, urls, run.date, window),
                        backoff=None if run.force_refetch else  # URLs that timed out lately: probe or skip
                        (lambda urls: timeout_history(lake, names, urls, run.date, window)),
                        workers=cfg.http.global_concurrency, sink=writer.add)
        found, got, candidates = crawled.found, crawled.fetched, crawled.candidates
        robots = list(client.robots_log)
    shards = writer.close()
    # 304 pages are re-parsed from the replay zone (not published to it again)
    reused_writer = ShardWriter(lake, run, names, publish_raw=False, first_index=writer.next_index)
    owner = {c.url: c.source for c in candidates}
    for i in range(0, len(got.not_modified), run.batch_size):
        chunk = got.not_modified[i:i + run.batch_size]
        for url, body in history.cached_bodies(lake, names, chunk, run.date, window).items():
            reused_writer.add(RawPage(url, url, owner[url], 200, {}, body, datetime.now(UTC)))
    shards = sorted(shards + reused_writer.close(empty_shard_for=[n for n in names if n not in
                                                                  {s.source for s in shards}]),
                    key=lambda s: (s.source, s.index))
    now = datetime.now(UTC)
    for name, f in found.items():
        logs[name] += f.fetch_log
        logs[name] += [FetchLog(u, name, "page", None, None, True, 0, 0, 0, None, None, None, now,
                                outcome="skipped_known") for u in f.skipped_known]
    for row in got.fetch_log:
        logs[row.source].append(row)
    for name, rows in robots_rows(robots, sources, now, candidates).items():  # by origin: host and port
        logs[name] += rows
    fetch_log, rejects, feeds, counts = {}, {}, {}, {}
    for name in names:
        rows = [asdict(r) for r in logs[name]]
        bad = [asdict(Rejected(r["url"], name, "discover" if r["kind"] == "feed" else "fetch",
                               r["error_class"] or "error", r["error"] or ""))
               for r in rows if not r["ok"] and r["kind"] != "robots"]
        fetch_log[name] = lake.write_rows(lake.staging(run.run_id, "fetch", name, "fetch_log.parquet"), rows,
                                          staged_schema("fetch_log"))
        rejects[name] = lake.write_rows(lake.staging(run.run_id, "fetch", name, "rejects.parquet"), bad, REJECT_SCHEMA)
        feeds[name] = lake.write_rows(lake.staging(run.run_id, "fetch", name, "feeds.parquet"),
                                      [raw_row(p, "feed") for p in found[name].feeds], staged_schema("raw_pages"))
        f = found[name]
        counts[name] = {
            "candidates": len(f.candidates), "out_of_interval": f.out_of_interval, "over_cap": f.over_cap,
            "skipped_known": len(f.skipped_known),
            "fetched": sum(1 for r in logs[name] if r.kind == "page" and r.outcome == "fetched"),
            "not_modified": sum(1 for r in logs[name] if r.outcome == "not_modified" and r.kind == "page"),
            "fetch_failed": sum(1 for r in logs[name] if r.kind == "page" and not r.ok and r.outcome != "backoff"),
            "backoff": sum(1 for r in logs[name] if r.kind == "page" and r.outcome == "backoff"),
            "feed_errors": f.feed_errors}
    seconds = round(time.monotonic() - started, 2)
    log.info("fetch: %s for %s in %s, %d shard(s)", ", ".join(names), run.date, duration(seconds), len(shards))
    for name in names:
        c, bad = counts[name], Counter(r["error_class"] or "error" for r in (asdict(x) for x in logs[name])
                                       if not r["ok"] and r["kind"] != "robots")
        log.info("  %-12s %d to fetch (+%d already in the lake, skipped): %d fetched, %d not modified, %d failed, "
                 "%d backed off; %d feed error(s); rejects: %s", name, c["candidates"], c["skipped_known"],
                 c["fetched"], c["not_modified"], c["fetch_failed"], c["backoff"], c["feed_errors"], fmt_counts(bad))
    return to_dict(Fetched(run, tuple(names), tuple(shards), fetch_log, rejects, feeds, counts, seconds))


# Relative cost of one article by language: Korean bodies are also tokenised by kiwipiepy
# (about 24 ms against 4-5 ms for the rest, measured by bench/profile_stages.py).
LANG_COST = {"ko": 5.0}


def shards(fetched: list[dict[str, Any] | Fetched]) -> list[dict[str, Any]]:
    """Every host group's shards, as one list to map parse over: the costliest first (pages
    times the source language's cost), so the last shards to run are short ones and no core
    idles while one long shard finishes (runners and Airflow both take mapped work in order)."""
    out = [s for f in fetched for s in from_dict(Fetched, f).shards]
    if out:
        cfg = load_sources(out[0].run.sources_file)
        lang = {src.name: src.lang for src in cfg.sources}
        out.sort(key=lambda s: (-s.pages * LANG_COST.get(lang.get(s.source) or "", 1.0), s.source, s.index))
    per: dict[str, list[int]] = {}
    for s in out:
        per.setdefault(s.source, []).append(s.pages)
    log.info("shards: %d shard(s), %d pages: %s", len(out), sum(s.pages for s in out),
             "; ".join(f"{k} {len(v)} shard(s)/{sum(v)} pages" for k, v in sorted(per.items())) or "nothing fetched")
    return [to_dict(s) for s in out]


# -- per shard: parse and clean -----------------------------------------------------------------
def article_to_row(a: Article) -> dict[str, Any]:
    d = asdict(a)
    d["paragraphs"], d["authors"], d["keywords"] = list(a.paragraphs), list(a.authors), list(a.keywords)
    d["clean_removed"] = json.dumps(a.clean_removed, sort_keys=True)
    return d


def article_from_row(d: dict[str, Any]) -> Article:
    d = {k: v for k, v in d.items() if k in Article.__dataclass_fields__}
    for k in ("paragraphs", "authors", "keywords"):
        d[k] = tuple(d.get(k) or ())
    d["clean_removed"] = json.loads(d.get("clean_removed") or "{}")
    return Article(**d)


_ARTICLE_STAGED = pa.schema([f for f in staged_schema("articles") if f.name not in ("char_count", "extractor_version")])


def parse_shard(shard: dict[str, Any] | Shard) -> dict[str, Any]:
    """Parse one shard's pages; count its short lines (template learning needs the whole night)."""
    from newsflow.shards import shard_pages

    shard = from_dict(Shard, shard)
    run, started, lake = shard.run, time.monotonic(), Lake(shard.run.lake)
    source = _parse_source(load_sources(run.sources_file), shard.source)
    parsed, rejects, lines = [], [], Counter()
    with Progress(shard.pages, f"parse {shard.name}", unit="pages", logger=log) as progress:
        for raw in shard_pages(lake, shard):
            try:
                result = parse(raw, source)
            except Exception as exc:  # a page that breaks the parser is a reject, never a failed run
                log.exception("parse failed for %s", raw.url)
                result = Rejected(raw.url, source.name, "parse", "parser_error", f"{type(exc).__name__}: {exc}"[:500])
            if isinstance(result, Rejected):
                rejects.append(asdict(result))
            else:
                parsed.append(article_to_row(result))
                lines.update(line_keys(result.paragraphs))
            progress.add()
    base = f"{shard.index:05d}"
    line_rows = [{"key": "", "pages": len(parsed)}] + [{"key": k, "pages": n} for k, n in sorted(lines.items())]
    out = Parsed(
        shard,
        lake.write_rows(lake.staging(run.run_id, "parse", shard.source, f"{base}.articles.parquet"), parsed, _ARTICLE_STAGED),
        lake.write_rows(lake.staging(run.run_id, "parse", shard.source, f"{base}.lines.parquet"), line_rows,
                        pa.schema([("key", pa.string()), ("pages", pa.int32())])),
        lake.write_rows(lake.staging(run.run_id, "parse", shard.source, f"{base}.rejects.parquet"), rejects, REJECT_SCHEMA),
        {"parsed": len(parsed), "rejects": len(rejects)}, round(time.monotonic() - started, 3))
    log.info("parsed shard %s: %d pages -> %d articles, %d rejected (%s) in %s", shard.name, len(parsed) + len(rejects),
             len(parsed), len(rejects), fmt_counts(Counter(r["reason"] for r in rejects)), duration(out.seconds))
    return to_dict(out)


def _night_lines(lake: Lake, run: RunSpec, source: str) -> tuple[Counter, int]:
    """(line key -> pages, pages) over every parse shard of ``source`` in this run."""
    folder = lake.staging(run.run_id, "parse", source)
    files = [f for f in _list(lake, folder) if f.endswith(".lines.parquet")]
    if not files:
        return Counter(), 0
    t = pa.concat_tables([lake.read_file(f) for f in files])
    agg = t.group_by("key").aggregate([("pages", "sum")])
    counts = Counter(dict(zip(agg.column("key").to_pylist(), agg.column("pages_sum").to_pylist())))
    pages = counts.pop("", 0)
    return counts, pages


def _list(lake: Lake, folder: str) -> list[str]:
    import pyarrow.fs as pafs

    if not lake.exists(folder):
        return []
    return sorted(i.path for i in lake.fs.get_file_info(pafs.FileSelector(folder)) if i.type == pafs.FileType.File)


_TEMPLATE_CACHE: dict[tuple[str, str, str], frozenset[str]] = {}


def _template(lake: Lake, run: RunSpec, source: str) -> frozenset[str]:
    """The source's template lines: this night's pages (every shard) and its recent dates' counts."""
    key = (run.lake, run.run_id, source)
    if key not in _TEMPLATE_CACHE:
        from newsflow.history import template_counts

        p = load_sources(run.sources_file).processing
        counts, pages = _night_lines(lake, run, source)
        past, past_pages = template_counts(lake, source, run.date, p.template_days, p.template_pages)
        counts.update(past)
        _TEMPLATE_CACHE.clear()
        _TEMPLATE_CACHE[key] = template_lines(counts, pages + past_pages)
    return _TEMPLATE_CACHE[key]


def clean_shard(parsed: dict[str, Any] | Parsed) -> dict[str, Any]:
    """Clean one shard's articles (the source's template lines learned from the whole night and
    its recent history) and fingerprint them for dedupe."""
    from newsflow.dedupe import _prepare, signature_row

    parsed = from_dict(Parsed, parsed)
    shard, started = parsed.shard, time.monotonic()
    run, lake = shard.run, Lake(shard.run.lake)
    source = _parse_source(load_sources(run.sources_file), shard.source)
    lines = _template(lake, run, shard.source)
    rules = compile_boilerplate(source.profile.boilerplate)  # bounded per line: no pattern can hang the run
    articles, sigs, rejects, removed = [], [], [], Counter()
    with Progress(parsed.counts.get("parsed"), f"clean {shard.name}", unit="articles", logger=log) as progress:
        for row in lake.read_rows(parsed.parsed):
            progress.add()
            a = clean(article_from_row(row), lines, rules)
            chars = sum(map(len, a.paragraphs))
            if chars < MIN_BODY_CHARS:
                rejects.append(asdict(Rejected(a.url, shard.source, "clean", "empty_after_clean",
                                               f"{chars} characters left; removed {a.clean_removed}")))
                continue
            removed.update(a.clean_removed)
            chash, fp = _prepare(a.paragraphs)
            a = replace(a, content_hash=chash)
            articles.append(article_to_row(a))
            sigs.append(signature_row(a, fp))
    slow = {r.pattern: r.timeouts for r in rules if r.timeouts}
    if slow:
        log.warning("boilerplate patterns of %s gave up on long lines (no match assumed): %s", shard.source, slow)
    base = f"{shard.index:05d}"
    out = Cleaned(
        shard,
        lake.write_rows(lake.staging(run.run_id, "clean", shard.source, f"{base}.articles.parquet"), articles, _ARTICLE_STAGED),
        lake.write_rows(lake.staging(run.run_id, "clean", shard.source, f"{base}.signatures.parquet"), sigs,
                        staged_schema("signatures")),
        lake.write_rows(lake.staging(run.run_id, "clean", shard.source, f"{base}.rejects.parquet"), rejects, REJECT_SCHEMA),
        {"articles": len(articles), "rejects": len(rejects), "removed": dict(removed)},
        round(time.monotonic() - started, 3))
    log.info("cleaned shard %s: %d articles kept, %d rejected (empty_after_clean) in %s; removed: %s", shard.name,
             len(articles), len(rejects), duration(out.seconds), fmt_counts(removed))
    return to_dict(out)


# -- across the night: dedupe (signatures only) ----------------------------------------------------
def dedupe(cleaned: list[dict[str, Any] | Cleaned]) -> dict[str, Any]:
    """Cluster tonight's articles with each other and with the lake's (bounded) history, from
    their hashes and signatures alone; pick each source's term_df sample."""
    import numpy as np

    from newsflow.dedupe import Fingerprint, Item, band_rows, cluster
    from newsflow.history import LakeHistory, df_window

    results = [from_dict(Cleaned, c) for c in cleaned]
    if not results:
        raise ConfigError("nothing to dedupe: the run has no shards")
    run, started = results[0].shard.run, time.monotonic()
    lake = Lake(run.lake)
    p = load_sources(run.sources_file).processing
    sig = pa.concat_tables([lake.read_file(c.signatures) for c in results], promote_options="permissive")
    rows = sig.to_pylist()
    items = [Item(r["article_id"], r["source"], r["published_at"], r["content_hash"],
                  Fingerprint(np.frombuffer(r["signature"], dtype="<u4"), r["shingles"]) if r["signature"] else None)
             for r in rows]
    hist = LakeHistory(lake, run.date, p.dedupe_days)
    clusters = cluster(items, list(run.all_sources) + [ADHOC], hist)
    sample: set[str] = set()
    by_source: dict[str, list[dict[str, Any]]] = {}
    for r in rows:
        by_source.setdefault(r["source"], []).append(r)
    for source, members in by_source.items():
        sample.update(sorted(r["article_id"] for r in members)[:p.df_sample])
    out_rows = [{"article_id": i.article_id, "content_hash": i.content_hash, "dup_cluster_id": clusters[i.article_id][0],
                 "is_canonical": clusters[i.article_id][1], "df_sample": i.article_id in sample} for i in items]
    clusters_path = lake.write_rows(lake.staging(run.run_id, "dedupe", "clusters.parquet"), out_rows,
                                    pa.schema([("article_id", pa.string()), ("content_hash", pa.string()),
                                               ("dup_cluster_id", pa.string()), ("is_canonical", pa.bool_()),
                                               ("df_sample", pa.bool_())]))
    signatures, bands, counts = {}, {}, {}
    for source, members in sorted(by_source.items()):
        for r in members:
            r["dup_cluster_id"] = clusters[r["article_id"]][0]
        signatures[source] = lake.write_rows(lake.staging(run.run_id, "dedupe", source, "signatures.parquet"), members,
                                             staged_schema("signatures"))
        brows = [b for r in members for b in band_rows(r["article_id"], source, Fingerprint(
            np.frombuffer(r["signature"], dtype="<u4"), r["shingles"]) if r["signature"] else None)]
        bands[source] = lake.write_rows(lake.staging(run.run_id, "dedupe", source, "lsh_bands.parquet"), brows,
                                        staged_schema("lsh_bands"))
        counts[source] = {"articles": len(members),
                          "duplicates": sum(1 for r in members if not clusters[r["article_id"]][1])}
    window = lake.staging(run.run_id, "dedupe", "df_window.parquet")
    df_docs = df_window(lake, run.date, p.df_days, window)  # once per night, not once per extract task
    seconds = round(time.monotonic() - started, 3)
    log.info("dedupe: %d articles, %d duplicate(s) in %s (%s); history lookups: %s", len(items),
             sum(c["duplicates"] for c in counts.values()), duration(seconds),
             "; ".join(f"{k} {c['duplicates']}/{c['articles']}" for k, c in sorted(counts.items())) or "no articles",
             fmt_counts(hist.stats))
    return to_dict(Deduped(run, clusters_path, signatures, bands, counts, seconds, window, df_docs))


# -- per shard: extract ------------------------------------------------------------------------
EXTRACT_CHUNK = 250  # articles per extract() call: a shard reports progress between chunks


def _merge_term_rows(chunks: list[list[dict[str, Any]]]) -> list[dict[str, Any]]:
    """term_df rows of several extract() calls as one call would give them: df summed per
    (lang, term), docs (sampled articles per lang) summed over the calls."""
    if len(chunks) == 1:
        return chunks[0]
    df: Counter = Counter()
    docs: Counter = Counter()
    for rows in chunks:
        for lang, n in {(r["lang"], r["docs"]) for r in rows}:
            docs[lang] += n
        for r in rows:
            df[(r["lang"], r["term"])] += r["df"]
    return [{"lang": lang, "term": term, "df": n, "docs": docs[lang]} for (lang, term), n in sorted(df.items())]


def publishable_row(a: Article) -> dict[str, Any]:
    return {**article_to_row(a), "body": a.body, "char_count": len(a.body), "extractor_version": EXTRACTOR_VERSION}


def extract_shard(cleaned: dict[str, Any] | Cleaned, deduped: dict[str, Any] | Deduped) -> dict[str, Any]:
    """Run the registry's extractors over one shard's articles, with their dedupe clusters."""
    from functools import partial

    from newsflow.facts import extract
    from newsflow.history import document_frequencies

    cleaned, deduped = from_dict(Cleaned, cleaned), from_dict(Deduped, deduped)
    shard, started = cleaned.shard, time.monotonic()
    run, lake = shard.run, Lake(shard.run.lake)
    articles = [article_from_row(r) for r in lake.read_rows(cleaned.articles)]
    ids = pa.array(sorted({a.article_id for a in articles}), pa.string())
    info = {r["article_id"]: r for r in lake.read_file(deduped.clusters, filter=ds.field("article_id").isin(ids))
            .to_pylist()}
    articles = [replace(a, dup_cluster_id=info[a.article_id]["dup_cluster_id"],
                        is_canonical=info[a.article_id]["is_canonical"]) for a in articles]
    sample = {k for k, r in info.items() if r["df_sample"]}
    lookup = partial(document_frequencies, lake, deduped.df_window, deduped.df_docs)
    final, facts, term_rows, rejects = [], {}, [], []
    chunks = [articles[i:i + EXTRACT_CHUNK] for i in range(0, len(articles), EXTRACT_CHUNK)] or [[]]
    with Progress(len(articles), f"extract {shard.name}", unit="articles", logger=log) as progress:
        for chunk in chunks:  # in chunks, only so that progress has something to count
            f, fx, tr, rj = extract(chunk, lookup, sample, deduped.df_window)
            final += f
            rejects += rj
            term_rows.append(tr)
            for t, rows in fx.items():
                facts.setdefault(t, []).extend(rows)
            progress.add(len(chunk))
    term_rows = _merge_term_rows(term_rows)
    base = f"{shard.index:05d}"
    path = lambda t: lake.staging(run.run_id, "extract", shard.source, f"{base}.{t}.parquet")  # noqa: E731
    tables = {"articles": lake.write_rows(path("articles"), [publishable_row(a) for a in final],
                                          staged_schema("articles"))}
    for t in FACT_TABLES:
        tables[t] = lake.write_rows(path(t), facts.get(t, []), staged_schema(t))
    out = Extracted(shard, tables, lake.write_rows(path("term_df"), term_rows, staged_schema("term_df")),
                    lake.write_rows(path("rejects"), [asdict(r) for r in rejects], REJECT_SCHEMA),
                    {"articles": len(final), "rejects": len(rejects),
                     **{t: len(facts.get(t, [])) for t in FACT_TABLES}}, round(time.monotonic() - started, 3))
    log.info("extracted shard %s: %d articles, %d rejected (%s) in %s; facts: %s", shard.name, len(final), len(rejects),
             fmt_counts(Counter(r.reason for r in rejects)), duration(out.seconds),
             fmt_counts({t: len(facts.get(t, [])) for t in FACT_TABLES}))
    return to_dict(out)


# -- publish and check ----------------------------------------------------------------------------
def _sum_counts(records: list[Any], source: str) -> dict[str, Any]:
    total: dict[str, Any] = {}
    for r in records:
        if r.shard.source != source:
            continue
        for k, v in r.counts.items():
            if isinstance(v, dict):
                sub = total.setdefault(k, {})
                for kk, vv in v.items():
                    sub[kk] = sub.get(kk, 0) + vv
            else:
                total[k] = total.get(k, 0) + v
    total["seconds"] = round(sum(r.seconds for r in records if r.shard.source == source), 3)
    return total


def _aggregate(lake: Lake, files: list[str], keys: list[str], docs_by: list[str] | None = None) -> pa.Table | None:
    """``df``/``pages`` summed over staged count files (None when they hold nothing); with
    ``docs_by``, ``docs`` per group is the sum over files of each file's docs."""
    tables = [t for t in (lake.read_file(f) for f in files) if t.num_rows]
    if not tables:
        return None
    value = "df" if "df" in tables[0].column_names else "pages"
    agg = pa.concat_tables(tables).group_by(keys).aggregate([(value, "sum")]).rename_columns({f"{value}_sum": value})
    if docs_by:
        per = pa.concat_tables([x.group_by(docs_by).aggregate([("docs", "max")]) for x in tables])
        per = per.group_by(docs_by).aggregate([("docs_max", "sum")]).rename_columns({"docs_max_sum": "docs"})
        agg = agg.join(per, docs_by)
    return agg


def publish(fetched: list[Any], parsed: list[Any], cleaned: list[Any], deduped: Any, extracted: list[Any]
            ) -> dict[str, Any]:
    """Publish the night, source by source, table by table: each date file streamed from the
    shards (one row group at a time), then swapped in. (Lake logs each file at DEBUG; the
    summary at the end says the same in a few lines.)"""
    fetched = [from_dict(Fetched, f) for f in fetched]
    parsed = [from_dict(Parsed, p) for p in parsed]
    cleaned = [from_dict(Cleaned, c) for c in cleaned]
    extracted = [from_dict(Extracted, e) for e in extracted]
    deduped = from_dict(Deduped, deduped)
    run = deduped.run
    lake, day = Lake(run.lake), run.date
    sources = sorted({n for f in fetched for n in f.sources} | {p.shard.source for p in parsed})
    published: dict[str, dict[str, int]] = {}
    started = time.monotonic()
    progress = Progress(len(sources), f"publish {day}", unit="sources", logger=log).start()

    def put(table: str, source: str, files: list[str], keep_old: Any = None) -> None:
        published.setdefault(table, {})[source] = lake.publish_files(table, day, source, files, run.run_id, keep_old)

    for source in sources:
        mine = lambda recs: [r for r in recs if r.shard.source == source]  # noqa: E731
        ext = mine(extracted)
        # articles go last: they are what the next run's known-URL check reads, so a run killed
        # half-way through publishing leaves its articles unknown and the rerun redoes them whole
        for table in FACT_TABLES:
            put(table, source, [e.tables[table] for e in ext])
        put("signatures", source, [deduped.signatures[source]] if source in deduped.signatures else [])
        put("lsh_bands", source, [deduped.bands[source]] if source in deduped.bands else [])
        staged = lambda name: lake.staging(run.run_id, "publish-in", f"{name}.{source}.parquet")  # noqa: E731
        df = _aggregate(lake, [e.term_df for e in ext], ["lang", "term"], ["lang"])
        if df is not None:  # a run that published no article of this source leaves its counts as they were
            put("term_df", source, [lake.write_table(staged("term_df"), df)])
        t = _aggregate(lake, [p.lines for p in mine(parsed)], ["key"])
        docs = 0 if t is None else pc.sum(pc.filter(t.column("pages"), pc.equal(t.column("key"), ""))).as_py() or 0
        if docs:  # the "" row counts the pages; short lines on one page are kept only for small nights
            t = t.filter(pc.and_(pc.not_equal(t.column("key"), ""),
                                 pc.or_(pc.greater_equal(t.column("pages"), 2), pa.scalar(docs < 50))))
            t = t.append_column("docs", pa.array([docs] * t.num_rows, pa.int32()))
            put("template_lines", source, [lake.write_table(staged("template_lines"), t)])
        stage_rejects = [r.rejects for r in mine(parsed) + mine(cleaned) + ext]
        if run.replay:  # a replay fetched nothing: keep what fetching rejected that day
            put("rejects", source, stage_rejects, keep_old=ds.field("stage") == "fetch")
        else:
            fetch_jobs = [f for f in fetched if source in f.sources]
            put("raw_pages", source, [s.raw for f in fetch_jobs for s in f.shards if s.source == source and s.publish_raw]
                + [f.feeds[source] for f in fetch_jobs])
            logs = [f.fetch_log[source] for f in fetch_jobs]
            put("fetch_log", source, logs)
            # the run owns the rejects of the URLs it attempted; the date's other rejects stay
            attempted = pc.unique(pa.chunked_array([lake.read_file(f, ["url"]).column("url") for f in logs],
                                                   pa.string())) if logs else pa.array([], pa.string())
            put("rejects", source, [f.rejects[source] for f in fetch_jobs] + stage_rejects,
                keep_old=~ds.field("url").isin(attempted))
        put("articles", source, [e.tables["articles"] for e in ext])
        fetch_counts = next((f.counts.get(source) for f in fetched if source in f.sources), None)
        runs = []
        if fetch_counts is not None:
            fetch_seconds = next(f.seconds for f in fetched if source in f.sources)
            runs.append({"source": source, "stage": "fetch", "counts": dumps(fetch_counts), "seconds": fetch_seconds})
        pc_ = _sum_counts(parsed, source)
        cc = _sum_counts(cleaned, source)
        ec = _sum_counts(extracted, source)
        runs += [{"source": source, "stage": "parse", "counts": dumps({"parsed": pc_.get("parsed", 0),
                                                                       "rejects": pc_.get("rejects", 0)}),
                  "seconds": pc_["seconds"]},
                 {"source": source, "stage": "clean", "counts": dumps({"articles": cc.get("articles", 0),
                                                                       "removed": cc.get("removed", {})}),
                  "seconds": cc["seconds"]},
                 {"source": source, "stage": "dedupe", "counts": dumps(deduped.counts.get(
                     source, {"articles": 0, "duplicates": 0})), "seconds": None},
                 {"source": source, "stage": "extract", "counts": dumps({k: v for k, v in ec.items()
                                                                         if k != "seconds"}),
                  "seconds": ec["seconds"]}]
        published.setdefault("runs", {}).update(lake.publish("runs", day, {source: runs}, run.run_id))
        progress.add()
    progress.stop()
    counts = {"articles": sum(e.counts.get("articles", 0) for e in extracted),
              "duplicates": sum(c["duplicates"] for c in deduped.counts.values()),
              "facts": {t: sum(e.counts.get(t, 0) for e in extracted) for t in FACT_TABLES},
              "dedupe_seconds": deduped.seconds}
    log.info("publish: %s for %s in %s; rows now in the date's partitions: %s", ", ".join(sources), day,
             duration(time.monotonic() - started),
             fmt_counts({t: sum(v.values()) for t, v in published.items()}, "none"))
    for source in sources:
        reasons = Counter()
        for path in ([f.rejects[source] for f in fetched if source in f.rejects]
                     + [r.rejects for r in parsed + cleaned + extracted if r.shard.source == source]):
            t = lake.read_file(path, ["stage", "reason"]) if path else None
            if t is not None and t.num_rows:
                reasons.update(f"{a}/{b}" for a, b in zip(t.column("stage").to_pylist(), t.column("reason").to_pylist()))
        d = deduped.counts.get(source, {"articles": 0, "duplicates": 0})
        log.info("  %-12s %d article(s) tonight (%d duplicates); the date now holds %d articles%s; rejects: %s",
                 source, d["articles"], d["duplicates"], published.get("articles", {}).get(source, 0),
                 "" if run.replay else f", {published.get('fetch_log', {}).get(source, 0)} fetch_log rows",
                 fmt_counts(reasons))
    return to_dict(Published(run, tuple(sources), published, counts))


# the rules newsflow.validate applies (named in its failures), for the validate summary
GATES = ("primary_key", "not_null", "null_rate", "date_range", "references", "one_row_per_url", "row_count")


class QualityGateError(ValueError):
    """Published data broke a quality gate; the message names each table and rule."""


def check(result: dict[str, Any] | Published) -> dict[str, Any]:
    """Quality gates on what was just published (newsflow.validate); raises QualityGateError
    listing every failure, else drops the run's staging area."""
    from newsflow.validate import Gates, validate

    result = from_dict(Published, result)
    run = result.run
    lake = Lake(run.lake)
    gates = Gates(**load_sources(run.sources_file).quality.model_dump()) if run.sources_file else Gates()
    started = time.monotonic()
    failures = validate(lake, run.date, list(result.sources), gates)
    failed = sorted({f.rule for f in failures})
    passed = [g for g in GATES if g not in failed]
    if failures:
        log.error("validate %s: failed %s; passed %s", run.date, ", ".join(failed), ", ".join(passed) or "none")
        raise QualityGateError(f"quality gates failed for {run.date}: " + "; ".join(map(str, failures)))
    log.info("validate %s: all %d quality gates passed (%s) for %s in %s", run.date, len(passed), ", ".join(passed),
             ", ".join(result.sources), duration(time.monotonic() - started))
    counts = {t: sum(n for n in result.published.get(t, {}).values()) for t in ("articles", "fetch_log")}
    lake.drop_staging(run.run_id)
    return {"date": run.date, **counts, "published": result.published, "counts": result.counts}


# -- the whole night in one process tree (CLI, replays) ------------------------------------------------
def _workers(run: RunSpec) -> int:
    n = load_sources(run.sources_file).processing.workers
    if n:
        return n
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


class LocalRunner:
    """Maps the shard stages over a pool of processes (every core), or inline for one worker.

    Processes are started once per run and keep their extractors' models loaded from shard to
    shard. They are forked from a forkserver (a fresh single-threaded process, never the
    threaded parent) that has loaded kiwipiepy's model first (``newsflow.preload``), so the
    workers share the model's ~500 MB instead of holding one copy each."""

    def __init__(self, workers: int) -> None:
        import multiprocessing

        # A daemonic process may not start children: a task inside a Celery prefork worker (or any
        # pool process) maps its shards inline; its siblings are the parallelism there.
        if workers > 1 and multiprocessing.current_process().daemon:
            log.info("running %d shard worker(s) inline: this process is daemonic (a Celery prefork child)", workers)
            workers = 1
        self.workers = max(1, workers)
        self.pool = None

    def __enter__(self) -> "LocalRunner":
        return self

    def __exit__(self, *exc: Any) -> None:
        if self.pool is not None:
            self.pool.shutdown(cancel_futures=True)

    def map(self, fn: Callable[..., dict[str, Any]], items: list[Any], *extra: Any) -> list[dict[str, Any]]:
        name = fn.__name__.removesuffix("_shard")
        if self.workers == 1 or len(items) < 2:
            out = []
            with Progress(len(items), f"{name} (all shards)", unit="shards", logger=log) as progress:
                for item in items:
                    out.append(fn(item, *extra))
                    progress.add()
            return out
        if self.pool is None:
            import multiprocessing
            from concurrent.futures import ProcessPoolExecutor

            ctx = multiprocessing.get_context("forkserver")
            ctx.set_forkserver_preload(["newsflow.preload"])  # workers share one loaded Korean model
            self.pool = ProcessPoolExecutor(self.workers, mp_context=ctx, initializer=_init_worker,
                                            initargs=(logging.getLogger().level, dict(os.environ), _log_setup()))
        with _main_hidden_from_workers():  # workers start on demand, while submitting
            futures = [self.pool.submit(fn, item, *extra) for item in items]
        out = []
        with Progress(len(items), f"{name} (all shards, {self.workers} workers)", unit="shards",
                      logger=log) as progress:
            for f in futures:
                out.append(f.result())
                progress.add()
        return out


@contextmanager
def _main_hidden_from_workers():
    """A new worker process re-runs the parent's ``__main__`` script first (multiprocessing's
    spawn preparation) unless it is a package's ``__main__``. In an Airflow task that script is
    ``bin/airflow``, whose import initialises Airflow against a metadata database the task process
    may not reach, and the worker dies before it starts. The workers need nothing from
    ``__main__``, so it is hidden from them while they start."""
    import sys

    main = sys.modules.get("__main__")
    if main is None:
        yield
        return
    had = {k: main.__dict__[k] for k in ("__spec__", "__file__") if k in main.__dict__}
    main.__dict__.pop("__file__", None)
    main.__spec__ = None
    try:
        yield
    finally:
        main.__dict__.pop("__spec__", None)
        main.__dict__.update(had)


def _log_setup() -> dict[str, Any]:
    """How this process logs (the root handler's format, newsflow's logger levels), for workers."""
    fmt = next((h.formatter for h in logging.getLogger().handlers if h.formatter), None)
    levels = {name: lg.level for name, lg in logging.Logger.manager.loggerDict.items()
              if isinstance(lg, logging.Logger) and lg.level and name.split(".")[0] in ("newsflow", "urllib3")}
    return {"format": getattr(fmt, "_fmt", None), "datefmt": getattr(fmt, "datefmt", None), "levels": levels}


def _init_worker(level: int, environ: dict[str, str], setup: dict[str, Any] | None = None) -> None:
    """A worker sees the run's environment (the forkserver may have started under an older one:
    object-store credentials are set per task) and logs like its parent (each line names the worker)."""
    os.environ.clear()
    os.environ.update(environ)
    setup = setup or {}
    fmt = setup.get("format") or "%(asctime)s %(levelname)s %(name)s: %(message)s"
    logging.basicConfig(level=level, format=fmt.replace("%(message)s", "[%(processName)s] %(message)s"),
                        datefmt=setup.get("datefmt"))
    for name, lvl in (setup.get("levels") or {}).items():
        logging.getLogger(name).setLevel(lvl)


def run_shards(runner: LocalRunner, fetched: list[dict[str, Any]]) -> dict[str, Any]:
    """parse -> clean -> dedupe -> extract -> publish over the fetched shards."""
    all_shards = shards(fetched)
    parsed = runner.map(parse_shard, all_shards)
    cleaned = runner.map(clean_shard, parsed)
    deduped = dedupe(cleaned)
    extracted = runner.map(extract_shard, cleaned, deduped)
    return publish(fetched, parsed, cleaned, deduped, extracted)


def run_all(sources_file: str, lake: str, day: str, run_id: str, sources: list[str] | None = None,
            force_refetch: bool = False, urls: list[str] | None = None, batch_size: int | None = None,
            workers: int | None = None) -> dict[str, Any]:
    """The whole pipeline (``python -m newsflow run``): fetch per host group, then the shard
    stages on every core."""
    jobs = plan(sources_file, lake, run_id, day, sources, force_refetch, urls, batch_size)
    run = from_dict(FetchJob, jobs[0]).run if jobs else None
    if run is None:
        raise ConfigError("no sources to run")
    migrate(lake)  # what the DAG's migrate task does, once, before anything reads history
    started = time.monotonic()
    fetched = [fetch_sources(j) for j in jobs]
    with LocalRunner(workers or _workers(run)) as runner:
        result = check(run_shards(runner, fetched))
    log.info("run %s: %d articles (%d duplicates), %d fetch_log rows in %s", run.date, result["articles"],
             result["counts"].get("duplicates", 0), result["fetch_log"], duration(time.monotonic() - started))
    return result


def replay_plan(sources_file: str, lake: str, run_id: str, start: str, end: str | None = None,
                sources: list[str] | None = None, batch_size: int | None = None) -> list[dict[str, Any]]:
    """news_reprocess: one RunSpec per data date from ``start`` to ``end`` (inclusive) that has raw pages."""
    cfg = load_sources(sources_file)
    names = [s.name for s in cfg.select(list(sources or []))]
    first, last = date.fromisoformat(resolve_date(start, None)), date.fromisoformat(resolve_date(end or start, None))
    if last < first:
        raise ConfigError(f"end date {last} is before start date {first}")
    if (last - first).days > 366:
        raise ConfigError(f"{first}..{last} is more than a year; replay it in parts")
    files = Lake(lake).files("raw_pages", names, since=first.isoformat(), until=last.isoformat())
    have = {m.group(1) for f in files if (m := re.search(r"/date=(\d{4}-\d{2}-\d{2})/", f))}
    days = [(first + timedelta(days=i)).isoformat() for i in range((last - first).days + 1)]
    missing = [d for d in days if d not in have]
    span = f"{first}" if first == last else f"{first}..{last}"
    if len(missing) == len(days):
        raise ConfigError(f"nothing to replay: the lake has no raw pages for {span} ({', '.join(names)}). Either "
                          f"no run fetched that date, or news_maintenance's raw_pages retention has deleted them; "
                          f"fetch the date again with news_ingest instead")
    if missing:
        log.warning("no raw pages for %d of %d dates (not replayed): %s", len(missing), len(days),
                    ", ".join(missing[:20]) + (" ..." if len(missing) > 20 else ""))
    log.info("replay plan: %d date(s) to replay in %s (%s), oldest first; %d without raw pages", len(days) - len(missing),
             span, ", ".join(names), len(missing))
    return [{**to_dict(RunSpec(f"{run_id}__{d}", lake, sources_file, d, tuple(s.name for s in cfg.sources),
                               batch_size or cfg.processing.batch_size, replay=True)), "sources": names}
            for d in days if d in have]


def reprocess(job: dict[str, Any], workers: int | None = None) -> dict[str, Any]:
    """Replay one data date from the raw zone: parse -> clean -> dedupe -> extract -> publish ->
    validate, without the network, on every core. Articles, facts and signatures are upserted;
    the day's fetch_log and fetched bytes are left as they were."""
    from newsflow.shards import replay_shards

    names, started = list(job["sources"]), time.monotonic()
    run = from_dict(RunSpec, job)
    lake = Lake(run.lake)
    found = replay_shards(lake, run, names)
    if not found:
        raise ConfigError(f"no raw pages for {run.date} of {', '.join(names)}: nothing to replay")
    fetched = [to_dict(Fetched(run, tuple(names), tuple(found), {}, {}, {}, {}))]
    with LocalRunner(workers or _workers(run)) as runner:
        result = check(run_shards(runner, fetched))
    log.info("replay %s: %s: %d articles (%d duplicates), facts: %s in %s", run.date, ", ".join(names),
             result["articles"], result["counts"].get("duplicates", 0), fmt_counts(result["counts"].get("facts")),
             duration(time.monotonic() - started))
    return result
