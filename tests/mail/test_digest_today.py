"""`digest --today`: the whole digest as of that day, its window included, not the real clock's."""

from __future__ import annotations

from datetime import UTC, date, datetime, time

from tests.conftest import Clock
from tests.mail.conftest import Data, SmtpServer, free_port
from webapp.formatting import LOCAL_TZ
from webapp.models import CallChange

# The real clock of these tests: Wednesday of KW 48/2026.
NOW = datetime(2026, 11, 25, 10, 0, tzinfo=LOCAL_TZ)


def _stored(day: date, hour: int = 9) -> datetime:
    """A stored time (naive UTC) of `day` at `hour` German time."""
    return datetime.combine(day, time(hour), LOCAL_TZ).astimezone(UTC).replace(tzinfo=None)


def test_a_preview_with_today_is_the_mail_of_a_real_run_that_day(
    cli, data: Data, smtp_server: SmtpServer, mail_env, clock: Clock
) -> None:
    """Before, `--today 2026-12-07` on 25 Nov said "neu und geändert seit 18.11.2026" and
    listed the changes of this week, which the digest of KW 49 reports before."""
    clock(NOW)
    data.call("Aufruf vom 20. November", first_seen=_stored(date(2026, 11, 20)), announced=False)
    changed = data.call("Aufruf mit verschobener Frist", first_seen=_stored(date(2026, 10, 1)))
    data.review(changed, "in Prüfung")
    soon = data.call(
        "Aufruf mit Frist am 10. Dezember",
        first_seen=_stored(date(2026, 10, 1)),
        deadline=date(2026, 12, 10),
    )
    data.review(soon, "relevant")
    with data.sessions() as s:
        s.add(
            CallChange(
                call_id=changed,
                field="deadline",
                old="2027-01-31",
                new="2027-03-15",
                changed_at=_stored(date(2026, 11, 24)),
            )
        )
        s.commit()

    preview = cli("digest", "--dry-run", "--today", "2026-12-07", **mail_env)
    clock(datetime(2026, 12, 7, 7, 0, tzinfo=LOCAL_TZ))  # the cron run of that Monday
    real = cli("digest", "--dry-run", **mail_env)

    assert preview.exit_code == 0, preview.output
    assert preview.output == real.output
    assert "Wöchentliche Übersicht KW 50/2026" in preview.output
    assert "Stand 07.12.2026 · neu und geändert seit 30.11.2026" in preview.output
    # found before the window: announced as one no digest had named yet
    assert "Aufruf vom 20. November" in preview.output
    assert "Seit 20.11.2026 bekannt" in preview.output
    assert "Aufruf mit verschobener Frist" not in preview.output  # changed before the window
    assert "Einreichung: Aufruf mit Frist am 10. Dezember" in preview.output
    assert "(noch 3 Tage)" in preview.output
    assert smtp_server.messages == []


def test_a_past_week_caught_up_later_lists_what_was_found_by_then(
    cli, data: Data, smtp_server: SmtpServer, mail_env, clock: Clock
) -> None:
    """The digest of KW 47 sent on 25 Nov: not the calls found after 16 Nov (they belong to
    the next digest), also when its first attempt failed and a second run sends it."""
    clock(NOW)
    data.call("Aufruf vom 10. November", first_seen=_stored(date(2026, 11, 10)), announced=False)
    data.call("Aufruf vom 20. November", first_seen=_stored(date(2026, 11, 20)), announced=False)

    down = cli("digest", "--today", "2026-11-16", **{**mail_env, "SMTP_PORT": str(free_port())})
    assert down.exit_code == 1, down.output
    sent = cli("digest", "--today", "2026-11-16", **mail_env)

    assert sent.exit_code == 0, sent.output
    text = smtp_server.messages[-1].part("plain")
    assert "KW 47/2026: 1 neu" in str(smtp_server.messages[-1].message["Subject"])
    assert "Stand 16.11.2026 · neu und geändert seit 09.11.2026" in text
    assert "Aufruf vom 10. November" in text
    assert "Aufruf vom 20. November" not in text

    this_week = cli("digest", **mail_env)

    assert this_week.exit_code == 0, this_week.output
    latest = smtp_server.messages[-1].part("plain")
    assert "Aufruf vom 20. November" in latest and "Aufruf vom 10. November" not in latest
