"""The operator's dashboard (newsflow.dashboard, plugins/newsflow_ui.py): its API answers what the
lake holds. A small lake is made by the pipeline itself (`newsflow run`'s run_all) on the sample
site for two nights; every number the endpoints give is checked against DuckDB over the files."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest
from fastapi.testclient import TestClient

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def lake(nights_lake) -> Path:
    return nights_lake


@pytest.fixture(scope="module")
def plugin(ui_plugin):
    return ui_plugin


@pytest.fixture(scope="module")
def client(lake, plugin) -> TestClient:
    return TestClient(plugin.create_app(lake=str(lake), auth=False))


def q(lake: Path, table: str, sql: str) -> list[tuple]:
    """``sql`` over the table's files, ``{t}`` standing for them."""
    rel = f"read_parquet('{lake}/{table}/*/*/*.parquet', hive_partitioning = true, union_by_name = true)"
    return duckdb.connect().execute(sql.format(t=rel)).fetchall()


def test_nights_counts_articles_per_source_per_night_as_the_lake_does(client, lake, nights):
    d = client.get("/api/nights").json()
    assert d["status"] == "ok" and d["nights"] == list(nights)
    assert d["sources"] == ["dongnam", "hanbit", "hanbit-en"]
    got = {(a["date"], a["source"]): (a["articles"], a["canonical"], a["duplicates"]) for a in d["articles"]}
    want = {(str(day), src): (n, c, n - c) for day, src, n, c in q(lake, "articles", (
        "SELECT date, source, count(*), count(*) FILTER (WHERE is_canonical) FROM {t} GROUP BY ALL"))}
    assert got == want
    assert sum(n for n, _, _ in got.values()) == q(lake, "articles", "SELECT count(*) FROM {t}")[0][0] == 22
    assert got[("2024-06-27", "dongnam")] == (6, 4, 2)  # the sample site's two copied stories
    rate = {(a["date"], a["source"]): a["duplicate_rate"] for a in d["articles"]}
    assert rate[("2024-06-27", "dongnam")] == round(2 / 6, 4) and rate[("2024-06-27", "hanbit")] == 0


def test_rejects_by_reason_equal_the_rejects_table(client, lake):
    d = client.get("/api/nights").json()
    got = sorted((r["date"], r["source"], r["stage"], r["reason"], r["rejects"]) for r in d["rejects"])
    want = sorted((str(a), b, c, e, n) for a, b, c, e, n in q(
        lake, "rejects", "SELECT date, source, stage, reason, count(*) FROM {t} GROUP BY ALL"))
    assert got == want == [("2024-06-27", "hanbit", "fetch", "http_404", 1),
                           ("2024-06-27", "hanbit", "parse", "not_article", 1)]


def test_stage_durations_come_from_runs_seconds(client, lake, nights):
    d = client.get("/api/nights").json()
    got = {(s["run_id"], s["stage"]): s["seconds"] for s in d["stages"]}
    for run_id, stage, total, longest in q(lake, "runs", (
            "SELECT run_id, stage, sum(seconds), max(seconds) FROM {t} GROUP BY ALL")):
        want = longest if stage == "fetch" else total  # fetch: one job per host group, parallel
        assert got[(run_id, stage)] == (None if want is None else pytest.approx(want, abs=1e-3))
    assert {s["stage"] for s in d["stages"]} >= {"fetch", "parse", "clean", "extract"}
    runs = {r["run_id"]: r for r in d["runs"]}
    assert set(runs) == {f"scheduled__{n}" for n in nights}
    assert runs["scheduled__2024-06-27"]["articles"] == 19 and runs["scheduled__2024-06-27"]["rejects"] == 2
    assert runs["scheduled__2024-06-27"]["seconds"]["fetch"] > 0


def test_fetch_rate_is_measured_per_host_against_the_politeness_budget(client, lake):
    d = client.get("/api/nights").json()
    assert len(d["fetch"]) == 2  # one host (the sample site) per night
    requests = dict(q(lake, "fetch_log", "SELECT run_id, sum(attempts) FROM {t} WHERE attempts > 0 GROUP BY 1"))
    for f in d["fetch"]:
        assert f["host"].startswith("127.0.0.1:") and f["sources"] == "dongnam,hanbit,hanbit-en"
        assert f["requests"] == requests[f["run_id"]]
        assert f["budget"] == 50.0  # rate_per_host of include/sources.yaml's sample sources
        assert f["rate"] is not None and 0 < f["rate"] <= f["budget"] * 1.2
        assert f["utilization"] == pytest.approx(f["rate"] / 50.0, abs=1e-3)
        assert f["peak_1s"] <= f["requests"] and f["over_budget"] is False


def test_fetch_over_budget_is_flagged(lake, monkeypatch):
    from newsflow import dashboard

    monkeypatch.setattr(dashboard, "budgets", lambda sources_file=None: ({"127.0.0.1": 2.0}, {}))
    d = dashboard.nights(str(lake))
    assert all(f["budget"] == 2.0 and f["over_budget"] for f in d["fetch"] if f["peak_1s"] > 3)
    assert dashboard.totals(d)["over_budget"] >= 1


def test_days_and_source_bound_the_answer(client, lake):
    d = client.get("/api/nights", params={"days": 1}).json()
    assert d["nights"] == ["2024-06-27"] and {a["date"] for a in d["articles"]} == {"2024-06-27"}
    d = client.get("/api/nights", params={"source": "dongnam"}).json()
    assert {a["source"] for a in d["articles"]} == {"dongnam"} and sum(a["articles"] for a in d["articles"]) == 7
    assert client.get("/api/nights", params={"days": 0}).status_code == 422
    assert client.get("/api/nights", params={"days": 10_000}).status_code == 422


def test_one_run(client, lake, nights):
    d = client.get("/api/run/scheduled__2024-06-27").json()
    assert d["status"] == "ok" and d["run_id"] == "scheduled__2024-06-27" and d["nights"] == ["2024-06-27"]
    n = q(lake, "articles", "SELECT count(*) FROM {t} WHERE run_id = 'scheduled__2024-06-27'")[0][0]
    assert sum(a["articles"] for a in d["articles"]) == n == 19
    assert [r["run_id"] for r in d["runs"]] == ["scheduled__2024-06-27"]
    # a news_reprocess run publishes each date as <run_id>__<date>: its id finds them all
    assert client.get("/api/run/scheduled").json()["nights"] == list(nights)
    # Airflow run ids carry ':' and '+'
    d = client.get("/api/run/manual__2024-06-27T03:00:00+09:00").json()
    assert d["status"] == "empty" and "no rows of run" in d["message"]


def test_page_draws_every_chart(client):
    r = client.get("/")
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/html")
    for chart in ("articles", "rejects", "duplicates", "stages", "fetch"):
        assert f'data-chart="{chart}"' in r.text
    assert "hanbit-en" in r.text and "fetch/http_404" in r.text and "scheduled__2024-06-27" in r.text
    assert "<script" not in r.text and "http://" not in r.text.replace('xmlns="http://www.w3.org/2000/svg"', "")
    r = client.get("/", params={"source": "dongnam"})  # a source without rejects: said so, not an empty chart
    assert r.status_code == 200 and "No rejects in this range" in r.text and 'data-chart="articles"' in r.text
    r = client.get("/", params={"run_id": "scheduled__2024-06-26", "dag_id": "news_ingest"})
    assert r.status_code == 200 and "Run scheduled__2024-06-26" in r.text and "DAG news_ingest" in r.text


@pytest.mark.parametrize("kind", ["missing", "empty"])
def test_no_lake_is_a_message_not_a_stack_trace(plugin, tmp_path, kind):
    root = tmp_path / "lake"
    if kind == "empty":
        (root / "articles").mkdir(parents=True)
    client = TestClient(plugin.create_app(lake=str(root), auth=False))
    d = client.get("/api/nights").json()
    assert d["status"] == kind and d["articles"] == [] and str(root) in d["message"]
    assert client.get("/api/health").json()["status"] == kind
    r = client.get("/")
    assert r.status_code == 200 and 'id="message"' in r.text and "Traceback" not in r.text
    assert ("No lake at" if kind == "missing" else "no articles and no runs yet") in r.text


def test_bad_page_parameters_say_what_is_wrong(client):
    r = client.get("/", params={"days": "abc"})
    assert r.status_code == 400 and "days must be a whole number" in r.text and "Traceback" not in r.text


def test_lake_comes_from_newsflow_lake(plugin, lake, monkeypatch):
    monkeypatch.setenv("NEWSFLOW_LAKE", str(lake))
    client = TestClient(plugin.create_app(auth=False))
    assert client.get("/api/health").json() == {"lake": str(lake), "status": "ok", "message": ""}


def test_under_airflow_every_route_needs_a_logged_in_user(plugin, lake):
    client = TestClient(plugin.create_app(lake=str(lake), auth=True))
    for path in ("/", "/api/nights", "/api/run/x", "/api/health"):
        assert client.get(path).status_code == 401


def test_the_plugin_links_the_page_from_the_nav_every_dag_and_every_run(plugin):
    from airflow.api_fastapi.app import RESERVED_URL_PREFIXES
    from airflow.api_fastapi.core_api.datamodels.plugins import ExternalViewResponse

    p = plugin.NewsflowUIPlugin
    [app] = p.fastapi_apps
    assert app["url_prefix"] == "/newsflow" and not any(app["url_prefix"].startswith(x) for x in RESERVED_URL_PREFIXES)
    views = {v["destination"]: ExternalViewResponse(**v) for v in p.external_views}
    assert set(views) == {"nav", "dag", "dag_run"}
    assert "{DAG_ID}" in views["dag"].href and "{RUN_ID}" in views["dag_run"].href
    assert all(v.href.startswith("newsflow/") for v in views.values())  # relative: the UI's <base href> applies


def test_airflow_loads_the_plugin_from_the_plugins_folder():
    from airflow._shared.plugins_manager import _load_plugins_from_plugin_directory

    plugins, errors = _load_plugins_from_plugin_directory(str(ROOT / "plugins"))
    assert not {k: v for k, v in errors.items() if "newsflow_ui" in k}
    [mine] = [p for p in plugins if p.name == "newsflow_ui"]
    assert mine.fastapi_apps[0]["url_prefix"] == "/newsflow" and len(mine.external_views) == 3
