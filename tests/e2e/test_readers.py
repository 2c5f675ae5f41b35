"""Every reader agrees: DuckDB, pyarrow, pandas and polars read every table of a lake the
pipeline wrote with the same row counts, columns and types.

The traps this guards against: nanosecond timestamps (Spark rejects them), a partition key
also stored inside the files (pandas fails on the clash), files whose schemas drift,
stray non-Parquet files and staging folders inside a table directory.
"""

from __future__ import annotations

import os
from pathlib import Path

import duckdb
import pandas as pd
import polars as pl
import pyarrow as pa
import pyarrow.dataset as ds
import pyarrow.parquet as pq
import pytest
from newsflow.config import default_sources_file
from newsflow.pipeline import run_all
from newsflow.sample_site import start_in_thread
from newsflow.schemas import TABLES, partition_keys

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def lake(tmp_path_factory):
    server, base = start_in_thread()
    old = os.environ.get("NEWSFLOW_SAMPLE_BASE")
    os.environ["NEWSFLOW_SAMPLE_BASE"] = base
    root = tmp_path_factory.mktemp("readers")
    try:
        run_all(default_sources_file(), str(root), "2024-06-27", "readers-run")
    finally:
        server.shutdown()
        if old is None:
            os.environ.pop("NEWSFLOW_SAMPLE_BASE", None)
        else:
            os.environ["NEWSFLOW_SAMPLE_BASE"] = old
    return root


def kind(t) -> str:
    """A reader-independent name for a column type."""
    t = str(t).lower()
    for k, names in (("timestamp_utc", ("timestamp[us, tz=utc]", "timestamp[us, tz=etc/utc]", "datetime64[us, utc]", "timestamp with time zone",
                                        "datetime(time_unit='us', time_zone='utc')")),
                     ("date", ("date32[day]", "date")), ("bool", ("bool", "boolean")),
                     ("list", ("list<", "list(", "varchar[]", "[]")), ("binary", ("binary", "blob")),
                     ("float", ("float", "double")), ("int", ("int",)), ("string", ("string", "varchar", "str", "object"))):
        if any(n in t for n in names):
            return k
    return t


def test_the_lake_holds_only_parquet_and_no_staging_inside_tables(lake):
    for table in TABLES:
        for p in (lake / table).rglob("*"):
            if p.is_file():
                assert p.suffix == ".parquet" and p.parent.name.startswith("source="), p
                assert "_staging" not in p.parts
    assert not list(lake.glob("_staging/*/*")), "staging is dropped after the checks"


def test_duckdb_pyarrow_pandas_polars_agree_on_every_table(lake):
    con = duckdb.connect()
    for table, schema in TABLES.items():
        path = lake / table
        if not path.exists():
            continue
        files = sorted(path.rglob("*.parquet"))
        # the files themselves: microsecond UTC timestamps, no partition keys inside, one schema
        for f in files:
            s = pq.read_schema(f)
            assert not set(partition_keys(table)) & set(s.names), f
            assert s.names == schema.names, f"{f} drifted from the {table} schema"
            for field in s:
                if pa.types.is_timestamp(field.type):
                    assert field.type.unit == "us" and field.type.tz == "UTC", (f, field)
        duck = con.sql(f"SELECT * FROM read_parquet('{path}/*/*/*.parquet', hive_partitioning=true, "
                           "union_by_name=true)").to_arrow_table()
        arrow = ds.dataset(path, format="parquet", partitioning="hive").to_table()
        frame = pd.read_parquet(path)
        polar = pl.scan_parquet(f"{path}/**/*.parquet", hive_partitioning=True).collect()
        counts = {"duckdb": duck.num_rows, "pyarrow": arrow.num_rows, "pandas": len(frame), "polars": polar.height}
        assert len(set(counts.values())) == 1, (table, counts)
        assert counts["duckdb"] > 0, table
        cols = {"duckdb": {n: kind(t) for n, t in zip(duck.schema.names, duck.schema.types)},
                "pyarrow": {n: kind(t) for n, t in zip(arrow.schema.names, arrow.schema.types)},
                "pandas": {n: kind(t) for n, t in frame.dtypes.items()},
                "polars": {n: kind(t) for n, t in polar.schema.items()}}
        want = {f.name: kind(f.type) for f in schema}
        for reader, got in cols.items():
            assert set(got) == set(want) | set(partition_keys(table)), (table, reader, set(got) ^ set(want))
            for name, k in want.items():
                if reader == "pandas" and k in ("list", "binary", "date"):
                    continue  # pandas holds these as Python objects
                assert got[name] == k, (table, reader, name, got[name], k)
        # the partition values agree, whatever type each reader gives them
        for key in partition_keys(table):
            values = {"duckdb": duck.column(key).to_pylist(), "pyarrow": arrow.column(key).to_pylist(),
                      "pandas": frame[key].tolist(), "polars": polar[key].to_list()}
            as_text = {r: sorted(str(v)[:10] for v in vs) for r, vs in values.items()}
            assert len({tuple(v) for v in as_text.values()}) == 1, (table, key)


def test_views_and_ready_queries_and_the_sql_command(lake, capsys):
    from newsflow.__main__ import main
    from newsflow.report import sql

    cols, rows = sql(str(lake), "SELECT * FROM articles_per_source_day")
    assert cols == ["date", "source", "articles", "canonical"]
    assert [(r[1], r[2], r[3]) for r in rows] == [("dongnam", 6, 4), ("hanbit", 7, 7), ("hanbit-en", 6, 6)]
    assert str(rows[0][0]) == "2024-06-27" and type(rows[0][0]).__name__ == "date"  # a DATE column, for every client
    assert sql(str(lake), "SELECT source, duplicates FROM duplicate_rate WHERE duplicates > 0")[1] == [("dongnam", 2)]
    top = sql(str(lake), "SELECT speaker, quotes FROM most_quoted")[1]
    assert top and all(n >= 1 for _, n in top)
    assert sql(str(lake), "SELECT count(*) FROM top_entities_week")[1][0][0] > 0
    assert main(["sql", "SELECT source, count(*) AS n FROM quotes GROUP BY 1 ORDER BY 1", "--lake", str(lake),
                 "--format", "csv"]) == 0
    assert capsys.readouterr().out.splitlines()[0] == "source,n"
    assert main(["sql", "SELECT * FROM nope", "--lake", str(lake)]) == 2
    assert "most_quoted" in capsys.readouterr().err  # the error lists the views there are


def test_spark_reads_every_table_alike_when_installed(lake):
    """Spark is not in requirements (a JVM and ~300 MB); the test runs where pyspark is installed."""
    pyspark = pytest.importorskip("pyspark.sql")
    spark = (pyspark.SparkSession.builder.master("local[1]").appName("newsflow-readers")
             .config("spark.sql.session.timeZone", "UTC").config("spark.ui.enabled", "false").getOrCreate())
    try:
        for table, schema in TABLES.items():
            path = lake / table
            if not path.exists():
                continue
            df = spark.read.option("basePath", str(path)).option("mergeSchema", "true").parquet(str(path))
            duck = duckdb.sql(f"SELECT count(*) FROM read_parquet('{path}/*/*/*.parquet', hive_partitioning=true)")
            assert df.count() == duck.fetchall()[0][0], table
            types = dict(df.dtypes)
            for f in schema:
                if pa.types.is_timestamp(f.type):
                    assert types[f.name] == "timestamp", (table, f.name, types[f.name])
                if f.name == "date":
                    assert types["date"] == "date", table
            assert set(types) == set(schema.names) | set(partition_keys(table)), table
    finally:
        spark.stop()
