"""The Flask application factory."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from flask import Flask, g
from sqlalchemy.orm import Session
from werkzeug.middleware.proxy_fix import ProxyFix

from webapp import maintenance
from webapp.config import Config
from webapp.db import make_engine, make_session_factory
from webapp.mail import background as background_mail
from webapp.queries import FilterValuesCache


def create_app(config: Config | None = None, **overrides: Any) -> Flask:
    """Build the web application for `config` (default: from the environment)."""
    config = config or Config.from_env()
    config.check_production()
    app = Flask(__name__, instance_path=str(config.instance_dir.resolve()))
    app.config.update(
        SECRET_KEY=config.secret_key,
        FM_CONFIG=config,
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        # Flask accepts a signed cookie this long (default 31 days): no longer than a login
        # session may last anyway (webapp/login_sessions.py ends it on the server)
        PERMANENT_SESSION_LIFETIME=timedelta(days=config.session_max_days),
        TESTING=config.testing,
    )
    app.config.update(overrides)
    if config.trusted_proxies:
        # behind nginx & co. the client's address (login limit, logs), the scheme and the
        # URL prefix the app is published under (X-Forwarded-Prefix) come from the proxy's
        # headers, counted from the nearest of the trusted proxies
        n = config.trusted_proxies
        app.wsgi_app = ProxyFix(  # type: ignore[method-assign]
            app.wsgi_app, x_for=n, x_proto=n, x_host=n, x_prefix=n
        )
    engine = make_engine(config.database_url)
    app.extensions["fm_engine"] = engine
    app.extensions["fm_sessions"] = make_session_factory(engine)
    app.extensions["fm_filter_values"] = FilterValuesCache()
    background_mail.init_app(app)
    # First of the request hooks: on an old schema no page may touch the database.
    maintenance.init_app(app, engine)

    @app.teardown_appcontext
    def _close_session(_exc: BaseException | None) -> None:
        session = g.pop("db_session", None)
        if session is not None:
            session.close()

    from webapp.views import register_blueprints
    from webapp.views.filters import register_filters

    register_filters(app)
    register_blueprints(app)
    return app


def db_session() -> Session:
    """The request's database session (one per request, closed at teardown)."""
    from flask import current_app

    if "db_session" not in g:
        g.db_session = current_app.extensions["fm_sessions"]()
    return g.db_session


def app_config() -> Config:
    """The funding-matcher configuration of the running app."""
    from flask import current_app

    return current_app.config["FM_CONFIG"]


def app_path(endpoint: str, **values: Any) -> str:
    """`url_for(endpoint, **values)` without the app's URL prefix (the script root).

    For an absolute link: BASE_URL, and the address a request came to, already end with
    the prefix (https://host/foerdermittel), so adding `url_for`'s path would double it.
    """
    from flask import request, url_for

    return url_for(endpoint, **values).removeprefix(request.script_root)


def public_url(endpoint: str, **values: Any) -> str:
    """The absolute address of `endpoint` for a calendar program or a copied link:
    BASE_URL, or without it the address this request came to (`Config.site_url`)."""
    from flask import request

    return app_config().site_url(request.url_root) + app_path(endpoint, **values)
