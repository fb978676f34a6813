"""Which call sentence the text quotes as the funding purpose, and what it pairs it with."""

from __future__ import annotations

import pytest

from matcher.justification import CallTexts, blocks, generate, split_sentences
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
