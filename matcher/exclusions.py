"""Exclusion sentences: what a call says it does *not* fund.

"Nicht gefördert werden Hochschulbibliotheken", "Von der Förderung ausgeschlossen sind
Unternehmen der landwirtschaftlichen Primärproduktion", "… are not funded". The justification
never quotes such a sentence as the call's purpose. The matcher still reads it for topics: left out
of the call vectors it lowered the figures (docs/matcher.md).

Pure: regular expressions only, no matcher state.
"""

from __future__ import annotations

import re

# The participles of funding that an exclusion negates, those "nur" restricts, and the
# nouns after "kein".
_FUNDED = (
    r"(?:gefördert|förderfähig|zuwendungsfähig|finanziert|bezuschusst|funded|supported|financed)"
)
_FUNDED_ONLY = r"(?:gefördert|förderfähig|zuwendungsfähig)"
_NO_FUNDING = r"(?:Förderung|Zuwendung|Zuschuss|funding)"

# "Nicht gefördert werden der laufende Betrieb, …", "Vorhaben außerhalb dieser
# Gebietskulisse können nicht gefördert werden.", "… are not funded": an exclusion uses the
# funding word but states what is *not* funded (or only under a condition). Not "nicht
# nur … sondern auch", and not a negation inside a subordinate clause ("…, soweit sie nicht
# bereits aus anderen Programmen finanziert werden"), which qualifies a purpose rather than
# excluding one.
EXCLUSION = re.compile(
    r"\b(?:nicht|not|cannot)\b(?!\s+(?:nur|zuletzt|only)\b)"
    rf"(?:\s+[\w-]+){{0,3}}?\s+{_FUNDED}\b"
    rf"|\bkein(?:e[nmrs]?)?\s+(?:[\w-]+\s+)?{_NO_FUNDING}\b"
    # "Hardwarebeschaffungen sind nur förderfähig, soweit sie …": a restriction
    rf"|\bnur\s+{_FUNDED_ONLY}\b,?\s+(?:soweit|sofern|wenn|falls)\b"
    # "Von der Förderung ausgeschlossen sind …", "Hochschulbibliotheken sind ausgeschlossen.",
    # "… are excluded from funding": the same without the funding word (not "es ist nicht
    # ausgeschlossen, dass …", which allows)
    r"|(?<!\bnicht\s)\bausgeschlossen\s+(?:sind|ist|werden|wird)\b"
    r"|\b(?:sind|ist|werden|wird|bleiben|bleibt)\s+(?:[\w-]+\s+){0,4}?(?<!\bnicht\s)ausgeschlossen\b"
    r"|\b(?:are|is)\s+excluded\s+from\b",
    re.IGNORECASE,
)
# What every match of EXCLUSION holds, on the lower-cased text: a search of a whole call
# text for EXCLUSION, whose alternatives all start at a word boundary, took 0.17 ms, this 0.03
# (`may_exclude`).
_CUE = re.compile(
    rf"(?:nicht|not)\s+(?:[\w-]+\s+){{0,3}}?{_FUNDED.lower()}"
    rf"|kein\w*\s+(?:[\w-]+\s+)?{_NO_FUNDING.lower()}"
    rf"|nur\s+{_FUNDED_ONLY}"
)
_RELATIVE = r"(?:die|der|das|dem|den|denen|deren|dessen|welche[rsmn]?)"
# A clause after a comma that opens with one of these qualifies the main clause: a relative
# clause, also after its preposition ("…, bei denen …", "…, für die …"), or a condition. Not
# "…, von der Förderung ausgeschlossen sind …": there the pronoun is the funding's article.
SUBORDINATE = re.compile(
    rf"^\s*(?:soweit|sofern|wenn|falls|{_RELATIVE}"
    r"|(?:an|auf|aus|bei|durch|für|gegen|in|mit|nach|ohne|über|um|unter|von|vor|zu|zwischen)"
    rf"\s+{_RELATIVE}(?!\s+{_NO_FUNDING}\b)"
    r"|sondern|sie|as|if|unless|which|that|where)\b",
    re.IGNORECASE,
)
# "…, dass eine Doppelförderung ausgeschlossen ist", "…, wobei Doppelstrukturen ausgeschlossen
# werden sollen": after these a bare "ausgeschlossen" means "ruled out", a condition of
# what the main clause funds, not what is left out of funding. A negated funding word
# keeps its sense there ("Beachten Sie, dass Personalkosten nicht förderfähig sind"), and
# so does "von der Förderung ausgeschlossen" (`_FROM_FUNDING`).
_RULED_OUT = re.compile(r"^\s*(?:dass|wobei|womit|damit|sodass|so\s+dass|ob)\b", re.IGNORECASE)
_FROM_FUNDING = re.compile(rf"\bvon\s+(?:der|einer)\s+{_NO_FUNDING}\b", re.IGNORECASE)
# "Eine Kumulierung ist nicht grundsätzlich / keineswegs ausgeschlossen", "… kann nicht von
# vornherein ausgeschlossen werden": a negation after the verb allows what "ausgeschlossen"
# names. Not one before it: "Nicht förderfähige Ausgaben sind ausgeschlossen" excludes.
_VERB = re.compile(
    r"\b(?:sind|ist|werden|wird|bleiben|bleibt|kann|können|darf|dürfen|soll|sollen|muss"
    r"|müssen)\b",
    re.IGNORECASE,
)
_NEGATION = re.compile(r"\b(?:nicht|kein\w*|nie|niemals)\b", re.IGNORECASE)


def excludes(sentence: str) -> bool:
    """Whether the sentence states what is not funded (its main clause negates funding)."""
    if not may_exclude(sentence):  # most sentences: a quick no
        return False
    for m in EXCLUSION.finditer(sentence):
        before = sentence[: m.start()]
        clause = before.rsplit(",", 1)[1] if "," in before else None
        bare = m.group().lower().find("ausgeschlossen")
        if bare < 0:  # a negated funding word, or "are excluded from"
            if clause is None or not SUBORDINATE.match(clause):
                return True
            continue
        # "ausgeschlossen" without the funding word: also "ruled out", or allowed when negated
        head = re.split(r"[,;]", sentence[: m.start() + bare])[-1]
        verb = _VERB.search(head)
        if verb and _NEGATION.search(head, verb.end()):
            continue
        if clause is None or not (
            SUBORDINATE.match(clause)
            or (_RULED_OUT.match(clause) and not _FROM_FUNDING.search(clause))
        ):
            return True
    return False


def may_exclude(text: str) -> bool:
    """Whether some sentence of `text` may be an exclusion (`excludes`): false only when
    none is, so a text without one need not be split into sentences."""
    low = text.lower()
    return "ausgeschlossen" in low or "excluded" in low or _CUE.search(low) is not None


# "Nicht antragsberechtigt sind Kommunen, …, Wirtschaftsförderungsgesellschaften sowie
# Vereine.", "Kreise sind nicht antragsberechtigt, können aber …", "… are not eligible": who
# may *not* apply. Like an exclusion of what is funded, its words are no reason for a match.
_NOT_ELIGIBLE = re.compile(
    r"\bnicht\s+(?:antrags|teilnahme|zuwendungs)berechtigt\b"
    r"|\b(?:are|is)\s+not\s+eligible\b|\bkeine\s+Anträge\s+stellen\b",
    re.IGNORECASE,
)
# Where what the excluded applicants may do instead begins: "…, können aber als Dienstleister
# beauftragt werden", "…; sie können jedoch …" (not the commas of a list of applicants).
_INSTEAD = re.compile(
    r";|,\s*(?:(?:können|dürfen|werden|sind)\s+(?:[\w-]+\s+)?(?:aber|jedoch)|aber|sondern"
    r"|jedoch|wohl\s+aber|but)\b",
    re.IGNORECASE,
)


def excluded_applicants(sentence: str) -> str:
    """The part of a sentence that names who may not apply ("" when it names none): the
    whole sentence, or its clause up to what they may do instead ("…, können aber …")."""
    for m in _NOT_ELIGIBLE.finditer(sentence):
        before = sentence[: m.start()]
        if "," in before and SUBORDINATE.match(before.rsplit(",", 1)[1]):
            continue  # "…, die nicht antragsberechtigt …" qualifies, does not exclude
        start = max((b.end() for b in _INSTEAD.finditer(before)), default=0)
        end = next((b.start() for b in _INSTEAD.finditer(sentence, m.end())), len(sentence))
        return sentence[start:end].strip(" ,;")
    return ""


def may_exclude_applicants(text: str) -> bool:
    """Whether some sentence of `text` may name who may not apply (`excluded_applicants`):
    false only when none does, so a text without one need not be split into sentences (most
    calls name who may apply, few who may not)."""
    return _NOT_ELIGIBLE.search(text) is not None
