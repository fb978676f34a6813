"""Call pages: the inbox, all calls, the call detail with its review, manual entry, CSV."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from urllib.parse import parse_qsl, urlencode, urlsplit

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    stream_with_context,
    url_for,
)
from flask.typing import ResponseReturnValue
from flask_login import current_user
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from matcher.states import state_name
from scrapers.normalise import normalise_region
from webapp.app import app_config, db_session
from webapp.auth import request_path
from webapp.errors import UserError
from webapp.exports import csv_filename, stream_csv
from webapp.formatting import (
    call_field_label,
    format_call_value,
    local_today,
    shorten,
)
from webapp.ingest import MANUAL_ORIGIN, ingest_records
from webapp.manual_entry import (
    MANUAL_FIELDS,
    ROLLING_FIELD,
    FieldError,
    apply_edit,
    call_with_url,
    existing_message,
    form_values,
    is_editable,
    new_record_id,
    not_editable_reason,
    outcome_message,
    returned_note,
    submitted_values,
    validated_record,
)
from webapp.matching import EntryOutcome, match_entered_calls, replaced_strategy_in_matches
from webapp.models import Call, CallChange, Review, StrategyRow
from webapp.queries import (
    ALL_APPLICANTS,
    COUNT_LIMIT,
    DEADLINE_WINDOWS,
    ELIGIBILITY_FILTERS,
    MAX_FILTER_INT,
    NEW_DAYS,
    SORTS,
    CallFilters,
    active_strategy,
    assignable_users,
    call_detail,
    canonical_id_of,
    count_calls,
    export_rows,
    filter_options,
    home_applicant,
    list_calls,
    min_score_error,
    page_call_ids,
    strategy_applicants,
)
from webapp.reviews import (
    ReviewError,
    ReviewInput,
    StaleReview,
    changed_by,
    current_review,
    review_version,
    set_review,
)
from webapp.saved_model import app_model_cache, model_file
from webapp.stale import STALE_FIELD, stale_message
from webapp.views.call_list import list_view
from webapp.views.components import found_mark
from webapp.views.context import way_back
from webapp.views.notices import Notice, notify, take_notice

bp = Blueprint("calls", __name__)
# Panels of every page print their own messages (see webapp.views.notices); the calls
# blueprint is always registered, so the template function is there for all pages.
bp.add_app_template_global(take_notice, "notice_for")


@dataclass(slots=True)
class ElsewhereCount:
    """What an empty Eingang's filters find in Alle Aufrufe."""

    filters: CallFilters  # the same search and filters there
    total: int
    more: bool  # counting stopped at `total`: "über 1.000"


def list_filters(
    session: Session, args: Mapping[str, str], scope: str
) -> tuple[CallFilters, list[str]]:
    """The filters of a list URL for the logged-in user, and the strategy's applicants.

    A URL without `antragsteller` opens with the login's "Meine Kommune" (while the strategy
    still names it); one that names an applicant, or `alle`, keeps it. `zustaendig=mir` is
    the logged-in login.
    """
    applicants = strategy_applicants(session)
    home = home_applicant(current_user.home_applicant, applicants)
    filters = CallFilters.from_args(args, scope=scope, home=home, me=current_user.id)
    return filters, applicants


def clean_query_url() -> str | None:
    """The request's URL without its empty arguments, or None when it has none.

    A GET form sends every field, so "Filtern" gave `?q=&theme=&priority=…`. An empty
    `antragsteller` meant "alle" before the logins had their own applicant: for a login
    with one it stays that (a bookmark wins over the default).
    """
    args = list(request.args.items(multi=True))
    if all(v for _k, v in args):
        return None
    everyone = ALL_APPLICANTS if current_user.home_applicant else ""
    pairs = [(k, v or (everyone if k == "antragsteller" else "")) for k, v in args]
    kept = [(k, v) for k, v in pairs if v]
    return request.script_root + request.path + (f"?{urlencode(kept)}" if kept else "")


def _list_page(scope: str) -> ResponseReturnValue:
    if cleaned := clean_query_url():
        return redirect(cleaned)
    session = db_session()
    filters, applicants = list_filters(session, request.args, scope)
    today = local_today()
    page = list_calls(session, filters, today=today)
    elsewhere = None
    if scope == "inbox" and not page.rows and filters.active_count:
        # Nothing in the Eingang: would Alle Aufrufe (decided, closed, ineligible calls
        # too) find something? Counted only here, and no further than the lists count.
        wider = filters.in_all_calls()
        found = count_calls(session, wider, today, limit=COUNT_LIMIT + 1)
        elsewhere = ElsewhereCount(wider, min(found, COUNT_LIMIT), found > COUNT_LIMIT)
    return render_template(
        "calls/list.html",
        filters=filters,
        page=page,
        view=list_view(page, inbox=scope == "inbox", today=today, back=_list_back()),
        options=filter_options(
            session, filters, today, current_app.extensions["fm_filter_values"], applicants
        ),
        sorts=SORTS,
        windows=DEADLINE_WINDOWS,
        eligibility_filters=ELIGIBILITY_FILTERS,
        today=today,
        endpoint="calls.inbox" if scope == "inbox" else "calls.all_calls",
        elsewhere=elsewhere,
        stale_strategy=replaced_strategy_in_matches(session, today),
        # a Mindestpassung that cannot be used stays in its field, with the reason
        min_score_typed=(request.args.get("min_score") or "").strip()[:40],
        min_score_error=min_score_error(request.args.get("min_score")),
    )


def _list_back() -> str:
    """The list's own URL as the way back of its rows (a stray `zurueck` cut to its origin)."""
    return way_back(request_path()) or url_for("calls.inbox")


@bp.get("/")
def inbox() -> ResponseReturnValue:
    """Eingang: open, possibly eligible candidates awaiting a decision, best first."""
    return _list_page("inbox")


@bp.get("/aufrufe")
def all_calls() -> ResponseReturnValue:
    """Alle Aufrufe: the same list over every call, any status."""
    return _list_page("all")


@bp.get("/export.csv")
def export_csv() -> Response:
    """The current filtered list (inbox or all) as CSV for Excel."""
    scope = "all" if request.args.get("scope") == "all" else "inbox"
    session = db_session()
    filters, _applicants = list_filters(session, request.args, scope)
    today = local_today()
    body = stream_with_context(stream_csv(export_rows(session, filters, today=today), today))
    # ASCII only (csv_filename): the plain filename= parameter is enough (RFC 6266)
    name = csv_filename(session, filters, today)
    return Response(
        body,
        mimetype="text/csv",
        headers={
            "Content-Disposition": f'attachment; filename="{name}"',
            "Content-Type": "text/csv; charset=utf-8",
        },
    )


@bp.get("/aufrufe/<int:call_id>")
def detail(call_id: int) -> ResponseReturnValue:
    """A call with all fields, sources, history, matches and the review panel."""
    session = db_session()
    canonical = canonical_id_of(session, call_id)
    if canonical is None:
        abort(404)
    if canonical != call_id:
        # Duplicates are shown as their canonical call, where reviews and texts live.
        return redirect(url_for("calls.detail", call_id=canonical))
    notice = take_notice(_review_place(call_id))
    if notice is not None and notice.category == "error" and "form" in notice.data:
        # A quick decision from a list was refused: its choice and the message stand in
        # the panel, where the missing reason can be given (the list has no room for it).
        call = session.get(Call, call_id)
        review = current_review(session, call) if call is not None else None
        return _render_detail(call_id, form=ReviewForm.from_notice(notice, review))
    return _render_detail(call_id, notice=notice)


@dataclass(slots=True)
class ReviewForm:
    """What the Bewertung panel's fields show: the stored review, or what the user sent."""

    status: str = "neu"
    reason: str = ""
    note: str = ""
    assignee_id: int | None = None
    project_id: int | None = None
    error: str = ""
    error_field: str = ""  # the field the error is shown at; "" for the form as a whole

    @classmethod
    def of(cls, review: Review | None) -> ReviewForm:
        if review is None:
            return cls()
        return cls(review.status, review.reason, review.note, review.assignee_id, review.project_id)

    @classmethod
    def refused(cls, data: ReviewInput, exc: UserError) -> ReviewForm:
        """The user's input with the reason it was not saved."""
        return cls(
            data.status,
            data.reason,
            data.note,
            data.assignee_id,
            data.project_id,
            error=str(exc),
            error_field=exc.field if isinstance(exc, ReviewError) else "",
        )

    def opened(self) -> str:
        """The values the form is opened with, for its hidden field `vorher`: a save refused
        because a colleague changed the review keeps only what the user changed (`merged`).
        The note goes as a digest: the field need not repeat a long note."""
        return json.dumps(
            {
                "status": self.status,
                "reason": self.reason,
                "note": _note_digest(self.note),
                "assignee_id": self.assignee_id,
                "project_id": self.project_id,
            },
            separators=(",", ":"),
        )

    @classmethod
    def merged(
        cls, data: ReviewInput, opened: str | None, review: Review | None
    ) -> ReviewForm | None:
        """After a colleague's change: the fields the user changed show the user's values, the
        others the stored ones, so that saving again keeps what the user did not touch (a
        form opened as "– niemand –" must not take away the colleague's assignment). None
        when the form did not say what it was opened with (a script, an older page)."""
        try:
            before = json.loads(opened) if opened else None
        except ValueError:
            before = None
        if not isinstance(before, dict):
            return None
        stored = cls.of(review)
        mine = cls(data.status, data.reason, data.note, data.assignee_id, data.project_id)
        for name in ("status", "reason", "assignee_id", "project_id"):
            if getattr(mine, name) == before.get(name):
                setattr(mine, name, getattr(stored, name))
        if _note_digest(mine.note) == before.get("note"):
            mine.note = stored.note
        return mine

    @classmethod
    def from_notice(cls, notice: Notice, review: Review | None) -> ReviewForm:
        """A refused quick decision: its status and reason over the stored review.

        Only those two travel in the session (a cookie of at most 4 kB); note, assignee and
        project are the stored ones, which a quick decision keeps anyway.
        """
        form = cls.of(review)
        chosen = notice.data.get("form") or {}
        for name in QUICK_FIELDS:
            if isinstance(chosen.get(name), str):
                setattr(form, name, chosen[name])
        form.error = notice.text
        form.error_field = str(notice.data.get("field", ""))
        return form


def _note_digest(note: str) -> str:
    """A note's fingerprint, the same however the browser sent its line breaks."""
    text = "\n".join(note.strip().splitlines())
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def _review_place(call_id: int) -> str:
    return f"bewertung-{call_id}"


def _render_detail(
    call_id: int,
    *,
    form: ReviewForm | None = None,
    notice: Notice | None = None,
    status: int = 200,
) -> ResponseReturnValue:
    """The call page; `form` replaces the stored review in the Bewertung panel's fields."""
    session = db_session()
    data = call_detail(session, call_id)
    if data is None:
        abort(404)
    back = _safe_back(request.values.get("zurueck"))
    return render_template(
        "calls/detail.html",
        d=data,
        call=data.call,
        found=found_mark(data.call.first_seen, NEW_DAYS) if data.is_new else "",
        changes=change_rows(data.changes),
        editable=is_editable(data.call),
        show_summary=not summary_in_text(data.call.summary, data.call.text),
        review_form=form or ReviewForm.of(data.review),
        review_version=review_version(data.review),
        review_opened=ReviewForm.of(data.review).opened(),
        review_notice=notice,
        users=assignable_users(session, data.review.assignee_id if data.review else None),
        today=local_today(),
        back=back,
        back_label=back_label(back),
        stale_strategy=replaced_strategy_in_matches(session),
    ), status


def back_label(back: str | None) -> str:
    """The call page's back link, named after the page it leads to.

    A call is opened from the lists, the Fristen and a project of the Strategie page; the
    link and "Speichern & zurück" return there (`zurueck`), without it to the Eingang.
    """
    if back is None:
        return "Zum Eingang"
    path = urlsplit(back).path
    if path in (url_for("calls.inbox"), url_for("calls.all_calls")):
        return "Zurück zur Liste"
    if path == url_for("deadlines.index"):
        return "Zurück zu den Fristen"
    if path.startswith(url_for("strategy.index") + "projekte/"):
        return "Zurück zum Projekt"
    if path.startswith(url_for("calls.all_calls") + "/"):
        # a decided call linked under "Durch Bewertungen …" of another call's Passung
        return "Zurück zum Aufruf"
    return "Zurück"


def summary_in_text(summary: str | None, text: str | None) -> bool:
    """Whether `text` begins with `summary` (spacing aside): then the text alone says it all.

    Most feeds and lists give their one paragraph as both; a summary cut off with "…" is
    the text's beginning too. Up to two heading lines before it count as the beginning
    (a Förderdatenbank text starts "Kurzzusammenfassung", "Kurztext", then the summary).
    """
    if not summary or not text:
        return False
    short = " ".join(summary.split()).removesuffix("…").removesuffix("...").rstrip()
    lines = text.strip().splitlines()
    for skipped in range(3):
        if " ".join(" ".join(lines[skipped:]).split()).startswith(short):
            return True
        if skipped >= len(lines) or not _heading_line(lines[skipped]):
            return False
    return False


def _heading_line(line: str) -> bool:
    # short and no sentence: "Kurztext", "Zusatzinfos", not "Gefördert werden Kommunen."
    line = line.strip()
    return 0 < len(line) <= 40 and not line.endswith((".", "!", "?", ":", ";", ","))


# The call page shows the latest changes only; older ones add nothing to a decision.
CHANGES_SHOWN = 50


@dataclass(slots=True)
class ChangeRow:
    """One line of the change history as shown: German label and German values."""

    at: datetime
    field: str
    old: str
    new: str
    by: str = ""  # the officer who edited a call entered by hand; "" for a source's change


def change_rows(changes: Sequence[CallChange]) -> list[ChangeRow]:
    """The stored changes (field names and JSON values) as an officer reads them."""
    return [
        ChangeRow(
            c.changed_at,
            call_field_label(c.field),
            format_call_value(c.field, c.old),
            format_call_value(c.field, c.new),
            c.user.display_name if c.user else "",
        )
        for c in changes[:CHANGES_SHOWN]
    ]


def _safe_back(value: str | None) -> str | None:
    # an old or hand-made URL may nest ways back deeply: one level inside is kept
    return way_back(value)


def _optional_int(value: str | None) -> int | None:
    """A chosen id, or None for nothing, garbage or a number no id can have."""
    try:
        number = int(value) if value else None
    except ValueError:
        return None
    return number if number is not None and abs(number) <= MAX_FILTER_INT else None


@bp.post("/aufrufe/<int:call_id>/bewertung")
def review(call_id: int) -> ResponseReturnValue:
    """Save status, reason, note, assignee and project of a call's review.

    The quick form of a list row (`quick=1`) sends only status and reason: note, assignee
    and project keep their values, and the answer goes back to the list. A refused review
    of the call page is answered with the page itself (HTTP 400): the message stands in the
    Bewertung panel next to the field and every field keeps what the user chose.
    """
    session = db_session()
    call = session.get(Call, call_id)
    if call is None:
        abort(404)
    form = request.form
    quick = form.get("quick") == "1"
    back = _safe_back(form.get("zurueck"))
    undo: dict[str, str] | None = None
    undoing = quick and form.get("rueckgaengig") == "1"
    # The version of the review the form was opened at (an undo: the decision it takes
    # back); a form without one is not checked (see webapp.stale).
    version = form.get(STALE_FIELD)
    if quick:
        current = current_review(session, call)
        # What the decision replaces, for the confirmation's "Rückgängig" (an undo of an
        # undo offers none: the officer is back where they were). The content hash goes
        # with it: a call that was back ("wieder da") is back again after the undo.
        if not undoing:
            undo = {
                "status": current.status if current else "neu",
                "reason": current.reason if current else "",
                "call_hash": current.call_hash if current else "",
            }
        data = ReviewInput(
            status=form.get("status", ""),
            reason=form.get("reason", ""),
            note=current.note if current else "",
            assignee_id=current.assignee_id if current else None,
            project_id=current.project_id if current else None,
            call_hash=form["call_hash"][:64] if undoing and "call_hash" in form else None,
        )
    else:
        data = ReviewInput(
            status=form.get("status", ""),
            reason=form.get("reason", ""),
            note=form.get("note", "")[:10_000],
            assignee_id=_optional_int(form.get("assignee_id")),
            project_id=_optional_int(form.get("project_id")),
        )
    to_list = quick or (back is not None and form.get("action") == "save_back")
    if quick and back is None:
        back = url_for("calls.inbox")
    detail_url = url_for("calls.detail", call_id=call_id, zurueck=back) + "#bewertung"
    # The list's rows before the decision: afterwards the call may have left the list, and
    # the user goes back to the row that took its place.
    rows_before = _list_row_ids(session, back) if to_list and back else None
    try:
        events = set_review(
            session,
            call,
            data,
            current_user.id,
            version=version if undoing or not quick else None,
            # A list row's decision replaces the status the row showed: a colleague's
            # decision made while the list was open is not overwritten unseen.
            expected_status=form.get("erwartet") if quick else None,
        )
    except StaleReview as exc:
        session.rollback()
        if quick and back is not None:
            # The colleague's decision stands; the list says why nothing was changed.
            flash(stale_quick_message(exc.review, undoing=undoing), "error")
            return redirect(back.split("#", 1)[0] + "#inhalt")
        merged = ReviewForm.merged(data, form.get("vorher"), exc.review)
        if merged is None:
            return _render_detail(call_id, form=ReviewForm.refused(data, exc), status=409)
        merged.error = stale_message(
            "Die Bewertung",
            changed_by(exc.review),
            exc.review.updated_at,
            rest=(
                "Es wurde nichts gespeichert. Die Felder, die Sie geändert haben, zeigen Ihre "
                "Eingaben, die übrigen die aktuelle Fassung: bitte prüfen und erneut speichern, "
                "wenn Ihre Änderungen gelten sollen."
            ),
        )
        merged.error_field = exc.field
        return _render_detail(call_id, form=merged, status=409)
    except UserError as exc:
        session.rollback()
        refused = ReviewForm.refused(data, exc)
        if quick:
            notify(
                _review_place(call_id),
                refused.error,
                "error",
                form={f: getattr(refused, f)[:200] for f in QUICK_FIELDS},
                field=refused.error_field,
            )
            return redirect(detail_url)
        return _render_detail(call_id, form=refused, status=400)
    session.commit()
    title = shorten(call.title, 80)
    if events and quick and undo is None:
        message, category = f"Zurückgenommen: wieder {data.status}. („{title}“)", "success"
    elif events:
        message, category = f"Bewertung gespeichert: {data.status}. („{title}“)", "success"
    else:
        message, category = "Keine Änderung.", "info"
    if to_list and back:
        if events and undo is not None:
            # What the undo expects to replace: this decision, unless someone changes it.
            undo["erwartet"] = data.status
            undo[STALE_FIELD] = review_version(current_review(session, call))
            # Flask keeps any JSON value in the session; base.html renders this dict's form.
            flash(undo_message(message, call_id, undo, back), category)  # type: ignore[arg-type]
        else:
            flash(message, category)
        if "#" in back:
            # The page that linked the call chose where to come back to (the Fristen's
            # month or day, the Passung of the call this one was linked from).
            return redirect(back)
        rows_after = _list_row_ids(session, back, clamp=True)
        return redirect(back + _row_anchor(call.id, rows_before, rows_after))
    notify(_review_place(call_id), message, category)
    return redirect(detail_url)


def undo_message(text: str, call_id: int, previous: dict[str, str], back: str) -> dict[str, object]:
    """A confirmation with the form that restores the status and reason it replaced.

    base.html shows a message of this shape with a "Rückgängig" button: a decision made
    in the list by mistake is taken back without looking for the call that left the list.
    """
    return {
        "text": text,
        "undo": {
            "action": url_for("calls.review", call_id=call_id),
            **previous,  # status, reason, call_hash; erwartet and version (what it replaces)
            "back": back,
        },
    }


def stale_quick_message(review: Review, *, undoing: bool) -> str:
    """Why a list row's decision or its "Rückgängig" changed nothing: someone decided
    otherwise after the list was opened (or after the decision)."""
    text = stale_message(
        "Die Bewertung",
        changed_by(review),
        review.updated_at,
        since="" if undoing else "seit die Liste geöffnet wurde",
        rest=f"Es wurde nichts geändert; der Status ist jetzt „{review.status}“.",
    )
    return f"{'Nicht zurückgenommen' if undoing else 'Nicht gespeichert'}: {text}"


# What a list row's quick form sends (everything else of the review stays as it is).
QUICK_FIELDS = ("status", "reason")


def _list_row_ids(session: Session, back: str, *, clamp: bool = False) -> list[int] | None:
    """The call ids on the list page at `back`, in order; None when `back` is no call list.

    With `clamp`, a page beyond the list's end gives the ids of its last page, the page the
    list shows for it (`list_calls`): a decision on the only row of the last page.
    """
    parts = urlsplit(back)
    scope = {url_for("calls.inbox"): "inbox", url_for("calls.all_calls"): "all"}.get(parts.path)
    if scope is None:
        return None
    args = dict(parse_qsl(parts.query, keep_blank_values=True))
    filters, _applicants = list_filters(session, args, scope)
    ids = page_call_ids(session, filters)
    if clamp and not ids and filters.page > 1:
        ids = page_call_ids(session, replace(filters, page=filters.page - 1))
    return ids


def _row_anchor(call_id: int, before: list[int] | None, after: list[int] | None) -> str:
    """The fragment that opens the list where the user decided.

    The call's own row while it is still listed; when the decision took it off the list,
    the row that followed it (or, at the end, the one before). "#inhalt" (the page's
    content) when there is no row to go to, so that the browser does not carry the form's
    #bewertung over to the list.
    """
    if after is None:
        return "#inhalt"
    if call_id in after:
        return f"#call-{call_id}"
    if before and call_id in before:
        at = before.index(call_id)
        for other in [*before[at + 1 :], *reversed(before[:at])]:
            if other in after:
                return f"#call-{other}"
        if before == [call_id] and after:
            # It was the only row of the last page, which is gone: the list shows the
            # page before, whose last row preceded it.
            return f"#call-{after[-1]}"
    return "#inhalt"


@bp.route("/aufrufe/neu", methods=["GET", "POST"])
def new_call() -> ResponseReturnValue:
    """Add a call by hand (e.g. one that arrived by mail); stored with origin "manual".

    A link that an existing call already has is refused: the manual call's id is its link,
    so storing it would overwrite that call with the (often sparser) form. When that call
    was entered by hand too, the refusal links its edit form.
    """
    values: dict[str, str] = {f: "" for f in (*MANUAL_FIELDS, ROLLING_FIELD)}
    errors: list[FieldError] = []
    existing: Call | None = None
    if request.method == "POST":
        values = submitted_values(request.form)
        session = db_session()
        record, errors = validated_record(values)
        if record is not None:
            existing = call_with_url(session, record.url)
            if existing is None:
                new_record_id(session, record)  # so ingest inserts: one new call
                try:
                    stats = ingest_records(session, [record], origin=MANUAL_ORIGIN)
                    session.commit()
                except IntegrityError:
                    # Entered twice at once: the other request stored the call first.
                    session.rollback()
                    existing = call_with_url(session, record.url)
                    if existing is None:
                        raise
                else:
                    call_id = stats.new_ids[0]
                    flash(outcome_message(_score_entered(session, call_id)), "success")
                    return redirect(url_for("calls.detail", call_id=call_id))
            assert existing is not None  # found before, or stored meanwhile by the other request
            errors = [FieldError("url", existing_message(existing))]
    return _manual_form(values, errors, existing)


@bp.route("/aufrufe/<int:call_id>/bearbeiten", methods=["GET", "POST"])
def edit_call(call_id: int) -> ResponseReturnValue:
    """Correct a call entered by hand in the entry form, prefilled with its values.

    The edit is kept in the call's change history and the call is scored again. Scraped and
    imported calls belong to their source (HTTP 403). The form carries the content hash it
    was opened with: a call changed meanwhile by someone else is not overwritten unseen.
    """
    session = db_session()
    # Locked until the commit (PostgreSQL): two saves of one call run one after the other.
    # (SQLite has no such lock: save_edit claims the row when it writes.)
    call = session.get(Call, call_id, with_for_update=request.method == "POST")
    if call is None:
        abort(404)
    if not is_editable(call):
        abort(403, not_editable_reason(call))
    values = form_values(call)
    errors: list[FieldError] = []
    existing: Call | None = None
    if request.method == "POST":
        values = submitted_values(request.form)
        edit = apply_edit(session, call, values, request.form.get("version", ""), current_user.id)
        if edit.result == "saved":
            session.commit()
            note = returned_note(session, call)
            outcome = _score_entered(session, call_id)
            flash(outcome_message(outcome, edited=True) + note, "success")
            return redirect(url_for("calls.detail", call_id=call_id))
        session.rollback()
        if edit.result == "unchanged":
            flash("Keine Änderung: der Aufruf war schon so gespeichert.", "info")
            return redirect(url_for("calls.detail", call_id=call_id))
        errors, existing = edit.errors, edit.existing
    return _manual_form(values, errors, existing, editing=call)


def _score_entered(session: Session, call_id: int) -> EntryOutcome:
    # Scored with the model saved by the last `match` run (no refit: fitting on this call
    # alone would skew its scores); the next run refits on all calls.
    return match_entered_calls(session, [call_id], app_model_cache(), model_file(app_config()))


def _manual_form(
    values: dict[str, str],
    errors: list[FieldError],
    existing: Call | None,
    editing: Call | None = None,
) -> ResponseReturnValue:
    """The entry form (or, with `editing`, the edit form of that call); 400 with errors."""
    return render_template(
        "calls/new.html",
        values=values,
        errors=errors,
        field_errors={e.field: e.message for e in reversed(errors) if e.field},
        existing=existing,
        existing_editable=existing is not None and is_editable(existing),
        editing=editing,
        region_example=region_example(active_strategy(db_session())),
    ), 400 if errors else 200


def region_example(strategy: StrategyRow | None) -> str:
    """The Region field's example: the own state as calls name it ("Bund, Bayern, EU …")."""
    state = str(((strategy.region_profile or {}) if strategy else {}).get("state") or "")
    own = normalise_region(state_name(state) or state) if state else ""
    return ", ".join(p for p in ("Bund", own, "EU") if p) + " …"
