"""Every read of the lake's history, each bounded by a window of dates or made as a lookup by key.

A night must cost the same on a lake of one week and of ten years, so nothing here lists or
loads a whole table. The windows come from the sources file's ``processing:`` section.

* known URLs: the candidates' own URLs looked up in ``articles`` of the last ``known_url_days``;
* conditional-GET validators and reused bodies: ``raw_pages`` of the same window, by URL
  (feed rows are found by row-group statistics on ``kind``, page bodies are not read);
* dedupe (``LakeHistory``): band keys looked up in ``lsh_bands`` of the last ``dedupe_days``,
  then those articles' signatures; exact copies by the 64-bit content hash at any age: the
  signatures not yet in the exact-copy index (``newsflow.exact_index``, kept by maintenance),
  then the index's buckets those hashes fall in;
* template lines: ``template_lines`` counts of the source's last dates (at most
  ``template_days`` days and about ``template_pages`` pages);
* keyword document frequencies: ``term_df`` of the last ``df_days`` dates, aggregated.
"""

from __future__ import annotations

import logging
from collections import Counter
from datetime import date, timedelta

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.dataset as ds

from newsflow.dedupe import Known, hash64
from newsflow.lake import Lake, window_start

log = logging.getLogger(__name__)
_SIG_COLS = ["article_id", "content_hash", "published_at", "dup_cluster_id", "signature", "shingles"]


def _day_before(day: str) -> str:
    return (date.fromisoformat(day) - timedelta(days=1)).isoformat()


def known_urls(lake: Lake, sources: list[str], urls: list[str], day: str, days: int) -> set[str]:
    """Which of ``urls`` the lake already has as an article's URL or canonical URL (last ``days`` days)."""
    if not urls:
        return set()
    want = pa.array(sorted(set(urls)), pa.string())
    expr = ds.field("url").isin(want) | ds.field("canonical_url").isin(want)
    t = lake.read_table("articles", ["url", "canonical_url"], sources=sources, since=window_start(day, days),
                        filter=expr)
    have = set(t.column("url").to_pylist()) | set(t.column("canonical_url").to_pylist())
    return have & set(urls)


def validators(lake: Lake, sources: list[str], urls: list[str], day: str, days: int,
               kind: str | None = None) -> dict[str, dict[str, str]]:
    """ETag / Last-Modified of the newest raw_pages row of each of ``urls`` (last ``days`` days)."""
    if not urls:
        return {}
    expr = ds.field("url").isin(pa.array(sorted(set(urls)), pa.string()))
    if kind:
        expr = expr & (ds.field("kind") == kind)
    t = lake.read_table("raw_pages", ["url", "etag", "last_modified", "fetched_at"], sources=sources,
                        since=window_start(day, days), filter=expr)
    out: dict[str, dict[str, str]] = {}
    for r in sorted(t.to_pylist(), key=lambda r: r["fetched_at"]):
        if r["etag"] or r["last_modified"]:
            out[r["url"]] = {"etag": r["etag"], "last_modified": r["last_modified"]}
    return out


def cached_bodies(lake: Lake, sources: list[str], urls: list[str], day: str, days: int,
                  kind: str | None = None) -> dict[str, bytes]:
    """The newest body raw_pages holds for each of ``urls`` (last ``days`` days)."""
    if not urls:
        return {}
    expr = ds.field("url").isin(pa.array(sorted(set(urls)), pa.string()))
    if kind:
        expr = expr & (ds.field("kind") == kind)
    t = lake.read_table("raw_pages", ["url", "body", "fetched_at"], sources=sources,
                        since=window_start(day, days), filter=expr)
    out: dict[str, bytes] = {}
    for r in sorted(t.to_pylist(), key=lambda r: r["fetched_at"]):
        if r["body"]:
            out[r["url"]] = r["body"]
    return out


class LakeHistory:
    """dedupe's ``History`` over the lake: lookups by key, never the whole index."""

    def __init__(self, lake: Lake, day: str, days: int) -> None:
        self.lake, self.day, self.days, self.since = lake, day, days, window_start(day, days)
        self.stats: dict = {"exact_found": 0, "near_ids": 0}
        self._warned = False

    def _known(self, t: pa.Table) -> list[Known]:
        return [Known(**r) for r in t.select(_SIG_COLS).to_pylist() if r["content_hash"]]

    def exact(self, hashes: list[str]) -> list[Known]:
        """Signatures after the exact-copy index's ``through`` date (the window and what
        maintenance has not indexed yet), then the index's buckets for the older dates."""
        if not hashes:
            return []
        from newsflow import exact_index

        keys = sorted({hash64(h) for h in hashes})
        man = exact_index.read_manifest(self.lake)
        since = (date.fromisoformat(man["through"]) + timedelta(days=1)).isoformat() if man else None
        if man is None:
            self.stats["exact_unindexed"] = True
            if not self._warned and _oldest_month(self.lake, "signatures") < self.since[:7]:
                self._warned = True
                log.warning("no exact-copy index: tonight reads every signatures file for exact copies "
                            "(run news_maintenance / `newsflow maintain` to build it)")
        elif since < window_start(self.since, self.days) and not self._warned:  # unindexed for over a window
            self._warned = True
            log.warning("exact-copy index ends %s, before the %s dedupe window: tonight reads signatures back "
                        "to it (run news_maintenance / `newsflow maintain` to index them)", man["through"], self.since)
        t = self.lake.read_table("signatures", _SIG_COLS + ["hash64"], since=since,
                                 filter=ds.field("hash64").isin(pa.array(keys, pa.int64())))
        found = self._known(t)
        if man is not None:
            idx = exact_index.lookup(self.lake, keys, man)
            seen = {k.article_id for k in found}
            found += [Known(r["article_id"], r["content_hash"], r["published_at"], r["dup_cluster_id"])
                      for r in idx.to_pylist() if r["article_id"] not in seen]
            self.stats["exact_index_rows"] = self.stats.get("exact_index_rows", 0) + idx.num_rows
        want = set(hashes)
        found = [k for k in found if k.content_hash in want]
        self.stats["exact_found"] += len(found)
        return found

    def near(self, keys: np.ndarray) -> list[Known]:
        if not len(keys):
            return []
        value_set = pa.array(np.unique(np.asarray(keys, dtype=np.int64)), pa.int64())
        hits = self.lake.read_table("lsh_bands", ["article_id"], since=self.since,
                                    filter=ds.field("key").isin(value_set))
        ids = pc.unique(hits.column("article_id"))
        self.stats["near_ids"] += len(ids)
        if not len(ids):
            return []
        t = self.lake.read_table("signatures", _SIG_COLS, since=self.since, filter=ds.field("article_id").isin(ids))
        return self._known(t)


def _oldest_month(lake: Lake, table: str) -> str:
    """The table's first month partition (one listing of its top folder), or "9999-12"."""
    import pyarrow.fs as pafs

    base = lake.path(table)
    if not lake.exists(base):
        return "9999-12"
    return min((i.base_name[6:] for i in lake.fs.get_file_info(pafs.FileSelector(base))
                if i.type == pafs.FileType.Directory and i.base_name.startswith("month=")), default="9999-12")


def template_counts(lake: Lake, source: str, day: str, days: int, pages: int) -> tuple[Counter, int]:
    """(line key -> pages, pages counted) of the source's most recent dates before ``day``:
    at most ``days`` days back, stopping once about ``pages`` pages are counted."""
    if pages <= 0:
        return Counter(), 0
    t = lake.read_table("template_lines", ["date", "key", "pages", "docs"], sources=[source],
                        since=window_start(day, days), until=_day_before(day))
    if not t.num_rows:
        return Counter(), 0
    per_day = t.group_by("date").aggregate([("docs", "max")]).sort_by([("date", "descending")]).to_pylist()
    chosen, total = [], 0
    for r in per_day:
        if total >= pages:
            break
        chosen.append(r["date"])
        total += r["docs_max"]
    t = t.filter(pc.is_in(t.column("date"), value_set=pa.array(chosen, t.schema.field("date").type)))
    agg = t.group_by("key").aggregate([("pages", "sum")])
    return Counter(dict(zip(agg.column("key").to_pylist(), agg.column("pages_sum").to_pylist()))), total


def df_window(lake: Lake, day: str, days: int, out: str) -> dict[str, int]:
    """Sum ``term_df`` of the ``days`` dates before ``day`` per (lang, term) into the file ``out``
    (sorted by lang and term), once per night; return the sampled docs per lang.

    DuckDB streams the window's files (projected to four columns) through a hash aggregate held
    under a memory limit (spilling to disk past it), and the result is written batch by batch:
    neither the raw rows nor the aggregate is ever a Python object. Extract tasks then read only
    their own terms from ``out`` (``document_frequencies``). A damaged file in the window is
    quarantined and the window read again."""
    import duckdb

    data = lake.dataset("term_df", since=window_start(day, days), until=_day_before(day))
    lake.fs.create_dir(out.rsplit("/", 1)[0], recursive=True)
    try:
        return _df_window(lake, data, day, days, out)
    except (duckdb.Error, pa.ArrowInvalid, OSError):
        if not lake.quarantine_unreadable(list(data.files)):
            raise
        return _df_window(lake, lake.dataset("term_df", since=window_start(day, days), until=_day_before(day)),
                          day, days, out)


def _df_window(lake: Lake, data, day: str, days: int, out: str) -> dict[str, int]:  # noqa: ANN001
    import tempfile

    import duckdb
    import pyarrow.parquet as pq

    with tempfile.TemporaryDirectory(prefix="newsflow-df-") as spill:
        con = duckdb.connect(config={"memory_limit": "768MB", "threads": 2, "temp_directory": spill})
        try:
            con.register("t", data)
            n_docs = dict(con.execute(
                "SELECT lang, CAST(sum(d) AS BIGINT) FROM (SELECT date, source, lang, max(docs) AS d FROM t "
                "GROUP BY ALL) GROUP BY lang").fetchall())
            reader = con.sql("SELECT lang, term, CAST(sum(df) AS INTEGER) AS df FROM t GROUP BY lang, term "
                             "ORDER BY lang, term").to_arrow_reader(65_536)
            schema = pa.schema([("lang", pa.string()), ("term", pa.string()), ("df", pa.int32())])
            terms = 0
            with pq.ParquetWriter(out + ".tmp", schema, filesystem=lake.fs, compression="zstd") as w:
                for batch in reader:
                    w.write_table(pa.Table.from_batches([batch]).cast(schema), row_group_size=65_536)
                    terms += batch.num_rows
        finally:
            con.close()
    lake.fs.move(out + ".tmp", out)
    log.info("keyword document frequencies: %d terms over the %d days before %s (%s docs)", terms, days, day, n_docs)
    return {k: int(v) for k, v in n_docs.items()}


def document_frequencies(lake: Lake, window: str, n_docs: dict[str, int], terms: dict[str, set[str]]
                         ) -> tuple[dict[str, dict[str, int]], dict[str, int]]:
    """Per language: term -> document frequency for the given ``terms`` only (read from the
    night's ``df_window`` file), and the docs counted."""
    out: dict[str, dict[str, int]] = {lang: {} for lang in terms}
    if not window or not any(terms.values()):
        return out, dict(n_docs)
    for lang, wanted in terms.items():
        if not wanted:
            continue
        sub = lake.read_file(window, ["term", "df"], filter=(ds.field("lang") == lang)
                             & ds.field("term").isin(pa.array(sorted(wanted), pa.string())))
        out[lang] = dict(zip(sub.column("term").to_pylist(), sub.column("df").to_pylist()))
    return out, dict(n_docs)
