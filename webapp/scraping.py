"""The scrape job: run the configured sources, ingest what they yield, record a ScrapeRun each.

A source that fails is recorded with its error and the others go on. Each source is ingested
in one transaction; the HTTP validators of its responses are stored only after that
transaction committed, so a failed ingest is fetched and parsed again in full next time.
The hints of a run (warnings that did not fail it) are stored on its ScrapeRun.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

from sqlalchemy import and_, func, or_, select, update
from sqlalchemy.orm import Session, sessionmaker

from scrapers.base import InternalParserError, internal_error
from scrapers.crawl import crawl
from scrapers.fetch import FetchConfig, Fetcher, FetchError, HostState, SnapshotStore, Validators
from scrapers.normalise import STATUS_ANNOUNCED
from scrapers.record import ParseError
from scrapers.registry import parser_version
from scrapers.sources import SourceConfig, SourceConfigError, load_sources
from scrapers.yaml_errors import closest
from webapp.config import DEFAULT_SOURCES, Config, path_origin, with_origin
from webapp.db import transaction
from webapp.errors import UserError
from webapp.formatting import local_today
from webapp.ingest import ingest_records
from webapp.models import CLOSED_SOURCE_STATUSES, Call, HttpCacheEntry, ScrapeRun, Source, utcnow

log = logging.getLogger(__name__)


class DbValidatorStore:
    """Validators for conditional GET kept in the http_cache table."""

    def __init__(self, factory: sessionmaker[Session]) -> None:
        self.factory = factory

    def get(self, key: str) -> Validators | None:
        with self.factory() as session:
            row = session.get(HttpCacheEntry, key)
            if row is None:
                return None
            return Validators(row.etag, row.last_modified, row.content_hash, row.listing)

    def put(self, key: str, validators: Validators) -> None:
        self.put_many({key: validators})

    def put_many(self, items: dict[str, Validators]) -> None:
        """Store several validators in one transaction."""
        if not items:
            return
        with transaction(self.factory) as session:
            for key, value in items.items():
                row = session.get(HttpCacheEntry, key) or HttpCacheEntry(url=key)
                row.etag = value.etag
                row.last_modified = value.last_modified
                row.content_hash = value.content_hash
                row.listing = value.listing
                row.fetched_at = utcnow()
                session.add(row)


@dataclass(slots=True)
class SourceReport:
    """One line of the summary table."""

    name: str
    kind: str
    status: str = "ok"
    requests: int = 0
    not_modified: int = 0
    parsed: int = 0
    new: int = 0
    changed: int = 0
    unchanged: int = 0
    missing: int = 0
    linked: int = 0
    errors: int = 0
    # Of `errors`, those a bug in the parser caused (see `scrapers.base.ItemBug`).
    internal: int = 0
    seconds: float = 0.0
    message: str = ""
    warnings: list[str] = field(default_factory=list)


Progress = Callable[[str, str], None]


def select_sources(sources: list[SourceConfig], name: str | None) -> list[SourceConfig]:
    """The enabled sources, or the one named (enabled or not); UserError for an unknown name."""
    if name is None:
        return [s for s in sources if s.enabled]
    chosen = [s for s in sources if s.name == name]
    if not chosen:
        names = ", ".join(s.name for s in sources) or "keine"
        meant = closest(name, [s.name for s in sources], fold=str.casefold)
        hint = f" (gemeint ist wohl {meant!r})" if meant else ""
        raise UserError(f"Unbekannte Quelle {name!r}{hint}; konfiguriert sind: {names}")
    return chosen


def run_scrape(
    factory: sessionmaker[Session],
    sources: list[SourceConfig],
    *,
    offline: bool = False,
    snapshots_dir: Path | None = None,
    record: bool = False,
    today: date | None = None,
    progress: Progress | None = None,
    done: Callable[[SourceReport], None] | None = None,
    full: bool = False,
) -> list[SourceReport]:
    """Scrape every source in turn (a failure is recorded and the next goes on).

    `progress(source, url)` is called before each request, `done(report)` after each source.
    `full`: read every page in full, as if the sources' settings had changed.
    """
    reports: list[SourceReport] = []
    hosts = HostState()  # politeness across sources that share a host
    for source in sources:
        report = scrape_source(
            factory,
            source,
            offline=offline,
            snapshots_dir=snapshots_dir,
            record=record,
            today=today,
            progress=progress,
            hosts=hosts,
            full=full,
        )
        reports.append(report)
        if done is not None:
            done(report)
    return reports


def scrape_source(
    factory: sessionmaker[Session],
    source: SourceConfig,
    *,
    offline: bool = False,
    snapshots_dir: Path | None = None,
    record: bool = False,
    today: date | None = None,
    progress: Progress | None = None,
    hosts: HostState | None = None,
    full: bool = False,
) -> SourceReport:
    """Crawl and ingest one source, recording a ScrapeRun with its counters and status.

    `full`: no page is taken as unchanged (no validators sent, a body like the last one
    parsed all the same), as after a change of the source's settings.
    """
    started = time.monotonic()
    report = SourceReport(source.name, source.kind)
    today = today or local_today()
    with transaction(factory) as session:
        row, reads_anew = _source_row(session, source)
        _close_abandoned_runs(session, row.id)
        run = ScrapeRun(source_id=row.id, started_at=utcnow(), status="running", offline=offline)
        session.add(run)
        session.flush()
        run_id = run.id
        known = dict(
            session.execute(
                select(Call.external_id, Call.url).where(
                    Call.source == source.name, Call.missing_since.is_(None)
                )
            )
            .tuples()
            .all()
        )
        passed = dates_passed(session, source.name, today)
    snapshot_dir = (snapshots_dir or Path("data/snapshots")) / source.name
    # Recording needs full responses, so it does not send validators.
    validators = None if offline or record else DbValidatorStore(factory)
    fetcher = Fetcher(
        config=source.fetch,
        validators=validators,
        replay=SnapshotStore(snapshot_dir) if offline else None,
        recorder=SnapshotStore(snapshot_dir) if record and not offline else None,
        hosts=hosts or HostState(),
        source_url=source.url,
    )
    try:
        result = crawl(
            source,
            fetcher,
            known=known,
            today=today,
            progress=(lambda url: progress(source.name, url)) if progress else None,
            reread=passed,
            fresh=reads_anew or full,
        )
        with transaction(factory) as session:
            stats = ingest_records(
                session,
                result.records,
                origin="scrape",
                scrape_run_id=run_id,
                source=source.name,
                listed_ids=result.listed_ids,
                unchanged_ids=result.unchanged_ids,
                complete=result.complete,
                listing_read=result.left_out > 0,
            )
            report.parsed = len(result.records)
            report.new, report.changed, report.unchanged = stats.new, stats.changed, stats.unchanged
            report.missing, report.linked = stats.missing, stats.linked
            report.errors = len(result.errors)
            report.internal = result.internal
            report.message = _summarise(result.errors)
            report.warnings = list(result.warnings)
            if result.internal:
                # Also a hint: the Quellen page counts it and the weekly digest names it.
                report.warnings.insert(0, internal_error_warning(result.internal))
            # Nothing usable at all (every page failed) is a failed source, not an empty one.
            if result.errors and not result.records and not result.unchanged_ids:
                report.status = "failed"
            elif stats.missing_withheld:
                report.warnings.append(empty_listing_warning(stats.missing_withheld))
            _finish(session, run_id, report, fetcher, started, status=report.status)
        if isinstance(validators, DbValidatorStore):
            validators.put_many(dict(fetcher.pending))
            fetcher.pending.clear()
    except (FetchError, ParseError, UserError) as exc:
        report.status = "failed"
        report.errors += 1
        report.internal += isinstance(exc, InternalParserError)
        # The line names the source; a ParseError's own source is the parser's kind.
        report.message = exc.located() if isinstance(exc, ParseError) else str(exc)
        with transaction(factory) as session:
            _finish(session, run_id, report, fetcher, started, status="failed")
    except Exception:
        # An unexpected bug in one source must not stop the others: its traceback goes to
        # the log, the run says in German where to find it.
        log.exception("Interner Fehler beim Abruf der Quelle %s", source.name)
        report.status = "failed"
        report.errors += 1
        report.internal += 1
        report.message = internal_error("")
        with transaction(factory) as session:
            _finish(session, run_id, report, fetcher, started, status="failed")
    finally:
        fetcher.close()
    return report


def dates_passed(session: Session, source: str, today: date) -> set[str]:
    """The ids of open calls of `source` with a date that has passed since their pages were
    read: the deadline (the next stage or yearly cut-off the text names takes its place, or
    the call closes) or the day an announced call opens.

    Those follow from the day the text is read on, not from the text: the next run reads
    their pages in full instead of asking whether they changed (a 304 or the same body would
    keep the past date – no reminders for the next stage, the call gone from the Eingang –
    until the source changes a word). Once read, the call has its next date or is closed, so
    the following runs ask again.
    """
    return set(
        session.scalars(
            select(Call.external_id).where(
                Call.source == source,
                Call.missing_since.is_(None),
                or_(
                    and_(
                        Call.deadline < today,
                        func.lower(Call.status).not_in(CLOSED_SOURCE_STATUSES),
                    ),
                    and_(Call.status == STATUS_ANNOUNCED, Call.opens <= today),
                ),
            )
        )
    )


def empty_listing_warning(kept: int) -> str:
    """The hint of a run that listed nothing while `kept` calls were known."""
    calls = "bekannter Aufruf wurde" if kept == 1 else "bekannte Aufrufe wurden"
    return (
        f"Quelle lieferte keine Einträge – {kept} {calls} nicht als verschwunden markiert "
        "(Seite oder Feed vermutlich defekt, bitte prüfen)"
    )


def internal_error_warning(count: int) -> str:
    """The hint of a run in which a parser bug left `count` items or pages unread."""
    what = "1 Eintrag bzw. Seite" if count == 1 else f"{count} Einträge bzw. Seiten"
    return (
        f"Programmfehler im Parser: {what} nicht gelesen, die übrigen übernommen – "
        "Einzelheiten im Log, bitte an die Entwicklung melden"
    )


def _summarise(errors: list[str], limit: int = 5) -> str:
    if len(errors) <= limit:
        return "; ".join(errors)
    return "; ".join(errors[:limit]) + f"; und {len(errors) - limit} weitere"


# A run still "running" after this long was killed (no crawl of one source takes hours).
ABANDONED_AFTER = timedelta(hours=6)


def _close_abandoned_runs(session: Session, source_id: int) -> None:
    """Mark runs of a killed process as failed, so the Quellen page stops saying "läuft"."""
    now = utcnow()
    session.execute(
        update(ScrapeRun)
        .where(
            ScrapeRun.source_id == source_id,
            ScrapeRun.status == "running",
            ScrapeRun.started_at < now - ABANDONED_AFTER,
        )
        .values(
            status="failed",
            finished_at=now,
            error_message="abgebrochen: der Lauf wurde nie beendet (Prozess beendet?)",
        )
    )


PARSER_VERSION_KEY = "parser_version"

# Keys of a source entry that do not change what its pages are read into.
_NOT_READING = {*FetchConfig.__dataclass_fields__, "label", "enabled"}


def _source_row(session: Session, source: SourceConfig) -> tuple[Source, bool]:
    """The source's row with its current settings, and whether what its pages are read into
    changed since the last run (selectors, include_words, funder, complete_listing …, or the
    parser's version): then an unchanged page must be read again, or the change waits until
    the source changes."""
    row = session.scalar(select(Source).where(Source.name == source.name))
    if row is None:
        row = Source(name=source.name, config={})
        session.add(row)
    config = {
        k: v for k, v in source.raw.items() if isinstance(v, str | int | float | bool | list | dict)
    }
    # Kept with the settings (no key of sources.yaml has this name): a parser fixed in a
    # new release reads pages the server says are unchanged into other records too.
    config[PARSER_VERSION_KEY] = parser_version(source.kind)
    before = {k: v for k, v in (row.config or {}).items() if k not in _NOT_READING}
    reads_anew = bool(row.config) and before != {
        k: v for k, v in config.items() if k not in _NOT_READING
    }
    row.kind = source.kind
    row.label = source.label
    row.url = source.url
    row.enabled = source.enabled
    row.config = config
    session.flush()
    return row, reads_anew


def _finish(
    session: Session,
    run_id: int,
    report: SourceReport,
    fetcher: Fetcher,
    started: float,
    *,
    status: str,
) -> None:
    report.requests = fetcher.stats.requests
    report.not_modified = fetcher.stats.not_modified
    report.seconds = round(time.monotonic() - started, 2)
    run = session.get(ScrapeRun, run_id)
    if run is None:
        return
    run.status = status
    run.finished_at = utcnow()
    run.requests = report.requests
    run.not_modified = report.not_modified
    run.bytes_received = fetcher.stats.bytes_received
    run.parsed = report.parsed
    run.new = report.new
    run.changed = report.changed
    run.unchanged = report.unchanged
    run.missing = report.missing
    run.errors = report.errors
    run.error_message = report.message
    run.set_warnings(report.warnings)
    run.seconds = report.seconds


def load_configured_sources(config: Config) -> list[SourceConfig]:
    """The source list SOURCES_PATH names; a file that is not there says where the path came
    from (see `path_origin`)."""
    try:
        return load_sources(config.sources_path)
    except SourceConfigError as exc:
        origin = path_origin(config.sources_path, DEFAULT_SOURCES, "SOURCES_PATH")
        if origin is None:
            raise
        raise SourceConfigError(with_origin(f"{exc}{origin}")) from None


def sources_to_run(
    factory: sessionmaker[Session],
    path: Path,
    name: str | None,
    configured: list[SourceConfig] | None = None,
) -> list[SourceConfig]:
    """Load sources.yaml, mark the stored sources as it enables them, pick those to run.

    A source switched off or removed in sources.yaml is not scraped again, so its row would
    otherwise say "enabled" for ever: the Quellen page would not show it as switched off and
    the digest would report it as unread every week. Its calls and runs stay.
    `configured` is the already loaded list, if the caller checked the file first.
    """
    if configured is None:
        configured = load_sources(path)
    enabled = [s.name for s in configured if s.enabled]
    with transaction(factory) as session:
        session.execute(update(Source).values(enabled=Source.name.in_(enabled)))
    return select_sources(configured, name)
