"""Strategy owners that are not a county with towns: a kreisfreie Stadt alone, a
Verbandsgemeinde with its Ortsgemeinden.

A kreisfreie Stadt is a Gemeinde (and a Kommune) outside any county: calls for Kommunen,
for Städte und Gemeinden, for Gemeinden und Gemeindeverbände and for Landkreise und
kreisfreie Städte are its own; calls only for kreisangehörige Gemeinden or only for
Landkreise are not, and say why. Pages, texts and mails name the city, not "Kreis, Städte und
Gemeinden". The strategies are `muenster.yaml` and `wittlich-land.yaml` next to this test.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from tests.conftest import CliInvoker
from tests.foundation.counties import county_call, match_county, write_calls
from webapp.models import CallScore

MUENSTER = Path(__file__).with_name("muenster.yaml")
WITTLICH_LAND = Path(__file__).with_name("wittlich-land.yaml")

OZG = (
    "Gefördert werden Online-Anträge, E-Akte und Serviceportale nach dem "
    "Onlinezugangsgesetz für alle Verwaltungsleistungen."
)
TRAFFIC = "Gefördert werden Verkehrssensorik, offene Verkehrsdaten und Parkleitsysteme."


def _calls(region: str, lists: dict[str, list[str]]) -> list[dict[str, object]]:
    return [
        county_call(ident, f"Onlinedienste {ident}", region, eligible, OZG)
        for ident, eligible in lists.items()
    ]


CITY_CALLS = [
    *_calls(
        "NRW",
        {
            "KREISE-UND-KREISFREIE": ["Landkreis", "kreisfreie Stadt"],
            "KOMMUNEN": ["Kommune"],
            "STAEDTE-GEMEINDEN": ["Stadt", "Gemeinde"],
            "GEMEINDEN-GV": ["Gemeinde", "Gemeindeverband"],
            "KREISANGEHOERIGE": ["kreisangehörige Gemeinde"],
            "LANDKREISE": ["Landkreis"],
        },
    ),
    county_call(
        "TEXT-GV",
        "Onlinedienste ohne Liste",
        "NRW",
        [],
        f"{OZG} Antragsberechtigt sind Gemeinden und Gemeindeverbände.",
    ),
    county_call(
        "TEXT-KREISANGEHOERIGE",
        "Onlinedienste im ländlichen Raum",
        "NRW",
        [],
        f"{OZG} Antragsberechtigt sind kreisangehörige Städte und Gemeinden.",
    ),
    county_call("BAYERN", "Onlinedienste Bayern", "Bayern", ["Kommune"], OZG),
    county_call("UNTERNEHMEN", "Verkehrsdaten für Unternehmen", "NRW", ["Unternehmen"], TRAFFIC),
]


@pytest.fixture
def city(tmp_path: Path, cli: CliInvoker, session: Session) -> dict[str, int]:
    """Münster's strategy and its calls, matched; call ids by their import id."""
    return match_county(cli, session, MUENSTER, write_calls(tmp_path / "c.jsonl", CITY_CALLS))


def _score(session: Session, call_id: int) -> CallScore:
    found = session.get(CallScore, call_id)
    assert found is not None
    return found


def test_a_kreisfreie_stadt_may_apply_for_calls_for_kommunen_and_gemeinden(
    city: dict[str, int], session: Session
) -> None:
    for ident in (
        "KREISE-UND-KREISFREIE",
        "KOMMUNEN",
        "STAEDTE-GEMEINDEN",
        "GEMEINDEN-GV",
        "TEXT-GV",
    ):
        verdict = _score(session, city[ident])
        assert (ident, verdict.eligibility) == (ident, "eligible"), verdict.eligibility_reasons
        assert verdict.eligible_applicants == ["Stadt Münster"]


def test_calls_only_for_landkreise_or_kreisangehoerige_gemeinden_say_why_not(
    city: dict[str, int], session: Session
) -> None:
    def reasons(ident: str) -> list[str]:
        verdict = _score(session, city[ident])
        assert verdict.eligibility == "ineligible", ident
        return verdict.eligibility_reasons

    meant = "kreisfreie Städte sind nicht gemeint"
    assert reasons("LANDKREISE") == [
        f"die Stadt Münster nicht antragsberechtigt (nur Landkreis) – {meant}"
    ]
    assert reasons("KREISANGEHOERIGE") == [
        f"die Stadt Münster nicht antragsberechtigt (nur kreisangehörige Gemeinde) – {meant}"
    ]
    assert reasons("TEXT-KREISANGEHOERIGE") == [
        f"die Stadt Münster laut Aufruftext nicht antragsberechtigt – {meant}: "
        "„Antragsberechtigt sind kreisangehörige Städte und Gemeinden.“"
    ]
    assert reasons("BAYERN") == ["nur für Bayern – die Stadt Münster liegt nicht darin"]


def test_pages_texts_and_digest_of_a_city_alone_name_the_city(
    city: dict[str, int], auth_client: FlaskClient, cli: CliInvoker
) -> None:
    account = auth_client.get("/konto").get_data(as_text=True)
    assert (
        "Die aktive Strategie nennt nur einen Antragsteller, <strong>Stadt Münster</strong>"
        in account
    )
    assert 'id="home-applicant"' not in account  # nothing to choose
    inbox = auth_client.get("/").get_data(as_text=True)
    assert "Onlinedienste KOMMUNEN" in inbox
    assert 'id="f-applicant"' not in inbox  # a filter with one choice filters nothing

    partner = auth_client.get(f"/aufrufe/{city['UNTERNEHMEN']}").get_data(as_text=True)
    assert "Die Stadt Münster selbst nicht; antragsberechtigt sind die Projektpartner" in partner
    assert "nicht die Stadt Münster selbst:" in partner  # the Begründungstext panel

    text = cli("justify", "KOMMUNEN")
    assert text.exit_code == 0, text.output
    assert "„Münster digital 2030“ (Stadt Münster)" in text.output
    assert "Getragen wird sie" not in text.output  # not "gemeinsam von der Stadt Münster"
    digest = cli("digest", "--dry-run", BASE_URL="https://foerder.stadt-muenster.de")
    assert digest.exit_code == 0, digest.output
    assert (
        "Antragsberechtigt nur über Projektpartner (Unternehmen), nicht die Stadt Münster selbst"
        in digest.output
    )
    for output in (account, inbox, partner, text.output, digest.output):
        assert "Kreis, Städte und Gemeinden" not in output
        assert "der Kreis" not in output


def test_a_verbandsgemeinde_and_its_ortsgemeinden_as_owner(
    tmp_path: Path, cli: CliInvoker, session: Session
) -> None:
    calls = _calls(
        "Rheinland-Pfalz",
        {
            "VERBANDSGEMEINDEN": ["Verbandsgemeinde", "verbandsfreie Gemeinde"],
            "AEMTER": ["Amt"],
            "KOMMUNEN": ["Kommune"],
            "LANDKREISE": ["Landkreis"],
            "KREISE-UND-KREISFREIE": ["Landkreis", "kreisfreie Stadt"],
        },
    )
    ids = match_county(cli, session, WITTLICH_LAND, write_calls(tmp_path / "c.jsonl", calls))
    members = ["Verbandsgemeinde Wittlich-Land", "Altrich", "Bengel", "Hetzerath", "Landscheid"]
    for ident in ("VERBANDSGEMEINDEN", "AEMTER", "KOMMUNEN"):
        verdict = _score(session, ids[ident])
        assert (ident, verdict.eligibility) == (ident, "eligible"), verdict.eligibility_reasons
        assert verdict.eligible_applicants == members
    landkreise = _score(session, ids["LANDKREISE"])
    assert landkreise.eligibility_reasons == [
        "die Verbandsgemeinde Wittlich-Land und 4 Ortsgemeinden nicht antragsberechtigt "
        "(nur Landkreis)"
    ]
    assert _score(session, ids["KREISE-UND-KREISFREIE"]).eligibility == "ineligible"

    text = cli("justify", "KOMMUNEN")
    assert text.exit_code == 0, text.output
    assert (
        "Getragen wird sie gemeinsam von der Verbandsgemeinde Wittlich-Land sowie den "
        "Ortsgemeinden Altrich, Bengel, Hetzerath und Landscheid." in text.output
    )
