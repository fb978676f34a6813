"""Read queries of the web UI: inbox and call lists, call detail, strategy, deadlines, sources.

Kept out of the views so that benchmarks and other front ends (CSV, mail) reuse them. Every
list is paginated in SQL; the data of one page (matches, duplicates' sources, change marks)
is loaded with one query each, never one per row.
"""

from __future__ import annotations

import calendar
import functools
import json
import threading
import time
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, fields, replace
from datetime import date, datetime, timedelta
from typing import Any, NamedTuple

from sqlalchemy import (
    BindParameter,
    Boolean,
    ColumnElement,
    FunctionElement,
    Join,
    ScalarSelect,
    Select,
    String,
    and_,
    bindparam,
    case,
    cast,
    exists,
    false,
    func,
    literal,
    or_,
    select,
)
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import Session, aliased, joinedload, selectinload

from matcher.analysis import fold, stem
from matcher.eligibility import applicants_label
from matcher.strategy import Applicant, RegionProfile
from webapp.formatting import (
    DECISION_EFFECT_MIN,
    as_date,
    call_field_label,
    local_now,
    local_today,
    source_short_title,
    source_title,
)
from webapp.ingest import MISSING_FIELD, RESTATED_FIELDS
from webapp.matching import DISMISSED_STATUS
from webapp.models import (
    CLOSED_SOURCE_STATUSES,
    REVIEW_STATUSES,
    Call,
    CallChange,
    CallScore,
    GoalRow,
    Match,
    ProjectRow,
    Review,
    ReviewEvent,
    ScrapeRun,
    Source,
    StrategyRow,
    ThemeRow,
    User,
    utcnow,
)
from webapp.reviews import ACTIVE_STATUSES

PAGE_SIZE = 25
# Call lists count their calls up to this many ("über 1.000 Aufrufe"), not all of them.
COUNT_LIMIT = 1000
# A call counts as "new" this many days after it was first seen (the weekly rhythm).
NEW_DAYS = 7
# Changes that matter to an officer and earn the "geändert" mark.
MARKED_CHANGE_FIELDS = (
    "deadline", "deadlines", "deadline_time", "deadline_times", "status", "eligible",
    "amount_max_eur",
)  # fmt: skip
# A project "matches" a call when it is among the call's best MATCH_TOP_RANK projects,
# shares words with the call and may apply for it, unless the call is open to none of the
# projects (strategy page, theme/project filters, the projects a list row
# and the digest name, the CSV's "Passende Projekte": `matching_clauses`). Being the best
# one is not enough: a best project without shared words leads only by the eligibility
# floor (WI-04, eligible through its partners, led every call only companies may apply
# for), and of the 19 such best projects on data/eval/dev-independent none is relevant.
# No minimum score: every call the strategy's applicants may apply for starts at the
# eligibility floor (0,1), every other stays below it, so a minimum of 0,1 said only "not
# ineligible" and left the project filter empty with "auch nicht antragsberechtigt" ticked.
MATCH_TOP_RANK = 3
# What a list row and the digest say for a call none of whose best projects shares words and
# may apply: a project that shares words but may not apply is no fit ("antragsberechtigt"
# includes über Projektpartner and unklar, as the rule in `matching_clauses`).
NO_SHARED_MATCH = "kein antragsberechtigtes Projekt mit gemeinsamen Begriffen"
# Review states that still await a decision (the inbox).
PENDING_STATUSES = ("neu", "in Prüfung")


def closed_by_source(status: str) -> bool:
    """Whether a call's source status closes it (the rule `open_clause` applies in SQL)."""
    return status.casefold() in CLOSED_SOURCE_STATUSES


# `antragsteller=alle`: every applicant's calls, for a login whose lists default to its own.
ALL_APPLICANTS = "alle"
SORTS = {"passung": "beste Passung", "frist": "nächste Frist", "neu": "zuletzt gefunden"}
# The Antragsberechtigung filter: URL value -> (label, the stored verdicts it lets through).
# None stands for a call not yet scored, which the lists show as "Berechtigung unklar".
ELIGIBILITY_FILTERS: dict[str, tuple[str, tuple[str | None, ...]]] = {
    "ja": ("antragsberechtigt", ("eligible",)),
    "ja-unklar": ("antragsberechtigt oder unklar", ("eligible", "unknown", None)),
    "partner": ("über Projektpartner", ("partner",)),
    "unklar": ("Berechtigung unklar", ("unknown", None)),
    "nein": ("nicht antragsberechtigt", ("ineligible",)),
}
DEADLINE_WINDOWS = {14: "in 14 Tagen", 30: "in 30 Tagen", 90: "in 3 Monaten", 365: "in 1 Jahr"}
# The Zuständig filter's words (`zustaendig=`): the logged-in login, and calls nobody is
# responsible for; any other value is a login's id.
ASSIGNEE_ME = "mir"
ASSIGNEE_NOBODY = "niemand"


# --- filters ------------------------------------------------------------------------------


@dataclass(slots=True)
class CallFilters:
    """The filter state of a call list; read from and written to the URL query."""

    scope: str = "inbox"  # inbox: open candidates awaiting a decision; all: every call
    q: str = ""
    theme: int | None = None
    priority: int | None = None
    project: int | None = None
    status: str = ""  # "" = the scope's default; a review status; "alle"
    # Zuständig: "" = anyone; ASSIGNEE_ME, ASSIGNEE_NOBODY or a login's id (as text)
    zustaendig: str = ""
    source: str = ""
    region: str = ""
    frist: int | None = None  # deadline within this many days
    min_score: float | None = None
    berechtigung: str = ""  # "" = any; else a key of ELIGIBILITY_FILTERS
    antragsteller: str = ""  # an applicant of the strategy (a town, the county) or ""
    # The login's "Meine Kommune" (`home_applicant`): what `antragsteller` is when the URL
    # does not name one; not a filter of its own. With it, "all applicants" is `alle`.
    home: str = ""
    # The login's id, for `zustaendig=mir`; set only then (not a filter of its own), so
    # that every other list's cached statements stay shared by all logins.
    me: int | None = None
    ineligible: bool = False  # also calls the strategy's applicants may not apply to
    closed: bool = False  # also calls past their deadline or withdrawn
    sort: str = "passung"
    page: int = 1

    @classmethod
    def from_args(
        cls,
        args: Mapping[str, str],
        scope: str = "inbox",
        home: str = "",
        me: int | None = None,
    ) -> CallFilters:
        """Parse URL arguments leniently: an unreadable value is ignored, never an error.

        `home` is the login's own applicant: a URL without `antragsteller` shows its calls,
        `antragsteller=alle` every applicant's, and a named one that one's (the URL wins).
        `me` is the login's id, what `zustaendig=mir` stands for.
        """
        applicant = (args.get("antragsteller") or "").strip()[:200]
        if "antragsteller" not in args:
            applicant = home
        elif applicant == ALL_APPLICANTS:
            applicant = ""
        assignee = _assignee_arg(args.get("zustaendig"))
        return cls(
            scope=scope,
            q=(args.get("q") or "").strip()[:200],
            theme=_int(args.get("theme")),
            priority=_int(args.get("priority")),
            project=_int(args.get("project")),
            status=s if (s := args.get("status", "")) in (*REVIEW_STATUSES, "alle") else "",
            zustaendig=assignee,
            source=(args.get("source") or "").strip()[:100],
            region=(args.get("region") or "").strip()[:200],
            frist=f if (f := _int(args.get("frist"))) and 0 < f <= MAX_WINDOW_DAYS else None,
            min_score=_float(args.get("min_score")),
            berechtigung=b if (b := args.get("berechtigung", "")) in ELIGIBILITY_FILTERS else "",
            antragsteller=applicant,
            home=home,
            me=me if assignee == ASSIGNEE_ME else None,
            ineligible=args.get("ineligible") in ("1", "on", "true"),
            closed=args.get("closed") in ("1", "on", "true"),
            sort=s if (s := args.get("sort", "")) in SORTS else "passung",
            page=max(_int(args.get("page")) or 1, 1),
        )

    def to_args(self, **changes: Any) -> dict[str, str]:
        """The non-default filter values as URL arguments (scope and page 1 left out)."""
        default = CallFilters(scope=self.scope)
        out: dict[str, str] = {}
        for f in fields(self):
            if f.name in ("scope", "home", "me"):
                continue
            value = changes.get(f.name, getattr(self, f.name))
            if f.name == "antragsteller" and value == "" and self.home:
                # every applicant, although the login's own is the default: said in the URL
                out[f.name] = ALL_APPLICANTS
                continue
            if value == getattr(default, f.name) or value is None:
                continue
            out[f.name] = "1" if value is True else str(value)
        return out

    @property
    def active_count(self) -> int:
        """How many filters narrow the list (shown on the filter toggle); the login's own
        applicant counts, "all applicants" does not."""
        return len(self.to_args(page=1, sort="passung", antragsteller=self.antragsteller or None))

    @property
    def shows_home(self) -> bool:
        """Whether the list shows the login's own applicant's calls ("Meine Kommune")."""
        return bool(self.home) and self.antragsteller == self.home

    def in_all_calls(self) -> CallFilters:
        """The same search and filters over Alle Aufrufe, on its first page.

        What only the Eingang has falls away: its default status (undecided), "alle" and
        the two switches (Alle Aufrufe shows decided, closed and ineligible calls anyway);
        a chosen review status stays.
        """
        return replace(
            self,
            scope="all",
            status=self.status if self.status in REVIEW_STATUSES else "",
            ineligible=False,
            closed=False,
            page=1,
        )

    def view(self) -> CallFilters:
        """The list before narrowing: scope, status and the inbox's two switches, without
        search, theme, project, source, region, deadline or score (and on page 1).

        What the filter form offers (the regions) comes from this list: a choice outside it
        could only ever give an empty list.
        """
        return CallFilters(
            scope=self.scope,
            status=self.status,
            ineligible=self.shows_ineligible,
            closed=self.closed,
        )

    @property
    def shows_ineligible(self) -> bool:
        """Whether the inbox lets ineligible calls through: ticked, or asked for by name."""
        return self.ineligible or self.berechtigung == "nein"


# Larger whole numbers are no id, page or window of any list (PostgreSQL's INTEGER ends here)
# and would overflow the database's integers; a window of more days than this runs past the
# year 9999 of Python's dates.
MAX_FILTER_INT = 2**31 - 1
MAX_WINDOW_DAYS = 36_500


def _assignee_arg(value: str | None) -> str:
    """The Zuständig filter of a URL: "mir", "niemand", a login's id as text, else ""."""
    value = (value or "").strip()
    if value in (ASSIGNEE_ME, ASSIGNEE_NOBODY):
        return value
    user_id = _int(value)
    return str(user_id) if user_id is not None and user_id > 0 else ""


def _int(value: str | None) -> int | None:
    try:
        number = int(value) if value not in (None, "") else None
    except (TypeError, ValueError):
        return None
    return number if number is not None and abs(number) <= MAX_FILTER_INT else None


# A Passung runs from 0 to 1 (the matcher clips its scores there): a minimum above 1 is
# a mistake ("50" meant as per cent), not a list that is empty on purpose.
MAX_SCORE = 1.0


def _float(value: str | None) -> float | None:
    try:
        number = float(str(value).replace(",", ".")) if value not in (None, "") else None
    except (TypeError, ValueError):
        return None
    return number if number is not None and 0 <= number <= MAX_SCORE else None


def min_score_error(value: str | None) -> str:
    """Why a typed Mindestpassung is not applied; "" when it is (or when none is typed)."""
    typed = (value or "").strip()
    if not typed or _float(typed) is not None:
        return ""
    return (
        f"Mindestpassung „{typed[:40]}“ nicht angewandt: bitte eine Zahl von 0 bis 1 "
        "angeben, wie die Passung in der Liste, z. B. 0,3."
    )


def _like_escape(term: str) -> str:
    return term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


# The duplicates a list's clauses look at, one alias per use: building an alias per request
# made SQLAlchemy adapt every column anew (about 2 ms of an inbox request). Separate ones,
# because an EXISTS correlates with an enclosing query that names the same alias.
_OPEN_DUPLICATE = aliased(Call, name="open_duplicate")
_SOURCE_DUPLICATE = aliased(Call, name="source_duplicate")
_LISTED_DUPLICATE = aliased(Call, name="listed_duplicate")
# the call's verdict as `matching_clauses` reads it: its own alias, so that a list that joins
# `CallScore` already does not correlate the rule to that join
_MATCH_CALL_SCORE = aliased(CallScore, name="match_call_score")


def open_clause(today: date, *, by_duplicates: bool = True) -> ColumnElement[bool]:
    """Calls that still accept applications: deadline today or later (or none; today only
    until its time), the first of several stages not passed (after it only who took part
    goes on), still listed.

    A call counts as listed while its own source or, `by_duplicates`, the source of one of its
    duplicates still lists it: the Förderdatenbank dropping a programme that a ministry's feed
    still announces must not take the call out of the inbox.
    """
    listed_clause: ColumnElement[bool] = Call.missing_since.is_(None)
    if by_duplicates:
        duplicate = _OPEN_DUPLICATE
        listed_clause = or_(
            listed_clause,
            exists().where(duplicate.canonical_id == Call.id, duplicate.missing_since.is_(None)),
        )
    return and_(
        deadline_open(today),
        or_(Call.entry_deadline.is_(None), Call.entry_deadline >= today),
        listed_clause,
        func.lower(Call.status).not_in(CLOSED_SOURCE_STATUSES),
    )


def deadline_open(today: date) -> ColumnElement[bool]:
    """No deadline, or one not over (`deadline_passed` for the calls that have one)."""
    return or_(
        Call.deadline.is_(None),
        Call.deadline > today,
        # one OR over the deadline, not two: a deep list page tests every call it skips
        and_(
            Call.deadline == today,
            or_(Call.deadline_time.is_(None), Call.deadline_time > _clock(today)),
        ),
    )


def deadline_passed(today: date) -> ColumnElement[bool]:
    """The call's deadline is over: an earlier day, or today and its time has come."""
    return or_(
        Call.deadline < today,
        and_(
            Call.deadline == today,
            Call.deadline_time.is_not(None),
            Call.deadline_time <= _clock(today),
        ),
    )


def _clock(today: date) -> BindParameter[str]:
    """The clock as `_clock_on` reads it, bound to the statement.

    On its last day a call closes at its deadline's time, where the source gives one (the
    labels say "abgelaufen" from then). The clock is read when the statement runs, not when
    it is built: list statements are cached per day (`_scored_ids_select`).
    """
    return bindparam(None, callable_=functools.partial(_clock_on, today), type_=String)


def _clock_on(today: date) -> str:
    """The time in Germany ("HH:MM", as deadline times are stored) while it is `today` there;
    "" (before every time) for another day: a list of a day not today counts whole days."""
    here = local_now()
    return f"{here.hour:02d}:{here.minute:02d}" if here.date() == today else ""


def pending_clause() -> ColumnElement[bool]:
    """No decision yet, or dismissed but changed since (the review's content hash differs)."""
    return or_(
        Review.id.is_(None),
        Review.status.in_(PENDING_STATUSES),
        and_(Review.status == DISMISSED_STATUS, Review.call_hash != Call.content_hash),
    )


def matching_clauses() -> list[ColumnElement[bool]]:
    """A match that counts, the one place of the rule: the project is among the call's best
    few, shares words with the call and may apply for it (the call page still shows every
    score).

    A project the call is not open to ("nicht antragsberechtigt") counts only for a call
    open to none of the projects (`CallScore.eligibility`, listed only with "auch nicht
    antragsberechtigt"): there the row still names the topical ones. Elsewhere it would be
    read as the call's fit, and its theme filter would find the call (VW-05 named for a
    call only WI-04's partners may apply for).
    """
    return [
        Match.rank <= MATCH_TOP_RANK,
        # JSON as text: "[]" on SQLite and PostgreSQL alike, where a JSON comparison is not
        cast(Match.terms, String) != "[]",
        or_(
            Match.eligibility != "ineligible",
            # a primary-key lookup, made only for the few ineligible matches of the best ranks
            exists().where(
                _MATCH_CALL_SCORE.call_id == Match.call_id,
                _MATCH_CALL_SCORE.eligibility == "ineligible",
            ),
        ),
    ]


def first_match_project() -> ScalarSelect[int]:
    """The id of the call's (`Call.id`) first project that counts (`matching_clauses`), the
    project a row names first; NULL for none."""
    return (
        select(Match.project_id)
        .where(Match.call_id == Call.id, *matching_clauses())
        .order_by(Match.rank)
        .limit(1)
        .scalar_subquery()
    )


def project_match_exists(*conditions: ColumnElement[bool]) -> ColumnElement[bool]:
    """The call has a match (`matching_clauses`) with a project meeting `conditions`."""
    return exists(
        select(Match.id)
        .join(ProjectRow, ProjectRow.id == Match.project_id)
        .join(ThemeRow, ThemeRow.id == ProjectRow.theme_id)
        .where(Match.call_id == Call.id, *matching_clauses(), *conditions)
    )


class ContainsIgnoringCase(FunctionElement[bool]):
    """`column LIKE pattern` ignoring case: LIKE on SQLite (already case-insensitive, and
    without lower() over every long text), ILIKE elsewhere. Backslash escapes % and _."""

    type = Boolean()
    name = "contains_ignoring_case"
    inherit_cache = True


@compiles(ContainsIgnoringCase)
def _ilike(element: ContainsIgnoringCase, compiler: Any, **kw: Any) -> str:
    column, pattern = list(element.clauses)
    return f"{compiler.process(column, **kw)} ILIKE {compiler.process(pattern, **kw)} ESCAPE '\\'"


@compiles(ContainsIgnoringCase, "sqlite")
def _sqlite_like(element: ContainsIgnoringCase, compiler: Any, **kw: Any) -> str:
    column, pattern = list(element.clauses)
    return f"{compiler.process(column, **kw)} LIKE {compiler.process(pattern, **kw)} ESCAPE '\\'"


SEARCH_MIN_STEM = 5  # shorter stems match unrelated words ("Bürgern" -> "bürg": Bürgschaft)


def search_stem(term: str) -> str:
    """The typed word cut to its German stem, so that its other forms match as well.

    "Schulträgern" -> "Schulträg" (finds "Schulträger"), "Bibliotheken" -> "Bibliothek";
    numbers, ids and words whose stem is short stay as typed.
    """
    lower = term.lower()
    if not lower.isalpha():
        return term
    root = stem(lower)
    # the stem is a prefix of the umlaut-folded word (Snowball folds as `fold` does)
    if len(root) < SEARCH_MIN_STEM or len(root) >= len(term) or not fold(lower).startswith(root):
        return term
    return term[: len(root)]


def _search_clause(term: str) -> ColumnElement[bool]:
    """The term, or another form of it, in title, funder, programme, summary or text.

    Case is ignored, and the term is cut to its stem (`search_stem`). SQLite's LIKE ignores
    case for ASCII only; for a term with umlauts the usual spellings (as typed, lower case,
    capitalised: "öffentlich", "Öffentlich") are tried as well.
    """
    exact = term
    term = search_stem(term)
    variants = {term}
    if not term.isascii():
        variants |= {term.lower(), term[:1].upper() + term[1:].lower()}
    columns = (Call.title, Call.funder, Call.programme, Call.summary, Call.text)
    return or_(
        *(
            ContainsIgnoringCase(column, literal(f"%{_like_escape(v)}%"))
            for v in sorted(variants)
            for column in columns
        ),
        Call.external_id == exact,
    )


def filter_clauses(filters: CallFilters, today: date) -> list[ColumnElement[bool]]:
    """WHERE clauses of a call list (over Call, outer-joined CallScore and Review)."""
    clauses: list[ColumnElement[bool]] = [Call.canonical_id.is_(None)]
    if filters.scope == "inbox":
        if not filters.closed:
            clauses.append(open_clause(today))
        if not filters.shows_ineligible:
            clauses.append(
                or_(CallScore.eligibility.is_(None), CallScore.eligibility != "ineligible")
            )
    if filters.berechtigung:
        verdicts = ELIGIBILITY_FILTERS[filters.berechtigung][1]
        named = CallScore.eligibility.in_([v for v in verdicts if v is not None])
        clauses.append(or_(named, CallScore.eligibility.is_(None)) if None in verdicts else named)
    if filters.antragsteller:
        clauses.append(applicant_clause(filters.antragsteller))
    if filters.status == "neu":
        clauses.append(or_(Review.id.is_(None), Review.status == "neu"))
    elif filters.status in REVIEW_STATUSES:
        clauses.append(Review.status == filters.status)
    elif filters.status == "" and filters.scope == "inbox":
        clauses.append(pending_clause())
    if filters.zustaendig:
        clauses.append(assignee_clause(filters.zustaendig, filters.me))
    for term in filters.q.split()[:8]:
        clauses.append(_search_clause(term))
    match_conditions: list[ColumnElement[bool]] = []
    if filters.theme is not None:
        match_conditions.append(ThemeRow.id == filters.theme)
    if filters.priority is not None:
        match_conditions.append(ThemeRow.priority == filters.priority)
    if filters.project is not None:
        match_conditions.append(ProjectRow.id == filters.project)
    if match_conditions:
        clauses.append(project_match_exists(*match_conditions))
    if filters.source:
        duplicate = _SOURCE_DUPLICATE
        clauses.append(
            or_(
                Call.source == filters.source,
                exists(
                    select(duplicate.id).where(
                        duplicate.canonical_id == Call.id, duplicate.source == filters.source
                    )
                ),
            )
        )
    if filters.region:
        clauses.append(Call.region == filters.region)
    if filters.frist:
        clauses.append(Call.deadline.between(today, today + timedelta(days=filters.frist)))
    if filters.min_score is not None:
        clauses.append(CallScore.inbox_score >= filters.min_score)
    return clauses


_ASSIGNED_REVIEW = aliased(Review, name="assigned_review")


def assignee_clause(value: str, me: int | None) -> ColumnElement[bool]:
    """Calls whose review names the login `value` stands for as responsible (Zuständig).

    "niemand": no review, or one without an assignee; "mir": the login `me` (nobody's
    calls without a login, as for a mail).

    A person's calls are a few: their ids come from the index of the reviews by assignee
    (migration 0018) as `calls.id IN (…)`, which SQLite reads first, by the calls' key.
    Compared on the joined review, the count of an Eingang visited every open call
    (0.1-0.2 s at 50,000 calls, 5-40 ms this way). Nobody's calls are most calls: NOT
    EXISTS, whose share PostgreSQL estimates right, so the Eingang still reads the scores'
    index until the page is full; the joined review's `assignee_id IS NULL` it took for a
    few rows and sorted every open call (0.24 s at 50,000 calls, 17 ms this way).
    """
    if value == ASSIGNEE_NOBODY:
        return ~exists(
            select(_ASSIGNED_REVIEW.id).where(
                _ASSIGNED_REVIEW.call_id == Call.id, _ASSIGNED_REVIEW.assignee_id.is_not(None)
            )
        )
    user_id = me if value == ASSIGNEE_ME else _int(value)
    if user_id is None:
        return false()
    return Call.id.in_(
        select(_ASSIGNED_REVIEW.call_id).where(_ASSIGNED_REVIEW.assignee_id == user_id)
    )


def applicant_clause(name: str) -> ColumnElement[bool]:
    """Calls that `name` (an applicant of the strategy: the county, a town) may apply for.

    `match` stores, per call, the strategy's applicants that may apply (or, with the verdict
    open, could): a JSON list of names. Its text is searched for the name as a JSON string,
    escaped as the database driver wrote it ("D\\u00fclmen") or as written, so the same
    clause runs on SQLite and PostgreSQL without their JSON functions.
    """
    text = cast(CallScore.eligible_applicants, String)
    forms = {json.dumps(name), json.dumps(name, ensure_ascii=False)}
    return or_(
        *(
            HoldsIgnoringCase(text, literal(f), literal(f"%{_like_escape(f)}%"))
            for f in sorted(forms)
        )
    )


def applicant_calls(applicant: str) -> Select[tuple[int]]:
    """The ids of the scored calls `applicant` may apply for (or could: verdict open), as the
    lists' Antragsteller filter finds them (`applicant_clause`)."""
    return select(CallScore.call_id).where(applicant_clause(applicant))


def own_work(applicant: str, user_id: int | None) -> list[ColumnElement[bool]]:
    """WHERE clauses over `Review` for a login with "Meine Kommune" (`applicant`): the calls
    it may apply for, or that are assigned to the login `user_id` (whoever is responsible
    hears of their call whatever its applicants); none without an applicant (everything).
    The digest, the team's reminders and the calendar feed narrow the calls in work so."""
    if not applicant:
        return []
    own = Review.call_id.in_(applicant_calls(applicant))
    return [or_(own, Review.assignee_id == user_id) if user_id is not None else own]


class HoldsIgnoringCase(FunctionElement[bool]):
    """`column` contains the text `needle`, ignoring case (arguments: column, needle, and
    the same as a LIKE pattern). On SQLite `ContainsIgnoringCase`'s LIKE; on PostgreSQL
    `strpos(lower(…), lower(…)) > 0`, which ILIKE does the same as, but whose share of the
    rows the planner estimates at a third instead of a few rows: with ILIKE it sorted every
    scored call for an Eingang with "Meine Kommune" (110 ms at 50,000 calls) instead of
    reading the scores' index until the page is full (1 ms)."""

    type = Boolean()
    name = "holds_ignoring_case"
    inherit_cache = True


@compiles(HoldsIgnoringCase)
def _strpos(element: HoldsIgnoringCase, compiler: Any, **kw: Any) -> str:
    column, needle, _pattern = list(element.clauses)
    found = (
        f"strpos(lower({compiler.process(column, **kw)}), lower({compiler.process(needle, **kw)}))"
    )
    return f"{found} > 0"


@compiles(HoldsIgnoringCase, "sqlite")
def _sqlite_holds(element: HoldsIgnoringCase, compiler: Any, **kw: Any) -> str:
    column, _needle, pattern = list(element.clauses)
    return str(compiler.process(ContainsIgnoringCase(column, pattern), **kw))


def listed(stmt: Select[Any], filters: CallFilters, today: date) -> Select[Any]:
    """`stmt` (over Call) narrowed to the calls of the list `filters` describe.

    The one definition of a list's calls (the Eingang is `CallFilters(scope="inbox")`): its
    rows, count, export, filter choices and the strategy page's counts all come from here.
    """
    return (
        stmt.outerjoin(CallScore, CallScore.call_id == Call.id)
        .outerjoin(Review, Review.call_id == Call.id)
        .where(*filter_clauses(filters, today))
    )


def _id_select(filters: CallFilters, today: date) -> Select[Any]:
    """The ids of the filtered calls in list order.

    Only ids and sort keys are sorted; the wide rows (with the call text) are loaded for
    the one page afterwards, so sorting 50,000 calls stays cheap.
    """
    stmt = listed(select(Call.id), filters, today)
    if filters.sort == "frist":
        # Open deadlines first, soonest first; then calls without one; the expired ones last,
        # the most recently expired first ("nächste Frist" must not open with a past one).
        expired = deadline_passed(today)
        return stmt.order_by(
            case((expired, 1), else_=0),
            case((expired, None), else_=Call.deadline).asc().nulls_last(),
            case((expired, Call.deadline), else_=None).desc(),
            Call.id,
        )
    if filters.sort == "neu":
        return stmt.order_by(Call.first_seen.desc(), Call.id.desc())
    return stmt.order_by(
        CallScore.inbox_score.desc().nulls_last(), Call.deadline.asc().nulls_last(), Call.id
    )


class _DrivingJoin(Join):
    """An inner join whose left side is read first, in index order.

    SQLite keeps the order of the tables of a CROSS JOIN; elsewhere a plain JOIN (the
    PostgreSQL planner finds the index scan with the LIMIT by itself).
    """

    inherit_cache = True


@compiles(_DrivingJoin)
def _plain_join(element: _DrivingJoin, compiler: Any, **kw: Any) -> str:
    return str(compiler.visit_join(element, **kw))


@compiles(_DrivingJoin, "sqlite")
def _cross_join(element: _DrivingJoin, compiler: Any, **kw: Any) -> str:
    # The left side is a plain table, so the first JOIN keyword is this join's own.
    return str(compiler.visit_join(element, **kw)).replace(" JOIN ", " CROSS JOIN ", 1)


# The statements of a list page depend on the filters and the day only, not on the data:
# built once per filter combination and day (building them, with the clauses of every
# filter, was about a tenth of an inbox request). Statements are immutable, so threads
# share them; lru_cache bounds their number and is thread-safe.
_STATEMENT_CACHE_SIZE = 256
_DEADLINE_KEY = case((Call.deadline.is_(None), 1), else_=0)


def _statement_key(filters: CallFilters) -> tuple[Any, ...]:
    """The filters' values that shape a list statement (all but the page), hashable."""
    return tuple(getattr(filters, f.name) for f in fields(CallFilters) if f.name != "page")


def _key_filters(key: tuple[Any, ...]) -> CallFilters:
    """The filters of `_statement_key`'s `key` (on page 1)."""
    names = [f.name for f in fields(CallFilters) if f.name != "page"]
    return CallFilters(**dict(zip(names, key, strict=True)))


@functools.lru_cache(maxsize=_STATEMENT_CACHE_SIZE)
def _scored_ids_select(key: tuple[Any, ...], today: date) -> Select[Any]:
    """The ids of the scored calls of the list `key` describes, best first (`_page_ids`)."""
    return (
        select(Call.id)
        .select_from(
            _DrivingJoin(CallScore.__table__, Call.__table__, CallScore.call_id == Call.id)
        )
        .outerjoin(Review, Review.call_id == Call.id)
        .where(*filter_clauses(_key_filters(key), today))
        # inbox_score is NOT NULL: plain DESC matches a backward scan of its index.
        .order_by(CallScore.inbox_score.desc(), _DEADLINE_KEY, Call.deadline, Call.id)
    )


@functools.lru_cache(maxsize=_STATEMENT_CACHE_SIZE)
def _capped_count_select(key: tuple[Any, ...], today: date, limit: int) -> Select[Any]:
    """How many calls of the list `key` describes, counted no further than `limit`."""
    filters = _key_filters(key)
    ids = listed(select(Call.id), filters, today)
    if replace(filters, sort="passung", home="") == CallFilters(scope=filters.scope):
        # The lists without a filter (the Eingang as it opens): in id order PostgreSQL reads
        # the covering index ix_calls_list_by_id and stops at `limit` (1 ms at 50,000 calls),
        # where it otherwise gathered every open call first (a bitmap of 36,000, 9 ms). Not
        # with filters: with the applicant's LIKE, for one, the id order took 100 ms.
        ids = ids.order_by(Call.id)
    return select(func.count()).select_from(ids.limit(limit).subquery())


def _page_ids(
    session: Session, filters: CallFilters, today: date, limit: int, offset: int
) -> list[int]:
    """The ids of one page of the filtered calls, in the order of `_id_select`.

    Sorted by score (the default), the page is read from the index of the scores, best
    first, so the database stops after `offset + limit` rows instead of sorting every
    call. The calls without a score come last in `_id_select`'s order, by deadline;
    finding them means visiting every call, so they are asked for only when the scored
    calls do not fill the page (one or two more queries, on the last pages only).
    """
    if filters.sort in ("frist", "neu"):
        return list(session.scalars(_id_select(filters, today).limit(limit).offset(offset)))
    scored = _scored_ids_select(_statement_key(filters), today)
    ids = list(session.scalars(scored.limit(limit).offset(offset)))
    if len(ids) == limit:
        return ids
    if ids:
        skip = 0  # the scored calls end on this page: the unscored ones follow at once
    else:
        # The page lies beyond the scored calls: skip what the pages before showed of
        # the unscored ones.
        n_scored = session.scalar(select(func.count()).select_from(scored.limit(offset).subquery()))
        skip = offset - (n_scored or 0)
    unscored = (
        select(Call.id)
        .outerjoin(CallScore, CallScore.call_id == Call.id)
        .outerjoin(Review, Review.call_id == Call.id)
        .where(CallScore.call_id.is_(None), *filter_clauses(filters, today))
        .order_by(_DEADLINE_KEY, Call.deadline, Call.id)
        .limit(limit - len(ids))
        .offset(skip)
    )
    return ids + list(session.scalars(unscored))


def page_call_ids(
    session: Session, filters: CallFilters, *, today: date | None = None, page_size: int = PAGE_SIZE
) -> list[int]:
    """The ids on the filters' page of the list, in list order (no rows, no count)."""
    offset = (filters.page - 1) * page_size
    return _page_ids(session, filters, today or local_today(), page_size, offset)


def count_calls(
    session: Session, filters: CallFilters, today: date, limit: int | None = None
) -> int:
    """How many calls the filters select (a single COUNT over the same joins).

    With `limit`, at most that many: the database stops counting there, instead of
    visiting every matching call of a large list.
    """
    if limit is None:
        stmt = listed(select(func.count(Call.id)).select_from(Call), filters, today)
        return session.scalar(stmt) or 0
    return session.scalar(_capped_count_select(_statement_key(filters), today, limit)) or 0


# --- list pages -------------------------------------------------------------------------


@dataclass(slots=True)
class RowMatch:
    """One of a row's best projects: plain values, read with the project in one query."""

    score: float
    project_id: int
    key: str
    title: str
    theme: str
    moved: float = 0.0  # what the decisions on other calls did to the score


class SourceRef(NamedTuple):
    """A source that lists a call, with the call's link there."""

    name: str  # the source's id (what the source filter takes)
    label: str  # its label from sources.yaml, "" when it has none
    url: str


@dataclass(slots=True)
class CallRow:
    """One row of a call list with everything the row shows, as plain values.

    No ORM objects: a page is read with a few column queries (building and decoding the
    page's calls, scores, reviews, matches and projects as ORM objects was about a quarter
    of an inbox request).
    """

    id: int
    title: str
    funder: str
    region: str
    funding_type: str
    source: str
    source_label: str  # the source's label, "" for a source without one (import, by hand)
    url: str
    deadline: date | None
    funding_rate: float | None
    amount_max_eur: float | None
    first_seen: datetime
    content_hash: str
    inbox_score: float | None  # None: not scored yet
    eligibility: str  # "unknown" when not scored
    eligibility_reasons: list[str]
    review_status: str | None  # None: no review yet
    review_hash: str | None
    deadline_time: str | None = None  # "17:00" (German time) when the source gives one
    review_reason: str = ""  # why it was dismissed ("nicht relevant" only), else ""
    assignee: str = ""  # who is responsible (`assignee_label`), "" for nobody
    source_status: str = ""  # the call's status ("laufend": open-ended by its source)
    matches: list[RowMatch] = field(default_factory=list)
    sources: list[SourceRef] = field(default_factory=list)  # its own, then its duplicates'
    is_new: bool = False
    is_changed: bool = False

    @property
    def scored(self) -> bool:
        return self.inbox_score is not None

    @property
    def status(self) -> str:
        return self.review_status or "neu"

    @property
    def returned(self) -> bool:
        """Dismissed earlier but changed since: back in the inbox."""
        return dismissed_then_changed(self.review_status, self.review_hash, self.content_hash)


def dismissed_then_changed(status: str | None, review_hash: str | None, content_hash: str) -> bool:
    """A call dismissed on an earlier version of its text (in SQL: `pending_clause`)."""
    return status == DISMISSED_STATUS and review_hash != content_hash


@dataclass(slots=True)
class CallPage:
    """One page of a call list."""

    rows: list[CallRow]
    total: int  # with `more`: the calls counted, and there are more
    page: int
    page_size: int
    score_scale: float
    more: bool = False  # counting stopped at `total`: "über 1.000 Aufrufe"

    @property
    def pages(self) -> int:
        """The number of pages, or with `more` those known plus one (a next page exists)."""
        known = max((self.total + self.page_size - 1) // self.page_size, 1)
        return max(known, self.page) + 1 if self.more else known


def list_calls(
    session: Session,
    filters: CallFilters,
    *,
    today: date | None = None,
    now: datetime | None = None,
    page_size: int = PAGE_SIZE,
) -> CallPage:
    """One page of calls for the filters, with its rows' details loaded in bulk."""
    today = today or local_today()
    offset = (filters.page - 1) * page_size
    ids: list[int] = []
    if filters.page * page_size >= COUNT_LIMIT:
        # A deep page counts up to its own end, "über N" if more follow: its rows and one
        # more tell the same without a second pass over every call before it.
        ids = _page_ids(session, filters, today, page_size + 1, offset)
    if ids:
        more = len(ids) > page_size
        ids = ids[:page_size]
        total = offset + len(ids)
        page = filters.page
    else:
        # Count no further than needed: COUNT_LIMIT calls, or up to the requested page.
        cap = max(COUNT_LIMIT, filters.page * page_size)
        total = count_calls(session, filters, today, limit=cap + 1)
        more = total > cap
        if more:
            total = cap
        pages = max((total + page_size - 1) // page_size, 1)
        page = min(filters.page, pages)
        ids = _page_ids(session, filters, today, page_size, (page - 1) * page_size)
    rows, scale = _rows_for_ids(session, ids)
    load_row_details(session, rows, now=now)
    return CallPage(
        rows=rows,
        total=total,
        page=page,
        page_size=page_size,
        score_scale=scale,
        more=more,
    )


# The queries of a page's rows, built once (like `_scored_ids_select`): only the ids differ.
_ROWS_SELECT = (
    select(
        Call.id,
        Call.title,
        Call.funder,
        Call.region,
        Call.funding_type,
        Call.source,
        Source.label,
        Call.url,
        Call.deadline,
        Call.deadline_time,
        Call.status.label("source_status"),
        Call.funding_rate,
        Call.amount_max_eur,
        Call.first_seen,
        Call.content_hash,
        CallScore.inbox_score,
        CallScore.eligibility,
        CallScore.eligibility_reasons,
        Review.status,
        Review.call_hash,
        Review.reason,
        User.name.label("assignee_name"),
        User.email.label("assignee_email"),
        User.active.label("assignee_active"),
        # The scale comes along as a column: one round trip fewer than `score_scale`.
        select(func.max(CallScore.inbox_score)).scalar_subquery(),
    )
    .outerjoin(CallScore, CallScore.call_id == Call.id)
    .outerjoin(Review, Review.call_id == Call.id)
    # the label in the same query: a handful of configured sources, found by their key
    .outerjoin(Source, Source.name == Call.source)
    # who is responsible, by the users' primary key: one row each, no query of its own
    .outerjoin(User, User.id == Review.assignee_id)
    .where(Call.id.in_(bindparam("ids", expanding=True)))
)
_ROW_MATCHES_SELECT = (
    select(
        Match.call_id,
        Match.score,
        ProjectRow.id,
        ProjectRow.key,
        ProjectRow.title,
        ThemeRow.name,
        Match.decisions,
    )
    .join(ProjectRow, ProjectRow.id == Match.project_id)
    .join(ThemeRow, ThemeRow.id == ProjectRow.theme_id)
    .where(Match.call_id.in_(bindparam("ids", expanding=True)), *matching_clauses())
    .order_by(Match.call_id, Match.rank)
)
_ROW_DUPLICATES_SELECT = (
    select(Call.canonical_id, Call.source, Source.label, Call.url)
    .outerjoin(Source, Source.name == Call.source)
    .where(Call.canonical_id.in_(bindparam("ids", expanding=True)))
)


def _rows_for_ids(session: Session, ids: list[int]) -> tuple[list[CallRow], float]:
    """The list rows of `ids` in the order of `ids`, and the score scale (`score_scale`)."""
    if not ids:
        return [], 1.0
    found: dict[int, CallRow] = {}
    best = 0.0
    for r in session.execute(_ROWS_SELECT, {"ids": ids}):
        best = r[-1] or 0.0
        found[r.id] = CallRow(
            id=r.id,
            title=r.title,
            funder=r.funder,
            region=r.region,
            funding_type=r.funding_type,
            source=r.source,
            source_label=r.label or "",
            url=r.url,
            deadline=r.deadline,
            deadline_time=r.deadline_time,
            source_status=r.source_status or "",
            funding_rate=r.funding_rate,
            amount_max_eur=r.amount_max_eur,
            first_seen=r.first_seen,
            content_hash=r.content_hash,
            inbox_score=r.inbox_score,
            eligibility=r.eligibility or "unknown",
            eligibility_reasons=r.eligibility_reasons or [],
            review_status=r.status,
            review_hash=r.call_hash,
            review_reason=dismissal_reason(r.status, r.reason),
            assignee=assignee_label(r.assignee_name, r.assignee_email, r.assignee_active),
        )
    return [found[i] for i in ids if i in found], float(best) if best > 0 else 1.0


def dismissal_reason(status: str | None, reason: str | None) -> str:
    """The reason a row shows: that of a "nicht relevant" decision only (a reason explains
    nothing else; `reviews.set_review` clears it, older rows may still hold one)."""
    return (reason or "") if status == DISMISSED_STATUS else ""


def assignee_label(name: str | None, email: str | None, active: bool | None) -> str:
    """How a list names who is responsible: the name, else the address (`display_name`),
    "(deaktiviert)" after a login without access, as the Bewertung panel says; "" for none."""
    label = name or email or ""
    return f"{label} (deaktiviert)" if label and active is False else label


def load_row_details(session: Session, rows: list[CallRow], *, now: datetime | None = None) -> None:
    """Fill matches, sources and marks of `rows` with three queries in total.

    A row lists the projects that count (`matching_clauses`): one of the best three with no
    word in common stands there only because some project has to, and officers read it as
    a fit; the best one too, which may lead by the eligibility floor alone. With none the
    row says so (`NO_SHARED_MATCH`)."""
    if not rows:
        return
    now = now or utcnow()
    ids = [row.id for row in rows]
    matches: dict[int, list[RowMatch]] = defaultdict(list)
    for call_id, score, project_id, key, title, theme, decisions in session.execute(
        _ROW_MATCHES_SELECT, {"ids": ids}
    ):
        moved = float(decisions.get("change") or 0.0) if isinstance(decisions, dict) else 0.0
        matches[call_id].append(RowMatch(score, project_id, key, title, theme, moved))
    duplicates: dict[int, list[SourceRef]] = defaultdict(list)
    for canonical_id, source, label, url in session.execute(_ROW_DUPLICATES_SELECT, {"ids": ids}):
        duplicates[canonical_id].append(SourceRef(source, label or "", url))
    since = now - timedelta(days=NEW_DAYS)
    changed = changed_call_ids(session, ids, since)
    for row in rows:
        row.matches = matches.get(row.id, [])
        others = sorted(
            duplicates.get(row.id, []), key=lambda s: source_title(s.name, s.label).casefold()
        )
        row.sources = [SourceRef(row.source, row.source_label, row.url), *others]
        row.is_new = row.first_seen >= since
        row.is_changed = row.id in changed or row.returned


@dataclass(slots=True)
class ExportRow:
    """One call of an export: plain values, no ORM objects (35,000 rows stay cheap)."""

    id: int
    title: str
    funder: str
    programme: str
    region: str
    funding_type: str
    deadline: date | None
    funding_rate: float | None
    amount_max_eur: float | None
    url: str
    eligibility: str
    inbox_score: float | None
    status: str
    first_seen: datetime
    is_changed: bool
    deadline_time: str | None = None
    source_status: str = ""  # "laufend": open-ended by its source
    reason: str = ""  # why it was dismissed (`dismissal_reason`)
    assignee: str = ""  # who is responsible (`assignee_label`)
    # the projects that count (`matching_clauses`): key, title, score
    matches: list[tuple[str, str, float]] = field(default_factory=list)
    sources: list[str] = field(default_factory=list)  # as officers read them (`source_title`)


def export_rows(
    session: Session,
    filters: CallFilters,
    *,
    today: date | None = None,
    now: datetime | None = None,
    batch: int = 900,
) -> Iterator[ExportRow]:
    """Every call of the filters in list order, as plain rows, a few queries per batch.

    A row's projects are those its list row names (`matching_clauses`), with their scores.
    """
    today = today or local_today()
    since = (now or utcnow()) - timedelta(days=NEW_DAYS)
    ids = list(session.scalars(_id_select(filters, today)))
    for start in range(0, len(ids), batch):
        chunk = ids[start : start + batch]
        base = {
            row.id: row
            for row in session.execute(
                select(
                    Call.id,
                    Call.title,
                    Call.funder,
                    Call.programme,
                    Call.region,
                    Call.funding_type,
                    Call.deadline,
                    Call.deadline_time,
                    Call.status.label("source_status"),
                    Call.funding_rate,
                    Call.amount_max_eur,
                    Call.url,
                    Call.source,
                    Source.label,
                    Call.first_seen,
                    Call.content_hash,
                    CallScore.eligibility,
                    CallScore.inbox_score,
                    Review.status,
                    Review.call_hash,
                    Review.reason,
                    User.name.label("assignee_name"),
                    User.email.label("assignee_email"),
                    User.active.label("assignee_active"),
                )
                .outerjoin(CallScore, CallScore.call_id == Call.id)
                .outerjoin(Review, Review.call_id == Call.id)
                .outerjoin(Source, Source.name == Call.source)
                .outerjoin(User, User.id == Review.assignee_id)
                .where(Call.id.in_(chunk))
            )
        }
        matches: dict[int, list[tuple[str, str, float]]] = defaultdict(list)
        for call_id, key, title, score in session.execute(
            select(Match.call_id, ProjectRow.key, ProjectRow.title, Match.score)
            .join(ProjectRow, ProjectRow.id == Match.project_id)
            .where(Match.call_id.in_(chunk), *matching_clauses())
            .order_by(Match.call_id, Match.rank)
        ):
            matches[call_id].append((key, title, score))
        duplicates: dict[int, set[str]] = defaultdict(set)
        for canonical_id, source, label in session.execute(
            select(Call.canonical_id, Call.source, Source.label)
            .outerjoin(Source, Source.name == Call.source)
            .where(Call.canonical_id.in_(chunk))
        ):
            duplicates[canonical_id].add(source_title(source, label))
        changed = changed_call_ids(session, chunk, since)
        for call_id in chunk:
            row = base.get(call_id)
            if row is None:
                continue
            returned = dismissed_then_changed(row.status, row.call_hash, row.content_hash)
            yield ExportRow(
                id=row.id,
                title=row.title,
                funder=row.funder,
                programme=row.programme,
                region=row.region,
                funding_type=row.funding_type,
                deadline=row.deadline,
                deadline_time=row.deadline_time,
                source_status=row.source_status or "",
                funding_rate=row.funding_rate,
                amount_max_eur=row.amount_max_eur,
                url=row.url,
                eligibility=row.eligibility or "unknown",
                inbox_score=row.inbox_score,
                status=row.status or "neu",
                reason=dismissal_reason(row.status, row.reason),
                assignee=assignee_label(row.assignee_name, row.assignee_email, row.assignee_active),
                first_seen=row.first_seen,
                is_changed=call_id in changed or returned,
                matches=matches.get(call_id, []),
                sources=sorted(
                    {source_title(row.source, row.label), *duplicates.get(call_id, set())},
                    key=str.casefold,
                ),
            )


def score_scale(session: Session) -> float:
    """The best inbox score of all calls: score bars are drawn relative to it."""
    best = session.scalar(select(func.max(CallScore.inbox_score)))
    return float(best) if best and best > 0 else 1.0


class ThemeOption(NamedTuple):
    """A theme of the filter form."""

    id: int
    name: str
    priority: int


class ProjectOption(NamedTuple):
    """A project of the filter form."""

    id: int
    key: str
    title: str


class SourceOption(NamedTuple):
    """A source of the filter form: the id it filters by, and how the form names it."""

    name: str  # the URL value: bookmarks of `?source=eu-ft` keep working
    text: str  # the short title; the full one where two sources share a short one
    title: str  # the full title (`source_title`), as a tooltip


def source_labels(session: Session, names: Iterable[str]) -> dict[str, str]:
    """The labels of the configured sources among `names` (one query; imports have none)."""
    wanted = sorted(set(names))
    if not wanted:
        return {}
    rows = session.execute(select(Source.name, Source.label).where(Source.name.in_(wanted)))
    return {name: label for name, label in rows if label}


def source_options(session: Session, names: Sequence[str]) -> list[SourceOption]:
    """The sources `names` as the filter form offers them, sorted by what it shows.

    One query for the labels of all of them (a few configured sources).
    """
    labels = source_labels(session, names)
    titles = {name: source_title(name, labels.get(name)) for name in names}
    shorts = {name: source_short_title(name, labels.get(name)) for name in names}
    taken: dict[str, int] = defaultdict(int)
    for short in shorts.values():
        taken[short.casefold()] += 1
    options = [
        SourceOption(
            name,
            shorts[name] if taken[shorts[name].casefold()] == 1 else titles[name],
            titles[name],
        )
        for name in names
    ]
    # sorted here, not in SQL: the same order on SQLite and PostgreSQL (see below)
    return sorted(options, key=lambda o: (o.text.casefold(), o.name))


class AssigneeOption(NamedTuple):
    """A login the Zuständig filter offers: its id as the URL has it, and its name."""

    value: str
    label: str


@dataclass(slots=True)
class FilterOptions:
    """The choices of the filter form."""

    themes: list[ThemeOption]
    projects: list[ProjectOption]
    priorities: list[int]
    sources: list[SourceOption]
    regions: list[str]
    applicants: list[str] = field(default_factory=list)  # the strategy's, county first
    assignees: list[AssigneeOption] = field(default_factory=list)  # the active logins


def assignee_options(session: Session, chosen: str = "") -> list[AssigneeOption]:
    """The logins the Zuständig filter offers: every active one, by name, as the Bewertung
    panel offers them, and the `chosen` one of the URL even when deactivated (a bookmark of
    a colleague who left still says whose calls it shows)."""
    chosen_id = _int(chosen)
    shown = User.active if chosen_id is None else (User.active | (User.id == chosen_id))
    options = [
        AssigneeOption(str(user_id), assignee_label(name, email, active))
        for user_id, name, email, active in session.execute(
            select(User.id, User.name, User.email, User.active)
            .where(shown)
            .order_by(User.name, User.email)
        )
    ]
    if chosen_id is not None and all(o.value != chosen for o in options):
        options.append(AssigneeOption(chosen, f"unbekannte Anmeldung {chosen}"))
    return options


def _active_applicants(session: Session) -> list[dict[str, Any]]:
    """The active strategy's `region_profile.applicants` as stored ({name, type} each)."""
    profile = session.scalar(
        select(StrategyRow.region_profile)
        .where(StrategyRow.active)
        .order_by(StrategyRow.id.desc())
        .limit(1)
    )
    applicants = (profile or {}).get("applicants") if isinstance(profile, dict) else None
    return [a for a in applicants or [] if isinstance(a, dict)]


def strategy_applicants(session: Session) -> list[str]:
    """The names of the active strategy's applicants (`region_profile.applicants`), in order."""
    names = [a.get("name") for a in _active_applicants(session)]
    return [n for n in dict.fromkeys(names) if isinstance(n, str) and n]


def own_applicants_label(session: Session, *, start: bool = False) -> str:
    """The active strategy's own applicants as a subject: "Kreis, Städte und Gemeinden" for a
    county with its towns, "die Stadt Münster" for a city that adopted a strategy alone
    (`start`: at the start of a sentence, "Die Stadt Münster")."""
    applicants = [
        Applicant(name=str(a.get("name") or ""), type=str(a.get("type") or ""))
        for a in _active_applicants(session)
    ]
    label = applicants_label(RegionProfile(applicants=applicants))
    return label[:1].upper() + label[1:] if start else label


def home_applicant(stored: str | None, applicants: Sequence[str]) -> str:
    """A login's "Meine Kommune" while the strategy's `applicants` still name it, else "".

    A new strategy without that town must not leave the login with empty lists and digests:
    its choice stays stored (Konto says it is not applied) and counts as none.
    """
    return stored if stored and stored in applicants else ""


def filter_options(
    session: Session,
    filters: CallFilters | None = None,
    today: date | None = None,
    cache: FilterValuesCache | None = None,
    applicants: Sequence[str] | None = None,
) -> FilterOptions:
    """Themes, projects, sources and regions to filter by (active strategy only).

    The sources and regions are those of the calls the list can show in its current view
    (`CallFilters.view`: the Eingang offers no region whose calls are all ineligible or
    closed unless its switches show them), plus the chosen ones, so that the form always
    shows the filter in force. With `cache` (the web app keeps one), they are computed
    again only when the calls, their changes or the decisions changed.
    """
    filters = filters or CallFilters()
    # Plain columns, not ORM rows: the form needs three values of each, and a project
    # row would decode five JSON lists on every list page.
    strategy_id = (
        select(StrategyRow.id)
        .where(StrategyRow.active)
        .order_by(StrategyRow.id.desc())
        .limit(1)
        .scalar_subquery()
    )
    themes = [
        ThemeOption(*row)
        for row in session.execute(
            select(ThemeRow.id, ThemeRow.name, ThemeRow.priority)
            .where(ThemeRow.strategy_id == strategy_id, ThemeRow.active)
            .order_by(ThemeRow.priority, ThemeRow.position)
        )
    ]
    projects = [
        ProjectOption(*row)
        for row in session.execute(
            select(ProjectRow.id, ProjectRow.key, ProjectRow.title)
            .where(ProjectRow.strategy_id == strategy_id, ProjectRow.active)
            .order_by(ProjectRow.key)
        )
    ]
    sources, regions = _sources_and_regions(session, filters.view(), today or local_today(), cache)
    if filters.source and all(o.name != filters.source for o in sources):
        sources = source_options(session, [*(o.name for o in sources), filters.source])
    if filters.region and filters.region not in regions:
        regions = sorted([*regions, filters.region])
    # `applicants`: the strategy's, when the caller has read them already
    applicants = list(applicants) if applicants is not None else strategy_applicants(session)
    if filters.antragsteller and filters.antragsteller not in applicants:
        applicants.append(filters.antragsteller)  # a bookmark of an earlier strategy
    return FilterOptions(
        themes=themes,
        projects=projects,
        priorities=sorted({t.priority for t in themes}),
        sources=sources,
        regions=regions,
        applicants=applicants,
        assignees=assignee_options(session, filters.zustaendig),
    )


# Sources and regions of the filter form: a DISTINCT over the calls of a list (25-70 ms at
# 50,000 calls; no index leads with the source or region) is cached per database. They change
# when a call is added (a new calls.id) or changed by a scrape or import (a new call_changes
# row), when a decision moves a call in or out (a new review_events row) and with the day
# (deadlines pass); those highest ids and the day are the cache's version. A match run changes
# eligibilities without any of these: an entry lives FILTER_VALUES_TTL seconds at most anyway.
FILTER_VALUES_TTL = 60.0
_FilterValues = tuple[list[SourceOption], list[str]]


class FilterValuesCache:
    """Sources and regions of the filter form per list view, for one database.

    Owned by whoever owns the engine (the web app keeps one in `app.extensions`), so no
    module state outlives an app or mixes two databases.
    """

    def __init__(self, ttl: float = FILTER_VALUES_TTL) -> None:
        self.ttl = ttl
        self._entries: dict[tuple[Any, ...], tuple[tuple[Any, ...], float, _FilterValues]] = {}
        self._lock = threading.Lock()

    def get(self, key: tuple[Any, ...], version: tuple[Any, ...]) -> _FilterValues | None:
        """The values stored for `key` at `version`, unless older than the TTL."""
        with self._lock:
            cached = self._entries.get(key)
        if cached is None or cached[0] != version or time.monotonic() - cached[1] >= self.ttl:
            return None
        return list(cached[2][0]), list(cached[2][1])

    def put(self, key: tuple[Any, ...], version: tuple[Any, ...], values: _FilterValues) -> None:
        """Store `values` for `key` at `version`."""
        with self._lock:
            self._entries[key] = (version, time.monotonic(), values)


def _sources_and_regions(
    session: Session, view: CallFilters, today: date, cache: FilterValuesCache | None
) -> _FilterValues:
    """The sources and the non-empty regions that give calls in the list `view`, sorted.

    A source gives a call also through a duplicate from it (the source filter's rule), so
    the sources of the listed calls' duplicates count too. The sources come with their
    labels (`source_options`), cached with them.
    """
    key = (view.scope, view.status, view.ineligible, view.closed)
    version: tuple[Any, ...] = ()
    if cache is not None:
        calls, changes, decisions = session.execute(
            select(
                select(func.max(Call.id)).scalar_subquery(),
                select(func.max(CallChange.id)).scalar_subquery(),
                select(func.max(ReviewEvent.id)).scalar_subquery(),
            )
        ).one()
        version = (calls, changes, decisions, today)
        cached = cache.get(key, version)
        if cached is not None:
            return cached
    pairs = session.execute(listed(select(Call.source, Call.region), view, today).distinct())
    sources: set[str] = set()
    regions: set[str] = set()
    for source, region in pairs:
        sources.add(source)
        if region:
            regions.add(region)
    duplicate = _LISTED_DUPLICATE
    sources.update(
        session.scalars(
            listed(
                select(duplicate.source)
                .select_from(Call)
                .join(duplicate, duplicate.canonical_id == Call.id),
                view,
                today,
            ).distinct()
        )
    )
    # sorted here, not in SQL: the same order on SQLite and PostgreSQL (whose collation
    # would differ), also when the chosen value is added to the list
    values = (source_options(session, sorted(sources)), sorted(regions))
    if cache is not None:
        cache.put(key, version, values)
    return list(values[0]), list(values[1])


def active_strategy(session: Session) -> StrategyRow | None:
    """The strategy in use, or None before `funding-matcher init`."""
    return session.scalar(
        select(StrategyRow).where(StrategyRow.active).order_by(StrategyRow.id.desc()).limit(1)
    )


# --- call detail --------------------------------------------------------------------------


@dataclass(slots=True)
class GoalInfo:
    """A strategy goal the call serves, with the matcher's score and shared terms."""

    key: str
    text: str
    theme: str
    score: float
    terms: list[dict[str, Any]]


@dataclass(slots=True)
class StageDeadline:
    """One deadline of a call (calls may have several stages, e.g. Skizze and Antrag)."""

    stage: str
    day: date
    time: str | None = None  # "17:00" (German time) when the source gives one


@dataclass(slots=True)
class DecisionNote:
    """How the officers' decisions moved one match, and the decided calls most like it."""

    change: float  # score with the decisions minus without
    confirmed: Call | None  # nearest call confirmed for the project
    dismissed: Call | None  # nearest call dismissed for the project as not fitting


@dataclass(slots=True)
class CallDetail:
    """Everything the call page shows."""

    call: Call
    score: CallScore | None
    review: Review | None
    matches: list[Match]
    goals: list[GoalInfo]
    sources: list[Call]
    changes: list[CallChange]
    events: list[ReviewEvent]
    deadlines: list[StageDeadline]
    highlight_words: list[str]
    score_scale: float
    decision_notes: dict[int, DecisionNote] = field(default_factory=dict)  # by match id
    source_titles: dict[str, str] = field(default_factory=dict)  # source id -> `source_title`
    is_new: bool = False  # first seen in the last NEW_DAYS days

    @property
    def is_dismissed(self) -> bool:
        return self.review is not None and self.review.status == DISMISSED_STATUS

    @property
    def changed_since_dismissal(self) -> list[str] | None:
        """Why a dismissed call is back for a decision: the labels of the fields that changed
        since (a moved page or a missing mark aside); None when it is not back."""
        review = self.review
        if review is None or not dismissed_then_changed(
            review.status, review.call_hash, self.call.content_hash
        ):
            return None
        labels: list[str] = []
        for change in sorted(self.changes, key=lambda c: c.field):
            if (
                change.call_id == self.call.id
                and change.changed_at >= review.updated_at
                and change.field not in (MISSING_FIELD, *RESTATED_FIELDS)
            ):
                label = call_field_label(change.field)
                if label not in labels:
                    labels.append(label)
        return sorted(labels, key=str.casefold)


def call_deadlines(call: Call) -> list[StageDeadline]:
    """The call's deadlines by stage, earliest first; the main deadline when no stages."""
    out: list[StageDeadline] = []
    for stage, value in (call.deadlines or {}).items():
        day = as_date(value)
        if day is not None:
            out.append(StageDeadline(str(stage), day, stage_time(call, str(stage), day)))
    if call.deadline is not None and all(d.day != call.deadline for d in out):
        stage = "Einreichung" if not out else "Frist"
        out.append(StageDeadline(stage, call.deadline, call.deadline_time))
    return sorted(out, key=lambda d: d.day)


def stage_time(call: Call, stage: str, day: date) -> str | None:
    """The time of day of one of a call's deadlines ("17:00", German time), or None: the
    stage's own time, else the main deadline's when it is that day."""
    times = call.deadline_times or {}
    if stage in times:
        return str(times[stage])
    return call.deadline_time if day == call.deadline else None


def call_detail(session: Session, call_id: int) -> CallDetail | None:
    """The call with its matches, goals, sources, history and review; None if unknown."""
    call = session.get(
        Call,
        call_id,
        options=[
            selectinload(Call.duplicates),
            selectinload(Call.changes),
            joinedload(Call.score),
            joinedload(Call.review).selectinload(Review.events).joinedload(ReviewEvent.user),
            joinedload(Call.review).joinedload(Review.assignee),
            joinedload(Call.review).joinedload(Review.updated_by),
        ],
    )
    if call is None:
        return None
    matches = list(
        session.scalars(
            select(Match)
            .where(Match.call_id == call.id)
            .options(joinedload(Match.project).joinedload(ProjectRow.theme))
            .order_by(Match.rank, Match.score.desc())
        )
    )
    score = call.score
    goals = _goal_infos(session, score)
    names = {c.source for c in (call, *call.duplicates)}
    labels = source_labels(session, names)
    source_titles = {name: source_title(name, labels.get(name)) for name in names}
    sources = [
        call,
        *sorted(call.duplicates, key=lambda c: (source_titles[c.source].casefold(), c.id)),
    ]
    duplicate_ids = [c.id for c in call.duplicates]
    changes = list(call.changes)
    if duplicate_ids:
        changes += list(
            session.scalars(select(CallChange).where(CallChange.call_id.in_(duplicate_ids)))
        )
    changes.sort(key=lambda c: c.changed_at, reverse=True)
    words: list[str] = []
    for match in matches:
        for term in match.terms or []:
            word = str(term.get("call_word") or "").strip()
            if word and word not in words:
                words.append(word)
    for goal in goals:
        for term in goal.terms:
            word = str(term.get("call_word") or "").strip()
            if word and word not in words:
                words.append(word)
    review = call.review
    return CallDetail(
        call=call,
        score=score,
        review=review,
        matches=matches,
        goals=goals,
        sources=sources,
        changes=changes,
        events=list(review.events) if review else [],
        deadlines=call_deadlines(call),
        highlight_words=words,
        score_scale=score_scale(session),
        decision_notes=_decision_notes(session, matches),
        source_titles=source_titles,
        is_new=call.first_seen >= utcnow() - timedelta(days=NEW_DAYS),
    )


def _decision_notes(session: Session, matches: Sequence[Match]) -> dict[int, DecisionNote]:
    """The matches whose score the decisions moved visibly, with the decided calls named."""
    moved: list[tuple[Match, float, dict[str, int | None]]] = []
    for match in matches:
        effect = match.decisions
        if not isinstance(effect, dict):
            continue
        change = float(effect.get("change") or 0.0)
        if abs(change) >= DECISION_EFFECT_MIN:
            named = {kind: _decided_neighbour(effect, kind) for kind in ("confirmed", "dismissed")}
            moved.append((match, change, named))
    ids = {i for _, _, named in moved for i in named.values() if i is not None}
    calls = {c.id: c for c in session.scalars(select(Call).where(Call.id.in_(ids)))} if ids else {}
    return {
        match.id: DecisionNote(
            change=change,
            confirmed=calls.get(named["confirmed"] or 0),
            dismissed=calls.get(named["dismissed"] or 0),
        )
        for match, change, named in moved
    }


def _decided_neighbour(effect: dict[str, Any], kind: str) -> int | None:
    """The nearest confirmed or dismissed call of a stored effect, if it moved the score."""
    call_id = str(effect.get(f"{kind}_call") or "")
    moved = float(effect.get(f"{kind}_effect") or 0.0)
    return int(call_id) if call_id.isdigit() and moved >= DECISION_EFFECT_MIN else None


def _goal_infos(session: Session, score: CallScore | None) -> list[GoalInfo]:
    if score is None or not score.goals:
        return []
    keys = [str(g.get("goal")) for g in score.goals if isinstance(g, dict)]
    strategy = active_strategy(session)
    rows: dict[str, GoalRow] = {}
    if strategy is not None and keys:
        rows = {
            g.key: g
            for g in session.scalars(
                select(GoalRow)
                .where(GoalRow.strategy_id == strategy.id, GoalRow.key.in_(keys))
                .options(joinedload(GoalRow.theme))
            )
        }
    out: list[GoalInfo] = []
    for g in score.goals:
        if not isinstance(g, dict):
            continue
        key = str(g.get("goal"))
        row = rows.get(key)
        out.append(
            GoalInfo(
                key=key,
                text=row.text if row else key,
                theme=row.theme.name if row else "",
                score=float(g.get("score") or 0.0),
                terms=[t for t in (g.get("terms") or []) if isinstance(t, dict)],
            )
        )
    return sorted(out, key=lambda g: g.score, reverse=True)


def canonical_id_of(session: Session, call_id: int) -> int | None:
    """The id of the canonical call of `call_id` (itself when canonical), None if unknown."""
    row = session.execute(select(Call.id, Call.canonical_id).where(Call.id == call_id)).first()
    if row is None:
        return None
    return row.canonical_id or row.id


def assignable_users(session: Session, current_id: int | None = None) -> list[User]:
    """Everyone who can be assigned a call: the active logins, and the current assignee
    `current_id` even if deactivated (saving the form for another reason keeps them)."""
    shown = User.active if current_id is None else (User.active | (User.id == current_id))
    return list(session.scalars(select(User).where(shown).order_by(User.name, User.email)))


# --- strategy -----------------------------------------------------------------------------


@dataclass(slots=True)
class ProjectSummary:
    """A project with the number of its calls in the inbox and the next deadline among them."""

    project: ProjectRow
    open_calls: int = 0
    next_deadline: date | None = None


@dataclass(slots=True)
class ThemeSummary:
    """A theme with its goals, projects and the number of its calls in the inbox."""

    theme: ThemeRow
    goals: list[GoalRow]
    projects: list[ProjectSummary]
    open_calls: int = 0


def _inbox_matches(today: date, applicant: str = "") -> Select[Any]:
    """(project, theme, call, deadline) of each counting match of a call in the inbox.

    The inbox's own calls (`listed` with the inbox for `applicant`, "" for every one) and
    its project and theme filters' idea of a match (`matching_clauses`): a count on the
    strategy page is the number of calls the inbox shows behind its link.
    """
    return listed(
        select(Match.project_id, ProjectRow.theme_id, Match.call_id, Call.deadline)
        .join(Call, Call.id == Match.call_id)
        .join(ProjectRow, ProjectRow.id == Match.project_id)
        .where(*matching_clauses()),
        CallFilters(scope="inbox", antragsteller=applicant),
        today,
    )


def strategy_overview(
    session: Session, today: date | None = None, applicant: str = ""
) -> list[ThemeSummary]:
    """Themes by priority with goals, projects and how many calls of each the inbox shows.

    `applicant`: counted as the inbox for that applicant counts (a login's "Meine Kommune",
    which its inbox opens with); "" for every applicant.
    """
    today = today or local_today()
    strategy = active_strategy(session)
    if strategy is None:
        return []
    themes = list(
        session.scalars(
            select(ThemeRow)
            .where(ThemeRow.strategy_id == strategy.id, ThemeRow.active)
            .options(selectinload(ThemeRow.goals))
            .order_by(ThemeRow.priority, ThemeRow.position)
        )
    )
    projects = list(
        session.scalars(
            select(ProjectRow)
            .where(ProjectRow.strategy_id == strategy.id, ProjectRow.active)
            .order_by(ProjectRow.position)
        )
    )
    # One pass over the inbox's matches, aggregated here: a call may match several
    # projects of a theme and must count once for the theme, as the theme filter does.
    project_calls: dict[int, set[int]] = defaultdict(set)
    project_next: dict[int, date] = {}
    theme_calls: dict[int, set[int]] = defaultdict(set)
    for project_id, theme_id, call_id, deadline in session.execute(
        _inbox_matches(today, applicant)
    ):
        project_calls[project_id].add(call_id)
        theme_calls[theme_id].add(call_id)
        if deadline is not None and (
            project_id not in project_next or deadline < project_next[project_id]
        ):
            project_next[project_id] = deadline
    per_project = {pid: (len(calls), project_next.get(pid)) for pid, calls in project_calls.items()}
    per_theme = {tid: len(calls) for tid, calls in theme_calls.items()}
    by_theme: dict[int, list[ProjectSummary]] = defaultdict(list)
    for project in projects:
        count, nxt = per_project.get(project.id, (0, None))
        by_theme[project.theme_id].append(ProjectSummary(project, count, nxt))
    return [
        ThemeSummary(
            theme=theme,
            goals=[g for g in theme.goals if g.active],
            projects=by_theme.get(theme.id, []),
            open_calls=per_theme.get(theme.id, 0),
        )
        for theme in themes
    ]


class ProjectCall(NamedTuple):
    """A call on a project's page: its match, its review, and whether it is closed (as the
    Eingang counts it: deadline, first stage or the source's status)."""

    match: Match
    call: Call
    review: Review | None
    closed: bool


@dataclass(slots=True)
class ProjectPage:
    """A project with its goals and every call that matches it."""

    project: ProjectRow
    goals: list[GoalRow]
    rows: list[ProjectCall]
    open_count: int


def project_page(
    session: Session, project_id: int, today: date | None = None
) -> ProjectPage | None:
    """The project and its matching calls, open ones first, best score first."""
    today = today or local_today()
    project = session.get(ProjectRow, project_id, options=[joinedload(ProjectRow.theme)])
    if project is None:
        return None
    goals = list(
        session.scalars(
            select(GoalRow).where(
                GoalRow.strategy_id == project.strategy_id,
                GoalRow.key.in_(project.goal_keys or []),
            )
        )
    )
    closed_last = case((open_clause(today), 0), else_=1)
    rows = session.execute(
        select(Match, Call, Review, closed_last)
        .join(Call, Call.id == Match.call_id)
        .outerjoin(Review, Review.call_id == Call.id)
        .where(
            Match.project_id == project.id,
            *matching_clauses(),
            Call.canonical_id.is_(None),
        )
        .order_by(closed_last, Match.score.desc())
        .limit(200)
    ).all()
    # "offen" as in the order (and the Eingang): the deadline, the first stage, the source
    calls = [ProjectCall(match, call, review, closed == 1) for match, call, review, closed in rows]
    return ProjectPage(
        project=project,
        goals=goals,
        rows=calls,
        open_count=sum(1 for row in calls if not row.closed),
    )


# --- deadlines ----------------------------------------------------------------------------


@dataclass(slots=True)
class DeadlineEntry:
    """A stage deadline of a call in work (relevant, in preparation) or a top candidate."""

    day: date
    stage: str
    call: Call
    kind: str  # "arbeit" (marked by the team) or "kandidat" (best open candidate)
    status: str
    score: float = 0.0
    assignee: str = ""  # name (or address) of whoever is responsible
    assignee_active: bool = True  # False: that login was deactivated (the page says so)
    # a candidate's verdict and its reasons, badged as in the Eingang (a call only a project's
    # partners may apply for must not pass for the county's own); None for a call in work
    eligibility: str | None = None
    eligibility_reasons: list[str] = field(default_factory=list)
    time: str | None = None  # "17:00" (German time) when the source gives one


def deadline_entries(
    session: Session,
    start: date,
    end: date,
    *,
    today: date | None = None,
    candidates: int = 15,
    statuses: tuple[str, ...] = ACTIVE_STATUSES,
    applicant: str = "",
    own_work_of: tuple[str, int] | None = None,
) -> list[DeadlineEntry]:
    """Stage deadlines between start and end of calls in work and of the best candidates.

    `applicant`: the candidates are only calls that applicant may apply for (a login's
    "Meine Kommune", as its Eingang shows them); the calls in work are everyone's, unless
    `own_work_of` (applicant, login id) narrows them to that login's (`own_work`: the
    calendar feed, as the login's digest and reminders count them).
    """
    today = today or local_today()
    entries: list[DeadlineEntry] = []
    seen: set[int] = set()
    worked = session.execute(
        select(Call, Review.status, User.name, User.email, User.active)
        .join(Review, Review.call_id == Call.id)
        .outerjoin(User, User.id == Review.assignee_id)
        .where(
            Review.status.in_(statuses),
            Call.canonical_id.is_(None),
            *(own_work(*own_work_of) if own_work_of is not None else []),
        )
    ).all()
    for call, status, name, email, active in worked:
        seen.add(call.id)
        assignee = name or email or ""
        for d in call_deadlines(call):
            if start <= d.day <= end:
                entries.append(
                    DeadlineEntry(
                        d.day,
                        d.stage,
                        call,
                        "arbeit",
                        status,
                        assignee=assignee,
                        assignee_active=active is not False,
                        time=d.time,
                    )
                )
    if candidates:
        horizon_start = max(start, today)
        best = session.execute(
            listed(
                select(
                    Call,
                    CallScore.inbox_score,
                    CallScore.eligibility,
                    CallScore.eligibility_reasons,
                    User.name,
                    User.email,
                    User.active,
                ),
                CallFilters(scope="inbox", antragsteller=applicant),
                today,
            )
            # a candidate "in Prüfung" may have someone looking into it already
            .outerjoin(User, User.id == Review.assignee_id)
            .where(
                Call.deadline.is_not(None),
                Call.deadline >= horizon_start,
                Call.deadline <= end,
            )
            .order_by(CallScore.inbox_score.desc().nulls_last())
            .limit(candidates)
        ).all()
        for call, score, eligibility, reasons, name, email, active in best:
            if call.id in seen:
                continue
            for d in call_deadlines(call):
                if max(start, today) <= d.day <= end:
                    entries.append(
                        DeadlineEntry(
                            d.day,
                            d.stage,
                            call,
                            "kandidat",
                            "neu",
                            float(score or 0),
                            eligibility=eligibility or "unknown",
                            eligibility_reasons=list(reasons or []),
                            assignee=name or email or "",
                            assignee_active=active is not False,
                            time=d.time,
                        )
                    )
    # within a day, a deadline at 12:00 before one at 17:00 and both before one for the whole day
    entries.sort(key=lambda e: (e.day, e.time or "24:00", e.kind, e.call.title))
    return entries


# The call fields a calendar event shows (status and missing_since: the source closed or
# dropped the call): a change to one of them is a new revision.
CALENDAR_FIELDS = (
    "deadline", "deadlines", "deadline_time", "deadline_times", "title", "funder", "programme",
    "url", "status", "missing_since",
)  # fmt: skip
# The review fields it shows (the review status and who is responsible): their changes, in
# the review's history, are revisions too.
CALENDAR_REVIEW_FIELDS = ("status", "assignee_id")


class CalendarRevision(NamedTuple):
    """How often what a call's calendar events show has changed, and when it last did."""

    sequence: int
    modified: datetime


def calendar_revisions(session: Session, calls: Iterable[Call]) -> dict[int, CalendarRevision]:
    """Per call id the revision of its calendar events, from the change histories.

    Calendar programs (Google's above all) keep an event they already have unless its
    SEQUENCE has grown. The sequence counts the changes of what the event shows, in the
    call's history (deadline, title, source status …) and in its review's (review status,
    assignee); both histories only grow, so the count does too, and LAST-MODIFIED is the
    latest of those changes.
    """
    by_id = {call.id: call for call in calls}
    if not by_id:
        return {}
    counts = dict.fromkeys(by_id, 0)
    latest = {call_id: call.first_seen for call_id, call in by_id.items()}
    histories = (
        select(CallChange.call_id, func.count(), func.max(CallChange.changed_at))
        .where(CallChange.call_id.in_(by_id), CallChange.field.in_(CALENDAR_FIELDS))
        .group_by(CallChange.call_id),
        select(Review.call_id, func.count(), func.max(ReviewEvent.at))
        .join(ReviewEvent, ReviewEvent.review_id == Review.id)
        .where(Review.call_id.in_(by_id), ReviewEvent.field.in_(CALENDAR_REVIEW_FIELDS))
        .group_by(Review.call_id),
    )
    for history in histories:
        for call_id, count, last in session.execute(history):
            counts[call_id] += count
            latest[call_id] = max(latest[call_id], last)
    return {call_id: CalendarRevision(counts[call_id], latest[call_id]) for call_id in by_id}


@dataclass(slots=True)
class MonthCalendar:
    """A month as weeks of days (Monday first); days outside the month are None."""

    year: int
    month: int
    weeks: list[list[date | None]]
    entries: dict[date, list[DeadlineEntry]]

    @property
    def previous(self) -> str:
        first = date(self.year, self.month, 1) - timedelta(days=1)
        return f"{first.year:04d}-{first.month:02d}"

    @property
    def next(self) -> str:
        last = date(self.year, self.month, calendar.monthrange(self.year, self.month)[1])
        after = last + timedelta(days=1)
        return f"{after.year:04d}-{after.month:02d}"


def month_calendar(
    session: Session, year: int, month: int, today: date | None = None
) -> MonthCalendar:
    """The deadlines of one month laid out as a calendar."""
    first = date(year, month, 1)
    last = date(year, month, calendar.monthrange(year, month)[1])
    by_day: dict[date, list[DeadlineEntry]] = defaultdict(list)
    for entry in deadline_entries(session, first, last, today=today):
        by_day[entry.day].append(entry)
    weeks = [
        [day if day.month == month else None for day in week]
        for week in calendar.Calendar(firstweekday=0).monthdatescalendar(year, month)
    ]
    return MonthCalendar(year, month, weeks, dict(by_day))


# --- sources ------------------------------------------------------------------------------


@dataclass(slots=True)
class SourceStatus:
    """A source with its last run, recent runs (oldest first) and its calls."""

    name: str
    label: str
    url: str
    kind: str
    enabled: bool
    last_run: ScrapeRun | None
    runs: list[ScrapeRun]
    calls: int
    open_calls: int
    last_error: str = ""
    last_error_at: datetime | None = None


def source_open_filters(source: str) -> CallFilters:
    """The Eingang of `source`'s open calls, whatever their decision and eligibility: what
    Quellen counts as the source's open calls and links to (every applicant: the link adds
    `antragsteller=alle` for a login with Meine Kommune)."""
    return CallFilters(scope="inbox", source=source, status="alle", ineligible=True)


def source_overview(
    session: Session, today: date | None = None, runs_per_source: int = 20
) -> list[SourceStatus]:
    """Every configured source and every source that has calls, with run statistics."""
    today = today or local_today()
    # Each main call once, whether it came from the source or a duplicate did: the list's
    # `source=` filter (`filter_clauses`) reads a call's sources the same way.
    main_id = func.coalesce(Call.canonical_id, Call.id)
    # The open ones are those the Eingang of `source_open_filters` shows (the number links
    # there): its own definition, so that the two cannot differ. Counted per source before,
    # by what the source itself still listed, the number could not be a list's length.
    open_ids = listed(select(Call.id), source_open_filters(""), today)
    counts = {
        name: (total, open_)
        for name, total, open_ in session.execute(
            select(
                Call.source,
                # the calls *Alle Aufrufe* lists for `source=` (the number links there)
                func.count(main_id.distinct()),
                func.count(main_id.distinct()).filter(main_id.in_(open_ids)),
            ).group_by(Call.source)
        )
    }
    sources = list(session.scalars(select(Source).order_by(Source.name)))
    runs_by_source: dict[int, list[ScrapeRun]] = defaultdict(list)
    # Window function: the last N runs of each source in one query.
    ranked = select(
        ScrapeRun.id,
        func.row_number()
        .over(partition_by=ScrapeRun.source_id, order_by=ScrapeRun.started_at.desc())
        .label("n"),
    ).subquery()
    for run in session.scalars(
        select(ScrapeRun)
        .join(ranked, ranked.c.id == ScrapeRun.id)
        .where(ranked.c.n <= runs_per_source)
        .order_by(ScrapeRun.started_at)
    ):
        runs_by_source[run.source_id].append(run)
    last_errors: dict[int, tuple[str, datetime]] = {}
    for source_id, message, started in session.execute(
        select(ScrapeRun.source_id, ScrapeRun.error_message, ScrapeRun.started_at)
        .where(ScrapeRun.error_message != "")
        .order_by(ScrapeRun.started_at)
    ):
        last_errors[source_id] = (message, started)
    out: list[SourceStatus] = []
    for source in sources:
        runs = runs_by_source.get(source.id, [])
        total, open_ = counts.pop(source.name, (0, 0))
        error, error_at = last_errors.get(source.id, ("", None))
        out.append(
            SourceStatus(
                name=source.name,
                label=source.label or source.name,
                url=source.url,
                kind=source.kind,
                enabled=source.enabled,
                last_run=runs[-1] if runs else None,
                runs=runs,
                calls=total,
                open_calls=open_,
                last_error=error,
                last_error_at=error_at,
            )
        )
    # Calls from imports or manual entry have a source name but no configured source.
    for name, (total, open_) in sorted(counts.items()):
        out.append(
            SourceStatus(
                name=name,
                label=name,
                url="",
                kind="Import" if name != "manuell" else "von Hand",
                enabled=True,
                last_run=None,
                runs=[],
                calls=total,
                open_calls=open_,
            )
        )
    return out


def changed_call_ids(session: Session, ids: Sequence[int], since: datetime) -> set[int]:
    """The calls among `ids` whose deadline, status, eligibility or amount changed since `since`."""
    return set(session.scalars(_CHANGED_SELECT, {"ids": list(ids), "since": since}))


_CHANGED_SELECT = (
    select(CallChange.call_id)
    .where(
        CallChange.call_id.in_(bindparam("ids", expanding=True)),
        CallChange.field.in_(MARKED_CHANGE_FIELDS),
        CallChange.changed_at >= bindparam("since"),
    )
    .distinct()
)
