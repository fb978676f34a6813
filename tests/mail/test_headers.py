"""The headers of the mails as a mail program shows them: sender name, subject."""

from __future__ import annotations

import re
from datetime import timedelta
from email.header import decode_header, make_header

from tests.mail.conftest import Data, SmtpServer
from tests.reliability.test_bad_input import _clean_failure
from webapp.formatting import local_today
from webapp.models import SentMail

SENDER = "foerdermittel-bot@kreis.example"


def test_a_sender_name_with_a_comma_or_brackets_stays_one_sender(
    cli, data: Data, smtp_server: SmtpServer, mail_env: dict[str, str]
) -> None:
    """Set as written, "Kreis Coesfeld, Fördermittel <…>" was two senders in From and the
    envelope sender "Kreis Coesfeld", which a real mail server refuses for every mail."""
    data.call("Förderaufruf Digitale Verwaltung", deadline=local_today() + timedelta(30))
    name = "Kreis Coesfeld, Fördermittel (Digitales)"
    result = cli("digest", **{**mail_env, "MAIL_FROM": f"{name} <{SENDER}>"})

    assert result.exit_code == 0, result.output
    assert len(smtp_server.messages) == 2
    for mail in smtp_server.messages:
        assert mail.envelope_from == SENDER
        (sender,) = mail.message["From"].addresses
        assert (sender.display_name, sender.addr_spec) == (name, SENDER)
        assert not mail.message["From"].defects
        assert mail.message["Message-ID"].endswith("@kreis.example>")


def test_a_quoted_sender_name_is_shown_without_its_quotes(
    cli, data: Data, smtp_server: SmtpServer, mail_env: dict[str, str]
) -> None:
    data.call("Förderaufruf Digitale Verwaltung", deadline=local_today() + timedelta(30))
    result = cli(
        "digest", **{**mail_env, "MAIL_FROM": f'"Kreis Coesfeld, Fördermittel" <{SENDER}>'}
    )

    assert result.exit_code == 0, result.output
    (sender,) = smtp_server.messages[0].message["From"].addresses
    assert sender.display_name == "Kreis Coesfeld, Fördermittel"


def test_a_sender_without_an_address_is_named_before_anything_is_sent(
    cli, data: Data, smtp_server: SmtpServer, mail_env: dict[str, str]
) -> None:
    data.call("Förderaufruf Digitale Verwaltung", deadline=local_today() + timedelta(30))
    result = cli("digest", **{**mail_env, "MAIL_FROM": "Fördermittel Kreis Coesfeld"})

    _clean_failure(result, "MAIL_FROM", "'Fördermittel Kreis Coesfeld' ist keine Absenderadresse")
    assert smtp_server.messages == []
    with data.sessions() as s:
        assert s.query(SentMail).count() == 0


def _raw_header(raw: bytes, name: str) -> str:
    """The header as a mail program reads it: unfolded (RFC 5322), encoded words decoded."""
    head = raw.split(b"\r\n\r\n", 1)[0].decode("ascii")
    unfolded = re.sub(r"\r\n(?=[ \t])", "", head)
    line = next(h for h in unfolded.split("\r\n") if h.lower().startswith(name.lower() + ":"))
    return str(make_header(decode_header(line.split(":", 1)[1].strip())))


def test_a_reminder_subject_with_umlauts_arrives_as_written(
    cli, data: Data, smtp_server: SmtpServer, mail_env: dict[str, str]
) -> None:
    """Python's folding put a space before the line break, and the subject arrived as
    "(noch 3 Tage)  – Richtlinie …" with two spaces."""
    title = "Richtlinie zur Förderung der zivilen Sicherheitsforschung – Resiliente Kommunen"
    due = local_today() + timedelta(days=3)
    call = data.call(title, deadline=due)
    data.review(call, "relevant")

    result = cli("remind", **mail_env)

    assert result.exit_code == 0, result.output
    expected = f"Fristerinnerung: Einreichung am {due:%d.%m.%Y} (noch 3 Tage) – {title}"
    assert smtp_server.messages
    for mail in smtp_server.messages:
        assert str(mail.message["Subject"]) == expected
        assert _raw_header(mail.raw, "Subject") == expected
        head = mail.raw.split(b"\r\n\r\n", 1)[0]
        assert max(len(line) for line in head.split(b"\r\n")) <= 78  # folded, not one long line
