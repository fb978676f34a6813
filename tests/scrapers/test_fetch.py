"""The fetch layer against a real local HTTP server (no mocks of requests)."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from scrapers.base import make_soup
from scrapers.encoding import decode_body
from scrapers.fetch import (
    BotWallError,
    FetchConfig,
    Fetcher,
    FetchError,
    MemoryValidatorStore,
    RobotsDisallowed,
    SnapshotStore,
    check_url,
    parse_retry_after,
)
from tests.scrapers.conftest import LocalServer, Reply, Request, conditional_handler

HTML = "text/html; charset=utf-8"


class Sleeps:
    """Records the waits the fetcher asks for instead of sleeping."""

    def __init__(self) -> None:
        self.calls: list[float] = []

    def __call__(self, seconds: float) -> None:
        self.calls.append(seconds)


def make_fetcher(config: FetchConfig, **kwargs: object) -> Fetcher:
    return Fetcher(config=config, **kwargs)  # type: ignore[arg-type]


def test_user_agent_and_plain_get(server: LocalServer, fast_config: FetchConfig) -> None:
    server.route("/a", Reply(200, b"<html>ok</html>", {"Content-Type": HTML}))
    response = make_fetcher(fast_config).fetch(server.url("/a"))
    assert response.status == 200 and response.body == b"<html>ok</html>"
    [request] = server.requests_to("/a")
    assert request.headers["User-Agent"] == fast_config.user_agent


def test_500_then_200_is_retried_with_backoff(
    server: LocalServer, fast_config: FetchConfig
) -> None:
    answers = iter([Reply(500, b"boom"), Reply(503, b"busy"), Reply(200, b"fine")])
    server.route("/flaky", lambda _r: next(answers))
    sleeps = Sleeps()
    fetcher = make_fetcher(fast_config, sleep=sleeps)
    assert fetcher.fetch(server.url("/flaky")).body == b"fine"
    assert len(server.requests_to("/flaky")) == 3
    assert sleeps.calls == [0.01, 0.02]  # exponential backoff
    assert fetcher.stats.retries == 2


def test_persistent_500_fails_after_bounded_retries(
    server: LocalServer, fast_config: FetchConfig
) -> None:
    server.route("/down", Reply(500, b"down"))
    with pytest.raises(FetchError, match=r"HTTP 500 \(interner Serverfehler\), aufgegeben nach 3"):
        make_fetcher(fast_config, sleep=Sleeps()).fetch(server.url("/down"))
    assert len(server.requests_to("/down")) == 3


def test_retry_after_is_honoured(server: LocalServer, fast_config: FetchConfig) -> None:
    answers = iter([Reply(429, b"slow down", {"Retry-After": "1"}), Reply(200, b"ok")])
    server.route("/limited", lambda _r: next(answers))
    sleeps = Sleeps()
    assert make_fetcher(fast_config, sleep=sleeps).fetch(server.url("/limited")).body == b"ok"
    assert sleeps.calls == [1.0]


def test_retry_after_beyond_the_bound_gives_up(
    server: LocalServer, fast_config: FetchConfig
) -> None:
    server.route("/later", Reply(503, b"", {"Retry-After": "3600"}))
    sleeps = Sleeps()
    with pytest.raises(FetchError, match="Retry-After"):
        make_fetcher(fast_config, sleep=sleeps).fetch(server.url("/later"))
    assert sleeps.calls == []  # never waited an hour


def test_retry_after_http_date() -> None:
    from datetime import UTC, datetime

    now = datetime(2026, 11, 26, 8, 0, 0, tzinfo=UTC)
    assert parse_retry_after("Thu, 26 Nov 2026 08:00:30 GMT", now) == 30.0
    assert parse_retry_after("120") == 120.0
    assert parse_retry_after("bald") is None


def test_read_timeout(server: LocalServer, fast_config: FetchConfig) -> None:
    server.route("/slow", Reply(200, b"late", delay=1.0))
    config = replace(fast_config, read_timeout=0.2, retries=1)
    with pytest.raises(
        FetchError, match=r"Zeitüberschreitung: .* 0,2 s .*; aufgegeben nach 2 Versuchen$"
    ):
        make_fetcher(config, sleep=Sleeps()).fetch(server.url("/slow"))


def test_trickling_body_is_cut_off(server: LocalServer, fast_config: FetchConfig) -> None:
    """A byte every 0.1 s never trips the read timeout; the whole body has a limit too."""
    server.route("/trickle", Reply(200, b"x" * 60, {"Content-Type": HTML}, trickle=0.1))
    config = replace(fast_config, read_timeout=2.0, total_timeout=0.5, retries=0)
    with pytest.raises(
        FetchError, match=r"Zeitüberschreitung: Antwort nach 0,5 s nicht vollständig"
    ):
        make_fetcher(config, sleep=Sleeps()).fetch(server.url("/trickle"))


def test_connection_refused(fast_config: FetchConfig) -> None:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    config = replace(fast_config, retries=0, obey_robots=False)
    with pytest.raises(FetchError, match=f"Verbindung zu Port {port} abgelehnt"):
        make_fetcher(config).fetch(f"http://127.0.0.1:{port}/x")


def test_conditional_get_304_and_validators_kept_until_commit(
    server: LocalServer, fast_config: FetchConfig
) -> None:
    headers = {
        "Content-Type": HTML,
        "ETag": '"v1"',
        "Last-Modified": "Wed, 25 Nov 2026 07:00:00 GMT",
    }
    server.route("/page", conditional_handler(b"<html>v1</html>", headers))
    store = MemoryValidatorStore()
    first = make_fetcher(fast_config, validators=store)
    assert not first.fetch(server.url("/page")).not_modified
    # Not committed (e.g. the ingest failed): the next run fetches in full.
    again = make_fetcher(fast_config, validators=store)
    assert again.fetch(server.url("/page")).status == 200
    again.commit_validators()
    third = make_fetcher(fast_config, validators=store)
    response = third.fetch(server.url("/page"))
    assert response.status == 304 and response.not_modified and response.body == b""
    assert third.stats.not_modified == 1
    last = server.requests_to("/page")[-1]
    assert last.headers["If-None-Match"] == '"v1"'
    assert last.headers["If-Modified-Since"] == "Wed, 25 Nov 2026 07:00:00 GMT"


def test_identical_body_without_validators_counts_as_not_modified(
    server: LocalServer, fast_config: FetchConfig
) -> None:
    server.route("/api", Reply(200, b'{"results": []}', {"Content-Type": "application/json"}))
    store = MemoryValidatorStore()
    first = make_fetcher(fast_config, validators=store)
    first.fetch(server.url("/api"), method="POST", data=b"q=1")
    first.commit_validators()
    second = make_fetcher(fast_config, validators=store)
    assert second.fetch(server.url("/api"), method="POST", data=b"q=1").not_modified
    assert not second.fetch(server.url("/api"), method="POST", data=b"q=2").not_modified


def test_robots_disallow_and_crawl_delay(server: LocalServer, fast_config: FetchConfig) -> None:
    server.route(
        "/robots.txt",
        Reply(
            200,
            b"User-agent: *\nDisallow: /private/\nCrawl-delay: 5\n",
            {"Content-Type": "text/plain"},
        ),
    )
    server.route("/public", Reply(200, b"<html>ok</html>", {"Content-Type": HTML}))
    server.route("/private/x", Reply(200, b"secret"))
    sleeps = Sleeps()
    fetcher = make_fetcher(replace(fast_config, max_crawl_delay=10), sleep=sleeps)
    fetcher.fetch(server.url("/public"))
    with pytest.raises(RobotsDisallowed):
        fetcher.fetch(server.url("/private/x"))
    fetcher.fetch(server.url("/public"))
    assert server.requests_to("/private/x") == []
    assert len(server.requests_to("/robots.txt")) == 1  # read once per run
    # The Crawl-delay of 5 s is kept between requests to the host (the clock barely moved).
    assert sleeps.calls and max(sleeps.calls) > 4.0


@pytest.mark.parametrize(
    ("robots", "refused"),
    [
        # The longest matching rule decides, not the first in the file (RFC 9309).
        ("User-agent: *\nAllow: /\nDisallow: /intern/\n", {"/intern/x"}),
        ("User-agent: *\nDisallow: /foerderung/\nAllow: /foerderung/aufrufe/\n", {"/foerderung/x"}),
        # `*` and `$` are wildcards, not literal characters.
        (
            "User-agent: *\nDisallow: /*.pdf$\nDisallow: /*view=print\n",
            {"/a.pdf", "/suche?view=print"},
        ),
        # A byte-order mark before the first line must not hide the group.
        ("\ufeffUser-agent: *\nDisallow: /intern/\n", {"/intern/x"}),
        # Our own group applies instead of `*`.
        (
            "User-agent: funding-matcher\nDisallow: /intern/\n\nUser-agent: *\nDisallow: /\n",
            {"/intern/x"},
        ),
    ],
)
def test_robots_rules_as_rfc_9309_reads_them(
    server: LocalServer, fast_config: FetchConfig, robots: str, refused: set[str]
) -> None:
    paths = ["/intern/x", "/a.pdf", "/suche?view=print", "/foerderung/aufrufe/x", "/foerderung/x"]
    server.route("/robots.txt", Reply(200, robots.encode(), {"Content-Type": "text/plain"}))
    for path in paths:
        server.route(path, Reply(200, b"<html>ok</html>", {"Content-Type": HTML}))
    fetcher = make_fetcher(replace(fast_config, user_agent="funding-matcher/0.1 (+tests)"))
    disallowed = set()
    for path in paths:
        try:
            fetcher.fetch(server.url(path))
        except RobotsDisallowed:
            disallowed.add(path)
    assert disallowed == refused
    requested = {r.path for r in server.log if r.path != "/robots.txt"}
    assert requested == set(paths) - refused


def test_robots_unreachable_means_disallow(server: LocalServer, fast_config: FetchConfig) -> None:
    server.route("/robots.txt", Reply(503, b"down"))
    server.route("/a", Reply(200, b"x"))
    with pytest.raises(FetchError) as failed:
        make_fetcher(fast_config).fetch(server.url("/a"))
    assert server.requests_to("/a") == []
    assert str(failed.value).startswith(
        f"{server.url('/robots.txt')}: robots.txt nicht lesbar, daher wird nichts abgerufen – "
        "HTTP 503 (Dienst nicht verfügbar): ein Fehler auf dem Server der Website"
    )


def test_missing_robots_allows_everything(server: LocalServer, fast_config: FetchConfig) -> None:
    server.route("/a", Reply(200, b"x", {"Content-Type": "text/plain"}))
    assert make_fetcher(fast_config).fetch(server.url("/a")).body == b"x"


def test_size_cap_by_header_and_by_stream(server: LocalServer, fast_config: FetchConfig) -> None:
    config = replace(fast_config, max_bytes=1000)
    server.route("/big", Reply(200, b"x" * 5000, {"Content-Type": "text/plain"}))

    def chunked(_request: Request) -> Reply:
        # No Content-Length the client could trust: the body is read until the cap.
        return Reply(200, b"y" * 5000, {"Content-Type": "text/plain", "Connection": "close"})

    server.route("/stream", chunked)
    with pytest.raises(FetchError, match="größer als 1000 Bytes"):
        make_fetcher(config).fetch(server.url("/big"))
    with pytest.raises(FetchError, match="größer als 1000 Bytes"):
        make_fetcher(config).fetch(server.url("/stream"))


def test_wrong_charset_in_header_is_corrected(
    server: LocalServer, fast_config: FetchConfig
) -> None:
    text = "<html><body><h1>Förderaufruf für Städte – Frist 31.03.2027</h1></body></html>"
    # Declared ISO-8859-1 but sent as UTF-8 (a common server default).
    server.route(
        "/utf8", Reply(200, text.encode("utf-8"), {"Content-Type": "text/html; charset=ISO-8859-1"})
    )
    # Declared UTF-8 but sent as Windows-1252.
    server.route(
        "/cp1252", Reply(200, text.encode("cp1252"), {"Content-Type": "text/html; charset=utf-8"})
    )
    fetcher = make_fetcher(fast_config)
    for path in ("/utf8", "/cp1252"):
        response = fetcher.fetch(server.url(path))
        soup = make_soup(response.body, response.headers)
        assert (
            soup.h1 is not None
            and soup.h1.get_text() == "Förderaufruf für Städte – Frist 31.03.2027"
        )


def test_charset_from_document_when_header_has_none() -> None:
    body = '<html><head><meta charset="windows-1252"></head><body>Gemeindeförderung – 5 €</body></html>'
    assert "Gemeindeförderung – 5 €" in decode_body(
        body.encode("cp1252"), {"Content-Type": "text/html"}
    )


def test_bot_wall_served_as_200_is_an_error(server: LocalServer, fast_config: FetchConfig) -> None:
    wall = b"""<!DOCTYPE html><html><head><title>Just a moment...</title></head>
    <body><div id="cf-browser-verification">Checking your browser before accessing.</div></body></html>"""
    server.route("/wall", Reply(200, wall, {"Content-Type": HTML}))
    with pytest.raises(BotWallError, match="Bot-Schutzseite"):
        make_fetcher(fast_config).fetch(server.url("/wall"))


def test_page_mentioning_captcha_is_not_a_bot_wall(
    server: LocalServer, fast_config: FetchConfig
) -> None:
    page = (
        b"<html><head><title>Kontakt</title></head><body>"
        + b"<p>Text</p>" * 6000
        + b'<div class="g-recaptcha"></div></body></html>'
    )
    server.route("/kontakt", Reply(200, page, {"Content-Type": HTML}))
    assert make_fetcher(fast_config).fetch(server.url("/kontakt")).status == 200


def test_ssrf_guard_refuses_private_addresses_and_other_schemes(
    server: LocalServer, fast_config: FetchConfig
) -> None:
    server.route("/a", Reply(200, b"x"))
    strict = replace(fast_config, allow_private=False)
    with pytest.raises(FetchError, match="lokal oder privat"):
        make_fetcher(strict).fetch(server.url("/a"))
    assert server.log == []  # not even robots.txt was requested
    for url in ("file:///etc/passwd", "ftp://example.org/x", "gopher://127.0.0.1/"):
        with pytest.raises(FetchError, match="nur http"):
            check_url(url, allow_private=True)
    for url in ("http://10.1.2.3/", "http://169.254.169.254/latest/meta-data", "http://[::1]/"):
        with pytest.raises(FetchError, match="lokal oder privat"):
            check_url(url, allow_private=False)


def test_redirect_to_private_address_is_refused(
    server: LocalServer, fast_config: FetchConfig
) -> None:
    server.route("/go", Reply(302, b"", {"Location": "http://169.254.169.254/latest/meta-data"}))
    fetcher = make_fetcher(fast_config)
    # Allowed for the local test server itself, but every hop is checked again.
    fetcher.config.allow_private = True
    server.route("/hop", Reply(301, b"", {"Location": "/final"}))
    server.route("/final", Reply(200, b"done", {"Content-Type": "text/plain"}))
    assert fetcher.fetch(server.url("/hop")).body == b"done"
    strict = make_fetcher(replace(fast_config, allow_private=False))
    with pytest.raises(FetchError, match="lokal oder privat"):
        strict.fetch(server.url("/go"))


def test_redirect_cap(server: LocalServer, fast_config: FetchConfig) -> None:
    server.route("/loop", Reply(302, b"", {"Location": "/loop"}))
    with pytest.raises(FetchError, match="mehr als 2 Weiterleitungen"):
        make_fetcher(replace(fast_config, max_redirects=2)).fetch(server.url("/loop"))


def test_other_client_errors_fail_without_retry(
    server: LocalServer, fast_config: FetchConfig
) -> None:
    server.route("/gone", Reply(404, b"nope"))
    with pytest.raises(FetchError, match=r"HTTP 404 \(nicht gefunden\)"):
        make_fetcher(fast_config).fetch(server.url("/gone"))
    assert len(server.requests_to("/gone")) == 1


def test_a_404_of_the_configured_address_says_to_fix_sources_yaml(
    server: LocalServer, fast_config: FetchConfig
) -> None:
    """The source's own address (any page number) moved: the admin's to fix. A programme
    page the site links to: the site's, and sources.yaml is not to blame."""
    server.route("/liste", Reply(404, b"nope"))
    server.route("/programm", Reply(410, b"gone"))
    fetcher = make_fetcher(fast_config, source_url=server.url("/liste?seite=1"))
    expected = {
        "/liste?seite=2": "HTTP 404 (nicht gefunden): die in sources.yaml eingetragene Adresse "
        "gibt es dort nicht (mehr) – vermutlich ist die Seite umgezogen; die neue Adresse auf "
        "der Website suchen und als 'url' der Quelle eintragen",
        "/programm": "HTTP 410 (dauerhaft entfernt): diese Seite gibt es dort nicht mehr "
        "(verschoben oder entfernt, obwohl die Website auf sie verweist); bleibt der Fehler, "
        "die Quelle im Browser prüfen",
    }
    for path, message in expected.items():
        with pytest.raises(FetchError) as failed:
            fetcher.fetch(server.url(path))
        assert str(failed.value) == f"{server.url(path)}: {message}"


def test_record_and_replay(server: LocalServer, fast_config: FetchConfig, tmp_path: Path) -> None:
    server.route(
        "/list",
        Reply(200, "<html>Förderung</html>".encode(), {"Content-Type": HTML, "ETag": '"e1"'}),
    )
    server.route("/api", Reply(200, b'{"results": []}', {"Content-Type": "application/json"}))
    recorder = SnapshotStore(tmp_path / "src")
    live = make_fetcher(fast_config, recorder=recorder)
    live.fetch(server.url("/list"))
    live.fetch(server.url("/api"), method="POST", data=b"--b\r\nquery\r\n")
    replay = make_fetcher(fast_config, replay=SnapshotStore(tmp_path / "src"))
    response = replay.fetch(server.url("/list"))
    assert response.from_snapshot and response.body.decode() == "<html>Förderung</html>"
    assert response.headers["ETag"] == '"e1"'
    assert (
        replay.fetch(server.url("/api"), method="POST", data=b"--b\r\nquery\r\n").body
        == b'{"results": []}'
    )
    with pytest.raises(FetchError, match="kein Snapshot"):
        replay.fetch(server.url("/api"), method="POST", data=b"other body")
    requests_before = len(server.log)
    replay.fetch(server.url("/list"))
    assert len(server.log) == requests_before  # replay never touches the network


def test_robots_redirect_is_followed(server: LocalServer, fast_config: FetchConfig) -> None:
    server.route("/robots.txt", Reply(301, b"", {"Location": "/robots-live.txt"}))
    server.route(
        "/robots-live.txt", Reply(200, b"User-agent: funding-matcher-test\nDisallow: /x\n")
    )
    server.route("/x", Reply(200, b"x"))
    with pytest.raises(RobotsDisallowed):
        make_fetcher(fast_config).fetch(server.url("/x"))
    assert server.requests_to("/x") == []


def test_broken_snapshot_manifest_is_a_clear_error(
    tmp_path: Path, fast_config: FetchConfig
) -> None:
    (tmp_path / "manifest.json").write_text('{"entries": [{"url": "https://a"}]}', encoding="utf-8")
    with pytest.raises(FetchError, match="Eintrag 1 braucht method, url und file"):
        make_fetcher(fast_config, replay=SnapshotStore(tmp_path)).fetch("https://a")
    (tmp_path / "manifest.json").write_text("{kaputt", encoding="utf-8")
    with pytest.raises(FetchError, match="kein gültiges JSON"):
        make_fetcher(fast_config, replay=SnapshotStore(tmp_path)).fetch("https://a")
