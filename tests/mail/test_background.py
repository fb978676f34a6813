"""The background mailer: mails after the request are sent in order, survive errors, and are
not lost silently when the process ends (webapp/mail/background.py)."""

from __future__ import annotations

import logging
import os
import subprocess
import sys
import textwrap
import threading
from pathlib import Path

import pytest

from webapp.mail.background import BackgroundMailer, MailJob

REPO_ROOT = Path(__file__).resolve().parents[2]


def test_an_unexpected_error_is_logged_and_the_next_mail_still_goes(
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.ERROR)
    sent: list[str] = []

    def broken() -> None:
        raise RuntimeError("Vorlage kaputt")

    mailer = BackgroundMailer()
    mailer.submit(MailJob(send=broken, label="Passwort-Link an a@kreis.example"))
    mailer.submit(MailJob(send=lambda: sent.append("b"), label="Passwort-Link an b@kreis.example"))
    assert mailer.flush(timeout=30)
    assert sent == ["b"]
    (record,) = [r for r in caplog.records if r.levelno == logging.ERROR]
    assert "Passwort-Link an a@kreis.example nicht versandt" in record.getMessage()
    assert "Vorlage kaputt" in caplog.text  # the traceback is in the log
    # The worker has ended with the queue; the next mail starts a new one.
    mailer.submit(MailJob(send=lambda: sent.append("c"), label="c"))
    assert mailer.flush(timeout=30) and sent == ["b", "c"]


def test_mails_left_when_closing_are_named_in_the_log(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO)
    started, release = threading.Event(), threading.Event()

    def stuck() -> None:
        started.set()
        release.wait(timeout=60)

    mailer = BackgroundMailer()
    try:
        mailer.submit(MailJob(send=stuck, label="Passwort-Link an a@kreis.example"))
        mailer.submit(MailJob(send=lambda: None, label="Passwort-Link an b@kreis.example"))
        assert started.wait(timeout=30)
        assert mailer.pending == 2
        assert mailer.close(timeout=0) is False
    finally:
        release.set()
    assert "Warte auf 2 noch nicht versandte E-Mail(s)" in caplog.text
    assert (
        "2 E-Mail(s) beim Beenden nicht versandt: Passwort-Link an a@kreis.example, "
        "Passwort-Link an b@kreis.example" in caplog.text
    )
    assert mailer.flush(timeout=30) and mailer.pending == 0


def test_too_many_pending_mails_are_refused_and_logged(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.WARNING)
    release = threading.Event()
    mailer = BackgroundMailer(max_pending=1)

    def blocked() -> None:
        release.wait(timeout=60)

    try:
        assert mailer.submit(MailJob(send=blocked, label="a"))
        assert not mailer.submit(MailJob(send=lambda: None, label="Passwort-Link an b@x.example"))
    finally:
        release.set()
    assert "E-Mail Passwort-Link an b@x.example nicht versandt" in caplog.text
    assert mailer.flush(timeout=30)


def test_a_mail_pending_at_the_exit_of_the_process_is_sent_first(tmp_path: Path) -> None:
    out = tmp_path / "sent.txt"
    script = textwrap.dedent(
        f"""
        import atexit, threading
        from pathlib import Path
        from webapp.mail.background import BackgroundMailer, MailJob

        release = threading.Event()

        def send():
            release.wait(timeout=60)
            Path({str(out)!r}).write_text("versandt")

        mailer = BackgroundMailer()
        mailer.submit(MailJob(send=send, label="Passwort-Link"))
        # Registered after the mailer's hook, so it runs before it: the mail is still
        # pending when the main program has ended and the exit begins.
        atexit.register(release.set)
        """
    )
    env = {**os.environ, "PYTHONPATH": str(REPO_ROOT)}
    done = subprocess.run(
        [sys.executable, "-c", script], env=env, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    assert out.read_text() == "versandt"
