"""The weekly job: scrape, match, digest, reminders and the deletion of expired personal
data (docs/privacy.md), in that order, under one lock.

A failing step is reported and the following steps still run (a broken source must not
stop the digest about everything else); the job's outcome is failed if any step failed, so
cron or systemd notice. Two runs never overlap: the second waits a little for the lock and
then gives up with a message (`LockBusy`).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from sqlalchemy.orm import Session, sessionmaker

from matcher.strategy import StrategyError
from scrapers.sources import SourceConfigError
from webapp.config import Config, ConfigError
from webapp.db import transaction
from webapp.digest import run_digest
from webapp.errors import UserError
from webapp.formatting import format_counted, run_moment
from webapp.jobs import job_lock
from webapp.mail.settings import MailSettings
from webapp.mail.smtp import Transport
from webapp.matching import run_match
from webapp.privacy import purge_expired
from webapp.reminders import run_reminders
from webapp.saved_model import model_file

WEEKLY_LOCK = "weekly"
# Errors whose message says it all (no exception class name needed in the summary).
USER_ERRORS = (UserError, ConfigError, SourceConfigError, StrategyError)
# Long enough for a slow scrape of every source; the job refreshes it after each step.
WEEKLY_LOCK_TTL = timedelta(hours=3)


@dataclass(slots=True)
class StepResult:
    name: str
    ok: bool
    message: str
    seconds: float


@dataclass(slots=True)
class WeeklySummary:
    steps: list[StepResult] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return all(step.ok for step in self.steps)

    def table(self) -> str:
        """The summary as a small aligned table for the terminal and cron mail."""
        width = max((len(s.name) for s in self.steps), default=4)
        lines = [f"{'Schritt':<{width}}  Ergebnis  Dauer   Details"]
        for s in self.steps:
            mark = "ok" if s.ok else "FEHLER"
            lines.append(f"{s.name:<{width}}  {mark:<8}  {s.seconds:5.1f} s  {s.message}")
        return "\n".join(lines)


def run_scrape_step(
    config: Config, sessions: sessionmaker[Session], *, offline: bool, today: date
) -> tuple[bool, str]:
    """Fetch every enabled source (a failed source is reported, the others go on)."""
    from webapp.scraping import load_configured_sources, run_scrape, sources_to_run

    configured = load_configured_sources(config)
    sources = sources_to_run(sessions, config.sources_path, None, configured=configured)
    reports = run_scrape(
        sessions, sources, offline=offline, snapshots_dir=config.snapshots_dir, today=today
    )
    failed = [r for r in reports if r.status != "ok"]
    line = (
        f"{format_counted(len(reports), 'Quelle', 'Quellen')}{' (offline)' if offline else ''}: "
        f"{sum(r.new for r in reports)} neu, {sum(r.changed for r in reports)} geändert, "
        f"{sum(r.missing for r in reports)} nicht mehr gelistet"
    )
    if failed:
        line += "; fehlgeschlagen: " + ", ".join(f"{r.name} ({r.message})" for r in failed)
    # A parser bug recurs every week until the code is fixed: the step says so and fails.
    buggy = [r.name for r in reports if r.internal and r.status == "ok"]
    if buggy:
        line += "; Programmfehler im Parser (Einzelheiten im Log): " + ", ".join(buggy)
    return not failed and not buggy, line


def run_weekly(
    sessions: sessionmaker[Session],
    config: Config,
    settings: MailSettings,
    *,
    today: date,
    now: datetime | None = None,
    transport_factory: Callable[[], Transport],
    scrape: Callable[[], tuple[bool, str]] | None,
    lock_wait: float = 10.0,
    echo: Callable[[str], None] = print,
) -> WeeklySummary:
    """Run the weekly cycle under the weekly lock (raises LockBusy when another run holds it).

    `scrape` is the scrape step (None skips it, e.g. `--no-scrape`). `now`: the moment of
    digest and reminders (default: `run_moment(today)`, read when they start).
    """
    summary = WeeklySummary()
    with job_lock(sessions, WEEKLY_LOCK, ttl=WEEKLY_LOCK_TTL, wait=lock_wait) as lock:

        def step(name: str, work: Callable[[], tuple[bool, str]]) -> None:
            echo(f"→ {name} …")
            started = time.perf_counter()
            try:
                ok, message = work()
            except USER_ERRORS as exc:  # a failed step is reported; the next steps still run
                ok, message = False, str(exc)
            except Exception as exc:
                ok, message = False, f"{type(exc).__name__}: {exc}"
            result = StepResult(name, ok, message, time.perf_counter() - started)
            summary.steps.append(result)
            echo(f"  {'ok' if ok else 'FEHLER'}: {message}")
            lock.refresh()

        if scrape is not None:
            step("Abruf", scrape)

        def match() -> tuple[bool, str]:
            with transaction(sessions) as session:
                report = run_match(session, today=today, model_file=model_file(config))
            return True, (
                f"{format_counted(report.calls, 'offener Aufruf', 'offene Aufrufe')} bewertet, "
                f"{report.matches} Projekt-Treffer"
                + (f"; {report.model_error}" if report.model_error else "")
            )

        step("Abgleich", match)

        refused_sender = False

        def digest() -> tuple[bool, str]:
            nonlocal refused_sender
            run = run_digest(
                sessions,
                config,
                settings,
                today=today,
                # read after scrape and match: the calls this run found are in the window
                now=now or run_moment(today),
                transport_factory=transport_factory,
            )
            refused_sender = run.report.sender_refused
            if run.skipped_empty:
                return True, "alle Abschnitte leer, keine Übersicht verschickt"
            if not run.recipients:
                return True, "keine Empfänger (ALERT_RECIPIENTS oder Abo im Konto)"
            return run.ok, run.report.describe(len(run.recipients))

        step("Wochenübersicht", digest)

        def remind() -> tuple[bool, str]:
            if refused_sender:
                # The same server would refuse the same sender: one message is enough.
                return False, (
                    "nicht versucht: der Mailserver hat den Absender schon bei der "
                    "Wochenübersicht abgelehnt (siehe dort); der nächste Lauf sendet sie"
                )
            run = run_reminders(
                sessions,
                config,
                settings,
                today=today,
                transport_factory=transport_factory,
                now=now or run_moment(today),
            )
            return run.ok, f"{len(run.reminders)} fällig; " + run.report.describe()

        step("Fristerinnerungen", remind)

        def purge() -> tuple[bool, str]:
            with transaction(sessions) as session:
                report = purge_expired(session, config, settings)
            return True, report.describe()

        # Last: whatever the steps before needed (the mail log of this week) is still there.
        step("Löschfristen", purge)
    return summary
