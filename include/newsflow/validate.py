"""Quality gates on what a run just published (the DAG's ``validate`` task).

Each rule looks at the partitions of one data date for the run's sources and reports
failures that name the table and the rule:

* ``primary_key``: the table's key (schemas.KEYS) is unique within each partition;
* ``not_null``: columns the schema marks non-nullable hold no nulls; ``articles`` also
  needs title, body, content_hash and dup_cluster_id;
* ``null_rate``: at most ``max_null_rate`` of articles lack ``published_at``;
* ``date_range``: articles' local publication date is the data date (±1 day of slack for
  pages that change their date), and nothing was fetched in the future;
* ``references``: every fact row points at an article of the same partition;
* ``one_row_per_url``: fetch_log has one row per URL;
* ``row_count``: a source's article count is not below ``min_ratio`` of its median over the
  last ``history_days`` data dates (when that median is at least ``min_history_rows``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from statistics import median
from typing import Any

import pyarrow.compute as pc

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


def validate(lake: Lake, day: str, sources: list[str], gates: Gates = Gates()) -> list[Failure]:
    failures: list[Failure] = []
    tables = {t: lake.read_table(t, sources=sources, day=day) for t in TABLES}
    for table, data in tables.items():
        if data.num_rows == 0:
            continue
        rows = data.select([*KEYS[table], "source"]).to_pylist()
        keys = [tuple(r[k] for k in (*KEYS[table], "source")) for r in rows]
        if len(keys) != len(set(keys)):
            failures.append(Failure(table, "primary_key", f"{len(keys) - len(set(keys))} duplicate "
                                    f"({', '.join(KEYS[table])}) rows for {day}"))
        required = [f.name for f in TABLES[table] if not f.nullable]
        if table == "articles":
            required += ["title", "body", "content_hash", "dup_cluster_id"]
        for col in required:
            nulls = data.column(col).null_count
            if col in ("title", "body"):
                nulls += pc.sum(pc.equal(pc.utf8_length(pc.fill_null(data.column(col), "")), 0)).as_py() or 0
            if nulls:
                failures.append(Failure(table, "not_null", f"{nulls} rows without {col}"))
    arts = tables["articles"]
    if arts.num_rows:
        missing = arts.column("published_at").null_count / arts.num_rows
        if missing > gates.max_null_rate:
            failures.append(Failure("articles", "null_rate", f"{missing:.0%} of articles have no published_at "
                                    f"(allowed {gates.max_null_rate:.0%})"))
        d = date.fromisoformat(day)
        off = [v for v in arts.column("published_date").to_pylist() if v and abs((v - d).days) > 1]
        if off:
            failures.append(Failure("articles", "date_range", f"{len(off)} articles published outside {day} ±1 day "
                                    f"(e.g. {off[0]})"))
        ids = set(arts.column("article_id").to_pylist())
        for t in (*FACT_TABLES, "terms"):
            orphans = set(tables[t].column("article_id").to_pylist()) - ids if tables[t].num_rows else set()
            if orphans:
                failures.append(Failure(t, "references", f"{len(orphans)} article_ids not in articles for {day}"))
    logs = tables["fetch_log"]
    if logs.num_rows:
        urls = list(zip(logs.column("source").to_pylist(), logs.column("url").to_pylist()))
        if len(urls) != len(set(urls)):
            failures.append(Failure("fetch_log", "one_row_per_url", f"{len(urls) - len(set(urls))} URLs have more "
                                    "than one row"))
        late = datetime.now(timezone.utc) + timedelta(hours=1)
        future = [v for v in logs.column("fetched_at").to_pylist() if v and v > late]
        if future:
            failures.append(Failure("fetch_log", "date_range", f"{len(future)} rows fetched in the future"))
    failures += _row_counts(lake, day, sources, arts, gates)
    return failures


def _row_counts(lake: Lake, day: str, sources: list[str], arts: Any, gates: Gates) -> list[Failure]:
    d = date.fromisoformat(day)
    since = (d - timedelta(days=gates.history_days)).isoformat()
    hist = lake.read_table("articles", ["source", "date"], sources=sources, since=since).to_pylist()
    per: dict[str, dict[str, int]] = {}
    for r in hist:
        if str(r["date"]) < day:
            per.setdefault(r["source"], {}).setdefault(str(r["date"]), 0)
            per[r["source"]][str(r["date"])] += 1
    now: dict[str, int] = {}
    for s in arts.column("source").to_pylist() if arts.num_rows else []:
        now[s] = now.get(s, 0) + 1
    out = []
    for src in sources:
        counts = list(per.get(src, {}).values())
        if not counts:
            continue
        typical = median(counts)
        if typical >= gates.min_history_rows and now.get(src, 0) < gates.min_ratio * typical:
            out.append(Failure("articles", "row_count", f"{src} has {now.get(src, 0)} articles for {day}, under "
                               f"{gates.min_ratio:.0%} of its median {typical:g} over the previous "
                               f"{gates.history_days} days"))
    return out
