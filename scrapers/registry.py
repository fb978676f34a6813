"""Every source kind, by the name used in sources.yaml and on the command line.

The one list of kinds: `check` (scrapers/sources.py), `parse --help` and the kind's error
messages read it, so a new kind is added here and in its parser module (docs/scraping.md,
"Eine neue Art von Quelle").
"""

from __future__ import annotations

from dataclasses import dataclass
from types import ModuleType

from scrapers import eu_ft, feed, foerderdatenbank, foerderinfo, html_list
from scrapers.base import Parser


@dataclass(frozen=True, slots=True)
class SourceKind:
    """What the code knows of one kind of source."""

    parse: Parser
    # The options of sources.yaml the parser (or its crawl) reads; `check` refuses any other,
    # so that an option of another kind is not ignored without a word.
    options: frozenset[str]
    # The listing holds only the newest items (a feed's 10-50 entries): an item that drops
    # out of it has not left the source, so `complete_listing` defaults to false.
    window: bool = False
    # The module's PARSER_VERSION (see `parser_version`).
    version: int = 1


def _kind(module: ModuleType, *, window: bool = False) -> tuple[str, SourceKind]:
    return module.KIND, SourceKind(module.parse, module.OPTIONS, window, module.PARSER_VERSION)


SOURCE_KINDS: dict[str, SourceKind] = dict(
    [
        _kind(foerderdatenbank),
        _kind(foerderinfo),
        _kind(eu_ft),
        _kind(feed, window=True),
        _kind(html_list),
    ]
)
KINDS = tuple(SOURCE_KINDS)
# Every option some kind reads.
PARSER_OPTIONS: frozenset[str] = frozenset().union(*(k.options for k in SOURCE_KINDS.values()))


def kinds_reading(option: str) -> list[str]:
    """The kinds whose parser reads `option`, in the registry's order."""
    return [name for name, kind in SOURCE_KINDS.items() if option in kind.options]


class UnknownKind(KeyError):
    """A source kind that has no parser."""

    def __str__(self) -> str:
        return f"Unbekannte Quellenart {self.args[0]!r}; bekannt sind: {', '.join(KINDS)}"


# Each kind's PARSER_VERSION, plus SHARED_VERSION for what every parser uses (dates,
# amounts, eligibility in scrapers.normalise; scrapers.base): part of what a source's pages
# are read into, so a new version makes the next scrape read them in full.
SHARED_VERSION = 1


def parser_version(kind: str) -> str:
    """The version of what reads `kind`'s pages ("2.1": shared 2, the kind's own 1)."""
    known = SOURCE_KINDS.get(kind)
    return f"{SHARED_VERSION}.{known.version if known is not None else 0}"


def get_parser(kind: str) -> Parser:
    """The parse function for `kind` (raises UnknownKind with the list of known kinds)."""
    try:
        return SOURCE_KINDS[kind].parse
    except KeyError:
        raise UnknownKind(kind) from None
