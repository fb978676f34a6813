"""Logging of the commands: LOG_LEVEL and LOG_FILE, for runs without a terminal (cron)."""

from __future__ import annotations

import logging
import re
from pathlib import Path

from tests.conftest import CliInvoker
from tests.foundation.test_import import DEV_CALLS
from webapp.config import Config
from webapp.log_setup import configure_logging


def test_a_warning_of_a_scheduled_match_lands_in_the_log_file(
    cli: CliInvoker, tmp_path: Path
) -> None:
    blocker = tmp_path / "kein-ordner"
    blocker.write_text("eine Datei, wo ein Ordner sein müsste")
    log_file = tmp_path / "logs" / "funding-matcher.log"
    env = {"LOG_FILE": str(log_file), "MATCH_MODEL_PATH": str(blocker / "model.joblib")}
    assert cli("init", **env).exit_code == 0
    assert cli("import", str(DEV_CALLS), **env).exit_code == 0

    result = cli("match", **env)

    assert result.exit_code == 0, result.output  # the scores are stored all the same
    lines = log_file.read_text(encoding="utf-8").splitlines()
    warning = [line for line in lines if "Modell nicht gespeichert" in line]
    assert len(warning) == 1, lines
    assert re.match(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d+ WARNING webapp\.matching: ", warning[0])


def test_log_level_error_keeps_warnings_out_of_the_log(cli: CliInvoker, tmp_path: Path) -> None:
    log_file = tmp_path / "fm.log"
    assert cli("init", LOG_FILE=str(log_file), LOG_LEVEL="error").exit_code == 0  # any case
    blocker = tmp_path / "datei"
    blocker.write_text("x")
    env = {"LOG_FILE": str(log_file), "MATCH_MODEL_PATH": str(blocker / "m.joblib")}
    assert cli("import", str(DEV_CALLS), **env, LOG_LEVEL="ERROR").exit_code == 0
    assert cli("match", **env, LOG_LEVEL="ERROR").exit_code == 0
    assert "WARNING" not in log_file.read_text(encoding="utf-8")


def test_library_debug_records_stay_out_of_the_output(cli: CliInvoker, tmp_path: Path) -> None:
    """bm25s logs at DEBUG on its own logger; at the default level that is not shown."""
    root = Path(__file__).resolve().parents[2] / "data" / "eval" / "dev-independent"
    args = ("evaluate", "--calls", str(root / "calls.jsonl"), "--qrels", str(root / "qrels.tsv"))
    log_file = tmp_path / "fm.log"

    quiet = cli(*args, LOG_FILE=str(log_file))
    assert quiet.exit_code == 0, quiet.output
    assert "DEBUG" not in quiet.output and "DEBUG" not in log_file.read_text(encoding="utf-8")

    verbose = cli(*args, LOG_FILE=str(log_file), LOG_LEVEL="DEBUG")
    assert verbose.exit_code == 0, verbose.output
    assert "DEBUG bm25s" in log_file.read_text(encoding="utf-8")


def test_after_logrotate_moves_the_file_records_go_to_a_new_one(tmp_path: Path) -> None:
    """`serve` runs for weeks: once logrotate had moved the file away (without copytruncate),
    the server kept writing into the moved file, which rotation then deleted."""
    log_file = tmp_path / "fm.log"
    configure_logging(Config(database_url="sqlite://", log_file=log_file))
    try:
        log = logging.getLogger("webapp.test_rotation")
        log.warning("vor der Rotation")
        log_file.rename(tmp_path / "fm.log.1")  # what logrotate does
        log.warning("nach der Rotation")
    finally:
        configure_logging(Config(database_url="sqlite://"))  # closes the file handler

    assert "vor der Rotation" in (tmp_path / "fm.log.1").read_text(encoding="utf-8")
    rotated = (tmp_path / "fm.log.1").read_text(encoding="utf-8")
    assert "nach der Rotation" not in rotated
    assert "nach der Rotation" in log_file.read_text(encoding="utf-8")
