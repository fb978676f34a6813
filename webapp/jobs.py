"""Named job locks in the database, so that two batch runs never overlap.

A lock is one row of `job_locks`. Taking it is an atomic INSERT (the primary key makes a
second insert fail), so it works across processes and hosts on SQLite and PostgreSQL alike.
Every lock has an expiry: a holder that crashed without releasing it blocks the job only
until then, after which the next run takes the lock over with a compare-and-set UPDATE. A
holder on this same host whose process is gone is taken over at once, so that rerunning a
killed command by hand does not have to wait for the expiry.
Long jobs call `refresh()` between steps to push the expiry forward.
"""

from __future__ import annotations

import os
import socket
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from webapp.db import transaction
from webapp.models import JobLock, utcnow


class LockBusy(Exception):
    """Another run holds the lock (and has not expired)."""

    def __init__(self, name: str, holder: str, acquired_at: datetime | None) -> None:
        self.name = name
        self.holder = holder
        self.acquired_at = acquired_at
        since = f" seit {acquired_at:%d.%m.%Y %H:%M} UTC" if acquired_at else ""
        super().__init__(f"Ein anderer Lauf von '{name}' ist aktiv ({holder}{since}).")


def new_holder() -> str:
    """host:pid:random — who holds a lock, readable for the administrator."""
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


def try_acquire(sessions: sessionmaker[Session], name: str, holder: str, ttl: timedelta) -> bool:
    """Take the lock if it is free, expired or left by a dead process on this host."""
    now = utcnow()
    try:
        with transaction(sessions) as session:
            session.add(JobLock(name=name, holder=holder, acquired_at=now, expires_at=now + ttl))
        return True
    except IntegrityError:
        pass
    # The row exists. Take it over only if its holder is gone: expired, or a dead process on
    # this host. The WHERE clause makes the take-over atomic: of two runs that both see a
    # stale lock, only one matches the old holder and wins.
    row = current_holder(sessions, name)
    if row is None:
        return False  # released in between; the caller simply tries again
    if is_held(row.holder, row.expires_at, now):
        return False
    with transaction(sessions) as session:
        result = session.execute(
            update(JobLock)
            .where(JobLock.name == name, JobLock.holder == row.holder)
            .values(holder=holder, acquired_at=now, expires_at=now + ttl)
        )
        return result.rowcount == 1  # type: ignore[attr-defined]


def is_held(holder: str, expires_at: datetime, now: datetime) -> bool:
    """Whether a lock row still keeps others out: not expired, and not left behind by a
    process on this host that is gone."""
    return expires_at >= now and not _dead_local_holder(holder)


def _dead_local_holder(holder: str) -> bool:
    """True if `holder` names a process on this host that no longer exists."""
    host, _, rest = holder.partition(":")
    pid_text = rest.partition(":")[0]
    if host != socket.gethostname() or not pid_text.isdigit():
        return False
    pid = int(pid_text)
    if pid == os.getpid():
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except OSError:
        return False  # exists but belongs to someone else
    return False


def current_holder(sessions: sessionmaker[Session], name: str) -> JobLock | None:
    with sessions() as session:
        return session.scalar(select(JobLock).where(JobLock.name == name))


def release(sessions: sessionmaker[Session], name: str, holder: str) -> None:
    """Drop the lock if we still hold it (never someone else's)."""
    with transaction(sessions) as session:
        session.execute(delete(JobLock).where(JobLock.name == name, JobLock.holder == holder))


@dataclass
class HeldLock:
    """A lock this process holds; `refresh()` extends it during long work."""

    sessions: sessionmaker[Session]
    name: str
    holder: str
    ttl: timedelta

    def refresh(self) -> bool:
        """Push the expiry forward; False if the lock was lost (expired and taken over)."""
        now = utcnow()
        with transaction(self.sessions) as session:
            result = session.execute(
                update(JobLock)
                .where(JobLock.name == self.name, JobLock.holder == self.holder)
                .values(expires_at=now + self.ttl)
            )
            return result.rowcount == 1  # type: ignore[attr-defined]


@contextmanager
def job_lock(
    sessions: sessionmaker[Session],
    name: str,
    *,
    ttl: timedelta,
    wait: float = 0.0,
    poll: float = 0.5,
    sleep: Callable[[float], None] = time.sleep,
) -> Iterator[HeldLock]:
    """Hold the lock `name` for the block; wait up to `wait` seconds, then raise LockBusy."""
    holder = new_holder()
    deadline = time.monotonic() + wait
    while not try_acquire(sessions, name, holder, ttl):
        if time.monotonic() >= deadline:
            row = current_holder(sessions, name)
            raise LockBusy(name, row.holder if row else "?", row.acquired_at if row else None)
        sleep(min(poll, max(deadline - time.monotonic(), 0.01)))
    try:
        yield HeldLock(sessions, name, holder, ttl)
    finally:
        release(sessions, name, holder)
