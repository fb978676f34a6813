"""`user add|list|edit|password|rename|deactivate|activate|forget|export`: the logins of the
web UI."""

from __future__ import annotations

import json

import click
from sqlalchemy.orm import Session

from webapp.cli.common import AppContext, aligned_lines, pass_app, read_line, user_errors
from webapp.cli.errors import CliUsageError
from webapp.cli.german import GermanGroup
from webapp.db import transaction
from webapp.errors import UserError
from webapp.formatting import format_datetime
from webapp.mail.outbox import normalise_address, refusal_reason, refusals_by_address
from webapp.models import User, utcnow
from webapp.privacy import check_forgettable, forget_user, personal_data
from webapp.queries import home_applicant, strategy_applicants
from webapp.users import (
    all_users,
    change_email,
    change_name_and_role,
    create_user,
    email_changed_message,
    find_user,
    normalise_email,
    reset_password,
    role_label,
    set_active,
)


@click.group(cls=GermanGroup)
def user() -> None:
    """Anmeldungen für die Weboberfläche verwalten."""


@user.command("add")
@click.argument("email", metavar="E-MAIL")
@click.option(
    "--password",
    metavar="PASSWORT",
    help="Passwort (ohne Angabe wird verdeckt danach gefragt).",
)
@click.option("--admin", is_flag=True, help="Rolle Administration statt Fördermittelmanagement.")
@click.option(
    "--name", metavar="ANZEIGENAME", default="", help="Anzeigename, z. B. 'Anna Schulte'."
)
@click.option(
    "--exist-ok", is_flag=True, help="Nichts tun, wenn es die Anmeldung schon gibt (für Skripte)."
)
@pass_app
@user_errors
def add(
    app: AppContext, email: str, password: str | None, admin: bool, name: str, exist_ok: bool
) -> None:
    """Eine Anmeldung E-MAIL anlegen."""
    with transaction(app.sessions) as session:
        if (existing := find_user(session, email)) is not None:
            if not exist_ok:
                raise UserError(f"Es gibt schon eine Anmeldung für {normalise_email(email)}.")
            # A script's --name/--admin that differ from what is stored are not applied:
            # said, with the command that would.
            differs = (name.strip() and name.strip() != existing.name) or (
                admin and existing.role != "admin"
            )
            hint = (
                f" Name und Rolle ändert `funding-matcher user edit {existing.email}`."
                if differs
                else ""
            )
            click.echo(f"Anmeldung {existing.email} gibt es schon – unverändert.{hint}")
            return
    if password is None:
        password = _ask_password("nichts angelegt")
    with transaction(app.sessions) as session:
        created = create_user(
            session, email, password, role="admin" if admin else "officer", name=name
        )
        click.echo(f"Anmeldung {created.email} angelegt ({role_label(created.role)}).")


def _ask_password(nothing_done: str) -> str:
    """Ask for a password twice, hidden; UserError ending in `nothing_done` if they differ."""
    # Asked twice by hand: click's own check answers in English and asks again forever.
    password = _read_password("Passwort")
    if _read_password("Wiederholen") != password:
        raise UserError(f"Die beiden Passwörter stimmen nicht überein; {nothing_done}.")
    return password


def _read_password(label: str) -> str:
    """One password from the terminal, hidden; from a pipe (a script), one line as it is."""
    return read_line(label, hide_input=True)


@user.command("list")
@pass_app
@user_errors
def list_users(app: AppContext) -> None:
    """Alle Anmeldungen zeigen: Adresse, Name, Rolle, Zugang, Übersicht, letzte Anmeldung,
    Sperren, Meine Kommune und vom Mailserver abgelehnte Adressen."""
    with app.sessions() as session:
        logins = all_users(session)
        refused = refusals_by_address(session)
        applicants = strategy_applicants(session)
        header = ("E-Mail", "Name", "Rolle", "Zugang", "Übersicht", "Letzte Anmeldung")
        rows = [
            (
                u.email,
                u.name or "–",
                role_label(u.role),
                "aktiv" if u.active else "deaktiviert",
                "ja" if u.digest_opt_in and u.active else "nein",
                format_datetime(u.last_login, "nie"),
            )
            for u in logins
        ]
        now = utcnow()
        head, *lines = aligned_lines(header, rows)
        click.echo(head)
        for u, line in zip(logins, lines, strict=True):
            click.echo(line)
            if u.locked_until is not None and u.locked_until > now:
                click.echo(f"    gesperrt bis {format_datetime(u.locked_until)} Uhr")
            if u.home_applicant:
                # The admin asked "why does she see only half the calls?": the choice says.
                stale = home_applicant(u.home_applicant, applicants) != u.home_applicant
                note = " (steht nicht in der aktiven Strategie: nicht angewandt)" if stale else ""
                click.echo(f"    Meine Kommune: {u.home_applicant}{note}")
            if (refusal := refused.pop(normalise_address(u.email), None)) is not None:
                click.echo(f"    E-Mails abgelehnt: {refusal_reason(refusal)}")
        for address, refusal in sorted(refused.items()):  # team addresses: no login
            click.echo(f"Ohne Anmeldung: {address}: E-Mails abgelehnt: {refusal_reason(refusal)}")
    if not logins:
        click.echo("Noch keine Anmeldung: `funding-matcher user add E-MAIL` legt eine an.")


@user.command("edit")
@click.argument("email", metavar="E-MAIL")
@click.option(
    "--name",
    metavar="ANZEIGENAME",
    default=None,
    help="Neuer Anzeigename; --name '' löscht ihn (gezeigt wird dann die Adresse).",
)
@click.option(
    "--admin/--no-admin",
    default=None,
    help="Rolle Administration geben / Rolle Fördermittelmanagement geben.",
)
@pass_app
@user_errors
def edit(app: AppContext, email: str, name: str | None, admin: bool | None) -> None:
    """Name und Rolle der Anmeldung E-MAIL ändern; die Adresse ändert `user rename`.
    Der letzten aktiven Administration bleibt ihre Rolle."""
    if name is None and admin is None:
        raise CliUsageError("Nichts zu ändern: --name, --admin oder --no-admin angeben.")
    role = None if admin is None else ("admin" if admin else "officer")
    with transaction(app.sessions) as session:
        found = _login(session, email)
        changes = change_name_and_role(session, found, name=name, role=role)
        address = found.email
    # Told after the commit: a failed commit must not read as done.
    if not changes:
        click.echo(f"Anmeldung {address}: Name und Rolle sind schon so – unverändert.")
        return
    click.echo(f"Anmeldung {address} geändert:")
    for line in changes:
        click.echo(f"  {line}")


@user.command("password")
@click.argument("email", metavar="E-MAIL")
@click.option(
    "--password",
    metavar="PASSWORT",
    help="Neues Passwort (ohne Angabe wird verdeckt zweimal danach gefragt).",
)
@pass_app
@user_errors
def password(app: AppContext, email: str, password: str | None) -> None:
    """Der Anmeldung E-MAIL ein neues Passwort geben (vergessen): hebt eine Sperre auf,
    offene Sitzungen enden."""
    with transaction(app.sessions) as session:
        if find_user(session, email) is None:
            raise UserError(f"Es gibt keine Anmeldung für {normalise_email(email)}.")
    if password is None:
        password = _ask_password("Passwort unverändert")
    with transaction(app.sessions) as session:
        found = find_user(session, email)
        if found is None:  # deleted while the password was typed
            raise UserError(f"Es gibt keine Anmeldung für {normalise_email(email)}.")
        reset_password(session, found, password)
        address, active = found.email, found.active
    # Told after the commit: a failed commit must not read as done.
    click.echo(
        f"Neues Passwort für {address} gesetzt. Eine Sperre nach Fehlversuchen ist "
        "aufgehoben, offene Sitzungen enden."
    )
    if not active:
        click.echo(
            f"Die Anmeldung bleibt deaktiviert: `funding-matcher user activate {address}` "
            "gibt ihr den Zugang zurück."
        )


@user.command("rename")
@click.argument("old", metavar="E-MAIL")
@click.argument("new", metavar="NEUE-E-MAIL")
@pass_app
@user_errors
def rename(app: AppContext, old: str, new: str) -> None:
    """Die Adresse der Anmeldung E-MAIL in NEUE-E-MAIL ändern (Tippfehler, neuer Name):
    Zuständigkeiten, Entscheidungen, Übersicht und Erinnerungen folgen ihr."""
    with transaction(app.sessions) as session:
        found = find_user(session, old)
        if found is None:
            raise UserError(f"Es gibt keine Anmeldung für {normalise_email(old)}.")
        previous = found.email
        released = change_email(session, found, new, team_addresses=app.config.alert_recipients)
        address = found.email
    # Told after the commit: a failed commit must not read as done.
    click.echo(email_changed_message(previous, address, released))


@user.command("deactivate")
@click.argument("email", metavar="E-MAIL")
@pass_app
@user_errors
def deactivate(app: AppContext, email: str) -> None:
    """Die Anmeldung E-MAIL deaktivieren (wer geht): keine Anmeldung, keine E-Mails mehr."""
    _set_active(app, email, False)


@user.command("activate")
@click.argument("email", metavar="E-MAIL")
@pass_app
@user_errors
def activate(app: AppContext, email: str) -> None:
    """Eine deaktivierte Anmeldung E-MAIL wieder aktivieren (mit ihrem alten Passwort)."""
    _set_active(app, email, True)


def _set_active(app: AppContext, email: str, active: bool) -> None:
    with transaction(app.sessions) as session:
        found = _login(session, email)
        changed = set_active(session, found, active)
        address = found.email
    # Told after the commit: a failed commit must not read as done.
    if not changed:
        state = "aktiv" if active else "deaktiviert"
        click.echo(f"Anmeldung {address} ist schon {state} – unverändert.")
    elif active:
        click.echo(f"Anmeldung {address} wieder aktiviert.")
    else:
        click.echo(
            f"Anmeldung {address} deaktiviert: keine Anmeldung und keine E-Mails mehr, "
            "offene Sitzungen enden."
        )


@user.command("forget")
@click.argument("email", metavar="E-MAIL")
@click.option("--yes", is_flag=True, help="Ohne Rückfrage löschen (für Skripte).")
@pass_app
@user_errors
def forget(app: AppContext, email: str, yes: bool) -> None:
    """Die personenbezogenen Daten der deaktivierten Anmeldung E-MAIL unwiderruflich löschen
    (DSGVO Art. 17): Name und Adresse werden zu „ehemalige Anmeldung N“, Sitzungen,
    Mailprotokoll und Zustellablehnung verschwinden; Entscheidungen und Texte bleiben."""
    with app.sessions() as session:
        found = _login(session, email)
        check_forgettable(session, found)
        address, name = found.email, found.name
    if not yes:
        who = f"{name} <{address}>" if name else address
        click.echo(
            f"{who}: Name und Adresse werden unwiderruflich gelöscht; die Anmeldung heißt "
            "danach „ehemalige Anmeldung …“. Das lässt sich nicht rückgängig machen."
        )
        answer = read_line(f"Zum Bestätigen die Adresse {address} eingeben")
        if normalise_email(answer) != address:
            raise UserError("Nicht bestätigt: nichts gelöscht.")
    with transaction(app.sessions) as session:
        still = find_user(session, address)
        if still is None:  # renamed or erased meanwhile
            raise UserError(f"Es gibt keine Anmeldung für {address} mehr; nichts gelöscht.")
        report = forget_user(session, still, team_addresses=app.config.alert_recipients)
    # Told after the commit: a failed commit must not read as done.
    click.echo(report.describe())


@user.command("export")
@click.argument("email", metavar="E-MAIL")
@pass_app
@user_errors
def export(app: AppContext, email: str) -> None:
    """Alles, was über die Anmeldung E-MAIL gespeichert ist, als JSON ausgeben (Auskunft
    nach DSGVO Art. 15; Zeiten in UTC)."""
    with app.sessions() as session:
        found = _login(session, email)
        data = personal_data(session, found, team_addresses=app.config.alert_recipients)
    click.echo(json.dumps(data, ensure_ascii=False, indent=2))


def _login(session: Session, email: str) -> User:
    """The login with the address `email`; UserError when there is none."""
    found = find_user(session, email)
    if found is None:
        raise UserError(f"Es gibt keine Anmeldung für {normalise_email(email)}.")
    return found


COMMANDS = [user]
