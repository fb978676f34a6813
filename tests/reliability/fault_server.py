"""A real HTTP server on 127.0.0.1 that misbehaves on purpose, one fault per path prefix.

Each handler gets the request and the number of earlier requests to the same path, so that
"500 then 200" and "503 with Retry-After, then 200" can be played. Used by the source fault
tests and the SSRF tests.
"""

from __future__ import annotations

import gzip
import socket
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class Reply:
    """What the server sends: status, headers, body; `raw` bypasses HTTP framing entirely."""

    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b""
    delay: float = 0.0
    raw: bytes | None = None
    close_after: int | None = None  # send only this many body bytes, then close


Handler = Callable[["BaseHTTPRequestHandler", int], Reply]


def rss(items: list[tuple[str, str]], *, encoding: str = "utf-8", base: str = "") -> bytes:
    """An RSS 2.0 feed with one item per (id, title); each item is open to Kommunen."""
    parts = [
        f'<?xml version="1.0" encoding="{encoding}"?>',
        '<rss version="2.0"><channel><title>Testquelle</title>'
        f"<link>{base}/</link><description>Test</description>",
    ]
    for ident, title in items:
        parts.append(
            f"<item><title>{title}</title><link>{base}/aufruf/{ident}</link>"
            f'<guid isPermaLink="false">{ident}</guid>'
            "<description>Antragsberechtigt sind Kommunen und Landkreise. "
            "Digitalisierung der Verwaltung. Frist: 31.12.2027</description></item>"
        )
    parts.append("</channel></rss>")
    return "\n".join(parts).encode(encoding)


def gzip_bomb(size: int) -> bytes:
    """`size` zero bytes, gzip-compressed (about a thousandth of the size on the wire)."""
    return gzip.compress(b"\0" * size, compresslevel=9)


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True


class FaultServer:
    """Routes by longest path prefix; unknown paths get 404. `hits` counts requests per path."""

    def __init__(self) -> None:
        self.routes: dict[str, Handler] = {}
        self.hits: Counter[str] = Counter()
        self.lock = threading.Lock()
        self.robots = b"User-agent: *\nDisallow: /verboten/\n"
        owner = self

        class RequestHandler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: object) -> None:
                pass

            def do_GET(self) -> None:
                owner._dispatch(self)

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                if length:
                    self.rfile.read(length)
                owner._dispatch(self)

        self._server = _Server(("127.0.0.1", 0), RequestHandler)
        self.port = self._server.server_address[1]
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def route(self, prefix: str, handler: Handler) -> None:
        self.routes[prefix] = handler

    def _dispatch(self, request: BaseHTTPRequestHandler) -> None:
        path = request.path.split("?", 1)[0]
        with self.lock:
            count = self.hits[path]
            self.hits[path] += 1
        if path == "/robots.txt":
            reply = Reply(headers={"Content-Type": "text/plain"}, body=self.robots)
        else:
            prefix = max((p for p in self.routes if path.startswith(p)), key=len, default=None)
            reply = self.routes[prefix](request, count) if prefix else Reply(404, body=b"nope")
        if reply.delay:
            time.sleep(reply.delay)
        try:
            if reply.raw is not None:
                request.wfile.write(reply.raw)
                request.close_connection = True
                return
            request.send_response(reply.status)
            headers = {"Content-Length": str(len(reply.body)), **reply.headers}
            for name, value in headers.items():
                if value:
                    request.send_header(name, value)
            request.send_header("Connection", "close")
            request.end_headers()
            body = reply.body if reply.close_after is None else reply.body[: reply.close_after]
            request.wfile.write(body)
            request.close_connection = True
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up (timeout, size cap): exactly what some tests provoke

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()


@contextmanager
def running() -> Iterator[FaultServer]:
    """A started FaultServer, stopped afterwards."""
    server = FaultServer()
    server.start()
    try:
        yield server
    finally:
        server.stop()


def closed_port() -> int:
    """A port on 127.0.0.1 where nothing listens (connection refused)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]
