"""German analysis: compounds, umlauts, stop words, language, glossary."""

from __future__ import annotations

import unicodedata

import numpy as np

from matcher import analysis
from matcher.features import FeatureSpace


def _char_cosine(a: str, b: str) -> float:
    docs = [{"t": analysis.content_tokens(a)}, {"t": analysis.content_tokens(b)}]
    space = FeatureSpace().fit(docs, {"t": 1.0})
    m = space.transform(docs, {"t": 1.0}).spaces["char"]
    return float((m[0] @ m[1].T).toarray()[0, 0])


def test_compounds_share_character_ngrams() -> None:
    assert _char_cosine("Breitbandausbau", "Breitband") > 0.4
    assert _char_cosine("Digitalisierungsstrategie", "Digitalisierung") > 0.4
    assert _char_cosine("Breitbandausbau", "Sportplatz") < 0.05


def test_word_parts_are_told_from_shared_letters() -> None:
    known = {
        analysis.token_stem(w) for w in ("verkehr", "digitalisierung", "information")
    }.__contains__
    related = [
        ("breitbandausbau", "breitband"),  # the start of a compound
        ("lotsenberatung", "beratung"),  # its end
        ("innovativ", "innovation"),  # one word, two derivations
        ("radverkehrsinfrastruktur", "verkehr"),  # a known word inside
        ("prozessdigitalisierung", "digitalisierungsleistungen"),
        ("echtzeitinformation", "fahrgastinformation"),  # over the "t" before the shared word
        ("en:digital", "digitalisierung"),  # an English word and a German one
    ]
    for a, b in related:
        assert analysis.share_word_part(a, b, known), (a, b)
        assert analysis.share_word_part(b, a, known), (b, a)
    for a, b in [
        ("gemeinde", "gemeinsames"),
        ("stadterneuerung", "steuerung"),
        ("energien", "synergien"),
        ("engagement", "flachenmanagement"),
        ("gebieten", "anbieten"),
    ]:
        assert not analysis.share_word_part(a, b, known), (a, b)


def test_a_shared_noun_ending_is_no_shared_word() -> None:
    # Gründungen and Interessenbekundungen share "dungen" after a modifier-like "grün", and
    # "dung" is a word; but what they share is the ending -ungen, not a word
    known = {analysis.token_stem(w) for w in ("dung", "information", "verwaltung")}.__contains__
    assert not analysis.share_word_part("interessenbekundungen", "grundungen", known)
    assert not analysis.share_word_part("grundungen", "interessenbekundungen", known)
    assert analysis.share_word_part("echtzeitinformation", "fahrgastinformation", known)
    assert analysis.share_word_part("kreisverwaltungen", "stadtverwaltung", known)


def test_a_part_after_a_verb_particle_in_both_words_is_no_shared_word() -> None:
    # ein-richten and Nach-richten share "richten" and no meaning; Aus-bildung and
    # Weiter-bildung (one particle) share Bildung
    known = {analysis.token_stem(w) for w in ("richten", "bildung")}.__contains__
    assert not analysis.share_word_part("einrichten", "nachrichten", known)
    assert analysis.share_word_part("ausbildung", "weiterbildung", known)


def test_letters_after_a_prefix_or_boilerplate_are_no_shared_word() -> None:
    # "bieten" and "Check" are words, but Gebieten is Ge-biet, Scheck no S-check; and what
    # Förderanträge and fördern share is funding boilerplate, which explains nothing
    known = {analysis.token_stem(w) for w in ("bieten", "check", "fordern", "verkehr")}
    for a, b in [
        ("gebieten", "anbieten"),
        ("gewerbegebieten", "anbieten"),
        ("scheck", "checks"),
        ("scheck", "check"),
        ("forderantrage", "fordern"),
    ]:
        assert not analysis.share_word_part(a, b, known.__contains__), (a, b)
        assert not analysis.share_word_part(b, a, known.__contains__), (b, a)
    # a modifier of three letters or more still makes a compound
    assert analysis.share_word_part("radverkehr", "verkehr", known.__contains__)
    assert analysis.share_word_part("bedarfsverkehre", "radverkehr", known.__contains__)


def test_a_part_of_an_opaque_compound_is_no_shared_word() -> None:
    # a university is no school and farming not the economy; a transparent compound still
    # pairs with its part, and two words that hold the whole opaque compound pair too
    known = {
        analysis.token_stem(w)
        for w in ("schulen", "wirtschaft", "breitband", "information", "arbeit")
    }.__contains__
    for a, b in [
        ("hochschulen", "schulen"),
        ("landwirtschaft", "wirtschaft"),
        ("hochschulen", "volkshochschulen"),  # adult education: no Hochschule either
        ("desinformation", "informationssicherheit"),  # false news, not what IT security keeps
        # an advisor's fourth week: cooperation is no (co)working, a roll-out at the
        # operator's own cost not the economy
        ("zusammenarbeit", "arbeit"),
        ("eigenwirtschaftlichen", "wirtschaft"),
    ]:
        assert not analysis.share_word_part(a, b, known), (a, b)
        assert not analysis.share_word_part(b, a, known), (b, a)
    for a, b in [
        ("grundschulen", "schulen"),
        ("breitbandausbau", "breitband"),
        ("hochschulen", "hochschulkooperation"),
        ("landwirtschaft", "landwirtschaftskammer"),
    ]:
        assert analysis.share_word_part(a, b, known), (a, b)
        assert analysis.share_word_part(b, a, known), (b, a)


def test_opaque_compounds_are_read_by_stem_from_the_data_file() -> None:
    stems = analysis.opaque_compound_stems("de")
    assert analysis.token_stem("hochschulen") in stems  # Hochschule, as listed
    assert analysis.splits_opaque_compound("fachhochschulen", "schulen")  # one inside a word


def test_stemming_joins_inflections() -> None:
    assert analysis.token_stem("gemeinden") == analysis.token_stem("gemeinde")
    assert analysis.token_stem("bibliotheken") == analysis.token_stem("bibliothek")


def test_umlauts_and_unicode_forms_are_normalised() -> None:
    composed = "Bürger Straße Städte"
    decomposed = unicodedata.normalize("NFD", composed)
    assert analysis.content_tokens(composed) == analysis.content_tokens(decomposed)
    assert analysis.content_tokens(composed) == ["burger", "strasse", "stadte"]
    assert analysis.token_stem("städte") == analysis.token_stem("stadt")


def test_stop_words_and_funding_boilerplate_are_removed() -> None:
    tokens = analysis.content_tokens(
        "Die Förderung der Zuwendung wird für Vorhaben gewährt, gefördert wird der Breitbandausbau."
    )
    assert tokens == ["breitbandausbau"]


def test_language_detection() -> None:
    assert (
        analysis.detect_language(
            "Grants for projects that raise the cybersecurity of the municipalities."
        )
        == "en"
    )
    assert (
        analysis.detect_language("Gefördert werden Projekte der Städte und Gemeinden in NRW.")
        == "de"
    )


def test_glossary_bridges_english_to_german() -> None:
    tokens = analysis.content_tokens("Cyber resilience of local public administrations", "en")
    assert "en:resilience" in tokens
    assert "verwaltung" in tokens
    assert "informationssicherheit" in tokens


def test_bigrams_of_adjacent_content_words() -> None:
    assert analysis.bigrams(["digitale", "verwaltung"]) == [
        f"{analysis.token_stem('digitale')} {analysis.token_stem('verwaltung')}"
    ]


def test_idf_is_lower_for_common_terms() -> None:
    docs = [
        {"t": analysis.content_tokens(t)}
        for t in ["Schule Glasfaser", "Schule Museum", "Schule Radweg"]
    ]
    space = FeatureSpace().fit(docs, {"t": 1.0})
    idf = space.idf["word"]
    vocab = space.vocab["word"]
    assert idf[vocab[analysis.token_stem("schule")]] < idf[vocab[analysis.token_stem("museum")]]
    assert np.all(idf > 0)


def test_clear_caches_lets_a_swapped_word_list_take_effect(monkeypatch) -> None:
    text = "Förderung der Digitalisierung"
    assert analysis.content_tokens(text) == ["digitalisierung"]  # "Förderung" is boilerplate
    monkeypatch.setattr(analysis, "boilerplate_stems", lambda lang: frozenset())
    assert analysis.content_tokens(text) == ["digitalisierung"]  # still the cached analysis
    analysis.clear_caches()
    assert analysis.content_tokens(text) == ["forderung", "digitalisierung"]
    monkeypatch.undo()
    analysis.clear_caches()
    assert analysis.content_tokens(text) == ["digitalisierung"]


def test_english_funding_boilerplate_is_removed() -> None:
    # "supports" is the funding verb, not the German "Support" (IT support); "programme"
    # is the funding programme, not "Programmieren"
    tokens = analysis.content_tokens(
        "This call supports the deployment of 5G infrastructure under the programme; "
        "proposals for this topic are funded with grants.",
        "en",
    )
    english = [t for t in tokens if t.startswith(analysis.EN_MARK)]
    assert english == ["en:deployment", "en:5g", "en:infrastructure"]


def test_words_only_inside_glossary_phrases() -> None:
    only = analysis.glossary_only_words(
        analysis.words("LIFE Climate Change Adaptation for public administrations.")
    )
    # "change" means Klimaanpassung here and "administrations" Verwaltung, not the German
    # "Change-Management" or "Administration" (IT)
    assert {"change", "administrations"} <= only
    assert "life" not in only
    written_alone = analysis.glossary_only_words(
        analysis.words("Climate Change Adaptation and change management.")
    )
    assert "change" not in written_alone  # also written outside the phrase
    # "climate change" alone is Klimawandel, "climate change mitigation" Klimaschutz
    assert analysis.glossary_terms(analysis.words("Adaptation to Climate Change")) == [
        ("adaptation", "Klimaanpassung"),
        ("climate change", "Klimawandel"),
    ]
    assert analysis.glossary_terms(analysis.words("climate change mitigation")) == [
        ("climate change mitigation", "Klimaschutz")
    ]
