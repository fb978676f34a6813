"""SMTP transport: one connection per run, STARTTLS/SSL and login, retries with backoff."""

from __future__ import annotations

import re
import smtplib
import socket
import ssl
import time
from collections.abc import Callable
from email.message import EmailMessage
from email.utils import parseaddr
from types import TracebackType
from typing import Any, Protocol

from scrapers.net_errors import certificate_reason
from webapp.config import Config
from webapp.formatting import format_counted
from webapp.mail.settings import MailSettings


class MailTransportError(RuntimeError):
    """The SMTP server could not be reached (or dropped us) even after the retries."""


class SenderRefused(MailTransportError):
    """The server refused the sender (MAIL_FROM): every mail of the run would fail alike.

    Not the recipients' fault, so none of them is recorded as refused; the run stops and
    the next one (after MAIL_FROM is corrected) sends the mails.
    """


class MailRejected(RuntimeError):
    """The server refused this one message (e.g. an unknown recipient); others may go on.

    `permanent`: the recipient was refused for good (a 5xx answer to RCPT or DATA, or an
    address the server cannot take at all); retrying the same address is pointless until
    someone corrects it. A 4xx answer (mailbox full, greylisting) is temporary.
    `mailbox_unknown`: the answer to RCPT TO says the mailbox or its domain does not exist
    (status 5.1.x), not a rule of the server about this message.
    """

    def __init__(
        self, message: str, *, permanent: bool = False, mailbox_unknown: bool = False
    ) -> None:
        super().__init__(message)
        self.permanent = permanent
        self.mailbox_unknown = mailbox_unknown


class Transport(Protocol):
    """What the delivery loop needs from a mail transport."""

    def send(self, message: EmailMessage) -> None: ...

    def close(self) -> None: ...


# Errors after which the connection is unusable and a reconnect is worth trying.
_CONNECTION_ERRORS = (OSError, smtplib.SMTPServerDisconnected, smtplib.SMTPConnectError)

# RFC 5321 4.5.3.2.6: the client waits 10 minutes for the answer to the end of the message.
# Servers that scan a message before they accept it take longer than SMTP_TIMEOUT (30 s); a
# timeout there counted as a dropped connection and the message went out a second time.
DATA_REPLY_TIMEOUT = 600.0


def _patient_data(
    smtp: smtplib.SMTP, send: Callable[[Any], tuple[int, bytes]], msg: Any
) -> tuple[int, bytes]:
    """`smtp.data(msg)` (as `send`) with the socket waiting DATA_REPLY_TIMEOUT at least."""
    if smtp.sock is not None:
        smtp.sock.settimeout(max(smtp.timeout, DATA_REPLY_TIMEOUT))
    try:
        return send(msg)
    finally:
        if smtp.sock is not None:
            smtp.sock.settimeout(smtp.timeout)


class _PatientSMTP(smtplib.SMTP):
    def data(self, msg: Any) -> tuple[int, bytes]:
        return _patient_data(self, super().data, msg)


class _PatientSMTPSSL(smtplib.SMTP_SSL):
    def data(self, msg: Any) -> tuple[int, bytes]:
        return _patient_data(self, super().data, msg)


class SmtpTransport:
    """A lazily opened SMTP connection that reconnects with exponential backoff."""

    def __init__(
        self,
        config: Config,
        settings: MailSettings,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.config = config
        self.settings = settings
        self._sleep = sleep
        self._smtp: smtplib.SMTP | None = None

    def __enter__(self) -> SmtpTransport:
        return self

    def __exit__(
        self,
        _type: type[BaseException] | None,
        _exc: BaseException | None,
        _tb: TracebackType | None,
    ) -> None:
        self.close()

    @property
    def address(self) -> str:
        return f"{self.config.smtp_host}:{self.config.smtp_port}"

    def connect(self) -> None:
        """Open the connection, retrying with backoff; MailTransportError when it never works."""
        self.close()
        attempts = self.settings.retries + 1
        last: BaseException | None = None
        for attempt in range(attempts):
            try:
                self._smtp = self._open()
                return
            except smtplib.SMTPAuthenticationError as exc:
                # Wrong credentials do not get better by waiting.
                raise MailTransportError(
                    f"Anmeldung am SMTP-Server {self.address} abgelehnt: {exc.smtp_code} "
                    f"{_text(exc.smtp_error)} (SMTP_USER/SMTP_PASSWORD prüfen)"
                ) from None
            except smtplib.SMTPNotSupportedError as exc:
                # A configuration mismatch (e.g. SMTP_STARTTLS on a server without it).
                raise MailTransportError(
                    f"SMTP-Server {self.address} unterstützt das nicht: {exc} "
                    "(SMTP_STARTTLS/SMTP_SSL/SMTP_USER prüfen)"
                ) from None
            except ssl.SSLCertVerificationError as exc:
                # Neither does a certificate the system (or SMTP_CA_FILE) does not trust.
                raise MailTransportError(
                    f"SMTP-Server {self.address}: {self._reason(exc)}"
                ) from None
            except (*_CONNECTION_ERRORS, smtplib.SMTPException) as exc:
                last = exc
                if attempt + 1 < attempts:
                    self._sleep(self.settings.retry_delay * (2**attempt))
        raise MailTransportError(
            f"SMTP-Server {self.address} nicht erreichbar nach "
            f"{format_counted(attempts, 'Versuch', 'Versuchen')}: "
            f"{self._reason(last)}"
        )

    def _open(self) -> smtplib.SMTP:
        cfg = self.config
        timeout = self.settings.timeout
        smtp: smtplib.SMTP
        if cfg.smtp_ssl:
            smtp = _PatientSMTPSSL(
                cfg.smtp_host, cfg.smtp_port, timeout=timeout, context=self._tls_context()
            )
        else:
            smtp = _PatientSMTP(cfg.smtp_host, cfg.smtp_port, timeout=timeout)
        try:
            smtp.ehlo()
            if cfg.smtp_starttls and not cfg.smtp_ssl:
                smtp.starttls(context=self._tls_context())
                smtp.ehlo()
            if cfg.smtp_user:
                smtp.login(cfg.smtp_user, cfg.smtp_password)
        except BaseException:
            _quietly_close(smtp)
            raise
        return smtp

    def _tls_context(self) -> ssl.SSLContext:
        # Certificates are always verified; SMTP_CA_FILE adds an internal CA, never "no check".
        return ssl.create_default_context(cafile=self.settings.ca_file or None)

    def send(self, message: EmailMessage) -> None:
        """Hand one message to the server; returns only once the server accepted it.

        A dropped connection is reopened (with backoff) and the message tried once more:
        the server did not confirm it, so it has not taken responsibility for it.
        """
        for attempt in range(2):
            if self._smtp is None:
                self.connect()
            assert self._smtp is not None
            try:
                refused = self._smtp.send_message(message)
            except smtplib.SMTPRecipientsRefused as exc:
                if _about_sender(exc.recipients):
                    # Postfix checks the sender at RCPT time by default (smtpd_delay_reject):
                    # "553 5.7.1 <a@b>: Sender address rejected: not owned by user …".
                    code, answer = next(iter(exc.recipients.values()))
                    raise self._sender_refused(message, code, answer) from None
                if _relay_denied(exc.recipients):
                    raise self._relay_denied(exc.recipients) from None
                raise _rejected(exc.recipients) from None
            except smtplib.SMTPDataError as exc:
                if _SENDER_ANSWER.search(_text(exc.smtp_error)):
                    # SPF/DMARC after the message ("550 5.7.26 … DMARC policy"): our domain's
                    # settings, the same for every recipient.
                    raise self._sender_refused(message, exc.smtp_code, exc.smtp_error) from None
                # Each message has one recipient: a 5xx to its DATA refuses that recipient.
                raise MailRejected(
                    f"{exc.smtp_code} {_text(exc.smtp_error)}", permanent=exc.smtp_code >= 500
                ) from None
            except smtplib.SMTPSenderRefused as exc:
                # MAIL_FROM refused: a setting to fix, not this recipient's fault.
                raise self._sender_refused(message, exc.smtp_code, exc.smtp_error) from None
            except smtplib.SMTPNotSupportedError:
                # An address with umlauts needs SMTPUTF8. It is an OSError like a dropped
                # connection, but only this recipient is affected: the others must go on.
                raise MailRejected(
                    f"Der SMTP-Server {self.address} nimmt keine Adressen mit Umlauten oder "
                    f"anderen Sonderzeichen an (SMTPUTF8 fehlt): {message['To']}",
                    permanent=True,
                ) from None
            except _CONNECTION_ERRORS as exc:
                _quietly_close(self._smtp)
                self._smtp = None
                if attempt == 1:
                    raise MailTransportError(
                        f"Verbindung zu {self.address} abgebrochen: {self._reason(exc)}"
                    ) from None
                continue
            if refused:
                raise _rejected(refused)
            return

    def _sender_refused(
        self, message: EmailMessage, code: int, answer: bytes | str
    ) -> SenderRefused:
        """One German message naming MAIL_FROM, its envelope address and the server's answer."""
        address = parseaddr(str(message["From"]))[1]
        if code >= 500:
            advice = (
                "MAIL_FROM prüfen: eine Absenderadresse, die der Server"
                + (f" für SMTP_USER={self.config.smtp_user}" if self.config.smtp_user else "")
                + " zulässt"
            )
        else:
            advice = "vorübergehend; der nächste Lauf versucht es erneut"
        return SenderRefused(
            f"Der Mailserver {self.address} nimmt den Absender MAIL_FROM={address} nicht an: "
            f"{code} {_text(answer)} ({advice})"
        )

    def _relay_denied(self, recipients: dict[str, tuple[int, bytes]]) -> SenderRefused:
        """The server does not pass mail on for us: our login, not the recipient, is at fault.

        Recorded as the recipient's refusal, every outside address would be held back for
        days after one wrong SMTP_PASSWORD; the run stops instead, like for a refused sender.
        """
        recipient, (code, answer) = next(iter(recipients.items()))
        login = (
            f"die Anmeldung als SMTP_USER={self.config.smtp_user} prüfen (SMTP_PASSWORD)"
            if self.config.smtp_user
            else "SMTP_USER und SMTP_PASSWORD setzen"
        )
        return SenderRefused(
            f"Der Mailserver {self.address} leitet keine Mail für uns weiter (an {recipient}): "
            f"{code} {_text(answer)} ({login}: ohne gültige Anmeldung nehmen die meisten "
            "Server nur Mail an ihre eigenen Domains an)"
        )

    def _reason(self, exc: BaseException | None) -> str:
        """Why a connection failed, in German and with the setting to check.

        The operating system's own words ("[Errno 111] Connection refused") end up in the
        cron mail and the `sent_mails` log, read by an administrator who may not know them.
        """
        if isinstance(exc, ConnectionRefusedError):
            return (
                "Verbindung abgelehnt – dort nimmt kein Mailserver an (SMTP_HOST/SMTP_PORT prüfen)"
            )
        if isinstance(exc, socket.gaierror):
            return f"Rechnername {self.config.smtp_host!r} nicht auflösbar (SMTP_HOST prüfen)"
        if isinstance(exc, TimeoutError):
            return (
                f"keine Antwort innerhalb von {self.settings.timeout:g} s "
                "(Firewall, SMTP_PORT oder SMTP_TIMEOUT prüfen)"
            )
        if isinstance(exc, ssl.SSLCertVerificationError):
            return (
                f"Zertifikat des Servers nicht vertrauenswürdig: {certificate_reason(exc)} "
                "(SMTP_CA_FILE prüfen)"
            )
        if isinstance(exc, smtplib.SMTPServerDisconnected):
            return "der Server hat die Verbindung unerwartet getrennt"
        if isinstance(exc, smtplib.SMTPResponseException):
            return f"{exc.smtp_code} {_text(exc.smtp_error)}"
        return str(exc)

    def close(self) -> None:
        if self._smtp is not None:
            _quietly_close(self._smtp)
            self._smtp = None


def _quietly_close(smtp: smtplib.SMTP) -> None:
    try:
        smtp.quit()
    except (OSError, smtplib.SMTPException):
        smtp.close()


# C0 and C1 control characters of a server's answer: they would reach the admin's terminal
# (`mail refusals`, cron mail) and break the one-line summaries.
_CONTROL = re.compile(r"\x1b\[[0-?]*[ -/]*[@-~]|[\x00-\x1f\x7f-\x9f]")


def _text(value: bytes | str) -> str:
    """A server's answer as one printable line (multi-line answers joined with spaces)."""
    text = value.decode("utf-8", "replace") if isinstance(value, bytes) else str(value)
    return " ".join(_CONTROL.sub(" ", text).split())


def _refusal(recipients: dict[str, tuple[int, bytes]]) -> str:
    return "; ".join(f"{r}: {code} {_text(msg)}" for r, (code, msg) in recipients.items())


# Answers about the sender, not the recipient. RFC 3463: X.1.7 bad sender's mailbox syntax,
# X.1.8 bad sender's system address; RFC 7372: X.7.20 to X.7.27, the sender's domain failed
# DKIM, SPF, reverse DNS or DMARC checks.
_SENDER_ANSWER = re.compile(
    r"\b[45]\.1\.[78]\b|\b[45]\.7\.2[0-7]\b|sender address rejected", re.IGNORECASE
)


def _about_sender(recipients: dict[str, tuple[int, bytes]]) -> bool:
    """Whether the RCPT answers refuse the sender rather than the recipient."""
    return bool(recipients) and all(
        _SENDER_ANSWER.search(_text(msg)) for _code, msg in recipients.values()
    )


# "554 5.7.1 <a@b>: Relay access denied" (Postfix), "550 5.7.54 … Unable to relay recipient in
# non-accepted domain" / "5.7.64 TenantAttribution; Relay Access Denied" (Exchange Online).
# Not any "relay": "User unknown in relay recipient table" refuses the recipient.
_RELAY_ANSWER = re.compile(
    r"relay(?:ing)? (?:access )?(?:denied|not (?:permitted|allowed))|unable to relay"
    r"|(?:do|does|will) not relay|\b5\.7\.(?:54|64)\b",
    re.IGNORECASE,
)


def _relay_denied(recipients: dict[str, tuple[int, bytes]]) -> bool:
    """Whether every RCPT answer says the server won't relay for us (a login problem)."""
    return bool(recipients) and all(
        code >= 500 and _RELAY_ANSWER.search(_text(msg)) for code, msg in recipients.values()
    )


def _permanent(recipients: dict[str, tuple[int, bytes]]) -> bool:
    """Whether every refusal is a 5xx answer (a 4xx one may go away by waiting)."""
    return bool(recipients) and all(code >= 500 for code, _ in recipients.values())


# RFC 3463 X.1.x of the destination: 5.1.1 bad mailbox, 5.1.2 bad system (domain), 5.1.3
# bad address syntax, 5.1.4 ambiguous, 5.1.6 mailbox moved, 5.1.10 null MX.
_MAILBOX_ANSWER = re.compile(r"\b5\.1\.(?:[12346]|10)\b")


def _rejected(recipients: dict[str, tuple[int, bytes]]) -> MailRejected:
    """MailRejected for refusals at RCPT TO (the recipient, not the message)."""
    return MailRejected(
        _refusal(recipients),
        permanent=_permanent(recipients),
        mailbox_unknown=bool(recipients)
        and all(
            code >= 500 and _MAILBOX_ANSWER.search(_text(msg)) for code, msg in recipients.values()
        ),
    )
