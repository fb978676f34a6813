"""Create or upgrade the database schema with Alembic."""

from __future__ import annotations

import functools
from pathlib import Path

from alembic import command
from alembic.config import Config as AlembicConfig
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine

from webapp.errors import UserError

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"


def alembic_config() -> AlembicConfig:
    """An Alembic configuration pointing at the bundled migrations."""
    cfg = AlembicConfig()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    return cfg


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Bring the schema to `revision` (default: the newest)."""
    cfg = alembic_config()
    with engine.begin() as connection:
        cfg.attributes["connection"] = connection
        command.upgrade(cfg, revision)


def downgrade(engine: Engine, revision: str) -> None:
    """Take the schema back to `revision` (for the migration tests: each must undo cleanly)."""
    cfg = alembic_config()
    with engine.begin() as connection:
        cfg.attributes["connection"] = connection
        command.downgrade(cfg, revision)


def current_revision(engine: Engine) -> str | None:
    """The revision the database is at, or None for an empty database."""
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


@functools.cache
def _scripts() -> ScriptDirectory:
    # Parsing the migration files takes a while; they do not change while the process runs.
    return ScriptDirectory.from_config(alembic_config())


def head_revision() -> str | None:
    """The newest revision of the bundled migrations."""
    return _scripts().get_current_head()


@functools.cache
def _known_revisions() -> frozenset[str]:
    return frozenset(script.revision for script in _scripts().walk_revisions())


def is_known_revision(revision: str) -> bool:
    """Whether `revision` is one of the bundled migrations (else a newer version wrote it)."""
    return revision in _known_revisions()


def schema_problem(engine: Engine) -> str | None:
    """Why the code cannot work on this database (German, one line), or None when its schema
    is the code's: the one check every command and the web app use (one query)."""
    revision, head = current_revision(engine), head_revision()
    if revision == head:
        return None
    if revision is None:
        return "Die Datenbank ist noch nicht angelegt: zuerst `funding-matcher init` ausführen."
    if revision in _known_revisions():
        return (
            f"Die Datenbank ist auf Schema {revision}, erwartet wird {head}: "
            "`funding-matcher init` migriert sie."
        )
    # Migrated by a newer version (the code was downgraded): `init` cannot go back.
    if head is None or revision > head:
        where = f" und damit neuer als dieser Stand des Programms (Schema {head})"
    else:
        where = f", das dieser Stand des Programms (Schema {head}) nicht kennt"
    return (
        f"Die Datenbank ist auf Schema {revision}{where}: die Version installieren, die sie "
        "migriert hat, oder die Sicherung von vor der Migration einspielen "
        "(`funding-matcher init` kann ein Schema nicht zurückführen)."
    )


def require_upgradable(engine: Engine) -> None:
    """Refuse (UserError) a database that `upgrade` cannot bring to the head: one migrated
    by a newer version of the code; an empty or an older one passes."""
    revision = current_revision(engine)
    if revision is not None and revision not in _known_revisions():
        raise UserError(schema_problem(engine) or revision)
