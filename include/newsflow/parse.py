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
import logging
import re
from collections import defaultdict
from datetime import datetime
from zoneinfo import ZoneInfo

from bs4 import BeautifulSoup, Comment, NavigableString, Tag

from newsflow.config import Source
from newsflow.decode import decode_html, misdecoded
from newsflow.metadata import Metadata, extract_metadata
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
    r"|advertisement|promo|popular|ranking|most|footer|gnb|lnb|nav|menu|breadcrumb|subscribe|newsletter"
    r"|reporter_info|tag|tags|keyword|hidden)(?:$|[-_\s\d])", re.I)
_BYLINE_AUTHOR = re.compile(
    r"^\s*(?:\(?[^()]*=\)?\s*)?(?P<name>[가-힣]{2,4})\s*(?:기자|특파원|선임기자|논설위원|객원기자)\b"
    r"|^\s*By\s+(?P<en>[A-Z][\w.'-]+(?:\s+[A-Z][\w.'-]+){0,3})")


def _strip(soup: BeautifulSoup | Tag, drop: list[str] | None = None, generic: bool = True) -> None:
    for c in soup.find_all(string=lambda s: isinstance(s, Comment)):
        c.extract()
    for name in _DROP_TAGS:
        for t in soup.find_all(name):
            t.decompose()
    for sel in drop or []:
        for t in soup.select(sel):
            t.decompose()
    if generic:
        for name in ("figure", "figcaption"):
            for t in soup.find_all(name):
                t.decompose()
        for t in soup.find_all(True):
            if t.decomposed or t.name in ("html", "body"):
                continue
            attrs = t.attrs or {}
            tokens = " ".join([attrs.get("id") or "", *(attrs.get("class") or [])])
            if tokens.strip() and _JUNK_ATTR.search(tokens):
                t.decompose()


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


def _best_container(blocks: list[tuple[Tag, str, int]]) -> Tag | None:
    scores: dict[int, float] = defaultdict(float)
    nodes: dict[int, Tag] = {}
    for owner, text, links in blocks:
        n = len(text)
        if n < 20 or links > 0.5 * n:
            continue
        weight = n * (1 - links / n) + (10 if re.search(r"[.!?。다]\s*$|[.!?。]['\"”’]?$", text) else 0)
        chain = [owner, owner.parent, owner.parent.parent if owner.parent else None]
        for node, share in zip(chain, (1.0, 1.0, 0.5)):
            if isinstance(node, Tag):
                scores[id(node)] += weight * share
                nodes[id(node)] = node
    if not scores:
        return None
    return nodes[max(scores, key=scores.__getitem__)]


def _inside(node: Tag, container: Tag) -> bool:
    return node is container or any(p is container for p in node.parents)


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
    if best is None:
        return [], "generic"
    return [t for owner, t, links in blocks if _inside(owner, best) and links <= 0.5 * len(t)], "generic"


def _byline_authors(paragraphs: list[str]) -> tuple[str, ...]:
    names = []
    for p in paragraphs[-6:] + paragraphs[:2]:
        if len(p) <= 80 and (m := _BYLINE_AUTHOR.search(p)):
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


def parse(raw: RawPage, source: Source) -> Article | Rejected:
    """One raw page -> an Article with raw (uncleaned) paragraphs, or a Rejected row."""
    tz = ZoneInfo(source.timezone)
    decoded = decode_html(raw.body, raw.headers.get("content-type"))
    soup = BeautifulSoup(decoded.text, "lxml")
    meta = extract_metadata(soup, raw.final_url, tz)
    paragraphs, how = extract_body(soup, source.profile.body, source.profile.drop)
    if meta.article_body and len(meta.article_body) > 2 * sum(map(len, paragraphs)):
        paragraphs, how = [p.strip() for p in meta.article_body.splitlines() if p.strip()], "jsonld_body"
    chars = sum(map(len, paragraphs))
    if reason := misdecoded("\n".join([meta.title or "", *paragraphs])):
        return Rejected(raw.url, source.name, "parse", "mojibake",
                        f"{reason}; decoded as {decoded.encoding} ({decoded.source})")
    if meta.og_type and meta.og_type.lower() not in ("article", "news", "newsarticle") and not meta.has_article_markup:
        return Rejected(raw.url, source.name, "parse", "not_article", f"og:type is {meta.og_type!r}")
    if chars < MIN_BODY_CHARS:
        return Rejected(raw.url, source.name, "parse", "not_article" if chars else "no_body",
                        f"{chars} body characters via {how} (minimum {MIN_BODY_CHARS})")
    if not meta.title:
        return Rejected(raw.url, source.name, "parse", "no_title", "no JSON-LD, OpenGraph, <h1> or <title> title")
    canonical = canonicalize(meta.canonical_url, base=raw.final_url) if meta.canonical_url else canonicalize(raw.final_url)
    pub = _local(meta.published, tz)
    return Article(
        article_id=article_id(canonical), url=raw.url, canonical_url=canonical, source=source.name,
        title=re.sub(r"\s+", " ", meta.title).strip(), paragraphs=tuple(paragraphs), published_at=pub,
        fetched_at=raw.fetched_at, lang=meta.lang or source.lang, authors=meta.authors or _byline_authors(paragraphs),
        section=meta.section, modified_at=_local(meta.modified, tz), published_local=pub.isoformat() if pub else None,
        published_date=pub.date() if pub else None, date_source=meta.date_source, title_source=meta.title_source,
        encoding=decoded.encoding, encoding_source=decoded.source, edition_group=_edition_group(meta, canonical),
    )
