"""The weekly job and the job lock: order of steps, summary, no overlapping runs."""

from __future__ import annotations

import threading
import time
from datetime import timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from tests.mail.conftest import TEAM, Data, SmtpServer, free_port
from webapp.config import Config
from webapp.formatting import local_today
from webapp.jobs import LockBusy, job_lock, try_acquire
from webapp.mail.settings import MailSettings
from webapp.mail.smtp import SmtpTransport
from webapp.models import JobLock, utcnow
from webapp.weekly import WEEKLY_LOCK, WeeklySummary, run_weekly


def test_weekly_runs_match_digest_and_reminders(cli, data: Data, smtp_server, mail_env):
    call = data.call("Aufruf für den Wochenlauf", deadline=local_today() + timedelta(days=7))
    data.review(call, "relevant")

    result = cli("weekly", "--no-scrape", **mail_env)

    assert result.exit_code == 0, result.output
    out = result.output
    assert out.index("Abgleich") < out.index("Wochenübersicht") < out.index("Fristerinnerungen")
    assert "Schritt" in out and "FEHLER" not in out
    subjects = [str(m.message["Subject"]) for m in smtp_server.messages]
    assert sum("Wöchentliche Übersicht" in s for s in subjects) == len(TEAM)
    assert sum(s.startswith("Fristerinnerung") for s in subjects) == len(TEAM)

    again = cli("weekly", "--no-scrape", **mail_env)
    assert again.exit_code == 0, again.output
    assert len(smtp_server.messages) == 2 * len(TEAM)


def test_weekly_with_server_down_fails_but_runs_every_step(cli, data: Data, mail_env):
    data.call("Aufruf")

    result = cli("weekly", "--no-scrape", **{**mail_env, "SMTP_PORT": str(free_port())})

    assert result.exit_code == 1
    assert "Fristerinnerungen" in result.output
    assert "nicht erreichbar" in result.output


def test_weekly_names_a_refused_sender_once(cli, data: Data, smtp_server: SmtpServer, mail_env):
    call = data.call("Aufruf", deadline=local_today() + timedelta(days=7))
    data.review(call, "relevant")  # a reminder is due as well
    smtp_server.handler.refuse_sender = "553 5.7.1 Sender address not allowed"

    result = cli("weekly", "--no-scrape", **mail_env)

    assert result.exit_code == 1
    # once as the digest step ends, once in the summary table; not again for the reminders
    assert result.output.count("Sender address not allowed") == 2, result.output
    assert "Absender schon bei der Wochenübersicht abgelehnt" in result.output
    assert smtp_server.handler.mail_attempts == 1

    smtp_server.handler.refuse_sender = None  # MAIL_FROM fixed: the next run sends both
    again = cli("weekly", "--no-scrape", **mail_env)
    assert again.exit_code == 0, again.output
    subjects = [str(m.message["Subject"]) for m in smtp_server.messages]
    assert sum(s.startswith("Fristerinnerung") for s in subjects) == len(TEAM)


def test_second_weekly_exits_cleanly_while_lock_is_held(cli, data: Data, mail_env):
    with data.sessions() as s:
        s.add(
            JobLock(
                name=WEEKLY_LOCK,
                holder="anderer-server:4242:abcd",
                acquired_at=utcnow(),
                expires_at=utcnow() + timedelta(hours=1),
            )
        )
        s.commit()

    result = cli("weekly", "--no-scrape", "--wait", "0.2", **mail_env)

    assert result.exit_code == 0, result.output
    assert "Ein anderer Lauf von 'weekly' ist aktiv (anderer-server:4242:abcd" in result.output
    assert "übersprungen" in result.output and "Abgleich" not in result.output


def test_expired_lock_of_crashed_run_is_taken_over(cli, data: Data, smtp_server, mail_env):
    with data.sessions() as s:
        s.add(
            JobLock(
                name=WEEKLY_LOCK,
                holder="abgestuerzt:1:dead",
                acquired_at=utcnow() - timedelta(hours=5),
                expires_at=utcnow() - timedelta(hours=2),
            )
        )
        s.commit()

    result = cli("weekly", "--no-scrape", "--wait", "0", **mail_env)

    assert result.exit_code == 0, result.output
    assert "Abgleich" in result.output
    with data.sessions() as s:
        assert s.scalars(select(JobLock)).all() == []  # released at the end


def test_two_weekly_runs_started_together_never_overlap(
    data: Data, mail_config: Config, settings: MailSettings, smtp_server: SmtpServer
):
    data.call("Aufruf")
    overlap: list[str] = []
    running = threading.Lock()
    outcomes: list[WeeklySummary | LockBusy] = []

    def slow_scrape() -> tuple[bool, str]:
        if not running.acquire(blocking=False):
            overlap.append("two scrapes at once")
            return False, "overlap"
        time.sleep(0.5)
        running.release()
        return True, "stub"

    def run() -> None:
        try:
            outcomes.append(
                run_weekly(
                    data.sessions,
                    mail_config,
                    settings,
                    today=local_today(),
                    transport_factory=lambda: SmtpTransport(mail_config, settings),
                    scrape=slow_scrape,
                    lock_wait=0.1,
                    echo=lambda _line: None,
                )
            )
        except LockBusy as exc:
            outcomes.append(exc)

    threads = [threading.Thread(target=run) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)

    assert overlap == []
    assert sorted(type(o).__name__ for o in outcomes) == ["LockBusy", "WeeklySummary"]
    summary = next(o for o in outcomes if isinstance(o, WeeklySummary))
    assert summary.ok, summary.table()
    assert len(smtp_server.messages) == len(TEAM)


def test_second_run_waits_for_a_short_first_run(data: Data):
    sessions: sessionmaker[Session] = data.sessions
    order: list[str] = []

    holding = threading.Event()

    def first() -> None:
        with job_lock(sessions, "demo", ttl=timedelta(minutes=1)):
            order.append("first start")
            holding.set()
            time.sleep(0.3)
            order.append("first end")

    thread = threading.Thread(target=first)
    thread.start()
    assert holding.wait(timeout=10)
    with job_lock(sessions, "demo", ttl=timedelta(minutes=1), wait=5, poll=0.05):
        order.append("second")
    thread.join()
    assert order == ["first start", "first end", "second"]


def test_only_one_of_two_takes_an_expired_lock(data: Data):
    sessions = data.sessions
    assert try_acquire(sessions, "x", "a:1:1", timedelta(seconds=-1))  # already expired
    results = [try_acquire(sessions, "x", f"b:{i}:1", timedelta(minutes=1)) for i in range(2)]
    assert results == [True, False]


def test_lock_busy_after_waiting(data: Data):
    with (
        job_lock(data.sessions, "y", ttl=timedelta(minutes=1)),
        pytest.raises(LockBusy, match="Ein anderer Lauf von 'y'"),
        job_lock(data.sessions, "y", ttl=timedelta(minutes=1), wait=0.1, poll=0.02),
    ):
        pass


def test_weekly_offline_end_to_end(cli, db, smtp_server: SmtpServer, mail_env):
    """The real cycle on the bundled snapshots: scrape → match → digest to the team."""
    result = cli("weekly", "--offline", **mail_env)

    assert result.exit_code == 0, result.output
    assert "Abruf" in result.output and "FEHLER" not in result.output
    assert sorted(r.to.lower() for r in smtp_server.messages) == sorted(a.lower() for a in TEAM)
    text = smtp_server.messages[0].part("plain")
    assert "Neu gefunden (" in text and "https://foerder.example/aufrufe/" in text


def test_lock_of_a_dead_local_process_is_taken_over_at_once(data: Data):
    import socket
    import subprocess
    import sys

    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], check=True,
                          capture_output=True, text=True)  # fmt: skip
    holder = f"{socket.gethostname()}:{dead.stdout.strip()}:gone"
    long = timedelta(hours=1)
    assert try_acquire(data.sessions, "z", holder, long)
    assert try_acquire(data.sessions, "z", "someone:1:else", long)  # the dead one's lock
    assert not try_acquire(data.sessions, "z", f"{socket.gethostname()}:1:init", long)
