"""Exports: the filtered call list as CSV for Excel, the team's deadlines as iCalendar."""

from __future__ import annotations

import csv
import hashlib
import hmac
import io
import re
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Mapping
from datetime import UTC, date, datetime, timedelta
from urllib.parse import quote, urlsplit

from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from webapp.config import DEV_SECRET_KEY, Config
from webapp.formatting import (
    LOCAL_TZ,
    format_number,
    format_time,
    local_date,
    no_deadline_text,
    without_control_chars,
)
from webapp.models import Call, ProjectRow, ThemeRow, User, utcnow
from webapp.queries import (
    ASSIGNEE_ME,
    ASSIGNEE_NOBODY,
    CalendarRevision,
    CallFilters,
    DeadlineEntry,
    ExportRow,
)
from webapp.source_marks import source_mark, source_warning

CSV_COLUMNS = (
    "ID",
    "Titel",
    "Fördergeber",
    "Programm",
    "Region",
    "Förderart",
    "Frist",
    "Uhrzeit der Frist",
    "Tage bis Frist",
    "Förderquote",
    "Höchstbetrag (EUR)",
    "Antragsberechtigung",
    "Passung",
    "Passende Projekte",  # those the list row names (`queries.matching_clauses`)
    "Status",
    "Grund",  # of a "nicht relevant" decision
    "Zuständig",
    "Gefunden am",  # not "Neu": that is also the review status of the column before
    "Geändert",
    "Quellen",
    "Link",
)
_ELIGIBILITY = {
    "eligible": "ja",
    "ineligible": "nein",
    "unknown": "unklar",
    "partner": "über Projektpartner",
}


# A number as this export writes it (days, percent, euros): "-26", "1.500.000", "80 %".
_PLAIN_NUMBER = re.compile(r"-?\d[\d.]*(,\d+)?( %)?")


def _csv_safe(value: str) -> str:
    """Defuse spreadsheet formulas: scraped text starting with = + - @ must stay text.

    A plain negative number (the days since a missed deadline) is no formula; with the
    apostrophe Excel would show "'-26" and could not sort or sum the column.
    """
    if value and value[0] in "=+-@\t\r" and not _PLAIN_NUMBER.fullmatch(value):
        return "'" + value
    return value


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
            # no deadline: "laufend" when the source says so, else "Keine Frist angegeben"
            row.deadline.strftime("%d.%m.%Y")
            if row.deadline
            else no_deadline_text(row.source_status),
            row.deadline_time or "",
            "" if days is None else str(days),
            "" if row.funding_rate is None else format_number(row.funding_rate * 100, 0) + " %",
            format_number(row.amount_max_eur, 0),
            _ELIGIBILITY.get(row.eligibility, row.eligibility),
            format_number(row.inbox_score, 3),
            ", ".join(
                f"{key} {title} ({format_number(score, 2)})" for key, title, score in row.matches
            ),
            row.status,
            row.reason,
            row.assignee,
            local_date(row.first_seen).strftime("%d.%m.%Y"),
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


# Days before a deadline at which a subscribed calendar reminds (the help page says so).
CALENDAR_ALARM_DAYS = 7

# The file name of an export: the list, the day and the filters, in ASCII letters, digits and
# hyphens only (safe in every file system, mail attachment and the plain `filename=` of
# Content-Disposition; RFC 6266 needs `filename*=` only for other characters).
_TRANSLITERATION = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss"})
SLUG_LENGTH = 40  # one filter's part at most (a long region name is cut at a word)
FILENAME_LENGTH = 150  # the whole name at most, before ".csv"; filters beyond are left out


def ascii_slug(text: str, limit: int = SLUG_LENGTH) -> str:
    """`text` in lower-case ASCII words joined by hyphens: "in Prüfung" -> "in-pruefung"."""
    folded = unicodedata.normalize("NFKD", text.lower().translate(_TRANSLITERATION))
    slug = re.sub(r"[^a-z0-9]+", "-", folded.encode("ascii", "ignore").decode()).strip("-")
    if len(slug) > limit:
        slug = slug[: limit + 1].rsplit("-", 1)[0] if "-" in slug[:limit] else slug[:limit]
    return slug


# The Antragsberechtigung filter in a file name (queries.ELIGIBILITY_FILTERS).
ELIGIBILITY_SLUGS = {
    "ja": "nur-antragsberechtigt",
    "ja-unklar": "antragsberechtigt-oder-unklar",
    "partner": "ueber-projektpartner",
    "unklar": "berechtigung-unklar",
    "nein": "nicht-antragsberechtigt",
}


def _assignee_slug(session: Session, value: str) -> str:
    """The Zuständig filter in a file name: "zustaendig-mir", "ohne-zustaendige" or the
    person's name ("zustaendig-anna-schulte"), so the file tells whose calls it holds."""
    if not value:
        return ""
    if value == ASSIGNEE_ME:
        return "zustaendig-mir"
    if value == ASSIGNEE_NOBODY:
        return "ohne-zustaendige"
    person = session.get(User, int(value))
    return f"zustaendig-{person.display_name if person else value}"


def csv_filename(session: Session, filters: CallFilters, today: date) -> str:
    """The name of the CSV export of a list: e.g. foerderaufrufe-eingang-2026-11-26-nrw-neu.csv.

    The active filters follow in the order of the filter form: search, theme, priority,
    project, status, Zuständig, source, region, deadline, score, applicant, eligibility and the
    inbox's two switches.
    """
    theme = session.get(ThemeRow, filters.theme) if filters.theme is not None else None
    project = session.get(ProjectRow, filters.project) if filters.project is not None else None
    parts = [
        "foerderaufrufe",
        "eingang" if filters.scope == "inbox" else "alle",
        today.isoformat(),
        f"suche-{filters.q}" if filters.q else "",
        theme.name if theme else "",
        f"prioritaet-{filters.priority}" if filters.priority is not None else "",
        project.key if project else "",
        "alle-status" if filters.status == "alle" else filters.status,
        _assignee_slug(session, filters.zustaendig),
        f"quelle-{filters.source}" if filters.source else "",
        filters.region,
        f"frist-{filters.frist}-tage" if filters.frist else "",
        # two decimals, as the filter shows it: "passung-ab-0-33", not "passung-ab-0-333333"
        f"passung-ab-{filters.min_score:.2f}".rstrip("0").rstrip(".")
        if filters.min_score is not None
        else "",
        f"fuer-{filters.antragsteller}" if filters.antragsteller else "",
        ELIGIBILITY_SLUGS.get(filters.berechtigung, ""),
    ]
    if filters.scope == "inbox":  # the switches count in the inbox only
        parts += [
            "auch-nicht-antragsberechtigt" if filters.ineligible else "",
            "auch-geschlossen" if filters.closed else "",
        ]
    stem = ""
    for slug in filter(None, map(ascii_slug, parts)):
        if len(stem) + 1 + len(slug) > FILENAME_LENGTH:
            break  # whole parts only: a name ending in "-auch" would say something else
        stem = f"{stem}-{slug}" if stem else slug
    return stem + ".csv"


# --- iCalendar (RFC 5545) -------------------------------------------------------------------


def _ical_escape(text: str) -> str:
    # Control characters are not allowed in iCalendar text (RFC 5545 3.3.11); a calendar
    # program may drop the whole feed for one scraped \x0b.
    return (
        without_control_chars(text)
        .replace("\\", "\\\\")
        .replace(";", "\\;")
        .replace(",", "\\,")
        .replace("\r\n", "\\n")
        .replace("\n", "\\n")
        .replace("\r", "")
    )


# What may stay as written in a URI (RFC 3986: reserved and unreserved characters, and "%"
# of an existing escape); everything else, such as a space, a control character or "ä",
# is percent-encoded (UTF-8).
_URI_SAFE = "!#$%&'()*+,/:;=?@[]~"


def _ical_uri(url: str) -> str:
    """`url` as an RFC 5545 URI value: percent-encoded where needed, never TEXT-escaped.

    A URI value knows no backslash escapes: "a;b,c" written as "a\\;b\\,c" is a different
    (broken) link in every calendar program. A line break or control character could
    otherwise end the property, so it is percent-encoded like any other unsafe character.
    """
    return quote(url, safe=_URI_SAFE)


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


def calendar_uid_domain(config: Config) -> str:
    """The part after "@" of every calendar UID: the same for every request.

    BASE_URL's host when it is set (as before). Without it, not the host the feed was
    fetched at: a calendar that reached the server by two names (intranet name and IP
    address) would show every deadline twice. Instead a name derived from SECRET_KEY,
    the installation's own constant, so that the events of two installations in one
    calendar never take each other's place (a keyed hash: the key cannot be read back).
    Installations without their own key share the development key: for them the database
    (where the call ids come from; its address without the password) is mixed in.
    """
    if config.base_url_set and (host := urlsplit(config.base_url).netloc):
        return host
    seed = b"calendar-uid"
    if config.secret_key == DEV_SECRET_KEY:
        database = make_url(config.database_url).render_as_string(hide_password=True)
        seed += b" " + database.encode()
    label = hmac.new(config.secret_key.encode(), seed, hashlib.sha256)
    return f"{label.hexdigest()[:12]}.funding-matcher"


def _revision_lines(revision: CalendarRevision | None) -> list[str]:
    if revision is None:
        return []
    return [
        f"SEQUENCE:{revision.sequence}",
        f"LAST-MODIFIED:{revision.modified.strftime('%Y%m%dT%H%M%SZ')}",
    ]


def _event_times(day: date, time: str | None) -> list[str]:
    """DTSTART and DTEND of a deadline's event: the whole day without a time; with one, the
    hour that ends at the deadline (German time, written in UTC)."""
    if not time:
        return [
            f"DTSTART;VALUE=DATE:{day.strftime('%Y%m%d')}",
            f"DTEND;VALUE=DATE:{(day + timedelta(days=1)).strftime('%Y%m%d')}",
        ]
    hour, minute = (int(part) for part in time.split(":"))
    end = datetime(day.year, day.month, day.day, hour, minute, tzinfo=LOCAL_TZ).astimezone(UTC)
    start = end - timedelta(hours=1)
    return [f"DTSTART:{start:%Y%m%dT%H%M%SZ}", f"DTEND:{end:%Y%m%dT%H%M%SZ}"]


def _until(time: str | None) -> str:
    """ " bis 17:00 Uhr" for a deadline with a time, else ""."""
    return f" bis {format_time(time)}" if time else ""


def ical_feed(
    entries: Iterable[DeadlineEntry],
    *,
    call_url: Callable[[Call], str],
    uid_domain: str,
    name: str = "funding-matcher Fristen",
    now: datetime | None = None,
    revisions: Mapping[int, CalendarRevision] | None = None,
) -> str:
    """A VCALENDAR with one event per stage deadline: all day, or the hour up to the
    deadline's time when the source gives one (in UTC: no VTIMEZONE needed).

    The UID (`call-<id>-<stage>@<uid_domain>`) is stable per call and stage, so calendar
    programs update an event when the deadline moves instead of adding a second one; its
    SEQUENCE and LAST-MODIFIED come from `revisions` (by call id), without which a
    calendar that already holds the event may keep the old date.
    """
    stamp = (now or utcnow()).strftime("%Y%m%dT%H%M%SZ")
    revisions = revisions or {}
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
    uids: set[str] = set()
    for entry in entries:
        call: Call = entry.call
        url = call_url(call)
        stage_key = "".join(ch for ch in entry.stage.lower() if ch.isalnum()) or "frist"
        uid = f"call-{call.id}-{stage_key}@{uid_domain}"
        # Stages written alike ("Skizze 1" and "Skizze-1") must stay two events.
        n = 1
        while uid in uids:
            n += 1
            uid = f"call-{call.id}-{stage_key}-{n}@{uid_domain}"
        uids.add(uid)
        # "Frist Frist: …" for a stage the source calls "Frist" (or "Fristende …")
        label = entry.stage if entry.stage.lower().startswith("frist") else f"Frist {entry.stage}"
        # A call its source closed or dropped keeps its event, as it keeps its reminders
        # (the application may be under way), but says so where the officer looks first.
        mark = source_mark(call.status, call.missing_since)
        if mark:
            label = f"[{mark}] {label}"
        description = "\n".join(
            part
            for part in (
                source_warning(call.status, call.missing_since),
                f"Status: {entry.status}",
                f"Zuständig: {entry.assignee}" if entry.assignee else "",
                f"Fördergeber: {call.funder}" if call.funder else "",
                f"Programm: {call.programme}" if call.programme else "",
                f"Aufruf im funding-matcher: {url}",
                f"Quelle: {call.url}" if call.url else "",
            )
            if part
        )
        lines += [
            "BEGIN:VEVENT",
            f"UID:{uid}",
            f"DTSTAMP:{stamp}",
            *_revision_lines(revisions.get(call.id)),
            *_event_times(entry.day, entry.time),
            f"SUMMARY:{_ical_escape(f'{label}{_until(entry.time)}: {call.title}')}",
            f"DESCRIPTION:{_ical_escape(description)}",
            f"URL:{_ical_uri(url)}",
            "TRANSP:TRANSPARENT",
            "BEGIN:VALARM",
            "ACTION:DISPLAY",
            f"DESCRIPTION:{_ical_escape(f'In {CALENDAR_ALARM_DAYS} Tagen: {label}')}",
            f"TRIGGER:-P{CALENDAR_ALARM_DAYS}D",
            "END:VALARM",
            "END:VEVENT",
        ]
    lines.append("END:VCALENDAR")
    return "\r\n".join(_fold(line) for line in lines) + "\r\n"
