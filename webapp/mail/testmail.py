"""A test mail: tries the mail settings before the first scheduled run does.

`funding-matcher mail test E-MAIL` and the button *Testmail senden* on *Benutzer* send one
short mail through the configured server, once and without the SMTP_RETRIES pauses (whoever
asked is waiting and can ask again), and report the outcome in the words of
`webapp.mail.smtp` (the one place for SMTP error texts).

A test mail is no scheduled mail: it is not logged in `sent_mails`, so it neither counts as
this week's digest nor holds one back. A refusal is recorded in `mail_refusals` (and then
holds back the digest and reminders of that address) only when the answer is clear: the
server refuses the mailbox or its domain as unknown (5.1.x at RCPT TO) and the address
receives mail from funding-matcher (a login or ALERT_RECIPIENTS). A refusal of the sender,
a temporary answer or a rule of the server about the message leaves the address alone. A
test mail the server accepts for an address held back lifts that refusal, as an accepted
scheduled mail does.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass, replace
from datetime import timedelta

from sqlalchemy.orm import Session

from webapp.config import Config, ConfigError, split_sender
from webapp.formatting import format_date, format_datetime
from webapp.mail.compose import MailFooter, build_message, message_id, render_mail
from webapp.mail.outbox import clear_refusal, normalise_address, record_refusal
from webapp.mail.settings import MailSettings
from webapp.mail.smtp import MailRejected, MailTransportError, SmtpTransport
from webapp.models import MailRefusal, utcnow
from webapp.users import find_user

TEST_MAIL_KIND = "testmail"
TEST_MAIL_SUBJECT = "Testmail von funding-matcher"

# A database session opened for the bookkeeping after the mail went out (or None: there is
# no database yet, e.g. `mail test` before `init`; the test then records nothing).
SessionScope = Callable[[], AbstractContextManager[Session]]


@dataclass(frozen=True, slots=True)
class TestMailResult:
    """Whether the server accepted the test mail, and what to tell the administration."""

    sent: bool
    message: str


def security_label(config: Config) -> str:
    """How the connection is protected: 'SSL/TLS', 'STARTTLS' or 'unverschlüsselt'."""
    if config.smtp_ssl:
        return "SSL/TLS"
    return "STARTTLS" if config.smtp_starttls else "unverschlüsselt"


def server_label(config: Config) -> str:
    """'mail.kreis.example:587 (STARTTLS, Anmeldung als fm)' for messages and the web page."""
    login = f"Anmeldung als {config.smtp_user}" if config.smtp_user else "ohne Anmeldung"
    return f"{config.smtp_host}:{config.smtp_port} ({security_label(config)}, {login})"


def send_test_mail(
    config: Config, recipient: str, *, requested_by: str, session_scope: SessionScope | None
) -> TestMailResult:
    """Send the test mail to `recipient` now and say what came of it (see the module doc)."""
    address = normalise_address(recipient)
    rendered = render_mail(
        "testmail",
        TEST_MAIL_SUBJECT,
        MailFooter(
            why="Sie erhalten diese E-Mail, weil die Administration eine Testmail an diese "
            "Adresse angefordert hat.",
            stop_label="Weitere Testmails",
            stop_url="",
            stop_text="kommen nur auf Anforderung; nichts zu tun.",
        ),
        requested_by=requested_by,
        requested_at=format_datetime(utcnow()),
        server=server_label(config),
        mail_from=config.mail_from,
        base_url=config.base_url,
        base_url_set=config.base_url_set,
    )
    message = build_message(
        mail_from=config.mail_from,
        recipient=address,
        rendered=rendered,
        # one id per mail: each test is a mail of its own
        msg_id=message_id(TEST_MAIL_KIND, secrets.token_hex(8), address, config.mail_from),
    )
    failed = f"Testmail an {address} nicht versandt"
    try:
        settings = replace(MailSettings.from_env(), retries=0)
        with SmtpTransport(config, settings) as transport:
            transport.send(message)
    except MailRejected as exc:
        note = _note_rejection(config, address, exc, settings, session_scope)
        return TestMailResult(False, f"{failed}: der Mailserver lehnt sie ab: {exc}. {note}")
    except (MailTransportError, ConfigError) as exc:
        return TestMailResult(False, f"{failed}: {exc}")
    sent = (
        f"Testmail an {address} versandt: der Mailserver {config.smtp_host}:"
        f"{config.smtp_port} hat sie angenommen (Absender {split_sender(config.mail_from)[1]})."
        " Kommt sie nicht an, im Spam-Ordner nachsehen – oder der Server hat sie danach "
        "zurückgewiesen (Nachricht an den Absender)."
    )
    lifted = _lift_refusal(address, session_scope)
    if lifted is not None:
        sent += (
            f" Die Adresse war seit {format_date(lifted.refused_at)} zurückgehalten; "
            "Übersicht und Erinnerungen gehen ab dem nächsten Lauf wieder an sie."
        )
    return TestMailResult(True, sent)


def _note_rejection(
    config: Config,
    address: str,
    exc: MailRejected,
    settings: MailSettings,
    session_scope: SessionScope | None,
) -> str:
    """Record a clear refusal of the mailbox (see the module doc); say what was done."""
    if not exc.permanent:
        return "Die Ablehnung ist vorübergehend (4xx): später erneut versuchen."
    if not exc.mailbox_unknown:
        return (
            "Nichts vermerkt: die Antwort nennt kein unbekanntes Postfach (eher eine Regel "
            "des Servers); Übersicht und Erinnerungen werden weiter an die Adresse versucht."
        )
    if session_scope is None:
        return "Nichts vermerkt: die Datenbank ist noch nicht eingerichtet."
    with session_scope() as session:
        if find_user(session, address) is None and address not in {
            normalise_address(a) for a in config.alert_recipients
        }:
            return "Die Adresse bekommt sonst keine Mails von funding-matcher; nichts vermerkt."
        answer = str(exc).removeprefix(f"{address}: ")
        refusal = record_refusal(
            session,
            address,
            answer,
            TEST_MAIL_SUBJECT,
            timedelta(days=settings.refused_retry_days),
        )
        retry_at = format_date(refusal.retry_at)
    return (
        "Das Postfach ist dem Server unbekannt: als abgelehnt vermerkt, Übersicht und "
        f"Erinnerungen an die Adresse werden bis {retry_at} zurückgehalten (Adresse unter "
        f"Benutzer prüfen; danach „Erneut zustellen“ oder `funding-matcher mail retry {address}`)."
    )


def _lift_refusal(address: str, session_scope: SessionScope | None) -> MailRefusal | None:
    """Forget the refusal of an address the server just accepted mail for."""
    if session_scope is None:
        return None
    with session_scope() as session:
        refusal = session.get(MailRefusal, address)
        if refusal is None:
            return None
        session.expunge(refusal)
        clear_refusal(session, address)
        return refusal
