"""What a funding officer read on the lists (QA round `ui2`): sources by their technical id,
two different "neu" side by side, and an empty Eingang search that ended there."""

from __future__ import annotations

import re
from datetime import timedelta

from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from webapp.models import Call, Review


def _text(response) -> str:  # type: ignore[no-untyped-def]
    assert response.status_code == 200
    return response.get_data(as_text=True)


def _first_call(session: Session, source: str) -> Call:
    call = session.scalar(
        select(Call).where(Call.source == source, Call.canonical_id.is_(None)).order_by(Call.id)
    )
    assert call is not None, source
    return call


# --- 3. an empty Eingang search -----------------------------------------------------------------


def _elsewhere(page: str) -> str:
    found = re.search(r'<p class="elsewhere">(.*?)</p>', page, re.S)
    assert found, page[page.index('class="results"') :]
    return found.group(1)


def test_an_empty_inbox_search_offers_the_same_search_in_all_calls(
    auth_client: FlaskClient, session: Session
) -> None:
    """A search the Eingang finds nothing for ended there, though the call was decided (or
    closed, or ineligible) and Alle Aufrufe had it."""
    call = _first_call(session, "nrw")
    call.title = "Förderaufruf Zauberwortprogramm für Kommunen"
    session.add(Review(call_id=call.id, status="relevant", call_hash=call.content_hash))
    session.commit()

    page = _text(auth_client.get("/?q=Zauberwortprogramm&region=NRW&closed=1&sort=frist"))
    assert "call-row" not in page and "Keine Aufrufe passen" in page
    offer = _elsewhere(page)
    link = re.search(r'<a href="([^"]+)">([^<]+)</a>', offer)
    assert link is not None, offer
    assert link.group(2) == "1 passenden Aufruf in „Alle Aufrufe“ ansehen"
    # the same search and the filters that Alle Aufrufe has; the Eingang's switch falls away
    href = link.group(1).replace("&amp;", "&")
    assert href == "/aufrufe?q=Zauberwortprogramm&region=NRW&sort=frist"
    there = _text(auth_client.get(href))
    assert re.findall(r'<li class="call-row" id="call-(\d+)"', there) == [str(call.id)]

    # A review status chosen in the Eingang stays: a relevant call past its deadline.
    call.deadline = call.first_seen.date() - timedelta(days=400)
    session.commit()
    page = _text(auth_client.get("/?q=Zauberwortprogramm&status=relevant"))
    assert "/aufrufe?q=Zauberwortprogramm&amp;status=relevant" in _elsewhere(page)

    # Found nowhere: said so, and no link.
    offer = _elsewhere(_text(auth_client.get("/?q=Nirgendwoprogramm")))
    assert "<a " not in offer and "passt keiner" in offer
    # A list with rows, or Alle Aufrufe itself, offers nothing.
    assert 'class="elsewhere"' not in _text(auth_client.get("/?q=Kommunen"))
    assert 'class="elsewhere"' not in _text(auth_client.get("/aufrufe?q=Nirgendwoprogramm"))
