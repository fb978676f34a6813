"""German formatting of dates, amounts, rates and days left: shared by the web UI and mail."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

MONTHS_DE = (
    "Januar",
    "Februar",
    "März",
    "April",
    "Mai",
    "Juni",
    "Juli",
    "August",
    "September",
    "Oktober",
    "November",
    "Dezember",
)
WEEKDAYS_DE = ("Mo", "Di", "Mi", "Do", "Fr", "Sa", "So")
LOCAL_TZ = ZoneInfo("Europe/Berlin")


def format_date(value: date | datetime | None, empty: str = "laufend") -> str:
    """30.09.2026; `empty` for None (an open-ended call)."""
    if value is None:
        return empty
    return value.strftime("%d.%m.%Y")


def format_datetime(value: datetime | None, empty: str = "–") -> str:
    """30.09.2026, 14:05 in German local time (times are stored as naive UTC)."""
    if value is None:
        return empty
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(LOCAL_TZ).strftime("%d.%m.%Y, %H:%M")


def shorten(text: str, limit: int) -> str:
    """`text` on one line, cut to at most `limit` characters with "…" (mail subjects, lists)."""
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def format_eur(value: float | None) -> str:
    """1.000.000 € with German digit grouping; empty for None."""
    if value is None:
        return ""
    return f"{value:,.0f} €".replace(",", ".")


def format_rate(value: float | None) -> str:
    """0.9 → 90 %."""
    if value is None:
        return ""
    return f"{value * 100:.0f} %"


def format_number(value: float | None, digits: int = 2) -> str:
    """0.4213 → 0,42."""
    if value is None:
        return ""
    return f"{value:.{digits}f}".replace(".", ",")


def days_left(value: date | None, today: date | None = None) -> int | None:
    """Days from today to `value` (negative when past); None for open-ended calls."""
    if value is None:
        return None
    return (value - (today or date.today())).days


def days_label(days: int | None, none_text: str = "ohne Frist") -> str:
    """'noch 12 Tage', 'morgen', 'heute', 'abgelaufen'; `none_text` for open-ended calls."""
    if days is None:
        return none_text
    if days < 0:
        return "abgelaufen"
    if days == 0:
        return "heute"
    if days == 1:
        return "morgen"
    return f"noch {days} Tage"


def month_name(month: int) -> str:
    """1 → Januar."""
    return MONTHS_DE[month - 1]
