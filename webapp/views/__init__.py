"""Blueprints: one module per area of the UI, plus login and security for all of them."""

from __future__ import annotations

import importlib
import importlib.util
from typing import Any

from flask import Flask
from werkzeug.routing import IntegerConverter

# Blueprints that other parts of the project add (e.g. the justification panel); each is
# registered when its module exists, so the UI runs with or without them.
OPTIONAL_BLUEPRINT_MODULES = ("webapp.views.justification",)


class IdConverter(IntegerConverter):
    """`<int:…>` in a route: an id beyond the database's integers matches nothing (HTTP 404).

    Without the bound SQLite refused to compare such a number and the page failed (HTTP 500).
    """

    def __init__(self, map: Any, *args: Any, **kwargs: Any) -> None:
        from webapp.queries import MAX_FILTER_INT

        kwargs.setdefault("max", MAX_FILTER_INT)
        super().__init__(map, *args, **kwargs)


def register_blueprints(app: Flask) -> None:
    """Attach security, login and every blueprint of the UI to `app`."""
    from webapp import auth, security
    from webapp.views import (
        account,
        admin,
        calls,
        deadlines,
        help_page,
        password,
        sources,
        strategy,
    )

    app.url_map.converters["int"] = IdConverter  # before the first route is added
    security.init_app(app)
    auth.init_app(app)
    for module in (calls, strategy, deadlines, sources, account, admin, password, help_page):
        app.register_blueprint(module.bp)
    for name in OPTIONAL_BLUEPRINT_MODULES:
        if importlib.util.find_spec(name) is not None:
            module = importlib.import_module(name)
            blueprint = getattr(module, "bp", None)
            if blueprint is not None:
                app.register_blueprint(blueprint)
    from webapp.views.context import register_context

    register_context(app)
    _register_error_pages(app)


ERROR_PAGES = {
    403: ("Kein Zugriff", "Für diese Seite fehlen Ihnen die Rechte."),
    404: ("Nicht gefunden", "Diese Seite oder dieser Aufruf existiert nicht (mehr)."),
    405: ("Nicht erlaubt", "Diese Aktion ist so nicht möglich."),
    413: ("Zu groß", "Die gesendeten Daten sind zu groß (höchstens 2 MB)."),
    500: ("Interner Fehler", "Etwas ist schiefgegangen. Bitte versuchen Sie es später erneut."),
}


def _register_error_pages(app: Flask) -> None:
    """German error pages instead of Werkzeug's English defaults."""
    from flask import render_template
    from werkzeug.exceptions import HTTPException

    def handler(error: HTTPException) -> tuple[str, int]:
        code = error.code or 500
        heading, message = ERROR_PAGES.get(code, ("Fehler", error.description or ""))
        if error.description and error.description != type(error).description:
            message = error.description  # a view's own German reason, not Werkzeug's text
        return render_template("errors/error.html", heading=heading, message=message), code

    for code in ERROR_PAGES:
        app.register_error_handler(code, handler)
