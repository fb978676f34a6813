"""`check`: validate the strategy, the source list and the settings without the database."""

from __future__ import annotations

import os
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
from webapp.config import ConfigError, database_url_problem, mail_problems, with_origin
from webapp.errors import UserError
from webapp.formatting import format_counted
from webapp.mail.settings import MailSettings
from webapp.mail.testmail import server_label
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
@click.option(
    "--mail",
    "check_mail",
    is_flag=True,
    help="Auch die Mail-Einstellungen prüfen, ohne zu senden (ohnehin, wenn SMTP_HOST "
    "gesetzt ist).",
)
@pass_app
def check(
    app: AppContext, strategy_file: Path | None, sources_file: Path | None, check_mail: bool
) -> None:
    """Strategie, Quellenliste und Einstellungen prüfen, ohne die Datenbank anzufassen.

    Nennt jeden Fehler mit Datei, Zeile und Feld bzw. mit der Umgebungsvariable; Status 0,
    wenn alles in Ordnung ist, sonst 1 (etwa vor `init`, `strategy load` oder dem nächsten
    Wochenlauf).
    """
    strategy_ok = _report(lambda: _check_strategy(app, strategy_file))
    sources_ok = _report(lambda: _check_sources(app, sources_file))
    settings_ok = _check_settings(app, check_mail or "SMTP_HOST" in os.environ)
    if not (strategy_ok and sources_ok):
        failed = (not strategy_ok) + (not sources_ok)
        click.echo(f"{format_counted(failed, 'Datei', 'Dateien')} mit Fehlern.", err=True)
    if not settings_ok:
        click.echo("Einstellungen mit Fehlern.", err=True)
    if not (strategy_ok and sources_ok and settings_ok):
        click.get_current_context().exit(1)


def _check_settings(app: AppContext, mail: bool) -> bool:
    """Every unusable setting (and with `mail` the mail settings) with its variable.

    The validation is that of the commands themselves (`Config.from_env`, DATABASE_URL,
    `Config.check_production`, `MailSettings.from_env`) plus `mail_problems` for what only
    fails at the mail server.
    """
    env = dict(os.environ)  # .env was read into it when the configuration was
    problems = list(app.config_problems)
    # What every command that opens the database, and `serve`, `match` and `weekly`, refuse:
    # `check` passed them, and the next command failed on them.
    database = database_url_problem(app.config.database_url)
    if database is not None:
        problems.append(database)
    try:
        app.config.check_production()
    except ConfigError as exc:
        problems.append(str(exc))
    hints: list[str] = []
    if mail:
        MailSettings.from_env(env, problems=problems)
        found = mail_problems(env, app.config)
        problems += found.problems
        hints = found.hints
    if problems:
        click.echo(
            f"{ERROR_PREFIX}Einstellungen: {format_counted(len(problems), 'Fehler', 'Fehler')}",
            err=True,
        )
        for problem in problems:
            click.echo(f"  - {with_origin(problem)}", err=True)
    elif mail:
        config = app.config
        team = format_counted(len(config.alert_recipients), "Team-Adresse", "Team-Adressen")
        click.echo(
            f"Mail-Einstellungen: in Ordnung – Server {server_label(config)}, Absender "
            f"{config.mail_from}, {team}, Links auf {config.base_url}/ (nichts gesendet; "
            "`funding-matcher mail test E-MAIL` sendet eine Testmail)."
        )
    for hint in hints:
        click.echo(f"Hinweis: {with_origin(hint)}")
    return not problems


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
