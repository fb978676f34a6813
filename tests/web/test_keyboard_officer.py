"""A keyboard-only officer's findings: the two Passung numbers, the way to the Bewertung, the
focus after a refused decision, eligibility reasons by keyboard, and what Hilfe promises."""

from __future__ import annotations

import html as htmllib
import re
from collections.abc import Iterator
from typing import Any

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.web.conftest import logged_in_tab
from webapp.models import CallScore, Match, User
from webapp.views.components import NO_RESTRICTION_REASON


def _matched_call(session: Session) -> int:
    match = session.scalars(select(Match).order_by(Match.score.desc())).first()
    assert match is not None
    return match.call_id


# --- 1. the card's number and the project bars --------------------------------------------


def test_the_card_number_and_the_project_bars_are_told_apart(auth_client: FlaskClient) -> None:
    page = auth_client.get("/").get_data(as_text=True)
    row = re.search(r'<li class="call-row".*?</li>\s*(?=<li class="call-row"|</ol>)', page, re.S)
    assert row is not None
    card = row.group(0)
    # the call's number says it is weighted; each bar says it is the project's own
    assert re.search(r'<span class="fact muted">Passung nach Priorität \d,\d\d</span>', card)
    assert re.search(r'<svg class="score-bar"[^>]*aria-label="Projekt-Passung \d,\d\d"', card)
    assert 'aria-label="Passung ' not in card


def test_hilfe_says_what_the_card_number_and_the_bars_are(auth_client: FlaskClient) -> None:
    text = htmllib.unescape(auth_client.get("/hilfe/").get_data(as_text=True))
    assert "der längste Balken gehört zur höchsten Passung" not in text
    assert "Der Balken ist also nicht die Zahl auf der Karte" in text
    # the weighting as matcher.model._inbox does it, worked out for priority 3 (weight 0,8)
    assert (
        "Beispiel: Projekt-Passung 0,74 in einem Themenfeld der Priorität 3 ergibt "
        "0,10 + (0,74 − 0,10) × 0,8 = 0,61."
    ) in text
    assert "Passung nach Priorität</strong> – die Zahl auf der Karte" in text


# --- 2. and 3. the Bewertung by keyboard, and a refused decision ---------------------------


def test_a_dismissal_without_reason_focuses_the_reason_and_the_alert_names_it(
    auth_client: FlaskClient, session: Session
) -> None:
    call_id = _matched_call(session)
    response = auth_client.post(
        f"/aufrufe/{call_id}/bewertung", data={"status": "nicht relevant", "reason": ""}
    )
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    select_tag = re.search(r'<select id="r-reason"[^>]*>', page)
    assert select_tag is not None and " autofocus" in select_tag.group(0)
    assert (
        '<p class="flash flash-error" role="alert" id="r-reason-error"><a href="#r-reason">'
        "Grund</a>: Bitte einen Grund angeben"
    ) in page
    assert page.count("autofocus") == 1


def test_the_call_page_has_a_skip_link_to_the_bewertung(
    auth_client: FlaskClient, session: Session
) -> None:
    page = auth_client.get(f"/aufrufe/{_matched_call(session)}").get_data(as_text=True)
    assert '<a class="skip-link" href="#bewertung">Zur Bewertung springen</a>' in page
    # no tabindex on the panel: the form's #bewertung would then take the focus from the field
    assert '<section class="card review-panel" id="bewertung" aria-labelledby' in page


# --- 4. eligibility reasons -----------------------------------------------------------------


def test_every_badge_of_a_list_carries_its_reason_as_text(
    auth_client: FlaskClient, session: Session
) -> None:
    # a call whose applicants simply include the county: the matcher names no reason
    plain = session.scalars(
        select(CallScore).where(CallScore.eligibility == "eligible", CallScore.inbox_score > 0)
    ).all()
    assert any(not s.eligibility_reasons for s in plain)
    page = auth_client.get("/aufrufe?sort=passung").get_data(as_text=True)
    badges = re.findall(r'(<span[^>]*>)<span class="badge elig-[^"]*"([^>]*)>', page)
    assert len(badges) > 10
    for wrapper, attributes in badges:
        assert "title=" not in attributes  # a tooltip no keyboard reaches
        assert wrapper == '<span class="has-why" tabindex="0">'
    reasons = re.findall(
        r'<span class="badge-why"><span class="visually-hidden">: </span>(.*?)</span>', page
    )
    assert len(reasons) == len(badges) and all(reasons)
    assert htmllib.escape(NO_RESTRICTION_REASON, quote=False) in reasons


# --- 5. and 6. Hilfe: the Konto link and the Begründungstexte --------------------------------


def test_hilfe_names_the_konto_link_as_the_menu_shows_it(
    auth_client: FlaskClient, user: User
) -> None:
    text = htmllib.unescape(auth_client.get("/hilfe/").get_data(as_text=True))
    assert "Konto → Meine Kommune" not in text and "Konto → Fristen-Kalender" not in text
    # the menu shows the login's name, else its address (User.display_name)
    shown = f"Ihr Name „{user.name}“" if user.name else f"Ihre E-Mail-Adresse „{user.email}“"
    assert f"im Menü oben rechts steht dafür {shown}" in text


def test_hilfe_says_which_projects_get_a_justification_and_how_to_get_another(
    auth_client: FlaskClient,
) -> None:
    text = htmllib.unescape(auth_client.get("/hilfe/").get_data(as_text=True))
    assert "Je passendem Projekt" not in text
    assert "mindestens 60 % der Projekt-Passung des besten Projekts" in text
    assert 'nicht „<a href="#passung">passend</a>“ im Sinn der Listen' in text
    assert "Text für ein anderes Projekt:" in text and "Bewertung → „Projekt“" in text


# --- in a real browser: what the keyboard does ----------------------------------------------


@pytest.fixture
def tab(browser: Any, live_server: str, user: User) -> Iterator[Any]:
    page = logged_in_tab(browser, live_server, user, viewport={"width": 1400, "height": 1000})
    yield page
    page.context.close()


def _focused(tab: Any) -> dict[str, str]:
    return tab.evaluate(
        "() => { const e = document.activeElement; return {id: e.id, text: e.innerText || '',"
        " cls: e.className || '', inside: e.closest('#bewertung') ? 'yes' : 'no'}; }"
    )


@pytest.mark.browser
def test_browser_the_bewertung_is_three_tabs_away(
    tab: Any, live_server: str, session: Session
) -> None:
    tab.goto(f"{live_server}/aufrufe/{_matched_call(session)}")
    tab.keyboard.press("Tab")
    assert _focused(tab)["text"].strip() == "Zum Inhalt springen"
    tab.keyboard.press("Tab")
    assert _focused(tab)["text"].strip() == "Zur Bewertung springen"
    tab.keyboard.press("Enter")
    for _ in range(3):
        tab.keyboard.press("Tab")
        if _focused(tab)["id"] == "r-status":
            break
    assert _focused(tab)["id"] == "r-status"


@pytest.mark.browser
def test_browser_a_refused_dismissal_puts_the_focus_on_the_reason(
    tab: Any, live_server: str, session: Session
) -> None:
    tab.goto(f"{live_server}/aufrufe/{_matched_call(session)}")
    tab.locator("#r-status").select_option("nicht relevant")
    with tab.expect_navigation():
        tab.get_by_role("button", name="Speichern", exact=True).click()
    assert tab.locator("#r-reason-error").inner_text().startswith("Grund: Bitte einen Grund")
    # the focus arrives once the page has loaded (the anchor #bewertung would take it)
    tab.wait_for_function("document.activeElement.id === 'r-reason'", timeout=3000)
    tab.wait_for_timeout(200)
    assert _focused(tab)["id"] == "r-reason"  # and stays there


@pytest.mark.browser
def test_browser_an_eligibility_reason_shows_on_keyboard_focus(tab: Any, live_server: str) -> None:
    tab.goto(f"{live_server}/aufrufe?sort=passung")
    badge = tab.locator(".has-why").first
    why = badge.locator(".badge-why")
    assert why.bounding_box()["width"] <= 1  # hidden until asked for
    for _ in range(60):
        tab.keyboard.press("Tab")
        if "has-why" in _focused(tab)["cls"]:
            break
    assert "has-why" in _focused(tab)["cls"]
    shown = tab.evaluate(
        "() => { const w = document.activeElement.querySelector('.badge-why');"
        " const r = w.getBoundingClientRect(); return [r.width, r.height, w.innerText]; }"
    )
    assert shown[0] > 100 and shown[1] > 10
    assert len(shown[2].strip()) > 10
