"""Deadlines with a time of day, and "laufend" only where the source says so."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from scrapers import eu_ft, feed, html_list
from scrapers import normalise as norm
from scrapers.jsonl import parse_jsonl, record_from_dict

REF = date(2026, 11, 26)
SNAPSHOTS = Path(__file__).resolve().parents[2] / "data" / "snapshots"


@pytest.mark.parametrize(
    ("text", "day", "time"),
    [
        ("Antragsfrist: 31.03.2027, 12:00 Uhr", date(2027, 3, 31), "12:00"),
        ("Anträge bis zum 31.03.2027 um 12 Uhr MEZ", date(2027, 3, 31), "12:00"),
        ("Anträge bis 31.03.2027 (23:59 Uhr) einreichen", date(2027, 3, 31), "23:59"),
        ("Einreichung bis 12:00 Uhr am 31.03.2027", date(2027, 3, 31), "12:00"),
        ("Frist: 31. März 2027, 12.00 Uhr MESZ", date(2027, 3, 31), "12:00"),
        ("Deadline: 17 September 2027 17:00:00 Brussels time", date(2027, 9, 17), "17:00"),
        ("Deadline: 17 September 2027 17:00 (Brussels time)", date(2027, 9, 17), "17:00"),
        ("Frist: 31.03.2027, 24:00 Uhr", date(2027, 3, 31), "23:59"),
        # UTC is converted to German time
        ("Frist: 31.03.2027 10:00 UTC", date(2027, 3, 31), "12:00"),
        ("Frist: 2027-03-31T15:00:00Z", date(2027, 3, 31), "17:00"),
        # no time: a number after the date is no time of day
        ("Anträge bis 31.03.2027. 12 Projekte werden gefördert.", date(2027, 3, 31), None),
        ("Frist: 31.03.2027", date(2027, 3, 31), None),
    ],
)
def test_a_deadline_keeps_its_time_of_day(text: str, day: date, time: str | None) -> None:
    found = norm.extract_deadlines(text, REF)
    assert (found.deadline, found.deadline_time) == (day, time)


def test_each_stage_keeps_its_own_time() -> None:
    found = norm.extract_deadlines(
        "Skizzen bis 15.01.2027, 12:00 Uhr; Anträge bis 30.04.2027.", REF
    )
    assert found.deadlines == {"Projektskizze": date(2027, 1, 15), "Antrag": date(2027, 4, 30)}
    assert found.times == {"Projektskizze": "12:00"}
    assert found.deadline_time == "12:00"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2027-03-24T17:00:00.000+0100", (date(2027, 3, 24), "17:00")),
        ("2027-05-12T17:00:00.000+0200", (date(2027, 5, 12), "17:00")),
        ("2027-03-31T12:00:00", (date(2027, 3, 31), "12:00")),
        # a date picker's midnight is a day, not a time
        ("2027-03-30T22:00:00Z", (date(2027, 3, 31), None)),
        ("2027-09-17T00:00:00+02:00", (date(2027, 9, 17), None)),
        ("31.03.2027, 12 Uhr", (date(2027, 3, 31), "12:00")),
        ("2027-03-31", (date(2027, 3, 31), None)),
    ],
)
def test_a_date_field_with_a_time(value: str, expected: tuple[date, str | None]) -> None:
    assert norm.parse_date_time(value, REF) == expected


def test_eu_deadlines_close_at_17_00_german_time() -> None:
    """The portal gives "2027-03-24T17:00:00.000+0100" (Brussels time): 17:00 Uhr here."""
    body = (SNAPSHOTS / "eu-ft" / "search-seite-1.json").read_bytes()
    records = eu_ft.parse(body, "https://example.org/search", options={"today": REF}).records
    first = records[0]
    assert (first.deadline, first.deadline_time) == (date(2027, 3, 24), "17:00")
    two_stage = next(r for r in records if r.deadlines)
    assert two_stage.deadline_times == {"Projektskizze": "17:00", "Antrag": "17:00"}
    line = two_stage.to_json_dict()
    assert line["deadline_time"] == "17:00"


def test_a_record_without_a_time_keeps_its_json_line_and_hash() -> None:
    """Old records and files stay as they were: the new fields are left out when empty."""
    record = record_from_dict(
        {"id": "a", "url": "https://example.org/a", "title": "A", "deadline": "2027-03-31"}
    )
    assert "deadline_time" not in record.to_json_dict()
    assert "deadline_times" not in record.to_json_dict()
    timed = record_from_dict(
        {
            "id": "a",
            "url": "https://example.org/a",
            "title": "A",
            "deadline": "2027-03-31",
            "deadline_time": "12:00",
        }
    )
    assert timed.content_hash() != record.content_hash()


def test_jsonl_import_reads_the_time_and_names_a_bad_one() -> None:
    good = {
        "id": "a",
        "url": "https://example.org/a",
        "title": "A",
        "deadline": "2027-03-31",
        "deadline_time": "12:00",
        "deadlines": {"Projektskizze": "2027-01-15", "Antrag": "2027-03-31"},
        "deadline_times": {"Projektskizze": "9:30"},
    }
    (record,) = parse_jsonl(json.dumps(good).encode(), "aufrufe.jsonl")
    assert record.deadline_time == "12:00"
    assert record.deadline_times == {"Projektskizze": "09:30"}
    # a time with an offset in the date: German time
    (record,) = parse_jsonl(
        json.dumps({**good, "deadline": "2027-03-31T15:00:00Z", "deadline_time": None}).encode(),
        "aufrufe.jsonl",
    )
    assert (record.deadline, record.deadline_time) == (date(2027, 3, 31), "17:00")
    bad = {**good, "deadline_time": "12 Uhr mittags", "deadline_times": {"Antrag": "25:00"}}
    with pytest.raises(Exception) as info:
        parse_jsonl(json.dumps(bad).encode(), "aufrufe.jsonl")
    message = str(info.value)
    assert "aufrufe.jsonl" in message
    assert "Zeile 1, Feld 'deadline_time': Uhrzeit '12 Uhr mittags' nicht lesbar" in message
    assert "Zeile 1, Feld 'deadline_times': Uhrzeit '25:00' nicht lesbar" in message


def test_no_deadline_found_is_open_and_laufend_only_when_the_source_says_so() -> None:
    body = """<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>Ministerium</title><link>https://example.org/</link>
<item><title>Aufruf Breitband</title><link>https://example.org/a</link>
<description>Gefördert werden Kommunen.</description></item>
<item><title>Aufruf laufend</title><link>https://example.org/b</link>
<description>Anträge können laufend gestellt werden.</description></item>
</channel></rss>""".encode()
    records = feed.parse(
        body, "https://example.org/feed.xml", {"Content-Type": "application/rss+xml"},
        options={"today": REF},
    ).records  # fmt: skip
    assert [(r.deadline, r.status) for r in records] == [(None, "offen"), (None, "laufend")]


def test_a_deadline_column_with_a_time() -> None:
    page = b"""<html><body><ul>
    <li><a href="/a">Aufruf A</a><span class="frist">31.03.2027, 12:00 Uhr</span></li>
    <li><a href="/b">Aufruf B</a></li>
    </ul></body></html>"""
    options = {"today": REF, "selectors": {"item": "li", "title": "a", "deadline": ".frist"}}
    records = html_list.parse(page, "https://example.org/liste", None, options=options).records
    assert [(r.deadline, r.deadline_time, r.status) for r in records] == [
        (date(2027, 3, 31), "12:00", "offen"),
        (None, None, "offen"),
    ]
