"""Login sessions kept on the server (table `login_sessions`), so that they can be ended.

The signed session cookie carries the user id and a random token; the database keeps one
row per session with the token's SHA-256 (never the token: a copy of the database logs
nobody in). A session is valid while its row exists, its login is active and it is neither
idle longer than `SessionLimits.idle` nor older than `SessionLimits.lifetime`. Ending a
session deletes its row, so a copied cookie is refused from then on (OWASP ASVS 3.3.1/3.3.2).
Times come from the database's clock, the one clock all app servers share.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from webapp.config import Config
from webapp.db import DatabaseNow, database_now
from webapp.models import LoginSession, User

# `last_seen_at` is written when it is older than this: not a database write on every
# request, at the price of an idle timeout this much less exact.
TOUCH_INTERVAL = timedelta(minutes=5)
# Cookie values longer than this are no token of ours and not even hashed.
MAX_TOKEN_LENGTH = 100


@dataclass(frozen=True, slots=True)
class SessionLimits:
    """How long a session lasts without a request (`idle`) and at most (`lifetime`)."""

    idle: timedelta
    lifetime: timedelta

    @classmethod
    def from_config(cls, config: Config) -> SessionLimits:
        """SESSION_IDLE_HOURS and SESSION_MAX_DAYS of the installation."""
        return cls(
            timedelta(hours=config.session_idle_hours), timedelta(days=config.session_max_days)
        )

    def expired(self, row: LoginSession, now: datetime) -> bool:
        """True when `row` has been idle too long or is too old at `now`."""
        return now - row.last_seen_at > self.idle or now - row.created_at > self.lifetime


@dataclass(frozen=True, slots=True)
class FoundSession:
    """A session row with its login and the database's time when it was read."""

    user: User
    row: LoginSession
    now: datetime


def token_digest(token: str) -> str:
    """What the table keeps of a session token: its SHA-256, hex."""
    return hashlib.sha256(token.encode("utf-8", "replace")).hexdigest()


def start_session(
    session: Session, user_id: int, limits: SessionLimits, *, user_agent: str, address: str
) -> tuple[LoginSession, str]:
    """A new session row for `user_id` and its token (for the cookie only; commit after).

    Rows that have expired meanwhile — of any login — are deleted on the way, so the table
    holds no more than the sessions that could still be used.
    """
    now = database_now(session)
    end_expired_sessions(session, limits, now)
    token = secrets.token_urlsafe(32)
    row = LoginSession(
        user_id=user_id,
        token_hash=token_digest(token),
        created_at=now,
        last_seen_at=now,
        user_agent=describe_browser(user_agent),
        address=(address or "")[:45],
    )
    session.add(row)
    session.flush()
    return row, token


def end_expired_sessions(session: Session, limits: SessionLimits, now: datetime) -> int:
    """Delete the sessions of every login that have expired at `now`; how many there were.

    They can no longer be used, and they hold a client address and a browser's name.
    """
    done = session.execute(
        delete(LoginSession).where(
            (LoginSession.last_seen_at < now - limits.idle)
            | (LoginSession.created_at < now - limits.lifetime)
        )
    )
    return int(done.rowcount)  # type: ignore[attr-defined]


def find_session(session: Session, user_id: int, token: str) -> FoundSession | None:
    """The session of `user_id` with this token, whether still valid or not; else None."""
    if not token or len(token) > MAX_TOKEN_LENGTH:
        return None
    found = session.execute(
        select(User, LoginSession, DatabaseNow())
        .join(LoginSession, LoginSession.user_id == User.id)
        .where(LoginSession.token_hash == token_digest(token), User.id == user_id)
    ).first()
    if found is None:
        return None
    user, row, now = found
    return FoundSession(user, row, now)


def renew_token(session: Session, session_id: int) -> str:
    """A new token for session `session_id` (commit after): the row stays, copies of the
    cookie with the old token are refused."""
    token = secrets.token_urlsafe(32)
    session.execute(
        update(LoginSession)
        .where(LoginSession.id == session_id)
        .values(token_hash=token_digest(token))
    )
    return token


def touch(session: Session, session_id: int, now: datetime) -> None:
    """Note that session `session_id` was used at `now` (it is not idle)."""
    session.execute(
        update(LoginSession).where(LoginSession.id == session_id).values(last_seen_at=now)
    )


def end_session(session: Session, session_id: int) -> None:
    """End one session (logout): its cookie, and every copy of it, is refused from now on."""
    session.execute(delete(LoginSession).where(LoginSession.id == session_id))


def end_sessions(session: Session, user_id: int, *, keep: int | None = None) -> int:
    """End every session of `user_id` except `keep` (the one in use); how many ended."""
    statement = delete(LoginSession).where(LoginSession.user_id == user_id)
    if keep is not None:
        statement = statement.where(LoginSession.id != keep)
    return session.execute(statement).rowcount  # type: ignore[attr-defined]


def open_sessions(session: Session, user_id: int, limits: SessionLimits) -> list[LoginSession]:
    """The sessions of `user_id` that are still valid, the most recently used first."""
    now = database_now(session)
    rows = session.scalars(
        select(LoginSession)
        .where(LoginSession.user_id == user_id)
        .order_by(LoginSession.last_seen_at.desc(), LoginSession.id.desc())
    )
    return [row for row in rows if not limits.expired(row, now)]


# Checked in this order: Edge and Opera also name Chrome, Chrome also names Safari.
_BROWSERS = (
    ("Edge", re.compile(r"\bEdg(?:e|A|iOS)?/(\d+)")),
    ("Opera", re.compile(r"\bOPR/(\d+)")),
    ("Firefox", re.compile(r"\b(?:Firefox|FxiOS)/(\d+)")),
    ("Chrome", re.compile(r"\b(?:HeadlessChrome|Chrome|CriOS)/(\d+)")),
    ("Safari", re.compile(r"\bVersion/(\d+)[^ ]*(?: Mobile/\S+)? Safari/")),
)
# iPhones say "like Mac OS X", Android says Linux: the specific names first.
_SYSTEMS = (
    ("Android", "Android"),
    ("iOS", "iPhone"),
    ("iPadOS", "iPad"),
    ("Windows", "Windows"),
    ("ChromeOS", "CrOS"),
    ("macOS", "Mac OS X"),
    ("Linux", "Linux"),
)


def describe_browser(user_agent: str) -> str:
    """The browser and system of a User-Agent in short, e.g. "Firefox 128 unter Windows"."""
    browser = next(
        (
            f"{name} {m.group(1)}"
            for name, pattern in _BROWSERS
            if (m := pattern.search(user_agent))
        ),
        "",
    )
    system = next((name for name, marker in _SYSTEMS if marker in user_agent), "")
    if browser and system:
        return f"{browser} unter {system}"
    if browser:
        return browser
    return f"Browser unter {system}" if system else "Unbekannter Browser"
