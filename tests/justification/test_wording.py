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
