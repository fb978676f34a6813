"""Security measures of the web app: CSRF protection, cookie flags and response headers."""

from __future__ import annotations

from flask import Flask, Response, render_template
from flask_wtf.csrf import CSRFError, CSRFProtect

csrf = CSRFProtect()

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
