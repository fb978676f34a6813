"""The German federal states as calls and strategies write them.

Eligibility compares a call's region with the strategy's state through this table, so a
strategy's `region_profile.state` must be one of its names (checked when it is loaded).
"""

from __future__ import annotations

from matcher.analysis import fold, normalize

# Folded spelling (as `fold(normalize(...))` gives it) -> the state's name.
STATES: dict[str, str] = {
    "baden-wurttemberg": "Baden-Württemberg",
    "bayern": "Bayern",
    "berlin": "Berlin",
    "brandenburg": "Brandenburg",
    "bremen": "Bremen",
    "hamburg": "Hamburg",
    "hessen": "Hessen",
    "mecklenburg-vorpommern": "Mecklenburg-Vorpommern",
    "niedersachsen": "Niedersachsen",
    "nordrhein-westfalen": "Nordrhein-Westfalen",
    "nrw": "Nordrhein-Westfalen",
    "rheinland-pfalz": "Rheinland-Pfalz",
    "saarland": "Saarland",
    "sachsen": "Sachsen",
    "sachsen-anhalt": "Sachsen-Anhalt",
    "schleswig-holstein": "Schleswig-Holstein",
    "thuringen": "Thüringen",
}


def fold_place(text: str) -> str:
    """A place name folded for comparison ("Thüringen" → "thuringen")."""
    return fold(normalize(text))


def state_name(text: str) -> str | None:
    """The state `text` names exactly ("NRW" → "Nordrhein-Westfalen"), else None."""
    return STATES.get(fold_place(text).strip())
