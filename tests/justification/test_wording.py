"""How the generated text reads: quotation marks, languages, sentences."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from matcher.applicant_types import MEMBER_TYPES, MUNICIPAL
from matcher.german import dative_de, nominative_de, von_de
from matcher.justification import SHORT_LIMIT, CallTexts, generate, plain_length
from matcher.strategy import Strategy, load_strategy
from tests.conftest import STRATEGY_PATH
from tests.justification import text_for


@pytest.fixture(scope="module")
def strategy() -> Strategy:
    return load_strategy(STRATEGY_PATH)


@pytest.mark.parametrize("variant", ["long", "short"])
def test_quotation_marks_inside_a_quoted_title_are_nested_the_german_way(
    strategy: Strategy, variant: str
) -> None:
    call = CallTexts(
        title="Förderprogramm „Kommune digital“: Onlinezugang und E-Akte",
        url="https://example.org/kommune-digital",
        text="Mit dem Förderprogramm „Kommune digital“ fördert das Land Serviceportale, über "
        "die Bürgerinnen und Bürger Anträge online stellen.",
    )
    text = generate(strategy, call, ["VW-01"], variant).text
    assert "„Förderprogramm ‚Kommune digital‘: Onlinezugang und E-Akte“" in text
    assert "„Mit dem Förderprogramm ‚Kommune digital‘ fördert das Land" in text
    assert "““" not in text and "„„" not in text


@pytest.mark.parametrize("variant", ["long", "short"])
@pytest.mark.parametrize("language", ["en", ""])  # "": a call entered by hand, detected
def test_a_quote_in_english_is_marked_as_the_calls_english_wording(
    strategy: Strategy, variant: str, language: str
) -> None:
    call = CallTexts(
        title="Smart Communities – Local Digital Twins for Public Services",
        url="https://example.org/smartcomm",
        funder="Europäische Kommission",
        language=language,
        text="The topic supports local and regional authorities in deploying interoperable "
        "local digital twins and urban data platforms for public services.",
    )
    text = generate(strategy, call, ["VW-04"], variant).text.replace("\n\n> ", " ")
    assert "nennt als Förderzweck (im englischen Wortlaut): „The topic supports" in text


def test_a_german_quote_is_not_marked(strategy: Strategy) -> None:
    call = CallTexts(
        title="Offene Daten in Kommunen",
        url="https://example.org/opendata",
        text="Gefördert werden offene Datenportale und kommunale Datencockpits für Planung und "
        "Steuerung.",
    )
    text = generate(strategy, call, ["VW-04"], "short").text
    assert "nennt als Förderzweck: „Gefördert werden offene Datenportale" in text
    assert "englisch" not in text


# A county whose members and partners are named with "Landkreis" and "Stadt".
OTHER_COUNTY = """\
id: goerlitz-digital
name: "Digitaler Landkreis Görlitz 2030"
region: Landkreis Görlitz
state: Sachsen
adopted: "2023"
members: [Landkreis Görlitz, Stadt Zittau, Löbau]
leitbild: Der Landkreis Görlitz nutzt die Digitalisierung für den Strukturwandel.
aims:
  - Fördermittel gezielt für digitale Projekte einsetzen.
themes:
  - id: verwaltung
    name: Bürgernahe Verwaltung
    priority: 1
    goals:
      - id: BV1
        text: Verwaltungsleistungen online anbieten und Anträge medienbruchfrei bearbeiten.
projects:
  - id: GR-01
    title: Serviceportal Landkreis Görlitz
    theme: verwaltung
    goals: [BV1]
    summary: Gemeinsames Serviceportal von Landratsamt und Städten mit Online-Anträgen.
    keywords: [Serviceportal, Online-Antrag]
    lead: Landkreis Görlitz
    partners: [Stadt Zittau, Löbau]
  - id: GR-02
    title: Online-Terminvergabe
    theme: verwaltung
    goals: [BV1]
    summary: Termine in Bürgerbüros online buchen.
    keywords: [Termin, Bürgerbüro]
    partners: [Stadt Zittau, Löbau]
"""
PARTNERS = "Es wird in interkommunaler Zusammenarbeit mit der Stadt Zittau und Löbau umgesetzt"


def test_names_after_von_and_mit_take_their_article_and_a_summary_is_labelled(
    tmp_path: Path,
) -> None:
    path = tmp_path / "goerlitz.yaml"
    path.write_text(OTHER_COUNTY, encoding="utf-8")
    county = load_strategy(path)
    call = CallTexts(
        title="Digitale Verwaltung",
        url="https://example.org/verwaltung",
        text="Gefördert werden Serviceportale, über die Bürgerinnen und Bürger Anträge online "
        "stellen.",
    )
    long = generate(county, call, ["GR-01"], "long").text
    assert "Getragen wird sie gemeinsam vom Landkreis Görlitz, der Stadt Zittau und Löbau." in long
    short = generate(county, call, ["GR-01"], "short").text
    assert "Inhalt: Gemeinsames Serviceportal von Landratsamt und Städten" in short
    assert f"{PARTNERS} (Federführung: Landkreis Görlitz)." in short
    combined = generate(county, call, ["GR-01", "GR-02"], "long").text
    assert "Inhalt: Termine in Bürgerbüros online buchen." in combined
    assert f"{PARTNERS} (Federführung: Landkreis Görlitz)." in combined
    assert f"{PARTNERS}." in combined  # GR-02 has no lead
    for text in (long, short, combined):
        assert "von Landkreis" not in text and "mit Stadt" not in text, text


def test_a_goal_quoted_next_to_the_purpose_is_not_quoted_again_in_the_closing(
    strategy: Strategy,
) -> None:
    call = CallTexts(
        title="Onlinedienste für Kommunen",
        url="https://example.org/ozg",
        text="Gefördert werden Serviceportale, über die Bürgerinnen, Bürger und Unternehmen "
        "Verwaltungsleistungen vollständig online beantragen.",
    )
    goal = strategy.goal("V1").text.rstrip(".")
    for projects in (["VW-01"], ["VW-01", "VW-04"]):
        text = generate(strategy, call, projects, "long").text
        assert (
            f"Dem entspricht in der Strategie das Ziel V1 (Handlungsfeld Verwaltung): „{goal}“"
            in (text)
        )
        assert text.count(goal) == 1, text
        assert "das Ziel V1" in text.split("## Beitrag", 1)[1]


def test_two_leitbild_sentences_are_one_quotation_and_not_repeated(strategy: Strategy) -> None:
    """„A. B.“ for sentences that follow each other, „A. […] C.“ for a gap; a sentence that
    stands next to the call's quote is not quoted in the first part as well."""
    text = text_for(
        strategy,
        ["GE-01"],
        "Gefördert werden telemedizinische Sprechstunden, die den Zugang zur Versorgung im "
        "ländlichen Raum erleichtern.",
    )
    assert "gemeinsam und aktiv. Digitale Lösungen dienen den Menschen:" in text
    assert "“ „" not in text
    text = text_for(
        strategy,
        ["VW-05"],
        "Gefördert werden Vorhaben, in denen Kommunen Synergien heben und in "
        "interkommunaler Zusammenarbeit Prioritäten setzen.",
    )
    leitbild = text.split("Ihr Leitbild: ")[1].split("“")[0]
    assert leitbild.count("„") == 1 and "“ „" not in text
    assert text.count("Wir setzen Prioritäten, heben Synergien") <= 1, text


def test_projects_of_one_theme_name_the_theme_once_in_the_short_combined_text(
    strategy: Strategy,
) -> None:
    purpose = "Gefördert werden Serviceportale nach dem Onlinezugangsgesetz und Open Data."
    text = text_for(strategy, ["VW-01", "VW-04", "VW-02"], purpose, variant="short")
    assert (
        ", alle im Handlungsfeld „Verwaltung“ (Priorität 1): „Digitales Bürgerportal Kreis "
        "Coesfeld“, „Open-Data-Portal und kommunales Datencockpit“ und „Interkommunales "
        "IT-Kompetenzzentrum und Informationssicherheit“." in text
    )
    assert text.count("Handlungsfeld „Verwaltung“") == 1
    mixed = text_for(strategy, ["VW-01", "MO-01"], purpose, variant="short")
    assert (
        "„Digitales Bürgerportal Kreis Coesfeld“ (Handlungsfeld „Verwaltung“, Priorität 1)" in mixed
    )
    assert "(Handlungsfeld „Mobilität“, Priorität 2)." in mixed


def test_a_short_text_that_must_be_cut_keeps_whole_sentences(strategy: Strategy) -> None:
    call = CallTexts(
        title="Förderaufruf zur Digitalisierung der kommunalen Verwaltung in ländlichen Räumen "
        * 6,
        url="https://example.org/" + "x" * 150,
        funder="Ministerium " * 8,
        text="Gefördert werden digitale Serviceportale der Kommunen für Bürgerinnen und Bürger "
        "sowie Unternehmen.",
    )
    for projects in (["VW-01"], ["VW-01", "VW-02", "VW-03"]):
        result = generate(strategy, call, projects, "short")
        assert "gekürzt" in result.dropped
        text = result.text
        assert plain_length(text) <= SHORT_LIMIT
        assert text.rstrip()[-1] in ".“", text[-80:]  # no sentence broken off with "…"
        assert text.count("„") == text.count("“"), text
        assert not text.rstrip().endswith(":")


def test_members_are_named_by_kind_so_the_town_is_told_from_the_county(
    strategy: Strategy,
) -> None:
    """ "vom Kreis Coesfeld, Ascheberg, Billerbeck, Coesfeld …" left open which Coesfeld."""
    purpose = "Gefördert werden telemedizinische Sprechstunden im ländlichen Raum."
    text = text_for(strategy, ["GE-01"], purpose)
    assert (
        "Getragen wird sie gemeinsam vom Kreis Coesfeld, den Städten Billerbeck, Coesfeld, "
        "Dülmen, Lüdinghausen und Olfen sowie den Gemeinden Ascheberg, Havixbeck, "
        "Nordkirchen, Nottuln, Rosendahl und Senden." in text
    )
    one_each = von_de(
        ["Kreis Coesfeld", "Olfen", "Senden"], {"Olfen": "Stadt", "Senden": "Gemeinde"}
    )
    assert one_each == "vom Kreis Coesfeld, der Stadt Olfen und der Gemeinde Senden"
    assert von_de(["Kreis Coesfeld", "Senden"]) == "vom Kreis Coesfeld und Senden"  # no kinds


def test_every_kind_of_town_is_named_with_its_own_word() -> None:
    """A Bavarian county's Große Kreisstadt and Märkte are told from the county too."""
    kinds = {
        "Ebersberg": "Große Kreisstadt",
        "Markt Schwaben": "Markt",
        "Kirchseeon": "Markt",
        "Grafing b.München": "Stadt",
        "Zorneding": "Gemeinde",
        "Aßling": "Gemeinde",
    }
    assert von_de(["Landkreis Ebersberg", *kinds], kinds) == (
        "vom Landkreis Ebersberg, der Großen Kreisstadt Ebersberg, der Stadt Grafing b.München, "
        "den Märkten Markt Schwaben und Kirchseeon sowie den Gemeinden Zorneding und Aßling"
    )
    # a name that starts with its kind does not say it twice
    assert von_de(["Landkreis Ebersberg", "Markt Schwaben"], {"Markt Schwaben": "Markt"}) == (
        "vom Landkreis Ebersberg und dem Markt Schwaben"
    )
    assert von_de(["Kreis Plön", "Lütjenburg"], {"Lütjenburg": "Amt"}) == (
        "vom Kreis Plön und dem Amt Lütjenburg"
    )
    # every type of town or municipality a strategy may give has its words
    towns = [t for t, level in MEMBER_TYPES.items() if level == MUNICIPAL]
    assert all(
        von_de(["Kreis X", "A", "B"], {"A": t, "B": t}).startswith("vom Kreis X sowie den ")
        for t in towns
    ), towns


def test_a_sentence_keeps_the_quotation_mark_after_its_full_stop() -> None:
    """A short text cut after a quoted sentence must not leave the quotation open."""
    from matcher.sentences import split_sentences

    assert split_sentences(
        "Der Aufruf nennt: „Gefördert werden Portale.“ Die Projekte dienen V1."
    ) == [
        "Der Aufruf nennt: „Gefördert werden Portale.“",
        "Die Projekte dienen V1.",
    ]


def test_a_call_without_address_is_named_as_the_source(strategy: Strategy) -> None:
    call = CallTexts(
        title="Digitale Verwaltung",
        text="Gefördert werden Serviceportale der Kommunen für Bürgerinnen und Bürger.",
    )
    for projects in (["VW-01"], ["VW-01", "VW-02"]):
        text = generate(strategy, call, projects, "short").text
        assert "Quelle: Aufruf „Digitale Verwaltung“; Strategie" in text


def _with_partners(strategy: Strategy, lead: str, partners: list[str]) -> Strategy:
    """The demo strategy with IN-01 led by `lead` together with `partners`."""
    project = strategy.project("IN-01")
    project.lead, project.partners = lead, partners
    return strategy


MARKET_CALL = (
    "Gefördert werden regionale Online-Marktplätze und Lieferdienste, die den lokalen "
    "Einzelhandel stärken."
)


def test_partners_take_their_article_and_only_municipalities_make_it_interkommunal() -> None:
    strategy = _with_partners(
        load_strategy(STRATEGY_PATH),
        "Senden",
        ["Kreis Coesfeld", "Stadt Dülmen", "Universität Münster", "Stadtwerke Coesfeld"],
    )
    long = text_for(strategy, ["IN-01"], MARKET_CALL)
    assert (
        "Federführung: Gemeinde Senden. Beteiligt sind der Kreis Coesfeld und die Stadt Dülmen "
        "(interkommunale Zusammenarbeit) sowie die Universität Münster und die Stadtwerke "
        "Coesfeld." in long
    )
    combined = text_for(strategy, ["IN-01", "IN-03"], MARKET_CALL)
    assert (
        "Es wird in interkommunaler Zusammenarbeit mit dem Kreis Coesfeld und der Stadt Dülmen "
        "sowie zusammen mit der Universität Münster und den Stadtwerken Coesfeld umgesetzt "
        "(Federführung: Gemeinde Senden)." in combined
    )
    strategy = _with_partners(
        strategy, "Landwirtschaftskammer NRW", ["Universität Münster", "Kommunales Rechenzentrum"]
    )
    long = text_for(strategy, ["IN-01"], MARKET_CALL)
    assert "Beteiligt sind die Universität Münster und das Kommunale Rechenzentrum." in long, long
    assert "interkommunal" not in long
    combined = text_for(strategy, ["IN-01", "IN-03"], MARKET_CALL)
    assert (
        "Es wird gemeinsam mit der Universität Münster und dem Kommunalen Rechenzentrum "
        "umgesetzt (Federführung: Landwirtschaftskammer NRW)." in combined
    ), combined


@pytest.mark.parametrize(
    ("name", "dative", "nominative"),
    [
        (
            "Landwirtschaftskammer NRW",
            "der Landwirtschaftskammer NRW",
            "die Landwirtschaftskammer NRW",
        ),
        ("Universität Münster", "der Universität Münster", "die Universität Münster"),
        ("Fachhochschule Münster", "der Fachhochschule Münster", "die Fachhochschule Münster"),
        ("Stadtwerke Coesfeld", "den Stadtwerken Coesfeld", "die Stadtwerke Coesfeld"),
        ("Kommunales Rechenzentrum", "dem Kommunalen Rechenzentrum", "das Kommunale Rechenzentrum"),
        ("Heimatverein Billerbeck", "dem Heimatverein Billerbeck", "der Heimatverein Billerbeck"),
        ("Zweckverband KDN", "dem Zweckverband KDN", "der Zweckverband KDN"),
        ("Große Kreisstadt Erding", "der Großen Kreisstadt Erding", "die Große Kreisstadt Erding"),
        ("Hochsauerlandkreis", "dem Hochsauerlandkreis", "der Hochsauerlandkreis"),
        ("Amt Süderbrarup", "dem Amt Süderbrarup", "das Amt Süderbrarup"),
        ("Neustadt", "Neustadt", "Neustadt"),
    ],
)
def test_institutions_take_their_article(name: str, dative: str, nominative: str) -> None:
    assert dative_de(name) == dative
    assert nominative_de(name) == nominative
    von = "vom " + dative.removeprefix("dem ") if dative.startswith("dem ") else "von " + dative
    assert von_de(name) == von


def test_straight_quotes_of_the_strategy_become_german_ones() -> None:
    strategy = load_strategy(STRATEGY_PATH)
    for variant in ("long", "short"):
        text = text_for(strategy, ["IN-01"], MARKET_CALL, variant=variant)
        assert "Inhalt: Gemeinsamer Online-Marktplatz „LoReNa“ (lokal, regional" in text, text
        assert '"' not in text, text


AIM = r"Der Antrag dient (?:dem Strategieziel|den Strategiezielen) ([^\n]*?)\.(?:\s|$)"


def _aims_named(text: str) -> str:
    found = re.search(AIM, text)
    assert found is not None, text
    return found.group(1)


def test_the_aims_named_are_those_the_project_serves_not_the_funding_aim(
    strategy: Strategy,
) -> None:
    school = CallTexts(
        title="Digitale Bildungsregion: Medienentwicklung an Schulen",
        url="https://example.org/schule",
        text="Gefördert werden Schulträger der Region, die WLAN, Endgeräte und "
        "Medienentwicklungspläne für ihre Schulen umsetzen.",
    )
    coworking = CallTexts(
        title="Coworking NRW – Gemeinschaftsarbeitsorte in ländlichen Regionen",
        url="https://example.org/coworking",
        text="Gefördert werden Coworking-Spaces in ländlichen Regionen, die Gründerinnen, "
        "Pendler und Unternehmen als attraktive Arbeitsorte nutzen.",
    )
    # Every application serves "Den Zugang zu Fördermitteln verbessern": naming it reads as
    # circular to a funder. A school call shares only "Region" with the Standortmarketing
    # aim, and the overarching first aim only "gemeinsam" and "Kreis" with the school IT
    # project: no aim is named rather than boilerplate.
    text = generate(strategy, school, ["BI-01"], "long").text
    assert "Strategieziel" not in text, text
    assert "gemeinsame Zielvorstellungen entwickeln" not in text, text
    aims = _aims_named(generate(strategy, coworking, ["WI-01"], "long").text)
    assert "Standortmarketing" in aims and "Arbeits- und Lebensort" in aims
    assert "Fördermitteln" not in aims


BUS_CALL = CallTexts(
    title="Förderaufruf: Modellprojekte zur Stärkung des öffentlichen Personennahverkehrs",
    url="https://example.org/oepnv",
    summary="Der Bund fördert Modellprojekte, die das ÖPNV-Angebot vor allem im ländlichen "
    "Raum dichter, schneller und einfacher zugänglich machen.",
    text="Gefördert werden Vorhaben, die das ÖPNV-Angebot spürbar verbessern und übertragbare "
    "Erkenntnisse liefern. Förderfähig sind insbesondere flexible Bedienformen wie "
    "bedarfsgesteuerte Linienbedarfsverkehre und Rufbusse mit digitaler "
    "Fahrtwunschanmeldung, Taktverdichtungen, Schnellbusverbindungen sowie die Einführung "
    "einfacher, digitaler Tarif- und Vertriebslösungen.",
)


@pytest.mark.parametrize("variant", ["long", "short"])
def test_no_strategy_sentence_about_funding_is_named(strategy: Strategy, variant: str) -> None:
    # U-010 for MO-02 paired "verbessern" with the aim "Den Zugang zu Fördermitteln
    # verbessern"; other texts quoted the Leitbild's "… und nutzen Fördermittel gezielt".
    text = generate(strategy, BUS_CALL, ["MO-02"], variant).text
    assert "Den Zugang zu Fördermitteln verbessern" not in text, text
    assert "nutzen Fördermittel gezielt" not in text, text
    for project in ("MO-01", "MO-03", "VW-01", "VW-02", "WI-01"):
        text = generate(strategy, BUS_CALL, [project], variant).text
        assert "Fördermittel" not in text, text


def test_the_overarching_aim_is_no_fallback(strategy: Strategy) -> None:
    # 50 of 52 long texts said "Der Antrag dient dem Strategieziel „Den digitalen Wandel …
    # gemeinsame Zielvorstellungen entwickeln“": an aim every project serves says nothing.
    for project in ("MO-01", "MO-02", "VW-01", "BI-01", "IN-02"):
        text = generate(strategy, BUS_CALL, [project], "long").text
        assert "gemeinsame Zielvorstellungen entwickeln" not in text, text
        assert "Der Antrag dient dem Strategieziel" not in text, text


# A hyphen at the end of a folded YAML line ("E-Lastenrad-" / "Sharing") becomes "- " in the
# text; only a hyphen that stands for a left-out word part ("Wohn-, Arbeits- und") may.
_FOLDED_HYPHEN = re.compile(r"\w- (?!und |oder |bis |sowie |wie )")


def test_no_word_of_the_bundled_strategy_is_split_by_a_folded_line() -> None:
    strategy = load_strategy(STRATEGY_PATH)
    texts = [
        strategy.leitbild,
        *strategy.aims,
        *(g.text for g in strategy.goals),
        *(f"{p.title} {p.summary}" for p in strategy.projects),
    ]
    assert [t for t in texts if _FOLDED_HYPHEN.search(t)] == []
    summary = strategy.project("MO-02").summary
    assert "Leihrad, E-Lastenrad-Sharing und Carsharing" in summary


def test_a_purpose_verb_or_a_generic_word_pairs_no_goal(strategy: Strategy) -> None:
    # U-006 for IN-03: the village call and "Den lokalen Einzelhandel … stärken" (I1) share
    # only "stärken" and "lokal", no topic
    call = CallTexts(
        title="LEADER-Region Baumberge: Projektaufruf 2027 – Zusammenleben im Dorf stärken",
        url="https://example.org/leader",
        text="Die Lokale Aktionsgruppe sucht Projekte, die das Miteinander in den Dörfern der "
        "Baumberge stärken. Gesucht werden zum Beispiel digitale Angebote zur Organisation von "
        "Nachbarschaftshilfe und Vereinsarbeit, Treffpunkte für Jung und Alt und Projekte, die "
        "Engagement sichtbar machen.",
    )
    text = generate(strategy, call, ["IN-03"], "long").text
    assert "Den lokalen Einzelhandel" not in text, text
