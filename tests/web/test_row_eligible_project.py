"""A row names only projects the call is open to, unless it is open to none of them.

"ESF Plus: Zukunftszentren" (week-6 calls) is open only to WI-04, through its partners, and
WI-04 shares no word with it; the Eingang row named VW-05 Digitalakademie, "nicht
antragsberechtigt" for this call, under the call's badge "über Projektpartner", and the
Themenfeld filter "Verwaltung" found the call through it alone.
"""

from __future__ import annotations

import csv
import io
import re

from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from webapp.config import Config
from webapp.digest import NO_THEME, build_digest
from webapp.formatting import local_today
from webapp.mail.settings import MailSettings
from webapp.models import CallScore, Match, utcnow
from webapp.queries import NO_SHARED_MATCH, CallFilters, count_calls, strategy_overview


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


def _csv_projects(client: FlaskClient, query: str) -> dict[int, str]:
    """The CSV export's "Passende Projekte", by call id."""
    body = client.get(f"/export.csv?{query}").get_data(as_text=True).lstrip("\ufeff")
    rows = csv.DictReader(io.StringIO(body), delimiter=";")
    return {int(r["ID"]): r["Passende Projekte"] for r in rows}


def _partner_only_call(session: Session) -> tuple[int, Match]:
    """A call shaped like Zukunftszentren: open to its best project only, through partners,
    which shares no word with it; the second shares words but may not apply. Returns the
    call id and the second project's match."""
    second = session.scalars(
        select(Match)
        .join(CallScore, CallScore.call_id == Match.call_id)
        .where(Match.rank == 2, CallScore.eligibility == "eligible")
        .order_by(CallScore.inbox_score.desc())
    ).first()
    assert second is not None and second.terms
    call_id = second.call_id
    session.get_one(CallScore, call_id).eligibility = "partner"
    for match in session.scalars(select(Match).where(Match.call_id == call_id)):
        if match.rank == 1:
            match.eligibility, match.terms = "partner", []
        else:
            match.eligibility = "ineligible"
    session.commit()
    return call_id, second


def test_a_project_the_call_is_not_open_to_is_not_named_counted_or_found(
    auth_client: FlaskClient, session: Session, config: Config
) -> None:
    today = local_today()
    second = session.scalars(
        select(Match)
        .join(CallScore, CallScore.call_id == Match.call_id)
        .where(Match.rank == 2, CallScore.eligibility == "eligible")
        .order_by(CallScore.inbox_score.desc())
    ).first()
    assert second is not None
    project_id, theme_id = second.project_id, second.project.theme_id
    count_before = count_calls(session, CallFilters(project=project_id), today)
    strategy_before = _project_count(session, project_id)

    call_id, second = _partner_only_call(session)
    key = second.project.key
    row = _row(_text(auth_client, "/"), call_id)
    assert f">{key}</a>" not in row
    assert NO_SHARED_MATCH in row
    # neither its project's nor its theme's filter finds the call, nor the Strategie count
    assert count_calls(session, CallFilters(project=project_id), today) == count_before - 1
    assert f'href="/aufrufe/{call_id}?' not in _text(auth_client, f"/?project={project_id}")
    themed = _text(auth_client, f"/?theme={theme_id}")
    assert f'href="/aufrufe/{call_id}?' not in themed
    assert _project_count(session, project_id) == strategy_before - 1
    # the CSV names nothing for it; the digest files it under no theme
    assert _csv_projects(auth_client, "scope=all")[call_id] == ""
    digest = build_digest(session, config, MailSettings(per_theme=1000), today, utcnow())
    groups = {c.call_id: (g.name, c.project) for g in digest.new for c in g.calls}
    assert groups[call_id] == (NO_THEME, "")
    # the call page still shows the project, with its verdict
    detail = _text(auth_client, f"/aufrufe/{call_id}")
    assert key in detail and "nicht antragsberechtigt" in detail


def test_a_call_open_to_no_project_names_the_topical_ones(
    auth_client: FlaskClient, session: Session
) -> None:
    """Listed only with "auch nicht antragsberechtigt": its row names the projects sharing
    words as before (what the call is about), and their filters find it there."""
    call_id, second = _partner_only_call(session)
    session.get_one(CallScore, call_id).eligibility = "ineligible"
    for match in session.scalars(select(Match).where(Match.call_id == call_id)):
        match.eligibility = "ineligible"
    session.commit()
    key, project_id = second.project.key, second.project_id
    assert f'href="/aufrufe/{call_id}?' not in _text(auth_client, "/")
    row = _row(_text(auth_client, "/?ineligible=1"), call_id)
    assert f">{key}</a>" in row and NO_SHARED_MATCH not in row
    found = _text(auth_client, f"/?ineligible=1&project={project_id}")
    assert f'href="/aufrufe/{call_id}?' in found
    assert _csv_projects(auth_client, "scope=all")[call_id].startswith(f"{key} ")


def test_the_help_page_states_the_rule(auth_client: FlaskClient) -> None:
    page = _text(auth_client, "/hilfe/")
    assert "der Aufruf für das Projekt offen ist (antragsberechtigt" in page
