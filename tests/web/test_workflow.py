"""Review workflow, exports (CSV, iCalendar), account settings, manual entry, `user add`."""

from __future__ import annotations

import csv
import io
import re
from datetime import timedelta

from flask.testing import FlaskClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tests.conftest import TEST_PASSWORD
from tests.web.conftest import MANUAL_CALL
from webapp.formatting import local_today
from webapp.models import Call, Review, ReviewEvent, User
from webapp.queries import CallFilters, count_calls


def _inbox_ids(client: FlaskClient, query: str = "") -> set[int]:
    page = client.get("/?" + query).get_data(as_text=True)
    return {int(i) for i in re.findall(r'<li class="call-row" id="call-(\d+)">', page)}


def _top_call_ids(client: FlaskClient) -> list[int]:
    page = client.get("/").get_data(as_text=True)
    return [int(i) for i in re.findall(r'<li class="call-row" id="call-(\d+)">', page)]


def test_mark_relevant_with_note_records_who_and_what(
    auth_client: FlaskClient, session: Session, user: User
) -> None:
    call_id = _top_call_ids(auth_client)[0]
    response = auth_client.post(
        f"/aufrufe/{call_id}/bewertung",
        data={
            "status": "relevant",
            "note": "Passt zu VW-01, Antrag bis Ende März",
            "assignee_id": user.id,
        },
    )
    assert response.status_code == 302
    review = session.scalar(select(Review).where(Review.call_id == call_id))
    assert review is not None
    assert review.status == "relevant" and review.note.startswith("Passt zu VW-01")
    assert review.assignee_id == user.id and review.updated_by_id == user.id
    assert review.call_hash == session.get(Call, call_id).content_hash  # type: ignore[union-attr]
    events = session.scalars(select(ReviewEvent).where(ReviewEvent.review_id == review.id)).all()
    assert {e.field for e in events} == {"status", "note", "assignee_id"}
    assert all(e.user_id == user.id for e in events)
    page = auth_client.get(f"/aufrufe/{call_id}").get_data(as_text=True)
    assert "Verlauf" in page and "Anna Schulte" in page and "Passt zu VW-01" in page
    # A relevant call has left the inbox (decided) but shows in the list of all calls.
    assert call_id not in _inbox_ids(auth_client)
    assert call_id in _inbox_ids(auth_client, "status=relevant")


def test_dismissal_needs_a_reason_and_removes_the_call_from_the_inbox(
    auth_client: FlaskClient, session: Session
) -> None:
    call_id = _top_call_ids(auth_client)[1]
    response = auth_client.post(
        f"/aufrufe/{call_id}/bewertung", data={"status": "nicht relevant", "reason": ""}
    )
    assert response.status_code == 400
    assert "Bitte einen Grund" in response.get_data(as_text=True)
    assert session.scalar(select(Review).where(Review.call_id == call_id)) is None
    assert call_id in _inbox_ids(auth_client)
    auth_client.post(
        f"/aufrufe/{call_id}/bewertung",
        data={"status": "nicht relevant", "reason": "Frist zu kurz"},
    )
    assert call_id not in _inbox_ids(auth_client)
    review = session.scalar(select(Review).where(Review.call_id == call_id))
    assert review is not None and review.reason == "Frist zu kurz"


def test_dismissed_call_returns_when_its_content_changes(
    auth_client: FlaskClient, session: Session
) -> None:
    call_id = _top_call_ids(auth_client)[2]
    auth_client.post(
        f"/aufrufe/{call_id}/bewertung",
        data={"status": "nicht relevant", "reason": "passt nicht zur Strategie"},
    )
    assert call_id not in _inbox_ids(auth_client, "q=" + session.get(Call, call_id).external_id)  # type: ignore[union-attr]
    call = session.get(Call, call_id)
    assert call is not None
    call.content_hash = "changed-by-a-rescrape"
    session.commit()
    page = auth_client.get(f"/?q={call.external_id}").get_data(as_text=True)
    assert f'id="call-{call_id}"' in page
    assert "wieder da: geändert" in page


def test_save_and_back_returns_to_the_filtered_list(auth_client: FlaskClient) -> None:
    call_id = _top_call_ids(auth_client)[0]
    response = auth_client.post(
        f"/aufrufe/{call_id}/bewertung",
        data={"status": "in Prüfung", "zurueck": "/?frist=90", "action": "save_back"},
    )
    assert response.headers["Location"].startswith("/?frist=90#")
    response = auth_client.post(
        f"/aufrufe/{call_id}/bewertung",
        data={"status": "in Prüfung", "zurueck": "https://evil.example/", "action": "save_back"},
    )
    assert "evil" not in response.headers["Location"]


def test_invalid_status_is_refused(auth_client: FlaskClient) -> None:
    call_id = _top_call_ids(auth_client)[0]
    response = auth_client.post(f"/aufrufe/{call_id}/bewertung", data={"status": "gelöscht"})
    assert response.status_code == 400
    assert "Unbekannter Status" in response.get_data(as_text=True)
    assert (
        auth_client.post("/aufrufe/999999/bewertung", data={"status": "relevant"}).status_code
        == 404
    )


def test_csv_export_of_the_filtered_list(auth_client: FlaskClient, session: Session) -> None:
    response = auth_client.get("/export.csv?region=NRW")
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("text/csv")
    assert "attachment" in response.headers["Content-Disposition"]
    raw = response.get_data()
    assert raw.startswith("\ufeff".encode())  # BOM: Excel reads UTF-8
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig")), delimiter=";"))
    assert rows[0][:3] == ["ID", "Titel", "Fördergeber"]
    expected = count_calls(session, CallFilters(region="NRW"), local_today())
    assert len(rows) - 1 == expected
    assert all(r[4] == "NRW" for r in rows[1:])
    # Scraped text that looks like a spreadsheet formula stays text.
    formula = next(r for r in rows[1:] if "HYPERLINK" in r[1])
    assert formula[1].startswith("'=") and formula[2].startswith("'+")
    everything = auth_client.get("/export.csv?scope=all").get_data().decode("utf-8-sig")
    canonical = select(func.count()).select_from(Call).where(Call.canonical_id.is_(None))
    assert len(everything.splitlines()) - 1 == session.scalar(canonical)


def test_ical_feed_by_token_without_login(
    auth_client: FlaskClient, client: FlaskClient, session: Session, user: User
) -> None:
    call = session.scalars(
        select(Call).where(Call.deadline > local_today() + timedelta(days=3)).order_by(Call.id)
    ).first()
    assert call is not None
    auth_client.post(f"/aufrufe/{call.id}/bewertung", data={"status": "Antrag in Vorbereitung"})
    settings = auth_client.get("/konto").get_data(as_text=True)
    token = re.search(r"/kalender/([A-Za-z0-9_\-]+)\.ics", settings)
    assert token is not None and token.group(1) == user.ical_token
    response = client.get(f"/kalender/{token.group(1)}.ics")  # the logged-out client
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("text/calendar")
    body = response.get_data(as_text=True)
    assert body.startswith("BEGIN:VCALENDAR\r\n") and body.rstrip().endswith("END:VCALENDAR")
    assert f"UID:call-{call.id}-" in body
    assert f"DTSTART;VALUE=DATE:{call.deadline:%Y%m%d}" in body
    assert all(len(line.encode()) <= 75 for line in body.split("\r\n"))
    assert client.get("/kalender/wrong-token.ics").status_code == 404


def test_regenerating_the_token_invalidates_the_old_url(
    auth_client: FlaskClient, client: FlaskClient, user: User
) -> None:
    old = user.ical_token
    assert client.get(f"/kalender/{old}.ics").status_code == 200
    response = auth_client.post("/konto/kalender-token", data={"bestaetigen": "1"})
    assert response.status_code == 302
    assert client.get(f"/kalender/{old}.ics").status_code == 404
    settings = auth_client.get("/konto").get_data(as_text=True)
    new = re.search(r"/kalender/([A-Za-z0-9_\-]+)\.ics", settings).group(1)  # type: ignore[union-attr]
    assert new != old and client.get(f"/kalender/{new}.ics").status_code == 200


def test_account_page_changes_only_the_own_digest_setting(
    auth_client: FlaskClient, session: Session, user: User
) -> None:
    from webapp.users import create_user

    other = create_user(session, "kollege@kreis-coesfeld.de", "anderes-passwort")
    session.commit()
    page = auth_client.get("/konto").get_data(as_text=True)
    assert other.ical_token not in page
    assert 'name="digest_opt_in"' in page and "checked" in page
    auth_client.post("/konto", data={})  # checkbox unticked
    session.expire_all()
    assert session.get(User, user.id).digest_opt_in is False  # type: ignore[union-attr]
    assert session.get(User, other.id).digest_opt_in is True  # type: ignore[union-attr]
    auth_client.post("/konto", data={"digest_opt_in": "1"})
    session.expire_all()
    assert session.get(User, user.id).digest_opt_in is True  # type: ignore[union-attr]


def test_add_a_call_by_hand(auth_client: FlaskClient, session: Session) -> None:
    assert "Aufruf von Hand anlegen" in auth_client.get("/aufrufe/neu").get_data(as_text=True)
    response = auth_client.post(
        "/aufrufe/neu",
        data=MANUAL_CALL,
    )
    assert response.status_code == 302
    call = session.scalar(select(Call).where(Call.origin == "manual"))
    assert call is not None
    assert call.source == "manuell" and call.amount_max_eur == 250000
    assert call.funding_rate == 0.8 and call.eligible == ["Kommune", "Landkreis"]
    page = auth_client.get(response.headers["Location"]).get_data(as_text=True)
    assert "LoRaWAN-Sensorik" in page and "von Hand" in page


def test_manual_call_with_bad_input_shows_the_problem(auth_client: FlaskClient) -> None:
    response = auth_client.post("/aufrufe/neu", data={"title": "", "url": "https://x.de"})
    assert response.status_code == 400
    assert "Titel fehlt" in response.get_data(as_text=True)
    response = auth_client.post(
        "/aufrufe/neu", data={"title": "Test", "amount_max_eur": "viel Geld"}
    )
    assert response.status_code == 400
    assert "amount_max_eur" in response.get_data(as_text=True)
    assert 'value="Test"' in response.get_data(as_text=True)  # the input is kept


def test_user_add_command(cli, session: Session) -> None:
    result = cli("user", "add", "Neu@Kreis-Coesfeld.de", input="geheim-genug\ngeheim-genug\n")
    assert result.exit_code == 0, result.output
    assert "angelegt" in result.output
    user = session.scalar(select(User).where(User.email == "neu@kreis-coesfeld.de"))
    assert user is not None and user.role == "officer" and user.password_hash != "geheim-genug"
    again = cli("user", "add", "neu@kreis-coesfeld.de", "--password", "x")
    assert again.exit_code == 1 and "schon" in again.output
    ok = cli("user", "add", "neu@kreis-coesfeld.de", "--password", "x", "--exist-ok")
    assert ok.exit_code == 0
    short = cli("user", "add", "admin@kreis-coesfeld.de", "--password", "kurz", "--admin")
    assert short.exit_code == 1 and "mindestens" in short.output
    admin = cli("user", "add", "admin@kreis-coesfeld.de", "--password", TEST_PASSWORD, "--admin")
    assert admin.exit_code == 0 and "Administration" in admin.output


def test_user_administration_is_for_admins_only(
    auth_client: FlaskClient, client: FlaskClient, session: Session, user: User
) -> None:
    refused = auth_client.get("/verwaltung/benutzer")
    assert refused.status_code == 403
    assert "Diese Seite ist der Administration vorbehalten." in refused.get_data(as_text=True)
    from webapp.users import create_user

    create_user(session, "it@kreis-coesfeld.de", "admin-passwort-1", role="admin")
    session.commit()
    client.post("/anmelden", data={"email": "it@kreis-coesfeld.de", "password": "admin-passwort-1"})
    page = client.get("/verwaltung/benutzer").get_data(as_text=True)
    assert user.email in page and "Benutzer" in page
    response = client.post(
        "/verwaltung/benutzer",
        data={
            "email": "neu@kreis-coesfeld.de",
            "name": "Neu",
            "password": "lang-genug-1",
            "role": "officer",
        },
    )
    assert response.status_code == 302
    assert session.scalar(select(User).where(User.email == "neu@kreis-coesfeld.de")) is not None
    short = client.post("/verwaltung/benutzer", data={"email": "x@y.de", "password": "kurz"})
    assert short.status_code == 400 and "mindestens" in short.get_data(as_text=True)
    locked = session.get(User, user.id)
    assert locked is not None
    locked.failed_logins = 3
    session.commit()
    assert client.post(f"/verwaltung/benutzer/{user.id}/entsperren").status_code == 302
    session.expire_all()
    assert session.get(User, user.id).failed_logins == 0  # type: ignore[union-attr]


def test_quick_decision_from_the_list_keeps_note_and_returns(
    auth_client: FlaskClient, session: Session
) -> None:
    call_id = _top_call_ids(auth_client)[0]
    auth_client.post(
        f"/aufrufe/{call_id}/bewertung", data={"status": "in Prüfung", "note": "Bitte prüfen"}
    )
    page = auth_client.get("/?frist=365").get_data(as_text=True)
    assert 'name="quick" value="1"' in page
    # Dismissing without a reason is refused and leads to the call's Bewertung panel.
    response = auth_client.post(
        f"/aufrufe/{call_id}/bewertung",
        data={"quick": "1", "status": "nicht relevant", "zurueck": "/?frist=365"},
    )
    assert response.headers["Location"].startswith(f"/aufrufe/{call_id}?zurueck=")
    response = auth_client.post(
        f"/aufrufe/{call_id}/bewertung",
        data={
            "quick": "1",
            "status": "nicht relevant",
            "reason": "Frist zu kurz",
            "zurueck": "/?frist=365",
        },
    )
    assert response.headers["Location"].startswith("/?frist=365#")
    review = session.scalar(select(Review).where(Review.call_id == call_id))
    assert review is not None
    assert (review.status, review.reason, review.note) == (
        "nicht relevant",
        "Frist zu kurz",
        "Bitte prüfen",
    )
    assert call_id not in _inbox_ids(auth_client)


def test_change_own_password(auth_client: FlaskClient, client: FlaskClient, user: User) -> None:
    wrong = auth_client.post(
        "/konto/passwort",
        data={"current": "falsch", "new": "neu-und-lang", "repeat": "neu-und-lang"},
    )
    assert "stimmt nicht" in auth_client.get(wrong.headers["Location"]).get_data(as_text=True)
    auth_client.post(
        "/konto/passwort",
        data={"current": TEST_PASSWORD, "new": "neu-und-lang", "repeat": "neu-und-lang"},
    )
    old = client.post("/anmelden", data={"email": user.email, "password": TEST_PASSWORD})
    assert old.status_code == 401
    new = client.post("/anmelden", data={"email": user.email, "password": "neu-und-lang"})
    assert new.status_code == 302


def test_account_page_shows_the_password_form_once_under_its_title(
    auth_client: FlaskClient,
) -> None:
    page = auth_client.get("/konto").get_data(as_text=True)
    assert "<title>Konto – funding-matcher</title>" in page
    assert page.count('id="passwort"') == 1
