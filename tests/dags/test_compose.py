"""The cluster deployment: docker-compose.yaml, Dockerfile and the two dependency locks.

`docker compose config -q` (or Debian's docker-compose) validates the file where a compose binary
is installed; the structural checks below need only PyYAML and run everywhere.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
COMPOSE = ROOT / "docker-compose.yaml"
AIRFLOW_SERVICES = {"airflow-apiserver", "airflow-scheduler", "airflow-dag-processor", "airflow-triggerer",
                    "airflow-worker", "airflow-init", "flower"}
TEST_ONLY = ("pytest", "moto", "trafilatura", "readability-lxml", "polars", "hypothesis")


def _compose_cmd() -> list[str] | None:
    docker = shutil.which("docker")
    if docker and subprocess.run([docker, "compose", "version"], capture_output=True).returncode == 0:
        return [docker, "compose"]
    legacy = shutil.which("docker-compose")
    return [legacy] if legacy else None


@pytest.fixture(scope="module")
def compose() -> dict:
    return yaml.safe_load(COMPOSE.read_text())


@pytest.fixture(scope="module")
def services(compose) -> dict:
    return compose["services"]


def _default(value: str) -> str:
    """A ${VAR:-default} / ${VAR} value as compose resolves it with nothing set."""
    return re.sub(r"\$\{[A-Za-z_][A-Za-z0-9_]*(?::?-([^}]*))?\}", lambda m: m.group(1) or "", str(value))


def _env(service: dict) -> dict[str, str]:
    env = service.get("environment") or {}
    assert isinstance(env, dict), "environment is a mapping (the x-airflow-common anchor merges into it)"
    return {k: _default(v) for k, v in env.items()}


def _one_shot(service: dict) -> bool:
    return str(service.get("restart", "")) == "no"


def _command_text(service: dict) -> str:
    cmd = service.get("command") or ""
    return "\n".join(cmd) if isinstance(cmd, list) else str(cmd)


def test_compose_config_is_valid():
    cmd = _compose_cmd()
    if cmd is None:
        pytest.skip("no `docker compose` or `docker-compose` binary: the structural checks below still run")
    proc = subprocess.run([*cmd, "-f", str(COMPOSE), "config", "-q"], capture_output=True, text=True,
                          cwd=ROOT, timeout=120)
    assert proc.returncode == 0, proc.stderr


def test_topology(services):
    expected = {"postgres", "redis", "minio", "minio-init"} | AIRFLOW_SERVICES
    assert expected <= set(services), expected - set(services)
    assert services["airflow-apiserver"]["command"] == "api-server" or \
        "airflow api-server" in _command_text(services["airflow-apiserver"])
    for name, command in {"airflow-scheduler": "scheduler", "airflow-dag-processor": "dag-processor",
                          "airflow-triggerer": "triggerer", "airflow-worker": "celery worker",
                          "flower": "celery flower"}.items():
        assert services[name]["command"] == command, name
    assert services["flower"]["profiles"] == ["flower"]
    assert ":" in services["minio"]["image"] and not services["minio"]["image"].endswith(":latest")
    assert ":" in services["minio-init"]["image"] and not services["minio-init"]["image"].endswith(":latest")


def test_every_long_running_service_has_a_healthcheck(services):
    long_running = [n for n, s in services.items() if not _one_shot(s)]
    assert {"postgres", "redis", "minio", "airflow-worker", "airflow-scheduler"} <= set(long_running)
    missing = [n for n in long_running if not (services[n].get("healthcheck") or {}).get("test")]
    assert not missing, f"no healthcheck: {missing}"
    assert {n for n, s in services.items() if _one_shot(s)} == {"minio-init", "airflow-init", "airflow-cli"}


def test_depends_on_with_conditions(services):
    for name in AIRFLOW_SERVICES - {"airflow-init"}:
        deps = services[name]["depends_on"]
        assert deps["airflow-init"]["condition"] == "service_completed_successfully", name
        assert deps["postgres"]["condition"] == "service_healthy", name
        assert deps["redis"]["condition"] == "service_healthy", name
    assert services["airflow-init"]["depends_on"]["minio-init"]["condition"] == "service_completed_successfully"
    assert services["minio-init"]["depends_on"]["minio"]["condition"] == "service_healthy"
    assert services["airflow-worker"]["depends_on"]["airflow-apiserver"]["condition"] == "service_healthy"


def test_celery_executor_and_shared_settings(services):
    envs = {n: _env(services[n]) for n in AIRFLOW_SERVICES}
    for name, env in envs.items():
        assert env["AIRFLOW__CORE__EXECUTOR"] == "CeleryExecutor", name
        assert env["AIRFLOW__CELERY__BROKER_URL"].startswith("redis://"), name
        # driver named: a bare db+postgresql:// means psycopg 3 under SQLAlchemy 2.1, not in the lock
        assert env["AIRFLOW__CELERY__RESULT_BACKEND"].startswith("db+postgresql+psycopg2://"), name
        assert env["AIRFLOW__DATABASE__SQL_ALCHEMY_CONN"].startswith("postgresql+psycopg2://"), name
        assert env["AIRFLOW__CORE__EXECUTION_API_SERVER_URL"] == "http://airflow-apiserver:8080/execution/", name
    # the secrets every component must share are one value (from the common anchor)
    for key in ("AIRFLOW__API_AUTH__JWT_SECRET", "AIRFLOW__API__SECRET_KEY", "AIRFLOW__CORE__FERNET_KEY"):
        assert len({env.get(key) for env in envs.values()}) == 1 and key in envs["airflow-worker"], key
    raw = COMPOSE.read_text()
    for key in ("AIRFLOW__API_AUTH__JWT_SECRET", "AIRFLOW__CORE__FERNET_KEY", "POSTGRES_PASSWORD",
                "MINIO_ROOT_PASSWORD", "NEWSFLOW_LAKE_SECRET_KEY"):
        assert re.search(r"\$\{" + key + r":-", raw), f"{key} is not overridable with ${{{key}:-...}}"


def test_worker_scales(services):
    worker = services["airflow-worker"]
    assert "container_name" not in worker
    assert not worker.get("ports"), "host ports would collide with --scale airflow-worker=N"


def test_lake_is_object_storage_and_not_a_local_volume(services):
    for name in AIRFLOW_SERVICES:
        env = _env(services[name])
        assert env["NEWSFLOW_LAKE"].startswith("s3://newsflow-lake/"), name
        assert env["NEWSFLOW_LAKE_CONN_ID"], name
        volumes = [str(v) for v in services[name].get("volumes") or []]
        assert not any("data" in v or "lake" in v for v in volumes), (name, volumes)
    assert "newsflow-lake" in _command_text(services["minio-init"])  # the bucket is created


def test_airflow_init_creates_pools_and_connection(services):
    init = services["airflow-init"]
    text = _command_text(init)
    assert "airflow db migrate" in text
    assert re.search(r"airflow pools set newsflow_fetch 4\b", text)
    assert re.search(r"airflow pools set newsflow_publish 1\b", text)
    conn_id = _env(init)["NEWSFLOW_LAKE_CONN_ID"]
    add = re.search(r'airflow connections add "?(\$\$\{NEWSFLOW_LAKE_CONN_ID\}|\S+?)"? --conn-type aws', text)
    assert add, "airflow-init adds the lake connection"
    assert add.group(1) in ("${NEWSFLOW_LAKE_CONN_ID}", "$${NEWSFLOW_LAKE_CONN_ID}", conn_id)
    for field in ("--conn-login", "--conn-password", "endpoint_url", "region_name"):
        assert field in text, field
    # the connection's endpoint is the compose MinIO and its key the one minio-init creates
    env = _env(init)
    assert env["NEWSFLOW_LAKE_ENDPOINT"] == "http://minio:9000"
    assert env["NEWSFLOW_LAKE_SECRET_KEY"] == _env(services["minio-init"])["NEWSFLOW_LAKE_SECRET_KEY"]


def test_dockerfile_installs_only_the_runtime_lock():
    text = (ROOT / "Dockerfile").read_text()
    code = "\n".join(line for line in text.splitlines() if not line.lstrip().startswith("#"))
    assert re.search(r"^FROM apache/airflow:3\.3\.2-python3\.11\s*$", code, re.M)
    assert re.search(r"pip install .*-r /?\S*requirements\.txt", code)
    assert "requirements-dev" not in code
    for folder in ("dags", "plugins", "include"):
        assert re.search(rf"^COPY .*\b{folder}/? ", code, re.M), folder
    ignored = (ROOT / ".dockerignore").read_text().split()
    for entry in ("data/", ".venv/", ".airflow/", "tests/", "bench/"):
        assert entry in ignored or entry.rstrip("/") in ignored, entry


def _requirements(name: str) -> list[str]:
    return [line.strip() for line in (ROOT / name).read_text().splitlines()
            if line.strip() and not line.lstrip().startswith(("#", "-"))]


def test_runtime_lock_has_no_test_packages():
    names = {re.split(r"[=<>\[; ]", line, maxsplit=1)[0].lower() for line in _requirements("requirements.txt")}
    assert not {n for n in names if n.startswith(TEST_ONLY)}, names
    assert {"apache-airflow", "apache-airflow-providers-celery", "celery", "psycopg2-binary", "redis"} <= names


@pytest.mark.parametrize("name", ["requirements.txt", "requirements-dev.txt"])
def test_locks_are_pinned(name):
    lines = _requirements(name)
    assert lines
    unpinned = [line for line in lines if not re.match(r"^[A-Za-z0-9._\-\[\],]+==\S+$", line.split(" ")[0])]
    assert not unpinned, unpinned


def test_locks_agree():
    def pins(name):
        return dict(line.split(" ")[0].lower().split("==", 1) for line in _requirements(name))

    runtime, dev = pins("requirements.txt"), pins("requirements-dev.txt")
    assert {k: (runtime[k], dev[k]) for k in runtime.keys() & dev.keys() if runtime[k] != dev[k]} == {}
    assert (ROOT / "requirements-dev.in").read_text().lstrip().startswith("-c requirements.txt")
