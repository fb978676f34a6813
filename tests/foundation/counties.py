"""Another county's strategy run through the real CLI, shared by the county tests."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.conftest import CliInvoker
from webapp.formatting import local_today
from webapp.models import Call


def county_call(
    ident: str, title: str, region: str, eligible: list[str], text: str, **extra: object
) -> dict[str, object]:
    """An open call in the import format (`extra`: further fields), due in 90 days."""
    return {
        "id": ident,
        "source": "import",
        "url": f"https://foerderung.example.de/{ident}",
        "title": title,
        "funder": "Fördergeber",
        "summary": text,
        "text": text,
        "eligible": eligible,
        "region": region,
        "funding_type": "Zuschuss",
        "published": "2026-11-01",
        "deadline": (local_today() + timedelta(days=90)).isoformat(),
        **extra,
    }


def write_calls(path: Path, calls: list[dict[str, object]]) -> Path:
    """`calls` as a JSONL file for `funding-matcher import`."""
    path.write_text(
        "".join(json.dumps(c, ensure_ascii=False) + "\n" for c in calls), encoding="utf-8"
    )
    return path


def match_county(cli: CliInvoker, session: Session, strategy: Path, calls: Path) -> dict[str, int]:
    """`init`, `import` and `match` with `strategy`; the stored call ids by their import id."""
    cli.env["STRATEGY_PATH"] = str(strategy)
    for args in (("init",), ("import", str(calls)), ("match",)):
        result = cli(*args)
        assert result.exit_code == 0, result.output
    return {c.external_id: c.id for c in session.scalars(select(Call))}
