"""Mail sent after the request: one worker thread per app, so a page need not wait for SMTP.

For mail a page must not wait for: *Passwort vergessen* answers the same for every address,
and an SMTP round trip only for existing logins would tell them apart by the response time.
Scheduled mail (digest, reminders) is batch work and goes through the commands and the
`sent_mails` log instead (webapp/mail/outbox.py).

The thread starts with the first mail and ends when nothing is left, so an app that sends
nothing has no thread, and a forking server starts it in the process that got the request.
Mails still pending when the process exits are waited for (up to EXIT_WAIT seconds); any
left then are named in the log, never dropped silently.
"""

from __future__ import annotations

import atexit
import logging
import threading
import weakref
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass

from flask import Flask, current_app

log = logging.getLogger(__name__)

EXTENSION = "fm_background_mail"
# More pending mails than this means the SMTP server hangs or someone floods the page:
# further ones are refused (and logged) instead of growing without bound.
MAX_PENDING = 200
# How long the exit of the process waits for pending mails (each try is bounded by
# SMTP_TIMEOUT; a mail server that is down answers at once).
EXIT_WAIT = 60.0


@dataclass(frozen=True, slots=True)
class MailJob:
    """One mail to send: `send` does it (and logs its own outcome); `label` names it in logs."""

    send: Callable[[], None]
    label: str


class BackgroundMailer:
    """Sends mails one after another in a thread of its own; see the module docstring."""

    def __init__(self, max_pending: int = MAX_PENDING) -> None:
        self.max_pending = max_pending
        self._jobs: deque[MailJob] = deque()
        self._current: MailJob | None = None
        self._changed = threading.Condition()
        self._thread: threading.Thread | None = None
        self._exit_hook = False

    @property
    def pending(self) -> int:
        """Mails handed over and not yet finished (sent or failed)."""
        with self._changed:
            return len(self._jobs) + (self._current is not None)

    def submit(self, job: MailJob) -> bool:
        """Queue `job` and return at once; False (logged) when too many are pending."""
        with self._changed:
            if len(self._jobs) + (self._current is not None) >= self.max_pending:
                log.warning(
                    "E-Mail %s nicht versandt: schon %d E-Mails warten auf den SMTP-Server.",
                    job.label,
                    self.max_pending,
                )
                return False
            self._jobs.append(job)
            if self._thread is None:
                if not self._exit_hook:
                    # A weak reference: the hook must not keep a discarded app's mailer alive.
                    atexit.register(_flush_at_exit, weakref.ref(self))
                    self._exit_hook = True
                # A daemon, so a hanging server cannot block the exit beyond EXIT_WAIT.
                self._thread = threading.Thread(
                    target=self._run, name="fm-background-mail", daemon=True
                )
                self._thread.start()
        return True

    def flush(self, timeout: float | None = None) -> bool:
        """Wait until every mail handed over so far is finished; False if `timeout` ran out."""
        with self._changed:
            return self._changed.wait_for(lambda: not self._jobs and self._current is None, timeout)

    def close(self, timeout: float | None = EXIT_WAIT) -> bool:
        """Flush, and log the mails still not finished after `timeout` (at the exit)."""
        waiting = self.pending
        if waiting:
            log.info("Warte auf %d noch nicht versandte E-Mail(s) …", waiting)
        if self.flush(timeout):
            return True
        with self._changed:
            left = ([self._current] if self._current else []) + list(self._jobs)
        log.warning(
            "%d E-Mail(s) beim Beenden nicht versandt: %s",
            len(left),
            ", ".join(job.label for job in left),
        )
        return False

    def _run(self) -> None:
        while True:
            with self._changed:
                self._current = None
                self._changed.notify_all()
                if not self._jobs:
                    self._thread = None  # the next submit starts a new one
                    return
                job = self._current = self._jobs.popleft()
            try:
                job.send()
            except Exception:
                # The job logs the errors it expects; anything else must not end the worker,
                # or every later mail would wait forever.
                log.exception("E-Mail %s nicht versandt: unerwarteter Fehler", job.label)


def _flush_at_exit(ref: weakref.ref[BackgroundMailer]) -> None:
    mailer = ref()
    if mailer is not None:
        mailer.close(EXIT_WAIT)


def init_app(app: Flask) -> None:
    """Give `app` its background mailer (`app.extensions["fm_background_mail"]`)."""
    app.extensions[EXTENSION] = BackgroundMailer()


def background_mailer(app: Flask | None = None) -> BackgroundMailer:
    """The background mailer of `app` (default: the current app)."""
    mailer: BackgroundMailer = (app or current_app).extensions[EXTENSION]
    return mailer
