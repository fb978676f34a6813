"""`scrape` (fetch or replay the configured sources) and `parse` (run one parser on a file)."""

from __future__ import annotations

import json
import logging
import sys
from contextlib import nullcontext
from datetime import datetime
from pathlib import Path

import click

from scrapers.base import internal_error
from scrapers.record import ParseError
from scrapers.registry import KINDS, get_parser
from scrapers.sources import SourceConfigError
from webapp.cli.common import ISO_DATE, AppContext, pass_app, user_errors
from webapp.cli.german import GermanCommand
from webapp.errors import UserError
from webapp.formatting import format_counted, format_number, local_today
from webapp.scraping import (
    SourceReport,
    load_configured_sources,
    run_scrape,
    select_sources,
    sources_to_run,
)

log = logging.getLogger(__name__)

# Where relative links in a saved page point when no --url is given.
DEFAULT_URLS = {
    "foerderdatenbank": "https://www.foerderdatenbank.de/",
    "foerderinfo": "https://www.foerderinfo.bund.de/",
    "eu-ft": "https://api.tech.ec.europa.eu/search-api/prod/rest/search",
}


@click.command("scrape", cls=GermanCommand)
@click.option("--source", "source_name", metavar="QUELLE", help="Nur diese Quelle abrufen.")
@click.option(
    "--offline", is_flag=True, help="Die mitgelieferten Snapshots statt der Websites verwenden."
)
@click.option(
    "--full",
    is_flag=True,
    help="Alle Seiten ganz lesen, auch die laut Server unveränderten (etwa nach einem Update).",
)
@click.option("--record", is_flag=True, hidden=True, help="Antworten als Snapshots speichern.")
@pass_app
@user_errors
def scrape(
    app: AppContext, source_name: str | None, offline: bool, full: bool, record: bool
) -> None:
    """Förderquellen abrufen (oder Snapshots abspielen) und neue Aufrufe übernehmen.

    Die Quellen stehen in SOURCES_PATH (Standard: data/sources.yaml).
    """
    try:
        # The file first: its mistakes are named before the database is even opened.
        configured = load_configured_sources(app.config)
        sources = sources_to_run(
            app.sessions, app.config.sources_path, source_name, configured=configured
        )
    except SourceConfigError as exc:
        raise UserError(str(exc)) from None
    if not sources:
        raise UserError(f"Keine aktive Quelle in {app.config.sources_path} konfiguriert.")
    label = "Quellen (offline)" if offline else "Quellen"
    # Without a terminal (cron, a pipe) click would print the bar's label alone, a line of
    # noise in every cron mail: the table below says everything.
    bar_context = (
        click.progressbar(
            length=len(sources),
            label=label,
            file=sys.stderr,
            item_show_func=lambda name: name or "",
        )
        if sys.stderr.isatty()
        else nullcontext(None)
    )
    with bar_context as bar:
        reports = run_scrape(
            app.sessions,
            sources,
            offline=offline,
            snapshots_dir=app.config.snapshots_dir,
            record=record,
            full=full,
            progress=(lambda name, _url: bar.update(0, name)) if bar else None,
            done=(lambda report: bar.update(1, report.name)) if bar else None,
        )
    click.echo(format_table(reports))
    failed = [r for r in reports if r.status != "ok"]
    # A parser bug fails the command even where the source's other calls were taken: it
    # recurs every run until the code is fixed, so cron and systemd must see it.
    buggy = [r for r in reports if r.internal and r.status == "ok"]
    for report in reports:
        if report.status != "ok":
            click.echo(f"FEHLER {report.name}: {report.message}", err=True)
        elif report.message:
            # Items or pages rejected, the rest taken: "Fehler" as the table's column says.
            counted = format_counted(report.errors, "Fehler", "Fehler")
            click.echo(
                f"Fehler {report.name}: {counted}, die übrigen Aufrufe übernommen: "
                f"{report.message}",
                err=True,
            )
        for warning in report.warnings[:3]:
            click.echo(f"Hinweis {report.name}: {warning}", err=True)
        if len(report.warnings) > 3:
            click.echo(
                f"Hinweis {report.name}: "
                + format_counted(len(report.warnings) - 3, "weiterer Hinweis", "weitere Hinweise"),
                err=True,
            )
    if failed:
        names = ", ".join(r.name for r in failed)
        counted = format_counted(len(failed), "Quelle", "Quellen")
        click.echo(f"{counted} fehlgeschlagen: {names}", err=True)
    if buggy:
        names = ", ".join(r.name for r in buggy)
        counted = format_counted(len(buggy), "Quelle", "Quellen")
        click.echo(
            f"Programmfehler im Parser bei {counted}: {names} – Einzelheiten im Log, bitte an "
            "die Entwicklung melden",
            err=True,
        )
    if failed or buggy:
        raise SystemExit(1)


def format_table(reports: list[SourceReport]) -> str:
    """The per-source summary as a plain-text table."""
    header = (
        "Quelle",
        "Status",
        "Anfragen",
        "304",
        "neu",
        "geändert",
        "unverändert",
        "fehlend",
        "Fehler",
        "Sekunden",
    )
    rows = [
        (
            r.name,
            "ok" if r.status == "ok" else "FEHLER",
            str(r.requests),
            str(r.not_modified),
            str(r.new),
            str(r.changed),
            str(r.unchanged),
            str(r.missing),
            str(r.errors),
            format_number(r.seconds, 1),
        )
        for r in reports
    ]
    totals = (
        "Summe",
        "",
        *(str(sum(int(row[i]) for row in rows)) for i in range(2, 9)),
        format_number(sum(r.seconds for r in reports), 1),
    )
    table = [header, *rows, totals]
    widths = [max(len(row[i]) for row in table) for i in range(len(header))]
    lines = []
    for n, row in enumerate(table):
        cells = [
            cell.ljust(widths[i]) if i < 2 else cell.rjust(widths[i]) for i, cell in enumerate(row)
        ]
        lines.append("  ".join(cells).rstrip())
        if n == 0 or n == len(table) - 2:
            lines.append("  ".join("-" * w for w in widths))
    return "\n".join(lines)


@click.command(
    "parse",
    cls=GermanCommand,
    # the kinds from the registry, so that a new kind is named here without a second list
    help="Einen Parser auf eine gespeicherte Antwort anwenden und die Aufrufe als JSON-Zeilen "
    f"ausgeben.\n\nART ist eine der Quellenarten {', '.join(KINDS)}.",
)
@click.argument("kind", metavar="ART", type=click.Choice(KINDS))
@click.argument("file", metavar="DATEI", type=click.Path(path_type=Path))
@click.option(
    "--url", metavar="ADRESSE", help="Die Adresse, von der die Datei stammt (für relative Links)."
)
@click.option(
    "--source",
    "source_name",
    metavar="QUELLE",
    help="Optionen dieser Quelle aus sources.yaml verwenden (z. B. die Selektoren für html-list).",
)
@click.option(
    "--today",
    type=ISO_DATE,
    help="Stichtag für Status und jährliche Fristen (Standard: heute).",
)
@pass_app
@user_errors
def parse(
    app: AppContext,
    kind: str,
    file: Path,
    url: str | None,
    source_name: str | None,
    today: datetime | None,
) -> None:
    """Run one parser on a saved response and print its calls as JSON lines (help: above)."""
    try:
        body = file.read_bytes()
    except FileNotFoundError:
        raise UserError(f"Datei {file} nicht gefunden") from None
    except IsADirectoryError:
        raise UserError(f"{file} ist ein Verzeichnis, keine Datei") from None
    except OSError as exc:
        raise UserError(f"Datei {file} nicht lesbar ({exc.strerror})") from None
    options: dict[str, object] = {}
    if source_name:
        try:
            chosen = select_sources(load_configured_sources(app.config), source_name)
        except SourceConfigError as exc:
            raise UserError(str(exc)) from None
        options.update(chosen[0].options)
        url = url or chosen[0].url
    if today is not None:
        options["today"] = today.date()
    else:
        options["today"] = local_today()
    page_url = url or DEFAULT_URLS.get(kind) or file.resolve().as_uri()
    try:
        result = get_parser(kind)(body, page_url, None, options=options)
    except ParseError as exc:
        if exc.field == "selectors" and not source_name:
            raise UserError(
                f"{exc}. --source QUELLE übernimmt die Selektoren einer html-list-Quelle "
                f"aus {app.config.sources_path}."
            ) from None
        raise
    except Exception:
        # A bug in the parser: the traceback to the log, the message in German.
        log.exception("Interner Fehler im Parser %s, Datei %s", kind, file)
        raise UserError(f"{file}: {internal_error()}") from None
    for bug in result.bugs:
        log.error("Interner Fehler im Parser %s, %s", kind, bug.where, exc_info=bug.error)
    for record in result.records:
        if source_name:
            # as `scrape` stores it (`import` refuses that name: the source's calls are scrape's)
            record.source = source_name
        click.echo(json.dumps(record.to_json_dict(), ensure_ascii=False))
    for link in result.detail_links:
        click.echo(json.dumps({"detail_link": link}, ensure_ascii=False))
    if result.next_page:
        click.echo(json.dumps({"next_page": result.next_page}, ensure_ascii=False))
    for warning in result.warnings:
        click.echo(f"Hinweis: {warning}", err=True)
    if result.left_out:
        click.echo(
            f"{format_counted(result.left_out, 'Eintrag', 'Einträge')} ohne eines der Wörter "
            "aus include_words ausgelassen.",
            err=True,
        )
    for error in result.errors:
        click.echo(f"Fehler: {error}", err=True)
    if not result.records and not result.detail_links:
        click.echo(f"{file}: keine Aufrufe gefunden.", err=True)
    if result.errors:
        raise SystemExit(1)


COMMANDS = [scrape, parse]
