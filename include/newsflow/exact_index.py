"""The exact-copy index: content hash -> the article that first published that body, at any age.

Dedupe looks for exact copies at any age (a story republished word for word a year later joins
its old cluster), but near-duplicates only within ``dedupe_days``. The ``signatures`` table is
partitioned by month, source and date, so a hash lookup there opens every file ever written: a
night's cost would grow with the lake's age. This index keeps what an exact match needs (hash64,
content_hash, article_id, published_at, dup_cluster_id, date) partitioned by hash instead:

    <lake>/_index/exact/bucket=NN/run-<through>-<token>.parquet     (sorted by hash64)
    <lake>/_index/exact/_manifest.json                              (the live files, ``through``)

* A lookup opens only the buckets its hashes fall in, and each file is sorted by ``hash64`` in
  small row groups, so Parquet statistics skip every row group a hash cannot be in. Files per
  bucket are capped (``MAX_RUNS``: more are merged into one), so a lookup opens at most
  ``BUCKETS x MAX_RUNS`` files however old the lake is.
* ``through``: every ``signatures`` date up to it is indexed. A night reads the signatures of
  the later dates directly (those are the dedupe window plus what maintenance has not indexed
  yet); ``news_maintenance`` moves the dates that left the window into the index (``update``).
* The manifest is written last, as one object: a reader sees the old set of files or the new
  one. Files the manifest does not name (a crashed update) are ignored and swept by the next.
* Lakes from releases without ``hash64``: the index computes it from ``content_hash``, so old
  articles become findable by hash once indexed (``maintain --reindex`` rebuilds from scratch).

Why by hand: an embedded key-value store (SQLite, RocksDB) would not live on an object store
beside the lake, and DuckDB's indexes are in-memory; this is Parquet the lake already reads.
"""

from __future__ import annotations

import json
import logging
import secrets
from datetime import UTC, date, datetime, timedelta
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.dataset as ds
import pyarrow.fs as pafs
import pyarrow.parquet as pq

from newsflow.lake import _DAY_FILE, Lake

log = logging.getLogger(__name__)

BUCKET_BITS = 5
BUCKETS = 1 << BUCKET_BITS  # 32, by the top bits of hash64
MAX_RUNS = 8  # files per bucket before they are merged into one
ROW_GROUP = 1024
VERSION = 1
SCHEMA = pa.schema([("hash64", pa.int64()), ("content_hash", pa.string()), ("article_id", pa.string()),
                    ("published_at", pa.timestamp("us", tz="UTC")), ("dup_cluster_id", pa.string()),
                    ("date", pa.date32())])
COLUMNS = [f.name for f in SCHEMA]


def _root(lake: Lake) -> str:
    return lake.path("_index", "exact")


def _manifest_path(lake: Lake) -> str:
    return lake.path("_index", "exact", "_manifest.json")


def bucket_of(keys: np.ndarray) -> np.ndarray:
    """The bucket of each hash64 (top bits of the unsigned value)."""
    return (np.asarray(keys, dtype=np.int64).view(np.uint64) >> np.uint64(64 - BUCKET_BITS)).astype(int)


def read_manifest(lake: Lake) -> dict[str, Any] | None:
    path = _manifest_path(lake)
    if not lake.exists(path):
        return None
    with lake.fs.open_input_stream(path) as fh:
        man = json.loads(fh.read().decode("utf-8"))
    if man.get("version") != VERSION or man.get("buckets") != BUCKETS:
        log.warning("exact-copy index %s is of another version: ignored (run `newsflow maintain --reindex`)", path)
        return None
    return man


def _write_manifest(lake: Lake, man: dict[str, Any]) -> None:
    lake.fs.create_dir(_root(lake), recursive=True)
    with lake.fs.open_output_stream(_manifest_path(lake)) as fh:
        fh.write(json.dumps(man, indent=1, sort_keys=True).encode("utf-8"))


def lookup(lake: Lake, keys: list[int], man: dict[str, Any] | None = None, retry: bool = True) -> pa.Table:
    """Index rows whose hash64 is one of ``keys``, opening only the buckets the keys fall in.

    Per file: the footer's min/max of each row group names the groups a key can be in; their
    ``hash64`` column alone (8 bytes a row) says which hold a key; only those are read whole.
    So a night reads about one row group per key it looks up, whatever the lake's age."""
    man = man if man is not None else read_manifest(lake)
    if not man or not keys:
        return SCHEMA.empty_table()
    arr = np.unique(np.asarray(keys, dtype=np.int64))
    by_bucket = bucket_of(arr)
    out = []
    for b in np.unique(by_bucket).tolist():
        mine = arr[by_bucket == b]
        for name in man["runs"].get(str(b), []):
            try:
                out += _lookup_file(lake, f"{_root(lake)}/{name}", mine)
            except FileNotFoundError:  # a merge replaced it after our manifest read: start over once
                if not retry:
                    raise RuntimeError(f"the exact-copy index names {name}, which is gone: rebuild it with "
                                       "`newsflow maintain --reindex`") from None
                return lookup(lake, keys, read_manifest(lake), retry=False)
    return pa.concat_tables(out).cast(SCHEMA) if out else SCHEMA.empty_table()


def _lookup_file(lake: Lake, path: str, keys: np.ndarray) -> list[pa.Table]:
    with lake.fs.open_input_file(path) as fh:
        pf = pq.ParquetFile(fh)
        meta, col = pf.metadata, pf.schema_arrow.get_field_index("hash64")
        candidates = []
        for g in range(meta.num_row_groups):
            st = meta.row_group(g).column(col).statistics
            if st is None or not st.has_min_max:
                candidates.append(g)
                continue
            i = np.searchsorted(keys, st.min, side="left")
            if i < len(keys) and keys[i] <= st.max:
                candidates.append(g)
        if not candidates:
            return []
        # the candidates' hash64 column in one read; which of them hold a key
        h = pf.read_row_groups(candidates, columns=["hash64"]).column(0)
        found = pc.is_in(h, value_set=pa.array(keys, pa.int64())).to_numpy(zero_copy_only=False)
        sizes = [meta.row_group(g).num_rows for g in candidates]
        ends = np.cumsum(sizes)
        hits = [g for g, e, n in zip(candidates, ends, sizes) if found[e - n:e].any()]
        if not hits:
            return []
        t = pf.read_row_groups(hits, columns=COLUMNS)
    return [t.filter(pc.is_in(t.column("hash64"), value_set=pa.array(keys, pa.int64())))]


def _with_hash64(t: pa.Table) -> pa.Table:
    """Index rows from signatures rows: hash64 computed where a release before it left it null."""
    t = t.filter(pc.is_valid(t.column("content_hash")))
    col = t.column("hash64")
    if col.null_count:
        from newsflow.dedupe import hash64

        vals = [v if v is not None else hash64(c)
                for v, c in zip(col.to_pylist(), t.column("content_hash").to_pylist())]
        t = t.set_column(t.schema.get_field_index("hash64"), "hash64", pa.array(vals, pa.int64()))
    return t.select(COLUMNS).cast(SCHEMA)


def _rows_from_signatures(lake: Lake, since: str | None, until: str) -> pa.Table:
    return _with_hash64(lake.read_table("signatures", COLUMNS, since=since, until=until))


def _write_run(lake: Lake, bucket: int, rows: pa.Table, label: str) -> str:
    name = f"bucket={bucket:02d}/run-{label}-{secrets.token_hex(4)}.parquet"
    path = f"{_root(lake)}/{name}"
    lake.fs.create_dir(path.rsplit("/", 1)[0], recursive=True)
    rows = rows.sort_by([("hash64", "ascending"), ("date", "ascending"), ("article_id", "ascending")])
    pq.write_table(rows, path, filesystem=lake.fs, compression="zstd", row_group_size=ROW_GROUP,
                   write_statistics=True)
    return name


def update(lake: Lake, day: str, window_days: int, reindex: bool = False) -> dict[str, Any]:
    """Index every signatures date older than the ``window_days`` before ``day`` that is not yet
    indexed (all of them with ``reindex``), and the signature files of indexed dates rewritten
    since the last update (a replay of an old date). Run by news_maintenance inside the publish
    pool. Returns what it did. Memory: one month of signatures' keys, or one bucket when merging."""
    man = None if reindex else read_manifest(lake)
    cutoff = (date.fromisoformat(day) - timedelta(days=window_days + 1)).isoformat()
    old = man["through"] if man else None
    runs: dict[str, list[str]] = {k: list(v) for k, v in (man or {}).get("runs", {}).items()}
    stats: dict[str, Any] = {"through_before": old, "through": old, "rows": 0, "files_written": 0,
                             "merged_buckets": 0, "late_files": 0}
    built_at = datetime.now(UTC)
    parts: list[tuple[str, pa.Table]] = []
    if man and man.get("built_at"):
        late = _late_files(lake, old, datetime.fromisoformat(man["built_at"]))
        stats["late_files"] = len(late)
        if late:
            parts.append((old, _with_hash64(pa.concat_tables([_read_signature_file(lake, f) for f in late]))))
    if old is None or old < cutoff:
        start = (date.fromisoformat(old) + timedelta(days=1)) if old else None
        # a month at a time, so the first index of a big old lake fits in memory
        for lo, hi in _months(lake, start, date.fromisoformat(cutoff)):
            parts.append((hi, _rows_from_signatures(lake, lo, hi)))
        stats["through"] = cutoff
    if not parts and man:
        return stats
    for label, t in parts:
        stats["rows"] += t.num_rows
        if not t.num_rows:
            continue
        buckets = bucket_of(t.column("hash64").to_numpy())
        for b in np.unique(buckets).tolist():
            runs.setdefault(str(b), []).append(_write_run(lake, b, t.filter(pa.array(buckets == b)), label))
            stats["files_written"] += 1
    for b, names in list(runs.items()):
        if len(names) > MAX_RUNS:
            files = [f"{_root(lake)}/{n}" for n in names]
            merged = ds.dataset(files, schema=SCHEMA, format="parquet", filesystem=lake.fs).to_table()
            runs[b] = [_write_run(lake, int(b), merged, stats["through"])]
            stats["merged_buckets"] += 1
    _write_manifest(lake, {"version": VERSION, "buckets": BUCKETS, "through": stats["through"],
                           "built_at": built_at.isoformat(), "runs": {b: sorted(n) for b, n in sorted(runs.items())}})
    _sweep(lake, {n for names in runs.values() for n in names})
    log.info("exact-copy index through %s: %d rows indexed (%d late files), %d files written, %d buckets merged",
             stats["through"], stats["rows"], stats["late_files"], stats["files_written"], stats["merged_buckets"])
    return stats


def _read_signature_file(lake: Lake, path: str) -> pa.Table:
    t = lake.read_file(path)
    for name in COLUMNS:
        if name not in t.schema.names:
            t = t.append_column(name, pa.nulls(t.num_rows, SCHEMA.field(name).type))
    return t.select(COLUMNS)


def _late_files(lake: Lake, through_: str, since: datetime) -> list[str]:
    """Signature files of dates up to ``through_`` written after ``since`` (a replayed old date).
    Lists the table's folders: maintenance's cost, never a night's."""
    base = lake.path("signatures")
    if not lake.exists(base):
        return []
    out = []
    for info in lake.fs.get_file_info(pafs.FileSelector(base, recursive=True)):
        m = _DAY_FILE.match(info.base_name) if info.type == pafs.FileType.File else None
        if m and m.group(1) <= through_ and info.mtime is not None and info.mtime > since:
            out.append(info.path)
    return sorted(out)


def _sweep(lake: Lake, live: set[str]) -> None:
    """Delete index files the manifest no longer names (merged away, or left by a crash)."""
    root = _root(lake)
    for info in lake.fs.get_file_info(pafs.FileSelector(root, recursive=True, allow_not_found=True)):
        if info.type == pafs.FileType.File and info.path.endswith(".parquet"):
            name = info.path[len(root.rstrip("/")) + 1:] if info.path.startswith(root) else info.path
            if name not in live:
                lake.fs.delete_file(info.path)


def _months(lake: Lake, start: date | None, end: date) -> list[tuple[str | None, str]]:
    """(since, until) ranges of at most one calendar month covering ``start``..``end``; with no
    ``start``, from the first month the signatures table holds."""
    if start is None:
        base = lake.path("signatures")
        if not lake.exists(base):
            return []
        names = sorted(i.base_name[6:] for i in lake.fs.get_file_info(pafs.FileSelector(base))
                       if i.type == pafs.FileType.Directory and i.base_name.startswith("month="))
        if not names:
            return []
        start = date.fromisoformat(names[0] + "-01")
    out = []
    cur = start
    while cur <= end:
        nxt = (cur.replace(day=1) + timedelta(days=32)).replace(day=1)
        hi = min(end, nxt - timedelta(days=1))
        out.append((cur.isoformat(), hi.isoformat()))
        cur = nxt
    return out
