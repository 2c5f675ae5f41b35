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
# ``<script.*?</script>|<style.*?</style>|<[^>]*>`` (re.S | re.I), written so the regex engine
# runs through a script or style body in one loop instead of trying ``</script>`` at every
# character: the same matches (up to the first closing tag), in about 60 % of the time.
_TAG_RE = re.compile(r"<(?:script[^<]*(?:<(?!/script>)[^<]*)*</script>|style[^<]*(?:<(?!/style>)[^<]*)*</style>"
                     r"|[^>]*>)", re.S | re.I)
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
        info = codecs.lookup(label)
        if not getattr(info, "_is_text_encoding", True):
            return None  # base64, zlib...: not a charset
        info.decode(b"")  # the 'undefined' codec raises here
    except (LookupError, UnicodeError):
        return None
    return info.name


def http_charset(content_type: str | None) -> str | None:
    if not content_type:
        return None
    m = re.search(r"charset\s*=\s*[\"']?([^;\"'\s]+)", content_type, re.I)
    return m.group(1) if m else None


def _try(body: bytes, encoding: str | None, strict: bool = False) -> str | None:
    """``body`` decoded with ``encoding``, or None if it does not decode (or, declared
    charsets only, decodes to something that looks mis-decoded)."""
    if not encoding:
        return None
    try:
        text = body.decode(encoding)
    except (UnicodeError, LookupError):
        return None
    if strict and misdecoded(_TAG_RE.sub(" ", text[:200_000])):
        return None
    return text


def decode_html(body: bytes, content_type: str | None = None) -> Decoded:
    """Decode an HTML document's bytes; never raises."""
    declared = normalize_charset(http_charset(content_type))
    if (text := _try(body, declared, strict=True)) is not None:
        return Decoded(text, declared, "http")
    for bom, enc in _BOMS:
        if body.startswith(bom):
            return Decoded(body[len(bom):].decode(enc, errors="replace"), enc, "bom")
    m = _META_RE.search(body[:4096])
    meta = normalize_charset(m.group(1).decode("ascii", "ignore")) if m else None
    if meta and meta.startswith("utf-16"):  # a meta tag readable as ASCII cannot be UTF-16
        meta = "utf-8"
    if (text := _try(body, meta, strict=True)) is not None:
        return Decoded(text, meta, "meta")
    if (text := _try(body, "utf-8")) is not None:  # valid UTF-8 is almost never an accident
        return Decoded(text, "utf-8", "detected")
    best = from_bytes(body[:200_000]).best()
    enc = normalize_charset(best.encoding) if best else None
    if (text := _try(body, enc)) is not None:
        return Decoded(text, enc, "detected")
    return Decoded(body.decode("utf-8", errors="replace"), "utf-8", "fallback")


def _ks_x_1001_syllables() -> frozenset[str]:
    """The 2,350 Hangul syllables of KS X 1001 (rows 0xB0-0xC8 of EUC-KR)."""
    out = set()
    for lead in range(0xB0, 0xC9):
        for trail in range(0xA1, 0xFF):
            try:
                out.add(bytes([lead, trail]).decode("euc_kr"))
            except UnicodeDecodeError:
                pass
    return frozenset(ch for ch in out if "\uac00" <= ch <= "\ud7a3")


_KS_X_1001 = _ks_x_1001_syllables()
_LATIN1_RUN = re.compile(r"[\u0080-\u00ff]{2,}")
_NON_LETTER = re.compile(r"[\W\d_]+")
_HANGUL = re.compile(r"[\uac00-\ud7a3]")


def _rare_hangul() -> re.Pattern[str]:
    """One Hangul syllable outside KS X 1001 (a character class of ranges)."""
    rare = [c for c in range(0xAC00, 0xD7A4) if chr(c) not in _KS_X_1001]
    ranges: list[tuple[int, int]] = []
    for c in rare:
        if ranges and ranges[-1][1] == c - 1:
            ranges[-1] = (ranges[-1][0], c)
        else:
            ranges.append((c, c))
    return re.compile("[" + "".join(chr(a) if a == b else f"{chr(a)}-{chr(b)}" for a, b in ranges) + "]")


_RARE_HANGUL = _rare_hangul()


def misdecoded(text: str) -> str | None:
    """Why ``text`` looks like mis-decoded bytes (a reason string), or None.

    Three signatures: U+FFFD replacement characters; Korean bytes read as Latin-1/CP1252
    (runs of adjacent accented Latin letters such as ``ÇÑ±¹``, which no real language has
    in quantity); and UTF-8 bytes read as CP949 (Hangul syllables outside the 2,350 of
    KS X 1001 that real Korean text almost never leaves).
    """
    letters = 0  # counted only when a test needs it (most texts never get that far)
    bad = text.count("\ufffd")
    if bad >= 20:
        letters = len(_NON_LETTER.sub("", text)) or 1
        if bad > 0.01 * letters:
            return f"mojibake: {bad} U+FFFD replacement characters"
    adjacent = sum(len(run) - 1 for run in _LATIN1_RUN.findall(text))
    if adjacent >= 30:
        letters = letters or len(_NON_LETTER.sub("", text)) or 1
        if adjacent > 0.15 * letters:
            return f"mojibake: {adjacent} adjacent Latin-1 characters (Korean bytes read as Latin-1?)"
    if _RARE_HANGUL.search(text, 0, 50_000) is None:
        return None  # no syllable outside KS X 1001: none of them can be rare
    syllables = _HANGUL.findall(text, 0, 50_000)
    if len(syllables) >= 50:
        rare = sum(1 for ch in syllables if ch not in _KS_X_1001)
        if rare > 0.1 * len(syllables):
            return f"mojibake: {rare} of {len(syllables)} Hangul syllables outside KS X 1001 (UTF-8 read as CP949?)"
    return None
