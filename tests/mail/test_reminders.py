"""Deadline reminders: 14, 7 and 2 days before each stage deadline, each exactly once."""

from __future__ import annotations

from datetime import timedelta

import pytest

from tests.mail.conftest import TEAM, Data, SmtpServer
from webapp.formatting import local_today
from webapp.models import SentMail, utcnow
from webapp.reminders import reminder_level


@pytest.mark.parametrize(
    ("days_left", "level"),
    [(30, None), (15, None), (14, 14), (8, 14), (7, 7), (3, 7), (2, 2), (0, 2), (-1, None)],
)
def test_reminder_level(days_left: int, level: int | None) -> None:
    assert reminder_level(days_left, (14, 7, 2)) == level


def test_reminders_at_14_7_2_days_each_once(cli, data: Data, smtp_server: SmtpServer, mail_env):
    due = local_today() + timedelta(days=40)
    data.user("bearbeiterin@kreis.example", name="Berta Bearbeiterin", opt_in=False)
    assigned = data.call("Aufruf mit Zuständiger", deadline=due)
    data.review(assigned, "Antrag in Vorbereitung", assignee="bearbeiterin@kreis.example")
    team_call = data.call("Aufruf ohne Zuständige", deadline=due)
    data.review(team_call, "relevant")
    dismissed = data.call("Verworfener Aufruf", deadline=due)
    data.review(dismissed, "nicht relevant")

    sent_per_day: dict[int, int] = {}
    # Every day from 20 days before the deadline to the deadline, some days twice.
    for days_before in [20, 15, 14, 14, 13, 8, 7, 7, 6, 3, 2, 2, 1, 0]:
        before = len(smtp_server.messages)
        result = cli(
            "remind", "--today", (due - timedelta(days=days_before)).isoformat(), **mail_env
        )
        assert result.exit_code == 0, result.output
        sent_per_day[days_before] = sent_per_day.get(days_before, 0) + (
            len(smtp_server.messages) - before
        )

    # Per level: one mail to the assignee and one to each team member (no assignee).
    per_level = 1 + len(TEAM)
    assert sent_per_day == {
        20: 0, 15: 0, 14: per_level, 13: 0, 8: 0, 7: per_level, 6: 0, 3: 0, 2: per_level,
        1: 0, 0: 0,
    }  # fmt: skip
    to_assignee = [m for m in smtp_server.messages if m.to == "bearbeiterin@kreis.example"]
    assert len(to_assignee) == 3
    assert all("Aufruf mit Zuständiger" in m.part("plain") for m in to_assignee)
    subjects = [str(m.message["Subject"]) for m in to_assignee]
    assert [s.split("(")[1].split(")")[0] for s in subjects] == [
        "noch 14 Tage",
        "noch 7 Tage",
        "noch 2 Tage",
    ]
    assert "Zuständig: Berta Bearbeiterin" in to_assignee[0].part("plain")
    assert not any("Verworfener" in m.part("plain") for m in smtp_server.messages)


def test_each_stage_deadline_has_its_own_reminders(cli, data: Data, smtp_server, mail_env):
    today = local_today()
    call = data.call(
        "Zweistufiger Aufruf",
        deadline=today + timedelta(days=30),
        deadlines={"Skizze": (today + timedelta(days=7)).isoformat()},
    )
    data.review(call, "relevant")

    result = cli("remind", **mail_env)

    assert result.exit_code == 0, result.output
    assert len(smtp_server.messages) == len(TEAM)
    assert "Fristerinnerung: Skizze am" in str(smtp_server.messages[0].message["Subject"])
    later = (today + timedelta(days=16)).isoformat()
    assert cli("remind", "--today", later, **mail_env).exit_code == 0
    assert "Einreichung am" in str(smtp_server.messages[-1].message["Subject"])


def test_remind_dry_run_records_nothing(cli, data: Data, smtp_server, mail_env):
    call = data.call("Aufruf", deadline=local_today() + timedelta(days=2))
    data.review(call, "relevant")
    dry = cli("remind", "--dry-run", **mail_env)
    assert dry.exit_code == 0, dry.output
    assert "Fristerinnerung" in dry.output and "Nichts vermerkt" in dry.output
    assert "1 fällig, 2 Mails würden versandt." in dry.output
    assert smtp_server.messages == []
    # with one recipient left, the count is in the singular
    one = cli("remind", "--dry-run", **{**mail_env, "ALERT_RECIPIENTS": TEAM[0]})
    assert "1 fällig, 1 Mail würde versandt." in one.output, one.output
    assert cli("remind", **mail_env).exit_code == 0
    assert len(smtp_server.messages) == len(TEAM)


def test_reminder_says_why_it_comes_and_how_it_stops(cli, data: Data, smtp_server, mail_env):
    """Konto only switches off the digest: it is no way out of an assignee's reminders."""
    due = local_today() + timedelta(days=7)
    data.user("bearbeiterin@kreis.example", name="Berta Bearbeiterin")
    data.user("kollege@kreis.example")
    assigned = data.call("Aufruf mit Zuständiger", deadline=due)
    data.review(assigned, "relevant", assignee="bearbeiterin@kreis.example")
    data.review(data.call("Aufruf ohne Zuständige", deadline=due), "relevant")

    assert cli("remind", **mail_env).exit_code == 0

    mails = {(m.to.lower(), "ohne" in str(m.message["Subject"])): m for m in smtp_server.messages}
    assignee = mails[("bearbeiterin@kreis.example", False)]
    assert assignee.message["List-Unsubscribe"] is None
    text = assignee.part("plain")
    assert "weil Sie für den Aufruf zuständig sind" in text and "/konto" not in text
    assert "Keine Erinnerungen mehr: im Aufruf jemand anderen als zuständig eintragen" in text
    colleague = mails[("kollege@kreis.example", True)]
    assert colleague.message["List-Unsubscribe"] == "<https://foerder.example/konto>"
    assert "Mit der Wochenübersicht abbestellen" in colleague.part("html")
    team = mails[(TEAM[0], True)]
    assert team.message["List-Unsubscribe"] is None
    assert "über die Administration" in team.part("plain") and "/konto" not in team.part("html")


def test_reminder_warns_when_the_source_closed_or_dropped_the_call(
    cli, data: Data, smtp_server: SmtpServer, mail_env
):
    """The officers may be writing the application: the reminder comes, but says to check."""
    from webapp.models import Call, utcnow

    due = local_today() + timedelta(days=7)
    closed = data.call("Geschlossener Aufruf in Vorbereitung", deadline=due, status="Geschlossen")
    dropped = data.call("Nicht mehr gelisteter Aufruf", deadline=due)
    fine = data.call("Laufender Aufruf", deadline=due)
    for call_id in (closed, dropped, fine):
        data.review(call_id, "Antrag in Vorbereitung")
    with data.sessions() as s:
        s.get(Call, dropped).missing_since = utcnow() - timedelta(days=1)  # type: ignore[union-attr]
        s.commit()

    result = cli("remind", **mail_env)
    assert result.exit_code == 0, result.output
    by_title: dict[str, list[str]] = {}
    for m in smtp_server.messages:
        for title in ("Geschlossener", "Nicht mehr gelisteter", "Laufender"):
            if title in m.part("plain"):
                by_title.setdefault(title, []).append(m.part("plain") + m.part("html"))
    assert set(by_title) == {"Geschlossener", "Nicht mehr gelisteter", "Laufender"}
    assert all("Laut Quelle ist der Aufruf „Geschlossen“" in t for t in by_title["Geschlossener"])
    assert all(
        "Die Quelle listet den Aufruf seit" in t and "nicht mehr" in t
        for t in by_title["Nicht mehr gelisteter"]
    )
    assert not any("Achtung" in t or "ACHTUNG" in t for t in by_title["Laufender"])


def test_two_long_stage_names_alike_at_the_start_each_get_their_reminder(
    cli, data: Data, smtp_server: SmtpServer, mail_env
):
    """The log key is cut to its column; two stages must not end up sharing one."""
    due = local_today() + timedelta(days=7)
    common = "Einreichung der Projektskizze über das Förderportal " * 4  # > 200 characters
    first, second = f"{common}– Los 1 (Kreis)", f"{common}– Los 2 (Gemeinden)"
    call = data.call(
        "Aufruf in zwei Losen", deadlines={first: due.isoformat(), second: due.isoformat()}
    )
    data.review(call, "relevant")

    result = cli("remind", **mail_env)

    assert result.exit_code == 0, result.output
    assert len(smtp_server.messages) == 2 * len(TEAM)
    subjects = {str(m.message["Subject"]) for m in smtp_server.messages}
    assert any("Los 1" in s for s in subjects) and any("Los 2" in s for s in subjects)
    # and each once: a second run sends nothing
    assert cli("remind", **mail_env).exit_code == 0
    assert len(smtp_server.messages) == 2 * len(TEAM)


def test_reminders_recorded_before_an_upgrade_are_not_sent_again(
    cli, data: Data, db, smtp_server: SmtpServer, mail_env
):
    """Keys of short stages are unchanged; a long stage's old, cut key still counts as sent."""
    due = local_today() + timedelta(days=7)
    long_stage = "Einreichung der Projektskizze über das Förderportal " * 5
    call = data.call("Aufruf", deadlines={"Skizze": due.isoformat(), long_stage: due.isoformat()})
    data.review(call, "relevant")
    with db() as s:
        for stage in ("Skizze", long_stage):
            for address in TEAM:
                s.add(
                    SentMail(
                        kind="reminder",
                        period_key=f"{call}:{due.isoformat()}:7d:{stage}"[:200],
                        recipient=address.lower(),
                        status="sent",
                    )
                )
        s.commit()

    result = cli("remind", **mail_env)

    assert result.exit_code == 0, result.output
    assert smtp_server.messages == []


def test_reminder_warns_when_the_funds_ran_out(cli, data: Data, smtp_server: SmtpServer, mail_env):
    """ "Mittel ausgeschöpft" (Antragsstopp) ends a call like "geschlossen": the reminder of a
    call in preparation says to check the deadline (before, it came without a word)."""
    due = local_today() + timedelta(days=7)
    exhausted = data.call("Ausgeschöpfter Aufruf", deadline=due, status="Mittel ausgeschöpft")
    data.review(exhausted, "Antrag in Vorbereitung")

    result = cli("remind", **mail_env)

    assert result.exit_code == 0, result.output
    assert smtp_server.messages
    for m in smtp_server.messages:
        assert "Laut Quelle ist der Aufruf „Mittel ausgeschöpft“" in m.part("plain")
        assert "bitte prüfen, ob die Frist noch gilt" in m.part("html")


def test_the_digest_s_deadlines_warn_like_the_reminder(
    cli, data: Data, smtp_server: SmtpServer, mail_env
):
    """The reminder of a call whose funds ran out said "ACHTUNG …"; the digest's "Fristen in
    Kürze" listed the same deadline without a word."""
    exhausted = data.call(
        "Ausgeschöpfter Aufruf",
        first_seen=utcnow() - timedelta(days=40),
        deadline=local_today() + timedelta(days=5),
        status="Mittel ausgeschöpft",
    )
    data.review(exhausted, "relevant")
    data.call("Irgendwas Neues")

    assert cli("digest", **mail_env).exit_code == 0

    warning = "Laut Quelle ist der Aufruf „Mittel ausgeschöpft“ – bitte prüfen, ob die Frist"
    for message in smtp_server.messages:
        soon = message.part("plain").split("Fristen in Kürze", 1)[1]
        entry = soon[: soon.index("http")]
        assert "Ausgeschöpfter Aufruf" in entry and f"ACHTUNG: {warning}" in entry
        assert f"Achtung: {warning}" in message.part("html")
