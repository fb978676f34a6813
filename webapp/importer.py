"""Import calls from a JSONL file: validated in full first, then stored in one transaction."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy.orm import Session

from scrapers.jsonl import parse_jsonl
from scrapers.record import CallRecord, ParseError
from webapp.ingest import IngestStats, ingest_records


def import_jsonl(session: Session, path: Path, default_source: str = "import") -> IngestStats:
    """Validate every line of `path`, then upsert all calls; raises ParseError and writes nothing."""
    return ingest_records(session, read_jsonl(path, default_source), origin="import")


def read_jsonl(path: Path, default_source: str = "import") -> list[CallRecord]:
    """All records of `path`, validated; raises ParseError naming file, line and field."""
    try:
        body = path.read_bytes()
    except FileNotFoundError:
        raise ParseError("Datei nicht gefunden", source=str(path)) from None
    except IsADirectoryError:
        raise ParseError("ist ein Verzeichnis, keine Datei", source=str(path)) from None
    except OSError as exc:
        raise ParseError(f"nicht lesbar ({exc.strerror})", source=str(path)) from None
    records = parse_jsonl(body, str(path), default_source=default_source)
    if not records:
        # most likely the wrong file or a failed export, not "nothing new"
        raise ParseError("enthält keine Aufrufe (leere Datei)", source=str(path))
    return records
