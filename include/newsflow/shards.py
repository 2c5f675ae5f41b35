"""Shards: a night's raw pages cut into batches of one source, so no step holds the whole night.

While fetching, ``ShardWriter`` takes each page as it arrives and writes a shard file (rows in
the ``raw_pages`` layout) whenever a source has ``batch_size`` pages waiting, or when the
pages waiting weigh more than ``max_bytes``; the fetched bytes are then held once, in one
shard, and the same files are what ``raw_pages`` publishes. A replay makes shards from the
raw zone's day files by row groups (``replay_shards``), without copying a byte.
"""

from __future__ import annotations

import json
import threading
from typing import Any, Iterator

import pyarrow.parquet as pq

from newsflow.contracts import RunSpec, Shard
from newsflow.lake import Lake, iter_batches, staged_schema
from newsflow.models import RawPage

def raw_row(p: RawPage, kind: str = "page") -> dict[str, Any]:
    return {"url": p.url, "kind": kind, "final_url": p.final_url, "source": p.source, "status": p.status,
            "headers": json.dumps(p.headers, ensure_ascii=False), "body": p.body, "fetched_at": p.fetched_at,
            "etag": p.headers.get("etag"), "last_modified": p.headers.get("last-modified")}


class ShardWriter:
    """Collects pages per source (thread-safe) and writes them out as shards of ``batch_size``."""

    def __init__(self, lake: Lake, run: RunSpec, sources: list[str], max_bytes: int = 256 << 20,
                 publish_raw: bool = True, first_index: dict[str, int] | None = None) -> None:
        self.lake, self.run, self.max_bytes, self.publish_raw = lake, run, max_bytes, publish_raw
        self.buffers: dict[str, list[dict[str, Any]]] = {s: [] for s in sources}
        self.next_index = dict(first_index or {s: 0 for s in sources})
        self.shards: list[Shard] = []
        self.bytes = 0
        self.lock = threading.Lock()

    def add(self, page: RawPage) -> None:
        with self.lock:
            buf = self.buffers.setdefault(page.source, [])
            self.next_index.setdefault(page.source, 0)
            buf.append(raw_row(page))
            self.bytes += len(page.body)
            if len(buf) >= self.run.batch_size:
                self._flush(page.source)
            elif self.bytes > self.max_bytes:
                for source in list(self.buffers):
                    self._flush(source)

    def close(self, empty_shard_for: list[str] = ()) -> list[Shard]:
        """Write what is left; every source in ``empty_shard_for`` gets at least one shard (an
        empty one if it fetched nothing), so each mapped stage has work to map over."""
        with self.lock:
            for source in list(self.buffers):
                self._flush(source)
            have = {s.source for s in self.shards}
            for source in empty_shard_for:
                if source not in have:
                    self.buffers[source] = []
                    self._flush(source, allow_empty=True)
            return sorted(self.shards, key=lambda s: (s.source, s.index))

    def _flush(self, source: str, allow_empty: bool = False) -> None:
        rows = self.buffers.get(source) or []
        if not rows and not allow_empty:
            return
        index = self.next_index.get(source, 0)
        self.next_index[source] = index + 1
        kind = "raw" if self.publish_raw else "reused"
        path = self.lake.staging(self.run.run_id, "fetch", source, f"{index:05d}.{kind}.parquet")
        self.lake.write_rows(path, rows, staged_schema("raw_pages"))
        self.shards.append(Shard(self.run, source, index, path, len(rows), publish_raw=self.publish_raw))
        self.bytes -= sum(len(r["body"] or b"") for r in rows)
        self.buffers[source] = []


def replay_shards(lake: Lake, run: RunSpec, sources: list[str]) -> list[Shard]:
    """Shards over the raw zone's pages of ``run.date``: groups of whole row groups of about
    ``batch_size`` rows each (the raw zone is written one shard per row group)."""
    shards: list[Shard] = []
    for source in sources:
        path = lake.day_file("raw_pages", run.date, source)
        if not lake.exists(path):
            continue
        meta = pq.read_metadata(path, filesystem=lake.fs)
        groups: list[list[int]] = [[]]
        sizes = [0]
        for g in range(meta.num_row_groups):
            if sizes[-1] >= run.batch_size:
                groups.append([])
                sizes.append(0)
            groups[-1].append(g)
            sizes[-1] += meta.row_group(g).num_rows
        shards += [Shard(run, source, i, path, n, tuple(g), publish_raw=False)
                   for i, (g, n) in enumerate(zip(groups, sizes))]
    return shards


def shard_pages(lake: Lake, shard: Shard) -> Iterator[RawPage]:
    """The usable pages of a shard (replays skip feeds, errors and empty bodies)."""
    if shard.pages == 0:
        return
    columns = ["url", "kind", "final_url", "status", "headers", "body", "fetched_at"]
    groups = list(shard.row_groups) if shard.row_groups is not None else None
    for table in iter_batches(lake, shard.raw, 256, columns, groups):
        for r in table.to_pylist():
            if r["kind"] != "page" or not r["body"] or (r["status"] or 200) >= 400:
                continue
            yield RawPage(r["url"], r["final_url"] or r["url"], shard.source, r["status"] or 0,
                          json.loads(r["headers"] or "{}"), r["body"], r["fetched_at"])
