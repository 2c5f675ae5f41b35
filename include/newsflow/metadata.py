"""Page metadata with provenance: title, dates, authors, language, section, alternates.

Precedence (first hit wins, and the winner's name is kept in ``*_source``):
title: JSON-LD ``headline`` > ``og:title`` > ``<h1>`` > ``<title>`` (site suffix removed);
dates: JSON-LD > ``article:published_time`` / ``og:`` > other ``<meta>`` > ``<time datetime>``
> visible date text (Korean ``입력 2024.06.27 09:15``, ``2024년 6월 27일``) > the URL.
A naive time is read in the source's zone.

Everything here reads the lxml tree of ``newsflow.parse.html_document``. ``text_of`` reads an
element's text as BeautifulSoup's ``get_text(sep, strip=True)`` does (the rules were written
against bs4's tree of the same parse): its strings in document order, each stripped, empty
ones left out, joined by ``sep``. A comment or a removed element still separates two strings,
and the text of scripts, styles, ``<template>``, ruby annotations (``<rt>``/``<rp>``) and of
doctypes inside the page (processing instructions in the tree) is not part of it.
"""

from __future__ import annotations

import json
import logging
import re
from dataclasses import dataclass, field
from datetime import datetime
from functools import cache
from itertools import islice
from typing import Any, Callable, Iterator
from zoneinfo import ZoneInfo

from lxml.etree import _Element

log = logging.getLogger(__name__)

_ARTICLE_TYPES = {"newsarticle", "article", "reportagenewsarticle", "analysisnewsarticle", "blogposting",
                  "opinionnewsarticle", "backgroundnewsarticle", "reviewnewsarticle", "liveblogposting",
                  "report", "techarticle", "scholarlyarticle"}
_PUB_META = ("article:published_time", "og:published_time", "datepublished", "pubdate", "publishdate",
             "publish-date", "date", "dc.date", "dc.date.issued", "dcterms.created", "sailthru.date",
             "parsely-pub-date", "article.published", "cxenseparse:recs:publishtime", "dable:published_time")
_MOD_META = ("article:modified_time", "og:updated_time", "datemodified", "last-modified", "dcterms.modified")
_AUTHOR_META = ("author", "article:author", "byl", "dable:author", "sailthru.author", "parsely-author", "dc.creator")
_DATE_LABELS = ("기사입력", "최초입력", "입력", "등록", "게재", "발행", "작성", "승인", "수정", "업데이트", "발행일",
                "Published", "Updated", "Posted", "发布时间", "發佈時間", "发表时间", "时间", "更新", "公開", "掲載",
                "更新日時", "Ngày đăng", "Cập nhật")
_KO_DATE = re.compile(
    # a date starts with its label, a space, a colon or the year: the lookahead only saves time
    rf"(?=[\s:：12{''.join(sorted({label[0] for label in _DATE_LABELS}))}])"
    rf"(?P<label>{'|'.join(_DATE_LABELS)})?\s*[:：]?\s*"
    r"(?P<y>20\d\d|19\d\d)\s*(?:[.\-/]|년|年)\s*(?P<m>\d{1,2})\s*(?:[.\-/]|월|月)\s*(?P<d>\d{1,2})\s*[일日]?\.?"
    r"(?:\s*[(（][월화수목금토일月火水木金土日一二三四五六天]{1,3}[)）])?"
    r"(?:\s*(?P<ampm>오전|오후|AM|PM|am|pm|上午|下午|午前|午後)?\s*(?P<H>\d{1,2})\s*[:시時]\s*(?P<M>\d{2})"
    r"(?:\s*[:분分]\s*(?P<S>\d{2}))?)?"
)
_MODIFIED_LABELS = ("수정", "업데이트", "Updated", "更新", "更新日時", "Cập nhật")
_ROLE_WORDS = re.compile(r"\s*(?:기자|특파원|선임기자|객원기자|논설위원|記者|特派員|编辑|記者|reporter|correspondent)\s*$", re.I)
# the zone a UTC timestamp is shown in when the caller does not say (the page's language decides)
LANG_TZ = {"ko": "Asia/Seoul", "ja": "Asia/Tokyo", "zh": "Asia/Shanghai", "vi": "Asia/Ho_Chi_Minh"}
_URL_DATE = (re.compile(r"/(20\d\d)[/-](\d\d)[/-](\d\d)(?:/|$|[^\d])"),
             re.compile(r"(?<!\d)(20\d\d)(\d\d)(\d\d)(\d\d)(\d\d)(\d\d)\d{0,3}(?!\d)"),
             re.compile(r"(?<!\d)(20\d\d)(\d\d)(\d\d)(?!\d)"))
_TITLE_SPLIT = re.compile(r"\s+(?:[|\-–—:·<>]|::)\s+")
_LD_JSON = re.compile(r"ld\+json", re.I)
# elements whose strings are not page text (nor are comments' and processing instructions')
NOT_TEXT = frozenset({"script", "style", "template", "rt", "rp"})


def strings(el: _Element) -> list[str]:
    """``el``'s strings in document order: its text, its descendants' text and tails (``NOT_TEXT``
    elements' only when ``el`` is one of them, as bs4 does)."""
    if el.tag in NOT_TEXT:  # asked of a script (style, ...) itself: its own strings
        return _kind_strings(el, el.tag, el.tag)
    if next(el.iterancestors(*NOT_TEXT), None) is not None:
        return []
    out: list[str] = []
    _page_strings(el, out)
    return out


def _page_strings(el: _Element, out: list[str]) -> None:
    if next(el.iterdescendants(*NOT_TEXT), None) is None:  # nothing to leave out: lxml's own walk
        out += el.itertext()
        return
    if el.text:
        out.append(el.text)
    for child in el:
        tag = child.tag
        if tag.__class__ is str and tag not in NOT_TEXT:  # comments have a function as tag
            _page_strings(child, out)
        if child.tail:
            out.append(child.tail)


def _kind_strings(el: _Element, kind: str, current: str) -> list[str]:
    """Strings of ``el`` whose nearest ``NOT_TEXT`` container is a ``kind`` (``current``: el's)."""
    out = [el.text] if el.text and current == kind else []
    for child in el:
        if child.tag.__class__ is str:
            out += _kind_strings(child, kind, child.tag if child.tag in NOT_TEXT else current)
        if child.tail and current == kind:
            out.append(child.tail)
    return out


def stripped_strings(el: _Element) -> list[str]:
    """``el``'s strings, each stripped, empty ones left out (what ``text_of`` joins)."""
    return list(filter(None, map(str.strip, strings(el))))


def text_of(el: _Element, sep: str = " ") -> str:
    """``el``'s stripped non-empty strings joined by ``sep`` (bs4's ``get_text(sep, strip=True)``)."""
    return sep.join(stripped_strings(el))


def first(doc: _Element, tag: str) -> _Element | None:
    """The first ``tag`` element of ``doc`` (itself included) in document order."""
    return next(doc.iter(tag), None)


def _tokens(el: _Element, attr: str) -> list[str]:
    return (el.get(attr) or "").split()


@dataclass(frozen=True, slots=True)
class Metadata:
    title: str | None = None
    title_source: str | None = None
    published: datetime | None = None
    date_source: str | None = None
    modified: datetime | None = None
    authors: tuple[str, ...] = ()
    lang: str | None = None
    section: str | None = None
    canonical_url: str | None = None
    og_type: str | None = None
    has_article_markup: bool = False
    article_body: str | None = None
    alternates: dict[str, str] = field(default_factory=dict)


def parse_datetime(value: str | None, tz: ZoneInfo) -> datetime | None:
    """ISO 8601 (and a few common variants) -> aware datetime; naive means the source's zone."""
    if not value or not isinstance(value, str):
        return None
    v = value.strip()
    v = re.sub(r"^(\d{4}-\d\d-\d\d)\s+(\d)", r"\1T\2", v).replace("Z", "+00:00")
    v = re.sub(r"([+-]\d\d)(\d\d)$", r"\1:\2", v)
    try:
        dt = datetime.fromisoformat(v)
    except ValueError:
        m = _KO_DATE.search(value)
        return _from_match(m, tz) if m else None
    return dt.replace(tzinfo=tz) if dt.tzinfo is None else dt


def _from_match(m: re.Match[str], tz: ZoneInfo) -> datetime | None:
    try:
        hour = int(m.group("H") or 0)
        ampm = (m.group("ampm") or "").lower()
        if ampm in ("오후", "pm", "下午", "午後") and hour < 12:
            hour += 12
        elif ampm in ("오전", "am", "上午", "午前") and hour == 12:
            hour = 0
        return datetime(int(m.group("y")), int(m.group("m")), int(m.group("d")), hour,
                        int(m.group("M") or 0), int(m.group("S") or 0), tzinfo=tz)
    except ValueError:
        return None


def _jsonld_objects(doc: _Element) -> Iterator[dict[str, Any]]:
    for script in doc.iter("script"):
        if not _LD_JSON.search(script.get("type") or ""):
            continue
        raw = (script.text or "").strip()
        if not raw:
            continue
        try:
            data = json.loads(raw, strict=False)
        except json.JSONDecodeError:
            try:  # trailing commas and stray control characters are the usual breakage
                data = json.loads(re.sub(r",\s*([}\]])", r"\1", raw), strict=False)
            except json.JSONDecodeError:
                log.debug("unreadable JSON-LD block skipped")
                continue
        stack = [data]
        while stack:
            item = stack.pop(0)
            if isinstance(item, list):
                stack.extend(item)
            elif isinstance(item, dict):
                yield item
                if "@graph" in item:
                    stack.append(item["@graph"])


def _types(obj: dict[str, Any]) -> set[str]:
    t = obj.get("@type", [])
    return {str(x).lower() for x in (t if isinstance(t, list) else [t])}


def _names(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value] if value.strip() and not value.startswith("http") else []
    if isinstance(value, dict):
        return _names(value.get("name"))
    if isinstance(value, list):
        return [n for v in value for n in _names(v)]
    return []


def _meta(doc: _Element) -> dict[str, str]:
    out: dict[str, str] = {}
    for tag in doc.iter("meta"):
        key = (tag.get("property") or tag.get("name") or tag.get("itemprop") or "").strip().lower()
        content = tag.get("content")
        if key and content and key not in out:
            out[key] = content.strip()
    return out


def _clean_title(title: str) -> str:
    parts = _TITLE_SPLIT.split(title.strip())
    return max(parts, key=len).strip() if len(parts) > 1 else title.strip()


def extract_metadata(soup: _Element, url: str, tz: ZoneInfo,
                     body_strings: Callable[[], list[str]] | None = None) -> Metadata:
    """``soup``: the page from ``newsflow.parse.html_document``. ``body_strings``, when given,
    returns ``stripped_strings`` of the page's ``<body>`` as it is now (the caller may need them
    too: the page's body is walked once)."""
    meta = _meta(soup)
    ld = next((o for o in _jsonld_objects(soup) if _types(o) & _ARTICLE_TYPES), None)
    found: dict[str, Any] = {}

    def pick(field_: str, *candidates: tuple[str, Any]) -> None:
        """The first candidate with a value; candidates are (source, callable) and evaluated lazily."""
        for source, get in candidates:
            if value := get():
                found[field_], found[field_ + "_source"] = value, source
                return

    h1, title = first(soup, "h1"), first(soup, "title")
    title_tag = text_of(title) if title is not None else None
    pick("title",
         ("jsonld", lambda: (ld or {}).get("headline") or (ld or {}).get("name")),
         ("og", lambda: meta.get("og:title") or meta.get("twitter:title")),
         ("h1", lambda: text_of(h1) if h1 is not None else None),
         ("heading", lambda: _heading_in_title(soup, title_tag) if title_tag else None),
         ("title", lambda: _clean_title(title_tag) if title_tag else None))

    time_tag = next((t for t in soup.iter("time") if t.get("datetime") is not None), None)
    published: tuple[datetime | None, str | None] = (None, None)
    for source, value in (("jsonld", (ld or {}).get("datePublished") or (ld or {}).get("dateCreated")),
                          *(("meta", meta.get(k)) for k in _PUB_META),
                          ("time", time_tag.get("datetime") if time_tag is not None else None)):
        dt = parse_datetime(value, tz) if isinstance(value, str) else None
        if dt:
            published = (dt, "og" if source == "meta" and value == meta.get("article:published_time") else source)
            break
    page_body = first(soup, "body")
    if body_strings is None:
        body_strings = cache(lambda: stripped_strings(page_body))
    page_text = cache(lambda: " ".join(body_strings())[:30000] if page_body is not None else "")  # once, if at all
    if published[0] is None:
        published = _visible_date(page_text(), tz, after=found.get("title"))
    if published[0] is None:
        published = (_url_date(url, tz), "url")
        if published[0] is None:
            published = (None, None)

    modified = parse_datetime((ld or {}).get("dateModified"), tz) if ld else None
    if modified is None:
        modified = next((d for k in _MOD_META if (d := parse_datetime(meta.get(k), tz))), None)
    if modified is None:
        modified = _visible_date(page_text(), tz, labels=_MODIFIED_LABELS)[0]

    authors = _names((ld or {}).get("author")) or [
        a for k in _AUTHOR_META if (a := meta.get(k)) and not a.startswith("http")][:1]
    authors = [n for a in authors if (n := _ROLE_WORDS.sub("", a).strip()) and not re.fullmatch(r"[\d\W_]+", n)]
    html = first(soup, "html")
    lang = (html.get("lang") if html is not None else None) or (ld or {}).get("inLanguage") or meta.get("og:locale")
    alternates = {}
    for link in soup.iter("link"):
        if "alternate" in _tokens(link, "rel") and link.get("hreflang") is not None and link.get("href"):
            alternates[link.get("hreflang").lower()] = link.get("href")
    canonical = next((link for link in soup.iter("link") if "canonical" in _tokens(link, "rel")), None)
    section = (ld or {}).get("articleSection") or meta.get("article:section")
    if isinstance(section, list):
        section = section[0] if section else None
    body = (ld or {}).get("articleBody")
    return Metadata(
        title=found.get("title"), title_source=found.get("title_source"),
        published=published[0], date_source=published[1], modified=modified,
        authors=tuple(dict.fromkeys(a.strip() for a in authors if a.strip())),
        lang=str(lang).split("-")[0].split("_")[0].lower() if lang else None,
        section=str(section) if section else None,
        canonical_url=canonical.get("href") if canonical is not None else None,
        og_type=meta.get("og:type"), has_article_markup=ld is not None or "article:published_time" in meta
        or (meta.get("og:type") == "article"), article_body=body if isinstance(body, str) else None,
        alternates=alternates,
    )


def _visible_date(text: str, tz: ZoneInfo, labels: tuple[str, ...] | None = None,
                  after: str | None = None) -> tuple[datetime | None, str | None]:
    """A date printed on the page. Labelled dates (입력/등록/Published/发布时间...) win; then dates
    after the headline (a page header's "today" comes before it), first one first; a bare
    date without label or time must at least be written out (2024년 6월 27일, 2024年6月27日)
    or follow the headline. ``labels`` restricts to those labels (modified dates). ``text``: the
    page body's first 30,000 characters."""
    if labels is not None and not any(label in text for label in labels):
        return None, None  # only labelled dates count, and none of the labels is on the page
    start = text.find(after.strip()[:30]) if after and after.strip() else -1
    ranked: list[tuple[int, int, re.Match[str]]] = []
    for m in _KO_DATE.finditer(text):
        label = m.group("label")
        if labels is not None:
            if label in labels:
                ranked.append((0, m.start(), m))
            continue
        if label in _MODIFIED_LABELS:
            continue
        late = start >= 0 and m.start() >= start
        written = any(c in m.group(0) for c in "년年")
        if label:
            ranked.append((0, m.start(), m))
        elif late and (m.group("H") or written or "-" in m.group(0)):
            ranked.append((1, m.start(), m))
        elif m.group("H") or written:
            ranked.append((2, m.start(), m))
    for _, _, m in sorted(ranked, key=lambda r: r[:2]):
        if (dt := _from_match(m, tz)) is not None:
            return dt, "text"
    return None, None


def _heading_in_title(doc: _Element, title: str) -> str | None:
    """The longest heading-like text that ``<title>`` contains (drops "[Paper] " or " | Paper")."""
    norm = re.sub(r"\s+", " ", title).strip()
    best = None
    for el in islice(doc.iter("h1", "h2", "h3", "b", "strong", "td", "div", "span", "p"), 3000):
        text = text_of(el)
        if 8 <= len(text) < len(norm) and len(text) >= 0.5 * len(norm) and text in norm:
            if best is None or len(text) > len(best):
                best = text
    return best


def _url_date(url: str, tz: ZoneInfo) -> datetime | None:
    for rx in _URL_DATE:
        if m := rx.search(url):
            g = [int(x) for x in m.groups()]
            try:
                return datetime(*g[:3], *(g[3:6] if len(g) >= 6 else ()), tzinfo=tz)
            except ValueError:
                continue
    return None
