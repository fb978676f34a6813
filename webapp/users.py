"""User accounts: creation, password check with lockout, iCal tokens, settings."""

from __future__ import annotations

import hashlib
import math
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, delete, func, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session
from werkzeug.security import check_password_hash, generate_password_hash

from webapp.config import MAX_EMAIL_LENGTH, plausible_email
from webapp.db import database_now
from webapp.errors import UserError
from webapp.formatting import format_counted, shorten
from webapp.login_sessions import end_sessions
from webapp.mail.outbox import follow_new_address
from webapp.models import ReviewEvent, UnknownEmail, User, UserFormerName, utcnow

ROLES = ("officer", "admin")
MIN_PASSWORD_LENGTH = 8
# After this many wrong passwords in a row the account is locked for LOCK_MINUTES.
MAX_FAILED_LOGINS = 5
LOCK_MINUTES = 15
# Checked against when the e-mail is unknown or the account locked, so that every answer
# costs one password hash and its timing does not reveal which accounts exist.
_DUMMY_HASH = generate_password_hash("funding-matcher-dummy-password")
# Unknown e-mails tracked at most by UnknownEmailLockout (least recently seen forgotten first).
MAX_TRACKED_UNKNOWN_EMAILS = 10_000
WRONG_LOGIN = "E-Mail-Adresse oder Passwort ist falsch."
DEACTIVATED_LOGIN = "Dieses Konto ist deaktiviert."
MAX_NAME_LENGTH = 200  # the column users.name
# A reserved top-level domain (RFC 2606): the address of a login erased by `user forget`
# (webapp/privacy.py) can never receive mail.
FORGOTTEN_DOMAIN = "anonymisiert.invalid"


def is_forgotten(user: User) -> bool:
    """True for a login whose personal data `user forget` erased (webapp/privacy.py)."""
    return user.email.endswith("@" + FORGOTTEN_DOMAIN)


def role_label(role: str) -> str:
    """The German name of a role, as the Benutzer page shows it."""
    return "Administration" if role == "admin" else "Fördermittelmanagement"


def normalise_email(email: str) -> str:
    """E-mail addresses are compared case-insensitively and without spaces."""
    return email.strip().lower()


def new_ical_token() -> str:
    """A fresh secret for the personal calendar URL (256 bits, URL-safe)."""
    return secrets.token_urlsafe(32)


def find_user(session: Session, email: str) -> User | None:
    """The user with this e-mail address, or None."""
    return session.scalar(select(User).where(func.lower(User.email) == normalise_email(email)))


def usable_email(email: str) -> str:
    """`email` normalised for a login; UserError when it is no address a login can have."""
    email = normalise_email(email)
    if len(email) > MAX_EMAIL_LENGTH:
        # Said apart: the address itself, quoted, would fill the page.
        raise UserError(
            f"Die E-Mail-Adresse „{shorten(email, 60)}“ ist {len(email)} Zeichen lang; "
            f"eine Adresse hat höchstens {MAX_EMAIL_LENGTH}."
        )
    if not plausible_email(email):
        raise UserError(
            f"„{email}“ ist keine gültige E-Mail-Adresse (Form name@kreis.de, ohne Leerzeichen)."
        )
    return email


def create_user(
    session: Session, email: str, password: str, *, role: str = "officer", name: str = ""
) -> User:
    """Add a login; raises UserError for a bad address, short password or existing user."""
    email = usable_email(email)
    _check_name(name)
    _check_role(role)
    if find_user(session, email) is not None:
        raise UserError(f"Es gibt schon eine Anmeldung für {email}.")
    check_password_rules(password)
    user = User(
        email=email,
        name=name,
        password_hash=generate_password_hash(password),
        role=role,
        ical_token=new_ical_token(),
    )
    session.add(user)
    session.flush()
    return user


def _check_name(name: str) -> None:
    """UserError for a display name longer than the column users.name takes."""
    if len(name) > MAX_NAME_LENGTH:
        raise UserError(
            f"Der Name ist {len(name)} Zeichen lang; höchstens {MAX_NAME_LENGTH} sind möglich."
        )


def _check_role(role: str) -> None:
    if role not in ROLES:
        raise UserError(f"Unbekannte Rolle '{role}' (erlaubt: {', '.join(ROLES)}).")


def check_password_rules(password: str) -> None:
    """Raise UserError for a password that is blank or shorter than MIN_PASSWORD_LENGTH."""
    # Eight spaces pass a length check but are no secret (and look empty in a form).
    if not password.strip():
        raise UserError("Das Passwort darf nicht leer sein und nicht nur aus Leerzeichen bestehen.")
    if len(password) < MIN_PASSWORD_LENGTH:
        raise UserError(f"Das Passwort muss mindestens {MIN_PASSWORD_LENGTH} Zeichen lang sein.")


def set_password(user: User, password: str) -> None:
    """Replace the password of `user` (hashed)."""
    check_password_rules(password)
    user.password_hash = generate_password_hash(password)


def reset_password(
    session: Session, user: User, password: str, *, keep_session: int | None = None
) -> bool:
    """A new password for a forgotten one: also lifts a lockout after wrong passwords.

    Every session of `user` ends, except `keep_session` (an administrator resetting their
    own password goes on working). Written only if the password is still the one `user`
    was read with: of two uses of one reset link at the same moment, only the first counts.
    False when the password had changed meanwhile.
    """
    check_password_rules(password)
    done = session.execute(
        update(User)
        .where(User.id == user.id, User.password_hash == user.password_hash)
        .values(password_hash=generate_password_hash(password), failed_logins=0, locked_until=None)
        .execution_options(synchronize_session=False)
    )
    user_id = user.id
    session.expire(user)
    if done.rowcount != 1:  # type: ignore[attr-defined]
        return False
    end_sessions(session, user_id, keep=keep_session)
    return True


@dataclass(slots=True)
class LoginResult:
    """The outcome of a login attempt: the user, or a German message why not."""

    user: User | None
    error: str = ""


def _locked(minutes: int) -> LoginResult:
    return LoginResult(
        None,
        "Zu viele Fehlversuche: die Anmeldung ist für "
        f"{format_counted(minutes, 'Minute', 'Minuten')} gesperrt.",
    )


def _locked_for_rest(locked_until: datetime, now: datetime) -> LoginResult:
    """The lockout answer while a lock is running (minutes left, rounded up)."""
    return _locked(max(1, math.ceil((locked_until - now).total_seconds() / 60)))


def _count_failure(
    session: Session,
    model: type[User] | type[UnknownEmail],
    row: ColumnElement[bool],
    now: datetime,
) -> LoginResult:
    """One more wrong password for an account or an unknown e-mail: the answer to give.

    Counted in the database (UPDATE ... SET n = n + 1), not in Python: parallel guesses must
    not overwrite each other's count and so slip past the lockout.
    """
    session.execute(
        update(model).where(row).values(failed_logins=func.coalesce(model.failed_logins, 0) + 1)
    )
    failed = session.scalar(select(model.failed_logins).where(row)) or 0
    if failed >= MAX_FAILED_LOGINS:
        session.execute(
            update(model)
            .where(row)
            .values(locked_until=now + timedelta(minutes=LOCK_MINUTES), failed_logins=0)
        )
        return _locked(LOCK_MINUTES)
    return LoginResult(None, WRONG_LOGIN)


class UnknownEmailLockout:
    """The lockout of `users.failed_logins`/`locked_until` for e-mails that have no account,
    kept in the `unknown_emails` table, so that they lock after the same failures with the
    same message.

    Without it an unknown e-mail never got "gesperrt", which told an attacker which accounts
    exist. In the database, so that every app process counts alike and a restart forgets
    nothing. One instance per app (`app.extensions`); it writes through the session of the
    login, which commits it.
    """

    def __init__(self, max_entries: int = MAX_TRACKED_UNKNOWN_EMAILS) -> None:
        self.max_entries = max_entries

    def fail(self, session: Session, email: str, now: datetime) -> LoginResult:
        """A login for `email` (no account) failed: the answer an account would give."""
        digest = hashlib.sha256(normalise_email(email).encode("utf-8", "replace")).hexdigest()
        added = _add_unknown_email(session, digest, now)
        row = UnknownEmail.digest == digest
        # Writing the row first holds parallel failures for this e-mail back until this one
        # is counted (PostgreSQL's row lock; SQLite has one writer at a time).
        session.execute(update(UnknownEmail).where(row).values(last_seen=now))
        if added:
            self._forget_least_recent(session)
        locked_until = session.scalar(select(UnknownEmail.locked_until).where(row))
        if locked_until is not None and locked_until > now:
            return _locked_for_rest(locked_until, now)
        return _count_failure(session, UnknownEmail, row, now)

    def _forget_least_recent(self, session: Session) -> None:
        """Keep `max_entries` e-mails: a flood of made-up addresses cannot grow the table."""
        beyond = (
            select(UnknownEmail.digest)
            .order_by(UnknownEmail.last_seen.desc(), UnknownEmail.digest)
            .offset(self.max_entries)
        )
        session.execute(delete(UnknownEmail).where(UnknownEmail.digest.in_(beyond)))


def _add_unknown_email(session: Session, digest: str, now: datetime) -> bool:
    """Insert the row of an unknown e-mail unless it is there; True if it was new.

    INSERT ... ON CONFLICT DO NOTHING: two processes failing at once for the same new e-mail
    must both go on to count, not fail on the primary key.
    """
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    statement = (
        dialect.insert(UnknownEmail)
        .values(digest=digest, failed_logins=0, last_seen=now)
        .on_conflict_do_nothing(index_elements=["digest"])
    )
    return session.execute(statement).rowcount == 1  # type: ignore[attr-defined]


def authenticate(
    session: Session,
    email: str,
    password: str,
    now: datetime | None = None,
    *,
    unknown: UnknownEmailLockout | None = None,
) -> LoginResult:
    """Check a login; counts failures and locks the account after repeated ones.

    Pass `unknown` (the app's UnknownEmailLockout) so that an e-mail without an account
    answers exactly like an account: without it, unknown e-mails are never "gesperrt".
    Locks are timed by the database's clock (`now` for tests), the one clock all app
    servers on a database share.
    """
    now = now or database_now(session)
    user = find_user(session, email)
    if user is None:
        check_password_hash(_DUMMY_HASH, password)
        if unknown is None:
            return LoginResult(None, WRONG_LOGIN)
        return unknown.fail(session, email, now)
    if user.locked_until is not None and user.locked_until > now:
        # The password is not checked, but hashed all the same: a locked account must not
        # answer faster than an unknown e-mail.
        check_password_hash(_DUMMY_HASH, password)
        return _locked_for_rest(user.locked_until, now)
    if not check_password_hash(user.password_hash, password):
        result = _count_failure(session, User, User.id == user.id, now)
        session.expire(user)
        return result
    if not user.active:
        # Said only after the right password: a guesser learns nothing about the account.
        return LoginResult(None, DEACTIVATED_LOGIN)
    # The right password counts only if no parallel guess has locked the account meanwhile.
    opened = session.execute(
        update(User)
        .where(User.id == user.id)
        .where((User.locked_until.is_(None)) | (User.locked_until <= now))
        .values(failed_logins=0, locked_until=None, last_login=now)
    )
    session.expire(user)
    if opened.rowcount != 1:  # type: ignore[attr-defined]
        return _locked(LOCK_MINUTES)
    return LoginResult(user)


def regenerate_ical_token(user: User) -> str:
    """Give `user` a new calendar secret; the old calendar URL stops working."""
    user.ical_token = new_ical_token()
    return user.ical_token


def user_by_ical_token(session: Session, token: str) -> User | None:
    """The owner of a calendar token (constant-time compare of the stored value)."""
    if not token or len(token) > 100:
        return None
    user = session.scalar(select(User).where(User.ical_token == token))
    if user is None or not secrets.compare_digest(user.ical_token, token):
        return None
    # A deactivated login's calendar goes quiet with its access (the URL is a credential too).
    return user if user.active else None


def all_users(session: Session) -> list[User]:
    """Every login, active or not, by e-mail (the administration's list)."""
    return list(session.scalars(select(User).order_by(User.email)))


def set_active(session: Session, user: User, active: bool, *, by_id: int | None = None) -> bool:
    """Deactivate or reactivate `user`; False if it already was so.

    Raises UserError when `by_id` (the administrator in the web UI) deactivates themselves, or
    when the last active administrator would go: then nobody could manage the logins in the
    web UI any more. A deactivated login's sessions end at once (their rows are deleted).
    """
    if user.active == active:
        return False
    if active and is_forgotten(user):
        raise UserError(
            f"{user.name} wurde gelöscht (anonymisiert) und kann nicht wieder aktiviert werden; "
            "legen Sie eine neue Anmeldung an."
        )
    if not active:
        if by_id == user.id:
            raise UserError("Sie können Ihre eigene Anmeldung nicht deaktivieren.")
        _check_not_last_admin(session, user, "kann nicht deaktiviert werden")
    user.active = active
    # The day a person left starts USER_ERASE_AFTER_DAYS; a reactivation stops that clock.
    user.deactivated_at = None if active else database_now(session)
    if not active:
        end_sessions(session, user.id)
    session.flush()
    return True


def erase_due(user: User, days: int) -> datetime | None:
    """From when `weekly` erases the deactivated `user` (USER_ERASE_AFTER_DAYS = `days`);
    None when it never does: the setting is off, the login is active or erased already, or
    its deactivation has no date (before migration 0014)."""
    if days <= 0 or user.active or user.deactivated_at is None or is_forgotten(user):
        return None
    return user.deactivated_at + timedelta(days=days)


def change_email(
    session: Session, user: User, new_email: str, *, team_addresses: Sequence[str] = ()
) -> bool:
    """Give `user` the address `new_email` (a typo, a new name); raises UserError if unusable.

    Everything hangs on the login's id and follows: assignments, decisions, history, the
    digest subscription, the calendar URL, open sessions (the same person goes on working).
    The mail log follows too (webapp.mail.outbox.follow_new_address); a reset link mailed
    to the old address stops working (auth.password_key). True when a refusal of the old
    address was forgotten, so what it missed goes to the new one.
    """
    new = usable_email(new_email)
    old = user.email
    if new == normalise_email(old):
        raise UserError(f"{new} ist schon die Adresse dieser Anmeldung.")
    other = find_user(session, new)
    if other is not None:
        state = "" if other.active else " (deaktiviert)"
        raise UserError(f"Es gibt schon eine Anmeldung für {new}{state}.")
    remember_former(session, user, "email", old)
    user.email = new
    if not user.name:
        # The history names an assignee by name, else by address (reviews._label): the
        # old address there would outlive a later `user forget`.
        _relabel_assignee(session, old, new)
    session.flush()
    still_gets_mail = normalise_email(old) in {normalise_email(a) for a in team_addresses}
    return follow_new_address(session, old, new, keep_refusal=still_gets_mail)


def email_changed_message(previous: str, new: str, released: bool) -> str:
    """What the CLI and the Benutzer page say after `change_email`."""
    message = (
        f"Anmeldung {previous} heißt jetzt {new}: angemeldet wird mit der neuen Adresse, "
        "E-Mails gehen an sie; Zuständigkeiten, Entscheidungen, Einstellungen und offene "
        "Sitzungen bleiben."
    )
    if released:
        message += (
            f" Der Mailserver hatte {previous} abgelehnt: was dort nicht ankam, geht beim "
            f"nächsten Lauf an {new}."
        )
    return message


def active_admins(session: Session) -> int:
    """How many logins with the role Administration are active."""
    return (
        session.scalar(
            select(func.count()).select_from(User).where(User.role == "admin", User.active)
        )
        or 0
    )


def _check_not_last_admin(session: Session, user: User, refused: str) -> None:
    """UserError when `user` is the last active administrator: without one, nobody could
    manage the logins in the web UI any more. `refused` says what may not happen to it."""
    if user.role == "admin" and user.active and active_admins(session) <= 1:
        raise UserError(
            f"{user.email} ist die letzte aktive Administration und {refused}. "
            "Legen Sie zuerst eine weitere an."
        )


def change_name_and_role(
    session: Session, user: User, *, name: str | None = None, role: str | None = None
) -> list[str]:
    """Give `user` the display name `name` and the role `role` (None: unchanged); the lines
    saying what changed ("Name: alt → neu", "Rolle: …"), empty when nothing did.

    An empty name clears it: pages and mails then show the address. Raises UserError for an
    erased login, a name too long, an unknown role, and when the last active administrator
    would lose the role. A new role counts from the login's next request (webapp.auth
    loads it each time), so its open sessions go on.
    """
    if is_forgotten(user):
        raise UserError(
            f"{user.email} wurde gelöscht (anonymisiert): Name und Rolle bleiben, wie sie sind."
        )
    new_name = user.name if name is None else name.strip()
    new_role = user.role if role is None else role
    # Everything checked before anything is written: a refusal changes nothing.
    _check_name(new_name)
    _check_role(new_role)
    if user.role == "admin" and new_role != "admin":
        _check_not_last_admin(session, user, "kann die Rolle nicht abgeben")
    changes: list[str] = []
    if new_name != user.name:
        shown = f"– (gezeigt wird die Adresse {user.email})"
        changes.append(f"Name: {user.name or '–'} → {new_name or shown}")
        _follow_in_history(session, user, user.display_name, new_name or user.email)
        if user.name:
            remember_former(session, user, "name", user.name)
        user.name = new_name
    if new_role != user.role:
        changes.append(f"Rolle: {role_label(user.role)} → {role_label(new_role)}")
        user.role = new_role
    session.flush()
    return changes


def remember_former(session: Session, user: User, kind: str, value: str) -> None:
    """Record that `user` gave up the name or address `value` (kind "name" or "email").

    Free-text notes, history entries left under an ambiguous label and mail to the old
    address still name the person by it: `user forget` must find it there, and `user
    export` must list it (docs/privacy.md). A value given up again only moves its time.
    """
    if kind == "email":
        value = normalise_email(value)
    row = session.scalar(
        select(UserFormerName).where(
            UserFormerName.user_id == user.id,
            UserFormerName.kind == kind,
            UserFormerName.value == value,
        )
    )
    if row is None:
        session.add(UserFormerName(user_id=user.id, kind=kind, value=value, until=utcnow()))
    else:
        row.until = utcnow()


def former_names(session: Session, user: User) -> list[UserFormerName]:
    """The names and addresses `user` had before, oldest given up first."""
    return list(
        session.scalars(
            select(UserFormerName)
            .where(UserFormerName.user_id == user.id)
            .order_by(UserFormerName.until, UserFormerName.id)
        )
    )


def _follow_in_history(session: Session, user: User, old: str, new: str) -> None:
    """Rename `user` in the decision history, which keeps assignees as text (reviews._label).

    Authors are shown by the login (always the current name); the assignee label follows
    it too, so that `user forget` and `user export` (webapp/privacy.py, which look for the
    current name and address) still find every entry. Left as it is while another login
    is shown under the same label: whose entry it is cannot be told then.
    """
    if old == new:
        return
    namesake = select(User.id).where(
        User.id != user.id,
        (User.name == old) | ((User.name == "") & (func.lower(User.email) == old.lower())),
    )
    if session.scalar(namesake.limit(1)) is not None:
        return
    _relabel_assignee(session, old, new)


def _relabel_assignee(session: Session, old: str, new: str) -> None:
    """Write `new` for the assignee label `old` in the decision history (both sides)."""
    for column in (ReviewEvent.old, ReviewEvent.new):
        session.execute(
            update(ReviewEvent)
            .where(ReviewEvent.field == "assignee_id", column == old)
            .values({column.key: new})
            .execution_options(synchronize_session=False)
        )
