import pytest

from newsflow.urls import BadUrl, article_id, canonicalize, host_of, parse_url, redact


def test_canonicalize():
    assert (canonicalize("HTTP://WWW.Example.COM:80/a/b?utm_source=rss&id=3&fbclid=x#top")
            == "http://www.example.com/a/b?id=3")
    assert canonicalize("https://example.com:443") == "https://example.com/"
    assert canonicalize("https://example.com:8443/x") == "https://example.com:8443/x"
    assert canonicalize("/view/1?gclid=1", base="https://n.example/list") == "https://n.example/view/1"
    assert canonicalize("https://www.example.com/x", www="strip") == "https://example.com/x"


def test_article_id_is_stable_hash_of_canonical_url():
    a = article_id(canonicalize("https://n.example/view/1?utm_medium=feed"))
    b = article_id(canonicalize("https://N.example/view/1#comments"))
    assert a == b and len(a) == 16


@pytest.mark.parametrize("url, host, port, path", [
    # urlsplit says host 93.184.216.34; browsers and urllib3 connect to 127.0.0.2 (regression: SSRF)
    ("http://127.0.0.2:8080\\@93.184.216.34/x", "127.0.0.2", 8080, "/@93.184.216.34/x"),
    ("http:\\\\evil.example\\x", "evil.example", 80, "/x"),
    ("http://user:pw@News.Example./a", "news.example", 80, "/a"),
    ("HTTPS://[::1]:8443/", "::1", 8443, "/"),
    ("http://[0:0::0:1]/", "::1", 80, "/"),
    ("http://0x7f.1/", "127.0.0.1", 80, "/"),  # what inet_aton (so the socket) makes of it
    ("http://2130706433/", "127.0.0.1", 80, "/"),
    ("http://0177.0.0.1/", "127.0.0.1", 80, "/"),
    ("http://%31%32%37.0.0.1/", "127.0.0.1", 80, "/"),
    ("http://한국.KR/뉴스", "xn--3e0b707e.kr", 80, "/뉴스"),
    ("\t http://a.example:/x \n", "a.example", 80, "/x"),
])
def test_parse_url_reads_the_host_an_http_client_connects_to(url, host, port, path):
    u = parse_url(url)
    assert (u.host, u.port, u.path) == (host, port, path)
    assert "user" not in str(u) and "pw" not in str(u)


@pytest.mark.parametrize("url", [
    "http://a.example:99999/", "http://a.example:0/", "http://a.example:8o/", "http://[::1/",
    "http://[fe80::1%25eth0]/", "http://1.2.3.256/", "http://0x100000000/", "http://a b.example/",
    "http://exa<mple.com/", "http:///", "ftp://a.example/", "javascript:alert(1)", "/relative",
])
def test_parse_url_refuses_what_cannot_be_read_one_way_only(url):
    with pytest.raises(BadUrl):
        parse_url(url)
    assert host_of(url) == ":0"  # never raises: the fetcher still gives the URL its row


def test_redirect_targets_resolve_relative_and_backslashed_locations():
    assert str(parse_url("\\\\evil.example/x", base="http://n.example/a")) == "http://evil.example/x"
    assert str(parse_url("/b?q=1#f", base="http://u:pw@n.example/a")) == "http://n.example/b?q=1"
    assert parse_url("http://n.example/뉴스 1?q=가").target == "/%EB%89%B4%EC%8A%A4%201?q=%EA%B0%80"


def test_canonicalize_ipv6_and_credentials():
    assert canonicalize("http://[::1]:8080/x") == "http://[::1]:8080/x"  # regression: was "http://::1:8080/x"
    assert host_of(canonicalize("http://[::1]:8080/x")) == "[::1]:8080"
    assert canonicalize("http://user:pw@n.example/x") == "http://n.example/x"
    assert redact("http://user:pw@n.example/x@y") == "http://n.example/x@y"
