"""End to end: news_ingest with dag.test() against the offline sample site, twice."""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import duckdb
import pytest
from newsflow.sample_site import start_in_thread

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def env(tmp_path_factory):
    proc = subprocess.run([sys.executable, "-m", "airflow", "db", "migrate"], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-2000:]
    server, base = start_in_thread()
    lake = tmp_path_factory.mktemp("lake")
    old = {k: os.environ.get(k) for k in ("NEWSFLOW_SAMPLE_BASE", "NEWSFLOW_LAKE")}
    os.environ.update(NEWSFLOW_SAMPLE_BASE=base, NEWSFLOW_LAKE=str(lake))
    spec = importlib.util.spec_from_file_location("e2e_news_ingest", ROOT / "dags" / "news_ingest.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    yield module.news_ingest_dag, lake
    server.shutdown()
    for k, v in old.items():
        if v is None:
            os.environ.pop(k, None)
        else:
            os.environ[k] = v


def q(lake: Path, sql: str) -> list[tuple]:
    sql = sql.replace("{articles}", f"read_parquet('{lake}/articles/*/*/*.parquet', hive_partitioning=true)")
    every_run = f"read_parquet('{lake}/fetch_log/*/*/*.parquet', hive_partitioning=true)"
    sql = sql.replace("{fetch_log_all}", every_run)  # every run's attempts
    # the day's view (include/sql/views.sql fetch_log_latest): each URL's latest attempt
    sql = sql.replace("{fetch_log}", f"(SELECT * EXCLUDE (rn) FROM (SELECT *, row_number() OVER (PARTITION BY date, "
                                     f"source, url ORDER BY fetched_at DESC NULLS LAST, run_id DESC) AS rn FROM "
                                     f"{every_run}) WHERE rn = 1)")
    sql = sql.replace("{raw_pages}", f"read_parquet('{lake}/raw_pages/*/*/*.parquet', hive_partitioning=true)")
    sql = sql.replace("{runs}", f"read_parquet('{lake}/runs/*/*/*.parquet', hive_partitioning=true)")
    for t in ("entities", "quotes", "dates", "numbers", "keywords", "term_df", "template_lines", "lsh_bands",
              "signatures"):
        sql = sql.replace("{" + t + "}", f"read_parquet('{lake}/{t}/*/*/*.parquet', hive_partitioning=true)")
    sql = sql.replace("{rejects}", f"read_parquet('{lake}/rejects/*/*/*.parquet', hive_partitioning=true)")
    return duckdb.connect().execute(sql).fetchall()


def asset_events(run_id: str) -> list[str]:
    from airflow.models.asset import AssetEvent, AssetModel
    from airflow.utils.session import create_session
    from sqlalchemy import select

    with create_session() as session:
        return sorted(session.scalars(select(AssetModel.name).join(AssetEvent, AssetEvent.asset_id == AssetModel.id)
                                      .where(AssetEvent.source_run_id == run_id)).all())


def check_lake(lake: Path) -> None:
    assert q(lake, "SELECT source, count(*) FROM {articles} GROUP BY 1 ORDER BY 1") == [
        ("dongnam", 6), ("hanbit", 7), ("hanbit-en", 6)]
    assert q(lake, "SELECT count(*), count(DISTINCT article_id) FROM {articles}") == [(19, 19)]
    assert q(lake, "SELECT DISTINCT date::VARCHAR FROM {articles}") == [("2024-06-27",)]
    # both syndicated copies (one exact, one lightly edited with a sentence added) are kept and
    # marked; the original source, which published first, is canonical
    dup = q(lake, "SELECT a.source, b.source, b.url FROM {articles} a JOIN {articles} b USING (dup_cluster_id) "
                  "WHERE a.is_canonical AND NOT b.is_canonical ORDER BY b.url")
    assert [(a, b, u.rsplit("/", 1)[1]) for a, b, u in dup] == [("hanbit", "dongnam", "4513.html"),
                                                               ("hanbit", "dongnam", "4514.html")]
    assert q(lake, "SELECT count(DISTINCT dup_cluster_id) FROM {articles}") == [(17,)]
    # the EUC-KR paper decodes to Hangul; seed-style pages come out clean
    assert q(lake, "SELECT count(*) FROM {articles} WHERE source = 'dongnam' AND encoding = 'cp949' "
                   "AND body LIKE '%경남%'")[0][0] >= 1
    assert q(lake, "SELECT count(*) FROM {articles} WHERE body LIKE '%무단%' OR body LIKE '%@%' "
                   "OR body LIKE '%©%'") == [(0,)]
    assert q(lake, "SELECT count(*) FROM {articles} WHERE published_date <> DATE '2024-06-27'") == [(0,)]
    assert q(lake, "SELECT source, stage, reason FROM {rejects} ORDER BY ALL") == [
        ("hanbit", "fetch", "http_404"), ("hanbit", "parse", "not_article")]
    # exactly one fetch_log row per URL: 4 feeds, 21 pages, 1 robots.txt (one host); and each run
    # left exactly one row per URL it attempted
    assert q(lake, "SELECT kind, count(*), count(DISTINCT url) FROM {fetch_log} GROUP BY 1 ORDER BY 1") == [
        ("feed", 4, 4), ("page", 21, 21), ("robots", 1, 1)]
    assert q(lake, "SELECT count(*) FROM (SELECT run_id, url FROM {fetch_log_all} GROUP BY ALL HAVING count(*) > 1)"
             ) == [(0,)]
    # extraction: every article has entities and keywords, in the articles' partitions; people
    # come with their roles, quotes with speakers, and offsets point into articles.body
    for t in ("entities", "keywords"):
        assert q(lake, f"SELECT count(DISTINCT article_id) FROM {{{t}}} f JOIN {{articles}} a USING (article_id, date, source)"
                 ) == [(19,)]
    people = q(lake, "SELECT canonical, role FROM {entities} WHERE type = 'PERSON'")
    assert ("홍재석", "산업통상자원부 무역안보정책관") in people and ("Jang Hyun-woo", "analyst, Kiwoom Securities") in people
    assert ("박성훈", "한국은행 조사국 물가동향팀장") in people
    said = q(lake, "SELECT speaker, left(text, 9) FROM {quotes}")
    assert ("한국은행", "근원물가 상승률이") in said and ("최영석", "수출 허가 절차에") in said
    for t in ("entities", "quotes", "dates", "numbers"):
        assert q(lake, f"SELECT count(*) FROM {{{t}}} f JOIN {{articles}} a USING (article_id) "
                       "WHERE substr(a.body, f.start + 1, f.\"end\" - f.start) <> f.text") == [(0,)], t
    assert q(lake, "SELECT count(*) FROM {numbers} WHERE unit = 'KRW' AND value = 1.5e12") != [(0,)]
    assert q(lake, "SELECT min(lang_confidence) > 0.5 FROM {articles}") == [(True,)]


def test_news_ingest_twice_publishes_the_same_rows(env):
    dag, lake = env
    logical = datetime(2024, 6, 28, 3, 0, tzinfo=ZoneInfo("Asia/Seoul"))
    first = dag.test(logical_date=logical, run_conf={"date": "2024-06-27"})
    assert first.state == "success"
    check_lake(lake)
    from newsflow.schemas import TABLES

    assert asset_events(first.run_id) == sorted(f"newsflow.{t}" for t in TABLES)
    # the replay zone keeps the bytes of every feed and page fetched (the 404 has none)
    assert q(lake, "SELECT kind, count(*) FROM {raw_pages} WHERE octet_length(body) > 0 GROUP BY 1 ORDER BY 1") == [
        ("feed", 4), ("page", 20)]
    assert q(lake, "SELECT count(*) FROM {fetch_log} WHERE outcome = 'fetched' AND kind = 'page'") == [(20,)]
    before = q(lake, "SELECT article_id, content_hash, dup_cluster_id, is_canonical FROM {articles} ORDER BY 1")

    second = dag.test(logical_date=logical, run_conf={"date": "2024-06-27"})
    assert second.state == "success"
    check_lake(lake)
    # incremental: the 19 published articles were not fetched again (the 404 and the promo page were),
    # and the feeds answered 304 to a conditional GET, their bodies coming from raw_pages
    assert q(lake, "SELECT kind, outcome, count(*) FROM {fetch_log} WHERE kind <> 'robots' GROUP BY ALL ORDER BY ALL"
             ) == [("feed", "not_modified", 4), ("page", "failed", 1), ("page", "not_modified", 1),
                   ("page", "skipped_known", 19)]
    assert q(lake, "SELECT article_id, content_hash, dup_cluster_id, is_canonical FROM {articles} ORDER BY 1") == before
    assert q(lake, "SELECT DISTINCT run_id FROM {articles}") == [(first.run_id,)]  # kept, not rewritten
    # runs keeps one row per run, stage and source; clean's removals are counted by reason
    assert q(lake, "SELECT count(DISTINCT run_id), count(*) FROM {runs}") == [(2, 30)]  # 5 stages x 3 sources
    removed = q(lake, "SELECT counts->>'$.removed.repeated', counts->>'$.removed.copyright' FROM {runs} "
                      f"WHERE run_id = '{first.run_id}' AND source = 'hanbit' AND stage = 'clean'")
    assert removed == [("10", "7")]  # the seed-style pages' second pass, one copyright line per page
    per_article = q(lake, "SELECT sum((clean_removed->>'$.repeated')::INT) FROM {articles} WHERE source = 'hanbit'")
    assert per_article == [(10,)]  # and per article, in articles.clean_removed

    facts = q(lake, "SELECT count(*) FROM {entities}")
    third = dag.test(logical_date=logical, run_conf={"date": "2024-06-27", "force_refetch": True})
    assert third.state == "success"
    check_lake(lake)
    # forced: every page is asked for again, answers 304, and is re-parsed from the replay zone
    assert q(lake, "SELECT outcome, count(*) FROM {fetch_log} WHERE kind = 'page' GROUP BY 1 ORDER BY 1") == [
        ("failed", 1), ("not_modified", 20)]
    assert q(lake, "SELECT DISTINCT run_id FROM {articles}") == [(third.run_id,)]
    # every run's attempts are kept (a rerun never erases the night's fetch history)
    assert q(lake, "SELECT count(DISTINCT run_id) FROM {fetch_log_all}") == [(3,)]
    # re-extracted articles replace their fact rows instead of adding to them
    assert q(lake, "SELECT count(*) FROM {entities}") == facts
    assert q(lake, "SELECT DISTINCT run_id FROM {entities}") == [(third.run_id,)]
    assert not list((lake / "_staging").glob("*/*"))  # hand-offs are cleaned up after the checks


def test_news_reprocess_replays_the_day_from_the_raw_zone(env):
    """Runs after the ingest test above (same lake): the replay DAG republishes the same rows."""
    _, lake = env
    spec = importlib.util.spec_from_file_location("e2e_news_reprocess", ROOT / "dags" / "news_reprocess.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    before = q(lake, "SELECT article_id, content_hash, dup_cluster_id, is_canonical FROM {articles} ORDER BY 1")
    facts = q(lake, "SELECT count(*) FROM {entities}")
    run = module.news_reprocess_dag.test(logical_date=datetime(2024, 7, 1, tzinfo=ZoneInfo("Asia/Seoul")),
                                         run_conf={"start": "2024-06-26", "end": "2024-06-27"})
    assert run.state == "success"
    check_lake(lake)
    assert q(lake, "SELECT article_id, content_hash, dup_cluster_id, is_canonical FROM {articles} ORDER BY 1") == before
    assert q(lake, "SELECT count(*) FROM {entities}") == facts
    assert q(lake, "SELECT DISTINCT run_id FROM {articles}") == [(f"{run.run_id}__2024-06-27",)]


def test_news_maintenance_keeps_every_row(env):
    """Runs after the ingest and replay tests above (same lake)."""
    _, lake = env
    spec = importlib.util.spec_from_file_location("e2e_news_maintenance", ROOT / "dags" / "news_maintenance.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    counts = {t: q(lake, f"SELECT count(*) FROM {{{t}}}") for t in ("articles", "entities", "raw_pages", "fetch_log")}
    run = module.news_maintenance_dag.test(logical_date=datetime(2024, 7, 7, 5, tzinfo=ZoneInfo("Asia/Seoul")),
                                           run_conf={"raw_pages_days": 100000})
    assert run.state == "success"
    assert {t: q(lake, f"SELECT count(*) FROM {{{t}}}") for t in counts} == counts
    check_lake(lake)


def test_bad_params_fail_with_a_clear_message(env):
    dag, _ = env
    from airflow.sdk.exceptions import ParamValidationError

    with pytest.raises(ParamValidationError):
        dag.test(logical_date=datetime(2024, 6, 28, 3, tzinfo=ZoneInfo("Asia/Seoul")), run_conf={"date": "june"})


def test_unknown_source_fails_the_run_without_retrying(env, capfd, caplog):
    dag, _ = env
    run = dag.test(logical_date=datetime(2024, 6, 28, 3, tzinfo=ZoneInfo("Asia/Seoul")),
                   run_conf={"date": "2024-06-27", "sources": ["nope"]})
    assert run.state == "failed"
    out, err = capfd.readouterr()
    assert "unknown source(s) 'nope'; known sources: dongnam, hanbit, hanbit-en" in out + err
    assert caplog.text.count("[DAG TEST] starting task_id=plan") == 1  # not retried


def test_an_empty_trigger_form_runs_and_every_task_logs_a_summary(env, capfd, caplog):
    """The form sends null for the optional fields it leaves empty; the run is an ordinary
    incremental one, and each task ends with its one-line summary (validate names the gates)."""
    import logging

    caplog.set_level(logging.INFO)
    dag, lake = env
    run = dag.test(logical_date=datetime(2024, 6, 28, 3, tzinfo=ZoneInfo("Asia/Seoul")),
                   run_conf={"date": "2024-06-27", "sources": None, "urls": None, "force_refetch": None})
    assert run.state == "success"
    check_lake(lake)
    out, err = capfd.readouterr()
    text = out + err + caplog.text
    for line in ("plan: 2024-06-27, 3 source(s) in 1 fetch job(s)", "migrate: the lake is in the current layout",
                 "fetch: hanbit, hanbit-en, dongnam for 2024-06-27 in", "shards: ", "publish: dongnam, hanbit, hanbit-en",
                 "rejects: fetch/http_404 1, parse/not_article 1", "validate 2024-06-27: all 7 quality gates passed"):
        assert line in text, line
    assert "hanbit       2 to fetch (+7 already in the lake, skipped)" in text  # an incremental run
