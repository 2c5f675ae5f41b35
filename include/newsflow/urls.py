"""URL canonicalisation and the stable article id derived from it."""

from __future__ import annotations

import hashlib
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit, urlunsplit

TRACKING_PARAMS = frozenset(
    {"fbclid", "gclid", "dclid", "gbraid", "wbraid", "msclkid", "yclid", "mc_cid", "mc_eid",
     "igshid", "_ga", "_gl", "ref_src", "cmpid", "ocid", "spm"}
)
_DEFAULT_PORTS = {"http": 80, "https": 443}


def canonicalize(url: str, base: str | None = None, www: str = "keep") -> str:
    """Canonical form of ``url`` (resolved against ``base`` if relative).

    Lower-cases scheme and host, drops default ports, the fragment and tracking
    parameters (``utm_*`` and the click ids in ``TRACKING_PARAMS``), keeps the order of
    the other parameters. ``www`` is ``keep``, ``strip`` or ``add``.
    """
    if base:
        url = urljoin(base, url.strip())
    parts = urlsplit(url.strip())
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").lower().rstrip(".")
    if www == "strip" and host.startswith("www."):
        host = host[4:]
    elif www == "add" and not host.startswith("www.") and host.count(".") == 1:
        host = "www." + host
    port = parts.port
    netloc = host if port is None or _DEFAULT_PORTS.get(scheme) == port else f"{host}:{port}"
    query = urlencode(
        [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True)
         if not k.lower().startswith("utm_") and k.lower() not in TRACKING_PARAMS],
        doseq=True,
    )
    return urlunsplit((scheme, netloc, parts.path or "/", query, ""))


def article_id(canonical_url: str) -> str:
    """A stable 16-hex-digit id: the first 64 bits of SHA-256 of the canonical URL."""
    return hashlib.sha256(canonical_url.encode("utf-8")).hexdigest()[:16]


def host_of(url: str) -> str:
    parts = urlsplit(url)
    return f"{(parts.hostname or '').lower()}:{parts.port or _DEFAULT_PORTS.get(parts.scheme, 0)}"
