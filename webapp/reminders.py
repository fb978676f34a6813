"""Deadline reminders ("Fristerinnerung"): 14, 7 and 2 days before each stage deadline.

For every call marked relevant or in preparation and each of its stage deadlines, the
reminder level that applies today is the smallest configured number of days that is still
>= the days left (so a run on day 10 before the deadline belongs to the 14-day level). Each
(call, stage, date, level) goes out once per recipient: running daily, weekly or twice a day
gives the same mails, a missed day is made up on the next run, and a moved deadline starts
its own reminders.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy.orm import Session, sessionmaker

from webapp.config import Config
from webapp.digest import (
    MAIN_STAGE,
    active_calls,
    applicant_calls,
    call_url,
    is_team_address,
    recipient_profiles,
    stage_deadlines,
    team_address_footer,
)
from webapp.formatting import (
    as_date,
    days_label,
    deadline_passed_today,
    format_deadline,
    shorten,
)
from webapp.mail.compose import MailFooter, RenderedMail, render_mail
from webapp.mail.outbox import (
    DeliveryReport,
    OutgoingMail,
    already_sent,
    require_base_url,
)
from webapp.mail.refusal_notice import send_scheduled
from webapp.mail.settings import MailSettings
from webapp.mail.smtp import Transport
from webapp.models import Call, CallScore
from webapp.queries import stage_time
from webapp.source_marks import source_warning

REMINDER_KIND = "reminder"


@dataclass(slots=True)
class Reminder:
    """One due reminder for one stage deadline of one call."""

    call_id: int
    title: str
    funder: str
    stage: str
    due: date
    days_left: int
    level: int  # the configured number of days this reminder stands for
    review_status: str
    assignee: str  # name or address of the assignee; "" → sent to the team
    recipients: list[str]
    url: str
    # the source closed or no longer lists the call: the deadline may no longer hold
    warning: str = ""
    # the date this stage had before it was last moved, when it was moved earlier: an
    # officer planning by an earlier reminder must not miss that the time got shorter
    moved_from: date | None = None
    time: str | None = None  # "17:00" (German time) when the source gives one

    @property
    def when(self) -> str:
        """ "24.03.2027, 17:00 Uhr" (the day alone when the source gives no time)."""
        return format_deadline(self.due, self.time)

    @property
    def last_day(self) -> bool:
        """Whether this is the deadline's day and the source gives its time."""
        return self.days_left == 0 and bool(self.time)

    @property
    def headline(self) -> str:
        """ "Einreichung am 24.03.2027, 17:00 Uhr – noch 7 Tage"; on the last day
        "Einreichung: Frist heute, 17:00 Uhr" – an officer must not plan for the evening."""
        if self.last_day:
            return f"{self.stage}: Frist {days_label(0, time=self.time)}"
        return f"{self.stage} am {self.when} – {days_label(self.days_left, none_text='')}"

    @property
    def period_key(self) -> str:
        """The key of this reminder in `sent_mails` (unique per call, date, level and stage)."""
        # The date is part of the key: when a deadline moves, its reminders start afresh.
        return reminder_key(f"{self.call_id}:{self.due.isoformat()}:{self.level}d:{self.stage}")

    @property
    def legacy_period_key(self) -> str:
        """The key a long stage had before keys carried a hash (cut at 200 characters)."""
        return f"{self.call_id}:{self.due.isoformat()}:{self.level}d:{self.stage}"[:KEY_LENGTH]


# The length of `sent_mails.period_key`.
KEY_LENGTH = 200
KEY_HASH_LENGTH = 16


def reminder_key(full: str) -> str:
    """`full` as it is when it fits the column, else cut with a hash of the whole of it.

    Cut alone, two long stage names alike in their first 180 characters shared one key, and
    the second stage's reminders never went out. Short keys stay as they were, so the
    reminders recorded before this change still count as sent.
    """
    if len(full) <= KEY_LENGTH:
        return full
    digest = hashlib.sha256(full.encode()).hexdigest()[:KEY_HASH_LENGTH]
    return f"{full[: KEY_LENGTH - KEY_HASH_LENGTH - 1]}#{digest}"


def reminder_level(days_left: int, levels: Sequence[int]) -> int | None:
    """The reminder level for `days_left`, or None (too early, or the deadline has passed)."""
    if days_left < 0:
        return None
    applicable = [level for level in levels if days_left <= level]
    return min(applicable) if applicable else None


def due_reminders(
    session: Session,
    config: Config,
    today: date,
    levels: Sequence[int],
    now: datetime | None = None,
) -> list[Reminder]:
    """All reminders that apply on `today` (whether already sent or not).

    On a deadline's day, once its time has passed (German time, at `now`), it has none:
    "Frist heute, 12:00 Uhr" in the afternoon would only tell of a missed deadline.

    A call nobody is responsible for reminds the team; a login with "Meine Kommune" among
    them only of the calls that applicant may apply for (a town's officer does not apply
    for the county's own calls). Team addresses and logins without one hear of every call.
    """
    team = recipient_profiles(session, config)
    active = active_calls(session)
    # per applicant of the team, which of the active calls it may apply for
    towns = {
        applicant: set(
            session.scalars(
                applicant_calls(applicant).where(
                    CallScore.call_id.in_([call.id for call, _review in active])
                )
            )
        )
        for applicant in {p.applicant for p in team if p.applicant}
    }
    result: list[Reminder] = []
    for call, review in active:
        assignee = review.assignee
        if assignee is not None and not assignee.active:
            # Whoever left has no mailbox to read: the team takes over their calls.
            assignee = None
        to = (
            [assignee.email]
            if assignee is not None
            else [p.address for p in team if not p.applicant or call.id in towns[p.applicant]]
        )
        for stage, due in stage_deadlines(call):
            left = (due - today).days
            level = reminder_level(left, levels)
            if level is None:
                continue
            time = stage_time(call, stage, due)
            if left == 0 and deadline_passed_today(due, time, now):
                continue
            result.append(
                Reminder(
                    call_id=call.id,
                    title=call.title,
                    funder=call.funder,
                    stage=stage,
                    due=due,
                    days_left=left,
                    level=level,
                    review_status=review.status,
                    assignee=assignee.display_name if assignee else "",
                    recipients=list(to),
                    url=call_url(config, call.id),
                    warning=source_warning(call.status, call.missing_since),
                    moved_from=moved_earlier_from(call, stage, due),
                    time=time,
                )
            )
    return sorted(result, key=lambda r: (r.due, r.call_id, r.stage))


def moved_earlier_from(call: Call, stage: str, due: date) -> date | None:
    """The date `stage` had before its latest move, when that move brought it forward to
    `due`; None when the stage never moved, moved later, or changed since to another date.

    Read from the call's change history: the main deadline (stage "Einreichung") from
    `deadline`, a named stage from `deadlines`.
    """
    field = "deadline" if stage == MAIN_STAGE else "deadlines"
    for change in call.changes:  # newest first
        if change.field != field:
            continue
        before, after = _stage_value(change.old, stage), _stage_value(change.new, stage)
        if before == after:
            continue  # another stage moved
        if after != due or before is None:
            return None
        return before if before > due else None
    return None


def _stage_value(value: object, stage: str) -> date | None:
    if isinstance(value, dict):
        value = value.get(stage)
    return as_date(value) if isinstance(value, str) else None


TEAM_REMINDER = (
    "Wer sich im Aufruf als zuständig einträgt, erhält die weiteren Erinnerungen allein."
)


def reminder_footer(reminder: Reminder, config: Config, address: str) -> MailFooter:
    """Why this recipient gets the reminder and how it stops (Konto does not stop an
    assignee's reminders, and a team address is the administration's to remove)."""
    if reminder.assignee:
        return MailFooter(
            why="Sie erhalten diese Erinnerung, weil Sie für den Aufruf zuständig sind.",
            stop_label="Keine Erinnerungen mehr",
            stop_url="",
            stop_text="im Aufruf jemand anderen als zuständig eintragen oder den "
            "Bearbeitungsstand ändern (erinnert wird bei „relevant“ und „Antrag in Vorbereitung“)",
        )
    if is_team_address(config, address):
        return team_address_footer("die Erinnerungen zu Aufrufen, für die niemand zuständig ist")
    return MailFooter(
        why=TEAM_REMINDER,
        stop_label="Mit der Wochenübersicht abbestellen",
        stop_url=f"{config.base_url}/konto",
    )


def render_reminder(reminder: Reminder, config: Config, address: str) -> RenderedMail:
    """The reminder for one recipient (the footer depends on why they get it)."""
    left = days_label(reminder.days_left, none_text="")
    moved = "vorverlegt, " if reminder.moved_from is not None else ""
    if reminder.last_day:
        what = f"{reminder.stage}: Frist {days_label(0, time=reminder.time)}"
        what += " (vorverlegt)" if moved else ""
    else:
        what = f"{reminder.stage} am {reminder.when} ({moved}{left})"
    subject = f"Fristerinnerung: {what} – {shorten(reminder.title, 90)}"
    return render_mail(
        "reminder",
        subject,
        reminder_footer(reminder, config, address),
        r=reminder,
        base_url=config.base_url,
    )


@dataclass(slots=True)
class ReminderRun:
    """The outcome of `run_reminders`."""

    reminders: list[Reminder]
    mails: list[OutgoingMail]
    report: DeliveryReport
    without_recipient: list[Reminder]

    @property
    def ok(self) -> bool:
        return self.report.ok


def run_reminders(
    sessions: sessionmaker[Session],
    config: Config,
    settings: MailSettings,
    *,
    today: date,
    transport_factory: Callable[[], Transport] | None,
    now: datetime | None = None,
) -> ReminderRun:
    """Send the reminders due on `today` that have not gone out yet (dry run: factory None);
    none for a deadline whose time has passed by `now` (default: the current time)."""
    with sessions() as session:
        reminders = due_reminders(session, config, today, settings.reminder_days, now)
    run = ReminderRun(reminders=reminders, mails=[], report=DeliveryReport(), without_recipient=[])
    for reminder in reminders:
        if not reminder.recipients:
            run.without_recipient.append(reminder)
            continue
        done = already_sent(sessions, REMINDER_KIND, reminder.period_key)
        if reminder.legacy_period_key != reminder.period_key:
            # Sent before the keys of long stages carried a hash: not a second time.
            done |= already_sent(sessions, REMINDER_KIND, reminder.legacy_period_key)
        for address in reminder.recipients:
            if address.lower() in done:
                run.report.already_sent.append(address)
            else:
                rendered = render_reminder(reminder, config, address)
                run.mails.append(
                    OutgoingMail(REMINDER_KIND, reminder.period_key, address, rendered)
                )
    # A run with nothing to send still passes on a refusal notice an earlier run could not
    # send (webapp/mail/refusal_notice.py), when it may send mail at all.
    if transport_factory is None or not (run.mails or config.base_url_set):
        return run
    require_base_url(config)
    run.report.merge(
        send_scheduled(sessions, config, settings, run.mails, transport_factory, today=today)
    )
    return run
