"""Quellen: per source the last run, its outcome, counts, hints, last error, a run chart and
the recent runs with their errors and hints."""

from __future__ import annotations

from collections.abc import Sequence

from flask import Blueprint, render_template

from webapp.app import db_session
from webapp.charts import Column, columns
from webapp.formatting import format_counted, format_date
from webapp.models import ScrapeRun
from webapp.queries import source_open_filters, source_overview

bp = Blueprint("sources", __name__, url_prefix="/quellen")

# What a source's URL opens: a feed or an API answers with XML or JSON, not a web page.
LINK_LABELS = {"feed": "Feed", "eu-ft": "Such-API"}
# How a source is read, in the officers' words (sources.yaml's `kind` stays the tooltip).
KIND_LABELS = {
    "foerderdatenbank": "Förderdatenbank: Trefferliste und Programmseiten",
    "foerderinfo": "Liste von Förderaufrufen",
    "eu-ft": "Suchschnittstelle des EU-Portals",
    "feed": "Nachrichten-Feed (RSS/Atom)",
    "html-list": "Liste auf einer Webseite",
}


def runs_summary(runs: Sequence[ScrapeRun]) -> str:
    """The title of a source's run history: how many runs, and errors and hints only if any."""
    failed = sum(1 for r in runs if r.status == "failed" or r.errors or r.error_message)
    hints = sum(r.warning_count for r in runs)
    notes = []
    if failed:
        notes.append(f"{failed} mit Fehlern")
    if hints:
        notes.append(format_counted(hints, "Hinweis", "Hinweise"))
    return f"Letzte Läufe ({len(runs)})" + (f": {', '.join(notes)}" if notes else "")


@bp.get("/")
def index() -> str:
    """Every source with the health of its recent runs."""
    sources = source_overview(db_session())
    charts = {
        s.name: columns(
            [
                Column(
                    label=format_date(run.started_at),
                    # not `parsed`: 0 whenever the pages answered 304
                    value=run.found,
                    failed=run.status == "failed",
                )
                for run in s.runs
            ],
            f"Gefundene Aufrufe je Lauf: {s.label}",
        )
        for s in sources
    }
    return render_template(
        "sources/index.html",
        sources=sources,
        charts=charts,
        summaries={s.name: runs_summary(s.runs) for s in sources},
        # every applicant's, as counted, also for a login with Meine Kommune
        open_args={
            s.name: {**source_open_filters(s.name).to_args(), "antragsteller": "alle"}
            for s in sources
        },
        link_labels=LINK_LABELS,
        kind_labels=KIND_LABELS,
    )
