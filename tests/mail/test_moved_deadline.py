"""A deadline moved earlier after a reminder: the next reminder says so, with the old date."""

from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path

from sqlalchemy import select

from tests.mail.conftest import TEAM, Data, SmtpServer
from webapp.formatting import format_date, local_today
from webapp.models import Call


def _import(cli, tmp_path: Path, deadline: date, stages: dict[str, str] | None = None) -> None:
    line = {
        "id": "MOVE-1",
        "source": "import",
        "url": "https://example.org/aufruf",
        "title": "Förderaufruf Digitales Rathaus",
        "deadline": deadline.isoformat(),
        "deadlines": stages or {},
    }
    path = tmp_path / "calls.jsonl"
    path.write_text(json.dumps(line, ensure_ascii=False) + "\n", encoding="utf-8")
    result = cli("import", str(path))
    assert result.exit_code == 0, result.output


def test_a_deadline_moved_earlier_is_named_in_the_next_reminder(
    cli, data: Data, smtp_server: SmtpServer, mail_env, tmp_path: Path
) -> None:
    today = local_today()
    old = today + timedelta(days=14)
    _import(cli, tmp_path, old)
    with data.sessions() as s:
        call_id = s.scalars(select(Call.id).where(Call.external_id == "MOVE-1")).one()
    data.review(call_id, "relevant")
    assert cli("remind", "--today", today.isoformat(), **mail_env).exit_code == 0
    first = smtp_server.messages[-1]
    assert "noch 14 Tage" in str(first.message["Subject"])
    assert "vorverlegt" not in first.part("plain")

    # The funder moves the deadline ten days earlier: three days left on the next day.
    new = old - timedelta(days=10)
    _import(cli, tmp_path, new)
    tomorrow = today + timedelta(days=1)
    assert cli("remind", "--today", tomorrow.isoformat(), **mail_env).exit_code == 0

    moved = smtp_server.messages[len(TEAM) :]
    assert len(moved) == len(TEAM)
    subject = str(moved[0].message["Subject"])
    assert subject.startswith(f"Fristerinnerung: Einreichung am {format_date(new)} (vorverlegt, ")
    text = moved[0].part("plain")
    assert (
        f"Die Frist wurde vorverlegt: bisher {format_date(old)}, jetzt {format_date(new)}." in text
    )
    assert f"bisher {format_date(old)}" in moved[0].part("html")


def test_a_stage_moved_later_is_not_called_earlier(
    cli, data: Data, smtp_server: SmtpServer, mail_env, tmp_path: Path
) -> None:
    today = local_today()
    final = today + timedelta(days=60)
    _import(cli, tmp_path, final, {"Skizze": (today + timedelta(days=5)).isoformat()})
    with data.sessions() as s:
        call_id = s.scalars(select(Call.id).where(Call.external_id == "MOVE-1")).one()
    data.review(call_id, "relevant")
    # extended by a week; then cut back by three days: still later than first announced,
    # but earlier than the last reminder said
    _import(cli, tmp_path, final, {"Skizze": (today + timedelta(days=12)).isoformat()})
    assert cli("remind", "--today", today.isoformat(), **mail_env).exit_code == 0
    assert "vorverlegt" not in smtp_server.messages[-1].part("plain")
    _import(cli, tmp_path, final, {"Skizze": (today + timedelta(days=9)).isoformat()})
    assert (
        cli("remind", "--today", (today + timedelta(days=3)).isoformat(), **mail_env).exit_code == 0
    )
    text = smtp_server.messages[-1].part("plain")
    assert "Skizze am" in str(smtp_server.messages[-1].message["Subject"])
    assert f"bisher {format_date(today + timedelta(days=12))}" in text
