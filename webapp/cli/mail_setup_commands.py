"""`mail test|refusals|retry`: try the mail settings, see and release refused addresses."""

from __future__ import annotations

import socket
from collections.abc import Callable
from contextlib import AbstractContextManager

import click
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from webapp.cli.common import AppContext, aligned_lines, pass_app, user_errors
from webapp.cli.errors import CliError
from webapp.cli.german import GermanGroup
from webapp.config import plausible_email, with_origin
from webapp.db import transaction
from webapp.errors import UserError
from webapp.formatting import format_datetime
from webapp.mail.outbox import normalise_address, refusals_by_address, retry_refused
from webapp.mail.testmail import send_test_mail
from webapp.models import utcnow
from webapp.users import all_users


@click.group(cls=GermanGroup)
def mail() -> None:
    """Mail-Einstellungen ausprobieren, abgelehnte Adressen zeigen und wieder freigeben."""


@mail.command("test")
@click.argument("email", metavar="E-MAIL")
@pass_app
@user_errors
def test(app: AppContext, email: str) -> None:
    """Eine kurze Testmail an E-MAIL senden, mit den eingestellten SMTP_*-Werten.

    Status 0, wenn der Mailserver sie angenommen hat, sonst 1 mit dem Grund. Die Testmail
    zählt nicht als Wochenübersicht oder Erinnerung.
    """
    if not plausible_email(email.strip()):
        raise click.BadParameter(f"{email!r} ist keine E-Mail-Adresse.", param_hint="'E-MAIL'")
    if not app.config.base_url_set:
        click.echo(
            "Achtung: BASE_URL ist nicht gesetzt – digest, remind und weekly versenden so nichts.",
            err=True,
        )
    result = send_test_mail(
        app.config,
        email,
        requested_by=f"die Administration mit `funding-matcher mail test` auf "
        f"{socket.gethostname()}",
        session_scope=_database_scope(app),
    )
    if not result.sent:
        raise CliError(with_origin(result.message))
    click.echo(result.message)


def _database_scope(app: AppContext) -> Callable[[], AbstractContextManager[Session]] | None:
    """Transactions on the database, or None before `init` (the test mail needs none)."""
    try:
        app.require_schema()
    except (CliError, UserError, SQLAlchemyError):
        return None
    return lambda: transaction(app.sessions)


@mail.command("refusals")
@pass_app
@user_errors
def refusals(app: AppContext) -> None:
    """Die Adressen zeigen, die der Mailserver endgültig abgelehnt hat und die deshalb
    zurückgehalten werden: seit wann, Antwort des Servers, nächster Versuch."""
    with app.sessions() as session:
        held = sorted(refusals_by_address(session).items())
        logins = {normalise_address(u.email) for u in all_users(session)}
    if not held:
        click.echo("Keine Adresse wird zurückgehalten: der Mailserver hat keine abgelehnt.")
        return
    team = {normalise_address(a) for a in app.config.alert_recipients}
    now = utcnow()
    header = ("E-Mail", "Abgelehnt seit", "Nächster Versuch", "Empfängt als")
    rows = [
        (
            address,
            format_datetime(refusal.refused_at),
            f"ab {format_datetime(refusal.retry_at)}"
            if refusal.retry_at > now
            else "beim nächsten Lauf",
            ", ".join(
                kind
                for kind, found in (("Anmeldung", logins), ("ALERT_RECIPIENTS", team))
                if address in found
            )
            or "–",
        )
        for address, refusal in held
    ]
    head, *lines = aligned_lines(header, rows)
    click.echo(head)
    for line, (_address, refusal) in zip(lines, held, strict=True):
        click.echo(line)
        click.echo(f"    Antwort des Servers: {refusal.error}")
        click.echo(f"    Nicht erhalten: {refusal.subject}")
    click.echo(
        "Ist das Postfach eingerichtet: `funding-matcher mail retry E-MAIL` (oder unter "
        "Benutzer „Erneut zustellen“); ist die Adresse falsch: `funding-matcher user rename` "
        "bzw. ALERT_RECIPIENTS korrigieren."
    )


@mail.command("retry")
@click.argument("email", metavar="E-MAIL")
@pass_app
@user_errors
def retry(app: AppContext, email: str) -> None:
    """Eine abgelehnte Adresse E-MAIL wieder freigeben: der nächste Lauf stellt ihr die
    Übersicht der Woche und fällige Erinnerungen zu (wie „Erneut zustellen“ unter Benutzer)."""
    with transaction(app.sessions) as session:
        done = retry_refused(session, email)
        others = sorted(refusals_by_address(session))
    # Told after the commit: a failed commit must not read as done.
    if done is not None:
        click.echo(done)
        return
    line = f"{normalise_address(email)} wird nicht zurückgehalten – unverändert."
    if others:
        line += f" Zurückgehalten werden: {', '.join(others)}."
    click.echo(line)


COMMANDS = [mail]
