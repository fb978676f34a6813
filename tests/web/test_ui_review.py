"""Defects a funding officer saw when going through every page (QA round `ui`)."""

from __future__ import annotations

from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from tests.web.conftest import call_by_external_id


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
