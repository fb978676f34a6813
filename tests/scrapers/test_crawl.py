"""The crawler over a local server serving the snapshots: pagination, partial failures, 304s."""

from __future__ import annotations

from dataclasses import replace
from urllib.parse import urlsplit

from scrapers.crawl import crawl
from scrapers.fetch import FetchConfig, Fetcher, MemoryValidatorStore
from scrapers.sources import SourceConfig, load_sources
from tests.scrapers.conftest import SOURCES_YAML, TODAY, LocalServer, Reply, serve_snapshots

DETAIL = "/FDB/Content/DE/Foerderprogramm/Land/NRW/coworking-laendlicher-raum.html"


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


def test_unchanged_list_confirms_known_calls_without_parsing(
    server: LocalServer, fast_config: FetchConfig
) -> None:
    serve_snapshots(server, ["foerderinfo"])
    source = local("foerderinfo", server, fast_config)
    store = MemoryValidatorStore()
    first_fetcher = Fetcher(config=source.fetch, validators=store)
    first = crawl(source, first_fetcher, today=TODAY)
    first_fetcher.commit_validators()
    known = {r.external_id: r.url for r in first.records}
    second = crawl(source, Fetcher(config=source.fetch, validators=store), known=known, today=TODAY)
    assert second.records == [] and second.parsed_responses == 0
    assert second.unchanged_ids == set(known) and not second.complete
