"""Security measures of the web app: CSRF protection, cookie flags and response headers."""

from __future__ import annotations

from flask import Flask, Response, has_request_context, render_template, request
from flask.sessions import SecureCookieSessionInterface
from flask_wtf.csrf import CSRFError, CSRFProtect

csrf = CSRFProtect()


class PrefixSessionInterface(SecureCookieSessionInterface):
    """The signed session cookie, sent back only to the app's own URL prefix.

    Flask scopes it to APPLICATION_ROOT ("/"), whatever prefix the WSGI server or a
    trusted proxy (X-Forwarded-Prefix) gives a request: under /foerdermittel the login
    would then go to every other application on the host as well, and a second
    installation under another prefix would overwrite it. SESSION_COOKIE_PATH still wins.
    """

    def get_cookie_path(self, app: Flask) -> str:
        configured: str | None = app.config["SESSION_COOKIE_PATH"]
        if configured:
            return configured
        if has_request_context() and request.script_root:
            return request.script_root
        return super().get_cookie_path(app)


# No inline scripts or styles anywhere: every style lives in static/style.css, every script
# in static/*.js, and SVG charts use presentation attributes, so the policy can stay strict.
CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)

SECURITY_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=()",
}

# Flask-WTF's reasons for refusing a form, as the officer reads them (unknown ones: none).
CSRF_REASONS = {
    "The CSRF token is missing.": "Dem Formular fehlt der Sicherheitsschlüssel.",
    "The CSRF session token is missing.": (
        "Die Sitzung ist abgelaufen oder Cookies sind gesperrt: bitte neu anmelden."
    ),
    "The CSRF token has expired.": "Der Sicherheitsschlüssel ist abgelaufen.",
    "The CSRF token is invalid.": "Der Sicherheitsschlüssel ist ungültig.",
    "The CSRF tokens do not match.": (
        "Der Sicherheitsschlüssel ist ungültig (gehört zu einer anderen Sitzung)."
    ),
    "The referrer header is missing.": (
        "Der Browser hat nicht mitgeschickt, von welcher Seite das Formular kam."
    ),
    "The referrer does not match the host.": "Das Formular kam von einer anderen Adresse.",
}


def init_app(app: Flask) -> None:
    """Enable CSRF protection on every form and add the security headers to every response."""
    app.config.setdefault("SESSION_COOKIE_HTTPONLY", True)
    app.config.setdefault("SESSION_COOKIE_SAMESITE", "Lax")
    app.config.setdefault("REMEMBER_COOKIE_HTTPONLY", True)
    app.config.setdefault("REMEMBER_COOKIE_SAMESITE", "Lax")
    # The CSRF token lives as long as the login session, not one hour: an officer who
    # leaves a half-filled review form open over lunch must not lose it.
    app.config.setdefault("WTF_CSRF_TIME_LIMIT", None)
    app.session_interface = PrefixSessionInterface()
    # No form here needs more than a few hundred kilobytes (the longest is an edited
    # justification); a bigger request body is refused before it is read (413).
    if app.config.get("MAX_CONTENT_LENGTH") is None:  # Flask's default is None: unlimited
        app.config["MAX_CONTENT_LENGTH"] = 2 * 1024 * 1024
    # Served over https (BASE_URL says so): cookies only over TLS, and browsers keep to TLS.
    config = app.config.get("FM_CONFIG")
    https = bool(config and str(config.base_url).startswith("https://"))
    if https:
        app.config["SESSION_COOKIE_SECURE"] = True
        app.config["REMEMBER_COOKIE_SECURE"] = True
    csrf.init_app(app)

    @app.after_request
    def _security_headers(response: Response) -> Response:
        for name, value in SECURITY_HEADERS.items():
            response.headers.setdefault(name, value)
        if https:
            response.headers.setdefault("Strict-Transport-Security", "max-age=31536000")
        return response

    @app.errorhandler(CSRFError)
    def _csrf_error(error: CSRFError) -> tuple[str, int]:
        reason = CSRF_REASONS.get(str(error.description), "")
        return render_template("errors/csrf.html", reason=reason), 400
