"""Every page passes axe-core's WCAG 2.2 A/AA rules in a real Chromium, at desktop and phone width.

Public bodies in Germany must meet BITV 2.0 (WCAG 2.1 AA via EN 301 549); the funding officers
of a county are such a body. axe finds what a rule can find (contrast, names, labels, roles,
target sizes); the layout tests and keyboard tests cover what it cannot.
"""

from __future__ import annotations

from typing import Any

import pytest
from axe_playwright_python.sync_playwright import Axe

from tests.web.conftest import logged_in_tab
from webapp.models import User

pytestmark = pytest.mark.browser

WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
VIEWPORTS = {"desktop": {"width": 1280, "height": 900}, "phone": {"width": 390, "height": 844}}
OPEN_ALL_DETAILS = "() => document.querySelectorAll('details').forEach(d => d.open = true)"


def _violations(axe: Axe, tab: Any) -> list[str]:
    """axe's violations on the page as one readable line each: rule, impact, first elements."""
    results = axe.run(tab, options={"runOnly": {"type": "tag", "values": WCAG_TAGS}})
    return [
        f"{v['id']} ({v['impact']}, {len(v['nodes'])}×): "
        + "; ".join(str(n["target"]) for n in v["nodes"][:3])
        for v in results.response["violations"]
    ]


@pytest.fixture(scope="module")
def axe() -> Axe:
    return Axe()


@pytest.mark.parametrize("viewport", VIEWPORTS.values(), ids=VIEWPORTS.keys())
def test_every_page_passes_the_wcag_rules(
    browser: Any,
    live_server: str,
    user: User,
    demo_pages: dict[str, str],
    axe: Axe,
    viewport: dict[str, int],
) -> None:
    tab = logged_in_tab(browser, live_server, user, viewport=viewport)
    try:
        problems: dict[str, list[str]] = {}
        for name, path in demo_pages.items():
            tab.goto(live_server + path)
            # Folded parts (filters, Begründungstext editor, new password …) are checked open.
            tab.evaluate(OPEN_ALL_DETAILS)
            if found := _violations(axe, tab):
                problems[name] = found
        assert problems == {}
    finally:
        tab.context.close()


def test_pages_before_login_pass_the_wcag_rules(browser: Any, live_server: str, axe: Axe) -> None:
    context = browser.new_context(locale="de-DE")
    tab = context.new_page()
    try:
        problems: dict[str, list[str]] = {}
        for path in ("/anmelden", "/passwort-vergessen", "/passwort-neu/kaputt"):
            tab.goto(live_server + path)
            if found := _violations(axe, tab):
                problems[path] = found
        # A failed login shows its error on the same form.
        tab.goto(live_server + "/anmelden")
        tab.get_by_label("E-Mail-Adresse").fill("niemand@kreis-coesfeld.de")
        tab.get_by_label("Passwort").fill("falsch-falsch")
        tab.get_by_role("button", name="Anmelden").click()
        if found := _violations(axe, tab):
            problems["/anmelden (Fehler)"] = found
        assert problems == {}
    finally:
        context.close()
