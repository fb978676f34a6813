"""Fristen: a month calendar and a timeline of the coming deadlines."""

from __future__ import annotations

import re
from collections import defaultdict
from datetime import date, timedelta

from flask import Blueprint, render_template, request
from flask_login import current_user

from webapp.app import db_session
from webapp.formatting import local_today
from webapp.queries import (
    DeadlineEntry,
    deadline_entries,
    home_applicant,
    month_calendar,
    strategy_applicants,
)
from webapp.source_marks import source_mark, source_warning

bp = Blueprint("deadlines", __name__, url_prefix="/fristen")

TIMELINE_WEEKS = 12
CALENDAR_ITEMS = 3  # entries shown in a calendar day; the rest behind "+ N weitere"

# Words many titles start with ("Förderaufruf 2027 zur Förderung von …"): in a calendar cell
# of two short lines they would make every entry look the same.
_GENERIC_START = re.compile(
    r"^(?:Förder(?:aufruf|programm|richtlinie|bekanntmachung)|Bekanntmachung|Richtlinie"
    r"|Projektaufruf|Programmaufruf|Aufruf|Bundesprogramm)"
    r"(?:\s+\d{4})?(?:\s+(?:über|zur|zum|für|nach|der|die|des|von))*"
    r"(?:\s+Förderung(?:\s+(?:von|der|des|zur|zum))?)?\s*[:–-]?\s+",
    re.IGNORECASE,
)
# A quoted name („Tourismus.digital.NRW“) is what tells a call from the others.
_QUOTED = re.compile(r"[„“»]([^„“”»«]{4,120})[“”«]")


def short_title(title: str) -> str:
    """The distinctive part of a call title for a calendar cell (the full one in its tooltip)."""
    if quoted := _QUOTED.search(title):
        return quoted.group(1).strip()
    rest = _GENERIC_START.sub("", title, count=1).strip()
    if len(rest) < 3:
        return title
    return rest[0].upper() + rest[1:]  # a label starts with a capital ("zivilen …" after "der")


def _month_arg(value: str | None, today: date) -> tuple[int, int]:
    """`YYYY-MM` from the URL, else the current month."""
    try:
        year, month = (int(p) for p in (value or "").split("-", 1))
        if 2000 <= year <= 2100 and 1 <= month <= 12:
            return year, month
    except ValueError:
        pass
    return today.year, today.month


def _day_arg(value: str | None) -> date | None:
    """`YYYY-MM-DD` from the URL (the day whose deadlines are listed), else None."""
    try:
        day = date.fromisoformat(value or "")
    except ValueError:
        return None
    return day if 2000 <= day.year <= 2100 else None


@bp.get("/")
def index() -> str:
    """The month calendar and the next weeks as a timeline, grouped by calendar week.

    `?tag=YYYY-MM-DD` lists every deadline of that day under the calendar (the link of a
    day with more entries than fit in its cell); the month is then the day's month.
    """
    today = local_today()
    session = db_session()
    chosen = _day_arg(request.args.get("tag"))
    if chosen is not None:
        year, month = chosen.year, chosen.month
    else:
        year, month = _month_arg(request.args.get("monat"), today)
    cal = month_calendar(session, year, month, today=today)
    end = today + timedelta(weeks=TIMELINE_WEEKS)
    home = home_applicant(current_user.home_applicant, strategy_applicants(session))
    entries = deadline_entries(session, today, end, today=today, applicant=home)
    weeks: dict[tuple[int, int], list[DeadlineEntry]] = defaultdict(list)
    for entry in entries:
        iso = entry.day.isocalendar()
        weeks[(iso.year, iso.week)].append(entry)
    timeline = [
        (year_week, date.fromisocalendar(year_week[0], year_week[1], 1), items)
        for year_week, items in sorted(weeks.items())
    ]
    return render_template(
        "deadlines/index.html",
        cal=cal,
        timeline=timeline,
        today=today,
        weeks=TIMELINE_WEEKS,
        count=len(entries),
        home=home,
        chosen=chosen,
        chosen_entries=cal.entries.get(chosen, []) if chosen else [],
        current_month=(year, month) == (today.year, today.month),
        calendar_items=CALENDAR_ITEMS,
        short_title=short_title,
        source_mark=source_mark,
        source_warning=source_warning,
    )
