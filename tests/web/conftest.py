"""Web fixtures: the demo data (dev calls imported and matched) once per session, copied per test.

Overriding `sqlite_url` makes the shared fixtures (`config`, `engine`, `app`, `client`,
`auth_client`, `cli`) run on a fresh copy of the demo database in every test.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from scrapers.record import CallRecord
from tests.conftest import CliInvoker
from webapp.config import Config
from webapp.db import make_engine, make_session_factory
from webapp.formatting import local_today
from webapp.ingest import ingest_records
from webapp.models import Call, CallChange, ProjectRow, Review, ScrapeRun, Source, User

REPO_ROOT = Path(__file__).resolve().parents[2]
DEV_CALLS = REPO_ROOT / "data" / "eval" / "dev" / "calls.jsonl"
XSS_TITLE = 'Förderaufruf <script>window.__xss = 1; alert("xss")</script> Digitalisierung'


def hostile_records(today: date) -> list[CallRecord]:
    """Calls whose scraped fields try to inject markup and script."""
    return [
        CallRecord(
            source="feed",
            external_id="xss-1",
            url="javascript:alert(3)",
            title=XSS_TITLE,
            funder='<img src=x onerror="window.__xss = 2">Land NRW',
            summary='Digitale Verwaltung <b onmouseover="alert(4)">fett</b>',
            text="Kommunen, Glasfaser, Digitalisierung der Verwaltung. </textarea><script>alert(5)</script>",
            eligible=["Kommune"],
            region="NRW",
            deadline=today + timedelta(days=40),
        ),
        CallRecord(
            source="feed",
            external_id="formula-1",
            url="https://example.org/formel",
            title='=HYPERLINK("http://evil.example","klick") Breitband für Kommunen',
            funder="+Land NRW",
            eligible=["Kommune"],
            region="NRW",
            deadline=today + timedelta(days=10),
        ),
    ]


@pytest.fixture(scope="session")
def demo_db_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A database with the strategy, the dev calls, two hostile calls and matches."""
    directory = tmp_path_factory.mktemp("demo-db")
    path = directory / "demo.db"
    config = Config(
        database_url=f"sqlite:///{path}",
        secret_key="test-secret",
        env="test",
        instance_dir=directory / "instance",
        testing=True,
    )
    cli = CliInvoker(config)
    for args in (("init",), ("import", str(DEV_CALLS))):
        result = cli(*args)
        assert result.exit_code == 0, result.output
    engine = make_engine(config.database_url)
    with make_session_factory(engine)() as session:
        ingest_records(session, hostile_records(local_today()), origin="scrape")
        session.commit()
    engine.dispose()
    result = cli("match")
    assert result.exit_code == 0, result.output
    return path


@pytest.fixture
def sqlite_url(tmp_path: Path, demo_db_template: Path) -> str:
    """A private copy of the demo database for each test."""
    target = tmp_path / "test.db"
    shutil.copyfile(demo_db_template, target)
    for suffix in ("-wal", "-shm"):
        extra = demo_db_template.with_name(demo_db_template.name + suffix)
        if extra.exists():
            shutil.copyfile(extra, target.with_name(target.name + suffix))
    return f"sqlite:///{target}"


def call_by_external_id(session: Session, external_id: str) -> Call:
    """A call of the demo data by its id in the import file."""
    from sqlalchemy import select

    call = session.scalar(select(Call).where(Call.external_id == external_id))
    assert call is not None, external_id
    return call


# --- a real server and a real browser -------------------------------------------------------

BROWSER_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def chromium_path() -> str | None:
    """Debian's Chromium (or CHROMIUM_PATH); Playwright cannot download browsers here."""
    import os

    for candidate in (
        os.environ.get("CHROMIUM_PATH"),
        "/usr/bin/chromium",
        "/usr/bin/chromium-browser",
    ):
        if candidate and Path(candidate).exists():
            return candidate
    return None


@contextmanager
def serving(wsgi_app: Any) -> Iterator[str]:
    """`wsgi_app` served by a real HTTP server in a thread; yields its base URL."""
    import threading

    from werkzeug.serving import make_server

    server = make_server("127.0.0.1", 0, wsgi_app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(timeout=5)


@pytest.fixture
def live_server(config: Config, engine) -> Iterator[str]:
    """The app with CSRF on, served by a real HTTP server in a thread; yields its base URL."""
    from webapp.app import create_app

    with serving(create_app(config)) as url:
        yield url


def mounted_at(wsgi_app: Any, prefix: str) -> Any:
    """`wsgi_app` as a WSGI server mounts it under `prefix` (gunicorn's SCRIPT_NAME, werkzeug's
    DispatcherMiddleware): the prefix moves from PATH_INFO to SCRIPT_NAME."""
    from werkzeug.exceptions import NotFound
    from werkzeug.middleware.dispatcher import DispatcherMiddleware

    return DispatcherMiddleware(NotFound(), {prefix: wsgi_app})


def behind_proxy(wsgi_app: Any, prefix: str) -> Any:
    """`wsgi_app` as nginx publishes it under `prefix` (`location /prefix/ { proxy_pass
    http://app/; proxy_set_header X-Forwarded-Prefix /prefix; … }`): the prefix is taken
    off the path and named in X-Forwarded-Prefix; any other path is nginx's 404."""
    from werkzeug.exceptions import NotFound

    def proxy(environ: dict[str, Any], start_response: Any) -> Any:
        path = environ.get("PATH_INFO", "")
        if not path.startswith(prefix + "/"):
            return NotFound()(environ, start_response)
        forwarded = dict(
            environ,
            PATH_INFO=path.removeprefix(prefix),
            HTTP_X_FORWARDED_PREFIX=prefix,
            HTTP_X_FORWARDED_FOR=environ.get("REMOTE_ADDR", "127.0.0.1"),
            HTTP_X_FORWARDED_PROTO=environ.get("wsgi.url_scheme", "http"),
        )
        return wsgi_app(forwarded, start_response)

    return proxy


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """A headless Chromium driven by Playwright (skipped when no Chromium is installed)."""
    executable = chromium_path()
    if executable is None:
        pytest.skip("Browser-Tests übersprungen: kein Chromium gefunden (apt-get install chromium)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.skip("Browser-Tests übersprungen: playwright ist nicht installiert")
    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=executable, args=BROWSER_FLAGS)
        try:
            yield instance
        finally:
            instance.close()


def logged_in_tab(
    browser: Any,
    live_server: str,
    user: Any,
    *,
    viewport: dict[str, int] | None = None,
    javascript: bool = True,
) -> Any:
    """A new tab in its own browser context, logged in as `user` through the login form.

    Close it with `tab.context.close()`.
    """
    from tests.conftest import TEST_PASSWORD

    context = browser.new_context(
        viewport=viewport or {"width": 1280, "height": 900},
        locale="de-DE",
        java_script_enabled=javascript,
    )
    tab = context.new_page()
    tab.set_default_timeout(10_000)
    tab.goto(live_server + "/anmelden")
    tab.get_by_label("E-Mail-Adresse").fill(user.email)
    tab.get_by_label("Passwort").fill(TEST_PASSWORD)
    tab.get_by_role("button", name="Anmelden").click()
    tab.wait_for_url(live_server + "/")
    return tab


# a complete call as an officer enters it at /aufrufe/neu
MANUAL_CALL = {
    "title": "Förderaufruf Smart Region: LoRaWAN-Sensorik für Kommunen",
    "url": "https://www.example.nrw/smart-region",
    "funder": "Land NRW",
    "summary": "Kommunen erhalten Zuschüsse für LoRaWAN-Netze und Sensorik.",
    "eligible": "Kommune, Landkreis",
    "region": "NRW",
    "deadline": (local_today() + timedelta(days=60)).isoformat(),
    "amount_max_eur": "250.000",
    "funding_rate": "80",
}


@pytest.fixture
def demo_pages(session: Session, user: User) -> dict[str, str]:
    """The pages to check, on demo data with a scraped source and a call in work."""
    user_row = session.get(User, user.id)
    assert user_row is not None
    user_row.role = "admin"  # the users page too
    source = Source(
        name="digitalagentur-nrw",
        kind="feed",
        label="Digitalagentur NRW – Förderhinweise für Kommunen (Atom)",
        url="https://www.digitalagentur.nrw/feed.atom",
    )
    session.add(source)
    session.flush()
    started = datetime.now(UTC).replace(tzinfo=None) - timedelta(days=7)
    for week, hints in ((0, ""), (1, "Feed fehlerhaft, Einträge trotzdem gelesen")):
        run = ScrapeRun(
            source_id=source.id,
            started_at=started + timedelta(days=7 * week),
            status="ok",
            parsed=6,
            new=6 - 6 * week,
        )
        if hints:
            run.set_warnings([hints])
        session.add(run)
    call = session.scalars(
        select(Call).where(Call.deadline > local_today()).order_by(Call.deadline)
    ).first()
    assert call is not None and call.deadline is not None
    session.add(Review(call_id=call.id, status="relevant"))
    call.amount_max_eur = 1_500_000
    session.add(CallChange(call_id=call.id, field="amount_max_eur", old=1_000_000, new=1_500_000))
    session.commit()
    project = session.scalars(select(ProjectRow).order_by(ProjectRow.id)).first()
    assert project is not None
    return {
        "Eingang": "/",
        "Alle Aufrufe": "/aufrufe?sort=frist",
        "Aufruf": f"/aufrufe/{call.id}",
        "Strategie": "/strategie/",
        "Projekt": f"/strategie/projekte/{project.id}",
        "Fristen": "/fristen/",
        "Fristen im Monat": f"/fristen/?monat={call.deadline:%Y-%m}",
        "Quellen": "/quellen/",
        "Konto": "/konto",
        "Benutzer": "/verwaltung/benutzer",
        "Aufruf anlegen": "/aufrufe/neu",
        "Hilfe": "/hilfe/",
    }
