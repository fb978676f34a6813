"""Eligibility: structured list, text, Landkreis vs Gemeinde, region, structurally weak."""

from __future__ import annotations

from matcher.eligibility import assess
from matcher.strategy import Strategy
from tests.matcher.conftest import make_call


def test_structured_list_with_kommune_admits_everyone(strategy: Strategy) -> None:
    e = assess(
        make_call("c", "x", eligible=["Kommune", "Verein"], region="Bund"), strategy.region_profile
    )
    assert e.status == "eligible"
    assert set(e.applicants) == {"Kreis Coesfeld", "Dülmen", "Senden"}


def test_only_municipalities_below_county_level(strategy: Strategy) -> None:
    e = assess(
        make_call("c", "Heimat 2.0", eligible=["Gemeinde", "Stadt"], region="Bund"),
        strategy.region_profile,
    )
    assert e.status == "eligible"
    assert e.applicants == ["Dülmen", "Senden"]
    assert "der Kreis nicht, die Städte und Gemeinden schon" in " ".join(e.reasons)


def test_only_counties(strategy: Strategy) -> None:
    e = assess(make_call("c", "x", eligible=["Landkreis"], region="Bund"), strategy.region_profile)
    assert e.status == "eligible"
    assert e.applicants == ["Kreis Coesfeld"]


def test_only_companies_is_ineligible_and_says_why(strategy: Strategy) -> None:
    e = assess(
        make_call("c", "x", eligible=["Unternehmen", "KMU"], region="Bund"), strategy.region_profile
    )
    assert e.status == "ineligible"
    assert "nicht antragsberechtigt" in e.reasons[0]
    assert "Unternehmen" in e.reasons[0]


def test_project_applicant_types_extend_eligibility(strategy: Strategy) -> None:
    call = make_call("c", "x", eligible=["Unternehmen", "Landwirt"], region="Bund")
    farm = strategy.project("WI-04")
    assert assess(call, strategy.region_profile).status == "ineligible"
    e = assess(call, strategy.region_profile, farm.applicant_types)
    assert e.status == "eligible"
    assert "Projektpartner" in e.reasons[0]


def test_eligibility_from_text(strategy: Strategy) -> None:
    call = make_call(
        "c",
        "x",
        "Gefördert werden Radwege. Antragsberechtigt sind Landkreise und kreisfreie Städte.",
        region="NRW",
    )
    e = assess(call, strategy.region_profile)
    assert e.status == "eligible"
    assert e.applicants == ["Kreis Coesfeld"]
    companies = make_call(
        "c", "x", "Zuwendungsempfänger sind kleine und mittlere Unternehmen.", region="Bund"
    )
    assert assess(companies, strategy.region_profile).status == "ineligible"


def test_eligibility_from_the_subject_of_a_short_notice(strategy: Strategy) -> None:
    """Feed items say "Kommunen können … beantragen" instead of "Antragsberechtigt sind"."""
    profile = strategy.region_profile

    def status(text: str) -> str:
        return assess(make_call("c", "Neuer Aufruf", text, region="NRW"), profile).status

    assert status("Kommunen können bis zum 31. März 2027 Bundesmittel beantragen.") == "eligible"
    assert status("Sie erhalten als Kommune in NRW einen Zuschuss von 70 %.") == "eligible"
    # only the subject counts, and "30. April" does not end the sentence
    assert (
        status(
            "Gemeinnützige Vereine können sich bis zum 30. April 2026 bei ihrem Kreis "
            "um eine Förderung bewerben."
        )
        == "ineligible"
    )
    assert status("Bürgerbusvereine erhalten eine Förderung für Kleinbusse.") == "ineligible"
    assert status("Privatpersonen können keine Anträge stellen.") == "unknown"


def test_unknown_when_nobody_is_named(strategy: Strategy) -> None:
    e = assess(
        make_call("c", "Neuer Aufruf", "Details folgen.", region="Bund"), strategy.region_profile
    )
    assert e.status == "unknown"
    assert e.reasons


def test_other_state_and_district(strategy: Strategy) -> None:
    profile = strategy.region_profile
    other_state = assess(make_call("c", "x", eligible=["Gemeinde"], region="Bayern"), profile)
    assert other_state.status == "ineligible"
    assert "Bayern" in other_state.reasons[0]
    other_district = assess(
        make_call("c", "x", eligible=["Gemeinde"], region="Regierungsbezirk Köln"), profile
    )
    assert other_district.status == "ineligible"
    own = assess(
        make_call("c", "x", eligible=["Gemeinde"], region="Regierungsbezirk Münster"), profile
    )
    assert own.status == "eligible"
    several = assess(
        make_call("c", "x", eligible=["Gemeinde"], region="NRW, Niedersachsen"), profile
    )
    assert several.status == "eligible"
    other_county = assess(
        make_call("c", "x", eligible=["Verein"], region="Münster, Kreis Warendorf"), profile
    )
    assert other_county.status == "ineligible"
    leader = assess(
        make_call("c", "x", eligible=["Gemeinde"], region="LEADER-Region Baumberge"), profile
    )
    assert leader.status == "unknown"


def test_structurally_weak_only(strategy: Strategy) -> None:
    profile = strategy.region_profile
    weak = make_call(
        "c",
        "x",
        "Gefördert werden ausschließlich Kommunen in strukturschwachen Regionen.",
        eligible=["Kommune"],
        region="Bund",
    )
    e = assess(weak, profile)
    assert e.status == "ineligible"
    assert "strukturschwach" in e.reasons[0]
    rural_or_weak = make_call(
        "c",
        "x",
        "Engagement in ländlichen und strukturschwachen Räumen.",
        eligible=["Kommune"],
        region="Bund",
    )
    assert assess(rural_or_weak, profile).status == "eligible"
