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
