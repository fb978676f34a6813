"""Personal data (DSGVO): what the weekly job deletes, erasing a login, a copy for Auskunft.

- `purge_expired`: the retention of docs/privacy.md (Löschfristen) — failed logins past the
  throttle window, expired sessions, lockout records of unknown e-mails, the mail log and
  mail refusals after MAIL_LOG_RETENTION_DAYS; with USER_ERASE_AFTER_DAYS, the logins
  deactivated longer than that (`forget_user`).
- `forget_user`: a deactivated login loses its name and address for good (Art. 17); the
  team's decisions, notes and texts stay, signed by "ehemalige Anmeldung N".
- `personal_data`: everything stored about one login, as JSON-ready data (Art. 15).
"""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, ColumnExpressionArgument, delete, func, or_, select, update
from sqlalchemy.orm import Session
from werkzeug.security import generate_password_hash

from webapp.config import Config
from webapp.db import database_now
from webapp.digest import DIGEST_KIND
from webapp.errors import UserError
from webapp.formatting import format_counted
from webapp.login_sessions import SessionLimits, end_expired_sessions, end_sessions
from webapp.mail.outbox import clear_refusal, normalise_address
from webapp.mail.settings import MailSettings
from webapp.models import (
    Call,
    CallChange,
    Justification,
    LoginSession,
    MailRefusal,
    Review,
    ReviewEvent,
    SentMail,
    UnknownEmail,
    User,
    UserFormerName,
)
from webapp.throttle import forget_expired_failures
from webapp.users import (
    FORGOTTEN_DOMAIN,
    active_admins,
    former_names,
    is_forgotten,
    new_ical_token,
)

# The digest is retried daily within its week: its log rows are needed for at least that long.
MIN_MAIL_LOG_DAYS = 8


def pseudonym(user_id: int) -> str:
    """The name an erased login is shown with in histories and lists."""
    return f"ehemalige Anmeldung {user_id}"


def pseudonym_email(user_id: int) -> str:
    """The address an erased login keeps (unique, never deliverable)."""
    return f"ehemalige-anmeldung-{user_id}@{FORGOTTEN_DOMAIN}"


# --- retention --------------------------------------------------------------------------


@dataclass(slots=True)
class PurgeReport:
    """How many rows of each kind `purge_expired` deleted."""

    login_failures: int = 0  # login_failures: client addresses past the throttle window
    sessions: int = 0  # login_sessions past SESSION_IDLE_HOURS / SESSION_MAX_DAYS
    unknown_emails: int = 0  # unknown_emails not tried for LOGIN_RECORD_RETENTION_DAYS
    sent_mails: int = 0  # sent_mails older than the mail log's time
    refusals: int = 0  # mail_refusals older than that and past their retry time
    logins: int = 0  # logins deactivated longer than USER_ERASE_AFTER_DAYS, now erased
    # what an administrator should know: a login not erased, free text still naming one
    notes: list[str] = field(default_factory=list)

    def describe(self) -> str:
        """One German line for `weekly`'s summary."""
        rows = self._rows()
        segments = [rows] if rows else []
        if self.logins:
            logins = format_counted(self.logins, "ehemalige Anmeldung", "ehemalige Anmeldungen")
            segments.append(f"{logins} gelöscht (anonymisiert)")
        segments += self.notes
        return "; ".join(segments) or "keine abgelaufenen personenbezogenen Daten"

    def _rows(self) -> str:
        """The rows deleted by their kind ("gelöscht: 3 …, 2 …"), or ""."""
        parts = [
            format_counted(count, singular, plural)
            for count, singular, plural in (
                (
                    self.login_failures,
                    "Fehlanmeldung mit Client-Adresse",
                    "Fehlanmeldungen mit Client-Adresse",
                ),
                (self.sessions, "abgelaufene Sitzung", "abgelaufene Sitzungen"),
                (
                    self.unknown_emails,
                    "Sperreintrag einer unbekannten E-Mail-Adresse",
                    "Sperreinträge unbekannter E-Mail-Adressen",
                ),
                (self.sent_mails, "Eintrag im Mailprotokoll", "Einträge im Mailprotokoll"),
                (self.refusals, "abgelaufene Zustellablehnung", "abgelaufene Zustellablehnungen"),
            )
            if count
        ]
        return "gelöscht: " + ", ".join(parts) if parts else ""


def mail_log_days(config: Config, settings: MailSettings) -> int:
    """Days the mail log is kept: MAIL_LOG_RETENTION_DAYS, but never so short that a
    reminder or the week's digest could go out a second time."""
    longest_reminder = max(settings.reminder_days, default=0) + 1
    return max(config.mail_log_retention_days, longest_reminder, MIN_MAIL_LOG_DAYS)


def purge_expired(
    session: Session, config: Config, settings: MailSettings, now: datetime | None = None
) -> PurgeReport:
    """Delete the personal data whose time is over (see docs/privacy.md); commit after."""
    now = now or database_now(session)
    report = PurgeReport()
    window = timedelta(minutes=config.login_limit_window_minutes)
    report.login_failures = forget_expired_failures(session, window, now)
    report.sessions = end_expired_sessions(session, SessionLimits.from_config(config), now)
    report.unknown_emails = _deleted(
        session,
        UnknownEmail,
        UnknownEmail.last_seen < now - timedelta(days=config.login_record_retention_days),
        or_(UnknownEmail.locked_until.is_(None), UnknownEmail.locked_until <= now),
    )
    cutoff = now - timedelta(days=mail_log_days(config, settings))
    # The newest digest that reached someone starts the next digest's window
    # (digest.digest_window): its rows stay until a later one is delivered.
    newest_digest = (
        select(func.coalesce(func.max(SentMail.period_key), ""))
        .where(SentMail.kind == DIGEST_KIND, SentMail.status == "sent")
        .scalar_subquery()
    )
    report.sent_mails = _deleted(
        session,
        SentMail,
        SentMail.created_at < cutoff,
        or_(SentMail.kind != DIGEST_KIND, SentMail.period_key != newest_digest),
    )
    # A refusal whose retry time has come and that is older than the log: the address was
    # not tried since (a deactivated login, a team address removed).
    report.refusals = _deleted(
        session, MailRefusal, MailRefusal.refused_at < cutoff, MailRefusal.retry_at <= now
    )
    _erase_departed(session, config, now, report)
    return report


def _erase_departed(session: Session, config: Config, now: datetime, report: PurgeReport) -> None:
    """Erase every login deactivated longer than USER_ERASE_AFTER_DAYS (Speicherbegrenzung).

    A login that may not be erased (the last administration) stays, with a note; so do
    logins deactivated before migration 0014 (no date).
    """
    days = config.user_erase_after_days
    if days <= 0:
        return
    candidates = session.scalars(
        select(User)
        .where(~User.active, User.deactivated_at < now - timedelta(days=days))
        .order_by(User.id)
    )
    for user in [u for u in candidates if not is_forgotten(u)]:
        email = user.email
        try:
            forgotten = forget_user(session, user, team_addresses=config.alert_recipients)
        except UserError as exc:
            report.notes.append(f"{email} nicht gelöscht: {exc}")
            continue
        report.logins += 1
        if forgotten.mentions:
            calls = ", ".join(str(call_id) for call_id in forgotten.mentions)
            report.notes.append(
                f"Hinweis: Freitext der Aufrufe {calls} nennt „{forgotten.pseudonym}“ noch "
                "mit Namen oder Adresse"
            )
        if forgotten.ambiguous:
            calls = ", ".join(str(call_id) for call_id in forgotten.ambiguous)
            report.notes.append(
                f"Hinweis: Verlauf der Aufrufe {calls} nennt einen früheren Namen von "
                f"„{forgotten.pseudonym}“, den auch eine andere Anmeldung hat oder hatte"
            )
        team = [email] if forgotten.team_address else []
        for address in [*team, *forgotten.former_team_addresses]:
            report.notes.append(
                f"Hinweis: {address} steht in ALERT_RECIPIENTS und bekommt weiter die Übersicht"
            )


def _deleted(session: Session, model: type[Any], *where: ColumnElement[bool]) -> int:
    done = session.execute(delete(model).where(*where).execution_options(synchronize_session=False))
    return int(done.rowcount)  # type: ignore[attr-defined]


# --- erasure ----------------------------------------------------------------------------


@dataclass(slots=True)
class ForgetReport:
    """What `forget_user` changed, for the message to the administration."""

    email: str
    name: str
    pseudonym: str
    history: int = 0
    sessions: int = 0
    mails: int = 0
    refusal: bool = False
    team_address: bool = False
    # calls whose note or edited text still names the person (free text is not rewritten)
    mentions: list[int] = field(default_factory=list)
    # the names and addresses the login had before (user_former_names), now deleted
    former: list[str] = field(default_factory=list)
    # mail log rows addressed to a former address (never delivered there), deleted
    former_mails: int = 0
    # former addresses that are team addresses (ALERT_RECIPIENTS): their log stays
    former_team_addresses: list[str] = field(default_factory=list)
    # calls whose history names a former name another login has or had too: left as it is
    ambiguous: list[int] = field(default_factory=list)

    def describe(self) -> str:
        """The German confirmation, with what is left to do by hand."""
        lines = [
            f"Anmeldung {self.email} ist jetzt „{self.pseudonym}“: Name, Adresse, Passwort, "
            "Kalenderadresse und Einstellungen sind gelöscht. Entscheidungen, Notizen und "
            "Texte bleiben und nennen „" + self.pseudonym + "“.",
            f"  Verlauf: {format_counted(self.history, 'Eintrag', 'Einträge')} ersetzt; "
            f"Sitzungen: {self.sessions} beendet; Mailprotokoll: "
            f"{format_counted(self.mails, 'Eintrag', 'Einträge')} anonymisiert"
            + (
                f", {format_counted(self.former_mails, 'Eintrag', 'Einträge')} an frühere "
                "Adressen gelöscht"
                if self.former_mails
                else ""
            )
            + ("; Zustellablehnung gelöscht" if self.refusal else "")
            + ".",
        ]
        if self.former:
            lines.append(
                f"  Frühere Namen und Adressen gelöscht: {_quoted(self.former)} "
                "(auch nach ihnen wurde gesucht)."
            )
        team = [self.email] if self.team_address else []
        for address in [*team, *self.former_team_addresses]:
            lines.append(
                f"  Hinweis: {address} steht in ALERT_RECIPIENTS und bekommt als "
                "Team-Adresse weiter die Übersicht; ihr Mailprotokoll bleibt deshalb. "
                "Entfernen Sie die Adresse dort, wenn sie nicht mehr gebraucht wird."
            )
        if self.mentions:
            calls = ", ".join(str(call_id) for call_id in self.mentions)
            lines.append(
                "  Hinweis: Notizen oder bearbeitete Begründungstexte dieser Aufrufe nennen "
                f"den Namen oder die Adresse noch (Freitext wird nicht geändert): {calls}."
            )
        if self.ambiguous:
            calls = ", ".join(str(call_id) for call_id in self.ambiguous)
            lines.append(
                "  Hinweis: der Verlauf dieser Aufrufe nennt als Zuständige einen früheren "
                "Namen, den auch eine andere Anmeldung hat oder hatte; er bleibt, weil nicht "
                f"zu erkennen ist, wessen Eintrag es ist: {calls}."
            )
        lines.append(
            "  Sicherungen (funding-matcher backup) enthalten die alten Daten, bis sie nach "
            "Ihrer Löschfrist gelöscht werden."
        )
        return "\n".join(lines)


def _quoted(values: Sequence[str]) -> str:
    """Names in German quotes, addresses as they are."""
    return ", ".join(value if "@" in value else f"„{value}“" for value in values)


def check_forgettable(session: Session, user: User) -> None:
    """Raise UserError when `user` may not be erased (active, done already, last admin)."""
    if is_forgotten(user):
        raise UserError(f"Die Anmeldung {user.email} ist schon anonymisiert.")
    if user.active:
        raise UserError(
            f"Die Anmeldung {user.email} ist noch aktiv. Löschen lässt sich nur eine "
            f"deaktivierte Anmeldung: zuerst `funding-matcher user deactivate {user.email}`."
        )
    if user.role == "admin" and active_admins(session) == 0:
        raise UserError(
            f"{user.email} ist die letzte Administration: ohne sie könnte niemand mehr "
            "Anmeldungen verwalten. Legen Sie zuerst eine weitere an."
        )


@dataclass(slots=True)
class _Labels:
    """How the history, notes and mail log may name a login: now and before."""

    current: set[str]  # its name and address
    former: list[UserFormerName]  # every name and address it had before
    own: set[str]  # former labels no other login has or had: its history entries
    shared: set[str]  # former labels another login has or had too: whose entry is unknown

    @property
    def all(self) -> set[str]:
        """Every text that names the person (for free text)."""
        return self.current | {row.value for row in self.former}


def _labels(session: Session, user: User) -> _Labels:
    current = {label for label in (user.name, user.email) if label}
    former = former_names(session, user)
    own: set[str] = set()
    shared: set[str] = set()
    for label in {row.value for row in former} - current:
        # The same test as users._follow_in_history, plus the other logins' former labels.
        namesake = select(User.id).where(
            User.id != user.id,
            (User.name == label) | ((User.name == "") & (func.lower(User.email) == label.lower())),
        )
        former_namesake = select(UserFormerName.id).where(
            UserFormerName.user_id != user.id, UserFormerName.value == label
        )
        taken = session.scalar(namesake.limit(1)) or session.scalar(former_namesake.limit(1))
        (shared if taken is not None else own).add(label)
    return _Labels(current, former, own, shared)


def forget_user(
    session: Session, user: User, *, team_addresses: Sequence[str] = ()
) -> ForgetReport:
    """Erase the personal data of the deactivated login `user` (irreversible; commit after).

    The row stays, so decisions, history and edited texts keep a signer: "ehemalige
    Anmeldung N". Its sessions end, a reset link mailed to it stops working (the password
    changes), the mail log is readdressed to the pseudonym (the digest's week stays
    counted) and a refusal of the address goes — unless the address is also one of
    `team_addresses` (ALERT_RECIPIENTS), which still gets mail. Former names and addresses
    (`user edit`, `user rename`) are searched and erased alike, then deleted.
    """
    check_forgettable(session, user)
    report = ForgetReport(email=user.email, name=user.name, pseudonym=pseudonym(user.id))
    address = normalise_address(user.email)
    labels = _labels(session, user)
    team = {normalise_address(a) for a in team_addresses}
    # The history stores the assignee by name (reviews._label): replaced where it was theirs.
    for column in (ReviewEvent.old, ReviewEvent.new):
        done = session.execute(
            update(ReviewEvent)
            .where(ReviewEvent.field == "assignee_id", column.in_(labels.current | labels.own))
            .values({column.key: report.pseudonym})
            .execution_options(synchronize_session=False)
        )
        report.history += int(done.rowcount)  # type: ignore[attr-defined]
    if labels.shared:
        report.ambiguous = _history_naming(session, labels.shared)
    report.mentions = _mentions(session, labels.all)
    report.sessions = end_sessions(session, user.id)
    report.team_address = address in team
    if not report.team_address:
        done = session.execute(
            update(SentMail)
            .where(SentMail.recipient == address)
            .values(recipient=pseudonym_email(user.id), error="")
            .execution_options(synchronize_session=False)
        )
        report.mails = int(done.rowcount)  # type: ignore[attr-defined]
        _pseudonymise_subjects(session, address, pseudonym_email(user.id))
        report.refusal = clear_refusal(session, address)
    for row in labels.former:
        if row.kind == "email" and row.value != address:
            if row.value in team:
                report.former_team_addresses.append(row.value)
            else:
                report.former_mails += _forget_former_address(session, user, row)
    report.former = [row.value for row in labels.former if row.value not in labels.current]
    session.execute(delete(UserFormerName).where(UserFormerName.user_id == user.id))
    user.email = pseudonym_email(user.id)
    user.name = report.pseudonym
    # Nobody knows this password: the row can never log in, and reset links stop working.
    user.password_hash = generate_password_hash(secrets.token_urlsafe(32))
    user.ical_token = new_ical_token()
    user.digest_opt_in = False
    user.home_applicant = None
    user.last_login = None
    user.locked_until = None
    user.failed_logins = 0
    session.flush()
    return report


def _pseudonymise_subjects(
    session: Session, address: str, replacement: str, *, until: datetime | None = None
) -> None:
    """The team's notice of a refused address names it in its subject: the pseudonym
    instead (only in mail logged before `until`, when given)."""
    where = [SentMail.subject.contains(address)]
    if until is not None:
        where.append(SentMail.created_at <= until)
    session.execute(
        update(SentMail)
        .where(*where)
        .values(subject=func.replace(SentMail.subject, address, replacement))
        .execution_options(synchronize_session=False)
    )


def _forget_former_address(session: Session, user: User, row: UserFormerName) -> int:
    """Erase what the log keeps of the former address `row` of `user`; the rows deleted.

    What reached it followed the login to its new address (`follow_new_address`); what is
    left there was never delivered and will never be sent to the erased login: deleted.
    Only what was logged before the address was given up: it may be someone else's since.
    """
    deleted = _deleted(
        session, SentMail, SentMail.recipient == row.value, SentMail.created_at <= row.until
    )
    _pseudonymise_subjects(session, row.value, pseudonym_email(user.id), until=row.until)
    _deleted(
        session,
        MailRefusal,
        MailRefusal.address == row.value,
        MailRefusal.refused_at <= row.until,
    )
    return deleted


def _history_naming(session: Session, labels: set[str]) -> list[int]:
    """Calls whose assignment history names one of `labels`."""
    query = (
        select(Review.call_id)
        .join(ReviewEvent, ReviewEvent.review_id == Review.id)
        .where(
            ReviewEvent.field == "assignee_id",
            ReviewEvent.old.in_(labels) | ReviewEvent.new.in_(labels),
        )
    )
    return sorted(set(session.scalars(query)))


def _mentions(session: Session, labels: set[str]) -> list[int]:
    """Calls whose review note (now or in its history) or edited Begründungstext contains
    one of `labels`."""
    if not labels:
        return []

    def naming(text: ColumnExpressionArgument[str | None]) -> ColumnElement[bool]:
        return or_(*(func.lower(text).contains(label.lower()) for label in labels))

    queries = [
        select(Review.call_id).where(naming(Review.note)),
        select(Review.call_id)
        .join(ReviewEvent, ReviewEvent.review_id == Review.id)
        .where(ReviewEvent.field == "note", naming(ReviewEvent.old) | naming(ReviewEvent.new)),
        select(Justification.call_id).where(naming(Justification.edited_text)),
    ]
    return sorted({call_id for query in queries for call_id in session.scalars(query)})


# --- Auskunft ---------------------------------------------------------------------------


def _addressed_to(address: str, former: Sequence[UserFormerName]) -> ColumnElement[bool]:
    """Mail logged for the login: to its address, or to a former one while it had it."""
    return or_(
        SentMail.recipient == address,
        *(
            (SentMail.recipient == row.value) & (SentMail.created_at <= row.until)
            for row in former
            if row.kind == "email"
        ),
    )


def _when(value: datetime | None) -> str | None:
    return value.isoformat(timespec="seconds") if value else None


def personal_data(
    session: Session, user: User, *, team_addresses: Sequence[str] = ()
) -> dict[str, Any]:
    """Everything stored about `user`, for a copy under Art. 15 DSGVO (times in UTC).

    Secrets are named, not shown: the password (only a hash is stored), the calendar
    address's token and the session tokens (only their SHA-256 is stored).
    """
    address = normalise_address(user.email)
    labels = _labels(session, user)
    # A former name another login has or had too: its history entries are not told apart.
    history_labels = labels.current | labels.own
    theirs = or_(Review.assignee_id == user.id, Review.updated_by_id == user.id)
    # Result has .keys(): dict() would take it for a mapping
    titles = {
        call_id: title
        for call_id, title in session.execute(
            select(Call.id, Call.title).join(Review, Review.call_id == Call.id).where(theirs)
        )
    }
    refusal = session.get(MailRefusal, address)
    events = session.scalars(
        select(ReviewEvent)
        .where(
            or_(
                ReviewEvent.user_id == user.id,
                (ReviewEvent.field == "assignee_id")
                & or_(ReviewEvent.old.in_(history_labels), ReviewEvent.new.in_(history_labels)),
            )
        )
        .order_by(ReviewEvent.at, ReviewEvent.id)
    )
    return {
        "times": "UTC",
        "login": {
            "id": user.id,
            "email": user.email,
            "name": user.name,
            "role": user.role,
            "active": user.active,
            "deactivated_at": _when(user.deactivated_at),
            "digest_opt_in": user.digest_opt_in,
            "home_applicant": user.home_applicant,
            "created_at": _when(user.created_at),
            "last_login": _when(user.last_login),
            "failed_logins": user.failed_logins,
            "locked_until": _when(user.locked_until),
            "password": "gespeichert nur als Hash (nicht lesbar)",
            "calendar_token": "gesetzt (geheim, nicht ausgegeben)",
        },
        "former_names": [
            {"name": row.value, "until": _when(row.until)}
            for row in labels.former
            if row.kind == "name"
        ],
        "former_emails": [
            {"email": row.value, "until": _when(row.until)}
            for row in labels.former
            if row.kind == "email"
        ],
        "team_address": address in {normalise_address(a) for a in team_addresses},
        "sessions": [
            {
                "created_at": _when(row.created_at),
                "last_seen_at": _when(row.last_seen_at),
                "browser": row.user_agent,
                "address": row.address,
            }
            for row in session.scalars(
                select(LoginSession)
                .where(LoginSession.user_id == user.id)
                .order_by(LoginSession.created_at)
            )
        ],
        "reviews": [
            {
                "call_id": review.call_id,
                "call_title": titles.get(review.call_id, ""),
                "status": review.status,
                "assigned_to_login": review.assignee_id == user.id,
                "last_changed_by_login": review.updated_by_id == user.id,
                "updated_at": _when(review.updated_at),
            }
            for review in session.scalars(select(Review).where(theirs).order_by(Review.call_id))
        ],
        "review_history": [
            {
                "call_id": event.review.call_id,
                "by_login": event.user_id == user.id,
                "field": event.field,
                "old": event.old,
                "new": event.new,
                "at": _when(event.at),
            }
            for event in events
        ],
        "call_changes": [
            {
                "call_id": c.call_id,
                "field": c.field,
                "old": c.old,
                "new": c.new,
                "at": _when(c.changed_at),
            }
            for c in session.scalars(
                select(CallChange).where(CallChange.user_id == user.id).order_by(CallChange.id)
            )
        ],
        "edited_texts": [
            {
                "call_id": j.call_id,
                "project_id": j.project_id,
                "variant": j.variant,
                "edited_at": _when(j.edited_at),
                "text": j.edited_text,
            }
            for j in session.scalars(
                select(Justification)
                .where(Justification.edited_by_id == user.id)
                .order_by(Justification.call_id, Justification.id)
            )
        ],
        "notes_naming_login": _mentions(session, labels.all),
        "mail_log": [
            {
                "recipient": m.recipient,
                "kind": m.kind,
                "period": m.period_key,
                "status": m.status,
                "subject": m.subject,
                "error": m.error,
                "created_at": _when(m.created_at),
                "sent_at": _when(m.sent_at),
            }
            for m in session.scalars(
                select(SentMail).where(_addressed_to(address, labels.former)).order_by(SentMail.id)
            )
        ],
        "mail_refusal": None
        if refusal is None
        else {
            "error": refusal.error,
            "subject": refusal.subject,
            "refused_at": _when(refusal.refused_at),
            "retry_at": _when(refusal.retry_at),
        },
    }
