"""`evaluate`: measure the production ranking and a BM25 baseline on labelled calls."""

from __future__ import annotations

import json
from pathlib import Path

import click

from matcher.evaluation import EvalDataError, format_report, load_calls, load_qrels
from matcher.evaluation import evaluate as run_evaluation
from matcher.strategy import load_strategy
from webapp.cli.common import AppContext, FiniteFloatRange, pass_app, user_errors
from webapp.cli.german import GermanCommand
from webapp.errors import UserError


@click.command(cls=GermanCommand)
@click.option(
    "--calls",
    "calls_path",
    metavar="DATEI",
    required=True,
    type=click.Path(path_type=Path),
    help="Aufrufe als JSONL (ein Aufruf je Zeile).",
)
@click.option(
    "--qrels",
    "qrels_path",
    metavar="DATEI",
    required=True,
    type=click.Path(path_type=Path),
    help="Urteile als TSV: Projekt, Aufruf, Note (0, 1 oder 2), mit Tabulator getrennt.",
)
@click.option(
    "--strategy",
    "strategy_path",
    metavar="DATEI",
    type=click.Path(path_type=Path),
    default=None,
    help="Strategie-YAML (Standard: STRATEGY_PATH bzw. die mitgelieferte Strategie).",
)
@click.option(
    "--json", "as_json", is_flag=True, help="Zuletzt eine Zeile mit einem JSON-Objekt ausgeben."
)
@click.option(
    "--feedback-fraction",
    metavar="ANTEIL",
    type=FiniteFloatRange(0.0, 0.95),
    default=0.0,
    show_default=True,
    help="Anteil der Urteile je Projekt, der als Entscheidung der Sachbearbeitung einfließt.",
)
@click.option(
    "--seed", type=int, default=0, show_default=True, help="Zufallsstartwert der Aufteilung."
)
@pass_app
@user_errors
def evaluate(
    app: AppContext,
    calls_path: Path,
    qrels_path: Path,
    strategy_path: Path | None,
    as_json: bool,
    feedback_fraction: float,
    seed: int,
) -> None:
    """Matcher und BM25-Vergleich auf bewerteten Aufrufen messen (nDCG@10, P@5, MAP, R@20)."""
    strategy = load_strategy(strategy_path or app.config.strategy_path)
    try:
        calls = load_calls(calls_path)
        qrels = load_qrels(qrels_path, {c.id for c in calls}, {p.id for p in strategy.projects})
    except EvalDataError as exc:
        raise UserError(str(exc)) from None
    if not qrels:
        # every figure would be 0.000, which reads like a result rather than a mistake
        raise UserError(f"{qrels_path}: kein Urteil mit Note 1 oder 2, nichts zu messen")
    report = run_evaluation(strategy, calls, qrels, feedback_fraction=feedback_fraction, seed=seed)
    click.echo(format_report(report))
    if as_json:
        click.echo(json.dumps(report.as_json(), ensure_ascii=False))


COMMANDS = [evaluate]
