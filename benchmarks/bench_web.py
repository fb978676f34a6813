"""The web UI under load: inbox, a call page and the CSV export on a large database.

For each backend (SQLite file, and PostgreSQL on a private server started like the tests'
tests/pg_server.py), a database is built with the project's migrations and strategy loader,
then filled in bulk: 50,000 synthetic calls (2 % of them duplicates of another call), their
scores, 20 matches per call of the table (1,000,000 match rows, on the canonical calls) and reviews for 5 % of the calls
(SQLAlchemy Core executemany; the match rows by sqlite3 executemany / PostgreSQL COPY).
A benchmark user is created with the project's `create_user`. The app runs as
`funding-matcher serve` (waitress, 8 threads) on 127.0.0.1; client threads, each with its own
logged-in requests.Session, fetch each page a bounded number of times (and for at most a
bounded time) at 1 and 10 concurrent clients: p50 / p95 latency and requests per second.

Pages: the inbox (`/`), a deep inbox page (`/?page=N`, N = calls / 50: page 1,000 of the
about 1,240 inbox pages at 50,000 calls), a call page and the CSV export; `--pages` picks
some of them.

`--two-workers` (PostgreSQL only) also starts a second app process on the same database
and spreads the 10 clients over both: the "several WSGI workers on one PostgreSQL" setup.

    python -m benchmarks.bench_web [--quick] [--calls N] [--backends sqlite,postgresql]
                                   [--pages inbox,deep,call,csv] [--two-workers]
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import random
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any, cast

import numpy as np
import requests

from benchmarks.common import REPO_ROOT, Timer, table, write_result

USER_EMAIL = "benchmark@kreis-coesfeld.de"
USER_PASSWORD = "benchmark-passwort-2026"
MATCHES_PER_CALL = 20
PAGES = ("inbox", "deep", "call", "csv")
TODAY = date.today()
_CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


# ------------------------------------------------------------------------------ database


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def database(backend: str, workdir: Path) -> Iterator[str]:
    """An empty database URL on `backend`; a PostgreSQL server is started and stopped here."""
    if backend == "sqlite":
        yield f"sqlite:///{workdir / 'bench.db'}"
        return
    from sqlalchemy import create_engine, text

    from tests import pg_server

    server = pg_server.start()
    try:
        admin = create_engine(server.admin_url, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text('CREATE DATABASE "fm_bench"'))
        admin.dispose()
        yield server.url("fm_bench")
    finally:
        server.stop()


def populate(url: str, n_calls: int, seed: int = 3) -> dict[str, Any]:
    """Build the schema, the strategy, calls, scores, matches, reviews and the user."""
    from sqlalchemy import Table, func, insert, select, text

    from benchmarks.bench_matching import load_calls
    from matcher.strategy import load_strategy
    from webapp.config import DEFAULT_STRATEGY
    from webapp.db import make_engine, make_session_factory
    from webapp.migrate import upgrade
    from webapp.models import Call, CallScore, ProjectRow, Review, User
    from webapp.strategy_store import load_into_db
    from webapp.users import create_user

    t = Timer()
    rng = random.Random(seed)
    engine = make_engine(url)
    with t("schema"):
        upgrade(engine)
        factory = make_session_factory(engine)
        with factory() as session:
            load_into_db(session, load_strategy(DEFAULT_STRATEGY))
            create_user(session, USER_EMAIL, USER_PASSWORD, role="admin", name="Benchmark")
            session.commit()
            projects = list(session.execute(select(ProjectRow.id, ProjectRow.key)).tuples())
            user_id = session.scalar(select(User.id).where(User.email == USER_EMAIL))
    project_ids = [p for p, _ in projects]
    project_keys = dict(projects)
    records = load_calls(n_calls, seed)
    now = datetime.utcnow().replace(microsecond=0)
    call_rows, score_rows, review_rows = [], [], []
    for i, r in enumerate(records, start=1):
        dup = i > 100 and rng.random() < 0.02
        deadline = date.fromisoformat(r["deadline"]) if r.get("deadline") else None
        digest = hashlib.sha256(r["id"].encode()).hexdigest()
        call_rows.append(
            {
                "id": i,
                "source": r["source"],
                "external_id": r["id"],
                "canonical_id": rng.randint(1, i - 1) if dup else None,
                "origin": "scrape",
                "url": r["url"],
                "title": r["title"],
                "funder": r["funder"],
                "programme": r["programme"],
                "summary": r["summary"],
                "text": r["text"],
                "eligible": r["eligible"],
                "region": r["region"],
                "funding_type": r["funding_type"],
                "published": None,
                "opens": None,
                "deadline": deadline,
                "deadlines": {},
                "amount_max_eur": r["amount_max_eur"],
                "funding_rate": r["funding_rate"],
                "topics": [],
                "status": "offen",
                "language": "de",
                "content_hash": digest,
                "first_seen": now - timedelta(days=rng.randint(0, 300)),
                "last_seen": now,
                "last_checked": now,
                "missing_since": None,
                "changed_at": None,
            }
        )
        if dup:
            continue
        elig = rng.choices(["eligible", "unknown", "ineligible"], [0.7, 0.2, 0.1])[0]
        score_rows.append(
            {
                "call_id": i,
                "inbox_score": rng.random(),
                "best_project_id": rng.choice(project_ids),
                "eligibility": elig,
                "eligibility_reasons": [] if elig == "eligible" else ["bitte prüfen"],
                "eligible_applicants": ["Kreis Coesfeld"],
                "goals": [{"goal": "V1", "score": 0.3, "terms": []}],
                "language": "de",
                "content_hash": digest,
                "computed_at": now,
            }
        )
        if rng.random() < 0.05:
            review_rows.append(
                {
                    "call_id": i,
                    "status": rng.choice(["in Prüfung", "relevant", "nicht relevant"]),
                    "reason": "",
                    "note": "Benchmark-Notiz",
                    "project_id": rng.choice(project_ids),
                    "assignee_id": user_id,
                    "call_hash": digest,
                    "updated_at": now,
                    "updated_by_id": user_id,
                }
            )
    with t("calls"), engine.begin() as conn:
        # A mapped class's __table__ is typed as any FromClause; these are all Tables.
        table_ = cast(Table, Call.__table__)
        for start in range(0, len(call_rows), 5_000):
            conn.execute(insert(table_), call_rows[start : start + 5_000])
        for start in range(0, len(score_rows), 10_000):
            scores = cast(Table, CallScore.__table__)
            conn.execute(insert(scores), score_rows[start : start + 10_000])
        if review_rows:
            conn.execute(insert(cast(Table, Review.__table__)), review_rows)
    with t("matches"):
        n_matches = _insert_matches(
            engine, score_rows, project_ids, project_keys, now, rng, MATCHES_PER_CALL * n_calls
        )
    with t("analyze"), engine.begin() as conn:
        if engine.dialect.name == "postgresql":
            conn.execute(
                text("SELECT setval(pg_get_serial_sequence('calls', 'id'), max(id)) FROM calls")
            )
        else:
            conn.execute(text("ANALYZE"))
    if engine.dialect.name == "postgresql":
        # VACUUM as well, as autovacuum does on a live database soon after a bulk load: it
        # sets the visibility map that index-only scans (the list's covering indexes) need.
        with t("analyze"), engine.connect() as conn:
            conn.execution_options(isolation_level="AUTOCOMMIT").execute(text("VACUUM ANALYZE"))
    with engine.connect() as conn:
        counts = {
            "calls": conn.scalar(select(func.count()).select_from(Call.__table__)),
            "matches": n_matches,
            "reviews": len(review_rows),
        }
    engine.dispose()
    return {"seconds": t.seconds, "rows": counts}


def _insert_matches(engine, score_rows, project_ids, project_keys, now, rng, total) -> int:
    """`total` match rows (MATCHES_PER_CALL per call of the whole table: the canonical calls
    share the duplicates' rows, a few get one more), by sqlite3 executemany or PostgreSQL COPY.
    """
    columns = ("call_id", "project_id", "score", "rank", "terms", "goal_keys", "eligibility",
               "eligibility_reasons", "computed_at")  # fmt: skip
    per_call = [min(total // max(len(score_rows), 1), len(project_ids))] * len(score_rows)
    for i in range(min(total - sum(per_call), len(per_call))):
        per_call[i] = min(per_call[i] + 1, len(project_ids))
    terms = json.dumps(
        [
            {"call_word": "Digitalisierung", "project_word": "digitale", "weight": 0.12},
            {"call_word": "Verwaltung", "project_word": "Verwaltungen", "weight": 0.08},
        ],
        ensure_ascii=False,
    )
    stamp = now.strftime("%Y-%m-%d %H:%M:%S.%f")

    def rows() -> Iterator[tuple]:
        for s, k in zip(score_rows, per_call, strict=True):
            chosen = rng.sample(project_ids, k)
            top = s["inbox_score"]
            for rank, pid in enumerate(chosen, start=1):
                yield (s["call_id"], pid, top * (1 - 0.03 * rank), rank, terms,
                       json.dumps([str(project_keys[pid])[:2]]), s["eligibility"], "[]", stamp)  # fmt: skip

    raw = engine.raw_connection()
    n = 0
    try:
        cur = raw.cursor()
        if engine.dialect.name == "postgresql":
            with cur.copy(f"COPY matches ({', '.join(columns)}) FROM STDIN") as copy:
                for row in rows():
                    copy.write_row(row)
                    n += 1
        else:
            sql = f"INSERT INTO matches ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})"
            batch: list[tuple] = []
            for row in rows():
                batch.append(row)
                if len(batch) >= 50_000:
                    cur.executemany(sql, batch)
                    n += len(batch)
                    batch = []
            cur.executemany(sql, batch)
            n += len(batch)
        raw.commit()
    finally:
        raw.close()
    return n


# ------------------------------------------------------------------------------ server


@contextmanager
def server(url: str, workdir: Path, threads: int = 8) -> Iterator[str]:
    """`funding-matcher serve` on a free loopback port; yields its base URL."""
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "SECRET_KEY": "benchmark-" + uuid.uuid4().hex,
        "INSTANCE_PATH": str(workdir / f"instance-{port}"),
        "BASE_URL": base,
        "FUNDING_MATCHER_ENV": "production",
    }
    log = (workdir / f"server-{port}.log").open("wb")
    argv = [sys.executable, "-c", "from webapp.cli import main; main()", "serve",
            "--host", "127.0.0.1", "--port", str(port), "--threads", str(threads)]  # fmt: skip
    proc = subprocess.Popen(argv, cwd=REPO_ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if proc.poll() is not None:
                raise RuntimeError(
                    f"server exited: {(workdir / f'server-{port}.log').read_text()[-2000:]}"
                )
            with socket.socket() as sock:
                if sock.connect_ex(("127.0.0.1", port)) == 0:
                    break
            time.sleep(0.2)
        else:
            raise RuntimeError("server did not start within 60 s")
        yield base
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)
        log.close()


def login(base: str) -> requests.Session:
    """A requests.Session logged in as the benchmark user (with the login form's CSRF token)."""
    s = requests.Session()
    page = s.get(f"{base}/anmelden", timeout=30)
    match = _CSRF.search(page.text)
    data = {"email": USER_EMAIL, "password": USER_PASSWORD}
    if match:
        data["csrf_token"] = match.group(1)
    r = s.post(f"{base}/anmelden", data=data, timeout=30, allow_redirects=False)
    if r.status_code not in (302, 303):
        raise RuntimeError(f"login failed: HTTP {r.status_code}")
    return s


# ------------------------------------------------------------------------------ load


def load(
    sessions: list[tuple[requests.Session, str]],
    path: Callable[[int], str],
    clients: int,
    n_requests: int,
    max_seconds: float,
    max_request_seconds: float = 120.0,
) -> dict[str, Any]:
    """`n_requests` GETs by `clients` threads; latency and throughput.

    No request starts after `max_seconds`; a response still arriving after
    `max_request_seconds` is abandoned and counted as an error.
    """
    lock = threading.Lock()
    issued = 0
    latencies: list[float] = []
    errors: list[str] = []
    nbytes = 0
    deadline = time.monotonic() + max_seconds

    def worker(w: int) -> None:
        nonlocal issued, nbytes
        sess, base = sessions[w % len(sessions)]
        while True:
            with lock:
                if issued >= n_requests or time.monotonic() > deadline:
                    return
                issued += 1
                i = issued
            t0 = time.perf_counter()
            try:
                with sess.get(base + path(i), timeout=60, allow_redirects=False, stream=True) as r:
                    size = 0
                    for chunk in r.iter_content(65536):
                        size += len(chunk)
                        if time.perf_counter() - t0 > max_request_seconds:
                            raise TimeoutError
                dt = time.perf_counter() - t0
            except TimeoutError:
                with lock:
                    errors.append(f"slower than {max_request_seconds:.0f} s")
                continue
            except requests.RequestException as exc:
                with lock:
                    errors.append(type(exc).__name__)
                continue
            with lock:
                if r.status_code == 200:
                    latencies.append(dt)
                    nbytes += size
                else:
                    errors.append(f"HTTP {r.status_code}")

    start = time.perf_counter()
    threads = [threading.Thread(target=worker, args=(w,), daemon=True) for w in range(clients)]
    for th in threads:
        th.start()
    for th in threads:
        th.join(timeout=max_seconds + max_request_seconds + 30)
    wall = time.perf_counter() - start
    lat = np.array(latencies) * 1000
    return {
        "clients": clients,
        "requests": len(latencies),
        "errors": len(errors),
        "error_kinds": sorted(set(errors))[:5],
        "p50_ms": float(np.percentile(lat, 50)) if len(lat) else None,
        "p95_ms": float(np.percentile(lat, 95)) if len(lat) else None,
        "max_ms": float(lat.max()) if len(lat) else None,
        "rps": len(latencies) / wall if wall else 0.0,
        "bytes_per_request": nbytes / len(latencies) if latencies else 0,
        "seconds": wall,
    }


def page_plan(quick: bool) -> dict[str, dict[str, Any]]:
    """Requests per (page, clients), the time after which no request starts, the request cap."""
    scale = 0.4 if quick else 1.0
    pages = {"n": {1: int(60 * scale), 10: int(200 * scale)}, "cap": 30.0 * scale + 10}
    return {
        "inbox": {**pages, "request_cap": 60.0},
        # a deep page costs more per request: fewer of them
        "deep": {
            "n": {1: int(20 * scale), 10: int(60 * scale)},
            "cap": pages["cap"],
            "request_cap": 60.0,
        },
        "call": {**pages, "request_cap": 60.0},
        # each of the 10 clients downloads the export once (a full inbox export is large)
        "csv": {"n": {1: 2 if quick else 3, 10: 10}, "cap": 30.0, "request_cap": 150.0},
    }


def deep_page(n_calls: int) -> int:
    """The deep inbox page measured: page 1,000 at 50,000 calls, the same share below."""
    return max(n_calls // 50, 2)


def measure_backend(
    backend: str,
    n_calls: int,
    quick: bool,
    two_workers: bool,
    seed: int,
    pages: tuple[str, ...] = PAGES,
) -> dict[str, Any]:
    workdir = Path(tempfile.mkdtemp(prefix="fm-bench-web-"))
    if backend == "postgresql" and os.geteuid() == 0:
        shutil.chown(workdir, user="postgres")
    out: dict[str, Any] = {"backend": backend, "calls": n_calls}
    try:
        with database(backend, workdir) as url:
            print(f"  web/{backend}: filling the database …", file=sys.stderr, flush=True)
            out["populate"] = populate(url, n_calls, seed)
            call_ids = _canonical_ids(url, 500, seed)
            plan = {name: spec for name, spec in page_plan(quick).items() if name in pages}
            deep = deep_page(n_calls)
            out["deep_page"] = deep
            paths: dict[str, Callable[[int], str]] = {
                "inbox": lambda i: "/",
                "deep": lambda i: f"/?page={deep}",
                "call": lambda i: f"/aufrufe/{call_ids[i % len(call_ids)]}",
                "csv": lambda i: "/export.csv",
            }
            with server(url, workdir) as base:
                sessions = [(login(base), base) for _ in range(10)]
                for name in plan:  # warm up caches and the connection pool
                    load(sessions[:1], paths[name], 1, 2, 60)
                results = []
                for name, spec in plan.items():
                    for clients in (1, 10):
                        print(f"  web/{backend}: {name} × {clients} …", file=sys.stderr, flush=True)
                        r = load(
                            sessions,
                            paths[name],
                            clients,
                            spec["n"][clients],
                            spec["cap"],
                            spec["request_cap"],
                        )
                        results.append({"page": name, "path": paths[name](0), **r})
                out["results"] = results
                if two_workers and backend == "postgresql":
                    with server(url, workdir) as base2:
                        both = [(login(b), b) for b in (base, base2) for _ in range(5)]
                        spec = page_plan(quick)["inbox"]
                        r = load(both, paths["inbox"], 10, spec["n"][10], spec["cap"])
                        out["two_workers"] = {"page": "inbox", "processes": 2, **r}
    except Exception as exc:  # one backend failing must not stop the other
        out["error"] = f"{type(exc).__name__}: {exc}"[:500]
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    return out


def _canonical_ids(url: str, n: int, seed: int) -> list[int]:
    from sqlalchemy import select

    from webapp.db import make_engine
    from webapp.models import Call

    engine = make_engine(url)
    with engine.connect() as conn:
        ids = list(conn.scalars(select(Call.id).where(Call.canonical_id.is_(None))))
    engine.dispose()
    random.Random(seed).shuffle(ids)
    return ids[:n]


def run(
    backends: list[str],
    n_calls: int,
    quick: bool,
    two_workers: bool,
    seed: int,
    pages: tuple[str, ...] = PAGES,
) -> dict[str, Any]:
    out = [measure_backend(b, n_calls, quick, two_workers, seed, pages) for b in backends]
    payload = {"backends": out}
    print_report(payload)
    path = write_result("web", payload)
    print(f"\nJSON: {path}")
    return payload


def print_report(payload: dict[str, Any]) -> None:
    print("\nWeb UI under waitress (8 threads) on 127.0.0.1")
    headers = [
        "backend",
        "page",
        "clients",
        "requests",
        "errors",
        "p50 ms",
        "p95 ms",
        "req/s",
        "KB/req",
    ]
    rows = []
    for b in payload["backends"]:
        if "error" in b:
            rows.append([b["backend"], "error: " + b["error"][:80], "", "", "", "", "", "", ""])
        for r in b.get("results", []) + ([b["two_workers"]] if "two_workers" in b else []):
            page = r["page"] + (" (2 app processes)" if r.get("processes") == 2 else "")
            if r["page"] == "deep":
                page = f"inbox, page {b.get('deep_page')}"
            rows.append([b["backend"], page, r["clients"], r["requests"], r["errors"],
                         r["p50_ms"], r["p95_ms"], r["rps"], r["bytes_per_request"] / 1024])  # fmt: skip
    print(table(headers, rows))
    for b in payload["backends"]:
        if "populate" in b:
            p = b["populate"]
            secs = ", ".join(f"{k} {v:.1f} s" for k, v in p["seconds"].items())
            print(f"  {b['backend']}: {p['rows']} — load: {secs}")


def main(argv: list[str] | None = None) -> dict[str, Any]:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument(
        "--quick", action="store_true", help="5,000 calls (100,000 matches), fewer requests"
    )
    ap.add_argument("--calls", type=int)
    ap.add_argument("--backends", default="sqlite,postgresql")
    ap.add_argument("--two-workers", action="store_true", help="also 2 app processes on PostgreSQL")
    ap.add_argument("--seed", type=int, default=3)
    ap.add_argument("--pages", default=",".join(PAGES), help="some of " + ",".join(PAGES))
    args = ap.parse_args(argv)
    pages = tuple(p.strip() for p in args.pages.split(",") if p.strip())
    unknown = set(pages) - set(PAGES)
    if unknown:
        ap.error(f"unknown pages: {', '.join(sorted(unknown))}")
    n_calls = args.calls or (5_000 if args.quick else 50_000)
    backends = [b.strip() for b in args.backends.split(",") if b.strip()]
    return run(backends, n_calls, args.quick, args.two_workers, args.seed, pages)


if __name__ == "__main__":
    main()
