"""`match`: (re)compute matches for all open calls."""

from __future__ import annotations

import time

import click

from webapp.cli.common import AppContext, pass_app, user_errors
from webapp.cli.german import GermanCommand
from webapp.db import transaction
from webapp.formatting import format_counted, format_number
from webapp.matching import run_match
from webapp.saved_model import model_file


@click.command(cls=GermanCommand)
@pass_app
@user_errors
def match(app: AppContext) -> None:
    """Passung aller offenen Aufrufe zu den Projekten der Strategie berechnen."""
    # The saved model is signed with SECRET_KEY: one signed with the public development key
    # would be refused by the web app (and could be forged), so production needs its own.
    app.config.check_production()
    started = time.perf_counter()
    with transaction(app.sessions) as session:
        report = run_match(session, model_file=model_file(app.config))
    # calls open only to a project's partners are named only where a strategy has them
    partner = f"{report.partner} über Projektpartner, " if report.partner else ""
    click.echo(
        f"{format_counted(report.calls, 'offener Aufruf', 'offene Aufrufe')} bewertet, "
        f"{report.matches} Projekt-Treffer gespeichert "
        f"({report.eligible} antragsberechtigt, {partner}{report.ineligible} nicht, "
        f"{report.unknown} unklar) in {format_number(time.perf_counter() - started, 1)} s."
    )
    if report.model_path is not None:
        click.echo(
            f"Modell für von Hand angelegte Aufrufe gespeichert: {report.model_path} "
            f"({format_number(report.model_bytes / 1e6, 1)} MB)."
        )
    elif report.model_error:
        click.echo(f"Warnung: {report.model_error}", err=True)


COMMANDS = [match]
