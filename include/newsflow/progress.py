"""Progress lines for long work, driven by the clock: at most one line per ``every`` seconds.

    with Progress(len(pages), "parse hanbit#0", unit="pages") as p:
        for page in pages:
            ...
            p.add()

logs, no more often than every 10 s (and, with the context manager, at least that often
even while one item takes long)::

    parse hanbit#0: 420/1,000 pages (42%), 13.9 pages/s, ETA 42s, 30s elapsed

The first line comes ``every`` seconds after the start, so short work logs nothing here
(its one-line summary is the caller's). ``total`` may be unknown (None) or grow while the
work runs (``grow``): a fetch learns its URLs from the feeds as it goes. Thread-safe; one
Progress per worker (process or task), so a night logs one line per 10 s per worker at most.
The clock is injectable, for tests.
"""

from __future__ import annotations

import logging
import threading
import time
from typing import Any, Callable

log = logging.getLogger(__name__)


def duration(seconds: float) -> str:
    """4.2s, 42s, 3m05s, 2h03m: short and readable."""
    if seconds < 10:
        return f"{seconds:.1f}s"
    s = int(round(seconds))
    if s < 60:
        return f"{s}s"
    if s < 3600:
        return f"{s // 60}m{s % 60:02d}s"
    return f"{s // 3600}h{s % 3600 // 60:02d}m"


def counts(c: dict[str, Any] | None, empty: str = "none") -> str:
    """{'http_404': 2, 'not_article': 1} -> 'http_404 2, not_article 1' (largest first; zeros dropped)."""
    items = sorted(((k, v) for k, v in (c or {}).items() if v), key=lambda kv: (-kv[1], kv[0]))
    return ", ".join(f"{k} {v:,}" for k, v in items) or empty


class Progress:
    """Counts work done and logs ``label: done/total unit (pct), rate/s, ETA, elapsed``
    at most once per ``every`` seconds of ``clock``."""

    def __init__(self, total: int | None, label: str, every: float = 10.0, unit: str = "items",
                 logger: logging.Logger | None = None, clock: Callable[[], float] = time.monotonic) -> None:
        self.total, self.label, self.every, self.unit = total, label, float(every), unit
        self.log = logger or log
        self.clock = clock
        self.done = 0
        self.started = clock()
        self.last = self.started  # when the last line was logged (the start counts as one)
        self.lines = 0
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    # -- counting --------------------------------------------------------------------------------
    def add(self, n: int = 1) -> None:
        """``n`` more items done; logs a line if ``every`` seconds passed since the last one."""
        with self._lock:
            self.done += n
        self.tick()

    def grow(self, n: int) -> None:
        """``n`` more items to do (the total was not known up front)."""
        with self._lock:
            self.total = (self.total or 0) + n

    @property
    def elapsed(self) -> float:
        return self.clock() - self.started

    # -- logging ---------------------------------------------------------------------------------
    def line(self) -> str:
        with self._lock:
            done, total = self.done, self.total
        elapsed = self.elapsed
        rate = done / elapsed if elapsed > 0 else 0.0
        parts = [f"{self.label}: {done:,}" + (f"/{total:,}" if total is not None else "") + f" {self.unit}"]
        if total:
            parts[0] += f" ({min(100, 100 * done // total)}%)"
        parts.append(f"{rate:.1f} {self.unit}/s" if rate < 100 else f"{rate:,.0f} {self.unit}/s")
        if total is not None and done < total:
            parts.append(f"ETA {duration((total - done) / rate)}" if rate > 0 else "ETA unknown")
        parts.append(f"{duration(elapsed)} elapsed")
        return ", ".join(parts)

    def tick(self) -> bool:
        """Log a line if ``every`` seconds passed since the last one (or the start); True if it did."""
        now = self.clock()
        with self._lock:
            if now - self.last < self.every:
                return False
            self.last = now
            self.lines += 1
        self.log.info("%s", self.line())
        return True

    # -- a ticker, so a line comes every ``every`` seconds even while one item takes long ----------
    def start(self) -> "Progress":
        if self._thread is None and self.every > 0:
            self._thread = threading.Thread(target=self._run, name=f"progress-{self.label}"[:60], daemon=True)
            self._thread.start()
        return self

    def _run(self) -> None:
        step = min(1.0, self.every / 4)
        while not self._stop.wait(step):
            try:
                self.tick()
            except Exception:  # noqa: BLE001 - progress must never break the work it reports on
                return

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None and self._thread is not threading.current_thread():
            self._thread.join(timeout=2)
        self._thread = None

    def __enter__(self) -> "Progress":
        return self.start()

    def __exit__(self, *exc: Any) -> None:
        self.stop()
