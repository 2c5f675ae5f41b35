from newsflow.urls import article_id, canonicalize


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
