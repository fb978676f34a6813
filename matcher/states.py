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


# The 19 Regierungsbezirke (Baden-Württemberg 4, Bayern 7, Hessen 3, Nordrhein-Westfalen 5):
# folded name -> (name, folded state, alone). `alone` says the name by itself ("Gemeinden in
# Unterfranken") is the district; the others are read only after "Regierungsbezirk", since
# "in Münster" is the city and "in Schwaben" also Württemberg.
ADMIN_DISTRICTS: dict[str, tuple[str, str, bool]] = {
    "stuttgart": ("Stuttgart", "baden-wurttemberg", False),
    "karlsruhe": ("Karlsruhe", "baden-wurttemberg", False),
    "freiburg": ("Freiburg", "baden-wurttemberg", False),
    "tubingen": ("Tübingen", "baden-wurttemberg", False),
    "oberbayern": ("Oberbayern", "bayern", True),
    "niederbayern": ("Niederbayern", "bayern", True),
    "oberpfalz": ("Oberpfalz", "bayern", True),
    "oberfranken": ("Oberfranken", "bayern", True),
    "mittelfranken": ("Mittelfranken", "bayern", True),
    "unterfranken": ("Unterfranken", "bayern", True),
    "schwaben": ("Schwaben", "bayern", False),
    "darmstadt": ("Darmstadt", "hessen", False),
    "giessen": ("Gießen", "hessen", False),
    "kassel": ("Kassel", "hessen", False),
    "arnsberg": ("Arnsberg", "nordrhein-westfalen", False),
    "detmold": ("Detmold", "nordrhein-westfalen", False),
    "dusseldorf": ("Düsseldorf", "nordrhein-westfalen", False),
    "koln": ("Köln", "nordrhein-westfalen", False),
    "munster": ("Münster", "nordrhein-westfalen", False),
}


def fold_place(text: str) -> str:
    """A place name folded for comparison ("Thüringen" → "thuringen")."""
    return fold(normalize(text))


def state_name(text: str) -> str | None:
    """The state `text` names exactly ("NRW" → "Nordrhein-Westfalen"), else None."""
    return STATES.get(fold_place(text).strip())
