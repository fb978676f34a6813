"""The manual-entry form (/aufrufe/neu): its fields, checks and messages.

A call entered by hand becomes a `CallRecord` of the source "manuell" and goes through the
same ingest as scraped calls. Numbers and dates are read as the scrapers read German text
(`scrapers.normalise`: "250.000 €", "1,5 Mio.", "80 %", "31.03.2027", "31. März 2027"), so
there is one reader for each; messages use the form's own labels.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy import select
from sqlalchemy.orm import Session

from scrapers import normalise
from scrapers.jsonl import record_from_dict
from scrapers.record import CallRecord, ParseError
from webapp.formatting import CALL_FIELD_LABELS, format_date, shorten
from webapp.models import Call

MANUAL_SOURCE = "manuell"
MANUAL_FIELDS = (
    "title",
    "url",
    "funder",
    "programme",
    "summary",
    "text",
    "eligible",
    "region",
    "funding_type",
    "published",
    "opens",
    "deadline",
    "amount_max_eur",
    "funding_rate",
    "topics",
)


ORIGIN_LABELS = {"scrape": "von einer Quelle", "import": "importiert", "manual": "von Hand"}


def call_with_url(session: Session, url: str) -> Call | None:
    """The call (from any source, canonical ones first) whose link is `url`, if any.

    A trailing slash is ignored: https://x.de/aufruf and https://x.de/aufruf/ are one page.
    """
    if not url:
        return None
    bare = url.rstrip("/")
    return session.scalars(
        select(Call)
        .where(Call.url.in_({url, bare, bare + "/"}))
        .order_by(Call.canonical_id.is_not(None), Call.id)
        .limit(1)
    ).first()


def existing_message(call: Call) -> str:
    """Why a link that an existing call has is refused, naming that call."""
    origin = ORIGIN_LABELS.get(call.origin, call.origin)
    return (
        f"Unter diesem Link ist schon ein Aufruf erfasst: „{shorten(call.title, 120)}“ ({origin}, "
        f"seit {format_date(call.first_seen)}). Es wurde nichts gespeichert und am "
        "vorhandenen Aufruf nichts geändert. Bitte den vorhandenen Aufruf öffnen oder "
        "einen anderen Link angeben."
    )


@dataclass(slots=True)
class FieldError:
    """A problem with the manual-entry form; `field` is the form field's name."""

    field: str
    message: str


# The labels of the manual-entry form, for its messages (as the call page names the fields).
FORM_LABELS = {**CALL_FIELD_LABELS, "url": "Link zum Aufruf", "published": "Veröffentlicht am"}
# Column widths of `calls` (PostgreSQL refuses longer values; the link is the manual id).
MAX_LENGTHS = {"url": 500, "region": 200, "funding_type": 200}
DATE_FIELDS = ("published", "opens", "deadline")
NUMBER_EXAMPLES = {"amount_max_eur": "250.000", "funding_rate": "80"}


def validated_record(values: dict[str, str]) -> tuple[CallRecord | None, list[FieldError]]:
    """The call record of the form, or every problem in it, in the form's own words."""
    errors: list[FieldError] = []

    def problem(field: str, message: str) -> None:
        errors.append(FieldError(field, message))

    if not values["title"]:
        problem("title", "Titel fehlt.")
    for field, limit in MAX_LENGTHS.items():
        if len(values[field]) > limit:
            problem(field, f"{FORM_LABELS[field]}: höchstens {limit} Zeichen.")
    if values["url"] and not web_link(values["url"]):
        problem(
            "url",
            "Link zum Aufruf: bitte eine Adresse angeben, die mit http:// oder https:// "
            f"beginnt – nicht „{shorten(values['url'], 60)}“.",
        )
    obj: dict[str, Any] = {"source": MANUAL_SOURCE}
    for key, value in values.items():
        if value == "":
            continue
        if key in NUMBER_EXAMPLES:
            number = _number(key, value.lstrip().removeprefix("-"))
            if number is not None and value.lstrip().startswith("-"):
                problem(key, f"{FORM_LABELS[key]}: bitte keine negative Zahl angeben.")
            elif number is None:
                example = NUMBER_EXAMPLES[key]
                problem(
                    key,
                    f"{FORM_LABELS[key]}: bitte eine Zahl angeben, z. B. {example} – "
                    f"nicht „{shorten(value, 40)}“.",
                )
            elif key == "funding_rate" and number > 100:
                problem(key, f"Förderquote: höchstens 100 % – nicht „{shorten(value, 40)}“.")
            else:
                obj[key] = number
        elif key in DATE_FIELDS:
            day = _date(value)
            if day is None:
                problem(
                    key,
                    f"{FORM_LABELS[key]}: bitte ein Datum angeben, z. B. 31.03.2027 – "
                    f"nicht „{shorten(value, 40)}“.",
                )
            else:
                obj[key] = day.isoformat()
        else:
            obj[key] = value
    opens, deadline = _date(values["opens"]), _date(values["deadline"])
    if opens and deadline and opens > deadline:
        problem(
            "opens",
            f"Antrag ab ({format_date(opens)}) liegt nach der Frist ({format_date(deadline)}): "
            "bitte beide Daten prüfen.",
        )
    if errors:
        return None, errors
    obj["id"] = obj["url"] if "url" in obj else f"manuell-{uuid.uuid4().hex[:12]}"
    try:
        return record_from_dict(obj, default_source=MANUAL_SOURCE), []
    except ParseError as exc:  # the checks above should leave nothing for the importer
        label = FORM_LABELS.get(exc.field or "", "")
        return None, [
            FieldError(exc.field or "", f"{label}: {exc.message}." if label else exc.message)
        ]


def web_link(url: str) -> bool:
    """An http(s) address with a host: other schemes (javascript:, ftp:) are no call page."""
    if any(c.isspace() or ord(c) < 32 for c in url):
        return False
    parts = urlsplit(url)
    return parts.scheme.lower() in ("http", "https") and bool(parts.netloc)


def _number(field: str, value: str) -> float | None:
    """An amount ("250.000 €", "1,5 Mio.") or a rate ("80 %", "0,8") as typed, else None."""
    try:
        if field == "amount_max_eur":
            return normalise.parse_amount(value)
        return normalise.parse_number(value)
    except ValueError:
        return None


def _date(value: str) -> date | None:
    """A date as the date field sends it (2027-03-31) or as typed (31.03.2027), else None."""
    try:
        return normalise.parse_date(value)
    except ValueError:
        return None
