"""Links in mails when the app is published under a path (BASE_URL=https://host/foerdermittel).

What the officer notices: every link of a mail opens the page under the path — the
digest's and reminders' links built by the commands, and the reset link asked for on a
page that itself runs under the prefix (it must not name the path twice).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import replace
from datetime import timedelta
from typing import Any

import pytest
from flask import Flask

from tests.conftest import TEST_PASSWORD
from tests.mail.conftest import Data, SmtpServer
from tests.web.conftest import behind_proxy, mounted_at
from webapp.app import create_app
from webapp.config import Config
from webapp.formatting import local_today
from webapp.mail.background import background_mailer
from webapp.models import User

PREFIX = "/foerdermittel"
PUBLIC = "https://foerder.example" + PREFIX
LINK = re.compile(r"https://foerder\.example[^\s\"<>]*")


def _links(smtp_server: SmtpServer) -> list[str]:
    """Every link to the app in the text parts of the mails received."""
    return [link for mail in smtp_server.messages for link in LINK.findall(mail.part("plain"))]


def test_digest_links_keep_the_path_of_base_url(
    cli, data: Data, smtp_server: SmtpServer, mail_env: dict[str, str]
) -> None:
    call_id = data.call("Förderaufruf Digitale Verwaltung", deadline=local_today() + timedelta(30))
    result = cli("digest", **{**mail_env, "BASE_URL": PUBLIC + "/"})
    assert result.exit_code == 0, result.output
    links = _links(smtp_server)
    assert f"{PUBLIC}/aufrufe/{call_id}" in links
    assert f"{PUBLIC}/" in links  # Zum Eingang
    assert all(link.startswith(PUBLIC + "/") for link in links), links


@pytest.mark.parametrize("mount", [mounted_at, behind_proxy], ids=["SCRIPT_NAME", "proxy"])
def test_reset_link_asked_under_the_prefix_names_the_path_once(
    mount: Callable[[Any, str], Any],
    mail_config: Config,
    engine: object,
    smtp_server: SmtpServer,
    user: User,
) -> None:
    flask_app: Flask = create_app(replace(mail_config, base_url=PUBLIC, trusted_proxies=1))
    flask_app.config.update(WTF_CSRF_ENABLED=False)
    flask_app.wsgi_app = mount(flask_app.wsgi_app, PREFIX)  # type: ignore[method-assign]
    client = flask_app.test_client()
    asked = client.post(PREFIX + "/passwort-vergessen", data={"email": user.email})
    assert asked.status_code == 200
    assert background_mailer(flask_app).flush(timeout=30)

    links = _links(smtp_server)
    assert all(link.startswith(PUBLIC + "/") for link in links), links
    (link,) = {link for link in links if "/passwort-neu/" in link}
    assert link.startswith(PUBLIC + "/passwort-neu/"), link
    path = link.removeprefix("https://foerder.example")
    assert client.get(path).status_code == 200
    done = client.post(
        path, data={"new": "ganz-neues-passwort-7", "repeat": "ganz-neues-passwort-7"}
    )
    assert done.headers["Location"] == PREFIX + "/"
    login = {"email": user.email, "password": TEST_PASSWORD}
    assert flask_app.test_client().post(PREFIX + "/anmelden", data=login).status_code == 401
