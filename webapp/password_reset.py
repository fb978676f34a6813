"""A forgotten password: the signed, time-limited reset link and the mail that carries it.

The link needs no table: it is signed with SECRET_KEY (itsdangerous) and carries the user's
id and `auth.password_key`, the keyed digest of the current password hash. Setting a new
password changes that digest, so the link works once, and a link mailed before any later
password change (on /konto, by the administration) stops working too.
"""

from __future__ import annotations

import logging
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from enum import Enum
from functools import partial
from typing import Any

from flask import current_app
from itsdangerous import BadData, SignatureExpired, TimestampSigner, URLSafeTimedSerializer
from sqlalchemy.orm import Session

from webapp.app import app_path
from webapp.auth import password_key
from webapp.config import Config, ConfigError
from webapp.mail.background import MailJob, background_mailer
from webapp.mail.compose import MailFooter, build_message, message_id, render_mail
from webapp.mail.settings import MailSettings
from webapp.mail.smtp import MailRejected, MailTransportError, SmtpTransport
from webapp.models import User

log = logging.getLogger(__name__)

RESET_MINUTES = 60
# Tokens of other purposes signed with the same SECRET_KEY are no reset links.
RESET_SALT = "funding-matcher.password-reset"
RESET_MAIL_KIND = "passwort"
# What `send_reset_mail` raises when the mail does not go out (ConfigError: a bad SMTP_*).
MAIL_ERRORS = (MailTransportError, MailRejected, ConfigError)


class LinkProblem(Enum):
    """Why a reset link is refused, as the person who clicked it reads it."""

    INVALID = (
        "Dieser Link ist ungültig. Bitte den vollständigen Link aus der E-Mail verwenden "
        "oder einen neuen anfordern."
    )
    EXPIRED = (
        f"Dieser Link ist abgelaufen: er gilt {RESET_MINUTES} Minuten. Bitte einen neuen anfordern."
    )
    USED = (
        "Dieser Link gilt nicht mehr: das Passwort wurde damit oder seither schon geändert. "
        "Falls nötig, bitte einen neuen anfordern."
    )
    DEACTIVATED = "Dieses Konto ist deaktiviert. Bitte wenden Sie sich an die Administration."


class _ClockSigner(TimestampSigner):
    """A TimestampSigner whose clock can be set: tests make and check links in the past."""

    def __init__(self, *args: Any, clock: Callable[[], float] = time.time, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._clock = clock

    def get_timestamp(self) -> int:
        return int(self._clock())


def _serializer(clock: Callable[[], float]) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(
        current_app.config["SECRET_KEY"],
        salt=RESET_SALT,
        signer=_ClockSigner,
        signer_kwargs={"clock": clock},
    )


def reset_token(user: User, *, clock: Callable[[], float] = time.time) -> str:
    """The secret part of a reset link for `user` (needs the app context: SECRET_KEY)."""
    return str(_serializer(clock).dumps([user.id, password_key(user)]))


def user_for_token(
    session: Session, token: str, *, clock: Callable[[], float] = time.time
) -> User | LinkProblem:
    """The user a reset link is for, or why it cannot be used (expired, used, forged …)."""
    try:
        user_id, key = _serializer(clock).loads(token, max_age=RESET_MINUTES * 60)
        user = session.get(User, int(user_id))
    except SignatureExpired:
        return LinkProblem.EXPIRED
    except (BadData, TypeError, ValueError):
        # BadData: not signed by us; the others: signed, but not the [id, key] we sign
        return LinkProblem.INVALID
    if user is None or not secrets.compare_digest(password_key(user), str(key)):
        return LinkProblem.USED
    if not user.active:
        return LinkProblem.DEACTIVATED
    return user


def reset_by_mail_available(config: Config) -> bool:
    """True when reset links can be mailed: BASE_URL and an SMTP server are set.

    The link is built from BASE_URL only, never from the address a request came to: a
    forged Host header would otherwise send the victim a link to the attacker's server.
    """
    return config.base_url_set and bool(config.smtp_host.strip())


@dataclass(frozen=True, slots=True)
class ResetMail:
    """What the reset mail says, taken in the request: plain data, safe in another thread."""

    email: str
    name: str
    link: str


def reset_mail_for(config: Config, user: User) -> ResetMail:
    """The reset mail for `user` (in a request: the link needs url_for and SECRET_KEY)."""
    # BASE_URL ends with the app's URL prefix, if any: the path is taken without it
    link = config.base_url + app_path("password.reset", token=reset_token(user))
    return ResetMail(email=user.email, name=user.name, link=link)


def deliver_reset_mail(config: Config, mail: ResetMail) -> None:
    """Render `mail` and hand it to the SMTP server (no Flask context needed).

    Raises one of MAIL_ERRORS when the mail does not go out. Tried once without waiting
    between attempts: whoever asked can ask again.
    """
    footer = MailFooter(
        why="Sie erhalten diese E-Mail, weil für Ihre Anmeldung ein neues Passwort "
        "angefordert wurde.",
        stop_label="Nicht angefordert",
        stop_url="",
        stop_text="diese E-Mail einfach löschen – Ihr bisheriges Passwort bleibt gültig.",
    )
    rendered = render_mail(
        "password_reset",
        "Neues Passwort für funding-matcher festlegen",
        footer,
        user=mail,
        link=mail.link,
        minutes=RESET_MINUTES,
        base_url=config.base_url,
    )
    message = build_message(
        mail_from=config.mail_from,
        recipient=mail.email,
        rendered=rendered,
        # one id per mail: each request is a mail of its own, not a copy of the last
        msg_id=message_id(RESET_MAIL_KIND, secrets.token_hex(8), mail.email, config.mail_from),
    )
    settings = replace(MailSettings.from_env(), retries=0)
    with SmtpTransport(config, settings) as transport:
        transport.send(message)
    log.info("Link zum Zurücksetzen des Passworts an %s versandt.", mail.email)


def send_reset_mail(config: Config, user: User) -> None:
    """Mail `user` the link now and wait for the server (the administration sees the outcome).

    Raises one of MAIL_ERRORS when the mail does not go out.
    """
    deliver_reset_mail(config, reset_mail_for(config, user))


def queue_reset_mail(config: Config, user: User) -> None:
    """Hand `user`'s reset mail to the app's background mailer and return at once.

    For *Passwort vergessen*: the page must not wait for the SMTP server, or its response
    time would tell which addresses have a login. A failure is logged, never shown.
    """
    mail = reset_mail_for(config, user)
    background_mailer().submit(
        MailJob(send=partial(_deliver_or_log, config, mail), label=f"Passwort-Link an {mail.email}")
    )


def _deliver_or_log(config: Config, mail: ResetMail) -> None:
    try:
        deliver_reset_mail(config, mail)
    except MAIL_ERRORS as exc:
        log.warning("Link zum Zurücksetzen an %s nicht versandt: %s", mail.email, exc)
