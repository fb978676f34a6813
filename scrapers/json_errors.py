"""Python's JSON decoding errors in German, for messages about import and API files."""

from __future__ import annotations

import json
import re

# json.decoder's messages (CPython 3.11); the few a hand-edited file runs into.
_REASONS = [
    (re.compile(r"Expecting value"), "Wert erwartet"),
    (re.compile(r"Expecting '(?P<c>.)' delimiter"), "'{c}' erwartet"),
    (
        re.compile(r"Expecting property name enclosed in double quotes"),
        "Feldname in doppelten Anführungszeichen erwartet",
    ),
    (re.compile(r"Unterminated string starting at"), "Text ohne schließendes Anführungszeichen"),
    (re.compile(r"Invalid control character at"), "Steuerzeichen (etwa ein Tabulator) im Text"),
    (re.compile(r"Invalid \\escape"), "ungültiges \\-Zeichen im Text"),
    (re.compile(r"Invalid \\uXXXX escape"), "ungültiges \\u-Zeichen im Text"),
    (re.compile(r"Extra data"), "nach dem Objekt folgt noch etwas"),
    (
        # A BOM inside the file: the first one is skipped when decoding, a later one is
        # usually left by joining two files that each had one.
        re.compile(r"Unexpected UTF-8 BOM.*"),
        "unsichtbares Zeichen U+FEFF, eine Byte-Order-Markierung, am Zeilenanfang – meist "
        "vom Aneinanderhängen zweier Dateien; die Datei als UTF-8 ohne BOM speichern",
    ),
]


def json_reason(exc: json.JSONDecodeError) -> str:
    """The German reason of a JSON decoding error ("Expecting value" → "Wert erwartet")."""
    for pattern, german in _REASONS:
        found = pattern.fullmatch(exc.msg)
        if found:
            return german.format(**found.groupdict())
    return exc.msg
