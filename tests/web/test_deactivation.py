"""Deactivating a login (an officer who leaves): no login, no session, no assignments; the
administrator's buttons on /verwaltung/benutzer and `funding-matcher user deactivate`."""

from __future__ import annotations

import html
import re
from datetime import timedelta

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.conftest import TEST_PASSWORD, CliInvoker, upgrade_with_old_login
from webapp.config import Config
from webapp.db import make_engine, make_session_factory
from webapp.formatting import format_date
from webapp.migrate import current_revision, downgrade, upgrade
from webapp.models import Match, User, utcnow
from webapp.users import DEACTIVATED_LOGIN, WRONG_LOGIN, create_user

ADMIN = "it@kreis-coesfeld.de"
ADMIN_PASSWORD = "admin-passwort-1"
USERS_PAGE = "/verwaltung/benutzer"


def _text(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def _admin(app: Flask, session: Session) -> tuple[FlaskClient, User]:
    admin = create_user(session, ADMIN, ADMIN_PASSWORD, role="admin", name="IT")
    session.commit()
    client = app.test_client()
    response = client.post("/anmelden", data={"email": ADMIN, "password": ADMIN_PASSWORD})
    assert response.status_code == 302
    return client, admin


def _row(page: str, email: str) -> str:
    """The table row of `email` on the Benutzer page."""
    found = re.search(rf"<tr[^>]*>\s*<td[^>]*>{re.escape(email)}.*?</tr>", page, re.S)
    assert found is not None, email
    return found.group(0)


def _assignees(page: str) -> str:
    """The options of the review panel's "Zuständig" choice."""
    found = re.search(r'<select id="r-assignee".*?</select>', page, re.S)
    assert found is not None
    return found.group(0)


def _active(session: Session, user_id: int) -> bool:
    session.expire_all()
    row = session.get(User, user_id)
    assert row is not None
    return row.active


def test_migration_0008_marks_existing_logins_active_and_downgrades(config: Config) -> None:
    engine = make_engine(config.database_url)
    try:
        upgrade_with_old_login(engine, "0007")
        with make_session_factory(engine)() as session:
            old = session.scalars(select(User)).one()
            assert old.active is True
            old.active = False
            session.commit()
        downgrade(engine, "0007")
        assert current_revision(engine) == "0007"
        with engine.connect() as conn:
            columns = [row[1] for row in conn.exec_driver_sql("PRAGMA table_info(users)")]
            assert "active" not in columns and "email" in columns
            assert conn.exec_driver_sql("SELECT count(*) FROM users").scalar() == 1
        upgrade(engine)
        with make_session_factory(engine)() as session:
            assert session.scalars(select(User)).one().active is True  # all active again
    finally:
        engine.dispose()


def test_a_deactivated_login_is_refused_only_after_the_right_password(
    client: FlaskClient, session: Session, user: User
) -> None:
    session.get(User, user.id).active = False  # type: ignore[union-attr]
    session.commit()
    wrong = client.post("/anmelden", data={"email": user.email, "password": "falsch-geraten"})
    assert wrong.status_code == 401
    assert WRONG_LOGIN in _text(wrong) and DEACTIVATED_LOGIN not in _text(wrong)
    right = client.post("/anmelden", data={"email": user.email, "password": TEST_PASSWORD})
    assert right.status_code == 401 and DEACTIVATED_LOGIN in _text(right)
    assert client.get("/").status_code == 302  # no session was opened


def test_deactivating_ends_the_open_session_and_reactivating_restores_the_login(
    app: Flask, auth_client: FlaskClient, session: Session, user: User
) -> None:
    admin_client, _ = _admin(app, session)
    assert auth_client.get("/").status_code == 200
    page = _text(admin_client.get(USERS_PAGE))
    row = _row(page, user.email)
    assert "aktiv" in row and "Deaktivieren" in row

    response = admin_client.post(f"{USERS_PAGE}/{user.id}/deaktivieren")
    assert response.status_code == 302
    page = _text(admin_client.get(USERS_PAGE))
    assert f"Anmeldung {user.email} deaktiviert." in page
    row = _row(page, user.email)
    assert "deaktiviert" in row and "Wieder aktivieren" in row
    assert not _active(session, user.id)
    # The officer's open session ends at the next request.
    ended = auth_client.get("/")
    assert ended.status_code == 302 and ended.headers["Location"].startswith("/anmelden")

    assert admin_client.post(f"{USERS_PAGE}/{user.id}/aktivieren").status_code == 302
    assert "wieder aktiviert" in _text(admin_client.get(USERS_PAGE))
    assert _active(session, user.id)
    again = auth_client.post("/anmelden", data={"email": user.email, "password": TEST_PASSWORD})
    assert again.status_code == 302


def test_an_admin_cannot_deactivate_themselves(app: Flask, session: Session) -> None:
    admin_client, admin = _admin(app, session)
    row = _row(_text(admin_client.get(USERS_PAGE)), ADMIN)
    assert "Deaktivieren" not in row and "Ihre Anmeldung" in row
    response = admin_client.post(f"{USERS_PAGE}/{admin.id}/deaktivieren", follow_redirects=True)
    assert "Sie können Ihre eigene Anmeldung nicht deaktivieren." in _text(response)
    assert _active(session, admin.id)
    assert admin_client.get(USERS_PAGE).status_code == 200  # still logged in


def test_officers_cannot_use_the_buttons(
    auth_client: FlaskClient, session: Session, user: User
) -> None:
    other = create_user(session, "kollege@kreis-coesfeld.de", "lang-genug-1")
    session.commit()
    assert auth_client.post(f"{USERS_PAGE}/{other.id}/deaktivieren").status_code == 403
    assert _active(session, other.id)


def test_the_buttons_need_the_csrf_token(app: Flask, session: Session, user: User) -> None:
    admin_client, _ = _admin(app, session)
    app.config.update(WTF_CSRF_ENABLED=True)
    response = admin_client.post(f"{USERS_PAGE}/{user.id}/deaktivieren")
    assert response.status_code == 400
    assert _active(session, user.id)


def test_cli_deactivate_and_activate(cli: CliInvoker, session: Session, user: User) -> None:
    result = cli("user", "deactivate", "Anna.Schulte@kreis-coesfeld.de ")
    assert result.exit_code == 0, result.output
    assert f"Anmeldung {user.email} deaktiviert" in result.output
    assert not _active(session, user.id)
    again = cli("user", "deactivate", user.email)
    assert again.exit_code == 0 and "schon deaktiviert – unverändert" in again.output
    back = cli("user", "activate", user.email)
    assert back.exit_code == 0 and f"Anmeldung {user.email} wieder aktiviert." in back.output
    assert _active(session, user.id)
    unknown = cli("user", "deactivate", "niemand@kreis-coesfeld.de")
    assert unknown.exit_code == 1
    assert "Es gibt keine Anmeldung für niemand@kreis-coesfeld.de." in unknown.output


def test_cli_refuses_to_deactivate_the_last_active_admin(cli: CliInvoker, session: Session) -> None:
    admin = create_user(session, ADMIN, ADMIN_PASSWORD, role="admin")
    second = create_user(session, "zweite@kreis-coesfeld.de", ADMIN_PASSWORD, role="admin")
    session.commit()
    assert cli("user", "deactivate", second.email).exit_code == 0
    last = cli("user", "deactivate", ADMIN)
    assert last.exit_code == 1 and "letzte aktive Administration" in last.output
    assert _active(session, admin.id)


def test_a_deactivated_officer_is_not_offered_as_assignee_but_keeps_their_name(
    app: Flask, auth_client: FlaskClient, session: Session, user: User
) -> None:
    left = create_user(session, "gegangen@kreis-coesfeld.de", "lang-genug-1", name="Gerd")
    session.commit()
    left_client = app.test_client()
    left_client.post("/anmelden", data={"email": left.email, "password": "lang-genug-1"})
    call_id = session.scalars(select(Match.call_id).order_by(Match.score.desc())).first()
    saved = left_client.post(
        f"/aufrufe/{call_id}/bewertung",
        data={"status": "in Prüfung", "note": "", "assignee_id": str(left.id)},
    )
    assert saved.status_code == 302
    assert _admin(app, session)[0].post(f"{USERS_PAGE}/{left.id}/deaktivieren").status_code == 302

    page = _text(auth_client.get(f"/aufrufe/{call_id}"))
    # Still shown as the current assignee (marked), and as the author of the past decision.
    assert f'<option value="{left.id}" selected>Gerd (deaktiviert)</option>' in _assignees(page)
    assert "Gerd</span>" in page
    # Saving the panel for another reason keeps the assignment ...
    kept = auth_client.post(
        f"/aufrufe/{call_id}/bewertung",
        data={"status": "relevant", "note": "", "assignee_id": str(left.id)},
    )
    assert kept.status_code == 302
    # ... but once another is chosen, the deactivated officer is no longer on offer.
    auth_client.post(
        f"/aufrufe/{call_id}/bewertung",
        data={"status": "relevant", "note": "", "assignee_id": str(user.id)},
    )
    page = _text(auth_client.get(f"/aufrufe/{call_id}"))
    assert f'<option value="{left.id}"' not in _assignees(page) and "Gerd</span>" in page
    refused = auth_client.post(
        f"/aufrufe/{call_id}/bewertung",
        data={"status": "relevant", "note": "", "assignee_id": str(left.id)},
    )
    assert refused.status_code == 400
    assert "Gerd ist deaktiviert und kann nicht zuständig werden." in _text(refused)


def test_the_calendar_feed_of_a_deactivated_login_stops(
    client: FlaskClient, session: Session, user: User
) -> None:
    feed = f"/kalender/{user.ical_token}.ics"
    assert client.get(feed).status_code == 200
    session.get(User, user.id).active = False  # type: ignore[union-attr]
    session.commit()
    assert client.get(feed).status_code == 404


def test_the_users_page_dates_a_deactivation_and_names_the_erasure_day(
    app: Flask, config: Config, cli: CliInvoker, session: Session, user: User
) -> None:
    admin_client, _ = _admin(app, session)
    assert cli("user", "deactivate", user.email).exit_code == 0
    session.expire_all()
    since = session.get(User, user.id).deactivated_at  # type: ignore[union-attr]
    assert since is not None and since > utcnow() - timedelta(minutes=5)
    day = format_date(since)

    row = _row(_text(admin_client.get(USERS_PAGE)), user.email)
    assert f"deaktiviert seit {day}" in row and "gelöscht" not in row

    config.user_erase_after_days = 30  # USER_ERASE_AFTER_DAYS=30
    row = _row(_text(admin_client.get(USERS_PAGE)), user.email)
    assert f"wird ab {format_date(since + timedelta(days=30))} gelöscht" in row

    # Reactivated and deactivated again: the clock starts anew.
    assert admin_client.post(f"{USERS_PAGE}/{user.id}/aktivieren").status_code == 302
    session.expire_all()
    assert session.get(User, user.id).deactivated_at is None  # type: ignore[union-attr]
    assert "deaktiviert seit" not in _row(_text(admin_client.get(USERS_PAGE)), user.email)
    assert admin_client.post(f"{USERS_PAGE}/{user.id}/deaktivieren").status_code == 302
    session.expire_all()
    assert session.get(User, user.id).deactivated_at >= since  # type: ignore[union-attr,operator]


def test_a_deactivation_of_unknown_date_is_never_erased_automatically(
    app: Flask, config: Config, session: Session, user: User
) -> None:
    admin_client, _ = _admin(app, session)
    user.active = False  # deactivated before the upgrade to 0014: no date
    session.merge(user)
    session.commit()
    config.user_erase_after_days = 30
    row = _row(_text(admin_client.get(USERS_PAGE)), user.email)
    assert "deaktiviert" in row and "deaktiviert seit" not in row
    assert "Datum unbekannt, wird nicht automatisch gelöscht" in row
