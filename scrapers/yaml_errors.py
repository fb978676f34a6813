"""PyYAML's syntax errors in German, with the line and column an author has to look at.

Both configuration files an administrator writes by hand, `sources.yaml` and the strategy
(`matcher.strategy`), report a broken file through `yaml_problem`: PyYAML's own words
("found character '\\t' that cannot start any token") do not say what to change.
"""

from __future__ import annotations

import yaml

# (how PyYAML's problem starts, what to tell the author; {col} is the column)
_PROBLEMS: tuple[tuple[str, str], ...] = (
    (
        "found character '\\t'",
        "Tabulatorzeichen in Spalte {col}: YAML rückt nur mit Leerzeichen ein, den "
        "Tabulator durch Leerzeichen ersetzen",
    ),
    (
        "mapping values are not allowed",
        "„: “ in Spalte {col} ist hier nicht erlaubt: einen Text mit Doppelpunkt in "
        'Anführungszeichen setzen ("…: …"); sonst fehlt in der Zeile davor ein Doppelpunkt '
        "oder die Einrückung stimmt nicht",
    ),
    (
        "expected <block end>",
        "die Einrückung (Spalte {col}) passt nicht zu den Zeilen davor: Einträge derselben "
        "Ebene beginnen in derselben Spalte",
    ),
    ("could not find expected ':'", "nach dem Schlüssel fehlt der Doppelpunkt (schluessel: wert)"),
    ("expected ',' or ']'", "eine Liste in eckigen Klammern ist nicht geschlossen („]“ fehlt)"),
    (
        "expected ',' or '}'",
        "ein Objekt in geschweiften Klammern ist nicht geschlossen („}“ fehlt)",
    ),
    ("expected the node content", "an dieser Stelle (Spalte {col}) fehlt ein Wert"),
    (
        "found undefined alias",
        "ein Wert beginnt mit „*“ (Spalte {col}): in Anführungszeichen setzen",
    ),
    (
        "found duplicate anchor",
        "ein Wert beginnt mit „&“ (Spalte {col}): in Anführungszeichen setzen",
    ),
)


def yaml_problem(exc: yaml.YAMLError) -> tuple[int | None, str]:
    """The 1-based line of a YAML syntax error and what to change there, in German."""
    mark = getattr(exc, "problem_mark", None)
    problem = str(getattr(exc, "problem", None) or exc)
    context = str(getattr(exc, "context", None) or "")
    line = mark.line + 1 if mark is not None else None
    col = mark.column + 1 if mark is not None else "?"
    start = getattr(exc, "context_mark", None)
    if start is not None and ("quoted scalar" in context or "flow" in context):
        # An unclosed quote or bracket is found where the next line begins (or at the end
        # of the file): the opening mark is what to look at.
        line = start.line + 1
        if "quoted scalar" in context and "end of stream" in problem:
            return line, "ein Anführungszeichen wird nicht geschlossen"
    for start_of, german in _PROBLEMS:
        if problem.startswith(start_of):
            return line, german.replace("{col}", str(col))
    if "that cannot start any token" in problem and problem.count("'") >= 2:
        char = problem.split("'")[1]
        return (
            line,
            f"ein Wert darf nicht mit „{char}“ beginnen (Spalte {col}): in Anführungszeichen setzen",
        )
    return line, f"{problem}, Spalte {col}"
