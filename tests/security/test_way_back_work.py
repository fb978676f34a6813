"""A hand-made `zurueck` is read once per page, not once per link.

Every call on the Fristen and a project's page links back to the page (`current_path`), and
reading a way back unwraps the ways back inside it (`views.context.way_back`). A link with a
long, deeply nested `zurueck` (up to the server's 256 KB request line, sent to an officer or
opened by one) made each row unwrap it again: a project with a hundred calls cost a worker
some ten seconds per request.
"""

from __future__ import annotations

import re
from urllib.parse import quote

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.conftest import TEST_PASSWORD
from webapp.config import Config
from webapp.views import context


def _nested(depth: int) -> str:
    back = "/aufrufe?q=" + "x" * 200
    for _ in range(depth):
        back = "/fristen/?zurueck=" + quote(back, safe="")
    return back


@pytest.fixture
def officer(hostile_db: Config) -> FlaskClient:
    from webapp.app import create_app

    app: Flask = create_app(hostile_db)
    app.config.update(WTF_CSRF_ENABLED=False)
    client = app.test_client()
    data = {"email": "anna.schulte@kreis-coesfeld.de", "password": TEST_PASSWORD}
    assert client.post("/anmelden", data=data).status_code == 302
    return client


def test_a_nested_way_back_is_unwrapped_once_per_page(
    officer: FlaskClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    unwrapped: list[str] = []
    real = context.way_back

    def counting(path: str | None) -> str | None:
        unwrapped.append(path or "")
        return real(path)

    monkeypatch.setattr(context, "way_back", counting)
    response = officer.get("/fristen/?zurueck=" + quote(_nested(8), safe=""))

    assert response.status_code == 200
    body = response.get_data(as_text=True)
    # the hostile calls' deadlines, each a link back to the Fristen with the way back cut to
    # its origin, the list
    links = re.findall(r'href="/aufrufe/\d+\?zurueck=([^"]*)%23', body)
    assert len(links) >= 4
    assert set(links) == {"/fristen/?zurueck%3D/aufrufe%253Fq%253D" + "x" * 200}
    assert len(unwrapped) == 1
