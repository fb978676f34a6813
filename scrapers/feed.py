"""RSS and Atom feeds (feedparser): one call per item, deadline and eligibility from the text.

A malformed ("bozo") feed whose items could still be read is accepted with a warning, as
feed readers do; a bozo feed without items is an error, not an empty result.
"""

from __future__ import annotations

import html
import re
from collections.abc import Mapping
from datetime import date
from typing import Any

import feedparser
from bs4 import BeautifulSoup

from scrapers import normalise as norm
from scrapers.base import (
    Headers,
    Options,
    ParseResult,
    block_text,
    first_sentence,
    keep_funding_items,
    reference_date,
    tidy_lines,
    unread_deadline_hints,
)
from scrapers.record import CallRecord, ParseError

KIND = "feed"
# The options of sources.yaml this kind reads (scrapers/registry.py; any other is refused).
OPTIONS = frozenset({"funder", "programme", "region", "funding_type", "language", "include_words"})
# Raise when this parser reads the same page into other records (a field read anew, a
# fix): the next scrape then reads every page of such sources in full instead of taking
# an unchanged page (304) as "unverändert" (scrapers.registry.parser_version).
PARSER_VERSION = 1


def parse(
    body: bytes, url: str, headers: Headers | None = None, *, options: Options | None = None
) -> ParseResult:
    """Parse an RSS/Atom document into records; `options` may set funder, region, funding_type
    and include_words."""
    options = options or {}
    today = reference_date(options)
    response_headers = {k.lower(): v for k, v in (headers or {}).items()}
    # The feed's own address is the base of relative item links (RSS has no xml:base).
    response_headers.setdefault("content-location", url)
    parsed = feedparser.parse(body, response_headers=response_headers)
    result = ParseResult()
    if parsed.bozo:
        reason = bozo_reason(getattr(parsed, "bozo_exception", None))
        if not parsed.entries:
            if _HTML_START.match(body[:2000]):
                raise ParseError(
                    "eine HTML-Seite, kein RSS- oder Atom-Feed: für eine Liste auf einer "
                    "Webseite gibt es die Art html-list",
                    source=KIND,
                    location=url,
                )
            raise ParseError(f"kein lesbarer Feed: {reason}", source=KIND, location=url)
        # A wrong or missing Content-Type (a file, a server sending text/html) says nothing
        # about a feed that reads as one: no warning for what the administrator cannot fix.
        header_only = isinstance(parsed.get("bozo_exception"), feedparser.NonXMLContentType)
        if not (header_only and parsed.get("version")):
            result.warnings.append(f"Feed fehlerhaft, Einträge trotzdem gelesen: {reason}")
    if not parsed.get("version") and not parsed.entries:
        raise ParseError("kein RSS- oder Atom-Feed", source=KIND, location=url)
    # Atom entries without an author inherit the feed's (RFC 4287, 4.2.1); the feed's title
    # ("… – Förderhinweise für Kommunen") names the list, so it is only the last resort.
    feed_title = _line(_detail_text(parsed.feed.get("title_detail"), parsed.feed.get("title")))
    feed_funder = _line(str(parsed.feed.get("author") or "")) or feed_title
    language = str(options.get("language") or parsed.feed.get("language") or "de")[:2]
    for index, entry in enumerate(parsed.entries, start=1):
        result.add_item(
            _entry,
            entry,
            url,
            index,
            today,
            options,
            feed_funder,
            language,
            where=f"{url} (Eintrag {index})",
        )
    keep_funding_items(result, options)
    return result


# The XML parser's messages, as an administrator reading the Quellen page or the digest
# needs them (position and a German cause instead of "<unknown>:3:26: undefined entity").
_XML_MESSAGES = {
    "undefined entity": "unbekannte Entität (etwa &nbsp; ohne HTML-Deklaration)",
    "no element found": "Dokument bricht ab (fehlendes Ende)",
    "unclosed token": "nicht geschlossenes Element oder Attribut",
    "mismatched tag": "schließendes Tag passt nicht zum öffnenden",
    "not well-formed (invalid token)": "ungültiges Zeichen",
    "junk after document element": "Text nach dem Ende des Dokuments",
    "syntax error": "kein XML (Syntaxfehler)",
}
# A web page where a feed was expected: a BOM, blanks and comments may come first.
_HTML_START = re.compile(
    rb"^(?:\xef\xbb\xbf)?\s*(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html)\b", re.I | re.S
)


def bozo_reason(exc: object) -> str:
    """What feedparser found wrong with a feed, in German with line and column."""
    if exc is None:
        return "unbekannter Fehler"
    if isinstance(exc, feedparser.CharacterEncodingOverride):
        found = re.search(r"declared as (\S+), but parsed as (\S+)", str(exc))
        if found:
            return f"als {found[1]} angegeben, aber als {found[2]} gelesen"
        return "Zeichenkodierung falsch angegeben"
    if isinstance(exc, feedparser.NonXMLContentType):
        # the server's Content-Type says it is no XML (or says nothing)
        return "der Server gibt keinen Feed-Typ an (Content-Type fehlt oder ist kein XML)"
    get_line = getattr(exc, "getLineNumber", None)
    get_message = getattr(exc, "getMessage", None)
    if callable(get_line) and callable(get_message):
        message = str(get_message())
        where = f"Zeile {get_line()}, Spalte {exc.getColumnNumber()}"  # type: ignore[attr-defined]
        return f"{where}: {_XML_MESSAGES.get(message, message)}"
    return str(exc) or type(exc).__name__


def _detail_text(detail: Mapping[str, Any] | None, fallback: object = "") -> str:
    """The text of a feed text construct (feedparser's `*_detail`, or a content item).

    HTML becomes text; in plain text, entities left over from double escaping
    (`Dörfer &amp;amp; Städte` in the feed) are decoded, so no "&amp;" reaches the user.
    """
    value = str((detail or {}).get("value", fallback) or "")
    if "html" in str((detail or {}).get("type", "")):
        return block_text(BeautifulSoup(value, "lxml"))
    return tidy_lines(html.unescape(value))


def _line(text: str) -> str:
    return " ".join(text.split())


def _entry_date(entry: feedparser.FeedParserDict, key: str) -> date | None:
    parsed = entry.get(f"{key}_parsed")
    if parsed:
        return date(*parsed[:3])
    return None


def _entry(
    entry: feedparser.FeedParserDict,
    url: str,
    index: int,
    today: date,
    options: Options,
    feed_funder: str,
    language: str,
) -> CallRecord:
    where = f"{url} (Eintrag {index})"
    title = _line(_detail_text(entry.get("title_detail"), entry.get("title")))
    link = str(entry.get("link", "")).strip()
    identifier = str(entry.get("id", "")).strip() or link
    if not title:
        raise ParseError("Eintrag ohne Titel", source=KIND, location=where, field="title")
    if not identifier or not link:
        raise ParseError("Eintrag ohne Link", source=KIND, location=where, field="link")
    raw_published = entry.get("published") or entry.get("updated")
    # The date as the publisher wrote it: feedparser's parsed form is in UTC, so
    # "23 Nov 2026 00:00:00 +0100" would be the 22nd.
    published = None
    error: ValueError | None = None
    if raw_published:
        try:
            published = norm.parse_date(str(raw_published), today)
        except ValueError as exc:
            error = exc
    published = published or _entry_date(entry, "published") or _entry_date(entry, "updated")
    if error is not None and published is None:
        raise ParseError(str(error), source=KIND, location=where, field="pubDate")
    summary = _detail_text(entry.get("summary_detail"), entry.get("summary"))
    content = entry.get("content") or []
    text = "\n\n".join(t for t in (_detail_text(c) for c in content) if t) or summary
    full = f"{title}.\n{text}"
    found = norm.extract_deadlines(full, today)
    return CallRecord(
        source=KIND,
        external_id=identifier,
        url=link,
        title=title,
        funder=str(options.get("funder") or entry.get("author") or feed_funder),
        programme=str(options.get("programme", "")),
        summary=first_sentence(summary or text),
        text=text,
        eligible=norm.applicants_in_text(text),
        region=norm.normalise_region(str(options.get("region", ""))),
        funding_type=norm.normalise_funding_type(str(options.get("funding_type", ""))),
        published=published,
        opens=found.opens,
        deadline=found.deadline,
        deadlines=found.deadlines,
        deadline_time=found.deadline_time,
        deadline_times=found.times,
        amount_max_eur=norm.max_amount_in_text(text),
        funding_rate=norm.rate_in_text(text),
        topics=[str(t.get("term", "")).strip() for t in entry.get("tags", []) if t.get("term")],
        status=norm.derive_status(
            opens=found.opens,
            deadline=found.deadline,
            reference=today,
            exhausted=found.exhausted,
            rolling=found.rolling,
        ),
        language=language,
        hints=unread_deadline_hints(where, title, found.unread),
    )
