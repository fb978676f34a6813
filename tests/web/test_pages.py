"""Every page through the test client on the demo data: lists, filters, detail, strategy …"""

from __future__ import annotations

import re
from datetime import date

import pytest
from flask.testing import FlaskClient
from sqlalchemy import event, func, select
from sqlalchemy.orm import Session

from scrapers import foerderdatenbank
from tests.scrapers.conftest import snapshot_file
from tests.web.conftest import XSS_TITLE, call_by_external_id
from webapp.formatting import format_rate, local_today
from webapp.models import Call, CallScore, Match, ProjectRow, ThemeRow
from webapp.queries import CallFilters, count_calls, list_calls, search_stem


def _text(response) -> str:
    return response.get_data(as_text=True)


def test_inbox_lists_open_eligible_candidates_best_first(
    auth_client: FlaskClient, session: Session
) -> None:
    page = _text(auth_client.get("/"))
    assert "Eingang" in page
    titles = re.findall(r'<h2 class="call-title"><a href="[^"]+">([^<]+)</a>', page)
    assert len(titles) == 25
    # Best first: the shown inbox scores never increase down the page.
    scores = [
        float(x.replace(",", "."))
        for x in re.findall(r"Passung nach Priorität (\d+,\d+)</span>", page)
    ]
    assert len(scores) == 25 and scores == sorted(scores, reverse=True)
    best = session.execute(
        select(func.max(CallScore.inbox_score))
        .join(Call, Call.id == CallScore.call_id)
        .where(CallScore.eligibility != "ineligible")
        .where((Call.deadline.is_(None)) | (Call.deadline >= local_today()))
    ).scalar_one()
    assert abs(scores[0] - best) < 0.006
    assert re.search(
        r"<span class=\"mark mark-new\" title=\"[^\"]*\">gefunden am \d\d\.\d\d\.</span>", page
    )
    assert 'class="score-bar"' in page
    assert "antragsberechtigt" in page


def test_inbox_hides_ineligible_and_closed_unless_asked(
    auth_client: FlaskClient, session: Session
) -> None:
    today = local_today()
    default = count_calls(session, CallFilters(), today)
    with_inel = count_calls(session, CallFilters(ineligible=True), today)
    with_closed = count_calls(session, CallFilters(ineligible=True, closed=True), today)
    everything = count_calls(session, CallFilters(scope="all"), today)
    assert default < with_inel < with_closed <= everything
    page = _text(auth_client.get("/?ineligible=1&closed=1"))
    assert f"{with_closed} Aufrufe" in page
    assert f"{everything} Aufrufe" in _text(auth_client.get("/aufrufe"))


def test_filters_are_kept_in_the_url_and_narrow_the_list(
    auth_client: FlaskClient, session: Session
) -> None:
    theme = session.scalars(select(ThemeRow).order_by(ThemeRow.priority)).first()
    assert theme is not None
    url = f"/?theme={theme.id}&frist=365&sort=frist&q=digital"
    page = _text(auth_client.get(url))
    total = int(re.search(r'class="count">(\d+) Aufruf', page).group(1))  # type: ignore[union-attr]
    assert 0 < total < count_calls(session, CallFilters(), local_today())
    assert f'<option value="{theme.id}" selected>' in page
    assert 'value="digital"' in page
    # The CSV link carries the same filters.
    assert re.search(r'href="/export\.csv\?[^"]*theme=' + str(theme.id), page)


def test_all_filters_accept_values_and_ignore_garbage(auth_client: FlaskClient) -> None:
    for query in (
        "priority=1",
        "project=1",
        "status=relevant",
        "status=alle",
        "source=nrw",
        "region=NRW",
        "frist=30",
        "min_score=0,2",
        "sort=neu",
        "page=2",
        "page=9999",
        "theme=abc&priority=&frist=-3&min_score=viel&sort=drop+table&page=-1",
    ):
        # an empty field (`priority=`) is cleaned from the URL by a redirect
        response = auth_client.get("/?" + query, follow_redirects=True)
        assert response.status_code == 200, query
        assert auth_client.get("/aufrufe?" + query, follow_redirects=True).status_code == 200


def test_numbers_out_of_range_in_the_address_are_ignored_like_garbage(
    auth_client: FlaskClient,
) -> None:
    """Before, a deadline window past the year 9999 or an id or page too large for the
    database answered HTTP 500 (the list, the CSV export and its file name)."""
    unfiltered = _result_count(_text(auth_client.get("/aufrufe")))
    huge = "9" * 25
    for query in (
        "frist=3000000",
        f"frist={huge}",
        f"page={huge}",
        f"theme={huge}",
        f"project={huge}",
        f"priority={huge}",
        f"theme=-{huge}",
    ):
        for path in ("/?", "/aufrufe?", "/export.csv?scope=all&"):
            response = auth_client.get(path + query)
            assert response.status_code == 200, path + query
            response.get_data()  # the CSV is streamed: read it to the end
        assert _result_count(_text(auth_client.get("/aufrufe?" + query))) == unfiltered, query


def test_full_text_search_finds_words_in_title_and_text(auth_client: FlaskClient) -> None:
    page = _text(auth_client.get("/aufrufe?q=Glasfaser"))
    assert "Glasfaser" in page or "Breitband" in page
    empty = _text(auth_client.get("/aufrufe?q=xyzzy-nichts-da"))
    assert "Keine Aufrufe passen" in empty


def _result_count(page: str) -> int:
    found = re.search(r'class="count">(\d+) Aufruf', page)
    return int(found.group(1)) if found else 0


def test_search_finds_other_forms_of_a_word(auth_client: FlaskClient) -> None:
    # the demo calls say "Schulträger", never "Schulträgern"
    singular = _text(auth_client.get("/aufrufe?q=Schulträger"))
    plural = _text(auth_client.get("/aufrufe?q=Schulträgern"))
    assert "Keine Aufrufe passen" not in plural
    assert _result_count(plural) == _result_count(singular) > 0
    assert 'value="Schulträgern"' in plural  # the field keeps what was typed


@pytest.mark.parametrize(
    ("typed", "searched"),
    [
        ("Schulträgern", "Schulträg"),
        ("Bibliotheken", "Bibliothek"),
        ("Straßen", "Straße"),
        ("Bürgern", "Bürgern"),  # stem "burg" is short: it would find every "Bürgschaft"
        ("Daten", "Daten"),
        ("C-D-001", "C-D-001"),  # ids and numbers stay as typed
        ("2027", "2027"),
    ],
)
def test_search_cuts_a_word_to_its_stem(typed: str, searched: str) -> None:
    assert search_stem(typed) == searched


def test_pagination_links_keep_filters(auth_client: FlaskClient) -> None:
    page = _text(auth_client.get("/aufrufe?region=NRW"))
    assert re.search(r'href="/aufrufe\?region=NRW&amp;page=2"', page)
    second = _text(auth_client.get("/aufrufe?region=NRW&page=2"))
    assert 'aria-current="page">2<' in second


def test_canonical_call_lists_its_duplicates_sources(
    auth_client: FlaskClient, session: Session
) -> None:
    first, second = session.scalars(select(Call).order_by(Call.id).limit(2)).all()
    second.canonical_id = first.id
    session.commit()
    page = _text(auth_client.get(f"/aufrufe?q={first.external_id}"))
    assert "Quellen:" in page
    assert f">{second.source}</a>" in page
    # The duplicate's page redirects to the canonical call.
    response = auth_client.get(f"/aufrufe/{second.id}")
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/aufrufe/{first.id}")


def test_changed_deadline_earns_the_changed_mark(
    auth_client: FlaskClient, session: Session
) -> None:
    from dataclasses import replace

    from scrapers.record import CallRecord
    from webapp.ingest import ingest_records

    call = session.scalars(
        select(Call).join(CallScore).order_by(CallScore.inbox_score.desc())
    ).first()
    assert call is not None
    record = CallRecord(
        source=call.source,
        external_id=call.external_id,
        url=call.url,
        title=call.title,
        funder=call.funder,
        text=call.text,
        summary=call.summary,
        eligible=list(call.eligible),
        region=call.region,
        deadline=date(2030, 1, 31),
    )
    ingest_records(session, [replace(record)])
    session.commit()
    page = _text(auth_client.get(f"/aufrufe?q={call.external_id}"))
    assert "geändert" in page
    detail = _text(auth_client.get(f"/aufrufe/{call.id}"))
    assert "31.01.2030" in detail
    assert "Änderungen" in detail and "deadline" in detail


def test_call_detail_shows_fields_matches_terms_and_review_panel(
    auth_client: FlaskClient, session: Session
) -> None:
    match = session.scalars(select(Match).where(func.json_array_length(Match.terms) > 0)).first()
    assert match is not None
    call = session.get(Call, match.call_id)
    assert call is not None
    page = _text(auth_client.get(f"/aufrufe/{call.id}"))
    for heading in ("Eckdaten", "Passung zur Strategie", "Beschreibung", "Quellen", "Bewertung"):
        assert heading in page
    project = session.get(ProjectRow, match.project_id)
    assert project is not None and project.key in page
    assert "zuletzt geprüft" in page
    assert "<mark>" in page  # shared terms highlighted in the call text
    for status in ("in Prüfung", "Antrag in Vorbereitung", "nicht relevant"):
        assert status in page
    assert "passt nicht zur Strategie" in page
    # which reasons also lower similar calls, so an officer can choose knowingly
    assert "Nur „passt nicht zur Strategie“ und „sonstiges“ stufen auch ähnliche" in page


def test_call_page_shows_the_words_of_both_texts(
    auth_client: FlaskClient, session: Session
) -> None:
    match = session.scalars(select(Match).order_by(Match.score.desc())).first()
    assert match is not None
    match.terms = [
        {"call_word": "Breitbandausbau", "project_word": "Breitband", "weight": 0.3},
        {"call_word": "Workflows", "project_word": "Workflow", "weight": 0.2},
        {"call_word": "Workflow", "project_word": "Workflows", "weight": 0.1},
        # shares n-grams with a word the project uses itself: no "≈" needed
        {"call_word": "Rechnungsbearbeitung", "project_word": "Vorgangsbearbeitung", "weight": 0.1},
        {"call_word": "Vorgangsbearbeitung", "project_word": "Rechnungsbearbeitung", "weight": 0.1},
    ]
    session.commit()
    page = _text(auth_client.get(f"/aufrufe/{match.call_id}"))
    chips = re.findall(
        r'<span class="term"[^>]*>(.*?)</span>(?=<span class="term"|\s*<div|</td>)', page
    )
    shown = [re.sub(r"<[^>]+>", "", chip) for chip in chips][:4]
    assert shown == [
        "Breitbandausbau ≈ Breitband",  # another word in the project: both are shown
        "Workflows",  # one entry for the two forms
        "Rechnungsbearbeitung",
        "Vorgangsbearbeitung",
    ]


def test_a_project_or_goal_without_shared_words_says_so_and_the_floor_is_named(
    auth_client: FlaskClient, session: Session
) -> None:
    """A match whose only shared words were applicants or places (Gemeinden, NRW) has no
    reason left: the page says so instead of "–", and that the number starts at 0,10 for
    an eligible call (the floor, no topical fit)."""
    match = session.scalars(
        select(Match).where(Match.eligibility == "eligible").order_by(Match.score.desc())
    ).first()
    assert match is not None
    match.terms = []
    score = session.get(CallScore, match.call_id)
    assert score is not None and score.goals
    score.goals = [{"goal": score.goals[0]["goal"], "score": 0.03, "terms": []}]
    session.commit()
    page = re.sub(r"\s+", " ", _text(auth_client.get(f"/aufrufe/{match.call_id}")))
    row = page[page.index(match.project.key) :]
    row = row[: row.index("</tr>")]
    assert "keine gemeinsamen Begriffe" in row and ">–<" not in row
    assert "davon 0,10 aus der Antragsberechtigung" in row
    goals = page[page.index("Ziele der Strategie") :]
    assert "keine gemeinsamen Begriffe" in goals[: goals.index("</ul>")]


def test_an_open_eligibility_names_possible_applicants_not_applicants(
    auth_client: FlaskClient, session: Session
) -> None:
    score = session.scalars(select(CallScore).where(CallScore.eligibility == "eligible")).first()
    assert score is not None
    score.eligible_applicants = ["Kreis Coesfeld", "Dülmen"]
    session.commit()
    page = re.sub(r"\s+", " ", _text(auth_client.get(f"/aufrufe/{score.call_id}")))
    assert "Antragsteller: Kreis Coesfeld, Dülmen" in page
    assert "Mögliche Antragsteller" not in page
    # the badge and the names are two words, not "antragsberechtigtAntragsteller"
    assert '</span> <span class="muted">Antragsteller:' in page
    score.eligibility = "unknown"
    score.eligibility_reasons = ["Antragsberechtigte nicht erkannt – bitte im Aufruf prüfen"]
    session.commit()
    page = re.sub(r"\s+", " ", _text(auth_client.get(f"/aufrufe/{score.call_id}")))
    # "Berechtigung unklar · Antragsteller: Kreis Coesfeld" would read as a verdict
    assert "Mögliche Antragsteller: Kreis Coesfeld, Dülmen" in page


def test_unknown_call_and_project_are_404(auth_client: FlaskClient) -> None:
    assert auth_client.get("/aufrufe/999999").status_code == 404
    assert "Nicht gefunden" in _text(auth_client.get("/aufrufe/999999"))
    assert auth_client.get("/strategie/projekte/999999").status_code == 404


def test_scraped_markup_is_escaped_everywhere(auth_client: FlaskClient, session: Session) -> None:
    call = call_by_external_id(session, "xss-1")
    for url in (f"/aufrufe?q={call.external_id}", f"/aufrufe/{call.id}", "/aufrufe?sort=neu"):
        page = _text(auth_client.get(url))
        assert "<script>window.__xss" not in page
        assert "<img src=x" not in page and "<b onmouseover" not in page
        assert 'href="javascript:' not in page
    page = _text(auth_client.get(f"/aufrufe/{call.id}"))
    assert "&lt;script&gt;window.__xss" in page
    assert XSS_TITLE.split("<")[0] in page


def test_strategy_page_with_chart_and_projects(auth_client: FlaskClient) -> None:
    page = _text(auth_client.get("/strategie/"))
    assert "Coesfeld 12.0" in page
    assert "<svg" in page and "Offene passende Aufrufe je Themenfeld" in page
    assert "Priorität 1" in page
    assert "nächste Frist" in page
    link = re.search(r'href="(/strategie/projekte/\d+)"', page)
    assert link is not None
    project_page = _text(auth_client.get(link.group(1)))
    assert "Passende Aufrufe" in project_page and "Steckbrief" in project_page


def test_deadline_page_shows_marked_calls_by_stage(
    auth_client: FlaskClient, session: Session
) -> None:
    call = session.scalars(
        select(Call).where(Call.deadline > local_today()).order_by(Call.deadline)
    ).first()
    assert call is not None
    auth_client.post(f"/aufrufe/{call.id}/bewertung", data={"status": "relevant"})
    page = _text(auth_client.get("/fristen/"))
    assert "Fristen" in page and "KW " in page
    month = f"{call.deadline.year:04d}-{call.deadline.month:02d}"  # type: ignore[union-attr]
    cal = _text(auth_client.get(f"/fristen/?monat={month}"))
    assert f'href="/aufrufe/{call.id}?zurueck=/fristen/?monat%3D{month}%23monat"' in cal
    assert auth_client.get("/fristen/?monat=kaputt").status_code == 200


def test_sources_page_lists_sources_with_counts(auth_client: FlaskClient) -> None:
    page = _text(auth_client.get("/quellen/"))
    assert "Quellen" in page and "nrw" in page
    assert 'href="/aufrufe?source=nrw&amp;antragsteller=alle"' in page


def test_inbox_page_uses_a_fixed_number_of_queries(
    auth_client: FlaskClient, app, session: Session
) -> None:
    """No N+1: the number of SQL statements does not grow with the rows of a page."""
    engine = app.extensions["fm_engine"]
    counts = []
    for page_size in (5, 25):
        statements: list[str] = []

        def _count(*args, sink: list[str] = statements, **kwargs) -> None:
            sink.append(args[2])

        event.listen(engine, "before_cursor_execute", _count)
        try:
            with app.app_context():
                from webapp.app import db_session

                list_calls(db_session(), CallFilters(scope="all"), page_size=page_size)
        finally:
            event.remove(engine, "before_cursor_execute", _count)
        counts.append(len(statements))
    assert counts[0] == counts[1], counts
    assert counts[1] <= 8


def test_call_page_shows_the_tabs_of_a_foerderdatenbank_programme_as_headings(
    auth_client: FlaskClient, session: Session
) -> None:
    """Kurzzusammenfassung, Zusatzinfos and Rechtsgrundlage were plain lines in a long text."""
    from dataclasses import replace

    from webapp.ingest import ingest_records

    url = "https://www.foerderdatenbank.de/FDB/Content/DE/Foerderprogramm/Land/NRW/x.html"
    [record] = foerderdatenbank.parse(
        snapshot_file("foerderdatenbank", "programm-land-nrw-digitale-verwaltung-kommunen.html"),
        url,
        None,
    ).records
    ingest_records(session, [replace(record, source="foerderdatenbank")], origin="scrape")
    session.commit()
    call = call_by_external_id(session, record.external_id)
    page = auth_client.get(f"/aufrufe/{call.id}").get_data(as_text=True)
    headings = re.findall(r'<h3 class="text-section">([^<]+)</h3>', page)
    assert headings == ["Kurzzusammenfassung", "Zusatzinfos", "Rechtsgrundlage"]
    assert page.count('<div class="call-text">') == 3
    assert "\nZusatzinfos\n" not in page  # the label is no longer a line of the text
    assert call.text == record.text  # stored as before: the content hash is unchanged


def test_a_funding_rate_reads_as_the_most_the_call_offers(
    auth_client: FlaskClient, session: Session
) -> None:
    """A call text naming 65 % and 85 % (in Haushaltsnotlage) keeps 85 %: "bis zu"."""
    call = session.scalars(
        select(Call).where(Call.funding_rate.is_not(None), Call.canonical_id.is_(None))
    ).first()
    assert call is not None
    shown = format_rate(call.funding_rate)
    page = _text(auth_client.get(f"/aufrufe/{call.id}"))
    assert f"<dt>Förderquote</dt><dd>bis zu {shown}</dd>" in page
    listed = _text(auth_client.get("/aufrufe", query_string={"q": call.title[:40]}))
    assert f'<span class="fact">Quote bis {shown}</span>' in listed


def test_a_further_project_without_shared_words_is_not_named_nor_counted(
    auth_client: FlaskClient, session: Session
) -> None:
    """A second project with "keine gemeinsamen Begriffe" stands among a call's best three
    only because three are listed: the row does not name it, and its project filter and
    count leave the call out. The best project, sharing words, stays (one without:
    tests/web/test_row_best_project.py)."""
    second = session.scalars(
        select(Match)
        .join(CallScore, CallScore.call_id == Match.call_id)
        .where(Match.rank == 2, Match.score >= 0.1, CallScore.eligibility == "eligible")
        .order_by(CallScore.inbox_score.desc())
    ).first()
    assert second is not None and second.terms
    call_id, key, project_id = second.call_id, second.project.key, second.project_id
    best = session.scalars(select(Match).where(Match.call_id == call_id, Match.rank == 1)).one()
    before = count_calls(session, CallFilters(project=project_id), local_today())

    def row_of_call() -> str:
        page = _text(auth_client.get(f"/?project={best.project_id}"))
        found = re.search(rf'class="call-title"><a href="/aufrufe/{call_id}[?"]', page)
        assert found, call_id
        return page[found.start() : page.index("Entscheiden", found.start())]

    assert f">{key}</a>" in row_of_call()
    assert best.terms
    second.terms = []
    session.commit()
    row = row_of_call()
    assert f">{key}</a>" not in row
    assert f">{best.project.key}</a>" in row
    after = count_calls(session, CallFilters(project=project_id), local_today())
    filtered = list_calls(session, CallFilters(project=project_id), today=local_today())
    assert call_id not in [r.id for r in filtered.rows]
    assert after == before - 1


def test_the_project_filter_finds_ineligible_calls_when_they_are_asked_for(
    auth_client: FlaskClient, session: Session
) -> None:
    """An ineligible call's scores stay below the eligibility floor (0,1): a minimum score of
    0,1 left a project's list empty with "auch nicht antragsberechtigt" ticked."""
    best = session.scalars(
        select(Match)
        .join(CallScore, CallScore.call_id == Match.call_id)
        .where(Match.rank == 1, CallScore.eligibility == "ineligible")
        .order_by(Match.score.desc())
    ).first()
    assert best is not None and best.score < 0.1
    today = local_today()
    found = list_calls(
        session,
        CallFilters(project=best.project_id, ineligible=True, closed=True),
        today=today,
        page_size=500,
    )
    assert best.call_id in {r.id for r in found.rows}
    page = _text(auth_client.get(f"/aufrufe?project={best.project_id}&ineligible=1&closed=1"))
    assert re.search(rf'class="call-title"><a href="/aufrufe/{best.call_id}[?"]', page)
