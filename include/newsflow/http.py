"""Polite HTTP: the only place that talks to the network.

``HttpClient.get(url)`` returns an ``HttpResult`` and never raises for HTTP or network
errors: they come back as ``error_class``/``error`` so the caller can log one row per URL.
Politeness, per host: robots.txt (protego; RFC 9309: 4xx = allow all, 5xx/unreachable =
disallow all for this run) with its Crawl-delay, a minimum interval between requests counted
from the moment each was actually sent (``rate_per_host``; ``HostGate``: a thread that wakes
up late on a loaded machine delays the next request rather than crowding it) and a cap on
requests in flight. Robustness: connect/read timeouts and a
deadline per response over connect, headers and body (a watchdog shuts the socket down, so
a server dribbling header lines cannot hold a worker), retries with exponential backoff and
full jitter on connection errors, timeouts, 408, 429 and 5xx (``Retry-After`` honoured up to
``max_retry_after``), redirects followed by hand (each hop is parsed, gated, checked and
counted; loops detected), a streamed size limit applied after decompression (gzip bombs
stop at ``max_bytes``), an early content-type check.

Safety: every URL, redirect target and robots.txt URL goes through ``urls.parse_url`` (one
WHATWG-style parse: the host checked is the host requested; userinfo is dropped, never sent
as credentials nor kept in ``final_url``). The host is resolved once per hop, every address
must be public (``is_public``: not private, loopback, link-local, reserved, nor such an
address wrapped in IPv6) unless the host is allow-listed, and the connection is made to
those very addresses (``_PinnedConnection``), so a DNS server answering differently the
second time (rebinding) cannot redirect the request; the Host header and TLS SNI and
certificate check still use the host name. Requests carry no cookies (there is no cookie
jar) and the headers returned drop ``Set-Cookie`` and other credentials before anything
stores them. No proxy or ``.netrc`` from the environment is used.
"""

from __future__ import annotations

import email.utils
import http.client
import ipaddress
import logging
import random
import socket
import ssl
import threading
import time
import zlib
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, Callable, Iterator

import urllib3
from protego import Protego
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool
from urllib3.exceptions import ConnectTimeoutError, NewConnectionError
from urllib3.util.connection import allowed_gai_family, create_connection

from newsflow.config import HttpSettings
from newsflow.urls import BadUrl, WebUrl, host_of, parse_url, redact

try:
    from certifi import where as _ca_bundle  # the bundle requests uses
except ImportError:  # pragma: no cover - then the system store
    _ca_bundle = lambda: None  # noqa: E731

log = logging.getLogger(__name__)
RETRY_STATUS = frozenset({408, 429, 500, 502, 503, 504})
REDIRECT_STATUS = frozenset({301, 302, 303, 307, 308})
# response headers that carry credentials: never handed on, so never stored in raw_pages
CREDENTIAL_HEADERS = frozenset({
    "set-cookie", "set-cookie2", "cookie", "authorization", "proxy-authorization", "x-api-key",
    "x-auth-token", "x-csrf-token", "x-xsrf-token", "x-amz-security-token", "x-goog-iam-authorization-token",
})

# Not reachable on the public internet (IANA special-purpose registries), listed because
# ``is_global`` misses some of them on older Pythons (3.11 calls 192.0.0.8 and ::127.0.0.1 global).
_NOT_PUBLIC_V4 = tuple(ipaddress.IPv4Network(n) for n in (
    "0.0.0.0/8", "10.0.0.0/8", "100.64.0.0/10", "127.0.0.0/8", "169.254.0.0/16", "172.16.0.0/12",
    "192.0.0.0/24", "192.0.2.0/24", "192.88.99.0/24", "192.168.0.0/16", "198.18.0.0/15",
    "198.51.100.0/24", "203.0.113.0/24", "224.0.0.0/4", "240.0.0.0/4"))
_NOT_PUBLIC_V6 = tuple(ipaddress.IPv6Network(n) for n in (
    "::/8",  # unspecified, loopback, IPv4-compatible (::a.b.c.d, deprecated) and reserved
    "100::/64", "2001::/23", "2001:db8::/32", "3fff::/20", "5f00::/16", "64:ff9b:1::/48",
    "fc00::/7", "fe80::/10", "fec0::/10", "ff00::/8"))
_NAT64 = ipaddress.IPv6Network("64:ff9b::/96")


def is_public(ip: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    """True for a globally routable unicast address.

    IPv6 forms that carry an IPv4 address are judged by it: IPv4-mapped (``::ffff:a.b.c.d``)
    and NAT64 (``64:ff9b::/96``) reach exactly that address; 6to4 (``2002::/16``) and Teredo
    must embed public ones (Teredo is refused anyway, as part of 2001::/23)."""
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped is not None:
            return is_public(ip.ipv4_mapped)
        if ip in _NAT64:
            return is_public(ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF))
        embedded = [a for a in (ip.sixtofour, *(ip.teredo or ())) if a is not None]
        if not all(is_public(a) for a in embedded):
            return False
        return ip.is_global and not ip.is_multicast and not any(ip in n for n in _NOT_PUBLIC_V6)
    return ip.is_global and not ip.is_multicast and not any(ip in n for n in _NOT_PUBLIC_V4)


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
# arrivals jittered by thread scheduling and its own reading of the request, never observes
# more than its rate: 3% of the interval, at least 10 ms (30 ms at 1 request/s).
SPACING_MARGIN, SPACING_MARGIN_MIN = 0.03, 0.010


def spacing(interval: float) -> float:
    return interval + max(SPACING_MARGIN * interval, SPACING_MARGIN_MIN) if interval > 0 else 0.0


def _sleep(seconds: float) -> None:
    """The gate's sleep (a module function, so a test can make it wake up late)."""
    time.sleep(seconds)


@dataclass
class HostGate:
    """Spacing and in-flight cap for one host, shared by every thread of the process.

    The spacing is measured from the moment a request is actually sent, not from the moment
    it was planned: one request at a time holds the host's *turn*, sleeps until
    ``next_at``, sends, and only then sets ``next_at = send time + interval`` and passes the
    turn on. A thread that wakes up late (a loaded machine) therefore delays the requests
    after it instead of compressing the next gap, so the host never sees two requests closer
    than ``interval`` whatever the scheduler does. The send time is taken once the request
    has been written to the socket (the client calls the ``sent`` function ``slot`` yields,
    see ``_PinnedConnection.request``), so connection set-up and TLS count as part of the
    request before it; a request that fails before it is written still uses its turn."""

    interval: float
    max_in_flight: int
    clock: Callable[[], float] | None = None  # tests: a fake clock (default time.monotonic)
    sleep: Callable[[float], None] | None = None  # tests: a sleep that wakes up late (default _sleep)
    lock: threading.Lock = field(default_factory=threading.Lock)
    next_at: float = float("-inf")  # the earliest time the next request may be sent
    last_sent: float = float("-inf")  # when the last request was sent
    waiting: int = 0  # requests in the gate that have not been sent yet
    in_flight: int = 0  # requests in the gate that have been sent (or are being sent)
    backing_off: int = 0  # requests of this host sleeping between two attempts (outside the gate)
    sent_count: int = 0
    watchers: list[Callable[[], None]] = field(default_factory=list)
    sem: threading.BoundedSemaphore | None = None
    turn: threading.Lock = field(default_factory=threading.Lock)

    def __post_init__(self) -> None:
        self.sem = threading.BoundedSemaphore(self.max_in_flight)

    def now(self) -> float:
        return (self.clock or time.monotonic)()

    def ready_at(self) -> float:
        """When one more request handed to this gate now could be sent (after those waiting)."""
        return max(self.next_at, self.now()) + self.waiting * self.interval

    def busy(self) -> bool:
        return self.in_flight + self.waiting >= self.max_in_flight

    def slow_down(self, min_interval: float) -> None:
        with self.lock:
            self.interval = max(self.interval, spacing(min_interval))
            self.next_at = max(self.next_at, self.last_sent + self.interval)

    def _notify(self) -> None:
        for watcher in list(self.watchers):
            watcher()

    @contextmanager
    def backoff(self) -> Iterator[None]:
        """Around a sleep between two attempts: the request holds no slot meanwhile, and the
        watchers (the fetch scheduler) learn that the host can take another request."""
        with self.lock:
            self.backing_off += 1
        self._notify()
        try:
            yield
        finally:
            with self.lock:
                self.backing_off -= 1

    @contextmanager
    def slot(self) -> Iterator[Callable[[], None]]:
        """Wait for a free in-flight slot and for the host's turn, sleep until ``next_at``,
        then hold the slot. Yields ``sent``: call it as soon as the request has been written
        (it is called on leaving if it was not); the next request may be sent ``interval``
        after that moment."""
        with self.lock:
            self.waiting += 1
        done = False

        def sent() -> None:
            nonlocal done
            if done:
                return
            done = True
            at = self.now()
            with self.lock:
                self.last_sent = max(self.last_sent, at)
                self.next_at = max(self.next_at, at + self.interval)
                self.waiting -= 1
                self.in_flight += 1
                self.sent_count += 1
            self.turn.release()

        try:
            self.sem.acquire()
            try:
                self.turn.acquire()
                try:
                    sleep = self.sleep or _sleep
                    while (wait := self.next_at - self.now()) > 0:  # next_at may grow meanwhile (Crawl-delay)
                        sleep(wait)
                except BaseException:
                    self.turn.release()
                    raise
                try:
                    yield sent
                finally:
                    sent()
                    with self.lock:
                        self.in_flight -= 1
            finally:
                self.sem.release()
        finally:
            if not done:
                with self.lock:
                    self.waiting -= 1


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


class _Deadline:
    """The total time one request may take, enforced from outside the reading thread.

    Socket timeouts bound each read, not their sum: a server sending one header line every
    couple of seconds never trips them. A timer shuts the connection's socket down when the
    time is up, whatever phase the request is in (connect, TLS, headers, body), and the
    reader then fails at once; ``fired`` tells it why."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.at = time.monotonic() + seconds
        self.fired = False
        self._conn: HTTPConnection | None = None
        self._lock = threading.Lock()
        self._timer = threading.Timer(seconds, self._fire)
        self._timer.daemon = True
        self._timer.start()

    def remaining(self) -> float:
        return self.at - time.monotonic()

    def attach(self, conn: HTTPConnection) -> None:
        """Watch ``conn`` from now on (the request owns it until ``cancel``)."""
        with self._lock:
            self._conn = conn
            conn.newsflow_deadline = self  # type: ignore[attr-defined]
            if self.fired:
                self._shutdown(conn)

    def cancel(self) -> None:
        self._timer.cancel()
        with self._lock:
            self._conn = None

    def _fire(self) -> None:
        with self._lock:
            self.fired = True
            if self._conn is not None and getattr(self._conn, "newsflow_deadline", None) is self:
                self._shutdown(self._conn)

    @staticmethod
    def _shutdown(conn: HTTPConnection) -> None:
        sock = conn.sock
        if sock is not None:
            try:  # the plain socket call also works on an SSLSocket (and does not unwrap it)
                socket.socket.shutdown(sock, socket.SHUT_RDWR)
            except OSError:
                pass


_local = threading.local()  # the deadline and the gate's ``sent`` of the request this thread is making


def _deadline() -> _Deadline | None:
    return getattr(_local, "deadline", None)


def _mark_sent() -> None:
    """Tell the host's gate that the request has been written (or failed to be): the next
    request to the host is spaced from now."""
    sent = getattr(_local, "sent", None)
    if sent is not None:
        _local.sent = None
        sent()


class _PinnedConnection:
    """Connects to addresses resolved and checked beforehand (``addresses``), never to a
    second DNS answer; the Host header, SNI and certificate check keep the host name."""

    addresses: tuple[str, ...] = ()
    newsflow_deadline: _Deadline | None = None
    # provided by urllib3's HTTPConnection, which this is mixed into
    host: str
    port: int
    timeout: Any
    source_address: Any
    socket_options: Any

    def _new_conn(self) -> socket.socket:
        timeout = self.timeout
        if (deadline := _deadline()) is not None:
            deadline.attach(self)  # type: ignore[arg-type]
            if isinstance(timeout, (int, float)):  # the connect timeout, within what is left of the total
                timeout = max(0.001, min(timeout, deadline.remaining()))
        error: Exception = NewConnectionError(self, "no checked address to connect to")  # type: ignore[arg-type]
        for ip in self.addresses:  # like create_connection over getaddrinfo's answers, but these ones
            try:
                return create_connection((ip, self.port), timeout, source_address=self.source_address,
                                         socket_options=self.socket_options)
            except TimeoutError as exc:
                error = ConnectTimeoutError(self, f"connection to {self.host} ({ip}) timed out: {exc}")
            except OSError as exc:
                error = NewConnectionError(self, f"failed to connect to {self.host} ({ip}): {exc}")  # type: ignore
        raise error

    def connect(self) -> None:
        super().connect()  # type: ignore[misc]
        if (deadline := _deadline()) is not None:
            deadline.attach(self)  # type: ignore[arg-type]  # self.sock is now the TLS socket

    def request(self, *args: Any, **kwargs: Any) -> None:
        if (deadline := _deadline()) is not None:
            deadline.attach(self)  # type: ignore[arg-type]  # a kept-alive connection, used again
        try:
            super().request(*args, **kwargs)  # type: ignore[misc]  # connects first if need be
        finally:
            _mark_sent()  # the request is on the wire: the host's spacing counts from here


class _PinnedHTTPConnection(_PinnedConnection, HTTPConnection):
    pass


class _PinnedHTTPSConnection(_PinnedConnection, HTTPSConnection):
    pass


class _PinnedPool:
    addresses: tuple[str, ...] = ()

    def _new_conn(self) -> HTTPConnection:
        conn = super()._new_conn()  # type: ignore[misc]
        conn.addresses = self.addresses
        return conn


class _PinnedHTTPPool(_PinnedPool, HTTPConnectionPool):
    ConnectionCls = _PinnedHTTPConnection


class _PinnedHTTPSPool(_PinnedPool, HTTPSConnectionPool):
    ConnectionCls = _PinnedHTTPSConnection


class HttpClient:
    def __init__(self, settings: HttpSettings, policies: dict[str, HostPolicy] | None = None) -> None:
        self.settings = settings
        self.policies = {k.lower(): v for k, v in (policies or {}).items()}
        # exact host names (or literal addresses) whose addresses are not checked: the sample site, tests
        self._allowed_hosts = frozenset(h.strip().lower().strip("[]").rstrip(".")
                                        for h in settings.allow_private_hosts)
        self._gates: dict[str, HostGate] = {}
        self._robots: dict[str, Protego | bool] = {}
        self._robots_locks: dict[str, threading.Lock] = {}
        self._lock = threading.Lock()
        self._pools: dict[tuple[str, str, int], tuple[tuple[str, ...], HTTPConnectionPool]] = {}
        self.robots_log: list[HttpResult] = []  # robots.txt fetches, for the fetch_log
        # no cookie jar, no auth, no proxies: every request carries exactly these plus the caller's
        self.headers = {"User-Agent": settings.user_agent, "Accept-Encoding": "gzip, deflate",
                        "Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.5"}

    def close(self) -> None:
        with self._lock:
            pools, self._pools = list(self._pools.values()), {}
        for _, pool in pools:
            pool.close()

    def __enter__(self) -> "HttpClient":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- per-host state -------------------------------------------------------------------
    def gate(self, url: str) -> HostGate:
        key = host_of(url)
        with self._lock:
            if key not in self._gates:
                host = key.rsplit(":", 1)[0].strip("[]")
                policy = self.policies.get(key) or self.policies.get(host) or HostPolicy(
                    self.settings.rate_per_host, self.settings.max_in_flight_per_host)
                self._gates[key] = HostGate(spacing(1.0 / policy.rate), policy.max_in_flight)
            return self._gates[key]

    def check_address(self, url: str | WebUrl) -> tuple[str, ...]:
        """Resolve the URL's host once and check every address; returns the addresses the
        request may connect to (and must: see ``_PinnedConnection``). Raises FetchError."""
        try:
            target = url if isinstance(url, WebUrl) else parse_url(url)
        except BadUrl as exc:
            raise FetchError(exc.error_class, str(exc)) from None
        host = target.host
        try:
            ips, verb = [ipaddress.ip_address(host)], "is"
        except ValueError:
            verb = "resolves to"
            try:
                infos = socket.getaddrinfo(host, target.port, allowed_gai_family(), socket.SOCK_STREAM)
            except (OSError, UnicodeError) as exc:
                raise FetchError("dns_error", f"cannot resolve {host}: {exc}") from None
            ips = list(dict.fromkeys(ipaddress.ip_address(str(info[4][0]).split("%")[0]) for info in infos
                                     if info[0] in (socket.AF_INET, socket.AF_INET6)))
            if not ips:
                raise FetchError("dns_error", f"{host} has no IPv4 or IPv6 address")
        if host not in self._allowed_hosts:
            for ip in ips:
                if not is_public(ip):
                    raise FetchError("blocked_address", f"{target.netloc} {verb} {ip}, a non-public address; "
                                     "add the host to http.allow_private_hosts to allow it")
        return tuple(str(ip) for ip in ips)

    def _pool(self, target: WebUrl, addresses: tuple[str, ...]) -> HTTPConnectionPool:
        """The keep-alive pool for this origin and these checked addresses (a different answer
        from DNS gets a new pool; the old one's idle connections are closed)."""
        key = (target.scheme, target.host, target.port)
        with self._lock:
            held = self._pools.get(key)
            if held is not None and set(held[0]) == set(addresses):  # round-robin DNS reorders them
                return held[1]
            kw: dict[str, Any] = {"maxsize": 32, "block": False, "retries": False}
            if target.scheme == "https":
                pool: HTTPConnectionPool = _PinnedHTTPSPool(target.host, target.port, cert_reqs="CERT_REQUIRED",
                                                            ca_certs=_ca_bundle(), **kw)
            else:
                pool = _PinnedHTTPPool(target.host, target.port, **kw)
            pool.addresses = addresses  # type: ignore[attr-defined]
            self._pools[key] = (addresses, pool)
        if held is not None:
            held[1].close()
        return pool

    def robots(self, url: str) -> Protego | bool:
        """The host's rules: a parser, True (allow all) or False (disallow all)."""
        try:
            origin = parse_url(url).origin
        except BadUrl:
            return True  # no host to ask; fetching the URL itself fails as bad_url
        key = host_of(url)
        with self._lock:
            lock = self._robots_locks.setdefault(key, threading.Lock())
        with lock:
            if key in self._robots:
                return self._robots[key]
            res = self._get(origin + "/robots.txt", accept=None, robots=False)
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
            accept: tuple[str, ...] | None = None, *, retries: int | None = None,
            timeout: float | None = None) -> HttpResult:
        """GET with every rule applied; ``accept`` lists acceptable content types (prefixes).

        ``retries`` and ``timeout`` override the settings' ``retries`` and, for each attempt,
        ``read_timeout``/``total_timeout`` (and a shorter ``connect_timeout``): a probe of a URL
        that timed out before is one short attempt (``fetch``'s cross-night backoff)."""
        return self._get(url, headers=headers, accept=accept, robots=True, retries=retries, timeout=timeout)

    def _get(self, url: str, headers: dict[str, str] | None = None, accept: tuple[str, ...] | None = None,
             robots: bool = True, retries: int | None = None, timeout: float | None = None) -> HttpResult:
        started = time.monotonic()
        max_retries = self.settings.retries if retries is None else max(0, retries)
        try:
            target = parse_url(url)
        except BadUrl as exc:
            log.warning("GET %s refused: %s", redact(url), exc)
            return HttpResult(url, None, None, {}, b"", 1, int((time.monotonic() - started) * 1000),
                              exc.error_class, str(exc)[:500])
        current = str(target)
        seen, attempts, hops = {current}, 0, 0

        def result(status, hdrs, body, error_class=None, error=None) -> HttpResult:  # noqa: ANN001
            return HttpResult(url, current, status, hdrs, body, max(attempts, 1),
                              int((time.monotonic() - started) * 1000), error_class, error)

        while True:
            try:
                addresses = self.check_address(target)
                if robots and not self.allowed(current):
                    if self._robots.get(host_of(current)) is False:
                        return result(None, {}, b"", "robots_unavailable",
                                      f"robots.txt of {host_of(current)} could not be fetched (server error or "
                                      "unreachable), so the host is not crawled this run (RFC 9309)")
                    return result(None, {}, b"", "disallowed_robots", f"robots.txt disallows {current}")
                attempts += 1
                status, hdrs, body = self._once(target, addresses, headers, accept, timeout)
            except FetchError as exc:
                if exc.retryable and attempts <= max_retries:
                    self._sleep_backoff(current, attempts, None)
                    continue
                log.warning("GET %s failed: %s: %s", redact(url), exc.error_class, exc)
                return result(exc.status, {}, b"", exc.error_class, str(exc)[:500])
            if status in REDIRECT_STATUS and hdrs.get("location"):
                hops += 1
                try:
                    target = parse_url(_header_text(hdrs["location"]), base=current)
                except BadUrl as exc:
                    why = f"redirect to {redact(hdrs['location'], 200)!r}, which cannot be fetched: {exc}"
                    return result(status, hdrs, b"", exc.error_class, why[:500])
                if str(target) in seen:
                    return result(status, hdrs, b"", "redirect_loop", f"redirect loop back to {target}")
                if hops > self.settings.max_redirects:
                    return result(status, hdrs, b"", "too_many_redirects",
                                  f"more than {self.settings.max_redirects} redirects")
                current = str(target)
                seen.add(current)
                continue
            if status in RETRY_STATUS and attempts <= max_retries:
                wait = _retry_after(hdrs.get("retry-after"))
                if wait is not None and wait > self.settings.max_retry_after:
                    return result(status, hdrs, body, "retry_after_too_long",
                                  f"Retry-After {wait:.0f}s exceeds max_retry_after {self.settings.max_retry_after:.0f}s")
                self._sleep_backoff(current, attempts, wait)
                continue
            ok = 200 <= status < 300 or status == 304
            return result(status, hdrs, body, None if ok else f"http_{status}", None if ok else f"HTTP {status}")

    def _sleep_backoff(self, url: str, attempt: int, retry_after: float | None) -> None:
        """Sleep before the next attempt, outside the host's gate (no slot held), telling the
        gate so that the fetch scheduler can hand the host another URL meanwhile."""
        cap = min(self.settings.backoff_max, self.settings.backoff * 2 ** (attempt - 1))
        with self.gate(url).backoff():
            time.sleep(max(retry_after or 0.0, random.uniform(0, cap)))

    def _once(self, target: WebUrl, addresses: tuple[str, ...], headers: dict[str, str] | None,
              accept: tuple[str, ...] | None, timeout: float | None = None) -> tuple[int, dict[str, str], bytes]:
        """One request through the host's gate, to the checked ``addresses``; raises FetchError."""
        s = self.settings
        total, read, connect = s.total_timeout, s.read_timeout, s.connect_timeout
        if timeout is not None:
            total, read, connect = min(total, timeout), min(read, timeout), min(connect, timeout)
        with self.gate(str(target)).slot() as sent:
            _local.sent = sent  # called by the connection once the request is written
            deadline = _Deadline(total)
            _local.deadline = deadline
            resp = None
            complete = False
            try:
                pool = self._pool(target, addresses)
                resp = pool.urlopen("GET", target.target, headers={**self.headers, **(headers or {})},
                                    retries=False, redirect=False, assert_same_host=False,
                                    timeout=urllib3.Timeout(connect=connect, read=read),
                                    preload_content=False, decode_content=False, release_conn=False)
                if deadline.fired:  # headers cut short by the watchdog
                    raise TimeoutError("deadline")
                hdrs = {k.lower(): v for k, v in resp.headers.itermerged()
                        if k.lower() not in CREDENTIAL_HEADERS}
                if resp.status in REDIRECT_STATUS or resp.status == 304:
                    return resp.status, hdrs, b""
                ctype = hdrs.get("content-type", "").split(";")[0].strip().lower()
                if accept and 200 <= resp.status < 300 and ctype and not ctype.startswith(accept):
                    raise FetchError("not_html", f"content-type {ctype!r} is not one of {', '.join(accept)}",
                                     status=resp.status)
                declared = hdrs.get("content-length", "")
                if declared.isdigit() and int(declared) > s.max_bytes and not hdrs.get("content-encoding"):
                    raise FetchError("too_large", f"Content-Length {declared} exceeds max_bytes {s.max_bytes}",
                                     status=resp.status)
                try:
                    body = self._read(resp, hdrs.get("content-encoding", "").lower(), deadline)
                except FetchError as exc:
                    exc.status = resp.status
                    raise
                complete = True
                return resp.status, hdrs, body
            except (OSError, http.client.HTTPException, urllib3.exceptions.HTTPError) as exc:  # network, any phase
                raise self._failure(exc, deadline, resp.status if resp is not None else None) from None
            finally:
                _mark_sent()  # if the request never reached the connection (the slot's exit would too)
                deadline.cancel()
                _local.deadline = None
                if resp is not None:
                    if not complete:  # unread bytes would poison a kept-alive connection
                        resp.close()
                    resp.release_conn()

    def _failure(self, exc: BaseException, deadline: _Deadline, status: int | None) -> FetchError:
        """A FetchError with a stable class for an exception raised by the request."""
        name = type(exc).__name__
        if deadline.fired or deadline.remaining() <= 0:
            return FetchError("timeout", f"response took longer than total_timeout {deadline.seconds:g}s",
                              retryable=True, status=status)
        if isinstance(exc, NewConnectionError):  # a subclass of ConnectTimeoutError, but refused or unreachable
            return FetchError("connection_error", f"{name}: {exc}", retryable=True)
        if isinstance(exc, (TimeoutError, urllib3.exceptions.TimeoutError)):
            return FetchError("timeout", f"{name}: {exc}", retryable=True, status=status)
        if isinstance(exc, (urllib3.exceptions.SSLError, ssl.SSLError)):
            return FetchError("tls_error", f"{name}: {exc}", status=status)
        if isinstance(exc, (http.client.InvalidURL, urllib3.exceptions.LocationParseError)):
            return FetchError("bad_url", f"{name}: {exc}", status=status)
        if status is not None:
            return FetchError("connection_error", f"connection lost while reading: {name}: {exc}",
                              retryable=True, status=status)
        return FetchError("connection_error", f"{name}: {exc}", retryable=True)

    def _read(self, resp: urllib3.BaseHTTPResponse, encoding: str, deadline: _Deadline) -> bytes:
        """Stream the body, decompressing by hand so no more than ``max_bytes`` ever exists."""
        limit = self.settings.max_bytes
        decomp = None
        if encoding in ("gzip", "x-gzip", "deflate"):
            decomp = zlib.decompressobj(47 if encoding != "deflate" else 15)
        elif encoding not in ("", "identity"):
            raise FetchError("decoding_error", f"unsupported Content-Encoding {encoding!r}")
        out, total = [], 0
        try:
            while chunk := resp.read1(65536, decode_content=False):  # returns what has arrived
                if deadline.remaining() < 0:
                    raise TimeoutError("deadline")
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
        except zlib.error as exc:
            raise FetchError("decoding_error", f"bad {encoding} body: {exc}") from None
        if deadline.fired:  # the watchdog ended the body early: what arrived is not all of it
            raise TimeoutError("deadline")
        return b"".join(out)


def _header_text(value: str) -> str:
    """A header value as sent: http.client reads header bytes as Latin-1, servers mean UTF-8."""
    try:
        return value.encode("latin-1").decode("utf-8")
    except UnicodeError:
        return value


class FixtureClient:
    """The offline twin of ``HttpClient``: answers from a dict of URL -> (status, headers, body)."""

    def __init__(self, responses: dict[str, tuple[int, dict[str, str], bytes]]) -> None:
        self.responses = responses
        self.requested: list[str] = []
        self.robots_log: list[HttpResult] = []

    def get(self, url: str, headers: dict[str, str] | None = None,
            accept: tuple[str, ...] | None = None, *, retries: int | None = None,
            timeout: float | None = None) -> HttpResult:
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
