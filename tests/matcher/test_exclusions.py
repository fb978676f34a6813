"""Exclusion sentences: what a call says it does not fund."""

from __future__ import annotations

import pytest

from matcher.exclusions import excludes


@pytest.mark.parametrize(
    "sentence",
    [
        "Nicht gefördert werden Hochschulbibliotheken und Volkshochschulen.",
        "Von der Förderung ausgeschlossen sind Unternehmen der landwirtschaftlichen "
        "Primärproduktion, Unternehmen in Schwierigkeiten sowie öffentliche Unternehmen.",
        "Staatliche Archive und Hochschulbibliotheken sind ausgeschlossen.",
        "Landwirtschaftliche Betriebe sind von der Förderung ausgeschlossen.",
        "Activities in agricultural primary production are excluded from funding.",
    ],
)
def test_exclusion_sentences_are_recognised(sentence: str) -> None:
    assert excludes(sentence)


@pytest.mark.parametrize(
    "sentence",
    [
        "Gefördert werden Investitionen in digitale Technologien.",
        # a relative clause qualifies, the main clause funds
        "Gefördert werden Vorhaben, die von anderen Programmen ausgeschlossen sind.",
        # allows, does not exclude
        "Es ist nicht ausgeschlossen, dass auch Bibliotheken teilnehmen.",
    ],
)
def test_purpose_sentences_are_no_exclusions(sentence: str) -> None:
    assert not excludes(sentence)
