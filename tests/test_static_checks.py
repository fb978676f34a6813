"""The static checks are part of the suite: ruff's lint and format, and mypy's types.

Each runs on the whole project with the configuration in pyproject.toml, through the venv's
own interpreter, and a failure shows the tool's report. The three share one xdist group, so
with `-n 2 --dist loadgroup` they take one worker while the other runs the rest. mypy keeps its
cache in the project's .mypy_cache: a cold run takes about 20 seconds on a 2-core machine, a warm one 1-2.
"""

from __future__ import annotations

import subprocess
import sys

import pytest

from tests.conftest import REPO_ROOT

pytestmark = pytest.mark.xdist_group("static-checks")


def _run(*args: str) -> None:
    """Run `python -m <args>` in the project folder; fail with its output unless it exits 0."""
    try:
        result = subprocess.run(
            [sys.executable, "-m", *args],
            cwd=REPO_ROOT,
            capture_output=True,
            text=True,
            timeout=300,
        )
    except subprocess.TimeoutExpired as exc:
        pytest.fail(f"`{' '.join(args)}` took more than {exc.timeout} s", pytrace=False)
    if result.returncode != 0:
        pytest.fail(
            f"`{' '.join(args)}` exited with {result.returncode}:\n{result.stdout}{result.stderr}",
            pytrace=False,
        )


def test_ruff_finds_no_lint_errors() -> None:
    _run("ruff", "check", ".")


def test_ruff_format_leaves_every_file_as_it_is() -> None:
    _run("ruff", "format", "--check", ".")


def test_mypy_finds_no_type_errors() -> None:
    # The packages, python_version and the strictness come from [tool.mypy].
    _run("mypy")


def test_no_source_file_holds_a_control_character() -> None:
    """A backspace byte typed for `\\b` in a regex (it matched nothing) broke a rule unseen:
    no .py file under matcher/, webapp/ or scrapers/ may hold a control character but tab,
    newline and carriage return."""
    allowed = {"\t", "\n", "\r"}
    found = [
        f"{path.relative_to(REPO_ROOT)}:{number}: {ch!r}"
        for folder in ("matcher", "webapp", "scrapers")
        for path in sorted((REPO_ROOT / folder).rglob("*.py"))
        for number, line in enumerate(path.read_text(encoding="utf-8").split("\n"), 1)
        for ch in line
        if (ord(ch) < 32 or ord(ch) == 127) and ch not in allowed
    ]
    assert not found, "Steuerzeichen im Quelltext:\n" + "\n".join(found)
