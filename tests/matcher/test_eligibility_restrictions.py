"""Eligibility: restrictions the text adds to a call's region and to a vague applicant list,
and who English EU calls admit (an advisor's test of 30 unseen calls)."""

from __future__ import annotations

from dataclasses import replace

from matcher.analysis import fold, normalize
from matcher.applicant_types import LOCAL, match_terms
from matcher.eligibility import applicants_from_text, assess
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


def _small_towns_profile() -> RegionProfile:
    return RegionProfile(
        state="Nordrhein-Westfalen",
        county="Kreis Coesfeld",
        administrative_district="Regierungsbezirk Münster",
        structurally_weak=False,
        applicants=[
            Applicant("Kreis Coesfeld", "Landkreis", 222000),
            Applicant("Dülmen", "Stadt", 47000),
            Applicant("Havixbeck", "Gemeinde", 12100),
            Applicant("Nordkirchen", "Gemeinde", 10500),
        ],
    )


def test_a_call_for_small_towns_that_excludes_the_kreise_is_closed_to_the_county() -> None:
    """Y-027 of an advisor's fifth test: "größere Gemeinden" excluded every municipality, the
    list's "Kommune" readmitted the Kreis, and the call was "antragsberechtigt" for it."""
    call = make_call(
        "y27",
        "Förderaufruf Digitale Kleinkommune",
        "Antragsberechtigt sind kreisangehörige Gemeinden in Nordrhein-Westfalen mit weniger "
        "als 10.000 Einwohnerinnen und Einwohnern (Stichtag 31.12.2025, IT.NRW). Kreise und "
        "größere Gemeinden sind nicht antragsberechtigt, können aber als Dienstleister "
        "beauftragt werden.",
        eligible=["Kommune"],
        region="NRW",
    )
    e = assess(call, _small_towns_profile())
    assert e.status == "ineligible"
    assert e.applicants == []
    assert e.reasons == [
        "Kreis, Städte und Gemeinden nicht antragsberechtigt – nur Gemeinden unter 10.000 "
        "Einwohnern: Dülmen, Havixbeck und Nordkirchen liegen darüber"
    ]
    # a town below the limit may apply; the Kreis stays out
    small = replace(_small_towns_profile().applicants[3], population=9000)
    profile = replace(
        _small_towns_profile(), applicants=[*_small_towns_profile().applicants[:3], small]
    )
    e = assess(call, profile)
    assert e.status == "eligible"
    assert e.applicants == ["Nordkirchen"]


def test_an_exclusion_ends_at_its_clause(strategy: Strategy) -> None:
    """Y-014: "Kreise sind nicht antragsberechtigt, können aber Vorhaben mehrerer
    kreisangehöriger Gemeinden koordinieren" also excluded the Gemeinden, so the list's
    "Kommune" listed the Kreis."""
    call = make_call(
        "y14",
        "Zukunftsfähige Innenstädte",
        "Antragsberechtigt sind alle Städte und Gemeinden in Nordrhein-Westfalen. Kreise sind "
        "nicht antragsberechtigt, können aber Vorhaben mehrerer kreisangehöriger Gemeinden "
        "koordinieren.",
        eligible=["Kommune"],
        region="NRW",
    )
    e = assess(call, strategy.region_profile)
    assert e.status == "eligible"
    assert e.applicants == ["Dülmen", "Senden"]
    assert e.reasons[0] == (
        "laut Aufruftext nur Gemeinden unterhalb der Kreisebene antragsberechtigt – "
        "der Kreis nicht, die Städte und Gemeinden schon"
    )


def test_a_qualified_exclusion_excludes_no_whole_level(strategy: Strategy) -> None:
    def applicants(exclusion: str) -> list[str]:
        call = make_call(
            "c",
            "Aufruf",
            f"Antragsberechtigt sind Kommunen. {exclusion}",
            eligible=["Kommune"],
            region="NRW",
        )
        return assess(call, strategy.region_profile).applicants

    everyone = ["Kreis Coesfeld", "Dülmen", "Senden"]
    assert applicants("Größere Gemeinden sind nicht antragsberechtigt.") == everyone
    assert applicants("Gemeinden über 50.000 Einwohner sind nicht antragsberechtigt.") == everyone
    assert applicants(
        "Kreise und Gemeinden mit mehr als 50.000 Einwohnern sind nicht antragsberechtigt."
    ) == ["Dülmen", "Senden"]
    assert applicants("Kreise sind nicht antragsberechtigt.") == ["Dülmen", "Senden"]
    # other applicants so qualified stay excluded
    small_firms = applicants_from_text(
        "Antragsberechtigt sind Kommunen und Unternehmen. Kleine und mittlere Unternehmen sind "
        "nicht antragsberechtigt."
    )
    assert "unternehmen" not in small_firms.others


def test_a_library_in_municipal_ownership_lies_in_its_town() -> None:
    """Y-005: a limit on the Gemeinden "Bibliotheken in kommunaler Trägerschaft in Gemeinden
    mit höchstens 20.000 Einwohnern" lie in was read as another applicant's seat."""
    call = make_call(
        "y5",
        "Zukunftswerkstatt Bibliothek",
        "Antragsberechtigt sind öffentliche Bibliotheken in kommunaler oder kirchlicher "
        "Trägerschaft in Gemeinden mit höchstens 20.000 Einwohnerinnen und Einwohnern.",
        eligible=["Kommune", "Verein"],
        region="Bund",
    )
    e = assess(call, _small_towns_profile())
    assert e.status == "eligible"
    # the Kreis is a municipal Träger too, and its library may lie in a small Gemeinde
    assert e.applicants == ["Kreis Coesfeld", "Havixbeck", "Nordkirchen"]
    assert e.reasons[-1] == "nur Gemeinden bis 20.000 Einwohner: Dülmen liegt darüber"


def test_a_region_field_with_a_note_in_brackets_is_placed(strategy: Strategy) -> None:
    """Y-007: "Rheinland (Verbandsgebiet NVR)" was "unklar"; the note says whose area it is."""
    call = make_call(
        "y7",
        "NVR fördert Mobilstationen",
        "Antragsberechtigt sind Städte, Gemeinden und Kreise im Verbandsgebiet des NVR.",
        eligible=["Kommune", "Landkreis"],
        region="Rheinland (Verbandsgebiet NVR)",
    )
    e = assess(call, strategy.region_profile)
    assert e.status == "ineligible"
    assert e.reasons == [
        "nur für Rheinland (Verbandsgebiet NVR) – Kreis Coesfeld liegt nicht darin"
    ]
    ours = replace(call, region="Westfalen-Lippe (Verbandsgebiet LWL)")
    assert assess(ours, strategy.region_profile).status == "eligible"


def test_a_region_whose_members_are_listed_without_us_excludes(strategy: Strategy) -> None:
    """Y-017 and Y-008: a LEADER region or the Ruhr whose applicant sentence lists its towns or
    Kreise in brackets, none of them ours, was "unklar"."""

    def assessed(text: str, region: str = "LEADER-Region Lippe-Issel-Niederung") -> tuple:
        call = make_call("c", "Projektaufruf", text, eligible=["Kommune", "Verein"], region=region)
        e = assess(call, strategy.region_profile)
        return e.status, e.reasons, e.applicants

    status, reasons, _ = assessed(
        "Antragsberechtigt sind Antragsteller mit Sitz oder Projektort in den Kommunen der "
        "LEADER-Region (Hamminkeln, Hünxe, Schermbeck, Voerde)."
    )
    assert status == "ineligible"
    assert reasons == [
        "laut Aufruftext nur für Antragsteller in Hamminkeln, Hünxe, Schermbeck und Voerde – "
        "Kreis Coesfeld liegt nicht darin: „Antragsberechtigt sind Antragsteller mit Sitz oder "
        "Projektort in den Kommunen der LEADER-Region (Hamminkeln, Hünxe, Schermbeck, Voerde).“"
    ]
    status, reasons, _ = assessed(
        "Antragsberechtigt sind die vier Kreise der Metropole Ruhr (Ennepe-Ruhr-Kreis, "
        "Recklinghausen, Unna, Wesel) sowie deren kreisangehörige Städte und Gemeinden.",
        region="Metropole Ruhr (Verbandsgebiet RVR)",
    )
    assert status == "ineligible"
    assert reasons[0].startswith(
        "laut Aufruftext nur für Antragsteller in Ennepe-Ruhr-Kreis, Recklinghausen, Unna und "
        "Wesel – Kreis Coesfeld liegt nicht darin"
    )
    # a LEADER region that lists our towns admits them, and examples exclude no one
    status, _, applicants = assessed(
        "Antragsberechtigt sind Kommunen der LEADER-Region (Dülmen, Haltern am See, Olfen)."
    )
    assert (status, applicants) == ("eligible", ["Dülmen"])
    status, _, _ = assessed(
        "Antragsberechtigt sind Kommunen der Region (u. a. Hamminkeln, Hünxe, Schermbeck)."
    )
    assert status == "unknown"


def test_the_own_county_excepted_by_name_is_excluded(strategy: Strategy) -> None:
    """ "… mit Ausnahme des Kreises Coesfeld" was not read as excluding the county (the
    genitive "Kreises" was no named Kreis); like "Der Kreis Coesfeld ist nicht
    antragsberechtigt" it excludes the county, and its towns keep what the rest admits."""

    def assessed(text: str, *, explain: bool = True) -> tuple[str, list[str], str]:
        call = make_call("c", "Aufruf", text, eligible=["Kommune", "Landkreis"], region="NRW")
        e = assess(call, strategy.region_profile, explain=explain)
        return e.status, e.applicants, " ".join(e.reasons)

    towns = [a.name for a in strategy.region_profile.applicants[1:]]
    status, applicants, reason = assessed(
        "Antragsberechtigt sind alle Kommunen im Regierungsbezirk Münster mit Ausnahme des "
        "Kreises Coesfeld."
    )
    assert (status, applicants) == ("eligible", towns)
    assert reason.startswith(
        "Kreis Coesfeld laut Aufruftext nicht antragsberechtigt: „Antragsberechtigt sind alle "
        "Kommunen im Regierungsbezirk Münster mit Ausnahme des Kreises Coesfeld.“"
    )
    # only Kreise and kreisfreie Städte admitted: the towns are not, so no one of us is
    for text in (
        "Antragsberechtigt sind alle Kreise und kreisfreien Städte im Regierungsbezirk Münster "
        "mit Ausnahme des Kreises Coesfeld.",
        "Antragsberechtigt sind alle Kreise und kreisfreien Städte im Regierungsbezirk Münster, "
        "ausgenommen der Kreis Coesfeld.",
        "Antragsberechtigt sind alle Kreise und kreisfreien Städte im Regierungsbezirk Münster "
        "außer dem Kreis Coesfeld.",
    ):
        status, applicants, reason = assessed(text)
        assert (status, applicants) == ("ineligible", []), text
        assert "Kreis Coesfeld laut Aufruftext nicht antragsberechtigt: „Antragsberechtigt" in (
            reason
        ), text
        # ranking reads the same status (it leaves out only the reasons)
        assert assessed(text, explain=False)[0] == "ineligible", text


def test_a_town_excepted_by_name_is_excluded_alone(strategy: Strategy) -> None:
    """ "… mit Ausnahme der Stadt Dülmen" excludes that town, not the county or the others."""
    call = make_call(
        "c",
        "Aufruf",
        "Antragsberechtigt sind alle Kommunen im Regierungsbezirk Münster mit Ausnahme der "
        "Stadt Dülmen.",
        eligible=["Kommune", "Landkreis"],
        region="NRW",
    )
    e = assess(call, strategy.region_profile)
    assert e.status == "eligible"
    assert e.applicants == [
        a.name for a in strategy.region_profile.applicants if a.name != "Dülmen"
    ]
    assert e.reasons[0] == (
        "Dülmen laut Aufruftext nicht antragsberechtigt: „Antragsberechtigt sind alle Kommunen "
        "im Regierungsbezirk Münster mit Ausnahme der Stadt Dülmen.“"
    )
    # partners that may not apply, or projects excepted where they are, exclude no town or
    # county: only "… ist nicht antragsberechtigt" and a name right after the exception
    everyone = [a.name for a in strategy.region_profile.applicants]
    admitted = "Antragsberechtigt sind alle Kommunen im Regierungsbezirk Münster"
    for place, there in (
        ("Die Stadt Dülmen", "in der Stadt Dülmen"),
        ("Der Kreis Coesfeld", "im Kreis Coesfeld"),
    ):
        for text in (
            f"{admitted}. {place} kann dabei mit nicht antragsberechtigten Partnern kooperieren.",
            f"{admitted}, ausgenommen Vorhaben, die bereits {there} gefördert wurden.",
            f"{admitted} mit Ausnahme von Vorhaben, die bereits {there} gefördert wurden.",
        ):
            e = assess(replace(call, text=text), strategy.region_profile)
            assert (e.status, e.applicants) == ("eligible", everyone), text
            assert not any("nicht antragsberechtigt" in r for r in e.reasons), text
    # the town Coesfeld is not the Kreis Coesfeld
    call = replace(
        call, text="Antragsberechtigt sind alle Kommunen mit Ausnahme der Stadt Coesfeld."
    )
    e = assess(call, strategy.region_profile)
    assert e.status == "eligible"
    assert "Kreis Coesfeld" in e.applicants and "Coesfeld" not in e.applicants


def test_a_state_written_with_a_space_is_the_state(strategy: Strategy) -> None:
    """ "Nordrhein Westfalen" with a space (region field or text) was "unklar", or not read as
    a state at all; it is Nordrhein-Westfalen, and "Westfalen" alone stays Westfalen-Lippe."""

    def assessed(region: str, text: str, eligible: tuple[str, ...] = ("Kommune",)) -> str:
        call = make_call("c", "Aufruf", text, eligible=list(eligible), region=region)
        return assess(call, strategy.region_profile).status

    plain = "Gefördert wird die Digitalisierung von Archivgut."
    for region in ("Nordrhein Westfalen", "Nordrhein–Westfalen", "Nordrhein Westfalen, Hessen"):
        assert assessed(region, plain) == assessed("Nordrhein-Westfalen", plain) == "eligible"
    assert assessed("Sachsen Anhalt", plain) == "ineligible"
    assert assessed("Westfalen", plain) == "eligible"
    # in the text of a nationwide call without a list: another state's county is not in it
    text = "Antragsberechtigt sind Kommunen in Nordrhein Westfalen."
    assert assessed("Deutschland", text, ()) == "eligible"
    bavarian = replace(
        strategy.region_profile,
        state="Bayern",
        county="Landkreis Passau",
        administrative_district="Regierungsbezirk Niederbayern",
        applicants=[Applicant("Landkreis Passau", "Landkreis")],
    )
    # beside a region, the state with a space was another place the rules could not place
    neuss = replace(
        strategy.region_profile,
        county="Rhein-Kreis Neuss",
        administrative_district="Regierungsbezirk Düsseldorf",
        applicants=[Applicant("Rhein-Kreis Neuss", "Landkreis")],
    )
    for written in ("Nordrhein Westfalen", "Nordrhein–Westfalen", "Nordrhein-Westfalen"):
        text = f"Antragsberechtigt sind Kommunen im Münsterland in {written}."
        e = assess(make_call("c", "Aufruf", text, eligible=["Kommune"], region="NRW"), neuss)
        assert (e.status, e.reasons) == (
            "ineligible",
            [
                "laut Aufruftext nur für Antragsteller im Münsterland – Rhein-Kreis Neuss liegt "
                f"nicht darin: „{text}“"
            ],
        ), written
    for written in ("Nordrhein Westfalen", "Nordrhein-Westfalen"):
        call = make_call(
            "c", "Aufruf", f"Antragsberechtigt sind Kommunen in {written}.", region="Deutschland"
        )
        e = assess(call, bavarian)
        assert e.status == "ineligible", written
        assert e.reasons[0].startswith(
            "laut Aufruftext nur für Antragsteller in Nordrhein-Westfalen – Landkreis Passau"
        ), written


def test_states_in_the_text_restrict_a_nationwide_call_with_a_list(strategy: Strategy) -> None:
    """Z-006: a call for "Bund" with a structured applicant list whose text admits schools of
    four eastern states alone was eligible (and #4 in the inbox); the list says who applies,
    not where."""

    def assessed(text: str, eligible: tuple[str, ...], region: str = "Bund") -> tuple:
        call = make_call("c", "Aufruf", text, eligible=list(eligible), region=region)
        e = assess(call, strategy.region_profile)
        return e.status, e.reasons

    schools = (
        "Bewerben können sich Grundschulverbünde gemeinsam mit ihrem Schulträger. In dieser "
        "Programmrunde können ausschließlich Schulen aus Berlin, Brandenburg, Sachsen und "
        "Sachsen-Anhalt teilnehmen; Schulen aus anderen Ländern werden 2029 berücksichtigt."
    )
    for eligible in (("Schule", "Schulträger", "Medienzentrum"), ()):
        assert assessed(schools, eligible) == (
            "ineligible",
            [
                "laut Aufruftext nur für Antragsteller in Berlin, Brandenburg, Sachsen und "
                "Sachsen-Anhalt – Kreis Coesfeld liegt nicht darin"
            ],
        ), eligible
    counties = (
        "Antragsberechtigt sind Landkreise, Städte und Gemeinden in Sachsen, Sachsen-Anhalt "
        "und Thüringen."
    )
    for region in ("Bund", "bundesweit", ""):
        assert assessed(counties, ("Kommune", "Landkreis"), region) == (
            "ineligible",
            [
                "laut Aufruftext nur für Antragsteller in Sachsen, Sachsen-Anhalt und Thüringen "
                "– Kreis Coesfeld liegt nicht darin"
            ],
        ), region
    # our own state among them, or a region field that is not nationwide, restricts no one
    ours = counties.replace("Thüringen", "Nordrhein-Westfalen")
    assert assessed(ours, ("Kommune", "Landkreis"))[0] == "eligible"
    assert assessed(counties, ("Kommune", "Landkreis"), "NRW")[0] == "eligible"
    # where to apply or to present is no place of the applicants
    for text in (
        "Kommunen können sich bis zum 31. März bei der Geschäftsstelle in Berlin bewerben.",
        "Antragsberechtigt sind Kommunen. Antragsteller reichen ihre Skizze beim Projektträger "
        "in Berlin ein und stellen sie auf einer Konferenz in Berlin vor.",
    ):
        for listed in (["Kommune"], []):
            assert assessed(text, tuple(listed))[0] == "eligible", (text, listed)
    # only an office or event right before "in <Land>" is no place of the applicants: "bei
    # diesem Aufruf" or "an die Kommunen" before it still restricts
    for text in (
        "Antragsberechtigt sind bei diesem Aufruf nur Kommunen in Bayern.",
        "Der Aufruf richtet sich an die Kommunen in Bayern.",
        "Antragsberechtigt sind die an die Breitbandinitiative angeschlossene Kommunen in Bayern.",
        # an office that applies is where it is
        "Antragsberechtigt sind Kommunen und Beratungsstellen in Bayern.",
    ):
        assert assessed(text, ("Kommune",)) == (
            "ineligible",
            ["laut Aufruftext nur für Antragsteller in Bayern – Kreis Coesfeld liegt nicht darin"],
        ), text
    for text in (
        "Antragsberechtigt sind Kommunen. Die Anträge gehen an die Bewilligungsbehörde in Bayern.",
        "Antragsberechtigt sind Kommunen; die Ergebnisse werden auf einer Fachtagung in Bayern "
        "vorgestellt.",
    ):
        assert assessed(text, ("Kommune",))[0] == "eligible", text


def test_a_funding_area_outside_the_applicant_sentence_restricts(strategy: Strategy) -> None:
    """Z-026: "Fördergebiet: Die Mittel … stehen ausschließlich für Vorhaben im Rheinischen
    Revier (…) und in der Emscher-Lippe-Region (…) zur Verfügung", then "Antragsberechtigt
    sind Kommunen … in diesen Gebieten", was eligible (#1 for a project of ours)."""

    def assessed(area: str, heading: str = "Fördergebiet: ") -> tuple[str, list[str]]:
        text = (
            f"Gefördert werden digitale Gästeinformationen. {heading}{area} "
            "Antragsberechtigt sind Kommunen und Zweckverbände in diesen Gebieten."
        )
        call = make_call("c", "Aufruf", text, eligible=["Kommune", "Zweckverband"], region="NRW")
        e = assess(call, strategy.region_profile)
        return e.status, e.reasons

    area = (
        "Die Mittel stehen ausschließlich für Vorhaben im Rheinischen Revier (Rhein-Erft-Kreis, "
        "Kreis Düren) und in der Emscher-Lippe-Region (Gelsenkirchen, Bottrop) zur Verfügung."
    )
    assert assessed(area) == (
        "ineligible",
        [
            "laut Aufruftext nur für Antragsteller im Rheinischen Revier oder in der "
            f"Emscher-Lippe-Region – Kreis Coesfeld liegt nicht darin: „{area}“"
        ],
    )
    # without the heading, "ausschließlich für Vorhaben in …" restricts as well
    status, reasons = assessed(
        "Gefördert werden ausschließlich Projekte im Regierungsbezirk Detmold.", heading=""
    )
    assert status == "ineligible"
    assert reasons[0].startswith(
        "laut Aufruftext nur für Antragsteller im Regierungsbezirk Detmold – Kreis Coesfeld "
        "liegt nicht darin: „Gefördert werden ausschließlich Projekte im Regierungsbezirk"
    )
    status, reasons = assessed(
        "Die Mittel stehen nur für Vorhaben im Kreis Borken bereit.", heading=""
    )
    assert status == "ineligible"
    assert reasons[0].startswith(
        "laut Aufruftext nur für den Kreis Borken – Kreis Coesfeld ist nicht darunter"
    )
    # an area that holds the county, or one the rules cannot place, restricts no one
    for area in (
        "Die Mittel stehen ausschließlich für Vorhaben im Münsterland zur Verfügung.",
        "Die Mittel stehen ausschließlich für Vorhaben im Revier zur Verfügung.",
        "Die Mittel stehen ausschließlich für Vorhaben in der Region Niederrhein zur Verfügung.",
    ):
        assert assessed(area)[0] == "eligible", area
    # "nicht nur für …" widens, it restricts no one
    assert (
        assessed("Die Mittel stehen nicht nur für Projekte im Kreis Borken bereit.", "")[0]
        == "eligible"
    )


def test_the_county_among_an_areas_members_admits_it_and_its_towns(strategy: Strategy) -> None:
    """Z-013: "mit Sitz im EUREGIO-Gebiet (u. a. Kreise Borken, Coesfeld, …)" was read as the
    town Coesfeld alone ("nur für Coesfeld (im Aufruf genannt)"), and "(u. a. Kreis Borken,
    Kreis Coesfeld, …)" as the county without its towns; the area holds the county's
    territory, so the county and all its towns may apply."""
    everyone = [a.name for a in strategy.region_profile.applicants if a.name]

    def assessed(text: str) -> tuple[str, list[str], list[str]]:
        call = make_call(
            "c",
            "Kleinprojekte",
            text,
            eligible=["Kommune", "Landkreis", "Verein"],
            region="EUREGIO (Programmgebiet INTERREG Deutschland-Nederland)",
        )
        e = assess(call, strategy.region_profile)
        return e.status, e.applicants, e.reasons

    for members in (
        "Kreise Borken, Coesfeld, Steinfurt, Warendorf",
        "Kreis Borken, Kreis Coesfeld, Kreis Steinfurt",
    ):
        text = (
            "Antragsberechtigt sind Kommunen, Kreise und Vereine mit Sitz im EUREGIO-Gebiet "
            f"(u. a. {members}, Stadt Münster, Grafschaft Bentheim sowie die Region Twente)."
        )
        assert assessed(text) == ("eligible", everyone, []), members
    # Kreise named as the applicants (no area) are the county alone, also in a plural list
    status, applicants, reasons = assessed(
        "Antragsberechtigt sind die Kreise Borken, Coesfeld und Steinfurt."
    )
    assert (status, applicants) == ("eligible", ["Kreis Coesfeld"])
    assert reasons[0] == "nur für Kreis Coesfeld (im Aufruf genannt)"


def test_an_area_listed_by_its_members_without_us_excludes(strategy: Strategy) -> None:
    """Z-014 (the euregio's Kreise and towns after a colon) and Z-010 ("im LEADER-Gebiet der
    Städte und Gemeinden Hamminkeln, Hünxe und Schermbeck") were "unklar"."""

    def assessed(text: str, region: str) -> tuple[str, list[str], list[str]]:
        call = make_call("c", "Aufruf", text, eligible=["Kommune", "Verein"], region=region)
        e = assess(call, strategy.region_profile)
        return e.status, e.applicants, e.reasons

    text = (
        "Antragsberechtigt sind öffentliche und gemeinnützige Einrichtungen aus dem Gebiet der "
        "euregio rhein-maas-nord: Kreis Kleve (Süd), Kreis Viersen, Rhein-Kreis Neuss, Stadt "
        "Mönchengladbach sowie Noord- en Midden-Limburg."
    )
    status, _, reasons = assessed(text, "Programmgebiet INTERREG Deutschland-Nederland")
    assert status == "ineligible"
    assert reasons[0].startswith(
        "laut Aufruftext nur für Antragsteller in Kreis Kleve, Kreis Viersen, Rhein-Kreis "
        "Neuss, Stadt Mönchengladbach und Noord- en Midden-Limburg – Kreis Coesfeld liegt "
        "nicht darin: „Antragsberechtigt sind öffentliche"
    )
    leader = "LEADER-Region Lippe-Issel-Niederung"
    text = (
        "Projekte müssen im LEADER-Gebiet der Städte und Gemeinden Hamminkeln, Hünxe und "
        "Schermbeck umgesetzt werden. Antragsberechtigt sind Kommunen und Vereine aus der Region."
    )
    assert assessed(text, leader) == (
        "ineligible",
        [],
        [
            "laut Aufruftext nur für Antragsteller in Hamminkeln, Hünxe und Schermbeck – Kreis "
            "Coesfeld liegt nicht darin: „Projekte müssen im LEADER-Gebiet der Städte und "
            "Gemeinden Hamminkeln, Hünxe und Schermbeck umgesetzt werden.“"
        ],
    )
    # with our towns among the members those may apply; examples restrict no one
    ours = text.replace("Hünxe und Schermbeck", "Dülmen und Senden")
    status, applicants, _ = assessed(ours, leader)
    assert (status, applicants) == ("eligible", ["Dülmen", "Senden"])
    examples = text.replace("der Städte und Gemeinden", "u. a. der Städte und Gemeinden")
    assert assessed(examples, leader)[0] == "unknown"


def test_named_kreise_or_their_neighbours_are_no_list_to_check(strategy: Strategy) -> None:
    """ "… die im Kreis Borken oder in angrenzenden Kreisen liegen" shut Coesfeld out, a
    neighbour of Borken: the neighbours are a place the rules cannot check, so "unklar" as
    for other such places in an applicant sentence (and nothing in a funding area)."""

    def assessed(text: str) -> tuple[str, list[str]]:
        call = make_call("c", "Aufruf", text, eligible=["Kommune", "Verein"], region="NRW")
        e = assess(call, strategy.region_profile)
        return e.status, e.reasons

    for near in ("oder in angrenzenden Kreisen", "und den benachbarten Kreisen"):
        text = f"Antragsberechtigt sind Kommunen und Vereine, die im Kreis Borken {near} liegen."
        assert assessed(text) == (
            "unknown",
            [
                "Förderregion laut Aufruftext eingeschränkt – bitte prüfen, ob Kreis Coesfeld "
                f"dazugehört: „{text}“"
            ],
        ), near
    # the Kreis alone still excludes; a funding area with its neighbours restricts no one
    status, reasons = assessed(
        "Antragsberechtigt sind Kommunen und Vereine, die im Kreis Borken liegen."
    )
    assert status == "ineligible"
    assert reasons[0].startswith(
        "laut Aufruftext nur für Antragsteller im Kreis Borken – Kreis Coesfeld liegt nicht darin"
    )
    assert (
        assessed(
            "Fördergebiet: Die Mittel stehen nur für Vorhaben im Kreis Borken oder in "
            "umliegenden Kreisen bereit. Antragsberechtigt sind Kommunen in diesem Gebiet."
        )[0]
        == "eligible"
    )


def test_second_review_of_the_exclusion_and_office_rules(strategy: Strategy) -> None:
    """A review of the narrowed rules: an office named with more words is still where to
    apply; exceptions written with "ist/sind" still except; "nicht
    ausgeschlossen" allows; "Nachbarschaft…" is no neighbouring Kreis."""
    towns = [a.name for a in strategy.region_profile.applicants]

    def assessed(text: str, region: str = "NRW") -> tuple[str, list[str]]:
        call = make_call("c", "Aufruf", text, eligible=["Kommune", "Landkreis"], region=region)
        e = assess(call, strategy.region_profile)
        return e.status, e.applicants

    for office in (
        "beim Projektträger Jülich in Berlin",
        "bei der Geschäftsstelle der Stiftung in Berlin",
        "bei den Ministerien in Berlin",
    ):
        text = f"Antragsberechtigt sind Kommunen, die ihre Skizze {office} einreichen."
        assert assessed(text, "Bund")[0] == "eligible", office
    start = "Antragsberechtigt sind alle Kommunen im Regierungsbezirk Münster"
    for exception in ("; ausgenommen ist die Stadt Dülmen.",):
        assert assessed(start + exception) == (
            "eligible",
            [t for t in towns if t != "Dülmen"],
        ), exception
    status, applicants = assessed(
        start + ", ausgenommen sind der Kreis Coesfeld und die Stadt Dülmen."
    )
    assert status == "eligible" and "Dülmen" not in applicants
    assert strategy.region_profile.county not in applicants
    for allowed in (
        f"{start}; eine Kooperation mit dem Kreis Coesfeld ist nicht ausgeschlossen.",
        f"{start}. Die Stadt Dülmen ist von der Förderung nicht ausgeschlossen.",
    ):
        assert assessed(allowed) == ("eligible", towns), allowed
    neighbourhood = (
        "Antragsberechtigt sind Kommunen im Kreis Borken und Unternehmen mit Nachbarschaftsbezug."
    )
    assert assessed(neighbourhood)[0] == "ineligible"
