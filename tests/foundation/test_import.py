"""`funding-matcher import`: good files, broken lines, re-import."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

import pytest
from sqlalchemy import func, select

from scrapers.record import ParseError
from tests.conftest import REPO_ROOT
from webapp.importer import import_jsonl
from webapp.models import Call

DEV_CALLS = REPO_ROOT / "data" / "eval" / "dev" / "calls.jsonl"


def _call(**fields: object) -> dict[str, object]:
    base: dict[str, object] = {
        "id": "X-1",
        "source": "test",
        "url": "https://example.org/x-1",
        "title": "Förderaufruf Digitale Schule",
        "funder": "Land NRW",
        "eligible": ["Schulträger"],
        "deadline": "2027-03-31",
        "amount_max_eur": 100000,
        "funding_rate": 0.9,
    }
    base.update(fields)
    return base


def _write(path: Path, rows: Sequence[object]) -> Path:
    path.write_text(
        "\n".join(r if isinstance(r, str) else json.dumps(r, ensure_ascii=False) for r in rows),
        encoding="utf-8",
    )
    return path


def _count(session) -> int:
    session.expire_all()
    return session.scalar(select(func.count()).select_from(Call))


def test_import_dev_set_then_reimport_adds_nothing(cli, session) -> None:
    assert cli("init").exit_code == 0
    first = cli("import", str(DEV_CALLS))
    assert first.exit_code == 0, first.output
    assert "282 neu" in first.output
    second = cli("import", str(DEV_CALLS))
    assert second.exit_code == 0
    assert "0 neu, 0 geändert, 282 unverändert" in second.output
    assert "bereits importiert" in second.output
    assert _count(session) == 282


def test_broken_line_names_line_and_field_and_writes_nothing(cli, session, tmp_path: Path) -> None:
    assert cli("init").exit_code == 0
    path = _write(
        tmp_path / "calls.jsonl",
        [
            _call(),
            _call(id="X-2", deadline="31.02.2027"),
            _call(id="X-3", title=""),
            '{"id": "X-4", "title": ',
            _call(id="X-5", amount_max_eur="viel"),
        ],
    )
    result = cli("import", str(path))
    assert result.exit_code == 1
    assert "calls.jsonl" in result.output
    assert "Zeile 2, Feld 'deadline'" in result.output
    assert "Zeile 3, Feld 'title'" in result.output
    assert "Zeile 4: kein gültiges JSON (Wert erwartet, Spalte 24)" in result.output
    assert "4 fehlerhafte Zeilen, nichts importiert" in result.output
    assert "Zeile 5, Feld 'amount_max_eur'" in result.output
    assert "nichts importiert" in result.output
    assert "Traceback" not in result.output
    assert _count(session) == 0


def test_changed_record_updates_and_keeps_history(cli, session, tmp_path: Path) -> None:
    assert cli("init").exit_code == 0
    assert cli("import", str(_write(tmp_path / "a.jsonl", [_call()]))).exit_code == 0
    moved = _write(tmp_path / "b.jsonl", [_call(deadline="2027-04-30")])
    result = cli("import", str(moved))
    assert "0 neu, 1 geändert" in result.output
    session.expire_all()
    call = session.scalar(select(Call))
    assert str(call.deadline) == "2027-04-30"
    assert [(c.field, c.old, c.new) for c in call.changes] == [
        ("deadline", "2027-03-31", "2027-04-30")
    ]


def test_missing_file_is_a_clear_error(cli, tmp_path: Path) -> None:
    result = cli("import", str(tmp_path / "fehlt.jsonl"))
    assert result.exit_code == 1
    assert "fehlt.jsonl" in result.output and "nicht gefunden" in result.output


def test_duplicate_ids_in_one_file_are_rejected(cli, session, tmp_path: Path) -> None:
    assert cli("init").exit_code == 0
    result = cli("import", str(_write(tmp_path / "d.jsonl", [_call(), _call()])))
    assert result.exit_code == 1
    assert "Zeile 2, Feld 'id'" in result.output and "Zeile 1" in result.output
    assert _count(session) == 0


def test_json_mistakes_are_explained_in_german(cli, session, tmp_path: Path) -> None:
    assert cli("init").exit_code == 0
    path = _write(
        tmp_path / "calls.jsonl",
        [
            '{"id": "X-1", "title": "A", "url": "https://a.example/1",}',
            "{'id': 'X-2'}",
            '{"id": "X-3", "title": "B" "url": "https://a.example/3"}',
            '{"id": "X-4", "title": "C", "url": "https://a.example/4"} x',
        ],
    )
    result = cli("import", str(path))
    assert result.exit_code == 1
    assert "Zeile 1: kein gültiges JSON (Feldname in doppelten Anführungszeichen erwartet" in (
        result.output
    )
    assert "Zeile 2: kein gültiges JSON (Feldname in doppelten Anführungszeichen erwartet" in (
        result.output
    )
    assert "Zeile 3: kein gültiges JSON (',' erwartet, Spalte 28)" in result.output
    assert "Zeile 4: kein gültiges JSON (nach dem Objekt folgt noch etwas" in result.output
    assert "Expecting" not in result.output and "Extra data" not in result.output
    assert _count(session) == 0


def test_one_bad_line_is_counted_in_the_singular(cli, session, tmp_path: Path) -> None:
    assert cli("init").exit_code == 0
    path = _write(tmp_path / "calls.jsonl", [_call(), _call(id="X-2", title="")])
    result = cli("import", str(path))
    assert result.exit_code == 1
    assert "1 fehlerhafte Zeile, nichts importiert" in result.output


def test_every_problem_of_a_line_is_named_with_its_field(cli, session, tmp_path: Path) -> None:
    assert cli("init").exit_code == 0
    path = _write(
        tmp_path / "calls.jsonl",
        [
            _call(),
            _call(id="X-2", url="ftp://example.org/x", title="", funding_rate=150, dealine="x"),
            _call(id="X-3", title=["Liste"]),
        ],
    )
    result = cli("import", str(path))
    assert result.exit_code == 1
    assert "2 fehlerhafte Zeilen mit 5 Fehlern, nichts importiert" in result.output
    assert "Zeile 2, Feld 'dealine': unbekanntes Feld 'dealine' (gemeint ist wohl " in (
        result.output
    )
    assert "Zeile 2, Feld 'url': 'ftp://example.org/x' ist keine Web-Adresse" in result.output
    assert "Zeile 2, Feld 'title': Titel fehlt" in result.output
    assert "Zeile 2, Feld 'funding_rate': Förderquote 150 liegt über 100 %" in result.output
    # a title of the wrong kind is named once, in German, not also as missing
    assert "Zeile 3, Feld 'title': muss ein Text sein, nicht eine Liste" in result.output
    assert result.output.count("Zeile 3") == 1
    assert _count(session) == 0


def test_many_bad_lines_show_at_most_twenty_problems(cli, session, tmp_path: Path) -> None:
    assert cli("init").exit_code == 0
    rows = [_call(id=f"X-{n}", title="", funding_rate=150) for n in range(15)]
    result = cli("import", str(_write(tmp_path / "calls.jsonl", rows)))
    assert result.exit_code == 1
    assert "15 fehlerhafte Zeilen mit 30 Fehlern, nichts importiert" in result.output
    assert result.output.count("\n  Zeile ") == 20
    assert "… und 10 weitere Fehler" in result.output
    assert _count(session) == 0


def test_a_scraped_source_name_is_refused_with_line_field_and_way_out(
    cli, session, tmp_path: Path
) -> None:
    """`scrape foerderdatenbank` would mark every imported call it does not list as gone."""
    assert cli("init").exit_code == 0
    path = _write(
        tmp_path / "calls.jsonl",
        [_call(source="manuell"), _call(id="X-2", source="foerderdatenbank")],
    )
    result = cli("import", str(path))
    assert result.exit_code == 1
    assert str(path) in result.output
    assert "1 fehlerhafte Zeile, nichts importiert" in result.output
    assert (
        "Zeile 2, Feld 'source': 'foerderdatenbank' ist eine Quelle, die `scrape` abruft "
        "(data/sources.yaml)"
    ) in result.output.replace(str(REPO_ROOT) + "/", "")
    assert "als verschwunden markieren" in result.output
    assert "einen eigenen Namen (etwa 'manuell')" in result.output
    assert "--source QUELLE" in result.output
    assert "Traceback" not in result.output
    assert _count(session) == 0


def test_the_configured_source_list_decides_switched_off_sources_too(
    cli, session, tmp_path: Path
) -> None:
    assert cli("init").exit_code == 0
    sources = tmp_path / "quellen.yaml"
    sources.write_text(
        "sources:\n"
        "  - {name: kreis-feed, kind: feed, url: 'https://example.org/a.xml'}\n"
        "  - {name: alt-feed, kind: feed, url: 'https://example.org/b.xml', enabled: false}\n",
        encoding="utf-8",
    )
    path = _write(
        tmp_path / "calls.jsonl",
        [
            _call(source="foerderdatenbank"),  # not scraped by this county
            _call(id="X-2", source="kreis-feed"),
            _call(id="X-3", source="alt-feed"),
        ],
    )
    result = cli("import", str(path), SOURCES_PATH=str(sources))
    assert result.exit_code == 1
    assert (
        f"Zeile 2, Feld 'source': 'kreis-feed' ist eine Quelle, die `scrape` abruft ({sources})"
        in (result.output)
    )
    assert f"Zeile 3, Feld 'source': 'alt-feed' ist eine Quelle aus {sources}" in result.output
    assert "ausgeschaltet" in result.output
    assert "Zeile 1" not in result.output
    assert _count(session) == 0
    good = _write(tmp_path / "good.jsonl", [_call(source="foerderdatenbank")])
    assert cli("import", str(good), SOURCES_PATH=str(sources)).exit_code == 0
    assert _count(session) == 1


def test_source_option_naming_a_scraped_source_is_refused(cli, session, tmp_path: Path) -> None:
    assert cli("init").exit_code == 0
    row = _call()
    del row["source"]
    path = _write(tmp_path / "calls.jsonl", [row])
    result = cli("import", str(path), "--source", "eu-ft")
    assert result.exit_code == 1
    assert "--source: 'eu-ft' ist eine Quelle, die `scrape` abruft" in result.output
    assert "nichts importiert" in result.output
    assert _count(session) == 0
    assert cli("import", str(path), "--source", "manuell").exit_code == 0
    session.expire_all()
    assert session.scalar(select(Call.source)) == "manuell"


def test_a_scraped_source_name_in_other_case_is_refused(cli, session, tmp_path: Path) -> None:
    """Names are exact keys: "Foerderdatenbank" would be a second source in the Quelle filter,
    next to "Förderdatenbank des Bundes"."""
    assert cli("init").exit_code == 0
    path = _write(
        tmp_path / "calls.jsonl",
        [
            _call(source="manuell"),
            _call(id="X-2", source="Foerderdatenbank"),
            _call(id="X-3", source=" FOERDERDATENBANK "),
        ],
    )
    result = cli("import", str(path))
    assert result.exit_code == 1
    output = result.output.replace(str(REPO_ROOT) + "/", "")
    assert "2 fehlerhafte Zeilen, nichts importiert" in output
    assert (
        "Zeile 2, Feld 'source': 'Foerderdatenbank' unterscheidet sich nur in Groß-/"
        "Kleinschreibung von 'foerderdatenbank', einer Quelle, die `scrape` abruft "
        "(data/sources.yaml)"
    ) in output
    assert "Zeile 3, Feld 'source': 'FOERDERDATENBANK' unterscheidet sich nur in" in output
    assert "im Filter „Quelle“ als zweite Quelle neben ihr" in output
    # the calls would not be marked gone: scrape compares names exactly
    assert "als verschwunden markieren" not in output
    assert "Bitte in 'source' einen eigenen Namen (etwa 'manuell') eintragen" in output
    assert _count(session) == 0


def test_source_option_in_other_case_or_with_spaces_is_refused(
    cli, session, tmp_path: Path
) -> None:
    assert cli("init").exit_code == 0
    row = _call()
    del row["source"]
    path = _write(tmp_path / "calls.jsonl", [row])
    upper = cli("import", str(path), "--source", "Foerderdatenbank")
    assert upper.exit_code == 1
    assert (
        "--source: 'Foerderdatenbank' unterscheidet sich nur in Groß-/Kleinschreibung von "
        "'foerderdatenbank', einer Quelle, die `scrape` abruft"
    ) in upper.output
    spaced = cli("import", str(path), "--source", " foerderdatenbank ")
    assert spaced.exit_code == 1
    assert "--source: 'foerderdatenbank' ist eine Quelle, die `scrape` abruft" in spaced.output
    assert _count(session) == 0
    # a name of one's own is stored as the lines' names are: without the spaces around it
    assert cli("import", str(path), "--source", " manuell ").exit_code == 0
    session.expire_all()
    assert session.scalar(select(Call.source)) == "manuell"


def test_refused_source_option_is_told_to_change_the_option(cli, session, tmp_path: Path) -> None:
    """The name came from `--source`: the way out is the option, not the file's field."""
    assert cli("init").exit_code == 0
    row = _call()
    del row["source"]
    path = _write(tmp_path / "calls.jsonl", [row])
    result = cli("import", str(path), "--source", "foerderdatenbank")
    assert result.exit_code == 1
    assert "als verschwunden markieren" in result.output
    assert (
        "Bitte bei --source einen eigenen Namen (etwa 'manuell') angeben oder --source "
        "weglassen: dann gilt die Vorgabe 'import'."
    ) in result.output
    assert "in 'source'" not in result.output
    assert _count(session) == 0


def test_empty_source_option_is_refused(cli, session, tmp_path: Path) -> None:
    assert cli("init").exit_code == 0
    row = _call()
    del row["source"]
    path = _write(tmp_path / "calls.jsonl", [row])
    result = cli("import", str(path), "--source", " ")
    assert result.exit_code == 1
    assert "--source: leer" in result.output
    assert _count(session) == 0


def test_the_import_api_refuses_scraped_names_of_the_configured_list(
    session, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`import_jsonl` without a source list skipped the refusal: its callers stored calls
    that the next `scrape` of the source marks gone."""
    path = _write(tmp_path / "calls.jsonl", [_call(source="foerderdatenbank")])
    with pytest.raises(ParseError) as refused:
        import_jsonl(session, path)
    assert (
        "Zeile 1, Feld 'source': 'foerderdatenbank' ist eine Quelle, die `scrape` abruft "
        "(data/sources.yaml)"
    ) in str(refused.value).replace(str(REPO_ROOT) + "/", "")
    assert _count(session) == 0
    # the list SOURCES_PATH names decides, as for the command
    sources = tmp_path / "quellen.yaml"
    sources.write_text(
        "sources:\n  - {name: kreis-feed, kind: feed, url: 'https://example.org/a.xml'}\n",
        encoding="utf-8",
    )
    monkeypatch.setenv("SOURCES_PATH", str(sources))
    own = _write(tmp_path / "own.jsonl", [_call(id="X-2", source="kreis-feed")])
    with pytest.raises(ParseError, match="'kreis-feed' ist eine Quelle, die `scrape` abruft"):
        import_jsonl(session, own)
    assert import_jsonl(session, path).new == 1


@pytest.mark.parametrize(
    "mistake",
    [
        "    kind: fedd\n",  # fails the list's checks
        "    kind: feed\n    kind: feed\n",  # a key written twice
    ],
)
def test_a_source_list_with_mistakes_still_names_its_sources(
    cli, session, tmp_path: Path, mistake: str
) -> None:
    """The admin fixes the list and scrapes: calls imported under its names would be marked
    gone then. The list is read once."""
    assert cli("init").exit_code == 0
    sources = tmp_path / "quellen.yaml"
    sources.write_text(
        f"sources:\n  - name: kreis-feed\n{mistake}    url: https://example.org/a.xml\n",
        encoding="utf-8",
    )
    reads: list[Path] = []
    read_bytes = Path.read_bytes

    def counted(self: Path) -> bytes:
        if self == sources:
            reads.append(self)
        return read_bytes(self)

    path = _write(tmp_path / "calls.jsonl", [_call(source="kreis-feed")])
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(Path, "read_bytes", counted)
        result = cli("import", str(path), SOURCES_PATH=str(sources))
    assert result.exit_code == 1
    assert f"'kreis-feed' ist eine Quelle, die `scrape` abruft ({sources})" in result.output
    assert _count(session) == 0
    assert len(reads) == 1


def test_a_source_list_that_is_no_yaml_blocks_no_import(cli, session, tmp_path: Path) -> None:
    """`scrape` names that problem itself; the import has no names to refuse."""
    assert cli("init").exit_code == 0
    sources = tmp_path / "quellen.yaml"
    sources.write_text("sources: [\n  - name: kreis-feed\n", encoding="utf-8")
    path = _write(tmp_path / "calls.jsonl", [_call(source="kreis-feed")])
    result = cli("import", str(path), SOURCES_PATH=str(sources))
    assert result.exit_code == 0, result.output
    assert _count(session) == 1
    missing = cli("import", str(path), SOURCES_PATH=str(tmp_path / "fehlt.yaml"))
    assert missing.exit_code == 0, missing.output
