"""Stored XSS: hostile text in every scraped field, in a review note, an edited justification,
a user name and a source's error message renders inert — in a real Chromium on every page,
and in the HTML mails (loaded into the browser without the app's CSP as a safety net).

tests/web/test_browser.py checks the call list and call page with one hostile call; this
walks every page with a wider set of payloads and also the mails.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import timedelta
from urllib.parse import quote

import pytest
from sqlalchemy import select

from tests.conftest import TEST_PASSWORD, CliInvoker
from tests.mail.conftest import Collector, SmtpServer, free_port
from tests.security.conftest import ATTR, HOSTILE_TITLE, IMG, SCRIPT, SVG, InBrowser, Tab
from webapp.config import Config
from webapp.db import make_engine, make_session_factory
from webapp.mail.outbox import record_refusal
from webapp.models import Call, ProjectRow, StrategyRow, User
from webapp.users import create_user

pytestmark = pytest.mark.browser

# Run in the page after load: fire every mouse handler, then report what an attack would leave.
PROBE = """() => {
  for (const el of document.querySelectorAll('*')) {
    for (const type of ['mouseover', 'mouseenter', 'focus']) {
      el.dispatchEvent(new Event(type, {bubbles: true}));
    }
  }
  const bad = [];
  for (const el of document.querySelectorAll('*')) {
    for (const attr of el.getAttributeNames()) {
      if (attr.startsWith('on')) bad.push(el.tagName + ' ' + attr);
    }
  }
  for (const a of document.querySelectorAll('[href], [src], [action], [formaction]')) {
    const value = a.getAttribute('href') || a.getAttribute('src') || a.getAttribute('action')
      || a.getAttribute('formaction') || '';
    if (/^\\s*(javascript|data|vbscript):/i.test(value.replace(/[\\x00-\\x20]/g, '')))
      bad.push(a.tagName + ' ' + value);
  }
  for (const s of document.querySelectorAll('script:not([src]), iframe, object, embed, svg[onload]'))
    bad.push(s.tagName);
  return {xss: typeof window.__xss === 'undefined' ? null : window.__xss, bad: bad};
}"""


def _login(tab: Tab, base: str, email: str = "anna.schulte@kreis-coesfeld.de") -> None:
    page = tab.page
    page.goto(base + "/anmelden")
    page.get_by_label("E-Mail-Adresse").fill(email)
    page.get_by_label("Passwort").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Anmelden").click()
    page.wait_for_url(base + "/")


def _assert_inert(tab: Tab, where: str) -> None:
    result = tab.page.evaluate(PROBE)
    tab.page.wait_for_timeout(50)  # give a late onerror a chance to fire
    assert tab.dialogs == [], (where, tab.dialogs)
    assert result["xss"] is None, (where, result)
    assert result["bad"] == [], (where, result["bad"])
    assert tab.csp == [], (where, tab.csp)  # escaping did the work, not only the CSP


def _visit_inert(tab: Tab, base: str, paths: list[str]) -> None:
    """Open each page (it answers 200) and check that nothing hostile on it ran."""
    for path in paths:
        response = tab.page.goto(base + path)
        assert response is not None and response.status == 200, path
        _assert_inert(tab, path)


def _ids(config: Config) -> tuple[list[int], int]:
    engine = make_engine(config.database_url)
    with make_session_factory(engine)() as session:
        calls = list(session.scalars(select(Call.id).where(Call.source == "boese-quelle")))
        project = session.scalar(select(ProjectRow.id).order_by(ProjectRow.id))
    engine.dispose()
    assert calls and project is not None
    return calls, project


def test_every_page_renders_hostile_text_inert(
    in_browser: InBrowser[None], hostile_server: str, hostile_db: Config
) -> None:
    calls, project = _ids(hostile_db)
    pages = [
        "/",
        "/?q=Digitalisierung",
        "/aufrufe",
        "/aufrufe?q=xss",
        "/aufrufe?sort=neu&alle=1",
        "/fristen/",
        "/quellen/",
        "/strategie/",
        f"/strategie/projekte/{project}",
        "/konto",
        *(f"/aufrufe/{c}" for c in calls),
        f"/aufrufe/{calls[0]}/begruendung",
        "/aufrufe?q=" + "%3Cscript%3Ewindow.__xss%3D9%3C%2Fscript%3E",  # reflected
    ]

    def work(tab: Tab) -> None:
        _login(tab, hostile_server)
        _visit_inert(tab, hostile_server, pages)
        # The hostile text is shown as text (the officer can see what the source sent).
        tab.page.goto(f"{hostile_server}/aufrufe/{calls[0]}")
        assert HOSTILE_TITLE in tab.page.locator("h1").first.inner_text()
        assert "{{ 7*7 }}" in tab.page.content().replace("&nbsp;", " ")  # no template injection
        # Every link on the call page that leaves the app is a plain web address.
        for link in tab.page.locator("a[target=_blank]").all():
            href = link.get_attribute("href") or ""
            assert re.match(r"https?://", href), href
        _assert_inert(tab, "links")

    in_browser(work)


TOWN = f"Dorf {IMG}"  # an applicant of a strategy file from elsewhere
ADMIN = "ida.technik@kreis-coesfeld.de"


def _hostile_town_and_refusals(config: Config) -> None:
    """Anna's Meine Kommune a hostile applicant of the strategy; an administrator whose own
    one a later strategy dropped; mail server answers with markup for two addresses."""
    engine = make_engine(config.database_url)
    with make_session_factory(engine)() as session:
        strategy = session.scalars(select(StrategyRow).where(StrategyRow.active)).one()
        profile = dict(strategy.region_profile)
        profile["applicants"] = [*profile["applicants"], {"name": TOWN, "type": "Gemeinde"}]
        strategy.region_profile = profile
        anna = session.scalars(select(User).where(User.email.startswith("anna"))).one()
        anna.home_applicant = TOWN
        admin = create_user(session, ADMIN, TEST_PASSWORD, role="admin", name=f"Ida {SVG}")
        admin.home_applicant = f"Weg {ATTR}"
        week = timedelta(days=7)
        record_refusal(session, anna.email, f"550 5.1.1 {SCRIPT}", f"Übersicht {IMG}", week)
        record_refusal(session, "team@kreis.example", f"550 {SVG}", f"Übersicht {IMG}", week)
        session.commit()
    engine.dispose()


def test_meine_kommune_and_the_administration_render_hostile_text_inert(
    in_browser: InBrowser[None], hostile_server: str, hostile_db: Config
) -> None:
    """The new surfaces: the lists' applicant filter, note and title (also an applicant
    given in the URL: a link sent to an officer), Konto's choice and its stale-choice note,
    and Benutzer with refused addresses, the mail server's answers and the address forms."""
    _hostile_town_and_refusals(hostile_db)
    reflected = quote(f"Stadt {SCRIPT}")
    officer_pages = [
        "/",
        "/aufrufe?antragsteller=alle&berechtigung=partner",
        f"/?antragsteller={reflected}&q={quote(IMG)}",
        f"/aufrufe?antragsteller={reflected}&berechtigung={quote(ATTR)}&q=",
        "/konto",
    ]

    def work(tab: Tab) -> None:
        _login(tab, hostile_server)
        _visit_inert(tab, hostile_server, officer_pages)
        tab.page.goto(hostile_server + "/")
        assert TOWN in tab.page.title() and TOWN in tab.page.locator(".home-applicant").inner_text()
        tab.page.context.clear_cookies()
        _login(tab, hostile_server, ADMIN)
        _visit_inert(tab, hostile_server, ["/konto"])
        stale = tab.page.locator("#home-stale").inner_text()
        assert f"„Weg {ATTR}“ steht nicht in der aktiven Strategie" in stale
        _visit_inert(tab, hostile_server, ["/verwaltung/benutzer"])
        assert f"550 5.1.1 {SCRIPT}" in tab.page.locator("main").inner_text()

    in_browser(work)


@pytest.fixture
def smtp() -> Iterator[SmtpServer]:
    server = SmtpServer(free_port(), Collector())
    server.start()
    try:
        yield server
    finally:
        server.stop()


def test_html_mails_are_inert_in_a_browser(
    in_browser: InBrowser[None], hostile_db: Config, cli: CliInvoker, smtp: SmtpServer
) -> None:
    env = {
        "SMTP_HOST": "127.0.0.1",
        "SMTP_PORT": str(smtp.port),
        "ALERT_RECIPIENTS": "team@kreis.example",
        "BASE_URL": "https://foerder.example",
    }
    assert cli("digest", **env).exit_code == 0
    assert cli("remind", **env).exit_code == 0
    subjects = [str(m.message["Subject"]) for m in smtp.messages]
    assert any("Übersicht" in s for s in subjects), subjects
    assert any(s.startswith("Fristerinnerung") for s in subjects), subjects
    mails = [(str(m.message["Subject"]), m.part("html")) for m in smtp.messages]
    for _subject, html in mails:
        assert SCRIPT not in html
        assert "&lt;script&gt;" in html  # shown, escaped

    def work(tab: Tab) -> None:
        for subject, html in mails:
            # No CSP here: a mail client renders the HTML as it is.
            tab.page.set_content(html)
            _assert_inert(tab, subject)
            links = tab.page.eval_on_selector_all("a[href]", "els => els.map(e => e.href)")
            for href in links:
                assert href.startswith("https://foerder.example/"), href

    in_browser(work)
