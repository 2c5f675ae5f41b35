"""Parse: raw page bytes -> an ``Article`` (metadata + body paragraphs) or a ``Rejected``.

The body comes from the source's profile selector when it has one, otherwise from a
generic extractor: the page is cut into text blocks (``<p>``, headings, list items and
``<br>``-separated runs of text in ``<div>``/``<td>``), each block scores its parent and,
by half, its grandparent (link-heavy and very short blocks score nothing), and the
best-scoring container's blocks are the body. A JSON-LD ``articleBody`` that is much
longer than what the page shows wins (script-rendered pages).

The page is parsed by libxml2's HTML parser into an lxml tree (``html_document``). The rules
were written against BeautifulSoup's tree of the very same parse, and the code keeps its
reading: a comment or a removed element separates two strings (see ``metadata.text_of``), a
doctype inside the page is text of the blocks around it, and a page without ``<body>`` is read
from the document node down. Profile selectors are CSS (lxml's cssselect), matched against
the whole page.
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
from collections import defaultdict
from datetime import datetime
from functools import cache, lru_cache
from zoneinfo import ZoneInfo

from lxml import etree
from lxml.etree import _Element

from newsflow.config import Source
from newsflow.decode import decode_html, misdecoded
from newsflow.metadata import LANG_TZ, Metadata, extract_metadata, first, stripped_strings, text_of
from newsflow.models import Article, RawPage, Rejected
from newsflow.urls import article_id, canonicalize

log = logging.getLogger(__name__)

EXTRACTOR_VERSION = "generic-0.1"
MIN_BODY_CHARS = 80
_DROP_TAGS = ("script", "style", "noscript", "template", "iframe", "svg", "nav", "header", "footer", "aside",
              "form", "button", "select", "input", "textarea", "object", "embed", "canvas", "video", "audio")
_BLOCK = {"p", "div", "td", "th", "li", "ul", "ol", "dl", "dd", "dt", "h1", "h2", "h3", "h4", "h5", "h6",
          "blockquote", "section", "article", "main", "pre", "table", "tbody", "thead", "tr", "figure",
          "figcaption", "center", "address", "hr", "details", "summary"}
_JUNK_ATTR = re.compile(
    r"(?:^|[-_\s])(share|sns|social|related|relate|recommend|comment|comments|sidebar|banner|ad|ads|advert"
    r"|advertisement|promo|popular|ranking|footer|gnb|lnb|nav|menu|breadcrumb|subscribe|newsletter"
    r"|reporter_info|cookie|consent|modal|popup)(?:$|[-_\s\d])", re.I)
# readability's rule: a junk-looking name that also says "this is the article" is kept
_KEEP_ATTR = re.compile(r"article|body|content|entry|story|main|post|text|view|news_?txt|detail", re.I)
_BYLINE_AUTHOR = re.compile(
    r"^\s*(?:\(?[^()]*=\)?\s*)?(?P<name>[가-힣]{2,4})\s*(?:기자|특파원|선임기자|논설위원|객원기자)\b"
    r"|^\s*By\s+(?P<en>[A-Z][\w.'-]+(?:\s+[A-Z][\w.'-]+){0,3})")


_DISPLAY_NONE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.I)
_WITH_ATTRS = etree.XPath("descendant::*[@hidden or @aria-hidden or @style]")
_WITH_NAMES = etree.XPath("descendant::*[@id or @class]")
_DOCTYPE = re.compile(r"<!doctype", re.I)
_DOCUMENT = "nf-document"  # the node above <html>: BeautifulSoup's document object
_DOCTYPE_PI = "nf-doctype"  # a doctype bs4 keeps as a string: a processing instruction here
_WS = re.compile(r"\s+")


def _doctype_starts(text: str) -> list[int]:
    """Where ``_DOCTYPE`` matches (``finditer``), trying it only after each "<!" (case-insensitive
    regexes get no fast scan)."""
    out = []
    find, match = text.find, _DOCTYPE.match
    i = find("<!")
    while i >= 0:
        if match(text, i):
            out.append(i)
        i = find("<!", i + 1)
    return out


def html_document(text: str, wrapped: bool = False) -> _Element:
    """``text`` parsed as ``BeautifulSoup(text, "lxml")`` parses it: its ``<html>`` element, or an
    ``nf-document`` element standing for the BeautifulSoup object when the page has no ``<body>``,
    goes on after ``</html>`` (a second ``<html>``) or ``wrapped`` is asked for. Doctypes that bs4
    keeps as strings (inside the page; at the top too when read from the top) are ``nf-doctype``
    processing instructions, text to ``text_blocks`` only."""
    text = text[1:] if text.startswith("\ufeff") else text
    parser = etree.HTMLParser(recover=True, huge_tree=True)  # huge: 2048 levels deep, not 256
    parser.feed(text)
    root = parser.close()
    tops = [] if root is None else [root, *(el for el in root.itersiblings() if el.tag.__class__ is str)]
    doctypes = _doctype_starts(text)
    stray = len(doctypes) > 1 or bool(doctypes and text[:doctypes[0]].strip())
    if len(tops) == 1 and not wrapped and first(root, "body") is not None:
        if stray:
            _place_doctypes(None, tops, text)
        return root
    doc = etree.Element(_DOCUMENT)
    doc.extend(tops)
    if stray or doctypes and (wrapped or first(doc, "body") is None):
        _place_doctypes(doc, tops, text)
    return doc


def _doctype_string(name: str | None, pubid: str | None, system: str | None, in_pre: bool) -> str:
    """bs4's string for a doctype (blank ones, outside ``<pre>``/``<textarea>``, become one space)."""
    value = name or ""
    if pubid is not None:
        value += f' PUBLIC "{pubid}"' + (f' "{system}"' if system is not None else "")
    elif system is not None:
        value += f' SYSTEM "{system}"'
    return value if in_pre or value.strip(" \n\t\f\r") else ("\n" if "\n" in value else " ")


class _DoctypeFinder:
    """Parser target that sees the events bs4 builds its tree from and notes each doctype as
    (parent, previous sibling, characters of text between them, string). Nodes are numbered in
    document order, as ``iter()`` of the top elements yields them (elements and comments); a
    parent of None is the top level, a previous sibling ``-k-1`` is the k-th doctype noted."""

    def __init__(self) -> None:
        self.found: list[tuple[int | None, int | None, int, str]] = []
        self.count = 0
        self.open: list[int] = []
        self.last: list[int | None] = [None]  # per open element (the top level first): last child
        self.chars = 0
        self.pre = 0  # open <pre> and <textarea> elements

    def _node(self) -> int:
        self.chars, self.last[-1], self.count = 0, self.count, self.count + 1
        return self.count - 1

    def start(self, tag: str, attrib: dict) -> None:
        self.open.append(self._node())
        self.last.append(None)
        self.pre += tag in ("pre", "textarea")

    def end(self, tag: str) -> None:
        self.chars = 0
        self.open.pop()
        self.last.pop()
        self.pre -= tag in ("pre", "textarea")

    def data(self, data: str) -> None:
        self.chars += len(data)

    def comment(self, text: str) -> None:
        if self.open:
            self._node()
        self.chars = 0

    def doctype(self, name: str | None, pubid: str | None, system: str | None) -> None:
        value = _doctype_string(name, pubid, system, self.pre > 0)
        self.found.append((self.open[-1] if self.open else None, self.last[-1], self.chars, value))
        self.chars, self.last[-1] = 0, -len(self.found)

    def close(self) -> list[tuple[int | None, int | None, int, str]]:
        return self.found


def _place_doctypes(doc: _Element | None, tops: list[_Element], text: str) -> None:
    """Put a doctype mark where bs4 has a doctype string: inside the page's ``tops``
    (its ``<html>`` elements), splitting the text it interrupts, and at the top level of ``doc``."""
    parser = etree.HTMLParser(target=_DoctypeFinder(), recover=True)
    parser.feed(text)
    nodes = [node for top in tops for node in top.iter()]
    marks: list[_Element] = []
    for parent, prev, chars, value in parser.close():
        mark = etree.ProcessingInstruction(_DOCTYPE_PI, value)  # a doctype never holds ">"
        marks.append(mark)
        if prev is not None and prev >= len(nodes) or parent is not None and parent >= len(nodes):
            continue  # the two parses disagree (never seen): leave it out
        sibling = None if prev is None else marks[-prev - 1] if prev < 0 else nodes[prev]
        if parent is not None:
            _insert_text_mark(nodes[parent], sibling, chars, mark)
        elif doc is not None and sibling is not None:
            sibling.addnext(mark)
        elif doc is not None:
            doc.insert(0, mark)


def _insert_text_mark(parent: _Element, sibling: _Element | None, chars: int, mark: _Element) -> None:
    """Put ``mark`` ``chars`` characters into the text that follows ``sibling`` (or opens ``parent``)."""
    around = (sibling.tail if sibling is not None else parent.text) or ""
    mark.tail = around[chars:] or None
    if sibling is not None:
        sibling.tail = around[:chars] or None
        sibling.addnext(mark)
    else:
        parent.text = around[:chars] or None
        parent.insert(0, mark)


def _invisible(t: _Element) -> bool:
    attrs = t.attrib
    return bool(attrs) and ("hidden" in attrs or attrs.get("aria-hidden") == "true"
                            or bool(_DISPLAY_NONE.search(attrs.get("style") or "")))


def _drop(el: _Element) -> None:
    """Take ``el`` out of the page; an empty comment keeps its place, so the text before and after
    it stays two strings (as after bs4's ``decompose``)."""
    parent = el.getparent()
    if parent is None:
        return
    tail, mark = el.tail, etree.Comment()
    parent.replace(el, mark)
    mark.tail = tail


# the non-ASCII spaces bs4 splits class names at and XPath's normalize-space() does not (XML has
# no room for the ASCII control ones, \v \f \x1c-\x1f)
_OTHER_SPACES = "".join(c for c in map(chr, range(0x80, 0x3001)) if c.isspace())


@lru_cache(maxsize=1)
def _translator():
    """lxml's CSS-to-XPath translator for HTML, with ``.name`` split at every space bs4 splits at."""
    from lxml.cssselect import LxmlHTMLTranslator

    class Translator(LxmlHTMLTranslator):
        def xpath_root_pseudo(self, xpath):  # soupsieve's: the one element at the top
            return xpath.add_condition(f"(not(parent::*) or parent::{_DOCUMENT})"
                                       " and not(preceding-sibling::* or following-sibling::*)")

        def xpath_class(self, class_selector):
            classes = f"translate(@class, '{_OTHER_SPACES}', '{' ' * len(_OTHER_SPACES)}')"
            return self.xpath_attrib_includes(self.xpath(class_selector.selector), classes,
                                              class_selector.class_name)

    return Translator()


@lru_cache(maxsize=256)
def _css(selector: str):
    from lxml.cssselect import CSSSelector

    return CSSSelector(selector, translator=_translator())


def _select(scope: _Element, selector: str) -> list[_Element]:
    """bs4's ``scope.select(selector)``: the page's elements that match and lie inside ``scope``;
    a ``scope`` at the top of the tree stands for the whole document, ``<html>`` included."""
    top = scope
    while (up := top.getparent()) is not None:
        top = up
    found = _css(selector)(top)
    if scope is top:
        return [el for el in found if el.tag != _DOCUMENT]
    return [el for el in found if any(a is scope for a in el.iterancestors())]


def _strip(soup: _Element, drop: list[str] | None = None, generic: bool = True) -> None:
    """Remove what is never article text (scripts, navigation, forms…), the profile's ``drop``
    selectors and, in generic mode, figures and boxes whose id/class says they are junk."""
    for t in list(soup.iterdescendants(*_DROP_TAGS, *(("figure", "figcaption") if generic else ()))):
        _drop(t)
    for sel in drop or []:
        for t in _select(soup, sel):
            _drop(t)
    for t in _WITH_ATTRS(soup):  # what the reader never sees: display:none, hidden, aria-hidden
        if _invisible(t):
            _drop(t)
    if generic:
        _drop_junk(soup)


def _drop_junk(soup: _Element) -> None:
    """Boxes whose id/class says share, related, ad, sidebar… go, subtree and all. A box is judged
    before what it holds (document order), so a box inside a removed one is never judged."""
    total = len(text_of(soup)) or 1
    dropped: set[_Element] = set()
    for t in _WITH_NAMES(soup):
        tokens = " ".join([t.get("id") or "", *(t.get("class") or "").split()])
        if (t.tag in ("html", "body") or not tokens.strip() or not _JUNK_ATTR.search(tokens)
                or _KEEP_ATTR.search(tokens) or any(a in dropped for a in t.iterancestors())):
            continue
        # a class name is only a hint: a box holding a quarter of the page's text is kept
        # unless it is mostly links (layouts name their article column "sidebar-fixed")
        n = len(text_of(t))
        keep = False
        if n > 0.25 * total and n > 500:
            links = sum(len(text_of(a)) for a in t.iterdescendants("a"))
            keep = links < 0.5 * n
        if not keep:
            _drop(t)
            dropped.add(t)


def text_blocks(root: _Element) -> list[tuple[_Element, str, int]]:
    """(owner element, text, characters inside links) for every text block under ``root``."""
    out: list[tuple[_Element, str, int]] = []

    def walk(el: _Element) -> None:
        buf: list[str] = []
        link_chars = [0]

        def flush() -> None:
            text = _WS.sub(" ", "".join(buf)).strip()
            if text:
                out.append((el, text, min(link_chars[0], len(text))))
            buf.clear()
            link_chars[0] = 0

        def add(text: str | None, in_link: bool) -> None:
            if text:
                buf.append(text)
                if in_link:
                    link_chars[0] += len(text.strip())

        def inline(node: _Element, in_link: bool) -> None:
            add(node.text, in_link)
            for child in node:
                tag = child.tag
                if tag.__class__ is not str:  # comments are no text, doctype marks are
                    add(child.text if tag is etree.PI else None, in_link)
                elif tag == "br":
                    flush()
                elif tag in _BLOCK:
                    flush()
                    walk(child)
                else:
                    inline(child, in_link or tag == "a")
                add(child.tail, in_link)

        inline(el, el.tag == "a")
        flush()

    walk(root)
    return out


_BOILER_TEXT = re.compile(
    r"cookie|privacy policy|terms of (?:use|service)|all rights reserved|intellectual property|copyright|"
    r"subscribe|newsletter|sign up|log ?in|advertis|무단\s*전재|재배포|저작권|구독|광고문의|版权|著作権", re.I)


# _BOILER_TEXT's words: a text holding none of them (in any case) cannot match it. re.I matches
# "i" with ı and İ, and "s" with ſ, which lower() does not turn into i or s: texts with those
# go to the regex directly.
_BOILER_WORDS = ("cookie", "privacy policy", "terms of ", "all rights reserved", "intellectual property", "copyright",
                 "subscribe", "newsletter", "sign up", "log", "advertis")
_BOILER_MARKS = ("무단", "재배포", "저작권", "구독", "광고문의", "版权", "著作権")
_CASE_ODD = ("\u0130", "\u0131", "\u017f")


def _boiler(text: str) -> bool:
    """``_BOILER_TEXT.search(text)`` found something (the regex runs only where its words are)."""
    if not any(c in text for c in _CASE_ODD):
        low = text.lower()
        if not any(w in low for w in _BOILER_WORDS) and not any(w in text for w in _BOILER_MARKS):
            return False
    return _BOILER_TEXT.search(text) is not None


def _ends_sentence(text: str) -> bool:
    """``re.search(r"[.!?。다]\\s*$|[.!?。]['\"”’]?$", text)``: the text ends a sentence (spaces
    after the mark, or a closing quote right after it)."""
    end = text.rstrip()
    if end and end[-1] in ".!?。다":
        return True
    last = text[:-1] if text.endswith("\n") else text  # $ also matches before a final newline
    return len(last) >= 2 and last[-1] in "'\"”’" and last[-2] in ".!?。"


def _scores(blocks: list[tuple[_Element, str, int]]) -> dict[_Element, float]:
    scores: dict[_Element, float] = defaultdict(float)
    for owner, text, links in blocks:
        n = len(text)
        if n < 20 or links > 0.5 * n:
            continue
        weight = n * (1 - links / n) + (10 if _ends_sentence(text) else 0)
        if n < 400 and _boiler(text):
            weight *= 0.1
        elif _boiler(text[:200]) and re.search(r"cookie|intellectual property|rights reserved", text, re.I):
            weight *= 0.1
        parent = owner.getparent()
        chain = [owner, parent, parent.getparent() if parent is not None else None]
        for node, share in zip(chain, (1.0, 1.0, 0.5)):
            if node is not None:
                scores[node] += weight * share
    return scores


def _classes(el: _Element) -> list[str]:
    return (el.get("class") or "").split()


def _best_container(blocks: list[tuple[_Element, str, int]]) -> list[_Element]:
    """The best-scoring container plus siblings that score at least a fifth of it (a lead or
    standfirst in its own box, a body split around an ad)."""
    scores = _scores(blocks)
    if not scores:
        return []
    best = max(scores, key=scores.__getitem__)
    chosen = [best]
    threshold = max(25.0, 0.2 * scores[best])
    if (parent := best.getparent()) is not None:
        for sib in parent:
            if sib.tag.__class__ is str and sib is not best and scores.get(sib, 0) >= threshold:
                chosen.append(sib)
    # a body split in two boxes of the same kind (around an ad or a paywall teaser)
    if _classes(best):
        signature = (best.tag, tuple(sorted(_classes(best))))
        for node in scores:
            if (node is not best and scores[node] >= threshold and _classes(node)
                    and (node.tag, tuple(sorted(_classes(node)))) == signature
                    and not any(node is c or any(p is c for p in node.iterancestors()) for c in chosen)):
                chosen.append(node)
    return chosen


def _inside(node: _Element, containers: list[_Element]) -> bool:
    return node in containers or any(p in containers for p in node.iterancestors())


def extract_body(soup: _Element, profile_body: str | None = None, drop: list[str] | None = None
                 ) -> tuple[list[str], str]:
    """Body paragraphs and how they were found (``profile`` | ``generic``); ``soup`` is the page
    from ``html_document``, and is stripped in place."""
    root = next(iter(_select(soup, profile_body)), None) if profile_body else None
    if root is not None:
        _strip(root, drop, generic=False)
        return [t for _, t, links in text_blocks(root) if links < 0.8 * len(t)], "profile"
    body = first(soup, "body")
    body = soup if body is None else body
    _strip(body, drop, generic=True)
    blocks = text_blocks(body)
    best = _best_container(blocks)
    if not best:
        return [], "generic"
    return [t for owner, t, links in blocks if _inside(owner, best) and links <= 0.5 * len(t)], "generic"


_JSON_TYPE = re.compile(r"^application/json$", re.I)
_PAYLOAD_AUTHOR_KEYS = ("reporters", "reporter", "authors", "author", "writers", "writer", "byline", "bylines")


def _payload_article(soup: _Element) -> tuple[str | None, tuple[str, ...]]:
    """Body HTML/text and authors from a JSON script payload (``__NEXT_DATA__``, ``__NUXT_DATA__``,
    other ``application/json`` blocks): the object holding the page's longest text value."""
    best: tuple[int, str, dict] | None = None
    for script in soup.iter("script"):
        if not _JSON_TYPE.search(script.get("type") or ""):
            continue
        raw = script.text or ""
        if len(raw) < 500:
            continue
        try:
            data = json.loads(raw)
        except ValueError:
            continue
        stack = [data]
        while stack:
            item = stack.pop()
            if isinstance(item, dict):
                for v in item.values():
                    if isinstance(v, str) and len(v) > 300 and (best is None or len(v) > best[0]):
                        best = (len(v), v, item)
                    elif isinstance(v, (dict, list)):
                        stack.append(v)
            elif isinstance(item, list):
                stack.extend(item)
    if best is None:
        return None, ()
    _, text, obj = best
    authors = []
    for key in _PAYLOAD_AUTHOR_KEYS:
        val = obj.get(key)
        vals = val if isinstance(val, list) else [val]
        for v in vals:
            name = v.get("name") if isinstance(v, dict) else v if isinstance(v, str) else None
            if name and not name.startswith("http"):
                authors.append(name.strip())
        if authors:
            break
    return text, tuple(dict.fromkeys(authors))


def _html_paragraphs(fragment: str) -> list[str]:
    if "<" not in fragment:
        return [p.strip() for p in fragment.splitlines() if p.strip()]
    sub = html_document(fragment, wrapped=True)
    _strip(sub, generic=False)
    for t in list(sub.iter("figure", "figcaption")):
        _drop(t)
    body = first(sub, "body")
    return [t for _, t, links in text_blocks(sub if body is None else body) if links < 0.8 * len(t)]


def _byline_authors(lines: list[str], anywhere: bool = False) -> tuple[str, ...]:
    """Reporter names from byline lines (``홍길동 기자 hong@…``, ``By Jane Doe``): the body's first
    and last lines, or with ``anywhere`` every short line of the page that carries an e-mail."""
    names = []
    for p in (lines if anywhere else lines[-6:] + lines[:2]):
        if len(p) > 80 or (anywhere and "@" not in p and not p.rstrip().endswith("기자")):
            continue
        if m := _BYLINE_AUTHOR.search(p):
            names.append(m.group("name") or m.group("en"))
    return tuple(dict.fromkeys(names))


def _local(dt: datetime | None, tz: ZoneInfo) -> datetime | None:
    """The page's own offset; a UTC time is shown in the source's zone (its local date is the news day)."""
    if dt is None:
        return None
    offset = dt.utcoffset()
    return dt.astimezone(tz) if offset is None or offset.total_seconds() == 0 else dt


def _edition_group(meta: Metadata, url: str) -> str | None:
    if not meta.alternates:
        return None
    urls = {url}
    for u in meta.alternates.values():
        try:
            urls.add(canonicalize(u, base=url))
        except ValueError:  # a junk hreflang link does not name an edition
            pass
    urls = sorted(urls)
    return hashlib.sha256(urls[0].encode()).hexdigest()[:16]


def _zone(doc: _Element, source: Source, zone_from_lang: bool) -> ZoneInfo:
    if not zone_from_lang:
        return ZoneInfo(source.timezone)
    html = first(doc, "html")
    lang = (html.get("lang") or "") if html is not None else ""
    return ZoneInfo(LANG_TZ.get(str(lang).split("-")[0].lower(), "UTC"))


def parse(raw: RawPage, source: Source, zone_from_lang: bool = False) -> Article | Rejected:
    """One raw page -> an Article with raw (uncleaned) paragraphs, or a Rejected row.

    Times without an offset are read in the source's zone, and UTC times are shown in it.
    With ``zone_from_lang`` (pages of unknown origin, the ``parse`` CLI) the zone follows the
    page's language (ko -> Asia/Seoul, ja, zh, vi likewise), otherwise UTC.
    """
    decoded = decode_html(raw.body, raw.headers.get("content-type"))
    doc = html_document(decoded.text)
    tz = _zone(doc, source, zone_from_lang)
    body = first(doc, "body")
    body_strings = cache(lambda: stripped_strings(body) if body is not None else [])  # one walk, shared
    meta = extract_metadata(doc, raw.final_url, tz, body_strings)
    payload, payload_authors = _payload_article(doc)
    page_lines = [] if meta.authors or payload_authors or body is None else \
        "\n".join(body_strings()).splitlines()  # bylines outside the body: read before stripping
    paragraphs, how = extract_body(doc, source.profile.body, source.profile.drop)
    chars = sum(map(len, paragraphs))
    if meta.article_body and len(meta.article_body) > 2 * chars:
        paragraphs, how = _html_paragraphs(meta.article_body), "jsonld_body"
    elif payload and len(payload) > 2 * chars:
        candidate = _html_paragraphs(payload)
        if sum(map(len, candidate)) > 1.5 * chars:
            paragraphs, how = candidate, "script_payload"
    chars = sum(map(len, paragraphs))
    if reason := misdecoded("\n".join([meta.title or "", *paragraphs])):
        return Rejected(raw.url, source.name, "parse", "mojibake",
                        f"{reason}; decoded as {decoded.encoding} ({decoded.source})")
    if (meta.og_type and meta.og_type.lower() not in ("article", "news", "newsarticle")
            and not meta.has_article_markup and chars < 500):
        return Rejected(raw.url, source.name, "parse", "not_article",
                        f"og:type is {meta.og_type!r} and the page has {chars} characters of text")
    if chars < MIN_BODY_CHARS:
        return Rejected(raw.url, source.name, "parse", "not_article" if chars else "no_body",
                        f"{chars} body characters via {how} (minimum {MIN_BODY_CHARS})")
    if not meta.title:
        return Rejected(raw.url, source.name, "parse", "no_title", "no JSON-LD, OpenGraph, <h1> or <title> title")
    try:
        canonical = canonicalize(meta.canonical_url, base=raw.final_url) if meta.canonical_url else \
            canonicalize(raw.final_url)
    except ValueError:  # a junk <link rel=canonical> does not name the page
        canonical = canonicalize(raw.final_url)
    pub = _local(meta.published, tz)
    authors = meta.authors or payload_authors or _byline_authors(paragraphs) or \
        _byline_authors(page_lines, anywhere=True)
    return Article(
        article_id=article_id(canonical), url=raw.url, canonical_url=canonical, source=source.name,
        title=re.sub(r"\s+", " ", meta.title).strip(), paragraphs=tuple(paragraphs), published_at=pub,
        fetched_at=raw.fetched_at, lang=meta.lang or source.lang, authors=authors,
        section=meta.section, modified_at=_local(meta.modified, tz), published_local=pub.isoformat() if pub else None,
        published_date=pub.date() if pub else None, date_source=meta.date_source, title_source=meta.title_source,
        encoding=decoded.encoding, encoding_source=decoded.source, edition_group=_edition_group(meta, canonical),
    )
