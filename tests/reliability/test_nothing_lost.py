"""Officers' work survives every batch operation: re-import/rescrape, strategy reload, re-match,
migration — on SQLite and PostgreSQL. The rescrape goes through the real `scrape --offline`
path with edited snapshots."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import yaml
from sqlalchemy import select

from matcher.strategy import load_strategy, parse_strategy
from tests.conftest import REPO_ROOT, STRATEGY_PATH
from tests.foundation.test_import import DEV_CALLS
from webapp.config import Config
from webapp.db import make_engine, make_session_factory, transaction
from webapp.importer import import_jsonl
from webapp.matching import run_match
from webapp.migrate import upgrade
from webapp.models import Call, Justification, ProjectRow, Review, User
from webapp.strategy_store import load_into_db

TODAY = date(2026, 11, 26)


def _seed_work(factory) -> int:
    """Set a review, note, assignee and an edited text on the first call; return its id."""
    with transaction(factory) as session:
        user = User(email="a@kreis.de", password_hash="x", ical_token="t1")
        session.add(user)
        session.flush()
        call = session.scalar(select(Call).order_by(Call.id))
        project = session.scalar(select(ProjectRow).where(ProjectRow.key == "VW-01"))
        assert call is not None and project is not None
        session.add(
            Review(
                call_id=call.id,
                status="Antrag in Vorbereitung",
                note="Skizze bis Januar",
                assignee_id=user.id,
                project_id=project.id,
            )
        )
        session.add(
            Justification(
                call_id=call.id,
                project_id=project.id,
                variant="long",
                generated_text="generiert",
                edited_text="Von Hand verbesserter Text.",
            )
        )
        return call.id


def _assert_work_intact(factory, call_id: int) -> None:
    with factory() as session:
        review = session.scalar(select(Review).where(Review.call_id == call_id))
        assert review is not None
        assert (review.status, review.note) == ("Antrag in Vorbereitung", "Skizze bis Januar")
        assert review.assignee is not None and review.assignee.email == "a@kreis.de"
        assert review.project is not None and review.project.key == "VW-01"
        text = session.scalar(select(Justification).where(Justification.call_id == call_id))
        assert text is not None and text.edited_text == "Von Hand verbesserter Text."


def test_reimport_reload_rematch_keep_reviews_and_texts(any_config: Config, tmp_path: Path) -> None:
    engine = make_engine(any_config.database_url)
    upgrade(engine)
    factory = make_session_factory(engine)
    with transaction(factory) as session:
        load_into_db(session, load_strategy(STRATEGY_PATH))
        import_jsonl(session, DEV_CALLS)
        run_match(session, today=TODAY)
    call_id = _seed_work(factory)

    # A rescrape where the call's text and deadline changed.
    rows = [json.loads(line) for line in DEV_CALLS.read_text(encoding="utf-8").splitlines()]
    with factory() as session:
        first = session.get(Call, call_id)
        assert first is not None
        changed_id = first.external_id
    for row in rows:
        if row["id"] == changed_id:
            row["text"] += " Neu: Die Frist wurde verlängert."
            row["deadline"] = "2027-12-31"
    changed = tmp_path / "changed.jsonl"
    changed.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows), encoding="utf-8")
    with transaction(factory) as session:
        stats = import_jsonl(session, changed)
        assert stats.changed == 1
    _assert_work_intact(factory, call_id)

    # A strategy reload that drops the project the review points at, then restores it.
    data = yaml.safe_load(STRATEGY_PATH.read_text(encoding="utf-8"))
    data["projects"] = [p for p in data["projects"] if p["id"] != "VW-01"]
    with transaction(factory) as session:
        load_into_db(session, parse_strategy(yaml.safe_dump(data, allow_unicode=True), "x.yaml"))
        run_match(session, today=TODAY)
    _assert_work_intact(factory, call_id)
    with transaction(factory) as session:
        load_into_db(session, load_strategy(STRATEGY_PATH))
        run_match(session, today=TODAY)
    _assert_work_intact(factory, call_id)

    # Migrating an up-to-date database again is harmless.
    upgrade(engine)
    _assert_work_intact(factory, call_id)
    engine.dispose()


def test_migration_from_first_schema_keeps_data(config: Config) -> None:
    """Data written under the first schema survives the upgrade to the newest one."""
    engine = make_engine(config.database_url)
    upgrade(engine, "0001")
    with engine.begin() as conn:
        conn.exec_driver_sql(
            "INSERT INTO calls (source, external_id, origin, url, title, funder, programme, "
            "summary, text, eligible, region, funding_type, deadlines, topics, status, language, "
            "content_hash, first_seen, last_seen, last_checked) VALUES ('s', 'e1', 'import', "
            "'https://x.de', 'Titel', '', '', '', '', '[]', '', '', '{}', '[]', '', '', 'h', "
            "'2026-01-01', '2026-01-01', '2026-01-01')"
        )
        call_id = conn.exec_driver_sql("SELECT id FROM calls").scalar()
        conn.exec_driver_sql(
            "INSERT INTO reviews (call_id, status, reason, note, call_hash, updated_at) "
            f"VALUES ({call_id}, 'relevant', '', 'Notiz bleibt', 'h', '2026-01-01')"
        )
    upgrade(engine)
    with make_session_factory(engine)() as session:
        review = session.scalar(select(Review))
        assert review is not None
        assert review.note == "Notiz bleibt" and review.call.title == "Titel"
    engine.dispose()


BMLEH_FEED = "bmleh-foerderung/rss-foerderung.xml"
KEPT_URL = "https://www.bmleh.de/DE/themen/laendliche-regionen/foerderaufrufe/smarte-landregionen-2027.html"
DROPPED_URL = (
    "https://www.bmleh.de/DE/themen/laendliche-regionen/foerderaufrufe/wertschoepfungsketten.html"
)


def _work_on(factory, external_id: str, note: str) -> int:
    """Review, note, assignee and an edited text on the scraped call `external_id`."""
    with transaction(factory) as session:
        user = session.scalar(select(User).where(User.email == "a@kreis.de"))
        if user is None:
            user = User(email="a@kreis.de", password_hash="x", ical_token="t1")
            session.add(user)
            session.flush()
        call = session.scalar(select(Call).where(Call.external_id == external_id))
        assert call is not None, external_id
        project = session.scalar(select(ProjectRow).where(ProjectRow.key == "VW-01"))
        assert project is not None
        session.add(
            Review(call_id=call.id, status="relevant", note=note, assignee_id=user.id,
                   project_id=project.id)
        )  # fmt: skip
        session.add(
            Justification(call_id=call.id, project_id=project.id, variant="long",
                          generated_text="generiert", edited_text=f"Eigener Text: {note}")
        )  # fmt: skip
        return call.id


def _work_intact(factory, call_id: int, note: str) -> Call:
    with factory() as session:
        review = session.scalar(select(Review).where(Review.call_id == call_id))
        assert review is not None and (review.status, review.note) == ("relevant", note)
        assert review.assignee is not None and review.assignee.email == "a@kreis.de"
        text = session.scalar(select(Justification).where(Justification.call_id == call_id))
        assert text is not None and text.edited_text == f"Eigener Text: {note}"
        call = session.get(Call, call_id)
        assert call is not None
        return call


def test_rescrape_offline_with_changed_and_vanished_calls_keeps_work(
    any_config: Config, tmp_path: Path
) -> None:
    """Through the real `scrape --offline`: a call changes, another vanishes and returns."""
    import shutil

    from tests.conftest import CliInvoker

    cli = CliInvoker(any_config)
    for args in (("init",), ("scrape", "--offline"), ("match",)):
        result = cli(*args)
        assert result.exit_code == 0, result.output
    engine = make_engine(any_config.database_url)
    factory = make_session_factory(engine)
    kept = _work_on(factory, KEPT_URL, "Skizze bis Januar")
    dropped = _work_on(factory, DROPPED_URL, "Partner anfragen")

    # The source changes the first call's text and deadline and drops the second call.
    snapshots = tmp_path / "snapshots"
    shutil.copytree(REPO_ROOT / "data" / "snapshots", snapshots)
    feed = snapshots / BMLEH_FEED
    original = feed.read_text(encoding="utf-8")
    items = original.split("<item>")
    changed = (
        items[1]
        .replace("15.02.2027", "15.03.2027")
        .replace("je Landkreis.", "je Landkreis. Neu: Frist verlängert.")
    )
    assert changed != items[1]
    feed.write_text("<item>".join([items[0], changed, *items[3:]]), encoding="utf-8")
    # The feed lists all of the ministry's current calls: a dropped item has gone.
    sources = yaml.safe_load((REPO_ROOT / "data" / "sources.yaml").read_text(encoding="utf-8"))
    for source in sources["sources"]:
        if source["name"] == BMLEH_FEED.split("/")[0]:
            source["complete_listing"] = True
    sources_path = tmp_path / "sources.yaml"
    sources_path.write_text(yaml.safe_dump(sources, allow_unicode=True), encoding="utf-8")
    rescrape = {"SNAPSHOTS_DIR": str(snapshots), "SOURCES_PATH": str(sources_path)}
    result = cli("scrape", "--offline", **rescrape)
    assert result.exit_code == 0, result.output

    call = _work_intact(factory, kept, "Skizze bis Januar")
    assert "Frist verlängert" in call.text and call.deadline == date(2027, 3, 15)
    gone = _work_intact(factory, dropped, "Partner anfragen")
    assert gone.missing_since is not None  # marked, not deleted

    # Strategy reload and re-match afterwards, then the call comes back.
    for args in (("strategy", "load"), ("match",)):
        assert cli(*args).exit_code == 0
    feed.write_text(original, encoding="utf-8")
    assert cli("scrape", "--offline", **rescrape).exit_code == 0
    _work_intact(factory, kept, "Skizze bis Januar")
    back = _work_intact(factory, dropped, "Partner anfragen")
    assert back.missing_since is None
    engine.dispose()
