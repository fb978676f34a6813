"""German (and English) text analysis: normalisation, stop words, stemming, n-grams, glossary.

Everything here is a module-level function over plain data so that a fitted model holding
only vocabularies and arrays pickles with joblib; the (unpicklable) Snowball stemmers live in
a module cache and are recreated on demand.
"""

from __future__ import annotations

import itertools
import re
import unicodedata
from collections.abc import Callable, Iterable
from difflib import SequenceMatcher
from functools import cache, lru_cache
from pathlib import Path

import Stemmer

DATA_DIR = Path(__file__).resolve().parent.parent / "data"

EN_MARK = "en:"  # prefix of English surface tokens, so German and English words never collide

_WORD_RE = re.compile(r"[^\W_]+")
_UMLAUTS = (("ä", "a"), ("ö", "o"), ("ü", "u"), ("ß", "ss"))
# Typographic variants that NFKC leaves alone but that split or join words differently.
# (str.replace per character: much faster than str.translate on long texts.)
_PUNCT = (("\u00ad", ""), ("\u2010", "-"), ("\u2011", "-"), ("\u2013", " "), ("\u2014", " "))

CHAR_NGRAM_RANGE = (4, 5)


def normalize(text: str) -> str:
    """NFKC-normalise, drop soft hyphens, lowercase (umlauts kept)."""
    return unify(text).lower()


def unify(text: str) -> str:
    """NFKC-normalised, soft hyphens dropped, typographic hyphens and dashes unified; the
    text as written otherwise (for showing words as the analysis splits them)."""
    text = unicodedata.normalize("NFKC", text or "")
    for old, new in _PUNCT:
        if old in text:
            text = text.replace(old, new)
    return text


def fold(word: str) -> str:
    """Fold German umlauts and ß to ASCII (Bürger -> burger), as the Snowball stemmer does."""
    if word.isascii():  # most tokens
        return word
    for old, new in _UMLAUTS:
        word = word.replace(old, new)
    return word


def words(text: str) -> list[str]:
    """Lowercased word tokens of `text` (letters and digits; hyphenated parts split)."""
    return _WORD_RE.findall(normalize(text))


def _read_list(name: str) -> list[str]:
    path = DATA_DIR / name
    if not path.exists():
        return []
    lines = path.read_text(encoding="utf-8").splitlines()
    return [line.strip() for line in lines if line.strip() and not line.startswith("#")]


@cache
def stopwords(lang: str) -> frozenset[str]:
    """Function words of `lang` ("de" or "en"), folded, from data/stopwords_<lang>.txt."""
    return frozenset(fold(w.lower()) for w in _read_list(f"stopwords_{lang}.txt"))


@cache
def boilerplate_stems(lang: str) -> frozenset[str]:
    """Stems of funding boilerplate (Förderung, Zuwendung …) from data/stopwords_funding_<lang>.txt."""
    return frozenset(
        stem(fold(w), lang)
        for line in _read_list(f"stopwords_funding_{lang}.txt")
        for w in words(line)
    )


@cache
def opaque_compound_stems(lang: str = "de") -> tuple[str, ...]:
    """Stems of opaque compounds (Hochschule, Landwirt …), whose parts do not carry their
    meaning, from data/opaque_compounds_<lang>.txt."""
    return tuple(
        sorted(
            {
                stem(fold(w), lang)
                for line in _read_list(f"opaque_compounds_{lang}.txt")
                for w in words(line)
            }
        )
    )


@cache
def _stemmer(lang: str) -> Stemmer.Stemmer:
    return Stemmer.Stemmer("english" if lang == "en" else "german")


@lru_cache(maxsize=500_000)
def stem(word: str, lang: str = "de") -> str:
    """Snowball stem of a lowercased word."""
    return _stemmer(lang).stemWord(word)


def detect_language(text: str) -> str:
    """'en' when English function words clearly outnumber German ones, else 'de'."""
    de_only, en_only = _exclusive_stopwords()
    sample = words(text[:3000])
    de_hits = sum(map(de_only.__contains__, sample))  # C-level: once per call of a fit
    en_hits = sum(map(en_only.__contains__, sample))
    return "en" if en_hits >= 2 and en_hits > 1.5 * de_hits else "de"


@cache
def _exclusive_stopwords() -> tuple[frozenset[str], frozenset[str]]:
    de, en = stopwords("de"), stopwords("en")
    return de - en, en - de


@cache
def glossary() -> dict[tuple[str, ...], str]:
    """English phrase (tuple of English stems) -> German term, from data/glossary_de_en.tsv."""
    table: dict[tuple[str, ...], str] = {}
    for line in _read_list("glossary_de_en.tsv"):
        german, _, english = line.partition("\t")
        for variant in english.split("|"):
            key = tuple(stem(w, "en") for w in words(variant))
            if key and key not in table:
                table[key] = german.strip()
    return table


@cache
def _glossary_max_len() -> int:
    return max((len(k) for k in glossary()), default=1)


def glossary_terms(tokens: list[str]) -> list[tuple[str, str]]:
    """(English phrase, German term) for every glossary phrase in an English token sequence.

    Longest match first, so "public administration" wins over "administration".
    """
    return [(" ".join(tokens[i:j]), german) for i, j, german in _glossary_spans(tokens)]


def glossary_only_words(tokens: list[str]) -> frozenset[str]:
    """The folded English words of `tokens` that occur only inside glossary phrases.

    Such a word means what its phrase's German term says ("change" in "climate change
    adaptation" is Klimaanpassung, "administrations" in "public administrations" is
    Verwaltung), not what the German word of the same letters means (Change-Management,
    IT-Administration); a word also written outside a phrase ("digital tools" beside
    "digital skills") keeps its own meaning there.
    """
    inside: set[str] = set()
    covered: set[int] = set()
    for i, j, _ in _glossary_spans(tokens):
        covered.update(range(i, j))
        inside.update(tokens[i:j])
    outside = {t for k, t in enumerate(tokens) if k not in covered}
    return frozenset(fold(t) for t in inside - outside)


def _glossary_spans(tokens: list[str]) -> list[tuple[int, int, str]]:
    """(start, end, German term) of the glossary phrases in a token sequence, longest first."""
    table, longest = glossary(), _glossary_max_len()
    stems = [stem(t, "en") for t in tokens]
    found: list[tuple[int, int, str]] = []
    i = 0
    while i < len(stems):
        for n in range(min(longest, len(stems) - i), 0, -1):
            german = table.get(tuple(stems[i : i + n]))
            if german:
                found.append((i, i + n, german))
                i += n
                break
        else:
            i += 1
    return found


def content_tokens(text: str, lang: str = "de") -> list[str]:
    """Surface tokens that carry content (see `_content_tokens`); a fresh list."""
    return list(_content_tokens(text, lang))


@lru_cache(maxsize=65536)
def _content_tokens(text: str, lang: str) -> tuple[str, ...]:
    """Surface tokens that carry content: folded, no stop words or boilerplate, length ≥ 2.

    English tokens are marked with EN_MARK; the German glossary terms of English phrases
    are appended, so the German side of the vocabulary is reached from English text.
    """
    raw = words(text)
    out = _filter(raw, lang)
    if lang == "en":
        out = [EN_MARK + t for t in out]
        for _, german in glossary_terms(raw):
            out.extend(_filter(words(german), "de"))
    return tuple(out)


# word -> content form ("" for stop words), per language: a plain dict, so a text's words are
# looked up with one C-level map (German funding text repeats its words heavily)
_CONTENT: dict[str, dict[str, str]] = {"de": {}, "en": {}}
_CONTENT_MAX = 2_000_000


def _filter(raw: Iterable[str], lang: str) -> list[str]:
    cache = _CONTENT.get(lang)
    if cache is None:
        cache = _CONTENT.setdefault(lang, {})
    raw = raw if isinstance(raw, list) else list(raw)
    got = list(map(cache.get, raw))
    if None in got:
        if len(cache) > _CONTENT_MAX:
            cache.clear()
        for i, g in enumerate(got):
            if g is None:
                got[i] = cache[raw[i]] = _content_word(raw[i], lang)
    return list(filter(None, got))


@lru_cache(maxsize=1_000_000)
def _content_word(word: str, lang: str) -> str:
    """The folded word if it carries content, else "" (cached: one lookup per token)."""
    f = fold(word)
    if (
        len(f) < 2
        or f.isdigit()
        or f in stopwords(lang)
        or stem(f, lang) in boilerplate_stems(lang)
    ):
        return ""
    return f


def clear_caches() -> None:
    """Forget every cached analysis result: needed after the word lists or the glossary are
    swapped (ablations), which the caches cannot notice."""
    _content_tokens.cache_clear()
    _content_word.cache_clear()
    _glossary_max_len.cache_clear()
    _longest_shared.cache_clear()
    _opaque_spans.cache_clear()
    splits_opaque_compound.cache_clear()
    for forms in _CONTENT.values():
        forms.clear()


def token_lang(token: str) -> tuple[str, str]:
    """Split a content token into (word, language)."""
    if token.startswith(EN_MARK):
        return token[len(EN_MARK) :], "en"
    return token, "de"


@lru_cache(maxsize=500_000)
def token_stem(token: str) -> str:
    """The stem feature of a content token (German and English stems share one space)."""
    word, lang = token_lang(token)
    return stem(word, lang)


def char_ngrams(word: str, ngram_range: tuple[int, int] = CHAR_NGRAM_RANGE) -> list[str]:
    """Character n-grams inside one word, padded with spaces at both ends (as char_wb)."""
    padded = f" {word} "
    lo, hi = ngram_range
    grams: list[str] = []
    for n in range(lo, hi + 1):
        if n > len(padded):
            break
        grams.extend(padded[i : i + n] for i in range(len(padded) - n + 1))
    return grams


def token_char_ngrams(token: str, ngram_range: tuple[int, int] = CHAR_NGRAM_RANGE) -> list[str]:
    """Character n-grams of a content token's word (language mark removed)."""
    return char_ngrams(token_lang(token)[0], ngram_range)


def share_word_part(token_a: str, token_b: str, is_known_stem: Callable[[str], bool]) -> bool:
    """Whether two different words share a part a reader recognises as a word.

    One is the start or the end of the other (Breitband in Breitbandausbau, Beratung in
    Lotsenberatung), both derive from one word (innovativ, Innovation), or both contain one
    word of at least six letters whose stem the corpus knows (Digitalisierung in
    Prozessdigitalisierung and Digitalisierungsleistungen, Verkehr in
    Radverkehrsinfrastruktur). Not merely shared letters: Gemeinde and Gemeinsames, Steuerung
    and Stadterneuerung, Energien and Synergien share character n-grams, but no word.
    A word part follows nothing or a modifier of at least three letters: Scheck does not
    end in Check, nor Gebieten and anbieten in "bieten" (Ge-biet, an-bieten); a word part
    that is funding boilerplate (Förder- in Förderanträge and fördern) is no reason; nor is
    a part of an opaque compound (Schulen in Hochschulen, Wirtschaft in Landwirtschaft,
    `splits_opaque_compound`).
    """
    (word_a, lang_a), (word_b, lang_b) = token_lang(token_a), token_lang(token_b)
    stem_a, stem_b = stem(word_a, lang_a), stem(word_b, lang_b)
    if _boilerplate_part(word_a, word_b, lang_a):
        return False
    if lang_a == lang_b == "de" and splits_opaque_compound(word_a, word_b):
        return False
    for short, long, least in ((stem_a, stem_b, 4), (word_a, word_b, 5)):
        short, long = sorted((short, long), key=len)
        if len(short) >= least and (
            long.startswith(short) or (long.endswith(short) and _starts_part(long, short))
        ):
            return True
    if len(word_a) >= 8 and word_b.startswith(word_a[:8]):
        return True
    shared = _longest_shared(word_a, word_b)
    # the shared letters may run over a linking "s" or the end of a modifier
    # ("tinformation" in Echtzeit-/Fahrgastinformation): look for the word at either end
    return any(
        is_known_stem(stem(part, lang_a))
        and not _mere_suffix(part)
        and not (_after_particle(word_a, part) and _after_particle(word_b, part))
        and _starts_part(word_a, part)
        and _starts_part(word_b, part)
        for size in range(len(shared), 5, -1)
        for part in {shared[:size], shared[-size:]}
    )


# A modifier in front of a word part has at least three letters (Rad-, Bus-, Web-); one or
# two letters are a prefix (ge-, an-, be-) or a stray letter, and the word is another word.
_MIN_MODIFIER = 3


# Endings that make nouns of other words: letters a word shares only in one of them and the
# one or two before it ("dungen" of Gründungen and Interessenbekundungen) are no word.
_SUFFIX_RE = re.compile(r"^\w{0,2}(?:ungen|ung|ionen|ion|heiten|heit|keiten|keit|schaften|schaft)$")


def _mere_suffix(part: str) -> bool:
    """Whether `part` is a noun ending with at most two letters in front of it."""
    return bool(_SUFFIX_RE.match(part))


# Verb particles in front of a word make another word: einrichten and Nachrichten share
# "richten", but share no meaning (Ausbildung and Weiterbildung, one particle only, do).
_PARTICLES = frozenset(
    [
        "ab",
        "an",
        "auf",
        "aus",
        "bei",
        "ein",
        "mit",
        "nach",
        "vor",
        "zu",
        "um",
        "durch",
        "uber",
        "unter",
        "weg",
        "her",
        "hin",
        "zuruck",
    ]
)


def _after_particle(word: str, part: str) -> bool:
    """Whether `part` follows only a verb particle in `word` (ein-richten, nach-richten)."""
    at = word.find(part)
    return at > 0 and word[:at] in _PARTICLES


def _starts_part(word: str, part: str) -> bool:
    """Whether `part` occurs in `word` at its start or after a modifier of 3+ letters."""
    at = word.find(part)
    while at >= 0:
        if at == 0 or at >= _MIN_MODIFIER:
            return True
        at = word.find(part, at + 1)
    return False


def _boilerplate_part(word_a: str, word_b: str, lang: str) -> bool:
    """Whether what two words share is a word of funding boilerplate (förder-, antrag-)."""
    shared = _longest_shared(word_a, word_b)
    return len(shared) >= 4 and (
        shared in boilerplate_stems(lang) or stem(shared, lang) in boilerplate_stems(lang)
    )


@lru_cache(maxsize=100_000)
def splits_opaque_compound(word_a: str, word_b: str) -> bool:
    """Whether what two German words (folded, lower case) share is only a part of an opaque
    compound in one of them: "schulen" of Hochschulen and Schulen, "wirtschaft" of
    Landwirtschaft and Wirtschaft, "hochschulen" of Volkshochschulen and Hochschulen. Not
    when both hold the whole compound (Hochschulen, Hochschulkooperation). Cached: the
    explanations ask for the same pairs of words in every call."""
    shared = _longest_shared(word_a, word_b)
    return bool(shared) and (_cuts_opaque(word_a, shared) or _cuts_opaque(word_b, shared))


# Letters of an opaque compound that a shared part may take along without cutting it: the
# "t" of Fahrgast in what Echtzeit- and Fahrgastinformation share ("tinformation")
_STRAY_OVERLAP = 2


def _cuts_opaque(word: str, part: str) -> bool:
    """Whether every occurrence of `part` in `word` overlaps an opaque compound in `word`
    by more than stray letters (`_STRAY_OVERLAP`) without holding all of it."""
    spans = _opaque_spans(word)
    at = word.find(part) if spans else -1
    if at < 0:
        return False
    while at >= 0:
        end = at + len(part)
        if not any(
            min(y, end) - max(x, at) > _STRAY_OVERLAP and not (at <= x and y <= end)
            for x, y in spans
        ):
            return False
        at = word.find(part, at + 1)
    return True


@lru_cache(maxsize=100_000)
def _opaque_spans(word: str) -> tuple[tuple[int, int], ...]:
    """Where the opaque compounds are in a word (Volkshochschulen holds two: volkshochschul
    and hochschul); cached, as the same words recur in every call."""
    spans: list[tuple[int, int]] = []
    for part in opaque_compound_stems("de"):
        at = word.find(part)
        while at >= 0:
            spans.append((at, at + len(part)))
            at = word.find(part, at + 1)
    return tuple(spans)


@lru_cache(maxsize=100_000)
def _longest_shared(a: str, b: str) -> str:
    """The longest run of letters in both words (the same pairs recur in every call)."""
    found = SequenceMatcher(None, a, b, autojunk=False).find_longest_match()
    return a[found.a : found.a + found.size]


def bigrams(tokens: list[str]) -> list[str]:
    """Stem bigrams of adjacent content tokens ("breitband ausbau")."""
    stems = [token_stem(t) for t in tokens]
    return [f"{a} {b}" for a, b in itertools.pairwise(stems) if a != b]
