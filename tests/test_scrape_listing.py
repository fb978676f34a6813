"""A listing of several pages through the real `scrape` command against a local server.

An `html-list` source whose page 1 links page 2 through the `next` selector; the server
answers conditional requests with 304. What is checked is what a user sees afterwards: the
stored deadlines and calls, the "nicht mehr gelistet" marks, the run's counters and hints,
the lines of `scrape` and the Quellen page.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from pathlib import Path

import yaml
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.conftest import CliInvoker
from tests.scrapers.conftest import LocalServer, Reply, Request
from tests.test_scrape import table_row
from tests.test_scrape_warnings import FAST, login, page, runs, source_row
from webapp.models import Call

NAME = "liste"
LABEL = "Ministerium – Förderaufrufe"
PAGE_1 = "/aufrufe"
PAGE_2 = "/aufrufe?seite=2"
HTML = {"Content-Type": "text/html; charset=utf-8"}

Item = tuple[str, str, str]  # slug, title, deadline as written on the page


class ListSite:
    """Two list pages of calls on the local server, each with an ETag of its content."""

    def __init__(self, server: LocalServer) -> None:
        self.base = server.base
        self.pages: dict[str, list[Item]] = {
            PAGE_1: [
                ("a", "Förderaufruf Digitales Rathaus", "31.03.2030"),
                ("b", "Förderaufruf Smarte Region", "30.04.2030"),
            ],
            PAGE_2: [
                ("c", "Förderaufruf Breitband im Kreis", "31.05.2030"),
                ("d", "Förderaufruf Offene Daten", "30.06.2030"),
            ],
        }
        self.robots = b""
        for path in self.pages:
            server.route(path, self.handler(path))
        server.route("/robots.txt", lambda _request: Reply(200, self.robots, HTML))

    def body(self, path: str) -> bytes:
        items = "".join(
            f'<article class="aufruf"><h3><a href="/aufrufe/{slug}">{title}</a></h3>'
            f'<p class="frist">Frist: {deadline}</p><p class="text">Gefördert werden Kreise.</p>'
            "</article>"
            for slug, title, deadline in self.pages[path]
        )
        more = f'<a class="weiter" href="{PAGE_2}">weiter</a>' if path == PAGE_1 else ""
        return f"<html><body><main>{items}{more}</main></body></html>".encode()

    def handler(self, path: str) -> Callable[[Request], Reply]:
        """The page at `path` as it is when asked, 304 for a matching If-None-Match."""

        def answer(request: Request) -> Reply:
            body = self.body(path)
            etag = f'"{hashlib.sha256(body).hexdigest()[:16]}"'
            if request.headers.get("If-None-Match") == etag:
                return Reply(304, headers={"ETag": etag})
            return Reply(200, body, {**HTML, "ETag": etag})

        return answer

    def sources(self, tmp_path: Path) -> Path:
        source = {
            "name": NAME,
            "kind": "html-list",
            "label": LABEL,
            "url": self.base + PAGE_1,
            "complete_listing": True,
            "selectors": {
                "item": "article.aufruf",
                "title": "h3",
                "link": "h3 a",
                "deadline": "p.frist",
                "summary": "p.text",
                "next": "a.weiter",
            },
        }
        path = tmp_path / "sources-liste.yaml"
        path.write_text(
            yaml.safe_dump({"defaults": FAST, "sources": [source]}, allow_unicode=True),
            encoding="utf-8",
        )
        return path


def stored(session: Session) -> dict[str, Call]:
    """The source's calls by their slug."""
    session.expire_all()
    return {
        c.external_id.rsplit("/", 1)[-1]: c
        for c in session.scalars(select(Call).where(Call.source == NAME))
    }


def counters(output: str) -> dict[str, int]:
    """The source's line of the scrape table: requests, 304, new, changed, unchanged, missing."""
    cells = table_row(output, NAME)
    names = ("Anfragen", "304", "neu", "geändert", "unverändert", "fehlend")
    return dict(zip(names, map(int, cells[2:8]), strict=True))


def test_a_new_call_and_a_changed_deadline_on_page_two_are_picked_up(
    cli: CliInvoker, session: Session, server: LocalServer, tmp_path: Path
) -> None:
    site = ListSite(server)
    sources = site.sources(tmp_path)
    assert cli("init").exit_code == 0
    first = cli("scrape", "--source", NAME, SOURCES_PATH=str(sources))
    assert first.exit_code == 0, first.output
    assert counters(first.output)["neu"] == 4

    site.pages[PAGE_2] = [
        ("c", "Förderaufruf Breitband im Kreis", "15.07.2030"),
        ("d", "Förderaufruf Offene Daten", "30.06.2030"),
        ("e", "Förderaufruf Klimaanpassung", "30.09.2030"),
    ]
    second = cli("scrape", "--source", NAME, SOURCES_PATH=str(sources))

    assert second.exit_code == 0, second.output
    # page 1 answered 304, page 2 was read
    assert counters(second.output) == {
        "Anfragen": 2, "304": 1, "neu": 1, "geändert": 1, "unverändert": 3, "fehlend": 0
    }  # fmt: skip
    calls = stored(session)
    assert str(calls["c"].deadline) == "2030-07-15"
    assert calls["e"].title == "Förderaufruf Klimaanpassung"
    assert all(c.missing_since is None for c in calls.values())

    third = cli("scrape", "--source", NAME, SOURCES_PATH=str(sources))
    assert third.exit_code == 0, third.output
    assert counters(third.output) == {
        "Anfragen": 2, "304": 2, "neu": 0, "geändert": 0, "unverändert": 5, "fehlend": 0
    }  # fmt: skip
    assert runs(cli.config, NAME)[-1].parsed == 0  # an unchanged run parses nothing

    # A call gone from page 2 behind an unchanged page 1 is "nicht mehr gelistet".
    site.pages[PAGE_2] = site.pages[PAGE_2][1:]
    fourth = cli("scrape", "--source", NAME, SOURCES_PATH=str(sources))
    assert counters(fourth.output)["fehlend"] == 1
    assert stored(session)["c"].missing_since is not None


def test_a_page_forbidden_by_robots_is_a_hint_and_page_one_is_saved(
    cli: CliInvoker, session: Session, server: LocalServer, tmp_path: Path
) -> None:
    site = ListSite(server)
    sources = site.sources(tmp_path)
    assert cli("init").exit_code == 0
    assert cli("scrape", "--source", NAME, SOURCES_PATH=str(sources)).exit_code == 0

    site.robots = b"User-agent: *\nDisallow: /aufrufe?seite=2\n"
    site.pages[PAGE_1][1] = ("b", "Förderaufruf Smarte Region", "31.05.2030")
    result = cli("scrape", "--source", NAME, SOURCES_PATH=str(sources))

    assert result.exit_code == 0, result.output
    hint = (
        f"{server.url(PAGE_2)}: robots.txt verbietet den Abruf – diese und die folgenden Seiten "
        "nicht gelesen, daher wird kein Aufruf als „nicht mehr gelistet“ markiert"
    )
    assert f"Hinweis {NAME}: {hint}\n" in result.output
    run = runs(cli.config, NAME)[-1]
    assert (run.status, run.warning_list, run.missing) == ("ok", [hint], 0)
    calls = stored(session)
    assert str(calls["b"].deadline) == "2030-05-31"  # page 1's update is saved
    assert calls["c"].missing_since is None and calls["d"].missing_since is None


def test_the_quellen_page_counts_the_calls_of_an_unchanged_run(
    cli: CliInvoker, server: LocalServer, tmp_path: Path
) -> None:
    """A run whose pages all answered 304 found the source's 4 calls, not 0, and says
    "unverändert"; a run that read its pages does not."""
    site = ListSite(server)
    sources = site.sources(tmp_path)
    assert cli("init").exit_code == 0
    assert cli("scrape", "--source", NAME, SOURCES_PATH=str(sources)).exit_code == 0
    client = login(cli.config)
    first = source_row(page(client, "/quellen/"), LABEL)
    assert re.search(r'data-label="gefunden">4</td>', first)

    assert cli("scrape", "--source", NAME, SOURCES_PATH=str(sources)).exit_code == 0
    html = page(client, "/quellen/")
    found = re.search(r'data-label="gefunden">(.*?)</td>', source_row(html, LABEL))
    assert found is not None
    assert re.sub(r"<[^>]+>", "", found.group(1)) == "4 unverändert"
    history = html[html.index('<tr class="run-history"') :]
    cells = re.findall(r'data-label="gefunden">(.*?)</td>', history)
    assert [re.sub(r"<[^>]+>", "", c) for c in cells] == ["4 unverändert", "4"]  # newest first
    # the chart's bar of the unchanged run is as high as the first one's, not 0
    bars = re.findall(r"<rect [^>]*><title>[^<]*: (\d+)</title>", source_row(html, LABEL))
    assert bars == ["4", "4"]
