"""In a real Chromium: messages appear where the user acted, in view after the page loads."""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import expect
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.web.conftest import logged_in_tab
from webapp.models import Match, Review, User

pytestmark = pytest.mark.browser


def _login(browser: Any, live_server: str, user: User, width: int, height: int) -> Any:
    return logged_in_tab(browser, live_server, user, viewport={"width": width, "height": height})


@pytest.fixture(params=[(1400, 900), (820, 900)], ids=["wide", "narrow"])
def tab(request: pytest.FixtureRequest, browser: Any, live_server: str, user: User) -> Any:
    """A logged-in page, wide (panel beside the text) and narrow (panel below it)."""
    width, height = request.param
    page = _login(browser, live_server, user, width, height)
    yield page
    page.context.close()


def test_review_error_and_success_are_shown_in_the_panel_in_view(
    tab: Any, live_server: str, session: Session, user: User
) -> None:
    match = session.scalars(select(Match).order_by(Match.score.desc())).first()
    assert match is not None
    call_id = match.call_id
    tab.goto(f"{live_server}/aufrufe/{call_id}?zurueck=/")
    panel = tab.locator("#bewertung")
    panel.get_by_label("Status").select_option("nicht relevant")
    panel.get_by_label("Zuständig").select_option(str(user.id))
    panel.get_by_label("Projekt").select_option(str(match.project_id))
    panel.get_by_label("Notiz").fill("Erst mit der Kämmerei sprechen.")
    panel.get_by_role("button", name="Speichern", exact=True).click()
    tab.wait_for_load_state()
    error = panel.locator("#r-reason-error")
    expect(error).to_have_text(re.compile("Bitte einen Grund angeben"))
    expect(error).to_be_in_viewport()
    expect(panel.get_by_label("Status")).to_have_value("nicht relevant")
    expect(panel.get_by_label("Zuständig")).to_have_value(str(user.id))
    expect(panel.get_by_label("Projekt")).to_have_value(str(match.project_id))
    expect(panel.get_by_label("Notiz")).to_have_value("Erst mit der Kämmerei sprechen.")
    assert session.scalar(select(Review).where(Review.call_id == call_id)) is None

    panel.get_by_label("Grund (bei „nicht relevant“)").select_option("Frist zu kurz")
    panel.get_by_role("button", name="Speichern", exact=True).click()
    tab.wait_for_url(re.compile(rf"/aufrufe/{call_id}\?zurueck=/#bewertung$"))
    saved = panel.get_by_text("Bewertung gespeichert: nicht relevant.")
    expect(saved).to_be_in_viewport()
    review = session.scalar(select(Review).where(Review.call_id == call_id))
    assert review is not None and review.reason == "Frist zu kurz"
    assert review.note == "Erst mit der Kämmerei sprechen." and review.assignee_id == user.id


def test_password_message_is_in_view(tab: Any, live_server: str) -> None:
    tab.goto(live_server + "/konto")
    section = tab.locator("#passwort")
    section.get_by_label("Bisheriges Passwort").fill("falsch-falsch")
    section.get_by_label("Neues Passwort (mind. 8 Zeichen)").fill("neu-und-lang")
    section.get_by_label("Neues Passwort wiederholen").fill("neu-und-lang")
    section.get_by_role("button", name="Passwort ändern").click()
    tab.wait_for_url(live_server + "/konto#passwort")
    message = section.get_by_text("Das bisherige Passwort stimmt nicht.")
    expect(message).to_be_in_viewport()


def test_a_quick_decision_deep_in_the_list_stays_there(tab: Any, live_server: str) -> None:
    tab.goto(live_server + "/?frist=365")
    rows = [
        int(i.split("-")[1])
        for i in tab.locator("li.call-row").evaluate_all("e => e.map(x => x.id)")
    ]
    row = tab.locator(f"#call-{rows[17]}")
    row.get_by_text("Entscheiden").click()
    row.get_by_role("button", name="relevant", exact=True).click()
    tab.wait_for_url(re.compile(rf"#call-{rows[18]}$"))
    expect(tab.locator(f"#call-{rows[18]}")).to_be_in_viewport()
    expect(tab.locator(f"#call-{rows[17]}")).to_have_count(0)
    # the confirmation is in view there too, not at the top of the page, and above the row
    flash = tab.locator(".flash-success")
    expect(flash).to_be_in_viewport()
    message, row = flash.bounding_box(), tab.locator(f"#call-{rows[18]}").bounding_box()
    assert row["y"] >= message["y"] + message["height"] - 1, (message, row)


def test_saving_a_begruendungstext_stays_at_the_text(
    tab: Any, live_server: str, session: Session
) -> None:
    from webapp.justifications import texts_for_call
    from webapp.models import Call

    call_ids = session.scalars(select(Match.call_id).distinct().order_by(Match.call_id)).all()
    for call_id in call_ids:
        call = session.get(Call, call_id)
        assert call is not None
        groups = texts_for_call(session, call)
        if len(groups) >= 2:
            session.commit()
            break
    else:
        raise AssertionError("no call with several Begründungstexte")
    anchor = f"begruendung-{groups[1].project_key or 'kombiniert'}-short"
    tab.goto(f"{live_server}/aufrufe/{call.id}")
    article = tab.locator(f"#{anchor}")
    tab.locator("#begruendung details.j-group > summary").nth(1).click()
    article.locator("details.j-edit > summary").click()
    article.locator("textarea").fill("Meine kurze Fassung für das Formularfeld.")
    article.get_by_role("button", name="Meine Fassung speichern").click()
    tab.wait_for_url(re.compile(rf"#{anchor}$"))
    message = article.get_by_text("Ihre Fassung ist gespeichert.")
    expect(message).to_be_in_viewport()

    tab.locator("#begruendung").get_by_role("button", name="Neu erzeugen").click()
    tab.wait_for_url(re.compile(r"#begruendung$"))
    expect(tab.get_by_text("Die Begründungstexte sind neu erzeugt.")).to_be_in_viewport()


def test_a_quick_dismissal_is_taken_back_from_its_confirmation_in_view(
    tab: Any, live_server: str, session: Session
) -> None:
    """Deep in the list: the confirmation is in view, its "Rückgängig" brings the call back."""
    tab.goto(f"{live_server}/?frist=365")
    rows = tab.locator("li.call-row")
    row = rows.nth(15)
    call_id = int(row.get_attribute("id").split("-")[1])
    row.get_by_text("Entscheiden").click()
    row.get_by_label("Grund").select_option("Frist zu kurz")
    row.get_by_role("button", name="nicht relevant").click()
    tab.wait_for_load_state()
    expect(tab.locator(f"#call-{call_id}")).to_have_count(0)
    undo = tab.get_by_role("button", name="Rückgängig")
    expect(undo).to_be_in_viewport()
    # it does not fade away like the other confirmations: no hurry to reach the button
    confirmation = tab.locator(".flash-undo")
    assert confirmation.evaluate("e => getComputedStyle(e).animationName") == "none"
    assert confirmation.evaluate("e => getComputedStyle(e).position") == "sticky"
    undo.click()
    tab.wait_for_url(re.compile(rf"#call-{call_id}$"))
    expect(tab.get_by_text("Zurückgenommen: wieder neu.")).to_be_in_viewport()
    expect(tab.locator(f"#call-{call_id}")).to_be_in_viewport()
    review = session.scalar(select(Review).where(Review.call_id == call_id))
    assert review is not None and review.status == "neu"
