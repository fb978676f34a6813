"""Login, logout and the rule that every page except the login needs a login.

A login session is a row of `login_sessions` (webapp/login_sessions.py); the signed cookie
carries the user id and the session's token, and a cookie whose row is gone is refused.
"""

from __future__ import annotations

import hashlib
import hmac
import math
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import timedelta
from functools import wraps
from typing import Any, TypeVar
from urllib.parse import unquote, urlsplit

from flask import (
    Blueprint,
    Flask,
    abort,
    current_app,
    flash,
    g,
    has_request_context,
    redirect,
    render_template,
    request,
    url_for,
)
from flask.typing import ResponseReturnValue
from flask_login import LoginManager, UserMixin, current_user, login_user, logout_user
from sqlalchemy.orm import Session

from webapp.app import db_session
from webapp.db import transaction
from webapp.formatting import format_counted
from webapp.login_sessions import (
    TOUCH_INTERVAL,
    SessionLimits,
    end_session,
    find_session,
    renew_token,
    start_session,
    touch,
)
from webapp.models import User
from webapp.throttle import RESET_LIMIT_PER_ADDRESS, LoginThrottle, wait_minutes
from webapp.users import UnknownEmailLockout, authenticate

bp = Blueprint("auth", __name__)
login_manager = LoginManager()

# Endpoints reachable without a login session. The calendar feed authenticates by the
# secret token in its URL instead (calendar programs cannot log in), the page for a new
# password by the signed reset link (webapp/password_reset.py).
PUBLIC_ENDPOINTS = frozenset(
    {"auth.login", "static", "account.ical_feed", "password.forgot", "password.reset"}
)

F = TypeVar("F", bound=Callable[..., Any])
SESSION_EXPIRED = "Ihre Sitzung ist abgelaufen. Bitte melden Sie sich erneut an."
NOT_SAVED_LOGGED_OUT = (
    "Nicht gespeichert: Sie waren nicht mehr angemeldet (Sitzung abgelaufen oder in einem "
    "anderen Fenster abgemeldet). Bitte melden Sie sich an und wiederholen Sie die Eingabe."
)


@dataclass(slots=True)
class LoginUser(UserMixin):
    """The logged-in user as Flask-Login sees it: a plain copy, never a detached ORM row."""

    id: int
    email: str
    name: str
    role: str
    session_id: int = 0  # the row in login_sessions
    token: str = ""  # the session's secret; the row keeps only its SHA-256
    home_applicant: str = ""  # "Meine Kommune" as stored (webapp.home_applicant checks it)

    def get_id(self) -> str:
        """What the signed session cookie stores: the user id and the session token."""
        return f"{self.id}:{self.token}"

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"

    @property
    def display_name(self) -> str:
        return self.name or self.email

    @classmethod
    def from_row(cls, user: User, session_id: int, token: str) -> LoginUser:
        return cls(
            id=user.id,
            email=user.email,
            name=user.name,
            role=user.role,
            session_id=session_id,
            token=token,
            home_applicant=user.home_applicant or "",
        )


def password_key(user: User) -> str:
    """A keyed digest of the user's password hash, carried by a password reset link.

    A new password changes it, so a reset link works once and no longer after any later
    password change (webapp/password_reset.py). A new e-mail address changes it too: a link
    mailed to the old (perhaps wrong) address no longer works. The digest is keyed with
    SECRET_KEY so the link tells nothing about the hash itself.
    """
    secret = str(current_app.config["SECRET_KEY"]).encode()
    signed = f"{user.password_hash}\0{user.email}".encode()
    return hmac.new(secret, signed, hashlib.sha256).hexdigest()[:32]


def init_app(app: Flask) -> None:
    """Attach Flask-Login and the global login requirement to `app`."""
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = "Bitte melden Sie sich an."
    login_manager.login_message_category = "info"
    login_manager.session_protection = "basic"
    # The login limits belong to this app, not to the module: they count in the app's
    # database, which all its processes share (and two test apps on two databases do not).
    config = app.config["FM_CONFIG"]
    app.extensions["fm_login_throttle"] = LoginThrottle(
        app.extensions["fm_sessions"],
        config.login_limit_per_address,
        timedelta(minutes=config.login_limit_window_minutes),
    )
    # Requests for a reset mail: the same mechanism and window, counted apart (each sends a
    # mail, so fewer are allowed); off with the login limit (LOGIN_LIMIT_PER_ADDRESS=0).
    app.extensions["fm_reset_throttle"] = LoginThrottle(
        app.extensions["fm_sessions"],
        min(config.login_limit_per_address, RESET_LIMIT_PER_ADDRESS),
        timedelta(minutes=config.login_limit_window_minutes),
        prefix="passwort:",
    )
    app.extensions["fm_unknown_emails"] = UnknownEmailLockout()
    app.extensions["fm_session_limits"] = SessionLimits.from_config(config)
    app.register_blueprint(bp)

    @app.before_request
    def _require_login() -> ResponseReturnValue | None:
        # Deny by default: a page someone adds later is protected without remembering it.
        if request.endpoint is None or request.endpoint in PUBLIC_ENDPOINTS:
            return None
        if current_user.is_authenticated:
            return None
        expired = g.pop("fm_session_expired", False)
        if request.method == "GET":
            if expired:
                flash(SESSION_EXPIRED, "info")
            return redirect(url_for("auth.login", next=request_path()))
        # A form sent after the session ended (timeout, logout in another tab): it cannot
        # be replayed, but the officer is told so and comes back to the page it was on.
        flash(NOT_SAVED_LOGGED_OUT, "error")
        return redirect(url_for("auth.login", next=_referring_page()))


def session_limits() -> SessionLimits:
    """The idle timeout and lifetime of login sessions of the running app."""
    limits: SessionLimits = current_app.extensions["fm_session_limits"]
    return limits


@login_manager.user_loader
def _load_user(user_id: str) -> LoginUser | None:
    # Run once per request (Flask-Login keeps the answer): one query for the row, its login
    # and the database's time.
    number, _, token = user_id.partition(":")
    try:
        found = find_session(db_session(), int(number), token)
    except ValueError:
        return None
    if found is None:
        # Logged out, ended by a new password or deactivation, or of the form before 0009.
        return None
    expired = session_limits().expired(found.row, found.now)
    if not found.user.active or expired:
        _write(end_session, found.row.id)
        g.fm_session_expired = expired and found.user.active
        return None
    if found.now - found.row.last_seen_at >= TOUCH_INTERVAL:
        _write(touch, found.row.id, found.now)
    return LoginUser.from_row(found.user, found.row.id, token)


def _write(change: Callable[..., None], *args: Any) -> None:
    """Run `change(session, *args)` in a transaction of its own.

    Not in the request's session: the loader may run in the middle of a view (the first
    look at `current_user`), whose unfinished work must not be committed with it.
    """
    with transaction(current_app.extensions["fm_sessions"]) as session:
        change(session, *args)


def log_in(user: User) -> None:
    """Open a new login session for `user` in this browser (a row and the signed cookie).

    A session the browser had before (another login) ends: it is replaced, not left behind.
    """
    session = db_session()
    if current_user.is_authenticated:
        end_session(session, current_user.session_id)
    row, token = start_session(
        session,
        user.id,
        session_limits(),
        user_agent=request.user_agent.string,
        address=request.remote_addr or "",
    )
    session.commit()
    login_user(LoginUser.from_row(user, row.id, token))


def renew_session(session: Session) -> None:
    """Give this browser's session a new token and commit `session` with it.

    For the moments its owner ends the other sessions (a new password, "Alle anderen
    Sitzungen abmelden"): the row stays, but a copy of this very cookie is refused too.
    """
    token = renew_token(session, current_user.session_id)
    session.commit()
    login_user(replace(current_user._get_current_object(), token=token))


ADMIN_ONLY = (
    "Diese Seite ist der Administration vorbehalten. Fragen zu Zugängen und Einstellungen "
    "beantwortet die Administration von funding-matcher in Ihrem Haus."
)


def admin_required(view: F) -> F:
    """Allow a view only to administrators (403 for officers)."""

    @wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        if not current_user.is_authenticated or current_user.role != "admin":
            abort(403, ADMIN_ONLY)
        return view(*args, **kwargs)

    return wrapper  # type: ignore[return-value]


def request_path() -> str:
    """This request's path with its query, as the browser asked for it.

    With the script root: under a URL prefix (`/foerdermittel`, set by the WSGI server or
    a trusted proxy's X-Forwarded-Prefix) `request.full_path` lacks it, and a link or
    redirect to that would leave the app.
    """
    return request.script_root + request.full_path.removesuffix("?")


def _referring_page() -> str | None:
    """The app's own page a form was sent from (its Referer, path and query), else None."""
    referrer = urlsplit(request.referrer or "")
    if referrer.netloc and referrer.netloc != request.host:
        return None
    path = referrer.path + (f"?{referrer.query}" if referrer.query else "")
    return safe_next(path) if path else None


def safe_next(target: str | None, root: str | None = None) -> str | None:
    """`target` if it is a local path inside this app, else None (no open redirect).

    Inside means under the app's URL prefix `root` (default: the request's script root,
    "" at the top of the host), with no `.` or `..` segment that a browser would resolve
    to a path outside it.
    """
    if root is None:
        root = request.script_root if has_request_context() else ""
    if not target or not target.startswith(root + "/") or target.startswith("//"):
        return None
    if "\\" in target or any(ord(c) < 32 for c in target):
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return None
    # browsers resolve "." and ".." (also written %2e) before they follow the path
    if any(unquote(segment) in (".", "..") for segment in parts.path.split("/")):
        return None
    return target


@bp.route("/anmelden", methods=["GET", "POST"])
def login() -> ResponseReturnValue:
    """The login form; on success go to the safe `next` page or the inbox."""
    next_url = safe_next(request.values.get("next"))
    if current_user.is_authenticated and request.method == "GET":
        return redirect(next_url or url_for("calls.inbox"))
    error = ""
    email = ""
    status = 200
    if request.method == "POST":
        email = request.form.get("email", "")
        throttle: LoginThrottle = current_app.extensions["fm_login_throttle"]
        # The address of the TCP peer: the app is not configured for a reverse proxy (no
        # ProxyFix), so X-Forwarded-For is not trusted; behind a proxy all clients share one
        # address (docs/web.md).
        address = request.remote_addr
        reservation = throttle.reserve(address)
        if (wait := reservation.wait) is not None:
            # Refused before the password is looked at: no answer about the account at all.
            minutes = wait_minutes(wait)
            error = (
                "Zu viele Anmeldeversuche von dieser Adresse. "
                f"Bitte in {format_counted(minutes, 'Minute', 'Minuten')} erneut versuchen."
            )
            page = render_template("auth/login.html", error=error, email=email, next=next_url)
            return page, 429, {"Retry-After": str(math.ceil(wait))}
        session = db_session()
        try:
            result = authenticate(
                session,
                email,
                request.form.get("password", ""),
                unknown=current_app.extensions["fm_unknown_emails"],
            )
            session.commit()
        except BaseException:
            # A crash (database down) frees the slot without counting against the address.
            # The login's transaction ends first: SQLite lets one writer in at a time.
            session.rollback()
            throttle.settle(reservation, failed=False)
            raise
        throttle.settle(reservation, failed=result.user is None)
        if result.user is not None:
            log_in(result.user)
            return redirect(next_url or url_for("calls.inbox"))
        error = result.error
        status = 401
    return render_template("auth/login.html", error=error, email=email, next=next_url), status


@bp.post("/abmelden")
def logout() -> ResponseReturnValue:
    """End the session (POST with CSRF token, so no other site can log anyone out).

    The row goes: a copy of the cookie (a shared computer, a stolen cookie) is refused too.
    """
    session = db_session()
    end_session(session, current_user.session_id)
    session.commit()
    logout_user()
    flash("Sie sind abgemeldet.", "info")
    return redirect(url_for("auth.login"))
