"""Ingest: turn parsed call records into Call rows, with history, missing marks and duplicates.

- Upsert by (source, external_id); the record's content hash tells whether anything changed,
  and every changed field gets a CallChange row (old and new value). Whitespace and tracking
  parameters in links (utm_source …) are no change: they are dropped from links, never
  recorded, and never bring a dismissed call back for a decision; neither does a moved page
  (a new link alone), which is recorded.
- A call whose source lists it under a new id (a feed without ids whose link moved) is the
  same call when the source no longer lists its old id and the title is the same: it keeps
  its id, history and review instead of becoming a new call beside a "missing" one.
- A call its source no longer lists (after a complete run) gets `missing_since`; it is never
  deleted, and the mark is cleared when the call comes back. A complete run that lists
  nothing at all marks nothing: an empty feed or page is far more often broken than a funder
  withdrawing every call (`IngestStats.missing_withheld` tells the caller).
- The same call from another source (name variants such as "Smarte LandRegionen" and
  "Smarte.Land.Regionen") is linked to one canonical call, the earliest seen.
- Reviews, notes, matches and edited justification texts hang on calls by id and are never
  touched here, except that a dismissal's content version moves past a change that is no
  reason to decide again (a moved page).

The caller owns the transaction (one per source for scrapes, see `webapp.scraping`).
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import select, tuple_
from sqlalchemy.orm import Session

from matcher.types import DEADLINE_REASON
from scrapers.dedupe import TITLE_THRESHOLD, compact, same_call, trigrams
from scrapers.normalise import (
    STAGES,
    STATUS_ANNOUNCED,
    STATUS_OPEN,
    STATUS_ROLLING,
)
from scrapers.record import CallRecord, without_tracking
from webapp.formatting import local_date
from webapp.models import (
    CLOSED_SOURCE_STATUSES,
    DISMISSED_STATUS,
    Call,
    CallChange,
    Justification,
    Review,
    utcnow,
)

# `Call.origin` of a call an officer entered by hand (webapp.manual_entry uses it too)
MANUAL_ORIGIN = "manual"

# Fields copied from a record onto a call; every one of them is tracked in the history.
TRACKED_FIELDS = (*CallRecord.CONTENT_FIELDS, "language")
MISSING_FIELD = "missing_since"
# Changes recorded in the history that say nothing new about the call itself: a dismissed
# call stays dismissed.
RESTATED_FIELDS = frozenset({"url"})
# A text that names several dates (two stages, yearly cut-offs) gives the next one as the
# deadline: when one passes, the next takes its place without the source changing a word.
DEADLINE_FIELDS = frozenset({"deadline", "deadline_time", "deadlines", "deadline_times"})


@dataclass(slots=True)
class IngestStats:
    """What one ingest did."""

    new: int = 0
    changed: int = 0
    unchanged: int = 0
    missing: int = 0
    returned: int = 0
    linked: int = 0
    # Known calls not marked missing because the complete listing was empty.
    missing_withheld: int = 0
    new_ids: list[int] = field(default_factory=list)
    changed_ids: list[int] = field(default_factory=list)


def ingest_records(
    session: Session,
    records: Sequence[CallRecord],
    *,
    origin: str = "scrape",
    scrape_run_id: int | None = None,
    source: str | None = None,
    listed_ids: Iterable[str] = (),
    unchanged_ids: Iterable[str] = (),
    complete: bool = False,
    listing_read: bool = False,
    link: bool | None = None,
    now: datetime | None = None,
    user_id: int | None = None,
) -> IngestStats:
    """Insert new calls, update changed ones with change records, touch unchanged ones.

    For a scrape of one `source`: `listed_ids` are ids it still lists without a fresh record
    (a detail page that could not be fetched), `unchanged_ids` were confirmed by a 304; when
    `complete`, its other known calls are marked missing — unless the source listed nothing
    at all while it has calls not yet missing: then none is marked and `missing_withheld`
    counts them (not when `listing_read`: the source listed items, all of them news that its
    `include_words` left out). New and renamed calls are linked to their duplicates from other sources
    (`link`, by default for scrapes). `user_id` signs the change rows of an officer's edit.
    """
    stats = IngestStats()
    now = now or utcnow()
    if link is None:
        link = origin == "scrape"
    for record in records:
        _drop_tracking(record)
    if source is not None:
        for record in records:
            record.source = source
        existing = {
            (c.source, c.external_id): c
            for c in session.scalars(select(Call).where(Call.source == source))
        }
        listed_ids, unchanged_ids = set(listed_ids), set(unchanged_ids)
        kept = {*records_ids(records), *listed_ids, *unchanged_ids}
        kept |= {without_tracking(external_id) for external_id in kept}
        for moved, external_id in _moved_calls(records, existing, kept, local_date(now)):
            del existing[(moved.source, moved.external_id)]
            moved.external_id = external_id
            existing[(moved.source, external_id)] = moved
    else:
        existing = _load_existing(session, [(r.source, r.external_id) for r in records])
    seen: set[tuple[str, str]] = set()
    to_link: list[Call] = []
    new_calls: list[Call] = []
    for record in records:
        key = (record.source, record.external_id)
        if key in seen:
            continue  # a source listing one call twice: the first wins
        seen.add(key)
        digest = record.content_hash()
        call = existing.get(key)
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
            existing[key] = call
            stats.new += 1
            new_calls.append(call)
            to_link.append(call)
            continue
        _seen_again(session, call, now, scrape_run_id, stats)
        if call.content_hash == digest:
            stats.unchanged += 1
            continue
        changed = _record_changes(session, call, record, now, scrape_run_id, user_id)
        if changed & {"title", "programme"}:
            to_link.append(call)
        old_digest, old_status, old_deadline = call.content_hash, call.status, call.deadline
        old_entry = call.entry_deadline
        _copy(record, call)
        call.content_hash = digest
        rolled_on = _rolled_on(call, old_deadline, old_entry, local_date(now))
        news = changed - DEADLINE_FIELDS if rolled_on else changed
        if _nothing_to_decide(news, old_status, call.status):
            _keep_dismissal(call, old_digest, digest)
        if not changed:  # whitespace or tracking parameters only
            stats.unchanged += 1
            continue
        call.changed_at = now
        stats.changed += 1
        stats.changed_ids.append(call.id)
    if source is not None:
        for external_id in set(unchanged_ids):
            key, call = _known(existing, source, external_id)
            if call is not None and key not in seen:
                _seen_again(session, call, now, scrape_run_id, stats)
                stats.unchanged += 1
                seen.add(key)
        for external_id in set(listed_ids):
            key, call = _known(existing, source, external_id)
            if call is not None and key not in seen:
                _seen_again(session, call, now, scrape_run_id, stats)
                seen.add(key)
        present = sum(1 for call in existing.values() if call.missing_since is None)
        if not seen and present and not listing_read:
            # An empty listing is not trusted (broken page or feed), and worth a hint also
            # where a listing never marks calls missing; a partial drop of a complete one is.
            stats.missing_withheld = present
        elif complete:
            stats.missing = _mark_missing(session, existing, seen, now, scrape_run_id)
    session.flush()  # one flush for all new calls: their ids are known from here on
    stats.new_ids = [call.id for call in new_calls]
    if link:
        stats.linked = link_duplicates(session, to_link)
    return stats


def records_ids(records: Iterable[CallRecord]) -> set[str]:
    """The external ids of `records`."""
    return {record.external_id for record in records}


def _known(
    existing: dict[tuple[str, str], Call], source: str, external_id: str
) -> tuple[tuple[str, str], Call | None]:
    """The known call of an id a source listed, also when it was stored with tracking
    parameters or is stored without them now."""
    for key in ((source, external_id), (source, without_tracking(external_id))):
        if key in existing:
            return key, existing[key]
    return (source, external_id), None


def _drop_tracking(record: CallRecord) -> None:
    """Tracking parameters out of the link, and out of the id where the link is the id."""
    clean = without_tracking(record.url)
    if clean != record.url:
        if record.external_id == record.url:
            record.external_id = clean
        record.url = clean


def _title_key(title: str) -> str:
    return " ".join(title.split()).casefold()


def _moved_calls(
    records: Sequence[CallRecord],
    existing: dict[tuple[str, str], Call],
    kept: set[str],
    today: date,
) -> list[tuple[Call, str]]:
    """Known calls of one source that it now lists under a new id: (call, new id).

    One new id and one call of the same title the source no longer lists, still open or with
    the same deadline: a new round after the old call's deadline, or a second call of that
    title while the first is still listed, stays a call of its own.
    """
    arrivals: dict[str, dict[str, CallRecord]] = {}
    for record in records:
        if (record.source, record.external_id) not in existing:
            arrivals.setdefault(_title_key(record.title), {})[record.external_id] = record
    left: dict[str, list[Call]] = {}
    for (_, external_id), call in existing.items():
        if external_id not in kept:
            left.setdefault(_title_key(call.title), []).append(call)
    moved: list[tuple[Call, str]] = []
    for title, new in arrivals.items():
        old = left.get(title, [])
        if len(new) == 1 and len(old) == 1:
            ((external_id, record),) = new.items()
            call = old[0]
            # An ended call's title again with another deadline: the next round.
            if call.deadline is None or call.deadline >= today or call.deadline == record.deadline:
                moved.append((call, external_id))
    return moved


def _rolled_on(call: Call, old_deadline: date | None, old_entry: date | None, today: date) -> bool:
    """True when the deadline moved on from a date that has passed to a later one (the next
    stage or cut-off the text names): no news for a call dismissed for its topic, but for one
    dismissed as "Frist zu kurz" the next date is what the officers waited for, unless the
    first stage it had (`old_entry`) has passed: the Antrag stage after it is only for who took
    part; a yearly procedure comes back once the next year's first stage is the next date."""
    review = call.review
    entry_open = old_entry is None or old_entry >= today
    if review is not None and review.reason == DEADLINE_REASON and entry_open:
        return False
    return (
        old_deadline is not None
        and old_deadline < today
        and call.deadline is not None
        and call.deadline > old_deadline
    )


def _nothing_to_decide(changed: set[str], old_status: str, new_status: str) -> bool:
    """True when `changed` (with the status going from `old_status` to `new_status`) is no
    reason to put a dismissed call before the officers again."""
    if "status" in changed:
        opened = old_status == STATUS_ANNOUNCED and new_status in (STATUS_OPEN, STATUS_ROLLING)
        # The deadline passed, the funds ran out, an announced call opened on its date.
        if not (opened or new_status.strip().casefold() in CLOSED_SOURCE_STATUSES):
            return False
    return changed - {"status"} <= RESTATED_FIELDS


def _keep_dismissal(call: Call, old_digest: str, digest: str) -> None:
    """A call dismissed on the version just replaced stays dismissed (nothing to decide anew)."""
    review = call.review
    if review is not None and review.status == DISMISSED_STATUS and review.call_hash == old_digest:
        review.call_hash = digest


def _load_existing(session: Session, keys: list[tuple[str, str]]) -> dict[tuple[str, str], Call]:
    existing: dict[tuple[str, str], Call] = {}
    for start in range(0, len(keys), 400):
        chunk = keys[start : start + 400]
        for call in session.scalars(
            select(Call).where(tuple_(Call.source, Call.external_id).in_(chunk))
        ):
            existing[(call.source, call.external_id)] = call
    return existing


def _mark_missing(
    session: Session,
    existing: dict[tuple[str, str], Call],
    seen: set[tuple[str, str]],
    now: datetime,
    run_id: int | None,
) -> int:
    """Mark calls their source no longer lists; never delete them."""
    missing = 0
    for key, call in existing.items():
        if key in seen:
            continue
        call.last_checked = now
        if call.missing_since is None:
            call.missing_since = now
            session.add(
                CallChange(
                    call_id=call.id, field=MISSING_FIELD, old=None, new=now.isoformat(),
                    changed_at=now, scrape_run_id=run_id,
                )
            )  # fmt: skip
            missing += 1
    return missing


def _seen_again(
    session: Session, call: Call, now: datetime, run_id: int | None, stats: IngestStats
) -> None:
    call.last_seen = call.last_checked = now
    if call.missing_since is not None:
        session.add(
            CallChange(
                call_id=call.id, field=MISSING_FIELD, old=call.missing_since.isoformat(),
                new=None, changed_at=now, scrape_run_id=run_id,
            )
        )  # fmt: skip
        call.missing_since = None
        stats.returned += 1


def _record_changes(
    session: Session,
    call: Call,
    record: CallRecord,
    now: datetime,
    run_id: int | None,
    user_id: int | None,
) -> set[str]:
    """One CallChange per field changed beyond whitespace and tracking; their names."""
    changed: set[str] = set()
    for name in TRACKED_FIELDS:
        old, new = _json_value(getattr(call, name)), _json_value(getattr(record, name))
        if name == "status" and _relabelled(call, record):
            continue
        if _material(name, old) != _material(name, new):
            session.add(
                CallChange(
                    call_id=call.id, field=name, old=old, new=new, changed_at=now,
                    scrape_run_id=run_id, user_id=user_id,
                )
            )  # fmt: skip
            changed.add(name)
    return changed


def _relabelled(call: Call, record: CallRecord) -> bool:
    """Whether the status went from "laufend" to "offen" for a call without any deadline:
    before migration 0012 every such call was stored as "laufend", now only one whose source
    says so; the call itself did not change."""
    return (
        call.status == STATUS_ROLLING
        and record.status == STATUS_OPEN
        and call.deadline is None
        and record.deadline is None
        and not call.deadlines
        and not record.deadlines
    )


def _material(name: str, value: object) -> object:
    """`value` as far as it tells the reader something: whitespace runs as one space, a link
    without tracking parameters and trailing slash."""
    if isinstance(value, str):
        value = " ".join(value.split())
        return bare_link(without_tracking(value)) if name == "url" else value
    if isinstance(value, list):
        return [_material(name, v) for v in value]
    return value


def _copy(record: CallRecord, call: Call) -> None:
    for name in TRACKED_FIELDS:
        value = getattr(record, name)
        if name == "deadlines":
            value = {k: v.isoformat() for k, v in value.items()}
        setattr(call, name, list(value) if isinstance(value, list) else value)
    call.entry_deadline = entry_deadline(record.deadlines)


def entry_deadline(stages: Mapping[str, date]) -> date | None:
    """The first stage's day when a call has several stages (Interessenbekundung or
    Projektskizze before the Antrag): only who took part in it goes on to the next.

    First by the procedure's order, not the earliest date: a yearly procedure read after its
    sketch date has next year's sketch after this year's Antrag. Stages of other names (an
    import's) count by date."""
    if len(stages) < 2:
        return None
    return next((stages[s] for s in STAGES if s in stages), None) or min(stages.values())


def _json_value(value: object) -> object:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, dict):
        return {k: _json_value(v) for k, v in sorted(value.items())}
    if isinstance(value, list | tuple):
        return [_json_value(v) for v in value]
    return value


# --- duplicates -------------------------------------------------------------------------


@dataclass(slots=True)
class _Candidate:
    id: int
    source: str
    canonical_id: int | None
    first_seen: datetime
    grams: frozenset[str]
    title: str
    programme: str


def bare_link(url: str) -> str:
    """A link without its trailing slash: https://x.de/aufruf and …/aufruf/ are one page."""
    return url.rstrip("/")


def link_duplicates(session: Session, calls: list[Call]) -> int:
    """Link each of `calls` to the canonical call of the same call from another source.

    The same call: a similar title (or the same programme and a fitting title), or the link
    of a call an officer entered by hand (the entry form's own rule: one link, one call).
    The canonical call is the earliest seen; a call that already has duplicates or an
    officer's review is never moved under another (its work stays where it is).
    """
    if not calls:
        return 0
    rows = session.execute(
        select(
            Call.id,
            Call.source,
            Call.canonical_id,
            Call.first_seen,
            Call.title,
            Call.programme,
            Call.url,
            Call.origin,
        )
    ).all()
    candidates: dict[int, _Candidate] = {}
    # Scraped pages can share a link without being one call (an overview page), so only a
    # hand-entered call's link decides on its own.
    manual_links = {
        bare_link(row.url): row.id for row in rows if row.origin == MANUAL_ORIGIN and row.url
    }
    for row in rows:
        candidates[row.id] = _Candidate(
            row.id,
            row.source,
            row.canonical_id,
            row.first_seen,
            trigrams(row.title),
            row.title,
            row.programme or "",
        )
    # Prefix filtering: with all trigram sets in one order (rarest first), two sets with a
    # Jaccard similarity >= TITLE_THRESHOLD share a trigram among their first few. Only those
    # prefixes are indexed, so common trigrams ("ung", "der") never make this quadratic.
    frequency = Counter(gram for cand in candidates.values() for gram in cand.grams)

    def prefix(grams: frozenset[str]) -> list[str]:
        size = len(grams) - math.ceil(TITLE_THRESHOLD * len(grams)) + 1
        return sorted(grams, key=lambda g: (frequency[g], g))[:size]

    index: dict[str, list[int]] = {}
    by_programme: dict[str, list[int]] = {}
    # A call is never linked to one of its own source: when all calls to link come from one
    # source (every scrape), that source's calls are left out of the index altogether.
    sources = {call.source for call in calls}
    skip = next(iter(sources)) if len(sources) == 1 else None
    for cand in candidates.values():
        if cand.source == skip:
            continue
        for gram in prefix(cand.grams):
            index.setdefault(gram, []).append(cand.id)
        if cand.programme:
            by_programme.setdefault(compact(cand.programme), []).append(cand.id)
    has_duplicates = {c.canonical_id for c in candidates.values() if c.canonical_id is not None}
    # A call with an officer's review or edited text stays visible on its own.
    reviewed = set(session.scalars(select(Review.call_id))) | set(
        session.scalars(select(Justification.call_id).where(Justification.edited_text.is_not(None)))
    )
    linked = 0
    for call in calls:
        if call.id in has_duplicates or call.id in reviewed or call.canonical_id is not None:
            continue
        me = candidates.get(call.id)
        if me is None or not me.grams:
            continue
        pool = {other for gram in prefix(me.grams) for other in index.get(gram, ())}
        if me.programme:
            pool.update(by_programme.get(compact(me.programme), ()))
        best: tuple[float, datetime, int] | None = None
        entered = manual_links.get(bare_link(call.url or ""))
        if entered is not None and entered != call.id:
            other = candidates[entered]
            root_id = other.canonical_id or other.id
            root = candidates[root_id]
            if other.source != me.source and root.source != me.source and root_id != call.id:
                best = (2.0, root.first_seen, root_id)  # above any title similarity
        for other_id in pool:
            other = candidates[other_id]
            if other_id == call.id or other.source == me.source:
                continue
            if (
                not (
                    TITLE_THRESHOLD * len(me.grams)
                    <= len(other.grams)
                    <= len(me.grams) / TITLE_THRESHOLD
                )
                and not me.programme
            ):
                continue  # sizes too different for the title threshold
            common = len(me.grams & other.grams)
            score = common / (len(me.grams) + len(other.grams) - common)
            if score < TITLE_THRESHOLD and not (
                me.programme
                and compact(me.programme) == compact(other.programme)
                and same_call(me.title, me.programme, other.title, other.programme)
            ):
                continue
            root_id = other.canonical_id or other.id
            root = candidates[root_id]
            if root.source == me.source or root_id == call.id:
                continue
            key = (score, root.first_seen, root_id)
            if best is None or (key[0], -key[1].timestamp()) > (best[0], -best[1].timestamp()):
                best = key
        if best is None:
            continue
        root = candidates[best[2]]
        if (root.first_seen, root.id) > (me.first_seen, me.id):
            continue  # the root is newer: leave the earlier call canonical
        call.canonical_id = root.id
        me.canonical_id = root.id
        linked += 1
    session.flush()
    return linked


__all__ = ["MANUAL_ORIGIN", "IngestStats", "bare_link", "ingest_records", "link_duplicates"]
