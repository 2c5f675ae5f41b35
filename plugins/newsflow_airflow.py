"""What the newsflow DAGs share on the Airflow side (Airflow puts the plugins folder on sys.path).

Where the lake and the sources file are, the Assets of the lake's tables, the pools (one that
caps fetching, one that keeps publishers apart), and object-store credentials from an Airflow
connection. Nothing here does I/O at import time but reading the extractor registry file: DAG
files import it while they are parsed.

It is also an Airflow plugin (``NewsflowPlugin``): a listener that creates the newsflow pools,
with their documented sizes, when an Airflow component with database access starts (scheduler,
dag-processor, triggerer). A task whose pool does not exist is never scheduled and the run hangs
in "scheduled" with only a scheduler log line to say why; with this a fresh deployment
(``airflow standalone``, docker compose) runs the DAGs without hand-made pools. Pools that exist
are left as they are (an operator may have resized them), except that a publish pool with more
than one slot is reported: it must stay at one.
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
# (read-modify-write) the same partitions at once (layout migration, publish, compaction, retention).
PUBLISH_POOL = os.environ.get("NEWSFLOW_PUBLISH_POOL", "newsflow_publish")
# Caps concurrent fetch tasks across all runs (each is one host group's polite client).
FETCH_POOL = os.environ.get("NEWSFLOW_FETCH_POOL", "newsflow_fetch")
# name -> (slots, description): created by NewsflowPlugin's listener when missing (and by `make airflow-db`).
POOLS = {
    FETCH_POOL: (4, "newsflow: concurrent fetch tasks across all runs"),
    PUBLISH_POOL: (1, "newsflow: one publisher at a time (news_ingest, news_reprocess, news_maintenance)"),
}
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


# -- the plugin: pools exist before anything is scheduled ------------------------------------------
def ensure_pools() -> dict[str, str]:
    """Create the missing newsflow pools with their documented sizes; leave existing ones alone.

    Returns pool -> what happened ("created", "exists", or "exists, N slots" for a publish pool
    that is not one slot). Needs the metadata database: call it from core components only (the
    listener below), never from a task. Safe to run from several components at once."""
    import logging

    from airflow.models.pool import Pool
    from airflow.utils.session import create_session
    from sqlalchemy import select
    from sqlalchemy.exc import IntegrityError

    log = logging.getLogger("newsflow.pools")
    out: dict[str, str] = {}
    for name, (slots, description) in POOLS.items():
        with create_session() as s:
            have = s.scalar(select(Pool).where(Pool.pool == name))
            if have is None:
                try:
                    with s.begin_nested():
                        s.add(Pool(pool=name, slots=slots, description=description, include_deferred=False))
                    out[name] = "created"
                    log.info("newsflow: created pool %s with %d slot(s)", name, slots)
                except IntegrityError:  # another component created it just now
                    out[name] = "exists"
                continue
            out[name] = "exists"
            if name == PUBLISH_POOL and have.slots != 1:
                out[name] = f"exists, {have.slots} slots"
                log.warning("newsflow: pool %s has %s slots; it must have 1 or two runs may rewrite the same "
                            "partitions at once: airflow pools set %s 1 %r", name, have.slots, name, description)
    return out


try:  # the plugin needs airflow-core (scheduler, dag-processor, triggerer); tasks only need the names above
    from airflow.listeners import hookimpl
    from airflow.plugins_manager import AirflowPlugin
except ImportError:  # pragma: no cover - a Task-SDK-only worker
    AirflowPlugin = None

if AirflowPlugin is not None:
    class PoolListener:
        """on_starting of every Airflow job (scheduler, dag-processor, triggerer all have the metadata
        database); a task runner's start (no database) is skipped."""

        @hookimpl
        def on_starting(self, component: object) -> None:
            if type(component).__name__ != "Job":
                return
            import logging

            try:
                ensure_pools()
            except Exception:  # never stop a scheduler from starting; the pools can still be made by hand
                logging.getLogger("newsflow.pools").exception(
                    "newsflow: could not create the pools; create them by hand: %s",
                    "; ".join(f"airflow pools set {n} {slots} {desc!r}" for n, (slots, desc) in POOLS.items()))

    class NewsflowPlugin(AirflowPlugin):
        name = "newsflow"
        listeners = [PoolListener()]
