"""The Bewertung panel and the password panel show their messages where the user acted."""

from __future__ import annotations

import re

from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from webapp.models import Match, ProjectRow, Review, User


def _panel(html: str, anchor: str) -> str:
    """The <section> with id `anchor` (up to its end)."""
    found = re.search(rf'<section[^>]* id="{anchor}"[^>]*>(.*?)</section>', html, re.S)
    assert found is not None, anchor
    return found.group(1)


def _top_messages(html: str) -> str:
    """What stands between the start of <main> and the page's first heading."""
    return html.split('<main id="inhalt"', 1)[1].split("<h1", 1)[0]


def _matched_call(session: Session) -> tuple[int, int]:
    match = session.scalars(select(Match).order_by(Match.score.desc())).first()
    assert match is not None
    return match.call_id, match.project_id


def test_dismissal_without_reason_keeps_the_input_and_shows_the_error_at_the_reason(
    auth_client: FlaskClient, session: Session, user: User
) -> None:
    call_id, project_id = _matched_call(session)
    response = auth_client.post(
        f"/aufrufe/{call_id}/bewertung",
        data={
            "status": "nicht relevant",
            "reason": "",
            "note": "Eigenanteil mit der Kämmerei klären",
            "assignee_id": str(user.id),
            "project_id": str(project_id),
            "zurueck": "/?frist=365",
        },
    )
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    panel = _panel(html, "bewertung")
    # The message stands in the panel, right after the reason field, tied to it.
    reason = re.search(r'<select id="r-reason"[^>]*>.*?</select>\s*<p[^>]*>(.*?)</p>', panel, re.S)
    assert reason is not None and "Bitte einen Grund angeben" in reason.group(1)
    assert 'aria-invalid="true"' in panel and 'id="r-reason-error"' in panel
    assert "Bitte einen Grund" not in _top_messages(html)
    # Everything the user chose is still chosen.
    assert '<option value="nicht relevant" selected>' in panel
    assert f'<option value="{user.id}" selected>' in panel
    assert f'<option value="{project_id}" selected>' in panel
    assert ">Eigenanteil mit der Kämmerei klären</textarea>" in panel
    assert 'name="zurueck" value="/?frist=365"' in panel  # "Speichern & zurück" still there
    # The form posts to the panel's anchor, so the answer opens at the panel.
    assert f'action="/aufrufe/{call_id}/bewertung#bewertung"' in panel
    assert session.scalar(select(Review).where(Review.call_id == call_id)) is None


def test_saved_review_is_confirmed_inside_the_panel(
    auth_client: FlaskClient, session: Session
) -> None:
    call_id, _ = _matched_call(session)
    response = auth_client.post(
        f"/aufrufe/{call_id}/bewertung", data={"status": "in Prüfung", "note": "Bitte prüfen"}
    )
    assert response.status_code == 302
    assert response.headers["Location"] == f"/aufrufe/{call_id}#bewertung"
    html = auth_client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Bewertung gespeichert: in Prüfung." in _panel(html, "bewertung")
    assert "Bewertung gespeichert" not in _top_messages(html)
    # Shown once: the next view of the page is quiet again.
    assert "Bewertung gespeichert" not in auth_client.get(f"/aufrufe/{call_id}").get_data(
        as_text=True
    )
    again = auth_client.post(
        f"/aufrufe/{call_id}/bewertung", data={"status": "in Prüfung", "note": "Bitte prüfen"}
    )
    html = auth_client.get(again.headers["Location"]).get_data(as_text=True)
    assert "Keine Änderung." in _panel(html, "bewertung")


def test_password_messages_stand_in_the_password_panel(auth_client: FlaskClient) -> None:
    wrong = auth_client.post(
        "/konto/passwort", data={"current": "falsch", "new": "neu-und-lang", "repeat": "x"}
    )
    assert wrong.headers["Location"] == "/konto#passwort"
    html = auth_client.get(wrong.headers["Location"]).get_data(as_text=True)
    assert "Das bisherige Passwort stimmt nicht." in _panel(html, "passwort")
    assert "stimmt nicht" not in _top_messages(html)


def test_who_changed_the_review_last_reads_as_a_sentence_with_the_time(
    auth_client: FlaskClient, session: Session
) -> None:
    call_id, _project_id = _matched_call(session)
    auth_client.post(f"/aufrufe/{call_id}/bewertung", data={"status": "in Prüfung"})
    panel = _panel(auth_client.get(f"/aufrufe/{call_id}").get_data(as_text=True), "bewertung")
    assert re.search(
        r"Zuletzt geändert von Anna Schulte am \d\d\.\d\d\.\d{4}, \d\d:\d\d Uhr</p>", panel
    ), panel


def test_a_project_the_strategy_dropped_is_kept_on_a_review_but_never_newly_chosen(
    auth_client: FlaskClient, session: Session, user: User
) -> None:
    call_id, project_id = _matched_call(session)
    other_call = session.scalars(select(Match.call_id).where(Match.call_id != call_id)).first()
    form = {"status": "in Prüfung", "note": "", "assignee_id": str(user.id)}
    kept = auth_client.post(
        f"/aufrufe/{call_id}/bewertung", data={**form, "project_id": str(project_id)}
    )
    assert kept.status_code == 302
    project = session.get(ProjectRow, project_id)
    assert project is not None
    project.active = False  # a new edition of the strategy left it out
    session.commit()

    # Saving the panel for another reason keeps the project the review has ...
    again = auth_client.post(
        f"/aufrufe/{call_id}/bewertung",
        data={**form, "status": "relevant", "project_id": str(project_id)},
    )
    assert again.status_code == 302
    session.expire_all()
    review = session.scalar(select(Review).where(Review.call_id == call_id))
    assert review is not None and review.project_id == project_id
    # ... but another call cannot be given it.
    refused = auth_client.post(
        f"/aufrufe/{other_call}/bewertung", data={**form, "project_id": str(project_id)}
    )
    assert refused.status_code == 400
    assert (
        f"Das Projekt „{project.title}“ gehört nicht mehr zur geladenen Strategie."
        in refused.get_data(as_text=True)
    )
