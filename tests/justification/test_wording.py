"""How the generated text reads: quotation marks, languages, sentences."""

from __future__ import annotations

import pytest

from matcher.justification import CallTexts, generate
from matcher.strategy import Strategy, load_strategy
from tests.conftest import STRATEGY_PATH


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
