"""EU Funding & Tenders Portal: the SEDIA search API (JSON).

Every metadata value is a list; `keywords`, `budgetOverview` and `actions` can hold JSON
encoded as strings inside the list; `deadlineDate` can hold several dates (two-stage calls,
cut-offs). Grant topics have type 1, 2 or 8; status 31094501 forthcoming, 31094502 open,
31094503 closed. Results come once per language, so one language is kept.
"""

from __future__ import annotations

import json
import re
from datetime import date
from typing import Any

from bs4 import BeautifulSoup

from scrapers import normalise as norm
from scrapers.base import (
    Headers,
    Options,
    ParseResult,
    block_text,
    first_sentence,
    reference_date,
    text_line,
)
from scrapers.encoding import decode_body
from scrapers.json_errors import json_reason
from scrapers.record import CallRecord, ParseError

KIND = "eu-ft"
# The options of sources.yaml this kind reads (scrapers/registry.py; any other is refused):
# `language` here, the others in the search request (`crawl._crawl_eu`).
OPTIONS = frozenset({"language", "languages", "query", "sort", "page_size"})
# Raise when this parser reads the same page into other records (a field read anew, a
# fix): the next scrape then reads every page of such sources in full instead of taking
# an unchanged page (304) as "unverändert" (scrapers.registry.parser_version).
PARSER_VERSION = 1
GRANT_TYPES = {"1", "2", "8"}
TOPIC_URL = (
    "https://ec.europa.eu/info/funding-tenders/opportunities/portal/screen/opportunities/"
    "topic-details/{identifier}"
)
# Framework programme names by topic-identifier prefix; the numeric programme codes are not
# stable labels. A framework holds hundreds of calls, so it is only the first part of a
# topic's programme (see `_programme`), never the whole of it.
PROGRAMMES = {
    "HORIZON": "Horizon Europe",
    "DIGITAL": "Digital Europe Programme",
    "CEF": "Connecting Europe Facility",
    "LIFE": "LIFE Programme",
    "CERV": "Citizens, Equality, Rights and Values Programme",
    "ERASMUS": "Erasmus+",
    "EU4H": "EU4Health",
    "CREA": "Creative Europe",
    "SMP": "Single Market Programme",
    "AMIF": "Asylum, Migration and Integration Fund",
    "I3": "Interregional Innovation Investments",
    "EUSPA": "EU Space Programme",
    "RFCS": "Research Fund for Coal and Steel",
}


def parse(
    body: bytes, url: str, headers: Headers | None = None, *, options: Options | None = None
) -> ParseResult:
    """Parse one page of SEDIA search results into grant-call records (one language)."""
    options = options or {}
    today = reference_date(options)
    language = str(options.get("language", "en"))
    try:
        data = json.loads(decode_body(body, headers))
    except json.JSONDecodeError as exc:
        raise ParseError(
            f"kein gültiges JSON ({json_reason(exc)}, Zeile {exc.lineno})",
            source=KIND,
            location=url,
        ) from None
    if not isinstance(data, dict) or not isinstance(data.get("results"), list):
        raise ParseError("Antwort ohne Ergebnisliste ('results')", source=KIND, location=url)
    result = ParseResult(total=_int(data.get("totalResults")))
    for index, item in enumerate(data["results"], start=1):
        meta = item.get("metadata") or {}
        if not isinstance(meta, dict):
            continue
        lang = _first(meta, "language") or item.get("language") or ""
        if language and lang and lang != language:
            continue
        if _first(meta, "type") not in GRANT_TYPES:
            continue
        result.add_item(_record, item, meta, url, index, today, where=f"{url} (Ergebnis {index})")
    return result


def _int(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _values(meta: dict[str, Any], key: str) -> list[Any]:
    """The list under `key`, with JSON-encoded strings inside it decoded."""
    raw = meta.get(key)
    if raw is None:
        return []
    items = raw if isinstance(raw, list) else [raw]
    out: list[Any] = []
    for item in items:
        if isinstance(item, str) and item[:1] in "[{":
            try:
                decoded = json.loads(item)
            except json.JSONDecodeError:
                out.append(item)
                continue
            out.extend(decoded if isinstance(decoded, list) else [decoded])
        else:
            out.append(item)
    return out


def _first(meta: dict[str, Any], key: str) -> str:
    values = _values(meta, key)
    return str(values[0]).strip() if values else ""


def _dates(values: list[Any], where: str, field: str) -> list[tuple[date, str | None]]:
    """The distinct days of a date list, earliest first, each with its time of day in German
    time ("2027-03-24T17:00:00.000+0100" is 17:00: Brussels time is German time)."""
    out: dict[date, str | None] = {}
    for value in values:
        try:
            day, time = norm.parse_date_time(str(value))
        except ValueError as exc:
            raise ParseError(str(exc), source=KIND, location=where, field=field) from None
        if day is not None and day not in out:
            out[day] = time
    return sorted(out.items())


def _max_contribution(meta: dict[str, Any], identifier: str) -> float | None:
    best: float | None = None
    for overview in _values(meta, "budgetOverview"):
        if not isinstance(overview, dict):
            continue
        for actions in (overview.get("budgetTopicActionMap") or {}).values():
            for action in actions or []:
                if identifier and identifier not in str(action.get("action", identifier)):
                    continue
                value = action.get("maxContribution")
                if isinstance(value, int | float) and value > 0:
                    best = value if best is None else max(best, float(value))
    return best


def _programme(meta: dict[str, Any], prefix: str) -> str:
    """The call a topic belongs to, under its framework: "Horizon Europe Cluster 4 – Digital".

    The framework alone ("Horizon Europe") would give unrelated topics one programme, and
    relevance feedback takes one programme for near-duplicate calls; the call's title (else
    its identifier) tells the calls apart. The framework is put first where the call title
    does not name it, so an officer still reads which EU programme it is.
    """
    framework = PROGRAMMES.get(prefix, "")
    call = text_line(_first(meta, "callTitle")) or _first(meta, "callIdentifier")
    if not call:
        return framework
    if not framework or framework.casefold() in call.casefold():
        return call
    return f"{framework} – {call}"


def _record(
    item: dict[str, Any], meta: dict[str, Any], url: str, index: int, today: date
) -> CallRecord:
    where = f"{url} (Ergebnis {index})"
    identifier = _first(meta, "identifier") or str(item.get("reference") or "")
    title = text_line(_first(meta, "title") or str(item.get("summary") or ""))
    if not identifier:
        raise ParseError("Ergebnis ohne Kennung", source=KIND, location=where, field="identifier")
    if not title:
        raise ParseError("Ergebnis ohne Titel", source=KIND, location=where, field="title")
    html = _first(meta, "descriptionByte") or str(item.get("content") or "")
    text = block_text(BeautifulSoup(html, "lxml")) if html else ""
    timed = _dates(_values(meta, "deadlineDate"), where, "deadlineDate")
    times = dict(timed)
    deadlines = [day for day, _time in timed]
    opens_list = _dates(_values(meta, "startDate"), where, "startDate")
    opens = opens_list[0][0] if opens_list else None
    stages: dict[str, date] = {}
    model = _first(meta, "deadlineModel")
    if model == "two-stage" and len(deadlines) >= 2:
        stages = {"Projektskizze": deadlines[0], "Antrag": deadlines[-1]}
    upcoming = [d for d in deadlines if d >= today]
    deadline = min(upcoming) if upcoming else (max(deadlines) if deadlines else None)
    stage_times = {stage: t for stage, day in stages.items() if (t := times[day]) is not None}
    status_code = _first(meta, "status")
    status = norm.normalise_status(status_code) if status_code else ""
    if status not in norm.STATUSES:
        status = norm.derive_status(opens=opens, deadline=deadline, reference=today)
    prefix = re.split(r"[-_]", identifier, maxsplit=1)[0].upper()
    keywords = [str(k).strip() for k in _values(meta, "keywords") if str(k).strip()]
    return CallRecord(
        source=KIND,
        external_id=identifier,
        url=TOPIC_URL.format(identifier=identifier),
        title=title,
        funder="Europäische Kommission",
        programme=_programme(meta, prefix),
        summary=first_sentence(text),
        text=text,
        eligible=norm.applicants_in_text(text),
        region="EU",
        funding_type="Zuschuss",
        opens=opens,
        deadline=deadline,
        deadlines=stages,
        deadline_time=times[deadline] if deadline is not None else None,
        deadline_times=stage_times,
        amount_max_eur=_max_contribution(meta, identifier) or norm.max_amount_in_text(text),
        funding_rate=norm.rate_in_text(text),
        topics=keywords,
        status=status,
        language=_first(meta, "language") or "en",
    )
