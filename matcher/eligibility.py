"""May the county and its towns apply? Eligibility from the applicant list, the text and the region.

The structured applicant list wins; when it is empty the sentences that name the applicants
("Antragsberechtigt sind …", "Zuwendungsempfänger …", "eligible applicants …") are read.
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
    match_terms,
    member_level,
    type_kinds,
)
from matcher.german import join_de, nominative_de
from matcher.population import check_population, population_limits
from matcher.states import STATES as _STATES
from matcher.strategy import Applicant, RegionProfile
from matcher.types import CallDoc, Eligibility

_TRIGGER_RE = re.compile(
    r"antragsberechtigt|zuwendungsempfang|antragstellend|antragsteller|"
    r"forderberechtigt|zuwendungsberechtigt|teilnahmeberechtigt|bewerbungsberechtigt|"
    r"wer wird gefordert|"
    r"konnen antrage stellen|konnen sich bewerben|richtet sich an|bewerben konnen|"
    r"eligible|open to|applicants",
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
# In a sentence about the applicants: "Kommunen in strukturschwachen Regionen" restricts,
# "insbesondere in strukturschwachen Regionen" only prefers.
_WEAK_APPLICANTS_RE = re.compile(
    r"(?<!insbesondere )(?<!vor allem )(?<!besonders )(?<!bevorzugt )(?<!auch )"
    r"\bin\s+(?:den\s+|einem\s+)?(?:strukturschwach|grw-fordergebiet)"
)
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
# district names whose folded form loses an umlaut or ß
_DISTRICTS = {
    "dusseldorf": "Düsseldorf",
    "koln": "Köln",
    "munster": "Münster",
    "tubingen": "Tübingen",
    "giessen": "Gießen",
}


@dataclass(frozen=True, slots=True)
class CallApplicants:
    """Who a call admits: local-government levels and other applicant types (folded)."""

    levels: frozenset[str]
    others: frozenset[str]
    source: str  # "list", "text" or "none"
    # the text names examples or adds applicants ("unter anderem …", "Kreise können auch …"):
    # whom it names may apply, whom it does not name is not excluded
    open: bool = False


def _fold_text(text: str) -> str:
    return fold(normalize(text))


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
# A heading ("4. Zuwendungsempfänger", "Antragsberechtigte", "Antragsberechtigt:"): a few
# words without a full stop or a verb; the applicants follow in the next sentence.
_HEADING_VERB_RE = re.compile(
    r"\b(?:sind|ist|konnen|durfen|werden|wird|erhalten|fordert|are|is|can|may)\b"
)


def _is_heading(sentence: str) -> bool:
    """Whether a sentence (folded or as written) is a heading the applicants follow."""
    sentence = sentence.strip()
    if sentence.endswith((":", "?")):
        return True
    folded = _fold_text(sentence)
    # "Antragsberechtigt nur Landkreise" names its applicants: no heading
    return (
        not sentence.endswith((".", ";", "!"))
        and len(sentence.split()) <= 4
        and not _HEADING_VERB_RE.search(folded)
        and first_term_at(folded) is None
    )


# Small: the applicants and the region of one call read the same text one after the other.
@lru_cache(maxsize=64)
def applicant_sentences(text: str) -> tuple[str, ...]:
    """The sentences of a call text that say who may apply (folded lowercase).

    After a heading such as "Antragsberechtigt:", "Wer wird gefördert?" or "4.
    Zuwendungsempfänger" the applicants follow in the next sentence, which is read with it.
    """
    sentences = _SENTENCE_END_RE.split(_fold_text(text))
    out: list[str] = []
    for i, sentence in enumerate(sentences):
        if _TRIGGER_RE.search(sentence):
            if _is_heading(sentence) and i + 1 < len(sentences):
                sentence = f"{sentence} {sentences[i + 1]}"
            out.append(sentence)
    return tuple(out)


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
_EXCLUDED_RE = re.compile(r"\bnicht (?:antragsberechtigt|zuwendungsempfang)")
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
_EXCLUDED_ANYWHERE_RE = re.compile(r"ausgeschlossen|\b(?:konnen|durfen) (?:nicht|keine)\b")
# a subject with a place or a condition ("Vorhaben in Kommunen sind ausgeschlossen") is not
# an applicant type
_NOT_A_TYPE_RE = re.compile(r"\b(?:in|im|von|vom|mit|aus|fur|bei|deren|dessen|ohne|als)\b")


# a quoted sentence is cut after this many characters
_QUOTE_MAX = 220


def applicant_quote(call: CallDoc) -> str:
    """The sentence of a call that says who may apply, as written, for a reason to quote.

    The first "Antragsberechtigt sind …" sentence (with the sentence after a heading such as
    "Antragsberechtigt:" or "4. Zuwendungsempfänger"), else the first "X können … beantragen" sentence of a short
    notice; "" when there is none.
    """
    text = unicodedata.normalize("NFKC", "\n".join([call.title, call.summary, call.text]))
    text = text.replace("\u00ad", "")  # soft hyphens (the dashes stay, unlike in analysis)
    sentences = [" ".join(s.split()) for s in _SENTENCE_END_RE.split(text)]
    for i, sentence in enumerate(sentences):
        if _TRIGGER_RE.search(_fold_text(sentence)):
            # a heading alone ("4. Zuwendungsempfänger") would not let the officer check
            if _is_heading(sentence) and i + 1 < len(sentences):
                sentence = f"{sentence} {sentences[i + 1]}"
            return _clip(sentence)
    for sentence in sentences:
        folded = _fold_text(sentence)
        if not _NEGATION_RE.search(folded) and any(p.search(folded) for p in _SUBJECT_RES):
            return _clip(sentence)
    return ""


def _clip(sentence: str) -> str:
    if len(sentence) <= _QUOTE_MAX:
        return sentence
    return sentence[:_QUOTE_MAX].rsplit(" ", 1)[0] + " …"


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
                lv, ot = match_terms(m.group("who"))
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
        if _EXCLUDED_RE.search(sentence):
            admitted, excluded = "", sentence
        elif m := _EXCEPT_RE.search(sentence):
            admitted, excluded = sentence[: m.start()], sentence[m.end() :]
        lv, ot = match_terms(admitted)
        levels |= lv
        others |= ot
        is_open = is_open or bool((lv or ot) and _opens_list(admitted, admitted))
        lv, ot = match_terms(excluded)
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
    r = _read_text("\n".join([call.title, call.summary, call.text]))
    narrowed = (allowed & r.levels if r.levels and not r.open else allowed) - r.excluded_levels
    return frozenset(narrowed) or allowed


def call_applicants(call: CallDoc) -> CallApplicants:
    """From the structured list when there is one, else from the text."""
    if call.eligible:
        return applicants_from_list(call.eligible)
    return applicants_from_text(_call_text(call))


def _call_text(call: CallDoc) -> str:
    return " ".join([call.title, call.summary, call.text])


def applicant_level(applicant: Applicant) -> str:
    """The level of one of the strategy's applicants (Landkreis, Gemeinde, Stadt …)."""
    return member_level(applicant.type)


@dataclass(frozen=True, slots=True)
class RegionCheck:
    status: str  # "eligible", "ineligible", "unknown"
    reason: str = ""


def text_regions(call: CallDoc) -> list[str]:
    """States and administrative districts a notice's applicant sentences require (folded).

    "Antragsberechtigt sind Kommunen in Bayern und Thüringen" gives ["bayern", "thuringen"].
    Only for calls without an applicant list: a source with a list gives the region too.
    """
    if call.eligible:
        return []
    found: list[str] = []
    for sentence in applicant_sentences(_call_text(call)):
        found += ["regierungsbezirk " + d for d in _DISTRICT_IN_TEXT_RE.findall(sentence)]
        found += ["ostdeutschland"] if _STATE_GROUP_IN_TEXT_RE.search(sentence) else []
        first = _STATE_IN_TEXT_RE.search(sentence)
        if first:  # "in Bayern und Thüringen": the states named from there on, as one list
            found += _ANY_STATE_RE.findall(sentence, first.start(), first.end() + 60)
    return list(dict.fromkeys(found))


def check_region(call: CallDoc, profile: RegionProfile) -> RegionCheck:
    """Does the call's region (and a structurally-weak-only clause) include the county?

    A call for the whole country (or without a region) may still name the states or
    administrative districts its applicants must be in; those count then.
    """
    # a line break between them: a summary cut off ("… ausschließlich gemeinnützige […]")
    # must not run into the text's first sentence
    folded = _fold_text("\n".join([call.summary, call.text]))
    weak = _weak_only(folded)
    if weak and profile.structurally_weak is False:
        return RegionCheck(
            "ineligible",
            f"nur für strukturschwache Regionen – {owner_name(profile)} gilt nicht als strukturschwach",
        )
    region = _fold_text(call.region).strip()
    own = _own_places(profile)
    if region in _NATIONWIDE:
        named = text_regions(call)
        if not named or any(_part_verdict(part, *own) != "out" for part in named):
            return RegionCheck("eligible")
        return RegionCheck(
            "ineligible",
            f"laut Aufruftext nur für Antragsteller {_places_label(named)} – "
            f"{owner_name(profile)} liegt nicht darin",
        )
    parts = [p.strip() for p in re.split(r",|;|/|\bund\b", region) if p.strip()]
    verdicts = [_part_verdict(part, *own) for part in parts]
    if "in" in verdicts:
        return RegionCheck("eligible")
    if verdicts and all(v == "out" for v in verdicts):
        return RegionCheck(
            "ineligible",
            f"nur für {call.region} – {owner_name(profile)} liegt nicht darin",
        )
    return RegionCheck(
        "unknown",
        f"Förderregion „{call.region}“ – bitte prüfen, ob {owner_name(profile)} dazugehört",
    )


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
        _DISTRICTS.get(name, name.title())
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
        for prefix, names in (("in ", states), ("im Regierungsbezirk ", districts))
        if names
    ]
    return " oder ".join(labels)


def _part_verdict(part: str, own_state: str, own_district: str, own_county: str) -> str:
    if part in _NATIONWIDE:
        return "in"
    if own_county and re.search(rf"\b{re.escape(own_county)}\b", part):
        return "in"
    district = _DISTRICT_RE.search(part)
    if district:
        return "in" if own_district and district.group(1) == own_district else "out"
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


def _weak_only(text: str) -> bool:
    """Whether a folded call text admits only structurally weak areas."""
    # every pattern needs one of these words: most texts are decided by a substring test
    if "strukturschwach" not in text and "grw-fordergebiet" not in text:
        return False
    if any(pattern.search(text) for pattern in _WEAK_OR_RURAL_RES):
        return False
    if _WEAK_ONLY_RE.search(text):
        return True
    return any(_WEAK_APPLICANTS_RE.search(s) for s in applicant_sentences(text))


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
    pop = check_population(
        population_limits(call.title, call.summary, call.text), members, allowed, applicant_level
    )
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
        if explain and who.source == "list":
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
        elif call.eligible:
            reasons.append(f"{label} nicht antragsberechtigt (nur {', '.join(call.eligible)}){why}")
        else:
            # the evidence, so that an officer can check what the text was read to say
            reasons.append(
                _from_text(f"{label} laut Aufruftext nicht antragsberechtigt{why}", call, explain)
            )
    if status == "eligible" and extra and not allowed:
        names = []
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
