"""Mail says a deadline's time ("17:00 Uhr"), and "laufend" only where the source says so."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from tests.conftest import Clock
from tests.mail.conftest import TEAM, Data, SmtpServer
from webapp.formatting import LOCAL_TZ, format_date, local_today

DEADLINE_DAY = date(2026, 11, 27)


def test_a_reminder_on_the_last_day_says_the_time(
    cli, data: Data, smtp_server: SmtpServer, mail_env, clock: Clock
) -> None:
    """An officer who submits at 18:00 on the day misses an EU deadline at 17:00."""
    clock(datetime.combine(DEADLINE_DAY, time(9, 0), LOCAL_TZ))
    today = local_today()
    call_id = data.call("EU-Aufruf Smart Communities", deadline=today, deadline_time="17:00")
    data.review(call_id, "relevant")

    result = cli("remind", "--today", today.isoformat(), **mail_env)

    assert result.exit_code == 0, result.output
    mail = smtp_server.messages[0]
    subject = str(mail.message["Subject"])
    assert subject.startswith("Fristerinnerung: Einreichung: Frist heute, 17:00 Uhr – EU-Aufruf")
    assert "Einreichung: Frist heute, 17:00 Uhr." in mail.part("plain")
    assert "Frist heute, 17:00 Uhr</h1>" in mail.part("html")
    assert len(smtp_server.messages) == len(TEAM)


def test_an_earlier_reminder_names_date_and_time_of_each_stage(
    cli, data: Data, smtp_server: SmtpServer, mail_env
) -> None:
    today = local_today()
    sketch, final = today + timedelta(days=7), today + timedelta(days=60)
    call_id = data.call(
        "Zweistufiger Aufruf",
        deadline=sketch,
        deadlines={"Projektskizze": sketch.isoformat(), "Antrag": final.isoformat()},
        deadline_time="12:00",
        deadline_times={"Projektskizze": "12:00"},
    )
    data.review(call_id, "relevant")

    assert cli("remind", "--today", today.isoformat(), **mail_env).exit_code == 0

    subject = str(smtp_server.messages[0].message["Subject"])
    assert subject.startswith(
        f"Fristerinnerung: Projektskizze am {format_date(sketch)}, 12:00 Uhr (noch 7 Tage)"
    )
    assert (
        f"Projektskizze am {format_date(sketch)}, 12:00 Uhr – noch 7 Tage."
        in smtp_server.messages[0].part("plain")
    )


def test_the_digest_tells_laufend_from_no_deadline_and_says_the_time(
    cli, data: Data, smtp_server: SmtpServer, mail_env
) -> None:
    today = local_today()
    data.call("Aufruf ohne Fristangabe", status="offen")
    data.call("Aufruf jederzeit", status="laufend")
    due = today + timedelta(days=30)
    data.call("Aufruf mit Uhrzeit", deadline=due, deadline_time="12:00", status="offen")
    soon = today + timedelta(days=3)
    watched = data.call("Aufruf bald", deadline=soon, deadline_time="17:00", status="offen")
    data.review(watched, "relevant")

    result = cli("digest", **mail_env)

    assert result.exit_code == 0, result.output
    text = smtp_server.messages[0].part("plain")
    html = smtp_server.messages[0].part("html")
    neu, soon_part = text.split("Fristen in Kürze (", 1)

    def line_after(title: str, body: str) -> str:
        return body.split(title, 1)[1].split("\n", 2)[1]

    assert "Frist: Keine Frist angegeben" in line_after("Aufruf ohne Fristangabe", neu)
    assert "Frist: laufend" in line_after("Aufruf jederzeit", neu)
    assert f"Frist: {format_date(due)}, 12:00 Uhr (noch 30 Tage)" in line_after(
        "Aufruf mit Uhrzeit", neu
    )
    assert f"* {format_date(soon)}, 17:00 Uhr (noch 3 Tage) – Einreichung: Aufruf bald" in soon_part
    assert "Frist: Keine Frist angegeben" in html and "Frist: laufend" in html
    assert f"{format_date(soon)}, 17:00 Uhr (noch 3 Tage)" in html


def test_on_the_deadline_day_a_reminder_goes_out_only_before_the_time(
    cli, data: Data, smtp_server: SmtpServer, mail_env, clock: Clock
) -> None:
    """At 15:00 "Frist heute, 12:00 Uhr" would tell of a missed deadline: no reminder for
    it; the one at 17:00 still gets its reminder."""
    clock(datetime.combine(DEADLINE_DAY, time(15, 0), LOCAL_TZ))
    passed = data.call("Aufruf bis mittags", deadline=DEADLINE_DAY, deadline_time="12:00")
    open_ = data.call("Aufruf bis abends", deadline=DEADLINE_DAY, deadline_time="17:00")
    for call_id in (passed, open_):
        data.review(call_id, "relevant")

    result = cli("remind", **mail_env)

    assert result.exit_code == 0, result.output
    assert "Fristerinnerungen: 1 fällig" in result.output
    subjects = {str(m.message["Subject"]) for m in smtp_server.messages}
    assert subjects == {"Fristerinnerung: Einreichung: Frist heute, 17:00 Uhr – Aufruf bis abends"}
    assert len(smtp_server.messages) == len(TEAM)


def test_a_deadline_that_passed_earlier_today_is_not_upcoming_in_the_digest(
    cli, data: Data, smtp_server: SmtpServer, mail_env, clock: Clock, server_on_utc: None
) -> None:
    """On a server in UTC: 23:30 UTC on the 26th is 00:30 on the 27th in Germany, so a
    deadline at 00:15 on the 27th has passed, one at 12:00 that day is still ahead."""
    clock(datetime(2026, 11, 26, 23, 30, tzinfo=UTC))
    for title, at in (("Aufruf kurz nach Mitternacht", "00:15"), ("Aufruf bis mittags", "12:00")):
        data.review(data.call(title, deadline=DEADLINE_DAY, deadline_time=at), "relevant")

    result = cli("digest", **mail_env)

    assert result.exit_code == 0, result.output
    text = smtp_server.messages[0].part("plain")
    soon = text.split("Fristen in Kürze (", 1)[1]
    assert "* 27.11.2026, 12:00 Uhr (heute) – Einreichung: Aufruf bis mittags" in soon
    assert "Mitternacht" not in soon
    html = smtp_server.messages[0].part("html")
    assert "Mitternacht" not in html.split("Fristen in Kürze", 1)[1]
