"""*Testmail senden* on Benutzer in a real browser, against a real SMTP server on localhost.

The administrator sees the mail settings, clicks the button, and reads on the page whether
the server took the mail to their own address, or in German why it did not.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest
from sqlalchemy import Engine

from tests.conftest import TEST_PASSWORD
from tests.mail.conftest import SmtpServer, smtp_server  # noqa: F401 (the fixture)
from tests.web.conftest import logged_in_tab
from webapp.config import Config
from webapp.db import make_session_factory
from webapp.users import create_user

ADMIN = "it@kreis.example"


@pytest.fixture
def config(config: Config, smtp_server: SmtpServer) -> Config:  # noqa: F811
    """The test installation, sending through the local SMTP server."""
    return replace(
        config,
        smtp_host="127.0.0.1",
        smtp_port=smtp_server.port,
        mail_from="Fördermittel Kreis <foerdermittel@kreis.example>",
        base_url="https://foerder.example",
        base_url_set=True,
    )


@pytest.fixture
def admin(engine: Engine) -> Any:
    with make_session_factory(engine)() as s:
        created = create_user(s, ADMIN, TEST_PASSWORD, role="admin", name="Ida Technik")
        s.commit()
        return created


def test_testmail_button_reports_success_and_a_stopped_server(
    browser: Any,
    live_server: str,
    admin: Any,
    smtp_server: SmtpServer,  # noqa: F811
) -> None:
    tab = logged_in_tab(browser, live_server, admin)
    try:
        tab.goto(live_server + "/verwaltung/benutzer")
        card = tab.locator("section", has=tab.get_by_role("heading", name="E-Mail-Versand"))
        card.get_by_text(
            f"127.0.0.1:{smtp_server.port} (unverschlüsselt, ohne Anmeldung)"
        ).wait_for()
        assert "Fördermittel Kreis <foerdermittel@kreis.example>" in card.inner_text()

        card.get_by_role("button", name="Testmail senden").click()

        tab.get_by_text(f"Testmail an {ADMIN} versandt").wait_for()
        (mail,) = smtp_server.messages
        assert mail.to == ADMIN
        assert "Ida Technik über die Seite Benutzer" in mail.part("plain")

        smtp_server.stop()
        tab.get_by_role("button", name="Testmail senden").click()
        message = tab.get_by_text(f"Testmail an {ADMIN} nicht versandt")
        message.wait_for()
        assert "Verbindung abgelehnt – dort nimmt kein Mailserver an (SMTP_HOST/SMTP_PORT " in (
            message.inner_text()
        )
    finally:
        tab.context.close()
