"""Pages of the call lists: each page shows its slice of the list order, deep pages too."""

from __future__ import annotations

import re
from dataclasses import replace

import pytest
from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from webapp import queries
from webapp.formatting import local_today
from webapp.queries import CallFilters, export_rows, list_calls

PAGE_SIZE = 5
COUNT_LIMIT = 40  # from the 8th page of 5 on, a page counts up to its own end


@pytest.mark.parametrize(
    "filters",
    [
        CallFilters(),
        CallFilters(scope="all"),  # closed calls have no score: they end the list
        CallFilters(scope="all", sort="frist"),
        CallFilters(ineligible=True, closed=True, sort="neu"),
    ],
    ids=["inbox", "all", "all-by-deadline", "inbox-everything-by-date"],
)
def test_every_page_shows_its_slice_of_the_list_order(
    session: Session, monkeypatch: pytest.MonkeyPatch, filters: CallFilters
) -> None:
    monkeypatch.setattr(queries, "COUNT_LIMIT", COUNT_LIMIT)
    today = local_today()
    order = [row.id for row in export_rows(session, filters, today=today)]
    last = (len(order) + PAGE_SIZE - 1) // PAGE_SIZE
    assert last > COUNT_LIMIT // PAGE_SIZE + 2, "the demo data must reach the deep pages"
    for number in range(1, last + 3):
        page = list_calls(session, replace(filters, page=number), today=today, page_size=PAGE_SIZE)
        cap = max(COUNT_LIMIT, number * PAGE_SIZE)
        assert page.page == min(number, last)
        assert (page.total, page.more) == (min(len(order), cap), len(order) > cap), number
        start = (page.page - 1) * PAGE_SIZE
        assert [row.id for row in page.rows] == order[start : start + PAGE_SIZE], number


def test_list_row_shows_sources_facts_and_quick_form(
    auth_client: FlaskClient, session: Session
) -> None:
    page = auth_client.get("/aufrufe?sort=frist").get_data(as_text=True)
    rows = re.findall(r'<li class="call-row" id="call-(\d+)">(.*?)</li>', page, re.S)
    assert len(rows) == 25
    for call_id, row in rows:
        assert f'href="/aufrufe/{call_id}?zurueck=/aufrufe?sort%3Dfrist"' in row
        assert f'action="/aufrufe/{call_id}/bewertung"' in row
        assert f'<select id="q-reason-{call_id}" name="reason">' in row
        assert '<input type="hidden" name="zurueck" value="/aufrufe?sort=frist">' in row
        assert 'class="deadline' in row and 'class="badge elig-' in row
        assert re.search(r'class="call-sources muted">Quellen?:\s*(<a href="https?://|\w)', row)
