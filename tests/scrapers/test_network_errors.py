"""Network failures read as German sentences naming the host, against real sockets.

Each case makes the failure happen for real on 127.0.0.1 (a closed port, a server that resets
or never accepts, a TLS server with a self-signed certificate, a name under `.invalid`) and
checks the message an administrator reads in the run's summary.
"""

from __future__ import annotations

import re
import socket
import ssl
import struct
import threading
from collections.abc import Callable, Iterator
from dataclasses import replace
from pathlib import Path

import pytest

from scrapers.fetch import FetchConfig, Fetcher, FetchError, check_url
from tests.conftest import self_signed_certificate
from tests.reliability.fault_server import closed_port
from tests.scrapers.conftest import LocalServer, Reply

# What must never reach the administrator: Python's class names, urllib3's wrapping, the
# operating system's English reasons.
ENGLISH = re.compile(
    r"\w+(Error|Exception)\b|Errno|Max retries|HTTPConnection|Caused by|known|refused|"
    r"timed out|reset by peer|Failed to|certificate verify|wrong version"
)


class Sleeps:
    def __init__(self) -> None:
        self.calls: list[float] = []

    def __call__(self, seconds: float) -> None:
        self.calls.append(seconds)


def _message(config: FetchConfig, url: str, **kwargs: object) -> str:
    fetcher = Fetcher(config=config, sleep=Sleeps(), **kwargs)  # type: ignore[arg-type]
    with pytest.raises(FetchError) as raised:
        fetcher.fetch(url)
    message = str(raised.value)
    assert not ENGLISH.search(message), message
    return message


class SocketServer:
    """A TCP server on 127.0.0.1 whose every connection is handled by `serve` in a thread."""

    def __init__(self, serve: Callable[[socket.socket], None], backlog: int = 16) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(backlog)
        self.port = self.sock.getsockname()[1]
        self.connections = 0
        self._serve = serve
        threading.Thread(target=self._loop, daemon=True).start()

    def _loop(self) -> None:
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            self.connections += 1
            threading.Thread(target=self._handle, args=(conn,), daemon=True).start()

    def _handle(self, conn: socket.socket) -> None:
        try:
            self._serve(conn)
        except (OSError, ssl.SSLError):
            pass
        finally:
            conn.close()

    def close(self) -> None:
        self.sock.close()


@pytest.fixture
def socket_server() -> Iterator[Callable[..., SocketServer]]:
    servers: list[SocketServer] = []

    def start(serve: Callable[[socket.socket], None]) -> SocketServer:
        servers.append(SocketServer(serve))
        return servers[-1]

    yield start
    for server in servers:
        server.close()


def _reset(conn: socket.socket) -> None:
    """Read the request, then abort the connection (RST instead of an answer)."""
    conn.recv(65536)
    conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))


def test_unknown_host_names_the_host_in_german(fast_config: FetchConfig) -> None:
    # Through the address check (the default) and through requests (allow_private).
    for config in (replace(fast_config, allow_private=False), fast_config):
        message = _message(replace(config, retries=0), "https://foerderung.invalid/aufrufe")
        assert "Host 'foerderung.invalid' nicht gefunden: den Namen gibt es im DNS nicht" in (
            message
        )
        assert "robots.txt" not in message.split(": ", 2)[-1]


def test_refused_connection_says_the_host_is_unreachable_not_robots(
    fast_config: FetchConfig,
) -> None:
    port = closed_port()
    url = f"http://127.0.0.1:{port}/feed.xml"
    message = _message(fast_config, url)  # robots.txt is asked first, and fails
    assert message == (
        f"{url}: Host '127.0.0.1:{port}' nicht erreichbar: Verbindung zu Port {port} abgelehnt "
        "(läuft dort kein Webserver, oder ist der Port falsch?)"
    )
    # Without robots.txt the page request itself fails, after its retries.
    message = _message(replace(fast_config, obey_robots=False, retries=1), url)
    assert message.endswith("abgelehnt (läuft dort kein Webserver, oder ist der Port falsch?); "
                            "aufgegeben nach 2 Versuchen")  # fmt: skip


def test_reset_connection(fast_config: FetchConfig, socket_server) -> None:
    server = socket_server(_reset)
    url = f"http://127.0.0.1:{server.port}/feed.xml"
    message = _message(replace(fast_config, obey_robots=False, retries=1), url)
    assert f"Verbindung zu '127.0.0.1:{server.port}' vom Server abgebrochen, bevor eine " in (
        message
    )
    assert message.endswith("aufgegeben nach 2 Versuchen")
    assert server.connections == 2  # a reset is retried, as before


def test_connect_timeout(fast_config: FetchConfig) -> None:
    # A listening socket whose backlog is full and that never accepts: SYNs go unanswered.
    with socket.socket() as full:
        full.bind(("127.0.0.1", 0))
        full.listen(0)
        port = full.getsockname()[1]
        waiting = []
        for _ in range(4):
            client = socket.socket()
            client.setblocking(False)
            client.connect_ex(("127.0.0.1", port))
            waiting.append(client)
        try:
            config = replace(fast_config, connect_timeout=0.3, retries=0)
            message = _message(config, f"http://127.0.0.1:{port}/feed.xml")
        finally:
            for client in waiting:
                client.close()
    assert f"Host '127.0.0.1:{port}' nicht erreichbar: keine Verbindung innerhalb von 0,3 s" in (
        message
    )


def test_read_timeout_names_host_and_seconds(server: LocalServer, fast_config: FetchConfig) -> None:
    server.route("/slow", Reply(200, b"late", delay=1.0))
    config = replace(fast_config, read_timeout=0.2, retries=1, obey_robots=False)
    host = server.base.removeprefix("http://")
    assert _message(config, server.url("/slow")) == (
        f"{server.url('/slow')}: Zeitüberschreitung: '{host}' hat nicht innerhalb von 0,2 s "
        "geantwortet (Server überlastet?); aufgegeben nach 2 Versuchen"
    )


def test_slow_robots_txt_is_named_as_such(server: LocalServer, fast_config: FetchConfig) -> None:
    """The host answers, but robots.txt does not arrive: then robots.txt is the reason."""
    server.route("/robots.txt", Reply(200, b"User-agent: *\n", delay=1.0))
    message = _message(replace(fast_config, read_timeout=0.2), server.url("/feed.xml"))
    assert message.startswith(
        f"{server.url('/robots.txt')}: robots.txt nicht lesbar, daher wird nichts abgerufen – "
        "Zeitüberschreitung: "
    )
    assert server.requests_to("/feed.xml") == []


@pytest.fixture(scope="module")
def certificate(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A self-signed certificate for another name than localhost (made with the openssl tool)."""
    return self_signed_certificate(
        tmp_path_factory.mktemp("tls"), "foerderung.example", "DNS:foerderung.example"
    )


def test_untrusted_certificate_is_named_and_not_retried(
    fast_config: FetchConfig,
    socket_server,
    certificate: tuple[Path, Path],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(str(certificate[0]), str(certificate[1]))

    def tls(conn: socket.socket) -> None:
        with context.wrap_socket(conn, server_side=True) as secure:
            secure.recv(65536)
            secure.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok")

    server = socket_server(tls)
    config = replace(fast_config, obey_robots=False, retries=2)
    url = f"https://127.0.0.1:{server.port}/feed.xml"
    message = _message(config, url)
    assert message == (
        f"{url}: TLS-Zertifikat von '127.0.0.1:{server.port}' wird nicht anerkannt: selbst signiert"
    )
    assert server.connections == 1  # waiting does not make a certificate valid
    # Trusted (as with REQUESTS_CA_BUNDLE), but issued for another name than the one asked.
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(certificate[0]))
    fetcher = Fetcher(config=config, sleep=Sleeps())
    for asked, reason in (
        (url, "für eine andere IP-Adresse ausgestellt"),
        (url.replace("127.0.0.1", "localhost"), "für einen anderen Namen ausgestellt"),
    ):
        with pytest.raises(FetchError) as raised:
            fetcher.fetch(asked)
        assert str(raised.value).endswith(f"wird nicht anerkannt: {reason}")


def test_https_to_a_plain_http_server(server: LocalServer, fast_config: FetchConfig) -> None:
    url = server.url("/feed.xml").replace("http://", "https://")
    message = _message(replace(fast_config, obey_robots=False, retries=0), url)
    assert "Verschlüsselte Verbindung (TLS) zu '127.0.0.1:" in message
    assert "(spricht der Server an dieser Adresse HTTPS?)" in message


def test_truncated_body(fast_config: FetchConfig, socket_server) -> None:
    def short(conn: socket.socket) -> None:
        conn.recv(65536)
        conn.sendall(
            b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 1000\r\n\r\nx"
        )

    server = socket_server(short)
    message = _message(
        replace(fast_config, obey_robots=False), f"http://127.0.0.1:{server.port}/feed.xml"
    )
    assert message.endswith(
        f"Übertragung von '127.0.0.1:{server.port}' abgebrochen: die Antwort ist unvollständig "
        "(Verbindung vorzeitig beendet)"
    )


def test_redirect_loop_says_what_to_do(server: LocalServer, fast_config: FetchConfig) -> None:
    server.route("/loop", Reply(302, b"", {"Location": "/loop"}))
    message = _message(replace(fast_config, max_redirects=2), server.url("/loop"))
    assert message.endswith(
        "mehr als 2 Weiterleitungen, vermutlich eine Schleife "
        "(Adresse im Browser prüfen oder max_redirects erhöhen)"
    )


@pytest.mark.parametrize(
    "url", ["http://foerder ung.example/", "http://localhost:99999/feed", "http://[::1/feed"]
)
@pytest.mark.parametrize("allow_private", [True, False])
def test_invalid_address(url: str, allow_private: bool) -> None:
    with pytest.raises(FetchError) as raised:
        check_url(url, allow_private=allow_private)
    assert raised.value.message.startswith(f"ungültige Adresse {url!r} (Schreibweise prüfen")
    assert not ENGLISH.search(str(raised.value))
