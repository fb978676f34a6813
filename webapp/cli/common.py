"""Shared pieces of the CLI: the application context and the handling of user errors."""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

import click
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from matcher.strategy import StrategyError
from scrapers.record import ParseError
from webapp.config import Config, ConfigError
from webapp.db import make_engine, make_session_factory
from webapp.errors import UserError

F = TypeVar("F", bound=Callable[..., Any])


@dataclass
class AppContext:
    """Configuration plus a lazily created engine and session factory."""

    config: Config
    _engine: Engine | None = field(default=None, repr=False)
    _factory: sessionmaker[Session] | None = field(default=None, repr=False)

    @classmethod
    def from_env(cls) -> AppContext:
        """Read the configuration from the environment."""
        try:
            return cls(Config.from_env())
        except ConfigError as exc:
            raise click.ClickException(str(exc)) from None

    @property
    def engine(self) -> Engine:
        if self._engine is None:
            self._engine = make_engine(self.config.database_url)
        return self._engine

    @property
    def sessions(self) -> sessionmaker[Session]:
        if self._factory is None:
            self._factory = make_session_factory(self.engine)
        return self._factory


pass_app = click.make_pass_decorator(AppContext)


def user_errors(func: F) -> F:
    """Turn the project's user-facing errors into a clean message and exit status 1."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except (UserError, ConfigError, StrategyError, ParseError) as exc:
            raise click.ClickException(str(exc)) from None

    return wrapper  # type: ignore[return-value]
