"""The administration's pages (Benutzer: addresses, test mail, refused addresses) as an officer
and a careless administrator see them: officers are refused everywhere, and an address no mail
server takes is refused with a message, not a server error (PostgreSQL's 320-character column).
"""

from __future__ import annotations

import html
from collections.abc import Iterator
from datetime import timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import Engine, select

from tests.conftest import TEST_PASSWORD, CliInvoker
from tests.security.test_web_security import _rules
from webapp.config import Config
from webapp.db import make_engine, make_session_factory
from webapp.mail.outbox import record_refusal
from webapp.migrate import upgrade
from webapp.models import MailRefusal, User
from webapp.users import create_user

ADMIN = "ida.technik@kreis-coesfeld.de"
OFFICER = "anna.schulte@kreis-coesfeld.de"
TEAM = "team@kreis-coesfeld.de"
# 255 characters: one more than a mail server takes, well inside the form's size limit
LONG = "a" * (255 - len("@kreis-coesfeld.de")) + "@kreis-coesfeld.de"


def _logged_in(app: Flask, email: str) -> FlaskClient:
    client = app.test_client()
    response = client.post("/anmelden", data={"email": email, "password": TEST_PASSWORD})
    assert response.status_code == 302
    return client


def _state(engine: Engine) -> tuple[list[tuple[str, str, bool]], list[str]]:
    with make_session_factory(engine)() as s:
        users = [(u.email, u.password_hash, u.active) for u in s.scalars(select(User))]
        return sorted(users), sorted(s.scalars(select(MailRefusal.address)))


def test_every_administration_route_refuses_an_officer(app: Flask, engine: Engine) -> None:
    """Each view of /verwaltung carries its own check: a new one without it would be open to
    every officer (rename a login to one's own mailbox, then a reset link: the account)."""
    with make_session_factory(engine)() as s:
        create_user(s, ADMIN, TEST_PASSWORD, role="admin")
        officer = create_user(s, OFFICER, TEST_PASSWORD)
        record_refusal(s, TEAM, "550 5.1.1 unbekannt", "Übersicht", timedelta(days=7))
        s.commit()
        officer_id = officer.id
    before = _state(engine)
    client = _logged_in(app, OFFICER)
    form = {"email": "anna.privat@example.org", "address": TEAM, "password": "x" * 12}
    routes = [
        (method, endpoint, url.replace("/1/", f"/{officer_id}/"))
        for method in ("GET", "POST")
        for endpoint, url in _rules(app, method)
        if endpoint.startswith("admin.")
    ]
    assert {e for _m, e, _u in routes} >= {
        "admin.users",
        "admin.change_email",
        "admin.edit_user",
        "admin.test_mail",
        "admin.retry_mail",
        "admin.retry_address",
    }
    for method, endpoint, url in routes:
        response = client.open(url, method=method, data=form if method == "POST" else None)
        assert response.status_code == 403, (method, endpoint, response.status_code)
    assert _state(engine) == before


@pytest.fixture
def admin_app(any_config: Config) -> Iterator[tuple[Flask, Engine]]:
    """The app on SQLite and on PostgreSQL, with an administrator and an officer."""
    from webapp.app import create_app

    engine = make_engine(any_config.database_url)
    upgrade(engine)
    with make_session_factory(engine)() as s:
        create_user(s, ADMIN, TEST_PASSWORD, role="admin")
        create_user(s, OFFICER, TEST_PASSWORD)
        s.commit()
    flask_app = create_app(any_config)
    flask_app.config.update(WTF_CSRF_ENABLED=False)
    yield flask_app, engine
    engine.dispose()


def test_an_address_too_long_to_deliver_is_refused_with_a_message(
    admin_app: tuple[Flask, Engine], any_config: Config
) -> None:
    """PostgreSQL refused a 321-character address with a server error; a mail server refuses
    anything beyond 254 characters, so such a login would never get a mail either."""
    app, engine = admin_app
    before = _state(engine)
    admin = _logged_in(app, ADMIN)
    with make_session_factory(engine)() as s:
        officer_id = s.scalar(select(User.id).where(User.email == OFFICER))

    for address in (LONG, "b" * 400 + "@kreis-coesfeld.de"):
        renamed = admin.post(
            f"/verwaltung/benutzer/{officer_id}/adresse",
            data={"email": address},
            follow_redirects=True,
        )
        assert renamed.status_code == 200
        page = html.unescape(renamed.get_data(as_text=True))
        assert f"Adresse von {OFFICER} unverändert: Die E-Mail-Adresse „{address[:20]}" in page
        assert f"ist {len(address)} Zeichen lang; eine Adresse hat höchstens 254." in page

        added = admin.post(
            "/verwaltung/benutzer",
            data={"email": address, "name": "Neu", "password": TEST_PASSWORD, "role": "officer"},
        )
        assert added.status_code == 400
        assert f"ist {len(address)} Zeichen lang" in html.unescape(added.get_data(as_text=True))

    cli = CliInvoker(any_config)
    result = cli("user", "rename", OFFICER, LONG)
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert "ist 255 Zeichen lang; eine Adresse hat höchstens 254." in result.output
    assert _state(engine) == before
    # The longest deliverable address is taken.
    fits = LONG[1:]
    response = admin.post(f"/verwaltung/benutzer/{officer_id}/adresse", data={"email": fits})
    assert response.status_code == 302
    assert fits in [email for email, _h, _a in _state(engine)[0]]


def test_a_name_too_long_for_the_database_is_refused_with_a_message(
    admin_app: tuple[Flask, Engine],
) -> None:
    """A pasted paragraph as the name of a new login was a server error on PostgreSQL."""
    app, engine = admin_app
    before = _state(engine)
    admin = _logged_in(app, ADMIN)
    form = {"email": "neu@kreis-coesfeld.de", "password": TEST_PASSWORD, "role": "officer"}

    added = admin.post("/verwaltung/benutzer", data={**form, "name": "Berta " * 40})

    assert added.status_code == 400
    page = html.unescape(added.get_data(as_text=True))
    assert "Der Name ist 239 Zeichen lang; höchstens 200 sind möglich." in page
    assert 'value="neu@kreis-coesfeld.de"' in page  # the entries are kept
    assert _state(engine) == before
    fits = admin.post("/verwaltung/benutzer", data={**form, "name": "B" * 200})
    assert fits.status_code == 302
