"""Run every benchmark and print their tables: `python -m benchmarks.run_all [--quick]`.

    full (make bench):        matching 1k/10k/100k calls × 22/200/2,000 projects with the
                              sklearn baseline where it fits, incremental 100 into 100k,
                              scraping 2,000 pages, web on 50,000 calls × 2 databases
    quick (make bench-quick): matching 1k/10k × 22/200 (baseline at 1k only), incremental
                              100 into 10k × 22 projects, scraping 198 pages, web on 2,000
                              calls (SQLite only)

Each benchmark writes benchmarks/results/<name>.json; this writes summary.json beside them.
One benchmark failing does not stop the others; the exit status is 1 if any failed.
"""

from __future__ import annotations

import argparse
import sys
import time
import traceback
from typing import Any

from benchmarks.common import machine, write_result

BENCHMARKS = ("matching", "incremental", "scraping", "web")


def _run_one(name: str, quick: bool) -> Any:
    if name == "matching":
        from benchmarks import bench_matching

        if quick:  # the baseline only at 1,000 calls, to stay near a minute or two
            return bench_matching.main(["--quick", "--baseline-max-calls", "1000"])
        # the baseline at 100,000 calls alone takes minutes of char n-gram extraction: it is
        # run separately (see docs/performance.md) to keep make bench under 15 minutes
        return bench_matching.main(
            ["--budget", "420", "--baseline-max-calls", "10000", "--timeout", "1200"]
        )
    if name == "incremental":
        from benchmarks import bench_incremental

        return bench_incremental.main(["--quick", "--projects", "22"] if quick else [])
    if name == "scraping":
        from benchmarks import bench_scraping

        return bench_scraping.main(["--quick"] if quick else [])
    if name == "web":
        from benchmarks import bench_web

        if quick:
            return bench_web.main(["--quick", "--calls", "2000", "--backends", "sqlite"])
        return bench_web.main(["--two-workers"])
    raise ValueError(name)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--quick", action="store_true", help="small sizes (CI, about two minutes)")
    ap.add_argument("--only", help=f"comma-separated subset of {', '.join(BENCHMARKS)}")
    args = ap.parse_args(argv)
    names = [n.strip() for n in args.only.split(",")] if args.only else list(BENCHMARKS)
    m = machine()
    print(
        f"Machine: {m['cpus']} CPUs ({m['cpu_model']}), {m['memory_gb']} GB, Python {m['python']}"
    )
    load = ", ".join(f"{x:.1f}" for x in m["load_average"])
    print(f"Commit {m['commit']}, load average {load} (other work on the machine slows wall times)")
    status: dict[str, Any] = {}
    start = time.perf_counter()
    for name in names:
        print(f"\n=== {name} {'(quick)' if args.quick else ''}", flush=True)
        t0 = time.perf_counter()
        try:
            _run_one(name, args.quick)
            status[name] = {"ok": True}
        except Exception as exc:  # report and go on with the next benchmark
            traceback.print_exc()
            status[name] = {"ok": False, "error": f"{type(exc).__name__}: {exc}"[:500]}
        status[name]["seconds"] = time.perf_counter() - t0
        sys.stdout.flush()
    total = time.perf_counter() - start
    write_result("summary", {"quick": args.quick, "benchmarks": status, "total_s": total})
    print(f"\nAll benchmarks: {total / 60:.1f} min")
    for name, s in status.items():
        print(f"  {name}: {'ok' if s['ok'] else 'FAILED – ' + s['error']} ({s['seconds']:.0f} s)")
    return 0 if all(s["ok"] for s in status.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
