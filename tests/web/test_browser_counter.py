"""In a real Chromium: the live character counter counts like the server (plain_length)."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from matcher.justification import plain_length
from tests.web.conftest import logged_in_tab
from webapp.justifications import find_row
from webapp.models import Match, User

pytestmark = pytest.mark.browser

TEXTS = [
    "Ein Absatz.\n",  # the reviewer's case: a trailing line break the server drops
    "Ein Absatz.\n\n\n\nNoch einer.   ",
    "## Bezug zur Strategie\n\nDas Projekt passt.\n\n> „Ein Zitat“\n> über zwei Zeilen",
    "  Eingerückt\n   zweite Zeile  \n\n \n\nDritter Absatz",
    "Emoji 🚀 und Umlaute äöü, geschützte\u00a0Leerzeichen\u00a0 \n\nEnde",
    "#Überschrift ohne Leerzeichen\nund Fortsetzung\n\n>>Zitat",
    "Tab\tim Text\t\n\t\nnach Tab-Leerzeile",
]


def test_counter_agrees_with_the_stored_length(
    browser: Any, live_server: str, user: User, session: Session
) -> None:
    match = session.scalars(select(Match).order_by(Match.score.desc())).first()
    assert match is not None
    call, project = match.call, match.project.key
    tab = logged_in_tab(browser, live_server, user, viewport={"width": 1400, "height": 900})
    try:
        tab.goto(f"{live_server}/aufrufe/{call.id}")
        article = tab.locator(f"#begruendung-{project}-short")
        article.locator("details.j-edit > summary").click()
        area = article.locator("textarea")
        counter = article.locator("[id$='-short-count']")
        for text in TEXTS:
            area.fill(text)
            assert int(counter.inner_text()) == plain_length(text), repr(text)
        # Saved, the stored text has exactly the length the counter showed.
        area.fill(TEXTS[1])
        shown = int(counter.inner_text())
        article.get_by_role("button", name="Meine Fassung speichern").click()
        tab.wait_for_url(f"**/aufrufe/{call.id}#begruendung-{project}-short")
        session.expire_all()
        row = find_row(session, call, project, "short")
        assert row is not None and row.edited_text is not None
        assert plain_length(row.edited_text) == shown
        article = tab.locator(f"#begruendung-{project}-short")
        assert int(article.locator("[id$='-short-count']").text_content() or "") == shown
    finally:
        tab.context.close()
