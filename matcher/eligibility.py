"""May the county and its towns apply? Eligibility from the applicant list, the text and the region.

The structured applicant list wins (one of vague categories alone, such as "Öffentliche
Einrichtung", is refined by what the text excludes); when it is empty the sentences that
name the applicants ("Antragsberechtigt sind …", "Zuwendungsempfänger …", "eligible
applicants …") are read.
A Landkreis is told apart from the towns and municipalities below county level, so a call
only for Gemeinden is eligible for the towns but not for the Kreis. The region profile of the
strategy excludes calls for other states, other administrative districts or other counties,
and calls only for structurally weak areas when the county is not one. Anything that cannot
be decided is "unknown": kept in the ranking and flagged for a human.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from matcher.analysis import fold, normalize
from matcher.applicant_types import (
    COUNTY,
    KREISFREI,
    MUNICIPAL,
    first_term_at,
    fold_type,
    match_terms,
    member_level,
    type_kinds,
)
from matcher.german import join_de, nominative_de
from matcher.population import check_population, population_limits
from matcher.sentences import HEADING_VERB_RE, NUMBERING_RE
from matcher.states import ADMIN_DISTRICTS
from matcher.states import STATES as _STATES
from matcher.strategy import Applicant, RegionProfile
from matcher.types import CallDoc, Eligibility

_TRIGGER_RE = re.compile(
    r"antragsberechtigt|zuwendungsempfang|antragstellend|antragsteller|"
    r"forderberechtigt|zuwendungsberechtigt|teilnahmeberechtigt|bewerbungsberechtigt|"
    r"wer wird gefordert|"
    r"konnen antrage stellen|konnen sich bewerben|richtet sich an|bewerben konnen|"
    r"eligible|open to|applicants|"
    # English participation sentences: "any legal entity, including local and regional
    # authorities, may participate", "Lead partners must be public or private non-profit
    # bodies" (who the partners must be is who applies)
    # (each alternative starts with a letter, which keeps the scan for first letters fast)
    r"may participate|can participate|may apply|can apply|may take part|can take part|"
    # "consortia must include at least two public administrations at local or regional
    # level": those it must include are among the applicants
    r"consorti(?:a|um) must (?:include|comprise|involve)|"
    r"must be [^;]{0,80}\b(?:bod(?:y|ies)|authorit(?:y|ies)|entit(?:y|ies)|organi[sz]ations?)\b",
)
# (not "Zielgruppe", "Begünstigte", "final beneficiaries": whom the funded work serves, such
# as the SMEs a Wirtschaftsförderung supports, is not who applies)

# Short notices name the applicants as the subject of "können … beantragen" or "erhalten …
# eine Förderung", or after "fördert … Vorhaben von"; only that subject is read, so "Vereine
# können sich bei ihrem Kreis bewerben" admits the associations, not the Kreis.
_SUBJECT_RES = [
    re.compile(
        # not a clause ("Wenn Sie als Landkreis … wollen, können Sie …"): its subject is "Sie"
        r"^(?!(?:wenn|falls|sofern|soweit|damit|um|nachdem|sobald)\b)"
        r"(?P<who>[^;:]{3,200}?)\s(?:konnen|konnten|durfen)\s(?:[^;:]*?\s)?"
        r"(?:beantragen|bewerben|anmelden|einreichen|stellen|erhalten|abrufen|teilnehmen"
        r"|umsetzen|in anspruch nehmen)\b"
    ),
    re.compile(
        r"^(?P<who>[^;:]{3,200}?)\serhalten\s(?:[^;:]*?\s)?"
        r"(?:forderung|zuschuss|zuschusse|zuwendung|zuwendungen|finanzhilfen?|mittel|pramie|"
        r"pramien)\b"
    ),
    # "Teilnehmen können Kommunen mit Projekten …" (the verb first, as in competitions; not
    # anchored: a title without a full stop runs into the sentence)
    re.compile(
        r"\b(?:teilnehmen|mitmachen|bewerben)\s+(?:konnen|durfen)\s+(?:sich\s+)?"
        r"(?P<who>[^;:,]{3,200})"
    ),
    # "In der Ausschreibung können sich Kommunen und Landkreise … bewerben" (the subject after
    # the verb); not "… können sich bei ihrem Kreis bewerben"
    re.compile(
        r"\b(?:konnen|durfen)\s+sich\s+"
        r"(?!(?:bei|um|bis|mit|fur|in|an|auf|uber|zum|zur|ab|noch|jetzt|ab sofort|ebenfalls)\b)"
        r"(?P<who>[^;:]{3,200}?)\s+(?:[^;:]*?\s)?bewerben\b"
    ),
    re.compile(r"\berhalten als (?P<who>[\w -]{3,60})"),
    re.compile(
        r"\b(?:fordert|unterstutzt)\b[^;:]*?\b(?:vorhaben|projekte|initiativen)\s+von\s+"
        r"(?P<who>[^;:]{3,160})"
    ),
    # "Das Land fördert Kommunen, die …": the object is the applicant when it is one of these
    # (not "fördert Projekte in Kommunen", which names a place)
    re.compile(
        r"\bfordert\s+(?:die\s+|alle\s+|ausgewahlte\s+)?"
        r"(?P<who>(?:kommunen|gemeinden|stadte|landkreise|kreise|kreisfreie|kreisangehorige"
        r"|gemeindeverbande|zweckverbande|kommunale|vereine|verbande|unternehmen|kmu|stiftungen"
        r"|hochschulen|forschungseinrichtungen)\b[^;:,.]{0,100})"
    ),
]
# every pattern above needs one of these verbs: a fast first test
_SUBJECT_VERB_RE = re.compile(r"konnen|konnten|durfen|erhalten|fordert|unterstutzt")
# A sentence that adds applicants to others ("Kreise können gemeinsam mit ihren Gemeinden
# Anträge stellen", "Antragsberechtigt sind auch …") or names examples ("unter anderem",
# "insbesondere") is no complete list: it admits whom it names and excludes no one.
_OPEN_RE = re.compile(
    r"\b(?:unter anderem|u\. ?a\.|insbesondere|zum beispiel|z\. ?b\.|beispielsweise"
    r"|among others|for example|e\. ?g\.|auch|ebenfalls|zudem|zusatzlich|daneben|ausserdem)"
    r"(?!\w)"
)
_JOINT_RE = re.compile(r"\b(?:gemeinsam mit|zusammen mit)\b")
_NEGATION_RE = re.compile(r"\b(?:nicht|kein|keine|keinen)\b")

_NATIONWIDE = {"", "bund", "bundesweit", "deutschland", "germany", "eu", "europa", "europe"}
_DISTRICT_RE = re.compile(r"(?:regierungsbezirk|bezirksregierung|regbez\.?)\s+(\S+)")
_COUNTY_RE = re.compile(r"\b(?:landkreis|kreis)\s+([\w-]+)")

_WEAK_ONLY_RE = re.compile(
    r"\b(?:nur|ausschliesslich)\b[^.\n]{0,100}strukturschwach"
    r"|landliche[nr]?\s*,\s*strukturschwache"
    r"|\b(?:nur|ausschliesslich)\b[^.\n]{0,60}grw-fordergebiet"
)
# in either order; two patterns, each with a literal start the scan can jump to (as one
# alternation it took a tenth of the time of reading a call's applicants and region)
_WEAK_OR_RURAL_RES = (
    re.compile(r"landliche[nr]?\s+(?:und|oder)\s+strukturschwach"),
    re.compile(r"strukturschwache[nr]?\s+(?:und|oder)\s+landliche"),
)
# In a sentence about the applicants (or the subject of "X können … beantragen") any
# structurally-weak or GRW term restricts: "Kommunen in strukturschwachen Regionen", "…, die
# in der GRW-Fördergebietskarte … ausgewiesen sind", "…, die zu den strukturschwachen Regionen
# … zählen", "soweit sie im Fördergebiet der GRW liegen"; unless a preference or an
# alternative comes right before it (_PREFERENCE_BEFORE_RE, _ALTERNATIVE_BEFORE_RE) or the
# sentence is about a rate (_RATE_RE).
_WEAK_TERM_RE = re.compile(
    r"strukturschwach|grw-fordergebiet|fordergebiet\w*\s+der\s+(?:grw|gemeinschaftsaufgabe)"
)
# "insbesondere / vor allem in strukturschwachen Regionen" only prefers
_PREFERENCE_BEFORE_RE = re.compile(
    r"\b(?:insbesondere|vor allem|besonders|bevorzugt|vorrangig|auch|gerade|ebenfalls)\b"
    r"[^,;()]{0,40}$"
)
# "Gemeinden bis 20.000 Einwohner oder in GRW-Fördergebieten": the other branch may hold
_ALTERNATIVE_BEFORE_RE = re.compile(
    r"\boder\s+(?:(?:in|im|aus)\s+)?(?:(?:einem|einer|den|der|dem)\s+)?$"
)
# "Antragsteller aus den Braunkohlerevieren erhalten erhöhte Förderquoten": a rate, not a limit
_RATE_RE = re.compile(r"forderquote|fordersatz|prozent|\berhoht|\bbonus|\bzuschlag|aufschlag|%")
# A state or administrative district the applicants must be in ("Kommunen in Bayern",
# "Antragsteller mit Sitz im Regierungsbezirk Detmold"); "bei der Bezirksregierung …" names
# where to apply, not who may.
_STATE_IN_TEXT_RE = re.compile(
    r"\b(?:in|aus)\s+(?:dem\s+)?(?:land\s+|freistaat\s+|bundesland\s+)?(?:"
    + "|".join(re.escape(k) for k in sorted(_STATES, key=len, reverse=True))
    + r")\b"
)
_DISTRICT_IN_TEXT_RE = re.compile(r"\b(?:im|aus dem)\s+regierungsbezirk\s+([\w-]+)")
_ANY_STATE_RE = re.compile(
    r"\b(?:" + "|".join(re.escape(k) for k in sorted(_STATES, key=len, reverse=True)) + r")\b"
)
# Regions that name several states: "Kommunen in Ostdeutschland / in den neuen Bundesländern"
# (the five states that joined in 1990, with Berlin) — folded key, label, folded states.
_EAST = frozenset(
    {"berlin", "brandenburg", "mecklenburg-vorpommern", "sachsen", "sachsen-anhalt", "thuringen"}
)
_STATE_GROUPS: dict[str, tuple[str, frozenset[str]]] = {"ostdeutschland": ("Ostdeutschland", _EAST)}
_STATE_GROUP_RE = re.compile(
    r"\b(?:ostdeutschland|(?:neue[n]?|ostdeutsche[n]?)\s+(?:bundes)?lander[n]?)\b"
)
_STATE_GROUP_IN_TEXT_RE = re.compile(r"\b(?:in|aus)\s+(?:den\s+)?" + _STATE_GROUP_RE.pattern)
# A district named without "Regierungsbezirk" where its name alone is one (`ADMIN_DISTRICTS`):
# "in Unterfranken", "aus der Oberpfalz", "in Ober- und Mittelfranken", "in Niederbayern und
# der Oberpfalz" (a name cut off with "-" is completed from the next).
_ALONE_NAMES = tuple(k for k, (_, _, alone) in ADMIN_DISTRICTS.items() if alone)
_ALONE_DISTRICTS = "|".join(sorted(_ALONE_NAMES, key=len, reverse=True))
_BARE_ITEM = rf"(?:der\s+)?(?:[a-z]+-(?=\s*(?:,|und|oder|sowie)\s)|(?:{_ALONE_DISTRICTS})(?![\w-]))"
_BARE_DISTRICTS_RE = re.compile(
    rf"\b(?:in|aus)\s+(?P<list>{_BARE_ITEM}(?:\s*(?:,|\bund\b|\boder\b|\bsowie\b)\s*{_BARE_ITEM})*)"
)
_BARE_SEP_RE = re.compile(r"\s*(?:,|\bund\b|\boder\b|\bsowie\b)\s*")
# Applicants named by name in an applicant sentence: "die Kreise Gütersloh, Herford und
# Lippe", "die Stadt Bielefeld", "mit Ausnahme des Kreises Coesfeld" (the names follow,
# separated by commas, "und", "sowie").
_NAMED_KIND_RE = re.compile(r"\b(?P<kind>(?:land)?kreis(?:es|e)?|stadt|gemeinde)\s+")
_NAME_RE = re.compile(r"[a-z][\w-]*")
# a list of named Kreise ("kreise gutersloh, herford"): most texts have none, and are
# decided by this scan (and one for "im Regierungsbezirk") instead of reading the sentences
_NAMED_COUNTIES_RE = re.compile(r"kreise [a-z][\w-]*(?:,| und | sowie )")
_NAME_SEP_RE = re.compile(r"\s*(?:,|\bund\b|\bsowie\b|\boder\b)\s*")
# Kreise named as the place of the applicants: "Kommunen in den Landkreisen Passau, Regen und
# Freyung-Grafenau", "Gemeinden im Kreis Borken" (whoever they are, they must be there)
_PLACE_COUNTIES_RE = re.compile(
    r"\b(?:(?:in|aus)\s+den\s+(?:land)?kreisen|(?:im|aus dem|in dem)\s+(?:land)?kreis)\s+"
)
# words after "Kreise" / "Stadt" that are no name ("Kreise und …", "Gemeinde im …")
_NOT_A_NAME = frozenset(
    {
        "und", "oder", "sowie", "die", "der", "des", "den", "dem", "ein", "eine", "einer",
        "im", "in", "mit", "ohne", "aus", "bis", "ab", "unter", "uber", "sind", "ist",
        "konnen", "durfen", "werden", "wird", "als", "an", "auf", "fur", "von", "vom", "zu",
        "zur", "zum", "nach", "gemass", "ihre", "ihrer", "ihren", "deren", "dessen",
        "jeweils", "selbst", "bzw", "einschliesslich", "auch", "nur", "ausschliesslich",
        "insbesondere", "jedoch", "nicht", "kein", "keine", "sich", "haben", "bei", "soweit",
        "sofern", "wenn", "alle", "aller", "allen", "innerhalb", "ausserhalb",
    }
)  # fmt: skip
# Interreg: "Partners must be located in the programme area, which covers … parts of …
# Germany (Bavaria and Baden-Württemberg)": the states in brackets after Germany are where
# the partners must be.
_PROGRAMME_AREA_RE = re.compile(r"\b(?:programme|program) area\b|\bprogrammgebiet")
_MUST_BE_LOCATED_RE = re.compile(
    r"\b(?:must|shall|have to|need to|mussen)\b[^.;]{0,30}\b(?:located|established|based"
    r"|situated|ansassig|ihren sitz)\b"
)
_GERMAN_PART_RE = re.compile(r"\b(?:germany|deutschland)\s*\(([^)]*)\)")
# the states' English names, to their folded German key
_ENGLISH_STATES = {
    "bavaria": "bayern",
    "hesse": "hessen",
    "lower saxony": "niedersachsen",
    "north rhine-westphalia": "nordrhein-westfalen",
    "north rhine westphalia": "nordrhein-westfalen",
    "rhineland-palatinate": "rheinland-pfalz",
    "saxony-anhalt": "sachsen-anhalt",
    "saxony": "sachsen",
    "thuringia": "thuringen",
    "mecklenburg-western pomerania": "mecklenburg-vorpommern",
}
_STATE_NAME_RE = re.compile(
    r"\b(?:"
    + "|".join(re.escape(k) for k in sorted([*_STATES, *_ENGLISH_STATES], key=len, reverse=True))
    + r")\b"
)


@dataclass(frozen=True, slots=True)
class _NamedRegion:
    """A region below state level the rules can place: its label ("im Rheinischen Revier")
    and, per state (folded), its counties and kreisfreie Städte (folded names, matched as
    whole words in the profile's county), or None when they are not listed here (a county
    in that state is then "unknown")."""

    label: str
    parts: tuple[tuple[str, frozenset[str] | None], ...]


# The lignite regions of § 2 InvKG (Investitionsgesetz Kohleregionen) and the Emscher-Lippe
# region; a county neither listed nor in their states is outside.
_RHEINISCH = (
    "nordrhein-westfalen",
    frozenset(
        {
            "duren",
            "rhein-erft-kreis",
            "euskirchen",
            "heinsberg",
            "neuss",
            "aachen",
            "monchengladbach",
        }
    ),
)
_LAUSITZ = (
    (
        "brandenburg",
        frozenset({"dahme-spreewald", "elbe-elster", "oberspreewald-lausitz", "spree-neisse"})
        | {"cottbus"},
    ),
    ("sachsen", frozenset({"bautzen", "gorlitz"})),
)
_MITTELDEUTSCH = (
    (
        "sachsen-anhalt",
        frozenset({"burgenlandkreis", "saalekreis", "anhalt-bitterfeld", "mansfeld-sudharz"})
        | {"halle"},
    ),
    ("sachsen", frozenset({"leipzig", "nordsachsen"})),
    ("thuringen", frozenset({"altenburger land"})),
)
_HELMSTEDT = (("niedersachsen", None),)
# The two Landschaftsverbände of NRW by their Regierungsbezirke: Westfalen-Lippe (LWL) is
# Münster, Detmold and Arnsberg, the Rheinland (LVR) Düsseldorf and Köln. Funders such as the
# LWL-Archivamt name them as the region ("Kommunalarchive in Westfalen-Lippe").
_MUNSTER = frozenset(
    {"borken", "coesfeld", "recklinghausen", "steinfurt", "warendorf", "bottrop"}
    | {"gelsenkirchen", "munster"}
)
_DETMOLD = frozenset(
    {"gutersloh", "herford", "hoxter", "lippe", "minden-lubbecke", "paderborn", "bielefeld"}
)
_SUDWESTFALEN = frozenset(
    {"hochsauerlandkreis", "markischer kreis", "olpe", "siegen-wittgenstein", "soest"}
)
_ARNSBERG = (
    _SUDWESTFALEN
    | {"ennepe-ruhr-kreis", "unna", "bochum", "dortmund", "hagen"}
    | {
        "hamm",
        "herne",
    }
)
_RHEINLAND = frozenset(
    {"kleve", "mettmann", "neuss", "viersen", "wesel", "duisburg", "dusseldorf", "essen"}
    | {"krefeld", "monchengladbach", "mulheim an der ruhr", "oberhausen", "remscheid"}
    | {"solingen", "wuppertal", "duren", "rhein-erft-kreis", "euskirchen", "heinsberg"}
    | {"oberbergischer kreis", "rheinisch-bergischer kreis", "rhein-sieg-kreis", "aachen"}
    | {"bonn", "koln", "leverkusen"}
)
_NAMED_REGIONS: tuple[tuple[re.Pattern[str], _NamedRegion], ...] = (
    (
        re.compile(r"rheinische\w*\s+revier\w*"),
        _NamedRegion("im Rheinischen Revier", (_RHEINISCH,)),
    ),
    (
        re.compile(r"lausitz(?:er\s+revier\w*)?(?![\w-])"),
        _NamedRegion("in der Lausitz", _LAUSITZ),
    ),
    (
        re.compile(r"mitteldeutsche\w*\s+(?:braunkohle)?revier\w*"),
        _NamedRegion("im Mitteldeutschen Revier", _MITTELDEUTSCH),
    ),
    (re.compile(r"helmstedter\s+revier\w*"), _NamedRegion("im Helmstedter Revier", _HELMSTEDT)),
    (
        re.compile(r"munsterland\w*"),
        _NamedRegion(
            "im Münsterland",
            (
                (
                    "nordrhein-westfalen",
                    frozenset({"borken", "coesfeld", "steinfurt", "warendorf", "munster"}),
                ),
            ),
        ),
    ),
    (
        # "Ostwestfalen-Lippe", "Ost-Westfalen Lippe", "Ostwestfalens", "OWL"
        re.compile(r"(?<![\w-])ost-?westfalen(?:[-\s]lippe)?s?(?![\w-])|(?<![\w-])owl(?![\w-])"),
        _NamedRegion("in Ostwestfalen-Lippe", (("nordrhein-westfalen", _DETMOLD),)),
    ),
    (
        re.compile(r"(?<![\w-])sud-?westfalens?(?![\w-])"),
        _NamedRegion("in Südwestfalen", (("nordrhein-westfalen", _SUDWESTFALEN),)),
    ),
    (
        # not "Nordrhein-Westfalen", nor "Nordrhein Westfalen" or "Nordrhein–Westfalen"
        # (the dash folds to a space)
        re.compile(
            r"(?<![\w-])(?<!nordrhein\s)(?<!nordrhein\s\s)(?<!-\s)"
            r"westfalen(?:[-\s]lippe)?s?(?![\w-])"
        ),
        _NamedRegion(
            "in Westfalen-Lippe", (("nordrhein-westfalen", _MUNSTER | _DETMOLD | _ARNSBERG),)
        ),
    ),
    (
        # not "Rheinland-Pfalz", nor "Rheinland Pfalz" or "Rheinland–Pfalz" (the dash folds
        # to a space); "des Rheinlands"
        re.compile(r"(?<![\w-])rheinlands?(?![\w-])(?!\s*-?\s*pfalz)"),
        _NamedRegion("im Rheinland", (("nordrhein-westfalen", _RHEINLAND),)),
    ),
    (
        re.compile(r"emscher-lippe(?:-region)?\w*"),
        _NamedRegion(
            "in der Emscher-Lippe-Region",
            (("nordrhein-westfalen", frozenset({"recklinghausen", "bottrop", "gelsenkirchen"})),),
        ),
    ),
    (
        re.compile(r"braunkohlen?(?:revier|region|gebiet)\w*"),
        _NamedRegion(
            "in den Braunkohleregionen",
            (_RHEINISCH, *_LAUSITZ, *_MITTELDEUTSCH, *_HELMSTEDT),
        ),
    ),
)
# Regions the rules cannot place ("in den Kohleregionen", "Regionen des Strukturwandels",
# "im Revier"): the verdict is "unknown", never "eligible"; a list in brackets after them
# ("Regionen des Strukturwandels (Rheinisches Revier, Emscher-Lippe)") names the regions.
_VAGUE_REGION_RE = re.compile(
    r"(?:stein)?kohle(?:revier|region|standort)\w*|regionen?\s+des\s+strukturwandels"
    r"|strukturwandel(?:region|revier)\w*|\w*revier\w*"
)
# a region restricts where it is a place of the applicants ("Kommunen im Rheinischen Revier",
# "die Kreise des Rheinischen Reviers"), not where to apply ("bei der Zukunftsagentur
# Rheinisches Revier")
_PLACE_BEFORE_RE = re.compile(
    r"(?<!\bbei )\b(?:in|im|aus|des|der|den|dem)\s+(?:(?:der|den|dem)\s+)?$"
)


@dataclass(frozen=True, slots=True)
class CallApplicants:
    """Who a call admits: local-government levels and other applicant types (folded)."""

    levels: frozenset[str]
    others: frozenset[str]
    source: str  # "list", "text" or "none"
    # the text names examples or adds applicants ("unter anderem …", "Kreise können auch …"):
    # whom it names may apply, whom it does not name is not excluded
    open: bool = False
    # a vague list the text refines (`_refined_list`), and the folded sentence that does
    refined: bool = False
    refined_by: str = ""


def _fold_text(text: str) -> str:
    return fold(normalize(text))


# A state's two-part name written with a space instead of the hyphen ("Nordrhein Westfalen",
# "Sachsen Anhalt"; an en dash folds to a space too) is that state, never the region its
# second half names ("Westfalen") nor another place beside a region.
_SPACED_STATE_RE = re.compile(
    r"\b("
    + "|".join(sorted({k.split("-")[0] for k in _STATES if "-" in k}))
    + r")(?:\s+-?\s*|-\s+)("
    + "|".join(sorted({k.split("-")[1] for k in _STATES if "-" in k}))
    + r")\b"
)


# A state after "in" / "aus", or the first word of one written with a space ("in baden
# wurttemberg"), where a notice's sentences are looked for; without its first "\b" for a fast
# first test (it matches more, never less)
_STATE_WORD_IN_TEXT_RE = re.compile(
    r"\b(?:in|aus)\s+(?:dem\s+)?(?:land\s+|freistaat\s+|bundesland\s+)?(?:"
    + "|".join(
        re.escape(k)
        for k in sorted(_STATES.keys() | {k.split("-")[0] for k in _STATES}, key=len, reverse=True)
    )
    + r")\b"
)
_STATE_WORD_IN_TEXT_HINT_RE = re.compile(_STATE_WORD_IN_TEXT_RE.pattern.removeprefix(r"\b"))


def _hyphenate_states(folded: str) -> str:
    """A folded region or sentence with the states written with a space hyphenated
    ("nordrhein westfalen" → "nordrhein-westfalen"). Only where places are read (the region
    field, the applicant sentences): on every folded text it made reading applicants and
    region a sixth slower."""
    return _SPACED_STATE_RE.sub(
        lambda m: name if (name := f"{m.group(1)}-{m.group(2)}") in _STATES else m.group(0),
        folded,
    )


def applicants_from_list(types: Sequence[str]) -> CallApplicants:
    """Levels and other types of a structured applicant list."""
    return _applicants_from_list(tuple(types))


@lru_cache(maxsize=4096)
def _applicants_from_list(types: tuple[str, ...]) -> CallApplicants:
    levels: set[str] = set()
    others: set[str] = set()
    for name in types:
        lv, ot = type_kinds(name)
        levels |= lv
        others |= ot
    return CallApplicants(frozenset(levels), frozenset(others), "list")


# a full stop after a number is a date or an ordinal ("bis zum 30. September"), not an end
# and one after a single letter is an abbreviation ("u. a.", "z. B.")
_SENTENCE_END_RE = re.compile(r"(?<=[.;:!?])(?<!\d\.)(?<!\b[^\W\d_]\.)\s+|\n+")
# A heading that says who may apply without the words of an applicant sentence
# ("III. Antragsberechtigung:"): read only as a heading, since "die Antragsberechtigung
# prüft die Bewilligungsbehörde" says nothing about who may apply.
_HEADING_TRIGGER_RE = re.compile(r"antragsberechtigung|forderberechtigung")


def _is_heading(sentence: str) -> bool:
    """Whether a sentence (folded or as written) is a heading the applicants follow."""
    sentence = sentence.strip()
    if sentence.endswith((":", "?")):
        return True
    numbering = NUMBERING_RE.match(sentence)
    words = sentence[numbering.end() :] if numbering else sentence
    if sentence.endswith((".", ";", "!")) and not (numbering and sentence.endswith(".")):
        return False
    folded = _fold_text(words)
    # "Antragsberechtigt nur Landkreise" names its applicants: no heading
    return (
        len(words.split()) <= 4
        and not HEADING_VERB_RE.search(folded)
        and first_term_at(folded) is None
    )


def _names_applicants(sentence: str) -> bool:
    """Whether a folded sentence says who may apply, or is a heading for the sentence that does."""
    return bool(_TRIGGER_RE.search(sentence)) or bool(
        _HEADING_TRIGGER_RE.search(sentence) and _is_heading(sentence)
    )


def _split_sentences(text: str) -> list[str]:
    """The sentences of a text, with a numbering that stands alone ("III." split off
    "III. Antragsberechtigung:", "§ 3" on a line of its own) put in front of the next."""
    out: list[str] = []
    for sentence in _SENTENCE_END_RE.split(text):
        if out and NUMBERING_RE.fullmatch(out[-1].strip()):
            out[-1] = f"{out[-1].strip()} {sentence}"
        else:
            out.append(sentence)
    return out


def _with_heading(sentences: Sequence[str], i: int) -> str:
    """Sentence `i`, with the sentence after it when it is a heading ("4. Zuwendungsempfänger"):
    a heading alone does not say who may apply, nor would it let the officer check."""
    if _is_heading(sentences[i]) and i + 1 < len(sentences):
        return f"{sentences[i]} {sentences[i + 1]}"
    return sentences[i]


# Small: the applicants and the region of one call read the same text one after the other.
@lru_cache(maxsize=64)
def applicant_sentences(text: str) -> tuple[str, ...]:
    """The sentences of a call text that say who may apply (folded lowercase).

    After a heading such as "Antragsberechtigt:", "Wer wird gefördert?" or "4.
    Zuwendungsempfänger" the applicants follow in the next sentence, which is read with it.
    """
    sentences = _split_sentences(_fold_text(text))
    return tuple(
        _with_heading(sentences, i) for i, s in enumerate(sentences) if _names_applicants(s)
    )


# Where the applicants must be, and whom they work with, is not who they are: "Vereine mit
# Sitz in Gemeinden unter 20.000 Einwohnern" admits associations, not municipalities, and so
# does "Vereine gemeinsam mit ihrer Kommune".
_NOT_APPLICANTS_RE = re.compile(
    r"\b(?:mit sitz (?:in|im)|ansassig (?:in|im)|gemeinsam mit|in zusammenarbeit mit"
    r"|in kooperation mit|together with|in cooperation with)\b[^,;.]*"
)

# A sentence that says who may not apply ("Kommunen sind nicht antragsberechtigt"), and the
# exceptions after "ausgenommen", "nicht jedoch" … in a sentence that says who may.
# ("not eligible" is left out: in EU calls it is said of costs and activities, not applicants)
# Only the predicate: "mit nicht antragsberechtigten Partnern" excludes no one.
_EXCLUDED_RE = re.compile(
    r"\bnicht (?:antragsberechtigt|zuwendungsempfangsberechtigt)(?!\w)"
    r"|\bnicht zuwendungsempfang(?!sberechtigt\w)"
)
_EXCEPT_RE = re.compile(
    r"\b(?:nicht jedoch|jedoch nicht|nicht aber|aber nicht|ausgenommen|mit ausnahme|ausser"
    r"|except|excluding)\b"
)
# Sentences of their own that exclude their subject: "Landkreise sind (von der Förderung)
# ausgeschlossen", "Ausgeschlossen sind Landkreise", "Landkreise können nicht antragstellen /
# keine Anträge stellen". They only take applicants out of those another sentence admits.
_EXCLUDED_SUBJECT_RES = [
    re.compile(
        r"^(?:die\s+|alle\s+)?(?P<who>[^;:,]{3,80}?)\s+(?:sind|ist)\s+"
        r"(?:(?:grundsatzlich|jedoch|hingegen|davon|ebenfalls)\s+)*"
        r"(?:von\s+der\s+(?:forderung|antragstellung|teilnahme)\s+)?ausgeschlossen\b"
    ),
    re.compile(
        r"^(?:von\s+der\s+(?:forderung|antragstellung|teilnahme)\s+)?ausgeschlossen\s+"
        r"(?:sind|ist)\s+(?:die\s+|alle\s+)?(?P<who>[^;:,]{3,80}?)\s*[.;]?$"
    ),
    re.compile(
        r"^(?:die\s+|alle\s+)?(?P<who>[^;:,]{3,80}?)\s+(?:konnen|durfen)\s+"
        r"(?:nicht|keine)\s+(?:antrag\w*|antrage stellen|beantragen|teilnehmen|zuwendung\w*)"
    ),
]
_EXCLUDED_ANYWHERE_RE = re.compile(
    # "… ist nicht ausgeschlossen" allows
    r"(?<!nicht )ausgeschlossen|\b(?:konnen|durfen) (?:nicht|keine)\b"
)
# An exclusion's subject ends at its clause: in "Kreise sind nicht antragsberechtigt, können
# aber Vorhaben mehrerer kreisangehöriger Gemeinden koordinieren" the Gemeinden are not excluded.
_CLAUSE_AFTER_RE = re.compile(
    r",\s*(?:sondern|aber|jedoch|doch|wohl aber|konnen|durfen|sollen|werden|sie)\b|;"
)
# A qualified subject excludes part of a level, not the level: "größere Gemeinden",
# "Gemeinden über 10.000 Einwohner", "Kommunen mit mehr als 50.000 Einwohnern". Blanked before
# the exclusion is read, so "Kreise und größere Gemeinden" excludes the Kreise only. Local
# government nouns only: "kleine und mittlere Unternehmen" stay excluded.
_LOCAL_NOUN = r"\w*(?:gemeinden?|stadte?n?|kommunen?|kreise?n?|kreisstadte?n?)\b"
_QUALIFIED_SUBJECT_RE = re.compile(
    rf"\b(?:gross|klein|mittler)(?:e|en|ere|eren)\s+{_LOCAL_NOUN}"
    rf"|{_LOCAL_NOUN}\s+(?:mit\s+)?(?:(?:einer\s+)?einwohnerzahl\s+(?:von\s+)?)?"
    r"(?:uber|mehr als|ab|unter|weniger als|bis(?: zu)?|hochstens|mindestens)\s+"
    r"(?:\d{1,3}(?:[.\s]\d{3})+|\d+\s*(?:einwohner|ew\b))\w*(?:\s+einwohner\w*)?"
)
# a subject with a place or a condition ("Vorhaben in Kommunen sind ausgeschlossen") is not
# an applicant type
_NOT_A_TYPE_RE = re.compile(r"\b(?:in|im|von|vom|mit|aus|fur|bei|deren|dessen|ohne|als)\b")


# a quoted sentence is cut after this many characters
_QUOTE_MAX = 220
# The sentence that says who may apply is quoted whole: the clause after a ";" may exclude
# ("…; Kreise sind nicht antragsberechtigt"). Cut only when it is longer than a paragraph.
_APPLICANT_QUOTE_MAX = 400


def applicant_quote(call: CallDoc) -> str:
    """The sentence of a call that says who may apply, as written, for a reason to quote.

    The first "Antragsberechtigt sind …" sentence (with the sentence after a heading such as
    "Antragsberechtigt:" or "4. Zuwendungsempfänger"), else the first "X können … beantragen" sentence of a short
    notice; "" when there is none.
    """
    text = unicodedata.normalize("NFKC", "\n".join([call.title, read_summary(call), call.text]))
    text = text.replace("\u00ad", "")  # soft hyphens (the dashes stay, unlike in analysis)
    sentences = [" ".join(s.split()) for s in _quote_sentences(text)]
    unnamed = ""
    for i, sentence in enumerate(sentences):
        if _names_applicants(_fold_text(sentence)):
            sentence = _quote_with_heading(sentences, i)
            # "The co-financing rate is 60 % of eligible costs" has the trigger word but names
            # no applicant: quote a sentence that names some, else the first
            if first_term_at(_fold_text(sentence)) is not None:
                return _clip(sentence, _APPLICANT_QUOTE_MAX)
            unnamed = unnamed or sentence
    if unnamed:
        return _clip(unnamed, _APPLICANT_QUOTE_MAX)
    for sentence in sentences:
        folded = _fold_text(sentence)
        if not _NEGATION_RE.search(folded) and any(p.search(folded) for p in _SUBJECT_RES):
            return _clip(sentence, _APPLICANT_QUOTE_MAX)
    return ""


# The sentences a quote is made of. Not those the applicants are read from
# (_SENTENCE_END_RE, which the evaluation measures): a quote keeps the clauses after a ";"
# ("…; Kreise sind nicht antragsberechtigt"), which change whom it admits, and ends after a
# year ("… is 12 March 2027. Lead partners must be …"); a day ("30. September") or a
# section number ("3. Zuwendungsempfänger") does not end it.
_QUOTE_END_RE = re.compile(r"(?<=[.:!?])(?<!\b\d\.)(?<!\b\d\d\.)(?<!\b[^\W\d_]\.)\s+|\n+")


_QUOTE_HEADING_WORDS = 6  # "4. Zuwendungsempfänger", "Who can apply:", "Antragsberechtigt:"


def _quote_sentences(text: str) -> list[str]:
    """The whole sentences of a text, for a quote (`_QUOTE_END_RE`), a numbering that stands
    alone ("III.") in front of the next as in `_split_sentences`."""
    out: list[str] = []
    for sentence in _QUOTE_END_RE.split(text):
        if out and NUMBERING_RE.fullmatch(out[-1].strip()):
            out[-1] = f"{out[-1].strip()} {sentence}"
        elif sentence.strip():
            out.append(sentence)
    return out


def _quote_with_heading(sentences: Sequence[str], i: int) -> str:
    """Sentence `i` for a quote, after a heading with the sentence that follows. A numbered
    section title ("3. Zuwendungsempfänger.") is left out when that sentence says itself who
    may apply ("Antragsberechtigt sind …"): it is no part of what the call says. In front of
    a mere list ("Landkreise und kreisfreie Städte.") and unnumbered ("Antragsberechtigt:")
    it stays, since the list needs it."""
    # a long sentence ending with ":" introduces a list of topics, not of applicants
    if not (
        _is_heading(sentences[i])
        and i + 1 < len(sentences)
        and len(sentences[i].split()) <= _QUOTE_HEADING_WORDS
    ):
        return sentences[i]
    if NUMBERING_RE.match(sentences[i].strip()) and _TRIGGER_RE.search(
        _fold_text(sentences[i + 1])
    ):
        return sentences[i + 1]
    return f"{sentences[i]} {sentences[i + 1]}"


def _clip(sentence: str, limit: int = _QUOTE_MAX) -> str:
    if len(sentence) <= limit:
        return sentence
    return sentence[:limit].rsplit(" ", 1)[0] + " …"


def applicant_subjects(text: str) -> list[str]:
    """Who a short notice addresses: the subjects of "X können … beantragen" and the like."""
    return [who for who, _ in _subject_sentences(text)]


def _subject_sentences(text: str) -> list[tuple[str, str]]:
    """(subject, sentence) of each "X können … beantragen" and the like (folded)."""
    found: list[tuple[str, str]] = []
    for sentence in _SENTENCE_END_RE.split(_fold_text(text)):
        if not _NEGATION_RE.search(sentence):
            found += [(m.group("who"), sentence) for p in _SUBJECT_RES if (m := p.search(sentence))]
    return found


@dataclass(frozen=True, slots=True)
class _Reading:
    """What the applicant sentences of a text admit and exclude."""

    levels: frozenset[str]
    others: frozenset[str]
    excluded_levels: frozenset[str]
    excluded_others: frozenset[str]
    open: bool


def applicants_from_text(text: str) -> CallApplicants:
    """Levels and other types named in the applicant sentences of a call text.

    Without an "Antragsberechtigt sind …" sentence, the subjects of sentences such as
    "Kommunen können … beantragen" are read instead.
    """
    r = _read_text(text)
    if r.excluded_levels or r.excluded_others:
        # an exclusion says something too: whoever is left (maybe no one of ours) may apply;
        # a level it names is excluded even from an open list
        return CallApplicants(
            r.levels - r.excluded_levels,
            r.others - r.excluded_others,
            "text",
            r.open and not r.excluded_levels,
        )
    source = "text" if r.levels or r.others else "none"
    return CallApplicants(r.levels, r.others, source, r.open)


@lru_cache(maxsize=64)
def _read_text(text: str) -> _Reading:
    levels, others, excluded_levels, excluded_others, is_open = _sentence_terms(text)
    if not (levels or others or excluded_levels or excluded_others):
        for who, sentence in _subject_sentences(text):
            lv, ot = match_terms(who)
            levels |= lv
            others |= ot
            # "Kreise können gemeinsam mit ihren Gemeinden Anträge stellen" adds the Kreise
            is_open = is_open or bool(
                (lv or ot) and (_opens_list(sentence, who) or _JOINT_RE.search(sentence))
            )
    if levels or others:
        lv, ot = _excluded_subjects(text)
        excluded_levels |= lv
        excluded_others |= ot
    return _Reading(
        frozenset(levels),
        frozenset(others),
        frozenset(excluded_levels),
        frozenset(excluded_others),
        is_open,
    )


def _opens_list(sentence: str, named: str) -> bool:
    """Whether "unter anderem", "auch" … opens the list: before the first applicant `named`
    names and before any comma ("gemeinnützige Träger, insbesondere Verbände" is complete)."""
    m = _OPEN_RE.search(sentence)
    if not m or "," in sentence[: m.start()]:
        return False
    first = first_term_at(named)
    at = sentence.find(named)
    return first is not None and at >= 0 and m.start() < at + first


def _excluded_subjects(text: str) -> tuple[set[str], set[str]]:
    """Levels and types that sentences such as "Landkreise sind ausgeschlossen" exclude."""
    levels: set[str] = set()
    others: set[str] = set()
    folded = _fold_text(text)
    if not _EXCLUDED_ANYWHERE_RE.search(folded):  # most texts: one scan instead of a split
        return levels, others
    for sentence in _SENTENCE_END_RE.split(folded):
        for pattern in _EXCLUDED_SUBJECT_RES:
            m = pattern.search(sentence.strip())
            if m and not _NOT_A_TYPE_RE.search(m.group("who")):
                # not named Kreise, nor a whole level for "größere Gemeinden"
                who = _named_places(m.group("who"))[2]
                lv, ot = match_terms(_QUALIFIED_SUBJECT_RE.sub(" ", who))
                levels |= lv
                others |= ot
    return levels, others


def _sentence_terms(text: str) -> tuple[set[str], set[str], set[str], set[str], bool]:
    """Levels and other types the applicant sentences admit, those they exclude, and
    whether the list is open (examples only, or an addition)."""
    levels: set[str] = set()
    others: set[str] = set()
    excluded_levels: set[str] = set()
    excluded_others: set[str] = set()
    is_open = False
    for sentence in applicant_sentences(text):
        sentence = _NOT_APPLICANTS_RE.sub(" ", sentence)
        admitted, excluded = sentence, ""
        if m := _EXCLUDED_RE.search(sentence):
            clause = _CLAUSE_AFTER_RE.search(sentence, m.end())
            admitted, excluded = "", sentence[: clause.start() if clause else len(sentence)]
        elif m := _EXCEPT_RE.search(sentence):
            admitted, excluded = sentence[: m.start()], sentence[m.end() :]
        lv, ot = match_terms(admitted)
        levels |= lv
        others |= ot
        is_open = is_open or bool((lv or ot) and _opens_list(admitted, admitted))
        # "nicht antragsberechtigt sind die Kreise Gütersloh und Herford" excludes those
        # Kreise (`_other_places` reads them), not every Kreis; "größere Gemeinden" no level
        lv, ot = match_terms(_QUALIFIED_SUBJECT_RE.sub(" ", _named_places(excluded)[2]))
        excluded_levels |= lv
        excluded_others |= ot
    return levels, others, excluded_levels, excluded_others, is_open


def narrowed_by_text(call: CallDoc, allowed: frozenset[str]) -> frozenset[str]:
    """The levels of `allowed` (read from the applicant list) that the call's text admits.

    A source's list often says "Kommune" where the text is precise: "Antragsberechtigt sind
    Landkreise …", "Landkreise und kreisfreie Städte erhalten Zuschüsse …", "Gemeinden
    unterhalb der Kreisebene … Landkreise sind nicht antragsberechtigt". The text narrows the
    list, never widens it, and never to nothing (when they contradict each other the list
    stands); a text that names examples or adds applicants ("unter anderem …", "Kreise
    können gemeinsam mit ihren Gemeinden …") does not narrow it. So the verdict keeps its
    status and only says who of the county and its towns may apply.
    """
    if not call.eligible:
        return allowed
    # title, summary and text on lines of their own: a title ends without a full stop, and
    # its words ("… kommunaler Bildungslandschaften") are no part of the applicant sentence
    r = _read_text("\n".join([call.title, read_summary(call), call.text]))
    narrowed = (allowed & r.levels if r.levels and not r.open else allowed) - r.excluded_levels
    # the fallback readmits no level the text excludes explicitly ("Kreise … sind nicht
    # antragsberechtigt")
    return frozenset(narrowed) or (allowed - r.excluded_levels) or allowed


def call_applicants(call: CallDoc) -> CallApplicants:
    """From the structured list when there is one (refined by the text when it is vague),
    else from the text."""
    if call.eligible:
        return _refined_list(call, applicants_from_list(call.eligible))
    return applicants_from_text(_call_text(call))


# Categories of a structured list that do not say local government is meant: the
# Förderdatenbank's "Öffentliche Einrichtung" (a state or a university hospital is one too)
# and "Schulträger" (church and private ones are too). A list whose levels come from these
# alone is refined by what the text says explicitly (`_refined_list`).
_VAGUE_LIST_TYPES = frozenset(
    {"offentliche einrichtung", "schultrager", "public body", "anstalt des offentlichen rechts"}
)


@lru_cache(maxsize=1024)
def _vague_list(types: tuple[str, ...]) -> bool:
    """Whether the local-government levels of a list come from vague categories alone."""
    level_types = [t for t in types if type_kinds(t)[0]]
    return bool(level_types) and all(fold_type(t) in _VAGUE_LIST_TYPES for t in level_types)


def _refined_list(call: CallDoc, listed: CallApplicants) -> CallApplicants:
    """A vague list (`_VAGUE_LIST_TYPES`) without the levels the text excludes ("Schulen in
    kommunaler Trägerschaft … sind nicht antragsberechtigt") or leaves out (a closed
    applicant sentence that names only others: "Antragsberechtigt sind die Länder")."""
    if not _vague_list(tuple(call.eligible)):
        return listed
    folded = _fold_text("\n".join([call.title, read_summary(call), call.text]))
    # the Förderdatenbank's text repeats its list ("Förderberechtigte: Öffentliche
    # Einrichtung, Unternehmen."): that is the list, not the text's own restriction
    folded = folded.replace(", ".join(fold_type(t) for t in call.eligible), " ")
    r = _read_text(folded)
    if r.open:
        return listed
    if r.excluded_levels & listed.levels:
        levels = listed.levels - r.excluded_levels
        why = next(
            (
                sentence
                for sentence in _SENTENCE_END_RE.split(folded)
                if _excludes_clause(sentence) and match_terms(sentence)[0] & r.excluded_levels
            ),
            "",
        )
    elif r.others and not r.levels:
        levels = frozenset()
        why = next((s for s in applicant_sentences(folded) if any(match_terms(s))), "")
    else:
        return listed
    return CallApplicants(levels, listed.others, "list", refined=True, refined_by=why)


# how a summary cut off says so: "…", "...", "[…]", "[...]"
_CUT_MARK_RE = re.compile(r"\s*(?:\[?(?:…|\.\.\.)\]?)\s*$")
# a summary that ends a sentence (or a heading, a bracket, a quote)
_ENDS_SENTENCE_RE = re.compile(r"[.!?:;)\"“”»«]\s*$")


def read_summary(call: CallDoc) -> str:
    """The summary as the eligibility rules read it beside the text: nothing when it is the
    text's beginning ("… Antragsberechtigt sind Landkreise un", the text says how it goes on),
    and without an unfinished applicant sentence at its end when there is a text. A sentence cut off in the
    middle must not decide against the full one ("nur für die Kreise un"); a teaser without
    a full stop stays."""
    return _read_summary(call.summary, call.text)


@lru_cache(maxsize=64)  # read for applicants, region and quotes of the same call
def _read_summary(summary_as_written: str, text_as_written: str) -> str:
    summary = summary_as_written.strip()
    text = " ".join(text_as_written.split())
    if not summary or not text:
        return summary_as_written
    bare = " ".join(_CUT_MARK_RE.sub("", summary).split())
    if text.startswith(bare):
        return ""
    if _ENDS_SENTENCE_RE.search(summary):
        return summary_as_written
    ends = list(_SENTENCE_END_RE.finditer(summary))
    last = summary[ends[-1].end() :] if ends else summary
    # only an applicant sentence cut off: a teaser without a full stop stays
    if not _names_applicants(_fold_text(last)):
        return summary_as_written
    return summary[: ends[-1].start()] if ends else ""


def _call_text(call: CallDoc) -> str:
    return " ".join([call.title, read_summary(call), call.text])


def applicant_level(applicant: Applicant) -> str:
    """The level of one of the strategy's applicants (Landkreis, Gemeinde, Stadt …)."""
    return member_level(applicant.type)


@dataclass(frozen=True, slots=True)
class RegionCheck:
    status: str  # "eligible", "ineligible", "unknown"
    reason: str = ""
    # the strategy's applicants a call for a region the rules do not know names as its
    # applicants or places: only they may apply (empty: no such restriction)
    members: tuple[str, ...] = ()


def text_regions(call: CallDoc, body: str | None = None) -> list[str]:
    """States and administrative districts a notice's applicant sentences require (folded).

    "Antragsberechtigt sind Kommunen in Bayern und Thüringen" gives ["bayern", "thuringen"].
    Read with an applicant list too: a source's list says who, its region field may still be
    only "Bund" while the text admits schools "aus Berlin, Brandenburg …" alone. `body`:
    summary and text folded, when the caller has them (folding is most of the time here).
    """
    if body is None:
        body = _fold_text("\n".join([read_summary(call), call.text]))
    folded = f"{_fold_text(call.title)}\n{body}"
    # most texts name no state or district after "in" / "aus" (nor a state with a space):
    # a few scans that can skip ahead (no "\b" first; the patterns themselves decide after),
    # and only the sentences with one are read; reading every sentence of every call, now
    # that calls with a list count too, had doubled the time of the region check
    hits = sorted(
        (
            m
            for pattern, present in (
                # also the first word of a state written with a space ("in baden wurttemberg")
                (_STATE_WORD_IN_TEXT_RE, bool(_STATE_WORD_IN_TEXT_HINT_RE.search(folded))),
                (_STATE_GROUP_IN_TEXT_RE, "lander" in folded or "ostdeutsch" in folded),
                (_DISTRICT_IN_TEXT_RE, "regierungsbezirk" in folded),
                (_BARE_DISTRICTS_RE, _mentions_alone_district(folded)),
            )
            if present
            for m in pattern.finditer(folded)
        ),
        key=lambda m: m.start(),
    )
    found: list[str] = []
    starts: set[int] = set()
    for m in hits:
        # the sentence around it, found from there (splitting whole texts was most of the time)
        start = _sentence_start(folded, m.start())
        if start in starts:
            continue
        starts.add(start)
        after = _SENTENCE_END_RE.search(folded, m.end())
        sentence = _hyphenate_states(folded[start : after.start() if after else None])
        # an applicant sentence, or one after an applicant heading ("Antragsberechtigt:");
        # "In dieser Programmrunde können ausschließlich Schulen aus Berlin … teilnehmen"
        # says who may take part without an applicant word: such a subject's sentence too
        if not (
            _names_applicants(sentence)
            or _after_applicant_heading(folded, start)
            or (
                _SUBJECT_VERB_RE.search(sentence)
                and not _NEGATION_RE.search(sentence)
                and any(p.search(sentence) for p in _SUBJECT_RES)
            )
        ):
            continue
        found += ["regierungsbezirk " + d for d, _ in _districts_in(sentence)]
        found += ["ostdeutschland"] if _STATE_GROUP_IN_TEXT_RE.search(sentence) else []
        first = next(
            (
                m
                for m in _STATE_IN_TEXT_RE.finditer(sentence)
                if not _OFFICE_BEFORE_RE.search(sentence, max(0, m.start() - 60), m.start())
            ),
            None,
        )
        if first:  # "in Bayern und Thüringen": the states named from there on, as one list
            found += _ANY_STATE_RE.findall(sentence, first.start(), first.end() + 60)
    return list(dict.fromkeys(found))


# Where to apply or to present, not where the applicants are: "… bei der Geschäftsstelle in
# Berlin bewerben", "… beim Projektträger in Berlin ein", "auf einer Konferenz in Berlin". Only
# an office or event noun after "bei/an/auf …" right before "in <Land>" counts: "bei diesem
# Aufruf nur Kommunen in Bayern", "an die Kommunen in Bayern" or "Kommunen und
# Beratungsstellen in Bayern" name where the applicants are.
_OFFICE_BEFORE_RE = re.compile(
    r"\b(?:bei|beim|an|auf|zur|zum|vor)\s+(?:(?:der|die|das|den|dem|einer|einem|eine|ein)\s+)?"
    r"(?:\w+\s+)?(?:\w*(?:stelle|behorde|ministeri(?:um|en)|konferenz|tagung|veranstaltung"
    r"|workshop)|projekttrager)(?:s|n|en)?"
    # the office's name or its owner: "beim Projektträger Jülich", "der Stiftung", "des Bundes"
    r"(?:\s+(?:des|der|eines|einer)\s+[\w-]+|\s+[\w-]+)?\s+$"
)


def _sentence_start(text: str, at: int) -> int:
    """Where the sentence of a folded text that holds position `at` starts (looked for in the
    500 characters before it; a longer sentence is read from there)."""
    start = max(0, at - 500)
    for m in _SENTENCE_END_RE.finditer(text, start, at + 1):
        start = m.end()
    return start


def _after_applicant_heading(text: str, start: int) -> bool:
    """Whether the sentence of a folded text that starts at `start` follows a heading that
    names applicants ("Antragsberechtigt:", "4. Zuwendungsempfänger")."""
    end = start  # back over the blanks (no copy of the text before: this runs for every hit)
    while end and text[end - 1].isspace():
        end -= 1
    if not end or (text[end - 1] not in ":?" and end - _sentence_start(text, end - 1) > 80):
        return False  # no heading: it ends with a colon or is short
    before = text[_sentence_start(text, end - 1) : end]
    return _is_heading(before) and _names_applicants(before)


def check_region(call: CallDoc, profile: RegionProfile) -> RegionCheck:
    """Does the call's region (and a structurally-weak-only clause) include the county?

    A call for the whole country (or without a region) may still name the states or
    administrative districts its applicants must be in; those count then. A named region in
    the applicant sentences ("Kommunen im Rheinischen Revier") counts for any call. A call
    for a region the rules do not know that names some of the strategy's applicants as its
    applicants or places admits those.
    """
    # a line break between them: a summary cut off ("… ausschließlich gemeinnützige […]")
    # must not run into the text's first sentence
    folded = _fold_text("\n".join([read_summary(call), call.text]))
    weak = _weak_only(folded)
    if weak and profile.structurally_weak is False:
        return RegionCheck(
            "ineligible",
            _quoted(
                f"nur für strukturschwache Regionen – {owner_name(profile)} gilt nicht als "
                "strukturschwach",
                call,
                weak,
            ),
        )
    if weak and profile.structurally_weak is None:
        return RegionCheck(
            "unknown",
            _quoted(
                f"nur für strukturschwache Regionen – ob {owner_name(profile)} dazugehört, "
                "bitte prüfen (structurally_weak in der Strategie)",
                call,
                weak,
            ),
        )
    region = _hyphenate_states(_fold_text(call.region)).strip()
    own = _own_places(profile)
    if region in _NATIONWIDE:
        area, sentence = _programme_area(folded)
        if area and all(_part_verdict(part, *own) == "out" for part in area):
            return RegionCheck(
                "ineligible",
                _quoted(
                    f"laut Aufruftext nur für Antragsteller {_places_label(area)} – "
                    f"{owner_name(profile)} liegt nicht darin",
                    call,
                    sentence,
                ),
            )
        named = text_regions(call, folded)
        if named and all(_part_verdict(part, *own) == "out" for part in named):
            return RegionCheck(
                "ineligible",
                f"laut Aufruftext nur für Antragsteller {_places_label(named)} – "
                f"{owner_name(profile)} liegt nicht darin",
            )
        return _text_region_check(call, profile, folded)
    parts = [p.strip() for p in re.split(r",|;|/|\bund\b", region) if p.strip()]
    full = _own_county_full(profile)
    verdicts = [_noted_part_verdict(part, own, full) for part in parts]
    if "in" in verdicts:
        return _text_region_check(call, profile, folded)
    if verdicts and all(v == "out" for v in verdicts):
        return RegionCheck(
            "ineligible",
            f"nur für {call.region} – {owner_name(profile)} liegt nicht darin",
        )
    members = _members_named(folded, profile)
    if members and len(members) == len([a for a in profile.applicants if a.name]):
        return RegionCheck("eligible")  # the county named as the place, or all of us
    if members:
        return RegionCheck(
            "eligible",
            f"nur für {join_de(list(members))} (im Aufruf genannt)",
            members,
        )
    listed = _listed_places(folded)
    if listed is not None:
        names, sentence = listed
        own_names = {own[2]} | {
            _TYPE_PREFIX_RE.sub("", " ".join(_fold_text(a.name).split()))
            for a in profile.applicants
        }
        if not own_names & {_KIND_PREFIX_RE.sub("", n) for n in names}:
            return RegionCheck(
                "ineligible",
                _quoted(
                    f"laut Aufruftext nur für Antragsteller in {join_de(_as_written(call, names))}"
                    f" – {owner_name(profile)} liegt nicht darin",
                    call,
                    sentence,
                ),
            )
    return RegionCheck(
        "unknown",
        f"Förderregion „{call.region}“ – bitte prüfen, ob {owner_name(profile)} dazugehört",
    )


# A note in brackets after a region ("Rheinland (Verbandsgebiet NVR)") says whose area it is;
# the name before it places the region.
_REGION_NOTE_RE = re.compile(r"\s*\([^()]*\)")


def _noted_part_verdict(part: str, own: tuple[str, str, str], own_full: str) -> str:
    """`_part_verdict` of a part of a region field, else of the part without its note."""
    verdict = _part_verdict(part, *own, own_full=own_full)
    if verdict == "unknown" and _REGION_NOTE_RE.search(part):
        bare = _REGION_NOTE_RE.sub("", part).strip()
        if bare:
            return _part_verdict(bare, *own, own_full=own_full)
    return verdict


# The members of a region the rules do not know, listed in brackets in an applicant sentence:
# "die vier Kreise der Metropole Ruhr (Ennepe-Ruhr-Kreis, Recklinghausen, Unna, Wesel)",
# "in den Kommunen der LEADER-Region (Hamminkeln, Hünxe, Schermbeck, Voerde)". Examples
# ("u. a. Köln, Bonn") are no such list.
_BRACKET_LIST_RE = re.compile(
    r"\b(?:kreise|kommunen|gemeinden|stadte|region|gebiet)\b[^()]{0,60}\(([^()]+)\)"
)
_EXAMPLES_RE = re.compile(
    r"\b(?:u\. ?a\.|z\. ?b\.|unter anderem|zum beispiel|etwa|insbesondere|wie)\b"
)
_PLACE_NAME_RE = re.compile(r"[a-z][\w-]*(?: (?:an der|am|im|in der) [a-z][\w-]*)?")


def _listed_places(folded: str) -> tuple[list[str], str] | None:
    """The places (folded) an applicant sentence lists in brackets as a region's members, and
    the sentence; None when no sentence lists two or more names and nothing else. Else the
    members of an area a sentence names (`_area_members`)."""
    if "(" not in folded:
        return _area_members(folded)
    for sentence in applicant_sentences(folded):
        for m in _BRACKET_LIST_RE.finditer(sentence):
            inner = m.group(1)
            if _EXAMPLES_RE.search(inner) or re.search(r"\d", inner):
                continue
            names = [n.strip() for n in _NAME_SEP_RE.split(inner) if n.strip()]
            if len(names) >= 2 and all(
                _PLACE_NAME_RE.fullmatch(n)
                and n not in _NOT_A_NAME
                and first_term_at(re.sub(r"-kreis$", "", n)) is None
                for n in names
            ):
                return names, sentence
    return _area_members(folded)


# An area named by its members in a sentence on where the applicants or the projects must be:
# "aus dem Gebiet der euregio rhein-maas-nord: Kreis Kleve (Süd), Kreis Viersen, Rhein-Kreis
# Neuss, Stadt Mönchengladbach …" (after a colon, as applicants), "Projekte müssen im
# LEADER-Gebiet der Städte und Gemeinden Hamminkeln, Hünxe und Schermbeck umgesetzt werden".
_MEMBER_TOWNS_RE = re.compile(
    r"(?:gebiet|region)\w*\s+der\s+(?:stadte|gemeinden|kommunen)(?:\s+und\s+(?:stadte|gemeinden))?"
    r"\s+"
)
_MEMBER_COLON_RE = re.compile(r"(?:gebiet|region)\w*\s+(?:der|des)\s+[^.;:()]{0,60}:\s*([^;]+)")
_RESTRICTS_RE = re.compile(r"\b(?:mussen|nur|ausschliesslich)\b")
# a member named by its kind ("Kreis Kleve", "Rhein-Kreis Neuss", "Stadt Düsseldorf")
_KIND_PREFIX_RE = re.compile(r"^(?:(?:land)?kreis|stadt|gemeinde|[\w-]+-kreis)\s+")


def _area_members(folded: str) -> tuple[list[str], str] | None:
    """The members (folded, as named) of an area a sentence lists by name, and the sentence;
    None when no sentence does (see `_MEMBER_TOWNS_RE`, `_MEMBER_COLON_RE`)."""
    if "gebiet" not in folded and "region" not in folded:  # most texts
        return None
    for sentence in _split_sentences(folded):
        for m in _MEMBER_TOWNS_RE.finditer(sentence):
            if not _RESTRICTS_RE.search(sentence) or _EXAMPLES_RE.search(sentence, 0, m.end()):
                continue
            pos, names = m.end(), []
            while (name := _NAME_RE.match(sentence, pos)) and name.group(0) not in _NOT_A_NAME:
                names.append(name.group(0))
                if not (sep := _NAME_SEP_RE.match(sentence, name.end())):
                    break
                pos = sep.end()
            if len(names) >= 2:
                return names, sentence
    # a colon list ends the sentence: it is read with the applicant sentence before it
    for sentence in applicant_sentences(folded):
        colon = _MEMBER_COLON_RE.search(sentence)
        if not colon or _EXAMPLES_RE.search(colon.group(1)) or re.search(r"\d", colon.group(1)):
            continue
        listed = _REGION_NOTE_RE.sub("", colon.group(1)).strip().rstrip(".").strip()
        items = [i.strip() for i in _NAME_SEP_RE.split(listed) if i.strip()]
        # Kreise and towns by their kind, two or more: a list of places, not of applicants
        if sum(bool(_KIND_PREFIX_RE.match(i)) for i in items) >= 2 and all(
            len(i.split()) <= 4 for i in items
        ):
            return items, sentence
    return None


def _text_region_check(call: CallDoc, profile: RegionProfile, folded: str) -> RegionCheck:
    """A named region in the applicant sentences ("Kommunen im Rheinischen Revier", "…
    aus den Regionen des Strukturwandels (…)"), another administrative district ("…
    Gemeinden im Regierungsbezirk Detmold") or other Kreise by name only ("die Kreise
    Gütersloh, Herford und Lippe") for a call whose region field includes us."""
    excluded, excluding = _own_places_excluded(folded, profile)
    if excluded:
        # "Der Kreis Coesfeld ist nicht antragsberechtigt", "… mit Ausnahme der Stadt Dülmen"
        # exclude the county (or the town) as an applicant, not the others: they keep what
        # the rest of the text gives them
        names = [owner_name(profile) if n == profile.county else n for n in excluded]
        reason = _quoted(
            f"{join_de(names)} laut Aufruftext nicht antragsberechtigt", call, excluding
        )
        others = tuple(a.name for a in profile.applicants if a.name and a.name not in excluded)
        return (
            RegionCheck("eligible", reason, others) if others else RegionCheck("ineligible", reason)
        )
    other = _other_places(call, folded, profile)
    if other is not None:
        return RegionCheck(other[0], _quoted(other[1], call, other[2]))
    if not _mentions_region(folded):  # most texts: one scan
        return RegionCheck("eligible")
    regions, vague, sentence = _text_named_region(folded)
    if not sentence:
        return RegionCheck("eligible")
    verdict = _named_region_verdict(regions, profile.state, _own_county_full(profile))
    if verdict == "in":
        return RegionCheck("eligible")
    if verdict == "out" and not vague:
        labels = list(dict.fromkeys(r.label for r in regions))
        return RegionCheck(
            "ineligible",
            _quoted(
                f"laut Aufruftext nur für Antragsteller {' oder '.join(labels)} – "
                f"{owner_name(profile)} liegt nicht darin",
                call,
                sentence,
            ),
        )
    return RegionCheck(
        "unknown",
        _quoted(
            f"Förderregion laut Aufruftext eingeschränkt – bitte prüfen, ob "
            f"{owner_name(profile)} dazugehört",
            call,
            sentence,
        ),
    )


def _programme_area(folded: str) -> tuple[list[str], str]:
    """The German states (folded) of a programme area the partners must be located in, and
    the sentence that names them; ([], "") when the text names none."""
    if "area" not in folded and "programmgebiet" not in folded:  # most texts: two scans
        return [], ""
    for sentence in _SENTENCE_END_RE.split(folded):
        part = _GERMAN_PART_RE.search(sentence)
        if part and _PROGRAMME_AREA_RE.search(sentence) and _MUST_BE_LOCATED_RE.search(sentence):
            states = [_ENGLISH_STATES.get(m, m) for m in _STATE_NAME_RE.findall(part.group(1))]
            return list(dict.fromkeys(states)), sentence
    return [], ""


def _named_places(sentence: str) -> tuple[list[str], list[str], str]:
    """Kreise and towns an applicant sentence names by name ("die Kreise Gütersloh und
    Herford", "die Stadt Bielefeld"): the Kreise, the towns (folded names) and the sentence
    with them blanked."""
    counties: list[str] = []
    towns: list[str] = []
    rest = sentence
    for m in _NAMED_KIND_RE.finditer(sentence):
        pos, names = m.end(), []
        while (name := _NAME_RE.match(sentence, pos)) and not (
            name.group(0) in _NOT_A_NAME
            or first_term_at(name.group(0)) is not None
            or _ANY_STATE_RE.fullmatch(name.group(0))
        ):
            names.append(name.group(0))
            pos = name.end()
            if not (sep := _NAME_SEP_RE.match(sentence, pos)):
                break
            pos = sep.end()
        if names:
            (counties if "kreis" in m.group("kind") else towns).extend(names)
            rest = _blank(rest, m.start(), m.end() + len(" ".join(names)))
    return counties, towns, rest


def _excludes_clause(clause: str) -> bool:
    """Whether a folded clause (or sentence) excludes someone: "… nicht antragsberechtigt",
    "… sind ausgeschlossen", "… können nicht …"."""
    return bool(_EXCLUDED_RE.search(clause) or _EXCLUDED_ANYWHERE_RE.search(clause))


def _admitting_part(sentence: str) -> str:
    """The part of a folded applicant sentence that admits: without its clauses that exclude
    ("Nicht antragsberechtigt sind die Kreise …", "…; Kommunen im Rheinland sind
    ausgeschlossen") and without the exceptions after "ausgenommen", "mit Ausnahme" …. The
    places named there may not apply; read as a restriction they would shut out all others."""
    parts = []
    for clause in sentence.split(";"):
        if _excludes_clause(clause):
            continue
        if m := _EXCEPT_RE.search(clause):
            clause = clause[: m.start()]
        parts.append(clause)
    return ";".join(parts)


# a place named right after the exception word: "mit Ausnahme des Kreises …", "ausgenommen
# der Kreis …", "außer der Stadt …" ("ausgenommen Vorhaben, die … in der Stadt … gefördert
# wurden" excepts projects, not the town)
_EXCEPTED_PLACE_RE = re.compile(
    r"\s*(?:(?:ist|sind)\s+)?(?:von\s+|in\s+)?(?:(?:des|der|dem|den|die|das)\s+)?"
    r"(?=(?:land)?kreis(?:es|e)?\s|stadt\s|gemeinde\s)"
)


def _excluding_part(sentence: str) -> str:
    """The clauses of a folded sentence that exclude, and the places named right after
    "ausgenommen", "mit Ausnahme" …: what `_admitting_part` leaves out."""
    parts = []
    for clause in sentence.split(";"):
        if _excludes_clause(clause):
            parts.append(clause)
        elif (m := _EXCEPT_RE.search(clause)) and _EXCEPTED_PLACE_RE.match(clause, m.end()):
            parts.append(clause[m.end() :])
    return ";".join(parts)


def _own_places_excluded(folded: str, profile: RegionProfile) -> tuple[tuple[str, ...], str]:
    """The strategy's applicants a folded text excludes by name ("Die Kreise Coesfeld und
    Borken sind nicht antragsberechtigt", "… mit Ausnahme des Kreises Coesfeld / der Stadt
    Dülmen"), and the first sentence that does; ((), "") when it excludes none."""
    _, _, own_county = _own_places(profile)
    towns, counties, named_town = _member_names(
        tuple((a.name, a.type) for a in profile.applicants if a.name)
    )
    # most texts: a substring test and one scan
    if not (own_county and own_county in folded) and not (
        ("stadt" in folded or "gemeinde" in folded) and named_town.search(folded)
    ):
        return (), ""
    excluded: list[str] = []
    first = ""
    for sentence in _SENTENCE_END_RE.split(folded):
        named_counties, named_towns, _ = _named_places(_excluding_part(sentence))
        found = [towns[t] for t in named_towns if t in towns]
        if profile.county and own_county and own_county in named_counties:
            found = [*(counties or [profile.county]), *found]
        if found:
            excluded += found
            first = first or sentence
    return tuple(dict.fromkeys(excluded)), first


@lru_cache(maxsize=8)
def _member_names(
    members: tuple[tuple[str, str], ...],
) -> tuple[dict[str, str], list[str], re.Pattern[str]]:
    """Of the strategy's applicants (name, type): the towns by folded name ("dulmen":
    "Dülmen"), the counties, and a pattern for a town named after its kind ("stadt dulmen",
    as `_named_places` reads it; a county is named as a Kreis, so "die Stadt Coesfeld" is a
    town of it)."""
    towns = {
        _TYPE_PREFIX_RE.sub("", " ".join(_fold_text(name).split())): name
        for name, kind in members
        if member_level(kind) != COUNTY
    }
    counties = [name for name, kind in members if member_level(kind) == COUNTY]
    names = "|".join(re.escape(t) for t in towns) or "(?!)"
    # no word boundary first: the scan can then skip to the letters "s" and "g" (half the time)
    return towns, counties, re.compile(rf"(?:stadt|gemeinde)\s+(?:{names})(?![\w-])")


def _mentions_alone_district(folded: str) -> bool:
    """Whether a folded text may name a district by its name alone (`_BARE_DISTRICTS_RE`)."""
    return any(name in folded for name in _ALONE_NAMES)


def _districts_in(sentence: str) -> list[tuple[str, int]]:
    """The administrative districts (folded names) a folded sentence places someone in, each
    with where it is named: "im Regierungsbezirk Detmold", and the names that alone are one
    ("in Unterfranken", "in Ober- und Mittelfranken")."""
    found = [(m.group(1), m.start()) for m in _DISTRICT_IN_TEXT_RE.finditer(sentence)]
    bare = _BARE_DISTRICTS_RE.finditer(sentence) if _mentions_alone_district(sentence) else ()
    for m in bare:
        items = [re.sub(r"^der\s+", "", i) for i in _BARE_SEP_RE.split(m.group("list")) if i]
        for i, item in enumerate(items):
            if item.endswith("-"):  # "ober-" of "Ober- und Mittelfranken"
                whole = next((n for n in items[i + 1 :] if not n.endswith("-")), "")
                item = next(
                    (
                        c
                        for j in range(1, len(whole))
                        if (c := item[:-1] + whole[j:]) in ADMIN_DISTRICTS
                    ),
                    "",
                )
            if item:
                found.append((item, m.start()))
    return found


def _place_counties(call: CallDoc, sentence: str) -> list[str]:
    """The Kreise (folded names) a folded applicant sentence names as the place of its
    applicants ("Kommunen in den Kreisen Borken und Steinfurt"), not after a preference or an
    alternative; a state, a region or a word written in lower case ("in den Kreisen
    Nordrhein-Westfalens", "… entlang der Grenze") is no Kreis."""
    found: list[str] = []
    for m in _PLACE_COUNTIES_RE.finditer(sentence):
        before = sentence[: m.start()]
        if _PREFERENCE_BEFORE_RE.search(before) or _ALTERNATIVE_BEFORE_RE.search(before):
            continue
        pos = m.end()
        while (name := _NAME_RE.match(sentence, pos)) and not (
            name.group(0) in _NOT_A_NAME
            or first_term_at(name.group(0)) is not None
            or name.group(0).removesuffix("s") in _STATES  # "Nordrhein-Westfalens"
            or any(p.match(name.group(0)) for p, _ in _NAMED_REGIONS)
            or name.group(0) in ADMIN_DISTRICTS
        ):
            found.append(name.group(0))
            if not (sep := _NAME_SEP_RE.match(sentence, name.end())):
                break
            pos = sep.end()
    written = _as_written(call, found)
    return [n for n, w in zip(found, written, strict=True) if w[:1].isupper()]


# places beside the named ones the rules cannot check: "im Kreis Borken oder in angrenzenden
# Kreisen" (the county may be such a neighbour)
_NEIGHBOURS_RE = re.compile(
    r"\b(?:oder|und|sowie)\s+(?:\w+\s+){0,3}?(?:angrenzend|benachbart|umliegend|anliegend"
    r"|anrainer|nachbar(?!schaft))"
)


def _other_places(
    call: CallDoc, folded: str, profile: RegionProfile
) -> tuple[str, str, str] | None:
    """The status ("ineligible"), reason and sentence when an applicant sentence admits only
    applicants in another administrative district ("… im Regierungsbezirk Detmold") or other
    Kreise named by name ("Antragsberechtigt sind die Kreise Gütersloh, Herford und Lippe");
    "unknown" when it adds their neighbours ("… oder in angrenzenden Kreisen"); None else."""
    # every such sentence holds one of these words: most texts are decided by a scan
    if not (
        ("regierungsbezirk" in folded and _DISTRICT_IN_TEXT_RE.search(folded))
        # (substring tests first: the two place patterns start at every "in")
        or (_mentions_alone_district(folded) and _BARE_DISTRICTS_RE.search(folded))
        or _NAMED_COUNTIES_RE.search(folded)
        or ("kreis" in folded and _PLACE_COUNTIES_RE.search(folded))
        or any("kreis" in s for s in _area_sentences(folded))
    ):
        return None
    _, own_district, own_county = _own_places(profile)
    own_names = {own_county} | {
        _TYPE_PREFIX_RE.sub("", " ".join(_fold_text(a.name).split())) for a in profile.applicants
    }
    # where the projects must be ("ausschließlich für Vorhaben im Regierungsbezirk Detmold")
    # restricts the applicants as well
    applicants = applicant_sentences(folded)
    near = ""
    for sentence in (*applicants, *_area_sentences(folded)):
        if _RATE_RE.search(sentence):
            continue
        admitting = _admitting_part(sentence)
        districts = [
            name
            for name, at in _districts_in(admitting)
            if not _PREFERENCE_BEFORE_RE.search(admitting[:at])
            and not _ALTERNATIVE_BEFORE_RE.search(admitting[:at])
        ]
        counties, towns, rest = _named_places(admitting)
        places = _place_counties(call, admitting)
        if own_district in districts or own_names & {*counties, *towns, *places}:
            continue  # ours among them
        if (districts or counties or places) and _NEIGHBOURS_RE.search(admitting):
            # unknown as other places the rules cannot place in an applicant sentence; in a
            # funding area such a place leaves the call as it was
            near = near or (sentence if sentence in applicants else "")
            continue
        owner = owner_name(profile)
        if districts:
            places = ["regierungsbezirk " + d for d in dict.fromkeys(districts)]
            return (
                "ineligible",
                f"laut Aufruftext nur für Antragsteller {_places_label(places)} – "
                f"{owner} liegt nicht darin",
                sentence,
            )
        if counties and not match_terms(rest)[0]:
            named = list(dict.fromkeys(counties))  # a Kreis named twice is one Kreis
            written = join_de(_as_written(call, named))
            which = "die Kreise" if len(named) > 1 else "den Kreis"
            return (
                "ineligible",
                f"laut Aufruftext nur für {which} {written} – {owner} ist nicht darunter",
                sentence,
            )
        if places:
            where = "in den Kreisen" if len(places) > 1 else "im Kreis"
            written = join_de(_as_written(call, places))
            return (
                "ineligible",
                f"laut Aufruftext nur für Antragsteller {where} {written} – {owner} liegt nicht "
                "darin",
                sentence,
            )
    if near:
        return (
            "unknown",
            f"Förderregion laut Aufruftext eingeschränkt – bitte prüfen, ob "
            f"{owner_name(profile)} dazugehört",
            near,
        )
    return None


def _as_written(call: CallDoc, names: Sequence[str]) -> list[str]:
    """Folded names ("gutersloh") as the call writes them ("Gütersloh")."""
    words = re.findall(r"[\w-]+", unicodedata.normalize("NFKC", f"{call.summary} {call.text}"))
    written: dict[str, str] = {}
    for word in words:
        written.setdefault(_fold_text(word).strip(), word)
    # word by word: "stadt monchengladbach" → "Stadt Mönchengladbach"
    return [" ".join(written.get(w, w.title()) for w in name.split()) for name in names]


def _own_county_full(profile: RegionProfile) -> str:
    """The profile's county (or kreisfreie Stadt) folded in full ("kreis coesfeld")."""
    city = next((a.name for a in profile.applicants if applicant_level(a) == KREISFREI), "")
    return " ".join(_fold_text(profile.county or city).split())


# A sentence that names where the applicants are or who they are: an applicant sentence, or
# one that says which places a region comprises ("aus den Gemeinden …", "umfasst …"). A town
# named elsewhere (the funder's address, an example project) is no applicant.
_MEMBER_CUE_RE = re.compile(
    r"\b(?:aus|in)\s+den\s+(?:stadten|gemeinden|kommunen|orten|mitgliedskommunen)\b"
    r"|\b(?:umfasst|umfassen|besteht aus|bestehend aus|gehoren|zahlen)\b|\bmitgliedskommunen\b"
    # "im LEADER-Gebiet der Städte und Gemeinden …"
    r"|(?:gebiet|region)\w*\s+der\s+(?:stadte|gemeinden|kommunen)\b"
)
# a town named like the county ("Coesfeld") is not the county ("Kreis Coesfeld"); in a list
# after the plural ("Kreise Borken, Coesfeld und Steinfurt") every name is a Kreis
_COUNTY_BEFORE_RE = re.compile(
    r"\b(?:land)?kreis(?:es|e|en)?\s+(?:[a-z][\w-]*\s*(?:,|\bund\b|\bsowie\b)\s*)*$"
)
# the county among the members of an area in brackets ("mit Sitz im EUREGIO-Gebiet (u. a.
# Kreise Borken, Coesfeld …)"): the area holds its territory, so the county and its towns
_AREA_BRACKET_RE = re.compile(r"(?:gebiet|region|raum)\w*\s*\([^()]*$")
# "Kommunen im Kreis Coesfeld", "aus dem Gebiet des Kreises …": the county as the place
_COUNTY_PLACE_RE = re.compile(
    r"\b(?:im|in dem|aus dem|des|im gebiet des|aus dem gebiet des)\s+"
    r"(?:(?:land)?kreis(?:es)?\s+)?$"
)
_TYPE_PREFIX_RE = re.compile(r"^(?:stadt|gemeinde|markt|ortsgemeinde|verbandsgemeinde)\s+")


def _members_named(folded: str, profile: RegionProfile) -> tuple[str, ...]:
    """The strategy's applicants a folded text names as applicants or places ("… aus den
    Gemeinden Billerbeck, Havixbeck, …"), in the order the text names them; every applicant
    when it names the county as the place ("Kommunen im Kreis Coesfeld")."""
    sentences = [
        s
        for s in _SENTENCE_END_RE.split(folded)
        if _TRIGGER_RE.search(s) or _MEMBER_CUE_RE.search(s)
    ]
    text = "\n".join(sentences)
    found: dict[str, int] = {}
    for applicant in profile.applicants:
        name = " ".join(_fold_text(applicant.name).split())
        if not name or not text:
            continue
        county = applicant_level(applicant) == COUNTY
        short = name.split()[-1] if county else _TYPE_PREFIX_RE.sub("", name)
        pattern = re.compile(rf"(?<![\w-])(?:{re.escape(name)}|{re.escape(short)})(?![\w-])")
        for m in pattern.finditer(text):
            # (the end of the text before it is enough, and keeps the scans short)
            before = text[max(0, m.start() - 300) : m.start()]
            # "Kreis Coesfeld" names the county, "Coesfeld" alone the town
            if county != bool(_COUNTY_BEFORE_RE.search(before) or m.group(0) == name != short):
                continue
            if county and (_COUNTY_PLACE_RE.search(before) or _AREA_BRACKET_RE.search(before)):
                return tuple(a.name for a in profile.applicants if a.name)
            found.setdefault(applicant.name, m.start())
    return tuple(sorted(found, key=found.__getitem__))


def _own_places(profile: RegionProfile) -> tuple[str, str, str]:
    """The profile's state, district name and county name, folded ("munster", "coesfeld")."""
    own_district = _fold_text(profile.administrative_district)
    # a kreisfreie Stadt has no county: a call for "Stadt Münster" is its own
    city = next((a.name for a in profile.applicants if applicant_level(a) == KREISFREI), "")
    own_county = _fold_text(profile.county or city)
    return (
        _fold_text(profile.state),
        own_district.split()[-1] if own_district else "",
        own_county.split()[-1] if own_county else "",
    )


def _places_label(places: Sequence[str]) -> str:
    """["bayern", "thuringen"] → "in Bayern und Thüringen"; districts "im Regierungsbezirk …"."""
    districts = [
        ADMIN_DISTRICTS[name][0] if name in ADMIN_DISTRICTS else name.title()
        for p in places
        if p.startswith("regierungsbezirk") and (name := p.split(None, 1)[1])
    ]
    states = [
        _STATE_GROUPS[p][0] if p in _STATE_GROUPS else _STATES.get(p, p.title())
        for p in places
        if not p.startswith("regierungsbezirk")
    ]
    labels = [
        prefix + join_de(names)
        for prefix, names in (
            ("in ", states),
            (
                "in den Regierungsbezirken " if len(districts) > 1 else "im Regierungsbezirk ",
                districts,
            ),
        )
        if names
    ]
    return " oder ".join(labels)


def _part_verdict(
    part: str, own_state: str, own_district: str, own_county: str, *, own_full: str = ""
) -> str:
    if part in _NATIONWIDE:
        return "in"
    named = [r for p, r in _NAMED_REGIONS if p.fullmatch(part)]
    if named and own_full:  # "Rheinisches Revier"
        return _named_region_verdict(named, own_state, own_full)
    if own_county and re.search(rf"\b{re.escape(own_county)}\b", part):
        return "in"
    district = _DISTRICT_RE.search(part)
    if district:
        return "in" if own_district and district.group(1) == own_district else "out"
    if (bare := ADMIN_DISTRICTS.get(part)) and bare[2]:  # "Oberbayern"
        if own_district:
            return "in" if part == own_district else "out"
        return "unknown" if bare[1] == _fold_text(_STATES.get(own_state, own_state)) else "out"
    county = _COUNTY_RE.search(part)
    if county:
        return "in" if own_county and county.group(1) == own_county else "out"
    if part in _STATE_GROUPS or _STATE_GROUP_RE.search(part):
        # "neue Bundesländer", "Ostdeutschland": in when the own state is one of them
        return "in" if _fold_text(_STATES.get(own_state, own_state)) in _EAST else "out"
    state = _STATES.get(part) or next(
        (name for key, name in _STATES.items() if re.search(rf"\b{re.escape(key)}\b", part)), None
    )
    if state is not None:
        own = _STATES.get(own_state, "") or own_state
        inside_other = "(" in part and not part.startswith(tuple(_STATES))
        if _fold_text(state) == _fold_text(own):
            # "Ruhrgebiet (NRW)" or "LEADER-Region X (NRW)" is only part of the state
            return "unknown" if inside_other else "in"
        return "out"
    return "unknown"


def _weak_only(text: str) -> str:
    """The folded clause by which a folded call text admits only structurally weak areas
    ("" when it does not): a sentence to quote, or the "nur …" clause."""
    # every pattern needs one of these words: most texts are decided by a substring test
    if "strukturschwach" not in text and "grw" not in text and "gemeinschaftsaufgabe" not in text:
        return ""
    if any(pattern.search(text) for pattern in _WEAK_OR_RURAL_RES):
        return ""
    if m := _WEAK_ONLY_RE.search(text):
        return m.group(0)
    for sentence in applicant_sentences(text):
        if _restricting_term(sentence, _WEAK_TERM_RE):
            return sentence
    # "Landkreise in strukturschwachen Regionen können … beantragen": the subject only
    for who, sentence in _subject_sentences(text):
        if _restricting_term(who, _WEAK_TERM_RE) and not _RATE_RE.search(sentence):
            return sentence
    return ""


def _restricting_term(sentence: str, pattern: re.Pattern[str]) -> re.Match[str] | None:
    """The first match of `pattern` in a sentence about the applicants that restricts them:
    not after a preference ("insbesondere in …") or an alternative ("… oder in …"), and
    not in a sentence about a rate ("… erhalten eine erhöhte Förderquote")."""
    if _RATE_RE.search(sentence):
        return None
    for m in pattern.finditer(sentence):
        before = sentence[: m.start()]
        if not _PREFERENCE_BEFORE_RE.search(before) and not _ALTERNATIVE_BEFORE_RE.search(before):
            return m
    return None


def _quote_containing(call: CallDoc, folded: str) -> str:
    """The sentence of summary and text, as written, that a folded sentence or clause comes
    from (for a reason to quote); "" when none is found."""
    folded = " ".join(folded.split())
    text = unicodedata.normalize("NFKC", "\n".join([read_summary(call), call.text]))
    sentences = [" ".join(s.split()) for s in _split_sentences(text.replace("\u00ad", ""))]
    for i, sentence in enumerate(sentences):
        mine = " ".join(_fold_text(sentence).split())
        # a sentence read with its heading ("Antragsberechtigt: …") holds the sentence, and
        # is quoted with it
        if mine and (mine in folded or folded in mine) and len(mine) > 3:
            return _clip(_with_heading(sentences, i))
    return ""


def _quoted(reason: str, call: CallDoc, folded: str) -> str:
    """`reason` with the sentence that says it, quoted as written."""
    quote = _quote_containing(call, folded)
    return f"{reason}: „{quote}“" if quote else reason


def _text_named_region(folded: str) -> tuple[list[_NamedRegion], bool, str]:
    """Named regions the applicant sentences of a folded text restrict the applicants to,
    whether one of them cannot be placed, and the sentence that names them; else named
    regions a sentence on the funding area restricts the projects to."""
    sentences = list(applicant_sentences(folded))
    sentences += [s for who, s in _subject_sentences(folded) if _mentions_region(who)]
    for sentence in sentences:
        if _RATE_RE.search(sentence) or not _mentions_region(sentence):
            continue
        regions, vague = _regions_in(_admitting_part(sentence))
        if regions or vague:
            return regions, vague, sentence
    # an area sentence restricts only by regions the rules can place: with one they cannot
    # place ("ausschließlich für Vorhaben im Revier") the call stays as it was
    for sentence in _area_sentences(folded):
        if _RATE_RE.search(sentence) or not _mentions_region(sentence):
            continue
        regions, vague = _regions_in(_admitting_part(sentence))
        if regions and not vague:
            return regions, False, sentence
    return [], False, ""


# Where the funds may go, said outside the applicant sentences: "Fördergebiet: Die Mittel
# stehen ausschließlich für Vorhaben im Rheinischen Revier … zur Verfügung" (and the
# applicants follow "in diesen Gebieten"), "Gefördert werden nur Projekte im Kreis Borken".
# ("nicht nur für Projekte im Kreis Borken" widens, it restricts no one)
_AREA_CUE_RE = re.compile(
    r"(?<!nicht )\b(?:nur|ausschliesslich)\s+(?:fur\s+)?"
    r"(?:vorhaben|projekte|massnahmen|investitionen)\s+(?:in|im|aus)\b"
)
_AREA_HEADING_RE = re.compile(r"\s*fordergebiet\s*:\s*")


@lru_cache(maxsize=64)
def _area_sentences(folded: str) -> tuple[str, ...]:
    """The sentences of a folded text that restrict where the funded projects must be: one
    after a heading "Fördergebiet:" or with "ausschließlich / nur für Vorhaben in …"."""
    if "fordergebiet" not in folded and not _AREA_CUE_RE.search(folded):  # most texts
        return ()
    sentences = _split_sentences(folded)
    return tuple(
        sentence
        for i, sentence in enumerate(sentences)
        if _AREA_CUE_RE.search(sentence) or (i > 0 and _AREA_HEADING_RE.fullmatch(sentences[i - 1]))
    )


# every named or vague region holds one of these: most texts are decided by substring tests
_REGION_WORDS = (
    "revier",
    "lausitz",
    "kohle",
    "strukturwandel",
    "emscher-lippe",
    "munsterland",
    "owl",
    "rheinland",
)


def _mentions_region(text: str) -> bool:
    # "Westfalen", "Südwestfalen", "Ostwestfalen-Lippe" …, but not in every NRW call's
    # "Nordrhein-Westfalen": a count of both instead of the patterns
    return any(word in text for word in _REGION_WORDS) or (
        text.count("westfalen") > text.count("nordrhein-westfalen")
    )


def _regions_in(sentence: str) -> tuple[list[_NamedRegion], bool]:
    """The named regions a sentence restricts the applicants to, and whether it names one
    the rules cannot place."""
    sentence = _hyphenate_states(sentence)
    found: list[_NamedRegion] = []
    vague = False
    rest = sentence
    for pattern, region in _NAMED_REGIONS:
        for m in pattern.finditer(sentence):
            if _is_place(sentence, m.start()):
                found.append(region)
            rest = _blank(rest, m.start(), m.end())
    for m in list(_VAGUE_REGION_RE.finditer(rest)):
        if not _is_place(rest, m.start()):
            continue
        bracket = re.match(r"\s*\(([^)]*)\)", rest[m.end() :])
        if bracket:
            rest = _blank(rest, m.start(), m.end() + bracket.end())
            # "Regionen des Strukturwandels (Rheinisches Revier, Emscher-Lippe)": the names
            # in brackets decide, and one the rules do not know leaves it open
            # (the known names in `rest` are blanked: read them from the sentence)
            listed = sentence[m.end() + bracket.start(1) : m.end() + bracket.end(1)]
            for item in re.split(r",|;|/|\bund\b|\boder\b", listed):
                if item.strip():
                    # already among `found`: they were read as places inside the bracket
                    vague = vague or not any(p.search(item) for p, _ in _NAMED_REGIONS)
        elif m.group(0):
            vague = True
    if found and not vague:
        # another place beside them ("Kommunen im Münsterland und in der Emscher-Lippe-
        # Region" before the Münsterland was known) may hold the county: left open
        vague = any(
            m.group(1) not in _NOT_A_PLACE and not _ANY_STATE_RE.match(rest, m.start(1))
            for m in _OTHER_PLACE_RE.finditer(rest)
        )
    return found, vague


def _blank(text: str, start: int, end: int) -> str:
    """`text` with a span replaced by "#" (no word, no place), positions kept."""
    return text[:start] + "#" * (end - start) + text[end:]


# Another place in a sentence that names a region: "in / im / aus (der|den|dem) <word>"
_OTHER_PLACE_RE = re.compile(
    r"\b(?:in|im|aus)\s+(?:(?:der|den|dem)\s+)?(?!(?:der|den|dem)\b)([\w-]+)"
)
# what follows "in / im" without being a place
_NOT_A_PLACE = frozenset(
    {
        "rahmen", "hohe", "form", "hinblick", "zusammenarbeit", "kooperation", "abstimmung",
        "verbindung", "bezug", "sinne", "folge", "regel", "lage", "zuge", "vorfeld",
        "bereich", "bereichen", "einzelfall", "jahr", "jahren", "zeitraum", "umfang",
        "hand", "trägerschaft", "tragerschaft", "eigenregie", "partnerschaft",
    }
)  # fmt: skip


def _is_place(sentence: str, at: int) -> bool:
    """Whether the region at `at` is where the applicants are ("Kommunen im …", "… des …",
    "Regionen des Strukturwandels (Rheinisches Revier, …)"), not an office's name."""
    before = sentence[:at]
    if _PREFERENCE_BEFORE_RE.search(before) or _ALTERNATIVE_BEFORE_RE.search(before):
        return False
    # inside a bracket after a place ("aus den Regionen des Strukturwandels (Lausitz, …)")
    return bool(_PLACE_BEFORE_RE.search(before) or re.search(r"\([^)]*$", before))


def _named_region_verdict(regions: Sequence[_NamedRegion], own_state: str, own_county: str) -> str:
    """ "in" when the own county lies in one of the regions, "unknown" when one of them is in
    the own state without its counties listed here, else "out"."""
    state = _fold_text(_STATES.get(own_state, own_state))
    verdict = "out"
    for region in regions:
        for region_state, counties in region.parts:
            if region_state != state:
                continue
            if counties is None or not own_county:
                verdict = "unknown"
            elif any(
                re.search(rf"(?<![\w-]){re.escape(c)}(?![\w-])", own_county) for c in counties
            ):
                return "in"
    return verdict


# The strategy's own applicants when they are a county and its towns (the reference case).
COUNTY_WITH_TOWNS = "Kreis, Städte und Gemeinden"


def owner_name(profile: RegionProfile) -> str:
    """Whom a region reason names: the county, else the first applicant ("die Stadt Münster")."""
    first = next((a.name for a in profile.applicants if a.name), "")
    return profile.county or (nominative_de(first) if first else "der Kreis")


def applicants_label(profile: RegionProfile) -> str:
    """The strategy's own applicants as the subject of a reason ("… nicht antragsberechtigt").

    A county with its towns is "Kreis, Städte und Gemeinden"; a city or municipality alone is
    named with its article ("die Stadt Münster"), a few applicants by their names, more by
    the first and a count.
    """
    names = [nominative_de(a.name) for a in profile.applicants if a.name]
    levels = {applicant_level(a) for a in profile.applicants}
    if not names or levels == {COUNTY, MUNICIPAL}:
        return COUNTY_WITH_TOWNS
    if len(names) <= 3:
        return join_de(names)
    # a Verbandsgemeinde or an Amt with its municipalities: "… und 4 Ortsgemeinden"
    kinds = {a.type for a in profile.applicants[1:] if a.name}
    kind = _PLURALS.get(next(iter(kinds)), "") if len(kinds) == 1 else ""
    return f"{names[0]} und {len(names) - 1} {kind or 'weitere Antragsteller'}"


# How an open list's reason names the levels it leaves open (with their article).
_LEVEL_LABELS = {
    COUNTY: "den Kreis",
    MUNICIPAL: "die Städte und Gemeinden",
    KREISFREI: "die kreisfreie Stadt",
}


# The plural of the kinds of town a strategy's further applicants are of.
_PLURALS = {
    "Stadt": "Städte",
    "Gemeinde": "Gemeinden",
    "Ortsgemeinde": "Ortsgemeinden",
    "Mitgliedsgemeinde": "Mitgliedsgemeinden",
    "amtsangehörige Gemeinde": "amtsangehörige Gemeinden",
    "kreisangehörige Gemeinde": "kreisangehörige Gemeinden",
    "Markt": "Märkte",
}


def _names(applicants: Sequence[Applicant], level: str) -> list[str]:
    return [a.name for a in applicants if applicant_level(a) == level]


def assess(
    call: CallDoc,
    profile: RegionProfile,
    project_types: Sequence[str] = (),
    applicants: CallApplicants | None = None,
    region: RegionCheck | None = None,
    *,
    explain: bool = True,
) -> Eligibility:
    """Eligibility of the strategy's applicants (and of a project's further applicant types).

    `project_types` are a project's `applicant_types`; a call open to any of them is eligible
    for that project even when the county and its municipalities may not apply. Who of them
    may apply is narrowed by the text's applicant sentences (`narrowed_by_text`), and a
    verdict read from the text quotes its sentence; the status depends on neither, so
    ranking, which needs only the status, leaves them out (`explain=False`).
    """
    who = applicants if applicants is not None else call_applicants(call)
    if region is None:
        region = check_region(call, profile)
    members = profile.applicants
    levels = {applicant_level(a) for a in members} or {COUNTY, MUNICIPAL}
    allowed = who.levels & levels
    # population limits ("Gemeinden mit bis zu 20.000 Einwohnern", matcher.population): the
    # members outside them are not listed; when that is every member the call admits, no one is
    limits = population_limits(call.title, read_summary(call), call.text)
    pop = check_population(limits, members, allowed, applicant_level)
    if pop.outside and who.source == "list":
        # the limit is on whom the text admits: "Antragsberechtigt sind Gemeinden unter
        # 10.000 Einwohnern … Kreise sind nicht antragsberechtigt" leaves no one of a county
        # whose towns are larger, although its list says "Kommune" (calls with a limit only,
        # so ranking reads few texts)
        by_text = narrowed_by_text(call, allowed)
        if by_text != allowed:
            pop = check_population(limits, members, by_text, applicant_level)
    if pop.everyone_outside:
        allowed = frozenset()
    reasons: list[str] = []
    names: list[str] = []
    partners: list[str] = []
    extra = _project_type_match(who, project_types)

    if who.source == "none":
        status = "unknown"
        reasons.append("Antragsberechtigte nicht erkannt – bitte im Aufruf prüfen")
        names = [a.name for a in members]
    elif allowed:
        status = "eligible"
        listed = allowed
        # also for ranking when the region check leaves only some of us (a county excluded
        # by name): whether anyone is left depends on whom the text admits
        if (explain or region.members) and who.source == "list":
            allowed = narrowed_by_text(call, allowed)
        source = "laut Aufruftext " if allowed != listed else ""
        names = [a.name for a in members if applicant_level(a) in allowed] or [
            a.name for a in members
        ]
        if pop.outside:  # population limits: the members inside them (see above)
            inside = [n for n in names if n not in pop.outside]
            names = inside or [a.name for a in members if a.name not in pop.outside]
        if who.open and who.source == "text" and allowed != levels:
            # examples or an addition: whom it does not name is not excluded
            missing = join_de([_LEVEL_LABELS.get(lv, lv) for lv in sorted(levels - allowed)])
            reasons.append(
                "Antragsberechtigte laut Aufruftext nicht abschließend genannt – "
                f"für {missing} bitte im Aufruf prüfen"
            )
        elif COUNTY in levels and MUNICIPAL in levels and allowed == {MUNICIPAL}:
            reasons.append(
                f"{source}nur Gemeinden unterhalb der Kreisebene antragsberechtigt – "
                "der Kreis nicht, die Städte und Gemeinden schon"
            )
        elif COUNTY in levels and MUNICIPAL in levels and allowed == {COUNTY}:
            reasons.append(
                f"{source}nur Kreise antragsberechtigt – der Kreis ja, "
                "die Städte und Gemeinden nicht"
            )
        if pop.reason:
            reasons.append(pop.reason)
        if who.source == "text":
            reasons.append(
                _from_text("Antragsberechtigung aus dem Aufruftext gelesen", call, explain)
            )
    elif extra:
        status = "eligible"
        # named as the strategy writes them ("Vereine"), not by the internal kind ("verein")
        partners = [t for t in project_types if type_kinds(t)[1] & extra]
        reasons.append(f"antragsberechtigt über {', '.join(partners)} (Projektpartner)")
        if pop.reason:
            reasons.append(pop.reason)
    elif who.open and who.source == "text":
        # "Antragsberechtigt sind unter anderem Betriebe, Kammern …": examples exclude no one
        status = "unknown"
        names = [a.name for a in members]
        reasons.append(
            _from_text(
                "Antragsberechtigte laut Aufruftext nicht abschließend genannt – ob "
                f"{applicants_label(profile)} dazugehören, bitte im Aufruf prüfen",
                call,
                explain,
            )
        )
    else:
        status = "ineligible"
        label = applicants_label(profile)
        # a call for Landkreise or kreisangehörige Gemeinden: say why the city is not meant
        why = (
            " – kreisfreie Städte sind nicht gemeint"
            if levels == {KREISFREI} and who.levels
            else ""
        )
        if pop.everyone_outside:
            reasons.append(f"{label} nicht antragsberechtigt – {pop.reason}")
        elif who.refined:  # a vague list the text refines: the text's sentence, quoted
            reason = f"{label} laut Aufruftext nicht antragsberechtigt"
            reasons.append(_quoted(reason, call, who.refined_by) if who.refined_by else reason)
        elif call.eligible:
            reasons.append(f"{label} nicht antragsberechtigt (nur {', '.join(call.eligible)}){why}")
        else:
            # the evidence, so that an officer can check what the text was read to say
            reasons.append(
                _from_text(f"{label} laut Aufruftext nicht antragsberechtigt{why}", call, explain)
            )
    if status == "eligible" and extra and not allowed:
        names = []
    if region.members and status != "ineligible":
        # a region the rules do not know whose text names some of us: only they may apply
        inside = [n for n in names if n in region.members]
        if names and not inside and not partners:
            status = "ineligible"
            reasons = [f"{applicants_label(profile)} nicht antragsberechtigt – {region.reason}"]
        else:
            reasons.insert(0, region.reason)
        names = inside
    if region.status == "ineligible":
        # only why it is excluded: who else might apply does not matter there
        status = "ineligible"
        reasons = [region.reason]
        names, partners = [], []
    elif region.status == "unknown":
        if status == "eligible":
            status = "unknown"
        reasons.append(region.reason)
    return Eligibility(status=status, reasons=reasons, applicants=names, partners=partners)  # type: ignore[arg-type]


def _from_text(reason: str, call: CallDoc, quote_it: bool) -> str:
    """`reason` with the applicant sentence it was read from, quoted."""
    quote = applicant_quote(call) if quote_it else ""
    return f"{reason}: „{quote}“" if quote else reason


def _project_type_match(who: CallApplicants, project_types: Sequence[str]) -> set[str]:
    # read as a call's applicant list is read, so "Vereine" meets "Sportvereine"
    wanted = {kind for t in project_types for kind in type_kinds(t)[1]}
    return {t for t in who.others if t in wanted}
