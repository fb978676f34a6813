"""Eligibility: restrictions the text adds to a call's region and to a vague applicant list,
and who English EU calls admit (an advisor's test of 30 unseen calls)."""

from __future__ import annotations

from dataclasses import replace

from matcher.analysis import fold, normalize
from matcher.applicant_types import LOCAL, match_terms
from matcher.eligibility import assess
from matcher.strategy import Applicant, RegionProfile, Strategy
from tests.matcher.conftest import make_call


def test_other_administrative_district_in_an_nrw_call_excludes(strategy: Strategy) -> None:
    """A call for NRW whose applicant sentence names the Kreise and the district of another
    Regierungsbezirk was eligible."""
    call = make_call(
        "owl",
        "Förderaufruf Radverkehr digital in Ostwestfalen-Lippe",
        "Die Förderquote beträgt bis zu 80 %. Antragsberechtigt sind die Kreise Gütersloh, "
        "Herford, Höxter, Lippe, Minden-Lübbecke und Paderborn, die Stadt Bielefeld sowie die "
        "kreisangehörigen Städte und Gemeinden im Regierungsbezirk Detmold. Anträge sind an die "
        "Bezirksregierung Detmold zu richten.",
        eligible=["Kommune", "Landkreis"],
        region="NRW",
    )
    e = assess(call, strategy.region_profile)
    assert e.status == "ineligible"
    assert e.reasons[0].startswith(
        "laut Aufruftext nur für Antragsteller im Regierungsbezirk Detmold – "
        "Kreis Coesfeld liegt nicht darin: „Antragsberechtigt sind die Kreise Gütersloh"
    )


def test_own_district_or_where_to_apply_does_not_exclude(strategy: Strategy) -> None:
    def status(text: str) -> str:
        call = make_call("c", "Aufruf", text, eligible=["Kommune"], region="NRW")
        return assess(call, strategy.region_profile).status

    assert status("Antragsberechtigt sind Kommunen im Regierungsbezirk Münster.") == "eligible"
    # where to apply, a rate and a preference restrict no one
    assert status("Anträge sind bei der Bezirksregierung Detmold einzureichen.") == "eligible"
    assert (
        status(
            "Antragsberechtigt sind Kommunen in NRW; Kommunen im Regierungsbezirk Detmold "
            "erhalten eine erhöhte Förderquote."
        )
        == "eligible"
    )
    assert (
        status("Antragsberechtigt sind Kommunen, insbesondere im Regierungsbezirk Detmold.")
        == "eligible"
    )


def test_named_other_counties_only_restrict_the_region(strategy: Strategy) -> None:
    def assessed(text: str) -> tuple[str, str]:
        call = make_call("c", "Aufruf", text, eligible=["Landkreis"], region="NRW")
        e = assess(call, strategy.region_profile)
        return e.status, " ".join(e.reasons)

    status, reason = assessed("Antragsberechtigt sind die Kreise Gütersloh, Herford und Lippe.")
    assert status == "ineligible"
    assert reason.startswith(
        "laut Aufruftext nur für die Kreise Gütersloh, Herford und Lippe – "
        "Kreis Coesfeld ist nicht darunter"
    )
    # our county among them, or named Kreise beside Kreise in general
    assert assessed("Antragsberechtigt sind die Kreise Borken und Coesfeld.")[0] == "eligible"
    assert (
        assessed("Antragsberechtigt sind die Kreise Borken und Steinfurt sowie alle Gemeinden.")[0]
        == "eligible"
    )
    assert assessed("Antragsberechtigt sind Kreise und kreisfreie Städte.")[0] == "eligible"


def test_text_restrictions_refine_a_vague_applicant_list(strategy: Strategy) -> None:
    """A list of "Schulträger" or the Förderdatenbank's "Öffentliche Einrichtung" admitted the
    county although the text excludes municipal applicants or names only others."""
    schools = make_call(
        "ersatz",
        "Förderaufruf Digitale Ausstattung von Ersatzschulen",
        "Antragsberechtigt sind ausschließlich Träger genehmigter Ersatzschulen nach § 100 "
        "SchulG NRW (kirchliche und private Schulträger). Schulen in kommunaler Trägerschaft "
        "werden über das Programm Gute Schule gefördert und sind hier nicht antragsberechtigt.",
        eligible=["Schulträger"],
        region="NRW",
    )
    e = assess(schools, strategy.region_profile)
    assert e.status == "ineligible"
    assert e.reasons == [
        "Kreis, Städte und Gemeinden laut Aufruftext nicht antragsberechtigt: „Schulen in "
        "kommunaler Trägerschaft werden über das Programm Gute Schule gefördert und sind hier "
        "nicht antragsberechtigt.“"
    ]
    states = make_call(
        "khsf",
        "Krankenhausstrukturfonds Digital",
        "Förderberechtigte: Öffentliche Einrichtung, Unternehmen. Der Bund trägt 70 % der "
        "Kosten. Zusatzinformationen: Antragsberechtigt sind die Länder. Krankenhausträger "
        "melden ihren Förderbedarf beim zuständigen Land an.",
        eligible=["Öffentliche Einrichtung", "Unternehmen"],
        region="Bund",
    )
    e = assess(states, strategy.region_profile)
    assert e.status == "ineligible"
    assert e.reasons == [
        "Kreis, Städte und Gemeinden laut Aufruftext nicht antragsberechtigt: "
        "„Antragsberechtigt sind die Länder.“"
    ]


def test_a_precise_applicant_list_is_not_refined(strategy: Strategy) -> None:
    """A list's "Kommune" is no vague category: a text that says otherwise leaves it."""
    call = make_call(
        "c",
        "Aufruf",
        "Antragsberechtigt sind staatliche Hochschulen.",
        eligible=["Kommune"],
        region="NRW",
    )
    assert assess(call, strategy.region_profile).status == "eligible"
    # a vague list whose text names municipal applicants stays eligible
    call = make_call(
        "c",
        "Aufruf",
        "Antragsberechtigt sind kommunale Schulträger.",
        eligible=["Schulträger"],
        region="NRW",
    )
    assert assess(call, strategy.region_profile).status == "eligible"


def test_english_eu_calls_open_to_public_bodies_of_any_member_state(strategy: Strategy) -> None:
    def status(text: str) -> str:
        return assess(make_call("c", "Call", text, region="EU"), strategy.region_profile).status

    assert (
        status(
            "In order to be eligible, applicants must be legal entities established in an EU "
            "Member State or an EEA country; consortia must include at least two public "
            "administrations at local or regional level."
        )
        == "eligible"
    )
    assert (
        status("Applicants may be public or private entities established in a Member State.")
        == "eligible"
    )


def test_programme_area_without_our_state_excludes(strategy: Strategy) -> None:
    call = make_call(
        "alp",
        "Interreg Alpine Space – Smart villages",
        "Eligibility conditions: Partners must be located in the programme area, which covers "
        "Austria, Liechtenstein, Slovenia, Switzerland and parts of France, Italy and Germany "
        "(Bavaria and Baden-Württemberg). Deadline: 2027-03-31.",
        region="EU",
    )
    e = assess(call, strategy.region_profile)
    assert e.status == "ineligible"
    assert e.reasons == [
        "laut Aufruftext nur für Antragsteller in Bayern und Baden-Württemberg – "
        "Kreis Coesfeld liegt nicht darin: „Partners must be located "
        "in the programme area, which covers Austria, Liechtenstein, Slovenia, Switzerland and "
        "parts of France, Italy and Germany (Bavaria and Baden-Württemberg).“"
    ]
    ours = make_call(
        "nwe",
        "Interreg North-West Europe",
        "Partners must be located in the programme area, which covers Belgium, Luxembourg "
        "and parts of Germany (North Rhine-Westphalia, Hesse and Baden-Württemberg).",
        region="EU",
    )
    assert assess(ours, strategy.region_profile).status != "ineligible"


def test_the_regions_of_the_landschaftsverbaende_are_placed(strategy: Strategy) -> None:
    """Call X-022 of an advisor's fourth test (LWL-Archivamt, region "Westfalen-Lippe") was
    "unklar"; Kreis Coesfeld lies in Westfalen-Lippe, not in the Rheinland or in OWL."""

    def assessed(
        region: str, text: str = "Gefördert wird die Digitalisierung von Archivgut."
    ) -> str:
        call = make_call("c", "Aufruf", text, eligible=["Kommune"], region=region)
        return assess(call, strategy.region_profile).status

    assert assessed("Westfalen-Lippe") == "eligible"
    assert assessed("Westfalen") == "eligible"
    assert assessed("Rheinland") == "ineligible"
    assert assessed("Ostwestfalen-Lippe") == "ineligible"
    assert assessed("Südwestfalen") == "ineligible"
    # in the text of an NRW call; "Nordrhein-Westfalen" and "Rheinland-Pfalz" are no such region
    assert assessed("NRW", "Antragsberechtigt sind Kommunen im Rheinland.") == "ineligible"
    assert assessed("NRW", "Antragsberechtigt sind Kommunen in Westfalen-Lippe.") == "eligible"
    assert assessed("NRW", "Antragsberechtigt sind Kommunen in Nordrhein-Westfalen.") == "eligible"


def test_places_a_sentence_excludes_do_not_restrict_the_region(strategy: Strategy) -> None:
    """A code review: "Nicht antragsberechtigt sind die Kreise Gütersloh, Herford und Lippe"
    made Kreis Coesfeld ineligible ("laut Aufruftext nur für …"); such a sentence excludes
    the places it names, not all others."""

    def assessed(text: str) -> tuple[str, str]:
        call = make_call("c", "Aufruf", text, eligible=["Kommune", "Landkreis"], region="NRW")
        e = assess(call, strategy.region_profile)
        return e.status, " ".join(e.reasons)

    for text in (
        "Nicht antragsberechtigt sind die Kreise Gütersloh, Herford und Lippe.",
        "Antragsberechtigt sind Kommunen in NRW. Die Kreise Gütersloh, Herford und Lippe sind "
        "nicht antragsberechtigt.",
        "Kommunen im Regierungsbezirk Detmold sind nicht antragsberechtigt.",
        "Kommunen im Regierungsbezirk Detmold sind von der Förderung ausgeschlossen.",
        "Kommunen im Rheinland können keine Anträge stellen.",
        "Kommunen im Rheinland sind nicht antragsberechtigt.",
        "Antragsberechtigt sind Kommunen in NRW, ausgenommen Kommunen im Rheinland.",
        "Antragsberechtigt sind alle Kommunen mit Ausnahme der Kreise Gütersloh und Herford.",
    ):
        assert assessed(text) == ("eligible", ""), text
    # the places the sentence admits still restrict, beside an exception or an exclusion
    status, reason = assessed(
        "Antragsberechtigt sind Kommunen im Regierungsbezirk Detmold mit Ausnahme der Stadt "
        "Bielefeld."
    )
    assert status == "ineligible"
    assert reason.startswith(
        "laut Aufruftext nur für Antragsteller im Regierungsbezirk Detmold – "
        "Kreis Coesfeld liegt nicht darin: „Antragsberechtigt sind Kommunen im Regierungsbezirk"
    )
    status, reason = assessed(
        "Antragsberechtigt sind die Kreise Gütersloh und Herford; Vereine sind ausgeschlossen."
    )
    assert status == "ineligible"
    assert reason.startswith(
        "laut Aufruftext nur für die Kreise Gütersloh und Herford – Kreis Coesfeld ist nicht "
        "darunter"
    )
    assert assessed("Kommunen im Rheinland erhalten eine Förderung.")[0] == "ineligible"


def test_region_names_are_not_read_inside_state_names(strategy: Strategy) -> None:
    """A code review: "Rheinland Pfalz" (written with a space or a dash) was read as "im
    Rheinland", and a call for "Kommunen in Westfalen" was never read for its region."""

    def assessed(text: str, profile: RegionProfile = strategy.region_profile) -> tuple[str, str]:
        call = make_call("c", "Aufruf", text, eligible=["Kommune", "Landkreis"], region="NRW")
        e = assess(call, profile)
        return e.status, " ".join(e.reasons)

    for text in (
        "Antragsberechtigt sind Kommunen in Rheinland Pfalz und Nordrhein-Westfalen.",
        "Antragsberechtigt sind Kommunen in Rheinland–Pfalz und Nordrhein-Westfalen.",
        "Antragsberechtigt sind Kommunen in Westfalen Lippe.",
    ):
        assert assessed(text) == ("eligible", ""), text
    assert assessed("Antragsberechtigt sind die Kommunen des Rheinlands.")[0] == "ineligible"
    # a county in the Rheinland: Westfalen is not its region, Nordrhein-Westfalen is
    neuss = replace(
        strategy.region_profile,
        county="Rhein-Kreis Neuss",
        administrative_district="Regierungsbezirk Düsseldorf",
        applicants=[Applicant("Rhein-Kreis Neuss", "Landkreis")],
    )
    assert assessed("Antragsberechtigt sind Kommunen in Westfalen.", neuss) == (
        "ineligible",
        "laut Aufruftext nur für Antragsteller in Westfalen-Lippe – Rhein-Kreis Neuss liegt "
        "nicht darin: „Antragsberechtigt sind Kommunen in Westfalen.“",
    )
    assert assessed("Antragsberechtigt sind Kommunen in Südwestfalen.", neuss)[0] == "ineligible"
    for text in (
        "Antragsberechtigt sind Kommunen in Nordrhein Westfalen.",
        "Antragsberechtigt sind Kommunen in Nordrhein–Westfalen.",
        "Antragsberechtigt sind Kommunen in Nordrhein-Westfalen.",
        "Antragsberechtigt sind Kommunen im Rheinland.",
    ):
        assert assessed(text, neuss) == ("eligible", ""), text


def test_non_public_entities_are_no_local_government(strategy: Strategy) -> None:
    """A code review: "non-public entities" and "semi-public entities" were read as "public
    entities", which admit a Kreis."""
    for text in (
        "non-public entities",
        "semi-public entities",
        "non-public bodies",
        "non-public administrations",
        "nicht-öffentliche Einrichtung",
    ):
        assert match_terms(fold(normalize(text)))[0] == set(), text
    assert match_terms("public entities")[0] == LOCAL
    call = make_call(
        "c",
        "Call",
        "Applicants must be non-public entities established in a Member State.",
        region="EU",
    )
    assert assess(call, strategy.region_profile).status != "eligible"


def test_the_own_county_excluded_by_name_leaves_its_towns(strategy: Strategy) -> None:
    """ "Der Kreis Coesfeld ist nicht antragsberechtigt" names the county as an applicant: its
    towns may still apply."""
    call = make_call(
        "c",
        "Aufruf",
        "Antragsberechtigt sind Kommunen im Münsterland. Die Kreise Coesfeld und Borken sind "
        "nicht antragsberechtigt.",
        eligible=["Kommune", "Landkreis"],
        region="NRW",
    )
    e = assess(call, strategy.region_profile)
    assert e.status == "eligible"
    assert "Kreis Coesfeld" not in e.applicants
    assert "Dülmen" in e.applicants
    assert e.reasons[0].startswith("Kreis Coesfeld laut Aufruftext nicht antragsberechtigt: „")
