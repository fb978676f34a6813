"""The source list (data/sources.yaml): which sources to scrape, with what settings."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from scrapers.dedupe import compact
from scrapers.fetch import FetchConfig
from scrapers.record import ParseError, web_link
from scrapers.registry import KINDS
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
# Kinds whose listing is a window of the newest items (a feed holds its latest 10-50
# entries): an item that drops out of it has not left the source, so it is not marked missing
# unless the source says `complete_listing: true`.
WINDOW_KINDS = frozenset({"feed"})
# The options the parsers read (scrapers/*.py `options.get(...)`). Any other key is most
# likely a typo (`dealy:`, `enable: false`) that would otherwise be ignored without a word.
_PARSER_OPTIONS = {
    "funder", "programme", "region", "funding_type", "language", "languages", "selectors",
    "allow_empty", "query", "sort", "page_size", "include_words",
}  # fmt: skip
_FETCH_KEYS = set(FetchConfig.__dataclass_fields__)


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


def load_sources(path: Path) -> list[SourceConfig]:
    """Read and check the source list; errors name the file and the entry."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except FileNotFoundError:
        raise SourceConfigError(f"Quellenliste {path} nicht gefunden") from None
    except IsADirectoryError:
        raise SourceConfigError(f"Quellenliste {path} ist ein Verzeichnis, keine Datei") from None
    except PermissionError:
        raise SourceConfigError(f"Quellenliste {path} nicht lesbar (keine Berechtigung)") from None
    except OSError as exc:
        raise SourceConfigError(f"Quellenliste {path} nicht lesbar ({exc.strerror})") from None
    except UnicodeDecodeError as exc:
        raise SourceConfigError(
            f"Quellenliste {path} ist keine UTF-8-Datei (Byte {exc.start})"
        ) from None
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
        line, reason = yaml_problem(exc)
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
    problems = _unknown_keys(defaults, _FETCH_KEYS | {"max_pages", "complete_listing"}, "")
    for problem in problems:
        defaults_key = ("defaults", problem.field)
        part = defaults_key if defaults_key in lines else "defaults"
        problem.location = f"{path}{_at(lines, part)}, defaults"
    # Each setting on its own, so that every bad value is named with its line, and a bad one
    # is left out of the entries' settings rather than reported again for every source.
    for key in list(defaults):
        try:
            FetchConfig.from_mapping({key: defaults[key]})
        except ValueError as exc:
            part = ("defaults", key) if ("defaults", key) in lines else "defaults"
            at = f"{path}{_at(lines, part)}, defaults"
            problems.append(SourceConfigError(str(exc), location=at, field=key))
            del defaults[key]
    out: list[SourceConfig] = []
    seen: set[str] = set()
    for index, entry in enumerate(data["sources"], start=1):
        # Every entry is checked, so one run names every mistake in the file.
        try:
            out.append(_source(entry, index, defaults, seen))
        except SourceConfigError as exc:
            for problem in getattr(exc, "problems", [exc]):
                # the line of the field at fault, else of the entry
                key = (index, (problem.field or "").split(".")[0])
                where = _at(lines, key if key in lines else index)
                problem.location = f"{path}{where}, {problem.location}"
                problems.append(problem)
    if len(problems) == 1:
        raise problems[0]
    if problems:
        raise SourceConfigError(
            f"Quellenliste {path}: {len(problems)} Fehler\n"
            + "\n".join(f"  - {p}" for p in problems)
        )
    return out


def _source(entry: Any, index: int, defaults: dict[str, Any], seen: set[str]) -> SourceConfig:
    """One entry of the list (number `index`), checked; errors name the entry."""
    where = f"Quelle {index}"
    if not isinstance(entry, Mapping):
        raise SourceConfigError("Eintrag ist keine Zuordnung", location=where)
    for key in ("name", "kind", "url"):
        if not entry.get(key):
            raise SourceConfigError(f"Pflichtfeld '{key}' fehlt", location=where, field=key)
    name = str(entry["name"])
    where = f"Quelle {name!r}"
    if name in seen:
        raise SourceConfigError("Name doppelt vergeben", location=where, field="name")
    seen.add(name)
    kind = str(entry["kind"])
    # The keys are the same for every kind, so they are checked even when the kind is
    # unknown: both mistakes are named in one run.
    problems = _unknown_keys(entry, _SOURCE_KEYS | _FETCH_KEYS | _PARSER_OPTIONS, where)
    if kind not in KINDS:
        close = closest(kind, KINDS)
        meant = f"gemeint ist wohl {close!r}; " if close else ""
        problems.insert(
            0,
            SourceConfigError(
                f"unbekannte Art {kind!r} ({meant}bekannt sind: {', '.join(KINDS)})",
                location=where,
                field="kind",
            ),
        )
    if len(problems) > 1:
        raise SourceEntryErrors(problems)
    if problems:
        raise problems[0]
    url = entry["url"]
    if not isinstance(url, str) or not web_link(url.strip()):
        raise SourceConfigError(
            f"{url!r} ist keine Web-Adresse (http:// oder https://)",
            location=where,
            field="url",
        )
    url = url.strip()
    enabled = entry.get("enabled", True)
    if not isinstance(enabled, bool):
        # `enabled: nein` is a string, and a non-empty string would count as true
        raise SourceConfigError(
            f"muss true oder false sein, nicht {enabled!r}", location=where, field="enabled"
        )
    merged = {**defaults, **dict(entry)}
    try:
        fetch = FetchConfig.from_mapping(merged)
        max_pages = merged.get("max_pages", 10)
        if isinstance(max_pages, bool) or not isinstance(max_pages, int) or max_pages < 1:
            raise ValueError(f"max_pages muss eine ganze Zahl ab 1 sein, nicht {max_pages!r}")
    except (TypeError, ValueError) as exc:
        raise SourceConfigError(str(exc), location=where) from None
    complete_listing = merged.get("complete_listing", kind not in WINDOW_KINDS)
    if not isinstance(complete_listing, bool):
        raise SourceConfigError(
            "'complete_listing' muss true oder false sein",
            location=where,
            field="complete_listing",
        )
    options = {
        k: v
        for k, v in dict(entry).items()
        if k not in _SOURCE_KEYS and k not in FetchConfig.__dataclass_fields__
    }
    if not isinstance(entry.get("options") or {}, Mapping):
        raise SourceConfigError("'options' muss eine Zuordnung sein", location=where)
    options.update(dict(entry.get("options") or {}))
    _check_options(kind, options, where)
    return SourceConfig(
        name=name,
        kind=kind,
        url=url,
        label=str(entry.get("label", "")),
        enabled=enabled,
        max_pages=max_pages,
        complete_listing=complete_listing,
        fetch=fetch,
        options=options,
        raw=dict(entry),
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


def _check_options(kind: str, options: dict[str, Any], where: str) -> None:
    """Kind-specific options that a parser cannot do without, checked before any fetch."""
    if "include_words" in options:
        words = options["include_words"]
        if kind not in ("feed", "html-list"):
            raise SourceConfigError(
                "'include_words' gilt nur für die Arten feed und html-list",
                location=where,
                field="include_words",
            )
        if not (
            isinstance(words, list)
            and words
            and all(isinstance(w, str) and compact(w) for w in words)
        ):
            raise SourceConfigError(
                "'include_words' muss eine Liste von Wörtern (mit Buchstaben oder Ziffern) "
                "sein, etwa [Förder, Aufruf]",
                location=where,
                field="include_words",
            )
    if kind == "html-list":
        selectors = options.get("selectors")
        if not isinstance(selectors, Mapping):
            raise SourceConfigError(
                "'selectors' (item, title, link, date, summary) fehlt",
                location=where,
                field="selectors",
            )
        for key in ("item", "title"):
            if not isinstance(selectors.get(key), str) or not selectors.get(key):
                raise SourceConfigError(
                    f"Selektor '{key}' fehlt", location=where, field=f"selectors.{key}"
                )
    if kind == "eu-ft":
        for key in ("query", "sort"):
            if key in options and not isinstance(options[key], Mapping):
                raise SourceConfigError(
                    f"'{key}' muss eine Zuordnung sein", location=where, field=key
                )
        if "page_size" in options and not (
            isinstance(options["page_size"], int) and 1 <= options["page_size"] <= 100
        ):
            raise SourceConfigError(
                "'page_size' muss 1 bis 100 sein", location=where, field="page_size"
            )


def _entry_lines(node: yaml.Node | None) -> dict[Any, int]:
    """1-based lines: of `defaults` and its keys (by ("defaults", key)), of each entry under
    `sources` (by its number from 1) and of each key of an entry (by (number, key))."""
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
                    for field_key, _ in item.value:
                        lines[(index, str(field_key.value))] = field_key.start_mark.line + 1
    return lines


def _at(lines: dict[Any, int], part: Any) -> str:
    """ ", Zeile N" for a part of the file whose line is known."""
    return f", Zeile {lines[part]}" if part in lines else ""
