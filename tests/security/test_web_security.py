"""Web security beyond tests/web/test_auth_security.py (which proves: every route but login,
static and the token feed needs a login — by walking the URL map; CSRF on the login, a review
and the token reset; lockout after repeated failures; `safe_next`; security headers on pages;
the SECRET_KEY check in `create_app`).

Added here: CSRF on *every* POST route, GET never changes state, one user cannot see or change
another's calendar token or settings, `next` through the real login form, headers on error
responses, the lockout under parallel guessing, and `serve` refusing the default secret key.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
import requests
from flask import Flask, url_for
from flask.testing import FlaskClient
from sqlalchemy import Engine, select
from werkzeug.routing import IntegerConverter

from tests.conftest import TEST_PASSWORD, CliInvoker
from webapp.auth import PUBLIC_ENDPOINTS
from webapp.config import DEV_SECRET_KEY, Config
from webapp.db import make_session_factory
from webapp.formatting import local_today
from webapp.models import Review, User
from webapp.users import MAX_FAILED_LOGINS, create_user

SAMPLE = {"call_id": 1, "project_id": 1, "token": "x", "filename": "style.css", "fmt": "txt"}
OTHER_EMAIL = "bernd.beispiel@kreis-coesfeld.de"


def _rules(app: Flask, method: str) -> list[tuple[str, str]]:
    out = []
    with app.test_request_context():
        for rule in app.url_map.iter_rules():
            if method in (rule.methods or set()):
                args: dict[str, Any] = {
                    a: SAMPLE.get(
                        a, 1 if isinstance(rule._converters[a], IntegerConverter) else "x"
                    )
                    for a in rule.arguments
                }
                out.append((rule.endpoint, url_for(rule.endpoint, **args)))
    return out


def _token(page: str) -> str:
    found = re.search(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"', page)
    assert found is not None, "no CSRF token in the form"
    return found.group(1)


@pytest.fixture
def csrf_app(app: Flask) -> Flask:
    app.config["WTF_CSRF_ENABLED"] = True
    return app


@pytest.fixture
def two_users(engine: Engine) -> tuple[User, User]:
    with make_session_factory(engine)() as s:
        anna = create_user(s, "anna.schulte@kreis-coesfeld.de", TEST_PASSWORD, name="Anna")
        bernd = create_user(s, OTHER_EMAIL, TEST_PASSWORD, name="Bernd")
        s.commit()
        return anna, bernd


def _login(client: FlaskClient, email: str) -> None:
    token = _token(client.get("/anmelden").get_data(as_text=True))
    data = {"email": email, "password": TEST_PASSWORD, "csrf_token": token}
    assert client.post("/anmelden", data=data).status_code == 302


def test_every_post_route_refuses_missing_or_foreign_csrf_token(
    csrf_app: Flask, two_users: tuple[User, User]
) -> None:
    anna, bernd = two_users
    client = csrf_app.test_client()
    _login(client, anna.email)
    other = csrf_app.test_client()
    _login(other, bernd.email)
    foreign = _token(other.get("/konto").get_data(as_text=True))
    posts = _rules(csrf_app, "POST")
    assert len(posts) >= 7
    for endpoint, url in posts:
        for data in ({}, {"csrf_token": "falsch"}, {"csrf_token": foreign}):
            response = client.post(url, data={**data, "status": "relevant", "digest_opt_in": "1"})
            assert response.status_code == 400, (endpoint, data, response.status_code)
    # Still logged in and nothing changed.
    assert client.get("/konto").status_code == 200


def test_get_never_changes_state(app: Flask, auth_client: FlaskClient, engine: Engine) -> None:
    """Every GET route, called with state-changing parameters, leaves the database as it was."""
    with make_session_factory(engine)() as s:
        user = s.scalar(select(User))
        assert user is not None
        before = (user.digest_opt_in, user.ical_token, s.scalars(select(Review)).all())
    params = "?status=relevant&digest_opt_in=0&note=x&text=x&confirm=1"
    for endpoint, url in _rules(app, "GET"):
        if endpoint in ("auth.login", "static"):
            continue
        auth_client.get(url + params)
    with make_session_factory(engine)() as s:
        user = s.scalar(select(User))
        assert user is not None
        assert (user.digest_opt_in, user.ical_token, s.scalars(select(Review)).all()) == before


def test_state_changing_routes_refuse_get(app: Flask, auth_client: FlaskClient) -> None:
    post_only = [
        (endpoint, url)
        for endpoint, url in _rules(app, "POST")
        if (endpoint, url) not in _rules(app, "GET")
    ]
    assert {e for e, _ in post_only} >= {"auth.logout", "calls.review", "account.regenerate_token"}
    for endpoint, url in post_only:
        assert auth_client.get(url).status_code == 405, endpoint


def test_one_user_never_sees_or_changes_anothers_token_or_settings(
    app: Flask, two_users: tuple[User, User], engine: Engine
) -> None:
    anna, bernd = two_users
    client = app.test_client()
    response = client.post("/anmelden", data={"email": anna.email, "password": TEST_PASSWORD})
    assert response.status_code == 302
    # Bernd's secret appears on none of the pages Anna can open.
    for endpoint, url in _rules(app, "GET"):
        if endpoint in PUBLIC_ENDPOINTS:
            continue
        body = client.get(url, follow_redirects=True).get_data(as_text=True)
        assert bernd.ical_token not in body, endpoint
    assert anna.ical_token in client.get("/konto").get_data(as_text=True)
    # Posting someone else's id or address changes only Anna's own settings.
    client.post(
        "/konto",
        data={"digest_opt_in": "", "user_id": str(bernd.id), "email": bernd.email, "id": bernd.id},
    )
    client.post("/konto/kalender-token", data={"user_id": str(bernd.id), "bestaetigen": "1"})
    with make_session_factory(engine)() as s:
        a = s.get(User, anna.id)
        b = s.get(User, bernd.id)
        assert a is not None and b is not None
        assert a.digest_opt_in is False and a.ical_token != anna.ical_token
        assert b.digest_opt_in == bernd.digest_opt_in and b.ical_token == bernd.ical_token
    # Anna's old calendar URL is dead, Bernd's still works; a guessed token gets 404.
    assert client.get(f"/kalender/{anna.ical_token}.ics").status_code == 404
    assert client.get(f"/kalender/{bernd.ical_token}.ics").status_code == 200
    assert client.get(f"/kalender/{bernd.ical_token[:-1]}.ics").status_code == 404


@pytest.mark.parametrize(
    "target",
    [
        "https://evil.example/",
        "//evil.example/",
        "///evil.example/",
        "/\\evil.example",
        "\\\\evil.example",
        "https:/evil.example",
        "http:evil.example",
        "/%2F%2Fevil.example",
        " //evil.example",
        "\t//evil.example",
        "/\t/evil.example",
        "javascript:alert(1)",
        "data:text/html,x",
    ],
)
def test_login_next_leads_only_to_local_pages(
    client: FlaskClient, two_users: tuple[User, User], target: str
) -> None:
    anna, _ = two_users
    response = client.post(
        "/anmelden",
        query_string={"next": target},
        data={"email": anna.email, "password": TEST_PASSWORD},
    )
    assert response.status_code == 302
    location = response.headers["Location"]
    # A path on this site: no scheme, no host, nothing a browser would read as one.
    assert location.startswith("/") and not location.startswith(("//", "/\\")), location
    assert urlsplit(location).netloc == "" and not re.search(r"[\\\x00-\x20]", location)


def test_security_headers_on_errors_and_feed(csrf_app: Flask, two_users: tuple[User, User]) -> None:
    anna, _ = two_users
    client = csrf_app.test_client()
    responses = {
        "login-csrf-400": client.post("/anmelden", data={}),
        "login": client.get("/anmelden"),
        "feed-404": client.get("/kalender/nix.ics"),
        "feed": client.get(f"/kalender/{anna.ical_token}.ics"),
    }
    _login(client, anna.email)
    responses["404"] = client.get("/aufrufe/99999999")
    responses["405"] = client.get("/abmelden")
    responses["unknown"] = client.get("/gibt-es-nicht")
    for name, response in responses.items():
        assert "default-src 'self'" in response.headers.get("Content-Security-Policy", ""), name
        assert response.headers.get("X-Content-Type-Options") == "nosniff", name
        assert response.headers.get("X-Frame-Options") == "DENY", name
    assert "no-store" in responses["feed"].headers["Cache-Control"]


@pytest.fixture
def served(config: Config, engine: Engine) -> Iterator[str]:
    """The app under a threaded server on loopback (parallel requests really run in parallel).

    The per-address limit is raised: these guesses test the account's own counter, and the
    address limit (tests/security/test_login_throttle.py) would refuse most of them first.
    """
    from werkzeug.serving import make_server

    from webapp.app import create_app

    flask_app = create_app(replace(config, login_limit_per_address=1000))
    flask_app.config["WTF_CSRF_ENABLED"] = False
    server = make_server("127.0.0.1", 0, flask_app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(timeout=5)


def test_parallel_guessing_still_locks_the_account(
    served: str, two_users: tuple[User, User]
) -> None:
    """Forty wrong passwords at once must not slip past the failure counter."""
    anna, _ = two_users

    def guess(n: int) -> int:
        data = {"email": anna.email, "password": f"falsch-{n}"}
        return requests.post(
            f"{served}/anmelden", data=data, allow_redirects=False, timeout=30
        ).status_code

    with ThreadPoolExecutor(max_workers=20) as pool:
        codes = list(pool.map(guess, range(4 * MAX_FAILED_LOGINS + 20)))
    assert set(codes) == {401}
    right = {"email": anna.email, "password": TEST_PASSWORD}
    response = requests.post(f"{served}/anmelden", data=right, allow_redirects=False, timeout=30)
    assert response.status_code == 401 and "gesperrt" in response.text


def test_serve_refuses_the_default_secret_key_in_production(
    cli: CliInvoker, monkeypatch: pytest.MonkeyPatch
) -> None:
    started: list[Any] = []
    monkeypatch.setattr("waitress.serve", lambda *a, **k: started.append(a))
    result = cli("serve", FUNDING_MATCHER_ENV="production", SECRET_KEY="")
    assert result.exit_code != 0 and started == []
    assert "SECRET_KEY" in result.output and "Traceback" not in result.output
    result = cli("serve", FUNDING_MATCHER_ENV="production", SECRET_KEY=DEV_SECRET_KEY)
    assert result.exit_code != 0 and started == []


def test_secrets_come_from_the_environment_only() -> None:
    config = Config.from_env(
        {"SECRET_KEY": "aus-der-umgebung", "SMTP_PASSWORD": "smtp-geheim", "SMTP_USER": "u"}
    )
    assert config.secret_key == "aus-der-umgebung" and config.smtp_password == "smtp-geheim"
    empty = Config.from_env({})
    assert empty.smtp_password == "" and empty.secret_key == DEV_SECRET_KEY
    # A local .env file (read at start-up) is never committed.
    gitignore = (Path(__file__).resolve().parents[2] / ".gitignore").read_text(encoding="utf-8")
    assert re.search(r"^/?\.env$", gitignore, re.M)


def test_oversized_request_body_is_refused_before_it_is_read(client: FlaskClient) -> None:
    """A 3 MB login form (say, a password of three million characters) gets a 413."""
    response = client.post("/anmelden", data={"email": "a@b.de", "password": "x" * 3_000_000})
    assert response.status_code == 413
    assert "zu groß" in response.get_data(as_text=True)
    assert "default-src 'self'" in response.headers["Content-Security-Policy"]


def test_calendar_feed_cannot_be_injected_by_a_title(
    client: FlaskClient, user: User, engine: Engine
) -> None:
    """A scraped title with line breaks must not add events or properties to the iCal feed."""
    from datetime import timedelta

    from scrapers.record import CallRecord
    from webapp.ingest import ingest_records
    from webapp.models import Call

    title = (
        "Aufruf\r\nEND:VEVENT\r\nBEGIN:VEVENT\r\nSUMMARY:Gefälscht;X=1,2\nURL:https://evil.example"
    )
    record = CallRecord(
        "feed", "ics-1", "https://e.org/1", title, deadline=local_today() + timedelta(days=20)
    )
    factory = make_session_factory(engine)
    with factory() as session:
        ingest_records(session, [record], origin="scrape")
        call = session.scalar(select(Call).where(Call.external_id == "ics-1"))
        assert call is not None
        session.add(Review(call_id=call.id, status="relevant"))
        session.commit()
    body = client.get(f"/kalender/{user.ical_token}.ics").get_data(as_text=True)
    lines = body.replace("\r\n ", "").split("\r\n")  # unfold
    assert sum(line == "BEGIN:VEVENT" for line in lines) == 1
    assert not any(line.startswith(("SUMMARY:Gefälscht", "URL:https://evil")) for line in lines)
    summary = next(line for line in lines if line.startswith("SUMMARY:"))
    assert "\\nEND:VEVENT" in summary and "\\;X=1\\,2" in summary


def test_the_account_page_with_the_calendar_address_is_not_cached(
    auth_client: FlaskClient,
) -> None:
    """Back after logout on a shared PC showed the secret calendar address from the cache."""
    response = auth_client.get("/konto")
    assert response.status_code == 200 and "/kalender/" in response.get_data(as_text=True)
    assert "no-store" in response.headers["Cache-Control"]
