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
