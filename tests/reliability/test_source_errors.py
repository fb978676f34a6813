"""What `scrape` says about a source's parser errors, follow-up pages and changed parsers.

A local HTTP server plays the source and the real `scrape` command reads it; what is checked
is what the administrator sees: the lines of the command, its exit status, the stored run,
the calls, and the log records with their tracebacks.
"""

from __future__ import annotations

import json
import logging
import re
from dataclasses import replace
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import pytest
import yaml
from sqlalchemy import select

from scrapers import feed, registry
from scrapers.base import Headers, Options, ParseResult
from tests.conftest import CliInvoker
from tests.reliability.fault_server import rss
from tests.scrapers.conftest import (
    LocalServer,
    Reply,
    Request,
    conditional_handler,
    snapshot_file,
)
from webapp.config import Config
from webapp.db import make_engine, make_session_factory
from webapp.models import Call, ScrapeRun, Source

SOURCE = "stiftung-x"
RSS = {"Content-Type": "application/rss+xml; charset=utf-8"}
HTML = {"Content-Type": "text/html; charset=utf-8"}
FAST = {"delay": 0, "retries": 0, "allow_private": True}
# Python's class names and English texts must not reach the administrator's message.
ENGLISH = re.compile(r"\w+(Error|Exception)\b|string indices|most recent call")
DETAILS = (
    "ein Programmfehler, kein Fehler der Quelle; Einzelheiten "
    "(Traceback) im Log (stderr bzw. LOG_FILE), bitte mit dieser Meldung an die Entwicklung "
    "melden"
)
INTERNAL = f"interner Fehler im Parser – {DETAILS}"


def _sources(tmp_path: Path, **source: Any) -> str:
    path = tmp_path / "sources.yaml"
    data = {"defaults": FAST, "sources": [{"name": SOURCE, **source}]}
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return str(path)


def _feed(server: LocalServer, *titles: str) -> bytes:
    return rss([(f"g{n}", t) for n, t in enumerate(titles, start=1)], base=server.base)


def _runs(config: Config) -> list[ScrapeRun]:
    engine = make_engine(config.database_url)
    with make_session_factory(engine)() as session:
        runs = list(
            session.scalars(
                select(ScrapeRun).join(Source).where(Source.name == SOURCE).order_by(ScrapeRun.id)
            )
        )
    engine.dispose()
    return runs


def _titles(config: Config) -> dict[str, str]:
    engine = make_engine(config.database_url)
    with make_session_factory(engine)() as session:
        titles = {c.external_id: c.title for c in session.scalars(select(Call))}
    engine.dispose()
    return titles


def _traced(caplog: pytest.LogCaptureFixture) -> list[logging.LogRecord]:
    return [r for r in caplog.records if r.exc_info and r.levelno >= logging.ERROR]


# --- a bug in the parser -------------------------------------------------------------------


def test_a_parser_bug_in_one_item_keeps_the_others_and_fails_the_command(
    cli: CliInvoker,
    server: LocalServer,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    url = server.url("/feed.xml")
    body = _feed(server, "Förderaufruf eins", "Förderaufruf zwei", "Förderaufruf drei")
    server.route("/feed.xml", Reply(200, body, RSS))
    entry = feed._entry

    def buggy(item: Any, page: str, index: int, *args: Any) -> Any:
        if index == 2:
            raise TypeError("string indices must be integers, not 'str'")
        return entry(item, page, index, *args)

    monkeypatch.setattr(feed, "_entry", buggy)
    assert cli("init").exit_code == 0
    caplog.set_level(logging.ERROR)
    result = cli("scrape", SOURCES_PATH=_sources(tmp_path, kind="feed", url=url))

    # The other items are taken; the bug fails the command, so cron and systemd notice.
    assert result.exit_code == 1, result.output
    assert set(_titles(cli.config)) == {"g1", "g3"}
    assert (
        f"Fehler {SOURCE}: 1 Fehler, die übrigen Aufrufe übernommen: {url} (Eintrag 2): "
        f"interner Fehler im Parser, Eintrag ausgelassen – {DETAILS}\n"
    ) in result.output
    assert f"Programmfehler im Parser bei 1 Quelle: {SOURCE} – Einzelheiten im Log" in (
        result.output
    )
    # The run says so in German (Quellen page, digest), counted and as a hint.
    [run] = _runs(cli.config)
    assert run.status == "ok" and run.errors == 1
    assert run.error_message == (
        f"{url} (Eintrag 2): interner Fehler im Parser, Eintrag ausgelassen – {DETAILS}"
    )
    assert not ENGLISH.search(run.error_message)
    assert run.warning_list[0].startswith(
        "Programmfehler im Parser: 1 Eintrag bzw. Seite nicht gelesen, die übrigen übernommen"
    )
    # The traceback is in the log, with the source, the page and the item.
    [record] = _traced(caplog)
    assert record.exc_info is not None and record.exc_info[0] is TypeError
    assert record.getMessage() == (
        f"Interner Fehler im Parser feed, Quelle {SOURCE}, {url} (Eintrag 2)"
    )


def test_a_parser_bug_on_the_first_page_fails_the_source_in_german(
    cli: CliInvoker,
    server: LocalServer,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    url = server.url("/feed.xml")
    server.route("/feed.xml", Reply(200, _feed(server, "Förderaufruf eins"), RSS))

    def broken(
        body: bytes, url: str, headers: Headers | None = None, *, options: Options | None = None
    ) -> ParseResult:
        read: dict[str, ParseResult] = {}
        return read["entries"]  # a bug: KeyError

    monkeypatch.setitem(
        registry.SOURCE_KINDS, "feed", replace(registry.SOURCE_KINDS["feed"], parse=broken)
    )
    assert cli("init").exit_code == 0
    caplog.set_level(logging.ERROR)
    result = cli("scrape", SOURCES_PATH=_sources(tmp_path, kind="feed", url=url))

    assert result.exit_code == 1
    assert f"FEHLER {SOURCE}: {url}: {INTERNAL}\n" in result.output
    [run] = _runs(cli.config)
    assert run.status == "failed" and run.error_message == f"{url}: {INTERNAL}"
    [record] = _traced(caplog)
    assert record.exc_info is not None and record.exc_info[0] is KeyError
    assert record.getMessage() == f"Interner Fehler im Parser feed, Quelle {SOURCE}, Seite {url}"


# --- rejected items ------------------------------------------------------------------------


def test_a_rejected_item_names_the_source_once_and_keeps_exit_status_zero(
    cli: CliInvoker, server: LocalServer, tmp_path: Path
) -> None:
    """The source's fault, not a bug: named as "Fehler" like the table's column, status 0
    (docs/scraping.md: only a failed source makes the command fail)."""
    url = server.url("/feed.xml")
    server.route("/feed.xml", Reply(200, _feed(server, "Förderaufruf eins", ""), RSS))
    assert cli("init").exit_code == 0
    result = cli("scrape", SOURCES_PATH=_sources(tmp_path, kind="feed", url=url))

    assert result.exit_code == 0, result.output
    line = (
        f"Fehler {SOURCE}: 1 Fehler, die übrigen Aufrufe übernommen: {url} (Eintrag 2) "
        "(Feld 'title'): Eintrag ohne Titel\n"
    )
    assert line in result.output
    assert "feed:" not in result.output and f"{SOURCE}: {SOURCE}" not in result.output
    [row] = [x for x in result.output.splitlines() if x.startswith(SOURCE)]
    assert row.split()[1:2] == ["ok"] and row.split()[-2] == "1"  # Status ok, Fehler 1


# --- a follow-up page that is gone -------------------------------------------------------


def _list_page(server: LocalServer, next_href: str | None, *idents: str) -> bytes:
    items = "".join(
        f'<article class="call"><h3><a href="{server.base}/aufruf/{ident}">'
        f"Förderaufruf {ident}</a></h3></article>"
        for ident in idents
    )
    nxt = f'<a class="next" href="{next_href}">weiter</a>' if next_href else ""
    return f"<html><body>{items}{nxt}</body></html>".encode()


def _list_sources(server: LocalServer, tmp_path: Path) -> str:
    selectors = {"item": "article.call", "title": "h3", "link": "h3 a", "next": "a.next"}
    return _sources(tmp_path, kind="html-list", url=server.url("/liste.html"), selectors=selectors)


def _missing(config: Config) -> dict[str, bool]:
    """Each stored call's title, and whether it is marked as no longer listed."""
    engine = make_engine(config.database_url)
    with make_session_factory(engine)() as session:
        marks = {c.title: c.missing_since is not None for c in session.scalars(select(Call))}
    engine.dispose()
    return marks


def _called(*idents: str) -> list[str]:
    return [f"Förderaufruf {ident}" for ident in idents]


FOLLOW_UP_GONE = (
    "HTTP 404 (nicht gefunden): Folgeseite 3 der Liste gibt es dort nicht (mehr), obwohl die "
    "Seite davor sie ankündigt – die erste Seite (die 'url' der Quelle in sources.yaml) war "
    "abrufbar, dort ist nichts zu ändern"
)
REST_UNREAD = (
    "diese und die folgenden Seiten nicht gelesen, daher wird kein Aufruf als „nicht mehr "
    "gelistet“ markiert"
)
TAKEN = f"Fehler {SOURCE}: 1 Fehler, die übrigen Aufrufe übernommen: "


def test_a_gone_follow_up_list_page_keeps_the_pages_read_and_is_read_next_time(
    cli: CliInvoker, server: LocalServer, tmp_path: Path
) -> None:
    """Page 3 of 3 answers 404: pages 1 and 2 are taken, the run is "ok" with 1 Fehler (exit
    status 0, as for a failed programme page); the next run reads page 3 behind unchanged
    pages 1 and 2."""
    server.route("/liste.html", Reply(200, _list_page(server, "?seite=2", "p1"), HTML))
    server.route("/liste.html?seite=2", Reply(200, _list_page(server, "?seite=3", "p2"), HTML))
    server.route("/liste.html?seite=3", Reply(404, b"weg"))
    sources = _list_sources(server, tmp_path)
    assert cli("init").exit_code == 0
    result = cli("scrape", SOURCES_PATH=sources)

    assert result.exit_code == 0, result.output
    [run] = _runs(cli.config)
    assert run.error_message.startswith(f"{server.url('/liste.html?seite=3')}: {FOLLOW_UP_GONE}")
    assert run.error_message.endswith(f" – {REST_UNREAD}")
    assert "umgezogen" not in run.error_message and "als 'url'" not in run.error_message
    assert f"{TAKEN}{run.error_message}\n" in result.output
    assert "FEHLER" not in result.output and "fehlgeschlagen" not in result.output
    assert (run.status, run.errors, run.new, run.missing) == ("ok", 1, 2, 0)
    assert sorted(_titles(cli.config).values()) == ["Förderaufruf p1", "Förderaufruf p2"]

    # Page 3 is back: pages 1 and 2 are the same (not parsed), and still lead on to it.
    server.route("/liste.html?seite=3", Reply(200, _list_page(server, None, "p3"), HTML))
    again = cli("scrape", SOURCES_PATH=sources)
    assert again.exit_code == 0 and f"Fehler {SOURCE}:" not in again.output
    *_, second = _runs(cli.config)
    assert (second.status, second.errors, second.not_modified, second.new) == ("ok", 0, 2, 1)
    assert sorted(_titles(cli.config).values()) == [f"Förderaufruf p{n}" for n in (1, 2, 3)]
    assert len(server.requests_to("/liste.html?seite=3")) == 2


@pytest.mark.parametrize(
    ("reply", "problem"),
    [
        (Reply(503, b"kaputt"), "HTTP 503 (Dienst nicht verfügbar)"),
        (Reply(410, b"weg"), "HTTP 410 (dauerhaft entfernt): Folgeseite 2 der Liste gibt es dort"),
        (Reply(200, b"<html></html>", HTML, delay=1.5), "Zeitüberschreitung: "),
    ],
    ids=["5xx", "410", "zeitueberschreitung"],
)
def test_a_call_on_a_failed_follow_up_page_is_not_marked_missing(
    cli: CliInvoker, server: LocalServer, tmp_path: Path, reply: Reply, problem: str
) -> None:
    """A stored call sat on page 2, which now fails: it stays listed; page 1's new call is
    stored; once page 2 is back behind an unchanged page 1 (304), its change is read."""
    page_one = _list_page(server, "?seite=2", "p1")
    server.route("/liste.html", conditional_handler(page_one, {**HTML, "ETag": '"v1"'}))
    page_two = _list_page(server, None, "p2")
    server.route("/liste.html?seite=2", conditional_handler(page_two, {**HTML, "ETag": '"v1"'}))
    path = tmp_path / "sources.yaml"
    sources = _list_sources(server, tmp_path)
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data["defaults"]["read_timeout"] = 0.5
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    assert cli("init").exit_code == 0
    assert cli("scrape", SOURCES_PATH=sources).exit_code == 0

    page_one = _list_page(server, "?seite=2", "p1", "p1b")
    server.route("/liste.html", conditional_handler(page_one, {**HTML, "ETag": '"v2"'}))
    server.route("/liste.html?seite=2", reply)
    result = cli("scrape", SOURCES_PATH=sources)

    assert result.exit_code == 0, result.output
    *_, failed = _runs(cli.config)
    assert failed.error_message.startswith(f"{server.url('/liste.html?seite=2')}: {problem}")
    assert failed.error_message.endswith(f" – {REST_UNREAD}")
    assert f"{TAKEN}{failed.error_message}\n" in result.output
    assert (failed.status, failed.errors, failed.new, failed.missing) == ("ok", 1, 1, 0)
    assert _missing(cli.config) == dict.fromkeys(_called("p1", "p1b", "p2"), False)

    page_two = _list_page(server, None, "p2", "p2b")
    server.route("/liste.html?seite=2", conditional_handler(page_two, {**HTML, "ETag": '"v2"'}))
    assert cli("scrape", SOURCES_PATH=sources).exit_code == 0
    *_, back = _runs(cli.config)
    assert (back.status, back.errors, back.not_modified, back.new, back.missing) == (
        "ok",
        0,
        1,
        1,
        0,
    )
    assert _missing(cli.config) == dict.fromkeys(_called("p1", "p1b", "p2", "p2b"), False)


def test_the_first_list_page_failing_still_fails_the_source(
    cli: CliInvoker, server: LocalServer, tmp_path: Path
) -> None:
    server.route("/liste.html", Reply(503, b"kaputt"))
    assert cli("init").exit_code == 0
    result = cli("scrape", SOURCES_PATH=_list_sources(server, tmp_path))
    assert result.exit_code == 1
    [run] = _runs(cli.config)
    assert run.status == "failed" and run.error_message.startswith(
        f"{server.url('/liste.html')}: HTTP 503"
    )
    assert f"FEHLER {SOURCE}: {run.error_message}" in result.output
    assert REST_UNREAD not in run.error_message


def _eu_results() -> list[dict[str, Any]]:
    """Two calls of the recorded EU search answer, with different identifiers."""
    data = json.loads(snapshot_file("eu-ft", "search-seite-1.json"))
    return [data["results"][0], data["results"][1]]


def test_a_gone_follow_up_page_of_the_eu_search_keeps_the_pages_read(
    cli: CliInvoker, server: LocalServer, tmp_path: Path
) -> None:
    """Page 3 of 3 by the API's own count answers 404; pages 1 and 2 are taken, and the next
    run asks page 3 again behind the unchanged pages 1 and 2."""
    results = _eu_results()
    gone = [True]

    def search(request: Request) -> Reply:
        page = int(dict(parse_qsl(urlsplit(request.path).query))["pageNumber"])
        if page == 3 and gone[0]:
            return Reply(404, b"not found")
        items = results[page - 1 : page] if page < 3 else [{"metadata": {"type": ["0"]}}]
        body = {"totalResults": 3, "results": items}
        return Reply(200, json.dumps(body).encode(), {"Content-Type": "application/json"})

    server.route("/search", search)
    assert cli("init").exit_code == 0
    sources = _sources(tmp_path, kind="eu-ft", url=server.url("/search?apiKey=X"), page_size=1)
    result = cli("scrape", SOURCES_PATH=sources)

    assert result.exit_code == 0, result.output
    [run] = _runs(cli.config)
    assert f"pageNumber=3: {FOLLOW_UP_GONE}" in run.error_message, run.error_message
    assert run.error_message.endswith(f" – {REST_UNREAD}")
    assert "umgezogen" not in run.error_message
    assert f"{TAKEN}{run.error_message}\n" in result.output
    assert (run.status, run.errors, run.new, run.missing) == ("ok", 1, 2, 0)

    gone[0] = False
    assert cli("scrape", SOURCES_PATH=sources).exit_code == 0
    *_, again = _runs(cli.config)
    assert (again.status, again.errors, again.not_modified, again.missing) == ("ok", 0, 2, 0)
    pages = [dict(parse_qsl(urlsplit(r.path).query)).get("pageNumber") for r in server.log]
    assert pages.count("3") == 2


def test_the_configured_first_page_still_asks_for_a_new_url(
    cli: CliInvoker, server: LocalServer, tmp_path: Path
) -> None:
    assert cli("init").exit_code == 0
    cli("scrape", SOURCES_PATH=_sources(tmp_path, kind="feed", url=server.url("/weg.xml")))
    [run] = _runs(cli.config)
    assert "vermutlich ist die Seite umgezogen" in run.error_message
    assert "Folgeseite" not in run.error_message


# --- a changed parser --------------------------------------------------------------------


def _fixed_parser(monkeypatch: pytest.MonkeyPatch) -> None:
    """The feed parser of a new release, which reads the same page into other titles."""
    parse = feed.parse

    def fixed(
        body: bytes, url: str, headers: Headers | None = None, *, options: Options | None = None
    ) -> ParseResult:
        result = parse(body, url, headers, options=options)
        result.records = [replace(r, title=r.title + " (neu gelesen)") for r in result.records]
        return result

    monkeypatch.setitem(
        registry.SOURCE_KINDS, "feed", replace(registry.SOURCE_KINDS["feed"], parse=fixed)
    )


def _served_with_etag(server: LocalServer) -> None:
    body = _feed(server, "Förderaufruf eins")
    server.route("/feed.xml", conditional_handler(body, {**RSS, "ETag": '"v1"'}))


def test_a_new_parser_version_reads_unchanged_pages_again(
    cli: CliInvoker, server: LocalServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _served_with_etag(server)
    sources = _sources(tmp_path, kind="feed", url=server.url("/feed.xml"))
    assert cli("init").exit_code == 0
    assert cli("scrape", SOURCES_PATH=sources).exit_code == 0
    _fixed_parser(monkeypatch)
    # The same parser version: the server's 304 stands, nothing is read.
    assert cli("scrape", SOURCES_PATH=sources).exit_code == 0
    assert _titles(cli.config) == {"g1": "Förderaufruf eins"}
    # A new version of the feed parser: the page is read in full once, then asked again.
    kind = registry.SOURCE_KINDS["feed"]
    monkeypatch.setitem(registry.SOURCE_KINDS, "feed", replace(kind, version=kind.version + 1))
    assert cli("scrape", SOURCES_PATH=sources).exit_code == 0
    assert _titles(cli.config) == {"g1": "Förderaufruf eins (neu gelesen)"}
    assert cli("scrape", SOURCES_PATH=sources).exit_code == 0
    *_, reread, after = _runs(cli.config)
    assert (reread.not_modified, reread.changed) == (0, 1)
    assert (after.not_modified, after.changed) == (1, 0)


def test_scrape_full_reads_unchanged_pages_again(
    cli: CliInvoker, server: LocalServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _served_with_etag(server)
    sources = _sources(tmp_path, kind="feed", url=server.url("/feed.xml"))
    assert cli("init").exit_code == 0
    assert cli("scrape", SOURCES_PATH=sources).exit_code == 0
    _fixed_parser(monkeypatch)
    result = cli("scrape", "--source", SOURCE, "--full", SOURCES_PATH=sources)
    assert result.exit_code == 0, result.output
    assert _titles(cli.config) == {"g1": "Förderaufruf eins (neu gelesen)"}
    assert [r.not_modified for r in _runs(cli.config)] == [0, 0]
