"""What the source says against a call's deadline: closed by it, or no longer listed.

Such a call keeps its reminders and its place on *Fristen* and in the digest's "Fristen in
Kürze" (the officers may already be writing the application); these say why the deadline
needs checking, the same words everywhere.
"""

from __future__ import annotations

from datetime import datetime

from webapp.formatting import format_date
from webapp.queries import closed_by_source


def source_warning(status: str, missing_since: datetime | None) -> str:
    """A hint that the source closed the call or no longer lists it, or "".

    Such a call keeps its reminders (the officers may already be writing the application),
    but the reminder says why the deadline needs checking.
    """
    if closed_by_source(status):
        return f"Laut Quelle ist der Aufruf „{status}“ – bitte prüfen, ob die Frist noch gilt."
    if missing_since is not None:
        return (
            f"Die Quelle listet den Aufruf seit {format_date(missing_since)} nicht mehr "
            "– bitte prüfen, ob die Frist noch gilt."
        )
    return ""


def source_mark(status: str, missing_since: datetime | None) -> str:
    """The short form of `source_warning` for a calendar entry, or ""."""
    if closed_by_source(status):
        # "laut Quelle geschlossen", "laut Quelle Mittel ausgeschöpft" (a noun keeps its case)
        word = status if status.casefold().startswith("mittel ") else status.casefold()
        return f"laut Quelle {word}"
    if missing_since is not None:
        return "nicht mehr gelistet"
    return ""
