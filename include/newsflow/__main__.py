"""Command line: ``python -m newsflow {run,parse,dedupe,analyze,summary,serve-sample}``."""

from __future__ import annotations

import argparse
import csv
import json
import logging
import secrets
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

from newsflow.config import ConfigError, Source, default_lake, default_sources_file, load_sources


def cmd_parse(args: argparse.Namespace) -> int:
    from newsflow.adhoc import parse_page

    source = (load_sources(args.sources).source(args.source) if args.source else
              Source(name="cli", timezone=args.timezone or "UTC", feeds=[{"type": "urls", "urls": ["http://localhost/"]}]))
    by_lang = not args.source and not args.timezone
    if args.dir:
        if not args.out:
            raise ConfigError("parse --dir needs --out OUT (a folder for the <name>.json files)")
        urls = {}
        if args.urls:
            with open(args.urls, encoding="utf-8") as fh:
                urls = {row[0]: row[1] for row in csv.reader(fh, delimiter="\t") if len(row) >= 2}
        out = Path(args.out)
        out.mkdir(parents=True, exist_ok=True)
        pages = sorted(Path(args.dir).glob("*.html"))
        started, failed = time.monotonic(), []
        # one bad page never stops the run: every page that parses is written, every one that
        # does not (unreadable, a parser or cleaner error) is named here, and the exit status says so
        for i, page in enumerate(pages, 1):
            try:
                data = parse_page(page.read_bytes(), urls.get(page.stem, f"file://{page.resolve()}"), source, by_lang)
                (out / f"{page.stem}.json").write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")
            except Exception as exc:  # noqa: BLE001  (OSError; parse_page itself does not raise)
                failed.append(page)
                print(f"newsflow: {page}: failed: {type(exc).__name__}: {exc}"[:1000], file=sys.stderr)
                continue
            rejected = data.get("rejected") or {}
            if rejected.get("reason") in ("parser_error", "clean_error"):  # written, as a reject, and named
                failed.append(page)
                print(f"newsflow: {page}: {rejected['reason']}: {rejected.get('detail')}"[:1000], file=sys.stderr)
            if i % 50 == 0:
                print(f"parsed {i}/{len(pages)}", file=sys.stderr)
        print(f"parsed {len(pages)} pages into {out} in {time.monotonic() - started:.1f}s"
              + (f"; {len(failed)} failed (named above)" if failed else ""), file=sys.stderr)
        return 2 if failed else 0
    if not args.page:
        raise ConfigError("parse needs PAGE.html, or --dir IN --out OUT")
    page = Path(args.page)
    if not page.is_file():
        raise ConfigError(f"{page} is not a file")
    data = parse_page(page.read_bytes(), args.url or f"file://{page.resolve()}", source, by_lang)
    print(json.dumps(data, ensure_ascii=False, indent=2))
    return 0 if "rejected" not in data else 3


def cmd_run(args: argparse.Namespace) -> int:
    from newsflow.pipeline import resolve_date, run_all
    from newsflow.report import summary

    day = resolve_date(args.date, None)
    # unique even for two runs started in the same second (each run owns its staging folder)
    run_id = args.run_id or f"cli__{day}__{datetime.now(UTC).strftime('%Y%m%dT%H%M%S')}__{secrets.token_hex(4)}"
    if args.batch_size is not None and args.batch_size < 1:
        raise ConfigError(f"--batch-size must be at least 1, got {args.batch_size}")
    if args.workers is not None and args.workers < 1:
        raise ConfigError(f"--workers must be at least 1, got {args.workers}")
    result = run_all(args.sources, args.lake, day, run_id, args.source or None, args.force_refetch, args.url or None,
                     args.batch_size, args.workers)
    print(json.dumps({k: result[k] for k in ("date", "articles", "fetch_log", "published")}, ensure_ascii=False))
    print(summary(args.lake, day))
    return 0


def cmd_reprocess(args: argparse.Namespace) -> int:
    """What news_reprocess does: replay dates from the raw zone (no network)."""
    from newsflow.pipeline import migrate, replay_plan, reprocess

    run_id = f"cli-replay__{datetime.now(UTC).strftime('%Y%m%dT%H%M%S')}__{secrets.token_hex(4)}"
    jobs = replay_plan(args.sources, args.lake, run_id, args.start, args.end, args.source or None)
    migrate(args.lake)  # what news_reprocess's migrate task does, once, before any day is replayed
    for job in jobs:
        result = reprocess(job, args.workers)
        print(json.dumps({"date": result["date"], "articles": result["articles"]}, ensure_ascii=False), flush=True)
    return 0


def cmd_dedupe(args: argparse.Namespace) -> int:
    from newsflow.adhoc import dedupe_records

    records, errors = [], []
    with open(args.articles, encoding="utf-8") as fh:
        for n, line in enumerate(fh, 1):
            if not line.strip():
                continue
            try:
                rec = json.loads(line)
            except json.JSONDecodeError as exc:
                errors.append(f"{args.articles}:{n}: not JSON ({exc.msg})")
                continue
            if not isinstance(rec, dict) or not rec.get("url"):
                errors.append(f"{args.articles}:{n}: needs an object with at least 'url' (and title, body, published, source)")
                continue
            records.append(rec)
    for url, cluster in dedupe_records(records):
        print(f"{url}\t{cluster}")
    for e in errors:
        print(f"newsflow: error: {e}", file=sys.stderr)
    return 2 if errors else 0


def _analyze_file(path: Path) -> dict:
    from newsflow.extract.registry import analyze, doc_from_json, to_gold_schema

    try:
        obj = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise ValueError(f"{path}: not JSON ({exc.msg} at line {exc.lineno})") from exc
    doc = doc_from_json(obj, str(path))
    return to_gold_schema(doc, analyze(doc), obj)


def cmd_analyze(args: argparse.Namespace) -> int:
    from newsflow.extract.registry import load_registry

    load_registry()  # a broken extractors.yaml fails here, before any file
    if args.dir:
        if not args.out:
            raise ConfigError("analyze --dir needs --out OUT (a folder for the <name>.json files)")
        out = Path(args.out)
        out.mkdir(parents=True, exist_ok=True)
        files = sorted(p for p in Path(args.dir).glob("*.json"))
        if not files:
            raise ConfigError(f"{args.dir}: no *.json files to analyze")
        started, failed = time.monotonic(), 0
        for i, f in enumerate(files, 1):
            try:
                data = _analyze_file(f)
            except ValueError as exc:
                print(f"newsflow: error: {exc}", file=sys.stderr)
                failed += 1
                continue
            (out / f.name).write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")
            if i % 50 == 0:
                print(f"analyzed {i}/{len(files)}", file=sys.stderr)
        secs = time.monotonic() - started
        print(f"analyzed {len(files) - failed} of {len(files)} files into {out} in {secs:.1f}s", file=sys.stderr)
        return 2 if failed else 0
    if not args.article:
        raise ConfigError("analyze needs ARTICLE.json, or --dir IN --out OUT")
    path = Path(args.article)
    if not path.is_file():
        raise ConfigError(f"{path} is not a file")
    try:
        data = _analyze_file(path)
    except ValueError as exc:
        raise ConfigError(str(exc)) from exc
    print(json.dumps(data, ensure_ascii=False, indent=2))
    return 0


def cmd_dictionary(args: argparse.Namespace) -> int:
    from newsflow.schemas import data_dictionary, with_table_views

    if args.views:  # the table views of a views file, regenerated in place
        Path(args.views).write_text(with_table_views(Path(args.views).read_text(encoding="utf-8")), encoding="utf-8")
        print(f"wrote {args.views}", file=sys.stderr)
        if not args.out:
            return 0

    text = data_dictionary() + "\n"
    if args.out:
        Path(args.out).parent.mkdir(parents=True, exist_ok=True)
        Path(args.out).write_text(text, encoding="utf-8")
        print(f"wrote {args.out}", file=sys.stderr)
    else:
        print(text, end="")
    return 0


def cmd_sql(args: argparse.Namespace) -> int:
    import duckdb

    from newsflow.report import sql

    try:
        cols, rows = sql(args.lake, args.query)
    except duckdb.CatalogException as exc:
        raise ConfigError(f"{exc}. Views: articles, entities, quotes, dates, numbers, keywords, terms, raw_pages, "
                          f"fetch_log, rejects, runs, signatures, articles_per_source_day, top_entities_week, "
                          f"most_quoted, duplicate_rate (a table with no data in {args.lake} yet has no view)") from exc
    except duckdb.Error as exc:
        raise ConfigError(f"query failed: {exc}") from exc
    if args.format == "csv":
        w = csv.writer(sys.stdout)
        w.writerow(cols)
        w.writerows(rows)
    elif args.format == "json":
        for r in rows:
            print(json.dumps(dict(zip(cols, r)), ensure_ascii=False, default=str))
    else:
        cells = [[str(c) for c in cols]] + [["" if v is None else str(v) for v in r] for r in rows]
        widths = [min(60, max(len(row[i]) for row in cells)) for i in range(len(cols))]
        for n, row in enumerate(cells):
            print("  ".join(v[:60].ljust(w) for v, w in zip(row, widths)).rstrip())
            if n == 0:
                print("  ".join("-" * w for w in widths))
        print(f"({len(rows)} rows)")
    return 0


def cmd_maintain(args: argparse.Namespace) -> int:
    from newsflow.lake import Lake
    from newsflow.maintenance import apply_retention, compact, drop_stale_staging, migrate_layout
    from newsflow.schemas import TABLES

    lake = Lake(args.lake)
    if args.repair:
        from newsflow.maintenance import repair

        damaged = repair(lake)
        for d in damaged:
            print(f"quarantined {d['file']}: {d['reason'][:200]}")
        days = sorted({d["replay"] for d in damaged if d["replay"]})
        print(f"damaged files: {len(damaged)}" + ("; rebuild them with: " + "; ".join(
            f"python -m newsflow reprocess --start {d}" for d in days) if days else ""))
    print(f"moved into month partitions: {migrate_layout(lake) or 'nothing'}")
    for t in TABLES:
        st = compact(lake, t)
        if st.partitions:
            print(f"{t:11} {st.partitions:>5} partitions, {st.rewritten} rewritten, files {st.files_before} -> "
                  f"{st.files_after}, {st.bytes_before / 1e6:.1f} -> {st.bytes_after / 1e6:.1f} MB, {st.rows:,} rows")
    from datetime import UTC, datetime

    from newsflow import exact_index

    ix = exact_index.update(lake, datetime.now(UTC).date().isoformat(),
                            load_sources(args.sources).processing.dedupe_days, reindex=args.reindex)
    print(f"exact-copy index: through {ix['through']} (was {ix['through_before']}), {ix['rows']:,} rows added, "
          f"{ix['files_written']} files written, {ix['merged_buckets']} buckets merged")
    if args.raw_days:
        print(f"raw_pages days deleted: {apply_retention(lake, 'raw_pages', args.raw_days) or 'none'}")
    print(f"stale staging dropped: {drop_stale_staging(lake) or 'none'}")
    return 0


def cmd_summary(args: argparse.Namespace) -> int:
    from newsflow.report import summary

    print(summary(args.lake, args.date))
    return 0


def cmd_serve(args: argparse.Namespace) -> int:
    from newsflow.sample_site import make_server

    server = make_server(args.host, args.port)
    print(f"sample site on http://{args.host}:{server.server_address[1]}/ (Ctrl-C to stop)", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    return 0


# commands that run the pipeline: they show progress and each stage's summary by default
PROGRESS_COMMANDS = ("run", "reprocess")


def _logging(args: argparse.Namespace) -> None:
    """INFO to stderr for run/reprocess (progress lines at most every 10 s per worker, one summary
    per stage), WARNING otherwise; -q: WARNING always; -v: INFO always and DEBUG for newsflow."""
    if args.quiet:
        level = logging.WARNING
    elif args.verbose or args.cmd in PROGRESS_COMMANDS:
        level = logging.INFO
    else:
        level = logging.WARNING
    fmt = "%(asctime)s %(levelname)s %(name)s: %(message)s" if args.verbose else "%(asctime)s %(levelname)s %(message)s"
    logging.basicConfig(level=level, format=fmt, datefmt="%H:%M:%S" if not args.verbose else None, stream=sys.stderr)
    for noisy in ("urllib3", "botocore", "s3transfer", "charset_normalizer", "filelock"):
        logging.getLogger(noisy).setLevel(max(level, logging.WARNING))
    if args.verbose and not args.quiet:  # DEBUG also shows publish's line per table and partition
        logging.getLogger("newsflow").setLevel(logging.DEBUG)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="newsflow", description=__doc__)
    p.add_argument("-v", "--verbose", action="store_true",
                   help="more detail: INFO for every command (run and reprocess log INFO anyway), DEBUG for newsflow")
    p.add_argument("-q", "--quiet", action="store_true",
                   help="only warnings and errors on stderr (run and reprocess log progress by default)")
    sub = p.add_subparsers(dest="cmd", required=True)

    r = sub.add_parser("run", help="run the whole pipeline for one date without Airflow")
    r.add_argument("--sources", default=default_sources_file(), help="sources YAML (default: include/sources.yaml)")
    r.add_argument("--date", required=True, help="data date YYYY-MM-DD (the sources' local date)")
    r.add_argument("--lake", default=default_lake(), help="lake root: a folder or s3:// URI (default ./data/lake)")
    r.add_argument("--source", action="append", help="only this source (repeatable)")
    r.add_argument("--force-refetch", action="store_true", help="fetch URLs the lake already has")
    r.add_argument("--url", action="append", help="fetch exactly this URL instead of the feeds (repeatable)")
    r.add_argument("--batch-size", type=int, help="pages per shard (default: processing.batch_size, 1000)")
    r.add_argument("--workers", type=int, help="processes for parse/clean/extract (default: every core)")
    r.add_argument("--run-id")
    r.set_defaults(func=cmd_run)

    rp = sub.add_parser("reprocess", help="what news_reprocess does: replay dates from the raw zone, no network")
    rp.add_argument("--sources", default=default_sources_file())
    rp.add_argument("--lake", default=default_lake())
    rp.add_argument("--start", required=True, help="first data date YYYY-MM-DD")
    rp.add_argument("--end", help="last data date (inclusive; default: --start)")
    rp.add_argument("--source", action="append", help="only this source (repeatable)")
    rp.add_argument("--workers", type=int)
    rp.set_defaults(func=cmd_reprocess)

    pa = sub.add_parser("parse", help="parse saved HTML page(s) into JSON")
    pa.add_argument("page", nargs="?", help="PAGE.html")
    pa.add_argument("--url", help="the page's URL (resolves relative links, URL dates)")
    pa.add_argument("--dir", help="parse every IN/<name>.html into OUT/<name>.json")
    pa.add_argument("--out")
    pa.add_argument("--urls", help="TSV of <name> TAB <url> for --dir")
    pa.add_argument("--timezone", help="zone for page times without an offset and for showing UTC times "
                    "(default: by the page's language, ko -> Asia/Seoul, ja/zh/vi likewise, else UTC)")
    pa.add_argument("--source", help="use this source's profile from --sources")
    pa.add_argument("--sources", default=default_sources_file())
    pa.set_defaults(func=cmd_parse)

    d = sub.add_parser("dedupe", help="cluster near-duplicate articles: prints url<TAB>cluster_id per line")
    d.add_argument("articles", help="JSON lines with url, title, body, published, source")
    d.set_defaults(func=cmd_dedupe)

    an = sub.add_parser("analyze", help="extract entities, quotes, dates, numbers, keywords from article JSON")
    an.add_argument("article", nargs="?", help="ARTICLE.json: an object with lang, published, title, body")
    an.add_argument("--dir", help="analyze every IN/<name>.json into OUT/<name>.json")
    an.add_argument("--out")
    an.set_defaults(func=cmd_analyze)

    dd = sub.add_parser("dictionary", help="print the data dictionary generated from the table schemas")
    dd.add_argument("--out", help="write it to this file (docs/data-dictionary.md)")
    dd.add_argument("--views", help="regenerate the table views of this DuckDB views file (include/sql/views.sql)")
    dd.set_defaults(func=cmd_dictionary)

    q = sub.add_parser("sql", help="run a DuckDB query over the lake's views (include/sql/views.sql)")
    q.add_argument("query", help='e.g. "SELECT * FROM most_quoted"')
    q.add_argument("--lake", default=default_lake())
    q.add_argument("--format", choices=("table", "csv", "json"), default="table")
    q.set_defaults(func=cmd_sql)

    m = sub.add_parser("maintain", help="what news_maintenance does: migrate layout, compact, index exact copies, retention")
    m.add_argument("--lake", default=default_lake())
    m.add_argument("--sources", default=default_sources_file(), help="sources YAML (its dedupe_days)")
    m.add_argument("--raw-days", type=int, help="delete raw_pages days older than this many days")
    m.add_argument("--reindex", action="store_true", help="rebuild the exact-copy index from every signatures file")
    m.add_argument("--repair", action="store_true",
                   help="read every page of every file first; move unreadable files to <lake>/_quarantine/")
    m.set_defaults(func=cmd_maintain)

    s = sub.add_parser("summary", help="print what the lake holds (DuckDB)")
    s.add_argument("--lake", default=default_lake())
    s.add_argument("--date")
    s.set_defaults(func=cmd_summary)

    v = sub.add_parser("serve-sample", help="serve the offline sample site")
    v.add_argument("--host", default="127.0.0.1")
    v.add_argument("--port", type=int, default=8765)
    v.set_defaults(func=cmd_serve)

    args = p.parse_args(argv)
    _logging(args)
    try:
        return args.func(args)
    except ConfigError as exc:
        print(f"newsflow: error: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
