"""'Neue Adresse erzeugen' on /konto needs a ticked confirmation before the old URL dies."""

from __future__ import annotations

import re

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from tests.conftest import TEST_PASSWORD
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


def test_the_address_is_the_servers_own_unless_base_url_is_set(
    app: Flask, client: FlaskClient, user: User
) -> None:
    # a server reached at another host and port than the default: the address must work
    here = "http://intranet.kreis:5093"
    login = {"email": user.email, "password": TEST_PASSWORD}
    assert client.post("/anmelden", data=login, base_url=here).status_code == 302
    html = client.get("/konto", base_url=here).get_data(as_text=True)
    assert f"{here}/kalender/{user.ical_token}.ics" in html
    assert "127.0.0.1:5000" not in html
    # with BASE_URL set (mails need it too), that address is used everywhere
    config = app.config["FM_CONFIG"]
    config.base_url, config.base_url_set = "https://foerder.kreis-coesfeld.de", True
    html = client.get("/konto", base_url=here).get_data(as_text=True)
    assert f"https://foerder.kreis-coesfeld.de/kalender/{user.ical_token}.ics" in html


def test_base_url_set_is_known_from_the_environment() -> None:
    from webapp.config import Config

    assert not Config.from_env({}).base_url_set
    assert Config.from_env({"BASE_URL": "https://foerder.example"}).base_url_set
    assert Config.from_env({}).site_url("http://localhost:5093/") == "http://localhost:5093"
    assert Config.from_env({"BASE_URL": "https://f.example/"}).site_url("http://x/") == (
        "https://f.example"
    )
