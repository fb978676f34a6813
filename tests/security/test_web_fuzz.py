"""Random query strings and form fields on every route: the app answers, never with a 500.

(tests/web/test_pages.py tries a list of garbage filter values on the inbox; this draws them
at random for every GET and POST route, on SQLite and — for the characters PostgreSQL
refuses in text, such as NUL — on PostgreSQL too.)
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask, url_for
from flask.testing import FlaskClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from tests.conftest import TEST_PASSWORD, CliInvoker
from tests.security.conftest import hostile_calls
from webapp.config import Config
from webapp.db import make_engine, make_session_factory, transaction
from webapp.formatting import local_today
from webapp.ingest import ingest_records
from webapp.models import Call
from webapp.users import create_user

WEB_FUZZ = settings(
    max_examples=25,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
PARAMS = [
    "q", "theme", "priority", "project", "status", "source", "region", "frist", "min_score",
    "ineligible", "closed", "sort", "page", "scope", "zurueck", "monat", "variant", "next",
    "digest_opt_in", "note", "reason", "assignee", "text", "title", "url", "deadline",
]  # fmt: skip
NASTY = st.sampled_from(
    ["", "0", "-1", "99999999999999999999", "1e309", "NaN", "%", "'", '"', "\\", "\x00", "😀",
     "<script>", "../../etc/passwd", "2027-02-30", "2027-13", "alle", " " * 5, "a" * 5000,
     "\u202e", "\r\n", "None", "[]", "{}"]
)  # fmt: skip
VALUES = st.one_of(NASTY, st.text(max_size=40))
FORMS = st.dictionaries(st.sampled_from(PARAMS) | st.text(max_size=8), VALUES, max_size=6)


def _client(config: Config) -> Iterator[tuple[Flask, FlaskClient, list[int]]]:
    from webapp.app import create_app

    cli = CliInvoker(config)
    assert cli("init").exit_code == 0
    engine = make_engine(config.database_url)
    factory = make_session_factory(engine)
    with transaction(factory) as session:
        ingest_records(session, hostile_calls(local_today()), origin="scrape")
        create_user(session, "anna.schulte@kreis-coesfeld.de", TEST_PASSWORD)
    assert cli("match").exit_code == 0
    with factory() as session:
        ids = list(session.scalars(select(Call.id)))
    engine.dispose()
    app = create_app(config)
    app.config["WTF_CSRF_ENABLED"] = False
    client = app.test_client()
    data = {"email": "anna.schulte@kreis-coesfeld.de", "password": TEST_PASSWORD}
    assert client.post("/anmelden", data=data).status_code == 302
    yield app, client, ids


@pytest.fixture
def logged_in(config: Config) -> Iterator[tuple[Flask, FlaskClient, list[int]]]:
    yield from _client(config)


def _urls(app: Flask, method: str, call_id: int) -> list[str]:
    out = []
    with app.test_request_context():
        for rule in app.url_map.iter_rules():
            if method not in (rule.methods or set()) or rule.endpoint in ("static", "auth.logout"):
                continue
            sample: dict[str, Any] = {
                "call_id": call_id,
                "project_id": 1,
                "token": "x",
                "fmt": "txt",
            }
            out.append(url_for(rule.endpoint, **{a: sample.get(a, 1) for a in rule.arguments}))
    return out


@WEB_FUZZ
@given(query=FORMS)
def test_get_routes_never_answer_500(
    logged_in: tuple[Flask, FlaskClient, list[int]], query: dict[str, str]
) -> None:
    app, client, ids = logged_in
    for url in _urls(app, "GET", ids[0]):
        response = client.get(url, query_string=query)
        assert response.status_code < 500, (url, query, response.status_code)


@settings(WEB_FUZZ, max_examples=15)
@given(form=FORMS)
def test_post_routes_never_answer_500(
    logged_in: tuple[Flask, FlaskClient, list[int]], form: dict[str, str]
) -> None:
    app, client, ids = logged_in
    for url in _urls(app, "POST", ids[0]):
        response = client.post(url, data=form)
        assert response.status_code < 500, (url, form, response.status_code)


@pytest.fixture
def pg_config(postgres: object, tmp_path: Path) -> Config:
    """A test installation on a fresh PostgreSQL database."""
    from tests.conftest import _new_pg_database

    return Config(
        database_url=_new_pg_database(postgres),  # type: ignore[arg-type]
        secret_key="test-secret",
        env="test",
        instance_dir=tmp_path / "instance",
        testing=True,
    )


@pytest.mark.postgres
def test_nul_and_other_odd_characters_on_postgresql(pg_config: Config) -> None:
    """PostgreSQL refuses NUL in text; a search or a note containing one must not be a 500."""
    any_config = pg_config
    for app, client, ids in _client(any_config):
        odd = ["a\x00b", "\x00", "😀", "\u202e", "'; DROP TABLE calls; --", "%_\\"]
        for value in odd:
            for url in ("/", "/aufrufe", f"/aufrufe/{ids[0]}"):
                response = client.get(url, query_string={"q": value, "source": value})
                assert response.status_code < 500, (url, value, response.status_code)
            response = client.post(
                f"/aufrufe/{ids[0]}/bewertung", data={"status": "relevant", "note": value}
            )
            assert response.status_code < 500, ("review", value, response.status_code)
        # Scraped text with a NUL is stored (without it), not a failed ingest.
        from scrapers.record import CallRecord

        engine = make_engine(any_config.database_url)
        with transaction(make_session_factory(engine)) as session:
            record = CallRecord("nul", "n1", "https://e.org/n1", "Titel\x00mit NUL", text="a\x00b")
            ingest_records(session, [record], origin="scrape")
        with make_session_factory(engine)() as session:
            call = session.scalar(select(Call).where(Call.source == "nul"))
            assert call is not None and call.title == "Titelmit NUL" and call.text == "ab"
        engine.dispose()
        assert app
