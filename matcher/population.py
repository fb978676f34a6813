"""Population limits of a call ("Gemeinden mit bis zu 20.000 Einwohnern") and whom they exclude.

A limit counts when it is said of the applying local governments ("Antragsberechtigt sind
Gemeinden unterhalb der Kreisebene mit bis zu 20.000 Einwohnern", "Aufruf für Kommunen ab
50.000 EW") or of the place of what is funded ("Gefördert werden Begegnungsorte in
Gemeinden bis 30.000 Einwohnern": a town's project lies in the town). It does not count for
other applicants' seat ("Vereine mit Sitz in Gemeinden unter 20.000 Einwohnern"), for
villages ("in Orten bis 10.000 Einwohner": a large Gemeinde has small villages) or for a
funding rate ("für Gemeinden unter 20.000 Einwohnern 85 Prozent").

The strategy's applicants give their `population`; one without it stays able to apply and
the reason says that its population is unknown.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache

from matcher.analysis import fold, normalize
from matcher.applicant_types import COUNTY, LOCAL, TOWNS
from matcher.german import join_de
from matcher.strategy import Applicant

# relation -> (German wording in a reason, whether the excluded lie above the limit)
_RELATIONS = {
    "max": ("bis {n} Einwohner", True),  # bis, bis zu, höchstens: population ≤ n
    "below": ("unter {n} Einwohnern", True),  # unter, weniger als: population < n
    "min": ("ab {n} Einwohnern", False),  # ab, mindestens: population ≥ n
    "above": ("mit mehr als {n} Einwohnern", False),  # mehr als, über: population > n
}
_OPS = {
    "bis zu": "max",
    "von bis zu": "max",
    "bis": "max",
    "hochstens": "max",
    "maximal": "max",
    "nicht mehr als": "max",
    "unter": "below",
    "weniger als": "below",
    "<": "below",
    "ab": "min",
    "mindestens": "min",
    "mehr als": "above",
    "uber": "above",
    ">": "above",
}
_OP_RE = "|".join(re.escape(op) for op in sorted(_OPS, key=len, reverse=True))

# (folded text) a local-government noun, up to three qualifying words ("unterhalb der
# Kreisebene", not "und …", "in Orten …"), then the limit: "mit bis zu 20.000 Einwohnern",
# "(bis 20.000 EW)", "mit einer Einwohnerzahl von unter 10 000" (no unit needed then)
_NUMBER = r"\d{1,3}(?:[.\s]\d{3})+|\d+"
# "Kommunen in NRW mit bis zu …" limits the Kommunen; "in Orten bis …" limits villages
_VILLAGE = r"(?:den\s+|der\s+)?(?:\w*orte?n?|\w*ortsteil\w*|\w*dorf\w*|\w*siedlung\w*)\b"
_LIMIT_RE = re.compile(
    r"\b(?P<noun>\w*(?:gemeinde|gemeinden|stadt|stadte|stadten|kommune|kommunen|kreise|kreisen))"
    rf"(?:\s+(?:(?:in|im)\s+(?!{_VILLAGE})[\w-]+|(?!(?:in|im|aus|und|oder|sowie|mit)\b)[\w-]+)){{0,3}}?"
    r"\s+\(?\s*(?:mit\s+)?(?:"
    rf"(?:einer\s+)?einwohnerzahl\s+(?:von\s+)?(?P<op_>{_OP_RE})\s*(?P<num_>{_NUMBER})"
    rf"|(?P<op>{_OP_RE})\s*(?P<num>{_NUMBER})\s*(?:einwohner|ew\b))"
)
# A sentence that says who applies or what is funded (a title counts as one); others, such
# as "in Städten mit mehr als 50.000 Einwohnern lebt die Hälfte …", are background.
_CUE_RE = re.compile(
    r"antragsberechtigt|antragstell|zuwendungsempfang|forderberechtigt|teilnahmeberechtigt|"
    r"bewerben|teilnehmen|richtet sich an|gefordert|forderfahig|zuwendungsfahig|\bfur\b"
)
# A funding rate for small towns is no limit on who applies; a sentence that names a rate
# still sets one in a clause that says who applies and names no rate ("Antragsberechtigt sind
# Gemeinden bis 20.000 Einwohner, die Förderquote beträgt 80 Prozent").
_RATE_RE = re.compile(r"forderquote|fordersatz|eigenanteil|prozent|%")
_APPLICANT_CUE_RE = re.compile(
    r"antragsberechtigt|antragstell|zuwendungsempfang|forderberechtigt|teilnahmeberechtigt|"
    r"bewerben|richtet sich an"
)
_CLAUSE_END_RE = re.compile(r"[,;]\s")
# "<X> in/aus (einer) Gemeinde …": the limit is on where X is. It limits the towns when X is
# what is funded (a project, a place); not when X is another applicant (Vereine, Betreiber)
# or its seat ("mit Sitz in").
_LOCATED_RE = re.compile(r"(?P<what>[\w-]+)\s+(?:in|im|aus)\s+(?:einer|einem|den|der|dem)?\s*$")
_FUNDED_RE = re.compile(
    r"(?:vorhaben|projekte?n?|massnahmen|investitionen|angebote?n?|\w*orte?n?|\w*raume?n?"
    # "Bibliotheken in kommunaler Trägerschaft in Gemeinden bis …": what a town runs lies in it
    r"|\w*tragerschaft)$"
)
# a full stop after a digit is inside a number ("20.000") or a date, not an end
_SENTENCE_END_RE = re.compile(r"(?<=[.;:!?])(?<!\d\.)\s+|\n+")


@dataclass(frozen=True, slots=True)
class PopulationLimit:
    """One limit: the levels it is said of, how it compares, and the number of inhabitants."""

    levels: frozenset[str]
    relation: str  # a key of _RELATIONS
    number: int

    def admits(self, population: int) -> bool:
        """Whether a place of `population` inhabitants is inside the limit."""
        n = self.number
        return {
            "max": population <= n,
            "below": population < n,
            "min": population >= n,
            "above": population > n,
        }[self.relation]

    def label(self) -> str:
        """The limit in a reason: "Gemeinden bis 20.000 Einwohner"."""
        noun = (
            "Kreise"
            if self.levels == {COUNTY}
            else "Gemeinden"
            if self.levels == TOWNS
            else "Kommunen"
        )
        return f"{noun} " + _RELATIONS[self.relation][0].format(
            n=f"{self.number:,}".replace(",", ".")
        )


def _levels(noun: str) -> frozenset[str]:
    if re.search(r"kreise?n?$", noun):
        return frozenset({COUNTY})
    if re.search(r"kommunen?$", noun):
        return LOCAL
    return TOWNS


def population_limits(title: str, summary: str, text: str) -> tuple[PopulationLimit, ...]:
    """The population limits a call sets on the applying towns or the county (distinct)."""
    # most calls name no inhabitants: a substring test (run for every call and applicant group
    # while ranking) spares them the folding
    if not any("inwohner" in part or "EW" in part for part in (title, summary, text)):
        return ()
    return _limits(title, f"{summary}\n{text}")


@lru_cache(maxsize=256)
def _limits(title: str, body: str) -> tuple[PopulationLimit, ...]:
    found: list[PopulationLimit] = []
    sentences = [fold(normalize(title)), *_SENTENCE_END_RE.split(fold(normalize(body)))]
    for i, sentence in enumerate(sentences):
        rate = bool(_RATE_RE.search(sentence))
        if i > 0 and not _CUE_RE.search(sentence):
            continue
        for m in _LIMIT_RE.finditer(sentence):
            if rate and not _applies_in_clause(sentence, m.start(), m.end()):
                continue
            located = _LOCATED_RE.search(sentence, 0, m.start())
            if (
                located
                and located.end() == m.start()
                and not _FUNDED_RE.search(located.group("what"))
            ):
                continue
            op, num = (m.group("op"), m.group("num")) if m.group("op") else m.group("op_", "num_")
            number = int(re.sub(r"\D", "", num))
            found.append(PopulationLimit(_levels(m.group("noun")), _OPS[op], number))
    return tuple(dict.fromkeys(found))


def _applies_in_clause(sentence: str, start: int, end: int) -> bool:
    """Whether the clause around sentence[start:end] says who applies and names no rate."""
    begin = max((m.end() for m in _CLAUSE_END_RE.finditer(sentence, 0, start)), default=0)
    stop = _CLAUSE_END_RE.search(sentence, end)
    clause = sentence[begin : stop.start() if stop else len(sentence)]
    return bool(_APPLICANT_CUE_RE.search(clause)) and not _RATE_RE.search(clause)


@dataclass(frozen=True, slots=True)
class PopulationCheck:
    """Whom of the strategy's applicants a call's population limits exclude."""

    outside: frozenset[str]  # names of the applicants outside every limit on their level
    everyone_outside: bool  # no applicant the call admits is inside
    reason: str = ""


def check_population(
    limits: Sequence[PopulationLimit],
    members: Sequence[Applicant],
    admitted_levels: frozenset[str] | set[str],
    level_of: Callable[[Applicant], str],
) -> PopulationCheck:
    """Apply `limits` to the `members` of the admitted levels.

    A member is inside when one of the limits on its level admits its population (several
    limits are read as alternatives: a call with two strands is not closed to everyone).
    A member without a population stays inside; the reason says it is unknown.
    """
    limited = [
        (a, [lim for lim in limits if level_of(a) in lim.levels])
        for a in members
        if level_of(a) in admitted_levels
    ]
    limited = [(a, lims) for a, lims in limited if lims]
    if not limited:
        return PopulationCheck(frozenset(), False)
    outside = [
        a for a, lims in limited
        if a.population is not None and not any(lim.admits(a.population) for lim in lims)
    ]  # fmt: skip
    unknown = [a.name for a, _ in limited if a.population is None]
    if not outside and not unknown:
        return PopulationCheck(frozenset(), False)
    used = list(dict.fromkeys(lim for _, lims in limited for lim in lims))
    parts = []
    if outside:
        above = {_RELATIONS[lim.relation][1] for lim in used}
        where = "darüber" if above == {True} else "darunter" if above == {False} else "außerhalb"
        verb = "liegt" if len(outside) == 1 else "liegen"
        parts.append(f"{join_de(a.name for a in outside)} {verb} {where}")
    if unknown:
        parts.append(
            f"Einwohnerzahl von {join_de(unknown)} unbekannt (population in der Strategie) "
            "– bitte prüfen"
        )
    reason = f"nur {join_de((lim.label() for lim in used), 'oder')}: {'; '.join(parts)}"
    admitted = {a.name for a in members if level_of(a) in admitted_levels}
    names = frozenset(a.name for a in outside)
    return PopulationCheck(names, bool(admitted) and admitted <= names, reason)
