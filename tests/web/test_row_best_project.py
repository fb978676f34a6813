"""A call's best project that shares no word with it is not named as its fit.

Only WI-04 (Smart-Farming-Netzwerk) may apply through its partners for calls only companies
may apply for, so it led those calls with the eligibility floor alone, and the Eingang row
named it ("this call fits Smart-Farming") while the call page said "keine gemeinsamen
Begriffe". Measured: of the 19 such best projects on data/eval/dev-independent none is
relevant to its call (qrels grade >= 1), nor is the call to any project.
"""

from __future__ import annotations

import csv
import io
import re

from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from webapp.config import Config
from webapp.digest import NO_THEME, build_digest, render_digest
from webapp.formatting import local_today
from webapp.mail.settings import MailSettings
from webapp.models import CallScore, Match, utcnow
from webapp.queries import CallFilters, count_calls, list_calls, strategy_overview

NONE_SHARED = "kein antragsberechtigtes Projekt mit gemeinsamen Begriffen"
CSV_PROJECTS = "Passende Projekte"  # was "Beste Projekte": the best three, shared words or not


def _text(client: FlaskClient, url: str) -> str:
    return client.get(url).get_data(as_text=True)


def _row(page: str, call_id: int) -> str:
    found = re.search(rf'class="call-title"><a href="/aufrufe/{call_id}[?"]', page)
    assert found, call_id
    return page[found.start() : page.index("Entscheiden", found.start())]


def _project_count(session: Session, project_id: int) -> int:
    """The project's count on the Strategie page."""
    for theme in strategy_overview(session, local_today()):
        for summary in theme.projects:
            if summary.project.id == project_id:
                return summary.open_calls
    raise AssertionError(project_id)


def test_a_best_project_without_shared_words_is_not_named_counted_or_found(
    auth_client: FlaskClient, session: Session, config: Config
) -> None:
    best = session.scalars(
        select(Match)
        .join(CallScore, CallScore.call_id == Match.call_id)
        .where(Match.rank == 1, CallScore.eligibility == "eligible", CallScore.inbox_score >= 0.3)
        .order_by(CallScore.inbox_score.desc())
    ).first()
    assert best is not None and best.terms
    call_id, project_id, key = best.call_id, best.project_id, best.project.key
    today = local_today()
    assert f">{key}</a>" in _row(_text(auth_client, "/"), call_id)
    count_before = count_calls(session, CallFilters(project=project_id), today)
    strategy_before = _project_count(session, project_id)

    # no project of the call's best three shares a word with it
    for match in session.scalars(select(Match).where(Match.call_id == call_id, Match.rank <= 3)):
        match.terms = []
    session.commit()

    row = _row(_text(auth_client, "/"), call_id)
    assert f">{key}</a>" not in row
    assert NONE_SHARED in row and "noch nicht bewertet" not in row
    # not found by its project's filter, nor counted on the Strategie page
    assert count_calls(session, CallFilters(project=project_id), today) == count_before - 1
    found = list_calls(session, CallFilters(project=project_id), today=today, page_size=500)
    assert call_id not in {r.id for r in found.rows}
    assert _project_count(session, project_id) == strategy_before - 1
    assert call_id not in {
        int(m)
        for m in re.findall(
            r'href="/aufrufe/(\d+)\?', _text(auth_client, f"/strategie/projekte/{project_id}")
        )
    }
    # the call page keeps every score, the best project's with "keine gemeinsamen Begriffe"
    detail = _text(auth_client, f"/aufrufe/{call_id}")
    assert key in detail and "keine gemeinsamen Begriffe" in detail

    # the digest names no project for it either, nor files it under that project's theme
    digest = build_digest(session, config, MailSettings(per_theme=1000), today, utcnow())
    groups = {c.call_id: (g.name, c.project) for g in digest.new for c in g.calls}
    assert groups[call_id] == (NO_THEME, "")
    text = render_digest(digest, config).text
    entry = text[text.index(f"/aufrufe/{call_id}") - 600 : text.index(f"/aufrufe/{call_id}")]
    assert NONE_SHARED in entry.rsplit("\n* ", 1)[-1]


def test_a_further_project_sharing_words_is_named_when_the_best_shares_none(
    auth_client: FlaskClient, session: Session
) -> None:
    """The row then names the next project of the best three that shares words."""
    second = session.scalars(
        select(Match)
        .join(CallScore, CallScore.call_id == Match.call_id)
        .where(Match.rank == 2, CallScore.eligibility == "eligible")
        .order_by(CallScore.inbox_score.desc())
    ).first()
    assert second is not None and second.terms
    best = session.scalars(
        select(Match).where(Match.call_id == second.call_id, Match.rank == 1)
    ).one()
    best.terms = []
    session.commit()
    row = _row(_text(auth_client, "/"), second.call_id)
    assert f">{best.project.key}</a>" not in row
    assert f">{second.project.key}</a>" in row and NONE_SHARED not in row


def test_the_help_page_states_the_rule(auth_client: FlaskClient) -> None:
    page = _text(auth_client, "/hilfe/")
    assert "auch das beste Projekt nur dann" in page and f"„{NONE_SHARED}“" in page


def _csv_projects(client: FlaskClient) -> dict[int, str]:
    """The CSV export's column of the projects a call fits, by call id."""
    body = client.get("/export.csv?scope=all").get_data(as_text=True).lstrip("\ufeff")
    return {int(r["ID"]): r[CSV_PROJECTS] for r in csv.DictReader(io.StringIO(body), delimiter=";")}


def test_the_csv_names_the_projects_the_row_names(
    auth_client: FlaskClient, session: Session
) -> None:
    """The export named the best three whatever they shared: WI-04 for company-only calls
    whose row says "kein antragsberechtigtes Projekt mit gemeinsamen Begriffen"."""
    second = session.scalars(
        select(Match)
        .join(CallScore, CallScore.call_id == Match.call_id)
        .where(Match.rank == 2, CallScore.eligibility == "eligible")
        .order_by(CallScore.inbox_score.desc())
    ).first()
    assert second is not None and second.terms
    call_id, second_key = second.call_id, second.project.key
    best = session.scalars(select(Match).where(Match.call_id == call_id, Match.rank == 1)).one()
    best.terms = []
    best_key = best.project.key
    none_shared = session.scalars(
        select(Match)
        .join(CallScore, CallScore.call_id == Match.call_id)
        .where(Match.rank == 1, Match.call_id != call_id, CallScore.eligibility == "eligible")
        .order_by(CallScore.inbox_score.desc())
    ).first()
    assert none_shared is not None
    lone_id = none_shared.call_id
    for match in session.scalars(select(Match).where(Match.call_id == lone_id)):
        match.terms = []
    session.commit()

    cells = _csv_projects(auth_client)
    assert f"{second_key} " in cells[call_id] and f"{best_key} " not in cells[call_id]
    # with a score as before: "KEY Titel (0,42)"
    assert re.search(rf"{re.escape(second_key)} .+ \(\d,\d\d\)", cells[call_id])
    assert cells[lone_id] == ""
    # every row of the Eingang's first page names what its line in the CSV names
    page = _text(auth_client, "/aufrufe")
    for row_id in {int(i) for i in re.findall(r'class="call-title"><a href="/aufrufe/(\d+)', page)}:
        named = re.findall(r'class="match-project"><a href="[^"]*">([^<]+)</a>', _row(page, row_id))
        # "KEY title (0,42), …" in the row's order; a title holds commas but no score
        title = r"(?:(?!\(\d,\d\d\)).)+"
        expected = ", ".join(rf"{re.escape(key)} {title} \(\d,\d\d\)" for key in named)
        assert re.fullmatch(expected, cells[row_id]), (row_id, named, cells[row_id])
    assert page.count('class="match-project"') > 10
