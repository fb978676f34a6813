"""Typed SQLAlchemy 2.x models: the whole schema of funding-matcher.

Times are naive UTC datetimes (`utcnow()`), stored the same way on SQLite and PostgreSQL.
A call that several sources publish is stored once per (source, external_id); the
duplicates point at one canonical call through `canonical_id`, and reviews, matches and
texts hang on the canonical call.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date, datetime
from typing import Any, ClassVar

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    true,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from matcher.types import NOT_ABOUT_TOPIC_REASONS, TOPIC_REASON
from webapp import formatting


def utcnow() -> datetime:
    """The current time as naive UTC, the form every timestamp is stored in."""
    return formatting.now_utc().replace(tzinfo=None)  # the clock tests fix


class Base(DeclarativeBase):
    type_annotation_map: ClassVar[dict[Any, Any]] = {
        dict[str, Any]: JSON,
        list[str]: JSON,
        list[Any]: JSON,
    }


# --- strategy -------------------------------------------------------------------------


class StrategyRow(Base):
    __tablename__ = "strategies"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(100), unique=True)
    name: Mapped[str] = mapped_column(String(300))
    region: Mapped[str] = mapped_column(String(200), default="")
    state: Mapped[str] = mapped_column(String(200), default="")
    adopted: Mapped[str] = mapped_column(String(100), default="")
    adopted_by: Mapped[str] = mapped_column(Text, default="")
    leitbild: Mapped[str] = mapped_column(Text, default="")
    aims: Mapped[list[str]] = mapped_column(default=list)
    members: Mapped[list[str]] = mapped_column(default=list)
    region_profile: Mapped[dict[str, Any]] = mapped_column(default=dict)
    source_path: Mapped[str] = mapped_column(Text, default="")
    content_hash: Mapped[str] = mapped_column(String(64), default="")
    document: Mapped[dict[str, Any]] = mapped_column(default=dict)
    loaded_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    active: Mapped[bool] = mapped_column(Boolean, default=True)

    themes: Mapped[list[ThemeRow]] = relationship(
        back_populates="strategy", order_by="ThemeRow.position"
    )
    projects: Mapped[list[ProjectRow]] = relationship(
        back_populates="strategy", order_by="ProjectRow.position"
    )


class ThemeRow(Base):
    __tablename__ = "themes"
    __table_args__ = (UniqueConstraint("strategy_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    strategy_id: Mapped[int] = mapped_column(ForeignKey("strategies.id", ondelete="CASCADE"))
    key: Mapped[str] = mapped_column(String(100))
    name: Mapped[str] = mapped_column(String(300))
    priority: Mapped[int] = mapped_column(Integer)
    description: Mapped[str] = mapped_column(Text, default="")
    position: Mapped[int] = mapped_column(Integer, default=0)
    active: Mapped[bool] = mapped_column(Boolean, default=True)

    strategy: Mapped[StrategyRow] = relationship(back_populates="themes")
    goals: Mapped[list[GoalRow]] = relationship(back_populates="theme", order_by="GoalRow.position")


class GoalRow(Base):
    __tablename__ = "goals"
    __table_args__ = (UniqueConstraint("strategy_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    strategy_id: Mapped[int] = mapped_column(ForeignKey("strategies.id", ondelete="CASCADE"))
    theme_id: Mapped[int] = mapped_column(ForeignKey("themes.id", ondelete="CASCADE"))
    key: Mapped[str] = mapped_column(String(100))
    text: Mapped[str] = mapped_column(Text)
    position: Mapped[int] = mapped_column(Integer, default=0)
    active: Mapped[bool] = mapped_column(Boolean, default=True)

    theme: Mapped[ThemeRow] = relationship(back_populates="goals")


class ProjectRow(Base):
    __tablename__ = "projects"
    __table_args__ = (UniqueConstraint("strategy_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    strategy_id: Mapped[int] = mapped_column(ForeignKey("strategies.id", ondelete="CASCADE"))
    theme_id: Mapped[int] = mapped_column(ForeignKey("themes.id"))
    key: Mapped[str] = mapped_column(String(100))
    title: Mapped[str] = mapped_column(String(500))
    summary: Mapped[str] = mapped_column(Text, default="")
    keywords: Mapped[list[str]] = mapped_column(default=list)
    goal_keys: Mapped[list[str]] = mapped_column(default=list)
    lead: Mapped[str] = mapped_column(String(300), default="")
    partners: Mapped[list[str]] = mapped_column(default=list)
    applicant_types: Mapped[list[str]] = mapped_column(default=list)
    funding_history: Mapped[list[Any]] = mapped_column(default=list)
    position: Mapped[int] = mapped_column(Integer, default=0)
    # A project removed from the YAML is deactivated, never deleted: reviews and texts keep it.
    active: Mapped[bool] = mapped_column(Boolean, default=True)

    strategy: Mapped[StrategyRow] = relationship(back_populates="projects")
    theme: Mapped[ThemeRow] = relationship()


# --- sources and calls ----------------------------------------------------------------


class Source(Base):
    __tablename__ = "sources"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    kind: Mapped[str] = mapped_column(String(50), default="")
    label: Mapped[str] = mapped_column(String(300), default="")
    url: Mapped[str] = mapped_column(Text, default="")
    enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    config: Mapped[dict[str, Any]] = mapped_column(default=dict)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    runs: Mapped[list[ScrapeRun]] = relationship(
        back_populates="source", order_by="ScrapeRun.started_at.desc()"
    )


class ScrapeRun(Base):
    __tablename__ = "scrape_runs"

    id: Mapped[int] = mapped_column(primary_key=True)
    source_id: Mapped[int] = mapped_column(ForeignKey("sources.id", ondelete="CASCADE"), index=True)
    started_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(DateTime)
    status: Mapped[str] = mapped_column(String(20), default="running")  # running, ok, failed
    offline: Mapped[bool] = mapped_column(Boolean, default=False)
    requests: Mapped[int] = mapped_column(Integer, default=0)
    not_modified: Mapped[int] = mapped_column(Integer, default=0)
    bytes_received: Mapped[int] = mapped_column(Integer, default=0)
    parsed: Mapped[int] = mapped_column(Integer, default=0)
    new: Mapped[int] = mapped_column(Integer, default=0)
    changed: Mapped[int] = mapped_column(Integer, default=0)
    unchanged: Mapped[int] = mapped_column(Integer, default=0)
    missing: Mapped[int] = mapped_column(Integer, default=0)
    errors: Mapped[int] = mapped_column(Integer, default=0)
    error_message: Mapped[str] = mapped_column(Text, default="")
    seconds: Mapped[float] = mapped_column(Float, default=0.0)
    # Hints of a run that did not fail it (robots.txt refusals of single pages, a malformed
    # feed still read, an empty listing not trusted): one per line (migration 0003).
    warnings: Mapped[str] = mapped_column(Text, default="", server_default="")

    source: Mapped[Source] = relationship(back_populates="runs")

    # A crawl refused page by page could yield thousands of hints; the page shows a run's
    # history, so only the first ones are kept and the rest is counted.
    MAX_WARNINGS: ClassVar[int] = 100
    _MORE: ClassVar[re.Pattern[str]] = re.compile(r"^… und (\d+) weitere[r]? Hinweise?$")

    def set_warnings(self, warnings: Iterable[str]) -> None:
        """Store `warnings`, one line each (inner line breaks collapsed), the first 100 kept."""
        lines = [" ".join(w.split()) for w in warnings]
        lines = [line for line in lines if line]
        if len(lines) > self.MAX_WARNINGS:
            rest = len(lines) - self.MAX_WARNINGS
            # plain digits, not format_counted's "1.234": `_MORE` reads the count back
            more = "weiterer Hinweis" if rest == 1 else "weitere Hinweise"
            lines = [*lines[: self.MAX_WARNINGS], f"… und {rest} {more}"]
        self.warnings = "\n".join(lines)

    @property
    def found(self) -> int:
        """The calls the run found listed: new, changed and unchanged ones, these also when an
        unchanged page (304) confirmed them unread. `parsed` counts only records read from a
        page, so it is 0 for a healthy run whose pages all answered 304."""
        return (self.new or 0) + (self.changed or 0) + (self.unchanged or 0)

    @property
    def all_unchanged(self) -> bool:
        """A successful run whose pages were all unchanged (304 or the same body as before):
        nothing was read anew."""
        return self.status == "ok" and not self.parsed and bool(self.not_modified)

    @property
    def warning_list(self) -> list[str]:
        """The stored hints, one text each."""
        return [line for line in (self.warnings or "").splitlines() if line]

    @property
    def warning_count(self) -> int:
        """How many hints the run had, including those not kept."""
        lines = self.warning_list
        if lines and (more := self._MORE.match(lines[-1])):
            return len(lines) - 1 + int(more.group(1))
        return len(lines)


class Call(Base):
    __tablename__ = "calls"
    __table_args__ = (
        UniqueConstraint("source", "external_id"),
        Index("ix_calls_deadline", "deadline"),
        Index("ix_calls_canonical", "canonical_id"),
        Index("ix_calls_first_seen", "first_seen"),
        Index("ix_calls_status", "status"),
        # Covering index of the call lists (migrations 0002, 0015, 0016): filters never read
        # wide rows.
        Index(
            "ix_calls_list",
            "canonical_id",
            "deadline",
            "entry_deadline",
            "deadline_time",
            "missing_since",
            "status",
            "source",
            "region",
            "first_seen",
            "content_hash",
        ),
        # The same filter columns by id, for the join from the scores (migrations 0004, 0015,
        # 0016): a deep list page checks every call it skips without reading its wide row.
        Index(
            "ix_calls_list_by_id",
            "id",
            "canonical_id",
            "deadline",
            "entry_deadline",
            "deadline_time",
            "missing_since",
            "status",
            "content_hash",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    source: Mapped[str] = mapped_column(String(100))
    external_id: Mapped[str] = mapped_column(String(500))
    canonical_id: Mapped[int | None] = mapped_column(ForeignKey("calls.id", ondelete="SET NULL"))
    origin: Mapped[str] = mapped_column(String(20), default="scrape")  # scrape, import, manual
    url: Mapped[str] = mapped_column(Text)
    title: Mapped[str] = mapped_column(Text)
    funder: Mapped[str] = mapped_column(Text, default="")
    programme: Mapped[str] = mapped_column(Text, default="")
    summary: Mapped[str] = mapped_column(Text, default="")
    text: Mapped[str] = mapped_column(Text, default="")
    eligible: Mapped[list[str]] = mapped_column(default=list)
    region: Mapped[str] = mapped_column(String(200), default="")
    funding_type: Mapped[str] = mapped_column(String(200), default="")
    published: Mapped[date | None] = mapped_column(Date)
    opens: Mapped[date | None] = mapped_column(Date)
    deadline: Mapped[date | None] = mapped_column(Date)
    deadlines: Mapped[dict[str, Any]] = mapped_column(default=dict)
    # The time of day of the deadline and of each stage ("17:00", German time) when the source
    # gives one (migration 0012); None / {} is a deadline for the whole day.
    deadline_time: Mapped[str | None] = mapped_column(String(5))
    deadline_times: Mapped[dict[str, Any] | None] = mapped_column(JSON, default=dict)
    # The first stage's day of a call with several stages (migration 0015): after it nobody
    # new can apply, whatever stage comes next (ingest.entry_deadline).
    entry_deadline: Mapped[date | None] = mapped_column(Date)
    amount_max_eur: Mapped[float | None] = mapped_column(Float)
    funding_rate: Mapped[float | None] = mapped_column(Float)
    topics: Mapped[list[str]] = mapped_column(default=list)
    status: Mapped[str] = mapped_column(String(50), default="")
    language: Mapped[str] = mapped_column(String(10), default="")
    content_hash: Mapped[str] = mapped_column(String(64), default="")
    first_seen: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    last_seen: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    last_checked: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    # Set when the call is no longer listed by its source; never deleted.
    missing_since: Mapped[datetime | None] = mapped_column(DateTime)
    # The digest (period key "2026-W48") that first announced the call as new and reached
    # someone; NULL while no digest has: a call that only later passes the digest's bar
    # (its text, the strategy or the officers' decisions moved it) is announced then.
    announced_in: Mapped[str | None] = mapped_column(String(16))
    changed_at: Mapped[datetime | None] = mapped_column(DateTime)

    canonical: Mapped[Call | None] = relationship(
        remote_side="Call.id", back_populates="duplicates"
    )
    duplicates: Mapped[list[Call]] = relationship(back_populates="canonical")
    changes: Mapped[list[CallChange]] = relationship(
        back_populates="call", order_by="CallChange.changed_at.desc()"
    )
    score: Mapped[CallScore | None] = relationship(back_populates="call", uselist=False)
    matches: Mapped[list[Match]] = relationship(
        back_populates="call", order_by="Match.score.desc()"
    )
    review: Mapped[Review | None] = relationship(back_populates="call", uselist=False)


class CallChange(Base):
    __tablename__ = "call_changes"

    id: Mapped[int] = mapped_column(primary_key=True)
    call_id: Mapped[int] = mapped_column(ForeignKey("calls.id", ondelete="CASCADE"), index=True)
    field: Mapped[str] = mapped_column(String(50))
    old: Mapped[Any] = mapped_column(JSON, nullable=True)
    new: Mapped[Any] = mapped_column(JSON, nullable=True)
    changed_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, index=True)
    scrape_run_id: Mapped[int | None] = mapped_column(
        ForeignKey("scrape_runs.id", ondelete="SET NULL")
    )
    # The officer who changed a call entered by hand in its form (migration 0006); None for
    # changes a scrape or import found.
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    call: Mapped[Call] = relationship(back_populates="changes")
    user: Mapped[User | None] = relationship()


class HttpCacheEntry(Base):
    """Validators of the last response per URL, for conditional GET."""

    __tablename__ = "http_cache"

    url: Mapped[str] = mapped_column(String(2000), primary_key=True)
    etag: Mapped[str] = mapped_column(Text, default="")
    last_modified: Mapped[str] = mapped_column(Text, default="")
    content_hash: Mapped[str] = mapped_column(String(64), default="")
    fetched_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    # A list page's ids and next page as last read (Validators.listing; migration 0017).
    listing: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)


# --- matching ---------------------------------------------------------------------------


class CallScore(Base):
    """The matcher's verdict on a call as a whole: inbox score and eligibility."""

    __tablename__ = "call_scores"
    # With the eligibility, the inbox filters the scores in index order (migration 0004).
    __table_args__ = (Index("ix_call_scores_inbox", "inbox_score", "eligibility"),)

    call_id: Mapped[int] = mapped_column(
        ForeignKey("calls.id", ondelete="CASCADE"), primary_key=True
    )
    inbox_score: Mapped[float] = mapped_column(Float, default=0.0)
    best_project_id: Mapped[int | None] = mapped_column(
        ForeignKey("projects.id", ondelete="SET NULL")
    )
    eligibility: Mapped[str] = mapped_column(String(20), default="unknown")
    eligibility_reasons: Mapped[list[str]] = mapped_column(default=list)
    eligible_applicants: Mapped[list[str]] = mapped_column(default=list)
    goals: Mapped[list[Any]] = mapped_column(default=list)  # [{goal, score, terms}]
    language: Mapped[str] = mapped_column(String(10), default="")
    content_hash: Mapped[str] = mapped_column(String(64), default="")
    computed_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    call: Mapped[Call] = relationship(back_populates="score")
    best_project: Mapped[ProjectRow | None] = relationship()


class Match(Base):
    __tablename__ = "matches"
    __table_args__ = (
        UniqueConstraint("call_id", "project_id"),
        Index("ix_matches_project_score", "project_id", "score"),
        Index("ix_matches_call_rank", "call_id", "rank", "project_id", "score"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    call_id: Mapped[int] = mapped_column(ForeignKey("calls.id", ondelete="CASCADE"))
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"))
    score: Mapped[float] = mapped_column(Float)
    rank: Mapped[int] = mapped_column(Integer, default=0)
    terms: Mapped[list[Any]] = mapped_column(default=list)  # [{call_word, project_word, weight}]
    goal_keys: Mapped[list[str]] = mapped_column(default=list)
    eligibility: Mapped[str] = mapped_column(String(20), default="unknown")
    eligibility_reasons: Mapped[list[str]] = mapped_column(default=list)
    # how the decisions on similar calls moved the score (migration 0007): {change,
    # confirmed_call, confirmed_similarity, dismissed_call, dismissed_similarity}, calls by id
    decisions: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)
    computed_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    call: Mapped[Call] = relationship(back_populates="matches")
    project: Mapped[ProjectRow] = relationship()


# --- people and their work -------------------------------------------------------------


class User(Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(320), unique=True)
    name: Mapped[str] = mapped_column(String(200), default="")
    password_hash: Mapped[str] = mapped_column(String(300))
    role: Mapped[str] = mapped_column(String(20), default="officer")  # officer, admin
    digest_opt_in: Mapped[bool] = mapped_column(Boolean, default=True)
    ical_token: Mapped[str] = mapped_column(String(64), unique=True)
    failed_logins: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[datetime | None] = mapped_column(DateTime)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    last_login: Mapped[datetime | None] = mapped_column(DateTime)
    # False: the login is deactivated (an officer who left) — no login, no session, no mail;
    # the row stays so that past decisions and edits keep their name.
    active: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())
    # When it was deactivated (naive UTC); None while active, and for logins deactivated
    # before migration 0014 (unknown: USER_ERASE_AFTER_DAYS never erases those).
    deactivated_at: Mapped[datetime | None] = mapped_column(DateTime)
    # "Meine Kommune": the strategy applicant (a town, the county) whose calls the login's
    # lists open with and its digest lists; None = everything. Kept when a new strategy no
    # longer names it, and then ignored (webapp.home_applicant).
    home_applicant: Mapped[str | None] = mapped_column(String(200))

    @property
    def display_name(self) -> str:
        """How pages and mails name the person: the name, else the address."""
        return self.name or self.email


class UserFormerName(Base):
    """A name or address a login had before (`user edit`, `user rename`, Benutzer page).

    Recorded so that `user forget` (webapp/privacy.py) still finds the person in free text,
    history and mail log under the old name or address, and `user export` lists it
    (migration 0019; renames before it were not recorded). Deleted by `user forget`.
    """

    __tablename__ = "user_former_names"
    __table_args__ = (UniqueConstraint("user_id", "kind", "value"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(10))  # "name" or "email" (normalised)
    value: Mapped[str] = mapped_column(String(320))
    # when the login last gave it up (naive UTC): mail logged to an old address before this
    # was the person's; after it the address may be someone else's
    until: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class LoginSession(Base):
    """One logged-in browser (webapp/login_sessions.py), so that a session ends on the server.

    The signed session cookie carries the user id and a random token; the row keeps only the
    token's SHA-256, so a copy of the database logs nobody in. Deleting the row (logout, a
    new password, deactivation) ends the session even for a copied cookie.
    """

    __tablename__ = "login_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    # written at most every login_sessions.TOUCH_INTERVAL, not on every request
    last_seen_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    # the browser in short ("Firefox 128 unter Windows") and the client address, for the
    # list on /konto: enough to recognise a session one did not open
    user_agent: Mapped[str] = mapped_column(String(100), default="")
    address: Mapped[str] = mapped_column(String(45), default="")


class LoginFailure(Base):
    """A failed login from one client address (webapp/throttle.py), seen by every app process.

    The row is written before the password is checked (`pending`) and deleted again if the
    login succeeds, so attempts running in parallel count before they end. Rows older than
    the window are deleted whenever a failure is recorded.
    """

    __tablename__ = "login_failures"
    __table_args__ = (
        # the limit's count: one address's rows in the window
        Index("ix_login_failures_key_at", "key", "at"),
        # the clean-up: all rows that have left the window, whichever address
        Index("ix_login_failures_at", "at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(100))  # throttle.client_key(): address or /64
    at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    pending: Mapped[bool] = mapped_column(Boolean, default=True)


class UnknownEmail(Base):
    """The lockout columns of `users` for an e-mail without an account (UnknownEmailLockout)."""

    __tablename__ = "unknown_emails"

    # SHA-256 (hex) of the normalised e-mail: what was typed (a password in the wrong field,
    # a huge value) is never stored
    digest: Mapped[str] = mapped_column(String(64), primary_key=True)
    failed_logins: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[datetime | None] = mapped_column(DateTime)
    # beyond users.MAX_TRACKED_UNKNOWN_EMAILS the least recently seen are forgotten
    last_seen: Mapped[datetime] = mapped_column(DateTime, default=utcnow, index=True)


REVIEW_STATUSES = (
    "neu",
    "in Prüfung",
    "relevant",
    "Antrag in Vorbereitung",
    "beantragt",
    "bewilligt",
    "abgelehnt",
    "nicht relevant",
)
DISMISSED_STATUS = "nicht relevant"
# Statuses a source may publish for a call that no longer accepts applications (lower case;
# "Mittel ausgeschöpft" is scrapers.normalise.STATUS_EXHAUSTED, an Antragsstopp).
CLOSED_SOURCE_STATUSES = (
    "geschlossen", "closed", "abgelaufen", "beendet", "archiviert", "mittel ausgeschöpft",
)  # fmt: skip
# the matcher reads the reasons: only some of them say the topic does not fit
DISMISS_REASONS = (TOPIC_REASON, *NOT_ABOUT_TOPIC_REASONS, "sonstiges")


class Review(Base):
    """An officer's decision on a (canonical) call; survives every rescrape."""

    __tablename__ = "reviews"
    # the lists' Zuständig filter reads a person's calls from here (migration 0018)
    __table_args__ = (Index("ix_reviews_assignee", "assignee_id", "call_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    call_id: Mapped[int] = mapped_column(ForeignKey("calls.id", ondelete="CASCADE"), unique=True)
    status: Mapped[str] = mapped_column(String(50), default="neu", index=True)
    reason: Mapped[str] = mapped_column(String(100), default="")
    note: Mapped[str] = mapped_column(Text, default="")
    project_id: Mapped[int | None] = mapped_column(ForeignKey("projects.id", ondelete="SET NULL"))
    assignee_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    # The call's content hash when it was decided: a dismissed call returns only if it changes.
    call_hash: Mapped[str] = mapped_column(String(64), default="")
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    call: Mapped[Call] = relationship(back_populates="review")
    project: Mapped[ProjectRow | None] = relationship()
    assignee: Mapped[User | None] = relationship(foreign_keys=[assignee_id])
    updated_by: Mapped[User | None] = relationship(foreign_keys=[updated_by_id])
    events: Mapped[list[ReviewEvent]] = relationship(
        back_populates="review", order_by="ReviewEvent.at.desc()"
    )


class ReviewEvent(Base):
    """Who changed what on a review, and when."""

    __tablename__ = "review_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    review_id: Mapped[int] = mapped_column(ForeignKey("reviews.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    field: Mapped[str] = mapped_column(String(50))
    old: Mapped[str] = mapped_column(Text, default="")
    new: Mapped[str] = mapped_column(Text, default="")
    at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    review: Mapped[Review] = relationship(back_populates="events")
    user: Mapped[User | None] = relationship()


class Justification(Base):
    """Generated and edited Begründungstext per call, project (None = combined) and length."""

    __tablename__ = "justifications"
    __table_args__ = (UniqueConstraint("call_id", "project_id", "variant"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    call_id: Mapped[int] = mapped_column(ForeignKey("calls.id", ondelete="CASCADE"), index=True)
    project_id: Mapped[int | None] = mapped_column(ForeignKey("projects.id", ondelete="SET NULL"))
    variant: Mapped[str] = mapped_column(String(20), default="long")  # long, short
    generated_text: Mapped[str] = mapped_column(Text, default="")
    generated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    edited_text: Mapped[str | None] = mapped_column(Text)
    edited_at: Mapped[datetime | None] = mapped_column(DateTime)
    edited_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    call: Mapped[Call] = relationship()
    project: Mapped[ProjectRow | None] = relationship()
    edited_by: Mapped[User | None] = relationship()


class SentMail(Base):
    """The log that makes every digest and reminder go out exactly once."""

    __tablename__ = "sent_mails"
    __table_args__ = (UniqueConstraint("kind", "period_key", "recipient"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(30))  # digest, reminder
    period_key: Mapped[str] = mapped_column(String(200))
    recipient: Mapped[str] = mapped_column(String(320))
    # pending, sent, failed (temporary: retried), refused (the server refused the recipient
    # for good, or the address was refused before: see MailRefusal; not retried by itself)
    status: Mapped[str] = mapped_column(String(20), default="pending")
    subject: Mapped[str] = mapped_column(Text, default="")
    message_id: Mapped[str] = mapped_column(String(300), default="")
    error: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(DateTime)


class MailRefusal(Base):
    """An address the mail server refused for good (5xx): no mail is tried until `retry_at`.

    One row per address (normalised). It goes when a mail to the address is accepted again,
    when the administration asks for a new attempt on the Benutzer page (or reactivates the
    login), and its expiry lets the scheduled runs try once more after MAIL_REFUSED_RETRY_DAYS.
    """

    __tablename__ = "mail_refusals"

    address: Mapped[str] = mapped_column(String(320), primary_key=True)
    error: Mapped[str] = mapped_column(Text, default="")  # the server's answer
    subject: Mapped[str] = mapped_column(Text, default="")  # the mail it refused
    refused_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    retry_at: Mapped[datetime] = mapped_column(DateTime)


class JobLock(Base):
    """A named lock so that two batch runs (e.g. `weekly`) never overlap."""

    __tablename__ = "job_locks"

    name: Mapped[str] = mapped_column(String(100), primary_key=True)
    holder: Mapped[str] = mapped_column(String(200))
    acquired_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(DateTime)
