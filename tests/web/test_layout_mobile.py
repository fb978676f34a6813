"""Layout in a real Chromium at desktop and phone widths: nothing wider than the screen, no
word broken across lines in a table cell or button, a compact header, readable charts."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.web.conftest import logged_in_tab
from webapp.models import Call, ProjectRow, Review, ScrapeRun, Source, User

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
  .filter(e => !e.closest('.table-scroll, .chart-figure, .card > table'))
  .slice(0, 5).map(e => e.tagName + '.' + e.className)"""


@pytest.fixture
def demo_pages(session: Session, user: User) -> dict[str, str]:
    """The pages to check, on demo data with a scraped source and a call in work."""
    user_row = session.get(User, user.id)
    assert user_row is not None
    user_row.role = "admin"  # the users page too
    source = Source(
        name="digitalagentur-nrw",
        kind="feed",
        label="Digitalagentur NRW – Förderhinweise für Kommunen (Atom)",
        url="https://www.digitalagentur.nrw/feed.atom",
    )
    session.add(source)
    session.flush()
    started = datetime.now(UTC).replace(tzinfo=None) - timedelta(days=7)
    for week, hints in ((0, ""), (1, "Feed fehlerhaft, Einträge trotzdem gelesen")):
        run = ScrapeRun(
            source_id=source.id,
            started_at=started + timedelta(days=7 * week),
            status="ok",
            parsed=6,
            new=6 - 6 * week,
        )
        if hints:
            run.set_warnings([hints])
        session.add(run)
    call = session.scalars(
        select(Call).where(Call.deadline > date.today()).order_by(Call.deadline)
    ).first()
    assert call is not None
    session.add(Review(call_id=call.id, status="relevant"))
    session.commit()
    project = session.scalars(select(ProjectRow).order_by(ProjectRow.id)).first()
    assert project is not None
    return {
        "Eingang": "/",
        "Alle Aufrufe": "/aufrufe?sort=frist",
        "Aufruf": f"/aufrufe/{call.id}",
        "Strategie": "/strategie/",
        "Projekt": f"/strategie/projekte/{project.id}",
        "Fristen": "/fristen/",
        "Quellen": "/quellen/",
        "Konto": "/konto",
        "Benutzer": "/verwaltung/benutzer",
        "Aufruf anlegen": "/aufrufe/neu",
    }


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


def test_phone_header_is_compact(demo_pages: dict[str, str], phone: Any) -> None:
    phone.reload()  # as an admin: the most links a header carries
    assert phone.get_by_role("link", name="Benutzer").is_visible()
    header = phone.locator(".site-header").bounding_box()
    assert header["height"] <= 130  # three short rows, not ten stacked items
    button = phone.get_by_role("link", name="+ Aufruf anlegen")
    box = button.bounding_box()
    assert box["height"] < 40  # one line
    assert box["x"] + box["width"] <= PHONE["width"] - 8  # off the screen edge
    nav = phone.get_by_role("navigation", name="Hauptnavigation")
    assert nav.bounding_box()["height"] < 45  # one row, scrolling sideways if need be
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


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


def test_filters_are_open_on_a_wide_screen(browser: Any, live_server: str, user: User) -> None:
    tab = _logged_in(browser, live_server, user, DESKTOP)
    try:
        assert tab.get_by_label("Frist").is_visible()
        assert tab.get_by_label("Volltextsuche").is_visible()
    finally:
        tab.context.close()


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
