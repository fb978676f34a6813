"""Migration 0013 (the digest that announced a call) on SQLite and PostgreSQL."""

from __future__ import annotations

from webapp.config import Config
from webapp.db import make_engine, make_session_factory
from webapp.migrate import current_revision, downgrade, head_revision, upgrade
from webapp.models import Call


def test_migration_0013_counts_existing_calls_as_announced(any_config: Config) -> None:
    """The first digest after the upgrade must not announce every current candidate."""
    engine = make_engine(any_config.database_url)
    try:
        upgrade(engine, "0012")
        with engine.begin() as conn:
            conn.exec_driver_sql(
                "INSERT INTO calls (source, external_id, origin, url, title, funder, programme,"
                " summary, text, eligible, region, funding_type, deadlines, deadline_times,"
                " topics, status, language, content_hash, first_seen, last_seen, last_checked)"
                " VALUES ('feed', 'x', 'scrape', 'https://x.de/a', 'Aufruf', '', '', '', '',"
                " '[]', '', '', '{}', '{}', '[]', 'offen', '', 'alt', '2026-11-01',"
                " '2026-11-01', '2026-11-01')"
            )
            conn.exec_driver_sql(
                "INSERT INTO call_changes (call_id, field, old, new, changed_at) "
                "SELECT id, 'title', '\"a\"', '\"Aufruf\"', '2026-11-01' FROM calls"
            )
        upgrade(engine)
        assert current_revision(engine) == head_revision()
        with make_session_factory(engine)() as session:
            call = session.query(Call).one()
            assert call.announced_in == ""

        downgrade(engine, "0012")
        with engine.connect() as conn:
            # the column goes in place: the call and its history stay
            assert conn.exec_driver_sql("SELECT count(*) FROM call_changes").scalar() == 1
            assert conn.exec_driver_sql("SELECT title FROM calls").scalar() == "Aufruf"
    finally:
        engine.dispose()
