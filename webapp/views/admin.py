"""Benutzer (administrators only): the logins, adding one, lifting a lockout, deactivating,
a new password (typed in, or a reset link by mail), a corrected e-mail address, a new name
or role, the mail settings with a test mail."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user
from sqlalchemy.orm import Session

from webapp.app import app_config, db_session
from webapp.auth import admin_required, renew_session
from webapp.errors import UserError
from webapp.mail.outbox import (
    clear_refusal,
    normalise_address,
    refusals_by_address,
    retry_refused,
)
from webapp.mail.testmail import send_test_mail, server_label
from webapp.models import User
from webapp.password_reset import (
    MAIL_ERRORS,
    RESET_MINUTES,
    reset_by_mail_available,
    send_reset_mail,
)
from webapp.users import (
    MAX_NAME_LENGTH,
    all_users,
    change_name_and_role,
    create_user,
    email_changed_message,
    erase_due,
    is_forgotten,
    reset_password,
    role_label,
    set_active,
)
from webapp.users import change_email as change_user_email

bp = Blueprint("admin", __name__, url_prefix="/verwaltung")


@bp.route("/benutzer", methods=["GET", "POST"])
@admin_required
def users() -> ResponseReturnValue:
    """The list of logins and a form to add one."""
    session = db_session()
    error = ""
    values = {"email": "", "name": "", "role": "officer"}
    if request.method == "POST":
        values = {k: request.form.get(k, "").strip() for k in values}
        try:
            user = create_user(
                session,
                values["email"],
                request.form.get("password", ""),
                role=values["role"] or "officer",
                name=values["name"],
            )
        except UserError as exc:
            session.rollback()
            error = str(exc)
        else:
            session.commit()
            flash(f"Anmeldung {user.email} angelegt.", "success")
            # the form's #h-new-user would carry over the redirect: the list, with the new
            # login and the message, opens at the top
            return redirect(url_for("admin.users") + "#inhalt")
    logins = all_users(session)
    refused = refusals_by_address(session)
    login_addresses = {normalise_address(u.email) for u in logins}
    team = {normalise_address(a) for a in app_config().alert_recipients}
    return render_template(
        "admin/users.html",
        users=logins,
        refusals=refused,
        # refused addresses of no login (a team address): shown apart, or nowhere in the UI
        other_refusals=[r for a, r in sorted(refused.items()) if a not in login_addresses],
        team_addresses=team,
        normalise=normalise_address,
        forgotten=is_forgotten,
        erase_after_days=app_config().user_erase_after_days,
        erase_due=erase_due,
        role_label=role_label,
        max_name_length=MAX_NAME_LENGTH,
        error=error,
        values=values,
        reset_by_mail=reset_by_mail_available(app_config()),
        mail_config=app_config(),
        mail_server=server_label(app_config()),
        digest_logins=sum(1 for u in logins if u.active and u.digest_opt_in),
    ), (400 if error else 200)


@bp.post("/benutzer/<int:user_id>/entsperren")
@admin_required
def unlock(user_id: int) -> ResponseReturnValue:
    """Lift a lockout after too many wrong passwords."""
    session = db_session()
    user = session.get(User, user_id)
    if user is None:
        abort(404)
    user.failed_logins = 0
    user.locked_until = None
    session.commit()
    flash(f"Anmeldung {user.email} entsperrt.", "success")
    return redirect(url_for("admin.users"))


@bp.post("/benutzer/<int:user_id>/passwort")
@admin_required
def set_password(user_id: int) -> ResponseReturnValue:
    """Give a login a new password (typed in by the administration) and lift a lockout."""
    session = db_session()
    user = _user(user_id)
    own = user.id == current_user.id
    # The own other sessions end; this one goes on.
    keep = current_user.session_id if own else None
    try:
        reset_password(session, user, request.form.get("password", ""), keep_session=keep)
    except UserError as exc:
        session.rollback()
        flash(f"Passwort für {user.email} unverändert: {exc}", "error")
        return redirect(url_for("admin.users"))
    if own:
        renew_session(session)
    else:
        session.commit()
    flash(
        f"Neues Passwort für {user.email} gesetzt. Eine Sperre nach Fehlversuchen ist "
        "aufgehoben, andere offene Sitzungen dieser Anmeldung sind beendet.",
        "success",
    )
    return redirect(url_for("admin.users"))


@bp.post("/benutzer/<int:user_id>/passwort-link")
@admin_required
def send_reset_link(user_id: int) -> ResponseReturnValue:
    """Mail a login the link to set a new password itself (the administration never sees it)."""
    user = _user(user_id)
    config = app_config()
    if not reset_by_mail_available(config):
        flash(
            "Das Zurücksetzen per E-Mail ist nicht eingerichtet (BASE_URL und SMTP_HOST): "
            "bitte ein neues Passwort eintragen.",
            "error",
        )
    elif not user.active:
        flash(f"{user.email} ist deaktiviert und erhält keine E-Mails.", "error")
    else:
        try:
            send_reset_mail(config, user)
        except MAIL_ERRORS as exc:
            flash(f"Die E-Mail an {user.email} ging nicht hinaus: {exc}", "error")
        else:
            flash(
                f"Link zum Festlegen eines neuen Passworts an {user.email} gesendet "
                f"(gilt {RESET_MINUTES} Minuten).",
                "success",
            )
    return redirect(url_for("admin.users"))


@bp.post("/benutzer/<int:user_id>/zustellen")
@admin_required
def retry_mail(user_id: int) -> ResponseReturnValue:
    """Let the mail runs try a login's address again that the mail server refused for good."""
    return _retry(_user(user_id).email)


@bp.post("/benutzer/zustellen")
@admin_required
def retry_address() -> ResponseReturnValue:
    """`retry_mail` for a refused address that is no login's (a team address)."""
    return _retry(request.form.get("address", ""))


def _retry(address: str) -> ResponseReturnValue:
    session = db_session()
    done = retry_refused(session, address)
    if done is not None:
        session.commit()
        flash(done, "success")
    return redirect(url_for("admin.users"))


@bp.post("/benutzer/testmail")
@admin_required
def test_mail() -> ResponseReturnValue:
    """Send a test mail to the administrator's own address and show what came of it."""
    who = current_user.display_name
    result = send_test_mail(
        app_config(),
        current_user.email,
        requested_by=f"{who} über die Seite Benutzer",
        session_scope=_committed,
    )
    flash(result.message, "success" if result.sent else "error")
    return redirect(url_for("admin.users"))


@contextmanager
def _committed() -> Iterator[Session]:
    """The request's session, committed after the test mail's bookkeeping."""
    session = db_session()
    yield session
    session.commit()


@bp.post("/benutzer/<int:user_id>/adresse")
@admin_required
def change_email(user_id: int) -> ResponseReturnValue:
    """Correct a login's e-mail address; everything tied to the login follows it."""
    session = db_session()
    user = _user(user_id)
    previous = user.email
    try:
        released = change_user_email(
            session,
            user,
            request.form.get("email", ""),
            team_addresses=app_config().alert_recipients,
        )
    except UserError as exc:
        session.rollback()
        flash(f"Adresse von {previous} unverändert: {exc}", "error")
        return redirect(url_for("admin.users"))
    session.commit()
    flash(email_changed_message(previous, user.email, released), "success")
    return redirect(url_for("admin.users"))


@bp.post("/benutzer/<int:user_id>/name-rolle")
@admin_required
def edit_user(user_id: int) -> ResponseReturnValue:
    """Give a login a new display name or role (the last active administrator keeps hers)."""
    session = db_session()
    user = _user(user_id)
    try:
        changes = change_name_and_role(
            session, user, name=request.form.get("name"), role=request.form.get("role")
        )
    except UserError as exc:
        session.rollback()
        flash(f"Name und Rolle von {user.email} unverändert: {exc}", "error")
        return redirect(url_for("admin.users"))
    session.commit()
    if not changes:
        flash(f"Name und Rolle von {user.email} unverändert.", "info")
        return redirect(url_for("admin.users"))
    flash(f"Anmeldung {user.email} geändert: {'; '.join(changes)}.", "success")
    if user.id == current_user.id and user.role != "admin":
        # The role counts from the next request: the Benutzer page would answer 403.
        flash(
            "Sie haben die Rolle Administration abgegeben: die Verwaltung ist Ihnen nicht "
            "mehr zugänglich; angemeldet bleiben Sie.",
            "info",
        )
        return redirect(url_for("calls.inbox"))
    return redirect(url_for("admin.users"))


def _user(user_id: int) -> User:
    user = db_session().get(User, user_id)
    if user is None:
        abort(404)
    return user


@bp.post("/benutzer/<int:user_id>/deaktivieren")
@admin_required
def deactivate(user_id: int) -> ResponseReturnValue:
    """Take away a login's access (an officer who left); its sessions end at once."""
    return _set_active(user_id, False)


@bp.post("/benutzer/<int:user_id>/aktivieren")
@admin_required
def activate(user_id: int) -> ResponseReturnValue:
    """Give a deactivated login its access back (with its old password)."""
    return _set_active(user_id, True)


def _set_active(user_id: int, active: bool) -> ResponseReturnValue:
    session = db_session()
    user = session.get(User, user_id)
    if user is None:
        abort(404)
    try:
        changed = set_active(session, user, active, by_id=current_user.id)
    except UserError as exc:
        session.rollback()
        flash(str(exc), "error")
        return redirect(url_for("admin.users"))
    if changed and active:
        # Given back its access, the login gets its mail again: try the address anew.
        clear_refusal(session, user.email)
    session.commit()
    if changed:
        done = "wieder aktiviert" if active else "deaktiviert"
        flash(f"Anmeldung {user.email} {done}.", "success")
    return redirect(url_for("admin.users"))
