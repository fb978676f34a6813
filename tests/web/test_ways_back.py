"""Where the officer lands after acting, and what the pages offer to get back (UI QA round 2)."""

from __future__ import annotations

import re
from html import unescape
from itertools import combinations
from urllib.parse import quote

from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.conftest import TEST_PASSWORD, CliInvoker
from webapp.formatting import DECISION_EFFECT_MIN, local_today
from webapp.models import Call, CallScore, Match, Review, ThemeRow, User
from webapp.queries import PAGE_SIZE

LIST = "/?frist=365"


def _row_ids(client: FlaskClient, url: str) -> list[int]:
    page = client.get(url).get_data(as_text=True)
    return [int(i) for i in re.findall(r'<li class="call-row" id="call-(\d+)">', page)]


def _quick(client: FlaskClient, call_id: int, back: str, status: str = "relevant") -> str:
    response = client.post(
        f"/aufrufe/{call_id}/bewertung", data={"quick": "1", "zurueck": back, "status": status}
    )
    assert response.status_code == 302
    return response.headers["Location"]


def test_deciding_the_only_row_of_the_last_page_lands_at_the_row_before(
    auth_client: FlaskClient,
) -> None:
    first = _row_ids(auth_client, LIST)
    assert len(first) == PAGE_SIZE
    page = 1
    # a page beyond the end shows the last one: the last page is the one the next repeats
    while _row_ids(auth_client, f"{LIST}&page={page + 1}") != _row_ids(
        auth_client, f"{LIST}&page={page}"
    ):
        page += 1
    assert page > 1
    last_url = f"{LIST}&page={page}"
    last = _row_ids(auth_client, last_url)
    # Leave one row on the last page ("relevant" takes a call out of the Eingang).
    for call_id in last[:-1]:
        _quick(auth_client, call_id, last_url)
    assert _row_ids(auth_client, last_url) == last[-1:]
    previous = _row_ids(auth_client, f"{LIST}&page={page - 1}")

    location = _quick(auth_client, last[-1], last_url)
    # The list shows the page before (clamped); the officer is at its last row, the
    # neighbour of the decided call, not at the top of the content.
    assert location == f"{last_url}#call-{previous[-1]}"
    shown = auth_client.get(location).get_data(as_text=True)
    assert f'id="call-{previous[-1]}"' in shown


def _relevant_call_in_month(session: Session) -> Call:
    call = session.scalars(
        select(Call)
        .where(Call.canonical_id.is_(None), Call.deadline > local_today())
        .order_by(Call.deadline)
    ).first()
    assert call is not None and call.deadline is not None
    session.add(Review(call_id=call.id, status="relevant"))
    session.commit()
    return call


def _link_to(page: str, call_id: int, css: str) -> str:
    found = re.search(rf'<a class="{css}[^"]*" href="(/aufrufe/{call_id}\?zurueck=[^"]+)"', page)
    if found is None:
        found = re.search(rf'<a href="(/aufrufe/{call_id}\?zurueck=[^"]+)"', page)
    assert found is not None
    return unescape(found.group(1))


def test_save_and_back_from_the_fristen_returns_to_the_month_or_the_day(
    auth_client: FlaskClient, session: Session
) -> None:
    call = _relevant_call_in_month(session)
    day = call.deadline
    assert day is not None
    for fristen, anchor in (
        (f"/fristen/?monat={day:%Y-%m}", "#monat"),
        (f"/fristen/?tag={day.isoformat()}", "#tag"),
    ):
        page = auth_client.get(fristen).get_data(as_text=True)
        if anchor == "#tag":
            page = page[page.index('id="tag"') :]
        link = _link_to(page, call.id, "cal-item")
        detail = auth_client.get(link).get_data(as_text=True)
        assert f'href="{fristen}{anchor}">← Zurück zu den Fristen' in unescape(detail)
        response = auth_client.post(
            f"/aufrufe/{call.id}/bewertung",
            data={
                "status": "Antrag in Vorbereitung" if anchor == "#monat" else "relevant",
                "action": "save_back",
                "zurueck": f"{fristen}{anchor}",
            },
        )
        assert response.headers["Location"] == f"{fristen}{anchor}"


def test_a_timeline_entry_leads_back_to_its_week(
    auth_client: FlaskClient, session: Session
) -> None:
    call = _relevant_call_in_month(session)
    page = auth_client.get("/fristen/").get_data(as_text=True)
    week = re.search(r'<li class="tl-week" id="(kw-\d{4}-\d\d)">', page)
    assert week is not None
    timeline = page[: page.index('id="monat"')]
    link = re.search(rf'href="(/aufrufe/{call.id}\?zurueck=[^"]+)"', timeline)
    assert link is not None
    # back to the call's week of the timeline, which has that id
    week_id = re.search(r"%23(kw-\d{4}-\d\d)", link.group(1))
    assert week_id is not None
    assert f'<li class="tl-week" id="{week_id.group(1)}">' in timeline


def test_decided_calls_linked_from_a_score_lead_back_to_the_call(
    auth_client: FlaskClient, session: Session, cli: CliInvoker
) -> None:
    ranked = list(session.scalars(select(Match).order_by(Match.score.desc())))
    confirmed = ranked[0]
    auth_client.post(
        f"/aufrufe/{confirmed.call_id}/bewertung",
        data={"status": "relevant", "project_id": confirmed.project_id},
    )
    assert cli("match").exit_code == 0
    session.expire_all()
    # a match the confirmation moved enough to be noted, naming the confirmed call (JSON
    # "null" is no SQL NULL: the decisions are looked at here rather than filtered in SQL)
    moved = next(
        (
            m
            for m in session.scalars(
                select(Match).where(Match.call_id != confirmed.call_id).order_by(Match.id)
            )
            if m.decisions
            and m.decisions.get("confirmed_call")
            and abs(m.decisions["change"]) >= DECISION_EFFECT_MIN
        ),
        None,
    )
    assert moved is not None
    came_from = f"/aufrufe/{moved.call_id}?zurueck=/aufrufe?q%3Dx"
    page = unescape(auth_client.get(came_from).get_data(as_text=True))
    link = re.search(rf'„<a href="(/aufrufe/{confirmed.call_id}\?zurueck=[^"]+)">', page)
    assert link is not None, "the decided call is not linked with a way back"
    decided = unescape(auth_client.get(link.group(1)).get_data(as_text=True))
    back = re.search(r'<p class="breadcrumb"><a href="([^"]+)">← ([^<]+)</a>', decided)
    assert back is not None
    assert back.group(2) == "Zurück zum Aufruf"
    assert back.group(1) == f"/aufrufe/{moved.call_id}?zurueck=/aufrufe?q%3Dx#h-match"
    # and that call still leads back to the list the officer came from
    there = unescape(auth_client.get(back.group(1).split("#")[0]).get_data(as_text=True))
    assert '<a href="/aufrufe?q=x">← Zurück zur Liste</a>' in there
    # "Speichern & zurück" on the decided call returns to the call it was linked from
    response = auth_client.post(
        f"/aufrufe/{confirmed.call_id}/bewertung",
        data={"status": "in Prüfung", "action": "save_back", "zurueck": back.group(1)},
    )
    assert response.headers["Location"] == back.group(1)


def test_the_same_password_again_is_refused_next_to_the_field(
    app, user: User, session: Session
) -> None:
    other = app.test_client()
    here = app.test_client()
    for client in (other, here):
        client.post("/anmelden", data={"email": user.email, "password": TEST_PASSWORD})
    hash_before = session.get(User, user.id).password_hash  # type: ignore[union-attr]
    response = here.post(
        "/konto/passwort",
        data={"current": TEST_PASSWORD, "new": TEST_PASSWORD, "repeat": TEST_PASSWORD},
    )
    page = here.get(response.headers["Location"]).get_data(as_text=True)
    assert "Das Passwort ist geändert." not in page
    field = page[page.index('id="pw-new"') : page.index('for="pw-repeat"')]
    assert "Das neue Passwort ist das bisherige: bitte ein anderes wählen." in field
    assert 'aria-invalid="true"' in field
    session.expire_all()
    assert session.get(User, user.id).password_hash == hash_before  # type: ignore[union-attr]
    assert other.get("/konto").status_code == 200  # the other session goes on


def test_the_call_header_badge_gives_the_reasons(
    auth_client: FlaskClient, session: Session
) -> None:
    score = session.scalars(select(CallScore).where(CallScore.eligibility == "eligible")).first()
    assert score is not None
    score.eligibility = "partner"
    score.eligibility_reasons = ["antragsberechtigt für WI-04 über Landwirt (Projektpartner)"]
    session.commit()
    page = auth_client.get(f"/aufrufe/{score.call_id}").get_data(as_text=True)
    start = page.index('<header class="detail-head">')
    head = page[start : page.index("</header>", start)]
    assert (
        '<span class="has-why" tabindex="0"><span class="badge elig-partner">über Projektpartner'
        '</span><span class="badge-why"><span class="visually-hidden">: </span>antragsberechtigt für '
        "WI-04 über Landwirt (Projektpartner)</span></span>"
    ) in head


def test_the_strategy_legend_names_only_the_priorities_in_use(
    auth_client: FlaskClient, session: Session
) -> None:
    for theme in session.scalars(select(ThemeRow)):
        theme.priority = 1 if theme.priority == 1 else 3
    session.commit()
    page = auth_client.get("/strategie/").get_data(as_text=True)
    start = page.index("Offene passende Aufrufe je Themenfeld")
    chart = page[start : page.index("</svg>", start)]
    assert "Priorität 1" in chart and "Priorität 3" in chart
    assert "Priorität 2" not in chart


def _decision_links(page: str) -> list[str]:
    """The decided calls a call page names under "Durch Bewertungen", as linked."""
    notes = re.findall(r'<div class="decision-note small">(.*?)</div>', page, re.S)
    return [unescape(h) for n in notes for h in re.findall(r'<a href="([^"]+)">', n)]


def _back_link(page: str) -> str:
    back = re.search(r'<p class="breadcrumb"><a href="([^"]+)">← ([^<]+)</a>', page)
    assert back is not None
    return unescape(back.group(1))


def test_hopping_through_decided_calls_keeps_the_way_back_short(
    auth_client: FlaskClient, session: Session, cli: CliInvoker
) -> None:
    # Calls that share two projects, marked relevant for one each, move each other's scores
    # for the other: a walk through "Durch Bewertungen" can go on and on.
    projects: dict[int, set[int]] = {}
    for m in session.scalars(select(Match).where(Match.rank <= 3, Match.score >= 0.1)):
        projects.setdefault(m.call_id, set()).add(m.project_id)
    decided: list[int] = []
    for a, b in combinations(sorted(projects), 2):
        shared = sorted(projects[a] & projects[b])
        if len(shared) < 2 or {a, b} & set(decided):
            continue
        for call_id, project_id in ((a, shared[0]), (b, shared[1])):
            data = {"status": "relevant", "project_id": project_id}
            auth_client.post(f"/aufrufe/{call_id}/bewertung", data=data)
        decided += [a, b]
        if len(decided) >= 8:
            break
    assert cli("match").exit_code == 0

    origin = "/aufrufe?q=Digitalisierung&sort=frist"
    url = f"/aufrufe/{decided[0]}?zurueck=/aufrufe%3Fq%3DDigitalisierung%26sort%3Dfrist"
    visited = [url]
    for _hop in range(6):
        links = _decision_links(auth_client.get(url).get_data(as_text=True))
        assert links, f"no decided call linked from {url}"
        url = links[0]
        visited.append(url)
    # the way back stays bounded: one way back inside another at most, however many hops
    assert all(u.count("zurueck") <= 2 for u in visited), visited
    assert max(len(u) for u in visited) < 2 * len(visited[0]), visited

    # ... and still leads back: to the call the officer came from, then to the list
    last = auth_client.get(visited[-1]).get_data(as_text=True)
    previous = _back_link(last)
    assert previous.split("#")[0].startswith(visited[-2].split("?")[0] + "?")
    assert "Zurück zum Aufruf" in last
    there = auth_client.get(previous.split("#")[0]).get_data(as_text=True)
    assert _back_link(there) == origin
    assert "← Zurück zur Liste" in there


def test_a_deeply_nested_way_back_is_cut_to_the_previous_page_and_the_origin(
    auth_client: FlaskClient, session: Session
) -> None:
    # a link copied before the way back was bounded: four calls deep, from a list
    ids = list(session.scalars(select(Call.id).where(Call.canonical_id.is_(None)).limit(4)))
    url = "/aufrufe?q=Schule"
    for call_id in ids[:-1]:
        url = _old_link(call_id, url)
    page = auth_client.get(_old_link(ids[-1], url)).get_data(as_text=True)
    back = _back_link(page)
    # back to the call before, which leads back to the list
    assert back == f"/aufrufe/{ids[-2]}?zurueck=/aufrufe%3Fq%3DSchule#h-match"
    form_back = re.search(r'name="zurueck" value="([^"]+)"', page)
    assert form_back is not None and unescape(form_back.group(1)) == back


def _old_link(call_id: int, back: str) -> str:
    """The link a call's "Durch Bewertungen" note had before the way back was bounded."""
    return f"/aufrufe/{call_id}?zurueck={quote(back + '#h-match' if '/aufrufe/' in back else back)}"
