"""Recognise the same call published by two sources despite name variants.

"Smarte.Land.Regionen", "Smarte LandRegionen" and "Smarte Land-Regionen" differ only in
punctuation and spacing, so titles are compared as casefolded letter strings without
punctuation or spaces, by the Jaccard similarity of their character trigrams.
"""

from __future__ import annotations

import re
import unicodedata

# A trigram Jaccard at or above this counts as the same title; below 1.0 tolerates small
# wording changes such as an added year or a dash instead of a colon.
TITLE_THRESHOLD = 0.72
# With the same (non-trivial) programme name, a looser title match suffices: trigram
# Jaccard or the share of shared words (titles often reorder the same words).
PROGRAMME_TITLE_THRESHOLD = 0.45
PROGRAMME_WORD_OVERLAP = 0.75
PROGRAMME_MIN_SHARED_WORDS = 3


def compact(text: str) -> str:
    """Casefold, fold umlauts and accents, and drop everything but letters and digits."""
    text = unicodedata.normalize("NFKC", text or "").casefold()
    text = text.replace("ß", "ss").replace("ä", "ae").replace("ö", "oe").replace("ü", "ue")
    text = unicodedata.normalize("NFKD", text)
    return re.sub(r"[^a-z0-9]", "", text)


def trigrams(text: str) -> frozenset[str]:
    """Character trigrams of the compact form of `text`."""
    key = compact(text)
    if len(key) < 3:
        return frozenset({key}) if key else frozenset()
    return frozenset(key[i : i + 3] for i in range(len(key) - 2))


def words(text: str) -> frozenset[str]:
    """The compact words of `text` (punctuation inside a word removed: "2.0" → "20")."""
    return frozenset(w for w in (compact(t) for t in re.split(r"[\s\-–—:/,;()]+", text or "")) if w)


def overlap(a: frozenset[str], b: frozenset[str]) -> float:
    """The share of the smaller set that the larger one contains (0 for an empty set)."""
    if not a or not b:
        return 0.0
    return len(a & b) / min(len(a), len(b))


def jaccard(a: frozenset[str], b: frozenset[str]) -> float:
    """The Jaccard similarity of two sets (0 for two empty sets)."""
    if not a or not b:
        return 0.0
    shared = len(a & b)
    return shared / (len(a) + len(b) - shared)


def same_call(title_a: str, programme_a: str, title_b: str, programme_b: str) -> bool:
    """Whether two records describe the same call (title variants, or same programme)."""
    score = jaccard(trigrams(title_a), trigrams(title_b))
    if score >= TITLE_THRESHOLD:
        return True
    prog_a, prog_b = compact(programme_a), compact(programme_b)
    if not prog_a or len(prog_a) < 6 or prog_a != prog_b:
        return False
    if score >= PROGRAMME_TITLE_THRESHOLD:
        return True
    words_a, words_b = words(title_a), words(title_b)
    return (
        len(words_a & words_b) >= PROGRAMME_MIN_SHARED_WORDS
        and overlap(words_a, words_b) >= PROGRAMME_WORD_OVERLAP
    )
