"""The lake: the only writer of Parquet.

Published tables live under ``<root>/<table>/month=YYYY-MM/source=NAME/`` with one file per
data date, ``part-YYYY-MM-DD.parquet`` (``raw_pages``: ``date=YYYY-MM-DD/source=NAME/part-0.parquet``),
zstd, deterministic names; rows also carry their data date in a ``date`` column. Publishing a
data date writes that date's file only, so the thousandth night costs what the first did (a
month file rewritten every night grew with the days already in the month). Readers glob
``<table>/*/*/*.parquet`` and see one table.

A file is published by streaming the run's staged shard files (plus, for upsert tables, the
rows of the date's old file that the new rows do not replace) into one complete file under
``<root>/_staging/<run_id>/`` and then moving it over the old one (a rename on local disks, a
single PUT on object stores), so readers see the old or the new file, never half of one.
Memory stays at one row group at a time plus the key columns of one file. Inter-task hand-offs
also live under ``_staging``, so every worker that reaches the lake root reaches them (local
path or ``s3://`` URI). Reads of history name the files of a window (months and dates) instead
of listing the whole table.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import re
from collections import defaultdict
from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta
from typing import Any, Iterable, Iterator

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.fs as pafs
import pyarrow.parquet as pq

from newsflow.schemas import DAILY, KEYS, MODE, SCHEMA_VERSION, TABLES, partition_keys

log = logging.getLogger(__name__)
_COMPRESSION = "zstd"
# Row groups: a shard's rows are one row group (batch-size rows); files written in one piece
# use up to 128k rows per group, big enough to scan efficiently and small enough to prune.
ROW_GROUP_ROWS = 128 * 1024
_DAY_FILE = re.compile(r"^part-(\d{4}-\d{2}-\d{2})\.parquet$")


def safe_run_id(run_id: str) -> str:
    """A folder name for ``run_id`` that can only ever name one folder inside its parent: letters,
    digits, ``_`` and ``-`` (never ``.`` or ``..``, never a path). An id that needed changing gets
    a hash of the original, so two different ids never share a folder (``a/b`` vs ``a_b``)."""
    name = re.sub(r"[^A-Za-z0-9_-]+", "_", str(run_id)).strip("_")[:96]
    if name != run_id or not name:
        name = f"{name or 'run'}-{hashlib.sha256(str(run_id).encode('utf-8', 'surrogatepass')).hexdigest()[:10]}"
    return name


def stamp_columns(table: str) -> set[str]:
    """Columns publish fills in (run id, schema version, data date): staged rows may omit them."""
    return {"run_id", "schema_version", "date"} & set(TABLES[table].names)


def staged_schema(table: str) -> pa.Schema:
    """The schema of a table's staged shard files: the table's columns without the stamp columns."""
    schema = TABLES[table]
    return pa.schema([f for f in schema if f.name not in stamp_columns(table)] +
                     ([pa.field("source", pa.string())] if "source" not in schema.names else []))


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

    def day_file(self, table: str, day: date | str, source: str) -> str:
        """The one file that holds ``table``'s rows of data date ``day`` for ``source``."""
        name = "part-0.parquet" if table in DAILY else f"part-{day}.parquet"
        return self.partition_path(table, day, source) + "/" + name

    def staging(self, run_id: str, *parts: str) -> str:
        return self.path("_staging", safe_run_id(run_id), *parts)

    # -- hand-offs between tasks --------------------------------------------------------------
    def write_rows(self, path: str, rows: list[dict[str, Any]], schema: pa.Schema | None = None) -> str:
        """Write records (hand-off files under ``_staging``); complex values as JSON strings."""
        if schema is not None:
            rows = [{k: r.get(k) for k in schema.names} for r in rows]
        table = pa.Table.from_pylist(rows, schema=schema) if rows or schema else pa.table({})
        return self.write_table(path, table)

    def write_table(self, path: str, table: pa.Table) -> str:
        self.fs.create_dir(path.rsplit("/", 1)[0], recursive=True)
        tmp = path + ".tmp"
        pq.write_table(table, tmp, filesystem=self.fs, compression=_COMPRESSION, row_group_size=ROW_GROUP_ROWS)
        self.fs.move(tmp, path)
        return path

    def read_rows(self, path: str, columns: list[str] | None = None) -> list[dict[str, Any]]:
        return self.read_file(path, columns).to_pylist()

    def read_file(self, path: str, columns: list[str] | None = None, filter: Any = None) -> pa.Table:
        if filter is None:
            return pq.read_table(path, filesystem=self.fs, columns=columns)
        import pyarrow.dataset as ds

        return ds.dataset(path, filesystem=self.fs, format="parquet").to_table(columns=columns, filter=filter)

    def exists(self, path: str) -> bool:
        return self.fs.get_file_info(path).type != pafs.FileType.NotFound

    # -- damaged files ------------------------------------------------------------------------
    def quarantine(self, path: str, reason: str, locked: bool = False) -> str:
        """Move an unreadable published file out of its table into ``<lake>/_quarantine/`` (with a
        JSON note beside it) and say so loudly: the table stays readable, the next night publishes,
        and the operator learns which date to replay. ``locked``: the caller holds the partition lock."""
        from contextlib import nullcontext

        rel = path[len(self.root.rstrip("/")) + 1:]
        parts = rel.split("/")
        when = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%f")
        dest = self.path("_quarantine", *parts[:-1], f"{parts[-1]}.{when}")
        table = parts[0]
        key = parts[1].split("=", 1)[-1] if len(parts) > 2 else ""
        day = (m.group(1) if (m := _DAY_FILE.match(parts[-1])) else key if table in DAILY else key + "-01")
        source = parts[2].split("=", 1)[-1] if len(parts) > 3 else ""
        guard = nullcontext() if locked or not source else self.partition_lock(table, day, source)
        with guard:
            if not self.exists(path):
                return dest  # another process moved it already
            self.fs.create_dir(dest.rsplit("/", 1)[0], recursive=True)
            self.fs.move(path, dest)
            with self.fs.open_output_stream(dest + ".json") as fh:
                fh.write(json.dumps({"file": rel, "reason": reason[:2000], "quarantined_at": when,
                                     "date": day if _DAY_FILE.match(parts[-1]) or table in DAILY else None,
                                     "source": source}).encode())
        log.error("QUARANTINED %s: %s. Its rows are out of the table; rebuild them by replaying date %s "
                  "(news_reprocess, or `python -m newsflow reprocess --start %s`); the file is kept at %s",
                  rel, reason[:300], day, day, dest)
        return dest

    def check_file(self, path: str, full: bool = False) -> str | None:
        """None when ``path`` is a readable Parquet file (footer; with ``full``, every page), else why not."""
        try:
            meta = pq.read_metadata(path, filesystem=self.fs)
            if full:
                f = pq.ParquetFile(path, filesystem=self.fs)
                for i in range(meta.num_row_groups):
                    f.read_row_group(i)
        except (pa.ArrowInvalid, pa.ArrowIOError, OSError, ValueError) as exc:
            return f"{type(exc).__name__}: {exc}"
        return None

    def quarantine_unreadable(self, files: list[str], full: bool = True) -> list[str]:
        """Quarantine whichever of ``files`` cannot be read; returns their original paths."""
        bad = []
        for f in files:
            why = self.check_file(f, full=full)
            if why is not None and self.exists(f):
                self.quarantine(f, why)
                bad.append(f)
        return bad

    def drop_staging(self, run_id: str) -> None:
        """Delete the run's own staging folder, and never anything else."""
        name = safe_run_id(run_id)
        path = self.staging(run_id)
        if not name or name.strip(".") == "" or path.rsplit("/", 1) != [self.path("_staging"), name]:
            raise ValueError(f"refusing to delete {path!r}: not a run's staging folder")
        if self.exists(path):
            self.fs.delete_dir(path)

    @contextmanager
    def partition_lock(self, table: str, day: date | str, source: str):
        """Serialise writes to one partition folder between processes on one machine (an advisory
        lock file under ``<root>/_locks``, outside every table, keyed by the partition: month and
        source, or date and source for raw_pages). Publishing a date, compaction and layout
        migration all take it, so none of them reads a folder another is rewriting.
        Object stores have no such lock: there the Airflow pool ``newsflow_publish`` (one slot)
        serialises publishers."""
        if not isinstance(self.fs, pafs.LocalFileSystem):
            yield
            return
        import fcntl

        os.makedirs(self.path("_locks"), exist_ok=True)
        part = str(day) if table in DAILY else str(day)[:7]
        with open(self.path("_locks", f"{table}.{part}.{safe_run_id(source)}.lock"), "w") as fh:
            fcntl.flock(fh, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(fh, fcntl.LOCK_UN)

    # -- publishing -----------------------------------------------------------------------------
    def publish(self, table: str, day: date | str, rows_by_source: dict[str, list[dict[str, Any]]],
                run_id: str) -> dict[str, int]:
        """Publish one date's rows of ``table`` per source; returns rows now in each day file."""
        counts = {}
        for source, rows in sorted(rows_by_source.items()):
            staged = self.staging(run_id, "publish-in", table, f"{safe_run_id(source)}.{day}.{os.getpid()}.parquet")
            self.write_rows(staged, rows, staged_schema(table))
            counts[source] = self.publish_files(table, day, source, [staged], run_id)
            self.fs.delete_file(staged)
        return counts

    def publish_files(self, table: str, day: date | str, source: str, files: list[str], run_id: str,
                      keep_old: Any = None) -> int:
        """Publish the rows of the staged ``files`` as ``table``'s file of date ``day`` for ``source``.

        Upsert tables keep the old file's rows whose key the new rows do not carry (a rerun that
        skipped known articles loses none); replace tables start from nothing. ``keep_old`` (an
        Arrow expression) keeps old rows of a replace table too (a replay keeps fetch rejects).
        Among the new rows the last of equal keys wins. Streams one row group at a time."""
        with self.partition_lock(table, day, source):
            return self._publish_files(table, str(day), source, files, run_id, keep_old)

    def _publish_files(self, table: str, day: str, source: str, files: list[str], run_id: str,
                       keep_old: Any) -> int:
        schema = TABLES[table]
        final = self.day_file(table, day, source)
        stamp = {"run_id": run_id, "schema_version": SCHEMA_VERSION, "date": date.fromisoformat(day)}
        stamped = stamp_columns(table)
        keys = [k for k in KEYS[table] if k not in stamped]  # stamp columns are constant in one publish
        files = [f for f in files if self.exists(f)]
        key_tables = [self.read_file(f, keys) for f in files]
        keep_new = _last_of_keys(key_tables, keys)
        old_filter = None
        if self.exists(final) and (why := self.check_file(final)) is not None:
            self.quarantine(final, why, locked=True)  # else every later night would fail on it
        if self.exists(final):
            if MODE[table] == "upsert":  # old rows whose first key the new rows carry are replaced
                first = KEYS[table][0]
                if first in stamped:
                    new_first = pa.array([stamp[first]], schema.field(first).type)
                else:
                    new_first = pc.unique(pa.chunked_array([t.column(first) for t in key_tables],
                                                           type=schema.field(first).type))
                old_filter = pc.invert(pc.is_in(pc.field(first), value_set=new_first))
            elif keep_old is not None:
                old_filter = keep_old
        staged = self.staging(run_id, "publish", table, f"{safe_run_id(source)}.{day}.{os.getpid()}.{id(files)}.parquet")
        self.fs.create_dir(staged.rsplit("/", 1)[0], recursive=True)
        written = 0
        with pq.ParquetWriter(staged, schema, filesystem=self.fs, compression=_COMPRESSION) as writer:
            if old_filter is not None:
                try:
                    old = self.read_file(final, filter=old_filter)
                except (pa.ArrowInvalid, OSError) as exc:  # a damaged page past a good footer
                    self.quarantine(final, f"{type(exc).__name__}: {exc}", locked=True)
                    old = schema.empty_table()
                if old.num_rows:
                    old = conform(old, schema)
                    writer.write_table(old, row_group_size=ROW_GROUP_ROWS)
                    written += old.num_rows
            offset = 0
            for f in files:
                part = self.read_file(f)
                mask = keep_new[offset:offset + part.num_rows]
                offset += part.num_rows
                if not mask.all():
                    part = part.filter(pa.array(mask))
                if part.num_rows:
                    part = _stamped(part, schema, stamp)
                    writer.write_table(part, row_group_size=ROW_GROUP_ROWS)
                    written += part.num_rows
        if written == 0:
            self.fs.delete_file(staged)
            if self.exists(final):
                self.fs.delete_file(final)
            return 0
        if (n := pq.read_metadata(staged, filesystem=self.fs).num_rows) != written:
            raise RuntimeError(f"{staged}: wrote {n} rows, expected {written}; {final} left as it was")
        self.fs.create_dir(final.rsplit("/", 1)[0], recursive=True)
        self.fs.move(staged, final)
        log.debug("published %s date=%s source=%s: %d rows", table, day, source, written)
        return written

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

    # -- reading ------------------------------------------------------------------------------
    def _dirs(self, path: str, prefix: str) -> list[pafs.FileInfo]:
        if not self.exists(path):
            return []
        return sorted((i for i in self.fs.get_file_info(pafs.FileSelector(path))
                       if i.type == pafs.FileType.Directory and i.base_name.startswith(prefix)),
                      key=lambda i: i.base_name)

    def files(self, table: str, sources: list[str] | None = None, day: str | None = None,
              since: str | None = None, until: str | None = None) -> list[str]:
        """The files of ``table`` for some sources and data dates, found by listing only the
        partitions of the window (months or dates), never the whole table's history."""
        base = self.path(table)
        first = str(day or since or "")
        last = str(day or until or "9999-12-31")
        out = []
        key = "date=" if table in DAILY else "month="
        for part in self._dirs(base, key):
            value = part.base_name[len(key):]
            if table in DAILY and not (first <= value <= last):
                continue
            if table not in DAILY and not (first[:7] <= value <= last[:7]):
                continue
            for src in self._dirs(part.path, "source="):
                if sources is not None and src.base_name[7:] not in sources:
                    continue
                for f in self.fs.get_file_info(pafs.FileSelector(src.path)):
                    if f.type != pafs.FileType.File or not f.base_name.endswith(".parquet"):
                        continue
                    m = _DAY_FILE.match(f.base_name)
                    if m and table not in DAILY and not (first <= m.group(1) <= last):
                        continue
                    out.append(f.path)
        return out

    def dataset(self, table: str, sources: list[str] | None = None, day: str | None = None,
                since: str | None = None, until: str | None = None):
        """A pyarrow dataset over the window's files (partition keys from the directories)."""
        import pyarrow.dataset as ds

        part_schema = pa.schema([(k, pa.string()) for k in partition_keys(table)])
        full = pa.unify_schemas([TABLES[table], part_schema])
        files = self.files(table, sources, day, since, until)
        return ds.dataset(files, filesystem=self.fs, format="parquet", schema=full, exclude_invalid_files=False,
                          partitioning=ds.partitioning(part_schema, flavor="hive"),
                          partition_base_dir=self.path(table))

    def read_table(self, table: str, columns: list[str] | None = None, sources: list[str] | None = None,
                   day: str | None = None, urls: list[str] | None = None, since: str | None = None,
                   until: str | None = None, filter: Any = None) -> pa.Table:
        """A published table (partition keys included), optionally only some sources, one date
        or the dates from ``since`` (to ``until``). Columns a table gained later read as null in
        older files. Only the window's files are opened."""
        import pyarrow.dataset as ds

        dataset = self.dataset(table, sources, day, since, until)
        expr = filter
        conds = []
        if "date" in TABLES[table].names or table in DAILY:
            field = ds.field("date")
            conv = (lambda v: str(v)) if table in DAILY else (lambda v: date.fromisoformat(str(v)))
            conds += [field == conv(day)] if day is not None else []
            conds += [field >= conv(since)] if since is not None else []
            conds += [field <= conv(until)] if until is not None else []
        conds += [ds.field("url").isin(urls)] if urls is not None else []
        for c in conds:
            expr = c if expr is None else expr & c
        try:
            return dataset.to_table(columns=columns, filter=expr)
        except (pa.ArrowInvalid, OSError) as exc:
            bad = self.quarantine_unreadable(list(dataset.files))
            if not bad:
                raise
            log.error("read %s around %d damaged file(s) after: %s", table, len(bad), exc)
            return self.dataset(table, sources, day, since, until).to_table(columns=columns, filter=expr)

    def count_rows(self, table: str, day: str, source: str) -> int:
        """Rows in one day file, from its footer (no data read)."""
        path = self.day_file(table, day, source)
        if not self.exists(path):
            return 0
        try:
            return pq.read_metadata(path, filesystem=self.fs).num_rows
        except (pa.ArrowInvalid, OSError) as exc:
            self.quarantine(path, f"{type(exc).__name__}: {exc}")
            return 0


def window_start(day: str, days: int) -> str:
    return (date.fromisoformat(str(day)) - timedelta(days=days)).isoformat()


def _stamped(part: pa.Table, schema: pa.Schema, stamp: dict[str, Any]) -> pa.Table:
    """Staged rows in the table's schema, with the stamp columns the schema has filled in."""
    stamp = {k: v for k, v in stamp.items() if k in schema.names}
    cols = []
    for f in schema:
        if f.name in stamp:
            cols.append(pa.array([stamp[f.name]] * part.num_rows, f.type))
        elif f.name in part.column_names:
            cols.append(part.column(f.name).cast(f.type))
        else:
            cols.append(pa.nulls(part.num_rows, f.type))
    return pa.Table.from_arrays(cols, schema=schema)


def _last_of_keys(tables: list[pa.Table], keys: list[str]) -> np.ndarray:
    """A mask over the rows of ``tables`` (in order) keeping the last row of every key."""
    total = sum(t.num_rows for t in tables)
    keep = np.zeros(total, dtype=bool)
    if not total:
        return keep
    joined = pa.concat_tables([t.select(keys) for t in tables], promote_options="permissive")
    joined = joined.append_column("__row", pa.array(np.arange(total, dtype=np.int64)))
    last = joined.group_by(keys, use_threads=False).aggregate([("__row", "max")]).column("__row_max")
    keep[last.to_numpy()] = True
    return keep


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
    keep = _last_of_keys([table], keys)
    return table if keep.all() else table.filter(pa.array(keep))


def group_by_source(rows: list[dict[str, Any]]) -> dict[str, list[dict[str, Any]]]:
    out: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for r in rows:
        out[r["source"]].append(r)
    return dict(out)


def iter_batches(lake: Lake, path: str, rows: int, columns: list[str] | None = None,
                 row_groups: list[int] | None = None) -> Iterator[pa.Table]:
    """A staged or published file in tables of at most ``rows`` rows (bounded memory)."""
    with lake.fs.open_input_file(path) as fh:
        pf = pq.ParquetFile(fh)
        groups = row_groups if row_groups is not None else list(range(pf.num_row_groups))
        for batch in pf.iter_batches(batch_size=rows, row_groups=groups, columns=columns):
            yield pa.Table.from_batches([batch])


def dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)
