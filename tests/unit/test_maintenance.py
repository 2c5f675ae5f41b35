"""Maintenance: compaction keeps every row, retention deletes whole old partitions, stale staging goes."""

import os
import time
from datetime import UTC, date, datetime

import pyarrow as pa
import pyarrow.parquet as pq

from newsflow.lake import Lake
from newsflow.maintenance import apply_retention, compact, drop_stale_staging


def art(aid, title="t"):
    return {"article_id": aid, "url": f"http://x/{aid}", "title": title, "body": "b", "paragraphs": ["b"],
            "published_at": datetime(2024, 6, 26, 22, tzinfo=UTC), "published_date": date(2024, 6, 27),
            "fetched_at": datetime(2024, 6, 27, 1, tzinfo=UTC), "is_canonical": True}


def test_compaction_merges_extra_and_old_schema_files_keeping_every_row(tmp_path):
    lake = Lake(str(tmp_path))
    lake.publish("articles", "2024-06-27", {"a": [art("1"), art("2")]}, "r1")
    lake.publish("articles", "2024-07-01", {"a": [art("3")]}, "r1")
    part = tmp_path / "articles" / "month=2024-06" / "source=a"
    day = part / "part-2024-06-27.parquet"
    old = pq.read_table(day)
    # an older release's file (no lang_confidence) and a stray extra file with one new and one updated row
    pq.write_table(old.drop_columns(["lang_confidence"]), day)
    extra = Lake(str(tmp_path / "x"))
    extra.publish("articles", "2024-06-27", {"a": [art("2", "updated"), art("4")]}, "r2")
    os.replace(tmp_path / "x" / "articles" / "month=2024-06" / "source=a" / "part-2024-06-27.parquet",
               part / "part-1.parquet")
    stats = compact(lake, "articles")
    assert (stats.partitions, stats.rewritten, stats.files_before, stats.files_after) == (2, 1, 3, 2)
    assert stats.rows == 4 and stats.duplicates_dropped == 1
    assert sorted(p.name for p in part.iterdir()) == ["part-2024-06-27.parquet"]
    got = {r["article_id"]: r["title"] for r in lake.read_table("articles", ["article_id", "title"]).to_pylist()}
    assert got == {"1": "t", "2": "updated", "3": "t", "4": "t"}
    assert pq.read_schema(day).names == pq.read_schema(
        tmp_path / "articles" / "month=2024-07" / "source=a" / "part-2024-07-01.parquet").names
    assert compact(lake, "articles").rewritten == 0  # idempotent


def test_a_month_file_of_release_2_is_split_into_date_files(tmp_path):
    from newsflow.maintenance import migrate_layout

    lake = Lake(str(tmp_path))
    lake.publish("articles", "2024-06-26", {"a": [art("1")]}, "r")
    lake.publish("articles", "2024-06-27", {"a": [art("2"), art("3")]}, "r")
    part = tmp_path / "articles" / "month=2024-06" / "source=a"
    month = pa.concat_tables([pq.read_table(p) for p in sorted(part.iterdir())])
    for p in part.iterdir():
        p.unlink()
    pq.write_table(month, part / "part-0.parquet")  # how release 2 kept a month
    assert migrate_layout(lake) == {}  # no rows moved between partitions, only split
    assert sorted(p.name for p in part.iterdir()) == ["part-2024-06-26.parquet", "part-2024-06-27.parquet"]
    assert lake.read_table("articles", ["article_id"], day="2024-06-27").num_rows == 2
    assert (tmp_path / "_layout.json").exists()


def test_retention_deletes_whole_partitions_older_than_the_cutoff(tmp_path):
    lake = Lake(str(tmp_path))
    for d in ("2024-01-01", "2024-03-30", "2024-04-01"):
        lake.publish("raw_pages", d, {"a": [{"url": f"http://x/{d}", "kind": "page", "body": b"x"}]}, "r")
    assert apply_retention(lake, "raw_pages", 90, today=date(2024, 6, 29)) == ["2024-01-01", "2024-03-30"]
    assert sorted(p.name for p in (tmp_path / "raw_pages").iterdir()) == ["date=2024-04-01"]
    assert apply_retention(lake, "raw_pages", 90, today=date(2024, 6, 29)) == []


def test_stale_staging_of_crashed_runs_is_dropped(tmp_path):
    lake = Lake(str(tmp_path))
    lake.write_rows(lake.staging("crashed", "raw", "a.parquet"), [{"x": 1}])
    lake.write_rows(lake.staging("running", "raw", "a.parquet"), [{"x": 1}])
    old = time.time() - 3 * 86400
    for p in (tmp_path / "_staging" / "crashed").rglob("*"):
        os.utime(p, (old, old))
    os.utime(tmp_path / "_staging" / "crashed", (old, old))
    assert drop_stale_staging(lake, 48) == ["crashed"]
    assert (tmp_path / "_staging" / "running").exists()


def test_a_lake_from_the_day_partition_layout_moves_into_month_partitions(tmp_path):
    from newsflow.maintenance import migrate_layout

    lake = Lake(str(tmp_path))
    lake.publish("articles", "2024-06-27", {"a": [art("1")]}, "new")  # already in the month layout
    old_dir = tmp_path / "articles" / "date=2024-06-26" / "source=a"
    old_dir.mkdir(parents=True)
    t = pq.read_table(tmp_path / "articles" / "month=2024-06" / "source=a" / "part-2024-06-27.parquet")
    v1 = t.drop_columns(["date"]).set_column(t.schema.get_field_index("article_id") - 1, "article_id",
                                             __import__("pyarrow").array(["0"]))
    pq.write_table(v1, old_dir / "part-0.parquet")  # schema v1: no date column, day in the path
    assert migrate_layout(lake) == {"articles": 1}
    assert not (tmp_path / "articles" / "date=2024-06-26").exists()
    rows = sorted((r["article_id"], str(r["date"])) for r in lake.read_table("articles", ["article_id", "date"]).to_pylist())
    assert rows == [("0", "2024-06-26"), ("1", "2024-06-27")]
    assert migrate_layout(lake) == {}
