"""The team's notice that the mail server refused a recipient for good.

Without it, an assignee whose address is mistyped would never get a deadline reminder and
nobody would know: the refusal was only in the cron output. The notice goes in the same run
to the team addresses (ALERT_RECIPIENTS) or, when there are none, to the active
administrators, who can correct the login on the Benutzer page.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from datetime import date, datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from webapp.config import Config
from webapp.formatting import format_counted
from webapp.mail.compose import MailFooter, RenderedMail, render_mail
from webapp.mail.outbox import (
    DeliveryReport,
    OutgoingMail,
    deliver,
    holding_back,
    normalise_address,
    refusals,
)
from webapp.mail.settings import MailSettings
from webapp.mail.smtp import Transport
from webapp.models import MailRefusal, SentMail, User, utcnow

NOTICE_KIND = "notice"
USERS_PATH = "/verwaltung/benutzer"


def notice_recipients(sessions: sessionmaker[Session], config: Config) -> list[str]:
    """ALERT_RECIPIENTS, or the active administrators when none is set."""
    if config.alert_recipients:
        return list(config.alert_recipients)
    with sessions() as session:
        return list(
            session.scalars(
                select(User.email).where(User.role == "admin", User.active).order_by(User.id)
            )
        )


def notify_refusals(
    sessions: sessionmaker[Session],
    config: Config,
    settings: MailSettings,
    report: DeliveryReport,
    transport: Transport,
    *,
    today: date,
) -> None:
    """Tell the team of every refusal it has not been told of; who got it goes into `report`.

    Those are this run's new refusals and any whose notice did not go out in an earlier run
    (the server was down, a team address refused it for the moment): a refusal counts as
    told to an address once a notice was sent to it after the refusal. So a failed notice is
    sent by the next run, and one that went out is never sent again.
    """
    known = refusals(sessions)
    if not known:
        return
    candidates = notice_recipients(sessions, config)
    now = utcnow()
    # A team address that is refused itself cannot be told (its mail would be held back).
    to = [a for a in candidates if holding_back(known, a, now) is None]
    if report.refused and not to:
        report.notice_error = (
            "die Team-Adressen sind selbst abgelehnt"
            if candidates
            else "keine Team-Adresse (ALERT_RECIPIENTS) und keine Administration"
        )
        return
    # Recipients who lack the same refusals get the same notice (one key, exactly once).
    groups: dict[tuple[str, ...], list[str]] = {}
    rows_of: dict[tuple[str, ...], list[MailRefusal]] = {}
    for address in to:
        told = _last_notice(sessions, address)
        rows = [known[a] for a in sorted(known) if told is None or known[a].refused_at > told]
        if rows:
            fingerprint = tuple(f"{row.address}\0{row.refused_at.isoformat()}" for row in rows)
            groups.setdefault(fingerprint, []).append(address)
            rows_of[fingerprint] = rows
    mails = [
        OutgoingMail(
            NOTICE_KIND, _notice_key(fingerprint), address, _render(config, rows_of[fingerprint])
        )
        for fingerprint, addresses in groups.items()
        for address in addresses
    ]
    if not mails:
        return
    sent = deliver(sessions, config, mails, transport, lock_wait=settings.lock_wait)
    report.notified += sent.sent + sent.resent + sent.already_sent
    problems = [f"{who}: {answer}" for who, answer in [*sent.failed, *sent.refused]]
    if problems or sent.aborted:
        report.notice_error = sent.aborted or "; ".join(problems)


def _last_notice(sessions: sessionmaker[Session], address: str) -> datetime | None:
    """When `address` was last sent a notice (None: never)."""
    with sessions() as session:
        return session.scalar(
            select(func.max(SentMail.sent_at)).where(
                SentMail.kind == NOTICE_KIND,
                SentMail.recipient == normalise_address(address),
                SentMail.status == "sent",
            )
        )


def _notice_key(fingerprint: tuple[str, ...]) -> str:
    digest = hashlib.sha256("\0".join(fingerprint).encode()).hexdigest()
    return f"refused:{digest[:16]}"


def _render(config: Config, rows: list[MailRefusal]) -> RenderedMail:
    subject = (
        f"Nicht zugestellt: {format_counted(len(rows), 'Empfänger', 'Empfänger')} abgelehnt "
        f"({', '.join(row.address for row in rows)})"
    )
    footer = MailFooter(
        why="Sie erhalten diesen Hinweis als Team-Adresse (Einstellung ALERT_RECIPIENTS) oder, "
        "wenn keine eingetragen ist, als Administration von funding-matcher.",
        stop_label="Abbestellen",
        stop_url="",
        stop_text="über die Administration von funding-matcher",
    )
    return render_mail(
        "refusal",
        subject,
        footer,
        rows=rows,
        users_url=f"{config.base_url}{USERS_PATH}",
        base_url=config.base_url,
    )


def send_scheduled(
    sessions: sessionmaker[Session],
    config: Config,
    settings: MailSettings,
    mails: Sequence[OutgoingMail],
    transport_factory: Callable[[], Transport],
    *,
    today: date,
    on_sent: Callable[[Session], object] | None = None,
) -> DeliveryReport:
    """Deliver a run's mails (digest, reminders) and tell the team of new refusals;
    `on_sent` as for `outbox.deliver`."""
    transport = transport_factory()
    try:
        report = deliver(
            sessions,
            config,
            mails,
            transport,
            lock_wait=settings.lock_wait,
            refused_retry=timedelta(days=settings.refused_retry_days),
            on_sent=on_sent,
        )
        if not report.aborted:  # the server is gone or refuses our sender: no notice either
            notify_refusals(sessions, config, settings, report, transport, today=today)
    finally:
        transport.close()
    return report
