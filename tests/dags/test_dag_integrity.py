"""DAG integrity and policy: imports cleanly, tagged, retried, nothing done at parse time."""

from __future__ import annotations

import importlib.util
import sys
import time
from pathlib import Path

import pytest

DAGS = Path(__file__).resolve().parents[2] / "dags"


@pytest.fixture(scope="module")
def dagbag():
    from airflow.dag_processing.dagbag import DagBag

    return DagBag(dag_folder=str(DAGS))


def test_dags_import_without_errors(dagbag):
    assert dagbag.import_errors == {}
    assert "news_ingest" in dagbag.dags


def test_every_dag_has_tags_owner_and_retries(dagbag):
    for dag_id, dag in dagbag.dags.items():
        assert dag.tags, f"{dag_id} has no tags"
        for t in dag.tasks:
            assert t.owner and t.owner != "airflow", f"{dag_id}.{t.task_id} has no owner"
            assert t.retries >= 1, f"{dag_id}.{t.task_id} has no retries"
            assert t.execution_timeout and t.execution_timeout.total_seconds() <= 6 * 3600, \
                f"{dag_id}.{t.task_id} may run forever (no execution_timeout)"


def test_news_ingest_shape(dagbag):
    dag = dagbag.dags["news_ingest"]
    assert dag.timetable.expression == "0 3 * * *"
    assert str(getattr(dag.timetable.timezone, "name", dag.timetable.timezone)) == "Asia/Seoul"
    assert not dag.catchup
    assert set(dag.params.keys()) == {"sources", "date", "force_refetch", "urls"}
    fetch = dag.get_task("fetch_sources")
    assert fetch.pool == "newsflow_fetch"
    assert fetch.retries >= 3 and fetch.retry_exponential_backoff
    publish = dag.get_task("publish")
    from newsflow.schemas import TABLES

    assert {o.name for o in publish.outlets} == {f"newsflow.{t}" for t in TABLES}  # every table of the lake
    assert dag.get_task("validate").upstream_task_ids == {"publish"}
    # the stages read in order: fetch per host group, parse/clean/extract per shard, one dedupe
    assert dag.get_task("parse").upstream_task_ids == {"shards"}
    assert dag.get_task("clean").upstream_task_ids == {"parse"}
    assert dag.get_task("dedupe").upstream_task_ids == {"clean"}
    assert dag.get_task("extract").upstream_task_ids == {"clean", "dedupe"}
    assert dag.get_task("publish").upstream_task_ids == {"fetch_sources", "parse", "clean", "dedupe", "extract"}


def test_params_validate_bad_input(dagbag):
    import copy

    from airflow.sdk.exceptions import ParamValidationError

    params = dagbag.dags["news_ingest"].params
    good = copy.deepcopy(params)
    good.update({"date": "2024-06-27", "sources": ["hanbit"]})
    assert good.validate()["date"] == "2024-06-27"
    for bad in ({"date": "27/06/2024"}, {"sources": ["Bad Name"]}, {"force_refetch": "yes"}, {"urls": ["ftp://x"]}):
        with pytest.raises(ParamValidationError):
            p = copy.deepcopy(params)
            p.update(bad)
            p.validate()


def test_no_io_or_heavy_imports_at_parse_time(monkeypatch):
    import airflow.sdk  # noqa: F401  (airflow's own start-up I/O is not the DAG's)

    heavy = ("pandas", "pyarrow", "duckdb", "bs4", "lxml", "requests", "feedparser", "kiwipiepy", "numpy", "newsflow")
    for name in [m for m in sys.modules if m.split(".")[0] in heavy]:
        monkeypatch.delitem(sys.modules, name)
    events: list[tuple[str, str]] = []
    active = [True]

    def hook(event, args):
        if not active[0]:
            return
        if event == "open" and isinstance(args[0], str) and not args[0].endswith((".py", ".pyc", ".so", "extractors.yaml")) \
                and "site-packages" not in args[0] and "zoneinfo" not in args[0] and "/lib/python3" not in args[0] and args[0] != "/dev/null":
            events.append((event, args[0]))
        elif event in ("socket.connect", "subprocess.Popen", "os.system"):
            events.append((event, str(args[:2])))

    sys.addaudithook(hook)
    try:
        for path in DAGS.glob("*.py"):
            spec = importlib.util.spec_from_file_location(f"_policy_{path.stem}", path)
            module = importlib.util.module_from_spec(spec)
            started = time.perf_counter()
            spec.loader.exec_module(module)
            assert time.perf_counter() - started < 2.0, f"{path.name} takes too long to parse"
    finally:
        active[0] = False
    assert events == []
    # newsflow.catalog (table names from the extractor registry) is the one light part allowed
    light = ("newsflow.catalog", "newsflow.config", "newsflow.extract")
    loaded = sorted({m.split(".")[0] for m in sys.modules if m.split(".")[0] != "newsflow"} & set(heavy)
                    | {m for m in sys.modules if m.split(".")[0] == "newsflow" and m != "newsflow"
                       and not m.startswith(light)})
    assert loaded == [], f"DAG files import {loaded} at parse time"


def test_news_reprocess_shape(dagbag):
    dag = dagbag.dags["news_reprocess"]
    assert type(dag.timetable).__name__ == "NullTimetable"  # manual only
    assert set(dag.params.keys()) == {"start", "end", "sources"}
    replay = dag.get_task("replay_day")
    assert replay.pool == "newsflow_publish" and replay.max_active_tis_per_dagrun == 1
    assert dagbag.dags["news_ingest"].get_task("publish").pool == "newsflow_publish"
    assert {o.name for o in replay.outlets} >= {"newsflow.articles", "newsflow.entities", "newsflow.quotes"}


def test_news_maintenance_shape(dagbag):
    dag = dagbag.dags["news_maintenance"]
    assert dag.timetable.expression == "0 5 * * 0"
    assert set(dag.params.keys()) == {"raw_pages_days", "staging_hours"}
    assert all(t.pool == "newsflow_publish" for t in dag.tasks)


# -- pools: a fresh deployment runs without hand-made pools ----------------------------------------
PLUGINS = DAGS.parent / "plugins"


@pytest.fixture(scope="module")
def airflow_db():
    import subprocess

    proc = subprocess.run([sys.executable, "-m", "airflow", "db", "migrate"], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-2000:]


def test_every_pool_the_dags_use_is_one_the_plugin_creates(dagbag):
    from newsflow_airflow import POOLS, PUBLISH_POOL

    used = {t.pool for dag in dagbag.dags.values() for t in dag.tasks} - {"default_pool"}
    assert used == set(POOLS) == {"newsflow_fetch", "newsflow_publish"}
    assert POOLS[PUBLISH_POOL][0] == 1  # one publisher at a time
    assert POOLS["newsflow_fetch"][0] == 4


def test_the_plugin_is_found_in_the_plugins_folder_with_its_listener():
    from airflow._shared.plugins_manager import _load_plugins_from_plugin_directory

    plugins, errors = _load_plugins_from_plugin_directory(str(PLUGINS))
    assert not {k: v for k, v in errors.items() if "newsflow_airflow" in k}
    mine = [p for p in plugins if p.name == "newsflow"]
    assert len(mine) == 1 and any(hasattr(x, "on_starting") for x in mine[0].listeners)


def test_pools_are_created_when_an_airflow_component_starts(airflow_db):
    """What `airflow scheduler` (or dag-processor, triggerer) does first: Job() calls the listeners'
    on_starting, and the newsflow listener creates the missing pools with their documented sizes;
    a pool an operator resized is left alone."""
    from airflow.jobs.job import Job
    from airflow.models.pool import Pool
    from airflow.utils.session import create_session

    with create_session() as s:
        s.query(Pool).filter(Pool.pool.in_(["newsflow_fetch", "newsflow_publish"])).delete()
    Job()
    with create_session() as s:
        pools = {p.pool: (p.slots, p.include_deferred) for p in s.query(Pool)}
    assert pools["newsflow_fetch"] == (4, False) and pools["newsflow_publish"] == (1, False)
    with create_session() as s:
        s.query(Pool).filter(Pool.pool == "newsflow_fetch").update({"slots": 9})
    Job()  # again (a restart): nothing changes
    with create_session() as s:
        assert {p.pool: p.slots for p in s.query(Pool)}["newsflow_fetch"] == 9


def test_the_listener_ignores_a_task_runner_start(airflow_db, monkeypatch):
    """A task's process calls on_starting too (TaskRunnerMarker) and has no database: nothing happens."""
    import newsflow_airflow
    from airflow.sdk.execution_time.task_runner import TaskRunnerMarker

    called = []
    monkeypatch.setattr(newsflow_airflow, "ensure_pools", lambda: called.append(1))
    newsflow_airflow.PoolListener().on_starting(component=TaskRunnerMarker())
    assert called == []


# -- the trigger form: optional fields are not marked required -------------------------------------
def _form_marks_required(schema: dict) -> bool:
    """The Airflow 3 trigger form's rule (airflow/ui, flexible form): a field is required unless its
    schema type is a list that includes "null"."""
    t = schema.get("type")
    return bool(t) and not (isinstance(t, list) and "null" in t)


def test_the_installed_ui_still_decides_required_by_a_null_type():
    assets = Path(__import__("airflow").__file__).parent / "ui" / "dist" / "assets"
    bundles = list(assets.glob("index-*.js"))
    if not bundles:
        pytest.skip("no UI bundle installed")
    assert any("schema.type.includes(`null`)" in b.read_text(encoding="utf-8", errors="replace") for b in bundles)


@pytest.mark.parametrize(("dag_id", "optional", "required"), [
    ("news_ingest", {"sources", "date", "force_refetch", "urls"}, set()),
    ("news_reprocess", {"end", "sources"}, {"start"}),
])
def test_optional_params_are_not_required_in_the_trigger_form(dagbag, dag_id, optional, required):
    params = dagbag.dags[dag_id].params
    marked = {k for k in params.keys() if _form_marks_required(params.get_param(k).schema)}
    assert marked == required and not (optional & marked)


def test_empty_optional_params_validate_and_their_items_are_still_checked(dagbag):
    import copy

    from airflow.sdk.exceptions import ParamValidationError

    params = dagbag.dags["news_ingest"].params
    p = copy.deepcopy(params)
    p.update({"sources": None, "urls": None, "force_refetch": None, "date": None})
    assert p.validate() == {"sources": None, "urls": None, "force_refetch": None, "date": None}
    for bad in ({"sources": ["Bad Name"]}, {"urls": ["ftp://x"]}, {"force_refetch": "yes"}):
        with pytest.raises(ParamValidationError):
            q = copy.deepcopy(params)
            q.update(bad)
            q.validate()
    r = copy.deepcopy(dagbag.dags["news_reprocess"].params)
    r.update({"start": "2024-06-27", "sources": None, "end": None})
    assert r.validate()["sources"] is None
    with pytest.raises(ParamValidationError):
        r.update({"sources": ["Bad Name"]})
        r.validate()


def test_the_pipeline_accepts_null_params(tmp_path):
    """What the plan task passes when the form leaves the fields empty (null)."""
    from newsflow.config import default_sources_file
    from newsflow.pipeline import plan

    jobs = plan(default_sources_file(), str(tmp_path), "r", "2024-06-27", None, None, None)
    assert jobs and all(j["run"]["force_refetch"] is False and not j["urls"] for j in jobs)


# -- migrate: the layout migration runs in the publish pool, before anything reads history ------------
def test_migrate_runs_in_the_publish_pool_before_any_history_is_read(dagbag):
    from newsflow_airflow import PUBLISH_POOL

    for dag_id in ("news_ingest", "news_reprocess"):
        dag = dagbag.dags[dag_id]
        migrate = dag.get_task("migrate")
        assert migrate.pool == PUBLISH_POOL, dag_id
        assert migrate.upstream_task_ids == {"plan"}, dag_id
        after = migrate.get_flat_relative_ids(upstream=False)
        assert after == {t.task_id for t in dag.tasks} - {"plan", "migrate"}, dag_id
    assert "migrate" in dagbag.dags["news_ingest"].get_task("fetch_sources").upstream_task_ids
    assert "migrate" in dagbag.dags["news_reprocess"].get_task("replay_day").upstream_task_ids
