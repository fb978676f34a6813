"""`justify AUFRUF_ID [--project PROJEKT_ID] [--short]`: print the Begründungstext of a call."""

from __future__ import annotations

import click

from matcher.justification import plain_text
from webapp.cli.common import AppContext, pass_app, user_errors
from webapp.cli.errors import CliUsageError
from webapp.cli.german import GermanCommand
from webapp.db import transaction
from webapp.justifications import (
    COMBINED,
    Fits,
    applicant_note,
    justification_for,
    project_eligibility,
    resolve_call,
)
from webapp.matching import PARTNER_STATUS, earlier_strategy_of
from webapp.queries import own_applicants_label
from webapp.reviews import canonical_call


@click.command(cls=GermanCommand)
@click.argument("call_id", metavar="AUFRUF_ID")
@click.option(
    "--project", "project", metavar="PROJEKT_ID", help="Projekt-ID der Strategie, z. B. VW-01."
)
@click.option("--short", "short", is_flag=True, help="Kurzfassung (höchstens 1.000 Zeichen).")
@click.option("--combined", is_flag=True, help="Kombinierter Text für alle passenden Projekte.")
@click.option(
    "--generated",
    is_flag=True,
    help="Den erzeugten Text ausgeben, auch wenn es eine bearbeitete Fassung gibt.",
)
@click.option(
    "--plain", is_flag=True, help="Ohne Markierungen für Überschriften (## ) und Zitate (> )."
)
@pass_app
@user_errors
def justify(
    app: AppContext,
    call_id: str,
    project: str | None,
    short: bool,
    combined: bool,
    generated: bool,
    plain: bool,
) -> None:
    """Begründungstext zu einem Aufruf ausgeben.

    AUFRUF_ID ist die Datenbank-ID oder die ID des Aufrufs in seiner Quelle (wie in der
    Importdatei). Ohne --project gilt das am besten passende Projekt. Der Text wird
    gespeichert; eine bearbeitete Fassung hat Vorrang und wird nie überschrieben.
    """
    if project and combined:
        raise CliUsageError("--project und --combined schließen sich aus.")
    with transaction(app.sessions) as session:
        call = resolve_call(session, call_id)
        entry = justification_for(
            session,
            call,
            project,
            "short" if short else "long",
            combined=combined,
        )
        text = entry.row.generated_text if generated else entry.text
        verdict = canonical_call(session, call).score
        earlier = earlier_strategy_of(verdict)
        # A project's text: its own match decides; the call's verdict may be another
        # project's (a call open via WI-04's partners says nothing about WI-02). A project
        # whose verdict differs is warned about by its notes.
        own = (
            project_eligibility(Fits(session, call), entry.project_key)
            if entry.project_key != COMBINED
            else None
        )
        if (
            own is not None
            and verdict is not None
            and verdict.eligibility in ("ineligible", PARTNER_STATUS)
            and own[0] != verdict.eligibility
        ):
            verdict = None
        if earlier is not None:
            click.echo(
                f"Hinweis: Passung und Antragsberechtigung des Aufrufs stammen noch von der "
                f"früheren Strategie „{earlier}“; `funding-matcher match` prüft sie für die "
                "aktive.",
                err=True,
            )
        elif verdict is not None and verdict.eligibility == "ineligible":
            # The text argues the topic only; an application would still be refused.
            reasons = "; ".join(verdict.eligibility_reasons) or "siehe Aufruf"
            click.echo(f"Achtung, laut Abgleich nicht antragsberechtigt: {reasons}.", err=True)
        elif verdict is not None and verdict.eligibility == PARTNER_STATUS:
            reasons = "; ".join(verdict.eligibility_reasons)
            click.echo(
                "Hinweis: laut Abgleich nur über Projektpartner antragsberechtigt, nicht "
                f"{own_applicants_label(session)} selbst: {reasons}.",
                err=True,
            )
        elif note := applicant_note(verdict):
            click.echo(f"Hinweis: {note[0]} {note[1]}", err=True)
        for line in entry.notes:
            click.echo(line, err=True)
        if entry.edited and not generated:
            click.echo(
                f"(Bearbeitete Fassung vom {entry.row.edited_at:%d.%m.%Y}; "
                "--generated zeigt den erzeugten Text.)",
                err=True,
            )
    click.echo(plain_text(text) if plain else text)
    if short:
        click.echo(f"\n({entry.length} Zeichen)", err=True)


COMMANDS = [justify]
