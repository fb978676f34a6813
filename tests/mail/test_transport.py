"""SMTP transport against real local servers: STARTTLS, implicit TLS, login, retries."""

from __future__ import annotations

import ssl
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword
from sqlalchemy import select

from tests.conftest import self_signed_certificate
from tests.mail.conftest import TEAM, Collector, Data, SmtpServer, free_port
from webapp.config import Config
from webapp.digest import run_digest
from webapp.formatting import local_today
from webapp.mail.compose import RenderedMail, build_message, message_id
from webapp.mail.settings import MailSettings
from webapp.mail.smtp import MailTransportError, SmtpTransport
from webapp.models import SentMail, utcnow


def _message(to: str = "a@kreis.example") -> Any:
    rendered = RenderedMail(
        "Betreff äöü", "Text äöü\n", "<p>HTML äöü</p>", "https://foerder.example/konto"
    )
    return build_message(
        mail_from="fm@kreis.example",
        recipient=to,
        rendered=rendered,
        msg_id=message_id("digest", "2026-W48", to, "fm@kreis.example"),
    )


def test_message_has_text_and_html_parts_and_stable_id():
    msg = _message()
    assert msg.get_content_type() == "multipart/alternative"
    assert [p.get_content_type() for p in msg.iter_parts()] == ["text/plain", "text/html"]
    assert msg["Auto-Submitted"] == "auto-generated"
    assert msg["List-Unsubscribe"] == "<https://foerder.example/konto>"
    again = message_id("digest", "2026-W48", "A@Kreis.example", "fm@kreis.example")
    assert msg["Message-ID"] == again and again.endswith("@kreis.example>")
    assert message_id("digest", "2026-W49", "a@kreis.example", "fm@kreis.example") != again


def test_settings_from_env():
    s = MailSettings.from_env(
        {"SMTP_RETRIES": "5", "DIGEST_SEND_EMPTY": "ja", "REMINDER_DAYS": "2, 14,7"}
    )
    assert (s.retries, s.send_empty_digest, s.reminder_days) == (5, True, (14, 7, 2))
    from webapp.config import ConfigError

    with pytest.raises(ConfigError, match="Mail-Einstellung"):
        MailSettings.from_env({"SMTP_RETRIES": "viele"})


@pytest.fixture(scope="module")
def certificate(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A self-signed certificate for localhost/127.0.0.1 (made with the openssl tool)."""
    return self_signed_certificate(
        tmp_path_factory.mktemp("tls"), "localhost", "DNS:localhost,IP:127.0.0.1"
    )


def _authenticator(_server: Any, _session: Any, _envelope: Any, _mech: str, data: Any) -> Any:
    ok = isinstance(data, LoginPassword) and (data.login, data.password) == (b"fm", b"geheim")
    return AuthResult(success=ok, handled=False)


def _server_ctx(certificate: tuple[Path, Path]) -> ssl.SSLContext:
    ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ctx.load_cert_chain(str(certificate[0]), str(certificate[1]))
    return ctx


def _config(config: Config, port: int, **changes: Any) -> Config:
    return replace(config, smtp_host="127.0.0.1", smtp_port=port, **changes)


def test_starttls_with_login(config: Config, certificate: tuple[Path, Path]):
    handler, port = Collector(), free_port()
    controller = Controller(
        handler,
        hostname="127.0.0.1",
        port=port,
        tls_context=_server_ctx(certificate),
        require_starttls=True,
        authenticator=_authenticator,
    )
    controller.start()
    try:
        settings = MailSettings(retries=0, ca_file=str(certificate[0]))
        cfg = _config(config, port, smtp_starttls=True, smtp_user="fm", smtp_password="geheim")
        with SmtpTransport(cfg, settings) as transport:
            transport.send(_message())
        assert len(handler.messages) == 1

        wrong = replace(cfg, smtp_password="falsch")
        with (
            pytest.raises(MailTransportError, match="Anmeldung am SMTP-Server"),
            SmtpTransport(wrong, settings) as transport,
        ):
            transport.send(_message())
    finally:
        controller.stop()


def test_implicit_tls(config: Config, certificate: tuple[Path, Path]):
    handler, port = Collector(), free_port()
    controller = Controller(
        handler, hostname="127.0.0.1", port=port, ssl_context=_server_ctx(certificate)
    )
    controller.start()
    try:
        settings = MailSettings(retries=0, ca_file=str(certificate[0]))
        with SmtpTransport(_config(config, port, smtp_ssl=True), settings) as transport:
            transport.send(_message())
        assert len(handler.messages) == 1
    finally:
        controller.stop()


def test_starttls_required_but_not_offered_fails_at_once(
    mail_config: Config, smtp_server: SmtpServer
):
    pauses: list[float] = []
    cfg = replace(mail_config, smtp_starttls=True)
    transport = SmtpTransport(cfg, MailSettings(retries=3), sleep=pauses.append)
    with pytest.raises(MailTransportError, match="SMTP_STARTTLS"):
        transport.send(_message())
    assert pauses == [] and smtp_server.messages == []


def test_one_attempt_is_named_in_the_singular(config: Config):
    transport = SmtpTransport(_config(config, free_port()), MailSettings(retries=0))
    with pytest.raises(MailTransportError, match="nicht erreichbar nach 1 Versuch: "):
        transport.send(_message())


def test_unreachable_server_retries_with_backoff(config: Config):
    pauses: list[float] = []
    settings = MailSettings(retries=3, retry_delay=0.5)
    transport = SmtpTransport(_config(config, free_port()), settings, sleep=pauses.append)
    with pytest.raises(MailTransportError, match="nicht erreichbar nach 4 Versuchen"):
        transport.send(_message())
    assert pauses == [0.5, 1.0, 2.0]


def test_temporarily_rejected_recipient_fails_alone_and_is_retried(
    data: Data, mail_config: Config, settings: MailSettings, smtp_server: SmtpServer
):
    """A 4xx answer may go away by waiting (greylisting, a full mailbox): the next run tries.
    A 5xx one is a refusal for good: tests/mail/test_refusals.py."""
    data.call("Aufruf")
    attempts: list[int] = []

    def reject_first(number: int) -> str | None:
        attempts.append(number)
        return "451 4.3.0 mailbox busy, try later" if len(attempts) == 1 else None

    smtp_server.handler.on_message = reject_first

    run = run_digest(
        data.sessions,
        mail_config,
        settings,
        today=local_today(),
        now=utcnow(),
        transport_factory=lambda: SmtpTransport(mail_config, settings),
    )

    assert not run.ok and not run.report.aborted
    assert [r for r, _ in run.report.failed] == [TEAM[0]]
    assert "451" in run.report.failed[0][1] and not run.report.refused
    assert len(smtp_server.messages) == 1  # the second recipient still got it
    smtp_server.handler.on_message = None
    retry = run_digest(
        data.sessions,
        mail_config,
        settings,
        today=local_today(),
        now=utcnow(),
        transport_factory=lambda: SmtpTransport(mail_config, settings),
    )
    assert retry.ok and retry.report.sent == [TEAM[0]]


def test_a_server_that_scans_before_it_answers_gets_the_message_once(
    data: Data, mail_config: Config, settings: MailSettings, smtp_server: SmtpServer
):
    """A server that checks a message (virus scan, DLP) before it answers the end of DATA
    took longer than SMTP_TIMEOUT: the timeout counted as a dropped connection, and the
    message was sent again – the recipient had it twice. RFC 5321 waits 10 minutes there."""
    data.call("Neuer Aufruf")
    one = replace(mail_config, alert_recipients=[TEAM[0]])
    quick = replace(settings, timeout=1)

    def scan(_number: int) -> str | None:
        time.sleep(1.5)  # past SMTP_TIMEOUT, then accepted
        return None

    smtp_server.handler.on_message = scan
    run = run_digest(
        data.sessions,
        one,
        quick,
        today=local_today(),
        now=utcnow(),
        transport_factory=lambda: SmtpTransport(one, quick),
    )

    assert run.ok and run.report.sent == [TEAM[0]]
    assert len(smtp_server.messages) == 1


class _CrashAfterFirst(SmtpTransport):
    """Dies (like Ctrl+C or a kill) when asked to send the second message."""

    calls = 0

    def send(self, message: Any) -> None:
        type(self).calls += 1
        if type(self).calls == 2:
            raise KeyboardInterrupt
        super().send(message)


def test_crash_in_process_leaves_one_pending_row_that_the_next_run_sends(
    data: Data, mail_config: Config, settings: MailSettings, smtp_server: SmtpServer
):
    data.call("Aufruf")
    data.user("drei@kreis.example")

    def digest(factory: Any) -> Any:
        return run_digest(
            data.sessions,
            mail_config,
            settings,
            today=local_today(),
            now=utcnow(),
            transport_factory=factory,
        )

    with pytest.raises(KeyboardInterrupt):
        digest(lambda: _CrashAfterFirst(mail_config, settings))
    with data.sessions() as s:
        statuses = sorted(r.status for r in s.scalars(select(SentMail)))
    assert statuses == ["pending", "sent"]

    run = digest(lambda: SmtpTransport(mail_config, settings))

    assert run.ok
    assert len(run.report.resent) == 1 and len(run.report.sent) == 1
    assert sorted(r.to.lower() for r in smtp_server.messages) == sorted(
        ["drei@kreis.example", *(a.lower() for a in TEAM)]
    )


def test_address_with_umlaut_on_a_server_without_smtputf8_fails_alone(cli, data: Data, mail_env):
    """One such address used to abort the run, so nobody after it ever got the digest."""
    data.call("Förderaufruf für alle")
    data.user("jürgen.müller@kreis.example")  # first in line
    handler = Collector()
    port = free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port, enable_SMTPUTF8=False)
    controller.start()
    try:
        result = cli("digest", **{**mail_env, "SMTP_PORT": str(port)})
    finally:
        controller.stop()

    assert result.exit_code == 1
    digests = [m for m in handler.messages if "Übersicht" in str(m.message["Subject"])]
    assert sorted(m.to.lower() for m in digests) == sorted(a.lower() for a in TEAM)
    # refused for good (the server cannot take the address): the team hears of it
    assert "abgelehnt: jürgen.müller@kreis.example" in result.output
    assert "keine Adressen mit Umlauten" in result.output and "abgebrochen" not in result.output


def test_a_server_nobody_listens_at_is_named_in_german(cli, data: Data, mail_env: dict[str, str]):
    """Before: "… nicht erreichbar nach 3 Versuchen: [Errno 111] Connection refused"."""
    data.call("Förderaufruf während der Störung")
    down = cli("digest", **{**mail_env, "SMTP_PORT": str(free_port())})

    assert down.exit_code == 1
    assert "Verbindung abgelehnt" in down.output and "SMTP_HOST/SMTP_PORT prüfen" in down.output
    assert "Errno" not in down.output and "refused" not in down.output
    # the second of the two team addresses was not tried: the numbers add up to 2
    assert "2 Empfänger, 0 versandt, 0 bereits versandt, 1 fehlgeschlagen, 1 nicht versucht" in (
        down.output
    )
    with data.sessions() as s:
        rows = list(s.scalars(select(SentMail)))
    assert [(r.status, "Verbindung abgelehnt" in r.error) for r in rows] == [("failed", True)]


def test_an_untrusted_certificate_names_smtp_ca_file(
    config: Config, certificate: tuple[Path, Path]
):
    handler, port = Collector(), free_port()
    controller = Controller(
        handler, hostname="127.0.0.1", port=port, ssl_context=_server_ctx(certificate)
    )
    controller.start()
    try:
        # the server's own CA not configured: the system CAs do not know it
        pauses: list[float] = []
        cfg = _config(config, port, smtp_ssl=True)
        with (
            pytest.raises(MailTransportError, match="nicht vertrauenswürdig") as failure,
            SmtpTransport(cfg, MailSettings(retries=3), sleep=pauses.append) as transport,
        ):
            transport.send(_message())
        assert "SMTP_CA_FILE" in str(failure.value)
        # in the scrapers' words, not OpenSSL's ("self-signed certificate")
        assert "nicht vertrauenswürdig: selbst signiert" in str(failure.value)
        assert "certificate" not in str(failure.value)
        assert pauses == []  # waiting does not make it trusted
        assert handler.messages == []
    finally:
        controller.stop()
