"""Mail settings beyond the SMTP connection: retries, digest thresholds, reminder days.

The SMTP connection itself (host, port, TLS, login, sender, BASE_URL) lives in
`webapp.config.Config`; these knobs are read from their own environment variables so that
tests and small installations can tune them without touching the shared configuration.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

from webapp.config import Problems


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
    # MAIL_REFUSED_RETRY_DAYS: days after a permanent refusal (5xx) before an address is
    # tried again by itself (a new attempt on the Benutzer page is at once)
    refused_retry_days: int = 7

    @classmethod
    def from_env(
        cls, env: dict[str, str] | None = None, problems: list[str] | None = None
    ) -> MailSettings:
        """Read the settings from the environment; unset variables keep their defaults.

        A value that is no number, or out of range, is a ConfigError naming the variable;
        with a `problems` list it is appended there instead (`check` names them all).
        """
        env = dict(os.environ) if env is None else env
        found = Problems(problems)
        defaults = cls()
        days = (env.get("REMINDER_DAYS") or "").strip()

        def number(name: str, default: float, **kind: bool) -> float:
            return _number(env, name, default, found, **kind)

        return cls(
            retries=int(number("SMTP_RETRIES", defaults.retries, whole=True)),
            retry_delay=number("SMTP_RETRY_DELAY", defaults.retry_delay),
            # 0 would make the socket non-blocking and every send fail
            timeout=number("SMTP_TIMEOUT", defaults.timeout, above_zero=True),
            send_empty_digest=_flag(env.get("DIGEST_SEND_EMPTY")),
            min_score=_share(env, "DIGEST_MIN_SCORE", defaults.min_score, found),
            per_theme=int(number("DIGEST_PER_THEME", defaults.per_theme, whole=True)),
            soon_days=int(number("DIGEST_DEADLINE_DAYS", defaults.soon_days, whole=True)),
            reminder_days=(
                tuple(
                    sorted(
                        {
                            int(
                                _number({"REMINDER_DAYS": d}, "REMINDER_DAYS", 0, found, whole=True)
                            )
                            for d in days.split(",")
                            if d.strip()
                        },
                        reverse=True,
                    )
                )
                if days
                else defaults.reminder_days
            ),
            lock_wait=number("MAIL_LOCK_WAIT", defaults.lock_wait),
            ca_file=env.get("SMTP_CA_FILE", ""),
            refused_retry_days=int(
                number("MAIL_REFUSED_RETRY_DAYS", defaults.refused_retry_days, whole=True)
            ),
        )


def _number(
    env: dict[str, str],
    name: str,
    default: float,
    found: Problems,
    *,
    whole: bool = False,
    above_zero: bool = False,
) -> float:
    """The variable `name` as a finite number ≥ 0 (> 0 with `above_zero`); a problem else."""
    raw = (env.get(name) or "").strip()
    if not raw:
        return default
    kind = "eine ganze Zahl" if whole else "eine Zahl"
    try:
        value = int(raw) if whole else float(raw.replace(",", "."))
    except ValueError:
        value = float("nan")
    if value != value or value in (float("inf"), float("-inf")):
        found.add(f"Ungültige Mail-Einstellung: {name} muss {kind} sein, nicht {raw!r}")
        return default
    if value < 0 or (above_zero and value == 0):
        limit = "größer als 0" if above_zero else "mindestens 0"
        found.add(f"Ungültige Mail-Einstellung: {name} muss {limit} sein, nicht {raw!r}")
        return default
    return value


def _share(env: dict[str, str], name: str, default: float, found: Problems) -> float:
    """A number from 0 to 1; a value in percent (25 for "Passung 25 %") is refused with the
    share it means, as no call scores above 1 and the digest would stay empty for good."""
    value = _number(env, name, default, found)
    if value <= 1:
        return value
    raw = env[name].strip()
    meant, percent = (f"{value / 100:g}", raw) if value <= 100 else ("0.25", "25")
    found.add(
        f"Ungültige Mail-Einstellung: {name} ist ein Anteil zwischen 0 und 1, nicht "
        f"{raw!r} – für {percent} % {name}={meant} eintragen"
    )
    return default


def _flag(value: str | None) -> bool:
    return (value or "").strip().lower() in ("1", "true", "yes", "ja", "on")
