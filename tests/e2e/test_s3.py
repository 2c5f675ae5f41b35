"""Object storage: the whole DAG against a local S3-compatible server (moto) on 127.0.0.1."""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from newsflow.lake import Lake
from newsflow.sample_site import start_in_thread

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.e2e


@pytest.fixture
def s3_lake(monkeypatch):
    proc = subprocess.run([sys.executable, "-m", "airflow", "db", "migrate"], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-2000:]
    boto3 = pytest.importorskip("boto3")
    server_mod = pytest.importorskip("moto.server")
    server = server_mod.ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    endpoint = f"http://{host}:{port}"
    for k in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_ENDPOINT_URL", "AWS_SESSION_TOKEN"):
        monkeypatch.delenv(k, raising=False)
    boto3.client("s3", endpoint_url=endpoint, aws_access_key_id="test", aws_secret_access_key="test",
                 region_name="us-east-1").create_bucket(Bucket="newsflow-lake")
    # credentials come from an Airflow connection (here defined through the environment)
    monkeypatch.setenv("AIRFLOW_CONN_NEWSFLOW_LAKE", json.dumps({
        "conn_type": "aws", "login": "test", "password": "test",
        "extra": {"endpoint_url": endpoint, "region_name": "us-east-1"}}))
    monkeypatch.setenv("NEWSFLOW_LAKE_CONN_ID", "newsflow_lake")
    for k in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_ENDPOINT_URL", "AWS_DEFAULT_REGION"):
        monkeypatch.setenv(k, os.environ.get(k, ""))  # restored after the test (the DAG's tasks set them)
    site, base = start_in_thread()
    monkeypatch.setenv("NEWSFLOW_SAMPLE_BASE", base)
    monkeypatch.setenv("NEWSFLOW_LAKE", "s3://newsflow-lake/prod")
    yield "s3://newsflow-lake/prod"
    site.shutdown()
    server.stop()


def test_news_ingest_and_replay_on_s3(s3_lake):
    spec = importlib.util.spec_from_file_location("s3_news_ingest", ROOT / "dags" / "news_ingest.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert module.ASSETS[0].uri == "s3://newsflow-lake/prod/articles"
    logical = datetime(2024, 6, 28, 3, tzinfo=ZoneInfo("Asia/Seoul"))
    for _ in range(2):  # idempotent on object storage too
        run = module.news_ingest_dag.test(logical_date=logical, run_conf={"date": "2024-06-27"})
        assert run.state == "success"
        lake = Lake(s3_lake)
        arts = lake.read_table("articles", ["article_id", "source"]).to_pylist()
        assert len(arts) == 19 and len({a["article_id"] for a in arts}) == 19
    assert lake.read_table("entities", ["article_id"]).num_rows > 100
    assert lake.read_table("raw_pages", ["url"]).num_rows == 24
    assert not lake.exists(lake.staging(run.run_id))  # hand-offs dropped after the gates
    from newsflow.pipeline import replay_plan, reprocess
    from newsflow.config import default_sources_file

    (job,) = replay_plan(default_sources_file(), s3_lake, "replay", "2024-06-27")
    assert reprocess(job)["articles"] == 19
