"""'Neue Adresse erzeugen' on /konto needs a ticked confirmation before the old URL dies."""

from __future__ import annotations

import re

from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from webapp.models import User


def _calendar_panel(client: FlaskClient, location: str) -> str:
    html = client.get(location).get_data(as_text=True)
    found = re.search(r'<section class="card" id="kalender".*?</section>', html, re.S)
    assert found is not None
    return found.group(0)


def test_without_the_tick_the_address_stays_and_the_panel_says_why(
    auth_client: FlaskClient, client: FlaskClient, session: Session, user: User
) -> None:
    old = user.ical_token
    response = auth_client.post("/konto/kalender-token")
    assert response.headers["Location"] == "/konto#kalender"
    panel = _calendar_panel(auth_client, response.headers["Location"])
    assert "Die Kalender-Adresse ist unverändert." in panel
    assert "„Ja, die bisherige Adresse ungültig machen“ ankreuzen" in panel
    session.expire_all()
    assert session.get(User, user.id).ical_token == old  # type: ignore[union-attr]
    assert client.get(f"/kalender/{old}.ics").status_code == 200


def test_with_the_tick_a_new_address_replaces_the_old(
    auth_client: FlaskClient, client: FlaskClient, session: Session, user: User
) -> None:
    old = user.ical_token
    page = _calendar_panel(auth_client, "/konto")
    assert 'type="checkbox" name="bestaetigen" value="1" required' in page
    response = auth_client.post("/konto/kalender-token", data={"bestaetigen": "1"})
    panel = _calendar_panel(auth_client, response.headers["Location"])
    assert "Neue Kalender-Adresse erzeugt." in panel
    session.expire_all()
    new = session.get(User, user.id).ical_token  # type: ignore[union-attr]
    assert new != old and new in panel
    assert client.get(f"/kalender/{old}.ics").status_code == 404
    assert client.get(f"/kalender/{new}.ics").status_code == 200
