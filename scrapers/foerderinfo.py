"""foerderinfo.bund.de: the list of federal Bekanntmachungen (10 teasers a page).

Each teaser `a.c-teaser--announcement` links to the ministry's own page; the topline holds the
ministry (`.c-topline__category`), the publication date (first `time[datetime]`) and the
deadline (`.c-topline__item--stopdate time`).
"""

from __future__ import annotations

from datetime import date

from bs4 import Tag

from scrapers import normalise as norm
from scrapers.base import (
    Headers,
    Options,
    ParseResult,
    absolute,
    base_url,
    inline_text,
    make_soup,
    read_deadline_field,
    reference_date,
    unread_deadline_hints,
)
from scrapers.record import CallRecord, ParseError

KIND = "foerderinfo"
# The options of sources.yaml this kind reads (scrapers/registry.py; any other is refused):
# none, the page names ministry and dates itself.
OPTIONS: frozenset[str] = frozenset()
# Raise when this parser reads the same page into other records (a field read anew, a
# fix): the next scrape then reads every page of such sources in full instead of taking
# an unchanged page (304) as "unverändert" (scrapers.registry.parser_version).
PARSER_VERSION = 1
_NEXT_SELECTORS = (
    "a[rel=next][href]",
    ".c-pagination__item--next a[href]",
    "a.c-pagination__link--next[href]",
    "a.forward[href]",
)


def parse(
    body: bytes, url: str, headers: Headers | None = None, *, options: Options | None = None
) -> ParseResult:
    """Parse one result page of the Bekanntmachungen list into records and the next-page link."""
    today = reference_date(options)
    soup = make_soup(body, headers)
    base = base_url(soup, url)
    teasers = soup.select("a.c-teaser--announcement")
    if not teasers and not soup.select_one(".c-search-result, .c-result-list, form"):
        raise ParseError(
            "keine Bekanntmachungen (a.c-teaser--announcement) gefunden", source=KIND, location=url
        )
    result = ParseResult()
    for index, teaser in enumerate(teasers, start=1):
        result.add_item(_teaser, teaser, base, url, index, today, where=f"{url} (Eintrag {index})")
    for selector in _NEXT_SELECTORS:
        link = soup.select_one(selector)
        if link is not None:
            result.next_page = absolute(str(link["href"]), base)
            break
    return result


def _date_attr(node: Tag | None, url: str, index: int, field: str, today: date) -> date | None:
    if node is None:
        return None
    raw = str(node.get("datetime") or node.get_text(" ")).strip()
    try:
        return norm.parse_date(raw, today)
    except ValueError as exc:
        raise ParseError(
            str(exc), source=KIND, location=f"{url} (Eintrag {index})", field=field
        ) from None


def _teaser(teaser: Tag, base: str, url: str, index: int, today: date) -> CallRecord:
    where = f"{url} (Eintrag {index})"
    href = str(teaser.get("href") or "").strip()
    title = inline_text(teaser.select_one(".c-teaser__title"))
    if not href:
        raise ParseError("Bekanntmachung ohne Link", source=KIND, location=where, field="url")
    if not title:
        raise ParseError("Bekanntmachung ohne Titel", source=KIND, location=where, field="title")
    link = absolute(href, base)
    stop = teaser.select_one(".c-topline__item--stopdate time")
    published_node = next(
        (t for t in teaser.select("time") if not t.find_parent(class_="c-topline__item--stopdate")),
        None,
    )
    published = _date_attr(published_node, url, index, "published", today)
    stated = read_deadline_field(stop, KIND, where, today)
    deadline = stated.day
    summary = inline_text(teaser.select_one(".c-teaser__text"))
    ministry = inline_text(teaser.select_one(".c-topline__category"))
    found = norm.extract_deadlines(f"{title}. {summary}", today)
    final = deadline or found.deadline
    return CallRecord(
        source=KIND,
        external_id=link,
        url=link,
        title=title,
        funder=ministry,
        summary=summary,
        text=summary,
        eligible=norm.applicants_in_text(summary),
        region="Bund",
        funding_type="Zuschuss",
        published=published,
        opens=found.opens,
        deadline=final,
        deadlines=found.deadlines,
        deadline_time=stated.time if deadline else found.deadline_time,
        deadline_times=found.times,
        amount_max_eur=norm.max_amount_in_text(summary),
        funding_rate=norm.rate_in_text(summary),
        status=norm.derive_status(
            opens=found.opens,
            deadline=final,
            reference=today,
            exhausted=found.exhausted,
            rolling=stated.rolling or found.rolling,
        ),
        language="de",
        hints=[] if deadline else unread_deadline_hints(where, title, found.unread),
    )
