"""A limit on failed logins per client address, over all accounts (against password spraying).

The per-account lockout (webapp/users.py) stops guessing many passwords for one account; it
does nothing against one client trying one common password on many accounts. This counts
failed logins per client address in a sliding window and refuses further attempts from that
address, without checking the password, until the oldest failure has left the window.

Why not Flask-Limiter: counting only failures there means "test before, deduct after the
response", so parallel requests all pass the test before any failure is deducted (tried: a
limit of 5 let 20 of 40 parallel guesses through). Here a request takes its slot before the
password is checked, so parallel guesses cannot overshoot the limit.

The counts are rows of `login_failures` in the app's database, so all app processes on that
database share them and a restart keeps them. Their times come from the database's clock, not
the app server's: app servers on several hosts share the rows, and one whose clock ran fast
would otherwise count none of the others' failures (and delete them as expired). The decision
(`refusal`) is a pure function of an address's counts; `LoginThrottle` only reads and writes
the rows.
"""

from __future__ import annotations

import hashlib
import ipaddress
import math
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import case, delete, func, select, text, update
from sqlalchemy.orm import Session, sessionmaker

from webapp.db import database_now, transaction
from webapp.models import LoginFailure

# Requests for a password-reset mail one client address may make within the login window
# (webapp/views/password.py): each may send a mail, so far fewer than login attempts.
RESET_LIMIT_PER_ADDRESS = 5
# Longest key stored: a value that is no IP address (a forged header behind too many trusted
# proxies) is cut, not refused; IP keys are far shorter.
MAX_KEY_LENGTH = 100


def client_key(address: str | None) -> str:
    """The bucket of a client address: IPv4 as is, IPv6 by its /64 network.

    One IPv6 subscriber usually holds a whole /64, so counting single IPv6 addresses would
    let one client rotate through billions of them.
    """
    if not address:
        return "unbekannt"
    try:
        parsed = ipaddress.ip_address(address)
    except ValueError:
        return address[:MAX_KEY_LENGTH]
    if isinstance(parsed, ipaddress.IPv6Address):
        if parsed.ipv4_mapped is not None:
            return str(parsed.ipv4_mapped)
        return str(ipaddress.IPv6Network((parsed, 64), strict=False))
    return str(parsed)


@dataclass(frozen=True, slots=True)
class WindowCounts:
    """One address's rows within the window, not counting the attempt asking for a slot."""

    attempts: int  # failures and attempts still being checked
    failures: int
    oldest_failure: datetime | None


def refusal(counts: WindowCounts, limit: int, window: timedelta, now: datetime) -> float | None:
    """Seconds until the address may try again, or None: it may try now."""
    # Attempts still being checked count as failures until they are settled: forty parallel
    # guesses must not all slip in before the first failure is recorded.
    if counts.attempts < limit:
        return None
    if counts.failures >= limit and counts.oldest_failure is not None:
        return max(1.0, (counts.oldest_failure + window - now).total_seconds())
    return 1.0  # only attempts being checked fill the limit: they end within seconds


@dataclass(frozen=True, slots=True)
class Reservation:
    """What `LoginThrottle.reserve` answers: go ahead (with a slot to settle) or wait."""

    slot: int | None = None  # the attempt's row; None when refused or the limit is off
    wait: float | None = None  # seconds until a slot is free; None: go ahead


class LoginThrottle:
    """Failed logins per client address in a sliding window, kept in the database.

    Use `reserve(address)` before checking a password (`wait` set: refuse) and
    `settle(reservation, failed=…)` after it, exactly once per reservation that may go ahead.
    With a `prefix`, a second limit (the password-reset requests) keeps its own counts in
    the same table.
    """

    def __init__(
        self,
        sessions: sessionmaker[Session],
        limit: int,
        window: timedelta,
        *,
        clock: Callable[[Session], datetime] = database_now,
        prefix: str = "",
    ) -> None:
        self.sessions = sessions
        self.limit = limit
        self.window = window
        # Another limit on the same table (the password-reset requests) counts its own rows.
        self.prefix = prefix
        # Replaceable so that tests can move time forward instead of sleeping. Wall-clock UTC,
        # not monotonic: the rows are compared across processes, hosts and restarts.
        self.clock = clock

    @property
    def enabled(self) -> bool:
        """False when the limit is switched off (limit 0)."""
        return self.limit > 0

    def reserve(self, address: str | None) -> Reservation:
        """Take a slot for one login attempt, or say how many seconds until one is free."""
        if not self.enabled:
            return Reservation()
        key = self._key(address)
        with self.sessions() as session:
            _take_turn(session, key)
            now = self.clock(session)
            attempt = LoginFailure(key=key, at=now, pending=True)
            session.add(attempt)
            session.flush()
            counts = self._counts(session, key, now, excluding=attempt.id)
            wait = refusal(counts, self.limit, self.window, now)
            if wait is not None:
                session.rollback()  # a refused attempt leaves no row
                return Reservation(wait=wait)
            session.commit()
            return Reservation(slot=attempt.id)

    def settle(self, reservation: Reservation, *, failed: bool) -> None:
        """End a reserved attempt; a failed one counts against the address for the window."""
        if reservation.slot is None:
            return
        row = LoginFailure.id == reservation.slot
        with transaction(self.sessions) as session:
            now = self.clock(session)
            if failed:
                session.execute(update(LoginFailure).where(row).values(pending=False, at=now))
            else:
                # A success frees its slot but leaves the failures: else one valid login would
                # reset a sprayer's count.
                session.execute(delete(LoginFailure).where(row))
            # Every settled attempt clears what has left the window, for every address: the
            # table holds no more than the current windows, and a client address is not kept
            # longer than its failures count (the weekly job clears what a quiet time left).
            forget_expired_failures(session, self.window, now)

    def failures(self, address: str | None) -> int:
        """Failed logins of `address` within the current window (for tests and admins)."""
        with self.sessions() as session:
            return self._counts(session, self._key(address), self.clock(session)).failures

    def _key(self, address: str | None) -> str:
        return (self.prefix + client_key(address))[:MAX_KEY_LENGTH]

    def _counts(
        self, session: Session, key: str, now: datetime, excluding: int | None = None
    ) -> WindowCounts:
        """The rows of `key` in the window: one query on the (key, at) index."""
        failed = LoginFailure.pending.is_(False)
        query = select(
            func.count(),
            func.count(case((failed, 1))),
            func.min(case((failed, LoginFailure.at))),
        ).where(LoginFailure.key == key, LoginFailure.at > now - self.window)
        if excluding is not None:
            query = query.where(LoginFailure.id != excluding)
        attempts, failures, oldest = session.execute(query).one()
        return WindowCounts(attempts, failures, oldest)


def _take_turn(session: Session, key: str) -> None:
    """Let one attempt of `key` at a time count and insert, across all processes.

    SQLite lets one writer in at a time, and the INSERT comes first: later ones wait until
    this transaction ends. PostgreSQL would let two transactions each count without the
    other's new row (so both could take the last slot): a transaction-level advisory lock
    per address makes them take turns; it ends with the transaction.
    """
    if session.get_bind().dialect.name != "postgresql":
        return
    lock_id = int.from_bytes(hashlib.sha256(key.encode()).digest()[:8], "big", signed=True)
    session.execute(text("SELECT pg_advisory_xact_lock(:id)"), {"id": lock_id})


def forget_expired_failures(session: Session, window: timedelta, now: datetime) -> int:
    """Delete the failed logins that have left the `window` at `now` (every address);
    how many there were."""
    done = session.execute(delete(LoginFailure).where(LoginFailure.at <= now - window))
    return int(done.rowcount)  # type: ignore[attr-defined]


def wait_minutes(seconds: float) -> int:
    """Whole minutes to tell a user who must wait `seconds` (at least 1)."""
    return max(1, math.ceil(seconds / 60))
