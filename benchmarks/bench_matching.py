"""Matching at scale: the project's MatchModel against the straightforward sklearn baseline.

For each size (calls × projects), in a fresh process each (so the peak RSS is that size's):

- model: `MatchModel.fit(strategy, calls)` (analysis, vocabulary, IDF, call/project/goal
  vectors), `transform` of new calls with the fitted vocabulary (all calls up to 10,000,
  else a 10,000-call sample, reported per 1,000 calls), and scoring every call against every
  project in chunks with the top 20 calls per project kept (argpartition on each chunk, so the
  full calls × projects matrix never exists); and, apart from that, `score` with
  explanations (terms, goals, eligibility of the best projects, as `match` stores them) on a
  1,000-call sample, reported per 1,000 calls;
- baseline: sklearn `TfidfVectorizer.fit_transform` of the same texts with the same kinds
  of features (word unigrams + bigrams and char_wb 3–5-grams, sublinear TF), then
  `cosine_similarity` over all pairs and a full sort per project. It runs only where its
  estimated memory fits (`--baseline-max-gb`); otherwise the row says what it would need.

    python -m benchmarks.bench_matching [--quick] [--sizes 1000x22,10000x200] [--no-baseline]
"""

from __future__ import annotations

import argparse
import gc
import pickle
import resource
import sys
import time
from typing import Any

import numpy as np

from benchmarks.common import (
    CACHE_DIR,
    Timer,
    available_memory_gb,
    emit,
    peak_rss_mb,
    run_child,
    table,
    write_result,
)

TOP_K = 20
SCORE_CHUNK = 4096
TRANSFORM_SAMPLE = 10_000
# calls scored with explanations (terms, goals, eligibility per best project), as `match`
# stores them: Python work per call, so a sample gives the rate
EXPLAIN_SAMPLE = 1_000
# officers' decisions for the second explained pass (a busy county's year): explained scoring
# then also scores without them and names the decided calls that moved each score
DECISIONS = 200
# the sizes the targets name come first, so a spent time budget skips only the others
FULL_SIZES = [(c, p) for c in (1_000, 10_000) for p in (22, 200, 2_000)] + [
    (100_000, 2_000),
    (100_000, 22),
    (100_000, 200),
]
QUICK_SIZES = [(c, p) for c in (1_000, 10_000) for p in (22, 200)]
# The baseline's peak RSS, measured: 12.6 / 12.8 / 14.2 GB at 100,000 calls × 22 / 200 / 2,000
# projects. The vectorising peak (CountVectorizer's index arrays for ~1,900 word and char_wb
# n-grams per call, the n-gram vocabulary, the TF-IDF copies and hstack) is over before the
# product; what each call × project pair adds on top is about the dense float64 result.
BASELINE_BYTES_PER_PAIR = 8
BASELINE_BYTES_PER_CALL = 126_000


# ------------------------------------------------------------------------------ data


def load_calls(n: int, seed: int = 0) -> list[dict]:
    """`n` synthetic calls, generated once per (n, seed) and cached as a pickle."""
    from benchmarks.synth import generate_calls

    path = CACHE_DIR / f"calls-{n}-{seed}.pkl"
    if path.exists():
        with path.open("rb") as fh:
            return pickle.load(fh)
    calls = generate_calls(n, seed)
    CACHE_DIR.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(f".tmp{time.time_ns()}")
    with tmp.open("wb") as fh:
        pickle.dump(calls, fh, protocol=pickle.HIGHEST_PROTOCOL)
    tmp.replace(path)
    return calls


def call_docs(records: list[dict]) -> list[Any]:
    """CallDoc objects of the matcher from call records (language left to the model)."""
    from datetime import date

    from matcher.types import CallDoc

    out = []
    for r in records:
        deadline = date.fromisoformat(r["deadline"]) if r.get("deadline") else None
        out.append(
            CallDoc(
                id=r["id"],
                title=r["title"],
                summary=r.get("summary") or "",
                text=r.get("text") or "",
                programme=r.get("programme") or "",
                funder=r.get("funder") or "",
                topics=list(r.get("topics") or []),
                eligible=list(r.get("eligible") or []),
                region=r.get("region") or "",
                funding_type=r.get("funding_type") or "",
                deadline=deadline,
            )
        )
    return out


# ------------------------------------------------------------------------------ top-k


class TopK:
    """The k best rows per column over a stream of row chunks (scores: rows × columns).

    `bench_incremental` merges the new calls into the stored top-k lists with it.
    """

    def __init__(self, k: int, columns: int) -> None:
        self.k = k
        self.scores = np.full((0, columns), -np.inf)
        self.rows = np.zeros((0, columns), dtype=np.int64)

    def push(self, chunk: np.ndarray, offset: int) -> None:
        ids = np.broadcast_to(np.arange(offset, offset + chunk.shape[0])[:, None], chunk.shape)
        scores = np.vstack([self.scores, chunk])
        rows = np.vstack([self.rows, ids])
        if scores.shape[0] > self.k:
            part = np.argpartition(-scores, self.k - 1, axis=0)[: self.k]
            scores = np.take_along_axis(scores, part, axis=0)
            rows = np.take_along_axis(rows, part, axis=0)
        self.scores, self.rows = scores, rows

    def result(self) -> np.ndarray:
        """Row ids, best first, shape (k, columns)."""
        order = np.argsort(-self.scores, axis=0, kind="stable")
        return np.take_along_axis(self.rows, order, axis=0)


def score_top_k(model: Any, vectors: Any, docs: list[Any], k: int = TOP_K) -> np.ndarray:
    """Score all `docs` (their fitted `vectors`) against all projects; top k calls per project.

    Uses the model's own scoring of a vector batch (`_score_vectors`: combined cosines,
    eligibility, ranking score), chunk by chunk, and the model's running top-k
    (`_merge_top`, as in `MatchModel.top_calls`: float32, a projects × k array, so each
    partition runs over contiguous memory). Returns row ids, best first, shape (k, projects).
    """
    from matcher.model import _merge_top

    n_projects = len(model.strategy.projects)
    k = min(k, len(docs))
    best = np.full((n_projects, k), -np.inf, dtype=np.float32)
    best_idx = np.zeros((n_projects, k), dtype=np.int64)
    for start in range(0, len(docs), SCORE_CHUNK):
        stop = min(start + SCORE_CHUNK, len(docs))
        batch = model._score_vectors(vectors.rows(np.arange(start, stop)), docs[start:stop])
        best, best_idx = _merge_top(best, best_idx, batch.final, start)
    order = np.argsort(-best, axis=1, kind="stable")
    return np.take_along_axis(best_idx, order, axis=1).T


# ------------------------------------------------------------------------------ children


def child_model(n_calls: int, n_projects: int, seed: int) -> dict[str, Any]:
    from benchmarks.synth import generate_strategy
    from matcher.model import MatchModel

    docs = call_docs(load_calls(n_calls, seed))
    strategy = generate_strategy(n_projects, seed)
    gc.collect()
    base_rss = peak_rss_mb()
    t = Timer()
    workers_cpu = _children_cpu_s()
    with t("fit"):
        model = MatchModel().fit(strategy, docs)
    # the fit's analysis worker processes (large inputs): their CPU time counts as the fit's
    workers_cpu = _children_cpu_s() - workers_cpu
    t.cpu["fit"] += workers_cpu
    sample = docs[: min(len(docs), TRANSFORM_SAMPLE)]
    with t("transform"):
        model.transform(sample)
    with t("score_top20"):
        top = score_top_k(model, model.call_vectors, docs)
    explained = docs[: min(len(docs), EXPLAIN_SAMPLE)]
    with t("explain"):
        model.score(explained)
    model.set_feedback(sample_decisions(docs, strategy, seed))  # outside the timing
    with t("explain_decisions"):
        model.score(explained)
    assert model.call_vectors is not None  # fitted above
    spaces = model.call_vectors.spaces
    return {
        "calls": n_calls,
        "projects": n_projects,
        "fit_s": t.seconds["fit"],
        "transform_s": t.seconds["transform"],
        "transform_calls": len(sample),
        "transform_s_per_1k": t.seconds["transform"] / len(sample) * 1000,
        "explain_s_per_1k": t.seconds["explain"] / len(explained) * 1000,
        "explain_decisions_s_per_1k": t.seconds["explain_decisions"] / len(explained) * 1000,
        "decisions": DECISIONS,
        "score_top20_s": t.seconds["score_top20"],
        "fit_score_s": t.seconds["fit"] + t.seconds["score_top20"],
        "fit_score_cpu_s": t.cpu["fit"] + t.cpu["score_top20"],
        "cpu_s": dict(t.cpu),
        "peak_rss_mb": peak_rss_mb(),
        "data_rss_mb": base_rss,
        "workers_cpu_s": workers_cpu,
        "workers_peak_rss_mb": _children_peak_rss_mb(),
        "features": {k: m.shape[1] for k, m in spaces.items()},
        "nnz": {k: int(m.nnz) for k, m in spaces.items()},
        "top20_sample": top[:, : min(5, n_projects)].T.tolist(),
    }


def sample_decisions(docs: list[Any], strategy: Any, seed: int) -> list[Any]:
    """DECISIONS seeded decisions on random calls and projects, two in five confirmations."""
    import random

    from matcher.types import Feedback

    rng = random.Random(seed)
    chosen = rng.sample(docs, min(DECISIONS, len(docs)))
    return [Feedback(c.id, rng.choice(strategy.projects).id, rng.random() < 0.4) for c in chosen]


def _children_cpu_s() -> float:
    """CPU seconds of this process's finished child processes (the analysis workers)."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _children_peak_rss_mb() -> float:
    """Largest peak RSS of a finished child process, in MB (0 without children)."""
    return resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024.0


def baseline_texts(docs: list[Any], strategy: Any) -> tuple[list[str], list[str]]:
    from matcher.model import call_text_plain, project_text_plain

    return [call_text_plain(d) for d in docs], [
        project_text_plain(strategy, p) for p in strategy.projects
    ]


def child_baseline(n_calls: int, n_projects: int, seed: int) -> dict[str, Any]:
    import scipy.sparse as sp
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.metrics.pairwise import cosine_similarity

    from benchmarks.synth import generate_strategy

    docs = call_docs(load_calls(n_calls, seed))
    strategy = generate_strategy(n_projects, seed)
    call_texts, project_texts = baseline_texts(docs, strategy)
    t = Timer()
    with t("fit_transform"):
        corpus = call_texts + project_texts
        words = TfidfVectorizer(sublinear_tf=True, ngram_range=(1, 2)).fit_transform(corpus)
        chars = TfidfVectorizer(
            sublinear_tf=True, analyzer="char_wb", ngram_range=(3, 5)
        ).fit_transform(corpus)
        matrix = sp.hstack([0.6 * words, 0.4 * chars]).tocsr()
        del words, chars
    with t("cosine"):
        sims = cosine_similarity(matrix[n_calls:], matrix[:n_calls])  # projects × calls
    with t("sort"):
        order = np.argsort(-sims, axis=1, kind="stable")
        top = order[:, :TOP_K]
    return {
        "calls": n_calls,
        "projects": n_projects,
        "fit_transform_s": t.seconds["fit_transform"],
        "cosine_s": t.seconds["cosine"],
        "sort_s": t.seconds["sort"],
        "total_s": sum(t.seconds.values()),
        "total_cpu_s": sum(t.cpu.values()),
        "peak_rss_mb": peak_rss_mb(),
        "top20_sample": top[: min(5, n_projects)].tolist(),
    }


# ------------------------------------------------------------------------------ parent


def baseline_estimate_gb(n_calls: int, n_projects: int) -> float:
    return (
        n_calls * n_projects * BASELINE_BYTES_PER_PAIR + n_calls * BASELINE_BYTES_PER_CALL
    ) / 1e9


def parse_sizes(text: str) -> list[tuple[int, int]]:
    out = []
    for part in text.split(","):
        c, _, p = part.strip().lower().partition("x")
        out.append((int(c), int(p)))
    return out


def run(
    sizes: list[tuple[int, int]],
    baseline: bool = True,
    baseline_max_calls: int = 10**9,
    baseline_max_gb: float = 14.0,
    timeout: float = 600.0,
    seed: int = 0,
    name: str = "matching",
    budget: float | None = None,
) -> dict[str, Any]:
    """Measure each size; once `budget` seconds are spent, the remaining sizes are skipped."""
    rows: list[dict[str, Any]] = []
    started = time.perf_counter()
    for n_calls, n_projects in sizes:
        if budget is not None and time.perf_counter() - started > budget:
            skipped = {"error": f"skipped: time budget of {budget:.0f} s spent"}
            rows.append({"calls": n_calls, "projects": n_projects, "model": skipped,
                         "baseline": {"skipped": "–"}})  # fmt: skip
            continue
        common = ["--calls", str(n_calls), "--projects", str(n_projects), "--seed", str(seed)]
        print(f"  matching {n_calls} × {n_projects} …", file=sys.stderr, flush=True)
        start = time.perf_counter()
        model = run_child("benchmarks.bench_matching", ["--child", "model", *common], timeout)
        model["wall_s"] = time.perf_counter() - start
        row: dict[str, Any] = {"calls": n_calls, "projects": n_projects, "model": model}
        need = baseline_estimate_gb(n_calls, n_projects)
        cap = min(baseline_max_gb, available_memory_gb() * 0.7)
        if not baseline:
            row["baseline"] = {"skipped": "not run (--no-baseline)"}
        elif budget is not None and time.perf_counter() - started > budget:
            row["baseline"] = {"skipped": "skipped: time budget spent"}
        elif n_calls > baseline_max_calls:
            row["baseline"] = {"skipped": f"not run above {baseline_max_calls} calls (time)"}
        elif need > cap:
            row["baseline"] = {"skipped": f"n/a (would need {need:.1f} GB)", "estimate_gb": need}
        else:
            print(f"  baseline {n_calls} × {n_projects} …", file=sys.stderr, flush=True)
            row["baseline"] = run_child(
                "benchmarks.bench_matching", ["--child", "baseline", *common], timeout
            )
            row["baseline"]["estimate_gb"] = need
        b, m = row["baseline"], row["model"]
        if "total_s" in b and "fit_score_s" in m:
            row["speedup"] = b["total_s"] / m["fit_score_s"]
        rows.append(row)
    summary = summarise(rows)
    payload = {"sizes": rows, "summary": summary, "top_k": TOP_K}
    print_report(payload)
    path = write_result(name, payload)
    print(f"\nJSON: {path}")
    return payload


def summarise(rows: list[dict[str, Any]]) -> dict[str, Any]:
    ok = {(r["calls"], r["projects"]): r for r in rows if "fit_score_s" in r["model"]}
    out: dict[str, Any] = {}
    for p in sorted({p for _, p in ok}):
        if (10_000, p) in ok and (100_000, p) in ok:
            out[f"growth_10k_to_100k_x{p}"] = (
                ok[(100_000, p)]["model"]["fit_score_s"] / ok[(10_000, p)]["model"]["fit_score_s"]
            )
    with_base = [r for r in rows if "speedup" in r]
    if with_base:
        largest = max(with_base, key=lambda r: (r["calls"] * r["projects"], r["calls"]))
        out["baseline_largest"] = f"{largest['calls']}x{largest['projects']}"
        out["speedup_at_baseline_largest"] = largest["speedup"]
    if (100_000, 2_000) in ok:
        m = ok[(100_000, 2_000)]["model"]
        out["target_100k_x2000_s"] = m["fit_score_s"]
        out["target_100k_x2000_rss_mb"] = m["peak_rss_mb"]
    return out


def print_report(payload: dict[str, Any]) -> None:
    headers = [
        "calls", "projects", "fit s", "transform s/1k", "score+top20 s", "fit+score s",
        "(CPU s)", "explain s/1k", "+decisions", "peak RSS MB", "workers RSS MB", "baseline s",
        "(CPU s)",
        "baseline RSS MB", "speedup",
    ]  # fmt: skip
    rows = []
    for r in payload["sizes"]:
        m, b = r["model"], r["baseline"]
        if "error" in m:
            model_cells = ["error: " + m["error"][:60], "", "", "", "", "", "", "", ""]
        else:
            workers = m.get("workers_peak_rss_mb")
            model_cells = [
                m["fit_s"], m["transform_s_per_1k"], m["score_top20_s"], m["fit_score_s"],
                m.get("fit_score_cpu_s"), m.get("explain_s_per_1k", "–"),
                m.get("explain_decisions_s_per_1k", "–"), round(m["peak_rss_mb"]),
                round(workers) if workers else "–",
            ]  # fmt: skip
        if "total_s" in b:
            base_cells = [b["total_s"], b.get("total_cpu_s"), round(b["peak_rss_mb"])]
        else:
            base_cells = [b.get("skipped") or ("error: " + b.get("error", "?")[:60]), "", ""]
        speed = f"{r['speedup']:.1f}×" if "speedup" in r else "–"
        rows.append([r["calls"], r["projects"], *model_cells, *base_cells, speed])
    print("\nMatching at scale (top-20 calls per project)")
    print(table(headers, rows))
    for k, v in payload["summary"].items():
        print(f"  {k}: {v:.2f}" if isinstance(v, float) else f"  {k}: {v}")


def main(argv: list[str] | None = None) -> dict[str, Any] | None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--quick", action="store_true", help="1k and 10k calls × 22 and 200 projects")
    ap.add_argument("--sizes", help="comma-separated CALLSxPROJECTS, e.g. 1000x22,10000x200")
    ap.add_argument("--no-baseline", action="store_true")
    ap.add_argument("--baseline-max-gb", type=float, default=14.0)
    ap.add_argument("--baseline-max-calls", type=int, default=10**9)
    ap.add_argument("--budget", type=float, help="seconds; skip the remaining sizes after it")
    ap.add_argument("--timeout", type=float, default=600.0, help="seconds per size and side")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--name", default="matching", help="name of the JSON result file")
    ap.add_argument("--child", choices=["model", "baseline"], help=argparse.SUPPRESS)
    ap.add_argument("--calls", type=int, help=argparse.SUPPRESS)
    ap.add_argument("--projects", type=int, help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.child:
        fn = child_model if args.child == "model" else child_baseline
        emit(fn(args.calls, args.projects, args.seed))
        return None
    sizes = parse_sizes(args.sizes) if args.sizes else (QUICK_SIZES if args.quick else FULL_SIZES)
    return run(
        sizes,
        baseline=not args.no_baseline,
        baseline_max_calls=args.baseline_max_calls,
        baseline_max_gb=args.baseline_max_gb,
        timeout=args.timeout,
        seed=args.seed,
        name=args.name,
        budget=args.budget,
    )


if __name__ == "__main__":
    main()
