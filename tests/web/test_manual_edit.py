"""Correcting a call entered by hand at /aufrufe/<id>/bearbeiten: prefilled form, history, rescore."""

from __future__ import annotations

import html
import re
from datetime import date, timedelta
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from scrapers.record import CallRecord
from tests.conftest import CliInvoker
from tests.web.conftest import MANUAL_CALL, logged_in_tab
from webapp.config import Config
from webapp.db import make_engine, make_session_factory
from webapp.formatting import local_today
from webapp.ingest import ingest_records
from webapp.manual_entry import (
    STALE_MESSAGE,
    StaleEdit,
    edited_record,
    save_edit,
    validated_record,
)
from webapp.migrate import current_revision, downgrade, head_revision, upgrade
from webapp.models import Call, CallChange, CallScore, Match, ProjectRow, Review, User
from webapp.reviews import ReviewInput, set_review

IN_60_DAYS = (local_today() + timedelta(days=60)).isoformat()
IN_90_DAYS = (local_today() + timedelta(days=90)).isoformat()
# The form as it shows MANUAL_CALL again (German numbers, ISO dates, comma lists).
SHOWN = {**MANUAL_CALL, "programme": "", "text": "", "topics": "", "funding_type": ""}
SHOWN |= {"published": "", "opens": ""}


def _enter(client: FlaskClient, **fields: str) -> int:
    """Enter MANUAL_CALL (with `fields` changed) through the form; the new call's id."""
    response = client.post("/aufrufe/neu", data={**MANUAL_CALL, **fields})
    assert response.status_code == 302, response.get_data(as_text=True)
    client.get(response.headers["Location"])  # shows (and so clears) "Aufruf angelegt …"
    return int(response.headers["Location"].rstrip("/").rsplit("/", 1)[1])


def _version(client: FlaskClient, call_id: int) -> str:
    form = client.get(f"/aufrufe/{call_id}/bearbeiten").get_data(as_text=True)
    version = re.search(r'name="version" value="([0-9a-f]+)"', form)
    assert version is not None
    return version.group(1)


def _save(client: FlaskClient, call_id: int, **fields: str) -> Any:
    """Send the edit form as it was shown, with `fields` changed."""
    data = {**SHOWN, "version": _version(client, call_id), **fields}
    return client.post(f"/aufrufe/{call_id}/bearbeiten", data=data)


def _page(client: FlaskClient, url: str) -> str:
    return html.unescape(client.get(url).get_data(as_text=True))


def _history(page: str) -> list[tuple[str, ...]]:
    """The rows of the call page's change history: (when and who, field, before, after)."""
    section = page.split('id="h-changes"', 1)[1].split("</section>", 1)[0]
    body = section.split("<tbody", 1)[1]
    rows = re.findall(r"<tr[^>]*>(.*?)</tr>", body, re.S)
    cells = [re.findall(r"<td[^>]*>(.*?)</td>", row, re.S) for row in rows]
    return [tuple(" ".join(re.sub(r"<[^>]+>", " ", c).split()) for c in row) for row in cells]


def _counts(session: Session) -> tuple[int, int]:
    return (
        session.scalar(select(func.count()).select_from(Call)) or 0,
        session.scalar(select(func.count()).select_from(CallChange)) or 0,
    )


def _stored(session: Session, call_id: int) -> Call:
    session.expire_all()
    call = session.get(Call, call_id)
    assert call is not None
    return call


def _scraped(session: Session) -> Call:
    call = session.scalars(
        select(Call).where(Call.origin != "manual", Call.canonical_id.is_(None)).order_by(Call.id)
    ).first()
    assert call is not None
    return call


def test_a_manual_call_opens_its_form_prefilled_from_the_call_page(
    auth_client: FlaskClient, session: Session
) -> None:
    call_id = _enter(auth_client)
    page = auth_client.get(f"/aufrufe/{call_id}").get_data(as_text=True)
    assert f'href="/aufrufe/{call_id}/bearbeiten">Aufruf bearbeiten</a>' in page

    form = auth_client.get(f"/aufrufe/{call_id}/bearbeiten")
    assert form.status_code == 200
    text = html.unescape(form.get_data(as_text=True))
    assert "<h1>Aufruf bearbeiten</h1>" in text
    assert f'action="/aufrufe/{call_id}/bearbeiten"' in text
    for name in ("title", "url", "funder", "eligible", "region", "deadline"):
        assert f'name="{name}"' in text and f'value="{MANUAL_CALL[name]}"' in text, name
    assert 'value="250.000"' in text and 'value="80"' in text  # German, as typed
    assert f">{MANUAL_CALL['summary']}</textarea>" in text
    assert "Änderungen speichern" in text
    assert f'href="/aufrufe/{call_id}">Abbrechen</a>' in text


def test_saving_the_form_unchanged_changes_nothing(
    auth_client: FlaskClient, session: Session
) -> None:
    call_id = _enter(auth_client, amount_max_eur="1.250.000,504", funding_rate="89,71")
    stored = _stored(session, call_id)
    before = (stored.content_hash, stored.amount_max_eur, stored.funding_rate)
    assert before[1:] == (1250000.504, 89.71 / 100)
    counts = _counts(session)
    form = html.unescape(auth_client.get(f"/aufrufe/{call_id}/bearbeiten").get_data(as_text=True))
    # rounded for reading, money to the cent
    assert 'value="1.250.000,50"' in form and 'value="89,71"' in form

    response = _save(auth_client, call_id, amount_max_eur="1.250.000,50", funding_rate="89,71")
    assert response.status_code == 302
    assert "Keine Änderung" in _page(auth_client, response.headers["Location"])
    call = _stored(session, call_id)
    # the numbers as stored, not as shown: untouched fields do not change
    assert (call.content_hash, call.amount_max_eur, call.funding_rate) == before
    assert _counts(session) == counts


def test_an_edit_changes_the_call_and_the_history_keeps_the_old_values_and_who(
    auth_client: FlaskClient, session: Session, user: User
) -> None:
    call_id = _enter(auth_client)
    response = _save(
        auth_client,
        call_id,
        title="Smart Region 2027: LoRaWAN-Sensorik für Kommunen",
        amount_max_eur="1,5 Mio.",
        deadline=IN_90_DAYS,
        eligible="Kommune",
    )
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/aufrufe/{call_id}")
    page = _page(auth_client, response.headers["Location"])
    assert "Änderungen gespeichert" in page

    call = _stored(session, call_id)
    assert call.title == "Smart Region 2027: LoRaWAN-Sensorik für Kommunen"
    assert (call.amount_max_eur, call.deadline, call.eligible) == (
        1_500_000.0,
        date.fromisoformat(IN_90_DAYS),
        ["Kommune"],
    )
    assert (call.origin, call.external_id, call.funder) == (
        "manual",
        MANUAL_CALL["url"],
        "Land NRW",
    )
    changes = session.scalars(select(CallChange).where(CallChange.call_id == call_id)).all()
    assert {c.field for c in changes} == {"title", "amount_max_eur", "deadline", "eligible"}
    assert {c.user_id for c in changes} == {user.id}
    by_field = {c.field: (c.old, c.new) for c in changes}
    assert by_field["amount_max_eur"] == (250000.0, 1500000.0)
    assert by_field["title"][0] == MANUAL_CALL["title"]

    # The call page shows the old values, the new ones, when and who.
    rows = {row[1]: row for row in _history(page)}
    assert rows["Höchstbetrag"][2:] == ("250.000 €", "1.500.000 €")
    old_deadline = date.fromisoformat(MANUAL_CALL["deadline"]).strftime("%d.%m.%Y")
    assert rows["Frist"][2:] == (old_deadline, date.fromisoformat(IN_90_DAYS).strftime("%d.%m.%Y"))
    assert rows["Antragsberechtigt"][2:] == ("Kommune, Landkreis", "Kommune")
    assert rows["Titel"][2] == MANUAL_CALL["title"]
    assert all("Anna Schulte" in row[0] for row in rows.values())

    # A second edit adds to the history; the first one's rows stay.
    assert (
        _save(auth_client, call_id, title="Smart Region 2028", funder="MWIKE NRW").status_code
        == 302
    )
    page = _page(auth_client, f"/aufrufe/{call_id}")
    fields = [row[1] for row in _history(page)]
    assert fields.count("Titel") == 2 and "Fördergeber" in fields and "Höchstbetrag" in fields


def test_bad_input_keeps_everything_typed_and_names_the_field(
    auth_client: FlaskClient, session: Session
) -> None:
    call_id = _enter(auth_client)
    before, counts = _stored(session, call_id).content_hash, _counts(session)
    response = _save(
        auth_client,
        call_id,
        title="Neuer Titel, noch nicht gespeichert",
        summary="Geänderte Kurzbeschreibung",
        amount_max_eur="ganz viel",
    )
    assert response.status_code == 400
    text = response.get_data(as_text=True)
    error = re.search(r'<span class="hint error-text" id="m-amount-error">(.*?)</span>', text)
    assert error is not None
    assert "Höchstbetrag: bitte eine Zahl angeben, z. B. 250.000" in html.unescape(error.group(1))
    assert 'aria-describedby="m-amount-error"' in text
    for value in ("Neuer Titel, noch nicht gespeichert", "ganz viel", MANUAL_CALL["funder"]):
        assert f'value="{value}"' in text
    assert ">Geänderte Kurzbeschreibung</textarea>" in html.unescape(text)
    assert "<h1>Aufruf bearbeiten</h1>" in text  # still the edit form, for the same call
    assert f'action="/aufrufe/{call_id}/bearbeiten"' in text
    assert _stored(session, call_id).content_hash == before and _counts(session) == counts


def test_scraped_and_imported_calls_cannot_be_edited(
    auth_client: FlaskClient, session: Session
) -> None:
    scraped = _scraped(session)
    page = auth_client.get(f"/aufrufe/{scraped.id}").get_data(as_text=True)
    assert "/bearbeiten" not in page and ">Aufruf bearbeiten</a>" not in page
    assert auth_client.get(f"/aufrufe/{scraped.id}/bearbeiten").status_code == 403
    before, counts = scraped.content_hash, _counts(session)
    response = auth_client.post(
        f"/aufrufe/{scraped.id}/bearbeiten",
        data={**SHOWN, "url": scraped.url, "version": scraped.content_hash},
    )
    assert response.status_code == 403
    refused = response.get_data(as_text=True)
    assert "Kein Zugriff" in refused
    # the page says why: not missing rights, but a call its source keeps up to date
    assert "Bearbeiten lassen sich nur Aufrufe, die von Hand erfasst wurden." in refused
    came = "wurde importiert" if scraped.origin == "import" else "kommt von einer Quelle"
    assert f"Dieser Aufruf {came}" in refused
    assert _stored(session, scraped.id).content_hash == before and _counts(session) == counts
    assert auth_client.get("/aufrufe/999999/bearbeiten").status_code == 404


def test_editing_needs_a_login_and_a_csrf_token(
    app: Flask, client: FlaskClient, auth_client: FlaskClient, session: Session
) -> None:
    call_id = _enter(auth_client)
    before = _stored(session, call_id).content_hash
    for response in (
        client.get(f"/aufrufe/{call_id}/bearbeiten"),
        client.post(f"/aufrufe/{call_id}/bearbeiten", data={**SHOWN, "title": "Anonym"}),
    ):
        assert response.status_code == 302 and "/anmelden" in response.headers["Location"]

    app.config["WTF_CSRF_ENABLED"] = True
    version = _version(auth_client, call_id)
    data = {**SHOWN, "title": "Ohne Token", "version": version}
    assert auth_client.post(f"/aufrufe/{call_id}/bearbeiten", data=data).status_code == 400
    assert _stored(session, call_id).content_hash == before

    form = auth_client.get(f"/aufrufe/{call_id}/bearbeiten").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', form)
    assert token is not None
    data = {**data, "title": "Mit Token", "csrf_token": token.group(1)}
    assert auth_client.post(f"/aufrufe/{call_id}/bearbeiten", data=data).status_code == 302
    assert _stored(session, call_id).title == "Mit Token"


def test_a_change_made_meanwhile_is_not_overwritten_unseen(
    auth_client: FlaskClient, session: Session
) -> None:
    call_id = _enter(auth_client)
    opened = _version(auth_client, call_id)  # officer A opens the form ...
    assert _save(auth_client, call_id, funder="Land NRW (MWIKE)").status_code == 302  # ... B saves

    data = {**SHOWN, "version": opened, "deadline": IN_90_DAYS}
    response = auth_client.post(f"/aufrufe/{call_id}/bearbeiten", data=data)
    assert response.status_code == 400
    text = html.unescape(response.get_data(as_text=True))
    assert STALE_MESSAGE in text
    # the current version opens beside the form, which keeps A's input
    assert f'<a href="/aufrufe/{call_id}" target="_blank" rel="noopener">Aktuelle Fassung' in text
    assert f'value="{IN_90_DAYS}"' in text
    call = _stored(session, call_id)
    assert (call.funder, call.deadline) == (
        "Land NRW (MWIKE)",
        date.fromisoformat(MANUAL_CALL["deadline"]),
    )

    # Sent again from the refusal (which carries the current version), A's input is saved.
    current = re.search(r'name="version" value="([0-9a-f]+)"', text)
    assert current is not None and current.group(1) == call.content_hash
    again = auth_client.post(
        f"/aufrufe/{call_id}/bearbeiten", data={**data, "version": current.group(1)}
    )
    assert again.status_code == 302
    assert _stored(session, call_id).deadline == date.fromisoformat(IN_90_DAYS)


def test_the_same_form_sent_twice_is_saved_once_and_not_called_stale(
    auth_client: FlaskClient, session: Session
) -> None:
    """A double click on "Änderungen speichern" sends the form twice with one version. The
    browser shows the second answer: before, it said the call had been changed meanwhile and
    nothing was saved, while the first request had saved it."""
    call_id = _enter(auth_client)
    data = {**SHOWN, "version": _version(auth_client, call_id), "deadline": IN_90_DAYS}
    assert auth_client.post(f"/aufrufe/{call_id}/bearbeiten", data=data).status_code == 302
    counts = _counts(session)
    second = auth_client.post(f"/aufrufe/{call_id}/bearbeiten", data=data)
    assert second.status_code == 302
    page = _page(auth_client, second.headers["Location"])
    assert STALE_MESSAGE not in page and "Keine Änderung" in page
    assert _stored(session, call_id).deadline == date.fromisoformat(IN_90_DAYS)
    assert _counts(session) == counts


def test_two_saves_of_one_version_at_once_keep_the_first(any_config: Config) -> None:
    """Two officers (or a double click) save the form opened at one version at the same time:
    both read the call before either writes. On SQLite, which has no row locks, the second
    write went through: it overwrote the first edit unseen and recorded its changes again
    from the values both had read. Now it is refused, on both backends."""
    engine = make_engine(any_config.database_url)
    try:
        upgrade(engine)
        factory = make_session_factory(engine)
        with factory() as session:
            for email in ("a@kreis.de", "b@kreis.de"):
                session.add(User(email=email, name=email[0], password_hash="x", ical_token=email))
            record, _ = validated_record(dict(SHOWN))
            assert record is not None
            ingest_records(session, [record], origin="manual")
            session.commit()
        first, second = factory(), factory()
        try:
            mine, theirs = (s.scalars(select(Call)).one() for s in (first, second))
            version = mine.content_hash
            officer_a, officer_b = (
                s.scalar(select(User.id).where(User.email == e))
                for s, e in ((first, "a@kreis.de"), (second, "b@kreis.de"))
            )
            edit_a, _ = edited_record(mine, {**SHOWN, "funder": "MWIKE NRW"})
            edit_b, _ = edited_record(theirs, {**SHOWN, "deadline": IN_90_DAYS})
            assert edit_a is not None and edit_b is not None
            assert save_edit(first, mine, edit_a, officer_a, version=version)
            first.commit()
            with pytest.raises(StaleEdit):
                save_edit(second, theirs, edit_b, officer_b, version=version)
            second.rollback()
        finally:
            first.close()
            second.close()
        with factory() as session:
            call = session.scalars(select(Call)).one()
            assert (call.funder, call.deadline) == (
                "MWIKE NRW",
                date.fromisoformat(MANUAL_CALL["deadline"]),
            )
            changes = session.scalars(select(CallChange)).all()
            assert [(c.field, c.old, c.new) for c in changes] == [
                ("funder", "Land NRW", "MWIKE NRW")
            ]
    finally:
        engine.dispose()


def test_a_link_another_call_has_is_refused_and_the_old_link_is_free_again(
    auth_client: FlaskClient, session: Session
) -> None:
    call_id = _enter(auth_client)
    other = _scraped(session)
    before = _stored(session, call_id).content_hash
    response = _save(auth_client, call_id, url=other.url)
    assert response.status_code == 400
    text = response.get_data(as_text=True)
    assert "Unter diesem Link ist schon ein Aufruf erfasst" in html.unescape(text)
    assert f'href="/aufrufe/{other.id}"' in text
    assert _stored(session, call_id).content_hash == before

    # The link corrected: the call keeps its id (the old link), and a new call with the
    # old link is a new call, not an update of the corrected one.
    corrected = "https://www.example.nrw/smart-region-2027"
    assert _save(auth_client, call_id, url=corrected).status_code == 302
    assert _stored(session, call_id).url == corrected
    new_id = _enter(auth_client, title="Ein anderer Aufruf unter dem alten Link")
    assert new_id != call_id
    assert _stored(session, call_id).title == MANUAL_CALL["title"]
    assert _stored(session, new_id).url == MANUAL_CALL["url"]


def test_a_call_a_source_lists_under_the_same_link_stays_editable(
    auth_client: FlaskClient, session: Session
) -> None:
    """Before, once a scrape brought the call under its link, every save was refused with
    "Unter diesem Link ist schon ein Aufruf erfasst", though the link was not touched."""
    call_id = _enter(auth_client)
    url = MANUAL_CALL["url"]
    ingest_records(
        session,
        [
            # the same call, published later by a source: linked as a duplicate of it
            CallRecord(source="nrw-foerderaufrufe", external_id="sr-1", url=url + "/",
                       title=MANUAL_CALL["title"], funder="Land NRW"),
            # another source's differently titled page under the same address: not linked
            CallRecord(source="foerderinfo", external_id="sr-2", url=url,
                       title="Bekanntmachung Kommunale Sensornetze", funder="BMBF"),
        ],
        origin="scrape",
    )  # fmt: skip
    session.commit()
    duplicate = session.scalar(select(Call).where(Call.external_id == "sr-1"))
    assert duplicate is not None and duplicate.canonical_id == call_id

    response = _save(auth_client, call_id, deadline=IN_90_DAYS)
    assert response.status_code == 302, html.unescape(response.get_data(as_text=True))
    assert "Änderungen gespeichert" in _page(auth_client, response.headers["Location"])
    assert _stored(session, call_id).deadline == date.fromisoformat(IN_90_DAYS)
    # the link of its own duplicate is no other call's link either
    assert _save(auth_client, call_id, url=duplicate.url).status_code == 302
    assert _stored(session, call_id).url == duplicate.url
    # but a link that only another call has is still refused
    response = _save(auth_client, call_id, url=url + "?seite=2")
    assert response.status_code == 302  # no call has it
    other = _scraped(session)
    response = _save(auth_client, call_id, url=other.url)
    assert response.status_code == 400
    assert "Unter diesem Link ist schon ein Aufruf erfasst" in html.unescape(
        response.get_data(as_text=True)
    )


def _scores(session: Session, call_id: int) -> tuple[float, dict[str, float], str]:
    session.expire_all()
    score = session.get(CallScore, call_id)
    assert score is not None
    keys = dict(session.execute(select(ProjectRow.id, ProjectRow.key)).tuples().all())
    matches = session.scalars(select(Match).where(Match.call_id == call_id)).all()
    return score.inbox_score, {keys[m.project_id]: m.score for m in matches}, score.content_hash


def test_an_edit_is_scored_again_with_the_saved_model(
    cli: CliInvoker, auth_client: FlaskClient, session: Session
) -> None:
    result = cli("match")
    assert result.exit_code == 0, result.output
    call_id = _enter(
        auth_client,
        summary="Kommunen erhalten Zuschüsse für LoRaWAN-Netze, Sensorik und offene Daten "
        "für Umweltmessungen und die Digitalisierung der Verwaltung.",
    )
    inbox, projects, scored_hash = _scores(session, call_id)
    assert scored_hash == _stored(session, call_id).content_hash

    response = _save(
        auth_client,
        call_id,
        title="Sanierung kommunaler Sportstätten und Schwimmbäder",
        summary="Zuschüsse für Dach, Heizung und Umkleiden von Turnhallen und Freibädern.",
    )
    page = _page(auth_client, response.headers["Location"])
    assert "Änderungen gespeichert und mit der Strategie neu abgeglichen." in page
    inbox_after, projects_after, hash_after = _scores(session, call_id)
    assert hash_after == _stored(session, call_id).content_hash != scored_hash
    assert inbox_after < inbox  # the new text fits the digital strategy less well
    assert projects_after != projects
    assert "lorawan" not in page.split('id="h-match"', 1)[1].split('id="h-text"', 1)[0].lower()


def test_a_dismissed_call_comes_back_when_its_content_is_edited(
    auth_client: FlaskClient, session: Session, user: User
) -> None:
    call_id = _enter(auth_client)
    call = _stored(session, call_id)
    set_review(
        session,
        call,
        ReviewInput(status="nicht relevant", reason="passt nicht zur Strategie"),
        user.id,
    )
    session.commit()
    inbox = "/?q=LoRaWAN-Sensorik"
    assert f'id="call-{call_id}"' not in auth_client.get(inbox).get_data(as_text=True)

    # Saved unchanged: still dismissed.
    _save(auth_client, call_id)
    assert f'id="call-{call_id}"' not in auth_client.get(inbox).get_data(as_text=True)

    response = _save(auth_client, call_id, deadline=IN_90_DAYS)
    page = _page(auth_client, response.headers["Location"])
    assert "weil sich sein Inhalt geändert hat, steht er wieder zur Entscheidung an" in page
    listing = html.unescape(auth_client.get(inbox).get_data(as_text=True))
    assert f'id="call-{call_id}"' in listing and "wieder da: geändert" in listing
    review = session.scalar(select(Review).where(Review.call_id == call_id))
    assert review is not None and review.status == "nicht relevant"  # the decision is kept


def test_an_edit_is_stored_with_its_editor_on_both_backends(any_config: Config) -> None:
    """save_edit on SQLite and PostgreSQL: new values, old ones in the history, signed."""
    engine = make_engine(any_config.database_url)
    try:
        upgrade(engine)
        factory = make_session_factory(engine)
        with factory() as session:
            officer = User(email="o@kreis.de", name="Olga", password_hash="x", ical_token="t")
            session.add(officer)
            record, errors = validated_record(dict(SHOWN))
            assert record is not None and not errors
            ingest_records(session, [record], origin="manual")
            session.commit()
            call = session.scalars(select(Call)).one()
            edited, errors = edited_record(call, {**SHOWN, "funding_rate": "90 %", "text": "Neu."})
            assert edited is not None and not errors
            assert save_edit(session, call, edited, officer.id)
            session.commit()
            assert not save_edit(session, call, edited, officer.id)  # the same again: nothing
        with factory() as session:
            call = session.scalars(select(Call)).one()
            assert (call.funding_rate, call.text, call.amount_max_eur) == (0.9, "Neu.", 250000.0)
            changes = session.scalars(select(CallChange).order_by(CallChange.field)).all()
            assert [(c.field, c.old, c.new, c.user.name if c.user else None) for c in changes] == [
                ("funding_rate", 0.8, 0.9, "Olga"),
                ("text", "", "Neu.", "Olga"),
            ]
    finally:
        engine.dispose()


def test_migration_0006_adds_the_editor_and_keeps_the_history(any_config: Config) -> None:
    """Changes recorded before 0006 survive without an editor; downgrade keeps them too."""
    engine = make_engine(any_config.database_url)
    try:
        upgrade(engine, "0005")
        with engine.begin() as conn:
            conn.exec_driver_sql(
                "INSERT INTO calls (source, external_id, origin, url, title, funder, programme,"
                " summary, text, eligible, region, funding_type, deadlines, topics, status,"
                " language, content_hash, first_seen, last_seen, last_checked) VALUES ('manuell',"
                " 'x', 'manual', 'https://x.de', 'Alt', '', '', '', '', '[]', '', '', '{}', '[]',"
                " '', '', 'h', '2026-11-01', '2026-11-01', '2026-11-01')"
            )
            call_id = conn.exec_driver_sql("SELECT id FROM calls").scalar()
            conn.exec_driver_sql(
                "INSERT INTO call_changes (call_id, field, old, new, changed_at) VALUES "
                f"({call_id}, 'title', '\"Uralt\"', '\"Alt\"', '2026-11-01')"
            )
        upgrade(engine)
        assert current_revision(engine) == head_revision()
        factory = make_session_factory(engine)
        with factory() as session:
            old = session.scalar(select(CallChange))
            assert old is not None and (old.old, old.new, old.user_id) == ("Uralt", "Alt", None)
            officer = User(email="o@kreis.de", name="O", password_hash="x", ical_token="t")
            session.add(officer)
            session.flush()
            session.add(CallChange(call_id=call_id, field="title", old="Alt", new="Neu",
                                   user_id=officer.id))  # fmt: skip
            session.commit()
            # A deleted login leaves its changes, without a name.
            session.delete(officer)
            session.commit()
        with factory() as session:
            rows = session.scalars(select(CallChange).order_by(CallChange.id)).all()
            assert [(r.new, r.user_id) for r in rows] == [("Alt", None), ("Neu", None)]
        downgrade(engine, "0005")
        assert current_revision(engine) == "0005"
        with engine.connect() as conn:
            assert conn.exec_driver_sql("SELECT count(*) FROM call_changes").scalar() == 2
        upgrade(engine)
        assert current_revision(engine) == head_revision()
    finally:
        engine.dispose()


@pytest.mark.browser
def test_call_page_bearbeiten_save_shows_the_changed_call(
    browser: Any, live_server: str, auth_client: FlaskClient, session: Session, user: User
) -> None:
    call_id = _enter(auth_client)
    tab = logged_in_tab(browser, live_server, user)
    try:
        from playwright.sync_api import expect

        tab.goto(f"{live_server}/aufrufe/{call_id}")
        tab.get_by_role("link", name="Aufruf bearbeiten", exact=True).click()
        tab.wait_for_url(f"{live_server}/aufrufe/{call_id}/bearbeiten")
        expect(tab.get_by_label("Titel *")).to_have_value(MANUAL_CALL["title"])
        expect(tab.get_by_label("Höchstbetrag (€)")).to_have_value("250.000")
        tab.get_by_label("Titel *").fill("Smart Region 2027: LoRaWAN für Kreise und Kommunen")
        tab.get_by_label("Höchstbetrag (€)").fill("400.000 €")
        tab.get_by_role("button", name="Änderungen speichern").click()

        tab.wait_for_url(f"{live_server}/aufrufe/{call_id}")
        expect(tab.locator("h1")).to_have_text("Smart Region 2027: LoRaWAN für Kreise und Kommunen")
        expect(tab.get_by_text("Änderungen gespeichert")).to_be_visible()
        facts = tab.locator("dl.facts")
        expect(facts).to_contain_text("400.000 €")
        history = tab.locator("section", has=tab.locator("#h-changes"))
        expect(history).to_contain_text(MANUAL_CALL["title"])  # the old title is kept
        expect(history).to_contain_text("250.000 €")
        expect(history).to_contain_text("Anna Schulte")
    finally:
        tab.context.close()
