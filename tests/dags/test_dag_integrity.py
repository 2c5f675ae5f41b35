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
