"""The Begründungstext panel's messages fit the situation: empty text, over-long short text."""

from __future__ import annotations

import re

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from matcher.justification import SHORT_LIMIT, plain_length
from webapp.justifications import find_row, texts_for_call
from webapp.models import Call, CallScore, Match


def _call_and_project(session: Session) -> tuple[Call, str]:
    match = session.scalars(select(Match).order_by(Match.score.desc())).first()
    assert match is not None
    texts_for_call(session, match.call)
    session.commit()
    return match.call, match.project.key


def _save(client: FlaskClient, call: Call, project: str, text: str) -> str:
    """Save `text` as the short version; the message shown at that text."""
    response = client.post(
        f"/aufrufe/{call.id}/begruendung/speichern",
        data={"project": project, "variant": "short", "next": f"/aufrufe/{call.id}", "text": text},
    )
    assert response.status_code == 302
    html = client.get(response.headers["Location"]).get_data(as_text=True)
    article = re.search(
        rf'<article class="j-entry" id="begruendung-{project}-short"[^>]*>(.*?)</article>',
        html,
        re.S,
    )
    assert article is not None
    message = re.search(r'<p class="flash flash-(\w+)" role="\w+">(.*?)</p>', article.group(1))
    assert message is not None
    return f"{message.group(1)}: {message.group(2)}"


def test_empty_text_of_a_generated_version_says_the_generated_text_stays(
    auth_client: FlaskClient, session: Session
) -> None:
    call, project = _call_and_project(session)
    message = _save(auth_client, call, project, " \r\n  ")
    assert message == (
        "error: Der Text ist leer und wurde nicht gespeichert; es gilt weiter der erzeugte Text."
    )
    assert "verwerfen" not in message and "'" not in message


def test_empty_text_of_an_edited_version_points_to_the_discard_button(
    auth_client: FlaskClient, session: Session
) -> None:
    call, project = _call_and_project(session)
    assert _save(auth_client, call, project, "Meine Fassung.").startswith("success: ")
    message = _save(auth_client, call, project, "")
    assert "„Bearbeitung verwerfen“" in message and message.startswith("error: ")
    session.expire_all()
    row = find_row(session, call, project, "short")
    assert row is not None and row.edited_text == "Meine Fassung."
    # The button named in the message is on the page.
    html = auth_client.get(f"/aufrufe/{call.id}").get_data(as_text=True)
    assert "Bearbeitung verwerfen</button>" in html


def test_an_over_long_short_version_is_saved_with_a_warning(
    auth_client: FlaskClient, session: Session
) -> None:
    call, project = _call_and_project(session)
    text = "Satz mit Inhalt. " * 60 + "Ende."  # 1,025 characters
    assert plain_length(text.strip()) == SHORT_LIMIT + 25
    message = _save(auth_client, call, project, text)
    assert message == (
        "warning: Ihre Fassung ist gespeichert, aber mit 1.025 Zeichen 25 Zeichen länger als "
        "die 1.000 Zeichen der Kurzfassung. Bitte kürzen, bevor Sie sie in ein Formularfeld "
        "kopieren."
    )
    session.expire_all()
    row = find_row(session, call, project, "short")
    assert row is not None and row.edited_text == text.strip()
    assert _save(auth_client, call, project, "Kurz und gut.") == (
        "success: Ihre Fassung ist gespeichert."
    )


def test_the_counter_starts_at_the_servers_count(
    auth_client: FlaskClient, session: Session
) -> None:
    call, project = _call_and_project(session)
    text = "## Bezug\n\nErster Absatz.\n\n\n> „Zitat aus dem Aufruf“\n\nLetzter Absatz."
    _save(auth_client, call, project, text)
    html = auth_client.get(f"/aufrufe/{call.id}").get_data(as_text=True)
    article = html.split(f'id="begruendung-{project}-short"', 1)[1].split("</article>", 1)[0]
    counter = re.search(r'<span id="j-\d+-short-count"[^>]*>(\d+)</span>', article)
    assert counter is not None and int(counter.group(1)) == plain_length(text)
    assert f"{plain_length(text)} Zeichen von höchstens" in article


def _panel_page(client: FlaskClient, session: Session, eligibility: str) -> str:
    call = session.scalars(
        select(Call)
        .join(CallScore, CallScore.call_id == Call.id)
        .join(Match, Match.call_id == Call.id)
        .where(CallScore.eligibility == eligibility)
        .order_by(Match.score.desc())
    ).first()
    assert call is not None
    response = client.get(f"/aufrufe/{call.id}/begruendung")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert 'class="j-entry"' in html  # the texts are there
    return html


def test_the_texts_of_an_ineligible_call_come_with_a_warning(
    auth_client: FlaskClient, session: Session
) -> None:
    html = _panel_page(auth_client, session, "ineligible")
    warning = re.search(r'<p class="j-ineligible" role="note">(.*?)</p>', html, re.S)
    assert warning is not None
    assert "Laut Abgleich nicht antragsberechtigt" in warning.group(1)
    assert "nur die inhaltliche Passung" in warning.group(1)
    assert "j-ineligible" not in _panel_page(auth_client, session, "eligible")


TOWNS_ONLY = (
    "nur Gemeinden unterhalb der Kreisebene antragsberechtigt – der Kreis nicht, die Städte "
    "und Gemeinden schon"
)


@pytest.mark.parametrize(
    ("eligibility", "reasons", "expected"),
    [
        (
            "eligible",
            [TOWNS_ONLY],
            f"<strong>Zur Antragstellung laut Abgleich:</strong> {TOWNS_ONLY}. Der Begründungstext nennt "
            "keine antragstellende Stelle; bitte im Antrag ergänzen, wer ihn stellt.",
        ),
        (
            "unknown",
            ["Antragsberechtigte nicht erkannt – bitte im Aufruf prüfen"],
            "<strong>Antragsberechtigung laut Abgleich unklar:</strong> Antragsberechtigte "
            "nicht erkannt – bitte im Aufruf prüfen.",
        ),
    ],
)
def test_a_call_for_the_towns_only_or_of_unclear_applicants_says_so_at_the_texts(
    auth_client: FlaskClient,
    cli,
    session: Session,
    eligibility: str,
    reasons: list[str],
    expected: str,
) -> None:
    """The texts name no applicant; a Kreis officer copying them learns here that only a
    town may file the application (or that the call's applicants were not recognised)."""
    call, _ = _call_and_project(session)
    score = session.get(CallScore, call.id)
    assert score is not None
    score.eligibility, score.eligibility_reasons = eligibility, reasons
    session.commit()
    html = auth_client.get(f"/aufrufe/{call.id}").get_data(as_text=True)
    note = re.search(r'<p class="j-applicant" role="note">(.*?)</p>', html, re.S)
    assert note is not None and note.group(1) == expected
    result = cli("justify", str(call.id))
    assert result.exit_code == 0, result.output
    plain = re.sub(r"</?strong>", "", expected)
    assert f"Hinweis: {plain}" in result.stderr
    assert "Hinweis" not in result.stdout  # the text itself stays clean for copying


def test_a_call_anyone_of_the_county_may_apply_to_has_no_applicant_note(
    auth_client: FlaskClient, session: Session
) -> None:
    call, _ = _call_and_project(session)
    score = session.get(CallScore, call.id)
    assert score is not None
    score.eligibility, score.eligibility_reasons = "eligible", []
    session.commit()
    assert "j-applicant" not in auth_client.get(f"/aufrufe/{call.id}").get_data(as_text=True)
