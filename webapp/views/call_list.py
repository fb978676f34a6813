"""The rows of a call list (inbox, all calls) as display values, computed once in Python.

A page shows 25 rows of about twenty values each. Formatted in the template (three macros,
eight filters and five `url_for` per row) they took half of an inbox request. Here every
value is formatted once; the row URLs come from one `url_for` per endpoint; what is the
same on every row (the quick form's hidden fields and reasons, a project's link) is built
once per page. The template keeps the row's markup and escapes every plain string.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from flask import url_for
from flask_wtf.csrf import generate_csrf
from markupsafe import Markup, escape

from webapp.charts import PROJECT_SCORE_NAME, score_bar
from webapp.formatting import (
    format_eur,
    format_number,
    format_rate,
    source_short_title,
    source_title,
)
from webapp.models import DISMISS_REASONS
from webapp.queries import NEW_DAYS, NO_SHARED_MATCH, CallPage, CallRow, SourceRef
from webapp.views.components import (
    deadline,
    decision_mark,
    eligibility_badge,
    found_mark,
    status_pill,
)
from webapp.views.filters import safe_url

# A call id no real call has; replaced by each row's id in a URL built once.
_ID_MARKER = 987654321


@dataclass(slots=True)
class ProjectLink:
    """A project as a match line shows it."""

    url: str
    key: str
    title: str
    theme: str


@dataclass(slots=True)
class MatchLine:
    """One of a row's best projects: its score bar and the project."""

    bar: Markup
    project: ProjectLink
    moved: Markup  # ▲/▼ when decisions on similar calls moved the score, else ""


@dataclass(slots=True)
class RowView:
    """Everything one list row shows, ready to print."""

    id: int
    title: str
    detail_url: str
    review_url: str
    found: Markup  # the mark of a call found in the last NEW_DAYS days, else ""
    changed: str  # the changed mark's text, "" without one
    status: str  # the review status the row shows, which a quick decision replaces
    pill: Markup  # the review status, "" where the list leaves it out
    reason: str  # why it was dismissed ("nicht relevant"), else ""
    assignee: str  # who is responsible, "" for nobody
    badge: Markup
    meta: list[str]  # funder, region, funding type: those that are set
    source_label: str  # Quelle / Quellen
    sources: Markup
    matches: list[MatchLine]
    # without matches: "noch nicht bewertet", or that none of the best projects shares words
    no_match: str
    deadline: Markup
    rate: str
    amount: str
    score: str  # "" for a call without a score


@dataclass(slots=True)
class ListView:
    """The rows of one list page and the parts every row's quick form shares."""

    rows: list[RowView]
    quick_fields: Markup  # the hidden inputs: CSRF token, quick flag, way back
    reason_options: Markup  # the <option>s of the dismissal reasons


def _id_url(endpoint: str, **values: Any) -> Callable[[int], str]:
    """`url_for(endpoint, <id>, **values)` for many ids from a single `url_for` call."""
    url = url_for(endpoint, **values)
    path, sep, query = url.partition("?")  # the marker is looked for in the path only
    head, found, tail = path.rpartition(str(_ID_MARKER))
    if not found:
        raise ValueError(f"{endpoint}: the id is not part of the URL path {path!r}")
    return lambda i: f"{head}{i}{tail}{sep}{query}"


def _source_links(sources: Sequence[SourceRef]) -> Markup:
    """The sources of a call as links (only http(s) ones), separated by commas.

    Each is named short (the row has little room); the full label is its tooltip.
    """
    parts = []
    for source in sources:
        link = safe_url(source.url)
        short = source_short_title(source.name, source.label)
        full = source_title(source.name, source.label)
        title = f' title="{escape(full)}"' if full != short else ""
        name = escape(short)
        if link:
            parts.append(
                f'<a href="{escape(link)}"{title} rel="noopener noreferrer nofollow"'
                f' target="_blank">{name}</a>'
            )
        else:
            parts.append(f"<span{title}>{name}</span>" if title else str(name))
    return Markup(", ".join(parts))


def list_view(page: CallPage, *, inbox: bool, today: date, back: str) -> ListView:
    """The display values of `page`; `back` is the list's own URL (path and query)."""
    detail_url = _id_url("calls.detail", call_id=_ID_MARKER, zurueck=back)
    review_url = _id_url("calls.review", call_id=_ID_MARKER)
    project_url = _id_url("strategy.project", project_id=_ID_MARKER)
    projects: dict[int, ProjectLink] = {}
    rows = []
    for row in page.rows:
        matches = []
        for m in row.matches:
            project = projects.get(m.project_id)
            if project is None:
                project = projects[m.project_id] = ProjectLink(
                    project_url(m.project_id), m.key, m.title, m.theme
                )
            matches.append(
                MatchLine(
                    score_bar(m.score, page.score_scale, name=PROJECT_SCORE_NAME),
                    project,
                    decision_mark(m.moved),
                )
            )
        rows.append(_row_view(row, matches, inbox, today, detail_url, review_url))
    return ListView(
        rows=rows,
        quick_fields=Markup(
            '<input type="hidden" name="csrf_token" value="{}">\n'
            '            <input type="hidden" name="quick" value="1">\n'
            '            <input type="hidden" name="zurueck" value="{}">'
        ).format(generate_csrf(), back),
        reason_options=Markup("").join(
            Markup('<option value="{0}">{0}</option>').format(r) for r in DISMISS_REASONS
        ),
    )


def _row_view(
    row: CallRow,
    matches: list[MatchLine],
    inbox: bool,
    today: date,
    detail_url: Callable[[int], str],
    review_url: Callable[[int], str],
) -> RowView:
    changed = ""
    if row.is_changed:
        changed = "wieder da: geändert" if row.returned else "geändert"
    return RowView(
        id=row.id,
        title=row.title,
        detail_url=detail_url(row.id),
        review_url=review_url(row.id),
        found=found_mark(row.first_seen, NEW_DAYS) if row.is_new else Markup(""),
        changed=changed,
        status=row.status,
        # The inbox holds undecided calls: "neu" goes without saying there.
        pill=status_pill(row.status) if not inbox or row.status != "neu" else Markup(""),
        reason=row.review_reason,
        assignee=row.assignee,
        badge=eligibility_badge(row.eligibility, row.eligibility_reasons if row.scored else ()),
        meta=[v for v in (row.funder, row.region, row.funding_type) if v],
        source_label="Quellen" if len(row.sources) > 1 else "Quelle",
        sources=_source_links(row.sources),
        matches=matches,
        no_match=NO_SHARED_MATCH if row.scored else "noch nicht bewertet",
        deadline=deadline(row.deadline, today, row.deadline_time, row.source_status),
        rate=format_rate(row.funding_rate),
        amount=format_eur(row.amount_max_eur),
        score=format_number(row.inbox_score) if row.scored else "",
    )
