"""What the newsflow DAGs share on the Airflow side (Airflow puts the plugins folder on sys.path).

Where the lake and the sources file are, the Assets of the lake's tables, the pool that keeps
publishers apart, and object-store credentials from an Airflow connection. Nothing here does
I/O at import time but reading the extractor registry file: DAG files import it while they are
parsed.
"""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path

from airflow.sdk import Asset
from newsflow import catalog

PROJECT = Path(__file__).resolve().parents[1]


def lake_root() -> str:
    """The lake root, read from the environment when called (each DAG file reads it as it is parsed)."""
    return os.environ.get("NEWSFLOW_LAKE") or str(PROJECT / "data" / "lake")


def sources_file() -> str:
    return os.environ.get("NEWSFLOW_SOURCES") or str(PROJECT / "include" / "sources.yaml")


# No task runs forever (a hung request, a pathological page): Airflow fails a task past this and
# retries it. Long nights can raise it (minutes) without a code change.
TASK_TIMEOUT = timedelta(minutes=int(os.environ.get("NEWSFLOW_TASK_TIMEOUT_MINUTES", "180")))

# One slot shared by news_ingest, news_reprocess and news_maintenance: two runs never rewrite
# (read-modify-write) the same partitions at once. Created by `make airflow-db`.
PUBLISH_POOL = os.environ.get("NEWSFLOW_PUBLISH_POOL", "newsflow_publish")
# The lake's tables: the core ones and those the registered extractors declare. newsflow.catalog
# is the one light part of newsflow DAG files may load while parsed (it reads the extractor
# registry file, include/extractors.yaml, and nothing else). A replay rewrites all but the
# fetch-side tables.
ALL_TABLES = catalog.all_tables()
REPLAY_TABLES = catalog.replay_tables()


def lake_assets(tables: tuple[str, ...] = ALL_TABLES) -> list[Asset]:
    """One Asset per lake table, named newsflow.<table>, with the table's URI."""
    lake = lake_root()
    base = lake.rstrip("/") if "://" in lake else "file://" + lake.removeprefix("file://").rstrip("/")
    return [Asset(name=f"newsflow.{t}", uri=f"{base}/{t}") for t in tables]


def lake_credentials() -> None:
    """Object-store credentials from the Airflow connection NEWSFLOW_LAKE_CONN_ID (else the
    environment's AWS_* variables apply as they are). Call inside tasks, never at parse time."""
    conn_id = os.environ.get("NEWSFLOW_LAKE_CONN_ID")
    if conn_id:
        from airflow.sdk import Connection
        from newsflow.config import s3_env_from_connection

        conn = Connection.get(conn_id)
        os.environ.update(s3_env_from_connection(conn.login, conn.password, conn.extra_dejson))
