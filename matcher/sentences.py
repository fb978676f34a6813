"""Sentences of a call text: split where a reader sees one end, not at "z. B." or "15. Februar".

Shared by the Begründungstext (which quotes sentences) and the matcher (which reads
exclusion sentences) and eligibility (which reads the applicants after a numbered heading).
Pure: regular expressions and the text folding of `matcher.analysis` only.
"""

from __future__ import annotations

import re

from matcher.analysis import fold, normalize

# a line that ends like a sentence (or a list item, a heading with a colon)
PUNCT_END = re.compile(r"[.!?:;…]$")

_ABBREVIATIONS = frozenset(
    [
        "z",
        "b",
        "bzw",
        "ca",
        "vgl",
        "ggf",
        "usw",
        "etc",
        "nr",
        "abs",
        "art",
        "s",
        "u",
        "a",
        "d",
        "h",
        "dr",
        "prof",
        "gem",
        "inkl",
        "zzgl",
        "max",
        "min",
        "mio",
        "mrd",
        "tsd",
        "bspw",
        "insb",
        "evtl",
        "sog",
        "str",
        "st",
        "jan",
        "feb",
        "mär",
        "apr",
        "jun",
        "jul",
        "aug",
        "sep",
        "sept",
        "okt",
        "nov",
        "dez",
        "i",
        "v",
        "e",
        "o",
        "ff",
        "lt",
        "rd",
        "mind",
        "abschn",
        "kap",
        "ziff",
    ]
)
# A sentence ends at . ! ? … before a capital letter, or before a numbered heading such as
# "2 Rechtsgrundlage:" or "§ 2 Zuwendungszweck." that legal texts run into the previous
# paragraph.
_BOUNDARY = re.compile(
    r"[.!?…][\"'”“»«)]*\s+(?=[\"'„“»«(]?[A-ZÄÖÜ]|(?:§+\s*)?\d+(?:\.\d+)*\.?\s+[A-ZÄÖÜ])"
)
_WORD_BEFORE = re.compile(r"([\wÄÖÜäöüß]+)$")  # the word the full stop ends: "z. B.", "15."
_WORD_WINDOW = 64  # letters before a full stop that `_WORD_BEFORE` reads


def split_sentences(text: str) -> list[str]:
    """Sentences of `text`, each whitespace-normalised and verbatim otherwise.

    Lines are kept apart when they look like headings or list items, joined when a
    sentence runs on over a line break. Abbreviations ("z. B.", "bzw.") and ordinals
    ("15. Februar") do not end a sentence.
    """
    sentences: list[str] = []
    for line in logical_lines(text):
        start = 0
        for m in _BOUNDARY.finditer(line):
            # the closing quotation mark or bracket after the full stop is the sentence's
            # own: a text cut after „… Unternehmen.“ must not leave the quotation open
            head = line[start : m.start() + len(m.group().rstrip())]
            # only the word's letters: a search of the whole line before it, at every
            # boundary, made splitting a long text quadratic (a word longer than the window
            # is no abbreviation nor ordinal either way)
            before = _WORD_BEFORE.search(line, max(0, m.start() - _WORD_WINDOW), m.start())
            word = before.group(1) if before else ""
            if word.lower() in _ABBREVIATIONS or len(word) == 1:
                continue
            if word.isdigit() and len(word) <= 2:  # "15. Februar", "2. Förderbereich"
                continue
            sentences.append(head.strip())
            start = m.end()
        rest = line[start:].strip()
        if rest:
            sentences.append(rest)
    return [s for s in sentences if s]


def logical_lines(text: str) -> list[str]:
    """Non-empty lines of `text`, whitespace-normalised; a sentence broken over two lines
    (the next starts in lower case) joined."""
    lines: list[str] = []
    for raw in (text or "").splitlines():
        line = " ".join(raw.split())
        if not line:
            lines.append("")
            continue
        prev = lines[-1] if lines else ""
        if prev and not PUNCT_END.search(prev) and line[:1].islower():
            lines[-1] = f"{prev} {line}"  # a sentence broken over two lines
        else:
            lines.append(line)
    return [line for line in lines if line]


# A heading ("4. Zuwendungsempfänger", "Antragsberechtigte", "Antragsberechtigt:"): a few
# words without a full stop or a verb; the applicants follow in the next sentence.
HEADING_VERB_RE = re.compile(
    r"\b(?:sind|ist|konnen|durfen|werden|wird|erhalten|fordert|are|is|can|may)\b"
)

# The numbering of a section: "3.", "3.2", "4", "§ 3", "III." (written or folded). A numbered
# heading may end with a full stop ("3. Zuwendungsempfänger."), which ends a sentence anywhere
# else.
NUMBERING_RE = re.compile(
    r"^(?:§+\s*\d+[a-z]?\.?|\d+(?:\.\d+)*\.?|(?:[IVX]{1,4}|[ivx]{1,4})\.)(?:\s+|$)"
)


def numbered_title(sentence: str, max_words: int = 4) -> bool:
    """Whether a sentence is a numbered section title that ends with a full stop ("3.
    Zuwendungsempfänger.", "§ 2 Zuwendungszweck."): a number, a few words without a verb.
    Such a full stop ends a title, not a sentence, so the text after it is its section."""
    sentence = sentence.strip()
    numbering = NUMBERING_RE.match(sentence)
    if not numbering or not sentence.endswith("."):
        return False
    words = sentence[numbering.end() :]
    return 0 < len(words.split()) <= max_words and not HEADING_VERB_RE.search(
        fold(normalize(words))
    )
