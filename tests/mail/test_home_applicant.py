"""Meine Kommune in the mail: a town's officer gets the town's digest and reminders."""

from __future__ import annotations

from datetime import timedelta

import pytest

from tests.mail.conftest import TEAM, Data, SmtpServer
from webapp.formatting import local_today
from webapp.models import utcnow

COUNTY = "Kreis Coesfeld"
TOWN = "duelmen@stadt.example"


@pytest.fixture
def config(any_config):
    """Every test here on SQLite and on PostgreSQL: the applicant is found in JSON as text."""
    return any_config


def _seed_and_run(cli, data: Data, command: str, env: dict[str, str]) -> None:
    """New calls for the town, the county only, partners only; calls in work with deadlines;
    then `command` (digest, remind) against the test SMTP server."""
    today = local_today()
    data.call("Aufruf für alle Kommunen", applicants=[COUNTY, "Dülmen", "Olfen"])
    data.call("Aufruf mit unklarer Berechtigung", eligibility="unknown", applicants=["Dülmen"])
    data.call("Nur für den Kreis", applicants=[COUNTY])
    data.call("Nur über Projektpartner", eligibility="partner", applicants=["Landwirt"])
    data.user(TOWN, name="Dora Dülmen", home="Dülmen")
    data.user("kreis@kreis.example")  # no choice: everything, as before
    data.user("alt@stadt.example", home="Atlantis")  # a town the strategy no longer names
    old = utcnow() - timedelta(days=40)
    soon = today + timedelta(days=5)
    for title, applicants, assignee in (
        ("Kreisaufruf ohne Zuständige", [COUNTY], None),
        ("Kreisaufruf, zuständig Dora", [COUNTY], TOWN),
        ("Städteaufruf ohne Zuständige", ["Dülmen", "Olfen"], None),
    ):
        call = data.call(title, first_seen=old, deadline=soon, applicants=applicants)
        data.review(call, "relevant", assignee=assignee)
    result = cli(command, **env)
    assert result.exit_code == 0, result.output


def test_a_towns_officer_gets_the_towns_digest_and_the_team_everything(
    cli, data: Data, smtp_server: SmtpServer, mail_env
) -> None:
    _seed_and_run(cli, data, "digest", mail_env)
    mails = {m.to.lower(): m for m in smtp_server.messages}
    assert sorted(mails) == sorted([TOWN, "kreis@kreis.example", "alt@stadt.example", *(
        t.lower() for t in TEAM)])  # fmt: skip

    town = mails[TOWN]
    assert str(town.message["Subject"]).startswith("Förderaufrufe für Dülmen – Wöchentliche")
    text = town.part("plain")
    assert "Für Ihre Kommune Dülmen: die Aufrufe, für die Dülmen antragsberechtigt ist" in text
    assert "https://foerder.example/konto" in text
    neu, rest = text.split("Geändert (", 1)
    assert "Neu gefunden (2)" in neu
    assert "* Aufruf für alle Kommunen" in neu and "* Aufruf mit unklarer Berechtigung" in neu
    assert "Nur für den Kreis" not in text and "Nur über Projektpartner" not in text
    assert (
        "Nicht aufgeführt: 2 neue Aufrufe, für die Dülmen nicht antragsberechtigt ist (etwa nur "
        "für den Kreis), davon 1 nur über Projektpartner – alle Antragsteller im Eingang: "
        "https://foerder.example/?antragsteller=alle&sort=neu"
    ) in neu
    soon = rest.split("Fristen in Kürze (", 1)[1]
    assert "Städteaufruf ohne Zuständige" in soon
    assert "Kreisaufruf, zuständig Dora" in soon  # hers, whoever may apply
    assert "Kreisaufruf ohne Zuständige" not in soon
    html = town.part("html")
    assert "Für Ihre Kommune <strong>Dülmen</strong>" in html
    assert "Nur für den Kreis" not in html
    assert 'href="https://foerder.example/?antragsteller=alle&amp;sort=neu"' in html

    # the county's officer, a team address and a town no longer in the strategy: everything
    for address in ("kreis@kreis.example", TEAM[0], "alt@stadt.example"):
        full = mails[address].part("plain")
        assert "Neu gefunden (4)" in full, address
        assert "Für Ihre Kommune" not in full and "Nicht aufgeführt" not in full
        assert "Kreisaufruf ohne Zuständige" in full
        assert str(mails[address].message["Subject"]).startswith("Förderaufrufe – Wöchentliche")


def test_a_towns_officer_is_reminded_of_the_towns_calls_and_her_own(
    cli, data: Data, smtp_server: SmtpServer, mail_env
) -> None:
    _seed_and_run(cli, data, "remind", mail_env)
    got: dict[str, list[str]] = {}
    for mail in smtp_server.messages:
        title = str(mail.message["Subject"]).rsplit(" – ", 1)[1]
        got.setdefault(title, []).append(mail.to.lower())
    team = sorted(["kreis@kreis.example", "alt@stadt.example", *(t.lower() for t in TEAM)])
    assert sorted(got["Kreisaufruf ohne Zuständige"]) == team  # not the town's
    assert sorted(got["Städteaufruf ohne Zuständige"]) == sorted([*team, TOWN])
    assert got["Kreisaufruf, zuständig Dora"] == [TOWN]
