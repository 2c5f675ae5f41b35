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


def _publish_day(root, day, n, rounds):
    lake = Lake(root)
    for k in range(rounds):
        lake.publish("articles", day, {"hanbit": [row(f"{day}-{k}-{i}") for i in range(n)]}, f"run-{day}-{k}")


def _compact_loop(root, rounds):
    from newsflow.maintenance import compact

    for _ in range(rounds):
        compact(Lake(root), "articles")


def test_processes_publishing_two_dates_of_one_month_and_a_compaction_lose_nothing(tmp_path):
    """Separate processes (as two Airflow workers on one machine): 06-27 and 06-28 of one source
    published at once while maintenance compacts the month. Every row survives, every file reads."""
    import multiprocessing

    ctx = multiprocessing.get_context("spawn")
    procs = [ctx.Process(target=_publish_day, args=(str(tmp_path), d, 1000, 3)) for d in ("2024-06-27", "2024-06-28")]
    procs.append(ctx.Process(target=_compact_loop, args=(str(tmp_path), 5)))
    for p in procs:
        p.start()
    for p in procs:
        p.join(120)
        assert p.exitcode == 0
    t = Lake(str(tmp_path)).read_table("articles", ["article_id", "date"])
    assert t.num_rows == 6000 and len(set(t.column("article_id").to_pylist())) == 6000
    for f in (tmp_path / "articles").rglob("*.parquet"):
        pq.read_table(f)


def test_a_run_id_can_only_ever_name_its_own_staging_folder(tmp_path):
    from newsflow.lake import safe_run_id

    lake = Lake(str(tmp_path))
    lake.publish("articles", "2024-06-27", {"hanbit": [row("a")]}, "r1")
    other = tmp_path / "_staging" / "other-run"
    other.mkdir(parents=True)
    names = {safe_run_id(r) for r in ("..", ".", "../..", "/", "", "a/b", "a_b", "manual__2024-06-27T00:00:00+00:00")}
    assert len(names) == 8 and not any(n.strip(".") == "" or "/" in n or n.startswith(".") for n in names)
    for bad in ("..", ".", "../..", "/", ""):
        lake.drop_staging(bad)
        assert other.exists() and (tmp_path / "articles").exists(), bad
    assert lake.read_table("articles").num_rows == 1
