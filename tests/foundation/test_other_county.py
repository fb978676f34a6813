"""Another county loads its own strategy and gets its own results: nothing is Coesfeld-only.

A small strategy of a Bavarian county runs through the whole chain (init, import, match,
the web pages, the Begründungstext and the weekly digest) with calls for Bavaria, for NRW
only, for the whole country and for municipalities below county level only.
"""

from __future__ import annotations

import json
import re
from datetime import timedelta
from pathlib import Path

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.conftest import CliInvoker
from webapp.formatting import local_today
from webapp.models import Call, CallScore, ProjectRow

STRATEGY = """\
id: passau-digital
name: "Passau digital – Landkreis und Gemeinden gemeinsam"
region: Landkreis Passau
state: Bayern
adopted: "2025"
adopted_by: "Kreistag des Landkreises Passau"
region_profile:
  country: Deutschland
  state: Bayern
  county: Landkreis Passau
  administrative_district: Niederbayern
  rural: true
  structurally_weak: false
  applicants:
    - {name: Landkreis Passau, type: Landkreis}
    - {name: Vilshofen an der Donau, type: Stadt}
    - {name: Tittling, type: Gemeinde}
members: [Landkreis Passau, Vilshofen an der Donau, Tittling]
leitbild: >-
  Der Landkreis Passau und seine Gemeinden bringen Verwaltung und Netze gemeinsam ins
  digitale Zeitalter.
aims:
  - Fördermittel für die Digitalisierung gezielt nutzen.
themes:
  - id: rathaus
    name: Digitales Rathaus
    priority: 1
    goals:
      - id: R1
        text: Alle Verwaltungsleistungen online anbieten und Anträge medienbruchfrei bearbeiten.
  - id: netze
    name: Netze
    priority: 2
    goals:
      - id: N1
        text: Glasfaser und Gigabit bis in jeden Ortsteil bringen.
projects:
  - id: PA-01
    title: Digitales Rathaus im Landkreis Passau
    theme: rathaus
    goals: [R1]
    summary: >-
      Online-Anträge, E-Akte und ein gemeinsames Serviceportal für Landratsamt, Städte und
      Gemeinden.
    keywords: [Serviceportal, Online-Antrag, E-Akte, Onlinezugangsgesetz]
  - id: PA-02
    title: Glasfaser für alle Ortsteile
    theme: netze
    goals: [N1]
    summary: Breitbandausbau mit Glasfaser bis ins Gebäude in unterversorgten Ortsteilen.
    keywords: [Glasfaser, Breitband, Gigabit]
"""


def _call(ident: str, title: str, region: str, eligible: list[str], text: str) -> dict[str, object]:
    return {
        "id": ident,
        "source": "import",
        "url": f"https://foerderung.example.de/{ident}",
        "title": title,
        "funder": "Fördergeber",
        "programme": title,
        "summary": text,
        "text": text,
        "eligible": eligible,
        "region": region,
        "funding_type": "Zuschuss",
        "published": "2026-11-01",
        "deadline": (local_today() + timedelta(days=90)).isoformat(),
        "amount_max_eur": 200000,
        "funding_rate": 0.8,
    }


CALLS = [
    _call(
        "BY-RATHAUS",
        "Digitales Rathaus Bayern: Förderaufruf für Online-Anträge und E-Akte",
        "Bayern",
        ["Gemeinde", "Stadt", "Landkreis"],
        "Der Freistaat Bayern fördert Serviceportale, Online-Anträge nach dem "
        "Onlinezugangsgesetz und die Einführung der E-Akte in Kommunen.",
    ),
    _call(
        "NRW-RATHAUS",
        "Digitale Verwaltung NRW: Online-Anträge und E-Akte in Kommunen",
        "NRW",
        ["Gemeinde", "Stadt", "Kreis"],
        "Das Land Nordrhein-Westfalen fördert Serviceportale, Online-Anträge nach dem "
        "Onlinezugangsgesetz und die E-Akte in den Kommunen des Landes.",
    ),
    _call(
        "BUND-GIGABIT",
        "Gigabitförderung des Bundes: Glasfaser für unterversorgte Gebiete",
        "Bund",
        ["Landkreis", "Gemeinde", "Zweckverband"],
        "Der Bund fördert den Breitbandausbau mit Glasfaser bis ins Gebäude in Gebieten "
        "ohne gigabitfähige Versorgung.",
    ),
    _call(
        "BY-GEMEINDE",
        "Glasfaser in Gemeinden: Förderprogramm für kreisangehörige Gemeinden in Bayern",
        "Bayern",
        ["Gemeinde"],
        "Antragsberechtigt sind ausschließlich kreisangehörige Gemeinden. Gefördert wird "
        "der Glasfaserausbau in Ortsteilen.",
    ),
]


@pytest.fixture
def county(tmp_path: Path, cli: CliInvoker, session: Session) -> dict[str, int]:
    """The Passau strategy and its calls, matched; call ids by their import id."""
    strategy = tmp_path / "passau.yaml"
    strategy.write_text(STRATEGY, encoding="utf-8")
    calls = tmp_path / "calls.jsonl"
    calls.write_text(
        "".join(json.dumps(c, ensure_ascii=False) + "\n" for c in CALLS), encoding="utf-8"
    )
    cli.env["STRATEGY_PATH"] = str(strategy)
    for args in (("init",), ("import", str(calls)), ("match",)):
        result = cli(*args)
        assert result.exit_code == 0, result.output
    return {c.external_id: c.id for c in session.scalars(select(Call))}


def test_eligibility_follows_the_other_countys_region_profile(
    county: dict[str, int], session: Session
) -> None:
    def score(ident: str) -> CallScore:
        found = session.get(CallScore, county[ident])
        assert found is not None
        return found

    assert score("BY-RATHAUS").eligibility == "eligible"
    assert score("BUND-GIGABIT").eligibility == "eligible"
    nrw = score("NRW-RATHAUS")
    assert nrw.eligibility == "ineligible"
    assert any("Landkreis Passau" in r and "NRW" in r for r in nrw.eligibility_reasons)
    # for the towns, not for the county itself: kept, but not as the county's applicant
    assert score("BY-GEMEINDE").eligibility == "eligible"

    def best(ident: str) -> str:
        project = session.get(ProjectRow, score(ident).best_project_id)
        assert project is not None
        return project.key

    assert best("BY-RATHAUS") == "PA-01"
    assert best("BUND-GIGABIT") == "PA-02"


def test_pages_digest_and_justification_speak_of_the_other_county(
    county: dict[str, int], auth_client: FlaskClient, cli: CliInvoker
) -> None:
    inbox = auth_client.get("/").get_data(as_text=True)
    assert "Digitales Rathaus Bayern" in inbox and "Gigabitförderung des Bundes" in inbox
    assert "Digitale Verwaltung NRW" not in inbox  # ineligible: hidden unless asked for
    strategy_page = auth_client.get("/strategie/").get_data(as_text=True)
    assert "Passau digital" in strategy_page and "PA-02" in strategy_page
    call_page = auth_client.get(f"/aufrufe/{county['NRW-RATHAUS']}").get_data(as_text=True)
    assert "Landkreis Passau liegt nicht darin" in call_page

    text = cli("justify", "BY-RATHAUS", "--plain")
    assert text.exit_code == 0, text.output
    assert "Passau digital" in text.output and "Landkreis Passau" in text.output
    digest = cli("digest", "--dry-run")
    assert digest.exit_code == 0, digest.output
    assert "„Passau digital – Landkreis und Gemeinden gemeinsam“" in digest.output
    assert "Digitales Rathaus Bayern" in digest.output
    for output in (inbox, strategy_page, call_page, text.output, digest.output):
        assert not re.search("Coesfeld|Münster", output), output
