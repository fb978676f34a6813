"""Layout in a real Chromium at desktop and phone widths: nothing wider than the screen, no
word broken across lines in a table cell or button, a compact header, readable charts."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.conftest import TEST_PASSWORD
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
    context = browser.new_context(viewport=viewport, locale="de-DE")
    tab = context.new_page()
    tab.set_default_timeout(10_000)
    tab.goto(live_server + "/anmelden")
    tab.get_by_label("E-Mail-Adresse").fill(user.email)
    tab.get_by_label("Passwort").fill(TEST_PASSWORD)
    tab.get_by_role("button", name="Anmelden").click()
    tab.wait_for_url(live_server + "/")
    return tab


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
