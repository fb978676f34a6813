"""On its last day a deadline with a time is open until that time, German time: before it the
officer reads the hours left, after it "abgelaufen" – in the lists, on the call page and on
Fristen, whatever the server's time zone."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time

from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.conftest import Clock
from tests.web.test_deadline_times import _ingest, _record, _text
from webapp.formatting import LOCAL_TZ, format_date, local_today
from webapp.models import Call, Review


def _row(listing: str, call_id: int) -> str:
    """The text of the list row that links to the call, "" when it is not listed."""
    for row in re.findall(
        r'<li class="call-row".*?</li>\s*(?=<li class="call-row"|</ol>)', listing, re.S
    ):
        if f"/aufrufe/{call_id}" in row:
            return _text(row)
    return ""


def _due_at_noon(
    auth_client: FlaskClient, session: Session, clock: Clock, now: time
) -> tuple[Call, str]:
    """The first call of the Eingang, now due today at 12:00, at `now` German time; and how
    its deadline reads then ("27.11.2026, 12:00 Uhr heute")."""
    clock(datetime.combine(local_today(), now, LOCAL_TZ))
    first = re.search(
        r'<li class="call-row".*?/aufrufe/(\d+)', auth_client.get("/").get_data(True), re.S
    )
    assert first is not None
    call = session.get(Call, int(first.group(1)))
    assert call is not None
    call.deadline, call.deadline_time = local_today(), "12:00"
    session.commit()
    return call, f"{format_date(local_today())}, 12:00 Uhr heute"


def _pages(auth_client: FlaskClient, call: Call) -> dict[str, str]:
    return {
        "Eingang": _row(auth_client.get("/").get_data(True), call.id),
        "Alle Aufrufe": _row(auth_client.get("/aufrufe").get_data(True), call.id),
        "Aufruf": _text(auth_client.get(f"/aufrufe/{call.id}").get_data(True)),
    }


def test_on_the_deadline_day_the_lists_and_call_page_read_the_time_left_then_abgelaufen(
    auth_client: FlaskClient, session: Session, clock: Clock
) -> None:
    call, deadline = _due_at_noon(auth_client, session, clock, time(8, 30))

    for page, text in _pages(auth_client, call).items():
        assert f"{deadline}, noch 3 Std." in text, page
        assert "abgelaufen" not in text, page

    clock(datetime.combine(local_today(), time(11, 15), LOCAL_TZ))
    assert f"{deadline}, noch 45 Min." in _pages(auth_client, call)["Aufruf"]

    clock(datetime.combine(local_today(), time(15, 0), LOCAL_TZ))
    after = _pages(auth_client, call)
    # the Eingang offers calls to apply for: it kept this one until midnight
    assert after.pop("Eingang") == ""
    for page, text in after.items():
        assert f"{deadline} – abgelaufen" in text, page
        assert "noch" not in text.split("12:00 Uhr", 1)[1][:30], page
    page = auth_client.get(f"/aufrufe/{call.id}").get_data(True)
    assert '<span class="deadline past">' in page

    # On Fristen (a call marked relevant) the same, the entry struck through like past ones.
    session.add(Review(call_id=call.id, status="relevant"))
    session.commit()
    fristen = auth_client.get("/fristen/").get_data(True)
    entry = re.search(
        rf'<li class="tl-item[^"]*">(?:(?!</li>).)*?/aufrufe/{call.id}\?', fristen, re.S
    )
    assert entry is not None
    assert "past" in entry.group(0).split('"')[1]
    assert f"{deadline} – abgelaufen" in _text(entry.group(0))


def test_a_server_on_utc_counts_the_german_day_and_hours(
    auth_client: FlaskClient, session: Session, clock: Clock, server_on_utc: None
) -> None:
    """23:30 UTC on 27 November is 00:30 on the 28th in Germany: a deadline at 09:00 on the
    28th is today, 8 hours ahead – not "morgen"; one at 00:15 has just passed."""
    clock(datetime(2026, 11, 27, 23, 30, tzinfo=UTC))
    calls = _ingest(
        session,
        _record("frueh-1", "Aufruf am Morgen", deadline=date(2026, 11, 28), deadline_time="09:00"),
        _record(
            "frueh-2", "Aufruf um Mitternacht", deadline=date(2026, 11, 28), deadline_time="00:15"
        ),
    )

    morning = _text(auth_client.get(f"/aufrufe/{calls['frueh-1'].id}").get_data(True))
    midnight = _text(auth_client.get(f"/aufrufe/{calls['frueh-2'].id}").get_data(True))

    assert "Frist 28.11.2026, 09:00 Uhr heute, noch 8 Std." in morning
    assert "Frist 28.11.2026, 00:15 Uhr heute – abgelaufen" in midnight
    stored = session.scalars(select(Call.first_seen).where(Call.external_id == "frueh-1")).one()
    assert stored == datetime(2026, 11, 27, 23, 30)  # stored times stay naive UTC
