"""The call page says how the officers' decisions on similar calls moved a match."""

from __future__ import annotations

import html
import re

from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.conftest import CliInvoker
from webapp.models import Call, Match, ProjectRow

PROJECT = "VW-01"


def _project(session: Session) -> ProjectRow:
    return session.scalars(select(ProjectRow).where(ProjectRow.key == PROJECT)).one()


def _ranked(session: Session) -> list[Match]:
    session.expire_all()
    return list(
        session.scalars(
            select(Match)
            .where(Match.project_id == _project(session).id)
            .order_by(Match.score.desc())
        )
    )


def _project_row(client: FlaskClient, call_id: int) -> str:
    """The text of the project's row in the call page's match table."""
    page = client.get(f"/aufrufe/{call_id}").get_data(as_text=True)
    rows = re.findall(r'<tr role="row">(.*?)</tr>', page, re.S)
    row = next(r for r in rows if f">{PROJECT} " in r)
    return html.unescape(row)


def _text(row: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", "", row).split())


def test_a_confirmation_lifts_similar_calls_and_the_page_names_it(
    auth_client: FlaskClient, session: Session, cli: CliInvoker
) -> None:
    ranked = _ranked(session)
    assert all(m.decisions is None for m in ranked)  # no decisions yet: nothing to say
    confirmed_id, other = ranked[0].call_id, ranked[1]
    before = other.score
    assert "Durch Bewertungen" not in _project_row(auth_client, other.call_id)
    response = auth_client.post(
        f"/aufrufe/{confirmed_id}/bewertung",
        data={"status": "relevant", "project_id": _project(session).id},
    )
    assert response.status_code == 302
    assert cli("match").exit_code == 0

    lifted = next(m for m in _ranked(session) if m.call_id == other.call_id)
    assert lifted.decisions is not None and lifted.decisions["confirmed_call"] == str(confirmed_id)
    assert lifted.score > before
    row = _project_row(auth_client, other.call_id)
    title = session.get(Call, confirmed_id).title  # type: ignore[union-attr]
    assert re.search(r"Durch Bewertungen \+0,\d\d: ähnelt „", _text(row)), _text(row)
    assert (
        f'href="/aufrufe/{confirmed_id}?zurueck=' in row
        and "(für das Projekt als relevant bewertet)" in row
    )
    assert title[:40] in row
    # the lists mark a lifted match among a row's three best projects with ▲
    shown = next(
        m
        for m in _ranked(session)
        if m.decisions and m.decisions["change"] >= 0.005 and m.rank <= 3
    )
    external_id = session.get(Call, shown.call_id).external_id  # type: ignore[union-attr]
    listing = auth_client.get(
        "/aufrufe", query_string={"q": external_id, "status": "alle"}
    ).get_data(as_text=True)
    call_row = re.search(
        rf'<li class="call-row" id="call-{shown.call_id}">(.*?)</li>', listing, re.S
    )
    assert call_row is not None
    assert re.search(
        r'<span class="moved up" role="img" '
        r'aria-label="durch Bewertungen ähnlicher Aufrufe \+0,\d\d"',
        call_row.group(1),
    ), call_row.group(1)


def test_a_dismissal_lowers_similar_calls_and_the_page_names_it(
    auth_client: FlaskClient, session: Session, cli: CliInvoker
) -> None:
    dismissed_id = _ranked(session)[0].call_id
    auth_client.post(
        f"/aufrufe/{dismissed_id}/bewertung",
        data={
            "status": "nicht relevant",
            "reason": "passt nicht zur Strategie",
            "project_id": _project(session).id,
        },
    )
    assert cli("match").exit_code == 0
    lowered = [
        m
        for m in _ranked(session)
        if m.decisions
        and m.decisions["dismissed_call"] == str(dismissed_id)
        and m.decisions["dismissed_effect"] >= 0.005
        and m.decisions["change"] <= -0.005
    ]
    assert lowered, "no call similar to the dismissed one went down"
    row = _project_row(auth_client, lowered[0].call_id)
    assert re.search("Durch Bewertungen \u22120,\\d\\d: ähnelt", _text(row)), _text(row)
    assert (
        f'href="/aufrufe/{dismissed_id}?zurueck=' in row
        and "(für das Projekt als unpassend verworfen)" in row
    )
    # the dismissed call itself says nothing of its own decision in the match table
    own = next(m for m in _ranked(session) if m.call_id == dismissed_id)
    assert own.decisions is None
