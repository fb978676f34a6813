"""A recipient the mail server refuses for good (5xx): recorded, not retried, made known."""

from __future__ import annotations

from datetime import timedelta

import pytest
from flask import Flask
from sqlalchemy import select, update

from tests.mail.conftest import TEAM, Data, SmtpServer
from webapp.app import create_app
from webapp.formatting import local_today
from webapp.models import MailRefusal, SentMail, User, utcnow
from webapp.users import create_user

ASSIGNEE = "bearbeiterin@kreis.example"
REFUSAL = "550 5.1.1 Mailbox unbekannt"
ADMIN, ADMIN_PASSWORD = "it@kreis.example", "admin-passwort-1"


def _assigned_call(data: Data) -> int:
    """A call 7 days before its deadline, assigned to ASSIGNEE, and one for the team."""
    data.user(ASSIGNEE, name="Berta Bearbeiterin", opt_in=False)
    due = local_today() + timedelta(days=7)
    call = data.call("Aufruf mit Zuständiger", deadline=due)
    data.review(call, "Antrag in Vorbereitung", assignee=ASSIGNEE)
    team_call = data.call("Aufruf ohne Zuständige", deadline=due)
    data.review(team_call, "relevant")
    return call


def test_a_refused_assignee_is_reported_to_the_team_and_not_retried(
    cli, data: Data, smtp_server: SmtpServer, mail_env
):
    _assigned_call(data)
    smtp_server.handler.refuse[ASSIGNEE] = REFUSAL

    first = cli("remind", **mail_env)

    # An error to fix: exit 1 and the address named with the server's answer.
    assert first.exit_code == 1, first.output
    assert f"1 Empfänger abgelehnt: {ASSIGNEE} (550 5.1.1 Mailbox unbekannt)" in first.output
    # the others still got theirs: the team its reminder, and a notice of the refusal
    reminders = [m for m in smtp_server.messages if "Fristerinnerung" in str(m.message["Subject"])]
    assert sorted(m.to.lower() for m in reminders) == sorted(a.lower() for a in TEAM)
    notices = [m for m in smtp_server.messages if "Nicht zugestellt" in str(m.message["Subject"])]
    assert sorted(m.to.lower() for m in notices) == sorted(a.lower() for a in TEAM)
    text = notices[0].part("plain")
    assert ASSIGNEE in text and "550 5.1.1 Mailbox unbekannt" in text
    assert "Nicht erhalten: Fristerinnerung: Einreichung am" in text
    assert "https://foerder.example/verwaltung/benutzer" in text
    with data.sessions() as s:
        row = s.scalar(select(SentMail).where(SentMail.recipient == ASSIGNEE))
        assert row is not None and row.status == "refused" and "550" in row.error

    # The daily cron the next day: the address is not tried again, and the run is not failed.
    attempts = smtp_server.handler.rcpt_attempts.count(ASSIGNEE)
    tomorrow = (local_today() + timedelta(days=1)).isoformat()
    second = cli("remind", "--today", tomorrow, **mail_env)
    assert second.exit_code == 0, second.output
    assert smtp_server.handler.rcpt_attempts.count(ASSIGNEE) == attempts
    assert f"1 Mail zurückgehalten: {ASSIGNEE} (abgelehnt am" in second.output
    assert len(
        [m for m in smtp_server.messages if "Nicht zugestellt" in str(m.message["Subject"])]
    ) == len(TEAM)


def test_a_temporary_refusal_is_retried_by_the_next_run(
    cli, data: Data, smtp_server: SmtpServer, mail_env
):
    _assigned_call(data)
    smtp_server.handler.refuse[ASSIGNEE] = "450 4.2.1 Postfach voll, bitte später"

    first = cli("remind", **mail_env)
    assert first.exit_code == 1 and "1 fehlgeschlagen" in first.output
    assert "abgelehnt" not in first.output.split("\n")[0]

    del smtp_server.handler.refuse[ASSIGNEE]
    second = cli("remind", **mail_env)
    assert second.exit_code == 0, second.output
    assert any(m.to == ASSIGNEE for m in smtp_server.messages)


def test_after_the_retry_time_the_address_is_tried_again(
    cli, data: Data, smtp_server: SmtpServer, mail_env
):
    _assigned_call(data)
    smtp_server.handler.refuse[ASSIGNEE] = REFUSAL
    assert cli("remind", **mail_env).exit_code == 1
    del smtp_server.handler.refuse[ASSIGNEE]  # the mailbox was set up meanwhile
    with data.sessions() as s:
        s.execute(update(MailRefusal).values(retry_at=utcnow() - timedelta(minutes=1)))
        s.commit()

    result = cli("remind", **mail_env)

    assert result.exit_code == 0, result.output
    assert any(m.to == ASSIGNEE for m in smtp_server.messages)
    with data.sessions() as s:
        assert s.scalars(select(MailRefusal)).all() == []  # accepted: the record goes


def test_the_benutzer_page_shows_the_refusal_and_tries_again_on_request(
    cli, data: Data, smtp_server: SmtpServer, mail_env, app: Flask
):
    _assigned_call(data)
    with data.sessions() as s:
        create_user(s, ADMIN, ADMIN_PASSWORD, role="admin")
        s.commit()
    smtp_server.handler.refuse[ASSIGNEE] = REFUSAL
    assert cli("remind", **mail_env).exit_code == 1

    admin = app.test_client()
    admin.post("/anmelden", data={"email": ADMIN, "password": ADMIN_PASSWORD})
    page = admin.get("/verwaltung/benutzer").get_data(as_text=True)
    assert "E-Mails abgelehnt seit" in page and "550 5.1.1 Mailbox unbekannt" in page
    assert "Nicht erhalten: Fristerinnerung: Einreichung am" in page

    del smtp_server.handler.refuse[ASSIGNEE]  # the mailbox exists now
    with data.sessions() as s:
        user_id = s.scalar(select(User.id).where(User.email == ASSIGNEE))
    response = admin.post(f"/verwaltung/benutzer/{user_id}/zustellen", follow_redirects=True)
    assert "werden beim nächsten Lauf wieder zugestellt" in response.get_data(as_text=True)
    assert "E-Mails abgelehnt seit" not in response.get_data(as_text=True)

    result = cli("remind", **mail_env)
    assert result.exit_code == 0, result.output
    assert any(m.to == ASSIGNEE for m in smtp_server.messages)


def test_a_5xx_answer_to_the_message_itself_is_a_refusal_too(
    cli, data: Data, smtp_server: SmtpServer, mail_env
):
    """Each message has one recipient: a 550 after DATA refuses that recipient."""
    data.call("Aufruf")
    answers = ["550 5.2.1 Postfach gesperrt"]  # for the first message only
    smtp_server.handler.on_message = lambda _n: answers.pop() if answers else None

    result = cli("digest", **mail_env)

    assert result.exit_code == 1, result.output
    assert f"1 Empfänger abgelehnt: {TEAM[0]} (550 5.2.1 Postfach gesperrt)" in result.output
    # the other team address got the digest and the notice; the refused one is held back
    assert [m.to for m in smtp_server.messages] == [TEAM[1], TEAM[1]]
    smtp_server.handler.on_message = None
    again = cli("digest", **mail_env)
    assert again.exit_code == 0, again.output
    assert "1 Mail zurückgehalten" in again.output and len(smtp_server.messages) == 2


SENDER = "funding-matcher@kreis.example"  # MAIL_FROM of mail_env


def _refuse_sender(smtp_server: SmtpServer, where: str, answer: str) -> None:
    if where == "MAIL FROM":
        smtp_server.handler.refuse_sender = answer
    elif where == "RCPT TO":  # Postfix checks the sender at RCPT TO by default
        smtp_server.handler.refuse.update({a.lower(): answer for a in TEAM})
    else:  # SPF or DMARC, checked on the message
        smtp_server.handler.on_message = lambda _n: answer


@pytest.mark.parametrize(
    ("where", "answer"),
    [
        ("MAIL FROM", "553 5.7.1 Sender address not allowed"),
        ("RCPT TO", f"553 5.7.1 <{SENDER}>: Sender address rejected: not owned by user fm"),
        ("DATA", "550 5.7.26 Unauthenticated email from kreis.example (DMARC policy)"),
    ],
)
def test_a_refused_sender_stops_the_run_with_one_message_and_blames_no_recipient(
    cli, data: Data, smtp_server: SmtpServer, mail_env, where: str, answer: str
):
    data.call("Aufruf")
    _refuse_sender(smtp_server, where, answer)

    result = cli("digest", **mail_env)

    # One message naming the setting and the server's answer, an error for cron.
    assert result.exit_code == 1, result.output
    code, text = answer.split(" ", 1)
    assert result.output.count(text) == 1, result.output
    assert f"nimmt den Absender MAIL_FROM={SENDER} nicht an: {code} {text}" in result.output
    assert "MAIL_FROM prüfen" in result.output
    assert "abgelehnt:" not in result.output and "nicht zugestellt an" not in result.output
    assert f"0 versandt, 0 bereits versandt, 0 fehlgeschlagen, {len(TEAM)} nicht versucht" in (
        result.output
    )
    # Tried once, not once per mail; no recipient recorded as refused, no notice.
    assert smtp_server.handler.mail_attempts == 1 and smtp_server.messages == []
    with data.sessions() as s:
        assert s.scalars(select(MailRefusal)).all() == []
        assert {row.status for row in s.scalars(select(SentMail))} <= {"failed"}

    # MAIL_FROM corrected (here: the server takes it now): the next run sends everything.
    smtp_server.handler.refuse_sender = smtp_server.handler.on_message = None
    smtp_server.handler.refuse.clear()
    again = cli("digest", **mail_env)
    assert again.exit_code == 0, again.output
    assert smtp_server.handler.to() == sorted(a.lower() for a in TEAM)


@pytest.mark.parametrize(
    "answer",
    [
        "554 5.7.1 <team@kreis.example>: Relay access denied",
        "550 5.7.54 SMTP; Unable to relay recipient in non-accepted domain",
    ],
)
def test_a_server_that_will_not_relay_stops_the_run_and_holds_back_no_address(
    cli, data: Data, smtp_server: SmtpServer, mail_env, answer: str
):
    """A wrong SMTP login makes the server refuse every outside address alike: held back,
    they would miss their mail for days after the password is fixed."""
    data.call("Aufruf")
    smtp_server.handler.refuse.update({a.lower(): answer for a in TEAM})

    result = cli("digest", **mail_env)

    assert result.exit_code == 1, result.output
    assert f"leitet keine Mail für uns weiter (an {TEAM[0].lower()}): {answer}" in result.output
    assert "SMTP_USER und SMTP_PASSWORD setzen" in result.output
    assert "abgelehnt:" not in result.output
    with data.sessions() as s:
        assert s.scalars(select(MailRefusal)).all() == []

    smtp_server.handler.refuse.clear()  # the login is fixed
    again = cli("digest", **mail_env)
    assert again.exit_code == 0, again.output
    assert smtp_server.handler.to() == sorted(a.lower() for a in TEAM)


def test_an_unknown_user_in_the_relay_table_is_still_the_recipients_refusal(
    cli, data: Data, smtp_server: SmtpServer, mail_env
):
    data.call("Aufruf")
    unknown = "550 5.1.1 <x>: Recipient address rejected: User unknown in relay recipient table"
    smtp_server.handler.refuse[TEAM[0].lower()] = unknown

    result = cli("digest", **mail_env)

    assert result.exit_code == 1, result.output
    assert "leitet keine Mail" not in result.output
    with data.sessions() as s:
        assert [r.address for r in s.scalars(select(MailRefusal))] == [TEAM[0].lower()]


def test_a_dry_run_shows_mails_to_a_refused_address_as_held_back(
    cli, data: Data, smtp_server: SmtpServer, mail_env
):
    _assigned_call(data)
    smtp_server.handler.refuse[ASSIGNEE] = REFUSAL
    assert cli("remind", **mail_env).exit_code == 1  # refused, recorded, held back from now on

    result = cli("remind", "--dry-run", **mail_env)

    assert result.exit_code == 0, result.output
    refused_on = local_today().strftime("%d.%m.%Y")
    assert f"An:      {ASSIGNEE}\nBetreff: Fristerinnerung: Einreichung am" in result.output
    assert (
        f"Zurückgehalten, wird nicht versandt: die Adresse wurde am {refused_on} abgelehnt "
        f"({REFUSAL}); erneuter Versuch ab "
    ) in result.output
    assert "0 Mails würden versandt, 1 zurückgehalten (" in result.output
    # the held-back mail's text is not shown as if it went out
    assert result.output.count("Sie erhalten diese Erinnerung, weil Sie für den Aufruf") == 0


def _notices(smtp_server: SmtpServer) -> list[str]:
    """The recipients of the refusal notices received so far."""
    subjects = [(m.to.lower(), str(m.message["Subject"])) for m in smtp_server.messages]
    return sorted(to for to, subject in subjects if subject.startswith("Nicht zugestellt"))


def test_a_notice_that_failed_is_sent_by_the_next_run_and_only_once(
    cli, data: Data, smtp_server: SmtpServer, mail_env
):
    _assigned_call(data)
    smtp_server.handler.refuse[ASSIGNEE] = REFUSAL
    # the team's two reminders are accepted, the notices after them only "later"
    smtp_server.handler.on_message = lambda n: "451 4.3.0 Bitte später" if n > 2 else None

    first = cli("remind", **mail_env)
    assert first.exit_code == 1, first.output
    assert "Hinweis an das Team nicht versandt" in first.output
    assert _notices(smtp_server) == []

    # The next days' runs have no reminder left to send; the first of them sends the notice.
    smtp_server.handler.on_message = None
    later = [(local_today() + timedelta(days=n)).isoformat() for n in (8, 9)]
    second = cli("remind", "--today", later[0], **mail_env)
    assert second.exit_code == 0, second.output
    team = sorted(a.lower() for a in TEAM)
    assert f"Hinweis auf abgelehnte Adressen an {', '.join(TEAM)} nachgereicht" in second.output
    assert _notices(smtp_server) == team
    notice = smtp_server.messages[-1].part("plain")
    assert ASSIGNEE in notice and REFUSAL in notice

    third = cli("remind", "--today", later[1], **mail_env)
    assert third.exit_code == 0, third.output
    assert _notices(smtp_server) == team and "Hinweis" not in third.output


def test_a_notice_is_resent_only_to_the_team_address_that_missed_it(
    cli, data: Data, smtp_server: SmtpServer, mail_env
):
    _assigned_call(data)
    smtp_server.handler.refuse[ASSIGNEE] = REFUSAL
    calls = []  # DATA commands: two reminders, then the notices; the first notice fails

    def answer(_n: int) -> str | None:
        calls.append(1)
        return "451 4.3.0 Bitte später" if len(calls) == 3 else None

    smtp_server.handler.on_message = answer
    assert cli("remind", **mail_env).exit_code == 1
    assert _notices(smtp_server) == [TEAM[1].lower()]

    later = (local_today() + timedelta(days=8)).isoformat()
    result = cli("remind", "--today", later, **mail_env)

    assert result.exit_code == 0, result.output
    assert _notices(smtp_server) == sorted(a.lower() for a in TEAM)  # one each


def test_a_refused_team_address_is_shown_on_benutzer_and_tried_again_on_request(
    cli, data: Data, smtp_server: SmtpServer, mail_env, mail_config
):
    """A team address (ALERT_RECIPIENTS) has no login row: before, nothing showed it."""
    app = create_app(mail_config)  # the app's settings name the team addresses too
    app.config.update(WTF_CSRF_ENABLED=False)
    data.call("Aufruf")
    with data.sessions() as s:
        create_user(s, ADMIN, ADMIN_PASSWORD, role="admin")
        s.commit()
    smtp_server.handler.refuse[TEAM[0]] = REFUSAL
    assert cli("digest", **mail_env).exit_code == 1

    admin = app.test_client()
    admin.post("/anmelden", data={"email": ADMIN, "password": ADMIN_PASSWORD})
    page = admin.get("/verwaltung/benutzer").get_data(as_text=True)
    assert "Weitere abgelehnte Adressen" in page
    assert f"<strong>{TEAM[0]}</strong> (ALERT_RECIPIENTS)" in page and REFUSAL in page

    del smtp_server.handler.refuse[TEAM[0]]  # the mailbox exists now
    done = admin.post(
        "/verwaltung/benutzer/zustellen", data={"address": TEAM[0]}, follow_redirects=True
    )
    assert f"E-Mails an {TEAM[0]} werden beim nächsten Lauf wieder zugestellt" in (
        done.get_data(as_text=True)
    )
    assert "Weitere abgelehnte Adressen" not in done.get_data(as_text=True)
    again = cli("digest", **mail_env)
    assert again.exit_code == 0, again.output
    assert sum(m.to == TEAM[0] for m in smtp_server.messages) == 1
