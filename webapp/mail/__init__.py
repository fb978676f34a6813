"""Email: composing (Jinja2, text + HTML), SMTP transport and exactly-once delivery."""

from webapp.mail.compose import build_message, render_mail
from webapp.mail.outbox import DeliveryReport, OutgoingMail, deliver
from webapp.mail.settings import MailSettings
from webapp.mail.smtp import MailTransportError, SmtpTransport

__all__ = [
    "DeliveryReport",
    "MailSettings",
    "MailTransportError",
    "OutgoingMail",
    "SmtpTransport",
    "build_message",
    "deliver",
    "render_mail",
]
