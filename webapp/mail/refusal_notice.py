"""The team's notice that the mail server refused a recipient for good.

Without it, an assignee whose address is mistyped would never get a deadline reminder and
nobody would know: the refusal was only in the cron output. The notice goes in the same run
to the team addresses (ALERT_RECIPIENTS) or, when there are none, to the active
administrators, who can correct the login on the Benutzer page.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from webapp.config import Config
from webapp.formatting import format_counted
from webapp.mail.compose import MailFooter, render_mail
from webapp.mail.outbox import (
    DeliveryReport,
    OutgoingMail,
    deliver,
    normalise_address,
    refusals,
)
from webapp.mail.settings import MailSettings
from webapp.mail.smtp import Transport
from webapp.models import User

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
    """Send the notice of `report`'s new refusals; who got it goes into `report.notified`."""
    if not report.refused:
        return
    refused = {normalise_address(who) for who, _ in report.refused}
    candidates = notice_recipients(sessions, config)
    to = [a for a in candidates if normalise_address(a) not in refused]
    if not to:
        report.notice_error = (
            "die Team-Adressen sind selbst abgelehnt"
            if candidates
            else "keine Team-Adresse (ALERT_RECIPIENTS) und keine Administration"
        )
        return
    known = refusals(sessions)
    rows = [known[a] for a in sorted(refused) if a in known]
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
    rendered = render_mail(
        "refusal",
        subject,
        footer,
        rows=rows,
        users_url=f"{config.base_url}{USERS_PATH}",
        base_url=config.base_url,
    )
    # One notice per set of refusals: a rerun after a crash does not send it twice.
    fingerprint = "\0".join(f"{row.address}\0{row.refused_at.isoformat()}" for row in rows)
    key = f"refused:{today.isoformat()}:{hashlib.sha256(fingerprint.encode()).hexdigest()[:16]}"
    mails = [OutgoingMail(NOTICE_KIND, key, address, rendered) for address in to]
    sent = deliver(sessions, config, mails, transport, lock_wait=settings.lock_wait)
    report.notified += sent.sent + sent.resent + sent.already_sent
    problems = [f"{who}: {answer}" for who, answer in [*sent.failed, *sent.refused]]
    if problems or sent.aborted:
        report.notice_error = sent.aborted or "; ".join(problems)


def send_scheduled(
    sessions: sessionmaker[Session],
    config: Config,
    settings: MailSettings,
    mails: Sequence[OutgoingMail],
    transport_factory: Callable[[], Transport],
    *,
    today: date,
) -> DeliveryReport:
    """Deliver a run's mails (digest, reminders) and tell the team of new refusals."""
    transport = transport_factory()
    try:
        report = deliver(
            sessions,
            config,
            mails,
            transport,
            lock_wait=settings.lock_wait,
            refused_retry=timedelta(days=settings.refused_retry_days),
        )
        notify_refusals(sessions, config, settings, report, transport, today=today)
    finally:
        transport.close()
    return report
