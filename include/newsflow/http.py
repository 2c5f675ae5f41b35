"""Polite HTTP: the only place that talks to the network.

``HttpClient.get(url)`` returns an ``HttpResult`` (never raises for HTTP or network
errors: they come back as ``error_class``/``error`` so the caller can log one row per
URL). It applies connect/read timeouts, retries with exponential backoff on connection
errors, 429 and 5xx (honouring ``Retry-After``), a redirect limit, a streamed maximum
body size, a per-host minimum interval between requests, and refuses private,
loopback and link-local addresses unless the host is allow-listed.
"""

from __future__ import annotations

import ipaddress
import logging
import socket
import threading
import time
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import requests
from requests.adapters import HTTPAdapter
from urllib3.util.retry import Retry

from newsflow.config import HttpSettings
from newsflow.urls import host_of

log = logging.getLogger(__name__)


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


class BlockedAddress(Exception):
    """The URL resolves to a private/loopback/link-local address that is not allow-listed."""


class BodyTooLarge(Exception):
    pass


class _CountingRetry(Retry):
    """urllib3 Retry that remembers how many attempts the last request took."""

    def increment(self, *args, **kwargs):  # noqa: ANN002, ANN003
        new = super().increment(*args, **kwargs)
        new.attempts = getattr(self, "attempts", 1) + 1
        return new


@dataclass
class _HostGate:
    min_interval: float
    lock: threading.Lock = field(default_factory=threading.Lock)
    next_at: float = 0.0

    def wait(self) -> None:
        with self.lock:
            now = time.monotonic()
            start = max(now, self.next_at)
            self.next_at = start + self.min_interval
        if start > now:
            time.sleep(start - now)


class HttpClient:
    def __init__(self, settings: HttpSettings, rate_per_host: float | None = None) -> None:
        self.settings = settings
        self.rate = rate_per_host or settings.rate_per_host
        self._gates: dict[str, _HostGate] = {}
        self._gates_lock = threading.Lock()
        self.session = requests.Session()
        self.session.headers["User-Agent"] = settings.user_agent
        self.session.max_redirects = settings.max_redirects
        retry = _CountingRetry(
            total=settings.retries, connect=settings.retries, read=settings.retries,
            status=settings.retries, backoff_factor=settings.backoff, backoff_jitter=settings.backoff / 2,
            status_forcelist=(408, 429, 500, 502, 503, 504), allowed_methods=frozenset({"GET", "HEAD"}),
            respect_retry_after_header=True, raise_on_status=False, redirect=settings.max_redirects,
        )
        adapter = HTTPAdapter(max_retries=retry, pool_connections=16, pool_maxsize=16)
        self.session.mount("http://", adapter)
        self.session.mount("https://", adapter)
        self.session.hooks["response"].append(self._check_redirect_target)

    def close(self) -> None:
        self.session.close()

    def __enter__(self) -> "HttpClient":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- guards -------------------------------------------------------------------------
    def check_address(self, url: str) -> None:
        host = urlsplit(url).hostname or ""
        if host in self.settings.allow_private_hosts:
            return
        try:
            infos = socket.getaddrinfo(host, None)
        except socket.gaierror:
            return  # let requests report the DNS failure
        for info in infos:
            ip = ipaddress.ip_address(info[4][0])
            if ip.is_private or ip.is_loopback or ip.is_link_local or ip.is_reserved or ip.is_multicast:
                raise BlockedAddress(
                    f"{host} resolves to {ip}, a non-public address; add it to http.allow_private_hosts to allow it"
                )

    def _check_redirect_target(self, response: requests.Response, *args, **kwargs) -> None:  # noqa: ANN002, ANN003
        if response.is_redirect:
            target = requests.compat.urljoin(response.url, response.headers.get("Location", ""))
            self.check_address(target)

    def _gate(self, url: str) -> None:
        key = host_of(url)
        with self._gates_lock:
            gate = self._gates.setdefault(key, _HostGate(1.0 / self.rate))
        gate.wait()

    # -- the one public call ------------------------------------------------------------
    def get(self, url: str, headers: dict[str, str] | None = None) -> HttpResult:
        started = time.monotonic()
        attempts = 1
        try:
            self.check_address(url)
            self._gate(url)
            timeout = (self.settings.connect_timeout, self.settings.read_timeout)
            with self.session.get(url, headers=headers, timeout=timeout, stream=True) as resp:
                retries = getattr(resp.raw, "retries", None)
                attempts = getattr(retries, "attempts", 1) if retries is not None else 1
                body = self._read_limited(resp)
                return HttpResult(
                    url=url, final_url=resp.url, status=resp.status_code,
                    headers={k.lower(): v for k, v in resp.headers.items()}, body=body,
                    attempts=attempts, elapsed_ms=int((time.monotonic() - started) * 1000),
                    error_class=None if resp.ok else f"http_{resp.status_code}",
                    error=None if resp.ok else resp.reason,
                )
        except Exception as exc:  # network errors become data (one fetch_log row per URL)
            cls = {
                "BlockedAddress": "blocked_address", "BodyTooLarge": "too_large",
                "ConnectTimeout": "timeout", "ReadTimeout": "timeout", "Timeout": "timeout",
                "TooManyRedirects": "too_many_redirects", "ConnectionError": "connection_error",
                "RetryError": "retries_exhausted", "ChunkedEncodingError": "connection_error",
                "ContentDecodingError": "decoding_error", "InvalidURL": "invalid_url",
                "MissingSchema": "invalid_url", "InvalidSchema": "invalid_url",
            }.get(type(exc).__name__, "error")
            log.warning("GET %s failed: %s: %s", url, cls, exc)
            return HttpResult(url=url, final_url=None, status=None, headers={}, body=b"",
                              attempts=attempts, elapsed_ms=int((time.monotonic() - started) * 1000),
                              error_class=cls, error=str(exc)[:500])

    def _read_limited(self, resp: requests.Response) -> bytes:
        limit = self.settings.max_bytes
        declared = resp.headers.get("Content-Length")
        if declared and declared.isdigit() and int(declared) > limit:
            raise BodyTooLarge(f"Content-Length {declared} exceeds max_bytes {limit}")
        chunks, total = [], 0
        for chunk in resp.iter_content(chunk_size=65536):  # decompressed chunks: bounds gzip bombs too
            total += len(chunk)
            if total > limit:
                raise BodyTooLarge(f"body exceeds max_bytes {limit}")
            chunks.append(chunk)
        return b"".join(chunks)


class FixtureClient:
    """The offline twin of ``HttpClient``: answers from a dict of URL -> (status, headers, body)."""

    def __init__(self, responses: dict[str, tuple[int, dict[str, str], bytes]]) -> None:
        self.responses = responses
        self.requested: list[str] = []

    def get(self, url: str, headers: dict[str, str] | None = None) -> HttpResult:
        self.requested.append(url)
        if url not in self.responses:
            return HttpResult(url, url, 404, {"content-type": "text/html"}, b"not found", 1, 0, "http_404", "Not Found")
        status, hdrs, body = self.responses[url]
        ok = 200 <= status < 300
        return HttpResult(url, url, status, {k.lower(): v for k, v in hdrs.items()}, body, 1, 0,
                          None if ok else f"http_{status}", None if ok else "fixture")

    def close(self) -> None:
        pass

    def __enter__(self) -> "FixtureClient":
        return self

    def __exit__(self, *exc: object) -> None:
        pass
