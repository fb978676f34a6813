"""Passwort vergessen: the reset link by mail (a real SMTP server), used through the web UI.

What the officer notices: the mail arrives with a link that sets a new password and logs
them in; the old password stops working, the link works once and not after 60 minutes; an
unknown or deactivated address gets no mail and the very same page; without BASE_URL the
page says to ask the administration; too many requests from one address are refused.
"""

from __future__ import annotations

import html
import logging
import re
import threading
import time
from dataclasses import replace

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from tests.conftest import TEST_PASSWORD
from tests.mail.conftest import SmtpServer
from webapp.app import create_app
from webapp.config import Config
from webapp.mail.background import background_mailer
from webapp.models import User
from webapp.password_reset import reset_token
from webapp.throttle import RESET_LIMIT_PER_ADDRESS
from webapp.users import MAX_FAILED_LOGINS, create_user, set_active

NEW_PASSWORD = "ganz-neues-passwort-7"
SENT = "eine E-Mail mit einem Link zum Festlegen eines neuen Passworts unterwegs"
LINK = re.compile(r"https://foerder\.example(/passwort-neu/[A-Za-z0-9._-]+)")
USERS_PAGE = "/verwaltung/benutzer"


def _text(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def _app(config: Config) -> Flask:
    flask_app = create_app(config)
    flask_app.config.update(WTF_CSRF_ENABLED=False)
    return flask_app


@pytest.fixture
def mail_app(mail_config: Config, engine: object) -> Flask:
    """The app with BASE_URL and the test SMTP server: reset by mail is available."""
    return _app(mail_config)


def _ask(client: FlaskClient, email: str) -> str:
    """Ask for a link; returns the page once the mail (if any) has been handed to SMTP."""
    response = client.post("/passwort-vergessen", data={"email": email})
    assert response.status_code == 200, _text(response)
    # The mail goes out after the answer: wait for it, not for some time.
    assert background_mailer(client.application).flush(timeout=30)
    return _text(response)


def _link_path(smtp_server: SmtpServer, to: str) -> str:
    """The path of the reset link in the one mail to `to` (text and HTML part agree)."""
    (mail,) = [m for m in smtp_server.messages if m.to == to]
    found = LINK.search(mail.part("plain"))
    assert found is not None, mail.part("plain")
    assert found.group(0) in html.unescape(mail.part("html"))
    return found.group(1)


def _login(flask_app: Flask, email: str, password: str) -> int:
    data = {"email": email, "password": password}
    return flask_app.test_client().post("/anmelden", data=data).status_code


def _reset(client: FlaskClient, path: str, password: str = NEW_PASSWORD):
    return client.post(path, data={"new": password, "repeat": password})


def test_the_mail_link_sets_a_new_password_once(
    mail_app: Flask, smtp_server: SmtpServer, user: User
) -> None:
    client = mail_app.test_client()
    login_page = _text(client.get("/anmelden"))
    assert 'href="/passwort-vergessen">Passwort vergessen?</a>' in login_page
    assert "E-Mail-Adresse" in _text(client.get("/passwort-vergessen"))

    page = _ask(client, " Anna.Schulte@Kreis-Coesfeld.de")
    assert SENT in page and "60 Minuten" in page

    (mail,) = smtp_server.messages
    assert mail.to == user.email
    assert mail.message["Subject"] == "Neues Passwort für funding-matcher festlegen"
    assert "Guten Tag Anna Schulte," in mail.part("plain")
    assert "gilt 60 Minuten und nur einmal" in mail.part("plain")
    path = _link_path(smtp_server, user.email)

    form = client.get(path)
    assert form.status_code == 200 and form.headers["Cache-Control"] == "private, no-store"
    assert "Neues Passwort festlegen" in _text(form) and user.email in _text(form)
    done = _reset(client, path)
    assert done.status_code == 302 and done.headers["Location"] == "/"
    inbox = client.get("/")
    assert inbox.status_code == 200  # logged in
    assert "Ihr neues Passwort gilt. Sie sind angemeldet." in _text(inbox)

    assert _login(mail_app, user.email, TEST_PASSWORD) == 401
    assert _login(mail_app, user.email, NEW_PASSWORD) == 302
    # The link has done its work: a second use changes nothing.
    again = _reset(mail_app.test_client(), path, "noch-ein-passwort-9")
    assert again.status_code == 400
    assert "Dieser Link gilt nicht mehr" in _text(again)
    assert _login(mail_app, user.email, NEW_PASSWORD) == 302


def test_the_reset_ends_other_sessions_and_lifts_a_lockout(
    mail_app: Flask, smtp_server: SmtpServer, user: User
) -> None:
    elsewhere = mail_app.test_client()
    data = {"email": user.email, "password": TEST_PASSWORD}
    assert elsewhere.post("/anmelden", data=data).status_code == 302
    for _ in range(MAX_FAILED_LOGINS):
        _login(mail_app, user.email, "falsch-geraten")
    locked = mail_app.test_client().post("/anmelden", data=data)
    assert "gesperrt" in _text(locked)

    client = mail_app.test_client()
    _ask(client, user.email)
    assert _reset(client, _link_path(smtp_server, user.email)).status_code == 302

    ended = elsewhere.get("/")
    assert ended.status_code == 302 and ended.headers["Location"].startswith("/anmelden")
    assert _login(mail_app, user.email, NEW_PASSWORD) == 302  # no longer locked


def test_a_link_older_than_60_minutes_is_refused(
    mail_app: Flask, session: Session, user: User
) -> None:
    row = session.get(User, user.id)
    assert row is not None
    with mail_app.app_context():
        old = reset_token(row, clock=lambda: time.time() - 61 * 60)
        recent = reset_token(row, clock=lambda: time.time() - 59 * 60)
    client = mail_app.test_client()
    for response in (client.get(f"/passwort-neu/{old}"), _reset(client, f"/passwort-neu/{old}")):
        assert response.status_code == 400
        assert "Dieser Link ist abgelaufen: er gilt 60 Minuten." in _text(response)
        assert 'href="/passwort-vergessen">Neuen Link anfordern' in _text(response)
    assert _login(mail_app, user.email, TEST_PASSWORD) == 302  # unchanged

    assert _reset(client, f"/passwort-neu/{recent}").status_code == 302
    assert _login(mail_app, user.email, NEW_PASSWORD) == 302


def test_forged_and_damaged_links_are_refused(
    mail_app: Flask, mail_config: Config, session: Session, user: User
) -> None:
    row = session.get(User, user.id)
    assert row is not None
    with mail_app.app_context():
        good = reset_token(row)
    other_app = _app(replace(mail_config, secret_key="ein-anderer-schluessel"))
    with other_app.app_context():
        foreign = reset_token(row)
    client = mail_app.test_client()
    for token in ("x", good[:-3], good[:20] + good[21:], foreign, "%00" * 10):
        response = _reset(client, f"/passwort-neu/{token}")
        assert response.status_code == 400, token
        assert "Dieser Link ist ungültig." in _text(response)
    assert _login(mail_app, user.email, TEST_PASSWORD) == 302


def test_a_password_change_on_konto_kills_an_outstanding_link(
    mail_app: Flask, smtp_server: SmtpServer, user: User
) -> None:
    client = mail_app.test_client()
    _ask(client, user.email)
    path = _link_path(smtp_server, user.email)
    client.post("/anmelden", data={"email": user.email, "password": TEST_PASSWORD})
    changed = "anderes-passwort-3"
    client.post(
        "/konto/passwort", data={"current": TEST_PASSWORD, "new": changed, "repeat": changed}
    )
    response = _reset(mail_app.test_client(), path)
    assert response.status_code == 400 and "Dieser Link gilt nicht mehr" in _text(response)
    assert _login(mail_app, user.email, changed) == 302


def test_password_rules_and_a_mistyped_repeat_keep_the_link_usable(
    mail_app: Flask, smtp_server: SmtpServer, user: User
) -> None:
    client = mail_app.test_client()
    _ask(client, user.email)
    path = _link_path(smtp_server, user.email)
    short = _reset(client, path, "kurz")
    assert short.status_code == 400 and "mindestens 8 Zeichen" in _text(short)
    mismatch = client.post(path, data={"new": NEW_PASSWORD, "repeat": NEW_PASSWORD + "x"})
    assert "Die beiden Passwörter stimmen nicht überein." in _text(mismatch)
    assert _login(mail_app, user.email, TEST_PASSWORD) == 302
    assert _reset(client, path).status_code == 302


def test_unknown_and_deactivated_addresses_get_no_mail_and_the_same_page(
    mail_app: Flask, smtp_server: SmtpServer, session: Session, user: User
) -> None:
    left = create_user(session, "gegangen@kreis-coesfeld.de", "lang-genug-1")
    set_active(session, left, False)
    session.commit()
    pages = {
        email: _ask(mail_app.test_client(), email).replace(email, "ADRESSE")
        for email in (user.email, "niemand@kreis-coesfeld.de", left.email)
    }
    assert SENT in pages[user.email]
    assert pages[user.email] == pages["niemand@kreis-coesfeld.de"] == pages[left.email]
    assert [m.to for m in smtp_server.messages] == [user.email]


def test_a_mail_server_that_is_down_shows_the_same_page(
    mail_app: Flask, smtp_server: SmtpServer, user: User
) -> None:
    smtp_server.stop()
    page = _ask(mail_app.test_client(), user.email)
    assert SENT in page


def test_the_page_answers_before_the_mail_server_does(
    mail_app: Flask, smtp_server: SmtpServer, user: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The answer for an existing login does not wait for SMTP, so its time tells nothing."""
    # Long enough that a request waiting for the server could not end by the timeout.
    monkeypatch.setenv("SMTP_TIMEOUT", "300")
    reached, release = threading.Event(), threading.Event()

    def hold(_number: int) -> None:
        reached.set()
        release.wait(timeout=120)

    smtp_server.handler.on_message = hold
    answers = []
    asking = threading.Thread(
        target=lambda: answers.append(
            mail_app.test_client().post("/passwort-vergessen", data={"email": user.email})
        ),
        daemon=True,
    )
    try:
        asking.start()
        asking.join(timeout=60)  # a guard against hanging, no measurement
        assert not asking.is_alive(), "die Seite wartet auf den SMTP-Server"
        (response,) = answers
        assert response.status_code == 200 and SENT in _text(response)
        # The mail is on its way: the server has it and holds it.
        assert reached.wait(timeout=60)
        assert smtp_server.messages == []
    finally:
        release.set()
    assert background_mailer(mail_app).flush(timeout=60)
    client = mail_app.test_client()
    assert _reset(client, _link_path(smtp_server, user.email)).status_code == 302
    assert _login(mail_app, user.email, NEW_PASSWORD) == 302


def test_a_mail_error_after_the_answer_is_logged_and_the_next_request_works(
    mail_app: Flask, smtp_server: SmtpServer, user: User, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING)
    answers = iter(["554 5.7.1 Empfang verweigert"])  # the first mail only
    smtp_server.handler.on_message = lambda _number: next(answers, None)
    client = mail_app.test_client()
    assert SENT in _ask(client, user.email)
    assert smtp_server.messages == []
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert any(
        f"Link zum Zurücksetzen an {user.email} nicht versandt" in w and "554" in w
        for w in warnings
    ), warnings

    assert SENT in _ask(client, user.email)
    assert _reset(client, _link_path(smtp_server, user.email)).status_code == 302
    assert _login(mail_app, user.email, NEW_PASSWORD) == 302


def test_without_base_url_the_page_says_to_ask_the_administration(
    mail_config: Config, engine: object, smtp_server: SmtpServer, user: User
) -> None:
    flask_app = _app(replace(mail_config, base_url_set=False))
    client = flask_app.test_client()
    for response in (
        client.get("/passwort-vergessen"),
        client.post("/passwort-vergessen", data={"email": user.email}),
    ):
        page = _text(response)
        assert response.status_code == 200
        assert "Das Zurücksetzen per E-Mail ist hier nicht eingerichtet." in page
        assert "an die Administration" in page
        assert SENT not in page and 'name="email"' not in page
    assert smtp_server.messages == []


def test_a_malformed_address_is_asked_again(mail_app: Flask, smtp_server: SmtpServer) -> None:
    response = mail_app.test_client().post("/passwort-vergessen", data={"email": "anna.schulte"})
    assert response.status_code == 400
    assert "Bitte eine vollständige E-Mail-Adresse angeben" in _text(response)
    assert smtp_server.messages == []


def test_requests_from_one_address_are_limited(
    mail_app: Flask, smtp_server: SmtpServer, user: User
) -> None:
    attacker = mail_app.test_client()
    attacker.environ_base["REMOTE_ADDR"] = "203.0.113.7"
    for _ in range(RESET_LIMIT_PER_ADDRESS):
        _ask(attacker, user.email)
    refused = attacker.post("/passwort-vergessen", data={"email": user.email})
    assert refused.status_code == 429 and int(refused.headers["Retry-After"]) > 0
    assert "Zu viele Anfragen von dieser Adresse. Bitte in 15 Minuten" in _text(refused)
    assert len(smtp_server.messages) == RESET_LIMIT_PER_ADDRESS
    # Another address may still ask; logins from the limited address are not affected.
    office = mail_app.test_client()
    office.environ_base["REMOTE_ADDR"] = "198.51.100.20"
    assert SENT in _ask(office, user.email)
    data = {"email": user.email, "password": TEST_PASSWORD}
    assert attacker.post("/anmelden", data=data).status_code == 302


def _admin_client(flask_app: Flask, session: Session) -> FlaskClient:
    create_user(session, "it@kreis-coesfeld.de", "admin-passwort-1", role="admin")
    session.commit()
    client = flask_app.test_client()
    data = {"email": "it@kreis-coesfeld.de", "password": "admin-passwort-1"}
    assert client.post("/anmelden", data=data).status_code == 302
    return client


def test_the_administration_can_send_the_link(
    mail_app: Flask, smtp_server: SmtpServer, session: Session, user: User
) -> None:
    admin = _admin_client(mail_app, session)
    assert "Link per E-Mail senden" in _text(admin.get(USERS_PAGE))
    sent = admin.post(f"{USERS_PAGE}/{user.id}/passwort-link", follow_redirects=True)
    assert f"Link zum Festlegen eines neuen Passworts an {user.email} gesendet" in _text(sent)
    client = mail_app.test_client()
    assert _reset(client, _link_path(smtp_server, user.email)).status_code == 302
    assert _login(mail_app, user.email, NEW_PASSWORD) == 302


def test_officers_cannot_send_the_link(
    mail_app: Flask, smtp_server: SmtpServer, session: Session, user: User
) -> None:
    other = create_user(session, "kollege@kreis-coesfeld.de", "lang-genug-1")
    session.commit()
    officer = mail_app.test_client()
    officer.post("/anmelden", data={"email": user.email, "password": TEST_PASSWORD})
    assert officer.post(f"{USERS_PAGE}/{other.id}/passwort-link").status_code == 403
    assert smtp_server.messages == []


def test_a_link_mailed_to_the_old_address_stops_working_when_it_is_changed(
    mail_app: Flask, smtp_server: SmtpServer, user: User, cli
) -> None:
    """The old address may be someone else's mailbox: the link sent there must not work."""
    _ask(mail_app.test_client(), user.email)
    path = _link_path(smtp_server, user.email)
    new = "anna.schulte-neu@kreis-coesfeld.de"
    assert cli("user", "rename", user.email, new).exit_code == 0

    response = _reset(mail_app.test_client(), path)

    assert response.status_code == 400 and "Dieser Link gilt nicht mehr" in _text(response)
    assert _login(mail_app, new, TEST_PASSWORD) == 302
