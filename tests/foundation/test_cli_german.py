"""The command line speaks German throughout: click's frame (help pages, usage errors, the
"Error:" before our own messages) as well as our texts. Exit codes and streams stay click's:
2 for a wrong call, 1 for an error, messages on stderr.
"""

from __future__ import annotations

import itertools
import os
import re
import subprocess
import sys
from pathlib import Path

import click
import pytest
from click.testing import Result

from tests.conftest import CliInvoker
from webapp.cli import main
from webapp.cli.errors import german_error
from webapp.cli.german import GermanCommand

BIN = Path(sys.executable).with_name("funding-matcher")
# click's English words as they would show on a help page or in a message.
ENGLISH = re.compile(
    r"\b(Usage|Options|Commands|Show this message|Try '|Error|Missing|Invalid value|"
    r"No such|Did you mean|default|required|INTEGER|FLOAT|RANGE|PATH|Aborted)\b"
)


def _command_paths(group: click.Group, prefix: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    paths = []
    for name, command in sorted(group.commands.items()):
        paths.append((*prefix, name))
        if isinstance(command, click.Group):
            paths += _command_paths(command, (*prefix, name))
    return paths


def _usage_error(result: Result, usage: str, message: str) -> None:
    """Exit 2; on stderr the usage line, the way to the help and the German message."""
    command = usage.split(" [")[0]
    assert result.exit_code == 2, result.output
    assert result.stdout == ""
    assert result.stderr == f"Aufruf: {usage}\nHilfe: {command} --help\n\nFehler: {message}\n"


def test_main_help_is_german(cli: CliInvoker) -> None:
    result = cli("--help")
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("Aufruf: funding-matcher [OPTIONEN] BEFEHL [ARGUMENTE]...\n")
    assert "\nOptionen:\n" in result.stdout
    assert "\nBefehle:\n" in result.stdout
    assert "  scrape    Förderquellen abrufen" in result.stdout
    assert "  -h, --help  Diese Hilfe anzeigen und beenden.\n" in result.stdout
    assert "  --version   Die Version anzeigen und beenden.\n" in result.stdout
    assert not ENGLISH.search(result.stdout), ENGLISH.search(result.stdout)


def test_scrape_help_is_german(cli: CliInvoker) -> None:
    result = cli("scrape", "-h")
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("Aufruf: funding-matcher scrape [OPTIONEN]\n")
    assert "\nOptionen:\n  --source QUELLE  Nur diese Quelle abrufen.\n" in result.stdout
    assert "  -h, --help       Diese Hilfe anzeigen und beenden.\n" in result.stdout
    assert "Befehle:" not in result.stdout
    assert not ENGLISH.search(result.stdout), ENGLISH.search(result.stdout)


def test_option_notes_and_placeholders_are_german(cli: CliInvoker) -> None:
    result = cli("evaluate", "--help")
    assert result.exit_code == 0, result.output
    flat = " ".join(result.stdout.split())
    assert "--calls DATEI Aufrufe als JSONL (ein Aufruf je Zeile). [Pflichtangabe]" in flat
    assert "--feedback-fraction ANTEIL" in flat
    assert "[Standard: 0.0; erlaubt: 0.0 bis 0.95]" in flat
    assert "--seed ZAHL Zufallsstartwert der Aufteilung. [Standard: 0]" in flat
    assert not ENGLISH.search(result.stdout), ENGLISH.search(result.stdout)


@pytest.mark.parametrize("path", _command_paths(main), ids=" ".join)
def test_every_help_page_is_german(cli: CliInvoker, path: tuple[str, ...]) -> None:
    result = cli(*path, "--help")
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith(f"Aufruf: funding-matcher {' '.join(path)} [OPTIONEN]")
    assert "Diese Hilfe anzeigen und beenden." in result.stdout
    assert not ENGLISH.search(result.stdout), (path, ENGLISH.search(result.stdout))


def test_a_plain_click_command_cannot_join_the_cli() -> None:
    # It would answer in English; the mistake shows when the module is imported.
    with pytest.raises(TypeError, match="cls=GermanCommand"):
        main.add_command(click.Command("plain"))
    assert "plain" not in main.commands
    assert all(isinstance(command, GermanCommand) for command in main.commands.values())


def test_version_stays(cli: CliInvoker) -> None:
    result = cli("--version")
    assert result.exit_code == 0, result.output
    assert re.fullmatch(r"funding-matcher, Version \S+\n", result.stdout)


def test_unknown_option_suggests_the_near_one(cli: CliInvoker) -> None:
    result = cli("scrape", "--ofline")
    _usage_error(
        result,
        "funding-matcher scrape [OPTIONEN]",
        "Unbekannte Option '--ofline'. Meinten Sie '--offline'?",
    )


def test_misspelt_command_suggests_the_right_one(cli: CliInvoker) -> None:
    _usage_error(
        cli("scarpe"),
        "funding-matcher [OPTIONEN] BEFEHL [ARGUMENTE]...",
        "Unbekannter Befehl 'scarpe'. Meinten Sie 'scrape'?",
    )
    _usage_error(
        cli("user", "ad", "anna@kreis.example"),
        "funding-matcher user [OPTIONEN] BEFEHL [ARGUMENTE]...",
        "Unbekannter Befehl 'ad'. Meinten Sie 'add'?",
    )


def test_missing_argument_and_option(cli: CliInvoker) -> None:
    _usage_error(
        cli("backup"), "funding-matcher backup [OPTIONEN] DATEI", "Es fehlt das Argument 'DATEI'."
    )
    _usage_error(
        cli("evaluate", "--qrels", "urteile.tsv"),
        "funding-matcher evaluate [OPTIONEN]",
        "Es fehlt die Option '--calls'.",
    )
    _usage_error(
        cli("scrape", "--source"),
        "funding-matcher scrape [OPTIONEN]",
        "Die Option '--source' braucht einen Wert.",
    )


INVALID_CALLS = [
    (
        ["serve", "--port", "abc"],
        "funding-matcher serve [OPTIONEN]",
        "Ungültiger Wert für '--port': 'abc' ist keine ganze Zahl.",
    ),
    (
        ["serve", "--port", "70000"],
        "funding-matcher serve [OPTIONEN]",
        "Ungültiger Wert für '--port': 70000 liegt nicht im erlaubten Bereich (1 bis 65535).",
    ),
    (
        ["weekly", "--wait", "1,5"],
        "funding-matcher weekly [OPTIONEN]",
        "Ungültiger Wert für '--wait': '1,5' ist keine Zahl (mit Dezimalpunkt, z. B. 2.5).",
    ),
    (
        ["digest", "--today", "31.03.2027"],
        "funding-matcher digest [OPTIONEN]",
        "Ungültiger Wert für '--today': '31.03.2027' ist kein Datum der Form JJJJ-MM-TT "
        "(z. B. 2027-03-31).",
    ),
    (
        ["import", "a.jsonl", "b.jsonl"],
        "funding-matcher import [OPTIONEN] DATEI",
        "Überzähliges Argument: b.jsonl",
    ),
    (
        ["justify", "7", "--project", "VW-01", "--combined"],
        "funding-matcher justify [OPTIONEN] AUFRUF_ID",
        "--project und --combined schließen sich aus.",
    ),
]


@pytest.mark.parametrize(
    ("args", "usage", "message"), INVALID_CALLS, ids=[" ".join(case[0]) for case in INVALID_CALLS]
)
def test_invalid_values_are_named_in_german(
    cli: CliInvoker, args: list[str], usage: str, message: str
) -> None:
    _usage_error(cli(*args), usage, message)


def test_our_own_error_starts_with_fehler(cli: CliInvoker, tmp_path: Path) -> None:
    page = tmp_path / "liste.html"
    page.write_text("<html><body><p>Keine Liste</p></body></html>", encoding="utf-8")
    result = cli("parse", "html-list", str(page))
    assert result.exit_code == 1, result.output
    assert result.stdout == ""
    assert result.stderr.startswith("Fehler: html-list: ")
    assert "Selektoren fehlen" in result.stderr
    assert "Aufruf:" not in result.stderr  # not a wrong call: no usage line
    assert not ENGLISH.search(result.stderr), result.stderr


def test_end_of_input_at_a_prompt_says_abgebrochen(cli: CliInvoker) -> None:
    assert cli("init", "--no-strategy").exit_code == 0
    result = cli("user", "add", "anna@kreis.example", input="")
    assert result.exit_code == 1, result.output
    assert result.stderr.endswith("Abgebrochen.\n")
    assert "Aborted" not in result.output


def test_shell_completion_still_works(cli: CliInvoker) -> None:
    env = {"_FUNDING_MATCHER_COMPLETE": "bash_complete", "COMP_WORDS": "funding-matcher sc"}
    result = cli(**env, COMP_CWORD="1")
    assert result.exit_code == 0, result.output
    assert result.stdout == "plain,scrape\n"
    zsh = {"_FUNDING_MATCHER_COMPLETE": "zsh_complete", "COMP_WORDS": "funding-matcher scrape --"}
    result = cli(**zsh, COMP_CWORD="2")
    assert result.exit_code == 0, result.output
    assert "--offline\nDie mitgelieferten Snapshots" in result.stdout
    assert "--help\nDiese Hilfe anzeigen und beenden." in result.stdout


def test_installed_command_answers_in_german(cli: CliInvoker) -> None:
    done = subprocess.run(
        [str(BIN), "scrape", "--ofline"],
        env={**os.environ, **cli.env},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 2
    assert done.stdout == ""
    assert done.stderr == (
        "Aufruf: funding-matcher scrape [OPTIONEN]\n"
        "Hilfe: funding-matcher scrape --help\n\n"
        "Fehler: Unbekannte Option '--ofline'. Meinten Sie '--offline'?\n"
    )


def _type_error(param_type: click.ParamType, value: str) -> str:
    """What the CLI would print for `value` given to an option of `param_type`."""
    option = click.Option(["--wert"], type=param_type)
    ctx = click.Context(GermanCommand("probe", params=[option]))
    with pytest.raises(click.BadParameter) as raised:
        option.type_cast_value(ctx, value)
    return german_error(raised.value).format_message()


@pytest.mark.parametrize(
    ("param_type", "value", "german"),
    [
        (click.INT, "drei", "'drei' ist keine ganze Zahl."),
        (click.FLOAT, "2,5", "'2,5' ist keine Zahl (mit Dezimalpunkt, z. B. 2.5)."),
        (click.FloatRange(0, 1), "2", "2.0 liegt nicht im erlaubten Bereich (0 bis 1)."),
        (click.IntRange(min=1), "0", "0 liegt nicht im erlaubten Bereich (mindestens 1)."),
        (
            click.FloatRange(0, 1, max_open=True),
            "1",
            "1.0 liegt nicht im erlaubten Bereich (mindestens 0 und kleiner als 1).",
        ),
        (
            click.DateTime(["%Y-%m-%d", "%Y-%m-%d %H:%M"]),
            "morgen",
            "'morgen' passt zu keinem der Formate 'JJJJ-MM-TT', 'JJJJ-MM-TT hh:mm'.",
        ),
        (click.File("r"), "/gibt/es/nicht", "'/gibt/es/nicht': Datei oder Ordner gibt es nicht."),
        (click.File("r"), "/", "'/': ist ein Ordner, keine Datei."),
        (
            click.Choice(["feed", "html-list"]),
            "rss",
            "'rss' ist keiner der Werte 'feed', 'html-list'.",
        ),
        (click.Choice(["feed"]), "rss", "'rss' ist nicht 'feed'."),
        (click.DateTime(["%Y-%m-%d"]), "morgen", "'morgen' passt nicht zum Format 'JJJJ-MM-TT'."),
        (click.Path(exists=True), "/gibt/es/nicht", "Der Pfad '/gibt/es/nicht' existiert nicht."),
        (click.Path(exists=True, dir_okay=False), "/", "'/' ist ein Ordner, keine Datei."),
        (click.Path(file_okay=False), __file__, f"{__file__!r} ist eine Datei, kein Ordner."),
        (click.BOOL, "vielleicht", "'vielleicht' ist kein Wahrheitswert; möglich sind: 0, 1, "),
    ],
)
def test_messages_of_clicks_types_are_german(
    param_type: click.ParamType, value: str, german: str
) -> None:
    assert _type_error(param_type, value).startswith(f"Ungültiger Wert für '--wert': {german}")


# The placeholders of option values: German words, the same on every help page and in README.
PLACEHOLDERS = {
    "ADRESSE", "ANTEIL", "ANZAHL", "ANZEIGENAME", "DATEI", "JJJJ-MM-TT", "PASSWORT", "PORT",
    "PFAD", "PROJEKT_ID", "QUELLE", "SEKUNDEN", "ZAHL",
}  # fmt: skip


def _options(path: tuple[str, ...]) -> dict[str, click.Option]:
    command: click.Command = main
    for name in path:
        assert isinstance(command, click.Group)
        command = command.commands[name]
    return {
        opt: param
        for param in command.params
        if isinstance(param, click.Option) and not param.is_flag and not param.hidden
        for opt in param.opts
    }


def _placeholder(option: click.Option) -> str:
    # a placeholder of its own (QUELLE) or of its type (JJJJ-MM-TT)
    return option.metavar or option.type.name


@pytest.mark.parametrize("path", _command_paths(main), ids=" ".join)
def test_every_option_value_has_a_german_placeholder(
    cli: CliInvoker, path: tuple[str, ...]
) -> None:
    help_text = cli(*path, "--help").stdout
    for name, option in _options(path).items():
        placeholder = _placeholder(option)
        assert placeholder in PLACEHOLDERS, (path, name, placeholder)
        assert f"{name} {placeholder} " in help_text, (path, name)
    # click's own (TEXT, INTEGER …) and the English ones the help pages used to show
    assert not re.search(r"--[\w-]+ (TEXT|NAME|URL|ID|PW|H|P|F|X|S|D)\b", help_text), help_text


README_ROW = re.compile(r"^\| (`funding-matcher [^|]+) \|", re.M)


def test_readme_command_table_shows_the_placeholders_of_the_help() -> None:
    readme = (Path(__file__).parents[2] / "README.md").read_text(encoding="utf-8")
    checked = 0
    for row in README_ROW.findall(readme):
        for usage in re.findall(r"`([^`]+)`", row):
            words = usage.removeprefix("funding-matcher ").replace("[", " ").replace("]", " ")
            tokens = words.split()
            path = tuple(t for t in tokens[:2] if t in main.commands or t in _GROUPS)
            path = path if path and path[0] in main.commands else ()
            if not path:
                continue
            options = _options(path)
            for opt, value in itertools.pairwise(tokens):
                if opt in options:
                    assert value == _placeholder(options[opt]), (usage, opt, value)
                    checked += 1
    assert checked >= 15  # every option with a value in the table


_GROUPS = {
    name
    for group in main.commands.values()
    if isinstance(group, click.Group)
    for name in group.commands
}


def test_an_optional_argument_shows_in_brackets(cli: CliInvoker) -> None:
    for sub in ("show", "load"):
        result = cli("strategy", sub, "--help")
        assert result.stdout.startswith(
            f"Aufruf: funding-matcher strategy {sub} [OPTIONEN] [DATEI]\n"
        )
    assert cli("backup", "--help").stdout.startswith(
        "Aufruf: funding-matcher backup [OPTIONEN] DATEI\n"
    )


def test_a_range_reads_in_words_on_the_help_page(cli: CliInvoker) -> None:
    flat = " ".join(cli("serve", "--help").stdout.split())
    assert "--port PORT Port. [Standard: 5000; erlaubt: 1 bis 65535]" in flat
    assert "<=x" not in flat


# Numeric options where any integer is meaningful (a random seed may be negative).
SIGNED_OPTIONS = {("evaluate", "--seed")}


def test_negative_wait_is_refused_with_the_range(cli: CliInvoker) -> None:
    result = cli("weekly", "--no-scrape", "--wait", "-5")
    assert result.exit_code == 2, result.output
    assert result.stderr.endswith(
        "Fehler: Ungültiger Wert für '--wait': -5.0 liegt nicht im erlaubten Bereich "
        "(mindestens 0).\n"
    )


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ("weekly", "--no-scrape", "--wait", "nan"),
            "'--wait': 'nan' ist keine Zahl im erlaubten Bereich (mindestens 0).",
        ),
        (
            ("weekly", "--no-scrape", "--wait", "inf"),
            "'--wait': 'inf' ist keine Zahl im erlaubten Bereich (mindestens 0).",
        ),
        (
            ("evaluate", "--calls", "c", "--qrels", "q", "--feedback-fraction", "NaN"),
            "'--feedback-fraction': 'NaN' ist keine Zahl im erlaubten Bereich (0.0 bis 0.95).",
        ),
    ],
    ids=["wait-nan", "wait-inf", "feedback-nan"],
)
def test_nan_and_infinity_are_refused_with_the_range(
    cli: CliInvoker, args: tuple[str, ...], message: str
) -> None:
    """float() reads 'nan' and 'inf', and click's range check let them through: `weekly
    --wait nan` ran with a lock wait no comparison could end, `--wait inf` waited forever."""
    result = cli(*args)
    assert result.exit_code == 2, result.output
    assert result.stderr.endswith(f"Fehler: Ungültiger Wert für {message}\n")


@pytest.mark.parametrize("path", _command_paths(main), ids=" ".join)
def test_every_float_option_refuses_nan_and_infinity(path: tuple[str, ...]) -> None:
    """A float option added later gets the same check (FiniteFloatRange, not FloatRange)."""
    for option in _options(path).values():
        if not isinstance(option.type, click.types.FloatParamType):
            continue
        for value in ("nan", "inf", "-inf"):
            with pytest.raises(click.BadParameter):
                # click converts the command line's strings; its annotation wants numbers
                option.type.convert(value, option, None)  # type: ignore[arg-type]


@pytest.mark.parametrize("path", _command_paths(main), ids=" ".join)
def test_every_numeric_option_has_a_lower_bound(path: tuple[str, ...]) -> None:
    """A count, a wait or a share below zero makes no sense: click refuses it in German."""
    for name, option in _options(path).items():
        if not isinstance(option.type, click.types._NumberParamTypeBase):
            continue
        if (*path, name) in SIGNED_OPTIONS:
            continue
        assert isinstance(option.type, click.types._NumberRangeBase), (path, name)
        assert option.type.min is not None and option.type.min >= 0, (path, name)
