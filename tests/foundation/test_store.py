"""The store on SQLite and a real PostgreSQL: migrations, strategy load, import, matching."""

from __future__ import annotations

from sqlalchemy import func, select

from tests.conftest import STRATEGY_PATH
from tests.foundation.test_import import DEV_CALLS
from webapp.config import Config
from webapp.db import make_engine, make_session_factory, transaction
from webapp.importer import import_jsonl
from webapp.matching import run_match
from webapp.migrate import current_revision, head_revision, upgrade
from webapp.models import Call, CallScore, Match, Review
from webapp.strategy_store import load_into_db, strategy_from_db


def test_full_cycle_on_each_backend(any_config: Config) -> None:
    from datetime import date

    from matcher.strategy import load_strategy

    engine = make_engine(any_config.database_url)
    upgrade(engine)
    assert current_revision(engine) == head_revision()
    upgrade(engine)  # idempotent
    factory = make_session_factory(engine)
    with transaction(factory) as session:
        load_into_db(session, load_strategy(STRATEGY_PATH))
        stats = import_jsonl(session, DEV_CALLS)
        assert stats.new == 282
    with transaction(factory) as session:
        strategy = strategy_from_db(session)
        assert len(strategy.projects) == 22 and strategy.region_profile.county == "Kreis Coesfeld"
        first = session.scalar(select(Call).order_by(Call.id))
        assert first is not None
        session.add(Review(call_id=first.id, status="relevant", note="Gute Chance"))
    with transaction(factory) as session:
        report = run_match(session, today=date(2026, 11, 26))
        assert report.calls > 200
    with transaction(factory) as session:
        assert session.scalar(select(func.count()).select_from(CallScore)) == report.calls
        assert session.scalar(select(func.count()).select_from(Match)) == report.matches
        # Reloading the strategy and re-importing keeps the officer's review.
        load_into_db(session, load_strategy(STRATEGY_PATH))
        assert import_jsonl(session, DEV_CALLS).unchanged == 282
    with transaction(factory) as session:
        run_match(session, today=date(2026, 11, 26))
        review = session.scalar(select(Review))
        assert review is not None and (review.status, review.note) == ("relevant", "Gute Chance")
    engine.dispose()


def test_sqlite_uses_wal_and_foreign_keys(config: Config) -> None:
    engine = make_engine(config.database_url)
    with engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
    engine.dispose()
