"""A tiny HTTP server for the offline sample site in ``include/sample_site/``.

``/<site>/<path>`` serves ``include/sample_site/<site>/<path>`` (or ``<path>.html``), query
strings ignored; ``{{BASE}}`` in a file becomes the server's origin. ``sites.yaml`` says per
site which encoding to serve and whether ``Content-Type`` carries a charset, so the
EUC-KR paper really arrives as CP949 bytes with a bare ``text/html``. Every response has an
``ETag``; a matching ``If-None-Match`` gets a 304, as a real CMS would.
"""

from __future__ import annotations

import hashlib
import logging
import threading
from functools import partial
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote, urlsplit

import yaml

log = logging.getLogger(__name__)
DEFAULT_ROOT = Path(__file__).resolve().parents[1] / "sample_site"


class _Handler(BaseHTTPRequestHandler):
    server_version = "newsflow-sample/0.1"

    def __init__(self, *args, root: Path, sites: dict, **kwargs) -> None:  # noqa: ANN002, ANN003
        self.root, self.sites = root, sites
        super().__init__(*args, **kwargs)

    def log_message(self, fmt: str, *args: object) -> None:
        log.debug("sample site: " + fmt, *args)

    def do_GET(self) -> None:  # noqa: N802
        path = unquote(urlsplit(self.path).path)
        file = self._resolve(path)
        if file is None:
            self._send(404, b"<html><body><h1>404 Not Found</h1></body></html>", "text/html; charset=utf-8")
            return
        site = path.strip("/").split("/", 1)[0]
        conf = self.sites.get(site, {})
        encoding = conf.get("encoding", "utf-8")
        host = self.headers.get("Host") or f"{self.server.server_address[0]}:{self.server.server_address[1]}"
        text = file.read_text(encoding="utf-8").replace("{{BASE}}", f"http://{host}")
        kind = {"xml": "application/xml", "txt": "text/plain"}.get(file.suffix.lstrip("."), "text/html")
        ctype = f"{kind}; charset={encoding}" if conf.get("charset_header", True) else kind
        body = text.encode(encoding)
        etag = '"' + hashlib.sha1(body).hexdigest()[:16] + '"'
        if self.headers.get("If-None-Match") == etag:
            self.send_response(304)
            self.send_header("ETag", etag)
            self.end_headers()
            return
        self._send(200, body, ctype, etag)

    def _resolve(self, path: str) -> Path | None:
        rel = path.lstrip("/")
        if not rel or ".." in rel.split("/"):
            return None
        for cand in (self.root / rel, self.root / (rel + ".html"), self.root / rel / "index.html"):
            if cand.is_file() and cand.suffix in (".html", ".xml", ".txt") and cand.name != "README.md":
                return cand
        return None

    def _send(self, status: int, body: bytes, ctype: str, etag: str | None = None) -> None:
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        if etag:
            self.send_header("ETag", etag)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


def make_server(host: str = "127.0.0.1", port: int = 0, root: Path = DEFAULT_ROOT) -> ThreadingHTTPServer:
    sites = yaml.safe_load((root / "sites.yaml").read_text(encoding="utf-8")) or {}
    server = ThreadingHTTPServer((host, port), partial(_Handler, root=root, sites=sites))
    server.daemon_threads = True
    return server


def start_in_thread(host: str = "127.0.0.1", port: int = 0, root: Path = DEFAULT_ROOT
                    ) -> tuple[ThreadingHTTPServer, str]:
    """Start the server in a daemon thread; returns it and its base URL (for tests)."""
    server = make_server(host, port, root)
    threading.Thread(target=server.serve_forever, name="sample-site", daemon=True).start()
    return server, f"http://{host}:{server.server_address[1]}"
