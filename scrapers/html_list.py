"""A generic list page driven by CSS selectors from sources.yaml, for pages without a feed.

Options (the source's `selectors`): `item` (one call each), `title`, `link` (an `a[href]`;
default: the title's link or the item itself), `date` (publication date), `summary`,
optionally `deadline` and `next` (the next page's link).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

import soupsieve
from bs4 import Tag

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
    keep_funding_items,
    make_soup,
    read_deadline_field,
    reference_date,
    unread_deadline_hints,
)
from scrapers.record import CallRecord, ParseError

KIND = "html-list"
# The options of sources.yaml this kind reads (scrapers/registry.py; any other is refused).
OPTIONS = frozenset(
    {"funder", "programme", "region", "funding_type", "language", "include_words"}
    | {"selectors", "allow_empty"}
)
# Raise when this parser reads the same page into other records (a field read anew, a
# fix): the next scrape then reads every page of such sources in full instead of taking
# an unchanged page (304) as "unverändert" (scrapers.registry.parser_version).
PARSER_VERSION = 1
REQUIRED = ("item", "title")
# Every selector the parser reads; sources.yaml refuses any other key (a typo like `dedline`
# would otherwise cost every call its deadline without a word).
SELECTOR_KEYS = ("item", "title", "link", "date", "summary", "deadline", "next")
# (how soupsieve's reason starts, what it means in German)
_SELECTOR_REASONS: tuple[tuple[str, str], ...] = (
    ("Malformed class selector", "nach einem Punkt fehlt der Klassenname"),
    ("Malformed id selector", "nach „#“ fehlt die ID"),
    ("Malformed attribute selector", "eine eckige Klammer [Attribut] ist unvollständig"),
    ("Malformed pseudo-class selector", "nach dem Doppelpunkt fehlt eine Pseudoklasse"),
    ("Invalid character", "unerwartetes Zeichen"),
    ("Expected a selector", "hier fehlt ein Selektor"),
    ("The combinator", "vor einem Kombinator wie „>“ fehlt ein Selektor"),
    ("Unclosed pseudo-class", "eine runde Klammer ist nicht geschlossen"),
    ("Unmatched pseudo-class close", "eine runde Klammer schließt, ohne geöffnet zu sein"),
    ("Tag name found", "ein Elementname steht nicht am Anfang"),
    ("Invalid syntax for pseudo class", "die Angabe in der Pseudoklasse ist ungültig"),
    ("'", "unbekannte Pseudoklasse; ein gemeinter Doppelpunkt wird als „\\:“ geschrieben"),
)


def selector_problem(selector: object) -> str | None:
    """Why `selector` is no CSS selector BeautifulSoup can use, in German, or None.

    Compiled with soupsieve (what `select` uses), so a mistake is named when sources.yaml
    is checked, not as an internal error in the middle of a scrape.
    """
    if not isinstance(selector, str):
        return f'muss ein CSS-Selektor als Text sein (etwa "time.datum"), nicht {selector!r}'
    try:
        soupsieve.compile(selector)
    except soupsieve.SelectorSyntaxError as exc:
        english = str(exc).split("\n", 1)[0]
        reason = next(
            (german for start, german in _SELECTOR_REASONS if english.startswith(start)),
            "Schreibweise ungültig",
        )
        rest = selector[exc.col - 1 :] if exc.col else ""
        at = f" (ab Zeichen {exc.col}: „{rest}“)" if rest else " (am Ende)"
        return f"{selector!r} ist kein gültiger CSS-Selektor: {reason}{at}"
    return None


def parse(
    body: bytes, url: str, headers: Headers | None = None, *, options: Options | None = None
) -> ParseResult:
    """Parse a list page with the configured selectors (`options["selectors"]`)."""
    options = options or {}
    selectors: Mapping[str, Any] = options.get("selectors") or {}
    if not isinstance(selectors, Mapping):
        raise ParseError("Selektoren müssen eine Zuordnung sein", source=KIND, location=url)
    missing = [key for key in REQUIRED if not selectors.get(key)]
    if missing:
        raise ParseError(
            f"Selektoren fehlen in der Quellenkonfiguration: {', '.join(missing)}",
            source=KIND,
            location=url,
            field="selectors",
        )
    # sources.yaml is checked the same way; this guards a caller that passes options itself
    for key in SELECTOR_KEYS:
        if selectors.get(key) and (problem := selector_problem(selectors[key])):
            raise ParseError(problem, source=KIND, location=url, field=f"selectors.{key}")
    today = reference_date(options)
    soup = make_soup(body, headers)
    base = base_url(soup, url)
    items = soup.select(str(selectors["item"]))
    if not items and not options.get("allow_empty"):
        raise ParseError(
            f"kein Eintrag für den Selektor {selectors['item']!r} gefunden (Seite geändert?)",
            source=KIND,
            location=url,
        )
    result = ParseResult()
    for index, item in enumerate(items, start=1):
        result.add_item(
            _item,
            item,
            selectors,
            base,
            url,
            index,
            today,
            options,
            where=f"{url} (Eintrag {index})",
        )
    keep_funding_items(result, options)
    if selectors.get("next"):
        nxt = soup.select_one(str(selectors["next"]))
        if isinstance(nxt, Tag) and nxt.get("href"):
            result.next_page = absolute(str(nxt["href"]), base)
    return result


def _select(item: Tag, selector: Any) -> Tag | None:
    return item.select_one(str(selector)) if selector else None


def _date(node: Tag | None, where: str, field: str, today: date) -> date | None:
    if node is None:
        return None
    raw = str(node.get("datetime") or node.get_text(" ")).strip()
    if not raw:
        return None
    try:
        return norm.parse_date(raw, today)
    except ValueError as exc:
        raise ParseError(str(exc), source=KIND, location=where, field=field) from None


def _item(
    item: Tag,
    selectors: Mapping[str, Any],
    base: str,
    url: str,
    index: int,
    today: date,
    options: Options,
) -> CallRecord:
    where = f"{url} (Eintrag {index})"
    title_node = _select(item, selectors["title"])
    title = inline_text(title_node)
    if not title:
        raise ParseError("Eintrag ohne Titel", source=KIND, location=where, field="title")
    link_node = _select(item, selectors.get("link"))
    if link_node is None and title_node is not None:
        link_node = title_node if title_node.name == "a" else title_node.find("a", href=True)
    if link_node is None and item.name == "a":
        link_node = item
    href = str(link_node.get("href") or "") if isinstance(link_node, Tag) else ""
    if not href:
        raise ParseError("Eintrag ohne Link", source=KIND, location=where, field="link")
    link = absolute(href, base)
    summary_node = _select(item, selectors.get("summary"))
    text = block_text(summary_node) if summary_node is not None else ""
    published = _date(_select(item, selectors.get("date")), where, "date", today)
    stated = read_deadline_field(_select(item, selectors.get("deadline")), KIND, where, today)
    explicit = stated.day
    found = norm.extract_deadlines(f"{title}.\n{text}", today)
    deadline = explicit or found.deadline
    return CallRecord(
        source=KIND,
        external_id=link,
        url=link,
        title=title,
        funder=str(options.get("funder", "")),
        programme=str(options.get("programme", "")),
        summary=first_sentence(text),
        text=text,
        eligible=norm.applicants_in_text(text),
        region=norm.normalise_region(str(options.get("region", ""))),
        funding_type=norm.normalise_funding_type(str(options.get("funding_type", ""))),
        published=published,
        opens=found.opens,
        deadline=deadline,
        deadlines=found.deadlines,
        deadline_time=stated.time if explicit else found.deadline_time,
        deadline_times=found.times,
        amount_max_eur=norm.max_amount_in_text(text),
        funding_rate=norm.rate_in_text(text),
        status=norm.derive_status(
            opens=found.opens,
            deadline=deadline,
            reference=today,
            exhausted=found.exhausted,
            rolling=stated.rolling or found.rolling,
        ),
        language=str(options.get("language", "de")),
        # the deadline column, when there is one, is what counts
        hints=[] if explicit else unread_deadline_hints(where, title, found.unread),
    )
