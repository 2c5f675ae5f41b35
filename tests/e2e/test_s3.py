"""Object storage: the whole DAG against a local S3-compatible server (moto) on 127.0.0.1.

The DAG runs in its own process with its own Airflow home: a DAG id can hold one definition
per Airflow database, and the other e2e tests register news_ingest with a local lake.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pyarrow.fs as pafs
import pytest
from newsflow.lake import Lake
from newsflow.sample_site import start_in_thread

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.e2e

RUNNER = textwrap.dedent("""
    import importlib.util, sys
    from datetime import datetime
    from zoneinfo import ZoneInfo
    spec = importlib.util.spec_from_file_location("s3_news_ingest", sys.argv[1])
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert module.ASSETS[0].uri == "s3://newsflow-lake/prod/articles", module.ASSETS[0].uri
    for _ in range(2):  # idempotent on object storage too
        run = module.news_ingest_dag.test(logical_date=datetime(2024, 6, 28, 3, tzinfo=ZoneInfo("Asia/Seoul")),
                                          run_conf={"date": "2024-06-27"})
        print("STATE", run.state, run.run_id)
""")


def test_news_ingest_and_replay_on_s3(tmp_path, monkeypatch):
    boto3 = pytest.importorskip("boto3")
    server_mod = pytest.importorskip("moto.server")
    server = server_mod.ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    site, base = start_in_thread()
    try:
        host, port = server.get_host_and_port()
        endpoint = f"http://{host}:{port}"
        boto3.client("s3", endpoint_url=endpoint, aws_access_key_id="test", aws_secret_access_key="test",
                     region_name="us-east-1").create_bucket(Bucket="newsflow-lake")
        env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "AIRFLOW"))}
        env.update(AIRFLOW_HOME=str(tmp_path / "airflow"), NEWSFLOW_SAMPLE_BASE=base,
                   NEWSFLOW_LAKE="s3://newsflow-lake/prod", NEWSFLOW_LAKE_CONN_ID="newsflow_lake",
                   # credentials come from an Airflow connection (defined through the environment)
                   AIRFLOW_CONN_NEWSFLOW_LAKE=json.dumps({"conn_type": "aws", "login": "test", "password": "test",
                                                          "extra": {"endpoint_url": endpoint,
                                                                    "region_name": "us-east-1"}}),
                   AIRFLOW__CORE__LOAD_EXAMPLES="False", AIRFLOW__CORE__EXECUTOR="LocalExecutor",
                   AIRFLOW__CORE__DAGS_FOLDER=str(ROOT / "dags"), AIRFLOW__CORE__PLUGINS_FOLDER=str(ROOT / "plugins"))
        mig = subprocess.run([sys.executable, "-m", "airflow", "db", "migrate"], env=env, capture_output=True, text=True)
        assert mig.returncode == 0, mig.stderr[-2000:]
        proc = subprocess.run([sys.executable, "-c", RUNNER, str(ROOT / "dags" / "news_ingest.py")], env=env,
                              capture_output=True, text=True, timeout=600)
        states = [line.split()[1] for line in proc.stdout.splitlines() if line.startswith("STATE")]
        assert proc.returncode == 0 and states == ["success", "success"], (states, proc.stderr[-3000:])

        # read it back from this process with plain environment credentials
        for k, v in {"AWS_ACCESS_KEY_ID": "test", "AWS_SECRET_ACCESS_KEY": "test", "AWS_DEFAULT_REGION": "us-east-1",
                     "AWS_ENDPOINT_URL": endpoint}.items():
            monkeypatch.setenv(k, v)
        lake = Lake("s3://newsflow-lake/prod")
        arts = lake.read_table("articles", ["article_id", "source"]).to_pylist()
        assert len(arts) == 19 and len({a["article_id"] for a in arts}) == 19
        assert lake.read_table("entities", ["article_id"]).num_rows > 100
        assert lake.read_table("raw_pages", ["url"]).num_rows == 24
        assert not lake.fs.get_file_info(pafs.FileSelector(lake.path("_staging"), allow_not_found=True)), \
            "hand-offs are dropped after the gates"

        from newsflow.config import default_sources_file
        from newsflow.pipeline import replay_plan, reprocess

        (job,) = replay_plan(default_sources_file(), "s3://newsflow-lake/prod", "replay", "2024-06-27")
        assert reprocess(job)["articles"] == 19
    finally:
        site.shutdown()
        server.stop()
