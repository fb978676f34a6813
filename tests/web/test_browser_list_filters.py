"""In Chromium: the Eingang's region choice follows its switches; the CSV is named after the filters."""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.web.conftest import logged_in_tab
from webapp.formatting import local_today
from webapp.models import User

pytestmark = pytest.mark.browser


def test_a_region_offered_gives_calls_and_names_the_download(
    browser: Any, live_server: str, user: User
) -> None:
    tab = logged_in_tab(browser, live_server, user)
    try:
        region = tab.get_by_label("Region")
        # Bavarian calls are not open to a Kreis in NRW: the Eingang does not offer them ...
        expect(region.locator('option[value="Bayern"]')).to_have_count(0)
        expect(region.locator('option[value="NRW"]')).to_have_count(1)
        # ... until it is asked to show calls the Kreis may not apply to
        tab.get_by_label("auch nicht antragsberechtigt").check()
        tab.get_by_role("button", name="Filtern").click()
        tab.wait_for_url(re.compile(r"[?&]ineligible=1"))
        region.select_option("Bayern")
        tab.get_by_role("button", name="Filtern").click()
        tab.wait_for_url(re.compile(r"[?&]region=Bayern&"))
        expect(tab.locator(".count")).to_have_text("2 Aufrufe")
        expect(tab.locator("li.call-row")).to_have_count(2)
        with tab.expect_download() as info:
            tab.get_by_role("link", name="CSV exportieren").click()
        assert info.value.suggested_filename == (
            f"foerderaufrufe-eingang-{local_today().isoformat()}-bayern"
            "-auch-nicht-antragsberechtigt.csv"
        )
    finally:
        tab.context.close()


def _row_badges(tab: Any) -> set[str]:
    return set(tab.locator("li.call-row .marks .badge[class*='elig-']").all_inner_texts())


def test_the_eligibility_filter_stays_through_paging_sorting_and_the_way_back(
    browser: Any, live_server: str, user: User
) -> None:
    """A town's officer hides the calls only a project partner may apply for, and they stay hidden."""
    tab = logged_in_tab(browser, live_server, user)
    try:
        tab.get_by_label("Antragsberechtigung").select_option(label="antragsberechtigt")
        tab.get_by_role("button", name="Filtern").click()
        tab.wait_for_url(re.compile(r"[?&]berechtigung=ja&"))
        assert _row_badges(tab) == {"antragsberechtigt"}
        expect(tab.locator(".filter-title .badge-count")).to_have_text("1 aktiv")
        # sorting by deadline keeps it
        tab.get_by_label("Sortierung").select_option(label="nächste Frist")
        tab.get_by_role("button", name="Filtern").click()
        tab.wait_for_url(re.compile(r"sort=frist"))
        assert _row_badges(tab) == {"antragsberechtigt"}
        # so does the next page
        tab.get_by_role("link", name="Weiter →").click()
        tab.wait_for_url(re.compile(r"page=2"))
        assert "berechtigung=ja" in tab.url
        assert _row_badges(tab) == {"antragsberechtigt"}
        expect(tab.get_by_label("Antragsberechtigung")).to_have_value("ja")
        listed = tab.url
        # a call and back to the list: the same page, still filtered
        tab.locator("li.call-row .call-title a").first.click()
        tab.get_by_role("link", name="Zurück zur Liste").click()
        tab.wait_for_url(listed)
        expect(tab.get_by_label("Antragsberechtigung")).to_have_value("ja")
        # a quick decision comes back to the filtered list too
        row = tab.locator("li.call-row").first
        row.get_by_text("Entscheiden").click()
        row.get_by_role("button", name="in Prüfung", exact=True).click()
        tab.wait_for_url(re.compile(r"berechtigung=ja.*page=2"))
        assert _row_badges(tab) == {"antragsberechtigt"}
    finally:
        tab.context.close()


def test_the_keyboard_reaches_the_first_call_without_the_filter_form(
    browser: Any, live_server: str, user: User
) -> None:
    """Before, the first call came after some thirty Tab presses, past every filter field."""
    tab = logged_in_tab(browser, live_server, user)
    try:
        tab.keyboard.press("Tab")
        expect(tab.locator(":focus")).to_have_text("Zum Inhalt springen")
        tab.keyboard.press("Tab")
        expect(tab.locator(":focus")).to_have_text("Zu den Aufrufen springen")
        tab.keyboard.press("Enter")
        # the row's eligibility badge first: a tab stop, so that its reason shows
        tab.keyboard.press("Tab")
        expect(tab.locator("li.call-row .has-why").first).to_be_focused()
        tab.keyboard.press("Tab")
        first = tab.locator("li.call-row .call-title a").first
        expect(first).to_be_focused()
        tab.keyboard.press("Enter")
        tab.wait_for_url(re.compile(r"/aufrufe/\d+\?zurueck="))
    finally:
        tab.context.close()
