"""Words that are no reason for a match, though both texts use them.

A call and a project often share who may apply (Gemeinden, Kreise, Unternehmen, Vereine),
where (NRW, Bund, Land, the strategy's own county and towns), verbs of procedure (stellen,
nutzen, ausstatten) and ANBest-P boilerplate (Leistungen, beschäftigt): these say nothing
about what is funded, nor does a generic word two different words share (Management of
Hochwasserrisiko- and Change Management). Measured as stop words for the score, every group lowered
some development figure by more than noise (docs/matcher.md, *Explanations*), so they keep
their weight in the score and are only left out of what the explanations show; eligibility
is shown on its own (the badge).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterable
from functools import cache, lru_cache

from matcher import analysis
from matcher.applicant_types import applicant_words
from matcher.exclusions import excluded_applicants, excludes, may_exclude, may_exclude_applicants
from matcher.sentences import split_sentences
from matcher.strategy import RegionProfile
from matcher.types import CallDoc

# Places and levels of government as funders or addressees (Nordrhein-Westfalen is split
# into its parts by the analysis; Bundes- of Bundesprogramm is the stem of Bund).
PLACE_WORDS = "nrw nordrhein westfalen bund bundes land länder region regionen deutschland"
# Verbs of procedure that calls and strategies use for anything ("Mittel bereitstellen",
# "Schulen ausstatten", "Angebote nutzen").
PROCEDURE_VERBS = """stellen bereitstellen nutzen ausstatten erhalten umsetzen schaffen
    ermöglichen verbessern entwickeln stärken durchführen unterstützen beitragen"""
# Boilerplate of the ANBest-P that calls of every topic repeat ("Leistungen Dritter",
# "Ausgaben für befristet beschäftigtes Personal"). Not funding stop words: those are left
# out of the score too, and these only of what the explanations show. These forms only:
# "Beschäftigte" of a call for training the staff is its topic.
ANBEST_WORDS = "leistung leistungen dritter beschäftigt beschäftigtes"

# Words that name no topic a call and a project could share (the Begründungstext claims no
# contribution on them, `justification._no_topic`; the explanations show no pair of words
# that shares only one of them, `shares_reason`): who runs or funds something (Träger,
# Bund, Land), the heads of compounds that say how, not what (Wald-/Radverkehrs-management,
# Bürger-/Fach-system, Medien-/Rechen-zentrum), "online" (like "digital", true of every project of the strategy)
# and words every strategy and call use (Strategie, Projekt). Read from the pairs the demo
# calls share with the projects: the form of a project or of a call's funding (Partner,
# Verbund, Modellvorhaben, Maßnahme, Plattform, Netzwerk, App, Service, Information,
# Einführung, Ausbau), words any digitalisation call uses (smart, Innovation, Vernetzung,
# Prozess, IT) and, like Unternehmen and Kommunen, whom and where (KMU, mittlere, Betriebe,
# Beschäftigte, Menschen, Orte, lokal, urban, Gebiete; "Märkte" is a Bavarian kind of
# municipality).
# "Bürger" is whom an administration serves, in every call and project on it ("Bürgerbus" ~
# "Bürger" shares no topic; "Bürgerportal" ~ "Bürgerportal" still does, the whole word);
# "regional" is where, like "lokal" ("REGIONALE", an NRW programme, ~ "Regionaler
# Online-Marktplatz"); "Versorgung" a head that says how, not what (Daten- ~
# Gesundheitsversorgung; the same word in both stays a topic, `TOPIC_WHEN_THE_SAME`).
# "ländlich", "Raum", "Standort" say where ("im ländlichen Raum": every county the tool serves
# is largely rural), "klein" whom ("kleine und mittlere Unternehmen", like "mittlere") and
# "Infrastruktur", "Strukturen" how, like "System": measured over the development and unseen
# calls, a pair of call and project that shows one of them is no likelier relevant than any
# other (docs/matcher.md, *Explanations*), and the Begründungstext read them as setting
# already (`justification._SETTING`). Not "Anbindung" (an das Nutzerkonto, VW-01) or
# "Buchung", which are: a pair showing them is relevant two to three times as often.
# Every strategy the tool serves is a digitalisation strategy: a call and a project that
# share only "digital" share nothing a reader would call a reason.
DIGITAL_WORDS = "digital digitale digitalen digitaler digitales digitalisierung digitalisieren"
GENERIC_WORDS = f"""{DIGITAL_WORDS}
    träger bund länder land nrw management system systeme lösung lösungen online
    zentrum zentren
    strategie strategien projekt projekte projekten partner partnern partnerschaft
    partnerschaften verbund verbünde verbundprojekt vorhaben modell modelle modellvorhaben
    modellprojekt modellprojekte pilotprojekt pilotprojekte maßnahme maßnahmen anwendung
    anwendungen plattform plattformen netz netze netzwerk netzwerke app apps service services
    dienst dienste information informationen einführung einführen aufbau aufbauen ausbau
    ausbauen erprobung erproben planung smart smarte smarten innovation innovationen
    innovativ innovative vernetzung vernetzen vernetzt vernetzte prozess prozesse it
    kmu mittlere mittleren mittelstand mittelständisch betrieb betriebe betrieben
    beschäftigte beschäftigten mensch menschen ort orte orten lokal lokale urban urbane
    gebiet gebiete gebieten markt märkte per gemeinsam vollständig
    bürger bürgern bürgerinnen regio regional regionale regionalen regionaler regionales
    versorgung ländlich ländliche ländlichen ländlicher ländliches raum räume räumen raums
    standort standorte standorten klein kleine kleinen kleiner kleines kleinere kleineren
    infrastruktur infrastrukturen struktur strukturen
    weitere weiteren weiterer weiteres"""

# Numbers name no topic: "zwei Jahre" of a call and "zwei Standorte" of a project share
# nothing ("Dritter" is ANBest-P and listed there).
NUMBER_WORDS = """null eins zwei drei vier fünf sechs sieben acht neun zehn elf zwölf
    zwanzig dreißig vierzig fünfzig hundert tausend million millionen milliarde milliarden
    erste ersten zweite zweiten dritte dritten vierte fünfte hälfte
    one two three four five six seven eight nine ten twelve hundred thousand
    first second third"""

# Letters two words share in front of a word part (the "t" of Sport-/Heimat-vereine, the
# "ungs" of Planungs-/Verwaltungs-leistungen): fewer than this many, a linking "s" aside, or
# a mere noun ending are no word of their own; nor is a shorter place name a word part.
_MIN_PART = 4


@cache
def not_reason_stems(lang: str = "de") -> frozenset[str]:
    """Stems (of `lang`) of the applicant, place, procedure and number words."""
    own = analysis.words(f"{PLACE_WORDS} {PROCEDURE_VERBS} {NUMBER_WORDS}")
    return _stems([*applicant_words(), *own], lang)


def _stems(words: Iterable[str], lang: str) -> frozenset[str]:
    """The stems (of `lang`) of words as written."""
    return frozenset(analysis.stem(analysis.fold(w), lang) for w in words)


@cache
def _anbest_forms() -> frozenset[str]:
    return frozenset(analysis.fold(w) for w in analysis.words(ANBEST_WORDS))


@cache
def _no_reason_parts(lang: str) -> frozenset[str]:
    """Stems of the words a pair of different words may not share alone: the words that are
    no reason, the generic words (one list with the Begründungstext), "Angebote" (no reason
    as the same word either: "Lernangebote" ~ "Kulturangebote" share no topic) and ANBest-P
    words."""
    words = analysis.words(f"{GENERIC_WORDS} {OFFER_WORDS} {ANBEST_WORDS} {GENERIC_HEADS}")
    return not_reason_stems(lang) | _stems(words, lang)


def own_places(profile: RegionProfile) -> frozenset[str]:
    """The folded words of the names of the strategy's own region: county, state,
    administrative district and applicants ("coesfeld", "dulmen"). Place words like NRW, they
    are no reason: a call that names the county is not about the project."""
    names = (profile.county, profile.state, profile.administrative_district)
    return _place_words((*names, *(a.name for a in profile.applicants)))


@lru_cache(maxsize=64)
def _place_words(names: tuple[str, ...]) -> frozenset[str]:
    return frozenset(
        analysis.fold(word)
        for name in names
        for word in analysis.words(name)
        # "Bad" of Bad Berleburg, "am" of Rosendahl am …: no name of a place alone
        if len(word) >= _MIN_PART and analysis.fold(word) not in analysis.stopwords("de")
    )


# Forms of a place name: Coesfelds, Coesfelder, Dülmener, Münsterlands (not stems: the
# stem of Senden is that of the verb "senden", and "Sendemasten" names no place)
_PLACE_ENDINGS = ("", "s", "er", "ern", "ers", "es")


# The adjective of a place: "bayerische" (Bayern), "hessischen" (Hessen),
# "nordrhein-westfälische" (its words: Westfalen), "niedersächsisch", "oberpfälzische"; the
# name without "-en" / "-n" before "-isch" and an ending (folded: "sachsisch" of Sachsen)
_ADJECTIVE_RE = re.compile(r"(?P<stem>\w+?)isch(?:e|en|er|es|em)?")


def is_own_place(word: str, places: frozenset[str]) -> bool:
    """Whether a folded word is one of `places` (`own_places`), a form of one or its
    adjective ("bayerischen" of Bayern)."""
    if any(
        word.endswith(ending) and word[: len(word) - len(ending)] in places
        for ending in _PLACE_ENDINGS
    ):
        return True
    adjective = _ADJECTIVE_RE.fullmatch(word)
    if adjective is None:
        return False
    return any(adjective.group("stem") + ending in places for ending in ("", "n", "en"))


@lru_cache(maxsize=65536)
def is_reason(token: str) -> bool:
    """Whether a content token (English ones marked, see `analysis.token_lang`) can be
    shown as a reason: not an applicant, place, procedure or number word, nor an English
    function word that a German text or glossary term holds ("on" of On-Demand-Shuttle)."""
    word, lang = analysis.token_lang(token)
    if lang == "de" and word in _english_function_words():
        return False
    return analysis.stem(word, lang) not in not_reason_stems(lang)


@cache
def _english_function_words() -> frozenset[str]:
    """English stop words, as German tokens of "Mobility on Demand" or "On-Demand-Verkehr";
    not "it", the German abbreviation IT (IT-Sicherheit)."""
    return analysis.stopwords("en") - {"it"}


@lru_cache(maxsize=65536)
def shares_reason(token_a: str, token_b: str, places: frozenset[str] = frozenset()) -> bool:
    """Whether what two different content tokens share can be shown as a reason: not when
    it is a word that is no reason, a generic word or a name of the own region (`places`),
    alone, after stray letters or before an ending ("Vereine" of Sport-/Heimatvereine,
    "Leistungen" of Planungs-/Verwaltungsleistungen, "Management" of
    Hochwasserrisikomanagement). A word in front keeps it one: Radverkehrs- and
    Fußverkehrsmanagement share Verkehr."""
    (word_a, lang), (word_b, _) = analysis.token_lang(token_a), analysis.token_lang(token_b)
    shared = analysis._longest_shared(word_a, word_b)
    no_reason = _no_reason_parts(lang)
    for i in range(len(shared) - _MIN_PART + 1):
        if not _stray(shared[:i]):
            continue
        for ending in _ENDINGS:
            j = len(shared) - len(ending)
            if j - i < _MIN_PART or not shared.endswith(ending):
                continue
            part = shared[i:j].strip("-")
            # a word part starts its word or follows a modifier: "dien" of "Medien" is none
            if not (analysis._starts_part(word_a, part) and analysis._starts_part(word_b, part)):
                continue
            if analysis.stem(part, lang) in no_reason or is_own_place(part, places):
                return False
    return True


def one_word_across(english: str, german: str, is_word: Callable[[str, str], bool]) -> bool:
    """Whether an English word of a call and a German word of the strategy (both folded) are
    one word: the same ("data" of Open Data, "app", "cloud" of Cloud-Dienste), or the German
    word is a compound that holds the English one as its head after a word of its own ("portal"
    of Bürgerportal) or in front of one ("cyber" of Cyberangriffe). Not two words whose Snowball
    stems of two languages have the same letters ("halting" ≈ "halten", "opening" ≈ "Open"),
    nor a longer word in the compound ("market" of Standortmarketing), nor mere letters ("sport"
    of Transport). `is_word(word, lang)` tells a German part from letters or an ending
    ("angriffe", "burger", not "up" of Startup: the corpus knows its stem) and an English word
    from a prefix ("cyber", not "multi" of multi-apartment: the call writes it alone). The
    glossary's pairs are German words on both sides (its German terms are tokens of the call)
    and are not asked here."""
    if english == german:
        return True
    if len(english) < _MIN_PART:
        return False
    front, rest = german[: -len(english)], german[len(english) :]
    linked = front[:-1] if front.endswith("s") else front  # Mobilitäts-, a linking s
    if (
        german.endswith(english)
        and len(linked) >= analysis._MIN_MODIFIER
        and (is_word(front, "de") or is_word(linked, "de"))
    ):
        return True
    return (
        german.startswith(english)
        and len(rest) >= _MIN_PART
        and is_word(rest, "de")
        and is_word(english, "en")
    )


# What may follow a shared word part: an ending or a linking "s" ("vereins" of Vereinsheim
# and Vereinsarchiv), not letters of another word ("Bund" is no part of "bündeln", nor
# "schaffen" of "Beschaffung").
_ENDINGS = ("", "-", "s", "s-", "e", "n", "en", "er", "es", "ern", "ens", "se", "sen")


def _stray(letters: str) -> bool:
    """Whether letters in front of a shared word part are no word of their own: the end of
    the modifiers ("t" of Sport-/Heimat-, "ungs" of Planungs-/Verwaltungs-)."""
    letters = letters.strip("-")
    if letters.endswith("s"):  # a linking s
        letters = letters[:-1]
    return len(letters) < _MIN_PART or analysis._mere_suffix(letters)


def _no_word(word: str, lang: str) -> bool:
    """Without texts to ask: no word is known as a word of its own."""
    return False


def shows_pair(
    call_token: str,
    other_token: str,
    places: frozenset[str],
    is_word: Callable[[str, str], bool] = _no_word,
) -> bool:
    """Whether a pair of content tokens the explanations found shared may be shown: neither
    is a name of the own region (`own_places`) or an ANBest-P form ("beschäftigtes"), an
    English and a German word are one word (`one_word_across`; `is_word` as there), and two
    different words share a reason (`shares_reason`). `is_reason` has already passed both."""
    (word_a, lang_a), (word_b, lang_b) = (
        analysis.token_lang(call_token),
        analysis.token_lang(other_token),
    )
    if lang_a != lang_b and not (
        one_word_across(word_a, word_b, is_word)
        if lang_a == "en"
        else one_word_across(word_b, word_a, is_word)
    ):
        return False
    words = (word_a, word_b)
    if any(is_own_place(word, places) or word in _anbest_forms() for word in words):
        return False
    if analysis.token_stem(call_token) == analysis.token_stem(other_token):
        # the same word is a reason unless it is generic ("Strategie", "smart", "digital"):
        # the two texts then share nothing a reader would call a topic
        word, lang = analysis.token_lang(call_token)
        return analysis.stem(analysis.fold(word), lang) not in _generic_stems(lang)
    if lang_a == lang_b == "de" and (_ends_inside(word_a, word_b) or _negated(word_a, word_b)):
        return False
    return shares_reason(call_token, other_token, places)


# Forms of one word that end after the shared letters: verbs ("bündeln" ~ "bündelt",
# "lernende" ~ "Lernen"), adjectives ("medizinische" ~ "telemedizinischer") and -um/-en
# ("Rechenzentren" ~ "Rechenzentrum").
_FORM_ENDINGS = ("t", "te", "st", "et", "d", "de", "r", "m", "um")
# The ending of a verb form after its stem (qualifizier-en, -t, -te, -ter, -end, -ende)
_VERB_FORM = re.compile(r"^(?:e?n|e?nd(?:e[nmrs]?)?|e?t(?:e[nmrs]?)?|e?st)$")


def _ends_inside(word_a: str, word_b: str) -> bool:
    """Whether the letters two German words (folded) share end inside a word, so that they
    share no word: "-lichkeit" follows them in one only ("wirtschaft" of
    Wirtschaftlichkeitslücke and Wirtschaft), one or two letters that are no ending follow them ("informati" of
    Gästeinformation and Informatik, "digitalpa" of Digitalpaten and DigitalPakt; also "sensor"
    of Sensorik and Sensornetz, which spelling cannot tell from Informatik), or a noun made
    with "-ung" in one and anything but a verb form in the other: "Schulung" (a training) and
    "Schul-WLAN" or "Schule", "Bildung" and "Bild", "Verbesserung" and "besser". A verb and its
    "-ung" noun stay one word ("qualifizieren", "qualifizierte" ~ "Qualifizierung")."""
    shared = analysis._longest_shared(word_a, word_b)
    rests = [w[w.find(shared) + len(shared) :] for w in (word_a, word_b)]
    if any(0 < len(r) <= 2 and r not in _ENDINGS + _FORM_ENDINGS for r in rests):
        return True
    # a noun made "-lich" and "-lichkeit" in one only: another word (Wirtschaftlichkeit,
    # cost-effectiveness, is no Wirtschaft); "wirtschaftlich" ~ "Wirtschaftlichkeit" is one
    if any(r.startswith("lichkeit") for r in rests) and not all(
        r.startswith("lich") for r in rests
    ):
        return True
    noun = [r.startswith("ung") for r in rests]
    verb = [bool(_VERB_FORM.match(r)) for r in rests]
    return (noun[0] and not noun[1] and not verb[1]) or (noun[1] and not noun[0] and not verb[0])


# Prefixes that make a word the opposite or the outside of the word they are put before:
# "außerschulisch" is what is not "schulisch", "nichtwirtschaftlich" not "wirtschaftlich".
_CONTRARY_PREFIXES = tuple(analysis.fold(p) for p in ("außer", "nicht"))


def _negated(word_a: str, word_b: str) -> bool:
    """Whether what two German words (folded) share follows a contrary prefix in one of them
    only ("schulischen" ~ "außerschulischen", "Wirtschaft" ~ "nichtwirtschaftliche"): the
    one says what the other is not."""
    shared = analysis._longest_shared(word_a, word_b)
    for word, other in ((word_a, word_b), (word_b, word_a)):
        for prefix in _CONTRARY_PREFIXES:
            if word.startswith(prefix + shared) and not other.startswith(prefix):
                return True
    return False


# What a call or project offers, of any topic: no reason, as the same word ("Angebote" ~
# "Angeboten") or shared by two words ("Angebote" ~ "Kulturangebote"). Not in GENERIC_WORDS,
# which the Begründungstext also reads.
OFFER_WORDS = "angebot angebote angeboten"

# Heads of compounds that say what kind of thing, not which topic: "Präsentationstechnik" ~
# "Technik" (of "digitaler Technik" for farming), "Rastplätze" ~ "Inkubator-Plätze",
# "Schutz" (of IT) ~ "Jugendmedienschutz". Two different words that share only one of them
# share no reason (`shares_reason`); the same word in both stays one ("Technik" ~ "Technik").
# Only the explanations read them, not the Begründungstext (unlike GENERIC_WORDS).
GENERIC_HEADS = "technik platz plätze schutz"

# Generic words that are a topic when both texts use the whole word: a call for the staff
# and a project for the staff (Beschäftigte), IT-Sicherheit in both, a platform or an app in
# both, a network of SMEs. The others of GENERIC_WORDS are no reason even then ("Strategie ≈
# Strategie", "smart ≈ Smarte", "digitale ≈ Digitalisierung"), nor are "Angebote" and "neue".
TOPIC_WHEN_THE_SAME = """beschäftigte beschäftigten it information informationen plattform
    plattformen app apps netz netze netzwerk netzwerke service services dienst dienste kmu
    mittelstand markt märkte versorgung"""


@cache
def _generic_stems(lang: str) -> frozenset[str]:
    """Stems of the words that are no reason even when call and project use the same one."""
    stems = _stems(analysis.words(f"{GENERIC_WORDS} {OFFER_WORDS} neue"), lang)
    return stems - _stems(analysis.words(TOPIC_WHEN_THE_SAME), lang)


def _exclusion_only_tokens(call: CallDoc, text: str, lang: str) -> frozenset[str]:
    """The content tokens of a call that occur only in its exclusion sentences
    (`exclusions.excludes`) or in what its sentences say about who may not apply
    (`exclusions.excluded_applicants`: "Nicht antragsberechtigt sind …
    Wirtschaftsförderungsgesellschaften …"), not elsewhere in its title, summary, text,
    programme or topics.

    Left out of the call vectors, such sentences lowered the figures (docs/matcher.md), so
    this only keeps them out of the explanations. `text` is the call's plain text: without
    an exclusion cue in it (most calls) nothing is split into sentences.
    """
    if not may_exclude(text) and not may_exclude_applicants(text):
        return frozenset()
    excluded: set[str] = set()
    kept = set(analysis.content_tokens(" ".join([call.programme, *call.topics]), lang))
    for field_text in (call.title, call.summary, call.text):
        for sentence in split_sentences(field_text):
            if excludes(sentence):
                excluded.update(analysis.content_tokens(sentence, lang))
                continue
            applicants = excluded_applicants(sentence)
            if applicants:
                # "…, können aber als Dienstleister beauftragt werden": the rest is no exclusion
                excluded.update(analysis.content_tokens(applicants, lang))
                sentence = sentence.replace(applicants, " ", 1)
            kept.update(analysis.content_tokens(sentence, lang))
    return frozenset(excluded - kept)


# "IT.NRW" (the state's IT and statistics office), "NRW.BANK": a name written with dots,
# which the analysis splits into words. Its parts in capitals of two to four letters are
# abbreviations within a name; the other parts name a topic often enough ("Digitale
# Kommunalverwaltung.NRW", "Klimaschutz.NRW", "Serviceportal.NRW") to stay words.
_DOTTED_NAME = re.compile(r"\b[^\W_][\w-]*(?:\.[^\W\d_][\w-]*)+\b")
_ABBREVIATION = re.compile(r"^[A-ZÄÖÜ]{2,4}$")
_DOT_IN_WORD = re.compile(r"\.(?=[^\W\d_])")  # what every dotted name holds


def _name_only_tokens(text: str, lang: str, tokens: Counter[str]) -> frozenset[str]:
    """The content tokens of a call's plain text (`tokens`: all of them, counted) that occur
    only as an abbreviation inside a name written with dots ("IT" of "IT.NRW", which paired
    with "IT-Sicherheit"): part of a name, not a word of the text, so no reason for a match.
    Only the explanations leave them out."""
    if _DOT_IN_WORD.search(text) is None:  # most calls: a quick no
        return frozenset()
    abbreviations = [
        part
        for name in _DOTTED_NAME.findall(text)
        for part in name.split(".")
        if _ABBREVIATION.match(part)
    ]
    if not abbreviations:
        return frozenset()
    inside = Counter(analysis.content_tokens(" ".join(abbreviations), lang))
    return frozenset(t for t, n in inside.items() if tokens[t] <= n)


def tokens_of_no_reason(
    call: CallDoc, text: str, lang: str, tokens: Counter[str]
) -> frozenset[str]:
    """The content tokens of a call (`tokens`: those of its plain `text`, counted) that are
    no reason for a match wherever they pair: words only of its exclusion sentences and
    abbreviations only inside dotted names. They count in the score; the explanations
    leave them out."""
    return _exclusion_only_tokens(call, text, lang) | _name_only_tokens(text, lang, tokens)


def compound_only_glossary_tokens(text: str, terms: Iterable[tuple[str, str]]) -> frozenset[str]:
    """The German tokens of an English call's glossary terms (`analysis.glossary_terms`:
    English phrase, German term) whose phrase the call writes only as the head of a
    hyphenated compound after a word of its own: "life-cycle assessment" is no "cycle"
    (Radverkehr), "non-associated" no association (Verein). A term also reached from a
    phrase written on its own keeps its tokens. They count in the score; the explanations
    leave them out."""
    inside: set[str] = set()
    elsewhere: set[str] = set()
    for english, german in terms:
        tokens = analysis.content_tokens(german, "de")
        (inside if _only_compound_head(text, english) else elsewhere).update(tokens)
    return frozenset(inside - elsewhere)


# A word of at least three letters and a hyphen right before a phrase: "life-" of
# "life-cycle", not "e-" of "e-bike", whose head still names the thing.
_COMPOUND_FRONT = re.compile(r"[^\W\d_]{3,}-$")


def _only_compound_head(text: str, phrase: str) -> bool:
    """Whether every place `text` writes the (lower-case) `phrase` is the head of a
    hyphenated compound (`_COMPOUND_FRONT`); false when the text does not write it as such."""
    words = r"[\s-]+".join(re.escape(w) for w in phrase.split())
    found = list(re.finditer(rf"(?<![^\W_]){words}(?![^\W_])", text, re.IGNORECASE))
    return bool(found) and all(
        _COMPOUND_FRONT.search(text[max(0, m.start() - 64) : m.start()]) for m in found
    )
