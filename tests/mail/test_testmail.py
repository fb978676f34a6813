"""`mail test`, `mail refusals`, `mail retry` and the button *Testmail senden*, against a
real SMTP server on localhost (aiosmtpd) and a real SQLite file.

What the IT administrator notices: the test mail arrives (German, with the settings it used)
or the command says in German why not, with the setting to check; it is never counted as
the week's digest; only a mailbox the server calls unknown is held back afterwards; the
refused addresses can be listed and released from the command line.
"""

from __future__ import annotations

import html
from datetime import timedelta
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import select, update

from tests.mail.conftest import TEAM, Data, SmtpServer
from webapp.app import create_app
from webapp.config import Config
from webapp.models import MailRefusal, SentMail, utcnow
from webapp.users import create_user

ADMIN, ADMIN_PASSWORD = "it@kreis.example", "admin-passwort-1"
UNKNOWN_MAILBOX = "550 5.1.1 Mailbox unbekannt"


def _refusals(data: Data) -> dict[str, MailRefusal]:
    with data.sessions() as s:
        return {r.address: r for r in s.scalars(select(MailRefusal))}


def test_mail_test_sends_a_german_mail_that_is_not_the_digest(
    cli, data: Data, smtp_server: SmtpServer, mail_env
):
    data.call("Digitale Verwaltung")

    result = cli("mail", "test", ADMIN, **mail_env)

    assert result.exit_code == 0, result.output
    assert result.stdout.startswith(
        f"Testmail an {ADMIN} versandt: der Mailserver 127.0.0.1:{smtp_server.port} hat sie "
        "angenommen (Absender funding-matcher@kreis.example)."
    )
    (mail,) = smtp_server.messages
    assert mail.to == ADMIN and str(mail.message["Subject"]) == "Testmail von funding-matcher"
    text = mail.part("plain")
    assert "um die Mail-Einstellungen von funding-matcher zu prüfen" in text
    assert f"Mailserver: 127.0.0.1:{smtp_server.port} (unverschlüsselt, ohne Anmeldung)" in text
    assert "Web-Oberfläche: https://foerder.example/" in text
    assert "List-Unsubscribe" not in mail.message
    with data.sessions() as s:
        assert s.scalars(select(SentMail)).all() == []  # not logged as a scheduled mail

    # the week's digest still goes to everyone, the tested address included
    digest = cli("digest", **mail_env)
    assert digest.exit_code == 0, digest.output
    assert "2 versandt" in digest.output


def test_mail_test_works_before_init_and_creates_no_database(
    cli, config: Config, smtp_server: SmtpServer, mail_env
):
    result = cli("mail", "test", ADMIN, **mail_env)

    assert result.exit_code == 0, result.output
    assert [m.to for m in smtp_server.messages] == [ADMIN]
    assert not Path(config.database_url.removeprefix("sqlite:///")).exists()


def test_mail_test_names_an_unreachable_server_in_german(cli, smtp_server: SmtpServer, mail_env):
    smtp_server.stop()

    result = cli("mail", "test", ADMIN, **mail_env)

    assert result.exit_code == 1
    assert result.stderr == (
        f"Fehler: Testmail an {ADMIN} nicht versandt: SMTP-Server 127.0.0.1:{smtp_server.port} "
        "nicht erreichbar nach 1 Versuch: Verbindung abgelehnt – dort nimmt kein Mailserver an "
        "(SMTP_HOST/SMTP_PORT prüfen)\n"
    )


def test_mail_test_without_base_url_warns_that_the_runs_would_send_nothing(
    cli, smtp_server: SmtpServer, mail_env
):
    result = cli("mail", "test", ADMIN, **{**mail_env, "BASE_URL": ""})

    assert result.exit_code == 0, result.output
    assert "Achtung: BASE_URL ist nicht gesetzt" in result.stderr
    assert "BASE_URL ist nicht gesetzt" in smtp_server.messages[0].part("plain")


def test_a_refused_sender_is_named_and_no_address_is_held_back(
    cli, data: Data, smtp_server: SmtpServer, mail_env
):
    smtp_server.handler.refuse_sender = "553 5.7.1 Sender address not allowed"

    result = cli("mail", "test", TEAM[0], **mail_env)

    assert result.exit_code == 1
    assert (
        "nimmt den Absender MAIL_FROM=funding-matcher@kreis.example nicht an: 553 5.7.1 Sender "
        "address not allowed (MAIL_FROM prüfen" in result.stderr
    )
    assert _refusals(data) == {}


@pytest.mark.parametrize(
    ("answer", "said"),
    [
        (
            "554 5.7.1 Client host rejected: Access denied",
            "Nichts vermerkt: die Antwort nennt kein unbekanntes",
        ),
        ("450 4.2.1 Postfach voll", "Die Ablehnung ist vorübergehend (4xx)"),
    ],
    ids=["rule-of-the-server", "temporary"],
)
def test_an_unclear_refusal_of_the_test_mail_holds_nothing_back(
    cli, data: Data, smtp_server: SmtpServer, mail_env, answer: str, said: str
):
    smtp_server.handler.refuse[TEAM[0]] = answer

    result = cli("mail", "test", TEAM[0], **mail_env)

    assert result.exit_code == 1
    assert f"der Mailserver lehnt sie ab: {TEAM[0]}: {answer}. {said}" in result.stderr
    assert _refusals(data) == {}


def test_a_server_that_will_not_relay_the_test_mail_points_to_the_login(
    cli, data: Data, smtp_server: SmtpServer, mail_env
):
    smtp_server.handler.refuse[TEAM[0]] = "554 5.7.1 <x>: Relay access denied"

    result = cli("mail", "test", TEAM[0], **mail_env)

    assert result.exit_code == 1
    assert "leitet keine Mail für uns weiter" in result.stderr
    assert "SMTP_USER und SMTP_PASSWORD setzen" in result.stderr
    assert _refusals(data) == {}


def test_an_unknown_mailbox_of_a_team_address_is_held_back_and_listed(
    cli, data: Data, smtp_server: SmtpServer, mail_env
):
    data.call("Digitale Verwaltung")
    smtp_server.handler.refuse[TEAM[0]] = UNKNOWN_MAILBOX

    result = cli("mail", "test", TEAM[0], **mail_env)

    assert result.exit_code == 1
    assert "Das Postfach ist dem Server unbekannt: als abgelehnt vermerkt" in result.stderr
    assert f"`funding-matcher mail retry {TEAM[0]}`" in result.stderr
    assert list(_refusals(data)) == [TEAM[0]]

    listing = cli("mail", "refusals", **mail_env)
    assert listing.exit_code == 0, listing.output
    lines = listing.stdout.splitlines()
    assert lines[0].split() == ["E-Mail", "Abgelehnt", "seit", "Nächster", "Versuch", "Empfängt", "als"]  # fmt: skip
    assert lines[1].startswith(TEAM[0]) and lines[1].endswith("ALERT_RECIPIENTS")
    assert lines[2] == f"    Antwort des Servers: {UNKNOWN_MAILBOX}"
    assert lines[3] == "    Nicht erhalten: Testmail von funding-matcher"

    # the digest run leaves it out without asking the server again
    attempts = smtp_server.handler.rcpt_attempts.count(TEAM[0])
    digest = cli("digest", **mail_env)
    assert f"1 Mail zurückgehalten: {TEAM[0]}" in digest.output
    assert smtp_server.handler.rcpt_attempts.count(TEAM[0]) == attempts


def test_an_unknown_mailbox_that_gets_no_mail_from_us_is_not_recorded(
    cli, data: Data, smtp_server: SmtpServer, mail_env
):
    smtp_server.handler.refuse["vertippt@kreis.example"] = UNKNOWN_MAILBOX

    result = cli("mail", "test", "vertippt@kreis.example", **mail_env)

    assert result.exit_code == 1
    assert "bekommt sonst keine Mails von funding-matcher; nichts vermerkt" in result.stderr
    assert _refusals(data) == {}


def test_an_accepted_test_mail_lifts_an_earlier_refusal(
    cli, data: Data, smtp_server: SmtpServer, mail_env
):
    smtp_server.handler.refuse[TEAM[0]] = UNKNOWN_MAILBOX
    assert cli("mail", "test", TEAM[0], **mail_env).exit_code == 1
    del smtp_server.handler.refuse[TEAM[0]]  # the mailbox was set up

    result = cli("mail", "test", TEAM[0], **mail_env)

    assert result.exit_code == 0, result.output
    assert "Die Adresse war seit" in result.stdout
    assert "Übersicht und Erinnerungen gehen ab dem nächsten Lauf wieder an sie" in result.stdout
    assert _refusals(data) == {}


def test_mail_refusals_and_mail_retry_release_an_address_like_the_button(
    cli, data: Data, smtp_server: SmtpServer, mail_env
):
    data.user("berta@kreis.example")
    data.call("Digitale Verwaltung")
    smtp_server.handler.refuse["berta@kreis.example"] = UNKNOWN_MAILBOX
    assert cli("digest", **mail_env).exit_code == 1  # refused for good in the weekly run
    with data.sessions() as s:  # its retry time has come: listed as "beim nächsten Lauf"
        s.execute(update(MailRefusal).values(retry_at=utcnow() - timedelta(minutes=1)))
        s.commit()

    listing = cli("mail", "refusals", **mail_env)
    assert listing.exit_code == 0, listing.output
    row = listing.stdout.splitlines()[1]
    assert row.startswith("berta@kreis.example") and "beim nächsten Lauf" in row
    assert row.endswith("Anmeldung")
    assert "Nicht erhalten: Förderaufrufe – Wöchentliche Übersicht" in listing.stdout

    released = cli("mail", "retry", "Berta@Kreis.example", **mail_env)
    assert released.exit_code == 0, released.output
    assert released.stdout == (
        "E-Mails an berta@kreis.example werden beim nächsten Lauf wieder zugestellt "
        "(Übersicht der Woche, fällige Erinnerungen).\n"
    )
    assert _refusals(data) == {}
    assert cli("mail", "refusals", **mail_env).stdout == (
        "Keine Adresse wird zurückgehalten: der Mailserver hat keine abgelehnt.\n"
    )
    again = cli("mail", "retry", "berta@kreis.example", **mail_env)
    assert again.exit_code == 0
    assert again.stdout == "berta@kreis.example wird nicht zurückgehalten – unverändert.\n"

    del smtp_server.handler.refuse["berta@kreis.example"]
    assert cli("digest", **mail_env).exit_code == 0
    assert "berta@kreis.example" in smtp_server.handler.to()


def test_a_servers_answer_is_listed_on_one_line_without_control_characters(
    cli, data: Data, smtp_server: SmtpServer, mail_env
):
    """A server's answer reaches the admin's terminal: no escape sequences, no broken rows."""
    data.user("berta@kreis.example")
    data.call("Digitale Verwaltung")
    smtp_server.handler.refuse["berta@kreis.example"] = "550 5.1.1 \x1b[2Jweg\x07 \x00da"
    assert cli("digest", **mail_env).exit_code == 1

    listing = cli("mail", "refusals", **mail_env).stdout

    assert "    Antwort des Servers: 550 5.1.1 weg da\n" in listing, listing
    assert not any(c in listing for c in "\x1b\x07\x00")


def test_mail_refusals_before_init_says_to_run_init(cli, mail_env):
    result = cli("mail", "refusals", **mail_env)
    assert result.exit_code == 1
    assert result.stderr.startswith("Fehler: Die Datenbank ")
    assert "zuerst `funding-matcher init` ausführen" in result.stderr


def test_mail_test_refuses_what_is_no_address_as_a_wrong_call(cli, mail_env):
    result = cli("mail", "test", "it(at)kreis.example", **mail_env)
    assert result.exit_code == 2
    assert "Fehler: Ungültiger Wert für 'E-MAIL': 'it(at)kreis.example' ist keine " in (
        result.stderr
    )


# --- the button on Benutzer ----------------------------------------------------------------


@pytest.fixture
def mail_app(mail_config: Config, db) -> Flask:
    flask_app = create_app(mail_config)
    flask_app.config.update(WTF_CSRF_ENABLED=False)
    with db() as s:
        create_user(s, ADMIN, ADMIN_PASSWORD, role="admin", name="Ida Technik")
        create_user(s, "officer@kreis.example", ADMIN_PASSWORD)
        s.commit()
    return flask_app


def test_the_button_sends_to_the_admins_own_address_and_shows_the_outcome(
    mail_app: Flask, smtp_server: SmtpServer
):
    admin = mail_app.test_client()
    admin.post("/anmelden", data={"email": ADMIN, "password": ADMIN_PASSWORD})
    page = html.unescape(admin.get("/verwaltung/benutzer").get_data(as_text=True))
    assert f"127.0.0.1:{smtp_server.port} (unverschlüsselt, ohne Anmeldung)" in page
    assert "Testmail senden" in page and f"Ihre Adresse {ADMIN}" in page

    response = admin.post("/verwaltung/benutzer/testmail", follow_redirects=True)

    assert f"Testmail an {ADMIN} versandt" in html.unescape(response.get_data(as_text=True))
    (mail,) = smtp_server.messages
    assert mail.to == ADMIN
    assert "Ida Technik über die Seite Benutzer" in mail.part("plain")

    smtp_server.stop()
    response = admin.post("/verwaltung/benutzer/testmail", follow_redirects=True)
    assert "nicht erreichbar nach 1 Versuch: Verbindung abgelehnt" in html.unescape(
        response.get_data(as_text=True)
    )


def test_officers_cannot_send_test_mails(mail_app: Flask, smtp_server: SmtpServer):
    officer = mail_app.test_client()
    officer.post("/anmelden", data={"email": "officer@kreis.example", "password": ADMIN_PASSWORD})
    assert officer.post("/verwaltung/benutzer/testmail").status_code == 403
    assert smtp_server.messages == []
