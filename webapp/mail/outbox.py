"""Exactly-once delivery through the `sent_mails` log.

For each (kind, period, recipient) a row is claimed as `pending` in its own committed
transaction *before* the message goes to the SMTP server, and marked `sent` right after the
server accepted it. So a run that dies half-way leaves `sent` rows for everyone served and at
most one `pending` row; the next run skips the `sent` ones and sends the rest. Runs are
serialised by the job lock "mail", so a `pending` row a run finds was left by a crash, never
by a colleague still at work; it is sent again with the same Message-ID (the crash may have
come in the instant between the server's acceptance and our log entry).

A recipient the server refuses for good (5xx) is logged as `refused` and its address in
`mail_refusals`: later mails to it are logged as `refused` without being tried until the
refusal's retry time, or until the administration clears it (docs/mail.md).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from webapp.config import Config
from webapp.db import transaction
from webapp.errors import UserError
from webapp.formatting import format_counted, format_date
from webapp.jobs import job_lock
from webapp.mail.compose import RenderedMail, build_message, message_id
from webapp.mail.smtp import MailRejected, MailTransportError, SenderRefused, Transport
from webapp.models import MailRefusal, SentMail, utcnow

MAIL_LOCK = "mail"
MAIL_LOCK_TTL = timedelta(minutes=30)
# How long an address refused for good is left out before a run tries it again by itself.
REFUSED_RETRY = timedelta(days=7)


@dataclass(frozen=True, slots=True)
class OutgoingMail:
    """One mail to one recipient, for one period of one kind (digest, reminder)."""

    kind: str
    period_key: str
    recipient: str
    rendered: RenderedMail


@dataclass(slots=True)
class DeliveryReport:
    """What a delivery run did, per recipient."""

    sent: list[str] = field(default_factory=list)
    already_sent: list[str] = field(default_factory=list)
    # Sent again because an earlier run died between claiming and confirming them.
    resent: list[str] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)
    # Refused for good by the server in this run (recipient, answer): not retried by itself.
    refused: list[tuple[str, str]] = field(default_factory=list)
    # Not tried: the address was refused in an earlier run (recipient, refusal).
    held_back: list[tuple[str, MailRefusal]] = field(default_factory=list)
    # Set when the SMTP server could not be reached: the remaining mails were not tried.
    aborted: str = ""
    # The server refused our sender (or to relay for us): any later run fails alike until
    # a setting is fixed, so `weekly` does not ask it again for the reminders.
    sender_refused: bool = False
    not_tried: list[str] = field(default_factory=list)  # those remaining mails' recipients
    # The notice of this run's refusals to the team: its recipients, or why it failed.
    notified: list[str] = field(default_factory=list)
    notice_error: str = ""

    @property
    def ok(self) -> bool:
        """False when something needs fixing or a mail is still to send.

        A new refusal is an error to fix (exit status 1), but only in the run that met it:
        the later runs hold the address back and are not failed by it, or the daily cron
        would fail every day until someone corrects the address.
        """
        return not self.failed and not self.aborted and not self.refused

    def describe(self, recipients: int | None = None) -> str:
        """'3 Empfänger, 2 versandt, 1 bereits versandt, 0 fehlgeschlagen' (+ abort reason)."""
        parts = [f"{recipients} Empfänger"] if recipients is not None else []
        parts += [
            f"{len(self.sent) + len(self.resent)} versandt",
            f"{len(self.already_sent)} bereits versandt",
            f"{len(self.failed)} fehlgeschlagen",
        ]
        if self.not_tried:
            # Else "3 Empfänger, 0 versandt, 0 bereits versandt, 1 fehlgeschlagen" leaves two
            # recipients unaccounted for.
            parts.append(f"{len(self.not_tried)} nicht versucht")
        line = ", ".join(parts)
        if self.resent:
            line += f" (erneut nach Abbruch: {', '.join(self.resent)})"
        if self.refused:
            addresses = ", ".join(f"{who} ({answer})" for who, answer in self.refused)
            line += f"; {len(self.refused)} Empfänger abgelehnt: {addresses}"
            line += " – Adresse unter Benutzer prüfen"
            if self.notified:
                line += f"; Hinweis an {', '.join(self.notified)} versandt"
            elif self.notice_error:
                line += f"; Hinweis an das Team nicht versandt: {self.notice_error}"
        elif self.notified:  # the notice of an earlier run's refusal, which failed then
            line += f"; Hinweis auf abgelehnte Adressen an {', '.join(self.notified)} nachgereicht"
        elif self.notice_error:
            line += (
                f"; Hinweis auf abgelehnte Adressen weiterhin nicht versandt: {self.notice_error}"
            )
        if self.held_back:
            held = ", ".join(
                f"{who} (abgelehnt am {format_date(refusal.refused_at)}, erneuter Versuch ab "
                f"{format_date(refusal.retry_at)})"
                for who, refusal in self.held_back
            )
            line += (
                f"; {format_counted(len(self.held_back), 'Mail', 'Mails')} zurückgehalten: {held}"
                " – Adresse unter Benutzer prüfen"
            )
        if self.aborted:
            line += f" – abgebrochen: {self.aborted}"
        return line

    def merge(self, other: DeliveryReport) -> None:
        self.sent += other.sent
        self.already_sent += other.already_sent
        self.resent += other.resent
        self.failed += other.failed
        self.refused += other.refused
        self.held_back += other.held_back
        self.aborted = self.aborted or other.aborted
        self.sender_refused = self.sender_refused or other.sender_refused
        self.not_tried += other.not_tried
        self.notified += other.notified
        self.notice_error = self.notice_error or other.notice_error


BASE_URL_MISSING = (
    "BASE_URL ist nicht gesetzt: alle Links in den Mails zeigten auf {url}, die Empfänger "
    "kämen so nicht zur Web-Oberfläche. Bitte die öffentliche Adresse eintragen (z. B. "
    "BASE_URL=https://foerder.kreis.example in .env); es wurde nichts versandt."
)


def require_base_url(config: Config) -> None:
    """Refuse to send mails whose links would point at the built-in default address.

    Each mail goes out exactly once, so one with dead links cannot be corrected by a rerun.
    """
    if not config.base_url_set:
        raise UserError(BASE_URL_MISSING.format(url=config.base_url))


def normalise_address(address: str) -> str:
    """The form addresses are compared and logged in (case-insensitive, trimmed)."""
    return address.strip().lower()


def already_sent(sessions: sessionmaker[Session], kind: str, period_key: str) -> set[str]:
    """Recipients (normalised) that have this period's mail of this kind."""
    with sessions() as session:
        return set(
            session.scalars(
                select(SentMail.recipient).where(
                    SentMail.kind == kind,
                    SentMail.period_key == period_key,
                    SentMail.status == "sent",
                )
            )
        )


def deliver(
    sessions: sessionmaker[Session],
    config: Config,
    mails: Sequence[OutgoingMail],
    transport: Transport,
    *,
    lock_wait: float = 30.0,
    refused_retry: timedelta = REFUSED_RETRY,
    on_sent: Callable[[Session], object] | None = None,
) -> DeliveryReport:
    """Send each mail unless the log says it went out already; see the module docstring.

    A mail to an address the server refused for good (see `MailRefusal`) is not tried
    until the refusal's retry time; a permanent refusal met here is recorded as one.
    `on_sent` runs in the transaction that records each delivered mail as sent (the digest
    records there which calls it announced, so a run killed after its first mail resumes
    with the same list).
    """
    report = DeliveryReport()
    if not mails:
        return report
    with job_lock(sessions, MAIL_LOCK, ttl=MAIL_LOCK_TTL, wait=lock_wait) as lock:
        known = refusals(sessions)
        now = utcnow()
        for index, mail in enumerate(mails):
            msg_id = message_id(mail.kind, mail.period_key, mail.recipient, config.mail_from)
            address = normalise_address(mail.recipient)
            refusal = holding_back(known, address, now)
            if refusal is not None:
                if _hold_back(sessions, mail, msg_id, refusal):
                    report.held_back.append((mail.recipient, refusal))
                else:
                    report.already_sent.append(mail.recipient)
                continue
            claim = _claim(sessions, mail, msg_id)
            if claim is None:
                report.already_sent.append(mail.recipient)
                continue
            row_id, resumed = claim
            message = build_message(
                mail_from=config.mail_from,
                recipient=mail.recipient,
                rendered=mail.rendered,
                msg_id=msg_id,
            )
            try:
                transport.send(message)
            except MailRejected as exc:
                if exc.permanent:
                    # "a@b.de: 550 …" names the recipient, who is named already.
                    answer = str(exc).removeprefix(f"{mail.recipient}: ")
                    _finish(sessions, row_id, "refused", answer)
                    known[address] = _record_refusal(
                        sessions, address, answer, mail.rendered.subject, refused_retry
                    )
                    report.refused.append((mail.recipient, answer))
                else:
                    _finish(sessions, row_id, "failed", str(exc))
                    report.failed.append((mail.recipient, str(exc)))
                continue
            except SenderRefused as exc:
                # Every mail would be refused alike, and no recipient is to blame: one
                # message, nobody recorded as refused, all left for the next run.
                _finish(sessions, row_id, "failed", str(exc))
                report.aborted = str(exc)
                report.sender_refused = True
                report.not_tried = [m.recipient for m in mails[index:]]
                break
            except MailTransportError as exc:
                _finish(sessions, row_id, "failed", str(exc))
                report.failed.append((mail.recipient, str(exc)))
                report.aborted = str(exc)
                report.not_tried = [m.recipient for m in mails[index + 1 :]]
                break
            # Anything else (a crash, Ctrl+C) leaves the row pending: the next run resends.
            _finish(sessions, row_id, "sent", on_sent=on_sent)
            if known.pop(address, None) is not None:
                forget_refusal(sessions, address)  # tried again after its time, and accepted
            (report.resent if resumed else report.sent).append(mail.recipient)
            lock.refresh()
    return report


# --- addresses the server refused for good ---------------------------------------------------


def refusals(sessions: sessionmaker[Session]) -> dict[str, MailRefusal]:
    """Every recorded refusal (also those whose retry time has come), by address."""
    with sessions() as session:
        return refusals_by_address(session)


def holding_back(
    known: dict[str, MailRefusal], recipient: str, now: datetime
) -> MailRefusal | None:
    """The refusal that keeps mail from `recipient` now (None: it may be tried)."""
    refusal = known.get(normalise_address(recipient))
    return refusal if refusal is not None and refusal.retry_at > now else None


def refusal_reason(refusal: MailRefusal) -> str:
    """'die Adresse wurde am 27.11.2026 abgelehnt (550 …); erneuter Versuch ab 04.12.2026'."""
    return (
        f"die Adresse wurde am {format_date(refusal.refused_at)} abgelehnt "
        f"({refusal.error}); erneuter Versuch ab {format_date(refusal.retry_at)}"
    )


def forget_refusal(sessions: sessionmaker[Session], address: str) -> bool:
    """Let the next run try `address` again; False if it was not held back."""
    with transaction(sessions) as session:
        return clear_refusal(session, address)


def clear_refusal(session: Session, address: str) -> bool:
    """`forget_refusal` in the caller's transaction (the Benutzer page)."""
    row = session.get(MailRefusal, normalise_address(address))
    if row is None:
        return False
    session.delete(row)
    return True


def follow_new_address(session: Session, old: str, new: str, *, keep_refusal: bool) -> bool:
    """A login's address changed from `old` to `new`: its mail log follows it.

    What reached the person at the old address counts as sent to the new one, so this week's
    digest and the reminders already sent do not go out twice; what did not reach the old
    address (failed, refused) is left behind and goes to the new one from the next run. The
    old address's refusal is forgotten unless `keep_refusal` (the address still gets mail,
    e.g. as a team address). True when a refusal was forgotten.
    """
    old, new = normalise_address(old), normalise_address(new)
    delivered = session.scalars(
        select(SentMail).where(SentMail.recipient == old, SentMail.status == "sent")
    ).all()
    for row in delivered:
        there = session.scalar(
            select(SentMail).where(
                SentMail.kind == row.kind,
                SentMail.period_key == row.period_key,
                SentMail.recipient == new,
            )
        )
        if there is not None:
            if there.status == "sent":
                continue  # the new address has it too (a team address, say)
            session.delete(there)
            session.flush()
        row.recipient = new
    session.flush()
    return not keep_refusal and clear_refusal(session, old)


def refusals_by_address(session: Session) -> dict[str, MailRefusal]:
    """Every recorded refusal by address, in the caller's session (the Benutzer page)."""
    return {row.address: row for row in session.scalars(select(MailRefusal))}


def _record_refusal(
    sessions: sessionmaker[Session], address: str, error: str, subject: str, retry: timedelta
) -> MailRefusal:
    with transaction(sessions) as session:
        row = record_refusal(session, address, error, subject, retry)
        session.expunge(row)
        return row


def record_refusal(
    session: Session, address: str, error: str, subject: str, retry: timedelta
) -> MailRefusal:
    """Hold `address` back until `retry` from now, in the caller's transaction."""
    now = utcnow()
    address = normalise_address(address)
    row = session.get(MailRefusal, address) or MailRefusal(address=address)
    row.error, row.subject = error[:2000], subject
    row.refused_at, row.retry_at = now, now + retry
    session.add(row)
    session.flush()
    return row


def retry_refused(session: Session, address: str) -> str | None:
    """Let the next run try a refused address again (*Erneut zustellen*, `mail retry`).

    Returns what to tell the administration, None when the address was not held back.
    """
    if not clear_refusal(session, address):
        return None
    return (
        f"E-Mails an {normalise_address(address)} werden beim nächsten Lauf wieder zugestellt "
        "(Übersicht der Woche, fällige Erinnerungen)."
    )


def _hold_back(
    sessions: sessionmaker[Session], mail: OutgoingMail, msg_id: str, refusal: MailRefusal
) -> bool:
    """Log the mail as refused without trying it; False when it was sent before."""
    error = f"Nicht versucht: {refusal_reason(refusal)}"
    claim = _claim(sessions, mail, msg_id)
    if claim is None:
        return False
    _finish(sessions, claim[0], "refused", error)
    return True


def _claim(
    sessions: sessionmaker[Session], mail: OutgoingMail, msg_id: str
) -> tuple[int, bool] | None:
    """Claim the log row in its own committed transaction; None when already sent."""
    recipient = normalise_address(mail.recipient)
    try:
        with transaction(sessions) as session:
            row = session.scalar(
                select(SentMail).where(
                    SentMail.kind == mail.kind,
                    SentMail.period_key == mail.period_key,
                    SentMail.recipient == recipient,
                )
            )
            if row is None:
                row = SentMail(
                    kind=mail.kind,
                    period_key=mail.period_key,
                    recipient=recipient,
                    status="pending",
                    subject=mail.rendered.subject,
                    message_id=msg_id,
                )
                session.add(row)
                session.flush()
                return row.id, False
            if row.status == "sent":
                return None
            resumed = row.status == "pending"
            row.status = "pending"
            row.error = ""
            row.subject = mail.rendered.subject
            session.flush()
            return row.id, resumed
    except IntegrityError:
        # Someone inserted the same row between our SELECT and INSERT: theirs to send.
        return None


def _finish(
    sessions: sessionmaker[Session],
    row_id: int,
    status: str,
    error: str = "",
    on_sent: Callable[[Session], object] | None = None,
) -> None:
    with transaction(sessions) as session:
        row = session.get(SentMail, row_id)
        if status == "sent" and on_sent is not None:
            on_sent(session)  # in the same transaction: recorded as sent only together
        if row is not None:
            row.status = status
            row.error = error[:2000]
            if status == "sent":
                row.sent_at = utcnow()
