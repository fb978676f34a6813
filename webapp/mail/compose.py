"""Compose mails from Jinja2 templates: a plain-text part and an autoescaped HTML part.

Templates live in `webapp/templates/mail/NAME.txt` and `NAME.html`. Only the HTML templates
are autoescaped: scraped titles and texts are untrusted and must never become markup, while
the plain-text part shows them exactly as written.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from email.header import Header
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import formatdate
from functools import cache
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from webapp.config import split_sender
from webapp.formatting import days_label, format_counted, format_date, format_eur, format_rate

TEMPLATE_DIR = Path(__file__).resolve().parent.parent / "templates" / "mail"


def underline(text: str, char: str = "-") -> str:
    """The text followed by a line of `char` as long as it (plain-text headings)."""
    return f"{text}\n{char * len(text)}"


@cache
def _environment(autoescape: bool) -> Environment:
    env = Environment(
        loader=FileSystemLoader(str(TEMPLATE_DIR)),
        autoescape=select_autoescape(["html"]) if autoescape else False,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters.update(
        date_de=format_date,
        eur=format_eur,
        days=_days_phrase,
        percent=format_rate,
        underline=underline,
        counted=format_counted,
    )
    return env


@dataclass(frozen=True, slots=True)
class MailFooter:
    """Why this recipient gets the mail and how they stop it (differs by recipient)."""

    why: str  # one sentence; "" when the mail says it elsewhere
    stop_label: str  # the link text (HTML) and line label (text), e.g. "… abbestellen"
    # Where a click stops the mail (also the List-Unsubscribe header); "" when no page of the
    # web UI can (a team address in ALERT_RECIPIENTS, an assignee's reminders).
    stop_url: str
    stop_text: str = ""  # how to stop it when there is no such page


@dataclass(frozen=True, slots=True)
class RenderedMail:
    """Subject and both bodies of one mail, before addressing."""

    subject: str
    text: str
    html: str
    unsubscribe_url: str = ""  # the List-Unsubscribe header: only a link that really stops it


def render_mail(name: str, subject: str, footer: MailFooter, **context: Any) -> RenderedMail:
    """Render `mail/NAME.txt` and `mail/NAME.html` with the same context.

    The subject is put on one line: a line break in a scraped or imported name (a deadline
    stage, say) would otherwise make the mail library refuse the header, and the run stop.
    """
    subject = " ".join(subject.split())
    context = {"subject": subject, "footer": footer, **context}
    text = _environment(False).get_template(f"{name}.txt").render(**context)
    html = _environment(True).get_template(f"{name}.html").render(**context)
    return RenderedMail(
        subject=subject, text=text.strip() + "\n", html=html, unsubscribe_url=footer.stop_url
    )


def sender(mail_from: str) -> Address:
    """The From mailbox of MAIL_FROM, its name quoted or encoded as the header needs it.

    Set as a plain string, "Kreis Coesfeld, Fördermittel <a@b.de>" became two senders (the
    comma separates addresses) and the envelope sender "Kreis Coesfeld", which a mail server
    refuses; "Fördermittel (Kreis Coesfeld)" lost its brackets' content as a comment.
    """
    name, address = split_sender(mail_from)
    return Address(display_name=name, addr_spec=address)


def message_id(kind: str, period_key: str, recipient: str, mail_from: str) -> str:
    """A stable Message-ID per (kind, period, recipient).

    A mail resent after a crash in the instant between the server's acceptance and our log
    entry carries the same id, so mail clients and archives can recognise the copy.
    """
    digest = hashlib.sha256(f"{kind}\0{period_key}\0{recipient.lower()}".encode()).hexdigest()
    domain = split_sender(mail_from)[1].rsplit("@", 1)[-1] or "localhost"
    return f"<fm.{kind}.{digest[:32]}@{domain}>"


def build_message(
    *,
    mail_from: str,
    recipient: str,
    rendered: RenderedMail,
    msg_id: str,
) -> EmailMessage:
    """A multipart/alternative message (text first, HTML preferred) with our headers."""
    msg = EmailMessage()
    msg["From"] = sender(mail_from)
    msg["To"] = recipient
    _set_subject(msg, rendered.subject)
    msg["Date"] = formatdate(localtime=True)
    msg["Message-ID"] = msg_id
    # Automatic mail: no out-of-office replies back to the sender.
    msg["Auto-Submitted"] = "auto-generated"
    msg["X-Auto-Response-Suppress"] = "All"
    if rendered.unsubscribe_url:
        msg["List-Unsubscribe"] = f"<{rendered.unsubscribe_url}>"
    msg.set_content(rendered.text)
    msg.add_alternative(rendered.html, subtype="html")
    return msg


def _set_subject(msg: EmailMessage, subject: str) -> None:
    """The subject, encoded so that every mail program shows it exactly as written.

    Python's header folder leaves a space at the end of a line when an encoded word
    follows, so "(noch 3 Tage) – Richtlinie …" arrived as "(noch 3 Tage)  – Richtlinie …".
    Encoded words that follow each other unfold without the space between them (RFC 2047),
    so a subject with umlauts goes out as encoded words only, folded here and kept as is.
    """
    if subject.isascii():
        msg["Subject"] = subject
        return
    msg.set_raw("Subject", Header(subject, "utf-8", header_name="Subject").encode())


def _days_phrase(days: int | None) -> str:
    return days_label(days, none_text="")
