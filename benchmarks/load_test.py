"""Load test: 20 officers browsing at once, against the app under waitress on loopback.

The database (50,000 calls with scores, matches and reviews) is built by the web benchmark's
builder (`benchmarks.bench_web.populate`), plus one login per simulated user. The app runs as
`funding-matcher serve` (waitress, FUNDING_MATCHER_ENV=production, CSRF on). Each user logs
in through the form, then browses for the given seconds with a random pause between clicks
(mean `--think` s, first click at a random moment within it; 0 clicks as fast as answers
come): the inbox and its later pages, a
filtered inbox, a search, the full list sorted by date, and call pages. Every
answer must be HTTP 200 with the page's heading; anything else counts as an error.

Prints p50/p95/max latency per page kind and in total, writes benchmarks/results/load.json,
and exits 1 if any request failed.

    python -m benchmarks.load_test [--calls 50000] [--users 20] [--seconds 30]
                                   [--backend sqlite|postgresql] [--threads 8] [--think 5]
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import requests

from benchmarks.bench_web import _CSRF, USER_PASSWORD, database, populate, server
from benchmarks.common import Timer, table, write_result

# Page kinds and their share of a user's clicks.
MIX: dict[str, float] = {
    "inbox": 0.30,
    "inbox-page": 0.10,
    "inbox-filtered": 0.10,
    "search": 0.10,
    "list-new": 0.05,
    "call": 0.35,
}
SEARCH_WORDS = ["Digitalisierung", "Breitband", "Verwaltung", "Schule", "Mobilität", "Klima"]
EXPECTED_TEXT = {  # what a user would see on a good answer
    "inbox": "Eingang",
    "inbox-page": "Eingang",
    "inbox-filtered": "Eingang",
    "search": "Aufrufe",
    "list-new": "Aufrufe",
    "call": "Bewertung",
}


@dataclass
class Stats:
    """Latencies and errors of all users, per page kind."""

    lock: threading.Lock = field(default_factory=threading.Lock)
    latencies: dict[str, list[float]] = field(default_factory=dict)
    errors: dict[str, list[str]] = field(default_factory=dict)

    def add(self, kind: str, seconds: float, error: str | None) -> None:
        with self.lock:
            if error is None:
                self.latencies.setdefault(kind, []).append(seconds)
            else:
                self.errors.setdefault(kind, []).append(error)


def create_users(url: str, n: int) -> list[str]:
    """n officer logins (password USER_PASSWORD); returns their e-mail addresses."""
    from webapp.db import make_engine, make_session_factory
    from webapp.users import create_user

    engine = make_engine(url)
    emails = [f"sachbearbeitung{i:02d}@kreis-coesfeld.de" for i in range(1, n + 1)]
    with make_session_factory(engine)() as session:
        for email in emails:
            create_user(session, email, USER_PASSWORD, name=email.split("@")[0])
        session.commit()
    engine.dispose()
    return emails


def sample_ids(url: str, n: int, seed: int) -> tuple[list[int], list[int]]:
    """Random canonical call ids and the theme ids (for filtered inboxes)."""
    from sqlalchemy import select

    from webapp.db import make_engine
    from webapp.models import Call, ThemeRow

    engine = make_engine(url)
    with engine.connect() as conn:
        calls = list(conn.scalars(select(Call.id).where(Call.canonical_id.is_(None))))
        themes = list(conn.scalars(select(ThemeRow.id)))
    engine.dispose()
    random.Random(seed).shuffle(calls)
    return calls[:n], themes


def login(base: str, email: str) -> requests.Session:
    """A session logged in through the form, CSRF token included."""
    session = requests.Session()
    page = session.get(f"{base}/anmelden", timeout=60)
    token = _CSRF.search(page.text)
    data = {"email": email, "password": USER_PASSWORD}
    if token:
        data["csrf_token"] = token.group(1)
    answer = session.post(f"{base}/anmelden", data=data, timeout=60, allow_redirects=False)
    if answer.status_code not in (302, 303):
        raise RuntimeError(f"login of {email} failed: HTTP {answer.status_code}")
    return session


def paths(call_ids: list[int], themes: list[int]) -> dict[str, Callable[[random.Random], str]]:
    """How each page kind's URL is drawn."""
    return {
        "inbox": lambda r: "/",
        "inbox-page": lambda r: f"/?page={r.randint(2, 6)}",
        "inbox-filtered": lambda r: f"/?theme={r.choice(themes)}&frist={r.choice([30, 90, 365])}",
        "search": lambda r: f"/aufrufe?q={r.choice(SEARCH_WORDS)}",
        "list-new": lambda r: f"/aufrufe?sort=neu&page={r.randint(1, 20)}",
        "call": lambda r: f"/aufrufe/{r.choice(call_ids)}",
    }


def browse(
    base: str,
    session: requests.Session,
    draw: dict[str, Callable[[random.Random], str]],
    deadline: float,
    stats: Stats,
    seed: int,
    think: float,
) -> None:
    """One user clicking through pages until the deadline, pausing `think` s on average."""
    rng = random.Random(seed)
    kinds, weights = list(MIX), list(MIX.values())
    if think > 0:  # officers do not all click at the same instant
        time.sleep(rng.uniform(0, think))
    while time.monotonic() < deadline:
        kind = rng.choices(kinds, weights)[0]
        path = draw[kind](rng)
        started = time.perf_counter()
        try:
            answer = session.get(base + path, timeout=60, allow_redirects=False)
            seconds = time.perf_counter() - started
        except requests.RequestException as exc:
            stats.add(kind, 0.0, f"{type(exc).__name__} {path}")
            continue
        if answer.status_code != 200:
            stats.add(kind, seconds, f"HTTP {answer.status_code} {path}")
        elif EXPECTED_TEXT[kind] not in answer.text:
            stats.add(kind, seconds, f"unexpected page {path}")
        else:
            stats.add(kind, seconds, None)
        if think > 0:
            time.sleep(
                min(rng.uniform(0.5 * think, 1.5 * think), max(0.0, deadline - time.monotonic()))
            )


def summarise(stats: Stats, wall: float) -> dict[str, Any]:
    """Requests, errors, p50/p95/max latency (ms) and throughput per page kind and in total."""
    rows: dict[str, Any] = {}
    every: list[float] = []
    for kind in [*MIX, "total"]:
        if kind == "total":
            lat = np.array(every) * 1000
            errors = sum(len(v) for v in stats.errors.values())
        else:
            values = stats.latencies.get(kind, [])
            every.extend(values)
            lat = np.array(values) * 1000
            errors = len(stats.errors.get(kind, []))
        rows[kind] = {
            "requests": len(lat),
            "errors": errors,
            "p50_ms": float(np.percentile(lat, 50)) if len(lat) else None,
            "p95_ms": float(np.percentile(lat, 95)) if len(lat) else None,
            "max_ms": float(lat.max()) if len(lat) else None,
            "rps": len(lat) / wall if wall else 0.0,
        }
    return rows


def run(args: argparse.Namespace) -> dict[str, Any]:
    """Build the database, start the server, let the users browse; return the figures."""
    workdir = Path(tempfile.mkdtemp(prefix="fm-load-"))
    if args.backend == "postgresql" and os.geteuid() == 0:
        shutil.chown(workdir, user="postgres")
    timer = Timer()
    payload: dict[str, Any] = {
        "backend": args.backend,
        "calls": args.calls,
        "users": args.users,
        "seconds": args.seconds,
        "waitress_threads": args.threads,
        "think_time_s": args.think,
    }
    try:
        with database(args.backend, workdir) as url:
            print(f"building a database with {args.calls} calls …", file=sys.stderr, flush=True)
            with timer("populate"):
                payload["populate"] = populate(url, args.calls, args.seed)
                emails = create_users(url, args.users)
                call_ids, themes = sample_ids(url, 2000, args.seed)
            draw = paths(call_ids, themes)
            with server(url, workdir, threads=args.threads) as base:
                sessions = [login(base, e) for e in emails]
                for kind in MIX:  # warm up: first request of each kind
                    sessions[0].get(base + draw[kind](random.Random(0)), timeout=120)
                stats = Stats()
                print(
                    f"{args.users} users browsing for {args.seconds:.0f} s …",
                    file=sys.stderr,
                    flush=True,
                )
                deadline = time.monotonic() + args.seconds
                started = time.perf_counter()
                threads = [
                    threading.Thread(
                        target=browse,
                        args=(base, s, draw, deadline, stats, args.seed + i, args.think),
                    )
                    for i, s in enumerate(sessions)
                ]
                for t in threads:
                    t.start()
                for t in threads:
                    t.join(timeout=args.seconds + 120)  # a request may run past the deadline
                wall = time.perf_counter() - started
                payload["wall_seconds"] = wall
                # Other work on the machine slows every figure down: keep the load with them.
                payload["load_average_1min"] = os.getloadavg()[0]
                payload["pages"] = summarise(stats, wall)
                payload["error_samples"] = {k: v[:5] for k, v in stats.errors.items()}
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    payload["build_seconds"] = timer.seconds
    return payload


def report(payload: dict[str, Any]) -> str:
    """The result as a plain-text table with a headline naming the setting."""

    def ms(value: float | None) -> str:
        return "–" if value is None else f"{value:.0f}"

    rows = [
        [kind, r["requests"], r["errors"], ms(r["p50_ms"]), ms(r["p95_ms"]), ms(r["max_ms"]),
         f"{r['rps']:.1f}"]
        for kind, r in payload["pages"].items()
    ]  # fmt: skip
    head = (
        f"Load test: {payload['users']} users, {payload['calls']} calls, "
        f"{payload['backend']}, waitress × {payload['waitress_threads']} threads, "
        f"think time {payload['think_time_s']:g} s, {payload['wall_seconds']:.1f} s, "
        f"machine load {payload['load_average_1min']:.1f} on {os.cpu_count()} CPUs"
    )
    return (
        head
        + "\n"
        + table(["page", "requests", "errors", "p50 ms", "p95 ms", "max ms", "req/s"], rows)
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=50_000)
    parser.add_argument("--users", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument("--backend", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--threads", type=int, default=8, help="waitress worker threads")
    parser.add_argument("--seed", type=int, default=3)
    parser.add_argument(
        "--think",
        type=float,
        default=5.0,
        help="mean pause between a user's clicks in seconds (0 = stress: click, click, click)",
    )
    args = parser.parse_args(argv)
    payload = run(args)
    print(report(payload))
    name = f"load-{args.backend}" + ("-stress" if args.think == 0 else "")
    path = write_result(name, payload)
    print(f"\nJSON: {path}")
    errors = payload["pages"]["total"]["errors"]
    if errors:
        print(f"{errors} failed requests: {payload['error_samples']}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
