"""Alembic environment: runs on the connection handed over by webapp.migrate, or on DATABASE_URL."""

from __future__ import annotations

from alembic import context

from webapp.models import Base

config = context.config
target_metadata = Base.metadata


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    from webapp.config import Config
    from webapp.db import make_engine

    engine = make_engine(Config.from_env().database_url)
    with engine.begin() as conn:
        _run(conn)


def _run(connection) -> None:  # type: ignore[no-untyped-def]
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        # SQLite cannot ALTER most things in place: batch mode copies the table.
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


if context.is_offline_mode():
    raise SystemExit("Offline-Migrationen werden nicht unterstützt; bitte 'funding-matcher init'.")
run_migrations_online()
