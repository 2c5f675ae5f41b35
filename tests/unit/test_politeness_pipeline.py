"""pipeline.fetch_sources with the whole-crawl changes: robots.txt rows by origin, the
cross-night backoff, discovery and fetch through ``discover.crawl``.

These run once ``fetch_sources`` calls ``discover.crawl`` and ``discover.robots_rows`` (a change
to pipeline.py handed over separately); until then they are skipped."""

from __future__ import annotations

import inspect
import time
from dataclasses import asdict
from datetime import UTC, datetime

import pytest

from newsflow import pipeline
from newsflow.contracts import Fetched, from_dict
from newsflow.lake import Lake
from newsflow.models import FetchLog

pytestmark = pytest.mark.skipif("robots_rows" not in inspect.getsource(pipeline.fetch_sources),
                                reason="pipeline.fetch_sources does not use discover.crawl / robots_rows yet")

HTML = b"<html><head><title>t</title></head><body><article><p>" + b"A sentence of the article. " * 40 + \
    b"</p></article></body></html>"


def site(local_server, name: str, slow: float = 0.0) -> str:
    bases: list[str] = []

    def handler(path, req):  # noqa: ANN001
        base = bases[0]
        if path == "/robots.txt":
            return 200, {"Content-Type": "text/plain"}, b"User-agent: *\nAllow: /\n"
        if path == "/rss.xml":
            items = "".join(f"<item><title>{name} {i}</title><link>{base}/{name}/{i}</link></item>" for i in range(2))
            return 200, {"Content-Type": "application/rss+xml"}, (
                f'<?xml version="1.0"?><rss version="2.0"><channel><title>{name}</title>{items}'
                f"</channel></rss>").encode()
        if path == f"/{name}/1" and slow:
            time.sleep(slow)
        return 200, {"Content-Type": "text/html; charset=utf-8"}, HTML

    bases.append(local_server(handler))
    return bases[0]


def sources_file(tmp_path, a: str, b: str, read_timeout: float = 5) -> str:
    p = tmp_path / "sources.yaml"
    p.write_text(f"""
http: {{user_agent: "test/1 (+https://t.example)", allow_private_hosts: ["127.0.0.1"], rate_per_host: 50,
        retries: 1, backoff: 0.01, read_timeout: {read_timeout}, total_timeout: {2 * read_timeout}}}
sources:
  - {{name: first, timezone: UTC, feeds: [{{type: rss, url: "{a}/rss.xml"}}]}}
  - {{name: second, timezone: UTC, feeds: [{{type: rss, url: "{b}/rss.xml"}}]}}
""")
    return str(p)


def fetch_rows(lake: Lake, fetched: Fetched) -> dict[str, list[dict]]:
    return {name: lake.read_rows(path) for name, path in fetched.fetch_log.items()}


def test_two_sources_on_one_host_name_with_different_ports_own_their_robots_rows(tmp_path, local_server):
    a, b = site(local_server, "first"), site(local_server, "second")
    jobs = pipeline.plan(sources_file(tmp_path, a, b), str(tmp_path / "lake"), "r1", "2024-06-27")
    assert len(jobs) == 1  # one host name: one job, one client
    fetched = from_dict(Fetched, pipeline.fetch_sources(jobs[0]))
    rows = fetch_rows(Lake(str(tmp_path / "lake")), fetched)
    robots = {name: [r["url"] for r in rs if r["kind"] == "robots"] for name, rs in rows.items()}
    assert robots == {"first": [f"{a}/robots.txt"], "second": [f"{b}/robots.txt"]}
    assert fetched.counts["first"]["fetched"] == fetched.counts["second"]["fetched"] == 2


def test_a_url_that_timed_out_the_night_before_gets_one_short_probe(tmp_path, local_server):
    a, b = site(local_server, "first", slow=3.0), site(local_server, "second")
    lake = Lake(str(tmp_path / "lake"))
    slow = f"{a}/first/1"
    lake.publish("fetch_log", "2024-06-26", {"first": [asdict(FetchLog(
        slow, "first", "page", None, None, False, 4, 0, 80_000, None, "timeout", "took too long",
        datetime(2024, 6, 26, 1, tzinfo=UTC), outcome="failed"))]}, "night-before")
    jobs = pipeline.plan(sources_file(tmp_path, a, b, read_timeout=1.6), lake.uri, "r2", "2024-06-27")
    fetched = from_dict(Fetched, pipeline.fetch_sources(jobs[0]))
    row = next(r for r in fetch_rows(lake, fetched)["first"] if r["url"] == slow)
    assert (row["error_class"], row["attempts"]) == ("timeout", 1) and "probe" in row["error"]
    assert row["elapsed_ms"] < 1500  # one 1 s probe (read_timeout / 4, at least 1 s), not 2 attempts of 1.6 s
    assert fetched.counts["second"]["fetched"] == 2
