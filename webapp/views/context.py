"""Template context shared by every page: navigation, labels and the score bar."""

from __future__ import annotations

from typing import Any

from flask import Flask

from webapp.charts import score_bar
from webapp.models import DISMISS_REASONS, REVIEW_STATUSES

ELIGIBILITY_LABELS = {
    "eligible": "antragsberechtigt",
    "ineligible": "nicht antragsberechtigt",
    "unknown": "Berechtigung unklar",
}
# CSS class per review status (colour of the status pill).
STATUS_CLASSES = {
    "neu": "st-new",
    "in Prüfung": "st-check",
    "relevant": "st-relevant",
    "Antrag in Vorbereitung": "st-prep",
    "beantragt": "st-applied",
    "bewilligt": "st-granted",
    "abgelehnt": "st-rejected",
    "nicht relevant": "st-dismissed",
}
NAVIGATION = (
    ("calls.inbox", "Eingang"),
    ("calls.all_calls", "Alle Aufrufe"),
    ("deadlines.index", "Fristen"),
    ("strategy.index", "Strategie"),
    ("sources.index", "Quellen"),
)


def register_context(app: Flask) -> None:
    """Make labels and helpers available to every template."""

    @app.context_processor
    def _labels() -> dict[str, Any]:
        return {
            "NAVIGATION": NAVIGATION,
            "REVIEW_STATUSES": REVIEW_STATUSES,
            "DISMISS_REASONS": DISMISS_REASONS,
            "ELIGIBILITY_LABELS": ELIGIBILITY_LABELS,
            "STATUS_CLASSES": STATUS_CLASSES,
            "score_bar": score_bar,
        }
