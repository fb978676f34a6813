"""`funding-matcher restore DATEI`, and `serve` leaving no write-ahead log when stopped.

The administrator's restore used to be "stop serve, copy the backup over the file". `serve`
stopped by SIGTERM (`systemctl stop`) left `-wal` and `-shm` behind, and the next open
applied that old log to the copied-in file: `integrity_check` found missing index rows and
changes made after the backup came back.
"""

from __future__ import annotations

import os
import shlex
import socket
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
import requests
from sqlalchemy import create_engine, func, select

from tests.conftest import REPO_ROOT, CliInvoker, _new_pg_database
from tests.pg_server import PostgresServer
from webapp.config import Config
from webapp.db import make_engine
from webapp.migrate import head_revision, upgrade
from webapp.models import User

PASSWORD = "lang-genug-1"


def _database(config: Config) -> Path:
    return Path(config.database_url.removeprefix("sqlite:///"))


def _rows(path: Path, sql: str) -> list[tuple[object, ...]]:
    connection = sqlite3.connect(path)
    try:
        return connection.execute(sql).fetchall()
    finally:
        connection.close()


def _write_and_die(database: Path, sql: str) -> None:
    """A process that commits `sql` in WAL mode and ends without closing its connection,
    as `serve` did on SIGTERM: its log stays beside the database."""
    script = (
        "import os, sqlite3, sys\n"
        "c = sqlite3.connect(sys.argv[1])\n"
        "c.execute('PRAGMA journal_mode=WAL')\n"
        "c.execute('PRAGMA wal_autocheckpoint=0')\n"
        "c.execute(sys.argv[2])\n"
        "c.commit()\n"
        "os._exit(0)\n"
    )
    subprocess.run([sys.executable, "-c", script, str(database), sql], check=True, timeout=60)


@pytest.fixture
def backed_up(cli: CliInvoker, config: Config, tmp_path: Path) -> Path:
    """A database with its backup, then a login added after the backup."""
    assert cli("init", "--no-strategy").exit_code == 0
    backup = tmp_path / "sicherung" / "fm-1.db"
    backup.parent.mkdir()
    assert cli("backup", str(backup)).exit_code == 0
    result = cli("user", "add", "dora@kreis.example", "--password", PASSWORD)
    assert result.exit_code == 0, result.output
    return backup


def test_restore_over_a_log_left_behind_gives_the_backup_intact(
    cli: CliInvoker, config: Config, backed_up: Path
) -> None:
    database = _database(config)
    _write_and_die(database, "UPDATE users SET name = 'Dora nach der Sicherung'")
    assert Path(f"{database}-wal").exists()
    # A run during the backup left its lock in the copy: no run holds it after the restore.
    copy = sqlite3.connect(backed_up)
    copy.execute(
        "INSERT INTO job_locks (name, holder, acquired_at, expires_at) VALUES "
        "('weekly', 'anderer-host:1:x', '2026-11-26 07:00:00', '2999-01-01 00:00:00')"
    )
    copy.commit()
    copy.close()

    result = cli("restore", str(backed_up), "--yes")

    assert result.exit_code == 0, result.output
    replaced = sorted(database.parent.glob(f"{database.stem}.ersetzt-*.db"))
    assert len(replaced) == 1
    assert result.output == (
        f"Sicherung {backed_up}: in Ordnung – Schema {head_revision()}, 0 Aufrufe.\n"
        f"Wiederhergestellt: {database} aus {backed_up}. Die bisherige Datenbank liegt als "
        f"{replaced[0]} daneben.\n"
        "Als Nächstes: `funding-matcher match` (baut das gespeicherte Modell neu), dann "
        "`serve` und den Wochenlauf wieder starten. Wer seit der Sicherung mit "
        "`user forget` gelöscht wurde, ist wieder da: dort erneut löschen.\n"
    )
    # No old log beside the restored file: nothing from after the backup comes back.
    assert sorted(database.parent.glob(f"{database.name}*")) == [database]
    assert _rows(database, "PRAGMA integrity_check") == [("ok",)]
    assert _rows(database, "SELECT count(*) FROM users") == [(0,)]
    assert _rows(database, "SELECT count(*) FROM job_locks") == [(0,)]
    # The replaced database is kept whole, the change its log held folded in.
    assert _rows(replaced[0], "PRAGMA integrity_check") == [("ok",)]
    assert _rows(replaced[0], "SELECT name FROM users") == [("Dora nach der Sicherung",)]
    result = cli("init", "--no-strategy")
    assert result.output == f"Datenbank ist aktuell (Schema {head_revision()}).\n"


def test_restore_refuses_while_a_process_has_the_database_open(
    cli: CliInvoker, config: Config, backed_up: Path
) -> None:
    database = _database(config)
    serving = sqlite3.connect(database)  # as `serve` keeps its connections between requests
    try:
        assert serving.execute("SELECT count(*) FROM users").fetchone() == (1,)
        result = cli("restore", str(backed_up), "--yes")
    finally:
        serving.close()
    assert result.exit_code == 1
    assert result.stderr == (
        f"Fehler: Die Datenbank {database} wird gerade benutzt (läuft noch `serve`, der "
        "Wochenlauf oder ein anderer Befehl?): zuerst beenden, etwa mit `systemctl stop`, "
        "dann erneut `funding-matcher restore` – nichts geändert.\n"
    )
    assert _rows(database, "SELECT email FROM users") == [("dora@kreis.example",)]
    assert list(database.parent.glob("*ersetzt*")) == []


def test_restore_refuses_while_the_weekly_run_holds_its_lock(
    cli: CliInvoker, config: Config, backed_up: Path
) -> None:
    database = _database(config)
    holder = f"{socket.gethostname()}:{os.getpid()}:abcd1234"  # alive: this very process
    live = sqlite3.connect(database)
    live.execute(
        "INSERT INTO job_locks (name, holder, acquired_at, expires_at) VALUES "
        "('weekly', ?, '2026-11-26 07:00:00', '2999-01-01 00:00:00')",
        (holder,),
    )
    live.commit()
    live.close()

    result = cli("restore", str(backed_up), "--yes")

    assert result.exit_code == 1
    assert result.stderr == (
        f"Fehler: Der Wochenlauf arbeitet gerade mit der Datenbank {database} ({holder}, seit "
        "26.11.2026 07:00 UTC): sein Ende abwarten und den Timer anhalten, dann erneut "
        "`funding-matcher restore` – nichts geändert.\n"
    )
    assert _rows(database, "SELECT count(*) FROM users") == [(1,)]


def test_restore_asks_before_it_replaces_the_database(
    cli: CliInvoker, config: Config, backed_up: Path
) -> None:
    database = _database(config)
    result = cli("restore", str(backed_up), input="nein\n")
    assert result.exit_code == 1
    assert f"Sie ersetzt die Datenbank {database}; die bisherige bleibt als " in result.stdout
    assert result.stderr.endswith("Fehler: Nicht bestätigt: nichts geändert.\n")
    assert _rows(database, "SELECT count(*) FROM users") == [(1,)]

    result = cli("restore", str(backed_up), input="ja\n")
    assert result.exit_code == 0, result.output
    assert _rows(database, "SELECT count(*) FROM users") == [(0,)]


def _damaged(path: Path, source: Path) -> None:
    """A copy of `source` with a page of the users table overwritten."""
    data = bytearray(source.read_bytes())
    root = _rows(source, "SELECT rootpage FROM sqlite_master WHERE name = 'users'")[0][0]
    page = 4096 * (int(str(root)) - 1)
    data[page : page + 8] = b"\xff" * 8  # no valid page type
    path.write_bytes(bytes(data))


@pytest.mark.parametrize(
    ("case", "expected"),
    [
        ("text", "{file} ist keine SQLite-Datenbank und keine Sicherung von `backup`."),
        ("pg_dump", "{file} ist eine PostgreSQL-Sicherung (pg_dump), DATABASE_URL nennt aber "),
        ("foreign", "{file} ist keine Datenbank von funding-matcher (keine Schema-Version "),
        ("newer", "Die Sicherung {file} ist auf Schema 0099, das dieser Stand des Programms "),
        ("damaged", "Die Sicherung {file} ist beschädigt ("),
        ("missing", "Die Sicherung {file} gibt es nicht."),
        ("itself", "{file} ist die Datenbank selbst (DATABASE_URL), keine Sicherung"),
    ],
)
def test_restore_refuses_what_is_no_usable_backup(
    cli: CliInvoker, config: Config, backed_up: Path, tmp_path: Path, case: str, expected: str
) -> None:
    database = _database(config)
    file = tmp_path / f"{case}.db"
    if case == "text":
        file.write_text("Sicherung vom Montag\n")
    elif case == "pg_dump":
        file.write_bytes(b"PGDMP\x01\x0e\x00" + bytes(100))
    elif case == "foreign":
        other = sqlite3.connect(file)
        other.execute("CREATE TABLE kontakte (name TEXT)")
        other.close()
    elif case == "newer":
        file.write_bytes(backed_up.read_bytes())
        newer = sqlite3.connect(file)
        newer.execute("UPDATE alembic_version SET version_num = '0099'")
        newer.commit()
        newer.close()
    elif case == "damaged":
        _damaged(file, backed_up)
    elif case == "itself":
        file = database
    before = database.read_bytes()

    result = cli("restore", str(file), "--yes")

    assert result.exit_code == 1, result.output
    assert result.stderr.startswith("Fehler: " + expected.format(file=file)), result.stderr
    assert database.read_bytes() == before
    assert list(database.parent.glob("*ersetzt*")) == []


def test_restore_of_an_older_schema_says_to_run_init(
    cli: CliInvoker, config: Config, tmp_path: Path
) -> None:
    old = tmp_path / "alt.db"
    engine = make_engine(f"sqlite:///{old}")
    upgrade(engine, "0015")
    engine.dispose()

    # No database yet (a new server): nothing to replace, nothing to confirm.
    result = cli("restore", str(old))

    assert result.exit_code == 0, result.output
    assert "bisherige" not in result.output
    assert (
        "Als Nächstes: `funding-matcher init` (migriert Schema 0015 auf "
        f"{head_revision()}), dann `funding-matcher match`, dann `serve`"
    ) in result.output
    result = cli("init", "--no-strategy")
    assert result.output == f"Datenbank migriert: 0015 → {head_revision()}.\n"


def test_serve_stopped_by_sigterm_leaves_no_write_ahead_log(
    cli: CliInvoker, config: Config
) -> None:
    """`systemctl stop` sends SIGTERM: every connection is closed, SQLite removes its log."""
    assert cli("init", "--no-strategy").exit_code == 0
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    proc = subprocess.Popen(
        [sys.executable, "-c", "from webapp.cli import main; main()", "serve", "--port", str(port)],
        env={**os.environ, **cli.env, "PYTHONPATH": str(REPO_ROOT), "PYTHONUNBUFFERED": "1"},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        assert proc.stdout is not None
        assert "läuft auf" in proc.stdout.readline()
        page = requests.get(f"http://127.0.0.1:{port}/anmelden", timeout=20)
        assert page.status_code == 200
        database = _database(config)
        assert Path(f"{database}-wal").exists()  # the pool keeps its connection open
        proc.terminate()
        output, _ = proc.communicate(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert proc.returncode == 0, output
    assert output.endswith("funding-matcher beendet.\n")
    assert not Path(f"{database}-wal").exists() and not Path(f"{database}-shm").exists()


@pytest.mark.postgres
def test_restore_on_postgresql_names_commands_that_restore_into_a_new_database(
    postgres: PostgresServer | str, tmp_path: Path
) -> None:
    if isinstance(postgres, str):
        pytest.skip("needs the private test server (createdb as postgres)")
    url = _new_pg_database(postgres)
    config = Config(database_url=url, secret_key="s", env="test", instance_dir=tmp_path / "i")
    cli = CliInvoker(config)
    assert cli("init", "--no-strategy").exit_code == 0
    assert cli("user", "add", "dora@kreis.example", "--password", PASSWORD).exit_code == 0
    dump = tmp_path / "fm.dump"
    assert cli("backup", str(dump)).exit_code == 0

    result = cli("restore", str(dump), "--yes")

    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0].startswith(f"Sicherung {dump}: pg_dump-Datei, lesbar.")
    assert "nichts geändert" in lines[0]
    commands = [line.split(". ", 1)[1] for line in lines if line.startswith(("  2.", "  3."))]
    assert commands[0].startswith("createdb --host=127.0.0.1 ")
    assert commands[1].startswith("pg_restore --no-owner --host=127.0.0.1 ")
    for command in commands:  # exactly as printed
        done = subprocess.run(shlex.split(command), capture_output=True, text=True, check=False)
        assert done.returncode == 0, (command, done.stderr)
    database = commands[0].rsplit(" ", 1)[1]
    assert f"DATABASE_URL auf postgresql+psycopg://postgres@127.0.0.1:{postgres.port}/" in (
        result.output
    )
    restored = create_engine(postgres.url(database))
    with restored.connect() as conn:
        assert conn.scalar(select(func.count()).select_from(User)) == 1
    restored.dispose()

    wrong = tmp_path / "falsch.db"
    sqlite3.connect(wrong).close()
    wrong.write_bytes(b"SQLite format 3\x00" + bytes(100))
    result = cli("restore", str(wrong))
    assert result.stderr == (
        f"Fehler: {wrong} ist eine SQLite-Datenbank, DATABASE_URL nennt aber PostgreSQL.\n"
    )


def test_two_restores_in_one_second_keep_both_replaced_databases(
    backed_up: Path, config: Config
) -> None:
    """A script restoring twice within a second must not lose the first side copy."""
    from datetime import datetime

    from webapp.restore import check_sqlite_backup, restore_sqlite, side_copy_path

    database = _database(config)
    moment = datetime(2026, 11, 27, 18, 0, 0)
    first = side_copy_path(database, moment)
    restore_sqlite(check_sqlite_backup(backed_up, database), database, first)
    second = side_copy_path(database, moment)
    assert second != first and second.name.endswith("-2.db")
    restore_sqlite(check_sqlite_backup(backed_up, database), database, second)
    # the first side copy is the database from before, with the login added after the backup
    assert _rows(first, "SELECT email FROM users") == [("dora@kreis.example",)]
    assert second.exists()
