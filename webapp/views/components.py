"""Small pieces of markup shown on many rows: eligibility badge, status pill, deadline.

Built in Python, not as Jinja macros: a call list shows them on every row, and a macro
call costs far more than a function call. The macros of `_macros.html` call these
functions, so every page shows the same markup. Every value from the database is escaped.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from functools import lru_cache

from markupsafe import Markup, escape

from webapp.formatting import (
    DECISION_EFFECT_MIN,
    ROLLING_STATUS,
    days_label,
    days_left,
    format_change,
    format_datetime,
    format_deadline,
    local_date,
    local_today,
    minutes_left,
)

ELIGIBILITY_LABELS = {
    "eligible": "antragsberechtigt",
    "ineligible": "nicht antragsberechtigt",
    "unknown": "Berechtigung unklar",
    # the county and its municipalities may not apply, a project's partners may
    # (webapp.matching.PARTNER_STATUS)
    "partner": "über Projektpartner",
}
# CSS class per review status (colour of the status pill).
STATUS_CLASSES = {
    "neu": "st-new",
    "in Prüfung": "st-check",
    "relevant": "st-relevant",
    "Antrag in Vorbereitung": "st-prep",
    "beantragt": "st-applied",
    "bewilligt": "st-granted",
    "abgelehnt": "st-rejected",
    "nicht relevant": "st-dismissed",
}


# The matcher names no reason when the call's list of applicants simply includes the
# strategy's own (the common case): say that, so every badge that shows reasons has one.
NO_RESTRICTION_REASON = (
    "Der Aufruf nennt Antragsberechtigte, zu denen die Antragsteller der Strategie gehören; "
    "der Abgleich hat keine Einschränkung gefunden"
)
NOT_MATCHED_REASON = "noch nicht mit der Strategie abgeglichen"
_DEFAULT_REASONS = {"eligible": NO_RESTRICTION_REASON, "unknown": NOT_MATCHED_REASON}


def eligibility_badge(status: str | None, reasons: Iterable[str] | None = None) -> Markup:
    """`antragsberechtigt` & co. as a badge; with `reasons` (even empty) the badge explains itself.

    The reasons are text inside the badge, shown beside it on hover and on keyboard focus
    (the badge is then a tab stop): a `title` tooltip reaches neither keyboard users nor,
    reliably, screen readers. None: the plain badge (the reasons stand elsewhere, or it is
    the Hilfe's legend).
    """
    # f-strings with escape(), not Markup.format: this runs on every row of a list.
    st = status or "unknown"
    label = escape(ELIGIBILITY_LABELS.get(st, st))
    if reasons is None:
        return Markup(f'<span class="badge elig-{escape(st)}">{label}</span>')
    listed = [r for r in reasons if r] or [r for r in (_DEFAULT_REASONS.get(st),) if r]
    if not listed:  # the matcher always explains the other verdicts
        return Markup(f'<span class="badge elig-{escape(st)}">{label}</span>')
    why = Markup("; ").join(listed)
    return Markup(
        f'<span class="has-why" tabindex="0"><span class="badge elig-{escape(st)}">{label}</span>'
        f'<span class="badge-why"><span class="visually-hidden">: </span>{why}</span></span>'
    )


def decision_mark(change: float) -> Markup:
    """▲ or ▼ beside a match whose score the decisions on similar calls moved visibly."""
    if abs(change) < DECISION_EFFECT_MIN:
        return Markup("")
    label = f"durch Bewertungen ähnlicher Aufrufe {format_change(change)}"
    direction, arrow = ("up", "▲") if change > 0 else ("down", "▼")
    return Markup(
        f'<span class="moved {direction}" role="img" aria-label="{escape(label)}" '
        f'title="{escape(label)}">{arrow}</span>'
    )


@lru_cache(maxsize=64)
def status_pill(status: str) -> Markup:
    """A review status as a coloured pill (few distinct values: cached)."""
    return Markup('<span class="pill {}">{}</span>').format(
        STATUS_CLASSES.get(status, "st-new"), status
    )


def found_mark(first_seen: datetime, days: int) -> Markup:
    """The mark of a call found in the last `days` days: "gefunden am 24.11.".

    Says when, not "neu": "neu" is the review status of every undecided call, and the two
    stood side by side in Alle Aufrufe.
    """
    # plain text of our own (dates, a number): nothing to escape; an f-string per row
    title = f"erstmals gefunden am {format_datetime(first_seen)} Uhr (in den letzten {days} Tagen)"
    day = local_date(first_seen).strftime("%d.%m.")
    return Markup(f'<span class="mark mark-new" title="{title}">gefunden am {day}</span>')


def deadline(
    day: date | None,
    today: date | None = None,
    time: str | None = None,
    status: str | None = None,
) -> Markup:
    """The deadline with its time and the days left, marked soon (< 14 days) or past; for no
    deadline "laufend" or "Keine Frist angegeben" by the call's `status`. On its last day
    a deadline with a time reads the hours left, and past once the time is reached."""
    minutes = minutes_left(day, time)
    if minutes is not None:
        minutes = max(minutes, 0)  # one cache entry for every minute after the deadline
    return _deadline(day, today or local_today(), time, status if day is None else None, minutes)


@lru_cache(maxsize=4096)
def _deadline(
    day: date | None, today: date, time: str | None, status: str | None, minutes: int | None
) -> Markup:
    # Cached per (day, today, time): a list page shows at most a few hundred distinct deadlines.
    left = days_left(day, today)
    css = ""
    if left is not None and (left < 0 or (left == 0 and minutes == 0)):
        css = " past"
    elif left is not None and 0 <= left < 14:
        css = " soon"
    elif day is None and status != ROLLING_STATUS:
        css = " none"
    days = (
        Markup('<span class="days">{}</span>').format(days_label(left, minutes=minutes))
        if left is not None
        else ""
    )
    return Markup('<span class="deadline{}">\n    <strong>{}</strong>\n    {}\n  </span>').format(
        css, format_deadline(day, time, status), days
    )
