"""The applicant types of calls and strategies: who they name, as eligibility reads them.

A type names local-government levels (a Landkreis, the towns and municipalities below it, a
kreisfreie Stadt) or other kinds of applicant (Unternehmen, Verein, Hochschule …). The same
tables read a call's applicant list, the applicant sentences of its text, and the types a
strategy writes: those of its own applicants (`region_profile.applicants[].type`, see
`MEMBER_TYPES`) and a project's further `applicant_types`. `matcher.strategy` refuses a type
these tables do not know, because eligibility would read a typo ("Landkries") as something
else or as nothing without a word.
"""

from __future__ import annotations

import re
from functools import lru_cache

from matcher.analysis import fold, normalize

COUNTY = "county"  # Landkreis / Kreis
MUNICIPAL = "municipal"  # towns and municipalities below county level
KREISFREI = "kreisfrei"  # independent cities (not part of a county)

# A kreisfreie Stadt is a Gemeinde (and a Kommune) that belongs to no county: a call for
# "Kommunen", "Städte und Gemeinden" or "Gemeinden und Gemeindeverbände" admits it, one for
# "kreisangehörige Gemeinden" or only for "Landkreise" does not.
LOCAL = frozenset({COUNTY, MUNICIPAL, KREISFREI})  # all local government
TOWNS = frozenset({MUNICIPAL, KREISFREI})  # Gemeinden and Städte, in a county or not

# Applicant-type terms (folded lowercase) -> the local-government levels they include.
_LEVEL_TERMS: list[tuple[str, frozenset[str]]] = [
    # multi-word terms first, so "kreisfreie stadt" is not read as "stadt"
    ("kreisfreie stadt", frozenset({KREISFREI})),
    ("kreisfreien stadte", frozenset({KREISFREI})),
    ("kreisfreie stadte", frozenset({KREISFREI})),
    ("juristische personen des offentlichen und privaten rechts", LOCAL),
    ("juristische personen des offentlichen rechts", LOCAL),
    ("kommunaler tragerschaft", LOCAL),
    # public institutions include the county's and the towns' own (Kreisarchiv, Stadtbibliothek,
    # Volkshochschule), which the eligibility of the Kreis and its towns covers
    ("offentlicher tragerschaft", LOCAL),
    ("offentliche einrichtung", LOCAL),
    ("offentlichen einrichtung", LOCAL),
    ("kommunale gebietskorperschaft", LOCAL),
    ("gebietskorperschaft", LOCAL),
    ("local and regional authorit", LOCAL),
    ("local authorit", LOCAL),
    ("municipal authorit", LOCAL),
    ("urban authorit", TOWNS),
    ("public authorit", LOCAL),
    ("local government", LOCAL),
    ("regional authorit", frozenset({COUNTY})),
    ("public bod", LOCAL),
    ("public or private bod", LOCAL),
    ("public or private non-profit bod", LOCAL),
    ("public administration", LOCAL),
    ("public administrations", LOCAL),
    # EU calls: "Applicants may be public or private entities established in a Member State"
    # admits public bodies of any member state, a Kreis among them ("legal entities" alone
    # is left out: the development lists read Horizon's "legal entities … are eligible" as
    # companies and research only)
    ("public or private entit", LOCAL),
    ("public entit", LOCAL),
    ("kommunale unternehmen", LOCAL),
    ("kommunalunternehmen", LOCAL),
    ("kommunales unternehmen", LOCAL),
    ("kommunale einrichtung", LOCAL),
    # a Jobcenter run by its Kommune alone (SGB II "Optionskommune"): only a Kreis or a
    # kreisfreie Stadt can be one (§ 6a SGB II)
    ("zugelassene kommunale trager", frozenset({COUNTY, KREISFREI})),
    ("zugelassenen kommunalen trager", frozenset({COUNTY, KREISFREI})),
    ("zugelassener kommunaler trager", frozenset({COUNTY, KREISFREI})),
    ("optionskommune", frozenset({COUNTY, KREISFREI})),
    # the bodies responsible for local public transport: the Kreise and kreisfreien Städte
    # (§ 3 ÖPNVG NRW and the other states' laws; a town joins only by a special agreement)
    ("aufgabentrager des opnv", frozenset({COUNTY, KREISFREI})),
    ("aufgabentragern des opnv", frozenset({COUNTY, KREISFREI})),
    ("aufgabentrager fur den opnv", frozenset({COUNTY, KREISFREI})),
    ("aufgabentrager des offentlichen personennahverkehrs", frozenset({COUNTY, KREISFREI})),
    ("opnv-aufgabentrager", frozenset({COUNTY, KREISFREI})),
    ("optionskommunen", frozenset({COUNTY, KREISFREI})),
    # public vocational schools are, in most states, run by the Kreise and kreisfreie Städte:
    # their Schulträger applies for them (the towns run general schools, named as such)
    ("berufsbildende schulen", frozenset({COUNTY, KREISFREI})),
    ("berufsbildenden schulen", frozenset({COUNTY, KREISFREI})),
    ("berufliche schulen", frozenset({COUNTY, KREISFREI})),
    ("beruflichen schulen", frozenset({COUNTY, KREISFREI})),
    ("berufskollegs", frozenset({COUNTY, KREISFREI})),
    ("berufsschulen", frozenset({COUNTY, KREISFREI})),
    # general schools: mostly the towns', some kinds (Förderschulen) the Kreis's
    ("allgemeinbildende", LOCAL),
    ("allgemeinbildenden", LOCAL),
    ("kommunale trager", LOCAL),
    ("kommunalen trager", LOCAL),
    ("anstalt des offentlichen rechts", LOCAL),
    # "private und kommunale Waldbesitzende", "kommunale Krankenhäuser": run by a Kommune
    ("kommunale", LOCAL),
    ("kommunalen", LOCAL),
    ("kommunaler", LOCAL),
    # municipalities and their unions below county level, as the states name them (a
    # Verbandsgemeinde, Samtgemeinde or Amt applying on its own or for its Ortsgemeinden)
    ("verbandsgemeinde", frozenset({MUNICIPAL})),
    ("verbandsgemeinden", frozenset({MUNICIPAL})),
    ("ortsgemeinde", frozenset({MUNICIPAL})),
    ("ortsgemeinden", frozenset({MUNICIPAL})),
    ("samtgemeinde", frozenset({MUNICIPAL})),
    ("samtgemeinden", frozenset({MUNICIPAL})),
    ("einheitsgemeinde", frozenset({MUNICIPAL})),
    ("einheitsgemeinden", frozenset({MUNICIPAL})),
    ("verwaltungsgemeinschaft", frozenset({MUNICIPAL})),
    ("verwaltungsgemeinschaften", frozenset({MUNICIPAL})),
    ("verwaltungsverband", frozenset({MUNICIPAL})),
    ("verwaltungsverbande", frozenset({MUNICIPAL})),
    ("amter", frozenset({MUNICIPAL})),  # not "Amt": "beim zuständigen Amt" names no applicant
    ("grosse kreisstadt", frozenset({MUNICIPAL})),
    ("grosse kreisstadte", frozenset({MUNICIPAL})),
    ("kreisangehorige", frozenset({MUNICIPAL})),
    ("kreisangehorigen", frozenset({MUNICIPAL})),
    ("kommune", LOCAL),
    ("kommunen", LOCAL),
    ("zweckverband", LOCAL),
    ("zweckverbande", LOCAL),
    ("schultrager", LOCAL),
    ("trager von schulen", LOCAL),
    ("trager offentlicher", LOCAL),  # … Schulen, Einrichtungen
    ("offentliche trager", LOCAL),
    ("offentlichen trager", LOCAL),
    ("unternehmen mit kommunaler beteiligung", LOCAL),
    ("gemeindeverband", frozenset({COUNTY})),
    ("gemeindeverbande", frozenset({COUNTY})),
    ("landkreis", frozenset({COUNTY})),
    ("landkreise", frozenset({COUNTY})),
    ("landkreisen", frozenset({COUNTY})),
    ("kreis", frozenset({COUNTY})),
    ("kreise", frozenset({COUNTY})),
    ("kreisen", frozenset({COUNTY})),
    ("county", frozenset({COUNTY})),
    ("counties", frozenset({COUNTY})),
    ("gemeinde", TOWNS),
    ("gemeinden", TOWNS),
    ("stadt", TOWNS),
    ("stadte", TOWNS),
    ("stadten", TOWNS),
    ("municipality", LOCAL),
    ("municipalities", LOCAL),
    ("town", TOWNS),
    ("towns", TOWNS),
    ("cities", TOWNS),
    ("city", TOWNS),
]

# Non-municipal applicant types recognised in text (for project-specific applicant_types).
_OTHER_TERMS: list[tuple[str, str]] = [
    ("unternehmen", "unternehmen"),
    ("kmu", "unternehmen"),
    ("betriebe", "unternehmen"),
    ("companies", "unternehmen"),
    ("enterprises", "unternehmen"),
    ("smes", "unternehmen"),
    ("landwirt", "landwirt"),
    ("landwirtschaftliche betriebe", "landwirt"),
    ("farmers", "landwirt"),
    ("kammer", "kammer"),
    ("kammern", "kammer"),
    ("verband", "verband"),
    ("verbande", "verband"),
    ("verein", "verein"),
    ("vereine", "verein"),
    ("vereinen", "verein"),
    ("initiativen", "verein"),
    ("hochschule", "hochschule"),
    ("hochschulen", "hochschule"),
    ("forschungseinrichtung", "forschungseinrichtung"),
    ("forschungseinrichtungen", "forschungseinrichtung"),
    ("wissenschaftler", "hochschule"),
    ("wissenschaftlerinnen", "hochschule"),
    ("stiftung", "stiftung"),
    ("stiftungen", "stiftung"),
    ("privatperson", "privatperson"),
    ("privatpersonen", "privatperson"),
    ("personen", "privatperson"),
    ("natural persons", "privatperson"),
    ("burgerinnen", "privatperson"),
    ("beschaftigte", "privatperson"),
    ("selbststandige", "privatperson"),
    # "Antragsberechtigt sind die Länder" (the states apply, and pass the money on)
    ("lander", "land"),
    ("bundeslander", "land"),
]
# Compounds that end in these name the same kind of applicant ("Bürgerbusvereine",
# "Wohlfahrtsverbände"); level terms are matched first, so "Zweckverband" stays a level.
_OTHER_HEADS: list[tuple[str, str]] = [
    ("vereine?n?", "verein"),
    ("verbande?n?", "verband"),
    ("unternehmen", "unternehmen"),
    ("einrichtunge?n?", "einrichtung"),
]

# Synonyms used when comparing a call's types with a project's applicant_types.
_TYPE_ALIASES: dict[str, set[str]] = {
    "kmu": {"unternehmen"},
    "landwirtschaftliches unternehmen": {"landwirt", "unternehmen"},
    "landwirtschaftliche unternehmen": {"landwirt", "unternehmen"},
    "landwirtschaftskammer": {"kammer"},
    "verbande": {"verband"},
    "wohlfahrtsverband": {"verband"},
    "wohnungsunternehmen": {"unternehmen"},
    "verkehrsunternehmen": {"unternehmen"},
}


# The kinds of applicant besides local government that the tables above name.
OTHER_KINDS = frozenset(kind for _, kind in _OTHER_TERMS + _OTHER_HEADS) | frozenset(
    kind for kinds in _TYPE_ALIASES.values() for kind in kinds
)

# The types of the strategy's own applicants (region_profile.applicants) and their levels.
# A (Große) Kreisstadt or a kreisangehörige Stadt is a town, a Stadtkreis a kreisfreie Stadt:
# the word "Kreis" in a name does not make it a county.
MEMBER_TYPES: dict[str, str] = {
    "Landkreis": COUNTY,
    "Kreis": COUNTY,
    "Region": COUNTY,  # Region Hannover
    "Städteregion": COUNTY,  # Städteregion Aachen
    "Regionalverband": COUNTY,  # Regionalverband Saarbrücken
    "Gemeindeverband": COUNTY,
    "kreisfreie Stadt": KREISFREI,
    "Stadtkreis": KREISFREI,
    "Stadt": MUNICIPAL,
    "Gemeinde": MUNICIPAL,
    "Kommune": MUNICIPAL,
    "Markt": MUNICIPAL,
    "Marktgemeinde": MUNICIPAL,
    "Flecken": MUNICIPAL,
    "Große Kreisstadt": MUNICIPAL,
    "Kreisstadt": MUNICIPAL,  # the county's seat (Lauterbach, Hessen): a town of the county
    "kreisangehörige Stadt": MUNICIPAL,
    "Große kreisangehörige Stadt": MUNICIPAL,
    "Mittlere kreisangehörige Stadt": MUNICIPAL,
    "kreisangehörige Gemeinde": MUNICIPAL,
    "Einheitsgemeinde": MUNICIPAL,
    "Samtgemeinde": MUNICIPAL,
    "Verbandsgemeinde": MUNICIPAL,
    "Ortsgemeinde": MUNICIPAL,
    "Amt": MUNICIPAL,
    "amtsfreie Gemeinde": MUNICIPAL,
    "Verwaltungsgemeinschaft": MUNICIPAL,
    "Verwaltungsverband": MUNICIPAL,
    "Zweckverband": MUNICIPAL,
}
# What a project's `applicant_types` name (offered when one is not known); plurals and
# compounds of them ("Vereine", "Sportvereine") are read as the same kind.
PROJECT_TYPES: tuple[str, ...] = (
    "Unternehmen", "KMU", "landwirtschaftliche Betriebe", "Landwirt", "Kammer",
    "Landwirtschaftskammer", "Verband", "Wohlfahrtsverband", "Verein", "Hochschule",
    "Forschungseinrichtung", "Einrichtung", "Stiftung", "Privatperson", "Wohnungsunternehmen",
    "Verkehrsunternehmen", "Landkreis", "Kommune", "Gemeinde", "Stadt", "Schulträger",
    "Zweckverband",
)  # fmt: skip


def fold_type(text: str) -> str:
    """An applicant type folded for comparison ("Schulträger" → "schultrager")."""
    return fold(normalize(text)).strip()


_MEMBER_LEVELS = {fold_type(name): level for name, level in MEMBER_TYPES.items()}


def member_type_known(type_name: str) -> bool:
    """Whether `type_name` is one of `MEMBER_TYPES` (in any case)."""
    return fold_type(type_name) in _MEMBER_LEVELS


def project_type_known(type_name: str) -> bool:
    """Whether eligibility can find `type_name` in a call (a level or one of `OTHER_KINDS`)."""
    levels, others = type_kinds(type_name)
    return bool(levels or others & OTHER_KINDS)


@lru_cache(maxsize=1024)
def member_level(type_name: str) -> str:
    """The level of one of the strategy's own applicants, by its type."""
    key = fold_type(type_name)
    if key in _MEMBER_LEVELS:
        return _MEMBER_LEVELS[key]
    # Only a strategy stored before its types were checked gets here.
    if "kreisfrei" in key:
        return KREISFREI
    if "kreis" in key or key in {"gemeindeverband", "county"}:
        return COUNTY
    return MUNICIPAL


# adjectives a hyphenated prefix negates or weakens ("non-", "semi-", "nicht-"); a noun keeps
# its kind in a compound ("Main-Kinzig-Kreis" is a Kreis)
_NEGATABLE = ("public", "offentlich", "kommunal")


def _term_pattern(term: str) -> str:
    # stems: "local authorit" matches authority/authorities, "public bod" body/bodies,
    # "gebietskorperschaft" the plural and the genitive
    tail = r"\w*" if term.endswith(("authorit", "bod", "entit", "gebietskorperschaft")) else r"\b"
    # "non-public entities", "semi-public bodies", "nicht-öffentliche Einrichtung" are none:
    # a prefix joined by a hyphen turns the adjective round (`\b` stands after a hyphen too)
    head = r"(?<![\w-])" if term.startswith(_NEGATABLE) else ""
    return rf"{head}{re.escape(term)}{tail}"


# One alternation per table, longest terms first, so "kreisfreie stadt" wins over "stadt"
# and a matched span is never read twice. The word boundary stands once before the
# alternation, so the terms are tried at the start of words only (several times faster).
_LEVEL_RE = re.compile(
    r"\b(?:"
    + "|".join(
        f"(?P<l{i}>{_term_pattern(t)})"
        for i, (t, _) in sorted(enumerate(_LEVEL_TERMS), key=lambda it: -len(it[1][0]))
    )
    + ")"
)
_OTHER_RE = re.compile(
    r"\b(?:"
    + "|".join(
        [f"(?P<o{i}>{re.escape(t)}\\b)" for i, (t, _) in enumerate(_OTHER_TERMS)]
        + [f"(?P<h{i}>\\w+{head}\\b)" for i, (head, _) in enumerate(_OTHER_HEADS)]
    )
    + ")"
)


# A text that says "kreisangehörig" or "unterhalb der Kreisebene" means the Gemeinden of a
# county: its "Städte und Gemeinden" admit a kreisfreie Stadt only when it is named too.
_IN_COUNTY_RE = re.compile(r"\bkreisangehorig|\bunterhalb der kreisebene\b")
_KREISFREI_TERM = frozenset({KREISFREI})


def match_terms(text: str) -> tuple[set[str], set[str]]:
    """Levels and other applicant types named in a folded text."""
    levels: set[str] = set()
    others: set[str] = set()
    named_kreisfrei = False
    for m in _LEVEL_RE.finditer(text):
        found = _LEVEL_TERMS[int(m.lastgroup[1:])][1]  # type: ignore[index]
        levels |= found
        named_kreisfrei = named_kreisfrei or found == _KREISFREI_TERM
    if not named_kreisfrei and KREISFREI in levels and _IN_COUNTY_RE.search(text):
        levels.discard(KREISFREI)
    rest = _LEVEL_RE.sub(" ", text)
    for m in _OTHER_RE.finditer(rest):
        group: str = m.lastgroup  # type: ignore[assignment]
        table = _OTHER_TERMS if group[0] == "o" else _OTHER_HEADS
        others.add(table[int(group[1:])][1])
    return levels, others


def first_term_at(text: str) -> int | None:
    """Where the first level or applicant type in a folded text starts (None: none there)."""
    starts = [m.start() for pattern in (_LEVEL_RE, _OTHER_RE) if (m := pattern.search(text))]
    return min(starts) if starts else None


# Types that are a level as an entry of an applicant list but too common as words in a text
# ("beim zuständigen Amt", "am Markt tätige Unternehmen") to be read there.
_LIST_LEVELS = {"amt": MUNICIPAL, "markt": MUNICIPAL, "markte": MUNICIPAL}


@lru_cache(maxsize=4096)
def type_kinds(name: str) -> tuple[frozenset[str], frozenset[str]]:
    """The levels and other applicant kinds one applicant type of a list stands for.

    An unknown type is kept as written (folded), so it still meets the same type of a
    project or another call.
    """
    key = fold_type(name)
    levels, others = match_terms(key)
    if key in _LIST_LEVELS:
        levels.add(_LIST_LEVELS[key])
    if not levels:
        others |= {key} | _TYPE_ALIASES.get(key, set())
    return frozenset(levels), frozenset(others)


# Kinds whose words also name a topic a project can have: farming (Landwirte ~ Landwirtschaft
# for a farming project) and the citizens (Bürgerinnen ~ Bürgerportal).
_TOPICAL_KINDS = frozenset({"landwirt", "privatperson"})


def applicant_words() -> frozenset[str]:
    """The one-word applicant terms eligibility reads (folded: gemeinden, stadte, kreis,
    kommunen, unternehmen, vereine, hochschulen, smes …): who may apply, not what is funded."""
    level_words = {term for term, _ in _LEVEL_TERMS if " " not in term}
    other_words = {
        term for term, kind in _OTHER_TERMS if " " not in term and kind not in _TOPICAL_KINDS
    }
    return frozenset(level_words | other_words)
