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

No page makes ``parse`` raise: what cannot be parsed becomes a ``Rejected`` with reason
``parser_error`` (the exception's type and message in its detail), and no string of the
result holds a lone surrogate (U+FFFD stands in: Parquet and JSON writers refuse them).
Walks of the tree keep their own stack (libxml2 nests 2,048 levels deep, past Python's
recursion limit), and "is this node inside that one" questions are answered once per
ancestor, not once per (node, ancestor) pair, so a page nested thousands deep stays linear.
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
from itertools import islice
from collections import defaultdict
from collections.abc import Callable
from dataclasses import fields, replace
from datetime import datetime
from functools import cache, lru_cache
from zoneinfo import ZoneInfo

from lxml import etree
from lxml.etree import _Element

from newsflow.config import Source
from newsflow.decode import decode_html, misdecoded, scrub_surrogates
from newsflow.metadata import (LANG_TZ, NOT_TEXT, Metadata, extract_metadata, first, stripped_strings, text_lengths,
                               text_of, title_key)
from newsflow.models import Article, RawPage, Rejected
from newsflow.urls import article_id, canonicalize

log = logging.getLogger(__name__)

EXTRACTOR_VERSION = "generic-0.1"
MIN_BODY_CHARS = 80
# Bounds on hostile pages (no news page comes near them: the largest of ../shared/corpus has 2.2
# million characters, 3,319 elements, 455 paragraphs of at most 39,443 characters): a page is
# read up to its 6,000,000th character, its tree up to its 50,000th element (document order);
# an article keeps its first 5,000 paragraphs, each up to its 100,000th character (the cleaner
# works per paragraph, and its 3-gram sets grow with a paragraph's length: a 5 MB "paragraph"
# took seconds and half a gigabyte). Parsing costs at least linear time in each.
MAX_HTML_CHARS = 6_000_000
MAX_ELEMENTS = 50_000
MAX_PARAGRAPHS = 5_000
MAX_PARAGRAPH_CHARS = 100_000
_BOXES_JUDGED = frozenset({"form", "aside", "header", "footer", "nav"})
MAX_BOXES_JUDGED = 20  # forms, asides, headers, footers, navs looked at for "does it hold the article" (each costs a walk of its text)
_DROP_TAGS = ("script", "style", "noscript", "template", "iframe", "svg", "nav", "header", "footer", "aside",
              "form", "button", "select", "input", "textarea", "object", "embed", "canvas", "video", "audio")
_BLOCK = {"p", "div", "td", "th", "li", "ul", "ol", "dl", "dd", "dt", "h1", "h2", "h3", "h4", "h5", "h6",
          "blockquote", "section", "article", "main", "pre", "table", "tbody", "thead", "tr", "figure",
          "figcaption", "center", "address", "hr", "details", "summary"}
_JUNK_ATTR = re.compile(
    r"(?:^|[-_\s])(share|sns|social|related|relate|recommend|comment|comments|sidebar|banner|ad|ads|advert"
    r"|advertisement|promo|popular|ranking|footer|gnb|lnb|nav|menu|breadcrumb|subscribe|newsletter"
    r"|reporter_info|cookie|consent|modal|popup)(?:$|[-_\s\d])", re.I)
_COMMENT_ATTR = re.compile(r"(?:^|[-_\s])comments?(?:$|[-_\s\d])", re.I)
# readability's rule: a junk-looking name that also says "this is the article" is kept
_KEEP_ATTR = re.compile(r"article|body|content|entry|story|main|post|text|view|news_?txt|detail", re.I)
_BYLINE_AUTHOR = re.compile(
    r"^\s*(?:\(?[^()]*=\)?\s*)?(?P<name>[가-힣]{2,4})\s*(?:기자|특파원|선임기자|논설위원|객원기자)\b"
    r"|^\s*By\s+(?P<en>[A-Z][\w.'-]+(?:\s+[A-Z][\w.'-]+){0,3})")

# Chinese/Japanese bylines: a label, then only names (2-4 Han characters each, apart by spaces
# or 、): "新华网黑龙江频道 记者 伊琳 李清芬", "(责编：牛镛、岳弘彬)", "（記者：山田太郎）",
# "記者林又旻／採訪報導". "记者从市商务局获悉" (the reporter learned...) and "記者部落" (a menu
# item) are no bylines: a list of names must follow, after a space or colon, or end at "／".
_HAN_NAME = r"[\u4e00-\u9fff]{2,4}"
_HAN_NAMES = rf"(?P<names>{_HAN_NAME}(?:\s*[、,，\s]\s*{_HAN_NAME}){{0,3}})"
_CJK_BYLINE = re.compile(
    rf"(?:^|[\s(（【\[])(?:(?P<label>记者|記者)(?:\s*[:：]\s*|\s+|(?=(?:{_HAN_NAME}\s*[、,，]\s*){{0,3}}{_HAN_NAME}\s*[／/]))"
    rf"|(?P<label2>作者|撰文|执笔|執筆|责任编辑|责编|編集|编辑)\s*[:：]\s*)"
    rf"{_HAN_NAMES}\s*(?:[／/]\s*[\u4e00-\u9fff]{{0,8}}\s*)?[)）】\]]?\s*$")
_EDITOR_LABELS = frozenset({"责任编辑", "责编", "编辑", "編集"})
_CJK_LABELS = _EDITOR_LABELS | {"记者", "記者", "作者", "撰文", "执笔", "執筆"}
# what follows names in a byline and is none: "台北報導" (reporting from), "編譯", a photo credit
_NOT_A_NAME = re.compile(r"(?:報導|报道|報道|播报|播報|編譯|编译|攝|摄|綜合|综合)$")

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
        _cap_elements(root)
        return root
    doc = etree.Element(_DOCUMENT)
    doc.extend(tops)
    if stray or doctypes and (wrapped or first(doc, "body") is None):
        _place_doctypes(doc, tops, text)
    _cap_elements(doc)
    return doc


_COUNT_ELEMENTS = etree.XPath("count(//*)")
_NTH_ELEMENT = etree.XPath("(//*)[$n]")


def _cap_elements(top: _Element) -> None:
    """Cut the tree after its ``MAX_ELEMENTS``-th element in document order (what follows it,
    its own subtree included, goes): every step after this one is at least linear in the
    number of elements, and a page of a million ``<b>`` tags is no article."""
    if _COUNT_ELEMENTS(top) <= MAX_ELEMENTS:
        return
    node = _NTH_ELEMENT(top, n=MAX_ELEMENTS)[0]
    for child in list(node):
        node.remove(child)
    while node is not top and (parent := node.getparent()) is not None:
        for sibling in list(node.itersiblings()):
            parent.remove(sibling)
        node = parent


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
    (its ``<html>`` elements), splitting the text it interrupts, and at the top level of ``doc``.
    Doctypes in a row split one text again and again: each mark's tail is kept as a slice of
    that text until all are placed (thousands of doctypes in one text stay linear)."""
    parser = etree.HTMLParser(target=_DoctypeFinder(), recover=True)
    parser.feed(text)
    nodes = [node for top in tops for node in top.iter()]
    marks: list[_Element] = []
    tails: dict[int, tuple[str, int, int]] = {}  # mark number -> its tail, text[start:end]
    for parent, prev, chars, value in parser.close():
        try:
            mark = etree.ProcessingInstruction(_DOCTYPE_PI, value)  # a doctype never holds ">"
        except ValueError:  # a control character in it
            mark = etree.ProcessingInstruction(_DOCTYPE_PI, _xml_safe(value))
        marks.append(mark)
        if prev is not None and prev >= len(nodes) or parent is not None and parent >= len(nodes):
            continue  # the two parses disagree (never seen): leave it out
        sibling = None if prev is None else marks[-prev - 1] if prev < 0 else nodes[prev]
        if parent is not None:
            if prev is not None and prev < 0 and -prev - 1 in tails:  # after a mark: split its tail
                around, start, end = tails[-prev - 1]
                cut = min(start + chars, end)
                tails[-prev - 1] = (around, start, cut)
                tails[len(marks) - 1] = (around, cut, end)
                sibling.addnext(mark)
            else:
                around = _insert_text_mark(nodes[parent], sibling, chars, mark)
                tails[len(marks) - 1] = (around, min(chars, len(around)), len(around))
        elif doc is not None and sibling is not None:
            sibling.addnext(mark)
        elif doc is not None:
            doc.insert(0, mark)
    for number, (around, start, end) in tails.items():
        _set_text(marks[number], "tail", around[start:end] or None)


def _insert_text_mark(parent: _Element, sibling: _Element | None, chars: int, mark: _Element) -> str:
    """Put ``mark`` ``chars`` characters into the text that follows ``sibling`` (or opens ``parent``);
    the text it splits is returned (the caller sets the mark's tail, ``text[chars:]``)."""
    around = (sibling.tail if sibling is not None else parent.text) or ""
    if sibling is not None:
        _set_text(sibling, "tail", around[:chars] or None)
        sibling.addnext(mark)
    else:
        _set_text(parent, "text", around[:chars] or None)
        parent.insert(0, mark)
    return around


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
    _set_text(mark, "tail", tail)


# what libxml2's HTML parser keeps in text but lxml refuses to write back (C0 controls but tab,
# newline and return; U+FFFE, U+FFFF): the ones Python counts as spaces become a space
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_NOT_XML_SPACE = frozenset("\x0b\x0c\x1c\x1d\x1e\x1f")


def _set_text(node: _Element, attr: str, value: str | None) -> None:
    """``node.text`` or ``node.tail`` = ``value``, which came out of the tree; a control character
    lxml will not write back is replaced (``_xml_safe``)."""
    try:
        setattr(node, attr, value)
    except ValueError:
        setattr(node, attr, _xml_safe(value))


def _xml_safe(value: str) -> str:
    """``value`` with the characters lxml refuses replaced: a space for the ones Python counts as
    spaces, U+FFFD for the others."""
    return _NOT_XML.sub(lambda m: " " if m.group() in _NOT_XML_SPACE else "\ufffd", value)


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
    below = _below({scope})
    return [el for el in found if below(el)]


def _below(targets: set[_Element]):
    """``below(node)``: some (strict) ancestor of ``node`` is in ``targets``. Each ancestor's
    answer is kept, so asking it of every node of a page nested thousands deep stays linear.
    ``targets`` may grow between questions only by nodes whose descendants have not been
    asked about yet (document order)."""
    known: dict[_Element, bool] = {}  # a node (not in targets itself) -> it or an ancestor is

    def below(node: _Element) -> bool:
        path = []
        up = node.getparent()
        found = False
        while up is not None:
            if up in targets:
                found = True
                break
            if (hit := known.get(up)) is not None:
                found = hit
                break
            path.append(up)
            up = up.getparent()
        for p in path:
            known[p] = found
        return found

    return below


def _strip(soup: _Element, drop: list[str] | None = None, generic: bool = True,
           headline: list[_Element] | None = None) -> None:
    """Remove what is never article text (scripts, navigation, forms…), the profile's ``drop``
    selectors and, in generic mode, figures and boxes whose id/class says they are junk."""
    total, boxes_judged = None, 0
    for t in list(soup.iterdescendants(*_DROP_TAGS, *(("figure", "figcaption") if generic else ()))):
        if t.tag in _BOXES_JUDGED and boxes_judged < MAX_BOXES_JUDGED:
            # ASP.NET and some CMSs wrap the whole page, article included, in one <form>; an
            # unclosed <aside> or <header> swallows the article column that follows it: such a
            # box holding a quarter of the page's text (500+ characters, mostly not links) is
            # kept; a form's controls (input, button, select, textarea) go all the same
            boxes_judged += 1
            if (n := len(text_of(t))) > 500:  # the page's own length only when a box could hold it
                total = total if total is not None else (len(text_of(soup)) or 1)
                if _holds_the_page(n, total, lambda: _link_chars(t)):
                    continue
        _drop(t)
    for sel in drop or []:
        for t in _select(soup, sel):
            _drop(t)
    for t in _WITH_ATTRS(soup):  # what the reader never sees: display:none, hidden, aria-hidden
        if _invisible(t):
            _drop(t)
    if generic:
        _drop_junk(soup, headline)


def _link_chars(t: _Element) -> int:
    """Characters of link text below ``t`` (lxml's own walk: only compared with half a box's size)."""
    return sum(len("".join(a.itertext()).strip()) for a in t.iterdescendants("a"))


def _holds_the_page(n: int, total: int, links: Callable[[], int]) -> bool:
    """A box of ``n`` characters of the page's ``total`` that must stay whatever its name or tag
    says: a quarter of the page's text, 500+ characters, mostly not links (``links`` is only
    counted when the size qualifies)."""
    return n > 0.25 * total and n > 500 and links() < 0.5 * n


def _drop_junk(soup: _Element, headline: list[_Element] | None = None) -> None:
    """Boxes whose id/class says share, related, ad, sidebar… go, subtree and all. A box is judged
    before what it holds (document order), so a box inside a removed one is never judged. A box
    that holds the page's headline and more text than it stays whatever its name says (a site
    wrapper named "blq-int-nav" around the whole page)."""
    total = len(text_of(soup)) or 1
    holds_headline = set(headline[1:]) if headline else set()
    headline_chars = len(text_of(headline[0])) if headline else 0
    dropped: set[_Element] = set()
    in_dropped = _below(dropped)  # boxes are judged in document order: an ancestor's answer is final
    # Boxes read before the first kept one hold no other read box (a box inside a dropped one is
    # never read), so reading each costs the page once. Boxes inside a kept one would be read
    # again and again (thousands of nested "sidebar" boxes): from the first kept box on, the
    # lengths come from one walk of the page (a box's subtree is as it was then: only boxes
    # before it, none of its own, have been dropped since).
    lengths: dict[_Element, tuple[int, int, int]] | None = None
    for t in _WITH_NAMES(soup):
        tokens = " ".join([t.get("id") or "", *(t.get("class") or "").split()])
        if (t.tag in ("html", "body") or not tokens.strip() or not _JUNK_ATTR.search(tokens)
                or _KEEP_ATTR.search(tokens) or in_dropped(t)):
            continue
        # a class name is only a hint: a box holding a quarter of the page's text is kept
        # unless it is mostly links (layouts name their article column "sidebar-fixed")
        known = lengths.get(t) if lengths is not None and t.tag not in NOT_TEXT else None
        n = known[0] if known else len(text_of(t))
        # a reader's comment may be long, but it is never the page's article: only the headline keeps it
        keep = (not _COMMENT_ATTR.search(tokens)
                and _holds_the_page(n, total, lambda: known[2] if known else _link_chars(t))) \
            or (t in holds_headline and n > 2 * headline_chars + 200)
        if not keep:
            _drop(t)
            dropped.add(t)
        elif lengths is None:
            lengths = text_lengths(soup)


def text_blocks(root: _Element) -> list[tuple[_Element, str, int]]:
    """(owner element, text, characters inside links) for every text block under ``root``.

    A block element starts a block of its own (owned by it); ``<br>`` ends one; inline elements'
    text joins the block around them. The walk keeps its own stack: one frame per open element
    with the block it writes to (``[owner, pieces, link characters]``)."""
    out: list[tuple[_Element, str, int]] = []

    def flush(block: list) -> None:
        text = _WS.sub(" ", "".join(block[1])).strip()
        if text:
            out.append((block[0], text, min(block[2], len(text))))
        block[1].clear()
        block[2] = 0

    def add(block: list, text: str | None, in_link: bool) -> None:
        if text:
            block[1].append(text)
            if in_link:
                block[2] += len(text.strip())

    stack: list[tuple[_Element, list, bool, object, bool]] = []  # element, block, in link, children, owns block

    def enter(node: _Element, block: list, in_link: bool, owns: bool) -> None:
        add(block, node.text, in_link)
        stack.append((node, block, in_link, iter(node), owns))

    enter(root, [root, [], 0], root.tag == "a", True)
    while stack:
        node, block, in_link, children, owns = stack[-1]
        child = next(children, None)
        if child is None:
            stack.pop()
            if owns:
                flush(block)
            if stack:  # the parent's text goes on after this element
                add(stack[-1][1], node.tail, stack[-1][2])
            continue
        tag = child.tag
        if tag.__class__ is not str:  # comments are no text, doctype marks are
            add(block, child.text if tag is etree.PI else None, in_link)
        elif tag == "br":
            flush(block)
        elif tag in _BLOCK:
            flush(block)
            enter(child, [child, [], 0], tag == "a", True)
            continue
        else:
            enter(child, block, in_link or tag == "a", False)
            continue
        add(block, child.tail, in_link)
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


# Code taken for text (a script or style shown as text, a JSON payload's embedded script): measured
# on the text alone. Code is dense in ``{}[]();=<>`` (prose: at most ~5 %), and it also carries
# JavaScript words (``function``, ``return``, ``window.`` ...), ``key: value`` pairs (JSON, CSS)
# or long runs of printable ASCII without a space.
_CODE_CHARS = "{}[]();=<>"
_CODE_WORDS = re.compile(r"\b(?:function|var|const|let|return|typeof|null|undefined)\b"
                         r"|\b(?:window|document|console)\.|=>|&&|\|\||[!=]==|\b(?:if|for|while|switch|catch) ?\("
                         r"|\w\.\w+\(")
_CODE_KEY_VALUE = re.compile(r"""(?:"[^"\n]{1,40}"|'[^'\n]{1,40}'|[A-Za-z_$#.][\w$.#-]{0,40})\s*:\s*"""
                             r"""(?:["'\[{]|-?\d|true\b|false\b|null\b|[\w#.-]+\s*[;,}])""")
_CODE_RUN = re.compile(r"[!-~]{40,}")
MIN_CODE_CHARS = 100  # shorter blocks are not judged (a credit line "Foto [M]: dpa; 4.4.18" is no code)
MIN_CODE_HITS = 3  # and one "Note: 5" or one "(e.g. f(x))" does not make code
_TAG = re.compile(r"<[^<>]*>")  # markup in a payload's HTML is judged by its text, not its tags


def _code_like(text: str) -> bool:
    """``text`` (100+ characters) reads as program code or data (JavaScript, JSON, CSS), not prose:
    at least 4 % of its characters are ``{}[]();=<>`` and, per 100 characters, at least one
    JavaScript word or 1.5 ``key: value`` pairs (three at the least), or 30 % of it (120
    characters at the least) in runs of 40+ non-space ASCII characters."""
    text = _WS.sub(" ", text)  # indentation is no evidence either way
    n = len(text)
    if n < MIN_CODE_CHARS or sum(map(text.count, _CODE_CHARS)) < 0.04 * n:
        return False
    words, pairs = len(_CODE_WORDS.findall(text)), len(_CODE_KEY_VALUE.findall(text))
    if (words >= MIN_CODE_HITS and words * 100 >= n) or (pairs >= MIN_CODE_HITS and pairs * 100 >= 1.5 * n):
        return True
    return sum(len(m) for m in _CODE_RUN.findall(text)) >= max(120, 0.3 * n)


def _shown_code(owner: _Element) -> bool:
    """The block is code the page shows as code (``<pre>``/``<code>``, e.g. an article's listing)."""
    return owner.tag in ("pre", "code") or any(True for _ in owner.iterancestors("pre", "code"))


def _weight(text: str, links: int) -> float:
    """How much a text block says "article": its characters outside links, a little more for a
    finished sentence; nothing for short, link-heavy or code-like blocks, a tenth for boilerplate."""
    n = len(text)
    if n < 20 or links > 0.5 * n or _code_like(text):  # code casts no vote, not even in a <pre>
        return 0.0
    weight = n * (1 - links / n) + (10 if _ends_sentence(text) else 0)
    if n < 400 and _boiler(text):
        weight *= 0.1
    elif _boiler(text[:200]) and re.search(r"cookie|intellectual property|rights reserved", text, re.I):
        weight *= 0.1
    return weight


def _scores(blocks: list[tuple[_Element, str, int]], weights: list[float]) -> dict[_Element, float]:
    """Each block's weight (``_weight``, one per block) to its owner, parent and half to its grandparent."""
    scores: dict[_Element, float] = defaultdict(float)
    for (owner, _, _), weight in zip(blocks, weights):
        if not weight:
            continue
        parent = owner.getparent()
        chain = [owner, parent, parent.getparent() if parent is not None else None]
        for node, share in zip(chain, (1.0, 1.0, 0.5)):
            if node is not None:
                scores[node] += weight * share
    return scores


def _classes(el: _Element) -> list[str]:
    return (el.get("class") or "").split()


def _best_container(blocks: list[tuple[_Element, str, int]], weights: list[float],
                    headline: list[_Element] | None = None) -> list[_Element]:
    """The best-scoring container plus siblings that score at least a fifth of it (a lead or
    standfirst in its own box, a body split around an ad). Containers near the headline
    (holding it, or a child of one of its ``TITLE_LEVELS`` nearest ancestors) count
    ``TITLE_BOOST`` times: the story is told under its headline, not in the footer's legal
    notice or the teaser column beside it."""
    scores = _scores(blocks, weights)
    if not scores:
        return []
    if headline:
        holds = set(headline)
        near = set(headline[1:1 + TITLE_LEVELS])
        scores = defaultdict(float, {node: score * TITLE_BOOST if node in holds or node.getparent() in near else score
                                     for node, score in scores.items()})
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
        inside = set(chosen)
        for node in scores:
            if (node is not best and scores[node] >= threshold and _classes(node)
                    and (node.tag, tuple(sorted(_classes(node)))) == signature
                    and node not in inside and not any(p in inside for p in node.iterancestors())):
                chosen.append(node)
                inside.add(node)
    return chosen


# widening the chosen box (``_widened``): chosen on train folds 0-3 (bench/bench_extract.py,
# registrable-domain folds), fold 4 held out: ratio 0.2-0.5, purity 0.5-0.8 score alike
CLIMB_RATIO = 0.3
CLIMB_PURITY = 0.7
CLIMB_LEVELS = 3


def _kind(owner: _Element) -> tuple[str, str, frozenset[str]]:
    parent = owner.getparent()
    return (owner.tag, parent.tag if parent is not None else "", frozenset(_classes(parent)) if parent is not None else frozenset())


def _same_kind(a: tuple[str, str, frozenset[str]], kinds: list[tuple[str, str, frozenset[str]]]) -> bool:
    return any(a[0] == k[0] and a[1] == k[1] and (a[2] & k[2] or not (a[2] or k[2])) for k in kinds)


def _widened(chosen: list[_Element], blocks: list[tuple[_Element, str, int]], weights: list[float],
             body: _Element) -> list[_Element]:
    """The chosen container, or an ancestor up to ``CLIMB_LEVELS`` above it when what that
    ancestor adds is more of the same article text: paragraphs of the kind already chosen
    (same tag, in the same kind of box) weighing ``CLIMB_RATIO`` of the chosen text, and
    ``CLIMB_PURITY`` of the characters it adds. A body cut into one box per paragraph, or into
    boxes of different names around an ad, is read whole."""
    if CLIMB_RATIO <= 0 or not chosen:
        return chosen
    inside = _inside(chosen)
    owners = [owner for owner, _, _ in blocks]
    ins = [inside(o) for o in owners]
    w_in = sum(w for w, i in zip(weights, ins) if i)
    kinds = list({_kind(o) for o, w, i in zip(owners, weights, ins) if i and w > 0})
    cur = chosen[0]
    for _ in range(CLIMB_LEVELS):
        cur = cur.getparent()
        if cur is None or cur is body or cur.tag in ("html", "body", _DOCUMENT):
            break
        within = _inside([cur])
        added = [k for k, (o, i) in enumerate(zip(owners, ins)) if not i and within(o)]
        new_n = sum(len(blocks[k][1]) for k in added)
        same_w = sum(weights[k] for k in added if weights[k] and _same_kind(_kind(owners[k]), kinds))
        if new_n and same_w >= CLIMB_RATIO * w_in and same_w >= CLIMB_PURITY * new_n:
            return [cur]
    return chosen


def _inside(containers: list[_Element]):
    """``inside(node)``: ``node`` is one of ``containers`` or lies inside one."""
    targets = set(containers)
    below = _below(targets)
    return lambda node: node in targets or below(node)


# containers near the headline (``_best_container``): chosen on train folds 0-3, fold 4 held
# out; boosts 1.5-3 score within 0.001 there; 6 levels (a headline deep in a layout table)
# gain 0.003 over 2-5, and 8 or 12 levels add nothing
TITLE_BOOST = 1.5
TITLE_LEVELS = 6


_HEADLINE_NAMED = etree.XPath("descendant::*[contains(@class, 'title') or contains(@class, 'Title') or "
                              "contains(@class, 'head') or contains(@id, 'title')]")


def _headline_path(root: _Element, title: str | None) -> list[_Element]:
    """The ancestors (nearest first) of the element that shows the page's headline: the first
    heading (h1-h4) or title/headline-named element whose text is the title, or holds it (a
    kicker or a site name around it). Empty when the headline is not on the page."""
    key = title_key(title or "")
    if len(key) < 4:
        return []

    def shows(el: _Element) -> bool:
        text = text_of(el) if len(el) < 50 else ""  # a box with many children is no headline
        if not (0.6 * len(title) <= len(text) <= 1.6 * len(title) + 10):
            return False
        k = title_key(text)
        return k == key or (len(k) >= 0.6 * len(key) and (k in key or key in k))

    # headings first; the (slower) search of title-named boxes only when no heading shows it
    for el in islice(root.iter("h1", "h2", "h3", "h4"), 200):
        if shows(el):
            return [el, *el.iterancestors()]
    for el in islice(_HEADLINE_NAMED(root), 200):
        if shows(el):
            return [el, *el.iterancestors()]
    return []


def extract_body(soup: _Element, profile_body: str | None = None, drop: list[str] | None = None,
                 title: str | None = None) -> tuple[list[str], str]:
    """Body paragraphs and how they were found (``profile`` | ``generic``); ``soup`` is the page
    from ``html_document``, and is stripped in place."""
    root = next(iter(_select(soup, profile_body)), None) if profile_body else None
    if root is not None:
        _strip(root, drop, generic=False)
        return [t for _, t, links in text_blocks(root) if links < 0.8 * len(t)], "profile"
    body = first(soup, "body")
    body = soup if body is None else body
    headline = _headline_path(body, title)  # before stripping: it may be in a <header>
    _strip(body, drop, generic=True, headline=headline)
    blocks = text_blocks(body)
    weights = [_weight(t, links) for _, t, links in blocks]  # once: the choice and the widening read them
    best = _best_container(blocks, weights, headline)
    if not best:
        return [], "generic"
    best = _widened(best, blocks, weights, body)
    inside = _inside(best)
    return [t for owner, t, links in blocks if inside(owner) and links <= 0.5 * len(t)
            and (not _code_like(t) or _shown_code(owner))], "generic"


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
        except (ValueError, RecursionError):  # broken, or nested deeper than the decoder goes
            continue
        stack = [data]
        while stack:
            item = stack.pop()
            if isinstance(item, dict):
                for v in item.values():
                    if (isinstance(v, str) and len(v) > 300 and (best is None or len(v) > best[0])
                            and not _code_like(_TAG.sub(" ", v))):  # an embedded script is no article
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
            name = v.get("name") if isinstance(v, dict) else v
            if isinstance(name, str) and name and not name.startswith("http"):  # a number or a dict is no name
                authors.append(scrub_surrogates(name.strip()))
        if authors:
            break
    return scrub_surrogates(text), tuple(dict.fromkeys(authors))


def _html_paragraphs(fragment: str) -> list[str]:
    if "<" not in fragment:
        return [p.strip() for p in fragment.splitlines() if p.strip()]
    sub = html_document(fragment, wrapped=True)
    _strip(sub, generic=False)
    for t in list(sub.iter("figure", "figcaption")):
        _drop(t)
    body = first(sub, "body")
    return [t for _, t, links in text_blocks(sub if body is None else body) if links < 0.8 * len(t)]


_SENTENCE_END = re.compile(r"(?<=[.!?。！？])\s*")


def _first_line_title(paragraphs: list[str]) -> str:
    """A title for a page whose markup names none: its first short paragraph, else the first
    sentence of its first paragraph (at most 150 characters)."""
    for p in paragraphs[:3]:
        if 8 <= len(p) <= 150:
            return p
    first_sentence = _SENTENCE_END.split(paragraphs[0], maxsplit=1)[0]
    return first_sentence[:150].rstrip()


def _byline_authors(lines: list[str], anywhere: bool = False) -> tuple[str, ...]:
    """Reporter names from byline lines (``홍길동 기자 hong@…``, ``By Jane Doe``, ``记者 伊琳 李清芬``):
    the body's first and last lines, or with ``anywhere`` every short line of the page that
    carries an e-mail or ends a Korean or Chinese/Japanese byline. Editors (``责编：…``) count
    only when no reporter is named."""
    names, editors = [], []
    for p in (lines if anywhere else lines[-6:] + lines[:2]):
        if len(p) > 80:
            continue
        if len(p) <= 50 and (m := _CJK_BYLINE.search(p.replace("\xa0", " "))):
            found = [n for n in re.split(r"[\s、,，]+", m.group("names"))
                     if n and n not in _CJK_LABELS and not _NOT_A_NAME.search(n)]
            (editors if m.group("label2") in _EDITOR_LABELS else names).extend(found)
            continue
        if anywhere and "@" not in p and not p.rstrip().endswith("기자"):
            continue
        if m := _BYLINE_AUTHOR.search(p):
            names.append(m.group("name") or m.group("en"))
    return tuple(dict.fromkeys(names or editors))


def _local(dt: datetime | None, tz: ZoneInfo) -> datetime | None:
    """The page's own offset; a UTC time is shown in the source's zone (its local date is the news day)."""
    if dt is None:
        return None
    offset = dt.utcoffset()
    if offset is None or offset.total_seconds() == 0:
        try:
            return dt.astimezone(tz)
        except (OverflowError, ValueError):  # 9999-12-31T23:59Z is past year 9999 in Seoul
            return dt
    return dt


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
    """One raw page -> an Article with raw (uncleaned) paragraphs, or a Rejected row; never raises
    (a page that breaks the parser is a ``parser_error`` reject), and no string of the result
    holds a lone surrogate.

    Times without an offset are read in the source's zone, and UTC times are shown in it.
    With ``zone_from_lang`` (pages of unknown origin, the ``parse`` CLI) the zone follows the
    page's language (ko -> Asia/Seoul, ja, zh, vi likewise), otherwise UTC.
    """
    try:
        return _scrubbed(_parse(raw, source, zone_from_lang))
    except Exception as exc:  # noqa: BLE001  (RecursionError, MemoryError, a bug: a reject, never a crash)
        log.warning("parse failed for %s: %s", scrub_surrogates(str(raw.url))[:300], type(exc).__name__, exc_info=True)
        return Rejected(scrub_surrogates(str(raw.url)), source.name, "parse", "parser_error",
                        scrub_surrogates(f"{type(exc).__name__}: {exc}")[:500])


def _scrubbed(result: Article | Rejected) -> Article | Rejected:
    """``result`` with lone surrogates replaced in every string field (and tuple of strings)."""
    changes = {}
    for f in fields(result):
        value = getattr(result, f.name)
        if isinstance(value, str):
            if (clean := scrub_surrogates(value)) is not value:
                changes[f.name] = clean
        elif isinstance(value, tuple) and value and isinstance(value[0], str):
            clean_items = tuple(scrub_surrogates(v) if isinstance(v, str) else v for v in value)
            if any(a is not b for a, b in zip(clean_items, value)):
                changes[f.name] = clean_items
    return replace(result, **changes) if changes else result


def _parse(raw: RawPage, source: Source, zone_from_lang: bool) -> Article | Rejected:
    url, final_url = scrub_surrogates(raw.url), scrub_surrogates(raw.final_url)
    decoded = decode_html(raw.body, raw.headers.get("content-type"))
    doc = html_document(decoded.text[:MAX_HTML_CHARS])
    tz = _zone(doc, source, zone_from_lang)
    body = first(doc, "body")
    body_strings = cache(lambda: stripped_strings(body) if body is not None else [])  # one walk, shared
    meta = extract_metadata(doc, final_url, tz, body_strings)
    payload, payload_authors = _payload_article(doc)
    page_lines = [] if meta.authors or payload_authors or body is None else \
        "\n".join(body_strings()).splitlines()  # bylines outside the body: read before stripping
    paragraphs, how = extract_body(doc, source.profile.body, source.profile.drop, meta.title)
    chars = sum(map(len, paragraphs))
    if meta.article_body and len(meta.article_body) > 2 * chars and not _code_like(meta.article_body):
        paragraphs, how = _html_paragraphs(meta.article_body), "jsonld_body"
    elif payload and len(payload) > 2 * chars:
        candidate = _html_paragraphs(payload)
        if sum(map(len, candidate)) > 1.5 * chars:
            paragraphs, how = candidate, "script_payload"
    if len(paragraphs) > MAX_PARAGRAPHS or any(len(p) > MAX_PARAGRAPH_CHARS for p in paragraphs):
        paragraphs = [p[:MAX_PARAGRAPH_CHARS] for p in paragraphs[:MAX_PARAGRAPHS]]
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
    title, title_source = meta.title, meta.title_source
    if not title:  # no title anywhere in the markup: the body's first line stands for it, nothing is lost
        title, title_source = _first_line_title(paragraphs), "first_line"
    canonical = None
    if meta.canonical_url:
        try:
            canonical = canonicalize(meta.canonical_url, base=final_url)
        except ValueError:  # a junk <link rel=canonical> (bad port, unclosed "[") does not name the page
            pass
    if canonical is None:
        try:
            canonical = canonicalize(final_url)
        except ValueError:  # the page's own URL is no http(s) URL (a saved file): it stands as it is
            canonical = final_url
    pub = _local(meta.published, tz)
    authors = meta.authors or payload_authors or _byline_authors(paragraphs) or \
        _byline_authors(page_lines, anywhere=True)
    return Article(
        article_id=article_id(canonical), url=raw.url, canonical_url=canonical, source=source.name,
        title=re.sub(r"\s+", " ", title).strip(), paragraphs=tuple(paragraphs), published_at=pub,
        fetched_at=raw.fetched_at, lang=meta.lang or source.lang, authors=authors,
        section=meta.section, modified_at=_local(meta.modified, tz), published_local=pub.isoformat() if pub else None,
        published_date=pub.date() if pub else None, date_source=meta.date_source, title_source=title_source,
        encoding=decoded.encoding, encoding_source=decoded.source, edition_group=_edition_group(meta, canonical),
    )
