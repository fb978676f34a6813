"""The `evaluate` command on the development set, and its errors for bad input files."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from matcher.evaluation import EvalDataError, load_calls, load_qrels
from webapp.cli import main

ROOT = Path(__file__).resolve().parents[2]
DEV = ROOT / "data" / "eval" / "dev"


def test_evaluate_prints_figures_and_json() -> None:
    result = CliRunner().invoke(
        main,
        [
            "evaluate",
            "--calls",
            str(DEV / "calls.jsonl"),
            "--qrels",
            str(DEV / "qrels.tsv"),
            "--json",
        ],
    )
    assert result.exit_code == 0, result.output
    lines = result.output.strip().splitlines()
    assert any(line.startswith("VW-01") for line in lines)
    assert any(line.startswith("Mittel") for line in lines)
    report = json.loads(lines[-1])
    assert report["calls"] == 282
    assert report["projects"] == 22
    keys = {"ndcg@10", "p@5", "map", "r@20", "inbox_p@20", "inbox_ap"}
    assert set(report["matcher"]) == keys
    assert set(report["bm25"]) == keys
    assert report["matcher"]["ndcg@10"] >= 0.95
    assert report["matcher"]["ndcg@10"] > report["bm25"]["ndcg@10"]


@pytest.mark.parametrize(
    "week", ["week-1", "week-2", "week-3", "week-4", "week-5", "week-6", "week-7"]
)
def test_the_advisors_weeks_load_and_the_matcher_beats_bm25(week: str) -> None:
    """The advisors' hand-labelled weeks (data/eval/advisors) stay valid input, and on each
    the matcher ranks better than the search-engine baseline, per project and in the inbox."""
    folder = ROOT / "data" / "eval" / "advisors" / week
    calls = load_calls(folder / "calls.jsonl")
    assert len(calls) == 30
    result = CliRunner().invoke(
        main,
        [
            "evaluate",
            "--calls",
            str(folder / "calls.jsonl"),
            "--qrels",
            str(folder / "qrels.tsv"),
            "--json",
        ],
    )
    assert result.exit_code == 0, result.output
    report = json.loads(result.output.strip().splitlines()[-1])
    for key in ("ndcg@10", "map", "inbox_ap"):
        assert report["matcher"][key] > report["bm25"][key], (key, report)


def test_evaluate_with_feedback_reports_the_split() -> None:
    part = ROOT / "data" / "eval" / "dev-independent"
    result = CliRunner().invoke(
        main,
        [
            "evaluate",
            "--calls",
            str(part / "calls.jsonl"),
            "--qrels",
            str(part / "qrels.tsv"),
            "--json",
            "--feedback-fraction",
            "0.5",
            "--seed",
            "0",
        ],
    )
    assert result.exit_code == 0, result.output
    report = json.loads(result.output.strip().splitlines()[-1])
    assert report["feedback_fraction"] == 0.5
    assert "matcher_no_feedback" in report
    # the gain the target is about, in one line a reader finds without the JSON
    before, after = report["matcher_no_feedback"]["map"], report["matcher"]["map"]
    assert (
        f"Durch die Bewertungen: map {before:.3f} → {after:.3f} ({after - before:+.3f})."
        in result.output
    )


def test_the_table_says_what_its_figures_mean() -> None:
    result = CliRunner().invoke(
        main, ["evaluate", "--calls", str(DEV / "calls.jsonl"), "--qrels", str(DEV / "qrels.tsv")]
    )
    assert result.exit_code == 0, result.output
    text = " ".join(result.output.split())
    assert "Alle Werte zwischen 0 und 1, höher ist besser." in text
    assert "p@5: Anteil relevanter unter den ersten 5" in text
    assert "bm25: ein gutes Suchverfahren zum Vergleich" in text
    assert all(len(line) <= 100 for line in result.output.splitlines())


def test_bad_json_line_names_file_and_line(tmp_path: Path) -> None:
    calls = tmp_path / "calls.jsonl"
    calls.write_text('{"id": "a", "title": "A"}\n{"id": "b", "title": \n', encoding="utf-8")
    result = CliRunner().invoke(
        main, ["evaluate", "--calls", str(calls), "--qrels", str(DEV / "qrels.tsv")]
    )
    assert result.exit_code != 0
    assert f"{calls}, Zeile 2" in result.output
    assert "Traceback" not in result.output


def test_unknown_project_in_qrels(tmp_path: Path) -> None:
    qrels = tmp_path / "qrels.tsv"
    qrels.write_text("VW-01\tC-D-001\t2\nXX-99\tC-D-002\t1\n", encoding="utf-8")
    result = CliRunner().invoke(
        main, ["evaluate", "--calls", str(DEV / "calls.jsonl"), "--qrels", str(qrels)]
    )
    assert result.exit_code != 0
    assert "Zeile 2" in result.output and "XX-99" in result.output
    assert "Traceback" not in result.output


def test_loaders_reject_bad_grades(tmp_path: Path) -> None:
    calls = load_calls(DEV / "calls.jsonl")
    qrels = tmp_path / "q.tsv"
    qrels.write_text("VW-01\tC-D-001\tgut\n", encoding="utf-8")
    with pytest.raises(EvalDataError, match="Zeile 1"):
        load_qrels(qrels, {c.id for c in calls}, {"VW-01"})


def test_a_single_call_is_counted_in_the_singular(tmp_path: Path) -> None:
    """A set of one call says "1 Aufruf", not "1 Aufrufe"."""
    first = (DEV / "calls.jsonl").read_text(encoding="utf-8").splitlines()[0]
    calls = tmp_path / "calls.jsonl"
    calls.write_text(first + "\n", encoding="utf-8")
    qrels = tmp_path / "qrels.tsv"
    qrels.write_text(f"VW-01\t{json.loads(first)['id']}\t2\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["evaluate", "--calls", str(calls), "--qrels", str(qrels)])
    assert result.exit_code == 0, result.output
    assert result.output.startswith("1 Aufruf, 22 Projekte, 1 mit mindestens")
