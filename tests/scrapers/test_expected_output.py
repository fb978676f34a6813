"""Every bundled snapshot parsed through the offline crawl, compared with an expected-output file.

A change in any parser or normaliser that alters a record shows up here as a diff. After an
intended change, regenerate the files with `UPDATE_EXPECTED=1 pytest tests/scrapers` and review
the diff in git.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from scrapers.crawl import crawl
from scrapers.fetch import Fetcher, SnapshotStore
from scrapers.sources import load_sources
from tests.scrapers.conftest import SNAPSHOTS, SOURCES_YAML, TODAY

EXPECTED = Path(__file__).parent / "expected"
SOURCES = load_sources(SOURCES_YAML)


@pytest.mark.parametrize("source", SOURCES, ids=[s.name for s in SOURCES])
def test_snapshot_parses_to_expected_records(source) -> None:
    fetcher = Fetcher(config=source.fetch, replay=SnapshotStore(SNAPSHOTS / source.name))
    result = crawl(source, fetcher, today=TODAY)
    # every list page read; a feed's window never proves that a call has gone
    assert result.complete == source.complete_listing and not result.errors
    lines = [
        json.dumps(r.to_json_dict(), ensure_ascii=False, sort_keys=True) for r in result.records
    ]
    path = EXPECTED / f"{source.name}.jsonl"
    if os.environ.get("UPDATE_EXPECTED"):
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    expected = path.read_text(encoding="utf-8").splitlines()
    assert [json.loads(x) for x in lines] == [json.loads(x) for x in expected]
