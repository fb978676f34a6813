"""Another county's strategy run through the real CLI, shared by the county tests."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.conftest import CliInvoker
from webapp.models import Call


def match_county(cli: CliInvoker, session: Session, strategy: Path, calls: Path) -> dict[str, int]:
    """`init`, `import` and `match` with `strategy`; the stored call ids by their import id."""
    cli.env["STRATEGY_PATH"] = str(strategy)
    for args in (("init",), ("import", str(calls)), ("match",)):
        result = cli(*args)
        assert result.exit_code == 0, result.output
    return {c.external_id: c.id for c in session.scalars(select(Call))}
