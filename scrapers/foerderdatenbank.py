"""Förderdatenbank des Bundes (foerderdatenbank.de): search result pages and programme pages.

List pages hold 10 cards (`div.card--fundingprogram`) and a "weiter" link whose page parameter
is double-encoded, so it is followed as given, never built. Programme pages hold a meta list
(`dl.document-info-fundingprogram`) and either tabs or one rich-text block; they carry no
date, deadline or amount fields, so those come from the text.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from urllib.parse import urlsplit

from bs4 import BeautifulSoup, Tag

from scrapers import normalise as norm
from scrapers.base import (
    Headers,
    Options,
    ParseResult,
    absolute,
    base_url,
    block_text,
    first_sentence,
    inline_text,
    make_soup,
    reference_date,
    unread_deadline_hints,
)
from scrapers.record import CallRecord, ParseError

KIND = "foerderdatenbank"
# The options of sources.yaml this kind reads (scrapers/registry.py; any other is refused):
# none. `code_labels` and `today` are passed by the crawl, not written by an administrator.
OPTIONS: frozenset[str] = frozenset()
# Raise when this parser reads the same page into other records (a field read anew, a
# fix): the next scrape then reads every page of such sources in full instead of taking
# an unchanged page (304) as "unverändert" (scrapers.registry.parser_version).
PARSER_VERSION = 1

# Meta labels as the page shows them, and the internal codes some responses carry instead.
_META_KEYS = {
    "förderart": "Förderart",
    "foerderart": "Förderart",
    "förderbereich": "Förderbereich",
    "foerderbereich": "Förderbereich",
    "fördergebiet": "Fördergebiet",
    "foerdergebiet": "Fördergebiet",
    "förderberechtigte": "Förderberechtigte",
    "foerderberechtigte": "Förderberechtigte",
    "wer wird gefördert?": "Förderberechtigte",
    "was wird gefördert?": "Förderbereich",
    "fördergeber": "Fördergeber",
    "foerdergeber": "Fördergeber",
    "ansprechpunkt": "Ansprechpunkt",
    "weiterführende links": "Weiterführende Links",
    "weiterfuehrende links": "Weiterführende Links",
}


def parse(
    body: bytes, url: str, headers: Headers | None = None, *, options: Options | None = None
) -> ParseResult:
    """Parse a search result page (links + next page) or a programme page (one record)."""
    soup = make_soup(body, headers)
    base = base_url(soup, url)
    cards = soup.select("div.card--fundingprogram")
    if cards:
        return _parse_list(soup, cards, base)
    if soup.select_one("dl.document-info-fundingprogram") and soup.select_one("h1"):
        record = _parse_detail(soup, url, base, options)
        return ParseResult(records=[record], warnings=list(record.hints))
    if soup.select_one("form[name=searchExpert]") or "Suche" in urlsplit(url).path:
        # A search page without cards: no results for this filter (not an error).
        return ParseResult(warnings=["Trefferliste ohne Förderprogramme"])
    raise ParseError(
        "weder eine Trefferliste (div.card--fundingprogram) noch eine Programmseite "
        "(dl.document-info-fundingprogram) gefunden",
        source=KIND,
        location=url,
    )


def external_id(url: str) -> str:
    """A stable id from the programme URL: the path below /Foerderprogramm/ without `.html`."""
    path = urlsplit(url).path
    marker = "/Foerderprogramm/"
    if marker in path:
        path = path.split(marker, 1)[1]
    path = path.strip("/")
    return re.sub(r"\.html?$", "", path)


def _parse_list(soup: BeautifulSoup, cards: list[Tag], base: str) -> ParseResult:
    result = ParseResult(code_labels=filter_labels(soup))
    for card in cards:
        link = card.select_one("p.card--title > a[href]")
        if link is None:
            result.warnings.append("Karte ohne Programmlink übersprungen")
            continue
        href = absolute(str(link["href"]), base)
        # Result pages can repeat a programme; keep the first.
        if href in result.detail_links:
            continue
        result.detail_links.append(href)
        result.listed_ids.append(external_id(href))
    forward = soup.select_one("a.forward.button[href]")
    if forward is not None:
        result.next_page = absolute(str(forward["href"]), base)
    return result


def _meta(soup: BeautifulSoup) -> dict[str, Tag]:
    out: dict[str, Tag] = {}
    dl = soup.select_one("dl.document-info-fundingprogram")
    if dl is None:
        return out
    for dt in dl.find_all("dt"):
        dd = dt.find_next_sibling("dd")
        if not isinstance(dd, Tag):
            continue
        raw = norm.clean_label(dt.get_text(" "))
        key = _META_KEYS.get(raw.casefold(), raw)
        out[key] = dd
    return out


def _labels(dd: Tag | None, codes: Mapping[str, str]) -> list[str]:
    """The comma-separated labels of a meta value, internal codes replaced by their labels."""
    if dd is None:
        return []
    return norm.split_labels(inline_text(dd), {**norm.TOPIC_LABELS, **codes})


_FILTER_PARAM = re.compile(r"cl2Processes_\w+=([A-Za-z0-9_]+)")


def filter_labels(soup: BeautifulSoup) -> dict[str, str]:
    """Code → label pairs from the search page's filter sidebar (`kommune` → `Kommune`)."""
    out: dict[str, str] = {}
    for link in soup.select("a.sidebar--link[href]"):
        match = _FILTER_PARAM.search(str(link["href"]))
        label = link.select_one(".link--label")
        if match and label is not None and inline_text(label):
            out[match.group(1).casefold()] = inline_text(label)
    return out


# The tabs of a programme page. Stored texts keep them as a line of their own before the
# tab's text; `split_tabs` finds them again for the call page.
TAB_LABELS = ("Kurzzusammenfassung", "Zusatzinfos", "Rechtsgrundlage")


def join_tabs(sections: list[tuple[str, str]]) -> str:
    """The call text of a programme page: each tab's label on its own line, then its text,
    tabs separated by a blank line (block_text leaves no blank lines inside a tab)."""
    return "\n\n".join(f"{label}\n{body}" if label else body for label, body in sections)


def split_tabs(text: str) -> list[tuple[str, str]]:
    """`text` as (tab label, text) parts; the label is "" for text before any known tab.

    The inverse of `join_tabs` for the known labels, so that the call page can show them as
    headings without changing the stored text (and with it the content hash that tells a
    changed call). Any other text comes back as one unlabelled part, blank lines kept.
    """
    parts: list[tuple[str, list[str]]] = []
    for block in (text or "").split("\n\n"):
        first, _, rest = block.partition("\n")
        if first.strip() in TAB_LABELS and rest.strip():
            parts.append((first.strip(), [rest]))
        elif parts:
            parts[-1][1].append(block)
        else:
            parts.append(("", [block]))
    return [(label, "\n\n".join(blocks)) for label, blocks in parts]


def _tab_text(soup: BeautifulSoup) -> tuple[list[tuple[str, str]], str]:
    """The tabs as (label, text) and the Kurztext, or the rich-text block as one section."""
    openers = soup.select("h2.horizontal--tab-opener")
    sections: list[tuple[str, str]] = []
    short = ""
    if openers:
        for opener in openers:
            article = opener.find_next_sibling("article")
            label = inline_text(opener)
            if not isinstance(article, Tag):
                continue
            if not short:
                for div in article.select("div.rich--text"):
                    heading = div.find(["h3", "h4"])
                    if heading and inline_text(heading).casefold() == "kurztext":
                        short = " ".join(inline_text(p) for p in div.find_all("p"))
            sections.append((label, block_text(article)))
        return sections, short
    main = soup.select_one("main") or soup
    blocks = [
        div
        for div in main.select("div.rich--text")
        if not div.find_parent("div", class_="rich--text")
        and not div.find_parent(class_="jumbotron")
    ]
    if blocks:
        first_p = blocks[0].find("p")
        short = first_sentence(inline_text(first_p)) if first_p else ""
    return [("", block_text(div)) for div in blocks], short


def _parse_detail(soup: BeautifulSoup, url: str, base: str, options: Options | None) -> CallRecord:
    today = reference_date(options)
    title = inline_text(soup.select_one("h1"))
    if not title:
        raise ParseError("Programmseite ohne Titel", source=KIND, location=url, field="title")
    canonical = soup.select_one("link[rel=canonical][href]") or soup.select_one(
        "meta[property='og:url'][content]"
    )
    page_url = url
    if canonical is not None:
        candidate = absolute(str(canonical.get("href") or canonical.get("content")), base)
        # A broken canonical link (no host, no programme path) must not replace the real URL.
        parts = urlsplit(candidate)
        if parts.scheme in ("http", "https") and parts.hostname and external_id(candidate):
            page_url = candidate
    if not external_id(page_url):
        raise ParseError(
            "Programmseite ohne erkennbare Adresse", source=KIND, location=url, field="url"
        )
    meta = _meta(soup)
    funder = inline_text(meta.get("Fördergeber"))
    if not funder and meta.get("Ansprechpunkt") is not None:
        contact = meta["Ansprechpunkt"].select_one(".card--title") or meta["Ansprechpunkt"]
        funder = inline_text(contact)
    sections, short = _tab_text(soup)
    text = join_tabs(sections)
    # Amounts from the programme description first: the legal text also names turnover
    # limits and exceptional maxima.
    described = "\n".join(body for label, body in sections if label != "Rechtsgrundlage")
    description = soup.select_one("meta[name=description][content]")
    summary = short or (str(description["content"]).strip() if description else "")
    summary = summary or first_sentence(text)
    # Codes learnt from a result page's sidebar (passed on by the crawler) complement the
    # built-in tables, so a new code still becomes its label.
    codes = {
        str(k).casefold(): str(v) for k, v in dict((options or {}).get("code_labels") or {}).items()
    }
    eligible = norm.normalise_applicants(_labels(meta.get("Förderberechtigte"), codes))
    if not eligible:
        eligible = norm.applicants_in_text(text)
    funding_types = [norm.normalise_funding_type(v) for v in _labels(meta.get("Förderart"), codes)]
    regions = [norm.normalise_region(v) for v in _labels(meta.get("Fördergebiet"), codes)]
    topics = _labels(meta.get("Förderbereich"), codes)
    found = norm.extract_deadlines(text, today)
    return CallRecord(
        source=KIND,
        external_id=external_id(page_url),
        url=page_url,
        title=title,
        funder=funder,
        summary=summary,
        text=text,
        eligible=eligible,
        region=", ".join(r for r in regions if r),
        funding_type=", ".join(f for f in funding_types if f),
        opens=found.opens,
        deadline=found.deadline,
        deadlines=found.deadlines,
        deadline_time=found.deadline_time,
        deadline_times=found.times,
        amount_max_eur=norm.max_amount_in_text(described) or norm.max_amount_in_text(text),
        funding_rate=norm.rate_in_text(text),
        topics=topics,
        status=norm.derive_status(
            opens=found.opens,
            deadline=found.deadline,
            reference=today,
            exhausted=found.exhausted,
            rolling=found.rolling,
        ),
        language="de",
        hints=unread_deadline_hints(page_url, title, found.unread),
    )
