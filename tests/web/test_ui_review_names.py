"""What a funding officer read on the lists (QA round `ui2`): sources by their technical id,
two different "neu" side by side, and an empty Eingang search that ended there."""

from __future__ import annotations

import csv
import io
import re
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from webapp.models import Call, Review, Source, utcnow

NRW_LABEL = "NRW-Ministerium für Heimat, Kommunales, Bau und Digitalisierung – Förderaufrufe"
NRW_SHORT = "NRW-Ministerium für Heimat, Kommunales, Bau und Digitalisierung"
EU_LABEL = "EU Funding & Tenders Portal (SEDIA-Such-API)"
EU_SHORT = "EU Funding & Tenders Portal"


def local_date(stored: datetime) -> date:
    """The day an officer in Germany saw as the day of a stored (naive UTC) time."""
    return stored.replace(tzinfo=UTC).astimezone(ZoneInfo("Europe/Berlin")).date()


def _text(response) -> str:
    assert response.status_code == 200
    return response.get_data(as_text=True)


def _first_call(session: Session, source: str) -> Call:
    call = session.scalar(
        select(Call).where(Call.source == source, Call.canonical_id.is_(None)).order_by(Call.id)
    )
    assert call is not None, source
    return call


def _row(page: str, call_id: int) -> str:
    start = page.index(f'id="call-{call_id}"')
    return page[start : page.index("</li>", start)]


def _source_select(page: str) -> str:
    return page[
        page.index('<select id="f-source"') : page.index("</select>", page.index('id="f-source"'))
    ]


def _detail_head(page: str) -> str:
    start = page.index('class="detail-head"')
    return page[start : page.index("</header>", start)]


# --- 1. sources by name ----------------------------------------------------------------------


def test_lists_filter_call_page_and_csv_name_sources_by_their_label(
    auth_client: FlaskClient, session: Session
) -> None:
    """`nrw-foerderaufrufe`, `eu-ft`: the lists, the Quelle filter, the call page and the CSV
    showed the sources' ids, though sources.yaml gives each a label."""
    session.add_all(
        [
            Source(name="nrw", kind="html-list", label=NRW_LABEL),
            Source(name="eu-ft", kind="eu-ft", label=EU_LABEL),
        ]
    )
    nrw = _first_call(session, "nrw")
    eu = _first_call(session, "eu-ft-auszug")
    eu.source = "eu-ft"  # as `scrape eu-ft` stores it (`import` refuses a scraped source's name)
    eu.canonical_id = nrw.id  # the same call published by both sources
    session.commit()

    # The row names both sources short, the full label as tooltip; the link still leads there.
    page = _text(auth_client.get(f"/aufrufe?source=nrw&q={nrw.external_id}"))
    row = _row(page, nrw.id)
    sources = row[row.index('class="call-sources') :]
    assert "Quellen:" in sources
    assert f'title="{NRW_LABEL}"' in sources and f">{NRW_SHORT}</a>" in sources
    assert f'title="{EU_LABEL.replace("&", "&amp;")}"' in sources
    assert f">{EU_SHORT.replace('&', '&amp;')}</a>" in sources
    assert ">nrw<" not in sources and ">eu-ft<" not in sources

    # The filter offers names, filters by the id: a bookmark of ?source=nrw keeps working.
    select_html = _source_select(page)
    assert re.search(
        rf'<option value="nrw" title="{re.escape(NRW_LABEL)}" selected>{re.escape(NRW_SHORT)}</option>',
        select_html,
    ), select_html
    assert f'<option value="eu-ft" title="{EU_LABEL.replace("&", "&amp;")}">' in select_html
    # a source without a row (an import's, e.g. "bund") keeps its id, with nothing to explain
    assert '<option value="bund">bund</option>' in select_html
    page = _text(auth_client.get("/aufrufe?source=nrw"))
    rows = re.findall(r'<li class="call-row" id="call-(\d+)"', page)
    assert len(rows) == 25
    assert {session.get(Call, int(i)).source for i in rows} == {"nrw"}  # type: ignore[union-attr]

    # The call page: the full label, the duplicate's too.
    detail = _text(auth_client.get(f"/aufrufe/{nrw.id}"))
    table = detail[detail.index('id="h-sources"') : detail.index('id="h-changes"')]
    assert NRW_LABEL in table and EU_LABEL.replace("&", "&amp;") in table
    assert ">nrw<" not in table and "eu-ft" not in table

    # The CSV: full labels; an imported call's source as it came.
    body = auth_client.get("/export.csv?scope=all").get_data(as_text=True).lstrip("\ufeff")
    by_id = {r["ID"]: r for r in csv.DictReader(io.StringIO(body), delimiter=";")}
    assert by_id[str(nrw.id)]["Quellen"] == f"{EU_LABEL}, {NRW_LABEL}"
    bund = _first_call(session, "bund")
    assert by_id[str(bund.id)]["Quellen"] == "bund"


def test_sources_sharing_a_short_name_are_told_apart_in_the_filter(
    auth_client: FlaskClient, session: Session
) -> None:
    """Two feeds of one agency would both read "Digitalagentur NRW": the form says which."""
    session.add_all(
        [
            Source(name="feed", kind="feed", label="Digitalagentur NRW – Förderhinweise (Atom)"),
            Source(name="nrw", kind="feed", label="Digitalagentur NRW – Wettbewerbe (RSS)"),
        ]
    )
    session.commit()
    select_html = _source_select(_text(auth_client.get("/aufrufe")))
    assert ">Digitalagentur NRW – Förderhinweise (Atom)</option>" in select_html
    assert ">Digitalagentur NRW – Wettbewerbe (RSS)</option>" in select_html
    assert ">Digitalagentur NRW</option>" not in select_html


# --- 2. "neu" (review status) and the mark of a call found this week --------------------------


def test_the_found_mark_says_when_and_is_not_a_second_neu(
    auth_client: FlaskClient, session: Session
) -> None:
    """Alle Aufrufe showed "neu seit letzter Woche" beside the review status "neu"."""
    fresh = _first_call(session, "nrw")
    old = _first_call(session, "eu-ft-auszug")
    old.first_seen = utcnow() - timedelta(days=30)
    session.commit()
    found = f"gefunden am {local_date(fresh.first_seen):%d.%m.}"

    page = _text(auth_client.get(f"/aufrufe?q={fresh.external_id}"))
    assert "neu seit" not in page
    row = _row(page, fresh.id)
    marks = row[: row.index("</div>")]
    assert found in marks and '<span class="pill st-new">neu</span>' in marks
    assert "gefunden am" not in _row(
        _text(auth_client.get(f"/aufrufe?q={old.external_id}")), old.id
    )

    # the call page says the same; an older call has no mark
    assert found in _detail_head(_text(auth_client.get(f"/aufrufe/{fresh.id}")))
    assert "gefunden am" not in _detail_head(_text(auth_client.get(f"/aufrufe/{old.id}")))

    # the CSV: a date beside the status, no second "Neu" column
    body = auth_client.get("/export.csv?scope=all").get_data(as_text=True).lstrip("\ufeff")
    rows = list(csv.DictReader(io.StringIO(body), delimiter=";"))
    assert "Neu" not in rows[0]
    by_id = {r["ID"]: r for r in rows}
    assert by_id[str(fresh.id)]["Status"] == "neu"
    assert by_id[str(fresh.id)]["Gefunden am"] == f"{local_date(fresh.first_seen):%d.%m.%Y}"
    assert by_id[str(old.id)]["Gefunden am"] == f"{local_date(old.first_seen):%d.%m.%Y}"


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
