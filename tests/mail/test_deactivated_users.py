"""A deactivated login (an officer who left) gets no mail: no digest, no reminders; the
reminders of the calls assigned to them go to the team instead."""

from __future__ import annotations

from datetime import timedelta

from tests.mail.conftest import TEAM, Data, SmtpServer
from webapp.config import Config
from webapp.digest import recipients
from webapp.formatting import local_today

LEFT = "gegangen@kreis.example"


def test_a_deactivated_user_gets_no_digest(
    cli, data: Data, smtp_server: SmtpServer, mail_env, mail_config: Config
):
    data.call("Förderaufruf Digitale Verwaltung 2027", deadline=local_today() + timedelta(days=30))
    data.user("officer@kreis.example")
    data.user(LEFT)
    deactivated = cli("user", "deactivate", LEFT)
    assert deactivated.exit_code == 0, deactivated.output

    result = cli("digest", **mail_env)

    assert result.exit_code == 0, result.output
    assert smtp_server.handler.to() == sorted(
        ["officer@kreis.example", *(address.lower() for address in TEAM)]
    )
    # Reactivated, the next digest reaches them again (their opt-in was kept).
    assert cli("user", "activate", LEFT).exit_code == 0
    with data.sessions() as session:
        assert LEFT in recipients(session, mail_config)


def test_reminders_of_a_deactivated_assignee_go_to_the_team(
    cli, data: Data, smtp_server: SmtpServer, mail_env
):
    due = local_today() + timedelta(days=7)
    data.user(LEFT, name="Gerd Gegangen")
    assigned = data.call("Aufruf des Gegangenen", deadline=due)
    data.review(assigned, "Antrag in Vorbereitung", assignee=LEFT)
    assert cli("user", "deactivate", LEFT).exit_code == 0

    result = cli("remind", "--today", local_today().isoformat(), **mail_env)

    assert result.exit_code == 0, result.output
    to = smtp_server.handler.to()
    assert LEFT not in to
    assert to == sorted(address.lower() for address in TEAM)
    text = smtp_server.messages[0].part("plain")
    assert "Aufruf des Gegangenen" in text and "Gerd Gegangen" not in text
