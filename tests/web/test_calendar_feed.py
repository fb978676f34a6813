"""The calendar feed as a subscribed calendar program reads it (RFC 5545)."""

from __future__ import annotations

import html
import re
from datetime import date, timedelta

from flask.testing import FlaskClient
from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from scrapers.record import CallRecord
from webapp.formatting import local_today
from webapp.ingest import ingest_records
from webapp.models import DISMISS_REASONS, Call, CallScore, Review, User
from webapp.queries import strategy_applicants


def _record(deadlines: dict[str, date]) -> CallRecord:
    return CallRecord(
        source="feed",
        external_id="kalender-1",
        url="https://example.org/kalender",
        title="Digitale Schule, Bildung; Medienkompetenz",
        funder="Land NRW",
        eligible=["Kommune", "Landkreis"],
        deadline=max(deadlines.values()),
        deadlines=deadlines,
    )


def _events(body: str) -> dict[str, dict[str, str]]:
    """VEVENTs by UID, each as its unfolded properties (name without parameters → value)."""
    unfolded = body.replace("\r\n ", "")
    events: dict[str, dict[str, str]] = {}
    for block in re.findall(r"BEGIN:VEVENT\r\n(.*?)END:VEVENT", unfolded, re.S):
        props: dict[str, str] = {}
        for line in block.split("\r\n"):
            name, _, value = line.partition(":")
            props.setdefault(name.split(";")[0], value)  # the event's, not the alarm's
        events[props["UID"]] = props
    return events


def _feed(client: FlaskClient, user: User) -> dict[str, dict[str, str]]:
    response = client.get(f"/kalender/{user.ical_token}.ics")
    assert response.status_code == 200
    return _events(response.get_data(as_text=True))


def test_a_moved_deadline_is_a_new_revision_of_the_same_event(
    auth_client: FlaskClient, client: FlaskClient, session: Session, user: User
) -> None:
    sketch, application = local_today() + timedelta(days=40), local_today() + timedelta(days=90)
    ingest_records(session, [_record({"Skizze": sketch, "Antrag": application})])
    session.commit()
    call = session.query(Call).filter_by(external_id="kalender-1").one()
    auth_client.post(f"/aufrufe/{call.id}/bewertung", data={"status": "relevant"})
    before = {uid: e for uid, e in _feed(client, user).items() if f"call-{call.id}-" in uid}
    assert len(before) == 2  # Skizze and Antrag are two events

    moved = application + timedelta(days=30)  # the funder extends the application deadline
    ingest_records(session, [_record({"Skizze": sketch, "Antrag": moved})])
    session.commit()
    after = {uid: e for uid, e in _feed(client, user).items() if f"call-{call.id}-" in uid}

    assert after.keys() == before.keys()  # the same events, no second one
    (antrag,) = (uid for uid in after if "-antrag@" in uid)
    assert after[antrag]["DTSTART"] == f"{moved:%Y%m%d}"
    # Google Calendar keeps the stored date unless the revision number grows.
    assert int(after[antrag]["SEQUENCE"]) > int(before[antrag]["SEQUENCE"])
    assert after[antrag]["LAST-MODIFIED"] >= before[antrag]["LAST-MODIFIED"]


def test_a_stage_called_frist_is_not_named_twice(
    auth_client: FlaskClient, client: FlaskClient, session: Session, user: User
) -> None:
    ingest_records(session, [_record({"Frist": local_today() + timedelta(days=20)})])
    session.commit()
    call = session.query(Call).filter_by(external_id="kalender-1").one()
    auth_client.post(f"/aufrufe/{call.id}/bewertung", data={"status": "relevant"})
    body = client.get(f"/kalender/{user.ical_token}.ics").get_data(as_text=True)
    (event,) = (e for uid, e in _events(body).items() if f"call-{call.id}-" in uid)
    assert event["SUMMARY"] == r"Frist: Digitale Schule\, Bildung\; Medienkompetenz"
    assert "Frist Frist" not in body.replace("\r\n ", "")
    assert "DESCRIPTION:In 7 Tagen: Frist\r\n" in body


def test_a_call_its_source_closed_is_marked_in_the_feed_and_on_the_deadlines_page(
    auth_client: FlaskClient, client: FlaskClient, session: Session, user: User
) -> None:
    day = local_today() + timedelta(days=20)
    ingest_records(session, [_record({"Antrag": day})])
    session.commit()
    call = session.query(Call).filter_by(external_id="kalender-1").one()
    auth_client.post(f"/aufrufe/{call.id}/bewertung", data={"status": "Antrag in Vorbereitung"})
    (uid, before), *_ = [(u, e) for u, e in _feed(client, user).items() if f"call-{call.id}-" in u]
    assert before["SUMMARY"].startswith("Frist Antrag: ")

    closed = _record({"Antrag": day})
    closed.status = "geschlossen"  # funds exhausted: the funder closes the call early
    ingest_records(session, [closed])
    session.commit()
    after = _feed(client, user)[uid]  # still there, as its reminders are: it may be under way
    assert after["SUMMARY"].startswith(r"[laut Quelle geschlossen] Frist Antrag: ")
    assert after["DESCRIPTION"].startswith("Laut Quelle ist der Aufruf „geschlossen“")
    assert int(after["SEQUENCE"]) > int(before["SEQUENCE"])

    page = auth_client.get("/fristen/").get_data(as_text=True)
    item = re.search(
        rf'<li class="tl-item[^"]*">(?:(?!</li>).)*?/aufrufe/{call.id}\?zurueck=[^"]*".*?</li>',
        page,
        re.S,
    )
    assert item is not None and "laut Quelle geschlossen" in item.group(0)


def test_a_dismissed_call_and_one_long_past_leave_the_feed(
    auth_client: FlaskClient, client: FlaskClient, session: Session, user: User
) -> None:
    ingest_records(session, [_record({"Antrag": local_today() + timedelta(days=20)})])
    session.commit()
    call = session.query(Call).filter_by(external_id="kalender-1").one()
    auth_client.post(f"/aufrufe/{call.id}/bewertung", data={"status": "relevant"})
    assert any(f"call-{call.id}-" in uid for uid in _feed(client, user))
    auth_client.post(
        f"/aufrufe/{call.id}/bewertung",
        data={"status": "nicht relevant", "reason": DISMISS_REASONS[0]},
    )
    assert not any(f"call-{call.id}-" in uid for uid in _feed(client, user))

    auth_client.post(f"/aufrufe/{call.id}/bewertung", data={"status": "relevant"})
    ingest_records(session, [_record({"Antrag": local_today() - timedelta(days=31)})])
    session.commit()
    assert not any(f"call-{call.id}-" in uid for uid in _feed(client, user))


def test_a_new_review_status_or_assignee_is_a_new_revision_of_the_event(
    auth_client: FlaskClient, client: FlaskClient, session: Session, user: User
) -> None:
    """The description shows the review status and who is responsible; a calendar program
    takes a changed description only with a higher SEQUENCE."""
    ingest_records(session, [_record({"Antrag": local_today() + timedelta(days=30)})])
    session.commit()
    call = session.query(Call).filter_by(external_id="kalender-1").one()
    auth_client.post(f"/aufrufe/{call.id}/bewertung", data={"status": "relevant"})
    (uid, before), *_ = [(u, e) for u, e in _feed(client, user).items() if f"call-{call.id}-" in u]
    assert "Status: relevant" in before["DESCRIPTION"]

    auth_client.post(
        f"/aufrufe/{call.id}/bewertung", data={"status": "Antrag in Vorbereitung", "note": ""}
    )
    preparing = _feed(client, user)[uid]
    assert "Status: Antrag in Vorbereitung" in preparing["DESCRIPTION"]
    assert int(preparing["SEQUENCE"]) > int(before["SEQUENCE"])
    assert preparing["LAST-MODIFIED"] >= before["LAST-MODIFIED"]

    auth_client.post(
        f"/aufrufe/{call.id}/bewertung",
        data={"status": "Antrag in Vorbereitung", "note": "", "assignee_id": str(user.id)},
    )
    assigned = _feed(client, user)[uid]
    assert r"Zuständig: Anna Schulte" in assigned["DESCRIPTION"]
    assert int(assigned["SEQUENCE"]) > int(preparing["SEQUENCE"])

    # A note changes nothing the event shows: the revision stays.
    auth_client.post(
        f"/aufrufe/{call.id}/bewertung",
        data={"status": "Antrag in Vorbereitung", "note": "Kämmerei fragen",
              "assignee_id": str(user.id)},
    )  # fmt: skip
    assert _feed(client, user)[uid]["SEQUENCE"] == assigned["SEQUENCE"]


def _in_work(session: Session, eligible: list[str], assignee: User | None = None) -> int:
    """A scored demo call marked relevant, with a deadline in 20 days, that `match` found
    `eligible` for; its id."""
    taken = select(Review.call_id)
    call = session.scalars(
        select(Call)
        .join(CallScore, CallScore.call_id == Call.id)
        .where(Call.canonical_id.is_(None), Call.id.not_in(taken))
        .order_by(Call.id)
    ).first()
    assert call is not None
    call.deadline, call.deadlines = local_today() + timedelta(days=20), {}
    score = session.get(CallScore, call.id)
    assert score is not None
    score.eligible_applicants = eligible
    session.add(
        Review(
            call_id=call.id,
            status="relevant",
            assignee_id=assignee.id if assignee is not None else None,
        )
    )
    session.commit()
    return call.id


def _feed_calls(client: FlaskClient, token: str) -> set[int]:
    response = client.get(f"/kalender/{token}.ics")
    assert response.status_code == 200
    return {int(uid.split("-")[1]) for uid in _events(response.get_data(as_text=True)) if uid}


def test_the_feed_follows_meine_kommune_as_digest_and_reminders_do(
    auth_client: FlaskClient, client: FlaskClient, session: Session, user: User
) -> None:
    """Before, a town's officer subscribing got every deadline of the county's calls in work."""
    session.execute(delete(Review))  # the demo's decisions: only the calls below are in work
    session.commit()
    towns = strategy_applicants(session)
    town = _in_work(session, ["Dülmen"])
    everyone = _in_work(session, towns)  # open to the county and every town
    county = _in_work(session, ["Kreis Coesfeld"])
    mine = _in_work(session, ["Kreis Coesfeld"], assignee=user)  # Dülmen may not, but it's hers
    token = user.ical_token

    assert _feed_calls(client, token) == {town, everyone, county, mine}
    assert "enthält er die Aufrufe aller Antragsteller" in auth_client.get("/konto").get_data(
        as_text=True
    )

    auth_client.post("/konto/kommune", data={"kommune": "Dülmen"})
    konto = auth_client.get("/konto").get_data(as_text=True)

    assert _feed_calls(client, token) == {town, everyone, mine}
    assert f"/kalender/{token}.ics" in konto  # the subscribed address stays the same
    assert (
        "Wie Wochenübersicht und Erinnerungen enthält er nur die Aufrufe, für die Dülmen "
        "(Meine Kommune) antragsberechtigt ist oder die Berechtigung unklar ist, und die, "
        "für die Sie zuständig sind."
    ) in html.unescape(konto)
    # a town the strategy no longer names counts as none, as in the lists
    session.execute(update(User).where(User.id == user.id).values(home_applicant="Atlantis"))
    session.commit()
    assert _feed_calls(client, token) == {town, everyone, county, mine}
