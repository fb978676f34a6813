"""`funding-matcher backup DATEI`: a copy the operator can restore, made while others write."""

from __future__ import annotations

import sqlite3
import subprocess
from pathlib import Path

import pytest
from sqlalchemy import create_engine, func, select
from sqlalchemy.orm import Session

from tests.conftest import CliInvoker, _new_pg_database
from webapp.backup import find_pg_dump
from webapp.config import Config
from webapp.models import Call, Review

REPO_ROOT = Path(__file__).resolve().parents[2]
DEV_CALLS = REPO_ROOT / "data" / "eval" / "dev" / "calls.jsonl"


def _count(url: str, model: type = Call) -> int:
    engine = create_engine(url.replace("postgresql://", "postgresql+psycopg://"))
    try:
        with engine.connect() as conn:
            return conn.scalar(select(func.count()).select_from(model)) or 0
    finally:
        engine.dispose()


@pytest.fixture
def filled(any_config: Config) -> CliInvoker:
    cli = CliInvoker(any_config)
    for args in (("init",), ("import", str(DEV_CALLS))):
        result = cli(*args)
        assert result.exit_code == 0, result.output
    return cli


def test_backup_restores_to_a_working_database(
    filled: CliInvoker, any_config: Config, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    target = tmp_path / "sicherung.bin"
    result = filled("backup", str(target))
    assert result.exit_code == 0, result.output
    assert f"Gesichert nach {target}" in result.output and "282 Aufrufe" in result.output

    if any_config.database_url.startswith("sqlite"):
        restored_url = f"sqlite:///{target}"
    else:
        restored_url = _new_pg_database(request.getfixturevalue("postgres"))
        pg_restore = str(Path(find_pg_dump() or "pg_dump").with_name("pg_restore"))
        database = restored_url.rsplit("/", 1)[1]
        host_port = restored_url.split("@", 1)[1].split("/", 1)[0]
        host, port = host_port.split(":")
        subprocess.run(
            [
                pg_restore,
                "--no-owner",
                f"--host={host}",
                f"--port={port}",
                "--username=postgres",
                f"--dbname={database}",
                str(target),
            ],
            check=True,
            capture_output=True,
        )
    assert _count(restored_url) == 282
    # The restored copy is a database the commands work on, not just a file with rows.
    restored = CliInvoker(
        Config(
            database_url=restored_url,
            secret_key="test-secret",
            env="test",
            instance_dir=tmp_path / "restored",
            testing=True,
        )
    )
    result = restored("init")
    assert result.exit_code == 0 and "aktuell" in result.output, result.output
    result = restored("match")
    assert result.exit_code == 0, result.output


def test_sqlite_backup_while_a_writer_is_busy_holds_only_committed_work(
    cli: CliInvoker, config: Config, tmp_path: Path
) -> None:
    for args in (("init",), ("import", str(DEV_CALLS))):
        assert cli(*args).exit_code == 0
    database = config.database_url.removeprefix("sqlite:///")
    writer = sqlite3.connect(database)
    writer.execute("BEGIN IMMEDIATE")  # the weekly job in the middle of an ingest
    writer.execute("DELETE FROM calls WHERE id > 100")
    try:
        result = cli("backup", str(tmp_path / "copy.db"))
    finally:
        writer.rollback()
        writer.close()
    assert result.exit_code == 0, result.output
    copy = sqlite3.connect(tmp_path / "copy.db")
    try:
        assert copy.execute("SELECT count(*) FROM calls").fetchone() == (282,)
        # One file to copy back: no write-ahead log that would have to travel with it.
        assert copy.execute("PRAGMA journal_mode").fetchone() == ("delete",)
    finally:
        copy.close()
    assert not (tmp_path / "copy.db.part").exists()


def test_backup_never_overwrites_by_accident(
    cli: CliInvoker, config: Config, tmp_path: Path
) -> None:
    assert cli("init").exit_code == 0
    target = tmp_path / "last-week.db"
    target.write_bytes(b"the only copy from last week")

    result = cli("backup", str(target))
    assert result.exit_code == 1
    assert "gibt es schon" in result.output and "--force" in result.output
    assert "Traceback" not in result.output
    assert target.read_bytes() == b"the only copy from last week"

    result = cli("backup", str(target), "--force")
    assert result.exit_code == 0, result.output
    assert target.read_bytes().startswith(b"SQLite format 3")


@pytest.mark.parametrize(
    ("where", "message"),
    [("missing-folder/x.db", "gibt es nicht"), (".", "ist ein Ordner")],
)
def test_backup_target_mistakes_are_named(
    cli: CliInvoker, tmp_path: Path, where: str, message: str
) -> None:
    assert cli("init").exit_code == 0
    result = cli("backup", str(tmp_path / where))
    assert result.exit_code == 1 and message in result.output, result.output
    assert "Traceback" not in result.output


def test_backup_of_a_review_made_later_is_not_in_the_copy(
    cli: CliInvoker, config: Config, tmp_path: Path
) -> None:
    """The copy is a point in time: what officers decide afterwards stays out of it."""
    for args in (("init",), ("import", str(DEV_CALLS))):
        assert cli(*args).exit_code == 0
    assert cli("backup", str(tmp_path / "before.db")).exit_code == 0
    engine = create_engine(config.database_url)
    with Session(engine) as session:
        call_id = session.scalar(select(func.min(Call.id)))
        session.add(Review(call_id=call_id, status="relevant"))
        session.commit()
    engine.dispose()
    assert _count(config.database_url, Review) == 1
    assert _count(f"sqlite:///{tmp_path / 'before.db'}", Review) == 0


def test_backup_refuses_the_database_itself_as_target(
    cli: CliInvoker, config: Config, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`backup --force` onto the live file replaced the file a running `serve` holds open."""
    assert cli("init").exit_code == 0
    database = Path(config.database_url.removeprefix("sqlite:///"))
    before = database.read_bytes()
    (tmp_path / "link.db").symlink_to(database)
    monkeypatch.chdir(tmp_path)
    for target in (str(database), "test.db", "link.db", f"{database}-wal"):
        result = cli("backup", "--force", target)
        assert result.exit_code == 1, result.output
        assert result.stderr == (
            f"Fehler: {target} ist die Datenbank selbst (DATABASE_URL): die Sicherung in eine "
            "andere Datei schreiben, etwa /srv/sicherung/fm-$(date +%F).db.\n"
        )
    assert database.read_bytes() == before
