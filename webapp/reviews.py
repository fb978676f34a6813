"""The officers' decisions on calls: set status, reason, note, assignee; keep the history."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import update
from sqlalchemy.orm import Session

from webapp.errors import UserError
from webapp.matching import DISMISSED_STATUS
from webapp.models import (
    DISMISS_REASONS,
    REVIEW_STATUSES,
    Call,
    ProjectRow,
    Review,
    ReviewEvent,
    User,
    utcnow,
)
from webapp.stale import STALE_FIELD, parse_version, stale_message, version_of

# Statuses shown as "in work" on the deadline page and in the calendar feed.
ACTIVE_STATUSES = ("relevant", "Antrag in Vorbereitung")


@dataclass(slots=True)
class ReviewInput:
    """What the review form sends; empty strings mean "not chosen"."""

    status: str
    reason: str = ""
    note: str = ""
    assignee_id: int | None = None
    project_id: int | None = None
    # The content hash to record with the decision; None: the call's current one. The
    # "Rückgängig" of a quick decision restores the one it replaced (a call that was back,
    # "wieder da", is back again).
    call_hash: str | None = None


class ReviewError(UserError):
    """A review the form cannot save; `field` names the form field to show the message at."""

    def __init__(self, message: str, field: str = "") -> None:
        super().__init__(message)
        self.field = field


def canonical_call(session: Session, call: Call) -> Call:
    """The canonical call of a group of duplicates: reviews and texts hang on it."""
    seen = {call.id}
    while call.canonical_id is not None and call.canonical_id not in seen:
        parent = session.get(Call, call.canonical_id)
        if parent is None:
            break
        seen.add(parent.id)
        call = parent
    return call


def current_review(session: Session, call: Call) -> Review | None:
    """The review of the call's canonical call, if there is one."""
    return canonical_call(session, call).review


def review_version(review: Review | None) -> str:
    """The version a Bewertung form or a "Rückgängig" carries: the review's last change."""
    return version_of(review.updated_at) if review is not None else ""


class StaleReview(ReviewError):
    """The review changed since the form was opened (or the decision to undo was made)."""

    def __init__(self, review: Review, message: str) -> None:
        super().__init__(message, STALE_FIELD)
        self.review = review


def changed_by(review: Review) -> str:
    """Who made the review's last change ("" when nobody is known)."""
    return review.updated_by.display_name if review.updated_by is not None else ""


def _stale(review: Review) -> StaleReview:
    return StaleReview(
        review, stale_message("Die Bewertung", changed_by(review), review.updated_at)
    )


def set_review(
    session: Session,
    call: Call,
    data: ReviewInput,
    user_id: int | None,
    *,
    version: str | None = None,
    expected_status: str | None = None,
) -> list[ReviewEvent]:
    """Apply `data` to the call's review; one ReviewEvent per changed field.

    The call's current content hash is stored with the decision: a dismissed call comes
    back to the inbox only when its content changes afterwards.

    `version` is the review's version (`review_version`) the form was opened at, and
    `expected_status` the status it replaces: when the review has changed since, StaleReview
    and nothing is written, so no colleague's decision is overwritten unseen. Values the
    review already has are no conflict (a form sent twice). None: not checked.
    """
    if data.status not in REVIEW_STATUSES:
        raise ReviewError(f"Unbekannter Status „{data.status}“.", "status")
    reason = data.reason.strip()
    if data.status == DISMISSED_STATUS:
        if reason not in DISMISS_REASONS:
            raise ReviewError(
                "Bitte einen Grund angeben, warum der Aufruf nicht relevant ist.", "reason"
            )
    else:
        reason = ""  # a reason only explains a dismissal
    assignee = session.get(User, data.assignee_id) if data.assignee_id is not None else None
    if data.assignee_id is not None and assignee is None:
        raise ReviewError(
            "Die gewählte Bearbeiterin / der gewählte Bearbeiter existiert nicht.", "assignee_id"
        )
    project = session.get(ProjectRow, data.project_id) if data.project_id is not None else None
    if data.project_id is not None and project is None:
        raise ReviewError("Das gewählte Projekt existiert nicht.", "project_id")
    call = canonical_call(session, call)
    review = call.review
    # Like a deactivated assignee: a project the strategy dropped (or one of an earlier
    # strategy) stays on a review that has it, but is never newly chosen.
    if (
        project is not None
        and not (project.active and project.strategy.active)
        and (review is None or review.project_id != project.id)
    ):
        raise ReviewError(
            f"Das Projekt „{project.title}“ gehört nicht mehr zur geladenen Strategie.",
            "project_id",
        )
    # A deactivated assignee is kept when already assigned (the form sends them back), but
    # never newly given a call.
    newly_assigned = review is None or review.assignee_id != data.assignee_id
    if assignee is not None and not assignee.active and newly_assigned:
        raise ReviewError(
            f"{assignee.display_name} ist deaktiviert und kann nicht zuständig werden.",
            "assignee_id",
        )
    stale = (version is not None and version != review_version(review)) or (
        expected_status is not None
        and expected_status != (review.status if review is not None else "neu")
    )
    stored = review is not None
    if review is None:
        review = Review(call=call, status="neu", reason="", note="")
        session.add(review)
    new_values = {
        "status": data.status,
        "reason": reason,
        "note": data.note.strip(),
        "assignee_id": data.assignee_id,
        "project_id": data.project_id,
    }
    events: list[ReviewEvent] = []
    now = utcnow()
    # Labels first (they query users/projects), then the events: no autoflush in between.
    changed = [
        (field, _label(session, field, getattr(review, field)), _label(session, field, new))
        for field, new in new_values.items()
        if (getattr(review, field) or None) != (new or None)
    ]
    if stale:
        if not changed:
            return []  # what the form sends is stored already
        raise _stale(review)
    if version is not None and stored and changed:
        # Claim the review while it still has `version`: a save running at the same time
        # waits for this one's commit (SQLite's write lock, PostgreSQL's row lock) and
        # then no longer finds it. Nothing is pending yet, so no autoflush comes first.
        claim = session.execute(
            update(Review)
            .where(Review.id == review.id, Review.updated_at == parse_version(version))
            .values(updated_at=now)
            .execution_options(synchronize_session=False)
        )
        if claim.rowcount != 1:  # type: ignore[attr-defined]  # an UPDATE gives a CursorResult
            session.refresh(review)
            raise _stale(review)
    for field, new in new_values.items():
        setattr(review, field, new)
    for field, old_label, new_label in changed:
        events.append(
            ReviewEvent(
                review=review, user_id=user_id, field=field, old=old_label, new=new_label, at=now
            )
        )
    review.call_hash = data.call_hash if data.call_hash is not None else call.content_hash
    if events:
        review.updated_at = now
        review.updated_by_id = user_id
    session.add_all(events)
    session.flush()
    return events


def _label(session: Session, field: str, value: object) -> str:
    """A readable form of a value for the history (names instead of ids)."""
    if value is None or value == "":
        return ""
    if field == "assignee_id":
        user = session.get(User, value)
        return user.display_name if user else str(value)
    if field == "project_id":
        project = session.get(ProjectRow, value)
        return f"{project.key} {project.title}" if project else str(value)
    return str(value)
