"""Incremental matching: new calls into a fitted corpus, without refitting.

A `MatchModel` is fitted on a corpus (100,000 synthetic calls; 10,000 with --quick) and
scores it (top 20 calls per project). Then 100 new calls arrive:

- incremental: `model.transform(new)` with the fitted vocabulary and IDF, scored against
  all projects, merged into the stored top 20 per project (what the match job does for the
  calls that changed), timed;
- full refit: a new model fitted on corpus + new calls, scoring everything again.

The agreement is the share of (project, call) entries of the refit's top-20 lists that the
incremental top-20 lists also hold (target ≥ 95 %). Runs in one child process.

    python -m benchmarks.bench_incremental [--quick] [--corpus N] [--new N] [--projects N]
"""

from __future__ import annotations

import argparse
import gc
import sys
import time
from typing import Any

import numpy as np

from benchmarks.bench_matching import TOP_K, TopK, call_docs, load_calls, score_top_k
from benchmarks.common import Timer, emit, peak_rss_mb, run_child, table, write_result

NEW_SEED = 7_777


def child(corpus: int, new: int, projects: int, seed: int) -> dict[str, Any]:
    from benchmarks.synth import generate_calls, generate_strategy
    from matcher.model import MatchModel

    old_docs = call_docs(load_calls(corpus, seed))
    new_docs = call_docs(generate_calls(new, seed=NEW_SEED, prefix="N"))
    strategy = generate_strategy(projects, seed)
    t = Timer()
    with t("fit_corpus"):
        model = MatchModel().fit(strategy, old_docs)
    with t("score_corpus"):
        stored = score_top_k(model, model.call_vectors, old_docs)  # k × projects, row ids
    # the stored top-20 with their scores, as the database would hold them
    stored_scores = _scores_of(model, old_docs, stored)
    with t("incremental"):
        vectors = model.transform(new_docs)
        batch = model._score_vectors(vectors, new_docs)
        top = TopK(TOP_K, projects)
        top.scores, top.rows = stored_scores, stored.copy()
        top.push(np.asarray(batch.final), corpus)
        incremental = top.result()
    all_docs = old_docs + new_docs
    # the incremental side is done: free its model, so that the peak RSS is that of one
    # fitted corpus (the match job holds one model), not of two side by side
    del model, vectors, batch, top
    gc.collect()
    with t("refit"):
        refit = MatchModel().fit(strategy, all_docs)
    with t("rescore"):
        full = score_top_k(refit, refit.call_vectors, all_docs)
    agree = np.mean(
        [len(set(incremental[:, j]) & set(full[:, j])) / full.shape[0] for j in range(projects)]
    )
    new_in_full = int((full >= corpus).sum())
    new_in_incr = int((incremental >= corpus).sum())
    return {
        "corpus": corpus,
        "new": new,
        "projects": projects,
        "fit_corpus_s": t.seconds["fit_corpus"],
        "score_corpus_s": t.seconds["score_corpus"],
        "incremental_s": t.seconds["incremental"],
        "refit_s": t.seconds["refit"],
        "rescore_s": t.seconds["rescore"],
        "refit_total_s": t.seconds["refit"] + t.seconds["rescore"],
        "agreement": float(agree),
        "new_calls_in_top20_incremental": new_in_incr,
        "new_calls_in_top20_refit": new_in_full,
        "incremental_cpu_s": t.cpu["incremental"],
        "cpu_s": dict(t.cpu),
        "peak_rss_mb": peak_rss_mb(),
    }


def _scores_of(model: Any, docs: list[Any], top: np.ndarray) -> np.ndarray:
    """The ranking scores of the stored top entries (k × projects)."""
    rows = np.unique(top)
    batch = model._score_vectors(model.call_vectors.rows(rows), [docs[i] for i in rows])
    final = np.asarray(batch.final)  # len(rows) × projects
    return final[np.searchsorted(rows, top), np.arange(top.shape[1])[None, :]]


def run(corpus: int, new: int, projects: int, seed: int, timeout: float) -> dict[str, Any]:
    print(f"  incremental {new} into {corpus} × {projects} …", file=sys.stderr, flush=True)
    start = time.perf_counter()
    args = ["--child", "--corpus", str(corpus), "--new", str(new), "--projects", str(projects)]
    result = run_child("benchmarks.bench_incremental", [*args, "--seed", str(seed)], timeout)
    result["wall_s"] = time.perf_counter() - start
    print_report(result)
    path = write_result("incremental", {"result": result})
    print(f"\nJSON: {path}")
    return result


def print_report(r: dict[str, Any]) -> None:
    print("\nIncremental matching (no refit) vs full refit")
    if "error" in r:
        print(f"  error: {r['error']}")
        return
    headers = ["corpus", "new", "projects", "incremental s", "(CPU s)", "refit+rescore s",
               "top-20 agreement", "new in top-20 (incr/refit)", "peak RSS MB"]  # fmt: skip
    row = [
        r["corpus"], r["new"], r["projects"], r["incremental_s"], r.get("incremental_cpu_s"),
        r["refit_total_s"],
        f"{100 * r['agreement']:.1f} %",
        f"{r['new_calls_in_top20_incremental']}/{r['new_calls_in_top20_refit']}",
        round(r["peak_rss_mb"]),
    ]  # fmt: skip
    print(table(headers, [row]))
    print(f"  (initial fit {r['fit_corpus_s']:.1f} s, initial scoring {r['score_corpus_s']:.1f} s)")


def main(argv: list[str] | None = None) -> dict[str, Any] | None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--quick", action="store_true", help="10,000-call corpus")
    ap.add_argument("--corpus", type=int)
    ap.add_argument("--new", type=int, default=100)
    ap.add_argument("--projects", type=int, default=200)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--timeout", type=float, default=900.0)
    ap.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    corpus = args.corpus or (10_000 if args.quick else 100_000)
    if args.child:
        emit(child(corpus, args.new, args.projects, args.seed))
        return None
    return run(corpus, args.new, args.projects, args.seed, args.timeout)


if __name__ == "__main__":
    main()
