"""The match job: score open calls against the active strategy and store the results."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import Select, delete, or_, select
from sqlalchemy.orm import Session

from matcher.model import match_calls
from matcher.types import CallDoc, CallMatch, Feedback, TermContribution
from webapp.models import Call, CallScore, Match, ProjectRow, Review, utcnow
from webapp.strategy_store import active_strategy_row, strategy_from_db

RELEVANT_STATUSES = frozenset(
    {"relevant", "Antrag in Vorbereitung", "beantragt", "bewilligt", "abgelehnt"}
)
DISMISSED_STATUS = "nicht relevant"


@dataclass(slots=True)
class MatchReport:
    calls: int
    matches: int
    eligible: int
    ineligible: int
    unknown: int


def call_doc(call: Call) -> CallDoc:
    """The matcher's view of a stored call."""
    return CallDoc(
        id=str(call.id),
        title=call.title,
        summary=call.summary,
        text=call.text,
        programme=call.programme,
        funder=call.funder,
        topics=list(call.topics or []),
        eligible=list(call.eligible or []),
        region=call.region,
        funding_type=call.funding_type,
        deadline=call.deadline,
        language=call.language,
    )


def open_calls_query(today: date) -> Select[tuple[Call]]:
    """Canonical calls that are still open: deadline today or later, or open-ended."""
    return select(Call).where(
        Call.canonical_id.is_(None),
        or_(Call.deadline.is_(None), Call.deadline >= today),
    )


def feedback_from_reviews(session: Session) -> list[Feedback]:
    """The officers' decisions as matcher feedback (per project where one was chosen)."""
    rows = session.execute(
        select(Review, CallScore.best_project_id).outerjoin(
            CallScore, CallScore.call_id == Review.call_id
        )
    ).all()
    project_keys = dict(session.execute(select(ProjectRow.id, ProjectRow.key)).tuples().all())
    feedback: list[Feedback] = []
    for review, best_project_id in rows:
        if review.status not in RELEVANT_STATUSES and review.status != DISMISSED_STATUS:
            continue
        project_id = review.project_id or best_project_id
        if project_id is None or project_id not in project_keys:
            continue
        feedback.append(
            Feedback(
                call_id=str(review.call_id),
                project_id=project_keys[project_id],
                relevant=review.status in RELEVANT_STATUSES,
                reason=review.reason,
            )
        )
    return feedback


def run_match(
    session: Session, today: date | None = None, calls: Sequence[Call] | None = None
) -> MatchReport:
    """(Re)compute matches for all open calls (or the given ones) and store them."""
    today = today or date.today()
    strategy = strategy_from_db(session)
    strategy_row = active_strategy_row(session)
    projects = {
        p.key: p
        for p in session.scalars(
            select(ProjectRow).where(ProjectRow.strategy_id == strategy_row.id, ProjectRow.active)
        )
    }
    if calls is None:
        calls = list(session.scalars(open_calls_query(today)))
    by_id = {str(c.id): c for c in calls}
    results = match_calls(strategy, [call_doc(c) for c in calls], feedback_from_reviews(session))
    report = MatchReport(calls=len(results), matches=0, eligible=0, ineligible=0, unknown=0)
    call_ids = [c.id for c in calls]
    for chunk in _chunks(call_ids, 500):
        session.execute(delete(Match).where(Match.call_id.in_(chunk)))
        session.execute(delete(CallScore).where(CallScore.call_id.in_(chunk)))
    now = utcnow()
    for result in results:
        call = by_id[result.call_id]
        report.matches += _store(session, call, result, projects, now)
        setattr(report, result.eligibility.status, getattr(report, result.eligibility.status) + 1)
    session.flush()
    return report


def _store(
    session: Session,
    call: Call,
    result: CallMatch,
    projects: dict[str, ProjectRow],
    now: datetime,
) -> int:
    best = next((p for p in result.projects if p.project_id in projects), None)
    session.add(
        CallScore(
            call_id=call.id,
            inbox_score=result.inbox_score,
            best_project_id=projects[best.project_id].id if best else None,
            eligibility=result.eligibility.status,
            eligibility_reasons=list(result.eligibility.reasons),
            eligible_applicants=list(result.eligibility.applicants),
            goals=[
                {"goal": g.goal_id, "score": round(g.score, 4), "terms": _terms(g.terms)}
                for g in result.goals
            ],
            language=result.language,
            content_hash=call.content_hash,
            computed_at=now,
        )
    )
    stored = 0
    for rank, scored in enumerate(result.projects, start=1):
        project = projects.get(scored.project_id)
        if project is None:
            continue
        eligibility = scored.eligibility or result.eligibility
        session.add(
            Match(
                call_id=call.id,
                project_id=project.id,
                score=scored.score,
                rank=rank,
                terms=_terms(scored.terms),
                goal_keys=list(scored.goal_ids),
                eligibility=eligibility.status,
                eligibility_reasons=list(eligibility.reasons),
                computed_at=now,
            )
        )
        stored += 1
    return stored


def _terms(terms: Sequence[TermContribution]) -> list[dict[str, object]]:
    return [
        {"call_word": t.call_word, "project_word": t.project_word, "weight": round(t.weight, 4)}
        for t in terms
    ]


def _chunks(items: list[int], size: int) -> Iterator[list[int]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]
