from datetime import date

from newsflow.config import Source
from newsflow.discover import discover
from newsflow.http import FixtureClient

B = "http://news.example"
RSS = f"""<?xml version="1.0" encoding="euc-kr"?>
<rss version="2.0"><channel><title>동남일보</title>
<item><title>기준금리 동결</title><link>{B}/news/1.html?utm_source=rss</link><pubDate>Thu, 27 Jun 2024 00:30:00 +0900</pubDate></item>
<item><title>어제 기사</title><link>{B}/news/2.html</link><pubDate>Wed, 26 Jun 2024 23:59:00 +0900</pubDate></item>
<item><title>날짜 없음</title><link>{B}/news/3.html</link></item>
<item><title>중복</title><link>{B}/news/1.html#top</link><pubDate>Thu, 27 Jun 2024 09:00:00 +0900</pubDate></item>
</channel></rss>""".encode("cp949")
INDEX = f"""<?xml version="1.0"?><sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
<sitemap><loc>{B}/sitemap-news.xml</loc></sitemap></sitemapindex>""".encode()
NEWS = f"""<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"
 xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">
<url><loc>{B}/en/10</loc><news:news><news:publication_date>2024-06-26T22:10:00Z</news:publication_date>
<news:title>BOK holds</news:title></news:news></url>
<url><loc>{B}/en/11</loc><news:news><news:publication_date>2024-06-26T10:00:00+09:00</news:publication_date></news:news></url>
</urlset>""".encode()


def _source(**feeds):
    return Source(name="s", feeds=[{"type": t, "url": u} for t, u in feeds.items()])


def test_rss_in_euc_kr_filters_by_local_date_and_canonicalises():
    client = FixtureClient({f"{B}/rss.xml": (200, {"content-type": "application/xml"}, RSS)})
    found = discover(_source(rss=f"{B}/rss.xml"), date(2024, 6, 27), client)
    assert [c.url for c in found.candidates] == [f"{B}/news/1.html", f"{B}/news/3.html"]
    assert found.candidates[0].title_hint == "기준금리 동결"
    assert found.out_of_interval == 1
    assert [r.kind for r in found.fetch_log] == ["feed"]


def test_sitemap_index_and_news_sitemap_dates_in_source_zone():
    client = FixtureClient({f"{B}/index.xml": (200, {}, INDEX), f"{B}/sitemap-news.xml": (200, {}, NEWS)})
    found = discover(_source(sitemap=f"{B}/index.xml"), date(2024, 6, 27), client)
    # 22:10 UTC on the 26th is 07:10 KST on the 27th
    assert [c.url for c in found.candidates] == [f"{B}/en/10"]
    assert len(found.fetch_log) == 2


def test_failed_feed_is_logged_not_raised():
    found = discover(_source(rss=f"{B}/missing.xml"), date(2024, 6, 27), FixtureClient({}))
    assert found.candidates == [] and found.feed_errors == 1
    assert found.fetch_log[0].status == 404 and not found.fetch_log[0].ok


def test_cap_per_source():
    src = Source(name="s", max_articles=2, feeds=[{"type": "urls", "urls": [f"{B}/{i}" for i in range(5)]}])
    assert len(discover(src, date(2024, 6, 27), FixtureClient({})).candidates) == 2


LISTING = """<html><body><ul class="list">
<li class="item"><a href="/news/10.html?utm_campaign=x">첫 기사</a></li>
<li class="item"><a href="https://WWW.news.example/news/11.html">둘째 기사</a></li>
</ul><div class="ad"><a href="/ad">광고</a></div></body></html>""".encode("cp949")


def test_listing_page_with_selector_and_www_policy():
    src = Source(name="s", www="strip", feeds=[{"type": "listing", "url": "http://www.news.example/list",
                                                "selector": "ul.list li.item a"}])
    client = FixtureClient({"http://www.news.example/list": (200, {"content-type": "text/html"}, LISTING)})
    found = discover(src, date(2024, 6, 27), client)
    assert [c.url for c in found.candidates] == ["http://news.example/news/10.html", "https://news.example/news/11.html"]
    assert found.candidates[0].title_hint == "첫 기사"


def test_known_urls_are_skipped_and_a_304_feed_reuses_the_kept_body():
    client = FixtureClient({f"{B}/rss.xml": (304, {"etag": '"v1"'}, b"")})
    found = discover(_source(rss=f"{B}/rss.xml"), date(2024, 6, 27), client, known={f"{B}/news/3.html"},
                     validators={f"{B}/rss.xml": {"etag": '"v1"'}}, cached=lambda url: RSS)
    assert [c.url for c in found.candidates] == [f"{B}/news/1.html"]
    assert found.skipped_known == [f"{B}/news/3.html"]
    assert found.fetch_log[0].outcome == "not_modified" and found.feeds == []


def test_listing_feed_needs_a_selector():
    import pytest

    from newsflow.config import ConfigError, parse_sources

    with pytest.raises(ConfigError, match="needs 'selector'"):
        parse_sources("sources: [{name: a, feeds: [{type: listing, url: 'http://x.example/'}]}]", env={})


HTML_PAGE = b"<!DOCTYPE html><html><head><title>Home</title></head><body><a href='/news/1'>x</a></body></html>"


def test_an_html_page_served_as_a_feed_is_a_feed_error_with_a_failed_row():
    client = FixtureClient({f"{B}/rss.xml": (200, {"content-type": "text/html"}, HTML_PAGE),
                            f"{B}/sitemap.xml": (200, {"content-type": "text/html"}, HTML_PAGE),
                            f"{B}/empty.xml": (200, {"content-type": "application/xml"}, b"")})
    src = Source(name="s", feeds=[{"type": "rss", "url": f"{B}/rss.xml"},
                                  {"type": "sitemap", "url": f"{B}/sitemap.xml"},
                                  {"type": "sitemap", "url": f"{B}/empty.xml"}])
    found = discover(src, date(2024, 6, 27), client)
    assert found.candidates == [] and found.feed_errors == 3
    assert [(r.outcome, r.ok, r.error_class) for r in found.fetch_log] == [("failed", False, "feed_not_parsed")] * 3
    assert found.fetch_log[0].status == 200  # what the server said is kept


def test_an_empty_but_valid_feed_is_not_an_error():
    empty = b'<?xml version="1.0"?><rss version="2.0"><channel><title>t</title></channel></rss>'
    found = discover(_source(rss=f"{B}/rss.xml"), date(2024, 6, 27),
                     FixtureClient({f"{B}/rss.xml": (200, {"content-type": "application/rss+xml"}, empty)}))
    assert found.feed_errors == 0 and found.fetch_log[0].ok


def _index(*locs: str) -> bytes:
    items = "".join(f"<sitemap><loc>{loc}</loc></sitemap>" for loc in locs)
    return (f'<?xml version="1.0"?><sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{items}'
            "</sitemapindex>").encode()


def test_a_sitemap_index_listing_itself_or_a_cycle_is_fetched_once_per_url():
    # the index lists itself (spelled two ways), a and b; a and b list each other and the index
    client = FixtureClient({
        f"{B}/index.xml": (200, {}, _index(f"{B}/index.xml", "HTTP://NEWS.example:80/index.xml#x", f"{B}/a.xml",
                                           f"{B}/b.xml")),
        f"{B}/a.xml": (200, {}, _index(f"{B}/b.xml", f"{B}/index.xml", "/sitemap-news.xml")),
        f"{B}/b.xml": (200, {}, _index(f"{B}/a.xml", f"{B}/index.xml")),
        f"{B}/sitemap-news.xml": (200, {}, NEWS),
    })
    found = discover(_source(sitemap=f"{B}/index.xml"), date(2024, 6, 27), client)
    assert sorted(client.requested) == [f"{B}/a.xml", f"{B}/b.xml", f"{B}/index.xml", f"{B}/sitemap-news.xml"]
    assert [c.url for c in found.candidates] == [f"{B}/en/10"] and found.feed_errors == 0


def test_unknown_charset_in_a_feed_falls_back_to_detection():
    rss = RSS.replace(b'encoding="euc-kr"', b'encoding="undefined"')
    for ctype, body in (("application/rss+xml; charset=undefined", RSS), ("application/rss+xml", rss)):
        client = FixtureClient({f"{B}/rss.xml": (200, {"content-type": ctype}, body)})
        found = discover(_source(rss=f"{B}/rss.xml"), date(2024, 6, 27), client)
        assert [c.url for c in found.candidates] == [f"{B}/news/1.html", f"{B}/news/3.html"], ctype
        assert found.candidates[0].title_hint == "기준금리 동결"


def test_a_broken_http_link_in_a_feed_is_a_failed_row_not_a_crash():
    src = Source(name="s", feeds=[{"type": "urls", "urls": ["http://127.0.0.1:99999/x", "http://u:pw@[::1/",
                                                            f"{B}/ok"]}])
    found = discover(src, date(2024, 6, 27), FixtureClient({}))
    assert [c.url for c in found.candidates] == [f"{B}/ok"]
    assert [(r.kind, r.outcome, r.error_class) for r in found.fetch_log] == [("page", "failed", "bad_url")] * 2
    assert "pw" not in repr(found.fetch_log)
