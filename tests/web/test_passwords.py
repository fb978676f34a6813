"""Passwords of only spaces are refused on /konto and by `funding-matcher user add`."""

from __future__ import annotations

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.conftest import TEST_PASSWORD
from webapp.errors import UserError
from webapp.models import User
from webapp.users import MIN_PASSWORD_LENGTH, create_user, set_password

BLANK = "Das Passwort darf nicht leer sein und nicht nur aus Leerzeichen bestehen."


@pytest.mark.parametrize("password", [" " * 8, " " * 20, "\t" * 4 + " " * 4, "\u00a0" * 10])
def test_blank_passwords_are_refused(session: Session, password: str) -> None:
    with pytest.raises(UserError, match="nur aus Leerzeichen"):
        create_user(session, "leer@kreis-coesfeld.de", password)
    user = create_user(session, "voll@kreis-coesfeld.de", "richtig-lang")
    with pytest.raises(UserError, match="nur aus Leerzeichen"):
        set_password(user, password)


def test_the_minimum_length_still_applies_and_inner_spaces_are_fine(session: Session) -> None:
    with pytest.raises(UserError, match=f"mindestens {MIN_PASSWORD_LENGTH} Zeichen"):
        create_user(session, "kurz@kreis-coesfeld.de", "  ab  ")
    assert create_user(session, "satz@kreis-coesfeld.de", "ein langer Satz")


def test_account_page_refuses_a_password_of_spaces(
    auth_client: FlaskClient, client: FlaskClient, user: User
) -> None:
    spaces = " " * 8
    response = auth_client.post(
        "/konto/passwort", data={"current": TEST_PASSWORD, "new": spaces, "repeat": spaces}
    )
    page = auth_client.get(response.headers["Location"]).get_data(as_text=True)
    assert BLANK in page
    assert "Das Passwort ist geändert." not in page
    # The old password still works, the blank one does not.
    assert (
        client.post("/anmelden", data={"email": user.email, "password": spaces}).status_code == 401
    )
    ok = client.post("/anmelden", data={"email": user.email, "password": TEST_PASSWORD})
    assert ok.status_code == 302


def test_user_add_refuses_a_password_of_spaces(cli, session: Session) -> None:
    spaces = " " * 8
    result = cli("user", "add", "leer@kreis-coesfeld.de", "--password", spaces)
    assert result.exit_code == 1 and "nur aus Leerzeichen" in result.output
    prompted = cli("user", "add", "leer@kreis-coesfeld.de", input=f"{spaces}\n{spaces}\n")
    assert prompted.exit_code == 1 and "nur aus Leerzeichen" in prompted.output
    assert session.scalar(select(User).where(User.email == "leer@kreis-coesfeld.de")) is None
