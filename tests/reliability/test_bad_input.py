"""Bad user input: broken JSONL, strategy and source files, unknown arguments, bad settings.

Each must end with a clear message naming the file, line or entry and field, a non-zero exit,
no traceback, and nothing written. (tests/foundation covers a broken JSONL line, a missing
file, duplicate ids and the strategy parser's messages; these add the rest through the CLI.)
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from click.testing import Result
from sqlalchemy import func, select

from tests.conftest import STRATEGY_PATH, CliInvoker
from webapp.config import Config
from webapp.db import make_engine, make_session_factory
from webapp.models import Call, ProjectRow, ScrapeRun, Source


def _clean_failure(result: Result, *expected: str) -> None:
    """Non-zero exit with every expected piece in the message, and no traceback."""
    assert result.exit_code != 0, result.output
    assert isinstance(result.exception, SystemExit), repr(result.exception)
    assert "Traceback" not in result.output
    for piece in expected:
        assert piece in result.output, (piece, result.output)


def _count(config: Config, model: type) -> int:
    engine = make_engine(config.database_url)
    with make_session_factory(engine)() as session:
        value = session.scalar(select(func.count()).select_from(model)) or 0
    engine.dispose()
    return value


@pytest.fixture
def ready(cli: CliInvoker, config: Config) -> CliInvoker:
    """An initialised database with the bundled strategy."""
    result = cli("init")
    assert result.exit_code == 0, result.output
    return cli


GOOD = {"id": "ok-1", "url": "https://example.org/1", "title": "Breitband für Kommunen"}

JSONL_CASES = {
    "nicht-utf8": (
        b"\xef\xbb\xbf" + json.dumps(GOOD).encode() + b"\n\xe4\xf6\xfc\n",
        ["UTF-8", "Zeile 2, Spalte 1", "„ä“ in Windows-1252"],
    ),
    "array-statt-objekt": ((json.dumps(GOOD) + "\n[1, 2]\n").encode(), ["Zeile 2", "JSON-Objekt"]),
    "kaputtes-json": ((json.dumps(GOOD) + '\n{"id": "x", "title": \n').encode(), ["Zeile 2"]),
    "datum": (
        (
            json.dumps(GOOD) + "\n" + json.dumps({**GOOD, "id": "2", "deadline": "31.02.2027"})
        ).encode(),
        ["Zeile 2", "Feld 'deadline'"],
    ),
    "tag-gibt-es-nicht": (
        json.dumps({**GOOD, "deadline": "2027-02-30"}).encode(),
        [
            "Zeile 1",
            "Feld 'deadline'",
            "den 30. Februar 2027 gibt es nicht (der Februar 2027 hat 28 Tage)",
        ],
    ),
    "bom-in-zeile-2": (
        (json.dumps(GOOD) + "\n\ufeff" + json.dumps({**GOOD, "id": "2"}) + "\n").encode(),
        ["Zeile 2: kein gültiges JSON (unsichtbares Zeichen U+FEFF, eine Byte-Order-Markierung"],
    ),
    "jahr": (
        json.dumps({**GOOD, "deadline": "0001-01-01"}).encode(),
        ["Zeile 1", "Feld 'deadline'", "Jahr prüfen"],
    ),
    "betrag": (
        json.dumps({**GOOD, "amount_max_eur": "viel"}).encode(),
        ["Zeile 1", "Feld 'amount_max_eur'"],
    ),
    "liste": (json.dumps({**GOOD, "eligible": {"a": 1}}).encode(), ["Zeile 1", "'eligible'"]),
    "ohne-titel": (json.dumps({"id": "x", "url": "https://e.org"}).encode(), ["Zeile 1", "title"]),
    "unbekanntes-feld": (json.dumps({**GOOD, "titel": "x"}).encode(), ["Zeile 1", "titel"]),
}


@pytest.mark.parametrize("case", list(JSONL_CASES))
def test_broken_jsonl_names_file_line_field_and_imports_nothing(
    ready: CliInvoker, config: Config, tmp_path: Path, case: str
) -> None:
    body, expected = JSONL_CASES[case]
    path = tmp_path / f"{case}.jsonl"
    path.write_bytes(body)
    before = _count(config, Call)
    _clean_failure(ready("import", str(path)), path.name, *expected)
    assert _count(config, Call) == before  # all or nothing: the good first line is not in


def test_jsonl_path_that_is_a_directory(ready: CliInvoker, tmp_path: Path) -> None:
    _clean_failure(ready("import", str(tmp_path)), tmp_path.name)


STRATEGY_CASES = {
    "yaml": ("titel: x\nprojects: [\n", ["Zeile"]),
    "nicht-utf8": (None, ["UTF-8"]),
    # saved by an editor as ANSI: where, and what to do, in German
    "windows-1252": (None, ["Zeile", "Spalte", "in Windows-1252", "als UTF-8 speichern"]),
    "leer": ("", []),
}


@pytest.mark.parametrize("case", list(STRATEGY_CASES))
def test_broken_strategy_file_changes_nothing(
    ready: CliInvoker, config: Config, tmp_path: Path, case: str
) -> None:
    text, expected = STRATEGY_CASES[case]
    path = tmp_path / f"{case}.yaml"
    if text is None:
        path.write_bytes(STRATEGY_PATH.read_text(encoding="utf-8").encode("cp1252", "replace"))
        if case == "nicht-utf8":
            path.write_bytes(b"\xff\xfe" + path.read_bytes())
    else:
        path.write_text(text, encoding="utf-8")
    before = _count(config, ProjectRow)
    _clean_failure(ready("strategy", "load", str(path)), path.name, *expected)
    assert _count(config, ProjectRow) == before


def test_strategy_with_an_unknown_theme_names_line_and_field(
    ready: CliInvoker, config: Config, tmp_path: Path
) -> None:
    broken = tmp_path / "strategie.yaml"
    # Point the first project at a theme that does not exist.
    data = yaml.safe_load(STRATEGY_PATH.read_text(encoding="utf-8"))
    data["projects"][0]["theme"] = "gibt-es-nicht"
    broken.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), "utf-8")
    before = _count(config, ProjectRow)
    _clean_failure(ready("strategy", "load", str(broken)), "strategie.yaml", "gibt-es-nicht")
    assert _count(config, ProjectRow) == before


WRONG_CALLS = [
    (["scrape", "--gibt-es-nicht"], 2, "Unbekannte Option '--gibt-es-nicht'."),
    (["gibt-es-nicht"], 2, "Unbekannter Befehl 'gibt-es-nicht'."),
    (["import"], 2, "Es fehlt das Argument 'DATEI'."),
    (["match", "--today", "morgen"], 2, "Unbekannte Option '--today'."),
    (["weekly", "--wait", "bald"], 2, "Ungültiger Wert für '--wait': 'bald' ist keine Zahl"),
    (["digest", "--today", "2027-13-45"], 2, "Ungültiger Wert für '--today': '2027-13-45'"),
    (["parse", "rss", "datei.xml"], 2, "Ungültiger Wert für 'ART': 'rss' ist keiner der Werte"),
    (["user", "add"], 2, "Es fehlt das Argument 'E-MAIL'."),
    (["strategy", "load", "/gibt/es/nicht.yaml"], 1, "/gibt/es/nicht.yaml"),
]


@pytest.mark.parametrize(
    ("args", "status", "message"), WRONG_CALLS, ids=[" ".join(case[0]) for case in WRONG_CALLS]
)
def test_unknown_or_wrong_arguments_exit_with_usage_message(
    ready: CliInvoker, config: Config, args: list[str], status: int, message: str
) -> None:
    before = _count(config, Call)
    result = ready(*args)
    _clean_failure(result, message)
    # 2 for a wrong call (with the usage line), 1 for a mistake in what it names
    assert result.exit_code == status
    assert result.stdout == ""
    assert f"Fehler: {message}" in result.stderr
    assert ("Aufruf: funding-matcher " in result.stderr) == (status == 2)
    assert "Error" not in result.output and "Usage" not in result.output
    assert _count(config, Call) == before


SOURCES_CASES = {
    "yaml": ("sources:\n  - name: a\n    kind: feed\n   url: [\n", ["kein gültiges YAML", "Zeile"]),
    "ohne-liste": ("sources: {}\n", ["'sources'"]),
    "ohne-url": ("sources:\n  - name: a\n    kind: feed\n", ["Quelle 'a'", "'url'"]),
    "art": ("sources:\n  - {name: a, kind: rss, url: 'https://x.de'}\n", ["'a'", "'kind'", "rss"]),
    "doppelt": (
        "sources:\n  - {name: a, kind: feed, url: 'https://x.de'}\n"
        "  - {name: a, kind: feed, url: 'https://y.de'}\n",
        ["'a'", "doppelt"],
    ),
    "doppelt-zeile": (
        "sources:\n  - name: a\n    kind: feed\n    url: 'https://x.de'\n"
        "  - {name: a, kind: feed, url: 'https://y.de'}\n",
        ["Zeile 5, Quelle 'a' (Feld 'name'): Name doppelt vergeben (zuerst in Zeile 2)"],
    ),
    "typ": (
        "sources:\n  - {name: a, kind: feed, url: 'https://x.de', delay: bald}\n",
        ["'a'", "bald"],
    ),
    "eintrag-text": ("sources:\n  - nur ein Text\n", ["Quelle 1"]),
    "nicht-utf8": (None, ["UTF-8", "Zeile 2, Spalte 13", "„ä“ in Windows-1252"]),
}


@pytest.mark.parametrize("case", list(SOURCES_CASES))
def test_broken_sources_yaml_names_entry_and_field_and_writes_nothing(
    ready: CliInvoker, config: Config, tmp_path: Path, case: str
) -> None:
    text, expected = SOURCES_CASES[case]
    path = tmp_path / f"quellen-{case}.yaml"
    if text is None:
        path.write_bytes(b"sources:\n  - name: St\xe4dte\n")
    else:
        path.write_text(text, encoding="utf-8")
    _clean_failure(ready("scrape", SOURCES_PATH=str(path)), path.name, *expected)
    assert _count(config, Source) == 0 and _count(config, ScrapeRun) == 0


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        ({"DATABASE_URL": "keine-adresse"}, "DATABASE_URL"),
        ({"DATABASE_URL": "mysql://u@h/x"}, "DATABASE_URL"),
        ({"DATABASE_URL": "postgresql://fm:geheim@127.0.0.1:1/fm"}, "Datenbankfehler"),
        ({"SMTP_PORT": "fünfundzwanzig"}, "SMTP_PORT"),
        ({"LOG_LEVEL": "laut"}, "LOG_LEVEL"),
        ({"LOG_FILE": "/proc/kein/log"}, "LOG_FILE"),
    ],
)
def test_bad_settings_are_one_clear_line(
    cli: CliInvoker, env: dict[str, str], expected: str
) -> None:
    result = cli("match", **env)
    _clean_failure(result, expected)
    assert "geheim" not in result.output  # never print the password


def test_command_on_an_uninitialised_database_says_run_init(cli: CliInvoker) -> None:
    _clean_failure(cli("match"), "funding-matcher init")
