"""Exclusion sentences: what a call says it does *not* fund.

"Nicht gefördert werden Hochschulbibliotheken", "Von der Förderung ausgeschlossen sind
Unternehmen der landwirtschaftlichen Primärproduktion", "… are not funded". The justification
never quotes such a sentence as the call's purpose. The matcher still reads it for topics: left out
of the call vectors it lowered the figures (docs/matcher.md).

Pure: regular expressions only, no matcher state.
"""

from __future__ import annotations

import re

# "Nicht gefördert werden der laufende Betrieb, …", "Vorhaben außerhalb dieser
# Gebietskulisse können nicht gefördert werden.", "… are not funded": an exclusion uses the
# funding word but states what is *not* funded (or only under a condition). Not "nicht
# nur … sondern auch", and not a negation inside a subordinate clause ("…, soweit sie nicht
# bereits aus anderen Programmen finanziert werden"), which qualifies a purpose rather than
# excluding one.
EXCLUSION = re.compile(
    r"\b(?:nicht|not|cannot)\b(?!\s+(?:nur|zuletzt|only)\b)(?:\s+[\w-]+){0,3}?\s+"
    r"(?:gefördert|förderfähig|zuwendungsfähig|finanziert|bezuschusst|funded|supported"
    r"|financed)\b"
    r"|\bkein(?:e[nmrs]?)?\s+(?:[\w-]+\s+)?(?:Förderung|Zuwendung|Zuschuss|funding)\b"
    # "Hardwarebeschaffungen sind nur förderfähig, soweit sie …": a restriction
    r"|\bnur\s+(?:gefördert|förderfähig|zuwendungsfähig)\b,?\s+(?:soweit|sofern|wenn|falls)\b"
    # "Von der Förderung ausgeschlossen sind …", "Hochschulbibliotheken sind ausgeschlossen.",
    # "… are excluded from funding": the same without the funding word (not "es ist nicht
    # ausgeschlossen, dass …", which allows)
    r"|(?<!\bnicht\s)\bausgeschlossen\s+(?:sind|ist|werden|wird)\b"
    r"|\b(?:sind|ist|werden|wird|bleiben|bleibt)\s+(?:[\w-]+\s+){0,4}?(?<!\bnicht\s)ausgeschlossen\b"
    r"|\b(?:are|is)\s+excluded\s+from\b",
    re.IGNORECASE,
)
SUBORDINATE = re.compile(
    r"^\s*(?:soweit|sofern|wenn|falls|die|der|das|dem|den|denen|deren|dessen|welche[rsmn]?"
    r"|sondern|sie|as|if|unless|which|that|where)\b",
    re.IGNORECASE,
)


def excludes(sentence: str) -> bool:
    """Whether the sentence states what is not funded (its main clause negates funding)."""
    for m in EXCLUSION.finditer(sentence):
        before = sentence[: m.start()]
        if "," not in before or not SUBORDINATE.match(before.rsplit(",", 1)[1]):
            return True
    return False
