"""Deadline forms seen in German call texts that used to come out wrong or not at all."""

from __future__ import annotations

from datetime import date

import pytest

from scrapers import feed, html_list
from scrapers import normalise as norm
from scrapers.jsonl import record_from_dict

REF = date(2026, 11, 26)


@pytest.mark.parametrize(
    ("text", "stages"),
    [
        ("Antragsfrist: 31.03.2027", {"Antrag": date(2027, 3, 31)}),
        ("Einreichungsfrist: 15. Januar 2027", {"Frist": date(2027, 1, 15)}),
        ("Bewerbungsfrist ist der 15.02.2027.", {"Antrag": date(2027, 2, 15)}),
        ("Einreichungsfrist für Projektskizzen: 15.01.2027", {"Projektskizze": date(2027, 1, 15)}),
        ("Die Abgabefristen: 31.03.2027", {"Frist": date(2027, 3, 31)}),
        # Of "15.01. und 15.07. jedes Jahres" only 15.07. was read: the January cut-off was lost.
        ("Stichtage: 15.01. und 15.07. jedes Jahres", {"Frist": date(2027, 1, 15)}),
        ("Stichtag ist jeweils der 15.01. eines jeden Jahres", {"Frist": date(2027, 1, 15)}),
        (
            "Stichtage sind der 15. Januar und der 15. Juli eines jeden Jahres.",
            {"Frist": date(2027, 1, 15)},
        ),
        (
            "Anträge können jeweils zum 15.01., 15.04. oder 15.07. eines Jahres gestellt werden.",
            {"Antrag": date(2027, 1, 15)},
        ),
        # Day and month after "jeweils"/"jährlich" were flagged as unreadable.
        ("Die Frist läuft jeweils am 31.03. und 30.09. ab.", {"Frist": date(2027, 3, 31)}),
        ("Anträge sind jährlich bis zum 15. Juli möglich.", {"Antrag": date(2027, 7, 15)}),
        ("Bewerbungsfrist: jeweils 15.01., 15.05. und 15.09.", {"Antrag": date(2027, 1, 15)}),
        # The second stage of one sentence was lost: no reminder for it.
        (
            "Frist für Skizzen ist der 15.01.2027 und für Anträge der 30.04.2027.",
            {"Projektskizze": date(2027, 1, 15), "Antrag": date(2027, 4, 30)},
        ),
        (
            "Skizzen: 15.01.2027; Anträge: 30.04.2027",
            {"Projektskizze": date(2027, 1, 15), "Antrag": date(2027, 4, 30)},
        ),
        (
            "1. Stufe (Projektskizze): 15.01.2027, 2. Stufe (Antrag): 30.04.2027",
            {"Projektskizze": date(2027, 1, 15), "Antrag": date(2027, 4, 30)},
        ),
    ],
)
def test_deadlines_by_stage_in_call_texts(text: str, stages: dict[str, date]) -> None:
    """Forms that came out wrong: a compound such as "Antragsfrist" was no deadline cue (the
    call showed as "laufend"), lists of yearly cut-offs, two stages in one sentence."""
    found = norm.extract_deadlines(text, REF)
    assert found.deadlines == stages
    assert found.deadline == min(stages.values())
    assert not found.rolling


def test_a_limited_term_is_not_a_deadline() -> None:
    text = "Das Programm ist befristet; die Richtlinie gilt vom 01.01.2025 an."
    assert norm.extract_deadlines(text, REF).deadlines == {}


def test_yearly_cut_offs_keep_their_stage() -> None:
    text = "Anträge können jeweils zum 15.01. und 15.07. eines Jahres gestellt werden."
    assert norm.extract_deadlines(text, date(2027, 2, 1)).deadlines == {"Antrag": date(2027, 7, 15)}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Die Frist wurde vom 31.03.2027 auf den 30.04.2027 verlängert.", date(2027, 4, 30)),
        (
            "Die Einreichungsfrist wird vom 15.12.2026 auf den 15.01.2027 verschoben.",
            date(2027, 1, 15),
        ),
        ("Die Antragsfrist wurde vom 30.04.2027 auf den 31.03.2027 vorgezogen.", date(2027, 3, 31)),
        ("Frist verlängert: 31.03.2027 → 30.04.2027", date(2027, 4, 30)),
    ],
)
def test_a_moved_deadline_is_the_new_date(text: str, expected: date) -> None:
    """The old date of "vom 31.03. auf den 30.04. verlängert" was taken as the deadline."""
    found = norm.extract_deadlines(text, REF)
    assert found.deadline == expected
    assert list(found.deadlines.values()) == [expected]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Ende März 2027", date(2027, 3, 31)),
        ("Ende Februar 2028", date(2028, 2, 29)),
        ("ende Dez. 2026", date(2026, 12, 31)),
    ],
)
def test_end_of_a_month_is_its_last_day(text: str, expected: date) -> None:
    assert norm.parse_date(text, REF) == expected
    assert norm.extract_deadlines(f"Anträge bis {text}.", REF).deadline == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # A German date serialised as UTC midnight of the previous day (date pickers, JSON APIs).
        ("2027-03-30T22:00:00Z", date(2027, 3, 31)),
        ("2027-01-30T23:00:00.000Z", date(2027, 1, 31)),
        ("2027-01-31T23:30:00+00:00", date(2027, 2, 1)),
        # Brussels time is German time: the date stays.
        ("2027-09-17T17:00:00.000+0200", date(2027, 9, 17)),
        ("2027-09-17T00:00:00+02:00", date(2027, 9, 17)),
        ("2027-09-17", date(2027, 9, 17)),
    ],
)
def test_a_time_with_offset_gives_the_german_day(text: str, expected: date) -> None:
    assert norm.parse_date(text, REF) == expected


def test_feed_item_with_a_compound_deadline_is_open_not_rolling() -> None:
    """What the officer reads on the call: the deadline and "offen", not "laufend"."""
    body = """<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>Ministerium</title><link>https://example.org/</link>
<item><title>Förderaufruf Digitale Verwaltung 2027</title><link>https://example.org/a</link>
<description>Gefördert werden Kommunen. Antragsfrist: 31.03.2027, 12:00 Uhr. Die Mittel werden
jederzeit nach Eingang der Anträge vergeben.</description></item>
<item><title>Förderaufruf Sportstätten</title><link>https://example.org/b</link>
<description>Stichtage: 15.01. und 15.07. jedes Jahres.</description></item>
</channel></rss>""".encode()
    records = feed.parse(
        body,
        "https://example.org/feed.xml",
        {"Content-Type": "application/rss+xml"},
        options={"today": REF},
    ).records
    assert [(r.deadline, r.status) for r in records] == [
        (date(2027, 3, 31), "offen"),
        (date(2027, 1, 15), "offen"),
    ]


def test_a_deadline_field_saying_laufend_keeps_the_call_as_rolling() -> None:
    """A list whose deadline column says "laufend" lost that call: it was rejected as unreadable."""
    page = """<html><body><ul>
    <li><a href="/a">Aufruf A</a><span class="frist">laufend</span></li>
    <li><a href="/b">Aufruf B</a><span class="frist">Ende März 2027</span></li>
    <li><a href="/c">Aufruf C</a><span class="frist">jederzeit möglich</span></li>
    <li><a href="/d">Aufruf D</a><span class="frist">1. Quartal 2027</span></li>
    </ul></body></html>""".encode()
    options = {"today": REF, "selectors": {"item": "li", "title": "a", "deadline": ".frist"}}
    result = html_list.parse(page, "https://example.org/liste", None, options=options)
    assert [(r.title, r.deadline, r.status) for r in result.records] == [
        ("Aufruf A", None, "laufend"),
        ("Aufruf B", date(2027, 3, 31), "offen"),
        ("Aufruf C", None, "laufend"),
    ]
    # what cannot be read is not guessed: the entry is named in the run's errors
    assert len(result.errors) == 1
    assert "Eintrag 4" in result.errors[0] and "1. Quartal 2027" in result.errors[0]


def test_an_imported_deadline_in_utc_is_its_german_day() -> None:
    """An export that writes a German date as UTC (…T22:00:00Z) lost a day on import."""
    record = record_from_dict(
        {
            "id": "x",
            "url": "https://example.org/x",
            "title": "Aufruf",
            "deadline": "2027-03-30T22:00:00.000Z",
            "deadlines": {"Projektskizze": "2027-01-14T23:00:00Z", "Antrag": "2027-03-31"},
        }
    )
    assert record.deadline == date(2027, 3, 31)
    assert record.deadlines == {"Projektskizze": date(2027, 1, 15), "Antrag": date(2027, 3, 31)}


def test_a_stage_named_in_a_later_sentence_about_something_else_is_no_deadline() -> None:
    text = "Anträge bis 31.01.2027. Die Projektskizze der Vorrunde wurde am 01.10.2026 bewertet."
    assert norm.extract_deadlines(text, REF).deadlines == {"Antrag": date(2027, 1, 31)}


@pytest.mark.parametrize(
    ("text", "unread"),
    [
        ("Antragsfrist: 1. Quartal 2027.", ["Antragsfrist: 1. Quartal 2027"]),
        ("Skizzen bis 31.3., Anträge bis 30.04.2027.", ["Skizzen bis 31.3."]),
        ("Frist: 30.02.2027", ["Frist: 30.02.2027"]),
        ("Einreichungsfrist: Mitte März 2027", ["Einreichungsfrist: Mitte März 2027"]),
        # read, so nothing to flag
        ("Stichtage: 15.01. und 15.07. jedes Jahres", []),
        ("Die Frist läuft jeweils am 31.03. und 30.09. ab.", []),
        ("Antragsfrist: 31.03.2027, Projektstart frühestens 1. Quartal 2027", []),
    ],
)
def test_a_deadline_the_text_gives_in_an_unreadable_form_is_named(
    text: str, unread: list[str]
) -> None:
    assert norm.extract_deadlines(text, REF).unread == unread


def test_a_feed_item_with_an_unreadable_deadline_is_kept_and_flagged() -> None:
    """Not guessed and not dropped: the call is kept, the run's hints name entry and text."""
    body = """<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>Ministerium</title><link>https://example.org/</link>
<item><title>Förderaufruf Breitband</title><link>https://example.org/a</link>
<description>Antragsfrist: 1. Quartal 2027. Gefördert werden Kommunen.</description></item>
</channel></rss>""".encode()
    result = feed.parse(
        body,
        "https://example.org/feed.xml",
        {"Content-Type": "application/rss+xml"},
        options={"today": REF},
    )
    assert [r.title for r in result.records] == ["Förderaufruf Breitband"]
    assert result.warnings == [
        "https://example.org/feed.xml (Eintrag 1) „Förderaufruf Breitband“: Frist im Text nicht "
        "lesbar: „Antragsfrist: 1. Quartal 2027“ – bitte in der Quelle nachsehen"
    ]
