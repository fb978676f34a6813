"""Call lists: 'nächste Frist' starts with open deadlines; Mindestpassung takes 0,5 and 0.5."""

from __future__ import annotations

import re
from datetime import date

from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from webapp.queries import CallFilters, count_calls, export_rows, list_calls


def test_next_deadline_sort_puts_expired_calls_after_the_open_ones(session: Session) -> None:
    today = date.today()
    rows = list(export_rows(session, CallFilters(scope="all", sort="frist"), today=today))
    deadlines = [r.deadline for r in rows]
    open_ = [d for d in deadlines if d is not None and d >= today]
    expired = [d for d in deadlines if d is not None and d < today]
    undated = len(deadlines) - len(open_) - len(expired)
    assert open_ and expired and undated, "the demo data has all three"
    # soonest open first, then the calls without a deadline, then the most recently expired
    assert deadlines == sorted(open_) + [None] * undated + sorted(expired, reverse=True)
    first = list_calls(session, CallFilters(scope="all", sort="frist"), today=today).rows[0]
    assert first.deadline is not None and first.deadline >= today


def test_the_first_row_of_the_page_is_not_expired(auth_client: FlaskClient) -> None:
    page = auth_client.get("/aufrufe?sort=frist").get_data(as_text=True)
    first_row = page[page.index('<li class="call-row"') :]
    first_row = first_row[: first_row.index("</li>")]
    assert 'class="deadline past"' not in first_row and "abgelaufen" not in first_row


def test_minimum_score_takes_a_decimal_comma_or_point(
    auth_client: FlaskClient, session: Session
) -> None:
    today = date.today()
    expected = count_calls(session, CallFilters(min_score=0.5), today)
    assert 0 < expected < count_calls(session, CallFilters(), today)
    for typed in ("0,5", "0.5", " 0,5 "):
        page = auth_client.get("/", query_string={"min_score": typed}).get_data(as_text=True)
        assert f'<strong class="count">{expected} Aufrufe</strong>' in page, typed
        field = re.search(r'<input id="f-min"[^>]*>', page)
        assert field is not None
        # a text field (a number field refuses "0,5" in an English browser), shown the German way
        assert 'type="text"' in field.group(0) and 'inputmode="decimal"' in field.group(0)
        assert 'value="0,5"' in field.group(0)
