"""The polite fetch layer shared by all sources.

One `Fetcher` per source run: a requests session with a descriptive User-Agent, connect and
read timeouts, bounded retries with backoff on 429/5xx honouring Retry-After, a per-host delay
(raised to robots.txt's Crawl-delay), robots.txt obeyed, conditional GET with validators kept
per URL, a size cap, a redirect cap with every hop checked, refusal of private addresses
(SSRF) unless the source allows them, and detection of bot walls served as HTTP 200.

Responses can be recorded to and replayed from `data/snapshots/<source>/` so that an offline
run goes through exactly the same parse path.
"""

from __future__ import annotations

import contextlib
import email.utils
import hashlib
import ipaddress
import json
import re
import socket
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Protocol
from urllib.parse import urljoin, urlsplit

import requests
from protego import Protego
from requests.adapters import HTTPAdapter
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool
from urllib3.exceptions import LocationParseError
from urllib3.util import parse_url

from scrapers.net_errors import (
    NetworkProblem,
    describe_http_status,
    describe_network_error,
    dns_failure,
    host_of,
    invalid_url,
    seconds,
)

DEFAULT_USER_AGENT = (
    "funding-matcher/0.1 (Fördermittelrecherche für Kommunen; "
    "+https://github.com/funding-matcher/funding-matcher)"
)
RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})


class FetchError(Exception):
    """A response that could not be obtained or must not be used."""

    def __init__(self, message: str, *, url: str = "", status: int | None = None) -> None:
        self.message = message
        self.url = url
        self.status = status
        super().__init__(f"{url}: {message}" if url else message)


class RobotsDisallowed(FetchError):
    """robots.txt forbids this URL for our user agent."""


class BotWallError(FetchError):
    """The server answered 200 with a challenge or block page instead of content."""


@dataclass(slots=True)
class FetchConfig:
    """Politeness and safety settings; a source may override any of them in sources.yaml."""

    user_agent: str = DEFAULT_USER_AGENT
    connect_timeout: float = 10.0
    read_timeout: float = 30.0
    # The read timeout bounds each wait for data, not the whole body: a server that sends a
    # byte every few seconds would hold the weekly run for hours without this limit.
    total_timeout: float = 120.0
    retries: int = 3
    backoff: float = 2.0
    max_retry_after: float = 120.0
    delay: float = 2.0
    max_crawl_delay: float = 60.0
    max_bytes: int = 10_000_000
    max_redirects: int = 5
    obey_robots: bool = True
    allow_private: bool = False

    @classmethod
    def from_mapping(cls, values: Mapping[str, object]) -> FetchConfig:
        """Build from a sources.yaml mapping, ignoring keys that are not fetch settings.

        Raises ValueError naming the setting for a value of the wrong type or out of range
        (e.g. `delay: bald`, `read_timeout: 0`, `retries: -1`).
        """
        config = cls()
        for name in cls.__dataclass_fields__:
            if name not in values or values[name] is None:
                continue
            value = values[name]
            current = getattr(config, name)
            if isinstance(current, bool):
                if not isinstance(value, bool):
                    raise ValueError(f"{name} muss true oder false sein, nicht {value!r}")
                setattr(config, name, value)
            elif isinstance(current, int | float):
                setattr(config, name, _setting_number(name, value, type(current)))
            else:
                setattr(config, name, str(value))
        return config


# Settings that must be above zero (a zero timeout or size cap cannot fetch anything);
# every other number may be zero but not negative.
_POSITIVE_SETTINGS = frozenset({"connect_timeout", "read_timeout", "total_timeout", "max_bytes"})


def _setting_number(name: str, value: object, kind: type) -> float | int:
    """`value` as a finite, non-negative number of `kind` (int or float), or ValueError."""
    number: float | None = None
    if isinstance(value, int | float) and not isinstance(value, bool):
        number = float(value)
    elif isinstance(value, str):
        try:
            number = float(value.strip())
        except ValueError:
            number = None
    if number is None or number != number or number in (float("inf"), float("-inf")):
        raise ValueError(f"{name} muss eine Zahl sein, nicht {value!r}")
    if kind is int and not number.is_integer():
        raise ValueError(f"{name} muss eine ganze Zahl sein, nicht {value!r}")
    if number < 0 or (number == 0 and name in _POSITIVE_SETTINGS):
        limit = "größer als 0" if name in _POSITIVE_SETTINGS else "mindestens 0"
        raise ValueError(f"{name} muss {limit} sein, nicht {value!r}")
    return int(number) if kind is int else number


@dataclass(slots=True)
class Validators:
    """What is kept per URL for the next conditional request."""

    etag: str = ""
    last_modified: str = ""
    content_hash: str = ""
    # What the crawler read from a list page (the ids it lists, its next page): kept with the
    # validators, so that a 304 or the same body still says which calls the page lists and
    # where the listing goes on, without parsing the page again.
    listing: dict[str, Any] | None = None


class ValidatorStore(Protocol):
    """Where validators live between runs (the app keeps them in the http_cache table)."""

    def get(self, key: str) -> Validators | None: ...

    def put(self, key: str, validators: Validators) -> None: ...


class MemoryValidatorStore:
    """A validator store in a dict, for tests and one-off runs."""

    def __init__(self) -> None:
        self.data: dict[str, Validators] = {}

    def get(self, key: str) -> Validators | None:
        return self.data.get(key)

    def put(self, key: str, validators: Validators) -> None:
        self.data[key] = validators


@dataclass(slots=True)
class Response:
    """A fetched (or replayed) response.

    `not_modified` is set for a 304 and for a 200 whose body is identical to the last one
    seen (servers without validators, POST APIs): either way there is nothing to parse.
    """

    url: str
    status: int
    headers: dict[str, str]
    body: bytes
    not_modified: bool = False
    from_snapshot: bool = False
    cache_key: str = ""
    # For a not-modified response: what the crawler remembered of this page last time
    # (`Validators.listing`); None when nothing was remembered.
    listing: dict[str, Any] | None = None


@dataclass(slots=True)
class FetchStats:
    """Counters of one source run."""

    requests: int = 0
    not_modified: int = 0
    bytes_received: int = 0
    retries: int = 0
    robots_requests: int = 0


def body_digest(body: bytes | None) -> str:
    """The SHA-256 of a request or response body ('' for none)."""
    return hashlib.sha256(body).hexdigest() if body else ""


def cache_key(method: str, url: str, body: bytes | None = None) -> str:
    """The key validators and snapshots are stored under: URL, plus method and body for POST."""
    return _make_key(method, url, body_digest(body))


def _make_key(method: str, url: str, digest: str) -> str:
    if method.upper() == "GET" and not digest:
        return url
    return f"{method.upper()} {url} #{digest[:16]}"


# --- bot walls --------------------------------------------------------------------------

_BOT_MARKERS = (
    b"cf-browser-verification",
    b"cf-challenge",
    b"/cdn-cgi/challenge-platform",
    b"challenge-platform",
    b"checking your browser",
    b"attention required! | cloudflare",
    b"_incapsula_resource",
    b"incapsula incident",
    b"captcha-delivery.com",
    b"px-captcha",
    b"g-recaptcha",
    b"h-captcha",
    b"ddos-guard",
    b"are you a robot",
    b"sind sie ein roboter",
    b"request unsuccessful. incapsula",
    b"please enable javascript and cookies to continue",
    b"bitte aktivieren sie javascript und cookies",
)
_BLOCK_TITLE = re.compile(
    rb"<title>\s*(?:just a moment|access denied|zugriff verweigert|403 forbidden|"
    rb"security check|sicherheits(?:\xc3\xbc|ue)berpr(?:\xc3\xbc|ue)fung|bot protection|robot check)",
    re.I,
)


def detect_bot_wall(body: bytes, headers: Mapping[str, str]) -> str | None:
    """A reason when `body` is a challenge or block page rather than content, else None.

    Only HTML is inspected, and large pages only for unmistakable markers: a normal page
    may mention "Captcha" in a contact form.
    """
    content_type = _header(headers, "content-type").lower()
    if content_type and "html" not in content_type:
        return None
    head = body[:65536].lower()
    for marker in _BOT_MARKERS:
        if marker in head and (
            len(body) < 50_000 or marker.startswith(b"cf-") or b"incapsula" in marker
        ):
            return f"Bot-Schutzseite erkannt ({marker.decode()})"
    if _BLOCK_TITLE.search(head):
        return "Sperrseite statt Inhalt erkannt"
    return None


def _header(headers: Mapping[str, str], name: str) -> str:
    for key, value in headers.items():
        if key.lower() == name:
            return value
    return ""


# --- address checks ---------------------------------------------------------------------


def check_url(url: str, *, allow_private: bool) -> None:
    """Refuse non-HTTP schemes and, unless allowed, hosts that resolve to private addresses."""
    try:
        parts = urlsplit(url)
    except ValueError:  # "http://[::1/" (an unclosed bracket)
        raise FetchError(invalid_url(url).text, url=url) from None
    if parts.scheme not in ("http", "https"):
        raise FetchError(f"nur http(s) erlaubt, nicht {parts.scheme or 'ohne Schema'!r}", url=url)
    host = parts.hostname
    if not host:
        raise FetchError("Adresse ohne Host", url=url)
    try:
        port = parts.port
        parse_url(url)  # what requests would refuse: a space in the host, "[::1" …
    except (ValueError, LocationParseError):
        raise FetchError(invalid_url(url).text, url=url) from None
    if allow_private:
        return
    try:
        infos = socket.getaddrinfo(host, port or (443 if parts.scheme == "https" else 80))
    except socket.gaierror as exc:
        raise FetchError(dns_failure(host_of(url), exc.errno).text, url=url) from None
    for info in infos:
        address = ipaddress.ip_address(info[4][0])
        if (
            address.is_private
            or address.is_loopback
            or address.is_link_local
            or address.is_reserved
            or address.is_multicast
            or address.is_unspecified
            # Shared address space (100.64/10) and other non-global ranges: cloud metadata
            # services live there too (e.g. 100.100.100.200).
            or not address.is_global
        ):
            raise FetchError(
                f"Adresse {address} von {host!r} ist lokal oder privat; "
                "nur mit 'allow_private: true' in der Quellenkonfiguration erlaubt",
                url=url,
            )


class PrivatePeerError(FetchError):
    """A connection reached a local or private address although the host's check passed.

    That happens when DNS answers differently at the check and at the connect (DNS
    rebinding): the address the socket really reached is checked too.
    """


def _check_peer(sock: socket.socket, host: str) -> None:
    """Close `sock` and raise PrivatePeerError unless it is connected to a global address."""
    try:
        peer = ipaddress.ip_address(sock.getpeername()[0])
    except (OSError, ValueError):
        return
    if not peer.is_global:
        sock.close()
        raise PrivatePeerError(
            f"Verbindung zu {peer} für {host!r} ist lokal oder privat; "
            "nur mit 'allow_private: true' in der Quellenkonfiguration erlaubt"
        )


class _PublicHTTPConnection(HTTPConnection):
    def _new_conn(self) -> socket.socket:
        sock = super()._new_conn()
        _check_peer(sock, self.host)
        return sock


class _PublicHTTPSConnection(HTTPSConnection):
    def _new_conn(self) -> socket.socket:
        sock = super()._new_conn()
        _check_peer(sock, self.host)
        return sock


class _PublicHTTPPool(HTTPConnectionPool):
    ConnectionCls = _PublicHTTPConnection


class _PublicHTTPSPool(HTTPSConnectionPool):
    ConnectionCls = _PublicHTTPSConnection


class PublicOnlyAdapter(HTTPAdapter):
    """Checks the address every direct connection really reached (see PrivatePeerError).

    Requests through a configured proxy are not checked here: the proxy connects.
    """

    def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
        super().init_poolmanager(*args, **kwargs)
        self.poolmanager.pool_classes_by_scheme = {
            "http": _PublicHTTPPool,
            "https": _PublicHTTPSPool,
        }


def _retry_after(raw: requests.Response) -> float | None:
    """The seconds a response's Retry-After asks for (None: none, or unreadable)."""
    value = raw.headers.get("Retry-After")
    return parse_retry_after(value) if value else None


def _same_page(url: str, other: str) -> bool:
    """The same address apart from its query (a page number) and fragment."""

    def page(address: str) -> tuple[str, str, str]:
        parts = urlsplit(address)
        return parts.scheme, parts.netloc.lower(), parts.path or "/"

    return page(url) == page(other)


def parse_retry_after(value: str, now: datetime | None = None) -> float | None:
    """Seconds to wait from a Retry-After header (delta seconds or an HTTP date)."""
    value = (value or "").strip()
    if not value:
        return None
    if value.isascii() and value.isdigit():  # "¹" or "٣" are digits to str.isdigit()
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    now = now or datetime.now(UTC)
    return max(0.0, (when - now).total_seconds())


# --- snapshots --------------------------------------------------------------------------

_KEPT_HEADERS = ("content-type", "etag", "last-modified")
_EXTENSIONS = {"html": ".html", "json": ".json", "xml": ".xml", "rss": ".xml", "atom": ".xml"}


class SnapshotStore:
    """Recorded responses of one source: `manifest.json` maps method+URL+body to a file."""

    def __init__(self, directory: Path) -> None:
        self.directory = Path(directory)
        self.manifest_path = self.directory / "manifest.json"
        self._entries: dict[str, dict[str, object]] | None = None

    def _load(self) -> dict[str, dict[str, object]]:
        if self._entries is None:
            self._entries = {}
            if self.manifest_path.exists():
                try:
                    data = json.loads(self.manifest_path.read_text(encoding="utf-8"))
                except (json.JSONDecodeError, UnicodeDecodeError) as exc:
                    line = f" (Zeile {exc.lineno})" if isinstance(exc, json.JSONDecodeError) else ""
                    raise FetchError(
                        f"Snapshot-Manifest {self.manifest_path} ist kein gültiges JSON{line}"
                    ) from None
                entries = data.get("entries") if isinstance(data, dict) else None
                if not isinstance(entries, list):
                    raise FetchError(f"Snapshot-Manifest {self.manifest_path}: 'entries' fehlt")
                for number, entry in enumerate(entries, start=1):
                    if not isinstance(entry, dict) or not all(
                        entry.get(k) for k in ("method", "url", "file")
                    ):
                        raise FetchError(
                            f"Snapshot-Manifest {self.manifest_path}: Eintrag {number} "
                            "braucht method, url und file"
                        )
                    key = _make_key(
                        str(entry["method"]), str(entry["url"]), str(entry.get("body_sha256") or "")
                    )
                    self._entries[key] = entry
        return self._entries

    def entries(self) -> list[dict[str, object]]:
        """All manifest entries (for serving the snapshots in tests)."""
        return list(self._load().values())

    def lookup(self, method: str, url: str, body: bytes | None = None) -> Response:
        """The recorded response for this request; FetchError naming the URL when there is none."""
        key = cache_key(method, url, body)
        entry = self._load().get(key)
        if entry is None:
            if not self.manifest_path.exists():
                raise FetchError(
                    f"keine Aufzeichnungen dieser Quelle in {self.directory}: --offline spielt "
                    "nur aufgezeichnete Antworten ab (mitgeliefert für die Beispielquellen) – "
                    "ohne --offline abrufen oder mit `scrape --record` aufzeichnen",
                    url=url,
                )
            raise FetchError(
                f"kein Snapshot in {self.directory} für {method.upper()} dieser Adresse (nach "
                "der Aufzeichnung in sources.yaml geändert?) – ohne --offline abrufen oder mit "
                "`scrape --record` neu aufzeichnen",
                url=url,
            )
        path = self.directory / str(entry["file"])
        try:
            content = path.read_bytes()
        except OSError as exc:
            raise FetchError(
                f"Snapshot-Datei {path} nicht lesbar ({exc.strerror})", url=url
            ) from None
        headers = {str(k): str(v) for k, v in dict(entry.get("headers") or {}).items()}  # type: ignore[call-overload]
        return Response(
            url=url,
            status=int(entry.get("status", 200)),  # type: ignore[call-overload]
            headers=headers,
            body=content,
            from_snapshot=True,
            cache_key=key,
        )

    def record(self, method: str, url: str, body: bytes | None, response: Response) -> None:
        """Save a response body and its headers and update the manifest."""
        entries = self._load()
        key = cache_key(method, url, body)
        content_type = _header(response.headers, "content-type").lower()
        ext = next((e for k, e in _EXTENSIONS.items() if k in content_type), ".bin")
        slug = re.sub(r"[^a-z0-9]+", "-", urlsplit(url).path.lower())[-60:].strip("-") or "index"
        name = f"{slug}-{hashlib.sha256(key.encode()).hexdigest()[:8]}{ext}"
        self.directory.mkdir(parents=True, exist_ok=True)
        (self.directory / name).write_bytes(response.body)
        entries[key] = {
            "method": method.upper(),
            "url": url,
            "body_sha256": body_digest(body),
            "file": name,
            "status": response.status,
            "headers": {k: v for k, v in response.headers.items() if k.lower() in _KEPT_HEADERS},
        }
        data = {
            "entries": sorted(entries.values(), key=lambda e: (str(e["url"]), str(e["method"])))
        }
        self.manifest_path.write_text(
            json.dumps(data, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
        )


# --- the fetcher ------------------------------------------------------------------------


@dataclass
class HostState:
    """Per-host politeness state; shared by the fetchers of one run so that two sources on
    the same host keep the delay between them and read robots.txt once."""

    last_request: dict[str, float] = field(default_factory=dict)
    crawl_delay: dict[str, float] = field(default_factory=dict)
    robots: dict[tuple[str, str], Protego | None] = field(default_factory=dict)


@dataclass
class Fetcher:
    """Fetches URLs politely for one source; or replays them from a snapshot store.

    Validators of fresh responses are kept in `pending` until `commit_validators()`: the
    job calls it only after the source was ingested, so a failed run is fetched again in full.
    """

    config: FetchConfig = field(default_factory=FetchConfig)
    validators: ValidatorStore | None = None
    replay: SnapshotStore | None = None
    recorder: SnapshotStore | None = None
    session: requests.Session | None = None
    sleep: Callable[[float], None] = time.sleep
    clock: Callable[[], float] = time.monotonic
    stats: FetchStats = field(default_factory=FetchStats)
    pending: dict[str, Validators] = field(default_factory=dict)
    hosts: HostState = field(default_factory=lambda: HostState())
    # The source's address in sources.yaml: a 404 there is the admin's to fix, and says so.
    source_url: str | None = None

    def __post_init__(self) -> None:
        if self.session is None and self.replay is None:
            self.session = requests.Session()
            if not self.config.allow_private:
                for prefix in ("http://", "https://"):
                    self.session.mount(prefix, PublicOnlyAdapter())
        if self.session is not None:
            self.session.headers["User-Agent"] = self.config.user_agent
            self.session.headers.setdefault("Accept-Language", "de,en;q=0.5")

    def close(self) -> None:
        """Close the HTTP session."""
        if self.session is not None:
            self.session.close()

    def commit_validators(self) -> None:
        """Store the validators of this run's responses (after a successful ingest)."""
        if self.validators is not None:
            for key, value in self.pending.items():
                self.validators.put(key, value)
        self.pending.clear()

    # -- public ---------------------------------------------------------------------------

    def fetch(
        self,
        url: str,
        *,
        method: str = "GET",
        data: bytes | None = None,
        headers: Mapping[str, str] | None = None,
        conditional: bool = True,
        list_page: int = 1,
    ) -> Response:
        """Fetch one URL (following redirects) and return the response.

        Raises FetchError (or RobotsDisallowed, BotWallError) when no usable response is had.
        `list_page`: the number of the list page this is; from 2 on a 404 says the list
        ended early, not that the source's address in sources.yaml is wrong.
        """
        method = method.upper()
        if self.replay is not None:
            self.stats.requests += 1
            response = self.replay.lookup(method, url, data)
            self.stats.bytes_received += len(response.body)
            return response
        key = cache_key(method, url, data)
        request_headers = dict(headers or {})
        # Not `conditional`: no validators sent and a body like the last one taken as new, so
        # it is parsed again (what a page means changed with the date); new ones are kept.
        previous = self.validators.get(key) if self.validators is not None and conditional else None
        if previous is not None and method == "GET":
            if previous.etag:
                request_headers["If-None-Match"] = previous.etag
            if previous.last_modified:
                request_headers["If-Modified-Since"] = previous.last_modified
        response = self._follow(url, method, data, request_headers, list_page)
        response.cache_key = key
        if response.status == 304:
            self.stats.not_modified += 1
            response.not_modified = True
            response.listing = previous.listing if previous is not None else None
            return response
        digest = body_digest(response.body)
        if previous is not None and previous.content_hash and previous.content_hash == digest:
            # Same body as last time: nothing new even without server validators.
            self.stats.not_modified += 1
            response.not_modified = True
            response.listing = previous.listing
        self.pending[key] = Validators(
            etag=_header(response.headers, "etag"),
            last_modified=_header(response.headers, "last-modified"),
            content_hash=digest,
            listing=response.listing,
        )
        if self.recorder is not None:
            self.recorder.record(method, url, data, response)
        return response

    def remember(self, response: Response, listing: dict[str, Any]) -> None:
        """Keep `listing` (what the crawler read from this list page) with the response's
        validators, stored with them after a successful ingest."""
        pending = self.pending.get(response.cache_key)
        if pending is not None:
            pending.listing = listing

    # -- internals ------------------------------------------------------------------------

    def _follow(
        self,
        url: str,
        method: str,
        data: bytes | None,
        headers: dict[str, str],
        list_page: int = 1,
    ) -> Response:
        current = url
        for _hop in range(self.config.max_redirects + 1):
            check_url(current, allow_private=self.config.allow_private)
            self._check_robots(current)
            response = self._request_with_retries(current, method, data, headers, list_page)
            if response.status not in REDIRECT_STATUSES:
                return response
            location = _header(response.headers, "location")
            if not location:
                raise FetchError("Weiterleitung ohne Ziel", url=current, status=response.status)
            current = urljoin(current, location)
            if response.status == 303:
                method, data = "GET", None
            # Validators belong to the original URL only.
            headers = {
                k: v for k, v in headers.items() if k not in ("If-None-Match", "If-Modified-Since")
            }
        raise FetchError(
            f"mehr als {self.config.max_redirects} Weiterleitungen, vermutlich eine Schleife "
            "(Adresse im Browser prüfen oder max_redirects erhöhen)",
            url=url,
        )

    def _wait_for_host(self, url: str) -> None:
        host = urlsplit(url).netloc
        delay = max(self.config.delay, self.hosts.crawl_delay.get(host, 0.0))
        last = self.hosts.last_request.get(host)
        if last is not None and delay > 0:
            remaining = last + delay - self.clock()
            if remaining > 0:
                self.sleep(remaining)
        self.hosts.last_request[host] = self.clock()

    def _request_with_retries(
        self,
        url: str,
        method: str,
        data: bytes | None,
        headers: dict[str, str],
        list_page: int = 1,
    ) -> Response:
        assert self.session is not None
        attempt = 0
        while True:
            self._wait_for_host(url)
            self.stats.requests += 1
            try:
                raw = self.session.request(
                    method,
                    url,
                    data=data,
                    headers=headers,
                    timeout=(self.config.connect_timeout, self.config.read_timeout),
                    allow_redirects=False,
                    stream=True,
                )
            except requests.RequestException as exc:
                problem = self._describe(exc, url)
                # Connection failures and timeouts are retried (a server restarting, a
                # network hiccup); a bad address or certificate does not heal by waiting.
                transient = isinstance(exc, (requests.ConnectionError, requests.Timeout))
                if not (transient and problem.retry):
                    raise FetchError(problem.text, url=url) from None
                if attempt >= self.config.retries:
                    tries = f"; aufgegeben nach {attempt + 1} Versuchen" if attempt else ""
                    raise FetchError(problem.text + tries, url=url) from None
                self._backoff(attempt, None, url)
                attempt += 1
                continue
            try:
                if raw.status_code in RETRY_STATUSES:
                    if attempt >= self.config.retries:
                        raise self._status_error(
                            raw, url, attempts=attempt + 1, list_page=list_page
                        )
                    self._backoff(attempt, raw, url)
                    attempt += 1
                    continue
                headers_out = dict(raw.headers)
                if raw.status_code in REDIRECT_STATUSES or raw.status_code == 304:
                    return Response(url=url, status=raw.status_code, headers=headers_out, body=b"")
                if raw.status_code >= 400:
                    raise self._status_error(raw, url, list_page=list_page)
                body = self._read_capped(raw, url)
            finally:
                raw.close()
            reason = detect_bot_wall(body, headers_out)
            if reason:
                raise BotWallError(reason, url=url, status=raw.status_code)
            return Response(url=url, status=raw.status_code, headers=headers_out, body=body)

    def _describe(
        self, exc: BaseException, url: str, *, reading_body: bool = False
    ) -> NetworkProblem:
        return describe_network_error(
            exc,
            url,
            connect_timeout=self.config.connect_timeout,
            read_timeout=self.config.read_timeout,
            reading_body=reading_body,
        )

    def _status_error(
        self, raw: requests.Response, url: str, *, attempts: int = 1, list_page: int = 1
    ) -> FetchError:
        """The error for an error status, in words that say what to do about it."""
        problem = describe_http_status(
            raw.status_code,
            configured=list_page == 1
            and self.source_url is not None
            and _same_page(url, self.source_url),
            list_page=list_page,
            retry_after=_retry_after(raw),
            max_retry_after=self.config.max_retry_after,
            attempts=attempts,
        )
        return FetchError(problem.text, url=url, status=raw.status_code)

    def _backoff(self, attempt: int, raw: requests.Response | None, url: str) -> None:
        wait = self.config.backoff * (2**attempt)
        asked = _retry_after(raw) if raw is not None else None
        if asked is not None:
            if asked > self.config.max_retry_after:
                assert raw is not None
                raise self._status_error(raw, url, attempts=attempt + 1)
            wait = max(wait, asked)
        self.stats.retries += 1
        self.sleep(wait)

    def _read_capped(self, raw: requests.Response, url: str) -> bytes:
        cap = self.config.max_bytes
        declared = raw.headers.get("Content-Length")
        if declared and declared.isascii() and declared.isdigit() and int(declared) > cap:
            raise FetchError(f"Antwort größer als {cap} Bytes (Content-Length {declared})", url=url)
        chunks: list[bytes] = []
        size = 0
        # A read blocked on a trickling server is cut off from a timer thread: shutting the
        # socket down makes the blocked read return.
        expired = threading.Event()

        def cut_off() -> None:
            expired.set()
            with contextlib.suppress(AttributeError, ValueError, RuntimeError, OSError):
                raw.raw.shutdown()

        timer = threading.Timer(self.config.total_timeout, cut_off)
        timer.daemon = True
        timer.start()
        try:
            for chunk in raw.iter_content(chunk_size=65536):
                if expired.is_set():
                    break
                size += len(chunk)
                if size > cap:
                    raise FetchError(f"Antwort größer als {cap} Bytes, abgebrochen", url=url)
                chunks.append(chunk)
        except requests.RequestException as exc:
            if not expired.is_set():
                # Timeouts, resets, a body shorter than its Content-Length
                # (ChunkedEncodingError), a corrupt gzip stream (ContentDecodingError).
                problem = self._describe(exc, url, reading_body=True)
                raise FetchError(problem.text, url=url) from None
        finally:
            timer.cancel()
        if expired.is_set():
            raise FetchError(
                f"Zeitüberschreitung: Antwort nach {seconds(self.config.total_timeout)} "
                "nicht vollständig (total_timeout)",
                url=url,
            )
        self.stats.bytes_received += size
        return b"".join(chunks)

    # -- robots.txt -----------------------------------------------------------------------

    def _check_robots(self, url: str) -> None:
        if not self.config.obey_robots:
            return
        parts = urlsplit(url)
        origin = f"{parts.scheme}://{parts.netloc}"
        agent = self.config.user_agent.split("/", 1)[0]
        if (origin, agent) not in self.hosts.robots:
            self.hosts.robots[(origin, agent)] = self._load_robots(origin, url)
        parser = self.hosts.robots[(origin, agent)]
        if parser is None:
            return
        if not parser.can_fetch(url, agent):
            raise RobotsDisallowed("robots.txt verbietet den Abruf", url=url)

    def _load_robots(self, origin: str, page_url: str) -> Protego | None:
        assert self.session is not None
        robots_url = f"{origin}/robots.txt"
        url = robots_url
        for _hop in range(self.config.max_redirects + 1):
            check_url(url, allow_private=self.config.allow_private)
            self.stats.robots_requests += 1
            self._wait_for_host(url)
            try:
                raw = self.session.get(
                    url,
                    timeout=(self.config.connect_timeout, self.config.read_timeout),
                    allow_redirects=False,
                    stream=True,
                )
            except requests.RequestException as exc:
                # RFC 9309: an unreachable robots.txt means "assume everything is disallowed".
                problem = self._describe(exc, url)
                if problem.host_unreachable:
                    # The host is down or unknown: robots.txt is not the problem to fix.
                    raise FetchError(problem.text, url=page_url) from None
                raise FetchError(
                    f"robots.txt nicht lesbar, daher wird nichts abgerufen – {problem.text}",
                    url=robots_url,
                ) from None
            try:
                location = _header(raw.headers, "location")
                if raw.status_code in REDIRECT_STATUSES and location:
                    url = urljoin(url, location)  # followed with the address check above
                    continue
                if raw.status_code >= 500:
                    problem = describe_http_status(raw.status_code)
                    raise FetchError(
                        f"robots.txt nicht lesbar, daher wird nichts abgerufen – {problem.text}",
                        url=robots_url,
                        status=raw.status_code,
                    )
                if raw.status_code >= 400:
                    return None  # no robots.txt: everything allowed
                body = self._read_capped(raw, robots_url)[:500_000]
                break
            finally:
                raw.close()
        else:
            return None  # too many redirects: treated as no robots.txt (RFC 9309)
        # Protego reads robots.txt as RFC 9309 does (longest match wins, `*` and `$`);
        # urllib.robotparser took the first rule in file order. A byte-order mark would hide
        # the first group from it.
        parser = Protego.parse(body.decode("utf-8", errors="replace").lstrip("\ufeff"))
        crawl_delay = parser.crawl_delay(self.config.user_agent.split("/", 1)[0])
        if crawl_delay is not None:
            host = urlsplit(origin).netloc
            self.hosts.crawl_delay[host] = min(float(crawl_delay), self.config.max_crawl_delay)
        return parser
