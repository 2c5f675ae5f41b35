"""The dashboard page rendered by a real browser: headless Chromium (Debian's `chromium`) loads it
from uvicorn on 127.0.0.1 against a lake the pipeline wrote for two nights; the charts must be in
the rendered DOM and in a screenshot. Skipped when no chromium binary is installed
(`apt-get install chromium`)."""

from __future__ import annotations

import os
import re
import shutil
import socket
import struct
import subprocess
import threading
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = next((p for p in (os.environ.get("CHROMIUM"), shutil.which("chromium"), shutil.which("chromium-browser"),
                             shutil.which("google-chrome")) if p), None)

pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="no chromium binary (apt-get install chromium)")


@pytest.fixture(scope="module")
def lake(nights_lake) -> Path:
    return nights_lake


@pytest.fixture(scope="module")
def url(lake, ui_plugin):
    """The dashboard app served by uvicorn on a free port of 127.0.0.1."""
    import uvicorn

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    app = ui_plugin.create_app(lake=str(lake), auth=False)
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 15
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.05)
    assert server.started, "uvicorn did not start"
    yield f"http://127.0.0.1:{port}/"
    server.should_exit = True
    thread.join(10)


def chromium(*args: str, timeout: int = 60) -> subprocess.CompletedProcess:
    cmd = [CHROMIUM, "--headless", "--disable-gpu", "--no-sandbox", "--disable-dev-shm-usage", "--hide-scrollbars",
           "--no-first-run", "--disable-extensions", "--virtual-time-budget=5000", *args]
    return subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)


def png_size(path: Path) -> tuple[int, int]:
    head = path.read_bytes()[:24]
    assert head[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    return struct.unpack(">II", head[16:24])


def test_chromium_renders_every_chart(url):
    done = chromium("--dump-dom", url)
    dom = done.stdout
    assert "<svg" in dom, f"no SVG in the rendered page; chromium said: {done.stderr[-2000:]}"
    charts = set(re.findall(r'<svg[^>]* data-chart="([a-z]+)"', dom))
    assert charts == {"articles", "rejects", "duplicates", "stages", "fetch"}
    for source in ("dongnam", "hanbit", "hanbit-en"):
        assert f">{source}</text>" in dom  # in the legends
    assert dom.count('class="bar"') >= 8 and 'class="budget"' in dom and 'class="pt"' in dom
    assert "fetch/http_404" in dom and "parse/not_article" in dom
    assert 'id="message"' not in dom


def test_chromium_screenshot(url, tmp_path):
    shot = tmp_path / "dashboard.png"
    done = chromium(f"--screenshot={shot}", "--window-size=1440,1130", url)
    assert shot.is_file(), done.stderr[-2000:]
    assert png_size(shot) == (1440, 1130) and shot.stat().st_size > 30_000  # charts, not a blank page


def test_chromium_shows_the_empty_lake_message(tmp_path, ui_plugin):
    import uvicorn

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(ui_plugin.create_app(lake=str(tmp_path / "none"), auth=False),
                                           host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    try:
        while not server.started:
            time.sleep(0.05)
        dom = chromium("--dump-dom", f"http://127.0.0.1:{port}/").stdout
        assert 'id="message"' in dom and "No lake at" in dom and "<svg" not in dom
    finally:
        server.should_exit = True
        thread.join(10)
