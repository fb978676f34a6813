"""Forms that save over what a colleague may have changed since the page was opened.

One mechanism for the call edit form, the Bewertung form, the "Rückgängig" of a quick
decision and the Begründungstext: the form carries the version it was opened at in a
hidden field (`STALE_FIELD`); a save from an older version is refused, nothing is written,
the input is kept and `stale_message` says who changed what when. A form without the field
(a script, a page from before the field existed) is not checked.
"""

from __future__ import annotations

from datetime import datetime

from webapp.formatting import format_datetime

STALE_FIELD = "version"
OPENED = "seit dieses Formular geöffnet wurde"
KEPT = (
    "Es wurde nichts gespeichert; Ihre Eingaben stehen unten. Bitte mit der aktuellen Fassung "
    "vergleichen und erneut speichern, wenn Ihre Eingaben gelten sollen."
)


def stale_message(
    subject: str = "Der Aufruf",
    by: str = "",
    at: datetime | None = None,
    *,
    since: str = OPENED,
    rest: str = KEPT,
) -> str:
    """ "{subject} wurde inzwischen von {by} geändert (am {at} Uhr), {since}. {rest}"."""
    who = f" von {by}" if by else ""
    when = f" (am {format_datetime(at)} Uhr)" if at is not None else ""
    opened = f", {since}" if since else ""
    return f"{subject} wurde inzwischen{who} geändert{when}{opened}. {rest}"


def version_of(stamp: datetime | None) -> str:
    """The version a form carries: the time of the last change ("" for none yet)."""
    return stamp.isoformat() if stamp is not None else ""


def parse_version(value: str) -> datetime | None:
    """The time a form's version names; None for "" (nothing changed yet) or garbage."""
    try:
        return datetime.fromisoformat(value) if value else None
    except ValueError:
        return None
