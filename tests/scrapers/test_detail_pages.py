"""A programme page (the detail page a list links to) that is gone or fails: only that item.

The real `scrape` command reads the Förderdatenbank's snapshots from a local HTTP server into
a SQLite database; what is checked is what the administrator sees (the lines of the command,
its exit status, the stored run) and what is stored of the calls.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

import yaml
from sqlalchemy import select

from tests.conftest import CliInvoker
from tests.scrapers.conftest import (
    SOURCES_YAML,
    LocalServer,
    Reply,
    serve_snapshots,
    snapshot_file,
)
from webapp.db import make_engine, make_session_factory
from webapp.models import Call, CallChange, ScrapeRun

SOURCE = "foerderdatenbank"
PROGRAMMES = "/FDB/Content/DE/Foerderprogramm/"
HTML = {"Content-Type": "text/html;charset=UTF-8"}
COWORKING = "Land/NRW/coworking-laendlicher-raum"
TELEMEDIZIN = "Land/NRW/telemedizin-laendliche-regionen"
LEADER = "Land/NRW/leader-regionen"
DRITTE_ORTE = "Land/NRW/dritte-orte-kultur"
SPORT = "Land/NRW/sportstaetten-kommunen"
SKIPPED = (
    "Programm in diesem Lauf ausgelassen; ist es schon gespeichert, bleibt es wie zuletzt "
    "gelesen und wird nicht als verschwunden markiert"
)


def _sources(server: LocalServer, tmp_path: Path) -> str:
    """sources.yaml with the Förderdatenbank alone, on the local server, quick to give up."""
    data = yaml.safe_load(SOURCES_YAML.read_text(encoding="utf-8"))
    [source] = [s for s in data["sources"] if s["name"] == SOURCE]
    parts = urlsplit(source["url"])
    source["url"] = f"{server.base}{parts.path}?{parts.query}"
    fast = {"delay": 0, "retries": 1, "backoff": 0.01, "read_timeout": 0.5}
    data["defaults"] = {**(data.get("defaults") or {}), **fast, "allow_private": True}
    data["sources"] = [source]
    path = tmp_path / "sources.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return str(path)


def _calls(cli: CliInvoker) -> dict[str, Call]:
    engine = make_engine(cli.config.database_url)
    with make_session_factory(engine)() as session:
        calls = {c.external_id: c for c in session.scalars(select(Call))}
        session.expunge_all()
    engine.dispose()
    return calls


def _changed_calls(cli: CliInvoker) -> set[int]:
    engine = make_engine(cli.config.database_url)
    with make_session_factory(engine)() as session:
        ids = set(session.scalars(select(CallChange.call_id)))
    engine.dispose()
    return ids


def _last_run(cli: CliInvoker) -> ScrapeRun:
    engine = make_engine(cli.config.database_url)
    with make_session_factory(engine)() as session:
        run = session.scalars(select(ScrapeRun).order_by(ScrapeRun.id.desc())).first()
        assert run is not None
        session.expunge(run)
    engine.dispose()
    return run


def _programme(external_id: str) -> str:
    return f"{PROGRAMMES}{external_id}.html"


def test_a_gone_programme_page_skips_only_that_programme_and_loses_nothing(
    cli: CliInvoker, server: LocalServer, tmp_path: Path
) -> None:
    serve_snapshots(server, [SOURCE])
    sources = _sources(server, tmp_path)
    assert cli("init").exit_code == 0

    # Run 1: a programme never seen before whose page is gone is not stored; the rest is.
    server.route(_programme(COWORKING), Reply(404, b"weg"))
    first = cli("scrape", SOURCES_PATH=sources)
    gone_url = server.url(_programme(COWORKING))
    assert first.exit_code == 0, first.output  # like a rejected item: the site's fault
    run = _last_run(cli)
    assert (run.status, run.new, run.errors, run.missing) == ("ok", 18, 1, 0)
    assert run.error_message == (
        f"{gone_url}: HTTP 404 (nicht gefunden): diese Seite gibt es dort nicht (mehr) "
        "(verschoben oder entfernt, obwohl die Website auf sie verweist); bleibt der Fehler, "
        f"die Quelle im Browser prüfen – {SKIPPED}"
    )
    assert (
        f"Fehler {SOURCE}: 1 Fehler, die übrigen Aufrufe übernommen: {run.error_message}"
        in first.output
    )
    calls = _calls(cli)
    assert len(calls) == 18 and COWORKING not in calls

    # Run 2: the page is back, three known programmes' pages fail (410, 503 after the retry,
    # a timeout) and another programme changed its title.
    serve_snapshots(server, [SOURCE])
    before = _calls(cli)
    server.route(_programme(TELEMEDIZIN), Reply(410, b"entfernt"))
    server.route(_programme(LEADER), Reply(503, b"wartung"))
    server.route(_programme(DRITTE_ORTE), Reply(200, b"<html></html>", HTML, delay=1.5))
    renamed = snapshot_file(SOURCE, "programm-land-nrw-sportstaetten-kommunen.html").replace(
        "Moderne Sportstätten NRW".encode(), "Sportstätten 2027".encode()
    )
    server.route(_programme(SPORT), Reply(200, renamed, HTML))
    second = cli("scrape", SOURCES_PATH=sources)

    assert second.exit_code == 0, second.output
    run = _last_run(cli)
    assert (run.status, run.new, run.changed, run.errors, run.missing) == ("ok", 1, 1, 3, 0)
    message = run.error_message
    assert f"{server.url(_programme(TELEMEDIZIN))}: HTTP 410 (dauerhaft entfernt)" in message
    assert (
        f"{server.url(_programme(LEADER))}: HTTP 503 (Dienst nicht verfügbar), aufgegeben nach "
        "2 Versuchen"
    ) in message
    assert f"{server.url(_programme(DRITTE_ORTE))}: " in message
    assert message.count(SKIPPED) == 3
    assert f"Fehler {SOURCE}: 3 Fehler, die übrigen Aufrufe übernommen: " in second.output
    after = _calls(cli)
    assert COWORKING in after  # back: stored now
    assert after[SPORT].title.startswith("Sportstätten 2027")  # the other changes are stored
    changed = _changed_calls(cli)
    for external_id in (TELEMEDIZIN, LEADER, DRITTE_ORTE):
        old, new = before[external_id], after[external_id]
        # Still listed: kept as last read, not marked gone, no change recorded.
        assert new.missing_since is None
        assert (new.title, new.status, new.deadline, new.content_hash) == (
            old.title,
            old.status,
            old.deadline,
            old.content_hash,
        )
        assert new.id not in changed
