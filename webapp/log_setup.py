"""Where log records go: stderr, and a file for the scheduled runs (LOG_LEVEL, LOG_FILE)."""

from __future__ import annotations

import logging
import logging.handlers
import sys
from typing import TextIO

from webapp.config import Config, ConfigError

LOG_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


class _Stderr(logging.StreamHandler):
    """Writes to the current sys.stderr, which click's test runner and daemons replace."""

    @property
    def stream(self) -> TextIO:
        return sys.stderr

    @stream.setter
    def stream(self, value: TextIO) -> None:
        pass


def configure_logging(config: Config) -> None:
    """Send the records of `config.log_level` and above to stderr and `config.log_file`.

    Only the handlers of an earlier call are replaced (a second command in one process must
    not write every line twice); handlers of others, such as pytest's, stay.
    """
    root = logging.getLogger()
    ours: list[logging.Handler] = [_Stderr()]
    if config.log_file is not None:
        try:
            config.log_file.parent.mkdir(parents=True, exist_ok=True)
            # Watched: after logrotate moves the file (no copytruncate needed), the next record
            # opens a new one; a plain FileHandler of a weeks-long `serve` would keep writing
            # into the moved file until rotation deletes it.
            ours.append(logging.handlers.WatchedFileHandler(config.log_file, encoding="utf-8"))
        except OSError as exc:
            raise ConfigError(
                f"LOG_FILE {config.log_file} kann nicht geschrieben werden ({exc.strerror})"
            ) from None
    for handler in [h for h in root.handlers if getattr(h, "funding_matcher", False)]:
        root.removeHandler(handler)
        handler.close()
    formatter = logging.Formatter(LOG_FORMAT)
    for handler in ours:
        handler.setFormatter(formatter)
        # on the handlers too: a library logger with its own level (bm25s logs at DEBUG)
        # passes its records to the root's handlers whatever the root's level
        handler.setLevel(config.log_level)
        handler.funding_matcher = True  # type: ignore[attr-defined]
        root.addHandler(handler)
    root.setLevel(config.log_level)
