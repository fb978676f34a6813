"""The source list (data/sources.yaml): which sources to scrape, with what settings."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from scrapers import html_list
from scrapers.dedupe import compact
from scrapers.encoding import not_utf8_problem
from scrapers.fetch import FetchConfig
from scrapers.record import ParseError, web_link
from scrapers.registry import KINDS, PARSER_OPTIONS, SOURCE_KINDS, kinds_reading
from scrapers.yaml_errors import DuplicateKeysError, closest, load_yaml, yaml_problem

# Keys of a source entry that are not parser options.
_SOURCE_KEYS = {
    "name",
    "kind",
    "label",
    "url",
    "enabled",
    "max_pages",
    "complete_listing",
    "options",
}
_FETCH_KEYS = set(FetchConfig.__dataclass_fields__)
# What may stand in `defaults` as well as in a source: the fetch settings and these two.
_SETTING_KEYS = _FETCH_KEYS | {"max_pages", "complete_listing"}
# Options the parsers read as text (`str(options.get(...))`).
_TEXT_OPTIONS = ("funder", "programme", "region", "funding_type", "language")


class SourceConfigError(ParseError):
    """sources.yaml is missing, unreadable or has an unusable entry."""


class SourceEntryErrors(SourceConfigError):
    """Several independent mistakes of one entry (e.g. an unknown kind and a typo'd key)."""

    def __init__(self, problems: list[SourceConfigError]) -> None:
        self.problems = problems
        super().__init__("; ".join(str(p) for p in problems))


@dataclass(slots=True)
class SourceConfig:
    """One configured source."""

    name: str
    kind: str
    url: str
    label: str = ""
    enabled: bool = True
    max_pages: int = 10
    # every current call of the source is in its listing, so an unlisted call has gone
    complete_listing: bool = True
    fetch: FetchConfig = field(default_factory=FetchConfig)
    options: dict[str, Any] = field(default_factory=dict)
    raw: dict[str, Any] = field(default_factory=dict)


def _read_list(path: Path) -> str:
    """The text of the source list; SourceConfigError when it cannot be read."""
    try:
        body = Path(path).read_bytes()
        text = body.decode("utf-8")
    except FileNotFoundError:
        raise SourceConfigError(f"Quellenliste {path} nicht gefunden") from None
    except IsADirectoryError:
        raise SourceConfigError(f"Quellenliste {path} ist ein Verzeichnis, keine Datei") from None
    except PermissionError:
        raise SourceConfigError(f"Quellenliste {path} nicht lesbar (keine Berechtigung)") from None
    except OSError as exc:
        raise SourceConfigError(f"Quellenliste {path} nicht lesbar ({exc.strerror})") from None
    except UnicodeDecodeError as exc:
        raise SourceConfigError(f"Quellenliste {path}: {not_utf8_problem(body, exc)}") from None
    return text


def source_switches(path: Path) -> dict[str, bool]:
    """The names of the list's sources, each with whether it is switched on, read once.

    A list that does not pass its checks still names its sources, as far as it is YAML (a
    key written twice counts once, the last): the admin fixes it and scrapes. {} when it
    cannot be read or is no YAML: `scrape` names that problem itself.
    """
    try:
        data, _ = load_yaml(_read_list(path))
    except DuplicateKeysError as exc:
        data = exc.data
    except (SourceConfigError, yaml.YAMLError):
        return {}
    entries = data.get("sources") if isinstance(data, Mapping) else None
    # Of a list that passes its checks, every entry: a name (text) and enabled (true/false).
    return {
        str(entry["name"]): entry.get("enabled") is not False
        for entry in (entries if isinstance(entries, list) else [])
        if isinstance(entry, Mapping) and entry.get("name")
    }


def load_sources(path: Path) -> list[SourceConfig]:
    """Read and check the source list; errors name the file and the entry."""
    text = _read_list(path)
    try:
        data, node = load_yaml(text)
    except DuplicateKeysError as exc:
        # PyYAML would keep the second `delay:` of a source and drop the first without a word.
        if len(exc.duplicates) == 1:
            raise SourceConfigError(f"Quellenliste {path}, {exc.duplicates[0]}") from None
        raise SourceConfigError(
            f"Quellenliste {path}: {len(exc.duplicates)} Fehler\n"
            + "\n".join(f"  - {d}" for d in exc.duplicates)
        ) from None
    except yaml.YAMLError as exc:
        line, reason = yaml_problem(exc, text)
        where = f", Zeile {line}" if line else ""
        raise SourceConfigError(
            f"Quellenliste {path} ist kein gültiges YAML{where}: {reason}"
        ) from None
    data = data or {}
    lines = _entry_lines(node)
    if not isinstance(data, Mapping) or not isinstance(data.get("sources"), list):
        wrong = isinstance(data, Mapping) and {"themes", "projects"} & data.keys()
        raise SourceConfigError(
            f"Quellenliste {path}: Schlüssel 'sources' (eine Liste) fehlt"
            + (
                " – die Datei ist eine Strategie (themes, projects), keine Quellenliste"
                if wrong
                else ""
            )
        )
    defaults_raw = data.get("defaults") or {}
    if not isinstance(defaults_raw, Mapping):
        raise SourceConfigError(
            "'defaults' muss eine Zuordnung (Einstellung: Wert) sein",
            location=str(path),
            field="defaults",
        )
    defaults = dict(defaults_raw)
    # A typo in `defaults` is named together with the entries' mistakes.
    problems = _unknown_keys(defaults, _SETTING_KEYS, "")
    for problem in problems:
        defaults_key = ("defaults", problem.field)
        part = defaults_key if defaults_key in lines else "defaults"
        problem.location = f"{path}{_at(lines, part)}, defaults"
    # Each setting on its own, so that every bad value is named with its line, and a bad one
    # is left out of the entries' settings rather than reported again for every source.
    for key in list(defaults):
        if key in _SETTING_KEYS and (bad_value := _setting_problem(key, defaults[key])):
            part = ("defaults", key) if ("defaults", key) in lines else "defaults"
            at = f"{path}{_at(lines, part)}, defaults"
            problems.append(SourceConfigError(bad_value, location=at, field=key))
            del defaults[key]
    out: list[SourceConfig] = []
    seen: dict[str, int] = {}
    for index, entry in enumerate(data["sources"], start=1):
        # Every entry is checked, so one run names every mistake in the file.
        try:
            out.append(_source(entry, index, defaults, seen, lines))
        except SourceConfigError as exc:
            placed = []
            for problem in getattr(exc, "problems", [exc]):
                line = _field_line(lines, index, problem.field)
                where = f", Zeile {line}" if line else ""
                problem.location = f"{path}{where}, {problem.location}"
                placed.append((line or 0, problem))
            # in the order of the file, as the author reads it
            problems += [problem for _, problem in sorted(placed, key=lambda p: p[0])]
    if len(problems) == 1:
        raise problems[0]
    if problems:
        raise SourceConfigError(
            f"Quellenliste {path}: {len(problems)} Fehler\n"
            + "\n".join(f"  - {p}" for p in problems)
        )
    return out


def _source(
    entry: Any, index: int, defaults: dict[str, Any], seen: dict[str, int], lines: dict[Any, int]
) -> SourceConfig:
    """One entry of the list (number `index`), checked; errors name the entry.

    Every mistake of the entry is collected (SourceEntryErrors when there are several), so
    that one run of `check` names them all. `seen` maps the names so far to their entry.
    """
    where = f"Quelle {index}"
    if not isinstance(entry, Mapping):
        raise SourceConfigError("Eintrag ist keine Zuordnung", location=where)
    name = entry.get("name")
    if isinstance(name, str) and name:
        where = f"Quelle {name!r}"
    problems: list[SourceConfigError] = []

    def add(message: str, field: str) -> None:
        problems.append(SourceConfigError(message, location=where, field=field))

    for key in ("name", "kind", "url"):
        if entry.get(key) is None or entry.get(key) == "":
            add(f"Pflichtfeld '{key}' fehlt", key)
    if name is not None and name != "" and (problem := _text_problem("name", name)):
        add(problem, "name")
    if isinstance(name, str) and name:
        if name in seen:
            first = lines.get((seen[name], "name"), lines.get(seen[name]))
            at = f"Zeile {first}" if first else f"Quelle {seen[name]}"
            add(f"Name doppelt vergeben (zuerst in {at})", "name")
        else:
            seen[name] = index
    kind = entry.get("kind")
    known_kind = isinstance(kind, str) and kind in KINDS
    if kind is not None and kind != "" and not known_kind:
        close = closest(str(kind), KINDS)
        meant = f"gemeint ist wohl {close!r}; " if close else ""
        add(f"unbekannte Art {kind!r} ({meant}bekannt sind: {', '.join(KINDS)})", "kind")
    # The settings are the same for every kind, so the keys are checked even when the kind
    # is unknown (against every kind's options): both mistakes are named in one run.
    reads = SOURCE_KINDS[str(kind)].options if known_kind else PARSER_OPTIONS
    problems += _key_problems(entry, _SOURCE_KEYS | _FETCH_KEYS, reads, str(kind), where)
    url = entry.get("url")
    if url is not None and url != "" and (not isinstance(url, str) or not web_link(url.strip())):
        add(f"{url!r} ist keine Web-Adresse (http:// oder https://)", "url")
    enabled = entry.get("enabled", True)
    if not isinstance(enabled, bool):
        # `enabled: nein` is a string, and a non-empty string would count as true
        add(f"muss true oder false sein, nicht {enabled!r}", "enabled")
    # Each setting on its own, so that the message names the field (and its line).
    settings = {**defaults}
    for key, value in entry.items():
        if key in _SETTING_KEYS:
            if problem := _setting_problem(key, value):
                add(problem, key)
            else:
                settings[key] = value
    fetch = FetchConfig.from_mapping(settings)
    max_pages = settings.get("max_pages", 10)
    window = known_kind and SOURCE_KINDS[str(kind)].window
    complete_listing = settings.get("complete_listing", not window)
    options = {k: v for k, v in entry.items() if k not in _SOURCE_KEYS and k not in _FETCH_KEYS}
    nested = entry.get("options")
    if nested is not None and not isinstance(nested, Mapping):
        add("'options' muss eine Zuordnung sein", "options")
    elif nested:
        # Refused like a key of the entry: a typo (`fundr:`) would leave the funder empty.
        problems += _key_problems(nested, set(), reads, str(kind), where, under="options")
        # written twice, one value would win without a word: the administrator meant one
        for key in nested:
            if key in options:
                add(
                    f"steht auch direkt in der Quelle ({key}: {options[key]!r}); nur einmal "
                    "angeben, direkt oder unter 'options'",
                    f"options.{key}",
                )
        options.update(nested)
    # Values are checked only for the options the kind reads: one that it does not read was
    # named above, and is not named again for its value.
    checked = {k: v for k, v in options.items() if k in reads}

    def field_of(key: str) -> str:
        return f"options.{key}" if isinstance(nested, Mapping) and key in nested else key

    if "label" in entry and (problem := _text_problem("label", entry["label"])):
        add(problem, "label")
    for key in _TEXT_OPTIONS:
        if key in checked and (problem := _text_problem(key, checked[key])):
            add(problem, field_of(key))
    if "allow_empty" in checked and not isinstance(checked["allow_empty"], bool):
        add(f"muss true oder false sein, nicht {checked['allow_empty']!r}", field_of("allow_empty"))
    if "languages" in checked and not (
        isinstance(checked["languages"], list)
        and all(isinstance(v, str) and v for v in checked["languages"])
    ):
        add("muss eine Liste von Sprachen sein, etwa [en, de]", field_of("languages"))
    if known_kind:
        problems += _check_options(str(kind), checked, where, field_of)
    if len(problems) > 1:
        raise SourceEntryErrors(problems)
    if problems:
        raise problems[0]
    return SourceConfig(
        name=str(name),
        kind=str(kind),
        url=str(url).strip(),
        label=entry.get("label") or "",
        enabled=enabled,
        max_pages=max_pages,
        complete_listing=complete_listing,
        fetch=fetch,
        options=options,
        raw=dict(entry),
    )


def _setting_problem(key: str, value: Any) -> str | None:
    """Why `value` cannot be the fetch setting (or max_pages, complete_listing) `key`."""
    if key == "max_pages":
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            return f"max_pages muss eine ganze Zahl ab 1 sein, nicht {value!r}"
        return None
    if key == "complete_listing":
        if not isinstance(value, bool):
            return f"complete_listing muss true oder false sein, nicht {value!r}"
        return None
    try:
        FetchConfig.from_mapping({key: value})
    except ValueError as exc:
        return str(exc)
    return None


def _text_problem(key: str, value: Any) -> str | None:
    """Why `value` cannot be the text `key`, or None.

    The parsers read such options with `str()`: a list would be stored as its Python
    spelling ("['NRW']") on every call, a number would pass for a funder.
    """
    if isinstance(value, str):
        return None
    if value is None:
        return "hat keinen Wert: einen Text eintragen oder die Zeile löschen"
    if isinstance(value, list):
        example = f" ({key}: {value[0]})" if len(value) == 1 and isinstance(value[0], str) else ""
        return f"muss ein Text sein, keine Liste: ohne eckige Klammern schreiben{example}"
    if isinstance(value, Mapping):
        return "muss ein Text sein, keine Zuordnung"
    spelled = str(value).lower() if isinstance(value, bool) else str(value)
    return (
        f"muss ein Text sein, nicht {spelled}: in Anführungszeichen setzen, "
        f'wenn es so gemeint ist ({key}: "{spelled}")'
    )


def _unknown_keys(entry: Mapping[str, Any], known: set[str], where: str) -> list[SourceConfigError]:
    """One error per key nobody reads, naming the likely intended one."""
    problems = []
    for key in entry:
        if key in known:
            continue
        close = closest(str(key), known)
        hint = f"gemeint ist wohl '{close}'" if close else "siehe Kopf von data/sources.yaml"
        problems.append(
            SourceConfigError(f"unbekannter Schlüssel ({hint})", location=where, field=str(key))
        )
    return problems


def _key_problems(
    entry: Mapping[str, Any],
    settings: set[str],
    reads: frozenset[str],
    kind: str,
    where: str,
    under: str = "",
) -> list[SourceConfigError]:
    """One error per key of a source (or of its `options:`, `under`) that is neither one of
    `settings` nor an option its kind `reads`.

    An option another kind reads names the kinds it is for; a setting under `options:`
    says where it belongs; any other key names the one it most likely meant.
    """
    problems = []
    for key in entry:
        name = str(key)
        if name in settings or name in reads:
            continue
        field = f"{under}.{name}" if under else name
        if name in PARSER_OPTIONS:
            message = (
                f"Option {name} gilt nicht für Quellen der Art {kind}; "
                f"sie gilt für: {', '.join(kinds_reading(name))}"
            )
        elif under and name in _SOURCE_KEYS | _FETCH_KEYS:
            message = (
                f"'{name}' ist keine Option des Parsers und wird unter '{under}' nicht gelesen: "
                "direkt in die Quelle schreiben"
            )
        else:
            close = closest(name, settings | reads)
            hint = f"gemeint ist wohl '{close}'" if close else "siehe Kopf von data/sources.yaml"
            message = f"unbekannter Schlüssel ({hint})"
        problems.append(SourceConfigError(message, location=where, field=field))
    return problems


def _check_options(
    kind: str, options: dict[str, Any], where: str, field_of: Callable[[str], str]
) -> list[SourceConfigError]:
    """The mistakes in the values of the options `kind` reads (only those are in `options`),
    found before any fetch.

    `field_of` names an option's field (`options.query` when it stands under `options`).
    """
    problems: list[SourceConfigError] = []

    def add(message: str, field: str) -> None:
        problems.append(SourceConfigError(message, location=where, field=field))

    if "include_words" in options:
        words = options["include_words"]
        if not (
            isinstance(words, list)
            and words
            and all(isinstance(w, str) and compact(w) for w in words)
        ):
            add(
                "'include_words' muss eine Liste von Wörtern (mit Buchstaben oder Ziffern) "
                "sein, etwa [Förder, Aufruf]",
                field_of("include_words"),
            )
    if kind == html_list.KIND:
        selectors = options.get("selectors")
        if not isinstance(selectors, Mapping):
            add("'selectors' (item, title, link, date, summary) fehlt", field_of("selectors"))
            return problems
        base = field_of("selectors")
        meant: set[str] = set()
        for key in selectors:
            if key in html_list.SELECTOR_KEYS:
                continue
            close = closest(str(key), html_list.SELECTOR_KEYS)
            if close:
                meant.add(close)
            hint = (
                f"gemeint ist wohl '{close}'"
                if close
                else f"bekannt sind: {', '.join(html_list.SELECTOR_KEYS)}"
            )
            add(f"unbekannter Selektor ({hint})", f"{base}.{key}")
        for key in html_list.SELECTOR_KEYS:
            value = selectors.get(key)
            if value is None or value == "":
                # a typo of a required key was named above, with what it meant
                if key in html_list.REQUIRED and key not in meant:
                    add(f"Selektor '{key}' fehlt", f"{base}.{key}")
            elif problem := html_list.selector_problem(value):
                add(problem, f"{base}.{key}")
    for key in ("query", "sort"):
        if key in options and not isinstance(options[key], Mapping):
            add(f"'{key}' muss eine Zuordnung sein", field_of(key))
    if "page_size" in options:
        page_size = options["page_size"]
        if isinstance(page_size, bool) or not (
            isinstance(page_size, int) and 1 <= page_size <= 100
        ):
            add("'page_size' muss 1 bis 100 sein", field_of("page_size"))
    return problems


def _entry_lines(node: yaml.Node | None) -> dict[Any, int]:
    """1-based lines: of `defaults` and its keys (by ("defaults", key)), of each entry under
    `sources` (by its number from 1), of each key of an entry (by (number, key)) and of the
    keys of a mapping in an entry (by (number, "selectors.item"))."""
    lines: dict[Any, int] = {}
    if not isinstance(node, yaml.MappingNode):
        return lines
    for key, value in node.value:
        if key.value == "defaults":
            lines["defaults"] = key.start_mark.line + 1
            if isinstance(value, yaml.MappingNode):
                for field_key, _ in value.value:
                    lines[("defaults", str(field_key.value))] = field_key.start_mark.line + 1
        if key.value == "sources" and isinstance(value, yaml.SequenceNode):
            for index, item in enumerate(value.value, start=1):
                lines[index] = item.start_mark.line + 1
                if isinstance(item, yaml.MappingNode):
                    for field_key, field_value in item.value:
                        name = str(field_key.value)
                        lines[(index, name)] = field_key.start_mark.line + 1
                        # the keys of `selectors` and `options`, as "selectors.item"
                        if isinstance(field_value, yaml.MappingNode):
                            for sub_key, _ in field_value.value:
                                sub = f"{name}.{sub_key.value}"
                                lines[(index, sub)] = sub_key.start_mark.line + 1
    return lines


def _field_line(lines: dict[Any, int], index: int, field: str | None) -> int | None:
    """The line of an entry's field (`selectors.item`: of that selector), else of the
    field it stands under, else of the entry."""
    parts = (field or "").split(".")
    for depth in range(len(parts), 0, -1):
        if (line := lines.get((index, ".".join(parts[:depth])))) is not None:
            return line
    return lines.get(index)


def _at(lines: dict[Any, int], part: Any) -> str:
    """ ", Zeile N" for a part of the file whose line is known."""
    return f", Zeile {lines[part]}" if part in lines else ""
