"""Begründungstext: German justification text that ties a funding call to the strategy.

Everything in the text comes from data: the strategy (name, adoption, Leitbild, aims,
themes, goals, projects) and the call (title, programme, funder, URL and sentences quoted
verbatim). The sentences to quote are chosen extractively: each call sentence is compared
with the project and the strategy through the matcher's German analysis (stop words,
Snowball stems, character n-grams for compounds), and sentences that state a funding
purpose beat sentences about deadlines, rates and procedure.

The wording lives in Jinja2 templates in `data/templates/` that a county may edit. The
rendered text uses a small plain-text format that survives editing in a textarea:
paragraphs are separated by a blank line, a paragraph starting with "## " is a heading and
one starting with "> " is a quotation. `blocks()` reads it back for the exports.

Pure: no database, no Flask.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from functools import cache, lru_cache
from itertools import pairwise
from pathlib import Path
from typing import Literal

import jinja2

from matcher import analysis
from matcher.applicant_types import applicant_words
from matcher.exclusions import EXCLUSION as _EXCLUSION
from matcher.exclusions import excludes as _excludes
from matcher.german import (
    dative_de,
    is_municipal,
    join_de,
    nominatives_de,
    von_de,
    with_kind,
)
from matcher.reasons import DIGITAL_WORDS, GENERIC_WORDS, not_reason_stems
from matcher.sentences import PUNCT_END, logical_lines, numbered_title, split_sentences
from matcher.strategy import Goal, Project, Strategy

TEMPLATE_DIR = analysis.DATA_DIR / "templates"
SHORT_LIMIT = 1000  # characters of a typical form field in an application portal
VARIANTS = ("long", "short")

LONG_WORD_LIMIT = 300  # the long version aims at about 200-300 words

# Optional parts of the text, dropped in this order until the text fits (short version:
# SHORT_LIMIT characters; long version: LONG_WORD_LIMIT words). A template may override
# the order with `{% set drop_order = [...] %}` at its top level.
LONG_DROP_ORDER = ("members", "second_leitbild", "related_goals", "second_quote", "aims")
DEFAULT_DROP_ORDER = (
    "related_goals",
    "correspondence",
    "aims",
    "members",
    "leitbild",
    "partners",
    "programme",
    "summary",
    "strategy_source",
    "second_quote",
    "goal_texts",
    "funder",
)
ALL_PARTS = frozenset((*DEFAULT_DROP_ORDER, *LONG_DROP_ORDER))

# Quotes longer than this make a poor argument and crowd the short version.
MAX_QUOTE_CHARS = {"long": 420, "short": 300}
MIN_QUOTE_WORDS = 6
MIN_CORRESPONDENCE = 0.08  # below this, a strategy sentence is not shown as corresponding
OWN_GOAL_BONUS = 0.05  # among similar strategy sentences, the project's own goal reads best


class JustificationError(ValueError):
    """A text that cannot be generated (bad template, unknown project)."""


# --- inputs and the template context ---------------------------------------------------


@dataclass(slots=True)
class CallTexts:
    """The parts of a call the text uses; `text` and `summary` are the quotable ones."""

    title: str
    url: str = ""
    programme: str = ""
    funder: str = ""
    summary: str = ""
    text: str = ""
    language: str = ""


@dataclass(slots=True)
class GoalInfo:
    id: str
    text: str


@dataclass(slots=True)
class ProjectInfo:
    id: str
    title: str
    theme: str
    priority: int
    goals: list[GoalInfo]
    summary: str
    lead: str
    partners: list[str]
    # The matcher links the project to the call by no shared topic (`weak_fit`): the text
    # then claims no contribution to the call's purpose and names what the two share.
    weak: bool = False
    shared_words: list[str] = field(default_factory=list)  # the same word in both
    # (call word, project word) pairs that differ: "Waldmanagement", "Radverkehrsmanagement"
    shared_pairs: list[tuple[str, str]] = field(default_factory=list)

    # Two or more municipalities or counties among lead and partners (`is_municipal`): a
    # university or Stadtwerke as partner make a partnership, not interkommunale
    # Zusammenarbeit.
    interkommunal: bool = False
    municipal_partners: list[str] = field(default_factory=list)  # of `partners`
    other_partners: list[str] = field(default_factory=list)  # university, Stadtwerke …


@dataclass(slots=True)
class StrategyInfo:
    name: str
    region: str
    adopted: str
    adopted_by: str
    members: list[str]
    leitbild: list[str]  # one or two sentences, verbatim
    aims: list[str]  # the aims this application serves, verbatim
    leitbild_text: str = ""  # the whole Leitbild, to tell whether two sentences follow
    # member name → its kind from the region profile (Stadt, Gemeinde, Landkreis)
    member_kinds: dict[str, str] = field(default_factory=dict)


@dataclass(slots=True)
class Quote:
    """A call sentence quoted verbatim, with the strategy sentence it corresponds to."""

    text: str
    strategy_text: str
    strategy_label: str
    score: float
    # False when no sentence of the call states its purpose and this one states who may
    # apply, an amount or a date instead: the text then does not call it the purpose.
    purpose: bool = True


@dataclass(slots=True)
class Context:
    """Everything a template may use; every value is text, a number or a list of them."""

    strategy: StrategyInfo
    call: CallTexts
    projects: list[ProjectInfo]
    quotes: list[Quote]
    goals: list[GoalInfo]  # the projects' matched goals: what the projects realise
    # other goals of the projects' themes that the matcher found close to the call: the call
    # touches them, but the strategy does not assign them to the projects
    related_goals: list[GoalInfo]
    combined: bool
    variant: str

    @property
    def project(self) -> ProjectInfo:
        return self.projects[0]


@dataclass(slots=True)
class Generated:
    """A rendered text and what had to be left out to fit."""

    text: str
    variant: str
    dropped: list[str] = field(default_factory=list)

    @property
    def length(self) -> int:
        return len(plain_text(self.text))


# --- sentences ------------------------------------------------------------------------

# "1 Zuwendungszweck: …" or "2.1 Gegenstand der Förderung: …" at the start of a sentence.
_INLINE_HEADING = re.compile(r"^\d+(?:\.\d+)*\.?\s+([A-ZÄÖÜ][\w\- ]{2,60}?):\s+(?=\S)")
_BULLET = re.compile(r"^(?:[-–•*·▪]\s+|\(?[0-9ivx]{1,4}[.)]\s+(?=\S))")


# Field labels of the portals that run on before a sentence when a page's fields are joined
# into one text: "Volltext: Sie erhalten die Förderung …", "Scope: Actions should …". They
# are no part of what the funder says, so the quote leaves them out; a label naming the
# purpose ("Gegenstand der Förderung:", "Scope:") or the applicants ("Förderberechtigte:",
# "Eligibility conditions:") says what the sentence after it states, as a numbered heading
# does. An EU topic's "Expected Outcome:" is no purpose label: its lines say what results
# should follow, and they would beat the Scope sentence that says what is funded.
_PURPOSE_LABELS = (
    r"Gegenstand\s+der\s+Förderung|Fördergegenstand|Zuwendungszweck|Förderzweck|Förderziele?"
    r"|Ziele?|Zweck|Verwendungszweck|Scope|Objectives?|Purpose"
)
_APPLICANT_LABELS = (
    r"Förderberechtigte|Antragsberechtigte|Antragsberechtigt|Zuwendungsempfänger(?:innen)?"
    r"|Zielgruppen?|Eligibility\s+(?:conditions|criteria)|Eligible\s+(?:countries|applicants)"
    r"|Who\s+can\s+apply"
)
_OTHER_LABELS = (
    r"Förderart|Förderbereich|Fördergebiet|Fördergeber|Ansprechpunkt|Ansprechpartner(?:in)?"
    r"|Kontakt|Weiterführende\s+Links|Art\s+und\s+Umfang(?:\s+der\s+(?:Zuwendung|Förderung))?"
    r"|Förderhöhe|Fördersatz|Antragsfrist|Frist|Laufzeit|Hintergrund|Voraussetzungen"
    r"|Zuwendungsvoraussetzungen|Verfahren|Type\s+of\s+action|Funding\s+rate|Budget"
    r"|Deadline|Expected\s*(?:Outcomes?|Impacts?)|Topic\s+description"
    r"|Admissibility\s+conditions|Award\s+criteria|Specific\s+conditions|Background"
)
# The Förderdatenbank's tab and heading names ("Kurzzusammenfassung", "Volltext",
# "Zusatzinfos rechtliche Voraussetzungen"), which its pages also run on without a colon
# ("Volltext Gefördert werden …"). Other labels need their colon: "Ziel der Förderung ist
# …", "Scope of the call …" are sentences.
_TAB_LABELS = (
    r"Kurzzusammenfassung|Kurztext|Volltext|Zusatzinfos|Zusatzinformationen"
    r"|rechtliche\s+Voraussetzungen|Rechtsgrundlage"
)
_FIELD_LABEL = re.compile(
    rf"^(?:(?P<purpose>{_PURPOSE_LABELS})|(?P<applicant>{_APPLICANT_LABELS})"
    rf"|(?:{_OTHER_LABELS}))(?::\s*|$)"
    rf"|^(?:{_TAB_LABELS})(?::\s*|\s+(?=[A-ZÄÖÜ]|(?:{_TAB_LABELS})\b)|$)"
)
# Fields that carry a short value ("Förderart: Zuschuss Förderbereich: Kultur …"): on a
# page whose fields run on without full stops, the value reaches up to the next label.
_META_LABEL = re.compile(
    r"^(?:Förderart|Förderbereich|Fördergebiet|Förderberechtigte|Fördergeber|Ansprechpunkt):"
)
_VALUE_TO_NEXT_LABEL = re.compile(
    rf"^[^.:!?]{{1,120}}?\s(?=(?:{_PURPOSE_LABELS}|{_APPLICANT_LABELS}|{_OTHER_LABELS}):"
    rf"|(?:{_TAB_LABELS})\b)"
)
# A short question as a heading on foundations' pages: "Was bieten wir?" announces the
# purpose, "Wer kann sich bewerben?" the applicants; other questions ("Wie bewerbe ich
# mich?") a section of procedure.
_QUESTION_HEADING = re.compile(
    r"^(?:(?P<purpose>Was\s+(?:wird|werden)\s+gefördert|Was\s+(?:bieten|fördern|unterstützen)"
    r"\s+wir|Was\s+wird\s+unterstützt|What\s+(?:is|will\s+be)\s+funded"
    r"|What\s+do\s+we\s+(?:offer|fund))"
    r"|(?P<applicant>Wer\s+(?:kann|darf|ist|wird|können)\b[^?]*|Who\s+(?:can|may|is)\b[^?]*)"
    r"|(?:Was|Wie|Wann|Wo|Welche|Warum|Wozu|What|How|When|Where|Which|Why)\b[^?]*)\?$",
    re.IGNORECASE,
)


def _field_label(sentence: str) -> tuple[str | None, str]:
    """The kind of the portal labels a sentence opens with ("purpose", "applicant", "" for
    another label; None without one) and the sentence without them."""
    kind: str | None = None
    while m := _FIELD_LABEL.match(sentence):
        kind = "purpose" if m.group("purpose") else "applicant" if m.group("applicant") else ""
        sentence = sentence[m.end() :]
        if _META_LABEL.match(m.group()) and (value := _VALUE_TO_NEXT_LABEL.match(sentence)):
            sentence = sentence[value.end() :]
    return kind, sentence


def _question_heading(sentence: str) -> str | None:
    """The kind of a short question heading ("purpose", "applicant", ""), else None."""
    m = _QUESTION_HEADING.match(sentence)
    if not m or len(sentence.split()) >= MIN_QUOTE_WORDS:
        return None
    return "purpose" if m.group("purpose") else "applicant" if m.group("applicant") else ""


def _heading_tier(quote: str, purpose: bool, applicant: bool) -> int:
    """`_quote_tier` of a sentence in view of the heading or label it stands under.

    Under an applicant heading a sentence says who may apply ("Wer kann sich bewerben?
    Weiterführende Schulen in ganz Deutschland."), never the purpose: tier 2 at best. For
    the sentence a purpose heading announces (`purpose`: the one right after it; later ones
    of a long section may be amounts and conditions), the heading is the purpose word the
    sentence may lack ("Scope: Proposals must implement …", "Was bieten wir? Ein
    zweijähriges Programm … und ein Budget von 10.000 Euro für Material."): a sentence
    that is tier 3 only for want of one ranks as a purpose (tier 0), or as one with an
    amount (tier 1). A date, an exclusion or a list of applicants stays where it is.
    """
    tier = _quote_tier(quote)
    if applicant:
        return max(tier, 2)
    if (
        purpose
        and tier == 3
        and not _DATE.search(quote)
        and not _excludes(quote)
        and not _ELIGIBILITY.search(quote)
    ):
        return 1 if _MONEY.search(quote) else 0
    return tier


def _strip_bullet(sentence: str) -> str:
    return _BULLET.sub("", sentence, count=1)


# --- similarity with the matcher's German analysis -----------------------------------

_NGRAM_WEIGHT = 0.15  # n-grams only bridge compounds; shared stems carry the similarity


@lru_cache(maxsize=8192)
def _features(text: str, lang: str) -> Counter[str]:
    # Cached because a call page renders several texts over the same sentences; callers
    # only read the counter.
    feats: Counter[str] = Counter()
    for token in analysis.content_tokens(text, lang):
        feats["s:" + analysis.token_stem(token)] += 1
        for gram in analysis.token_char_ngrams(token):
            if len(gram) == 5:
                feats["g:" + gram] += 1
    return feats


class _Space:
    """TF-IDF vectors over a small pool of sentences, for cosine similarity."""

    def __init__(self, docs: Iterable[Counter[str]]) -> None:
        docs = list(docs)
        df: Counter[str] = Counter()
        for d in docs:
            df.update(d.keys())
        n = len(docs)
        self.idf = {k: math.log((n + 1) / (v + 1)) + 1.0 for k, v in df.items()}

    def vector(self, feats: Counter[str]) -> dict[str, float]:
        vec = {
            k: (1.0 + math.log(v)) * self.idf.get(k, 1.0) * (_NGRAM_WEIGHT if k[0] == "g" else 1.0)
            for k, v in feats.items()
            if v > 0
        }
        norm = math.sqrt(sum(x * x for x in vec.values())) or 1.0
        return {k: x / norm for k, x in vec.items()}


def _cosine(a: dict[str, float], b: dict[str, float]) -> float:
    if len(a) > len(b):
        a, b = b, a
    return sum(x * b.get(k, 0.0) for k, x in a.items())


@cache
def _cue_stems(words: str, lang: str = "de") -> frozenset[str]:
    # Fragments of hyphenated cues ("co" of "co-financing") would match unrelated words
    # ("co-created").
    return frozenset(
        analysis.stem(analysis.fold(w), lang) for w in analysis.words(words) if len(w) > 2
    )


# Words that mark the sentence stating what is funded and why (the funding purpose) …
_PURPOSE = """gefördert fördert fördern förderziel förderzweck zuwendungszweck zweck ziel ziele
    zielt gegenstand fördergegenstand unterstützt unterstützen unterstützung ermöglichen
    stärken schwerpunkt förderschwerpunkt vorhaben soll sollen"""
# … and words of procedure, money and deadlines, which make poor quotes.
_PROCEDURE = """frist antragsfrist einzureichen eingereicht einreichung beantragen antrag anträge
    antragsteller antragsberechtigt antragstellende beträgt prozent euro eur kofinanzierung
    eigenanteil bewilligung bewilligt kontaktstelle rechtsanspruch rechtsgrundlage richtlinie
    haushaltsordnung skizze skizzen stichtag portal formular"""


# The same cues for calls in English (EU portals).
_PURPOSE_EN = """support supports funded funds fund aim aims objective objectives scope purpose
    expected outcome outcomes strengthen enable develop"""
_PROCEDURE_EN = """deadline submit submission submitted eligible eligibility budget eur euro rate
    cofunding co-financing apply application applications proposal proposals"""


# "Proposals must be supported by the Member State concerned", "… should be endorsed by the
# managing authority": a condition of the procedure in the passive with its agent. Its verb
# is no purpose cue ("The call supports the deployment of 5G" is one, "must be supported by"
# is not); the phrase counts as procedure.
_PROCEDURAL_PASSIVE_EN = re.compile(
    r"\b(?:must|shall|should|needs?\s+to|ha(?:s|ve)\s+to)\s+(?:\w+\s+)?be\s+\w+ed\s+by\b",
    re.IGNORECASE,
)


def _cue_words(sentence: str) -> tuple[int, int]:
    """(purpose words, procedure words) of a sentence, German and English.

    An exclusion ("Nicht gefördert werden …") has no purpose words: it counts as procedure.
    """
    if _excludes(sentence):
        return 0, 1 + _cue_words(_EXCLUSION.sub(" ", sentence))[1]
    passives = len(_PROCEDURAL_PASSIVE_EN.findall(sentence))
    if passives:
        sentence = _PROCEDURAL_PASSIVE_EN.sub(" ", sentence)
    tokens = [analysis.fold(w) for w in analysis.words(sentence)]
    de = {analysis.stem(w) for w in tokens}
    en = {analysis.stem(w, "en") for w in tokens}
    purpose = len(de & _cue_stems(_PURPOSE)) + len(en & _cue_stems(_PURPOSE_EN, "en"))
    procedure = len(de & _cue_stems(_PROCEDURE)) + len(en & _cue_stems(_PROCEDURE_EN, "en"))
    return purpose, procedure + passives


# Purpose words that a background or legal sentence uses as well ("Nach dem
# OZG-Änderungsgesetz sollen Verwaltungsleistungen … angeboten werden", "Vorhaben …"): a
# sentence with only these states a purpose less plainly than one saying what is funded.
_WEAK_PURPOSE = "soll sollen vorhaben stärken ermöglichen unterstützung"
_WEAK_PURPOSE_EN = "strengthen enable develop expected outcome outcomes"


def _funds_plainly(sentence: str) -> bool:
    """Whether a sentence says what is funded ("Das Land fördert …", "Gefördert werden …",
    "Ziel der Förderung ist …", "… erhalten eine Prämie für …"), not only what should be."""
    if _excludes(sentence):
        return False
    tokens = [analysis.fold(w) for w in analysis.words(sentence)]
    de = {analysis.stem(w) for w in tokens} & (_cue_stems(_PURPOSE) - _cue_stems(_WEAK_PURPOSE))
    en = {analysis.stem(w, "en") for w in tokens} & (
        _cue_stems(_PURPOSE_EN, "en") - _cue_stems(_WEAK_PURPOSE_EN, "en")
    )
    return bool(de or en or _FUNDED_FOR.search(sentence))


def _cue_score(sentence: str) -> tuple[float, float]:
    """(purpose cues, procedure cues) of a sentence; a digit counts as procedure."""
    purpose, procedure = _cue_words(sentence)
    procedure += 1 if re.search(r"\d", sentence) else 0
    return float(purpose), float(procedure)


# Sentences that make a poor funding purpose after "nennt als Förderzweck:" in an
# application. Who may apply, how much and until when are facts the form asks for
# elsewhere (and may exclude the applicant); a sentence addressing the reader is a
# portal's paraphrase ("Wenn Sie als Kommune …, können Sie einen Zuschuss erhalten."), as
# is one about procedure only. They are quoted only when the call has no better sentence.
_ELIGIBILITY = re.compile(
    r"^(?:zuwendungsempfänger|antragsteller|antragstellende|teilnehmen können|eligible"
    r"|applicants)\b"
    r"|\b(?:(?:are|is|are not|is not) eligible|can apply|may apply)\b"
    # "Kreise sind nicht antragsberechtigt, können aber …", "Auch Vereine sind
    # antragsberechtigt.": who may (not) apply, in any word order (not the adjective of "die
    # antragsberechtigten Kommunen erhalten …")
    r"|\b(?:antrags|teilnahme|zuwendungs)berechtigt\b",
    re.IGNORECASE,
)
_MONEY = re.compile(
    r"\d\s*%|\bProzent\b|\bper ?cent\b"
    r"|\d[\d.,]*\s*(?:Euro|EUR|€|Mio\b|Millionen|million)|(?:€|\bEUR)\s*\d",
    re.IGNORECASE,
)
_DATE = re.compile(
    r"\b\d{1,2}\.\s?\d{1,2}\.\s?\d{2,4}\b"
    r"|\b\d{1,2}\.\s?(?:Januar|Februar|März|April|Mai|Juni|Juli|August|September|Oktober"
    r"|November|Dezember)\b"
    r"|\b(?:January|February|March|April|May|June|July|August|September|October|November"
    r"|December)\s+\d{4}\b"
    r"|\b(?:Frist|Antragsfrist|Stichtag|einzureichen|deadline|submission)\b",
    re.IGNORECASE,
)
# The formal "Sie" and "Ihr-" inside a sentence address the reader (at its start, and after
# a colon, "Sie" may be "they").
_READER = re.compile(r"(?<!^)(?<![.:;!?] )\b(?:Sie|Ihnen|Ihre?[mnrs]?)\b")
# "Der Bund fördert Sie beim Aufbau von Glasfasernetzen", "Das Land unterstützt Sie bei …":
# the reader only as the one funded; the sentence states what the funder funds (a portal's
# "Volltext"), unlike "Wenn Sie als Kommune …, können Sie …".
_READER_FUNDED = re.compile(r"\b(?:fördert|fördern|unterstützt|unterstützen)\s+Sie\b")


def _addresses_reader(sentence: str) -> bool:
    """Whether a sentence addresses the reader other than as the one funded (`_READER`)."""
    return bool(_READER.search(_READER_FUNDED.sub(" ", sentence)))


# "Sozioökonomische Schwerpunkte wie Schulen … werden vorrangig berücksichtigt", "Vorhaben
# in strukturschwachen Regionen werden bei der Auswahl bevorzugt": a rule of selection that
# says what comes first among applications, not what the call funds. Not "Gefördert werden
# vorrangig Vorhaben, die …" or "Im Aufruf 2027 werden bevorzugt Gruppen gefördert, die …",
# which state what is funded.
_PRIORITY = re.compile(
    r"\b(?:vorrangig|bevorzugt|vorzugsweise|prioritär|priorisiert)\s+(?:berücksichtigt"
    r"|behandelt|ausgewählt)\b"
    r"|\b(?:werden|wird)\s+(?:bei\s+der\s+(?:Auswahl|Bewertung)\s+)?(?:bevorzugt|priorisiert)"
    r"\s*(?:[.;]|$)"
    r"|\b(?:haben|hat|erhalten|erhält)\s+Vorrang\b",
    re.IGNORECASE,
)
# "Gefördert werden Personalausgaben für bis zu zwei Vollzeitstellen … sowie Sachausgaben
# …", "Förderfähig sind Sachkosten für …": which costs count, like a rate, names no measure.
_COSTS = re.compile(
    r"^(?:gefördert werden|förderfähig sind|zuwendungsfähig sind)\s+(?:die\s+|nur\s+"
    r"|insbesondere\s+)?(?:[\w-]+\s+und\s+)?[\w-]*(?:ausgaben|kosten)\b",
    re.IGNORECASE,
)
# "Kreisfreie Städte werden über das Programm Digitale Modellregionen gefördert": applicants
# first, then "werden … gefördert" without saying what for (`_WHAT_FOR`) says who is funded
# (here: by another programme), like `_RECIPIENT` in the other word order.
_FUNDED_SUBJECT = re.compile(
    r"^((?:[\w-]+\s+){0,3}?)([\w-]+)\s+(?:werden|wird)\b(.*)\bgefördert\b", re.IGNORECASE
)
_ATTRIBUTE = re.compile(r"^(?:[\w-]+(?:e|en|er|es)|und|sowie|alle|die)$", re.IGNORECASE)


def _recipients_funded(sentence: str) -> bool:
    """Whether a sentence says which applicants are funded, not what for: „Kreisfreie Städte
    werden über das Programm … gefördert“ (not „Kommunen werden bei der Digitalisierung …
    gefördert“)."""
    m = _FUNDED_SUBJECT.match(sentence)
    if m is None or _NAMES_WHAT_FOR.search(m.group(3)):
        return False
    attributes = m.group(1).split()
    return analysis.fold(m.group(2).lower()) in applicant_words() and all(
        _ATTRIBUTE.match(w) for w in attributes
    )


# A clause or preposition that goes on to say what for: "Gefördert werden Kommunen, die
# On-Demand-Angebote erproben", "… Städte bei Leerstandsmanagement", "Antragsberechtigt sind
# Landkreise, die ein Bildungsmanagement aufbauen".
_WHAT_FOR = r"(?:,\s*(?:die|der|das|deren|dessen|wenn|um|sofern)\b|\b(?:bei|für|zur|zum|beim)\b)"
_NAMES_WHAT_FOR = re.compile(_WHAT_FOR, re.IGNORECASE)
# "Gefördert werden Träger sozialer Einrichtungen …", "Zuwendungsempfänger sind Kommunen":
# the sentence says who is funded, not what for, even though it uses a funding word.
_RECIPIENT = re.compile(
    r"^(?:gefördert werden|förderfähig sind|zuwendungsempfänger sind|zuwendungsempfänger können"
    r"|begünstigt sind|(?:funding|support) is (?:open|available) to)\s+"
    r"(?:(?:die|alle|öffentliche[nr]?|private[nr]?|kommunale[nr]?|gemeinnützige[nr]?"
    r"|kleine[nr]?|mittlere[nr]?|und|sowie)\s+)*"
    r"(?:träger|kommunen|gemeinden|städte|landkreise|kreise|unternehmen|vereine|verbände"
    r"|organisationen|einrichtungen|hochschulen|betriebe|kmu|personen|eigentümer"
    r"|waldbesitzende|antragsteller)"
    # … unless it goes on to say what for
    rf"(?!.*{_WHAT_FOR})",
    re.IGNORECASE,
)
# "… erhalten eine Prämie für klimaangepasstes Waldmanagement", "Finanziert werden
# Investitionen in Schulen", "Das Land kofinanziert Breitbandprojekte in der
# Gigabitförderung": what the money is for, in other words than the purpose cues.
_FUNDED_FOR = re.compile(
    r"\b(?:(?:ko|co-?)?finanziert|(?:ko|co-?)?finanzieren|bezuschusst|gewährt|erhalten"
    r"|zuschüsse|zuschuss|prämie)\b.*\b(?:für|in)\b"
    # "Mit dem Förderaufruf … finanziert das Land Digital-Scouts bei …": the funder finances
    r"|\b(?:ko|co-?)?finanziert\s+(?:das\s+Land|der\s+Bund|der\s+Freistaat|die\s+EU"
    r"|die\s+Europäische\s+Union|das\s+Ministerium)\b"
    # "Gesucht werden …", "Die Lokale Aktionsgruppe sucht Projekte, die …": what the call
    # asks for
    r"|\b(?:gesucht|sucht)\b",
    re.IGNORECASE,
)
# "Förderfähig sind insbesondere …" (not "der förderfähigen Ausgaben" of a rate), "Auch
# Ideen … sind willkommen", "Ausdrücklich erwünscht sind …": what may be funded, often
# costs or examples that come after the purpose itself.
_FUNDABLE = re.compile(r"\b(?:förderfähig|willkommen|erwünscht)\b", re.IGNORECASE)


def _funded_for(sentence: str) -> bool:
    """Whether a sentence says what money is for or what the call asks for, in other words
    than the purpose cues; never an exclusion ("… sind nicht förderfähig")."""
    return not _excludes(sentence) and bool(
        _FUNDED_FOR.search(sentence) or _FUNDABLE.search(sentence)
    )


# "Kommunen können bis zum 28. Februar Anträge für automatische Radzählstellen, digitale
# Fahrradparkhäuser und Mängelmelder-Apps stellen.": a deadline sentence that names what
# may be applied for.
_APPLY_FOR = re.compile(
    r"\b(?:Anträge|Antrag|Förderanträge|Mittel|Fördermittel|Zuschüsse|Zuschuss|Zuwendungen"
    r"|applications?|proposals?|funding)\s+(?:[\w-]+\s+)?(?:für|zur|zum|for)\b",
    re.IGNORECASE,
)


# A clause that says what for: "…, die zur Umsetzung … beitragen", "…, um … zu entwickeln".
# A preposition is not enough next to an amount: "… Pauschalbeträge von 120.000 Euro für das
# gesamte Konsortium", "… eine Koordinationsstelle … für drei Jahre mit bis zu 240.000 Euro"
# say how much and how long.
_GOES_ON_WHAT_FOR = re.compile(r",\s*(?:die|der|das|deren|dessen|um)\b", re.IGNORECASE)


def _funds_with_amount(sentence: str) -> bool:
    """Whether a sentence says plainly what is funded and names an amount or rate only as a
    condition: „Gefördert werden Projekte mit Gesamtkosten bis 20.000 Euro netto, die …“.

    Without its amounts it must still fund plainly, say what for in a clause („…, die …“,
    „…, um … zu …“) and have no word of procedure, so a rate („Der Zuschuss beträgt bis zu
    50 % der Ausgaben für …“) or a list of costs („Gefördert werden Personal- und
    Sachausgaben bis zu 100 %.“) stays one.
    """
    rest = _MONEY.sub(" ", sentence)
    return (
        _funds_plainly(rest)
        and not _cue_words(rest)[1]
        and not _ELIGIBILITY.search(rest)
        and bool(_GOES_ON_WHAT_FOR.search(rest))
    )


def _quote_tier(sentence: str) -> int:
    """How poorly a call sentence serves as the funding purpose; the lowest tier is quoted.

    0: may state the purpose, also with an amount when it says plainly what is funded and
    what for (`_funds_with_amount`); 1: states it with an amount or rate, or states who may
    apply for what; 2: states only who may apply or who is funded; 3: states an amount or rate
    only, or procedure only; 4: states a date or deadline, or addresses the reader. What is
    funded, even with its rate ("Das Land kofinanziert Breitbandprojekte … mit bis zu
    40 %."), says more about the call than a list of applicants ("Antragsberechtigt sind
    Kreise, Städte und Gemeinden."). A deadline that comes with what is funded or may be
    applied for ("… bis zum 28. Februar Anträge für automatische Radzählstellen …") ranks
    with a rate (3): it names the measures, the rate names none. An exclusion ("Nicht
    gefördert werden …") is procedure (3).
    """
    if _addresses_reader(sentence):
        return 4
    purpose, procedure = _cue_words(sentence)
    states_purpose = purpose > 0 or _funded_for(sentence)
    if _DATE.search(sentence):
        return 3 if states_purpose or _APPLY_FOR.search(sentence) else 4
    money = _MONEY.search(sentence)
    if money and not states_purpose:
        return 3
    if money and _funds_with_amount(sentence):
        return 0
    eligibility = bool(_ELIGIBILITY.search(sentence))
    if (
        _RECIPIENT.search(sentence)
        or _recipients_funded(sentence)
        or (eligibility and not _NAMES_WHAT_FOR.search(sentence))
    ):
        return 2
    if money or eligibility or _COSTS.search(sentence):
        return 1
    if procedure and not states_purpose:
        return 3
    return 1 if _PRIORITY.search(sentence) else 0


def _states_purpose(candidate: _Candidate) -> bool:
    """Whether the text may present a quote as the call's funding purpose.

    Only a sentence of the lowest tier that names the purpose in words ("gefördert",
    "Ziel", "Zweck" …, or what money is for: "erhalten eine Prämie für …") or stands under
    a purpose heading ("1. Zuwendungszweck"): "Städte
    und Gemeinden können Maßnahmen … anmelden" is a fact of the procedure, not a purpose.
    """
    if candidate.tier != 0:
        return False
    return (
        candidate.after_purpose_heading
        or _cue_words(candidate.text)[0] > 0
        or _funded_for(candidate.text)
    )


@dataclass(slots=True)
class _Candidate:
    text: str
    position: int
    after_purpose_heading: bool
    tier: int = 0  # see _quote_tier
    # the candidate just before it in the text, when this one opens with an anaphor
    # ("Dazu gehören …") that points to it; -1: anaphor without a quotable antecedent
    antecedent: int | None = None

    @property
    def anaphoric(self) -> bool:
        return self.antecedent is not None

    def purpose_rank(self) -> int:
        """How plainly the sentence states the purpose, 0 best: 0 what is funded, 1 what may
        be funded ("Förderfähig sind Lizenzkosten …"), 2 a weak purpose word only (soll,
        Vorhaben), 3 none (background: "Bürgerinnen, Bürger und Unternehmen erwarten …")."""
        if not _states_purpose(self):
            return 3
        if _funds_plainly(self.text):
            return 0
        if self.after_purpose_heading and not _LEGAL_BASIS.match(self.text):
            return 0
        return 1 if _FUNDABLE.search(self.text) else 2


# "Under the Single Digital Gateway Regulation …, procedures … must be offered online",
# "Nach dem Onlinezugangsgesetz sind …": the law behind a call, often the first sentence
# under its purpose heading; unless it also says what is funded, it is background there too.
_LEGAL_BASIS = re.compile(
    r"(?:Under|Pursuant\s+to|In\s+accordance\s+with|According\s+to|Nach|Gemäß|Laut|Aufgrund"
    r"|Auf\s+(?:der\s+)?Grundlage)\s+(?:de[rms]|the|des|dem)?\s*[^,.;:]{0,80}?"
    r"(?:Regulation|Directive|Act|Decision|[Gg]esetz\w*|[Vv]erordnung\w*|[Rr]ichtlinie\w*"
    r"|Vertrag\w*|§)",
)


# A sentence opening with a word that points back ("Dazu gehören insbesondere …", "Hierzu
# zählen …", "Beispiele sind …", "These actions …") means nothing without the sentence
# before it. "Dieser Aufruf", "Diese Richtlinie" point to the call itself, not back.
_ANAPHOR = re.compile(
    r"^(?:Dazu|Hierzu|Dafür|Hierfür|Darunter|Dabei|Hierbei|Davon|Hiervon|Darin|Daneben"
    r"|Beispiele\s+(?:hierfür\s+|dafür\s+)?sind"
    r"|(?:Dies(?:e[mnrs]?)?|Solche[mnrs]?)(?!\s+[\w-]*(?:aufruf|programm|richtlinie|wettbewerb"
    r"|ausschreibung|förderung)\b)"
    r"|These|Such|They)\b",
    re.IGNORECASE,
)


# "… finanziert das Land Digital-Scouts … Die Scouts besuchen Betriebe …": a sentence that
# opens with the head of a hyphenated compound of the sentence before takes it up, as an
# anaphor does (`_ANAPHOR`). Not the call itself ("Der Aufruf", as `_ANAPHOR`).
_DEFINITE = re.compile(
    r"^(?:Die|Der|Das|Diese[mnrs]?)\s+(?!(?:[\w-]*(?:aufruf|programm|richtlinie|wettbewerb"
    r"|ausschreibung|förderung))\b)([A-ZÄÖÜ]\w{3,})\b"
)


def _takes_up(sentence: str, before: str) -> bool:
    """Whether `sentence` opens by naming again what a compound of `before` named
    („Digital-Scouts“ … „Die Scouts …“)."""
    m = _DEFINITE.match(sentence)
    return m is not None and re.search(rf"\w-{re.escape(m.group(1))}\b", before) is not None


# Where a sentence too long to quote may be cut: before a comma, semicolon or colon, or
# before "sowie", which joins clauses or list items. Not before "und" or "oder": they join
# words inside one item as often as items ("Rad- und Wanderwege", "in kleine und mittlere
# Unternehmen", "den digitalen und ökologischen Wandel"), and a cut there strands them.
_CLAUSE_BREAK = re.compile(r"\s*[,;:](?=\s)|(?=\ssowie\s)")
# A line of labels ("Förderart: Zuschuss Förderbereich: Kultur … Fördergeber: …") is no
# sentence: cut at one of its colons, it would pass for one.
_LABELS = re.compile(r"(?::\s.*){2}")
_OMITTED = " […]"  # German citation practice for words left out of a quotation
# Guillemets point either way: German »…«, Swiss and French «…»; whichever comes first opens.
_OPENING = "(„“»«‚"
_CLOSING = {"(": ")", "„": "“", "“": "”", "»": "«", "«": "»", "‚": "‘"}


def _shorten(sentence: str, max_chars: int) -> str | None:
    """The sentence as a quote of at most `max_chars`: whole when it fits, else cut at the
    last clause or list boundary (`_CLAUSE_BREAK`) that leaves room for " […]" and the
    sentence's own final mark ("Gefördert werden Vorhaben, die …: digitale
    Informationsstelen, … […]."); None when no cut keeps MIN_QUOTE_WORDS words.

    The final mark stays so that the quote still ends a sentence: the templates run the
    next sentence on after it, and `_cut` splits a text that is too long at full stops. A
    trailing "…" becomes a full stop: " […]" marks the omission already.

    The longest cut is taken: the quote always starts where the sentence does (its subject
    and verb, "Gefördert werden …"), so a longer cut keeps every word a shorter one keeps,
    and with them the most of what the project may share. No cut falls inside brackets or
    quotation marks, which would be left open.
    """
    if len(sentence) <= max_chars:
        return sentence
    if _LABELS.search(sentence):
        return None
    end = re.search(r"[.!?…](?=[\"'”“»«)]*$)", sentence)
    # "[…]" marks the words left out; after it a trailing "…" would say so twice, so the
    # cut sentence ends with a full stop.
    mark = "." if end and end.group() == "…" else (end.group() if end else "")
    room = max_chars - len(_OMITTED) - len(mark)
    best: str | None = None
    for m in _CLAUSE_BREAK.finditer(sentence):
        head = sentence[: m.start()].rstrip(" ,;:")  # "…, sowie": the comma goes too
        if len(head) > room:
            break
        if _open_pair(head) or len(head.split()) < MIN_QUOTE_WORDS:
            continue
        best = head
    return None if best is None else f"{best}{_OMITTED}{mark}"


def _open_pair(text: str) -> bool:
    """Whether a bracket or quotation mark opened in `text` is still open at its end."""
    stack: list[str] = []
    for ch in text:
        if stack and ch == _CLOSING[stack[-1]]:
            stack.pop()
        elif ch in _OPENING:
            stack.append(ch)
    return bool(stack)


def _call_candidates(call: CallTexts, max_chars: int) -> list[_Candidate]:
    """Quotable sentences of the call's text; of its summary only when the text has none.

    The full text is what the funder published as binding; a summary may be a portal's
    paraphrase, so it is quoted only as a last resort.
    """
    out: list[_Candidate] = []
    seen: set[str] = set()
    for body in (call.text, call.summary):
        if out:
            break
        heading_is_purpose = False
        # Under "Förderberechtigte:" or "Wer kann sich bewerben?" until the next heading or
        # label: what follows says who may apply.
        applicant_section = False
        # "Gegenstand der Förderung: Gefördert werden …": a label run on before a sentence
        # speaks for that sentence only; the portals run the next field on without a
        # heading of its own, and a section of background would pass for the purpose.
        labelled_purpose = False
        # the sentence right after a heading or label: the one it announces
        first_after_heading = False
        previous: int | None = None  # the candidate just before, if the sentence was one
        for line in logical_lines(body):
            for i, sentence in enumerate(split_sentences(line)):
                # "2. Gegenstand der Förderung." is a title whose full stop is no sentence
                # end; the bullet strip below would take its number, so look first.
                title = numbered_title(sentence, MIN_QUOTE_WORDS - 1)
                sentence = _strip_bullet(sentence)
                inline = _INLINE_HEADING.match(sentence)
                if inline:
                    # Quote the sentence without its section number and title, and let the
                    # title say whether the section states the funding purpose.
                    heading_is_purpose = bool(_cue_score(inline.group(1))[0])
                    applicant_section = labelled_purpose = False
                    first_after_heading = True
                    sentence = sentence[inline.end() :]
                    previous = None
                kind, sentence = _field_label(sentence)
                if kind is None and (kind := _question_heading(sentence)) is not None:
                    sentence = ""  # "Was bieten wir?" is all heading
                if kind is not None:
                    # a label alone on its line, or a question, heads a section
                    heading_is_purpose = kind == "purpose" and not sentence
                    labelled_purpose = kind == "purpose" and bool(sentence)
                    applicant_section = kind == "applicant"
                    first_after_heading = True
                    previous = None
                    if not sentence:
                        continue
                n_words = len(sentence.split())
                if title or (n_words < MIN_QUOTE_WORDS and not PUNCT_END.search(sentence)):
                    # A heading such as "1. Zuwendungszweck" or "§ 2 Zuwendungszweck.":
                    # remember what it announces (a numbered title also inside a line, where
                    # legal texts run it on after the previous section).
                    heading_is_purpose = bool(_cue_score(sentence)[0]) and (i == 0 or title)
                    applicant_section = labelled_purpose = False
                    first_after_heading = True
                    previous = None
                    continue
                after_purpose = heading_is_purpose or labelled_purpose
                announced = after_purpose and first_after_heading
                labelled_purpose = first_after_heading = False
                quote = _shorten(sentence, max_chars)
                if n_words < MIN_QUOTE_WORDS or quote is None or sentence in seen:
                    previous = None
                    continue
                seen.add(sentence)
                antecedent = None
                if _ANAPHOR.match(sentence):
                    antecedent = -1 if previous is None else previous
                elif previous is not None and _takes_up(sentence, out[previous].text):
                    antecedent = previous
                tier = _heading_tier(quote, announced, applicant_section)
                candidate = _Candidate(quote, len(out), after_purpose, tier, antecedent)
                if quote != sentence and not _states_purpose(candidate):
                    # Only the purpose is worth a cut quote; a long sentence of background,
                    # money or procedure is left out as before.
                    previous = None
                    continue
                out.append(candidate)
                previous = len(out) - 1
    return out


@dataclass(slots=True)
class _StrategySentence:
    text: str
    label: str
    general: bool = False  # Leitbild and aims: they match many calls, so need more evidence
    goal_id: str = ""


def _strategy_sentences(strategy: Strategy, projects: Sequence[Project]) -> list[_StrategySentence]:
    """Strategy sentences a call sentence may correspond to."""
    pool: list[_StrategySentence] = []
    themes = []
    for project in projects:
        if project.theme_id not in themes:
            themes.append(project.theme_id)
    for theme_id in themes:
        theme = strategy.theme(theme_id)
        for goal in theme.goals:
            pool.append(
                _StrategySentence(
                    goal.text, f"das Ziel {goal.id} (Handlungsfeld {theme.name})", goal_id=goal.id
                )
            )
        for s in split_sentences(theme.description):
            pool.append(_StrategySentence(s, f"das Handlungsfeld {theme.name}"))
    # A sentence about funding itself corresponds to every call, so to none.
    for s in split_sentences(strategy.leitbild):
        if not _about_funding(s):
            pool.append(_StrategySentence(s, "das Leitbild", general=True))
    for aim in strategy.aims:
        if not _about_funding(aim):
            pool.append(_StrategySentence(aim, "das Strategieziel", general=True))
    return pool


def _about_funding(text: str) -> bool:
    """Whether a Leitbild sentence or aim is about getting funding ("Den Zugang zu
    Fördermitteln verbessern", "… nutzen Fördermittel gezielt"): every application serves
    it, so a funder reads it as circular. The funding words are boilerplate to the
    analysis, so this reads the raw words."""
    return any(w.startswith("förder") for w in analysis.words(text))


def _project_profile(strategy: Strategy, project: Project) -> str:
    goals = " ".join(strategy.goal(g).text for g in project.goal_ids)
    theme = strategy.theme(project.theme_id)
    return " ".join([project.title, project.summary, " ".join(project.keywords), goals, theme.name])


def select_quotes(
    strategy: Strategy,
    call: CallTexts,
    projects: Sequence[Project],
    *,
    variant: str = "long",
    max_quotes: int = 2,
    max_chars: int | None = None,
) -> list[Quote]:
    """The one or two call sentences stating the funding purpose the projects meet best.

    Each comes with the most similar strategy sentence. The result is never empty when
    the call has any text: without a fitting sentence, the first purpose-like one is used.
    """
    lang = call.language or analysis.detect_language(f"{call.title} {call.text}")
    max_chars = max_chars or MAX_QUOTE_CHARS[variant]
    candidates = _call_candidates(call, max_chars)
    if not candidates:
        # Too few words everywhere: fall back to any sentence of the text or summary.
        for body in (call.text, call.summary):
            sentences = [_strip_bullet(s) for s in split_sentences(body)]
            sentences = [s for s in sentences if len(s) <= max_chars] or [
                _shorten(s, max_chars) or s for s in sentences[:1]
            ]
            if sentences:
                candidates = [_Candidate(sentences[0], 0, False, _quote_tier(sentences[0]))]
                break
    if not candidates:
        return []
    pool = _strategy_sentences(strategy, projects)
    profiles = [_project_profile(strategy, p) for p in projects]
    cand_feats = [_features(c.text, lang) for c in candidates]
    pool_feats = [_features(s.text, "de") for s in pool]
    profile_feats = [_features(p, "de") for p in profiles]
    space = _Space([*cand_feats, *pool_feats, *profile_feats])
    cand_vecs = [space.vector(f) for f in cand_feats]
    pool_vecs = [space.vector(f) for f in pool_feats]
    profile_vecs = [space.vector(f) for f in profile_feats]

    scored: list[tuple[float, float, int]] = []
    for i, (cand, vec) in enumerate(zip(candidates, cand_vecs, strict=True)):
        # The combined text needs a sentence that serves all projects, so average them.
        sim = sum(_cosine(vec, p) for p in profile_vecs) / len(profile_vecs)
        purpose, procedure = _cue_score(cand.text)
        weight = (1.0 + 0.3 * min(purpose, 2.0) + (0.3 if cand.after_purpose_heading else 0.0)) / (
            1.0 + 0.5 * procedure
        )
        # Calls state their purpose early; a small prior breaks ties toward the start.
        prior = 0.02 / (1 + cand.position)
        scored.append((sim * weight + prior, sim, i))
    # A sentence that may state the funding purpose beats any that only states eligibility,
    # money or dates, however similar those are to the project; among those, one that says
    # what is funded beats one with a weaker purpose word (a legal "… sollen …") and that
    # beats background ("Bürgerinnen, Bürger und Unternehmen erwarten …").
    rank = {i: (candidates[i].tier, candidates[i].purpose_rank()) for _, _, i in scored}

    def passage(i: int) -> tuple[int, ...] | None:
        # What quoting candidate i quotes: an anaphor ("Dazu gehören … WLAN …") together with
        # the sentence it points to; never alone.
        a = candidates[i].antecedent
        if a is None:
            return (i,)
        if a < 0 or candidates[a].anaphoric:
            return None
        return (a, i)

    def joined(p: tuple[int, ...]) -> bool:
        # one quote when the pair fits the quote length, else two quotes in a row
        return len(p) == 1 or sum(len(candidates[j].text) + 1 for j in p) - 1 <= max_chars

    def cost(p: tuple[int, ...]) -> int:
        return 1 if joined(p) else len(p)

    passages = {
        i: p for _, _, i in scored if (p := passage(i)) is not None and cost(p) <= max_quotes
    }
    for i, p in passages.items():
        if len(p) == 2:
            # quoted with its antecedent, the pair states what the antecedent states
            rank[i] = (max(rank[i][0], candidates[p[0]].tier), rank[p[0]][1])
    scored.sort(key=lambda t: (rank[t[2]], -t[0], t[2]))
    totals = {i: total for total, _, i in scored}

    first = next((i for _, _, i in scored if i in passages), None)
    chosen: list[tuple[int, ...]] = [passages[first] if first is not None else (scored[0][2],)]
    best = max(totals[j] for j in chosen[0])
    slots = cost(chosen[0])
    for total, sim, i in scored:
        if slots >= max_quotes:
            break
        p = passages.get(i)
        if p is None or sim <= 0 or rank[i][0] > 0:
            continue
        in_quotes = [j for q in chosen for j in q]
        if i in in_quotes:
            continue
        # "Dazu gehören insbesondere …" goes on with the chosen sentence it points to; any
        # other second quote states what is funded too: a legal or background "… sollen …"
        # is no second purpose.
        goes_on = (p[0],) in chosen
        # A second quote of its own must be about as close to the project as the first; one
        # that goes on with the first is read with it and completes it ("… finanziert das
        # Land Digital-Scouts … Die Scouts besuchen Betriebe, führen Digital-Checks durch …"):
        # its many words of detail dilute its own similarity.
        if total < 0.6 * best and not goes_on:
            continue
        if not goes_on and (p[0] in in_quotes or rank[i][1] > 1):
            continue
        extra = 1 if goes_on else cost(p)
        if slots + extra > max_quotes:
            continue
        if max(_cosine(cand_vecs[i], cand_vecs[j]) for j in in_quotes) > 0.6:
            continue  # a near-repeat of a quote already chosen says nothing new
        chosen = [p if q == (p[0],) else q for q in chosen] if goes_on else [*chosen, p]
        slots += extra
    chosen.sort()  # quote in the call's own order

    # A strategy sentence corresponds to a quote when it says the same thing; among equals,
    # the one closer to the project wins (its own goal rather than a general Leitbild line).
    project_fit = [max(_cosine(p, v) for p in profile_vecs) for v in pool_vecs]
    own_goals = {g for p in projects for g in p.goal_ids}
    quotes: list[Quote] = []
    used: set[int] = set()
    groups = [(g, p) for p in chosen for g in ([p] if joined(p) else [(j,) for j in p])]
    for g, p in groups:
        text = " ".join(candidates[j].text for j in g)
        vec = (
            cand_vecs[g[0]]
            if len(g) == 1
            else space.vector(sum((cand_feats[j] for j in g), Counter()))
        )
        score = max(totals[j] for j in g)
        sims = [_cosine(vec, v) for v in pool_vecs]
        fit = [
            sims[k]
            + 0.3 * project_fit[k]
            + (OWN_GOAL_BONUS if pool[k].goal_id in own_goals and sims[k] else 0)
            for k in range(len(pool))
        ]
        ranked = sorted(range(len(pool)), key=lambda k: (-fit[k], k))
        # Prefer a sentence not yet paired with the other quote, but never a weak one:
        # no correspondence is better than a far-fetched one. A sentence that states who
        # may apply or how much, not a purpose, corresponds to no aim of the strategy.
        purpose = any(_states_purpose(candidates[j]) for j in p)
        k = next((k for k in ranked if k not in used), None)
        # The project's own goal, when the quote names what it names (Ehrenamtsplattformen,
        # the goal on Ehrenamt), reads better than another goal or a Leitbild line the quote
        # is closer to (regionale Online-Marktplätze): the reviewer looks for what the
        # project serves. Among the own goals the quote decides alone, by the words of the
        # goal it names, then by similarity: each goal is part of its project's profile, so
        # closeness to a project only favours the project whose summary repeats its goal
        # most (M1, On-Demand-Verkehr, for a quote on Mobilitätsstationen and Radwege).
        named = {
            j: _words_named(text, lang, pool[j].text)
            for j in range(len(pool))
            if j not in used and pool[j].goal_id in own_goals
        }
        own = min(
            (j for j, n in named.items() if n),
            key=lambda j: (-named[j], -sims[j], j),
            default=None,
        )
        k = k if own is None else own
        if (
            k is None
            or not purpose
            or not _corresponds(text, lang, vec, pool[k], pool_vecs[k], own_goals)
        ):
            quotes.append(Quote(text, "", "", score, purpose))
            continue
        used.add(k)
        quotes.append(Quote(text, pool[k].text, pool[k].label, score, purpose))
    return quotes


# Words that say nothing about what a sentence is about: every strategy the tool serves is
# a digitalisation strategy, and every call funds something.
_GENERIC = DIGITAL_WORDS
_MIN_PART = 5  # letters of a stem that, inside a compound of the other text, bridges them


def _subject_stems(text: str, lang: str) -> set[str]:
    """Stems of the words that name what a sentence is about (for English text, also the
    German glossary terms): not the words of funding ("fördern", "stärken", "Antrag" …)."""
    generic = {
        *_cue_stems(_PURPOSE),
        *_cue_stems(_PROCEDURE),
        *_cue_stems(_PURPOSE_EN, "en"),
        *_cue_stems(_PROCEDURE_EN, "en"),
        *_cue_stems(_GENERIC),
    }
    stems = {analysis.token_stem(t) for t in analysis.content_tokens(text, lang)}
    return {s for s in stems if s not in generic}


def _shares_term(quote: str, lang: str, sentence: str) -> bool:
    """Whether a quote and a strategy sentence share a word: the same stem, or the stem of
    one inside a compound of the other (Glasfaser, Glasfasernetze). Sharing letters is not
    enough: Gemeinden and gemeinsam, sozialer and digitaler share no word."""
    return _overlap(_subject_stems(sentence, "de"), _subject_stems(quote, lang))


def _words_named(quote: str, lang: str, sentence: str) -> int:
    """How many words of a strategy sentence a quote names: the same stem, or one inside a
    compound of the other (as `_shares_term`; Leerstände, Leerstandsmanagement)."""
    theirs = _subject_stems(quote, lang)
    return sum(
        any(_overlap({ours}, {t}) for t in theirs) for ours in _subject_stems(sentence, "de")
    )


def _overlap(ours: set[str], theirs: set[str]) -> bool:
    """Whether two sets of stems share one, or one of them lies inside a stem of the other."""
    if ours & theirs:
        return True
    return any(
        len(a) >= _MIN_PART and a in b
        for x, y in ((ours, theirs), (theirs, ours))
        for a in x
        for b in y
    )


# Words that say where, for whom or how in general, not what: a call "für Kommunen im
# ländlichen Raum" does not touch every goal that names the same place or addressees, nor
# does "IT-Sicherheit" touch "Versorgung sichern" or "grüne Infrastruktur" digital
# infrastructure.
_SETTING = """kommune kommunen kommunal kommunale interkommunal ländlich ländlichen raum räume
region regionen regional regionale stadt städte gemeinde gemeinden kreis kreise landkreis
unternehmen bürger bürgerinnen verwaltung verwaltungen angebot angebote entwickeln nutzen
neu neue klein kleine sicher sichern stellen bereitstellen infrastruktur standort standorte"""
_MIN_SHARED = 3  # letters of a stem two texts must share exactly (Daten, App)


def _names_same(a: str, b: str) -> bool:
    """The same stem, or one inside a compound of the other (Ehrenamt, Ehrenamtsplattform)."""
    if a == b:
        return len(a) >= _MIN_SHARED
    short, long_ = sorted((a, b), key=len)
    return len(short) >= _MIN_PART and short in long_


def touches(call: CallTexts, goal_text: str, own_goal_texts: Sequence[str]) -> bool:
    """Whether the call names something a goal names that the projects' own goals do not.

    The matcher ranks every goal against the call, so the goals after the best are often
    close only by chance (Volkshochschulen and Schulen, Sicherheit and sichern) or by what
    the project's own goal already says. The text claims that the call touches a goal only
    when a word of the goal, not about place or addressees and not shared with the own
    goals, is named in the call.
    """
    lang = call.language or analysis.detect_language(f"{call.title} {call.text}")
    setting = _cue_stems(_SETTING)
    theirs = _subject_stems(f"{call.title} {call.summary} {call.text}", lang) - setting
    own = {s for text in own_goal_texts for s in _subject_stems(text, "de")}
    return any(
        any(_names_same(g, c) for c in theirs) and not any(_names_same(g, o) for o in own)
        for g in _subject_stems(goal_text, "de") - setting
    )


# --- how well a project fits the call: the words the matcher found shared -----------

# Words that name no topic a call and a project could share, beyond place, addressees and
# funding (`_SETTING`, `_GENERIC`, the cue words): one list with the explanations, which do not
# show a pair of words that shares only one of them (`matcher.reasons.GENERIC_WORDS`).
_NO_TOPIC = GENERIC_WORDS
# "Verwaltung" is a Handlungsfeld of the strategy, not a setting, when a project and a call
# share it: a call on digital administration is on topic for the administration projects.
_TOPIC_SETTING = "verwaltung verwaltungen"
_MIN_TOPIC_PART = 4  # letters of a stem that may start or end the other word (Pflege-heime)


@cache
def _no_topic_stems() -> frozenset[str]:
    return frozenset(
        {
            *(_cue_stems(_SETTING) - _cue_stems(_TOPIC_SETTING)),
            *_cue_stems(_PURPOSE),
            *_cue_stems(_PROCEDURE),
            *_cue_stems(_NO_TOPIC),  # with the digital words (`_GENERIC`)
            *analysis.boilerplate_stems("de"),
            # the words the explanations do not show (Vereine, Hochschulen, Westfalen, ausstatten)
            *not_reason_stems("de"),
        }
    )


@cache
def _generic_heads() -> tuple[str, ...]:
    """The words a compound made only of no-topic words is built from (Verbund-projekt,
    Modell-vorhaben, Anwendungs-partner), as stems and as folded words, longest first.
    Not the cue words: a Service-portal is the topic of a portal project, though "Portal"
    is a word of procedure."""
    words = analysis.words(f"{_NO_TOPIC} {_SETTING}")
    skip = set(analysis.words(_TOPIC_SETTING))
    heads = {
        form
        for w in words
        if w not in skip
        for form in (analysis.fold(w), analysis.stem(analysis.fold(w)))
        if len(form) >= _MIN_SHARED
    }
    return tuple(sorted(heads, key=lambda h: (-len(h), h)))


def _no_topic(part: str, depth: int = 0) -> bool:
    """Whether a shared word names no topic: a no-topic word, or a compound of them only
    (Verbundprojekt, Modellvorhaben; not Leerstandsmanagement, whose Leerstand is one)."""
    no_topic = _no_topic_stems()
    if part in no_topic or analysis.stem(part) in no_topic:
        return True
    if depth >= 3:  # compounds of more than three no-topic words are not worth the search
        return False
    for head in _generic_heads():
        if len(part) > len(head) and part.endswith(head):
            rest = part[: -len(head)].rstrip("-")
            # the linking s of a compound (Anwendungs-partner)
            if _no_topic(rest, depth + 1) or (
                rest.endswith("s") and _no_topic(rest[:-1], depth + 1)
            ):
                return True
    return False


def _readings(word: str, lang: str) -> list[str]:
    """The German words a call word stands for: an English word (phrase) by its glossary
    term, since "administration" in a call means Verwaltung, not a project's IT
    administration; other words as they are."""
    tokens = analysis.words(word)
    if lang == "en":
        german = [w for _, term in analysis.glossary_terms(tokens) for w in analysis.words(term)]
        if german:
            return german
    return tokens


def _shared_part(a: str, b: str) -> str:
    """The word two words share: the same stem, or one word as the start (Pflege,
    Pflegeheime) or the end (Verkehr, Radverkehr) of the other. Two compounds that share
    only a part (Waldmanagement, Radverkehrsmanagement) share no word: "" then."""
    for x, y, least in (
        (analysis.stem(analysis.fold(a)), analysis.stem(analysis.fold(b)), _MIN_TOPIC_PART),
        (analysis.fold(a), analysis.fold(b), _MIN_PART),
    ):
        if x == y:
            return x
        short, long_ = sorted((x, y), key=len)
        if len(short) >= least and (
            long_.startswith(short) or (long_.endswith(short) and len(long_) - len(short) >= 3)
        ):
            return short
    return ""


def topical(call_word: str, project_word: str, lang: str = "de") -> bool:
    """Whether a pair of words the matcher found shared names a topic of both texts.

    Not when they share only a part of a compound (Waldmanagement, Radverkehrsmanagement)
    or of an opaque compound (Hochschulen, Schulen: a university is no school), and not when
    what they share says where, for whom or how (Unternehmen, Kommunen, ländlicher Raum,
    Träger, Management), for an English call word by its German meaning (companies:
    Unternehmen; administration: Verwaltung, which IT administration is not).
    """
    for a in _readings(call_word, lang):
        for b in analysis.words(project_word):
            # terms stored before the explanations refused such pairs may still hold them
            if analysis.splits_opaque_compound(analysis.fold(a), analysis.fold(b)):
                continue
            part = _shared_part(a, b)
            if part and not _no_topic(part):
                return True
    return False


def shared_terms(
    terms: Iterable[object], lang: str = "de", limit: int = 2
) -> tuple[list[str], list[tuple[str, str]]]:
    """What a weak match rests on, for the text to name it: the words both texts use
    (Unternehmen) and the pairs of different words (Waldmanagement, Radverkehrsmanagement),
    each call word once, at most `limit` in all."""
    same: list[str] = []
    pairs: list[tuple[str, str]] = []
    seen: set[str] = set()
    for t in terms:
        if not isinstance(t, dict) or len(same) + len(pairs) >= limit:
            continue
        call_word = str(t.get("call_word") or "").strip()
        project_word = str(t.get("project_word") or "").strip()
        key = analysis.stem(analysis.fold(call_word.casefold()), lang)
        if not call_word or not project_word or key in seen:
            continue
        seen.add(key)
        if key == analysis.stem(analysis.fold(project_word.casefold()), lang):
            same.append(project_word)
        else:
            pairs.append((call_word, project_word))
    return same, pairs


def weak_fit(terms: Iterable[object], lang: str = "de") -> bool:
    """Whether a project's match with a call rests on no shared topic: none of the term
    pairs the matcher reports (`{call_word, project_word}`) is `topical`."""
    return not any(
        topical(str(t.get("call_word") or ""), str(t.get("project_word") or ""), lang)
        for t in terms
        if isinstance(t, dict)
    )


def _corresponds(
    quote: str,
    lang: str,
    quote_vec: dict[str, float],
    sentence: _StrategySentence,
    sentence_vec: dict[str, float],
    own_goals: set[str],
) -> bool:
    """Whether a strategy sentence may be shown as corresponding to a quote.

    The project's own goals need only a shared word (the project serves them and the quote
    was chosen for its closeness to the project). Others need a shared topic word
    (`_shares_topic`: not "stärken" or "lokal" alone) and a real similarity, and the
    Leitbild and the aims, which fit almost any call, twice the usual evidence.
    """
    if sentence.goal_id in own_goals:
        return _shares_term(quote, lang, sentence.text)
    if not _shares_topic(quote, lang, sentence.text):
        return False
    needed = MIN_CORRESPONDENCE * (2 if sentence.general else 1)
    return _cosine(quote_vec, sentence_vec) >= needed


def _shares_topic(quote: str, lang: str, sentence: str) -> bool:
    """Whether a quote and a strategy sentence share a word that names a topic (as
    `_shares_term`), not only a purpose verb, a setting or a generic word: "… das Miteinander
    in den Dörfern … stärken" and "Den lokalen Einzelhandel … stärken" share "stärken" and
    "lokal", no topic."""
    skip = _no_topic_stems()
    return _overlap(_subject_stems(sentence, "de") - skip, _subject_stems(quote, lang) - skip)


def _similarities(texts: Sequence[str], reference: str, lang: str = "de") -> list[float]:
    """The cosine of each of `texts` with `reference`, in one shared space."""
    feats = [_features(t, lang) for t in texts]
    ref = _features(reference, lang)
    space = _Space([*feats, ref])
    ref_vec = space.vector(ref)
    return [_cosine(space.vector(f), ref_vec) for f in feats]


def _rank_by_similarity(texts: Sequence[str], reference: str, lang: str = "de") -> list[int]:
    """Indices of `texts`, most similar to `reference` first (document order on ties)."""
    sims = _similarities(texts, reference, lang)
    return sorted(range(len(texts)), key=lambda i: (-sims[i], i))


def _leitbild_sentences(
    strategy: Strategy, reference: str, avoid: Collection[str] = ()
) -> list[str]:
    """The Leitbild's first sentence (its thesis) and the one closest to this application;
    not one in `avoid`, which the text quotes already next to the call's purpose."""
    sentences = split_sentences(strategy.leitbild)
    if len(sentences) <= 1:
        return sentences
    ranked = [1 + i for i in _rank_by_similarity(sentences[1:], reference)]
    best = next(
        (i for i in ranked if sentences[i] not in avoid and not _about_funding(sentences[i])),
        None,
    )
    return [sentences[0]] if best is None else [sentences[0], sentences[best]]


def _aim_topics(strategy: Strategy, aim: str, own: str) -> set[str]:
    """The topic words an aim shares with the projects' own title, summary, keywords, goals
    and theme (`own`): not the county's name, the setting, the generic words ("gemeinsam",
    "Kreis Coesfeld"), which the overarching aim shares with every project."""
    profile = strategy.region_profile
    names = " ".join(
        [profile.county, profile.state, profile.administrative_district, strategy.region]
        + [a.name for a in profile.applicants]
    )
    skip = _no_topic_stems() | _subject_stems(names, "de")
    ours = _subject_stems(aim, "de") - skip
    theirs = _subject_stems(own, "de") - skip
    return {a for a in ours if any(_names_same(a, b) for b in theirs)}


def _aims(
    strategy: Strategy,
    reference: str,
    limit: int = 2,
    avoid: Collection[str] = (),
    own: str = "",
) -> list[str]:
    """The aims this application serves, in the strategy's order.

    The up to `limit` aims closest to the call and the projects that have the evidence a
    corresponding sentence needs and share a topic word with the projects' own goals,
    theme and summary (`own`, `_aim_topics`); none without evidence: the first, overarching aim fits
    every project, so naming it everywhere reads as boilerplate. A place word such as
    "Region" alone does not make the aim about Standortmarketing fit. An aim about funding
    (Fördermittel) is left out (`_about_funding`). An aim in `avoid` (quoted next to the
    call's purpose already) is not chosen again.
    """
    aims = [a for a in strategy.aims if a not in avoid and not _about_funding(a)]
    if not aims:
        return []
    sims = _similarities(aims, reference)
    evident = [
        i
        for i in range(len(aims))
        if sims[i] >= MIN_CORRESPONDENCE and _aim_topics(strategy, aims[i], own)
    ]
    chosen = sorted(evident, key=lambda i: (-sims[i], i))[:limit]
    return [aims[i] for i in sorted(chosen)]


# --- context --------------------------------------------------------------------------


def _project_info(strategy: Strategy, project: Project, goal_ids: Sequence[str]) -> ProjectInfo:
    theme = strategy.theme(project.theme_id)
    ids = [g for g in goal_ids if _has_goal(strategy, g)] or list(project.goal_ids)
    kinds = {a.name: a.type for a in strategy.region_profile.applicants}
    municipalities = {*strategy.members, *kinds}
    lead = with_kind(project.lead, kinds) if project.lead else ""
    partners = [with_kind(p, kinds) for p in project.partners]
    return ProjectInfo(
        id=project.id,
        title=german_quotes(project.title),
        theme=theme.name,
        priority=theme.priority,
        goals=[GoalInfo(g, strategy.goal(g).text) for g in ids],
        summary=german_quotes(project.summary),
        lead=lead,
        partners=partners,
        interkommunal=sum(is_municipal(n, municipalities) for n in [lead, *partners] if n) >= 2,
        municipal_partners=[p for p in partners if is_municipal(p, municipalities)],
        other_partners=[p for p in partners if not is_municipal(p, municipalities)],
    )


_STRAIGHT_QUOTES = re.compile(r'"([^"\n]+)"')


def german_quotes(text: str) -> str:
    """Straight quotation marks of the strategy's YAML as German ones: Online-Marktplatz
    "LoReNa" → Online-Marktplatz „LoReNa“ (inside a quotation, `quote_de` halves them)."""
    return _STRAIGHT_QUOTES.sub(r"„\1“", text or "")


def _has_goal(strategy: Strategy, goal_id: str) -> bool:
    return any(g.id == goal_id for g in strategy.goals)


def build_context(
    strategy: Strategy,
    call: CallTexts,
    project_ids: Sequence[str],
    *,
    variant: str = "long",
    goal_ids: dict[str, list[str]] | None = None,
    call_goal_ids: Sequence[str] = (),
    max_quote_chars: int | None = None,
    weak: Mapping[str, Sequence[object]] | None = None,
) -> Context:
    """Everything the template needs for `project_ids` (two or more: the combined text).

    `goal_ids` maps a project to its matched goals (default: the project's goals);
    `call_goal_ids` are the strategy goals the matcher found closest to the call, of which
    those in the projects' themes join the closing paragraph. `weak` maps a project whose
    match rests on no shared topic to the matcher's term pairs (`weak_fit`).
    """
    if variant not in VARIANTS:
        raise JustificationError(f"Unbekannte Variante '{variant}' (long oder short)")
    if not project_ids:
        raise JustificationError("Kein Projekt angegeben")
    projects: list[Project] = []
    for pid in project_ids:
        try:
            projects.append(strategy.project(pid))
        except StopIteration:
            known = ", ".join(p.id for p in strategy.projects)
            raise JustificationError(
                f"Projekt '{pid}' gibt es in der Strategie nicht (bekannt: {known})"
            ) from None
    goal_ids = goal_ids or {}
    infos = [_project_info(strategy, p, goal_ids.get(p.id, p.goal_ids)) for p in projects]
    lang = call.language or analysis.detect_language(f"{call.title} {call.text}")
    for info in infos:
        if weak is not None and info.id in weak:
            info.weak = True
            info.shared_words, info.shared_pairs = shared_terms(weak[info.id], lang)

    reference = " ".join(
        [call.title, call.summary, *(_project_profile(strategy, p) for p in projects)]
    )
    quotes = select_quotes(
        strategy,
        call,
        projects,
        variant=variant,
        max_quotes=2 if variant == "long" else 1,
        max_chars=max_quote_chars,
    )
    # a strategy sentence standing next to a quote is not quoted again in the first part
    quoted = {q.strategy_text for q in quotes if q.strategy_text}
    # Closing paragraph: the projects' matched goals, then up to three in all with goals of
    # the same themes that the matcher found close to the call.
    closing: list[GoalInfo] = []
    for info in infos:
        for g in info.goals:
            if all(c.id != g.id for c in closing):
                closing.append(g)
    related: list[GoalInfo] = []
    themes = {p.theme_id for p in projects}
    for gid in call_goal_ids:
        if not _has_goal(strategy, gid) or len(closing) + len(related) >= 3:
            continue
        goal: Goal = strategy.goal(gid)
        if (
            goal.theme_id in themes
            and all(c.id != gid for c in [*closing, *related])
            and touches(call, goal.text, [c.text for c in closing])
        ):
            related.append(GoalInfo(goal.id, goal.text))
    return Context(
        strategy=StrategyInfo(
            name=strategy.name,
            region=strategy.region,
            adopted=strategy.adopted,
            adopted_by=strategy.adopted_by,
            members=list(strategy.members),
            leitbild=_leitbild_sentences(strategy, reference, quoted),
            leitbild_text=strategy.leitbild,
            member_kinds={a.name: a.type for a in strategy.region_profile.applicants},
            aims=_aims(
                strategy,
                reference,
                avoid=quoted,
                own=" ".join(_project_profile(strategy, p) for p in projects),
            ),
        ),
        # the template marks a quote in English as such
        call=replace(
            call, language=call.language or analysis.detect_language(f"{call.title} {call.text}")
        ),
        projects=infos,
        quotes=quotes,
        goals=closing,
        related_goals=related,
        combined=len(infos) > 1,
        variant=variant,
    )


# --- rendering ------------------------------------------------------------------------


# Quotation marks inside a quoted text: German „…“, straight "…", English “…” and »…«.
_INNER_QUOTES = re.compile(r"„([^„“”]*)[“”]|\"([^\"]*)\"|“([^“”„]*)”|»([^»«]*)«")


def quote_de(text: object) -> str:
    """„text“ with German quotation marks; empty text stays empty (never „“).

    Quotation marks inside become half ones (‚…‘), as German typesetting nests them: a
    title such as Förderaufruf „Kommune digital“ would otherwise end in „…““.
    """
    text = str(text or "").strip()
    if not text:
        return ""
    inner = _INNER_QUOTES.sub(lambda m: f"‚{next(g for g in m.groups() if g is not None)}‘", text)
    return f"„{inner}“"


def excerpt_de(sentences: Iterable[object], whole: object = "") -> str:
    """Sentences of one text as one quotation: „A. B.“ when B follows A in `whole`,
    „A. […] B.“ when sentences were left out between them (German citation practice)."""
    items = [str(s).strip() for s in sentences if str(s).strip()]
    flat = " ".join(str(whole or "").split())
    out = items[:1]
    for before, after in pairwise(items):
        follows = f"{' '.join(before.split())} {' '.join(after.split())}" in flat
        out.append(after if follows else f"[…] {after}")
    return quote_de(" ".join(out))


def bare(text: object) -> str:
    """A sentence without its final full stop, to quote it inside another sentence."""
    return str(text or "").strip().rstrip(".").rstrip()


def sentence(text: object) -> str:
    """Text that ends like a sentence (a full stop added when it has no final mark)."""
    text = str(text or "").strip()
    if not text or re.search(r"[.!?…][\"'“”»]?$", text):
        return text
    return text + "."


def goal_de(goal: GoalInfo) -> str:
    """„goal text“ (Ziel V1)."""
    return f"{quote_de(bare(goal.text))} (Ziel {goal.id})"


def goals_de(goals: Iterable[GoalInfo], quoted: Iterable[str] = (), texts: bool = True) -> str:
    """'das Ziel V1 sowie die Ziele „…“ (Ziel V2) und „…“ (Ziel V4)': a goal whose text the
    text has quoted already (next to the call's purpose) is named by its id only, and so
    is every goal when `texts` is false."""
    shown = set(quoted)
    goals = list(goals)
    by_id = [g for g in goals if not texts or g.text in shown]
    in_full = [g for g in goals if g not in by_id]
    parts = [
        ("das Ziel " if len(group) == 1 else "die Ziele ") + join_de(render(g) for g in group)
        for group, render in ((by_id, lambda g: g.id), (in_full, goal_de))
        if group
    ]
    return " sowie ".join(parts)


@cache
def _environment(template_dir: str) -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(template_dir),
        # A typo in a county's template must fail loudly, not leave a gap in the text.
        undefined=jinja2.StrictUndefined,
        autoescape=False,  # plain text; the web UI escapes on display
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=False,
    )
    env.filters.update(
        join_de=join_de,
        quote=quote_de,
        excerpt=excerpt_de,
        bare=bare,
        sentence=sentence,
        goal=goal_de,
        goals=goals_de,
        dative=dative_de,
        nominatives=nominatives_de,
        von=von_de,
    )
    return env


def template_name(variant: str, combined: bool) -> str:
    """The template file of a variant: justification[_combined]_<variant>.de.j2."""
    return f"justification_{'combined_' if combined else ''}{variant}.de.j2"


def render(context: Context, template_dir: Path | str | None = None) -> Generated:
    """Render the context; the short variant drops optional parts until it fits."""
    env = _environment(str(template_dir or TEMPLATE_DIR))
    name = template_name(context.variant, context.combined)
    try:
        template = env.get_template(name)
        drop_order = _drop_order(template, context)
        show = dict.fromkeys([*ALL_PARTS, *drop_order], True)
        dropped: list[str] = []
        text = _render_once(template, context, show)
        while not fits(text, context.variant) and drop_order:
            part = drop_order.pop(0)
            show[part] = False
            dropped.append(part)
            text = _render_once(template, context, show)
    except jinja2.TemplateNotFound:
        raise JustificationError(f"Vorlage {name} fehlt in {env.loader.searchpath}") from None  # type: ignore[union-attr]
    except jinja2.TemplateError as exc:
        lineno = getattr(exc, "lineno", None)  # only TemplateSyntaxError knows the line
        where = f"{name}, Zeile {lineno}" if lineno else name
        raise JustificationError(f"Fehler in der Vorlage {where}: {exc.message}") from None
    if context.variant == "short" and plain_length(text) > SHORT_LIMIT:
        text = _cut(text, SHORT_LIMIT)
        dropped.append("gekürzt")
    _check(text, name)
    return Generated(text=text, variant=context.variant, dropped=dropped)


def _drop_order(template: jinja2.Template, context: Context) -> list[str]:
    try:
        custom = getattr(template.make_module(_variables(context, {})), "drop_order", None)
    except jinja2.TemplateError:
        custom = None
    if custom:
        return list(custom)
    return list(LONG_DROP_ORDER if context.variant == "long" else DEFAULT_DROP_ORDER)


def word_count(text: str) -> int:
    """Words of the plain text."""
    return len(plain_text(text).split())


def fits(text: str, variant: str) -> bool:
    """Whether a text keeps to its variant's length."""
    if variant == "short":
        return plain_length(text) <= SHORT_LIMIT
    return word_count(text) <= LONG_WORD_LIMIT


def _variables(context: Context, show: dict[str, bool]) -> dict[str, object]:
    return {
        "strategy": context.strategy,
        "call": context.call,
        "project": context.project,
        "projects": context.projects,
        "quotes": context.quotes,
        "goals": context.goals,
        "related_goals": context.related_goals,
        "combined": context.combined,
        "show": _Show(show),
        "limit": SHORT_LIMIT,
    }


class _Show(dict[str, bool]):
    """`show.leitbild` in a template; parts it does not know about are shown."""

    def __getattr__(self, name: str) -> bool:
        return self.get(name, True)


def _render_once(template: jinja2.Template, context: Context, show: dict[str, bool]) -> str:
    return tidy(template.render(_variables(context, show)))


def tidy(text: str) -> str:
    """Join the lines of each paragraph and collapse spaces, so templates may wrap lines.

    A line starting with "## " (heading) or "> " (quotation) always stands alone, so a
    template needs no blank line around them.
    """
    paragraphs: list[str] = []
    current: list[str] = []

    def flush() -> None:
        joined = ""
        for part in current:
            # A line that starts with punctuation continues the previous one directly:
            # templates put "{% if %}" blocks on lines of their own.
            glue = "" if not joined or part[:1] in ",.;:)" else " "
            joined += glue + part
        joined = " ".join(joined.split())
        if joined:
            paragraphs.append(joined)
        current.clear()

    for line in text.strip().splitlines():
        stripped = line.strip()
        if not stripped:
            flush()
        elif stripped.startswith(("## ", "> ")):
            flush()
            current.append(stripped)
            flush()
        else:
            current.append(stripped)
    flush()
    return "\n\n".join(paragraphs)


def _cut(text: str, limit: int) -> str:
    """Last resort when even the required parts are too long: the whole sentences that fit.

    A sentence cut in half would go into the application as it stands, often with a
    quotation mark left open; only when not even the first sentence fits is it cut at a
    word boundary.
    """
    kept: list[list[str]] = []
    length = 0
    for block in blocks(text):
        paragraph: list[str] = []
        for sentence in split_sentences(block.text):
            glue = 1 if paragraph else (2 if kept else 0)  # " " or the blank line
            if length + glue + len(sentence) > limit:
                break
            paragraph.append(sentence)
            length += glue + len(sentence)
        else:
            kept.append(paragraph)
            continue
        if paragraph:
            kept.append(paragraph)
        break
    if kept:
        return "\n\n".join(" ".join(p) for p in kept)
    return plain_text(text)[: limit - 1].rsplit(" ", 1)[0] + "…"


def _check(text: str, name: str) -> None:
    for marker in ("{{", "}}", "{%", "%}", "„“"):
        if marker in text:
            raise JustificationError(f"Vorlage {name} hinterlässt einen leeren Platzhalter")


def generate(
    strategy: Strategy,
    call: CallTexts,
    project_ids: Sequence[str],
    variant: str = "long",
    *,
    goal_ids: dict[str, list[str]] | None = None,
    call_goal_ids: Sequence[str] = (),
    template_dir: Path | str | None = None,
    weak: Mapping[str, Sequence[object]] | None = None,
) -> Generated:
    """The justification for `call` and one project (or several: the combined text).

    `weak`: projects whose match rests on no shared topic, with the matcher's term pairs.
    """
    result: Generated | None = None
    # When even the required parts do not fit the short version, a shorter quote is tried
    # before the text is cut.
    for max_chars in (None, 220, 150):
        context = build_context(
            strategy,
            call,
            project_ids,
            variant=variant,
            goal_ids=goal_ids,
            call_goal_ids=call_goal_ids,
            max_quote_chars=max_chars,
            weak=weak,
        )
        result = render(context, template_dir)
        if "gekürzt" not in result.dropped:
            break
    assert result is not None
    return result


# --- the text format ------------------------------------------------------------------

BlockKind = Literal["heading", "quote", "paragraph"]


@dataclass(slots=True, frozen=True)
class Block:
    kind: BlockKind
    text: str


def blocks(text: str) -> list[Block]:
    """Paragraphs of a text: "## " starts a heading, "> " a quotation."""
    out: list[Block] = []
    for para in re.split(r"\n\s*\n", (text or "").replace("\r\n", "\n").strip()):
        lines = [line.strip() for line in para.splitlines() if line.strip()]
        if not lines:
            continue
        first = lines[0]
        if first.startswith("#"):
            out.append(Block("heading", " ".join([first.lstrip("#").strip(), *lines[1:]])))
        elif first.startswith(">"):
            body = " ".join(line.lstrip(">").strip() for line in lines)
            out.append(Block("quote", body))
        else:
            # An officer's line breaks inside a paragraph are kept as written.
            out.append(Block("paragraph", "\n".join(lines)))
    return out


def plain_text(text: str) -> str:
    """The text without markup, as pasted into a form: headings and quotes as plain lines."""
    return "\n\n".join(b.text for b in blocks(text))


def plain_length(text: str) -> int:
    """Characters of the plain text (what a form field counts)."""
    return len(plain_text(text))


def markdown(text: str) -> str:
    """The text as Markdown: headings with "## ", quotations with "> "."""
    parts = []
    for b in blocks(text):
        if b.kind == "heading":
            parts.append(f"## {b.text}")
        elif b.kind == "quote":
            parts.append(f"> {b.text}")
        else:
            parts.append(b.text.replace("\n", "  \n"))
    return "\n\n".join(parts) + "\n"
