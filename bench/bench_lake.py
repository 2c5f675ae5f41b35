"""Lake layout benchmark (make bench-lake): a synthetic 1-million-article `articles` table written
day by day with the Lake's own publisher in newsflow's layout (month=YYYY-MM/source=NAME, one
file per partition, the data date a column), and the same rows in the day layout newsflow used
before (date=YYYY-MM-DD/source=NAME) -- file counts, bytes, publish time and DuckDB query times
over both, side by side in one process.

  BENCH_ARGS="--articles 1000000 --sources 10 --days 730"
"""

from __future__ import annotations

import argparse
import hashlib
import random
import shutil
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "include"))

WORDS = ("반도체 수출 금리 환율 투자 배터리 공급망 정부 기업 시장 증시 물가 고용 부동산 은행 대출 관세 "
         "전기차 조선 원전 소비 성장률 실적 영업이익 주가 외국인 코스피 달러 중국 미국").split()


def synth_rows(n: int, source: str, day: date, rnd: random.Random) -> list[dict]:
    rows = []
    for i in range(n):
        aid = hashlib.sha256(f"{source}/{day}/{i}".encode()).hexdigest()[:16]
        body = " ".join(rnd.choice(WORDS) for _ in range(60))
        ts = datetime(day.year, day.month, day.day, rnd.randrange(24), rnd.randrange(60), tzinfo=UTC)
        rows.append({"article_id": aid, "url": f"https://{source}.example/{aid}", "canonical_url": None, "lang": "ko",
                     "title": " ".join(rnd.choice(WORDS) for _ in range(6)), "body": body,
                     "paragraphs": [body], "authors": [], "published_at": ts, "published_date": day,
                     "fetched_at": ts + timedelta(hours=3), "char_count": len(body), "content_hash": aid,
                     "dup_cluster_id": aid, "is_canonical": rnd.random() > 0.08,
                     "keywords": rnd.sample(WORDS, 5), "lang_confidence": 1.0})
    return rows


def tree_stats(root: Path) -> tuple[int, int]:
    files = [p for p in root.rglob("*.parquet")]
    return len(files), sum(p.stat().st_size for p in files)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--articles", type=int, default=1_000_000)
    ap.add_argument("--sources", type=int, default=10)
    ap.add_argument("--days", type=int, default=730)
    ap.add_argument("--keep", help="write the lake here and keep it")
    args = ap.parse_args()
    import duckdb
    import pyarrow.dataset as ds

    from newsflow.lake import Lake

    work = Path(args.keep or tempfile.mkdtemp(prefix="bench_lake_"))
    monthly, daily = work / "monthly", work / "daily"
    per = max(1, args.articles // (args.sources * args.days))
    rnd = random.Random(7)
    lake = Lake(str(monthly))
    start, t0, n = date(2023, 1, 1), time.perf_counter(), 0
    for d in range(args.days):
        day = start + timedelta(days=d)
        batch = {f"src{s:02d}": synth_rows(per, f"src{s:02d}", day, rnd) for s in range(args.sources)}
        lake.publish("articles", day.isoformat(), batch, "bench")
        n += per * args.sources
        if d % 100 == 0:
            print(f"  published {n:,} articles ({d + 1}/{args.days} days) in {time.perf_counter() - t0:.0f}s",
                  file=sys.stderr)
    write_s = time.perf_counter() - t0
    shutil.rmtree(monthly / "_staging", ignore_errors=True)
    shutil.rmtree(monthly / "_locks", ignore_errors=True)

    # the same rows in the day layout (one file per source and day)
    t0 = time.perf_counter()
    table = ds.dataset(monthly / "articles", format="parquet", partitioning="hive").to_table().drop_columns(["month"])
    ds.write_dataset(table, daily / "articles", format="parquet", partitioning=["date", "source"],
                     partitioning_flavor="hive", existing_data_behavior="overwrite_or_ignore",
                     basename_template="part-{i}.parquet")
    daily_s = time.perf_counter() - t0
    del table

    queries = {
        "articles per source per month": "SELECT source, date_trunc('month', published_date) m, count(*), "
                                         "count(*) FILTER (WHERE is_canonical) FROM {t} GROUP BY ALL",
        "one month, one source": "SELECT count(*), avg(char_count) FROM {t} WHERE source = 'src03' AND "
                                 "published_date BETWEEN DATE '2024-03-01' AND DATE '2024-03-31'",
        "keyword top 10 (last 90 days)": "SELECT k, count(*) n FROM (SELECT unnest(keywords) k FROM {t} WHERE "
                                         "published_date >= DATE '2024-10-01') GROUP BY k ORDER BY n DESC LIMIT 10",
    }
    layouts = {"day layout (date=/source=)": f"read_parquet('{daily}/articles/*/*/*.parquet', hive_partitioning=true)",
               "month layout (month=/source=)": f"read_parquet('{monthly}/articles/*/*/*.parquet', "
                                                "hive_partitioning=true)"}
    print(f"\n{n:,} articles, {args.sources} sources x {args.days} days; published day by day with Lake.publish "
          f"into month partitions in {write_s:.0f}s ({write_s / args.days * 1000:.0f} ms per day); day layout copy "
          f"written in {daily_s:.0f}s")
    for name, root in (("day layout (date=/source=)", daily), ("month layout (month=/source=)", monthly)):
        files, size = tree_stats(root / "articles")
        print(f"  {name:30} {files:>7,} files, {size / 1e6:8.1f} MB, {size / max(files, 1) / 1e3:8.1f} kB/file")
    print(f"\n{'query':34}" + "".join(f"{k:>33}" for k in layouts) + "       ratio")
    for qname, sql in queries.items():
        times = []
        for layout in layouts.values():
            con = duckdb.connect()
            best = float("inf")
            for _ in range(3):
                t0 = time.perf_counter()
                con.execute(sql.format(t=layout)).fetchall()
                best = min(best, time.perf_counter() - t0)
            times.append(best)
        print(f"{qname:34}" + "".join(f"{t * 1000:>30.0f} ms" for t in times) + f"   {times[0] / times[1]:>8.1f}x")
    counts = [duckdb.connect().execute(f"SELECT count(*) FROM {v}").fetchone()[0] for v in layouts.values()]
    print(f"\nrows: {counts[0]:,} / {counts[1]:,} (published {n:,})")
    if not args.keep:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
