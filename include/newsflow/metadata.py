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

Hostile pages: every walk here is iterative (libxml2 nests up to 2,048 levels, deeper than
Python's recursion limit), JSON-LD values are used only when they have the type the field
needs (a dict headline, a numeric author or a list date are no value), deep JSON that
``json.loads`` refuses is skipped like broken JSON, strings taken from JSON never carry a lone
surrogate, and the date, title and role-word regexes run in linear time on long runs of
whitespace (possessive quantifiers, and no match attempt from inside a run).
"""

from __future__ import annotations

import html
import json
import logging
import re
import unicodedata
from collections import deque
from difflib import SequenceMatcher
from dataclasses import dataclass, field
from datetime import datetime
from functools import cache
from itertools import islice
from typing import Any, Callable, Iterator
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from lxml import etree
from lxml.etree import _Element

from newsflow.decode import scrub_surrogates

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
    # a date starts with its label, a space, a colon or the year: the lookahead only saves time.
    # Linear on long whitespace runs, with the same matches as the plain pattern (every \s* is
    # followed by something that is no space, so taking the whole run never loses a match, and a
    # match never starts inside a run: it would have started at the run's first space, and no
    # match ends inside one); plain \s* tried each split of a run at each of its positions.
    rf"(?!(?<=\s)\s)(?=[\s:：12{''.join(sorted({label[0] for label in _DATE_LABELS}))}])"
    rf"(?P<label>{'|'.join(_DATE_LABELS)})?\s*+[:：]?+\s*+"
    r"(?P<y>20\d\d|19\d\d)\s*+(?:[.\-/]|년|年)\s*+(?P<m>\d{1,2})\s*+(?:[.\-/]|월|月)\s*+(?P<d>\d{1,2})\s*+[일日]?\.?"
    r"(?:\s*+[(（][월화수목금토일月火水木金土日一二三四五六天]{1,3}[)）])?"
    r"(?:\s*+(?P<ampm>오전|오후|AM|PM|am|pm|上午|下午|午前|午後)?\s*+(?P<H>\d{1,2})\s*+[:시時]\s*+(?P<M>\d{2})"
    r"(?:\s*+[:분分]\s*+(?P<S>\d{2}))?)?"
)
_MODIFIED_LABELS = ("수정", "업데이트", "Updated", "更新", "更新日時", "Cập nhật")
_ROLE_WORDS = re.compile(r"(?<!\s)\s*+(?:기자|특파원|선임기자|객원기자|논설위원|記者|特派員|编辑|記者|reporter|correspondent)\s*$", re.I)
# the zone a UTC timestamp is shown in when the caller does not say (the page's language decides)
LANG_TZ = {"ko": "Asia/Seoul", "ja": "Asia/Tokyo", "zh": "Asia/Shanghai", "vi": "Asia/Ho_Chi_Minh"}
_URL_DATE = (re.compile(r"/(20\d\d)[/-](\d\d)[/-](\d\d)(?:/|$|[^\d])"),
             re.compile(r"(?<!\d)(20\d\d)(\d\d)(\d\d)(\d\d)(\d\d)(\d\d)\d{0,3}(?!\d)"),
             re.compile(r"(?<!\d)(20\d\d)(\d\d)(\d\d)(?!\d)"))
_TITLE_SPLIT = re.compile(r"(?<!\s)\s++(?:[|\-–—:·<>]|::)\s+")  # \s+ and no start inside a run: linear
_LD_JSON = re.compile(r"ld\+json", re.I)
# elements whose strings are not page text (nor are comments' and processing instructions')
NOT_TEXT = frozenset({"script", "style", "template", "rt", "rp"})


def strings(el: _Element) -> list[str]:
    """``el``'s strings in document order: its text, its descendants' text and tails (``NOT_TEXT``
    elements' only when ``el`` is one of them, as bs4 does)."""
    if el.tag in NOT_TEXT:  # asked of a script (style, ...) itself: its own strings
        return _kind_strings(el, el.tag)
    if next(el.iterancestors(*NOT_TEXT), None) is not None:
        return []
    return list(iter_strings(el))


# comments and processing instructions below an element: lxml's itertext() slows down
# quadratically with their number (80,000 take half a second), so past this many it is not used
_MARKS = etree.XPath("count(descendant::comment()) + count(descendant::processing-instruction())")
_MAX_MARKS = 1000


def iter_strings(el: _Element) -> Iterator[str]:
    """``strings(el)`` of an element that is no ``NOT_TEXT`` one nor inside one, one at a time.
    A walk with its own stack; a subtree without ``NOT_TEXT`` elements is lxml's own walk
    (``itertext``), unless it holds thousands of comments: then this walk goes on through it."""
    plain = _plain(el)
    if plain is True:
        yield from el.itertext()
        return
    if el.text:
        yield el.text
    stack = [(el, iter(el), plain)]  # element, its children, nothing below it to leave out
    while stack:
        node, children, bare = stack[-1]
        child = next(children, None)
        if child is None:
            stack.pop()
            if stack and node.tail:
                yield node.tail
            continue
        tag = child.tag
        if tag.__class__ is str and tag not in NOT_TEXT:  # comments have a function as tag
            inner = bare or _plain(child)
            if inner is True:
                yield from child.itertext()
            else:
                if child.text:
                    yield child.text
                stack.append((child, iter(child), inner))
                continue  # its tail once its subtree is done
        if child.tail:
            yield child.tail


def _plain(el: _Element) -> bool | str:
    """True: nothing below ``el`` to leave out and few comments, lxml's own walk gives its
    strings; "bare": nothing to leave out, but too many comments for it; False: something to
    leave out."""
    if not len(el):  # no children at all
        return True
    if next(el.iterdescendants(*NOT_TEXT), None) is not None:
        return False
    return True if _MARKS(el) < _MAX_MARKS else "bare"


def _kind_strings(el: _Element, kind: str) -> list[str]:
    """Strings of ``el`` (a ``kind`` element) whose nearest ``NOT_TEXT`` container is a ``kind``."""
    out = [el.text] if el.text else []
    stack = [(el, iter(el), kind)]  # (element, its children, its nearest NOT_TEXT container)
    while stack:
        node, children, current = stack[-1]
        child = next(children, None)
        if child is None:
            stack.pop()
            if stack and node.tail and stack[-1][2] == kind:
                out.append(node.tail)
            continue
        if child.tag.__class__ is str:
            inner = child.tag if child.tag in NOT_TEXT else current
            if child.text and inner == kind:
                out.append(child.text)
            stack.append((child, iter(child), inner))
            continue
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
        except RecursionError:  # nested deeper than the decoder goes: no page's metadata
            log.debug("JSON-LD block nested too deep, skipped")
            continue
        except ValueError:  # JSONDecodeError, or a number of more than 4,300 digits
            try:  # trailing commas and stray control characters are the usual breakage
                data = json.loads(re.sub(r",\s*([}\]])", r"\1", raw), strict=False)
            except (ValueError, RecursionError):
                log.debug("unreadable JSON-LD block skipped")
                continue
        stack = deque([data])
        while stack:
            item = stack.popleft()
            if isinstance(item, list):
                stack.extend(item)
            elif isinstance(item, dict):
                yield item
                if "@graph" in item:
                    stack.append(item["@graph"])


def _types(obj: dict[str, Any]) -> set[str]:
    """The object's ``@type`` names, lower-cased (only strings can name an article type: the
    text of a dict or a list, deep ones included, is never looked at)."""
    t = obj.get("@type", [])
    return {x.lower() for x in (t if isinstance(t, list) else [t]) if isinstance(x, str)}


def _names(value: Any) -> list[str]:
    """Author names in a JSON-LD ``author``: strings, ``name`` of objects, lists of either, in
    order, at any depth (a walk with its own stack); URLs and blank strings are no name."""
    out: list[str] = []
    stack = [value]
    while stack:
        v = stack.pop()
        if isinstance(v, str):
            if v.strip() and not v.startswith("http"):
                out.append(v)
        elif isinstance(v, dict):
            stack.append(v.get("name"))
        elif isinstance(v, list):
            stack.extend(reversed(v))
    return out


def _text(value: Any) -> str | None:
    """A JSON-LD value used as text: a string, or a list's first string; a dict, a number,
    null are none (``"headline": {"@value": ...}`` is no headline we can read)."""
    if isinstance(value, list):
        value = next((v for v in value if isinstance(v, str) and v), None)
    if not isinstance(value, str):
        return None
    # a JSON string is not HTML: many CMSs still write entities into it (&ouml;, &#8216;, &quot;)
    return html.unescape(value) if "&" in value else value


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


def title_key(text: str) -> str:
    """A title as compared with another: NFKC, case-folded, without spaces, punctuation or symbols."""
    return "".join(ch for ch in unicodedata.normalize("NFKC", text).casefold()
                   if not ch.isspace() and unicodedata.category(ch)[0] not in "PSZC")


_SITE_TAIL = re.compile(r"\s+[|\-–—·»]\s+")


def _site_names(meta: dict[str, str], url: str) -> set[str]:
    """Keys of the names a site goes by: og:site_name, application-name, and its host's labels
    (``www.boersen-zeitung.de`` -> boersenzeitung; ``timesofindia.indiatimes.com`` -> timesofindia,
    indiatimes)."""
    names = {title_key(v) for k in ("og:site_name", "application-name", "twitter:site")
             if (v := meta.get(k))}
    try:
        host = (urlsplit(url).hostname or "") if url else ""
    except ValueError:
        host = ""
    names |= {title_key(label) for label in host.split(".")[:-1] if label not in ("www", "m", "com", "co", "news")}
    return {n.removeprefix("@").removeprefix("https").removeprefix("http") for n in names if len(n) >= 2}


def _site_like(piece: str, sites: set[str]) -> bool:
    """A tail piece names the site (fuzzily: Börsen-Zeitung / boersen-zeitung.de, DW / dw.com,
    Golem.de / golem) or is a date."""
    key = title_key(piece)
    if not key:
        return True
    if _DATE_PIECE.fullmatch(piece.strip()):
        return True
    return any(key == s or (len(key) >= 3 and key in s) or (len(s) >= 3 and s in key and len(key) <= len(s) + 6)
               or SequenceMatcher(None, key, s).ratio() >= 0.8 for s in sites)


_DATE_PIECE = re.compile(r"\d{1,4}[./\-]\d{1,2}[./\-]\d{1,4}")


def _without_site_tail(title: str, sites: set[str]) -> str:
    """``title`` without a trailing " | Site", " - Site.de" or " | DW | 28.04.2023" part: a short
    tail that names the site, its other pieces short or dates. A headline that merely has a
    dash in it ("Abnehmspritze kommt - So teuer wird sie") stays whole."""
    for sep in reversed(list(_SITE_TAIL.finditer(title))):
        head, tail = title[:sep.start()].rstrip(), title[sep.end():]
        if len(tail) > 60 or not head:
            break
        pieces = _SITE_TAIL.split(tail)
        if any(_site_like(p, sites) and not _DATE_PIECE.search(p) for p in pieces) \
                and all(_site_like(p, sites) or len(p.split()) <= 3 for p in pieces):
            return head
    return title


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
         ("jsonld", lambda: _text((ld or {}).get("headline")) or _text((ld or {}).get("name"))),
         ("og", lambda: meta.get("og:title") or meta.get("twitter:title")),
         ("h1", lambda: text_of(h1) if h1 is not None else None),
         ("heading", lambda: _heading_in_title(soup, title_tag) if title_tag else None),
         ("title", lambda: _clean_title(title_tag) if title_tag else None))
    if (picked := found.get("title")) and _SITE_TAIL.search(picked):
        found["title"] = _without_site_tail(picked, _site_names(meta, url))

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
    html_el = first(soup, "html")
    lang = (html_el.get("lang") if html_el is not None else None) or _text((ld or {}).get("inLanguage")) \
        or meta.get("og:locale")
    alternates = {}
    for link in soup.iter("link"):
        if "alternate" in _tokens(link, "rel") and link.get("hreflang") is not None and link.get("href"):
            alternates[link.get("hreflang").lower()] = link.get("href")
    canonical = next((link for link in soup.iter("link") if "canonical" in _tokens(link, "rel")), None)
    section = (ld or {}).get("articleSection") or meta.get("article:section")
    if isinstance(section, list):
        section = section[0] if section else None
    if not isinstance(section, (str, int, float)):
        section = None  # a dict or a list: no section name (and no text of a deep structure)
    body = (ld or {}).get("articleBody")
    title = found.get("title")
    return Metadata(
        title=scrub_surrogates(title) if title else title, title_source=found.get("title_source"),
        published=published[0], date_source=published[1], modified=modified,
        authors=tuple(dict.fromkeys(scrub_surrogates(a.strip()) for a in authors if a.strip())),
        lang=scrub_surrogates(str(lang).split("-")[0].split("_")[0].lower()) if lang else None,
        section=scrub_surrogates(str(section)) if section else None,
        canonical_url=canonical.get("href") if canonical is not None else None,
        og_type=meta.get("og:type"), has_article_markup=ld is not None or "article:published_time" in meta
        or (meta.get("og:type") == "article"), article_body=scrub_surrogates(body) if isinstance(body, str) else None,
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


# elements _heading_in_title may read the text of, counted with everything below them: a page
# nesting thousands of elements around one title-sized text would be read once per element
_HEADING_NODES = 20_000


def _heading_in_title(doc: _Element, title: str) -> str | None:
    """The longest heading-like text that ``<title>`` contains (drops "[Paper] " or " | Paper").
    Only elements whose text has a fitting length are read (``text_lengths``)."""
    norm = re.sub(r"\s+", " ", title).strip()
    best = None
    lengths = text_lengths(doc)
    budget = _HEADING_NODES
    for el in islice(doc.iter("h1", "h2", "h3", "b", "strong", "td", "div", "span", "p"), 3000):
        n, size, _ = lengths[el]
        if not (8 <= n < len(norm) and n >= 0.5 * len(norm)):
            continue
        budget -= size
        if budget < 0:
            break
        text = text_of(el)
        if text in norm:
            if best is None or len(text) > len(best):
                best = text
    return best


def text_lengths(root: _Element) -> dict[_Element, tuple[int, int, int]]:
    """For ``root`` and every element below it, in one walk: ``len(text_of(el))``, the number of
    nodes in its subtree (itself included) and ``sum(len(text_of(a)) for a in el.iterdescendants("a"))``.
    The length is ``text_of``'s for every element but the ``NOT_TEXT`` ones themselves (whose
    own strings are not counted); inside one it is 0, as ``text_of`` says."""
    out: dict[_Element, tuple[int, int, int]] = {}

    def add(acc: list[int], text: str | None) -> None:
        if text and (n := len(text.strip())):
            acc[0] += n
            acc[1] += 1

    acc0 = [0, 0, 1, 0]  # stripped characters, non-empty strings, nodes, link characters below
    add(acc0, root.text)
    hidden0 = root.tag in NOT_TEXT or next(root.iterancestors(*NOT_TEXT), None) is not None
    stack = [(root, iter(root), acc0, hidden0)]  # element, its children, its sums, inside NOT_TEXT (or one)
    while stack:
        el, children, acc, hidden = stack[-1]
        child = next(children, None)
        if child is None:
            stack.pop()
            length = 0 if hidden or not acc[1] else acc[0] + acc[1] - 1
            out[el] = (length, acc[2], acc[3])
            if stack:
                parent = stack[-1][2]
                parent[2] += acc[2]
                parent[3] += acc[3] + (length if el.tag == "a" else 0)
                if el.tag not in NOT_TEXT:
                    parent[0] += acc[0]
                    parent[1] += acc[1]
                add(parent, el.tail)
            continue
        if child.tag.__class__ is str:
            inner = [0, 0, 1, 0]
            add(inner, child.text)
            stack.append((child, iter(child), inner, hidden or child.tag in NOT_TEXT))
        else:  # a comment or a processing instruction: no text, a tail
            acc[2] += 1
            add(acc, child.tail)
    return out


def _url_date(url: str, tz: ZoneInfo) -> datetime | None:
    for rx in _URL_DATE:
        if m := rx.search(url):
            g = [int(x) for x in m.groups()]
            try:
                return datetime(*g[:3], *(g[3:6] if len(g) >= 6 else ()), tzinfo=tz)
            except ValueError:
                continue
    return None
