"""Parse a JSONL file of call records (the format of DESIGN.md and data/eval/)."""

from __future__ import annotations

import json
import math
from datetime import date
from typing import Any

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
_KNOWN = {
    "id", "external_id", "source", "url", "title", *_TEXT_FIELDS, *_LIST_FIELDS, *_DATE_FIELDS,
    "deadlines", "amount_max_eur", "funding_rate",
}  # fmt: skip


def parse_jsonl(body: bytes, name: str, default_source: str = "import") -> list[CallRecord]:
    """All records of a JSONL file; every problem is collected and raised together.

    Raises ParseError naming the file, line and field of each error: an import is
    all-or-nothing, so the user sees everything to fix at once.
    """
    try:
        text = body.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ParseError(f"keine gültige UTF-8-Datei (Byte {exc.start})", source=name) from None
    records: list[CallRecord] = []
    problems: list[str] = []
    seen: dict[tuple[str, str], int] = {}
    for line_no, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            record = record_from_dict(_load_line(line), default_source)
        except ParseError as exc:
            field = f", Feld '{exc.field}'" if exc.field else ""
            problems.append(f"Zeile {line_no}{field}: {exc.message}")
            continue
        key = (record.source, record.external_id)
        if key in seen:
            problems.append(
                f"Zeile {line_no}, Feld 'id': '{record.external_id}' steht schon in Zeile {seen[key]}"
            )
            continue
        seen[key] = line_no
        records.append(record)
    if problems:
        shown = problems[:20]
        more = f"\n  … und {len(problems) - 20} weitere" if len(problems) > 20 else ""
        raise ParseError(
            f"{len(problems)} fehlerhafte {'Zeile' if len(problems) == 1 else 'Zeilen'}, "
            "nichts importiert:\n  " + "\n  ".join(shown) + more,
            source=name,
        )
    return records


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


def record_from_dict(obj: dict[str, Any], default_source: str = "import") -> CallRecord:
    """Validate one call-record object; raise ParseError naming the field."""
    unknown = sorted(set(obj) - _KNOWN)
    if unknown:
        # a typo ("deadine") would otherwise cost the call its deadline without a word
        close = closest(unknown[0], _KNOWN)
        hint = f" (gemeint ist wohl '{close}')" if close else ""
        raise ParseError(f"unbekanntes Feld '{unknown[0]}'{hint}", field=unknown[0])
    external_id = _text(obj, "id") or _text(obj, "external_id")
    url = _text(obj, "url")
    if not external_id and not url:
        raise ParseError("weder 'id' noch 'url' angegeben", field="id")
    if url and not web_link(url):
        raise ParseError(f"{url!r} ist keine Web-Adresse (http:// oder https://)", field="url")
    title = _text(obj, "title")
    if not title:
        raise ParseError("Titel fehlt", field="title")
    deadlines_raw = obj.get("deadlines") or {}
    if not isinstance(deadlines_raw, dict):
        raise ParseError("muss ein Objekt {Stufe: Datum} sein", field="deadlines")
    return CallRecord(
        source=_text(obj, "source") or default_source,
        external_id=external_id or url,
        url=url or "",
        title=title,
        **{f: _text(obj, f) for f in _TEXT_FIELDS},
        **{f: _text_list(obj, f) for f in _LIST_FIELDS},
        **{f: _date(obj.get(f), f) for f in _DATE_FIELDS},
        deadlines={str(k): _date(v, "deadlines") for k, v in deadlines_raw.items() if v},
        amount_max_eur=_number(obj, "amount_max_eur"),
        funding_rate=_rate(obj),
    )


def _text(obj: dict[str, Any], field: str) -> str:
    value = obj.get(field)
    if value is None:
        return ""
    if isinstance(value, (str, int, float)) and not isinstance(value, bool):
        return str(value).strip()
    raise ParseError(f"muss ein Text sein, nicht {type(value).__name__}", field=field)


def _text_list(obj: dict[str, Any], field: str) -> list[str]:
    value = obj.get(field)
    if value is None:
        return []
    if isinstance(value, str):
        return [v.strip() for v in value.split(",") if v.strip()]
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return [v.strip() for v in value if v.strip()]
    raise ParseError("muss eine Liste von Texten sein", field=field)


def _date(value: Any, field: str) -> date | None:
    if value is None or value == "":
        return None
    if isinstance(value, str):
        try:
            return date.fromisoformat(value.strip()[:10])
        except ValueError:
            pass
    raise ParseError(f"Datum {value!r} nicht lesbar (erwartet JJJJ-MM-TT)", field=field)


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
