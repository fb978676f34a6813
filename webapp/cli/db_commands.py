"""`init`, `backup` and `strategy show|load`: the database, its copies and its strategy."""

from __future__ import annotations

from pathlib import Path

import click

from matcher.strategy import Strategy, load_strategy
from webapp.backup import backup_database
from webapp.cli.common import AppContext, pass_app, user_errors
from webapp.db import transaction
from webapp.formatting import format_count
from webapp.migrate import current_revision, head_revision, upgrade
from webapp.strategy_store import LoadReport, load_into_db


@click.command()
@click.option(
    "--no-strategy", is_flag=True, help="Nur die Datenbank anlegen, keine Strategie laden."
)
@pass_app
@user_errors
def init(app: AppContext, no_strategy: bool) -> None:
    """Datenbank anlegen oder migrieren und die konfigurierte Strategie (STRATEGY_PATH) laden."""
    # Check the strategy first: a broken file must not leave a new, empty database behind.
    parsed = None if no_strategy else load_strategy(app.config.strategy_path)
    app.create_database = True
    before = current_revision(app.engine)
    upgrade(app.engine)
    after = current_revision(app.engine)
    if before is None:
        click.echo(f"Datenbank angelegt (Schema {after}).")
    elif before != after:
        click.echo(f"Datenbank migriert: {before} → {after}.")
    else:
        click.echo(f"Datenbank ist aktuell (Schema {after}).")
    if parsed is not None:
        _load(app, parsed)


@click.command()
@click.argument("file", type=click.Path(path_type=Path))
@click.option("--force", is_flag=True, help="Eine vorhandene Datei FILE überschreiben.")
@pass_app
@user_errors
def backup(app: AppContext, file: Path, force: bool) -> None:
    """Die Datenbank nach FILE sichern, auch während Weboberfläche und Wochenlauf arbeiten.

    SQLite: eine vollständige Datenbankdatei (zum Wiederherstellen an die Stelle der alten
    kopieren); PostgreSQL: eine Datei von pg_dump (mit pg_restore einspielen).
    """
    report = backup_database(app.engine, file, overwrite=force)
    kind = "SQLite-Datei" if report.tool == "sqlite" else "pg_dump-Datei (für pg_restore)"
    click.echo(
        f"Gesichert nach {report.target}: {kind}, {report.size_bytes / 1e6:.1f} MB, "
        f"{format_count(report.calls)} Aufrufe, Schema {report.revision or '–'}."
    )


@click.group()
def strategy() -> None:
    """Strategie prüfen, anzeigen und laden."""


@strategy.command("show")
@click.argument("file", required=False, type=click.Path(path_type=Path))
@pass_app
@user_errors
def strategy_show(app: AppContext, file: Path | None) -> None:
    """Strategiedatei prüfen und als Baum ausgeben (Standard: STRATEGY_PATH)."""
    click.echo(render_tree(load_strategy(file or app.config.strategy_path)))


@strategy.command("load")
@click.argument("file", required=False, type=click.Path(path_type=Path))
@pass_app
@user_errors
def strategy_load(app: AppContext, file: Path | None) -> None:
    """Strategiedatei prüfen und in die Datenbank laden (Standard: STRATEGY_PATH).

    Bewertungen und bearbeitete Texte bleiben erhalten; Projekte, die in der Datei fehlen,
    werden deaktiviert, nicht gelöscht.
    """
    parsed = load_strategy(file or app.config.strategy_path)
    app.create_database = True
    _ensure_schema(app)
    _load(app, parsed)


def _ensure_schema(app: AppContext) -> None:
    if current_revision(app.engine) != head_revision():
        upgrade(app.engine)


def _load(app: AppContext, parsed: Strategy) -> None:
    with transaction(app.sessions) as session:
        report = load_into_db(session, parsed)
    click.echo(describe_load(report))


def describe_load(report: LoadReport) -> str:
    """One German line saying what a strategy load did."""
    verb = "geladen" if report.created else "aktualisiert"
    line = (
        f"Strategie '{report.strategy_key}' {verb}: {report.themes} Themenfelder, "
        f"{report.goals} Ziele, {report.projects} Projekte."
    )
    if report.deactivated:
        line += f" Nicht mehr enthalten (deaktiviert): {', '.join(report.deactivated)}."
    if report.replaced:
        # Loading another county's file replaces the one in use (e.g. the bundled strategy
        # that `init` loaded without STRATEGY_PATH): said, so it is no surprise in the UI.
        names = ", ".join(f"'{key}'" for key in report.replaced)
        line += (
            f" Sie ersetzt die bisher aktive Strategie {names} "
            "(deren Bewertungen und Texte bleiben gespeichert)."
        )
    return line


def render_tree(strategy: Strategy) -> str:
    """Themes with priority, their goals and projects as an indented tree."""
    lines = [f"{strategy.name} ({strategy.id})"]
    if strategy.region:
        lines.append(f"Region: {strategy.region}")
    for t_index, theme in enumerate(strategy.themes):
        last_theme = t_index == len(strategy.themes) - 1
        lines.append(
            f"{'└─' if last_theme else '├─'} {theme.name} [{theme.id}] – Priorität {theme.priority}"
        )
        indent = "   " if last_theme else "│  "
        children = [f"Ziel {g.id}: {g.text}" for g in theme.goals] + [
            f"Projekt {p.id}: {p.title} (Ziele: {', '.join(p.goal_ids) or '–'})"
            for p in strategy.projects
            if p.theme_id == theme.id
        ]
        for c_index, child in enumerate(children):
            branch = "└─" if c_index == len(children) - 1 else "├─"
            lines.append(f"{indent}{branch} {child}")
    return "\n".join(lines)


COMMANDS = [init, backup, strategy]
