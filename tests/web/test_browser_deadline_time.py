"""The manual form's time field in a real Chromium: the call page then says "12:00 Uhr"."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.web.conftest import logged_in_tab
from webapp.formatting import format_date, local_today
from webapp.models import User

pytestmark = pytest.mark.browser


def test_an_officer_enters_a_deadline_with_its_time(
    browser: Any, live_server: str, user: User
) -> None:
    tab = logged_in_tab(browser, live_server, user)
    try:
        day = local_today() + timedelta(days=30)
        tab.goto(live_server + "/aufrufe/neu")
        tab.get_by_label("Titel").fill("Förderaufruf mit Uhrzeit der Frist")
        tab.get_by_label("Frist", exact=True).fill(day.isoformat())
        tab.get_by_label("Uhrzeit der Frist").fill("12:00")
        tab.get_by_role("button", name="Aufruf speichern").click()
        facts = tab.locator("dt:has-text('Frist') + dd").first
        expect(facts).to_contain_text(f"{format_date(day)}, 12:00 Uhr")

        tab.goto(live_server + "/aufrufe/neu")
        tab.get_by_label("Titel").fill("Förderaufruf ohne Frist")
        tab.get_by_role("button", name="Aufruf speichern").click()
        expect(tab.locator("dt:has-text('Frist') + dd").first).to_contain_text(
            "Keine Frist angegeben"
        )
    finally:
        tab.context.close()
