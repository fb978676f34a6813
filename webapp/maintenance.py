"""The web app on a database whose schema is not the code's: "Wartung" (HTTP 503).

After an upgrade of the code without `funding-matcher init`, every page that touched a new
column failed with HTTP 500 and a traceback in the log. `serve` refuses to start then; under
another WSGI server (gunicorn & co.) the app answers every request with a short German page
and says why in the log, once.
"""

from __future__ import annotations

import logging

from flask import Flask, Response, current_app, request, url_for
from sqlalchemy import Engine
from sqlalchemy.exc import SQLAlchemyError

from webapp.migrate import schema_problem

log = logging.getLogger(__name__)

HEADING = "Wartung: Die Datenbank muss aktualisiert werden (funding-matcher init)"
# Browsers and monitors may ask again after this many seconds.
RETRY_AFTER_SECONDS = 300


class SchemaGate:
    """Whether the database's schema is the code's, asked once and then remembered.

    While it is not, each request asks again (one small query), so the site comes back
    by itself once the administrator has run `init`; once it is, no request asks anymore.
    """

    def __init__(self, engine: Engine) -> None:
        self._engine = engine
        self._fits = False
        self._logged: str | None = None

    def problem(self) -> str | None:
        """The German reason the app cannot work on the database, or None."""
        if self._fits:
            return None
        problem = schema_problem(self._engine)
        if problem is None:
            self._fits = True
            if self._logged is not None:
                log.warning("Datenbank-Schema passt wieder: Weboberfläche wieder verfügbar.")
        elif problem != self._logged:
            self._logged = problem
            log.error("Weboberfläche im Wartungsmodus (HTTP 503): %s", problem)
        return problem


def init_app(app: Flask, engine: Engine) -> None:
    """Check the schema now (so the log says it at startup) and before requests until it fits.

    Registered before every other request hook: the login check and the pages must not
    query a database they cannot read.
    """
    gate = SchemaGate(engine)
    app.extensions["fm_schema_gate"] = gate
    try:
        gate.problem()
    except SQLAlchemyError as exc:  # the server may still be starting: asked again later
        reason = (str(getattr(exc, "orig", None) or exc)).strip().splitlines()[0]
        log.warning(
            "Datenbank beim Start nicht erreichbar (%s): das Schema wird bei der "
            "ersten Anfrage geprüft.",
            reason,
        )

    @app.before_request
    def _maintenance() -> Response | None:
        if request.endpoint == "static":
            return None
        problem = gate.problem()
        return None if problem is None else maintenance_page(problem)


def maintenance_page(problem: str) -> Response:
    """The 503 page: rendered without the context processors, which read the database."""
    html = current_app.jinja_env.get_template("errors/maintenance.html").render(
        heading=HEADING,
        message=problem,
        stylesheet=url_for("static", filename="style.css"),
    )
    response = Response(html, status=503, mimetype="text/html")
    response.headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response
