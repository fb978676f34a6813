"""Imported or scraped names in mail headers: a line break must neither add a header nor stop
the run (Python's mail library refuses such a header, which ended `remind` with a traceback
and sent no reminder at all, the next week again)."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

from sqlalchemy import select

from tests.conftest import CliInvoker
from tests.mail.conftest import (  # noqa: F401 (fixtures used by name)
    TEAM,
    Data,
    SmtpServer,
    data,
    db,
    mail_config,
    mail_env,
    smtp_server,
)
from webapp.formatting import local_today
from webapp.models import Call

STAGE = "Skizze\r\nBcc: abgreifer@evil.example"


def test_a_stage_name_with_a_line_break_stays_in_the_subject(
    cli: CliInvoker,
    data: Data,  # noqa: F811
    smtp_server: SmtpServer,  # noqa: F811
    mail_env: dict[str, str],  # noqa: F811
    tmp_path: Path,
) -> None:
    due = (local_today() + timedelta(days=7)).isoformat()
    record = {
        "source": "jsonl",
        "id": "stufe-1",
        "url": "https://e.org/stufe",
        "title": "Digitalisierung der Verwaltung",
        "deadline": due,
        "deadlines": {STAGE: due},
    }
    calls = tmp_path / "calls.jsonl"
    calls.write_text(json.dumps(record) + "\n", encoding="utf-8")
    assert cli("import", str(calls)).exit_code == 0
    with data.sessions() as s:
        call_id = s.scalar(select(Call.id).where(Call.external_id == "stufe-1"))
    assert call_id is not None
    data.review(call_id, "relevant")
    # A second, ordinary call: its reminder must go out too.
    data.review(data.call("Zweiter Aufruf", deadline=local_today() + timedelta(days=7)), "relevant")

    result = cli("remind", **mail_env)

    assert result.exit_code == 0, result.output
    assert "Traceback" not in result.output
    subjects = [str(m.message["Subject"]) for m in smtp_server.messages]
    assert len(subjects) == 2 * len(TEAM), subjects
    assert any("Fristerinnerung: Skizze Bcc: abgreifer@evil.example am" in s for s in subjects)
    for message in smtp_server.messages:
        assert message.message["Bcc"] is None
        assert not any("evil.example" in r for r in message.envelope_to)
