"""fetch against a local fault-injecting HTTP server: every case ends in the right fetch_log row."""

from __future__ import annotations

import gzip
import socket
import struct
import threading
import time
import tracemalloc
from collections import defaultdict
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from newsflow.config import HttpSettings
from newsflow.fetch import fetch
from newsflow.http import HostPolicy, HttpClient
from newsflow.models import Candidate

HTML = "<html><body><p>기사 본문입니다.</p></body></html>".encode()
KOREAN = ("<html><body>" + "<p>동남일보 똠방각하 기사: 한국은행이 기준금리를 동결했다고 밝혔다.</p>" * 5
          + "</body></html>").encode("cp949")
BOMB = gzip.compress(b"\0" * (20 * 1024 * 1024), compresslevel=9)


class FaultServer:
    """Paths choose the fault; the server counts requests and their arrival times per path."""

    def __init__(self, robots: str = "User-agent: *\nAllow: /\n") -> None:
        self.robots = robots
        self.hits: dict[str, list[float]] = defaultdict(list)
        self.lock = threading.Lock()
        outer = self

        class H(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *a):  # noqa: ANN002
                pass

            def do_GET(self):  # noqa: N802
                with outer.lock:
                    outer.hits[self.path].append(time.monotonic())
                    n = len(outer.hits[self.path])
                outer.handle(self, self.path, n)

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), H)
        self.httpd.daemon_threads = True
        self.base = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()

    @staticmethod
    def send(h: BaseHTTPRequestHandler, status: int, body: bytes = b"", ctype: str = "text/html; charset=utf-8",
             **headers: str) -> None:
        h.send_response(status)
        h.send_header("Content-Type", ctype)
        h.send_header("Content-Length", str(len(body)))
        for k, v in headers.items():
            h.send_header(k.replace("_", "-"), v)
        h.end_headers()
        h.wfile.write(body)

    def handle(self, h: BaseHTTPRequestHandler, path: str, n: int) -> None:  # noqa: C901
        send = self.send
        if path == "/robots.txt":
            send(h, 200, self.robots.encode(), "text/plain")
        elif path == "/ok":
            send(h, 200, HTML)
        elif path == "/flaky":  # two 500s, then fine
            send(h, 500, b"oops") if n <= 2 else send(h, 200, HTML)
        elif path == "/always500":
            send(h, 503, b"down")
        elif path == "/429":
            send(h, 429, b"slow down", Retry_After="1") if n == 1 else send(h, 200, HTML)
        elif path == "/429long":
            send(h, 429, b"slow down", Retry_After="3600")
        elif path == "/404":
            send(h, 404, b"missing")
        elif path == "/403":
            send(h, 403, b"forbidden")
        elif path == "/408":
            send(h, 408, b"timeout") if n == 1 else send(h, 200, HTML)
        elif path == "/slow":  # longer than the read timeout, every time
            time.sleep(1.0)
            send(h, 200, HTML)
        elif path == "/drip":  # a byte at a time: never idle long enough for the read timeout
            h.send_response(200)
            h.send_header("Content-Type", "text/html")
            h.send_header("Content-Length", "100")
            h.end_headers()
            try:
                for _ in range(100):
                    h.wfile.write(b"x")
                    h.wfile.flush()
                    time.sleep(0.05)
            except OSError:
                pass
        elif path == "/reset":  # TCP reset before any response, then fine
            if n == 1:
                h.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
                h.connection.close()
                h.close_connection = True
            else:
                send(h, 200, HTML)
        elif path == "/loop-a":
            send(h, 302, b"", Location="/loop-b")
        elif path == "/loop-b":
            send(h, 302, b"", Location="/loop-a")
        elif path.startswith("/chain"):
            k = int(path.removeprefix("/chain") or 0)
            send(h, 301, b"", Location=f"/chain{k + 1}")
        elif path == "/to-localhost":
            port = self.httpd.server_address[1]
            send(h, 302, b"", Location=f"http://localhost:{port}/ok")
        elif path == "/big":
            send(h, 200, b"x" * 300_000)
        elif path == "/big-chunked":  # no Content-Length: only streaming can stop it
            h.send_response(200)
            h.send_header("Content-Type", "text/html")
            h.send_header("Transfer-Encoding", "chunked")
            h.end_headers()
            chunk = b"y" * 65536
            try:
                for _ in range(20):
                    h.wfile.write(b"%x\r\n%s\r\n" % (len(chunk), chunk))
                h.wfile.write(b"0\r\n\r\n")
            except OSError:
                pass
        elif path == "/bomb":
            send(h, 200, BOMB, Content_Encoding="gzip")
        elif path == "/gzip-ok":
            send(h, 200, gzip.compress(HTML), Content_Encoding="gzip")
        elif path == "/pdf":
            send(h, 200, b"%PDF-1.7" + b"0" * 100_000, "application/pdf")
        elif path == "/euckr-header":
            send(h, 200, KOREAN, "text/html; charset=euc-kr")
        elif path == "/euckr-bare":
            send(h, 200, KOREAN, "text/html")
        elif path.startswith("/private/") or path.startswith("/open/"):
            send(h, 200, HTML)
        else:
            send(h, 404, b"no such fault")


SETTINGS = HttpSettings(allow_private_hosts=["127.0.0.1"], retries=2, backoff=0.05, backoff_max=0.2,
                        rate_per_host=100, max_in_flight_per_host=4, connect_timeout=1, read_timeout=0.4,
                        total_timeout=1.5, max_bytes=200_000, max_redirects=4, max_retry_after=5)


@pytest.fixture
def server():
    s = FaultServer()
    yield s
    s.close()


def run(server: FaultServer, *paths: str, settings: HttpSettings = SETTINGS, **policy):
    cands = [Candidate(server.base + p, "s", "test") for p in paths]
    policies = {"127.0.0.1": HostPolicy(**policy)} if policy else None
    with HttpClient(settings, policies) as client:
        out = fetch(cands, client, workers=8)
    assert [r.url for r in out.fetch_log] == [c.url for c in cands]  # one row per URL, in order
    return {r.url.removeprefix(server.base): r for r in out.fetch_log}, out


def test_transient_failures_are_retried_with_backoff(server):
    rows, out = run(server, "/flaky", "/429", "/408", "/reset", "/always500")
    assert (rows["/flaky"].ok, rows["/flaky"].attempts) == (True, 3)
    assert (rows["/429"].ok, rows["/429"].attempts) == (True, 2)
    gap = server.hits["/429"][1] - server.hits["/429"][0]
    assert gap >= 0.95, f"Retry-After: 1 not honoured ({gap:.2f}s)"
    assert (rows["/408"].ok, rows["/408"].attempts) == (True, 2)
    assert (rows["/reset"].ok, rows["/reset"].attempts) == (True, 2)
    r = rows["/always500"]
    assert (r.ok, r.status, r.error_class, r.attempts, r.outcome) == (False, 503, "http_503", 3, "failed")
    assert len(server.hits["/always500"]) == 3
    assert sorted(p.url.removeprefix(server.base) for p in out.pages) == ["/408", "/429", "/flaky", "/reset"]


def test_client_errors_are_not_retried(server):
    rows, _ = run(server, "/404", "/403")
    assert (rows["/404"].status, rows["/404"].error_class, rows["/404"].attempts) == (404, "http_404", 1)
    assert (rows["/403"].status, rows["/403"].attempts) == (403, 1)
    assert len(server.hits["/404"]) == len(server.hits["/403"]) == 1


def test_retry_after_beyond_the_cap_gives_up_at_once(server):
    rows, _ = run(server, "/429long")
    r = rows["/429long"]
    assert (r.status, r.error_class, r.attempts) == (429, "retry_after_too_long", 1)


def test_timeouts_slow_and_dripping_responses(server):
    started = time.monotonic()
    rows, _ = run(server, "/slow", "/drip")
    assert (rows["/slow"].error_class, rows["/slow"].attempts) == ("timeout", 3)
    assert rows["/drip"].error_class == "timeout"  # total_timeout, although no read ever idles 0.4 s
    assert time.monotonic() - started < 8


def test_redirect_loops_chains_and_private_targets(server):
    rows, _ = run(server, "/loop-a", "/chain0", "/to-localhost")
    assert rows["/loop-a"].error_class == "redirect_loop"
    assert rows["/chain0"].error_class == "too_many_redirects"
    assert rows["/to-localhost"].error_class == "blocked_address"  # localhost is not allow-listed
    assert "/ok" not in server.hits


def test_size_limits_bombs_and_content_types(server):
    tracemalloc.start()
    rows, out = run(server, "/big", "/big-chunked", "/bomb", "/gzip-ok", "/pdf")
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert rows["/big"].error_class == "too_large" and rows["/big"].status == 200
    assert rows["/big-chunked"].error_class == "too_large"
    assert rows["/bomb"].error_class == "too_large"  # 20 MB of zeros in 20 KB of gzip
    assert peak < 10 * 1024 * 1024, f"peak memory {peak / 1e6:.1f} MB while reading a gzip bomb"
    assert rows["/gzip-ok"].ok and out.pages[0].body == HTML
    assert rows["/pdf"].error_class == "not_html" and rows["/pdf"].bytes == 0


def test_euc_kr_pages_with_and_without_charset_header(server):
    rows, out = run(server, "/euckr-header", "/euckr-bare")
    assert (rows["/euckr-header"].encoding, rows["/euckr-header"].encoding_source) == ("cp949", "http")
    assert (rows["/euckr-bare"].encoding, rows["/euckr-bare"].encoding_source) == ("cp949", "detected")
    assert all(p.body == KOREAN for p in out.pages)


def test_robots_disallow_and_crawl_delay():
    s = FaultServer(robots="User-agent: *\nDisallow: /private/\nCrawl-delay: 0.5\n")
    try:
        rows, _ = run(s, "/private/1", "/open/1", "/open/2", "/open/3")
    finally:
        s.close()
    assert rows["/private/1"].error_class == "disallowed_robots"
    assert "/private/1" not in s.hits
    starts = sorted(t for p, ts in s.hits.items() for t in ts)  # robots.txt + 3 pages
    gaps = [b - a for a, b in zip(starts, starts[1:])]
    assert len(starts) == 4 and min(gaps) >= 0.45, f"Crawl-delay 0.5 not honoured: {gaps}"
    assert all(rows[f"/open/{i}"].ok for i in (1, 2, 3))


def test_robots_unavailable_means_no_crawl_but_404_means_allow(server):
    class Down(FaultServer):
        def handle(self, h, path, n):  # noqa: ANN001
            if path == "/robots.txt":
                self.send(h, 503, b"down")
            else:
                super().handle(h, path, n)

    d = Down()
    try:
        rows, _ = run(d, "/ok", settings=SETTINGS.model_copy(update={"retries": 0}))
    finally:
        d.close()
    assert rows["/ok"].error_class == "robots_unavailable" and "/ok" not in d.hits

    class Missing(FaultServer):
        def handle(self, h, path, n):  # noqa: ANN001
            if path == "/robots.txt":
                self.send(h, 404, b"none")
            else:
                super().handle(h, path, n)

    m = Missing()
    try:
        rows, _ = run(m, "/ok")
    finally:
        m.close()
    assert rows["/ok"].ok


def test_per_host_rate_and_in_flight_cap(server):
    rows, _ = run(server, *[f"/open/{i}" for i in range(6)], rate=5.0, max_in_flight=1)
    starts = sorted(t for p, ts in server.hits.items() for t in ts)
    gaps = [b - a for a, b in zip(starts, starts[1:])]
    assert len(starts) == 7 and min(gaps) >= 0.19, f"rate 5/s exceeded: {gaps}"
    assert all(r.ok for r in rows.values())


class HeaderDrip:
    """A raw socket server that sends a status line, then one header line every ``every``
    seconds for ``lines`` lines: each read is quick, the whole response is not."""

    def __init__(self, every: float = 0.2, lines: int = 100) -> None:
        self.sock = socket.create_server(("127.0.0.1", 0))
        self.base = f"http://127.0.0.1:{self.sock.getsockname()[1]}"
        self.every, self.lines, self.connections, self.gone = every, lines, 0, threading.Event()
        threading.Thread(target=self.serve, daemon=True).start()

    def serve(self) -> None:
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            self.connections += 1
            threading.Thread(target=self.drip, args=(conn,), daemon=True).start()

    def drip(self, conn: socket.socket) -> None:
        with conn:
            conn.recv(65536)
            try:
                conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n")
                for i in range(self.lines):
                    time.sleep(self.every)
                    conn.sendall(b"X-Drip-%d: y\r\n" % i)
            except OSError:
                self.gone.set()  # the client hung up: what the deadline should make it do

    def close(self) -> None:
        self.sock.close()


def test_total_timeout_covers_headers_dripped_line_by_line():
    drip = HeaderDrip(every=0.2, lines=100)  # 20 s of headers, no read ever waits 0.4 s
    settings = SETTINGS.model_copy(update={"retries": 0, "total_timeout": 1.0, "respect_robots": False})
    try:
        started = time.monotonic()
        with HttpClient(settings) as client:
            res = client.get(drip.base + "/x")
        took = time.monotonic() - started
    finally:
        drip.close()
    assert res.error_class == "timeout" and "total_timeout" in res.error
    assert took < 2.0, f"a 1 s total_timeout held the request {took:.1f}s"
    assert drip.gone.wait(2.0)


def test_total_timeout_applies_to_every_retry_and_sums_up():
    drip = HeaderDrip(every=0.2, lines=100)
    settings = SETTINGS.model_copy(update={"retries": 2, "total_timeout": 0.6, "respect_robots": False})
    try:
        started = time.monotonic()
        with HttpClient(settings) as client:
            res = client.get(drip.base + "/x")
        took = time.monotonic() - started
    finally:
        drip.close()
    assert (res.error_class, res.attempts, drip.connections) == ("timeout", 3, 3)
    assert took < 3 * 0.6 + 1.0
