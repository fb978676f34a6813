"""Meine Kommune: a login's own applicant, chosen under Konto, preselects the lists' filter."""

from __future__ import annotations

import html
import re
from datetime import timedelta
from typing import Any

import pytest
from flask.testing import FlaskClient
from playwright.sync_api import expect
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from tests.conftest import CliInvoker, upgrade_with_old_login
from tests.web.conftest import logged_in_tab
from tests.web.test_ux_list import _ids
from webapp.db import make_engine, make_session_factory
from webapp.formatting import local_today
from webapp.migrate import current_revision, downgrade, upgrade
from webapp.models import Call, CallScore, User

DUELMEN = "D%C3%BClmen"


def _choose(client: FlaskClient, town: str) -> str:
    """Konto → Meine Kommune → Speichern; the settings page the answer lands on."""
    response = client.post("/konto/kommune", data={"kommune": town})
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/konto#kommune")
    return client.get("/konto").get_data(as_text=True)


def _selected(page: str, name: str) -> str:
    """The text of the selected option of the select `name` ("" when none is)."""
    select_html = re.search(rf'<select[^>]*name="{name}".*?</select>', page, re.S)
    assert select_html is not None
    found = re.search(r"<option[^>]* selected>([^<]*)</option>", select_html.group(0))
    return html.unescape(found.group(1)) if found else ""


def test_a_town_chosen_under_konto_opens_the_lists_with_its_calls(
    auth_client: FlaskClient, session: Session, user: User
) -> None:
    everything = _ids(auth_client, "/?sort=frist")
    towns = _ids(auth_client, f"/?antragsteller={DUELMEN}&sort=frist")
    assert towns and towns < everything

    page = _choose(auth_client, "Dülmen")
    assert "Meine Kommune: Dülmen." in page
    assert _selected(page, "kommune") == "Dülmen"
    assert session.scalars(select(User.home_applicant).where(User.id == user.id)).one() == "Dülmen"

    # the bare Eingang (and Alle Aufrufe) now show the town's calls, and say so
    assert _ids(auth_client, "/?sort=frist") == towns
    inbox = auth_client.get("/").get_data(as_text=True)
    assert _selected(inbox, "antragsteller") == "Dülmen"
    assert "Nur Aufrufe, für die <strong>Dülmen</strong> antragsberechtigt ist" in inbox
    assert "<title>Eingang für Dülmen" in inbox
    assert '<span class="badge badge-count">1 aktiv</span>' in inbox
    assert 'href="/?antragsteller=alle">Aufrufe aller Antragsteller anzeigen</a>' in inbox
    all_calls = auth_client.get("/aufrufe").get_data(as_text=True)
    assert _selected(all_calls, "antragsteller") == "Dülmen"
    # the page's own links name the town, so a copied link shows the same to anyone
    assert f"/export.csv?scope=inbox&amp;antragsteller={DUELMEN}" in inbox
    assert f"/?antragsteller={DUELMEN}&amp;page=2" in inbox

    # one click shows everything; "alle" stays chosen, and is not counted as a filter
    assert _ids(auth_client, "/?antragsteller=alle&sort=frist") == everything
    every = auth_client.get("/?antragsteller=alle").get_data(as_text=True)
    assert _selected(every, "antragsteller") == ""
    assert '<option value="alle">alle</option>' in every
    assert "badge-count" not in every
    assert "Aufrufe aller Antragsteller – nicht nur Ihrer Kommune <strong>Dülmen</strong>" in every
    assert f'href="/?antragsteller={DUELMEN}">Nur Aufrufe für Dülmen anzeigen</a>' in every
    # "Zurücksetzen" goes back to the login's default
    assert '<a href="/" class="button button-secondary">Zurücksetzen</a>' in every

    # an explicit applicant in the URL (a bookmark, a colleague's link) wins
    county = _ids(auth_client, "/?antragsteller=Kreis+Coesfeld&sort=frist")
    assert county != towns
    assert _selected(auth_client.get("/?antragsteller=Kreis+Coesfeld").get_data(as_text=True),
                     "antragsteller") == "Kreis Coesfeld"  # fmt: skip

    # none again: the lists show everything, without the note
    page = _choose(auth_client, "")
    assert "Keine Kommune gewählt" in page
    assert _ids(auth_client, "/?sort=frist") == everything
    assert "home-applicant" not in auth_client.get("/").get_data(as_text=True)


def test_a_town_no_longer_in_the_strategy_is_kept_but_not_applied(
    auth_client: FlaskClient, session: Session, user: User
) -> None:
    """A new strategy without the town: lists show everything, Konto says why."""
    everything = _ids(auth_client, "/?sort=frist")
    session.execute(update(User).where(User.id == user.id).values(home_applicant="Atlantis"))
    session.commit()
    assert _ids(auth_client, "/?sort=frist") == everything
    assert "home-applicant" not in auth_client.get("/").get_data(as_text=True)
    page = auth_client.get("/konto").get_data(as_text=True)
    assert "„Atlantis“ steht nicht in der aktiven Strategie „Coesfeld 12.0" in page
    assert "zeigen die Aufrufe aller Antragsteller, bis Sie unten neu wählen" in page
    assert _selected(page, "kommune") == ""
    # a name the strategy does not know is refused, the stored choice stays
    page = _choose(auth_client, "Atlantis-Süd")
    assert "„Atlantis-Süd“ ist kein Antragsteller der aktiven Strategie" in page
    assert session.scalars(select(User.home_applicant).where(User.id == user.id)).one() == (
        "Atlantis"
    )


def test_user_list_shows_each_logins_town_and_whether_it_applies(
    cli: CliInvoker, auth_client: FlaskClient, session: Session, user: User
) -> None:
    """An admin asked why an officer sees only part of the calls finds the reason in the shell."""
    _choose(auth_client, "Dülmen")
    lines = cli("user", "list").output.splitlines()
    assert lines[lines.index(next(x for x in lines if x.startswith(user.email))) + 1] == (
        "    Meine Kommune: Dülmen"
    )

    session.execute(update(User).where(User.id == user.id).values(home_applicant="Atlantis"))
    session.commit()
    assert (
        "    Meine Kommune: Atlantis (steht nicht in der aktiven Strategie: nicht angewandt)"
        in (cli("user", "list").output.splitlines())
    )


def test_the_filter_form_leaves_empty_fields_out_of_the_url(
    auth_client: FlaskClient,
) -> None:
    """A GET form sends every field: `?q=&theme=&…` is cleaned to what was chosen."""
    response = auth_client.get("/?q=&theme=&priority=&status=&region=NRW&min_score=&sort=frist")
    assert response.status_code == 302
    assert response.headers["Location"] == "/?region=NRW&sort=frist"
    assert auth_client.get("/aufrufe?q=&theme=").headers["Location"] == "/aufrufe"
    assert auth_client.get("/?region=NRW&sort=frist").status_code == 200
    # a typed Mindestpassung that cannot be used stays, with its message
    assert auth_client.get("/?min_score=viel").status_code == 200
    # for a login with its own town, an old bookmark's empty Antragsteller still means "alle"
    _choose(auth_client, "Dülmen")
    assert auth_client.get("/?q=&antragsteller=").headers["Location"] == "/?antragsteller=alle"


def test_migration_0011_keeps_the_logins_and_downgrades(any_config: Any) -> None:
    engine = make_engine(any_config.database_url)
    try:
        upgrade_with_old_login(engine, "0010")
        with make_session_factory(engine)() as session:
            old = session.scalars(select(User)).one()
            assert old.home_applicant is None  # none chosen: everything, as before
            old.home_applicant = "Dülmen"
            session.commit()
        downgrade(engine, "0010")
        assert current_revision(engine) == "0010"
        with engine.connect() as conn:
            assert conn.exec_driver_sql("SELECT count(*) FROM users").scalar() == 1
        upgrade(engine)
        with make_session_factory(engine)() as session:
            assert session.scalars(select(User.home_applicant)).one() is None
    finally:
        engine.dispose()


@pytest.mark.browser
def test_an_officer_chooses_the_town_once_and_the_eingang_opens_with_it(
    browser: Any, live_server: str, user: User, session: Session
) -> None:
    county_only = {
        s.call_id for s in session.scalars(select(CallScore))
        if s.eligible_applicants == ["Kreis Coesfeld"]
    }  # fmt: skip
    tab = logged_in_tab(browser, live_server, user)
    try:
        everything = tab.locator(".count").inner_text()
        tab.get_by_title("Konto").click()
        tab.get_by_label("Kommune oder Kreis").select_option("Dülmen")
        tab.locator("#kommune").get_by_role("button", name="Speichern").click()
        expect(tab.locator("#home-message")).to_contain_text("Meine Kommune: Dülmen.")

        tab.get_by_role("navigation", name="Hauptnavigation").get_by_role(
            "link", name="Eingang"
        ).click()
        tab.wait_for_url(live_server + "/")
        expect(tab.get_by_label("Antragsteller", exact=True)).to_have_value("Dülmen")
        expect(tab.locator(".home-applicant")).to_contain_text("Ihre Kommune laut Konto")
        expect(tab).to_have_title(re.compile(r"^Eingang für Dülmen"))
        towns = tab.locator(".count").inner_text()
        assert towns != everything
        shown = {int(i.split("-")[1]) for i in tab.locator("li.call-row").evaluate_all(
            "rows => rows.map(r => r.id)")}  # fmt: skip
        assert shown and not shown & county_only

        # filtering by theme keeps the town and leaves the empty fields out of the URL
        tab.get_by_label("Themenfeld").select_option(index=1)
        tab.get_by_role("button", name="Filtern").click()
        tab.wait_for_url(re.compile(r"theme=\d+"))
        query = tab.url.split("?", 1)[1]
        assert "antragsteller=D%C3%BClmen" in query
        assert not re.search(r"(^|&)[a-z_]+=(&|$)", query), query
        expect(tab.get_by_label("Antragsteller", exact=True)).to_have_value("Dülmen")

        # one click for every applicant
        tab.get_by_role("link", name="Aufrufe aller Antragsteller anzeigen").click()
        tab.wait_for_url(re.compile(r"antragsteller=alle"))
        expect(tab.get_by_label("Antragsteller", exact=True)).to_have_value("alle")
        assert "theme=" in tab.url  # the other filters stay
        # choosing "alle" in the form works the same way
        tab.get_by_role("button", name="Zurücksetzen").or_(
            tab.get_by_role("link", name="Zurücksetzen")
        ).click()
        tab.wait_for_url(live_server + "/")
        expect(tab.get_by_label("Antragsteller", exact=True)).to_have_value("Dülmen")
        expect(tab.locator(".count")).to_have_text(towns)
        tab.get_by_label("Antragsteller", exact=True).select_option(label="alle")
        tab.get_by_role("button", name="Filtern").click()
        tab.wait_for_url(re.compile(r"antragsteller=alle"))
        expect(tab.locator(".count")).to_have_text(everything)
    finally:
        tab.context.close()


def test_the_fristen_page_badges_a_partner_only_candidate_as_the_eingang_does(
    auth_client: FlaskClient, session: Session
) -> None:
    """Before, a call only a project's partners may apply for stood there as a plain Kandidat."""
    score = session.scalars(
        select(CallScore).where(CallScore.eligibility == "partner").order_by(CallScore.call_id)
    ).first()
    assert score is not None and score.eligibility_reasons
    call = session.get(Call, score.call_id)
    assert call is not None
    call.deadline = local_today() + timedelta(days=10)
    score.inbox_score = 1.0  # among the best candidates
    session.commit()
    page = auth_client.get("/fristen/").get_data(as_text=True)
    line = re.search(rf'<li class="tl-item kind-kandidat[^"]*">(?:(?!</li>).)*?/aufrufe/{call.id}\?'
                     r"(?:(?!</li>).)*</li>", page, re.S)  # fmt: skip
    assert line is not None
    badge = re.search(r'<span class="badge elig-partner">über Projektpartner</span>'
                      r'<span class="badge-why"><span class="visually-hidden">: </span>(.*?)</span></span>',
                      line.group(0))  # fmt: skip
    assert badge is not None
    assert html.unescape(badge.group(1)) == "; ".join(score.eligibility_reasons)
    # the others carry their verdict too
    assert 'class="badge elig-eligible"' in page


def test_the_fristen_candidates_follow_meine_kommune(
    auth_client: FlaskClient, session: Session
) -> None:
    """A town officer's Fristen shows the deadlines the town can act on, like its Eingang."""
    score = session.scalars(
        select(CallScore).where(CallScore.eligibility == "partner").order_by(CallScore.call_id)
    ).first()
    assert score is not None
    call = session.get(Call, score.call_id)
    assert call is not None
    call.deadline = local_today() + timedelta(days=10)
    score.inbox_score = 1.0  # the best candidate of all
    session.commit()
    link = f"/aufrufe/{call.id}?"
    assert link in auth_client.get("/fristen/").get_data(as_text=True)

    _choose(auth_client, "Dülmen")
    page = auth_client.get("/fristen/").get_data(as_text=True)

    assert link not in page  # only a project partner may apply, not Dülmen
    assert "Kandidaten sind nur Aufrufe, für die <strong>Dülmen</strong> antragsberechtigt" in page
    assert 'class="pill st-candidate">Kandidat</span>' in page  # the town's own are still there
