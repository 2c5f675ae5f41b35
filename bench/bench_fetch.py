"""Fetch benchmark: does the host-aware scheduler use the whole politeness budget?

What is measured
----------------
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
  arrival jitter: the client spaces request *starts*, the server sees arrivals).

Goal (from the issue): ratio >= 0.90 for the newsflow scheduler with no host ever above its
limit (no violations). Each host also spends its first slot on robots.txt, so P pages take
P+1 starts, i.e. about P/rate seconds plus one response: the best possible ratio is about
P / (P + rate * latency), printed as a footnote.

Run it
------
    .venv/bin/python bench/bench_fetch.py                 # 20 hosts x 15 pages, about 50 s
    .venv/bin/python bench/bench_fetch.py --hosts 40 --pages 10
    .venv/bin/python bench/bench_fetch.py --runs 3 --json /tmp/bench.json
    make bench-fetch                                       # calls python bench/bench_fetch.py

Options: --hosts --pages --rate --concurrency --latency-ms MIN MAX --runs
--baseline-max-seconds --max-seconds (server lifetime) --json PATH. The exit code is 0
unless the script itself fails: it is a benchmark, not a test (it prints MET / NOT MET).
"""

from __future__ import annotations

import argparse
import bisect
import json
import logging
import multiprocessing as mp
import random
import socket
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

TOLERANCE_S = 0.005  # arrival jitter allowed before a short gap counts as a violation
ROBOTS = b"User-agent: *\nAllow: /\n"
WORDS = ("council budget river bridge school market harbour festival weather report minister "
         "station museum library election season research hospital transport housing energy "
         "project district village coast summit agreement survey committee").split()


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


class _State:
    def __init__(self, latency: tuple[float, float]) -> None:
        self.latency = latency
        self.lock = threading.Lock()
        self.records: list[tuple[int, str, float]] = []  # (port, path, perf_counter at arrival)


def _make_handler(state: _State, port: int) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"  # keep-alive, like a real site
        timeout = 30  # an idle keep-alive connection does not hold its thread forever

        def do_GET(self) -> None:  # noqa: N802
            arrived = time.perf_counter()
            with state.lock:
                state.records.append((port, self.path, arrived))
            if self.path == "/robots.txt":
                self._send(200, "text/plain; charset=utf-8", ROBOTS)
            elif self.path.startswith("/p/") and self.path[3:].isdigit():
                time.sleep(random.uniform(*state.latency))
                self._send(200, "text/html; charset=utf-8", article_html(port, int(self.path[3:])))
            else:
                self._send(404, "text/plain; charset=utf-8", b"not found\n")

        def _send(self, status: int, ctype: str, body: bytes) -> None:
            self.send_response(status)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: object) -> None:  # noqa: A002
            pass

    return Handler


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 128

    def handle_error(self, request: object, client_address: object) -> None:
        pass  # a client closing a keep-alive connection is not news


def serve(conn, n_hosts: int, latency: tuple[float, float], max_seconds: float) -> None:  # noqa: ANN001
    """Server process: answer commands ('reset', 'stats', 'stop') until stopped or timed out."""
    logging.disable(logging.CRITICAL)
    state = _State(latency)
    servers: list[_Server] = []
    try:
        for _ in range(n_hosts):
            srv = _Server(("127.0.0.1", 0), None)  # type: ignore[arg-type]
            srv.RequestHandlerClass = _make_handler(state, srv.server_address[1])
            servers.append(srv)
            threading.Thread(target=srv.serve_forever, kwargs={"poll_interval": 0.2}, daemon=True).start()
        conn.send([s.server_address[1] for s in servers])
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
            elif cmd == "stop":
                break
    finally:
        for srv in servers:
            srv.shutdown()
            srv.server_close()


class ServerProcess:
    def __init__(self, n_hosts: int, latency: tuple[float, float], max_seconds: float) -> None:
        ctx = mp.get_context("spawn")
        self.conn, child = ctx.Pipe()
        self.proc = ctx.Process(target=serve, args=(child, n_hosts, latency, max_seconds), daemon=True,
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

    def call(self, cmd: str, timeout: float = 30.0):  # noqa: ANN201
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
# server-side statistics
# ---------------------------------------------------------------------------------------
def host_stats(records: list[tuple[int, str, float]], rate: float) -> dict:
    """Per-host spacing figures from the server's arrival times (robots.txt included)."""
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
        window = max(bisect.bisect_left(times, t + 1.0) - i for i, t in enumerate(times))
        span = times[-1] - times[0]
        hosts[port] = {
            "requests": len(times),
            "min_gap_s": min(gaps) if gaps else None,
            "max_in_1s_window": window,
            "mean_rate": (len(times) - 1) / span if span > 0 else None,
            "violations": sum(g < limit_gap - TOLERANCE_S for g in gaps),
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
        "min_gap_s": min_gap,
        "max_rate_from_min_gap": (1.0 / min_gap) if min_gap else None,
        "max_mean_rate": max(rates) if rates else None,
        "last_host_start_s": max((h["first_s"] for h in hosts.values()), default=None),
        "violations": sum(h["violations"] for h in hosts.values()),
        "violation_examples": sorted(examples, key=lambda e: e["gap_ms"])[:20],
        "per_host": {str(p): h for p, h in hosts.items()},
    }


# ---------------------------------------------------------------------------------------
# the two fetchers
# ---------------------------------------------------------------------------------------
def make_client(args: argparse.Namespace):  # noqa: ANN201
    from newsflow.config import HttpSettings
    from newsflow.http import HttpClient

    settings = HttpSettings(
        allow_private_hosts=["127.0.0.1"], rate_per_host=args.rate, max_in_flight_per_host=args.in_flight,
        global_concurrency=args.concurrency, retries=0,
        user_agent="newsflow-bench/0.1 (+https://github.com/newsflow/newsflow)",
    )
    return HttpClient(settings)


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


# ---------------------------------------------------------------------------------------
# main
# ---------------------------------------------------------------------------------------
def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                formatter_class=argparse.ArgumentDefaultsHelpFormatter)
    p.add_argument("--hosts", type=int, default=20, help="hosts (ports on 127.0.0.1)")
    p.add_argument("--pages", type=int, default=15, help="pages per host")
    p.add_argument("--rate", type=float, default=1.0, help="allowed request starts per second per host")
    p.add_argument("--in-flight", type=int, default=2, help="max requests in flight per host")
    p.add_argument("--concurrency", type=int, default=32, help="workers (global concurrency)")
    p.add_argument("--latency-ms", type=float, nargs=2, default=[100.0, 300.0], metavar=("MIN", "MAX"),
                   help="server latency per page, uniform between MIN and MAX ms")
    p.add_argument("--runs", type=int, default=1, help="runs of each fetcher, alternating")
    p.add_argument("--baseline-max-seconds", type=float, default=20.0,
                   help="cut the naive baseline off after this many seconds (0 = never)")
    p.add_argument("--max-seconds", type=float, default=300.0, help="the server stops by itself after this")
    p.add_argument("--json", metavar="PATH", help="also write the figures as JSON")
    args = p.parse_args(argv)
    if args.hosts < 1 or args.pages < 1 or args.rate <= 0 or args.concurrency < 1 or args.runs < 1:
        p.error("--hosts, --pages, --concurrency, --runs must be >= 1 and --rate > 0")
    if not 0 <= args.latency_ms[0] <= args.latency_ms[1]:
        p.error("--latency-ms needs 0 <= MIN <= MAX")
    return args


def fmt(v: float | None, spec: str) -> str:
    return "-" if v is None else format(v, spec)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    logging.basicConfig(level=logging.ERROR)
    logging.getLogger("newsflow").setLevel(logging.ERROR)
    lat = (args.latency_ms[0] / 1000, args.latency_ms[1] / 1000)
    budget = args.hosts * args.rate
    limit_window = -(-args.rate // 1) if args.rate >= 1 else 1  # starts 1/rate apart fit ceil(rate) in 1 s

    server = ServerProcess(args.hosts, lat, args.max_seconds)
    runs: list[dict] = []
    try:
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
                print(f"  ... {name} run {i + 1}: {res['ok']} ok in {res['seconds']:.1f}s", file=sys.stderr, flush=True)
    finally:
        server.stop()

    print(f"fetch benchmark: {args.hosts} hosts x {args.pages} pages, latency "
          f"{args.latency_ms[0]:.0f}-{args.latency_ms[1]:.0f} ms, rate {args.rate:g}/s per host, "
          f"{args.in_flight} in flight per host, concurrency {args.concurrency}")
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
        print(f"HttpClient spaces starts {gap * 1000:.0f} ms apart (safety margin), which caps the ratio at about "
              f"{args.pages / (args.pages * gap * args.rate + args.rate * mean_lat):.2f} here.")
    print(f"server side (robots.txt included): 'max/host 1s win' = most arrivals at one host in any "
          f"[t, t+1s); violations = gaps < {1000 / args.rate - TOLERANCE_S * 1000:.0f} ms "
          f"(1/rate - {TOLERANCE_S * 1000:.0f} ms jitter allowance); 'last host start s' = when the last "
          f"host got its first request.")
    if any(r["cut_off"] for r in runs):
        cut = [r for r in runs if r["cut_off"]]
        print(f"* cut off after {args.baseline_max_seconds:g}s ({', '.join(str(r['skipped']) for r in cut)} URLs "
              f"not started); its pages/s covers the pages fetched until then.")

    ours = [r for r in runs if r["name"] == "newsflow scheduler"]
    worst_ratio = min(r["ratio"] for r in ours)
    violations = sum(r["server"]["violations"] for r in ours)
    raw_window = max(r["server"]["max_in_1s_window"] for r in ours)
    met = worst_ratio >= 0.9 and violations == 0
    print(f"goal: ratio >= 0.90 and no host above {args.rate:g}/s -> {'MET' if met else 'NOT MET'} "
          f"(newsflow worst ratio {worst_ratio:.3f}, {violations} violation(s), "
          f"max {raw_window} arrivals per host in 1 s, limit {limit_window:g})")
    if violations == 0 and raw_window > limit_window:
        print(f"note: a raw 1-s window held {raw_window} arrivals only because of arrival jitter "
              f"(min gap {min(r['server']['min_gap_s'] for r in ours) * 1000:.1f} ms, within the "
              f"{TOLERANCE_S * 1000:.0f} ms allowance).")

    if args.json:
        out = {"settings": {k: getattr(args, k) for k in ("hosts", "pages", "rate", "in_flight", "concurrency",
                                                           "latency_ms", "runs", "baseline_max_seconds")},
               "budget_per_s": budget, "goal_met": met, "runs": runs}
        with open(args.json, "w", encoding="utf-8") as fh:
            json.dump(out, fh, indent=2)
        print(f"figures written to {args.json}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
