"""Every parser on saved responses: the project's snapshots and the real Förderdatenbank pages."""

from __future__ import annotations

import html
import json
import re
from datetime import date
from pathlib import Path

import pytest

from scrapers import eu_ft, feed, foerderdatenbank, foerderinfo, html_list
from scrapers.base import make_soup
from scrapers.record import ParseError
from scrapers.sources import load_sources
from tests.scrapers.conftest import SOURCES_YAML, TODAY, snapshot_file

OPTIONS = {"today": TODAY}
FDB = "https://www.foerderdatenbank.de/"


def _options(name: str) -> dict[str, object]:
    source = next(s for s in load_sources(SOURCES_YAML) if s.name == name)
    return {**source.options, "today": TODAY}


# --- Förderdatenbank: real pages ---------------------------------------------------------


def test_fdb_real_overview_links_and_next_page(real_pages: Path) -> None:
    result = foerderdatenbank.parse(
        (real_pages / "overview.html").read_bytes(), FDB, None, options=OPTIONS
    )
    assert result.records == []
    assert len(result.detail_links) == 10
    assert all(
        link.startswith(FDB + "FDB/Content/DE/Foerderprogramm/") for link in result.detail_links
    )
    assert result.listed_ids[0] == "Land/Sachsen/buergschaft-sachsen-beteiligung"
    # The double-encoded page parameter is kept exactly as the page gives it.
    assert result.next_page == (
        FDB + "SiteGlobals/FDB/Forms/Suche/Foederprogrammsuche_Formular.html"
        "?gtp=%2526816beae2-d57e-4bdc-b55d-392bc1e17027_list%253D2&filterCategories=FundingProgram"
    )


def test_fdb_real_detail_with_tabs(real_pages: Path) -> None:
    result = foerderdatenbank.parse(
        (real_pages / "detail_multi_desc.html").read_bytes(), FDB + "x.html", None, options=OPTIONS
    )
    [record] = result.records
    assert record.title.startswith(
        "Beteiligungen der Mittelständischen Beteiligungsgesellschaft Thüringen"
    )
    assert record.funder == "Mittelständische Beteiligungsgesellschaft Thüringen mbH (MBG)"
    assert record.eligible == ["Unternehmen"]
    assert record.region == "Thüringen"
    assert record.funding_type == "Beteiligung"
    assert record.topics == ["Unternehmensfinanzierung"]
    assert record.external_id == "Land/Thueringen/beteiligungen-thueringen-mbg-express"
    # The text of all three tabs, each under its label.
    for label in ("Kurzzusammenfassung", "Zusatzinfos", "Rechtsgrundlage"):
        assert f"{label}\n" in record.text
    assert "Antragsberechtigt sind mittelständische Unternehmen" in record.text
    assert "Verbreiterung der wirtschaftlichen Eigenkapitalbasis" in record.text
    assert record.summary.startswith("Wenn Sie Investitionen planen")
    assert record.amount_max_eur == 140_000  # from the description, not the turnover limit
    # The page names no deadline and does not say "laufend" either: open, no deadline given.
    assert (record.deadline, record.status) == (None, "offen")


def test_fdb_real_detail_single_text(real_pages: Path) -> None:
    result = foerderdatenbank.parse(
        (real_pages / "detail_single_desc.html").read_bytes(), FDB + "x.html", None, options=OPTIONS
    )
    [record] = result.records
    assert "EXIST-Women" in record.title
    assert record.funder == "Bundesministerium für Wirtschaft und Klimaschutz (BMWK)"
    assert record.eligible == ["Forschungseinrichtung", "Hochschule"]
    assert record.region == "Bund"
    assert "Frauenförderung" in record.topics
    # "spätestens bis zum 30.09. jeden Jahres" → next occurrence after the reference date.
    assert record.deadline == date(2027, 9, 30)
    assert record.status == "offen"
    # "Förderantrag bis 2027 und dabei spätestens bis zum 30.09. jeden Jahres": no round
    # in 2028, so after the last cut-off the call is closed, not open until 2028
    after = foerderdatenbank.parse(
        (real_pages / "detail_single_desc.html").read_bytes(),
        FDB + "x.html",
        None,
        options={**OPTIONS, "today": "2027-10-01"},
    )
    [closed] = after.records
    assert (closed.deadline, closed.status) == (date(2027, 9, 30), "geschlossen")
    # no tabs; the page's own first heading "Rechtsgrundlage" is shown as a heading too
    assert [label for label, _ in foerderdatenbank.split_tabs(record.text)] == ["Rechtsgrundlage"]


def test_fdb_real_tabs_are_found_again_in_the_stored_text(real_pages: Path) -> None:
    """The call page shows the tabs as headings; the stored text is what it always was."""
    result = foerderdatenbank.parse(
        (real_pages / "detail_multi_desc.html").read_bytes(), FDB + "x.html", None, options=OPTIONS
    )
    [record] = result.records
    parts = foerderdatenbank.split_tabs(record.text)
    assert [label for label, _ in parts] == [
        "Kurzzusammenfassung",
        "Zusatzinfos",
        "Rechtsgrundlage",
    ]
    assert parts[1][1].startswith("rechtliche Voraussetzungen\nDie Förderung ist an")
    assert foerderdatenbank.join_tabs(parts) == record.text


def test_split_tabs_leaves_other_texts_whole() -> None:
    """A manual or feed text with blank lines, or a lone word "Rechtsgrundlage", stays as is."""
    text = "Erster Absatz.\n\nZweiter Absatz.\n\nRechtsgrundlage"
    assert foerderdatenbank.split_tabs(text) == [("", text)]
    assert foerderdatenbank.split_tabs("") == [("", "")]
    mixed = "Vorspann\n\nZusatzinfos\nWer antragsberechtigt ist.\n\nNachsatz"
    assert foerderdatenbank.split_tabs(mixed) == [
        ("", "Vorspann"),
        ("Zusatzinfos", "Wer antragsberechtigt ist.\n\nNachsatz"),
    ]


# --- Förderdatenbank: our snapshots -------------------------------------------------------


def test_fdb_snapshot_list_pages_and_repeat() -> None:
    page1 = foerderdatenbank.parse(
        snapshot_file("foerderdatenbank", "suche-seite-1.html"), FDB, None
    )
    assert len(page1.detail_links) == 10 and page1.next_page is not None
    page2 = foerderdatenbank.parse(
        snapshot_file("foerderdatenbank", "suche-seite-2.html"), page1.next_page, None
    )
    assert page2.next_page is None
    # Page 2 repeats a programme of page 1: listed on both, fetched once by the crawler.
    assert set(page1.listed_ids) & set(page2.listed_ids) == {"Bund/BMI/heimat-2-0"}


def test_fdb_snapshot_codes_are_normalised() -> None:
    body = snapshot_file("foerderdatenbank", "programm-land-nrw-dritte-orte-kultur.html")
    [record] = foerderdatenbank.parse(body, FDB, None, options=OPTIONS).records
    # The page carries codes (Foerderart:, zuschuss, kultur_medien_sport) instead of labels.
    assert record.funding_type == "Zuschuss"
    assert record.topics == ["Kultur, Medien & Sport", "Regionalförderung"]
    assert record.region == "NRW"
    assert record.eligible == ["Kommune", "Verein", "Verband"]
    assert record.deadline == date(2027, 3, 15)


def test_fdb_snapshot_stage_deadlines() -> None:
    body = snapshot_file("foerderdatenbank", "programm-bund-bmel-smarte-land-regionen.html")
    [record] = foerderdatenbank.parse(body, FDB, None, options=OPTIONS).records
    assert record.deadlines == {
        "Interessenbekundung": date(2027, 2, 15),
        "Projektskizze": date(2027, 6, 30),
    }
    assert record.deadline == date(2027, 2, 15)
    assert record.amount_max_eur == 1_000_000 and record.funding_rate == 0.9
    assert record.url == FDB + "FDB/Content/DE/Foerderprogramm/Bund/BMEL/smarte-land-regionen.html"


def test_fdb_unknown_page_is_an_error() -> None:
    with pytest.raises(ParseError, match="weder eine Trefferliste"):
        foerderdatenbank.parse(
            b"<html><body><p>Wartung</p></body></html>", FDB + "FDB/x.html", None
        )


# --- foerderinfo ----------------------------------------------------------------------------


def test_foerderinfo_teasers() -> None:
    url = "https://www.foerderinfo.bund.de/SiteGlobals/Forms/foerderinfo/bekanntmachungen/Bekanntmachungen_Formular.html"
    result = foerderinfo.parse(
        snapshot_file("foerderinfo", "bekanntmachungen-seite-1.html"), url, None, options=OPTIONS
    )
    assert len(result.records) == 10
    assert result.next_page is not None and "list%253D2" in result.next_page
    first = result.records[0]
    assert first.funder == "BMFTR"
    assert first.published == date(2026, 11, 20)
    assert first.deadline == date(2027, 2, 26)
    assert first.url.startswith("https://www.bmftr.bund.de/")
    assert first.external_id == first.url
    assert first.eligible == ["Hochschule", "Forschungseinrichtung", "Unternehmen"]


def test_foerderinfo_bad_date_names_the_entry() -> None:
    page = b"""<html><body><form></form><a class="c-teaser--announcement" href="/x">
    <span class="c-topline__item"><time datetime="bald">bald</time></span>
    <h3 class="c-teaser__title">T</h3></a></body></html>"""
    result = foerderinfo.parse(page, "https://www.foerderinfo.bund.de/liste", None)
    assert result.records == []
    assert "Eintrag 1" in result.errors[0] and "published" in result.errors[0]


# --- EU Funding & Tenders -------------------------------------------------------------------


def test_eu_ft_filters_language_and_type() -> None:
    body = snapshot_file("eu-ft", "search-seite-1.json")
    result = eu_ft.parse(body, "https://api.tech.ec.europa.eu/x", None, options=_options("eu-ft"))
    ids = [r.external_id for r in result.records]
    assert len(ids) == 14 and len(set(ids)) == 14
    assert "EC-CNECT-2027-OP-0042" not in ids  # a tender, not a grant
    assert all(r.language == "en" for r in result.records)


def test_eu_ft_record_fields() -> None:
    body = snapshot_file("eu-ft", "search-seite-1.json")
    records = {r.external_id: r for r in eu_ft.parse(body, "u", None, options=OPTIONS).records}
    smart = records["DIGITAL-2027-CLOUD-AI-08-SMARTCOMM"]
    assert smart.url.endswith("/topic-details/DIGITAL-2027-CLOUD-AI-08-SMARTCOMM")
    assert smart.programme == "Digital Europe Programme Call 8"
    assert smart.status == "offen"
    assert smart.opens == date(2026, 11, 10)
    assert smart.deadline == date(2027, 3, 24)
    assert smart.amount_max_eur == 2_000_000  # from the JSON string in budgetOverview
    assert smart.topics == [
        "local digital twins",
        "smart communities",
        "data platforms",
    ]  # JSON string
    assert "Kommune" in smart.eligible and smart.region == "EU"
    two_stage = records["HORIZON-CL6-2027-COMMUNITIES-01"]
    assert two_stage.deadlines == {"Projektskizze": date(2027, 2, 10), "Antrag": date(2027, 9, 15)}
    assert two_stage.deadline == date(2027, 2, 10)
    assert records["LIFE-2027-SAP-CLIMA-CCA"].status == "angekündigt"


def test_eu_ft_programme_is_the_call_not_the_framework() -> None:
    """Each Horizon Europe topic names its call: one framework name for all of them made
    relevance feedback take unrelated calls for one programme."""
    body = snapshot_file("eu-ft", "search-seite-1.json")
    records = {r.external_id: r for r in eu_ft.parse(body, "u", None, options=OPTIONS).records}
    horizon = {k: r.programme for k, r in records.items() if k.startswith("HORIZON-")}
    assert horizon == {
        "HORIZON-CL4-2027-DIGITAL-EMERGING-02-11": "Horizon Europe Cluster 4 – Digital",
        "HORIZON-CL5-2027-D3-02-05": "Horizon Europe Cluster 5 – Energy supply",
        "HORIZON-CL6-2027-COMMUNITIES-01": "Horizon Europe Cluster 6 – Rural communities",
        "HORIZON-HLTH-2027-DISEASE-03-01": "Horizon Europe Cluster 1 – Health",
    }
    # a call title without its framework gets it in front; one that names it stays as it is
    assert records["CEF-DIG-2027-5GSMARTCOM-WORKS"].programme == (
        "Connecting Europe Facility – CEF Digital Call 5"
    )
    assert records["ERASMUS-EDU-2027-PI-ALL-INNO-EDU-ENTERP"].programme == "Erasmus+ 2027"
    assert len({r.programme for r in records.values()}) == len(records)


def test_eu_ft_programme_without_call_title() -> None:
    item = {
        "identifier": ["HORIZON-CL4-2027-X-01-02"],
        "callIdentifier": ["HORIZON-CL4-2027-X-01"],
        "title": ["T"],
        "type": ["1"],
        "language": ["en"],
    }
    body = json.dumps({"results": [{"metadata": item}]}).encode()
    [record] = eu_ft.parse(body, "u", None, options=OPTIONS).records
    assert record.programme == "Horizon Europe – HORIZON-CL4-2027-X-01"
    del item["callIdentifier"]
    body = json.dumps({"results": [{"metadata": item}]}).encode()
    [record] = eu_ft.parse(body, "u", None, options=OPTIONS).records
    assert record.programme == "Horizon Europe"


def test_eu_ft_title_on_one_line_without_entities() -> None:
    item = {
        "identifier": ["DIGITAL-2027-X"],
        "title": ["  Smart\n   Communities &amp; Cities  "],
        "type": ["1"],
        "language": ["en"],
        "status": ["31094502"],
    }
    body = json.dumps({"totalResults": 1, "results": [{"metadata": item}]}).encode()
    [record] = eu_ft.parse(body, "u", None, options=OPTIONS).records
    assert record.title == "Smart Communities & Cities"


def test_eu_ft_errors() -> None:
    with pytest.raises(ParseError, match="kein gültiges JSON"):
        eu_ft.parse(b"<html>Service unavailable</html>", "u", None)
    with pytest.raises(ParseError, match="results"):
        eu_ft.parse(b'{"message": "x"}', "u", None)
    bad = {
        "results": [
            {
                "metadata": {
                    "identifier": ["X-1"],
                    "title": ["T"],
                    "type": ["1"],
                    "deadlineDate": ["nie"],
                }
            }
        ]
    }
    result = eu_ft.parse(json.dumps(bad).encode(), "u", None)
    # The unusable result is rejected and named; the page is still used.
    assert (
        result.records == []
        and "deadlineDate" in result.errors[0]
        and "Ergebnis 1" in result.errors[0]
    )


# --- feeds ------------------------------------------------------------------------------------


def test_rss_feed_items() -> None:
    body = snapshot_file("bmleh-foerderung", "rss-foerderung.xml")
    result = feed.parse(
        body,
        "https://www.bmleh.de/feed.xml",
        {"Content-Type": "application/rss+xml"},
        options=_options("bmleh-foerderung"),
    )
    assert len(result.records) == 10 and not result.warnings
    smart = result.records[0]
    assert smart.title == "Smarte LandRegionen – Modellvorhaben für ländliche Landkreise"
    assert smart.published == date(2026, 11, 23)
    assert smart.deadlines == {"Interessenbekundung": date(2027, 2, 15)}
    assert smart.eligible == ["Landkreis"]
    assert smart.amount_max_eur == 1_000_000
    assert smart.funder.startswith("Bundesministerium für Landwirtschaft")
    assert smart.region == "Bund" and smart.funding_type == "Zuschuss"


def test_foundation_wordpress_feed_items() -> None:
    """The DSEE's news feed (WordPress RSS 2.0): full text from content:encoded, the
    configured funder rather than the post's author, the post id (guid) as the call's id."""
    body = snapshot_file("dsee", "feed.xml")
    result = feed.parse(
        body,
        "https://www.deutsche-stiftung-engagement-und-ehrenamt.de/feed/",
        {"Content-Type": "application/rss+xml; charset=UTF-8"},
        options=_options("dsee"),
    )
    assert len(result.records) == 5 and not result.errors and not result.warnings
    site = "https://www.deutsche-stiftung-engagement-und-ehrenamt.de"
    assert all(r.url.startswith(f"{site}/aktuelles/") for r in result.records)
    assert {r.funder for r in result.records} == {
        "Deutsche Stiftung für Engagement und Ehrenamt (DSEE)"
    }
    assert {r.region for r in result.records} == {"Bund"}
    digital = result.records[0]
    assert (
        digital.title == "Förderaufruf „Ehrenamt digital vor Ort“: Kommunen und Vereine gemeinsam"
    )
    assert digital.url == f"{site}/aktuelles/foerderaufruf-ehrenamt-digital-vor-ort/"
    assert digital.external_id == f"{site}/?p=14211"
    assert digital.published == date(2026, 11, 24)
    assert digital.deadline == date(2027, 3, 31)
    assert digital.eligible == ["Verein", "Kommune", "Landkreis"]
    assert digital.amount_max_eur == 50_000 and digital.funding_rate == 0.8
    assert "Förderung" in digital.topics and "Digitalisierung" in digital.topics
    # the excerpt's "[…]" is text, never an entity; the full text comes from content:encoded
    assert "&#" not in digital.summary and "Open-Source" in digital.text
    micro = next(r for r in result.records if r.title.startswith("Mikroförderung"))
    assert micro.eligible == ["Verein"]
    assert (micro.opens, micro.deadline, micro.status) == (
        date(2027, 1, 15),
        date(2027, 10, 15),
        "angekündigt",
    )
    rolling = next(r for r in result.records if "Qualifizierung" in r.title)
    assert rolling.deadline is None and rolling.status == "laufend"
    # The feed carries all the foundation's news: without `include_words` its annual report
    # came in as a call without a deadline and sat in the Eingang.
    assert not any("Jahresbericht" in r.title for r in result.records)
    everything = feed.parse(
        body,
        "https://www.deutsche-stiftung-engagement-und-ehrenamt.de/feed/",
        options={k: v for k, v in _options("dsee").items() if k != "include_words"},
    )
    assert [r.title for r in everything.records if r not in result.records] == [
        "Jahresbericht 2025: Engagement in Zahlen"
    ]


def test_include_words_keep_only_items_that_name_funding_in_an_html_list() -> None:
    """Title, teaser or topics must name one of the words, also inside a word, any case."""
    body = """<ul>
      <li><a href="/a">Neuer FÖRDERAUFRUF Digitalisierung</a><p>Für Kommunen.</p></li>
      <li><a href="/b">Sommerfest der Geschäftsstelle</a><p>Bilder vom Fest.</p></li>
      <li><a href="/c">Preis für Dorfläden</a><p>Bewerbung bis 31.03.2027.</p></li>
    </ul>""".encode()
    options = {
        "selectors": {"item": "li", "title": "a", "link": "a", "summary": "p"},
        "include_words": ["förder", "Bewerbung"],
        "today": "2026-11-26",
    }
    result = html_list.parse(body, "https://stiftung.example/aktuelles", options=options)
    assert [r.title for r in result.records] == [
        "Neuer FÖRDERAUFRUF Digitalisierung",
        "Preis für Dorfläden",
    ]
    # not listed either: a complete listing marks a summer fest stored before as gone
    assert result.listed_ids == [r.external_id for r in result.records]


def test_include_words_fold_umlauts_and_spacing() -> None:
    """A word written without umlauts or with other spacing still finds its items."""
    body = """<ul>
      <li><a href="/a">Förderaufruf Dorfläden</a><p>Für Kommunen.</p></li>
      <li><a href="/b">Call-for-Proposals Ehrenamt</a><p>Bis 31.03.2027.</p></li>
      <li><a href="/c">Sommerfest der Geschäftsstelle</a><p>Bilder vom Fest.</p></li>
    </ul>""".encode()
    options = {
        "selectors": {"item": "li", "title": "a", "link": "a", "summary": "p"},
        "include_words": ["Foerder", "call for"],
        "today": "2026-11-26",
    }
    result = html_list.parse(body, "https://stiftung.example/aktuelles", options=options)
    assert [r.title for r in result.records] == [
        "Förderaufruf Dorfläden",
        "Call-for-Proposals Ehrenamt",
    ]
    assert result.left_out == 1


def test_feed_links_absolute_and_text_without_markup_or_entities() -> None:
    """RSS items with relative links, titles broken over lines, double-escaped entities."""
    body = """<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>BMLEH &amp;amp; BLE</title><link>https://www.bmleh.de/</link>
<item><title>  Förderaufruf
      Digitale Dörfer &amp;amp; Städte  </title>
<link>/DE/foerderung/aufruf-1.html</link><guid isPermaLink="false">a1</guid>
<description>&lt;p&gt;Anträge bis zum 31.03.2027.&lt;/p&gt;</description></item>
<item><title>Digital&amp;shy;check für Kommunen</title><link>aufruf-2.html</link>
<description>Zeile eins
     Zeile   zwei &amp;amp; mehr</description></item>
</channel></rss>""".encode()
    url = "https://www.bmleh.de/SiteGlobals/Functions/RSSFeed/feed.xml"
    records = feed.parse(
        body, url, {"Content-Type": "application/rss+xml"}, options=OPTIONS
    ).records
    first, second = records
    assert first.title == "Förderaufruf Digitale Dörfer & Städte"
    assert first.url == "https://www.bmleh.de/DE/foerderung/aufruf-1.html"
    assert first.funder == "BMLEH & BLE"
    assert first.deadline == date(2027, 3, 31)
    assert second.title == "Digitalcheck für Kommunen"
    assert second.url == "https://www.bmleh.de/SiteGlobals/Functions/RSSFeed/aufruf-2.html"
    assert second.external_id == second.url
    assert second.text == "Zeile eins\nZeile zwei & mehr"
    assert second.summary == "Zeile eins Zeile zwei & mehr"


def test_feed_publication_date_is_the_one_the_publisher_wrote() -> None:
    """Not the UTC date: midnight in Berlin is still the previous day in UTC."""
    body = b"""<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>x</title>
    <item><title>A</title><link>https://a.example/1</link>
    <pubDate>Mon, 23 Nov 2026 00:00:00 +0100</pubDate></item>
    <item><title>B</title><link>https://a.example/2</link>
    <pubDate>Mon, 23 Nov 2026 23:30:00 -0500</pubDate></item></channel></rss>"""
    records = feed.parse(body, "u", {"Content-Type": "application/rss+xml"}, options=OPTIONS)
    assert [r.published for r in records.records] == [date(2026, 11, 23), date(2026, 11, 23)]


def test_bozo_atom_feed_is_read_with_a_warning() -> None:
    body = snapshot_file("digitalagentur-nrw", "feed.atom")
    result = feed.parse(body, "https://www.digitalagentur.nrw/feed.atom", None, options=OPTIONS)
    assert len(result.records) == 6
    assert result.warnings and "fehlerhaft" in result.warnings[0]
    isms = next(r for r in result.records if "Informationssicherheit" in r.title)
    assert isms.deadline == date(2027, 3, 15)
    assert isms.external_id == "tag:digitalagentur.nrw,2026:foerderung-it-sicherheit"
    # The entries have no author of their own: the feed's, not its title, is the funder
    # (the Begründungstext says "Fördergeber: …").
    assert {r.funder for r in result.records} == {"Digitalagentur NRW"}


def test_feed_item_without_title_is_rejected_alone() -> None:
    body = b"""<?xml version="1.0"?><rss version="2.0"><channel><title>x</title>
    <item><link>https://a.example/1</link></item>
    <item><title>Aufruf</title><link>https://a.example/2</link></item></channel></rss>"""
    result = feed.parse(body, "u", None, options=OPTIONS)
    assert [r.title for r in result.records] == ["Aufruf"]
    assert "Eintrag 1" in result.errors[0] and "title" in result.errors[0]


def test_a_malformed_feed_is_described_in_german_with_its_position() -> None:
    """The hint on the Quellen page and in the digest was '<unknown>:1:75: undefined entity'."""
    body = (
        b'<?xml version="1.0"?><rss version="2.0"><channel><title>T &nbsp; x</title>'
        b"<item><title>Aufruf</title><link>https://a.example/1</link></item></channel></rss>"
    )
    result = feed.parse(body, "u", None, options=OPTIONS)
    assert [r.title for r in result.records] == ["Aufruf"]
    assert result.warnings == [
        "Feed fehlerhaft, Einträge trotzdem gelesen: Zeile 1, Spalte 75: unbekannte Entität "
        "(etwa &nbsp; ohne HTML-Deklaration)"
    ]
    with pytest.raises(
        ParseError, match=r"kein lesbarer Feed: Zeile \d+, Spalte \d+: nicht geschlossenes"
    ):
        feed.parse(b"<rss><channel><title>x</titl", "u", None)


def test_a_feed_without_content_type_reads_without_a_warning() -> None:
    """A saved file (`parse`) or a server sending text/html: the feed itself is fine."""
    body = (
        b'<?xml version="1.0"?><rss version="2.0"><channel><title>x</title>'
        b"<item><title>Aufruf</title><link>https://x.de/a</link></item></channel></rss>"
    )
    for headers in (None, {"Content-Type": "text/html; charset=utf-8"}):
        result = feed.parse(body, "u", headers)
        assert [r.title for r in result.records] == ["Aufruf"] and result.warnings == []


def test_broken_feed_without_items_is_an_error() -> None:
    with pytest.raises(ParseError, match="kein lesbarer Feed"):
        feed.parse(b"<rss><channel><title>x</titl", "u", None)
    # a web page where the feed was: said so, with the kind that reads lists on pages
    with pytest.raises(ParseError, match=r"eine HTML-Seite, kein RSS- oder Atom-Feed.*html-list"):
        feed.parse(b"<html><body>Bitte melden Sie sich an</body></html>", "u", None)
    with pytest.raises(ParseError, match="eine HTML-Seite"):
        feed.parse(b"\n<!-- cms -->\n<!DOCTYPE html><html><p>x</p></html>", "u", None)
    # plain text: no English from the XML parser
    with pytest.raises(ParseError, match=r"kein lesbarer Feed: .*kein XML \(Syntaxfehler\)"):
        feed.parse(b"hallo welt", "u", {"Content-Type": "text/xml"})


# --- configured HTML lists --------------------------------------------------------------------


def test_html_list_with_selectors_and_windows_1252() -> None:
    body = snapshot_file("nrw-foerderaufrufe", "foerderaufrufe-seite-1.html")
    result = html_list.parse(
        body,
        "https://www.mhkbd.nrw/themen/foerderaufrufe",
        {"Content-Type": "text/html"},
        options=_options("nrw-foerderaufrufe"),
    )
    assert len(result.records) == 5
    assert result.next_page == "https://www.mhkbd.nrw/themen/foerderaufrufe?seite=2"
    first = result.records[0]
    assert (
        first.title == "Förderaufruf Digitale Modellregionen NRW – dritte Runde"
    )  # decoded from cp1252
    assert first.url == "https://www.mhkbd.nrw/themen/foerderaufrufe/digitale-modellregionen-2027"
    assert first.published == date(2026, 11, 23) and first.deadline == date(2027, 3, 31)
    assert first.amount_max_eur == 3_000_000 and first.funding_rate == 0.9
    assert first.region == "NRW"
    heimat_scheck = result.records[1]
    assert heimat_scheck.deadline is None and heimat_scheck.status == "laufend"


def test_html_list_german_dates_in_text() -> None:
    body = snapshot_file("bbsr-foerderaufrufe", "aufrufe.html")
    result = html_list.parse(
        body,
        "https://www.bbsr.bund.de/BBSR/DE/aufrufe.html",
        None,
        options=_options("bbsr-foerderaufrufe"),
    )
    heimat = result.records[0]
    assert heimat.published == date(2026, 11, 20)
    assert heimat.deadline == date(2027, 3, 31)
    assert heimat.eligible == ["Gemeinde unterhalb der Kreisebene"]


def test_html_list_titles_without_soft_hyphens() -> None:
    """Government sites hyphenate long words with &shy;: invisible, but it splits the word."""
    body = (
        "<html><body><article><h3><a href='/aufruf'>Breitband&shy;ausbau in "
        "Gemeinden&#8203;</a></h3><p>Kommunal&shy;verwaltungen können Anträge stellen.</p>"
        "</article></body></html>"
    ).encode()
    selectors = {"item": "article", "title": "h3", "summary": "p"}
    result = html_list.parse(body, "https://x.example/", None, options={"selectors": selectors})
    [record] = result.records
    assert record.title == "Breitbandausbau in Gemeinden"
    assert record.text == "Kommunalverwaltungen können Anträge stellen."


@pytest.mark.parametrize("label", ["ISO-8859-1", "us-ascii"])
def test_html_list_page_labelled_latin_1_is_read_as_windows_1252(label: str) -> None:
    """Sites declare ISO-8859-1 and write €, „“ and – in Windows-1252 (browsers read it so)."""
    body = (
        f'<html><head><meta charset="{label}"></head><body><article><h3><a href="/a">'
        "Förderaufruf „Digitale Dörfer“ – 2027</a></h3><p>Gefördert werden Kommunen mit bis "
        "zu 50.000 € je Vorhaben.</p></article></body></html>"
    ).encode("cp1252")
    selectors = {"item": "article", "title": "h3", "summary": "p"}
    for headers in ({"Content-Type": f"text/html; charset={label}"}, None):
        [record] = html_list.parse(
            body, "https://x.example/", headers, options={"selectors": selectors, **OPTIONS}
        ).records
        assert record.title == "Förderaufruf „Digitale Dörfer“ – 2027"
        assert record.amount_max_eur == 50_000


def test_html_list_needs_selectors_and_items() -> None:
    with pytest.raises(ParseError, match="Selektoren fehlen"):
        html_list.parse(b"<html></html>", "u", None, options={})
    with pytest.raises(ParseError, match="kein Eintrag"):
        html_list.parse(
            b"<html><body></body></html>",
            "u",
            None,
            options={"selectors": {"item": "li.x", "title": "a"}},
        )


def test_html_list_names_a_broken_selector_in_german() -> None:
    """A caller passing its own options gets the German reason, not soupsieve's English."""
    with pytest.raises(ParseError) as caught:
        html_list.parse(
            b"<ul><li><a href='/a'>A</a></li></ul>",
            "https://example.org/",
            None,
            options={"selectors": {"item": "li..programm[", "title": "a"}},
        )
    assert str(caught.value) == (
        "html-list: https://example.org/ (Feld 'selectors.item'): 'li..programm[' ist kein "
        "gültiger CSS-Selektor: nach einem Punkt fehlt der Klassenname (ab Zeichen 3: "
        "„..programm[“)"
    )


def test_selectors_and_text_options_are_checked_under_options_too(tmp_path: Path) -> None:
    from scrapers.sources import SourceConfigError

    bad = tmp_path / "s.yaml"
    bad.write_text(
        "sources:\n"
        "  - name: a\n"
        "    kind: html-list\n"
        "    url: 'https://x.de'\n"
        "    options:\n"
        "      funder: 42\n"  # line 6
        "      selectors: {item: 'div >', titel: h3}\n",  # line 7
        encoding="utf-8",
    )
    with pytest.raises(SourceConfigError) as caught:
        load_sources(bad)
    assert str(caught.value) == (
        f"Quellenliste {bad}: 3 Fehler\n"
        f"  - {bad}, Zeile 6, Quelle 'a' (Feld 'options.funder'): muss ein Text sein, nicht 42: "
        'in Anführungszeichen setzen, wenn es so gemeint ist (funder: "42")\n'
        f"  - {bad}, Zeile 7, Quelle 'a' (Feld 'options.selectors.titel'): unbekannter Selektor "
        "(gemeint ist wohl 'title')\n"
        f"  - {bad}, Zeile 7, Quelle 'a' (Feld 'options.selectors.item'): 'div >' ist kein "
        "gültiger CSS-Selektor: unerwartetes Zeichen (ab Zeichen 4: „ >“)"
    )


def test_sources_yaml_is_valid_and_checked(tmp_path: Path) -> None:
    from scrapers.sources import SourceConfigError

    sources = load_sources(SOURCES_YAML)
    assert {s.kind for s in sources} == {
        "foerderdatenbank",
        "foerderinfo",
        "eu-ft",
        "feed",
        "html-list",
    }
    fdb = next(s for s in sources if s.name == "foerderdatenbank")
    assert fdb.fetch.delay == 3.0 and fdb.max_pages == 5 and not fdb.fetch.allow_private
    bad = tmp_path / "s.yaml"
    bad.write_text(
        "sources:\n  - {name: a, kind: feed, url: 'https://x', allow_private: 'ja'}\n",
        encoding="utf-8",
    )
    with pytest.raises(SourceConfigError, match="allow_private muss true oder false sein"):
        load_sources(bad)
    bad.write_text("sources:\n  - {name: a, kind: feed}\n", encoding="utf-8")
    with pytest.raises(SourceConfigError, match="Pflichtfeld 'url'"):
        load_sources(bad)
    bad.write_text("sources: [\n", encoding="utf-8")
    with pytest.raises(SourceConfigError, match="kein gültiges YAML"):
        load_sources(bad)


def test_fdb_codes_explained_by_the_list_sidebar(real_pages: Path) -> None:
    overview = foerderdatenbank.parse((real_pages / "overview.html").read_bytes(), FDB, None)
    assert overview.code_labels["kultur_medien_sport"] == "Kultur, Medien & Sport"
    assert overview.code_labels["verband_vereinigung"] == "Verband/Vereinigung"
    page = b"""<html><body><h1 class="title">Neues Programm</h1>
    <dl class="document-info-fundingprogram"><dt>Foerderart:</dt><dd>zuschuss</dd>
    <dt>Foerderbereich:</dt><dd>quantenkommunen, kultur_medien_sport</dd>
    <dt>Foerdergebiet:</dt><dd>de_ni</dd><dt>Foerderberechtigte:</dt><dd>kommune</dd></dl>
    <div class="rich--text"><p>Text.</p></div></body></html>"""
    options = {
        "today": TODAY,
        "code_labels": {**overview.code_labels, "quantenkommunen": "Quantenkommunen"},
    }
    [record] = foerderdatenbank.parse(
        page, FDB + "FDB/Content/DE/Foerderprogramm/Bund/x/neu.html", None, options=options
    ).records
    assert record.topics == ["Quantenkommunen", "Kultur, Medien & Sport"]
    assert (record.region, record.funding_type, record.eligible) == (
        "Niedersachsen",
        "Zuschuss",
        ["Kommune"],
    )
    assert record.external_id == "Bund/x/neu"


@pytest.mark.parametrize(
    ("category", "label", "field"),
    [
        ("Foerdergebiet", "Fördergebiet", "region"),
        ("Foerderberechtigte", "Förderberechtigte", "eligible"),
        ("Unternehmensgroesse", "Förderberechtigte", "eligible"),
        ("Foerderart", "Förderart", "funding_type"),
        ("Foerderbereich", "Förderbereich", "topics"),
    ],
)
def test_fdb_codes_without_a_list_page_read_like_their_labels(
    real_pages: Path, category: str, label: str, field: str
) -> None:
    """A programme page re-read while the list page was unchanged (304) has no sidebar to
    explain its codes: every code of the real sidebar must still read like its label."""
    soup = make_soup((real_pages / "overview.html").read_bytes(), None)
    pairs = []
    for link in soup.select("a.sidebar--link[href]"):
        match = re.search(rf"cl2Processes_{category}=(\w+)", str(link["href"]))
        if match:
            shown = link.select_one(".link--label")
            assert shown is not None, link
            pairs.append((match.group(1), " ".join(shown.get_text().split())))
    assert len(pairs) >= 3

    def parsed(value: str) -> object:
        page = f"""<html><body><h1>Programm</h1><dl class="document-info-fundingprogram">
        <dt>{label}:</dt><dd>{value}</dd></dl><div class="rich--text"><p>Text.</p></div>
        </body></html>""".encode()
        url = FDB + "FDB/Content/DE/Foerderprogramm/Bund/x/p.html"
        [record] = foerderdatenbank.parse(page, url, None, options=OPTIONS).records
        value = getattr(record, field)
        return sorted(value) if isinstance(value, list) else value  # the order is the page's

    assert {code: parsed(code) for code, _ in pairs} == {
        code: parsed(html.escape(text)) for code, text in pairs
    }


def test_kind_specific_options_are_checked(tmp_path: Path) -> None:
    from scrapers.sources import SourceConfigError

    bad = tmp_path / "s.yaml"
    bad.write_text(
        "sources:\n  - {name: a, kind: html-list, url: 'https://x', selectors: [li]}\n",
        encoding="utf-8",
    )
    with pytest.raises(SourceConfigError, match="'selectors'"):
        load_sources(bad)
    bad.write_text(
        "sources:\n  - {name: a, kind: html-list, url: 'https://x', selectors: {item: li}}\n",
        encoding="utf-8",
    )
    with pytest.raises(SourceConfigError, match="Selektor 'title' fehlt"):
        load_sources(bad)
    bad.write_text(
        "sources:\n  - {name: a, kind: eu-ft, url: 'https://x', page_size: 1000}\n",
        encoding="utf-8",
    )
    with pytest.raises(SourceConfigError, match="page_size"):
        load_sources(bad)
    for entry, message in (
        ("{name: a, kind: feed, url: 'https://x', include_words: Förder}", "Liste von Wörtern"),
        ("{name: a, kind: feed, url: 'https://x', include_words: []}", "Liste von Wörtern"),
        ("{name: a, kind: feed, url: 'https://x', include_words: ['!!']}", "Liste von Wörtern"),
        (
            "{name: a, kind: eu-ft, url: 'https://x', include_words: [a]}",
            "gilt für: feed, html-list",
        ),
    ):
        bad.write_text(f"sources:\n  - {entry}\n", encoding="utf-8")
        with pytest.raises(SourceConfigError, match=message) as caught:
            load_sources(bad)
        assert "include_words" in str(caught.value), str(caught.value)
