"""The fitted model of the last `match` run, saved to a file so the web app can score calls
entered by hand without refitting (see `webapp.matching.match_entered_calls`).

The file holds the model slimmed for scoring (`MatchModel.for_scoring`, a few MB even for
tens of thousands of calls) and the number of calls it was fitted on. It is written
atomically (a temporary file in the same directory, then `os.replace`), so a web worker
reading it during a `match` run sees the old or the new model, never half a file.

The model is a pickle, and loading a pickle runs code. So the file is signed: its first line
holds an HMAC-SHA256 of the rest, keyed by the app's `SECRET_KEY`, and nothing is unpickled
before the signature is checked. A file written by hand, by an older version or with another
key is refused (logged), and the next `match` run writes a good one.
"""

from __future__ import annotations

import hashlib
import hmac
import io
import logging
import os
import tempfile
import threading
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import joblib

from matcher.model import MatchModel
from webapp.config import Config
from webapp.models import utcnow

log = logging.getLogger(__name__)

# 3: the model names its decided calls (`_feedback_call_ids`), to explain what they do
# 4: the strategy's applicants have a `population` (an older pickle's lack the attribute)
MODEL_FORMAT = "funding-matcher/match-model/4"
# the first line of a file: this prefix, the hex signature of everything after the line
SIGNATURE_PREFIX = b"funding-matcher-model hmac-sha256 "
_SIGNATURE_LINE = len(SIGNATURE_PREFIX) + 64 + 1


class ModelFileError(RuntimeError):
    """A model file that cannot be used (unreadable, corrupt, another format)."""


@dataclass(frozen=True, slots=True)
class ModelFile:
    """Where the model is saved, and the key that signs it."""

    path: Path
    secret_key: str

    def signature(self, body: bytes) -> bytes:
        """The hex HMAC of `body`."""
        # a key of its own, derived from SECRET_KEY: a signature is never a session cookie's
        key = hmac.new(self.secret_key.encode(), b"funding-matcher match model", "sha256")
        return hmac.new(key.digest(), body, hashlib.sha256).hexdigest().encode()


def model_file(config: Config) -> ModelFile:
    """The model file of an app configuration (`MATCH_MODEL_PATH`, signed with `SECRET_KEY`)."""
    return ModelFile(config.match_model_file, config.secret_key)


@dataclass(frozen=True, slots=True)
class SavedModel:
    """A loaded model file."""

    model: MatchModel
    fitted_calls: int
    fitted_at: datetime
    path: Path


def save_model(model: MatchModel, file: ModelFile, fitted_calls: int) -> int:
    """Write `model` (slimmed for scoring), signed and atomically; returns the file size."""
    path = file.path
    path.parent.mkdir(parents=True, exist_ok=True)
    payload = {
        "format": MODEL_FORMAT,
        "model": model.for_scoring(),
        "fitted_calls": fitted_calls,
        "fitted_at": utcnow(),
    }
    # the temporary file sits next to the target: os.replace is atomic within a filesystem
    fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    tmp = Path(tmp_name)
    try:
        body = io.BytesIO()
        joblib.dump(payload, body)
        with os.fdopen(fd, "wb") as out:
            out.write(SIGNATURE_PREFIX + file.signature(body.getvalue()) + b"\n")
            out.write(body.getbuffer())
            out.flush()
            os.fsync(out.fileno())  # the data is on disk before the name points at it
        # mkstemp creates it 0600; the web app may run under another account of the group
        tmp.chmod(0o644)
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return path.stat().st_size


def load_model(file: ModelFile) -> SavedModel:
    """Read a model file written by `save_model` with the same key.

    Raises FileNotFoundError when there is none, ModelFileError when it cannot be used; an
    unsigned or wrongly signed file is refused before anything in it is unpickled.
    """
    path = file.path
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise
    except OSError as exc:
        raise ModelFileError(f"{path}: nicht lesbar ({exc})") from exc
    head, body = data[:_SIGNATURE_LINE], data[_SIGNATURE_LINE:]
    if not (head.startswith(SIGNATURE_PREFIX) and head.endswith(b"\n")):
        raise ModelFileError(
            f"{path}: keine signierte Modelldatei (von Hand angelegt oder von einer älteren "
            "Version); der nächste Abgleich schreibt sie neu"
        )
    if not hmac.compare_digest(head[len(SIGNATURE_PREFIX) : -1], file.signature(body)):
        raise ModelFileError(
            f"{path}: Signatur ungültig (mit einem anderen SECRET_KEY gespeichert oder "
            "verändert); nicht geladen, der nächste Abgleich schreibt sie neu"
        )
    try:
        payload = joblib.load(io.BytesIO(body))
    except Exception as exc:  # a truncated or foreign pickle fails in many different ways
        detail = f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
        raise ModelFileError(f"{path}: nicht lesbar ({detail})") from exc
    if (
        not isinstance(payload, dict)
        or payload.get("format") != MODEL_FORMAT
        or not isinstance(payload.get("model"), MatchModel)
    ):
        raise ModelFileError(f"{path}: kein gespeichertes Modell im Format {MODEL_FORMAT}")
    return SavedModel(
        model=payload["model"],
        fitted_calls=int(payload.get("fitted_calls", 0)),
        fitted_at=payload.get("fitted_at") or utcnow(),
        path=path,
    )


class ModelCache:
    """The saved model of one app, loaded once per version of the file.

    A version is the file's mtime, size and key: a `match` run replaces the file, and the next
    request loads the new model. A file that cannot be used is logged once per version.
    `lock` also serialises scoring: the model fills its caches while it scores.
    """

    def __init__(self) -> None:
        self.lock = threading.RLock()
        self._key: tuple[str, int, int, str] | None = None
        self._saved: SavedModel | None = None

    def get(self, file: ModelFile) -> SavedModel | None:
        """The model in `file`, or None when there is none or it cannot be used."""
        path = file.path
        try:
            stat = path.stat()
        except FileNotFoundError:
            return None
        except OSError as exc:
            log.warning("Gespeichertes Modell %s nicht lesbar: %s", path, exc)
            return None
        key = (str(path), stat.st_mtime_ns, stat.st_size, file.secret_key)
        with self.lock:
            if key != self._key:
                self._key, self._saved = key, None
                try:
                    self._saved = load_model(file)
                except FileNotFoundError:  # replaced or removed between stat and load
                    self._key = None
                except ModelFileError as exc:
                    log.warning(
                        "Gespeichertes Modell unbrauchbar, von Hand angelegte Aufrufe werden "
                        "erst beim nächsten Abgleich bewertet: %s",
                        exc,
                    )
            return self._saved


def app_model_cache() -> ModelCache:
    """The running app's model cache (created on first use)."""
    from flask import current_app

    cache = current_app.extensions.get("fm_model_cache")
    if cache is None:
        # setdefault: two threads racing here end up with the same cache
        cache = current_app.extensions.setdefault("fm_model_cache", ModelCache())
    return cache
