"""The call record: what every parser returns and what `import` reads (see DESIGN.md)."""

from __future__ import annotations

import dataclasses
import hashlib
import json
from dataclasses import dataclass, field
from datetime import date
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit


class ParseError(ValueError):
    """A response or record that cannot be turned into calls.

    Carries where the problem is (source, file, line, field) so the message names it.
    """

    def __init__(
        self,
        message: str,
        *,
        source: str | None = None,
        location: str | None = None,
        field: str | None = None,
    ) -> None:
        self.message = message
        self.source = source
        self.location = location
        self.field = field
        super().__init__(str(self))

    def located(self) -> str:
        """The message without the source: where a line already names the source (or the
        source is the parser's kind, which says nothing to the administrator)."""
        field_part = f" (Feld '{self.field}')" if self.field else ""
        if self.location:
            return f"{self.location}{field_part}: {self.message}"
        return f"{self.message}{field_part}"

    def __str__(self) -> str:
        where = [p for p in (self.source, self.location) if p]
        prefix = ": ".join(where)
        field_part = f" (Feld '{self.field}')" if self.field else ""
        return f"{prefix}{field_part}: {self.message}" if prefix else f"{self.message}{field_part}"


@dataclass(slots=True)
class CallRecord:
    """One funding call as a source publishes it.

    `deadline` None means no deadline: open-ended when `status` is "laufend" (the source
    says so), else none given. `deadlines` maps a stage (e.g. "Projektskizze", "Antrag") to
    its date when a call has several. `deadline_time` and `deadline_times` (by stage) hold
    the time of day of a deadline ("17:00", German time) when the source gives one.
    """

    source: str
    external_id: str
    url: str
    title: str
    funder: str = ""
    programme: str = ""
    summary: str = ""
    text: str = ""
    eligible: list[str] = field(default_factory=list)
    region: str = ""
    funding_type: str = ""
    published: date | None = None
    opens: date | None = None
    deadline: date | None = None
    deadlines: dict[str, date] = field(default_factory=dict)
    deadline_time: str | None = None
    deadline_times: dict[str, str] = field(default_factory=dict)
    amount_max_eur: float | None = None
    funding_rate: float | None = None
    topics: list[str] = field(default_factory=list)
    status: str = ""
    language: str = ""
    # What the parser could not read but did not reject the record for ("Frist im Text
    # nicht lesbar …"): the run's hints, not part of the call.
    hints: list[str] = field(default_factory=list, compare=False)

    # Fields that describe the call's content; their hash detects changes between scrapes.
    CONTENT_FIELDS = (
        "url",
        "title",
        "funder",
        "programme",
        "summary",
        "text",
        "eligible",
        "region",
        "funding_type",
        "published",
        "opens",
        "deadline",
        "deadlines",
        "deadline_time",
        "deadline_times",
        "amount_max_eur",
        "funding_rate",
        "topics",
        "status",
    )
    # Fields added later that the format leaves out when empty: records without them keep
    # their JSON lines and their hash (no rescrape reports every call as changed).
    OPTIONAL_FIELDS = ("deadline_time", "deadline_times")

    def to_json_dict(self) -> dict[str, Any]:
        """The record in the JSONL call-record format (dates as ISO strings, `id` = external id)."""
        out: dict[str, Any] = {"id": self.external_id}
        for f in dataclasses.fields(self):
            if f.name in ("external_id", "hints"):
                continue
            value = getattr(self, f.name)
            if f.name in self.OPTIONAL_FIELDS and not value:
                continue
            out[f.name] = _jsonable(value)
        return out

    def content_hash(self) -> str:
        """A stable hash over the content fields, independent of key order."""
        payload = {
            name: _jsonable(getattr(self, name))
            for name in self.CONTENT_FIELDS
            if name not in self.OPTIONAL_FIELDS or getattr(self, name)
        }
        blob = json.dumps(payload, sort_keys=True, ensure_ascii=False)
        return hashlib.sha256(blob.encode("utf-8")).hexdigest()


def _jsonable(value: Any) -> Any:
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in sorted(value.items())}
    if isinstance(value, list):
        return [_jsonable(v) for v in value]
    return value


def web_link(url: str) -> bool:
    """An http(s) address with a host: other schemes (javascript:, ftp:) are no call page."""
    if any(c.isspace() or ord(c) < 32 for c in url):
        return False
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises ValueError for a port beyond 65535
    except ValueError:  # "http://[::1/x": an unclosed bracket
        return False
    return parts.scheme.lower() in ("http", "https") and bool(parts.netloc)


# Query parameters that only say how a reader came to a page (newsletter, feed, ad click):
# the same page with or without them is one call.
_TRACKING_PREFIXES = ("utm_", "pk_", "piwik_", "mtm_", "matomo_", "_hs", "mc_")
_TRACKING_NAMES = frozenset({"fbclid", "gclid", "dclid", "msclkid", "yclid", "wt_mc", "wt.mc_id"})


def without_tracking(url: str) -> str:
    """`url` without tracking parameters (utm_source, fbclid …); other parameters stay in order.

    Unchanged when there are none, so a link is only rewritten where it carried tracking.
    """
    try:
        parts = urlsplit(url)
    except ValueError:
        return url
    pairs = parse_qsl(parts.query, keep_blank_values=True)
    kept = [
        (name, value)
        for name, value in pairs
        if not name.lower().startswith(_TRACKING_PREFIXES) and name.lower() not in _TRACKING_NAMES
    ]
    if len(kept) == len(pairs):
        return url
    return urlunsplit((parts.scheme, parts.netloc, parts.path, urlencode(kept), parts.fragment))
