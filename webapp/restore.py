"""Putting a copy made by `funding-matcher backup` back in place of the database.

SQLite: copying the backup over the database file by hand is not enough. A process that was
stopped without closing its connections (or is still running) leaves `-wal` and `-shm`
beside the file, and the next connection applies that old write-ahead log to the copied-in
file: a corrupt database with changes from after the backup. `restore_sqlite` refuses while
the database is in use, folds the log into the old file, keeps that file as a side copy and
moves the checked backup in atomically.

PostgreSQL: the file is checked and the commands that restore it into a new database are
named (see `pg_restore_commands` for why funding-matcher does not run them itself).
"""

from __future__ import annotations

import os
import shlex
import shutil
import sqlite3
import subprocess
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlalchemy.engine import URL

from webapp.backup import find_pg_dump
from webapp.errors import UserError
from webapp.jobs import is_held
from webapp.migrate import head_revision, is_known_revision
from webapp.models import utcnow
from webapp.weekly import WEEKLY_LOCK

SQLITE_HEADER = b"SQLite format 3\x00"
PG_DUMP_HEADER = b"PGDMP"
# Files SQLite keeps beside a database; any of them left over is applied to the next file
# found under that name (a write-ahead log, or a hot rollback journal).
SIDE_FILES = ("-wal", "-shm", "-journal")


@dataclass(frozen=True, slots=True)
class BackupInfo:
    """A checked backup: its file, kind ("sqlite" or "pg_dump"), schema and number of calls."""

    path: Path
    kind: str
    revision: str | None = None
    calls: int | None = None

    @property
    def needs_init(self) -> bool:
        """True when the backup's schema is older than the code's (`init` migrates it)."""
        return self.revision != head_revision()


@dataclass(frozen=True, slots=True)
class RestoreReport:
    """What `restore_sqlite` did: the database written and where the replaced one went."""

    target: Path
    backup: BackupInfo
    replaced: Path | None  # the side copy of the former database (None: there was none)


def _file_kind(path: Path) -> str:
    """ "sqlite", "pg_dump" or "" by the file's first bytes; UserError when unreadable."""
    if not path.exists():
        raise UserError(f"Die Sicherung {path} gibt es nicht.")
    if path.is_dir():
        raise UserError(f"{path} ist ein Ordner: bitte die Datei der Sicherung angeben.")
    try:
        with path.open("rb") as file:
            head = file.read(len(SQLITE_HEADER))
    except OSError as exc:
        raise UserError(f"Die Sicherung {path} lässt sich nicht lesen: {exc.strerror}.") from None
    if head.startswith(SQLITE_HEADER):
        return "sqlite"
    if head.startswith(PG_DUMP_HEADER):
        return "pg_dump"
    return ""


def sqlite_database_path(url: URL) -> Path:
    """The file of an SQLite DATABASE_URL; UserError for an in-memory database."""
    if not url.database or url.database == ":memory:":
        raise UserError("DATABASE_URL nennt keine SQLite-Datei: nichts wiederherzustellen.")
    return Path(url.database).expanduser()


def check_sqlite_backup(source: Path, target: Path) -> BackupInfo:
    """The backup `source` for the SQLite database `target`, checked: a funding-matcher
    database, intact, with a schema this code knows. UserError naming the problem."""
    source = source.expanduser()
    kind = _file_kind(source)
    if target.exists() and os.path.samefile(source, target):
        raise UserError(
            f"{source} ist die Datenbank selbst (DATABASE_URL), keine Sicherung: "
            "die Datei angeben, die `funding-matcher backup` geschrieben hat."
        )
    if kind == "pg_dump":
        raise UserError(
            f"{source} ist eine PostgreSQL-Sicherung (pg_dump), DATABASE_URL nennt aber die "
            f"SQLite-Datei {target}."
        )
    if kind != "sqlite":
        raise UserError(f"{source} ist keine SQLite-Datenbank und keine Sicherung von `backup`.")
    try:
        copy = sqlite3.connect(f"{source.resolve().as_uri()}?mode=ro", uri=True)
    except sqlite3.Error as exc:
        raise UserError(f"Die Sicherung {source} lässt sich nicht öffnen: {exc}.") from None
    try:
        problems = [row[0] for row in copy.execute("PRAGMA integrity_check").fetchall()]
        if problems != ["ok"]:
            shown = "; ".join(problems[:3]) + (" …" if len(problems) > 3 else "")
            raise UserError(f"Die Sicherung {source} ist beschädigt (integrity_check: {shown}).")
        try:
            row = copy.execute("SELECT version_num FROM alembic_version").fetchone()
            calls = copy.execute("SELECT count(*) FROM calls").fetchone()[0]
        except sqlite3.OperationalError:
            row = None
        if row is None:
            raise UserError(
                f"{source} ist keine Datenbank von funding-matcher (keine Schema-Version "
                "und keine Aufrufe)."
            )
    except sqlite3.DatabaseError as exc:
        raise UserError(f"Die Sicherung {source} ist beschädigt ({exc}).") from None
    finally:
        copy.close()
    revision = str(row[0])
    if not is_known_revision(revision):
        raise UserError(
            f"Die Sicherung {source} ist auf Schema {revision}, das dieser Stand des Programms "
            f"(Schema {head_revision()}) nicht kennt: erst die Version installieren, die sie "
            "geschrieben hat."
        )
    return BackupInfo(source, "sqlite", revision, int(calls))


def side_copy_path(target: Path, moment: datetime) -> Path:
    """Where the replaced database is kept: beside it, named with the time of the restore
    (and a number when a restore in the same second already kept one there)."""
    base = f"{target.stem}.ersetzt-{moment:%Y%m%d-%H%M%S}"
    side, number = target.with_name(f"{base}{target.suffix}"), 2
    while side.exists():
        side, number = target.with_name(f"{base}-{number}{target.suffix}"), number + 1
    return side


def restore_sqlite(backup: BackupInfo, target: Path, side: Path) -> RestoreReport:
    """Replace the SQLite database `target` with the checked `backup`; the former file
    (its write-ahead log folded in) is kept as `side`. UserError while it is in use."""
    target.parent.mkdir(parents=True, exist_ok=True)
    live = _take_over(target) if target.exists() else None
    part = target.with_name(target.name + ".wiederherstellung.part")
    try:
        _copy_backup(backup.path, part)
        replaced = None
        if target.exists():
            if side.exists():
                # never over an earlier side copy: it may be the only copy of a database
                raise UserError(f"{side} gibt es schon: nichts ersetzt.")
            try:
                os.link(target, side)  # the old file keeps its data under the new name
            except OSError:
                shutil.copy2(target, side)  # a file system without hard links
            replaced = side
        for suffix in SIDE_FILES:
            leftover = Path(f"{target}{suffix}")
            if leftover.exists():
                # it belongs to the old file: with it, the side copy opens as it was
                os.replace(leftover, Path(f"{side}{suffix}"))
        os.replace(part, target)
        _sync_folder(target.parent)
    except OSError as exc:
        raise UserError(
            f"Wiederherstellen nach {target} nicht möglich: {exc.strerror or exc}."
        ) from None
    finally:
        part.unlink(missing_ok=True)
        if live is not None:
            live.close()
    return RestoreReport(target, backup, replaced)


def _take_over(target: Path) -> sqlite3.Connection | None:
    """Make sure nobody uses `target` and keep others out until the returned connection
    closes (None when the file is no readable database: then nothing can use it either).

    An open connection anywhere (`serve`, `weekly`, any command) keeps SQLite from leaving
    WAL mode, which is how a running process is found; leaving it folds a log left behind
    by a killed process into the old file and removes `-wal` and `-shm`.
    """
    try:
        live = sqlite3.connect(target, timeout=0, isolation_level=None)
    except sqlite3.Error:
        return None
    try:
        _refuse_running_weekly(live, target)
        live.execute("PRAGMA journal_mode=DELETE")
        live.execute("BEGIN EXCLUSIVE")
    except sqlite3.OperationalError as exc:
        live.close()
        if "locked" in str(exc) or "busy" in str(exc):
            raise UserError(
                f"Die Datenbank {target} wird gerade benutzt (läuft noch `serve`, der "
                "Wochenlauf oder ein anderer Befehl?): zuerst beenden, etwa mit "
                "`systemctl stop`, dann erneut `funding-matcher restore` – nichts geändert."
            ) from None
        return None  # a damaged database: it is replaced, and kept as the side copy
    except sqlite3.DatabaseError:
        live.close()
        return None
    except BaseException:
        live.close()
        raise
    return live


def _refuse_running_weekly(live: sqlite3.Connection, target: Path) -> None:
    """UserError when the weekly lock in `target` is held by a run that is still alive."""
    try:
        row = live.execute(
            "SELECT holder, acquired_at, expires_at FROM job_locks WHERE name = ?",
            (WEEKLY_LOCK,),
        ).fetchone()
    except sqlite3.OperationalError as exc:
        if "locked" in str(exc) or "busy" in str(exc):
            raise
        return  # an old schema without the table
    if row is None:
        return
    holder, acquired, expires = row[0], datetime.fromisoformat(row[1]), row[2]
    if is_held(holder, datetime.fromisoformat(expires), utcnow()):
        raise UserError(
            f"Der Wochenlauf arbeitet gerade mit der Datenbank {target} ({holder}, seit "
            f"{acquired:%d.%m.%Y %H:%M} UTC): sein Ende abwarten und den Timer anhalten, "
            "dann erneut `funding-matcher restore` – nichts geändert."
        )


def _copy_backup(source: Path, part: Path) -> None:
    """`source` into `part` as a plain SQLite file, without the job locks of its time."""
    part.unlink(missing_ok=True)
    reader = sqlite3.connect(f"{source.resolve().as_uri()}?mode=ro", uri=True)
    try:
        copy = sqlite3.connect(part, isolation_level=None)
        try:
            reader.backup(copy)
            copy.execute("PRAGMA journal_mode=DELETE")
            # A lock held by a run at backup time belongs to no run now; left in, the next
            # `weekly` on another host would wait for its expiry.
            if copy.execute(
                "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'job_locks'"
            ).fetchone():
                copy.execute("DELETE FROM job_locks")
        finally:
            copy.close()
    finally:
        reader.close()
    with part.open("rb+") as file:
        os.fsync(file.fileno())  # on disk before the database's name points at it


def _sync_folder(folder: Path) -> None:
    """Make the renames in `folder` durable (a power cut must not bring back the old name)."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass  # some file systems cannot sync a folder; the rename itself is atomic
    finally:
        os.close(fd)


def check_pg_dump(source: Path) -> BackupInfo:
    """The pg_dump file `source`, checked by `pg_restore --list` when it is installed."""
    source = source.expanduser()
    kind = _file_kind(source)
    if kind == "sqlite":
        raise UserError(f"{source} ist eine SQLite-Datenbank, DATABASE_URL nennt aber PostgreSQL.")
    if kind != "pg_dump":
        raise UserError(
            f"{source} ist keine Sicherung von `funding-matcher backup` (pg_dump-Format)."
        )
    program = find_pg_restore()
    if program is not None:
        result = subprocess.run(
            [program, "--list", str(source)], capture_output=True, text=True, check=False
        )
        if result.returncode != 0:
            reason = (result.stderr.strip().splitlines() or ["unbekannter Fehler"])[-1]
            raise UserError(f"Die Sicherung {source} ist nicht lesbar (pg_restore: {reason}).")
    return BackupInfo(source, "pg_dump")


def find_pg_restore() -> str | None:
    """pg_restore beside the pg_dump that `backup` uses (the same version)."""
    pg_dump = find_pg_dump()
    if pg_dump is None:
        return None
    program = Path(pg_dump).with_name("pg_restore")
    return str(program) if program.exists() else shutil.which("pg_restore")


def pg_restore_commands(url: URL, source: Path, moment: datetime) -> tuple[str, list[str]]:
    """The new database's name and the shell commands that restore `source` into it.

    Into a new database rather than `pg_restore --clean` into the configured one: the old
    database stays as it was (PostgreSQL's counterpart of the SQLite side copy), nothing is
    dropped under a process that still works in it, and no table a later migration added is
    left beside the restored ones. Switching DATABASE_URL is the administrator's step.
    """
    database = f"{url.database}_wiederhergestellt_{moment:%Y%m%d}"
    connection = [
        f"--{flag}={value}"
        for flag, value in (("host", url.host), ("port", url.port), ("username", url.username))
        if value
    ]
    return database, [
        shlex.join(["createdb", *connection, database]),
        shlex.join(
            ["pg_restore", "--no-owner", *connection, f"--dbname={database}", str(source.resolve())]
        ),
    ]
