"""`user list`: every login with role, access and last login, for the administrator's shell.

The commands that change logins live in `user_commands`; this one only reads, and joins
their group from here.
"""

from __future__ import annotations

import click

from webapp.cli.common import AppContext, pass_app, user_errors
from webapp.cli.user_commands import user
from webapp.formatting import format_counted, format_datetime
from webapp.models import User, utcnow
from webapp.users import all_users

ROLES = {"admin": "Administration", "officer": "Fördermittelmanagement"}
HEADER = ("E-Mail", "Name", "Rolle", "Zugang", "Letzte Anmeldung")


@user.command("list")
@pass_app
@user_errors
def list_users(app: AppContext) -> None:
    """Alle Anmeldungen mit Rolle, Zugang (aktiv, deaktiviert, gesperrt) und letzter Anmeldung."""
    with app.sessions() as session:
        rows = [user_row(found) for found in all_users(session)]
    if not rows:
        click.echo("Noch keine Anmeldungen: `funding-matcher user add E-MAIL` legt eine an.")
        return
    click.echo(format_rows([HEADER, *rows]))
    active = sum(1 for row in rows if row[3] != "deaktiviert")
    click.echo(f"\n{format_counted(len(rows), 'Anmeldung', 'Anmeldungen')}, davon {active} aktiv.")


def user_row(found: User) -> tuple[str, str, str, str, str]:
    """One login as the cells of the table."""
    if not found.active:
        access = "deaktiviert"
    elif found.locked_until is not None and found.locked_until > utcnow():
        access = f"gesperrt bis {format_datetime(found.locked_until)}"
    else:
        access = "aktiv"
    return (
        found.email,
        found.name or "–",
        ROLES.get(found.role, found.role),
        access,
        format_datetime(found.last_login, "nie"),
    )


def format_rows(rows: list[tuple[str, ...]]) -> str:
    """Left-aligned columns, two spaces apart, a rule under the header."""
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    lines = [
        "  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip()
        for row in rows
    ]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


COMMANDS: list[click.Command] = []  # `list` is registered on the `user` group above
