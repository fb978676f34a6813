"""Normalisers: German (and English) dates, deadlines by stage, amounts, rates, applicant types.

Everything here is a pure function over strings. Functions that read one structured value
(`parse_date`, `parse_amount`) raise `ValueError` when the value cannot be read; functions
that search free text (`extract_deadlines`, `max_amount_in_text`, `applicants_in_text`)
return what they find and never raise.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from email.utils import parsedate_to_datetime
from zoneinfo import ZoneInfo

# --- dates ------------------------------------------------------------------------------

MONTHS: dict[str, int] = {
    "januar": 1,
    "jänner": 1,
    "jan": 1,
    "january": 1,
    "februar": 2,
    "feb": 2,
    "february": 2,
    "märz": 3,
    "maerz": 3,
    "mär": 3,
    "mrz": 3,
    "march": 3,
    "mar": 3,
    "april": 4,
    "apr": 4,
    "mai": 5,
    "may": 5,
    "juni": 6,
    "jun": 6,
    "june": 6,
    "juli": 7,
    "jul": 7,
    "july": 7,
    "august": 8,
    "aug": 8,
    "september": 9,
    "sept": 9,
    "sep": 9,
    "oktober": 10,
    "okt": 10,
    "october": 10,
    "oct": 10,
    "november": 11,
    "nov": 11,
    "dezember": 12,
    "dez": 12,
    "december": 12,
    "dec": 12,
}
# Days are German calendar days, as everywhere in the application.
GERMAN_TZ = ZoneInfo("Europe/Berlin")
_MONTH_RE = "|".join(sorted((re.escape(m) for m in MONTHS), key=len, reverse=True))

# Order matters: the recurring forms must win over the plain numeric form they contain.
_YEARLY = r"(?:eines\s+jeden|eines|jeden|jedes|des)\s+(?:Kalender)?jahres\b"
_RECURRING_NUM = re.compile(rf"\b(\d{{1,2}})\.\s?(\d{{1,2}})\.\s*{_YEARLY}", re.I)
_RECURRING_TXT = re.compile(rf"\b(\d{{1,2}})\.?\s+({_MONTH_RE})\.?\s+{_YEARLY}", re.I)
# The words between two dates of one list ("15.01., 15.04. und 15.07.", "… oder am …").
_LIST_WORDS = r"\s*(?:,|und|sowie|oder|bzw\.)\s*"
_LIST_JOIN = _LIST_WORDS + r"(?:(?:der|den|dem|zum|am)\s+)?"
# The earlier dates of a list of yearly cut-offs ("15.01., 15.04. und 15.07. jedes Jahres"),
# read backwards from the date that carries "jedes Jahres".
_PRECEDING_NUM = re.compile(
    rf"(?<![\d.])(?P<date>(\d{{1,2}})\.\s?(\d{{1,2}})\.){_LIST_JOIN}$", re.I
)
_PRECEDING_TXT = re.compile(rf"\b(?P<date>(\d{{1,2}})\.?\s+({_MONTH_RE})\.?){_LIST_JOIN}$", re.I)
# "jeweils am 31.03. und 30.09.", "jährlich zum 15. Januar": day and month without a year
# after a word of repetition are yearly cut-offs too; the later dates of the list follow.
_NO_YEAR = r"(?!\s?\d)"
_DAY_MONTH = (
    rf"(?P<date>(?P<day>\d{{1,2}})\.\s?(?P<month>\d{{1,2}})\.{_NO_YEAR}"
    rf"|(?P<tday>\d{{1,2}})\.?\s+(?P<tmonth>{_MONTH_RE})\b\.?{_NO_YEAR})"
)
_REPEATED = re.compile(
    rf"\b(?:jeweils|(?:all)?jährlich)\s+(?:(?:am|zum|bis(?:\s+zum)?)\s+)?{_DAY_MONTH}", re.I
)
_FOLLOWING = re.compile(rf"{_LIST_JOIN}{_DAY_MONTH}", re.I)
# "Ende März 2027": the month's last day.
_END_OF_MONTH = re.compile(rf"\bEnde\s+({_MONTH_RE})\.?\s+(\d{{4}})\b", re.I)
_ISO = re.compile(r"\b(\d{4})-(\d{2})-(\d{2})(?:[T ][0-9:.]+(?:Z|[+-]\d{2}:?\d{2})?)?")
_NUMERIC = re.compile(r"(?<![\d.])(\d{1,2})\.\s?(\d{1,2})\.\s?(\d{4}|\d{2})(?![\d])")
_TEXTUAL = re.compile(rf"\b(\d{{1,2}})\.?\s+({_MONTH_RE})\.?,?\s+(\d{{4}})\b", re.I)
_ENGLISH = re.compile(rf"\b({_MONTH_RE})\.?\s+(\d{{1,2}}),\s+(\d{{4}})\b", re.I)


@dataclass(frozen=True, slots=True)
class DateMatch:
    """A date found in text, with its position and whether it recurs every year."""

    value: date
    start: int
    end: int
    recurring: bool = False


def _make_date(year: int | str, month: int, day: int) -> date | None:
    # Only a year written with two digits is short for 20xx: "0001" is year 1, not 2001.
    number = int(year) + 2000 if isinstance(year, str) and len(year) == 2 else int(year)
    try:
        return date(number, month, day)
    except ValueError:
        return None


def next_occurrence(month: int, day: int, reference: date) -> date:
    """The next date with this month and day on or after `reference` (29 Feb → 28 Feb)."""
    for year in (reference.year, reference.year + 1):
        candidate = _make_date(year, month, day) or _make_date(year, month, day - 1)
        if candidate and candidate >= reference:
            return candidate
    return date(reference.year + 1, month, min(day, 28))


# "Förderanträge bis 2027 und dabei spätestens bis zum 30.09. jeden Jahres": a bare year
# after "bis" ends the yearly rounds (not "bis 31.12.2027" or "bis 2027-03-31").
# Not a year but a number: "bis 2000 Einwohner", "bis 2000 Euro", "bis 2000 m²" (a noun or a
# unit after it), nor a date "bis 2027-03-31".
_UNTIL_YEAR = re.compile(
    r"\b(?i:bis)\s+(?:(?i:Ende|einschließlich|(?:zum|ins|in\s+das)\s+Jahr)\s+)?(20\d{2})\b"
    r"(?![.\-/]\d)(?!\s*(?:[A-ZÄÖÜ€%\d]|(?i:m²|qm|ha|km|kg|mio|tsd)\b))"
)
# The end of a sentence: not the dot of a day or month ("bis zum 30.09. jeden Jahres"), but
# that of a year ("… lief von 2021 bis 2025. Seit 2026 …") or of a word.
_SENTENCE_END = re.compile(r"(?<!\b\d)(?<!\b\d\d)[.!?;]\s+(?=[A-ZÄÖÜ])")
_ROUND_WINDOW = 120  # characters before a yearly date that may say when its rounds end


def _last_round(text: str, start: int) -> int | None:
    """The year a yearly cut-off's rounds end in, when the words just before it in its
    sentence say so; else None."""
    window = text[max(0, start - _ROUND_WINDOW) : start].rsplit("\n", 1)[-1]
    window = _SENTENCE_END.split(window)[-1]
    years = [int(m.group(1)) for m in _UNTIL_YEAR.finditer(window)]
    return years[-1] if years else None


def find_dates(text: str, reference: date | None = None) -> list[DateMatch]:
    """All dates in `text`, in order; yearly recurring ones resolved relative to `reference`."""
    reference = reference or date.today()
    found: list[DateMatch] = []
    taken: list[tuple[int, int]] = []

    def free(start: int, end: int) -> bool:
        return all(end <= s or start >= e for s, e in taken)

    def add(value: date | None, m: re.Match[str], recurring: bool = False) -> None:
        if value and free(m.start(), m.end()):
            found.append(DateMatch(value, m.start(), m.end(), recurring))
            taken.append((m.start(), m.end()))

    def add_yearly(day: int, month: int, start: int, end: int) -> bool:
        if not (1 <= month <= 12 and 1 <= day <= 31) or not free(start, end):
            return False
        value = next_occurrence(month, day, reference)
        last = _last_round(text, start)
        if last is not None and value.year > last:
            # the programme's rounds end that year: its last cut-off, however long ago
            value = _make_date(last, month, day) or _make_date(last, month, day - 1) or value
        found.append(DateMatch(value, start, end, True))
        taken.append((start, end))
        return True

    def add_preceding(start: int) -> None:
        # Walk back over "15.01., 15.04. und " before a yearly date: each is a cut-off too.
        while True:
            offset = max(0, start - 60)
            window = text[offset:start]
            m = _PRECEDING_NUM.search(window) or _PRECEDING_TXT.search(window)
            if m is None:
                return
            month = m.group(3)
            number = int(month) if month.isdigit() else MONTHS[month.lower()]
            if not add_yearly(int(m.group(2)), number, offset + m.start(), offset + m.end("date")):
                return
            start = offset + m.start()

    def add_listed(m: re.Match[str]) -> bool:
        if m["day"]:
            day, month = int(m["day"]), int(m["month"])
        else:
            day, month = int(m["tday"]), MONTHS[m["tmonth"].lower()]
        return add_yearly(day, month, m.start("date"), m.end("date"))

    for m in _REPEATED.finditer(text):
        following: re.Match[str] | None = m
        while following is not None and add_listed(following):
            following = _FOLLOWING.match(text, following.end())
    for m in _RECURRING_NUM.finditer(text):
        if add_yearly(int(m.group(1)), int(m.group(2)), m.start(), m.end()):
            add_preceding(m.start())
    for m in _RECURRING_TXT.finditer(text):
        if add_yearly(int(m.group(1)), MONTHS[m.group(2).lower()], m.start(), m.end()):
            add_preceding(m.start())
    for m in _END_OF_MONTH.finditer(text):
        year, month = int(m.group(2)), MONTHS[m.group(1).lower()]
        add(date(year, month, calendar.monthrange(year, month)[1]), m)
    for m in _ISO.finditer(text):
        add(_make_date(int(m.group(1)), int(m.group(2)), int(m.group(3))), m)
    for m in _TEXTUAL.finditer(text):
        add(_make_date(int(m.group(3)), MONTHS[m.group(2).lower()], int(m.group(1))), m)
    for m in _ENGLISH.finditer(text):
        add(_make_date(int(m.group(3)), MONTHS[m.group(1).lower()], int(m.group(2))), m)
    for m in _NUMERIC.finditer(text):
        add(_make_date(m.group(3), int(m.group(2)), int(m.group(1))), m)
    found.sort(key=lambda d: d.start)
    return found


def parse_date(value: str | None, reference: date | None = None) -> date | None:
    """Read one date value: ISO, RFC 822, `30.09.2026`, `30. September 2026`, `30.09. jeden Jahres`.

    Empty values give None; a value that holds no readable date raises ValueError.
    """
    return parse_date_time(value, reference)[0]


def parse_date_time(
    value: str | None, reference: date | None = None
) -> tuple[date | None, str | None]:
    """Read one date value with its time of day, when it has one: (day, "HH:MM") in German
    time, or (day, None). `2027-03-24T17:00:00+01:00`, `31.03.2027, 12:00 Uhr`,
    `17 September 2027 17:00:00 Brussels time`; midnight of an ISO value is no time (a date
    picker's rendering of a day).

    Empty values give (None, None); a value that holds no readable date raises ValueError.
    """
    if value is None:
        return None, None
    text = str(value).strip()
    if not text:
        return None, None
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}.*", text):
        try:
            moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
        except ValueError:
            pass
        else:
            return _iso_day_time(moment, timed=len(text) > 10)
    if re.match(r"^(?:[A-Za-z]{3},\s*)?\d{1,2}\s+[A-Za-z]{3}\s+\d{4}\s+\d", text):
        try:
            return parsedate_to_datetime(text).date(), None
        except (TypeError, ValueError):
            pass
    matches = find_dates(text, reference)
    if matches:
        return time_after_date(text, matches[0], len(text))
    raise ValueError(f"Datum nicht lesbar: {text!r}")


def _iso_day_time(moment: datetime, *, timed: bool) -> tuple[date, str | None]:
    """The German day and clock time of an ISO moment.

    A UTC time is a machine's rendering (a German date picker's midnight becomes 22:00Z the
    day before): its German day counts. A local offset (Brussels, +02:00) is the day the
    publisher wrote; its clock time is given in German time when that falls on the same day
    (Brussels time is German time), else left out rather than moved to another day.
    """
    day = moment.date()
    local = moment
    if moment.utcoffset() == timedelta(0):
        local = moment.astimezone(GERMAN_TZ)
        day = local.date()
    elif moment.tzinfo is not None:
        local = moment.astimezone(GERMAN_TZ)
        if local.date() != day:
            return day, None
    if not timed or (local.hour, local.minute) == (0, 0):
        return day, None
    return day, f"{local.hour:02d}:{local.minute:02d}"


def parse_deadline(value: str | None, reference: date | None = None) -> date | None:
    """Read a deadline field: a date as `parse_date` reads it, or None for "laufend",
    "jederzeit", "fortlaufend", "keine Frist" (open-ended, not unreadable).

    Anything else that holds no date raises ValueError, as in `parse_date`.
    """
    return parse_deadline_time(value, reference)[0]


def parse_deadline_time(
    value: str | None, reference: date | None = None
) -> tuple[date | None, str | None]:
    """`parse_deadline` with the deadline's time of day ("HH:MM" German time) when given."""
    try:
        return parse_date_time(value, reference)
    except ValueError:
        if says_rolling(value):
            return None, None
        raise


def says_rolling(value: str | None) -> bool:
    """Whether a text says applications are open-ended ("laufend", "jederzeit", "keine Frist")."""
    return bool(_ROLLING.search(str(value or "")))


# --- times of day -----------------------------------------------------------------------

# Zones a deadline's time is given in. Brussels, MEZ/MESZ and CET/CEST are German time
# (written loosely all year round, so the clock time is kept as written); UTC is converted.
_ZONE = (
    r"(?P<zone>MESZ|MEZ|CEST|CET|UTC|GMT|"
    r"(?:Brussels|Brüsseler|Berliner|Berlin|deutscher|German)\s+(?:local\s+)?(?:Orts)?(?:time|zeit)|"
    r"Central\s+European\s+(?:Summer\s+)?Time|Ortszeit)"
)
_CLOCK = (
    r"(?P<h>[01]?\d|2[0-4])(?:(?P<sep>[:.])(?P<m>[0-5]\d)(?::[0-5]\d(?:\.\d+)?)?)?"
    r"(?:\s*(?P<uhr>Uhr|h\b))?"
)
# After the date: "31.03.2027, 12:00 Uhr", "31.03.2027 um 12 Uhr (MEZ)", "17 September 2027
# 17:00:00 Brussels time".
_TIME_AFTER = re.compile(
    rf"\s*[,(]?\s*(?:um\s+|bis\s+|-\s*|–\s*)?{_CLOCK}(?:\s*\(?\s*{_ZONE}\s*\)?)?(?![\w:])",
    re.I,
)
# Before the date: "bis 12:00 Uhr am 31.03.2027", "um 12 Uhr MEZ des 15.01.2027".
_TIME_BEFORE = re.compile(
    rf"(?<![\d.:]){_CLOCK}(?:\s*\(?\s*{_ZONE}\s*\)?)?\s*,?\s*(?:am|des|vom|dem|on)?\s*$",
    re.I,
)
_UTC_ZONES = ("UTC", "GMT")


_CLOCK_VALUE = re.compile(r"([01]?\d|2[0-3])(?:[:.]([0-5]\d)(?::[0-5]\d)?)?(?:\s*Uhr)?", re.I)


def parse_clock(value: str) -> str:
    """A time of day as typed or sent by a time field ("12:00", "9.30", "12 Uhr") as "HH:MM";
    ValueError for anything else."""
    m = _CLOCK_VALUE.fullmatch(value.strip())
    if m is None or (m.group(2) is None and "uhr" not in value.lower()):
        raise ValueError(f"Uhrzeit nicht lesbar: {value!r}")
    return f"{int(m.group(1)):02d}:{m.group(2) or '00'}"


def _clock(m: re.Match[str], day: date) -> tuple[date, str | None]:
    """(day, "HH:MM") of a time match when it really is a time (with "Uhr", a zone or
    "HH:MM"), in German time; (day, None) otherwise."""
    hour, minute = int(m.group("h")), int(m.group("m") or 0)
    zone = (m.group("zone") or "").upper()
    is_time = bool(m.group("uhr")) or (m.group("sep") == ":") or (bool(zone) and m.group("m"))
    if not is_time or hour > 24 or (hour == 24 and minute):
        return day, None
    if hour == 24:  # "24:00 Uhr" is the end of the day
        hour, minute = 23, 59
    if zone in _UTC_ZONES:
        moment = datetime(day.year, day.month, day.day, hour, minute, tzinfo=UTC)
        local = moment.astimezone(GERMAN_TZ)
        return local.date(), f"{local.hour:02d}:{local.minute:02d}"
    return day, f"{hour:02d}:{minute:02d}"


def time_after_date(
    text: str, match: DateMatch, limit: int, floor: int = 0
) -> tuple[date, str | None]:
    """The German day and time of day of a date found in `text`: the time written right
    after it (up to `limit`) or right before it (down to `floor`), or the time of an ISO
    moment; (day, None) when no time goes with the date."""
    written = text[match.start : match.end]
    if "T" in written or ":" in written:
        try:
            moment = datetime.fromisoformat(written.replace("Z", "+00:00"))
        except ValueError:
            pass
        else:
            return _iso_day_time(moment, timed=True)
    after = _TIME_AFTER.match(text, match.end, limit)
    if after:
        day, clock = _clock(after, match.value)
        if clock is not None:
            return day, clock
    before = _TIME_BEFORE.search(text[max(floor, match.start - 40) : match.start])
    if before:
        return _clock(before, match.value)
    return match.value, None


# --- deadlines --------------------------------------------------------------------------

STAGES = ("Interessenbekundung", "Projektskizze", "Antrag")
GENERIC_STAGE = "Frist"

_STAGE_CUES: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("Interessenbekundung", re.compile(r"interessen(?:s)?bekundung|expression of interest", re.I)),
    (
        "Projektskizze",
        re.compile(r"skizze|projektidee|ideenskizze|konzept(?:papier)?|first stage|stage 1", re.I),
    ),
    (
        "Antrag",
        re.compile(
            r"antr[aä]g|antragstellung|vollantr|bewerbung|einreichung der unterlagen|"
            r"proposal|application|second stage|stage 2",
            re.I,
        ),
    ),
)
# "Frist" alone or as the end of a compound noun (Antragsfrist, Einreichungsfristen), not
# "befristet".
_DEADLINE_CUE = re.compile(
    r"\bfrist|\Bfrist(?:en)?\b|\bbis\s+(?:zum|spätestens|einschließlich|am)?|spätestens|einzureichen|"
    r"eingereicht|endet|enden\b|ende\b|stichtag|einsendeschluss|bewerbungsschluss|deadline|"
    r"\buntil\b|\bby\b|closes|closing|submission",
    re.I,
)
_OPENS_CUE = re.compile(
    r"\bab\s+(?:dem\s+)?$|\bab\s+sofort|beginnt|startet|möglich\s+ab|opens?\b|opening", re.I
)
_RANGE = re.compile(r"\b(?:vom|von)\s*$", re.I)
# Between two dates of one list ("15.01. und 15.07.", "31.01.2027 oder 28.02.2027"): the
# second date has the first one's role.
_LIST_ONLY = re.compile(_LIST_WORDS + r"(?:(?:der|den|dem|zum|am|bis(?:\s+zum)?)\s+)?", re.I)
# "Skizzen: 15.01.2027", "2. Stufe (Antrag): 30.04.2027": a stage named as a label.
_STAGE_LABEL = re.compile(
    r"(?:interessen(?:s)?bekundung(?:en)?|(?:projekt|ideen)?skizzen?|(?:voll|förder)?anträge?|"
    r"(?:voll|förder)?antrag|bewerbung(?:en)?)\s*\)?\s*:\s*$",
    re.I,
)
# What looks like a date but is not read as one: a quarter, "Mitte März 2027", a day and
# month without a year (and not yearly), an impossible date such as 30.02.2027.
_DATE_LIKE = re.compile(
    rf"\b[1-4]\.\s*Quartal\s+\d{{4}}|\bQ[1-4]\s*/?\s*\d{{4}}|"
    rf"\b(?:Anfang|Mitte)\s+(?:{_MONTH_RE})\.?\s+\d{{4}}|"
    r"(?<![\d.])\d{1,2}\.\s?\d{1,2}\.(?:\s?\d{2,4})?(?!\d)",
    re.I,
)
# "vom 31.03.2027 auf den 30.04.2027 verlängert", "31.03.2027 → 30.04.2027": the first date
# is the old one.
_MOVED_TO = re.compile(r"\s*(?:auf\s+(?:den\s+)?|→|->|⇒)\s*", re.I)
_MOVED = re.compile(
    r"verlänger|verschob|verschieb|vorgezogen|vorverleg|geändert|extended|postponed|moved", re.I
)
_ROLLING = re.compile(
    r"\blaufend\b|jederzeit|fortlaufend|ohne\s+(?:einreichungs|antrags)?frist|"
    r"keine\s+(?:einreichungs|antrags|bewerbungs)?frist|rolling|continuously\s+open|open-ended",
    re.I,
)
_EXHAUSTED = re.compile(
    r"antragsstopp|mittel\s+(?:sind\s+)?(?:bereits\s+)?(?:vollständig\s+)?ausgeschöpft|"
    r"keine\s+(?:weiteren|neuen)\s+anträge|vorzeitig\s+(?:beendet|geschlossen)|funds exhausted",
    re.I,
)
_SENTENCE_END = re.compile(r"(?<=[A-Za-zäöüß\)])[.!?;]\s+|\n")


@dataclass(slots=True)
class Deadlines:
    """What the text says about when to apply."""

    deadline: date | None = None
    deadlines: dict[str, date] = field(default_factory=dict)
    # The time of day ("HH:MM", German time) of the deadline and of each stage, when the text
    # gives one ("bis 31.03.2027, 12:00 Uhr").
    deadline_time: str | None = None
    times: dict[str, str] = field(default_factory=dict)
    opens: date | None = None
    rolling: bool = False
    exhausted: bool = False
    # Deadlines the text gives in a form that is not read ("Antragsfrist: 1. Quartal 2027",
    # "bis 31.3." without a year): not guessed, but named so that someone looks.
    unread: list[str] = field(default_factory=list)


def _clause_before(text: str, pos: int, floor: int) -> str:
    start = max(floor, pos - 200)
    window = text[start:pos]
    ends = list(_SENTENCE_END.finditer(window))
    return window[ends[-1].end() :] if ends else window


def extract_deadlines(text: str, reference: date | None = None) -> Deadlines:
    """Find deadlines by stage, the opening date, "laufend" and "Mittel ausgeschöpft" in text.

    `deadline` is the next stage deadline on or after `reference`; when all are past, the
    latest one (so that the call shows as closed).
    """
    reference = reference or date.today()
    result = Deadlines()
    if not text:
        return result
    prev_end = 0
    inherited: str | None = None  # the stage a listed or moved-to date takes over
    matches = find_dates(text, reference)
    for index, match in enumerate(matches):
        clause = _clause_before(text, match.start, prev_end)
        gap = text[prev_end : match.start]
        floor, prev_end = prev_end, match.end
        stage = None
        if inherited and _is_list_or_move(clause):
            stage = inherited
        elif inherited and _one_sentence(gap) and _names_stage(clause):
            # "Frist für Skizzen ist der 15.01. und für Anträge der 30.04.": same sentence,
            # another stage
            stage = _stage(clause)
        inherited = None
        following = matches[index + 1] if index + 1 < len(matches) else None
        if following is not None and _moved_away(text, clause, match, following):
            # the old date of a moved deadline: the next date takes its role
            if _DEADLINE_CUE.search(clause) or match.recurring or stage:
                inherited = stage or _stage(clause)
            continue
        if stage is None:
            if _RANGE.search(clause) and re.match(r"\s*bis", text[match.end : match.end + 8]):
                result.opens = result.opens or match.value
                continue
            if _OPENS_CUE.search(clause) and not _DEADLINE_CUE.search(clause[-25:]):
                result.opens = result.opens or match.value
                continue
            if not (_DEADLINE_CUE.search(clause) or _STAGE_LABEL.search(clause) or match.recurring):
                continue
            stage = _stage(clause)
        inherited = stage
        current = result.deadlines.get(stage)
        # Of two dates for one stage, keep the next upcoming one (e.g. yearly dates).
        if current is None or _better(match.value, current, reference):
            limit = following.start if following is not None else len(text)
            day, clock = time_after_date(text, match, limit, floor)
            result.deadlines[stage] = day
            result.times.pop(stage, None)
            if clock is not None:
                result.times[stage] = clock
    if result.deadlines:
        upcoming = [d for d in result.deadlines.values() if d >= reference]
        result.deadline = min(upcoming) if upcoming else max(result.deadlines.values())
        result.deadline_time = next(
            (
                result.times[stage]
                for stage, day in result.deadlines.items()
                if day == result.deadline and stage in result.times
            ),
            None,
        )
    result.unread = _unread_deadlines(text, matches)
    result.rolling = result.deadline is None and bool(_ROLLING.search(text))
    result.exhausted = bool(_EXHAUSTED.search(text))
    return result


def _unread_deadlines(text: str, matches: list[DateMatch]) -> list[str]:
    """The date-like phrases after a deadline cue that no date was read from, with their
    clause ("Antragsfrist: 1. Quartal 2027")."""
    out: list[str] = []
    previous = 0  # the end of the last date-like phrase: a clause starts after it
    for m in _DATE_LIKE.finditer(text):
        if any(d.start < m.end() and m.start() < d.end for d in matches):
            continue  # read
        floor = max([previous, *(d.end for d in matches if d.end <= m.start())])
        previous = m.end()
        clause = _clause_before(text, m.start(), floor)
        if not (_DEADLINE_CUE.search(clause) or _STAGE_LABEL.search(clause)):
            continue
        phrase = " ".join((clause + m.group(0)).split()).lstrip(",;:)–- ")
        out.append(phrase if len(phrase) <= 80 else "…" + phrase[-79:])
    return out


def _stage(clause: str) -> str:
    """The stage a deadline's clause names (Projektskizze, Antrag …), else the generic one."""
    for name, cue in _STAGE_CUES:
        if cue.search(clause):
            return name
    return GENERIC_STAGE


def _one_sentence(gap: str) -> bool:
    """Whether the text between two dates ends no sentence (a "." right after a date too)."""
    return not (_SENTENCE_END.search(gap) or re.match(r"[.!?;]\s", gap))


def _names_stage(clause: str) -> bool:
    return any(cue.search(clause) for _name, cue in _STAGE_CUES) and not _OPENS_CUE.search(clause)


def _is_list_or_move(clause: str) -> bool:
    return bool(_LIST_ONLY.fullmatch(clause) or _MOVED_TO.fullmatch(clause))


def _moved_away(text: str, clause: str, match: DateMatch, following: DateMatch) -> bool:
    """Whether `match` is the old date of "vom <alt> auf den <neu> verlängert" and the like."""
    if not _MOVED_TO.fullmatch(text[match.end : following.start]):
        return False
    return bool(_MOVED.search(clause) or _MOVED.search(text[following.end : following.end + 40]))


def _better(new: date, old: date, reference: date) -> bool:
    if (new >= reference) != (old >= reference):
        return new >= reference
    return new < old if new >= reference else new > old


# --- status -----------------------------------------------------------------------------

STATUS_ANNOUNCED = "angekündigt"
STATUS_OPEN = "offen"
STATUS_ROLLING = "laufend"
STATUS_CLOSED = "geschlossen"
STATUS_EXHAUSTED = "Mittel ausgeschöpft"
STATUS_UNLISTED = "nicht mehr gelistet"
STATUSES = (
    STATUS_ANNOUNCED,
    STATUS_OPEN,
    STATUS_ROLLING,
    STATUS_CLOSED,
    STATUS_EXHAUSTED,
    STATUS_UNLISTED,
)

_STATUS_WORDS: dict[str, str] = {
    "forthcoming": STATUS_ANNOUNCED,
    "angekündigt": STATUS_ANNOUNCED,
    "geplant": STATUS_ANNOUNCED,
    "demnächst": STATUS_ANNOUNCED,
    "31094501": STATUS_ANNOUNCED,
    "open": STATUS_OPEN,
    "offen": STATUS_OPEN,
    "geöffnet": STATUS_OPEN,
    "aktiv": STATUS_OPEN,
    "31094502": STATUS_OPEN,
    "laufend": STATUS_ROLLING,
    "fortlaufend": STATUS_ROLLING,
    "rolling": STATUS_ROLLING,
    "closed": STATUS_CLOSED,
    "geschlossen": STATUS_CLOSED,
    "beendet": STATUS_CLOSED,
    "abgelaufen": STATUS_CLOSED,
    "31094503": STATUS_CLOSED,
    "antragsstopp": STATUS_EXHAUSTED,
    "mittel ausgeschöpft": STATUS_EXHAUSTED,
    "ausgeschöpft": STATUS_EXHAUSTED,
    "nicht mehr gelistet": STATUS_UNLISTED,
}


def normalise_status(value: str) -> str:
    """Map a source's status word or code to the status vocabulary; unknown kept as written."""
    key = value.strip().casefold()
    return _STATUS_WORDS.get(key, value.strip())


def derive_status(
    *,
    opens: date | None,
    deadline: date | None,
    reference: date | None = None,
    exhausted: bool = False,
    rolling: bool = False,
) -> str:
    """The status implied by the dates: angekündigt, offen, laufend or geschlossen.

    "laufend" only when the source says so (`rolling`): a call without any deadline found is
    "offen" – its deadline reads "Keine Frist angegeben", not a promise the source never made.
    """
    reference = reference or date.today()
    if exhausted:
        return STATUS_EXHAUSTED
    if deadline is not None and deadline < reference:
        return STATUS_CLOSED
    if opens is not None and opens > reference:
        return STATUS_ANNOUNCED
    if deadline is None and rolling:
        return STATUS_ROLLING
    return STATUS_OPEN


# --- amounts and rates ------------------------------------------------------------------

_MULTIPLIERS: dict[str, float] = {
    "mio": 1e6,
    "mio.": 1e6,
    "million": 1e6,
    "millionen": 1e6,
    "millions": 1e6,
    "m": 1e6,
    "mrd": 1e9,
    "mrd.": 1e9,
    "milliarde": 1e9,
    "milliarden": 1e9,
    "billion": 1e9,
    "tsd": 1e3,
    "tsd.": 1e3,
    "tausend": 1e3,
    "k": 1e3,
}
_CURRENCY = r"(?:EUR|Euro|€)"
_NUMBER = r"\d{1,3}(?:[.\u202f\u00a0 ]\d{3})+(?:,\d+)?|\d+(?:[.,]\d+)?"
_MULT = r"Mio\.?|Millionen|Million(?:s)?|Mrd\.?|Milliarden?|billion|Tsd\.?|Tausend|[mk](?![a-z])"
_AMOUNT = re.compile(
    rf"(?P<pre>{_CURRENCY})?\s*(?P<num>{_NUMBER})\s*(?P<mult>{_MULT})?\s*(?P<post>{_CURRENCY})?",
    re.I,
)


def _to_number(raw: str, has_multiplier: bool) -> float:
    raw = raw.replace("\u202f", " ").replace("\u00a0", " ")
    if re.fullmatch(r"\d{1,3}(?:[. ]\d{3})+(?:,\d+)?", raw):
        # German thousands separators: "1.000.000", "500.000,50", "2 500 000".
        return float(raw.replace(".", "").replace(" ", "").replace(",", "."))
    if "," in raw:
        return float(raw.replace(",", "."))
    if "." in raw:
        whole, frac = raw.split(".", 1)
        # "1.5 million" is a decimal; "500.000" without multiplier was handled above.
        return float(raw) if has_multiplier or len(frac) != 3 else float(whole + frac)
    return float(raw)


def _amounts(text: str) -> list[tuple[float, int, int]]:
    out: list[tuple[float, int, int]] = []
    for m in _AMOUNT.finditer(text):
        if not (m.group("pre") or m.group("post")):
            continue
        mult = (m.group("mult") or "").lower()
        value = _to_number(m.group("num"), bool(mult)) * _MULTIPLIERS.get(mult, 1.0)
        out.append((value, m.start(), m.end()))
    return out


def parse_amount(value: str | None) -> float | None:
    """Read one amount such as `bis zu 1 Mio. Euro`, `500.000 €`, `EUR 2 500 000`.

    Empty gives None; text without a readable euro amount raises ValueError.
    """
    if value is None or not str(value).strip():
        return None
    text = str(value)
    found = _amounts(text)
    if not found:
        # a field holding just a number: "250.000", "1,5 Mio."
        bare = parse_number(text)
        if bare is not None:
            return bare
        raise ValueError(f"Betrag nicht lesbar: {text!r}")
    return max(v for v, _, _ in found)


_BARE_NUMBER = re.compile(rf"\s*(?P<num>{_NUMBER})\s*(?P<mult>{_MULT})?\s*%?\s*", re.I)


def parse_number(value: str) -> float | None:
    """A number alone, as written in German: "250.000", "25.000,50", "1,5", "1,5 Mio.", "80 %".

    None when the text is anything else (words, signs, "nan", "1e9").
    """
    m = _BARE_NUMBER.fullmatch(value)
    if m is None:
        return None
    mult = (m.group("mult") or "").lower()
    return _to_number(m.group("num"), bool(mult)) * _MULTIPLIERS.get(mult, 1.0)


_AMOUNT_CUE = re.compile(
    r"bis\s+zu|maximal|höchstens|höchstbetrag|max\.|obergrenze|up\s+to|maximum|"
    r"zuschuss|zuwendung|förder|gefördert|erhalten|beteiligung|grant|funding|contribution",
    re.I,
)
_AMOUNT_EXCLUDE = re.compile(
    r"umsatz|bilanzsumme|beschäftigte|insgesamt\s+stehen|gesamtbudget|gesamtvolumen|"
    r"stehen\s+(?:insgesamt\s+)?(?:rund\s+)?|budget|mindest|mindestens|minimum|at\s+least",
    re.I,
)


def max_amount_in_text(text: str) -> float | None:
    """The largest per-project amount the text names as a maximum (not budgets or turnover)."""
    best: float | None = None
    for value, start, _end in _amounts(text or ""):
        clause = _clause_before(text, start, 0)
        if not _AMOUNT_CUE.search(clause) or _AMOUNT_EXCLUDE.search(clause):
            continue
        best = value if best is None else max(best, value)
    return best


_RATE = re.compile(r"(\d{1,3}(?:[.,]\d+)?)\s*(?:%|Prozent|per\s?cent)", re.I)
_RATE_CUE = re.compile(
    r"förderquote|fördersatz|förderfähig|zuwendungsfähig|ausgaben|kosten|zuschuss|gefördert|"
    r"förderung|funding rate|eligible costs|co-?financ",
    re.I,
)
_RATE_EXCLUDE = re.compile(r"eigenanteil|eigenmittel|eigenbeteiligung|beteiligungen?\s+<", re.I)


def parse_rate(value: str | None) -> float | None:
    """Read one funding rate (`90 %`, `80 Prozent`, `0.9`) as a share between 0 and 1."""
    if value is None or not str(value).strip():
        return None
    text = str(value)
    m = _RATE.search(text)
    if m:
        number = float(m.group(1).replace(",", "."))
    else:
        try:
            number = float(text.strip().replace(",", "."))
        except ValueError:
            raise ValueError(f"Förderquote nicht lesbar: {text!r}") from None
        if 0 <= number <= 1:
            return number
    if not 0 <= number <= 100:  # also refuses negative numbers, NaN and infinity
        raise ValueError(f"Förderquote außerhalb von 0–100 %: {text!r}")
    return round(number / 100, 4)


def rate_in_text(text: str) -> float | None:
    """The highest funding rate the text names for eligible costs (not the own share)."""
    best: float | None = None
    for m in _RATE.finditer(text or ""):
        number = float(m.group(1).replace(",", "."))
        if number > 100:
            continue
        window = text[max(0, m.start() - 120) : m.end() + 80]
        if not _RATE_CUE.search(window) or _RATE_EXCLUDE.search(
            text[max(0, m.start() - 60) : m.start()]
        ):
            continue
        share = round(number / 100, 4)
        best = share if best is None else max(best, share)
    return best


# --- applicant types --------------------------------------------------------------------

KOMMUNE = "Kommune"
LANDKREIS = "Landkreis"
GEMEINDE = "Gemeinde unterhalb der Kreisebene"
KOMMUNALES_UNTERNEHMEN = "kommunale Unternehmen"
SCHULTRAEGER = "Schulträger"
VEREIN = "Verein"
UNTERNEHMEN = "Unternehmen"
KMU = "KMU"
HOCHSCHULE = "Hochschule"
FORSCHUNG = "Forschungseinrichtung"
PRIVATPERSON = "Privatperson"
APPLICANT_TYPES = (
    KOMMUNE,
    LANDKREIS,
    GEMEINDE,
    KOMMUNALES_UNTERNEHMEN,
    SCHULTRAEGER,
    VEREIN,
    UNTERNEHMEN,
    KMU,
    HOCHSCHULE,
    FORSCHUNG,
    PRIVATPERSON,
)

# (pattern, labels); longer, more specific phrases first so that "kleine und mittlere
# Unternehmen" is KMU and not also Unternehmen.
_APPLICANT_PATTERNS: tuple[tuple[str, tuple[str, ...]], ...] = (
    (
        r"kleinen?\s+und\s+mittler\w*\s+unternehmen|\bkmu\b|\bsmes?\b|mittelständische\w*\s+unternehmen|"
        r"small\s+and\s+medium[- ]sized\s+enterprises|kleinstunternehmen|kleines\s+unternehmen|"
        r"mittleres\s+unternehmen",
        (KMU,),
    ),
    (
        r"kommunal\w*\s+unternehmen|kommunale[rn]?\s+gesellschaft\w*|stadtwerke|"
        r"municipal\s+(?:companies|enterprises|undertakings)|kommunale\s+eigenbetriebe",
        (KOMMUNALES_UNTERNEHMEN,),
    ),
    (
        r"kreisangehörig\w*\s+(?:städte\s+und\s+)?gemeinden|kreisangehörig\w*\s+städte(?:\s+und\s+gemeinden)?|"
        r"gemeinden\s+unterhalb\s+der\s+kreisebene|gemeinde\s+unterhalb\s+der\s+kreisebene|"
        r"städte\s+und\s+gemeinden|gemeinden\s+und\s+städte|\bgemeinden\b|\bgemeinde\b|"
        r"ortsgemeinden|verbandsgemeinden|samtgemeinden|"
        r"municipalities\s+below\s+(?:the\s+)?county\s+level",
        (GEMEINDE,),
    ),
    (
        r"landkreis\w*|\bkreise\b|\bkreis\b|kreisverwaltung\w*|\bcount(?:y|ies)\b|"
        r"\bdistricts?\b",
        (LANDKREIS,),
    ),
    (
        r"\bkommunen?\b|kommunale\w*\s+gebietskörperschaft\w*|gebietskörperschaft\w*|"
        r"kommunalverwaltung\w*|kreisfreie\w*\s+städte?|kommunale\w*\s+verbünde|"
        r"local\s+(?:and\s+regional\s+)?authorit(?:y|ies)|municipalit(?:y|ies)|"
        r"local\s+governments?|cities|regions?\s+and\s+cities",
        (KOMMUNE,),
    ),
    (r"schulträger\w*|träger\s+von\s+schulen|school\s+authorit(?:y|ies)", (SCHULTRAEGER,)),
    (r"verband/vereinigung", (VEREIN, "Verband")),
    (
        r"\bvereine?\b|eingetragene\w*\s+vereine?|gemeinnützige\w*\s+(?:vereine?|organisation\w*)|"
        r"\be\.\s?v\.|non[- ]profit\s+organi[sz]ations?|\bngos?\b|associations?",
        (VEREIN,),
    ),
    (r"\bverbände\b|\bverband\b", ("Verband",)),
    (r"zweckverbände|zweckverband", ("Zweckverband",)),
    (
        r"\bhochschule\w*|\buniversität\w*|\bfachhochschule\w*|universities|university|"
        r"higher\s+education\s+institutions?",
        (HOCHSCHULE,),
    ),
    (
        r"außeruniversitär\w*\s+forschungseinrichtung\w*|forschungseinrichtung\w*|"
        r"forschungsinstitut\w*|research\s+(?:organi[sz]ations?|institutions?|centres?)",
        (FORSCHUNG,),
    ),
    (
        r"privatperson\w*|natürliche\s+personen|bürgerinnen\s+und\s+bürger|privathaushalte|"
        r"individuals|private\s+persons",
        (PRIVATPERSON,),
    ),
    (
        r"öffentliche\s+einrichtung\w*|public\s+bodies|public\s+authorities",
        ("Öffentliche Einrichtung",),
    ),
    (r"bildungseinrichtung\w*", ("Bildungseinrichtung",)),
    (
        r"existenzgründer(?:/in|innen)?\w*|gründerinnen\s+und\s+gründer|start-?ups?",
        ("Existenzgründer",),
    ),
    (
        r"unternehmen|firmen|\bbetriebe\b|companies|enterprises|undertakings|businesses|"
        r"private\s+sector",
        (UNTERNEHMEN,),
    ),
)
_APPLICANT_RES = tuple((re.compile(p, re.I), labels) for p, labels in _APPLICANT_PATTERNS)

_CODE_LABELS: dict[str, tuple[str, ...]] = {
    "kommune": (KOMMUNE,),
    "landkreis": (LANDKREIS,),
    "gemeinde": (GEMEINDE,),
    "unternehmen": (UNTERNEHMEN,),
    "kmu": (KMU,),
    "kleinstunternehmen": (KMU,),
    "kleines_unternehmen": (KMU,),
    "mittleres_unternehmen": (KMU,),
    "grosses_unternehmen": (UNTERNEHMEN,),
    "hochschule": (HOCHSCHULE,),
    "forschungseinrichtung": (FORSCHUNG,),
    "privatperson": (PRIVATPERSON,),
    "verband_vereinigung": (VEREIN, "Verband"),
    "oeffentliche_einrichtung": ("Öffentliche Einrichtung",),
    "bildungseinrichtung": ("Bildungseinrichtung",),
    "existenzgruenderin": ("Existenzgründer",),
    "schultraeger": (SCHULTRAEGER,),
}


def normalise_applicant(value: str) -> list[str]:
    """Map one applicant label or code to the vocabulary; unknown labels are kept as written."""
    raw = value.strip().strip(".;:")
    if not raw:
        return []
    code = raw.casefold()
    if code in _CODE_LABELS:
        return list(_CODE_LABELS[code])
    found = _match_applicants(raw)
    return found or [raw]


def normalise_applicants(values: str | list[str] | tuple[str, ...]) -> list[str]:
    """Normalise a list (or a comma-separated string) of applicant types, keeping order."""
    items = _split_list(values) if isinstance(values, str) else list(values)
    out: list[str] = []
    for item in items:
        for label in normalise_applicant(item):
            if label not in out:
                out.append(label)
    return out


def _split_list(value: str) -> list[str]:
    return [p.strip() for p in re.split(r"[,;]|\s+und\s+(?=[A-ZÄÖÜ])", value) if p.strip()]


def _match_applicants(text: str) -> list[str]:
    taken: list[tuple[int, int]] = []
    hits: list[tuple[int, str]] = []
    for regex, labels in _APPLICANT_RES:
        for m in regex.finditer(text):
            if any(not (m.end() <= s or m.start() >= e) for s, e in taken):
                continue
            taken.append((m.start(), m.end()))
            hits.extend((m.start(), label) for label in labels)
    out: list[str] = []
    for _, label in sorted(hits):
        if label not in out:
            out.append(label)
    return out


_ELIGIBILITY_CUE = re.compile(
    r"antragsberechtigt|zuwendungsempfänger|antragsteller|können\s+(?:anträge|sich)|"
    r"richtet\s+sich\s+an|\bwerden\b.{0,120}\bgefördert\b|gefördert\s+werden\s+(?:können\s+)?(?!folgende)|förderberechtigt|"
    r"bewerben\s+können|teilnahmeberechtigt|eligible|who\s+can\s+apply|open\s+to|"
    r"aufgerufen\s+sind|können\s+.{0,80}\s+beantragen",
    re.I,
)
_NEGATION = re.compile(
    r"\bnicht\b|ausgenommen|ausgeschlossen|\bkeine\b|not\s+eligible|excluded|\bnot\b", re.I
)


def applicants_in_text(text: str) -> list[str]:
    """Applicant types named in the text's eligibility sentences; negated clauses are skipped."""
    out: list[str] = []
    for sentence in _sentences(text or ""):
        if not _ELIGIBILITY_CUE.search(sentence):
            continue
        for clause in re.split(r";|,\s*(?:aber|jedoch|nicht aber)\b|\bwhereas\b|\.\s", sentence):
            if _NEGATION.search(clause):
                continue
            for label in _match_applicants(clause):
                if label not in out:
                    out.append(label)
    return out


def _sentences(text: str) -> list[str]:
    parts: list[str] = []
    start = 0
    for m in _SENTENCE_END.finditer(text):
        if text[m.start()] in ";:":
            continue
        parts.append(text[start : m.start() + 1])
        start = m.end()
    parts.append(text[start:])
    return [p for p in parts if p.strip()]


# --- regions, funding types, topics -----------------------------------------------------

_REGIONS: dict[str, str] = {
    "bundesweit": "Bund",
    "_bundesweit": "Bund",
    "bund": "Bund",
    "deutschland": "Bund",
    "germany": "Bund",
    "nordrhein-westfalen": "NRW",
    "nordrhein_westfalen": "NRW",
    "nrw": "NRW",
    "eu": "EU",
    "europa": "EU",
    "europäische union": "EU",
    "european union": "EU",
    # The Förderdatenbank's Fördergebiet codes (its filter sidebar explains them, but a
    # programme page re-read without a list page must not show "sachsen").
    "baden_wuerttemberg": "Baden-Württemberg",
    "bayern": "Bayern",
    "berlin": "Berlin",
    "brandenburg": "Brandenburg",
    "bremen": "Bremen",
    "hamburg": "Hamburg",
    "hessen": "Hessen",
    "de_ni": "Niedersachsen",
    "saarland": "Saarland",
    "sachsen": "Sachsen",
    "de_st": "Sachsen-Anhalt",
    "mecklenburg_vorpommern": "Mecklenburg-Vorpommern",
    "rheinland_pfalz": "Rheinland-Pfalz",
    "schleswig_holstein": "Schleswig-Holstein",
    "thueringen": "Thüringen",
}


def normalise_region(value: str) -> str:
    """Map region labels and codes (bundesweit → Bund, Nordrhein-Westfalen → NRW); keep others."""
    parts = [p.strip() for p in re.split(r"[,;]", value or "") if p.strip()]
    out: list[str] = []
    for part in parts:
        key = part.casefold()
        label = _REGIONS.get(key)
        if label is None:
            label = part.replace("_", " ").title() if "_" in part else part
        if label not in out:
            out.append(label)
    return ", ".join(out)


_FUNDING_TYPES: dict[str, str] = {
    "zuschuss": "Zuschuss",
    "zuschüsse": "Zuschuss",
    "grant": "Zuschuss",
    "grants": "Zuschuss",
    "darlehen": "Darlehen",
    "kredit": "Darlehen",
    "loan": "Darlehen",
    "buergschaft": "Bürgschaft",
    "bürgschaft": "Bürgschaft",
    "garantie": "Garantie",
    "beteiligung": "Beteiligung",
    "sonstige": "Sonstige",
    "preis": "Preis",
    "wettbewerb": "Preis",
    "prize": "Preis",
    "beratung": "Beratung",
}


def normalise_funding_type(value: str) -> str:
    """Map funding-type labels and codes (zuschuss → Zuschuss, grant → Zuschuss); keep others."""
    parts = [p.strip() for p in re.split(r"[,;]", value or "") if p.strip()]
    out: list[str] = []
    for part in parts:
        label = _FUNDING_TYPES.get(part.casefold(), part)
        if label not in out:
            out.append(label)
    return ", ".join(out)


# Förderdatenbank "Förderbereich" codes → labels (from the search page's filter sidebar).
TOPIC_LABELS: dict[str, str] = {
    "arbeit": "Arbeit",
    "aus_weiterbildung": "Aus- & Weiterbildung",
    "aussenwirtschaft": "Außenwirtschaft",
    "beratung": "Beratung",
    "corona": "Corona-Hilfe",
    "digitalisierung": "Digitalisierung",
    "energieeffizienz_erneuerbare_energien": "Energieeffizienz & Erneuerbare Energien",
    "existenzgruendung_festigung": "Existenzgründung & -festigung",
    "forschung_innovation_themenoffen": "Forschung & Innovation (themenoffen)",
    "forschung_innovation_themenspezifisch": "Forschung & Innovation (themenspezifisch)",
    "frauenfoerderung": "Frauenförderung",
    "gesundheit_soziales": "Gesundheit & Soziales",
    "infrastruktur": "Infrastruktur",
    "kultur_medien_sport": "Kultur, Medien & Sport",
    "landwirtschaft_laendliche_entwicklung": "Landwirtschaft & Ländliche Entwicklung",
    "messen_ausstellungen": "Messen & Ausstellungen",
    "mobilitaet": "Mobilität",
    "regionalfoerderung": "Regionalförderung",
    "smart_cities_regionen": "Smart Cities & Regionen",
    "staedtebau_stadterneuerung": "Städtebau & Stadterneuerung",
    "umwelt_naturschutz": "Umwelt- & Naturschutz",
    "unternehmensfinanzierung": "Unternehmensfinanzierung",
    "wohnungsbau_modernisierung": "Wohnungsbau & Modernisierung",
}
# Labels that contain the comma used to separate values; protected before splitting.
_COMMA_LABELS = tuple(label for label in TOPIC_LABELS.values() if "," in label)


def split_labels(value: str, code_labels: dict[str, str] | None = None) -> list[str]:
    """Split a comma-separated label list, keeping labels like "Kultur, Medien & Sport" whole
    and translating internal codes (`kultur_medien_sport`) to their labels."""
    code_labels = code_labels or TOPIC_LABELS
    text = value or ""
    protected: dict[str, str] = {}
    for i, label in enumerate(_COMMA_LABELS):
        if label in text:
            key = f"\x00{i}\x00"
            protected[key] = label
            text = text.replace(label, key)
    out: list[str] = []
    for part in text.split(","):
        part = part.strip()
        if not part:
            continue
        for key, label in protected.items():
            part = part.replace(key, label)
        label = code_labels.get(part.casefold(), part)
        if label not in out:
            out.append(label)
    return out


def clean_label(value: str) -> str:
    """Strip a meta label's trailing colon and internal code prefix (`Foerderart:` → ``)."""
    return re.sub(r"\s+", " ", value).strip().rstrip(":").strip()
