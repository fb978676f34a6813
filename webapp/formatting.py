"""German formatting of dates, amounts, rates and days left: shared by the web UI and mail."""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import UTC, date, datetime
from typing import Any
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
# Between a number and its unit ("1.500.000 €", "80 %"): a line never breaks before the unit.
# Also in plain-text mail and generated texts, where it keeps the pair together just the same.
NBSP = "\u00a0"
# C0 control characters but tab, line feed and carriage return, DEL and two non-characters:
# scraped PDF and Word text carries some (\x0b, \x0c), XML (.docx) refuses them all and
# RFC 5545 forbids them in calendar text.
_CONTROL_CHARS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff]")


def without_control_chars(text: str) -> str:
    """`text` with each control character (see above) replaced by a space."""
    return _CONTROL_CHARS.sub(" ", text)


def format_date(value: date | datetime | None, empty: str = "laufend") -> str:
    """30.09.2026; `empty` for None (an open-ended call). A stored time (naive UTC) gives
    its German calendar day: a source checked at 23:30 UTC was checked "tomorrow" here."""
    if value is None:
        return empty
    if isinstance(value, datetime):
        value = local_date(value)
    return value.strftime("%d.%m.%Y")


# What a call without a deadline reads: "laufend" only when its source says so (status
# "laufend"); otherwise the source gave none, which promises nothing.
ROLLING_STATUS = "laufend"
NO_DEADLINE = "Keine Frist angegeben"


def no_deadline_text(status: str | None) -> str:
    """ "laufend" for a call its source calls open-ended, else "Keine Frist angegeben"."""
    return ROLLING_STATUS if status == ROLLING_STATUS else NO_DEADLINE


def format_time(value: str | None) -> str:
    """ "17:00" → "17:00 Uhr"; "" for no time."""
    return f"{value} Uhr" if value else ""


def format_deadline(day: date | None, time: str | None = None, status: str | None = None) -> str:
    """ "31.03.2027, 12:00 Uhr" (or without the time when the source gives none); for no
    deadline "laufend" or "Keine Frist angegeben", by the call's status (`no_deadline_text`)."""
    if day is None:
        return no_deadline_text(status)
    return f"{format_date(day)}, {format_time(time)}" if time else format_date(day)


def format_datetime(value: datetime | None, empty: str = "–") -> str:
    """30.09.2026, 14:05 in German local time (times are stored as naive UTC)."""
    if value is None:
        return empty
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(LOCAL_TZ).strftime("%d.%m.%Y, %H:%M")


def now_utc() -> datetime:
    """The current time (aware, UTC): the one clock of pages, mail and stored times, which
    tests replace to fix "now"."""
    return datetime.now(UTC)


def local_today(now: datetime | None = None) -> date:
    """Today in Germany, whatever the server's time zone: a server on UTC is still on
    yesterday until 01:00 (02:00 in summer), and deadlines, reminders and the calendar
    count from the day the officers live in."""
    return local_now(now).date()


def run_moment(day: date) -> datetime:
    """The moment a run "on `day`" happens (naive UTC, as stored): now while it is `day` in
    Germany; for another day (`--today`) the start of that day, German time.

    The digest's window ends here and the deadlines of the day count from here, so a run
    with `--today` shows what a real run that day would, not a window up to the real clock.
    The start of the day, as the lists count another day (`queries._clock_on`): none of its
    deadlines has passed yet, and the result does not depend on when the command runs.
    """
    now = now_utc()
    if local_today(now) == day:
        return now.astimezone(UTC).replace(tzinfo=None)
    start = datetime.combine(day, datetime.min.time(), tzinfo=LOCAL_TZ)
    return start.astimezone(UTC).replace(tzinfo=None)


def local_now(now: datetime | None = None) -> datetime:
    """`now` (default: the current time; naive means UTC, as stored) in German time."""
    value = now or now_utc()
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(LOCAL_TZ)


def minutes_left(day: date | None, time: str | None, now: datetime | None = None) -> int | None:
    """Minutes from `now` to a deadline's time on its day, German time (0 or less once it
    has passed); None unless `day` is today in Germany and the source gives a time.

    Only the last day needs them: a call is open until its time on that day, not to its end.
    """
    if day is None or not time:
        return None
    here = local_now(now)
    if day != here.date():
        return None
    try:
        hour, minute = (int(part) for part in time.split(":", 1))
    except ValueError:
        return None  # not "HH:MM": the day alone counts, as without a time
    return hour * 60 + minute - (here.hour * 60 + here.minute)


def deadline_passed_today(day: date | None, time: str | None, now: datetime | None = None) -> bool:
    """Whether `day` is today in Germany and its deadline `time` has been reached."""
    left = minutes_left(day, time, now)
    return left is not None and left <= 0


def local_date(value: datetime) -> date:
    """The German calendar day of a stored time (naive UTC): 23:30 UTC is the next day."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(LOCAL_TZ).date()


# A source's error and its hints are cut alike on the Quellen page and in the digest: the
# error longer, because its advice (what to change) comes last.
SOURCE_ERROR_LIMIT = 480
SOURCE_TEXT_LIMIT = 240


def shorten(text: str, limit: int) -> str:
    """`text` on one line, cut to at most `limit` characters with "…" (mail subjects, lists)."""
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def format_eur(value: float | None) -> str:
    """1.000.000 € with German digit grouping and a no-break space; empty for None."""
    if value is None:
        return ""
    return f"{format_count(round(value))}{NBSP}€"


def format_rate(value: float | None) -> str:
    """0.9 → 90 % (with a no-break space)."""
    if value is None:
        return ""
    return f"{value * 100:.0f}{NBSP}%"


def format_count(value: int) -> str:
    """1046 → 1.046 (German digit grouping of a count, e.g. characters)."""
    return f"{value:,}".replace(",", ".")


def format_counted(value: int, singular: str, plural: str) -> str:
    """1 → "1 Themenfeld", 3 → "3 Themenfelder" (the noun, with its adjective, by the count)."""
    return f"{format_count(value)} {singular if value == 1 else plural}"


def format_number(value: float | None, digits: int = 2) -> str:
    """0.4213 → 0,42."""
    if value is None:
        return ""
    return f"{value:.{digits}f}".replace(".", ",")


# Changes of a score by decisions are shown from this size on: smaller ones read "+0,00".
DECISION_EFFECT_MIN = 0.005


def format_change(value: float, digits: int = 2) -> str:
    """0.0612 → +0,06, -0.04 → −0,04 (a true minus sign, as in print)."""
    sign = "+" if value > 0 else "\u2212" if value < 0 else ""
    return sign + format_number(abs(value), digits)


def days_left(value: date | None, today: date | None = None) -> int | None:
    """Days from today to `value` (negative when past); None for open-ended calls."""
    if value is None:
        return None
    return (value - (today or local_today())).days


def days_label(
    days: int | None,
    none_text: str = "ohne Frist",
    time: str | None = None,
    minutes: int | None = None,
) -> str:
    """'noch 12 Tage', 'morgen', 'heute', 'abgelaufen'; `none_text` for open-ended calls.

    On the last day a deadline's time counts: 'heute, 17:00 Uhr'. With the `minutes` left
    to it (`minutes_left`, pages read now): 'heute, noch 3 Std.' and, once it has passed,
    'heute – abgelaufen' ('heute, 17:00 Uhr – abgelaufen' with the `time`).
    """
    if days is None:
        return none_text
    if days < 0:
        return "abgelaufen"
    if days == 0:
        day = f"heute, {format_time(time)}" if time else "heute"
        if minutes is None:
            return day
        if minutes <= 0:
            return f"{day} – abgelaufen"
        return (
            f"{day} (noch {hours_left(minutes)})" if time else f"heute, noch {hours_left(minutes)}"
        )
    if days == 1:
        return "morgen"
    return f"noch {days} Tage"


def hours_left(minutes: int) -> str:
    """180 → "3 Std.", 200 → "3 Std.", 45 → "45 Min." (never more than is left)."""
    return f"{minutes // 60} Std." if minutes >= 60 else f"{minutes} Min."


def month_name(month: int) -> str:
    """1 → Januar."""
    return MONTHS_DE[month - 1]


# German names of a call's fields, as the call page and the manual-entry form call them.
CALL_FIELD_LABELS: Mapping[str, str] = {
    "title": "Titel",
    "url": "Link",
    "funder": "Fördergeber",
    "programme": "Programm",
    "summary": "Kurzbeschreibung",
    "text": "Volltext",
    "eligible": "Antragsberechtigt",
    "region": "Region",
    "funding_type": "Förderart",
    "published": "Veröffentlicht",
    "opens": "Antrag ab",
    "deadline": "Frist",
    "deadlines": "Fristen nach Verfahrensstufe",
    "deadline_time": "Uhrzeit der Frist",
    "deadline_times": "Uhrzeiten nach Verfahrensstufe",
    "amount_max_eur": "Höchstbetrag",
    "funding_rate": "Förderquote",
    "topics": "Themen",
    "status": "Status laut Quelle",
    "language": "Sprache",
    "missing_since": "Bei der Quelle",
}
# What ends a source's name in its label and begins a description ("Digitalagentur NRW –
# Förderhinweise für Kommunen (Atom)"): a dash between spaces.
_LABEL_DESCRIPTION = re.compile(r"\s+[–—-]\s+")
_LABEL_TRAILING_NOTE = re.compile(r"\s*\([^()]*\)\s*$")  # "(RSS)", "(SEDIA-Such-API)"


def source_title(name: str, label: str | None) -> str:
    """A source as officers read it: its label from sources.yaml, else its id.

    Calls from an import or the entry form ("manuell") have no configured source: their id
    is all there is.
    """
    return " ".join((label or "").split()) or name


def source_short_title(name: str, label: str | None) -> str:
    """A source's name for narrow places: its label up to the description after a dash,
    without a trailing note in brackets ("Digitalagentur NRW", "EU Funding & Tenders
    Portal"); the id when it has no label."""
    title = source_title(name, label)
    head = _LABEL_DESCRIPTION.split(title, maxsplit=1)[0]
    head = _LABEL_TRAILING_NOTE.sub("", head).strip()
    return head or title


LANGUAGE_NAMES = {"de": "Deutsch", "en": "Englisch", "fr": "Französisch", "nl": "Niederländisch"}
EMPTY = "–"


def call_field_label(field: str) -> str:
    """'funding_rate' → 'Förderquote'; an unknown field keeps its name."""
    return CALL_FIELD_LABELS.get(field, field)


def as_local_date(value: Any) -> date | None:
    """The German calendar day of a stored time (ISO text of naive UTC in the change history,
    or a datetime); a plain date as it is; None if unreadable."""
    if isinstance(value, date) and not isinstance(value, datetime):
        return value
    if not isinstance(value, datetime):
        try:
            value = datetime.fromisoformat(str(value))
        except ValueError:
            return as_date(value)
    return local_date(value)


def as_date(value: Any) -> date | None:
    """A stored date (ISO text in JSON columns and the change history, or a date), or None
    if unreadable."""
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value)[:10])
    except ValueError:
        return None


def format_call_value(field: str, value: Any) -> str:
    """A call field's value as stored in the change history (JSON), in German.

    Dates 31.03.2027, amounts 250.000 €, rates 80 %, lists comma-separated, "–" when empty
    ("Keine Frist angegeben" for a missing deadline – whether the call is "laufend" is a
    change of its status –, "ganzer Tag" for a deadline without a time).
    """
    if field == "missing_since":
        if not value:
            return "gelistet"
        since = as_local_date(value)
        return (
            f"nicht mehr gelistet (seit {format_date(since)})" if since else "nicht mehr gelistet"
        )
    if value is None or value == "" or value == [] or value == {}:
        if field == "deadline":
            return NO_DEADLINE
        return "ganzer Tag" if field in ("deadline_time", "deadline_times") else EMPTY
    if field == "deadline_time":
        return format_time(str(value))
    if field == "deadline_times" and isinstance(value, dict):
        return ", ".join(f"{stage}: {format_time(str(t))}" for stage, t in sorted(value.items()))
    if field in ("published", "opens", "deadline"):
        day = as_date(value)
        return format_date(day) if day else str(value)
    if field == "deadlines" and isinstance(value, dict):
        stages = sorted(value.items(), key=lambda item: (str(item[1]), str(item[0])))
        return ", ".join(
            f"{stage}: {format_date(day) if (day := as_date(when)) else when}"
            for stage, when in stages
        )
    if field in ("amount_max_eur", "funding_rate") and not isinstance(value, bool):
        try:
            number = float(value)
        except (TypeError, ValueError):
            return str(value)
        return format_eur(number) if field == "amount_max_eur" else format_rate(number)
    if field == "language":
        return LANGUAGE_NAMES.get(str(value), str(value))
    if isinstance(value, list | tuple):
        return ", ".join(str(v) for v in value) or EMPTY
    return str(value)
