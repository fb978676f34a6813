"""What the officer reads of a deadline: its time ("12:00 Uhr"), and "laufend" apart from
"Keine Frist angegeben" – on the call page, in the lists, on Fristen, in CSV and calendar."""

from __future__ import annotations

import csv
import io
import re
from datetime import UTC, datetime, timedelta

from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from scrapers.record import CallRecord
from tests.web.test_calendar_feed import _events
from webapp.formatting import LOCAL_TZ, format_date, local_today
from webapp.ingest import ingest_records
from webapp.models import Call, CallChange, User


def _record(external_id: str, title: str, **fields: object) -> CallRecord:
    values: dict[str, object] = {
        "source": "feed",
        "external_id": external_id,
        "url": f"https://example.org/{external_id}",
        "title": title,
        "funder": "Europäische Kommission",
        "eligible": ["Kommune", "Landkreis"],
        "status": "offen",
    }
    values.update(fields)
    return CallRecord(**values)  # type: ignore[arg-type]


def _ingest(session: Session, *records: CallRecord) -> dict[str, Call]:
    ingest_records(session, list(records), origin="scrape")
    session.commit()
    return {
        r.external_id: session.scalars(select(Call).where(Call.external_id == r.external_id)).one()
        for r in records
    }


def _text(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def test_call_page_and_list_show_the_time_and_tell_laufend_from_no_deadline(
    auth_client: FlaskClient, session: Session
) -> None:
    day = local_today() + timedelta(days=40)
    calls = _ingest(
        session,
        _record("zeit-1", "Zeitaufruf Smarte Region", deadline=day, deadline_time="17:00"),
        _record("zeit-2", "Zeitaufruf jederzeit", status="laufend"),
        _record("zeit-3", "Zeitaufruf ohne Angabe"),
    )
    pages = {
        key: _text(auth_client.get(f"/aufrufe/{call.id}").get_data(as_text=True))
        for key, call in calls.items()
    }
    assert f"Frist {format_date(day)}, 17:00 Uhr noch 40 Tage" in pages["zeit-1"]
    assert "Frist laufend" in pages["zeit-2"]
    assert "Frist Keine Frist angegeben" in pages["zeit-3"]

    listing = auth_client.get("/aufrufe?q=Zeitaufruf&sort=frist").get_data(as_text=True)
    rows = re.findall(
        r'<li class="call-row".*?</li>\s*(?=<li class="call-row"|</ol>|</ul>)', listing, re.S
    )
    texts = [_text(row) for row in rows]
    by_title = {
        t: next(x for x in texts if t in x) for t in ("Smarte Region", "jederzeit", "ohne Angabe")
    }
    assert f"{format_date(day)}, 17:00 Uhr" in by_title["Smarte Region"]
    assert (
        "laufend" in by_title["jederzeit"] and "Keine Frist angegeben" not in by_title["jederzeit"]
    )
    assert "Keine Frist angegeben" in by_title["ohne Angabe"]
    assert "laufend" not in by_title["ohne Angabe"]
    # sorted as before: the dated call first, the two without a deadline after it
    assert next(i for i, x in enumerate(texts) if "Smarte Region" in x) == 0


def test_a_changed_time_is_a_change_in_the_history(
    auth_client: FlaskClient, session: Session
) -> None:
    day = local_today() + timedelta(days=40)
    (call,) = _ingest(
        session, _record("zeit-4", "Aufruf mit Uhrzeit", deadline=day, deadline_time="12:00")
    ).values()
    _ingest(session, _record("zeit-4", "Aufruf mit Uhrzeit", deadline=day, deadline_time="10:00"))
    change = session.scalars(
        select(CallChange).where(CallChange.call_id == call.id, CallChange.field == "deadline_time")
    ).one()
    assert (change.old, change.new) == ("12:00", "10:00")
    page = _text(auth_client.get(f"/aufrufe/{call.id}").get_data(as_text=True))
    assert "Uhrzeit der Frist 12:00 Uhr 10:00 Uhr" in page
    assert f"{format_date(day)}, 10:00 Uhr" in page


def test_csv_has_the_time_and_both_states_without_deadline(
    auth_client: FlaskClient, session: Session
) -> None:
    day = local_today() + timedelta(days=40)
    _ingest(
        session,
        _record("zeit-5", "Exportaufruf mit Uhrzeit", deadline=day, deadline_time="12:00"),
        _record("zeit-6", "Exportaufruf jederzeit", status="laufend"),
        _record("zeit-7", "Exportaufruf ohne Angabe"),
    )
    raw = auth_client.get("/export.csv?scope=all&q=Exportaufruf").get_data()
    rows = {
        r["Titel"]: r for r in csv.DictReader(io.StringIO(raw.decode("utf-8-sig")), delimiter=";")
    }
    assert (
        rows["Exportaufruf mit Uhrzeit"]["Frist"],
        rows["Exportaufruf mit Uhrzeit"]["Uhrzeit der Frist"],
    ) == (format_date(day), "12:00")
    assert rows["Exportaufruf jederzeit"]["Frist"] == "laufend"
    assert rows["Exportaufruf ohne Angabe"]["Frist"] == "Keine Frist angegeben"
    assert rows["Exportaufruf ohne Angabe"]["Uhrzeit der Frist"] == ""


def test_a_deadline_with_a_time_is_a_timed_event_ending_then(
    auth_client: FlaskClient, client: FlaskClient, session: Session, user: User
) -> None:
    """17:00 German time is 16:00 UTC in winter, 15:00 UTC in summer; without a time the
    event is all day, as before."""
    winter = local_today() + timedelta(days=20)
    calls = _ingest(
        session,
        _record("zeit-8", "Kalenderaufruf mit Uhrzeit", deadline=winter, deadline_time="17:00"),
        _record("zeit-9", "Kalenderaufruf ganztags", deadline=winter),
    )
    for call in calls.values():
        auth_client.post(f"/aufrufe/{call.id}/bewertung", data={"status": "relevant"})
    body = client.get(f"/kalender/{user.ical_token}.ics").get_data(as_text=True)
    assert "TZID" not in body  # times in UTC: no VTIMEZONE needed
    events = {
        e["SUMMARY"].split(": ", 1)[1]: e
        for e in _events(body).values()
        if "Kalenderaufruf" in e["SUMMARY"]
    }

    timed = events["Kalenderaufruf mit Uhrzeit"]
    end = datetime.strptime(timed["DTEND"], "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC)
    start = datetime.strptime(timed["DTSTART"], "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC)
    local_end = end.astimezone(LOCAL_TZ)
    assert (local_end.date(), local_end.strftime("%H:%M")) == (winter, "17:00")
    assert start < end
    assert timed["SUMMARY"].startswith("Frist Einreichung bis 17:00 Uhr: ")

    # without a time: all day, as before (VALUE=DATE, a day without a time of day)
    whole = events["Kalenderaufruf ganztags"]
    assert f"DTSTART;VALUE=DATE:{winter:%Y%m%d}" in body.replace("\r\n ", "")
    assert (whole["DTSTART"], whole["DTEND"]) == (
        f"{winter:%Y%m%d}",
        f"{winter + timedelta(days=1):%Y%m%d}",
    )

    page = _text(auth_client.get("/fristen/").get_data(as_text=True))
    assert f"{format_date(winter)}, 17:00 Uhr" in page


def test_the_manual_form_takes_a_time_and_laufend(
    auth_client: FlaskClient, session: Session
) -> None:
    day = local_today() + timedelta(days=50)
    response = auth_client.post(
        "/aufrufe/neu",
        data={
            "title": "Handaufruf mit Uhrzeit",
            "deadline": day.isoformat(),
            "deadline_time": "12:00",
        },
    )
    assert response.status_code == 302
    call = session.scalars(select(Call).where(Call.title == "Handaufruf mit Uhrzeit")).one()
    assert call.deadline_time == "12:00"
    page = _text(auth_client.get(f"/aufrufe/{call.id}").get_data(as_text=True))
    assert f"Frist {format_date(day)}, 12:00 Uhr" in page

    auth_client.post("/aufrufe/neu", data={"title": "Handaufruf jederzeit", "rolling": "1"})
    auth_client.post("/aufrufe/neu", data={"title": "Handaufruf ohne Frist"})
    rolling = session.scalars(select(Call).where(Call.title == "Handaufruf jederzeit")).one()
    none = session.scalars(select(Call).where(Call.title == "Handaufruf ohne Frist")).one()
    assert "Frist laufend" in _text(
        auth_client.get(f"/aufrufe/{rolling.id}").get_data(as_text=True)
    )
    assert "Frist Keine Frist angegeben" in _text(
        auth_client.get(f"/aufrufe/{none.id}").get_data(as_text=True)
    )

    bad = auth_client.post(
        "/aufrufe/neu", data={"title": "Handaufruf kaputt", "deadline_time": "mittags"}
    )
    assert bad.status_code == 400
    text = _text(bad.get_data(as_text=True))
    assert "Uhrzeit der Frist: bitte eine Uhrzeit angeben, z. B. 12:00 – nicht „mittags“." in text
    clash = auth_client.post(
        "/aufrufe/neu",
        data={"title": "Handaufruf Widerspruch", "deadline": day.isoformat(), "rolling": "1"},
    )
    assert "„laufend“ gilt nur ohne Frist" in _text(clash.get_data(as_text=True))
    assert len(session.scalars(select(Call).where(Call.title.like("Handaufruf %"))).all()) == 3
