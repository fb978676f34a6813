"""Normalisers: German dates and deadlines, amounts, rates, applicant types, labels, status."""

from __future__ import annotations

from datetime import date

import pytest

from scrapers import normalise as norm

REF = date(2026, 11, 26)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("30.09.2026", date(2026, 9, 30)),
        ("1.3.2027", date(2027, 3, 1)),
        ("30. September 2026", date(2026, 9, 30)),
        ("1. März 2027", date(2027, 3, 1)),
        ("15. Jan. 2027", date(2027, 1, 15)),
        ("2026-09-30", date(2026, 9, 30)),
        ("2024-04-18T19:00:00.000+0200", date(2024, 4, 18)),
        ("Wed, 02 Oct 2026 08:00:00 +0200", date(2026, 10, 2)),
        ("April 18, 2027", date(2027, 4, 18)),
        # Yearly dates resolve to the next occurrence on or after the reference date.
        ("bis zum 30.09. jeden Jahres", date(2027, 9, 30)),
        # the rounds end in the year "bis" names; a full date after "bis" ends nothing
        ("Anträge bis 2026 und dabei bis zum 30.09. jeden Jahres", date(2026, 9, 30)),
        ("Anträge bis Ende 2028, jeweils bis zum 30.09. jeden Jahres", date(2027, 9, 30)),
        # only a two-digit year is short for 20xx
        ("31.03.27", date(2027, 3, 31)),
        ("1.1.0001", date(1, 1, 1)),
        ("zum 31. Dezember eines Jahres", date(2026, 12, 31)),
        ("", None),
    ],
)
def test_parse_date_forms(text: str, expected: date | None) -> None:
    assert norm.parse_date(text, REF) == expected


@pytest.mark.parametrize(
    "text",
    [
        "Gefördert werden Gemeinden bis 2000 Einwohner; Anträge jeweils zum 31.03.",
        "Zuschuss bis 2000 Euro. Stichtag: 31. März eines jeden Jahres",
        "Zuschuss bis 2000 €, Stichtag 31.03. jedes Jahres",
        "Flächen bis 2000 m² jeweils zum 31.03.",
        # a year in an earlier sentence ends nothing
        "Die erste Phase lief von 2021 bis 2025. Seit 2026 läuft Phase II. Stichtag: 31.03. jedes Jahres.",
    ],
)
def test_a_number_or_an_earlier_sentence_does_not_end_the_yearly_rounds(text: str) -> None:
    assert [d.value for d in norm.find_dates(text, REF)] == [date(2027, 3, 31)]


def test_a_full_date_after_bis_does_not_end_the_yearly_rounds() -> None:
    found = norm.find_dates("Laufzeit bis 31.12.2026. Anträge bis zum 30.09. jeden Jahres", REF)
    assert [d.value for d in found] == [date(2026, 12, 31), date(2027, 9, 30)]


def test_parse_date_rejects_unreadable_values() -> None:
    with pytest.raises(ValueError, match="Datum nicht lesbar"):
        norm.parse_date("demnächst", REF)
    with pytest.raises(ValueError):
        norm.parse_date("31.02.2027", REF)


def test_deadlines_by_stage_and_opening() -> None:
    text = (
        "Interessenbekundungen sind bis zum 15. Januar 2027 einzureichen. Die Projektskizze ist "
        "bis 31.03.2027 vorzulegen; Förderanträge bis zum 30.06.2027. Einreichung ab dem "
        "01.12.2026 möglich. Richtlinie vom 04.11.2024."
    )
    found = norm.extract_deadlines(text, REF)
    assert found.deadlines == {
        "Interessenbekundung": date(2027, 1, 15),
        "Projektskizze": date(2027, 3, 31),
        "Antrag": date(2027, 6, 30),
    }
    assert found.deadline == date(2027, 1, 15)  # the next stage
    assert found.opens == date(2026, 12, 1)
    assert not found.rolling


def test_yearly_deadline_beats_a_past_one() -> None:
    text = (
        "Sie können einen Förderantrag bis 2027 und dabei spätestens bis zum 30.09. jeden Jahres "
        "stellen. Im Jahr 2024 ist die Antragstellung bis zum 06.12.2024 möglich."
    )
    assert norm.extract_deadlines(text, REF).deadline == date(2027, 9, 30)


def test_all_past_deadlines_give_the_latest() -> None:
    found = norm.extract_deadlines("Frist: 31.10.2026. Anträge bis 15.09.2026.", REF)
    assert found.deadline == date(2026, 10, 31)
    assert norm.derive_status(opens=None, deadline=found.deadline, reference=REF) == "geschlossen"


def test_laufend_and_exhausted() -> None:
    assert norm.extract_deadlines("Anträge können laufend gestellt werden.", REF).rolling
    assert norm.extract_deadlines("Anträge jederzeit.", REF).deadline is None
    found = norm.extract_deadlines("Antragsstopp: Die Mittel sind ausgeschöpft.", REF)
    assert found.exhausted
    assert norm.derive_status(opens=None, deadline=None, exhausted=True) == "Mittel ausgeschöpft"


@pytest.mark.parametrize(
    ("opens", "deadline", "status"),
    [
        # no deadline found is no promise of an open-ended call
        (None, None, "offen"),
        (None, date(2027, 1, 1), "offen"),
        (date(2027, 1, 1), date(2027, 3, 1), "angekündigt"),
        (None, date(2026, 11, 25), "geschlossen"),
        (None, REF, "offen"),
    ],
)
def test_derive_status(opens: date | None, deadline: date | None, status: str) -> None:
    assert norm.derive_status(opens=opens, deadline=deadline, reference=REF) == status


def test_derive_status_laufend_when_the_source_says_so() -> None:
    assert norm.derive_status(opens=None, deadline=None, reference=REF, rolling=True) == "laufend"


def test_status_codes_and_words() -> None:
    assert norm.normalise_status("31094501") == "angekündigt"
    assert norm.normalise_status("31094502") == "offen"
    assert norm.normalise_status("Closed") == "geschlossen"
    assert norm.normalise_status("Antragsstopp") == "Mittel ausgeschöpft"
    assert norm.normalise_status("pausiert") == "pausiert"  # unknown kept


@pytest.mark.parametrize(
    ("text", "amount"),
    [
        ("bis zu 1 Mio. Euro", 1_000_000),
        ("500.000 €", 500_000),
        ("EUR 140.000", 140_000),
        ("1,5 Millionen Euro", 1_500_000),
        ("€1.5 million", 1_500_000),
        ("EUR 2 000 000", 2_000_000),
        ("2,5 Mrd. Euro", 2_500_000_000),
        ("25.000,50 EUR", 25_000.5),
        ("250.000", 250_000),  # a field with the number alone: German thousands
        ("1,5 Mio.", 1_500_000),
        ("1,5", 1.5),
        ("", None),
    ],
)
def test_parse_amount(text: str, amount: float | None) -> None:
    assert norm.parse_amount(text) == amount


def test_parse_amount_rejects_text_without_amount() -> None:
    with pytest.raises(ValueError, match="Betrag nicht lesbar"):
        norm.parse_amount("nach Vereinbarung")


def test_max_amount_ignores_turnover_and_budgets() -> None:
    text = (
        "Antragsberechtigt sind Unternehmen mit einem Jahresumsatz von bis zu EUR 50 Millionen. "
        "Insgesamt stehen 20 Mio. Euro zur Verfügung. "
        "Sie erhalten die Förderung als Zuschuss bis zu 250.000 Euro."
    )
    assert norm.max_amount_in_text(text) == 250_000


@pytest.mark.parametrize(
    ("text", "rate"), [("90 %", 0.9), ("80 Prozent", 0.8), ("0.5", 0.5), ("65,5 %", 0.655)]
)
def test_parse_rate(text: str, rate: float) -> None:
    assert norm.parse_rate(text) == rate


def test_rate_in_text_skips_own_share() -> None:
    text = "Die Förderquote beträgt bis zu 90 % der zuwendungsfähigen Ausgaben. Der Eigenanteil von 10 % ist nachzuweisen."
    assert norm.rate_in_text(text) == 0.9


@pytest.mark.parametrize(
    ("value", "labels"),
    [
        ("kommune", ["Kommune"]),
        ("Kreis", ["Landkreis"]),
        ("Landkreise", ["Landkreis"]),
        ("local authorities", ["Kommune"]),
        ("municipal companies", ["kommunale Unternehmen"]),
        ("kleine und mittlere Unternehmen", ["KMU"]),
        ("SMEs", ["KMU"]),
        ("Verband/Vereinigung", ["Verband", "Verein"]),
        ("Schulträger", ["Schulträger"]),
        ("Forschungseinrichtung", ["Forschungseinrichtung"]),
        ("universities", ["Hochschule"]),
        ("natürliche Personen", ["Privatperson"]),
        ("Kirchengemeinde", ["Kirchengemeinde"]),  # unknown: kept as written
    ],
)
def test_normalise_applicant(value: str, labels: list[str]) -> None:
    assert norm.normalise_applicant(value) == labels


def test_normalise_applicants_list_keeps_order_and_unknowns() -> None:
    assert norm.normalise_applicants("Existenzgründer/in, Unternehmen, kommune, Landwirt") == [
        "Existenzgründer",
        "Unternehmen",
        "Kommune",
        "Landwirt",
    ]


def test_applicants_in_text_skip_negated_clauses() -> None:
    text = "Antragsberechtigt sind Gemeinden unterhalb der Kreisebene; Landkreise sind nicht antragsberechtigt."
    assert norm.applicants_in_text(text) == ["Gemeinde unterhalb der Kreisebene"]
    text = "Antragsberechtigt sind Landkreise, kreisangehörige Städte und Gemeinden sowie kommunale Unternehmen."
    assert norm.applicants_in_text(text) == [
        "Landkreis",
        "Gemeinde unterhalb der Kreisebene",
        "kommunale Unternehmen",
    ]
    assert norm.applicants_in_text("Eligible are local authorities, SMEs and universities.") == [
        "Kommune",
        "KMU",
        "Hochschule",
    ]
    # "Volkshochschulen" are not universities.
    assert norm.applicants_in_text(
        "Antragsberechtigt sind Kommunen als Träger von Volkshochschulen."
    ) == ["Kommune"]


def test_labels_with_comma_and_codes() -> None:
    assert norm.split_labels("Kultur, Medien & Sport, Digitalisierung") == [
        "Kultur, Medien & Sport",
        "Digitalisierung",
    ]
    assert norm.split_labels("kultur_medien_sport, smart_cities_regionen") == [
        "Kultur, Medien & Sport",
        "Smart Cities & Regionen",
    ]
    assert norm.normalise_region("nordrhein_westfalen, bundesweit") == "NRW, Bund"
    assert norm.normalise_region("Thüringen") == "Thüringen"
    assert norm.normalise_funding_type("zuschuss") == "Zuschuss"
    assert norm.normalise_funding_type("Preis") == "Preis"


def test_same_call_name_variants() -> None:
    from scrapers.dedupe import same_call

    assert same_call(
        "Smarte.Land.Regionen – Modellvorhaben", "", "Smarte LandRegionen: Modellvorhaben", ""
    )
    assert same_call(
        "Förderaufruf Heimat 2.0 für Gemeinden",
        "Heimat 2.0",
        "Heimat 2.0 – digitale Projekte für Gemeinden",
        "Heimat 2.0",
    )
    assert not same_call(
        "DigitalPakt Schule – Administration",
        "DigitalPakt Schule",
        "DigitalPakt Schule – Länderübergreifende Vorhaben",
        "DigitalPakt Schule",
    )
    assert not same_call("Digitale Verwaltung NRW", "", "Digitale Schulinfrastruktur NRW", "")


@pytest.mark.parametrize(
    ("text", "number"),
    [("80 %", 80), ("0,8", 0.8), ("250.000", 250_000), ("1.5", 1.5), ("2 Mio", 2_000_000)]
    + [(bad, None) for bad in ("viel", "-5", "nan", "1e9", "5 Einwohner")],
)
def test_parse_number_reads_a_number_alone(text: str, number: float | None) -> None:
    assert norm.parse_number(text) == number
