"""Call lists: 'nächste Frist' starts with open deadlines; Mindestpassung takes 0,5 and 0.5;
the region filter offers what the list can show; the CSV file is named after the filters."""

from __future__ import annotations

import html
import re
from dataclasses import replace
from datetime import date
from typing import Any

import pytest
from flask.testing import FlaskClient
from markupsafe import escape
from sqlalchemy import select
from sqlalchemy.orm import Session

from webapp.formatting import local_today
from webapp.models import CallScore, ProjectRow, ThemeRow
from webapp.queries import (
    CallFilters,
    FilterValuesCache,
    count_calls,
    export_rows,
    list_calls,
)


def test_next_deadline_sort_puts_expired_calls_after_the_open_ones(session: Session) -> None:
    today = local_today()
    rows = list(export_rows(session, CallFilters(scope="all", sort="frist"), today=today))
    deadlines = [r.deadline for r in rows]
    open_ = [d for d in deadlines if d is not None and d >= today]
    expired = [d for d in deadlines if d is not None and d < today]
    undated = len(deadlines) - len(open_) - len(expired)
    assert open_ and expired and undated, "the demo data has all three"
    # soonest open first, then the calls without a deadline, then the most recently expired
    assert deadlines == sorted(open_) + [None] * undated + sorted(expired, reverse=True)
    first = list_calls(session, CallFilters(scope="all", sort="frist"), today=today).rows[0]
    assert first.deadline is not None and first.deadline >= today


def test_the_first_row_of_the_page_is_not_expired(auth_client: FlaskClient) -> None:
    page = auth_client.get("/aufrufe?sort=frist").get_data(as_text=True)
    first_row = page[page.index('<li class="call-row"') :]
    first_row = first_row[: first_row.index("</li>")]
    assert 'class="deadline past"' not in first_row and "abgelaufen" not in first_row


def test_minimum_score_takes_a_decimal_comma_or_point(
    auth_client: FlaskClient, session: Session
) -> None:
    today = local_today()
    expected = count_calls(session, CallFilters(min_score=0.5), today)
    assert 0 < expected < count_calls(session, CallFilters(), today)
    for typed in ("0,5", "0.5", " 0,5 "):
        page = auth_client.get("/", query_string={"min_score": typed}).get_data(as_text=True)
        assert f'<strong class="count">{expected} Aufrufe</strong>' in page, typed
        field = re.search(r'<input id="f-min"[^>]*>', page)
        assert field is not None
        # a text field (a number field refuses "0,5" in an English browser), shown the German way
        assert 'type="text"' in field.group(0) and 'inputmode="decimal"' in field.group(0)
        assert 'value="0,5"' in field.group(0)


# --- the region filter offers what the list can show ------------------------------------------

# The lists and switches of the list pages: each offers its own regions.
VIEWS = {
    "Eingang": ("/", CallFilters(scope="inbox")),
    "Eingang, auch nicht antragsberechtigt": (
        "/?ineligible=1",
        CallFilters(scope="inbox", ineligible=True),
    ),
    "Eingang, auch geschlossen": ("/?closed=1", CallFilters(scope="inbox", closed=True)),
    "Eingang, alle Status": ("/?status=alle", CallFilters(scope="inbox", status="alle")),
    "Alle Aufrufe": ("/aufrufe", CallFilters(scope="all")),
}


def _region_select(page: str) -> str:
    found = re.search(r'<select id="f-region" name="region">(.*?)</select>', page, re.S)
    assert found is not None
    return found.group(1)


def _offered_regions(page: str) -> list[str]:
    values = re.findall(r'<option value="([^"]*)"', _region_select(page))
    assert values[0] == ""  # "alle Regionen"
    return [html.unescape(v) for v in values[1:]]


def test_each_list_offers_exactly_the_regions_that_give_calls(
    auth_client: FlaskClient, session: Session
) -> None:
    """Before, every region of every call was offered: in the Eingang, "Bayern" (calls the
    Kreis may not apply to) always gave an empty list."""
    today = local_today()
    every_region = set(_offered_regions(auth_client.get("/aufrufe").get_data(as_text=True)))
    offered = {}
    for name, (url, view) in VIEWS.items():
        offered[name] = _offered_regions(auth_client.get(url).get_data(as_text=True))
        assert offered[name] == sorted(offered[name]), name
        giving_calls = {
            region
            for region in every_region
            if count_calls(session, replace(view, region=region), today) > 0
        }
        assert set(offered[name]) == giving_calls, name
    # what the demo data shows: Bavarian calls are ineligible for a Kreis in NRW, a closed
    # call of the Kreis Warendorf is past its deadline
    assert "Bayern" not in offered["Eingang"]
    assert "Bayern" in offered["Eingang, auch nicht antragsberechtigt"]
    assert "Münster, Kreis Warendorf" not in offered["Eingang"]
    assert "Münster, Kreis Warendorf" in offered["Eingang, auch geschlossen"]
    assert {"NRW", "Bund", "EU"} <= set(offered["Eingang"])


def _offered_sources(page: str) -> list[str]:
    found = re.search(r'<select id="f-source" name="source">(.*?)</select>', page, re.S)
    assert found is not None
    values = re.findall(r'<option value="([^"]*)"', found.group(1))
    assert values[0] == ""  # "alle Quellen"
    return [html.unescape(v) for v in values[1:]]


def test_each_list_offers_exactly_the_sources_that_give_calls(
    auth_client: FlaskClient, session: Session
) -> None:
    """A source counts through its own calls and through duplicates of listed calls."""
    today = local_today()
    every_source = set(_offered_sources(auth_client.get("/aufrufe").get_data(as_text=True)))
    assert len(every_source) >= 5
    narrowed = False
    for name, (url, view) in VIEWS.items():
        offered = _offered_sources(auth_client.get(url).get_data(as_text=True))
        assert offered == sorted(offered), name
        giving_calls = {
            source
            for source in every_source
            if count_calls(session, replace(view, source=source), today) > 0
        }
        assert set(offered) == giving_calls, name
        narrowed |= set(offered) < every_source
    assert narrowed, "the demo data has a source without a call in some list"
    # a source given in the address stays chosen even where it gives nothing
    page = auth_client.get("/?source=gibt-es-nicht").get_data(as_text=True)
    assert '<option value="gibt-es-nicht" selected>' in page


def test_a_region_given_in_the_address_stays_chosen_with_an_empty_list(
    auth_client: FlaskClient,
) -> None:
    page = auth_client.get("/?region=Bayern").get_data(as_text=True)
    assert '<option value="Bayern" selected>Bayern</option>' in _region_select(page)
    assert '<strong class="count">0 Aufrufe</strong>' in page
    # ticking the switch shows its calls
    page = auth_client.get("/?region=Bayern&ineligible=1").get_data(as_text=True)
    assert '<strong class="count">2 Aufrufe</strong>' in page


def test_a_region_leaves_the_eingang_with_its_last_undecided_call(
    auth_client: FlaskClient, session: Session
) -> None:
    """At once, not a minute later: the choices are cached, but a decision renews them."""
    # (a LEADER region the rules cannot place: its call stays undecided; the Rheinisches
    # Revier, which the rules place, no longer reaches the Eingang of the Kreis Coesfeld)
    region = "LEADER-Region Steinfurter Land"
    rows = list_calls(session, CallFilters(region=region), today=local_today()).rows
    assert len(rows) == 1
    for row in rows:
        assert region in _offered_regions(auth_client.get("/").get_data(as_text=True))
        response = auth_client.post(
            f"/aufrufe/{row.id}/bewertung",
            data={"quick": "1", "status": "relevant", "zurueck": "/"},
        )
        assert response.status_code == 302
    regions = _offered_regions(auth_client.get("/").get_data(as_text=True))
    assert region not in regions and "NRW" in regions
    # decided calls are still offered where the list shows them
    page = auth_client.get("/?status=alle").get_data(as_text=True)
    assert region in _offered_regions(page)


def test_the_filter_choices_cache_belongs_to_the_app_and_follows_the_data() -> None:
    """Each app keeps its own choices; new data or an expired entry gives them anew."""
    cache = FilterValuesCache(ttl=60.0)
    key = ("inbox", "", False, False)
    values: Any = (["nrw"], ["NRW"])  # kept as given: any pair of lists does
    cache.put(key, (1, 2, 3, date(2026, 11, 26)), values)
    assert cache.get(key, (1, 2, 3, date(2026, 11, 26))) == values
    assert cache.get(key, (2, 2, 3, date(2026, 11, 26))) is None  # a new call
    assert cache.get(key, (1, 2, 3, date(2026, 11, 27))) is None  # the next day
    expired = FilterValuesCache(ttl=0.0)
    expired.put(key, (1,), ([], []))
    assert expired.get(key, (1,)) is None  # a match run may have changed eligibilities


# --- the CSV file's name ----------------------------------------------------------------------


def _csv_name(client: FlaskClient, query: str) -> str:
    response = client.get(f"/export.csv?{query}")
    assert response.status_code == 200
    disposition = response.headers["Content-Disposition"]
    disposition.encode("ascii")  # a header in plain ASCII, no filename*= needed
    found = re.fullmatch(r'attachment; filename="([a-z0-9.-]+)"', disposition)
    assert found is not None, disposition
    return found.group(1)


def test_the_csv_file_is_named_after_the_list_its_filters_and_the_day(
    auth_client: FlaskClient, session: Session
) -> None:
    """Before, every export of the Eingang was foerderaufrufe-eingang-<day>.csv, whatever it held."""
    day = local_today().isoformat()
    assert _csv_name(auth_client, "scope=inbox") == f"foerderaufrufe-eingang-{day}.csv"
    assert _csv_name(auth_client, "scope=all") == f"foerderaufrufe-alle-{day}.csv"
    assert _csv_name(auth_client, "scope=inbox&region=NRW&status=neu") == (
        f"foerderaufrufe-eingang-{day}-neu-nrw.csv"
    )
    theme = session.scalar(select(ThemeRow).where(ThemeRow.name == "Mobilität"))
    project = session.scalar(select(ProjectRow).where(ProjectRow.key == "VW-01"))
    assert theme is not None and project is not None
    name = _csv_name(
        auth_client,
        f"scope=inbox&q=Glasfaser+%22Schule%22/&theme={theme.id}&priority=2&project={project.id}"
        "&status=in+Pr%C3%BCfung&source=eu-ft&frist=30&min_score=0,5&ineligible=1&closed=1",
    )
    assert name == (
        f"foerderaufrufe-eingang-{day}-suche-glasfaser-schule-mobilitaet-prioritaet-2-vw-01"
        "-in-pruefung-quelle-eu-ft-frist-30-tage-passung-ab-0-5.csv"
    )  # 150 characters at most: the switches no longer fit, and are left out whole
    # the minimum score with at most two decimals, as the filter shows it
    assert _csv_name(auth_client, "scope=all&min_score=0.333333") == (
        f"foerderaufrufe-alle-{day}-passung-ab-0-33.csv"
    )
    name = _csv_name(auth_client, "scope=inbox&region=Bund&ineligible=1&closed=1")
    assert (
        name
        == f"foerderaufrufe-eingang-{day}-bund-auch-nicht-antragsberechtigt-auch-geschlossen.csv"
    )
    # a long region is cut at a word; the inbox's switches mean nothing in "Alle Aufrufe"
    name = _csv_name(
        auth_client,
        "scope=all&ineligible=1&region=EUREGIO+(Programmgebiet+INTERREG+Deutschland-Nederland)",
    )
    assert name == f"foerderaufrufe-alle-{day}-euregio-programmgebiet-interreg.csv"
    # the name follows the filters, the file holds the same calls as the list
    rows = auth_client.get("/export.csv?scope=inbox&region=NRW").get_data(as_text=True)
    nrw = count_calls(session, CallFilters(region="NRW"), local_today())
    assert len(rows.splitlines()) == nrw + 1


@pytest.mark.parametrize("typed", ["viel", "50", "-0,2", "0,5abc"])
def test_an_unusable_minimum_score_stays_in_its_field_and_says_why(
    auth_client: FlaskClient, session: Session, typed: str
) -> None:
    """Before, "viel" vanished from the field and "50" (meant as per cent) gave an empty
    list, both without a word: the Passung runs from 0 to 1."""
    unfiltered = count_calls(session, CallFilters(), local_today())
    response = auth_client.get("/", query_string={"min_score": typed, "sort": "frist"})
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert f'<strong class="count">{unfiltered} Aufrufe</strong>' in page
    field = re.search(r'<input id="f-min"[^>]*>', page)
    assert field is not None
    assert f'value="{escape(typed)}"' in field.group(0)
    assert 'aria-invalid="true"' in field.group(0)
    message = re.search(
        r'<p class="flash flash-error" role="alert" id="f-min-error">(.*?)</p>', page
    )
    assert message is not None
    assert str(escape(f"Mindestpassung „{typed}“ nicht angewandt")) in message.group(1)
    assert "von 0 bis 1" in message.group(1)
    # the other filters and the sort still hold
    assert '<option value="frist" selected>' in page


def test_a_usable_minimum_score_gets_no_message(auth_client: FlaskClient) -> None:
    for typed in ("", "0", "1", "0,35"):
        page = auth_client.get("/", query_string={"min_score": typed}).get_data(as_text=True)
        assert "f-min-error" not in page and 'aria-invalid="true"' not in page, typed


def _badges(page: str) -> list[str]:
    """The eligibility badge of every row of a list page."""
    rows = re.findall(
        r'<li class="call-row" id="call-\d+">(.*?)</li>\s*(?=<li class="call-row"|</ol>)',
        page,
        re.S,
    )
    return [m.group(1) for r in rows if (m := re.search(r'class="badge elig-(\w+)"', r))]


def test_the_eingang_filters_by_eligibility(auth_client: FlaskClient, session: Session) -> None:
    """Calls only a project partner may apply for no longer crowd a town's Eingang."""
    today = local_today()
    total = count_calls(session, CallFilters(), today)
    counts = {
        key: count_calls(session, CallFilters(berechtigung=key), today)
        for key in ("ja", "partner", "unklar", "ja-unklar", "nein")
    }
    assert counts["partner"] > 0 and counts["ja"] > 0 and counts["nein"] > 0
    # the Eingang is its eligible, partner and unclear calls; nothing twice, nothing lost
    assert counts["ja"] + counts["partner"] + counts["unklar"] == total
    assert counts["ja-unklar"] == counts["ja"] + counts["unklar"]
    shown = {
        "ja": {"eligible"},
        "partner": {"partner"},
        "unklar": {"unknown"},
        "ja-unklar": {"eligible", "unknown"},
        # asked for by name, the Eingang shows them without "auch nicht antragsberechtigt"
        "nein": {"ineligible"},
    }
    for key, badges in shown.items():
        page = auth_client.get(f"/?berechtigung={key}&sort=frist").get_data(as_text=True)
        assert f'<option value="{key}" selected>' in page
        found = _badges(page)
        assert found and set(found) <= badges, (key, found)
        assert f"{counts[key]} Aufruf" in page
    # Alle Aufrufe filters the same way, also by the calls' eligibility
    page = auth_client.get("/aufrufe?berechtigung=partner&status=alle").get_data(as_text=True)
    assert set(_badges(page)) == {"partner"}
    # an unknown value is ignored, as every filter's
    assert f"{total} Aufrufe" in auth_client.get("/?berechtigung=vielleicht").get_data(as_text=True)
    day = today.isoformat()
    assert _csv_name(auth_client, "scope=inbox&berechtigung=ja-unklar&region=NRW") == (
        f"foerderaufrufe-eingang-{day}-nrw-antragsberechtigt-oder-unklar.csv"
    )
    rows = auth_client.get("/export.csv?scope=inbox&berechtigung=partner").get_data(as_text=True)
    assert len(rows.splitlines()) == counts["partner"] + 1


def test_a_towns_officer_sees_the_calls_the_town_may_apply_for(
    auth_client: FlaskClient, session: Session
) -> None:
    """Antragsteller: a town's Eingang without the county's own calls and the partners' ones."""
    scores = {s.call_id: s for s in session.scalars(select(CallScore))}
    county_only = {i for i, s in scores.items() if s.eligible_applicants == ["Kreis Coesfeld"]}
    partner = {i for i, s in scores.items() if s.eligibility == "partner"}
    assert county_only and partner
    inbox = _ids(auth_client, "/?sort=frist")
    assert county_only & inbox and partner & inbox

    page = auth_client.get("/?antragsteller=D%C3%BClmen&sort=frist").get_data(as_text=True)
    assert '<option value="Dülmen" selected>Dülmen</option>' in page
    assert '<option value="Kreis Coesfeld">Kreis Coesfeld</option>' in page
    towns = _ids(auth_client, "/?antragsteller=D%C3%BClmen&sort=frist")
    assert towns and towns < inbox
    assert not towns & (county_only | partner)
    assert all("Dülmen" in scores[i].eligible_applicants for i in towns)
    # the county's own calls are there for the county
    assert county_only & inbox <= _ids(auth_client, "/?antragsteller=Kreis+Coesfeld&sort=frist")
    day = local_today().isoformat()
    assert _csv_name(auth_client, "scope=inbox&antragsteller=D%C3%BClmen&berechtigung=ja") == (
        f"foerderaufrufe-eingang-{day}-fuer-duelmen-nur-antragsberechtigt.csv"
    )


def _ids(client: FlaskClient, url: str) -> set[int]:
    """The calls of every page of a list."""
    ids: set[int] = set()
    for number in range(1, 20):
        page = client.get(f"{url}&page={number}").get_data(as_text=True)
        found = {int(i) for i in re.findall(r'<li class="call-row" id="call-(\d+)">', page)}
        if found <= ids:
            return ids
        ids |= found
    return ids


def test_the_list_title_names_the_applicant_the_search_and_the_page(
    auth_client: FlaskClient,
) -> None:
    """Before, every list page was "Eingang – funding-matcher" in the tab and the history."""

    def title(url: str) -> str:
        found = re.search(r"<title>(.*?)</title>", auth_client.get(url).get_data(as_text=True))
        assert found is not None
        return html.unescape(found.group(1))

    assert title("/") == "Eingang – funding-matcher"
    assert title("/?antragsteller=D%C3%BClmen&page=2") == (
        "Eingang für Dülmen, Seite 2 – funding-matcher"
    )
    assert title("/aufrufe?q=Glasfaser") == "Alle Aufrufe: „Glasfaser“ – funding-matcher"
