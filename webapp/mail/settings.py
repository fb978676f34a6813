"""Mail settings beyond the SMTP connection: retries, digest thresholds, reminder days.

The SMTP connection itself (host, port, TLS, login, sender, BASE_URL) lives in
`webapp.config.Config`; these knobs are read from their own environment variables so that
tests and small installations can tune them without touching the shared configuration.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

from webapp.config import ConfigError


@dataclass(frozen=True, slots=True)
class MailSettings:
    """How hard to try and what goes into the digest and the reminders."""

    retries: int = 3  # SMTP_RETRIES: further connection attempts after the first
    retry_delay: float = 2.0  # SMTP_RETRY_DELAY: first pause in seconds, doubled each time
    timeout: float = 30.0  # SMTP_TIMEOUT: seconds per SMTP operation
    send_empty_digest: bool = False  # DIGEST_SEND_EMPTY: also mail when all sections are empty
    # DIGEST_MIN_SCORE: inbox score a new call needs to be listed. On the labelled
    # development set (data/eval/dev) 0.25 gave precision ~0.97 and recall ~0.9.
    min_score: float = 0.25
    per_theme: int = 5  # DIGEST_PER_THEME: new calls listed per theme (the rest are counted)
    soon_days: int = 14  # DIGEST_DEADLINE_DAYS: window of "Fristen in Kürze"
    reminder_days: tuple[int, ...] = (14, 7, 2)  # REMINDER_DAYS: comma-separated
    lock_wait: float = 30.0  # MAIL_LOCK_WAIT: seconds to wait for a concurrent mail run
    ca_file: str = ""  # SMTP_CA_FILE: extra CA bundle for a server with an internal certificate

    @classmethod
    def from_env(cls, env: dict[str, str] | None = None) -> MailSettings:
        """Read the settings from the environment; unset variables keep their defaults."""
        env = dict(os.environ) if env is None else env
        defaults = cls()
        try:
            days = env.get("REMINDER_DAYS")
            return cls(
                retries=int(env.get("SMTP_RETRIES", defaults.retries)),
                retry_delay=float(env.get("SMTP_RETRY_DELAY", defaults.retry_delay)),
                timeout=float(env.get("SMTP_TIMEOUT", defaults.timeout)),
                send_empty_digest=_flag(env.get("DIGEST_SEND_EMPTY")),
                min_score=float(env.get("DIGEST_MIN_SCORE", defaults.min_score)),
                per_theme=int(env.get("DIGEST_PER_THEME", defaults.per_theme)),
                soon_days=int(env.get("DIGEST_DEADLINE_DAYS", defaults.soon_days)),
                reminder_days=(
                    tuple(sorted({int(d) for d in days.split(",") if d.strip()}, reverse=True))
                    if days
                    else defaults.reminder_days
                ),
                lock_wait=float(env.get("MAIL_LOCK_WAIT", defaults.lock_wait)),
                ca_file=env.get("SMTP_CA_FILE", ""),
            )
        except ValueError as exc:
            raise ConfigError(f"Ungültige Mail-Einstellung: {exc}") from None


def _flag(value: str | None) -> bool:
    return (value or "").strip().lower() in ("1", "true", "yes", "ja", "on")
