"""Strategy files: the bundled one loads; every kind of mistake is named with file, line, path."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from matcher.strategy import (
    ID_LONGEST,
    NAME_LONGEST,
    PLACE_LONGEST,
    TITLE_LONGEST,
    StrategyError,
    load_strategy,
    parse_strategy,
)
from tests.conftest import STRATEGY_PATH
from webapp.models import GoalRow, ProjectRow, StrategyRow, ThemeRow, User

MINIMAL = """\
id: test
name: Teststrategie
themes:
  - id: verwaltung
    name: Verwaltung
    priority: 1
    goals:
      - id: V1
        text: Alles online.
projects:
  - id: P1
    title: Portal
    theme: verwaltung
    goals: [V1]
"""


def test_bundled_strategy_loads_with_all_parts() -> None:
    strategy = load_strategy(STRATEGY_PATH)
    assert strategy.name.startswith("Coesfeld 12.0")
    assert len(strategy.projects) == 22
    assert {t.priority for t in strategy.themes} == {1, 2, 3}
    assert strategy.theme("verwaltung").priority == 1
    assert strategy.project("WI-04").applicant_types[:2] == ["Landkreis", "Kommune"]
    kreis = strategy.region_profile.applicants[0]
    assert (kreis.name, kreis.type) == ("Kreis Coesfeld", "Landkreis")


def _error(text: str) -> str:
    with pytest.raises(StrategyError) as info:
        parse_strategy(text, "strategie.yaml")
    return str(info.value)


def test_unknown_theme_is_named_with_line_and_path() -> None:
    message = _error(MINIMAL.replace("theme: verwaltung", "theme: bildung"))
    assert "strategie.yaml" in message
    assert "Zeile 13, projects[0].theme" in message
    assert "unbekanntes Themenfeld 'bildung'" in message


def test_duplicate_project_id() -> None:
    doubled = MINIMAL + MINIMAL.split("projects:\n", 1)[1]
    assert "doppelte Projekt-ID 'P1'" in _error(doubled)


def test_missing_title() -> None:
    message = _error(MINIMAL.replace("    title: Portal\n", ""))
    assert "projects[0].title" in message and "Pflichtfeld 'title' fehlt" in message


def test_goal_not_defined() -> None:
    assert "Ziel 'V9' ist nicht definiert" in _error(MINIMAL.replace("goals: [V1]", "goals: [V9]"))


@pytest.mark.parametrize("priority", ["0", "4", "hoch"])
def test_priority_must_be_one_to_three(priority: str) -> None:
    message = _error(MINIMAL.replace("priority: 1", f"priority: {priority}"))
    assert "Zeile 6, themes[0].priority" in message
    assert "Priorität muss 1, 2 oder 3 sein" in message


def test_a_value_too_long_to_store_is_named_with_its_line() -> None:
    """PostgreSQL refuses it in the middle of `strategy load`; the file check names it first."""
    long_id = "P" * 101
    message = _error(MINIMAL.replace("  - id: P1", f"  - id: {long_id}"))
    assert "Zeile 11, projects[0].id: 'id' ist 101 Zeichen lang, höchstens 100 sind möglich" in (
        message
    )
    assert parse_strategy(MINIMAL.replace("  - id: P1", f"  - id: {'P' * 100}"), "s.yaml")


def test_the_length_limits_are_those_of_the_database_columns() -> None:
    columns: dict[int, list[Any]] = {
        ID_LONGEST: [
            StrategyRow.key,
            StrategyRow.adopted,
            ThemeRow.key,
            GoalRow.key,
            ProjectRow.key,
        ],
        NAME_LONGEST: [StrategyRow.name, ThemeRow.name, ProjectRow.lead],
        PLACE_LONGEST: [StrategyRow.region, StrategyRow.state, User.home_applicant],
        TITLE_LONGEST: [ProjectRow.title],
    }
    for longest, attributes in columns.items():
        assert {a.property.columns[0].type.length for a in attributes} == {longest}


def test_several_problems_are_reported_together() -> None:
    broken = MINIMAL.replace("priority: 1", "priority: 7").replace("goals: [V1]", "goals: [X]")
    message = _error(broken)
    assert "2 Fehler" in message and "Priorität" in message and "'X'" in message


def test_several_problems_are_listed_in_the_order_of_their_lines() -> None:
    """The region profile is checked first; written last in the file, its problem comes
    last, so the author can work down the file."""
    broken = MINIMAL.replace("priority: 1", "priority: 7") + "region_profile:\n  state: Bayren\n"
    message = _error(broken)
    lines = [int(n) for n in re.findall(r"^  - Zeile (\d+)", message, re.MULTILINE)]
    assert len(lines) == 2 and lines == sorted(lines), message


def test_a_misspelt_themes_key_is_one_problem_not_one_per_project() -> None:
    message = _error(MINIMAL.replace("themes:", "themen:"))
    assert "2 Fehler" in message, message
    assert "unbekannter Schlüssel 'themen' (gemeint ist wohl 'themes')" in message
    assert "unbekanntes Themenfeld" not in message and "nicht definiert" not in message


def test_invalid_yaml_names_the_line() -> None:
    assert "Zeile 4: kein gültiges YAML" in _error("id: x\nname: y\nthemes: [\n  - : :\n")


def test_an_unknown_theme_or_goal_names_the_one_probably_meant() -> None:
    typo = _error(MINIMAL.replace("theme: verwaltung", "theme: verwaltnug"))
    assert "unbekanntes Themenfeld 'verwaltnug' (gemeint ist wohl 'verwaltung')" in typo
    other = _error(MINIMAL.replace("theme: verwaltung", "theme: gesundheit"))
    assert "unbekanntes Themenfeld 'gesundheit' (Themenfelder der Datei: verwaltung)" in other
    goal = _error(MINIMAL.replace("goals: [V1]", "goals: [V11]"))
    assert "Ziel 'V11' ist nicht definiert (gemeint ist wohl 'V1')" in goal
    listed = _error(MINIMAL.replace("goals: [V1]", "goals: [B1]"))
    assert "Ziel 'B1' ist nicht definiert (Ziele der Datei: V1)" in listed


REGION = "region_profile:\n  state: {state}\n  county: Landkreis Cham\n"


@pytest.mark.parametrize(
    ("state", "expected"),
    [
        ("Bayren", "gemeint ist wohl 'Bayern'"),  # a typo
        ("Freistaat Bayern", "gemeint ist wohl 'Bayern'"),  # the long form
        ("Thueringen", "gemeint ist wohl 'Thüringen'"),
        ("BY", "erlaubt: Baden-Württemberg, Bayern, Berlin"),
    ],
)
def test_a_state_eligibility_cannot_compare_is_refused(state: str, expected: str) -> None:
    # Eligibility would read every call "nur für Bayern" as closed to the county.
    message = _error(MINIMAL.replace("themes:", REGION.format(state=state) + "themes:", 1))
    assert f"Zeile 4, region_profile.state: unbekanntes Bundesland '{state}'" in message
    assert expected in message


def test_a_region_profile_needs_the_state_but_a_foreign_one_any_region() -> None:
    without = MINIMAL.replace("themes:", "region_profile:\n  county: Landkreis Cham\nthemes:", 1)
    assert "region_profile.state: Pflichtfeld 'state' fehlt" in _error(without)
    tyrol = "region_profile:\n  country: Österreich\n  state: Tirol\nthemes:"
    assert parse_strategy(MINIMAL.replace("themes:", tyrol, 1)).region_profile.state == "Tirol"
    for state in ("Bayern", "NRW", "baden-württemberg", "Thüringen"):
        region = REGION.format(state=state)
        assert parse_strategy(MINIMAL.replace("themes:", region + "themes:", 1))


def test_without_region_profile_the_top_level_state_and_region_count() -> None:
    top = MINIMAL.replace("themes:", "region: Landkreis Cham\nstate: Bayern\nthemes:", 1)
    profile = parse_strategy(top).region_profile
    assert (profile.state, profile.county) == ("Bayern", "Landkreis Cham")
    assert "unbekanntes Bundesland 'Bayren'" in _error(top.replace("Bayern", "Bayren"))


@pytest.mark.parametrize(
    ("broken", "expected"),
    [
        (
            MINIMAL.replace("    goals: [V1]", "\tgoals: [V1]"),
            "Zeile 14: kein gültiges YAML – Tabulatorzeichen in Spalte 1: YAML rückt nur mit "
            "Leerzeichen ein",
        ),
        (
            MINIMAL.replace("text: Alles online.", "text: Online: alles."),
            "Zeile 9: kein gültiges YAML – „: “ in Spalte 21 ist hier nicht erlaubt: einen "
            "Text mit Doppelpunkt in Anführungszeichen setzen",
        ),
        (
            MINIMAL.replace("    name: Verwaltung", "   name: Verwaltung"),
            "Zeile 5: kein gültiges YAML – die Einrückung (Spalte 4) passt nicht",
        ),
        (
            # A key one space deeper than the one above: YAML reads it as part of that value.
            MINIMAL.replace("        text: Alles online.", "         text: Alles online."),
            "Zeile 9: kein gültiges YAML – die Einrückung stimmt nicht: „text:“ beginnt in "
            "Spalte 10, der Schlüssel in Zeile 8 darüber in Spalte 9",
        ),
        (
            MINIMAL.replace("name: Teststrategie", 'name: "Teststrategie'),
            "Zeile 2: kein gültiges YAML – ein Anführungszeichen wird nicht geschlossen",
        ),
        (
            MINIMAL.replace("goals: [V1]", "goals: [V1"),
            "Zeile 14: kein gültiges YAML – eine Liste in eckigen Klammern ist nicht "
            "geschlossen („]“ fehlt)",
        ),
        (
            MINIMAL.replace("priority: 1", "priority: {wert: 1"),
            "Zeile 6: kein gültiges YAML – ein Objekt in geschweiften Klammern ist nicht "
            "geschlossen („}“ fehlt)",
        ),
    ],
)
def test_a_yaml_syntax_error_says_in_german_what_to_change(broken: str, expected: str) -> None:
    message = _error(broken)
    assert expected in message, message
    assert "found character" not in message and "mapping values" not in message


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(StrategyError, match="Datei nicht gefunden"):
        load_strategy(tmp_path / "nope.yaml")


def test_strategy_show_prints_a_tree(cli) -> None:
    result = cli("strategy", "show")
    assert result.exit_code == 0, result.output
    assert "Verwaltung [verwaltung] – Priorität 1" in result.output
    assert "Projekt VW-01: Digitales Bürgerportal Kreis Coesfeld" in result.output


def test_strategy_show_bad_file_exits_with_message(cli, tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(MINIMAL.replace("theme: verwaltung", "theme: nix"), encoding="utf-8")
    result = cli("strategy", "show", str(bad))
    assert result.exit_code == 1
    assert "bad.yaml" in result.output and "unbekanntes Themenfeld 'nix'" in result.output
    assert "Traceback" not in result.output


def test_init_again_with_the_same_strategy_says_it_is_unchanged(cli) -> None:
    """`init` after a restore or an upgrade: nothing changed, so nothing to match again."""
    assert "' geladen" in cli("init").output
    again = cli("init")
    assert again.exit_code == 0, again.output
    assert "' unverändert: " in again.output
    assert "aktualisiert" not in again.output and "match" not in again.output


def test_reload_updates_in_place_and_deactivates_removed(cli, tmp_path: Path, session) -> None:
    from sqlalchemy import select

    from webapp.models import ProjectRow

    assert cli("init").exit_code == 0
    data = yaml.safe_load(STRATEGY_PATH.read_text(encoding="utf-8"))
    data["projects"] = [p for p in data["projects"] if p["id"] != "TO-01"]
    data["projects"][0]["title"] = "Neues Bürgerportal"
    changed = tmp_path / "changed.yaml"
    changed.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    result = cli("strategy", "load", str(changed))
    assert result.exit_code == 0, result.output
    assert "aktualisiert" in result.output and "TO-01" in result.output
    rows = {p.key: p for p in session.scalars(select(ProjectRow))}
    assert rows["VW-01"].title == "Neues Bürgerportal"
    assert rows["TO-01"].active is False
    assert len(rows) == 22


def test_a_county_no_county_level_applicant_is_named_like_is_refused() -> None:
    # Eligibility finds calls "nur für den Landkreis Cham" by this name: a typo would close
    # the county's own calls to it without a word.
    applicants = (
        "  applicants:\n"
        "    - {name: Landkreis Cham, type: Landkreis}\n"
        "    - {name: Stadt Cham, type: Stadt}\n"
    )
    region = REGION.format(state="Bayern") + applicants
    typo = region.replace("county: Landkreis Cham", "county: Landkreis Chamm")
    message = _error(MINIMAL.replace("themes:", typo + "themes:", 1))
    assert "Zeile 5, region_profile.county: 'Landkreis Chamm' heißt keiner der Antragsteller" in (
        message
    )
    assert "gemeint ist wohl 'Landkreis Cham'" in message
    # the same county written with or without its title is the same county
    for county in ("Landkreis Cham", "Cham", "Kreis Cham"):
        same = region.replace("county: Landkreis Cham", f"county: {county}")
        assert parse_strategy(MINIMAL.replace("themes:", same + "themes:", 1))
