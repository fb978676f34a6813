"""Quellen: per source the last run, its outcome, counts, hints, last error, a run chart and
the recent runs with their errors and hints."""

from __future__ import annotations

from flask import Blueprint, render_template

from webapp.app import db_session
from webapp.charts import Column, columns
from webapp.queries import source_overview

bp = Blueprint("sources", __name__, url_prefix="/quellen")


@bp.get("/")
def index() -> str:
    """Every source with the health of its recent runs."""
    sources = source_overview(db_session())
    charts = {
        s.name: columns(
            [
                Column(
                    label=run.started_at.strftime("%d.%m.%Y"),
                    value=run.parsed,
                    failed=run.status == "failed",
                )
                for run in s.runs
            ],
            f"Gefundene Aufrufe je Lauf: {s.label}",
        )
        for s in sources
    }
    return render_template("sources/index.html", sources=sources, charts=charts)
