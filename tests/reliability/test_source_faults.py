"""Sources that break, stall, lie or attack, through the real `scrape` command.

One local HTTP server plays every fault at once; a sources.yaml points one source at each
fault (with `allow_private: true`, since the server is on 127.0.0.1) and at two healthy
feeds. After one `funding-matcher scrape`, each source's ScrapeRun must say what happened,
the healthy sources must be ingested, and a failed source must have written nothing.
"""

from __future__ import annotations

import html
import re
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml
from sqlalchemy import select

from tests.conftest import CliInvoker
from tests.reliability.fault_server import (
    FaultServer,
    Reply,
    closed_port,
    gzip_bomb,
    rss,
)
from webapp.config import Config
from webapp.db import make_engine, make_session_factory
from webapp.models import Call, ScrapeRun, Source

# Python's class names and the system's English reasons must not reach the administrator.
ENGLISH = re.compile(r"\w+(Error|Exception)\b|Errno|Max retries|not known|refused|timed out")

# One scrape serves every test here: keep them on one xdist worker (`--dist loadgroup`).
pytestmark = pytest.mark.xdist_group("source-faults")

RSS = {"Content-Type": "application/rss+xml; charset=utf-8"}
HTML = {"Content-Type": "text/html; charset=utf-8"}
CAP = 200_000

# Short timeouts and delays so the whole module runs in a few seconds.
FAST: dict[str, Any] = {
    "allow_private": True,
    "delay": 0,
    "connect_timeout": 0.5,
    "read_timeout": 0.4,
    "retries": 1,
    "backoff": 0.05,
    "max_retry_after": 5,
    "max_bytes": CAP,
    "max_redirects": 3,
    "max_pages": 3,
}

LIST_SELECTORS = {"item": "article.call", "title": "h3", "link": "h3 a", "next": "a.next"}


def _list_page(base: str, ident: str, next_href: str | None) -> bytes:
    nxt = f'<a class="next" href="{next_href}">weiter</a>' if next_href else ""
    return (
        f'<html><body><article class="call"><h3><a href="{base}/aufruf/{ident}">'
        f"Förderaufruf {ident}</a></h3></article>{nxt}</body></html>"
    ).encode()


@dataclass(frozen=True)
class Fault:
    """One source: its path on the server, its kind, and what its ScrapeRun must say."""

    name: str
    path: str
    status: str  # "ok" or "failed"
    message: str | tuple[str, ...] = ""  # one of these must be in the run's message
    kind: str = "feed"
    extra: tuple[tuple[str, Any], ...] = ()


FAULTS = [
    Fault("gesund-a", "/ok-a/feed.xml", "ok"),
    Fault("gesund-b", "/ok-b/feed.xml", "ok"),
    Fault("erst-500-dann-200", "/flaky/feed.xml", "ok"),
    Fault("503-retry-after", "/busy/feed.xml", "ok"),
    Fault(
        "503-retry-after-zu-lang",
        "/busy-long/feed.xml",
        "failed",
        "HTTP 503 (Dienst nicht verfügbar): der Server verlangt 3600 s Wartezeit (Retry-After), "
        "mehr als erlaubte 5 s (max_retry_after) – später erneut versuchen",
    ),
    # The host is down: robots.txt is asked first, but the message blames the host.
    Fault("verbindung-abgelehnt", "REFUSED", "failed", "nicht erreichbar: Verbindung zu Port"),
    Fault("host-unbekannt", "DNS", "failed", "Host 'quelle.invalid' nicht gefunden"),
    Fault(
        "zeitueberschreitung", "/slow/feed.xml", "failed", "nicht innerhalb von 0,4 s geantwortet"
    ),
    # An error status says what it means and what to do, in German (scrapers/net_errors.py).
    Fault(
        "nicht-gefunden",
        "/gone/feed.xml",
        "failed",
        "/gone/feed.xml: HTTP 404 (nicht gefunden): die in sources.yaml eingetragene Adresse "
        "gibt es dort nicht (mehr) – vermutlich ist die Seite umgezogen; die neue Adresse auf "
        "der Website suchen und als 'url' der Quelle eintragen",
    ),
    Fault(
        "anmeldung-verlangt",
        "/login/feed.xml",
        "failed",
        "HTTP 401 (Anmeldung erforderlich): die Seite ist nur nach Anmeldung zugänglich",
    ),
    Fault(
        "gesperrt",
        "/forbidden/feed.xml",
        "failed",
        "HTTP 403 (Zugriff verweigert): die Website lässt diesen Abruf nicht zu, vielleicht "
        "sperrt sie diesen Server (seine IP-Adresse) oder Abrufe durch Programme",
    ),
    Fault(
        "gedrosselt",
        "/throttled/feed.xml",
        "failed",
        "HTTP 429 (zu viele Anfragen), aufgegeben nach 2 Versuchen: der Server bremst zu "
        "häufige Abrufe und bittet um 1 s Pause (Retry-After) – 'delay' der Quelle in "
        "sources.yaml erhöhen",
    ),
    Fault(
        "serverfehler",
        "/broken/feed.xml",
        "failed",
        "HTTP 502 (fehlerhafte Antwort eines vorgeschalteten Servers), aufgegeben nach 2 "
        "Versuchen: ein Fehler auf dem Server der Website, nicht bei dieser Installation – "
        "später erneut versuchen",
    ),
    Fault("weiterleitungsschleife", "/loop/feed.xml", "failed", "mehr als 3 Weiterleitungen"),
    Fault("abgeschnitten", "/truncated/feed.xml", "failed", "abgebrochen"),
    Fault("gzip-bombe", "/bomb/feed.xml", "failed", f"größer als {CAP} Bytes"),
    Fault("zu-gross", "/huge/feed.xml", "failed", f"größer als {CAP} Bytes"),
    Fault("zu-gross-ohne-laenge", "/huge-chunked/feed.xml", "failed", f"größer als {CAP} Bytes"),
    Fault("falscher-zeichensatz", "/latin-lie/feed.xml", "ok"),
    Fault("zeichensatz-utf8-gelogen", "/utf8-lie/feed.xml", "ok"),
    Fault("kaputtes-xml", "/badxml/feed.xml", "failed", "kein lesbarer Feed"),
    Fault("ein-eintrag-kaputt", "/oneitem/feed.xml", "ok", "Eintrag ohne Titel"),
    Fault("leere-antwort", "/emptybody/feed.xml", "failed", "Feed"),
    Fault("leerer-feed", "/empty/feed.xml", "ok"),
    Fault("bot-wand", "/botwall/feed.xml", "failed", "Bot-Schutzseite"),
    Fault("robots-verbot", "/verboten/feed.xml", "failed", "robots.txt verbietet"),
    Fault(
        "kaputtes-html",
        "/badhtml/liste.html",
        "failed",
        "kein Eintrag für den Selektor",
        kind="html-list",
        extra=(("selectors", LIST_SELECTORS),),
    ),
    # Page 1 worked: its calls are taken, the unread rest is one error of the run.
    Fault(
        "seite-2-kaputt",
        "/paged/seite1.html",
        "ok",
        "/paged/seite2.html: HTTP 500 (interner Serverfehler), aufgegeben nach 2 Versuchen",
        kind="html-list",
        extra=(("selectors", LIST_SELECTORS),),
    ),
    Fault("kaputtes-json", "/badjson/search?apiKey=X", "failed", "JSON", kind="eu-ft"),
]


def _serve_faults(server: FaultServer) -> None:
    """Register one handler per fault path."""
    base = server.base

    def feed(*items: str, headers: dict[str, str] = RSS) -> Reply:
        return Reply(
            headers=headers, body=rss([(i, f"Förderaufruf {i}") for i in items], base=base)
        )

    server.route("/ok-a/", lambda r, n: feed("a1", "a2"))
    server.route("/ok-b/", lambda r, n: feed("b1"))
    server.route("/flaky/", lambda r, n: Reply(500, body=b"kaputt") if n == 0 else feed("f1"))
    server.route(
        "/busy/",
        lambda r, n: Reply(503, {"Retry-After": "1"}, b"busy") if n == 0 else feed("r1"),
    )
    server.route("/busy-long/", lambda r, n: Reply(503, {"Retry-After": "3600"}, b"busy"))
    server.route("/slow/", lambda r, n: Reply(delay=3.0, headers=RSS, body=rss([("s1", "x")])))
    server.route("/gone/", lambda r, n: Reply(404, body=b"weg"))
    server.route("/login/", lambda r, n: Reply(401, {"WWW-Authenticate": "Basic"}, b"nein"))
    server.route("/forbidden/", lambda r, n: Reply(403, body=b"nein"))
    server.route("/throttled/", lambda r, n: Reply(429, {"Retry-After": "1"}, b"langsam"))
    server.route("/broken/", lambda r, n: Reply(502, body=b"bad gateway"))
    server.route("/loop/", lambda r, n: Reply(302, {"Location": "/loop/feed.xml"}))
    server.route(
        "/truncated/",
        lambda r, n: Reply(
            headers={**RSS, "Content-Length": "50000"},
            body=rss([("t1", "x")] * 50),
            close_after=300,
        ),
    )
    bomb = gzip_bomb(50_000_000)  # 50 MB of zeros in about 50 kB
    server.route(
        "/bomb/", lambda r, n: Reply(headers={**RSS, "Content-Encoding": "gzip"}, body=bomb)
    )
    server.route("/huge/", lambda r, n: Reply(headers=RSS, body=b" " * (CAP + 10)))
    server.route(
        "/huge-chunked/",
        lambda r, n: Reply(headers={**RSS, "Content-Length": ""}, body=b" " * (CAP * 3)),
    )
    # UTF-8 bytes declared as Latin-1 (header and XML declaration): a common server default.
    latin_lie = rss([("l1", "Förderung für Städte")]).replace(b'"utf-8"', b'"iso-8859-1"')
    server.route(
        "/latin-lie/",
        lambda r, n: Reply(
            headers={"Content-Type": "text/xml; charset=iso-8859-1"}, body=latin_lie
        ),
    )
    # Latin-1 bytes declared as UTF-8.
    utf8_lie = rss([("u1", "Förderung für Dörfer")], encoding="iso-8859-1").replace(
        b'"iso-8859-1"', b'"utf-8"'
    )
    server.route("/utf8-lie/", lambda r, n: Reply(headers=RSS, body=utf8_lie))
    server.route(
        "/badxml/",
        lambda r, n: Reply(headers=RSS, body=b'<?xml version="1.0"?><rss><channel><title>x</ti'),
    )
    # One item without a title among good ones: the good ones are kept, the bad one reported.
    one_bad = rss([("g1", "Förderaufruf g1"), ("g2", ""), ("g3", "Förderaufruf g3")], base=base)
    server.route("/oneitem/", lambda r, n: Reply(headers=RSS, body=one_bad))
    server.route("/emptybody/", lambda r, n: Reply(headers=RSS, body=b""))
    server.route("/empty/", lambda r, n: feed())
    server.route(
        "/botwall/",
        lambda r, n: Reply(
            headers=HTML,
            body=b"<html><head><title>Just a moment...</title></head><body>"
            b'<div id="cf-challenge-running">Checking your browser</div></body></html>',
        ),
    )
    server.route("/verboten/", lambda r, n: feed("v1"))
    server.route("/badhtml/", lambda r, n: Reply(headers=HTML, body=b"<html><body><div><p>oops<"))
    server.route(
        "/paged/seite1",
        lambda r, n: Reply(headers=HTML, body=_list_page(base, "p1", "/paged/seite2.html")),
    )
    server.route("/paged/seite2", lambda r, n: Reply(500, body=b"kaputt"))
    server.route(
        "/badjson/",
        lambda r, n: Reply(headers={"Content-Type": "application/json"}, body=b'{"results": ['),
    )


def _sources_yaml(server: FaultServer, path: Path) -> None:
    special = {
        "REFUSED": f"http://127.0.0.1:{closed_port()}/feed.xml",
        "DNS": "http://quelle.invalid/feed.xml",
    }
    sources = []
    for fault in FAULTS:
        url = special.get(fault.path, server.base + fault.path)
        sources.append({"name": fault.name, "kind": fault.kind, "url": url, **dict(fault.extra)})
    path.write_text(
        yaml.safe_dump({"defaults": FAST, "sources": sources}, allow_unicode=True), "utf-8"
    )


@pytest.fixture(scope="module")
def scraped(
    tmp_path_factory: pytest.TempPathFactory,
) -> tuple[Config, str, FaultServer, float]:
    """One scrape of every fault source into a fresh SQLite database (module-wide)."""
    directory = tmp_path_factory.mktemp("faults")
    config = Config(
        database_url=f"sqlite:///{directory / 'faults.db'}",
        secret_key="test-secret",
        env="test",
        instance_dir=directory / "instance",
        testing=True,
    )
    server = FaultServer()
    _serve_faults(server)
    server.start()
    sources = directory / "sources.yaml"
    _sources_yaml(server, sources)
    cli = CliInvoker(config)
    assert cli("init").exit_code == 0
    started = time.monotonic()
    result = cli("scrape", SOURCES_PATH=str(sources))
    seconds = time.monotonic() - started
    server.stop()
    return config, result.output, server, seconds


def _runs(config: Config) -> dict[str, ScrapeRun]:
    engine = make_engine(config.database_url)
    with make_session_factory(engine)() as session:
        rows = session.execute(select(Source.name, ScrapeRun).join(ScrapeRun.source)).all()
    engine.dispose()
    return {name: run for name, run in rows}


def _calls(config: Config) -> dict[str, list[Call]]:
    engine = make_engine(config.database_url)
    out: dict[str, list[Call]] = {}
    with make_session_factory(engine)() as session:
        for call in session.scalars(select(Call)):
            out.setdefault(call.source, []).append(call)
    engine.dispose()
    return out


@pytest.mark.parametrize("fault", FAULTS, ids=[f.name for f in FAULTS])
def test_each_fault_is_recorded_on_its_run(
    scraped: tuple[Config, str, FaultServer, float], fault: Fault
) -> None:
    config, output, _server, _seconds = scraped
    run = _runs(config)[fault.name]
    assert run.status == fault.status, (run.status, run.error_message)
    assert run.finished_at is not None
    if fault.status == "failed":
        expected = (fault.message,) if isinstance(fault.message, str) else fault.message
        assert any(m in run.error_message for m in expected), run.error_message
        assert "interner Fehler" not in run.error_message
        assert not ENGLISH.search(run.error_message), run.error_message
        assert f"FEHLER {fault.name}:" in output  # the operator sees it too
        assert not _calls(config).get(fault.name), "a failed source wrote calls"
    elif fault.message:
        assert isinstance(fault.message, str)  # several alternatives only for failed sources
        assert run.errors >= 1 and fault.message in run.error_message, run.error_message
        # Named once, by the source (not the parser's kind), and "Fehler" as in the table.
        line = next(x for x in output.splitlines() if x.startswith(f"Fehler {fault.name}: "))
        assert line.startswith(f"Fehler {fault.name}: 1 Fehler, die übrigen Aufrufe übernommen: ")
        assert f"{fault.kind}:" not in line and line.count(fault.name) == 1, line


def test_healthy_and_recovered_sources_are_ingested(
    scraped: tuple[Config, str, FaultServer, float],
) -> None:
    config, output, server, seconds = scraped
    calls = _calls(config)
    ids = {name: sorted(c.external_id for c in rows) for name, rows in calls.items()}
    assert ids["gesund-a"] == ["a1", "a2"]
    assert ids["gesund-b"] == ["b1"]
    assert ids["erst-500-dann-200"] == ["f1"]
    assert ids["503-retry-after"] == ["r1"]
    assert ids["ein-eintrag-kaputt"] == ["g1", "g3"]
    assert server.hits["/flaky/feed.xml"] == 2 and server.hits["/busy/feed.xml"] == 2
    assert "leerer-feed" not in ids  # an empty feed is fine and adds nothing
    # The summary table lists every source; the command fails because some sources did.
    for fault in FAULTS:
        assert fault.name in output
    assert "Traceback" not in output
    assert seconds < 30


def test_wrong_charset_declaration_still_gives_readable_text(
    scraped: tuple[Config, str, FaultServer, float],
) -> None:
    config, *_ = scraped
    calls = _calls(config)
    assert calls["falscher-zeichensatz"][0].title == "Förderung für Städte"
    assert calls["zeichensatz-utf8-gelogen"][0].title == "Förderung für Dörfer"


def test_robots_disallow_means_not_even_one_request(
    scraped: tuple[Config, str, FaultServer, float],
) -> None:
    _config, _output, server, _seconds = scraped
    assert server.hits["/verboten/feed.xml"] == 0
    assert server.hits["/robots.txt"] >= 1


def test_page_one_is_kept_when_page_two_fails(
    scraped: tuple[Config, str, FaultServer, float],
) -> None:
    """Page 1 parsed fine, page 2 failed after its retry: page 1's call is stored, nothing
    is marked missing (the listing was not read to the end)."""
    config, _output, server, _seconds = scraped
    assert server.hits["/paged/seite1.html"] == 1 and server.hits["/paged/seite2.html"] == 2
    calls = _calls(config)["seite-2-kaputt"]
    assert [(c.title, c.missing_since) for c in calls] == [("Förderaufruf p1", None)]
    run = _runs(config)["seite-2-kaputt"]
    assert (run.status, run.errors, run.new, run.missing) == ("ok", 1, 1, 0)


def test_the_quellen_page_shows_what_failed_and_what_to_do(
    scraped: tuple[Config, str, FaultServer, float],
) -> None:
    """The administrator reads the same German sentence on the Quellen page as in the
    output of `scrape`: in the source's row (last error) and in its run history."""
    from webapp.app import create_app
    from webapp.users import create_user

    config, output, _server, _seconds = scraped
    engine = make_engine(config.database_url)
    with make_session_factory(engine)() as session:
        create_user(session, "it@kreis.example", "richtig-geheim-42", role="admin")
        session.commit()
    engine.dispose()
    app = create_app(config)
    app.config.update(WTF_CSRF_ENABLED=False)
    client = app.test_client()
    client.post("/anmelden", data={"email": "it@kreis.example", "password": "richtig-geheim-42"})
    page = html.unescape(client.get("/quellen/").get_data(as_text=True))
    runs = _runs(config)
    for name in ("nicht-gefunden", "anmeldung-verlangt", "gesperrt", "gedrosselt", "serverfehler"):
        [fault] = [f for f in FAULTS if f.name == name]
        message = runs[name].error_message
        assert isinstance(fault.message, str) and fault.message in message
        # the whole sentence, the advice at its end included, not cut off
        assert message.endswith(("eintragen", "Freigabe bitten", "erneut", "Browser prüfen"))
        assert f"FEHLER {name}: {message}" in output
        row = page[page.index(f"<strong>{name}</strong>") :]
        last_error = row[row.index("Letzter Fehler") : row.index("</div>", row.index("Letzter"))]
        assert last_error.endswith(f": {message}"), last_error
        assert f"Fehler: {message}</div>" in row[: row.index("</details>")]  # the run history
