"""Shared fixtures: a temporary SQLite file or a real PostgreSQL database, the app, CLI runner."""

from __future__ import annotations

import os
import subprocess
import time
import uuid
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.orm import Session

from tests import pg_server
from tests.scrapers.conftest import LocalServer
from webapp import formatting
from webapp.config import Config
from webapp.db import make_engine, make_session_factory
from webapp.migrate import current_revision, head_revision, upgrade
from webapp.models import User

REPO_ROOT = Path(__file__).resolve().parent.parent
STRATEGY_PATH = REPO_ROOT / "data" / "strategy" / "coesfeld-12-0.yaml"
SHARED_DIR = REPO_ROOT.parent / "shared"


Clock = Callable[[datetime], None]


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    """`clock(moment)` fixes "now" for pages, mail, the CLI and stored times (aware
    `moment`, e.g. German time via LOCAL_TZ) until the test ends."""

    def set_now(moment: datetime) -> None:
        monkeypatch.setattr(formatting, "now_utc", lambda: moment.astimezone(UTC))

    return set_now


@pytest.fixture
def server_on_utc(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The process runs in UTC, as many servers do (TZ=UTC), whatever this machine's zone."""
    monkeypatch.setenv("TZ", "UTC")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


@pytest.fixture(scope="session")
def postgres() -> Iterator[pg_server.PostgresServer | str]:
    """A PostgreSQL server for the session: TEST_DATABASE_URL, or a private one we start."""
    if url := os.environ.get("TEST_POSTGRES_ADMIN_URL"):
        yield url
        return
    try:
        server = pg_server.start()
    except FileNotFoundError as exc:
        pytest.skip(f"PostgreSQL-Tests übersprungen: {exc} (apt-get install postgresql)")
    try:
        yield server
    finally:
        server.stop()


def _new_pg_database(server: pg_server.PostgresServer | str) -> str:
    admin_url = server if isinstance(server, str) else server.admin_url
    name = f"fm_{uuid.uuid4().hex[:12]}"
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return admin_url.rsplit("/", 1)[0] + f"/{name}"


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """An empty database on SQLite and, in a second run of the test, on PostgreSQL."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'test.db'}"
    return _new_pg_database(request.getfixturevalue("postgres"))


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    """An empty SQLite database file (for tests that need only one backend)."""
    return f"sqlite:///{tmp_path / 'test.db'}"


@pytest.fixture
def config(tmp_path: Path, sqlite_url: str) -> Config:
    """Configuration of a test installation on a temporary SQLite file."""
    return Config(
        database_url=sqlite_url,
        secret_key="test-secret",
        env="test",
        instance_dir=tmp_path / "instance",
        testing=True,
    )


def upgrade_with_old_login(
    engine: Engine, revision: str, password_hash: str = "x", *, active: bool = True
) -> None:
    """Migrate to `revision`, add the login alt@kreis.de as the code of then wrote it, and
    migrate to the head: what a migration test of the `users` table starts from.
    `active=False`: a login deactivated then (from 0008 on)."""
    upgrade(engine, revision)
    has_active = revision >= "0008"  # the column `active` came with 0008
    with engine.begin() as conn:
        conn.exec_driver_sql(
            "INSERT INTO users (email, name, password_hash, role, digest_opt_in, "
            f"ical_token, failed_logins, created_at{', active' if has_active else ''}) VALUES "
            f"('alt@kreis.de', 'Alt', '{password_hash}', 'officer', true, 't1', 0, "
            f"'2026-11-01'{f', {str(active).lower()}' if has_active else ''})"
        )
    upgrade(engine)
    assert current_revision(engine) == head_revision()


@pytest.fixture
def engine(config: Config) -> Iterator[Engine]:
    """The migrated, empty test database."""
    eng = make_engine(config.database_url)
    upgrade(eng)
    yield eng
    eng.dispose()


@pytest.fixture
def session(engine: Engine) -> Iterator[Session]:
    """A session on the test database (commit explicitly)."""
    factory = make_session_factory(engine)
    with factory() as s:
        yield s


@pytest.fixture
def app(config: Config, engine: Engine) -> Flask:
    """The Flask app on the migrated test database."""
    from webapp.app import create_app

    flask_app = create_app(config)
    flask_app.config.update(WTF_CSRF_ENABLED=False)
    return flask_app


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


TEST_PASSWORD = "richtig-geheim-42"


@pytest.fixture
def user(engine: Engine) -> User:
    """A funding officer's login (password TEST_PASSWORD) in the test database."""
    from webapp.users import create_user

    with make_session_factory(engine)() as s:
        created = create_user(
            s, "anna.schulte@kreis-coesfeld.de", TEST_PASSWORD, name="Anna Schulte"
        )
        s.commit()
        return created


@pytest.fixture
def auth_client(app: Flask, user: User) -> FlaskClient:
    """A test client logged in as `user` (through the real login form)."""
    test_client = app.test_client()
    response = test_client.post("/anmelden", data={"email": user.email, "password": TEST_PASSWORD})
    assert response.status_code == 302, response.get_data(as_text=True)
    return test_client


class CliInvoker:
    """Runs `funding-matcher` commands in-process against the test configuration."""

    def __init__(self, config: Config) -> None:
        self.config = config
        self.env = {
            "DATABASE_URL": config.database_url,
            "INSTANCE_PATH": str(config.instance_dir),
            "SECRET_KEY": config.secret_key,
            "FUNDING_MATCHER_ENV": "test",
        }

    def __call__(self, *args: str, input: str | None = None, **env: str) -> Result:
        from webapp.cli import main

        runner = CliRunner()
        return runner.invoke(
            main,
            list(args),
            env={**self.env, **env},
            input=input,
            prog_name="funding-matcher",  # as the installed command names itself in messages
        )


@pytest.fixture
def cli(config: Config) -> CliInvoker:
    """Invoke the CLI on the test database: `cli("init")`, `cli("import", path)`."""
    return CliInvoker(config)


@pytest.fixture
def any_config(tmp_path: Path, database_url: str) -> Config:
    """Like `config`, but on each backend in turn (SQLite, then PostgreSQL)."""
    return Config(
        database_url=database_url,
        secret_key="test-secret",
        env="test",
        instance_dir=tmp_path / "instance",
        testing=True,
    )


@pytest.fixture
def server() -> Iterator[LocalServer]:
    """A running local HTTP server with no routes yet (robots.txt answers 404: all allowed)."""
    srv = LocalServer()
    srv.start()
    try:
        yield srv
    finally:
        srv.stop()


def self_signed_certificate(folder: Path, name: str, alt_names: str) -> tuple[Path, Path]:
    """A self-signed certificate and its key for `name` (made with the openssl tool);
    `alt_names` as openssl writes them ("DNS:localhost,IP:127.0.0.1"). Skips without openssl."""
    cert, key = folder / "cert.pem", folder / "key.pem"
    try:
        subprocess.run(
            ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
             "-subj", f"/CN={name}", "-addext", f"subjectAltName={alt_names}",
             "-keyout", str(key), "-out", str(cert)],
            check=True, capture_output=True,
        )  # fmt: skip
    except (FileNotFoundError, subprocess.CalledProcessError) as exc:
        pytest.skip(f"openssl nicht verfügbar: {exc}")
    return cert, key
