"""Every source kind, by the name used in sources.yaml and on the command line.

The one list of kinds: `check` (scrapers/sources.py), `parse --help` and the kind's error
messages read it, so a new kind is added here and in its parser module (docs/scraping.md,
"Eine neue Art von Quelle").
"""

from __future__ import annotations

from dataclasses import dataclass

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


SOURCE_KINDS: dict[str, SourceKind] = {
    foerderdatenbank.KIND: SourceKind(foerderdatenbank.parse, foerderdatenbank.OPTIONS),
    foerderinfo.KIND: SourceKind(foerderinfo.parse, foerderinfo.OPTIONS),
    eu_ft.KIND: SourceKind(eu_ft.parse, eu_ft.OPTIONS),
    feed.KIND: SourceKind(feed.parse, feed.OPTIONS, window=True),
    html_list.KIND: SourceKind(html_list.parse, html_list.OPTIONS),
}
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


def get_parser(kind: str) -> Parser:
    """The parse function for `kind` (raises UnknownKind with the list of known kinds)."""
    try:
        return SOURCE_KINDS[kind].parse
    except KeyError:
        raise UnknownKind(kind) from None
