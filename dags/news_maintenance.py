"""news_maintenance: keep the lake tidy for readers, weekly (Sunday 05:00 Asia/Seoul) or on demand.

compact every table (one file per partition in the current schema; extra and old-schema files
merged, every row kept), move the signatures that left the dedupe window into the exact-copy
index (newsflow.exact_index), apply retention to raw_pages (Param raw_pages_days, default
NEWSFLOW_RAW_RETENTION_DAYS or 90), and drop stale hand-off folders of crashed runs. Shares the
newsflow_publish pool with the ingest and replay DAGs, so it never rewrites a partition while
another run publishes it.
"""

from __future__ import annotations

import os
from datetime import timedelta

import pendulum
from airflow.sdk import CronTriggerTimetable, Param, dag, get_current_context, task

from newsflow_airflow import ALL_TABLES as TABLES
from newsflow_airflow import TASK_TIMEOUT
from newsflow_airflow import PUBLISH_POOL, lake_credentials, lake_root, sources_file

LAKE = lake_root()

@dag(
    dag_id="news_maintenance",
    description="Compact the lake's partitions, apply raw_pages retention, drop stale staging",
    schedule=CronTriggerTimetable("0 5 * * 0", timezone="Asia/Seoul"),
    start_date=pendulum.datetime(2024, 6, 1, tz="Asia/Seoul"),
    catchup=False,
    max_active_runs=1,
    tags=["newsflow", "maintenance"],
    default_args={"owner": "newsflow", "retries": 1, "retry_delay": timedelta(minutes=5),
                  "execution_timeout": TASK_TIMEOUT},
    params={
        "raw_pages_days": Param(int(os.environ.get("NEWSFLOW_RAW_RETENTION_DAYS", "90")), type="integer", minimum=1,
                                title="Keep raw pages (days)",
                                description="raw_pages partitions older than this many days are deleted."),
        "staging_hours": Param(48, type="integer", minimum=6, title="Stale staging (hours)",
                               description="Hand-off folders of runs older than this are dropped."),
    },
    doc_md=__doc__,
)
def news_maintenance():
    @task(pool=PUBLISH_POOL)
    def compact_tables() -> dict:
        lake_credentials()
        import logging
        import time
        from dataclasses import asdict

        from newsflow.lake import Lake
        from newsflow.maintenance import compact, migrate_layout
        from newsflow.progress import Progress, duration

        log, started = logging.getLogger("newsflow.maintenance"), time.monotonic()
        lake = Lake(LAKE)
        out = {"migrated": migrate_layout(lake)}
        with Progress(len(TABLES), "compact", unit="tables", logger=log) as progress:
            for t in TABLES:
                s = asdict(compact(lake, t, get_current_context()["dag_run"].run_id))
                s.pop("rewritten_paths")
                out[t] = s
                progress.add()
        stats = [out[t] for t in TABLES]
        log.info("compact: %d tables, %d partitions, %d rewritten, files %d -> %d, %.1f -> %.1f MB in %s; migrated %s",
                 len(TABLES), sum(x["partitions"] for x in stats), sum(x["rewritten"] for x in stats),
                 sum(x["files_before"] for x in stats), sum(x["files_after"] for x in stats),
                 sum(x["bytes_before"] for x in stats) / 1e6, sum(x["bytes_after"] for x in stats) / 1e6,
                 duration(time.monotonic() - started), out["migrated"] or "nothing")
        return out

    @task(pool=PUBLISH_POOL)
    def retention() -> dict:
        lake_credentials()
        from newsflow.lake import Lake
        from newsflow.maintenance import apply_retention, drop_stale_staging

        import logging

        params = get_current_context()["params"]
        lake = Lake(LAKE)
        out = {"raw_pages_deleted": apply_retention(lake, "raw_pages", int(params["raw_pages_days"])),
               "staging_dropped": drop_stale_staging(lake, float(params["staging_hours"]))}
        logging.getLogger("newsflow.maintenance").info(
            "retention: %d raw_pages partition(s) older than %s days deleted, %d stale staging folder(s) dropped",
            len(out["raw_pages_deleted"]), params["raw_pages_days"], len(out["staging_dropped"]))
        return out

    @task(pool=PUBLISH_POOL)
    def index_exact_copies() -> dict:
        """Move the signatures dates that left the dedupe window into the exact-copy index, so a
        night's exact-copy lookup opens a bounded number of files however old the lake is."""
        lake_credentials()
        import logging
        from datetime import UTC, datetime

        from newsflow import exact_index
        from newsflow.config import load_sources
        from newsflow.lake import Lake

        days = load_sources(sources_file()).processing.dedupe_days
        out = exact_index.update(Lake(LAKE), datetime.now(UTC).date().isoformat(), days)
        logging.getLogger("newsflow.maintenance").info(
            "exact-copy index: through %s (was %s), %d rows added, %d files written, %d buckets merged",
            out["through"], out["through_before"], out["rows"], out["files_written"], out["merged_buckets"])
        return out

    compact_tables() >> index_exact_copies() >> retention()


news_maintenance_dag = news_maintenance()
