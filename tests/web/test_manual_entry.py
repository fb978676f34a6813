"""Manual entry at /aufrufe/neu: an existing call's link is refused, the form keeps the input."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

import pytest
from flask.testing import FlaskClient
from markupsafe import escape
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tests.web.conftest import MANUAL_CALL
from webapp.formatting import shorten
from webapp.models import Call, CallChange

FULL = MANUAL_CALL
COLUMNS = (
    "title", "funder", "region", "deadline", "amount_max_eur", "funding_rate", "eligible",
    "summary", "content_hash", "changed_at", "origin", "source",
)  # fmt: skip


def _snapshot(session: Session, call_id: int) -> dict[str, Any]:
    session.expire_all()
    call = session.get(Call, call_id)
    assert call is not None
    return {c: getattr(call, c) for c in COLUMNS}


def _counts(session: Session) -> tuple[int, int]:
    return (
        session.scalar(select(func.count()).select_from(Call)) or 0,
        session.scalar(select(func.count()).select_from(CallChange)) or 0,
    )


def test_the_link_of_a_manual_call_is_refused_and_nothing_changes(
    auth_client: FlaskClient, session: Session
) -> None:
    first = auth_client.post("/aufrufe/neu", data=FULL)
    assert first.status_code == 302
    auth_client.get(first.headers["Location"])  # shows (and so clears) "Aufruf angelegt …"
    call = session.scalar(select(Call).where(Call.origin == "manual"))
    assert call is not None
    before, counts = _snapshot(session, call.id), _counts(session)

    again = {"title": "Smart Region (aus der Rundmail)", "url": FULL["url"], "text": "Kurz."}
    response = auth_client.post("/aufrufe/neu", data=again)
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "Unter diesem Link ist schon ein Aufruf erfasst" in html
    assert "LoRaWAN-Sensorik für Kommunen" in html  # names the existing call ...
    assert f'href="/aufrufe/{call.id}"' in html  # ... and links it
    # entered by hand, it can be corrected instead: the refusal offers its edit form
    assert "Bitte den vorhandenen Aufruf bearbeiten oder einen anderen Link angeben." in html
    assert f'href="/aufrufe/{call.id}/bearbeiten">Vorhandenen Aufruf bearbeiten</a>' in html
    assert "Aufruf angelegt" not in html
    # Everything typed is still in the form.
    assert 'value="Smart Region (aus der Rundmail)"' in html
    assert f'value="{FULL["url"]}"' in html and ">Kurz.</textarea>" in html
    assert _snapshot(session, call.id) == before and _counts(session) == counts


def test_a_trailing_slash_is_the_same_link(auth_client: FlaskClient, session: Session) -> None:
    assert auth_client.post("/aufrufe/neu", data=FULL).status_code == 302
    counts = _counts(session)
    response = auth_client.post("/aufrufe/neu", data={"title": "Nochmal", "url": FULL["url"] + "/"})
    assert response.status_code == 400 and _counts(session) == counts


def test_the_link_of_a_scraped_call_is_refused_too(
    auth_client: FlaskClient, session: Session
) -> None:
    scraped = session.scalars(
        select(Call)
        .where(Call.origin != "manual", Call.url.like("https://%"), Call.canonical_id.is_(None))
        .order_by(Call.id)
    ).first()
    assert scraped is not None
    before, counts = _snapshot(session, scraped.id), _counts(session)
    response = auth_client.post(
        "/aufrufe/neu", data={"title": "Per E-Mail erhalten", "url": scraped.url, "funder": "X"}
    )
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert f'href="/aufrufe/{scraped.id}"' in html
    assert "/bearbeiten" not in html  # a scraped call belongs to its source: no edit offered
    assert str(escape(shorten(scraped.title, 120))) in html
    assert 'value="Per E-Mail erhalten"' in html
    # No second call for the same page: neither a manual copy nor a change to the scraped one.
    assert _snapshot(session, scraped.id) == before and _counts(session) == counts


def test_calls_without_a_link_can_be_entered_twice(
    auth_client: FlaskClient, session: Session
) -> None:
    for _ in range(2):
        response = auth_client.post("/aufrufe/neu", data={"title": "Rundschreiben ohne Link"})
        assert response.status_code == 302
    manual = select(func.count()).select_from(Call).where(Call.origin == "manual")
    assert session.scalar(manual) == 2


def _errors(html: str) -> str:
    box = re.search(
        r'<div class="flash flash-error" role="alert" id="m-errors">(.*?)</div>', html, re.S
    )
    assert box is not None, "no error box"
    return " ".join(box.group(1).split())


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"title": ""}, "Titel fehlt."),
        (
            {"amount_max_eur": "abc"},
            "Höchstbetrag: bitte eine Zahl angeben, z. B. 250.000 – nicht „abc“.",
        ),
        ({"amount_max_eur": "-5"}, "Höchstbetrag: bitte keine negative Zahl angeben."),
        ({"amount_max_eur": "nan"}, "Höchstbetrag: bitte eine Zahl angeben"),
        ({"funding_rate": "150"}, "Förderquote: höchstens 100 % – nicht „150“."),
        (
            {"funding_rate": "0,8"},
            "Förderquote: bitte in Prozent angeben, z. B. 80 für 80 % – nicht „0,8“.",
        ),
        (
            {"funding_rate": "viel"},
            "Förderquote: bitte eine Zahl angeben, z. B. 80 – nicht „viel“.",
        ),
        (
            {"deadline": "morgen"},
            "Frist: bitte ein Datum angeben, z. B. 31.03.2027 – nicht „morgen“.",
        ),
        (
            # a year of four digits is taken as written, not as 2001
            {"deadline": "1.1.0001"},
            "Frist: bitte das Jahr prüfen, z. B. 31.03.2027 – nicht „1.1.0001“.",
        ),
        (
            {"url": "javascript:alert(1)"},
            "Link zum Aufruf: bitte eine Adresse angeben, die mit http:// oder https:// beginnt "
            "– nicht „javascript:alert(1)“.",
        ),
        ({"url": "ftp://example.org/aufruf.pdf"}, "mit http:// oder https:// beginnt"),
        ({"url": "https://"}, "mit http:// oder https:// beginnt"),
        ({"url": "https://example.org/" + "a" * 500}, "Link zum Aufruf: höchstens 500 Zeichen."),
        ({"region": "NRW " * 60}, "Region: höchstens 200 Zeichen."),
        (
            {"opens": "2027-05-01", "deadline": "2027-03-31"},
            "Antrag ab (01.05.2027) liegt nach der Frist (31.03.2027): bitte beide Daten prüfen.",
        ),
    ],
)
def test_bad_input_is_named_with_the_forms_labels_and_kept(
    auth_client: FlaskClient, session: Session, changes: dict[str, str], message: str
) -> None:
    counts = _counts(session)
    data = {**FULL, "url": "https://example.org/neu", **changes}
    response = auth_client.post("/aufrufe/neu", data=data)
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert message in _errors(html)
    for programmer_text in ("Feld '", "Zahl erwartet", "(Feld", "amount_max_eur'", "150.0"):
        assert programmer_text not in _errors(html)
    assert 'aria-invalid="true"' in html  # the field itself is marked
    for name in ("title", "funder", "summary"):
        assert str(escape(data[name])) in html  # the input is kept
    assert _counts(session) == counts


def test_several_problems_are_listed_together(auth_client: FlaskClient) -> None:
    response = auth_client.post(
        "/aufrufe/neu", data={"title": "", "url": "ftp://x.de", "funding_rate": "abc"}
    )
    box = _errors(response.get_data(as_text=True))
    assert "Titel fehlt." in box and "http://" in box and "Förderquote" in box
    assert 'href="#m-title"' in box and 'href="#m-rate"' in box


def test_german_dates_and_numbers_are_understood(
    auth_client: FlaskClient, session: Session
) -> None:
    response = auth_client.post(
        "/aufrufe/neu",
        data={
            "title": "Rundschreiben mit deutschen Daten",
            "url": "HTTPS://example.org/rundschreiben",
            "opens": "1.2.2027",
            "deadline": "31.03.2027",
            "amount_max_eur": "1.250.000,50 €",
            "funding_rate": "90 %",
        },
    )
    assert response.status_code == 302, response.get_data(as_text=True)
    call = session.scalar(select(Call).where(Call.title == "Rundschreiben mit deutschen Daten"))
    assert call is not None
    assert (call.opens, call.deadline) == (date(2027, 2, 1), date(2027, 3, 31))
    assert (call.amount_max_eur, call.funding_rate) == (1250000.5, 0.9)


@pytest.mark.parametrize(
    ("typed", "stored"), [("1", 0.01), ("100", 1.0), ("0", 0.0), ("45,5 %", 0.455)]
)
def test_the_rate_field_is_read_in_percent(
    auth_client: FlaskClient, session: Session, typed: str, stored: float
) -> None:
    title = f"Quote {typed}"
    response = auth_client.post("/aufrufe/neu", data={"title": title, "funding_rate": typed})
    assert response.status_code == 302, response.get_data(as_text=True)
    call = session.scalar(select(Call).where(Call.title == title))
    assert call is not None and call.funding_rate == stored
