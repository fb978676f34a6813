"""What a parser returns, and helpers shared by the HTML parsers (decoding, text extraction)."""

from __future__ import annotations

import html
import re
import warnings
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Protocol
from urllib.parse import urljoin, urlsplit, urlunsplit

from bs4 import BeautifulSoup, MarkupResemblesLocatorWarning, Tag

from scrapers import normalise as norm
from scrapers.dedupe import compact
from scrapers.encoding import decode_body
from scrapers.record import CallRecord, ParseError

Headers = Mapping[str, str]
Options = Mapping[str, Any]


@dataclass(slots=True)
class ParseResult:
    """Records found on one response, plus the links a crawler should follow next.

    `detail_links` are pages to fetch and parse for full records (Förderdatenbank list →
    programme pages); `next_page` is the following result page; `listed_ids` are the
    external ids the page lists (also when their detail page is not fetched again).
    """

    records: list[CallRecord] = field(default_factory=list)
    detail_links: list[str] = field(default_factory=list)
    next_page: str | None = None
    listed_ids: list[str] = field(default_factory=list)
    total: int | None = None
    warnings: list[str] = field(default_factory=list)
    # Items rejected as unusable (no title or link, unreadable date or number); the rest of
    # the page is still used, but the page no longer counts as completely read.
    errors: list[str] = field(default_factory=list)
    # Internal code → label pairs a page explains (the Förderdatenbank's filter sidebar).
    code_labels: dict[str, str] = field(default_factory=dict)
    # Items read but left out by the source's `include_words` (news, not calls): the page
    # was not empty even when no record is left.
    left_out: int = 0
    # Items whose reading raised an unexpected exception (a bug in the parser, not the
    # source's fault); each is also in `errors`. The caller logs them with its traceback,
    # since only it knows the source.
    bugs: list[ItemBug] = field(default_factory=list)

    def add_item(self, build: Callable[..., CallRecord], *args: Any, where: str = "") -> None:
        """Add the record `build(*args)` makes, once per external id.

        A ParseError rejects only this item: the rest of the page is still used. So does any
        other exception (a bug shown by one odd item should not lose the page's other
        calls); it is kept in `bugs` for the caller to log. `where` names the item
        ("<url> (Eintrag 3)").
        """
        try:
            record = build(*args)
        except ParseError as exc:
            self.errors.append(exc.located())
            return
        except Exception as exc:
            bug = ItemBug(where, exc)
            self.bugs.append(bug)
            self.errors.append(bug.message)
            return
        if record.external_id in self.listed_ids:
            return
        self.warnings.extend(record.hints)
        self.records.append(record)
        self.listed_ids.append(record.external_id)


def internal_error(where: str = " im Parser") -> str:
    """What an administrator reads for a bug: it is not the source's fault, and the
    exception's (English) text and traceback are in the log, not in the message."""
    return (
        f"interner Fehler{where} – ein Programmfehler, kein Fehler der Quelle; Einzelheiten "
        "(Traceback) im Log (stderr bzw. LOG_FILE), bitte mit dieser Meldung an die "
        "Entwicklung melden"
    )


@dataclass(frozen=True, slots=True)
class ItemBug:
    """One item whose reading raised an unexpected exception."""

    where: str
    error: Exception

    @property
    def message(self) -> str:
        """The German line for the run: which item, and where the details are."""
        prefix = f"{self.where}: " if self.where else ""
        return prefix + internal_error(" im Parser, Eintrag ausgelassen")


class InternalParserError(ParseError):
    """A parser raised an unexpected exception for a whole page (a bug in the parser)."""

    def __init__(self, url: str) -> None:
        super().__init__(internal_error(), location=url)


class Parser(Protocol):
    """The interface of every parser module's `parse` function."""

    def __call__(
        self,
        body: bytes,
        url: str,
        headers: Headers | None = None,
        *,
        options: Options | None = None,
    ) -> ParseResult: ...


def unread_deadline_hints(where: str, title: str, unread: list[str]) -> list[str]:
    """The run's hints for deadlines a text gives in a form that was not read."""
    return [
        f"{where} „{title}“: Frist im Text nicht lesbar: „{phrase}“ – bitte in der Quelle nachsehen"
        for phrase in unread
    ]


@dataclass(frozen=True, slots=True)
class FieldDeadline:
    """What a deadline field (a list's column, a `<time>`) says: a day with its time of
    day, "laufend", or nothing."""

    day: date | None = None
    time: str | None = None
    rolling: bool = False


def read_deadline_field(
    node: Tag | None, kind: str, where: str, today: date, field_name: str = "deadline"
) -> FieldDeadline:
    """Read a deadline field; "laufend"/"jederzeit" is open-ended, not an unreadable date.

    Raises ParseError naming the item and field for any other value without a date.
    """
    if node is None:
        return FieldDeadline()
    raw = str(node.get("datetime") or node.get_text(" ")).strip()
    try:
        day, time = norm.parse_deadline_time(raw, today)
    except ValueError as exc:
        raise ParseError(str(exc), source=kind, location=where, field=field_name) from None
    return FieldDeadline(day, time, day is None and norm.says_rolling(raw))


def keep_funding_items(result: ParseResult, options: Options) -> None:
    """With `include_words` (a source whose feed or list carries all its news, not only
    calls), drop the records whose title, summary and topics name none of the words, case
    ignored, also inside a longer word ("Förder" finds "Mikroförderung"). Umlauts and
    spacing are folded as for duplicates, so "Foerder" finds "Förderaufruf" and "Call for"
    finds "Call-for-Proposals". A record left out is not listed either: a complete listing
    marks one stored before the words were set as no longer listed, so it leaves the
    Eingang."""
    words = [w for w in (compact(str(w)) for w in options.get("include_words") or []) if w]
    if not words:
        return
    kept: list[CallRecord] = []
    dropped: set[str] = set()
    for record in result.records:
        said = compact(" ".join([record.title, record.summary, *record.topics]))
        if any(word in said for word in words):
            kept.append(record)
        else:
            dropped.add(record.external_id)
    result.left_out += len(dropped)
    result.records = kept
    result.listed_ids = [i for i in result.listed_ids if i not in dropped]


def reference_date(options: Options | None) -> date:
    """The "today" used to resolve yearly dates and derive status; tests pass `today`."""
    value = (options or {}).get("today")
    if isinstance(value, date):
        return value
    if isinstance(value, str) and value:
        return date.fromisoformat(value)
    return date.today()


def make_soup(body: bytes, headers: Headers | None) -> BeautifulSoup:
    """Decode the body (header charset, document charset, detector) and parse it with lxml."""
    with warnings.catch_warnings():
        # a response whose whole body looks like a URL is still a response to parse
        warnings.simplefilter("ignore", MarkupResemblesLocatorWarning)
        return BeautifulSoup(decode_body(body, headers), "lxml")


def base_url(soup: BeautifulSoup, url: str) -> str:
    """The URL relative links resolve against: `<base href>` when present (itself resolved)."""
    base = soup.find("base", href=True)
    if isinstance(base, Tag):
        return urljoin(url, str(base["href"]))
    return url


def absolute(href: str, base: str) -> str:
    """Resolve `href` against `base` and drop the fragment."""
    parts = urlsplit(urljoin(base, href.strip()))
    return urlunsplit((parts.scheme, parts.netloc, parts.path, parts.query, ""))


_BLOCK_TAGS = ("p", "li", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "dt", "dd", "br", "div")


def block_text(node: Tag | None) -> str:
    """The visible text of `node` with one line per block element and tidy whitespace."""
    if node is None:
        return ""
    for tag in node.find_all(["script", "style", "noscript", "svg"]):
        tag.decompose()
    for tag in node.find_all(_BLOCK_TAGS):
        tag.insert_before("\n")
        tag.insert_after("\n")
    return tidy_lines(node.get_text(" "))


# Soft hyphens and zero-width characters: invisible on the page, but they split words for
# the search ("Digital&shy;check" is not found as "Digitalcheck").
_INVISIBLE = re.compile("[\u00ad\u200b\u200c\u200d\u2060\ufeff]")


def tidy_lines(text: str) -> str:
    """`text` with runs of spaces collapsed, each line stripped and empty lines dropped."""
    text = _INVISIBLE.sub("", text)
    lines = [re.sub(r"[ \t\r\f\v\u00a0]+", " ", line).strip() for line in text.split("\n")]
    return "\n".join(line for line in lines if line)


def text_line(value: str) -> str:
    """Plain text (a JSON or feed field) on one line: entities left by double escaping
    decoded, invisible characters dropped, whitespace collapsed."""
    return " ".join(_INVISIBLE.sub("", html.unescape(value)).split())


def inline_text(node: Tag | None) -> str:
    """The text of `node` on one line."""
    if node is None:
        return ""
    return re.sub(r"\s+", " ", _INVISIBLE.sub("", node.get_text(" "))).strip()


def first_sentence(text: str, limit: int = 300) -> str:
    """A short summary: the first sentence(s) of `text`, at most `limit` characters."""
    text = re.sub(r"\s+", " ", text).strip()
    if len(text) <= limit:
        return text
    cut = text[:limit]
    end = max(cut.rfind(". "), cut.rfind("! "), cut.rfind("? "))
    return cut[: end + 1] if end > 80 else cut.rstrip() + " …"
