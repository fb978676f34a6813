"""Layout in a real Chromium at desktop and phone widths: nothing wider than the screen, no
word broken across lines in a table cell or button, a compact header with every menu item in
sight, readable charts, nothing to swipe sideways, foldable filters, amounts on one line and
tables that stay tables for screen readers when they stack as cards."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from playwright.sync_api import expect
from sqlalchemy.orm import Session

from tests.web.conftest import logged_in_tab
from webapp.models import User
from webapp.users import new_ical_token

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1440, "height": 1000}

# Every word of a table cell, button or header link that the browser split over two lines;
# a hyphen or dash may end a line, so words are taken between them. Calendar entries are
# clamped to two lines on purpose, URLs marked .break may break anywhere.
BROKEN_WORDS = """() => {
  const broken = new Set();
  const roots = document.querySelectorAll(
    'main td, main th, main .button, main button, main summary, .site-header a, .site-header button');
  for (const root of roots) {
    if (root.closest('.month')) continue;
    const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      if (node.parentElement.closest('.visually-hidden, .break')) continue;
      for (const m of node.data.matchAll(/[^\\s\\-–\\/]{2,}/g)) {
        const range = document.createRange();
        range.setStart(node, m.index);
        range.setEnd(node, m.index + m[0].length);
        const lines = new Set([...range.getClientRects()].filter(r => r.width > 0).map(r => Math.round(r.top)));
        if (lines.size > 1) broken.add(m[0]);
      }
    }
  }
  return [...broken];
}"""

# Elements sticking out beyond the right edge of the screen (what makes a page scroll sideways).
OVERFLOWING = """() => [...document.querySelectorAll('body *')]
  .filter(e => e.getBoundingClientRect().right > document.documentElement.clientWidth + 1)
  .filter(e => !e.closest('.table-scroll, .chart-figure'))
  .slice(0, 5).map(e => e.tagName + '.' + e.className)"""


def _logged_in(browser: Any, live_server: str, user: User, viewport: dict[str, int]) -> Any:
    return logged_in_tab(browser, live_server, user, viewport=viewport)


@pytest.fixture
def phone(browser: Any, live_server: str, user: User) -> Iterator[Any]:
    """A logged-in tab 390 px wide."""
    tab = _logged_in(browser, live_server, user, PHONE)
    yield tab
    tab.context.close()


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_pages_fit_the_screen_and_break_no_word(
    browser: Any, live_server: str, user: User, demo_pages: dict[str, str], viewport: Any
) -> None:
    tab = _logged_in(browser, live_server, user, viewport)
    try:
        problems = {}
        for name, path in demo_pages.items():
            tab.goto(live_server + path)
            width = tab.evaluate("document.documentElement.scrollWidth")
            broken = tab.evaluate(BROKEN_WORDS)
            if width > viewport["width"] or broken:
                problems[name] = (width, broken, tab.evaluate(OVERFLOWING))
        assert problems == {}
    finally:
        tab.context.close()


def test_users_table_shows_every_column_on_a_laptop(
    browser: Any, live_server: str, user: User, demo_pages: dict[str, str], session: Session
) -> None:
    """With a locked officer (Entsperren, Deaktivieren) the Zugang column was cut off
    behind a sideways scroll at 1280 px."""
    officer = User(
        email="anna.schulte-hoelscher@kreis-coesfeld.de",
        name="Anna Schulte-Hölscher",
        password_hash=session.get(User, user.id).password_hash,  # type: ignore[union-attr]
        role="officer",
        ical_token=new_ical_token(),
        failed_logins=5,
        locked_until=datetime.now(UTC).replace(tzinfo=None) + timedelta(hours=1),
    )
    session.add(officer)
    session.commit()
    tab = _logged_in(browser, live_server, user, {"width": 1280, "height": 900})
    try:
        tab.goto(live_server + demo_pages["Benutzer"])
        scroll = tab.locator(".table-scroll").first
        assert scroll.evaluate("e => e.scrollWidth <= e.clientWidth"), "table scrolls sideways"
        assert tab.get_by_role("button", name="Deaktivieren").first.is_visible()
    finally:
        tab.context.close()


def test_phone_header_is_compact_and_shows_every_menu_item(
    demo_pages: dict[str, str], phone: Any
) -> None:
    phone.reload()  # as an admin: the most links a header carries
    assert phone.get_by_role("link", name="Benutzer").is_visible()
    header = phone.locator(".site-header").bounding_box()
    assert header["height"] <= 170  # four short rows, not ten stacked items
    button = phone.get_by_role("link", name="+ Aufruf anlegen")
    box = button.bounding_box()
    assert box["height"] < 40  # one line
    assert box["x"] + box["width"] <= PHONE["width"] - 8  # off the screen edge
    nav = phone.get_by_role("navigation", name="Hauptnavigation")
    assert nav.bounding_box()["height"] < 80  # at most two rows
    # every item on the screen as it is: nothing scrolled out of sight, nothing to swipe
    items = nav.get_by_role("link")
    assert items.all_inner_texts() == ["Eingang", "Alle Aufrufe", "Fristen", "Strategie", "Quellen"]
    for item in items.all():
        assert item.is_visible()
        box = item.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"], item.inner_text()
        assert box["y"] + box["height"] <= header["y"] + header["height"]
        assert box["height"] < 40  # one line
    assert nav.evaluate("e => e.scrollWidth <= e.clientWidth")
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    nav.get_by_role("link", name="Quellen").click()
    phone.wait_for_url("**/quellen/")


@pytest.mark.parametrize("width", [960, 1024])
def test_the_header_stays_short_in_a_half_screen_window(
    browser: Any, live_server: str, user: User, demo_pages: dict[str, str], width: int
) -> None:
    """A window on half of a 1920 px screen, or a tablet held across. Before, from 901 to
    1100 px the menu had only the room the brand, the button and the account links left it:
    one item per row, a header of five rows over the first screen."""
    tab = _logged_in(browser, live_server, user, {"width": width, "height": 800})
    try:
        tab.goto(live_server + "/")  # as an admin: the most links a header carries
        header = tab.locator(".site-header").bounding_box()
        assert header["height"] <= 140
        items = tab.get_by_role("navigation", name="Hauptnavigation").get_by_role("link")
        assert len({round(item.bounding_box()["y"]) for item in items.all()}) == 1  # one row
    finally:
        tab.context.close()


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_filters_fold_on_a_phone_and_work_without_javascript(
    browser: Any, live_server: str, user: User, javascript: bool
) -> None:
    tab = logged_in_tab(browser, live_server, user, viewport=PHONE, javascript=javascript)
    try:
        # Folded: the first call is on the first screen.
        assert not tab.get_by_label("Frist").is_visible()
        assert tab.locator("li.call-row").first.bounding_box()["y"] < PHONE["height"] * 0.6
        tab.locator("label.filter-title").click()
        tab.get_by_label("Frist").select_option("365")
        tab.get_by_role("button", name="Filtern").click()
        tab.wait_for_url(re.compile(r"frist=365"))
        assert "1 aktiv" in tab.locator(".filter-title").inner_text()
        assert not tab.get_by_label("Frist").is_visible()
    finally:
        tab.context.close()


# The arrow before the filter title: ▾ open, ▸ folded.
FILTER_ARROW = "getComputedStyle(document.querySelector('.filter-title'), '::before').content"


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_filters_are_open_on_a_wide_screen_and_fold(
    browser: Any, live_server: str, user: User, javascript: bool
) -> None:
    tab = logged_in_tab(browser, live_server, user, viewport=DESKTOP, javascript=javascript)
    try:
        assert tab.get_by_label("Frist").is_visible()
        assert tab.get_by_label("Volltextsuche").is_visible()
        assert "▾" in tab.evaluate(FILTER_ARROW)
        # a screen reader hears what the switch does here: fold
        switch = tab.get_by_role("checkbox", name="Filter ausblenden")
        assert not switch.is_checked()
        list_width = tab.locator(".results").bounding_box()["width"]

        tab.locator("label.filter-title").click()
        assert not tab.get_by_label("Frist").is_visible()
        assert tab.locator("label.filter-title").is_visible()  # the way back stays in sight
        assert "▸" in tab.evaluate(FILTER_ARROW)
        assert switch.is_checked()
        # folded, the list takes the room the filters had
        assert tab.locator(".results").bounding_box()["width"] > list_width + 200

        tab.locator("label.filter-title").click()
        assert tab.get_by_label("Frist").is_visible()
        assert "▾" in tab.evaluate(FILTER_ARROW)
    finally:
        tab.context.close()


def test_folded_filters_stay_folded_on_the_next_list_page(
    browser: Any, live_server: str, user: User
) -> None:
    """On a wide screen the choice is kept (with JavaScript); a phone still opens folded."""
    tab = logged_in_tab(browser, live_server, user, viewport=DESKTOP)
    try:
        tab.locator("label.filter-title").click()
        assert not tab.get_by_label("Frist").is_visible()
        tab.get_by_role("link", name="Alle Aufrufe").first.click()
        tab.wait_for_url("**/aufrufe")
        assert not tab.get_by_label("Frist").is_visible()
        assert "▸" in tab.evaluate(FILTER_ARROW)
        tab.locator("label.filter-title").click()  # opened again: open on the next page too
        tab.goto(live_server + "/")
        assert tab.get_by_label("Frist").is_visible()
        tab.locator("label.filter-title").click()
        # the same browser on a phone-sized window: folded as always there, opens on demand
        tab.set_viewport_size(PHONE)
        tab.goto(live_server + "/")
        assert not tab.get_by_label("Frist").is_visible()
        tab.locator("label.filter-title").click()
        assert tab.get_by_label("Frist").is_visible()
    finally:
        tab.context.close()


def test_filter_switch_says_what_it_does_on_a_phone(phone: Any) -> None:
    assert "▸" in phone.evaluate(FILTER_ARROW)
    switch = phone.get_by_role("checkbox", name="Filter einblenden")
    assert not switch.is_checked()
    phone.locator("label.filter-title").click()
    assert switch.is_checked() and phone.get_by_label("Frist").is_visible()
    assert "▾" in phone.evaluate(FILTER_ARROW)


def _open_run_histories(tab: Any) -> None:
    """Unfold every source's "Letzte Läufe" on the Quellen page (nothing elsewhere)."""
    for summary in tab.locator("tr.run-history summary").all():
        summary.click()


# Boxes that scroll sideways because their content is wider (what a user has to swipe).
SWIPEABLE = """() => [document.scrollingElement, ...document.querySelectorAll('main *')]
  .filter(e => e === document.scrollingElement
               || ['auto', 'scroll'].includes(getComputedStyle(e).overflowX))
  .filter(e => e.scrollWidth > e.clientWidth + 1)
  .map(e => e.tagName + '.' + e.className)"""


def test_calendar_and_sources_need_no_sideways_swipe_on_a_phone(
    demo_pages: dict[str, str], phone: Any, live_server: str
) -> None:
    phone.goto(live_server + demo_pages["Fristen im Monat"])
    days = phone.locator("table.month td.has-items")
    assert days.count() >= 1
    # a list of the days with deadlines: each day names its weekday and date, its calls
    # follow in the full width of the screen
    first = days.first
    assert re.fullmatch(
        r"(Mo|Di|Mi|Do|Fr|Sa|So) \d\d\.\d\d\.\d{4}", first.locator(".day-no").inner_text()
    )
    for entry in phone.locator("table.month .cal-item").all():
        box = entry.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"]
        assert box["width"] > PHONE["width"] / 2
    assert phone.locator("table.month td:not(.has-items)").first.is_hidden()
    assert phone.evaluate(SWIPEABLE) == []

    phone.goto(live_server + "/fristen/?monat=2099-01")  # no deadlines: said, not an empty list
    assert phone.get_by_text("Keine Fristen im Januar 2099.").is_visible()

    phone.goto(live_server + demo_pages["Quellen"])
    _open_run_histories(phone)
    runs = phone.locator("table.runs").first
    assert runs.is_visible()
    # each run a card: its numbers named, side by side within the screen
    found = runs.locator('td[data-label="gefunden"]').first
    assert "gefunden: " in found.evaluate("e => getComputedStyle(e, '::before').content")
    box = found.bounding_box()
    assert box["x"] + box["width"] <= PHONE["width"]
    assert box["y"] == runs.locator('td[data-label="neu"]').first.bounding_box()["y"]
    assert phone.evaluate(SWIPEABLE) == []


@pytest.mark.parametrize("width", [1120, 1366])
def test_the_month_shows_all_seven_days_beside_the_timeline(
    browser: Any, live_server: str, user: User, demo_pages: dict[str, str], width: int
) -> None:
    """Laptop widths put the month beside the timeline. Before, its column was narrower than
    the month's seven columns from 1101 to 1439 px: Sunday lay outside, to be scrolled to."""
    tab = _logged_in(browser, live_server, user, {"width": width, "height": 900})
    try:
        tab.goto(live_server + demo_pages["Fristen im Monat"])
        timeline = tab.locator("ol.timeline").bounding_box()
        shown = tab.locator(".table-scroll:has(> table.month)").bounding_box()
        assert shown["x"] > timeline["x"] + timeline["width"]  # side by side
        sunday = tab.get_by_role("columnheader", name="So", exact=True).bounding_box()
        assert sunday["x"] + sunday["width"] <= shown["x"] + shown["width"] + 1
        assert tab.evaluate(SWIPEABLE) == []
    finally:
        tab.context.close()


# The lines an amount of the page takes, from its first digit to its "€": the client rects of
# the text node holding it, squeezed to its narrowest.
LINES_OF_AMOUNT = """number => {
  const walker = document.createTreeWalker(document.querySelector('main'), NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const at = node.data.indexOf(number);
    if (at < 0) continue;
    node.parentElement.style.width = 'min-content';
    const range = document.createRange();
    range.setStart(node, at);
    range.setEnd(node, node.data.indexOf('€', at) + 1);
    return new Set([...range.getClientRects()].filter(r => r.width > 0).map(r => Math.round(r.top))).size;
  }
  return 0;
}"""


def test_an_amount_stays_on_one_line(
    demo_pages: dict[str, str], phone: Any, live_server: str
) -> None:
    phone.goto(live_server + demo_pages["Aufruf"])
    assert phone.locator("dd", has_text="1.500.000").inner_text() == "1.500.000\u00a0€"
    # even in the narrowest box, no line break between the number and its "€"
    assert phone.evaluate(LINES_OF_AMOUNT, "1.500.000") == 1


# Every stacked table (shown as cards) with the roles of its parts, and the parts that lack them.
STACKED_TABLES = """() => [...document.querySelectorAll('main table')]
  .filter(t => t.getClientRects().length && getComputedStyle(t).display !== 'table')
  .map(t => ({
    name: t.className,
    role: t.getAttribute('role'),
    missing: [
      ...[...t.querySelectorAll(':scope > thead, :scope > tbody')]
        .filter(e => e.getAttribute('role') !== 'rowgroup'),
      ...[...t.querySelectorAll(':scope > * > tr')].filter(e => e.getAttribute('role') !== 'row'),
      ...[...t.querySelectorAll(':scope > * > tr > th')]
        .filter(e => e.getAttribute('role') !== 'columnheader'),
      ...[...t.querySelectorAll(':scope > * > tr > td')].filter(e => e.getAttribute('role') !== 'cell'),
    ].map(e => e.tagName),
  }))"""


def test_stacked_tables_keep_their_table_roles(
    demo_pages: dict[str, str], phone: Any, live_server: str
) -> None:
    found = {}
    for name in ("Aufruf", "Strategie", "Projekt", "Fristen im Monat", "Quellen", "Benutzer"):
        phone.goto(live_server + demo_pages[name])
        _open_run_histories(phone)
        for table in phone.evaluate(STACKED_TABLES):
            found[table["name"]] = table
    assert set(found) == {
        "match-table",  # the call page: its projects, sources and change history
        "stack-table call-sources-table",
        "history stack-table",
        "projects stack-table",  # the strategy, a project's calls
        "stack-table calls-table",
        "month",  # the calendar as a list of days
        "sources stack-table",  # the sources and each one's runs
        "runs stack-table",
        "stack-table users-table",
    }
    for table in found.values():
        assert table["role"] == "table" and table["missing"] == [], table
    # the calendar's cells keep their weekday when the empty days around them are hidden
    phone.goto(live_server + demo_pages["Fristen im Monat"])
    day = phone.locator("table.month td.has-items").first
    weekday = day.locator(".day-no").inner_text()[:2]
    index = int(day.get_attribute("aria-colindex"))
    assert phone.locator("table.month th").nth(index - 1).text_content() == weekday


def test_strategy_chart_stays_readable_on_a_phone(phone: Any, live_server: str) -> None:
    phone.goto(live_server + "/strategie/")
    # the rendered size of each label: its font size times the chart's scale
    sizes = phone.evaluate(
        """() => [...document.querySelectorAll('svg.chart text')].map(t => {
             const svg = t.ownerSVGElement;
             const scale = svg.getBoundingClientRect().width / svg.viewBox.baseVal.width;
             return Number(t.getAttribute('font-size')) * scale;
           })"""
    )
    assert sizes and min(sizes) >= 11
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


def test_a_refused_new_login_opens_at_its_message_on_a_phone(
    browser: Any, live_server: str, user: User, session: Session
) -> None:
    """On a phone the list of logins fills the first screen: the message that the address
    is taken stood below it, and the page looked as if nothing had happened."""
    admin = session.get(User, user.id)
    assert admin is not None
    admin.role = "admin"
    for email, name in (
        ("bernd.wessels@kreis-coesfeld.de", "Bernd Wessels"),
        ("claudia.hues@kreis-coesfeld.de", "Claudia Hüls"),
    ):
        session.add(
            User(
                email=email,
                name=name,
                password_hash=admin.password_hash,
                role="officer",
                ical_token=new_ical_token(),
            )
        )
    session.commit()
    tab = _logged_in(browser, live_server, user, PHONE)
    try:
        tab.goto(live_server + "/verwaltung/benutzer")
        form = tab.locator("form", has=tab.get_by_role("button", name="Anlegen"))
        form.get_by_label("E-Mail-Adresse").fill(user.email)
        form.get_by_label("Name").fill("Zweite Anmeldung")
        form.get_by_label("Passwort (mind. 8 Zeichen)").fill("lang-genug-1")
        form.get_by_role("button", name="Anlegen").click()
        tab.wait_for_load_state()
        message = tab.get_by_role("alert")
        expect(message).to_have_text(re.compile("Es gibt schon eine Anmeldung"))
        expect(message).to_be_in_viewport()
        expect(form.get_by_label("Name")).to_have_value("Zweite Anmeldung")

        # a new login: the list opens at the top with the confirmation and the new row
        form.get_by_label("E-Mail-Adresse").fill("neu@kreis-coesfeld.de")
        form.get_by_label("Passwort (mind. 8 Zeichen)").fill("lang-genug-1")
        form.get_by_role("button", name="Anlegen").click()
        tab.wait_for_url(re.compile(r"/verwaltung/benutzer#inhalt$"))
        expect(tab.get_by_text("Anmeldung neu@kreis-coesfeld.de angelegt.")).to_be_in_viewport()
        expect(tab.get_by_role("heading", name="Benutzer")).to_be_in_viewport()
    finally:
        tab.context.close()


def test_an_address_is_corrected_on_the_benutzer_page_on_a_phone(
    browser: Any, live_server: str, user: User, session: Session
) -> None:
    admin = session.get(User, user.id)
    assert admin is not None
    admin.role = "admin"
    session.add(
        User(
            email="bernd.wesels@kreis-coesfeld.de",
            name="Bernd Wessels",
            password_hash=admin.password_hash,
            ical_token=new_ical_token(),
        )
    )
    session.commit()
    tab = _logged_in(browser, live_server, user, PHONE)
    try:
        tab.goto(live_server + "/verwaltung/benutzer")
        row = tab.get_by_role("row", name=re.compile("bernd.wesels"))
        row.get_by_text("Adresse ändern").click()
        field = row.get_by_label("Neue E-Mail-Adresse für bernd.wesels@kreis-coesfeld.de")
        expect(field).to_have_value("bernd.wesels@kreis-coesfeld.de")
        field.fill("bernd.wessels@kreis-coesfeld.de")
        row.get_by_role("button", name="Adresse ändern: bernd.wesels@kreis-coesfeld.de").click()
        tab.wait_for_load_state()
        expect(
            tab.get_by_text(
                "Anmeldung bernd.wesels@kreis-coesfeld.de heißt jetzt bernd.wessels@kreis-coesfeld.de"
            )
        ).to_be_in_viewport()
        expect(tab.get_by_role("row", name=re.compile("bernd.wessels@"))).to_have_count(1)
        assert tab.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    finally:
        tab.context.close()
