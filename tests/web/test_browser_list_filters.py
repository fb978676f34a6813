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
