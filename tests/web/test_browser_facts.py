"""The call page's key facts in a real Chromium: a long Fördergeber leaves no gap beside Frist."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.web.conftest import logged_in_tab
from webapp.formatting import local_today
from webapp.models import Call, User

pytestmark = pytest.mark.browser

LONG_FUNDER = (
    "Bundesministerium für Wirtschaft und Klimaschutz (BMWK), vertreten durch den Projektträger "
    "Jülich (PtJ), Geschäftsbereich Energiesystem: Integration, in Abstimmung mit dem Ministerium "
    "für Wirtschaft, Industrie, Klimaschutz und Energie des Landes Nordrhein-Westfalen"
)

# The empty space under each fact's value: down to the next fact below it in its column.
GAPS = """() => {
  const cells = [...document.querySelectorAll('.facts dt, .facts dd')].map(
    (el) => [el, el.getBoundingClientRect()]);
  const content = (el) => {
    const range = document.createRange();
    range.selectNodeContents(el);
    return range.getBoundingClientRect();
  };
  const out = {};
  for (const [dt] of cells.filter(([el]) => el.tagName === 'DT')) {
    // the value's content: a grid cell itself stretches to its row's height
    const box = content(dt.nextElementSibling);
    const below = cells.filter(([, r]) => r.top >= box.bottom - 1
      && r.left < box.right && r.right > box.left).map(([, r]) => r.top - box.bottom);
    out[dt.textContent.trim()] = {
      gap: below.length ? Math.min(...below) : 0, height: box.height };
  }
  return out;
}"""


@pytest.mark.parametrize(
    "viewport", [{"width": 1280, "height": 900}, {"width": 390, "height": 844}]
)
def test_a_long_funder_leaves_no_gap_beside_the_deadline(
    browser: Any, live_server: str, user: User, session: Session, viewport: dict[str, int]
) -> None:
    call = session.scalars(
        select(Call).where(Call.canonical_id.is_(None), Call.deadline > local_today())
    ).first()
    assert call is not None
    call.funder = LONG_FUNDER
    session.commit()
    tab = logged_in_tab(browser, live_server, user, viewport=viewport)
    try:
        tab.goto(f"{live_server}/aufrufe/{call.id}")
        gaps = tab.evaluate(GAPS)
        assert gaps["Fördergeber"]["height"] > 40  # the funder does wrap
        # Frist's value is followed by the next fact within a line's spacing, not after
        # the Fördergeber's lines
        assert gaps["Frist"]["gap"] < 20, gaps
        width = tab.evaluate("document.documentElement.scrollWidth")
        assert width <= viewport["width"]
    finally:
        tab.context.close()
