"""The `funding-matcher` command line: one module per command group, registered here."""

from __future__ import annotations

import importlib

import click

from webapp.cli.common import AppContext, user_errors
from webapp.cli.errors import CliError
from webapp.cli.german import VERSION_MESSAGE, VERSION_OPTION_HELP, GermanGroup
from webapp.config import ConfigError, with_origin
from webapp.log_setup import configure_logging


@click.group(cls=GermanGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(
    package_name="funding-matcher", message=VERSION_MESSAGE, help=VERSION_OPTION_HELP
)
@click.pass_context
def main(ctx: click.Context) -> None:
    """funding-matcher: Förderaufrufe finden, die zur Digitalisierungsstrategie passen."""
    # `check` reports every unusable setting itself; the others stop at the first.
    ctx.obj = AppContext.from_env(collect_problems=ctx.invoked_subcommand == "check")
    ctx.call_on_close(ctx.obj.close)
    try:
        configure_logging(ctx.obj.config)
    except ConfigError as exc:
        raise CliError(with_origin(str(exc))) from None


COMMAND_MODULES = (
    "check_commands",
    "db_commands",
    "evaluate_commands",
    "import_commands",
    "justify_commands",
    "mail_commands",
    "mail_setup_commands",
    "match_commands",
    "scrape_commands",
    "serve_commands",
    "user_commands",
)


def _register() -> None:
    # Each command module stays self-contained and lists its commands in COMMANDS.
    for name in COMMAND_MODULES:
        module = importlib.import_module(f"webapp.cli.{name}")
        for command in module.COMMANDS:
            main.add_command(command)


_register()

__all__ = ["AppContext", "main", "user_errors"]
