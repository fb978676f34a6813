"""Strategie: themes by priority, goals, projects with their open matching calls."""

from __future__ import annotations

from flask import Blueprint, abort, render_template, request
from flask_login import current_user

from webapp.app import db_session
from webapp.charts import DEFAULT_COLOUR, PRIORITY_COLOURS, Bar, horizontal_bars
from webapp.formatting import local_today
from webapp.queries import (
    CallFilters,
    active_strategy,
    home_applicant,
    project_page,
    score_scale,
    strategy_applicants,
    strategy_overview,
)

bp = Blueprint("strategy", __name__, url_prefix="/strategie")


@bp.get("/")
def index() -> str:
    """The strategy with a chart of open matching calls per theme and priority.

    Counted for the applicant the Eingang behind each number shows: the login's "Meine
    Kommune" unless the URL says `antragsteller=alle` or names another, as the lists read
    it; the links name it, so number and list agree for whoever follows them.
    """
    session = db_session()
    home = home_applicant(current_user.home_applicant, strategy_applicants(session))
    # only the applicant: the page has no other filter
    parsed = CallFilters.from_args(request.args, home=home)
    applicant = CallFilters(antragsteller=parsed.antragsteller, home=home)
    themes = strategy_overview(session, applicant=applicant.antragsteller)
    chart = horizontal_bars(
        [
            Bar(
                label=t.theme.name,
                value=t.open_calls,
                colour=PRIORITY_COLOURS.get(t.theme.priority, DEFAULT_COLOUR),
                note=f" (Priorität {t.theme.priority})",
            )
            for t in themes
        ],
        "Offene passende Aufrufe je Themenfeld, gefärbt nach Priorität",
        # only the priorities of the strategy's themes: a legend entry no bar has misleads
        legend=[
            (f"Priorität {p}", PRIORITY_COLOURS.get(p, DEFAULT_COLOUR))
            for p in sorted({t.theme.priority for t in themes})
        ],
    )
    return render_template(
        "strategy/index.html",
        strategy=active_strategy(session),
        themes=themes,
        chart=chart,
        today=local_today(),
        applicant=applicant,
        # what every link to the Eingang adds: the applicant, or "alle" for a login with one
        list_args=applicant.to_args(),
    )


@bp.get("/projekte/<int:project_id>")
def project(project_id: int) -> str:
    """A project of the strategy and every call that matches it."""
    session = db_session()
    data = project_page(session, project_id)
    if data is None:
        abort(404)
    active = active_strategy(session)
    # A project of a strategy that another one replaced (old bookmark, a review's project)
    # still opens, but must not pass for part of the strategy in use.
    retired = (
        data.project.strategy if active is None or data.project.strategy_id != active.id else None
    )
    return render_template(
        "strategy/project.html",
        p=data,
        scale=score_scale(session),
        today=local_today(),
        retired=retired,
        active=active,
    )
