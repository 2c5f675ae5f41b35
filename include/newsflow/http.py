"""Polite HTTP: the only place that talks to the network.

``HttpClient.get(url)`` returns an ``HttpResult`` and never raises for HTTP or network
errors: they come back as ``error_class``/``error`` so the caller can log one row per URL.
Politeness, per host: robots.txt (protego; RFC 9309: 4xx = allow all, 5xx/unreachable =
disallow all for this run) with its Crawl-delay, a minimum interval between request starts
(``rate_per_host``) and a cap on requests in flight. Robustness: connect/read timeouts and a
deadline per response, retries with exponential backoff and full jitter on connection
errors, timeouts, 408, 429 and 5xx (``Retry-After`` honoured up to ``max_retry_after``),
redirects followed by hand (each hop is gated, checked and counted; loops detected), a
streamed size limit applied after decompression (gzip bombs stop at ``max_bytes``),
an early content-type check, and refusal of private/loopback/link-local addresses unless
the host is allow-listed.
"""

from __future__ import annotations

import email.utils
import ipaddress
import logging
import random
import socket
import threading
import time
import zlib
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Iterator
from urllib.parse import urljoin, urlsplit

import requests
from protego import Protego

from newsflow.config import HttpSettings
from newsflow.urls import host_of

log = logging.getLogger(__name__)
RETRY_STATUS = frozenset({408, 429, 500, 502, 503, 504})
REDIRECT_STATUS = frozenset({301, 302, 303, 307, 308})


@dataclass(frozen=True, slots=True)
class HttpResult:
    url: str
    final_url: str | None
    status: int | None
    headers: dict[str, str]
    body: bytes
    attempts: int
    elapsed_ms: int
    error_class: str | None = None
    error: str | None = None

    @property
    def ok(self) -> bool:
        return self.error_class is None and self.status is not None and 200 <= self.status < 300

    @property
    def not_modified(self) -> bool:
        return self.status == 304


@dataclass(frozen=True, slots=True)
class HostPolicy:
    rate: float = 1.0  # request starts per second
    max_in_flight: int = 2


class FetchError(Exception):
    """A failure with a stable ``error_class`` for the fetch_log."""

    def __init__(self, error_class: str, message: str, retryable: bool = False, status: int | None = None) -> None:
        super().__init__(message)
        self.error_class, self.retryable, self.status = error_class, retryable, status


# Request starts are spaced a little more than 1/rate apart so that the host, which sees
# arrivals jittered by thread scheduling and connection set-up, never observes more than
# its rate: 3% of the interval, at least 10 ms (30 ms at 1 request/s).
SPACING_MARGIN, SPACING_MARGIN_MIN = 0.03, 0.010


def spacing(interval: float) -> float:
    return interval + max(SPACING_MARGIN * interval, SPACING_MARGIN_MIN) if interval > 0 else 0.0


@dataclass
class HostGate:
    """Spacing and in-flight cap for one host, shared by every thread of the process."""

    interval: float
    max_in_flight: int
    lock: threading.Lock = field(default_factory=threading.Lock)
    next_at: float = 0.0
    last_start: float = float("-inf")
    in_flight: int = 0
    sem: threading.BoundedSemaphore | None = None

    def __post_init__(self) -> None:
        self.sem = threading.BoundedSemaphore(self.max_in_flight)

    def ready_at(self) -> float:
        return self.next_at

    def busy(self) -> bool:
        return self.in_flight >= self.max_in_flight

    def slow_down(self, min_interval: float) -> None:
        with self.lock:
            self.interval = max(self.interval, spacing(min_interval))
            self.next_at = max(self.next_at, self.last_start + self.interval)

    @contextmanager
    def slot(self) -> Iterator[None]:
        """Wait for a free slot and for the host's next start time, then hold the slot."""
        self.sem.acquire()
        try:
            with self.lock:
                self.in_flight += 1
                now = time.monotonic()
                start = max(now, self.next_at)
                self.next_at = start + self.interval
                self.last_start = start
            if start > now:
                time.sleep(start - now)
            yield
        finally:
            with self.lock:
                self.in_flight -= 1
            self.sem.release()


def _retry_after(value: str | None) -> float | None:
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - time.time())


class HttpClient:
    def __init__(self, settings: HttpSettings, policies: dict[str, HostPolicy] | None = None) -> None:
        self.settings = settings
        self.policies = {k.lower(): v for k, v in (policies or {}).items()}
        self._gates: dict[str, HostGate] = {}
        self._robots: dict[str, Protego | bool] = {}
        self._robots_locks: dict[str, threading.Lock] = {}
        self._lock = threading.Lock()
        self.robots_log: list[HttpResult] = []  # robots.txt fetches, for the fetch_log
        self.session = requests.Session()
        self.session.headers.update({"User-Agent": settings.user_agent, "Accept-Encoding": "gzip, deflate",
                                     "Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.5"})
        adapter = requests.adapters.HTTPAdapter(pool_connections=64, pool_maxsize=64, max_retries=0)
        self.session.mount("http://", adapter)
        self.session.mount("https://", adapter)

    def close(self) -> None:
        self.session.close()

    def __enter__(self) -> "HttpClient":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- per-host state -------------------------------------------------------------------
    def gate(self, url: str) -> HostGate:
        key = host_of(url)
        with self._lock:
            if key not in self._gates:
                host = key.rsplit(":", 1)[0]
                policy = self.policies.get(key) or self.policies.get(host) or HostPolicy(
                    self.settings.rate_per_host, self.settings.max_in_flight_per_host)
                self._gates[key] = HostGate(spacing(1.0 / policy.rate), policy.max_in_flight)
            return self._gates[key]

    def check_address(self, url: str) -> None:
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise FetchError("invalid_url", f"not an http(s) URL: {url!r}")
        host = parts.hostname
        if host in self.settings.allow_private_hosts:
            return
        try:
            infos = socket.getaddrinfo(host, parts.port or 80, proto=socket.IPPROTO_TCP)
        except socket.gaierror as exc:
            raise FetchError("dns_error", f"cannot resolve {host}: {exc}") from None
        for info in infos:
            ip = ipaddress.ip_address(info[4][0].split("%")[0])
            if not ip.is_global or ip.is_multicast:
                raise FetchError("blocked_address", f"{host} resolves to {ip}, a non-public address; "
                                 "add it to http.allow_private_hosts to allow it")

    def robots(self, url: str) -> Protego | bool:
        """The host's rules: a parser, True (allow all) or False (disallow all)."""
        key = host_of(url)
        with self._lock:
            lock = self._robots_locks.setdefault(key, threading.Lock())
        with lock:
            if key in self._robots:
                return self._robots[key]
            parts = urlsplit(url)
            robots_url = f"{parts.scheme}://{parts.netloc}/robots.txt"
            res = self._get(robots_url, accept=None, robots=False)
            self.robots_log.append(res)
            rules: Protego | bool
            if res.ok:
                rules = Protego.parse(res.body.decode("utf-8", errors="replace"))
                delay = rules.crawl_delay(self.settings.user_agent)
                rate = rules.request_rate(self.settings.user_agent)
                if rate:
                    delay = max(delay or 0, rate.seconds / max(rate.requests, 1))
                if delay:
                    self.gate(url).slow_down(float(delay))
                    log.info("robots.txt of %s asks for a crawl delay of %ss", key, delay)
            else:
                # RFC 9309: unavailable (4xx) = no rules; unreachable (5xx, network) = disallow all
                rules = res.status is not None and 400 <= res.status < 500
            self._robots[key] = rules
            return rules

    def allowed(self, url: str) -> bool:
        if not self.settings.respect_robots:
            return True
        rules = self.robots(url)
        return rules if isinstance(rules, bool) else rules.can_fetch(url, self.settings.user_agent)

    # -- the public call --------------------------------------------------------------------
    def get(self, url: str, headers: dict[str, str] | None = None,
            accept: tuple[str, ...] | None = None) -> HttpResult:
        """GET with every rule applied; ``accept`` lists acceptable content types (prefixes)."""
        return self._get(url, headers=headers, accept=accept, robots=True)

    def _get(self, url: str, headers: dict[str, str] | None = None, accept: tuple[str, ...] | None = None,
             robots: bool = True) -> HttpResult:
        started = time.monotonic()
        current, seen, attempts, hops = url, {url}, 0, 0

        def result(status, hdrs, body, error_class=None, error=None) -> HttpResult:  # noqa: ANN001
            return HttpResult(url, current, status, hdrs, body, max(attempts, 1),
                              int((time.monotonic() - started) * 1000), error_class, error)

        while True:
            try:
                self.check_address(current)
                if robots and not self.allowed(current):
                    if self._robots.get(host_of(current)) is False:
                        return result(None, {}, b"", "robots_unavailable",
                                      f"robots.txt of {host_of(current)} could not be fetched (server error or "
                                      "unreachable), so the host is not crawled this run (RFC 9309)")
                    return result(None, {}, b"", "disallowed_robots", f"robots.txt disallows {current}")
                attempts += 1
                status, hdrs, body = self._once(current, headers, accept)
            except FetchError as exc:
                if exc.retryable and attempts <= self.settings.retries:
                    self._sleep_backoff(attempts, None)
                    continue
                log.warning("GET %s failed: %s: %s", url, exc.error_class, exc)
                return result(exc.status, {}, b"", exc.error_class, str(exc)[:500])
            if status in REDIRECT_STATUS and hdrs.get("location"):
                hops += 1
                target = urljoin(current, hdrs["location"])
                if target in seen:
                    return result(status, hdrs, b"", "redirect_loop", f"redirect loop back to {target}")
                if hops > self.settings.max_redirects:
                    return result(status, hdrs, b"", "too_many_redirects",
                                  f"more than {self.settings.max_redirects} redirects")
                seen.add(target)
                current = target
                continue
            if status in RETRY_STATUS and attempts <= self.settings.retries:
                wait = _retry_after(hdrs.get("retry-after"))
                if wait is not None and wait > self.settings.max_retry_after:
                    return result(status, hdrs, body, "retry_after_too_long",
                                  f"Retry-After {wait:.0f}s exceeds max_retry_after {self.settings.max_retry_after:.0f}s")
                self._sleep_backoff(attempts, wait)
                continue
            ok = 200 <= status < 300 or status == 304
            return result(status, hdrs, body, None if ok else f"http_{status}", None if ok else f"HTTP {status}")

    def _sleep_backoff(self, attempt: int, retry_after: float | None) -> None:
        cap = min(self.settings.backoff_max, self.settings.backoff * 2 ** (attempt - 1))
        time.sleep(max(retry_after or 0.0, random.uniform(0, cap)))

    def _once(self, url: str, headers: dict[str, str] | None, accept: tuple[str, ...] | None
              ) -> tuple[int, dict[str, str], bytes]:
        """One request through the host's gate; raises FetchError."""
        s = self.settings
        with self.gate(url).slot():
            deadline = time.monotonic() + s.total_timeout
            try:
                resp = self.session.get(url, headers=headers, timeout=(s.connect_timeout, s.read_timeout),
                                        stream=True, allow_redirects=False)
            except requests.Timeout as exc:
                raise FetchError("timeout", str(exc), retryable=True) from None
            except requests.ConnectionError as exc:
                raise FetchError("connection_error", str(exc), retryable=True) from None
            except requests.RequestException as exc:
                raise FetchError("invalid_url", str(exc)) from None
            with resp:
                hdrs = {k.lower(): v for k, v in resp.headers.items()}
                if resp.status_code in REDIRECT_STATUS or resp.status_code == 304:
                    return resp.status_code, hdrs, b""
                ctype = hdrs.get("content-type", "").split(";")[0].strip().lower()
                if accept and 200 <= resp.status_code < 300 and ctype and not ctype.startswith(accept):
                    raise FetchError("not_html", f"content-type {ctype!r} is not one of {', '.join(accept)}",
                                     status=resp.status_code)
                declared = hdrs.get("content-length", "")
                if declared.isdigit() and int(declared) > s.max_bytes and not hdrs.get("content-encoding"):
                    raise FetchError("too_large", f"Content-Length {declared} exceeds max_bytes {s.max_bytes}",
                                     status=resp.status_code)
                try:
                    body = self._read(resp, hdrs.get("content-encoding", "").lower(), deadline)
                except FetchError as exc:
                    exc.status = resp.status_code
                    raise
                return resp.status_code, hdrs, body

    def _read(self, resp: requests.Response, encoding: str, deadline: float) -> bytes:
        """Stream the body, decompressing by hand so no more than ``max_bytes`` ever exists."""
        limit = self.settings.max_bytes
        decomp = None
        if encoding in ("gzip", "x-gzip", "deflate"):
            decomp = zlib.decompressobj(47 if encoding != "deflate" else 15)
        elif encoding not in ("", "identity"):
            raise FetchError("decoding_error", f"unsupported Content-Encoding {encoding!r}")
        out, total = [], 0
        try:
            while chunk := resp.raw.read1(65536, decode_content=False):  # returns what has arrived
                if time.monotonic() > deadline:
                    raise FetchError("timeout", f"response took longer than {self.settings.total_timeout}s",
                                     retryable=True)
                while chunk:
                    if decomp is None:
                        data, chunk = chunk, b""
                    else:
                        data = decomp.decompress(chunk, limit - total + 1)
                        chunk = decomp.unconsumed_tail
                    total += len(data)
                    if total > limit:
                        raise FetchError("too_large", f"body exceeds max_bytes {limit} (after decompression)")
                    out.append(data)
                    if decomp is not None and not data:
                        break
        except FetchError:
            raise
        except zlib.error as exc:
            raise FetchError("decoding_error", f"bad {encoding} body: {exc}") from None
        except (requests.ConnectionError, requests.exceptions.ChunkedEncodingError, OSError) as exc:
            raise FetchError("connection_error", f"connection lost while reading: {exc}", retryable=True) from None
        except Exception as exc:  # urllib3 ProtocolError / ReadTimeoutError
            name = type(exc).__name__
            cls = "timeout" if "Timeout" in name else "connection_error"
            raise FetchError(cls, f"{name}: {exc}", retryable=True) from None
        return b"".join(out)


class FixtureClient:
    """The offline twin of ``HttpClient``: answers from a dict of URL -> (status, headers, body)."""

    def __init__(self, responses: dict[str, tuple[int, dict[str, str], bytes]]) -> None:
        self.responses = responses
        self.requested: list[str] = []
        self.robots_log: list[HttpResult] = []

    def get(self, url: str, headers: dict[str, str] | None = None,
            accept: tuple[str, ...] | None = None) -> HttpResult:
        self.requested.append(url)
        if url not in self.responses:
            return HttpResult(url, url, 404, {"content-type": "text/html"}, b"not found", 1, 0, "http_404", "HTTP 404")
        status, hdrs, body = self.responses[url]
        hdrs = {k.lower(): v for k, v in hdrs.items()}
        ok = 200 <= status < 300 or status == 304
        return HttpResult(url, url, status, hdrs, body, 1, 0, None if ok else f"http_{status}",
                          None if ok else f"HTTP {status}")

    def gate(self, url: str) -> HostGate:
        return HostGate(0.0, 1_000_000)

    def close(self) -> None:
        pass

    def __enter__(self) -> "FixtureClient":
        return self

    def __exit__(self, *exc: object) -> None:
        pass
