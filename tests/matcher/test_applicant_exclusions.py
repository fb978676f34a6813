"""Words only of a sentence on who may not apply, or only of a dotted name, are no reason."""

from __future__ import annotations

import pytest

from matcher.exclusions import excluded_applicants, may_exclude_applicants
from matcher.model import match_calls
from matcher.strategy import Strategy
from matcher.types import CallDoc
from tests.matcher.conftest import make_call


@pytest.mark.parametrize(
    ("sentence", "part"),
    [
        (
            "Nicht antragsberechtigt sind Kommunen, kommunale Unternehmen, "
            "Wirtschaftsförderungsgesellschaften sowie Vereine.",
            "Nicht antragsberechtigt sind Kommunen, kommunale Unternehmen, "
            "Wirtschaftsförderungsgesellschaften sowie Vereine.",
        ),
        # what they may do instead is no exclusion
        (
            "Kreise und größere Gemeinden sind nicht antragsberechtigt, können aber als "
            "Dienstleister beauftragt werden.",
            "Kreise und größere Gemeinden sind nicht antragsberechtigt",
        ),
        ("Large enterprises are not eligible.", "Large enterprises are not eligible."),
    ],
)
def test_sentences_on_who_may_not_apply_are_recognised(sentence: str, part: str) -> None:
    assert excluded_applicants(sentence) == part
    assert may_exclude_applicants(f"Gefördert werden Archive. {sentence.upper()}")


@pytest.mark.parametrize(
    "sentence",
    [
        "Antragsberechtigt sind Kreise, kreisfreie Städte und ihre "
        "Wirtschaftsförderungsgesellschaften.",
        # a relative clause qualifies the applicants who may apply
        "Antragsberechtigt sind Vereine, die nicht antragsberechtigt nach Nr. 3 sind.",
    ],
)
def test_who_may_apply_is_no_exclusion(sentence: str) -> None:
    assert excluded_applicants(sentence) == ""


def _shown(strategy: Strategy, call: CallDoc) -> dict[str, set[tuple[str, str]]]:
    """The pairs the explanations show per project (every project of the test strategy)."""
    (result,) = match_calls(strategy, [call])
    return {p.project_id: {(t.call_word, t.project_word) for t in p.terms} for p in result.projects}


def test_a_word_only_of_a_sentence_on_who_may_not_apply_is_no_reason(strategy: Strategy) -> None:
    """Call Y-010 (a voucher for companies) explained the business project WI-04 with
    „Wirtschaftsförderungsgesellschaften ≈ Wirtschaft“, from the sentence saying that they may
    not apply."""
    call = make_call(
        "gutschein",
        "Digitalisierungsgutschein für kleine und mittlere Unternehmen",
        "Das Land fördert die Einführung digitaler Lösungen in Produktion und Verwaltung, den"
        " Aufbau eines Onlineshops und IT-Sicherheitsanalysen im Handwerk. Antragsberechtigt"
        " sind Unternehmen der gewerblichen Wirtschaft und des Handwerks. Nicht antragsberechtigt"
        " sind Kommunen, kommunale Unternehmen, Wirtschaftsförderungsgesellschaften sowie"
        " Vereine.",
    )
    shown = _shown(strategy, call)
    words = {c for pairs in shown.values() for c, _ in pairs}
    assert "Wirtschaftsförderungsgesellschaften" not in words, shown
    # the words of the applicants who may apply stay reasons
    assert ("Wirtschaft", "Wirtschaft") in shown["WI-04"], shown


def test_a_word_only_of_a_dotted_name_is_no_reason(strategy: Strategy) -> None:
    """Call Y-027 explained the business project WI-02 with „IT ≈ IT-Sicherheit“, from
    „IT.NRW“, the name of the state's statistics office."""
    call = make_call(
        "kleinkommune",
        "Informationssicherheit in kleinen Gemeinden",
        "Das Land fördert Schulungen zur Informationssicherheit in kleinen Verwaltungen."
        " Antragsberechtigt sind Gemeinden mit weniger als 10.000 Einwohnern (Stichtag"
        " 31.12.2025, IT.NRW).",
    )
    shown = _shown(strategy, call)
    assert ("IT", "IT-Sicherheit") not in shown["VW-02"], shown
    # the words of the text show as before
    assert ("Informationssicherheit", "Informationssicherheit") in shown["VW-02"], shown
