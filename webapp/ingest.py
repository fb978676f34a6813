"""Ingest: turn CallRecords into stored calls with history; never touches officers' work.

Upsert by (source, external_id). A changed content hash writes one CallChange per changed
field. (Missing-call marking and duplicate linking are added by the scraping side.)
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from sqlalchemy import select, tuple_
from sqlalchemy.orm import Session

from scrapers.record import CallRecord
from webapp.models import Call, CallChange, utcnow

# Fields copied from a record onto a call; every one of them is tracked in the history.
TRACKED_FIELDS = (
    "url",
    "title",
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
    "deadlines",
    "amount_max_eur",
    "funding_rate",
    "topics",
    "status",
    "language",
)


@dataclass(slots=True)
class IngestStats:
    """What one ingest did."""

    new: int = 0
    changed: int = 0
    unchanged: int = 0
    missing: int = 0
    new_ids: list[int] = field(default_factory=list)
    changed_ids: list[int] = field(default_factory=list)


def ingest_records(
    session: Session,
    records: Sequence[CallRecord],
    *,
    origin: str = "scrape",
    scrape_run_id: int | None = None,
) -> IngestStats:
    """Insert new calls, update changed ones with change records, touch unchanged ones."""
    stats = IngestStats()
    now = utcnow()
    keys = [(r.source, r.external_id) for r in records]
    existing: dict[tuple[str, str], Call] = {}
    for start in range(0, len(keys), 400):
        chunk = keys[start : start + 400]
        for call in session.scalars(
            select(Call).where(tuple_(Call.source, Call.external_id).in_(chunk))
        ):
            existing[(call.source, call.external_id)] = call
    for record in records:
        digest = record.content_hash()
        call = existing.get((record.source, record.external_id))
        if call is None:
            call = Call(
                source=record.source,
                external_id=record.external_id,
                origin=origin,
                content_hash=digest,
                first_seen=now,
                last_seen=now,
                last_checked=now,
            )
            _copy(record, call)
            session.add(call)
            session.flush()
            existing[(record.source, record.external_id)] = call
            stats.new += 1
            stats.new_ids.append(call.id)
            continue
        call.last_seen = call.last_checked = now
        call.missing_since = None
        if call.content_hash == digest:
            stats.unchanged += 1
            continue
        for name in TRACKED_FIELDS:
            old, new = _json_value(getattr(call, name)), _json_value(getattr(record, name))
            if old != new:
                session.add(
                    CallChange(
                        call_id=call.id, field=name, old=old, new=new, changed_at=now,
                        scrape_run_id=scrape_run_id,
                    )
                )  # fmt: skip
        _copy(record, call)
        call.content_hash = digest
        call.changed_at = now
        stats.changed += 1
        stats.changed_ids.append(call.id)
    session.flush()
    return stats


def _copy(record: CallRecord, call: Call) -> None:
    for name in TRACKED_FIELDS:
        value = getattr(record, name)
        if name == "deadlines":
            value = {k: v.isoformat() for k, v in value.items()}
        setattr(call, name, list(value) if isinstance(value, list) else value)


def _json_value(value: object) -> object:
    if hasattr(value, "isoformat"):
        return value.isoformat()  # type: ignore[union-attr]
    if isinstance(value, dict):
        return {k: _json_value(v) for k, v in sorted(value.items())}
    return value
