"""A county edits its own strategy and sources.yaml: keys written twice, misspelt applicant types.

YAML keeps only the last of two equal keys and the matcher reads any applicant type, so both
mistakes used to cost data or matches without a word. Each must now end with one German
message naming the file, the line(s) and the part, a non-zero exit, no traceback, and nothing
written.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from scrapers.sources import load_sources
from tests.conftest import CliInvoker
from tests.reliability.test_admin_mistakes import OSTALB, _write
from tests.reliability.test_bad_input import _clean_failure, _count
from webapp.config import Config
from webapp.db import make_engine, make_session_factory
from webapp.models import ProjectRow, ScrapeRun, Source

# OA-02's keywords (line 36) written a second time, as after copying a block
TWICE = OSTALB.replace(
    "    keywords: [ISMS, Informationssicherheit]\n",
    "    keywords: [ISMS, Informationssicherheit]\n    keywords: [Notfallplan]\n",
)
TWICE_MESSAGE = (
    "ostalb.yaml: Zeile 37, projects[1].keywords: Schlüssel 'keywords' steht doppelt "
    "(zuerst in Zeile 36); der erste Wert würde überschrieben"
)


def _keywords(config: Config, key: str) -> list[str]:
    engine = make_engine(config.database_url)
    with make_session_factory(engine)() as session:
        value = session.scalar(select(ProjectRow.keywords).where(ProjectRow.key == key))
    engine.dispose()
    return list(value or [])


def test_a_key_written_twice_in_the_strategy_is_refused_with_both_lines(
    cli: CliInvoker, config: Config, tmp_path: Path
) -> None:
    assert cli("strategy", "load", str(_write(tmp_path, OSTALB))).exit_code == 0
    path = _write(tmp_path, TWICE, "ostalb.yaml")
    _clean_failure(cli("strategy", "show", str(path)), TWICE_MESSAGE)
    _clean_failure(cli("strategy", "load", str(path)), TWICE_MESSAGE)
    assert _keywords(config, "OA-02") == ["ISMS", "Informationssicherheit"]


def test_init_with_a_key_written_twice_creates_no_database(cli: CliInvoker, tmp_path: Path) -> None:
    path = _write(tmp_path, TWICE)
    database = tmp_path / "neu" / "funding-matcher.db"
    result = cli("init", STRATEGY_PATH=str(path), DATABASE_URL=f"sqlite:///{database}")
    _clean_failure(result, TWICE_MESSAGE)
    assert not database.exists()


FEED_TWICE = """\
sources:
  - name: kreis
    kind: feed
    url: https://example.org/feed.xml
    delay: 5
    label: Landratsamt
    delay: 1
"""


def test_an_option_written_twice_in_a_source_is_refused_before_any_fetch(
    cli: CliInvoker, config: Config, tmp_path: Path
) -> None:
    path = _write(tmp_path, FEED_TWICE, "quellen.yaml")
    assert cli("init").exit_code == 0
    _clean_failure(
        cli("scrape", SOURCES_PATH=str(path)),
        f"Quellenliste {path}, Zeile 7: Schlüssel 'delay' steht doppelt (zuerst in Zeile 5); "
        "der erste Wert würde überschrieben",
    )
    assert _count(config, Source) == 0 and _count(config, ScrapeRun) == 0


def test_every_key_written_twice_in_sources_yaml_is_named_at_once(
    cli: CliInvoker, config: Config, tmp_path: Path
) -> None:
    # a second `sources:` block would silently replace the first list of sources
    text = (
        "defaults:\n  delay: 2\n  retries: 3\n  delay: 10\n"
        + FEED_TWICE.replace("    delay: 1\n", "")
        + "sources:\n  - {name: land, kind: feed, url: 'https://example.org/land.xml'}\n"
    )
    path = _write(tmp_path, text, "quellen.yaml")
    assert cli("init").exit_code == 0
    _clean_failure(
        cli("scrape", "--offline", SOURCES_PATH=str(path)),
        f"Quellenliste {path}: 2 Fehler",
        "  - Zeile 4: Schlüssel 'delay' steht doppelt (zuerst in Zeile 2)",
        "  - Zeile 11: Schlüssel 'sources' steht doppelt (zuerst in Zeile 5)",
    )
    assert _count(config, Source) == 0


def test_a_merged_anchor_may_be_overridden_in_sources_yaml(tmp_path: Path) -> None:
    # `<<: *feed` then `delay:` overrides on purpose: that is no key written twice
    text = (
        "sources:\n"
        "  - &feed {name: kreis, kind: feed, url: 'https://example.org/a.xml', delay: 1}\n"
        "  - <<: *feed\n    name: land\n    delay: 3\n"
    )
    sources = load_sources(_write(tmp_path, text, "quellen.yaml"))
    assert [(s.name, s.fetch.delay) for s in sources] == [("kreis", 1.0), ("land", 3.0)]


TYPE_MISTAKES = {
    # read as a town, the county would have lost every call only for Kreise
    "region": (
        ("type: Landkreis}", "type: Landkries}"),
        [
            "Zeile 9, region_profile.applicants[0].type: unbekannte Art 'Landkries' "
            "(gemeint ist wohl 'Landkreis'; erlaubt: Landkreis, Kreis,",
            "Große Kreisstadt",
        ],
    ),
    # no call would ever have been found open to the project's partners
    "project": (
        (
            "    summary: Glasfaser",
            "    applicant_types: [Kommune, Untenehmen]\n    summary: Glasfaser",
        ),
        [
            "Zeile 41, projects[2].applicant_types[1]: unbekannte Antragstellerart 'Untenehmen' "
            "(gemeint ist wohl 'Unternehmen'; erlaubt: Unternehmen, KMU,",
            "sie würde in keinem Aufruf erkannt",
        ],
    ),
    "project-block-list": (
        (
            "    summary: Glasfaser",
            "    applicant_types:\n      - Verein\n      - Feuerwehr\n    summary: Glasfaser",
        ),
        [
            "Zeile 43, projects[2].applicant_types[1]: unbekannte Antragstellerart 'Feuerwehr' (erlaubt:"
        ],
    ),
}


@pytest.mark.parametrize("case", list(TYPE_MISTAKES))
def test_an_unknown_applicant_type_is_refused_with_the_type_meant(
    cli: CliInvoker, config: Config, tmp_path: Path, case: str
) -> None:
    (old, new), expected = TYPE_MISTAKES[case]
    assert old in OSTALB
    path = _write(tmp_path, OSTALB.replace(old, new, 1))
    assert cli("init").exit_code == 0
    before = _count(config, ProjectRow)
    _clean_failure(cli("strategy", "load", str(path)), "ostalb.yaml", *expected)
    assert _count(config, ProjectRow) == before
    database = tmp_path / "neu" / "funding-matcher.db"
    result = cli("init", STRATEGY_PATH=str(path), DATABASE_URL=f"sqlite:///{database}")
    _clean_failure(result, "ostalb.yaml", *expected)
    assert not database.exists()


def test_plural_and_local_applicant_types_are_understood(cli: CliInvoker, tmp_path: Path) -> None:
    text = OSTALB.replace("{name: Aalen, type: Stadt}", "{name: Aalen, type: Große Kreisstadt}")
    text = text.replace(
        "    summary: Glasfaser", "    applicant_types: [Vereine, KMU]\n    summary: Glasfaser"
    )
    result = cli("strategy", "show", str(_write(tmp_path, text)))
    assert result.exit_code == 0, result.output
    assert "Aalen (Große Kreisstadt)" in result.output


def test_an_applicant_listed_twice_is_named(cli: CliInvoker, tmp_path: Path) -> None:
    text = OSTALB.replace(
        "    - {name: Aalen, type: Stadt}\n",
        "    - {name: Aalen, type: Stadt}\n    - {name: Aalen, type: stadt}\n",
    )
    _clean_failure(
        cli("strategy", "show", str(_write(tmp_path, text))),
        "Zeile 11, region_profile.applicants[2].name: Antragsteller 'Aalen' steht doppelt",
    )


def test_a_strategy_with_one_of_each_is_counted_in_the_singular(
    cli: CliInvoker, tmp_path: Path
) -> None:
    one = OSTALB[: OSTALB.index("      - id: V2")] + OSTALB[OSTALB.index("projects:") :]
    one = one[: one.index("  - id: OA-02")].replace("\n  - id: infrastruktur", "")
    result = cli("init", STRATEGY_PATH=str(_write(tmp_path, one)))
    assert result.exit_code == 0, result.output
    assert "'ostalb-digital' geladen: 1 Themenfeld, 1 Ziel, 1 Projekt." in result.output
