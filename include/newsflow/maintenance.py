"""Lake maintenance (the news_maintenance DAG): compaction, retention, stale staging.

Every operation keeps readers safe: a partition is replaced by moving one complete file over
it (or deleted as a whole), never edited in place.

* ``compact``: a partition should hold one file per data date (``part-YYYY-MM-DD.parquet``;
  ``raw_pages``: one ``part-0.parquet``) in the table's current schema. Extra files (left by an
  interrupted external writer, copied in by hand, a month file of an older release) and files
  in an older schema are merged into the date files: rows are conformed to the schema,
  duplicate keys keep the newest row, and the row count is checked before the swap.
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

import pyarrow.compute as pc

from newsflow.lake import _DAY_FILE, Lake, _dedupe_keys, conform
from newsflow.schemas import DAILY, KEYS, TABLES

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


def _age(name: str, canonical: str | None) -> int:
    if name.startswith("part-v1-"):
        return 0
    if name == "part-0.parquet" or name == canonical:
        return 1
    return 2 if _DAY_FILE.match(name) else 3


def compact(lake: Lake, table: str, run_id: str = "maintenance") -> CompactStats:
    """Bring every partition of ``table`` to one file per data date in the current schema. Each
    partition is compacted under its lock, so a publisher never writes into a folder being merged."""
    stats = CompactStats(table)
    for part in _partitions(lake, table):
        key, source = (seg.split("=", 1)[1] for seg in part.rstrip("/").rsplit("/", 2)[-2:])
        with lake.partition_lock(table, key if table in DAILY else key + "-01", source):
            _compact_partition(lake, table, part, run_id, stats)
    return stats


def _compact_partition(lake: Lake, table: str, part: str, run_id: str, stats: CompactStats) -> None:
    schema = TABLES[table]
    infos = [i for i in lake.fs.get_file_info(pafs.FileSelector(part)) if i.type == pafs.FileType.File]
    damaged = {i.path: why for i in infos if i.path.endswith(".parquet") and (why := lake.check_file(i.path))}
    for path, why in damaged.items():  # merged, they would fail the partition every night
        lake.quarantine(path, why, locked=True)
    infos = [i for i in infos if i.path not in damaged]
    stats.partitions += 1
    stats.files_before += len(infos)
    stats.bytes_before += sum(i.size for i in infos)
    parquet = [i for i in infos if i.path.endswith(".parquet")]
    canonical = "part-0.parquet" if table in DAILY else None

    def current(i: pafs.FileInfo) -> bool:
        ok_name = i.base_name == canonical if canonical else bool(_DAY_FILE.match(i.base_name))
        return ok_name and pq.read_schema(i.path, filesystem=lake.fs).remove_metadata().equals(
            schema.remove_metadata())

    if len(parquet) == len(infos) and all(current(i) for i in parquet) and (canonical is None or len(infos) == 1):
        stats.files_after += len(infos)
        stats.bytes_after += sum(i.size for i in infos)
        stats.rows += sum(pq.read_metadata(i.path, filesystem=lake.fs).num_rows for i in infos)
        return
    # oldest first, later files win duplicate keys: moved day partitions of release 1, the
    # month file of release 2 (part-0), the date files, then any other file by name
    ordered = sorted(parquet, key=lambda i: (_age(i.base_name, canonical), i.base_name))
    merged = pa.concat_tables([conform(pq.read_table(i.path, filesystem=lake.fs), schema) for i in ordered]) \
        if ordered else schema.empty_table()
    before = merged.num_rows
    merged = _dedupe_keys(merged, KEYS[table])
    stats.duplicates_dropped += before - merged.num_rows
    rel = part[len(lake.root.rstrip("/")) + 1:].split("/")
    targets = {}
    if canonical:
        targets[part + "/" + canonical] = merged
    else:
        days = pc.unique(merged.column("date")).to_pylist() if merged.num_rows else []
        for d in days:
            targets[f"{part}/part-{d}.parquet"] = merged.filter(pc.equal(merged.column("date"), pa.scalar(d)))
    for target, data in targets.items():
        lake.swap_in(table, data, lake.staging(run_id, "compact", *rel, target.rsplit("/", 1)[1]), target)
    for i in infos:
        if i.path not in targets:
            lake.fs.delete_file(i.path)
    stats.rewritten += 1
    stats.rewritten_paths.append(part)
    stats.files_after += len(targets)
    stats.bytes_after += sum(lake.fs.get_file_info(t).size for t in targets)
    stats.rows += merged.num_rows
    log.info("compacted %s: %d files -> %d, %d rows", part, len(infos), len(targets), merged.num_rows)


def repair(lake: Lake, tables: list[str] | None = None) -> list[dict[str, str]]:
    """Read every page of every published file; move the unreadable ones to ``_quarantine/``.
    Returns one entry per file (table, file, reason, date to replay)."""
    out = []
    for table in tables or list(TABLES):
        for f in lake.files(table):
            why = lake.check_file(f, full=True)
            if why is None:
                continue
            lake.quarantine(f, why)
            m = _DAY_FILE.match(f.rsplit("/", 1)[-1])
            day = m.group(1) if m else next((seg[5:] for seg in f.split("/") if seg.startswith("date=")), "")
            out.append({"table": table, "file": f, "reason": why, "replay": day})
    return out


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


LAYOUT_VERSION = 3
_MARKER = "_layout.json"


def migrate_layout(lake: Lake, run_id: str = "migrate") -> dict[str, int]:
    """Bring a lake written by an older release to today's layout, once (a marker file
    ``_layout.json`` says it is done, so a night pays one small read):

    * day partitions (``date=YYYY-MM-DD/source=S``, schema 1) of the monthly tables move into
      month partitions, the data date becoming the ``date`` column;
    * month files (``part-0.parquet``, schema 2) are split into one file per data date.

    Returns rows moved per table. Rows are written before the files they came from are deleted,
    so none is lost; for the moment between the two a reader may see some rows twice."""
    import json

    marker = lake.path(_MARKER)
    if lake.exists(marker):
        return {}
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
                old = [conform(pq.read_table(f, filesystem=lake.fs).append_column(
                    "date", pa.array([date.fromisoformat(day)] * pq.read_metadata(f, filesystem=lake.fs).num_rows,
                                     pa.date32())), TABLES[table]) for f in files]
                with lake.partition_lock(table, day, source):
                    target = lake.partition_path(table, day, source) + f"/part-v1-{day}.parquet"
                    data = pa.concat_tables(old) if old else TABLES[table].empty_table()
                    lake.swap_in(table, data, lake.staging(run_id, "migrate", table, f"{day}.{source}.parquet"), target)
                moved[table] = moved.get(table, 0) + data.num_rows
                lake.fs.delete_dir(src_dir.path)
            lake.fs.delete_dir(day_dir.path)
            log.info("moved %s %s into its month partition", table, day)
        compact(lake, table, run_id)  # month files and moved days -> one file per date
    lake.drop_staging(run_id)
    lake.fs.create_dir(lake.root, recursive=True)
    with lake.fs.open_output_stream(marker) as fh:
        fh.write(json.dumps({"layout": LAYOUT_VERSION}).encode())
    return {t: n for t, n in moved.items() if n}
