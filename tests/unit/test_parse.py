from datetime import UTC, datetime

from newsflow.config import Source
from newsflow.models import Article, RawPage, Rejected
from newsflow.parse import parse

SRC = Source(name="s", feeds=[{"type": "urls", "urls": ["http://x.example/"]}])
PARAS = ["한국은행 금융통화위원회는 27일 기준금리를 연 3.50%로 동결했다고 밝혔다. 열두 번째 동결이다.",
         "이창용 총재는 기자간담회에서 \"물가 경로를 좀 더 확인해야 한다\"고 말했다.",
         "시장에서는 하반기 인하 가능성에 무게를 두고 있다. 채권 금리는 소폭 하락했다."]


def page(head: str, body: str) -> bytes:
    return f"<html lang=\"ko\"><head>{head}</head><body>{body}</body></html>".encode()


def raw(body: bytes, url="http://x.example/view/20240627093512345", ctype="text/html; charset=utf-8"):
    return RawPage(url, url, "s", 200, {"content-type": ctype}, body, datetime(2024, 6, 27, tzinfo=UTC))


CHROME = ("<nav><a href='/'>홈</a><a href='/e'>경제</a></nav><div class='ad'>광고 문의 02-000-0000 광고 광고 광고</div>"
          "<ul class='ranking'><li><a href='/1'>많이 본 뉴스 첫 번째 기사 제목입니다</a></li></ul>")
ARTICLE = "<div id='article-body'>" + "".join(f"<p>{p}</p>" for p in PARAS) + "</div>"


def test_jsonld_wins_and_provenance_is_kept():
    ld = ('<script type="application/ld+json">{"@context":"https://schema.org","@graph":[{"@type":"WebSite"},'
          '{"@type":"NewsArticle","headline":"한은, 기준금리 연 3.50% 동결","datePublished":"2024-06-27T09:35:12+09:00",'
          '"dateModified":"2024-06-27T11:00:00+09:00","author":[{"@type":"Person","name":"김도윤"}]}]}</script>')
    head = ld + '<meta property="og:title" content="OG 제목"><title>다른 제목 | 한빛경제</title>'
    a = parse(raw(page(head, CHROME + "<h1>H1 제목</h1>" + ARTICLE)), SRC)
    assert isinstance(a, Article)
    assert (a.title, a.title_source) == ("한은, 기준금리 연 3.50% 동결", "jsonld")
    assert (a.published_local, a.date_source) == ("2024-06-27T09:35:12+09:00", "jsonld")
    assert a.modified_at.isoformat() == "2024-06-27T11:00:00+09:00"
    assert a.authors == ("김도윤",) and a.lang == "ko"
    assert list(a.paragraphs) == PARAS


def test_opengraph_then_title_tag():
    head = ('<meta property="og:title" content="OG 제목"><meta property="og:type" content="article">'
            '<meta property="article:published_time" content="2024-06-26T22:12:00Z">')
    a = parse(raw(page(head, CHROME + ARTICLE)), SRC)
    assert (a.title, a.title_source, a.date_source) == ("OG 제목", "og", "og")
    # 22:12 UTC on the 26th is 07:12 in Seoul on the 27th: that day's news
    assert a.published_local == "2024-06-27T07:12:00+09:00" and str(a.published_date) == "2024-06-27"
    b = parse(raw(page("<title>제목만 있음 - 동남일보</title>", ARTICLE)), SRC)
    assert (b.title, b.title_source) == ("제목만 있음", "title")


def test_korean_visible_dates_and_url_fallback():
    body = "<div class='info'>입력 2024.06.27 09:15 | 수정 2024.06.27 11:02</div>" + ARTICLE
    a = parse(raw(page("<title>t</title>", body)), SRC)
    assert (a.published_local, a.date_source) == ("2024-06-27T09:15:00+09:00", "text")
    assert a.modified_at.isoformat() == "2024-06-27T11:02:00+09:00"
    b = parse(raw(page("<title>t</title>", "<span>2024년 6월 27일 오후 3:05</span>" + ARTICLE)), SRC)
    assert b.published_local == "2024-06-27T15:05:00+09:00"
    c = parse(raw(page("<title>t</title>", ARTICLE)), SRC)
    assert (c.published_local, c.date_source) == ("2024-06-27T09:35:12+09:00", "url")


def test_generic_extractor_on_euc_kr_table_layout_with_br_paragraphs():
    body = ("<table><tr><td class='menu'><a href='/1'>정치</a> <a href='/2'>경제</a></td></tr>"
            "<tr><td class='view_txt'>" + "<br><br>".join(PARAS) + "<br><br>박서준 기자 sj@dongnam.example</td></tr></table>")
    html = ('<html><head><title>기준금리 동결</title></head><body>' + body + "</body></html>").encode("cp949")
    a = parse(raw(html, ctype="text/html"), SRC)
    assert a.encoding == "cp949" and a.encoding_source == "detected"
    assert list(a.paragraphs[:3]) == PARAS
    assert a.authors == ("박서준",)


def test_broken_jsonld_is_skipped():
    head = '<script type="application/ld+json">{"@type": "NewsArticle", "headline": "깨진 JSON",,}</script><title>대체 제목</title>'
    a = parse(raw(page(head, ARTICLE)), SRC)
    assert a.title == "대체 제목"


def test_non_article_and_empty_pages_become_rejects():
    promo = page('<meta property="og:type" content="website"><title>구독 신청</title>', "<p>지금 구독하세요</p>")
    r = parse(raw(promo), SRC)
    assert isinstance(r, Rejected) and r.reason == "not_article" and r.stage == "parse"
    r2 = parse(raw(b""), SRC)
    assert isinstance(r2, Rejected) and r2.reason == "no_body"


def test_profile_selector_first():
    src = Source(name="s", feeds=[{"type": "urls", "urls": ["http://x.example/"]}],
                 profile={"body": "#article-body", "drop": [".caption"]})
    body = "<div id='article-body'><p class='caption'>[사진=연합뉴스]</p>" + "".join(f"<p>{p}</p>" for p in PARAS) + "</div>"
    a = parse(raw(page("<title>t</title>", "<div class='x'><p>" + "다른 긴 글입니다. " * 30 + "</p></div>" + body)), src)
    assert list(a.paragraphs) == PARAS


def test_mojibake_page_is_rejected_with_a_reason():
    text = "".join(f"<p>{p}</p>" for p in PARAS * 2)
    # what an old server with a wrong charset and no way to recover looks like: already-garbled UTF-8
    garbled = ("<html><head><meta charset='utf-8'><title>t</title></head><body><div>" + text + "</div></body></html>"
               ).encode("cp949").decode("latin-1").encode("utf-8")
    r = parse(raw(garbled), SRC)
    assert isinstance(r, Rejected) and r.reason == "mojibake" and "Latin-1" in r.detail


def test_body_only_in_a_next_data_payload_with_reporters():
    import json as _json

    content = "".join(f"<p>{p}</p>" for p in PARAS * 2)
    article = {"title": "수출 최대", "content": content, "reporters": [{"name": "오지민", "email": "jm@x.example"}],
               "publishedAt": "2024-11-01T15:48:08+09:00"}
    payload = _json.dumps({"props": {"pageProps": {"article": article}}}, ensure_ascii=False).replace("<", "\\u003c")
    html = page('<title>수출 최대 | 마루경제</title><meta property="og:type" content="article">',
                f"<h1>수출 최대</h1><p>{PARAS[0]}</p>"
                f'<script id="__NEXT_DATA__" type="application/json">{payload}</script>')
    a = parse(raw(html), SRC)
    assert list(a.paragraphs) == PARAS * 2  # as in the payload; the repeats are clean's job
    assert a.authors == ("오지민",)


def test_jsonld_article_body_wins_when_the_page_shows_little():
    import json as _json

    ld = _json.dumps({"@type": "NewsArticle", "headline": "h", "articleBody": "\n".join(PARAS * 2)}, ensure_ascii=False)
    head = f'<script type="application/ld+json">{ld}</script>'
    a = parse(raw(page(head, f"<p>{PARAS[0]}</p>")), SRC)
    assert list(a.paragraphs[:3]) == PARAS


def test_junk_looking_class_on_the_article_column_is_kept_and_split_bodies_are_joined():
    paras = [f"{p} ({i}번째 문단)" for i, p in enumerate(PARAS * 3)]
    filler = "".join(f"<li><a href='/{i}'>다른 기사 제목 {i}번입니다</a></li>" for i in range(10))
    html = page("<title>t</title>",
                "<div class='l-sidebar-fixed l-segment'>"
                + "<div class='art-body'>" + "".join(f"<p>{p}</p>" for p in paras[:6]) + "</div>"
                "<div class='promo-box'>광고</div>"
                + "<div><div class='art-body'>" + "".join(f"<p>{p}</p>" for p in paras[6:]) + "</div></div></div>"
                f"<ul class='sidebar'>{filler}</ul>")
    a = parse(raw(html), SRC)
    assert list(a.paragraphs) == paras


def test_cookie_banner_does_not_win_over_the_article():
    banner = ("<div class='privacy'><p>We use cookies and other tracking technologies to improve your browsing "
              "experience on our site, show personalized content and targeted ads, analyze site traffic, and "
              "understand where our audience is coming from. By continuing you consent to our cookie policy "
              "and our privacy policy and terms of use, all rights reserved.</p></div>")
    english = ["Another cloud of smoke is set to descend upon the residents of Delhi this week, forecasters say.",
               "Farmers burn the stubble left after the rice harvest, and the smoke drifts over the capital.",
               "A 2009 law meant to save groundwater pushed the harvest later, into the windless winter."]
    html = page("<title>t</title>", banner + "<article>" + "".join(f"<p>{p}</p>" for p in english) + "</article>")
    assert list(parse(raw(html), SRC).paragraphs) == english


def test_cjk_dates_headline_relative_and_zone_by_language():
    zh = ("<html lang='zh-CN'><head><title>央行宣布降准</title></head><body><div>今天是2005年8月20日</div>"
          "<h1>央行宣布降准</h1><div>发布时间：2005年08月16日 09:30</div><div>"
          + "".join(f"<p>中国人民银行决定下调金融机构存款准备金率，释放长期资金约一万亿元。第{i}段。</p>" for i in range(4))
          + "</div></body></html>").encode()
    a = parse(raw(zh), SRC, zone_from_lang=True)
    assert (a.published_local, a.date_source) == ("2005-08-16T09:30:00+08:00", "text")
    en = page('<title>t</title><meta property="article:published_time" content="2025-02-06T23:25:34Z">', ARTICLE).replace(
        b'lang="ko"', b'lang="en"')
    b = parse(raw(en), SRC, zone_from_lang=True)
    assert b.published_local.startswith("2025-02-06T23:25:34+00:00")  # no zone to move it to
    c = parse(raw(en), SRC)  # a configured Seoul source shows UTC times in Seoul
    assert c.published_local == "2025-02-07T08:25:34+09:00"


def test_title_without_paper_prefix_and_author_role_words():
    html = page('<meta name="author" content="한지후 기자"><title>[여울일보] 삼성전자, 평택에 HBM 라인 투자</title>',
                "<table><tr><td><b>삼성전자, 평택에 HBM 라인 투자</b></td></tr></table>" + ARTICLE)
    a = parse(raw(html), SRC)
    assert (a.title, a.title_source) == ("삼성전자, 평택에 HBM 라인 투자", "heading")
    assert a.authors == ("한지후",)


def test_byline_outside_the_body_is_found():
    html = page("<title>t</title>", ARTICLE + "<table><tr><td class='view_reporter'><b>한지후 기자</b> "
                "jihu@yeoul.example</td></tr></table>")
    assert parse(raw(html), SRC).authors == ("한지후",)


def test_og_website_with_a_real_body_is_still_an_article():
    long = "".join(f"<p>{p} {p}</p>" for p in PARAS * 2)
    html = page('<meta property="og:type" content="website"><title>t</title>', f"<div>{long}</div>")
    assert isinstance(parse(raw(html), SRC), Article)


# -- hostile pages: what the robustness work keeps equal, and the CLI on a folder with bad pages --
# the date, title and role-word patterns as they were before they were made linear-time
# (possessive quantifiers, no match from inside a whitespace run): same matches, same groups
_PLAIN_KO_DATE = (
    r"(?=[\s:：12{firsts}])(?P<label>{labels})?\s*[:：]?\s*"
    r"(?P<y>20\d\d|19\d\d)\s*(?:[.\-/]|년|年)\s*(?P<m>\d{{1,2}})\s*(?:[.\-/]|월|月)\s*(?P<d>\d{{1,2}})\s*[일日]?\.?"
    r"(?:\s*[(（][월화수목금토일月火水木金土日一二三四五六天]{{1,3}}[)）])?"
    r"(?:\s*(?P<ampm>오전|오후|AM|PM|am|pm|上午|下午|午前|午後)?\s*(?P<H>\d{{1,2}})\s*[:시時]\s*(?P<M>\d{{2}})"
    r"(?:\s*[:분分]\s*(?P<S>\d{{2}}))?)?")


def test_linear_time_patterns_match_as_the_plain_ones_did():
    import re
    import time

    from hypothesis import given, settings
    from hypothesis import strategies as st

    from newsflow import metadata as m

    plain = re.compile(_PLAIN_KO_DATE.format(firsts="".join(sorted({lb[0] for lb in m._DATE_LABELS})),
                                             labels="|".join(m._DATE_LABELS)))
    title_split = re.compile(r"\s+(?:[|\-–—:·<>]|::)\s+")
    role = re.compile(m._ROLE_WORDS.pattern.replace(r"(?<!\s)\s*+", r"\s*", 1), re.I)
    atoms = st.sampled_from(["2024", "1999", "20", "06", "6", "27", ".", "-", "/", "년", "월", "일", "日", " ", "  ",
                             "\n", "\u3000", ":", "：", "입력", "수정", "Published", "오후", "PM", "(", ")", "목", "시",
                             "분", "3", "05", "x", "|", "–", "::", "기자", "reporter", "김"])

    @settings(max_examples=400, deadline=None, derandomize=True)
    @given(st.lists(atoms, max_size=25).map("".join))
    def same(text):
        assert [(x.span(), x.groupdict()) for x in m._KO_DATE.finditer(text)] == \
            [(x.span(), x.groupdict()) for x in plain.finditer(text)]
        assert m._TITLE_SPLIT.split(text) == title_split.split(text)
        assert m._ROLE_WORDS.sub("", text) == role.sub("", text)

    same()
    started = time.perf_counter()
    for text in ("입력" + " " * 100_000 + "x", "2024.06.27일" + " " * 100_000 + "x", " " * 100_000):
        list(m._KO_DATE.finditer(text))
        m._TITLE_SPLIT.split(text)
        m._ROLE_WORDS.sub("", text)
    assert time.perf_counter() - started < 2  # the plain patterns: cubic in a run's length


def test_text_lengths_are_text_of_lengths():
    from hypothesis import given, settings
    from hypothesis import strategies as st

    from newsflow.metadata import NOT_TEXT, text_lengths, text_of
    from newsflow.parse import html_document

    atoms = st.sampled_from(["<div class='a'>", "</div>", "<p>", "</p>", "<a href=x>", "</a>", " 글 ", "  ", "\n",
                             "<br>", "<!-- c -->", "<script>s</script>", "<ruby>r<rt>x<b>y</b></rt></ruby>",
                             "<template><p>t</p></template>", "<!DOCTYPE html>", "<b>", "</b>", "word"])

    @settings(max_examples=300, deadline=None, derandomize=True)
    @given(st.lists(atoms, max_size=40).map("".join))
    def same(html):
        doc = html_document(html)
        lengths = text_lengths(doc)
        for el in doc.iter():
            if el.tag.__class__ is str and el.tag not in NOT_TEXT:
                n, nodes, links = lengths[el]
                assert n == len(text_of(el))
                assert nodes == sum(1 for _ in el.iter())
                assert links == sum(len(text_of(a)) for a in el.iterdescendants("a"))

    same()


def test_parse_dir_writes_every_good_page_and_names_the_bad_ones(tmp_path, monkeypatch, capsys):
    import json as _json

    import newsflow.parse as parse_module
    from newsflow.__main__ import main

    src, out = tmp_path / "in", tmp_path / "out"
    src.mkdir()
    good = page("<title>기준금리 동결</title>", ARTICLE).decode()
    for name in ("a", "b", "c"):
        (src / f"{name}.html").write_text(good, encoding="utf-8")
    (src / "boom.html").write_text(good.replace("기준금리 동결", "BOOM"), encoding="utf-8")
    (src / "gone.html").symlink_to(tmp_path / "missing.html")  # unreadable
    real = parse_module._parse

    def flaky(raw_page, source, zone_from_lang):
        if b"BOOM" in raw_page.body:
            raise RecursionError("maximum recursion depth exceeded")
        return real(raw_page, source, zone_from_lang)

    monkeypatch.setattr(parse_module, "_parse", flaky)
    assert main(["parse", "--dir", str(src), "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert "boom.html: parser_error: RecursionError" in err and "gone.html: failed: FileNotFoundError" in err
    assert sorted(p.name for p in out.iterdir()) == ["a.json", "b.json", "boom.json", "c.json"]
    assert _json.loads((out / "a.json").read_text(encoding="utf-8"))["title"] == "기준금리 동결"
    assert _json.loads((out / "boom.json").read_text(encoding="utf-8"))["rejected"]["reason"] == "parser_error"
    (src / "gone.html").unlink()
    (src / "boom.html").unlink()
    assert main(["parse", "--dir", str(src), "--out", str(out)]) == 0


SCRIPT_BLOB = ("window.$functions = { log: that => { console.debug('log', that); return ''; }, "
               "getOrigin: origin => { return origin || ''; }, isLocked: function (issue, cache) { "
               "if (!issue) { return false; } var key = document.location.href.split('?')[0]; "
               "return cache[key] === undefined ? null : cache[key]; } }; ") * 8


def test_script_like_blob_in_a_div_is_never_the_body():
    # the page's biggest text block is JavaScript shown as text (no <script> tag to drop it)
    html = page("<title>t</title>", f"<div class='app'>{SCRIPT_BLOB}</div>" + ARTICLE)
    a = parse(raw(html), SRC)
    assert isinstance(a, Article)
    assert list(a.paragraphs) == PARAS
    # the blob alone, even in a <pre>, elects nothing: a page of nothing but code has no body
    b = parse(raw(page("<title>t</title>", f"<div><pre>{SCRIPT_BLOB}</pre></div><p>짧은 글.</p>")), SRC)
    assert isinstance(b, Rejected)


def test_script_like_payload_value_is_skipped_for_the_article_in_the_payload():
    import json as _json

    content = "".join(f"<p>{p}</p>" for p in PARAS * 2)
    data = {"config": {"custom.server.js": SCRIPT_BLOB}, "article": {"contentHtml": content}}
    payload = _json.dumps(data, ensure_ascii=False).replace("<", "\\u003c")
    html = page('<title>t</title><meta property="og:type" content="article">',
                f"<h1>수출 최대</h1><p>{PARAS[0]}</p>"
                f'<script type="application/json">{payload}</script>')
    a = parse(raw(html), SRC)
    assert list(a.paragraphs) == PARAS * 2


def test_article_quoting_code_in_a_pre_keeps_it():
    prose = ["The new release changes how configuration files are read, and most users will not notice.",
             "Projects that load settings at start-up need one change, shown below, before they upgrade.",
             "The maintainers say the old behaviour will be removed in the next major version next year."]
    code = ("function load(path) { var cfg = readConfig(path); if (cfg === null) { return {}; } "
            "return Object.assign({}, defaults, cfg); }")
    body = ("<div id='story'>" + f"<p>{prose[0]}</p><p>{prose[1]}</p><pre>{code}</pre><p>{prose[2]}</p>"
            + "</div>")
    a = parse(raw(page("<title>Release notes</title>", CHROME + body)), SRC)
    assert isinstance(a, Article)
    assert list(a.paragraphs) == [prose[0], prose[1], code, prose[2]]
    # the same code as a bare block of the article (no <pre>) is taken for page chrome and left out
    bare = body.replace("<pre>", "<div>").replace("</pre>", "</div>")
    b = parse(raw(page("<title>Release notes</title>", CHROME + bare)), SRC)
    assert list(b.paragraphs) == prose
    # prose with brackets, colons and figures is no code: a credit line, a table-like summary line
    notes = ["Photo [M]: Agency; text: ab, cd; first published: 4.4.18",
             "Cases in 2023 (first half): 12 (second highest); in 2022: 20 (third); in 2021: 9 (n/a) [source: "
             "ministry report, table 3 (p. 14)]; figures for 2024 (provisional): 7."]
    c = parse(raw(page("<title>Release notes</title>",
                       CHROME + body.replace("</div>", "".join(f"<p>{n}</p>" for n in notes) + "</div>"))), SRC)
    assert list(c.paragraphs) == [prose[0], prose[1], code, prose[2], *notes]


def test_an_article_inside_a_page_wide_form_is_kept_and_a_small_form_still_goes():
    """ASP.NET pages wrap everything in one <form runat=server>: stripping every form left them
    with no body at all."""
    story = "".join(f"<p>The central bank kept its policy rate at 3.5 percent on Thursday, citing inflation "
                    f"that remains above target in paragraph {i}, and said it would watch the currency.</p>"
                    for i in range(8))
    html = (f'<html><head><title>Rates held</title></head><body><form id="aspnetForm" method="post">'
            f'<input type="hidden" name="__VIEWSTATE" value="x"><div class="nav"><a href="/">Home</a></div>'
            f'<div id="content"><h1>Rates held</h1>{story}</div></form>'
            f'<form action="/search"><p>Search the site for more news about rates and markets today</p>'
            f'<input name="q"><button>Go</button></form></body></html>')
    art = parse(raw(html.encode()), SRC)
    assert isinstance(art, Article), art
    assert "policy rate at 3.5 percent" in art.body and "paragraph 7" in art.body
    assert "Search the site" not in art.body and "__VIEWSTATE" not in art.body


def test_an_article_swallowed_by_an_unclosed_aside_is_kept_and_a_real_aside_still_goes():
    """An unclosed <aside> before the article column puts the article inside it (the browser's
    and lxml's tree): dropping every aside left the page with no body."""
    story = "".join(f"<p>Lawmakers added school funding to the state budget on Thursday after complaints, "
                    f"paragraph {i} says, and the governor endorsed the deal on Friday.</p>" for i in range(8))
    html = (f'<html><head><title>Budget endorsed</title></head><body>'
            f'<aside class="secondary"><div class="promo"><a href="/x">Subscribe</a></div>'
            f'<section><article><h1>Budget endorsed</h1>{story}</article></section>'
            f'<aside class="related"><p>Related: more budget stories from the statehouse this week</p></aside>'
            f'</body></html>')
    art = parse(raw(html.encode()), SRC)
    assert isinstance(art, Article), art
    assert "paragraph 0" in art.body and "paragraph 7" in art.body
    assert "more budget stories" not in art.body


def test_title_loses_a_site_name_tail_and_json_ld_entities():
    def title(head: str, url: str = "https://www.boersen-zeitung.de/markets/story") -> str:
        art = parse(raw(page(head, "<h1>x</h1>" + ARTICLE), url=url), SRC)
        assert isinstance(art, Article), art
        return art.title

    # the site's name, fuzzily (Börsen-Zeitung on boersen-zeitung.de), with a date piece
    assert title('<meta property="og:title" content="Steigende US-Zinsen setzen Dax zu | Börsen-Zeitung">') \
        == "Steigende US-Zinsen setzen Dax zu"
    assert title('<meta property="og:title" content="Ziele, Chancen, Risiken | DW | 28.04.2023">',
                 url="https://www.dw.com/de/a-1") == "Ziele, Chancen, Risiken"
    assert title('<meta property="og:site_name" content="Taipei Times">'
                 '<meta property="og:title" content="Chip exports rise - Taipei Times">',
                 url="https://www.taipeitimes.com/News/1") == "Chip exports rise"
    # a headline with a dash in it keeps its second half: it names no site
    assert title('<meta property="og:title" content="Abnehmspritze kommt - So teuer wird sie">',
                 url="https://www.waz.de/leben/1") == "Abnehmspritze kommt - So teuer wird sie"
    assert title('<meta property="og:title" content="Abnehmspritze kommt - So teuer wird sie">') \
        == "Abnehmspritze kommt - So teuer wird sie"
    # JSON-LD strings are JSON, not HTML, but CMSs write entities into them
    ld = ('<script type="application/ld+json">{"@type":"NewsArticle",'
          '"headline":"K&uuml;hlt&uuml;rme gesprengt: &quot;Ende&quot; &#8211; vorbei"}</script>')
    assert title(ld) == 'Kühltürme gesprengt: "Ende" – vorbei'


def test_chinese_and_japanese_bylines_name_the_reporters_not_menu_items_or_sentences():
    from newsflow.parse import _byline_authors

    def names(line: str) -> tuple[str, ...]:
        return _byline_authors([line], anywhere=True)

    assert names("新华网黑龙江频道\xa0 记者\xa0 伊琳\xa0 李清芬") == ("伊琳", "李清芬")
    assert names("記者張志雄、張梓嘉／嘉義報導") == ("張志雄", "張梓嘉")
    assert names("記者：邱雯琪 羅執中\xa0\xa0台北報導") == ("邱雯琪", "羅執中")
    assert names("（記者：山田太郎）") == ("山田太郎",)
    assert names("作者：张三 记者 李四") == ("张三", "李四")
    # editors only when no reporter is named
    assert names("(责编：牛镛、岳弘彬)") == ("牛镛", "岳弘彬")
    assert _byline_authors(["记者 李宝花", "(责编：牛镛)"], anywhere=True) == ("李宝花",)
    # a sentence, a menu item, a photo credit
    for line in ("记者从市商务局获悉，今年一季度", "記者部落", "记者即时播报", "编辑推荐", "（記者鄭名娟攝）"):
        assert names(line) == (), line


def test_a_body_cut_into_one_box_per_paragraph_is_read_whole_and_a_teaser_column_is_not():
    """Each paragraph in its own nested box (one per paragraph, as some CMS block editors write
    them): the best single box holds one paragraph; its paragraphs' common section is the body."""
    paras = [f"Paragraph {i} of the story says the department delayed the return-to-office plan again, "
             f"officials said on Tuesday, and {'more ' * i}details followed." for i in range(6)]
    story = "".join(f'<div class="block"><div class="inline"><p>{p}</p></div></div>' for p in paras)
    teasers = "".join(f'<div class="promo"><p>Also read: an unrelated feature number {i} about '
                      f'gardening and the weekend weather outlook for the region.</p></div>' for i in range(2))
    html = (f"<html><head><title>Plan delayed</title></head><body><main><section class='story'>{story}</section>"
            f"<div class='col'>{teasers}</div></main></body></html>")
    art = parse(raw(html.encode()), SRC)
    assert isinstance(art, Article), art
    assert list(art.paragraphs) == paras


def test_a_short_story_under_its_headline_beats_a_longer_notice_elsewhere_on_the_page():
    """Old portals: a short story under its <h1>, and further down a somewhat longer block of
    prose that is no article (a legal notice, another story's teaser)."""
    story = ("<p>Евро подешевел к украинской гривне почти на 10 копеек, сообщил Национальный банк во вторник.</p>"
             "<p>Курсы доллара и российского рубля остаются стабильными, отмечают аналитики рынка в Киеве.</p>"
             "<p>Официальный курс валют на Украине устанавливается ежедневно по итогам межбанковских торгов.</p>")
    notice = "".join(f"<p>Согласно договору между агентством и автором {i}, публикуются материалы.</p>"
                     for i in range(5))
    html = (f"<html><head><title>Евро подешевел к гривне</title></head><body><table><tr><td class='main'>"
            f"<div class='hd'><h1>Евро подешевел к гривне</h1></div><div class='txt'>{story}</div></td></tr></table>"
            f"<div class='bottom'><div class='legal'>{notice}</div></div></body></html>")
    assert 1.2 * len(story) < len(notice) < 1.45 * len(story)
    art = parse(raw(html.encode()), SRC)
    assert isinstance(art, Article), art
    assert "почти на 10 копеек" in art.body and "договору между" not in art.body


def test_a_page_that_names_no_title_keeps_its_body_under_its_first_line():
    """No JSON-LD, OpenGraph, <h1> or <title>: the article is kept (it used to be a no_title
    reject, its body lost), titled by its first line, and cleaning keeps that line in the body."""
    from newsflow.clean import clean

    html = "<html><body><div id='article-body'>" + "".join(f"<p>{p}</p>" for p in PARAS) + "</div></body></html>"
    art = parse(raw(html.encode()), SRC)
    assert isinstance(art, Article), art
    assert art.title_source == "first_line" and art.title == PARAS[0]
    assert list(clean(art).paragraphs) == PARAS


def test_a_junk_named_wrapper_around_the_headline_and_story_is_kept():
    """A site wrapper whose class says "nav" (BBC's blq-int-nav) around the whole page, links
    and all: dropping it by its name dropped the story under its headline."""
    menu = "".join(f"<li><a href='/s{i}'>Раздел номер {i} сайта новостей</a></li>" for i in range(40))
    story = "".join(f"<p>{p}</p>" for p in ("Британские ученые: потеря памяти начинается уже в 45 лет, говорится в исследовании.",
                                            "Исследователи наблюдали за семью тысячами чиновников в течение десяти лет.",
                                            "Результаты опубликованы в британском медицинском журнале на этой неделе."))
    html = (f"<html><head><title>Потеря памяти начинается в 45 лет - BBC Russian</title></head><body>"
            f"<div id='blq-container' class='blq-int-nav'><ul>{menu}</ul><div id='blq-content'>"
            f"<h1>Потеря памяти начинается в 45 лет</h1>{story}</div></div></body></html>")
    art = parse(raw(html.encode(), url="https://www.bbc.co.uk/russian/science/2012/01/120106"), SRC)
    assert isinstance(art, Article), art
    assert "семью тысячами" in art.body and "Раздел номер" not in art.body


def test_a_long_reader_comment_never_wins_over_the_story():
    """A single reader's comment longer than the story, in a box named "comment": the
    quarter-of-the-page rule used to keep it, and then it won the body."""
    story = "".join(f"<p>{p}</p>" for p in ("Po kataklizmie uderza zaraza, ostrzegają lekarze w regionie powodzi.",
                                            "Służby sanitarne apelują o szczepienia i gotowanie wody pitnej.",
                                            "W szpitalach przybywa pacjentów z objawami infekcji jelitowych."))
    comment = "<p>" + " ".join(f"Moim zdaniem rząd znowu zawiódł ludzi po raz {i}, a media o tym milczą." for i in range(8)) + "</p>"
    html = (f"<html><head><title>Po kataklizmie uderza zaraza</title></head><body><div id='main'>"
            f"<div class='article'><h1>Po kataklizmie uderza zaraza</h1>{story}</div>"
            f"<div class='comments-list-content'><div class='comment' id='c1'><div class='comment-matter'>{comment}"
            f"</div></div></div></div></body></html>")
    art = parse(raw(html.encode()), SRC)
    assert isinstance(art, Article), art
    assert "gotowanie wody" in art.body and "rząd znowu" not in art.body
