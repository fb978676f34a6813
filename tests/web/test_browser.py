"""The officer's weekly round in a real Chromium: log in, filter, decide, export, stay safe."""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from playwright.sync_api import expect
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.conftest import TEST_PASSWORD
from tests.mail.conftest import Collector, SmtpServer, free_port
from tests.web.conftest import XSS_TITLE, call_by_external_id, serving
from webapp.config import Config
from webapp.mail.background import background_mailer
from webapp.models import Review, User

pytestmark = pytest.mark.browser

SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"


@pytest.fixture
def page(browser: Any, live_server: str, user: User) -> Any:
    """A logged-in browser page; collects any JavaScript dialog that opens."""
    context = browser.new_context(
        viewport={"width": 1400, "height": 1000}, accept_downloads=True, locale="de-DE"
    )
    tab = context.new_page()
    tab.set_default_timeout(10_000)
    tab.dialogs = []
    tab.on("dialog", lambda dialog: (tab.dialogs.append(dialog.message), dialog.dismiss()))
    # The strict CSP must not break our own pages: Chromium reports every refusal here.
    tab.csp_errors = []
    tab.on(
        "console",
        lambda msg: (
            tab.csp_errors.append(msg.text)
            if msg.type == "error" and "Content Security Policy" in msg.text
            else None
        ),
    )
    tab.goto(live_server + "/")
    assert "/anmelden" in tab.url
    tab.get_by_label("E-Mail-Adresse").fill(user.email)
    tab.get_by_label("Passwort").fill(TEST_PASSWORD)
    tab.get_by_role("button", name="Anmelden").click()
    tab.wait_for_url(live_server + "/")
    yield tab
    context.close()


def _row_ids(tab: Any) -> list[int]:
    return [
        int(i.split("-")[1])
        for i in tab.locator("li.call-row").evaluate_all("e => e.map(x => x.id)")
    ]


def test_weekly_review_round(page: Any, live_server: str, session: Session) -> None:
    tab = page
    expect(tab.get_by_role("heading", name="Eingang")).to_be_visible()
    total_text = tab.locator(".count").inner_text()

    # Filter the inbox: a theme and a deadline window; the state lands in the URL.
    tab.get_by_label("Themenfeld").select_option(index=1)
    tab.get_by_label("Frist").select_option("365")
    tab.get_by_role("button", name="Filtern").click()
    tab.wait_for_url(re.compile(r"theme=\d+.*frist=365"))
    assert tab.locator(".count").inner_text() != total_text
    assert tab.locator("li.call-row").count() > 0

    # Open the best call and mark it relevant with a note.
    first = tab.locator("li.call-row h2 a").first
    title = first.inner_text()
    first.click()
    tab.wait_for_url(re.compile(r"/aufrufe/\d+"))
    call_id = int(re.search(r"/aufrufe/(\d+)", tab.url).group(1))  # type: ignore[union-attr]
    expect(tab.get_by_role("heading", name=title)).to_be_visible()
    # The dismissal reason is hidden by the small script until "nicht relevant" is chosen.
    expect(tab.get_by_label("Grund (bei „nicht relevant“)")).to_be_hidden()
    tab.get_by_label("Status").select_option("relevant")
    tab.get_by_label("Notiz").fill("Passt gut – Skizze bis Monatsende vorbereiten.")
    tab.get_by_role("button", name="Speichern", exact=True).click()
    expect(tab.get_by_text("Bewertung gespeichert: relevant.")).to_be_visible()
    expect(tab.locator("ol.events").get_by_text("Passt gut – Skizze")).to_be_visible()
    review = session.scalar(select(Review).where(Review.call_id == call_id))
    assert review is not None and review.status == "relevant"

    # Back to the unfiltered inbox: the decided call has left it; dismiss the next one.
    tab.goto(live_server + "/")
    ids = _row_ids(tab)
    assert call_id not in ids
    dismissed = ids[0]
    tab.locator(f"#call-{dismissed} h2 a").click()
    tab.get_by_label("Status").select_option("nicht relevant")
    reason = tab.get_by_label("Grund (bei „nicht relevant“)")
    expect(reason).to_be_visible()
    reason.select_option("Eigenanteil nicht darstellbar")
    tab.get_by_role("button", name="Speichern & zurück").click()
    tab.wait_for_url(re.compile(re.escape(live_server) + r"/(#.*)?$"))  # back at the list
    expect(tab.get_by_text("Bewertung gespeichert: nicht relevant.")).to_be_visible()
    assert dismissed not in _row_ids(tab)

    # Download the CSV of the current list.
    with tab.expect_download() as info:
        tab.get_by_role("link", name="CSV exportieren").click()
    download = info.value
    assert download.suggested_filename.endswith(".csv")
    body = Path(download.path()).read_bytes()
    assert body.startswith(b"\xef\xbb\xbf")
    assert "Titel;Fördergeber" in body.decode("utf-8-sig").splitlines()[0]
    # The other pages render under the same policy.
    for label, heading in (
        ("Fristen", "Fristen"),
        ("Strategie", "Coesfeld 12.0"),
        ("Quellen", "Quellen"),
    ):
        tab.get_by_role("navigation", name="Hauptnavigation").get_by_role(
            "link", name=label
        ).click()
        expect(tab.get_by_role("heading", name=re.compile(heading)).first).to_be_visible()
    tab.get_by_role("link", name="Anna Schulte").click()
    assert (
        tab.get_by_label("Kalender-Adresse (geheim – nicht weitergeben)")
        .input_value()
        .endswith(".ics")
    )
    expect(tab.get_by_role("button", name="Kopieren")).to_be_visible()  # shown only with JavaScript
    assert tab.dialogs == []
    assert tab.csp_errors == []


def test_script_in_a_title_is_shown_as_text(page: Any, live_server: str, session: Session) -> None:
    tab = page
    call = call_by_external_id(session, "xss-1")
    tab.goto(f"{live_server}/aufrufe?q=xss-1")
    link = tab.locator(f"#call-{call.id} h2 a")
    assert link.inner_text() == XSS_TITLE
    link.click()
    tab.wait_for_url(re.compile(rf"/aufrufe/{call.id}"))
    assert tab.locator("h1.detail-title").inner_text() == XSS_TITLE
    expect(tab.get_by_text('<img src=x onerror="window.__xss = 2">Land NRW').first).to_be_visible()
    # No script ran: no dialog, no global set, no injected element.
    assert tab.dialogs == []
    assert tab.evaluate("typeof window.__xss") == "undefined"
    assert tab.locator("script:not([src]), img[src=x]").count() == 0
    # The javascript: link of the source is not a link.
    assert tab.locator("a[href^='javascript']").count() == 0


def test_screenshots_for_the_readme(
    page: Any, live_server: str, session: Session, tmp_path: Path
) -> None:
    """The README's pictures: the inbox and a call page from the demo data.

    They are written to docs/screenshots only with UPDATE_SCREENSHOTS=1, so that an
    ordinary test run leaves the work tree clean.
    """
    tab = page
    shots = SCREENSHOTS if os.environ.get("UPDATE_SCREENSHOTS") == "1" else tmp_path
    shots.mkdir(parents=True, exist_ok=True)
    tab.set_viewport_size({"width": 1440, "height": 1000})
    tab.goto(live_server + "/")
    tab.screenshot(path=str(shots / "inbox.png"))
    tab.locator("li.call-row h2 a").first.click()
    tab.wait_for_url(re.compile(r"/aufrufe/\d+"))
    tab.get_by_label("Status").select_option("in Prüfung")
    tab.get_by_label("Notiz").fill("Mit dem Kämmerer den Eigenanteil klären.")
    tab.get_by_role("button", name="Speichern", exact=True).click()
    tab.get_by_text("Bewertung gespeichert").wait_for()
    tab.goto(tab.url.split("#")[0])  # without the flash message
    tab.screenshot(path=str(shots / "call.png"), full_page=False)
    assert (shots / "inbox.png").stat().st_size > 10_000
    assert (shots / "call.png").stat().st_size > 10_000


def test_decisions_work_without_javascript(
    browser: Any, live_server: str, user: User, session: Session
) -> None:
    """Every essential action is a plain form: log in, filter, dismiss with a reason."""
    context = browser.new_context(
        java_script_enabled=False, viewport={"width": 1024, "height": 900}
    )
    tab = context.new_page()
    tab.set_default_timeout(10_000)
    try:
        tab.goto(live_server + "/")
        tab.get_by_label("E-Mail-Adresse").fill(user.email)
        tab.get_by_label("Passwort").fill(TEST_PASSWORD)
        tab.get_by_role("button", name="Anmelden").click()
        tab.wait_for_url(live_server + "/")
        tab.get_by_label("Frist").select_option("365")
        tab.get_by_role("button", name="Filtern").click()
        tab.wait_for_url(re.compile(r"frist=365"))
        call_id = _row_ids(tab)[0]
        tab.locator(f"#call-{call_id} h2 a").click()
        # Without the script the reason field is simply always there.
        tab.get_by_label("Status").select_option("nicht relevant")
        tab.get_by_label("Grund (bei „nicht relevant“)").select_option("nicht antragsberechtigt")
        tab.get_by_role("button", name="Speichern & zurück").click()
        tab.wait_for_url(re.compile(r"frist=365"))
        assert call_id not in _row_ids(tab)
        review = session.scalar(select(Review).where(Review.call_id == call_id))
        assert review is not None and review.reason == "nicht antragsberechtigt"
    finally:
        context.close()


@pytest.fixture
def mail_live_server(config: Config, engine: Any) -> Iterator[tuple[str, SmtpServer, Flask]]:
    """The app with CSRF on, BASE_URL and a real SMTP server: (its base URL, the server, app)."""
    from webapp.app import create_app

    smtp = SmtpServer(free_port(), Collector())
    smtp.start()
    mail_config = replace(
        config,
        smtp_host="127.0.0.1",
        smtp_port=smtp.port,
        base_url="http://foerder.example",
        base_url_set=True,
    )
    flask_app = create_app(mail_config)
    try:
        with serving(flask_app) as url:
            yield url, smtp, flask_app
    finally:
        smtp.stop()


def test_forgotten_password(
    browser: Any, mail_live_server: tuple[str, SmtpServer, Flask], user: User
) -> None:
    """From the login page to a new password through the link in the mail."""
    live, smtp, flask_app = mail_live_server
    context = browser.new_context(locale="de-DE")
    tab = context.new_page()
    tab.set_default_timeout(10_000)
    try:
        tab.goto(live + "/anmelden")
        tab.get_by_role("link", name="Passwort vergessen?").click()
        tab.get_by_label("E-Mail-Adresse").fill(user.email)
        tab.get_by_role("button", name="Link senden").click()
        expect(tab.locator("#reset-sent")).to_contain_text("Der Link gilt 60 Minuten.")
        # The mail goes out after the answer.
        assert background_mailer(flask_app).flush(timeout=30)
        (mail,) = smtp.messages
        link = re.search(r"http://foerder\.example(/passwort-neu/\S+)", mail.part("plain"))
        assert link is not None
        tab.goto(live + link.group(1))
        tab.get_by_label("Neues Passwort (mind. 8 Zeichen)").fill("im-browser-neu-1")
        tab.get_by_label("Neues Passwort wiederholen").fill("im-browser-neu-1")
        tab.get_by_role("button", name="Passwort speichern").click()
        tab.wait_for_url(live + "/")
        expect(tab.get_by_text("Ihr neues Passwort gilt. Sie sind angemeldet.")).to_be_visible()
    finally:
        context.close()
