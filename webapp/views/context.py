"""Template context shared by every page: navigation, labels and the score bar."""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qsl, quote, urlencode, urlsplit

from flask import Flask, g, request

from matcher.types import NOT_ABOUT_TOPIC_REASONS
from webapp.app import db_session
from webapp.auth import request_path, safe_next
from webapp.charts import PROJECT_SCORE_NAME, score_bar
from webapp.models import DISMISS_REASONS, REVIEW_STATUSES
from webapp.queries import own_applicants_label
from webapp.views.components import (
    ELIGIBILITY_LABELS,
    STATUS_CLASSES,
    deadline,
    eligibility_badge,
    status_pill,
)
from webapp.views.help_page import help_link

NAVIGATION = (
    ("calls.inbox", "Eingang"),
    ("calls.all_calls", "Alle Aufrufe"),
    ("deadlines.index", "Fristen"),
    ("strategy.index", "Strategie"),
    ("sources.index", "Quellen"),
)


# The query argument of a link to a call page that names the page to return to.
BACK_ARG = "zurueck"
# A way back holds ways back of its own at most this deep; anything deeper is cut to its
# origin. Bounds the work on a hand-made URL; the app's own links are never deeper than 2.
_MAX_UNWRAP = 20
# Where `current_path` keeps its answer for the rest of the request (flask.g).
_CURRENT_PATH = "fm_current_path"


def _inner_back(path: str) -> str | None:
    """The safe `zurueck` of `path`, if it has one."""
    for key, value in parse_qsl(urlsplit(path).query, keep_blank_values=True):
        if key == BACK_ARG:
            return safe_next(value)
    return None


def first_origin(back: str) -> str:
    """Where a chain of ways back began: the innermost `zurueck` inside `back`.

    Call A opened from a list links the calls that moved its score with `zurueck` = A's page,
    which carries the list; hop on from there and every hop would wrap the previous URL once
    more. Each hop instead names the page it comes from with only this first origin (the
    list) as that page's own way back: two levels at most, however long the walk.
    """
    for _ in range(_MAX_UNWRAP):
        inner = _inner_back(back)
        if inner is None:
            return back
        back = inner
    return back


def way_back(path: str | None) -> str | None:
    """`path` as a way back: a safe local path whose own `zurueck` is cut to its origin.

    None for nothing or an unsafe target. A path without a nested way back comes back as it
    is, so the links the app builds stay as they were.
    """
    path = safe_next(path)
    if path is None:
        return None
    inner = _inner_back(path)
    if inner is None or _inner_back(inner) is None:
        return path
    parts = urlsplit(path)
    query = [
        (key, first_origin(inner) if key == BACK_ARG else value)
        for key, value in parse_qsl(parts.query, keep_blank_values=True)
        if key != BACK_ARG or value == inner
    ]
    encoded = urlencode(query, quote_via=quote, safe="/:")
    return parts._replace(query=encoded).geturl()


def current_path() -> str:
    """This page's local path with its query, for a link that should lead back here.

    A `zurueck` of this page's own is kept only as its first origin (see `first_origin`).
    Worked out once per request: every row of the Fristen or a project links back here, and
    a hand-made, deeply nested `zurueck` of some 100 KB costs a tenth of a second to unwrap.
    """
    path: str | None = g.get(_CURRENT_PATH)
    if path is None:
        path = way_back(request_path()) or request.script_root + "/"
        setattr(g, _CURRENT_PATH, path)
    return path


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
            "PROJECT_SCORE_NAME": PROJECT_SCORE_NAME,
            # a "?" beside a heading or field, to its section of the Hilfe page
            "help_link": help_link,
            # `zurueck` of links to a call page: its back link and "Speichern & zurück"
            "current_path": current_path,
            "first_origin": first_origin,
            # the markup of the macros in _macros.html (also called directly, per row)
            "eligibility_badge_html": eligibility_badge,
            "status_pill_html": status_pill,
            "deadline_html": deadline,
            # who "selbst" means in the partner notes: the county and its towns, or the city
            "own_applicants": lambda start=False: own_applicants_label(db_session(), start=start),
        }
