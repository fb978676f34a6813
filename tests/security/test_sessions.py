"""Login sessions live on the server (table `login_sessions`): the signed cookie carries a
token whose row must exist, so a copy of the cookie (a shared or stolen computer, a cookie
read from a backup) is refused once its session has ended — by logout, a new password,
deactivation, "Alle anderen Sitzungen abmelden", the idle timeout or the lifetime.
"""

from __future__ import annotations

import hashlib
import html
import re
from datetime import timedelta
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import Engine, select, update
from sqlalchemy.orm import Session
from werkzeug.security import generate_password_hash

from tests.conftest import TEST_PASSWORD, CliInvoker, upgrade_with_old_login
from webapp.app import create_app
from webapp.config import Config, ConfigError
from webapp.db import make_engine, make_session_factory
from webapp.login_sessions import describe_browser
from webapp.migrate import current_revision, downgrade, upgrade
from webapp.models import LoginSession, User, utcnow
from webapp.users import create_user

NEW_PASSWORD = "ganz-neues-geheimnis-7"
EXPIRED = "Ihre Sitzung ist abgelaufen. Bitte melden Sie sich erneut an."
FIREFOX = "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:128.0) Gecko/20100101 Firefox/128.0"
IPHONE = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1"
)
ADMIN = "it@kreis-coesfeld.de"
ADMIN_PASSWORD = "admin-passwort-1"


def _text(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def _login(app: Flask, email: str, password: str, user_agent: str = "") -> FlaskClient:
    client = app.test_client()
    headers = {"User-Agent": user_agent} if user_agent else {}
    response = client.post(
        "/anmelden", data={"email": email, "password": password}, headers=headers
    )
    assert response.status_code == 302, _text(response)
    return client


def _refused(client: FlaskClient) -> bool:
    """True when the client is sent to the login page instead of the inbox."""
    response = client.get("/")
    return response.status_code == 302 and response.headers["Location"].startswith("/anmelden")


def _rows(session: Session, user_id: int) -> list[LoginSession]:
    session.expire_all()
    return list(session.scalars(select(LoginSession).where(LoginSession.user_id == user_id)))


def _cookie_token(app: Flask, client: FlaskClient) -> str:
    """The session token in the client's signed (not encrypted) session cookie."""
    cookie = client.get_cookie("session")
    assert cookie is not None
    data = app.session_interface.get_signing_serializer(app).loads(cookie.value)  # type: ignore[attr-defined]
    _, _, token = data["_user_id"].partition(":")
    return str(token)


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


def test_a_cookie_copied_before_logout_is_refused_after_logout(
    app: Flask, auth_client: FlaskClient, session: Session, user: User
) -> None:
    copy = _copy_of(app, auth_client)
    assert copy.get("/").status_code == 200
    assert auth_client.post("/abmelden").status_code == 302
    assert _refused(auth_client)
    # The copy (a shared office computer, a stolen cookie) is refused as well.
    assert _refused(copy)
    assert copy.get("/konto").status_code == 302
    assert _rows(session, user.id) == []


def test_the_token_is_kept_only_as_its_hash(
    app: Flask, auth_client: FlaskClient, session: Session, user: User
) -> None:
    token = _cookie_token(app, auth_client)
    assert len(token) >= 40
    (row,) = _rows(session, user.id)
    assert row.token_hash == hashlib.sha256(token.encode()).hexdigest()
    with session.get_bind().connect() as conn:  # type: ignore[union-attr]
        stored = conn.exec_driver_sql("SELECT * FROM login_sessions").all()
    assert not any(token in str(value) for value in stored[0])
    # nor in the database file itself (SQLite; the test database is one)
    database_file = Path(app.config["FM_CONFIG"].database_url.removeprefix("sqlite:///"))
    assert database_file.exists()
    wal = database_file.with_name(database_file.name + "-wal")
    for path in (database_file, wal):
        if path.exists():
            assert token.encode() not in path.read_bytes()


def test_a_cookie_without_a_valid_token_is_refused(app: Flask, user: User) -> None:
    serializer = app.session_interface.get_signing_serializer(app)  # type: ignore[attr-defined]
    for value in (str(user.id), f"{user.id}:", f"{user.id}:erfunden", f"{user.id}:{'x' * 500}"):
        forged = app.test_client()
        forged.set_cookie("session", serializer.dumps({"_user_id": value, "_fresh": True}))
        assert _refused(forged), value


def test_an_idle_session_ends_after_the_idle_timeout(
    app: Flask, auth_client: FlaskClient, session: Session, user: User
) -> None:
    # Just within the 8 hours: still valid, and the visit counts as activity.
    _age(session, user.id, idle=timedelta(hours=7, minutes=55))
    assert auth_client.get("/").status_code == 200
    (row,) = _rows(session, user.id)
    assert utcnow() - row.last_seen_at < timedelta(minutes=1)

    _age(session, user.id, idle=timedelta(hours=8, minutes=1))
    response = auth_client.get("/fristen/")
    assert response.status_code == 302
    assert response.headers["Location"] == "/anmelden?next=/fristen/"
    assert EXPIRED in _text(auth_client.get(response.headers["Location"]))
    assert _rows(session, user.id) == []  # the expired row is gone at once
    assert _refused(auth_client)


def test_a_session_ends_after_its_lifetime_however_active(
    app: Flask, auth_client: FlaskClient, session: Session, user: User
) -> None:
    _age(session, user.id, age=timedelta(days=13, hours=23))
    assert auth_client.get("/").status_code == 200
    _age(session, user.id, age=timedelta(days=14, minutes=1))
    assert _refused(auth_client)
    # A new login opens a new session.
    fresh = _login(app, user.email, TEST_PASSWORD)
    assert fresh.get("/").status_code == 200


def test_the_timeouts_come_from_the_environment(config: Config, engine: Engine) -> None:
    env = {"SESSION_IDLE_HOURS": "1", "SESSION_MAX_DAYS": "2"}
    settings = Config.from_env(env)
    assert (settings.session_idle_hours, settings.session_max_days) == (1, 2)
    defaults = Config.from_env({})
    assert (defaults.session_idle_hours, defaults.session_max_days) == (8, 14)
    with pytest.raises(ConfigError, match="SESSION_IDLE_HOURS muss eine ganze Zahl sein"):
        Config.from_env({"SESSION_IDLE_HOURS": "8h"})
    with pytest.raises(ConfigError, match="SESSION_MAX_DAYS muss mindestens 1 sein, nicht 0"):
        Config.from_env({"SESSION_MAX_DAYS": "0"})

    config.session_idle_hours = 1
    app = create_app(config)
    app.config.update(WTF_CSRF_ENABLED=False)
    factory = make_session_factory(engine)
    with factory() as session:
        user = create_user(session, "kurz@kreis-coesfeld.de", TEST_PASSWORD)
        session.commit()
        client = _login(app, user.email, TEST_PASSWORD)
        _age(session, user.id, idle=timedelta(minutes=61))
        assert _refused(client)
        assert "nach einer Stunde ohne Aktivität" in _text(
            _login(app, user.email, TEST_PASSWORD).get("/konto")
        )
    # Flask's own limit on the signed cookie is no longer than a session may last.
    assert app.permanent_session_lifetime == timedelta(days=14)


def test_activity_is_written_at_most_every_few_minutes(
    auth_client: FlaskClient, session: Session, user: User
) -> None:
    _age(session, user.id, idle=timedelta(minutes=2))
    before = [row.last_seen_at for row in _rows(session, user.id)]
    for _ in range(3):
        assert auth_client.get("/").status_code == 200
    assert [row.last_seen_at for row in _rows(session, user.id)] == before  # no write each time
    _age(session, user.id, idle=timedelta(minutes=6))
    assert auth_client.get("/").status_code == 200
    (touched,) = _rows(session, user.id)
    assert utcnow() - touched.last_seen_at < timedelta(minutes=1)


def test_expired_sessions_are_deleted_at_the_next_login(
    app: Flask, session: Session, user: User
) -> None:
    for _ in range(3):
        _login(app, user.email, TEST_PASSWORD)
    _age(session, user.id, idle=timedelta(hours=9))
    other = create_user(session, "kollege@kreis-coesfeld.de", "lang-genug-1")
    session.commit()
    old_of_other = _login(app, other.email, "lang-genug-1")
    _age(session, other.id, age=timedelta(days=15))
    # Any login clears the rows that can no longer be used, whoever they belonged to.
    _login(app, user.email, TEST_PASSWORD)
    assert len(_rows(session, user.id)) == 1
    assert _rows(session, other.id) == []
    assert _refused(old_of_other)


def test_a_new_password_keeps_this_session_and_ends_the_others(
    app: Flask, auth_client: FlaskClient, session: Session, user: User
) -> None:
    elsewhere = _login(app, user.email, TEST_PASSWORD)
    (this_row,) = [r for r in _rows(session, user.id) if r.id != _row_of(app, elsewhere, session)]
    auth_client.post(
        "/konto/passwort",
        data={"current": TEST_PASSWORD, "new": NEW_PASSWORD, "repeat": NEW_PASSWORD},
    )
    page = _text(auth_client.get("/konto"))
    assert "Das Passwort ist geändert. Eine andere Sitzung wurde abgemeldet." in page
    assert _refused(elsewhere)
    # This session goes on in the same row ("angemeldet seit" unchanged).
    assert [r.id for r in _rows(session, user.id)] == [this_row.id]


def test_the_konto_page_lists_the_sessions_and_logs_out_all_others(
    app: Flask, session: Session, user: User
) -> None:
    mine = _login(app, user.email, TEST_PASSWORD, FIREFOX)
    phone = _login(app, user.email, TEST_PASSWORD, IPHONE)
    copy = _copy_of(app, mine)  # the same session, e.g. a stolen cookie
    section = _plain(_section(_text(mine.get("/konto"))))
    assert "Angemeldete Sitzungen" in section
    assert "Firefox 128 unter Windows (diese Sitzung)" in section
    assert "Safari 17 unter iOS" in section and "Safari 17 unter iOS (diese Sitzung)" not in section
    assert section.count("(diese Sitzung)") == 1
    assert "Angemeldet seit" in section and "Zuletzt aktiv" in section
    assert "Alle anderen Sitzungen abmelden" in section

    response = mine.post("/konto/sitzungen-abmelden")
    assert response.headers["Location"] == "/konto#sitzungen"
    section = _plain(_section(_text(mine.get("/konto"))))
    assert "Eine andere Sitzung wurde abgemeldet." in section
    assert "Safari" not in section and "Firefox 128 unter Windows (diese Sitzung)" in section
    assert "Alle anderen Sitzungen abmelden" not in section
    assert _refused(phone)
    assert _refused(copy)  # a copy of this very cookie is out too: its token was renewed
    assert mine.get("/").status_code == 200
    assert len(_rows(session, user.id)) == 1


def test_logging_out_other_sessions_needs_the_csrf_token(
    app: Flask, session: Session, user: User
) -> None:
    mine = _login(app, user.email, TEST_PASSWORD)
    phone = _login(app, user.email, TEST_PASSWORD)
    app.config.update(WTF_CSRF_ENABLED=True)
    assert mine.post("/konto/sitzungen-abmelden").status_code == 400
    assert phone.get("/").status_code == 200
    # With the form's token it works.
    token = re.search(r'name="csrf_token" value="([^"]+)"', _section(_text(mine.get("/konto"))))
    assert token is not None
    done = mine.post("/konto/sitzungen-abmelden", data={"csrf_token": token.group(1)})
    assert done.status_code == 302
    assert _refused(phone)


def test_the_list_shows_only_the_own_sessions(app: Flask, session: Session, user: User) -> None:
    other = create_user(session, "kollege@kreis-coesfeld.de", "lang-genug-1")
    session.commit()
    _login(app, other.email, "lang-genug-1", IPHONE)
    colleague = _login(app, other.email, "lang-genug-1", IPHONE)
    mine = _login(app, user.email, TEST_PASSWORD, FIREFOX)
    assert "Safari" not in _section(_text(mine.get("/konto")))
    mine.post("/konto/sitzungen-abmelden")
    assert colleague.get("/").status_code == 200
    assert len(_rows(session, other.id)) == 2


def test_deactivation_and_resets_by_the_administration_end_all_sessions_at_once(
    app: Flask, auth_client: FlaskClient, cli: CliInvoker, session: Session, user: User
) -> None:
    create_user(session, ADMIN, ADMIN_PASSWORD, role="admin")
    session.commit()
    admin = _login(app, ADMIN, ADMIN_PASSWORD)
    admin_elsewhere = _login(app, ADMIN, ADMIN_PASSWORD)
    _login(app, user.email, TEST_PASSWORD)
    assert len(_rows(session, user.id)) == 2

    admin.post(f"/verwaltung/benutzer/{user.id}/passwort", data={"password": NEW_PASSWORD})
    assert _rows(session, user.id) == []
    assert _refused(auth_client)

    officer = _login(app, user.email, NEW_PASSWORD)
    admin.post(f"/verwaltung/benutzer/{user.id}/deaktivieren")
    assert _rows(session, user.id) == []
    assert _refused(officer)
    admin.post(f"/verwaltung/benutzer/{user.id}/aktivieren")

    officer = _login(app, user.email, NEW_PASSWORD)
    assert cli("user", "password", user.email, "--password", TEST_PASSWORD).exit_code == 0
    assert _rows(session, user.id) == []
    assert _refused(officer)

    officer = _login(app, user.email, TEST_PASSWORD)
    assert cli("user", "deactivate", user.email).exit_code == 0
    assert _rows(session, user.id) == []
    assert _refused(officer)

    # An administrator who resets their own password stays logged in here, not elsewhere.
    own = session.scalar(select(User).where(User.email == ADMIN))
    assert own is not None
    admin.post(f"/verwaltung/benutzer/{own.id}/passwort", data={"password": NEW_PASSWORD})
    assert admin.get("/verwaltung/benutzer").status_code == 200
    assert _refused(admin_elsewhere)
    assert len(_rows(session, own.id)) == 1


def test_a_reset_link_ends_every_session_and_opens_one(
    app: Flask, auth_client: FlaskClient, session: Session, user: User
) -> None:
    from webapp.password_reset import reset_token

    elsewhere = _login(app, user.email, TEST_PASSWORD)
    with app.test_request_context():
        row = session.get(User, user.id)
        assert row is not None
        path = f"/passwort-neu/{reset_token(row)}"
    browser = app.test_client()
    done = browser.post(path, data={"new": NEW_PASSWORD, "repeat": NEW_PASSWORD})
    assert done.status_code == 302
    assert _refused(auth_client) and _refused(elsewhere)
    assert browser.get("/").status_code == 200
    assert len(_rows(session, user.id)) == 1


def test_a_deleted_login_takes_its_sessions_along(
    app: Flask, auth_client: FlaskClient, session: Session, user: User
) -> None:
    row = session.get(User, user.id)
    session.delete(row)
    session.commit()
    assert session.scalars(select(LoginSession)).all() == []
    assert _refused(auth_client)


@pytest.mark.parametrize(
    ("user_agent", "expected"),
    [
        (FIREFOX, "Firefox 128 unter Windows"),
        (IPHONE, "Safari 17 unter iOS"),
        (
            "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
            "Chrome/126.0.0.0 Safari/537.36",
            "Chrome 126 unter Linux",
        ),
        (
            "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
            "Chrome/126.0.0.0 Safari/537.36 Edg/126.0.2592.68",
            "Edge 126 unter Windows",
        ),
        (
            "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) "
            "Chrome/126.0.6478.71 Mobile Safari/537.36",
            "Chrome 126 unter Android",
        ),
        (
            "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) AppleWebKit/605.1.15 "
            "(KHTML, like Gecko) Version/17.5 Safari/605.1.15",
            "Safari 17 unter macOS",
        ),
        ("Werkzeug/3.1", "Unbekannter Browser"),
        ("", "Unbekannter Browser"),
    ],
)
def test_the_browser_is_named_in_short(user_agent: str, expected: str) -> None:
    assert describe_browser(user_agent) == expected


def test_migration_0009_keeps_the_logins_and_downgrades(any_config: Config) -> None:
    """An installation with logins upgrades; its old sessions (cookie only) are refused."""
    engine = make_engine(any_config.database_url)
    try:
        upgrade_with_old_login(engine, "0008", generate_password_hash(TEST_PASSWORD))
        app = create_app(any_config)
        app.config.update(WTF_CSRF_ENABLED=False)
        client = _login(app, "alt@kreis.de", TEST_PASSWORD)
        assert client.get("/").status_code == 200
        with make_session_factory(engine)() as session:
            (row,) = session.scalars(select(LoginSession)).all()
            user_id = row.user_id
        # A cookie of the form before 0009 ("id:password digest") opens nothing.
        serializer = app.session_interface.get_signing_serializer(app)  # type: ignore[attr-defined]
        old = app.test_client()
        old.set_cookie("session", serializer.dumps({"_user_id": f"{user_id}:{'a' * 32}"}))
        assert _refused(old)

        downgrade(engine, "0008")
        assert current_revision(engine) == "0008"
        with engine.connect() as conn:
            assert conn.exec_driver_sql("SELECT count(*) FROM users").scalar() == 1
        upgrade(engine)
        with make_session_factory(engine)() as session:
            assert session.scalars(select(LoginSession)).all() == []
            # ON DELETE CASCADE on both backends: a deleted login leaves no session rows.
            _login(app, "alt@kreis.de", TEST_PASSWORD)
            session.delete(session.get(User, user_id))
            session.commit()
            assert session.scalars(select(LoginSession)).all() == []
    finally:
        engine.dispose()


def _age(
    session: Session, user_id: int, *, idle: timedelta | None = None, age: timedelta | None = None
) -> None:
    """Make the sessions of `user_id` look last used `idle` ago or opened `age` ago."""
    now = utcnow()
    values = {}
    if idle is not None:
        values["last_seen_at"] = now - idle
    if age is not None:
        values["created_at"] = now - age
        values.setdefault("last_seen_at", now)
    session.execute(update(LoginSession).where(LoginSession.user_id == user_id).values(values))
    session.commit()


def _row_of(app: Flask, client: FlaskClient, session: Session) -> int:
    """The id of the session row behind `client`'s cookie."""
    digest = hashlib.sha256(_cookie_token(app, client).encode()).hexdigest()
    row_id = session.scalar(select(LoginSession.id).where(LoginSession.token_hash == digest))
    assert row_id is not None
    return row_id


def _section(page: str) -> str:
    """The section "Angemeldete Sitzungen" of /konto."""
    found = re.search(r'<section class="card" id="sitzungen".*?</section>', page, re.S)
    assert found is not None
    return found.group(0)


def _plain(markup: str) -> str:
    """The text of `markup`, tags dropped and spaces collapsed."""
    return " ".join(re.sub(r"<[^>]+>", " ", markup).split())
