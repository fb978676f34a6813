"""Hints of a scrape run are kept and shown on the Quellen page; an empty listing is not trusted.

A local HTTP server plays a funder's RSS feed (or the Förderdatenbank's recorded pages) and
the real `scrape` command fetches it, on SQLite and PostgreSQL where the database matters.
What is checked is what an administrator or officer sees afterwards: the calls' "nicht mehr
gelistet" marks, the run's counters, the CLI lines and the Quellen page.
"""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import yaml
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.conftest import TEST_PASSWORD, CliInvoker
from tests.reliability.fault_server import rss
from tests.scrapers.conftest import SOURCES_YAML, LocalServer, Reply, serve_snapshots
from webapp.config import Config
from webapp.db import make_engine, make_session_factory
from webapp.ingest import ingest_records
from webapp.migrate import current_revision, downgrade, head_revision, upgrade
from webapp.models import Call, ScrapeRun, Source, utcnow
from webapp.scraping import empty_listing_warning

RSS = {"Content-Type": "application/rss+xml; charset=utf-8"}
FEED = "foerder-feed"
ADMIN = "admin@kreis.example"
FAST = {
    "delay": 0,
    "retries": 1,
    "backoff": 0.01,
    "allow_private": True,
    "user_agent": "funding-matcher/0.1 (test)",
}


class FeedState:
    """The body the local server answers for the feed; a test changes it between runs."""

    def __init__(self, server: LocalServer) -> None:
        self.base = server.base
        self.body = b""
        server.route("/feed.xml", lambda _request: Reply(200, self.body, RSS))

    def items(self, *idents: str) -> None:
        self.body = rss([(i, f"Förderaufruf {i}") for i in idents], base=self.base)


def feed_sources(
    server: LocalServer, tmp_path: Path, complete: bool | None = True, **options: object
) -> Path:
    """A sources.yaml with one feed on the local server (`complete`: its complete_listing)."""
    source: dict[str, object] = {
        "name": FEED,
        "kind": "feed",
        "label": "Testförderer",
        "url": server.url("/feed.xml"),
        **options,
    }
    if complete is not None:
        source["complete_listing"] = complete
    data = {"defaults": FAST, "sources": [source]}
    path = tmp_path / "sources-feed.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


def login(config: Config) -> FlaskClient:
    """A test client of the app on `config`'s database, logged in through the login form."""
    from webapp.app import create_app
    from webapp.users import create_user

    engine = make_engine(config.database_url)
    with make_session_factory(engine)() as session:
        create_user(session, ADMIN, TEST_PASSWORD, name="Admin")
        session.commit()
    engine.dispose()
    app = create_app(config)
    app.config.update(WTF_CSRF_ENABLED=False)
    client = app.test_client()
    response = client.post("/anmelden", data={"email": ADMIN, "password": TEST_PASSWORD})
    assert response.status_code == 302, response.get_data(as_text=True)
    return client


def page(client: FlaskClient, path: str) -> str:
    response = client.get(path)
    assert response.status_code == 200, path
    return response.get_data(as_text=True)


def source_row(html: str, label: str) -> str:
    """The main table row of one source on the Quellen page."""
    start = html.index(f"<strong>{label}</strong>")
    return html[html.rindex("<tr ", 0, start) : html.index("</tr>", start)]


def hint_count(html: str, label: str) -> int:
    """The number in the source row's "Hinweise" column (0 when there is no badge)."""
    found = re.search(
        r'class="badge mark-changed run-warnings"[^>]*>(\d+)<', source_row(html, label)
    )
    return int(found.group(1)) if found else 0


def runs(config: Config, source: str) -> list[ScrapeRun]:
    engine = make_engine(config.database_url)
    with make_session_factory(engine)() as session:
        rows = list(
            session.scalars(
                select(ScrapeRun).join(Source).where(Source.name == source).order_by(ScrapeRun.id)
            )
        )
    engine.dispose()
    return rows


def calls(config: Config, source: str) -> dict[str, Call]:
    engine = make_engine(config.database_url)
    with make_session_factory(engine)() as session:
        rows = {
            c.external_id: c for c in session.scalars(select(Call).where(Call.source == source))
        }
    engine.dispose()
    return rows


def test_empty_feed_keeps_known_calls_and_says_so(
    any_config: Config, server: LocalServer, tmp_path: Path
) -> None:
    """A valid feed without items marks nothing missing; a partial drop still does."""
    feed = FeedState(server)
    sources = str(feed_sources(server, tmp_path))
    cli = CliInvoker(any_config)
    assert cli("init").exit_code == 0
    feed.items("a1", "a2", "a3")
    first = cli("scrape", SOURCES_PATH=sources)
    assert first.exit_code == 0, first.output
    assert set(calls(any_config, FEED)) == {"a1", "a2", "a3"}

    feed.items()  # well-formed RSS, no <item>
    empty = cli("scrape", SOURCES_PATH=sources)
    assert empty.exit_code == 0, empty.output  # an ok run with a hint, not a failed source
    assert f"Hinweis {FEED}: {empty_listing_warning(3)}" in empty.output
    assert all(c.missing_since is None for c in calls(any_config, FEED).values())
    run = runs(any_config, FEED)[-1]
    assert (run.status, run.parsed, run.missing) == ("ok", 0, 0)
    assert run.warning_list == [
        "Quelle lieferte keine Einträge – 3 bekannte Aufrufe wurden nicht als verschwunden "
        "markiert (Seite oder Feed vermutlich defekt, bitte prüfen)"
    ]

    client = login(any_config)
    quellen = page(client, "/quellen/")
    assert "Hinweise" in quellen and hint_count(quellen, "Testförderer") == 1
    assert "Quelle lieferte keine Einträge – 3 bekannte Aufrufe" in source_row(
        quellen, "Testförderer"
    )  # the last run's hint next to the source
    history = quellen[quellen.index('<tr class="run-history"') :]
    assert "Letzte Läufe (2)" in history and "<li>Quelle lieferte keine Einträge" in history
    a3 = calls(any_config, FEED)["a3"]
    assert "nicht mehr bei der Quelle gelistet" not in page(client, f"/aufrufe/{a3.id}")

    # 2 of 3 calls still listed: the third has really gone and is marked as before.
    feed.items("a1", "a2")
    partial = cli("scrape", SOURCES_PATH=sources)
    assert partial.exit_code == 0, partial.output
    assert "Quelle lieferte keine Einträge" not in partial.output
    now = calls(any_config, FEED)
    assert now["a3"].missing_since is not None
    assert now["a1"].missing_since is None and now["a2"].missing_since is None
    run = runs(any_config, FEED)[-1]
    assert (run.missing, run.warning_list) == (1, [])
    assert "nicht mehr bei der Quelle gelistet" in page(client, f"/aufrufe/{a3.id}")
    quellen = page(client, "/quellen/")
    assert hint_count(quellen, "Testförderer") == 0  # the count is the last run's
    assert "Letzte Läufe (3)" in quellen and "<li>Quelle lieferte keine Einträge" in quellen


def test_a_call_that_drops_out_of_a_feed_window_stays_open(
    any_config: Config, server: LocalServer, tmp_path: Path
) -> None:
    """A feed holds its newest items only: older calls that fall out of it have not gone."""
    feed = FeedState(server)
    sources = str(feed_sources(server, tmp_path, complete=None))  # a feed's default
    cli = CliInvoker(any_config)
    assert cli("init").exit_code == 0
    feed.items("a1", "a2", "a3")
    assert cli("scrape", SOURCES_PATH=sources).exit_code == 0
    feed.items("a4", "a1", "a2")  # a new item pushes the oldest out of the window
    result = cli("scrape", SOURCES_PATH=sources)
    assert result.exit_code == 0, result.output
    now = calls(any_config, FEED)
    assert set(now) == {"a1", "a2", "a3", "a4"}
    assert all(c.missing_since is None for c in now.values())
    assert runs(any_config, FEED)[-1].missing == 0
    client = login(any_config)
    assert "nicht mehr bei der Quelle gelistet" not in page(client, f"/aufrufe/{now['a3'].id}")
    # An empty feed is still suspicious and said so, though it would mark nothing anyway.
    feed.items()
    empty = cli("scrape", SOURCES_PATH=sources)
    assert f"Hinweis {FEED}: {empty_listing_warning(4)}" in empty.output


def test_empty_listing_of_a_source_without_known_calls_is_quiet(
    cli: CliInvoker, server: LocalServer, tmp_path: Path
) -> None:
    """Nothing known, nothing to protect: a new source with an empty feed gives no hint."""
    feed = FeedState(server)
    feed.items()
    assert cli("init").exit_code == 0
    result = cli("scrape", SOURCES_PATH=str(feed_sources(server, tmp_path)))
    assert result.exit_code == 0 and "Hinweis" not in result.output
    assert runs(cli.config, FEED)[-1].warning_list == []


def test_malformed_feed_and_skipped_item_are_kept_on_the_run(
    cli: CliInvoker, server: LocalServer, tmp_path: Path
) -> None:
    """A broken feed still read and an item without title: both visible after the run."""
    feed = FeedState(server)
    # Not well-formed (the closing </rss> is missing) and the second item has no title.
    feed.body = rss([("g1", "Förderaufruf g1"), ("g2", "")], base=server.base).replace(
        b"</channel></rss>", b"</channel>"
    )
    assert cli("init").exit_code == 0
    result = cli("scrape", SOURCES_PATH=str(feed_sources(server, tmp_path)))
    assert result.exit_code == 0, result.output
    # The CLI prints them as before.
    assert f"Hinweis {FEED}: Feed fehlerhaft, Einträge trotzdem gelesen" in result.output
    assert "Eintrag ohne Titel" in result.output
    [run] = runs(cli.config, FEED)
    assert run.status == "ok" and run.errors == 1 and "Eintrag ohne Titel" in run.error_message
    assert len(run.warning_list) == 1
    assert run.warning_list[0].startswith("Feed fehlerhaft, Einträge trotzdem gelesen: ")
    assert set(calls(cli.config, FEED)) == {"g1"}

    quellen = page(login(cli.config), "/quellen/")
    assert hint_count(quellen, "Testförderer") == 1
    history = quellen[quellen.index('<tr class="run-history"') :]
    assert "<li>Feed fehlerhaft, Einträge trotzdem gelesen: " in history
    # The item's page and number, not the parser's kind ("feed: ") in front
    assert f"Fehler: {server.url('/feed.xml')} (Eintrag 2) (Feld " in history
    assert "Eintrag ohne Titel" in history


def test_robots_refusal_of_a_programme_page_is_kept_on_the_run(
    cli: CliInvoker, server: LocalServer, tmp_path: Path
) -> None:
    """robots.txt forbids one Förderdatenbank programme page: an ok run with that hint."""
    bayern = "/FDB/Content/DE/Foerderprogramm/Land/Bayern/"
    serve_snapshots(server, ["foerderdatenbank"])
    server.route(
        "/robots.txt",
        Reply(200, f"User-agent: *\nDisallow: {bayern}\n".encode(), {"Content-Type": "text/plain"}),
    )
    data = yaml.safe_load(SOURCES_YAML.read_text(encoding="utf-8"))
    data["defaults"].update(FAST)
    [fdb] = [s for s in data["sources"] if s["name"] == "foerderdatenbank"]
    parts = urlsplit(fdb["url"])
    fdb["url"] = server.base + parts.path + (f"?{parts.query}" if parts.query else "")
    data["sources"] = [fdb]
    sources = tmp_path / "sources-fdb.yaml"
    sources.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")

    assert cli("init").exit_code == 0
    result = cli("scrape", SOURCES_PATH=str(sources))
    assert result.exit_code == 0, result.output
    assert "Hinweis foerderdatenbank: " in result.output and "robots.txt verbietet" in result.output
    [run] = runs(cli.config, "foerderdatenbank")
    assert run.status == "ok" and run.warning_count == 1
    [hint] = run.warning_list
    assert bayern in hint and hint.endswith("robots.txt verbietet den Abruf")

    quellen = page(login(cli.config), "/quellen/")
    label = fdb["label"]
    assert hint_count(quellen, label) == 1
    assert "robots.txt verbietet den Abruf" in source_row(quellen, label)
    assert f"<li>{hint}</li>" in quellen[quellen.index('<tr class="run-history"') :]


def test_hints_are_text_capped_and_counted(session: Session, auth_client: FlaskClient) -> None:
    """Hostile or very many hints: shown escaped, the first 100 kept, all of them counted."""
    source = Source(name="boese", kind="feed", label="Böse Quelle", url="https://x.example/")
    session.add(source)
    session.flush()
    run = ScrapeRun(source_id=source.id, status="ok", started_at=utcnow(), finished_at=utcnow())
    hostile = '<script>window.__xss=1</script>\nzweite "Zeile"'
    run.set_warnings([hostile, *(f"Seite {n} verboten" for n in range(149))])
    session.add(run)
    session.commit()
    assert run.warning_count == 150 and len(run.warning_list) == 101
    assert run.warning_list[0] == '<script>window.__xss=1</script> zweite "Zeile"'  # one line
    assert run.warning_list[-1] == "… und 50 weitere Hinweise"

    quellen = page(auth_client, "/quellen/")
    assert hint_count(quellen, "Böse Quelle") == 150
    assert "<script>window.__xss" not in quellen
    assert "&lt;script&gt;window.__xss=1&lt;/script&gt;" in quellen
    assert "… und 147 weitere (siehe Läufe)" in source_row(quellen, "Böse Quelle")
    assert "<li>… und 50 weitere Hinweise</li>" in quellen


def test_ingest_withholds_missing_marks_only_for_an_empty_complete_listing(
    session: Session,
) -> None:
    """The rule in ingest itself: empty + known calls → withheld and told; all else as before."""
    from scrapers.record import CallRecord

    def rec(ident: str) -> CallRecord:
        return CallRecord(source="s", external_id=ident, url=f"https://x.de/{ident}", title=ident)

    ingest_records(session, [rec("a"), rec("b")], source="s", complete=True)
    stats = ingest_records(session, [], source="s", complete=True)
    assert (stats.missing, stats.missing_withheld) == (0, 2)
    # Incomplete (a feed's window, a page failed): nothing marked, the empty listing still told.
    stats = ingest_records(session, [], source="s", complete=False)
    assert (stats.missing, stats.missing_withheld) == (0, 2)
    # Listed without a fresh record (detail page failed) counts as a listing.
    stats = ingest_records(session, [], source="s", listed_ids={"a"}, complete=True)
    assert (stats.missing, stats.missing_withheld) == (1, 0)
    # Every known call already missing: an empty listing has nothing to protect.
    for call in session.scalars(select(Call).where(Call.source == "s")):
        call.missing_since = call.missing_since or utcnow()
    stats = ingest_records(session, [], source="s", complete=True)
    assert (stats.missing, stats.missing_withheld) == (0, 0)


def test_migration_0003_upgrades_a_0002_database(any_config: Config) -> None:
    """Runs recorded before 0003 survive with no hints; new runs keep theirs; downgrade works."""
    engine = make_engine(any_config.database_url)
    try:
        upgrade(engine, "0002")
        with engine.begin() as conn:
            conn.exec_driver_sql(
                "INSERT INTO sources (name, kind, label, url, enabled, config, created_at) "
                "VALUES ('alt', 'feed', 'Alte Quelle', 'https://x.de', true, '{}', '2026-11-01')"
            )
            source_id = conn.exec_driver_sql("SELECT id FROM sources").scalar()
            conn.exec_driver_sql(
                "INSERT INTO scrape_runs (source_id, started_at, finished_at, status, offline, "
                "requests, not_modified, bytes_received, parsed, new, changed, unchanged, "
                "missing, errors, error_message, seconds) VALUES "
                f"({source_id}, '2026-11-01', '2026-11-01', 'ok', false, 1, 0, 10, 2, 2, 0, 0,"
                " 0, 0, '', 0.5)"
            )
        upgrade(engine)
        assert current_revision(engine) == head_revision()
        factory = make_session_factory(engine)
        with factory() as session:
            old = session.scalar(select(ScrapeRun))
            assert old is not None and old.warnings == "" and old.warning_count == 0
            assert (old.parsed, old.status) == (2, "ok")
            new = ScrapeRun(source_id=old.source_id, status="ok", started_at=utcnow())
            new.set_warnings(["robots.txt verbietet den Abruf"])
            session.add(new)
            session.commit()
        with factory() as session:
            kept = session.scalars(select(ScrapeRun).order_by(ScrapeRun.id)).all()
            assert [r.warning_list for r in kept] == [[], ["robots.txt verbietet den Abruf"]]
        # Downgrade drops the column and keeps the runs.
        downgrade(engine, "0002")
        assert current_revision(engine) == "0002"
        with engine.connect() as conn:
            assert conn.exec_driver_sql("SELECT count(*) FROM scrape_runs").scalar() == 2
        upgrade(engine)
        assert current_revision(engine) == head_revision()
    finally:
        engine.dispose()


def test_one_hint_over_the_cap_is_counted_in_the_singular() -> None:
    """101 hints: the kept line says "1 weiterer Hinweis" and the run still counts 101."""
    run = ScrapeRun(status="ok")
    run.set_warnings(f"Seite {n} verboten" for n in range(101))
    assert run.warning_list[-1] == "… und 1 weiterer Hinweis"
    assert run.warning_count == 101


@pytest.mark.parametrize("complete", [True, None])
def test_a_feed_whose_newest_items_are_all_news_is_not_reported_broken(
    config: Config, server: LocalServer, tmp_path: Path, complete: bool | None
) -> None:
    """A foundation's feed holds its newest posts only; when all of them are news that
    `include_words` leaves out, every run warned "Quelle lieferte keine Einträge … vermutlich
    defekt". The listing was read: a complete one lets the earlier calls go, a feed keeps them."""
    feed = FeedState(server)
    sources = str(feed_sources(server, tmp_path, complete, include_words=["Förder"]))
    cli = CliInvoker(config)
    assert cli("init").exit_code == 0
    feed.items("a1", "a2")
    assert cli("scrape", SOURCES_PATH=sources).exit_code == 0

    feed.body = rss([("n1", "Sommerfest der Geschäftsstelle")], base=feed.base)
    news = cli("scrape", SOURCES_PATH=sources)

    assert news.exit_code == 0, news.output
    assert "keine Einträge" not in news.output
    run = runs(config, FEED)[-1]
    assert (run.status, run.parsed, run.warning_list) == ("ok", 0, [])
    stored = calls(config, FEED)
    assert set(stored) == {"a1", "a2"}  # the news item is not stored
    gone = {i for i, c in stored.items() if c.missing_since is not None}
    assert gone == ({"a1", "a2"} if complete else set())


def test_changed_settings_are_applied_to_an_unchanged_feed(
    config: Config, server: LocalServer, tmp_path: Path
) -> None:
    """Validators are kept per address: after include_words (or selectors, funder …) were
    changed, the unchanged feed counted as "unverändert" and the news item stayed until the
    source happened to change. The first run after a change reads the pages again."""
    feed = FeedState(server)
    feed.body = rss([("a1", "Förderaufruf a1"), ("n1", "Sommerfest")], base=feed.base)
    cli = CliInvoker(config)
    assert cli("init").exit_code == 0
    assert cli("scrape", SOURCES_PATH=str(feed_sources(server, tmp_path))).exit_code == 0
    assert set(calls(config, FEED)) == {"a1", "n1"}

    narrowed = str(feed_sources(server, tmp_path, include_words=["Förder"]))
    assert cli("scrape", SOURCES_PATH=narrowed).exit_code == 0

    run = runs(config, FEED)[-1]
    assert (run.not_modified, run.parsed, run.missing) == (0, 1, 1)
    assert calls(config, FEED)["n1"].missing_since is not None
    # the next run asks again whether the feed changed
    assert cli("scrape", SOURCES_PATH=narrowed).exit_code == 0
    assert runs(config, FEED)[-1].not_modified == 1
