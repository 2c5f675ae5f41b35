"""Shared fixtures: paths, the shared data folder, a local HTTP server for tests."""

from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Callable

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"


@pytest.fixture
def site(monkeypatch):
    """The offline sample site on a free port; runs in this test read it through NEWSFLOW_SAMPLE_BASE."""
    from newsflow.sample_site import start_in_thread

    server, base = start_in_thread()
    monkeypatch.setenv("NEWSFLOW_SAMPLE_BASE", base)
    yield base
    server.shutdown()
    server.server_close()


NIGHTS = ("2024-06-26", "2024-06-27")


@pytest.fixture(scope="session")
def nights_lake(tmp_path_factory) -> Path:
    """A lake of two nights of the sample site (run without Airflow), built once per session.
    Read-only: a test that changes a lake copies it first."""
    import os

    from newsflow.config import default_sources_file
    from newsflow.pipeline import run_all
    from newsflow.sample_site import start_in_thread

    server, base = start_in_thread()
    old = os.environ.get("NEWSFLOW_SAMPLE_BASE")
    os.environ["NEWSFLOW_SAMPLE_BASE"] = base
    root = tmp_path_factory.mktemp("nights") / "lake"
    try:
        for day in NIGHTS:
            run_all(default_sources_file(), str(root), day, f"scheduled__{day}", workers=1)
    finally:
        server.shutdown()
        server.server_close()
        if old is None:
            os.environ.pop("NEWSFLOW_SAMPLE_BASE", None)
        else:
            os.environ["NEWSFLOW_SAMPLE_BASE"] = old
    return root


@pytest.fixture(scope="session")
def nights() -> tuple[str, ...]:
    """The data dates ``nights_lake`` holds."""
    return NIGHTS


@pytest.fixture(scope="session")
def ui_plugin():
    """plugins/newsflow_ui.py, loaded as Airflow loads it."""
    return load_ui_plugin()


def load_ui_plugin():
    """plugins/newsflow_ui.py loaded the way Airflow loads it (the plugins folder on sys.path)."""
    import importlib.util
    import sys

    sys.path.insert(0, str(ROOT / "plugins"))
    try:
        spec = importlib.util.spec_from_file_location("newsflow_ui", ROOT / "plugins" / "newsflow_ui.py")
        mod = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(mod)
        return mod
    finally:
        sys.path.remove(str(ROOT / "plugins"))


@pytest.fixture
def shared() -> Path:
    if not SHARED.is_dir():
        pytest.skip("../shared is absent")
    return SHARED


@pytest.fixture
def local_server():
    """Start a server on 127.0.0.1 whose GET handler is ``handler(path, request) -> (status, headers, body)``."""
    servers = []

    def start(handler: Callable[[str, BaseHTTPRequestHandler], tuple[int, dict[str, str], bytes]]) -> str:
        class H(BaseHTTPRequestHandler):
            def log_message(self, *a):  # noqa: ANN002
                pass

            def do_GET(self):  # noqa: N802
                status, headers, body = handler(self.path, self)
                self.send_response(status)
                for k, v in headers.items():
                    self.send_header(k, v)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        srv = ThreadingHTTPServer(("127.0.0.1", 0), H)
        srv.daemon_threads = True
        threading.Thread(target=srv.serve_forever, daemon=True).start()
        servers.append(srv)
        return f"http://127.0.0.1:{srv.server_address[1]}"

    yield start
    for s in servers:
        s.shutdown()
        s.server_close()


def _airflow_env() -> None:
    """An isolated Airflow home for the whole test session (set before airflow is imported)."""
    import os
    import tempfile

    home = tempfile.mkdtemp(prefix="newsflow-airflow-")
    os.environ.update({
        "AIRFLOW_HOME": home,
        "AIRFLOW__CORE__DAGS_FOLDER": str(ROOT / "dags"),
        "AIRFLOW__CORE__PLUGINS_FOLDER": str(ROOT / "plugins"),
        "AIRFLOW__CORE__LOAD_EXAMPLES": "False",
        "AIRFLOW__CORE__EXECUTOR": "LocalExecutor",
        "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN": f"sqlite:///{home}/airflow.db",
        "AIRFLOW__LOGGING__BASE_LOG_FOLDER": f"{home}/logs",
    })


_airflow_env()
