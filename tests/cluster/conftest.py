"""The cluster test (tests/cluster) starts real servers and takes minutes: it runs only with
NEWSFLOW_CLUSTER=1 (`make test-cluster`), never in the quick `pytest` run."""

from __future__ import annotations


def pytest_configure(config):
    config.addinivalue_line("markers", "cluster: real Postgres/Redis/S3/Airflow-Celery cluster (NEWSFLOW_CLUSTER=1)")
