"""Words that are no reason for a match, though both texts use them.

A call and a project often share who may apply (Gemeinden, Kreise, Unternehmen, Vereine),
where (NRW, Bund, Land) and verbs of procedure (stellen, nutzen, ausstatten): these say
nothing about what is funded. Measured as stop words for the score, every group lowered
some development figure by more than noise (docs/matcher.md, *Explanations*), so they keep
their weight in the score and are only left out of what the explanations show; eligibility
is shown on its own (the badge).
"""

from __future__ import annotations

from functools import cache, lru_cache

from matcher import analysis
from matcher.applicant_types import applicant_words

# Places and levels of government as funders or addressees (Nordrhein-Westfalen is split
# into its parts by the analysis; Bundes- of Bundesprogramm is the stem of Bund).
PLACE_WORDS = "nrw nordrhein westfalen bund bundes land länder region regionen deutschland"
# Verbs of procedure that calls and strategies use for anything ("Mittel bereitstellen",
# "Schulen ausstatten", "Angebote nutzen").
PROCEDURE_VERBS = """stellen bereitstellen nutzen ausstatten erhalten umsetzen schaffen
    ermöglichen verbessern entwickeln stärken durchführen unterstützen beitragen"""


@cache
def not_reason_stems(lang: str = "de") -> frozenset[str]:
    """Stems (of `lang`) of the applicant, place and procedure words."""
    words = [*applicant_words(), *analysis.words(PLACE_WORDS), *analysis.words(PROCEDURE_VERBS)]
    return frozenset(analysis.stem(analysis.fold(w), lang) for w in words)


@lru_cache(maxsize=65536)
def is_reason(token: str) -> bool:
    """Whether a content token (English ones marked, see `analysis.token_lang`) can be
    shown as a reason: not an applicant, place or procedure word."""
    word, lang = analysis.token_lang(token)
    return analysis.stem(word, lang) not in not_reason_stems(lang)
