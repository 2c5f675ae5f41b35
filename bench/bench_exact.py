"""Exact-copy lookups against a lake's history: the index (newsflow.exact_index) against reading
every signatures file, side by side, on lakes of one month, one year and three years.

A night looks up the content hashes of its articles (1,000 here, 100 of them copies of articles
of every age). Without the index that opens every signatures file the lake holds; with it, the
signatures of the dedupe window plus the index buckets the hashes fall in.

    .venv/bin/python bench/bench_exact.py                 # 30 / 365 / 1095 days x 10 sources x 100 articles
    .venv/bin/python bench/bench_exact.py --days 30 365 --per-day 300
    make bench-exact
"""

from __future__ import annotations

import argparse
import hashlib
import random
import shutil
import statistics
import tempfile
import time
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from newsflow import exact_index
from newsflow.dedupe import hash64
from newsflow.history import LakeHistory
from newsflow.lake import Lake, conform
from newsflow.schemas import TABLES

NIGHT = date(2027, 1, 1)


def chash(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def build(root: str, days: int, sources: int, per_day: int) -> list[str]:
    """Signatures files for ``days`` dates before NIGHT; returns every content hash written."""
    lake, hashes = Lake(root), []
    for d in range(1, days + 1):
        day = NIGHT - timedelta(days=d)
        for s in range(sources):
            rows = []
            for j in range(per_day):
                h = chash(f"{day} {s} {j}")
                hashes.append(h)
                rows.append({"date": day, "article_id": f"{day}-{s}-{j}", "content_hash": h,
                             "dup_cluster_id": "x" + h[:16], "shingles": 100,
                             "published_at": datetime(day.year, day.month, day.day, tzinfo=timezone.utc),
                             "signature": None, "hash64": hash64(h), "run_id": "bench", "schema_version": 3})
            path = Path(lake.day_file("signatures", day, f"src{s}"))
            path.parent.mkdir(parents=True, exist_ok=True)
            pq.write_table(conform(pa.Table.from_pylist(rows), TABLES["signatures"]), path, compression="zstd")
    return hashes


def timed_lookup(root: str, wanted: list[str], repeats: int) -> tuple[float, int]:
    times, found = [], 0
    for _ in range(repeats):
        t0 = time.perf_counter()
        found = len(LakeHistory(Lake(root), NIGHT.isoformat(), 30).exact(wanted))
        times.append(time.perf_counter() - t0)
    return statistics.median(times), found


def goal(ok: bool, text: str) -> None:
    print(f"{'MET' if ok else 'NOT MET'}: {text}", flush=True)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--days", type=int, nargs="+", default=[30, 365, 1095])
    ap.add_argument("--sources", type=int, default=10)
    ap.add_argument("--per-day", type=int, default=100)
    ap.add_argument("--lookups", type=int, default=1000)
    ap.add_argument("--repeats", type=int, default=3)
    args = ap.parse_args()
    rng = random.Random(7)
    rows = []
    print(f"bench-exact: {args.sources} sources x {args.per_day} articles a day; a night looks up {args.lookups} "
          f"hashes ({args.lookups // 10} of them old copies); median of {args.repeats}", flush=True)
    for days in args.days:
        work = tempfile.mkdtemp(prefix="bench_exact_")
        try:
            t0 = time.perf_counter()
            old = build(work, days, args.sources, args.per_day)
            built = time.perf_counter() - t0
            wanted = rng.sample(old, args.lookups // 10) + [chash(f"new {i}") for i in range(args.lookups)]
            wanted = wanted[:args.lookups]
            scan_s, scan_found = timed_lookup(work, wanted, args.repeats)
            t0 = time.perf_counter()
            exact_index.update(Lake(work), NIGHT.isoformat(), 30)
            index_build = time.perf_counter() - t0
            idx_s, idx_found = timed_lookup(work, wanted, args.repeats)
            files = sum(len(v) for v in exact_index.read_manifest(Lake(work))["runs"].values())
            rows.append((days, len(old), scan_s, idx_s, scan_found, idx_found))
            print(f"{days:>5} days, {len(old):>9,} articles: scan every file {scan_s * 1000:8.1f} ms, "
                  f"index {idx_s * 1000:7.1f} ms ({scan_s / idx_s:5.1f}x), found {scan_found} / {idx_found}; "
                  f"lake written in {built:.0f}s, index built in {index_build:.1f}s ({files} files)", flush=True)
        finally:
            shutil.rmtree(work, ignore_errors=True)
    print()
    goal(all(a == b for *_, a, b in rows), "the index finds exactly what scanning every file finds")
    indexed = [r for r in rows if r[0] > 31]  # lakes old enough for the index to be used
    if len(indexed) >= 2:
        first, last = indexed[0], indexed[-1]
        goal(last[3] <= 1.5 * first[3], f"lookup cost flat with history: {last[0]} days {last[3] * 1000:.0f} ms vs "
             f"{first[0]} days {first[3] * 1000:.0f} ms ({last[3] / first[3]:.2f}x for {last[1] / first[1]:.1f}x the "
             f"history, goal <= 1.5x; scanning every file: {last[2] / first[2]:.1f}x)")
    if indexed:
        big = indexed[-1]
        goal(big[3] * 5 <= big[2], f"at {big[0]} days the index is at least 5x faster than scanning: "
             f"{big[2] / big[3]:.1f}x")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
