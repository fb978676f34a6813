"""click's frame in German: the command and group classes every command of the CLI uses.

click writes "Usage:", "Options:", "Commands:", "[default: …]" and its help option in
English. These classes override click's formatting hooks (and pass errors through
`german_errors`), so help pages and messages read German throughout.
"""

from __future__ import annotations

from typing import Any

import click

from webapp.cli.errors import describe_range, german_errors

USAGE_PREFIX = "Aufruf: "
HELP_OPTION_HELP = "Diese Hilfe anzeigen und beenden."
VERSION_OPTION_HELP = "Die Version anzeigen und beenden."
VERSION_MESSAGE = "%(prog)s, Version %(version)s"

# Placeholders click derives from a built-in type's English name ("--port INTEGER RANGE").
METAVARS = {
    "integer": "ZAHL",
    "integer range": "ZAHL",
    "float": "ZAHL",
    "float range": "ZAHL",
    "path": "PFAD",
    "file": "DATEI",
    "filename": "DATEI",
    "directory": "ORDNER",
    "text": "WERT",  # a fallback: every option of the CLI names its value itself
}


class GermanCommand(click.Command):
    """A click command whose help page and error messages are German."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("options_metavar", "[OPTIONEN]")
        super().__init__(*args, **kwargs)
        for param in self.params:
            # A metavar of its own (QUELLE) or of its type (JJJJ-MM-TT) stays; nargs > 1 would
            # lose the "..." click adds.
            if isinstance(param, click.Option) and param.metavar is None and param.nargs == 1:
                param.metavar = METAVARS.get(param.type.name)
            # click brackets an optional argument ([FILE]) only for a placeholder it made itself.
            if (
                isinstance(param, click.Argument)
                and param.metavar is not None
                and not param.required
                and not param.metavar.startswith("[")
            ):
                param.metavar = f"[{param.metavar}]"

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        with german_errors(ctx):  # unknown options, missing or invalid values
            return super().parse_args(ctx, args)

    def invoke(self, ctx: click.Context) -> Any:
        with german_errors(ctx):  # the callback, and for a group its subcommand
            return super().invoke(ctx)

    def get_help_option(self, ctx: click.Context) -> click.Option | None:
        option = super().get_help_option(ctx)
        if option is not None:
            option.help = HELP_OPTION_HELP
        return option

    def format_usage(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        pieces = self.collect_usage_pieces(ctx)
        formatter.write_usage(ctx.command_path, " ".join(pieces), prefix=USAGE_PREFIX)

    def format_arguments(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        # click lists the arguments only when one of them has a help text, as here.
        args = [p for p in self.get_params(ctx) if isinstance(p, click.Argument)]
        if any(getattr(arg, "help", None) is not None for arg in args):
            with formatter.section("Argumente"):
                formatter.write_dl([arg.get_help_record(ctx) for arg in args])

    def format_options(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        rows = [
            row
            for param in self.get_params(ctx)
            if not isinstance(param, click.Argument)
            and (row := option_help_record(param, ctx)) is not None
        ]
        if rows:
            with formatter.section("Optionen"):
                formatter.write_dl(rows)


class GermanGroup(GermanCommand, click.Group):
    """A click group in German; its subcommands and subgroups are German too."""

    command_class = GermanCommand
    group_class = type  # subgroups made with @group.group() are GermanGroups

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("subcommand_metavar", "BEFEHL [ARGUMENTE]...")
        super().__init__(*args, **kwargs)

    def add_command(self, cmd: click.Command, name: str | None = None) -> None:
        # A command made with plain @click.command would answer in English.
        if not isinstance(cmd, GermanCommand):
            raise TypeError(f"{cmd.name}: create it with cls=GermanCommand or GermanGroup")
        super().add_command(cmd, name)

    def format_options(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        super().format_options(ctx, formatter)
        self.format_commands(ctx, formatter)

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        commands = []
        for name in self.list_commands(ctx):
            cmd = self.get_command(ctx, name)
            if cmd is not None and not cmd.hidden:
                commands.append((name, cmd))
        if commands:
            # as click: the short help gets the width left after the longest name
            limit = formatter.width - 6 - max(len(name) for name, _ in commands)
            with formatter.section("Befehle"):
                formatter.write_dl(
                    [(name, cmd.get_short_help_str(limit)) for name, cmd in commands]
                )


def option_help_record(param: click.Parameter, ctx: click.Context) -> tuple[str, str] | None:
    """The help line of an option with German notes ("Standard: …", "Pflichtangabe")."""
    record = param.get_help_record(ctx)
    if record is None or not isinstance(param, click.Option):
        return record
    extra = param.get_help_extra(ctx)
    notes = []
    if "envvars" in extra:
        notes.append(f"Umgebungsvariable: {', '.join(extra['envvars'])}")
    if "default" in extra:
        default = "(berechnet)" if extra["default"] == "(dynamic)" else extra["default"]
        notes.append(f"Standard: {default}")
    if "range" in extra and isinstance(param.type, click.types._NumberRangeBase):
        notes.append(f"erlaubt: {describe_range(param.type)}")
    if "required" in extra:
        notes.append("Pflichtangabe")
    if not notes:
        return record
    text = param.help or ""
    joined = "; ".join(notes)
    return record[0], f"{text}  [{joined}]" if text else f"[{joined}]"
