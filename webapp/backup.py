"""A consistent copy of the database while the app and the weekly job keep running.

SQLite: the online backup API copies page by page under a read transaction, so a copy made
during a scrape holds the state before or after it, never half of it (copying the file with
`cp` can tear a WAL database). PostgreSQL: `pg_dump` in its custom format, which is what
`pg_restore` reads.
"""

from __future__ import annotations

import glob
import os
import shutil
import sqlite3
import subprocess
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Engine, func, select
from sqlalchemy.engine import make_url

from webapp.errors import UserError
from webapp.migrate import current_revision
from webapp.models import Call


@dataclass(frozen=True, slots=True)
class BackupReport:
    """What was written: the file, its size, the schema revision and the number of calls."""

    target: Path
    size_bytes: int
    revision: str | None
    calls: int
    tool: str  # "sqlite" or "pg_dump"


def backup_database(engine: Engine, target: Path, *, overwrite: bool = False) -> BackupReport:
    """Copy the database behind `engine` into `target` (written aside, then moved in place)."""
    target = target.expanduser()
    if target.is_dir():
        raise UserError(f"{target} ist ein Ordner: bitte einen Dateinamen angeben.")
    _refuse_the_database_itself(engine, target)
    if target.exists() and not overwrite:
        raise UserError(f"{target} gibt es schon: anderen Namen wählen oder --force angeben.")
    if not target.parent.is_dir():
        raise UserError(f"Den Ordner {target.parent} für die Sicherung gibt es nicht.")
    with engine.connect() as conn:
        revision = current_revision(engine)
        calls = conn.scalar(select(func.count()).select_from(Call)) or 0
    partial = target.with_name(target.name + ".part")
    try:
        if engine.dialect.name == "sqlite":
            _sqlite_copy(engine, partial)
            tool = "sqlite"
        elif engine.dialect.name == "postgresql":
            _pg_dump(engine, partial)
            tool = "pg_dump"
        else:
            raise UserError(f"Sicherung für {engine.dialect.name} wird nicht unterstützt.")
        os.replace(partial, target)
    except OSError as exc:
        raise UserError(f"Sicherung nach {target} nicht möglich: {exc.strerror or exc}.") from None
    finally:
        partial.unlink(missing_ok=True)
    return BackupReport(target, target.stat().st_size, revision, calls, tool)


def _refuse_the_database_itself(engine: Engine, target: Path) -> None:
    """UserError when `target` is the SQLite file behind `engine` (or one beside it that
    SQLite keeps): `--force` replaced the file a running `serve` holds open."""
    database = engine.url.database
    if engine.dialect.name != "sqlite" or not database or database == ":memory:":
        return
    live = Path(database).expanduser().resolve()
    written = target.resolve()
    beside = (live.with_name(live.name + suffix) for suffix in ("-wal", "-shm", "-journal"))
    same = written.exists() and live.exists() and os.path.samefile(written, live)  # a hard link
    if same or written in (live, *beside):
        raise UserError(
            f"{target} ist die Datenbank selbst (DATABASE_URL): die Sicherung in eine "
            "andere Datei schreiben, etwa /srv/sicherung/fm-$(date +%F).db."
        )


def _sqlite_copy(engine: Engine, partial: Path) -> None:
    partial.unlink(missing_ok=True)
    raw = engine.raw_connection()
    try:
        source = raw.driver_connection
        assert isinstance(source, sqlite3.Connection)
        copy = sqlite3.connect(partial)
        try:
            # Page steps let writers in between; a busy database is copied, not blocked.
            source.backup(copy, pages=1024)
            # The copy is a plain file of its own: no -wal beside it to forget when restoring.
            copy.execute("PRAGMA journal_mode=DELETE")
            ok = copy.execute("PRAGMA quick_check").fetchone()
        finally:
            copy.close()
    finally:
        raw.close()
    if not ok or ok[0] != "ok":
        raise UserError(f"Die Sicherung ist beschädigt (quick_check: {ok and ok[0]}).")


def find_pg_dump() -> str | None:
    """pg_dump on PATH, else the newest of Debian's /usr/lib/postgresql/*/bin."""
    found = shutil.which("pg_dump")
    if found:
        return found
    candidates = sorted(
        glob.glob("/usr/lib/postgresql/*/bin/pg_dump"),
        key=lambda p: int(Path(p).parts[-3]) if Path(p).parts[-3].isdigit() else 0,
    )
    return candidates[-1] if candidates else None


def _pg_dump(engine: Engine, partial: Path) -> None:
    program = find_pg_dump()
    if program is None:
        raise UserError(
            "pg_dump wurde nicht gefunden: PostgreSQL-Client installieren "
            "(Debian: apt install postgresql-client)."
        )
    url = make_url(engine.url.render_as_string(hide_password=False))
    env = dict(os.environ)
    if url.password:
        env["PGPASSWORD"] = str(url.password)  # not on the command line, where ps shows it
    args = [program, "--format=custom", "--no-owner", f"--file={partial}"]
    for flag, value in (("--host", url.host), ("--port", url.port), ("--username", url.username)):
        if value:
            args.append(f"{flag}={value}")
    args.append(f"--dbname={url.database}")
    result = subprocess.run(args, env=env, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        reason = (result.stderr.strip().splitlines() or ["unbekannter Fehler"])[-1]
        raise UserError(f"pg_dump ist fehlgeschlagen: {reason}")
