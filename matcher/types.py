"""The matcher's inputs and outputs: plain dataclasses, no database or web types."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Literal

EligibilityStatus = Literal["eligible", "ineligible", "unknown"]


@dataclass(slots=True)
class CallDoc:
    """The parts of a funding call the matcher reads."""

    id: str
    title: str
    summary: str = ""
    text: str = ""
    programme: str = ""
    funder: str = ""
    topics: list[str] = field(default_factory=list)
    eligible: list[str] = field(default_factory=list)
    region: str = ""
    funding_type: str = ""
    deadline: date | None = None
    language: str = ""
    source: str = ""


@dataclass(slots=True)
class Eligibility:
    """May the strategy's applicants apply? `applicants` names who may (e.g. the towns only).

    `partners` are the project's further applicant types the call is open to when the
    county and its municipalities themselves may not apply ("Landwirt, Unternehmen").
    """

    status: EligibilityStatus
    reasons: list[str] = field(default_factory=list)
    applicants: list[str] = field(default_factory=list)
    partners: list[str] = field(default_factory=list)


@dataclass(slots=True)
class TermContribution:
    """A term shared by call and project, in readable words of both texts."""

    call_word: str
    project_word: str
    weight: float


@dataclass(slots=True)
class DecisionEffect:
    """How the officers' decisions on other calls move a call's score for one project.

    `change` is the score with the decisions minus the score without them. The most similar
    call confirmed for the project lifts it, the most similar one dismissed as off-topic
    lowers it ("" when there is none): their similarity to the call is a cosine in [0, 1]
    (1 for the same programme announced by another source), their effect what that
    similarity adds to or takes from the score (both ≥ 0). The rest of the change is the
    project profile moving away from the dismissed calls.
    """

    change: float
    confirmed_call: str = ""
    confirmed_similarity: float = 0.0
    confirmed_effect: float = 0.0
    dismissed_call: str = ""
    dismissed_similarity: float = 0.0
    dismissed_effect: float = 0.0


@dataclass(slots=True)
class ProjectScore:
    project_id: str
    score: float
    terms: list[TermContribution] = field(default_factory=list)
    goal_ids: list[str] = field(default_factory=list)
    eligibility: Eligibility | None = None
    # topical similarity in [0, 1] before eligibility; `score` is the ranking score
    topic_score: float = 0.0
    # set when decisions on other calls for the project move this score (explained scoring
    # only; a call decided for the project itself has its own decision instead)
    decisions: DecisionEffect | None = None


@dataclass(slots=True)
class GoalScore:
    goal_id: str
    score: float
    terms: list[TermContribution] = field(default_factory=list)


@dataclass(slots=True)
class CallMatch:
    """Everything the matcher says about one call."""

    call_id: str
    inbox_score: float
    projects: list[ProjectScore]
    goals: list[GoalScore]
    eligibility: Eligibility
    language: str = "de"
    # best topical similarity before eligibility; dismissed: an officer dismissed the call
    topic_score: float = 0.0
    dismissed: bool = False


# Reasons for dismissing a call that say nothing against its topic: the call leaves the inbox,
# but calls like it do not go down (next year's call of the same programme may well fit).
# The ranking score of a call that the strategy's applicants may (or possibly may) apply for
# and that shares nothing with a project: eligible 0.1 + 0.9·s, ineligible 0.1·s.
ELIGIBILITY_FLOOR = 0.1

TOPIC_REASON = "passt nicht zur Strategie"
DEADLINE_REASON = "Frist zu kurz"
NOT_ABOUT_TOPIC_REASONS = (
    "nicht antragsberechtigt",
    DEADLINE_REASON,
    "Eigenanteil nicht darstellbar",
    "bereits anderweitig gefördert",
)


@dataclass(slots=True, frozen=True)
class Feedback:
    """An officer's decision on a call for a project (relevant or not, with a reason)."""

    call_id: str
    project_id: str
    relevant: bool
    reason: str = ""

    @property
    def about_topic(self) -> bool:
        """Whether the decision says something about the topic (and so moves similar calls)."""
        return self.relevant or self.reason not in NOT_ABOUT_TOPIC_REASONS
