"""A digest run that stops half-way, and one a recipient's server puts off: the others of the
week get the same digest later, never a different one and never none."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from email.message import EmailMessage

import pytest
from sqlalchemy import update

from tests.conftest import CliInvoker, Clock
from tests.mail.conftest import Data, SmtpServer
from webapp.config import Config
from webapp.digest import run_digest
from webapp.formatting import local_today
from webapp.mail.settings import MailSettings
from webapp.mail.smtp import SmtpTransport
from webapp.models import CallScore, utcnow


class Killed(BaseException):
    """The process dies (SIGKILL, OOM, a systemd timeout) while a mail is in flight."""


def test_a_run_killed_after_its_first_mail_resumes_with_the_same_new_calls(
    data: Data,
    smtp_server: SmtpServer,
    mail_config: Config,
    settings: MailSettings,
    mail_env: dict[str, str],
    cli: CliInvoker,
) -> None:
    """A call that passes the bar only in week 2 was marked as announced after the whole run:
    killed after the first recipient, the resumed run took the week as delivered, left the
    call out and, when it was the only news, sent nothing at all."""
    today = local_today()
    risen = data.call("Später passender Aufruf", score=0.05)
    data.call("Passender Aufruf")
    assert cli("digest", **mail_env).exit_code == 0  # week 1 reaches the team
    with data.sessions() as session:
        session.execute(update(CallScore).where(CallScore.call_id == risen).values(inbox_score=0.6))
        session.commit()
    week2 = today + timedelta(days=7)
    sent = 0

    class Dying(SmtpTransport):
        def send(self, message: EmailMessage) -> None:
            nonlocal sent
            sent += 1
            if sent == 2:
                raise Killed
            super().send(message)

    before = len(smtp_server.messages)
    with pytest.raises(Killed):
        run_digest(
            data.sessions,
            mail_config,
            settings,
            today=week2,
            now=utcnow(),
            transport_factory=lambda: Dying(mail_config, settings),
        )
    (first,) = smtp_server.messages[before:]
    assert "Später passender Aufruf" in first.part("plain")

    resumed = run_digest(
        data.sessions,
        mail_config,
        settings,
        today=week2,
        now=utcnow(),
        transport_factory=lambda: SmtpTransport(mail_config, settings),
    )

    assert not resumed.skipped_empty
    (second,) = smtp_server.messages[before + 1 :]
    assert second.to != first.to
    assert "Später passender Aufruf" in second.part("plain")


def test_a_recipient_put_off_on_monday_gets_the_week_s_digest_on_tuesday(
    cli: CliInvoker,
    data: Data,
    smtp_server: SmtpServer,
    mail_env: dict[str, str],
    clock: Clock,
    server_on_utc: None,
) -> None:
    """Monday's only news was a deadline that day at 18:00. The server answered 450 for one
    recipient; Tuesday's retry found the week "empty" (the deadline had passed), sent
    nothing and reported success: that recipient never got the week's digest."""
    clock(datetime(2026, 11, 30, 5, 30, tzinfo=UTC))  # Monday 06:30 German time
    call = data.call(
        "Aufruf in Arbeit",
        first_seen=datetime(2026, 9, 1),
        deadline=date(2026, 11, 30),
        deadline_time="18:00",
    )
    data.review(call, "Antrag in Vorbereitung")
    smtp_server.handler.refuse = {"leitung@kreis.example": "450 4.2.0 Mailbox busy, try later"}
    monday = cli("digest", **mail_env)
    assert monday.exit_code == 1, monday.output
    assert [m.to for m in smtp_server.messages] == ["team@kreis.example"]

    smtp_server.handler.refuse = {}
    clock(datetime(2026, 12, 1, 6, 15, tzinfo=UTC))  # Tuesday's retry
    tuesday = cli("digest", **mail_env)

    assert tuesday.exit_code == 0, tuesday.output
    assert "keine Mail verschickt" not in tuesday.output
    assert sorted(m.to.lower() for m in smtp_server.messages) == [
        "leitung@kreis.example",
        "team@kreis.example",
    ]
