"""`serve`: the web UI under a production WSGI server (waitress)."""

from __future__ import annotations

import click

from webapp.cli.common import AppContext, pass_app, user_errors


@click.command()
@click.option(
    "--host", default="127.0.0.1", show_default=True, help="Adresse, an der gelauscht wird."
)
@click.option("--port", default=5000, show_default=True, type=int, help="Port.")
@click.option("--threads", default=8, show_default=True, type=int, help="Worker-Threads.")
@pass_app
@user_errors
def serve(app: AppContext, host: str, port: int, threads: int) -> None:
    """Die Weboberfläche starten."""
    from waitress import serve as waitress_serve

    from webapp.app import create_app

    flask_app = create_app(app.config)
    click.echo(f"funding-matcher läuft auf http://{host}:{port}/ (Beenden mit Strg+C)")
    waitress_serve(flask_app, host=host, port=port, threads=threads, ident="funding-matcher")


COMMANDS = [serve]
