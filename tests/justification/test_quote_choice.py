"""Which call sentence the text quotes as the funding purpose, and what it pairs it with."""

from __future__ import annotations

import pytest

from matcher.justification import (
    CallTexts,
    _shorten,
    blocks,
    fits,
    generate,
    select_quotes,
    split_sentences,
)
from matcher.strategy import Strategy, load_strategy
from tests.conftest import STRATEGY_PATH
from tests.justification import text_for

# A programme page as the Förderdatenbank publishes it: the portal's summary addresses the
# reader, the funder's text follows, then rate, deadline and who may apply.
FOERDERDATENBANK_TEXT = """Kurzzusammenfassung
Kurztext
Wenn Sie als Kommune in Nordrhein-Westfalen Verwaltungsleistungen nach dem Onlinezugangsgesetz vollständig digital anbieten wollen, können Sie einen Zuschuss erhalten.
Volltext
Das Land fördert die Anbindung kommunaler Fachverfahren an das Serviceportal NRW, Online-Anträge mit E-Payment und Nutzerkonto sowie die Einführung der E-Akte in Städten, Gemeinden und Kreisen.
Die Zuwendung beträgt für Verwaltungsleistungen von Kommunen bis zu 80 % der zuwendungsfähigen Ausgaben.
Anträge für Online-Verwaltungsleistungen sind bis zum 30.04.2027 bei der zuständigen Bezirksregierung zu stellen.

Zusatzinfos
rechtliche Voraussetzungen
Antragsberechtigt sind Gemeinden, Städte und Kreise in Nordrhein-Westfalen, die Verwaltungsleistungen online anbieten.
"""


@pytest.fixture(scope="module")
def strategy() -> Strategy:
    return load_strategy(STRATEGY_PATH)


def _quotes(text: str) -> list[str]:
    return [b.text for b in blocks(text) if b.kind == "quote"]


@pytest.mark.parametrize("variant", ["long", "short"])
def test_the_funders_purpose_is_quoted_not_the_portals_summary_rate_or_eligibility(
    strategy: Strategy, variant: str
) -> None:
    call = CallTexts(
        title="Digitale Verwaltung NRW – Förderung der OZG-Umsetzung in Kommunen",
        url="https://example.org/ozg",
        summary=FOERDERDATENBANK_TEXT.splitlines()[2],
        text=FOERDERDATENBANK_TEXT,
    )
    text = generate(strategy, call, ["VW-01"], variant).text
    assert "nennt als Förderzweck" in text
    assert "„Das Land fördert die Anbindung kommunaler Fachverfahren" in text
    for poor in ("Wenn Sie", "können Sie", "80 %", "30.04.2027", "Antragsberechtigt sind"):
        assert poor not in text, (poor, text)


def test_a_call_that_states_no_purpose_is_not_said_to_name_one(strategy: Strategy) -> None:
    call = CallTexts(
        title="Digitalcheck für Kommunalverwaltungen",
        url="https://example.org/check",
        text=(
            "Antragsberechtigt sind Städte, Gemeinden und Kreise mit ihren Verwaltungen. "
            "Der Zuschuss beträgt bis zu 30.000 Euro je Verwaltung."
        ),
    )
    for variant in ("long", "short"):
        text = generate(strategy, call, ["VW-01"], variant).text
        assert "Förderzweck:" not in text, text
        assert "führt aus: „Antragsberechtigt sind Städte, Gemeinden und Kreise" in text.replace(
            "\n\n> ", " "
        )
        # who may apply corresponds to no aim of the strategy
        assert "Dem entspricht" not in text, text
    # nor does the closing claim a purpose the call did not state
    text = generate(strategy, call, ["VW-01", "VW-03"], "long").text
    assert "Förderzweck" not in text, text
    assert (
        "digitale Workflows) und die Beschäftigten qualifizieren“ (Ziel V3) der Strategie." in text
    )
    text = generate(strategy, call, ["VW-01"], "long").text
    assert "Förderzweck" not in text, text
    assert "Das Projekt verwirklicht das Ziel „Verwaltungsleistungen" in text
    assert "(Onlinezugangsgesetz)“ (Ziel V1) der Strategie." in text


def test_the_projects_own_goal_stands_next_to_a_quote_that_names_it(strategy: Strategy) -> None:
    """The quote names a marketplace and Ehrenamtsplattformen; for the Dorf-App project the
    reviewer reads its own goal (Ehrenamt, I3) next to it, the other one as touched."""
    text = text_for(
        strategy,
        ["IN-03"],
        "Mit dem Förderaufruf Heimat 2.0 unterstützt der Bund Städte und Gemeinden, die "
        "mit digitalen Anwendungen das Zusammenleben vor Ort stärken, zum Beispiel regionale "
        "Online-Marktplätze, Dorf-Apps, digitale Ehrenamtsplattformen oder digitale Angebote "
        "in Ortskernen.",
        call_goal_ids=["I1", "I3"],
    )
    assert (
        "Dem entspricht in der Strategie das Ziel I3 (Handlungsfeld Innenstadt/Dorfmitte)" in text
    )
    assert "Der Aufruf berührt außerdem das Ziel „Den lokalen Einzelhandel" in text


def test_english_eligibility_sentences_are_not_the_purpose(strategy: Strategy) -> None:
    call = CallTexts(
        title="Smart solutions for rural communities and digital villages",
        url="https://example.org/horizon",
        language="en",
        text=(
            "Research and innovation actions on digital solutions for rural communities, "
            "co-created with local actors.\n"
            "Consortia of research organisations, universities, SMEs and local authorities "
            "are eligible.\n"
            "The first stage closes in February 2027, the second stage in September 2027."
        ),
    )
    text = generate(strategy, call, ["WI-02"], "short").text
    assert "„Research and innovation actions on digital solutions" in text
    assert "are eligible" not in text and "2027" not in text


def test_a_chance_syllable_is_no_correspondence_with_the_projects_goal(
    strategy: Strategy,
) -> None:
    # "sozialer" and "digitaler" share only the ending "aler": that is no reason to claim
    # that the strategy's school goal corresponds to the call's purpose.
    call = CallTexts(
        title="Klimaanpassung in sozialen Einrichtungen",
        url="https://example.org/klima",
        text="Gefördert werden Träger sozialer Einrichtungen wie Krankenhäuser, Pflegeheime "
        "und Kitas.",
    )
    text = generate(strategy, call, ["BI-01"], "long").text
    assert "„Gefördert werden Träger sozialer Einrichtungen" in text
    assert "Dem entspricht" not in text, text


def test_a_rate_ends_its_sentence() -> None:
    assert split_sentences(
        "Das Land kofinanziert Breitbandprojekte mit bis zu 40 %. "
        "Antragsberechtigt sind Kreise, Städte und Gemeinden."
    ) == [
        "Das Land kofinanziert Breitbandprojekte mit bis zu 40 %.",
        "Antragsberechtigt sind Kreise, Städte und Gemeinden.",
    ]


def test_a_word_of_funding_or_shared_letters_are_no_correspondence(strategy: Strategy) -> None:
    # Goal V2 ("… interkommunal gemeinsam betreiben …") and the call share only the verb
    # "stärken" of every funding call and the letters "gemein" of Gemeinden and gemeinsam.
    call = CallTexts(
        title="Heimat digital",
        url="https://example.org/heimat",
        text="Gefördert werden Vorhaben der Gemeinden, die mit Apps das Zusammenleben vor Ort "
        "stärken.",
    )
    text = generate(strategy, call, ["VW-02"], "long").text
    assert "„Gefördert werden Vorhaben der Gemeinden" in text
    assert "Dem entspricht" not in text, text


def test_a_compound_bridges_a_quote_and_the_projects_goal(strategy: Strategy) -> None:
    # "Gigabit" inside "gigabitfähige" is the same word: goal W3 corresponds.
    call = CallTexts(
        title="Gigabit für Gewerbegebiete",
        url="https://example.org/gigabit",
        text="Gefördert werden gigabitfähige Anschlüsse für Gewerbegebiete und Schulen.",
    )
    text = generate(strategy, call, ["WI-03"], "long").text
    assert "Dem entspricht in der Strategie das Ziel W3" in text


@pytest.mark.parametrize(
    ("call_text", "quoted"),
    [
        # a step of the procedure, with no word of purpose
        (
            "Städte und Gemeinden können Maßnahmen für das Städtebauförderprogramm 2027 "
            "anmelden. Anmeldungen sind bis zum 15.01.2027 über die Bezirksregierung "
            "einzureichen.",
            "„Städte und Gemeinden können Maßnahmen für das Städtebauförderprogramm 2027 "
            "anmelden.“",
        ),
        # who is funded, not what for
        (
            "Gefördert werden Träger sozialer Einrichtungen wie Krankenhäuser, Pflegeheime "
            "und Kitas. Zuschuss bis zu 80 % der Ausgaben.",
            "„Gefördert werden Träger sozialer Einrichtungen wie Krankenhäuser, Pflegeheime "
            "und Kitas.“",
        ),
    ],
)
def test_a_sentence_that_states_no_purpose_is_not_presented_as_the_purpose(
    strategy: Strategy, call_text: str, quoted: str
) -> None:
    for variant in ("long", "short"):
        text = text_for(strategy, ["VW-01"], call_text, variant=variant).replace("\n\n> ", " ")
        assert f"führt aus: {quoted}" in text, text
        assert "Förderzweck" not in text, text
        assert "Dem entspricht" not in text, text


@pytest.mark.parametrize(
    "purpose",
    [
        "Gefördert werden Kommunen und Landkreise, die On-Demand-Angebote und "
        "Mobilitätsplattformen im ländlichen Raum erproben.",
        "Private und kommunale Waldbesitzende erhalten eine Prämie für klimaangepasstes "
        "Waldmanagement.",
    ],
)
def test_who_is_funded_for_what_is_still_the_purpose(strategy: Strategy, purpose: str) -> None:
    text = text_for(strategy, ["MO-01"], purpose).replace("\n\n> ", " ")
    assert f"nennt als Förderzweck: „{purpose}“" in text, text


@pytest.mark.parametrize("project", ["WI-03", "VW-01"])
def test_what_is_funded_with_its_rate_is_quoted_rather_than_who_may_apply(
    strategy: Strategy, project: str
) -> None:
    """The demo's Gigabit co-financing call: its funding verb is "kofinanziert"."""
    call_text = (
        "Das Land kofinanziert Breitbandprojekte in der Gigabitförderung des Bundes mit bis zu "
        "40 %. Antragsberechtigt sind Kreise, Städte und Gemeinden."
    )
    for variant in ("long", "short"):
        text = text_for(
            strategy,
            [project],
            call_text,
            title="Gigabit-Kofinanzierung NRW für Bundesförderverfahren",
            variant=variant,
        ).replace("\n\n> ", " ")
        assert (
            "führt aus: „Das Land kofinanziert Breitbandprojekte in der Gigabitförderung des "
            "Bundes mit bis zu 40 %.“" in text
        ), text
        assert "Antragsberechtigt" not in text, text


def test_who_may_apply_for_what_is_quoted_rather_than_a_rate_of_costs(
    strategy: Strategy,
) -> None:
    """Who may apply, with what they do, says more than which costs are funded at what rate."""
    text = text_for(
        strategy,
        ["BI-03"],
        "Antragsberechtigt sind Landkreise und kreisfreie Städte, die ein datenbasiertes "
        "kommunales Bildungsmanagement aufbauen und digitale Lernorte vernetzen. Gefördert "
        "werden Personal- und Sachausgaben bis zu 100 %.",
    ).replace("\n\n> ", " ")
    assert "führt aus: „Antragsberechtigt sind Landkreise und kreisfreie Städte, die" in text
    assert "Personal- und Sachausgaben" not in text, text


# CEF Digital's text (an advisor's unseen test call V-010): its purpose sentence, and a
# condition of the procedure that uses the funding verb in the passive
CEF_PURPOSE = (
    "This call supports the deployment of 5G infrastructure providing wireless coverage to "
    "schools, hospitals and public administrations in rural communities."
)
CEF_PROCEDURE = "Proposals must be supported by the Member State concerned."


@pytest.mark.parametrize("project", ["BI-01", "WI-03"])
@pytest.mark.parametrize("variant", ["long", "short"])
def test_a_procedural_passive_is_not_the_purpose(
    strategy: Strategy, project: str, variant: str
) -> None:
    call = CallTexts(
        title="CEF Digital – 5G for Smart Communities",
        url="https://example.org/cef",
        language="en",
        text=f"{CEF_PROCEDURE} {CEF_PURPOSE} Deadline: 18 March 2027.",
    )
    text = generate(strategy, call, [project], variant).text.replace("\n\n> ", " ")
    assert f"nennt als Förderzweck (im englischen Wortlaut): „{CEF_PURPOSE}“" in text, text
    assert CEF_PROCEDURE not in text, text


def test_a_procedural_passive_alone_is_not_called_the_purpose(strategy: Strategy) -> None:
    call = CallTexts(
        title="CEF Digital – 5G for Smart Communities",
        url="https://example.org/cef",
        language="en",
        text=f"{CEF_PROCEDURE} Priority is given to rural and remote communities.",
    )
    text = generate(strategy, call, ["BI-01"], "short").text
    assert "Förderzweck" not in text, text
    assert "must be supported" not in text, text


# --- a grant writer's reading of 60 unseen calls: sentences of those calls ----------------


def _text(
    strategy: Strategy, project: str, sentences: list[str], variant: str = "long", lang: str = ""
) -> str:
    """The generated text for a call made of these sentences, quotes run into the text."""
    call = CallTexts(
        title="Förderaufruf",
        url="https://example.org/aufruf",
        text=" ".join(sentences),
        language=lang,
    )
    return generate(strategy, call, [project], variant).text.replace("\n\n> ", " ")


EFA_BACKGROUND = (
    "Bürgerinnen, Bürger und Unternehmen erwarten, dass sie Verwaltungsleistungen rund um die "
    "Uhr digital in Anspruch nehmen können."
)
EFA_PURPOSE = (
    "Das Land Nordrhein-Westfalen unterstützt die Kommunen daher bei der flächendeckenden "
    "Einführung von Online-Diensten, die nach dem Einer-für-Alle-Prinzip (EfA) entwickelt "
    "wurden, und bei deren medienbruchfreier Anbindung an die kommunalen Fachverfahren."
)
EFA_EXCLUSION = (
    "Nicht gefördert werden der laufende Betrieb, Personalausgaben der Stammbelegschaft und "
    "Hardware."
)
DORF_PURPOSE = (
    "Um den Zusammenhalt in ländlichen Räumen zu stärken, fördert das BMLEH digitale Lösungen "
    "für das Dorfleben: Dorf-Apps mit Nachrichten und Terminen, digitale Plattformen für "
    "Nachbarschaftshilfe, Mitfahrbänke mit App-Anbindung und Ehrenamtsbörsen, die Vereine "
    "entlasten."
)
DORF_EXCLUSION = "Vorhaben außerhalb dieser Gebietskulisse können nicht gefördert werden."


@pytest.mark.parametrize(
    ("project", "sentences", "purpose", "exclusion"),
    [
        ("VW-02", [EFA_BACKGROUND, EFA_PURPOSE, EFA_EXCLUSION], EFA_PURPOSE, EFA_EXCLUSION),
        (
            "WI-03",
            [
                DORF_PURPOSE,
                "Antragsberechtigt sind Gemeinden und Landkreise in Regionen, die nach dem "
                "Gesamtdeutschen Fördersystem für strukturschwache Regionen als strukturschwach "
                "eingestuft sind (GRW-Fördergebiet).",
                DORF_EXCLUSION,
                "Die Förderquote beträgt 90 Prozent, höchstens 100.000 Euro.",
            ],
            DORF_PURPOSE,
            DORF_EXCLUSION,
        ),
    ],
)
def test_an_exclusion_is_not_quoted_as_the_funding_purpose(
    strategy: Strategy, project: str, sentences: list[str], purpose: str, exclusion: str
) -> None:
    """Calls V-003 and V-023: „gefördert“ after „nicht“ states what is not funded."""
    for variant in ("long", "short"):
        text = _text(strategy, project, sentences, variant)
        assert f"nennt als Förderzweck: „{purpose}“" in text, text
        assert exclusion not in text, text


def test_an_exclusion_without_the_funding_word_is_never_quoted(strategy: Strategy) -> None:
    """Call W-003: „Von der Förderung ausgeschlossen sind … der landwirtschaftlichen
    Primärproduktion“ was quoted as the fit of a smart-farming project, on the very farms the
    call excludes."""
    sentences = [
        "Gefördert werden Investitionen in digitale Technologien, die Geschäftsprozesse "
        "vernetzen, sowie Investitionen in die Cybersicherheit Ihres Betriebs.",
        "Antragsberechtigt sind Unternehmen der gewerblichen Wirtschaft, des Handwerks und der "
        "freien Berufe mit Sitz in Deutschland.",
        "Von der Förderung ausgeschlossen sind Unternehmen der landwirtschaftlichen "
        "Primärproduktion sowie Gebietskörperschaften.",
    ]
    for variant in ("long", "short"):
        text = _text(strategy, "WI-04", sentences, variant)
        assert "ausgeschlossen" not in text, text


@pytest.mark.parametrize("clause", ["wobei", "sofern", "dass"])
def test_a_purpose_that_rules_out_double_funding_is_still_the_purpose(
    strategy: Strategy, clause: str
) -> None:
    """„…, wobei eine Doppelförderung ausgeschlossen ist“ was read as an exclusion: the
    purpose sentence fell behind a background sentence, which was quoted instead."""
    purpose = {
        "wobei": "Gefördert werden digitale Bürgerdienste und Online-Anträge der Kommunen, wobei"
        " eine Doppelförderung ausgeschlossen ist.",
        "sofern": "Gefördert werden digitale Bürgerdienste und Online-Anträge der Kommunen,"
        " sofern eine Doppelförderung ausgeschlossen ist.",
        "dass": "Gefördert werden digitale Bürgerdienste und Online-Anträge der Kommunen; es"
        " muss sichergestellt sein, dass eine Doppelförderung ausgeschlossen ist.",
    }[clause]
    background = "Die Digitalisierung ist für das Land ein wichtiges Thema der nächsten Jahre."
    sentences = [
        background,
        purpose,
        "Die Antragstellung erfolgt über das Förderportal des Landes bis zum 30. Juni.",
    ]
    for variant in ("long", "short"):
        text = _text(strategy, "VW-01", sentences, variant)
        assert f"nennt als Förderzweck: „{purpose}“" in text, text
        assert background not in text, text


CYBER_BACKGROUND = (
    "Angriffe auf kommunale IT-Systeme haben in den vergangenen Jahren ganze Verwaltungen über "
    "Wochen lahmgelegt."
)
CYBER_PURPOSE = (
    "Das Land Nordrhein-Westfalen unterstützt die Kommunen deshalb dabei, ihre "
    "Widerstandsfähigkeit gegen Cyberangriffe zu erhöhen."
)
KI_BACKGROUND = "Künstliche Intelligenz kann Verwaltungen von Routinetätigkeiten entlasten."
KI_PURPOSE = (
    "Gefördert werden Pilotvorhaben, in denen Kommunen KI-Anwendungen in der Sachbearbeitung "
    "einsetzen, etwa zur Klassifizierung und Weiterleitung eingehender Dokumente, zur "
    "Vorprüfung von Anträgen oder zur Zusammenfassung von Vorgängen."
)
OZG_LAW = (
    "Nach dem OZG-Änderungsgesetz sollen Verwaltungsleistungen Ende-zu-Ende digital angeboten "
    "werden."
)
OZG_PURPOSE = (
    "Das Land fördert daher die Nachnutzung der im Einer-für-Alle-Prinzip entwickelten "
    "Onlinedienste durch Kommunen."
)


@pytest.mark.parametrize(
    ("project", "sentences", "purpose", "background"),
    [
        ("VW-01", [EFA_BACKGROUND, EFA_PURPOSE], EFA_PURPOSE, EFA_BACKGROUND),
        ("VW-02", [CYBER_BACKGROUND, CYBER_PURPOSE], CYBER_PURPOSE, CYBER_BACKGROUND),
        ("VW-03", [KI_BACKGROUND, KI_PURPOSE], KI_PURPOSE, KI_BACKGROUND),
        ("VW-01", [OZG_LAW, OZG_PURPOSE], OZG_PURPOSE, OZG_LAW),
    ],
)
@pytest.mark.parametrize("variant", ["long", "short"])
def test_the_purpose_sentence_beats_background_or_law(
    strategy: Strategy,
    project: str,
    sentences: list[str],
    purpose: str,
    background: str,
    variant: str,
) -> None:
    """Calls V-003, V-019, U-014 and U-013: the sentence closest to the project is
    background ("Bürgerinnen, Bürger und Unternehmen erwarten …") or the law behind the call
    ("Nach dem OZG-Änderungsgesetz sollen …"); the sentence saying what is funded is quoted,
    even when it names "Anträgen" (of the Sachbearbeitung, not of the procedure)."""
    text = _text(strategy, project, sentences, variant)
    assert f"nennt als Förderzweck: „{purpose}“" in text, text
    assert background not in text, text


# Call Z-003 (EU portal, Once-Only): the first sentence under „Objective:“ is the law
# behind the call, the next one says what the topic supports.
OOTS_LAW = (
    "Under the Single Digital Gateway Regulation (EU) 2018/1724, procedures listed in Annex II "
    "must be offered fully online."
)
OOTS_PURPOSE = (
    "The topic supports the integration of local e-services, payment and identification "
    "(eIDAS) with the Once-Only Technical System, and the reuse of common building blocks."
)
GERMAN_LAW = (
    "Nach dem Onlinezugangsgesetz müssen Verwaltungsleistungen für Bürgerinnen, Bürger und "
    "Unternehmen vollständig online angeboten werden."
)
GERMAN_PURPOSE = "Das Land fördert die Anbindung kommunaler Fachverfahren an Portale."


@pytest.mark.parametrize(
    ("sentences", "purpose", "law", "lang"),
    [
        (
            [
                f"Objective: {OOTS_LAW}",
                "Many of these procedures are provided at local level.",
                OOTS_PURPOSE,
            ],
            OOTS_PURPOSE,
            OOTS_LAW,
            "en",
        ),
        ([f"Zuwendungszweck: {GERMAN_LAW}", GERMAN_PURPOSE], GERMAN_PURPOSE, GERMAN_LAW, ""),
    ],
)
@pytest.mark.parametrize("variant", ["long", "short"])
def test_the_law_under_a_purpose_heading_is_background_not_the_purpose(
    strategy: Strategy, sentences: list[str], purpose: str, law: str, lang: str, variant: str
) -> None:
    """The first sentence under „Objective:“ or „Zuwendungszweck“ counts as the purpose; when
    it only states the law behind the call („Under the … Regulation …“, „Nach dem …gesetz
    …“), the sentence saying what is supported is quoted as the purpose instead."""
    text = _text(strategy, "VW-01", sentences, variant, lang)
    assert f"als Förderzweck (im englischen Wortlaut): „{purpose}“" in text or (
        f"als Förderzweck: „{purpose}“" in text
    ), text
    assert text.find(law) == -1 or text.find(law) > text.find(purpose), text


SMART_CITY_PURPOSE = (
    "Gefördert werden die Erarbeitung und Umsetzung integrierter Smart-City-Strategien."
)
SMART_CITY_EXAMPLES = (
    "Dazu gehören insbesondere der Aufbau urbaner Datenplattformen, die Vernetzung von Sensorik "
    "im öffentlichen Raum, digitale Zwillinge für die Planung sowie Anwendungen zur Belebung von "
    "Quartieren und Ortszentren."
)


@pytest.mark.parametrize("variant", ["long", "short"])
def test_a_sentence_opening_with_an_anaphor_comes_with_its_antecedent(
    strategy: Strategy, variant: str
) -> None:
    """Call U-003: „Dazu“ points to the sentence before; alone, the quote says nothing of
    what it belongs to. Both are quoted as one passage, which fits the short quote too."""
    sentences = [
        SMART_CITY_PURPOSE,
        SMART_CITY_EXAMPLES,
        "Antragsberechtigt sind Städte, Gemeinden, Landkreise und interkommunale Zusammenschlüsse.",
    ]
    text = _text(strategy, "VW-04", sentences, variant)
    assert f"nennt als Förderzweck: „{SMART_CITY_PURPOSE} {SMART_CITY_EXAMPLES}“" in text, text


# Call V-002 (Gute Schule 2030): the sentence naming WLAN points back to the one before.
SCHOOL_PURPOSE = (
    "Mit dem Programm unterstützt das Land die kommunalen Schulträger dabei, den "
    "Investitionsstau an Schulen abzubauen."
)
SCHOOL_FUNDABLE = (
    "Förderfähig sind Investitionen in die Sanierung, die Modernisierung und den Ausbau von "
    "Schulgebäuden und Schulsportstätten einschließlich der Ausstattung."
)
SCHOOL_WLAN = (
    "Dazu gehören ausdrücklich auch Maßnahmen der digitalen Infrastruktur, etwa die "
    "strukturierte Verkabelung und die Ausleuchtung der Gebäude mit WLAN."
)


@pytest.mark.parametrize("variant", ["long", "short"])
def test_the_best_evidence_opening_with_an_anaphor_is_quoted_with_its_antecedent(
    strategy: Strategy, variant: str
) -> None:
    """Call V-002 for BI-01 (WLAN in Schulen): the WLAN sentence is the closest to the
    project but opens with „Dazu“. The long text quotes it after the plain purpose, in one
    passage with the sentence it points to; the short one (one quote of 300 characters)
    has no room for the pair and quotes the purpose, never the WLAN sentence alone."""
    sentences = [
        SCHOOL_PURPOSE,
        SCHOOL_FUNDABLE,
        SCHOOL_WLAN,
        "Die Schulträger melden ihre Maßnahmen bis zum 30. Juni 2027 über das Förderportal an.",
    ]
    text = _text(strategy, "BI-01", sentences, variant)
    assert f"nennt als Förderzweck: „{SCHOOL_PURPOSE}“" in text, text
    if variant == "long":
        assert f"„{SCHOOL_FUNDABLE} {SCHOOL_WLAN}“" in text, text
    else:
        assert "WLAN" not in text.split("nennt als Förderzweck")[1], text


def test_a_sentence_naming_the_measures_beats_a_rate_even_with_its_deadline(
    strategy: Strategy,
) -> None:
    """Call V-028: its only other sentence is the rate."""
    measures = (
        "Kommunen können bis zum 28. Februar Anträge für automatische Radzählstellen, digitale "
        "Fahrradparkhäuser und Mängelmelder-Apps stellen."
    )
    for variant in ("long", "short"):
        text = _text(
            strategy, "MO-03", [measures, "Die Förderquote beträgt bis zu 75 Prozent."], variant
        )
        assert f"führt aus: „{measures}“" in text, text
        assert "Förderquote" not in text, text


@pytest.mark.parametrize(
    ("project", "sentences", "lang", "not_purpose"),
    [
        (
            "BI-03",
            [
                "Under Priority 4 'Inclusive society', the programme supports projects that "
                "improve equal access to health care, social and public services for people in "
                "rural and peripheral areas, including through digital tools and telehealth "
                "solutions, and that strengthen digital skills of older citizens.",
                "A partnership must include at least three partners from three different "
                "participating countries, at least two of them from the NWE programme area.",
            ],
            "en",
            "A partnership must include",
        ),
        (
            "GE-01",
            [
                "Ein PORT-Zentrum bietet eine umfassende Primär- und Langzeitversorgung aus "
                "einer Hand, arbeitet multiprofessionell mit Hausärztinnen, Pflegefachpersonen "
                "und Sozialarbeit zusammen und nutzt digitale Möglichkeiten wie "
                "Videosprechstunden und Telekonsile.",
                "Gefördert werden die Konzeptentwicklung und die Aufbauphase über bis zu drei "
                "Jahre mit insgesamt bis zu 500.000 Euro.",
                "Bewerben können Kommunen, Landkreise, gemeinnützige Träger und "
                "Genossenschaften, die ein Zentrum in einer ländlichen oder städtischen Region "
                "mit Versorgungsengpässen aufbauen wollen.",
            ],
            "",
            "Bewerben können",
        ),
    ],
)
def test_the_second_quote_states_a_purpose(
    strategy: Strategy, project: str, sentences: list[str], lang: str, not_purpose: str
) -> None:
    """Calls V-008 and V-014: who forms a partnership or may apply is no second purpose."""
    text = _text(strategy, project, sentences, "long", lang)
    assert not_purpose not in text, text


OZG_BACKGROUND = (
    "Kommunen sollen ihre Verwaltungsleistungen nach dem Onlinezugangsgesetz digital anbieten."
)
OZG_OBJECT = (
    "Die Mittel fließen in die Anbindung kommunaler Fachverfahren an das Serviceportal und "
    "in Online-Dienste mit Nutzerkonto."
)


@pytest.mark.parametrize(
    "heading", ["2. Gegenstand der Förderung.", "§ 2 Zuwendungszweck.", "2 Zuwendungszweck."]
)
def test_a_numbered_purpose_heading_ending_with_a_full_stop_marks_the_purpose(
    strategy: Strategy, heading: str
) -> None:
    """A numbered section title ends with a full stop in many legal texts, as „3.
    Zuwendungsempfänger.“ does for the applicants: the sentence after it states the purpose,
    not the background „… sollen …“ before it."""
    sentences = ["1. Ausgangslage.", OZG_BACKGROUND, heading, OZG_OBJECT]
    text = _text(strategy, "VW-01", sentences)
    assert f"nennt als Förderzweck: „{OZG_OBJECT}“" in text, text
    assert OZG_BACKGROUND not in text, text


def test_a_numbered_heading_ending_with_a_full_stop_ends_the_purpose_section(
    strategy: Strategy,
) -> None:
    """„3. Zuwendungsempfänger.“ starts a section of its own: the sentence after it is no
    purpose just because the heading „1. Zuwendungszweck“ announced one further up."""
    recipients = (
        "Die Mittel fließen an Gemeinden, die ein digitales Bürgerportal mit Online-Diensten "
        "und Nutzerkonto für Bürgerinnen und Bürger betreiben."
    )
    call = CallTexts(
        title="Förderaufruf",
        url="https://example.org/aufruf",
        text="\n".join(["1. Zuwendungszweck", OZG_OBJECT, "3. Zuwendungsempfänger.", recipients]),
    )
    quotes = select_quotes(strategy, call, [strategy.project("VW-01")], max_quotes=1)
    assert [q.text for q in quotes] == [OZG_OBJECT]


MOBILITY_STATIONS = (
    "Im Förderschwerpunkt nachhaltige Mobilität sind die Errichtung verkehrsmittelübergreifender "
    "Mobilitätsstationen, Radabstellanlagen an Verknüpfungspunkten mit dem öffentlichen Verkehr, "
    "Radwege und Fahrradstraßen sowie Lastenradverleihsysteme förderfähig."
)


def test_the_combined_text_pairs_a_quote_with_the_own_goal_it_names_not_the_closest_project(
    strategy: Strategy,
) -> None:
    """Call U-005 for MO-01, MO-02 and MO-03: every own goal is part of its project's
    profile, so closeness to a project says only whose summary repeats its goal most (M1,
    On-Demand-Verkehr). Among the own goals the quote alone decides: Mobilitätsstationen,
    Radabstellanlagen and Radwege are M2 and M3, not the on-demand shuttle of M1."""
    call = CallTexts(
        title="Kommunalrichtlinie: Förderung investiver Klimaschutzmaßnahmen",
        url="https://example.org/nki",
        text=(
            "Mit der Kommunalrichtlinie unterstützt die Bundesregierung Kommunen dabei, "
            f"Treibhausgasemissionen zu senken. {MOBILITY_STATIONS} Der Fördersatz beträgt "
            "in der Regel 40 Prozent."
        ),
    )
    text = generate(strategy, call, ["MO-03", "MO-02", "MO-01"], "long").text
    assert MOBILITY_STATIONS in text, text
    paired = text.split(MOBILITY_STATIONS, 1)[1].split("\n\n")[1]
    assert paired.startswith("Dem entspricht in der Strategie das Ziel M"), text
    assert "das Ziel M1" not in paired, text


# A call whose purpose sentence lists what is funded at length (488 characters, more than a
# quote may have), with an intro, exclusions and a rate around it: call X-003 of an
# advisor's fourth test.
LONG_PURPOSE_CALL = (
    "Im Rahmen der Förderung der touristischen Infrastruktur ruft die Bezirksregierung "
    "Münster zur Einreichung von Projektskizzen auf. Gefördert werden Vorhaben, die Gästen "
    "vor und während des Aufenthalts digitale Informationen bereitstellen und touristische "
    "Angebote vernetzen: digitale Informationsstelen und Tourist-Informationen, die "
    "Einbindung von Unterkünften, Gastronomie und Freizeitangeboten in landesweite "
    "Buchungs- und Datenstrukturen (Open-Data-Tourismusdaten), digitale Besucherlenkung "
    "sowie die digitale Beschilderung und Ausstattung von Rad- und Wanderrouten (z. B. 100 "
    "Schlösser Route, Rad-Knotenpunktnetz). Antragsberechtigt sind Kreise, Städte und "
    "Gemeinden im Regierungsbezirk Münster sowie kommunal getragene Tourismusorganisationen. "
    "Der Fördersatz beträgt bis zu 60 %, für interkommunale Vorhaben bis zu 70 %."
)


@pytest.mark.parametrize(("variant", "limit"), [("long", 420), ("short", 300)])
def test_a_purpose_sentence_too_long_to_quote_is_quoted_shortened(
    strategy: Strategy, variant: str, limit: int
) -> None:
    """Cut at a clause or list boundary and marked „[…]“, not replaced by the rate."""
    text = text_for(strategy, ["TO-01"], LONG_PURPOSE_CALL, variant=variant)
    assert "nennt als Förderzweck" in text, text
    assert "Fördersatz" not in text, text
    start = "„Gefördert werden Vorhaben, die Gästen vor und während des Aufenthalts digitale"
    assert start in text, text
    cut = text[text.index(start) + 1 : text.index("“", text.index(start))]
    assert cut.endswith(" […]."), cut  # the omission, then the sentence's own full stop
    assert len(cut) <= limit, cut
    before = cut.removesuffix(" […].")
    # a whole clause or list item: the call goes on after it with a comma or "sowie"
    assert LONG_PURPOSE_CALL.startswith(before, LONG_PURPOSE_CALL.index("Gefördert"))
    assert LONG_PURPOSE_CALL[LONG_PURPOSE_CALL.index(before) + len(before) :].startswith(
        (",", " sowie", " und", ";", ":")
    ), cut
    # what the project matches is still named: Unterkünfte (its Buchung), Informationen
    assert "Unterkünften" in cut or variant == "short", cut
    assert "digitale Informationen" in cut, cut
    assert fits(text, variant)


def test_a_cut_keeps_brackets_whole_and_does_not_split_a_compound_list() -> None:
    """Never inside „(z. B. …, …)“, never after the hyphen of „Rad- und Wanderrouten“."""
    sentence = LONG_PURPOSE_CALL.split("auf. ")[1].split(" Antragsberechtigt")[0]
    for limit in range(60, len(sentence)):
        cut = _shorten(sentence, limit)
        if cut is None:
            continue
        assert len(cut) <= limit
        assert cut.count("(") == cut.count(")"), cut
        assert not cut.removesuffix(" […].").endswith(("-", ",", " und", " sowie")), cut
    assert _shorten(sentence, len(sentence)) == sentence  # a sentence that fits stays whole
    assert _shorten(sentence, 30) is None  # too short to say anything: not quoted


@pytest.mark.parametrize(
    ("sentence", "cut"),
    [
        # Swiss and French guillemets, and the German ones the other way round
        (
            "Gefördert werden «Smart Village» Projekte, Dorfläden, Mobilitätsstationen und"
            " vieles mehr, sofern sie den Zielen der Region dienen.",
            "Gefördert werden «Smart Village» Projekte, Dorfläden […].",
        ),
        (
            "Gefördert werden »Smart Village« Projekte, Dorfläden, Mobilitätsstationen und"
            " vieles mehr, sofern sie den Zielen der Region dienen.",
            "Gefördert werden »Smart Village« Projekte, Dorfläden […].",
        ),
        # a sentence that trails off: „[…]“ marks the omission, a full stop ends it
        (
            "Gefördert werden Projekte der Kommunen im ländlichen Raum, die digitale Dienste"
            " anbieten, etwa Apps oder Plattformen…",
            "Gefördert werden Projekte der Kommunen im ländlichen Raum […].",
        ),
    ],
)
def test_a_cut_quote_ends_a_sentence_after_any_quotation_marks(sentence: str, cut: str) -> None:
    """«…» was taken for an unclosed »: no cut was left and the purpose went unquoted; a
    sentence ending in „…“ lost its final mark, which `_cut` splits the text at."""
    assert _shorten(sentence, 80) == cut
    assert split_sentences(f"{cut} Der Zuschuss beträgt 50 %.")[0] == cut


def test_a_sentence_saying_what_is_funded_beats_the_intro_even_with_an_amount(
    strategy: Strategy,
) -> None:
    """Call X-004: „Gefördert werden Projekte mit Gesamtkosten bis 20.000 Euro …, die …“
    says what is funded; the LAG's budget sentence before it says nothing of the purpose."""
    call_text = (
        "Die Lokale Aktionsgruppe Baumberge stellt auch 2027 ein Regionalbudget für "
        "Kleinprojekte bereit. Gefördert werden Projekte mit Gesamtkosten bis 20.000 Euro "
        "netto, die zur Umsetzung der Regionalen Entwicklungsstrategie beitragen, zum Beispiel "
        "Treffpunkte und Angebote für die Dorfgemeinschaft, digitale Informations- und "
        "Vernetzungsangebote für Vereine und Nachbarschaft, Rastplätze und Infotafeln an Rad- "
        "und Wanderwegen, Angebote der Naherholung und kleine Maßnahmen der Nahversorgung. "
        "Die Förderquote beträgt 80 %."
    )
    for project in ("IN-03", "TO-01"):
        for variant in ("long", "short"):
            text = text_for(strategy, [project], call_text, variant=variant)
            text = text.replace("\n\n> ", " ")
            assert "nennt als Förderzweck: „Gefördert werden Projekte mit Gesamtkosten" in text
            assert "Regionalbudget" not in text, text
            assert "Förderquote" not in text, text
            if variant == "short":  # 389 characters: cut, but still naming the Vereine
                assert "Vernetzungsangebote für Vereine und Nachbarschaft […].“" in text, text


@pytest.mark.parametrize(
    "rate",
    [
        "Gefördert werden Personal- und Sachausgaben bis zu 100 %.",
        "Der Zuschuss beträgt bis zu 50 % der Ausgaben für Investitionen in die Verwaltung.",
    ],
)
def test_a_rate_that_names_costs_stays_below_the_intro(strategy: Strategy, rate: str) -> None:
    """An amount with what is funded counts as a purpose only when the sentence says what
    for („…, die …“, „für …“) and is no rate („beträgt …“) or list of costs."""
    intro = (
        "Die Bezirksregierung stellt auch 2027 ein Regionalbudget für Kleinprojekte der "
        "Verwaltung bereit."
    )
    text = text_for(strategy, ["VW-01"], f"{intro} {rate}").replace("\n\n> ", " ")
    assert f"„{intro}“" in text, text


# Förderdatenbank fields run on into one text, as some imports and exports deliver them.
RUN_ON_FIELDS = (
    "Förderart: Zuschuss. Förderbereich: Infrastruktur, Digitalisierung. Förderberechtigte: "
    "Kommune. Kurzzusammenfassung: Das Land unterstützt Kommunen, die Verwaltungsleistungen "
    "Ende-zu-Ende digital umsetzen. Volltext: Gefördert werden die Anbindung von Online-"
    "Anträgen an Fachverfahren, elektronische Bezahlverfahren und die Einführung der E-Akte. "
    "Zusatzinformationen: Antragsberechtigt sind Gemeinden, Städte und Kreise."
)


@pytest.mark.parametrize(
    "text",
    [
        RUN_ON_FIELDS,
        # without colons and with the labels' values up to the next label
        RUN_ON_FIELDS.replace(": ", " ", 5)
        .replace("Volltext: ", "Volltext ")
        .replace("Zuschuss. ", "Zuschuss ")
        .replace("Digitalisierung. ", "Digitalisierung ")
        .replace("Kommune. ", "Kommune "),
    ],
)
@pytest.mark.parametrize("variant", ["long", "short"])
def test_a_portals_field_label_is_no_part_of_the_quote(
    strategy: Strategy, text: str, variant: str
) -> None:
    call = CallTexts(title="Kommunal digital", url="https://example.org/kd", text=text)
    out = generate(strategy, call, ["VW-01"], variant).text
    assert "„Gefördert werden die Anbindung von Online-Anträgen" in out, out
    for label in ("Volltext", "Kurzzusammenfassung", "Zusatzinformationen", "Förderart"):
        assert label not in out, (label, out)


@pytest.mark.parametrize("variant", ["long", "short"])
def test_the_sentence_under_scope_is_the_purpose_without_its_label(
    strategy: Strategy, variant: str
) -> None:
    call = CallTexts(
        title="Rural living labs for precision farming",
        url="https://example.org/ll",
        language="en",
        text=(
            "Expected Outcome: Farmers use low-cost sensor networks for soil moisture "
            "monitoring and data sharing agreements between farms are tested. Scope: "
            "Proposals must implement the multi-actor approach, involving farmers, advisory "
            "services and local authorities, in at least six regional living labs. Type of "
            "action: Research and Innovation Actions. Eligibility conditions: The conditions "
            "are described in General Annex B."
        ),
    )
    out = generate(strategy, call, ["WI-04"], variant).text
    assert "„Proposals must implement the multi-actor approach" in out, out
    for poor in ("Scope", "Expected Outcome", "General Annex B"):
        assert poor not in out, (poor, out)


@pytest.mark.parametrize("variant", ["long", "short"])
def test_the_answer_to_what_we_offer_is_quoted_not_the_answer_to_who_may_apply(
    strategy: Strategy, variant: str
) -> None:
    call = CallTexts(
        title="Ausschreibung Informatik-Schulteams 2027",
        url="https://example.org/st",
        text=(
            "Was bieten wir? Ein zweijähriges Programm für Teams aus drei bis fünf Lehrkräften "
            "mit Fortbildungsmodulen zu Informatik, Programmieren und Medienbildung und ein "
            "Budget von 10.000 Euro für Material. Wer kann sich bewerben? Weiterführende "
            "allgemeinbildende Schulen in öffentlicher Trägerschaft in ganz Deutschland. Die "
            "Bewerbung erfolgt durch die Schulleitung mit Zustimmung des Schulträgers."
        ),
    )
    out = generate(strategy, call, ["BI-02"], variant).text
    assert "„Ein zweijähriges Programm für Teams aus drei bis fünf Lehrkräften" in out, out
    for poor in ("Weiterführende allgemeinbildende Schulen", "Schulleitung", "Was bieten wir"):
        assert poor not in out, (poor, out)
