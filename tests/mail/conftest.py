"""Mail fixtures: a real SMTP server on localhost (aiosmtpd) and builders for test data."""

from __future__ import annotations

import socket
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from email import message_from_bytes, policy
from email.message import EmailMessage
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from webapp.config import Config
from webapp.db import make_session_factory
from webapp.mail.settings import MailSettings
from webapp.models import (
    Call,
    CallScore,
    Match,
    ProjectRow,
    Review,
    ScrapeRun,
    Source,
    ThemeRow,
    User,
    utcnow,
)

TEAM = ["team@kreis.example", "Leitung@Kreis.example"]


def free_port() -> int:
    """A port nobody listens on right now (aiosmtpd's Controller cannot take port 0)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class Received:
    envelope_to: list[str]
    message: EmailMessage
    envelope_from: str = ""  # MAIL FROM: where bounces go, what the server checks
    raw: bytes = b""  # as it came over the wire, headers folded as sent

    @property
    def to(self) -> str:
        return str(self.message["To"])

    def part(self, subtype: str) -> str:
        body = self.message.get_body(preferencelist=(subtype,))
        assert body is not None, f"no text/{subtype} part"
        return body.get_content()


@dataclass
class Collector:
    """aiosmtpd handler that keeps every message; `on_message` may interfere (kill, fail)."""

    messages: list[Received] = field(default_factory=list)
    on_message: Callable[[int], str | None] | None = None
    # RCPT TO answers for some addresses (lower case), e.g. {"a@b.de": "550 5.1.1 unknown"}
    refuse: dict[str, str] = field(default_factory=dict)
    rcpt_attempts: list[str] = field(default_factory=list)  # every RCPT TO address, in order
    # MAIL FROM answer instead of 250, e.g. "553 5.7.1 Sender address not allowed"
    refuse_sender: str | None = None
    mail_attempts: int = 0  # every MAIL FROM

    async def handle_MAIL(
        self, server: Any, session: Any, envelope: Any, address: str, mail_options: list[str]
    ) -> str:
        self.mail_attempts += 1
        if self.refuse_sender is not None:
            return self.refuse_sender
        envelope.mail_from = address
        envelope.mail_options.extend(mail_options)
        return "250 OK"

    async def handle_RCPT(
        self, server: Any, session: Any, envelope: Any, address: str, rcpt_options: list[str]
    ) -> str:
        self.rcpt_attempts.append(address.lower())
        answer = self.refuse.get(address.lower())
        if answer is not None:
            return answer
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        if self.on_message is not None:
            answer = self.on_message(len(self.messages) + 1)
            if answer is not None:
                return answer
        message = message_from_bytes(envelope.original_content, policy=policy.default)
        received = Received(
            list(envelope.rcpt_tos),
            message,
            envelope.mail_from,
            envelope.original_content,
        )
        self.messages.append(received)
        return "250 Message accepted for delivery"

    def to(self) -> list[str]:
        return sorted(r.to.lower() for r in self.messages)


@dataclass
class SmtpServer:
    port: int
    handler: Collector
    controller: Controller | None = None

    def start(self) -> None:
        self.controller = Controller(self.handler, hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None

    @property
    def messages(self) -> list[Received]:
        return self.handler.messages


@pytest.fixture
def smtp_server() -> Iterator[SmtpServer]:
    """A running SMTP server on a free localhost port that collects what it receives."""
    server = SmtpServer(free_port(), Collector())
    server.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def mail_config(config: Config, smtp_server: SmtpServer) -> Config:
    return replace(
        config,
        smtp_host="127.0.0.1",
        smtp_port=smtp_server.port,
        alert_recipients=list(TEAM),
        base_url="https://foerder.example",
        base_url_set=True,
        mail_from="funding-matcher@kreis.example",
    )


@pytest.fixture
def mail_env(mail_config: Config) -> dict[str, str]:
    """Environment for `cli(...)`: the test SMTP server, quick retries, the team."""
    return {
        "SMTP_HOST": mail_config.smtp_host,
        "SMTP_PORT": str(mail_config.smtp_port),
        "ALERT_RECIPIENTS": ",".join(mail_config.alert_recipients),
        "BASE_URL": mail_config.base_url,
        "MAIL_FROM": mail_config.mail_from,
        "SMTP_RETRIES": "2",
        "SMTP_RETRY_DELAY": "0.01",
        "SMTP_TIMEOUT": "5",
        "MAIL_LOCK_WAIT": "2",
    }


@pytest.fixture
def settings() -> MailSettings:
    return MailSettings(retries=1, retry_delay=0.01, timeout=5, lock_wait=2)


@pytest.fixture
def db(cli: Any, engine: Any) -> sessionmaker[Session]:
    """The migrated test database with the bundled strategy loaded."""
    result = cli("init")
    assert result.exit_code == 0, result.output
    return make_session_factory(engine)


class Data:
    """Builders for calls, scores, reviews, users, sources and their runs."""

    def __init__(self, sessions: sessionmaker[Session]) -> None:
        self.sessions = sessions

    def project(self, theme_key: str = "verwaltung") -> ProjectRow:
        with self.sessions() as s:
            return s.scalars(
                select(ProjectRow)
                .join(ThemeRow, ThemeRow.id == ProjectRow.theme_id)
                .where(ThemeRow.key == theme_key)
                .order_by(ProjectRow.position)
            ).first()  # type: ignore[return-value]

    def call(
        self,
        title: str,
        *,
        score: float | None = 0.5,
        eligibility: str = "eligible",
        theme: str = "verwaltung",
        first_seen: datetime | None = None,
        deadline: date | None = None,
        deadlines: dict[str, str] | None = None,
        funder: str = "Land NRW",
        status: str = "",
        applicants: list[str] | None = None,
        deadline_time: str | None = None,
        deadline_times: dict[str, str] | None = None,
        announced: bool | None = None,
    ) -> int:
        """A call with its score; `applicants`: the strategy's applicants that may apply.

        `announced`: whether an earlier digest announced it; by default a call given an
        earlier `first_seen` was (it passed the digest's bar in its week), a new one not.
        """
        if announced is None:
            announced = first_seen is not None and first_seen < utcnow() - timedelta(days=7)
        project = self.project(theme)
        with self.sessions() as s:
            call = Call(
                source="test",
                external_id=uuid.uuid4().hex,
                url="https://example.org/call",
                title=title,
                funder=funder,
                deadline=deadline,
                deadlines=deadlines or {},
                deadline_time=deadline_time,
                deadline_times=deadline_times or {},
                status=status,
                first_seen=first_seen or utcnow() - timedelta(minutes=5),
                announced_in="2026-W01" if announced else None,
            )
            s.add(call)
            s.flush()
            if score is not None:
                s.add(
                    CallScore(
                        call_id=call.id,
                        inbox_score=score,
                        best_project_id=project.id,
                        eligibility=eligibility,
                        eligible_applicants=applicants or [],
                    )
                )
                # as `match` stores it: the best project shares a word with the call, so
                # the digest names it ("Passt zu", queries.matching_clauses)
                s.add(
                    Match(
                        call_id=call.id,
                        project_id=project.id,
                        score=score,
                        rank=1,
                        terms=[
                            {"call_word": "Förderung", "project_word": "Förderung", "weight": 0.1}
                        ],
                        eligibility=eligibility,
                    )
                )
            s.commit()
            return call.id

    def review(self, call_id: int, status: str, assignee: str | None = None) -> None:
        with self.sessions() as s:
            user_id = s.scalar(select(User.id).where(User.email == assignee)) if assignee else None
            s.add(Review(call_id=call_id, status=status, assignee_id=user_id))
            s.commit()

    def user(
        self, email: str, *, opt_in: bool = True, name: str = "", home: str | None = None
    ) -> None:
        """A login; `home`: its "Meine Kommune"."""
        with self.sessions() as s:
            s.add(
                User(
                    email=email,
                    name=name,
                    password_hash="x",
                    digest_opt_in=opt_in,
                    ical_token=uuid.uuid4().hex,
                    home_applicant=home,
                )
            )
            s.commit()

    def source(self, name: str, label: str = "", *, enabled: bool = True) -> int:
        with self.sessions() as s:
            source = Source(name=name, label=label or name, kind="html", enabled=enabled)
            s.add(source)
            s.commit()
            return source.id

    def run(
        self,
        source_id: int,
        status: str = "ok",
        *,
        ago: timedelta = timedelta(hours=2),
        error: str = "",
        warnings: tuple[str, ...] = (),
    ) -> None:
        """A finished scrape run that started `ago` before now."""
        with self.sessions() as s:
            started = utcnow() - ago
            run = ScrapeRun(
                source_id=source_id,
                started_at=started,
                finished_at=started + timedelta(seconds=30),
                status=status,
                error_message=error,
            )
            run.set_warnings(warnings)
            s.add(run)
            s.commit()


@pytest.fixture
def data(db: sessionmaker[Session]) -> Data:
    return Data(db)
