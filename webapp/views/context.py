"""Template context shared by every page: navigation, labels and the score bar."""

from __future__ import annotations

from typing import Any

from flask import Flask, request

from matcher.types import NOT_ABOUT_TOPIC_REASONS
from webapp.charts import score_bar
from webapp.models import DISMISS_REASONS, REVIEW_STATUSES
from webapp.views.components import (
    ELIGIBILITY_LABELS,
    STATUS_CLASSES,
    deadline,
    eligibility_badge,
    status_pill,
)

NAVIGATION = (
    ("calls.inbox", "Eingang"),
    ("calls.all_calls", "Alle Aufrufe"),
    ("deadlines.index", "Fristen"),
    ("strategy.index", "Strategie"),
    ("sources.index", "Quellen"),
)


def current_path() -> str:
    """This page's local path with its query, for a link that should lead back here."""
    return request.full_path.rstrip("?")


def register_context(app: Flask) -> None:
    """Make labels and helpers available to every template."""

    @app.context_processor
    def _labels() -> dict[str, Any]:
        return {
            "NAVIGATION": NAVIGATION,
            "REVIEW_STATUSES": REVIEW_STATUSES,
            "DISMISS_REASONS": DISMISS_REASONS,
            # the reasons that also lower similar calls (the others concern this call only)
            "TOPICAL_DISMISS_REASONS": [
                r for r in DISMISS_REASONS if r not in NOT_ABOUT_TOPIC_REASONS
            ],
            "ELIGIBILITY_LABELS": ELIGIBILITY_LABELS,
            "STATUS_CLASSES": STATUS_CLASSES,
            "score_bar": score_bar,
            # `zurueck` of links to a call page: its back link and "Speichern & zurück"
            "current_path": current_path,
            # the markup of the macros in _macros.html (also called directly, per row)
            "eligibility_badge_html": eligibility_badge,
            "status_pill_html": status_pill,
            "deadline_html": deadline,
        }
