"""The strategy page's counts are the lengths of the inbox lists they link to."""

from __future__ import annotations

import html
import re

from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from webapp.formatting import local_today
from webapp.queries import CallFilters, count_calls, list_calls, strategy_overview


def _decide(client: FlaskClient, session: Session) -> None:
    """Decide on some of the inbox's best calls, so that counting them would show."""
    inbox = list_calls(session, CallFilters(), today=local_today())
    for row, status in zip(
        inbox.rows[:6], ["relevant", "Antrag in Vorbereitung", "in Prüfung"] * 2, strict=True
    ):
        data = {"status": status}
        response = client.post(f"/aufrufe/{row.id}/bewertung", data=data)
        assert response.status_code == 302


def _inbox_total(client: FlaskClient, url: str) -> int:
    page = client.get(url).get_data(as_text=True)
    found = re.search(r'<strong class="count">(\d+) Aufrufe?</strong>', page)
    assert found, url
    return int(found.group(1))


def test_counts_are_those_of_the_inbox_filters(auth_client: FlaskClient, session: Session) -> None:
    _decide(auth_client, session)
    today = local_today()
    themes = strategy_overview(session, today)
    assert sum(t.open_calls for t in themes) > 0
    for theme in themes:
        assert theme.open_calls == count_calls(session, CallFilters(theme=theme.theme.id), today)
        for p in theme.projects:
            assert p.open_calls == count_calls(session, CallFilters(project=p.project.id), today)


def test_every_number_on_the_page_agrees_with_the_list_behind_its_link(
    auth_client: FlaskClient, session: Session
) -> None:
    _decide(auth_client, session)
    page = auth_client.get("/strategie/").get_data(as_text=True)
    theme_links = re.findall(r'href="(/\?theme=\d+)">(\d+) offene? Aufrufe? im Eingang', page)
    project_links = re.findall(r'href="(/\?project=\d+)">(\d+)</a>', page)
    assert theme_links and project_links
    for url, shown in theme_links + project_links:
        assert _inbox_total(auth_client, html.unescape(url)) == int(shown), url


def _links(page: str) -> list[tuple[str, int]]:
    """Every count of the strategy page that links to the Eingang, with its link."""
    theme = re.findall(r'href="(/\?theme=[^"]+)">(\d+) offene? Aufrufe? im Eingang', page)
    project = re.findall(r'href="(/\?project=[^"]+)">(\d+)</a>', page)
    assert theme and project
    return [(html.unescape(url), int(shown)) for url, shown in theme + project]


def test_with_meine_kommune_the_counts_are_those_of_the_towns_lists(
    auth_client: FlaskClient, session: Session
) -> None:
    """Before, the page counted every applicant's calls while the Eingang behind its links
    opened with the login's own town: "39 offene Aufrufe im Eingang →" led to 23."""
    _decide(auth_client, session)
    everyone = {url: n for url, n in _links(auth_client.get("/strategie/").get_data(as_text=True))}
    assert auth_client.post("/konto/kommune", data={"kommune": "Dülmen"}).status_code == 302

    page = auth_client.get("/strategie/").get_data(as_text=True)
    town = _links(page)
    for url, shown in town:
        assert _inbox_total(auth_client, url) == shown, url
    # the links name the town, so a colleague following one sees the same list
    assert all("antragsteller=D%C3%BClmen" in url for url, _n in town)
    assert (
        "Gezählt werden nur Aufrufe, für die <strong>Dülmen</strong> antragsberechtigt ist" in page
    )
    assert 'href="/strategie/?antragsteller=alle">Aufrufe aller Antragsteller zählen</a>' in page
    # the town's counts are its own, not every applicant's
    theme_counts = [n for url, n in town if url.startswith("/?theme=")]
    assert sum(theme_counts) < sum(n for url, n in everyone.items() if url.startswith("/?theme="))

    # every applicant's numbers, one click away, still agree with their lists
    every = auth_client.get("/strategie/?antragsteller=alle").get_data(as_text=True)
    assert "Gezählt werden die Aufrufe aller Antragsteller – nicht nur Ihrer Kommune" in every
    assert 'href="/strategie/?antragsteller=D%C3%BClmen">Nur Aufrufe für Dülmen zählen</a>' in every
    for url, shown in _links(every):
        assert url.endswith("&antragsteller=alle"), url
        assert _inbox_total(auth_client, url) == shown, url
        assert everyone[url.removesuffix("&antragsteller=alle")] == shown
