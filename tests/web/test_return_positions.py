"""After a decision the user lands where they acted: at the list row, or in the panel."""

from __future__ import annotations

import hashlib
import re
from html import unescape
from urllib.parse import unquote

from flask.testing import FlaskClient
from markupsafe import escape
from sqlalchemy import select
from sqlalchemy.orm import Session

from webapp.models import Review

LIST = "/?frist=365"


def _row_ids(client: FlaskClient, url: str) -> list[int]:
    page = client.get(url).get_data(as_text=True)
    return [int(i) for i in re.findall(r'<li class="call-row" id="call-(\d+)">', page)]


def _quick(client: FlaskClient, call_id: int, **data: str) -> str:
    response = client.post(
        f"/aufrufe/{call_id}/bewertung", data={"quick": "1", "zurueck": LIST, **data}
    )
    assert response.status_code == 302
    return response.headers["Location"]


def test_a_quick_decision_returns_to_the_row_that_took_the_calls_place(
    auth_client: FlaskClient,
) -> None:
    rows = _row_ids(auth_client, LIST)
    assert len(rows) >= 20
    deep = rows[17]
    location = _quick(auth_client, deep, status="relevant")
    # "relevant" takes the call out of the inbox: back at the row that followed it.
    assert location == f"{LIST}#call-{rows[18]}"
    assert f'id="call-{rows[18]}"' in auth_client.get(location).get_data(as_text=True)


def test_a_call_that_stays_in_the_list_is_its_own_anchor(auth_client: FlaskClient) -> None:
    rows = _row_ids(auth_client, LIST)
    location = _quick(auth_client, rows[12], status="in Prüfung")
    assert location == f"{LIST}#call-{rows[12]}"


def test_the_last_row_goes_back_to_the_one_before(auth_client: FlaskClient) -> None:
    rows = _row_ids(auth_client, "/?q=xss-1")
    assert len(rows) == 1  # a one-row list: nothing before or after
    response = auth_client.post(
        f"/aufrufe/{rows[0]}/bewertung",
        data={"quick": "1", "status": "relevant", "zurueck": "/?q=xss-1"},
    )
    assert response.headers["Location"] == "/?q=xss-1#inhalt"
    rows = _row_ids(auth_client, LIST)
    location = _quick(auth_client, rows[-1], status="nicht relevant", reason="Frist zu kurz")
    assert location == f"{LIST}#call-{rows[-2]}"


def test_save_and_back_from_the_call_page_returns_to_the_row(auth_client: FlaskClient) -> None:
    rows = _row_ids(auth_client, LIST)
    response = auth_client.post(
        f"/aufrufe/{rows[20]}/bewertung",
        data={
            "status": "nicht relevant",
            "reason": "Frist zu kurz",
            "action": "save_back",
            "zurueck": LIST,
        },
    )
    assert response.headers["Location"] == f"{LIST}#call-{rows[21]}"


def test_a_refused_quick_decision_opens_the_panel_with_the_choice_and_message(
    auth_client: FlaskClient, session: Session
) -> None:
    rows = _row_ids(auth_client, LIST)
    call_id = rows[9]
    auth_client.post(f"/aufrufe/{call_id}/bewertung", data={"status": "neu", "note": "Notiz"})
    location = _quick(auth_client, call_id, status="nicht relevant", reason="")
    assert location.startswith(f"/aufrufe/{call_id}?") and location.endswith("#bewertung")
    assert "zurueck=" + LIST in unquote(location)
    html = auth_client.get(location).get_data(as_text=True)
    panel = html.split('id="bewertung"', 1)[1]
    assert 'id="r-reason-error"' in panel and "Bitte einen Grund angeben" in panel
    assert '<option value="nicht relevant" selected>' in panel
    assert ">Notiz</textarea>" in panel  # the stored note, not emptied
    assert 'value="save_back"' in panel  # "Speichern & zurück" leads back to the list
    review = session.scalar(select(Review).where(Review.call_id == call_id))
    assert review is not None and review.status == "neu"
    # Shown once.
    assert "Bitte einen Grund" not in auth_client.get(location).get_data(as_text=True)


def test_a_back_link_outside_the_lists_gets_no_row_anchor(auth_client: FlaskClient) -> None:
    rows = _row_ids(auth_client, LIST)
    response = auth_client.post(
        f"/aufrufe/{rows[0]}/bewertung",
        data={"status": "relevant", "action": "save_back", "zurueck": "/fristen/"},
    )
    assert response.headers["Location"] == "/fristen/#inhalt"


def test_a_long_note_does_not_travel_in_the_session_cookie(
    auth_client: FlaskClient, session: Session
) -> None:
    call_id = _row_ids(auth_client, LIST)[3]
    # ~9,600 characters that compress badly: far beyond a 4 kB cookie
    note = " ".join(hashlib.sha256(str(i).encode()).hexdigest() for i in range(150))
    auth_client.post(f"/aufrufe/{call_id}/bewertung", data={"status": "neu", "note": note})
    response = auth_client.post(
        f"/aufrufe/{call_id}/bewertung",
        data={"quick": "1", "status": "nicht relevant", "zurueck": LIST},
    )
    cookie = response.headers.get("Set-Cookie", "")
    assert len(cookie) < 4000
    panel = auth_client.get(response.headers["Location"]).get_data(as_text=True)
    assert 'id="r-reason-error"' in panel and note.strip() in panel


def _call_links(page: str) -> list[str]:
    return [unescape(h) for h in re.findall(r'href="(/aufrufe/\d+[^"#]*)"', page)]


def test_a_call_opened_from_the_fristen_page_leads_back_there(
    auth_client: FlaskClient, session: Session
) -> None:
    """Deciding on a deadline's call returns to the Fristen page, not to the Eingang."""
    month = "/fristen/?monat=2027-01"
    links = _call_links(auth_client.get(month).get_data(as_text=True))
    assert links, "the Fristen page lists calls"
    detail = auth_client.get(links[0]).get_data(as_text=True)
    assert f'<a href="{escape(month)}">← Zurück zu den Fristen</a>' in detail
    assert "Speichern &amp; zurück" in detail
    call_id = int(re.search(r"/aufrufe/(\d+)", links[0]).group(1))  # type: ignore[union-attr]
    response = auth_client.post(
        f"/aufrufe/{call_id}/bewertung",
        data={"status": "relevant", "action": "save_back", "zurueck": month},
    )
    assert response.headers["Location"] == f"{month}#inhalt"
    page = auth_client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Bewertung gespeichert: relevant." in page
    assert session.scalar(select(Review.status).where(Review.call_id == call_id)) == "relevant"


def test_a_call_opened_from_a_project_leads_back_to_the_project(
    auth_client: FlaskClient,
) -> None:
    project = "/strategie/projekte/1"
    links = _call_links(auth_client.get(project).get_data(as_text=True))
    assert links
    detail = auth_client.get(links[0]).get_data(as_text=True)
    assert f'<a href="{project}">← Zurück zum Projekt</a>' in detail


def test_a_call_opened_without_a_way_back_offers_the_inbox(auth_client: FlaskClient) -> None:
    rows = _row_ids(auth_client, LIST)
    detail = auth_client.get(f"/aufrufe/{rows[0]}").get_data(as_text=True)
    assert '<a href="/">← Zum Eingang</a>' in detail
    assert "Speichern &amp; zurück" not in detail
    listed = auth_client.get(f"/aufrufe/{rows[0]}?zurueck=/aufrufe?page%3D2").get_data(as_text=True)
    assert '<a href="/aufrufe?page=2">← Zurück zur Liste</a>' in listed
