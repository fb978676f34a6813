"""Login, the login requirement on every route, CSRF, rate limiting, `next`, headers."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.conftest import TEST_PASSWORD
from webapp.auth import PUBLIC_ENDPOINTS, safe_next
from webapp.models import User, utcnow
from webapp.users import MAX_FAILED_LOGINS

SAMPLE_ARGS = {"call_id": 1, "project_id": 1, "user_id": 1, "token": "x", "filename": "style.css"}


def _routes(app: Flask) -> list[tuple[str, str, str]]:
    """(endpoint, method, url) for every rule of the app, with sample arguments filled in."""
    out = []
    for rule in app.url_map.iter_rules():
        # Unknown int arguments (routes others add) get 1, everything else "x".
        converters = rule._converters  # the converter tells int from str arguments
        args: dict[str, Any] = {
            a: SAMPLE_ARGS.get(a, 1 if type(converters[a]).__name__ == "IntegerConverter" else "x")
            for a in rule.arguments
        }
        with app.test_request_context():
            from flask import url_for

            url = url_for(rule.endpoint, **args)
        for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}):
            out.append((rule.endpoint, method, url))
    return out


def test_every_route_but_login_static_and_feed_redirects_to_login(client: FlaskClient) -> None:
    routes = _routes(client.application)
    assert len(routes) > 10
    checked = 0
    for endpoint, method, url in routes:
        if endpoint in PUBLIC_ENDPOINTS:
            continue
        response = client.open(url, method=method)
        assert response.status_code == 302, (endpoint, method, url, response.status_code)
        assert response.headers["Location"].startswith("/anmelden"), (endpoint, url)
        checked += 1
    assert checked >= 12


def test_public_endpoints_are_login_static_token_feed_and_password_reset(
    client: FlaskClient,
) -> None:
    assert client.get("/anmelden").status_code == 200
    assert client.get("/static/style.css").status_code == 200
    # The calendar feed needs its secret token instead of a session.
    assert client.get("/kalender/falsch.ics").status_code == 404
    # Passwort vergessen: the request page, and the new-password page behind a signed link.
    assert client.get("/passwort-vergessen").status_code == 200
    assert client.get("/passwort-neu/falsch").status_code == 400
    assert {
        "auth.login",
        "static",
        "account.ical_feed",
        "password.forgot",
        "password.reset",
    } == PUBLIC_ENDPOINTS


def test_login_with_wrong_password_is_refused(client: FlaskClient, user: User) -> None:
    response = client.post("/anmelden", data={"email": user.email, "password": "falsch-falsch"})
    assert response.status_code == 401
    assert "E-Mail-Adresse oder Passwort ist falsch" in response.get_data(as_text=True)
    assert client.get("/").status_code == 302


def test_unknown_email_gets_the_same_message(client: FlaskClient) -> None:
    response = client.post("/anmelden", data={"email": "nobody@x.de", "password": "irgendwas"})
    assert response.status_code == 401
    assert "E-Mail-Adresse oder Passwort ist falsch" in response.get_data(as_text=True)


def test_login_is_locked_after_repeated_failures(
    client: FlaskClient, user: User, session: Session
) -> None:
    for _ in range(MAX_FAILED_LOGINS):
        client.post("/anmelden", data={"email": user.email, "password": "falsch-falsch"})
    # Even the right password is refused while the account is locked.
    response = client.post("/anmelden", data={"email": user.email, "password": TEST_PASSWORD})
    assert response.status_code == 401
    assert "gesperrt" in response.get_data(as_text=True)
    row = session.scalar(select(User).where(User.id == user.id))
    assert row is not None and row.locked_until is not None and row.locked_until > utcnow()
    # Once the lock has expired, the right password works again.
    row.locked_until = utcnow() - timedelta(seconds=1)
    session.commit()
    response = client.post("/anmelden", data={"email": user.email, "password": TEST_PASSWORD})
    assert response.status_code == 302


@pytest.mark.parametrize(
    ("target", "expected"),
    [
        ("/aufrufe/3?x=1", "/aufrufe/3?x=1"),
        ("/", "/"),
        ("https://evil.example/", None),
        ("//evil.example/", None),
        ("/\\evil.example", None),
        ("javascript:alert(1)", None),
        ("", None),
        (None, None),
    ],
)
def test_safe_next_allows_only_local_paths(target: str | None, expected: str | None) -> None:
    assert safe_next(target) == expected


def test_login_follows_local_next_but_not_external(client: FlaskClient, user: User) -> None:
    data = {"email": user.email, "password": TEST_PASSWORD}
    response = client.post("/anmelden?next=/fristen/", data=data)
    assert response.headers["Location"] == "/fristen/"
    client.post("/abmelden")
    response = client.post("/anmelden?next=https://evil.example/", data=data)
    assert response.headers["Location"] == "/"


def test_logged_out_page_request_remembers_where_to_go(client: FlaskClient) -> None:
    response = client.get("/strategie/")
    assert response.headers["Location"] == "/anmelden?next=/strategie/"


def test_a_form_sent_after_the_session_ended_says_so_and_leads_back(client: FlaskClient) -> None:
    """Logged out in another tab, the officer saves a Bewertung: not silently lost."""
    response = client.post(
        "/aufrufe/1/bewertung",
        data={"status": "relevant"},
        headers={"Referer": "http://localhost/aufrufe/1?zurueck=/"},
    )
    assert response.status_code == 302
    assert response.headers["Location"] == "/anmelden?next=/aufrufe/1?zurueck%3D/"
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Nicht gespeichert: Sie waren nicht mehr angemeldet" in page
    # a Referer of another site is no way back
    other = client.post("/aufrufe/1/bewertung", headers={"Referer": "https://evil.example/x"})
    assert other.headers["Location"] == "/anmelden"


def test_logout_needs_post(auth_client: FlaskClient) -> None:
    assert auth_client.get("/abmelden").status_code == 405
    assert auth_client.post("/abmelden").status_code == 302
    assert auth_client.get("/").status_code == 302


def test_security_headers_on_every_page(auth_client: FlaskClient) -> None:
    for url in ("/", "/anmelden", "/aufrufe", "/static/style.css"):
        response = auth_client.get(url)
        csp = response.headers["Content-Security-Policy"]
        assert "default-src 'self'" in csp
        assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
        assert "frame-ancestors 'none'" in csp
        assert response.headers["X-Frame-Options"] == "DENY"
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert response.headers["Referrer-Policy"]


def test_pages_have_no_inline_styles_or_scripts(auth_client: FlaskClient) -> None:
    """The strict CSP would block them, so there must be none to block."""
    for url in ("/", "/aufrufe", "/aufrufe/1", "/strategie/", "/fristen/", "/quellen/", "/konto"):
        page = auth_client.get(url, follow_redirects=True).get_data(as_text=True)
        assert not re.search(r"\sstyle=", page), url
        assert not re.search(r"<script(?![^>]*\ssrc=)[^>]*>", page), url
        assert not re.search(r"\son[a-z]+=", page), url


def test_session_cookie_is_httponly_and_samesite(client: FlaskClient, user: User) -> None:
    response = client.post("/anmelden", data={"email": user.email, "password": TEST_PASSWORD})
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie


def test_post_without_csrf_token_is_refused(app: Flask, user: User) -> None:
    app.config["WTF_CSRF_ENABLED"] = True
    client = app.test_client()
    # Without the token even the login is refused ...
    response = client.post("/anmelden", data={"email": user.email, "password": TEST_PASSWORD})
    assert response.status_code == 400
    assert "Sicherheitsschlüssel" in response.get_data(as_text=True)
    # ... with the token from the form it works.
    page = client.get("/anmelden").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert token is not None
    data = {"email": user.email, "password": TEST_PASSWORD, "csrf_token": token.group(1)}
    assert client.post("/anmelden", data=data).status_code == 302
    # A logged-in user's state-changing POST without the token is refused too.
    response = client.post("/aufrufe/1/bewertung", data={"status": "relevant"})
    assert response.status_code == 400
    response = client.post("/konto/kalender-token")
    assert response.status_code == 400


def test_secret_key_is_required_outside_development(config) -> None:
    from webapp.app import create_app
    from webapp.config import DEV_SECRET_KEY, ConfigError

    config.env = "production"
    config.secret_key = DEV_SECRET_KEY
    with pytest.raises(ConfigError):
        create_app(config)


def test_https_base_url_makes_cookies_secure(config, engine) -> None:
    from webapp.app import create_app

    config.base_url = "https://foerdermittel.kreis-coesfeld.de"
    app = create_app(config)
    assert app.config["SESSION_COOKIE_SECURE"] is True
    response = app.test_client().get("/anmelden")
    assert response.headers["Strict-Transport-Security"].startswith("max-age=")
