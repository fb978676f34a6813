"""Shared pieces of the CLI: the application context and the handling of user errors."""

from __future__ import annotations

import functools
import math
import re
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, TypeVar

import click
from sqlalchemy import Engine
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, NoSuchModuleError, OperationalError, ProgrammingError
from sqlalchemy.orm import Session, sessionmaker

from matcher.strategy import StrategyError
from scrapers.record import ParseError
from webapp.cli.errors import CliError, describe_range
from webapp.config import (
    Config,
    ConfigError,
    database_url_problem,
    hide_url_password,
    with_origin,
)
from webapp.db import make_engine, make_session_factory
from webapp.errors import UserError
from webapp.migrate import schema_problem

F = TypeVar("F", bound=Callable[..., Any])
_MISSING_TABLE = re.compile(r"no such table|relation .* does not exist", re.I)


def make_url_safe(url: str) -> str:
    """The database URL without its password (for messages); '' if it cannot be read."""
    try:
        return make_url(url).render_as_string(hide_password=True) if url else ""
    except ArgumentError:
        return ""


@dataclass
class AppContext:
    """Configuration plus a lazily created engine and session factory."""

    config: Config
    # Only `init` and `strategy load` may create a missing SQLite file: any other command
    # run with a mistyped DATABASE_URL or INSTANCE_PATH would leave an empty database behind.
    create_database: bool = False
    # Settings that could not be used, each replaced by its default (`check` only: every
    # other command stops at the first one).
    config_problems: list[str] = field(default_factory=list)
    _engine: Engine | None = field(default=None, repr=False)
    _factory: sessionmaker[Session] | None = field(default=None, repr=False)
    _schema_checked: bool = field(default=False, repr=False)

    @classmethod
    def from_env(cls, *, collect_problems: bool = False) -> AppContext:
        """Read the configuration from the environment.

        `collect_problems`: a value that cannot be used is noted in `config_problems`
        instead of ending the command, so `check` can name every one.
        """
        problems: list[str] | None = [] if collect_problems else None
        try:
            config = Config.from_env(problems=problems)
        except ConfigError as exc:
            raise CliError(with_origin(str(exc))) from None
        return cls(config, config_problems=problems or [])

    @property
    def engine(self) -> Engine:
        if self._engine is None:
            self._engine = self._make_engine()
        return self._engine

    def _make_engine(self) -> Engine:
        # The value (without its password) and, when it came from there, the .env file:
        # the operator sees what was read and where to correct it.
        problem = database_url_problem(self.config.database_url)
        if problem is not None:
            raise CliError(with_origin(problem))
        url = make_url(self.config.database_url)
        database = url.database if url.get_backend_name() == "sqlite" else None
        path = Path(database) if database and database != ":memory:" else None
        if path is not None and not path.exists() and not self.create_database:
            raise CliError(
                f"Die Datenbank {path} gibt es nicht: zuerst `funding-matcher init` ausführen "
                "(oder DATABASE_URL bzw. INSTANCE_PATH prüfen)."
            )
        try:
            return make_engine(self.config.database_url)
        except (ArgumentError, NoSuchModuleError, ImportError, ValueError) as exc:
            shown = hide_url_password(self.config.database_url)
            raise CliError(
                with_origin(f"DATABASE_URL {shown!r} ist nicht nutzbar: {exc}")
            ) from None
        except OSError as exc:
            folder = path.parent if path is not None else self.config.instance_dir
            raise CliError(
                f"Der Ordner {folder} für die Datenbank kann nicht angelegt werden "
                f"({exc.strerror}): INSTANCE_PATH bzw. DATABASE_URL prüfen."
            ) from None

    def close(self) -> None:
        """Close the database connections: the last one to an SQLite file folds the
        write-ahead log into it and removes `-wal` and `-shm` (see `restore`)."""
        if self._engine is not None:
            self._engine.dispose()

    def require_schema(self) -> None:
        """Stop with one German line unless the database's schema is the code's (after an
        upgrade without `init`, a command failed on the first new column with an SQL error)."""
        if not self._schema_checked:
            problem = schema_problem(self.engine)
            if problem is not None:
                raise CliError(problem)
            self._schema_checked = True

    @property
    def sessions(self) -> sessionmaker[Session]:
        """Sessions on a database whose schema is the code's (else the command stops);
        `init`, `backup` and `strategy load` use `engine` on an older one."""
        if self._factory is None:
            self.require_schema()
            self._factory = make_session_factory(self.engine)
        return self._factory


pass_app = click.make_pass_decorator(AppContext)


class IsoDate(click.ParamType):
    """A day written JJJJ-MM-TT, read as a datetime; a German message for anything else."""

    name = "JJJJ-MM-TT"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        if isinstance(value, datetime):
            return value
        try:
            return datetime.strptime(str(value).strip(), "%Y-%m-%d")
        except ValueError:
            self.fail(
                f"{value!r} ist kein Datum der Form JJJJ-MM-TT (z. B. 2027-03-31).", param, ctx
            )


ISO_DATE = IsoDate()


class FiniteFloatRange(click.FloatRange):
    """click's FloatRange without 'nan' and 'inf', which Python's float() reads as numbers.

    click compares the value with the bounds, and every comparison with nan is false, so
    `--wait nan` passed a range check and `--wait inf` passed a lower bound.
    """

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        number = super().convert(value, param, ctx)
        if not math.isfinite(number):
            self.fail(
                f"{value!r} ist keine Zahl im erlaubten Bereich ({describe_range(self)}).",
                param,
                ctx,
            )
        return number


def user_errors(func: F) -> F:
    """Turn the project's user-facing errors into a clean message and exit status 1."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except ConfigError as exc:
            raise CliError(with_origin(str(exc))) from None
        except (UserError, StrategyError, ParseError) as exc:
            raise CliError(str(exc)) from None
        except (OperationalError, ProgrammingError) as exc:
            reason = (str(exc.orig) or str(exc)).strip().splitlines()[0]
            if _MISSING_TABLE.search(reason):
                raise CliError(
                    f"Die Datenbank ist noch nicht eingerichtet ({reason}). "
                    "Bitte zuerst `funding-matcher init` ausführen."
                ) from None
            if isinstance(exc, ProgrammingError):
                raise  # a bug, not an operating problem: keep the traceback
            # Server down, wrong password, disk full, a lock held too long: the operator's
            # problem to fix, said in one line (never with the password) instead of a traceback.
            app = next((a for a in args if isinstance(a, AppContext)), None)
            url = make_url_safe(app.config.database_url) if app else ""
            where = f" ({url})" if url else ""
            raise CliError(f"Datenbankfehler{where}: {reason}") from None

    return wrapper  # type: ignore[return-value]


def read_line(label: str, *, hide_input: bool = False) -> str:
    """One answer from the terminal; from a pipe (a script), one line as it is."""
    if sys.stdin.isatty():
        return str(click.prompt(label, hide_input=hide_input))
    # Without a terminal there is no echo to hide: getpass would warn in English (with a
    # Python path), or read the controlling terminal instead of what the script pipes in.
    click.echo(f"{label}: ", nl=False, err=True)
    line = sys.stdin.readline()
    click.echo(err=True)
    if not line:
        raise click.Abort()
    return line.rstrip("\r\n")


def aligned_lines(header: tuple[str, ...], rows: Sequence[tuple[str, ...]]) -> list[str]:
    """The header and each row as left-aligned columns two spaces apart (header first)."""
    widths = [max(len(row[i]) for row in [header, *rows]) for i in range(len(header))]
    return [
        "  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip()
        for row in [header, *rows]
    ]
