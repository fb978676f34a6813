"""Login sessions: the session lives in a signed cookie, so a copy of it (a shared or stolen
computer, a cookie read from a backup) works wherever it is sent — until the password changes.
"""

from __future__ import annotations

from flask import Flask
from flask.testing import FlaskClient

from tests.conftest import TEST_PASSWORD
from webapp.models import User

NEW_PASSWORD = "ganz-neues-geheimnis-7"


def _copy_of(app: Flask, client: FlaskClient) -> FlaskClient:
    cookie = client.get_cookie("session")
    assert cookie is not None
    copy = app.test_client()
    copy.set_cookie("session", cookie.value)
    return copy


def test_changing_the_password_ends_every_other_session(
    app: Flask, auth_client: FlaskClient, user: User
) -> None:
    thief = _copy_of(app, auth_client)
    assert thief.get("/").status_code == 200
    response = auth_client.post(
        "/konto/passwort",
        data={"current": TEST_PASSWORD, "new": NEW_PASSWORD, "repeat": NEW_PASSWORD},
    )
    assert response.status_code == 302
    # The owner stays logged in and is told so ...
    page = auth_client.get("/konto")
    assert page.status_code == 200 and "Das Passwort ist geändert." in page.get_data(as_text=True)
    # ... the copied cookie of the old session is sent to the login page.
    response = thief.get("/")
    assert response.status_code == 302 and response.headers["Location"].startswith("/anmelden")
    assert thief.get("/konto").status_code == 302
    # The new password opens a new session; the old one opens none.
    fresh = app.test_client()
    assert (
        fresh.post("/anmelden", data={"email": user.email, "password": TEST_PASSWORD}).status_code
        == 401
    )
    assert (
        fresh.post("/anmelden", data={"email": user.email, "password": NEW_PASSWORD}).status_code
        == 302
    )
    assert fresh.get("/").status_code == 200


def test_a_wrong_current_password_changes_nothing_and_keeps_other_sessions(
    app: Flask, auth_client: FlaskClient
) -> None:
    other = _copy_of(app, auth_client)
    auth_client.post(
        "/konto/passwort", data={"current": "falsch", "new": NEW_PASSWORD, "repeat": NEW_PASSWORD}
    )
    assert other.get("/").status_code == 200
    assert auth_client.get("/").status_code == 200
