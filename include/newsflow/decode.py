"""Turn page bytes into text with the right charset, and say where the charset came from.

Order: HTTP ``Content-Type`` charset -> BOM -> ``<meta charset>`` / ``http-equiv`` in the
first 4 KiB -> charset-normalizer's detector -> UTF-8 with replacement. A declared
charset is only used if the bytes actually decode with it (a lying ``<meta>`` falls
through to the detector). Korean legacy labels (``euc-kr``, ``ks_c_5601-1987``, ...) are
decoded as CP949, its superset, and ``gb2312``/``gbk`` as GB18030, for the same reason.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass

from charset_normalizer import from_bytes

_SUPERSETS = {
    "euc-kr": "cp949", "euc_kr": "cp949", "ks_c_5601-1987": "cp949", "ks_c_5601": "cp949",
    "ksc5601": "cp949", "korean": "cp949", "x-windows-949": "cp949", "windows-949": "cp949",
    "uhc": "cp949", "gb2312": "gb18030", "gbk": "gb18030", "x-gbk": "gb18030",
    "iso-8859-1": "cp1252", "latin1": "cp1252", "ascii": "cp1252", "us-ascii": "cp1252",
}
_META_RE = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.I)
_BOMS = ((codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))


@dataclass(frozen=True, slots=True)
class Decoded:
    text: str
    encoding: str
    source: str  # http | bom | meta | detected | fallback


def normalize_charset(label: str | None) -> str | None:
    if not label:
        return None
    label = label.strip().strip("\"'").lower()
    label = _SUPERSETS.get(label, label)
    try:
        return codecs.lookup(label).name
    except LookupError:
        return None


def http_charset(content_type: str | None) -> str | None:
    if not content_type:
        return None
    m = re.search(r"charset\s*=\s*[\"']?([^;\"'\s]+)", content_type, re.I)
    return m.group(1) if m else None


def _try(body: bytes, encoding: str | None) -> str | None:
    if not encoding:
        return None
    try:
        return body.decode(encoding)
    except (UnicodeDecodeError, LookupError):
        return None


def decode_html(body: bytes, content_type: str | None = None) -> Decoded:
    """Decode an HTML document's bytes; never raises."""
    declared = normalize_charset(http_charset(content_type))
    if (text := _try(body, declared)) is not None:
        return Decoded(text, declared, "http")
    for bom, enc in _BOMS:
        if body.startswith(bom):
            return Decoded(body[len(bom):].decode(enc, errors="replace"), enc, "bom")
    m = _META_RE.search(body[:4096])
    meta = normalize_charset(m.group(1).decode("ascii", "ignore")) if m else None
    if meta and meta.startswith("utf-16"):  # a meta tag readable as ASCII cannot be UTF-16
        meta = "utf-8"
    if (text := _try(body, meta)) is not None:
        return Decoded(text, meta, "meta")
    if (text := _try(body, "utf-8")) is not None:  # valid UTF-8 is almost never an accident
        return Decoded(text, "utf-8", "detected")
    best = from_bytes(body[:200_000]).best()
    enc = normalize_charset(best.encoding) if best else None
    if (text := _try(body, enc)) is not None:
        return Decoded(text, enc, "detected")
    return Decoded(body.decode("utf-8", errors="replace"), "utf-8", "fallback")
