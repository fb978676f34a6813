"""`check`: validate the strategy and the source list without touching the database."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from matcher.strategy import StrategyError, load_strategy
from scrapers.sources import SourceConfigError, load_sources
from webapp.cli.common import AppContext, pass_app
from webapp.cli.db_commands import configured_strategy, missing_state_hint
from webapp.cli.errors import ERROR_PREFIX
from webapp.cli.german import GermanCommand
from webapp.errors import UserError
from webapp.formatting import format_counted
from webapp.scraping import load_configured_sources

F = TypeVar("F", bound=Callable[..., Any])


def _file_option(name: str, what: str, variable: str) -> Callable[[F], F]:
    """--strategy / --sources: the file to check instead of the configured one."""
    return click.option(
        f"--{name}",
        f"{name}_file",
        metavar="DATEI",
        type=click.Path(path_type=Path),
        help=f"Diese {what} prüfen (Standard: {variable}).",
    )


@click.command("check", cls=GermanCommand)
@_file_option("strategy", "Strategiedatei", "STRATEGY_PATH")
@_file_option("sources", "Quellenliste", "SOURCES_PATH")
@pass_app
def check(app: AppContext, strategy_file: Path | None, sources_file: Path | None) -> None:
    """Strategie und Quellenliste prüfen, ohne die Datenbank anzufassen.

    Nennt jeden Fehler mit Datei, Zeile und Feld; Status 0, wenn beide in Ordnung sind,
    sonst 1 (etwa vor `init`, `strategy load` oder dem nächsten Wochenlauf).
    """
    strategy_ok = _report(lambda: _check_strategy(app, strategy_file))
    sources_ok = _report(lambda: _check_sources(app, sources_file))
    if not (strategy_ok and sources_ok):
        failed = (not strategy_ok) + (not sources_ok)
        click.echo(f"{format_counted(failed, 'Datei', 'Dateien')} mit Fehlern.", err=True)
        click.get_current_context().exit(1)


def _report(checker: Callable[[], list[str]]) -> bool:
    """Run one check: its lines on stdout, or its error as "Fehler: …" on stderr."""
    try:
        lines = checker()
    except (StrategyError, SourceConfigError, UserError) as exc:
        click.echo(f"{ERROR_PREFIX}{exc}", err=True)
        return False
    for line in lines:
        click.echo(line)
    return True


def _check_strategy(app: AppContext, file: Path | None) -> list[str]:
    # The same validation as `strategy show` and `strategy load` (matcher.strategy).
    parsed = load_strategy(file) if file else configured_strategy(app)
    path = file or app.config.strategy_path
    lines = [
        f"Strategie {path}: in Ordnung – „{parsed.name}“ ({parsed.id}), "
        f"{format_counted(len(parsed.themes), 'Themenfeld', 'Themenfelder')}, "
        f"{format_counted(sum(len(t.goals) for t in parsed.themes), 'Ziel', 'Ziele')}, "
        f"{format_counted(len(parsed.projects), 'Projekt', 'Projekte')}."
    ]
    hint = missing_state_hint(parsed.region_profile)
    return [*lines, hint] if hint else lines


def _check_sources(app: AppContext, file: Path | None) -> list[str]:
    # The same validation as every `scrape` run (scrapers.sources).
    sources = load_sources(file) if file else load_configured_sources(app.config)
    path = file or app.config.sources_path
    active = sum(1 for s in sources if s.enabled)
    return [
        f"Quellenliste {path}: in Ordnung – {format_counted(len(sources), 'Quelle', 'Quellen')}"
        f", davon {active} aktiv."
    ]


COMMANDS = [check]
