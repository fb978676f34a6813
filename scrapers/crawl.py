"""Crawl one configured source: fetch its pages through a Fetcher and parse them into records.

No database here: the caller passes the ids it already knows (the Förderdatenbank's
programme pages are re-checked by them when its listing could not be read to the end) and
ingests the result. What a list page listed is kept with its validators
(`Validators.listing`), so an unchanged page (304) still leads on to the next one.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Collection, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from scrapers import foerderdatenbank
from scrapers.base import InternalParserError, ParseResult
from scrapers.fetch import Fetcher, FetchError, Response, RobotsDisallowed
from scrapers.record import CallRecord, ParseError
from scrapers.registry import get_parser
from scrapers.sources import SourceConfig

MULTIPART_BOUNDARY = "funding-matcher-7d1c0e"

# Said after the problem of one programme page, so the admin knows nothing stored was lost.
PROGRAMME_SKIPPED = (
    "Programm in diesem Lauf ausgelassen; ist es schon gespeichert, bleibt es wie zuletzt "
    "gelesen und wird nicht als verschwunden markiert"
)

log = logging.getLogger(__name__)


@dataclass(slots=True)
class CrawlResult:
    """What one crawl found.

    `listed_ids`: ids the source lists now; `unchanged_ids`: ids confirmed unchanged by a 304
    (or an identical body) without parsing; `complete`: every list page was read, so a known
    call that is not listed has really disappeared.
    """

    records: list[CallRecord] = field(default_factory=list)
    listed_ids: set[str] = field(default_factory=set)
    unchanged_ids: set[str] = field(default_factory=set)
    complete: bool = True
    parsed_responses: int = 0
    left_out: int = 0  # items the source's include_words left out (ParseResult.left_out)
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    # Items and pages a parser bug left unread (each also in `errors`): a run with such a
    # bug is reported louder than a rejected item, since only a code fix helps.
    internal: int = 0


Progress = Callable[[str], None]


def crawl(
    source: SourceConfig,
    fetcher: Fetcher,
    *,
    known: Mapping[str, str] | None = None,
    today: date | None = None,
    progress: Progress | None = None,
    reread: Collection[str] = (),
    fresh: bool = False,
) -> CrawlResult:
    """Crawl `source`; FetchError/ParseError from its first page mean the source failed.

    `reread`: ids of known calls whose pages are read in full even if unchanged, because what
    they mean changed with the date: a Förderdatenbank programme's own page; elsewhere the
    list pages, which hold the calls. `fresh`: every page is read in full (the source's
    settings changed since the last run, so an unchanged page may give other records).
    """
    options: dict[str, Any] = dict(source.options)
    if today is not None:
        options["today"] = today
    known = dict(known or {})
    if source.kind == "foerderdatenbank":
        again = set(known) | set(reread) if fresh else set(reread)
        result = _crawl_fdb(source, fetcher, known, options, progress, again, not fresh)
    elif source.kind == "eu-ft":
        result = _crawl_eu(source, fetcher, options, progress, not (reread or fresh))
    else:
        result = _crawl_list(source, fetcher, options, progress, not (reread or fresh))
    if not source.complete_listing:
        result.complete = False  # a window of the newest items proves no call has gone
    return result


def _parse(
    source: SourceConfig, response: Response, options: dict[str, Any], into: CrawlResult
) -> ParseResult:
    parser = get_parser(source.kind)
    try:
        result = parser(response.body, response.url, response.headers, options=options)
    except ParseError:
        raise
    except Exception:
        # A bug, not the page's fault: the traceback goes to the log, the run gets German.
        log.exception(
            "Interner Fehler im Parser %s, Quelle %s, Seite %s",
            source.kind,
            source.name,
            response.url,
        )
        raise InternalParserError(response.url) from None
    for bug in result.bugs:
        log.error(
            "Interner Fehler im Parser %s, Quelle %s, %s",
            source.kind,
            source.name,
            bug.where or response.url,
            exc_info=bug.error,
        )
    into.internal += len(result.bugs)
    for record in result.records:
        record.source = source.name
    into.parsed_responses += 1
    into.warnings.extend(result.warnings)
    if result.errors:
        # A rejected item's id is unknown: do not mark anything missing after this run.
        into.errors.extend(result.errors)
        into.complete = False
    return result


def _note(progress: Progress | None, message: str) -> None:
    if progress is not None:
        progress(message)


def _too_many(max_pages: int, singular: str, plural: str) -> str:
    """The hint that a source has more pages than `max_pages` ("mehr als 10 Seiten …")."""
    pages = f"eine {singular}" if max_pages == 1 else f"{max_pages} {plural}"
    return f"mehr als {pages}, Rest nicht gelesen"


def _listing(page: ParseResult, next_page: str | None) -> dict[str, Any]:
    """What is kept of a list page for the next run (`Validators.listing`): enough to go on
    to the next page and confirm the page's calls when it answers 304, without parsing it."""
    listing: dict[str, Any] = {"ids": list(page.listed_ids), "next": next_page}
    if page.detail_links:
        listing["links"] = list(page.detail_links)
    if page.code_labels:
        listing["labels"] = dict(page.code_labels)
    if page.left_out:
        listing["left_out"] = page.left_out
    if page.errors:
        # Items were rejected: the page does not prove a call has gone, now or next time.
        listing["partial"] = True
    return listing


def _remembered(response: Response, result: CrawlResult) -> ParseResult | None:
    """An unchanged list page as it was read last time (its ids, links and next page, no
    records), or None when nothing was kept (validators stored before listings were)."""
    listing = response.listing
    if not isinstance(listing, dict) or not isinstance(listing.get("ids"), list):
        return None
    if listing.get("partial"):
        result.complete = False
    next_page = listing.get("next")
    return ParseResult(
        listed_ids=[str(i) for i in listing["ids"]],
        detail_links=[str(link) for link in listing.get("links") or []],
        next_page=str(next_page) if next_page else None,
        code_labels=dict(listing.get("labels") or {}),
        left_out=int(listing.get("left_out") or 0),
    )


# Said after a list page beyond the first that could not be read: the pages before it are
# taken, and no call counts as gone, since the unread pages may still list it.
REST_UNREAD = (
    "diese und die folgenden Seiten nicht gelesen, daher wird kein Aufruf als „nicht mehr "
    "gelistet“ markiert"
)


def _blocked(exc: RobotsDisallowed) -> str:
    """The hint for a list page after the first that robots.txt forbids."""
    return f"{exc.url}: robots.txt verbietet den Abruf – {REST_UNREAD}"


def _follow_up_failed(exc: FetchError, result: CrawlResult) -> None:
    """End the listing at a list page after the first that could not be had.

    The calls of the pages read are kept; the result is incomplete, so no call is marked
    missing. Forbidden by robots.txt is a hint (asking again will not help); gone, a 5xx or
    a timeout after the retries is an error of the run, like a failed programme page (the
    run stays "ok"). That page's validators are not stored, and the pages before it keep
    their next page, so the next run asks it again even behind an unchanged page 1.
    """
    result.complete = False
    if isinstance(exc, RobotsDisallowed):
        result.warnings.append(_blocked(exc))
    else:
        result.errors.append(f"{exc} – {REST_UNREAD}")


def _list_pages(
    source: SourceConfig,
    fetcher: Fetcher,
    options: dict[str, Any],
    result: CrawlResult,
    progress: Progress | None,
    what: tuple[str, str],
    conditional: bool = True,
) -> Iterator[tuple[ParseResult, bool]]:
    """The source's list pages one by one, following each page's next link, each with
    whether it is unchanged since the last run.

    An unchanged page (304 or the same body) is not parsed: it is given as it was read last
    time, so the run still asks every page after it – a changed page 2 behind an unchanged
    page 1 is read. A list page after the first that cannot be had (robots.txt, gone, 5xx,
    a timeout) ends the listing, and the result is incomplete (`_follow_up_failed`). Stops
    with a hint after `source.max_pages`.
    """
    url: str | None = source.url
    visited: set[str] = set()
    while url and url not in visited:
        if len(visited) >= source.max_pages:
            result.complete = False
            result.warnings.append(_too_many(source.max_pages, *what))
            return
        visited.add(url)
        _note(progress, url)
        try:
            response = fetcher.fetch(url, conditional=conditional, list_page=len(visited))
            remembered = _remembered(response, result) if response.not_modified else None
            if response.not_modified and remembered is None:
                # Unchanged, but where it leads is not known: read it once in full.
                response = fetcher.fetch(url, conditional=False, list_page=len(visited))
                if response.not_modified:  # a server answering 304 unasked: nothing to read
                    result.complete = False
                    return
        except FetchError as exc:
            if len(visited) == 1:
                raise  # nothing of the source can be read: the source failed
            _follow_up_failed(exc, result)
            return
        if remembered is not None:
            yield remembered, True
            url = remembered.next_page
            continue
        page = _parse(source, response, options, result)
        fetcher.remember(response, _listing(page, page.next_page))
        yield page, False
        url = page.next_page


def _crawl_list(
    source: SourceConfig,
    fetcher: Fetcher,
    options: dict[str, Any],
    progress: Progress | None,
    conditional: bool,
) -> CrawlResult:
    """Sources whose list pages are the records: foerderinfo, feeds, HTML lists."""
    result = CrawlResult()
    pages = ("Seite", "Seiten")
    for page, unchanged in _list_pages(
        source, fetcher, options, result, progress, pages, conditional
    ):
        if unchanged:
            result.unchanged_ids.update(page.listed_ids)  # its calls are as before
        else:
            result.records.extend(page.records)
            result.listed_ids.update(page.listed_ids)
        result.left_out += page.left_out
    return result


def _crawl_fdb(
    source: SourceConfig,
    fetcher: Fetcher,
    known: Mapping[str, str],
    options: dict[str, Any],
    progress: Progress | None,
    reread: set[str],
    conditional: bool = True,
) -> CrawlResult:
    """Förderdatenbank: follow the result pages (unless `conditional`, without asking whether
    they changed), then fetch every programme page (those of `reread` likewise)."""
    result = CrawlResult()
    links: list[str] = []
    for page, _unchanged in _list_pages(
        source,
        fetcher,
        options,
        result,
        progress,
        ("Ergebnisseite", "Ergebnisseiten"),
        conditional,
    ):
        # An unchanged list page gives its programme links as read last time; the programme
        # pages are asked conditionally all the same. Programme pages may carry codes
        # instead of labels; the list page explains them.
        options.setdefault("code_labels", {}).update(page.code_labels)
        for link in page.detail_links:
            if link not in links:
                links.append(link)
        result.listed_ids.update(page.listed_ids)
    if not result.complete:
        # Unread list pages: re-check the programmes we know, on this source's host.
        origin = urlsplit(source.url)
        for external_id in known:
            if external_id not in result.listed_ids:
                path = f"/FDB/Content/DE/Foerderprogramm/{external_id}.html"
                links.append(urlunsplit((origin.scheme, origin.netloc, path, "", "")))
    for link in links:
        external_id = foerderdatenbank.external_id(link)
        _note(progress, link)
        try:
            response = fetcher.fetch(link, conditional=external_id not in reread)
            if response.not_modified:
                result.unchanged_ids.add(external_id)
                continue
            page = _parse(source, response, options, result)
        except RobotsDisallowed as exc:
            result.warnings.append(str(exc))
            continue
        except (FetchError, ParseError) as exc:
            # One programme's page (gone, 5xx or a timeout after the retries, unreadable)
            # costs only that programme: it is still listed, so a stored one is kept as
            # last read (ingest's `listed_ids`) and the next run asks its page again.
            result.internal += isinstance(exc, InternalParserError)
            problem = exc.located() if isinstance(exc, ParseError) else str(exc)
            result.errors.append(f"{problem} – {PROGRAMME_SKIPPED}")
            continue
        result.records.extend(page.records)
    return result


def multipart_body(parts: Mapping[str, Any]) -> tuple[bytes, str]:
    """A multipart/form-data body of JSON parts with a fixed boundary.

    The fixed boundary makes the request body the same on every run, so that it can be
    matched against recorded snapshots and its response hash compared.
    """
    lines: list[bytes] = []
    for name, value in parts.items():
        lines.append(f"--{MULTIPART_BOUNDARY}".encode())
        lines.append(f'Content-Disposition: form-data; name="{name}"; filename="blob"'.encode())
        lines.append(b"Content-Type: application/json")
        lines.append(b"")
        lines.append(json.dumps(value, ensure_ascii=False, sort_keys=True).encode("utf-8"))
    lines.append(f"--{MULTIPART_BOUNDARY}--".encode())
    lines.append(b"")
    return b"\r\n".join(lines), f"multipart/form-data; boundary={MULTIPART_BOUNDARY}"


DEFAULT_EU_QUERY: dict[str, Any] = {
    "bool": {
        "must": [
            {"terms": {"type": ["1", "2", "8"]}},
            {"terms": {"status": ["31094501", "31094502"]}},
        ]
    }
}


def _with_params(url: str, params: Mapping[str, Any]) -> str:
    parts = urlsplit(url)
    query = dict(parse_qsl(parts.query, keep_blank_values=True))
    query.update({k: str(v) for k, v in params.items()})
    return urlunsplit((parts.scheme, parts.netloc, parts.path, urlencode(query, safe="*"), ""))


def _crawl_eu(
    source: SourceConfig,
    fetcher: Fetcher,
    options: dict[str, Any],
    progress: Progress | None,
    conditional: bool,
) -> CrawlResult:
    """EU Funding & Tenders: POST the search with JSON parts, page by page.

    A page with the same answer as last time is not parsed: its ids as kept then count as
    unchanged, and the next page is asked all the same if there was one. A page after the
    first that cannot be had ends the search like a list page (`_follow_up_failed`).
    """
    result = CrawlResult()
    page_size = int(options.get("page_size", 100))
    body, content_type = multipart_body(
        {
            "query": options.get("query") or DEFAULT_EU_QUERY,
            "languages": options.get("languages") or [options.get("language", "en")],
            "sort": options.get("sort") or {"field": "sortStatus", "order": "ASC"},
        }
    )
    seen_results = 0
    for number in range(1, source.max_pages + 1):
        url = _with_params(source.url, {"pageSize": page_size, "pageNumber": number})
        next_url = _with_params(source.url, {"pageSize": page_size, "pageNumber": number + 1})
        _note(progress, url)
        request: dict[str, Any] = {
            "method": "POST",
            "data": body,
            "headers": {"Content-Type": content_type},
        }
        try:
            response = fetcher.fetch(url, conditional=conditional, list_page=number, **request)
            remembered = _remembered(response, result) if response.not_modified else None
            if response.not_modified and remembered is None:
                # Unchanged, but whether more pages follow is not known: read it once in full.
                response = fetcher.fetch(url, conditional=False, list_page=number, **request)
        except FetchError as exc:
            if number == 1:
                raise  # nothing of the source can be read: the source failed
            _follow_up_failed(exc, result)
            return result
        if remembered is not None:
            result.unchanged_ids.update(remembered.listed_ids)
            if remembered.next_page is None:
                return result
            seen_results += page_size  # a page followed by another one was full
            continue
        page = _parse(source, response, options, result)
        result.records.extend(page.records)
        result.listed_ids.update(page.listed_ids)
        raw_count = len(json.loads(response.body).get("results", []))
        seen_results += raw_count
        last = raw_count < page_size or (page.total is not None and seen_results >= page.total)
        fetcher.remember(response, _listing(page, None if last else next_url))
        if last:
            return result
    result.complete = False
    result.warnings.append(_too_many(source.max_pages, "Seite", "Seiten"))
    return result
