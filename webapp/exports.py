"""Exports: the filtered call list as CSV for Excel, the team's deadlines as iCalendar."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable, Iterator
from datetime import date, datetime, timedelta

from webapp.models import Call, utcnow
from webapp.queries import DeadlineEntry, ExportRow

CSV_COLUMNS = (
    "ID",
    "Titel",
    "Fördergeber",
    "Programm",
    "Region",
    "Förderart",
    "Frist",
    "Tage bis Frist",
    "Förderquote",
    "Höchstbetrag (EUR)",
    "Antragsberechtigung",
    "Passung",
    "Beste Projekte",
    "Status",
    "Neu",
    "Geändert",
    "Quellen",
    "Link",
)
_ELIGIBILITY = {"eligible": "ja", "ineligible": "nein", "unknown": "unklar"}


def _csv_safe(value: str) -> str:
    """Defuse spreadsheet formulas: scraped text starting with = + - @ must stay text."""
    if value and value[0] in "=+-@\t\r":
        return "'" + value
    return value


def _number_de(value: float | None, digits: int = 0) -> str:
    if value is None:
        return ""
    return f"{value:.{digits}f}".replace(".", ",")


def csv_rows(rows: Iterable[ExportRow], today: date) -> Iterator[list[str]]:
    """The CSV cells of each call (German number format, formulas defused)."""
    for row in rows:
        days = (row.deadline - today).days if row.deadline else None
        cells = [
            str(row.id),
            row.title,
            row.funder,
            row.programme,
            row.region,
            row.funding_type,
            row.deadline.strftime("%d.%m.%Y") if row.deadline else "laufend",
            "" if days is None else str(days),
            "" if row.funding_rate is None else _number_de(row.funding_rate * 100) + " %",
            _number_de(row.amount_max_eur),
            _ELIGIBILITY.get(row.eligibility, row.eligibility),
            _number_de(row.inbox_score, 3),
            ", ".join(
                f"{key} {title} ({_number_de(score, 2)})" for key, title, score in row.matches
            ),
            row.status,
            "ja" if row.is_new else "",
            "ja" if row.is_changed else "",
            ", ".join(row.sources),
            row.url,
        ]
        yield [_csv_safe(c) for c in cells]


def stream_csv(rows: Iterable[ExportRow], today: date) -> Iterator[str]:
    """The CSV file in chunks: BOM first (Excel then reads UTF-8), `;` as separator."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    yield "\ufeff"
    writer.writerow(CSV_COLUMNS)
    for i, cells in enumerate(csv_rows(rows, today), start=1):
        writer.writerow(cells)
        if i % 200 == 0:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


# --- iCalendar (RFC 5545) -------------------------------------------------------------------


def _ical_escape(text: str) -> str:
    return (
        text.replace("\\", "\\\\")
        .replace(";", "\\;")
        .replace(",", "\\,")
        .replace("\r\n", "\\n")
        .replace("\n", "\\n")
        .replace("\r", "")
    )


def _fold(line: str) -> str:
    """Fold a content line at 75 octets as RFC 5545 requires (continuation starts with space)."""
    raw = line.encode("utf-8")
    if len(raw) <= 75:
        return line
    parts: list[str] = []
    current = b""
    limit = 75
    for char in line:
        encoded = char.encode("utf-8")
        if len(current) + len(encoded) > limit:
            parts.append(current.decode("utf-8"))
            current = b""
            limit = 74  # the leading space counts
        current += encoded
    parts.append(current.decode("utf-8"))
    return "\r\n ".join(parts)


def ical_feed(
    entries: Iterable[DeadlineEntry],
    *,
    call_url: Callable[[Call], str],
    name: str = "funding-matcher Fristen",
    now: datetime | None = None,
    host: str = "funding-matcher",
) -> str:
    """A VCALENDAR with one all-day event per stage deadline.

    The UID is stable per call and stage, so calendar programs update an event when the
    deadline moves instead of adding a second one.
    """
    stamp = (now or utcnow()).strftime("%Y%m%dT%H%M%SZ")
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//funding-matcher//Fristen//DE",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        f"X-WR-CALNAME:{_ical_escape(name)}",
        "X-WR-TIMEZONE:Europe/Berlin",
        "REFRESH-INTERVAL;VALUE=DURATION:PT6H",
    ]
    for entry in entries:
        call: Call = entry.call
        url = call_url(call)
        stage_key = "".join(ch for ch in entry.stage.lower() if ch.isalnum()) or "frist"
        description = "\n".join(
            part
            for part in (
                f"Status: {entry.status}",
                f"Fördergeber: {call.funder}" if call.funder else "",
                f"Programm: {call.programme}" if call.programme else "",
                f"Aufruf im funding-matcher: {url}",
                f"Quelle: {call.url}" if call.url else "",
            )
            if part
        )
        lines += [
            "BEGIN:VEVENT",
            f"UID:call-{call.id}-{stage_key}@{host}",
            f"DTSTAMP:{stamp}",
            f"DTSTART;VALUE=DATE:{entry.day.strftime('%Y%m%d')}",
            f"DTEND;VALUE=DATE:{(entry.day + timedelta(days=1)).strftime('%Y%m%d')}",
            f"SUMMARY:{_ical_escape(f'Frist {entry.stage}: {call.title}')}",
            f"DESCRIPTION:{_ical_escape(description)}",
            f"URL:{_ical_escape(url)}",
            "TRANSP:TRANSPARENT",
            "BEGIN:VALARM",
            "ACTION:DISPLAY",
            f"DESCRIPTION:{_ical_escape(f'In 7 Tagen: Frist {entry.stage}')}",
            "TRIGGER:-P7D",
            "END:VALARM",
            "END:VEVENT",
        ]
    lines.append("END:VCALENDAR")
    return "\r\n".join(_fold(line) for line in lines) + "\r\n"
