"""A call whose page moves, or whose link gains tracking parameters, stays one call.

A funder's feed without ids (the link is the id) is fetched by the real `scrape` command from a
local server; what is checked is what an officer sees afterwards: one call with its review,
the move in its history, no "nicht mehr gelistet" and no second copy in the lists.
"""

from __future__ import annotations

import html
import re
from pathlib import Path

from sqlalchemy import select

from tests.conftest import CliInvoker
from tests.scrapers.conftest import LocalServer, Reply
from tests.test_scrape_warnings import FEED, RSS, calls, feed_sources, login, page
from webapp.config import Config
from webapp.db import make_engine, make_session_factory
from webapp.models import Call
from webapp.reviews import ReviewInput, set_review

TITLE = "Förderaufruf Digitale Dörfer – zweite Runde"


def feed_without_ids(link: str) -> bytes:
    """An RSS feed whose one item has no guid: feed readers take its link as its id."""
    return (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>Land</title>'
        f"<link>{link}</link><description>Aufrufe</description><item><title>{TITLE}</title>"
        f"<link>{html.escape(link)}</link><description>Antragsberechtigt sind Kommunen und "
        "Landkreise. Digitalisierung der Dörfer. Frist: 31.12.2027</description></item>"
        "</channel></rss>"
    ).encode()


def test_a_moved_page_keeps_its_call_review_and_history(
    any_config: Config, server: LocalServer, tmp_path: Path
) -> None:
    body = {"feed": feed_without_ids(server.url("/aufrufe/42"))}
    server.route("/feed.xml", lambda _request: Reply(200, body["feed"], RSS))
    sources = str(feed_sources(server, tmp_path))
    cli = CliInvoker(any_config)
    assert cli("init").exit_code == 0
    assert cli("scrape", SOURCES_PATH=sources).exit_code == 0
    (call_id,) = [c.id for c in calls(any_config, FEED).values()]
    engine = make_engine(any_config.database_url)
    with make_session_factory(engine)() as session:
        call = session.get(Call, call_id)
        assert call is not None
        set_review(session, call, ReviewInput(status="relevant", note="Mit Senden abstimmen"), None)
        session.commit()

    # The funder's relaunch: a new path, and the feed's links now carry tracking parameters.
    moved = server.url("/foerderung/aufrufe/42")
    body["feed"] = feed_without_ids(f"{moved}?utm_source=rss&utm_medium=feed")
    result = cli("scrape", SOURCES_PATH=sources)
    assert result.exit_code == 0, result.output

    with make_session_factory(engine)() as session:
        rows = list(session.scalars(select(Call).where(Call.source == FEED)))
        assert [(c.id, c.url, c.missing_since) for c in rows] == [(call_id, moved, None)]
    engine.dispose()
    client = login(any_config)
    detail = page(client, f"/aufrufe/{call_id}")
    assert "Mit Senden abstimmen" in detail
    assert "nicht mehr gelistet" not in detail
    history = detail[detail.index("Änderungen") :]
    assert server.url("/aufrufe/42") in history and moved in history
    assert "utm_source" not in detail
    everything = page(client, "/aufrufe")
    assert set(re.findall(r"class=\"call-title\"><a href=\"/aufrufe/(\d+)", everything)) == {
        str(call_id)
    }
