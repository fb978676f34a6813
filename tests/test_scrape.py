"""The scrape and parse commands: the offline acceptance, the live path against a local server
serving the snapshots, failing sources, and clear messages for user mistakes."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
import yaml
from sqlalchemy import func, select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from scrapers.sources import load_sources
from tests.conftest import CliInvoker
from tests.scrapers.conftest import (
    REAL_PAGES,
    SOURCES_YAML,
    LocalServer,
    Reply,
    serve_snapshots,
)
from webapp.config import Config
from webapp.db import make_engine, make_session_factory
from webapp.migrate import upgrade
from webapp.models import Call, HttpCacheEntry, ScrapeRun, Source
from webapp.scraping import run_scrape, select_sources

BAYERN = "/FDB/Content/DE/Foerderprogramm/Land/Bayern/"


def summary_line(output: str) -> list[str]:
    """The cells of the table's total line: Summe, requests, 304, new, changed, unchanged, ..."""
    line = next(line for line in output.splitlines() if line.startswith("Summe"))
    return line.split()


def table_row(output: str, name: str) -> list[str]:
    return next(line for line in output.splitlines() if line.startswith(name + " ")).split()


def test_offline_scrape_from_empty_db_then_nothing_new(cli: CliInvoker, session: Session) -> None:
    assert cli("init").exit_code == 0
    first = cli("scrape", "--offline")
    assert first.exit_code == 0, first.output
    total = summary_line(first.output)
    assert int(total[3]) >= 60 and int(total[4]) == 0  # new, changed
    assert session.scalars(select(func.count(Call.id))).one() >= 60
    assert {s.name for s in session.scalars(select(Source))} >= {
        "foerderdatenbank", "foerderinfo", "eu-ft", "bmleh-foerderung", "nrw-foerderaufrufe",
    }  # fmt: skip
    # The same call from two sources is linked to one canonical call.
    feed_call = session.scalar(
        select(Call).where(
            Call.source == "bmleh-foerderung", Call.title.like("Smarte LandRegionen%")
        )
    )
    assert feed_call is not None and feed_call.canonical is not None
    assert feed_call.canonical.title.startswith("Smarte.Land.Regionen")

    second = cli("scrape", "--offline")
    assert second.exit_code == 0, second.output
    total = summary_line(second.output)
    assert (total[3], total[4]) == ("0", "0")
    assert int(total[5]) == session.scalar(select(func.count(Call.id)))
    runs = session.scalars(select(ScrapeRun)).all()
    assert runs and all(r.status == "ok" and r.offline and r.finished_at for r in runs)


def test_scrape_one_source_and_unknown_source(cli: CliInvoker) -> None:
    assert cli("init").exit_code == 0
    result = cli("scrape", "--offline", "--source", "eu-ft")
    assert result.exit_code == 0 and table_row(result.output, "eu-ft")[4] == "14"
    # without a terminal (cron) no progress bar, not even its label: only the table
    assert result.output.splitlines()[0].startswith("Quelle ")
    assert "Quellen (offline)" not in result.output
    unknown = cli("scrape", "--source", "gibtsnicht")
    assert unknown.exit_code == 1
    assert "Unbekannte Quelle 'gibtsnicht'" in unknown.output and "Traceback" not in unknown.output


def test_failed_source_is_recorded_and_others_go_on(
    cli: CliInvoker, config: Config, session: Session, tmp_path: Path
) -> None:
    data = yaml.safe_load(SOURCES_YAML.read_text(encoding="utf-8"))
    data["sources"].insert(
        0, {"name": "kaputt", "kind": "feed", "url": "https://example.org/feed.xml"}
    )
    sources = tmp_path / "sources.yaml"
    sources.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    assert cli("init").exit_code == 0
    result = cli("scrape", "--offline", SOURCES_PATH=str(sources))
    assert result.exit_code == 1
    assert table_row(result.output, "kaputt")[1] == "FEHLER"
    # a source of the admin's own has no recordings: said so, with the ways out
    message = (
        "https://example.org/feed.xml: keine Aufzeichnungen dieser Quelle in "
        f"{config.snapshots_dir / 'kaputt'}: --offline spielt nur aufgezeichnete Antworten ab (mitgeliefert "
        "für die Beispielquellen) – ohne --offline abrufen oder mit `scrape --record` aufzeichnen"
    )
    assert f"FEHLER kaputt: {message}\n" in result.output
    assert "1 Quelle fehlgeschlagen: kaputt" in result.output
    assert session.scalars(select(func.count(Call.id))).one() >= 60  # the others were ingested
    run = session.scalar(select(ScrapeRun).join(Source).where(Source.name == "kaputt"))
    assert run is not None and run.status == "failed" and run.error_message == message


def test_source_switched_off_or_removed_in_the_config_is_marked_so(
    cli: CliInvoker, session: Session, tmp_path: Path
) -> None:
    assert cli("init").exit_code == 0
    assert cli("scrape", "--offline").exit_code == 0
    data = yaml.safe_load(SOURCES_YAML.read_text(encoding="utf-8"))
    names = [s["name"] for s in data["sources"]]
    off, removed = names[0], names[1]
    data["sources"][0]["enabled"] = False
    del data["sources"][1]
    sources = tmp_path / "sources.yaml"
    sources.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    calls_before = session.scalar(select(func.count(Call.id)))

    result = cli("scrape", "--offline", SOURCES_PATH=str(sources))

    assert result.exit_code == 0, result.output
    session.expire_all()
    flags = {s.name: s.enabled for s in session.scalars(select(Source))}
    assert flags[off] is False and flags[removed] is False
    assert all(flags[n] for n in names[2:])
    assert session.scalar(select(func.count(Call.id))) == calls_before  # nothing lost


def test_bad_sources_file_is_a_clear_error(cli: CliInvoker, tmp_path: Path) -> None:
    bad = tmp_path / "sources.yaml"
    bad.write_text(
        "sources:\n  - name: x\n    kind: telefax\n    url: https://a\n", encoding="utf-8"
    )
    result = cli("scrape", "--offline", SOURCES_PATH=str(bad))
    assert result.exit_code == 1
    assert "unbekannte Art 'telefax'" in result.output and "Traceback" not in result.output
    missing = cli("scrape", SOURCES_PATH=str(tmp_path / "fehlt.yaml"))
    assert missing.exit_code == 1 and "nicht gefunden" in missing.output


def live_sources(server: LocalServer, tmp_path: Path) -> Path:
    """sources.yaml with every source pointing at the local server (same paths and queries)."""
    from urllib.parse import urlsplit

    data = yaml.safe_load(SOURCES_YAML.read_text(encoding="utf-8"))
    data["defaults"].update(
        {
            "delay": 0,
            "backoff": 0.01,
            "retries": 1,
            "allow_private": True,
            "user_agent": "funding-matcher/0.1 (test)",
        }
    )
    for source in data["sources"]:
        parts = urlsplit(source["url"])
        source["url"] = server.base + parts.path + (f"?{parts.query}" if parts.query else "")
    path = tmp_path / "sources-live.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


def test_live_path_honours_robots_and_second_run_gets_304s(
    cli: CliInvoker, session: Session, server: LocalServer, tmp_path: Path
) -> None:
    serve_snapshots(server)
    server.route(
        "/robots.txt",
        Reply(200, f"User-agent: *\nDisallow: {BAYERN}\n".encode(), {"Content-Type": "text/plain"}),
    )
    sources = live_sources(server, tmp_path)
    assert cli("init").exit_code == 0
    first = cli("scrape", SOURCES_PATH=str(sources))
    assert first.exit_code == 0, first.output
    # All eight sources are on this one host: robots.txt is read once per run.
    assert len(server.requests_to("/robots.txt")) == 1
    assert not [r for r in server.log if r.path.startswith(BAYERN)]  # disallowed: never fetched
    count = session.scalar(select(func.count(Call.id)))
    assert count == 83  # the snapshots' 84 calls minus the one robots.txt forbids
    assert session.scalars(select(func.count()).select_from(HttpCacheEntry)).one() > 0
    # The same calls as offline: ids come from the pages, not from the server's address.
    assert (
        session.scalar(select(Call).where(Call.external_id == "Bund/BMEL/smarte-land-regionen"))
        is not None
    )

    before = len(server.log)
    second = cli("scrape", SOURCES_PATH=str(sources))
    assert second.exit_code == 0, second.output
    total = summary_line(second.output)
    assert (total[3], total[4]) == ("0", "0")
    assert int(total[2]) > 0 and int(total[2]) == int(
        total[1]
    )  # every response a 304 (or unchanged)
    new_requests = server.log[before:]
    gets = [r for r in new_requests if r.method == "GET" and r.path != "/robots.txt"]
    assert gets and all("If-None-Match" in r.headers for r in gets)
    session.expire_all()
    latest = session.scalars(select(ScrapeRun).order_by(ScrapeRun.id.desc()).limit(7)).all()
    assert all(r.parsed == 0 and r.not_modified > 0 for r in latest)  # nothing parsed again


@pytest.mark.skipif(not REAL_PAGES.is_dir(), reason="echte Seiten nicht vorhanden")
def test_parse_command_on_real_pages(cli: CliInvoker) -> None:
    import json

    detail = cli("parse", "foerderdatenbank", str(REAL_PAGES / "detail_multi_desc.html"))
    assert detail.exit_code == 0, detail.output
    [line] = [json.loads(x) for x in detail.output.splitlines() if x.startswith("{")]
    assert line["title"].startswith("Beteiligungen der Mittelständischen")
    assert line["funder"] and line["eligible"] == ["Unternehmen"] and line["region"] == "Thüringen"
    assert line["funding_type"] == "Beteiligung" and "status" in line and "deadlines" in line
    assert all(
        tab in line["text"] for tab in ("Kurzzusammenfassung", "Zusatzinfos", "Rechtsgrundlage")
    )
    overview = cli("parse", "foerderdatenbank", str(REAL_PAGES / "overview.html"))
    rows = [json.loads(x) for x in overview.output.splitlines() if x.startswith("{")]
    assert len([r for r in rows if "detail_link" in r]) == 10
    assert len([r for r in rows if "next_page" in r]) == 1


def test_parse_command_user_mistakes(cli: CliInvoker, tmp_path: Path) -> None:
    unknown = cli("parse", "fax", str(tmp_path / "x.html"))
    assert (
        unknown.exit_code == 2 and "'fax' ist keiner der Werte 'foerderdatenbank'" in unknown.output
    )
    missing = cli("parse", "feed", str(tmp_path / "fehlt.xml"))
    assert missing.exit_code == 1 and "nicht gefunden" in missing.output
    html = tmp_path / "liste.html"
    html.write_text("<html><body><li>x</li></body></html>", encoding="utf-8")
    no_selectors = cli("parse", "html-list", str(html))
    assert no_selectors.exit_code == 1 and "Selektoren fehlen" in no_selectors.output
    for result in (unknown, missing, no_selectors):
        assert "Traceback" not in result.output


def test_parse_command_with_source_options(cli: CliInvoker) -> None:
    snapshot = SOURCES_YAML.parent / "snapshots" / "bbsr-foerderaufrufe" / "aufrufe.html"
    result = cli(
        "parse",
        "html-list",
        str(snapshot),
        "--source",
        "bbsr-foerderaufrufe",
        "--today",
        "2026-11-26",
    )
    assert result.exit_code == 0, result.output
    records = [json.loads(x) for x in result.output.splitlines() if x.startswith('{"id"')]
    assert len(records) == 6
    # in the format of `import`, under the source's name as `scrape` stores it (not the kind)
    assert {r["source"] for r in records} == {"bbsr-foerderaufrufe"}


def test_parse_help_names_the_kinds_of_the_registry(cli: CliInvoker) -> None:
    """From the registry, not a second list to keep up to date for a new kind."""
    from scrapers.registry import KINDS

    result = cli("parse", "--help")
    assert result.exit_code == 0, result.output
    assert f"ART ist eine der Quellenarten {', '.join(KINDS)}." in " ".join(result.output.split())


def test_parse_command_says_what_include_words_left_out(cli: CliInvoker) -> None:
    """Before, a feed of news only printed "keine Aufrufe gefunden", as if it were broken."""
    snapshot = SOURCES_YAML.parent / "snapshots" / "dsee" / "feed.xml"
    result = cli("parse", "feed", str(snapshot), "--source", "dsee", "--today", "2026-11-26")
    assert result.exit_code == 0, result.output
    assert len([x for x in result.output.splitlines() if x.startswith('{"id"')]) == 5
    assert "1 Eintrag ohne eines der Wörter aus include_words ausgelassen." in result.output


def test_offline_scrape_job_on_each_backend(any_config: Config) -> None:
    """The job itself (no CLI) on SQLite and PostgreSQL: ingest, duplicates, idempotence."""
    engine = make_engine(any_config.database_url)
    upgrade(engine)
    factory = make_session_factory(engine)
    sources = load_sources(SOURCES_YAML)
    snapshots = SOURCES_YAML.parent / "snapshots"
    first = run_scrape(factory, sources, offline=True, snapshots_dir=snapshots)
    assert all(r.status == "ok" for r in first), [r.message for r in first]
    assert sum(r.new for r in first) == 84 and sum(r.linked for r in first) == 3
    second = run_scrape(factory, sources, offline=True, snapshots_dir=snapshots)
    assert sum(r.new + r.changed + r.missing for r in second) == 0
    assert sum(r.unchanged for r in second) == 84
    engine.dispose()


FEED_WITH_DATES = """<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>Land</title><link>{base}/</link><description>x</description>
<item><title>Zwei Stufen</title><link>{base}/aufrufe/zwei</link><guid>zwei</guid>
<description>Gefördert werden digitale Verwaltungsleistungen. Projektskizzen bis 15.01.2027,
Anträge bis 30.04.2027.</description></item>
<item><title>Stichtage</title><link>{base}/aufrufe/stichtage</link><guid>stichtage</guid>
<description>Gefördert werden digitale Schulen. Stichtage: 15.01. und 15.07. jedes Jahres.
</description></item>
<item><title>Eine Frist</title><link>{base}/aufrufe/eine</link><guid>eine</guid>
<description>Gefördert werden Breitbandanschlüsse. Anträge bis 31.12.2027.</description></item>
</channel></rss>"""


def test_an_unchanged_feed_is_read_again_once_a_deadline_of_its_calls_has_passed(
    server: LocalServer, engine: Engine, tmp_path: Path
) -> None:
    """The next stage and the next yearly cut-off follow from the date, not from the text: a
    feed that did not change a word must still be read again when a deadline passed, or the
    call keeps its past date (no reminder for the next one, gone from the Eingang) until the
    source happens to change."""
    body = FEED_WITH_DATES.format(base=server.base).encode()
    server.route(
        "/land.xml",
        Reply(200, body, {"Content-Type": "application/rss+xml", "ETag": '"v1"'}),
    )
    path = tmp_path / "sources.yaml"
    path.write_text(
        "defaults: {delay: 0, retries: 0, allow_private: true}\n"
        f"sources:\n  - name: land\n    kind: feed\n    url: {server.url('/land.xml')}\n",
        encoding="utf-8",
    )
    factory = make_session_factory(engine)
    sources = load_sources(path)

    def deadlines() -> dict[str, tuple[str, str]]:
        with factory() as s:
            return {c.title: (str(c.deadline), c.status) for c in s.scalars(select(Call))}

    run_scrape(factory, sources, today=date(2027, 1, 11))
    assert deadlines()["Stichtage"] == ("2027-01-15", "offen")
    # Before any date passed, the unchanged feed costs a conditional request and no parsing.
    run_scrape(factory, sources, today=date(2027, 1, 14))
    assert server.log[-1].headers.get("If-None-Match") == '"v1"'

    reports = run_scrape(factory, sources, today=date(2027, 1, 18))

    assert reports[0].status == "ok"
    assert deadlines() == {
        "Zwei Stufen": ("2027-04-30", "offen"),  # the Antrag stage now
        "Stichtage": ("2027-07-15", "offen"),  # the next cut-off
        "Eine Frist": ("2027-12-31", "offen"),
    }
    # Read again once; the week after, the validators count again.
    run_scrape(factory, sources, today=date(2027, 1, 25))
    assert server.log[-1].headers.get("If-None-Match") == '"v1"'


def test_of_the_foerderdatenbank_only_the_programmes_whose_date_passed_are_read_again(
    server: LocalServer, engine: Engine, tmp_path: Path
) -> None:
    """The Förderdatenbank has a page per programme (thousands live): when a deadline passes,
    that programme's page is read again in full, the others still answer 304."""
    serve_snapshots(server, ["foerderdatenbank"])
    factory = make_session_factory(engine)
    sources = select_sources(load_sources(live_sources(server, tmp_path)), "foerderdatenbank")

    def state(external_id: str) -> tuple[str, str]:
        with factory() as s:
            call = s.scalars(select(Call).where(Call.external_id == external_id)).one()
            return str(call.deadline), call.status

    run_scrape(factory, sources, today=date(2027, 1, 11))
    assert state("Land/NRW/telemedizin-laendliche-regionen") == ("2027-01-15", "offen")
    before = len(server.log)

    (report,) = run_scrape(factory, sources, today=date(2027, 1, 18))

    assert state("Land/NRW/telemedizin-laendliche-regionen") == ("2027-04-30", "offen")  # Antrag
    assert state("Land/NRW/leader-regionen") == ("2027-01-15", "geschlossen")
    programmes = [r for r in server.log[before:] if "/Foerderprogramm/" in r.path]
    read_in_full = sorted(
        r.path.rsplit("/", 1)[-1] for r in programmes if "If-None-Match" not in r.headers
    )
    assert read_in_full == ["leader-regionen.html", "telemedizin-laendliche-regionen.html"]
    assert report.parsed == 2 and report.not_modified == report.requests - 2
    # Both have their next state now: the run after asks for every page again.
    (later,) = run_scrape(factory, sources, today=date(2027, 1, 19))
    assert later.parsed == 0
