"""Blueprints: one module per area of the UI."""

from __future__ import annotations

from flask import Flask


def register_blueprints(app: Flask) -> None:
    """Attach every blueprint of the UI to `app`."""
    from webapp.views import calls

    app.register_blueprint(calls.bp)
