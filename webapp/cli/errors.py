"""The CLI's error output in German: our own errors and click's usage errors.

click writes "Error: …", "Usage: …" and its messages in English. Every command of the CLI
(see `webapp.cli.german`) passes what it raises through `german_errors()`, which turns
click's exceptions into the classes below, built from the exceptions' attributes; the exit
codes stay click's (1 for an error, 2 for a wrong call).
"""

from __future__ import annotations

import errno
import os
import re
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import IO, Any

import click
from click.exceptions import NoArgsIsHelpError, NoSuchCommand

ERROR_PREFIX = "Fehler: "


class CliError(click.ClickException):
    """A problem the user can fix, shown as "Fehler: …" on stderr; exit status 1."""

    def show(self, file: IO[Any] | None = None) -> None:
        click.echo(
            f"{ERROR_PREFIX}{self.format_message()}",
            file=file,
            err=file is None,
            color=getattr(self, "show_color", None),
        )


class CliUsageError(click.UsageError):
    """A wrong call: the usage line, where the help is, then "Fehler: …"; exit status 2."""

    def show(self, file: IO[Any] | None = None) -> None:
        lines = []
        ctx = self.ctx
        if ctx is not None:
            lines.append(ctx.get_usage())
            names = ctx.command.get_help_option_names(ctx)
            if names and ctx.command.get_help_option(ctx) is not None:
                # The longest name (--help rather than -h) reads best in a sentence.
                lines.append(f"Hilfe: {ctx.command_path} {max(names, key=len)}")
            lines.append("")
        lines.append(f"{ERROR_PREFIX}{self.format_message()}")
        color = ctx.color if ctx is not None else None
        click.echo("\n".join(lines), file=file, err=file is None, color=color)


class Aborted(CliError):
    """Ctrl+C or the end of input at a prompt: "Abgebrochen.", exit status 1 as in click."""

    def show(self, file: IO[Any] | None = None) -> None:
        click.echo(self.message, file=file, err=file is None)


@contextmanager
def german_errors(ctx: click.Context | None = None) -> Iterator[None]:
    """Re-raise click's exceptions (and an abort) as their German counterparts.

    A usage error without a context (the option parser raises some so) gets `ctx`, so
    it is shown with the usage line and the way to the help like the others.
    """
    try:
        yield
    except click.ClickException as exc:
        if isinstance(exc, click.UsageError) and exc.ctx is None:
            exc.ctx = ctx
        translated = german_error(exc)
        if translated is exc:
            raise
        raise translated from None
    except click.Abort:
        raise Aborted("Abgebrochen.") from None
    except (KeyboardInterrupt, EOFError):
        # The line break ends the "^C" the terminal echoed, as click does.
        raise Aborted("\nAbgebrochen.") from None


def german_error(exc: click.ClickException) -> click.ClickException:
    """The German form of a click exception; ours (and a help page) come back unchanged."""
    if isinstance(exc, (CliError, CliUsageError, NoArgsIsHelpError)):
        return exc
    translated: click.ClickException
    if isinstance(exc, click.UsageError):
        translated = CliUsageError(usage_message(exc), exc.ctx)
    elif isinstance(exc, click.FileError):
        translated = CliError(
            f"Die Datei {exc.ui_filename!r} lässt sich nicht öffnen: {os_reason(exc.message or '')}"
        )
    else:
        translated = CliError(exc.format_message())
    # A subclass may have an exit code of its own; the caller (cron) must still see it.
    translated.exit_code = exc.exit_code  # type: ignore[misc]
    return translated


def usage_message(exc: click.UsageError) -> str:
    """The German text of one of click's usage errors, from the exception's attributes."""
    if isinstance(exc, click.NoSuchOption):
        return f"Unbekannte Option {exc.option_name!r}.{_suggestion(exc.possibilities)}"
    if isinstance(exc, NoSuchCommand):
        return f"Unbekannter Befehl {exc.command_name!r}.{_suggestion(exc.possibilities)}"
    if isinstance(exc, click.MissingParameter):
        return _missing(exc)
    if isinstance(exc, click.BadParameter):
        hint = _param_hint(exc)
        message = translate(exc.message, TYPE_MESSAGES)
        if exc.param is not None and isinstance(exc.param.type, click.types._NumberRangeBase):
            # "1<=x<=65535" in words, from the type itself rather than from its English text
            message = _OUT_OF_RANGE.sub(
                f"liegt nicht im erlaubten Bereich ({describe_range(exc.param.type)}).", message
            )
        return f"Ungültiger Wert für {hint}: {message}" if hint else f"Ungültiger Wert: {message}"
    return translate(exc.message, USAGE_MESSAGES)


def _suggestion(possibilities: Iterable[str] | None) -> str:
    names = [repr(name) for name in sorted(possibilities or ())]
    if not names:
        return ""
    listed = names[0] if len(names) == 1 else f"{', '.join(names[:-1])} oder {names[-1]}"
    return f" Meinten Sie {listed}?"


def _param_hint(exc: click.BadParameter) -> str | None:
    hint = exc.param_hint
    if hint is None and exc.param is not None:
        hint = exc.param.get_error_hint(exc.ctx)
    if hint is None or isinstance(hint, str):
        return hint
    return " / ".join(repr(part) for part in hint)


_MISSING = {"argument": "das Argument", "option": "die Option"}


def _missing(exc: click.MissingParameter) -> str:
    kind = exc.param_type or (exc.param.param_type_name if exc.param is not None else None)
    hint = _param_hint(exc)
    text = f"Es fehlt {_MISSING.get(kind or '', 'die Angabe')}{f' {hint}' if hint else ''}."
    if exc.message:
        text += f" {exc.message}"
    if exc.param is not None and isinstance(exc.param.type, click.Choice):
        choices = ", ".join(repr(str(choice)) for choice in exc.param.type.choices)
        text += f" Zur Auswahl: {choices}."
    return text


def describe_range(param_type: click.types._NumberRangeBase) -> str:
    """A number range in words: "1 bis 65535", "mindestens 1", "größer als 0 und höchstens 1"."""
    low, high = param_type.min, param_type.max
    closed = not param_type.min_open and not param_type.max_open
    if low is not None and high is not None and closed:
        return f"{low} bis {high}"
    parts = []
    if low is not None:
        parts.append(f"größer als {low}" if param_type.min_open else f"mindestens {low}")
    if high is not None:
        parts.append(f"kleiner als {high}" if param_type.max_open else f"höchstens {high}")
    return " und ".join(parts)


def os_reason(reason: str) -> str:
    """The German text of an operating-system error's English reason ("Permission denied")."""
    return _OS_REASONS.get(reason, reason)


_OS_REASONS = {
    os.strerror(code): german
    for code, german in (
        (errno.ENOENT, "Datei oder Ordner gibt es nicht"),
        (errno.EISDIR, "ist ein Ordner, keine Datei"),
        (errno.ENOTDIR, "ein Teil des Pfades ist kein Ordner"),
        (errno.EACCES, "keine Berechtigung"),
        (errno.EPERM, "nicht erlaubt"),
        (errno.EROFS, "nur lesbares Dateisystem"),
        (errno.ENOSPC, "kein Platz mehr auf dem Datenträger"),
        (errno.EEXIST, "gibt es schon"),
        (errno.ENAMETOOLONG, "Name zu lang"),
    )
}

# click's strftime formats as a user writes a date: %Y-%m-%d → JJJJ-MM-TT.
_STRFTIME = {"%Y": "JJJJ", "%m": "MM", "%d": "TT", "%H": "hh", "%M": "mm", "%S": "ss"}
_OUT_OF_RANGE = re.compile(r"liegt nicht im erlaubten Bereich .*\.$", re.S)


def _german_value(name: str, value: str) -> str:
    if name == "f":
        for code, german in _STRFTIME.items():
            value = value.replace(code, german)
    elif name == "e":
        value = os_reason(value)
    elif name == "s":
        # click lists the empty string among the words for "false"; a user cannot read it
        value = ", ".join(word for word in value.split(", ") if word)
    return value


def translate(message: str, table: list[tuple[re.Pattern[str], str]]) -> str:
    """The German text for an English message of click's; anything else as it is."""
    for pattern, german in table:
        found = pattern.fullmatch(message)
        if found:
            groups = {k: _german_value(k, v) for k, v in found.groupdict().items()}
            return german.format(**groups)
    return message


def _table(*rows: tuple[str, str]) -> list[tuple[re.Pattern[str], str]]:
    return [(re.compile(pattern, re.S), german) for pattern, german in rows]


_PATH_KINDS = (("File", "Die Datei"), ("Directory", "Der Ordner"), ("Path", "Der Pfad"))

# What click's built-in types say about a value they cannot convert (types.py). The value
# comes first, quoted as click quotes it; the last rows are the least specific.
TYPE_MESSAGES = _table(
    (r"(?P<v>.+) is not a valid integer( range)?\.", "{v} ist keine ganze Zahl."),
    (
        r"(?P<v>.+) is not a valid float( range)?\.",
        "{v} ist keine Zahl (mit Dezimalpunkt, z. B. 2.5).",
    ),
    (r"(?P<v>.+) is not in the range (?P<r>.+)\.", "{v} liegt nicht im erlaubten Bereich {r}."),
    (
        r"(?P<v>.+) is not a valid boolean\. Recognized values: (?P<s>.+)",
        "{v} ist kein Wahrheitswert; möglich sind: {s}.",
    ),
    (r"(?P<v>.+) is not a valid UUID\.", "{v} ist keine gültige UUID."),
    (r"(?P<v>.+) is not one of (?P<c>.+)\.", "{v} ist keiner der Werte {c}."),
    (r"(?P<v>.+) does not match the format (?P<f>.+)\.", "{v} passt nicht zum Format {f}."),
    (
        r"(?P<v>.+) does not match the formats (?P<f>.+)\.",
        "{v} passt zu keinem der Formate {f}.",
    ),
    *(
        row
        for english, german in _PATH_KINDS
        for row in (
            (rf"{english} (?P<v>.+) does not exist\.", f"{german} {{v}} existiert nicht."),
            (rf"{english} (?P<v>.+) is a file\.", "{v} ist eine Datei, kein Ordner."),
            (rf"{english} (?P<v>.+) is a directory\.", "{v} ist ein Ordner, keine Datei."),
            (rf"{english} (?P<v>.+) is not readable\.", f"{german} {{v}} ist nicht lesbar."),
            (rf"{english} (?P<v>.+) is not writable\.", f"{german} {{v}} ist nicht beschreibbar."),
            (
                rf"{english} (?P<v>.+) is not executable\.",
                f"{german} {{v}} ist nicht ausführbar.",
            ),
        )
    ),
    (r"(?P<v>.+) is not (?P<c>'[^']*')\.", "{v} ist nicht {c}."),
    (r"Value must be an iterable\.", "Der Wert muss eine Liste sein."),
    # click.File: the file name, then the operating system's reason
    (r"(?P<v>'.*'): (?P<e>[^:]+)", "{v}: {e}."),
)

# click's other usage errors (parser.py, core.py).
USAGE_MESSAGES = _table(
    (r"Got unexpected extra argument \((?P<a>.*)\)", "Überzähliges Argument: {a}"),
    (r"Got unexpected extra arguments \((?P<a>.*)\)", "Überzählige Argumente: {a}"),
    (r"Missing command\.", "Es fehlt ein Befehl."),
    (r"No such command (?P<c>.+)\.", "Unbekannter Befehl {c}."),
    (r"Option (?P<o>.+) requires an argument\.", "Die Option {o} braucht einen Wert."),
    (r"Option (?P<o>.+) requires (?P<n>\d+) arguments\.", "Die Option {o} braucht {n} Werte."),
    (r"Option (?P<o>.+) does not take a value\.", "Die Option {o} nimmt keinen Wert an."),
    (r"Argument (?P<a>.+) takes (?P<n>\d+) values\.", "Das Argument {a} braucht {n} Werte."),
)
