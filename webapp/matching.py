"""The match job: score open calls against the active strategy and store the results.

`run_match` fits the model on all open calls and saves it (`webapp.saved_model`);
`match_entered_calls` scores a call entered by hand with that saved model at once.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator, Sequence
from dataclasses import asdict, dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Literal

from sqlalchemy import Select, delete, or_, select
from sqlalchemy.orm import Session

from matcher.model import apply_decisions, fit_and_match
from matcher.types import CallDoc, CallMatch, Feedback, TermContribution
from webapp.formatting import local_today
from webapp.models import (
    DISMISSED_STATUS,
    Call,
    CallScore,
    Match,
    ProjectRow,
    Review,
    StrategyRow,
    utcnow,
)
from webapp.saved_model import ModelCache, ModelFile, save_model
from webapp.strategy_store import active_strategy_row, strategy_from_db, strategy_hash

log = logging.getLogger(__name__)

RELEVANT_STATUSES = frozenset(
    {"relevant", "Antrag in Vorbereitung", "beantragt", "bewilligt", "abgelehnt"}
)
# The stored eligibility of a call the county and its municipalities may not apply for
# but a project's further applicant types (its partners) may: a candidate all the same.
PARTNER_STATUS = "partner"


@dataclass(slots=True)
class MatchReport:
    calls: int
    matches: int
    eligible: int
    ineligible: int
    unknown: int
    partner: int = 0  # eligible only through a project's partners (`PARTNER_STATUS`)
    model_path: Path | None = None  # where the run saved its model
    model_bytes: int = 0
    model_error: str = ""  # why it could not be saved


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


def replaced_strategy_in_matches(session: Session, today: date | None = None) -> str | None:
    """The name of a replaced strategy whose projects open calls are still matched to.

    After `strategy load` (or `init` with another STRATEGY_PATH) the stored matches belong
    to the strategy before until `match` runs: the pages and the digest would show its
    projects under the new strategy's name. None when the matches are the active strategy's.
    """
    # Most installations have one strategy: one small query, and no join over the matches.
    others = list(
        session.scalars(select(StrategyRow.id).where(StrategyRow.active.is_(False)).limit(20))
    )
    if not others:
        return None
    open_ids = open_calls_query(today or local_today()).with_only_columns(Call.id)
    return session.scalar(
        select(StrategyRow.name)
        .join(ProjectRow, ProjectRow.strategy_id == StrategyRow.id)
        .join(Match, Match.project_id == ProjectRow.id)
        .where(StrategyRow.id.in_(others), Match.call_id.in_(open_ids))
        .limit(1)
    )


def earlier_strategy_of(score: CallScore | None) -> str | None:
    """The name of the replaced strategy a call's stored verdict belongs to, else None.

    Until `match` runs after `strategy load`, a call's eligibility and best project are
    those of the earlier strategy ("… Kreis Coesfeld liegt nicht darin"), not the active one.
    """
    project = score.best_project if score is not None else None
    if project is None or project.strategy.active:
        return None
    return project.strategy.name


def feedback_from_reviews(
    session: Session, call_ids: Sequence[int] | None = None
) -> list[Feedback]:
    """The officers' decisions as matcher feedback (per project where one was chosen).

    All decisions, or only those on `call_ids`.
    """
    query = select(Review, CallScore.best_project_id).outerjoin(
        CallScore, CallScore.call_id == Review.call_id
    )
    if call_ids is not None:
        query = query.where(Review.call_id.in_(call_ids))
    rows = session.execute(query).all()
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
    session: Session,
    today: date | None = None,
    calls: Sequence[Call] | None = None,
    model_file: ModelFile | None = None,
) -> MatchReport:
    """(Re)compute matches for all open calls (or the given ones) and store them.

    With `model_file`, a run over all open calls saves its fitted model there, so that
    calls entered by hand are scored at once (`match_entered_calls`). A model that cannot
    be saved is reported, not an error: the matches are stored all the same.
    """
    today = today or local_today()
    strategy = strategy_from_db(session)
    all_open = calls is None
    if calls is None:
        calls = list(session.scalars(open_calls_query(today)))
    model, results = fit_and_match(
        strategy, [call_doc(c) for c in calls], feedback_from_reviews(session)
    )
    report = store_results(session, calls, results, _active_projects(session))
    if model is not None and model_file is not None and all_open:
        try:
            report.model_bytes = save_model(model, model_file, fitted_calls=len(calls))
            report.model_path = model_file.path
        except OSError as exc:
            report.model_error = f"Modell nicht gespeichert ({model_file.path}): {exc}"
            log.warning("%s", report.model_error)
    return report


def _active_projects(session: Session) -> dict[str, ProjectRow]:
    """The active strategy's active projects by key."""
    strategy_row = active_strategy_row(session)
    return {
        p.key: p
        for p in session.scalars(
            select(ProjectRow).where(ProjectRow.strategy_id == strategy_row.id, ProjectRow.active)
        )
    }


def store_results(
    session: Session,
    calls: Sequence[Call],
    results: Sequence[CallMatch],
    projects: dict[str, ProjectRow],
) -> MatchReport:
    """Replace the stored scores and matches of `calls` by the matcher's `results`."""
    by_id = {str(c.id): c for c in calls}
    report = MatchReport(calls=len(results), matches=0, eligible=0, ineligible=0, unknown=0)
    call_ids = [c.id for c in calls]
    for chunk in _chunks(call_ids, 500):
        session.execute(delete(Match).where(Match.call_id.in_(chunk)))
        session.execute(delete(CallScore).where(CallScore.call_id.in_(chunk)))
    now = utcnow()
    for result in results:
        call = by_id[result.call_id]
        verdict = call_verdict(result, projects)
        report.matches += _store(session, call, result, verdict, projects, now)
        setattr(report, verdict.status, getattr(report, verdict.status) + 1)
    session.flush()
    return report


@dataclass(frozen=True, slots=True)
class CallVerdict:
    """The eligibility stored for a call as a whole (`CallScore.eligibility` and co.)."""

    status: str  # "eligible", "ineligible", "unknown" or PARTNER_STATUS
    reasons: list[str]
    applicants: list[str]  # who may apply: the strategy's applicants, or the partner types


def call_verdict(result: CallMatch, projects: dict[str, ProjectRow]) -> CallVerdict:
    """The matcher's verdict on the county and its municipalities, unless only partners may.

    A call they may not apply for is still a candidate when a project's further applicant
    types may (the matcher ranks that project as eligible, and the inbox score counts it):
    the status is then PARTNER_STATUS, the reasons name the projects and their partner
    types first, then why the county and its municipalities themselves may not apply.
    """
    own = result.eligibility
    if own.status == "ineligible":
        via = [
            (projects[p.project_id].key, p.eligibility)
            for p in result.projects
            if p.project_id in projects
            and p.eligibility is not None
            and p.eligibility.status != "ineligible"
            and p.eligibility.partners
        ]
        if via:
            reasons = [
                f"antragsberechtigt für {key} über {', '.join(e.partners)} (Projektpartner)"
                for key, e in via
            ]
            partners = list(dict.fromkeys(t for _, e in via for t in e.partners))
            return CallVerdict(PARTNER_STATUS, reasons + list(own.reasons), partners)
    return CallVerdict(own.status, list(own.reasons), list(own.applicants))


EntryOutcome = Literal["scored", "no_model", "closed", "duplicate", "strategy_changed", "failed"]


def match_entered_calls(
    session: Session,
    call_ids: Sequence[int],
    cache: ModelCache,
    model_file: ModelFile,
    today: date | None = None,
) -> EntryOutcome:
    """Score calls entered by hand at once with the model saved by the last `match` run.

    Their scores, matches, eligibility and explanations are stored as `run_match` stores
    them, and committed. Fitting on these calls alone would skew their scores (a corpus of
    one), so without a usable saved model (none yet, unreadable, fitted for another
    strategy) nothing is stored; neither for calls `run_match` leaves out (closed ones,
    duplicates). The next `match` run scores them, and refits on all open calls.
    """
    today = today or local_today()
    calls = list(session.scalars(open_calls_query(today).where(Call.id.in_(call_ids))))
    if not calls:
        duplicate = session.scalar(
            select(Call.id).where(Call.id.in_(call_ids), Call.canonical_id.is_not(None))
        )
        return "duplicate" if duplicate is not None else "closed"
    saved = cache.get(model_file)
    if saved is None:
        return "no_model"
    model = saved.model
    try:
        strategy = strategy_from_db(session)
        if model.strategy is None or strategy_hash(model.strategy) != strategy_hash(strategy):
            return "strategy_changed"  # `init` loaded a changed strategy since the run
        with cache.lock:
            results = model.score([call_doc(c) for c in calls])
        # as in run_match: decisions on the calls (an edited call may have one) take a
        # dismissed call out of the inbox
        known = {p.id for p in strategy.projects}
        feedback = [
            f
            for f in feedback_from_reviews(session, [c.id for c in calls])
            if f.project_id in known
        ]
        store_results(session, calls, apply_decisions(results, feedback), _active_projects(session))
        session.commit()
    except Exception:
        # a model saved by an older version, or a match run writing the same rows: the
        # call is stored already, its scores follow with the next match run
        session.rollback()
        log.warning(
            "Von Hand angelegte Aufrufe %s nicht mit dem gespeicherten Modell %s bewertet",
            list(call_ids),
            model_file.path,
            exc_info=True,
        )
        return "failed"
    return "scored"


def _store(
    session: Session,
    call: Call,
    result: CallMatch,
    verdict: CallVerdict,
    projects: dict[str, ProjectRow],
    now: datetime,
) -> int:
    best = next((p for p in result.projects if p.project_id in projects), None)
    session.add(
        CallScore(
            call_id=call.id,
            inbox_score=result.inbox_score,
            best_project_id=projects[best.project_id].id if best else None,
            eligibility=verdict.status,
            eligibility_reasons=verdict.reasons,
            eligible_applicants=verdict.applicants,
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
                # eligible through the project's partners only: badged as such on the page
                eligibility=PARTNER_STATUS
                if eligibility.status == "eligible" and eligibility.partners
                else eligibility.status,
                eligibility_reasons=list(eligibility.reasons),
                decisions=asdict(scored.decisions) if scored.decisions else None,
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
