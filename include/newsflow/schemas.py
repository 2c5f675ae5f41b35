"""Table schemas of the lake: the data contract, one definition per table.

Each column has a type, a nullability and a description; ``docs/data-dictionary.md`` is
generated from these definitions (``python -m newsflow dictionary``) and a test fails when
the two drift apart. The Arrow schemas in ``TABLES`` carry the descriptions as field
metadata, so they travel inside every Parquet file too.

Tables are partitioned by published month and source, ``month=YYYY-MM/source=NAME``, one
file per data date inside (``part-YYYY-MM-DD.parquet``): publishing a date writes that file
only, so its cost does not grow with the days already in the month. The data date a row
belongs to, the unit a run publishes and replays, is also the ``date`` column inside the files (a real DATE, so every client
types it alike). ``raw_pages``, the replay zone of large page bodies that no BI tool reads, is
partitioned by day, ``date=YYYY-MM-DD/source=NAME``, so a day's bytes are written once and
retention drops whole days. Partition keys live only in directory names. Timestamps are
microseconds in UTC. Every row carries ``schema_version``; a new nullable column is a
non-breaking change (older files read it as null).
"""

from __future__ import annotations

from dataclasses import dataclass

import pyarrow as pa

from newsflow.catalog import CORE_TABLES

SCHEMA_VERSION = 3  # 3: one file per data date, lsh_bands, term_df, template_lines (2: month files; 1: date partitions)
PARTITION_KEYS = ("month", "source")  # the layout of every table but raw_pages
DAILY = {"raw_pages"}  # tables partitioned date=YYYY-MM-DD/source=NAME
TS = pa.timestamp("us", tz="UTC")
_STR_LIST = pa.list_(pa.string())
_I32 = pa.int32()


@dataclass(frozen=True)
class Col:
    name: str
    type: pa.DataType
    doc: str
    nullable: bool = True


RUN_ID = Col("run_id", pa.string(), "The Airflow run (or CLI run) that wrote this row.", False)
VERSION = Col("schema_version", pa.int16(), "Version of this table's schema when the row was written.", False)
EXTRACTORS = Col("extractors", pa.string(), "Versions of the extractors that made the row, e.g. `entities=1,dates=1`.")
DATE = Col("date", pa.date32(), "Data date: the run's date in the source's zone (for articles and their facts, the "
                                "local publication date the articles were discovered for).", False)
ARTICLE_ID = Col("article_id", pa.string(), "The article (`articles.article_id`).", False)
IDX = Col("idx", _I32, "Order of this fact within the article (0-based).", False)
START = Col("start", _I32, "Character offset where `text` starts in `articles.body`.")
END = Col("end", _I32, "Character offset just after `text` in `articles.body`.")

SPEC: dict[str, tuple[str, list[Col]]] = {
    "articles": ("One row per article (kept and marked when it is a duplicate). Upserted by `article_id`.", [
        Col("article_id", pa.string(), "SHA-256 of the canonical URL, first 16 hex digits.", False),
        Col("url", pa.string(), "The URL as discovered.", False),
        Col("canonical_url", pa.string(), "Canonical URL (tracking parameters removed, `rel=canonical` applied)."),
        Col("lang", pa.string(), "Language: ko, en, ja, zh, vi (or the page's declaration)."),
        Col("title", pa.string(), "Headline."),
        Col("body", pa.string(), "Clean body: paragraphs joined by `\\n`. Fact offsets point into this."),
        Col("paragraphs", _STR_LIST, "Clean body paragraphs."),
        Col("authors", _STR_LIST, "Bylines (role words and ids removed)."),
        Col("section", pa.string(), "Section, when the page says."),
        Col("published_at", TS, "Publication time, UTC."),
        Col("modified_at", TS, "Last modification time, UTC."),
        Col("published_local", pa.string(), "Publication time in ISO 8601 with the source's own UTC offset."),
        Col("published_date", pa.date32(), "Publication date in the source's zone."),
        Col("fetched_at", TS, "When the page was fetched, UTC."),
        Col("date_source", pa.string(), "Where the date came from (jsonld, meta, time, visible, url)."),
        Col("title_source", pa.string(), "Where the title came from (jsonld, og, h1, heading, title; first_line when the page names no title and the body's first line stands for it)."),
        Col("encoding", pa.string(), "Character encoding the page was decoded with."),
        Col("encoding_source", pa.string(), "How the encoding was chosen (http, bom, meta, detected)."),
        Col("edition_group", pa.string(), "Links language editions of one story (hreflang)."),
        Col("char_count", _I32, "Length of `body` in characters."),
        Col("content_hash", pa.string(), "Hash of the normalised body: equal for exact duplicates."),
        Col("dup_cluster_id", pa.string(), "Near-duplicate cluster; equal for copies of one story."),
        Col("is_canonical", pa.bool_(), "True for the cluster's representative (earliest published)."),
        Col("keywords", _STR_LIST, "The 10 most characteristic terms (see `keywords`)."),
        Col("clean_removed", pa.string(), "JSON: what cleaning removed from this article, by reason."),
        Col("extractor_version", pa.string(), "Version of the page parser that produced the row."),
        Col("lang_confidence", pa.float32(), "Confidence of `lang` (0..1)."),
        RUN_ID, VERSION]),
    "fetch_log": ("One row per URL (feeds, pages, robots.txt) per run: what happened when it was fetched. Every "
                  "run's attempts are kept (a manual rerun of a date adds its rows beside the night's); the view "
                  "`fetch_log_latest` (include/sql/views.sql) is each URL's latest attempt per date.", [
        Col("url", pa.string(), "Requested URL.", False),
        Col("kind", pa.string(), "feed, page or robots."),
        Col("final_url", pa.string(), "URL after redirects."),
        Col("status", _I32, "HTTP status (null when no response)."),
        Col("ok", pa.bool_(), "True when a usable body was received."),
        Col("attempts", _I32, "Requests made, retries included."),
        Col("bytes", pa.int64(), "Body bytes received."),
        Col("elapsed_ms", pa.int64(), "Wall time of the fetch in milliseconds."),
        Col("content_type", pa.string(), "Content-Type header."),
        Col("error_class", pa.string(), "Kind of failure (timeout, http_404, too_large...)."),
        Col("error", pa.string(), "Failure detail."),
        Col("fetched_at", TS, "When the fetch finished, UTC."),
        Col("outcome", pa.string(), "fetched, not_modified, skipped_known, failed..."),
        Col("encoding", pa.string(), "Encoding the body was decoded with."),
        Col("encoding_source", pa.string(), "How the encoding was chosen."),
        Col("etag", pa.string(), "ETag header (for conditional GETs)."),
        Col("last_modified", pa.string(), "Last-Modified header."),
        RUN_ID, VERSION]),
    "runs": ("One row per run, stage and source: counts as JSON. Every run's rows are kept.", [
        Col("run_id", pa.string(), "The run.", False),
        Col("stage", pa.string(), "fetch, parse, clean or dedupe.", False),
        Col("counts", pa.string(), "JSON object of counts for the stage (e.g. clean's removals by reason)."),
        Col("seconds", pa.float64(), "Duration of the stage, when measured."),
        VERSION]),
    "signatures": ("Dedupe's memory: one MinHash signature per article, so later runs join earlier clusters.", [
        Col("article_id", pa.string(), "The article.", False),
        Col("content_hash", pa.string(), "Hash of the normalised body."),
        Col("dup_cluster_id", pa.string(), "Cluster the article belongs to."),
        Col("published_at", TS, "Publication time, UTC."),
        Col("signature", pa.binary(), "64 little-endian uint32 MinHash values."),
        Col("shingles", _I32, "Distinct character 5-grams in the body."),
        Col("hash64", pa.int64(), "First 8 bytes of `content_hash` (exact copies are found at any age by this)."),
        RUN_ID, VERSION]),
    "raw_pages": ("The replay zone: bytes and headers of every feed and page fetched. Upserted by `url`.", [
        Col("url", pa.string(), "Requested URL.", False),
        Col("kind", pa.string(), "feed or page."),
        Col("final_url", pa.string(), "URL after redirects."),
        Col("status", _I32, "HTTP status."),
        Col("headers", pa.string(), "Response headers as JSON."),
        Col("body", pa.binary(), "Body as received, before decoding."),
        Col("fetched_at", TS, "When it was fetched, UTC."),
        Col("etag", pa.string(), "ETag header."),
        Col("last_modified", pa.string(), "Last-Modified header."),
        RUN_ID, VERSION]),
    "rejects": ("One row per URL and stage that could not be handled, with the reason: the current state. A run "
                "replaces the rows of the URLs it attempted and leaves the date's other rows as they were.", [
        Col("url", pa.string(), "The URL.", False),
        Col("stage", pa.string(), "fetch, parse or clean.", False),
        Col("reason", pa.string(), "Short reason (http_404, not_article, mojibake, empty_after_clean...)."),
        Col("detail", pa.string(), "What exactly went wrong."),
        RUN_ID, VERSION]),
    "term_df": ("Document frequencies of candidate terms per data date: what keyword weighting reads (the last "
                "`history.df_days` dates, never raw term rows). Counted over a sample of each source's articles "
                "(the `history.df_sample` smallest article ids per source and date).", [
        Col("lang", pa.string(), "Language of the articles counted.", False),
        Col("term", pa.string(), "Candidate term.", False),
        Col("df", _I32, "Sampled articles of this source, date and language that contain the term.", False),
        Col("docs", _I32, "Sampled articles of this source, date and language (the denominator).", False),
        RUN_ID, VERSION]),
    "template_lines": ("Short lines seen on a source's pages per data date: clean learns the source's template "
                       "text (lines on many pages) from the last dates' counts, never from old articles.", [
        Col("key", pa.string(), "Comparison key of the line (NFKC, case-folded, letters and digits).", False),
        Col("pages", _I32, "Pages of this source and date that carry the line.", False),
        Col("docs", _I32, "Pages of this source and date (the denominator).", False),
        RUN_ID, VERSION]),
    "lsh_bands": ("Dedupe's index: one row per article and MinHash band, so a night looks up only the buckets "
                  "its own articles touch (within `history.dedupe_days`).", [
        ARTICLE_ID,
        Col("band", pa.int16(), "Band number (0-15; 4 signature values each).", False),
        Col("key", pa.int64(), "Hash of the band number and its 4 values.", False),
        RUN_ID, VERSION]),
}

PARTITION_DOCS = {"month": "Month of the data date, YYYY-MM (directory `month=`).",
                  "date": "Data date of the run, YYYY-MM-DD (directory `date=`).",
                  "source": "Source name from the sources file (directory `source=`)."}


def _schema(cols: list[Col]) -> pa.Schema:
    return pa.schema([pa.field(c.name, c.type, c.nullable, metadata={"description": c.doc}) for c in cols])


def partition_keys(table: str) -> tuple[str, str]:
    return ("date", "source") if table in DAILY else PARTITION_KEYS


def columns(table: str) -> list[Col]:
    """The table's columns inside its files (monthly tables carry their data date)."""
    cols = SPEC[table][1]
    return cols if table in DAILY else [DATE, *cols]


_ARROW = {"string": pa.string(), "int32": _I32, "int64": pa.int64(), "float32": pa.float32(),
          "float64": pa.float64(), "bool": pa.bool_(), "date": pa.date32(), "list<string>": _STR_LIST}


def _fact_specs() -> dict[str, tuple[str, list[Col]]]:
    """The tables the registry's extractors declare (``newsflow.extract.base.Table``), with the
    columns every fact row carries."""
    from newsflow.extract.registry import declared_tables

    out = {}
    for name, t in declared_tables().items():
        idx = next((c for c in t.columns if c.name == "idx"), IDX)
        own = [Col(c.name, _ARROW[c.type], c.doc, c.nullable) for c in t.columns]
        out[name] = (t.doc, [ARTICLE_ID, idx, *own, EXTRACTORS, RUN_ID, VERSION])
    return out


assert set(SPEC) == set(CORE_TABLES), "newsflow.catalog.CORE_TABLES and SPEC list different tables"
# The extractors' own tables, as the registry file (include/extractors.yaml, or NEWSFLOW_EXTRACTORS)
# declares them when this module is first imported.
_FACTS = _fact_specs()
FACT_TABLES: tuple[str, ...] = tuple(_FACTS)
SPEC.update(_FACTS)
TABLES: dict[str, pa.Schema] = {name: _schema(columns(name)) for name in SPEC}

# The columns that identify a row inside one partition: a rerun replaces rows with the same key.
KEYS: dict[str, tuple[str, ...]] = {"articles": ("article_id",), "fetch_log": ("run_id", "url"),
                                    "rejects": ("date", "url", "stage"),
                                    "raw_pages": ("url",), "signatures": ("article_id",), "runs": ("run_id", "stage"),
                                    **{t: ("article_id", "idx") for t in FACT_TABLES},
                                    "term_df": ("lang", "term"), "template_lines": ("key",),
                                    "lsh_bands": ("article_id", "band")}
# How a rerun of a data date treats its rows: articles are upserted (nothing a rerun skips is
# lost); fetch_log keeps every run's rows (keyed by run id: a retry of the same run replaces its
# own); rejects are replaced for the URLs the run attempted (publish passes which ones).
# raw_pages (the replay zone) and signatures (dedupe's fingerprints) are upserted.
# runs keeps every run: a rerun adds its rows beside the earlier runs' rows.
# The fact tables and lsh_bands are upserted by article: re-extracting an article replaces all its rows
# (the upsert drops old rows whose first key column, article_id, appears in the new rows).
# term_df and template_lines describe the date's latest run that published articles: replaced.
MODE: dict[str, str] = {"articles": "upsert", "fetch_log": "upsert", "rejects": "replace", "raw_pages": "upsert",
                        "signatures": "upsert", "runs": "upsert", **{t: "upsert" for t in FACT_TABLES},
                        "lsh_bands": "upsert", "term_df": "replace", "template_lines": "replace"}


def _type_name(t: pa.DataType) -> str:
    return {"timestamp[us, tz=UTC]": "timestamp (µs, UTC)", "date32[day]": "date", "list<item: string>": "list of string",
            "int16": "int16", "binary": "binary (bytes)"}.get(str(t), str(t))


VIEWS_BEGIN = "-- Tables (generated from the schemas by `python -m newsflow dictionary --views include/sql/views.sql`)"
VIEWS_END = "-- End of generated tables"


def table_views_sql() -> str:
    """One DuckDB view per lake table, ``{lake}`` standing for the lake root (views.sql's generated block)."""
    out = []
    for name in TABLES:
        keys = ", ".join(f"'{k}': {'DATE' if k == 'date' else 'VARCHAR'}" for k in partition_keys(name))
        out.append(f"CREATE OR REPLACE VIEW {name} AS SELECT * FROM read_parquet('{{lake}}/{name}/*/*/*.parquet', "
                   f"hive_partitioning = true, union_by_name = true, hive_types = {{{keys}}});")
    return "\n".join([VIEWS_BEGIN, *out, VIEWS_END])


def with_table_views(views_sql: str) -> str:
    """``views_sql`` with its generated block replaced by ``table_views_sql()``."""
    a, b = views_sql.find(VIEWS_BEGIN), views_sql.find(VIEWS_END)
    if a < 0 or b < a:
        raise ValueError(f"the views file has no generated block ({VIEWS_BEGIN!r} ... {VIEWS_END!r})")
    return views_sql[:a] + table_views_sql() + views_sql[b + len(VIEWS_END):]


def data_dictionary() -> str:
    """docs/data-dictionary.md, generated from SPEC."""
    out = ["# Data dictionary", "",
           "Generated by `python -m newsflow dictionary` from `include/newsflow/schemas.py` (the core tables) and",
           "the tables the extractors of `include/extractors.yaml` declare (their `tables`); do not edit by hand",
           "(a test fails when this file and the schemas drift apart).", "",
           f"Schema version {SCHEMA_VERSION}. Tables live under `<lake>/<table>/month=YYYY-MM/source=NAME/part-YYYY-MM-DD.parquet`",
           "(`raw_pages`: `date=YYYY-MM-DD/source=NAME/`); the partition keys are in the directory names only.",
           "Timestamps are microseconds in UTC.", ""]
    for name, (doc, _) in SPEC.items():
        cols = columns(name)
        out += [f"## `{name}`", "", doc, "", f"Key within a partition: {', '.join(f'`{k}`' for k in KEYS[name])}; "
                f"a rerun {'upserts its rows' if MODE[name] == 'upsert' else 'replaces its data date'}.", "",
                "| column | type | nullable | description |", "|---|---|---|---|"]
        out += [f"| `{c.name}` | {_type_name(c.type)} | {'yes' if c.nullable else 'no'} | {c.doc} |" for c in cols]
        out += [f"| `{k}` | string (partition) | no | {PARTITION_DOCS[k]} |" for k in partition_keys(name)]
        out.append("")
    return "\n".join(out)
