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


FOCUSED = """() => {
  const e = document.activeElement;
  const style = getComputedStyle(e);
  return {tag: e.tagName, text: (e.innerText || '').trim(), id: e.closest('li[id]')?.id || '',
          ring: style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0
                || style.boxShadow !== 'none'};
}"""


def test_a_call_is_decided_with_the_keyboard_alone(
    browser: Any, live_server: str, user: User
) -> None:
    """Skip link first, then Tab to a row's "Entscheiden", Enter, Tab, Enter: marked relevant,
    with a visible focus ring on every stop."""
    tab = logged_in_tab(browser, live_server, user)
    try:
        tab.keyboard.press("Tab")
        first = tab.evaluate(FOCUSED)
        assert first["text"] == "Zum Inhalt springen" and first["ring"]
        tab.keyboard.press("Enter")
        assert tab.url.endswith("#inhalt")

        stops = []
        for _ in range(300):
            tab.keyboard.press("Tab")
            focused = tab.evaluate(FOCUSED)
            stops.append(focused)
            if focused["tag"] == "SUMMARY" and focused["text"].startswith("Entscheiden"):
                break
        else:
            raise AssertionError("no Entscheiden reached with Tab")
        assert all(s["ring"] for s in stops), [s for s in stops if not s["ring"]][:3]
        row_id = focused["id"]
        assert row_id.startswith("call-")
        tab.keyboard.press("Enter")  # opens the quick decision
        tab.keyboard.press("Tab")
        button = tab.evaluate(FOCUSED)
        assert button["tag"] == "BUTTON" and button["text"] == "relevant" and button["ring"]
        tab.keyboard.press("Enter")
        tab.wait_for_load_state()
        assert tab.locator(f"#{row_id}").count() == 0  # decided: no longer in the Eingang
        assert "relevant" in tab.locator(".flash").first.inner_text()
    finally:
        tab.context.close()


@pytest.mark.parametrize("viewport", VIEWPORTS.values(), ids=VIEWPORTS.keys())
def test_the_confirmation_with_rueckgaengig_passes_the_wcag_rules(
    browser: Any, live_server: str, user: User, axe: Axe, viewport: dict[str, int]
) -> None:
    """The confirmation of a quick decision carries a button (contrast, target size)."""
    tab = logged_in_tab(browser, live_server, user, viewport=viewport)
    try:
        row = tab.locator("li.call-row").nth(3)
        row.get_by_text("Entscheiden").click()
        row.get_by_role("button", name="in Prüfung").click()
        tab.wait_for_load_state()
        assert tab.get_by_role("button", name="Rückgängig").is_visible()
        assert _violations(axe, tab) == []
    finally:
        tab.context.close()
