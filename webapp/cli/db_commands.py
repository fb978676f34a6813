"""`init`, `backup`, `restore` and `strategy show|load`: the database, its copies and its
strategy."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import click
from sqlalchemy import select
from sqlalchemy.engine import URL, make_url

from matcher.states import fold_place
from matcher.strategy import GERMANY, RegionProfile, Strategy, StrategyError, load_strategy
from webapp.backup import backup_database
from webapp.cli.common import AppContext, pass_app, read_line, user_errors
from webapp.cli.german import GermanCommand, GermanGroup
from webapp.config import DEFAULT_STRATEGY, database_url_problem, path_origin, with_origin
from webapp.db import transaction
from webapp.errors import UserError
from webapp.formatting import format_count, format_counted, format_number
from webapp.matching import replaced_strategy_in_matches
from webapp.migrate import current_revision, head_revision, require_upgradable, upgrade
from webapp.models import CallScore
from webapp.restore import (
    BackupInfo,
    check_pg_dump,
    check_sqlite_backup,
    pg_restore_commands,
    restore_sqlite,
    side_copy_path,
    sqlite_database_path,
)
from webapp.strategy_store import LoadReport, load_into_db


@click.command(cls=GermanCommand)
@click.option(
    "--no-strategy", is_flag=True, help="Nur die Datenbank anlegen, keine Strategie laden."
)
@pass_app
@user_errors
def init(app: AppContext, no_strategy: bool) -> None:
    """Datenbank anlegen oder migrieren und die konfigurierte Strategie (STRATEGY_PATH) laden."""
    # Check the strategy first: a broken file must not leave a new, empty database behind.
    parsed = None if no_strategy else configured_strategy(app)
    app.create_database = True
    require_upgradable(app.engine)
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


@click.command(cls=GermanCommand)
@click.argument("file", metavar="DATEI", type=click.Path(path_type=Path))
@click.option("--force", is_flag=True, help="Eine vorhandene DATEI überschreiben.")
@pass_app
@user_errors
def backup(app: AppContext, file: Path, force: bool) -> None:
    """Die Datenbank nach DATEI sichern, auch während Weboberfläche und Wochenlauf arbeiten.

    SQLite: eine vollständige Datenbankdatei; PostgreSQL: eine Datei von pg_dump. Einspielen
    mit `funding-matcher restore DATEI` (nicht von Hand über die Datenbank kopieren).
    """
    report = backup_database(app.engine, file, overwrite=force)
    kind = "SQLite-Datei" if report.tool == "sqlite" else "pg_dump-Datei (für pg_restore)"
    click.echo(
        f"Gesichert nach {report.target}: {kind}, {format_number(report.size_bytes / 1e6, 1)} MB, "
        f"{format_counted(report.calls, 'Aufruf', 'Aufrufe')}, Schema {report.revision or '–'}."
    )


@click.command(cls=GermanCommand)
@click.argument("file", metavar="DATEI", type=click.Path(path_type=Path))
@click.option("--yes", is_flag=True, help="Ohne Rückfrage ersetzen (für Skripte).")
@pass_app
@user_errors
def restore(app: AppContext, file: Path, yes: bool) -> None:
    """Eine Sicherung von `backup` einspielen (vorher `serve` und den Wochenlauf anhalten).

    SQLite: prüft die Sicherung, lehnt ab, solange die Datenbank benutzt wird, legt die
    bisherige Datenbank mit Zeitstempel daneben und ersetzt sie. PostgreSQL: prüft die Datei
    und nennt die Befehle, die sie in eine neue Datenbank einspielen.
    """
    problem = database_url_problem(app.config.database_url)
    if problem is not None:
        raise UserError(with_origin(problem))
    url = make_url(app.config.database_url)
    moment = datetime.now()
    if url.get_backend_name() == "postgresql":
        _print_pg_restore(url, check_pg_dump(file), moment)
        return
    target = sqlite_database_path(url)
    backup = check_sqlite_backup(file, target)
    side = side_copy_path(target, moment)
    described = (
        f"Sicherung {backup.path}: in Ordnung – Schema {backup.revision}, "
        f"{format_counted(backup.calls or 0, 'Aufruf', 'Aufrufe')}."
    )
    click.echo(described)
    if target.exists() and not yes:
        click.echo(f"Sie ersetzt die Datenbank {target}; die bisherige bleibt als {side} erhalten.")
        answer = read_line("Jetzt ersetzen? (ja/nein)")
        if answer.strip().lower() not in ("j", "ja", "y", "yes"):
            raise UserError("Nicht bestätigt: nichts geändert.")
    report = restore_sqlite(backup, target, side)
    done = f"Wiederhergestellt: {target} aus {backup.path}."
    if report.replaced is not None:
        done += f" Die bisherige Datenbank liegt als {report.replaced} daneben."
    click.echo(done)
    if backup.needs_init:
        step = (
            f"`funding-matcher init` (migriert Schema {backup.revision} auf "
            f"{head_revision()}), dann `funding-matcher match`"
        )
    else:
        step = "`funding-matcher match` (baut das gespeicherte Modell neu)"
    click.echo(
        f"Als Nächstes: {step}, dann `serve` und den Wochenlauf wieder starten. Wer seit "
        "der Sicherung mit `user forget` gelöscht wurde, ist wieder da: dort erneut löschen."
    )


def _print_pg_restore(url: URL, backup: BackupInfo, moment: datetime) -> None:
    """The commands that restore a pg_dump file (see `pg_restore_commands` for why they
    are printed, not run)."""
    database, commands = pg_restore_commands(url, backup.path, moment)
    new_url = url.set(database=database).render_as_string(hide_password=True)
    click.echo(
        f"Sicherung {backup.path}: pg_dump-Datei, lesbar. funding-matcher spielt sie bei "
        "PostgreSQL nicht selbst ein (nichts geändert); so kommt sie in eine neue "
        "Datenbank, und die bisherige bleibt unberührt:"
    )
    click.echo("  1. `serve` und den Wochenlauf anhalten")
    for number, command in enumerate(commands, start=2):
        click.echo(f"  {number}. {command}")
    origin = with_origin("DATABASE_URL")
    where = origin.removeprefix("DATABASE_URL").strip() or "(in der Umgebung)"
    click.echo(
        f"  4. DATABASE_URL auf {new_url} umstellen {where}, "
        "`funding-matcher init` und `funding-matcher match` ausführen, dann `serve` und den "
        "Wochenlauf wieder starten"
    )
    click.echo(
        f"Das Passwort ist das aus DATABASE_URL (PGPASSWORD setzen oder eingeben); createdb "
        f"braucht das Recht, Datenbanken anzulegen. Die bisherige Datenbank {url.database} "
        "später mit `dropdb` löschen."
    )


@click.group(cls=GermanGroup)
def strategy() -> None:
    """Strategie prüfen, anzeigen und laden."""


@strategy.command("show")
@click.argument("file", metavar="DATEI", required=False, type=click.Path(path_type=Path))
@pass_app
@user_errors
def strategy_show(app: AppContext, file: Path | None) -> None:
    """Strategiedatei prüfen und als Baum ausgeben (Standard: STRATEGY_PATH)."""
    click.echo(render_tree(load_strategy(file) if file else configured_strategy(app)))


@strategy.command("load")
@click.argument("file", metavar="DATEI", required=False, type=click.Path(path_type=Path))
@pass_app
@user_errors
def strategy_load(app: AppContext, file: Path | None) -> None:
    """Strategiedatei prüfen und in die Datenbank laden (Standard: STRATEGY_PATH).

    Bewertungen und bearbeitete Texte bleiben erhalten; Projekte, die in der Datei fehlen,
    werden deaktiviert, nicht gelöscht.
    """
    parsed = load_strategy(file) if file else configured_strategy(app)
    app.create_database = True
    _ensure_schema(app)
    _load(app, parsed)


def configured_strategy(app: AppContext) -> Strategy:
    """The strategy STRATEGY_PATH names; a file that is not there says where the path came
    from (see `path_origin`)."""
    path = app.config.strategy_path
    try:
        return load_strategy(path)
    except StrategyError as exc:
        origin = path_origin(path, DEFAULT_STRATEGY, "STRATEGY_PATH")
        if origin is None:
            raise
        raise UserError(with_origin(f"{exc}{origin}")) from None


def _ensure_schema(app: AppContext) -> None:
    if current_revision(app.engine) != head_revision():
        require_upgradable(app.engine)
        upgrade(app.engine)


def _load(app: AppContext, parsed: Strategy) -> None:
    with transaction(app.sessions) as session:
        report = load_into_db(session, parsed)
        stale = replaced_strategy_in_matches(session)
        scored = session.scalar(select(CallScore.call_id).limit(1)) is not None
    click.echo(describe_load(report, stale_from=stale, scored=scored))
    hint = missing_state_hint(parsed.region_profile)
    if hint:
        click.echo(hint)


def describe_load(
    report: LoadReport, *, stale_from: str | None = None, scored: bool = False
) -> str:
    """German lines saying what a strategy load did and whether `match` must run now.

    `stale_from` names the replaced strategy the open calls' matches still belong to;
    `scored` says whether any call has been matched at all (no hint for a new database).
    """
    # "aktualisiert" only when the content differs: `init` on a restored copy or a cron's
    # repeated `strategy load` must not suggest that something changed
    verb = "geladen" if report.created else "aktualisiert" if report.changed else "unverändert"
    line = (
        f"Strategie '{report.strategy_key}' {verb}: "
        f"{format_counted(report.themes, 'Themenfeld', 'Themenfelder')}, "
        f"{format_counted(report.goals, 'Ziel', 'Ziele')}, "
        f"{format_counted(report.projects, 'Projekt', 'Projekte')}."
    )
    if report.deactivated:
        line += f" Nicht mehr enthalten (deaktiviert): {', '.join(report.deactivated)}."
    if report.replaced:
        # Loading another county's file replaces the one in use (e.g. the bundled strategy
        # that `init` loaded without STRATEGY_PATH): said, so it is no surprise in the UI.
        names = ", ".join(f"'{key}'" for key in report.replaced)
        line += (
            f" Sie ersetzt die bisher aktive Strategie {names}. Bewertungen der Aufrufe und "
            "bearbeitete Begründungstexte bleiben erhalten; nennen sie ein Projekt der "
            "früheren Strategie, sagt die Aufrufseite das dazu."
        )
    if stale_from is not None:
        line += (
            f"\nDie Passungen der offenen Aufrufe stammen noch von der Strategie „{stale_from}“: "
            "jetzt `funding-matcher match` ausführen. Bis dahin zeigen Eingang und "
            "Aufrufseiten die früheren Projekte mit einem Hinweis, und die Wochenübersicht "
            "wird nicht versandt."
        )
    elif report.changed and scored:
        line += (
            "\nDie Passungen beruhen auf der vorigen Fassung: jetzt `funding-matcher match` "
            "ausführen (sonst erst beim nächsten Wochenlauf)."
        )
    return line


def region_lines(profile: RegionProfile) -> list[str]:
    """What eligibility goes by: the state, district, county, the applicants and their types."""
    # a value that starts with its label ("Regierungsbezirk Münster") is shown alone, not as
    # "Regierungsbezirk: Regierungsbezirk Münster"
    place = [
        value if value.startswith(f"{label} ") else f"{label}: {value}"
        for label, value in (
            ("Bundesland", profile.state),
            ("Regierungsbezirk", profile.administrative_district),
            ("Kreis", profile.county),
        )
        if value
    ]
    if profile.rural is not None:
        place.append("ländlich" if profile.rural else "nicht ländlich")
    if profile.structurally_weak is not None:
        place.append("strukturschwach" if profile.structurally_weak else "nicht strukturschwach")
    lines = [" · ".join(place)] if place else []
    if profile.applicants:
        named = ", ".join(
            f"{a.name} ({a.type}"
            + (f", {format_count(a.population)} Einwohner)" if a.population else ")")
            for a in profile.applicants
        )
        lines.append(f"Antragsteller ({len(profile.applicants)}): {named}")
    hint = missing_state_hint(profile)
    return [*lines, hint] if hint else lines


def missing_state_hint(profile: RegionProfile) -> str:
    """A warning for a German strategy without a state ("" when it has one)."""
    if profile.state or fold_place(profile.country).strip() not in GERMANY:
        return ""
    return (
        "Hinweis: kein Bundesland angegeben (region_profile.state) – Aufrufe, die nur für "
        "ein Bundesland gelten, werden als nicht antragsberechtigt eingestuft."
    )


def render_tree(strategy: Strategy) -> str:
    """Themes with priority, their goals and projects as an indented tree."""
    lines = [f"{strategy.name} ({strategy.id})"]
    if strategy.region:
        lines.append(f"Region: {strategy.region}")
    lines += region_lines(strategy.region_profile)
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


COMMANDS = [init, backup, restore, strategy]
