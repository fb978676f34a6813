"""A forgotten password fixed by the administration: the form on /verwaltung/benutzer and
`funding-matcher user password` set a new one, lift a lockout and end open sessions.
(The reset link by mail: tests/mail/test_password_reset.py.)"""

from __future__ import annotations

import html

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from tests.conftest import TEST_PASSWORD, CliInvoker
from webapp.models import User
from webapp.users import MAX_FAILED_LOGINS, create_user, find_user, set_active

ADMIN = "it@kreis-coesfeld.de"
ADMIN_PASSWORD = "admin-passwort-1"
USERS_PAGE = "/verwaltung/benutzer"
NEW_PASSWORD = "vom-admin-gesetzt-5"


def _text(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def _login(app: Flask, email: str, password: str) -> FlaskClient | None:
    """A client logged in as `email`, or None when the login is refused."""
    client = app.test_client()
    response = client.post("/anmelden", data={"email": email, "password": password})
    return client if response.status_code == 302 else None


def _admin(app: Flask, session: Session) -> FlaskClient:
    create_user(session, ADMIN, ADMIN_PASSWORD, role="admin", name="IT")
    session.commit()
    client = _login(app, ADMIN, ADMIN_PASSWORD)
    assert client is not None
    return client


def _lock(app: Flask, email: str) -> None:
    for _ in range(MAX_FAILED_LOGINS):
        assert _login(app, email, "falsch-geraten") is None
    assert _login(app, email, TEST_PASSWORD) is None  # locked


def test_the_administration_sets_a_new_password(
    app: Flask, auth_client: FlaskClient, session: Session, user: User
) -> None:
    admin = _admin(app, session)
    _lock(app, user.email)
    page = _text(admin.get(USERS_PAGE))
    assert "Neues Passwort" in page and f'action="{USERS_PAGE}/{user.id}/passwort"' in page
    # Without BASE_URL no mail can carry a link: the button is not offered.
    assert "Link per E-Mail senden" not in page

    done = admin.post(
        f"{USERS_PAGE}/{user.id}/passwort", data={"password": NEW_PASSWORD}, follow_redirects=True
    )
    assert f"Neues Passwort für {user.email} gesetzt." in _text(done)
    assert "gesperrt" not in _text(done)
    ended = auth_client.get("/")  # the officer's open session
    assert ended.status_code == 302 and ended.headers["Location"].startswith("/anmelden")
    assert _login(app, user.email, TEST_PASSWORD) is None
    assert _login(app, user.email, NEW_PASSWORD) is not None  # and no longer locked


def test_the_password_rules_apply_to_the_administration_too(
    app: Flask, session: Session, user: User
) -> None:
    admin = _admin(app, session)
    refused = admin.post(
        f"{USERS_PAGE}/{user.id}/passwort", data={"password": "kurz"}, follow_redirects=True
    )
    assert f"Passwort für {user.email} unverändert: " in _text(refused)
    assert "mindestens 8 Zeichen" in _text(refused)
    assert _login(app, user.email, TEST_PASSWORD) is not None


def test_an_administrator_who_resets_their_own_password_stays_logged_in(
    app: Flask, session: Session
) -> None:
    admin = _admin(app, session)
    own = find_user(session, ADMIN)
    assert own is not None
    admin.post(f"{USERS_PAGE}/{own.id}/passwort", data={"password": NEW_PASSWORD})
    assert admin.get(USERS_PAGE).status_code == 200
    assert _login(app, ADMIN, NEW_PASSWORD) is not None


def test_officers_cannot_set_passwords(
    auth_client: FlaskClient, session: Session, user: User
) -> None:
    other = create_user(session, "kollege@kreis-coesfeld.de", "lang-genug-1")
    session.commit()
    response = auth_client.post(f"{USERS_PAGE}/{other.id}/passwort", data={"password": "x" * 12})
    assert response.status_code == 403
    assert _login(auth_client.application, other.email, "lang-genug-1") is not None


def test_the_form_needs_the_csrf_token(app: Flask, session: Session, user: User) -> None:
    admin = _admin(app, session)
    app.config.update(WTF_CSRF_ENABLED=True)
    response = admin.post(f"{USERS_PAGE}/{user.id}/passwort", data={"password": NEW_PASSWORD})
    assert response.status_code == 400
    app.config.update(WTF_CSRF_ENABLED=False)  # for the login form of the check
    assert _login(app, user.email, TEST_PASSWORD) is not None


def test_cli_user_password(
    app: Flask, cli: CliInvoker, auth_client: FlaskClient, user: User
) -> None:
    _lock(app, user.email)
    result = cli("user", "password", "Anna.Schulte@kreis-coesfeld.de", "--password", NEW_PASSWORD)
    assert result.exit_code == 0, result.output
    assert f"Neues Passwort für {user.email} gesetzt." in result.output
    assert "Sperre nach Fehlversuchen ist aufgehoben, offene Sitzungen enden." in result.output
    assert auth_client.get("/").status_code == 302  # the open session has ended
    assert _login(app, user.email, TEST_PASSWORD) is None
    assert _login(app, user.email, NEW_PASSWORD) is not None


def test_cli_user_password_asks_twice(app: Flask, cli: CliInvoker, user: User) -> None:
    typo = cli("user", "password", user.email, input=f"{NEW_PASSWORD}\n{NEW_PASSWORD}x\n")
    assert typo.exit_code == 1
    assert "Die beiden Passwörter stimmen nicht überein; Passwort unverändert." in typo.output
    assert "Traceback" not in typo.output
    assert _login(app, user.email, TEST_PASSWORD) is not None

    ok = cli("user", "password", user.email, input=f"{NEW_PASSWORD}\n{NEW_PASSWORD}\n")
    assert ok.exit_code == 0, ok.output
    assert NEW_PASSWORD not in ok.output  # hidden input
    assert _login(app, user.email, NEW_PASSWORD) is not None


def test_cli_user_password_errors_are_german(cli: CliInvoker, session: Session, user: User) -> None:
    unknown = cli("user", "password", "niemand@kreis-coesfeld.de", "--password", NEW_PASSWORD)
    assert unknown.exit_code == 1
    assert "Es gibt keine Anmeldung für niemand@kreis-coesfeld.de." in unknown.output
    short = cli("user", "password", user.email, "--password", "kurz")
    assert short.exit_code == 1 and "mindestens 8 Zeichen" in short.output
    assert "Traceback" not in unknown.output + short.output

    set_active(session, session.get(User, user.id), False)  # type: ignore[arg-type]
    session.commit()
    inactive = cli("user", "password", user.email, "--password", NEW_PASSWORD)
    assert inactive.exit_code == 0, inactive.output
    assert "bleibt deaktiviert" in inactive.output and "user activate" in inactive.output
