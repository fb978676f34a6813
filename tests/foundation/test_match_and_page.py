"""Matching order on a tiny corpus, and the ranked list page."""

from __future__ import annotations

import re

from matcher.model import match_calls
from matcher.strategy import load_strategy
from matcher.types import CallDoc
from tests.conftest import STRATEGY_PATH
from tests.foundation.test_import import DEV_CALLS


def test_tiny_corpus_ranks_the_fitting_call_first() -> None:
    strategy = load_strategy(STRATEGY_PATH)
    calls = [
        CallDoc(id="a", title="Förderung von Lastenfahrrädern für Handwerksbetriebe"),
        CallDoc(
            id="b",
            title="Glasfaser und Gigabit für Gewerbegebiete und Schulen",
            text="Breitbandausbau in weißen Flecken, Glasfaser bis ins Gebäude.",
        ),
        CallDoc(id="c", title="Denkmalpflege an Kirchen"),
    ]
    results = {r.call_id: r for r in match_calls(strategy, calls)}
    assert results["b"].projects[0].project_id == "WI-03"
    assert results["b"].inbox_score > results["a"].inbox_score
    assert results["b"].inbox_score > results["c"].inbox_score


def test_page_lists_calls_ranked_with_best_projects(cli, auth_client) -> None:
    assert cli("init").exit_code == 0
    assert cli("import", str(DEV_CALLS)).exit_code == 0
    matched = cli("match")
    assert matched.exit_code == 0
    # German numbers in the summary: "in 1,5 s", "(0,4 MB)"
    assert re.search(r"in \d+,\d s\.", matched.output), matched.output
    assert re.search(r"\(\d+,\d MB\)", matched.output), matched.output
    response = auth_client.get("/")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "Eingang" in page
    assert "VW-01" in page or "BI-01" in page
