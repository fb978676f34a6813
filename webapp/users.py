"""User accounts: creation, password check with lockout, iCal tokens, settings."""

from __future__ import annotations

import hashlib
import math
import secrets
import threading
from collections import OrderedDict
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session
from werkzeug.security import check_password_hash, generate_password_hash

from webapp.errors import UserError
from webapp.models import User, utcnow

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


def normalise_email(email: str) -> str:
    """E-mail addresses are compared case-insensitively and without spaces."""
    return email.strip().lower()


def new_ical_token() -> str:
    """A fresh secret for the personal calendar URL (256 bits, URL-safe)."""
    return secrets.token_urlsafe(32)


def find_user(session: Session, email: str) -> User | None:
    """The user with this e-mail address, or None."""
    return session.scalar(select(User).where(func.lower(User.email) == normalise_email(email)))


def create_user(
    session: Session, email: str, password: str, *, role: str = "officer", name: str = ""
) -> User:
    """Add a login; raises UserError for a bad address, short password or existing user."""
    email = normalise_email(email)
    if "@" not in email or email.startswith("@") or email.endswith("@"):
        raise UserError(f"'{email}' ist keine gültige E-Mail-Adresse.")
    if role not in ROLES:
        raise UserError(f"Unbekannte Rolle '{role}' (erlaubt: {', '.join(ROLES)}).")
    if find_user(session, email) is not None:
        raise UserError(f"Es gibt schon eine Anmeldung für {email}.")
    if len(password) < MIN_PASSWORD_LENGTH:
        raise UserError(f"Das Passwort muss mindestens {MIN_PASSWORD_LENGTH} Zeichen lang sein.")
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


def set_password(user: User, password: str) -> None:
    """Replace the password of `user` (hashed)."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise UserError(f"Das Passwort muss mindestens {MIN_PASSWORD_LENGTH} Zeichen lang sein.")
    user.password_hash = generate_password_hash(password)


@dataclass(slots=True)
class LoginResult:
    """The outcome of a login attempt: the user, or a German message why not."""

    user: User | None
    error: str = ""


def _locked(minutes: int) -> LoginResult:
    return LoginResult(
        None, f"Zu viele Fehlversuche: die Anmeldung ist für {minutes} Minuten gesperrt."
    )


def _locked_for_rest(locked_until: datetime, now: datetime) -> LoginResult:
    """The lockout answer while a lock is running (minutes left, rounded up)."""
    return _locked(max(1, math.ceil((locked_until - now).total_seconds() / 60)))


class UnknownEmailLockout:
    """The lockout of `users.failed_logins`/`locked_until`, kept in memory for e-mails that
    have no account, so that they lock after the same failures with the same message.

    Without it an unknown e-mail never got "gesperrt", which told an attacker which accounts
    exist. One instance per app (`app.extensions`), thread-safe; with several app processes
    each counts on its own. Keys are SHA-256 digests of the normalised e-mail: a huge or
    mistyped value (a password in the e-mail field) is never kept.
    """

    def __init__(self, max_entries: int = MAX_TRACKED_UNKNOWN_EMAILS) -> None:
        self.max_entries = max_entries
        # digest -> (failed_logins, locked_until), like the two columns of `users`
        self._entries: OrderedDict[bytes, tuple[int, datetime | None]] = OrderedDict()
        self._lock = threading.Lock()

    def fail(self, email: str, now: datetime) -> LoginResult:
        """A login for `email` (no account) failed: the answer an account would give."""
        key = hashlib.sha256(normalise_email(email).encode("utf-8", "replace")).digest()
        # One lock around read, count and lock: parallel guesses must not lose counts, just
        # as the UPDATE ... SET n = n + 1 for accounts.
        with self._lock:
            failed, locked_until = self._entries.pop(key, (0, None))
            if locked_until is not None and locked_until > now:
                self._entries[key] = (failed, locked_until)
                return _locked_for_rest(locked_until, now)
            failed += 1
            if failed >= MAX_FAILED_LOGINS:
                self._remember(key, (0, now + timedelta(minutes=LOCK_MINUTES)))
                return _locked(LOCK_MINUTES)
            self._remember(key, (failed, None))
            return LoginResult(None, WRONG_LOGIN)

    def __len__(self) -> int:
        return len(self._entries)

    def _remember(self, key: bytes, entry: tuple[int, datetime | None]) -> None:
        self._entries[key] = entry  # newest last
        while len(self._entries) > self.max_entries:
            self._entries.popitem(last=False)


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
    """
    now = now or utcnow()
    user = find_user(session, email)
    if user is None:
        check_password_hash(_DUMMY_HASH, password)
        if unknown is None:
            return LoginResult(None, WRONG_LOGIN)
        return unknown.fail(email, now)
    if user.locked_until is not None and user.locked_until > now:
        # The password is not checked, but hashed all the same: a locked account must not
        # answer faster than an unknown e-mail.
        check_password_hash(_DUMMY_HASH, password)
        return _locked_for_rest(user.locked_until, now)
    if not check_password_hash(user.password_hash, password):
        # Counted in the database (UPDATE ... SET n = n + 1), not in Python: parallel guesses
        # must not overwrite each other's count and so slip past the lockout.
        session.execute(
            update(User)
            .where(User.id == user.id)
            .values(failed_logins=func.coalesce(User.failed_logins, 0) + 1)
        )
        failed = session.scalar(select(User.failed_logins).where(User.id == user.id)) or 0
        if failed >= MAX_FAILED_LOGINS:
            session.execute(
                update(User)
                .where(User.id == user.id)
                .values(locked_until=now + timedelta(minutes=LOCK_MINUTES), failed_logins=0)
            )
            session.expire(user)
            return _locked(LOCK_MINUTES)
        session.expire(user)
        return LoginResult(None, WRONG_LOGIN)
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
    return user


def all_users(session: Session) -> list[User]:
    """Every login, by e-mail (for the assignee choice)."""
    return list(session.scalars(select(User).order_by(User.email)))
