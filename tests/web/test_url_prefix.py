"""The app published under a URL prefix (https://intranet.example/foerdermittel/).

Two ways to get there: nginx takes the prefix off and names it in X-Forwarded-Prefix (with
TRUSTED_PROXIES=1), or the WSGI server sets SCRIPT_NAME (gunicorn, DispatcherMiddleware).
What the officer notices: every link, redirect and way back stays under the prefix, the
login cookie belongs to it, and the calendar links keep BASE_URL's path.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import replace
from html import unescape
from typing import Any
from urllib.parse import unquote, urlsplit

import pytest
import requests
from flask import Flask
from flask.testing import FlaskClient
from playwright.sync_api import expect
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.conftest import TEST_PASSWORD, CliInvoker
from tests.mail.conftest import free_port
from tests.web.conftest import REPO_ROOT, behind_proxy, logged_in_tab, mounted_at, serving
from webapp.app import create_app
from webapp.auth import safe_next
from webapp.config import Config
from webapp.formatting import local_today
from webapp.models import Call, Review, User
from webapp.views.context import way_back

PREFIX = "/foerdermittel"
PUBLIC = "https://intranet.example" + PREFIX  # BASE_URL with the prefix as its path


def _proxied_app(config: Config, **changes: Any) -> Flask:
    """The app behind a proxy that publishes it under PREFIX (CSRF off, test client)."""
    flask_app = create_app(replace(config, trusted_proxies=1, **changes))
    flask_app.config.update(WTF_CSRF_ENABLED=False)
    flask_app.wsgi_app = behind_proxy(flask_app.wsgi_app, PREFIX)  # type: ignore[method-assign]
    return flask_app


@pytest.fixture
def proxied(config: Config, engine: Any, user: User) -> FlaskClient:
    """A test client that talks to the app through the proxy, logged in as `user`."""
    client = _proxied_app(config).test_client()
    data = {"email": user.email, "password": TEST_PASSWORD}
    response = client.post(PREFIX + "/anmelden", data=data)
    assert response.headers["Location"] == PREFIX + "/"
    return client


# --- the check of `next` and `zurueck` -----------------------------------------------------


@pytest.mark.parametrize(
    "target",
    [
        PREFIX + "/",
        PREFIX + "/aufrufe/7?zurueck=/foerdermittel/%3Ffrist%3D365",
        PREFIX + "/fristen/?monat=2026-12#tag-2026-12-03",
    ],
)
def test_a_way_back_inside_the_prefix_is_accepted(target: str) -> None:
    assert safe_next(target, PREFIX) == target


@pytest.mark.parametrize(
    "target",
    [
        "/aufrufe/7",  # the host's root: another application
        "/foerdermittel-alt/",  # a neighbour whose name starts the same
        PREFIX,  # not a page of the app (nginx answers with its own redirect)
        PREFIX + "/../intern/",
        PREFIX + "/%2e%2e/intern/",
        PREFIX + "/./../intern",
        "//evil.example" + PREFIX + "/",
        "https://evil.example" + PREFIX + "/",
        "/\\evil.example" + PREFIX + "/",
        PREFIX + "/\\evil.example",
        "",
        None,
    ],
)
def test_a_way_back_outside_the_prefix_is_refused(target: str | None) -> None:
    assert safe_next(target, PREFIX) is None


def test_the_request_gives_the_prefix(app: Flask) -> None:
    with app.test_request_context("/aufrufe/7", base_url="http://intranet.example" + PREFIX):
        assert way_back(PREFIX + "/?frist=365") == PREFIX + "/?frist=365"
        assert way_back("/?frist=365") is None
    with app.test_request_context("/aufrufe/7"):  # at the top of the host, as before
        assert way_back("/?frist=365") == "/?frist=365"


# --- behind nginx with X-Forwarded-Prefix --------------------------------------------------


def test_login_next_and_cookie_stay_under_the_prefix(config: Config, engine: Any, user: User):
    client = _proxied_app(config).test_client()
    asked = client.get(PREFIX + "/fristen/?monat=2026-12")
    assert asked.status_code == 302
    login = asked.headers["Location"]
    assert urlsplit(login).path == PREFIX + "/anmelden"
    assert unquote(login.partition("next=")[2]) == PREFIX + "/fristen/?monat=2026-12"

    form = unescape(client.get(login).get_data(as_text=True))
    assert f'action="{PREFIX}/anmelden' in form
    assert f'href="{PREFIX}/static/style.css' in form

    data = {"email": user.email, "password": TEST_PASSWORD}
    done = client.post(login, data=data)
    assert done.headers["Location"] == PREFIX + "/fristen/?monat=2026-12"
    # the login cookie is this application's, not the whole host's
    assert f"Path={PREFIX};" in done.headers["Set-Cookie"] + ";"
    assert client.get(PREFIX + "/fristen/?monat=2026-12").status_code == 200
    # a `next` outside the prefix is refused like one to another host
    client.post(PREFIX + "/abmelden")
    away = client.post(PREFIX + "/anmelden?next=/verwaltung/", data=data)
    assert away.headers["Location"] == PREFIX + "/"


def test_empty_filter_fields_are_dropped_under_the_prefix(proxied: FlaskClient) -> None:
    response = proxied.get(PREFIX + "/aufrufe?q=&theme=&frist=365&sort=")
    assert response.status_code == 302
    assert response.headers["Location"] == PREFIX + "/aufrufe?frist=365"


def test_list_links_and_save_and_back_stay_under_the_prefix(
    proxied: FlaskClient, session: Session
) -> None:
    page = unescape(proxied.get(PREFIX + "/?frist=365").get_data(as_text=True))
    link = re.search(r'<h2[^>]*><a href="([^"]+)"', page)
    assert link is not None
    detail = link.group(1)
    assert detail.startswith(PREFIX + "/aufrufe/")
    assert unquote(detail.partition("zurueck=")[2]) == PREFIX + "/?frist=365"

    call_page = unescape(proxied.get(detail).get_data(as_text=True))
    assert f'<a href="{PREFIX}/?frist=365">← Zurück zur Liste</a>' in call_page
    call_id = int(re.search(r"/aufrufe/(\d+)", detail).group(1))  # type: ignore[union-attr]
    saved = proxied.post(
        f"{PREFIX}/aufrufe/{call_id}/bewertung",
        data={"status": "relevant", "zurueck": PREFIX + "/?frist=365", "action": "save_back"},
    )
    assert saved.headers["Location"].startswith(PREFIX + "/?frist=365#")
    review = session.scalar(select(Review).where(Review.call_id == call_id))
    assert review is not None and review.status == "relevant"
    # a way back beyond the prefix is ignored: the answer stays on the call page
    outside = proxied.post(
        f"{PREFIX}/aufrufe/{call_id}/bewertung",
        data={"status": "in Prüfung", "zurueck": "/?frist=365", "action": "save_back"},
    )
    assert outside.headers["Location"] == f"{PREFIX}/aufrufe/{call_id}#bewertung"


def test_untrusted_clients_cannot_move_the_prefix(config: Config, engine: Any) -> None:
    flask_app = create_app(config)  # TRUSTED_PROXIES=0: nobody's X-Forwarded-* is believed
    response = flask_app.test_client().get("/", headers={"X-Forwarded-Prefix": "/elsewhere"})
    assert response.headers["Location"] == "/anmelden?next=/"


def test_calendar_links_keep_the_path_of_base_url(
    config: Config, engine: Any, user: User, session: Session
) -> None:
    # a call in work with a deadline: the feed lists it with its link
    call_id = session.scalar(
        select(Call.id).where(Call.deadline > local_today()).order_by(Call.deadline)
    )
    session.add(Review(call_id=call_id, status="relevant"))
    session.commit()
    for base_url, base_url_set in ((PUBLIC, True), ("", False)):
        flask_app = _proxied_app(
            config, base_url=base_url or config.base_url, base_url_set=base_url_set
        )
        client = flask_app.test_client()
        data = {"email": user.email, "password": TEST_PASSWORD}
        client.post(PREFIX + "/anmelden", data=data)
        site = base_url or "http://localhost" + PREFIX  # without BASE_URL: the request's
        konto = unescape(client.get(PREFIX + "/konto").get_data(as_text=True))
        row = session.get(User, user.id)
        assert row is not None
        feed = f"{site}/kalender/{row.ical_token}.ics"
        assert f'value="{feed}"' in konto
        ical = client.get(urlsplit(feed).path).get_data(as_text=True)
        assert f"URL:{site}/aufrufe/{call_id}\r\n" in ical


# --- in a real browser ---------------------------------------------------------------------


@pytest.fixture(params=[mounted_at, behind_proxy], ids=["SCRIPT_NAME", "proxy"])
def prefixed_server(request: pytest.FixtureRequest, config: Config, engine: Any) -> Iterator[str]:
    """The app under PREFIX on a real HTTP server; yields the host's URL (without PREFIX)."""
    flask_app = create_app(replace(config, trusted_proxies=1))
    with serving(request.param(flask_app, PREFIX)) as url:
        yield url


@pytest.mark.browser
def test_the_weekly_round_under_a_prefix(
    browser: Any, prefixed_server: str, user: User, session: Session
) -> None:
    root = prefixed_server + PREFIX
    tab = logged_in_tab(browser, root, user)  # the login form under PREFIX leads to root + "/"
    visited: list[tuple[int, str]] = []  # every page and file the browser asks for from now
    tab.on("response", lambda r: visited.append((r.status, r.url)))
    try:
        tab.reload()
        expect(tab.get_by_role("heading", name="Eingang")).to_be_visible()

        # "Filtern" sends the empty fields too; the app drops them and stays under PREFIX
        tab.get_by_label("Frist").select_option("365")
        tab.get_by_role("button", name="Filtern").click()
        tab.wait_for_url(re.compile(re.escape(root + "/?frist=365") + r"(&sort=\w+)?$"))
        listed = tab.url

        first = tab.locator("li.call-row h2 a").first
        first.click()
        tab.wait_for_url(re.compile(re.escape(root) + r"/aufrufe/\d+"))
        call_id = int(re.search(r"/aufrufe/(\d+)", tab.url).group(1))  # type: ignore[union-attr]
        tab.get_by_role("link", name="Zurück zur Liste").click()
        tab.wait_for_url(listed)

        tab.locator(f"#call-{call_id} h2 a").click()
        tab.get_by_label("Status").select_option("relevant")
        tab.get_by_role("button", name="Speichern & zurück").click()
        tab.wait_for_url(re.compile(re.escape(listed) + r"(#.*)?$"))
        expect(tab.get_by_text("Bewertung gespeichert: relevant.")).to_be_visible()
        review = session.scalar(select(Review).where(Review.call_id == call_id))
        assert review is not None and review.status == "relevant"

        tab.get_by_role("button", name="Abmelden").click()
        tab.wait_for_url(root + "/anmelden")
        expect(tab.get_by_text("Sie sind abgemeldet.")).to_be_visible()
    finally:
        tab.context.close()
    assert visited
    outside = [url for _status, url in visited if not url.startswith(root + "/")]
    assert outside == []
    failed = [(status, url) for status, url in visited if status >= 400]
    assert failed == []
    assert any(url.endswith("/static/style.css") for _status, url in visited)


# --- `serve --url-prefix`: waitress itself publishes the app under the path ---------------


def test_serve_with_a_url_prefix(cli: CliInvoker, engine: Any) -> None:
    port = free_port()
    env = {**os.environ, **cli.env, "PYTHONPATH": str(REPO_ROOT)}
    command = "from webapp.cli import main; main()"
    args = ["serve", "--port", str(port), "--threads", "2", "--url-prefix", PREFIX + "/"]
    proc = subprocess.Popen(
        [sys.executable, "-c", command, *args],
        env=env,
        cwd=REPO_ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        assert proc.stdout is not None
        first = proc.stdout.readline()
        assert f"läuft auf http://127.0.0.1:{port}{PREFIX}/" in first
        site = f"http://127.0.0.1:{port}"
        asked = requests.get(site + PREFIX + "/", allow_redirects=False, timeout=10)
        assert asked.headers["Location"] == PREFIX + "/anmelden?next=/foerdermittel/"
        assert requests.get(site + PREFIX + "/anmelden", timeout=10).status_code == 200
        assert requests.get(site + "/anmelden", timeout=10).status_code == 404
        bare = requests.get(site + PREFIX, allow_redirects=False, timeout=10)
        assert bare.headers["Location"].endswith(PREFIX + "/")  # the path alone: its start page
    finally:
        proc.terminate()
        proc.wait(timeout=30)


@pytest.mark.parametrize("prefix", ["foerdermittel", "/foerder mittel", "/a?b=1", "//evil"])
def test_serve_refuses_a_url_prefix_that_is_no_path(cli: CliInvoker, prefix: str) -> None:
    result = cli("serve", "--url-prefix", prefix)
    assert result.exit_code != 0
    assert f"--url-prefix {prefix!r} ist kein Pfad" in result.output
    assert "Traceback" not in result.output
