"""`funding-matcher user list`: every login with name, role, access and last login, so the
administrator need not open the Benutzer page (or the database) to see who may log in."""

from __future__ import annotations

from datetime import timedelta

from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from tests.conftest import CliInvoker
from webapp.formatting import format_datetime
from webapp.models import User, utcnow
from webapp.users import create_user, set_active


def test_user_list_shows_every_login_with_role_access_and_last_login(
    cli: CliInvoker, session: Session, user: User, auth_client: FlaskClient
) -> None:
    create_user(session, "it@kreis-coesfeld.de", "admin-passwort-1", role="admin", name="IT")
    gone = create_user(session, "ehemalig@kreis-coesfeld.de", "lang-genug-1")
    locked = create_user(session, "gesperrt@kreis-coesfeld.de", "lang-genug-1", name="Jan Beck")
    set_active(session, gone, False)
    locked.locked_until = utcnow() + timedelta(minutes=15)
    session.commit()
    anna = session.get(User, user.id)
    assert anna is not None and anna.last_login is not None  # auth_client logged in
    last = format_datetime(anna.last_login)
    until = format_datetime(locked.locked_until)

    result = cli("user", "list")

    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == [
        f"{'E-Mail':<30}  {'Name':<12}  {'Rolle':<22}  {'Zugang':<30}  Letzte Anmeldung",
        f"{'-' * 30}  {'-' * 12}  {'-' * 22}  {'-' * 30}  {'-' * 17}",
        f"{user.email:<30}  Anna Schulte  Fördermittelmanagement  {'aktiv':<30}  {last}",
        f"{gone.email:<30}  {'–':<12}  Fördermittelmanagement  {'deaktiviert':<30}  nie",
        f"{locked.email:<30}  Jan Beck      Fördermittelmanagement  "
        f"{'gesperrt bis ' + until:<30}  nie",
        f"{'it@kreis-coesfeld.de':<30}  {'IT':<12}  {'Administration':<22}  {'aktiv':<30}  nie",
        "",
        "4 Anmeldungen, davon 3 aktiv.",
    ]


def test_user_list_of_a_new_database_says_how_to_add_one(cli: CliInvoker, session: Session) -> None:
    result = cli("user", "list")
    assert result.exit_code == 0, result.output
    assert result.stdout == (
        "Noch keine Anmeldungen: `funding-matcher user add E-MAIL` legt eine an.\n"
    )
