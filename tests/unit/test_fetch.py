import threading

from newsflow.config import HttpSettings
from newsflow.fetch import fetch
from newsflow.http import HttpClient
from newsflow.models import Candidate

SETTINGS = HttpSettings(allow_private_hosts=["127.0.0.1"], retries=2, backoff=0.01, rate_per_host=200,
                        read_timeout=2, max_bytes=10_000)


def test_one_fetch_log_row_per_url_with_the_right_outcome(local_server):
    calls = {"flaky": 0}
    lock = threading.Lock()

    def handler(path, req):
        if path == "/ok":
            return 200, {"Content-Type": "text/html; charset=utf-8"}, "<p>안녕</p>".encode()
        if path == "/flaky":
            with lock:
                calls["flaky"] += 1
                n = calls["flaky"]
            return (500, {}, b"oops") if n == 1 else (200, {"Content-Type": "text/html"}, b"<p>ok</p>")
        if path == "/pdf":
            return 200, {"Content-Type": "application/pdf"}, b"%PDF"
        if path == "/big":
            return 200, {"Content-Type": "text/html"}, b"x" * 20_000
        return 404, {"Content-Type": "text/html"}, b"nope"

    base = local_server(handler)
    cands = [Candidate(f"{base}/{p}", "s", "test") for p in ("ok", "flaky", "pdf", "big", "missing")]
    with HttpClient(SETTINGS) as client:
        out = fetch(cands, client, workers=2)
    rows = {r.url.rsplit("/", 1)[1]: r for r in out.fetch_log}
    assert len(out.fetch_log) == 5
    assert rows["ok"].ok and rows["ok"].attempts == 1 and rows["ok"].bytes > 0
    assert rows["flaky"].ok and rows["flaky"].attempts == 2
    assert rows["pdf"].error_class == "not_html"
    assert rows["big"].error_class == "too_large"
    assert rows["missing"].status == 404 and rows["missing"].error_class == "http_404"
    assert sorted(p.url.rsplit("/", 1)[1] for p in out.pages) == ["flaky", "ok"]


def test_private_addresses_are_refused_unless_allow_listed(local_server):
    base = local_server(lambda p, r: (200, {"Content-Type": "text/html"}, b"<p>x</p>"))
    with HttpClient(HttpSettings(retries=0)) as client:
        res = client.get(base + "/x")
    assert res.error_class == "blocked_address" and "allow_private_hosts" in res.error


def test_connection_refused_is_data_not_an_exception():
    settings = HttpSettings(retries=1, backoff=0.01, allow_private_hosts=["127.0.0.1"], respect_robots=False)
    with HttpClient(settings) as client:
        res = client.get("http://127.0.0.1:9/nothing")
    assert not res.ok and res.error_class == "connection_error" and res.attempts == 2
    with HttpClient(settings.model_copy(update={"respect_robots": True})) as client:
        res = client.get("http://127.0.0.1:9/nothing")
    assert res.error_class == "robots_unavailable"


def test_a_fault_inside_one_urls_handling_costs_only_that_url_its_page(local_server, monkeypatch):
    import newsflow.fetch as nfetch

    base = local_server(lambda p, r: (200, {"Content-Type": "text/html"}, f"<p>{p}</p>".encode()))
    real = nfetch.decode_page

    def faulty(body, ctype):  # noqa: ANN001
        if b"/boom" in body:
            raise RuntimeError("injected fault")
        return real(body, ctype)

    monkeypatch.setattr(nfetch, "decode_page", faulty)
    paths = ["/a", "/boom", "/b", "/c", "/d"]
    cands = [Candidate(base + p, "s", "test") for p in paths]
    with HttpClient(SETTINGS) as client:
        out = fetch(cands, client, workers=1)
    assert [r.url for r in out.fetch_log] == [c.url for c in cands]
    assert [r.outcome for r in out.fetch_log] == ["fetched", "failed", "fetched", "fetched", "fetched"]
    assert out.fetch_log[1].error_class == "internal_error" and "injected fault" in out.fetch_log[1].error
    assert len(out.pages) == 4


def test_a_client_that_raises_still_gives_every_url_its_row():
    from newsflow.http import FixtureClient

    class Raising(FixtureClient):
        def get(self, url, headers=None, accept=None):  # noqa: ANN001
            if url.endswith("/2"):
                raise ValueError("bug in the client")
            return super().get(url, headers, accept)

    page = (200, {"content-type": "text/html"}, b"<p>x</p>")
    urls = [f"http://n.example/{i}" for i in range(5)]
    out = fetch([Candidate(u, "s", "t") for u in urls], Raising({u: page for u in urls}), workers=1)
    assert [r.url for r in out.fetch_log] == urls
    assert [r.error_class for r in out.fetch_log] == [None, None, "internal_error", None, None]


def test_unknown_charset_label_falls_back_to_detection(local_server):
    korean = ("<html><body>" + "<p>한국은행이 기준금리를 동결했다고 밝혔다.</p>" * 5
              + "</body></html>").encode("cp949")
    base = local_server(lambda p, r: (200, {"Content-Type": "text/html; charset=undefined"}, korean))
    with HttpClient(SETTINGS) as client:
        out = fetch([Candidate(base + "/x", "s", "t")], client, workers=1)
    row = out.fetch_log[0]
    assert row.ok and (row.encoding, row.encoding_source) == ("cp949", "detected")
    assert out.pages[0].body == korean
