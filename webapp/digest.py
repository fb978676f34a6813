"""The weekly digest ("Wöchentliche Übersicht"): what goes in, and sending it once per week.

Four sections, each a pure selection over the database for a time window:
- Neu gefunden: candidate calls first seen since the last digest, above the score threshold, not
  ineligible, not yet decided on, still open — grouped by the theme of the project the
  Eingang row names first (the first of the best three that shares words; none: no theme) in
  priority order. A call only a project's partners may apply for is one of them, marked so.
- Geändert: calls under review or marked relevant whose deadline, status, amount or
  eligibility changed in the window (old → new).
- Fristen in Kürze: stage deadlines within the next days of calls marked relevant or in
  preparation.
- Quellen mit Problemen: enabled sources whose runs in the window all failed, whose latest
  run in the window left hints, or that ran before but had no successful run in the window
  (calls from there may be missing above). Left out entirely when every source is fine.

The digest is sent when any section has something, a source problem alone included: a quiet
week with a broken source is exactly when nobody would notice otherwise. Only a digest with
all four sections empty is skipped (unless DIGEST_SEND_EMPTY is set).

The period is the ISO week of `today` ("2026-W48"). The window runs from the first send of
the previous digest to the first send of this one (or now), so a resumed run composes the
same content as the run it resumes and nothing falls between two digests.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any
from urllib.parse import quote_plus

from sqlalchemy import ColumnElement, and_, case, func, or_, select, update
from sqlalchemy.orm import Session, sessionmaker

from matcher.eligibility import COUNTY_WITH_TOWNS
from webapp.config import Config
from webapp.errors import UserError
from webapp.formatting import (
    SOURCE_ERROR_LIMIT,
    SOURCE_TEXT_LIMIT,
    as_date,
    deadline_passed_today,
    format_call_value,
    format_counted,
    format_deadline,
    local_date,
    shorten,
)
from webapp.formatting import format_datetime as datetime_de
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
from webapp.matching import PARTNER_STATUS, open_calls_query, replaced_strategy_in_matches
from webapp.models import (
    Call,
    CallChange,
    CallScore,
    ProjectRow,
    Review,
    ScrapeRun,
    SentMail,
    Source,
    StrategyRow,
    ThemeRow,
    User,
)
from webapp.queries import (
    ALL_APPLICANTS,
    NO_SHARED_MATCH,
    CallFilters,
    applicant_calls,
    first_match_project,
    home_applicant,
    listed,
    own_applicants_label,
    own_work,
    stage_time,
    strategy_applicants,
)
from webapp.reviews import ACTIVE_STATUSES
from webapp.source_marks import source_warning

DIGEST_KIND = "digest"
# "Geändert" watches calls someone is working on.
WATCHED_STATUSES = ("in Prüfung", "relevant", "Antrag in Vorbereitung")
WATCHED_FIELDS = {
    "deadline": "Frist",
    "deadlines": "Fristen",
    "deadline_time": "Uhrzeit der Frist",
    "deadline_times": "Uhrzeiten der Fristen",
    "status": "Status",
    "amount_max_eur": "Förderhöchstbetrag",
    "eligible": "Antragsberechtigt",
    # Set by ingest when the source stops listing the call: worth knowing before applying.
    "missing_since": "Bei der Quelle",
}
MAIN_STAGE = "Einreichung"
NO_THEME = "Ohne Themenzuordnung"
# A source problem shows this many hints of the latest run (cut like on the Quellen page).
SOURCE_HINTS_SHOWN = 2


# --- small helpers shared with the reminders ---------------------------------------------


def period_key(today: date) -> str:
    """The ISO week of `today`, e.g. '2026-W48' (sorts chronologically as text)."""
    year, week, _ = today.isocalendar()
    return f"{year}-W{week:02d}"


def call_url(config: Config, call_id: int) -> str:
    """The call's page in the web UI."""
    return f"{config.base_url}/aufrufe/{call_id}"


def sources_url(config: Config) -> str:
    """The Quellen page of the web UI (every source with its runs, errors and hints)."""
    return f"{config.base_url}/quellen/"


def recipients(session: Session, config: Config) -> list[str]:
    """Opted-in active users plus ALERT_RECIPIENTS, without duplicates (case-insensitive)."""
    return [r.address for r in recipient_profiles(session, config)]


@dataclass(frozen=True, slots=True)
class Recipient:
    """An address of the digest and the team's reminders, with the login's "Meine Kommune"."""

    address: str
    applicant: str = ""  # the login's own applicant while the strategy names it, else ""
    user_id: int | None = None  # the login (None: a team address)


def recipient_profiles(session: Session, config: Config) -> list[Recipient]:
    """`recipients` with each login's own applicant ("Meine Kommune", checked against the
    strategy). A team address (ALERT_RECIPIENTS) gets everything, even if a login has it."""
    applicants = strategy_applicants(session)
    logins: dict[str, Recipient] = {}
    for user_id, email, home in session.execute(
        select(User.id, User.email, User.home_applicant)
        .where(User.digest_opt_in, User.active)
        .order_by(User.id)
    ):
        # the first login of an address wins, as the address does in `unique_addresses`
        logins.setdefault(
            email.strip().lower(), Recipient(email, home_applicant(home, applicants), user_id)
        )
    result: list[Recipient] = []
    addresses = [*(r.address for r in logins.values()), *config.alert_recipients]
    for address in unique_addresses(addresses):
        login = logins.get(address.lower())
        if login is None or is_team_address(config, address):
            result.append(Recipient(address, user_id=login.user_id if login else None))
        else:
            result.append(login)
    return result


def unique_addresses(addresses: Iterable[str]) -> list[str]:
    """Addresses in first-seen order, each once regardless of case."""
    seen: set[str] = set()
    result: list[str] = []
    for address in addresses:
        address = address.strip()
        key = address.lower()
        if address and key not in seen:
            seen.add(key)
            result.append(address)
    return result


def stage_deadlines(call: Call) -> list[tuple[str, date]]:
    """(stage, date) of every deadline of a call, earliest first.

    `deadlines` holds the stages ({"Skizze": "2027-01-15", ...}); the main `deadline` counts
    as the stage "Einreichung" unless one of the stages already falls on that date.
    """
    stages: list[tuple[str, date]] = []
    for stage, value in (call.deadlines or {}).items():
        parsed = as_date(value)
        if parsed is not None:
            stages.append((str(stage), parsed))
    if call.deadline is not None and all(d != call.deadline for _, d in stages):
        stages.append((MAIN_STAGE, call.deadline))
    return sorted(stages, key=lambda item: (item[1], item[0]))


# --- the sections ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class DigestWindow:
    """Changes and new calls in [since, until) belong to this digest."""

    since: datetime
    until: datetime


@dataclass(slots=True)
class NewCall:
    call_id: int
    title: str
    funder: str
    deadline: date | None
    days_left: int | None
    project: str
    score: float
    url: str
    # the deadline as the officer reads it: "24.03.2027, 17:00 Uhr", "laufend" or
    # "Keine Frist angegeben"
    deadline_text: str = ""
    # only a project's partners may apply (PARTNER_STATUS): their types, else empty
    partners: list[str] = field(default_factory=list)
    # the German day it was first seen, for a call found before this digest's window that
    # passes the digest's bar only now (see `announced`); else None
    known_since: date | None = None

    @property
    def fit(self) -> str:
        """What the mail says the call fits: its first project sharing words, as the
        Eingang row names it, else that no project shares words."""
        return f"Passt zu: {self.project}" if self.project else NO_SHARED_MATCH


@dataclass(slots=True)
class ThemeGroup:
    name: str
    priority: int | None
    calls: list[NewCall] = field(default_factory=list)
    more: int = 0  # further calls of this theme not listed
    more_url: str = ""  # the inbox filtered to this theme, where the rest are


@dataclass(slots=True)
class FieldChange:
    label: str
    old: str
    new: str


@dataclass(slots=True)
class ChangedCall:
    call_id: int
    title: str
    review_status: str
    url: str
    changes: list[FieldChange]


@dataclass(slots=True)
class DueDeadline:
    call_id: int
    title: str
    stage: str
    due: date
    days_left: int
    review_status: str
    assignee: str
    url: str
    time: str | None = None  # "17:00" (German time) when the source gives one
    # the source closed the call or no longer lists it (`source_marks.source_warning`), or ""
    warning: str = ""

    @property
    def when(self) -> str:
        """ "24.03.2027, 17:00 Uhr" (the day alone when the source gives no time)."""
        return format_deadline(self.due, self.time)


@dataclass(slots=True)
class SourceProblem:
    """An enabled source that could not be read (well) in the digest window."""

    name: str
    label: str
    runs: int  # finished runs in the window
    failed: int  # of those, failed
    last_error: str  # of the latest run in the window, shortened (shown when all failed)
    last_error_at: datetime | None
    hint_count: int  # hints of the latest run in the window, including those not kept
    hints: list[str]  # the first of them, shortened
    # Ran before the window but not successfully in it: since then (the last successful run,
    # or the first run when none ever succeeded) calls from this source are not current.
    stale_since: datetime | None
    never_succeeded: bool

    @property
    def lines(self) -> list[str]:
        """What the digest says about the source, one sentence each (text and HTML alike)."""
        lines: list[str] = []
        if self.failed and self.failed == self.runs:
            runs = "Der Lauf ist" if self.runs == 1 else f"Alle {self.runs} Läufe sind"
            lines.append(
                f"{runs} fehlgeschlagen. Letzter Fehler "
                f"({datetime_de(self.last_error_at)}): {self.last_error or 'ohne Meldung'}"
            )
        if not self.runs:
            lines.append("Kein Lauf in diesem Zeitraum.")
        if self.stale_since is not None:
            since = datetime_de(self.stale_since)
            lines.append(
                f"Noch nie erfolgreich abgerufen (erster Lauf {since})."
                if self.never_succeeded
                else f"Kein erfolgreicher Abruf seit {since}."
            )
        if self.hint_count:
            more = self.hint_count - len(self.hints)
            lines.append(
                f"Hinweise zum letzten Lauf ({self.hint_count}): {'; '.join(self.hints)}"
                + (
                    f" … und {format_counted(more, 'weiterer', 'weitere')} (siehe Läufe)"
                    if more > 0
                    else ""
                )
            )
        return lines


@dataclass(slots=True)
class Digest:
    """Everything one weekly digest says; the same for every recipient."""

    period_key: str
    today: date
    window: DigestWindow
    strategy_name: str
    new: list[ThemeGroup]
    changed: list[ChangedCall]
    deadlines: list[DueDeadline]
    sources: list[SourceProblem] = field(default_factory=list)
    sources_url: str = ""
    soon_days: int = 14  # the window of "Fristen in Kürze", named when it is empty
    # Open calls first seen in the window that `match` has not scored: "Neu" cannot list
    # them, and next week they are no longer new, so the digest waits for the match.
    unmatched: int = 0
    # A replaced strategy whose projects the open calls are still matched to (no `match`
    # since `strategy load`): the mail would name one strategy and list the other's projects.
    stale_strategy: str | None = None
    # The digest of a login with "Meine Kommune": only the calls that applicant may apply
    # for (or could: verdict open), and those assigned to the login. The new calls left out
    # are counted, those only a project's partners may apply for apart.
    applicant: str = ""
    others_new: int = 0  # new calls for other applicants only (the county's own, …)
    others_partner: int = 0  # of those, the ones only a project's partners may apply for
    others_url: str = ""  # the Eingang with every applicant, newest first
    # who "selbst" means beside a partner-only call: the county and its towns, or the city
    own_applicants: str = COUNTY_WITH_TOWNS
    # every call the full digest announces as new, those beyond a theme's limit included:
    # marked as announced with the first mail that reaches someone (`mark_announced`)
    announced_ids: list[int] = field(default_factory=list)
    # this week's digest reached someone already (a resumed or repeated run)
    delivered: bool = False

    @property
    def county_with_towns(self) -> bool:
        """Whether the strategy's applicants are a county and its towns (not a city alone)."""
        return self.own_applicants == COUNTY_WITH_TOWNS

    @property
    def new_count(self) -> int:
        return sum(len(g.calls) + g.more for g in self.new)

    @property
    def is_empty(self) -> bool:
        # A source problem alone is worth a mail (see the module docstring).
        return not (self.new or self.changed or self.deadlines or self.sources)

    @property
    def week_label(self) -> str:
        year, week = self.period_key.split("-W")
        return f"KW {int(week)}/{year}"


def digest_window(
    session: Session, key: str, now: datetime, fallback_days: int = 7
) -> DigestWindow:
    """From the start of the last earlier digest that reached someone to the start of this
    one (or `now`, the moment of the run: `formatting.run_moment`).

    A digest's start is its first attempt, whatever became of it, so a resumed run composes
    the same content. An earlier week whose digest reached nobody (the server was down
    until the week was over) does not end a window: its calls go into this digest instead
    of falling between two.
    """
    first_sends = (
        select(
            SentMail.period_key,
            func.min(SentMail.created_at).label("first"),
            func.sum(case((SentMail.status == "sent", 1), else_=0)).label("delivered"),
        )
        .where(SentMail.kind == DIGEST_KIND)
        .group_by(SentMail.period_key)
        .subquery()
    )
    until = session.scalar(select(first_sends.c.first).where(first_sends.c.period_key == key))
    since = session.scalar(
        select(func.max(first_sends.c.first)).where(
            first_sends.c.period_key < key, first_sends.c.delivered > 0
        )
    )
    # A run as of another day (`--today`, `run_moment`) ends at that day even when its first
    # attempt was recorded later by the real clock: a catch-up run resumed sends the rest
    # the same calls. For a run today the first attempt is never after now.
    until = min(until, now) if until is not None else now
    if since is None:
        # The first digest looks back a week; from its first attempt if that never arrived.
        first_attempt = session.scalar(
            select(func.min(first_sends.c.first)).where(first_sends.c.period_key < key)
        )
        since = (first_attempt or until) - timedelta(days=fallback_days)
    return DigestWindow(since=since, until=until)


def announced(window: DigestWindow, key: str, delivered: bool) -> ColumnElement[bool]:
    """Which calls the digest `key` announces as new (if they pass its bar): those first seen
    in its window, and those seen earlier that no digest which reached someone announced yet
    (a call that passes the bar only later: its text changed, or the strategy or the
    officers' decisions moved it).

    Once this digest has reached someone (`delivered`) it keeps the calls it announced then,
    so a resumed run sends the others the same list.
    """
    in_window = and_(Call.first_seen >= window.since, Call.first_seen < window.until)
    this_digest = Call.announced_in == key
    if delivered:
        return or_(in_window, this_digest)
    later = and_(Call.announced_in.is_(None), Call.first_seen < window.since)
    return or_(in_window, this_digest, later)


def digest_delivered(session: Session, key: str) -> bool:
    """Whether the digest of period `key` reached at least one recipient."""
    found = session.scalar(
        select(SentMail.id)
        .where(SentMail.kind == DIGEST_KIND, SentMail.period_key == key, SentMail.status == "sent")
        .limit(1)
    )
    return found is not None


def mark_announced(session: Session, digest: Digest) -> int:
    """Record that `digest` announced its new calls (in the transaction of the first mail
    that reached someone); the number of calls marked. Calls an earlier digest announced
    keep theirs."""
    if not digest.announced_ids:
        return 0
    result = session.execute(
        update(Call)
        .where(Call.id.in_(digest.announced_ids), Call.announced_in.is_(None))
        .values(announced_in=digest.period_key)
        .execution_options(synchronize_session=False)
    )
    return int(result.rowcount)  # type: ignore[attr-defined]


def select_new(
    session: Session,
    config: Config,
    window: DigestWindow,
    today: date,
    min_score: float,
    per_theme: int,
    applicant: str = "",
    *,
    new_calls: ColumnElement[bool],
) -> tuple[list[ThemeGroup], list[int]]:
    """Candidate calls among `new_calls` (`announced`), grouped by theme in priority order,
    and the ids of all of them (those beyond a theme's limit too); with `applicant`, only
    those it may apply for (the Eingang's Antragsteller filter)."""
    # The inbox's own calls (webapp.queries.listed), so the "more" link shows the rest.
    inbox = CallFilters(scope="inbox", min_score=min_score, antragsteller=applicant)
    # the login's own applicant named in the link: the Eingang shows the same calls to anyone
    also = f"&antragsteller={quote_plus(applicant)}" if applicant else ""
    rows = session.execute(
        listed(select(Call, CallScore, ProjectRow, ThemeRow), inbox, today)
        # the project the Eingang row names first (and its theme filter counts), not the
        # best one: that may lead by the eligibility floor alone, sharing no word
        .outerjoin(ProjectRow, ProjectRow.id == first_match_project())
        .outerjoin(ThemeRow, ThemeRow.id == ProjectRow.theme_id)
        .where(new_calls)
        .order_by(CallScore.inbox_score.desc(), Call.id)
    ).all()
    groups: dict[int | None, ThemeGroup] = {}
    order: dict[int | None, tuple[int, int, str]] = {}
    for call, score, project, theme in rows:
        theme_key = theme.id if theme is not None else None
        if theme_key not in groups:
            groups[theme_key] = ThemeGroup(
                name=theme.name if theme else NO_THEME,
                priority=theme.priority if theme else None,
                # The inbox's own filters (webapp.queries.CallFilters: theme id, min_score),
                # newest first: the rest of this week's calls lead the list, not older ones
                more_url=f"{config.base_url}/?theme={theme.id}&min_score={min_score:g}"
                f"&sort=neu{also}"
                if theme
                else f"{config.base_url}/?sort=neu{also}",
            )
            # Unassigned calls go last; themes by priority (1 = highest), then strategy order.
            order[theme_key] = (
                (theme.priority, theme.position, theme.name) if theme else (10**6, 0, "")
            )
        group = groups[theme_key]
        if len(group.calls) >= per_theme:
            group.more += 1
            continue
        group.calls.append(
            NewCall(
                call_id=call.id,
                title=call.title,
                funder=call.funder,
                deadline=call.deadline,
                days_left=(call.deadline - today).days if call.deadline else None,
                project=project.title if project else "",
                score=score.inbox_score,
                url=call_url(config, call.id),
                deadline_text=format_deadline(call.deadline, call.deadline_time, call.status),
                partners=list(score.eligible_applicants)
                if score.eligibility == PARTNER_STATUS
                else [],
                known_since=local_date(call.first_seen) if call.first_seen < window.since else None,
            )
        )
    ids = [call.id for call, *_rest in rows]
    return [groups[k] for k in sorted(groups, key=lambda k: order[k])], ids


def select_changed(
    session: Session,
    config: Config,
    window: DigestWindow,
    whom: Recipient | None = None,
) -> list[ChangedCall]:
    """Watched calls whose deadline, status, amount or eligibility changed in the window
    (for a login with "Meine Kommune": `own_calls`)."""
    # Changes may be recorded on a duplicate while the review hangs on the canonical call.
    canonical_id = func.coalesce(Call.canonical_id, Call.id)
    rows = session.execute(
        select(CallChange, Review)
        .join(Call, Call.id == CallChange.call_id)
        .join(Review, Review.call_id == canonical_id)
        .where(
            CallChange.changed_at >= window.since,
            CallChange.changed_at < window.until,
            CallChange.field.in_(WATCHED_FIELDS),
            Review.status.in_(WATCHED_STATUSES),
            *own_calls(whom),
        )
        .order_by(Review.call_id, CallChange.changed_at, CallChange.id)
    ).all()
    # Several changes of one field in a week collapse to first old → last new.
    spans: dict[int, dict[str, list[Any]]] = {}
    reviews: dict[int, Review] = {}
    for change, review in rows:
        reviews[review.call_id] = review
        span = spans.setdefault(review.call_id, {}).setdefault(change.field, [change.old, None])
        span[1] = change.new
    result: list[ChangedCall] = []
    for call_id, fields in spans.items():
        changes = [
            FieldChange(
                WATCHED_FIELDS[name], format_call_value(name, old), format_call_value(name, new)
            )
            for name, (old, new) in fields.items()
            if old != new
        ]
        changes = [c for c in changes if c.old != c.new]
        if changes:
            review = reviews[call_id]
            result.append(
                ChangedCall(
                    call_id=call_id,
                    title=review.call.title,
                    review_status=review.status,
                    url=call_url(config, call_id),
                    changes=changes,
                )
            )
    return result


def select_deadlines(
    session: Session,
    config: Config,
    today: date,
    days: int,
    whom: Recipient | None = None,
    now: datetime | None = None,
) -> list[DueDeadline]:
    """Stage deadlines in [today, today + days] of calls marked relevant or in preparation
    (for a login with "Meine Kommune": `own_calls`); not one whose time passed earlier
    today (German time, at `now`): it is no longer coming up."""
    due: list[DueDeadline] = []
    for call, review in active_calls(session, whom):
        for stage, when in stage_deadlines(call):
            left = (when - today).days
            time = stage_time(call, stage, when)
            if left == 0 and deadline_passed_today(when, time, now):
                continue
            if 0 <= left <= days:
                due.append(
                    DueDeadline(
                        call_id=call.id,
                        title=call.title,
                        stage=stage,
                        due=when,
                        days_left=left,
                        review_status=review.status,
                        assignee=_person(review.assignee),
                        url=call_url(config, call.id),
                        time=time,
                        warning=source_warning(call.status, call.missing_since),
                    )
                )
    return sorted(due, key=lambda d: (d.due, d.title))


def select_source_problems(session: Session, window: DigestWindow) -> list[SourceProblem]:
    """Enabled sources in trouble in the window: all runs failed, the latest left hints, or
    it ran before the window but not successfully in it. A source that never ran is left
    out (nothing to compare), as are runs still "running" (their outcome is not known yet).
    """
    in_window: dict[int, list[ScrapeRun]] = {}
    for run in session.scalars(
        select(ScrapeRun)
        .join(Source, Source.id == ScrapeRun.source_id)
        .where(
            Source.enabled,
            ScrapeRun.started_at >= window.since,
            ScrapeRun.started_at < window.until,
            ScrapeRun.status.in_(("ok", "failed")),
        )
        .order_by(ScrapeRun.started_at, ScrapeRun.id)
    ):
        in_window.setdefault(run.source_id, []).append(run)
    # Per source: the first run before the window and the last success before its end.
    earlier = dict(
        session.execute(
            select(ScrapeRun.source_id, func.min(ScrapeRun.started_at))
            .where(ScrapeRun.started_at < window.since)
            .group_by(ScrapeRun.source_id)
        )
        .tuples()
        .all()
    )
    last_ok = dict(
        session.execute(
            select(ScrapeRun.source_id, func.max(ScrapeRun.started_at))
            .where(ScrapeRun.status == "ok", ScrapeRun.started_at < window.until)
            .group_by(ScrapeRun.source_id)
        )
        .tuples()
        .all()
    )
    problems: list[SourceProblem] = []
    for source in session.scalars(select(Source).where(Source.enabled)):
        runs = in_window.get(source.id, [])
        latest = runs[-1] if runs else None
        failed = sum(r.status == "failed" for r in runs)
        stale = source.id in earlier and failed == len(runs)  # ran before, no success since
        hints = latest.warning_list if latest else []
        if not (runs and failed == len(runs)) and not stale and not hints:
            continue
        problems.append(
            SourceProblem(
                name=source.name,
                label=source.label or source.name,
                runs=len(runs),
                failed=failed,
                last_error=shorten(latest.error_message, SOURCE_ERROR_LIMIT) if latest else "",
                last_error_at=latest.started_at if latest else None,
                hint_count=latest.warning_count if latest else 0,
                hints=[shorten(h, SOURCE_TEXT_LIMIT) for h in hints[:SOURCE_HINTS_SHOWN]],
                stale_since=last_ok.get(source.id, earlier.get(source.id)) if stale else None,
                never_succeeded=source.id not in last_ok,
            )
        )
    return sorted(problems, key=lambda p: (p.label.lower(), p.name))


def count_unmatched(session: Session, window: DigestWindow, today: date) -> int:
    """Open calls first seen in the window without a score (the match failed or has not run)."""
    unscored = (
        open_calls_query(today)
        .outerjoin(CallScore, CallScore.call_id == Call.id)
        .where(
            CallScore.call_id.is_(None),
            Call.first_seen >= window.since,
            Call.first_seen < window.until,
        )
    )
    return session.scalar(select(func.count()).select_from(unscored.subquery())) or 0


def hold_back_reason(digest: Digest) -> str | None:
    """Why the digest must wait for a `match` run, or None when it may go out."""
    if digest.stale_strategy is not None:
        return (
            f"Die Passungen der Aufrufe stammen noch von der Strategie „{digest.stale_strategy}“, "
            f"aktiv ist „{digest.strategy_name}“: die Wochenübersicht würde Projekte der "
            "falschen Strategie nennen. Zuerst `funding-matcher match` ausführen (im Wochenlauf: der "
            "Schritt Abgleich); es wurde nichts versandt."
        )
    return unmatched_message(digest) if digest.unmatched else None


def unmatched_message(digest: Digest) -> str:
    """Why the digest is held back while new calls are not matched yet."""
    n = digest.unmatched
    calls, are, them, would = (
        ("neuer Aufruf", "ist", "ihn", "wäre er")
        if n == 1
        else ("neue Aufrufe", "sind", "sie", "wären sie")
    )
    return (
        f"{n} {calls} seit {datetime_de(digest.window.since)} {are} noch nicht abgeglichen: "
        f"die Wochenübersicht ließe {them} aus, und in der nächsten {would} nicht mehr neu. "
        "Zuerst `funding-matcher match` ausführen (im Wochenlauf: der Schritt Abgleich); "
        "es wurde nichts versandt."
    )


def active_calls(session: Session, whom: Recipient | None = None) -> list[tuple[Call, Review]]:
    """Calls marked relevant or in preparation, with their review (for a login with "Meine
    Kommune": `own_calls`)."""
    return [
        (call, review)
        for call, review in session.execute(
            select(Call, Review)
            .join(Review, Review.call_id == Call.id)
            .where(Review.status.in_(ACTIVE_STATUSES), *own_calls(whom))
            .order_by(Call.id)
        ).tuples()
    ]


def own_calls(whom: Recipient | None) -> list[ColumnElement[bool]]:
    """WHERE clauses over `Review`: the calls the login's applicant may apply for, or that
    are assigned to the login (whoever is responsible hears of their call whatever its
    applicants); none for a recipient without an applicant (everything)."""
    return own_work(whom.applicant, whom.user_id) if whom is not None else []


def count_others(
    session: Session,
    today: date,
    min_score: float,
    applicant: str,
    *,
    new_calls: ColumnElement[bool],
) -> tuple[int, int]:
    """New calls (`new_calls`) the full digest lists but `applicant`'s leaves out: all of
    them, and those only a project's partners may apply for."""
    inbox = CallFilters(scope="inbox", min_score=min_score)
    rows = session.execute(
        listed(select(CallScore.eligibility).select_from(Call), inbox, today).where(
            new_calls,
            Call.id.not_in(applicant_calls(applicant)),
        )
    ).scalars()
    verdicts = list(rows)
    return len(verdicts), sum(v == PARTNER_STATUS for v in verdicts)


def _person(user: User | None) -> str:
    if user is None:
        return ""
    return user.display_name


def build_digest(
    session: Session,
    config: Config,
    settings: MailSettings,
    today: date,
    now: datetime,
    whom: Recipient | None = None,
) -> Digest:
    """Select all four sections for the period of `today`.

    For a login with "Meine Kommune" (`whom`): the calls its applicant may apply for and
    those assigned to it; the new calls left out are counted. Sources, window and the
    reasons to hold the digest back are the same for everyone.
    """
    key = period_key(today)
    window = digest_window(session, key, now)
    strategy = session.scalar(select(StrategyRow.name).where(StrategyRow.active).limit(1))
    min_score = settings.min_score
    applicant = whom.applicant if whom is not None else ""
    delivered = digest_delivered(session, key)
    new_calls = announced(window, key, delivered)
    others = (
        count_others(session, today, min_score, applicant, new_calls=new_calls)
        if applicant
        else (0, 0)
    )
    new, new_ids = select_new(
        session,
        config,
        window,
        today,
        min_score,
        settings.per_theme,
        applicant=applicant,
        new_calls=new_calls,
    )
    return Digest(
        period_key=key,
        today=today,
        window=window,
        strategy_name=strategy or "",
        new=new,
        changed=select_changed(session, config, window, whom),
        deadlines=select_deadlines(session, config, today, settings.soon_days, whom, now),
        sources=select_source_problems(session, window),
        sources_url=sources_url(config),
        soon_days=settings.soon_days,
        unmatched=count_unmatched(session, window, today),
        stale_strategy=replaced_strategy_in_matches(session, today),
        applicant=applicant,
        others_new=others[0],
        others_partner=others[1],
        others_url=f"{config.base_url}/?antragsteller={ALL_APPLICANTS}&sort=neu",
        own_applicants=own_applicants_label(session),
        # marked from the full digest only: a town's digest lists a part of the same calls
        announced_ids=[] if applicant else new_ids,
        delivered=delivered,
    )


# --- composing and sending -------------------------------------------------------------------


def digest_subject(digest: Digest) -> str:
    parts = [f"{digest.new_count} neu"]
    if digest.changed:
        parts.append(f"{len(digest.changed)} geändert")
    if digest.deadlines:
        parts.append(f"{format_counted(len(digest.deadlines), 'Frist', 'Fristen')} in Kürze")
    if digest.sources:
        parts.append(f"{format_counted(len(digest.sources), 'Quelle', 'Quellen')} mit Problemen")
    town = f" für {digest.applicant}" if digest.applicant else ""
    return f"Förderaufrufe{town} – Wöchentliche Übersicht {digest.week_label}: {', '.join(parts)}"


def is_team_address(config: Config, address: str) -> bool:
    """Whether `address` is in ALERT_RECIPIENTS: it gets the mails whatever its account says."""
    return address.strip().lower() in {a.strip().lower() for a in config.alert_recipients}


def team_address_footer(receives: str) -> MailFooter:
    """A team address cannot unsubscribe itself: only the administration can remove it."""
    return MailFooter(
        why="Diese Adresse ist als Team-Adresse eingetragen (Einstellung ALERT_RECIPIENTS) "
        f"und erhält {receives}.",
        stop_label="Abbestellen",
        stop_url="",
        stop_text="über die Administration von funding-matcher",
    )


def digest_footer(config: Config, team: bool) -> MailFooter:
    """How the recipient stops the digest: under Konto, or for a team address by the admin."""
    if team:
        return team_address_footer("die Übersicht jede Woche")
    return MailFooter(
        why="", stop_label="Wöchentliche Übersicht abbestellen", stop_url=f"{config.base_url}/konto"
    )


def render_digest(digest: Digest, config: Config, *, team: bool = False) -> RenderedMail:
    """The digest as text and HTML (the same for every recipient but for the footer)."""
    return render_mail(
        "digest",
        digest_subject(digest),
        digest_footer(config, team),
        digest=digest,
        base_url=config.base_url,
    )


@dataclass(slots=True)
class DigestRun:
    """The outcome of `run_digest`."""

    digest: Digest
    recipients: list[str]
    mails: list[OutgoingMail]
    report: DeliveryReport
    skipped_empty: bool = False

    @property
    def ok(self) -> bool:
        return self.report.ok


def run_digest(
    sessions: sessionmaker[Session],
    config: Config,
    settings: MailSettings,
    *,
    today: date,
    now: datetime,
    transport_factory: Callable[[], Transport] | None,
) -> DigestRun:
    """Compose this week's digest and send it to everyone who does not have it yet.

    With `transport_factory=None` (dry run) nothing is sent or recorded; `mails` holds
    what a real run would send.
    """
    with sessions() as session:
        digest = build_digest(session, config, settings, today, now)
        profiles = recipient_profiles(session, config)
        # A login with "Meine Kommune" gets the digest of its applicant (and its own calls);
        # whether it goes out and when is decided on the full digest, the same for everyone.
        own = {
            p.address: build_digest(session, config, settings, today, now, p)
            for p in profiles
            if p.applicant
        }
    to = [p.address for p in profiles]
    run = DigestRun(digest=digest, recipients=to, mails=[], report=DeliveryReport())
    reason = hold_back_reason(digest)
    if transport_factory is not None and reason is not None:
        done = already_sent(sessions, DIGEST_KIND, digest.period_key)
        if any(address.lower() not in done for address in to):
            # Checked before the empty-digest skip: a week "without news" may be one whose
            # news are not matched yet.
            raise UserError(reason)
    # Once the week's digest reached someone, the rest get it too: a recipient the server put
    # off (4xx) or a login added since must not lose the week because its news have passed.
    if digest.is_empty and not settings.send_empty_digest and not digest.delivered:
        run.skipped_empty = True
        return run
    rendered = {team: render_digest(digest, config, team=team) for team in (False, True)}
    done = already_sent(sessions, DIGEST_KIND, digest.period_key)
    for profile in profiles:
        address = profile.address
        if address.lower() in done:
            run.report.already_sent.append(address)
            continue
        if profile.applicant:
            mail = render_digest(own[address], config)
        else:
            mail = rendered[is_team_address(config, address)]
        run.mails.append(OutgoingMail(DIGEST_KIND, digest.period_key, address, mail))
    # A run with nothing to send still passes on a refusal notice an earlier run could not
    # send (webapp/mail/refusal_notice.py), when it may send mail at all.
    if transport_factory is None or not (run.mails or config.base_url_set):
        return run
    require_base_url(config)
    run.report.merge(
        send_scheduled(
            sessions,
            config,
            settings,
            run.mails,
            transport_factory,
            today=today,
            # with the first mail that goes out, not after the run: a run killed in between
            # resumed with the week as delivered and left out the calls it had announced
            on_sent=lambda session: mark_announced(session, digest),
        )
    )
    return run
