"""The parser of each source kind, by the name used in sources.yaml and on the command line."""

from __future__ import annotations

from scrapers import eu_ft, feed, foerderdatenbank, foerderinfo, html_list
from scrapers.base import Parser

PARSERS: dict[str, Parser] = {
    "foerderdatenbank": foerderdatenbank.parse,
    "foerderinfo": foerderinfo.parse,
    "eu-ft": eu_ft.parse,
    "feed": feed.parse,
    "html-list": html_list.parse,
}
KINDS = tuple(PARSERS)


class UnknownKind(KeyError):
    """A source kind that has no parser."""

    def __str__(self) -> str:
        return f"Unbekannte Quellenart {self.args[0]!r}; bekannt sind: {', '.join(KINDS)}"


def get_parser(kind: str) -> Parser:
    """The parse function for `kind` (raises UnknownKind with the list of known kinds)."""
    try:
        return PARSERS[kind]
    except KeyError:
        raise UnknownKind(kind) from None
