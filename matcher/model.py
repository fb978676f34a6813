"""First matcher: TF-IDF over calls and projects, cosine scores (to be replaced by the German model)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.metrics.pairwise import linear_kernel

from matcher.strategy import Project, Strategy
from matcher.types import CallDoc, CallMatch, Eligibility, Feedback, GoalScore, ProjectScore

TOP_PROJECTS = 5


def call_text(call: CallDoc) -> str:
    """The text of a call that the model reads."""
    return " ".join([call.title, call.title, call.programme, call.summary, call.text])


def project_text(strategy: Strategy, project: Project) -> str:
    """The text of a project: title, summary, keywords, goal texts, theme name."""
    goals = " ".join(strategy.goal(g).text for g in project.goal_ids)
    theme = strategy.theme(project.theme_id).name
    return " ".join([project.title, project.summary, " ".join(project.keywords), goals, theme])


def match_calls(
    strategy: Strategy, calls: Sequence[CallDoc], feedback: Iterable[Feedback] = ()
) -> list[CallMatch]:
    """Score every call against every project and goal of the strategy."""
    if not calls or not strategy.projects:
        return []
    projects = strategy.projects
    goals = strategy.goals
    vectorizer = TfidfVectorizer(sublinear_tf=True, lowercase=True)
    corpus = (
        [call_text(c) for c in calls]
        + [project_text(strategy, p) for p in projects]
        + [g.text for g in goals]
    )
    matrix = vectorizer.fit_transform(corpus)
    n_calls, n_projects = len(calls), len(projects)
    call_m = matrix[:n_calls]
    project_scores = linear_kernel(call_m, matrix[n_calls : n_calls + n_projects])
    goal_scores = linear_kernel(call_m, matrix[n_calls + n_projects :])
    results: list[CallMatch] = []
    for i, call in enumerate(calls):
        order = np.argsort(-project_scores[i])[:TOP_PROJECTS]
        scored = [
            ProjectScore(
                project_id=projects[j].id,
                score=float(project_scores[i, j]),
                goal_ids=list(projects[j].goal_ids),
            )
            for j in order
        ]
        goal_order = np.argsort(-goal_scores[i])[:3]
        results.append(
            CallMatch(
                call_id=call.id,
                inbox_score=scored[0].score if scored else 0.0,
                projects=scored,
                goals=[GoalScore(goals[j].id, float(goal_scores[i, j])) for j in goal_order],
                eligibility=Eligibility(status="unknown"),
            )
        )
    return results
