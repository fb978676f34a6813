"""A demo database (strategy, dev calls, matches) built once and copied for each test."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from tests.conftest import REPO_ROOT, CliInvoker
from webapp.config import Config

DEV_CALLS = REPO_ROOT / "data" / "eval" / "dev" / "calls.jsonl"


@pytest.fixture(scope="session")
def demo_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """init + import of the dev calls + match, once per test session."""
    folder = tmp_path_factory.mktemp("demo")
    path = folder / "demo.db"
    cli = CliInvoker(
        Config(
            database_url=f"sqlite:///{path}",
            secret_key="test-secret",
            env="test",
            instance_dir=folder / "instance",
            testing=True,
        )
    )
    for args in (("init",), ("import", str(DEV_CALLS)), ("match",)):
        result = cli(*args)
        assert result.exit_code == 0, result.output
    return path


@pytest.fixture
def sqlite_url(tmp_path: Path, demo_db: Path) -> str:
    """Each test gets its own copy of the demo database (the backup API copies WAL too)."""
    target = tmp_path / "test.db"
    with sqlite3.connect(demo_db) as source, sqlite3.connect(target) as copy:
        source.backup(copy)
    return f"sqlite:///{target}"
