"""The lake: the only writer of Parquet.

Published tables live under ``<root>/<table>/month=YYYY-MM/source=NAME/part-0.parquet``
(``raw_pages``: ``date=YYYY-MM-DD/source=NAME``), zstd, one file per partition, deterministic
name; rows carry their data date in a ``date`` column. Publishing a data date rewrites the
month file: that date's rows of a replace-mode table are swapped, upsert-mode rows are
replaced by key. A partition is published by writing
the complete file under ``<root>/_staging/<run_id>/`` and then moving it over the old one
(a rename on local disks, a single PUT on object stores), so readers see the old or the
new partition, never half of one. Inter-task hand-offs also live under ``_staging``, so
every worker that reaches the lake root reaches them (local path or ``s3://`` URI).
"""

from __future__ import annotations

import json
import logging
import os
import re
from collections import defaultdict
from contextlib import contextmanager
from datetime import date
from typing import Any, Iterable

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.fs as pafs
import pyarrow.parquet as pq

from newsflow.schemas import DAILY, KEYS, MODE, SCHEMA_VERSION, TABLES, partition_keys

log = logging.getLogger(__name__)
_COMPRESSION = "zstd"
# Row groups of up to 128k rows: a day's partition of a source is one row group, and a large
# backfill still gives DuckDB/Trino row groups big enough to scan efficiently and small enough
# to prune by statistics.
ROW_GROUP_ROWS = 128 * 1024


def safe_run_id(run_id: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]+", "_", run_id).strip("_") or "run"


class Lake:
    def __init__(self, root: str) -> None:
        if "://" not in root:
            root = os.path.abspath(root)
        self.fs, self.root = pafs.FileSystem.from_uri(root if "://" in root else "file://" + root)
        self.uri = root

    # -- paths ----------------------------------------------------------------------------
    def path(self, *parts: str) -> str:
        return "/".join([self.root.rstrip("/"), *parts])

    def partition_path(self, table: str, day: date | str, source: str) -> str:
        day = str(day)
        if table in DAILY:
            return self.path(table, f"date={day}", f"source={source}")
        return self.path(table, f"month={day[:7]}", f"source={source}")

    def staging(self, run_id: str, *parts: str) -> str:
        return self.path("_staging", safe_run_id(run_id), *parts)

    # -- hand-offs between tasks --------------------------------------------------------------
    def write_rows(self, path: str, rows: list[dict[str, Any]], schema: pa.Schema | None = None) -> str:
        """Write records (hand-off files under ``_staging``); complex values as JSON strings."""
        self.fs.create_dir(path.rsplit("/", 1)[0], recursive=True)
        table = pa.Table.from_pylist(rows, schema=schema) if rows or schema else pa.table({})
        tmp = path + ".tmp"
        pq.write_table(table, tmp, filesystem=self.fs, compression=_COMPRESSION)
        self.fs.move(tmp, path)
        return path

    def read_rows(self, path: str) -> list[dict[str, Any]]:
        return pq.read_table(path, filesystem=self.fs).to_pylist()

    def exists(self, path: str) -> bool:
        return self.fs.get_file_info(path).type != pafs.FileType.NotFound

    def drop_staging(self, run_id: str) -> None:
        path = self.staging(run_id)
        if self.exists(path):
            self.fs.delete_dir(path)

    @contextmanager
    def partition_lock(self, table: str, day: date | str, source: str):
        """Serialise read-modify-write of one partition between processes on one machine (an
        advisory lock file under ``<root>/_locks``, outside every table). Object stores have no
        such lock: there the Airflow pool ``newsflow_publish`` (one slot) serialises publishers."""
        if not isinstance(self.fs, pafs.LocalFileSystem):
            yield
            return
        import fcntl

        os.makedirs(self.path("_locks"), exist_ok=True)
        with open(self.path("_locks", f"{table}.{day}.{safe_run_id(source)}.lock"), "w") as fh:
            fcntl.flock(fh, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(fh, fcntl.LOCK_UN)

    # -- publishing -----------------------------------------------------------------------------
    def publish(self, table: str, day: date | str, rows_by_source: dict[str, list[dict[str, Any]]],
                run_id: str) -> dict[str, int]:
        """Publish one date's rows of ``table`` per source; returns rows now in each partition."""
        schema = TABLES[table]
        counts = {}
        stamp = {"run_id": run_id, "schema_version": SCHEMA_VERSION}
        if "date" in schema.names:
            stamp["date"] = date.fromisoformat(str(day))
        for source, rows in sorted(rows_by_source.items()):
            rows = [{**{k: r.get(k) for k in schema.names}, **stamp} for r in rows]
            with self.partition_lock(table, day, source):
                counts[source] = self._publish_partition(table, day, source, rows, run_id)
        return counts

    def _publish_partition(self, table: str, day: date | str, source: str, rows: list[dict[str, Any]],
                           run_id: str) -> int:
        schema = TABLES[table]
        new = pa.Table.from_pylist(rows, schema=schema)
        final_dir = self.partition_path(table, day, source)
        final = final_dir + "/part-0.parquet"
        if self.exists(final):
            old = conform(pq.read_table(final, filesystem=self.fs), schema)
            if MODE[table] == "upsert":  # rows whose key the new rows carry are replaced
                keep = pc.invert(pc.is_in(old.column(KEYS[table][0]), value_set=new.column(KEYS[table][0])))
            elif "date" in schema.names:  # replace: this data date's rows are swapped, other dates stay
                keep = pc.not_equal(old.column("date"), pa.scalar(date.fromisoformat(str(day)), pa.date32()))
            else:
                keep = pa.array([False] * old.num_rows)
            new = pa.concat_tables([old.filter(keep), new])
        new = _dedupe_keys(new, KEYS[table])
        if new.num_rows == 0:
            if self.exists(final):
                self.fs.delete_file(final)
            return 0
        # a unique staging name per write: two publishers of one partition never share a temp file
        staged = self.staging(run_id, "publish", table, f"date={day}", f"source={source}",
                              f"part-0.{os.getpid()}.{id(rows)}.parquet")
        self.swap_in(table, new, staged, final)
        log.info("published %s date=%s source=%s: %d rows", table, day, source, new.num_rows)
        return new.num_rows

    def swap_in(self, table: str, data: pa.Table, staged: str, final: str) -> int:
        """Write ``data`` (sorted by the table's key) completely to ``staged``, then move it over
        ``final``: readers see the old file or the new one, never half. Returns rows written."""
        self.fs.create_dir(staged.rsplit("/", 1)[0], recursive=True)
        pq.write_table(data.sort_by([(k, "ascending") for k in KEYS[table]]), staged, filesystem=self.fs,
                       compression=_COMPRESSION, row_group_size=ROW_GROUP_ROWS)
        written = pq.read_metadata(staged, filesystem=self.fs).num_rows
        if written != data.num_rows:
            raise RuntimeError(f"{staged}: wrote {written} rows, expected {data.num_rows}; {final} left as it was")
        self.fs.create_dir(final.rsplit("/", 1)[0], recursive=True)
        self.fs.move(staged, final)
        return written

    def read_table(self, table: str, columns: list[str] | None = None, sources: list[str] | None = None,
                   day: str | None = None, urls: list[str] | None = None, since: str | None = None) -> pa.Table:
        """A published table (partition keys included), optionally only some sources, one date
        or the dates from ``since`` on. Columns a table gained later read as null in older files."""
        import pyarrow.dataset as ds

        base = self.path(table)
        part_schema = pa.schema([(k, pa.string()) for k in partition_keys(table)])
        full = pa.unify_schemas([TABLES[table], part_schema])
        if not self.exists(base):
            empty = full.empty_table()
            return empty.select(columns) if columns else empty
        dataset = ds.dataset(base, filesystem=self.fs, format="parquet", exclude_invalid_files=True,
                             schema=full, partitioning=ds.partitioning(part_schema, flavor="hive"))
        filters = [ds.field("source").isin(sources)] if sources is not None else []
        if table in DAILY:
            filters += [ds.field("date") == day] if day is not None else []
            filters += [ds.field("date") >= since] if since is not None else []
        else:  # prune by the month partition, then filter on the date column
            if day is not None:
                filters += [ds.field("month") == str(day)[:7], ds.field("date") == date.fromisoformat(str(day))]
            if since is not None:
                filters += [ds.field("month") >= str(since)[:7], ds.field("date") >= date.fromisoformat(str(since))]
        filters += [ds.field("url").isin(urls)] if urls is not None else []
        expr = None
        for f in filters:
            expr = f if expr is None else expr & f
        return dataset.to_table(columns=columns, filter=expr)


def conform(table: pa.Table, schema: pa.Schema) -> pa.Table:
    """An older partition in today's schema: columns added since read as null, columns
    dropped since are dropped, types cast (schema evolution by addition only)."""
    cols = []
    for f in schema:
        if f.name in table.column_names:
            cols.append(table.column(f.name).cast(f.type))
        else:
            cols.append(pa.nulls(table.num_rows, f.type))
    return pa.Table.from_arrays(cols, schema=schema)


def _dedupe_keys(table: pa.Table, keys: Iterable[str]) -> pa.Table:
    """Keep the last row per key (new rows are appended after old ones)."""
    keys = list(keys)
    if table.num_rows == 0:
        return table
    seen: dict[tuple, int] = {}
    cols = [table.column(k).to_pylist() for k in keys]
    for i, key in enumerate(zip(*cols)):
        seen[key] = i
    if len(seen) == table.num_rows:
        return table
    return table.take(sorted(seen.values()))


def group_by_source(rows: list[dict[str, Any]]) -> dict[str, list[dict[str, Any]]]:
    out: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for r in rows:
        out[r["source"]].append(r)
    return dict(out)


def dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)
