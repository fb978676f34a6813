"""Hilfe: what the Eingang, the score, eligibility, decisions and mail mean, for officers.

Every list on the page (review statuses, dismiss reasons, eligibility labels, reminder
days, thresholds) comes from the constants and settings the app itself uses, so the help
cannot drift from the behaviour it explains. Only the sentences around them are written here.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import Blueprint, render_template, url_for
from markupsafe import Markup

from matcher.german import join_de
from matcher.justification import LONG_WORD_LIMIT, SHORT_LIMIT
from matcher.model import MatchParams, priority_weighted
from matcher.types import NOT_ABOUT_TOPIC_REASONS
from webapp.digest import WATCHED_STATUSES
from webapp.exports import CALENDAR_ALARM_DAYS
from webapp.formatting import DECISION_EFFECT_MIN, format_number
from webapp.justifications import FIT_RATIO, MAX_PROJECTS
from webapp.mail.settings import MailSettings
from webapp.matching import DISMISSED_STATUS, RELEVANT_STATUSES
from webapp.models import DISMISS_REASONS, REVIEW_STATUSES
from webapp.queries import MATCH_TOP_RANK, NEW_DAYS, PENDING_STATUSES
from webapp.reviews import ACTIVE_STATUSES
from webapp.views.components import ELIGIBILITY_LABELS, NOT_MATCHED_REASON, eligibility_badge
from webapp.views.deadlines import TIMELINE_WEEKS
from webapp.views.justification import FORMATS

bp = Blueprint("help", __name__, url_prefix="/hilfe")

# The sections of the help page: anchor -> what a "?" link to it is about. `help_link`
# refuses any other anchor, and a test checks that the page has every one.
TOPICS = {
    "eingang": "Eingang",
    "passung": "Passung",
    "warum": "Warum und Ziele",
    "antragsberechtigung": "Antragsberechtigung",
    "bewertung": "Bewertung und Status",
    "gruende": "Gründe für „nicht relevant“",
    "kommune": "Meine Kommune",
    "zustaendig": "Zuständig",
    "fristen": "Fristen und Kalender",
    "mail": "Wochenübersicht und Erinnerungen",
    "begruendungstext": "Begründungstext",
    "fragen": "Fragen",
}

# What each review status means; its effects are derived from the app's constants below.
STATUS_MEANINGS = {
    "neu": "Noch nicht angesehen – so steht jeder Aufruf ohne Bewertung im Eingang.",
    "in Prüfung": "Jemand sieht sich den Aufruf an; eine Entscheidung steht noch aus.",
    "relevant": "Passt: der Aufruf soll weiterverfolgt werden.",
    "Antrag in Vorbereitung": "Der Antrag wird geschrieben.",
    "beantragt": "Der Antrag ist eingereicht.",
    "bewilligt": "Der Fördergeber hat bewilligt.",
    "abgelehnt": "Der Fördergeber hat den Antrag abgelehnt – das Thema passte trotzdem.",
    "nicht relevant": "Passt nicht; ein Grund ist Pflicht (siehe unten).",
}

# What each eligibility verdict means and what to do about it (keys of ELIGIBILITY_LABELS).
ELIGIBILITY_MEANINGS = {
    "eligible": "Laut Abgleich darf der Kreis oder eine seiner Kommunen selbst beantragen.",
    "partner": (
        "Kreis und Kommunen selbst nicht, aber die Projektpartner eines Projekts (etwa "
        "Unternehmen oder Vereine), die die Strategie nennt. Den Antrag mit ihnen abstimmen."
    ),
    "unknown": (
        "Der Abgleich hat im Aufruf keine Antragsberechtigten erkannt oder die Region ist "
        "unsicher. Der Aufruf bleibt im Eingang, steht aber weiter hinten."
    ),
    "ineligible": (
        "Laut Aufruf darf weder der Kreis noch eine Kommune beantragen (oder die Region passt "
        "nicht). Solche Aufrufe zeigt der Eingang nur mit „auch nicht antragsberechtigt“."
    ),
}


@dataclass(frozen=True, slots=True)
class StatusHelp:
    """One review status with its meaning and what it does elsewhere in the app."""

    status: str
    meaning: str
    in_inbox: bool  # the call stays in the Eingang
    feedback: str  # "hoch", "runter" or "" (no effect on similar calls)
    deadlines: bool  # Fristen page, calendar feed and reminders


def status_help() -> list[StatusHelp]:
    """Every review status, in the order of the Bewertung panel."""
    return [
        StatusHelp(
            status=status,
            meaning=STATUS_MEANINGS.get(status, ""),
            in_inbox=status in PENDING_STATUSES,
            feedback=(
                "hoch"
                if status in RELEVANT_STATUSES
                else "runter"
                if status == DISMISSED_STATUS
                else ""
            ),
            deadlines=status in ACTIVE_STATUSES,
        )
        for status in REVIEW_STATUSES
    ]


def help_link(anchor: str) -> Markup:
    """A small "?" link to a section of the help page, named for screen readers.

    The name is visually hidden text, not `aria-label`: a field's label stays the only
    label of its field (Playwright's and a screen reader's `get_by_label` alike).
    """
    topic = TOPICS[anchor]
    return Markup(
        '<a class="help-link" href="{}" title="Hilfe: {}"><span aria-hidden="true">?</span>'
        '<span class="visually-hidden">Hilfe: {}</span></a>'
    ).format(url_for("help.index", _anchor=anchor), topic, topic)


def _days(days: tuple[int, ...] | list[int]) -> str:
    """ "14, 7 und 2 Tage" (one day: "1 Tag")."""
    return join_de(str(d) for d in days) + (" Tag" if list(days) == [1] else " Tage")


@bp.get("/")
def index() -> str:
    """The help page for the funding officers."""
    # The settings of this server, as `digest` and `remind` read them. One that cannot be
    # used stops those commands until the administration fixes it (`check` names it); the
    # page then tells the defaults rather than a half-read value.
    problems: list[str] = []
    mail = MailSettings.from_env(problems=problems)
    if problems:
        mail = MailSettings()
    params = MatchParams()
    topical = [r for r in DISMISS_REASONS if r not in NOT_ABOUT_TOPIC_REASONS]
    return render_template(
        "help/index.html",
        topics=TOPICS,
        statuses=status_help(),
        relevant_statuses=[s for s in REVIEW_STATUSES if s in RELEVANT_STATUSES],
        active_statuses=ACTIVE_STATUSES,
        watched_statuses=WATCHED_STATUSES,
        pending_statuses=PENDING_STATUSES,
        dismissed_status=DISMISSED_STATUS,
        reasons=[(r, r in topical) for r in DISMISS_REASONS],
        topical_reasons=topical,
        eligibility=[
            (eligibility_badge(key), ELIGIBILITY_MEANINGS.get(key, ""))
            for key in ELIGIBILITY_LABELS
        ],
        unknown_label=ELIGIBILITY_LABELS["unknown"],
        not_matched_reason=NOT_MATCHED_REASON,
        ineligible_label=ELIGIBILITY_LABELS["ineligible"],
        reminder_days=_days(mail.reminder_days) if mail.reminder_days else "",
        soon_days=_days([mail.soon_days]),
        digest_min_score=format_number(mail.min_score),
        digest_per_theme=mail.per_theme,
        digest_send_empty=mail.send_empty_digest,
        new_days=NEW_DAYS,
        match_top_rank=MATCH_TOP_RANK,
        decision_min=format_number(DECISION_EFFECT_MIN, 3),
        priority_weights=[
            (rank, format_number(weight, 1))
            for rank, weight in enumerate(params.priority_weights, start=1)
        ],
        priority_example=_priority_example(params.priority_weights),
        fit_percent=f"{FIT_RATIO:.0%}".replace("%", " %"),
        max_projects=MAX_PROJECTS,
        knn_pos=format_number(params.knn_pos),
        knn_neg=format_number(params.knn_neg),
        timeline_weeks=TIMELINE_WEEKS,
        alarm_days=CALENDAR_ALARM_DAYS,
        short_limit=f"{SHORT_LIMIT:,}".replace(",", "."),
        long_words=LONG_WORD_LIMIT,
        formats=join_de(FORMAT_NAMES.get(f, f) for f in FORMATS),
    )


# How the download formats of the Begründungstext are called in the panel.
FORMAT_NAMES = {"txt": "Text (.txt)", "md": "Markdown (.md)", "docx": "Word (.docx)"}


def _priority_example(weights: tuple[float, ...], project: float = 0.74) -> dict[str, str]:
    """The Passung nach Priorität of a project in a theme of the lowest priority, worked out
    by the matcher's own rule, so the Hilfe's example stays true."""
    weight = weights[-1]
    return {
        "project": format_number(project),
        "weight": format_number(weight, 1),
        "priority": str(len(weights)),
        "result": format_number(priority_weighted(project, weight)),
    }
