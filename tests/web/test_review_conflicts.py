"""Two officers on one call: an undo or a Bewertung form from an older page overwrites no one.

Also: taking back a quick decision on a call that was back ("wieder da") brings it back.
"""

from __future__ import annotations

import re
from html import unescape

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import Engine, select, update
from sqlalchemy.orm import Session

from tests.conftest import TEST_PASSWORD
from tests.web.test_quick_undo import LIST, _quick, _row_ids, _undo, _undo_fields
from webapp.db import make_session_factory
from webapp.models import Call, Match, Review, User


def _colleague(app: Flask, engine: Engine) -> FlaskClient:
    """A second officer, Bernd, logged in with a client of his own."""
    from webapp.users import create_user

    with make_session_factory(engine)() as s:
        create_user(s, "bernd@kreis-coesfeld.de", TEST_PASSWORD, name="Bernd Kolle")
        s.commit()
    other = app.test_client()
    response = other.post(
        "/anmelden", data={"email": "bernd@kreis-coesfeld.de", "password": TEST_PASSWORD}
    )
    assert response.status_code == 302
    return other


def _review_fields(page: str) -> dict[str, str]:
    """The Bewertung form's fields as the page shows them (what a browser sends back)."""
    form = re.search(
        r'<form method="post" action="[^"]*/bewertung#bewertung".*?</form>', page, re.S
    )
    assert form is not None
    block = form.group(0)
    fields = {
        n: unescape(v)
        for n, v in re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', block)
    }
    for name, options in re.findall(
        r'<select id="[^"]+" name="([^"]+)"[^>]*>(.*?)</select>', block, re.S
    ):
        chosen = re.search(r'<option value="([^"]*)" selected>', options)
        fields[name] = unescape(chosen.group(1)) if chosen else ""
    note = re.search(r'<textarea id="r-note" name="note"[^>]*>(.*?)</textarea>', block, re.S)
    fields["note"] = unescape(note.group(1)) if note else ""
    return fields


def _review(session: Session, call_id: int) -> Review:
    session.expire_all()
    review = session.scalar(select(Review).where(Review.call_id == call_id))
    assert review is not None
    return review


def test_undo_on_a_returned_call_brings_it_back(auth_client: FlaskClient, session: Session) -> None:
    call_id = _row_ids(auth_client.get(LIST).get_data(as_text=True))[3]
    _quick(auth_client, call_id, status="nicht relevant", reason="Frist zu kurz")
    dismissed_hash = _review(session, call_id).call_hash
    # the source changes the call: it is back in the Eingang, "wieder da"
    session.execute(update(Call).where(Call.id == call_id).values(content_hash="changed-hash"))
    session.commit()
    page = auth_client.get(LIST).get_data(as_text=True)
    assert call_id in _row_ids(page) and "wieder da" in page
    # "relevant" by mistake, then Rückgängig: back where it was, at its row, "wieder da"
    page = _quick(auth_client, call_id, status="relevant")
    location, page = _undo(auth_client, page)
    review = _review(session, call_id)
    assert (review.status, review.reason) == ("nicht relevant", "Frist zu kurz")
    assert review.call_hash == dismissed_hash
    assert location.endswith(f"#call-{call_id}")
    assert call_id in _row_ids(page)


def test_undo_does_not_overwrite_a_colleagues_later_decision(
    app: Flask, engine: Engine, auth_client: FlaskClient, session: Session
) -> None:
    other = _colleague(app, engine)
    call_id = _row_ids(auth_client.get(LIST).get_data(as_text=True))[1]
    page = _quick(auth_client, call_id, status="nicht relevant", reason="Frist zu kurz")
    # meanwhile the colleague decides otherwise on the call page
    detail = other.get(f"/aufrufe/{call_id}").get_data(as_text=True)
    fields = _review_fields(detail) | {"status": "Antrag in Vorbereitung", "note": "läuft"}
    assert other.post(f"/aufrufe/{call_id}/bewertung", data=fields).status_code == 302
    before = _review(session, call_id)
    stamp = before.updated_at

    _location, page = _undo(auth_client, page)
    review = _review(session, call_id)
    assert (review.status, review.note) == ("Antrag in Vorbereitung", "läuft")
    assert review.updated_at == stamp and review.updated_by_id == before.updated_by_id
    assert "inzwischen von Bernd Kolle geändert" in page
    assert "Zurückgenommen" not in page


def test_undo_carries_what_it_replaces(auth_client: FlaskClient) -> None:
    call_id = _row_ids(auth_client.get(LIST).get_data(as_text=True))[0]
    fields = _undo_fields(_quick(auth_client, call_id, status="in Prüfung"))
    assert fields["status"] == "neu"
    assert fields["erwartet"] == "in Prüfung" and fields["version"]
    assert "call_hash" in fields


def test_a_bewertung_form_from_an_older_page_is_refused(
    app: Flask, engine: Engine, auth_client: FlaskClient, session: Session
) -> None:
    other = _colleague(app, engine)
    call_id = _row_ids(auth_client.get(LIST).get_data(as_text=True))[0]
    mine = _review_fields(auth_client.get(f"/aufrufe/{call_id}").get_data(as_text=True))
    theirs = _review_fields(other.get(f"/aufrufe/{call_id}").get_data(as_text=True))
    note = "Frau Meier fragt beim Land nach"
    response = auth_client.post(
        f"/aufrufe/{call_id}/bewertung", data=mine | {"status": "relevant", "note": note}
    )
    assert response.status_code == 302

    # Bernd, with the page as he opened it (no note), sets "in Prüfung"
    response = other.post(
        f"/aufrufe/{call_id}/bewertung", data=theirs | {"status": "in Prüfung", "note": "Bernds"}
    )
    assert response.status_code == 409
    page = response.get_data(as_text=True)
    review = _review(session, call_id)
    assert (review.status, review.note) == ("relevant", note)
    # the message stands in the Bewertung panel, his input is kept, the form has the new version
    panel = page[page.index('id="bewertung"') :]
    assert "inzwischen von Anna Schulte geändert" in panel
    kept = _review_fields(page)
    assert (kept["status"], kept["note"]) == ("in Prüfung", "Bernds")
    assert kept["version"] != theirs["version"]
    # saved again on purpose, it counts
    assert other.post(f"/aufrufe/{call_id}/bewertung", data=kept).status_code == 302
    assert _review(session, call_id).note == "Bernds"


def test_the_same_bewertung_sent_twice_is_no_conflict(
    auth_client: FlaskClient, session: Session, user: User
) -> None:
    call_id = _row_ids(auth_client.get(LIST).get_data(as_text=True))[0]
    fields = _review_fields(auth_client.get(f"/aufrufe/{call_id}").get_data(as_text=True))
    project_id = session.scalar(select(Match.project_id).where(Match.call_id == call_id))
    # the first review of a call, with assignee and project (whose names the history looks up)
    fields |= {
        "status": "relevant",
        "note": "doppelt geklickt",
        "assignee_id": str(user.id),
        "project_id": str(project_id),
    }
    for _ in range(2):
        response = auth_client.post(f"/aufrufe/{call_id}/bewertung", data=fields)
        assert response.status_code == 302
    review = _review(session, call_id)
    assert (review.note, review.assignee_id) == ("doppelt geklickt", user.id)
    assert review.project_id == project_id


def _row_form(page: str, call_id: int) -> dict[str, str]:
    """The hidden fields of a list row's quick form, as the browser sends them."""
    row = re.search(rf'<li class="call-row" id="call-{call_id}">.*?</li>', page, re.S)
    assert row is not None
    form = re.search(r'<form method="post" [^>]*class="quick-form">.*?</form>', row.group(0), re.S)
    assert form is not None
    return {
        n: unescape(v)
        for n, v in re.findall(
            r'<input type="hidden" name="([^"]+)" value="([^"]*)"', form.group(0)
        )
    }


def test_a_list_decision_does_not_overwrite_a_colleagues_decision_made_meanwhile(
    app: Flask, engine: Engine, auth_client: FlaskClient, session: Session
) -> None:
    other = _colleague(app, engine)
    page = auth_client.get(LIST).get_data(as_text=True)
    call_id = _row_ids(page)[2]
    quick_form = _row_form(page, call_id)
    assert quick_form["erwartet"] == "neu"
    # while the list is open, the colleague dismisses the call on its page
    detail = other.get(f"/aufrufe/{call_id}").get_data(as_text=True)
    fields = _review_fields(detail) | {"status": "nicht relevant", "reason": "Frist zu kurz"}
    assert other.post(f"/aufrufe/{call_id}/bewertung", data=fields).status_code == 302

    response = auth_client.post(
        f"/aufrufe/{call_id}/bewertung", data={**quick_form, "status": "relevant"}
    )
    assert response.status_code == 302
    page = auth_client.get(response.headers["Location"]).get_data(as_text=True)
    review = _review(session, call_id)
    assert (review.status, review.reason) == ("nicht relevant", "Frist zu kurz")
    text = unescape(re.sub(r"\s+", " ", page))
    assert "Nicht gespeichert: Die Bewertung wurde inzwischen von Bernd Kolle geändert" in text, (
        text[:2000]
    )
    assert (
        "seit die Liste geöffnet wurde. Es wurde nichts geändert; der Status ist jetzt „nicht relevant“."
        in text
    )
    # the same decision the colleague made is no conflict
    same = auth_client.post(
        f"/aufrufe/{call_id}/bewertung",
        data={**quick_form, "status": "nicht relevant", "reason": "Frist zu kurz"},
    )
    assert "Nicht gespeichert" not in auth_client.get(same.headers["Location"]).get_data(
        as_text=True
    )


def test_saving_again_after_a_conflict_keeps_the_colleagues_changes_to_other_fields(
    app: Flask, engine: Engine, auth_client: FlaskClient, session: Session, user: User
) -> None:
    other = _colleague(app, engine)
    call_id = _row_ids(auth_client.get(LIST).get_data(as_text=True))[0]
    theirs = _review_fields(other.get(f"/aufrufe/{call_id}").get_data(as_text=True))
    assert theirs["assignee_id"] == ""  # Bernd's page: nobody assigned yet
    # meanwhile Anna marks it relevant and takes it on
    mine = _review_fields(auth_client.get(f"/aufrufe/{call_id}").get_data(as_text=True))
    saved = auth_client.post(
        f"/aufrufe/{call_id}/bewertung",
        data=mine | {"status": "relevant", "assignee_id": str(user.id)},
    )
    assert saved.status_code == 302

    # Bernd, from his older page, dismisses it with a note: refused
    refused = other.post(
        f"/aufrufe/{call_id}/bewertung",
        data=theirs | {"status": "nicht relevant", "reason": "sonstiges", "note": "Doppelt"},
    )
    assert refused.status_code == 409
    page = unescape(refused.get_data(as_text=True))
    assert "Die Felder, die Sie geändert haben, zeigen Ihre Eingaben" in page
    kept = _review_fields(refused.get_data(as_text=True))
    # his changes stand, the field he did not touch shows Anna's assignment
    assert (kept["status"], kept["reason"], kept["note"]) == (
        "nicht relevant",
        "sonstiges",
        "Doppelt",
    )
    assert kept["assignee_id"] == str(user.id)
    # saving again on purpose: his decision counts, her assignment stays
    assert other.post(f"/aufrufe/{call_id}/bewertung", data=kept).status_code == 302
    review = _review(session, call_id)
    assert (review.status, review.note, review.assignee_id) == (
        "nicht relevant",
        "Doppelt",
        user.id,
    )
