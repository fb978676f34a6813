"""The iCalendar text itself (RFC 5545): value types, folding, line ends."""

from __future__ import annotations

from datetime import UTC, date, datetime

from webapp.exports import ical_feed
from webapp.models import Call
from webapp.queries import DeadlineEntry


def _call(**fields: object) -> Call:
    values: dict[str, object] = {
        "id": 7,
        "title": "Digitale Schule",
        "funder": "Land NRW",
        "programme": "",
        "url": "https://example.org/quelle",
        "status": "offen",
        "missing_since": None,
    }
    values.update(fields)
    return Call(**values)


def _feed(call: Call, url: str, stage: str = "Antrag") -> str:
    entry = DeadlineEntry(
        day=date(2027, 3, 31), stage=stage, call=call, kind="arbeit", status="relevant"
    )
    return ical_feed(
        [entry],
        call_url=lambda _call: url,
        uid_domain="foerder.kreis-coesfeld.de",
        now=datetime(2026, 11, 27, 5, 0, tzinfo=UTC),
    )


def _unfolded_lines(body: str) -> list[str]:
    return body.replace("\r\n ", "").split("\r\n")


def test_a_link_with_a_comma_or_semicolon_opens_as_written() -> None:
    """URL has the value type URI: TEXT escapes (\\; \\,) made it a different, broken link."""
    body = _feed(_call(), "https://example.org/a;b,c?x=1&y=2")
    lines = _unfolded_lines(body)
    assert "URL:https://example.org/a;b,c?x=1&y=2" in lines
    # the description is TEXT and keeps its escapes
    description = next(line for line in lines if line.startswith("DESCRIPTION:Status"))
    assert "Aufruf im funding-matcher: https://example.org/a\\;b\\,c?x=1&y=2" in description


def test_a_link_with_a_space_or_line_break_stays_one_property() -> None:
    body = _feed(_call(), "https://example.org/Förder aufruf\r\nX-EVIL:1")
    lines = _unfolded_lines(body)
    assert "URL:https://example.org/F%C3%B6rder%20aufruf%0D%0AX-EVIL:1" in lines
    assert not any(line.startswith("X-EVIL") for line in lines)


def test_long_lines_are_folded_at_75_octets_without_splitting_a_character() -> None:
    title = "Förderung " + "Digitalisierungsmaßnahmen für Städte, Gemeinden und Kreise; " * 4
    body = _feed(_call(title=title), "https://foerder.kreis-coesfeld.de/aufrufe/7")
    assert body.endswith("\r\n")
    raw = body.encode("utf-8")
    assert b"\n" not in raw.replace(b"\r\n", b"")  # every line ends in CRLF, no bare LF/CR
    assert b"\r" not in raw.replace(b"\r\n", b"")
    physical = raw.split(b"\r\n")[:-1]
    assert max(len(line) for line in physical) <= 75
    assert any(len(line) == 75 for line in physical)  # folded as late as allowed
    for line in physical:
        line.decode("utf-8")  # raises if a character was cut in two
    summary = next(line for line in _unfolded_lines(body) if line.startswith("SUMMARY:"))
    expected = title.replace(",", "\\,").replace(";", "\\;")
    assert summary == f"SUMMARY:Frist Antrag: {expected}"


def test_the_uid_is_stable_and_carries_no_text_escapes() -> None:
    body = _feed(_call(), "https://foerder.kreis-coesfeld.de/aufrufe/7", stage="Skizze, 1. Stufe")
    lines = _unfolded_lines(body)
    assert "UID:call-7-skizze1stufe@foerder.kreis-coesfeld.de" in lines
    assert "DTSTART;VALUE=DATE:20270331" in lines and "DTEND;VALUE=DATE:20270401" in lines
    assert "DTSTAMP:20261127T050000Z" in lines
