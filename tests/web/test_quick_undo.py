"""A decision made in the list by mistake is taken back from its confirmation."""

from __future__ import annotations

import re
from html import unescape

from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from webapp.models import Review, ReviewEvent

LIST = "/?frist=365"


def _row_ids(page: str) -> list[int]:
    return [int(i) for i in re.findall(r'<li class="call-row" id="call-(\d+)">', page)]


def _undo_fields(page: str) -> dict[str, str]:
    """The hidden fields of the confirmation's "Rückgängig" form (and its action)."""
    match = re.search(r'<div class="flash[^"]*flash-undo".*?</div>', page, re.S)
    assert match, "no confirmation with Rückgängig"
    block = match.group(0)
    assert ">Rückgängig</button>" in block
    fields = {
        name: unescape(value)
        for name, value in re.findall(r'name="([^"]+)" value="([^"]*)"', block)
    }
    fields["action"] = unescape(re.search(r'action="([^"]+)"', block).group(1))  # type: ignore[union-attr]
    return fields


def _quick(client: FlaskClient, call_id: int, **data: str) -> str:
    response = client.post(
        f"/aufrufe/{call_id}/bewertung", data={"quick": "1", "zurueck": LIST, **data}
    )
    assert response.status_code == 302
    return client.get(response.headers["Location"]).get_data(as_text=True)


def _undo(client: FlaskClient, page: str) -> tuple[str, str]:
    fields = _undo_fields(page)
    action = fields.pop("action")
    response = client.post(action, data=fields)
    assert response.status_code == 302
    location = response.headers["Location"]
    return location, client.get(location).get_data(as_text=True)


def test_a_dismissal_from_the_list_is_taken_back(
    auth_client: FlaskClient, session: Session
) -> None:
    rows = _row_ids(auth_client.get(LIST).get_data(as_text=True))
    call_id = rows[4]
    page = _quick(auth_client, call_id, status="nicht relevant", reason="Frist zu kurz")
    assert "Bewertung gespeichert: nicht relevant." in page
    assert call_id not in _row_ids(page)

    location, page = _undo(auth_client, page)
    # back in the inbox, at its own row, and said so; no undo of the undo
    assert location == f"{LIST}#call-{call_id}"
    assert call_id in _row_ids(page)
    assert "Zurückgenommen: wieder neu." in page
    assert ">Rückgängig</button>" not in page
    review = session.scalar(select(Review).where(Review.call_id == call_id))
    assert review is not None and (review.status, review.reason) == ("neu", "")
    # the history keeps both steps
    fields = session.scalars(
        select(ReviewEvent.new).where(
            ReviewEvent.review_id == review.id, ReviewEvent.field == "status"
        )
    ).all()
    assert fields == ["nicht relevant", "neu"]


def test_undo_restores_the_status_and_reason_before(
    auth_client: FlaskClient, session: Session
) -> None:
    rows = _row_ids(auth_client.get(LIST).get_data(as_text=True))
    call_id = rows[2]
    _quick(auth_client, call_id, status="in Prüfung")
    page = _quick(auth_client, call_id, status="relevant")
    _location, page = _undo(auth_client, page)
    assert "Zurückgenommen: wieder in Prüfung." in page
    assert session.scalar(select(Review.status).where(Review.call_id == call_id)) == "in Prüfung"

    listed = "/aufrufe?status=nicht+relevant"
    _quick(auth_client, call_id, status="nicht relevant", reason="Eigenanteil nicht darstellbar")
    response = auth_client.post(
        f"/aufrufe/{call_id}/bewertung",
        data={"quick": "1", "zurueck": listed, "status": "relevant"},
    )
    _location, page = _undo(
        auth_client, auth_client.get(response.headers["Location"]).get_data(as_text=True)
    )
    review = session.scalar(select(Review).where(Review.call_id == call_id))
    assert review is not None
    session.refresh(review)
    assert (review.status, review.reason) == ("nicht relevant", "Eigenanteil nicht darstellbar")


def test_no_undo_without_a_change_or_from_the_call_page(auth_client: FlaskClient) -> None:
    rows = _row_ids(auth_client.get(LIST).get_data(as_text=True))
    page = _quick(auth_client, rows[0], status="in Prüfung")
    assert ">Rückgängig</button>" in page
    page = _quick(auth_client, rows[0], status="in Prüfung")
    assert "Keine Änderung." in page and ">Rückgängig</button>" not in page
    response = auth_client.post(
        f"/aufrufe/{rows[1]}/bewertung",
        data={"status": "relevant", "note": "Passt", "action": "save_back", "zurueck": LIST},
    )
    page = auth_client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Bewertung gespeichert: relevant." in page and ">Rückgängig</button>" not in page
