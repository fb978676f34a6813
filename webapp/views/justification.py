"""Begründungstext in the web UI: the panel on the call page, editing, regenerating, downloads.

Views stay thin: generation and storage live in `webapp.justifications`. The panel is
included by the call detail page; it gets its data from the `justification_panel(call)`
template function, which generates missing texts on first view.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import quote, urlsplit

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask.typing import ResponseReturnValue
from sqlalchemy.exc import IntegrityError
from werkzeug.routing import BuildError

from matcher.justification import SHORT_LIMIT, blocks, plain_text
from webapp.app import db_session
from webapp.docx_export import export
from webapp.errors import UserError
from webapp.justifications import (
    COMBINED,
    Group,
    canonical_call,
    current_text,
    discard_edit,
    find_row,
    save_edit,
    texts_for_call,
)
from webapp.models import Call, Justification

bp = Blueprint("justification", __name__)

FORMATS = ("txt", "md", "docx")


@dataclass(slots=True)
class Panel:
    """What the panel template shows for one call."""

    call: Call
    groups: list[Group]
    error: str
    next_url: str
    limit: int = SHORT_LIMIT


def _current_user_id() -> int | None:
    # Flask-Login is set up by the auth module; without it (a bare test app) nobody is known.
    if not hasattr(current_app, "login_manager"):
        return None
    from flask_login import current_user

    return int(current_user.id) if current_user.is_authenticated else None


def _safe_next(target: str | None) -> str | None:
    """A local path on this site, or None (no open redirect)."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return None
    parts = urlsplit(target)
    return None if parts.scheme or parts.netloc else target


def _call_or_404(call_id: int) -> Call:
    session = db_session()
    call = session.get(Call, call_id)
    if call is None:
        abort(404)
    return canonical_call(session, call)


def panel(call: Call) -> Panel:
    """Texts for the call page; stored on first view so that edits have a row to live on."""
    session = db_session()
    next_url = _safe_next(request.full_path.rstrip("?")) or url_for(
        "justification.show", call_id=call.id
    )
    try:
        try:
            groups = texts_for_call(session, call)
            session.commit()
        except IntegrityError:
            # Two first views of the same call at once: the other request stored the rows.
            session.rollback()
            groups = texts_for_call(session, call)
            session.commit()
    except UserError as exc:
        session.rollback()
        return Panel(call, [], str(exc), next_url)
    return Panel(call, groups, "", next_url)


@bp.app_context_processor
def _panel_function() -> dict[str, object]:
    return {
        "justification_panel": panel,
        "justification_blocks": blocks,
        "justification_plain": plain_text,
    }


def _back(call: Call) -> str:
    return _safe_next(request.form.get("next")) or url_for("justification.show", call_id=call.id)


def _row_from_form(call: Call) -> Justification:
    row = find_row(
        db_session(),
        call,
        request.form.get("project", COMBINED),
        request.form.get("variant", "long"),
    )
    if row is None:
        abort(404)
    return row


@bp.get("/aufrufe/<int:call_id>/begruendung")
def show(call_id: int) -> ResponseReturnValue:
    """The texts of a call on a page of their own (the call page includes the same panel)."""
    call = _call_or_404(call_id)
    if call.id != call_id:
        return redirect(url_for("justification.show", call_id=call.id))
    try:
        back = url_for("calls.detail", call_id=call.id)
    except BuildError:  # the call page is not there (a bare app): back to the list
        back = url_for("calls.index")
    return render_template("justification/page.html", call=call, back=back)


@bp.post("/aufrufe/<int:call_id>/begruendung/speichern")
def save(call_id: int) -> ResponseReturnValue:
    """Store the officer's version of one text (who and when are recorded)."""
    call = _call_or_404(call_id)
    row = _row_from_form(call)
    session = db_session()
    try:
        changed = save_edit(session, row, request.form.get("text", ""), _current_user_id())
    except UserError as exc:
        flash(str(exc), "error")
        return redirect(_back(call))
    session.commit()
    flash(
        "Ihre Fassung ist gespeichert." if changed else "Keine Änderung am erzeugten Text.",
        "success" if changed else "info",
    )
    return redirect(_back(call))


@bp.post("/aufrufe/<int:call_id>/begruendung/neu")
def regenerate(call_id: int) -> ResponseReturnValue:
    """Generate all texts of the call again; edited versions stay and are shown next to them."""
    call = _call_or_404(call_id)
    session = db_session()
    try:
        groups = texts_for_call(session, call, refresh=True)
    except UserError as exc:
        session.rollback()
        flash(str(exc), "error")
        return redirect(_back(call))
    session.commit()
    kept = sum(1 for g in groups for e in g.entries if e.edited)
    message = "Die Begründungstexte sind neu erzeugt."
    if kept:
        message += (
            " Bearbeitete Fassungen bleiben erhalten; wo sich der erzeugte Text geändert hat, "
            "sehen Sie beide und können wählen."
        )
    flash(message, "success")
    return redirect(_back(call))


@bp.post("/aufrufe/<int:call_id>/begruendung/verwerfen")
def discard(call_id: int) -> ResponseReturnValue:
    """Drop the officer's version of one text and show the generated one again."""
    call = _call_or_404(call_id)
    row = _row_from_form(call)
    discard_edit(row)
    db_session().commit()
    flash("Die bearbeitete Fassung ist verworfen; der erzeugte Text gilt wieder.", "info")
    return redirect(_back(call))


@bp.get("/aufrufe/<int:call_id>/begruendung/download.<fmt>")
def download(call_id: int, fmt: str) -> ResponseReturnValue:
    """One text as .txt, .md or .docx (the edited version when there is one)."""
    if fmt not in FORMATS:
        abort(404)
    call = _call_or_404(call_id)
    project_key = request.args.get("project", COMBINED)
    variant = request.args.get("variant", "long")
    row = find_row(db_session(), call, project_key, variant)
    if row is None:
        abort(404)
    title = f"Begründung – {call.title}"
    file = export(current_text(row), fmt, title)
    stem = f"begruendung-{call.id}-{project_key or 'kombiniert'}-{variant}"
    return Response(
        file.body,
        mimetype=file.mimetype.split(";")[0],
        headers={
            "Content-Type": file.mimetype,
            "Content-Disposition": (
                f'attachment; filename="{stem}.{file.extension}"; '
                f"filename*=UTF-8''{quote(stem)}.{file.extension}"
            ),
        },
    )
