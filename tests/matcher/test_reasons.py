"""The words shown as reasons: no applicants, places or verbs of procedure (matcher/reasons.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from matcher import analysis
from matcher.model import MatchModel, MatchParams, _Explainer, call_language, match_calls
from matcher.reasons import (
    compound_only_glossary_tokens,
    is_reason,
    own_places,
    shares_reason,
    shows_pair,
)
from matcher.strategy import Strategy, load_strategy, parse_strategy
from tests.matcher.conftest import make_call

# A Bürgerportal project that names the county's towns and NRW as its setting, as VW-01 of the
# bundled strategy does, and a broadband project; goals on schools and on open data.
STRATEGY_YAML = """
id: reasons
name: Teststrategie
region_profile:
  state: Nordrhein-Westfalen
  county: Kreis Coesfeld
  administrative_district: Regierungsbezirk Münster
  rural: true
  structurally_weak: false
  applicants:
    - {name: Kreis Coesfeld, type: Landkreis}
    - {name: Dülmen, type: Stadt}
themes:
  - id: verwaltung
    name: Verwaltung
    priority: 1
    goals:
      - {id: V4, text: Offene Daten des Kreises bereitstellen und nutzen.}
      - {id: V1, text: Verwaltungsleistungen online anbieten.}
  - id: bildung
    name: Bildung
    priority: 1
    goals:
      - {id: B1, text: Alle Schulen mit Tablets ausstatten.}
  - id: wirtschaft
    name: Wirtschaft
    priority: 2
    goals:
      - {id: W3, text: Gigabitversorgung sichern.}
projects:
  - id: VW-01
    title: Bürgerportal
    theme: verwaltung
    goals: [V1]
    summary: >-
      Ein gemeinsames Bürgerportal für den Kreis und seine Städte und Gemeinden in NRW,
      angebunden an das Servicekonto des Bundes.
    keywords: [Bürgerportal, Onlinedienste]
  - id: WI-03
    title: Breitband für Gewerbegebiete
    theme: wirtschaft
    goals: [W3]
    summary: Glasfaser bis ins Gebäude.
    keywords: [Breitband, Gigabit]
"""

# every form in which the applicants and places of both texts appear
NOT_REASONS = {"gemeind", "kreis", "stadt", "nrw", "bund", "stell", "bereitstell", "nutz"}


def _strategy() -> Strategy:
    return parse_strategy(STRATEGY_YAML, "reasons.yaml")


def _stems(words: list[str]) -> set[str]:
    return {analysis.stem(analysis.fold(w.lower())) for t in words for w in analysis.words(t)}


def test_applicants_and_places_shared_with_a_buergerportal_are_no_reasons() -> None:
    call = make_call(
        "gigabit",
        "Gigabit-Kofinanzierung NRW für Bundesförderverfahren",
        "Das Land NRW übernimmt den kommunalen Eigenanteil an der Gigabitförderung des Bundes."
        " Antragsberechtigt sind Gemeinden, Kreise und Städte in NRW.",
        eligible=["Gemeinde", "Stadt", "Kreis"],
        region="NRW",
    )
    (result,) = match_calls(_strategy(), [call])
    scored = {p.project_id: p for p in result.projects}
    portal = scored["VW-01"]
    shown = [w for t in portal.terms for w in (t.call_word, t.project_word)]
    assert not _stems(shown) & NOT_REASONS, portal.terms
    assert portal.terms == []  # nothing else is shared: the page says so
    # the score keeps them (measured: as stop words they lowered the development figures)
    assert portal.topic_score > 0
    broadband = [t.call_word for t in scored["WI-03"].terms]
    assert any("Gigabit" in w for w in broadband), broadband


def test_a_goal_is_not_listed_on_verbs_of_procedure_alone() -> None:
    call = make_call(
        "ozg",
        "Förderung der OZG-Umsetzung",
        "Die Kommunen stellen ihre Verwaltungsleistungen online bereit; Bürgerinnen und Bürger"
        " nutzen ein Nutzerkonto. Dorfläden werden mit Kassensystemen ausgestattet und können"
        " Geräte ausstatten.",
        eligible=["Kommune"],
        region="NRW",
    )
    (result,) = match_calls(_strategy(), [call])
    listed = {g.goal_id: g for g in result.goals}
    assert "V1" in listed  # shares "Verwaltungsleistungen" and "online"
    assert "V4" not in listed and "B1" not in listed, result.goals
    for goal in result.goals:
        shown = [w for t in goal.terms for w in (t.call_word, t.project_word)]
        assert goal.terms and not _stems(shown) & (NOT_REASONS | {"ausstatt"}), goal.terms


BUNDLED = Path(__file__).resolve().parents[2] / "data" / "strategy" / "coesfeld-12-0.yaml"

# Calls modelled on the advisor's unseen calls, each with a pair the explanations showed,
# though what the two words share is a place, an applicant, boilerplate or a generic head.
ADVISOR_CALLS = [
    (
        "V-007",
        "Interreg Deutschland-Nederland: Projektaufruf für grenzüberschreitende Mobilität",
        "Das Programm sucht Projekte, die grenzüberschreitende Verkehrsverbindungen verbessern"
        " und eine bürgernahe Grenzregion gemeinsam gestalten. Antragsberechtigt sind Gemeinden"
        " und Kreise im Programmgebiet, auf deutscher Seite unter anderem die Kreise Borken,"
        " Coesfeld, Kleve und Wesel und die Städte Dülmen und Lüdinghausen.",
        "VW-01",
        ("Coesfeld", "Coesfeld"),
    ),
    (
        "V-004",
        "Förderaufruf Moderne Sportstätte 2027",
        "Sportvereine und Kommunen können Zuschüsse für die Sanierung und Modernisierung von"
        " Sportanlagen und die Digitalisierung ihrer Vereinsarchive beantragen.",
        "KU-01",
        ("Sportvereine", "Heimatvereine"),
    ),
    (
        "V-003",
        "Kommunale Nachnutzung von EfA-Leistungen",
        "Gefördert wird die Anbindung kommunaler Verwaltungsleistungen an das Serviceportal."
        " Planungsleistungen gelten nicht als Beginn des Vorhabens.",
        "VW-01",
        ("Planungsleistungen", "Verwaltungsleistungen"),
    ),
    (
        "V-030",
        "Digital dabei NRW",
        "Gefördert wird die Qualifizierung von Digitalbegleitern in Volkshochschulen."
        " Zuwendungsfähig sind Sachausgaben und Ausgaben für befristet beschäftigtes Personal.",
        "VW-05",
        ("beschäftigtes", "Beschäftigte"),
    ),
    (
        "V-029",
        "Stichtag für Hochwasserschutz-Förderung rückt näher",
        "Kommunen können Mittel für das Hochwasserrisikomanagement und digitale"
        " Pegelmessungen beantragen.",
        "VW-05",
        ("Hochwasserrisikomanagement", "Management"),
    ),
]


def test_own_places_and_shared_non_reason_parts_are_no_reasons() -> None:
    """The strategy's own county and towns (Coesfeld, Dülmen) are place words, and a pair of
    different words is no reason when what they share is an applicant (Vereine), ANBest-P
    boilerplate (Leistungen, beschäftigt) or a generic head (Management)."""
    strategy = load_strategy(BUNDLED)
    calls = [make_call(cid, title, text, region="NRW") for cid, title, text, _, _ in ADVISOR_CALLS]
    results = {r.call_id: r for r in match_calls(strategy, calls)}
    for cid, _, _, project_id, pair in ADVISOR_CALLS:
        (scored,) = [p for p in results[cid].projects if p.project_id == project_id]
        shown = [(t.call_word, t.project_word) for t in scored.terms]
        assert pair not in shown, (cid, shown)
        goals = [(t.call_word, t.project_word) for g in results[cid].goals for t in g.terms]
        assert pair not in goals, (cid, goals)
    # what the two texts are about stays: the same words, and Beschäftigte as a topic; but
    # "Digitalisierung" in both is true of every call for a digitalisation strategy
    kept = {
        "V-003": ("Verwaltungsleistungen", "Verwaltungsleistungen"),
        "V-004": ("Vereinsarchive", "Archiv"),
        "V-030": ("Qualifizierung", "Qualifizierung"),
    }
    everywhere = [
        (t.call_word, t.project_word) for r in results.values() for p in r.projects for t in p.terms
    ]
    assert ("Digitalisierung", "Digitalisierung") not in everywhere
    for cid, pair in kept.items():
        shown = [(t.call_word, t.project_word) for p in results[cid].projects for t in p.terms]
        assert pair in shown, (cid, shown)
    # the own places are no reason anywhere, nor a part of a pair
    own = {"coesfeld", "dulmen", "ludinghaus"}
    for r in results.values():
        for p in r.projects:
            assert not _stems([w for t in p.terms for w in (t.call_word, t.project_word)]) & own


def test_staff_as_a_topic_stays_a_reason() -> None:
    """Only the ANBest-P form "beschäftigtes (Personal)" is boilerplate: a call for training
    the staff shares its topic with a project for the staff."""
    strategy = load_strategy(BUNDLED)
    call = make_call(
        "quali",
        "Qualifizierung der Beschäftigten in Kommunalverwaltungen",
        "Gefördert werden Fortbildungen der Beschäftigten zu digitalen Kompetenzen.",
        region="NRW",
    )
    (result,) = match_calls(strategy, [call])
    (staff,) = [p for p in result.projects if p.project_id == "VW-05"]
    assert ("Beschäftigten", "Beschäftigte") in [(t.call_word, t.project_word) for t in staff.terms]


@pytest.mark.parametrize(
    ("call_word", "project_word", "shown"),
    [
        ("sportvereine", "heimatvereine", False),  # an applicant type
        ("planungsleistungen", "verwaltungsleistungen", False),  # ANBest-P
        ("hochwasserrisikomanagement", "management", False),  # a generic head
        ("zentrenmanagement", "dokumentenmanagement", False),
        ("coesfelder", "coesfeld", False),  # the own county
        ("munsterland", "munster", False),  # the own administrative district
        ("radverkehrsmanagement", "fussverkehrsmanagement", True),  # both Verkehr
        ("vereinsarchive", "archiv", True),
        ("medien", "medienkompetenz", True),  # "dien" is no part of Medien
        ("bundeln", "bundelt", True),  # nor "Bund" of bündeln
        ("sendemast", "sendeanlagen", True),  # Senden is a town, "sende" no form of it
        ("medienzentrum", "rechenzentrum", False),  # a generic head
    ],
)
def test_what_two_different_words_share(call_word: str, project_word: str, shown: bool) -> None:
    places = own_places(load_strategy(BUNDLED).region_profile)
    assert shares_reason(call_word, project_word, places) is shown


@pytest.mark.parametrize(
    ("word", "shown"),
    [
        ("Strategie", False),
        ("smarte", False),
        ("Digitalisierung", False),
        ("Vernetzung", False),
        ("Angebote", False),
        ("Plattform", True),  # a platform in both texts is a topic
        ("Beschäftigte", True),
        ("Breitband", True),
    ],
)
def test_the_same_generic_word_in_both_texts_is_no_reason(word: str, shown: bool) -> None:
    """An officer read "Strategie ≈ Strategie" or "smart ≈ smarte" as why a project was listed:
    generic words are no reason even when both texts use them, a few are a topic then."""
    places = own_places(load_strategy(BUNDLED).region_profile)
    token = analysis.content_tokens(word)[0]
    assert shows_pair(token, token, places) is shown


# English calls modelled on the EU portal's (C-D-213: "halting … the loss of biodiversity"): an
# English word pairs with a German word of the strategy only through the glossary or as the
# same word, never because two stems of two languages happen to have the same letters.
ENGLISH_CALLS = [
    make_call(
        "en-centre",
        "Lively town centres: vacancy management and free Wi-Fi",
        "The programme funds pilot projects that contribute to halting the decline of town"
        " centres. Municipalities may measure footfall, open free Wi-Fi and manage vacant shops."
        " Activities should start in 2027; an open data portal publishes the footfall data.",
        region="EU",
    ),
    make_call(
        "en-open",
        "Open data portals of local authorities",
        "The call funds open data portals and cloud services of local authorities, opening their"
        " data to citizens and the market; synergies with the Digital Europe Programme are"
        " expected.",
        region="EU",
    ),
]


def test_english_words_pair_with_german_ones_only_by_glossary_or_as_the_same_word() -> None:
    """An officer read "halting ≈ halten" as why a project was listed: the Snowball stems of
    the two languages are one letters, not one word."""
    results = {r.call_id: r for r in match_calls(load_strategy(BUNDLED), ENGLISH_CALLS)}
    assert {r.language for r in results.values()} == {"en"}

    def shown(cid: str) -> set[tuple[str, str]]:
        r = results[cid]
        terms = [t for p in r.projects for t in p.terms] + [t for g in r.goals for t in g.terms]
        return {(t.call_word, t.project_word) for t in terms}

    centre, portal = shown("en-centre"), shown("en-open")
    for gone in [("halting", "halten"), ("opening", "Open"), ("synergies", "Synergien")]:
        assert gone not in centre | portal, (gone, centre, portal)
    # the glossary's pairs and the same (loan)words stay
    assert ("town centres", "Innenstadt") in centre
    assert {("data", "Data"), ("open", "Open"), ("portal", "Portal")} <= centre
    assert {("Open data", "Daten"), ("data", "Data")} <= portal


@pytest.mark.parametrize(
    ("english", "german", "shown"),
    [
        ("halting", "halten", False),  # one stem, two words
        ("opening", "open", False),  # "opening date" is no Open Data
        ("synergies", "synergien", False),
        ("programming", "programmieren", False),
        ("commercial", "commerce", False),
        ("space", "spaces", False),  # "Digital, Industry and Space" ≈ Coworking-Spaces
        ("market", "standortmarketing", False),  # "marketing" is another word
        ("start", "startup", False),  # "up" is no word of its own
        ("sport", "transport", False),  # nor "tran"
        ("multi", "multimodalitat", False),  # "multi-apartment": a prefix, not written alone
        ("data", "data", True),  # Open Data
        ("cloud", "cloud", True),  # Cloud-Dienste
        ("app", "app", True),
        ("portal", "burgerportal", True),  # the head of a compound
        ("cyber", "cyberangriffe", True),  # the front of a compound before a word of its own
    ],
)
def test_an_english_and_a_german_word_pair_only_as_one_word(
    english: str, german: str, shown: bool
) -> None:
    places = own_places(load_strategy(BUNDLED).region_profile)

    def is_word(word: str, lang: str) -> bool:
        # the corpus knows "Angriffe", "Bürger"; the call writes "cyber" alone, "multi" only
        # in front of another word (multi-apartment)
        german = {"angriffe", "burger", "modalitat", "up"}
        return word in (german if lang == "de" else {"cyber", "start"})

    token = analysis.EN_MARK + english
    assert shows_pair(token, german, places, is_word) is shown


@pytest.mark.parametrize(
    ("call_word", "project_word", "shown"),
    [
        # an advisor's unseen calls: letters, not a word, of both or either
        ("Gästeinformation", "Informatik", False),
        ("Digitalpaten", "DigitalPakt", False),
        ("Schulung", "Schul-WLAN", False),  # a training, no school
        ("Schulungen", "Schule", False),
        ("Bildung", "Bild", False),
        # generic words and numbers
        ("Bürgerbus", "Bürger", False),
        ("REGIONALE", "Regionaler", False),
        ("Datenversorgung", "Gesundheitsversorgung", False),
        ("zwei", "zwei", False),
        ("on", "On-Demand-Shuttle", False),  # "Mobility on Demand"
        # where and whom, not what: every county the tool serves is largely rural (demo calls)
        ("ländlichen", "ländlichen", False),
        ("Räumen", "Raum", False),
        ("Standorte", "Standort", False),
        ("kleine", "Kleine", False),  # "kleine und mittlere Unternehmen", like "mittlere"
        ("Kleinbussen", "Kleine", False),
        ("Infrastruktur", "Infrastruktur", False),  # the how, like System or Plattform
        ("Strukturen", "Infrastruktur", False),
        # "-lichkeit" makes another word: cost-effectiveness (of broadband), not the economy
        ("Wirtschaftlichkeitslückenmodell", "Wirtschaft", False),
        ("Wirtschaftlichkeitslückenförderung", "Wirtschaftsförderung", False),
        # an advisor's fourth week: "weitere" is no Weiterbildung
        ("weitere", "Weiterbildung", False),
        ("Weiterbildungen", "Weiterbildung", True),
        # still one word
        ("Qualifizierung", "qualifizieren", True),
        ("qualifizierte", "Qualifizierung", True),
        ("bündeln", "bündelt", True),
        ("Rechenzentren", "Rechenzentrum", True),
        ("Breitbandausbau", "Breitband", True),
        ("Radverkehrsmanagement", "Fußverkehrsmanagement", True),
        ("Versorgung", "Versorgung", True),  # the same word stays a topic
        ("IT-Sicherheit", "IT", True),
        # measured as topics: above the share of relevant pairs (docs/matcher.md)
        ("Anbindung", "Anbindung", True),  # an das Nutzerkonto (VW-01)
        ("Buchung", "Buchungsplattform", True),
        # "-heit", "-keit" and "-lich" alone keep the word
        ("wirtschaftliche", "Wirtschaft", True),
        ("Wirtschaftlichkeit", "wirtschaftlich", True),
        ("Nachhaltigkeit", "nachhaltig", True),
        ("Buchbarkeit", "buchbar", True),
        ("Gesundheit", "gesund", True),
    ],
)
def test_pairs_that_share_no_word_are_not_shown(
    call_word: str, project_word: str, shown: bool
) -> None:
    """Pairs a funding advisor read as no reason ("Gemeinsame Begriffe"), and the kinds kept."""
    places = own_places(load_strategy(BUNDLED).region_profile)
    call_token, project_token = (analysis.content_tokens(w)[0] for w in (call_word, project_word))
    # as the explanations ask: both words reasons, then the pair (model._Explainer._terms)
    reasons = is_reason(call_token) and is_reason(project_token)
    assert (reasons and shows_pair(call_token, project_token, places)) is shown


def test_a_culture_call_shares_no_work_culture_nor_offers() -> None:
    """A culture call (modelled on C-D-177) listed the staff academy VW-05 for "Kultur ≈
    Arbeitskultur", and the culture, club and school projects for "Angebote ≈
    Kulturangebote" or "Lernangebote ≈ Vereinsangebote": no reasons."""
    call = make_call(
        "kultur",
        "Kultur digital: Förderung von Kulturprojekten",
        "Gefördert werden Kultur und Kultureinrichtungen, die neue Angebote für ihr Publikum"
        " entwickeln; Lernangebote und Werkstattangebote für Kinder. Arbeit mit Ehrenamtlichen.",
        region="NRW",
    )
    (result,) = match_calls(load_strategy(BUNDLED), [call])
    shown = {
        p.project_id: {(t.call_word, t.project_word) for t in p.terms} for p in result.projects
    }
    assert shown["VW-05"] == set()  # was Kultur ≈ Arbeitskultur, Arbeit ≈ Arbeitskultur
    assert not any("angebot" in o.lower() for pairs in shown.values() for _, o in pairs), shown
    # the culture project keeps its reasons
    assert {("Kultur", "Kultur"), ("Kulturprojekten", "Kultur")} <= shown["KU-01"]


def test_rural_settings_and_cost_effectiveness_list_no_project() -> None:
    """Demo calls listed a second or third project on "ländlichen ≈ ländlichen" (telemedicine
    ≈ Coworking WI-01), "Infrastruktur ≈ Infrastruktur" (a green-space contest ≈ school IT
    BI-01, the IT centre VW-02) and "Wirtschaftlichkeitslückenmodell ≈ Wirtschaft" (broadband
    ≈ the SME advice WI-02): the Eingang lists a project beyond the best only with a reason."""
    calls = [
        make_call(
            "tele",
            "Telemedizin und digitale Versorgung in ländlichen Regionen NRW",
            "Wenn Sie telemedizinische Angebote oder digitale Pflegeunterstützung in ländlichen"
            " Regionen aufbauen, können Sie einen Zuschuss erhalten. Gefördert werden"
            " Tele-Sprechstunden, Tele-Notarzt-Systeme und digitale Assistenzsysteme für die"
            " Pflege.",
            region="NRW",
        ),
        make_call(
            "gruen",
            "Bundeswettbewerb Zukunft Stadtgrün",
            "Teilnehmen können Kommunen mit Projekten für grüne Infrastruktur.",
            region="Bund",
        ),
        make_call(
            "gigabit",
            "Gigabitförderung 2.0 – Ausbau gigabitfähiger Netze",
            "Gefördert wird der Ausbau von Glasfasernetzen in grauen und weißen Flecken im"
            " Wirtschaftlichkeitslückenmodell oder Betreibermodell, einschließlich Schulen und"
            " Gewerbegebieten.",
            region="Bund",
        ),
    ]
    results = {r.call_id: r for r in match_calls(load_strategy(BUNDLED), calls)}

    def shown(cid: str, pid: str) -> list[tuple[str, str]]:
        # a project the call shares nothing with at all is not scored
        return [
            (t.call_word, t.project_word)
            for p in results[cid].projects
            if p.project_id == pid
            for t in p.terms
        ]

    assert shown("tele", "WI-01") == []
    assert ("Telemedizin", "Telemedizin") in shown("tele", "GE-01")
    assert shown("gruen", "BI-01") == [] and shown("gruen", "VW-02") == []
    assert shown("gigabit", "WI-02") == []
    assert ("Glasfasernetzen", "Glasfaser") in shown("gigabit", "WI-03")


# A county of another state (a reviewer's Landkreis Cham): its project and the calls of its
# state both say "bayerisch".
CHAM_YAML = """
id: cham
name: Digitaler Landkreis Cham
region_profile:
  state: Bayern
  county: Landkreis Cham
  administrative_district: Regierungsbezirk Oberpfalz
  applicants:
    - {name: Landkreis Cham, type: Landkreis}
themes:
  - id: land
    name: Ländlicher Raum
    priority: 1
    goals:
      - {id: LR1, text: Gigabit-Breitband nach der Bayerischen Gigabitrichtlinie ausbauen.}
projects:
  - id: CHA-05
    title: Gigabitausbau in den Gemeinden
    theme: land
    goals: [LR1]
    summary: Glasfaserausbau nach der Bayerischen Gigabitrichtlinie und dem bayerischen Programm.
    keywords: [Glasfaser, Gigabit]
"""


def test_the_own_states_adjective_is_no_reason() -> None:
    """ "bayerischen ≈ Bayerischen" was shown as a reason for a county in Bayern, though
    place names are none (the filter page says so: NO_REASON_HINT); so is
    "nordrhein-westfälische" for the Kreis Coesfeld."""
    strategy = parse_strategy(CHAM_YAML, "cham.yaml")
    call = make_call(
        "by",
        "Förderprogramm Glasfaser für bayerische Gemeinden",
        "Der Freistaat fördert den Glasfaserausbau bayerischer Gemeinden nach der bayerischen "
        "Förderrichtlinie. Antragsberechtigt sind bayerische Gemeinden und Landkreise.",
        region="Bayern",
    )
    (result,) = match_calls(strategy, [call])
    shown = [w for p in result.projects for t in p.terms for w in (t.call_word, t.project_word)]
    shown += [w for g in result.goals for t in g.terms for w in (t.call_word, t.project_word)]
    assert shown, "the call shares Glasfaser with the project"
    assert not [w for w in shown if w.lower().startswith("bayer")], shown
    coesfeld = own_places(load_strategy(BUNDLED).region_profile)
    for word in ("nordrhein-westfälische", "Westfälischen"):
        assert not any(shows_pair(t, t, coesfeld) for t in analysis.content_tokens(word)), word
    # the adjective of another state, and other adjectives, stay words
    token = analysis.content_tokens("technische")[0]
    assert shows_pair(token, token, coesfeld)


@pytest.mark.parametrize(
    ("call_word", "project_word", "shown"),
    [
        # an advisor's sixth week: a generic head alone is no reason (reasons.GENERIC_HEADS)
        ("Präsentationstechnik", "Technik", False),  # school IT ≈ farming technology
        ("Rastplätze", "Plätze", False),  # of "Inkubator-Plätze"
        ("Schutz", "Jugendmedienschutz", False),  # "Schutz ihrer IT"
        ("Küstenschutz", "Jugendmedienschutz", False),
        # a contrary prefix in one word only: what the other is not
        ("schulischen", "außerschulischen", False),
        ("nichtwirtschaftliche", "Wirtschaft", False),
        # kept: the same word, the whole compound, a word in front of the head
        ("Technik", "Technik", True),
        ("Marktplätze", "Marktplatz", True),
        ("Klimaschutzinitiative", "Klimaschutz", True),
        ("außerschulische", "außerschulischen", True),
        ("Regionalwirtschaft", "Wirtschaft", True),
    ],
)
def test_generic_heads_and_contrary_prefixes_are_no_reason(
    call_word: str, project_word: str, shown: bool
) -> None:
    """Pairs an advisor's sixth week of unseen calls read as no reason, and those kept."""
    places = own_places(load_strategy(BUNDLED).region_profile)
    call_token, project_token = (analysis.content_tokens(w)[0] for w in (call_word, project_word))
    reasons = is_reason(call_token) and is_reason(project_token)
    assert (reasons and shows_pair(call_token, project_token, places)) is shown


@pytest.mark.parametrize(
    ("call_word", "project_word", "shown"),
    [
        # a passenger is no guest, the GAK no village community, a roll-out by private
        # operators not the economy (data/opaque_compounds_de.txt)
        ("Gäste", "Fahrgäste", False),
        ("Gemeinschaftsaufgabe", "Dorfgemeinschaft", False),
        ("privatwirtschaftlicher", "Wirtschaft", False),
        # both hold the whole compound, or none holds one
        ("Fahrgäste", "Fahrgastinformation", True),
        ("Gemeinschaftsaufgaben", "Gemeinschaftsaufgabe", True),
        ("Dorfgemeinschaften", "Gemeinschaft", True),
        ("Gästekarte", "Gäste", True),
    ],
)
def test_an_advisors_sixth_week_opaque_compounds_share_no_word(
    call_word: str, project_word: str, shown: bool
) -> None:
    """Pairs an advisor read as no reason: "Gäste ≈ Fahrgäste" (a cycling region's guests ≈
    the bus project), "Gemeinschaftsaufgabe ≈ Dorfgemeinschaft", "privatwirtschaftlicher ≈
    Wirtschaft": the two words share no word."""
    call_token, project_token = (analysis.content_tokens(w)[0] for w in (call_word, project_word))
    assert analysis.share_word_part(call_token, project_token, lambda stem: True) is shown


@pytest.mark.parametrize(
    ("text", "hidden"),
    [
        ("Pilot lines and life-cycle assessment of batteries.", {"radverkehr"}),
        ("Safe cycle paths. A life-cycle assessment is required.", set()),
        ("Shared e-bike and cycle schemes.", set()),
    ],
)
def test_a_glossary_word_only_as_the_head_of_a_compound_is_not_shown(
    text: str, hidden: set[str]
) -> None:
    """A battery call's "life-cycle assessment" showed "cycle ≈ Radverkehr" (the glossary's
    "cycle" is a bicycle): written only as the head of a hyphenated compound, the
    glossary word is another word."""
    terms = analysis.glossary_terms(analysis.words(text))
    assert compound_only_glossary_tokens(text, terms) == hidden


def test_a_battery_call_shows_no_cycle_for_the_cycling_project() -> None:
    """What the explanations show for an English battery call (modelled on Z-028) against
    the cycling project MO-03: nothing of its "life-cycle assessment"."""
    strategy = load_strategy(BUNDLED)
    call = make_call(
        "battery",
        "Next-generation battery cells for mobility",
        "Proposals should develop battery cell architectures up to TRL 5, including modelling,"
        " pilot production and life-cycle assessment for electric mobility and transport.",
        region="EU",
    )
    model = MatchModel(MatchParams()).fit(strategy, [call])
    explainer = _Explainer(model, call, call_language(call))
    (j,) = [i for i, p in enumerate(strategy.projects) if p.id == "MO-03"]
    shown = {(t.call_word, t.project_word) for t in explainer.project_terms(j)}
    assert not {w for w, _ in shown} & {"cycle", "life-cycle"}, shown
