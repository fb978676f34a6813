"""`import DATEI.jsonl`: add calls from a file in the call-record format."""

from __future__ import annotations

from pathlib import Path

import click

from scrapers.jsonl import scraped_source_hint, scraped_source_named, scraped_source_problem
from webapp.cli.common import AppContext, UserError, pass_app, user_errors
from webapp.cli.german import GermanCommand
from webapp.db import transaction
from webapp.importer import read_jsonl, scraped_sources
from webapp.ingest import ingest_records


@click.command("import", cls=GermanCommand)
@click.argument("file", metavar="DATEI", type=click.Path(path_type=Path))
@click.option(
    "--source",
    metavar="QUELLE",
    default="import",
    show_default=True,
    help="Quelle für Zeilen ohne 'source'.",
)
@pass_app
@user_errors
def import_calls(app: AppContext, file: Path, source: str) -> None:
    """Aufrufe aus einer JSONL-Datei übernehmen (alles oder nichts, wiederholbar)."""
    # as the lines' 'source' values are: " manuell " would be a source of its own
    source = source.strip()
    if not source:
        raise UserError(
            f"{file}: --source: leer; bitte einen Namen angeben oder --source weglassen "
            "(Vorgabe 'import'), nichts importiert."
        )
    # read once, for the option and the lines
    scraped = scraped_sources(app.config.sources_path)
    if owner := scraped_source_named(source, scraped.names):
        # every line without 'source' would be refused; said once, for the option
        problem = scraped_source_problem(source, owner, scraped.names[owner], str(scraped.path))
        hint = scraped_source_hint(exact=owner == source, variant=owner != source, option=True)
        raise UserError(f"{file}: --source: {problem}, nichts importiert.\n{hint}")
    # The whole file is checked before the database is opened (and locked for writing).
    records = read_jsonl(file, default_source=source, scraped=scraped)
    with transaction(app.sessions) as session:
        stats = ingest_records(session, records, origin="import")
    click.echo(f"{file}: {stats.new} neu, {stats.changed} geändert, {stats.unchanged} unverändert.")
    if stats.new == 0 and stats.changed == 0:
        click.echo("Nichts Neues: alle Aufrufe waren bereits importiert.")


COMMANDS = [import_calls]
