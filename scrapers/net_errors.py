"""Network failures in words an administrator can act on.

requests wraps the operating system's error in two or three layers of its own and of
urllib3 ("HTTPConnectionPool(…): Max retries exceeded … [Errno 111] Connection refused"). The
fetch layer shows none of that: `describe_network_error` walks the chain of causes, finds
what really happened and says it in German, naming the host — never a class name, never the
system's English text.
"""

from __future__ import annotations

import errno
import http.client
import socket
import ssl
from collections.abc import Iterator
from dataclasses import dataclass
from urllib.parse import urlsplit

import requests
import urllib3.exceptions

# OpenSSL's verification codes (X509_V_ERR_*) a server's certificate commonly fails with.
_CERT_REASONS = {
    9: "noch nicht gültig (Uhrzeit dieses Servers prüfen)",
    10: "abgelaufen",
    18: "selbst signiert",
    19: "von einer selbst signierten Stelle ausgestellt",
    20: "von einer unbekannten Stelle ausgestellt (fehlt ein Zwischenzertifikat?)",
    21: "von einer unbekannten Stelle ausgestellt (fehlt ein Zwischenzertifikat?)",
    23: "widerrufen",
    62: "für einen anderen Namen ausgestellt",
    64: "für eine andere IP-Adresse ausgestellt",
}
_UNREACHABLE_ERRNOS = frozenset(
    {errno.ENETUNREACH, errno.EHOSTUNREACH, errno.EHOSTDOWN, errno.EADDRNOTAVAIL}
)
_RESET_ERRORS = (
    ConnectionResetError,
    ConnectionAbortedError,
    BrokenPipeError,
    http.client.RemoteDisconnected,
    http.client.IncompleteRead,
)


@dataclass(frozen=True, slots=True)
class NetworkProblem:
    """What went wrong, in German; `host_unreachable` when no HTTP exchange took place at all
    (the host is unknown, down or refuses us), `retry` when trying again can help."""

    text: str
    host_unreachable: bool = False
    retry: bool = True


def describe_network_error(
    exc: BaseException,
    url: str,
    *,
    connect_timeout: float | None = None,
    read_timeout: float | None = None,
    reading_body: bool = False,
) -> NetworkProblem:
    """The German sentence for a requests/urllib3/socket error met while fetching `url`.

    `reading_body`: the headers had arrived and the body was being read.
    """
    host = host_of(url)
    chain = list(_causes(exc))

    def find(*kinds: type[BaseException]) -> BaseException | None:
        return next((e for e in chain if isinstance(e, kinds)), None)

    if find(requests.exceptions.InvalidURL, urllib3.exceptions.LocationParseError) or find(
        requests.exceptions.MissingSchema, requests.exceptions.InvalidSchema
    ):
        return invalid_url(url)
    if find(requests.exceptions.ProxyError, urllib3.exceptions.ProxyError):
        return NetworkProblem(
            f"Proxy-Server für '{host}' nicht erreichbar oder lehnt die Verbindung ab "
            "(HTTP_PROXY/HTTPS_PROXY prüfen)",
            host_unreachable=True,
        )
    dns = find(socket.gaierror, urllib3.exceptions.NameResolutionError)
    if dns is not None:
        gai = find(socket.gaierror)
        return dns_failure(host, gai.errno if isinstance(gai, socket.gaierror) else None)
    certificate = find(ssl.SSLCertVerificationError)
    if certificate is not None:
        assert isinstance(certificate, ssl.SSLCertVerificationError)
        # A certificate does not become valid by asking again.
        return NetworkProblem(
            f"TLS-Zertifikat von '{host}' wird nicht anerkannt: {certificate_reason(certificate)}",
            retry=False,
        )
    if find(requests.exceptions.SSLError, urllib3.exceptions.SSLError, ssl.SSLError):
        return NetworkProblem(
            f"Verschlüsselte Verbindung (TLS) zu '{host}' fehlgeschlagen "
            "(spricht der Server an dieser Adresse HTTPS?)"
        )
    if find(ConnectionRefusedError):
        port = _port(url)
        return NetworkProblem(
            f"Host '{host}' nicht erreichbar: Verbindung zu Port {port} abgelehnt "
            "(läuft dort kein Webserver, oder ist der Port falsch?)",
            host_unreachable=True,
        )
    unreachable = next(
        (e for e in chain if isinstance(e, OSError) and e.errno in _UNREACHABLE_ERRNOS), None
    )
    if unreachable is not None:
        return NetworkProblem(
            f"Host '{host}' nicht erreichbar: kein Netzweg dorthin "
            "(Netzwerk oder Firewall dieses Servers prüfen)",
            host_unreachable=True,
        )
    # urllib3's NewConnectionError (refused, unreachable) is a ConnectTimeoutError too, so
    # those are told apart above; requests raises ConnectTimeout only for a real timeout.
    if find(requests.exceptions.ConnectTimeout):
        return NetworkProblem(
            f"Host '{host}' nicht erreichbar: keine Verbindung innerhalb von "
            f"{seconds(connect_timeout)} (Server aus, Adresse falsch oder Firewall?)",
            host_unreachable=True,
        )
    if find(requests.exceptions.ReadTimeout, urllib3.exceptions.ReadTimeoutError, TimeoutError):
        if reading_body:
            return NetworkProblem(
                f"Zeitüberschreitung: '{host}' hat die Antwort begonnen, aber "
                f"{seconds(read_timeout)} lang nichts mehr gesendet"
            )
        return NetworkProblem(
            f"Zeitüberschreitung: '{host}' hat nicht innerhalb von {seconds(read_timeout)} "
            "geantwortet (Server überlastet?)"
        )
    if find(requests.exceptions.ContentDecodingError, urllib3.exceptions.DecodeError):
        return NetworkProblem(
            f"Antwort von '{host}' nicht lesbar: fehlerhaft komprimiert (Content-Encoding)"
        )
    if find(
        requests.exceptions.ChunkedEncodingError,
        urllib3.exceptions.ProtocolError,
        *_RESET_ERRORS,
    ):
        if reading_body:
            return NetworkProblem(
                f"Übertragung von '{host}' abgebrochen: die Antwort ist unvollständig "
                "(Verbindung vorzeitig beendet)"
            )
        return NetworkProblem(
            f"Verbindung zu '{host}' vom Server abgebrochen, bevor eine Antwort kam"
        )
    if find(requests.exceptions.TooManyRedirects):
        return NetworkProblem(f"zu viele Weiterleitungen bei '{host}'", retry=False)
    return NetworkProblem(f"Netzwerkfehler bei der Verbindung zu '{host}'")


def certificate_reason(exc: ssl.SSLCertVerificationError) -> str:
    """Why OpenSSL refused a server's certificate, in German ("abgelaufen")."""
    return _CERT_REASONS.get(exc.verify_code, "nicht prüfbar")


def dns_failure(host: str, code: int | None) -> NetworkProblem:
    """The message for a host name that could not be resolved (getaddrinfo's `code`)."""
    if code == getattr(socket, "EAI_AGAIN", None):
        return NetworkProblem(
            f"Host '{host}' nicht auflösbar: der DNS-Server antwortet nicht "
            "(Netzwerk oder DNS-Einstellungen dieses Servers prüfen)",
            host_unreachable=True,
        )
    return NetworkProblem(
        f"Host '{host}' nicht gefunden: den Namen gibt es im DNS nicht "
        "(Schreibweise der Adresse prüfen)",
        host_unreachable=True,
    )


def invalid_url(url: str) -> NetworkProblem:
    """The message for an address that cannot be requested at all."""
    return NetworkProblem(
        f"ungültige Adresse {url!r} (Schreibweise prüfen: Leerzeichen, Port 1–65535, "
        "eckige Klammern nur um IPv6-Adressen)",
        retry=False,
    )


def host_of(url: str) -> str:
    """The host of `url` as a person would write it, with an explicit port ("example.org:8080")."""
    try:
        parts = urlsplit(url)
        host, port = parts.hostname or parts.netloc or url, parts.port
    except ValueError:  # "[::1" or a port beyond 65535
        return url
    return f"{host}:{port}" if port else host


def seconds(value: float | None) -> str:
    """0.4 → "0,4 s", 30.0 → "30 s" ("der eingestellten Zeit" when unknown)."""
    if value is None:
        return "der eingestellten Zeit"
    return f"{value:g}".replace(".", ",") + " s"


def _port(url: str) -> int:
    try:
        parts = urlsplit(url)
        explicit = parts.port
    except ValueError:
        return 0
    return explicit or (443 if parts.scheme == "https" else 80)


def _causes(exc: BaseException) -> Iterator[BaseException]:
    """`exc` and everything it wraps: causes, contexts, urllib3's `reason`, exceptions in args."""
    todo = [exc]
    seen: set[int] = set()
    while todo:
        current = todo.pop(0)
        if id(current) in seen:
            continue
        seen.add(id(current))
        yield current
        inner = [current.__cause__, current.__context__, getattr(current, "reason", None)]
        inner += [a for a in current.args if isinstance(a, BaseException)]
        todo += [e for e in inner if isinstance(e, BaseException)]


# What a status means, in German: the admin sees the number and what it says.
_STATUS_MEANINGS = {
    400: "ungültige Anfrage",
    401: "Anmeldung erforderlich",
    403: "Zugriff verweigert",
    404: "nicht gefunden",
    405: "Methode nicht erlaubt",
    406: "nicht annehmbar",
    408: "Zeitüberschreitung der Anfrage",
    410: "dauerhaft entfernt",
    415: "Format nicht unterstützt",
    429: "zu viele Anfragen",
    451: "aus rechtlichen Gründen gesperrt",
    500: "interner Serverfehler",
    501: "nicht unterstützt",
    502: "fehlerhafte Antwort eines vorgeschalteten Servers",
    503: "Dienst nicht verfügbar",
    504: "Zeitüberschreitung eines vorgeschalteten Servers",
}


def status_label(status: int) -> str:
    """ "HTTP 404 (nicht gefunden)"; a status without a known meaning by its class."""
    meaning = _STATUS_MEANINGS.get(status)
    if meaning is None:
        meaning = "Serverfehler" if status >= 500 else "Anfrage abgelehnt"
    return f"HTTP {status} ({meaning})"


def describe_http_status(
    status: int,
    *,
    configured: bool = False,
    retry_after: float | None = None,
    max_retry_after: float | None = None,
    attempts: int = 1,
    list_page: int = 1,
) -> NetworkProblem:
    """The German sentence for an error status (4xx, 5xx) a server answered with.

    Without the address: FetchError puts it in front. `configured`: the address is the
    source's own in sources.yaml (a 404 there is the admin's to fix; on a page the site
    linked to, the site's). `list_page`: the number of the list page asked; a follow-up
    page (2 and on) that is gone means the list ended early, the first page worked. `retry_after`: the seconds the server asked to wait; above
    `max_retry_after` the fetch gave up without waiting. `attempts`: how often it was asked.
    """
    head = status_label(status)
    if attempts > 1:
        head += f", aufgegeben nach {attempts} Versuchen"
    # Retry-After is honoured (and may be too long) only where the fetch retries at all.
    too_long = (
        (status == 429 or status >= 500)
        and retry_after is not None
        and max_retry_after is not None
        and retry_after > max_retry_after
    )
    if too_long:
        assert retry_after is not None and max_retry_after is not None
        text = (
            f"{head}: der Server verlangt {retry_after:.0f} s Wartezeit (Retry-After), mehr "
            f"als erlaubte {max_retry_after:.0f} s (max_retry_after) – später erneut versuchen "
            "(der nächste Lauf tut das von selbst)"
        )
    elif status in (404, 410):
        gone = "gibt es dort nicht mehr" if status == 410 else "gibt es dort nicht (mehr)"
        if list_page > 1:
            text = (
                f"{head}: Folgeseite {list_page} der Liste {gone}, obwohl die Seite davor "
                "sie ankündigt – die erste Seite (die 'url' der Quelle in sources.yaml) war "
                "abrufbar, dort ist nichts zu ändern; vermutlich wurde die Liste während des "
                "Abrufs kürzer, der nächste Lauf versucht es erneut; bleibt der Fehler, die "
                "Liste im Browser bis zur letzten Seite durchblättern"
            )
        elif configured:
            text = (
                f"{head}: die in sources.yaml eingetragene Adresse {gone} – vermutlich ist die "
                "Seite umgezogen; die neue Adresse auf der Website suchen und als 'url' der "
                "Quelle eintragen"
            )
        else:
            text = (
                f"{head}: diese Seite {gone} (verschoben oder entfernt, obwohl die Website "
                "auf sie verweist); bleibt der Fehler, die Quelle im Browser prüfen"
            )
    elif status == 401:
        text = (
            f"{head}: die Seite ist nur nach Anmeldung zugänglich, und der Abruf meldet sich "
            "nirgends an – eine öffentlich zugängliche Adresse in sources.yaml eintragen"
        )
    elif status == 403:
        text = (
            f"{head}: die Website lässt diesen Abruf nicht zu, vielleicht sperrt sie diesen "
            "Server (seine IP-Adresse) oder Abrufe durch Programme – lässt sich die Adresse im "
            "Browser öffnen, den Betreiber der Website um Freigabe bitten"
        )
    elif status == 429:
        asked = (
            f" und bittet um {retry_after:.0f} s Pause (Retry-After)"
            if retry_after is not None
            else ""
        )
        text = (
            f"{head}: der Server bremst zu häufige Abrufe{asked} – 'delay' der Quelle in "
            "sources.yaml erhöhen; der nächste Lauf versucht es erneut"
        )
    elif status >= 500:
        text = (
            f"{head}: ein Fehler auf dem Server der Website, nicht bei dieser Installation – "
            "später erneut versuchen (der nächste Lauf tut das von selbst); hält er über Tage "
            "an, die Adresse im Browser prüfen"
        )
    else:
        text = (
            f"{head}: der Server lehnt die Anfrage ab – Adresse und Einstellungen der Quelle "
            "in sources.yaml prüfen"
        )
    return NetworkProblem(text, retry=status in (429, 500, 502, 503, 504))
