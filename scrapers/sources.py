"""The source list (data/sources.yaml): which sources to scrape, with what settings."""

from __future__ import annotations

import difflib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from scrapers.fetch import FetchConfig
from scrapers.record import ParseError, web_link
from scrapers.registry import KINDS

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
    "allow_empty", "query", "sort", "page_size",
}  # fmt: skip
_FETCH_KEYS = set(FetchConfig.__dataclass_fields__)


class SourceConfigError(ParseError):
    """sources.yaml is missing, unreadable or has an unusable entry."""


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
    except OSError as exc:
        raise SourceConfigError(f"Quellenliste {path} nicht lesbar ({exc.strerror})") from None
    except UnicodeDecodeError as exc:
        raise SourceConfigError(
            f"Quellenliste {path} ist keine UTF-8-Datei (Byte {exc.start})"
        ) from None
    try:
        data = yaml.safe_load(text) or {}
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = f", Zeile {mark.line + 1}" if mark is not None else ""
        raise SourceConfigError(f"Quellenliste {path} ist kein gültiges YAML{line}") from None
    if not isinstance(data, Mapping) or not isinstance(data.get("sources"), list):
        raise SourceConfigError(f"Quellenliste {path}: Schlüssel 'sources' (eine Liste) fehlt")
    defaults_raw = data.get("defaults") or {}
    if not isinstance(defaults_raw, Mapping):
        raise SourceConfigError(
            "'defaults' muss eine Zuordnung (Einstellung: Wert) sein",
            location=str(path),
            field="defaults",
        )
    defaults = dict(defaults_raw)
    _check_keys(defaults, _FETCH_KEYS | {"max_pages", "complete_listing"}, f"{path}, defaults")
    try:
        FetchConfig.from_mapping(defaults)
    except ValueError as exc:
        raise SourceConfigError(str(exc), location=f"{path}, defaults") from None
    out: list[SourceConfig] = []
    seen: set[str] = set()
    for index, entry in enumerate(data["sources"], start=1):
        where = f"{path}, Quelle {index}"
        if not isinstance(entry, Mapping):
            raise SourceConfigError("Eintrag ist keine Zuordnung", location=where)
        for key in ("name", "kind", "url"):
            if not entry.get(key):
                raise SourceConfigError(f"Pflichtfeld '{key}' fehlt", location=where, field=key)
        name = str(entry["name"])
        where = f"{path}, Quelle {name!r}"
        if name in seen:
            raise SourceConfigError("Name doppelt vergeben", location=where, field="name")
        seen.add(name)
        kind = str(entry["kind"])
        if kind not in KINDS:
            raise SourceConfigError(
                f"unbekannte Art {kind!r}; bekannt sind: {', '.join(KINDS)}",
                location=where,
                field="kind",
            )
        _check_keys(entry, _SOURCE_KEYS | _FETCH_KEYS | _PARSER_OPTIONS, where)
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
        out.append(
            SourceConfig(
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
        )
    return out


def _check_keys(entry: Mapping[str, Any], known: set[str], where: str) -> None:
    """Refuse a key nobody reads, naming the likely intended one."""
    for key in entry:
        if key in known:
            continue
        close = difflib.get_close_matches(str(key), sorted(known), n=1, cutoff=0.6)
        hint = f"gemeint ist wohl '{close[0]}'" if close else "siehe Kopf von data/sources.yaml"
        raise SourceConfigError(f"unbekannter Schlüssel ({hint})", location=where, field=str(key))


def _check_options(kind: str, options: dict[str, Any], where: str) -> None:
    """Kind-specific options that a parser cannot do without, checked before any fetch."""
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
