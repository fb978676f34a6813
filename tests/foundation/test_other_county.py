"""Another county loads its own strategy and gets its own results: nothing is Coesfeld-only.

A small strategy of a Bavarian county runs through the whole chain (init, import, match,
the web pages, the Begründungstext and the weekly digest) with calls for Bavaria, for NRW
only, for the whole country and for municipalities below county level only.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.conftest import CliInvoker
from tests.foundation.counties import county_call, match_county, write_calls
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
    return county_call(
        ident,
        title,
        region,
        eligible,
        text,
        programme=title,
        amount_max_eur=200000,
        funding_rate=0.8,
    )


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
    calls = write_calls(tmp_path / "calls.jsonl", CALLS)
    return match_county(cli, session, strategy, calls)


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


def _strategy_file(tmp_path: Path, text: str = STRATEGY) -> Path:
    path = tmp_path / "passau.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def _import_calls(tmp_path: Path, cli: CliInvoker) -> None:
    calls = write_calls(tmp_path / "calls.jsonl", CALLS)
    for args in (("import", str(calls)), ("match",)):
        result = cli(*args)
        assert result.exit_code == 0, result.output


def test_switching_from_the_bundled_strategy_says_what_becomes_of_matches_reviews_and_texts(
    tmp_path: Path, cli: CliInvoker, session: Session, auth_client: FlaskClient
) -> None:
    # The demo ran first: Coesfeld's strategy, matched calls, a decision and an edited text.
    assert "'coesfeld-12-0' geladen" in cli("init").output
    _import_calls(tmp_path, cli)
    call = session.scalar(select(Call).where(Call.external_id == "BY-RATHAUS"))
    old = session.scalar(select(ProjectRow).where(ProjectRow.key == "VW-01"))
    assert call is not None and old is not None
    reviewed = auth_client.post(
        f"/aufrufe/{call.id}/bewertung", data={"status": "relevant", "project_id": str(old.id)}
    )
    assert reviewed.status_code == 302
    assert "VW-01" in auth_client.get(f"/aufrufe/{call.id}").get_data(as_text=True)  # texts made
    edited = auth_client.post(
        f"/aufrufe/{call.id}/begruendung/speichern",
        data={"project": "VW-01", "variant": "short", "text": "Unsere Fassung."},
    )
    assert edited.status_code == 302

    loaded = cli("strategy", "load", str(_strategy_file(tmp_path)))
    assert loaded.exit_code == 0, loaded.output
    assert "ersetzt die bisher aktive Strategie 'coesfeld-12-0'" in loaded.output
    assert "Bewertungen der Aufrufe und bearbeitete Begründungstexte bleiben erhalten" in (
        loaded.output
    )
    assert "stammen noch von der Strategie „Coesfeld 12.0" in loaded.output
    assert "jetzt `funding-matcher match` ausführen" in loaded.output

    # Until `match` runs, the pages say whose projects they show, and no digest goes out
    # under the new strategy's name with the old one's projects.
    stale = "Die Passungen stammen noch von der früheren Strategie „Coesfeld 12.0"
    assert stale in auth_client.get("/").get_data(as_text=True)
    page = auth_client.get(f"/aufrufe/{call.id}").get_data(as_text=True)
    assert stale in page
    earlier = "Projekt der früheren Strategie „Coesfeld 12.0 – Im Kreis gemeinsam digital“"
    assert f"VW-01: Digitales Bürgerportal Kreis Coesfeld – {earlier}" in page  # the edited text
    mail_env = {"BASE_URL": "https://foerder.landkreis-passau.de", "SMTP_PORT": "1"}
    held = cli("digest", **mail_env)
    assert held.exit_code == 1
    assert "stammen noch von der Strategie „Coesfeld 12.0" in held.output
    assert "es wurde nichts versandt" in held.output
    assert "Achtung: Die Passungen" in cli("digest", "--dry-run", **mail_env).output

    assert cli("match").exit_code == 0
    inbox = auth_client.get("/").get_data(as_text=True)
    assert "früheren Strategie" not in inbox and "PA-01" in inbox
    page = auth_client.get(f"/aufrufe/{call.id}").get_data(as_text=True)
    assert f"VW-01 Digitales Bürgerportal Kreis Coesfeld ({earlier})" in page  # the review
    assert f"VW-01: Digitales Bürgerportal Kreis Coesfeld – {earlier}" in page
    dry = cli("digest", "--dry-run", **mail_env)
    assert dry.exit_code == 0 and "Achtung" not in dry.output
    assert "Passau digital" in dry.output and "Coesfeld" not in dry.output


def test_strategy_show_prints_the_region_profile_eligibility_goes_by(
    tmp_path: Path, cli: CliInvoker
) -> None:
    shown = cli("strategy", "show", str(_strategy_file(tmp_path)))
    assert shown.exit_code == 0, shown.output
    assert "Bundesland: Bayern · Regierungsbezirk: Niederbayern · Kreis: Landkreis Passau" in (
        shown.output
    )
    assert "ländlich · nicht strukturschwach" in shown.output
    assert "Antragsteller (3): Landkreis Passau (Landkreis), Vilshofen an der Donau (Stadt)" in (
        shown.output
    )


def test_a_strategy_without_region_profile_takes_the_top_level_state_and_region(
    tmp_path: Path, cli: CliInvoker, session: Session
) -> None:
    # `state` and `region` stand at the top of the bundled file too: a county that copies
    # only those must not find every call of its own state ruled out.
    start, end = STRATEGY.index("region_profile:"), STRATEGY.index("members:")
    cli.env["STRATEGY_PATH"] = str(_strategy_file(tmp_path, STRATEGY[:start] + STRATEGY[end:]))
    assert cli("init").exit_code == 0
    _import_calls(tmp_path, cli)
    by_id = {c.external_id: c.id for c in session.scalars(select(Call))}
    bavarian = session.get(CallScore, by_id["BY-RATHAUS"])
    assert bavarian is not None and bavarian.eligibility == "eligible"
    nrw = session.get(CallScore, by_id["NRW-RATHAUS"])
    assert nrw is not None and nrw.eligibility == "ineligible"
    assert any("Landkreis Passau" in r for r in nrw.eligibility_reasons)


def test_the_entry_forms_region_example_is_the_own_state(
    county: dict[str, int], auth_client: FlaskClient
) -> None:
    form = auth_client.get("/aufrufe/neu").get_data(as_text=True)
    assert 'placeholder="Bund, Bayern, EU …"' in form and "NRW" not in form


def test_a_strategy_without_any_state_is_loaded_with_a_warning(
    tmp_path: Path, cli: CliInvoker
) -> None:
    start, end = STRATEGY.index("state: Bayern"), STRATEGY.index("members:")
    path = _strategy_file(tmp_path, STRATEGY[:start] + STRATEGY[end:])
    warning = "Hinweis: kein Bundesland angegeben (region_profile.state)"
    for args in (("strategy", "show", str(path)), ("strategy", "load", str(path))):
        result = cli(*args)
        assert result.exit_code == 0, result.output
        assert warning in result.output
    assert warning not in cli("strategy", "show").output  # the bundled one names its state
