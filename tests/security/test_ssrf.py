"""SSRF: the fetcher follows only http(s), refuses loopback/private/non-global addresses on
every hop unless the source allows them, caps redirects, and bounds decompressed bodies.

The fetch layer's own tests (tests/scrapers/test_fetch.py) cover the basic guard, the redirect
cap and the size cap; these add the tricky address spellings, redirects from an allowed host
to forbidden targets, the guard through the `scrape` command, and the gzip bomb's memory.
"""

from __future__ import annotations

import socket
import tracemalloc
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest
import yaml
from sqlalchemy import select

import scrapers.fetch as fetch_module
from scrapers.fetch import FetchConfig, Fetcher, FetchError, check_url
from tests.conftest import CliInvoker
from tests.reliability.fault_server import FaultServer, Reply, gzip_bomb, running
from webapp.config import Config
from webapp.db import make_engine, make_session_factory
from webapp.models import ScrapeRun

FAST = FetchConfig(delay=0, connect_timeout=0.5, read_timeout=1, retries=0, backoff=0.01)


@pytest.fixture
def server() -> Iterator[FaultServer]:
    with running() as srv:
        yield srv


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1/",
        "http://localhost/",
        "http://127.1/",  # short form
        "http://2130706433/",  # 127.0.0.1 as one decimal number
        "http://0x7f.1/",  # hexadecimal
        "http://0.0.0.0/",
        "http://[::1]/",
        "http://[::]/",
        "http://[::ffff:127.0.0.1]/",  # IPv4-mapped IPv6
        "http://[::ffff:169.254.169.254]/",
        "http://169.254.169.254/latest/meta-data/",  # AWS/GCP/Azure metadata
        "http://100.100.100.200/",  # Alibaba metadata, shared address space 100.64/10
        "http://10.0.0.1/",
        "http://172.16.5.4/",
        "http://192.168.1.1/",
        "http://[fd00::1]/",
        "http://224.0.0.1/",
    ],
)
def test_private_and_local_addresses_are_refused(url: str) -> None:
    with pytest.raises(FetchError, match="lokal oder privat"):
        check_url(url, allow_private=False)


@pytest.mark.parametrize(
    "url",
    ["file:///etc/passwd", "ftp://example.org/", "gopher://x/", "data:text/html,x", "//x/", "x"],
)
def test_only_http_and_https_even_when_private_is_allowed(url: str) -> None:
    with pytest.raises(FetchError, match="nur http"):
        check_url(url, allow_private=True)


@pytest.fixture
def local_counts_as_public(
    monkeypatch: pytest.MonkeyPatch, server: FaultServer
) -> Iterator[FaultServer]:
    """Treat the test server as a public host; every other URL gets the real strict check.

    This plays a public source that redirects its crawler to an internal address.
    """
    real = fetch_module.check_url

    def check(url: str, *, allow_private: bool) -> None:
        if url.startswith(server.base + "/"):
            return
        real(url, allow_private=allow_private)

    real_peer = fetch_module._check_peer

    def check_peer(sock: socket.socket, host: str) -> None:
        if sock.getpeername()[1] == server.port:
            return
        real_peer(sock, host)

    monkeypatch.setattr(fetch_module, "check_url", check)
    monkeypatch.setattr(fetch_module, "_check_peer", check_peer)
    yield server


@pytest.mark.parametrize(
    "target",
    [
        "http://169.254.169.254/latest/meta-data/",
        "http://localhost:9/",
        "http://[::1]:9/",
        "file:///etc/passwd",
    ],
)
def test_redirect_from_public_source_to_internal_target_is_refused(
    local_counts_as_public: FaultServer, target: str
) -> None:
    server = local_counts_as_public
    server.route("/go", lambda r, n: Reply(302, {"Location": target}))
    fetcher = Fetcher(config=replace(FAST, allow_private=False, obey_robots=False))
    with pytest.raises(FetchError, match=r"lokal oder privat|nur http"):
        fetcher.fetch(server.base + "/go")
    assert server.hits["/go"] == 1


def test_redirects_are_capped(server: FaultServer) -> None:
    server.route("/r", lambda r, n: Reply(302, {"Location": f"/r{n}"}))
    fetcher = Fetcher(config=replace(FAST, allow_private=True, obey_robots=False, max_redirects=4))
    with pytest.raises(FetchError, match="mehr als 4 Weiterleitungen"):
        fetcher.fetch(server.base + "/r")
    assert sum(server.hits.values()) == 5


def test_gzip_bomb_is_stopped_without_inflating_it_in_memory(server: FaultServer) -> None:
    bomb = gzip_bomb(100_000_000)  # 100 MB of zeros, about 100 kB on the wire
    server.route("/bomb", lambda r, n: Reply(headers={"Content-Encoding": "gzip"}, body=bomb))
    fetcher = Fetcher(
        config=replace(FAST, allow_private=True, obey_robots=False, max_bytes=1_000_000)
    )
    tracemalloc.start()
    try:
        with pytest.raises(FetchError, match="größer als 1000000 Bytes"):
            fetcher.fetch(server.base + "/bomb")
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 50_000_000, f"peak {peak / 1e6:.0f} MB"


def test_source_on_loopback_without_allowance_is_refused_by_scrape(
    server: FaultServer, config: Config, tmp_path: Path
) -> None:
    """Through the real command: a sources.yaml entry pointing at 127.0.0.1 is never fetched."""
    server.route("/feed.xml", lambda r, n: Reply(body=b"<rss/>"))
    sources = tmp_path / "sources.yaml"
    entry = {"name": "intern", "kind": "feed", "url": server.base + "/feed.xml"}
    sources.write_text(yaml.safe_dump({"defaults": {"delay": 0}, "sources": [entry]}), "utf-8")
    cli = CliInvoker(config)
    assert cli("init").exit_code == 0
    result = cli("scrape", SOURCES_PATH=str(sources))
    assert result.exit_code == 1
    assert "lokal oder privat" in result.output and "allow_private" in result.output
    assert sum(server.hits.values()) == 0  # not even robots.txt
    engine = make_engine(config.database_url)
    with make_session_factory(engine)() as session:
        run = session.scalar(select(ScrapeRun))
        assert run is not None and run.status == "failed"
        assert "lokal oder privat" in run.error_message
    engine.dispose()


def test_dns_rebinding_is_caught_at_the_connection(
    server: FaultServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The name looked public when checked but the socket reached 127.0.0.1: refused before
    a single byte of the request is sent."""
    server.route("/intern", lambda r, n: Reply(body=b"geheim"))
    monkeypatch.setattr(fetch_module, "check_url", lambda url, *, allow_private: None)
    fetcher = Fetcher(config=replace(FAST, allow_private=False, obey_robots=False))
    with pytest.raises(FetchError, match="lokal oder privat"):
        fetcher.fetch(server.base + "/intern")
    assert server.hits["/intern"] == 0
    # robots.txt goes through the same guard.
    robots = Fetcher(config=replace(FAST, allow_private=False, obey_robots=True))
    with pytest.raises(FetchError, match="lokal oder privat"):
        robots.fetch(server.base + "/intern")
    assert server.hits["/robots.txt"] == 0
