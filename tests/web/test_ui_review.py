"""Defects a funding officer saw when going through every page (QA round `ui`)."""

from __future__ import annotations

import re
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from tests.conftest import TEST_PASSWORD
from tests.web.conftest import call_by_external_id, logged_in_tab
from webapp.models import User


def _text(response) -> str:
    return response.get_data(as_text=True)


def _description(client: FlaskClient, call_id: int) -> str:
    """The call page's "Beschreibung" section."""
    page = _text(client.get(f"/aufrufe/{call_id}"))
    return page.split('id="h-text"', 1)[1].split("</section>", 1)[0]


def test_a_text_equal_to_the_summary_is_shown_once(
    auth_client: FlaskClient, session: Session
) -> None:
    """Most feeds give the same sentence as summary and text: "Beschreibung" showed it twice."""
    call = call_by_external_id(session, "xss-1")
    call.summary = "Gefördert werden  Makerspaces und Online-Kurse.\nBis zu 80\xa0% der Ausgaben."
    call.text = "Gefördert werden Makerspaces und Online-Kurse. Bis zu 80 % der Ausgaben."
    session.commit()
    description = _description(auth_client, call.id)
    assert description.count("Ausgaben") == 1

    # A text that begins with the summary and goes on is the whole: shown without a repeat.
    call.summary = "Gefördert werden Makerspaces und Online-Kurse."
    call.text = "Gefördert werden Makerspaces und Online-Kurse. Antragsberechtigt sind Kommunen."
    session.commit()
    description = _description(auth_client, call.id)
    assert description.count("Online") == 1 and "Antragsberechtigt sind" in description

    # A summary that says something else stands above the text, as before.
    call.summary = "Kurz: Zuschüsse für Makerspaces."
    session.commit()
    description = _description(auth_client, call.id)
    assert "Kurz: Zuschüsse" in description and "Antragsberechtigt sind" in description

    # A Förderdatenbank text gives its Kurztext under two headings: still shown once.
    call.summary = "Wenn Sie als Kommune Makerspaces planen, erhalten Sie einen Zuschuss."
    call.text = (
        "Kurzzusammenfassung\nKurztext\nWenn Sie als Kommune Makerspaces planen, erhalten Sie"
        " einen Zuschuss.\nVolltext\nGefördert werden Räume und Geräte.\n\nZusatzinfos\n"
        "Antragsberechtigt sind Gemeinden."
    )
    session.commit()
    description = _description(auth_client, call.id)
    assert description.count("Makerspaces planen") == 1
    assert '<h3 class="text-section">Zusatzinfos</h3>' in description

    # A first sentence is no heading: the summary after it is something else, shown above.
    call.summary = "Gefördert werden Räume und Geräte."
    call.text = "Das Land hilft.\nGefördert werden Räume und Geräte."
    session.commit()
    description = _description(auth_client, call.id)
    assert description.count("Räume und Geräte") == 2


def test_ids_too_large_for_the_database_are_not_found_not_an_error(
    app: Flask, user: User, session: Session
) -> None:
    """/aufrufe/99999999999999999999 answered HTTP 500 (SQLite's integers end at 2**63 - 1)."""
    session.get(User, user.id).role = "admin"  # type: ignore[union-attr]
    session.commit()
    client = app.test_client()
    client.post("/anmelden", data={"email": user.email, "password": TEST_PASSWORD})
    huge = "9" * 20
    for method, path in (
        ("get", f"/aufrufe/{huge}"),
        ("get", f"/aufrufe/{huge}/bearbeiten"),
        ("get", f"/aufrufe/{huge}/begruendung"),
        ("get", f"/aufrufe/{huge}/begruendung/download.txt?project=VW-01&variant=long"),
        ("get", f"/strategie/projekte/{huge}"),
        ("post", f"/aufrufe/{huge}/bewertung"),
        ("post", f"/aufrufe/{huge}/begruendung/neu"),
        ("post", f"/verwaltung/benutzer/{huge}/entsperren"),
    ):
        response = getattr(client, method)(path, data={"status": "relevant"})
        assert response.status_code == 404, path
        assert "Nicht gefunden" in _text(response)
    # a project id of that size in the review form is no project, not a crash
    call = call_by_external_id(session, "xss-1")
    response = client.post(
        f"/aufrufe/{call.id}/bewertung", data={"status": "relevant", "project_id": huge}
    )
    assert response.status_code < 500


def test_a_refused_form_says_why_in_german(app: Flask, user: User) -> None:
    """The CSRF page showed Flask-WTF's English reason ("The CSRF token is missing.")."""
    app.config["WTF_CSRF_ENABLED"] = True
    client = app.test_client()
    page = _text(client.post("/anmelden", data={"email": user.email, "password": "x"}))
    assert "CSRF token" not in page
    assert "Sicherheitsschlüssel" in page
    client.get("/anmelden")  # a session now, and a token in it
    page = _text(
        client.post("/anmelden", data={"email": user.email, "password": "x", "csrf_token": "alt"})
    )
    assert "CSRF" not in page
    assert "ungültig" in page


# --- in a real browser -------------------------------------------------------------------

PAGES = ("/", "/aufrufe", "/fristen/", "/strategie/", "/quellen/", "/konto")


@pytest.fixture
def officer_without_name(engine) -> User:
    """A login without a name: the header shows its (long) e-mail address instead."""
    from webapp.db import make_session_factory
    from webapp.users import create_user

    with make_session_factory(engine)() as s:
        created = create_user(s, "foerdermittel.digital@kreis-coesfeld.de", TEST_PASSWORD)
        s.commit()
        return created


@pytest.mark.browser
@pytest.mark.parametrize("width", [1180, 1280, 1366])
def test_the_menu_stays_in_one_row_and_the_header_the_same_on_every_page(
    browser: Any, live_server: str, officer_without_name: User, width: int
) -> None:
    """Between 1100 and ~1330 px the menu broke into two rows, "Quellen" alone in the second,
    and only on the pages whose bold current item made it one word too wide."""
    tab = logged_in_tab(
        browser, live_server, officer_without_name, viewport={"width": width, "height": 800}
    )
    try:
        heights = {}
        for path in PAGES:
            tab.goto(live_server + path)
            tops = tab.locator(".main-nav a").evaluate_all(
                "links => links.map(a => Math.round(a.getBoundingClientRect().top))"
            )
            assert len(set(tops)) == 1, (path, tops)
            heights[path] = tab.locator(".site-header").bounding_box()["height"]
        assert len(set(heights.values())) == 1, heights
    finally:
        tab.context.close()


@pytest.mark.browser
@pytest.mark.parametrize("width", [320, 361, 375, 390])
def test_the_brand_stays_on_one_line_on_a_phone(
    browser: Any, live_server: str, user: User, width: int
) -> None:
    """From 361 to 389 px (an iPhone SE or mini is 375) it broke into "funding-" / "matcher"."""
    tab = logged_in_tab(browser, live_server, user, viewport={"width": width, "height": 800})
    try:
        brand = tab.locator(".brand")
        lines = brand.evaluate(
            """b => { const text = [...b.childNodes].find(n => n.nodeType === 3 && n.data.trim());
                     const r = document.createRange(); r.selectNodeContents(text);
                     return new Set([...r.getClientRects()].filter(x => x.width > 0)
                       .map(x => Math.round(x.top))).size; }"""
        )
        assert lines == 1
        if width > 360:  # beside "+ Aufruf anlegen"; on the smallest phones above it
            button = tab.get_by_role("link", name="+ Aufruf anlegen").bounding_box()
            assert abs(brand.bounding_box()["y"] - button["y"]) < 10
        assert tab.evaluate("document.documentElement.scrollWidth") <= width
    finally:
        tab.context.close()


@pytest.mark.browser
def test_a_source_s_last_run_is_readable_on_a_phone(
    browser: Any, live_server: str, user: User, session: Session
) -> None:
    """At 375 px "Letzter Lauf: 26.11.2026, 17:36 (offline)" ran out of its card, cut off."""
    from datetime import UTC, datetime

    from webapp.models import ScrapeRun, Source

    source = Source(name="bbsr-foerderaufrufe", kind="html-list", label="BBSR/BMWSB – Aufrufe")
    session.add(source)
    session.flush()
    started = datetime.now(UTC).replace(tzinfo=None)
    session.add(ScrapeRun(source_id=source.id, started_at=started, status="ok", offline=True))
    session.commit()
    tab = logged_in_tab(browser, live_server, user, viewport={"width": 375, "height": 800})
    try:
        tab.goto(live_server + "/quellen/")
        cell = tab.locator('td[data-label="Letzter Lauf"]').first
        assert "(offline)" in cell.inner_text()
        scroller = tab.locator("main .table-scroll").first
        assert scroller.evaluate("e => e.scrollWidth <= e.clientWidth")
    finally:
        tab.context.close()


@pytest.mark.browser
def test_character_counts_are_grouped_like_the_message_above_them(
    browser: Any, live_server: str, user: User, session: Session
) -> None:
    """The saved message said "1.095 Zeichen … 1.000 Zeichen", the line below it
    "1095 Zeichen von höchstens 1000", and so did the live counter."""
    from sqlalchemy import select

    from webapp.models import Match

    match = session.scalars(select(Match).order_by(Match.score.desc())).first()
    assert match is not None
    call, project = match.call, match.project.key
    tab = logged_in_tab(browser, live_server, user, viewport={"width": 1280, "height": 900})
    try:
        tab.goto(f"{live_server}/aufrufe/{call.id}")
        article = tab.locator(f"#begruendung-{project}-short")
        article.locator("details.j-edit > summary").click()
        article.locator("textarea").fill("x" * 1095)
        assert article.locator("[id$='-short-count']").inner_text() == "1.095"
        assert "(höchstens 1.000)" in article.locator("details.j-edit").inner_text()
        article.get_by_role("button", name="Meine Fassung speichern").click()
        tab.wait_for_url(f"**/aufrufe/{call.id}#begruendung-{project}-short")
        article = tab.locator(f"#begruendung-{project}-short")
        assert "mit 1.095 Zeichen" in article.locator(".flash").inner_text()
        assert "1.095 Zeichen von höchstens 1.000" in article.inner_text()
        long_version = tab.locator(f"#begruendung-{project}-long p.small.muted").first
        count = long_version.inner_text().rsplit("·", 1)[1].split("Zeichen")[0].strip()
        assert int(count.replace(".", "")) >= 1000 and "." in count  # e.g. 2.301
    finally:
        tab.context.close()


# Words of an element's text that the browser split over two lines (a hyphen may end a line).
SPLIT_WORDS = """root => {
  const split = [];
  const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    for (const m of node.data.matchAll(/[^\\s\\-–\\/]{2,}/g)) {
      const range = document.createRange();
      range.setStart(node, m.index);
      range.setEnd(node, m.index + m[0].length);
      const tops = new Set([...range.getClientRects()].filter(r => r.width > 0).map(r => Math.round(r.top)));
      if (tops.size > 1) split.push(m[0]);
    }
  }
  return split;
}"""


@pytest.mark.browser
@pytest.mark.parametrize("width", [320, 375, 390])
def test_key_facts_break_no_word_on_a_phone(
    browser: Any, live_server: str, user: User, session: Session, width: int
) -> None:
    """A third of the demo calls come from a "Bundesministerium …": at 375 px the Eckdaten
    showed "Bundesministeriu" / "m" and "Staatsmodernisie" / "rung"."""
    call = call_by_external_id(session, "formula-1")
    call.funder = "Bundesministerium für Digitales und Staatsmodernisierung (BMDS)"
    call.eligible = ["Kommune", "Landkreis", "Zweckverband", "Gebietskörperschaft"]
    session.commit()
    tab = logged_in_tab(browser, live_server, user, viewport={"width": width, "height": 800})
    try:
        tab.goto(f"{live_server}/aufrufe/{call.id}")
        facts = tab.locator("dl.facts")
        assert "Bundesministerium" in facts.inner_text()
        assert facts.evaluate(SPLIT_WORDS) == []
    finally:
        tab.context.close()


@pytest.mark.browser
@pytest.mark.parametrize("width", [320, 375])
def test_headings_break_no_word_on_a_phone(
    browser: Any, live_server: str, user: User, session: Session, width: int
) -> None:
    """Project titles such as "Digitalakademie für Verwaltungsbeschäftigte" and the text's
    "Bezug zur Digitalisierungsstrategie" broke mid-word on phones (no hyphenation there)."""
    from sqlalchemy import select

    from webapp.models import Match, ProjectRow

    tab = logged_in_tab(browser, live_server, user, viewport={"width": width, "height": 800})
    try:
        for key in ("VW-05", "MO-03", "WI-02", "IN-02"):
            project = session.scalar(select(ProjectRow).where(ProjectRow.key == key))
            assert project is not None, key
            tab.goto(f"{live_server}/strategie/projekte/{project.id}")
            assert tab.locator("h1").evaluate(SPLIT_WORDS) == [], key
        match = session.scalars(select(Match).order_by(Match.score.desc())).first()
        assert match is not None
        tab.goto(f"{live_server}/aufrufe/{match.call_id}")
        headings = tab.locator(".j-text h5")
        assert headings.count() > 0
        assert headings.evaluate_all(f"hs => hs.flatMap({SPLIT_WORDS})") == []
    finally:
        tab.context.close()


@pytest.mark.browser
def test_the_sources_table_fits_a_1100_px_screen(
    browser: Any, live_server: str, user: User, session: Session
) -> None:
    """Below ~1250 px the runs' chart (at 900 px also "Aufrufe (offen)") sat outside the
    card, reachable only by scrolling the table sideways: the chart kept its 220 px, the last
    run "26.11.2026, 17:36 (offline)" stayed on one line."""
    from datetime import UTC, datetime, timedelta

    from webapp.models import ScrapeRun, Source

    source = Source(
        name="digitalagentur-nrw",
        kind="feed",
        label="Digitalagentur NRW – Förderhinweise für Kommunen (Atom)",
        url="https://www.digitalagentur.nrw/feed.atom",
    )
    session.add(source)
    session.flush()
    started = datetime.now(UTC).replace(tzinfo=None)
    for week in range(4):
        session.add(
            ScrapeRun(
                source_id=source.id,
                started_at=started - timedelta(days=7 * week),
                status="ok",
                parsed=6 + week,
                offline=True,
            )
        )
    session.commit()
    tab = logged_in_tab(browser, live_server, user, viewport={"width": 1100, "height": 800})
    try:
        tab.goto(live_server + "/quellen/")
        scroller = tab.locator("main .table-scroll").first
        assert scroller.evaluate("e => e.scrollWidth <= e.clientWidth")
        chart = tab.locator("svg.spark").first.bounding_box()
        card = tab.locator("main section.card").first.bounding_box()
        assert chart["x"] + chart["width"] <= card["x"] + card["width"]
        assert chart["width"] >= 80  # still a chart
    finally:
        tab.context.close()


@pytest.mark.browser
@pytest.mark.parametrize("width", [800, 1280, 390])
def test_a_locked_login_shows_it_and_its_unlock_button(
    browser: Any, live_server: str, user: User, session: Session, width: int
) -> None:
    """ "Entsperren" sat in a sixth column outside the card (the table was 870 px in a
    740 px card): an administrator saw neither the lock nor the button."""
    from datetime import UTC, datetime, timedelta

    from webapp.users import create_user

    session.get(User, user.id).role = "admin"  # type: ignore[union-attr]
    locked = create_user(
        session, "gesperrt@kreis-coesfeld.de", "richtig-geheim-43", name="Bernd Gesperrt"
    )
    locked.locked_until = datetime.now(UTC).replace(tzinfo=None) + timedelta(minutes=15)
    session.commit()
    tab = logged_in_tab(browser, live_server, user, viewport={"width": width, "height": 800})
    try:
        tab.goto(live_server + "/verwaltung/benutzer")
        row = tab.locator("tr", has_text="gesperrt@kreis-coesfeld.de")
        assert re.search(r"gesperrt bis \d\d\.\d\d\.\d{4}, \d\d:\d\d Uhr", row.inner_text())
        button = row.get_by_role("button", name="Entsperren")
        box = button.bounding_box()
        visible = tab.locator("main .table-scroll").first.bounding_box()
        assert (
            visible["x"] <= box["x"] and box["x"] + box["width"] <= visible["x"] + visible["width"]
        )
        button.click()
        tab.wait_for_url("**/verwaltung/benutzer")
        assert (
            "Anmeldung gesperrt@kreis-coesfeld.de entsperrt." in tab.locator(".flash").inner_text()
        )
        assert tab.get_by_role("button", name="Entsperren").count() == 0
    finally:
        tab.context.close()


def test_a_reviews_project_that_is_no_longer_matched_stays_chosen(
    auth_client: FlaskClient, session: Session
) -> None:
    """The Projekt menu listed only the current matches: saving the review for another reason
    silently cleared a project that a new strategy or match run had taken out of them."""
    import re

    from sqlalchemy import select

    from webapp.models import Match, ProjectRow, Review

    match = session.scalars(select(Match).order_by(Match.score.desc())).first()
    assert match is not None
    matched = set(session.scalars(select(Match.project_id).where(Match.call_id == match.call_id)))
    other = session.scalars(select(ProjectRow).where(ProjectRow.id.not_in(matched))).first()
    assert other is not None
    session.add(Review(call_id=match.call_id, status="in Prüfung", project_id=other.id))
    session.commit()
    page = auth_client.get(f"/aufrufe/{match.call_id}").get_data(as_text=True)
    menu = re.search(r'<select id="r-project" name="project_id">(.*?)</select>', page, re.S)
    assert menu is not None
    chosen = re.findall(r'<option value="(\d+)" selected>([^<]*)', menu.group(1))
    assert chosen == [(str(other.id), f"{other.key} {other.title} (nicht mehr unter den Treffern)")]
