"""Konto: digest opt-in, "Meine Kommune", the personal calendar URL and its token, the password, the open
login sessions; the calendar feed itself."""

from __future__ import annotations

from datetime import timedelta

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user
from werkzeug.security import check_password_hash

from webapp.app import app_config, db_session, public_url
from webapp.auth import renew_session, session_limits
from webapp.errors import UserError
from webapp.exports import calendar_uid_domain
from webapp.exports import ical_feed as build_ical
from webapp.formatting import local_today
from webapp.login_sessions import end_sessions, open_sessions
from webapp.models import User
from webapp.queries import (
    active_strategy,
    calendar_revisions,
    deadline_entries,
    home_applicant,
    strategy_applicants,
)
from webapp.users import regenerate_ical_token, set_password, user_by_ical_token
from webapp.views.notices import notify

bp = Blueprint("account", __name__)
# Where the settings page prints the answers of the password and calendar forms.
PASSWORD_PLACE = "passwort"
CALENDAR_PLACE = "kalender"
SESSIONS_PLACE = "sitzungen"
HOME_PLACE = "kommune"

# The feed shows deadlines from a month back (just missed) to two years ahead.
FEED_PAST_DAYS = 30
FEED_FUTURE_DAYS = 730


def _me() -> User:
    user = db_session().get(User, current_user.id)
    if user is None:  # deleted while logged in
        abort(403)
    return user


def feed_url(user: User) -> str:
    """The absolute calendar URL of `user`, for subscribing from a calendar program."""
    return public_url("account.ical_feed", token=user.ical_token)


@bp.route("/konto", methods=["GET", "POST"])
def settings() -> ResponseReturnValue:
    """The user's own settings; nobody can see or change another user's."""
    user = _me()
    if request.method == "POST":
        user.digest_opt_in = request.form.get("digest_opt_in") in ("1", "on", "true")
        db_session().commit()
        flash(
            "Die wöchentliche Übersicht kommt per E-Mail."
            if user.digest_opt_in
            else "Die wöchentliche Übersicht ist abbestellt.",
            "success",
        )
        return redirect(url_for("account.settings"))
    applicants = strategy_applicants(db_session())
    page = render_template(
        "account/settings.html",
        user=user,
        applicants=applicants,
        home=home_applicant(user.home_applicant, applicants),
        strategy=active_strategy(db_session()),
        feed_url=feed_url(user),
        sessions=open_sessions(db_session(), user.id, session_limits()),
        this_session=current_user.session_id,
        idle_hours=app_config().session_idle_hours,
        max_days=app_config().session_max_days,
    )
    response = Response(page)
    # the page shows the secret calendar address: Back after logging out on a shared PC
    # must not bring it from the browser's cache
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.post("/konto/kommune")
def set_home_applicant() -> ResponseReturnValue:
    """Choose "Meine Kommune": the applicant the lists open with and the digest is about.

    Only an applicant of the active strategy can be chosen ("" = none, everything); the
    choice is kept when a later strategy drops it, and then not applied (see the page).
    """
    user = _me()
    back = url_for("account.settings") + "#kommune"
    chosen = (request.form.get("kommune") or "").strip()
    applicants = strategy_applicants(db_session())
    if chosen and chosen not in applicants:
        notify(
            HOME_PLACE,
            f"„{chosen[:200]}“ ist kein Antragsteller der aktiven Strategie; bitte einen der "
            "angebotenen wählen. Die Einstellung ist unverändert.",
            "error",
        )
        return redirect(back)
    user.home_applicant = chosen or None
    db_session().commit()
    notify(
        HOME_PLACE,
        f"Meine Kommune: {chosen}. Eingang und „Alle Aufrufe“ zeigen zuerst die Aufrufe, für "
        f"die {chosen} antragsberechtigt ist; die Wochenübersicht nennt nur diese."
        if chosen
        else "Keine Kommune gewählt: Eingang, „Alle Aufrufe“ und die Wochenübersicht zeigen "
        "die Aufrufe aller Antragsteller.",
        "success",
    )
    return redirect(back)


@bp.post("/konto/kalender-token")
def regenerate_token() -> ResponseReturnValue:
    """A new calendar secret: the old URL stops working (e.g. after it was shared).

    Every subscription of the old URL breaks, so the form's checkbox must be ticked (a
    plain form field: the confirmation works without JavaScript).
    """
    user = _me()
    back = url_for("account.settings") + "#kalender"
    if request.form.get("bestaetigen") not in ("1", "on"):
        notify(
            CALENDAR_PLACE,
            "Die Kalender-Adresse ist unverändert. Um eine neue zu erzeugen, bitte „Ja, die "
            "bisherige Adresse ungültig machen“ ankreuzen: alle Kalender, die die bisherige "
            "Adresse abonniert haben, erhalten danach keine Fristen mehr.",
            "error",
        )
        return redirect(back)
    regenerate_ical_token(user)
    db_session().commit()
    notify(
        CALENDAR_PLACE,
        "Neue Kalender-Adresse erzeugt. Die alte Adresse funktioniert nicht mehr: bitte die "
        "neue in Ihren Kalendern abonnieren.",
        "success",
    )
    return redirect(back)


@bp.post("/konto/passwort")
def change_password() -> ResponseReturnValue:
    """Change the own password; the current one must be given.

    The answer is shown in the password panel (a notice), where the page opens after the
    redirect to #passwort; a flash message would stand above the page, out of view.
    """
    user = _me()
    form = request.form
    if not check_password_hash(user.password_hash, form.get("current", "")):
        notify(PASSWORD_PLACE, "Das bisherige Passwort stimmt nicht.", "error")
    elif form.get("new", "") != form.get("repeat", ""):
        notify(PASSWORD_PLACE, "Die beiden neuen Passwörter stimmen nicht überein.", "error")
    elif form.get("new", "") == form.get("current", ""):
        # Nothing would change, yet the other sessions would end: refused as a mistake.
        notify(
            PASSWORD_PLACE,
            "Das neue Passwort ist das bisherige: bitte ein anderes wählen.",
            "error",
            field="new",
        )
    else:
        try:
            set_password(user, form.get("new", ""))
        except UserError as exc:
            notify(PASSWORD_PLACE, str(exc), "error")
        else:
            # Whoever else is logged in with the old password (another computer, a copied
            # cookie) is out; this session goes on.
            ended = end_sessions(db_session(), user.id, keep=current_user.session_id)
            renew_session(db_session())
            text = "Das Passwort ist geändert."
            if ended:
                text += f" {_sessions_ended(ended)}"
            notify(PASSWORD_PLACE, text, "success")
    return redirect(url_for("account.settings") + "#passwort")


@bp.post("/konto/sitzungen-abmelden")
def end_other_sessions() -> ResponseReturnValue:
    """Log out every other session of the own login (another computer, a copied cookie)."""
    ended = end_sessions(db_session(), current_user.id, keep=current_user.session_id)
    renew_session(db_session())
    notify(
        SESSIONS_PLACE,
        _sessions_ended(ended) if ended else "Es gab keine anderen Sitzungen.",
        "success",
    )
    return redirect(url_for("account.settings") + "#sitzungen")


def _sessions_ended(count: int) -> str:
    if count == 1:
        return "Eine andere Sitzung wurde abgemeldet."
    return f"{count} andere Sitzungen wurden abgemeldet."


@bp.get("/kalender/<token>.ics")
def ical_feed(token: str) -> Response:
    """Deadlines of calls marked relevant or in preparation; authenticated by the token."""
    session = db_session()
    user = user_by_ical_token(session, token)
    if user is None:
        abort(404)
    today = local_today()
    # A town's officer subscribes to its own deadlines, as its digest and reminders are
    # (a "Meine Kommune" the strategy no longer names counts as none, as in the lists).
    home = home_applicant(user.home_applicant, strategy_applicants(session))
    entries = deadline_entries(
        session,
        today - timedelta(days=FEED_PAST_DAYS),
        today + timedelta(days=FEED_FUTURE_DAYS),
        today=today,
        candidates=0,
        own_work_of=(home, user.id),
    )
    body = build_ical(
        entries,
        call_url=lambda call: public_url("calls.detail", call_id=call.id),
        uid_domain=calendar_uid_domain(app_config()),
        name="Förderfristen (funding-matcher)",
        revisions=calendar_revisions(session, (entry.call for entry in entries)),
    )
    response = Response(body, mimetype="text/calendar")
    response.headers["Content-Type"] = "text/calendar; charset=utf-8"
    response.headers["Content-Disposition"] = 'inline; filename="foerderfristen.ics"'
    # The URL is the secret: keep it out of shared caches and referrers.
    response.headers["Cache-Control"] = "private, no-store"
    return response
