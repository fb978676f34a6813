"""Benutzer (administrators only): the logins, adding one, lifting a lockout."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue

from webapp.app import db_session
from webapp.auth import admin_required
from webapp.errors import UserError
from webapp.models import User
from webapp.users import all_users, create_user

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
            return redirect(url_for("admin.users"))
    return render_template(
        "admin/users.html", users=all_users(session), error=error, values=values
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
