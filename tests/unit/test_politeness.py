"""Politeness as the server sees it, and the whole crawl at the budget.

* spacing is measured from the moment a request is actually sent (a late wake-up delays the
  next request instead of compressing the gap);
* a URL sleeping between two attempts holds no slot of its host;
* discovery (robots.txt, feeds, sitemaps) runs across hosts at once, under the host gates;
* robots.txt rows belong to the source owning the origin (host and port);
* a URL that timed out keeps a backoff across nights (``fetch_log`` history, bounded window).
"""

from __future__ import annotations

import random
import threading
import time
from collections import defaultdict
from dataclasses import asdict
from datetime import UTC, date, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

import newsflow.http as nhttp
from newsflow.config import HttpSettings, Source
from newsflow.discover import crawl, robots_rows
from newsflow.fetch import (BACKOFF_MAX_DAYS, Backoff, backoff_from_rows, default_probe_timeout, fetch,
                            timeout_history)
from newsflow.http import HostGate, HttpClient, spacing
from newsflow.lake import Lake
from newsflow.models import Candidate

HTML = b"<html><body><p>article</p></body></html>"
ROBOTS = b"User-agent: *\nAllow: /\n"


class Site:
    """A server on 127.0.0.1 (its own port, so its own host) recording (path, arrival) per request;
    ``routes`` map a path to (status, content type, body, delay seconds) or a callable(n) giving one."""

    def __init__(self, routes: dict | None = None) -> None:
        self.routes = dict(routes or {})
        self.hits: list[tuple[str, float]] = []
        self.count: dict[str, int] = defaultdict(int)
        self.lock = threading.Lock()
        outer = self

        class H(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *a):  # noqa: ANN002
                pass

            def do_GET(self):  # noqa: N802
                with outer.lock:
                    outer.hits.append((self.path, time.monotonic()))
                    outer.count[self.path] += 1
                    n = outer.count[self.path]
                route = outer.routes.get(self.path, (404, "text/plain", b"no", 0.0))
                status, ctype, body, delay = route(n) if callable(route) else route
                if callable(body):
                    body = body(outer)
                if delay:
                    time.sleep(delay)
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", ctype)
                    self.send_header("Content-Length", str(len(body)))
                    self.end_headers()
                    self.wfile.write(body)
                except OSError:
                    pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), H)
        self.httpd.daemon_threads = True
        self.port = self.httpd.server_address[1]
        self.base = f"http://127.0.0.1:{self.port}"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def times(self, prefix: str = "") -> list[float]:
        with self.lock:
            return sorted(t for p, t in self.hits if p.startswith(prefix))

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def sites():
    made: list[Site] = []

    def make(routes: dict | None = None) -> Site:
        made.append(Site(routes))
        return made[-1]

    yield make
    for s in made:
        s.close()


def gaps(times: list[float]) -> list[float]:
    return [b - a for a, b in zip(times, times[1:])]


# -- 1. spacing from the actual send time ----------------------------------------------------------
class FakeClock:
    def __init__(self) -> None:
        self.t, self.late = 100.0, 0.0

    def now(self) -> float:
        return self.t

    def sleep(self, seconds: float) -> None:
        self.t += seconds + self.late  # a loaded machine wakes the thread up late


def test_a_late_wake_up_delays_the_next_request_instead_of_compressing_the_gap():
    clock = FakeClock()
    gate = HostGate(1.0, 2, clock=clock.now, sleep=clock.sleep)
    sends = []
    for late in (0.0, 0.4, 0.0, 0.25, 0.0, 0.0):
        clock.late = late
        with gate.slot() as sent:
            sends.append(clock.now())
            sent()
    assert all(g >= 1.0 - 1e-9 for g in gaps(sends)), gaps(sends)
    # the request after a late one is spaced from the late send, not from the planned one
    assert sends[2] - sends[1] == pytest.approx(1.0) and sends[1] - sends[0] == pytest.approx(1.4)


def test_spacing_counts_from_when_the_request_was_written_not_from_the_wake_up():
    clock = FakeClock()
    gate = HostGate(1.0, 2, clock=clock.now, sleep=clock.sleep)
    with gate.slot() as sent:
        clock.t += 0.3  # connecting took 0.3 s before the request went out
        sent()
        written = clock.now()
    with gate.slot() as sent:
        assert clock.now() - written == pytest.approx(1.0)
        sent()
    with gate.slot():  # never marked: the turn still passes on when the slot is left
        pass
    assert gate.waiting == 0 and gate.in_flight == 0 and gate.sent_count == 3


def test_late_wake_ups_under_threads_never_bring_two_arrivals_closer_than_the_interval(sites, monkeypatch):
    rnd = random.Random(7)
    real = nhttp._sleep

    def late_sleep(seconds: float) -> None:  # every wake-up late by up to 120 ms
        real(seconds + rnd.uniform(0.0, 0.12))

    monkeypatch.setattr(nhttp, "_sleep", late_sleep)
    site = sites({f"/p/{i}": (200, "text/html", HTML, 0.05) for i in range(10)}
                 | {"/robots.txt": (200, "text/plain", ROBOTS, 0.0)})
    settings = HttpSettings(allow_private_hosts=["127.0.0.1"], retries=0, rate_per_host=5.0,
                            max_in_flight_per_host=3, read_timeout=2)
    with HttpClient(settings) as client:
        out = fetch([Candidate(f"{site.base}/p/{i}", "s", "t") for i in range(10)], client, workers=6)
    assert all(r.ok for r in out.fetch_log)
    times = site.times()
    assert len(times) == 11
    # (20 ms allowed for the in-process server's own jitter; the old gate brought them 60 ms closer)
    assert min(gaps(times)) >= 0.2 - 0.02, f"arrivals closer than 1/rate: {sorted(gaps(times))[:3]}"


def test_a_url_sleeping_between_attempts_holds_no_slot_of_its_host(sites, monkeypatch):
    site = sites({"/down": (503, "text/html", b"down", 0.0), "/robots.txt": (200, "text/plain", ROBOTS, 0.0)}
                 | {f"/ok/{i}": (200, "text/html", HTML, 0.0) for i in range(4)})
    settings = HttpSettings(allow_private_hosts=["127.0.0.1"], retries=2, backoff=0.6, backoff_max=0.6,
                            rate_per_host=20.0, max_in_flight_per_host=1)
    monkeypatch.setattr(nhttp.random, "uniform", lambda a, b: b)  # every backoff sleeps its full 0.6 s
    with HttpClient(settings) as client:
        out = fetch([Candidate(f"{site.base}/down", "s", "t")]
                    + [Candidate(f"{site.base}/ok/{i}", "s", "t") for i in range(4)], client, workers=4)
    rows = {r.url.rsplit("/", 2)[-1] if "/ok/" not in r.url else r.url[-4:]: r for r in out.fetch_log}
    assert rows["down"].attempts == 3 and all(r.ok for k, r in rows.items() if k != "down")
    down = site.times("/down")
    oks = site.times("/ok/")
    # the other URLs went on while /down slept between its attempts (max_in_flight is 1)
    assert oks[-1] < down[-1], (down, oks)


# -- 2. discovery across hosts at once --------------------------------------------------------------
def rss(base: str, paths: list[str]) -> bytes:
    items = "".join(f"<item><title>{p}</title><link>{base}{p}</link>"
                    f"<pubDate>Thu, 27 Jun 2024 09:00:00 +0900</pubDate></item>" for p in paths)
    return f'<?xml version="1.0"?><rss version="2.0"><channel><title>t</title>{items}</channel></rss>'.encode()


def sitemap(base: str, paths: list[str]) -> bytes:
    urls = "".join(f"<url><loc>{base}{p}</loc><lastmod>2024-06-27</lastmod></url>" for p in paths)
    return (f'<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{urls}'
            f"</urlset>").encode()


def news_site(sites, delay: float = 0.3, pages: int = 2) -> Site:
    site = sites()
    site.routes.update({"/robots.txt": (200, "text/plain", ROBOTS, delay),
                        "/rss.xml": (200, "application/rss+xml",
                                     lambda s: rss(s.base, [f"/a/{i}" for i in range(pages)]), delay),
                        "/sitemap.xml": (200, "application/xml",
                                         lambda s: sitemap(s.base, [f"/b/{i}" for i in range(pages)]), delay)})
    site.routes.update({f"/{k}/{i}": (200, "text/html", HTML, 0.0) for k in "ab" for i in range(pages)})
    return site


def test_discovery_runs_across_hosts_at_once_under_the_host_limits(sites):
    hosts = [news_site(sites) for _ in range(4)]
    sources = [Source(name=f"s{i}", feeds=[{"type": "rss", "url": f"{h.base}/rss.xml"},
                                           {"type": "sitemap", "url": f"{h.base}/sitemap.xml"}])
               for i, h in enumerate(hosts)]
    settings = HttpSettings(allow_private_hosts=["127.0.0.1"], retries=0, rate_per_host=2.0,
                            max_in_flight_per_host=2, read_timeout=3)
    started = time.monotonic()
    with HttpClient(settings) as client:
        got = crawl(sources, date(2024, 6, 27), client, workers=16)
    took = time.monotonic() - started
    assert [len(got.found[s.name].candidates) for s in sources] == [4] * 4
    assert len(got.fetched.fetch_log) == 16 and all(r.ok for r in got.fetched.fetch_log)
    firsts = [h.times()[0] for h in hosts]
    feeds_done = [max(h.times("/rss.xml") + h.times("/sitemap.xml")) for h in hosts]
    # every host got its robots.txt at once, and its feeds before any host's discovery was over
    assert max(firsts) - min(firsts) < 0.25, firsts
    assert max(feeds_done) - min(feeds_done) < 0.5, feeds_done
    # 7 requests per host at 2/s with 0.3 s answers: about 3.4 s; one host after another would be 4x
    assert took < 6.0, took
    for h in hosts:  # and each host's own limit held
        assert min(gaps(h.times())) >= spacing(0.5) - 0.02, gaps(h.times())


def test_the_feeds_of_one_source_on_several_hosts_are_fetched_at_once(sites):
    a, b, c = (news_site(sites, delay=0.5) for _ in range(3))
    src = Source(name="s", feeds=[{"type": "rss", "url": f"{a.base}/rss.xml"},
                                  {"type": "sitemap", "url": f"{b.base}/sitemap.xml"},
                                  {"type": "rss", "url": f"{c.base}/rss.xml"}])
    settings = HttpSettings(allow_private_hosts=["127.0.0.1"], retries=0, rate_per_host=1.0, read_timeout=3)
    with HttpClient(settings) as client:
        got = crawl([src], date(2024, 6, 27), client)
    feeds = [a.times("/rss.xml")[0], b.times("/sitemap.xml")[0], c.times("/rss.xml")[0]]
    assert max(feeds) - min(feeds) < 0.5, feeds  # one after another would be >= 1 s apart
    assert [r.kind for r in got.found["s"].fetch_log] == ["feed"] * 3  # rows in the source's order
    assert [r.url.split("/")[2] for r in got.found["s"].fetch_log] == [a.base[7:], b.base[7:], c.base[7:]]
    assert len(got.fetched.fetch_log) == 6


# -- 3. robots.txt rows by origin -------------------------------------------------------------------
def test_robots_rows_belong_to_the_source_owning_host_and_port(sites):
    one, two, articles = news_site(sites, delay=0.0), news_site(sites, delay=0.0), news_site(sites, delay=0.0)
    two.routes["/rss.xml"] = (200, "application/rss+xml", lambda s: rss(articles.base, ["/a/0", "/a/1"]), 0.0)
    sources = [Source(name="first", feeds=[{"type": "rss", "url": f"{one.base}/rss.xml"}]),
               Source(name="second", feeds=[{"type": "rss", "url": f"{two.base}/rss.xml"}])]
    settings = HttpSettings(allow_private_hosts=["127.0.0.1"], retries=0, rate_per_host=20.0)
    with HttpClient(settings) as client:
        got = crawl(sources, date(2024, 6, 27), client)
        robots = list(client.robots_log)
    rows = robots_rows(robots, sources, datetime.now(UTC), got.candidates)
    assert sorted(r.url for r in rows["first"]) == [f"{one.base}/robots.txt"]
    # the second source's own port, and the port its articles live on
    assert sorted(r.url for r in rows["second"]) == sorted([f"{two.base}/robots.txt", f"{articles.base}/robots.txt"])
    assert all(r.kind == "robots" and r.source == name for name, rs in rows.items() for r in rs)


def test_robots_rows_fall_back_to_the_host_name_then_the_first_source():
    from newsflow.http import HttpResult

    sources = [Source(name="a", feeds=[{"type": "rss", "url": "http://a.example/rss"}]),
               Source(name="b", feeds=[{"type": "rss", "url": "http://b.example:8080/rss"}])]
    log = [HttpResult(u, u, 200, {}, b"", 1, 0) for u in
           ("http://b.example:8080/robots.txt", "https://b.example/robots.txt", "http://c.example/robots.txt")]
    rows = robots_rows(log, sources, datetime.now(UTC))
    assert [r.url for r in rows["b"]] == ["http://b.example:8080/robots.txt", "https://b.example/robots.txt"]
    assert [r.url for r in rows["a"]] == ["http://c.example/robots.txt"]


# -- 4. cross-night backoff --------------------------------------------------------------------------
D1 = date(2024, 6, 27)


def row(url: str, day: date, error_class: str | None = None, outcome: str = "fetched") -> dict:
    return {"url": url, "date": day, "fetched_at": datetime.combine(day, datetime.min.time(), UTC),
            "error_class": error_class, "outcome": outcome}


def test_backoff_doubles_over_run_dates_and_one_success_clears_it():
    u = "http://x.example/slow"
    assert backoff_from_rows([row(u, D1, "timeout", "failed")]) == {u: Backoff(1, D1)}
    b = Backoff(1, D1)
    assert b.next_try == D1 + timedelta(days=1) and b.due(D1 + timedelta(days=1)) and not b.due(D1)
    rows = [row(u, D1, "timeout", "failed"), row(u, D1 + timedelta(days=1), "timeout", "failed"),
            row(u, D1 + timedelta(days=2), "backoff", "backoff"), row(u, D1 + timedelta(days=3), "timeout", "failed")]
    b = backoff_from_rows(rows)[u]
    assert b == Backoff(3, D1 + timedelta(days=3)) and b.next_try == D1 + timedelta(days=7)
    assert Backoff(10, D1).next_try == D1 + timedelta(days=BACKOFF_MAX_DAYS)
    assert backoff_from_rows(rows + [row(u, D1 + timedelta(days=7))]) == {}  # fetched: cleared
    assert backoff_from_rows([row(u, D1, "timeout", "failed"), row(u, D1, "http_500", "failed")]) == {}


def test_a_url_that_timed_out_costs_the_next_nights_one_short_probe_then_backs_off(sites, tmp_path):
    state = {"slow": True}
    site = sites({"/robots.txt": (200, "text/plain", ROBOTS, 0.0), "/ok": (200, "text/html", HTML, 0.0),
                  "/slow": lambda n: (200, "text/html", HTML, 1.0 if state["slow"] else 0.0)})
    settings = HttpSettings(allow_private_hosts=["127.0.0.1"], retries=2, backoff=0.05, backoff_max=0.1,
                            rate_per_host=50.0, read_timeout=0.6, total_timeout=2.0)
    lake = Lake(str(tmp_path / "lake"))
    cands = [Candidate(f"{site.base}/slow", "s", "t"), Candidate(f"{site.base}/ok", "s", "t")]
    urls = [c.url for c in cands]

    def night(day: date) -> tuple[dict, float]:
        before = site.count["/slow"]
        plan = timeout_history(lake, ["s"], urls, day.isoformat(), 30)
        started = time.monotonic()
        with HttpClient(settings) as client:
            assert default_probe_timeout(client) == 0.6
            out = fetch(cands, client, workers=4, backoff=plan, day=day)
        took = time.monotonic() - started
        lake.publish("fetch_log", day, {"s": [asdict(r) for r in out.fetch_log]}, f"run-{day}")
        slow = out.fetch_log[0]
        assert out.fetch_log[1].ok
        return {"attempts": slow.attempts, "requests": site.count["/slow"] - before, "outcome": slow.outcome,
                "error_class": slow.error_class, "error": slow.error or ""}, took

    n1, _ = night(D1)  # full retries: 3 attempts of 0.6 s
    assert (n1["error_class"], n1["attempts"], n1["requests"]) == ("timeout", 3, 3)
    n2, took2 = night(D1 + timedelta(days=1))  # due: one probe, no retries
    assert (n2["error_class"], n2["attempts"], n2["requests"]) == ("timeout", 1, 1)
    assert "probe" in n2["error"] and took2 < 1.5
    n3, took3 = night(D1 + timedelta(days=2))  # 2 run dates in a row: next try 2 days after the last
    assert (n3["outcome"], n3["error_class"], n3["attempts"], n3["requests"]) == ("backoff", "backoff", 0, 0)
    assert str(D1 + timedelta(days=3)) in n3["error"] and took3 < 0.5
    state["slow"] = False
    n4, _ = night(D1 + timedelta(days=3))  # due again: the probe succeeds
    assert (n4["outcome"], n4["attempts"], n4["requests"]) == ("fetched", 1, 1)
    assert timeout_history(lake, ["s"], urls, (D1 + timedelta(days=4)).isoformat(), 30) == {}


def test_the_history_read_is_bounded_by_the_window(tmp_path):
    lake = Lake(str(tmp_path / "lake"))
    u = "http://x.example/slow"
    old = D1 - timedelta(days=40)
    from newsflow.models import FetchLog

    def log(day: date) -> dict:
        return asdict(FetchLog(u, "s", "page", None, None, False, 1, 0, 0, None, "timeout", "slow",
                               datetime.combine(day, datetime.min.time(), UTC), outcome="failed"))

    lake.publish("fetch_log", old, {"s": [log(old)]}, "old")
    assert timeout_history(lake, ["s"], [u], D1.isoformat(), 30) == {}  # 40 days back: outside the window
    lake.publish("fetch_log", D1, {"s": [log(D1)]}, "new")
    assert timeout_history(lake, ["s"], [u], (D1 + timedelta(days=1)).isoformat(), 30) == {u: Backoff(1, D1)}
    assert timeout_history(lake, ["other"], [u], (D1 + timedelta(days=1)).isoformat(), 30) == {}


def test_crawl_applies_the_backoff_and_probes_first(sites):
    site = news_site(sites, delay=0.0, pages=3)
    src = Source(name="s", feeds=[{"type": "rss", "url": f"{site.base}/rss.xml"}])
    settings = HttpSettings(allow_private_hosts=["127.0.0.1"], retries=2, rate_per_host=20.0,
                            max_in_flight_per_host=1)
    plan = {f"{site.base}/a/1": Backoff(1, D1 - timedelta(days=1)), f"{site.base}/a/2": Backoff(2, D1)}
    with HttpClient(settings) as client:
        got = crawl([src], D1, client, backoff=lambda urls: {u: plan[u] for u in urls if u in plan})
    outcomes = {r.url.rsplit("/", 1)[1]: r.outcome for r in got.fetched.fetch_log}
    assert outcomes == {"0": "fetched", "1": "fetched", "2": "backoff"}
    pages = [p for p, _ in site.hits if p.startswith("/a/")]
    assert pages == ["/a/1", "/a/0"]  # the probe first; the backed-off URL not requested
