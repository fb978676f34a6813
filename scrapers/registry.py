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


# Each kind's PARSER_VERSION, plus SHARED_VERSION for what every parser uses (dates,
# amounts, eligibility in scrapers.normalise; scrapers.base): part of what a source's pages
# are read into, so a new version makes the next scrape read them in full.
SHARED_VERSION = 1
_MODULES = {
    "foerderdatenbank": foerderdatenbank,
    "foerderinfo": foerderinfo,
    "eu-ft": eu_ft,
    "feed": feed,
    "html-list": html_list,
}


def parser_version(kind: str) -> str:
    """The version of what reads `kind`'s pages ("2.1": shared 2, the kind's own 1)."""
    module = _MODULES.get(kind)
    own = module.PARSER_VERSION if module is not None else 0
    return f"{SHARED_VERSION}.{own}"


def get_parser(kind: str) -> Parser:
    """The parse function for `kind` (raises UnknownKind with the list of known kinds)."""
    try:
        return PARSERS[kind]
    except KeyError:
        raise UnknownKind(kind) from None
