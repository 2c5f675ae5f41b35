"""The client's safety rules against local servers: what is checked is what is requested."""

from __future__ import annotations

import ipaddress
import socket
import threading
from datetime import date
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

import newsflow.http as nhttp
from newsflow.config import HttpSettings, Source
from newsflow.discover import discover
from newsflow.fetch import fetch
from newsflow.http import HttpClient, is_public
from newsflow.models import Candidate

SETTINGS = HttpSettings(allow_private_hosts=["127.0.0.1"], retries=0, respect_robots=False, connect_timeout=1,
                        read_timeout=2, total_timeout=3, rate_per_host=200, max_in_flight_per_host=4)


class Recorder:
    """A server on ``host`` whose ``routes`` map a path to (status, headers, body); it keeps
    every request's path and headers, so a test can say what arrived where."""

    def __init__(self, routes: dict, host: str = "127.0.0.1") -> None:
        self.routes, self.requests = routes, []
        outer = self

        class H(BaseHTTPRequestHandler):
            def log_message(self, *a):  # noqa: ANN002
                pass

            def do_GET(self):  # noqa: N802
                outer.requests.append((self.path, {k.lower(): v for k, v in self.headers.items()}))
                status, headers, body = outer.routes.get(self.path, (404, {}, b"no"))
                if callable(body):
                    body = body(outer)
                self.send_response(status)
                for k, v in headers.items():
                    self.send_header(k, v.replace("{port}", str(outer.port)) if isinstance(v, str) else v)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        self.httpd = ThreadingHTTPServer((host, 0), H)
        self.httpd.daemon_threads = True
        self.port = self.httpd.server_address[1]
        self.base = f"http://{host}:{self.port}"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def paths(self) -> list[str]:
        return [p for p, _ in self.requests]

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def servers():
    made = []

    def make(routes: dict, host: str = "127.0.0.1") -> Recorder:
        made.append(Recorder(routes, host))
        return made[-1]

    yield make
    for s in made:
        s.close()


HTML = (200, {"Content-Type": "text/html; charset=utf-8"}, b"<p>ok</p>")


# -- 1. one parse: the host checked is the host connected to -------------------------------------
def test_backslash_redirect_is_not_fetched_from_the_host_before_the_backslash(servers):
    inner = servers({"/@93.184.216.34/x": HTML, "/x": HTML}, host="127.0.0.2")  # not allow-listed
    outer = servers({"/go": (302, {"Location": f"http://127.0.0.2:{inner.port}\\@93.184.216.34/x"}, b"")})
    with HttpClient(SETTINGS) as client:
        res = client.get(outer.base + "/go")
    assert res.error_class == "blocked_address" and "127.0.0.2" in res.error
    assert res.final_url == f"http://127.0.0.2:{inner.port}/@93.184.216.34/x"  # what was checked
    assert inner.requests == []


def test_backslash_sitemap_child_is_refused_with_a_row(servers):
    inner = servers({"/@93.184.216.34/x": HTML}, host="127.0.0.2")
    index = (f'<?xml version="1.0"?><sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
             f"<sitemap><loc>http://127.0.0.2:{inner.port}\\@93.184.216.34/x</loc></sitemap></sitemapindex>").encode()
    outer = servers({"/index.xml": (200, {"Content-Type": "application/xml"}, index)})
    src = Source(name="s", feeds=[{"type": "sitemap", "url": outer.base + "/index.xml"}])
    with HttpClient(SETTINGS) as client:
        found = discover(src, date(2024, 6, 27), client)
    assert inner.requests == []
    assert [r.error_class for r in found.fetch_log] == [None, "blocked_address"] and found.feed_errors == 1


# -- 2. DNS rebinding: connect to the address that was checked ------------------------------------
@pytest.fixture
def rebinding(monkeypatch):
    """``rebind.test`` answers a public address first and 127.0.0.1 afterwards; connections to
    the public address go to the local server (it plays the public site), and every address
    the client connects to is recorded."""
    state = {"lookups": 0, "connects": []}
    real_gai, real_connect = socket.getaddrinfo, nhttp.create_connection

    def getaddrinfo(host, port, *args, **kwargs):  # noqa: ANN001, ANN002, ANN003
        if host != "rebind.test":
            return real_gai(host, port, *args, **kwargs)
        state["lookups"] += 1
        ip = "93.184.216.34" if state["lookups"] == 1 else "127.0.0.1"
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (ip, port))]

    def create_connection(address, *args, **kwargs):  # noqa: ANN001, ANN002, ANN003
        state["connects"].append(address[0])
        if address[0] == "93.184.216.34":
            address = ("127.0.0.1", address[1])
        return real_connect(address, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    monkeypatch.setattr(nhttp, "create_connection", create_connection)
    return state


def test_rebinding_dns_cannot_move_the_connection_to_a_private_address(servers, rebinding):
    site = servers({"/x": HTML})
    with HttpClient(SETTINGS) as client:
        res = client.get(f"http://rebind.test:{site.port}/x")
    assert res.ok and res.body == b"<p>ok</p>"
    assert rebinding["lookups"] == 1 and rebinding["connects"] == ["93.184.216.34"]
    assert site.requests[0][1]["host"] == f"rebind.test:{site.port}"  # the name, not the pinned address


def test_every_redirect_hop_is_resolved_checked_and_pinned(servers, rebinding):
    site = servers({"/go": (302, {"Location": "http://rebind.test:{port}/x"}, b""), "/x": HTML})
    with HttpClient(SETTINGS) as client:
        res = client.get(f"http://rebind.test:{site.port}/go")
    assert res.error_class == "blocked_address" and "127.0.0.1" in res.error  # the second answer
    assert rebinding["connects"] == ["93.184.216.34"] and site.paths() == ["/go"]


# -- 3. addresses that are not public, however they are written -----------------------------------
@pytest.mark.parametrize("address", [
    "127.0.0.1", "10.1.2.3", "169.254.169.254", "100.64.0.1", "192.0.0.8", "0.0.0.0", "224.0.0.1", "240.0.0.1",
    "::1", "::", "::127.0.0.1", "::ffff:127.0.0.1", "::ffff:169.254.169.254", "64:ff9b::a9fe:a9fe",
    "64:ff9b:1::1", "2002:a9fe:a9fe::", "2002:7f00:1::", "2001:0:4136:e378:8000:63bf:3fff:fdd2", "fc00::1",
    "fe80::1", "fec0::1", "ff02::1", "2001:db8::1",
])
def test_non_public_addresses_are_refused(address, monkeypatch):
    assert not is_public(ipaddress.ip_address(address))
    monkeypatch.setattr(socket, "getaddrinfo", lambda host, port, *a, **k: [
        (socket.AF_INET6 if ":" in address else socket.AF_INET, socket.SOCK_STREAM, 6, "", (address, port))])
    with HttpClient(SETTINGS) as client:
        res = client.get("http://public-looking.test/x")
    assert res.error_class == "blocked_address"


@pytest.mark.parametrize("address", ["93.184.216.34", "2606:2800:220:1:248:1893:25c8:1946",
                                     "::ffff:93.184.216.34", "64:ff9b::5db8:d822", "2002:5db8:d822::1"])
def test_public_addresses_pass(address):
    assert is_public(ipaddress.ip_address(address))


def test_allow_list_is_exact(servers):
    other = servers({"/x": HTML}, host="127.0.0.2")
    with HttpClient(SETTINGS) as client:
        for url in (other.base + "/x", f"http://127.0.0.2:{other.port}/x", f"http://0x7f000002:{other.port}/x"):
            assert client.get(url).error_class == "blocked_address"
        # 127.1 is 127.0.0.1 written short: the very address that is allowed
        ok = servers({"/y": HTML})
        assert client.get(f"http://127.1:{ok.port}/y").ok
    assert other.requests == []


def test_ipv6_literals_get_a_row_never_an_exception(servers):
    site = servers({"/x": HTML})
    cands = [Candidate(u, "s", "test") for u in (
        "http://[::1]:8080/", f"http://[::ffff:127.0.0.1]:{site.port}/x", "http://[::1/", site.base + "/x")]
    with HttpClient(SETTINGS) as client:
        out = fetch(cands, client, workers=1)
    assert [r.url for r in out.fetch_log] == [c.url for c in cands]
    assert [r.error_class for r in out.fetch_log] == ["blocked_address", "blocked_address", "bad_url", None]
    assert site.paths() == ["/x"]


def test_ipv6_link_in_a_feed_is_refused_with_a_row(servers):
    rss = (b'<?xml version="1.0"?><rss version="2.0"><channel><title>t</title>'
           b"<item><title>a</title><link>http://[::1]:8080/news/1</link></item></channel></rss>")
    site = servers({"/rss.xml": (200, {"Content-Type": "application/rss+xml"}, rss)})
    src = Source(name="s", feeds=[{"type": "rss", "url": site.base + "/rss.xml"}])
    with HttpClient(SETTINGS) as client:
        found = discover(src, date(2024, 6, 27), client)
        out = fetch(found.candidates, client, workers=1)
    assert [c.url for c in found.candidates] == ["http://[::1]:8080/news/1"]
    assert [(r.outcome, r.error_class) for r in out.fetch_log] == [("failed", "blocked_address")]


@pytest.mark.skipif(not socket.has_ipv6, reason="no IPv6")
def test_ipv6_literal_is_fetched_when_allowed():
    class V6(ThreadingHTTPServer):
        address_family = socket.AF_INET6

    class H(BaseHTTPRequestHandler):
        def log_message(self, *a):  # noqa: ANN002
            pass

        def do_GET(self):  # noqa: N802
            body = self.headers["Host"].encode()
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    try:
        srv = V6(("::1", 0), H)
    except OSError:
        pytest.skip("cannot listen on ::1")
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    try:
        port = srv.server_address[1]
        with HttpClient(SETTINGS.model_copy(update={"allow_private_hosts": ["::1"]})) as client:
            res = client.get(f"http://[::1]:{port}/x")
    finally:
        srv.shutdown()
        srv.server_close()
    assert res.ok and res.body == f"[::1]:{port}".encode()


# -- 4. no cookies, no credentials from URLs, none stored ---------------------------------------
def test_cookies_are_neither_replayed_nor_stored(servers):
    site = servers({"/login": (302, {"Location": "/x", "Set-Cookie": "sid=SECRET; Path=/"}, b""),
                    "/x": (200, {"Content-Type": "text/html", "Set-Cookie": "sid=SECRET2"}, b"<p>x</p>")})
    pages = []
    with HttpClient(SETTINGS) as client:
        res = client.get(site.base + "/login")
        again = client.get(site.base + "/x")
        out = fetch([Candidate(site.base + "/x", "s", "t")], client, workers=1, sink=pages.append)
    assert res.ok and again.ok and out.fetch_log[0].ok
    assert [h.get("cookie") for _, h in site.requests] == [None, None, None, None]
    for headers in (res.headers, again.headers, pages[0].headers):
        assert "set-cookie" not in headers and "SECRET" not in repr(headers)


def test_credentials_in_a_redirect_are_never_sent_nor_kept(servers):
    site = servers({"/go": (302, {"Location": "http://user:pw@127.0.0.1:{port}/x"}, b""), "/x": HTML})
    with HttpClient(SETTINGS) as client:
        out = fetch([Candidate(site.base + "/go", "s", "t")], client, workers=1)
    row = out.fetch_log[0]
    assert row.ok and row.final_url == site.base + "/x"
    assert all("authorization" not in h for _, h in site.requests)
    assert "pw" not in repr(row) and "pw" not in repr(out.pages[0])


def test_a_refused_redirect_does_not_echo_its_credentials(servers):
    site = servers({"/go": (302, {"Location": "http://user:pw@127.0.0.1:99999/x"}, b"")})
    with HttpClient(SETTINGS) as client:
        res = client.get(site.base + "/go")
    assert res.error_class == "bad_url" and "pw" not in res.error and "99999" in res.error


# -- 5. URLs never vanish ---------------------------------------------------------------------------
def test_bad_ports_and_hosts_anywhere_end_in_one_row_each(servers):
    site = servers({"/ok": HTML, "/to-bad-port": (302, {"Location": "http://127.0.0.1:99999/x"}, b""),
                    "/to-bad-host": (302, {"Location": "http://exa mple.com/"}, b""),
                    "/to-v6": (302, {"Location": "http://[::1]:{port}/ok"}, b"")})
    urls = [site.base + "/to-bad-port", "http://127.0.0.1:99999/x", site.base + "/to-bad-host",
            site.base + "/to-v6", site.base + "/ok"]
    with HttpClient(SETTINGS.model_copy(update={"respect_robots": True})) as client:
        out = fetch([Candidate(u, "s", "t") for u in urls], client, workers=1)
    assert [r.url for r in out.fetch_log] == urls
    assert [r.error_class for r in out.fetch_log] == ["bad_url", "bad_url", "bad_url", "blocked_address", None]
    assert [r.outcome for r in out.fetch_log] == ["failed"] * 4 + ["fetched"]



def test_https_connects_to_the_pinned_address_but_verifies_the_host_name(monkeypatch, tmp_path):
    """TLS keeps SNI and the certificate check for the name, whatever address it connects to."""
    import datetime as dt
    import ssl

    x509 = pytest.importorskip("cryptography.x509")
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "pinned.test")])
    now = dt.datetime.now(dt.UTC)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(1).not_valid_before(now - dt.timedelta(days=1)).not_valid_after(now + dt.timedelta(days=1))
            .add_extension(x509.SubjectAlternativeName([x509.DNSName("pinned.test")]), critical=False)
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .sign(key, hashes.SHA256()))
    (tmp_path / "cert.pem").write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    (tmp_path / "key.pem").write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                                         serialization.NoEncryption()))
    site = Recorder({"/x": HTML})
    ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ctx.load_cert_chain(tmp_path / "cert.pem", tmp_path / "key.pem")
    sni = []
    ctx.sni_callback = lambda sock, server_name, _: sni.append(server_name)
    site.httpd.socket = ctx.wrap_socket(site.httpd.socket, server_side=True)
    lookups = []
    real_gai = socket.getaddrinfo

    def getaddrinfo(host, port, *args, **kwargs):  # noqa: ANN001, ANN002, ANN003
        if host == "pinned.test":
            lookups.append(host)
            return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", ("127.0.0.1", port))]
        return real_gai(host, port, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    monkeypatch.setattr(nhttp, "_ca_bundle", lambda: str(tmp_path / "cert.pem"))
    try:
        settings = SETTINGS.model_copy(update={"allow_private_hosts": ["pinned.test", "127.0.0.1"]})
        with HttpClient(settings) as client:
            good = client.get(f"https://pinned.test:{site.port}/x")
            wrong_name = client.get(f"https://127.0.0.1:{site.port}/x")  # the certificate is not for this name
    finally:
        site.close()
    assert good.ok and good.body == b"<p>ok</p>" and lookups == ["pinned.test"]
    assert sni[0] == "pinned.test" and site.requests[0][1]["host"] == f"pinned.test:{site.port}"
    assert wrong_name.error_class == "tls_error" and len(site.requests) == 1
