"""Quality gates on what a run just published (the DAG's ``validate`` task).

Each rule looks at the files of one data date for the run's sources (one source at a time,
only the columns it needs, the row-count history from file footers), so its cost does not
grow with the lake, and reports failures that name the table and the rule:

* ``primary_key``: the table's key (schemas.KEYS) is unique within each partition;
* ``not_null``: columns the schema marks non-nullable hold no nulls; ``articles`` also
  needs title, body, content_hash and dup_cluster_id;
* ``null_rate``: at most ``max_null_rate`` of articles lack ``published_at``;
* ``date_range``: articles' local publication date is the data date (±1 day of slack for
  pages that change their date), and nothing was fetched in the future;
* ``references``: every fact row points at an article of the same source and date;
* ``one_row_per_url``: fetch_log has one row per URL and run;
* ``row_count``: a source's article count is not below ``min_ratio`` of its median over the
  last ``history_days`` data dates (when that median is at least ``min_history_rows``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from collections import Counter
from statistics import median

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from newsflow.lake import Lake
from newsflow.schemas import FACT_TABLES, KEYS, TABLES


@dataclass(frozen=True)
class Failure:
    table: str
    rule: str
    detail: str

    def __str__(self) -> str:
        return f"{self.table}: {self.rule}: {self.detail}"


@dataclass(frozen=True)
class Gates:
    max_null_rate: float = 0.2
    min_ratio: float = 0.3
    history_days: int = 14
    min_history_rows: int = 5


def _read(lake: Lake, table: str, day: str, source: str, columns: list[str]):
    path = lake.day_file(table, day, source)
    if not lake.exists(path):
        return None
    names = set(pq.read_schema(path, filesystem=lake.fs).names)
    cols = [c for c in dict.fromkeys(columns) if c in names]
    t = lake.read_file(path, cols)
    for c in dict.fromkeys(columns):  # columns an older file lacks read as null
        if c not in t.column_names:
            t = t.append_column(c, pa.nulls(t.num_rows, TABLES[table].field(c).type))
    return t


def _duplicates(t, keys: list[str]) -> int:
    if not t.num_rows:
        return 0
    return t.num_rows - t.group_by(keys, use_threads=False).aggregate([]).num_rows


def validate(lake: Lake, day: str, sources: list[str], gates: Gates = Gates()) -> list[Failure]:
    """Every rule over the date's files of ``sources``, one table and source at a time, reading
    only the columns a rule needs (bounded by one source's date, never the month or the table)."""
    failures: list[Failure] = []
    counts: dict[tuple[str, str], int] = {}
    for table in TABLES:
        keys = [k for k in KEYS[table] if k != "date"]
        required = [f.name for f in TABLES[table] if not f.nullable and f.name != "date"]
        if table == "articles":
            required += ["title", "body", "content_hash", "dup_cluster_id"]
        dups, nulls = 0, Counter()
        for source in sources:
            t = _read(lake, table, day, source, keys + required)
            if t is None or not t.num_rows:
                continue
            counts[(table, source)] = t.num_rows
            dups += _duplicates(t, keys)
            for col in dict.fromkeys(required):
                n = t.column(col).null_count
                if col in ("title", "body"):
                    n += pc.sum(pc.equal(pc.utf8_length(pc.fill_null(t.column(col), "")), 0)).as_py() or 0
                nulls[col] += n
        if dups:
            failures.append(Failure(table, "primary_key", f"{dups} duplicate ({', '.join(KEYS[table])}) rows for {day}"))
        for col, n in nulls.items():
            if n:
                failures.append(Failure(table, "not_null", f"{n} rows without {col}"))
    failures += _articles(lake, day, sources, gates)
    failures += _fetch_log(lake, day, sources)
    failures += _row_counts(lake, day, sources, {s: counts.get(("articles", s), 0) for s in sources}, gates)
    return failures


def _articles(lake: Lake, day: str, sources: list[str], gates: Gates) -> list[Failure]:
    out: list[Failure] = []
    total = missing = 0
    off: list[date] = []
    orphans = Counter()
    d = date.fromisoformat(day)
    for source in sources:
        arts = _read(lake, "articles", day, source, ["article_id", "published_at", "published_date"])
        if arts is None or not arts.num_rows:
            ids = pa.array([], pa.string())
        else:
            total += arts.num_rows
            missing += arts.column("published_at").null_count
            off += [v for v in arts.column("published_date").to_pylist() if v and abs((v - d).days) > 1]
            ids = arts.column("article_id")
        for t in FACT_TABLES:
            facts = _read(lake, t, day, source, ["article_id"])
            if facts is not None and facts.num_rows:
                bad = pc.invert(pc.is_in(facts.column("article_id"), value_set=pc.unique(ids)))
                orphans[t] += len(pc.unique(pc.filter(facts.column("article_id"), bad)))
    if total and missing / total > gates.max_null_rate:
        out.append(Failure("articles", "null_rate", f"{missing / total:.0%} of articles have no published_at "
                           f"(allowed {gates.max_null_rate:.0%})"))
    if off:
        out.append(Failure("articles", "date_range", f"{len(off)} articles published outside {day} ±1 day "
                           f"(e.g. {off[0]})"))
    for t, n in orphans.items():
        if n:
            out.append(Failure(t, "references", f"{n} article_ids not in articles for {day}"))
    return out


def _fetch_log(lake: Lake, day: str, sources: list[str]) -> list[Failure]:
    out: list[Failure] = []
    dups = future = 0
    late = datetime.now(timezone.utc) + timedelta(hours=1)
    for source in sources:
        logs = _read(lake, "fetch_log", day, source, ["run_id", "url", "fetched_at"])
        if logs is None or not logs.num_rows:
            continue
        dups += _duplicates(logs, ["run_id", "url"])
        future += sum(1 for v in logs.column("fetched_at").to_pylist() if v and v > late)
    if dups:
        out.append(Failure("fetch_log", "one_row_per_url", f"{dups} URLs have more than one row in one run"))
    if future:
        out.append(Failure("fetch_log", "date_range", f"{future} rows fetched in the future"))
    return out


def _row_counts(lake: Lake, day: str, sources: list[str], now: dict[str, int], gates: Gates) -> list[Failure]:
    """Each source's article count against its median over the previous days (file footers only)."""
    d = date.fromisoformat(day)
    out = []
    for src in sources:
        counts = [n for i in range(1, gates.history_days + 1)
                  if (n := lake.count_rows("articles", (d - timedelta(days=i)).isoformat(), src))]
        if not counts:
            continue
        typical = median(counts)
        if typical >= gates.min_history_rows and now.get(src, 0) < gates.min_ratio * typical:
            out.append(Failure("articles", "row_count", f"{src} has {now.get(src, 0)} articles for {day}, under "
                               f"{gates.min_ratio:.0%} of its median {typical:g} over the previous "
                               f"{gates.history_days} days"))
    return out
