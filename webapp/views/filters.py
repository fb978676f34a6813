"""Jinja filters for German formatting of dates, amounts and rates."""

from __future__ import annotations

from datetime import date, datetime

from flask import Flask


def format_date(value: date | datetime | None, empty: str = "laufend") -> str:
    """30.09.2026; `empty` for None (an open-ended call)."""
    if value is None:
        return empty
    return value.strftime("%d.%m.%Y")


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


def days_left(value: date | None, today: date | None = None) -> int | None:
    """Days from today to `value` (negative when past); None for open-ended calls."""
    if value is None:
        return None
    return (value - (today or date.today())).days


def register_filters(app: Flask) -> None:
    """Make the formatting helpers available in every template."""
    app.jinja_env.filters.update(
        date_de=format_date, eur=format_eur, rate=format_rate, days_left=days_left
    )
