"""`serve`: the web UI under a production WSGI server (waitress)."""

from __future__ import annotations

import errno
import gc
import signal
from types import FrameType
from typing import Any

import click
from werkzeug.exceptions import NotFound
from werkzeug.middleware.dispatcher import DispatcherMiddleware

from webapp.cli.common import AppContext, pass_app, user_errors
from webapp.cli.errors import CliError
from webapp.cli.german import GermanCommand


@click.command(cls=GermanCommand)
@click.option(
    "--host",
    metavar="ADRESSE",
    default="127.0.0.1",
    show_default=True,
    help="Adresse, an der gelauscht wird.",
)
@click.option(
    "--port",
    metavar="PORT",
    default=5000,
    show_default=True,
    type=click.IntRange(1, 65535),
    help="Port.",
)
@click.option(
    "--threads",
    metavar="ANZAHL",
    default=8,
    show_default=True,
    type=click.IntRange(1, 256),
    help="Worker-Threads.",
)
@click.option(
    "--url-prefix",
    "url_prefix",
    metavar="PFAD",
    default="",
    help="Pfad, unter dem die Oberfläche erreichbar ist (etwa /foerdermittel), wenn der "
    "Proxy davor ihn nicht abschneidet.",
)
@pass_app
@user_errors
def serve(app: AppContext, host: str, port: int, threads: int, url_prefix: str) -> None:
    """Die Weboberfläche starten."""
    from waitress.server import create_server

    from webapp.app import create_app

    prefix = url_prefix_option(url_prefix)
    app.config.check_production()  # a missing SECRET_KEY is named before the database
    # Refuse to start rather than answer every request "Wartung" (HTTP 503, webapp/app.py).
    app.require_schema()
    flask_app = create_app(app.config)
    wsgi_app: Any = flask_app
    if prefix:
        # The prefix moves from the path to SCRIPT_NAME; any other path is not the app's
        # (waitress's own url_prefix would serve it too, with links under the prefix).
        wsgi_app = DispatcherMiddleware(NotFound(), {prefix: flask_app})
    try:
        # Bind first, so "läuft" is only said when it does (a busy port was a traceback).
        server = create_server(
            wsgi_app, host=host, port=port, threads=threads, ident="funding-matcher"
        )
    except OSError as exc:
        hint = (
            "der Port ist belegt (läuft dort schon ein Server?), einen anderen --port wählen"
            if exc.errno == errno.EADDRINUSE
            else f"{exc.strerror or exc}; --host und --port prüfen"
        )
        raise CliError(f"Kann nicht auf {host}:{port} lauschen: {hint}.") from None
    except ValueError:
        raise CliError(f"--host {host!r} ist keine Adresse dieses Rechners.") from None
    click.echo(f"funding-matcher läuft auf http://{host}:{port}{prefix}/ (Beenden mit Strg+C)")
    # What exists now (modules, mappers, the app) lives as long as the process: out of the
    # garbage collector's sight, a full collection no longer walks its 150,000 objects
    # (70 ms with every thread stopped, about once per 100 list pages).
    gc.freeze()
    # `systemctl stop` sends SIGTERM, whose default ends the process at once: SQLite's
    # write-ahead log then stays beside the file, and a backup copied over the file later
    # gets that old log applied to it (a corrupt database). As SystemExit it ends waitress's
    # loop like Ctrl+C, the running requests finish and every connection is closed, so
    # SQLite folds the log into the file and removes it.
    previous = signal.signal(signal.SIGTERM, _exit_on_sigterm)
    try:
        server.run()
    finally:
        signal.signal(signal.SIGTERM, previous)
        flask_app.extensions["fm_engine"].dispose()
        app.engine.dispose()
    click.echo("funding-matcher beendet.")


def _exit_on_sigterm(signum: int, frame: FrameType | None) -> None:
    raise SystemExit(0)


def url_prefix_option(value: str) -> str:
    """`--url-prefix` as waitress takes it: "" or "/pfad" without a trailing slash."""
    prefix = value.strip().rstrip("/")
    if not prefix:
        return ""
    if not prefix.startswith("/") or any(c in prefix for c in "?#\\ ") or "//" in prefix:
        raise CliError(
            f"--url-prefix {value!r} ist kein Pfad: er beginnt mit / und enthält weder "
            "Leerzeichen noch ? oder # (etwa --url-prefix /foerdermittel)."
        )
    return prefix


COMMANDS = [serve]
