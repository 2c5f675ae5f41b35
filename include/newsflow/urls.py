"""URL parsing, canonicalisation and the stable article id derived from it.

Every URL newsflow reads (feed links, sitemap children, redirect targets, robots.txt) goes
through one parse, ``parse_url``, which follows the WHATWG URL standard where Python's
``urlsplit`` and an HTTP library would disagree about the host: a backslash in the
authority or path of an http(s) URL is a ``/`` (``http://a\\@b/`` is host ``a``, as
browsers and urllib3 read it, not ``b`` as ``urlsplit`` does), userinfo is dropped,
percent-escapes in the host are decoded, the host is lower-cased and IDNA-encoded, numeric
IPv4 forms (``0x7f.1``, ``2130706433``) become dotted quads, IPv6 literals are validated,
and the port must be 1..65535. What the fetcher checks is then exactly what it requests.
"""

from __future__ import annotations

import hashlib
import ipaddress
import re
from dataclasses import dataclass, replace
from urllib.parse import parse_qsl, quote, unquote, urlencode, urljoin, urlsplit, urlunsplit

import idna

TRACKING_PARAMS = frozenset(
    {"fbclid", "gclid", "dclid", "gbraid", "wbraid", "msclkid", "yclid", "mc_cid", "mc_eid",
     "igshid", "_ga", "_gl", "ref_src", "cmpid", "ocid", "spm"}
)
_DEFAULT_PORTS = {"http": 80, "https": 443}
_SCHEME_RE = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*):")
_USERINFO_RE = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*:[/\\]+)[^/\\?#]*@")
_C0_AND_SPACE = "".join(map(chr, range(0x21)))
# WHATWG "forbidden domain code points" (C0 controls and DEL are checked separately)
_FORBIDDEN_HOST = frozenset(" #%/:<>?@[\\]^|")
# what requests' ``requote_uri`` leaves alone: reserved characters and existing escapes
_PATH_SAFE = "/%:@!$&'()*+,;=-._~"
_QUERY_SAFE = _PATH_SAFE + "?[]"


class BadUrl(ValueError):
    """A URL that cannot be fetched as written; ``error_class`` goes to the fetch_log.

    ``web`` is False when it is not an http(s) URL at all (``mailto:``, ``javascript:``),
    which a feed may well contain, rather than a broken one."""

    error_class = "bad_url"

    def __init__(self, message: str, web: bool = True) -> None:
        super().__init__(message)
        self.web = web


@dataclass(frozen=True, slots=True)
class WebUrl:
    """An http(s) URL after ``parse_url``: no userinfo, no fragment, a checked host and port."""

    scheme: str
    host: str  # ASCII, lower-case, no trailing dot; an IPv6 address without brackets
    port: int
    path: str  # as written (not percent-encoded again), at least "/"
    query: str

    @property
    def netloc(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return host if _DEFAULT_PORTS[self.scheme] == self.port else f"{host}:{self.port}"

    @property
    def origin(self) -> str:
        return f"{self.scheme}://{self.netloc}"

    @property
    def target(self) -> str:
        """The request target as it goes on the wire (non-ASCII and spaces percent-encoded)."""
        path = quote(self.path, safe=_PATH_SAFE)
        return f"{path}?{quote(self.query, safe=_QUERY_SAFE)}" if self.query else path

    def __str__(self) -> str:
        return urlunsplit((self.scheme, self.netloc, self.path, self.query, ""))


def redact(url: str, limit: int | None = 300) -> str:
    """``url`` without its userinfo (``user:pw@``), cut to ``limit``: safe to log and to store."""
    return _USERINFO_RE.sub(r"\1", url)[:limit]


def _clean(url: str) -> str:
    """WHATWG pre-processing: trim C0 controls and spaces, drop tabs and newlines, and read
    ``\\`` as ``/`` before the query in http(s) and scheme-less (relative) URLs."""
    url = url.strip(_C0_AND_SPACE).replace("\t", "").replace("\n", "").replace("\r", "")
    m = _SCHEME_RE.match(url)
    if m and m.group(1).lower() not in _DEFAULT_PORTS:
        return url
    cut = min((i for i in (url.find("?"), url.find("#")) if i >= 0), default=len(url))
    return url[:cut].replace("\\", "/") + url[cut:]


def _port(text: str, scheme: str) -> int:
    if not text:
        return _DEFAULT_PORTS[scheme]
    if not re.fullmatch(r"[0-9]{1,5}", text) or not 1 <= int(text) <= 65535:
        raise BadUrl(f"port {text[:20]!r} is not a number in 1..65535")
    return int(text)


def _ipv4_number(part: str) -> int:
    if re.fullmatch(r"0[xX][0-9a-fA-F]*", part):
        return int(part[2:] or "0", 16)
    if re.fullmatch(r"0[0-7]+", part):
        return int(part, 8)
    if re.fullmatch(r"[0-9]+", part):
        return int(part)
    raise ValueError(part)


def _ipv4(host: str) -> str:
    """WHATWG IPv4 parser: the forms ``inet_aton`` accepts (hex, octal, fewer than 4 parts)
    are the address the socket layer would connect to, so they are written as that address."""
    parts = host.split(".")
    try:
        numbers = [_ipv4_number(p) for p in parts]
    except ValueError:
        raise BadUrl(f"host {host!r} looks like an IPv4 address but is not one") from None
    if len(numbers) > 4 or any(n > 255 for n in numbers[:-1]) or numbers[-1] >= 256 ** (5 - len(numbers)):
        raise BadUrl(f"host {host!r} looks like an IPv4 address but is not one")
    value = numbers[-1] + sum(n << (8 * (3 - i)) for i, n in enumerate(numbers[:-1]))
    return str(ipaddress.IPv4Address(value))


def _ipv6(text: str) -> str:
    if "%" in text:
        raise BadUrl(f"IPv6 address [{text[:60]}] has a zone id, which a URL cannot use")
    try:
        return ipaddress.IPv6Address(text).compressed
    except ValueError:
        raise BadUrl(f"[{text[:60]}] is not an IPv6 address") from None


def _domain(text: str) -> str:
    try:
        host = unquote(text, errors="strict")
    except UnicodeDecodeError:
        raise BadUrl(f"host {text[:80]!r} has percent-escapes that are not UTF-8") from None
    if not host.isascii():
        try:
            host = idna.encode(host, uts46=True, transitional=False).decode("ascii")
        except (idna.IDNAError, UnicodeError) as exc:
            raise BadUrl(f"host {host[:80]!r} is not a valid international domain name: {exc}") from None
    host = host.lower().rstrip(".")
    if not host:
        raise BadUrl("the URL has no host")
    if any(c in _FORBIDDEN_HOST or c < " " or c == "\x7f" for c in host):
        raise BadUrl(f"host {host[:80]!r} has characters a host name cannot have")
    last = host.rsplit(".", 1)[-1]
    if re.fullmatch(r"[0-9]+|0[xX][0-9a-fA-F]*", last):  # WHATWG "ends in a number": an IPv4 address
        return _ipv4(host)
    return host


def parse_url(url: str, base: str | None = None) -> WebUrl:
    """Parse an http(s) URL (resolved against ``base`` if relative); raises ``BadUrl``.

    The host and port are what an HTTP client connects to, whichever way the URL spells
    them; anything that cannot be read one way only is refused."""
    url = _clean(url)
    if base is not None:
        try:
            url = urljoin(_clean(base), url)
        except ValueError as exc:  # urlsplit's own checks, e.g. an unclosed "[" in the host
            raise BadUrl(f"cannot parse {redact(url, 120)!r}: {exc}") from None
    m = _SCHEME_RE.match(url)
    if not m or m.group(1).lower() not in _DEFAULT_PORTS:
        raise BadUrl(f"not an absolute http(s) URL: {redact(url, 120)!r}", web=False)
    try:
        parts = urlsplit(url)
    except ValueError as exc:
        raise BadUrl(f"cannot parse {redact(url, 120)!r}: {exc}") from None
    scheme = parts.scheme.lower()
    hostport = parts.netloc.rpartition("@")[2]  # userinfo is never used (nor sent)
    if hostport.startswith("["):
        literal, bracket, rest = hostport[1:].partition("]")
        if not bracket or (rest and not rest.startswith(":")):
            raise BadUrl(f"malformed IPv6 host in {redact(url, 120)!r}")
        host, port = _ipv6(literal), _port(rest[1:], scheme)
    else:
        name, _, port_text = hostport.partition(":")
        host, port = _domain(name), _port(port_text, scheme)
    return WebUrl(scheme, host, port, parts.path or "/", parts.query)


def canonicalize(url: str, base: str | None = None, www: str = "keep") -> str:
    """Canonical form of ``url`` (resolved against ``base`` if relative); raises ``BadUrl``
    (a ``ValueError``) for a URL that is not http(s) or does not parse.

    Lower-cases scheme and host (IDNA-encoded), drops userinfo, default ports, the fragment
    and tracking parameters (``utm_*`` and the click ids in ``TRACKING_PARAMS``), keeps the
    order of the other parameters. ``www`` is ``keep``, ``strip`` or ``add``.
    """
    u = parse_url(url, base)
    host = u.host
    if www == "strip" and host.startswith("www."):
        host = host[4:]
    elif www == "add" and not host.startswith("www.") and host.count(".") == 1:
        host = "www." + host
    query = urlencode(
        [(k, v) for k, v in parse_qsl(u.query, keep_blank_values=True)
         if not k.lower().startswith("utm_") and k.lower() not in TRACKING_PARAMS],
        doseq=True,
    )
    return str(replace(u, host=host, query=query))


def article_id(canonical_url: str) -> str:
    """A stable 16-hex-digit id: the first 64 bits of SHA-256 of the canonical URL."""
    return hashlib.sha256(canonical_url.encode("utf-8")).hexdigest()[:16]


def host_of(url: str) -> str:
    """``host:port``, the key of a host's politeness budget; never raises (a URL that does
    not parse gets ``:0`` and fails when it is fetched)."""
    try:
        u = parse_url(url)
    except BadUrl:
        return ":0"
    host = f"[{u.host}]" if ":" in u.host else u.host
    return f"{host}:{u.port}"
