"""Load a validated strategy into the database and read it back.

Reloading a changed file updates rows in place by their keys; themes, goals and projects
that disappeared are deactivated, never deleted, so reviews and edited texts keep them.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from matcher.strategy import (
    Applicant,
    Goal,
    Project,
    RegionProfile,
    Strategy,
    Theme,
)
from webapp.errors import UserError
from webapp.models import GoalRow, ProjectRow, StrategyRow, ThemeRow, utcnow


@dataclass(slots=True)
class LoadReport:
    """What a strategy load changed."""

    strategy_key: str
    created: bool
    themes: int
    goals: int
    projects: int
    deactivated: list[str]
    replaced: list[str] = dataclasses.field(default_factory=list)  # strategies no longer active
    changed: bool = True  # new, or its content differs from the stored version


def strategy_hash(strategy: Strategy) -> str:
    """A hash of the strategy's content, to see whether a reload changes anything."""
    doc = dataclasses.asdict(strategy)
    doc.pop("source_path", None)
    return hashlib.sha256(json.dumps(doc, sort_keys=True, default=str).encode()).hexdigest()


def load_into_db(session: Session, strategy: Strategy) -> LoadReport:
    """Insert or update `strategy` and make it the active one."""
    row = session.scalar(select(StrategyRow).where(StrategyRow.key == strategy.id))
    created = row is None
    changed = row is None or row.content_hash != strategy_hash(strategy)
    if row is None:
        row = StrategyRow(key=strategy.id, name=strategy.name)
        session.add(row)
    replaced: list[str] = []
    for other in session.scalars(select(StrategyRow).where(StrategyRow.key != strategy.id)):
        if other.active:
            replaced.append(other.key)
        other.active = False
    row.name = strategy.name
    row.region = strategy.region
    row.state = strategy.state
    row.adopted = strategy.adopted
    row.adopted_by = strategy.adopted_by
    row.leitbild = strategy.leitbild
    row.aims = list(strategy.aims)
    row.members = list(strategy.members)
    row.region_profile = dataclasses.asdict(strategy.region_profile)
    row.source_path = strategy.source_path
    row.content_hash = strategy_hash(strategy)
    row.document = json.loads(json.dumps(dataclasses.asdict(strategy), default=str))
    row.loaded_at = utcnow()
    row.active = True
    session.flush()

    deactivated: list[str] = []
    themes = {
        t.key: t for t in session.scalars(select(ThemeRow).where(ThemeRow.strategy_id == row.id))
    }
    goals = {
        g.key: g for g in session.scalars(select(GoalRow).where(GoalRow.strategy_id == row.id))
    }
    projects = {
        p.key: p
        for p in session.scalars(select(ProjectRow).where(ProjectRow.strategy_id == row.id))
    }
    theme_rows: dict[str, ThemeRow] = {}
    for position, theme in enumerate(strategy.themes):
        trow = themes.pop(theme.id, None) or ThemeRow(strategy_id=row.id, key=theme.id)
        trow.name, trow.priority, trow.description = theme.name, theme.priority, theme.description
        trow.position, trow.active = position, True
        session.add(trow)
        theme_rows[theme.id] = trow
    session.flush()
    goal_position = 0
    for theme in strategy.themes:
        for goal in theme.goals:
            grow = goals.pop(goal.id, None) or GoalRow(strategy_id=row.id, key=goal.id)
            grow.theme_id = theme_rows[theme.id].id
            grow.text, grow.position, grow.active = goal.text, goal_position, True
            goal_position += 1
            session.add(grow)
    for position, project in enumerate(strategy.projects):
        prow = projects.pop(project.id, None) or ProjectRow(strategy_id=row.id, key=project.id)
        prow.theme_id = theme_rows[project.theme_id].id
        prow.title, prow.summary = project.title, project.summary
        prow.keywords = list(project.keywords)
        prow.goal_keys = list(project.goal_ids)
        prow.lead, prow.partners = project.lead, list(project.partners)
        prow.applicant_types = list(project.applicant_types)
        prow.funding_history = json.loads(json.dumps(project.funding_history, default=str))
        prow.position, prow.active = position, True
        session.add(prow)
    leftovers: list[ThemeRow | GoalRow | ProjectRow] = [
        *themes.values(),
        *goals.values(),
        *projects.values(),
    ]
    for leftover in leftovers:
        if leftover.active:
            leftover.active = False
            deactivated.append(leftover.key)
    session.flush()
    return LoadReport(
        strategy_key=strategy.id,
        created=created,
        themes=len(strategy.themes),
        goals=len(strategy.goals),
        projects=len(strategy.projects),
        deactivated=deactivated,
        replaced=replaced,
        changed=changed,
    )


def active_strategy_row(session: Session) -> StrategyRow:
    """The strategy the installation works with; a clear error when none is loaded."""
    row = session.scalar(select(StrategyRow).where(StrategyRow.active.is_(True)))
    if row is None:
        raise UserError(
            "Es ist keine Strategie geladen: bitte zuerst 'funding-matcher init' "
            "oder 'funding-matcher strategy load DATEI' ausführen."
        )
    return row


def strategy_from_db(session: Session) -> Strategy:
    """Rebuild the active strategy (active themes, goals and projects) from the database."""
    row = active_strategy_row(session)
    profile = dict(row.region_profile or {})
    applicants = [Applicant(**a) for a in profile.pop("applicants", [])]
    themes: list[Theme] = []
    for trow in row.themes:
        if not trow.active:
            continue
        theme = Theme(
            id=trow.key, name=trow.name, priority=trow.priority, description=trow.description
        )
        theme.goals = [
            Goal(id=g.key, text=g.text, theme_id=trow.key) for g in trow.goals if g.active
        ]
        themes.append(theme)
    projects = [
        Project(
            id=p.key,
            title=p.title,
            theme_id=p.theme.key,
            goal_ids=list(p.goal_keys),
            summary=p.summary,
            keywords=list(p.keywords),
            lead=p.lead,
            partners=list(p.partners),
            applicant_types=list(p.applicant_types),
            funding_history=list(p.funding_history),
        )
        for p in row.projects
        if p.active
    ]
    return Strategy(
        id=row.key,
        name=row.name,
        region=row.region,
        state=row.state,
        adopted=row.adopted,
        adopted_by=row.adopted_by,
        members=list(row.members),
        leitbild=row.leitbild,
        aims=list(row.aims),
        region_profile=RegionProfile(**profile, applicants=applicants),
        themes=themes,
        projects=projects,
        source_path=row.source_path,
    )
