"""Turn response bytes into text: header charset, then the document's own, then a detector."""

from __future__ import annotations

import codecs
import re
from collections.abc import Mapping

from charset_normalizer import from_bytes

_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.I)
_XML_DECL = re.compile(rb"""^\s*<\?xml[^>]+encoding\s*=\s*["']([A-Za-z0-9_.:-]+)["']""", re.I)
_LATIN = {"iso-8859-1", "latin-1", "windows-1252", "cp1252", "iso-8859-15", "ascii", "us-ascii"}
_WINDOWS_1252_LABELS = {codecs.lookup(n).name for n in ("iso-8859-1", "ascii")}


def header_charset(headers: Mapping[str, str] | None) -> str | None:
    """The charset parameter of the Content-Type header, if any."""
    if not headers:
        return None
    content_type = ""
    for key, value in headers.items():
        if key.lower() == "content-type":
            content_type = value
    m = re.search(r"charset\s*=\s*[\"']?([A-Za-z0-9_.:-]+)", content_type, re.I)
    return m.group(1).lower() if m else None


def document_charset(body: bytes) -> str | None:
    """The charset declared inside the document (XML declaration or HTML meta)."""
    head = body[:4096]
    m = _XML_DECL.search(head) or _META_CHARSET.search(head)
    return m.group(1).decode("ascii").lower() if m else None


def _known(name: str | None) -> str | None:
    if not name:
        return None
    try:
        return codecs.lookup(name).name
    except LookupError:
        return None


def decode_body(body: bytes, headers: Mapping[str, str] | None = None) -> str:
    """Decode `body` with the declared charset, correcting the usual lies.

    A body declared as Latin-1/ASCII that is valid UTF-8 with non-ASCII bytes is UTF-8 (servers
    often send the default charset); a body that is not valid in its declared charset is
    handed to charset-normalizer.
    """
    if body.startswith(codecs.BOM_UTF8):
        return body[3:].decode("utf-8", errors="replace")
    declared = _known(header_charset(headers)) or _known(document_charset(body))
    if declared and declared in {_known(n) for n in _LATIN}:
        try:
            text = body.decode("utf-8")
            if any(b > 127 for b in body):
                return text
        except UnicodeDecodeError:
            pass
    if declared in _WINDOWS_1252_LABELS:
        # As browsers do (WHATWG Encoding): pages labelled Latin-1 or ASCII are read as
        # windows-1252, whose 0x80–0x9F are €, „, “, – instead of invisible control codes.
        try:
            return body.decode("cp1252")
        except UnicodeDecodeError:
            pass
    if declared:
        try:
            return body.decode(declared)
        except UnicodeDecodeError:
            pass
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError:
        pass
    best = from_bytes(body).best()
    if best is not None:
        return str(best)
    return body.decode("cp1252", errors="replace")


def not_utf8_problem(body: bytes, exc: UnicodeDecodeError) -> str:
    """Where a hand-written file stops being UTF-8, in German: its line, column and what the
    byte most likely is ("ä" of a file saved as Windows-1252/ANSI), and what to do."""
    before = body[: exc.start]
    line = before.count(b"\n") + 1
    column = len(before[before.rfind(b"\n") + 1 :].decode("utf-8", "replace")) + 1
    byte = body[exc.start : exc.start + 1]
    guess = byte.decode("cp1252", "replace")
    meant = (
        f", wohl „{guess}“ in Windows-1252 (ANSI)" if guess.isprintable() and guess.strip() else ""
    )
    return (
        f"keine gültige UTF-8-Datei: Zeile {line}, Spalte {column} (Byte 0x{byte.hex().upper()}"
        f"{meant}); bitte die Datei als UTF-8 speichern"
    )
