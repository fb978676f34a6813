"""Choose the model's weights on the development set (run: python -m matcher.tuning).

Coordinate ascent over a small grid per weight: each round tries every value of one weight
with the others fixed and keeps the best. The objective is the mean of nDCG@10, MAP and inbox
AP, averaged over the full development set and its independent part (the realistic one).
To see whether the choice generalises, the same search is run in 5 folds over projects:
weights chosen on 4/5 of the projects are measured on the held-out fifth.
"""

from __future__ import annotations

import argparse
import copy
import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from matcher.evaluation import (
    Qrels,
    evaluate,
    feedback_split,
    load_calls,
    load_qrels,
    measure,
    text_eligibility_agreement,
)
from matcher.model import MatchModel, MatchParams
from matcher.strategy import Strategy, load_strategy
from matcher.types import CallDoc

ROOT = Path(__file__).resolve().parent.parent
Setter = Callable[[MatchParams, object], None]


def _set_dict(attr: str, key: str) -> Setter:
    def setter(p: MatchParams, v: object) -> None:
        getattr(p, attr)[key] = v

    return setter


def _set_attr(attr: str) -> Setter:
    def setter(p: MatchParams, v: object) -> None:
        setattr(p, attr, v)

    return setter


GRID: list[tuple[str, Setter, Sequence[object]]] = [
    ("call.title", _set_dict("call_fields", "title"), [1.0, 2.0, 3.0, 4.0]),
    ("call.summary", _set_dict("call_fields", "summary"), [0.5, 1.0, 2.0, 3.0]),
    ("call.text", _set_dict("call_fields", "text"), [0.5, 1.0, 1.5]),
    ("call.programme", _set_dict("call_fields", "programme"), [0.0, 0.5, 1.0, 2.0]),
    ("call.funder", _set_dict("call_fields", "funder"), [0.0, 0.25, 0.5]),
    ("project.title", _set_dict("project_fields", "title"), [1.0, 2.0, 3.0]),
    ("project.summary", _set_dict("project_fields", "summary"), [0.5, 1.0, 2.0]),
    ("project.keywords", _set_dict("project_fields", "keywords"), [1.0, 2.0, 3.0]),
    ("project.goals", _set_dict("project_fields", "goals"), [0.0, 0.5, 1.0, 2.0]),
    ("project.theme", _set_dict("project_fields", "theme"), [0.0, 0.5, 1.0]),
    ("space.word", _set_dict("space_weights", "word"), [0.3, 0.5, 0.7]),
    ("space.bigram", _set_dict("space_weights", "bigram"), [0.0, 0.1, 0.2, 0.3]),
    ("space.char", _set_dict("space_weights", "char"), [0.2, 0.4, 0.6, 0.8]),
    ("goal_weight", _set_attr("goal_weight"), [0.0, 0.1, 0.2, 0.4]),
    ("prf_k", _set_attr("prf_k"), [0, 2, 3, 5, 8]),
    ("prf_beta", _set_attr("prf_beta"), [0.0, 0.2, 0.4, 0.7, 1.0]),
    ("unknown_factor", _set_attr("unknown_factor"), [0.7, 0.8, 0.9, 1.0]),
    ("region_unknown_factor", _set_attr("region_unknown_factor"), [0.3, 0.5, 0.7, 0.9, 1.0]),
    (
        "priority_weights",
        _set_attr("priority_weights"),
        [(1.0, 1.0, 1.0), (1.0, 0.95, 0.9), (1.0, 0.9, 0.8), (1.0, 0.8, 0.6)],
    ),
]

FEEDBACK_GRID: list[tuple[str, Setter, Sequence[object]]] = [
    ("rocchio_pos", _set_attr("rocchio_pos"), [0.0, 0.25, 0.5, 1.0]),
    ("rocchio_neg", _set_attr("rocchio_neg"), [0.0, 0.1, 0.2, 0.4]),
    ("knn_pos", _set_attr("knn_pos"), [0.0, 0.15, 0.3, 0.5, 0.8, 1.2]),
    ("knn_neg", _set_attr("knn_neg"), [0.0, 0.15, 0.3, 0.5]),
    ("programme_similarity", _set_attr("programme_similarity"), [0.0, 0.5, 0.8, 1.0]),
    ("programme_min_similarity", _set_attr("programme_min_similarity"), [0.0, 0.5, 0.7, 0.9]),
    ("programme_max_calls", _set_attr("programme_max_calls"), [0, 1, 2, 3, 5]),
]


def start_params() -> MatchParams:
    """The hand-set starting point of the search (before any measurement)."""
    p = MatchParams()
    p.call_fields = {
        "title": 3.0,
        "summary": 2.0,
        "text": 1.0,
        "programme": 1.0,
        "topics": 1.0,
        "funder": 0.0,
    }
    p.project_fields = {"title": 2.0, "summary": 1.0, "keywords": 2.0, "goals": 1.0, "theme": 0.5}
    p.space_weights = {"word": 0.5, "bigram": 0.1, "char": 0.4}
    p.prf_beta = 0.0
    p.unknown_factor = 0.9
    p.region_unknown_factor = 0.9
    p.priority_weights = (1.0, 0.9, 0.8)
    return p


@dataclass
class DevSet:
    name: str
    calls: list[CallDoc]
    qrels: Qrels


def load_dev(strategy: Strategy, names: Sequence[str] = ("dev", "dev-independent")) -> list[DevSet]:
    out = []
    project_ids = {p.id for p in strategy.projects}
    for name in names:
        calls = load_calls(ROOT / "data" / "eval" / name / "calls.jsonl")
        qrels = load_qrels(
            ROOT / "data" / "eval" / name / "qrels.tsv", {c.id for c in calls}, project_ids
        )
        out.append(DevSet(name, calls, qrels))
    return out


def objective(
    strategy: Strategy,
    sets: Sequence[DevSet],
    params: MatchParams,
    projects: set[str] | None = None,
    feedback: bool = False,
    seeds: Sequence[int] = (0, 1, 2),
) -> float:
    """Mean of nDCG@10, MAP and inbox AP over the sets (only `projects` when given)."""
    values = []
    for ds in sets:
        qrels = (
            ds.qrels if projects is None else {p: g for p, g in ds.qrels.items() if p in projects}
        )
        for seed in seeds if feedback else (0,):
            report = evaluate(
                strategy,
                ds.calls,
                qrels,
                params,
                feedback_fraction=0.5 if feedback else 0.0,
                seed=seed,
                with_bm25=False,
            )
            m = report.rankers["matcher"].mean
            if feedback:
                values.append(m["map"])
            else:
                values.append((m["ndcg@10"] + m["map"] + m["inbox_ap"]) / 3)
    return float(np.mean(values))


def coordinate_ascent(
    strategy: Strategy,
    sets: Sequence[DevSet],
    start: MatchParams,
    grid: Sequence[tuple[str, Setter, Sequence[object]]],
    projects: set[str] | None = None,
    feedback: bool = False,
    rounds: int = 2,
    log: Callable[[str], None] = print,
) -> tuple[MatchParams, float]:
    best = copy.deepcopy(start)
    best_score = objective(strategy, sets, best, projects, feedback)
    log(f"start {best_score:.4f}")
    for r in range(rounds):
        changed = False
        for name, setter, values in grid:
            for v in values:
                trial = copy.deepcopy(best)
                setter(trial, v)
                score = objective(strategy, sets, trial, projects, feedback)
                # a change must win by a margin, so ties keep the simpler current value
                if score > best_score + 1e-4:
                    best, best_score, changed = trial, score, True
                    log(f"round {r + 1}: {name} = {v} -> {score:.4f}")
        if not changed:
            break
    return best, best_score


def project_folds(strategy: Strategy, k: int = 5, seed: int = 0) -> list[set[str]]:
    ids = [p.id for p in strategy.projects]
    random.Random(seed).shuffle(ids)
    return [set(ids[i::k]) for i in range(k)]


def feedback_gains(
    strategy: Strategy,
    ds: DevSet,
    params: MatchParams,
    seeds: Sequence[int],
    projects: set[str] | None = None,
) -> list[float]:
    """Held-back MAP with minus without feedback (`evaluate --feedback-fraction 0.5`) per seed."""
    qrels = ds.qrels if projects is None else {p: g for p, g in ds.qrels.items() if p in projects}
    gains = []
    for seed in seeds:
        report = evaluate(strategy, ds.calls, qrels, params, 0.5, seed, with_bm25=False)
        with_fb, without = report.rankers["matcher"], report.rankers["matcher_no_feedback"]
        gains.append(with_fb.mean["map"] - without.mean["map"])
    return gains


def near_duplicate_ceiling(
    strategy: Strategy, ds: DevSet, params: MatchParams, seeds: Sequence[int], min_sim: float
) -> list[float]:
    """Gain of a perfect near-duplicate feedback, per seed: an upper bound for kNN feedback.

    Every held-back relevant call whose most similar confirmed call (same project) has a
    similarity of at least `min_sim` goes to the top, every held-back other call as similar
    to a dismissed one to the bottom; nothing else moves.
    """
    model = MatchModel(copy.deepcopy(params)).fit(strategy, ds.calls)
    base = model.score_batch(ds.calls, use_feedback=False).final
    assert model.call_vectors is not None
    scale = max(sum(params.space_weights.values()), 1e-9)
    sims = model._combined(model.call_vectors, model.call_vectors) / scale
    np.fill_diagonal(sims, 0.0)
    ids = [c.id for c in ds.calls]
    row = {c: i for i, c in enumerate(ids)}
    project_ids = [p.id for p in strategy.projects]
    gains = []
    for seed in seeds:
        feedback, held = feedback_split(ds.calls, project_ids, ds.qrels, 0.5, seed)
        moved = base.copy()
        for j, pid in enumerate(project_ids):
            grades = ds.qrels.get(pid, {})
            pos = [row[f.call_id] for f in feedback if f.project_id == pid and f.relevant]
            neg = [row[f.call_id] for f in feedback if f.project_id == pid and not f.relevant]
            for i, cid in enumerate(ids):
                if cid in grades and pos and sims[i, pos].max() >= min_sim:
                    moved[i, j] += 10.0
                elif cid not in grades and neg and sims[i, neg].max() >= min_sim:
                    moved[i, j] -= 10.0
        after, before = (
            measure(m, m.max(axis=1), ids, project_ids, ds.qrels, held, None).mean["map"]
            for m in (moved, base)
        )
        gains.append(after - before)
    return gains


def feedback_study(strategy: Strategy, sets: Sequence[DevSet], cv: bool) -> None:
    """How much feedback can add: default and hand-set weights, near-duplicate ceiling, CV."""
    seeds = range(10)

    def line(label: str, gains: Sequence[float]) -> None:
        print(
            f"  {label:<46} seed 0 {gains[0]:+.3f}  mean {np.mean(gains):+.3f}"
            f"  min {min(gains):+.3f}  max {max(gains):+.3f}"
        )

    for ds in sets:
        print(f"{ds.name}: held-back MAP gain of --feedback-fraction 0.5, seeds 0-9")
        line(
            "default weights (tuned on all labels)",
            feedback_gains(strategy, ds, MatchParams(), seeds),
        )
        line(
            "hand-set start weights (no tuning)",
            feedback_gains(strategy, ds, start_params(), seeds),
        )
        for min_sim in (0.3, 0.4):
            line(
                f"ceiling: perfect near-duplicates (sim >= {min_sim})",
                near_duplicate_ceiling(strategy, ds, MatchParams(), seeds, min_sim),
            )
    if not cv:
        return
    # weights chosen without the evaluated projects' labels, as for a county's own projects
    start = start_params()
    all_ids = {p.id for p in strategy.projects}
    gains: dict[str, list[float]] = {ds.name: [] for ds in sets}
    for fold in project_folds(strategy):
        fitted, _ = coordinate_ascent(
            strategy, sets, start, GRID, all_ids - fold, log=lambda s: None
        )
        for ds in sets:
            gains[ds.name] += feedback_gains(strategy, ds, fitted, range(5), fold)
    for name, values in gains.items():
        print(f"{name}: weights tuned on the other projects (5 folds × seeds 0-4)")
        line("per fold and seed", values)


def ablations(strategy: Strategy, sets: Sequence[DevSet]) -> None:
    """What each part of the model contributes: the default model with one part switched off."""
    from unittest import mock

    from matcher import analysis

    def params(**changes: object) -> MatchParams:
        p = MatchParams()
        for name, value in changes.items():
            setattr(p, name, value)
        return p

    def all_eligible(
        model: MatchModel, call: CallDoc, groups: Sequence[tuple[str, ...]]
    ) -> tuple[np.ndarray, np.ndarray]:
        return np.full(len(groups), 2, dtype=np.int8), np.ones(len(groups))

    def no_glossary() -> dict[tuple[str, ...], str]:
        return {}

    variants: list[tuple[str, MatchParams, object]] = [
        ("full model", MatchParams(), None),
        (
            "no eligibility (all calls eligible)",
            MatchParams(),
            mock.patch.object(MatchModel, "_eligibility_row", all_eligible),
        ),
        (
            "no glossary (English calls only in English)",
            MatchParams(),
            mock.patch.object(analysis, "glossary", no_glossary),
        ),
        ("no pseudo-relevance feedback", params(prf_k=0), None),
        (
            "words only (no character n-grams)",
            params(space_weights={"word": 1.0, "bigram": 0.0, "char": 0.0}),
            None,
        ),
        (
            "character n-grams only",
            params(space_weights={"word": 0.0, "bigram": 0.0, "char": 1.0}),
            None,
        ),
        ("hand-set weights before tuning (no PRF)", start_params(), None),
    ]
    keys = ("ndcg@10", "map", "inbox_p@20", "inbox_ap")
    for ds in sets:
        print(f"{ds.name}: " + "  ".join(keys))
        for label, p, patch in variants:
            analysis.clear_caches()
            if patch is not None:
                with patch:  # type: ignore[attr-defined]
                    report = evaluate(strategy, ds.calls, ds.qrels, p, with_bm25=False)
            else:
                report = evaluate(strategy, ds.calls, ds.qrels, p, with_bm25=False)
            m = report.rankers["matcher"].mean
            print(f"  {label:<44} " + "  ".join(f"{m[k]:.3f}" for k in keys))
        analysis.clear_caches()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--strategy", default=str(ROOT / "data/strategy/coesfeld-12-0.yaml"))
    parser.add_argument("--cv", action="store_true", help="also run 5-fold CV over projects")
    parser.add_argument("--feedback", action="store_true", help="tune the feedback weights")
    parser.add_argument("--boilerplate", action="store_true", help="measure the boilerplate list")
    parser.add_argument(
        "--feedback-study", action="store_true", help="measure what feedback can add (with --cv)"
    )
    parser.add_argument(
        "--ablations", action="store_true", help="measure the model with one part switched off"
    )
    parser.add_argument(
        "--text-eligibility",
        action="store_true",
        help="compare eligibility read from the text alone with the applicant lists",
    )
    args = parser.parse_args()
    strategy = load_strategy(args.strategy)
    sets = load_dev(strategy)
    if args.text_eligibility:
        for ds in sets:
            counts = text_eligibility_agreement(strategy, ds.calls)
            total = sum(counts.values())
            agree = sum(n for (listed, text), n in counts.items() if listed == text)
            print(f"{ds.name}: text alone agrees with the list on {agree} of {total} calls")
            for (listed, text), n in sorted(counts.items()):
                print(f"  list {listed:<10} text {text:<10} {n:4d}")
        return
    if args.ablations:
        ablations(strategy, list(reversed(sets)))
        return
    if args.feedback_study:
        feedback_study(strategy, list(reversed(sets)), args.cv)
        return
    if args.boilerplate:
        ablate_boilerplate(strategy, sets, MatchParams())
        return
    if args.feedback:
        sets = [s for s in sets if s.name == "dev-independent"]
        params, score = coordinate_ascent(
            strategy, sets, MatchParams(), FEEDBACK_GRID, feedback=True
        )
        print("feedback params:", params, score)
        return
    start = start_params()
    params, score = coordinate_ascent(strategy, sets, start, GRID)
    print("chosen on all projects:", params, f"{score:.4f}")
    print(f"current defaults: {objective(strategy, sets, MatchParams()):.4f}")
    if args.cv:
        held_scores, base_scores, chosen_scores = [], [], []
        all_ids = {p.id for p in strategy.projects}
        for i, fold in enumerate(project_folds(strategy)):
            train = all_ids - fold
            fitted, _ = coordinate_ascent(strategy, sets, start, GRID, train, log=lambda s: None)
            held = objective(strategy, sets, fitted, fold)
            base = objective(strategy, sets, start, fold)
            chosen = objective(strategy, sets, params, fold)
            held_scores.append(held)
            base_scores.append(base)
            chosen_scores.append(chosen)
            print(
                f"fold {i + 1}: held-out objective {held:.4f} "
                f"(start {base:.4f}, tuned on all projects {chosen:.4f})"
            )
        print(
            f"CV mean held-out {np.mean(held_scores):.4f} vs start {np.mean(base_scores):.4f}"
            f" vs tuned on all projects {np.mean(chosen_scores):.4f}"
        )


def ablate_boilerplate(strategy: Strategy, sets: Sequence[DevSet], params: MatchParams) -> None:
    """Measure the boilerplate stop-word list: all, none, and each word left out in turn."""
    from matcher import analysis

    original = analysis.boilerplate_stems
    listed = [
        w for line in analysis._read_list("stopwords_funding_de.txt") for w in analysis.words(line)
    ]

    def run(words: Sequence[str]) -> float:
        stems = frozenset(analysis.stem(analysis.fold(w), "de") for w in words)
        analysis.boilerplate_stems = lambda lang: stems if lang == "de" else original(lang)  # type: ignore[assignment]
        analysis.clear_caches()
        try:
            return objective(strategy, sets, params)
        finally:
            analysis.boilerplate_stems = original
            analysis.clear_caches()

    full = run(listed)
    print(f"boilerplate list ({len(listed)} words): {full:.4f}; without any: {run([]):.4f}")
    for word in listed:
        score = run([w for w in listed if w != word])
        flag = "  <- better without" if score > full + 1e-4 else ""
        print(f"  without {word:<28} {score:.4f}{flag}")


if __name__ == "__main__":
    main()
