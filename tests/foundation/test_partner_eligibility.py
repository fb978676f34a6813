"""A call only a project's partners may apply for is a candidate, badged as such.

WI-04 "Smart-Farming-Netzwerk Landwirtschaft" of the bundled strategy may also be carried by
a Kammer, Verband, Landwirt or Unternehmen. A call open to farms only is then no reason to
hide it: the Eingang, the call page, the digest and the `match` report say that the county
and its towns may not apply themselves, the project's partners may. A call nobody in the
strategy may apply for stays hidden.
"""

from __future__ import annotations

import json
import re
from datetime import timedelta
from html import unescape
from pathlib import Path

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.conftest import CliInvoker
from webapp.config import Config
from webapp.digest import build_digest, render_digest
from webapp.formatting import local_today
from webapp.mail.settings import MailSettings
from webapp.models import Call, utcnow

FARMS = "Digitale Präzisionslandwirtschaft: Sensorik und LoRaWAN für landwirtschaftliche Betriebe"
RESEARCH = "Präzisionslandwirtschaft in der Forschung: Sensorik und LoRaWAN an Hochschulen"
TOWNS = "Smart Farming in Kommunen: LoRaWAN-Netze für die Landwirtschaft im ländlichen Raum"


def _call(ident: str, title: str, eligible: list[str]) -> dict[str, object]:
    text = (
        "Gefördert werden Smart Farming, Präzisionslandwirtschaft, Sensorik auf dem Feld und "
        "LoRaWAN-Netze, die landwirtschaftliche Betriebe und Lohnunternehmen digital vernetzen."
    )
    return {
        "id": ident,
        "source": "import",
        "url": f"https://foerderung.example.de/{ident}",
        "title": title,
        "funder": "Land NRW",
        "summary": text,
        "text": text,
        "eligible": eligible,
        "region": "NRW",
        "funding_type": "Zuschuss",
        "published": "2026-11-01",
        "deadline": (local_today() + timedelta(days=60)).isoformat(),
    }


@pytest.fixture
def calls(tmp_path: Path, cli: CliInvoker, session: Session) -> dict[str, int]:
    """The bundled strategy and three Smart-Farming calls, matched; ids by import id."""
    path = tmp_path / "calls.jsonl"
    rows = [
        _call("FARMS", FARMS, ["Landwirt"]),
        _call("RESEARCH", RESEARCH, ["Hochschule", "Forschungseinrichtung"]),
        _call("TOWNS", TOWNS, ["Kommune", "Landkreis"]),
    ]
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), "utf-8")
    for args in (("init",), ("import", str(path))):
        result = cli(*args)
        assert result.exit_code == 0, result.output
    matched = cli("match")
    assert matched.exit_code == 0, matched.output
    return {c.external_id: c.id for c in session.scalars(select(Call))}


def test_the_match_report_counts_the_calls_for_the_partners(
    calls: dict[str, int], cli: CliInvoker
) -> None:
    matched = cli("match")
    assert matched.exit_code == 0, matched.output
    # the partners' call apart from the eligible and the ineligible one
    assert "(1 antragsberechtigt, 1 über Projektpartner, 1 nicht, 0 unklar)" in matched.output


def _text(client: FlaskClient, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200
    return re.sub(r"\s+", " ", unescape(response.get_data(as_text=True)))


def test_the_eingang_lists_a_call_for_the_partners_with_its_badge(
    calls: dict[str, int], auth_client: FlaskClient
) -> None:
    page = _text(auth_client, "/")
    assert FARMS in page and TOWNS in page
    assert RESEARCH not in page  # nobody in the strategy may apply
    badge = re.search(
        r'<span class="badge elig-partner">([^<]*)</span><span class="badge-why">'
        r'<span class="visually-hidden">: </span>([^<]*)</span>',
        page,
    )
    assert badge is not None, page
    assert badge.group(1) == "über Projektpartner"
    assert badge.group(2) == (
        "antragsberechtigt für WI-04 über Landwirt (Projektpartner); "
        "Kreis, Städte und Gemeinden nicht antragsberechtigt (nur Landwirt)"
    )
    # asked for, the call nobody may apply for is shown, as before
    assert RESEARCH in _text(auth_client, "/?ineligible=1")


def test_the_call_page_says_who_may_apply(calls: dict[str, int], auth_client: FlaskClient) -> None:
    page = _text(auth_client, f"/aufrufe/{calls['FARMS']}")
    head = page.split('<header class="detail-head">', 1)[1].split("</header>", 1)[0]
    # the header's badge gives the reasons (shown on hover and focus), as the list rows' does
    assert (
        '<span class="badge elig-partner">über Projektpartner</span><span class="badge-why">'
        '<span class="visually-hidden">: </span>antragsberechtigt für WI-04 über Landwirt '
        "(Projektpartner); Kreis, Städte und Gemeinden nicht antragsberechtigt (nur Landwirt)"
        "</span>"
    ) in head
    assert "elig-ineligible" not in head
    assert (
        "Kreis, Städte und Gemeinden selbst nicht; antragsberechtigt sind die Projektpartner "
        "(Landwirt)" in page
    )
    assert "<li>antragsberechtigt für WI-04 über Landwirt (Projektpartner)</li>" in page
    # the Begründungstext panel says whose application it would be
    assert "Laut Abgleich nur über Projektpartner antragsberechtigt" in page
    research = _text(auth_client, f"/aufrufe/{calls['RESEARCH']}")
    assert '<span class="badge elig-ineligible">nicht antragsberechtigt</span>' in research
    assert "antragsberechtigt sind die Projektpartner" not in research


def test_the_digest_lists_the_call_for_the_partners(
    calls: dict[str, int], cli: CliInvoker, config: Config, session: Session
) -> None:
    digest = cli("digest", "--dry-run", BASE_URL="https://foerder.example.de")
    assert digest.exit_code == 0, digest.output
    entries = {e.split("\n", 1)[0]: e for e in digest.output.split("\n* ")[1:]}
    assert set(entries) == {FARMS, TOWNS}  # not the call nobody may apply for
    note = (
        "Antragsberechtigt nur über Projektpartner (Landwirt), "
        "nicht Kreis, Städte und Gemeinden selbst"
    )
    assert note in entries[FARMS]
    assert "Projektpartner" not in entries[TOWNS]
    # the HTML part says the same
    built = build_digest(session, config, MailSettings(), local_today(), utcnow())
    assert note in render_digest(built, config).html


def test_exports_and_justify_name_the_partners(
    calls: dict[str, int], cli: CliInvoker, auth_client: FlaskClient
) -> None:
    csv = auth_client.get("/export.csv").get_data(as_text=True)
    row = next(line for line in csv.splitlines() if FARMS in line)
    assert ";über Projektpartner;" in row
    justified = cli("justify", str(calls["FARMS"]), "--plain")
    assert justified.exit_code == 0, justified.output
    assert (
        "Hinweis: laut Abgleich nur über Projektpartner antragsberechtigt, nicht Kreis, "
        "Städte und Gemeinden selbst: antragsberechtigt für WI-04 über Landwirt" in justified.output
    )
