"""The registry of source kinds is the one list: what each kind reads is declared there, and
the docs and `check` follow it."""

from __future__ import annotations

import inspect
import re
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from scrapers import crawl
from scrapers.registry import KINDS, SOURCE_KINDS, kinds_reading
from tests.scrapers.conftest import REPO_ROOT

# Passed by the crawl or by tests, never written in sources.yaml.
_INTERNAL = {"today", "code_labels"}
# `options.get("x")`, `options["x"]`, `(options or {}).get("x")`
_READ = re.compile(r"""\boptions\b(?: or \{\}\))?(?:\.get\(|\[)["'](\w+)["']""")


def _read_options(source: str) -> set[str]:
    return set(_READ.findall(source)) - _INTERNAL


@pytest.mark.parametrize("kind", KINDS)
def test_every_option_a_parser_reads_is_declared_for_its_kind(kind: str) -> None:
    """An option read but not declared would be refused by `check` for the sources it is for."""
    module = sys.modules[SOURCE_KINDS[kind].parse.__module__]
    read = _read_options(inspect.getsource(module))
    if "keep_funding_items(" in inspect.getsource(module):
        read.add("include_words")  # read by that shared helper in scrapers/base.py
    # the kinds with a crawl of their own read their request options there
    own_crawl: dict[str, Callable[..., Any]] = {
        "eu-ft": crawl._crawl_eu,
        "foerderdatenbank": crawl._crawl_fdb,
    }
    if kind in own_crawl:
        read |= _read_options(inspect.getsource(own_crawl[kind]))
    assert read <= SOURCE_KINDS[kind].options, read - SOURCE_KINDS[kind].options


def test_the_shared_crawl_reads_no_option_of_its_own() -> None:
    """Options read on every kind's path (crawl, list crawl) would belong to every kind."""
    shared = inspect.getsource(crawl.crawl) + inspect.getsource(crawl._crawl_list)
    assert _read_options(shared) == set()


def test_kinds_reading_names_the_kinds_in_the_registrys_order() -> None:
    assert kinds_reading("funder") == ["feed", "html-list"]
    assert kinds_reading("query") == ["eu-ft"]
    assert kinds_reading("dealy") == []


def test_the_kinds_table_of_the_docs_lists_what_the_registry_declares() -> None:
    """docs/scraping.md is where an administrator looks up which options a kind takes."""
    text = (REPO_ROOT / "docs" / "scraping.md").read_text(encoding="utf-8")
    table = text.split("| Art | Quelle | Was gelesen wird | Optionen |\n|---|---|---|---|\n")[1]
    rows = {}
    for line in table.split("\n\n")[0].splitlines():
        cells = [c.strip() for c in line.strip("|").split(" | ")]
        rows[cells[0].strip("`")] = set(re.findall(r"`(\w+)`", cells[-1]))
    assert list(rows) == list(KINDS)
    assert rows == {name: set(kind.options) for name, kind in SOURCE_KINDS.items()}


def test_the_sources_yaml_header_points_to_the_kinds_instead_of_listing_them() -> None:
    """A kind list in the comment would be one more place to forget for a new kind."""
    header = Path(REPO_ROOT / "data" / "sources.yaml").read_text(encoding="utf-8")
    header = header.split("\ndefaults:")[0]
    assert "parse --help" in header and "docs/scraping.md" in header
    assert ", ".join(KINDS) not in header
