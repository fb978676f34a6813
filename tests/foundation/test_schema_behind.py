"""Code upgraded without `funding-matcher init`: every command, `serve` and the web app say
the schema is behind (or ahead) in one German line instead of failing on a new column."""

from __future__ import annotations

import logging
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, event

from tests.conftest import REPO_ROOT, CliInvoker
from tests.mail.conftest import free_port
from webapp.app import create_app
from webapp.config import Config
from webapp.db import make_engine
from webapp.maintenance import HEADING
from webapp.migrate import current_revision, head_revision, upgrade

OLD = "0011"  # before the deadline times (0012): `match` failed on calls.deadline_time
BEHIND = (
    f"Fehler: Die Datenbank ist auf Schema {OLD}, erwartet wird {head_revision()}: "
    "`funding-matcher init` migriert sie."
)
# What a newer version of the code would have migrated the database to.
NEWER = "9999"


@pytest.fixture
def old_engine(config: Config) -> Iterator[Engine]:
    """The test database, migrated only to OLD: the code was upgraded, `init` not run."""
    engine = make_engine(config.database_url)
    upgrade(engine, OLD)
    yield engine
    engine.dispose()


@pytest.fixture
def newer_engine(config: Config) -> Iterator[Engine]:
    """The test database as a newer version of the code left it (then the code went back)."""
    engine = make_engine(config.database_url)
    upgrade(engine)
    with engine.begin() as conn:
        conn.exec_driver_sql(f"UPDATE alembic_version SET version_num = '{NEWER}'")
    yield engine
    engine.dispose()


def _refused(result: Any, line: str) -> None:
    assert result.exit_code == 1, result.output
    assert result.output.strip().splitlines()[-1] == line
    assert "Traceback" not in result.output
    assert isinstance(result.exception, SystemExit)


@pytest.mark.parametrize(
    "args",
    [
        ["match"],
        ["scrape", "--offline"],
        ["user", "list"],
        ["justify", "1"],
        ["digest", "--dry-run"],
        ["mail", "refusals"],
    ],
    ids=" ".join,
)
def test_a_command_on_an_old_schema_says_init_migrates_it(
    cli: CliInvoker, old_engine: Engine, args: list[str]
) -> None:
    _refused(cli(*args), BEHIND)
    assert current_revision(old_engine) == OLD


def test_match_on_an_old_schema_on_each_backend(any_config: Config) -> None:
    engine = make_engine(any_config.database_url)
    try:
        upgrade(engine, OLD)
        _refused(CliInvoker(any_config)("match"), BEHIND)
    finally:
        engine.dispose()


def test_serve_on_an_old_schema_refuses_to_start(cli: CliInvoker, old_engine: Engine) -> None:
    port = free_port()
    done = subprocess.run(
        [sys.executable, "-c", "from webapp.cli import main; main()", "serve", "--port", str(port)],
        env={**os.environ, **cli.env, "PYTHONPATH": str(REPO_ROOT)},
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 1, done.stdout + done.stderr
    assert done.stderr.strip() == BEHIND
    assert "läuft auf" not in done.stdout
    assert "Traceback" not in done.stderr


def test_a_newer_schema_is_named_and_init_does_not_touch_it(
    cli: CliInvoker, newer_engine: Engine
) -> None:
    ahead = (
        f"Fehler: Die Datenbank ist auf Schema {NEWER} und damit neuer als dieser Stand des "
        f"Programms (Schema {head_revision()}): die Version installieren, die sie migriert "
        "hat, oder die Sicherung von vor der Migration einspielen (`funding-matcher init` "
        "kann ein Schema nicht zurückführen)."
    )
    for args in (["match"], ["init"], ["strategy", "load"]):
        _refused(cli(*args), ahead)
    assert current_revision(newer_engine) == NEWER


def test_backup_of_an_old_schema_then_init_and_the_commands_work(
    cli: CliInvoker, old_engine: Engine, tmp_path: Path
) -> None:
    # What an administrator does after upgrading the code: a copy first, then `init`.
    copy = tmp_path / "vor-dem-update.db"
    saved = cli("backup", str(copy))
    assert saved.exit_code == 0, saved.output
    assert f"Schema {OLD}." in saved.output
    assert current_revision(make_engine(f"sqlite:///{copy}")) == OLD
    migrated = cli("init")
    assert migrated.exit_code == 0, migrated.output
    assert f"Datenbank migriert: {OLD} → {head_revision()}." in migrated.output
    assert cli("match").exit_code == 0


def test_the_web_app_on_an_old_schema_answers_503_until_init(
    config: Config, old_engine: Engine, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="webapp.maintenance")
    app = create_app(config)  # as gunicorn & co. build it
    client = app.test_client()
    for path in ("/", "/anmelden", "/aufrufe/1"):
        response = client.get(path)
        assert response.status_code == 503, path
        page = response.get_data(as_text=True)
        assert HEADING in page
        assert "erwartet wird" in page and "Traceback" not in page
        assert response.headers["Retry-After"] == "300"
    assert client.post("/anmelden", data={"email": "a@b.de"}).status_code == 503
    assert client.get("/static/style.css").status_code == 200
    said = [r for r in caplog.records if r.levelno == logging.ERROR]
    assert [r.getMessage() for r in said] == [
        "Weboberfläche im Wartungsmodus (HTTP 503): " + BEHIND.removeprefix("Fehler: ")
    ]
    upgrade(old_engine)  # `init` while the server keeps running
    assert client.get("/anmelden").status_code == 200


def test_the_web_app_on_a_newer_schema_answers_503(config: Config, newer_engine: Engine) -> None:
    response = create_app(config).test_client().get("/")
    assert response.status_code == 503
    assert f"Schema {NEWER} und damit neuer als dieser Stand" in response.get_data(as_text=True)


def test_a_request_on_a_current_schema_does_not_ask_for_it(config: Config, engine: Engine) -> None:
    app = create_app(config)
    asked: list[str] = []

    def note(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        if "alembic_version" in statement:
            asked.append(statement)

    event.listen(app.extensions["fm_engine"], "before_cursor_execute", note)
    client = app.test_client()
    for _ in range(3):
        assert client.get("/anmelden").status_code == 200
    assert asked == []  # checked once, in create_app
