"""German place names and enumerations in running text: "A, B und C", the article a place
name takes ("dem Kreis Coesfeld", "der Stadt Münster", "mit Ascheberg") and "von" with the
members of a county grouped by their kind.

Used by the Begründungstext (as template filters) and by the reasons of the eligibility
check, which name the strategy's applicants the same way.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence


def join_de(items: Iterable[object], last: str = "und") -> str:
    """'a, b und c' – a German enumeration."""
    parts = [str(i) for i in items if str(i)]
    if len(parts) <= 1:
        return "".join(parts)
    return f"{', '.join(parts[:-1])} {last} {parts[-1]}"


# The article a place name takes in the dative when it starts with a common noun: "mit dem
# Kreis Coesfeld", "mit der Stadt Zittau", but "mit Ascheberg"; a county named by one
# compound ending in "kreis" takes "dem" too ("mit dem Vogelsbergkreis").
_DATIVE_ARTICLE = {
    **dict.fromkeys(
        ["Kreis", "Landkreis", "Markt", "Flecken", "Amt", "Landratsamt", "Zweckverband", "Bezirk"],
        "dem",
    ),
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
        "der",
    ),
}


def dative_de(names: str | Iterable[object]) -> str:
    """Names (one or a list) as they follow "mit": 'dem Kreis Coesfeld, Ascheberg und Senden'."""
    items = [names] if isinstance(names, str) else list(names)
    out = []
    for name in (str(n).strip() for n in items):
        words = name.split(" ")
        head = words[0]
        article = _DATIVE_ARTICLE.get(head) if len(words) > 1 else None
        if article is None and len(words) > 2 and head.endswith("e"):
            # a title led by an adjective ("Große Kreisstadt Erding", "Kreisfreie Stadt")
            # takes the noun's article, and the adjective its weak dative ending
            article = _DATIVE_ARTICLE.get(words[1])
            if article:
                name = " ".join([head + "n", *words[1:]])
        if article is None and head.casefold().endswith("kreis"):
            # a county named as one compound ("Vogelsbergkreis", "Rhein-Sieg-Kreis",
            # "Rhein-Kreis Neuss") takes its article like "Kreis Coesfeld"
            article = "dem"
        out.append(f"{article} {name}" if article else name)
    return join_de(out)


def nominative_de(name: str) -> str:
    """A place name as a subject, with the article it takes: 'der Kreis Coesfeld', 'die Stadt
    Münster', 'der Vogelsbergkreis', but 'Ascheberg'."""
    dative = dative_de(name)
    article = {"dem": "der", "der": "die"}.get(dative.split(" ", 1)[0])
    if article == "der" and name.split(" ", 1)[0] in _NEUTER:
        article = "das"  # dem Amt → das Amt
    return f"{article} {name}" if article and dative != name else name


_NEUTER = {"Amt", "Landratsamt"}


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
