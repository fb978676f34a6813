"""A small strategy and corpus for the matcher tests."""

from __future__ import annotations

import pytest

from matcher.strategy import Strategy, parse_strategy
from matcher.types import CallDoc

STRATEGY_YAML = """
id: test
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
    - {name: Senden, type: Gemeinde}
themes:
  - id: wirtschaft
    name: Wirtschaft
    priority: 2
    goals:
      - {id: W3, text: Eine flächendeckende Gigabit- und Mobilfunkversorgung sichern.}
      - {id: W1, text: Landwirtschaft bei der Digitalisierung unterstützen.}
  - id: verwaltung
    name: Verwaltung
    priority: 1
    goals:
      - {id: V2, text: Informationssicherheit der Verwaltungen gemeinsam stärken.}
  - id: bildung
    name: Bildung
    priority: 1
    goals:
      - {id: B3, text: Lebenslanges Lernen in Bibliotheken und Volkshochschulen fördern.}
projects:
  - id: WI-03
    title: Breitband für Gewerbegebiete
    theme: wirtschaft
    goals: [W3]
    summary: Glasfaser bis ins Gebäude in Gewerbegebieten und an Schulen.
    keywords: [Breitband, Glasfaser, Gigabit]
  - id: VW-02
    title: Informationssicherheit in der Verwaltung
    theme: verwaltung
    goals: [V2]
    summary: Gemeinsames Informationssicherheitsmanagement und Schutz vor Cyberangriffen.
    keywords: [Cybersicherheit, IT-Sicherheit]
  - id: BI-03
    title: Digitale Lernorte in Bibliotheken
    theme: bildung
    goals: [B3]
    summary: Bibliotheken und Volkshochschulen werden digitale Lernorte mit Makerspaces.
    keywords: [Bibliothek, Volkshochschule, Makerspace]
  - id: WI-04
    title: Smart-Farming-Netzwerk
    theme: wirtschaft
    goals: [W1]
    summary: Landwirtschaftliche Betriebe erproben Sensorik und Präzisionslandwirtschaft.
    keywords: [Landwirtschaft, Smart Farming, Sensorik]
    applicant_types: [Landkreis, Kommune, Unternehmen, Landwirt]
"""


@pytest.fixture(scope="session")
def strategy() -> Strategy:
    return parse_strategy(STRATEGY_YAML, "test.yaml")


def make_call(call_id: str, title: str, text: str = "", **kw: object) -> CallDoc:
    return CallDoc(id=call_id, title=title, summary=kw.pop("summary", ""), text=text, **kw)  # type: ignore[arg-type]


@pytest.fixture(scope="session")
def calls() -> list[CallDoc]:
    return [
        make_call(
            "gig",
            "Förderaufruf Gigabitausbau",
            "Gefördert wird der Breitbandausbau mit Glasfaseranschlüssen in unterversorgten Gebieten.",
            eligible=["Gemeinde", "Stadt", "Landkreis"],
            region="Bund",
        ),
        make_call(
            "gig2",
            "Breitbandförderung für Kommunen",
            "Zuschüsse für den Glasfaserausbau in Gewerbegebieten und an Schulen.",
            eligible=["Kommune"],
            region="NRW",
        ),
        make_call(
            "gig-firm",
            "Glasfaser für Unternehmen",
            "Unternehmen erhalten Zuschüsse für den Breitbandanschluss ihrer Gebäude.",
            eligible=["Unternehmen", "KMU"],
            region="Bund",
        ),
        make_call(
            "cyber",
            "Informationssicherheit in Kommunen",
            "Gefördert werden Informationssicherheitsmanagement und IT-Sicherheit der Verwaltungen.",
            eligible=["Gemeinde", "Kreis"],
            region="NRW",
        ),
        make_call(
            "cyber-en",
            "Cyber resilience of local public administrations",
            "Grants for projects that raise the cybersecurity of municipalities and counties.",
            eligible=["local authority"],
            region="EU",
        ),
        make_call(
            "lib",
            "Öffentliche Bibliotheken als digitale Lernorte",
            "Bibliotheken richten Makerspaces und Online-Kurse ein.",
            eligible=["Gemeinde", "Stadt", "Kreis"],
            region="NRW",
        ),
        make_call(
            "lib-by",
            "Bibliotheken in Bayern",
            "Öffentliche Bibliotheken richten digitale Lernorte und Makerspaces ein.",
            eligible=["Gemeinde", "Stadt"],
            region="Bayern",
        ),
        make_call(
            "farm",
            "Digitale Landwirtschaft",
            "Landwirtschaftliche Betriebe erproben Sensorik und Smart Farming.",
            eligible=["Unternehmen", "Landwirt"],
            region="Bund",
        ),
        make_call(
            "sport",
            "Sportstätten sanieren",
            "Vereine erhalten Zuschüsse für Sporthallen und Sportplätze.",
            eligible=["Verein"],
            region="NRW",
        ),
        make_call(
            "museum",
            "Museen und Theater",
            "Kultureinrichtungen erhalten Zuschüsse für Ausstellungen.",
            eligible=["Kommune", "Verein"],
            region="NRW",
        ),
    ]
