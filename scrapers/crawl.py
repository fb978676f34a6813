"""Crawl one configured source: fetch its pages through a Fetcher and parse them into records.

No database here: the caller passes the ids it already knows (to re-check them with
conditional requests when a list page is unchanged) and ingests the result.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Collection, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from scrapers import foerderdatenbank
from scrapers.base import ParseResult
from scrapers.fetch import Fetcher, FetchError, Response, RobotsDisallowed
from scrapers.record import CallRecord, ParseError
from scrapers.registry import get_parser
from scrapers.sources import SourceConfig

MULTIPART_BOUNDARY = "funding-matcher-7d1c0e"


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
        result = _crawl_eu(source, fetcher, known, options, progress, not (reread or fresh))
    else:
        result = _crawl_list(source, fetcher, known, options, progress, not (reread or fresh))
    if not source.complete_listing:
        result.complete = False  # a window of the newest items proves no call has gone
    return result


def _parse(
    source: SourceConfig, response: Response, options: dict[str, Any], into: CrawlResult
) -> ParseResult:
    parser = get_parser(source.kind)
    result = parser(response.body, response.url, response.headers, options=options)
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


def _list_pages(
    source: SourceConfig,
    fetcher: Fetcher,
    options: dict[str, Any],
    result: CrawlResult,
    progress: Progress | None,
    what: tuple[str, str],
    conditional: bool = True,
) -> Iterator[ParseResult | None]:
    """Parse the source's list pages one by one, following each page's next link.

    Yields None for an unchanged page (304) and stops there: the pages after it are unknown,
    so the result is incomplete. Stops with a warning after `source.max_pages` pages.
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
        response = fetcher.fetch(url, conditional=conditional)
        if response.not_modified:
            result.complete = False
            yield None
            return
        page = _parse(source, response, options, result)
        yield page
        url = page.next_page


def _crawl_list(
    source: SourceConfig,
    fetcher: Fetcher,
    known: Mapping[str, str],
    options: dict[str, Any],
    progress: Progress | None,
    conditional: bool,
) -> CrawlResult:
    """Sources whose list pages are the records: foerderinfo, feeds, HTML lists."""
    result = CrawlResult()
    pages = ("Seite", "Seiten")
    for number, page in enumerate(
        _list_pages(source, fetcher, options, result, progress, pages, conditional)
    ):
        if page is None:
            # Unchanged first page: its calls are as before.
            if number == 0:
                result.unchanged_ids.update(known)
            break
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
    for page in _list_pages(
        source,
        fetcher,
        options,
        result,
        progress,
        ("Ergebnisseite", "Ergebnisseiten"),
        conditional,
    ):
        if page is None:
            break
        # Programme pages may carry codes instead of labels; the list page explains them.
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
            result.errors.append(str(exc))
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
    known: Mapping[str, str],
    options: dict[str, Any],
    progress: Progress | None,
    conditional: bool,
) -> CrawlResult:
    """EU Funding & Tenders: POST the search with JSON parts, page by page."""
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
        _note(progress, url)
        response = fetcher.fetch(
            url,
            method="POST",
            data=body,
            headers={"Content-Type": content_type},
            conditional=conditional,
        )
        if response.not_modified:
            if number == 1:
                result.unchanged_ids.update(known)
            result.complete = False
            return result
        page = _parse(source, response, options, result)
        result.records.extend(page.records)
        result.listed_ids.update(page.listed_ids)
        raw_count = len(json.loads(response.body).get("results", []))
        seen_results += raw_count
        if raw_count < page_size or (page.total is not None and seen_results >= page.total):
            return result
    result.complete = False
    result.warnings.append(_too_many(source.max_pages, "Seite", "Seiten"))
    return result
