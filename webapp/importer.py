"""Import calls from a JSONL file: validated in full first, then stored in one transaction."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import yaml
from sqlalchemy.orm import Session

from scrapers.jsonl import parse_jsonl
from scrapers.record import CallRecord, ParseError
from scrapers.sources import SourceConfigError, load_sources
from webapp.ingest import IngestStats, ingest_records


def import_jsonl(
    session: Session,
    path: Path,
    default_source: str = "import",
    sources_path: Path | None = None,
) -> IngestStats:
    """Validate every line of `path`, then upsert all calls; raises ParseError and writes nothing."""
    return ingest_records(session, read_jsonl(path, default_source, sources_path), origin="import")


def scraped_sources(sources_path: Path) -> dict[str, bool]:
    """The sources of the source list, each with whether it is switched on.

    Calls imported under one of these names would be marked gone by its next `scrape`. A
    list that does not pass its checks still names its sources (as far as it is YAML): the
    admin fixes it and scrapes, and the imported calls would be marked then.
    """
    try:
        return {source.name: source.enabled for source in load_sources(sources_path)}
    except SourceConfigError:
        pass
    try:
        data = yaml.safe_load(sources_path.read_text(encoding="utf-8"))
    except (OSError, UnicodeError, yaml.YAMLError):
        return {}  # no list: `scrape` cannot run, and it names the problem itself
    entries = data.get("sources") if isinstance(data, dict) else None
    return {
        str(entry["name"]): entry.get("enabled") is not False
        for entry in (entries if isinstance(entries, list) else [])
        if isinstance(entry, dict) and entry.get("name")
    }


def read_jsonl(
    path: Path, default_source: str = "import", sources_path: Path | None = None
) -> list[CallRecord]:
    """All records of `path`, validated; raises ParseError naming file, line and field.

    With `sources_path`, a line under the name of a source in that list is refused.
    """
    try:
        body = path.read_bytes()
    except FileNotFoundError:
        raise ParseError("Datei nicht gefunden", source=str(path)) from None
    except IsADirectoryError:
        raise ParseError("ist ein Verzeichnis, keine Datei", source=str(path)) from None
    except OSError as exc:
        raise ParseError(f"nicht lesbar ({exc.strerror})", source=str(path)) from None
    scraped: Mapping[str, bool] = scraped_sources(sources_path) if sources_path else {}
    records = parse_jsonl(
        body,
        str(path),
        default_source=default_source,
        scraped=scraped,
        scraped_from=str(sources_path),
    )
    if not records:
        # most likely the wrong file or a failed export, not "nothing new"
        raise ParseError("enthält keine Aufrufe (leere Datei)", source=str(path))
    return records
