"""Fetch benchmark: does the host-aware scheduler use the whole politeness budget?

What is measured (``--shape pages``, the default)
-------------------------------------------------
A local server process listens on ``--hosts`` ports of 127.0.0.1. ``HttpClient`` keys
hosts by ``hostname:port``, so each port is a separate host with its own politeness budget
of ``--rate`` request starts per second (and 2 requests in flight). Every page answer is
delayed by a random latency (``--latency-ms``, default 100-300 ms); ``/robots.txt`` allows
everything and answers at once.

The client fetches ``--pages`` pages per host, with the candidates grouped by host (all of
host 1, then all of host 2, ...), the worst order for a naive scheduler. Two fetchers run
against the same server, each with a fresh ``HttpClient`` (so each fetches robots.txt
again) and fresh server-side counters:

* ``newsflow scheduler`` -- ``newsflow.fetch.fetch(candidates, client, workers=concurrency)``;
* ``naive thread pool`` -- ``ThreadPoolExecutor(concurrency).map(client.get, urls)`` in URL
  order, with the very same ``HttpClient`` politeness (equally polite, just not host-aware).
  Grouped by host it works on about one host at a time, so it is cut off after
  ``--baseline-max-seconds`` (URLs not started by then are skipped and not counted).

For each run the script prints

* pages/s achieved: successful page fetches (robots.txt excluded) / wall time of the fetch call;
* the politeness budget: hosts x rate (request starts per second the hosts allow in total);
* ratio = pages/s / budget;
* from the SERVER's own arrival times (robots.txt included: it is a request to the host):
  the largest number of requests one host received in any 1-second window [t, t+1s)
  (t = each arrival), the smallest gap between two arrivals at one host (and 1/that gap),
  and the number of gaps shorter than 1/rate - 5 ms ("violations"; the 5 ms allow for
  arrival jitter: the client spaces requests, the server sees arrivals).

Goals (from the issues), each printed on its own line as ``MET: ...`` or ``NOT MET: ...``:
ratio >= 0.90 for the newsflow scheduler, and no host ever above its limit (no violations,
as the server measures them). Each host also spends its first slot on robots.txt, so P
pages take P+1 starts, i.e. about P/rate seconds plus one response: the best possible
ratio is about P / (P + rate * latency), printed as a footnote.

Under load (``--cpu-load N``)
-----------------------------
``--cpu-load N`` runs N busy processes (each spinning on one core) beside the benchmark for
its whole duration and stops them at the end (they also stop by themselves if the benchmark
dies or after ``--max-seconds``). On a 2-core machine ``--cpu-load 2`` or more makes threads
wake up late: the limit must still hold as the server sees it (0 violations), because the
client spaces requests from the moment each one is actually sent.

The whole crawl (``--shape crawl``)
-----------------------------------
``--hosts`` (default 8) hosts, each with /robots.txt, an RSS feed (half of the night's
``--pages`` articles, dated) and a sitemap (the other half, plus undated URLs that come back
every night): one redirecting URL (301 to an article) per host, one failing URL per host
(500 on even hosts, retried; 404 on odd ones), and on the first ``--slow`` hosts one slow
URL that answers after ``--slow-seconds``, beyond the client's ``--timeout`` (read_timeout;
total_timeout is twice that; the other settings are the defaults: 3 retries, backoff 0.5 s).
Every host's extras sit at fixed pseudo-random places in its sitemap. A source per host,
and the code path of ``pipeline.fetch_sources``: ``discover.crawl`` (every source's
discovery at once, each source's candidates fetched as soon as its discovery ends, through
one ``HttpClient`` with the pipeline's per-host policies) and ``discover.robots_rows``.

Two nights run back to back against the same site (night 2 lists new articles, and the same
extras), with a scratch lake in between: night 1's fetch_log is published to it and night 2
reads it back (``fetch.timeout_history``: the cross-night backoff) and skips the URLs night 1
fetched (as ``known``). For each night it prints the wall time of ``crawl`` against the
politeness bound = the busiest host's requests (as the server counted them: robots.txt,
feeds, retries and redirect hops included) / its rate, the time of the first article
request, the server-side spacing figures, and the requests and seconds spent on the slow
URLs. Goals: each night's wall time within 1.25x of the bound; no violations; the second
night's slow URLs cost at most one short probe each.

Run it
------
    .venv/bin/python bench/bench_fetch.py                 # 20 hosts x 15 pages, about 50 s
    .venv/bin/python bench/bench_fetch.py --hosts 40 --pages 10
    .venv/bin/python bench/bench_fetch.py --runs 3 --json /tmp/bench.json
    .venv/bin/python bench/bench_fetch.py --cpu-load 3    # the same beside 3 busy processes
    .venv/bin/python bench/bench_fetch.py --shape crawl   # the whole crawl, two nights, about 1 min
    .venv/bin/python bench/bench_fetch.py --shape crawl --cpu-load 3
    make bench-fetch BENCH_ARGS="--shape crawl"            # calls python bench/bench_fetch.py

Options: --shape --hosts --pages --rate --in-flight --concurrency --latency-ms MIN MAX --runs
--baseline-max-seconds --cpu-load --slow --slow-seconds --timeout --max-seconds (server
lifetime) --json PATH. The exit code is 0 unless the script itself fails: it is a benchmark,
not a test (it prints MET / NOT MET).
"""

from __future__ import annotations

import argparse
import bisect
import json
import logging
import multiprocessing as mp
import os
import random
import re
import shutil
import socket
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict
from datetime import UTC, date, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

TOLERANCE_S = 0.005  # arrival jitter allowed before a short gap counts as a violation
CRAWL_GOAL = 1.25  # the whole crawl: wall time within this factor of the politeness bound
ROBOTS = b"User-agent: *\nAllow: /\n"
WORDS = ("council budget river bridge school market harbour festival weather report minister "
         "station museum library election season research hospital transport housing energy "
         "project district village coast summit agreement survey committee").split()
DAY1 = date(2024, 6, 27)


def night_day(night: int) -> date:
    return DAY1 + timedelta(days=night - 1)


# ---------------------------------------------------------------------------------------
# server (runs in its own process)
# ---------------------------------------------------------------------------------------
def article_html(port: int, n: int) -> bytes:
    """A small, realistic, deterministic article page of a few KB."""
    rnd = random.Random(port * 100_003 + n)

    def sentence() -> str:
        words = [rnd.choice(WORDS) for _ in range(rnd.randint(8, 18))]
        return " ".join(words).capitalize() + "."

    title = " ".join(rnd.choice(WORDS) for _ in range(6)).title()
    paras = "\n".join(f"      <p>{' '.join(sentence() for _ in range(rnd.randint(3, 6)))}</p>"
                      for _ in range(rnd.randint(6, 10)))
    day = 1 + n % 28
    return f"""<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>{title} | Host {port} News</title>
  <link rel="canonical" href="http://127.0.0.1:{port}/p/{n}">
  <meta property="og:title" content="{title}">
  <meta property="article:published_time" content="2024-06-{day:02d}T09:30:00+09:00">
  <meta name="author" content="Reporter {n % 7}">
</head>
<body>
  <header><nav><a href="/">Home</a> <a href="/local">Local</a> <a href="/world">World</a></nav></header>
  <main>
    <article>
      <h1>{title}</h1>
      <p class="byline">By Reporter {n % 7} - June {day}, 2024</p>
{paras}
    </article>
  </main>
  <footer><p>&copy; 2024 Host {port} News. All rights reserved.</p></footer>
</body>
</html>
""".encode("utf-8")


def extras(index: int, slow_hosts: int) -> list[str]:
    """The undated URLs host number ``index`` lists in its sitemap every night."""
    out = ["/old/0", "/fail/500" if index % 2 == 0 else "/fail/404"]
    if index < slow_hosts:
        out.append("/slow/0")
    return out


def crawl_feeds(index: int, port: int, night: int, pages: int, slow_hosts: int) -> tuple[bytes, bytes]:
    """(RSS, sitemap) of host number ``index`` for ``night``: the night's articles, dated, half in
    each, and the host's extras (undated) at fixed pseudo-random places in the sitemap."""
    base, day = f"http://127.0.0.1:{port}", night_day(night)
    arts = [f"/p/{night}/{n}" for n in range(pages)]
    half = (pages + 1) // 2
    items = "".join(f"<item><title>Article {p}</title><link>{base}{p}</link>"
                    f"<pubDate>{day.strftime('%a, %d %b %Y')} 03:00:00 +0000</pubDate></item>" for p in arts[:half])
    rss = (f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>Host {port}</title>'
           f"{items}</channel></rss>").encode()
    rnd = random.Random(index * 7919 + 17)
    locs: list[tuple[str, bool]] = [(p, True) for p in arts[half:]]
    for extra in extras(index, slow_hosts):
        locs.insert(rnd.randint(0, len(locs)), (extra, False))
    urls = "".join(f"<url><loc>{base}{p}</loc>" + (f"<lastmod>{day}T03:00:00Z</lastmod>" if dated else "") + "</url>"
                   for p, dated in locs)
    sitemap = (f'<?xml version="1.0" encoding="utf-8"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
               f"{urls}</urlset>").encode()
    return rss, sitemap


class _State:
    def __init__(self, latency: tuple[float, float], layout: dict) -> None:
        self.latency = latency
        self.layout = layout  # crawl shape: pages, slow_hosts, slow_seconds; night; port -> index
        self.lock = threading.Lock()
        self.records: list[tuple[int, str, float]] = []  # (port, path, time.monotonic() at arrival)


_PAGE = re.compile(r"^/p/(\d+)(?:/(\d+))?$")


def _make_handler(state: _State, port: int) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"  # keep-alive, like a real site
        timeout = 30  # an idle keep-alive connection does not hold its thread forever

        def do_GET(self) -> None:  # noqa: N802
            arrived = time.monotonic()
            with state.lock:
                state.records.append((port, self.path, arrived))
            lay, path = state.layout, self.path
            html = "text/html; charset=utf-8"
            if path == "/robots.txt":
                self._send(200, "text/plain; charset=utf-8", ROBOTS)
            elif (m := _PAGE.match(path)) is not None:
                time.sleep(random.uniform(*state.latency))
                # /p/<n> (pages shape) or /p/<night>/<n> (crawl shape)
                n = int(m.group(1)) if m.group(2) is None else 1000 * int(m.group(1)) + int(m.group(2))
                self._send(200, html, article_html(port, n))
            elif path in ("/rss.xml", "/sitemap.xml") and port in lay.get("index", {}):
                rss, sitemap = crawl_feeds(lay["index"][port], port, lay["night"], lay["pages"], lay["slow_hosts"])
                self._send(200, "application/xml", rss if path == "/rss.xml" else sitemap)
            elif path.startswith("/slow/"):
                time.sleep(lay.get("slow_seconds", 10.0))  # beyond the client's timeout
                self._send(200, html, article_html(port, 999))
            elif path == "/fail/500":
                self._send(500, "text/plain; charset=utf-8", b"internal error\n")
            elif path.startswith("/old/"):
                self.send_response(301)
                self.send_header("Location", "/moved/" + path.rsplit("/", 1)[1])
                self.send_header("Content-Length", "0")
                self.end_headers()
            elif path.startswith("/moved/"):
                time.sleep(random.uniform(*state.latency))
                self._send(200, html, article_html(port, 500))
            else:
                self._send(404, "text/plain; charset=utf-8", b"not found\n")

        def _send(self, status: int, ctype: str, body: bytes) -> None:
            try:
                self.send_response(status)
                self.send_header("Content-Type", ctype)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)
            except OSError:  # the client gave up (a timeout): nothing to answer to
                self.close_connection = True

        def log_message(self, format: str, *args: object) -> None:  # noqa: A002
            pass

    return Handler


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 128

    def handle_error(self, request: object, client_address: object) -> None:
        pass  # a client closing a keep-alive connection is not news


def serve(conn, n_hosts: int, latency: tuple[float, float], max_seconds: float, layout: dict) -> None:  # noqa: ANN001
    """Server process: answer commands ('reset', 'stats', ('night', n), 'stop') until stopped or timed out."""
    logging.disable(logging.CRITICAL)
    state = _State(latency, dict(layout))
    servers: list[_Server] = []
    try:
        for _ in range(n_hosts):
            srv = _Server(("127.0.0.1", 0), None)  # type: ignore[arg-type]
            srv.RequestHandlerClass = _make_handler(state, srv.server_address[1])
            servers.append(srv)
            threading.Thread(target=srv.serve_forever, kwargs={"poll_interval": 0.2}, daemon=True).start()
        ports = [s.server_address[1] for s in servers]
        state.layout.update(index={p: i for i, p in enumerate(ports)}, night=1)
        conn.send(ports)
        deadline = time.monotonic() + max_seconds
        while time.monotonic() < deadline:
            if not conn.poll(min(0.5, max(0.0, deadline - time.monotonic()))):
                continue
            try:
                cmd = conn.recv()
            except EOFError:  # the parent went away
                break
            if cmd == "reset":
                with state.lock:
                    state.records.clear()
                conn.send("ok")
            elif cmd == "stats":
                with state.lock:
                    conn.send(list(state.records))
            elif isinstance(cmd, tuple) and cmd[0] == "night":
                state.layout["night"] = int(cmd[1])
                conn.send("ok")
            elif cmd == "stop":
                break
    finally:
        for srv in servers:
            srv.shutdown()
            srv.server_close()


class ServerProcess:
    def __init__(self, n_hosts: int, latency: tuple[float, float], max_seconds: float, layout: dict | None = None) -> None:
        ctx = mp.get_context("spawn")
        self.conn, child = ctx.Pipe()
        self.proc = ctx.Process(target=serve, args=(child, n_hosts, latency, max_seconds, layout or {}), daemon=True,
                                name="bench-server")
        self.proc.start()
        if not self.conn.poll(30):
            raise RuntimeError("benchmark server did not start within 30 s")
        self.ports: list[int] = self.conn.recv()
        self._wait_listening(10.0)

    def _wait_listening(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        for port in self.ports:
            while True:
                try:
                    socket.create_connection(("127.0.0.1", port), timeout=1).close()
                    break
                except OSError:
                    if time.monotonic() > deadline:
                        raise RuntimeError(f"port {port} does not accept connections") from None
                    time.sleep(0.05)

    def call(self, cmd, timeout: float = 30.0):  # noqa: ANN001, ANN201
        try:
            self.conn.send(cmd)
            if self.conn.poll(timeout):
                return self.conn.recv()
        except (EOFError, OSError):
            pass
        raise RuntimeError(f"benchmark server did not answer {cmd!r} (stopped after --max-seconds?)")

    def stop(self) -> None:
        try:
            self.conn.send("stop")
        except (OSError, BrokenPipeError):
            pass
        self.proc.join(5)
        if self.proc.is_alive():
            self.proc.terminate()
            self.proc.join(5)


# ---------------------------------------------------------------------------------------
# CPU load: busy processes beside the benchmark
# ---------------------------------------------------------------------------------------
def _spin(parent: int, until: float) -> None:
    """Keep one core busy until ``until`` (time.monotonic) or until the parent is gone."""
    x = 0
    while True:
        for _ in range(200_000):
            x += 1
        if time.monotonic() > until or os.getppid() != parent:
            return


class CpuLoad:
    """``n`` processes spinning beside the benchmark while the ``with`` block runs."""

    def __init__(self, n: int, max_seconds: float) -> None:
        self.n, self.max_seconds = n, max_seconds
        self.procs: list = []

    def __enter__(self) -> "CpuLoad":
        ctx = mp.get_context("spawn")
        until = time.monotonic() + self.max_seconds
        for i in range(self.n):
            p = ctx.Process(target=_spin, args=(os.getpid(), until), daemon=True, name=f"bench-cpu-load-{i}")
            p.start()
            self.procs.append(p)
        time.sleep(0.5 if self.n else 0)  # let them get going
        return self

    def __exit__(self, *exc: object) -> None:
        for p in self.procs:
            if p.is_alive():
                p.terminate()
        for p in self.procs:
            p.join(5)
            if p.is_alive():
                p.kill()
                p.join(5)
        self.procs = []


# ---------------------------------------------------------------------------------------
# server-side statistics
# ---------------------------------------------------------------------------------------
def host_stats(records: list[tuple[int, str, float]], rate: float) -> dict:
    """Per-host spacing figures from the server's arrival times (robots.txt included).

    A violation is a gap between two arrivals at one host shorter than 1/rate - TOLERANCE_S,
    or a 1-second window [t, t+1s) (t = an arrival) holding more arrivals than the rate allows."""
    by_port: dict[int, list[float]] = {}
    for port, _path, t in records:
        by_port.setdefault(port, []).append(t)
    limit_gap = 1.0 / rate
    origin = min((t for _p, _path, t in records), default=0.0)
    hosts = {}
    examples = []
    for port, times in sorted(by_port.items()):
        times.sort()
        gaps = [b - a for a, b in zip(times, times[1:])]
        paths = [path for _t, path in sorted((t, path) for p, path, t in records if p == port)]
        for k, g in enumerate(gaps):
            if g < limit_gap - TOLERANCE_S:
                examples.append({"port": port, "gap_ms": round(g * 1000, 1), "after": paths[k],
                                 "before": paths[k + 1], "at_s": round(times[k + 1] - origin, 3)})
        # most arrivals in any window [t, t + 1 s), t = each arrival
        counts = [bisect.bisect_left(times, t + 1.0) - i for i, t in enumerate(times)]
        window = max(counts)
        crowded = sum(c > limit_window(rate) for c in counts)
        for i, c in enumerate(counts):
            if c > limit_window(rate) and len(examples) < 200:
                examples.append({"port": port, "gap_ms": round((times[i + 1] - times[i]) * 1000, 1),
                                 "after": paths[i], "before": paths[i + 1], "at_s": round(times[i] - origin, 3),
                                 "window": c})
        span = times[-1] - times[0]
        hosts[port] = {
            "requests": len(times),
            "min_gap_s": min(gaps) if gaps else None,
            "max_in_1s_window": window,
            "mean_rate": (len(times) - 1) / span if span > 0 else None,
            "gap_violations": sum(g < limit_gap - TOLERANCE_S for g in gaps),
            "window_violations": crowded,
            "violations": sum(g < limit_gap - TOLERANCE_S for g in gaps) + crowded,
            "first_s": times[0] - origin,  # seconds after the run's first arrival
            "last_s": times[-1] - origin,
        }
    gaps_all = [h["min_gap_s"] for h in hosts.values() if h["min_gap_s"] is not None]
    rates = [h["mean_rate"] for h in hosts.values() if h["mean_rate"] is not None]
    min_gap = min(gaps_all) if gaps_all else None
    return {
        "hosts_seen": len(hosts),
        "requests": len(records),
        "robots_requests": sum(1 for _p, path, _t in records if path == "/robots.txt"),
        "max_in_1s_window": max((h["max_in_1s_window"] for h in hosts.values()), default=0),
        "max_host_requests": max((h["requests"] for h in hosts.values()), default=0),
        "min_gap_s": min_gap,
        "max_rate_from_min_gap": (1.0 / min_gap) if min_gap else None,
        "max_mean_rate": max(rates) if rates else None,
        "last_host_start_s": max((h["first_s"] for h in hosts.values()), default=None),
        "violations": sum(h["violations"] for h in hosts.values()),
        "gap_violations": sum(h["gap_violations"] for h in hosts.values()),
        "window_violations": sum(h["window_violations"] for h in hosts.values()),
        "violation_examples": sorted(examples, key=lambda e: e["gap_ms"])[:20],
        "per_host": {str(p): h for p, h in hosts.items()},
    }


def limit_window(rate: float) -> float:
    """Arrivals 1/rate apart fit ceil(rate) in any 1 s window (1 when rate <= 1)."""
    return -(-rate // 1) if rate >= 1 else 1


def goal(met: bool, text: str) -> bool:
    print(f"{'MET' if met else 'NOT MET'}: {text}")
    return met


# ---------------------------------------------------------------------------------------
# shape "pages": the two fetchers
# ---------------------------------------------------------------------------------------
def make_settings(args: argparse.Namespace, **extra):  # noqa: ANN201
    from newsflow.config import HttpSettings

    return HttpSettings(
        allow_private_hosts=["127.0.0.1"], rate_per_host=args.rate, max_in_flight_per_host=args.in_flight,
        global_concurrency=args.concurrency, user_agent="newsflow-bench/0.1 (+https://github.com/newsflow/newsflow)",
        **extra,
    )


def make_client(args: argparse.Namespace):  # noqa: ANN201
    from newsflow.http import HttpClient

    return HttpClient(make_settings(args, retries=0))


def run_newsflow(urls: list[str], args: argparse.Namespace) -> dict:
    from newsflow.fetch import fetch
    from newsflow.models import Candidate

    candidates = [Candidate(url=u, source="bench", found_in="bench") for u in urls]
    with make_client(args) as client:
        t0 = time.perf_counter()
        got = fetch(candidates, client, workers=args.concurrency)
        seconds = time.perf_counter() - t0
    errors: dict[str, int] = {}
    for row in got.fetch_log:
        if not row.ok:
            errors[row.error_class or "?"] = errors.get(row.error_class or "?", 0) + 1
    return {"pages": len(urls), "ok": sum(r.ok for r in got.fetch_log), "skipped": 0,
            "seconds": seconds, "errors": errors, "cut_off": False}


def run_naive(urls: list[str], args: argparse.Namespace) -> dict:
    cap = args.baseline_max_seconds
    with make_client(args) as client:
        t0 = time.perf_counter()
        deadline = t0 + cap if cap > 0 else float("inf")

        def get(url: str):  # noqa: ANN202
            if time.perf_counter() > deadline:
                return None  # cut off: not started, not counted
            return client.get(url, accept=("text/html", "application/xhtml+xml"))

        with ThreadPoolExecutor(max_workers=args.concurrency) as pool:
            results = list(pool.map(get, urls))
        seconds = time.perf_counter() - t0
    done = [r for r in results if r is not None]
    errors: dict[str, int] = {}
    for r in done:
        if not r.ok:
            errors[r.error_class or "?"] = errors.get(r.error_class or "?", 0) + 1
    skipped = len(results) - len(done)
    return {"pages": len(urls), "ok": sum(r.ok for r in done), "skipped": skipped,
            "seconds": seconds, "errors": errors, "cut_off": skipped > 0}


def fmt(v: float | None, spec: str) -> str:
    return "-" if v is None else format(v, spec)


def main_pages(args: argparse.Namespace) -> dict:
    lat = (args.latency_ms[0] / 1000, args.latency_ms[1] / 1000)
    budget = args.hosts * args.rate
    runs: list[dict] = []
    server = ServerProcess(args.hosts, lat, args.max_seconds)
    try:
        with CpuLoad(args.cpu_load, args.max_seconds):
            # grouped by host: all of host 1, then host 2, ... (the worst case for a naive pool)
            urls = [f"http://127.0.0.1:{port}/p/{n}" for port in server.ports for n in range(args.pages)]
            fetchers = [("newsflow scheduler", run_newsflow), ("naive thread pool", run_naive)]
            for i in range(args.runs):
                for name, fn in fetchers:
                    server.call("reset")
                    res = fn(urls, args)
                    time.sleep(0.05)
                    res["server"] = host_stats(server.call("stats"), args.rate)
                    res["name"], res["run"] = name, i + 1
                    res["pages_per_s"] = res["ok"] / res["seconds"] if res["seconds"] > 0 else 0.0
                    res["ratio"] = res["pages_per_s"] / budget
                    runs.append(res)
                    print(f"  ... {name} run {i + 1}: {res['ok']} ok in {res['seconds']:.1f}s", file=sys.stderr,
                          flush=True)
    finally:
        server.stop()

    print(f"fetch benchmark: {args.hosts} hosts x {args.pages} pages, latency "
          f"{args.latency_ms[0]:.0f}-{args.latency_ms[1]:.0f} ms, rate {args.rate:g}/s per host, "
          f"{args.in_flight} in flight per host, concurrency {args.concurrency}, "
          f"cpu load {args.cpu_load} busy process(es) on {os.cpu_count()} core(s)")
    head = (f"{'':22}{'pages':>6}{'ok':>6}{'seconds':>9}{'pages/s':>9}{'budget/s':>10}{'ratio':>7}"
            f"{'max/host 1s win':>17}{'1/min gap':>11}{'min gap ms':>12}{'violations':>12}{'last host start s':>19}")
    print(head)
    for r in runs:
        s = r["server"]
        label = r["name"] + (f" #{r['run']}" if args.runs > 1 else "")
        mark = "*" if r["cut_off"] else " "
        print(f"{label:22}{r['pages']:>6}{r['ok']:>6}{r['seconds']:>8.1f}{mark}{r['pages_per_s']:>9.2f}"
              f"{budget:>10.1f}{r['ratio']:>7.2f}{s['max_in_1s_window']:>17}"
              f"{fmt(s['max_rate_from_min_gap'], '.3f'):>11}{fmt(s['min_gap_s'] and s['min_gap_s'] * 1000, '.1f'):>12}"
              f"{s['violations']:>12}{fmt(s['last_host_start_s'], '.2f'):>19}")
        if r["errors"]:
            print(f"{'':22}errors: {', '.join(f'{k}={v}' for k, v in sorted(r['errors'].items()))}")

    # footnotes
    mean_lat, max_lat = sum(lat) / 2, lat[1]
    print(f"pages/s = successful page fetches (robots.txt not counted) / wall time of the fetch call; "
          f"budget = {args.hosts} hosts x {args.rate:g}/s.")
    print(f"robots.txt uses each host's first slot: {args.pages} pages need {args.pages + 1} starts "
          f"1/rate apart = {args.pages / args.rate:.1f}s + the last response "
          f"({mean_lat * 1000:.0f}-{max_lat * 1000:.0f} ms), so the best possible ratio is about "
          f"{args.pages / (args.pages + args.rate * max_lat):.2f}-{args.pages / (args.pages + args.rate * mean_lat):.2f}"
          f", not 1.00 (ideal wall time {args.pages / args.rate + mean_lat:.1f}s).")
    try:  # the client may space starts a little wider than 1/rate as a safety margin
        from newsflow.http import spacing
        gap = spacing(1.0 / args.rate)
    except ImportError:
        gap = 1.0 / args.rate
    if gap > 1.0 / args.rate + 1e-9:
        print(f"HttpClient spaces requests {gap * 1000:.0f} ms apart (safety margin), from the moment each is "
              f"sent, which caps the ratio at about "
              f"{args.pages / (args.pages * gap * args.rate + args.rate * mean_lat):.2f} here.")
    print(f"server side (robots.txt included): 'max/host 1s win' = most arrivals at one host in any "
          f"[t, t+1s); violations = gaps < {1000 / args.rate - TOLERANCE_S * 1000:.0f} ms "
          f"(1/rate - {TOLERANCE_S * 1000:.0f} ms jitter allowance) + 1-s windows [t, t+1s) holding more than "
          f"{limit_window(args.rate):g} arrival(s); 'last host start s' = when the last host got its first request.")
    if any(r["cut_off"] for r in runs):
        cut = [r for r in runs if r["cut_off"]]
        print(f"* cut off after {args.baseline_max_seconds:g}s ({', '.join(str(r['skipped']) for r in cut)} URLs "
              f"not started); its pages/s covers the pages fetched until then.")

    ours = [r for r in runs if r["name"] == "newsflow scheduler"]
    worst_ratio = min(r["ratio"] for r in ours)
    violations = sum(r["server"]["violations"] for r in ours)
    raw_window = max(r["server"]["max_in_1s_window"] for r in ours)
    min_gap = min(r["server"]["min_gap_s"] or float("inf") for r in ours)
    met_ratio = goal(worst_ratio >= 0.9, f"newsflow scheduler ratio >= 0.90 (worst ratio {worst_ratio:.3f})")
    load = f" beside {args.cpu_load} busy process(es)" if args.cpu_load else ""
    met_polite = goal(violations == 0,
                      f"no host above {args.rate:g}/s as the server saw it{load} ({violations} violation(s), "
                      f"shortest gap {min_gap * 1000:.0f} ms, at most {raw_window} arrival(s) per host in any 1 s, "
                      f"limit {limit_window(args.rate):g})")
    for r in ours:
        for e in r["server"]["violation_examples"][:5]:
            print(f"  violation: port {e['port']} gap {e['gap_ms']} ms between {e['after']} and {e['before']} "
                  f"at {e['at_s']} s" + (f" ({e['window']} arrivals in 1 s)" if "window" in e else ""))
    return {"settings": {k: getattr(args, k) for k in ("shape", "hosts", "pages", "rate", "in_flight", "concurrency",
                                                       "latency_ms", "runs", "baseline_max_seconds", "cpu_load")},
            "budget_per_s": budget, "goal_met": met_ratio and met_polite, "runs": runs}


# ---------------------------------------------------------------------------------------
# shape "crawl": discovery + fetch, two nights
# ---------------------------------------------------------------------------------------
def run_night(night: int, server: ServerProcess, args: argparse.Namespace, lake, known: set[str]) -> dict:  # noqa: ANN001
    from newsflow.config import Source
    from newsflow.discover import crawl, robots_rows
    from newsflow.fetch import default_probe_timeout, timeout_history
    from newsflow.http import HostPolicy, HttpClient

    day = night_day(night)
    server.call(("night", night))
    server.call("reset")
    sources = [Source(name=f"host{i}", timezone="UTC", max_articles=1000,
                      feeds=[{"type": "rss", "url": f"http://127.0.0.1:{port}/rss.xml"},
                             {"type": "sitemap", "url": f"http://127.0.0.1:{port}/sitemap.xml"}])
               for i, port in enumerate(server.ports)]
    names = [s.name for s in sources]
    settings = make_settings(args, read_timeout=args.timeout, total_timeout=2 * args.timeout)
    policies = {h: HostPolicy(settings.rate_per_host, settings.max_in_flight_per_host) for s in sources for h in s.hosts()}
    pages: list = []
    with HttpClient(settings, policies) as client:
        t0 = time.monotonic()
        got = crawl(sources, day, client, known=lambda urls: known & set(urls),
                    backoff=lambda urls: timeout_history(lake, names, urls, day.isoformat(), 30),
                    workers=settings.global_concurrency, sink=pages.append)
        seconds = time.monotonic() - t0
        robots = list(client.robots_log)
        probe = default_probe_timeout(client)
    time.sleep(0.05)
    records = server.call("stats")
    stats = host_stats(records, args.rate)
    now = datetime.now(UTC)
    logs: dict[str, list] = {n: list(got.found[n].fetch_log) for n in names}
    for row in got.fetched.fetch_log:
        logs[row.source].append(row)
    for name, rows in robots_rows(robots, sources, now, got.candidates).items():
        logs[name] += rows
    lake.publish("fetch_log", day, {n: [asdict(r) for r in rows] for n, rows in logs.items()}, f"bench-night-{night}")
    known.update(r.url for r in got.fetched.fetch_log if r.ok)
    slow_rows = [r for r in got.fetched.fetch_log if "/slow/" in r.url]
    first_page = min((t for _p, path, t in records if _PAGE.match(path) or path.startswith(("/old/", "/fail/", "/slow/"))),
                     default=None)
    outcomes: dict[str, int] = {}
    for r in got.fetched.fetch_log:
        key = r.outcome if r.ok or r.outcome == "backoff" else f"{r.outcome}:{r.error_class}"
        outcomes[key] = outcomes.get(key, 0) + 1
    robots_ok = all(len([r for r in rows if r.kind == "robots"]) == 1 for rows in logs.values())
    return {
        "night": night, "day": day.isoformat(), "seconds": seconds, "server": stats,
        "bound_s": stats["max_host_requests"] / args.rate, "first_page_s": (first_page - t0) if first_page else None,
        "candidates": len(got.candidates), "outcomes": outcomes,
        "slow": {"urls": len(slow_rows), "requests": sum(1 for _p, path, _t in records if path.startswith("/slow/")),
                 "attempts": sum(r.attempts for r in slow_rows),
                 "seconds": sum(r.elapsed_ms for r in slow_rows) / 1000,
                 "outcomes": sorted({r.outcome + (f":{r.error_class}" if r.error_class else "") for r in slow_rows})},
        "robots_rows_by_origin": robots_ok, "probe_timeout": probe,
    }


def main_crawl(args: argparse.Namespace) -> dict:
    import pyarrow.dataset  # noqa: F401 - loaded before the clock starts, as in a pipeline worker (newsflow.history)

    import newsflow.discover  # noqa: F401
    from newsflow.lake import Lake

    lat = (args.latency_ms[0] / 1000, args.latency_ms[1] / 1000)
    layout = {"pages": args.pages, "slow_hosts": args.slow, "slow_seconds": args.slow_seconds}
    scratch = tempfile.mkdtemp(prefix="bench-fetch-lake-")
    nights: list[dict] = []
    server = ServerProcess(args.hosts, lat, args.max_seconds, layout)
    try:
        with CpuLoad(args.cpu_load, args.max_seconds):
            lake, known = Lake(scratch), set()
            for night in (1, 2):
                res = run_night(night, server, args, lake, known)
                nights.append(res)
                print(f"  ... night {night}: {res['candidates']} candidates in {res['seconds']:.1f}s", file=sys.stderr,
                      flush=True)
    finally:
        server.stop()
        shutil.rmtree(scratch, ignore_errors=True)

    print(f"crawl benchmark: {args.hosts} hosts, each robots.txt + RSS + sitemap + {args.pages} articles a night, "
          f"a redirect and a failing URL (500/404); a slow URL ({args.slow_seconds:g} s) on {args.slow} host(s); "
          f"read_timeout {args.timeout:g} s, total_timeout {2 * args.timeout:g} s, 3 retries; "
          f"rate {args.rate:g}/s per host, {args.in_flight} in flight, concurrency {args.concurrency}; "
          f"cpu load {args.cpu_load} busy process(es) on {os.cpu_count()} core(s)")
    print(f"{'night':<7}{'requests':>9}{'busiest host':>13}{'bound s':>9}{'wall s':>8}{'wall/bound':>11}"
          f"{'1st page s':>11}{'max/host 1s':>12}{'min gap ms':>11}{'violations':>11}"
          f"{'slow req':>9}{'slow s':>8}")
    for n in nights:
        s = n["server"]
        print(f"{n['night']:<7}{s['requests']:>9}{s['max_host_requests']:>13}{n['bound_s']:>9.1f}{n['seconds']:>8.1f}"
              f"{n['seconds'] / n['bound_s']:>11.2f}{fmt(n['first_page_s'], '.1f'):>11}{s['max_in_1s_window']:>12}"
              f"{fmt(s['min_gap_s'] and s['min_gap_s'] * 1000, '.0f'):>11}{s['violations']:>11}"
              f"{n['slow']['requests']:>9}{n['slow']['seconds']:>8.1f}")
        print(f"{'':7}outcomes: {', '.join(f'{k}={v}' for k, v in sorted(n['outcomes'].items()))}; "
              f"slow URLs: {', '.join(n['slow']['outcomes'])}")
    print("bound = the busiest host's requests (server count: robots.txt, feeds, retries, redirect hops included) / "
          "its rate; wall = the crawl call (discovery of every source + fetch); '1st page s' = first article "
          "request after the start; 'slow req'/'slow s' = requests the server got for the slow URLs and the "
          "seconds the client spent on them.")

    met = []
    for n in nights:
        ratio = n["seconds"] / n["bound_s"]
        met.append(goal(ratio <= CRAWL_GOAL,
                        f"night {n['night']}: wall time within {CRAWL_GOAL:g}x of the politeness bound "
                        f"({n['seconds']:.1f} s vs {n['bound_s']:.1f} s = busiest host "
                        f"{n['server']['max_host_requests']} requests / {args.rate:g}/s: {ratio:.2f}x)"))
    violations = sum(n["server"]["violations"] for n in nights)
    window = max(n["server"]["max_in_1s_window"] for n in nights)
    min_gap = min(n["server"]["min_gap_s"] or float("inf") for n in nights)
    load = f" beside {args.cpu_load} busy process(es)" if args.cpu_load else ""
    met.append(goal(violations == 0,
                    f"no host above {args.rate:g}/s as the server saw it, both nights{load} ({violations} "
                    f"violation(s), shortest gap {min_gap * 1000:.0f} ms, at most {window} arrival(s) per host in "
                    f"any 1 s, limit {limit_window(args.rate):g})"))
    one, two = nights
    probe = two["probe_timeout"] or args.timeout
    n_slow = max(1, two["slow"]["urls"])
    met.append(goal(two["slow"]["requests"] <= two["slow"]["urls"] and two["slow"]["attempts"] <= two["slow"]["urls"],
                    f"second-night cost of the slow URLs: at most one short probe each ({two['slow']['requests']} "
                    f"request(s) of at most {probe:g} s for {two['slow']['urls']} URL(s), handled in "
                    f"{two['slow']['seconds'] / n_slow:.1f} s per URL, the wait for the host's slot included; "
                    f"night 1: {one['slow']['requests']} requests, {one['slow']['seconds'] / n_slow:.1f} s per URL)"))
    met.append(goal(all(n["robots_rows_by_origin"] for n in nights),
                    "robots.txt rows by origin: every source (one per port of 127.0.0.1) got its own robots row"))
    for n in nights:
        for e in n["server"]["violation_examples"][:5]:
            print(f"  violation (night {n['night']}): port {e['port']} gap {e['gap_ms']} ms between {e['after']} "
                  f"and {e['before']} at {e['at_s']} s" + (f" ({e['window']} arrivals in 1 s)" if "window" in e else ""))
    return {"settings": {k: getattr(args, k) for k in ("shape", "hosts", "pages", "rate", "in_flight", "concurrency",
                                                       "latency_ms", "cpu_load", "slow", "slow_seconds", "timeout")},
            "goal_met": all(met), "nights": nights}


# ---------------------------------------------------------------------------------------
# main
# ---------------------------------------------------------------------------------------
def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                formatter_class=argparse.ArgumentDefaultsHelpFormatter)
    p.add_argument("--shape", choices=("pages", "crawl"), default="pages",
                   help="pages: the page phase vs a naive pool; crawl: discovery + fetch of a whole site, two nights")
    p.add_argument("--hosts", type=int, default=None, help="hosts (ports on 127.0.0.1); default 20 (pages), 8 (crawl)")
    p.add_argument("--pages", type=int, default=15, help="pages per host (crawl: articles per host and night)")
    p.add_argument("--rate", type=float, default=1.0, help="allowed request starts per second per host")
    p.add_argument("--in-flight", type=int, default=2, help="max requests in flight per host")
    p.add_argument("--concurrency", type=int, default=32, help="workers (global concurrency)")
    p.add_argument("--latency-ms", type=float, nargs=2, default=[100.0, 300.0], metavar=("MIN", "MAX"),
                   help="server latency per page, uniform between MIN and MAX ms")
    p.add_argument("--runs", type=int, default=1, help="pages: runs of each fetcher, alternating")
    p.add_argument("--baseline-max-seconds", type=float, default=20.0,
                   help="pages: cut the naive baseline off after this many seconds (0 = never)")
    p.add_argument("--cpu-load", type=int, default=0, metavar="N",
                   help="run N busy processes beside the benchmark for its duration")
    p.add_argument("--slow", type=int, default=2, help="crawl: hosts with a slow URL")
    p.add_argument("--slow-seconds", type=float, default=10.0, help="crawl: how long a slow URL takes to answer")
    p.add_argument("--timeout", type=float, default=2.0, help="crawl: the client's read_timeout (total: twice)")
    p.add_argument("--max-seconds", type=float, default=300.0,
                   help="the server and the busy processes stop by themselves after this")
    p.add_argument("--json", metavar="PATH", help="also write the figures as JSON")
    args = p.parse_args(argv)
    if args.hosts is None:
        args.hosts = 8 if args.shape == "crawl" else 20
    if args.hosts < 1 or args.pages < 1 or args.rate <= 0 or args.concurrency < 1 or args.runs < 1:
        p.error("--hosts, --pages, --concurrency, --runs must be >= 1 and --rate > 0")
    if not 0 <= args.latency_ms[0] <= args.latency_ms[1]:
        p.error("--latency-ms needs 0 <= MIN <= MAX")
    if args.cpu_load < 0 or args.slow < 0 or args.slow > args.hosts or args.timeout <= 0:
        p.error("--cpu-load >= 0, 0 <= --slow <= --hosts and --timeout > 0 are needed")
    if args.slow_seconds <= 2 * args.timeout:
        p.error("--slow-seconds must exceed the total timeout (2 x --timeout)")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    logging.basicConfig(level=logging.ERROR)
    logging.getLogger("newsflow").setLevel(logging.CRITICAL)
    out = main_crawl(args) if args.shape == "crawl" else main_pages(args)
    if args.json:
        with open(args.json, "w", encoding="utf-8") as fh:
            json.dump(out, fh, indent=2, default=str)
        print(f"figures written to {args.json}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
