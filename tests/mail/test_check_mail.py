"""`check --mail`: every mail setting that cannot work, named by its variable, before the
first cron run and without sending (a real SMTP server on localhost counts the attempts)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.mail.conftest import SmtpServer


def test_check_names_every_mail_problem_with_its_variable(
    cli, smtp_server: SmtpServer, config
) -> None:
    result = cli(
        "check",
        SMTP_HOST="smtp://mail.kreis.example:25",
        SMTP_PORT="465",
        SMTP_STARTTLS="wahr",
        SMTP_USER="foerdermittel",
        MAIL_FROM="Fördermittel Kreis Coesfeld",
        ALERT_RECIPIENTS="team@kreis.example; leitung@kreis.example,chef",
        SMTP_TIMEOUT="0",
        REMINDER_DAYS="14,sieben",
        BASE_URL="foerder.kreis.example",
    )

    assert result.exit_code == 1, result.output
    assert result.stderr == (
        "Fehler: Einstellungen: 10 Fehler\n"
        "  - MAIL_FROM: 'Fördermittel Kreis Coesfeld' ist keine Absenderadresse (Form: "
        "foerdermittel@kreis.example oder Fördermittel Kreis <foerdermittel@kreis.example>)\n"
        "  - ALERT_RECIPIENTS: 'team@kreis.example; leitung@kreis.example' ist keine "
        "E-Mail-Adresse (mehrere mit Komma trennen)\n"
        "  - ALERT_RECIPIENTS: 'chef' ist keine E-Mail-Adresse (mehrere mit Komma trennen)\n"
        "  - Ungültige Mail-Einstellung: SMTP_TIMEOUT muss größer als 0 sein, nicht '0'\n"
        "  - Ungültige Mail-Einstellung: REMINDER_DAYS muss eine ganze Zahl sein, nicht "
        "'sieben'\n"
        "  - SMTP_HOST: 'smtp://mail.kreis.example:25' ist kein Rechnername – nur den Namen "
        "eintragen (etwa mail.kreis.example), den Port in SMTP_PORT\n"
        "  - SMTP_STARTTLS: 'wahr' ist kein Schalter (an: 1, true, ja, on; aus: 0, false, "
        "nein, off)\n"
        "  - SMTP_PORT=465 erwartet SMTP_SSL=1 (dort ist die Verbindung von Anfang an "
        "verschlüsselt); sonst SMTP_PORT=587 mit SMTP_STARTTLS=1\n"
        "  - SMTP_USER=foerdermittel ist gesetzt, SMTP_PASSWORD fehlt\n"
        "  - BASE_URL: 'foerder.kreis.example' ist keine Web-Adresse (Form: "
        "https://foerder.kreis.example)\n"
        "Einstellungen mit Fehlern.\n"
    )
    # the strategy and the source list are still checked and reported
    assert "Strategie " in result.stdout and "Quellenliste " in result.stdout
    assert not Path(config.database_url.removeprefix("sqlite:///")).exists()


def test_good_mail_settings_are_summed_up_and_nothing_is_sent(
    cli, smtp_server: SmtpServer, mail_env
) -> None:
    result = cli("check", **mail_env)  # SMTP_HOST is set: no --mail needed

    assert result.exit_code == 0, result.output
    assert (
        f"Mail-Einstellungen: in Ordnung – Server 127.0.0.1:{smtp_server.port} (unverschlüsselt, "
        "ohne Anmeldung), Absender funding-matcher@kreis.example, 2 Team-Adressen, Links auf "
        "https://foerder.example/ (nichts gesendet; `funding-matcher mail test E-MAIL` sendet "
        "eine Testmail).\n"
    ) in result.stdout
    assert smtp_server.handler.mail_attempts == 0 and smtp_server.messages == []


@pytest.mark.parametrize(
    ("env", "problem"),
    [
        (
            {"SMTP_SSL": "1", "SMTP_STARTTLS": "1", "SMTP_PORT": "465"},
            "SMTP_STARTTLS und SMTP_SSL sind beide gesetzt",
        ),
        ({"SMTP_SSL": "1", "SMTP_PORT": "587"}, "SMTP_SSL=1 passt nicht zu SMTP_PORT=587"),
        ({"SMTP_PASSWORD": "geheim"}, "SMTP_PASSWORD ist gesetzt, aber SMTP_USER fehlt"),
        ({"SMTP_CA_FILE": "/nicht/da.pem"}, "SMTP_CA_FILE: die Datei /nicht/da.pem gibt es nicht"),
        ({"BASE_URL": ""}, "BASE_URL ist nicht gesetzt: digest, remind und weekly versenden"),
        ({"SMTP_PORT": "fünfundzwanzig"}, "SMTP_PORT muss eine Zahl sein"),
    ],
    ids=["ssl-and-starttls", "ssl-on-587", "password-alone", "ca-file", "no-base-url", "port"],
)
def test_check_mail_finds_settings_that_do_not_fit_together(
    cli, mail_env, env: dict[str, str], problem: str
) -> None:
    result = cli("check", "--mail", **{**mail_env, **env})
    assert result.exit_code == 1, result.output
    assert f"  - {problem}" in result.stderr
    assert result.stderr.endswith("Einstellungen mit Fehlern.\n")


def test_without_smtp_host_check_leaves_mail_alone_unless_asked(cli) -> None:
    plain = cli("check")
    assert plain.exit_code == 0, plain.output
    assert "Mail" not in plain.output

    asked = cli("check", "--mail")
    assert asked.exit_code == 1
    assert "Hinweis: SMTP_HOST ist nicht gesetzt: Mails gehen an den Mailserver auf diesem " in (
        asked.stdout
    )
    assert "  - BASE_URL ist nicht gesetzt" in asked.stderr


def test_a_mail_problem_from_the_env_file_says_it_comes_from_there(
    cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # load_dotenv writes into os.environ: a copy keeps the .env values out of later tests.
    names = ("SMTP_HOST", "SMTP_SSL", "BASE_URL")
    monkeypatch.setattr(os, "environ", {k: v for k, v in os.environ.items() if k not in names})
    (tmp_path / ".env").write_text(
        "SMTP_HOST=mail.kreis.example\nSMTP_SSL=ja bitte\nBASE_URL=https://f.kreis.example\n"
    )
    monkeypatch.chdir(tmp_path)

    result = cli("check")

    assert result.exit_code == 1, result.output
    assert (
        "  - SMTP_SSL: 'ja bitte' ist kein Schalter (an: 1, true, ja, on; aus: 0, false, nein, "
        f"off) (SMTP_SSL gesetzt in {tmp_path / '.env'})\n"
    ) in result.stderr
