"""Fixtures of the scraper tests: a real local HTTP server, the bundled snapshots, real pages."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from scrapers.fetch import FetchConfig, body_digest

REPO_ROOT = Path(__file__).resolve().parents[2]
SNAPSHOTS = REPO_ROOT / "data" / "snapshots"
SOURCES_YAML = REPO_ROOT / "data" / "sources.yaml"
REAL_PAGES = REPO_ROOT.parent / "shared" / "real-pages" / "foerderdatenbank"
TODAY = date(2026, 11, 26)


@dataclass
class Request:
    """One request the test server received."""

    method: str
    path: str
    headers: dict[str, str]
    body: bytes


@dataclass
class Reply:
    """What the test server answers; `delay` seconds before the body (for timeouts),
    `trickle` seconds between the body's bytes (a server that never quite stalls)."""

    status: int = 200
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0
    trickle: float = 0.0


Handler = Callable[[Request], Reply]


class _QuietServer(ThreadingHTTPServer):
    def handle_error(self, request: object, client_address: object) -> None:
        # Clients that hang up early (size cap, timeouts) are expected here.
        pass


class LocalServer:
    """A real HTTP server on 127.0.0.1 in a thread; routes map a path (with query) to a handler."""

    def __init__(self) -> None:
        self.routes: dict[str, Handler] = {}
        self.log: list[Request] = []
        server = self

        class _Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: object) -> None:  # keep test output quiet
                pass

            def _serve(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                request = Request(self.command, self.path, dict(self.headers.items()), body)
                server.log.append(request)
                handler = server.routes.get(self.path) or server.routes.get(
                    urlsplit(self.path).path
                )
                reply = handler(request) if handler else Reply(404, b"not found")
                if reply.delay:
                    time.sleep(reply.delay)
                try:
                    self.send_response(reply.status)
                    headers = {"Content-Length": str(len(reply.body)), **reply.headers}
                    for key, value in headers.items():
                        self.send_header(key, value)
                    self.end_headers()
                    if reply.status != 304 and reply.trickle:
                        for index in range(len(reply.body)):
                            self.wfile.write(reply.body[index : index + 1])
                            self.wfile.flush()
                            time.sleep(reply.trickle)
                    elif reply.status != 304:
                        self.wfile.write(reply.body)
                except (BrokenPipeError, ConnectionResetError):
                    pass

            do_GET = _serve
            do_POST = _serve

        self.httpd = _QuietServer(("127.0.0.1", 0), _Handler)
        self.httpd.daemon_threads = True
        self.thread = threading.Thread(
            target=self.httpd.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        )

    @property
    def base(self) -> str:
        host, port = self.httpd.server_address[:2]
        assert isinstance(host, str)  # an IPv4 server: no AF_UNIX bytes path
        return f"http://{host}:{port}"

    def url(self, path: str) -> str:
        return self.base + path

    def route(self, path: str, handler: Handler | Reply) -> None:
        """Serve `path` with a handler, or always with the same reply."""
        if callable(handler):
            self.routes[path] = handler
        else:
            reply = handler
            self.routes[path] = lambda _r: reply

    def requests_to(self, path: str) -> list[Request]:
        return [r for r in self.log if r.path == path or urlsplit(r.path).path == path]

    def start(self) -> None:
        self.thread.start()

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def fast_config() -> FetchConfig:
    """Fetch settings for tests: local addresses allowed, no waiting."""
    return FetchConfig(
        user_agent="funding-matcher-test/1.0 (+tests)",
        connect_timeout=2.0,
        read_timeout=2.0,
        retries=2,
        backoff=0.01,
        max_retry_after=1.0,
        delay=0.0,
        max_bytes=1_000_000,
        allow_private=True,
    )


def conditional_handler(body: bytes, headers: dict[str, str]) -> Handler:
    """A handler that answers 304 to a matching If-None-Match or If-Modified-Since."""

    def handle(request: Request) -> Reply:
        etag = headers.get("ETag")
        if etag and request.headers.get("If-None-Match") == etag:
            return Reply(304, headers={"ETag": etag})
        modified = headers.get("Last-Modified")
        if modified and not etag and request.headers.get("If-Modified-Since") == modified:
            return Reply(304)
        return Reply(200, body, dict(headers))

    return handle


def serve_snapshots(server: LocalServer, sources: list[str] | None = None) -> None:
    """Serve every recorded response of data/snapshots at its original path and query.

    GET answers honour ETag; POST answers are matched by the request body's hash.
    """
    posts: dict[str, dict[str, tuple[bytes, dict[str, str]]]] = {}
    for manifest in sorted(SNAPSHOTS.glob("*/manifest.json")):
        if sources is not None and manifest.parent.name not in sources:
            continue
        for entry in json.loads(manifest.read_text(encoding="utf-8"))["entries"]:
            parts = urlsplit(entry["url"])
            path = parts.path + (f"?{parts.query}" if parts.query else "")
            body = (manifest.parent / entry["file"]).read_bytes()
            headers = dict(entry["headers"])
            if entry["method"] == "POST":
                posts.setdefault(path, {})[entry["body_sha256"]] = (body, headers)
            else:
                server.route(path, conditional_handler(body, headers))
    for path, by_body in posts.items():

        def handle(
            request: Request, by_body: dict[str, tuple[bytes, dict[str, str]]] = by_body
        ) -> Reply:
            found = by_body.get(body_digest(request.body))
            if found is None:
                return Reply(400, b"unexpected request body")
            return Reply(200, found[0], dict(found[1]))

        server.route(path, handle)


@pytest.fixture
def real_pages() -> Path:
    """The saved pages of the live Förderdatenbank (skipped where they are not available)."""
    if not REAL_PAGES.is_dir():
        pytest.skip(f"echte Seiten nicht vorhanden: {REAL_PAGES}")
    return REAL_PAGES


def snapshot_file(source: str, name: str) -> bytes:
    return (SNAPSHOTS / source / name).read_bytes()
