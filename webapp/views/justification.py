"""Begründungstext in the web UI: the panel on the call page, editing, regenerating, downloads.

Views stay thin: generation and storage live in `webapp.justifications`. The panel is
included by the call detail page; it gets its data from the `justification_panel(call)`
template function, which generates missing texts on first view.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass, field

from flask import (
    Blueprint,
    abort,
    current_app,
    g,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask.typing import ResponseReturnValue
from sqlalchemy.exc import IntegrityError
from werkzeug.routing import BuildError

from matcher.justification import SHORT_LIMIT, blocks, plain_length, plain_text
from webapp.app import db_session
from webapp.auth import request_path, safe_next
from webapp.docx_export import export
from webapp.errors import UserError
from webapp.formatting import format_count
from webapp.justifications import (
    COMBINED,
    Entry,
    Group,
    StaleText,
    applicant_note,
    current_text,
    discard_edit,
    find_row,
    project_notes,
    save_edit,
    text_version,
    texts_for_call,
)
from webapp.matching import PARTNER_STATUS, earlier_strategy_of
from webapp.models import Call, Justification
from webapp.reviews import canonical_call
from webapp.stale import STALE_FIELD
from webapp.views.notices import Notice, notify, take_notice

bp = Blueprint("justification", __name__)

FORMATS = ("txt", "md", "docx")
# The panel's anchor on the call page and on the page of its own.
PANEL_ANCHOR = "begruendung"


@dataclass(slots=True)
class Panel:
    """What the panel template shows for one call."""

    call: Call
    groups: list[Group]
    error: str
    next_url: str
    limit: int = SHORT_LIMIT
    # The answer to the last action in the panel; `notice.data["entry"]` is the anchor of
    # the text it concerns ("" for the whole panel).
    notice: Notice | None = None
    # A refused save: what the officer typed, by the anchor of its text (see `_refused`).
    typed: dict[str, str] = field(default_factory=dict)

    def edit_text(self, entry: Entry) -> str:
        """What the edit form of `entry` shows: the text in force, or what was typed."""
        return self.typed.get(entry_anchor(entry.project_key, entry.variant), entry.text)

    def edit_length(self, entry: Entry) -> int:
        """The characters the edit form's counter starts at: those of what the form shows."""
        return plain_length(self.edit_text(entry))

    @staticmethod
    def version(entry: Entry) -> str:
        """The version the edit and discard forms of `entry` carry (webapp.stale)."""
        return text_version(entry.row)

    @property
    def ineligible_reasons(self) -> list[str] | None:
        """Why the matcher found the county not eligible, or None when it may apply.

        The texts argue the topic only, so the panel says so before anyone copies them
        (the panel also stands on a page of its own, without the call's eligibility)."""
        score = self.call.score
        if score is None or score.eligibility != "ineligible" or earlier_strategy_of(score):
            # a verdict for the strategy before is no warning for this one (the page says
            # whose matches it shows until `match` runs)
            return None
        return list(score.eligibility_reasons)

    @property
    def partner_reasons(self) -> list[str] | None:
        """Who may apply when only a project's partners may (not the county), else None.

        The application is then the partners' to file: worth saying before anyone copies
        a text written for the county's strategy."""
        score = self.call.score
        if score is None or score.eligibility != PARTNER_STATUS or earlier_strategy_of(score):
            return None
        return list(score.eligibility_reasons)

    @property
    def applicant_note(self) -> tuple[str, str] | None:
        """Who may apply, when the call limits it to the towns or the matcher could not
        read it: the officer completes the applicant the texts leave out."""
        return applicant_note(self.call.score)

    @property
    def notice_entry(self) -> str:
        return str(self.notice.data.get("entry", "")) if self.notice else ""

    def holds_notice(self, group: Group) -> bool:
        """The last action concerned one of the group's texts: the group is shown open."""
        entry = self.notice_entry
        return bool(entry) and any(
            entry_anchor(e.project_key, e.variant) == entry for e in group.entries
        )


def entry_anchor(project_key: str, variant: str) -> str:
    """The id of one text in the panel, stable across regenerations (not a list index)."""
    key = re.sub(r"[^A-Za-z0-9_-]", "-", project_key) or "kombiniert"
    return f"{PANEL_ANCHOR}-{key}-{variant}"


def _notice_place(call: Call) -> str:
    return f"{PANEL_ANCHOR}-{call.id}"


def _current_user_id() -> int | None:
    # Flask-Login is set up by the auth module; without it (a bare test app) nobody is known.
    if not hasattr(current_app, "login_manager"):
        return None
    from flask_login import current_user

    return int(current_user.id) if current_user.is_authenticated else None


def _call_or_404(call_id: int) -> Call:
    session = db_session()
    call = session.get(Call, call_id)
    if call is None:
        abort(404)
    return canonical_call(session, call)


def panel(call: Call) -> Panel:
    """Texts for the call page; stored on first view so that edits have a row to live on."""
    session = db_session()
    next_url = safe_next(request_path()) or url_for("justification.show", call_id=call.id)
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
    refused: Refusal | None = g.get("justification_refused")
    if refused is not None and refused.call_id == call.id:
        return Panel(call, groups, "", refused.next_url, notice=refused.notice, typed=refused.typed)
    return Panel(call, groups, "", next_url, notice=take_notice(_notice_place(call)))


@dataclass(slots=True)
class Refusal:
    """A save or discard refused because a colleague changed the text since (HTTP 409)."""

    call_id: int
    next_url: str  # the page the form was on: where the next save goes back to
    notice: Notice
    typed: dict[str, str]


def _refused(call: Call, message: str, typed: str | None = None) -> ResponseReturnValue:
    """Answer with the texts' page itself: the message at the text, the typed text kept.

    A redirect would have to carry the typed text in the session cookie (at most 4 kB);
    the page shows the colleague's version above the form, which has its version now, so
    saving again overwrites it on purpose.
    """
    anchor = _form_anchor()
    g.justification_refused = Refusal(
        call.id,
        _back(call, anchor).split("#", 1)[0],
        Notice(message, "error", {"entry": anchor}),
        {anchor: typed} if typed is not None else {},
    )
    return render_template("justification/page.html", call=call, back=_call_page(call)), 409


def _call_page(call: Call) -> str:
    try:
        return url_for("calls.detail", call_id=call.id)
    except BuildError:  # the call page is not there (a bare app): back to the list
        return url_for("calls.index")


@bp.app_context_processor
def _panel_function() -> dict[str, object]:
    return {
        "justification_panel": panel,
        "justification_blocks": blocks,
        "justification_plain": plain_text,
        "justification_anchor": entry_anchor,
    }


def _back(call: Call, anchor: str = PANEL_ANCHOR) -> str:
    """The page the panel was on, opened at `anchor` (the panel or one of its texts)."""
    page = safe_next(request.form.get("next")) or url_for("justification.show", call_id=call.id)
    return f"{page.split('#', 1)[0]}#{anchor}"


def _answer(
    call: Call, text: str, category: str, anchor: str = PANEL_ANCHOR
) -> ResponseReturnValue:
    """Show `text` in the panel, at the text acted on, and go back there.

    A flash message would stand at the top of the page, out of view at the anchor.
    """
    entry = "" if anchor == PANEL_ANCHOR else anchor
    notify(_notice_place(call), text, category, entry=entry)
    return redirect(_back(call, anchor))


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
    return render_template("justification/page.html", call=call, back=_call_page(call))


@bp.post("/aufrufe/<int:call_id>/begruendung/speichern")
def save(call_id: int) -> ResponseReturnValue:
    """Store the officer's version of one text (who and when are recorded)."""
    call = _call_or_404(call_id)
    row = _row_from_form(call)
    anchor = _form_anchor()
    session = db_session()
    typed = request.form.get("text", "")
    try:
        changed = save_edit(
            session, row, typed, _current_user_id(), version=request.form.get(STALE_FIELD)
        )
    except StaleText as exc:
        session.rollback()
        return _refused(call, str(exc), typed)
    except UserError as exc:
        return _answer(call, str(exc), "error", anchor)
    session.commit()
    if not changed:
        return _answer(call, "Keine Änderung am erzeugten Text.", "info", anchor)
    length = plain_length(current_text(row))
    if row.variant == "short" and length > SHORT_LIMIT:
        return _answer(call, too_long_message(length), "warning", anchor)
    return _answer(call, "Ihre Fassung ist gespeichert.", "success", anchor)


def too_long_message(length: int) -> str:
    """Saved, but a short version over SHORT_LIMIT will not fit the application's field."""
    return (
        f"Ihre Fassung ist gespeichert, aber mit {format_count(length)} Zeichen "
        f"{format_count(length - SHORT_LIMIT)} Zeichen länger als die "
        f"{format_count(SHORT_LIMIT)} Zeichen der Kurzfassung. Bitte kürzen, bevor Sie sie "
        "in ein Formularfeld kopieren."
    )


def _form_anchor() -> str:
    return entry_anchor(request.form.get("project", COMBINED), request.form.get("variant", "long"))


@bp.post("/aufrufe/<int:call_id>/begruendung/neu")
def regenerate(call_id: int) -> ResponseReturnValue:
    """Generate all texts of the call again; edited versions stay and are shown next to them."""
    call = _call_or_404(call_id)
    session = db_session()
    try:
        groups = texts_for_call(session, call, refresh=True)
    except UserError as exc:
        session.rollback()
        return _answer(call, str(exc), "error")
    session.commit()
    kept = sum(1 for g in groups for e in g.entries if e.edited)
    message = "Die Begründungstexte sind neu erzeugt."
    if kept:
        message += (
            " Bearbeitete Fassungen bleiben erhalten; wo sich der erzeugte Text geändert hat, "
            "sehen Sie beide und können wählen."
        )
    return _answer(call, message, "success")


@bp.post("/aufrufe/<int:call_id>/begruendung/verwerfen")
def discard(call_id: int) -> ResponseReturnValue:
    """Drop the officer's version of one text and show the generated one again."""
    call = _call_or_404(call_id)
    row = _row_from_form(call)
    session = db_session()
    try:
        discard_edit(session, row, version=request.form.get(STALE_FIELD))
    except StaleText as exc:
        session.rollback()
        return _refused(call, str(exc))
    session.commit()
    return _answer(
        call,
        "Die bearbeitete Fassung ist verworfen; der erzeugte Text gilt wieder.",
        "info",
        _form_anchor(),
    )


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
    # the Hinweise (weak fit, funded before, not eligible) travel with the file, above the
    # text, so a colleague who gets only the file is warned too
    notes = project_notes(db_session(), call, row.project)
    file = export("\n\n".join([*notes, current_text(row)]), fmt, title)
    stem = f"begruendung-{call.id}-{project_key or 'kombiniert'}-{variant}"
    # send_file writes Content-Disposition per RFC 6266: an ASCII fallback in filename= and
    # the real name in filename*= when a project key has other characters (or quotes).
    response = send_file(
        io.BytesIO(file.body),
        mimetype=file.mimetype.split(";")[0],
        as_attachment=True,
        download_name=f"{stem}.{file.extension}",
        etag=False,
        last_modified=None,
    )
    response.headers["Content-Type"] = file.mimetype
    return response
