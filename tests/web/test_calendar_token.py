"""'Neue Adresse erzeugen' on /konto needs a ticked confirmation before the old URL dies; the
calendar address and the feed's UIDs."""

from __future__ import annotations

import re
import sqlite3
from contextlib import closing
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.conftest import TEST_PASSWORD
from webapp.app import create_app
from webapp.config import DEV_SECRET_KEY
from webapp.formatting import local_today
from webapp.models import Call, User
from webapp.reviews import ReviewInput, set_review


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


def _feed(client: FlaskClient, token: str, host: str) -> str:
    response = client.get(f"/kalender/{token}.ics", headers={"Host": host})
    assert response.status_code == 200
    return response.get_data(as_text=True)


def _uids(client: FlaskClient, token: str, host: str) -> list[str]:
    return re.findall(r"^UID:(.*)\r$", _feed(client, token, host), re.M)


def test_calendar_uids_stay_the_same_whatever_host_the_feed_is_fetched_at(
    app: Flask, client: FlaskClient, session: Session, user: User
) -> None:
    """Before, without BASE_URL a calendar that fetched via the intranet name and via the
    IP address saw every deadline twice: the UIDs ended in the host of the request."""
    calls = list(
        session.scalars(
            select(Call).where(Call.deadline > local_today() + timedelta(days=3)).order_by(Call.id)
        )
    )[:2]
    # two stages written alike must still be two events
    deadline = calls[0].deadline
    assert deadline is not None
    in_a_week = local_today() + timedelta(days=7)
    calls[0].deadlines = {"Skizze 1": in_a_week.isoformat(), "Skizze-1": deadline.isoformat()}
    for call in calls:
        set_review(session, call, ReviewInput(status="relevant"), user.id)
    session.commit()
    intranet = _uids(client, user.ical_token, "foerder-pc.kreis.local:5000")
    by_address = _uids(client, user.ical_token, "10.20.30.40:5000")
    assert intranet == by_address
    assert len(intranet) == len(set(intranet)) >= 3
    assert not any("kreis.local" in uid or "10.20.30.40" in uid for uid in intranet)
    domain = intranet[0].split("@", 1)[1]
    first = sorted(uid for uid in intranet if uid.startswith(f"call-{calls[0].id}-"))
    assert first == [
        f"call-{calls[0].id}-skizze1-2@{domain}",
        f"call-{calls[0].id}-skizze1@{domain}",
    ]
    # the events' links still point where the feed was fetched (they must open)
    body = _feed(client, user.ical_token, "10.20.30.40:5000")
    assert f"URL:http://10.20.30.40:5000/aufrufe/{calls[1].id}" in body
    # another installation (its own SECRET_KEY) with the same call ids: other UIDs, so a
    # calendar subscribed to both keeps both
    other = create_app(replace(app.config["FM_CONFIG"], secret_key="another-installation"))
    elsewhere = _uids(other.test_client(), user.ical_token, "foerder-pc.kreis.local:5000")
    other.extensions["fm_engine"].dispose()
    assert len(elsewhere) == len(intranet) and not set(elsewhere) & set(intranet)
    # with BASE_URL set, its host names the UIDs, as it always did
    config = app.config["FM_CONFIG"]
    config.base_url, config.base_url_set = "https://foerder.kreis-coesfeld.de", True
    public = _uids(client, user.ical_token, "10.20.30.40:5000")
    assert public == [uid.split("@")[0] + "@foerder.kreis-coesfeld.de" for uid in intranet]


def test_installations_without_their_own_secret_key_have_their_own_uids(
    app: Flask, client: FlaskClient, session: Session, user: User, tmp_path: Path
) -> None:
    """Without SECRET_KEY (allowed outside production, as `make run` does) every installation
    has the same development key. Before, that key alone named the UIDs: two such
    installations with the same call ids - a county's and a town's, or the demo and the real
    one - took each other's events in a calendar subscribed to both."""
    call = session.scalars(
        select(Call).where(Call.deadline > local_today() + timedelta(days=3)).order_by(Call.id)
    ).first()
    assert call is not None
    set_review(session, call, ReviewInput(status="relevant"), user.id)
    session.commit()
    config = app.config["FM_CONFIG"]
    copy = tmp_path / "town.db"  # a second installation: same call ids, same token
    database = config.database_url.removeprefix("sqlite:///")
    with closing(sqlite3.connect(database)) as source, closing(sqlite3.connect(copy)) as target:
        source.backup(target)

    def uids(database_url: str) -> list[str]:
        other = create_app(replace(config, secret_key=DEV_SECRET_KEY, database_url=database_url))
        try:
            return _uids(other.test_client(), user.ical_token, "127.0.0.1:5000")
        finally:
            other.extensions["fm_engine"].dispose()

    county, town = uids(config.database_url), uids(f"sqlite:///{copy}")
    assert county and len(county) == len(town) and not set(county) & set(town)
    assert uids(config.database_url) == county  # and stay the same from run to run
