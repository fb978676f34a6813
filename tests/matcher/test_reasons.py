"""The words shown as reasons: no applicants, places or verbs of procedure (matcher/reasons.py)."""

from __future__ import annotations

from matcher import analysis
from matcher.model import match_calls
from matcher.strategy import Strategy, parse_strategy
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
