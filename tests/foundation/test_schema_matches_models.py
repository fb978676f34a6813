"""The migrations build the schema the models describe, on SQLite and PostgreSQL: a column or
index added to a model without its migration (or the other way round) fails here instead of
as a 500 on a migrated database."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from webapp.config import Config
from webapp.db import make_engine
from webapp.migrate import downgrade, upgrade
from webapp.models import Base


def _differences(url: str) -> list[object]:
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            return list(compare_metadata(MigrationContext.configure(conn), Base.metadata))
    finally:
        engine.dispose()


def test_the_migrated_schema_is_the_models_schema(any_config: Config) -> None:
    engine = make_engine(any_config.database_url)
    try:
        upgrade(engine)
        assert _differences(any_config.database_url) == []
        # The newest migration goes back and forth without leaving anything behind.
        downgrade(engine, "-1")
        upgrade(engine)
        assert _differences(any_config.database_url) == []
    finally:
        engine.dispose()
