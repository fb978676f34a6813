"""Eligibility: structured list, text, Landkreis vs Gemeinde, region, structurally weak."""

from __future__ import annotations

from pathlib import Path

import pytest

from matcher.eligibility import assess
from matcher.strategy import Applicant, RegionProfile, Strategy
from matcher.types import Eligibility
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


def test_public_institutions_include_those_of_the_county_and_its_towns(
    strategy: Strategy,
) -> None:
    """EU calls for "public authorities" (normalised to Öffentliche Einrichtung) and calls for
    museums "in öffentlicher Trägerschaft" were ineligible, though a Kreisarchiv may apply."""
    listed = make_call(
        "c",
        "LIFE Climate Change Adaptation",
        "Public authorities, NGOs and companies are eligible.",
        eligible=["Öffentliche Einrichtung", "Verein", "Unternehmen"],
        region="EU",
    )
    assert assess(listed, strategy.region_profile).status == "eligible"
    from_text = make_call(
        "c",
        "Kultur digital",
        "Antragsberechtigt sind Museen, Archive und Bibliotheken in öffentlicher Trägerschaft "
        "sowie Heimatvereine.",
        region="NRW",
    )
    assert assess(from_text, strategy.region_profile).status == "eligible"
    private = make_call(
        "c", "x", "Antragsberechtigt sind Museen in privater Trägerschaft.", region="NRW"
    )
    assert assess(private, strategy.region_profile).status != "eligible"


def test_the_text_says_who_of_a_listed_kommune_may_apply(strategy: Strategy) -> None:
    # sources list "Kommune" where the text names the level; the verdict names who applies
    profile = strategy.region_profile
    counties = make_call(
        "c",
        "Förderung kommunaler Bildungslandschaften",  # the title names no applicant
        "Gefördert werden Modellvorhaben. Antragsberechtigt sind Landkreise in ländlichen "
        "Räumen. Kreisangehörige Gemeinden können als Partner beteiligt werden.",
        eligible=["Kommune"],
        region="Bund",
    )
    e = assess(counties, profile)
    assert (e.status, e.applicants) == ("eligible", ["Kreis Coesfeld"])
    assert e.reasons == [
        "laut Aufruftext nur Kreise antragsberechtigt – der Kreis ja, die Städte und Gemeinden nicht"
    ]
    towns = make_call(
        "t",
        "Heimat 2.0",
        "Antragsberechtigt sind Gemeinden unterhalb der Kreisebene. "
        "Landkreise sind nicht antragsberechtigt.",
        eligible=["Kommune"],
        region="Bund",
    )
    e = assess(towns, profile)
    assert (e.status, e.applicants) == ("eligible", ["Dülmen", "Senden"])
    assert e.reasons[0].startswith("laut Aufruftext nur Gemeinden unterhalb der Kreisebene")
    # a text that admits none of them does not overrule the list (nor change any status)
    other = make_call(
        "o", "x", "Antragsberechtigt sind kreisfreie Städte.", eligible=["Kommune"], region="Bund"
    )
    e = assess(other, profile)
    assert (e.status, set(e.applicants)) == ("eligible", {"Kreis Coesfeld", "Dülmen", "Senden"})
    for call in (counties, towns, other):
        assert assess(call, profile, explain=False).status == "eligible"


def test_project_applicant_types_extend_eligibility(strategy: Strategy) -> None:
    call = make_call("c", "x", eligible=["Unternehmen", "Landwirt"], region="Bund")
    farm = strategy.project("WI-04")
    assert assess(call, strategy.region_profile).status == "ineligible"
    e = assess(call, strategy.region_profile, farm.applicant_types)
    assert e.status == "eligible"
    assert e.reasons[0] == "antragsberechtigt über Unternehmen, Landwirt (Projektpartner)"
    # the partner types the web app names on its badge, as the strategy writes them
    assert e.partners == ["Unternehmen", "Landwirt"]
    # the county may apply itself: nobody applies through partners
    own = make_call("d", "x", eligible=["Kommune", "Unternehmen"], region="Bund")
    assert assess(own, strategy.region_profile, farm.applicant_types).partners == []
    # a call for another state: the partners may not apply either
    away = make_call("e", "x", eligible=["Unternehmen"], region="Bayern")
    assert assess(away, strategy.region_profile, farm.applicant_types).partners == []


def test_a_plural_project_type_meets_a_compound_in_the_call(strategy: Strategy) -> None:
    # "Vereine" is read as the call's list is read, so it meets "Sportvereine"
    call = make_call("c", "x", eligible=["Sportvereine"], region="Bund")
    e = assess(call, strategy.region_profile, ["Vereine"])
    assert e.status == "eligible"
    # named as the strategy writes it, not by the matcher's internal kind ("verein")
    assert e.reasons[0] == "antragsberechtigt über Vereine (Projektpartner)"


def test_a_town_named_kreisstadt_is_a_town_not_a_county() -> None:
    profile = RegionProfile(
        state="Sachsen",
        county="Landkreis Meißen",
        applicants=[
            Applicant("Landkreis Meißen", "Landkreis"),
            Applicant("Radebeul", "Große Kreisstadt"),
            Applicant("Coswig", "Große kreisangehörige Stadt"),
        ],
    )
    towns = make_call("c", "x", eligible=["Gemeinde", "Stadt"], region="Bund")
    e = assess(towns, profile)
    assert (e.status, e.applicants) == ("eligible", ["Radebeul", "Coswig"])
    counties = make_call("c", "x", eligible=["Landkreis"], region="Bund")
    assert assess(counties, profile).applicants == ["Landkreis Meißen"]


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


def test_a_verdict_read_from_the_text_quotes_its_sentence(strategy: Strategy) -> None:
    # the officer sees what the text was read to say, not "nur andere Antragsteller"
    profile = strategy.region_profile
    museums = make_call(
        "m",
        "Kultur digital",
        "Gefördert wird die Digitalisierung von Sammlungen.\nAntragsberechtigt:\nMuseen, "
        "Archive und   Bibliotheken in privater Trägerschaft sowie Heimatvereine.",
        region="Bund",
    )
    e = assess(museums, profile)
    assert e.status == "ineligible"
    assert e.reasons == [
        "Kreis, Städte und Gemeinden laut Aufruftext nicht antragsberechtigt: „Antragsberechtigt: "
        "Museen, Archive und Bibliotheken in privater Trägerschaft sowie Heimatvereine.“"
    ]
    notice = make_call(
        "n", "Städtebau 2027", "Städte und Gemeinden können Maßnahmen anmelden.", region="NRW"
    )
    e = assess(notice, profile)
    assert e.status == "eligible"
    assert e.reasons[-1] == (
        "Antragsberechtigung aus dem Aufruftext gelesen: "
        "„Städte und Gemeinden können Maßnahmen anmelden.“"
    )
    # ranking reads no quote: the status is the same
    assert assess(museums, profile, explain=False).status == "ineligible"


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


def test_applicants_after_a_heading_and_in_english(strategy: Strategy) -> None:
    """ "Antragsberechtigt:" as a heading, and the English of EU calls without a list."""
    profile = strategy.region_profile

    def read(text: str) -> tuple[str, list[str]]:
        e = assess(make_call("c", "Aufruf", text, region="Bund"), profile)
        return e.status, e.applicants

    assert read("Antragsberechtigt:\nGemeinden und Kreise")[0] == "eligible"
    assert read("Zuwendungsempfänger: Landkreise.") == ("eligible", ["Kreis Coesfeld"])
    assert read("Wer wird gefördert? Unternehmen der gewerblichen Wirtschaft.")[0] == "ineligible"
    assert read("Förderberechtigte: Städte und Gemeinden")[1] == ["Dülmen", "Senden"]
    assert read("Antragsberechtigt sind kommunale Gebietskörperschaften.")[0] == "eligible"
    assert read("Eligible applicants: local and regional authorities, SMEs.")[0] == "eligible"
    assert read("Eligible applicants: public authorities and NGOs.")[0] == "eligible"


# Two EU calls of an advisor's unseen test (V-012 Horizon Europe, V-008 Interreg NWE) that
# say who may take part without "eligible applicants": the rate sentence before them uses
# "eligible" too, and is no applicant sentence to quote
_HORIZON = (
    "Pilots should be carried out in at least three regions. This is a Research and "
    "Innovation Action (RIA); the funding rate is 100 % of eligible costs and the EU "
    "contribution is expected to be around EUR 6 million per project. Consortia must include "
    "at least three independent legal entities from three different Member States or "
    "associated countries; any legal entity, including local and regional authorities, may "
    "participate. Deadline: 13 April 2027 (single stage)."
)
_INTERREG = (
    "The ERDF co-financing rate is 60 % of eligible costs. Lead partners must be public or "
    "private non-profit bodies. Applicants are strongly encouraged to contact their National "
    "Contact Point before submitting."
)


@pytest.mark.parametrize(
    ("text", "quoted"),
    [
        # the whole sentence, not the clause after ";"
        (
            _HORIZON,
            "Consortia must include at least three independent legal entities from three "
            "different Member States or associated countries; any legal entity, including "
            "local and regional authorities, may participate.",
        ),
        (_INTERREG, "Lead partners must be public or private non-profit bodies."),
    ],
)
def test_english_participation_sentences_name_the_applicants(
    strategy: Strategy, text: str, quoted: str
) -> None:
    e = assess(make_call("c", "EU call", text, region="EU"), strategy.region_profile)
    assert e.status == "eligible", e
    assert e.reasons[-1] == f"Antragsberechtigung aus dem Aufruftext gelesen: „{quoted}“"


def test_english_participation_words_without_applicants_read_no_one(strategy: Strategy) -> None:
    # "may apply" of rules, and "must be" of something that is no body, name no applicant
    e = assess(
        make_call(
            "c",
            "EU call",
            "The rules of the programme guide may apply. Results must be made public.",
            region="EU",
        ),
        strategy.region_profile,
    )
    assert e.status == "unknown", e


def test_applicants_a_call_excludes(strategy: Strategy) -> None:
    profile = strategy.region_profile

    def status(text: str) -> str:
        return assess(make_call("c", "Aufruf", text, region="Bund"), profile).status

    assert status("Kommunen sind nicht antragsberechtigt. Antragsberechtigt sind Vereine.") == (
        "ineligible"
    )
    assert status("Antragsberechtigt sind Unternehmen; Kommunen sind nicht antragsberechtigt.") == (
        "ineligible"
    )
    # excluding others leaves the municipalities in
    assert status("Antragsberechtigt sind Kommunen. Unternehmen sind nicht antragsberechtigt.") == (
        "eligible"
    )
    only_towns = assess(
        make_call("c", "Aufruf", "Antragsberechtigt sind Kommunen, nicht jedoch Landkreise."),
        profile,
    )
    assert only_towns.status == "eligible" and only_towns.applicants == ["Dülmen", "Senden"]


def test_region_named_in_the_applicant_sentence(strategy: Strategy) -> None:
    profile = strategy.region_profile

    def check(text: str, region: str = "") -> tuple[str, str]:
        e = assess(make_call("c", "Aufruf", text, region=region), profile)
        return e.status, e.reasons[0] if e.reasons else ""

    status, reason = check("Antragsberechtigt sind Kommunen in Niedersachsen und Thüringen.")
    assert status == "ineligible"
    assert reason.startswith("laut Aufruftext nur für Antragsteller in Niedersachsen und Thüringen")
    assert check("Kommunen im Regierungsbezirk Detmold sind antragsberechtigt.")[0] == "ineligible"
    assert check("Antragsberechtigt:\nKommunen aus dem Freistaat Bayern", "Bund")[0] == "ineligible"
    # the own state or district among them, or a place outside the applicant sentences
    assert check("Antragsberechtigt sind Kommunen in Bayern und Nordrhein-Westfalen.")[0] == (
        "eligible"
    )
    assert check("Antragsberechtigt sind Kommunen im Regierungsbezirk Münster.")[0] == "eligible"
    assert check("Das Modell wurde in Bayern erprobt. Antragsberechtigt sind Kommunen.")[0] == (
        "eligible"
    )
    # where to apply is not who may
    assert (
        check(
            "Antragsteller reichen ihre Anträge bei der Bezirksregierung Detmold ein. "
            "Antragsberechtigt sind Kommunen."
        )[0]
        == "eligible"
    )


def test_structurally_weak_in_the_applicant_sentence(strategy: Strategy) -> None:
    profile = strategy.region_profile

    def status(text: str) -> str:
        return assess(make_call("c", "Aufruf", text, region="Bund"), profile).status

    assert status("Antragsberechtigt sind Kommunen in strukturschwachen Regionen.") == "ineligible"
    assert status("Antragsberechtigt sind Kommunen in einem GRW-Fördergebiet.") == "ineligible"
    # a preference is no restriction
    assert (
        status("Antragsberechtigt sind Kommunen, insbesondere in strukturschwachen Regionen.")
        == "eligible"
    )


def test_the_text_alone_mostly_agrees_with_the_applicant_lists() -> None:
    """Scraped notices often have no applicant list: the text reader must stand in for it.

    On the development calls that have a list, reading only their text gives the same status
    for most and the opposite one (eligible vs ineligible) for very few.
    """
    from matcher.evaluation import load_calls, text_eligibility_agreement
    from matcher.strategy import load_strategy

    root = Path(__file__).resolve().parents[2] / "data"
    strategy = load_strategy(root / "strategy" / "coesfeld-12-0.yaml")
    counts = text_eligibility_agreement(strategy, load_calls(root / "eval/dev/calls.jsonl"))
    agree = sum(n for (listed, text), n in counts.items() if listed == text)
    opposite = counts.get(("eligible", "ineligible"), 0) + counts.get(("ineligible", "eligible"), 0)
    assert sum(counts.values()) == 238
    assert agree >= 175, counts  # 157 before headings, exclusions and the new terms
    assert opposite <= 4, counts  # 16 before


def test_who_applies_not_where_or_with_whom(strategy: Strategy) -> None:
    profile = strategy.region_profile

    def status(text: str) -> str:
        return assess(make_call("c", "Aufruf", text, region="Bund"), profile).status

    assert status("Antragsberechtigt sind juristische Personen des öffentlichen Rechts.") == (
        "eligible"
    )
    assert status("Antragsberechtigt sind Museen, auch in kommunaler Trägerschaft.") == "eligible"
    assert status("Antragsberechtigt sind private und kommunale Waldbesitzende.") == "eligible"
    # a place and a partner are not applicants
    assert status(
        "Antragsberechtigt sind Vereine mit Sitz in Gemeinden unter 20.000 Einwohnern."
    ) == ("ineligible")
    assert status("Antragsberechtigt sind Vereine gemeinsam mit ihrer Kommune.") == "ineligible"
    # the subject after the verb, but not the Kreis an association applies to
    assert status("In der Ausschreibung 2027 können sich Kommunen und Landkreise bewerben.") == (
        "eligible"
    )
    assert status("Vereine können sich bei ihrem Kreis bewerben.") == "ineligible"


def test_competitions_and_premiums_name_their_applicants(strategy: Strategy) -> None:
    """'Teilnehmen können Kommunen …' and '… erhalten eine Prämie' were 'unklar'."""
    profile = strategy.region_profile

    def status(title: str, text: str) -> str:
        return assess(make_call("c", title, text, region="Bund"), profile).status

    assert (
        status("Bundeswettbewerb Zukunft Stadtgrün", "Teilnehmen können Kommunen mit Projekten.")
        == "eligible"
    )
    assert status("Wettbewerb", "Teilnehmen können Unternehmen mit Sitz in NRW.") == "ineligible"
    assert (
        status("Wald-Klimaprämie", "Private und kommunale Waldbesitzende erhalten eine Prämie.")
        == "eligible"
    )
    # a relative clause names nobody
    assert status("Beratung", "Vereine, die teilnehmen können, erhalten Beratung.") == "unknown"


def test_a_sentence_that_adds_applicants_is_no_complete_list(strategy: Strategy) -> None:
    """C-D-029: "Kreise können gemeinsam mit ihren Gemeinden Anträge stellen" beside "Das
    Land fördert Kommunen" said "nur Kreise … die Städte und Gemeinden nicht"."""
    profile = strategy.region_profile
    joint = "Kreise können gemeinsam mit ihren kreisangehörigen Gemeinden Anträge stellen."
    both = make_call(
        "c",
        "Interkommunale Zusammenarbeit",
        "Das Land fördert Kommunen, die Aufgaben gemeinsam wahrnehmen. Voraussetzung ist eine "
        f"Kooperation von mindestens drei Gebietskörperschaften; {joint}",
        region="NRW",
    )
    e = assess(both, profile)
    assert (e.status, e.applicants) == ("eligible", ["Kreis Coesfeld", "Dülmen", "Senden"])
    assert e.reasons == [
        "Antragsberechtigung aus dem Aufruftext gelesen: „Das Land fördert Kommunen, die "
        "Aufgaben gemeinsam wahrnehmen.“"
    ]
    # the addition alone admits the Kreis and leaves the towns open instead of saying "nicht"
    e = assess(make_call("c", "Aufruf", joint, region="NRW"), profile)
    assert (e.status, e.applicants) == ("eligible", ["Kreis Coesfeld"])
    assert e.reasons[0] == (
        "Antragsberechtigte laut Aufruftext nicht abschließend genannt – für die Städte und "
        "Gemeinden bitte im Aufruf prüfen"
    )
    # nor does it narrow an applicant list
    listed = make_call("c", "Aufruf", joint, eligible=["Kommune", "Landkreis"], region="NRW")
    e = assess(listed, profile)
    assert (e.applicants, e.reasons) == (["Kreis Coesfeld", "Dülmen", "Senden"], [])


def test_an_open_list_excludes_no_one(strategy: Strategy) -> None:
    """C-D-205: "Antragsberechtigt sind unter anderem …" without the county was "nicht"."""
    profile = strategy.region_profile

    def read(text: str) -> tuple[str, list[str], list[str]]:
        e = assess(make_call("c", "Aufruf", text, region="Bund"), profile)
        return e.status, e.applicants, e.reasons

    for text in (
        "Antragsberechtigt sind unter anderem Betriebe, Kammern und Bildungsträger.",
        "Antragsberechtigt sind u. a. Betriebe, Kammern und Bildungsträger.",
        "Antragsberechtigt sind z. B. Vereine, Stiftungen und Bildungsträger.",
        "Antragsberechtigt sind insbesondere Vereine und Verbände.",
    ):
        status, applicants, reasons = read(text)
        assert (status, applicants) == ("unknown", ["Kreis Coesfeld", "Dülmen", "Senden"]), text
        assert reasons == [
            "Antragsberechtigte laut Aufruftext nicht abschließend genannt – ob Kreis, Städte und "
            f"Gemeinden dazugehören, bitte im Aufruf prüfen: „{text}“"
        ]
    # "insbesondere" after the applicants only singles some out: the list is complete
    assert read("Antragsberechtigt sind Vereine, insbesondere Sportvereine.")[0] == "ineligible"
    # berufsbildende Schulen are run by the Kreis: it may apply, the towns stay open
    status, applicants, reasons = read(
        "Antragsberechtigt sind unter anderem berufsbildende Schulen, Betriebe und Kammern."
    )
    assert (status, applicants) == ("eligible", ["Kreis Coesfeld"])
    assert reasons[0] == (
        "Antragsberechtigte laut Aufruftext nicht abschließend genannt – für die Städte und "
        "Gemeinden bitte im Aufruf prüfen"
    )
    # an addition is no complete list either
    assert read("Auch Vereine können Anträge stellen.")[0] == "unknown"


def test_structurally_weak_and_rural_in_either_order(strategy: Strategy) -> None:
    profile = strategy.region_profile
    weak_and_rural = make_call(
        "c",
        "x",
        "Antragsberechtigt sind Kommunen in strukturschwachen und ländlichen Regionen.",
        region="Bund",
    )
    e = assess(weak_and_rural, profile)
    assert (e.status, len(e.applicants)) == ("eligible", 3)
    assert not any("strukturschwach" in r and "nur für" in r for r in e.reasons)
    # a summary cut off with "[…]" does not run into the text ("ausschließlich … strukturschwach")
    cut = make_call(
        "c",
        "Mikroförderung",
        "Die DSEE stärkt das Ehrenamt in strukturschwachen Regionen.\n"
        "Antragsberechtigt sind gemeinnützige Vereine und Kommunen.",
        eligible=["Verein", "Kommune"],
        region="Bund",
        summary="Die DSEE fördert Vorhaben. Antragsberechtigt sind ausschließlich gemeinnützige […]",
    )
    e = assess(cut, profile)
    assert (e.status, e.reasons) == ("eligible", [])


def test_a_region_exclusion_gives_only_its_reason(strategy: Strategy) -> None:
    """It said "nicht" and went on "… die Städte und Gemeinden schon"."""
    profile = strategy.region_profile
    towns = make_call("c", "x", eligible=["Gemeinde"], region="Bayern")
    assert assess(towns, profile).reasons == ["nur für Bayern – Kreis Coesfeld liegt nicht darin"]
    firms = make_call("c", "x", eligible=["Unternehmen"], region="Thüringen")
    e = assess(firms, profile, ["Unternehmen"])
    assert (e.status, e.reasons, e.partners) == (
        "ineligible",
        ["nur für Thüringen – Kreis Coesfeld liegt nicht darin"],
        [],
    )


def test_the_subject_of_a_notice_narrows_the_list(strategy: Strategy) -> None:
    """C-D-216: "Landkreise und kreisfreie Städte erhalten Zuschüsse" showed every town."""
    call = make_call(
        "c",
        "Bildungskommunen",
        "Wenn Sie als Landkreis oder kreisfreie Stadt ein kommunales Bildungsmanagement "
        "aufbauen wollen, können Sie eine Förderung erhalten.",
        eligible=["Landkreis", "Stadt"],
        region="Bund",
        summary="Landkreise und kreisfreie Städte erhalten Zuschüsse für ein Bildungsmanagement.",
    )
    e = assess(call, strategy.region_profile)
    assert (e.status, e.applicants) == ("eligible", ["Kreis Coesfeld"])
    assert e.reasons == [
        "laut Aufruftext nur Kreise antragsberechtigt – der Kreis ja, die Städte und Gemeinden nicht"
    ]


@pytest.mark.parametrize(
    "sentence",
    [
        "Antragsberechtigt sind die Aufgabenträger des ÖPNV.",
        "Zuwendungsempfänger sind die ÖPNV-Aufgabenträger in Nordrhein-Westfalen.",
        "Antragsberechtigt sind die Aufgabenträger des öffentlichen Personennahverkehrs.",
    ],
)
def test_aufgabentraeger_of_local_transport_are_counties(strategy: Strategy, sentence: str) -> None:
    """The Kreise and kreisfreien Städte run local public transport: the Kreis applies."""
    call = make_call("c", "ÖPNV-Pauschale", f"Das Land gewährt eine Pauschale. {sentence}")
    e = assess(call, strategy.region_profile)
    assert (e.status, e.applicants) == ("eligible", ["Kreis Coesfeld"])


def test_zugelassene_kommunale_traeger_are_counties(strategy: Strategy) -> None:
    """C-D-106 (rehapro): only a Kreis or a kreisfreie Stadt can run a Jobcenter alone."""
    call = make_call(
        "c",
        "rehapro",
        "Antragsberechtigt sind ausschließlich Jobcenter, also gemeinsame Einrichtungen und "
        "zugelassene kommunale Träger.",
        region="Bund",
    )
    e = assess(call, strategy.region_profile)
    assert (e.status, e.applicants) == ("eligible", ["Kreis Coesfeld"])
    assert e.reasons[0] == (
        "nur Kreise antragsberechtigt – der Kreis ja, die Städte und Gemeinden nicht"
    )
    city = RegionProfile(
        state="Nordrhein-Westfalen", applicants=[Applicant("Stadt Münster", "kreisfreie Stadt")]
    )
    assert assess(call, city).status == "eligible"


def test_a_heading_is_quoted_with_the_sentence_after_it(strategy: Strategy) -> None:
    """33 of 282 dev calls quoted only "4. Zuwendungsempfänger" or "Antragsberechtigte"."""
    profile = strategy.region_profile
    call = make_call(
        "c",
        "Richtlinie",
        "3. Gegenstand\nGefördert werden Beratungsstellen.\n4. Zuwendungsempfänger\n"
        "Antragsberechtigt sind Vereine und Verbände.\n5. Voraussetzungen\nKeine.",
        region="Bund",
    )
    e = assess(call, profile)
    assert e.status == "ineligible"
    assert e.reasons == [
        # the section title is no part of a sentence that says itself who may apply
        "Kreis, Städte und Gemeinden laut Aufruftext nicht antragsberechtigt: "
        "„Antragsberechtigt sind Vereine und Verbände.“"
    ]
    # the applicants may follow a heading without a verb of their own
    heading = make_call(
        "c", "Richtlinie", "Antragsberechtigte\nLandkreise und kreisfreie Städte", region="Bund"
    )
    e = assess(heading, profile)
    assert (e.status, e.applicants) == ("eligible", ["Kreis Coesfeld"])
    assert e.reasons[-1] == (
        "Antragsberechtigung aus dem Aufruftext gelesen: „Antragsberechtigte Landkreise und "
        "kreisfreie Städte“"
    )
    # a short line that names the applicants is no heading: the next one is not read with it
    named = make_call(
        "c",
        "Richtlinie",
        "Antragsberechtigt nur Landkreise\nStädte und Gemeinden werden beteiligt.",
        region="Bund",
    )
    assert assess(named, profile).applicants == ["Kreis Coesfeld"]


def test_more_ways_to_exclude_the_kreis(strategy: Strategy) -> None:
    profile = strategy.region_profile
    for text in (
        "Antragsberechtigt sind Städte und Gemeinden, nicht aber Landkreise.",
        "Antragsberechtigt sind Kommunen; Landkreise sind ausgeschlossen.",
        "Antragsberechtigt sind Kommunen. Landkreise sind von der Förderung ausgeschlossen.",
        "Antragsberechtigt sind Kommunen. Ausgeschlossen sind Landkreise.",
        "Landkreise können nicht antragstellen. Antragsberechtigt sind Kommunen.",
        "Antragsberechtigt sind Kommunen. Landkreise können keine Anträge stellen.",
    ):
        e = assess(make_call("c", "Aufruf", text, region="Bund"), profile)
        assert (e.status, e.applicants) == ("eligible", ["Dülmen", "Senden"]), text
        assert e.reasons[0] == (
            "nur Gemeinden unterhalb der Kreisebene antragsberechtigt – der Kreis nicht, die "
            "Städte und Gemeinden schon"
        ), text
    # a place is not an applicant: projects in Landkreise are excluded, not the Landkreise
    e = assess(
        make_call(
            "c",
            "Aufruf",
            "Antragsberechtigt sind Kommunen. Vorhaben in Landkreisen sind ausgeschlossen.",
            region="Bund",
        ),
        profile,
    )
    assert e.applicants == ["Kreis Coesfeld", "Dülmen", "Senden"]


def test_east_germany_is_a_region(strategy: Strategy) -> None:
    profile = strategy.region_profile
    for text in (
        "Antragsberechtigt sind Kommunen in Ostdeutschland.",
        "Antragsberechtigt sind Kommunen in den neuen Bundesländern.",
        "Antragsberechtigt sind Kommunen in den ostdeutschen Ländern.",
    ):
        e = assess(make_call("c", "Aufruf", text, region="Bund"), profile)
        assert (e.status, e.reasons) == (
            "ineligible",
            ["laut Aufruftext nur für Antragsteller in Ostdeutschland – Kreis Coesfeld liegt "
             "nicht darin"],
        ), text  # fmt: skip
    listed = make_call("c", "x", eligible=["Kommune"], region="Neue Bundesländer")
    assert assess(listed, profile).reasons == [
        "nur für Neue Bundesländer – Kreis Coesfeld liegt nicht darin"
    ]
    saxony = RegionProfile(
        state="Sachsen",
        county="Landkreis Meißen",
        applicants=[Applicant("Landkreis Meißen", "Landkreis")],
    )
    assert assess(listed, saxony).status == "eligible"


def _coesfeld() -> RegionProfile:
    """The bundled strategy's county with all eleven towns (not structurally weak)."""
    from matcher.strategy import load_strategy

    root = Path(__file__).resolve().parents[2] / "data"
    return load_strategy(root / "strategy" / "coesfeld-12-0.yaml").region_profile


def test_grw_and_structurally_weak_conditions_of_the_applicants() -> None:
    """The conditions an advisor found missed (U-019 and the like): not eligible, with the
    sentence quoted; a preference stays eligible."""
    profile = _coesfeld()

    def check(text: str, eligible: tuple[str, ...] = ()) -> tuple[str, str]:
        call = make_call("c", "Aufruf", text, eligible=list(eligible), region="Bund")
        e = assess(call, profile)
        return e.status, e.reasons[0] if e.reasons else ""

    grw = (
        "Antragsberechtigt sind Landkreise und kreisfreie Städte, die in der "
        "GRW-Fördergebietskarte 2022-2027 als C- oder D-Fördergebiet ausgewiesen sind."
    )
    assert check(grw, ("Landkreis",)) == (
        "ineligible",
        "nur für strukturschwache Regionen – Kreis Coesfeld gilt nicht als strukturschwach: "
        f"„{grw}“",
    )
    for text in (
        "Antragsberechtigt sind Kommunen, die zu den strukturschwachen Regionen nach dem "
        "Gesamtdeutschen Fördersystem zählen.",
        "Antragsberechtigt sind Gemeinden und Kreise in Nordrhein-Westfalen, soweit sie im "
        "Fördergebiet der GRW liegen.",
    ):
        assert check(text) == (
            "ineligible",
            "nur für strukturschwache Regionen – Kreis Coesfeld gilt nicht als "
            f"strukturschwach: „{text}“",
        )
    # the subject of a short notice
    status, _ = check(
        "Landkreise in strukturschwachen Regionen können Modellvorhaben beantragen.",
        ("Landkreis",),
    )
    assert status == "ineligible"
    # a preference, an alternative and a rate restrict no one
    for text in (
        "Antragsberechtigt sind Kommunen, insbesondere in strukturschwachen Regionen.",
        "Antragsberechtigt sind Kommunen, vor allem in strukturschwachen Regionen.",
        "Antragsberechtigt sind Gemeinden bis 20.000 Einwohner oder in GRW-Fördergebieten.",
        "Antragsberechtigt sind Kommunen. Antragsteller in strukturschwachen Regionen "
        "erhalten eine um 10 Prozentpunkte erhöhte Förderquote.",
    ):
        assert check(text)[0] == "eligible", text
    # a profile that does not say whether the county is structurally weak: unclear, not yes
    unsure = RegionProfile(state="Nordrhein-Westfalen", county="Kreis Coesfeld")
    e = assess(make_call("c", "Aufruf", grw, eligible=["Landkreis"], region="Bund"), unsure)
    assert e.status == "unknown"
    assert "structurally_weak in der Strategie" in e.reasons[-1]


def test_named_regions_the_county_is_not_in() -> None:
    profile = _coesfeld()

    def check(text: str, region: str = "Bund") -> tuple[str, str]:
        e = assess(make_call("c", "Aufruf", text, eligible=["Kommune"], region=region), profile)
        return e.status, e.reasons[0] if e.reasons else ""

    revier = "Antragsberechtigt sind Kommunen im Rheinischen Revier."
    assert check(revier) == (
        "ineligible",
        "laut Aufruftext nur für Antragsteller im Rheinischen Revier – Kreis Coesfeld liegt "
        f"nicht darin: „{revier}“",
    )
    assert check(revier, "NRW")[0] == "ineligible"
    wandel = (
        "Antragsberechtigt sind Kommunen aus den Regionen des Strukturwandels "
        "(Rheinisches Revier, Emscher-Lippe)."
    )
    assert check(wandel) == (
        "ineligible",
        "laut Aufruftext nur für Antragsteller im Rheinischen Revier oder in der "
        f"Emscher-Lippe-Region – Kreis Coesfeld liegt nicht darin: „{wandel}“",
    )
    for text in (
        "Antragsberechtigt sind Kommunen in den Braunkohleregionen.",
        "Antragsberechtigt sind Kommunen in der Lausitz und im Mitteldeutschen Revier.",
    ):
        assert check(text)[0] == "ineligible", text
    assert check("x", "Rheinisches Revier") == (
        "ineligible",
        "nur für Rheinisches Revier – Kreis Coesfeld liegt nicht darin",
    )
    # a region the rules cannot place: unclear, never eligible
    for text in (
        "Antragsberechtigt sind Kommunen aus den Regionen des Strukturwandels.",
        "Antragsberechtigt sind Kommunen in den Kohleregionen.",
        "Antragsberechtigt sind Kommunen aus den Regionen des Strukturwandels "
        "(Rheinisches Revier, Saarland).",
    ):
        status, reason = check(text)
        assert status == "unknown", text
        assert reason.startswith("Förderregion laut Aufruftext eingeschränkt – bitte prüfen, ob")
    # the own region among them; where to apply; a higher rate
    assert (
        check(
            "Städte, Gemeinden und Kreise im Münsterland und in der Emscher-Lippe-Region "
            "können ihre Projekte anmelden."
        )[0]
        == "eligible"
    )
    assert (
        check(
            "Anträge sind bei der Zukunftsagentur Rheinisches Revier einzureichen. "
            "Antragsberechtigt sind Kommunen."
        )[0]
        == "eligible"
    )
    assert (
        check(
            "Antragsberechtigt sind Kommunen. Antragsteller aus den Braunkohlerevieren "
            "erhalten erhöhte Förderquoten."
        )[0]
        == "eligible"
    )


def test_an_unknown_region_whose_text_names_members() -> None:
    """U-006: a LEADER region the rules do not know names the towns that may apply."""
    profile = _coesfeld()
    text = (
        "Die Lokale Aktionsgruppe sucht Projekte, die das Miteinander in den Dörfern der "
        "Baumberge stärken. Antragsberechtigt sind Kommunen, Vereine, Initiativen und "
        "Privatpersonen aus den Gemeinden Billerbeck, Havixbeck, Nottuln, Rosendahl und "
        "Coesfeld. Die Förderquote beträgt 70 Prozent."
    )

    def assess_in(text: str, eligible: tuple[str, ...] = ("Kommune", "Verein")) -> Eligibility:
        call = make_call(
            "c", "Projektaufruf", text, eligible=list(eligible), region="LEADER-Region Baumberge"
        )
        return assess(call, profile)

    e = assess_in(text)
    assert e.status == "eligible"
    assert e.reasons[0] == (
        "nur für Billerbeck, Havixbeck, Nottuln, Rosendahl und Coesfeld (im Aufruf genannt)"
    )
    # the town Coesfeld, not the Kreis Coesfeld
    assert e.applicants == ["Billerbeck", "Coesfeld", "Havixbeck", "Nottuln", "Rosendahl"]
    # a call only for the county: the Kreis is not named
    only_county = assess_in(text, ("Landkreis",))
    assert only_county.status == "ineligible"
    assert only_county.reasons == [
        "Kreis, Städte und Gemeinden nicht antragsberechtigt – nur für Billerbeck, Havixbeck, "
        "Nottuln, Rosendahl und Coesfeld (im Aufruf genannt)"
    ]
    # towns named in passing (an address, an example project) are no applicants
    passing = assess_in(
        "Antragsberechtigt sind Kommunen. Kontakt: LAG Baumberge, Markt 1, 48727 Billerbeck. "
        "Ein gelungenes Beispiel ist der Dorftreff in Havixbeck."
    )
    assert passing.status == "unknown"
    # the county as the place: all of us; the Kreis as an applicant: the Kreis
    assert assess_in("Antragsberechtigt sind Kommunen im Kreis Coesfeld.").reasons == []
    county = assess_in("Antragsberechtigt sind der Kreis Coesfeld und Vereine.")
    assert county.status == "eligible" and county.applicants == ["Kreis Coesfeld"]


@pytest.mark.parametrize(
    ("heading", "sep"),
    [
        ("3. Zuwendungsempfänger.", " "),  # V-030 of the advisor's unseen calls
        ("4 Antragsberechtigte", "\n"),
        ("4 Antragsberechtigte.", " "),
        ("§ 3 Zuwendungsempfänger", "\n"),
        ("§ 3 Zuwendungsempfänger.", " "),
        ("III. Antragsberechtigung:", " "),
        ("3.2 Antragsberechtigte und Zuwendungsempfänger.", " "),
    ],
)
def test_a_numbered_heading_is_quoted_with_the_sentence_after_it(
    strategy: Strategy, heading: str, sep: str
) -> None:
    """A numbered heading, also with a full stop ("3. Zuwendungsempfänger."), was the only
    evidence quoted: the officer could not check who may apply."""
    call = make_call(
        "c",
        "Richtlinie",
        "2. Gegenstand der Förderung. Gefördert werden digitale Lernorte."
        f" {heading}{sep}Landkreise und kreisfreie Städte. 4. Verfahren. Anträge bis 1. Mai.",
        region="Bund",
    )
    e = assess(call, strategy.region_profile)
    assert (e.status, e.applicants) == ("eligible", ["Kreis Coesfeld"])
    assert e.reasons[-1] == (
        f"Antragsberechtigung aus dem Aufruftext gelesen: „{heading} Landkreise und "
        "kreisfreie Städte.“"
    )


def test_a_numbered_heading_with_a_full_stop_before_the_applicant_sentence(
    strategy: Strategy,
) -> None:
    """V-030: "3. Zuwendungsempfänger." was quoted alone, though the next sentence names the
    applicants."""
    call = make_call(
        "c",
        "Digital dabei NRW",
        "2. Gegenstand der Förderung. Gefördert werden digitale Lernräume. "
        "3. Zuwendungsempfänger. Antragsberechtigt sind Gemeinden, Gemeindeverbände und "
        "Zweckverbände. 4. Zuwendungsvoraussetzungen. Das Vorhaben muss abgestimmt sein.",
        region="NRW",
    )
    e = assess(call, strategy.region_profile)
    assert e.status == "eligible"
    assert e.reasons[-1] == (
        "Antragsberechtigung aus dem Aufruftext gelesen: "
        "„Antragsberechtigt sind Gemeinden, Gemeindeverbände und Zweckverbände.“"
    )
    # a numbered line that names its applicants is no heading
    named = make_call(
        "c",
        "Richtlinie",
        "3. Antragsberechtigt sind Landkreise. 4. Städte und Gemeinden werden beteiligt.",
        region="Bund",
    )
    e = assess(named, strategy.region_profile)
    assert e.applicants == ["Kreis Coesfeld"]
    assert e.reasons[-1].endswith("„3. Antragsberechtigt sind Landkreise.“")


def test_a_region_read_after_a_numbered_heading_is_quoted_with_it(strategy: Strategy) -> None:
    """The region a sentence after "3. Zuwendungsempfänger." names restricts the applicants,
    and the quote holds that sentence, not the heading alone."""
    call = make_call(
        "c",
        "Richtlinie",
        "Gefördert werden Lernorte. 3. Zuwendungsempfänger. Kommunen im Rheinischen Revier.",
        region="NRW",
    )
    e = assess(call, strategy.region_profile)
    assert e.status == "ineligible"
    assert e.reasons == [
        "laut Aufruftext nur für Antragsteller im Rheinischen Revier – Kreis Coesfeld liegt "
        "nicht darin: „3. Zuwendungsempfänger. Kommunen im Rheinischen Revier.“"
    ]


INNENSTADT = (
    "Ergänzend können Systeme zur Passantenfrequenzmessung und der Aufbau eines "
    "Leerstandskatasters gefördert werden, wenn sie Teil eines abgestimmten Innenstadtkonzepts "
    "sind. Antragsberechtigt sind kreisfreie und kreisangehörige Städte und Gemeinden; Kreise "
    "sind nicht antragsberechtigt. Der Fördersatz beträgt 90 Prozent. Anträge sind bis zum 31. "
    "Januar 2027 bei der Bezirksregierung Münster einzureichen."
)
INTERREG = (
    "The ERDF co-financing rate is 60 % of eligible costs. Proposals are submitted in two "
    "steps; the deadline for Step 1 applications is 12 March 2027. Lead partners must be "
    "public or private non-profit bodies. Applicants are strongly encouraged to contact their "
    "National Contact Point before submitting."
)
SENIOREN = (
    "2. Gegenstand der Förderung. Gefördert werden die Einrichtung digitaler Lernräume. 3. "
    "Zuwendungsempfänger. Antragsberechtigt sind Gemeinden, Gemeindeverbände und "
    "Zweckverbände als Träger von Volkshochschulen und öffentlichen Bibliotheken sowie "
    "anerkannte Einrichtungen der Weiterbildung in anderer Trägerschaft. 4. "
    "Zuwendungsvoraussetzungen. Das Vorhaben muss in einem Konzept beschrieben sein."
)


@pytest.mark.parametrize(
    ("text", "quote"),
    [
        # V-006: the clause after ";" says who may not apply
        (
            INNENSTADT,
            "„Antragsberechtigt sind kreisfreie und kreisangehörige Städte und Gemeinden; "
            "Kreise sind nicht antragsberechtigt.“",
        ),
        # V-008: "12 March 2027." ends a sentence; the deadline says nothing about applicants
        (INTERREG, "„Lead partners must be public or private non-profit bodies.“"),
        # V-030: no section title in front, and the sentence not cut with "…"
        (
            SENIOREN,
            "„Antragsberechtigt sind Gemeinden, Gemeindeverbände und Zweckverbände als Träger "
            "von Volkshochschulen und öffentlichen Bibliotheken sowie anerkannte Einrichtungen "
            "der Weiterbildung in anderer Trägerschaft.“",
        ),
    ],
)
def test_the_applicant_sentence_is_quoted_whole(strategy: Strategy, text: str, quote: str) -> None:
    e = assess(make_call("q", "Förderaufruf", text, region="NRW"), strategy.region_profile)
    quoted = [r for r in e.reasons if "„" in r]
    assert quoted and quoted[0].endswith(f": {quote}"), e.reasons
