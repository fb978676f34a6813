"""Migration 0012 (the time of a deadline) on SQLite and PostgreSQL: existing calls keep
their history, and the next scrape records only what really changed."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from scrapers.record import CallRecord
from webapp.config import Config
from webapp.db import make_engine, make_session_factory
from webapp.ingest import ingest_records
from webapp.migrate import current_revision, downgrade, head_revision, upgrade
from webapp.models import Call, CallChange


def test_migration_0012_adds_deadline_times_without_spurious_changes(any_config: Config) -> None:
    engine = make_engine(any_config.database_url)
    try:
        upgrade(engine, "0011")
        with engine.begin() as conn:
            conn.exec_driver_sql(
                "INSERT INTO calls (source, external_id, origin, url, title, funder, programme,"
                " summary, text, eligible, region, funding_type, deadline, deadlines, topics,"
                " status, language, content_hash, first_seen, last_seen, last_checked) VALUES"
                " ('feed', 'x', 'scrape', 'https://x.de/a', 'Aufruf', '', '', '', '', '[]', '',"
                " '', '2027-03-31', '{}', '[]', 'offen', '', 'alt', '2026-11-01', '2026-11-01',"
                " '2026-11-01')"
            )
            call_id = conn.exec_driver_sql("SELECT id FROM calls").scalar()
            conn.exec_driver_sql(
                "INSERT INTO call_changes (call_id, field, old, new, changed_at) VALUES "
                f"({call_id}, 'deadline', '\"2027-03-15\"', '\"2027-03-31\"', '2026-11-01')"
            )
        upgrade(engine)
        assert current_revision(engine) == head_revision()
        factory = make_session_factory(engine)
        with factory() as session:
            call = session.get(Call, call_id)
            assert call is not None and (call.deadline_time, call.deadline_times) == (None, {})
            record = CallRecord(
                source="feed",
                external_id="x",
                url="https://x.de/a",
                title="Aufruf",
                deadline=date(2027, 3, 31),
                deadline_time="12:00",
                status="offen",
            )
            ingest_records(session, [record], origin="scrape")
            session.commit()
            changes = session.scalars(
                select(CallChange).where(CallChange.call_id == call_id).order_by(CallChange.id)
            ).all()
            # the old change stays; the time is the one new change ("{}" is no change)
            assert [(c.field, c.old, c.new) for c in changes] == [
                ("deadline", "2027-03-15", "2027-03-31"),
                ("deadline_time", None, "12:00"),
            ]
        downgrade(engine, "0011")
        assert current_revision(engine) == "0011"
        with engine.connect() as conn:
            assert conn.exec_driver_sql("SELECT count(*) FROM call_changes").scalar() == 2
            assert conn.exec_driver_sql("SELECT title FROM calls").scalar() == "Aufruf"
    finally:
        engine.dispose()
