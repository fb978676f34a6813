"""Markdown tables of the latest results in benchmarks/results/, for docs/performance.md.

python -m benchmarks.report [--matching NAME] [--web NAME]
"""

from __future__ import annotations

import argparse
import json
from typing import Any

from benchmarks.common import RESULTS_DIR


def _load(name: str) -> dict[str, Any] | None:
    path = RESULTS_DIR / f"{name}.json"
    return json.loads(path.read_text(encoding="utf-8")) if path.exists() else None


def _n(v: Any, digits: int = 2) -> str:
    if v is None or v == "":
        return ""
    if isinstance(v, float):
        return f"{v:,.{digits}f}"
    if isinstance(v, int):
        return f"{v:,}"
    return str(v)


def _md(headers: list[str], rows: list[list[Any]]) -> str:
    out = ["| " + " | ".join(headers) + " |", "|" + "|".join("---" for _ in headers) + "|"]
    out += ["| " + " | ".join(_n(c) for c in r) + " |" for r in rows]
    return "\n".join(out)


def matching(d: dict[str, Any]) -> str:
    rows = []
    for r in d["sizes"]:
        m, b = r["model"], r["baseline"]
        if "error" in m:
            cells = [m["error"], "", "", "", "", "", ""]
        else:
            workers = m.get("workers_peak_rss_mb")
            cells = [m["fit_s"], m["transform_s_per_1k"], m["score_top20_s"], m["fit_score_s"],
                     m.get("fit_score_cpu_s"), round(m["peak_rss_mb"]),
                     round(workers) if workers else "–"]  # fmt: skip
        if "total_s" in b:
            base = [b["total_s"], b.get("total_cpu_s"), round(b["peak_rss_mb"])]
        else:
            base = [b.get("skipped") or b.get("error", ""), "", ""]
        speed = f"{r['speedup']:.1f}×" if "speedup" in r else "–"
        rows.append([r["calls"], r["projects"], *cells, *base, speed])
    headers = ["calls", "projects", "fit s", "transform s/1k", "score+top20 s", "fit+score s",
               "(CPU s)", "peak RSS MB", "workers RSS MB", "baseline s", "(CPU s)",
               "baseline RSS MB", "speedup"]  # fmt: skip
    return _md(headers, rows)


def incremental(d: dict[str, Any]) -> str:
    r = d["result"]
    if "error" in r:
        return r["error"]
    headers = ["corpus", "new", "projects", "incremental s", "(CPU s)", "refit + rescore s",
               "(CPU s)", "top-20 agreement", "new in top 20 (incr. / refit)", "peak RSS MB"]  # fmt: skip
    cpu = r.get("cpu_s", {})
    row = [r["corpus"], r["new"], r["projects"], r["incremental_s"], r.get("incremental_cpu_s"),
           r["refit_total_s"], cpu.get("refit", 0) + cpu.get("rescore", 0),
           f"{100 * r['agreement']:.1f} %",
           f"{r['new_calls_in_top20_incremental']} / {r['new_calls_in_top20_refit']}",
           round(r["peak_rss_mb"])]  # fmt: skip
    return _md(headers, [row])


def scraping(d: dict[str, Any]) -> str:
    headers = ["run", "status", "requests", "304", "bytes", "parses", "new", "unchanged",
               "errors", "seconds"]  # fmt: skip
    rows = [[r["run"], r["status"], r["requests"], r["not_modified"], r["bytes"], r["parses"],
             r["new"], r["unchanged"], r["errors"], r["seconds"]] for r in d["runs"]]  # fmt: skip
    return _md(headers, rows)


def web(d: dict[str, Any]) -> str:
    headers = ["backend", "page", "clients", "requests", "errors", "p50 ms", "p95 ms", "req/s",
               "KB/req"]  # fmt: skip
    rows = []
    for b in d["backends"]:
        if "error" in b:
            rows.append([b["backend"], "error: " + b["error"], "", "", "", "", "", "", ""])
        extra = [b["two_workers"]] if "two_workers" in b else []
        for r in b.get("results", []) + extra:
            page = r["page"] + (", 2 app processes" if r.get("processes") == 2 else "")
            rows.append([b["backend"], page, r["clients"], r["requests"], r["errors"],
                         round(r["p50_ms"] or 0), round(r["p95_ms"] or 0), r["rps"],
                         round(r["bytes_per_request"] / 1024)])  # fmt: skip
    return _md(headers, rows)


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--matching", default="matching")
    ap.add_argument("--web", default="web")
    args = ap.parse_args(argv)
    for title, name, fn in (
        ("Matching", args.matching, matching),
        ("Incremental", "incremental", incremental),
        ("Scraping", "scraping", scraping),
        ("Web", args.web, web),
    ):
        d = _load(name)
        if d is None:
            continue
        m = d["machine"]
        load = ", ".join(f"{x:.1f}" for x in m.get("load_average", []))
        print(f"### {title} ({d['at']}, commit {m.get('commit', '?')}, load {load})\n")
        print(fn(d))
        print()


if __name__ == "__main__":
    main()
