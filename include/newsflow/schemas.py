"""Table schemas of the lake (the data contract). Partition keys live only in directory names.

Every table is partitioned ``date=YYYY-MM-DD/source=NAME``: ``date`` is the run's data
date in the source's zone (for ``articles`` the local publication date of the articles
discovered for that date), ``source`` the source name from the sources file.
Timestamps are microseconds in UTC.
"""

from __future__ import annotations

import pyarrow as pa

SCHEMA_VERSION = 1
PARTITION_KEYS = ("date", "source")
TS = pa.timestamp("us", tz="UTC")
_STR_LIST = pa.list_(pa.string())

TABLES: dict[str, pa.Schema] = {
    "articles": pa.schema([
        ("article_id", pa.string()), ("url", pa.string()), ("canonical_url", pa.string()),
        ("lang", pa.string()), ("title", pa.string()), ("body", pa.string()), ("paragraphs", _STR_LIST),
        ("authors", _STR_LIST), ("section", pa.string()),
        ("published_at", TS), ("modified_at", TS), ("published_local", pa.string()),
        ("published_date", pa.date32()), ("fetched_at", TS),
        ("date_source", pa.string()), ("title_source", pa.string()),
        ("encoding", pa.string()), ("encoding_source", pa.string()), ("edition_group", pa.string()),
        ("char_count", pa.int32()), ("content_hash", pa.string()), ("dup_cluster_id", pa.string()),
        ("is_canonical", pa.bool_()), ("keywords", _STR_LIST), ("clean_removed", pa.string()),
        ("extractor_version", pa.string()), ("lang_confidence", pa.float32()),
        ("run_id", pa.string()), ("schema_version", pa.int16()),
    ]),
    "fetch_log": pa.schema([
        ("url", pa.string()), ("kind", pa.string()), ("final_url", pa.string()), ("status", pa.int32()),
        ("ok", pa.bool_()), ("attempts", pa.int32()), ("bytes", pa.int64()), ("elapsed_ms", pa.int64()),
        ("content_type", pa.string()), ("error_class", pa.string()), ("error", pa.string()),
        ("fetched_at", TS), ("outcome", pa.string()), ("encoding", pa.string()), ("encoding_source", pa.string()),
        ("etag", pa.string()), ("last_modified", pa.string()),
        ("run_id", pa.string()), ("schema_version", pa.int16()),
    ]),
    "runs": pa.schema([
        ("run_id", pa.string()), ("stage", pa.string()), ("counts", pa.string()), ("seconds", pa.float64()),
        ("schema_version", pa.int16()),
    ]),
    "signatures": pa.schema([
        ("article_id", pa.string()), ("content_hash", pa.string()), ("dup_cluster_id", pa.string()),
        ("published_at", TS), ("signature", pa.binary()), ("shingles", pa.int32()),
        ("run_id", pa.string()), ("schema_version", pa.int16()),
    ]),
    "raw_pages": pa.schema([
        ("url", pa.string()), ("kind", pa.string()), ("final_url", pa.string()), ("status", pa.int32()),
        ("headers", pa.string()), ("body", pa.binary()), ("fetched_at", TS),
        ("etag", pa.string()), ("last_modified", pa.string()),
        ("run_id", pa.string()), ("schema_version", pa.int16()),
    ]),
    "rejects": pa.schema([
        ("url", pa.string()), ("stage", pa.string()), ("reason", pa.string()), ("detail", pa.string()),
        ("run_id", pa.string()), ("schema_version", pa.int16()),
    ]),
}

# The extraction tables: one row per fact, keyed by article_id (+ idx, its order in the
# article), with character offsets into articles.body. They share articles' partitions.
_I32 = pa.int32()
_FACT_TAIL = [("extractors", pa.string()), ("run_id", pa.string()), ("schema_version", pa.int16())]
TABLES.update({
    "entities": pa.schema([
        ("article_id", pa.string()), ("idx", _I32), ("type", pa.string()), ("canonical", pa.string()),
        ("text", pa.string()), ("role", pa.string()), ("aliases", _STR_LIST), ("start", _I32), ("end", _I32),
        ("mentions", _I32), *_FACT_TAIL]),
    "quotes": pa.schema([
        ("article_id", pa.string()), ("idx", _I32), ("speaker", pa.string()), ("speaker_type", pa.string()),
        ("text", pa.string()), ("start", _I32), ("end", _I32), ("attribution", pa.string()), *_FACT_TAIL]),
    "dates": pa.schema([
        ("article_id", pa.string()), ("idx", _I32), ("text", pa.string()), ("normalized", pa.string()),
        ("granularity", pa.string()), ("start", _I32), ("end", _I32), *_FACT_TAIL]),
    "numbers": pa.schema([
        ("article_id", pa.string()), ("idx", _I32), ("text", pa.string()), ("value", pa.float64()),
        ("unit", pa.string()), ("kind", pa.string()), ("start", _I32), ("end", _I32), *_FACT_TAIL]),
    "keywords": pa.schema([
        ("article_id", pa.string()), ("idx", _I32), ("term", pa.string()), ("score", pa.float64()), *_FACT_TAIL]),
    # every candidate term of every article: the document frequencies keyword weighting uses
    "terms": pa.schema([
        ("article_id", pa.string()), ("lang", pa.string()), ("term", pa.string()),
        ("run_id", pa.string()), ("schema_version", pa.int16())]),
})
FACT_TABLES = ("entities", "quotes", "dates", "numbers", "keywords")

# The columns that identify a row inside one partition: a rerun replaces rows with the same key.
KEYS: dict[str, tuple[str, ...]] = {"articles": ("article_id",), "fetch_log": ("url",), "rejects": ("url", "stage"),
                                    "raw_pages": ("url",), "signatures": ("article_id",), "runs": ("run_id", "stage"),
                                    **{t: ("article_id", "idx") for t in FACT_TABLES}, "terms": ("article_id", "term")}
# How a rerun treats a partition: articles are upserted (nothing a rerun skips is lost);
# fetch_log and rejects describe the latest run of that date, so they are replaced.
# raw_pages (the replay zone: bytes and headers of every feed and page fetched) is upserted.
# signatures (dedupe's MinHash fingerprints, so later runs join earlier clusters) is upserted.
# runs (one row per run, stage and source: counts as JSON, incl. clean's removals by reason)
# keeps every run: a rerun adds its rows beside the earlier runs' rows.
# The fact tables and terms are upserted by article: re-extracting an article replaces all its rows
# (the upsert drops old rows whose first key column, article_id, appears in the new rows).
MODE: dict[str, str] = {"articles": "upsert", "fetch_log": "replace", "rejects": "replace", "raw_pages": "upsert",
                        "signatures": "upsert", "runs": "upsert", **{t: "upsert" for t in FACT_TABLES},
                        "terms": "upsert"}
