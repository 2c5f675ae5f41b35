"""Clean: normalise text and remove boilerplate and repeated paragraphs, counting every removal.

Normalisation is NFC, not NFKC: NFKC rewrites compatibility characters that carry
meaning in news text (circled numbers, full-width forms in CJK copy, the ``㈜`` and
``℃`` signs, Hangul compatibility jamo) and is lossy; NFC only composes, so Hangul
syllables stay as they are. NFKC is used only inside the comparison keys below.
"""

from __future__ import annotations

import html
import re
import unicodedata
from collections import Counter, deque
from collections.abc import Iterator
from dataclasses import replace

from newsflow.models import Article

_ZERO_WIDTH = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad"), None)
_EMAIL = r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+"
# (reason, pattern, max paragraph length the rule applies to)
# Boilerplate rules for our five languages (and the English conventions of wire copy):
# (reason, pattern, longest paragraph the rule may remove). Sources add their own
# patterns in their profile (``profile.boilerplate``).
RULES: list[tuple[str, re.Pattern[str], int]] = [
    ("copyright", re.compile(r"무단\s*전재|재배포\s*금지|저작권자|ⓒ|©|\(c\)\s*\d{4}|copyright|all rights reserved"
                             r"|版权所有|版權所有|未经授权.{0,6}转载|著作権|無断転載|無断複製|bản quyền|cấm sao chép", re.I), 200),
    ("byline", re.compile(rf"^\s*\(?[^()\n]{{0,20}}=?\)?\s*[가-힣]{{2,4}}\s*(?:기자|특파원|선임기자|객원기자)\s*(?:{_EMAIL})?\s*$"
                          rf"|{_EMAIL}|^\s*by\s+[A-Z][\w.'-]+(?:\s+[A-Z][\w.'-]+){{0,3}}\s*$"
                          r"|^\s*[（(]\s*(?:责任编辑|责编|編集|编辑|記者)\s*[：:][^）)]{1,30}[）)]\s*$"
                          r"|^\s*\((?:Reporting|Writing|Editing|Additional reporting) by [^)]{3,200}\)\s*$", re.I), 240),
    ("photo_caption", re.compile(r"^\s*▲|/\s*\S+\s*(?:DB|제공)\s*$|^\s*[\[(<]?\s*(?:사진|그래픽|자료|영상|Photo|Image|Graphic)\s*[=:／/]"
                                 r"|\[(?:사진|그래픽|Photo|Image)\s*[=:][^\]]*\]\s*$|^\s*\[[^\]]{1,60}\]\s*$"
                                 r"|^\s*[【\[]\s*写真\s*[】\]]|^\s*[（(]\s*写真\s*[：:]|^\s*(?:图|圖)\s*[：:]|^\s*Ảnh\s*:", re.I), 150),
    ("related", re.compile(r"^\s*(?:▶|☞|■\s*관련|관련\s*기사|관련기사|Related\s*(?:articles?|stories|news)?\s*:|Read more\s*:|"
                           r"See also\s*:|関連記事|相关阅读|相關閱讀|延伸阅读|Xem thêm\s*:|Tin liên quan)", re.I), 200),
    ("subscribe", re.compile(r"구독\s*(?:하기|신청)|구독하세요|네이버\s*(?:뉴스)?\s*에서|카카오톡\s*(?:채널|제보)|"
                             r"기사\s*제보|subscribe\s+(?:to|now)|sign up for|click here to|扫码关注|关注我们|"
                             r"ニュースレター登録|Đăng ký nhận", re.I), 120),
]


_ZERO_WIDTH_CHARS = re.compile("[\u200b\u200c\u200d\u2060\ufeff\u00ad]")
_SPACES = re.compile(r"\s+")


def normalize_text(text: str) -> str:
    """NFC, HTML entities, zero-width characters and whitespace; keeps Hangul intact."""
    text = html.unescape(text) if "&" in text else text
    text = unicodedata.normalize("NFC", text)
    if _ZERO_WIDTH_CHARS.search(text):  # most text has none: translate() is slow
        text = text.translate(_ZERO_WIDTH)
    return _SPACES.sub(" ", text.replace("\u00a0", " ")).strip()


_NOT_ALNUM = re.compile(r"[\W_]+")


def paragraph_key(text: str) -> str:
    """Comparison key: NFKC, case-folded, letters and digits only."""
    return _NOT_ALNUM.sub("", unicodedata.normalize("NFKC", text).casefold())


def boilerplate_reason(paragraph: str) -> str | None:
    for reason, rx, max_len in RULES:
        if len(paragraph) <= max_len and rx.search(paragraph):
            return reason
    return None


def _grams(key: str) -> set[str]:
    return {key[i:i + 3] for i in range(len(key) - 2)}


# Near-repeat comparisons are bounded: each kept paragraph key is filed in a length band (the
# bit length of its length, so bands double in width), and a band keeps only its K newest keys.
# A paragraph is compared only with the keys of the (at most two) bands its 0.8-1.25 length
# window overlaps, so a page of n paragraphs costs at most 2*K*n comparisons, not n*n/2 (a page
# of 1,500 like paragraphs took seconds). The price: an edited repeat of a paragraph that more
# than K kept paragraphs of its band came after is kept (an exact repeat is still removed:
# ``seen`` is unbounded, a set lookup costs O(1)). Real pages repeat a paragraph soon after it
# (the CMS's second pass): on the shared corpus every near repeat is found among the 4 newest
# candidates, and only 5 of its pages keep more than 32 paragraphs in one band, so K = 32
# changes no output there.
NEAR_REPEAT_WINDOW = 32  # K: newest kept keys per length band that a paragraph is compared with
_NEAR_MIN_LEN = 30  # shorter keys are never near repeats
_NEAR_MIN_OTHER = 24  # 0.8 * 30: shorter keys can never be within a near repeat's length window


def _similar(key: str, grams: set[str], other: str, other_grams: set[str]) -> bool:
    """One comparison: 3-gram Jaccard >= 0.8 with lengths within 0.8-1.25 of each other."""
    if not 0.8 <= len(key) / max(len(other), 1) <= 1.25:
        return False
    n = len(grams)
    m = len(other_grams)
    # the overlap is at most the smaller set and the union at least the larger one:
    # sets that differ this much in size cannot reach 0.8
    if (n if n < m else m) < 0.8 * (m if n < m else n):
        return False
    inter = len(grams & other_grams)
    return inter >= 0.8 * (n + m - inter)  # |A | B| = |A| + |B| - |A & B|


class _NearRepeatIndex:
    """Kept keys by length band (``len(key).bit_length()``), the ``window`` newest per band."""

    __slots__ = ("_bands", "window")

    def __init__(self, window: int = NEAR_REPEAT_WINDOW) -> None:
        self._bands: dict[int, deque[tuple[str, set[str]]]] = {}
        self.window = window

    def add(self, key: str, grams: set[str]) -> None:
        if len(key) < _NEAR_MIN_OTHER:
            return
        band = len(key).bit_length()
        q = self._bands.get(band)
        if q is None:
            q = self._bands[band] = deque(maxlen=self.window)
        q.append((key, grams))

    def candidates(self, key: str) -> Iterator[tuple[str, set[str]]]:
        """Kept keys that may be within 0.8-1.25 of ``key``'s length, newest first per band: a
        superset of the window [0.8 L, 1.25 L], whose ends are less than a factor 2 apart, so it
        spans at most two bands."""
        n = len(key)
        for band in range(max(1, n * 4 // 5 - 1).bit_length(), (n * 5 // 4 + 2).bit_length() + 1):
            if q := self._bands.get(band):
                yield from reversed(q)


def _near_repeat(key: str, earlier: _NearRepeatIndex, grams: set[str] | None = None) -> bool:
    """A paragraph that an earlier one already says, give or take a word (a CMS's second pass
    with an edit, a trailing clause cut): 3-gram Jaccard >= 0.8 with similar lengths, against
    the newest ``NEAR_REPEAT_WINDOW`` kept paragraphs of each length band it may match.
    ``grams``: ``_grams(key)`` when the caller has it already."""
    if len(key) < _NEAR_MIN_LEN:
        return False
    if grams is None:
        grams = _grams(key)
    return any(_similar(key, grams, other, other_grams) for other, other_grams in earlier.candidates(key))


def clean_paragraphs(paragraphs: list[str] | tuple[str, ...], title: str | None = None,
                     source_lines: frozenset[str] | set[str] = frozenset(),
                     source_rules: list[re.Pattern[str]] | None = None) -> tuple[list[str], Counter[str]]:
    """Cleaned paragraphs in order (first occurrence kept) and removal counts by reason.

    ``source_rules`` are the source's own boilerplate patterns (from its profile);
    ``source_lines`` are comparison keys of lines that repeat across many of the source's
    pages (learned from this night's pages and the lake's recent counts, see ``template_lines``).
    """
    removed: Counter[str] = Counter()
    kept: list[str] = []
    seen: set[str] = set()
    earlier = _NearRepeatIndex()
    title_key = paragraph_key(title) if title else None
    for raw in paragraphs:
        p = normalize_text(raw)
        if not p:
            removed["empty"] += 1
            continue
        if reason := boilerplate_reason(p):
            removed[reason] += 1
            continue
        if source_rules and any(rx.search(p) for rx in source_rules):
            removed["source_rule"] += 1
            continue
        key = paragraph_key(p)
        if not key:
            removed["no_text"] += 1
            continue
        if key in seen:
            removed["repeated"] += 1
            continue
        if key in source_lines:
            removed["source_repeated_line"] += 1
            continue
        if not kept and key == title_key:
            removed["title_repeat"] += 1
            continue
        grams = _grams(key)
        if _near_repeat(key, earlier, grams):
            removed["near_repeat"] += 1
            continue
        seen.add(key)
        earlier.add(key, grams)
        kept.append(p)
    return kept, removed


def line_keys(lines: list[str] | tuple[str, ...]) -> set[str]:
    """Comparison keys of a page's short lines (what a template line can be)."""
    return {k for line in lines if len(line) <= 200 and (k := paragraph_key(line))}


def template_lines(counts: Counter[str], pages: int, min_pages: int = 5, min_share: float = 0.3) -> frozenset[str]:
    """Keys of lines found on at least ``min_pages`` and ``min_share`` of ``pages`` pages, from
    per-key page counts (which may come from several batches and the lake's recent dates)."""
    if pages < min_pages:
        return frozenset()
    need = max(min_pages, int(min_share * pages))
    return frozenset(k for k, n in counts.items() if n >= need)


def repeated_lines(pages: list[list[str]], min_pages: int = 5, min_share: float = 0.3) -> frozenset[str]:
    """Comparison keys of short lines found on at least ``min_pages`` and ``min_share`` of one
    source's pages: that source's template text ("ⓒ 우리신문", "Follow us on…", a slogan)."""
    counts: Counter[str] = Counter()
    for lines in pages:
        counts.update(line_keys(lines))
    return template_lines(counts, len(pages), min_pages, min_share)


def clean(article: Article, source_lines: frozenset[str] | set[str] = frozenset(),
          source_rules: list[re.Pattern[str]] | None = None) -> Article:
    # a title taken from the body's first line (the page names none) is no repeat to remove
    title = None if article.title_source == "first_line" else article.title
    paragraphs, removed = clean_paragraphs(article.paragraphs, title, source_lines, source_rules)
    return replace(article, title=normalize_text(article.title), paragraphs=tuple(paragraphs),
                   clean_removed=dict(removed))
