"""Hostile pages through ``parse_page`` and the pipeline's ``parse``: nothing may raise, no string
of a result may hold a lone surrogate, and every result writes to JSON and Parquet.

Two property tiers (bounded, well under 30 s together): pages from the generators of
``bench/fuzz.py`` (``make fuzz`` runs 10,000 of them at full size), drawn here at a twentieth of
the size; and pages hypothesis assembles itself from hostile parts (deep nesting, megabyte
attributes, odd charsets in ``<meta>`` and the header, JSON-LD and ``__NEXT_DATA__`` payloads of
any type and depth, lone surrogates, bad canonical URLs, mixed encodings, NUL bytes, giant
lines). Then one regression test per crash class of the fuzz report that opened this work.
"""

from __future__ import annotations

import json
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from newsflow.adhoc import parse_page
from newsflow.config import Source
from newsflow.models import Article, RawPage, Rejected
from newsflow.parse import parse

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))
import fuzz  # noqa: E402  (bench/fuzz.py: the generators and checks `make fuzz` uses)

CLI = Source(name="cli", timezone="UTC", feeds=[{"type": "urls", "urls": ["http://localhost/"]}])
SEOUL = Source(name="s", timezone="Asia/Seoul", feeds=[{"type": "urls", "urls": ["http://x.example/"]}])
PROPERTY = settings(max_examples=150, deadline=None, derandomize=True,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
PARAS = "".join(f"<p>{s}</p>" for s in fuzz.SENTENCES["ko"] * 2)


def raw(body: bytes, url: str = "http://x.example/news/2024/06/27/a", ctype: str | None = None) -> RawPage:
    return RawPage(url, url, "s", 200, {"content-type": ctype} if ctype else {}, body, datetime(2024, 6, 27, tzinfo=UTC))


def check(body: bytes, url: str = "http://x.example/news/2024/06/27/a", ctype: str | None = None) -> dict:
    """Both entry points on one page, every property asserted; the CLI record is returned."""
    rec = parse_page(body, url, CLI, True, content_type=ctype)  # raises: the test fails with the traceback
    assert fuzz.record_problems(rec) == [], rec
    result = parse(raw(body, url, ctype), SEOUL)
    assert isinstance(result, (Article, Rejected))
    assert fuzz.pipeline_problems(result) == []
    return rec


# -- tier 1: the bench generators, small -----------------------------------------------------
@PROPERTY
@given(kind=st.sampled_from(sorted(fuzz.KINDS)), seed=st.integers(0, 2 ** 32 - 1))
def test_generated_hostile_pages_parse_without_errors_or_surrogates(kind, seed):
    pg = fuzz.page(kind, seed, scale=0.05)
    check(pg.body, pg.url, pg.content_type)


# -- tier 2: pages hypothesis puts together ---------------------------------------------------
LONE = st.sampled_from(fuzz.LONE)
TEXT = st.lists(st.one_of(st.text(max_size=12), LONE, st.sampled_from(["\x00", "기자", "http://a", " " * 50])),
                max_size=6).map("".join)
JSON_VALUES = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=True), TEXT),
    lambda inner: st.one_of(st.lists(inner, max_size=4), st.dictionaries(st.one_of(TEXT, st.sampled_from(
        ["name", "@type", "@graph", "headline", "author"])), inner, max_size=4)),
    max_leaves=12)
FIELDS = ("headline", "name", "author", "datePublished", "dateModified", "inLanguage", "articleSection",
          "articleBody", "@graph", "@type")


def _json_text(draw, value) -> str:
    text = json.dumps(value, ensure_ascii=draw(st.booleans()))  # ASCII: lone surrogates as \\ud800 escapes
    if draw(st.booleans()):
        depth = draw(st.integers(0, 3000))
        text = draw(st.sampled_from(["[", '{"a":'])) * depth + text + draw(st.sampled_from(["]", "}"])) * depth
    return text.replace("</", "<\\/")


@st.composite
def hostile_pages(draw) -> tuple[bytes, str, str | None]:
    parts_head, parts_body = [], []
    charset = draw(st.one_of(st.sampled_from(fuzz.ODD_CHARSETS), st.text(max_size=10)))
    if draw(st.booleans()):
        parts_head.append(f'<meta charset="{charset}">')
    ld = {f: draw(JSON_VALUES) for f in draw(st.lists(st.sampled_from(FIELDS), max_size=5, unique=True))}
    ld.setdefault("@type", draw(st.sampled_from(["NewsArticle", ["Article", 1], {"x": 1}, None])))
    parts_head.append(f'<script type="application/ld+json">{_json_text(draw, ld)}</script>')
    if draw(st.booleans()):
        canonical = draw(st.one_of(st.sampled_from(fuzz.BAD_URLS), st.text(max_size=30)))
        parts_head.append(f'<link rel="canonical" href="{canonical}">')
    parts_head.append(f"<title>{draw(TEXT)}</title>")
    if draw(st.booleans()):  # a megabyte attribute
        attr = draw(st.sampled_from(["class", "style", "id", "content"]))
        parts_body.append(f"<div {attr}='{draw(st.sampled_from(['ad ', ' ', 'display:none;', 'x'])) * 200_000}'>")
    depth = draw(st.sampled_from([0, 10, 900, 2100, 5000]))
    parts_body.append(draw(st.sampled_from(["<div>", "<b>", "<div class='sidebar'>", "<span><script>1</script>"])) * depth)
    parts_body.append(PARAS)
    if draw(st.booleans()):
        payload = {"props": {"article": {"content": PARAS * 3, "reporters": draw(JSON_VALUES)}}}
        parts_body.append(f'<script id="__NEXT_DATA__" type="application/json">{_json_text(draw, payload)}</script>')
    if draw(st.booleans()):  # a giant line
        parts_body.append(draw(st.sampled_from(["입력", "2024", "<", "<script>", "<!DOCTYPE html>", " ", "a"]))
                          * draw(st.integers(1_000, 60_000)))
    text = "<html><head>" + "".join(parts_head) + "</head><body>" + "".join(parts_body) + "</body></html>"
    body = text.encode("utf-8", "surrogatepass")
    if draw(st.booleans()):  # mixed encodings, NUL and stray bytes
        cut = draw(st.integers(0, len(body)))
        body = body[:cut] + draw(st.sampled_from([b"\x00", b"\xff\xfe", "한글".encode("cp949"), b"\x1b$B"])) + body[cut:]
    ctype = draw(st.one_of(st.none(), st.sampled_from(fuzz.ODD_CHARSETS).map(lambda c: f"text/html; charset={c}")))
    url = draw(st.sampled_from(fuzz.PAGE_URLS))
    return body, url, ctype


@PROPERTY
@given(hostile_pages())
def test_assembled_hostile_pages_parse_without_errors_or_surrogates(page):
    check(*page)


# -- regressions: one per crash class of the report ------------------------------------------
def _page(head: str = "<title>t</title>", body: str = PARAS) -> bytes:
    return f"<html lang='ko'><head>{head}</head><body>{body}</body></html>".encode("utf-8", "surrogatepass")


@pytest.mark.parametrize(("inner", "levels", "article"), [
    ("<div>", 1, True), ("<b>", 1, True), ("<ul><li>", 2, True), ("<table><tr><td>", 4, True),
    ("<span><script>1</script>x", 1, True), ("<div class='ad'>", 1, False), ("<div class='sidebar'>x", 1, False)])
def test_nesting_thousands_deep_is_no_recursion_error(inner, levels, article):
    # past Python's recursion limit, within libxml2's 2,048 levels (it drops what lies deeper)
    rec = check(_page(body=inner * (2000 // levels) + PARAS))
    assert ("rejected" not in rec and rec["body"]) or not article  # junk-named boxes go, with what they hold
    check(_page(body=inner * 5000 + PARAS))


@pytest.mark.parametrize("deep", ["[" * 100_000 + "]" * 100_000, '{"a":' * 5000 + "1" + "}" * 5000,
                                  "[" * 995 + "]" * 995])
def test_deep_jsonld_and_next_data_are_skipped_not_raised(deep):
    ld = '{"@type":"NewsArticle","headline":"깊은 JSON","author":' + deep + "}"
    rec = check(_page(f'<script type="application/ld+json">{ld}</script><title>t</title>'))
    assert rec["title"] in ("깊은 JSON", "t")
    check(_page(body=PARAS + f'<script id="__NEXT_DATA__" type="application/json">{deep}</script>'))
    check(_page(f'<script type="application/ld+json">{deep}</script>'))


def test_a_number_past_the_digit_limit_in_jsonld_is_skipped_like_broken_json():
    ld = '{"@type":"NewsArticle","headline":"h","n":' + "1" * 5000 + "}"
    rec = check(_page(f'<script type="application/ld+json">{ld}</script><title>대체 제목</title>'))
    assert rec["title"] == "대체 제목"


@pytest.mark.parametrize("author", [5, {"name": 5}, {"name": {"x": "y"}}, [None, 3, {"name": ["a"]}], True])
def test_non_string_payload_author_is_no_name(author):
    article = {"content": PARAS * 3, "reporters": author}
    payload = json.dumps({"props": {"pageProps": {"article": article}}}, ensure_ascii=False).replace("<", "\\u003c")
    rec = check(_page(body=f"<p>{fuzz.SENTENCES['ko'][0]}</p>"
                           f'<script id="__NEXT_DATA__" type="application/json">{payload}</script>'))
    assert rec["authors"] == [] and rec["body"]


@pytest.mark.parametrize("href", ["http://x.example:99999/a", "http://x.example:abc/", "http://[::1/a", "http://[zz]/",
                                  "http://]/", "//[", "http://x.example:-1/"])
def test_bad_canonical_urls_fall_back_to_the_page_url(href):
    rec = check(_page(f'<link rel="canonical" href="{href}"><title>t</title>'))
    assert rec["canonical_url"] == "http://x.example/news/2024/06/27/a"


@pytest.mark.parametrize("url", ["file:///tmp/page.html", "http://x.example:99999/a", "http://[::1/a", ""])
def test_a_page_url_that_is_no_http_url_stands_as_it_is(url):
    rec = check(_page(), url=url)
    assert rec["canonical_url"] == url and rec["body"]


@pytest.mark.parametrize("label", ["undefined", "unicode_escape", "utf-7", "base64", "punycode", "x-user-defined", ""])
def test_odd_charsets_in_meta_and_header_fall_back(label):
    body = _page(f'<meta charset="{label}"><title>제목</title>')
    for ctype in (None, f"text/html; charset={label}"):
        rec = check(body, ctype=ctype)
        assert rec["title"] == "제목" and rec["encoding"] == "utf-8"


@pytest.mark.parametrize("headline", [{"@value": "x"}, ["첫 제목", "둘"], 5, None, [], [{"a": 1}]])
def test_jsonld_headline_of_the_wrong_type(headline):
    ld = json.dumps({"@type": "NewsArticle", "headline": headline, "datePublished": ["2024"], "inLanguage": {"x": 1},
                     "articleSection": {"a": [1]}, "author": {"name": {"name": "김기자"}}}, ensure_ascii=False)
    rec = check(_page(f'<script type="application/ld+json">{ld}</script><title>다른 제목</title>'))
    assert rec["title"] == ("첫 제목" if headline == ["첫 제목", "둘"] else "다른 제목")


def test_lone_surrogates_in_jsonld_become_replacement_characters():
    ld = ('{"@type":"NewsArticle","headline":"한은 \\ud800 동결","author":[{"name":"김\\udfff"}],'
          '"articleSection":"\\ud83d","articleBody":"본문 \\ude00 ' + "긴 본문입니다. " * 100 + '"}')
    rec = check(_page(f'<script type="application/ld+json">{ld}</script>', "<p>짧은 글</p>"))
    assert rec["title"] == "한은 \ufffd 동결" and rec["authors"] == ["김\ufffd"] and "\ufffd" in rec["body"]
    a = parse(raw(_page(f'<script type="application/ld+json">{ld}</script>', "<p>짧은 글</p>")), SEOUL)
    assert isinstance(a, Article) and a.title == "한은 \ufffd 동결" and a.section == "\ufffd"


def test_raw_lone_surrogates_and_escape_codecs_never_reach_the_result():
    check(_page("<title>제목 \ud800</title>", "<p class='\udfff'>\ud83d" + PARAS + "</p>"))
    body = _page('<meta charset="unicode_escape"><title>\\ud800 t</title>', "<p>\\udfff</p>" + PARAS)
    check(body.replace(b'<meta charset="unicode_escape">', b""), ctype="text/html; charset=raw_unicode_escape")
    check(body)


def test_control_characters_in_text_survive_dropped_boxes():
    rec = check(_page(body="<div><nav>메뉴</nav>\x0b\x1b탭\x0c" + PARAS + "</div>"))
    assert rec["body"]


def test_far_dates_do_not_overflow():
    for value in ("9999-12-31T23:59:59Z", "0001-01-01T00:00:00Z", "0001-01-01T00:00:00+14:00"):
        check(_page(f'<meta property="article:published_time" content="{value}"><title>t</title>'))


@pytest.mark.parametrize("body", [
    "<p>입력" + " " * 200_000 + "x</p>",  # whitespace runs: the date regex tried every split
    "<p>2024.06.27일" + " " * 200_000 + "x</p>",
    "<" * 200_000,  # unclosed "<": the charset check's tag regex ran to the end from each
    "<script>" * 50_000,
    "<div>" + "<!DOCTYPE html>텍스트 " * 20_000 + "</div>",  # doctypes split one text again and again
    "<div>" + "<!-- c -->t" * 80_000 + "</div>",  # itertext() is quadratic in comments
    "<b>x</b>" * 300_000,  # past MAX_ELEMENTS (50,000)
])
def test_pages_that_were_super_linear_take_well_under_two_seconds(body):
    page = _page('<meta charset="utf-8"><title>' + "제목 | a " * 20_000 + "</title><meta name='author' content='a"
                 + " " * 100_000 + "b'>", PARAS + body)
    started = time.perf_counter()
    check(page)
    assert time.perf_counter() - started < 6  # both entry points; each was minutes or more before
