"""An officer's edit survives a re-import with changed call text, a re-match and a reload."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.justification.conftest import DEV_CALLS
from webapp.errors import UserError
from webapp.justifications import (
    find_row,
    justification_for,
    resolve_call,
    save_edit,
    texts_for_call,
)
from webapp.models import Call, Justification, Match

EDIT = "## Meine Fassung\n\nDiese Begründung hat das Fördermittelmanagement überarbeitet."


def _top_call(session: Session) -> Call:
    match = session.scalars(select(Match).order_by(Match.score.desc())).first()
    assert match is not None
    return match.call


def test_edit_survives_reimport_with_changed_text_rematch_and_reload(
    session: Session, cli, tmp_path: Path
) -> None:
    call = _top_call(session)
    groups = texts_for_call(session, call)
    entry = groups[0].entries[0]
    assert save_edit(session, entry.row, EDIT, None)
    session.commit()
    key, variant, old_generated = entry.project_key, entry.variant, entry.row.generated_text

    # The source changes the call's title and text.
    changed = []
    for line in DEV_CALLS.read_text(encoding="utf-8").splitlines():
        record = json.loads(line)
        if record["id"] == call.external_id:
            record["title"] = f"{record['title']} – zweite Runde"
            record["text"] = (
                "Gefördert werden ausdrücklich auch gemeinsame digitale Vorhaben mehrerer "
                "Kommunen im ländlichen Raum. " + record["text"]
            )
        changed.append(json.dumps(record, ensure_ascii=False))
    new_file = tmp_path / "calls.jsonl"
    new_file.write_text("\n".join(changed) + "\n", encoding="utf-8")
    for args in (("import", str(new_file)), ("match",), ("strategy", "load")):
        result = cli(*args)
        assert result.exit_code == 0, result.output

    session.expire_all()
    row = find_row(session, call, key, variant)
    assert row is not None
    assert row.edited_text == EDIT
    assert row.generated_text == old_generated  # a page view alone does not replace it

    # Viewing the call keeps the edit; regenerating updates the generated text only.
    groups = texts_for_call(session, call)
    shown = next(e for g in groups for e in g.entries if e.row.id == row.id)
    assert shown.text == EDIT and not shown.newer_generated
    groups = texts_for_call(session, call, refresh=True)
    session.commit()
    shown = next(e for g in groups for e in g.entries if e.row.id == row.id)
    assert shown.text == EDIT
    assert shown.row.generated_text != old_generated
    assert "zweite Runde" in shown.row.generated_text
    assert shown.newer_generated  # the UI shows both and lets the officer choose
    assert session.scalar(select(Justification).where(Justification.id == row.id)) is not None


def test_unedited_texts_follow_the_call(session: Session) -> None:
    call = _top_call(session)
    entry = justification_for(session, call)
    call.text = "Gefördert werden digitale Lernorte in Bibliotheken und Volkshochschulen."
    again = justification_for(session, call, entry.project_key)
    assert again.row.id == entry.row.id
    assert "digitale Lernorte in Bibliotheken" in again.text


def test_saving_the_generated_text_unchanged_records_no_edit(session: Session) -> None:
    entry = justification_for(session, _top_call(session))
    assert not save_edit(session, entry.row, entry.row.generated_text + "\r\n", 1)
    assert entry.row.edited_text is None
    with pytest.raises(UserError):
        save_edit(session, entry.row, "   ", 1)


def test_calls_are_found_by_database_id_or_source_id(session: Session) -> None:
    call = _top_call(session)
    assert resolve_call(session, str(call.id)).id == call.id
    assert resolve_call(session, call.external_id).id == call.id
    assert resolve_call(session, f"{call.source}:{call.external_id}").id == call.id
    with pytest.raises(UserError, match="nicht gefunden"):
        resolve_call(session, "GIBT-ES-NICHT")


def test_the_project_an_officer_chose_gets_a_text_first(session: Session) -> None:
    from webapp.models import ProjectRow, Review

    call = _top_call(session)
    chosen = session.scalar(select(ProjectRow).where(ProjectRow.key == "KU-01"))
    session.add(Review(call_id=call.id, status="relevant", project_id=chosen.id))  # type: ignore[union-attr]
    session.flush()
    groups = texts_for_call(session, call)
    assert groups[0].project_key == "KU-01"
    assert justification_for(session, call).project_key == "KU-01"


def test_edit_survives_reimport_and_rematch_on_each_backend(any_config, tmp_path: Path) -> None:
    """The same guarantee on SQLite and PostgreSQL, on a small file of three demo calls."""
    from tests.conftest import CliInvoker
    from webapp.db import make_engine, make_session_factory

    wanted = {"C-D-030", "C-D-018", "C-D-068"}
    records = [
        json.loads(line)
        for line in DEV_CALLS.read_text(encoding="utf-8").splitlines()
        if json.loads(line)["id"] in wanted
    ]
    calls_file = tmp_path / "three.jsonl"

    def write(title_suffix: str) -> None:
        lines = [
            json.dumps({**r, "title": r["title"] + title_suffix}, ensure_ascii=False)
            for r in records
        ]
        calls_file.write_text("\n".join(lines) + "\n", encoding="utf-8")

    cli = CliInvoker(any_config)
    write("")
    for args in (("init",), ("import", str(calls_file)), ("match",)):
        result = cli(*args)
        assert result.exit_code == 0, result.output
    engine = make_engine(any_config.database_url)
    try:
        with make_session_factory(engine)() as session:
            call = resolve_call(session, "C-D-030")
            entry = texts_for_call(session, call)[0].entries[0]
            save_edit(session, entry.row, EDIT, None)
            session.commit()
            row_id = entry.row.id
        write(" – zweite Runde")
        for args in (("import", str(calls_file)), ("match",), ("strategy", "load")):
            result = cli(*args)
            assert result.exit_code == 0, result.output
        with make_session_factory(engine)() as session:
            call = resolve_call(session, "C-D-030")
            groups = texts_for_call(session, call, refresh=True)
            session.commit()
            entry = next(e for g in groups for e in g.entries if e.row.id == row_id)
            assert entry.text == EDIT
            assert "zweite Runde" in entry.row.generated_text
            assert entry.newer_generated
    finally:
        engine.dispose()


def test_a_page_view_regenerates_only_after_a_change(session: Session, tmp_path: Path) -> None:
    import os
    import shutil
    import time

    from matcher.justification import TEMPLATE_DIR

    templates = tmp_path / "templates"
    shutil.copytree(TEMPLATE_DIR, templates)
    call = _top_call(session)
    first = texts_for_call(session, call, template_dir=templates)[0].entries[0]
    stamp, text = first.row.generated_at, first.row.generated_text
    again = texts_for_call(session, call, template_dir=templates)[0].entries[0]
    assert again.row.generated_at == stamp and again.row.generated_text == text

    # A county edits its template: the next view shows the new wording.
    long_template = templates / "justification_long.de.j2"
    long_template.write_text(
        long_template.read_text(encoding="utf-8") + "\nMit freundlicher Unterstützung.\n",
        encoding="utf-8",
    )
    later = time.time() + 5  # clearly after the text was generated
    os.utime(long_template, (later, later))
    changed = texts_for_call(session, call, template_dir=templates)[0].entries[0]
    assert changed.row.generated_text.endswith("Mit freundlicher Unterstützung.")
