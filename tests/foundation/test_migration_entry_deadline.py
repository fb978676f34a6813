"""Migrations 0015 and 0016 (the first stage's deadline of a call) on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa

from webapp.config import Config
from webapp.db import make_engine, make_session_factory
from webapp.migrate import current_revision, downgrade, head_revision, upgrade
from webapp.models import Call


def test_migration_0015_gives_existing_calls_with_stages_their_first_stage(
    any_config: Config,
) -> None:
    """A two-stage call stored before the upgrade leaves the Eingang once its first stage has
    passed, without waiting for its source to change."""
    engine = make_engine(any_config.database_url)
    stages = {
        "zwei": {"Projektskizze": "2027-01-15", "Antrag": "2027-04-30"},
        # yearly, read after the sketch date: next year's sketch is still the first stage (0016)
        "jährlich": {"Projektskizze": "2028-01-15", "Antrag": "2027-04-30"},
        "eine": {"Antrag": "2027-04-30"},
        "keine": {},
    }
    # The table as it was at 0014 (only the columns without a default there).
    old_calls = sa.table(
        "calls",
        *(sa.column(name) for name in ("source", "external_id", "origin", "url", "title")),
        *(sa.column(name) for name in ("funder", "programme", "summary", "text", "region")),
        *(sa.column(name) for name in ("funding_type", "status", "language", "content_hash")),
        *(sa.column(name, sa.JSON) for name in ("eligible", "deadlines", "deadline_times")),
        sa.column("topics", sa.JSON),
        *(sa.column(name, sa.DateTime) for name in ("first_seen", "last_seen", "last_checked")),
    )
    then = datetime(2026, 11, 1)
    try:
        upgrade(engine, "0014")
        with engine.begin() as conn:
            conn.execute(
                sa.insert(old_calls),
                [
                    {
                        **dict.fromkeys(("funder", "programme", "summary", "text", "region"), ""),
                        **dict.fromkeys(("funding_type", "language"), ""),
                        "source": "feed",
                        "external_id": external_id,
                        "origin": "scrape",
                        "url": f"https://x.de/{external_id}",
                        "title": "Aufruf",
                        "status": "offen",
                        "content_hash": "alt",
                        "eligible": [],
                        "topics": [],
                        "deadlines": deadlines,
                        "deadline_times": {},
                        **dict.fromkeys(("first_seen", "last_seen", "last_checked"), then),
                    }
                    for external_id, deadlines in stages.items()
                ],
            )
        upgrade(engine)
        assert current_revision(engine) == head_revision()
        with make_session_factory(engine)() as session:
            entry = {c.external_id: c.entry_deadline for c in session.query(Call)}
        assert entry == {
            "zwei": date(2027, 1, 15),
            "jährlich": date(2028, 1, 15),
            "eine": None,
            "keine": None,
        }

        downgrade(engine, "0014")
        with engine.connect() as conn:
            assert conn.exec_driver_sql("SELECT count(*) FROM calls").scalar() == 4
    finally:
        engine.dispose()
