"""Engine and session creation: SQLite (foreign keys, WAL, busy timeout) or PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import DateTime, Engine, FunctionElement, create_engine, event, select
from sqlalchemy.engine import make_url
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import Session, sessionmaker


def make_engine(database_url: str) -> Engine:
    """Create an engine; SQLite gets foreign keys, WAL and a busy timeout on every connection."""
    url = make_url(database_url)
    if url.get_backend_name() == "sqlite":
        if url.database and url.database != ":memory:":
            Path(url.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"timeout": 30})
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    if url.drivername == "postgresql":
        url = url.set(drivername="postgresql+psycopg")
    engine = create_engine(url, pool_pre_ping=True)
    event.listen(engine, "before_cursor_execute", _strip_nul, retval=True)
    return engine


def _strip_nul(conn, cursor, statement, parameters, context, executemany):  # type: ignore[no-untyped-def]
    """PostgreSQL refuses NUL characters in text: drop them from every string parameter.

    They come from scraped pages and typed-in search words alike and never mean anything;
    SQLite stores them, PostgreSQL would fail the whole request or ingest.
    """

    def clean(value):  # type: ignore[no-untyped-def]
        return value.replace("\x00", "") if isinstance(value, str) and "\x00" in value else value

    def clean_set(params):  # type: ignore[no-untyped-def]
        if isinstance(params, dict):
            return {k: clean(v) for k, v in params.items()}
        if isinstance(params, list | tuple):
            return type(params)(clean(v) for v in params)
        return params

    if executemany and isinstance(parameters, list | tuple):
        parameters = [clean_set(p) for p in parameters]
    else:
        parameters = clean_set(parameters)
    return statement, parameters


def _sqlite_pragmas(dbapi_connection, _record) -> None:  # type: ignore[no-untyped-def]
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()


def make_session_factory(engine: Engine) -> sessionmaker[Session]:
    """A session factory bound to `engine` that keeps objects usable after commit."""
    return sessionmaker(bind=engine, expire_on_commit=False)


@contextmanager
def transaction(factory: sessionmaker[Session]) -> Iterator[Session]:
    """A session whose work is committed on success and rolled back on any error."""
    session = factory()
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()


class DatabaseNow(FunctionElement[datetime]):
    """The database's current time as naive UTC, the form every timestamp is stored in."""

    type = DateTime()
    name = "database_now"
    inherit_cache = True


@compiles(DatabaseNow)
def _current_timestamp(element: DatabaseNow, compiler: Any, **kw: Any) -> str:
    return "CURRENT_TIMESTAMP"  # the standard; SQLite and PostgreSQL get their own below


@compiles(DatabaseNow, "postgresql")
def _postgresql_now(element: DatabaseNow, compiler: Any, **kw: Any) -> str:
    # the time of the statement, not of the transaction's start (which may have waited for
    # the address's lock), in UTC whatever the session's time zone
    return "(clock_timestamp() AT TIME ZONE 'UTC')"


@compiles(DatabaseNow, "sqlite")
def _sqlite_now(element: DatabaseNow, compiler: Any, **kw: Any) -> str:
    # CURRENT_TIMESTAMP has whole seconds only; SQLite's clock is its host's (one host anyway)
    return "strftime('%Y-%m-%d %H:%M:%f', 'now')"


def database_now(session: Session) -> datetime:
    """The database server's clock: the one clock all app servers on a database share."""
    now = session.scalar(select(DatabaseNow()))
    assert now is not None
    return now
