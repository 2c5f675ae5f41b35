"""Parse: raw page bytes -> an ``Article`` (metadata + body paragraphs) or a ``Rejected``.

The body comes from the source's profile selector when it has one, otherwise from a
generic extractor: the page is cut into text blocks (``<p>``, headings, list items and
``<br>``-separated runs of text in ``<div>``/``<td>``), each block scores its parent and,
by half, its grandparent (link-heavy and very short blocks score nothing), and the
best-scoring container's blocks are the body. A JSON-LD ``articleBody`` that is much
longer than what the page shows wins (script-rendered pages).
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
from collections import defaultdict
from datetime import datetime
from zoneinfo import ZoneInfo

from bs4 import BeautifulSoup, Comment, NavigableString, Tag

from newsflow.config import Source
from newsflow.decode import decode_html, misdecoded
from newsflow.metadata import LANG_TZ, Metadata, extract_metadata
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


def _invisible(t: Tag) -> bool:
    attrs = t.attrs
    return bool(attrs) and ("hidden" in attrs or attrs.get("aria-hidden") == "true"
                            or bool(_DISPLAY_NONE.search(attrs.get("style") or "")))


def _strip(soup: BeautifulSoup | Tag, drop: list[str] | None = None, generic: bool = True) -> None:
    """Remove what is never article text (scripts, navigation, forms…), the profile's ``drop``
    selectors and, in generic mode, figures and boxes whose id/class says they are junk."""
    for c in soup.find_all(string=lambda s: isinstance(s, Comment)):
        c.extract()
    for t in soup.find_all(list(_DROP_TAGS) + (["figure", "figcaption"] if generic else [])):
        if not t.decomposed:
            t.decompose()
    for sel in drop or []:
        for t in soup.select(sel):
            t.decompose()
    for t in soup.find_all(_invisible):  # what the reader never sees: display:none, hidden, aria-hidden
        if not t.decomposed:
            t.decompose()
    if not generic:
        return
    total = len(soup.get_text(" ", strip=True)) or 1
    stack = [c for c in soup.children if isinstance(c, Tag)]
    while stack:  # one walk; a removed box's subtree is not visited
        t = stack.pop()
        attrs = t.attrs or {}
        tokens = " ".join([attrs.get("id") or "", *(attrs.get("class") or [])])
        if (t.name not in ("html", "body") and tokens.strip() and _JUNK_ATTR.search(tokens)
                and not _KEEP_ATTR.search(tokens)):
            # a class name is only a hint: a box holding a quarter of the page's text is kept
            # unless it is mostly links (layouts name their article column "sidebar-fixed")
            n = len(t.get_text(" ", strip=True))
            keep = False
            if n > 0.25 * total and n > 500:
                links = sum(len(a.get_text(" ", strip=True)) for a in t.find_all("a"))
                keep = links < 0.5 * n
            if not keep:
                t.decompose()
                continue
        stack.extend(c for c in t.children if isinstance(c, Tag))


def text_blocks(root: Tag) -> list[tuple[Tag, str, int]]:
    """(owner element, text, characters inside links) for every text block under ``root``."""
    out: list[tuple[Tag, str, int]] = []

    def walk(el: Tag) -> None:
        buf: list[str] = []
        link_chars = [0]

        def flush() -> None:
            text = re.sub(r"\s+", " ", "".join(buf)).strip()
            if text:
                out.append((el, text, min(link_chars[0], len(text))))
            buf.clear()
            link_chars[0] = 0

        def inline(node: Tag, in_link: bool) -> None:
            for child in node.children:
                if isinstance(child, NavigableString):
                    if not isinstance(child, Comment):
                        buf.append(str(child))
                        if in_link:
                            link_chars[0] += len(child.strip())
                elif isinstance(child, Tag):
                    if child.name == "br":
                        flush()
                    elif child.name in _BLOCK:
                        flush()
                        walk(child)
                    else:
                        inline(child, in_link or child.name == "a")

        inline(el, el.name == "a")
        flush()

    walk(root)
    return out


_BOILER_TEXT = re.compile(
    r"cookie|privacy policy|terms of (?:use|service)|all rights reserved|intellectual property|copyright|"
    r"subscribe|newsletter|sign up|log ?in|advertis|무단\s*전재|재배포|저작권|구독|광고문의|版权|著作権", re.I)


def _scores(blocks: list[tuple[Tag, str, int]]) -> tuple[dict[int, float], dict[int, Tag]]:
    scores: dict[int, float] = defaultdict(float)
    nodes: dict[int, Tag] = {}
    for owner, text, links in blocks:
        n = len(text)
        if n < 20 or links > 0.5 * n:
            continue
        weight = n * (1 - links / n) + (10 if re.search(r"[.!?。다]\s*$|[.!?。]['\"”’]?$", text) else 0)
        if n < 400 and _BOILER_TEXT.search(text):
            weight *= 0.1
        elif _BOILER_TEXT.search(text[:200]) and re.search(r"cookie|intellectual property|rights reserved", text, re.I):
            weight *= 0.1
        chain = [owner, owner.parent, owner.parent.parent if owner.parent else None]
        for node, share in zip(chain, (1.0, 1.0, 0.5)):
            if isinstance(node, Tag):
                scores[id(node)] += weight * share
                nodes[id(node)] = node
    return scores, nodes


def _best_container(blocks: list[tuple[Tag, str, int]]) -> list[Tag]:
    """The best-scoring container plus siblings that score at least a fifth of it (a lead or
    standfirst in its own box, a body split around an ad)."""
    scores, nodes = _scores(blocks)
    if not scores:
        return []
    best = nodes[max(scores, key=scores.__getitem__)]
    chosen = [best]
    threshold = max(25.0, 0.2 * scores[id(best)])
    if best.parent is not None:
        for sib in best.parent.find_all(True, recursive=False):
            if sib is not best and scores.get(id(sib), 0) >= threshold:
                chosen.append(sib)
    # a body split in two boxes of the same kind (around an ad or a paywall teaser)
    if best.get("class"):
        signature = (best.name, tuple(sorted(best.get("class"))))
        for node in nodes.values():
            if (node is not best and scores[id(node)] >= threshold and node.get("class")
                    and (node.name, tuple(sorted(node.get("class")))) == signature
                    and not any(node is c or any(p is c for p in node.parents) for c in chosen)):
                chosen.append(node)
    return chosen


def _inside(node: Tag, containers: list[Tag]) -> bool:
    ids = {id(c) for c in containers}
    return id(node) in ids or any(id(p) in ids for p in node.parents)


def extract_body(soup: BeautifulSoup, profile_body: str | None = None, drop: list[str] | None = None
                 ) -> tuple[list[str], str]:
    """Body paragraphs and how they were found (``profile`` | ``generic``)."""
    if profile_body and (root := soup.select_one(profile_body)) is not None:
        _strip(root, drop, generic=False)
        return [t for _, t, links in text_blocks(root) if links < 0.8 * len(t)], "profile"
    body = soup.body or soup
    _strip(body, drop, generic=True)
    blocks = text_blocks(body)
    best = _best_container(blocks)
    if not best:
        return [], "generic"
    return [t for owner, t, links in blocks if _inside(owner, best) and links <= 0.5 * len(t)], "generic"


_PAYLOAD_AUTHOR_KEYS = ("reporters", "reporter", "authors", "author", "writers", "writer", "byline", "bylines")


def _payload_article(soup: BeautifulSoup) -> tuple[str | None, tuple[str, ...]]:
    """Body HTML/text and authors from a JSON script payload (``__NEXT_DATA__``, ``__NUXT_DATA__``,
    other ``application/json`` blocks): the object holding the page's longest text value."""
    best: tuple[int, str, dict] | None = None
    for script in soup.find_all("script", type=re.compile(r"^application/json$", re.I)):
        raw = script.string or ""
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
    sub = BeautifulSoup(fragment, "lxml")
    _strip(sub, generic=False)
    for name in ("figure", "figcaption"):
        for t in sub.find_all(name):
            t.decompose()
    return [t for _, t, links in text_blocks(sub.body or sub) if links < 0.8 * len(t)]


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
    urls = sorted({canonicalize(u, base=url) for u in meta.alternates.values()} | {url})
    return hashlib.sha256(urls[0].encode()).hexdigest()[:16]


def _zone(soup: BeautifulSoup, source: Source, zone_from_lang: bool) -> ZoneInfo:
    if not zone_from_lang:
        return ZoneInfo(source.timezone)
    html = soup.find("html")
    lang = (html.get("lang") or "") if isinstance(html, Tag) else ""
    return ZoneInfo(LANG_TZ.get(str(lang).split("-")[0].lower(), "UTC"))


def parse(raw: RawPage, source: Source, zone_from_lang: bool = False) -> Article | Rejected:
    """One raw page -> an Article with raw (uncleaned) paragraphs, or a Rejected row.

    Times without an offset are read in the source's zone, and UTC times are shown in it.
    With ``zone_from_lang`` (pages of unknown origin, the ``parse`` CLI) the zone follows the
    page's language (ko -> Asia/Seoul, ja, zh, vi likewise), otherwise UTC.
    """
    decoded = decode_html(raw.body, raw.headers.get("content-type"))
    soup = BeautifulSoup(decoded.text, "lxml")
    tz = _zone(soup, source, zone_from_lang)
    meta = extract_metadata(soup, raw.final_url, tz)
    payload, payload_authors = _payload_article(soup)
    page_lines = [] if meta.authors or payload_authors or soup.body is None else \
        soup.body.get_text("\n", strip=True).splitlines()  # bylines outside the body: read before stripping
    paragraphs, how = extract_body(soup, source.profile.body, source.profile.drop)
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
    canonical = canonicalize(meta.canonical_url, base=raw.final_url) if meta.canonical_url else canonicalize(raw.final_url)
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
