"""Login, logout and the rule that every page except the login needs a login."""

from __future__ import annotations

import hashlib
import hmac
import math
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from functools import wraps
from typing import Any, TypeVar
from urllib.parse import urlsplit

from flask import (
    Blueprint,
    Flask,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask.typing import ResponseReturnValue
from flask_login import LoginManager, UserMixin, current_user, login_user, logout_user

from webapp.app import db_session
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


@dataclass(slots=True)
class LoginUser(UserMixin):
    """The logged-in user as Flask-Login sees it: a plain copy, never a detached ORM row."""

    id: int
    email: str
    name: str
    role: str
    password_key: str = ""  # `password_key(row)`: the session ends when the password changes

    def get_id(self) -> str:
        """What the login session stores: the id and the key of the current password."""
        return f"{self.id}:{self.password_key}"

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"

    @property
    def display_name(self) -> str:
        return self.name or self.email

    @classmethod
    def from_row(cls, user: User) -> LoginUser:
        return cls(
            id=user.id,
            email=user.email,
            name=user.name,
            role=user.role,
            password_key=password_key(user),
        )


def password_key(user: User) -> str:
    """A keyed digest of the user's password hash, kept in the (signed) session cookie.

    The session lives in the cookie, not on the server: without it a copied cookie (a
    shared or stolen computer) stayed logged in after the owner changed the password. The
    digest is keyed with SECRET_KEY so the cookie tells nothing about the hash itself.
    """
    secret = str(current_app.config["SECRET_KEY"]).encode()
    return hmac.new(secret, user.password_hash.encode(), hashlib.sha256).hexdigest()[:32]


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
    app.register_blueprint(bp)

    @app.before_request
    def _require_login() -> ResponseReturnValue | None:
        # Deny by default: a page someone adds later is protected without remembering it.
        if request.endpoint is None or request.endpoint in PUBLIC_ENDPOINTS:
            return None
        if current_user.is_authenticated:
            return None
        target = request.full_path if request.method == "GET" else None
        if target and target.endswith("?"):
            target = target[:-1]
        return redirect(url_for("auth.login", next=target))


@login_manager.user_loader
def _load_user(user_id: str) -> LoginUser | None:
    number, _, key = user_id.partition(":")
    try:
        row = db_session().get(User, int(number))
    except ValueError:
        return None
    if row is None or not row.active:
        # A deactivated login's sessions end here, at their next request.
        return None
    user = LoginUser.from_row(row)
    # A session from before a password change (or of the old "id" form) is over.
    return user if hmac.compare_digest(user.password_key, key) else None


def admin_required(view: F) -> F:
    """Allow a view only to administrators (403 for officers)."""

    @wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        if not current_user.is_authenticated or current_user.role != "admin":
            abort(403)
        return view(*args, **kwargs)

    return wrapper  # type: ignore[return-value]


def safe_next(target: str | None) -> str | None:
    """`target` if it is a local path on this site, else None (no open redirect)."""
    if not target or not target.startswith("/") or target.startswith("//"):
        return None
    if "\\" in target or any(ord(c) < 32 for c in target):
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
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
            unit = "Minute" if minutes == 1 else "Minuten"
            error = (
                "Zu viele Anmeldeversuche von dieser Adresse. "
                f"Bitte in {minutes} {unit} erneut versuchen."
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
            login_user(LoginUser.from_row(result.user))
            return redirect(next_url or url_for("calls.inbox"))
        error = result.error
        status = 401
    return render_template("auth/login.html", error=error, email=email, next=next_url), status


@bp.post("/abmelden")
def logout() -> ResponseReturnValue:
    """End the session (POST with CSRF token, so no other site can log anyone out)."""
    logout_user()
    flash("Sie sind abgemeldet.", "info")
    return redirect(url_for("auth.login"))
