"""In Chromium without JavaScript: the calendar address is replaced only when confirmed."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect
from sqlalchemy.orm import Session

from tests.web.conftest import logged_in_tab
from webapp.models import User

pytestmark = pytest.mark.browser


def test_regenerating_the_calendar_address_needs_the_tick_without_javascript(
    browser: Any, live_server: str, user: User, session: Session
) -> None:
    tab = logged_in_tab(
        browser, live_server, user, viewport={"width": 1024, "height": 700}, javascript=False
    )
    try:
        tab.goto(live_server + "/konto")
        # the copy button needs JavaScript: without it, it is not offered
        expect(tab.get_by_role("button", name="Kopieren")).to_be_hidden()
        button = tab.get_by_role("button", name="Neue Adresse erzeugen")
        button.click()  # not ticked: the browser keeps the form (required), nothing is sent
        assert tab.url == live_server + "/konto"
        session.expire_all()
        assert session.get(User, user.id).ical_token == user.ical_token  # type: ignore[union-attr]
        tab.get_by_label("Ja, die bisherige Adresse ungültig machen").check()
        button.click()
        tab.wait_for_url(live_server + "/konto#kalender")
        expect(tab.get_by_text("Neue Kalender-Adresse erzeugt.")).to_be_in_viewport()
        session.expire_all()
        new = session.get(User, user.id).ical_token  # type: ignore[union-attr]
        assert new != user.ical_token
        assert (
            tab.get_by_label("Kalender-Adresse (geheim – nicht weitergeben)")
            .input_value()
            .endswith(f"/kalender/{new}.ics")
        )
    finally:
        tab.context.close()
