"""The change history on the call page speaks German: labels, dates, amounts, rates, lists."""

from __future__ import annotations

import re
from datetime import date

from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from scrapers.record import CallRecord
from webapp.formatting import call_field_label, format_call_value
from webapp.ingest import ingest_records
from webapp.models import Call


def _record(**changes: object) -> CallRecord:
    values: dict[str, object] = {
        "source": "feed",
        "external_id": "historie-1",
        "url": "https://example.org/historie",
        "title": "Digitale Verwaltung im ländlichen Raum",
        "funder": "Land NRW",
        "eligible": ["Kommune", "Landkreis"],
        "funding_type": "Zuschuss",
        "deadline": date(2027, 3, 31),
        "opens": date(2027, 1, 15),
        "deadlines": {"Skizze": date(2027, 1, 31), "Antrag": date(2027, 3, 31)},
        "amount_max_eur": 250000.0,
        "funding_rate": 0.8,
        "language": "de",
    }
    values.update(changes)
    return CallRecord(**values)  # type: ignore[arg-type]


def _history(html: str) -> list[list[str]]:
    table = re.search(r'<table class="history[^"]*"[^>]*>(.*?)</table>', html, re.S)
    assert table is not None
    rows = re.findall(r"<tr[^>]*>(.*?)</tr>", table.group(1), re.S)
    cells = [re.findall(r"<td[^>]*>(.*?)</td>", row, re.S) for row in rows]
    return [[" ".join(c.split()) for c in row] for row in cells if row]


def test_history_shows_german_labels_and_formats(
    auth_client: FlaskClient, session: Session
) -> None:
    ingest_records(session, [_record()], origin="scrape")
    session.commit()
    changed = _record(
        title="Digitale Verwaltung im ländlichen Raum – 2. Aufruf",
        funder="",
        eligible=[],
        funding_type="Darlehen",
        deadline=None,
        opens=date(2027, 2, 1),
        deadlines={"Antrag": date(2027, 6, 30)},
        amount_max_eur=500000.0,
        funding_rate=0.65,
        language="en",
    )
    ingest_records(session, [changed], origin="scrape")
    session.commit()
    call = session.query(Call).filter_by(external_id="historie-1").one()
    html = auth_client.get(f"/aufrufe/{call.id}").get_data(as_text=True)
    rows = {row[1]: (row[2], row[3]) for row in _history(html)}
    assert rows["Titel"][1] == "Digitale Verwaltung im ländlichen Raum – 2. Aufruf"
    assert rows["Fördergeber"] == ("Land NRW", "–")
    assert rows["Antragsberechtigt"] == ("Kommune, Landkreis", "–")
    assert rows["Förderart"] == ("Zuschuss", "Darlehen")
    # the source gives no deadline any more (it does not say "laufend")
    assert rows["Frist"] == ("31.03.2027", "Keine Frist angegeben")
    assert rows["Antrag ab"] == ("15.01.2027", "01.02.2027")
    assert rows["Fristen nach Verfahrensstufe"] == (
        "Skizze: 31.01.2027, Antrag: 31.03.2027",
        "Antrag: 30.06.2027",
    )
    assert rows["Höchstbetrag"] == ("250.000 €", "500.000 €")
    assert rows["Förderquote"] == ("80 %", "65 %")
    assert rows["Sprache"] == ("Deutsch", "Englisch")
    table = re.search(r'<table class="history[^"]*"[^>]*>.*?</table>', html, re.S).group(0)  # type: ignore[union-attr]
    for internal in ("funder", "eligible", "amount_max_eur", "funding_rate", "[", "2027-", "0.8"):
        assert internal not in table, internal


def test_missing_and_unknown_fields_are_readable() -> None:
    assert format_call_value("missing_since", None) == "gelistet"
    assert (
        format_call_value("missing_since", "2027-02-03T10:00:00")
        == "nicht mehr gelistet (seit 03.02.2027)"
    )
    assert call_field_label("missing_since") == "Bei der Quelle"
    assert call_field_label("something_new") == "something_new"
    assert format_call_value("topics", ["Breitband", "Schule"]) == "Breitband, Schule"
    assert format_call_value("amount_max_eur", 0) == "0\u00a0€"  # never broken before €
    assert format_call_value("url", None) == "–"


def test_a_dismissed_call_back_for_a_decision_says_what_changed(
    session: Session, auth_client: FlaskClient
) -> None:
    """The Eingang marks it "wieder da"; its page says since when and what changed."""
    from webapp.reviews import ReviewInput, set_review

    ingest_records(session, [_record()], source="feed")
    call = session.query(Call).filter_by(source="feed", external_id="historie-1").one()
    set_review(session, call, ReviewInput(status="nicht relevant", reason="sonstiges"), None)
    session.commit()
    page = auth_client.get(f"/aufrufe/{call.id}").get_data(as_text=True)
    assert "Wieder zur Entscheidung" not in page

    moved = "https://example.org/neu/historie"
    ingest_records(session, [_record(url=moved)], source="feed")
    session.commit()
    assert "Wieder zur Entscheidung" not in auth_client.get(f"/aufrufe/{call.id}").get_data(
        as_text=True
    )
    ingest_records(
        session,
        [_record(url=moved, deadline=date(2027, 6, 30), amount_max_eur=400000.0)],
        source="feed",
    )
    session.commit()
    page = auth_client.get(f"/aufrufe/{call.id}").get_data(as_text=True)
    note = re.search(r'<p class="flash returned-note"[^>]*>(.*?)</p>', page, re.S)
    assert note is not None
    text = " ".join(re.sub(r"<[^>]+>", " ", note.group(1)).split())
    assert text.startswith("Wieder zur Entscheidung: am ")
    assert (
        "als „nicht relevant“ bewertet, seitdem geändert: Frist, Höchstbetrag (siehe „Änderungen“)."
        in text
    )
    assert "Link" not in text
