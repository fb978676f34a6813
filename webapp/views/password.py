"""Passwort vergessen: ask for a reset link by mail, and set a new password through it.

Both pages are open without a login (auth.PUBLIC_ENDPOINTS). The request page answers the
same for every address, with or without an active login, and as fast: the mail is sent
after the response (webapp/mail/background.py), so neither the page nor its response time
tells which accounts exist; the link itself is checked in webapp/password_reset.py.
"""

from __future__ import annotations

import math

from flask import (
    Blueprint,
    Response,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask.typing import ResponseReturnValue

from webapp.app import app_config, db_session
from webapp.auth import log_in
from webapp.config import Config, plausible_email
from webapp.errors import UserError
from webapp.formatting import format_counted
from webapp.password_reset import (
    RESET_MINUTES,
    LinkProblem,
    queue_reset_mail,
    reset_by_mail_available,
    user_for_token,
)
from webapp.throttle import LoginThrottle, wait_minutes
from webapp.users import find_user, normalise_email, reset_password

bp = Blueprint("password", __name__)


@bp.route("/passwort-vergessen", methods=["GET", "POST"])
def forgot() -> ResponseReturnValue:
    """Ask for a reset link; the answer does not say whether the address has a login."""
    config = app_config()
    if not reset_by_mail_available(config):
        # Said plainly instead of pretending a mail went out that never will.
        return render_template("auth/forgot_password.html", available=False)
    email = request.form.get("email", "").strip()
    if request.method == "GET":
        return _forgot_page(email)
    if not plausible_email(normalise_email(email)):
        error = "Bitte eine vollständige E-Mail-Adresse angeben (Form name@kreis.de)."
        return _forgot_page(email, error=error), 400
    throttle: LoginThrottle = current_app.extensions["fm_reset_throttle"]
    reservation = throttle.reserve(request.remote_addr)
    if (wait := reservation.wait) is not None:
        minutes = wait_minutes(wait)
        error = (
            "Zu viele Anfragen von dieser Adresse. "
            f"Bitte in {format_counted(minutes, 'Minute', 'Minuten')} erneut versuchen."
        )
        return _forgot_page(email, error=error), 429, {"Retry-After": str(math.ceil(wait))}
    try:
        _mail_if_active(config, email)
    finally:
        # Every request counts, whatever the address: the limit must not tell accounts apart.
        throttle.settle(reservation, failed=True)
    return render_template(
        "auth/forgot_password.html", available=True, sent=True, email=email, minutes=RESET_MINUTES
    )


def _forgot_page(email: str, *, error: str = "") -> str:
    return render_template(
        "auth/forgot_password.html", available=True, sent=False, email=email, error=error
    )


def _mail_if_active(config: Config, email: str) -> None:
    """Queue the link for an active login; nothing for an unknown or deactivated address.

    Only queued: waiting here for the SMTP server would make the answer for an existing
    login measurably slower. A failure is logged by the sender, never shown: the page would
    then tell which addresses have a login.
    """
    user = find_user(db_session(), email)
    if user is None or not user.active:
        return
    queue_reset_mail(config, user)


@bp.route("/passwort-neu/<token>", methods=["GET", "POST"])
def reset(token: str) -> ResponseReturnValue:
    """Set a new password through a reset link; then the user is logged in."""
    session = db_session()
    found = user_for_token(session, token)
    if isinstance(found, LinkProblem):
        return _no_store(render_template("auth/reset_password.html", problem=found.value), 400)
    error = ""
    if request.method == "POST":
        new = request.form.get("new", "")
        if new != request.form.get("repeat", ""):
            error = "Die beiden Passwörter stimmen nicht überein."
        else:
            try:
                changed = reset_password(session, found, new)
            except UserError as exc:
                error = str(exc)
            else:
                if not changed:  # the same link used a moment ago in another tab
                    session.rollback()
                    page = render_template(
                        "auth/reset_password.html", problem=LinkProblem.USED.value
                    )
                    return _no_store(page, 400)
                session.commit()
                # Every session of the login has ended with the reset; this one begins.
                log_in(found)
                flash("Ihr neues Passwort gilt. Sie sind angemeldet.", "success")
                return redirect(url_for("calls.inbox"))
    page = render_template("auth/reset_password.html", problem="", error=error, email=found.email)
    return _no_store(page, 400 if error else 200)


def _no_store(page: str, status: int) -> Response:
    """The page under the secret link stays out of caches (a shared computer's Back)."""
    response = Response(page, status=status)
    response.headers["Cache-Control"] = "private, no-store"
    return response
