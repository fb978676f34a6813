"""Population limits: "Gemeinden mit bis zu 20.000 Einwohnern" leaves out the larger towns."""

from __future__ import annotations

from dataclasses import replace

import pytest

from matcher.eligibility import assess
from matcher.population import PopulationLimit, population_limits
from matcher.strategy import Applicant, RegionProfile, StrategyError, parse_strategy
from tests.matcher.conftest import make_call

TOWNS = frozenset({"municipal", "kreisfrei"})


def _profile(senden: int | None = 20700) -> RegionProfile:
    return RegionProfile(
        state="Nordrhein-Westfalen",
        county="Kreis Coesfeld",
        administrative_district="Regierungsbezirk Münster",
        structurally_weak=False,
        applicants=[
            Applicant("Kreis Coesfeld", "Landkreis", 222000),
            Applicant("Coesfeld", "Stadt", 37000),
            Applicant("Dülmen", "Stadt", 47000),
            Applicant("Lüdinghausen", "Stadt", 25400),
            Applicant("Senden", "Gemeinde", senden),
            Applicant("Nordkirchen", "Gemeinde", 10500),
        ],
    )


def _limits(text: str, title: str = "Aufruf") -> list[tuple[str, int]]:
    return [(lim.relation, lim.number) for lim in population_limits(title, "", text)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Antragsberechtigt sind Gemeinden mit bis zu 20.000 Einwohnern.", [("max", 20000)]),
        (
            "Antragsberechtigt sind Gemeinden unterhalb der Kreisebene mit bis zu 20.000 "
            "Einwohnern, die Dorf-Apps einführen.",
            [("max", 20000)],
        ),
        ("Bewerben können Städte bis 30.000 Einwohnerinnen und Einwohner.", [("max", 30000)]),
        ("Antragsberechtigt sind Gemeinden unter 10.000 Einwohnern.", [("below", 10000)]),
        ("Antragsberechtigt sind Kommunen mit weniger als 10 000 EW.", [("below", 10000)]),
        ("Antragsberechtigt sind Städte mit höchstens 25.000 Einwohnern.", [("max", 25000)]),
        ("Antragsberechtigt sind Städte ab 50.000 Einwohnern.", [("min", 50000)]),
        ("Antragsberechtigt sind Städte mit mehr als 50.000 Einwohnern.", [("above", 50000)]),
        (
            "Antragsberechtigt sind Kommunen mit einer Einwohnerzahl von bis zu 20.000.",
            [("max", 20000)],
        ),
        # a region between the noun and the limit is no village
        (
            "Antragsberechtigt sind Kommunen in NRW mit bis zu 20.000 Einwohnern.",
            [("max", 20000)],
        ),
        (
            "Antragsberechtigt sind Gemeinden im ländlichen Raum mit weniger als 10.000 EW.",
            [("below", 10000)],
        ),
        # a rate in another clause of the sentence
        (
            "Antragsberechtigt sind Gemeinden bis 20.000 Einwohner, die Förderquote beträgt "
            "80 Prozent.",
            [("max", 20000)],
        ),
        # where the funded place is: a town's project lies in the town
        (
            "Gefördert werden Begegnungsorte in Gemeinden bis 30.000 Einwohnern, auch digital.",
            [("max", 30000)],
        ),
        # not the municipalities: the associations' seat, villages, a funding rate, background
        ("Antragsberechtigt sind Vereine mit Sitz in Gemeinden unter 20.000 Einwohnern.", []),
        ("Antragsberechtigt sind Vereine in Gemeinden unter 20.000 Einwohnern.", []),
        ("Gefördert werden Dorftreffs in Orten bis 10.000 Einwohnern.", []),
        ("Antragsberechtigt sind Gemeinden für Treffs in Ortsteilen bis 5.000 Einwohner.", []),
        ("Antragsberechtigt sind Gemeinden für Projekte in den Orten bis 5.000 EW.", []),
        (
            "Antragsberechtigt sind alle Gemeinden, für Gemeinden unter 20.000 Einwohnern "
            "beträgt die Förderquote 90 Prozent.",
            [],
        ),
        ("Die Förderquote beträgt 70 Prozent, für Gemeinden unter 20.000 Einwohnern 85.", []),
        ("In Städten mit mehr als 50.000 Einwohnern lebt die Hälfte der Menschen.", []),
        ("Die Förderung beträgt höchstens 450.000 Euro.", []),
    ],
)
def test_limits_read_from_the_text(text: str, expected: list[tuple[str, int]]) -> None:
    assert _limits(text) == expected


def test_a_title_sets_a_limit_and_the_noun_says_for_whom() -> None:
    assert population_limits("Aufruf für Gemeinden unter 20.000 EW", "", "") == (
        PopulationLimit(TOWNS, "below", 20000),
    )
    (county,) = population_limits("x", "", "Antragsberechtigt sind Kreise ab 100.000 Einwohnern.")
    assert county.levels == {"county"}


def test_only_the_towns_inside_the_limit_are_listed_and_the_reason_names_the_others() -> None:
    call = make_call(
        "c",
        "Modellvorhaben Dorfentwicklung digital",
        "Antragsberechtigt sind Gemeinden unterhalb der Kreisebene mit bis zu 20.000 Einwohnern.",
        eligible=["Gemeinde unterhalb der Kreisebene"],
        region="Bund",
    )
    e = assess(call, _profile())
    assert e.status == "eligible"
    assert e.applicants == ["Nordkirchen"]
    assert e.reasons[-1] == (
        "nur Gemeinden bis 20.000 Einwohner: Coesfeld, Dülmen, Lüdinghausen und Senden "
        "liegen darüber"
    )
    # without the limit every town is listed
    plain = assess(replace(call, text="Antragsberechtigt sind Gemeinden."), _profile())
    assert "Coesfeld" in plain.applicants


def test_a_town_without_population_stays_listed_and_the_reason_says_so() -> None:
    call = make_call(
        "c", "Aufruf", "Antragsberechtigt sind Gemeinden bis 30.000 Einwohner.", region="Bund"
    )
    e = assess(call, _profile(senden=None))
    assert e.status == "eligible"
    assert e.applicants == ["Lüdinghausen", "Senden", "Nordkirchen"]
    assert (
        "nur Gemeinden bis 30.000 Einwohner: Coesfeld und Dülmen liegen darüber; "
        "Einwohnerzahl von Senden unbekannt (population in der Strategie) – bitte prüfen"
    ) in e.reasons


def test_a_limit_that_excludes_every_member_makes_the_call_ineligible() -> None:
    call = make_call(
        "c", "Aufruf", "Antragsberechtigt sind Städte ab 50.000 Einwohnern.", region="Bund"
    )
    e = assess(call, _profile())
    assert e.status == "ineligible"
    assert e.applicants == []
    assert e.reasons == [
        "Kreis, Städte und Gemeinden nicht antragsberechtigt – nur Gemeinden ab 50.000 "
        "Einwohnern: Coesfeld, Dülmen, Lüdinghausen, Senden und Nordkirchen liegen darunter"
    ]
    # the same call for Kommunen admits the county, which is large enough
    kommunen = make_call(
        "c", "Aufruf", "Antragsberechtigt sind Kommunen ab 50.000 Einwohnern.", region="Bund"
    )
    assert assess(kommunen, _profile()).applicants == ["Kreis Coesfeld"]


def test_the_association_sentence_does_not_limit_the_municipalities() -> None:
    call = make_call(
        "c",
        "Aufruf",
        "Antragsberechtigt sind Kommunen sowie Vereine mit Sitz in Gemeinden unter 20.000 "
        "Einwohnern.",
        region="Bund",
    )
    e = assess(call, _profile())
    assert e.status == "eligible"
    assert "Dülmen" in e.applicants
    assert not any(r.startswith("nur Gemeinden") for r in e.reasons), e.reasons


def _strategy_with(population: str) -> str:
    return f"""\
id: test
name: Teststrategie
region_profile:
  state: Nordrhein-Westfalen
  applicants:
    - {{name: Dülmen, type: Stadt, population: {population}}}
themes:
  - id: verwaltung
    name: Verwaltung
    priority: 1
    goals:
      - id: V1
        text: Alles online.
projects:
  - id: P1
    title: Portal
    theme: verwaltung
    goals: [V1]
"""


@pytest.mark.parametrize("population", ["-5", "47.000", "etwa 47000", "true", "0"])
def test_a_population_that_is_no_whole_number_is_refused_with_line_and_field(
    population: str,
) -> None:
    with pytest.raises(StrategyError) as info:
        parse_strategy(_strategy_with(population), "strategie.yaml")
    assert str(info.value) == (
        "strategie.yaml: Zeile 6, region_profile.applicants[0].population: 'population' muss "
        "die Einwohnerzahl als ganze Zahl größer 0 sein, ohne Tausenderpunkt (z. B. 37000), "
        f"nicht '{population}'"
    )


def test_a_population_is_read_and_may_be_left_out() -> None:
    strategy = parse_strategy(_strategy_with("47000"))
    assert strategy.region_profile.applicants[0].population == 47000
    without = parse_strategy(_strategy_with("47000").replace(", population: 47000", ""))
    assert without.region_profile.applicants[0].population is None


def test_strategy_show_names_the_populations(cli) -> None:
    result = cli("strategy", "show")
    assert result.exit_code == 0, result.output
    shown = "Coesfeld (Stadt, 37.000 Einwohner), Dülmen (Stadt, 47.000 Einwohner)"
    assert shown in result.output
