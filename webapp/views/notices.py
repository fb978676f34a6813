"""Messages shown where the user acted (inside a panel), not at the top of the page.

Flash messages are printed by base.html above the content: after a redirect to an anchor
such as /aufrufe/12#bewertung they are out of view. A notice belongs to one place of a page
("bewertung-12", "passwort"), survives the redirect in the session like a flash message,
and is printed by the panel of that place.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from flask import g, session

SESSION_KEY = "fm_notices"
CATEGORIES = ("success", "info", "warning", "error")


@dataclass(frozen=True, slots=True)
class Notice:
    """One message for one place; `data` carries what the panel needs besides the text."""

    text: str
    category: str = "success"
    data: dict[str, Any] = field(default_factory=dict)

    @property
    def role(self) -> str:
        """Screen readers announce errors and warnings at once, the rest politely."""
        return "alert" if self.category in ("error", "warning") else "status"


def notify(place: str, text: str, category: str = "success", **data: Any) -> None:
    """Keep `text` for the next page that shows `place` (after a redirect)."""
    if category not in CATEGORIES:
        raise ValueError(f"unknown notice category {category!r}")
    notices = dict(session.get(SESSION_KEY) or {})
    notices[place] = {"text": text, "category": category, "data": data}
    session[SESSION_KEY] = notices


def take_notice(place: str) -> Notice | None:
    """The notice kept for `place`, once; None when there is none.

    The first call in a request takes every kept notice out of the session, so that a
    notice whose page was never shown (a closed tab) does not turn up days later.
    """
    if "fm_notices" not in g:
        # Only touch the session when there is something in it: reading must not make
        # every page view send a new session cookie.
        g.fm_notices = (session.pop(SESSION_KEY, None) or {}) if SESSION_KEY in session else {}
    raw = g.fm_notices.pop(place, None)
    if not isinstance(raw, dict) or not raw.get("text"):
        return None
    category = raw.get("category") if raw.get("category") in CATEGORIES else "info"
    data = raw.get("data")
    return Notice(str(raw["text"]), str(category), dict(data) if isinstance(data, dict) else {})
