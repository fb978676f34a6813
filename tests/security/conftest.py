"""Security fixtures: a database full of hostile scraped and typed-in text, a live server on it,
and a headless Chromium (Debian's, through Playwright)."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import date, timedelta
from typing import Any, TypeVar

import pytest
from sqlalchemy import select

from scrapers.record import CallRecord
from tests.conftest import TEST_PASSWORD, CliInvoker
from tests.web.conftest import BROWSER_FLAGS, chromium_path
from webapp.config import Config
from webapp.db import make_engine, make_session_factory, transaction
from webapp.formatting import local_today
from webapp.ingest import ingest_records
from webapp.models import Call, Justification, ProjectRow, Review, ScrapeRun, Source
from webapp.users import create_user

T = TypeVar("T")

# Every payload sets window.__xss or opens a dialog if it ever runs.
SCRIPT = "<script>window.__xss=1;alert('xss-script')</script>"
IMG = "<img src=x onerror=\"window.__xss=2;alert('xss-img')\">"
SVG = "<svg onload=\"window.__xss=3;alert('xss-svg')\"></svg>"
LINK = "<a href=\"javascript:window.__xss=4;alert('xss-link')\">hier klicken</a>"
ATTR = '"><b onmouseover="window.__xss=5;alert(\'xss-attr\')">x</b>'
CLOSE = "</textarea></title></style><script>window.__xss=6;alert('xss-close')</script>"
IFRAME = "<iframe src=\"javascript:alert('xss-iframe')\"></iframe>"
TEMPLATE = "{{ 7*7 }} {% raw %}"
PAYLOADS = [SCRIPT, IMG, SVG, LINK, ATTR, CLOSE, IFRAME, TEMPLATE]
HOSTILE_URLS = [
    "javascript:window.__xss=7;alert('xss-url')",
    " JaVaScRiPt:alert('xss-url2')",
    "data:text/html,<script>alert('xss-data')</script>",
    "java\tscript:alert('xss-tab')",
]
HOSTILE_TITLE = f"Digitalisierung der Verwaltung {SCRIPT} für Kommunen {IMG}"


def hostile_calls(today: date) -> list[CallRecord]:
    """Calls whose every scraped field carries a payload; they fit the strategy, so they are
    candidates in the inbox, the digest and (once marked) the deadline page and reminders."""
    records = []
    for n, url in enumerate(HOSTILE_URLS):
        records.append(
            CallRecord(
                source="boese-quelle",
                external_id=f"xss-{n}",
                url=url,
                title=f"{HOSTILE_TITLE} #{n}",
                funder=f"Land NRW {IMG} {SVG}",
                programme=f"Programm {ATTR}",
                summary=f"Digitale Verwaltung, Onlinezugang, Breitband. {LINK}",
                text=(
                    "Antragsberechtigt sind Kommunen und Landkreise. Digitalisierung der "
                    "Verwaltung, Glasfaser, Onlinedienste, Smart City. " + " ".join(PAYLOADS)
                ),
                eligible=["Kommune", f"Landkreis {SCRIPT}"],
                region="NRW",
                funding_type=f"Zuschuss {IMG}",
                deadline=today + timedelta(days=7 + n),
                topics=[f"Digitalisierung {SVG}"],
            )
        )
    return records


@pytest.fixture
def hostile_db(config: Config, cli: CliInvoker) -> Config:
    """init, the hostile calls, a hostile review note, edited text, source run and matches."""
    assert cli("init").exit_code == 0
    engine = make_engine(config.database_url)
    factory = make_session_factory(engine)
    with transaction(factory) as session:
        ingest_records(session, hostile_calls(local_today()), origin="scrape")
    assert cli("match").exit_code == 0, "match failed"
    with transaction(factory) as session:
        user = create_user(
            session, "anna.schulte@kreis-coesfeld.de", TEST_PASSWORD, name=f"Anna {IMG}"
        )
        session.flush()
        call = session.scalar(select(Call).where(Call.external_id == "xss-0"))
        project = session.scalar(select(ProjectRow).order_by(ProjectRow.id))
        assert call is not None and project is not None
        session.add(
            Review(
                call_id=call.id,
                status="relevant",
                note=f"Notiz {SCRIPT} {LINK}",
                assignee_id=user.id,
                project_id=project.id,
            )
        )
        session.add(
            Justification(
                call_id=call.id,
                project_id=project.id,
                variant="long",
                generated_text="generiert",
                edited_text=f"Bearbeitet {CLOSE} {IMG}",
            )
        )
        source = Source(
            name="boese-quelle", kind="feed", label=f"Quelle {SVG}", url=HOSTILE_URLS[0]
        )
        session.add(source)
        session.flush()
        session.add(
            ScrapeRun(source_id=source.id, status="failed", error_message=f"Fehler {SCRIPT}")
        )
    engine.dispose()
    return config


@pytest.fixture
def hostile_server(hostile_db: Config) -> Iterator[str]:
    """The app (CSRF on) on the hostile database, served on loopback; yields its base URL."""
    from werkzeug.serving import make_server

    from webapp.app import create_app

    server = make_server("127.0.0.1", 0, create_app(hostile_db), threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(timeout=5)


class Tab:
    """A browser page that records dialogs and CSP reports (a blocked injected script)."""

    def __init__(self, browser: Any) -> None:
        self.context = browser.new_context(locale="de-DE")
        self.page = self.context.new_page()
        self.page.set_default_timeout(10_000)
        self.dialogs: list[str] = []
        self.csp: list[str] = []
        self.page.on("dialog", self._dialog)
        self.page.on("console", self._console)

    def _dialog(self, dialog: Any) -> None:
        self.dialogs.append(dialog.message)
        dialog.dismiss()

    def _console(self, message: Any) -> None:
        if "Content Security Policy" in message.text:
            self.csp.append(message.text)

    def close(self) -> None:
        self.context.close()


InBrowser = Callable[[Callable[[Tab], T]], T]


@pytest.fixture
def in_browser() -> InBrowser[Any]:
    """Run `work(tab)` in a fresh headless Chromium on a thread of its own.

    Playwright's sync API allows one instance per thread, and tests/web keeps one open for
    the whole session in the main thread; a thread of our own never collides with it.
    """
    executable = chromium_path()
    if executable is None:
        pytest.skip("Browser-Tests übersprungen: kein Chromium gefunden (apt-get install chromium)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.skip("Browser-Tests übersprungen: playwright ist nicht installiert")

    def run(work: Callable[[Tab], T]) -> T:
        def job() -> T:
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path=executable, args=BROWSER_FLAGS)
                tab = Tab(browser)
                try:
                    return work(tab)
                finally:
                    tab.close()
                    browser.close()

        with ThreadPoolExecutor(max_workers=1) as pool:
            return pool.submit(job).result(timeout=120)

    return run
