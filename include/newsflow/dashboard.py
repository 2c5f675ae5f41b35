"""What the operator's dashboard shows, computed from the lake with DuckDB (no Airflow here).

``nights(lake, days=30)`` covers the lake's last ``days`` data dates; ``run(lake, run_id)`` covers what
one run wrote (its ``runs``, ``fetch_log``, ``rejects`` and ``articles`` rows; a news_reprocess run id
also matches the per-date ids ``<run_id>__<date>`` it publishes under). Both return plain JSON-able
dicts with the same keys, so the API serves them as they are and the HTML page draws them:

* ``articles``: per data date and source, the articles in the lake, how many are canonical and
  how many are duplicates (non-canonical members of a near-duplicate cluster), and the duplicate rate;
* ``rejects``: per date, source, stage and reason, the URLs a stage could not handle;
* ``stages``: per run and stage, its duration from ``runs.seconds`` (fetch is one job per host
  group whose time every source of the group carries, so the longest is taken; parse, clean and
  extract are summed over the sources);
* ``fetch``: per run and host, the requests made, their average and peak (any 1-second window)
  start rate and the smallest gap between two starts, against the host's politeness budget
  (``rate_per_host`` of the sources file): ``utilization`` = average rate / budget, and
  ``over_budget`` when the peak exceeds it (by more than one request: timing jitter). A request's
  start is ``fetched_at - elapsed_ms`` (retries and their back-off included, so the rates are a lower bound for retried URLs);
* ``runs``: one line per run with its date, articles, rejects, duplicates and stage seconds;
* ``stages_by_source`` (``run`` only): the ``runs`` rows themselves, seconds per source and stage.

Every read is bounded: the last ``days`` dates (at most ``MAX_DAYS``) or one run id.
An absent or empty lake gives ``status`` ``"missing"`` or ``"empty"`` and a ``message``; a lake
that cannot be read gives ``"error"`` and the reason, never an exception.
"""

from __future__ import annotations

import json
import math
import os
from datetime import date, datetime
from pathlib import Path
from typing import Any

DEFAULT_DAYS = 30
MAX_DAYS = 366
STAGES = ("fetch", "parse", "clean", "extract", "dedupe")
_HOST_RE = r"^[A-Za-z][A-Za-z0-9+.-]*://(?:[^@/]*@)?(\[[^\]]*\]|[^:/?#]+)"
_HOSTPORT_RE = r"^[A-Za-z][A-Za-z0-9+.-]*://(?:[^@/]*@)?(\[[^\]]*\](?::\d+)?|[^/?#]+)"
_TABLES = ("articles", "runs", "fetch_log", "rejects")


class DashboardError(Exception):
    """A request the dashboard cannot answer (bad parameter): the message says why."""


def _json(v: Any) -> Any:
    if isinstance(v, (date, datetime)):
        return v.isoformat()
    if isinstance(v, float):
        return round(v, 4)
    return v


def _rows(con, sql: str, params: list | None = None) -> list[dict[str, Any]]:
    cur = con.execute(sql, params or [])
    cols = [d[0] for d in cur.description]
    return [{c: _json(v) for c, v in zip(cols, r)} for r in cur.fetchall()]


def budgets(sources_file: str | None = None) -> tuple[dict[str, float], dict[str, float]]:
    """The politeness budget (request starts per second) per host name and per source, from the
    sources file (``NEWSFLOW_SOURCES`` or include/sources.yaml). Empty when it cannot be read."""
    try:
        from newsflow.config import default_sources_file, load_sources

        cfg = load_sources(sources_file or os.environ.get("NEWSFLOW_SOURCES") or default_sources_file())
    except Exception:  # noqa: BLE001 - the chart then shows no budget line, and says so
        return {}, {}
    by_host: dict[str, float] = {}
    by_source: dict[str, float] = {}
    for s in cfg.sources:
        rate = s.rate_per_host or cfg.http.rate_per_host
        by_source[s.name] = rate
        for h in s.hosts():
            by_host[h] = min(rate, by_host.get(h, rate))  # the strictest source of a shared host
    return by_host, by_source


def _empty(lake: str, status: str, message: str, **extra: Any) -> dict[str, Any]:
    return {"lake": lake, "status": status, "message": message, "nights": [], "sources": [], "articles": [],
            "rejects": [], "stages": [], "fetch": [], "runs": [], **extra}


def _local_state(lake: str) -> tuple[str, str] | None:
    """("missing"|"empty", message) for a local lake without data; None when it has some (or is remote)."""
    if "://" in lake and not lake.startswith("file://"):
        return None
    root = Path(lake.removeprefix("file://"))
    if not root.is_dir():
        return "missing", (f"No lake at {root}. Set NEWSFLOW_LAKE to the lake root, or run news_ingest "
                           f"(make run) to create it.")
    if not any(any((root / t).glob("*/*/*.parquet")) for t in ("articles", "runs")):
        return "empty", f"The lake at {root} has no articles and no runs yet: run news_ingest for a date first."
    return None


def _open(lake: str):
    from newsflow.report import connect

    con = connect(lake)
    have = {r[0] for r in con.execute("SELECT view_name FROM duckdb_views() WHERE NOT internal").fetchall()}
    return con, have


def nights(lake: str, days: int = DEFAULT_DAYS, source: str | None = None,
           sources_file: str | None = None) -> dict[str, Any]:
    """The last ``days`` data dates of the lake (optionally one source)."""
    if not 1 <= int(days) <= MAX_DAYS:
        raise DashboardError(f"days must be between 1 and {MAX_DAYS}, not {days}")
    return _collect(lake, days=int(days), source=source, run_id=None, sources_file=sources_file)


def run(lake: str, run_id: str, sources_file: str | None = None) -> dict[str, Any]:
    """What one run wrote (``run_id`` or, for news_reprocess, ``run_id__<date>``)."""
    if not run_id or len(run_id) > 250:
        raise DashboardError("run_id must be a non-empty run id")
    return _collect(lake, days=None, source=None, run_id=run_id, sources_file=sources_file)


def _collect(lake: str, days: int | None, source: str | None, run_id: str | None,
             sources_file: str | None) -> dict[str, Any]:
    import duckdb

    lake = str(lake).rstrip("/") or "/"
    extra = {"run_id": run_id, "days": days, "source": source}
    state = _local_state(lake)
    if state:
        return _empty(lake, *state, **extra)
    try:
        con, have = _open(lake)
        return _query(con, have, lake, days, source, run_id, sources_file, extra)
    except duckdb.Error as e:
        return _empty(lake, "error", f"The lake at {lake} could not be read: {type(e).__name__}: "
                                     f"{str(e).splitlines()[0][:300]}", **extra)


def _query(con, have: set[str], lake: str, days: int | None, source: str | None, run_id: str | None,
           sources_file: str | None, extra: dict[str, Any]) -> dict[str, Any]:
    present = [t for t in _TABLES if t in have]
    if not {"articles", "runs"} & set(present):
        return _empty(lake, "empty", f"The lake at {lake} has no articles and no runs yet.", **extra)
    # the scope: a set of data dates (nights) or one run id, as a SQL condition with parameters
    if run_id is not None:
        scope, args = "(run_id = ? OR starts_with(run_id, ? || '__'))", [run_id, run_id]
    else:
        # the data dates come from the file names (one file per date: part-YYYY-MM-DD.parquet), so
        # no file is opened to find them; the month partitions then prune the files read
        dates = sorted({r[0] for r in con.execute(
            "SELECT DISTINCT regexp_extract(file, 'part-(\\d{4}-\\d{2}-\\d{2})[^/]*\\.parquet$', 1) AS d FROM ("
            + " UNION ALL ".join(f"SELECT file FROM glob('{lake}/{t}/*/*/*.parquet')" for t in present)
            + ") WHERE d <> ''").fetchall()}, reverse=True)[:days]
        if not dates:  # files named otherwise: ask the files themselves
            dates = sorted({str(r[0]) for t in present for r in con.execute(
                f"SELECT DISTINCT date FROM {t} ORDER BY date DESC LIMIT {days}").fetchall()}, reverse=True)[:days]
        if not dates:
            return _empty(lake, "empty", f"The lake at {lake} has no rows yet.", **extra)
        months = ", ".join(sorted({f"'{d[:7]}'" for d in dates}))
        scope, args = f"month IN ({months}) AND date BETWEEN DATE '{min(dates)}' AND DATE '{max(dates)}'", []
    if source:
        scope, args = scope + " AND source = ?", args + [source]

    def q(table: str, sql: str) -> list[dict[str, Any]]:
        return _rows(con, sql.replace("{scope}", scope), args) if table in have else []

    articles = q("articles", """
        SELECT date, source, count(*) AS articles, count(*) FILTER (WHERE is_canonical IS NOT FALSE) AS canonical,
               count(*) FILTER (WHERE is_canonical IS FALSE) AS duplicates,
               round(count(*) FILTER (WHERE is_canonical IS FALSE) / count(*), 4) AS duplicate_rate
        FROM articles WHERE {scope} GROUP BY ALL ORDER BY date, source""")
    rejects = q("rejects", """
        SELECT date, source, stage, coalesce(reason, 'unknown') AS reason, count(*) AS rejects
        FROM rejects WHERE {scope} GROUP BY ALL ORDER BY date, source, stage, reason""")
    stage_rows = q("runs", """
        SELECT run_id, any_value(date) AS date, stage, count(DISTINCT source) AS sources,
               CASE WHEN stage = 'fetch' THEN max(seconds) ELSE sum(seconds) END AS seconds
        FROM runs WHERE {scope} GROUP BY run_id, stage""")
    by_source = q("runs", """
        SELECT run_id, date, source, stage, seconds FROM runs WHERE {scope}
        ORDER BY run_id, source, stage""") if run_id is not None else []
    fetch = q("fetch_log", f"""
        WITH f AS (
            SELECT date, run_id, source, attempts,
                   lower(regexp_extract(url, '{_HOST_RE}', 1)) AS hostname,
                   lower(regexp_extract(url, '{_HOSTPORT_RE}', 1)) AS host,
                   fetched_at - to_milliseconds(coalesce(elapsed_ms, 0)) AS started
            FROM fetch_log WHERE {{scope}} AND attempts > 0 AND fetched_at IS NOT NULL),
        w AS (
            SELECT *, count(*) OVER (PARTITION BY run_id, host ORDER BY started
                                     RANGE BETWEEN CURRENT ROW AND INTERVAL 999999 MICROSECONDS FOLLOWING) AS in_1s,
                      epoch_ms(started) - epoch_ms(lag(started) OVER (PARTITION BY run_id, host ORDER BY started)) AS gap_ms
            FROM f)
        SELECT any_value(date) AS date, run_id, host, any_value(hostname) AS hostname,
               string_agg(DISTINCT source, ',' ORDER BY source) AS sources,
               count(*) AS urls, sum(attempts) AS requests,
               round((epoch_ms(max(started)) - epoch_ms(min(started))) / 1000.0, 3) AS span_seconds,
               max(in_1s) AS peak_1s, min(gap_ms) AS min_gap_ms
        FROM w GROUP BY run_id, host ORDER BY date, run_id, host""")
    by_host, budget_by_source = budgets(sources_file)
    for f in fetch:
        span = f["span_seconds"] or 0
        f["rate"] = round((f["urls"] - 1) / span, 3) if f["urls"] > 1 and span > 0 else None
        budget = by_host.get(f.pop("hostname") or "")
        if budget is None:
            rates = [budget_by_source[s] for s in f["sources"].split(",") if s in budget_by_source]
            budget = min(rates) if rates else None
        f["budget"] = budget
        f["utilization"] = round(f["rate"] / budget, 3) if f["rate"] is not None and budget else None
        # a host at its budget starts about `budget` requests in any second (one more with timing jitter)
        f["over_budget"] = bool(budget and f["peak_1s"] > math.floor(budget) + 1)
    # runs: one line per run
    runs: dict[str, dict[str, Any]] = {}
    for s in stage_rows:
        r = runs.setdefault(s["run_id"], {"run_id": s["run_id"], "date": s["date"], "articles": 0, "duplicates": 0,
                                          "rejects": 0, "seconds": {}})
        if s["seconds"] is not None:
            r["seconds"][s["stage"]] = s["seconds"]
    for row in q("articles", """SELECT run_id, any_value(date) AS date, count(*) AS articles,
               count(*) FILTER (WHERE is_canonical IS FALSE) AS duplicates FROM articles WHERE {scope} GROUP BY run_id"""):
        r = runs.setdefault(row["run_id"], {"run_id": row["run_id"], "date": row["date"], "articles": 0,
                                            "duplicates": 0, "rejects": 0, "seconds": {}})
        r["articles"], r["duplicates"] = row["articles"], row["duplicates"]
    for row in q("rejects", "SELECT run_id, count(*) AS rejects FROM rejects WHERE {scope} GROUP BY run_id"):
        if row["run_id"] in runs:
            runs[row["run_id"]]["rejects"] = row["rejects"]
    run_list = sorted(runs.values(), key=lambda r: (r["date"] or "", r["run_id"]))
    stages = sorted(stage_rows, key=lambda s: (s["date"] or "", s["run_id"],
                                               STAGES.index(s["stage"]) if s["stage"] in STAGES else 99))
    nights_ = sorted({r["date"] for r in articles + rejects + stages + fetch if r.get("date")})
    sources = sorted({r["source"] for r in articles + rejects} |
                     {s for f in fetch for s in f["sources"].split(",")})
    out = {"lake": lake, "status": "ok", "message": "", "nights": nights_, "sources": sources,
           "articles": articles, "rejects": rejects, "stages": stages, "fetch": fetch, "runs": run_list, **extra}
    if run_id is not None:
        out["stages_by_source"] = by_source
    if run_id is not None and not (articles or rejects or stages or fetch):
        out.update(status="empty", message=f"The lake has no rows of run {run_id!r} (a run that failed before "
                                            f"publishing, or one of another lake).")
    elif not nights_:
        out.update(status="empty", message="No rows in this range.")
    return out


def totals(data: dict[str, Any]) -> dict[str, Any]:
    """Headline numbers of a ``nights``/``run`` answer."""
    arts = sum(a["articles"] for a in data["articles"])
    dups = sum(a["duplicates"] for a in data["articles"])
    return {"nights": len(data["nights"]), "runs": len(data["runs"]), "articles": arts, "duplicates": dups,
            "duplicate_rate": round(dups / arts, 4) if arts else None,
            "rejects": sum(r["rejects"] for r in data["rejects"]),
            "over_budget": sum(1 for f in data["fetch"] if f["over_budget"])}


if __name__ == "__main__":  # python -m newsflow.dashboard LAKE [RUN_ID]
    import sys

    lake_arg = sys.argv[1] if len(sys.argv) > 1 else os.environ.get("NEWSFLOW_LAKE", "data/lake")
    print(json.dumps(run(lake_arg, sys.argv[2]) if len(sys.argv) > 2 else nights(lake_arg), indent=1))
