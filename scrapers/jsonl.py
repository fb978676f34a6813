"""Parse a JSONL file of call records (the format of DESIGN.md and data/eval/)."""

from __future__ import annotations

import calendar
import codecs
import json
import math
import re
from collections.abc import Callable, Mapping
from datetime import date
from functools import partial
from typing import Any, TypeVar

from scrapers import normalise as norm
from scrapers.encoding import not_utf8_problem
from scrapers.json_errors import json_reason
from scrapers.record import CallRecord, ParseError, web_link
from scrapers.yaml_errors import closest

_TEXT_FIELDS = (
    "funder",
    "programme",
    "summary",
    "text",
    "region",
    "funding_type",
    "status",
    "language",
)
_LIST_FIELDS = ("eligible", "topics")
_DATE_FIELDS = ("published", "opens", "deadline")
T = TypeVar("T")
_KNOWN = {
    "id", "external_id", "source", "url", "title", *_TEXT_FIELDS, *_LIST_FIELDS, *_DATE_FIELDS,
    "deadlines", "deadline_time", "deadline_times", "amount_max_eur", "funding_rate",
}  # fmt: skip


def parse_jsonl(
    body: bytes,
    name: str,
    default_source: str = "import",
    *,
    scraped: Mapping[str, bool] | None = None,
    scraped_from: str = "sources.yaml",
) -> list[CallRecord]:
    """All records of a JSONL file; every problem is collected and raised together.

    Raises ParseError naming the file, line and field of each error: an import is
    all-or-nothing, so the user sees everything to fix at once. `scraped` maps the names of
    the sources in the source list `scraped_from` to whether they are switched on: a line
    under one of them is refused (see `scraped_source_problem`).
    """
    scraped = scraped or {}
    try:
        text = body.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        # the decoder counts from after a BOM
        plain = body.removeprefix(codecs.BOM_UTF8)
        raise ParseError(not_utf8_problem(plain, exc), source=name) from None
    records: list[CallRecord] = []
    problems: list[str] = []
    seen: dict[tuple[str, str], int] = {}
    bad_lines = 0
    refused_exact = refused_variant = False
    for line_no, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            record = record_from_dict(_load_line(line), default_source)
        except ParseError as exc:
            bad_lines += 1
            for problem in getattr(exc, "problems", [exc]):
                field = f", Feld '{problem.field}'" if problem.field else ""
                problems.append(f"Zeile {line_no}{field}: {problem.message}")
            continue
        if owner := scraped_source_named(record.source, scraped):
            bad_lines += 1
            refused_exact |= owner == record.source
            refused_variant |= owner != record.source
            problems.append(
                f"Zeile {line_no}, Feld 'source': "
                + scraped_source_problem(record.source, owner, scraped[owner], scraped_from)
            )
            continue
        key = (record.source, record.external_id)
        if key in seen:
            bad_lines += 1
            problems.append(
                f"Zeile {line_no}, Feld 'id': '{record.external_id}' steht schon in Zeile {seen[key]}"
            )
            continue
        seen[key] = line_no
        records.append(record)
    if problems:
        hint = scraped_source_hint(exact=refused_exact, variant=refused_variant)
        raise ParseError(_describe_problems(problems, bad_lines, hint=hint), source=name)
    return records


def scraped_source_named(source: str, scraped: Mapping[str, bool]) -> str | None:
    """The source of `scraped` that `source` names, exactly or but for case and spaces
    around it ("Foerderdatenbank"), else None.

    Names are exact keys everywhere (`scrape NAME`, the Quelle filter), so a spelling that
    differs only in case would be a second source that reads like the first.
    """
    if source in scraped:
        return source
    folded = source.strip().casefold()
    return next((name for name in scraped if name.strip().casefold() == folded), None)


def scraped_source_problem(source: str, owner: str, enabled: bool, scraped_from: str) -> str:
    """Why `source` may not be used for imported calls: `scrape` owns it or `owner`, the
    source it names but for case (a switched-off source too: switched on again, its first
    run would mark the imported calls gone)."""
    named = (
        f"'{source}' ist eine Quelle"
        if source == owner
        else f"'{source}' unterscheidet sich nur in Groß-/Kleinschreibung von '{owner}', "
        "einer Quelle"
    )
    if enabled:
        return f"{named}, die `scrape` abruft ({scraped_from})"
    return f"{named} aus {scraped_from} (derzeit ausgeschaltet)"


def scraped_source_hint(*, exact: bool, variant: bool, option: bool = False) -> str:
    """Why scraped sources' names were refused and what to do instead; said once per file.

    `exact`: a name was a scraped source's own, `variant`: one differed from it only in
    case. `option`: the name came from `--source`, so the way out is the option.
    """
    if not (exact or variant):
        return ""
    why = []
    if exact:
        why.append(
            "Unter dem Namen einer Quelle, die `scrape` abruft, würde deren nächster Abruf jeden "
            "importierten Aufruf, den sie nicht listet, als verschwunden markieren."
        )
    if variant:
        why.append(
            "Ein Name, der sich vom Namen einer Quelle aus der Quellenliste nur in "
            "Groß-/Kleinschreibung unterscheidet, stünde im Filter „Quelle“ als zweite Quelle "
            "neben ihr."
        )
    way_out = (
        "Bitte bei --source einen eigenen Namen (etwa 'manuell') angeben oder --source "
        "weglassen: dann gilt die Vorgabe 'import'."
        if option
        else "Bitte in 'source' einen eigenen Namen (etwa 'manuell') eintragen oder 'source' "
        "weglassen: dann gilt --source QUELLE (Vorgabe 'import')."
    )
    return " ".join([*why, way_out])


def _describe_problems(problems: list[str], bad_lines: int, limit: int = 20, hint: str = "") -> str:
    """The message of a rejected file: the count of bad lines, then at most `limit` problems
    and, if given, a `hint` on how to go on."""
    lines = "Zeile" if bad_lines == 1 else "Zeilen"
    counted = f" mit {len(problems)} Fehlern" if len(problems) > bad_lines else ""
    hidden = len(problems) - limit
    more = f"\n  … und {hidden} {'weiterer Fehler' if hidden == 1 else 'weitere Fehler'}"
    return (
        f"{bad_lines} fehlerhafte {lines}{counted}, nichts importiert:\n  "
        + "\n  ".join(problems[:limit])
        + (more if hidden > 0 else "")
        + (f"\n{hint}" if hint else "")
    )


def _load_line(line: str) -> dict[str, Any]:
    try:
        obj = json.loads(line)
    except json.JSONDecodeError as exc:
        raise ParseError(f"kein gültiges JSON ({json_reason(exc)}, Spalte {exc.colno})") from None
    if not isinstance(obj, dict):
        raise ParseError("jede Zeile muss ein JSON-Objekt sein")
    for key, value in obj.items():
        try:
            json.dumps(value, ensure_ascii=False).encode("utf-8")
        except UnicodeEncodeError:
            # "\ud800" is valid JSON but no character: it could be neither stored nor shown.
            raise ParseError(
                "enthält ein ungültiges Zeichen (einzelnes Surrogat wie \\ud800)", field=str(key)
            ) from None
    return obj


class RecordProblems(ParseError):
    """Several problems of one record; `problems` holds each with its field.

    As a ParseError it reads as all of them joined and names the first field, so callers
    that show one message keep working.
    """

    def __init__(self, problems: list[ParseError]) -> None:
        self.problems = problems
        super().__init__(
            "; ".join(f"Feld '{p.field}': {p.message}" if p.field else p.message for p in problems),
            field=problems[0].field,
        )


def record_from_dict(obj: dict[str, Any], default_source: str = "import") -> CallRecord:
    """Validate one call-record object; raise ParseError naming the field.

    Every field is checked, so a record with several mistakes names all of them at once
    (RecordProblems when there is more than one).
    """
    problems: list[ParseError] = []

    def check(read: Callable[[], T]) -> T | None:
        try:
            return read()
        except ParseError as exc:
            problems.append(exc)
            return None

    def failed(*fields: str) -> bool:
        # a value of the wrong type was reported already; "missing" would be a second word
        return any(p.field in fields for p in problems)

    for key in sorted(set(obj) - _KNOWN):
        # a typo ("deadine") would otherwise cost the call its deadline without a word
        close = closest(key, _KNOWN)
        hint = f" (gemeint ist wohl '{close}')" if close else ""
        problems.append(ParseError(f"unbekanntes Feld '{key}'{hint}", field=key))
    external_id = check(lambda: _text(obj, "id")) or check(lambda: _text(obj, "external_id"))
    url = check(lambda: _text(obj, "url")) or ""
    if not external_id and not url and not failed("id", "external_id", "url"):
        problems.append(ParseError("weder 'id' noch 'url' angegeben", field="id"))
    if url and not web_link(url):
        problems.append(
            ParseError(f"{url!r} ist keine Web-Adresse (http:// oder https://)", field="url")
        )
    title = check(lambda: _text(obj, "title"))
    if not title and not failed("title"):
        problems.append(ParseError("Titel fehlt", field="title"))
    source = check(lambda: _text(obj, "source"))
    texts = {f: check(partial(_text, obj, f)) or "" for f in _TEXT_FIELDS}
    lists = {f: check(partial(_text_list, obj, f)) or [] for f in _LIST_FIELDS}
    dates = {f: check(partial(_date, obj.get(f), f)) for f in _DATE_FIELDS}
    # A deadline given with its time ("2027-03-31T15:00:00Z") keeps that time (German time)
    # unless `deadline_time` says otherwise.
    deadline_time = check(lambda: _time(obj.get("deadline_time"), "deadline_time"))
    deadline_time = deadline_time or _time_in(obj.get("deadline"))
    deadlines: dict[str, date] = {}
    deadline_times: dict[str, str] = {}
    deadlines_raw = obj.get("deadlines") or {}
    if not isinstance(deadlines_raw, dict):
        problems.append(ParseError("muss ein Objekt {Stufe: Datum} sein", field="deadlines"))
        deadlines_raw = {}
    for stage, value in deadlines_raw.items():
        day = check(partial(_date, value, "deadlines")) if value else None
        if day is not None:
            deadlines[str(stage)] = day
            if stage_time := _time_in(value):
                deadline_times[str(stage)] = stage_time
    times_raw = obj.get("deadline_times") or {}
    if not isinstance(times_raw, dict):
        problems.append(ParseError("muss ein Objekt {Stufe: Uhrzeit} sein", field="deadline_times"))
        times_raw = {}
    for stage, value in times_raw.items():
        if stage_time := check(partial(_time, value, "deadline_times")):
            deadline_times[str(stage)] = stage_time
    amount = check(lambda: _number(obj, "amount_max_eur"))
    rate = check(lambda: _rate(obj))
    if len(problems) > 1:
        raise RecordProblems(problems)
    if problems:
        raise problems[0]
    # One mapping of mixed value types: mypy checks `**` of each dict against every field.
    fields: dict[str, Any] = {**texts, **lists, **dates}
    return CallRecord(
        source=source or default_source,
        external_id=external_id or url,
        url=url,
        title=title or "",
        **fields,
        deadlines=deadlines,
        deadline_time=deadline_time,
        deadline_times=deadline_times,
        amount_max_eur=amount,
        funding_rate=rate,
    )


def _text(obj: dict[str, Any], field: str) -> str:
    value = obj.get(field)
    if value is None:
        return ""
    if isinstance(value, (str, int, float)) and not isinstance(value, bool):
        return str(value).strip()
    raise ParseError(f"muss ein Text sein, nicht {_json_kind(value)}", field=field)


def _json_kind(value: Any) -> str:
    """What a JSON value is, in German ("eine Liste"): Python's type names are no help."""
    if isinstance(value, bool):
        return "ein Wahrheitswert (true/false)"
    if isinstance(value, list):
        return "eine Liste"
    if isinstance(value, dict):
        return "ein Objekt"
    return "ein Text"


def _text_list(obj: dict[str, Any], field: str) -> list[str]:
    value = obj.get(field)
    if value is None:
        return []
    if isinstance(value, str):
        return [v.strip() for v in value.split(",") if v.strip()]
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return [v.strip() for v in value if v.strip()]
    raise ParseError("muss eine Liste von Texten sein", field=field)


_MONTHS = (
    "Januar", "Februar", "März", "April", "Mai", "Juni",
    "Juli", "August", "September", "Oktober", "November", "Dezember",
)  # fmt: skip
# A year outside these is a typing slip ("0001", "20270"), not a funding call's date.
PLAUSIBLE_YEARS = range(1990, 2100)


def _date(value: Any, field: str) -> date | None:
    day = _read_date(value, field)
    if day is not None and day.year not in PLAUSIBLE_YEARS:
        raise ParseError(
            f"Datum {value!r}: bitte das Jahr prüfen (erwartet "
            f"{PLAUSIBLE_YEARS.start} bis {PLAUSIBLE_YEARS.stop - 1})",
            field=field,
        )
    return day


def _read_date(value: Any, field: str) -> date | None:
    if value is None or value == "":
        return None
    if isinstance(value, str):
        text = value.strip()
        try:
            if len(text) > 10 and re.fullmatch(r"\d{4}-\d{2}-\d{2}[T ].+", text):
                # a time in UTC counts with its German day (…T22:00:00Z is the next day)
                day = norm.parse_date(text)
                if day is not None:
                    return day
            return date.fromisoformat(text[:10])
        except ValueError:
            pass
        if wrong := _impossible_day(text):
            raise ParseError(f"Datum {value!r}: {wrong}", field=field)
    raise ParseError(f"Datum {value!r} nicht lesbar (erwartet JJJJ-MM-TT)", field=field)


def _impossible_day(text: str) -> str | None:
    """What is wrong with a date written as JJJJ-MM-TT that names no day ("2027-02-30"),
    in German; None for another spelling. "nicht lesbar (erwartet JJJJ-MM-TT)" would send
    the author looking for a format mistake that is not there."""
    found = re.match(r"(\d{4})-(\d{2})-(\d{2})(?:$|[T ])", text)
    if not found:
        return None
    year, month, day = (int(g) for g in found.groups())
    if not 1 <= month <= 12:
        return f"einen Monat {month} gibt es nicht (erwartet JJJJ-MM-TT)"
    if day == 0:
        return "einen Tag 0 gibt es nicht (erwartet JJJJ-MM-TT)"
    length = calendar.monthrange(year, month)[1]
    if day <= length:
        return None  # the day exists: something after it is wrong
    name = _MONTHS[month - 1]
    return f"den {day}. {name} {year} gibt es nicht (der {name} {year} hat {length} Tage)"


def _time(value: Any, field: str) -> str | None:
    """A time of day "HH:MM" (German time), or None when empty."""
    if value is None or value == "":
        return None
    try:
        if isinstance(value, str):
            return norm.parse_clock(value)
    except ValueError:
        pass
    raise ParseError(f"Uhrzeit {value!r} nicht lesbar (erwartet HH:MM, deutsche Zeit)", field=field)


def _time_in(value: Any) -> str | None:
    """The time of day (German time) of a date value given with one, else None."""
    if not isinstance(value, str) or not re.fullmatch(r"\d{4}-\d{2}-\d{2}[T ].+", value.strip()):
        return None
    try:
        return norm.parse_date_time(value.strip())[1]
    except ValueError:
        return None


def _number(obj: dict[str, Any], field: str) -> float | None:
    value = obj.get(field)
    if value is None or value == "":
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        # json reads NaN, Infinity and 1e400 as floats; none of them is an amount or a rate
        raise ParseError(f"Zahl erwartet, nicht {value!r}", field=field)
    if value < 0:
        raise ParseError(f"darf nicht negativ sein ({value})", field=field)
    return float(value)


def _rate(obj: dict[str, Any]) -> float | None:
    rate = _number(obj, "funding_rate")
    if rate is None:
        return None
    if rate > 1:  # written as a percentage
        rate = rate / 100
    if rate > 1:
        raise ParseError(
            f"Förderquote {obj['funding_rate']!r} liegt über 100 %", field="funding_rate"
        )
    return rate
