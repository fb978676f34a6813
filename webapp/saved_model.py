"""The fitted model of the last `match` run, saved to a file so the web app can score calls
entered by hand without refitting (see `webapp.matching.match_entered_calls`).

The file holds the model slimmed for scoring (`MatchModel.for_scoring`, a few MB even for
tens of thousands of calls) and the number of calls it was fitted on. It is written
atomically (a temporary file in the same directory, then `os.replace`), so a web worker
reading it during a `match` run sees the old or the new model, never half a file.

The file is a pickle: loading it runs code, like loading any pickle. It is written by the
`match` command only and must be writable only by the account that runs the service.
"""

from __future__ import annotations

import logging
import os
import tempfile
import threading
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import joblib

from matcher.model import MatchModel
from webapp.models import utcnow

log = logging.getLogger(__name__)

MODEL_FORMAT = "funding-matcher/match-model/1"


class ModelFileError(RuntimeError):
    """A model file that cannot be used (unreadable, corrupt, another format)."""


@dataclass(frozen=True, slots=True)
class SavedModel:
    """A loaded model file."""

    model: MatchModel
    fitted_calls: int
    fitted_at: datetime
    path: Path


def save_model(model: MatchModel, path: Path, fitted_calls: int) -> int:
    """Write `model` (slimmed for scoring) atomically to `path`; returns the file size."""
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
        with os.fdopen(fd, "wb") as out:
            joblib.dump(payload, out)
            out.flush()
            os.fsync(out.fileno())  # the data is on disk before the name points at it
        # mkstemp creates it 0600; the web app may run under another account of the group
        tmp.chmod(0o644)
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return path.stat().st_size


def load_model(path: Path) -> SavedModel:
    """Read a model file written by `save_model`.

    Raises FileNotFoundError when there is none, ModelFileError when it cannot be used.
    """
    try:
        payload = joblib.load(path)
    except FileNotFoundError:
        raise
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

    A version is the file's mtime and size: a `match` run replaces the file, and the next
    request loads the new model. A file that cannot be used is logged once per version.
    `lock` also serialises scoring: the model fills its caches while it scores.
    """

    def __init__(self) -> None:
        self.lock = threading.RLock()
        self._key: tuple[str, int, int] | None = None
        self._saved: SavedModel | None = None

    def get(self, path: Path) -> SavedModel | None:
        """The model in `path`, or None when there is none or it cannot be used."""
        try:
            stat = path.stat()
        except FileNotFoundError:
            return None
        except OSError as exc:
            log.warning("Gespeichertes Modell %s nicht lesbar: %s", path, exc)
            return None
        key = (str(path), stat.st_mtime_ns, stat.st_size)
        with self.lock:
            if key != self._key:
                self._key, self._saved = key, None
                try:
                    self._saved = load_model(path)
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
