"""The strategy pages: the strategy's own aims, and no project of a replaced strategy passing
for part of the one in use."""

from __future__ import annotations

import re
from pathlib import Path

import yaml
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.conftest import REPO_ROOT, CliInvoker
from tests.foundation.test_other_county import STRATEGY as PASSAU
from webapp.formatting import local_today
from webapp.models import Call, Match, ProjectRow, StrategyRow
from webapp.queries import matching_clauses


def test_the_strategy_page_shows_the_aims_and_who_adopted_it(auth_client: FlaskClient) -> None:
    page = auth_client.get("/strategie/").get_data(as_text=True)
    aims = re.search(r'<h2 id="h-aims">Ziele der Strategie</h2>(.*?)</section>', page, re.S)
    assert aims is not None
    assert "Den Zugang zu Fördermitteln verbessern." in aims.group(1)
    assert "beschlossen 2021 (Kreistag des Kreises Coesfeld" in page


def test_a_project_of_a_replaced_strategy_says_so(
    tmp_path: Path, cli: CliInvoker, session: Session, auth_client: FlaskClient
) -> None:
    coesfeld = session.scalars(
        select(ProjectRow).join(StrategyRow).where(StrategyRow.key == "coesfeld-12-0")
    ).first()
    assert coesfeld is not None
    before = auth_client.get(f"/strategie/projekte/{coesfeld.id}").get_data(as_text=True)
    assert "nicht mehr verwendet" not in before

    strategy = tmp_path / "passau.yaml"
    strategy.write_text(PASSAU, encoding="utf-8")
    cli.env["STRATEGY_PATH"] = str(strategy)
    for args in (("init",), ("match",)):
        result = cli(*args)
        assert result.exit_code == 0, result.output

    old = auth_client.get(f"/strategie/projekte/{coesfeld.id}").get_data(as_text=True)
    assert (
        "Dieses Projekt gehört zur Strategie „Coesfeld 12.0 – Im Kreis gemeinsam digital“, "
        "die nicht mehr verwendet wird (aktiv ist „Passau digital" in old
    )
    passau = session.scalars(select(ProjectRow).where(ProjectRow.key == "PA-01")).one()
    current = auth_client.get(f"/strategie/projekte/{passau.id}").get_data(as_text=True)
    assert "nicht mehr verwendet" not in current
    overview = auth_client.get("/strategie/").get_data(as_text=True)
    assert "PA-01" in overview and not re.search("Coesfeld|Münster", overview)


def test_a_projects_calls_say_who_may_apply(auth_client: FlaskClient, session: Session) -> None:
    """Before, a project listed the calls only its partners or nobody may apply for unmarked."""
    partner = session.scalars(
        select(Match).where(Match.eligibility == "partner", *matching_clauses())
    ).first()
    assert partner is not None
    page = auth_client.get(f"/strategie/projekte/{partner.project_id}").get_data(as_text=True)
    row = page[page.index(f'href="/aufrufe/{partner.call_id}?') :]
    row = row[: row.index("</tr>")]
    assert '<span class="badge elig-partner"' in row and "über Projektpartner</span>" in row


def test_a_call_its_source_closed_is_greyed_and_not_counted_open(
    auth_client: FlaskClient, session: Session
) -> None:
    """Before, the project page greyed a row by its deadline alone: a call the source marks
    "geschlossen" before its deadline stood among the open ones (though not counted open)."""
    today = local_today()
    found = session.execute(
        select(Match, Call)
        .join(Call, Call.id == Match.call_id)
        .where(*matching_clauses(), Call.canonical_id.is_(None), Call.deadline > today)
        .order_by(Match.score.desc())
    ).first()
    assert found is not None
    match, call = found
    url = f"/strategie/projekte/{match.project_id}"

    def row_and_count() -> tuple[str, int]:
        page = auth_client.get(url).get_data(as_text=True)
        count = re.search(r"\((\d+) offen\)", page)
        assert count is not None
        start = page.rindex("<tr", 0, page.index(f'href="/aufrufe/{call.id}?'))
        return page[start : page.index("</tr>", start)], int(count.group(1))

    row, open_before = row_and_count()
    assert 'class="closed"' not in row

    call.status = "geschlossen"
    session.commit()
    row, open_after = row_and_count()
    assert row.startswith('<tr role="row" class="closed">')
    assert open_after == open_before - 1


def test_a_project_a_new_edition_dropped_says_so_and_marks_its_dropped_goals(
    tmp_path: Path, cli: CliInvoker, session: Session, auth_client: FlaskClient
) -> None:
    data = yaml.safe_load((REPO_ROOT / "data/strategy/coesfeld-12-0.yaml").read_text("utf-8"))
    dropped = data["projects"][0]
    goal = dropped["goals"][0]
    data["projects"] = [p for p in data["projects"][1:] if goal not in p.get("goals", [])]
    for theme in data["themes"]:
        theme["goals"] = [g for g in theme.get("goals", []) if g["id"] != goal]
    edition = tmp_path / "coesfeld.yaml"
    edition.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), "utf-8")
    assert cli("strategy", "load", str(edition)).exit_code == 0
    row = session.scalars(select(ProjectRow).where(ProjectRow.key == dropped["id"])).one()

    page = auth_client.get(f"/strategie/projekte/{row.id}").get_data(as_text=True)
    assert "Dieses Projekt steht nicht mehr in der Strategie „Coesfeld 12.0" in page
    assert re.search(
        rf"<strong>{goal}</strong>[^<]*<span class=\"muted\">\(nicht mehr in der Strategie\)", page
    )
    kept = data["projects"][0]
    current = session.scalars(select(ProjectRow).where(ProjectRow.key == kept["id"])).one()
    assert "nicht mehr in der Strategie" not in auth_client.get(
        f"/strategie/projekte/{current.id}"
    ).get_data(as_text=True)
