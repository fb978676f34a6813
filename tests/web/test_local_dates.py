"""Stored times are naive UTC; every day shown to an officer is the German calendar day.

Between 22:00/23:00 UTC and midnight the two differ: a source checked at 23:30 UTC on the
26th was checked on the 27th in Coesfeld, and the page said 26.11. beside "Erfasst 27.11.".
"""

from __future__ import annotations

from datetime import UTC, date, datetime

from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from webapp.formatting import format_call_value, format_date, local_today
from webapp.models import Call, ScrapeRun, Source
from webapp.reminders import source_warning

LATE_UTC = datetime(2026, 11, 26, 23, 30)  # 00:30 on 27 November in Germany (CET)


def test_a_stored_time_shows_its_german_day() -> None:
    assert format_date(LATE_UTC) == "27.11.2026"
    assert format_date(datetime(2026, 7, 1, 21, 59)) == "01.07.2026"  # CEST: 23:59 on 1 July
    assert format_date(date(2026, 11, 26)) == "26.11.2026"  # a deadline is a day, unchanged


def test_today_is_the_german_day_on_a_server_running_on_utc() -> None:
    """Deadlines, reminders and the calendar count from it: at 00:30 in Coesfeld a call due
    today has 0 days left, not 1."""
    assert local_today(datetime(2026, 11, 26, 23, 30, tzinfo=UTC)) == date(2026, 11, 27)
    assert local_today(datetime(2026, 7, 1, 21, 59, tzinfo=UTC)) == date(2026, 7, 1)
    assert local_today(datetime(2026, 7, 1, 22, 0, tzinfo=UTC)) == date(2026, 7, 2)


def test_the_change_history_and_reminders_show_the_german_day() -> None:
    assert format_call_value("missing_since", LATE_UTC.isoformat()) == (
        "nicht mehr gelistet (seit 27.11.2026)"
    )
    assert "seit 27.11.2026 nicht mehr" in source_warning("offen", LATE_UTC)


def test_call_page_says_when_each_source_was_last_checked_in_german_time(
    auth_client: FlaskClient, session: Session
) -> None:
    call = session.scalars(select(Call).where(Call.canonical_id.is_(None))).first()
    assert call is not None
    call.last_checked = LATE_UTC
    call.missing_since = LATE_UTC
    session.commit()

    page = auth_client.get(f"/aufrufe/{call.id}").get_data(as_text=True)
    sources = page[page.index('id="h-sources"') :]
    assert 'data-label="zuletzt geprüft">27.11.2026<' in sources
    assert "nicht mehr bei der Quelle gelistet (seit 27.11.2026)" in page


def test_sources_page_labels_a_late_run_with_its_german_day(
    auth_client: FlaskClient, session: Session
) -> None:
    source = Source(name="feed", kind="feed", label="Digitalagentur NRW – Förderhinweise")
    session.add(source)
    session.flush()
    session.add(ScrapeRun(source_id=source.id, status="ok", parsed=3, started_at=LATE_UTC))
    session.commit()

    page = auth_client.get("/quellen/").get_data(as_text=True)
    assert "27.11.2026" in page
    assert "26.11.2026" not in page
