"""The lock and the sent-mail log on SQLite and on a real PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from email.message import EmailMessage

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from webapp.config import Config
from webapp.db import make_engine, make_session_factory
from webapp.jobs import job_lock, try_acquire
from webapp.mail.compose import RenderedMail
from webapp.mail.outbox import OutgoingMail, deliver
from webapp.mail.smtp import MailTransportError
from webapp.migrate import upgrade
from webapp.models import SentMail


class FakeTransport:
    """Records messages; fails with a transport error from message number `fail_at` on."""

    def __init__(self, fail_at: int | None = None) -> None:
        self.sent: list[str] = []
        self.fail_at = fail_at

    def send(self, message: EmailMessage) -> None:
        if self.fail_at is not None and len(self.sent) + 1 >= self.fail_at:
            raise MailTransportError("Server weg")
        self.sent.append(str(message["To"]))

    def close(self) -> None:
        pass


@pytest.fixture
def sessions(any_config: Config) -> Iterator[sessionmaker[Session]]:
    engine = make_engine(any_config.database_url)
    upgrade(engine)
    yield make_session_factory(engine)
    engine.dispose()


def _mails(*to: str) -> list[OutgoingMail]:
    rendered = RenderedMail("Betreff", "Text", "<p>Text</p>")
    return [OutgoingMail("digest", "2026-W48", address, rendered) for address in to]


def test_lock_on_each_backend(sessions: sessionmaker[Session]) -> None:
    ttl = timedelta(minutes=5)
    with job_lock(sessions, "weekly", ttl=ttl):
        assert not try_acquire(sessions, "weekly", "other:1:x", ttl)
    assert try_acquire(sessions, "weekly", "other:1:x", timedelta(seconds=-1))  # free again
    # expired: exactly one of two contenders takes it over
    assert [try_acquire(sessions, "weekly", f"n:{i}:y", ttl) for i in range(2)] == [True, False]


def test_log_sends_each_mail_once_on_each_backend(
    sessions: sessionmaker[Session], any_config: Config
) -> None:
    broken = FakeTransport(fail_at=2)
    first = deliver(sessions, any_config, _mails("a@x.de", "B@x.de", "c@x.de"), broken)
    assert broken.sent == ["a@x.de"] and first.aborted == "Server weg"

    working = FakeTransport()
    second = deliver(sessions, any_config, _mails("a@x.de", "b@X.de", "c@x.de"), working)
    assert working.sent == ["b@X.de", "c@x.de"]
    assert second.ok and second.already_sent == ["a@x.de"]

    third = FakeTransport()
    deliver(sessions, any_config, _mails("a@x.de", "b@x.de", "c@x.de"), third)
    assert third.sent == []
    with sessions() as s:
        rows = s.scalars(select(SentMail).order_by(SentMail.recipient)).all()
    assert [(r.recipient, r.status) for r in rows] == [
        ("a@x.de", "sent"),
        ("b@x.de", "sent"),
        ("c@x.de", "sent"),
    ]
    assert all(r.sent_at is not None and r.message_id for r in rows)
