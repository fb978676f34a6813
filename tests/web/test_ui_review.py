"""Defects a funding officer saw when going through every page (QA round `ui`)."""

from __future__ import annotations

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from tests.conftest import TEST_PASSWORD
from tests.web.conftest import call_by_external_id
from webapp.models import User


def _text(response) -> str:  # type: ignore[no-untyped-def]
    return response.get_data(as_text=True)


def test_a_text_equal_to_the_summary_is_shown_once(
    auth_client: FlaskClient, session: Session
) -> None:
    """Most feeds give the same sentence as summary and text: "Beschreibung" showed it twice."""
    call = call_by_external_id(session, "xss-1")
    call.summary = "Gefördert werden  Makerspaces und Online-Kurse.\nBis zu 80\xa0% der Ausgaben."
    call.text = "Gefördert werden Makerspaces und Online-Kurse. Bis zu 80 % der Ausgaben."
    session.commit()
    page = _text(auth_client.get(f"/aufrufe/{call.id}"))
    description = page.split('id="h-text"', 1)[1].split("</section>", 1)[0]
    assert description.count("Ausgaben") == 1

    # A text that begins with the summary and goes on is the whole: shown without a repeat.
    call.summary = "Gefördert werden Makerspaces und Online-Kurse."
    call.text = "Gefördert werden Makerspaces und Online-Kurse. Antragsberechtigt sind Kommunen."
    session.commit()
    page = _text(auth_client.get(f"/aufrufe/{call.id}"))
    description = page.split('id="h-text"', 1)[1].split("</section>", 1)[0]
    assert description.count("Online") == 1 and "Antragsberechtigt sind" in description

    # A summary that says something else stands above the text, as before.
    call.summary = "Kurz: Zuschüsse für Makerspaces."
    session.commit()
    page = _text(auth_client.get(f"/aufrufe/{call.id}"))
    description = page.split('id="h-text"', 1)[1].split("</section>", 1)[0]
    assert "Kurz: Zuschüsse" in description and "Antragsberechtigt sind" in description


def test_ids_too_large_for_the_database_are_not_found_not_an_error(
    app: Flask, user: User, session: Session
) -> None:
    """/aufrufe/99999999999999999999 answered HTTP 500 (SQLite's integers end at 2**63 - 1)."""
    session.get(User, user.id).role = "admin"  # type: ignore[union-attr]
    session.commit()
    client = app.test_client()
    client.post("/anmelden", data={"email": user.email, "password": TEST_PASSWORD})
    huge = "9" * 20
    for method, path in (
        ("get", f"/aufrufe/{huge}"),
        ("get", f"/aufrufe/{huge}/bearbeiten"),
        ("get", f"/aufrufe/{huge}/begruendung"),
        ("get", f"/aufrufe/{huge}/begruendung/download.txt?project=VW-01&variant=long"),
        ("get", f"/strategie/projekte/{huge}"),
        ("post", f"/aufrufe/{huge}/bewertung"),
        ("post", f"/aufrufe/{huge}/begruendung/neu"),
        ("post", f"/verwaltung/benutzer/{huge}/entsperren"),
    ):
        response = getattr(client, method)(path, data={"status": "relevant"})
        assert response.status_code == 404, path
        assert "Nicht gefunden" in _text(response)
    # a project id of that size in the review form is no project, not a crash
    call = call_by_external_id(session, "xss-1")
    response = client.post(
        f"/aufrufe/{call.id}/bewertung", data={"status": "relevant", "project_id": huge}
    )
    assert response.status_code < 500


def test_a_refused_form_says_why_in_german(app: Flask, user: User) -> None:
    """The CSRF page showed Flask-WTF's English reason ("The CSRF token is missing.")."""
    app.config["WTF_CSRF_ENABLED"] = True
    client = app.test_client()
    page = _text(client.post("/anmelden", data={"email": user.email, "password": "x"}))
    assert "CSRF token" not in page
    assert "Sicherheitsschlüssel" in page
    client.get("/anmelden")  # a session now, and a token in it
    page = _text(
        client.post("/anmelden", data={"email": user.email, "password": "x", "csrf_token": "alt"})
    )
    assert "CSRF" not in page
    assert "ungültig" in page
