"""German place names and enumerations in running text: "A, B und C", the article a place
name takes ("dem Kreis Coesfeld", "der Stadt Münster", "mit Ascheberg") and "von" with the
members of a county grouped by their kind.

Used by the Begründungstext (as template filters) and by the reasons of the eligibility
check, which name the strategy's applicants the same way.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable, Sequence

from matcher.applicant_types import MEMBER_TYPES


def join_de(items: Iterable[object], last: str = "und") -> str:
    """'a, b und c' – a German enumeration."""
    parts = [str(i) for i in items if str(i)]
    if len(parts) <= 1:
        return "".join(parts)
    return f"{', '.join(parts[:-1])} {last} {parts[-1]}"


# The gender (m, f, n, or pl for a plural) of the common noun a name starts with, which
# gives its article: "mit dem Kreis Coesfeld", "mit der Stadt Zittau", "mit den Stadtwerken
# Coesfeld", but "mit Ascheberg"; a county named by one compound ending in "kreis" is
# masculine too ("mit dem Vogelsbergkreis").
_GENDER = {
    **dict.fromkeys(
        ["Kreis", "Landkreis", "Markt", "Flecken", "Zweckverband", "Bezirk", "Verband", "Verein"],
        "m",
    ),
    **dict.fromkeys(["Amt", "Landratsamt", "Rechenzentrum", "Zentrum", "Institut"], "n"),
    **dict.fromkeys(
        [
            "Stadt",
            "Gemeinde",
            "Samtgemeinde",
            "Verbandsgemeinde",
            "Ortsgemeinde",
            "Kreisstadt",
            "Landeshauptstadt",
            "Universitätsstadt",
            "Marktgemeinde",
            "Hansestadt",
            "Städteregion",
            "Region",
            "Kommune",
            "Verwaltungsgemeinschaft",
        ],
        "f",
    ),
    "Stadtwerke": "pl",
}
# Institutions a project names as lead or partner, by how their (compound) noun ends:
# "Landwirtschaftskammer NRW", "Fachhochschule Münster", "Kommunales Rechenzentrum",
# "Heimatverein Billerbeck", "Stadtwerke Coesfeld". Only nouns no place name ends in.
_INSTITUTION_ENDINGS: tuple[tuple[str, str], ...] = (
    ("kammer", "f"),
    ("universität", "f"),
    ("hochschule", "f"),
    ("gesellschaft", "f"),
    ("stiftung", "f"),
    ("genossenschaft", "f"),
    ("agentur", "f"),
    ("sparkasse", "f"),
    ("regierung", "f"),
    ("akademie", "f"),
    ("verband", "m"),
    ("verein", "m"),
    ("rechenzentrum", "n"),
    ("zentrum", "n"),
    ("institut", "n"),
    ("ministerium", "n"),
    ("landesamt", "n"),
    ("werke", "pl"),
    ("betriebe", "pl"),
)
_ARTICLES = {
    "dative": {"m": "dem", "f": "der", "n": "dem", "pl": "den"},
    "nominative": {"m": "der", "f": "die", "n": "das", "pl": "die"},
}


def _gender(noun: str, several_words: bool) -> str | None:
    """The gender of a name's leading noun, None for a bare place name."""
    if several_words and noun in _GENDER:
        return _GENDER[noun]
    folded = noun.casefold()
    for ending, gender in _INSTITUTION_ENDINGS:
        if folded.endswith(ending):
            return gender
    if folded.endswith("kreis"):
        # a county named as one compound ("Vogelsbergkreis", "Rhein-Sieg-Kreis",
        # "Rhein-Kreis Neuss") takes its article like "Kreis Coesfeld"
        return "m"
    return None


def _with_article(name: str, case: str) -> str:
    """A name with the article of `case` (dative or nominative), or as it is."""
    name = name.strip()
    words = name.split(" ")
    head = words[0]
    gender = _gender(head, len(words) > 1)
    adjective = False
    if gender is None and len(words) > 1 and re.fullmatch(r"[A-ZÄÖÜ][a-zäöüß]+(?:e|es|er)", head):
        # a title led by an adjective ("Große Kreisstadt Erding", "Kommunales
        # Rechenzentrum") takes the noun's article, the adjective its weak ending
        gender = _gender(words[1], len(words) > 2) if len(words) > 2 else None
        gender = gender or _gender(words[1], False)
        adjective = gender is not None
    if gender is None:
        return name
    if adjective:
        stem = re.sub(r"(?:es|er|e)$", "", head)
        ending = "e" if case == "nominative" and gender != "pl" else "en"
        words[0] = stem + ending
    noun = 1 if adjective else 0
    if gender == "pl" and case == "dative" and not words[noun].endswith(("n", "s")):
        words[noun] += "n"  # den Stadtwerken
    return f"{_ARTICLES[case][gender]} {' '.join(words)}"


def dative_de(names: str | Iterable[object]) -> str:
    """Names (one or a list) as they follow "mit": 'dem Kreis Coesfeld, Ascheberg und Senden'."""
    items = [names] if isinstance(names, str) else list(names)
    return join_de(_with_article(str(n), "dative") for n in items)


def nominative_de(name: str) -> str:
    """A place name as a subject, with the article it takes: 'der Kreis Coesfeld', 'die Stadt
    Münster', 'der Vogelsbergkreis', 'die Stadtwerke Coesfeld', but 'Ascheberg'."""
    return _with_article(name, "nominative")


def nominatives_de(names: Iterable[object]) -> str:
    """Names as subjects, joined: 'der Kreis Coesfeld, die Universität Münster und die
    Stadtwerke Coesfeld'."""
    return join_de(_with_article(str(n), "nominative") for n in names)


def with_kind(name: str, kinds: dict[str, str]) -> str:
    """A bare place name with its kind from the strategy's applicants ("Senden" → "Gemeinde
    Senden"), so a reader tells the town from the county of the same name; a name that
    carries its kind or article already stays as it is."""
    name = name.strip()
    kind = kinds.get(name, "").strip()
    if not kind or _with_article(name, "dative") != name:
        return name
    if kind.casefold() in ("landkreis", "kreis") and name.casefold().endswith("kreis"):
        return name
    return f"{kind[:1].upper()}{kind[1:]} {name}"


# Heads of the names that are a municipality or a county (or a body of several): a project
# with two of them as lead and partners is one of interkommunale Zusammenarbeit. The kinds
# a strategy may give its applicants ("Große Kreisstadt": Kreisstadt), and the titles a
# town or the county's office is named by.
_MUNICIPAL = frozenset(
    {kind.split(" ")[-1] for kind in MEMBER_TYPES}
    | {"Landeshauptstadt", "Universitätsstadt", "Hansestadt", "Landratsamt"}
)


def is_municipal(name: str, municipalities: Collection[str] = ()) -> bool:
    """Whether a lead or partner is a municipality or county: named with its kind ("Stadt
    Dülmen", "Große Kreisstadt Erding", "Hochsauerlandkreis") or one of `municipalities`
    (the strategy's members and applicants, "Nottuln")."""
    name = name.strip()
    if name in municipalities or name.split(" (")[0] in municipalities:
        return True
    words = name.split(" ")
    if any(w in _MUNICIPAL for w in words[:2]) and len(words) > 1:
        return True
    return words[0].casefold().endswith("kreis")


# Members of one kind named together: "den Städten Billerbeck und Coesfeld" says which
# Coesfeld is meant after "dem Kreis Coesfeld", and names the kind once, not per town.
# Each member type of the strategy's applicants below the county (matcher.applicant_types
# .MEMBER_TYPES): its word, the dative of one member and of several; the larger towns first.
_MEMBER_KINDS: dict[str, tuple[str, str, str]] = {
    kind.casefold(): (kind, one, several)
    for kind, one, several in [
        ("Große Kreisstadt", "der Großen Kreisstadt", "den Großen Kreisstädten"),
        (
            "Große kreisangehörige Stadt",
            "der Großen kreisangehörigen Stadt",
            "den Großen kreisangehörigen Städten",
        ),
        (
            "Mittlere kreisangehörige Stadt",
            "der Mittleren kreisangehörigen Stadt",
            "den Mittleren kreisangehörigen Städten",
        ),
        ("Kreisstadt", "der Kreisstadt", "den Kreisstädten"),
        ("kreisangehörige Stadt", "der kreisangehörigen Stadt", "den kreisangehörigen Städten"),
        ("Stadt", "der Stadt", "den Städten"),
        ("Markt", "dem Markt", "den Märkten"),
        ("Marktgemeinde", "der Marktgemeinde", "den Marktgemeinden"),
        ("Flecken", "dem Flecken", "den Flecken"),
        ("Gemeinde", "der Gemeinde", "den Gemeinden"),
        (
            "kreisangehörige Gemeinde",
            "der kreisangehörigen Gemeinde",
            "den kreisangehörigen Gemeinden",
        ),
        ("Einheitsgemeinde", "der Einheitsgemeinde", "den Einheitsgemeinden"),
        ("amtsfreie Gemeinde", "der amtsfreien Gemeinde", "den amtsfreien Gemeinden"),
        ("Kommune", "der Kommune", "den Kommunen"),
        ("Samtgemeinde", "der Samtgemeinde", "den Samtgemeinden"),
        ("Verbandsgemeinde", "der Verbandsgemeinde", "den Verbandsgemeinden"),
        ("Ortsgemeinde", "der Ortsgemeinde", "den Ortsgemeinden"),  # of a Verbandsgemeinde
        ("Amt", "dem Amt", "den Ämtern"),
        ("Verwaltungsgemeinschaft", "der Verwaltungsgemeinschaft", "den Verwaltungsgemeinschaften"),
        ("Verwaltungsverband", "dem Verwaltungsverband", "den Verwaltungsverbänden"),
        ("Zweckverband", "dem Zweckverband", "den Zweckverbänden"),
    ]
}


def _members_dative(names: Sequence[str], kinds: dict[str, str]) -> str:
    """The members in the dative, the towns and municipalities grouped by their kind."""
    groups: dict[str, list[str]] = {kind: [] for kind in ("", *_MEMBER_KINDS)}
    for name in names:
        kind = kinds.get(name, "").strip().casefold()
        groups[kind if kind in _MEMBER_KINDS else ""].append(name)
    parts = [dative_de([n]) for n in groups.pop("")]
    grouped = []
    for kind, members in groups.items():
        if not members:
            continue
        word, one, several = _MEMBER_KINDS[kind]
        if len(members) > 1:
            grouped.append(f"{several} {join_de(members)}")
        elif members[0].casefold().startswith(word.casefold() + " "):
            grouped.append(dative_de(members[0]))  # "Markt Schwaben": dem Markt Schwaben
        else:
            grouped.append(f"{one} {members[0]}")  # der Stadt Olfen
    if not grouped:
        return join_de(parts)
    # "und" joins the names inside a group; "sowie" the groups when a group has an "und",
    # so neither reads as the other
    last = "sowie" if any(" und " in g for g in grouped) else "und"
    return join_de([*parts, *grouped], last=last)


def von_de(names: str | Iterable[object], kinds: dict[str, str] | None = None) -> str:
    """'von' and the names in the dative: 'vom Kreis Coesfeld, Ascheberg und Senden'; with
    `kinds` (name → Stadt, Gemeinde …), towns and municipalities are grouped: 'vom Kreis
    Coesfeld, den Städten Billerbeck und Coesfeld sowie den Gemeinden Ascheberg und Senden'."""
    if kinds and not isinstance(names, str):
        text = f"von {_members_dative([str(n) for n in names], kinds)}"
    else:
        text = f"von {dative_de(names)}"
    return "vom " + text[len("von dem ") :] if text.startswith("von dem ") else text
