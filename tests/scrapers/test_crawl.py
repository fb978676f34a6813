"""The crawler over a local server serving the snapshots: pagination, partial failures, 304s."""

from __future__ import annotations

import json
from dataclasses import replace
from urllib.parse import parse_qsl, urlsplit

from scrapers.crawl import REST_UNREAD, CrawlResult, crawl
from scrapers.fetch import FetchConfig, Fetcher, MemoryValidatorStore
from scrapers.sources import SourceConfig, load_sources
from tests.scrapers.conftest import (
    SOURCES_YAML,
    TODAY,
    LocalServer,
    Reply,
    Request,
    conditional_handler,
    serve_snapshots,
    snapshot_file,
)

FDB_KFW_FILE = "programm-bund-kfw-investitionskredit-kommunen.html"
DETAIL = "/FDB/Content/DE/Foerderprogramm/Land/NRW/coworking-laendlicher-raum.html"
FI_LIST = "/SiteGlobals/Forms/foerderinfo/bekanntmachungen/Bekanntmachungen_Formular.html"
FI_PAGE_2 = FI_LIST + "?gtp=%2526a4f6a5b8-3f0e-4c77-9a1d-0f6a2c8d1e55_list%253D2"
FDB_PAGE_2 = (
    "/SiteGlobals/FDB/Forms/Suche/Foederprogrammsuche_Formular.html?gtp=%2526816beae2-d57e-"
    "4bdc-b55d-392bc1e17027_list%253D2&filterCategories=FundingProgram"
    "&cl2Processes_Foerderberechtigte=kommune"
)


def local(
    source_name: str, server: LocalServer, config: FetchConfig, **changes: object
) -> SourceConfig:
    source = next(s for s in load_sources(SOURCES_YAML) if s.name == source_name)
    parts = urlsplit(source.url)
    url = server.base + parts.path + (f"?{parts.query}" if parts.query else "")
    return replace(source, url=url, fetch=config, **changes)  # type: ignore[arg-type]


def test_fdb_crawl_follows_pages_and_survives_a_failing_programme_page(
    server: LocalServer, fast_config: FetchConfig
) -> None:
    serve_snapshots(server, ["foerderdatenbank"])
    server.route(DETAIL, Reply(500, b"error"))
    source = local("foerderdatenbank", server, replace(fast_config, retries=0))
    result = crawl(source, Fetcher(config=source.fetch), today=TODAY)
    assert len(result.records) == 18 and len(result.listed_ids) == 19
    assert "Land/NRW/coworking-laendlicher-raum" in result.listed_ids  # still listed: not missing
    assert len(result.errors) == 1 and "HTTP 500" in result.errors[0]
    assert result.complete
    # The programme repeated on page 2 was fetched once.
    assert len(server.requests_to("/FDB/Content/DE/Foerderprogramm/Bund/BMI/heimat-2-0.html")) == 1


def test_page_limit_makes_the_run_incomplete(server: LocalServer, fast_config: FetchConfig) -> None:
    serve_snapshots(server, ["foerderinfo"])
    source = local("foerderinfo", server, fast_config, max_pages=1)
    result = crawl(source, Fetcher(config=source.fetch), today=TODAY)
    assert len(result.records) == 10 and not result.complete
    assert result.warnings[0] == "mehr als eine Seite, Rest nicht gelesen"


def run(source: SourceConfig, store: MemoryValidatorStore, **kwargs: object) -> CrawlResult:
    """One crawl whose validators (and list pages' listings) are kept, as after an ingest."""
    fetcher = Fetcher(config=source.fetch, validators=store)
    result = crawl(source, fetcher, today=TODAY, **kwargs)  # type: ignore[arg-type]
    fetcher.commit_validators()
    return result


def test_unchanged_list_confirms_known_calls_without_parsing(
    server: LocalServer, fast_config: FetchConfig
) -> None:
    serve_snapshots(server, ["foerderinfo"])
    source = local("foerderinfo", server, fast_config)
    store = MemoryValidatorStore()
    first = run(source, store)
    known = {r.external_id: r.url for r in first.records}
    second = run(source, store, known=known)
    assert second.records == [] and second.parsed_responses == 0
    # Both list pages were asked again, each answered 304: the listing is complete.
    assert len(server.requests_to(FI_LIST)) == 4 and second.parsed_responses == 0
    assert second.unchanged_ids == set(known) and second.complete


def test_a_changed_second_page_behind_an_unchanged_first_page_is_read(
    server: LocalServer, fast_config: FetchConfig
) -> None:
    """Page 1 answers 304, page 2 has a new deadline: page 2 is still asked and parsed."""
    serve_snapshots(server, ["foerderinfo"])
    source = local("foerderinfo", server, fast_config)
    store = MemoryValidatorStore()
    first = run(source, store)
    page_one = {r.external_id for r in first.records[:10]}
    changed = snapshot_file("foerderinfo", "bekanntmachungen-seite-2.html").replace(
        b'<time datetime="2027-02-28">28.02.2027</time>',
        b'<time datetime="2027-03-31">31.03.2027</time>',
    )
    server.route(FI_PAGE_2, conditional_handler(changed, {"ETag": '"neu"'}))

    second = run(source, store, known={r.external_id: r.url for r in first.records})

    assert second.parsed_responses == 1 and second.unchanged_ids == page_one
    moved = [r for r in second.records if r.title.endswith("Dorfläden und Lieferdienste")]
    assert [str(r.deadline) for r in moved] == ["2027-03-31"]
    assert second.complete and len(second.records) == len(first.records) - 10


def test_validators_kept_without_a_listing_read_the_page_once_in_full(
    server: LocalServer, fast_config: FetchConfig
) -> None:
    """Validators stored before listings were kept (an upgraded database): an unchanged page
    whose next page is unknown is read once without a conditional request, then answers 304."""
    serve_snapshots(server, ["foerderinfo"])
    source = local("foerderinfo", server, fast_config)
    store = MemoryValidatorStore()
    first = run(source, store)
    for validators in store.data.values():
        validators.listing = None
    again = run(source, store)
    assert again.parsed_responses == 2 and len(again.records) == len(first.records)
    assert again.complete
    third = run(source, store)
    assert third.parsed_responses == 0 and len(third.unchanged_ids) == len(first.records)


def test_a_list_page_after_the_first_forbidden_by_robots_is_a_hint(
    server: LocalServer, fast_config: FetchConfig
) -> None:
    serve_snapshots(server, ["foerderinfo"])
    server.route(
        "/robots.txt",
        Reply(200, b"User-agent: *\nDisallow: /*_list%253D2\n", {"Content-Type": "text/plain"}),
    )
    source = local("foerderinfo", server, fast_config)
    result = crawl(source, Fetcher(config=source.fetch), today=TODAY)
    assert len(result.records) == 10 and not result.complete and not result.errors
    assert result.warnings == [
        f"{server.url(FI_PAGE_2)}: robots.txt verbietet den Abruf – diese und die folgenden "
        "Seiten nicht gelesen, daher wird kein Aufruf als „nicht mehr gelistet“ markiert"
    ]
    assert not server.requests_to(FI_PAGE_2)


def test_fdb_result_page_two_failing_keeps_page_one_and_rechecks_the_known(
    server: LocalServer, fast_config: FetchConfig
) -> None:
    """Result page 2 answers 503: page 1's programmes are read, the known ones page 2 listed
    are asked by their own pages, and the run is incomplete with one error."""
    serve_snapshots(server, ["foerderdatenbank"])
    source = local("foerderdatenbank", server, replace(fast_config, retries=0))
    first = crawl(source, Fetcher(config=source.fetch), today=TODAY)
    known = {r.external_id: r.url for r in first.records}
    server.route(FDB_PAGE_2, Reply(503, b"kaputt"))

    result = crawl(source, Fetcher(config=source.fetch), known=known, today=TODAY)

    assert not result.complete
    [error] = result.errors
    assert error.startswith(f"{server.url(FDB_PAGE_2)}: HTTP 503 (Dienst nicht verfügbar)")
    assert error.endswith(f" – {REST_UNREAD}")
    assert {r.external_id for r in result.records} == set(known)


def test_fdb_result_page_two_is_asked_behind_an_unchanged_page_one(
    server: LocalServer, fast_config: FetchConfig
) -> None:
    """A programme newly listed on result page 2 is found although page 1 answers 304."""
    serve_snapshots(server, ["foerderdatenbank"])
    source = local("foerderdatenbank", server, fast_config)
    store = MemoryValidatorStore()
    first = run(source, store)
    known = {r.external_id: r.url for r in first.records}
    unchanged = run(source, store, known=known)
    assert unchanged.parsed_responses == 0 and unchanged.complete
    assert unchanged.unchanged_ids == set(known)

    new = "/FDB/Content/DE/Foerderprogramm/Bund/Test/neues-programm.html"
    page_two = snapshot_file("foerderdatenbank", "suche-seite-2.html").replace(
        b"FDB/Content/DE/Foerderprogramm/Bund/KfW/investitionskredit-kommunen.html",
        new[1:].encode(),
    )
    server.route(FDB_PAGE_2, conditional_handler(page_two, {"ETag": '"neu"'}))
    programme = snapshot_file("foerderdatenbank", FDB_KFW_FILE).replace(  # its canonical link
        b"Bund/KfW/investitionskredit-kommunen", b"Bund/Test/neues-programm"
    )
    server.route(new, conditional_handler(programme, {"ETag": '"p"'}))

    second = run(source, store, known=known)

    assert [r.external_id for r in second.records] == ["Bund/Test/neues-programm"]
    assert "Bund/KfW/investitionskredit-kommunen" not in second.listed_ids | second.unchanged_ids
    assert second.parsed_responses == 2 and second.complete  # page 2 and the new programme


def eu_pages(server: LocalServer, size: int) -> dict[int, bytes]:
    """Serve the recorded EU search answer in pages of `size` by the request's pageNumber."""
    data = json.loads(snapshot_file("eu-ft", "search-seite-1.json"))
    results = data["results"]
    pages = {
        number: json.dumps(
            {
                **data,
                "pageSize": size,
                "pageNumber": number,
                "results": results[start : start + size],
            }
        ).encode()
        for number, start in enumerate(range(0, len(results), size), start=1)
    }

    def handle(request: Request) -> Reply:
        number = int(dict(parse_qsl(urlsplit(request.path).query))["pageNumber"])
        return Reply(
            200, pages.get(number, b'{"results": []}'), {"Content-Type": "application/json"}
        )

    server.route("/search-api/prod/rest/search", handle)
    return pages


def test_eu_search_page_two_is_asked_behind_an_unchanged_page_one(
    server: LocalServer, fast_config: FetchConfig
) -> None:
    pages = eu_pages(server, 6)
    assert len(pages) == 3
    source = local("eu-ft", server, fast_config)
    source = replace(source, options={**source.options, "page_size": 6})
    store = MemoryValidatorStore()
    first = run(source, store)
    known = {r.external_id: r.url for r in first.records}
    unchanged = run(source, store, known=known)
    assert unchanged.parsed_responses == 0 and unchanged.complete
    assert unchanged.unchanged_ids == set(known)

    title = json.loads(pages[2])["results"][0]["metadata"]["title"][0]
    pages[2] = pages[2].replace(title.encode(), b"Neuer Titel der Ausschreibung")
    second = run(source, store, known=known)
    assert second.parsed_responses == 1 and second.complete
    assert "Neuer Titel der Ausschreibung" in [r.title for r in second.records]
    assert len(server.requests_to("/search-api/prod/rest/search")) == 9  # 3 pages, 3 runs
