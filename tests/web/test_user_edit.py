"""A login's display name and role changed: the form under the address on
/verwaltung/benutzer and `funding-matcher user edit`; the last active administrator keeps
the role, and the history's assignee entries follow the name."""

from __future__ import annotations

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.conftest import CliInvoker
from tests.web.test_deactivation import (
    ADMIN,
    ADMIN_PASSWORD,
    USERS_PAGE,
    _admin,
    _row,
    _text,
)
from webapp.auth import ADMIN_ONLY
from webapp.models import Match, ReviewEvent, User
from webapp.users import create_user, former_names

LAST_ADMIN = (
    f"{ADMIN} ist die letzte aktive Administration und kann die Rolle nicht abgeben. "
    "Legen Sie zuerst eine weitere an."
)


def _stored(session: Session, user_id: int) -> tuple[str, str]:
    session.expire_all()
    row = session.get(User, user_id)
    assert row is not None
    return row.name, row.role


def _assign(client: FlaskClient, session: Session, assignee: User) -> int:
    """Assign the best-matching call to `assignee` through the review panel; its id."""
    call_id = session.scalars(select(Match.call_id).order_by(Match.score.desc())).first()
    assert call_id is not None
    saved = client.post(
        f"/aufrufe/{call_id}/bewertung",
        data={"status": "in Prüfung", "note": "", "assignee_id": str(assignee.id)},
    )
    assert saved.status_code == 302
    return call_id


def _assignee_labels(session: Session) -> list[str]:
    session.expire_all()
    return list(session.scalars(select(ReviewEvent.new).where(ReviewEvent.field == "assignee_id")))


def test_the_administration_changes_name_and_role(
    app: Flask, auth_client: FlaskClient, session: Session, user: User
) -> None:
    admin, _ = _admin(app, session)
    row = _row(_text(admin.get(USERS_PAGE)), user.email)
    assert "Name und Rolle ändern" in row
    assert f'action="{USERS_PAGE}/{user.id}/name-rolle"' in row
    assert 'value="Anna Schulte"' in row
    assert auth_client.get(USERS_PAGE).status_code == 403  # an officer so far

    done = admin.post(
        f"{USERS_PAGE}/{user.id}/name-rolle",
        data={"name": "  Anna Meier ", "role": "admin"},
        follow_redirects=True,
    )

    page = _text(done)
    assert (
        f"Anmeldung {user.email} geändert: Name: Anna Schulte → Anna Meier; "
        "Rolle: Fördermittelmanagement → Administration." in page
    )
    row = _row(page, user.email)
    assert 'data-label="Name">Anna Meier</td>' in row
    assert 'data-label="Rolle">Administration</td>' in row
    assert _stored(session, user.id) == ("Anna Meier", "admin")
    # `user forget` and `user export` must still find her by the old name (docs/privacy.md).
    assert [(row.kind, row.value) for row in former_names(session, user)] == [
        ("name", "Anna Schulte")
    ]
    # Her open session goes on, with the new name and the administration's page.
    assert "Anna Meier</a>" in _text(auth_client.get("/"))
    assert auth_client.get(USERS_PAGE).status_code == 200


def test_an_empty_name_shows_the_address(
    app: Flask, auth_client: FlaskClient, session: Session, user: User
) -> None:
    admin, _ = _admin(app, session)
    done = admin.post(
        f"{USERS_PAGE}/{user.id}/name-rolle",
        data={"name": "", "role": "officer"},
        follow_redirects=True,
    )
    page = _text(done)
    assert (
        f"Anmeldung {user.email} geändert: Name: Anna Schulte → – "
        f"(gezeigt wird die Adresse {user.email})." in page
    )
    assert 'data-label="Name">–</td>' in _row(page, user.email)
    assert _stored(session, user.id) == ("", "officer")
    assert f"{user.email}</a>" in _text(auth_client.get("/"))  # the header names her so
    same = admin.post(
        f"{USERS_PAGE}/{user.id}/name-rolle",
        data={"name": "", "role": "officer"},
        follow_redirects=True,
    )
    assert f"Name und Rolle von {user.email} unverändert." in _text(same)


def test_the_last_active_admin_keeps_the_role(app: Flask, session: Session, user: User) -> None:
    admin, me = _admin(app, session)
    refused = admin.post(
        f"{USERS_PAGE}/{me.id}/name-rolle",
        data={"name": "Ida Technik", "role": "officer"},
        follow_redirects=True,
    )
    assert f"Name und Rolle von {ADMIN} unverändert: {LAST_ADMIN}" in _text(refused)
    assert _stored(session, me.id) == ("IT", "admin")  # the name was not taken either
    unknown = admin.post(
        f"{USERS_PAGE}/{user.id}/name-rolle",
        data={"name": "Anna Schulte", "role": "chef"},
        follow_redirects=True,
    )
    assert "Unbekannte Rolle 'chef'" in _text(unknown)
    assert _stored(session, user.id) == ("Anna Schulte", "officer")
    # A deactivated administrator does not count: she is not the one that keeps the access.
    other = create_user(session, "alt@kreis-coesfeld.de", ADMIN_PASSWORD, role="admin")
    other.active = False
    session.commit()
    done = admin.post(f"{USERS_PAGE}/{other.id}/name-rolle", data={"name": "", "role": "officer"})
    assert done.status_code == 302 and _stored(session, other.id) == ("", "officer")


def test_giving_up_the_own_admin_role_leaves_the_administration_not_the_app(
    app: Flask, session: Session, user: User
) -> None:
    admin, me = _admin(app, session)
    create_user(session, "zweite@kreis-coesfeld.de", ADMIN_PASSWORD, role="admin")
    session.commit()
    row = _row(_text(admin.get(USERS_PAGE)), ADMIN)
    assert "Geben Sie die Rolle Administration ab, endet Ihr Zugang zu dieser Seite" in row

    done = admin.post(f"{USERS_PAGE}/{me.id}/name-rolle", data={"name": "IT", "role": "officer"})

    assert done.status_code == 302 and done.headers["Location"] == "/"
    page = _text(admin.get("/"))  # still logged in, the messages on the Eingang
    assert f"Anmeldung {ADMIN} geändert: Rolle: Administration → Fördermittelmanagement." in page
    assert "Sie haben die Rolle Administration abgegeben" in page
    assert ">Benutzer</a>" not in page  # no longer in the header
    refused = admin.get(USERS_PAGE)
    assert refused.status_code == 403 and ADMIN_ONLY in _text(refused)
    assert _stored(session, me.id) == ("IT", "officer")


def test_officers_and_forms_without_csrf_token_change_nothing(
    app: Flask, auth_client: FlaskClient, session: Session, user: User
) -> None:
    admin, _ = _admin(app, session)
    other = create_user(session, "kollege@kreis-coesfeld.de", "lang-genug-1", name="Kurt")
    session.commit()
    form = {"name": "Chef", "role": "admin"}
    refused = auth_client.post(f"{USERS_PAGE}/{other.id}/name-rolle", data=form)
    assert refused.status_code == 403 and ADMIN_ONLY in _text(refused)
    own = auth_client.post(f"{USERS_PAGE}/{user.id}/name-rolle", data=form)
    assert own.status_code == 403
    assert admin.post(f"{USERS_PAGE}/999999/name-rolle", data=form).status_code == 404
    app.config.update(WTF_CSRF_ENABLED=True)
    assert admin.post(f"{USERS_PAGE}/{other.id}/name-rolle", data=form).status_code == 400
    assert _stored(session, other.id) == ("Kurt", "officer")
    assert _stored(session, user.id) == ("Anna Schulte", "officer")


def test_the_history_names_the_assignee_by_the_new_name_and_forget_finds_it(
    app: Flask, auth_client: FlaskClient, cli: CliInvoker, session: Session, user: User
) -> None:
    call_id = _assign(auth_client, session, user)
    assert _assignee_labels(session) == ["Anna Schulte"]

    result = cli("user", "edit", user.email, "--name", "Anna Meier")

    assert result.exit_code == 0, result.output
    assert _assignee_labels(session) == ["Anna Meier"]
    page = _text(auth_client.get(f"/aufrufe/{call_id}"))
    history = page.split("<h3>Verlauf</h3>")[1]
    assert "<strong>Anna Meier</strong>" in history and "Anna Schulte" not in history
    # No name: the history names her by address, as for a login created without one.
    assert cli("user", "edit", user.email, "--name", "").exit_code == 0
    assert _assignee_labels(session) == [user.email]
    assert cli("user", "edit", user.email, "--name", "Anna Meier").exit_code == 0
    # Erased later, the entries that carried her name go with it (webapp/privacy.py).
    assert cli("user", "deactivate", user.email).exit_code == 0
    assert cli("user", "forget", user.email, "--yes").exit_code == 0
    assert _assignee_labels(session) == [f"ehemalige Anmeldung {user.id}"]


def test_the_history_stays_when_a_namesake_shares_the_old_name(
    auth_client: FlaskClient, cli: CliInvoker, session: Session, user: User
) -> None:
    """Two logins named alike: whose entry it is cannot be told, so none is renamed."""
    create_user(session, "a.schulte@kreis-coesfeld.de", "lang-genug-1", name="Anna Schulte")
    session.commit()
    _assign(auth_client, session, user)
    assert cli("user", "edit", user.email, "--name", "Anna Meier").exit_code == 0
    assert _assignee_labels(session) == ["Anna Schulte"]


def test_cli_user_edit(cli: CliInvoker, session: Session, user: User) -> None:
    admin = create_user(session, ADMIN, ADMIN_PASSWORD, role="admin", name="IT")
    session.commit()

    both = cli("user", "edit", "Anna.Schulte@kreis-coesfeld.de ", "--name", "Anna Meier", "--admin")
    assert both.exit_code == 0, both.output
    assert both.output == (
        f"Anmeldung {user.email} geändert:\n"
        "  Name: Anna Schulte → Anna Meier\n"
        "  Rolle: Fördermittelmanagement → Administration\n"
    )
    assert _stored(session, user.id) == ("Anna Meier", "admin")
    cleared = cli("user", "edit", user.email, "--name", "")
    assert cleared.exit_code == 0
    assert f"Name: Anna Meier → – (gezeigt wird die Adresse {user.email})" in cleared.output
    same = cli("user", "edit", user.email, "--name", "", "--admin")
    assert same.exit_code == 0
    assert f"Anmeldung {user.email}: Name und Rolle sind schon so – unverändert." in same.output
    back = cli("user", "edit", user.email, "--no-admin")
    assert back.exit_code == 0 and "Rolle: Administration → Fördermittelmanagement" in back.output
    assert _stored(session, user.id) == ("", "officer")

    last = cli("user", "edit", ADMIN, "--no-admin", "--name", "Ida")
    assert last.exit_code == 1 and f"Fehler: {LAST_ADMIN}" in last.output
    assert _stored(session, admin.id) == ("IT", "admin")
    nothing = cli("user", "edit", user.email)
    assert nothing.exit_code == 2
    assert "Fehler: Nichts zu ändern: --name, --admin oder --no-admin angeben." in nothing.output
    unknown = cli("user", "edit", "niemand@kreis-coesfeld.de", "--admin")
    assert unknown.exit_code == 1
    assert "Fehler: Es gibt keine Anmeldung für niemand@kreis-coesfeld.de." in unknown.output
    long = cli("user", "edit", user.email, "--name", "B" * 201)
    assert long.exit_code == 1
    assert "Der Name ist 201 Zeichen lang; höchstens 200 sind möglich." in long.output
    assert "Traceback" not in last.output + nothing.output + unknown.output + long.output


def test_cli_user_edit_refuses_an_erased_login(
    cli: CliInvoker, session: Session, user: User
) -> None:
    create_user(session, ADMIN, ADMIN_PASSWORD, role="admin")
    session.commit()
    assert cli("user", "deactivate", user.email).exit_code == 0
    assert cli("user", "forget", user.email, "--yes").exit_code == 0
    erased = f"ehemalige-anmeldung-{user.id}@anonymisiert.invalid"
    result = cli("user", "edit", erased, "--name", "Anna Schulte")
    assert result.exit_code == 1
    assert "wurde gelöscht (anonymisiert): Name und Rolle bleiben, wie sie sind." in result.output
    assert _stored(session, user.id) == (f"ehemalige Anmeldung {user.id}", "officer")


def test_add_exist_ok_points_to_user_edit_when_name_or_role_differ(
    cli: CliInvoker, session: Session, user: User
) -> None:
    differs = cli("user", "add", user.email, "--exist-ok", "--name", "Anna Meier")
    assert differs.exit_code == 0
    assert differs.output == (
        f"Anmeldung {user.email} gibt es schon – unverändert. Name und Rolle ändert "
        f"`funding-matcher user edit {user.email}`.\n"
    )
    same = cli("user", "add", user.email, "--exist-ok", "--name", "Anna Schulte")
    assert same.output == f"Anmeldung {user.email} gibt es schon – unverändert.\n"
    assert _stored(session, user.id) == ("Anna Schulte", "officer")
