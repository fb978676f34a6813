"""A login's e-mail address corrected (`funding-matcher user rename`, the Benutzer page):
everything tied to the login follows it, the mail included (a real SMTP server)."""

from __future__ import annotations

import html
from datetime import timedelta

from flask import Flask
from sqlalchemy import select

from tests.mail.conftest import TEAM, Data, SmtpServer
from tests.mail.test_refusals import ADMIN, ADMIN_PASSWORD, REFUSAL
from webapp.formatting import local_today
from webapp.models import MailRefusal, Review, User
from webapp.users import authenticate, create_user

WRONG = "b.bearbeiterin@kreis.exmaple"  # mistyped: the server refuses it
RIGHT = "b.bearbeiterin@kreis.example"
PASSWORD = "berta-passwort-1"


def _berta(data: Data) -> int:
    """Berta's login (digest on) with a call due in 7 days assigned to her; the call's id."""
    with data.sessions() as s:
        create_user(s, WRONG, PASSWORD, name="Berta Bearbeiterin")
        s.commit()
    call = data.call("Aufruf mit Zuständiger", deadline=local_today() + timedelta(days=7))
    data.review(call, "Antrag in Vorbereitung", assignee=WRONG)
    return call


def _to(smtp_server: SmtpServer, address: str, subject: str) -> int:
    return sum(
        1
        for m in smtp_server.messages
        if m.to.lower() == address and str(m.message["Subject"]).startswith(subject)
    )


def test_a_corrected_address_gets_what_the_refused_one_missed(
    cli, data: Data, smtp_server: SmtpServer, mail_env
):
    call = _berta(data)
    smtp_server.handler.refuse[WRONG] = REFUSAL
    assert cli("digest", **mail_env).exit_code == 1  # refused, the team is told
    assert cli("remind", **mail_env).exit_code == 0  # the reminder is held back
    assert _to(smtp_server, RIGHT, "") == 0

    result = cli("user", "rename", WRONG, RIGHT)

    assert result.exit_code == 0, result.output
    assert f"Anmeldung {WRONG} heißt jetzt {RIGHT}" in result.output
    assert f"was dort nicht ankam, geht beim nächsten Lauf an {RIGHT}" in result.output
    # The next runs bring Berta her digest and her reminder; the team gets nothing twice.
    sent_before = len(smtp_server.messages)
    assert cli("digest", **mail_env).exit_code == 0
    assert cli("remind", **mail_env).exit_code == 0
    assert _to(smtp_server, RIGHT, "Förderaufrufe – Wöchentliche Übersicht") == 1
    assert _to(smtp_server, RIGHT, "Fristerinnerung") == 1
    assert len(smtp_server.messages) == sent_before + 2
    with data.sessions() as s:
        berta = s.scalar(select(User).where(User.email == RIGHT))
        assert berta is not None and berta.name == "Berta Bearbeiterin" and berta.digest_opt_in
        review = s.scalar(select(Review).where(Review.call_id == call))
        assert review is not None and review.assignee_id == berta.id  # still hers
        assert s.scalars(select(MailRefusal)).all() == []
        # she logs in with the new address only
        assert authenticate(s, RIGHT, PASSWORD).user is not None
        assert authenticate(s, WRONG, PASSWORD).user is None


def test_mail_that_reached_the_old_address_is_not_sent_again(
    cli, data: Data, smtp_server: SmtpServer, mail_env
):
    """A new name (Schulz → Schulte): the address worked, nothing goes out twice."""
    _berta(data)
    assert cli("digest", **mail_env).exit_code == 0
    assert cli("remind", **mail_env).exit_code == 0
    sent = len(smtp_server.messages)
    assert _to(smtp_server, WRONG, "Fristerinnerung") == 1

    assert cli("user", "rename", WRONG.upper(), RIGHT).exit_code == 0
    digest, remind = cli("digest", **mail_env), cli("remind", **mail_env)

    assert digest.exit_code == 0 and remind.exit_code == 0, digest.output + remind.output
    assert len(smtp_server.messages) == sent
    assert f"{len(TEAM) + 1} bereits versandt" in digest.output


def test_rename_refuses_a_taken_invalid_or_unknown_address(cli, data: Data):
    _berta(data)
    data.user(RIGHT)

    taken = cli("user", "rename", WRONG, RIGHT.upper())
    invalid = cli("user", "rename", WRONG, "berta at kreis.example")
    unknown = cli("user", "rename", "niemand@kreis.example", "neu@kreis.example")
    same = cli("user", "rename", WRONG, WRONG.upper())

    assert taken.exit_code == 1 and f"Fehler: Es gibt schon eine Anmeldung für {RIGHT}." in (
        taken.output
    )
    assert invalid.exit_code == 1
    assert "„berta at kreis.example“ ist keine gültige E-Mail-Adresse" in invalid.output
    assert unknown.exit_code == 1
    assert "Es gibt keine Anmeldung für niemand@kreis.example" in unknown.output
    assert same.exit_code == 1 and f"{WRONG} ist schon die Adresse dieser Anmeldung" in same.output
    assert "Traceback" not in taken.output + invalid.output + unknown.output + same.output
    with data.sessions() as s:
        assert sorted(s.scalars(select(User.email))) == sorted([WRONG, RIGHT])


def test_the_administration_changes_an_address_on_the_benutzer_page(
    data: Data, app: Flask, smtp_server: SmtpServer
):
    _berta(data)
    with data.sessions() as s:
        create_user(s, ADMIN, ADMIN_PASSWORD, role="admin")
        s.commit()
        berta_id = s.scalar(select(User.id).where(User.email == WRONG))
    berta = app.test_client()
    assert berta.post("/anmelden", data={"email": WRONG, "password": PASSWORD}).status_code == 302
    admin = app.test_client()
    admin.post("/anmelden", data={"email": ADMIN, "password": ADMIN_PASSWORD})
    page = html.unescape(admin.get("/verwaltung/benutzer").get_data(as_text=True))
    assert "Adresse ändern" in page and f'action="/verwaltung/benutzer/{berta_id}/adresse"' in page

    taken = admin.post(
        f"/verwaltung/benutzer/{berta_id}/adresse", data={"email": ADMIN}, follow_redirects=True
    )
    assert f"Adresse von {WRONG} unverändert: Es gibt schon eine Anmeldung für {ADMIN}." in (
        html.unescape(taken.get_data(as_text=True))
    )
    done = admin.post(
        f"/verwaltung/benutzer/{berta_id}/adresse", data={"email": RIGHT}, follow_redirects=True
    )

    text = html.unescape(done.get_data(as_text=True))
    assert f"Anmeldung {WRONG} heißt jetzt {RIGHT}" in text
    assert f'<td role="cell">{RIGHT}' in text and WRONG not in text.split("heißt jetzt")[1]
    # Berta goes on working in her open session, and logs in with the new address next time.
    assert berta.get("/").status_code == 200
    fresh = app.test_client()
    assert fresh.post("/anmelden", data={"email": RIGHT, "password": PASSWORD}).status_code == 302


def test_user_list_shows_the_logins_with_locks_and_refused_addresses(
    cli, data: Data, smtp_server: SmtpServer, mail_env
):
    """An administrator on the server needs the exact address for `user rename`."""
    assert "Noch keine Anmeldung" in cli("user", "list").output
    _berta(data)
    with data.sessions() as s:
        create_user(s, ADMIN, ADMIN_PASSWORD, role="admin", name="IT")
        s.commit()
    smtp_server.handler.refuse[WRONG] = REFUSAL
    smtp_server.handler.refuse[TEAM[0]] = REFUSAL
    assert cli("digest", **mail_env).exit_code == 1

    result = cli("user", "list")

    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0].split() == [
        "E-Mail",
        "Name",
        "Rolle",
        "Zugang",
        "Übersicht",
        "Letzte",
        "Anmeldung",
    ]
    assert lines[1].split()[:3] == [WRONG, "Berta", "Bearbeiterin"]
    assert "Fördermittelmanagement  aktiv" in lines[1]
    assert lines[2].startswith("    E-Mails abgelehnt: die Adresse wurde am ")
    assert f"({REFUSAL}); erneuter Versuch ab" in lines[2]
    assert lines[3].split()[:4] == [ADMIN, "IT", "Administration", "aktiv"]
    assert lines[3].endswith("  nie")  # never logged in
    assert lines[4].startswith(f"Ohne Anmeldung: {TEAM[0]}: E-Mails abgelehnt:")
