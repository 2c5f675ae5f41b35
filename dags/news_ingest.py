"""news_ingest: nightly ingestion of the sources in include/sources.yaml into the lake.

Wiring only: every task calls one function of ``newsflow.pipeline`` (imported inside
the task, so parsing this file does no I/O and no heavy imports). XCom carries paths
under the lake root and counts, never page content.

plan checks the parameters; migrate (in the publish pool) brings an older lake to the current
layout before anything reads the lake's history. Schedule: 03:00 Asia/Seoul every day, for the previous Seoul day. A manual trigger
uses the Params form: sources (empty = all), date (empty = the day before the run's
logical date), force_refetch, urls (fetch exactly these URLs). Fetching is mapped over
groups of sources that share a host, so each host's politeness budget holds run-wide. The
fetched pages are cut into shards (at most ``processing.batch_size`` pages of one source);
parse, clean and extract are mapped over the shards, so every worker takes part; dedupe is the
one global step and sees only signatures.
"""

from __future__ import annotations

from datetime import timedelta

import pendulum
from airflow.sdk import CronTriggerTimetable, Param, dag, get_current_context, task

from newsflow_airflow import (FETCH_POOL, PUBLISH_POOL, TASK_TIMEOUT, lake_assets, lake_credentials, lake_root,
                              sources_file)

LAKE, SOURCES_FILE = lake_root(), sources_file()

# The pools (FETCH_POOL caps concurrent fetch tasks across all runs, PUBLISH_POOL keeps writers
# apart) are created by the newsflow plugin's listener when the scheduler starts.
ASSETS = lake_assets()

NETWORK_RETRIES = {"retries": 3, "retry_delay": timedelta(minutes=2), "retry_exponential_backoff": True,
                   "max_retry_delay": timedelta(minutes=20)}


@dag(
    dag_id="news_ingest",
    description="Discover, fetch, parse, clean, dedupe, extract and publish news to the lake",
    schedule=CronTriggerTimetable("0 3 * * *", timezone="Asia/Seoul"),
    start_date=pendulum.datetime(2024, 6, 1, tz="Asia/Seoul"),
    catchup=False,
    max_active_runs=1,
    tags=["newsflow", "ingest"],
    default_args={"owner": "newsflow", "retries": 1, "retry_delay": timedelta(minutes=1),
                  "execution_timeout": TASK_TIMEOUT},
    params={
        "sources": Param([], type=["null", "array"], items={"type": "string", "pattern": "^[a-z0-9][a-z0-9_-]{0,63}$"},
                         title="Sources", description="Source names from include/sources.yaml; empty = all."),
        "date": Param(None, type=["null", "string"], format="date", title="Date",
                      description="Data date (YYYY-MM-DD, the sources' local date); empty = the day before "
                                  "the run's logical date in Asia/Seoul."),
        "force_refetch": Param(False, type=["null", "boolean"], title="Force refetch",
                               description="Fetch URLs even if the lake already has them."),
        "urls": Param([], type=["null", "array"], items={"type": "string", "pattern": "^https?://[^\\s/]+"},
                      title="URLs", description="Fetch exactly these article URLs instead of the feeds "
                                                "(each goes to the source sharing its host, else 'adhoc')."),
    },
    render_template_as_native_obj=True,
    doc_md=__doc__,
)
def news_ingest():
    @task
    def plan() -> list[dict]:
        lake_credentials()
        from airflow.sdk.exceptions import AirflowFailException
        from newsflow.config import ConfigError
        from newsflow.pipeline import plan as plan_jobs
        from newsflow.pipeline import resolve_date

        ctx = get_current_context()
        params, dag_run = ctx["params"], ctx["dag_run"]
        try:
            day = resolve_date(params.get("date"), dag_run.logical_date or dag_run.run_after)
            return plan_jobs(SOURCES_FILE, LAKE, dag_run.run_id, day, params.get("sources"),
                             params.get("force_refetch", False), params.get("urls"))
        except ConfigError as exc:  # bad input: fail at once with the message, no retries
            raise AirflowFailException(str(exc)) from None

    @task(pool=PUBLISH_POOL)
    def migrate() -> dict:
        """A lake in an older layout is moved to the current one (once; later runs read one marker
        file). It rewrites partitions, so it holds the publish pool like every writer, and it runs
        before fetch_sources, whose known-URL and validator lookups are the first reads of history."""
        lake_credentials()
        from newsflow.pipeline import migrate as run

        return run(LAKE)

    @task(**NETWORK_RETRIES, pool=FETCH_POOL, max_active_tis_per_dagrun=4)
    def fetch_sources(job: dict) -> dict:
        lake_credentials()
        from newsflow.pipeline import fetch_sources as run

        return run(job)

    @task
    def shards(fetched: list[dict]) -> list[dict]:
        """Every host group's shards (at most batch_size pages of one source each), as one list."""
        from newsflow.pipeline import shards as run

        return run(list(fetched))

    @task
    def parse(shard: dict) -> dict:
        lake_credentials()
        from newsflow.pipeline import parse_shard

        return parse_shard(shard)

    @task
    def clean(parsed: dict) -> dict:
        lake_credentials()
        from newsflow.pipeline import clean_shard

        return clean_shard(parsed)

    @task
    def dedupe(cleaned: list[dict]) -> dict:
        """The one global step: tonight's signatures against each other and the lake's index."""
        lake_credentials()
        from newsflow.pipeline import dedupe as run

        return run(list(cleaned))

    @task
    def extract(cleaned: dict, deduped: dict) -> dict:
        lake_credentials()
        from newsflow.pipeline import extract_shard

        return extract_shard(cleaned, deduped)

    @task(outlets=ASSETS, retries=3, pool=PUBLISH_POOL)
    def publish(fetched: list[dict], parsed: list[dict], cleaned: list[dict], deduped: dict,
                extracted: list[dict]) -> dict:
        lake_credentials()
        from newsflow.pipeline import publish as run

        return run(list(fetched), list(parsed), list(cleaned), deduped, list(extracted))

    @task
    def validate(result: dict) -> dict:
        """Quality gates: keys, nulls, date ranges, references, row counts against recent runs."""
        lake_credentials()
        from airflow.sdk.exceptions import AirflowFailException
        from newsflow.pipeline import QualityGateError, check

        try:
            return check(result)
        except QualityGateError as exc:  # broken data does not get better by retrying
            raise AirflowFailException(str(exc)) from None

    jobs = plan()
    fetched = fetch_sources.expand(job=jobs)
    jobs >> migrate() >> fetched
    parsed = parse.expand(shard=shards(fetched))
    cleaned = clean.expand(parsed=parsed)
    deduped = dedupe(cleaned)
    extracted = extract.partial(deduped=deduped).expand(cleaned=cleaned)
    validate(publish(fetched, parsed, cleaned, deduped, extracted))


news_ingest_dag = news_ingest()
