"""Jinja filters: the German formatters and safe highlighting of shared terms."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any, NamedTuple

from flask import Flask
from markupsafe import Markup, escape

from matcher.types import ELIGIBILITY_FLOOR
from scrapers.foerderdatenbank import split_tabs
from webapp.formatting import (
    SOURCE_ERROR_LIMIT,
    SOURCE_TEXT_LIMIT,
    WEEKDAYS_DE,
    days_label,
    days_left,
    format_change,
    format_count,
    format_counted,
    format_date,
    format_datetime,
    format_deadline,
    format_eur,
    format_number,
    format_rate,
    format_time,
    minutes_left,
    month_name,
    shorten,
)

# The tooltip of "keine gemeinsamen Begriffe": which shared words the matcher does not show
# as reasons (matcher/reasons.py), so an officer does not look for them in vain.
NO_REASON_HINT = (
    "Wörter für Antragsteller (Gemeinden, Kreise, Unternehmen, Vereine …), Orte (NRW, Bund,"
    " Land) und Verfahren (stellen, nutzen, ausstatten …) gelten nicht als Grund; ob"
    " beantragt werden darf, zeigt die Antragsberechtigung."
)


def highlight(text: str | None, words: Iterable[str]) -> Markup:
    """The text escaped, then each of `words` wrapped in <mark>.

    Escaping comes first so that scraped text can never inject markup; the words are
    escaped the same way before they are searched in the escaped text.
    """
    escaped = str(escape(text or ""))
    terms = sorted({str(escape(w)) for w in words if w and len(w.strip()) >= 3}, key=len)
    if not terms:
        return Markup(escaped)
    pattern = re.compile(
        r"(?<![\w&])(" + "|".join(re.escape(t) for t in reversed(terms)) + r")",
        re.IGNORECASE,
    )
    return Markup(pattern.sub(r"<mark>\1</mark>", escaped))


class TermPair(NamedTuple):
    """A shared term as shown: the call's word, the project's words, and those of them that
    are other words rather than another form of the same one."""

    word: str
    partners: list[str]
    different: list[str]


def _inflection_key(word: str) -> str:
    return re.sub(r"(en|er|es|e|s|n)$", "", word.lower())  # Workflow = Workflows


def term_pairs(terms: Iterable[Any], limit: int = 8) -> list[TermPair]:
    """Shared terms, one entry per call word, with the project's wording.

    The matcher reports pairs such as Workflow↔Workflows and Workflows↔Workflow; an
    officer wants each word once. Where the project says it differently
    ("Breitbandausbau" ~ "Breitband", "cybersecurity" ~ "Informationssicherheit"), both
    words are shown, so the link between the texts can be read without hovering.
    """
    pairs = [
        (str(t.get("call_word") or "").strip(), str(t.get("project_word") or "").strip())
        for t in terms or []
        if isinstance(t, dict)
    ]
    # a word the project itself uses needs no "≈": its other partners only share n-grams
    in_project = {_inflection_key(partner) for _word, partner in pairs if partner}
    merged: dict[str, TermPair] = {}
    for word, partner in pairs:
        if not word:
            continue
        key = _inflection_key(word)
        pair = merged.setdefault(key, TermPair(word, [], []))
        if partner and partner not in pair.partners:
            pair.partners.append(partner)
            if key not in in_project:
                pair.different.append(partner)
    return list(merged.values())[:limit]


def safe_url(url: str | None) -> str:
    """`url` if it is an http(s) link, else "" (scraped `javascript:` links stay inert)."""
    value = (url or "").strip()
    scheme = value.split(":", 1)[0].lower() if ":" in value else ""
    if scheme in ("http", "https") and not any(ord(c) < 32 for c in value):
        return value
    return ""


def paragraphs(text: str | None) -> Markup:
    """Plain text with blank lines as paragraphs (escaped)."""
    blocks = [b.strip() for b in re.split(r"\n\s*\n", text or "") if b.strip()]
    return Markup("".join(f"<p>{escape(b)}</p>" for b in blocks))


def register_filters(app: Flask) -> None:
    """Make the formatting helpers available in every template."""
    app.jinja_env.filters.update(
        date_de=format_date,
        datetime_de=format_datetime,
        deadline_de=format_deadline,
        time_de=format_time,
        eur=format_eur,
        rate=format_rate,
        num=format_number,
        signed=format_change,
        count_de=format_count,
        counted=format_counted,
        days_left=days_left,
        days_label=days_label,
        minutes_left=minutes_left,
        month_name=month_name,
        highlight=highlight,
        safe_url=safe_url,
        term_pairs=term_pairs,
        text_sections=split_tabs,
        shorten=shorten,
    )
    app.jinja_env.globals.update(
        WEEKDAYS_DE=WEEKDAYS_DE,
        SOURCE_ERROR_LIMIT=SOURCE_ERROR_LIMIT,
        SOURCE_TEXT_LIMIT=SOURCE_TEXT_LIMIT,
        ELIGIBILITY_FLOOR=ELIGIBILITY_FLOOR,
        NO_REASON_HINT=NO_REASON_HINT,
    )
