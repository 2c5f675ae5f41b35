"""newsflow.progress: lines driven by the clock (never by item count), rate and ETA."""

from __future__ import annotations

import logging
import time

from newsflow.progress import Progress, counts, duration


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def lines(caplog) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.name == "newsflow.progress"]


def test_no_line_before_every_seconds_however_many_items(caplog):
    caplog.set_level(logging.INFO, "newsflow.progress")
    clock = Clock()
    p = Progress(10_000, "parse hanbit#0", every=10, unit="pages", clock=clock)
    for _ in range(5000):  # many items in little time: no line (not driven by count)
        clock.now += 0.001
        p.add()
    assert lines(caplog) == []


def test_one_line_per_interval_with_rate_and_eta(caplog):
    caplog.set_level(logging.INFO, "newsflow.progress")
    clock = Clock()
    p = Progress(100, "fetch hanbit", every=10, unit="URLs", clock=clock)
    for _ in range(40):  # 2 items per second for 20 s
        clock.now += 0.5
        p.add()
    got = lines(caplog)
    assert len(got) == 2  # at 10 s and at 20 s, not one per item
    assert got[0] == "fetch hanbit: 20/100 URLs (20%), 2.0 URLs/s, ETA 40s, 10s elapsed"
    assert got[1] == "fetch hanbit: 40/100 URLs (40%), 2.0 URLs/s, ETA 30s, 20s elapsed"


def test_tick_logs_while_an_item_takes_long_and_eta_unknown_without_progress(caplog):
    caplog.set_level(logging.INFO, "newsflow.progress")
    clock = Clock()
    p = Progress(3, "extract dongnam#0", every=10, unit="articles", clock=clock)
    clock.now += 9
    assert not p.tick()
    clock.now += 1
    assert p.tick()  # what the ticker thread calls: a line although no item finished
    clock.now += 5
    assert not p.tick()
    assert lines(caplog) == ["extract dongnam#0: 0/3 articles (0%), 0.0 articles/s, ETA unknown, 10s elapsed"]


def test_growing_and_unknown_totals(caplog):
    caplog.set_level(logging.INFO, "newsflow.progress")
    clock = Clock()
    p = Progress(None, "fetch", every=10, unit="URLs", clock=clock)
    clock.now += 10
    p.add(5)
    p.grow(20)
    clock.now += 10
    p.add(5)
    assert lines(caplog) == ["fetch: 5 URLs, 0.5 URLs/s, 10s elapsed",
                             "fetch: 10/20 URLs (50%), 0.5 URLs/s, ETA 20s, 20s elapsed"]


def test_ticker_thread_logs_on_its_own_and_stops(caplog):
    caplog.set_level(logging.INFO, "newsflow.progress")
    with Progress(10, "publish", every=0.05, unit="tables") as p:
        time.sleep(0.3)
    n = len(lines(caplog))
    assert 1 <= n <= 7 and p.lines == n
    time.sleep(0.15)
    assert len(lines(caplog)) == n  # stopped


def test_formatting_helpers():
    assert [duration(s) for s in (4.24, 42, 185, 7380)] == ["4.2s", "42s", "3m05s", "2h03m"]
    assert counts({"not_article": 1, "http_404": 2, "zero": 0}) == "http_404 2, not_article 1"
    assert counts({}) == "none"
