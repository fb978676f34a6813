"""Quellen: the run history's title says errors and hints only when there are some; a feed's
link says it opens a feed."""

from __future__ import annotations

import html
import re
from datetime import UTC, datetime, timedelta

from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from webapp.models import ScrapeRun, Source


def _source(session: Session, name: str, kind: str, runs: list[dict[str, object]]) -> None:
    source = Source(name=name, kind=kind, label=f"Quelle {name}", url=f"https://example.org/{name}")
    session.add(source)
    session.flush()
    start = datetime.now(UTC).replace(tzinfo=None) - timedelta(days=len(runs))
    for i, values in enumerate(runs):
        warnings = values.pop("warnings", [])
        run = ScrapeRun(source_id=source.id, started_at=start + timedelta(days=i), **values)
        run.set_warnings(warnings)  # type: ignore[arg-type]
        session.add(run)
    session.commit()


def _summary(page: str, name: str) -> str:
    row = page[page.index(f"<strong>Quelle {name}</strong>") :]
    found = re.search(r'<summary class="small">([^<]*)</summary>', row)
    assert found, name
    return found.group(1)


def test_run_history_mentions_errors_and_hints_only_when_there_are_some(
    auth_client: FlaskClient, session: Session
) -> None:
    _source(session, "ruhig", "html-list", [{"status": "ok", "parsed": 5}])
    _source(
        session,
        "laut",
        "html-list",
        [
            {"status": "failed", "errors": 1, "error_message": "HTTP 503"},
            {"status": "ok", "parsed": 4, "warnings": ["Seite 2 fehlt", "Datum unlesbar"]},
            {"status": "ok", "parsed": 4, "warnings": ["Datum unlesbar"]},
        ],
    )
    page = auth_client.get("/quellen/").get_data(as_text=True)
    assert _summary(page, "ruhig") == "Letzte Läufe (1)"
    assert _summary(page, "laut") == "Letzte Läufe (3): 1 mit Fehlern, 3 Hinweise"
    assert "mit Fehlern und Hinweisen" not in page


def test_a_feed_is_linked_as_feed_a_site_as_website(
    auth_client: FlaskClient, session: Session
) -> None:
    _source(session, "rss", "feed", [{"status": "ok"}])
    _source(session, "liste", "html-list", [{"status": "ok"}])
    page = auth_client.get("/quellen/").get_data(as_text=True)
    link = r'<a href="https://example.org/{}" rel="noopener noreferrer nofollow" target="_blank">(\w+)</a>'
    assert re.search(link.format("rss"), page).group(1) == "Feed"  # type: ignore[union-attr]
    assert re.search(link.format("liste"), page).group(1) == "Website"  # type: ignore[union-attr]
    # how each is read, in words (the kind of sources.yaml as tooltip), not "html-list"
    assert '<span title="Art in sources.yaml: html-list">Liste auf einer Webseite</span>' in page
    assert '<span title="Art in sources.yaml: feed">Nachrichten-Feed (RSS/Atom)</span>' in page


def test_each_sources_count_is_the_length_of_the_list_it_links_to(
    auth_client: FlaskClient,
) -> None:
    """Also with Meine Kommune, and for a source whose calls other sources announce too."""
    assert auth_client.post("/konto/kommune", data={"kommune": "Dülmen"}).status_code == 302
    page = auth_client.get("/quellen/").get_data(as_text=True)
    links = re.findall(r'<a href="(/aufrufe\?[^"]+)">(\d+)</a> \(', page)
    assert len(links) >= 5, page[:500]
    for url, shown in links:
        url = html.unescape(url)
        assert "antragsteller=alle" in url
        listed = auth_client.get(url).get_data(as_text=True)
        found = re.search(r'<strong class="count">(\d+) Aufrufe?</strong>', listed)
        assert found and found.group(1) == shown, (url, shown, found and found.group(1))


def test_every_kind_of_the_registry_has_a_label_in_the_officers_words() -> None:
    """A new kind without one would show its sources.yaml name ("html-list") on Quellen."""
    from scrapers.registry import KINDS
    from webapp.views.sources import KIND_LABELS

    assert list(KIND_LABELS) == list(KINDS)


def test_each_sources_open_count_links_to_an_eingang_of_exactly_those_calls(
    auth_client: FlaskClient, session: Session
) -> None:
    """ "Aufrufe (offen)": the open count had no link; now it opens the Eingang of that source's
    open calls (any decision, any eligibility), as many as the page says, also when a source
    dropped a call another source still lists, for a duplicate and for a closed call."""
    from sqlalchemy import select

    from webapp.models import Call, Review, utcnow

    def first(source: str, offset: int = 0) -> Call:
        return session.scalars(
            select(Call)
            .where(Call.source == source, Call.canonical_id.is_(None))
            .order_by(Call.id)
            .offset(offset)
        ).first()  # type: ignore[return-value]

    # nrw's call is a duplicate of a bund call; stiftung dropped a call that nrw still lists;
    # a ministerium call is closed by its source; a feed call is dismissed
    first("nrw").canonical_id = first("bund").id
    dropped = first("stiftung")
    dropped.missing_since = utcnow()
    first("nrw", 1).canonical_id = dropped.id
    first("ministerium").status = "geschlossen"
    session.add(Review(call_id=first("feed").id, status="nicht relevant", reason="passt nicht"))
    session.commit()

    def check_links() -> set[str]:
        page = auth_client.get("/quellen/").get_data(as_text=True)
        links = re.findall(r'</a> \(<a href="(/\?[^"]+)"[^>]*>(\d+)</a>\)</td>', page)
        assert len(links) >= 5, page[page.index("<tbody") :][:2000]
        seen = set()
        for url, shown in links:
            url = html.unescape(url)
            assert "status=alle" in url and "ineligible=1" in url and "antragsteller=alle" in url
            listed = auth_client.get(url).get_data(as_text=True)
            found = re.search(r'<strong class="count">(\d+) Aufrufe?</strong>', listed)
            assert found and found.group(1) == shown, (url, shown, found and found.group(1))
            seen.add(re.search(r"source=([^&]+)", url).group(1))  # type: ignore[union-attr]
        return seen

    assert {"nrw", "stiftung", "ministerium", "feed", "bund"} <= check_links()
    # the same numbers and lists for a login with Meine Kommune
    assert auth_client.post("/konto/kommune", data={"kommune": "Dülmen"}).status_code == 302
    assert {"nrw", "stiftung", "ministerium", "feed", "bund"} <= check_links()
