"""news_reprocess: replay parse -> clean -> dedupe -> extract -> publish from the raw zone.

For when an extractor improves: no network, the bytes come from the lake's ``raw_pages``.
Params: start (first data date), end (last, inclusive; empty = start), sources (empty = all).
plan lists the dates; migrate (in the publish pool) brings an older lake to the current layout.
One mapped task per data date that has raw pages, run oldest first (one at a time, so dedupe
sees earlier days before later ones); inside it, the date's shards are parsed, cleaned and
extracted on every core of the worker. Each publishes articles, facts and signatures (upserts:
the day's rows are replaced, each row records the extractor versions), leaves fetch_log and the
raw zone as they were, and runs the quality gates. Publishing shares the pool
``newsflow_publish`` (one slot) with news_ingest, so an overlapping ingest and replay never
write the same partition at once.
"""

from __future__ import annotations

from datetime import timedelta

import pendulum
from airflow.sdk import Param, dag, get_current_context, task

from newsflow_airflow import (PUBLISH_POOL, REPLAY_TABLES, TASK_TIMEOUT, lake_assets, lake_credentials, lake_root,
                              sources_file)

LAKE, SOURCES_FILE = lake_root(), sources_file()

ASSETS = lake_assets(REPLAY_TABLES)

@dag(
    dag_id="news_reprocess",
    description="Replay parse -> extract -> publish from the raw zone for a date range (no network)",
    schedule=None,
    start_date=pendulum.datetime(2024, 6, 1, tz="Asia/Seoul"),
    catchup=False,
    max_active_runs=1,
    tags=["newsflow", "replay"],
    default_args={"owner": "newsflow", "retries": 1, "retry_delay": timedelta(minutes=1),
                  "execution_timeout": TASK_TIMEOUT},
    params={
        "start": Param(type="string", format="date", title="Start date",
                       description="First data date to replay (YYYY-MM-DD)."),
        "end": Param(None, type=["null", "string"], format="date", title="End date",
                     description="Last data date, inclusive; empty = the start date."),
        "sources": Param([], type=["null", "array"], items={"type": "string", "pattern": "^[a-z0-9][a-z0-9_-]{0,63}$"},
                         title="Sources", description="Source names; empty = all."),
    },
    render_template_as_native_obj=True,
    doc_md=__doc__,
)
def news_reprocess():
    @task
    def plan() -> list[dict]:
        lake_credentials()
        from airflow.sdk.exceptions import AirflowFailException
        from newsflow.config import ConfigError
        from newsflow.pipeline import replay_plan

        ctx = get_current_context()
        params = ctx["params"]
        try:
            return replay_plan(SOURCES_FILE, LAKE, ctx["dag_run"].run_id, params["start"], params.get("end"),
                               params.get("sources"))
        except ConfigError as exc:
            raise AirflowFailException(str(exc)) from None

    @task(pool=PUBLISH_POOL)
    def migrate() -> dict:
        """A lake in an older layout is moved to the current one before any day is replayed (once;
        later runs read one marker file), in the publish pool like every writer."""
        lake_credentials()
        from newsflow.pipeline import migrate as run

        return run(LAKE)

    @task(outlets=ASSETS, pool=PUBLISH_POOL, max_active_tis_per_dagrun=1)
    def replay_day(job: dict) -> dict:
        lake_credentials()
        from airflow.sdk.exceptions import AirflowFailException
        from newsflow.pipeline import QualityGateError, reprocess

        try:
            return reprocess(job)
        except QualityGateError as exc:
            raise AirflowFailException(str(exc)) from None

    jobs = plan()
    jobs >> migrate() >> replay_day.expand(job=jobs)


news_reprocess_dag = news_reprocess()
