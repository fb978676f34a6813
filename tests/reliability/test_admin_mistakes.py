"""An administrator of another county sets funding-matcher up and makes mistakes.

Each mistake must end with one clear message naming the file, line, field or setting, a
non-zero exit, no traceback, and nothing written (no database file, no rows).
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import CliInvoker
from tests.reliability.test_bad_input import _clean_failure, _count
from webapp.config import Config
from webapp.models import Call, ProjectRow, ScrapeRun, Source, User

OSTALB = """\
id: ostalb-digital
name: "Ostalb digital 2030"
region: Ostalbkreis
region_profile:
  state: Baden-Württemberg
  county: Ostalbkreis
  rural: true
  applicants:
    - {name: Ostalbkreis, type: Landkreis}
    - {name: Aalen, type: Stadt}
themes:
  - id: verwaltung
    name: Verwaltung
    priority: 1
    goals:
      - id: V1
        text: Verwaltungsleistungen vollständig online anbieten.
      - id: V2
        text: Informationssicherheit in allen Kommunen stärken.
  - id: infrastruktur
    name: Infrastruktur
    priority: 2
    goals:
      - id: I1
        text: Gigabitfähige Netze bis in jeden Ortsteil.
projects:
  - id: OA-01
    title: Bürgerportal Ostalb
    theme: verwaltung
    goals: [V1]
    keywords: [Onlinezugangsgesetz, Bürgerportal]
  - id: OA-02
    title: Informationssicherheit interkommunal
    theme: verwaltung
    goals: [V2]
    keywords: [ISMS, Informationssicherheit]
  - id: OA-03
    title: Breitbandausbau Ostalb
    theme: infrastruktur
    goals: [I1]
    summary: Glasfaserausbau in unterversorgten Gebieten.
"""


def _write(tmp_path: Path, text: str, name: str = "ostalb.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_the_own_strategy_is_shown_and_loaded(cli: CliInvoker, tmp_path: Path) -> None:
    path = _write(tmp_path, OSTALB)
    shown = cli("strategy", "show", str(path))
    assert shown.exit_code == 0, shown.output
    assert "Projekt OA-03: Breitbandausbau Ostalb (Ziele: I1)" in shown.output
    loaded = cli("init", STRATEGY_PATH=str(path))
    assert loaded.exit_code == 0, loaded.output
    assert "'ostalb-digital' geladen: 2 Themenfelder, 3 Ziele, 3 Projekte" in loaded.output


STRATEGY_TYPOS = {
    # a misspelt section would silently drop the region profile, and with it the check
    # that calls for other states do not fit
    "region_profile": (
        ("region_profile:", "region_profil:"),
        ["Zeile 4", "region_profil", "gemeint ist wohl 'region_profile'"],
    ),
    "keywords": (
        ("    keywords: [ISMS", "    keyword: [ISMS"),
        ["Zeile 36", "projects[1].keyword", "gemeint ist wohl 'keywords'"],
    ),
    "summary": (
        ("    summary: Glas", "    summery: Glas"),
        ["projects[2].summery", "gemeint ist wohl 'summary'"],
    ),
    "german-key": (
        ("  state: Baden", "  bundesland: Baden"),
        ["Zeile 5", "region_profile.bundesland", "erlaubt: country, state"],
    ),
    "priority": (
        ("    priority: 2", "    prioritaet: 2"),
        ["gemeint ist wohl 'priority'", "Pflichtfeld 'priority' fehlt"],
    ),
}


@pytest.mark.parametrize("case", list(STRATEGY_TYPOS))
def test_a_misspelt_strategy_key_is_named_with_line_and_likely_key(
    cli: CliInvoker, tmp_path: Path, case: str
) -> None:
    (old, new), expected = STRATEGY_TYPOS[case]
    assert old in OSTALB
    path = _write(tmp_path, OSTALB.replace(old, new, 1))
    _clean_failure(cli("strategy", "show", str(path)), "ostalb.yaml", *expected)


def test_a_second_projects_block_is_refused_not_silently_replacing_the_first(
    cli: CliInvoker, tmp_path: Path
) -> None:
    added = "projects:\n  - {id: OA-04, title: Neu, theme: verwaltung, goals: [V1]}\n"
    path = _write(tmp_path, OSTALB + added)
    _clean_failure(
        cli("strategy", "show", str(path)),
        "ostalb.yaml",
        "Zeile 42",
        "'projects' steht doppelt (zuerst in Zeile 26)",
    )


STRATEGY_SHAPES = {
    "goals-number": (
        ("    goals:\n      - id: I1\n        text: Gigabitfähige Netze bis in jeden Ortsteil.\n"),
        "    goals: 3\n",
        ["Zeile 23, themes[1].goals: 'goals' muss eine Liste sein"],
    ),
    "applicants-number": (
        "  applicants:\n    - {name: Ostalbkreis, type: Landkreis}\n    - {name: Aalen, type: Stadt}\n",
        "  applicants: 2\n",
        ["region_profile.applicants: 'applicants' muss eine Liste sein"],
    ),
    "no-projects": (OSTALB[OSTALB.index("projects:") :], "", ["mindestens ein Projekt"]),
    "empty": (OSTALB, "", ["Die Datei ist leer"]),
    "nul": ("Ostalb digital", "Ostalb\0digital", ["Zeile 2: kein gültiges YAML"]),
}


@pytest.mark.parametrize("case", list(STRATEGY_SHAPES))
def test_a_strategy_of_the_wrong_shape_is_one_message(
    cli: CliInvoker, config: Config, tmp_path: Path, case: str
) -> None:
    old, new, expected = STRATEGY_SHAPES[case]
    assert old in OSTALB
    path = _write(tmp_path, OSTALB.replace(old, new, 1))
    assert cli("init").exit_code == 0
    before = _count(config, ProjectRow)
    _clean_failure(cli("strategy", "load", str(path)), "ostalb.yaml", *expected)
    assert _count(config, ProjectRow) == before


def test_a_directory_as_strategy_is_named(cli: CliInvoker, tmp_path: Path) -> None:
    _clean_failure(
        cli("strategy", "show", str(tmp_path)), tmp_path.name, "ist ein Verzeichnis, keine Datei"
    )


def test_init_with_a_broken_strategy_creates_no_database(cli: CliInvoker, tmp_path: Path) -> None:
    path = _write(tmp_path, OSTALB.replace("theme: infrastruktur", "theme: infrastructure"))
    database = tmp_path / "neu" / "funding-matcher.db"
    result = cli("init", STRATEGY_PATH=str(path), DATABASE_URL=f"sqlite:///{database}")
    _clean_failure(result, "ostalb.yaml", "Zeile 39", "unbekanntes Themenfeld 'infrastructure'")
    assert not database.exists()


def test_strategy_load_with_a_broken_file_creates_no_database(
    cli: CliInvoker, config: Config, tmp_path: Path
) -> None:
    path = _write(tmp_path, OSTALB.replace("priority: 1", "priority: 0"))
    _clean_failure(cli("strategy", "load", str(path)), "Priorität muss 1, 2 oder 3 sein")
    assert not Path(config.database_url.removeprefix("sqlite:///")).exists()


FEED = "sources:\n  - {name: kreis, kind: feed, url: 'https://example.org/feed.xml'%s}\n"

LIST = "sources:\n  - {name: kreis, kind: html-list, url: 'https://example.org/', selectors: %s}\n"

SOURCES_MISTAKES = {
    "typo-delay": (FEED % ", dealy: 5", ["'kreis'", "'dealy'", "gemeint ist wohl 'delay'"]),
    "typo-enabled": (FEED % ", enable: false", ["'enable'", "gemeint ist wohl 'enabled'"]),
    "enabled-word": (FEED % ", enabled: nein", ["'enabled'", "true oder false", "'nein'"]),
    "delay-word": (FEED % ", delay: bald", ["'kreis'", "delay muss eine Zahl sein", "'bald'"]),
    "delay-negative": (FEED % ", delay: -5", ["delay muss mindestens 0 sein"]),
    "timeout-zero": (FEED % ", read_timeout: 0", ["read_timeout muss größer als 0 sein"]),
    "retries-fraction": (FEED % ", retries: 2.5", ["retries muss eine ganze Zahl sein"]),
    "max-bytes-text": (FEED % ", max_bytes: 5 MB", ["max_bytes muss eine Zahl sein", "5 MB"]),
    "max-pages-zero": (FEED % ", max_pages: 0", ["max_pages muss eine ganze Zahl ab 1 sein"]),
    "url-text": (
        FEED.replace("'https://example.org/feed.xml'", "'www.kreis.de/feed'") % "",
        ["'url'", "keine Web-Adresse"],
    ),
    "url-bracket": (
        FEED.replace("'https://example.org/feed.xml'", "'http://[::1/feed'") % "",
        ["'url'", "'http://[::1/feed' ist keine Web-Adresse"],
    ),
    "url-port": (
        FEED.replace("'https://example.org/feed.xml'", "'https://example.org:99999/'") % "",
        ["'url'", "'https://example.org:99999/' ist keine Web-Adresse"],
    ),
    "url-ftp": (
        FEED.replace("https://", "ftp://") % "",
        ["'url'", "'ftp://example.org/feed.xml' ist keine Web-Adresse"],
    ),
    "defaults-text": ("defaults: schnell\n" + FEED % "", ["'defaults'", "Zuordnung"]),
    "defaults-list": ("defaults: [1, 2]\n" + FEED % "", ["'defaults'", "Zuordnung"]),
    "defaults-value": ("defaults: {delay: bald}\n" + FEED % "", ["defaults", "delay", "'bald'"]),
    "defaults-typo": ("defaults: {retry: 2}\n" + FEED % "", ["defaults", "gemeint ist wohl"]),
    "region-list": (
        FEED % ", region: [NRW]",
        ["'region'", "muss ein Text sein, keine Liste", "(region: NRW)"],
    ),
    "funder-number": (FEED % ", funder: 42", ["'funder'", "muss ein Text sein, nicht 42"]),
    "label-empty": (FEED % ", label: ", ["'label'", "hat keinen Wert"]),
    "allow-empty-word": (
        LIST % "{item: li, title: h3}, allow_empty: ja",
        ["'allow_empty'", "true oder false"],
    ),
    "selector-broken": (
        LIST % "{item: 'li..programm[', title: h3}",
        ["'selectors.item'", "'li..programm[' ist kein gültiger CSS-Selektor"],
    ),
    "selector-number": (
        LIST % "{item: li, title: h3, date: 5}",
        ["'selectors.date'", "muss ein CSS-Selektor als Text sein", "nicht 5"],
    ),
    "selector-typo": (
        LIST % "{item: li, title: h3, dedline: p.frist}",
        ["'selectors.dedline'", "unbekannter Selektor (gemeint ist wohl 'deadline')"],
    ),
    "selector-required-typo": (
        LIST % "{item: li, titel: h3}",
        ["'selectors.titel'", "unbekannter Selektor (gemeint ist wohl 'title')"],
    ),
}


@pytest.mark.parametrize("case", list(SOURCES_MISTAKES))
def test_a_mistake_in_sources_yaml_is_refused_before_any_fetch(
    cli: CliInvoker, config: Config, tmp_path: Path, case: str
) -> None:
    text, expected = SOURCES_MISTAKES[case]
    path = _write(tmp_path, text, "quellen.yaml")
    assert cli("init").exit_code == 0
    # not --offline: a URL or setting that cannot work must be caught before the network
    _clean_failure(cli("scrape", SOURCES_PATH=str(path)), "quellen.yaml", *expected)
    assert _count(config, Source) == 0 and _count(config, ScrapeRun) == 0


def test_every_mistake_in_sources_yaml_is_named_at_once_with_its_line(
    cli: CliInvoker, config: Config, tmp_path: Path
) -> None:
    text = (
        "sources:\n"
        "  - name: stmd\n"  # line 2
        "    kind: html-lst\n"
        "    url: https://www.stmd.bayern.de/foerderung/\n"
        "    selectors: {item: div.teaser, title: h3}\n"
        "  - name: opf\n"  # line 6
        "    kind: feed\n"
        "    url: https://www.regierung.oberpfalz.bayern.de/rss.xml\n"
        "    fundr: Regierung der Oberpfalz\n"  # line 9
        "  - name: lra\n"
        "    kind: feed\n"
        "    url: htps//www.landkreis-cham.de/feed.xml\n"  # line 12
    )
    path = _write(tmp_path, text, "quellen.yaml")
    assert cli("init").exit_code == 0
    _clean_failure(
        cli("scrape", SOURCES_PATH=str(path)),
        "Quellenliste " + str(path) + ": 3 Fehler",
        "Zeile 3, Quelle 'stmd' (Feld 'kind'): unbekannte Art 'html-lst' (gemeint ist wohl "
        "'html-list'",
        "Zeile 9, Quelle 'opf' (Feld 'fundr'): unbekannter Schlüssel (gemeint ist wohl 'funder')",
        "Zeile 12, Quelle 'lra' (Feld 'url'): 'htps//www.landkreis-cham.de/feed.xml' ist keine",
    )
    assert _count(config, Source) == 0


def test_an_unknown_kind_and_typos_of_the_same_source_are_named_in_one_run(
    cli: CliInvoker, config: Config, tmp_path: Path
) -> None:
    """The keys are the same for every kind: a typo need not wait for the kind's fix."""
    text = (
        "defaults:\n"
        "  delay: 1\n"
        "  retry: 2\n"  # line 3
        "sources:\n"
        "  - name: lra\n"
        "    kind: rss\n"  # line 6
        "    url: https://www.landkreis-cham.de/feed.xml\n"
        "    dealy: 3\n"  # line 8
        "    enable: false\n"  # line 9
    )
    path = _write(tmp_path, text, "quellen.yaml")
    assert cli("init").exit_code == 0
    _clean_failure(
        cli("scrape", SOURCES_PATH=str(path)),
        "Quellenliste " + str(path) + ": 4 Fehler",
        "Zeile 3, defaults (Feld 'retry'): unbekannter Schlüssel (gemeint ist wohl 'retries')",
        "Zeile 6, Quelle 'lra' (Feld 'kind'): unbekannte Art 'rss'",
        "Zeile 8, Quelle 'lra' (Feld 'dealy'): unbekannter Schlüssel (gemeint ist wohl 'delay')",
        "Zeile 9, Quelle 'lra' (Feld 'enable'): unbekannter Schlüssel (gemeint ist wohl 'enabled')",
    )
    assert _count(config, Source) == 0


def test_bad_default_values_are_named_with_the_entries_mistakes(
    cli: CliInvoker, config: Config, tmp_path: Path
) -> None:
    """A bad value under `defaults` stopped the check there: the typos of the sources below
    came one run later, and each bad default was not named with its own line."""
    text = (
        "defaults:\n"
        "  delay: bald\n"  # line 2
        "  retries: -1\n"  # line 3
        "sources:\n"
        "  - name: lra\n"
        "    kind: feed\n"
        "    url: https://www.landkreis-cham.de/feed.xml\n"
        "    fundr: Landratsamt\n"  # line 8
    )
    path = _write(tmp_path, text, "quellen.yaml")
    assert cli("init").exit_code == 0
    result = cli("scrape", SOURCES_PATH=str(path))
    _clean_failure(
        result,
        "Quellenliste " + str(path) + ": 3 Fehler",
        "Zeile 2, defaults (Feld 'delay'): delay muss eine Zahl sein, nicht 'bald'",
        "Zeile 3, defaults (Feld 'retries'): retries muss mindestens 0 sein, nicht -1",
        "Zeile 8, Quelle 'lra' (Feld 'fundr'): unbekannter Schlüssel (gemeint ist wohl 'funder')",
    )
    assert "Quelle 'lra': delay" not in result.output  # the default is not blamed on a source
    assert _count(config, Source) == 0


def test_check_names_every_mistake_of_both_files_without_a_database(
    cli: CliInvoker, config: Config, tmp_path: Path
) -> None:
    """`check` before `init`: all problems of the strategy and of sources.yaml, each with
    file, line and field, exit status 1, and no database file left behind."""
    strategy = _write(
        tmp_path,
        OSTALB.replace("    keywords: [ISMS", "    keyword: [ISMS").replace(
            "    theme: infrastruktur", "    theme: infrastruktr"
        ),
    )
    sources = _write(
        tmp_path,
        "sources:\n"
        "  - name: lra\n"
        "    kind: html-lst\n"  # line 3
        "    url: https://www.landkreis-cham.de/foerderung/\n"
        "    dealy: 3\n",  # line 5
        "quellen.yaml",
    )
    result = cli("check", "--strategy", str(strategy), "--sources", str(sources))
    assert result.exit_code == 1, result.output
    assert result.stdout == ""
    assert result.stderr == (
        f"Fehler: {strategy}: 2 Fehler\n"
        "  - Zeile 36, projects[1].keyword: unbekannter Schlüssel 'keyword' "
        "(gemeint ist wohl 'keywords')\n"
        "  - Zeile 39, projects[2].theme: unbekanntes Themenfeld 'infrastruktr' "
        "(gemeint ist wohl 'infrastruktur')\n"
        f"Fehler: Quellenliste {sources}: 2 Fehler\n"
        f"  - {sources}, Zeile 3, Quelle 'lra' (Feld 'kind'): unbekannte Art 'html-lst' "
        "(gemeint ist wohl 'html-list'; bekannt sind: foerderdatenbank, foerderinfo, eu-ft, "
        "feed, html-list)\n"
        f"  - {sources}, Zeile 5, Quelle 'lra' (Feld 'dealy'): unbekannter Schlüssel "
        "(gemeint ist wohl 'delay')\n"
        "2 Dateien mit Fehlern.\n"
    )
    assert not Path(config.database_url.removeprefix("sqlite:///")).exists()


def test_check_refuses_what_scrape_would_fail_on_each_with_line_source_and_field(
    cli: CliInvoker, config: Config, tmp_path: Path
) -> None:
    """An admin's new sources: `check` said "in Ordnung" to a broken CSS selector (the scrape
    then failed with soupsieve's English error), ignored a typo'd selector key, accepted
    `region: [NRW]`, named a bad fetch setting only at the line of its source, stopped at
    the first unknown key, and called a source by its number although it had a name."""
    sources = _write(
        tmp_path,
        "sources:\n"
        "  - name: lra\n"
        "    kind: html-list\n"
        "    url: https://www.landkreis-cham.de/foerderung/\n"
        "    region: [NRW]\n"  # line 5
        "    selectors:\n"
        "      item: 'li..programm['\n"  # line 7
        "      title: h3\n"
        "      dedline: p.frist\n"  # line 9
        "  - name: opf\n"
        "    kind: feed\n"
        "    url: https://www.regierung.oberpfalz.bayern.de/rss.xml\n"
        "    dealy: 3\n"  # line 13
        "    read_timeout: drei\n"  # line 14
        "    max_pages: 0\n"  # line 15
        "  - name: lra\n"  # line 16
        "    url: https://www.landkreis-cham.de/feed.xml\n",
        "quellen.yaml",
    )
    result = cli("check", "--strategy", str(_write(tmp_path, OSTALB)), "--sources", str(sources))
    assert result.exit_code == 1, result.output
    assert result.stderr == (
        f"Fehler: Quellenliste {sources}: 8 Fehler\n"
        f"  - {sources}, Zeile 5, Quelle 'lra' (Feld 'region'): muss ein Text sein, keine "
        "Liste: ohne eckige Klammern schreiben (region: NRW)\n"
        f"  - {sources}, Zeile 7, Quelle 'lra' (Feld 'selectors.item'): 'li..programm[' ist "
        "kein gültiger CSS-Selektor: nach einem Punkt fehlt der Klassenname (ab Zeichen 3: "
        "„..programm[“)\n"
        f"  - {sources}, Zeile 9, Quelle 'lra' (Feld 'selectors.dedline'): unbekannter Selektor "
        "(gemeint ist wohl 'deadline')\n"
        f"  - {sources}, Zeile 13, Quelle 'opf' (Feld 'dealy'): unbekannter Schlüssel "
        "(gemeint ist wohl 'delay')\n"
        f"  - {sources}, Zeile 14, Quelle 'opf' (Feld 'read_timeout'): read_timeout muss eine "
        "Zahl sein, nicht 'drei'\n"
        f"  - {sources}, Zeile 15, Quelle 'opf' (Feld 'max_pages'): max_pages muss eine ganze "
        "Zahl ab 1 sein, nicht 0\n"
        f"  - {sources}, Zeile 16, Quelle 'lra' (Feld 'kind'): Pflichtfeld 'kind' fehlt\n"
        f"  - {sources}, Zeile 16, Quelle 'lra' (Feld 'name'): Name doppelt vergeben (zuerst in "
        "Zeile 2)\n"
        "1 Datei mit Fehlern.\n"
    )
    assert not Path(config.database_url.removeprefix("sqlite:///")).exists()


def test_check_refuses_a_typo_under_options_like_one_of_the_source(
    cli: CliInvoker, config: Config, tmp_path: Path
) -> None:
    """`options: {fundr: …, include_word: […]}` passed `check`: news items then passed as
    calls (no include_words) and the funder was empty, without a word."""
    sources = _write(
        tmp_path,
        "sources:\n"
        "  - name: dsee\n"
        "    kind: feed\n"
        "    url: https://www.deutsche-stiftung-engagement-und-ehrenamt.de/feed/\n"
        "    options: {fundr: DSEE, include_word: [Förder]}\n"  # line 5
        "  - name: opf\n"
        "    kind: feed\n"
        "    url: https://www.regierung.oberpfalz.bayern.de/rss.xml\n"
        "    options:\n"
        "      regin: Bayern\n"  # line 10
        "      delay: 5\n",  # line 11
        "quellen.yaml",
    )
    result = cli("check", "--strategy", str(_write(tmp_path, OSTALB)), "--sources", str(sources))
    assert result.exit_code == 1, result.output
    assert result.stderr == (
        f"Fehler: Quellenliste {sources}: 4 Fehler\n"
        f"  - {sources}, Zeile 5, Quelle 'dsee' (Feld 'options.fundr'): unbekannter Schlüssel "
        "(gemeint ist wohl 'funder')\n"
        f"  - {sources}, Zeile 5, Quelle 'dsee' (Feld 'options.include_word'): unbekannter "
        "Schlüssel (gemeint ist wohl 'include_words')\n"
        f"  - {sources}, Zeile 10, Quelle 'opf' (Feld 'options.regin'): unbekannter Schlüssel "
        "(gemeint ist wohl 'region')\n"
        f"  - {sources}, Zeile 11, Quelle 'opf' (Feld 'options.delay'): 'delay' ist keine Option "
        "des Parsers und wird unter 'options' nicht gelesen: direkt in die Quelle schreiben\n"
        "1 Datei mit Fehlern.\n"
    )
    assert not Path(config.database_url.removeprefix("sqlite:///")).exists()


def test_check_refuses_an_option_given_directly_and_under_options(
    cli: CliInvoker, config: Config, tmp_path: Path
) -> None:
    """`funder` both in the source and under `options:` took the nested value silently."""
    sources = _write(
        tmp_path,
        "sources:\n"
        "  - name: dsee\n"
        "    kind: feed\n"
        "    url: https://www.deutsche-stiftung-engagement-und-ehrenamt.de/feed/\n"
        "    funder: DSEE\n"
        "    options:\n"
        "      funder: Deutsche Stiftung für Engagement und Ehrenamt\n",  # line 7
        "quellen.yaml",
    )
    result = cli("check", "--strategy", str(_write(tmp_path, OSTALB)), "--sources", str(sources))
    assert result.exit_code == 1, result.output
    assert result.stderr == (
        f"Fehler: {sources}, Zeile 7, Quelle 'dsee' (Feld 'options.funder'): steht "
        "auch direkt in der Quelle (funder: 'DSEE'); nur einmal angeben, direkt oder unter "
        "'options'\n"
        "1 Datei mit Fehlern.\n"
    )


def test_check_refuses_an_option_the_kind_of_the_source_does_not_read(
    cli: CliInvoker, config: Config, tmp_path: Path
) -> None:
    """One list of options for every kind let a feed with selectors, an EU query and a page
    size pass `check`; the feed reads none of them."""
    sources = _write(
        tmp_path,
        "sources:\n"
        "  - name: opf\n"
        "    kind: feed\n"
        "    url: https://www.regierung.oberpfalz.bayern.de/rss.xml\n"
        "    selectors: {item: div, titel: h2}\n"  # line 5
        "    query: egal\n"  # line 6
        "    page_size: 5000\n"  # line 7
        "  - name: bund\n"
        "    kind: foerderinfo\n"
        "    url: https://www.foerderinfo.bund.de/\n"
        "    options: {funder: BMBF}\n"  # line 11
        "  - name: eu\n"
        "    kind: eu-ft\n"
        "    url: https://api.tech.ec.europa.eu/search-api/prod/rest/search\n"
        "    include_words: [Digital]\n",  # line 15
        "quellen.yaml",
    )
    result = cli("check", "--strategy", str(_write(tmp_path, OSTALB)), "--sources", str(sources))
    assert result.exit_code == 1, result.output
    assert result.stderr == (
        f"Fehler: Quellenliste {sources}: 5 Fehler\n"
        f"  - {sources}, Zeile 5, Quelle 'opf' (Feld 'selectors'): Option selectors gilt nicht "
        "für Quellen der Art feed; sie gilt für: html-list\n"
        f"  - {sources}, Zeile 6, Quelle 'opf' (Feld 'query'): Option query gilt nicht für "
        "Quellen der Art feed; sie gilt für: eu-ft\n"
        f"  - {sources}, Zeile 7, Quelle 'opf' (Feld 'page_size'): Option page_size gilt nicht "
        "für Quellen der Art feed; sie gilt für: eu-ft\n"
        f"  - {sources}, Zeile 11, Quelle 'bund' (Feld 'options.funder'): Option funder gilt "
        "nicht für Quellen der Art foerderinfo; sie gilt für: feed, html-list\n"
        f"  - {sources}, Zeile 15, Quelle 'eu' (Feld 'include_words'): Option include_words "
        "gilt nicht für Quellen der Art eu-ft; sie gilt für: feed, html-list\n"
        "1 Datei mit Fehlern.\n"
    )
    # the bundled list uses every kind with its options, and passes
    bundled = Path(__file__).parents[2] / "data" / "sources.yaml"
    result = cli("check", "--strategy", str(_write(tmp_path, OSTALB)), "--sources", str(bundled))
    assert result.exit_code == 0, result.output
    assert f"Quellenliste {bundled}: in Ordnung – 8 Quellen" in result.stdout


def test_check_of_good_files_says_what_they_contain(
    cli: CliInvoker, config: Config, tmp_path: Path
) -> None:
    strategy = _write(tmp_path, OSTALB)
    sources = _write(
        tmp_path,
        "sources:\n"
        "  - {name: a, kind: feed, url: 'https://example.org/a.xml'}\n"
        "  - {name: b, kind: feed, url: 'https://example.org/b.xml', enabled: false}\n",
        "quellen.yaml",
    )
    result = cli("check", STRATEGY_PATH=str(strategy), SOURCES_PATH=str(sources))
    assert result.exit_code == 0, result.output
    assert result.stdout == (
        f"Strategie {strategy}: in Ordnung – „Ostalb digital 2030“ (ostalb-digital), "
        "2 Themenfelder, 3 Ziele, 3 Projekte.\n"
        f"Quellenliste {sources}: in Ordnung – 2 Quellen, davon 1 aktiv.\n"
    )
    assert not Path(config.database_url.removeprefix("sqlite:///")).exists()


def test_swapped_strategy_and_source_list_are_named_as_such(
    cli: CliInvoker, tmp_path: Path
) -> None:
    """`--strategy quellen.yaml --sources strategie.yaml`: one sentence each saying the file
    is the other kind, instead of six problems about missing themes and projects."""
    strategy = _write(tmp_path, OSTALB)
    sources = _write(
        tmp_path,
        "defaults: {delay: 2}\nsources:\n  - {name: a, kind: feed, url: 'https://e.org/a'}\n",
        "quellen.yaml",
    )
    result = cli("check", "--strategy", str(sources), "--sources", str(strategy))
    assert result.exit_code == 1, result.output
    assert result.stderr == (
        f"Fehler: {sources}: Zeile 2: die Datei ist eine Quellenliste (sources.yaml), keine "
        "Strategie – die Strategiedatei angeben\n"
        f"Fehler: Quellenliste {strategy}: Schlüssel 'sources' (eine Liste) fehlt – die Datei "
        "ist eine Strategie (themes, projects), keine Quellenliste\n"
        "2 Dateien mit Fehlern.\n"
    )


def test_check_of_a_folder_says_so_in_german(cli: CliInvoker, tmp_path: Path) -> None:
    result = cli("check", "--strategy", str(tmp_path), "--sources", str(tmp_path))
    assert result.exit_code == 1, result.output
    assert result.stderr == (
        f"Fehler: {tmp_path}: ist ein Verzeichnis, keine Datei\n"
        f"Fehler: Quellenliste {tmp_path} ist ein Verzeichnis, keine Datei\n"
        "2 Dateien mit Fehlern.\n"
    )


@pytest.mark.parametrize(
    "args",
    [("check",), ("scrape",), ("weekly", "--offline"), ("parse", "feed", "x.xml", "--source", "a")],
    ids=["check", "scrape", "weekly", "parse"],
)
def test_a_missing_source_list_says_it_came_from_sources_path(
    cli: CliInvoker, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, args: tuple[str, ...]
) -> None:
    """cron runs in another folder than the admin's shell: a relative SOURCES_PATH that is
    not found says where it was looked for, as STRATEGY_PATH does."""
    assert cli("init").exit_code == 0
    monkeypatch.chdir(tmp_path)
    (tmp_path / "x.xml").write_text("<rss/>")
    result = cli(*args, STRATEGY_PATH=str(_write(tmp_path, OSTALB)), SOURCES_PATH="q/kreis.yaml")
    assert result.exit_code == 1, result.output
    assert (
        "Quellenliste q/kreis.yaml nicht gefunden (Pfad aus SOURCES_PATH, gelesen relativ zum "
        f"Ordner {tmp_path})"
    ) in result.output


def test_a_mistyped_source_name_gets_the_name_meant(cli: CliInvoker, tmp_path: Path) -> None:
    sources = _write(
        tmp_path,
        "sources:\n"
        "  - {name: foerderdatenbank, kind: feed, url: 'https://example.org/a.xml'}\n"
        "  - {name: foerderinfo, kind: feed, url: 'https://example.org/b.xml'}\n",
        "quellen.yaml",
    )
    assert cli("init").exit_code == 0
    result = cli("scrape", "--source", "foerderdatenbak", SOURCES_PATH=str(sources))
    assert result.exit_code == 1, result.output
    assert result.stderr == (
        "Fehler: Unbekannte Quelle 'foerderdatenbak' (gemeint ist wohl 'foerderdatenbank'); "
        "konfiguriert sind: foerderdatenbank, foerderinfo\n"
    )


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "sources:\n  - name: a\n\tkind: feed\n",
            "kein gültiges YAML, Zeile 3: Tabulatorzeichen in Spalte 1",
        ),
        (
            "sources:\n  - name: a\n    label: Landratsamt: Förderung\n",
            "kein gültiges YAML, Zeile 3: „: “ in Spalte 23 ist hier nicht erlaubt",
        ),
        (
            "sources:\n  - name: a\n     kind: feed\n",
            "kein gültiges YAML, Zeile 3: die Einrückung stimmt nicht: „kind:“ beginnt in "
            "Spalte 6, der Schlüssel in Zeile 2 darüber in Spalte 5",
        ),
    ],
    ids=["tab", "colon", "indent"],
)
def test_a_yaml_mistake_in_sources_yaml_says_what_to_change(
    cli: CliInvoker, tmp_path: Path, text: str, expected: str
) -> None:
    path = _write(tmp_path, text, "quellen.yaml")
    assert cli("init").exit_code == 0
    _clean_failure(cli("scrape", SOURCES_PATH=str(path)), "quellen.yaml", expected)


def test_a_missing_strategy_file_says_it_came_from_strategy_path_in_the_env_file(
    cli: CliInvoker, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # load_dotenv writes into os.environ: a copy keeps the .env value out of later tests.
    monkeypatch.setattr(
        os, "environ", {k: v for k, v in os.environ.items() if k != "STRATEGY_PATH"}
    )
    (tmp_path / ".env").write_text("STRATEGY_PATH=strategie/cham.yaml\n")
    monkeypatch.chdir(tmp_path)
    for args in (("init",), ("strategy", "show"), ("strategy", "load")):
        _clean_failure(
            cli(*args),
            "strategie/cham.yaml: Datei nicht gefunden",
            f"Pfad aus STRATEGY_PATH, gelesen relativ zum Ordner {tmp_path}",
            f"STRATEGY_PATH gesetzt in {tmp_path / '.env'}",
        )


CALL = '{"id": "oa-1", "url": "https://example.org/1", "title": "Breitband im Ostalbkreis"'

IMPORT_MISTAKES = {
    "surrogate": (CALL.replace("Breitband", "\\ud800") + "}", ["Feld 'title'", "Surrogat"]),
    "nan": (CALL + ', "amount_max_eur": NaN}', ["Feld 'amount_max_eur'", "Zahl erwartet"]),
    "infinity": (CALL + ', "funding_rate": Infinity}', ["Feld 'funding_rate'", "Zahl erwartet"]),
    "url-text": (
        CALL.replace("https://example.org/1", "siehe Amtsblatt") + "}",
        ["Feld 'url'", "'siehe Amtsblatt' ist keine Web-Adresse"],
    ),
    "url-javascript": (
        CALL.replace("https://example.org/1", "javascript:alert(1)") + "}",
        ["Feld 'url'", "keine Web-Adresse"],
    ),
    "url-bracket": (
        CALL.replace("https://example.org/1", "http://[::1/aufruf") + "}",
        ["Feld 'url'", "'http://[::1/aufruf' ist keine Web-Adresse"],
    ),
    "field-typo": (
        CALL + ', "deadine": "2027-03-31"}',
        ["Feld 'deadine'", "unbekanntes Feld 'deadine' (gemeint ist wohl 'deadline')"],
    ),
}


@pytest.mark.parametrize("case", list(IMPORT_MISTAKES))
def test_an_unusable_value_in_an_import_line_is_named_and_nothing_imported(
    cli: CliInvoker, config: Config, tmp_path: Path, case: str
) -> None:
    line, expected = IMPORT_MISTAKES[case]
    good = CALL.replace("oa-1", "oa-0") + "}"
    path = _write(tmp_path, f"{good}\n{line}\n", "aufrufe.jsonl")
    assert cli("init").exit_code == 0
    _clean_failure(cli("import", str(path)), "aufrufe.jsonl", "Zeile 2", *expected)
    assert _count(config, Call) == 0


@pytest.mark.parametrize("body", ["", "\n\n  \n"], ids=["leer", "leerzeilen"])
def test_an_empty_import_file_is_not_reported_as_already_imported(
    cli: CliInvoker, tmp_path: Path, body: str
) -> None:
    path = _write(tmp_path, body, "export.jsonl")
    assert cli("init").exit_code == 0
    result = cli("import", str(path))
    _clean_failure(result, "export.jsonl", "enthält keine Aufrufe")
    assert "bereits importiert" not in result.output


def _eval_files(tmp_path: Path, qrels: bytes) -> tuple[Path, Path, Path]:
    strategy = _write(tmp_path, OSTALB)
    calls = _write(
        tmp_path,
        CALL + "}\n" + CALL.replace("oa-1", "oa-2").replace("Breitband", "Bürgerportal") + "}\n",
        "calls.jsonl",
    )
    path = tmp_path / "qrels.tsv"
    path.write_bytes(qrels)
    return strategy, calls, path


EVAL_MISTAKES = {
    "bom": (b"\xef\xbb\xbfBI-01\toa-1\t2\n", ["Zeile 1", "unbekanntes Projekt 'BI-01'", "OA-01"]),
    "nur-nullen": (b"OA-01\toa-1\t0\nOA-03\toa-2\t0\n", ["kein Urteil mit Note 1 oder 2"]),
    "leer": (b"", ["kein Urteil mit Note 1 oder 2"]),
    "semikolon": (b"OA-01;oa-1;2\n", ["Zeile 1", "Tabulator"]),
}


@pytest.mark.parametrize("case", list(EVAL_MISTAKES))
def test_evaluate_names_the_mistake_in_the_judgements(
    cli: CliInvoker, tmp_path: Path, case: str
) -> None:
    body, expected = EVAL_MISTAKES[case]
    strategy, calls, qrels = _eval_files(tmp_path, body)
    result = cli(
        "evaluate", "--calls", str(calls), "--qrels", str(qrels), "--strategy", str(strategy)
    )
    _clean_failure(result, "qrels.tsv", *expected)
    assert "\ufeff" not in result.output


def test_evaluate_with_a_byte_order_mark_reads_the_first_judgement(
    cli: CliInvoker, tmp_path: Path
) -> None:
    strategy, calls, qrels = _eval_files(tmp_path, b"\xef\xbb\xbfOA-03\toa-1\t2\n")
    result = cli(
        "evaluate", "--calls", str(calls), "--qrels", str(qrels), "--strategy", str(strategy)
    )
    assert result.exit_code == 0, result.output
    assert "1 mit mindestens einem relevanten Aufruf" in result.output


@pytest.mark.parametrize("which", ["--calls", "--qrels"])
def test_evaluate_with_a_directory_is_named(cli: CliInvoker, tmp_path: Path, which: str) -> None:
    strategy, calls, qrels = _eval_files(tmp_path, b"OA-03\toa-1\t2\n")
    files = {"--calls": str(calls), "--qrels": str(qrels), which: str(tmp_path)}
    result = cli("evaluate", *[a for kv in files.items() for a in kv], "--strategy", str(strategy))
    _clean_failure(result, tmp_path.name, "ist ein Verzeichnis")


@pytest.mark.parametrize("command", [["match"], ["digest", "--dry-run"], ["user", "add", "a@b.de"]])
def test_a_mistyped_database_path_leaves_no_empty_database_behind(
    cli: CliInvoker, tmp_path: Path, command: list[str]
) -> None:
    database = tmp_path / "instanz-vertippt" / "funding-matcher.db"
    result = cli(*command, DATABASE_URL=f"sqlite:///{database}")
    _clean_failure(result, str(database), "gibt es nicht", "funding-matcher init")
    assert not database.parent.exists()


def test_a_database_port_that_is_no_number_is_one_line(cli: CliInvoker) -> None:
    result = cli("match", DATABASE_URL="postgresql://fm:geheim@db.kreis.de:fuenf/fm")
    _clean_failure(result, "DATABASE_URL ist keine gültige Datenbank-Adresse")
    assert "geheim" not in result.output


@pytest.mark.parametrize("where", ["datei", "proc"])
def test_an_instance_folder_that_cannot_be_created_is_named(
    cli: CliInvoker, tmp_path: Path, where: str
) -> None:
    blocker = tmp_path / "instanz"
    blocker.write_text("eine Datei, kein Ordner", encoding="utf-8")
    folder = blocker if where == "datei" else Path("/proc/funding-matcher-test")
    result = cli("init", DATABASE_URL="", INSTANCE_PATH=str(folder))
    _clean_failure(result, str(folder), "kann nicht angelegt werden", "INSTANCE_PATH")


@pytest.mark.parametrize("command", [["match"], ["weekly", "--no-scrape"]])
def test_production_without_secret_key_refuses_to_sign_the_model(
    cli: CliInvoker, config: Config, command: list[str]
) -> None:
    assert cli("init").exit_code == 0
    result = cli(*command, FUNDING_MATCHER_ENV="production", SECRET_KEY="")
    _clean_failure(result, "SECRET_KEY ist leer: außerhalb der Entwicklung")
    assert not config.match_model_file.exists()


def _env_file(cli: CliInvoker, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, text: str) -> Path:
    """`text` as the .env file of the working directory, its variables in neither the
    environment nor the CLI runner's (the file is where the administrator set them)."""
    names = [line.split("=", 1)[0] for line in text.splitlines() if "=" in line]
    # load_dotenv writes into os.environ: a copy keeps the .env values out of later tests.
    monkeypatch.setattr(os, "environ", {k: v for k, v in os.environ.items() if k not in names})
    for name in names:
        cli.env.pop(name, None)
    path = tmp_path / ".env"
    path.write_text(text)
    monkeypatch.chdir(tmp_path)
    return path


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (
            "postgres//foo",
            "DATABASE_URL ist keine gültige Datenbank-Adresse: 'postgres//foo' (z. B. "
            "sqlite:///pfad/zur/datei.db oder postgresql://user:pw@host/db)",
        ),
        (
            "mysql://fm:geheim@db.kreis.de/fm",
            "DATABASE_URL 'mysql://fm:***@db.kreis.de/fm': mysql wird nicht unterstützt, nur "
            "SQLite oder PostgreSQL (z. B. sqlite:///pfad/zur/datei.db oder "
            "postgresql://user:pw@host/db)",
        ),
        (
            "postgres://fm:geheim@db.kreis.de/fm",
            "DATABASE_URL 'postgres://fm:***@db.kreis.de/fm': postgresql:// statt postgres:// "
            "schreiben",
        ),
    ],
    ids=["no-scheme", "mysql", "postgres"],
)
def test_check_names_a_database_url_the_commands_refuse(
    cli: CliInvoker, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, value: str, message: str
) -> None:
    """`check` said nothing and exited 0; `init` then refused without naming the value."""
    env_file = _env_file(cli, tmp_path, monkeypatch, f"DATABASE_URL={value}\n")
    origin = f"(DATABASE_URL gesetzt in {env_file})"

    result = cli("check")
    assert result.exit_code == 1, result.output
    assert f"  - {message} {origin}\n" in result.stderr

    for command in (["init"], ["match"]):
        result = cli(*command)
        assert result.exit_code == 1
        assert result.stderr == f"Fehler: {message} {origin}\n"
        assert "geheim" not in result.output


def test_check_names_a_secret_key_left_empty_in_production(
    cli: CliInvoker, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`check` exited 0, then `match` and `serve` refused: and the message said "nicht
    gesetzt" and "SECRET_KEY gesetzt in .env" in one line."""
    env_file = _env_file(
        cli, tmp_path, monkeypatch, "FUNDING_MATCHER_ENV=production\nSECRET_KEY=\n"
    )
    message = (
        "SECRET_KEY ist leer: außerhalb der Entwicklung (FUNDING_MATCHER_ENV=production) ist "
        "ein eigener geheimer Schlüssel nötig, etwa die Ausgabe von `python3 -c 'import "
        "secrets; print(secrets.token_hex(32))'`. (SECRET_KEY leer, FUNDING_MATCHER_ENV "
        f"gesetzt in {env_file})"
    )
    result = cli("check")
    assert result.exit_code == 1, result.output
    assert f"  - {message}\n" in result.stderr

    assert cli("init").exit_code == 0
    for command in (["match"], ["serve"]):
        result = cli(*command)
        assert result.exit_code == 1
        assert result.stderr == f"Fehler: {message}\n"


def test_digest_min_score_in_percent_is_refused_with_the_share_it_means(
    cli: CliInvoker,
) -> None:
    """DIGEST_MIN_SCORE=25 ("Passung 73 %" in the mails) emptied every digest silently."""
    message = (
        "Ungültige Mail-Einstellung: DIGEST_MIN_SCORE ist ein Anteil zwischen 0 und 1, nicht "
        "'25' – für 25 % DIGEST_MIN_SCORE=0.25 eintragen"
    )
    assert cli("init").exit_code == 0
    result = cli("digest", "--dry-run", DIGEST_MIN_SCORE="25")
    assert result.exit_code == 1
    assert result.stderr == f"Fehler: {message}\n"
    result = cli("check", "--mail", DIGEST_MIN_SCORE="25")
    assert f"  - {message}\n" in result.stderr
    assert cli("digest", "--dry-run", DIGEST_MIN_SCORE="1").exit_code == 0


MAIL_SETTINGS = {
    "SMTP_RETRIES": ("drei", "SMTP_RETRIES muss eine ganze Zahl sein"),
    "SMTP_TIMEOUT": ("0", "SMTP_TIMEOUT muss größer als 0 sein"),
    "REMINDER_DAYS": ("14;7", "REMINDER_DAYS muss eine ganze Zahl sein"),
    "DIGEST_MIN_SCORE": ("hoch", "DIGEST_MIN_SCORE muss eine Zahl sein"),
    "DIGEST_DEADLINE_DAYS": ("-1", "DIGEST_DEADLINE_DAYS muss mindestens 0 sein"),
}


@pytest.mark.parametrize("name", list(MAIL_SETTINGS))
def test_a_bad_mail_setting_names_the_variable(cli: CliInvoker, name: str) -> None:
    value, expected = MAIL_SETTINGS[name]
    assert cli("init").exit_code == 0
    command = "remind" if name == "REMINDER_DAYS" else "digest"
    _clean_failure(cli(command, **{name: value}), expected)


def test_a_bad_value_from_the_env_file_says_it_comes_from_there(
    cli: CliInvoker, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The operator looked in the shell's environment for a SMTP_PORT that .env had set."""
    # load_dotenv writes into os.environ: a copy keeps the .env values out of later tests.
    clean = {k: v for k, v in os.environ.items() if k not in ("SMTP_PORT", "SMTP_RETRIES")}
    monkeypatch.setattr(os, "environ", clean)
    (tmp_path / ".env").write_text("SMTP_PORT=fünfundzwanzig\nSMTP_RETRIES=3\n")
    monkeypatch.chdir(tmp_path)
    result = cli("init")
    _clean_failure(result, "SMTP_PORT muss eine Zahl sein", f"gesetzt in {tmp_path / '.env'}")
    assert "SMTP_RETRIES" not in result.output

    # The environment wins over .env: then the file is not blamed.
    monkeypatch.setenv("SMTP_PORT", "99999")
    result = cli("init")
    _clean_failure(result, "SMTP_PORT muss zwischen 1 und 65535 liegen")
    assert ".env" not in result.output


@pytest.mark.parametrize(
    "email", ["anna schulte@ostalbkreis.de", "anna@ostalbkreis", "a@b.de,c@d.de", "a@@b.de"]
)
def test_user_add_refuses_an_address_that_cannot_receive_mail(
    cli: CliInvoker, config: Config, email: str
) -> None:
    assert cli("init").exit_code == 0
    result = cli("user", "add", email, "--password", "lang-genug-1")
    _clean_failure(result, "keine gültige E-Mail-Adresse")
    assert _count(config, User) == 0


def test_user_add_with_two_different_passwords_says_so_in_german(
    cli: CliInvoker, config: Config
) -> None:
    assert cli("init").exit_code == 0
    result = cli("user", "add", "anna@ostalbkreis.de", input="lang-genug-1\nlang-genug-2\n")
    _clean_failure(result, "stimmen nicht überein")
    assert "do not match" not in result.output
    assert _count(config, User) == 0
    same = cli("user", "add", "anna@ostalbkreis.de", input="lang-genug-1\nlang-genug-1\n")
    assert same.exit_code == 0 and "angelegt" in same.output


def test_a_script_can_pipe_the_password_in(cli: CliInvoker, config: Config) -> None:
    # A provisioning script: no terminal, the password on stdin (not in the process list).
    assert cli("init", "--no-strategy").exit_code == 0
    done = subprocess.run(
        [str(Path(sys.executable).with_name("funding-matcher")), "user", "add", "it@kreis.example"],
        input="lang-genug-1\nlang-genug-1\n",
        env={**os.environ, **cli.env},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
        start_new_session=True,  # no controlling terminal, as under cron or a CI job
    )
    assert done.returncode == 0, done.stderr
    assert "Anmeldung it@kreis.example angelegt" in done.stdout
    # getpass used to warn in English, with a Python path, that it could not hide the input
    assert "Warning" not in done.stderr and "getpass" not in done.stderr, done.stderr
    assert "lang-genug-1" not in done.stdout + done.stderr
    assert _count(config, User) == 1


@pytest.mark.parametrize("command", ["digest", "remind", "weekly", "parse"])
def test_a_bad_date_option_is_explained_in_german(cli: CliInvoker, command: str) -> None:
    args = ["parse", "feed", "feed.xml"] if command == "parse" else [command]
    result = cli(*args, "--today", "31.03.2027")
    _clean_failure(result, "'31.03.2027' ist kein Datum der Form JJJJ-MM-TT")
    help_text = cli(*args[:1], "--help").output
    assert "--today JJJJ-MM-TT" in help_text and "%Y" not in help_text


def test_serve_on_a_busy_port_says_so_instead_of_a_traceback(cli: CliInvoker) -> None:
    assert cli("init").exit_code == 0
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        result = cli("serve", "--port", str(port))
    _clean_failure(result, f"127.0.0.1:{port}", "der Port ist belegt")
    assert "läuft auf" not in result.output


@pytest.mark.parametrize(("option", "value"), [("--port", "99999"), ("--threads", "0")])
def test_serve_refuses_an_impossible_port_or_thread_count(
    cli: CliInvoker, option: str, value: str
) -> None:
    _clean_failure(cli("serve", option, value), option, value)


def test_loading_the_own_strategy_after_a_plain_init_says_it_replaces_the_bundled_one(
    cli: CliInvoker, tmp_path: Path
) -> None:
    # The administrator forgot STRATEGY_PATH: init loaded Coesfeld's strategy.
    assert "'coesfeld-12-0' geladen" in cli("init").output
    result = cli("strategy", "load", str(_write(tmp_path, OSTALB)))
    assert result.exit_code == 0, result.output
    assert "ersetzt die bisher aktive Strategie 'coesfeld-12-0'" in result.output
    again = cli("strategy", "load", str(tmp_path / "ostalb.yaml"))
    assert "'ostalb-digital' unverändert" in again.output and "ersetzt" not in again.output
    assert "aktualisiert" not in again.output


@pytest.mark.parametrize(
    ("name", "value", "expected"),
    [
        ("ALERT_RECIPIENTS", "team@ostalbkreis.de; chef@ostalbkreis.de", "mit Komma trennen"),
        ("ALERT_RECIPIENTS", "team@ostalbkreis", "'team@ostalbkreis' ist keine E-Mail-Adresse"),
        ("SMTP_PORT", "99999", "SMTP_PORT muss zwischen 1 und 65535 liegen"),
    ],
)
def test_a_mail_address_or_port_that_cannot_work_is_named_before_sending(
    cli: CliInvoker, name: str, value: str, expected: str
) -> None:
    assert cli("init").exit_code == 0
    _clean_failure(cli("digest", **{name: value}), name, expected)
