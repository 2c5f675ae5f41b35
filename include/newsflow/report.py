"""A short summary of what the lake holds, read back with DuckDB (what ``make run`` prints)."""

from __future__ import annotations

from pathlib import Path

import duckdb


def _glob(lake: str, table: str) -> str:
    return f"{lake.rstrip('/')}/{table}/*/*/*.parquet"


VIEWS_SQL = Path(__file__).resolve().parents[1] / "sql" / "views.sql"


def connect(lake: str, views: Path = VIEWS_SQL) -> duckdb.DuckDBPyConnection:
    """A DuckDB connection with the lake's views (include/sql/views.sql) defined. Tables with no
    files yet get no view; a ready query that needs them is skipped too."""
    con = duckdb.connect()
    root = lake.rstrip("/")
    if root.startswith("s3://"):
        con.execute("INSTALL httpfs; LOAD httpfs;")
    from newsflow.schemas import table_views_sql

    # every table of the lake (the extractors' own included) gets its view, then the file's views
    text = (table_views_sql() + "\n" + views.read_text(encoding="utf-8")).replace("{lake}", root)
    text = "\n".join(line for line in text.splitlines() if not line.lstrip().startswith("--"))
    for body in (s.strip() for s in text.split(";")):
        if not body:
            continue
        try:
            con.execute(body)
        except (duckdb.IOException, duckdb.CatalogException, duckdb.BinderException):
            continue  # no files for this table yet, or a ready query over such a table
    return con


def sql(lake: str, query: str) -> tuple[list[str], list[tuple]]:
    con = connect(lake)
    cur = con.execute(query)
    return [d[0] for d in cur.description], cur.fetchall()


def summary(lake: str, day: str | None = None) -> str:
    con = duckdb.connect()
    out: list[str] = []
    where = f"WHERE date = DATE '{day}'" if day else ""
    for table in ("articles", "fetch_log", "rejects"):
        if not list(Path(lake, table).glob("*/*/*.parquet")):
            out.append(f"{table}: (no data)")
            continue
        rel = f"read_parquet('{_glob(lake, table)}', hive_partitioning = true)"
        if table == "fetch_log":  # each URL's latest attempt (the table keeps every run's rows)
            rel = (f"(SELECT * FROM (SELECT *, row_number() OVER (PARTITION BY date, source, url ORDER BY fetched_at "
                   f"DESC NULLS LAST, run_id DESC) AS rn FROM {rel}) WHERE rn = 1)")
        n = con.execute(f"SELECT count(*) FROM {rel} {where}").fetchone()[0]
        out.append(f"{table}: {n} rows")
        if table == "articles":
            for src, cnt, canon, langs in con.execute(
                f"SELECT source, count(*), count(*) FILTER (WHERE is_canonical), string_agg(DISTINCT lang, ',') "
                f"FROM {rel} {where} GROUP BY 1 ORDER BY 1").fetchall():
                out.append(f"  {src:<12} {cnt:>3} articles ({canon} canonical, {cnt - canon} duplicates) lang={langs}")
            for src, title, pub in con.execute(
                f"SELECT source, title, strftime(published_at AT TIME ZONE 'Asia/Seoul', '%Y-%m-%d %H:%M KST') FROM {rel} "
                f"{where} ORDER BY published_at LIMIT 5").fetchall():
                out.append(f"    [{src}] {pub}  {title}")
        elif table == "fetch_log":
            for src, kind, outcomes in con.execute(
                f"SELECT source, kind, string_agg(outcome || ' ' || n, ', ' ORDER BY outcome) FROM "
                f"(SELECT source, kind, outcome, count(*) AS n FROM {rel} {where} GROUP BY ALL) GROUP BY 1, 2 "
                f"ORDER BY 1, 2").fetchall():
                out.append(f"  {src:<12} {kind:<6} {outcomes}")
        else:
            for src, stage, reason, cnt in con.execute(
                f"SELECT source, stage, reason, count(*) FROM {rel} {where} GROUP BY ALL ORDER BY ALL").fetchall():
                out.append(f"  {src:<12} {stage}/{reason}: {cnt}")
    from newsflow.schemas import FACT_TABLES

    facts = [t for t in FACT_TABLES if list(Path(lake, t).glob("*/*/*.parquet"))]
    if facts:
        counts = []
        for t in facts:
            rel = f"read_parquet('{_glob(lake, t)}', hive_partitioning = true)"
            counts.append(f"{t} {con.execute(f'SELECT count(*) FROM {rel} {where}').fetchone()[0]}")
        out.append("extracted: " + ", ".join(counts))
        if "entities" in facts:
            rel = f"read_parquet('{_glob(lake, 'entities')}', hive_partitioning = true)"
            for name, role, n in con.execute(
                    f"SELECT canonical, role, count(*) FROM {rel} {where} {'AND' if where else 'WHERE'} "
                    f"type = 'PERSON' AND role IS NOT NULL GROUP BY ALL ORDER BY 3 DESC, 1 LIMIT 5").fetchall():
                out.append(f"  person: {name} ({role}) in {n} article(s)")
        if "quotes" in facts:
            rel = f"read_parquet('{_glob(lake, 'quotes')}', hive_partitioning = true)"
            for speaker, text in con.execute(
                    f"SELECT speaker, text FROM {rel} {where} {'AND' if where else 'WHERE'} speaker IS NOT NULL "
                    f"ORDER BY source, article_id, idx LIMIT 3").fetchall():
                out.append(f"  quote: {speaker}: \u201c{text[:60]}{'…' if len(text) > 60 else ''}\u201d")
    return "\n".join(out)
