"""Zuständig in the lists: who is responsible for a call, shown, filtered and exported.

Before, only the mails and the calendar named the assignee: no list row, filter or CSV
column did, so an officer could not find "my calls", and the Fristen page computed the
name without showing it. The reason of a dismissal was missing from rows and CSV too.
"""

from __future__ import annotations

import csv
import html
import io
import re
from dataclasses import dataclass
from datetime import timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.conftest import TEST_PASSWORD
from webapp.formatting import local_today
from webapp.models import Call, Review, User
from webapp.queries import CallFilters, count_calls, list_calls
from webapp.users import create_user


@dataclass
class Team:
    """The logins and the calls of the tests, by role."""

    bernd: int  # a colleague
    carla: int  # a colleague who left (deactivated)
    mine: int  # in Prüfung, the logged-in officer's
    mine_dismissed: int  # nicht relevant ("Frist zu kurz"), the logged-in officer's
    berndS: int  # in Prüfung, Bernd's
    carlas: int  # relevant, Carla's
    nobodys: int  # in Prüfung, nobody's


def _login(app: Flask, email: str) -> FlaskClient:
    client = app.test_client()
    response = client.post("/anmelden", data={"email": email, "password": TEST_PASSWORD})
    assert response.status_code == 302
    return client


@pytest.fixture
def team(session: Session, user: User) -> Team:
    bernd = create_user(
        session, "bernd.berger@kreis-coesfeld.de", TEST_PASSWORD, name="Bernd Berger"
    )
    carla = create_user(
        session, "carla.clement@kreis-coesfeld.de", TEST_PASSWORD, name="Carla Clement"
    )
    carla.active = False
    session.flush()
    # the Eingang's best calls, so that they stand on its first page
    best = [row.id for row in list_calls(session, CallFilters(), today=local_today()).rows[:5]]
    reviews = [
        (best[0], "in Prüfung", "", user.id),
        (best[1], "nicht relevant", "Frist zu kurz", user.id),
        (best[2], "in Prüfung", "", bernd.id),
        (best[3], "relevant", "", carla.id),
        (best[4], "in Prüfung", "", None),
    ]
    for call_id, status, reason, assignee in reviews:
        call = session.get(Call, call_id)
        assert call is not None
        session.add(
            Review(
                call_id=call_id,
                status=status,
                reason=reason,
                assignee_id=assignee,
                call_hash=call.content_hash,
            )
        )
    session.commit()
    return Team(bernd.id, carla.id, *best)


ROW = re.compile(
    r'<li class="call-row" id="call-(\d+)">(.*?)</li>\s*(?=<li class="call-row"|</ol>)', re.S
)


def _rows(page: str) -> dict[int, str]:
    """Each row of a list page: its call id and the text of its marks (status, reason,
    assignee), as an officer reads them."""
    out = {}
    for call_id, body in ROW.findall(page):
        marks = re.search(r'<div class="marks">(.*?)</div>', body, re.S)
        assert marks is not None
        text = re.sub(r"<[^>]+>", " ", marks.group(1))
        out[int(call_id)] = " ".join(html.unescape(text).split())
    return out


def _options(page: str) -> list[tuple[str, str, bool]]:
    """The Zuständig filter's options: value, text and whether it is chosen."""
    field = re.search(r'<select id="f-assignee" name="zustaendig">(.*?)</select>', page, re.S)
    assert field is not None
    return [
        (html.unescape(value), html.unescape(text), bool(selected))
        for value, selected, text in re.findall(
            r'<option value="([^"]*)"( selected)?>([^<]*)</option>', field.group(1)
        )
    ]


def _all_rows(client: FlaskClient, url: str, pages: int = 20) -> dict[int, str]:
    """The rows of the first `pages` pages of a list."""
    rows: dict[int, str] = {}
    for number in range(1, pages + 1):
        found = _rows(client.get(f"{url}&page={number}").get_data(as_text=True))
        if set(found) <= set(rows):
            break
        rows |= found
    return rows


def test_rows_name_who_is_responsible_and_why_a_call_was_dismissed(
    auth_client: FlaskClient, team: Team
) -> None:
    rows = _all_rows(auth_client, "/aufrufe?sort=passung")
    assert "in Prüfung Zuständig: Anna Schulte" in rows[team.mine]
    assert (
        "nicht relevant Grund: Frist zu kurz Zuständig: Anna Schulte" in rows[team.mine_dismissed]
    )
    assert "in Prüfung Zuständig: Bernd Berger" in rows[team.berndS]
    # someone who left is named as the Bewertung panel names them
    assert "relevant Zuständig: Carla Clement (deaktiviert)" in rows[team.carlas]
    assert "Zuständig" not in rows[team.nobodys]
    # the Eingang leaves out "neu" but not who looks into a call
    inbox = _rows(auth_client.get("/").get_data(as_text=True))
    assert "in Prüfung Zuständig: Anna Schulte" in inbox[team.mine]


def test_the_zustaendig_filter_finds_my_calls_a_colleagues_and_nobodys(
    app: Flask, auth_client: FlaskClient, session: Session, team: Team
) -> None:
    page = auth_client.get("/aufrufe?zustaendig=mir").get_data(as_text=True)
    assert set(_rows(page)) == {team.mine, team.mine_dismissed}
    assert '<strong class="count">2 Aufrufe</strong>' in page
    assert '<span class="badge badge-count">1 aktiv</span>' in page
    # alle, mir, every active login by name, niemand; the one who left is not offered
    assert _options(page) == [
        ("", "alle", False),
        ("mir", "mir", True),
        (str(app_user_id(session, "anna.schulte@kreis-coesfeld.de")), "Anna Schulte", False),
        (str(team.bernd), "Bernd Berger", False),
        ("niemand", "niemand", False),
    ]
    # the Eingang: only the undecided ones
    assert set(_rows(auth_client.get("/?zustaendig=mir").get_data(as_text=True))) == {team.mine}

    colleague = auth_client.get(f"/aufrufe?zustaendig={team.bernd}").get_data(as_text=True)
    assert set(_rows(colleague)) == {team.berndS}
    assert (str(team.bernd), "Bernd Berger", True) in _options(colleague)
    # a bookmark of a colleague who left still says whose calls it shows
    left = auth_client.get(f"/aufrufe?zustaendig={team.carla}").get_data(as_text=True)
    assert set(_rows(left)) == {team.carlas}
    assert (str(team.carla), "Carla Clement (deaktiviert)", True) in _options(left)

    # nobody's: calls without a review and with a review without anyone
    nobody = CallFilters(scope="all", zustaendig="niemand")
    today = local_today()
    assigned = {team.mine, team.mine_dismissed, team.berndS, team.carlas}
    everything = count_calls(session, CallFilters(scope="all"), today)
    assert count_calls(session, nobody, today) == everything - len(assigned)
    ids = {row.id for row in list_calls(session, nobody, page_size=1000).rows}
    assert team.nobodys in ids and not ids & assigned

    # "mir" is whoever is logged in: Bernd's link shows Bernd's calls
    bernd = _login(app, "bernd.berger@kreis-coesfeld.de")
    assert set(_rows(bernd.get("/aufrufe?zustaendig=mir").get_data(as_text=True))) == {team.berndS}

    # an unreadable value is ignored, as every filter's
    page = auth_client.get("/aufrufe?zustaendig=jemand").get_data(as_text=True)
    assert f'<strong class="count">{everything} Aufrufe</strong>' in page
    assert ("", "alle", True) not in _options(page)  # nothing chosen: the first option shows


def app_user_id(session: Session, email: str) -> int:
    user_id = session.scalar(select(User.id).where(User.email == email))
    assert user_id is not None
    return user_id


def test_the_filter_stays_in_pages_ways_back_and_the_csv(
    auth_client: FlaskClient, session: Session, team: Team
) -> None:
    page = auth_client.get("/aufrufe?zustaendig=niemand").get_data(as_text=True)
    assert 'href="/aufrufe?zustaendig=niemand&amp;page=2"' in page
    assert 'href="/export.csv?scope=all&amp;zustaendig=niemand"' in page
    mine = auth_client.get("/aufrufe?zustaendig=mir").get_data(as_text=True)
    assert f'href="/aufrufe/{team.mine}?zurueck=/aufrufe?zustaendig%3Dmir"' in mine

    # a decision in the filtered list returns to the call's row in that list: "mir" is
    # still the officer who decided (it would have left the list otherwise)
    response = auth_client.post(
        f"/aufrufe/{team.mine}/bewertung",
        data={"status": "relevant", "quick": "1", "zurueck": "/aufrufe?zustaendig=mir"},
    )
    assert response.status_code == 302
    assert response.headers["Location"] == f"/aufrufe?zustaendig=mir#call-{team.mine}"
    review = session.scalar(select(Review).where(Review.call_id == team.mine))
    assert review is not None and review.assignee_id is not None  # the quick form keeps it

    # an empty Eingang counts the same filter in Alle Aufrufe and links there with it
    empty = auth_client.get(f"/?zustaendig={team.carla}").get_data(as_text=True)
    assert f'href="/aufrufe?zustaendig={team.carla}">1 passenden Aufruf' in empty


def test_the_csv_has_the_reason_and_who_is_responsible(
    auth_client: FlaskClient, team: Team
) -> None:
    response = auth_client.get("/export.csv?scope=all&zustaendig=mir")
    day = local_today().isoformat()
    assert response.headers["Content-Disposition"] == (
        f'attachment; filename="foerderaufrufe-alle-{day}-zustaendig-mir.csv"'
    )
    rows = list(
        csv.DictReader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff")), delimiter=";")
    )
    assert {int(r["ID"]): (r["Status"], r["Grund"], r["Zuständig"]) for r in rows} == {
        team.mine: ("in Prüfung", "", "Anna Schulte"),
        team.mine_dismissed: ("nicht relevant", "Frist zu kurz", "Anna Schulte"),
    }
    header = response.get_data(as_text=True).lstrip("\ufeff").splitlines()[0].split(";")
    assert header[header.index("Status") : header.index("Status") + 3] == [
        "Status",
        "Grund",
        "Zuständig",
    ]
    everyone = auth_client.get("/export.csv?scope=all").get_data(as_text=True).lstrip("\ufeff")
    by_id = {int(r["ID"]): r for r in csv.DictReader(io.StringIO(everyone), delimiter=";")}
    assert by_id[team.carlas]["Zuständig"] == "Carla Clement (deaktiviert)"
    assert by_id[team.nobodys]["Zuständig"] == ""
    name = auth_client.get(f"/export.csv?scope=inbox&zustaendig={team.bernd}").headers[
        "Content-Disposition"
    ]
    assert name.endswith(f'-eingang-{day}-zustaendig-bernd-berger.csv"')
    name = auth_client.get("/export.csv?scope=inbox&zustaendig=niemand").headers[
        "Content-Disposition"
    ]
    assert name.endswith(f'-eingang-{day}-ohne-zustaendige.csv"')


def test_the_fristen_page_names_who_is_responsible(
    auth_client: FlaskClient, session: Session, user: User, team: Team
) -> None:
    today = local_today()
    soon = today + timedelta(days=20)
    for call_id in (team.mine, team.berndS, team.carlas, team.nobodys):
        call = session.get(Call, call_id)
        assert call is not None
        call.deadline, call.deadlines = soon, {}
    # in work: Bernd's and one nobody is responsible for; Carla's stays relevant
    for call_id in (team.berndS, team.nobodys):
        review = session.scalar(select(Review).where(Review.call_id == call_id))
        assert review is not None
        review.status = "relevant"
    session.commit()
    page = auth_client.get("/fristen/").get_data(as_text=True)
    lines = {
        int(call_id): " ".join(html.unescape(re.sub(r"<[^>]+>", " ", body)).split())
        for call_id, body in re.findall(
            r'<li class="tl-item[^"]*">.*?href="/aufrufe/(\d+)\?zurueck=[^"]*">(.*?)</li>',
            page,
            re.S,
        )
    }
    assert lines[team.berndS].endswith("relevant Zuständig: Bernd Berger")
    assert lines[team.carlas].endswith("relevant Zuständig: Carla Clement (deaktiviert)")
    # a call in work without anyone: its reminders go to the team, the page says so
    assert lines[team.nobodys].endswith("relevant Zuständig: niemand")
    # a candidate someone is looking into ("in Prüfung") names them too
    assert "Kandidat" in lines[team.mine] and lines[team.mine].endswith("Zuständig: Anna Schulte")
