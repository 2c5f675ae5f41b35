from datetime import UTC, date, datetime

import duckdb
import pyarrow.parquet as pq
from newsflow.lake import Lake


def row(aid, title="t"):
    return {"article_id": aid, "url": f"http://x/{aid}", "title": title, "body": "b", "paragraphs": ["b"],
            "published_at": datetime(2024, 6, 26, 22, 12, tzinfo=UTC), "published_date": date(2024, 6, 27),
            "fetched_at": datetime(2024, 6, 27, 1, 2, 3, 456789, tzinfo=UTC), "is_canonical": True}


def test_publish_is_idempotent_and_upserts(tmp_path):
    lake = Lake(str(tmp_path))
    assert lake.publish("articles", "2024-06-27", {"hanbit": [row("a"), row("b")]}, "run1") == {"hanbit": 2}
    assert lake.publish("articles", "2024-06-27", {"hanbit": [row("a"), row("b")]}, "run2") == {"hanbit": 2}
    # a rerun that only saw "b" (e.g. "a" was skipped) keeps "a"
    assert lake.publish("articles", "2024-06-27", {"hanbit": [row("b", "new")]}, "run3") == {"hanbit": 2}
    t = lake.read_table("articles").to_pylist()
    assert sorted((r["article_id"], r["title"], r["run_id"]) for r in t) == [("a", "t", "run2"), ("b", "new", "run3")]
    assert not list((tmp_path / "_staging").rglob("*.parquet"))  # nothing left behind
    # one file per data date: publishing another date of the month leaves this one as it was
    f = tmp_path / "articles" / "month=2024-06" / "source=hanbit" / "part-2024-06-27.parquet"
    before = f.stat().st_mtime_ns
    lake.publish("articles", "2024-06-28", {"hanbit": [row("c")]}, "run4")
    assert f.stat().st_mtime_ns == before
    assert sorted(p.name for p in f.parent.iterdir()) == ["part-2024-06-27.parquet", "part-2024-06-28.parquet"]


def test_replace_tables_clear_a_partition_that_has_no_rows_now(tmp_path):
    lake = Lake(str(tmp_path))
    lake.publish("rejects", "2024-06-27", {"s": [{"url": "u", "stage": "fetch", "reason": "http_404"}]}, "r1")
    lake.publish("rejects", "2024-06-27", {"s": []}, "r2")
    assert lake.read_table("rejects").num_rows == 0


def test_files_are_readable_by_duckdb_with_partitions_from_directories(tmp_path):
    lake = Lake(str(tmp_path))
    lake.publish("articles", "2024-06-27", {"hanbit": [row("a")], "dongnam": [row("b")]}, "run1")
    f = tmp_path / "articles" / "month=2024-06" / "source=hanbit" / "part-2024-06-27.parquet"
    meta = pq.read_metadata(f)
    schema = pq.read_schema(f)
    assert "source" not in schema.names and "month" not in schema.names  # partition keys: directories only
    assert str(schema.field("date").type) == "date32[day]"  # the data date, a real DATE inside the file
    assert str(schema.field("published_at").type) == "timestamp[us, tz=UTC]"
    assert meta.row_group(0).column(0).compression == "ZSTD"
    assert schema.field("schema_version") and schema.field("run_id")
    con = duckdb.connect()
    rows = con.execute(f"SELECT source, month, date, article_id, fetched_at FROM read_parquet("
                       f"'{tmp_path}/articles/*/*/*.parquet', hive_partitioning=true) ORDER BY source").fetchall()
    assert [(r[0], str(r[1]), str(r[2]), r[3]) for r in rows] == [("dongnam", "2024-06", "2024-06-27", "b"),
                                                                 ("hanbit", "2024-06", "2024-06-27", "a")]
    rows = [(r[0], r[1], r[2], r[3], r[4]) for r in rows]
    assert rows[0][4].microsecond == 456789


def test_partitions_written_before_a_column_was_added_still_upsert_and_read(tmp_path):
    """A lake from an older release (no lang_confidence / clean_removed) keeps working."""
    import pyarrow as pa

    lake = Lake(str(tmp_path))
    lake.publish("articles", "2024-06-27", {"hanbit": [row("a")]}, "run1")
    path = tmp_path / "articles" / "month=2024-06" / "source=hanbit" / "part-2024-06-27.parquet"
    old = pq.read_table(path)
    pq.write_table(old.drop_columns(["lang_confidence", "clean_removed"]), path)  # as an older release wrote it
    assert lake.read_table("articles", ["article_id", "lang_confidence"]).to_pylist() == [
        {"article_id": "a", "lang_confidence": None}]
    assert lake.publish("articles", "2024-06-27", {"hanbit": [{**row("b"), "lang_confidence": 0.9}]}, "run2") == {
        "hanbit": 2}
    got = sorted((r["article_id"], r["lang_confidence"]) for r in lake.read_table("articles").to_pylist())
    assert got[0] == ("a", None) and got[1][0] == "b" and abs(got[1][1] - 0.9) < 1e-6
    assert isinstance(pa.__version__, str)


def test_overlapping_publishers_of_one_partition_lose_nothing(tmp_path):
    """Two runs upserting the same partition at once (an ingest and a replay): every row survives."""
    from concurrent.futures import ThreadPoolExecutor

    lake = Lake(str(tmp_path))

    def writer(name):
        for i in range(15):
            lake.publish("articles", "2024-06-27", {"hanbit": [row(f"{name}{i}")]}, f"run-{name}")

    with ThreadPoolExecutor(2) as pool:
        list(pool.map(writer, ["a", "b"]))
    ids = sorted(r["article_id"] for r in lake.read_table("articles", ["article_id"]).to_pylist())
    assert ids == sorted([f"a{i}" for i in range(15)] + [f"b{i}" for i in range(15)])
    files = [p for p in (tmp_path / "articles").rglob("*") if p.is_file()]
    assert [p.name for p in files] == ["part-2024-06-27.parquet"]  # one file per date, no leftovers
