"""Fristen: a month calendar and a timeline of the coming deadlines."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta

from flask import Blueprint, render_template, request

from webapp.app import db_session
from webapp.queries import DeadlineEntry, deadline_entries, month_calendar

bp = Blueprint("deadlines", __name__, url_prefix="/fristen")

TIMELINE_WEEKS = 12


def _month_arg(value: str | None, today: date) -> tuple[int, int]:
    """`YYYY-MM` from the URL, else the current month."""
    try:
        year, month = (int(p) for p in (value or "").split("-", 1))
        if 2000 <= year <= 2100 and 1 <= month <= 12:
            return year, month
    except ValueError:
        pass
    return today.year, today.month


@bp.get("/")
def index() -> str:
    """The month calendar and the next weeks as a timeline, grouped by calendar week."""
    today = date.today()
    session = db_session()
    year, month = _month_arg(request.args.get("monat"), today)
    cal = month_calendar(session, year, month, today=today)
    end = today + timedelta(weeks=TIMELINE_WEEKS)
    entries = deadline_entries(session, today, end, today=today)
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
    )
