"""Real processes at once: two `weekly` runs started together, and several commands writing
to one SQLite file at the same time. On SQLite and PostgreSQL where it matters.

The mail engineer's tests (tests/mail/test_weekly.py) prove the lock with threads and a held
lock row; these start separate `funding-matcher` processes as cron would.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import func, select

from tests.conftest import CliInvoker
from tests.mail.conftest import Collector, SmtpServer, free_port
from webapp.config import Config
from webapp.db import make_engine, make_session_factory
from webapp.models import Call, JobLock, ScrapeRun, utcnow

BIN = Path(sys.executable).with_name("funding-matcher")
TEAM = ["team@kreis.example", "leitung@kreis.example"]
TIMEOUT = 90


def _env(config: Config, **extra: str) -> dict[str, str]:
    env = {
        k: v for k, v in os.environ.items() if not k.startswith(("SMTP_", "DATABASE_", "ALERT_"))
    }
    env.update(
        DATABASE_URL=config.database_url,
        INSTANCE_PATH=str(config.instance_dir),
        SECRET_KEY=config.secret_key,
        FUNDING_MATCHER_ENV="test",
        PYTHONUNBUFFERED="1",
        **extra,
    )
    return env


def _start(args: list[str], env: dict[str, str]) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [str(BIN), *args], env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )


def _finish(procs: list[subprocess.Popen[str]]) -> list[tuple[int, str]]:
    out = []
    for proc in procs:
        try:
            output, _ = proc.communicate(timeout=TIMEOUT)
        except subprocess.TimeoutExpired:
            proc.kill()
            output, _ = proc.communicate()
            pytest.fail(f"process did not finish in {TIMEOUT} s:\n{output}")
        out.append((proc.returncode, output))
    return out


@pytest.fixture
def smtp() -> Iterator[SmtpServer]:
    server = SmtpServer(free_port(), Collector())
    server.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.mark.slow
def test_two_weekly_processes_started_together(any_config: Config, smtp: SmtpServer) -> None:
    """One does the work, the other says so and exits 0 (or runs after it); mails go once."""
    cli = CliInvoker(any_config)
    assert cli("init").exit_code == 0
    assert cli("scrape", "--offline").exit_code == 0
    env = _env(
        any_config,
        SMTP_HOST="127.0.0.1",
        SMTP_PORT=str(smtp.port),
        ALERT_RECIPIENTS=",".join(TEAM),
        BASE_URL="https://foerder.example",
    )
    procs = [_start(["weekly", "--no-scrape", "--wait", "0"], env) for _ in range(2)]
    results = _finish(procs)

    for code, output in results:
        assert code == 0, output
        assert "Traceback" not in output and "database is locked" not in output
    skipped = [out for _code, out in results if "Dieser Lauf wird übersprungen" in out]
    engine = make_engine(any_config.database_url)
    with make_session_factory(engine)() as session:
        locks = session.scalars(select(JobLock)).all()
    engine.dispose()
    if skipped:
        assert len(skipped) == 1
        assert "Ein anderer Lauf von 'weekly' ist aktiv" in skipped[0]
    assert locks == []  # released
    digests = [m for m in smtp.messages if "Wöchentliche Übersicht" in str(m.message["Subject"])]
    assert sorted(m.to.lower() for m in digests) == sorted(TEAM)  # each exactly once


def _jsonl(path: Path, prefix: str, count: int) -> Path:
    lines = []
    for i in range(count):
        lines.append(
            json.dumps(
                {
                    "id": f"{prefix}-{i}",
                    "source": f"gleichzeitig-{prefix}",
                    "url": f"https://example.org/{prefix}/{i}",
                    "title": f"Förderaufruf {prefix} {i}: Digitalisierung der Verwaltung",
                    "text": "Antragsberechtigt sind Kommunen. Frist 31.12.2027.",
                    "eligible": ["Kommune"],
                    "deadline": "2027-12-31",
                },
                ensure_ascii=False,
            )
        )
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.mark.slow
def test_sqlite_writers_at_once_never_see_database_is_locked(
    config: Config, tmp_path: Path
) -> None:
    """An import and a scrape write to one SQLite file at the same moment."""
    assert CliInvoker(config)("init").exit_code == 0
    env = _env(config)
    files = [_jsonl(tmp_path / f"{p}.jsonl", p, 300) for p in ("a",)]
    procs = [_start(["import", str(f)], env) for f in files]
    procs.append(_start(["scrape", "--offline"], env))
    results = _finish(procs)

    for code, output in results:
        assert "database is locked" not in output.lower(), output
        assert "Traceback" not in output, output
        assert code == 0, output
    engine = make_engine(config.database_url)
    with make_session_factory(engine)() as session:
        for prefix in ("a",):
            count = session.scalar(
                select(func.count())
                .select_from(Call)
                .where(Call.source == f"gleichzeitig-{prefix}")
            )
            assert count == 300
        failed = session.scalar(
            select(func.count()).select_from(ScrapeRun).where(ScrapeRun.status != "ok")
        )
        assert failed == 0
    engine.dispose()


@pytest.mark.slow
def test_scrape_killed_mid_run_leaves_nothing_half_written(config: Config, tmp_path: Path) -> None:
    """SIGKILL while a source is being fetched: no calls, and the next run closes the old one."""
    import time
    from datetime import timedelta

    import yaml
    from sqlalchemy import update

    from tests.reliability.fault_server import Reply, rss, running

    assert CliInvoker(config)("init").exit_code == 0
    with running() as server:
        feed = rss([("k1", "Förderaufruf k1"), ("k2", "Förderaufruf k2")], base=server.base)
        # The first request stalls (the process is killed meanwhile), later ones answer.
        server.route("/feed.xml", lambda r, n: Reply(delay=20 if n == 0 else 0, body=feed))
        sources = tmp_path / "sources.yaml"
        entry = {"name": "abbruch", "kind": "feed", "url": server.base + "/feed.xml"}
        settings = {"allow_private": True, "delay": 0, "read_timeout": 30, "retries": 0}
        sources.write_text(yaml.safe_dump({"defaults": settings, "sources": [entry]}), "utf-8")
        env = _env(config, SOURCES_PATH=str(sources))
        proc = _start(["scrape"], env)
        deadline = time.monotonic() + 60
        while server.hits["/feed.xml"] == 0 and time.monotonic() < deadline:
            time.sleep(0.05)
        proc.kill()
        proc.wait(timeout=10)

        engine = make_engine(config.database_url)
        factory = make_session_factory(engine)
        with factory() as session:
            assert session.scalar(select(func.count()).select_from(Call)) == 0
            killed = session.scalar(select(ScrapeRun))
            assert killed is not None and killed.status == "running"
        # Hours later the next run marks the dead one as aborted and does its work.
        with factory() as session:
            session.execute(update(ScrapeRun).values(started_at=utcnow() - timedelta(hours=7)))
            session.commit()
        result = CliInvoker(config)("scrape", SOURCES_PATH=str(sources))
        assert result.exit_code == 0, result.output
    with factory() as session:
        runs = session.scalars(select(ScrapeRun).order_by(ScrapeRun.id)).all()
        assert [r.status for r in runs] == ["failed", "ok"]
        assert "abgebrochen" in runs[0].error_message
        assert session.scalar(select(func.count()).select_from(Call)) == 2
    engine.dispose()
