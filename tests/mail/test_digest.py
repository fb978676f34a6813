"""The weekly digest against a real SMTP server: sections, exactly once, crash and outage."""

from __future__ import annotations

import html as html_module
import os
import signal
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

from sqlalchemy import select, update

from scrapers.net_errors import describe_http_status
from tests.mail.conftest import TEAM, Collector, Data, SmtpServer, free_port
from webapp.digest import period_key
from webapp.formatting import format_datetime, local_today
from webapp.models import Call, CallChange, CallScore, Review, SentMail, utcnow

REPO_ROOT = Path(__file__).resolve().parents[2]


def _seed_sections(data: Data) -> dict[str, int]:
    """One call for each section, plus calls that must stay out."""
    today = local_today()
    ids = {
        "new": data.call("Förderaufruf Digitale Verwaltung 2027", deadline=today + timedelta(30)),
        "new_school": data.call("Schul-IT Förderung", theme="bildung", score=0.3),
        "old": data.call("Alter Aufruf", first_seen=utcnow() - timedelta(days=40)),
        "weak": data.call("Kaum passender Aufruf", score=0.05),
        "ineligible": data.call("Nur für Unternehmen", eligibility="ineligible"),
        "expired": data.call("Abgelaufener Aufruf", deadline=today - timedelta(days=1)),
        "closed": data.call("Geschlossener Aufruf", status="Geschlossen"),
        "changed": data.call("Aufruf mit neuer Frist", first_seen=utcnow() - timedelta(days=40)),
        "soon": data.call(
            "Aufruf mit naher Frist",
            first_seen=utcnow() - timedelta(days=40),
            deadline=today + timedelta(days=5),
            deadlines={"Skizze": (today + timedelta(days=2)).isoformat()},
        ),
    }
    ids["decided"] = data.call("Schon entschiedener Aufruf")
    ids["in_review"] = data.call("Aufruf in Prüfung")
    data.review(ids["decided"], "nicht relevant")
    data.review(ids["in_review"], "in Prüfung")
    data.review(ids["changed"], "in Prüfung")
    data.review(ids["soon"], "relevant")
    with data.sessions() as s:
        s.add(
            CallChange(call_id=ids["changed"], field="deadline", old="2027-01-31", new="2027-03-15")
        )
        s.add(CallChange(call_id=ids["changed"], field="title", old="a", new="b"))
        s.add(CallChange(call_id=ids["changed"], field="amount_max_eur", old=None, new=200000))
        s.add(CallChange(call_id=ids["changed"], field="amount_max_eur", old=200000, new=5e5))
        s.add(
            CallChange(
                call_id=ids["changed"], field="missing_since", old=None, new="2026-11-20T06:00:00"
            )
        )
        s.commit()
    return ids


def test_digest_reaches_each_recipient_once_with_sections(
    cli, data: Data, smtp_server: SmtpServer, mail_env
):
    ids = _seed_sections(data)
    data.user("officer@kreis.example", name="Olga Officer")
    data.user("team@KREIS.example")  # also in ALERT_RECIPIENTS: one mail only
    data.user("nomail@kreis.example", opt_in=False)

    result = cli("digest", **mail_env)

    assert result.exit_code == 0, result.output
    assert "3 versandt" in result.output
    assert smtp_server.handler.to() == sorted(
        ["officer@kreis.example", "team@kreis.example", "leitung@kreis.example"]
    )
    mail = smtp_server.messages[0]
    assert "Wöchentliche Übersicht KW" in str(mail.message["Subject"])
    assert mail.message["Message-ID"]
    text = mail.part("plain")
    neu, rest = text.split("Geändert (", 1)
    changed, soon = rest.split("Fristen in Kürze (", 1)
    assert "Förderaufruf Digitale Verwaltung 2027" in neu
    assert "(noch 30 Tage)" in neu
    assert f"https://foerder.example/aufrufe/{ids['new']}" in neu
    assert neu.index("Verwaltung – Priorität 1") < neu.index("Schul-IT Förderung")
    absent_titles = (
        "Alter",
        "Kaum passender",
        "Nur für Unternehmen",
        "Abgelaufener",
        "Geschlossener",
    )
    for absent in absent_titles:
        assert absent not in text
    assert "Aufruf mit neuer Frist [in Prüfung]" in changed
    assert "Frist: 31.01.2027 → 15.03.2027" in changed
    assert "Förderhöchstbetrag: – → 500.000\u00a0€" in changed  # two changes: first old → last new
    assert "Bei der Quelle: gelistet → nicht mehr gelistet (seit 20.11.2026)" in changed
    assert "Titel" not in changed  # not a watched field
    assert "Skizze: Aufruf mit naher Frist" in soon
    assert "(noch 2 Tage)" in soon and "Einreichung: Aufruf mit naher Frist" in soon
    assert "https://foerder.example/konto" in text
    assert "https://foerder.example/konto" in mail.part("html")


def test_second_run_in_same_week_sends_nothing(cli, data: Data, smtp_server, mail_env):
    _seed_sections(data)
    assert cli("digest", **mail_env).exit_code == 0
    assert len(smtp_server.messages) == 2

    again = cli("digest", **mail_env)

    assert again.exit_code == 0, again.output
    assert "0 versandt, 2 bereits versandt" in again.output
    assert len(smtp_server.messages) == 2


def test_next_week_only_lists_calls_new_since_last_digest(cli, data: Data, smtp_server, mail_env):
    data.call("Erster Aufruf")
    assert cli("digest", **mail_env).exit_code == 0
    data.call("Zweiter Aufruf", first_seen=utcnow())
    next_week = (local_today() + timedelta(days=7)).isoformat()

    assert cli("digest", "--today", next_week, **mail_env).exit_code == 0

    latest = smtp_server.messages[-1].part("plain")
    assert "Zweiter Aufruf" in latest and "Erster Aufruf" not in latest


def test_no_mail_when_all_sections_are_empty(cli, data: Data, smtp_server, mail_env):
    result = cli("digest", **mail_env)
    assert result.exit_code == 0
    assert "keine Mail verschickt" in result.output
    assert smtp_server.messages == []

    forced = cli("digest", DIGEST_SEND_EMPTY="1", **mail_env)
    assert forced.exit_code == 0
    assert len(smtp_server.messages) == 2
    assert "Keine neu gefundenen passenden Aufrufe." in smtp_server.messages[0].part("plain")


def test_dry_run_prints_and_records_nothing(cli, data: Data, smtp_server, mail_env):
    _seed_sections(data)
    result = cli("digest", "--dry-run", **mail_env)
    assert result.exit_code == 0, result.output
    assert "An:      team@kreis.example" in result.output
    assert "Förderaufruf Digitale Verwaltung 2027" in result.output
    assert "Nichts vermerkt" in result.output
    assert smtp_server.messages == []
    with data.sessions() as s:
        assert s.scalars(select(SentMail)).all() == []


def test_html_part_escapes_scraped_text(cli, data: Data, smtp_server, mail_env):
    data.call("<script>alert('x')</script> Förderung & Co", funder="<b>Fördergeber</b>")
    assert cli("digest", **mail_env).exit_code == 0
    mail = smtp_server.messages[0]
    html = mail.part("html")
    assert "<script>" not in html and "<b>Fördergeber" not in html
    assert "&lt;script&gt;" in html and "&amp; Co" in html
    assert "<script>alert('x')</script> Förderung & Co" in mail.part("plain")


def test_server_down_exits_nonzero_and_next_run_sends(cli, data: Data, mail_env):
    data.call("Förderaufruf während der Störung")
    port = free_port()  # nobody listens here yet
    env = {**mail_env, "SMTP_PORT": str(port)}

    down = cli("digest", **env)

    assert down.exit_code == 1
    assert "nicht erreichbar nach 3 Versuchen" in down.output
    server = SmtpServer(port, Collector())
    server.start()
    try:
        up = cli("digest", **env)
        assert up.exit_code == 0, up.output
        assert server.handler.to() == sorted(a.lower() for a in TEAM)
        assert "Förderaufruf während der Störung" in server.messages[0].part("plain")
    finally:
        server.stop()


def test_run_killed_after_first_of_three_then_rerun_sends_each_once(
    cli, config, data: Data, smtp_server: SmtpServer, mail_env
):
    data.call("Förderaufruf vor dem Absturz")
    data.user("drei@kreis.example")
    env = {**os.environ, **cli.env, **mail_env}
    proc = subprocess.Popen(
        [sys.executable, "-c", "from webapp.cli import main; main()", "digest"],
        env=env,
        cwd=REPO_ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )

    def kill_at_second(number: int) -> str | None:
        if number == 2:
            # The sender dies while the second message is in flight; it is not delivered.
            os.kill(proc.pid, signal.SIGKILL)
            return "421 closing"
        return None

    smtp_server.handler.on_message = kill_at_second
    proc.wait(timeout=60)
    assert proc.returncode == -signal.SIGKILL, proc.stdout.read() if proc.stdout else ""
    assert len(smtp_server.messages) == 1
    smtp_server.handler.on_message = None

    rerun = cli("digest", **mail_env)

    assert rerun.exit_code == 0, rerun.output
    assert "1 bereits versandt" in rerun.output
    assert smtp_server.handler.to() == sorted(
        ["drei@kreis.example", "team@kreis.example", "leitung@kreis.example"]
    )
    with data.sessions() as s:
        rows = s.scalars(select(SentMail)).all()
    assert {r.status for r in rows} == {"sent"} and len(rows) == 3


SOURCES_HEADING = "Quellen mit Problemen"


def _source_section(mail) -> tuple[str, str]:
    """The plain-text and HTML part from the "Quellen mit Problemen" heading on."""
    text, html = mail.part("plain"), mail.part("html")
    assert SOURCES_HEADING in text and SOURCES_HEADING in html
    return text[text.index(SOURCES_HEADING) :], html[html.index(SOURCES_HEADING) :]


def test_failed_source_alone_is_mailed_with_its_error(cli, data: Data, smtp_server, mail_env):
    broken = data.source("foerderdb", "Förderdatenbank des Bundes")
    data.run(broken, "ok", ago=timedelta(days=20))
    data.run(broken, "failed", ago=timedelta(days=2), error="Zeitüberschreitung")
    long_error = "HTTP 503 Service Unavailable von https://foerderdb.example/liste " + "x" * 600
    data.run(broken, "failed", error=long_error)
    data.run(data.source("nrw", "Förderprogramme NRW"), "ok")

    result = cli("digest", **mail_env)  # no new calls, changes or deadlines: still sent

    assert result.exit_code == 0, result.output
    assert len(smtp_server.messages) == 2
    mail = smtp_server.messages[0]
    assert str(mail.message["Subject"]).endswith("0 neu, 1 Quelle mit Problemen")
    text, html = _source_section(mail)
    for part in (text, html):
        assert "Förderdatenbank des Bundes" in part
        assert "Alle 2 Läufe sind fehlgeschlagen." in part
        assert "HTTP 503 Service Unavailable von https://foerderdb.example/liste" in part
        assert "x" * 600 not in part and "…" in part  # shortened
        assert "Zeitüberschreitung" not in part  # only the last error
        assert "Kein erfolgreicher Abruf seit" in part
        assert "https://foerder.example/quellen/" in part
        assert "Förderprogramme NRW" not in part  # healthy source


def test_a_source_error_is_mailed_with_its_advice(cli, data: Data, smtp_server, mail_env):
    """The advice of a failed fetch comes last in its text; the digest must not cut it off."""
    moved = data.source("foerderdb", "Förderdatenbank des Bundes")
    status = describe_http_status(404, configured=True).text
    url = "https://www.foerderdatenbank.de/SiteGlobals/FDB/Forms/Suche/Foederprogrammsuche_Formular.html"
    data.run(moved, "failed", error=f"{url}: {status}")

    assert cli("digest", **mail_env).exit_code == 0

    text, html = _source_section(smtp_server.messages[0])
    assert "als 'url' der Quelle eintragen" in text
    assert "url&#39; der Quelle eintragen" in html


def test_the_digest_and_the_quellen_page_cut_a_long_error_alike(
    cli, data: Data, smtp_server, mail_env, mail_config
):
    """The officer who follows the digest's link to Quellen reads the same shortened error."""
    from webapp.app import create_app
    from webapp.users import create_user

    broken = data.source("foerderdb", "Förderdatenbank des Bundes")
    long_error = "HTTP 503 von https://foerderdb.example/liste " + " ".join(["Weiterleitung"] * 60)
    data.run(broken, "failed", error=long_error)
    with data.sessions() as s:
        create_user(s, "it@kreis.example", "richtig-geheim-42", role="admin")
        s.commit()

    assert cli("digest", **mail_env).exit_code == 0
    text, _html = _source_section(smtp_server.messages[0])
    app = create_app(mail_config)
    app.config.update(WTF_CSRF_ENABLED=False)
    client = app.test_client()
    client.post("/anmelden", data={"email": "it@kreis.example", "password": "richtig-geheim-42"})
    page = html_module.unescape(client.get("/quellen/").get_data(as_text=True))

    shown = page[page.index("Letzter Fehler") :]
    shown = shown[shown.index(": ") + 2 : shown.index("</div>")]
    assert shown.endswith("…") and len(shown) < len(long_error)
    assert shown in text


def test_source_with_hints_shows_the_first_hints(cli, data: Data, smtp_server, mail_env):
    data.call("Förderaufruf Digitale Verwaltung 2027")
    hinted = data.source("bund", "Bundesportal")
    data.run(hinted, "ok", ago=timedelta(days=3), warnings=("Alter Hinweis",))
    hints = ("robots.txt verbietet /detail/7", "Feed fehlerhaft, trotzdem gelesen", "Drittens")
    data.run(hinted, "ok", warnings=hints)
    data.run(data.source("nrw", "Förderprogramme NRW"), "ok")

    assert cli("digest", **mail_env).exit_code == 0

    text, html = _source_section(smtp_server.messages[0])
    assert (
        "Hinweise zum letzten Lauf (3): robots.txt verbietet /detail/7; "
        "Feed fehlerhaft, trotzdem gelesen … und 1 weiterer (siehe Läufe)"
    ) in text
    assert "robots.txt verbietet /detail/7" in html and "1 weitere" in html
    for part in (text, html):
        assert "Drittens" not in part and "Alter Hinweis" not in part
        assert "fehlgeschlagen" not in part and "Kein erfolgreicher Abruf" not in part
        assert "Förderprogramme NRW" not in part


def test_source_not_read_since_last_success_is_named_stale(cli, data: Data, smtp_server, mail_env):
    quiet = data.source("land", "Landesportal")
    data.run(quiet, "ok", ago=timedelta(days=30))
    data.run(quiet, "ok", ago=timedelta(days=20))
    never = data.source("neu", "Neue Quelle")
    data.run(never, "failed", ago=timedelta(days=10), error="DNS-Fehler")

    assert cli("digest", **mail_env).exit_code == 0

    text, _ = _source_section(smtp_server.messages[0])
    land, neu = text.split("* Neue Quelle", 1)
    last_ok = format_datetime(utcnow() - timedelta(days=20))[:10]
    assert "Kein Lauf in diesem Zeitraum." in land
    assert f"Kein erfolgreicher Abruf seit {last_ok}" in land
    assert "Noch nie erfolgreich abgerufen (erster Lauf" in neu


def test_no_source_section_when_every_source_is_fine(cli, data: Data, smtp_server, mail_env):
    data.call("Förderaufruf Digitale Verwaltung 2027")
    recovered = data.source("nrw", "Förderprogramme NRW")
    data.run(recovered, "failed", ago=timedelta(days=20), error="HTTP 500")
    data.run(recovered, "failed", ago=timedelta(days=1), error="HTTP 502")
    data.run(recovered, "ok")  # read again in the window
    off = data.source("alt", "Abgeschaltete Quelle", enabled=False)
    data.run(off, "failed", error="HTTP 404")
    data.source("frisch", "Noch nie gelaufen")  # no run yet: nothing to report

    assert cli("digest", **mail_env).exit_code == 0

    mail = smtp_server.messages[0]
    for part in (mail.part("plain"), mail.part("html")):
        assert SOURCES_HEADING not in part and "/quellen/" not in part
    assert "Quelle" not in str(mail.message["Subject"])


def test_links_point_at_routes_of_the_web_ui(app) -> None:
    # The mails build links by hand (no request context in a cron job): keep them in step.
    rules = {rule.rule for rule in app.url_map.iter_rules()}
    assert "/aufrufe/<int:call_id>" in rules
    assert "/konto" in rules
    assert "/quellen/" in rules  # "Quellen mit Problemen"
    assert "/" in rules
    from webapp.queries import CallFilters

    filters = CallFilters.from_args({"theme": "3", "min_score": "0.25", "sort": "neu"})
    assert (filters.theme, filters.min_score, filters.sort) == (3, 0.25, "neu")  # "… weitere"


def test_commands_on_an_empty_database_say_to_run_init(cli) -> None:
    for command in ("digest", "remind", "weekly"):
        result = cli(command)
        assert result.exit_code == 1
        assert "zuerst `funding-matcher init`" in result.output
        assert "Traceback" not in result.output


def test_new_section_lists_what_the_inbox_shows(cli, data: Data, smtp_server, mail_env):
    """A dismissed call that changed is back in the Eingang ("wieder da"), so in the digest too."""
    _seed_sections(data)
    back = data.call("Abgelehnter, inzwischen geänderter Aufruf")
    with data.sessions() as s:
        s.get(Call, back).content_hash = "neu"  # type: ignore[union-attr]
        s.add(Review(call_id=back, status="nicht relevant", call_hash="alt"))
        s.commit()
    result = cli("digest", "--dry-run", **mail_env)
    assert result.exit_code == 0, result.output
    neu = result.output.split("Geändert (", 1)[0]
    assert "Abgelehnter, inzwischen geänderter Aufruf" in neu
    assert "Aufruf in Prüfung" in neu  # no decision yet
    assert "Schon entschiedener Aufruf" not in neu  # dismissed and unchanged


def _rescore(data: Data, call_id: int, score: float) -> None:
    """The next `match` scores the call anew (its text changed, or the strategy)."""
    with data.sessions() as s:
        s.execute(update(CallScore).where(CallScore.call_id == call_id).values(inbox_score=score))
        s.commit()


def test_a_call_that_passes_the_bar_later_is_announced_once(
    cli, data: Data, smtp_server: SmtpServer, mail_env
):
    """Before, only calls first seen in the week could be new: a call that passed the
    digest's bar a week later (a changed text, a new strategy version) was never announced."""
    today = local_today()
    risen = data.call("Später passender Aufruf", score=0.05)
    data.call("Passender Aufruf")
    assert cli("digest", **mail_env).exit_code == 0
    assert "Später passender Aufruf" not in smtp_server.messages[-1].part("plain")

    _rescore(data, risen, 0.6)
    next_week = cli("digest", "--today", (today + timedelta(days=7)).isoformat(), **mail_env)

    assert next_week.exit_code == 0, next_week.output
    latest = smtp_server.messages[-1]
    assert "1 neu" in str(latest.message["Subject"])
    for part in (latest.part("plain"), latest.part("html")):
        assert "Später passender Aufruf" in part and "Passender Aufruf" not in part
        assert f"Seit {today:%d.%m.%Y} bekannt, passt nach neuer Bewertung jetzt dazu" in part
    with data.sessions() as s:
        marked = s.get(Call, risen)
        assert marked is not None
        assert marked.announced_in == period_key(today + timedelta(days=7))

    data.call("Aufruf der dritten Woche", first_seen=utcnow())
    in_two_weeks = cli("digest", "--today", (today + timedelta(days=14)).isoformat(), **mail_env)
    assert in_two_weeks.exit_code == 0, in_two_weeks.output
    third = smtp_server.messages[-1].part("plain")
    assert "Aufruf der dritten Woche" in third and "Später passender Aufruf" not in third


def test_a_late_call_waits_for_a_digest_that_reaches_someone(
    cli, data: Data, smtp_server: SmtpServer, mail_env
):
    today = local_today()
    risen = data.call("Später passender Aufruf", score=0.05)
    data.call("Anderer Aufruf")
    assert cli("digest", **mail_env).exit_code == 0
    _rescore(data, risen, 0.6)

    down = cli(
        "digest",
        "--today",
        (today + timedelta(days=7)).isoformat(),
        **{**mail_env, "SMTP_PORT": str(free_port())},
    )
    assert down.exit_code == 1, down.output
    with data.sessions() as s:
        waiting = s.get(Call, risen)
        assert waiting is not None and waiting.announced_in is None

    later = cli("digest", "--today", (today + timedelta(days=14)).isoformat(), **mail_env)

    assert later.exit_code == 0, later.output
    assert "Später passender Aufruf" in smtp_server.messages[-1].part("plain")


def test_week_when_the_server_was_down_goes_into_the_next_digest(
    cli, data: Data, smtp_server: SmtpServer, mail_env
):
    """The cron job sends once a week: a week whose digest reached nobody is not skipped."""
    today = local_today()
    # found in the week before: a digest as of then knows only what was found by then
    data.call("Aufruf der Vorwoche", first_seen=utcnow() - timedelta(days=8), announced=False)
    assert (
        cli("digest", "--today", (today - timedelta(days=7)).isoformat(), **mail_env).exit_code == 0
    )
    data.call("Aufruf der Woche mit Serverausfall", first_seen=utcnow())
    down = cli("digest", **{**mail_env, "SMTP_PORT": str(free_port())})
    assert down.exit_code == 1, down.output

    next_week = cli("digest", "--today", (today + timedelta(days=7)).isoformat(), **mail_env)

    assert next_week.exit_code == 0, next_week.output
    latest = smtp_server.messages[-1]
    assert "KW" in str(latest.message["Subject"]) and "1 neu" in str(latest.message["Subject"])
    text = latest.part("plain")
    assert "Aufruf der Woche mit Serverausfall" in text
    assert "Aufruf der Vorwoche" not in text  # was in the digest before


def test_without_base_url_nothing_is_sent_and_the_admin_is_told(
    cli, data: Data, smtp_server: SmtpServer, mail_env
):
    """Links to the built-in 127.0.0.1 would be dead for every recipient, and mails go once."""
    call = data.call("Aufruf mit naher Frist", deadline=local_today() + timedelta(days=2))
    data.review(call, "relevant")
    env = {k: v for k, v in mail_env.items() if k != "BASE_URL"}

    for command in ("digest", "remind"):
        result = cli(command, **env)
        assert result.exit_code == 1, result.output
        assert "BASE_URL ist nicht gesetzt" in result.output
        assert "Traceback" not in result.output
    weekly = cli("weekly", "--no-scrape", **env)
    assert weekly.exit_code == 1 and "BASE_URL ist nicht gesetzt" in weekly.output
    dry = cli("digest", "--dry-run", **env)
    assert dry.exit_code == 0 and "BASE_URL ist nicht gesetzt" in dry.output
    assert smtp_server.messages == []
    with data.sessions() as s:
        assert s.scalars(select(SentMail)).all() == []

    assert cli("digest", **mail_env).exit_code == 0  # set: the digest goes out after all
    assert "https://foerder.example/aufrufe/" in smtp_server.messages[0].part("plain")


def test_only_a_link_that_stops_the_digest_is_offered_as_unsubscribe(
    cli, data: Data, smtp_server: SmtpServer, mail_env
):
    """Konto switches off a login's digest; a team address there would find nothing to do."""
    data.call("Förderaufruf Digitale Verwaltung 2027")
    data.user("officer@kreis.example")

    assert cli("digest", **mail_env).exit_code == 0

    by_to = {m.to.lower(): m for m in smtp_server.messages}
    officer, team = by_to["officer@kreis.example"], by_to[TEAM[0]]
    assert officer.message["List-Unsubscribe"] == "<https://foerder.example/konto>"
    assert "Wöchentliche Übersicht abbestellen: https://foerder.example/konto" in officer.part(
        "plain"
    )
    assert team.message["List-Unsubscribe"] is None
    for part in (team.part("plain"), team.part("html")):
        assert "/konto" not in part
        assert "als Team-Adresse eingetragen (Einstellung ALERT_RECIPIENTS)" in part
        assert "über die Administration" in part


def test_digest_waits_while_new_calls_are_not_matched(
    cli, data: Data, smtp_server: SmtpServer, mail_env
):
    """Sent without them, the week's calls would never be in a digest: next week they are
    no longer new. So a failed or missing match holds the digest back, and cron hears of it."""
    unmatched = data.call("Noch nicht abgeglichener Aufruf", score=None)
    data.call("Abgelaufen und nie bewertet", score=None, deadline=local_today() - timedelta(1))

    held = cli("digest", **mail_env)

    assert held.exit_code == 1, held.output
    assert "1 neuer Aufruf seit" in held.output and "noch nicht abgeglichen" in held.output
    assert smtp_server.messages == []
    with data.sessions() as s:
        assert s.scalars(select(SentMail)).all() == []
    dry = cli("digest", "--dry-run", **mail_env)
    assert dry.exit_code == 0 and "noch nicht abgeglichen" in dry.output
    project = data.project()
    with data.sessions() as s:  # what `match` stores for it
        s.add(CallScore(call_id=unmatched, inbox_score=0.6, best_project_id=project.id))
        s.commit()

    sent = cli("digest", **mail_env)

    assert sent.exit_code == 0, sent.output
    assert len(smtp_server.messages) == len(TEAM)
    assert "Noch nicht abgeglichener Aufruf" in smtp_server.messages[0].part("plain")


def test_more_link_opens_the_theme_newest_first(cli, data: Data, smtp_server, mail_env):
    """'… und 1 weiterer Aufruf': the link shows the theme's Eingang with this week's calls first."""
    _seed_sections(data)
    result = cli("digest", "--dry-run", **mail_env, DIGEST_PER_THEME="1")
    assert result.exit_code == 0, result.output
    line = next(x for x in result.output.splitlines() if "in diesem Themenfeld:" in x)
    url = line.split(": ", 1)[1].strip()
    assert url.startswith(mail_env["BASE_URL"] + "/?theme=") and url.endswith("&sort=neu"), url
