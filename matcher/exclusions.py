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
SUBORDINATE = re.compile(
    r"^\s*(?:soweit|sofern|wenn|falls|die|der|das|dem|den|denen|deren|dessen|welche[rsmn]?"
    r"|sondern|sie|as|if|unless|which|that|where)\b",
    re.IGNORECASE,
)


def excludes(sentence: str) -> bool:
    """Whether the sentence states what is not funded (its main clause negates funding)."""
    if not may_exclude(sentence):  # most sentences: a quick no
        return False
    for m in EXCLUSION.finditer(sentence):
        before = sentence[: m.start()]
        if "," not in before or not SUBORDINATE.match(before.rsplit(",", 1)[1]):
            return True
    return False


def may_exclude(text: str) -> bool:
    """Whether some sentence of `text` may be an exclusion (`excludes`): false only when
    none is, so a text without one need not be split into sentences."""
    low = text.lower()
    return "ausgeschlossen" in low or "excluded" in low or _CUE.search(low) is not None
