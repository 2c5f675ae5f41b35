"""Lake maintenance (the news_maintenance DAG): compaction, retention, stale staging.

Every operation keeps readers safe: a partition is replaced by moving one complete file over
it (or deleted as a whole), never edited in place.

* ``compact``: a partition should hold exactly one file in the table's current schema. Extra
  files (left by an interrupted external writer, copied in by hand) and files in an older
  schema are merged into one ``part-0.parquet``: rows are conformed to the schema, duplicate
  keys keep the newest row, and the row count is checked before the swap.
* ``apply_retention``: ``raw_pages`` (the replay zone, the biggest table) keeps the last N
  days of partitions; older date partitions are deleted whole.
* ``drop_stale_staging``: hand-off folders under ``_staging/`` of runs older than N hours
  (a crashed run leaves them behind).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone

import pyarrow as pa
import pyarrow.fs as pafs
import pyarrow.parquet as pq

from newsflow.lake import Lake, _dedupe_keys, conform
from newsflow.schemas import KEYS, TABLES

log = logging.getLogger(__name__)


@dataclass
class CompactStats:
    table: str
    partitions: int = 0
    rewritten: int = 0
    files_before: int = 0
    files_after: int = 0
    bytes_before: int = 0
    bytes_after: int = 0
    rows: int = 0
    duplicates_dropped: int = 0
    rewritten_paths: list[str] = field(default_factory=list)


def _partitions(lake: Lake, table: str) -> list[str]:
    base = lake.path(table)
    if not lake.exists(base):
        return []
    sel = pafs.FileSelector(base, recursive=True)
    return sorted({i.path.rsplit("/", 1)[0] for i in lake.fs.get_file_info(sel) if i.type == pafs.FileType.File})


def compact(lake: Lake, table: str, run_id: str = "maintenance") -> CompactStats:
    schema = TABLES[table]
    stats = CompactStats(table)
    for part in _partitions(lake, table):
        infos = [i for i in lake.fs.get_file_info(pafs.FileSelector(part)) if i.type == pafs.FileType.File]
        stats.partitions += 1
        stats.files_before += len(infos)
        size = sum(i.size for i in infos)
        stats.bytes_before += size
        parquet = [i for i in infos if i.path.endswith(".parquet")]
        current = len(infos) == 1 and infos[0].base_name == "part-0.parquet" and \
            pq.read_schema(infos[0].path, filesystem=lake.fs).remove_metadata().equals(schema.remove_metadata())
        if current:
            stats.files_after += 1
            stats.bytes_after += size
            stats.rows += pq.read_metadata(infos[0].path, filesystem=lake.fs).num_rows
            continue
        # part-0 first, then the others by name: later files win duplicate keys (_dedupe_keys keeps the last)
        ordered = sorted(parquet, key=lambda i: (i.base_name != "part-0.parquet", i.base_name))
        tables = [conform(pq.read_table(i.path, filesystem=lake.fs), schema) for i in ordered]
        merged = pa.concat_tables(tables) if tables else schema.empty_table()
        before = merged.num_rows
        merged = _dedupe_keys(merged, KEYS[table])
        stats.duplicates_dropped += before - merged.num_rows
        staged = lake.staging(run_id, "compact", *part[len(lake.root.rstrip("/")) + 1:].split("/"), "part-0.parquet")
        lake.swap_in(table, merged, staged, part + "/part-0.parquet")  # checks the row count before the swap
        for i in infos:
            if i.base_name != "part-0.parquet":
                lake.fs.delete_file(i.path)
        after = lake.fs.get_file_info(part + "/part-0.parquet").size
        stats.rewritten += 1
        stats.rewritten_paths.append(part)
        stats.files_after += 1
        stats.bytes_after += after
        stats.rows += merged.num_rows
        log.info("compacted %s: %d files -> 1, %d rows", part, len(infos), merged.num_rows)
    return stats


def apply_retention(lake: Lake, table: str, keep_days: int, today: date | None = None) -> list[str]:
    """Delete ``table``'s date partitions older than ``keep_days`` before ``today``."""
    if keep_days < 1:
        raise ValueError(f"keep_days must be at least 1, got {keep_days}")
    cutoff = ((today or datetime.now(timezone.utc).date()) - timedelta(days=keep_days)).isoformat()
    base = lake.path(table)
    if not lake.exists(base):
        return []
    deleted = []
    for info in lake.fs.get_file_info(pafs.FileSelector(base)):
        if info.type == pafs.FileType.Directory and info.base_name.startswith("date="):
            if info.base_name[5:] < cutoff:
                lake.fs.delete_dir(info.path)
                deleted.append(info.base_name[5:])
    return sorted(deleted)


def drop_stale_staging(lake: Lake, older_than_hours: float = 48.0) -> list[str]:
    base = lake.path("_staging")
    if not lake.exists(base):
        return []
    limit = datetime.now(timezone.utc) - timedelta(hours=older_than_hours)
    dropped = []
    for info in lake.fs.get_file_info(pafs.FileSelector(base)):
        if info.type != pafs.FileType.Directory:
            continue
        newest = max((i.mtime for i in lake.fs.get_file_info(pafs.FileSelector(info.path, recursive=True))
                      if i.mtime is not None), default=info.mtime)
        if newest is not None and newest.replace(tzinfo=newest.tzinfo or timezone.utc) < limit:
            lake.fs.delete_dir(info.path)
            dropped.append(info.base_name)
    return dropped


def migrate_layout(lake: Lake, run_id: str = "migrate") -> dict[str, int]:
    """Move day partitions (``date=YYYY-MM-DD/source=S``, schema v1) of the monthly tables into
    month partitions, the data date becoming the ``date`` column; returns rows moved per table.
    Each day is merged into its month file (the month file's own rows win on equal keys, they
    are newer) before the day folder is deleted, so no row is lost; for the moment between the
    two, a reader may see that day twice. Run once after upgrading (plan does it for you)."""
    from newsflow.schemas import DAILY

    moved: dict[str, int] = {}
    for table in TABLES:
        base = lake.path(table)
        if table in DAILY or not lake.exists(base):
            continue
        days = [i for i in lake.fs.get_file_info(pafs.FileSelector(base))
                if i.type == pafs.FileType.Directory and i.base_name.startswith("date=")]
        for day_dir in sorted(days, key=lambda i: i.base_name):
            day = day_dir.base_name[5:]
            for src_dir in lake.fs.get_file_info(pafs.FileSelector(day_dir.path)):
                if src_dir.type != pafs.FileType.Directory or not src_dir.base_name.startswith("source="):
                    continue
                source = src_dir.base_name[7:]
                files = [i.path for i in lake.fs.get_file_info(pafs.FileSelector(src_dir.path))
                         if i.type == pafs.FileType.File and i.path.endswith(".parquet")]
                old = [pq.read_table(f, filesystem=lake.fs) for f in files]
                rows = [r for t in old for r in t.to_pylist()]
                with lake.partition_lock(table, day, source):
                    target = lake.partition_path(table, day, source) + "/part-0.parquet"
                    newer = conform(pq.read_table(target, filesystem=lake.fs), TABLES[table]) \
                        if lake.exists(target) else TABLES[table].empty_table()
                    keys = set(zip(*(newer.column(k).to_pylist() for k in KEYS[table]))) if newer.num_rows else set()
                    stamp = date.fromisoformat(day)
                    add = [{**r, "date": stamp} for r in rows
                           if tuple(({**r, "date": stamp})[k] for k in KEYS[table]) not in keys]
                    merged = pa.concat_tables([conform(pa.Table.from_pylist(add), TABLES[table]), newer]) \
                        if add else newer
                    lake.swap_in(table, merged, lake.staging(run_id, "migrate", table, f"{day}.{source}.parquet"),
                                 target)
                moved[table] = moved.get(table, 0) + len(add)
                lake.fs.delete_dir(src_dir.path)
            lake.fs.delete_dir(day_dir.path)
            log.info("moved %s %s into its month partition", table, day)
    lake.drop_staging(run_id)
    return moved
