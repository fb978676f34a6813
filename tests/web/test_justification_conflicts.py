"""Begründungstexte with two officers and after a new strategy edition with the same keys."""

from __future__ import annotations

import re
from html import unescape
from pathlib import Path

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session
from werkzeug.test import TestResponse

from tests.conftest import REPO_ROOT, CliInvoker
from tests.web.test_quick_undo import LIST, _row_ids
from tests.web.test_review_conflicts import _colleague
from webapp.models import Justification


def _entry_form(page: str, action: str = "speichern") -> dict[str, str]:
    """The hidden fields of the first text's form with `action` (and the action)."""
    form = re.search(
        rf'<form method="post" action="([^"]*begruendung/{action})">(.*?)</form>', page, re.S
    )
    assert form is not None
    fields = {
        n: unescape(v)
        for n, v in re.findall(
            r'<input type="hidden" name="([^"]+)" value="([^"]*)"', form.group(2)
        )
    }
    fields["action"] = unescape(form.group(1))
    return fields


def _post(client: FlaskClient, fields: dict[str, str], **data: str) -> TestResponse:
    data = {k: v for k, v in fields.items() if k != "action"} | data
    return client.post(fields["action"], data=data)


def _texts(session: Session, call_id: int) -> list[str | None]:
    session.expire_all()
    return [
        j.edited_text
        for j in session.scalars(select(Justification).where(Justification.call_id == call_id))
    ]


def test_texts_work_after_a_new_edition_with_the_same_project_keys(
    cli: CliInvoker, tmp_path: Path, auth_client: FlaskClient
) -> None:
    source = (REPO_ROOT / "data" / "strategy" / "coesfeld-12-0.yaml").read_text()
    edition = tmp_path / "coesfeld-13-0.yaml"
    edition.write_text(source.replace("\nid: coesfeld-12-0", "\nid: coesfeld-13-0", 1))
    assert cli("strategy", "load", str(edition)).exit_code == 0
    assert cli("match").exit_code == 0
    call_id = _row_ids(auth_client.get(LIST).get_data(as_text=True))[0]
    fields = _entry_form(auth_client.get(f"/aufrufe/{call_id}").get_data(as_text=True))
    response = _post(auth_client, fields, text="Meine Fassung")
    assert response.status_code == 302
    download = auth_client.get(
        f"/aufrufe/{call_id}/begruendung/download.txt",
        query_string={"project": fields["project"], "variant": fields["variant"]},
    )
    assert download.status_code == 200 and "Meine Fassung" in download.get_data(as_text=True)
    page = auth_client.get(f"/aufrufe/{call_id}").get_data(as_text=True)
    discard = _entry_form(page, "verwerfen")
    assert _post(auth_client, discard).status_code == 302


def test_a_save_from_an_older_page_keeps_the_colleagues_text(
    app: Flask, engine: Engine, auth_client: FlaskClient, session: Session
) -> None:
    other = _colleague(app, engine)
    call_id = _row_ids(auth_client.get(LIST).get_data(as_text=True))[0]
    mine = _entry_form(auth_client.get(f"/aufrufe/{call_id}").get_data(as_text=True))
    theirs = _entry_form(other.get(f"/aufrufe/{call_id}").get_data(as_text=True))
    assert _post(auth_client, mine, text="Annas Fassung, lange überarbeitet").status_code == 302

    response = _post(other, theirs, text="Bernds Fassung")
    assert response.status_code == 409
    assert "Annas Fassung, lange überarbeitet" in _texts(session, call_id)
    page = response.get_data(as_text=True)
    assert "inzwischen von Anna Schulte geändert" in page
    # his text is kept in the open edit form, which now carries the current version
    assert re.search(r"<details class=\"j-edit\" open>.*?>Bernds Fassung</textarea>", page, re.S)
    # its counter counts his text, not the colleague's
    kept = re.search(
        r'>Bernds Fassung</textarea>\s*<p class="small muted"><span id="[^"]+-count"[^>]*>(\d+)</span>',
        page,
    )
    assert kept is not None and kept.group(1) == str(len("Bernds Fassung"))
    again = _entry_form(page)
    assert again["version"] and again["version"] != theirs["version"]
    assert again["next"] == theirs["next"]
    assert _post(other, again, text="Bernds Fassung").status_code == 302
    assert "Bernds Fassung" in _texts(session, call_id)


def test_a_discard_from_an_older_page_keeps_the_colleagues_text(
    app: Flask, engine: Engine, auth_client: FlaskClient, session: Session
) -> None:
    other = _colleague(app, engine)
    call_id = _row_ids(auth_client.get(LIST).get_data(as_text=True))[0]
    first = _entry_form(auth_client.get(f"/aufrufe/{call_id}").get_data(as_text=True))
    assert _post(auth_client, first, text="Annas erste Fassung").status_code == 302
    # Bernd opens the page with Anna's first version, Anna edits again
    discard = _entry_form(other.get(f"/aufrufe/{call_id}").get_data(as_text=True), "verwerfen")
    second = _entry_form(auth_client.get(f"/aufrufe/{call_id}").get_data(as_text=True))
    assert _post(auth_client, second, text="Annas zweite Fassung").status_code == 302

    response = _post(other, discard)
    assert response.status_code == 409
    assert "Annas zweite Fassung" in _texts(session, call_id)
    assert "inzwischen von Anna Schulte geändert" in response.get_data(as_text=True)
