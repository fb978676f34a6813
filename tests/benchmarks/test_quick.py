"""The matching benchmark runs end to end at tiny sizes: it prints its table and writes JSON.

Speed is never asserted here; the figures are for `make bench` and docs/performance.md.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.slow
def test_quick_matching_benchmark_prints_table_and_writes_json(tmp_path: Path) -> None:
    env = {
        **os.environ,
        "FM_BENCH_RESULTS": str(tmp_path / "results"),
        "FM_BENCH_CACHE": str(tmp_path / "cache"),
    }
    argv = [sys.executable, "-m", "benchmarks.bench_matching", "--sizes", "200x5,400x22",
            "--timeout", "120"]  # fmt: skip
    proc = subprocess.run(
        argv, cwd=REPO_ROOT, env=env, capture_output=True, text=True, timeout=180, check=False
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    out = proc.stdout
    assert "Matching at scale" in out
    assert "| calls | projects | fit s" in out
    assert "| 200   | 5 " in out and "| 400   | 22 " in out

    result = json.loads((tmp_path / "results" / "matching.json").read_text(encoding="utf-8"))
    assert result["benchmark"] == "matching"
    assert result["machine"]["cpus"]
    sizes = {(r["calls"], r["projects"]): r for r in result["sizes"]}
    assert set(sizes) == {(200, 5), (400, 22)}
    for row in sizes.values():
        model = row["model"]
        assert "error" not in model, model
        assert model["fit_s"] > 0 and model["score_top20_s"] > 0 and model["peak_rss_mb"] > 0
        assert len(model["top20_sample"][0]) == 20
        assert "total_s" in row["baseline"], row["baseline"]
        assert row["speedup"] > 0


def test_synthetic_calls_are_seeded_and_shaped_like_real_ones() -> None:
    from benchmarks.synth import describe, generate_calls, generate_strategy, real_corpus

    a, b = generate_calls(300, seed=1), generate_calls(300, seed=1)
    assert a == b
    assert generate_calls(50, seed=2) != generate_calls(50, seed=1)
    real, synth = describe(real_corpus().calls), describe(a)
    assert 0.6 * real["text_words_mean"] < synth["text_words_mean"] < 1.5 * real["text_words_mean"]
    assert all(c["title"] and c["url"] and c["id"] for c in a)
    strategy = generate_strategy(40)
    assert len(strategy.projects) == 40
    assert len({p.id for p in strategy.projects}) == 40
