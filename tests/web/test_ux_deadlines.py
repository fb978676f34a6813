"""Fristen: distinguishable calendar entries, a link to a crowded day's list, a way back."""

from __future__ import annotations

import re
from datetime import date, timedelta

from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from webapp.formatting import WEEKDAYS_DE, format_date, local_today, month_name
from webapp.models import Call, Review
from webapp.views.deadlines import short_title


def test_short_titles_drop_the_words_every_title_starts_with() -> None:
    assert short_title("Förderaufruf Digitale Modellregionen NRW – dritte Runde") == (
        "Digitale Modellregionen NRW – dritte Runde"
    )
    assert short_title("Förderaufruf 2027: Engagement stärken in ländlichen Räumen") == (
        "Engagement stärken in ländlichen Räumen"
    )
    assert short_title("Richtlinie zur Förderung von Projekten zur KI") == "Projekten zur KI"
    assert short_title("Richtlinie zur Förderung der zivilen Sicherheitsforschung") == (
        "Zivilen Sicherheitsforschung"
    )
    assert short_title("Förderaufruf „Tourismus.digital.NRW“ – Besucherlenkung") == (
        "Tourismus.digital.NRW"
    )
    assert short_title("Smart Cities made in Germany") == "Smart Cities made in Germany"
    assert short_title("Förderaufruf") == "Förderaufruf"  # nothing else to show


def _crowded_day(session: Session, n: int = 5) -> tuple[date, list[Call]]:
    """`n` calls marked relevant, all due on one day 40 days ahead."""
    day = local_today() + timedelta(days=40)
    calls = list(
        session.scalars(
            select(Call)
            .where(Call.canonical_id.is_(None), Call.deadline > local_today())
            .order_by(Call.id)
            .limit(n)
        )
    )
    for call in calls:
        call.deadline, call.deadlines = day, {}
        session.add(Review(call_id=call.id, status="relevant"))
    session.commit()
    return day, calls


def test_a_crowded_day_links_to_the_list_of_all_its_deadlines(
    auth_client: FlaskClient, session: Session
) -> None:
    day, calls = _crowded_day(session)
    month = auth_client.get(f"/fristen/?monat={day:%Y-%m}").get_data(as_text=True)
    cell = month[month.index(f'href="/fristen/?tag={day.isoformat()}#tag"') :]
    cell = cell[: cell.index("</td>")]
    shown = re.findall(r'class="cal-item kind-arbeit"[^>]*>([^<]+)</a>', cell)
    assert shown == [short_title(c.title) for c in sorted(calls, key=lambda c: c.title)][:3]
    more = re.search(r'<a class="cal-more" href="([^"]+)">\+ (\d+) weitere</a>', cell)
    assert more, cell
    assert more.group(1) == f"/fristen/?tag={day.isoformat()}#tag"

    listing = auth_client.get(more.group(1).split("#")[0]).get_data(as_text=True)
    # the day's month, and under it every deadline of the day
    assert f'<h2 id="h-month">{month_name(day.month)} {day.year}</h2>' in listing
    day_list = listing[listing.index('id="tag"') :]
    assert f"Fristen am {WEEKDAYS_DE[day.weekday()]} {format_date(day)}" in day_list
    for call in calls:
        assert f'href="/aufrufe/{call.id}?zurueck=' in day_list
    assert day_list.count('<li class="tl-item') == 3 + int(more.group(2))  # all of them


def test_month_pages_link_back_to_the_current_month(auth_client: FlaskClient) -> None:
    page = auth_client.get("/fristen/?monat=2030-05").get_data(as_text=True)
    assert re.search(r'<a class="button[^"]*" href="/fristen/#monat">Heute</a>', page)
    assert 'href="/fristen/?monat=2030-04#monat"' in page
    assert 'href="/fristen/?monat=2030-06#monat"' in page
    # a broken day falls back to the month asked for
    page = auth_client.get("/fristen/?monat=2030-05&tag=kaputt").get_data(as_text=True)
    assert '<h2 id="h-month">Mai 2030</h2>' in page and 'id="tag"' not in page


def test_today_is_marked_for_screen_readers_too(auth_client: FlaskClient) -> None:
    page = auth_client.get("/fristen/").get_data(as_text=True)
    today = local_today()
    cells = re.findall(r'<td role="cell"[^>]*aria-current="date"[^>]*>(.*?)</td>', page, re.S)
    assert len(cells) == 1 and f"{format_date(today)}</span>" in cells[0]
    other = (today.replace(day=1) + timedelta(days=40)).strftime("%Y-%m")
    assert 'aria-current="date"' not in auth_client.get(f"/fristen/?monat={other}").get_data(
        as_text=True
    )
