"""The Begründungstext panel answers at the text acted on, and the page opens there."""

from __future__ import annotations

import re

from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from webapp.justifications import Group, texts_for_call
from webapp.models import Call, Match


def _call_with_groups(session: Session, at_least: int = 2) -> tuple[Call, list[Group]]:
    """A well-matched call whose panel has several groups (projects and the combination)."""
    ids = session.scalars(
        select(Match.call_id).group_by(Match.call_id).order_by(Match.call_id)
    ).all()
    for call_id in ids:
        call = session.get(Call, call_id)
        assert call is not None
        groups = texts_for_call(session, call)
        if len(groups) >= at_least:
            session.commit()
            return call, groups
    raise AssertionError("no call with several Begründungstexte")


def _article(html: str, anchor: str) -> str:
    found = re.search(rf'<article class="j-entry" id="{anchor}"[^>]*>(.*?)</article>', html, re.S)
    assert found is not None, anchor
    return found.group(1)


def _group_tag(html: str, anchor: str) -> str:
    """The <details class="j-group" …> tag of the group holding `anchor`."""
    before = html.split(f'id="{anchor}"', 1)[0]
    return re.findall(r'<details class="j-group"[^>]*>', before)[-1]


def test_saving_a_text_of_a_later_group_returns_to_that_text(
    auth_client: FlaskClient, session: Session
) -> None:
    call, groups = _call_with_groups(session)
    second = groups[1]
    anchor = f"begruendung-{second.project_key or 'kombiniert'}-short"
    response = auth_client.post(
        f"/aufrufe/{call.id}/begruendung/speichern",
        data={
            "project": second.project_key,
            "variant": "short",
            "next": f"/aufrufe/{call.id}?zurueck=/",
            "text": "Meine kurze Fassung.",
        },
    )
    assert response.headers["Location"] == f"/aufrufe/{call.id}?zurueck=/#{anchor}"
    html = auth_client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Ihre Fassung ist gespeichert." in _article(html, anchor)
    assert " open" in _group_tag(html, anchor)  # the group is unfolded at the anchor
    top = html.split('<main id="inhalt"', 1)[1].split("<h1", 1)[0]
    assert "gespeichert" not in top

    discarded = auth_client.post(
        f"/aufrufe/{call.id}/begruendung/verwerfen",
        data={"project": second.project_key, "variant": "short", "next": f"/aufrufe/{call.id}"},
    )
    assert discarded.headers["Location"] == f"/aufrufe/{call.id}#{anchor}"
    html = auth_client.get(discarded.headers["Location"]).get_data(as_text=True)
    assert "Die bearbeitete Fassung ist verworfen" in _article(html, anchor)


def test_regenerating_returns_to_the_panel(auth_client: FlaskClient, session: Session) -> None:
    call, _ = _call_with_groups(session, at_least=1)
    response = auth_client.post(
        f"/aufrufe/{call.id}/begruendung/neu", data={"next": f"/aufrufe/{call.id}"}
    )
    assert response.headers["Location"] == f"/aufrufe/{call.id}#begruendung"
    html = auth_client.get(response.headers["Location"]).get_data(as_text=True)
    panel = re.search(
        r'<section class="card justification" id="begruendung".*?</section>', html, re.S
    )
    assert panel is not None and "Die Begründungstexte sind neu erzeugt." in panel.group(0)
