"""Import calls from a JSONL file: validated in full first, then stored in one transaction."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.orm import Session

from scrapers.jsonl import parse_jsonl
from scrapers.record import CallRecord, ParseError
from scrapers.sources import source_switches
from webapp.config import Config
from webapp.ingest import IngestStats, ingest_records


@dataclass(frozen=True, slots=True)
class ScrapedSources:
    """The sources of a source list, each with whether it is switched on, and that list.

    Calls imported under one of these names would be marked gone by its next `scrape`.
    """

    names: Mapping[str, bool]
    path: Path


def scraped_sources(sources_path: Path | None = None) -> ScrapedSources:
    """The sources of `sources_path`, by default the list SOURCES_PATH names (as for the app).

    Read once (`scrapers.sources.source_switches`): a list that does not pass its checks still
    names its sources, and one that cannot be read names none, so it never blocks an import.
    """
    path = sources_path or Config.from_env(problems=[]).sources_path
    return ScrapedSources(source_switches(path), path)


def import_jsonl(
    session: Session,
    path: Path,
    default_source: str = "import",
    sources_path: Path | None = None,
) -> IngestStats:
    """Validate every line of `path`, then upsert all calls; raises ParseError and writes nothing.

    A line under the name of a source in `sources_path` (by default the configured list) is
    refused, as by the `import` command.
    """
    records = read_jsonl(path, default_source, scraped_sources(sources_path))
    return ingest_records(session, records, origin="import")


def read_jsonl(
    path: Path, default_source: str = "import", scraped: ScrapedSources | None = None
) -> list[CallRecord]:
    """All records of `path`, validated; raises ParseError naming file, line and field.

    A line under the name of a source in `scraped` (by default the configured list's) is
    refused.
    """
    try:
        body = path.read_bytes()
    except FileNotFoundError:
        raise ParseError("Datei nicht gefunden", source=str(path)) from None
    except IsADirectoryError:
        raise ParseError("ist ein Verzeichnis, keine Datei", source=str(path)) from None
    except OSError as exc:
        raise ParseError(f"nicht lesbar ({exc.strerror})", source=str(path)) from None
    scraped = scraped or scraped_sources()
    records = parse_jsonl(
        body,
        str(path),
        default_source=default_source,
        scraped=scraped.names,
        scraped_from=str(scraped.path),
    )
    if not records:
        # most likely the wrong file or a failed export, not "nothing new"
        raise ParseError("enthält keine Aufrufe (leere Datei)", source=str(path))
    return records
