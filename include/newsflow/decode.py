"""Turn page bytes into text with the right charset, and say where the charset came from.

Order: HTTP ``Content-Type`` charset -> BOM -> ``<meta charset>`` / ``http-equiv`` in the
first 4 KiB -> charset-normalizer's detector -> UTF-8 with replacement. A declared
charset is only used if the bytes actually decode with it (a lying ``<meta>`` falls
through to the detector), and bytes that are valid UTF-8 with non-ASCII text are read as
UTF-8 whatever is declared (a re-encoded page that kept its old ``gb2312`` meta). Korean legacy labels (``euc-kr``, ``ks_c_5601-1987``, ...) are
decoded as CP949, its superset, and ``gb2312``/``gbk`` as GB18030, for the same reason.
Python codecs that are no web charset (``unicode_escape``, ``utf-7``, ``punycode``...) are
unknown labels, and the decoded text never holds a lone surrogate (``scrub_surrogates``).
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
# Python codecs no page may name: they turn escapes into characters (lone surrogates
# included), are pure-Python and quadratic (punycode), or are no charset at all
_NOT_WEB = frozenset({"unicode-escape", "raw-unicode-escape", "utf-7", "punycode", "idna", "charmap"})
_SURROGATE = re.compile("[\ud800-\udfff]")


def scrub_surrogates(text: str) -> str:
    """``text`` with every lone surrogate (U+D800..U+DFFF, which no UTF-8 writer accepts: JSON
    escapes such as ``\\ud800``, odd codecs) replaced by U+FFFD."""
    return _SURROGATE.sub("\ufffd", text) if _SURROGATE.search(text) else text


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
        if not getattr(info, "_is_text_encoding", True) or info.name in _NOT_WEB:
            return None  # base64, zlib...: not a charset
        info.decode(b"")  # the 'undefined' codec raises here
    except (LookupError, UnicodeError, ValueError, TypeError):  # a NUL in the label is a ValueError
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
    except Exception:  # noqa: BLE001  (UnicodeError, LookupError; a codec may raise anything)
        return None
    if strict and not _plainly_clean(head := text[:200_000]) and misdecoded(strip_tags(head)):
        return None
    return scrub_surrogates(text)


def _plainly_clean(markup: str) -> bool:
    """True when ``misdecoded(strip_tags(markup))`` is certainly None, found without stripping
    the tags (a Python loop over every tag, a third of parsing a page): stripping only removes
    characters or puts a space in their place, so it cannot add a U+FFFD, lengthen a run of
    Latin-1 letters, or bring in a Hangul syllable outside KS X 1001. A page below all three
    thresholds in its raw markup is below them in its text; any other page is checked as before."""
    return (markup.count("\ufffd") < 20 and _RARE_HANGUL.search(markup) is None
            and sum(len(run) - 1 for run in _LATIN1_RUN.findall(markup)) < 30)


_SCRIPT_OPEN, _STYLE_OPEN = re.compile(r"<script", re.I), re.compile(r"<style", re.I)
_SCRIPT_CLOSE, _STYLE_CLOSE = re.compile(r"</script>", re.I), re.compile(r"</style>", re.I)


def strip_tags(text: str) -> str:
    """``_TAG_RE.sub(" ", text)`` in linear time: a script or style element up to its first
    closing tag, or a tag up to its first ``>``, becomes one space. The regex tries every
    ``<`` again to the end of the text when nothing closes it (``<<<<...``, a thousand
    unclosed ``<script>`` tags: quadratic); here a closing tag looked for once is reused,
    and the scan ends at the first ``<`` with no ``>`` after it."""
    out: list[str] = []
    pos, find = 0, text.find
    closes: dict[re.Pattern[str], tuple[int, int, int]] = {}  # pattern -> (searched from, start, end)

    def close_end(rx: re.Pattern[str], start: int) -> int:
        """End of the first ``rx`` match at or after ``start`` (-1: none)."""
        done = closes.get(rx)
        if done is None or done[0] > start or 0 <= done[1] < start:
            m = rx.search(text, start)
            done = closes[rx] = (start, m.start(), m.end()) if m else (start, -1, -1)
        return done[2]

    i = find("<")
    while i >= 0:
        end = -1
        if _SCRIPT_OPEN.match(text, i):
            end = close_end(_SCRIPT_CLOSE, i + 7)
        elif _STYLE_OPEN.match(text, i):
            end = close_end(_STYLE_CLOSE, i + 6)
        if end < 0:
            gt = find(">", i + 1)
            if gt < 0:
                break  # no ">" after this "<": no tag starts here or later
            end = gt + 1
        out.append(text[pos:i])
        out.append(" ")
        pos = end
        i = find("<", pos)
    out.append(text[pos:])
    return "".join(out)


def _utf8_beats(body: bytes, declared: str | None) -> str | None:
    """``body`` as UTF-8 when a page declares another charset but its bytes are valid UTF-8 with
    non-ASCII text in them: a CMS that re-encoded its pages and kept the old ``<meta>`` (a
    ``gb2312`` page whose bytes are UTF-8). Legacy multi-byte text (GBK, CP949, Shift_JIS,
    Big5) or accented single-byte text almost never forms valid UTF-8 by accident, while
    GB18030 and the single-byte charsets decode any bytes, so the declaration alone would
    turn every character into mojibake."""
    if not declared or codecs.lookup(declared).name in ("utf-8", "utf-8-sig") or body.isascii():
        return None
    return _try(body, "utf-8")


def decode_html(body: bytes, content_type: str | None = None) -> Decoded:
    """Decode an HTML document's bytes; never raises."""
    declared = normalize_charset(http_charset(content_type))
    if (text := _utf8_beats(body, declared)) is not None:
        return Decoded(text, "utf-8", "detected")
    if (text := _try(body, declared, strict=True)) is not None:
        return Decoded(text, declared, "http")
    for bom, enc in _BOMS:
        if body.startswith(bom):
            return Decoded(scrub_surrogates(body[len(bom):].decode(enc, errors="replace")), enc, "bom")
    m = _META_RE.search(body[:4096])
    meta = normalize_charset(m.group(1).decode("ascii", "ignore")) if m else None
    if meta and meta.startswith("utf-16"):  # a meta tag readable as ASCII cannot be UTF-16
        meta = "utf-8"
    if not declared and (text := _utf8_beats(body, meta)) is not None:
        return Decoded(text, "utf-8", "detected")
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
