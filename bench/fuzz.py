"""Hostile-page fuzz of the parse stage (make fuzz): 10,000 generated pages through ``parse_page``.

Every page comes from a seeded generator (``page(kind, seed)``): nesting thousands deep, JSON-LD
and ``__NEXT_DATA__`` payloads nested deep or holding the wrong types (a dict headline, a
numeric author, a list date), lone-surrogate escapes (``\\ud800``) in JSON and character
references, canonical URLs with bad ports or brackets, odd charsets in ``<meta>`` and in the
``Content-Type`` header (``undefined``, ``unicode_escape``, ``utf-7``, ``base64``...), bodies
mixing encodings, NUL and control bytes, giant single lines (whitespace runs, unclosed tags,
megabyte attributes, thousands of doctypes), tens of thousands of elements, hundreds of distinct
paragraphs of like length and words (the cleaner compares each with every earlier one), hostile
dates and random bytes, and pages mixing several of these. The unit tests
(``tests/unit/test_fuzz.py``) draw from the very same generators, with smaller sizes.

Pages run one at a time in this process (the per-page time is the parser's own), and each
result is checked: nothing raised out of ``parse_page``; no string in it holds a lone
surrogate; it serialises to JSON (UTF-8) and its string fields write to Parquet; and the
pipeline's row of the same page (``parse`` -> ``article_to_row``, or the reject row) writes to
Parquet with the staging schema. Printed: pages, uncaught exceptions by type (with an
example), parser errors the safety net in ``parse`` turned into rejects, results with lone
surrogates, seconds per page through ``parse_page`` (parse + clean + language) and through the
pipeline's ``parse`` alone, the slowest pages (and their kind), peak memory (RSS); then the goals
as ``MET: ...`` / ``NOT MET: ...`` lines. The exit status is 1 if a goal is not met. Timing needs
a quiet machine: another busy process on the same cores stretches the slowest pages.

    .venv/bin/python bench/fuzz.py                       # 10,000 pages, seed 0
    .venv/bin/python bench/fuzz.py --n 300 --seed 7 --kinds deep_nesting surrogates
    .venv/bin/python bench/fuzz.py --n 2000 --save /tmp/fuzz-failures   # failing pages as files
    BENCH_ARGS="--n 20000 --seed 3" make fuzz
"""

from __future__ import annotations

import argparse
import codecs
import io
import json
import random
import re
import resource
import signal
import sys
import time
import traceback
from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "include"))

TIME_BUDGET = 2.0  # seconds per page
SURROGATE = re.compile("[\ud800-\udfff]")


# -- building blocks ------------------------------------------------------------------------------
SENTENCES = {
    "ko": ["한국은행 금융통화위원회는 27일 기준금리를 연 3.50%로 동결했다고 밝혔다.",
           "이창용 총재는 기자간담회에서 \"물가 경로를 좀 더 확인해야 한다\"고 말했다.",
           "시장에서는 하반기 인하 가능성에 무게를 두고 있다. 채권 금리는 소폭 하락했다."],
    "en": ["Another cloud of smoke is set to descend upon the residents of Delhi this week.",
           "Farmers burn the stubble left after the rice harvest, and the smoke drifts over the capital.",
           "A 2009 law meant to save groundwater pushed the harvest later, into the windless winter."],
    "zh": ["中国人民银行决定下调金融机构存款准备金率，释放长期资金约一万亿元。",
           "专家表示，此举有助于稳定市场预期，支持实体经济发展。"],
    "ja": ["日本銀行は金融政策決定会合で、短期金利の誘導目標を据え置くことを決めた。",
           "市場では追加利上げの時期をめぐる観測が広がっている。"],
    "vi": ["Ngân hàng Nhà nước quyết định giữ nguyên lãi suất điều hành trong tháng này.",
           "Các chuyên gia cho rằng lạm phát vẫn nằm trong tầm kiểm soát."],
}
LANGS = tuple(SENTENCES)
LONE = ("\ud800", "\udbff", "\udc00", "\udfff", "\ud83d", "\ude00")
# JSON escapes of lone (or reversed) surrogates, as they appear in a page's script text
LONE_ESCAPES = ("\\ud800", "\\udfff", "\\ud83d", "\\ude00\\ud83d", "\\udc00x", "x\\ud800\\u0041",
                "\\uD800\\uD800", "\\ud800\\\\udc00")
ODD_CHARSETS = ("undefined", "unicode_escape", "raw_unicode_escape", "utf-7", "utf7", "base64", "hex", "zlib",
                "rot13", "bz2", "uu", "quopri", "punycode", "idna", "utf-16", "utf-16le", "utf-32", "utf-32-be",
                "x-user-defined", "mbcs", "cp65001", "utf-8\x00", "", "  ", "\"", "'utf-8'", "utf8;", "nonsense",
                "x" * 300, "euc-kr", "ks_c_5601-1987", "shift_jis", "gb2312", "big5", "koi8-r", "iso-2022-jp",
                "iso-2022-kr", "hz", "utf-8-sig", "latin1", "ascii", "cp1252", "windows-1258", "tis-620",
                "palmos", "mac-roman", "oem", "charmap", "string_escape", "unicode-internal", "utf_16_be",
                "u8", "UTF-8", "8859-1", "csASCII", "\u00e9", "utf-\u0661\u0666")
BAD_URLS = ("http://x.example:99999/a", "http://x.example:-1/a", "http://x.example:abc/a", "http://x.example:0/",
            "http://x.example:65536/", "http://x.example:1.5/", "http://[::1/a", "http://[zz]/a", "http://]/a",
            "http://[::1]x/a", "http://[fe80::1%25eth0]/", "http://[/", "https://[", "http://x.example:/",
            "//[", "//x.example:99999999999999999999/", "http://%zz/", "http://%ff%fe/", "http://xn--/",
            "http://xn--zz\u00e9/", "http://a b/", "http://\u0000/", "http://x\x7f/", "http://..../",
            "http://999.999.999.999/", "http://0x1.0x2.0x3.0x4.5/", "http:///path", "http://", "https:",
            "javascript:alert(1)", "mailto:a@b", "data:text/html,<p>", "file:///etc/passwd", "ftp://x/",
            "\ud800", "http://x.example/\ud800", "http://\ud800.example/", "http://x.example/" + "a" * 5000,
            "http://" + "a" * 300 + ".example/", "http://x.example/?q=" + "%" * 500, "\\\\[::1]:80\\",
            "http://user:pw@[::1]:99999/", "http://x.example:8080:9090/", "http://\uff3b::1\uff3d/",
            "http://ex\u00adample.com/", "http://\u200d.example/", "http://x.example/%F0%9F%98", " ", "")
PAGE_URLS = ("http://x.example/news/2024/06/27/a", "https://news.example.co.kr/view/20240627093512345",
             "file:///tmp/page.html", "http://[::1]:8080/a", "http://x.example:99999/a", "http://[::1/a",
             "relative/path.html", "", "http://x.example/\ud800", "https://\u00e9x.example/a")
DATES = ("2024-06-27T09:15:00+09:00", "2024-13-45T25:61:00", "9999-99-99", "0000-00-00T00:00:00Z",
         "2024-06-27T09:15:00+99:99", "99999999999-01-01", "2024-06-27T09:15:00.123456789123+09:00",
         "입력" + " " * 3000 + "x", " " * 5000 + "2024.06.27", "2024" + " " * 5000 + ".06.27", "2024.06.27" +
         " " * 5000 + "오후", "\x00\x00", "NaN", "-1", "1e309", "2024-06-27T24:00:00", "2024년 13월 99일",
         "\ud800", "2024-06-27\ud800", ":" * 2000, "입력:" * 2000, "2024.06.27 오후 13:99", "1" * 5000)


def _sentences(rng: random.Random, lang: str | None = None, n: int | None = None) -> list[str]:
    lang = lang or rng.choice(LANGS)
    pool = SENTENCES[lang]
    return [f"{rng.choice(pool)} ({i})" for i in range(n if n is not None else rng.randint(3, 8))]


def _paragraphs(rng: random.Random, lang: str | None = None, n: int | None = None) -> str:
    return "".join(f"<p>{s}</p>" for s in _sentences(rng, lang, n))


def _lone_text(rng: random.Random, n: int = 3) -> str:
    """Text with lone surrogates in it (a Python string, not an escape)."""
    return "".join(rng.choice(("제목 ", "Title ", *LONE)) for _ in range(n))


def _json_value(rng: random.Random, depth: int = 0) -> Any:
    """Any JSON value, of any type (the wrong one for the field it lands in)."""
    r = rng.random()
    if depth > 3 or r < 0.35:
        return rng.choice([None, True, False, 0, -1, 3.5, 10 ** 30, 1e308, "", " ", "x", "http://a.example/",
                           "기자", "By Jane Doe", "2024-06-27", "\u0000", _lone_text(rng), "\\ud800" * 3,
                           "a" * rng.choice([1, 100, 5000]), " " * rng.choice([10, 3000])])
    if r < 0.65:
        return [_json_value(rng, depth + 1) for _ in range(rng.randint(0, 4))]
    keys = ["name", "@type", "@id", "url", "headline", "value", "", "\ud800", "author", "@graph"]
    return {rng.choice(keys): _json_value(rng, depth + 1) for _ in range(rng.randint(0, 4))}


def _dumps(value: Any, rng: random.Random) -> str:
    """JSON text as pages carry it: ASCII escapes (``\\ud800``) or raw characters; raw lone
    surrogates are written later with ``surrogatepass`` (invalid UTF-8 bytes)."""
    ensure_ascii = rng.random() < 0.6
    return json.dumps(value, ensure_ascii=ensure_ascii, allow_nan=True).replace("</", "<\\/")


def _deep_json(rng: random.Random, depth: int, leaf: Any = "x") -> str:
    style = rng.choice(("list", "dict", "mixed", "graph"))
    if style == "list":
        return "[" * depth + json.dumps(leaf) + "]" * depth
    if style == "dict":
        return '{"a":' * depth + json.dumps(leaf) + "}" * depth
    if style == "graph":
        return '{"@type":"NewsArticle","@graph":' * depth + json.dumps(leaf) + "}" * depth
    opens, closes = [], []
    for _ in range(depth):
        if rng.random() < 0.5:
            opens.append("["), closes.append("]")
        else:
            opens.append('{"author":'), closes.append("}")
    return "".join(opens) + json.dumps(leaf) + "".join(reversed(closes))


@dataclass
class Page:
    kind: str
    body: bytes
    url: str = "http://x.example/news/2024/06/27/a"
    content_type: str | None = None


def _html(head: str, body: str, lang: str = "ko", doctype: bool = True) -> str:
    return (("<!DOCTYPE html>" if doctype else "") + f'<html lang="{lang}"><head><meta charset="utf-8">{head}</head>'
            f"<body>{body}</body></html>")


def _encode(text: str) -> bytes:
    return text.encode("utf-8", "surrogatepass")  # a raw lone surrogate: invalid UTF-8 bytes (ED A0 80)


def _ld(obj_text: str) -> str:
    return f'<script type="application/ld+json">{obj_text}</script>'


def _next_data(obj_text: str) -> str:
    return f'<script id="__NEXT_DATA__" type="application/json">{obj_text}</script>'


def _article_body(rng: random.Random, lang: str) -> str:
    return f"<article><h1>{rng.choice(SENTENCES[lang])[:30]}</h1><div class='article-body'>" \
           f"{_paragraphs(rng, lang)}</div></article>"


# -- the kinds ------------------------------------------------------------------------------------
def deep_nesting(rng: random.Random, scale: float) -> Page:
    depth = rng.choice([300, 900, 1100, 2047, 2100, 5000, int(20000 * scale) + 10])
    tag, close = rng.choice([("<div>", ""), ("<div class='ad'>", ""), ("<div class='sidebar'>", "</div>"),
                             ("<span>", ""), ("<b>", ""), ("<i class='share'>", ""), ("<font>", ""),
                             ("<section class='post'>", ""), ("<blockquote>", ""), ("<ul><li>", ""),
                             ("<table><tr><td>", ""), ("<a href='/x'>", ""), ("<em>", ""), ("<dl><dd>", ""),
                             ("<div><p>", ""), ("<center>", ""), ("<h2>", ""), ("<span style='color:red'>", "")])
    lang = rng.choice(LANGS)
    level_text = rng.choice(["", "x", " ", "텍스트 ", rng.choice(SENTENCES[lang])])
    extras = rng.choice(["", "<script>var a=1;</script>", "<!-- c -->", "<br>", "<style>p{}</style>",
                        "<rt>r</rt>", "<!DOCTYPE html>", "<template>t</template>"])
    every = rng.choice([1, 7, 100])
    parts = [tag + (level_text if i % every == 0 else "") + (extras if i % (every * 3) == 0 else "")
             for i in range(depth)]
    inner = "".join(parts) + _paragraphs(rng, lang) + close * min(depth, 50)
    head = "<title>" + rng.choice(SENTENCES[lang])[:40] + "</title>"
    if rng.random() < 0.3:
        head += _ld(json.dumps({"@type": "NewsArticle", "headline": "Deep", "articleBody": "x " * 400}))
    return Page("deep_nesting", _encode(_html(head, inner if rng.random() < 0.7 else _article_body(rng, lang) + inner,
                                              lang)))


def deep_json(rng: random.Random, scale: float) -> Page:
    depth = rng.choice([100, 990, 1000, 3000, int(100000 * scale) + 10])
    lang = rng.choice(LANGS)
    where = rng.choice(["top", "author", "headline", "graph", "section", "lang", "type", "date", "body"])
    deep = _deep_json(rng, depth, rng.choice(["x", "김기자", None, 5, "\ud800"]))
    if where == "top":
        ld = deep
    else:
        key = {"author": "author", "headline": "headline", "graph": "@graph", "section": "articleSection",
               "lang": "inLanguage", "type": "@type", "date": "datePublished", "body": "articleBody"}[where]
        ld = '{"@context":"https://schema.org","@type":"NewsArticle","headline":"h",' + json.dumps(key) + ":" + deep + "}"
    return Page("deep_json", _encode(_html(_ld(ld) + "<title>t</title>", _article_body(rng, lang), lang)))


def deep_next_data(rng: random.Random, scale: float) -> Page:
    depth = rng.choice([100, 999, 1000, 5000, int(100000 * scale) + 10])
    lang = rng.choice(LANGS)
    leaf = {"content": _paragraphs(rng, lang, 8), "reporters": rng.choice([[{"name": "오지민"}], "x", 5, None])}
    payload = _deep_json(rng, depth, leaf)
    if rng.random() < 0.3:
        payload = payload[: len(payload) // 2]  # truncated
    return Page("deep_next_data", _encode(_html("<title>t</title>", f"<p>{SENTENCES[lang][0]}</p>"
                                                + _next_data(payload.replace("<", "\\u003c")), lang)))


def jsonld_types(rng: random.Random, scale: float) -> Page:
    lang = rng.choice(LANGS)
    fields = ["headline", "name", "author", "datePublished", "dateCreated", "dateModified", "inLanguage",
              "articleSection", "articleBody", "@type", "@graph", "creator", "publisher", "mainEntityOfPage"]
    obj: dict[str, Any] = {"@context": "https://schema.org", "@type": "NewsArticle"}
    for f in rng.sample(fields, rng.randint(1, len(fields))):
        obj[f] = _json_value(rng)
    if rng.random() < 0.5:
        obj["@type"] = rng.choice(["NewsArticle", ["NewsArticle", 5], {"x": 1}, None, 7, ["Article"]])
    text = _dumps(rng.choice([obj, [obj, _json_value(rng)], {"@graph": [obj, _json_value(rng)]}, _json_value(rng)]), rng)
    if rng.random() < 0.15:  # a number past Python's 4,300-digit limit: json.loads raises ValueError
        text = text.replace('"@type"', '"n": ' + "1" * rng.choice([4301, 20000]) + ', "@type"', 1)
    if rng.random() < 0.2:
        text = text[: rng.randint(0, len(text))] + rng.choice([",}", ",]", "", "}}}", "\x00"])
    body = rng.choice([_article_body(rng, lang), f"<p>{SENTENCES[lang][0]}</p>", ""])
    return Page("jsonld_types", _encode(_html(_ld(text) + rng.choice(["", "<title>T | Paper</title>"]), body, lang)))


def payload_types(rng: random.Random, scale: float) -> Page:
    lang = rng.choice(LANGS)
    article: dict[str, Any] = {"title": _json_value(rng), "content": _paragraphs(rng, lang, 10)}
    for key in rng.sample(["reporters", "reporter", "authors", "author", "writers", "byline", "bylines"], 3):
        article[key] = rng.choice([_json_value(rng), 5, {"name": 5}, {"name": {"x": "y"}}, {"name": ["a", "b"]},
                                   [None, 3, {"name": None}, {"name": "http://x"}, {"name": "  "}, "홍길동"],
                                   {"name": _lone_text(rng)}, [{"name": "\\ud800"}], "", [[["x"]]]])
    if rng.random() < 0.3:
        article["content"] = _json_value(rng)
        article["body"] = "긴 본문입니다. " * rng.randint(30, 200) + _lone_text(rng)
    payload = _dumps({"props": {"pageProps": {"article": article}}}, rng).replace("<", "\\u003c")
    if rng.random() < 0.1:
        payload = payload.replace('"title"', '"n": ' + "9" * 5000 + ', "title"', 1)
    script = rng.choice([_next_data(payload), f'<script type="Application/JSON">{payload}</script>',
                         f'<script type="application/json">{payload[:len(payload) // 2]}</script>'])
    return Page("payload_types", _encode(_html("<title>t</title>", f"<h1>h</h1><p>{SENTENCES[lang][0]}</p>{script}",
                                               lang)))


def surrogates(rng: random.Random, scale: float) -> Page:
    lang = rng.choice(LANGS)
    esc = rng.choice(LONE_ESCAPES)
    variant = rng.choice(["ld_headline", "ld_author", "ld_body", "ld_misc", "payload", "charref", "raw", "codec",
                          "meta", "keys"])
    head, body, ctype = "<title>t</title>", _article_body(rng, lang), None
    if variant == "ld_headline":
        head = _ld('{"@type":"NewsArticle","headline":"한은 ' + esc + ' 동결","datePublished":"2024-06-27"}') + head
    elif variant == "ld_author":
        head = _ld('{"@type":"NewsArticle","headline":"h","author":[{"name":"김' + esc + '"},"' + esc + '"]}') + head
    elif variant == "ld_body":
        head = _ld('{"@type":"NewsArticle","headline":"h","articleBody":"' + ("본문 " + esc + " ") * 300 + '"}') + head
    elif variant == "ld_misc":
        head = _ld('{"@type":"NewsArticle","headline":"h","articleSection":"' + esc + '","inLanguage":"' + esc +
                   '","dateModified":"2024' + esc + '","@id":"' + esc + '"}') + head
    elif variant == "payload":
        body += _next_data('{"props":{"article":{"content":"' + ("긴 본문 " + esc) * 200 + '","reporters":[{"name":"'
                           + esc + '"}]}}}')
    elif variant == "charref":
        ref = rng.choice(["&#xD800;", "&#55296;", "&#xDFFF;", "&#x110000;", "&#0;", "&#xFFFE;", "&#99999999999;"])
        head = f"<title>제목 {ref}</title><meta property='og:title' content='og {ref}'>"
        body = body.replace("<p>", f"<p>{ref}", 2)
    elif variant == "raw":
        head = f"<title>제목 {rng.choice(LONE)}</title>"
        body = body.replace("<p>", f"<p class='{rng.choice(LONE)}'>{rng.choice(LONE)}", 2)
    elif variant == "codec":
        cs = rng.choice(["unicode_escape", "raw_unicode_escape", "utf-7", "punycode"])
        text = _html("<title>\\ud800 +2AA- \\udfff</title>", "<p>\\ud800 +2ADYPd4A- " + "body text " * 30 + "</p>",
                     lang).replace('<meta charset="utf-8">', f'<meta charset="{cs}">')
        return Page("surrogates", text.encode("ascii", "replace"),
                    content_type=rng.choice([None, f"text/html; charset={cs}"]))
    elif variant == "meta":
        head = f"<meta name='author' content='{rng.choice(LONE)}기자'><meta property='og:type' content='{esc}'>" + head
    else:
        head = _ld('{"' + esc + '":"x","@type":"NewsArticle","headline":"h","' + esc + '":{"name":"' + esc + '"}}') + head
    return Page("surrogates", _encode(_html(head, body, lang)), content_type=ctype)


def bad_urls(rng: random.Random, scale: float) -> Page:
    lang = rng.choice(LANGS)
    url = rng.choice(BAD_URLS)
    head = rng.choice([f'<link rel="canonical" href="{url}">', f"<link rel='canonical alternate' href='{url}'>",
                       f'<link rel="alternate" hreflang="en" href="{url}"><link rel="alternate" hreflang="{url}" href="{url}">',
                       f'<meta property="og:url" content="{url}"><link rel=canonical href="{url}">'])
    head += "<title>t</title>"
    page_url = rng.choice((*PAGE_URLS, rng.choice(BAD_URLS)))
    return Page("bad_urls", _encode(_html(head, _article_body(rng, lang), lang)), url=page_url)


def charsets(rng: random.Random, scale: float) -> Page:
    lang = rng.choice(LANGS)
    label = rng.choice(ODD_CHARSETS)
    meta = rng.choice([f'<meta charset="{label}">', f"<meta charset={label}>",
                       f'<meta http-equiv="Content-Type" content="text/html; charset={label}">',
                       f'<meta content="charset={label}" http-equiv=x>'])
    text = _html(meta + "<title>t</title>", _article_body(rng, lang), lang).replace('<meta charset="utf-8">', "", 1)
    mode = rng.choice(["utf8", "legacy", "mixed", "bom", "random_tail", "utf16"])
    if mode == "utf8":
        data = text.encode("utf-8")
    elif mode == "legacy":
        enc = rng.choice(["cp949", "shift_jis", "gb18030", "big5", "cp1252", "koi8-r", "euc-jp", "cp1258"])
        data = text.encode(enc, "replace")
    elif mode == "mixed":
        chunks = re.split(r"(</p>)", text)
        data = b"".join(c.encode(rng.choice(["utf-8", "cp949", "shift_jis", "gb18030", "latin-1", "utf-16-le"]),
                                 "replace") for c in chunks)
    elif mode == "bom":
        data = rng.choice([codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE, codecs.BOM_UTF32_LE]) + \
            text.encode(rng.choice(["utf-8", "utf-16-le", "utf-16-be", "cp949"]), "replace")
    elif mode == "random_tail":
        data = text.encode("utf-8") + bytes(rng.getrandbits(8) for _ in range(rng.randint(1, 5000)))
    else:
        data = text.encode(rng.choice(["utf-16", "utf-16-be", "utf-32"]))
        if rng.random() < 0.5:
            data = data[: len(data) - 1]  # an odd byte count
    ctype = rng.choice([None, None, f"text/html; charset={label}", f'text/html; charset="{label}"',
                        "text/html; charset=", "text/html; charset=undefined", "charset=utf-8; charset=euc-kr",
                        "text/html;charset=" + "x" * 1000, "\x00", "text/html; charset=utf-16"])
    return Page("charsets", data, content_type=ctype)


def nul_control(rng: random.Random, scale: float) -> Page:
    lang = rng.choice(LANGS)
    ctl = "".join(rng.choice(["\x00", "\x01", "\x08", "\x0b", "\x0c", "\x1b", "\x7f", "\x85", "\u2028", "\ufeff",
                              "\ufffe", "\uffff", "\u0000\u0000"]) for _ in range(8))
    text = _html(f"<title>제{ctl}목</title><meta name='author' content='a{ctl}b'>"
                 + _ld('{"@type":"NewsArticle","headline":"h' + ctl.replace("\x00", "\\u0000") + '","author":"\x00"}'),
                 _article_body(rng, lang), lang)
    data = bytearray(text.encode("utf-8"))
    for _ in range(rng.randint(1, 200)):
        pos = rng.randrange(len(data))
        data[pos:pos] = rng.choice([b"\x00", b"\x00\x00\x00", b"\x01", b"\xff", b"\xfe", b"\x1b$B", b"\r", b"\x85"])
    return Page("nul_control", bytes(data), content_type=rng.choice([None, "text/html; charset=utf-8"]))


def giant_line(rng: random.Random, scale: float) -> Page:
    lang = rng.choice(LANGS)
    n = int(rng.choice([20_000, 200_000, 1_000_000]) * scale) + 100
    variant = rng.choice(["no_space", "spaces", "lt", "script", "attr", "title", "meta_date", "doctypes",
                          "comments", "label_spaces", "colons", "entities", "style"])
    head, body = "<title>t</title>", _article_body(rng, lang)
    if variant == "no_space":
        body += "<p>" + "가나다라마바사" * (n // 7) + "</p>"
    elif variant == "spaces":
        body += "<p>입력" + " " * n + "x</p><p>2024" + " " * n + "년</p><p>" + "\n\t " * (n // 3) + "</p>"
    elif variant == "lt":
        body += "<" * n if rng.random() < 0.5 else "<p>" + "a<" * (n // 2)
    elif variant == "script":
        body += rng.choice(["<script>", "<script", "<style>", "<ScRiPt x>"]) * (n // 8)
    elif variant == "attr":
        attr = rng.choice(["class", "style", "id", "href", "content", "hidden", "aria-hidden", "lang", "rel"])
        value = rng.choice(["ad ", "x", " ", "display ", "a-", ":"]) * (n // 3)
        body = f"<div {attr}='{value}'>" + body + "</div>"
        head += f"<meta name='author' content='{value}'><link rel='canonical' href='http://x.example/{value}'>"
    elif variant == "title":
        title = (rng.choice(["제목 ", "a | b ", " - ", "  ", "\n", "word "]) * (n // 5))
        head = f"<title>{title}</title>" + rng.choice(["", f"<meta property='og:title' content='{title}'>"])
        body = body.replace("<h1>", "<h2>").replace("</h1>", "</h2>")
    elif variant == "meta_date":
        value = rng.choice(DATES) + " " * n + rng.choice(["2024.06.27", "x", ""])
        head += f"<meta property='article:published_time' content='{value}'>" + \
            _ld(json.dumps({"@type": "NewsArticle", "datePublished": value, "dateModified": value}))
    elif variant == "doctypes":
        body = "<div>" + ("<!DOCTYPE html>텍스트 " * (n // 20)) + "</div>" + body
    elif variant == "comments":
        body = "<div>" + ("<!-- c -->t" * (n // 12)) + "</div>" + body
    elif variant == "label_spaces":
        body += "<div>" + ("입력 " + " " * 200 + ": " + " " * 200) * (n // 400) + "</div>"
    elif variant == "colons":
        body += "<div>" + ":" * n + "</div><div>" + "2024." * (n // 5) + "</div>"
    elif variant == "entities":
        body += "<p>" + "&amp;&#x1;&#xD800;&nbsp;" * (n // 20) + "</p>"
    else:
        body += "<div style='" + "display : none; " * (n // 16) + "'>x</div>"
    return Page("giant_line", _encode(_html(head, body, lang).replace("\n", " ")))


def many_elements(rng: random.Random, scale: float) -> Page:
    lang = rng.choice(LANGS)
    n = int(rng.choice([5_000, 20_000, 60_000, 150_000]) * scale) + 50
    unit = rng.choice(["<p>짧은 글</p>", "<div class='ad'>광고</div>", "<a href='/x'>링크</a>", "<br>", "<b>x</b>",
                       "<p>x</p>", "<i>", "<div>", "<!-- c -->t", "<?pi x?>t",
                       "<li class='related'>관련</li>", "<h2>제목 제목 제목 제목</h2>", "<span>x</span>",
                       f"<p>{SENTENCES[lang][0]}</p>", "<div class='article-body'><p>" + SENTENCES[lang][1] + "</p></div>",
                       "<time datetime='2024-06-27'>x</time>", "<link rel=alternate hreflang=x href=/a>",
                       "<script type='application/ld+json'>{}</script>", "<meta name=x content=y>"])
    body = unit * n + _article_body(rng, lang)
    head = "<title>" + "제목 제목 제목 제목" + "</title>"
    return Page("many_elements", _encode(_html(head, body, lang)))


def similar_paragraphs(rng: random.Random, scale: float) -> Page:
    """Hundreds of distinct paragraphs of about the same length and words (a table of figures,
    word salad): the cleaner compares every paragraph with every earlier one of similar length."""
    vocab = [f"{w}{i}" for i, w in enumerate(rng.choice(["word", "단어", "字", "từ"]) for _ in range(50))]
    n = int(rng.choices([50, 150, 400, 1000, 1500], weights=[8, 6, 4, 2, 1])[0] * scale) + 10
    words = rng.choice([12, 30])
    body = "<div>" + "".join(f"<p>{' '.join(rng.choice(vocab) for _ in range(words))}.</p>" for _ in range(n)) + "</div>"
    return Page("similar_paragraphs", _encode(_html("<title>t</title>", body, rng.choice(LANGS))))


def dates(rng: random.Random, scale: float) -> Page:
    lang = rng.choice(LANGS)
    value = rng.choice(DATES)
    head = (f"<meta property='article:published_time' content='{value}'><meta name='date' content='{value}'>"
            f"<meta property='article:modified_time' content='{value}'>"
            + _ld(_dumps({"@type": "NewsArticle", "headline": "h", "datePublished": value, "dateModified": value}, rng))
            + "<title>t</title>")
    body = f"<div class='info'>입력 {value} | 수정 {value}</div><time datetime='{value}'>x</time>" + _article_body(rng, lang)
    return Page("dates", _encode(_html(head, body, lang)), url=rng.choice(PAGE_URLS[:2]))


def random_bytes(rng: random.Random, scale: float) -> Page:
    mode = rng.choice(["bytes", "mutate", "truncate", "splice"])
    if mode == "bytes":
        return Page("random_bytes", bytes(rng.getrandbits(8) for _ in range(rng.choice([0, 1, 10, 1000, 20000]))))
    lang = rng.choice(LANGS)
    text = _encode(_html(_ld(json.dumps({"@type": "NewsArticle", "headline": "h", "author": "a"})) + "<title>t</title>",
                         _article_body(rng, lang), lang))
    data = bytearray(text)
    if mode == "mutate":
        for _ in range(rng.randint(1, 100)):
            data[rng.randrange(len(data))] = rng.getrandbits(8)
    elif mode == "truncate":
        del data[rng.randrange(len(data)):]
    else:
        cut = rng.randrange(len(data))
        data[cut:cut] = data[rng.randrange(len(data)):] * rng.randint(1, 5)
    return Page("random_bytes", bytes(data))


KINDS: dict[str, Callable[[random.Random, float], Page]] = {
    f.__name__: f for f in (deep_nesting, deep_json, deep_next_data, jsonld_types, payload_types, surrogates,
                            bad_urls, charsets, nul_control, giant_line, many_elements, similar_paragraphs, dates,
                            random_bytes)}


def mixed(rng: random.Random, scale: float) -> Page:
    """Two to four kinds at once: the head of one, the body of another, the URL and header of a third."""
    parts = [KINDS[k](rng, scale / 2) for k in rng.sample(sorted(KINDS), rng.randint(2, 4))]
    texts = [p.body.decode("utf-8", "surrogateescape") for p in parts]
    heads = [m.group(1) for t in texts if (m := re.search(r"<head>(.*?)</head>", t, re.S))]
    bodies = [m.group(1) for t in texts if (m := re.search(r"<body>(.*)</body>", t, re.S))]
    if not bodies:
        return Page("mixed", b"".join(p.body for p in parts), parts[-1].url, parts[0].content_type)
    text = "<html><head>" + "".join(heads) + "</head><body>" + "".join(bodies) + "</body></html>"
    return Page("mixed", text.encode("utf-8", "surrogateescape"), parts[-1].url,
                next((p.content_type for p in parts if p.content_type), None))


KINDS["mixed"] = mixed


def page(kind: str, seed: int, scale: float = 1.0) -> Page:
    """The page generator ``kind`` makes from ``seed`` (``scale`` < 1: smaller pages, for tests)."""
    return KINDS[kind](random.Random(f"{kind}:{seed}"), scale)


def pages(n: int, seed: int = 0, kinds: list[str] | None = None, scale: float = 1.0):
    """``n`` pages, kinds taken in turn, each from its own seed: (index, kind, page seed, Page)."""
    kinds = kinds or sorted(KINDS)
    for i in range(n):
        kind = kinds[i % len(kinds)]
        page_seed = seed * 1_000_003 + i
        yield i, kind, page_seed, page(kind, page_seed, scale)


# -- checks ---------------------------------------------------------------------------------------
def strings_in(value: Any):
    """Every string in a result (dict keys too)."""
    stack = [value]
    while stack:
        v = stack.pop()
        if isinstance(v, str):
            yield v
        elif isinstance(v, dict):
            stack.extend(v.keys())
            stack.extend(v.values())
        elif isinstance(v, (list, tuple, set, frozenset)):
            stack.extend(v)
        elif hasattr(v, "__dataclass_fields__"):
            stack.extend(getattr(v, f) for f in v.__dataclass_fields__)


def has_lone_surrogate(value: Any) -> bool:
    return any(SURROGATE.search(s) for s in strings_in(value))


def parquet_bytes(rows: list[dict[str, Any]], schema=None) -> int:
    import pyarrow as pa
    import pyarrow.parquet as pq

    buf = io.BytesIO()
    pq.write_table(pa.Table.from_pylist(rows, schema=schema), buf)
    return buf.tell()


def record_problems(rec: dict[str, Any]) -> list[str]:
    """What is wrong with a ``parse_page`` result: lone surrogates, not JSON, not Parquet-writable."""
    problems = []
    if has_lone_surrogate(rec):
        problems.append("lone_surrogate")
    try:
        json.dumps(rec, ensure_ascii=False).encode("utf-8")
    except Exception as exc:  # noqa: BLE001
        problems.append(f"json: {type(exc).__name__}: {exc}"[:200])
    try:
        strings = {k: v for k, v in rec.items() if isinstance(v, str) or v is None}
        strings["authors"] = [a for a in rec.get("authors") or [] if isinstance(a, str)]
        if isinstance(rec.get("rejected"), dict):
            strings.update({f"rejected_{k}": v for k, v in rec["rejected"].items()})
        parquet_bytes([strings])
    except Exception as exc:  # noqa: BLE001
        problems.append(f"parquet: {type(exc).__name__}: {exc}"[:200])
    return problems


def pipeline_problems(result: Any) -> list[str]:
    """What is wrong with ``parse``'s result as the pipeline writes it (staging Parquet)."""
    from dataclasses import asdict

    from newsflow.models import Rejected
    from newsflow.pipeline import _ARTICLE_STAGED, REJECT_SCHEMA, article_to_row

    try:
        if isinstance(result, Rejected):
            row = asdict(result)
            parquet_bytes([{k: row.get(k) for k in REJECT_SCHEMA.names}], REJECT_SCHEMA)
        else:
            row = article_to_row(result)
            parquet_bytes([{k: row.get(k) for k in _ARTICLE_STAGED.names}], _ARTICLE_STAGED)
    except Exception as exc:  # noqa: BLE001
        return [f"pipeline parquet: {type(exc).__name__}: {exc}"[:200]]
    return ["pipeline lone_surrogate"] if has_lone_surrogate(result) else []


# -- the run --------------------------------------------------------------------------------------
class PageTimeout(BaseException):
    """Raised by the alarm when one page runs past the hard limit (a BaseException: no
    ``except Exception`` in the parser may swallow it)."""


def _alarm(signum, frame):  # noqa: ANN001
    raise PageTimeout()


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run(n: int, seed: int, kinds: list[str] | None, scale: float, hard_limit: float, save: str | None,
        pipeline: bool, quiet: bool = False) -> int:
    import logging

    from newsflow.adhoc import parse_page
    from newsflow.config import Source
    from newsflow.models import RawPage, Rejected
    from newsflow.parse import parse

    logging.disable(logging.CRITICAL)
    source = Source(name="cli", timezone="UTC", feeds=[{"type": "urls", "urls": ["http://localhost/"]}])
    pipeline_source = Source(name="fuzz", timezone="Asia/Seoul", feeds=[{"type": "urls", "urls": ["http://x.example/"]}])
    parse_page(b"<html><body><p>warm up</p></body></html>", "http://x.example/", source, True)  # imports, caches
    uncaught: dict[str, list[tuple[str, int, str]]] = defaultdict(list)
    safety: dict[str, list[tuple[str, int, str]]] = defaultdict(list)
    bad: dict[str, list[tuple[str, int, str]]] = defaultdict(list)
    timeouts: list[tuple[str, int]] = []
    times: list[tuple[float, str, int, int, float | None]] = []  # parse_page s, kind, seed, bytes, parse s
    parse_times: list[tuple[float, str, int]] = []
    per_kind: dict[str, list[float]] = defaultdict(list)
    reasons: Counter[str] = Counter()
    surrogate_results = 0
    rss_start = _rss_mb()
    signal.signal(signal.SIGALRM, _alarm)
    started = time.perf_counter()
    save_dir = Path(save) if save else None
    failed_pages: list[tuple[str, int, Page]] = []
    for i, kind, page_seed, pg in pages(n, seed, kinds, scale):
        rec, err = None, None
        signal.setitimer(signal.ITIMER_REAL, hard_limit)
        t0 = time.perf_counter()
        try:
            rec = parse_page(pg.body, pg.url, source, True, content_type=pg.content_type)
        except PageTimeout:
            err = "timeout"
        except BaseException as exc:  # noqa: BLE001  (what the fuzz is looking for)
            err = f"{type(exc).__name__}"
            uncaught[err].append((kind, page_seed, "".join(traceback.format_exception_only(exc)).strip()[:300]))
        finally:
            elapsed = time.perf_counter() - t0
            signal.setitimer(signal.ITIMER_REAL, 0)
        per_kind[kind].append(elapsed)
        if err == "timeout":
            timeouts.append((kind, page_seed))
        problems: list[str] = []
        if rec is not None:
            rej = rec.get("rejected")
            reasons[rej["reason"] if rej else "article"] += 1
            if rej and rej.get("reason") == "parser_error":
                safety[str(rej.get("detail", "")).split(":")[0]].append((kind, page_seed, str(rej.get("detail"))[:300]))
            problems = record_problems(rec)
        parse_s = None
        if pipeline and err is None:
            signal.setitimer(signal.ITIMER_REAL, hard_limit)
            try:
                raw = RawPage(pg.url, pg.url, "fuzz", 200, {"content-type": pg.content_type} if pg.content_type else {},
                              pg.body, datetime_now())
                t1 = time.perf_counter()
                result = parse(raw, pipeline_source)
                parse_s = time.perf_counter() - t1
                parse_times.append((parse_s, kind, page_seed))
                problems += pipeline_problems(result)
                if isinstance(result, Rejected) and result.reason == "parser_error":
                    safety["pipeline " + result.detail.split(":")[0]].append((kind, page_seed, result.detail[:300]))
            except PageTimeout:
                problems.append("pipeline timeout")
            except BaseException as exc:  # noqa: BLE001
                uncaught["pipeline " + type(exc).__name__].append(
                    (kind, page_seed, "".join(traceback.format_exception_only(exc)).strip()[:300]))
            finally:
                signal.setitimer(signal.ITIMER_REAL, 0)
        times.append((elapsed, kind, page_seed, len(pg.body), parse_s))
        if any("surrogate" in p for p in problems):
            surrogate_results += 1
        for p in problems:
            bad[p.split(":")[0]].append((kind, page_seed, p))
        if save_dir and (err or problems or elapsed > TIME_BUDGET):
            failed_pages.append((kind, page_seed, pg))
        if not quiet and (i + 1) % 1000 == 0:
            print(f"  {i + 1}/{n} pages, {time.perf_counter() - started:.0f}s", file=sys.stderr, flush=True)
    total = time.perf_counter() - started
    if save_dir:
        save_dir.mkdir(parents=True, exist_ok=True)
        for kind, page_seed, pg in failed_pages:
            (save_dir / f"{kind}-{page_seed}.html").write_bytes(pg.body)
            (save_dir / f"{kind}-{page_seed}.json").write_text(json.dumps(
                {"kind": kind, "seed": page_seed, "url": pg.url, "content_type": pg.content_type}, ensure_ascii=True))

    times.sort(key=lambda t: t[0], reverse=True)
    parse_times.sort(reverse=True)
    n_uncaught = sum(map(len, uncaught.values()))
    n_safety = sum(map(len, safety.values()))
    slow = [t for t in times if t[0] > TIME_BUDGET]
    print(f"fuzz: seed {seed}, {n} pages ({len(per_kind)} kinds, scale {scale}), single process, {total:.1f}s "
          f"({1000 * total / max(1, n):.1f} ms/page)")
    print(f"pages: {n}; results: {', '.join(f'{k} {v}' for k, v in reasons.most_common())}")
    print(f"uncaught exceptions: {n_uncaught}")
    for name, hits in sorted(uncaught.items(), key=lambda kv: -len(kv[1])):
        kind, page_seed, msg = hits[0]
        print(f"  {name}: {len(hits)} (e.g. {kind} seed {page_seed}: {msg.splitlines()[-1][:160]})")
    print(f"parser errors turned into rejects by the safety net: {n_safety}")
    for name, hits in sorted(safety.items(), key=lambda kv: -len(kv[1])):
        kind, page_seed, msg = hits[0]
        print(f"  {name}: {len(hits)} (e.g. {kind} seed {page_seed}: {msg[:160]})")
    print(f"results with lone surrogates: {surrogate_results}")
    other = {k: v for k, v in bad.items() if "surrogate" not in k}
    print(f"results not JSON/Parquet-writable: {sum(map(len, other.values()))}")
    for name, hits in sorted(other.items(), key=lambda kv: -len(kv[1])):
        kind, page_seed, msg = hits[0]
        print(f"  {name}: {len(hits)} (e.g. {kind} seed {page_seed}: {msg[:160]})")
    max_t, max_kind, max_seed, max_size, _ = times[0] if times else (0.0, "-", 0, 0, None)
    p99 = times[len(times) // 100][0] if times else 0.0
    print(f"seconds per page (parse_page: parse + clean + language): max {max_t:.3f} ({max_kind} seed {max_seed}, "
          f"{max_size:,} bytes), p99 {p99:.3f}, median {times[len(times) // 2][0] if times else 0:.4f}; "
          f"pages over {TIME_BUDGET:g}s: {len(slow)}; hard-limit ({hard_limit:g}s) timeouts: {len(timeouts)}")
    for t, kind, page_seed, size, parse_s in times[:5]:
        split = f"; parse alone {parse_s:.3f}s" if parse_s is not None else ""
        print(f"  {t:.3f}s {kind} seed {page_seed} ({size:,} bytes{split})")
    slow_by_kind = Counter(kind for _, kind, *_ in slow)
    if slow_by_kind:
        print("pages over the budget by kind: " + ", ".join(f"{k} {v}" for k, v in slow_by_kind.most_common()))
    parse_max, parse_kind, parse_seed = parse_times[0] if parse_times else (0.0, "-", 0)
    parse_slow = [t for t in parse_times if t[0] > TIME_BUDGET]
    if parse_times:
        print(f"seconds per page (the pipeline's parse alone): max {parse_max:.3f} ({parse_kind} seed {parse_seed}), "
              f"p99 {parse_times[len(parse_times) // 100][0]:.3f}; pages over {TIME_BUDGET:g}s: {len(parse_slow)}")
    print("per kind (pages, max s, mean ms): " + "; ".join(
        f"{k} {len(v)} {max(v):.2f} {1000 * sum(v) / len(v):.0f}" for k, v in sorted(per_kind.items())))
    print(f"peak memory: RSS {_rss_mb():.0f} MB (at start {rss_start:.0f} MB)")
    goals = [(n_uncaught == 0, f"0 uncaught exceptions ({n_uncaught})"),
             (surrogate_results == 0, f"0 results with lone surrogates ({surrogate_results})")]
    if parse_times:
        goals.append((not parse_slow, f"no page over {TIME_BUDGET:g}s in parse (max {parse_max:.3f}s, "
                                      f"{len(parse_slow)} over)"))
    goals.append((not slow and not timeouts, f"no page over {TIME_BUDGET:g}s through parse_page, parse + clean + "
                                            f"language (max {max_t:.3f}s, {len(slow)} over)"))
    if other:
        goals.append((False, f"every result JSON- and Parquet-writable ({sum(map(len, other.values()))} not)"))
    for ok, text in goals:
        print(("MET: " if ok else "NOT MET: ") + text)
    return 0 if all(ok for ok, _ in goals) else 1


def datetime_now():
    from datetime import UTC, datetime

    return datetime.now(UTC)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--n", type=int, default=10_000, help="pages (default 10,000)")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--kinds", nargs="*", choices=sorted(KINDS), help="only these generators")
    ap.add_argument("--scale", type=float, default=1.0, help="page size factor (default 1)")
    ap.add_argument("--hard-limit", type=float, default=60.0, help="abort a page after this many seconds")
    ap.add_argument("--save", help="write failing or slow pages (and their url/header) into this folder")
    ap.add_argument("--no-pipeline", action="store_true", help="skip the pipeline-row check (parse + staging Parquet)")
    args = ap.parse_args(argv)
    return run(args.n, args.seed, args.kinds, args.scale, args.hard_limit, args.save, not args.no_pipeline)


if __name__ == "__main__":
    sys.exit(main())
