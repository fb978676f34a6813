"""Jinja filters for German formatting and for highlighting shared terms safely."""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import UTC, date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from flask import Flask
from markupsafe import Markup, escape

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
LOCAL_TZ = ZoneInfo("Europe/Berlin")
WEEKDAYS_DE = ("Mo", "Di", "Mi", "Do", "Fr", "Sa", "So")


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


def format_eur(value: float | None) -> str:
    """1.000.000 € with German digit grouping; empty for None."""
    if value is None:
        return ""
    return f"{value:,.0f} €".replace(",", ".")


def format_rate(value: float | None) -> str:
    """0.9 → 90 %."""
    if value is None:
        return ""
    return f"{value * 100:.0f} %".replace(".", ",")


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


def days_label(days: int | None) -> str:
    """German wording for the days left until a deadline."""
    if days is None:
        return "ohne Frist"
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


def highlight(text: str | None, words: Iterable[str]) -> Markup:
    """The text escaped, then each of `words` wrapped in <mark>.

    Escaping comes first so that scraped text can never inject markup; the words are
    escaped the same way before they are searched in the escaped text.
    """
    escaped = str(escape(text or ""))
    terms = sorted({str(escape(w)) for w in words if w and len(w.strip()) >= 3}, key=len)
    if not terms:
        return Markup(escaped)
    pattern = re.compile(
        r"(?<![\w&])(" + "|".join(re.escape(t) for t in reversed(terms)) + r")",
        re.IGNORECASE,
    )
    return Markup(pattern.sub(r"<mark>\1</mark>", escaped))


def term_pairs(terms: Iterable[Any], limit: int = 8) -> list[tuple[str, list[str]]]:
    """Shared terms as (word in the call, [words in the project]), one entry per call word.

    The matcher reports pairs such as Workflow↔Workflows and Workflows↔Workflow; an
    officer wants each word once, with the project's wording in the tooltip.
    """
    merged: dict[str, tuple[str, list[str]]] = {}
    for term in terms or []:
        if not isinstance(term, dict):
            continue
        word = str(term.get("call_word") or "").strip()
        partner = str(term.get("project_word") or "").strip()
        if not word:
            continue
        key = re.sub(r"(en|er|es|e|s|n)$", "", word.lower())  # Workflow = Workflows
        _shown, partners = merged.setdefault(key, (word, []))
        if partner and partner not in partners:
            partners.append(partner)
    return list(merged.values())[:limit]


def safe_url(url: str | None) -> str:
    """`url` if it is an http(s) link, else "" (scraped `javascript:` links stay inert)."""
    value = (url or "").strip()
    scheme = value.split(":", 1)[0].lower() if ":" in value else ""
    if scheme in ("http", "https") and not any(ord(c) < 32 for c in value):
        return value
    return ""


def paragraphs(text: str | None) -> Markup:
    """Plain text with blank lines as paragraphs (escaped)."""
    blocks = [b.strip() for b in re.split(r"\n\s*\n", text or "") if b.strip()]
    return Markup("".join(f"<p>{escape(b)}</p>" for b in blocks))


def register_filters(app: Flask) -> None:
    """Make the formatting helpers available in every template."""
    app.jinja_env.filters.update(
        date_de=format_date,
        datetime_de=format_datetime,
        eur=format_eur,
        rate=format_rate,
        num=format_number,
        days_left=days_left,
        days_label=days_label,
        month_name=month_name,
        highlight=highlight,
        safe_url=safe_url,
        term_pairs=term_pairs,
    )
    app.jinja_env.globals.update(WEEKDAYS_DE=WEEKDAYS_DE)
