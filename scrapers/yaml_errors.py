"""Reading the YAML files an administrator writes by hand, and their errors in German.

Both such files, `sources.yaml` and the strategy (`matcher.strategy`), are read with
`load_yaml`, which refuses a key written twice in one mapping (PyYAML would keep the last
value without a word), and report a broken file through `yaml_problem`: PyYAML's own words
("found character '\\t' that cannot start any token") do not say what to change.
`closest` names the key or value a typo meant, for these files and the JSONL import.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

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


# A line that is only a key ("   text: …", "  - id: …") up to the colon YAML refused
_KEY_ONLY = re.compile(r"(\s*)(?:-\s+)*([\w.-]+)\s*")
# A line's indentation and list dashes, before its key
_KEY_START = re.compile(r"\s*(?:-\s+)*")


def _misindented_key(text: str, line: int, col: int) -> str | None:
    """For "mapping values are not allowed" on a line that is only a key so far (1-based
    `line`, `col` the colon): the key is indented unlike the key of the line above, so YAML
    read it as part of that line's value. What to tell the author, or None."""
    lines = text.splitlines()
    if not 1 <= line <= len(lines):
        return None
    here = lines[line - 1]
    match = _KEY_ONLY.fullmatch(here[: col - 1])
    if match is None:
        return None
    above = next(
        (
            (n, row)
            for n, row in reversed(list(enumerate(lines[: line - 1], start=1)))
            if row.strip() and not row.lstrip().startswith("#")
        ),
        None,
    )
    if above is None:
        return None
    key_col = match.start(2) + 1
    indent = _KEY_START.match(above[1])
    above_col = (indent.end() if indent else 0) + 1
    if key_col == above_col:
        return None
    return (
        f"die Einrückung stimmt nicht: „{match.group(2)}:“ beginnt in Spalte {key_col}, der "
        f"Schlüssel in Zeile {above[0]} darüber in Spalte {above_col} – Schlüssel derselben "
        "Ebene beginnen in derselben Spalte (gehört der Text zur Zeile davor, ihn in "
        'Anführungszeichen setzen: "…: …")'
    )


def yaml_problem(exc: yaml.YAMLError, text: str | None = None) -> tuple[int | None, str]:
    """The 1-based line of a YAML syntax error and what to change there, in German.

    `text`: the document, to tell a misindented key from a colon inside a value."""
    mark = getattr(exc, "problem_mark", None)
    problem = str(getattr(exc, "problem", None) or exc)
    context = str(getattr(exc, "context", None) or "")
    line = mark.line + 1 if mark is not None else None
    col = mark.column + 1 if mark is not None else "?"
    if (
        text is not None
        and line is not None
        and isinstance(col, int)
        and problem.startswith("mapping values are not allowed")
        and (indent := _misindented_key(text, line, col)) is not None
    ):
        return line, indent
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


def closest(
    value: str, known: Iterable[str], *, fold: Callable[[str], str] | None = None
) -> str | None:
    """The known name a typo most likely meant ("dealy" → "delay"), or None.

    `fold` compares folded spellings ("landkries" is near "Landkreis").
    """
    by_key = {(fold(k) if fold else k): k for k in known}
    close = difflib.get_close_matches(fold(value) if fold else value, list(by_key), n=1, cutoff=0.6)
    return by_key[close[0]] if close else None


@dataclass(frozen=True, slots=True, order=True)
class DuplicateKey:
    """A key written twice in one mapping: where (1-based lines) and which."""

    line: int
    first_line: int
    key: str

    @property
    def problem(self) -> str:
        """What is wrong, without the line it is in."""
        return (
            f"Schlüssel '{self.key}' steht doppelt (zuerst in Zeile {self.first_line}); "
            "der erste Wert würde überschrieben"
        )

    def __str__(self) -> str:
        return f"Zeile {self.line}: {self.problem}"


class DuplicateKeysError(yaml.YAMLError):
    """One or more mappings of a document repeat a key; `duplicates` in document order.

    `node` is the document's node tree, for a caller that names the part a key is in; `data`
    the document as PyYAML reads it (the last of each repeated key), for a caller that needs
    only part of it and need not refuse the whole (the import's source names).
    """

    def __init__(
        self, duplicates: list[DuplicateKey], node: yaml.Node | None = None, data: Any = None
    ) -> None:
        self.duplicates = sorted(duplicates)
        self.node = node
        self.data = data
        super().__init__("; ".join(str(d) for d in self.duplicates))


class UniqueKeyLoader(yaml.SafeLoader):
    """A SafeLoader that notes every key repeated within one mapping (see `load_yaml`)."""

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self.duplicates: list[DuplicateKey] = []

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        # Checked before the merge keys (`<<: *defaults`) are flattened into the mapping: a
        # key that overrides a merged one is meant to, a key written twice is not.
        first: dict[Any, int] = {}
        for key_node, _ in node.value:
            if key_node.tag == "tag:yaml.org,2002:merge":
                continue
            key = self.construct_object(key_node, deep=deep)
            line = key_node.start_mark.line + 1
            try:
                if key in first:
                    self.duplicates.append(DuplicateKey(line, first[key], str(key_node.value)))
                else:
                    first[key] = line
            except TypeError:  # an unhashable key: the constructor says so itself
                continue
        return super().construct_mapping(node, deep=deep)


def load_yaml(text: str) -> tuple[Any, yaml.Node | None]:
    """The data of a YAML document and its node tree (for the lines of its parts).

    Raises `DuplicateKeysError` naming every repeated key, and PyYAML's `YAMLError` for a
    syntax error (see `yaml_problem`).
    """
    loader = UniqueKeyLoader(text)
    try:
        node = loader.get_single_node()
        data = loader.construct_document(node) if node is not None else None
    finally:
        loader.dispose()
    if loader.duplicates:
        raise DuplicateKeysError(loader.duplicates, node, data)
    return data, node
