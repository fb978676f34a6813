"""The manual-entry form (/aufrufe/neu, /aufrufe/<id>/bearbeiten): fields, checks, messages.

A call entered by hand becomes a `CallRecord` of the source "manuell" and goes through the
same ingest as scraped calls. Numbers and dates are read as the scrapers read German text
(`scrapers.normalise`: "250.000 €", "1,5 Mio.", "80 %", "31.03.2027", "31. März 2027"), so
there is one reader for each; messages use the form's own labels.

Such a call can be corrected in the same form: the edit goes through ingest as well, so it
lands in the call's change history (old and new value of each field, with the officer who
saved it), changes the content hash (a dismissed call comes back, as after a rescrape) and
the call is scored again. Scraped and imported calls belong to their source, whose next run
would overwrite an edit: they are not editable.
"""

from __future__ import annotations

import dataclasses
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any, Literal

from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session

from scrapers import normalise
from scrapers.jsonl import PLAUSIBLE_YEARS, record_from_dict
from scrapers.record import CallRecord, ParseError, web_link
from webapp.formatting import CALL_FIELD_LABELS, format_count, format_date, shorten
from webapp.ingest import MANUAL_ORIGIN, bare_link, ingest_records
from webapp.matching import EntryOutcome
from webapp.models import Call, Review, utcnow
from webapp.queries import dismissed_then_changed
from webapp.stale import STALE_FIELD, stale_message

MANUAL_SOURCE = "manuell"
# What an officer types: the content fields less those only a source provides (several
# deadlines and their times, the source's own status).
MANUAL_FIELDS = tuple(
    f for f in CallRecord.CONTENT_FIELDS if f not in ("deadlines", "deadline_times", "status")
)
# The checkbox "laufend": a call without a deadline whose announcement says applications are
# open-ended (status "laufend"); unticked, it has no deadline given.
ROLLING_FIELD = "rolling"


ORIGIN_LABELS = {"scrape": "von einer Quelle", "import": "importiert", "manual": "von Hand"}


def is_editable(call: Call) -> bool:
    """Whether officers may correct `call` in the form: only calls entered by hand.

    A scraped or imported call belongs to its source; its next run would overwrite the edit.
    """
    return call.origin == MANUAL_ORIGIN


def not_editable_reason(call: Call) -> str:
    """Why the edit form refuses `call` (one that did not come in by hand)."""
    came = "wurde importiert" if call.origin == "import" else "kommt von einer Quelle"
    return (
        f"Bearbeiten lassen sich nur Aufrufe, die von Hand erfasst wurden. Dieser Aufruf {came}: "
        "eine Änderung hier würde beim nächsten Abruf oder Import überschrieben. Eine Anmerkung "
        "gehört in die Notiz der Bewertung."
    )


def call_with_url(session: Session, url: str, *, other_than: int | None = None) -> Call | None:
    """The call (from any source, canonical ones first) whose link is `url`, if any.

    A trailing slash is ignored: https://x.de/aufruf and https://x.de/aufruf/ are one page.
    `other_than` leaves out the call being edited and its duplicates (the same call from
    other sources): their links are no conflict.
    """
    if not url:
        return None
    bare = bare_link(url)
    query = select(Call).where(Call.url.in_({url, bare, bare + "/"}))
    if other_than is not None:
        query = query.where(
            Call.id != other_than,
            or_(Call.canonical_id.is_(None), Call.canonical_id != other_than),
        )
    return session.scalars(query.order_by(Call.canonical_id.is_not(None), Call.id).limit(1)).first()


def conflicting_call(session: Session, call: Call, record: CallRecord) -> Call | None:
    """Another call that already has the link the edit gives `call`, if the edit changes it.

    An unchanged link is never a conflict, even when a source has since published the call
    under it: the edit keeps the call's id, so it cannot overwrite that source's call.
    """
    if bare_link(record.url) == bare_link(call.url or ""):
        return None
    return call_with_url(session, record.url, other_than=call.id)


def existing_message(call: Call) -> str:
    """Why a link that an existing call has is refused, naming that call."""
    origin = ORIGIN_LABELS.get(call.origin, call.origin)
    action = (
        "Bitte den vorhandenen Aufruf bearbeiten"
        if is_editable(call)
        else "Bitte den vorhandenen Aufruf öffnen"
    )
    return (
        f"Unter diesem Link ist schon ein Aufruf erfasst: „{shorten(call.title, 120)}“ ({origin}, "
        f"seit {format_date(call.first_seen)}). Es wurde nichts gespeichert und am "
        f"vorhandenen Aufruf nichts geändert. {action} oder einen anderen Link angeben."
    )


def submitted_values(form: Mapping[str, str]) -> dict[str, str]:
    """The form's fields as sent, trimmed; a missing field is empty."""
    values = {f: form.get(f, "").strip() for f in MANUAL_FIELDS}
    values[ROLLING_FIELD] = "1" if form.get(ROLLING_FIELD) else ""
    return values


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


def validated_record(
    values: dict[str, str], external_id: str | None = None
) -> tuple[CallRecord | None, list[FieldError]]:
    """The call record of the form, or every problem in it, in the form's own words.

    A new call's id is its link (or a random one without); an edited call keeps its id
    (`external_id`), so that ingest updates it even when the link was corrected.
    """
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
        if value == "" or key == ROLLING_FIELD:
            continue
        if key == "deadline_time":
            try:
                obj[key] = normalise.parse_clock(value)
            except ValueError:
                problem(
                    key,
                    f"{FORM_LABELS[key]}: bitte eine Uhrzeit angeben, z. B. 12:00 – "
                    f"nicht „{shorten(value, 40)}“.",
                )
            else:
                if not values["deadline"]:
                    problem(key, f"{FORM_LABELS[key]}: bitte auch das Datum der Frist angeben.")
        elif key in NUMBER_EXAMPLES:
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
            elif key == "funding_rate" and 0 < number < 1:
                # The field is in percent; "0,8" is almost surely meant as 80 %, so ask
                # rather than store 0.8 % (or guess a share, which made "1" mean 100 %).
                problem(
                    key,
                    "Förderquote: bitte in Prozent angeben, z. B. 80 für 80 % – "
                    f"nicht „{shorten(value, 40)}“.",
                )
            elif key == "funding_rate":
                obj[key] = number / 100
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
            elif day.year not in PLAUSIBLE_YEARS:
                problem(
                    key,
                    f"{FORM_LABELS[key]}: bitte das Jahr prüfen, z. B. 31.03.2027 – "
                    f"nicht „{shorten(value, 40)}“.",
                )
            else:
                obj[key] = day.isoformat()
        else:
            obj[key] = value
    if values.get(ROLLING_FIELD):
        if values["deadline"]:
            problem(
                ROLLING_FIELD,
                "„laufend“ gilt nur ohne Frist: bitte das Datum der Frist leeren oder "
                "„laufend“ abwählen.",
            )
        obj["status"] = normalise.STATUS_ROLLING
    opens, deadline = _date(values["opens"]), _date(values["deadline"])
    if opens and deadline and opens > deadline:
        problem(
            "opens",
            f"Antrag ab ({format_date(opens)}) liegt nach der Frist ({format_date(deadline)}): "
            "bitte beide Daten prüfen.",
        )
    if errors:
        return None, errors
    obj["id"] = external_id or obj.get("url") or random_external_id()
    try:
        return record_from_dict(obj, default_source=MANUAL_SOURCE), []
    except ParseError as exc:  # the checks above should leave nothing for the importer
        return None, [
            FieldError(p.field or "", f"{label}: {p.message}." if label else p.message)
            for p in getattr(exc, "problems", [exc])
            for label in [FORM_LABELS.get(p.field or "", "")]
        ]


def random_external_id() -> str:
    """An id for a manual call without a link (or whose link is another call's old id)."""
    return f"manuell-{uuid.uuid4().hex[:12]}"


def new_record_id(session: Session, record: CallRecord) -> None:
    """Give `record` a random id when a manual call already has its id.

    The id of a new call is its link; a call whose link was corrected keeps its old link as
    id, and a new call with that old link must not update it.
    """
    taken = session.scalar(
        select(Call.id).where(Call.source == record.source, Call.external_id == record.external_id)
    )
    if taken is not None:
        record.external_id = random_external_id()


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


# --- editing a call entered by hand --------------------------------------------------------


def form_values(call: Call) -> dict[str, str]:
    """The stored call as the form shows it: German numbers, ISO dates, comma lists.

    Amounts are shown to the cent and rates to a hundredth of a percent (a stored 0.8971
    is 89,71, not 89,70999999999999); `edited_record` keeps the stored number when the
    form sends the shown text back unchanged.
    """
    values: dict[str, str] = {}
    for name in MANUAL_FIELDS:
        value = getattr(call, name)
        if value is None:
            values[name] = ""
        elif name in DATE_FIELDS:
            values[name] = value.isoformat()
        elif name == "amount_max_eur":
            # money reads with two decimals or none: 1.250.000,50 rather than 1.250.000,5
            euros, cents = divmod(round(value * 100), 100)
            values[name] = format_count(euros) + (f",{cents:02d}" if cents else "")
        elif name == "funding_rate":
            values[name] = german_number(round(value * 100, 4))
        elif isinstance(value, list):
            values[name] = ", ".join(value)
        else:
            values[name] = str(value)
    values[ROLLING_FIELD] = "1" if call.deadline is None and call.status == "laufend" else ""
    return values


def german_number(value: float) -> str:
    """250000 → 250.000, 1250000.5 → 1.250.000,5 (no exponent, as the form's reader reads)."""
    whole, _, fraction = format(Decimal(repr(value)).normalize(), "f").partition(".")
    grouped = format_count(int(whole))
    return f"{grouped},{fraction}" if fraction else grouped


def edited_record(call: Call, values: dict[str, str]) -> tuple[CallRecord | None, list[FieldError]]:
    """The form's record for `call` (same source and id, so ingest updates it), or the problems.

    A number sent back exactly as the form showed it keeps its stored value: what the
    officer did not touch does not change, not even by a rounding of the shown text.
    """
    record, errors = validated_record(values, external_id=call.external_id)
    if record is None:
        return None, errors
    record.source = call.source
    shown = form_values(call)
    for name in NUMBER_EXAMPLES:
        if values[name] == shown[name]:
            setattr(record, name, getattr(call, name))
    return record, []


class StaleEdit(Exception):
    """The call was changed since the form was opened; nothing of the edit was written."""


def save_edit(
    session: Session,
    call: Call,
    record: CallRecord,
    user_id: int | None,
    now: datetime | None = None,
    *,
    version: str | None = None,
) -> bool:
    """Store the edited `record` on `call`; False (and nothing written) when nothing changed.

    Ingest records each changed field with its old and new value, sets the new content hash
    and `changed_at`, as a rescrape does, and signs this edit's change rows with the officer
    (`user_id`). `version` is the content hash the form was opened at (default:
    the call as loaded); StaleEdit when the call no longer has it. The caller commits.
    """
    version = version or call.content_hash
    if record.content_hash() == call.content_hash:
        return False
    now = now or utcnow()
    # Claim the row while it still has `version`. The UPDATE waits for a save running at
    # the same time to commit (SQLite's write lock, PostgreSQL's row lock) and then finds
    # its new hash; a check of the call as read is no guard on SQLite (no FOR UPDATE).
    claim = session.execute(
        update(Call)
        .where(Call.id == call.id, Call.content_hash == version)
        .values(changed_at=now)
        .execution_options(synchronize_session=False)
    )
    if claim.rowcount != 1:  # type: ignore[attr-defined]  # an UPDATE gives a CursorResult
        raise StaleEdit
    ingest_records(session, [record], origin=MANUAL_ORIGIN, now=now, user_id=user_id)
    return True


# The stale refusal names the hidden version field, so the page can link the current call.
STALE_MESSAGE = stale_message()


@dataclass(slots=True)
class EditOutcome:
    """What `apply_edit` did: "saved", "unchanged", or "refused" with the errors to show."""

    result: Literal["saved", "unchanged", "refused"]
    errors: list[FieldError] = dataclasses.field(default_factory=list)
    existing: Call | None = None  # the other call that already has the link entered


def apply_edit(
    session: Session, call: Call, values: dict[str, str], version: str, user_id: int | None
) -> EditOutcome:
    """Check the edit form's `values` for `call`, opened at `version`, and save them.

    Content the call already has is "unchanged", also from a form opened before: a form sent
    twice (a double click) finds what its first request saved. Other content from a form
    whose version is no longer the call's is refused, so no one's edit is overwritten unseen.
    The caller commits a saved edit and rolls back otherwise.
    """
    record, errors = edited_record(call, values)
    if record is not None and record.content_hash() == call.content_hash:
        return EditOutcome("unchanged")
    if version != call.content_hash:
        return EditOutcome("refused", [FieldError(STALE_FIELD, STALE_MESSAGE), *errors])
    if record is None:
        return EditOutcome("refused", errors)
    existing = conflicting_call(session, call, record)
    if existing is not None:
        return EditOutcome("refused", [FieldError("url", existing_message(existing))], existing)
    try:
        save_edit(session, call, record, user_id, version=version)
    except StaleEdit:  # saved by someone else since this request read the call
        session.refresh(call)
        if record.content_hash() == call.content_hash:
            return EditOutcome("unchanged")
        return EditOutcome("refused", [FieldError(STALE_FIELD, STALE_MESSAGE)])
    return EditOutcome("saved")


# What the officer reads after saving: `done` is what happened, `again` marks a re-score.
_OUTCOME_TEXTS = {
    "scored": "{done} und mit der Strategie{again} abgeglichen.",
    "closed": "{done}. Die Frist ist abgelaufen: abgeglichen werden nur offene Aufrufe.",
    "duplicate": "{done}. Er ist ein Duplikat eines anderen Aufrufs; dessen Passung gilt.",
    "no_model": (
        "{done}. Die Passung zur Strategie wird beim nächsten Abgleich{again} "
        "berechnet (funding-matcher match, wöchentlich mit funding-matcher weekly)."
    ),
}


def outcome_message(outcome: EntryOutcome, *, edited: bool = False) -> str:
    """The confirmation after a call was entered (or edited) and scored, or not yet."""
    text = _OUTCOME_TEXTS.get(outcome, _OUTCOME_TEXTS["no_model"])
    if edited:
        return text.format(done="Änderungen gespeichert", again=" neu")
    return text.format(done="Aufruf angelegt", again="")


def returned_note(session: Session, call: Call) -> str:
    """A note when the edit brings a dismissed call back for review, else ''.

    The rule of rescraped calls: a call dismissed on an earlier version of its content is
    open for a decision again once that content changes.
    """
    review = session.scalar(select(Review).where(Review.call_id == call.id))
    if review is None or not dismissed_then_changed(
        review.status, review.call_hash, call.content_hash
    ):
        return ""
    return (
        " Er war als „nicht relevant“ bewertet; weil sich sein Inhalt geändert hat, steht er "
        "wieder zur Entscheidung an."
    )
