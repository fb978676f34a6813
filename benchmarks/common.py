"""Shared helpers of the benchmarks: timing, peak memory, subprocesses, tables, JSON results."""

from __future__ import annotations

import json
import os
import platform
import resource
import subprocess
import sys
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parent.parent
RESULTS_DIR = Path(os.environ.get("FM_BENCH_RESULTS", REPO_ROOT / "benchmarks" / "results"))
CACHE_DIR = Path(os.environ.get("FM_BENCH_CACHE", REPO_ROOT / "benchmarks" / "results" / "cache"))


def peak_rss_mb() -> float:
    """Peak resident set size of this process so far, in MB (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def available_memory_gb() -> float:
    """MemAvailable from /proc/meminfo, in GB (a large number where that is unknown)."""
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemAvailable:"):
                return int(line.split()[1]) / 1024.0 / 1024.0
    except OSError:
        pass
    return 1e9


class Timer:
    """Named sections: `with t("fit"): ...`, then `t.seconds["fit"]` (wall) and `t.cpu["fit"]`.

    CPU time (user + system of this process, all threads) is kept beside the wall time:
    on a machine shared with other work the wall time includes waiting for a core.
    """

    def __init__(self) -> None:
        self.seconds: dict[str, float] = {}
        self.cpu: dict[str, float] = {}

    @contextmanager
    def __call__(self, name: str) -> Iterator[None]:
        start, cpu = time.perf_counter(), time.process_time()
        try:
            yield
        finally:
            self.seconds[name] = self.seconds.get(name, 0.0) + time.perf_counter() - start
            self.cpu[name] = self.cpu.get(name, 0.0) + time.process_time() - cpu


# Address-space cap of a measuring child: on a shared machine a size that needs more memory
# than expected fails with MemoryError instead of pushing other work into the OOM killer.
CHILD_MEMORY_LIMIT_GB = float(os.environ.get("FM_BENCH_MEMORY_LIMIT_GB", "14"))


def _limit_memory() -> None:
    limit = int(CHILD_MEMORY_LIMIT_GB * 1024**3)
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))


def run_child(module: str, args: Sequence[str], timeout: float) -> dict[str, Any]:
    """Run `python -m module args` in a fresh process; its last stdout line is a JSON object.

    A fresh process per measurement gives a peak RSS of that measurement alone. Returns
    {"error": ...} on failure or timeout instead of raising, so one size cannot stop a run.
    """
    argv = [sys.executable, "-m", module, *args]
    try:
        proc = subprocess.run(
            argv,
            capture_output=True,
            text=True,
            timeout=timeout,
            cwd=REPO_ROOT,
            check=False,
            preexec_fn=_limit_memory,
        )
    except subprocess.TimeoutExpired:
        return {"error": f"timeout after {timeout:.0f} s"}
    lines = [line for line in proc.stdout.splitlines() if line.startswith("{")]
    if proc.returncode != 0 or not lines:
        tail = (proc.stderr or proc.stdout).strip().splitlines()[-3:]
        if "MemoryError" in proc.stderr:
            return {"error": f"MemoryError above the {CHILD_MEMORY_LIMIT_GB:.0f} GB cap"}
        return {"error": f"exit {proc.returncode}: " + " | ".join(tail)}
    return json.loads(lines[-1])


def fmt(value: Any, digits: int = 2) -> str:
    if value is None:
        return "–"
    if isinstance(value, float):
        return f"{value:.{digits}f}"
    return str(value)


def table(headers: Sequence[str], rows: Sequence[Sequence[Any]]) -> str:
    """A plain-text table (also valid Markdown), columns padded to their widest cell."""
    cells = [[str(h) for h in headers]] + [[fmt(v) for v in row] for row in rows]
    widths = [max(len(r[i]) for r in cells) for i in range(len(headers))]
    lines = [
        "| " + " | ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)) + " |" for r in cells
    ]
    lines.insert(1, "|" + "|".join("-" * (w + 2) for w in widths) + "|")
    return "\n".join(lines)


def machine() -> dict[str, Any]:
    cpu = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem_gb = None
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                mem_gb = round(int(line.split()[1]) / 1024 / 1024, 1)
    except OSError:
        pass
    try:
        commit = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"],
            cwd=REPO_ROOT, capture_output=True, text=True, timeout=10, check=False,
        ).stdout.strip()  # fmt: skip
    except (OSError, subprocess.SubprocessError):
        commit = ""
    return {
        "commit": commit,
        "load_average": os.getloadavg(),
        "cpus": os.cpu_count(),
        "cpu_model": cpu,
        "memory_gb": mem_gb,
        "python": platform.python_version(),
        "platform": platform.platform(),
    }


def write_result(name: str, payload: dict[str, Any]) -> Path:
    """Write benchmarks/results/<name>.json (and a timestamped copy); return the path."""
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    doc = {"benchmark": name, "at": stamp, "machine": machine(), **payload}
    text = json.dumps(doc, indent=2, ensure_ascii=False, default=str)
    path = RESULTS_DIR / f"{name}.json"
    path.write_text(text, encoding="utf-8")
    (RESULTS_DIR / f"{name}-{stamp}.json").write_text(text, encoding="utf-8")
    return path


def emit(payload: dict[str, Any]) -> None:
    """The child's answer to `run_child`: one JSON line on stdout."""
    sys.stdout.write(json.dumps(payload, default=str) + "\n")
    sys.stdout.flush()
