"""`digest`, `remind` and `weekly`: the mails and the weekly job cron runs."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date, datetime

import click

from webapp.cli.common import ISO_DATE, AppContext, FiniteFloatRange, pass_app, user_errors
from webapp.cli.errors import CliError
from webapp.cli.german import GermanCommand
from webapp.digest import hold_back_reason, run_digest
from webapp.formatting import format_counted, local_today, run_moment
from webapp.jobs import LockBusy
from webapp.mail.outbox import (
    DeliveryReport,
    OutgoingMail,
    holding_back,
    refusal_reason,
    refusals,
)
from webapp.mail.settings import MailSettings
from webapp.mail.smtp import SmtpTransport, Transport
from webapp.models import utcnow
from webapp.reminders import run_reminders
from webapp.weekly import run_scrape_step, run_weekly

DRY_RUN_HELP = "Mails nur anzeigen (Textteil); nichts wird gesendet oder vermerkt."
TODAY_HELP = "Stichtag statt heute (Wochenübersicht: dessen Kalenderwoche)."
REMIND_TODAY_HELP = "Stichtag statt heute (von ihm aus zählen die Tage bis zur Frist)."


def _today(value: datetime | None) -> date:
    return value.date() if value is not None else local_today()


def _transport(app: AppContext, settings: MailSettings) -> Callable[[], Transport]:
    def factory() -> Transport:
        return SmtpTransport(app.config, settings)

    return factory


def _would_send(mails: int) -> str:
    """ "1 Mail würde versandt", "3 Mails würden versandt" (dry runs)."""
    verb = "würde" if mails == 1 else "würden"
    return f"{format_counted(mails, 'Mail', 'Mails')} {verb} versandt"


def _print_mails(app: AppContext, mails: Sequence[OutgoingMail]) -> str:
    """Print the mails a real run would send; returns what the summary says about them.

    A mail to an address the server refused for good is not sent by a real run before the
    refusal's retry time (webapp/mail/outbox.py): shown as held back, with why and until when.
    """
    if not app.config.base_url_set:
        # A real run refuses (require_base_url); say so before the admin goes live.
        click.echo(
            "Achtung: BASE_URL ist nicht gesetzt – ein echter Lauf versendet so nichts.", err=True
        )
    known, now = refusals(app.sessions), utcnow()
    held: list[str] = []
    for mail in mails:
        click.echo("=" * 78)
        click.echo(f"Von:     {app.config.mail_from}")
        click.echo(f"An:      {mail.recipient}")
        click.echo(f"Betreff: {mail.rendered.subject}")
        refusal = holding_back(known, mail.recipient, now)
        if refusal is not None:
            reason = refusal_reason(refusal)
            click.echo(f"Zurückgehalten, wird nicht versandt: {reason}.")
            held.append(f"{mail.recipient}: {reason}")
            continue
        click.echo("-" * 78)
        click.echo(mail.rendered.text)
    line = _would_send(len(mails) - len(held))
    if held:
        line += f", {len(held)} zurückgehalten ({'; '.join(held)})"
    return line


@click.command(cls=GermanCommand)
@click.option("--dry-run", is_flag=True, help=DRY_RUN_HELP)
@click.option("--today", type=ISO_DATE, help=TODAY_HELP)
@pass_app
@user_errors
def digest(app: AppContext, dry_run: bool, today: datetime | None) -> None:
    """Die wöchentliche Übersicht an alle Empfänger senden (genau einmal pro Woche)."""
    app.require_schema()  # before the mail settings: the first thing to fix
    settings = MailSettings.from_env()
    day = _today(today)
    try:
        run = run_digest(
            app.sessions,
            app.config,
            settings,
            today=day,
            now=run_moment(day),
            transport_factory=None if dry_run else _transport(app, settings),
        )
    except LockBusy as exc:
        raise CliError(f"{exc} Später erneut versuchen.") from None
    key = run.digest.period_key
    reason = hold_back_reason(run.digest)
    if dry_run and reason is not None:
        click.echo(f"Achtung: {reason}", err=True)
    if run.skipped_empty:
        click.echo(
            f"Wochenübersicht {key}: alle Abschnitte leer, keine Mail verschickt "
            "(DIGEST_SEND_EMPTY=1 sendet auch leere Übersichten)."
        )
        return
    if not run.recipients:
        click.echo(
            "Keine Empfänger: weder Nutzer mit abonnierter Übersicht noch ALERT_RECIPIENTS.",
            err=True,
        )
    if dry_run:
        mails = run.mails
        if not mails and not run.recipients:
            # Still show what the digest would say, so it can be checked before go-live.
            from webapp.digest import DIGEST_KIND, render_digest

            rendered = render_digest(run.digest, app.config)
            mails = [OutgoingMail(DIGEST_KIND, key, "(keine Empfänger konfiguriert)", rendered)]
        mails_line = _print_mails(app, mails)
        if not run.mails:
            mails_line = _would_send(0)
        click.echo("=" * 78)
        click.echo(
            f"Probelauf Wochenübersicht {key}: {mails_line}, "
            f"{len(run.report.already_sent)} Empfänger "
            f"{'hat' if len(run.report.already_sent) == 1 else 'haben'} sie schon. Nichts vermerkt."
        )
        return
    click.echo(f"Wochenübersicht {key}: {run.report.describe(len(run.recipients))}.")
    _report_failures(run.report, settings)


@click.command(cls=GermanCommand)
@click.option("--dry-run", is_flag=True, help=DRY_RUN_HELP)
@click.option("--today", type=ISO_DATE, help=REMIND_TODAY_HELP)
@pass_app
@user_errors
def remind(app: AppContext, dry_run: bool, today: datetime | None) -> None:
    """Fristerinnerungen 14, 7 und 2 Tage vor jeder Frist senden (jede genau einmal)."""
    app.require_schema()  # before the mail settings: the first thing to fix
    settings = MailSettings.from_env()
    day = _today(today)
    try:
        run = run_reminders(
            app.sessions,
            app.config,
            settings,
            today=day,
            transport_factory=None if dry_run else _transport(app, settings),
            now=run_moment(day),
        )
    except LockBusy as exc:
        raise CliError(f"{exc} Später erneut versuchen.") from None
    for reminder in run.without_recipient:
        click.echo(
            f"Keine Empfänger für die Erinnerung zu Aufruf {reminder.call_id} "
            "(niemand zuständig, kein Team-Empfänger konfiguriert).",
            err=True,
        )
    if dry_run:
        mails_line = _print_mails(app, run.mails)
        click.echo("=" * 78)
        click.echo(
            f"Probelauf Fristerinnerungen: {len(run.reminders)} fällig, {mails_line}. "
            "Nichts vermerkt."
        )
        return
    click.echo(f"Fristerinnerungen: {len(run.reminders)} fällig; {run.report.describe()}.")
    _report_failures(run.report, settings)


@click.command(cls=GermanCommand)
@click.option("--offline", is_flag=True, help="Quellen aus den gespeicherten Snapshots lesen.")
@click.option("--no-scrape", is_flag=True, help="Den Abruf der Quellen auslassen.")
@click.option(
    "--wait",
    metavar="SEKUNDEN",
    default=10.0,
    show_default=True,
    type=FiniteFloatRange(min=0),
    help="Sekunden, die auf einen noch laufenden weekly-Lauf gewartet wird.",
)
@click.option("--today", type=ISO_DATE, help=TODAY_HELP)
@pass_app
@user_errors
def weekly(
    app: AppContext, offline: bool, no_scrape: bool, wait: float, today: datetime | None
) -> None:
    """Der Wochenlauf für cron/systemd: Abruf, Abgleich, Übersicht, Erinnerungen."""
    app.config.check_production()  # it saves the signed match model, as `match` does
    app.require_schema()  # before the mail settings: the first thing to fix
    settings = MailSettings.from_env()
    day = _today(today)

    def scrape() -> tuple[bool, str]:
        return run_scrape_step(app.config, app.sessions, offline=offline, today=day)

    try:
        summary = run_weekly(
            app.sessions,
            app.config,
            settings,
            today=day,
            transport_factory=_transport(app, settings),
            scrape=None if no_scrape else scrape,
            lock_wait=wait,
            echo=click.echo,
        )
    except LockBusy as exc:
        # Not an error: the other run does the work. Said plainly, exit status 0.
        click.echo(f"{exc} Dieser Lauf wird übersprungen.")
        return
    click.echo("")
    click.echo(summary.table())
    if not summary.ok:
        click.get_current_context().exit(1)


COMMANDS = [digest, remind, weekly]


def _report_failures(report: DeliveryReport, settings: MailSettings) -> None:
    """Name every recipient that was not reached; exit 1 so cron notices."""
    for recipient, error in report.failed:
        click.echo(f"  nicht zugestellt an {recipient}: {error}", err=True)
    for recipient, error in report.refused:
        click.echo(f"  abgelehnt: {recipient}: {error}", err=True)
    if report.failed or report.aborted:
        click.echo("Der nächste Lauf sendet die fehlenden Mails nach.", err=True)
    if report.refused:
        click.echo(
            "Abgelehnte Adressen werden erst nach "
            f"{format_counted(settings.refused_retry_days, 'Tag', 'Tagen')} "
            "(MAIL_REFUSED_RETRY_DAYS) wieder versucht, oder sobald unter Benutzer „Erneut "
            "zustellen“ gewählt wird: die Adresse bitte prüfen.",
            err=True,
        )
    if not report.ok:
        click.get_current_context().exit(1)
