"""Quotes of the advisor's fifth week: who may (not) apply, funding elsewhere, costs,
priorities and a funder that addresses the reader as the one it funds."""

from __future__ import annotations

import pytest

from matcher.justification import _quote_tier
from matcher.strategy import Strategy, load_strategy
from tests.conftest import STRATEGY_PATH
from tests.justification import text_for


@pytest.fixture(scope="module")
def strategy() -> Strategy:
    return load_strategy(STRATEGY_PATH)


def _run_on(text: str) -> str:
    """The text with its quotes run into the sentence that announces them."""
    return text.replace("\n\n> ", " ")


@pytest.mark.parametrize(
    "sentence",
    [
        "Kreise sind nicht antragsberechtigt, können aber Vorhaben mehrerer kreisangehöriger "
        "Gemeinden koordinieren.",
        "Auch gemeinnützige Vereine und Verbände sind antragsberechtigt.",
        "Nicht antragsberechtigt sind Kommunen, kommunale Unternehmen und Vereine.",
    ],
)
def test_who_may_apply_is_eligibility_in_any_word_order(sentence: str) -> None:
    assert _quote_tier(sentence) == 2


INNENSTADT = (
    "Innenstädte und Ortszentren stehen durch den Strukturwandel im Handel, steigende "
    "Leerstände und veränderte Besucherströme unter Druck. Das Land Nordrhein-Westfalen "
    "setzt deshalb den Förderaufruf „Zukunftsfähige Innenstädte und Ortszentren“ fort. "
    "Antragsberechtigt sind alle Städte und Gemeinden in Nordrhein-Westfalen. Kreise sind "
    "nicht antragsberechtigt, können aber Vorhaben mehrerer kreisangehöriger Gemeinden "
    "koordinieren. Die Förderung beträgt 90 Prozent der zuwendungsfähigen Ausgaben."
)


@pytest.mark.parametrize("project", ["IN-01", "IN-02"])
def test_a_sentence_on_who_may_not_apply_is_no_funding_purpose(
    strategy: Strategy, project: str
) -> None:
    """Call Y-014 quoted „Kreise sind nicht antragsberechtigt, …“ as the Förderzweck."""
    for variant in ("long", "short"):
        text = text_for(strategy, [project], INNENSTADT, variant=variant)
        assert "nicht antragsberechtigt" not in text, text


QUALIFIZIERUNG = (
    "Das Land NRW unterstützt Sie bei der Entwicklung und Durchführung von "
    "Qualifizierungsprogrammen für Verwaltungsbeschäftigte. Gefördert werden Schulungen zu "
    "Prozessanalyse und -modellierung, agilen Arbeitsmethoden, Datenkompetenz und "
    "KI-Anwendungen sowie Begleitmaßnahmen zum Kulturwandel (Change Management). "
    "Antragsberechtigt sind kreisangehörige Städte und Gemeinden. Kreise sind nicht "
    "antragsberechtigt. Kreisfreie Städte werden über das Programm Digitale Modellregionen "
    "gefördert."
)


def test_applicants_funded_by_another_programme_are_no_second_purpose(
    strategy: Strategy,
) -> None:
    """Call Y-028 added „Kreisfreie Städte werden über das Programm Digitale Modellregionen
    gefördert.“ as a second quote: it says who is funded elsewhere, not what this call funds."""
    for variant in ("long", "short"):
        text = _run_on(text_for(strategy, ["VW-05"], QUALIFIZIERUNG, variant=variant))
        assert "nennt als Förderzweck: „" in text, text
        assert "Kreisfreie Städte werden" not in text, text


@pytest.mark.parametrize(
    "sentence",
    [
        "Kreisfreie Städte werden über das Programm Digitale Modellregionen gefördert.",
        "Unternehmen werden im Rahmen des Programms Mittelstand Digital gefördert.",
    ],
)
def test_applicants_funded_elsewhere_are_who_is_funded(sentence: str) -> None:
    assert _quote_tier(sentence) == 2


def test_applicants_funded_for_something_state_a_purpose() -> None:
    # "bei …" says what for: the purpose of the call
    assert _quote_tier("Kommunen werden bei der Digitalisierung ihrer Schulen gefördert.") == 0


SCOUTS = (
    "Viele Handwerksbetriebe, Einzelhändler und kleine Industrieunternehmen wissen nicht, wo "
    "sie mit der Digitalisierung anfangen sollen. Mit dem Förderaufruf „Digitale Wirtschaft "
    "vor Ort“ finanziert das Land Digital-Scouts bei den kommunalen Wirtschaftsförderungen. "
    "Die Scouts besuchen Betriebe, führen strukturierte Standortbestimmungen (Digital-Checks) "
    "durch, vermitteln passende Förderprogramme und Dienstleister und organisieren "
    "Praxisformate zu Themen wie Cybersicherheit, Onlinevertrieb, Prozessautomatisierung und "
    "KI im Betrieb. Gefördert werden Personalausgaben für bis zu zwei Vollzeitstellen über 36 "
    "Monate sowie Sachausgaben für Veranstaltungen und Öffentlichkeitsarbeit. Antragsberechtigt "
    "sind Kreise, kreisfreie Städte und kreisangehörige Gemeinden sowie ihre "
    "Wirtschaftsförderungsgesellschaften in kommunaler Mehrheitsbeteiligung. Die Förderquote "
    "beträgt 80 Prozent."
)


def test_the_funded_measure_is_quoted_not_the_eligible_costs(strategy: Strategy) -> None:
    """Call Y-011 quoted „Gefördert werden Personalausgaben für bis zu zwei Vollzeitstellen
    …“: which costs count, not what the Digital-Scouts do for the firms (Digital-Checks)."""
    text = _run_on(text_for(strategy, ["WI-02"], SCOUTS))
    assert "„Mit dem Förderaufruf ‚Digitale Wirtschaft vor Ort‘ finanziert das Land" in text, text
    # "Die Scouts …" goes on with the sentence that introduced them
    assert "Wirtschaftsförderungen. Die Scouts besuchen Betriebe" in text, text
    assert "(Digital-Checks)" in text, text
    assert "Personalausgaben" not in text, text
    short = _run_on(text_for(strategy, ["WI-02"], SCOUTS, variant="short"))
    assert "finanziert das Land Digital-Scouts" in short, short
    assert "Personalausgaben" not in short, short


@pytest.mark.parametrize(
    "sentence",
    [
        "Gefördert werden Personalausgaben für bis zu zwei Vollzeitstellen über 36 Monate "
        "sowie Sachausgaben für Veranstaltungen und Öffentlichkeitsarbeit.",
        "Förderfähig sind Sachkosten für Schulungen und Veranstaltungen.",
    ],
)
def test_a_list_of_eligible_costs_ranks_with_money(sentence: str) -> None:
    assert _quote_tier(sentence) == 1


GIGABIT = (
    "Der Bund fördert Sie beim Aufbau von Glasfasernetzen (FTTB/FTTH) in Gebieten, in denen "
    "in den nächsten drei Jahren kein privatwirtschaftlicher Ausbau vorgesehen ist und die "
    "Bandbreiten unter der Aufgreifschwelle liegen. Gefördert werden die "
    "Wirtschaftlichkeitslücke beim Ausbau durch ein Telekommunikationsunternehmen oder die "
    "Errichtung einer passiven Infrastruktur durch die Kommune sowie Beratungsleistungen zur "
    "Vorbereitung. Sozioökonomische Schwerpunkte wie Schulen, Krankenhäuser und "
    "Gewerbegebiete werden vorrangig berücksichtigt. Sie erhalten einen Zuschuss von 50 "
    "Prozent der zuwendungsfähigen Kosten."
)


def test_a_priority_is_no_purpose_and_the_funder_may_address_whom_it_funds(
    strategy: Strategy,
) -> None:
    """Call Y-012 quoted the priority („… werden vorrangig berücksichtigt“) for the gigabit
    project; „Der Bund fördert Sie beim Aufbau von Glasfasernetzen …“ states the purpose
    and addresses the reader only as the one funded."""
    for variant in ("long", "short"):
        text = _run_on(text_for(strategy, ["WI-03"], GIGABIT, variant=variant))
        assert "vorrangig berücksichtigt" not in text, text
        assert "Der Bund fördert Sie beim Aufbau von Glasfasernetzen" in text, text
        assert "Sie erhalten" not in text, text


@pytest.mark.parametrize(
    "sentence",
    [
        "Sozioökonomische Schwerpunkte wie Schulen, Krankenhäuser und Gewerbegebiete werden "
        "vorrangig berücksichtigt.",
        "Vorhaben in strukturschwachen Regionen werden bei der Auswahl bevorzugt.",
    ],
)
def test_a_priority_ranks_below_the_purpose(sentence: str) -> None:
    assert _quote_tier(sentence) >= 1


@pytest.mark.parametrize(
    ("sentence", "tier"),
    [
        (
            "Das Land fördert Sie mit dem Digitalisierungsgutschein bei der Einführung digitaler "
            "Lösungen in Produktion und Verwaltung.",
            0,
        ),
        # the reader as subject: a portal's paraphrase
        (
            "Wenn Sie als Gemeinde Gebiete erschließen wollen, können Sie einen Zuschuss erhalten.",
            4,
        ),
        (
            "Der Bund fördert Sie beim Aufbau von Glasfasernetzen, wenn Sie Ihre Schulen anbinden.",
            4,
        ),
    ],
)
def test_the_reader_as_the_one_funded(sentence: str, tier: int) -> None:
    assert _quote_tier(sentence) == tier
