"""Exclusion sentences: what a call says it does not fund."""

from __future__ import annotations

import pytest

from matcher.exclusions import excludes, may_exclude
from matcher.model import match_calls
from matcher.strategy import Strategy
from matcher.types import CallDoc
from tests.matcher.conftest import make_call


@pytest.mark.parametrize(
    "sentence",
    [
        "Nicht gefördert werden Hochschulbibliotheken und Volkshochschulen.",
        "Von der Förderung ausgeschlossen sind Unternehmen der landwirtschaftlichen "
        "Primärproduktion, Unternehmen in Schwierigkeiten sowie öffentliche Unternehmen.",
        "Staatliche Archive und Hochschulbibliotheken sind ausgeschlossen.",
        "Landwirtschaftliche Betriebe sind von der Förderung ausgeschlossen.",
        "Activities in agricultural primary production are excluded from funding.",
        # a negation before the verb belongs to the subject, not to "ausgeschlossen"
        "Nicht förderfähige Ausgaben sind ausgeschlossen.",
        # the funding word keeps its sense in a "dass" clause
        "Bitte beachten Sie, dass Personalkosten nicht förderfähig sind.",
        "Wir weisen darauf hin, dass Unternehmen von der Förderung ausgeschlossen sind.",
        "Unternehmen in Schwierigkeiten können von der Förderung ausgeschlossen werden.",
        # "von der" is the funding's article here, no relative clause
        "Antragsberechtigt sind Kommunen, von der Förderung ausgeschlossen sind Landkreise.",
    ],
)
def test_exclusion_sentences_are_recognised(sentence: str) -> None:
    assert excludes(sentence)
    # the quick test that spares other calls the sentence split lets it through
    assert may_exclude(f"Gefördert werden Archive. {sentence.upper()} Ende.")


@pytest.mark.parametrize(
    "sentence",
    [
        "Gefördert werden Investitionen in digitale Technologien.",
        # a relative clause qualifies, the main clause funds
        "Gefördert werden Vorhaben, die von anderen Programmen ausgeschlossen sind.",
        # allows, does not exclude
        "Es ist nicht ausgeschlossen, dass auch Bibliotheken teilnehmen.",
        "Eine Kombination mit anderen Förderprogrammen ist nicht grundsätzlich ausgeschlossen.",
        "Eine Kumulierung ist nicht von vornherein ausgeschlossen.",
        "Eine Kumulierung ist keineswegs ausgeschlossen.",
        "Eine Kumulierung kann nicht grundsätzlich ausgeschlossen werden.",
        # "ausgeschlossen" as "ruled out", in a clause that qualifies what is funded
        "Gefördert werden digitale Bürgerdienste und Online-Terminbuchung der Kommunen, wobei"
        " eine Doppelförderung ausgeschlossen ist.",
        "Gefördert werden Maßnahmen zur Digitalisierung der Verwaltung, wobei Doppelstrukturen"
        " ausgeschlossen werden sollen.",
        "Es muss sichergestellt sein, dass eine Doppelförderung ausgeschlossen ist.",
        "Gefördert werden Projekte, bei denen ein Missbrauch ausgeschlossen ist.",
        "Gefördert werden Vorhaben, für die keine andere Förderung besteht.",
    ],
)
def test_purpose_sentences_are_no_exclusions(sentence: str) -> None:
    assert not excludes(sentence)


def test_a_text_without_a_negated_funding_word_is_not_split() -> None:
    assert not may_exclude(
        "Gefördert werden Investitionen in digitale Technologien, nicht nur in Hardware."
        " Der Zuschuss beträgt bis zu 50 %; Anträge sind nicht vor dem 1. März einzureichen."
    )


def _shown(strategy: Strategy, call: CallDoc) -> dict[str, set[tuple[str, str]]]:
    """The pairs the explanations show per project (every project of the test strategy)."""
    (result,) = match_calls(strategy, [call])
    return {p.project_id: {(t.call_word, t.project_word) for t in p.terms} for p in result.projects}


def test_a_word_only_of_an_exclusion_sentence_is_no_reason(strategy: Strategy) -> None:
    """An archive call that excludes university libraries showed "Hochschulbibliotheken ≈
    Bibliothek" for the library project (W-010 of the unseen calls), a company call that
    excludes agricultural primary production "landwirtschaftlichen ≈ Landwirtschaft" for the
    farming project (W-003): the very topic the call does not fund."""
    archive = make_call(
        "archiv",
        "Digitalprogramm für Archive",
        "Gefördert wird das Scannen und Erschließen von Urkunden und Akten kommunaler Archive."
        " Nicht gefördert werden Hochschulbibliotheken und Volkshochschulen.",
    )
    shown = _shown(strategy, archive)
    words = {c.lower() for pairs in shown.values() for c, _ in pairs}
    assert not any("bibliothek" in w or "volkshochschul" in w for w in words), shown
    company = make_call(
        "mittelstand",
        "Digital investieren im Mittelstand",
        "Gefördert werden Investitionen in Sensorik und Cybersicherheit. Von der Förderung"
        " ausgeschlossen sind Unternehmen der landwirtschaftlichen Primärproduktion.",
    )
    shown = _shown(strategy, company)
    assert not any(c.lower().startswith("landwirtschaft") for c, _ in shown["WI-04"]), shown
    # the words it funds stay reasons
    assert ("Sensorik", "Sensorik") in shown["WI-04"], shown
    assert any(c == "Cybersicherheit" for c, _ in shown["VW-02"]), shown


def test_a_call_that_funds_libraries_and_excludes_something_else_shows_them(
    strategy: Strategy,
) -> None:
    call = make_call(
        "bibliothek",
        "Digitale Lernorte in Bibliotheken",
        "Gefördert werden Makerspaces in öffentlichen Bibliotheken."
        " Nicht gefördert werden Hochschulbibliotheken und der laufende Betrieb.",
    )
    shown = _shown(strategy, call)
    assert ("Bibliotheken", "Bibliotheken") in shown["BI-03"], shown
    assert ("Makerspaces", "Makerspaces") in shown["BI-03"], shown
    # the excluded kind of library is still no reason, the funded one is
    assert not any(c == "Hochschulbibliotheken" for c, _ in shown["BI-03"]), shown


def test_a_purpose_that_rules_out_double_funding_keeps_its_reasons(strategy: Strategy) -> None:
    """„…, wobei eine Doppelförderung ausgeschlossen ist“ qualifies what the main clause funds:
    read as an exclusion, its words (Cybersicherheit, Informationssicherheitsmanagement) were
    no reasons for the information security project."""
    call = make_call(
        "sicherheit",
        "Digitale Verwaltung",
        "Das Land fördert die Digitalisierung der Kommunen. Gefördert werden Maßnahmen der"
        " Cybersicherheit und ein Informationssicherheitsmanagement der Verwaltungen, wobei eine"
        " Doppelförderung ausgeschlossen ist.",
    )
    shown = _shown(strategy, call)
    assert ("Cybersicherheit", "Cybersicherheit") in shown["VW-02"], shown
    assert ("Informationssicherheitsmanagement", "Informationssicherheitsmanagement") in shown[
        "VW-02"
    ], shown
