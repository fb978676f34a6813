"""A second other county: the Vogelsbergkreis (Hessen) loads its own strategy file.

Unlike the Passau test it names its county by one compound word (no "Landkreis …"), lists a
Kreisstadt among its towns, numbers its themes and goals (goal ids written as YAML numbers)
and has a project that works with Vereine. The file is `vogelsberg.yaml` next to this test.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from matcher.eligibility import applicant_level
from matcher.german import dative_de, von_de
from matcher.strategy import load_strategy, parse_strategy
from tests.conftest import CliInvoker
from tests.foundation.counties import county_call, match_county, write_calls
from webapp.models import Call, CallScore

STRATEGY = Path(__file__).with_name("vogelsberg.yaml")


CALLS = [
    county_call(
        "HE-TELEMED",
        "Telemedizin in Hessen: Förderaufruf für Videosprechstunden in ländlichen Gemeinden",
        "Hessen",
        ["Landkreis", "Gemeinde", "Stadt"],
        "Das Land Hessen fördert Telemedizin, Videosprechstunden und Gemeindeschwestern, "
        "damit die hausärztliche Versorgung im ländlichen Raum gesichert bleibt.",
    ),
    county_call(
        "NRW-TELEMED",
        "Telemedizin NRW: Videosprechstunden in Kommunen",
        "NRW",
        ["Kreis", "Gemeinde", "Stadt"],
        "Das Land Nordrhein-Westfalen fördert Telemedizin und Videosprechstunden in den "
        "Kommunen des Landes.",
    ),
    county_call(
        "BUND-EHRENAMT",
        "Digitales Ehrenamt: Plattformen für Vereine und Feuerwehren",
        "Bund",
        ["Vereine"],
        "Gefördert werden digitale Plattformen für Vereinsverwaltung, Ehrenamtsbörsen und "
        "die Alarmierung freiwilliger Feuerwehren.",
    ),
]


@pytest.fixture
def calls_file(tmp_path: Path) -> Path:
    return write_calls(tmp_path / "calls.jsonl", CALLS)


@pytest.fixture
def county(calls_file: Path, cli: CliInvoker, session: Session) -> dict[str, int]:
    """The Vogelsberg strategy and its calls, matched; call ids by their import id."""
    return match_county(cli, session, STRATEGY, calls_file)


def test_the_file_loads_with_its_kreisstadt_as_a_town_and_its_ids_as_written(
    cli: CliInvoker,
) -> None:
    shown = cli("strategy", "show", str(STRATEGY))
    assert shown.exit_code == 0, shown.output
    assert "Lauterbach (Hessen) (Kreisstadt)" in shown.output
    assert (
        "Bundesland: Hessen · Regierungsbezirk Gießen · Kreis: Vogelsbergkreis · ländlich · "
        "strukturschwach"
    ) in shown.output
    assert "Ziel 1.1:" in shown.output and "Projekt P-2024-004" in shown.output
    strategy = load_strategy(STRATEGY)
    lauterbach = next(a for a in strategy.region_profile.applicants if a.type == "Kreisstadt")
    assert applicant_level(lauterbach) == "municipal"  # the county's seat, not a county


def test_a_goal_numbered_1_10_stays_1_10() -> None:
    # YAML reads an unquoted 1.10 as the number 1.1: it was refused as a second goal 1.1
    strategy = parse_strategy(
        """\
id: 2030
name: Test
region_profile: {state: Hessen, applicants: [{name: Vogelsbergkreis, type: Landkreis}]}
themes:
  - id: 01
    name: Daseinsvorsorge
    priority: 1
    goals:
      - {id: 1.1, text: Telemedizin}
      - {id: 1.10, text: Rufbus}
projects:
  - {id: 007, title: Rufbus, theme: 01, goals: [1.10]}
"""
    )
    assert strategy.id == "2030"
    assert [g.id for g in strategy.goals] == ["1.1", "1.10"]
    project = strategy.projects[0]
    assert (project.id, project.theme_id, project.goal_ids) == ("007", "01", ["1.10"])


def test_a_county_named_by_one_compound_takes_its_article() -> None:
    assert von_de(["Vogelsbergkreis", "Stadt Alsfeld", "Mücke"]) == (
        "vom Vogelsbergkreis, der Stadt Alsfeld und Mücke"
    )
    assert dative_de("Rhein-Sieg-Kreis") == "dem Rhein-Sieg-Kreis"
    assert dative_de("Rhein-Kreis Neuss") == "dem Rhein-Kreis Neuss"
    assert dative_de(["Kreis Coesfeld", "Ascheberg"]) == "dem Kreis Coesfeld und Ascheberg"


def test_pipeline_speaks_of_the_vogelsbergkreis_and_its_partners(
    county: dict[str, int], cli: CliInvoker, session: Session, auth_client: FlaskClient
) -> None:
    def score(ident: str) -> CallScore:
        found = session.get(CallScore, county[ident])
        assert found is not None
        return found

    assert score("HE-TELEMED").eligibility == "eligible"
    nrw = score("NRW-TELEMED")
    assert nrw.eligibility == "ineligible"
    assert "nur für NRW – Vogelsbergkreis liegt nicht darin" in nrw.eligibility_reasons

    text = cli("justify", "HE-TELEMED", "--plain")
    assert text.exit_code == 0, text.output
    assert "Getragen wird sie gemeinsam vom Vogelsbergkreis, der Stadt Alsfeld" in text.output

    # eligible through the project's Vereine: named as the strategy writes them
    page = auth_client.get(f"/aufrufe/{county['BUND-EHRENAMT']}").get_data(as_text=True)
    assert "antragsberechtigt über Verein (Projektpartner)" in page
    assert "über verein" not in page

    inbox = auth_client.get("/").get_data(as_text=True)
    digest = cli("digest", "--dry-run", BASE_URL="https://foerder.vogelsbergkreis.de")
    assert digest.exit_code == 0, digest.output
    assert "„Vogelsberg vernetzt 2030“" in digest.output
    for output in (inbox, page, text.output, digest.output):
        assert not re.search("Coesfeld|Münster", output), output


def call_id_of(session: Session, ident: str) -> int:
    call = session.scalar(select(Call).where(Call.external_id == ident))
    assert call is not None
    return call.id


def test_justify_after_loading_another_strategy_waits_for_match(
    calls_file: Path, cli: CliInvoker, session: Session, auth_client: FlaskClient
) -> None:
    # The matches of the demo's strategy are still stored: `justify` without a project took
    # the earlier strategy's best project and failed with "Projekt 'VW-…' gibt es nicht".
    assert cli("init").exit_code == 0
    assert cli("import", str(calls_file)).exit_code == 0
    assert cli("match").exit_code == 0
    assert cli("strategy", "load", str(STRATEGY)).exit_code == 0

    stale = cli("justify", "HE-TELEMED")
    assert stale.exit_code == 1
    assert "keine passenden Projekte: bitte zuerst 'funding-matcher match'" in stale.output
    assert "gibt es in der Strategie nicht" not in stale.output
    combined = cli("justify", "HE-TELEMED", "--combined")
    assert combined.exit_code == 1
    assert "keine passenden Projekte: bitte zuerst 'funding-matcher match'" in combined.output
    # the stored verdict is Coesfeld's ("nur für Hessen – Kreis Coesfeld liegt nicht darin"):
    # said to be the earlier strategy's, not given as a warning for this one
    named = cli("justify", "HE-TELEMED", "--project", "P-2024-001", "--plain")
    assert named.exit_code == 0, named.output
    assert "Vogelsberg vernetzt 2030" in named.output
    assert "stammen noch von der früheren Strategie „Coesfeld 12.0" in named.output
    assert "liegt nicht darin" not in named.output
    page = auth_client.get(f"/aufrufe/{call_id_of(session, 'HE-TELEMED')}").get_data(as_text=True)
    assert "Kreis Coesfeld liegt nicht darin" not in page.split('id="begruendung"')[-1]

    assert cli("match").exit_code == 0
    fresh = cli("justify", "HE-TELEMED", "--plain")
    assert fresh.exit_code == 0, fresh.output
    assert "Telemedizin-Netz Vogelsberg" in fresh.output


def test_a_title_led_by_an_adjective_is_declined() -> None:
    assert dative_de("Große Kreisstadt Erding") == "der Großen Kreisstadt Erding"
    assert von_de(["Landkreis Erding", "Große Kreisstadt Erding", "Landeshauptstadt München"]) == (
        "vom Landkreis Erding, der Großen Kreisstadt Erding und der Landeshauptstadt München"
    )
    assert dative_de("Freie Hansestadt Bremen") == "der Freien Hansestadt Bremen"
    # a place whose name merely starts with an adjective keeps it as it is
    assert dative_de("Neue Mühle") == "Neue Mühle"
