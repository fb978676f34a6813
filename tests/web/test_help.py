"""The Hilfe page: explained from the app's own constants, linked from the Eingang and a call."""

from __future__ import annotations

import html
import re
from typing import Any
from urllib.parse import urlsplit

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.web.conftest import logged_in_tab
from webapp.models import DISMISS_REASONS, REVIEW_STATUSES, CallScore, User
from webapp.users import create_user
from webapp.views.components import ELIGIBILITY_LABELS
from webapp.views.help_page import ELIGIBILITY_MEANINGS, STATUS_MEANINGS, TOPICS


def _ids(page: str) -> set[str]:
    return set(re.findall(r'\sid="([^"]+)"', page))


def test_the_help_page_lists_what_the_app_uses(
    auth_client: FlaskClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Statuses, reasons, eligibility labels and this server's reminder days, each explained."""
    monkeypatch.setenv("REMINDER_DAYS", "10,3")
    monkeypatch.setenv("DIGEST_MIN_SCORE", "0.4")
    response = auth_client.get("/hilfe/")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    for status in REVIEW_STATUSES:
        assert f">{status}</span>" in page, status  # its pill in the status table
    for reason in DISMISS_REASONS:
        assert f"<strong>{reason}</strong>" in page, reason
    for label in ELIGIBILITY_LABELS.values():
        assert f">{label}</span>" in page, label
    # the settings of this server, not the defaults retyped
    assert "kommen 10 und 3 Tage vor jeder Frist" in page
    assert "ab einer Passung von 0,40" in page
    # which reasons lower similar calls: the matcher's own split
    assert "<strong>passt nicht zur Strategie</strong> – stuft ähnliche Aufrufe herab" in page
    assert "<strong>Frist zu kurz</strong> – nur dieser Aufruf" in page
    assert "keine Wahrscheinlichkeit" in page
    assert set(TOPICS) <= _ids(page)
    # the header leads there from every page
    assert 'href="/hilfe/" aria-current="page">Hilfe</a>' in page
    assert 'href="/hilfe/">Hilfe</a>' in auth_client.get("/konto").get_data(as_text=True)


def test_every_status_and_eligibility_has_its_explanation() -> None:
    """A new status or verdict must get its sentence on the help page."""
    assert set(STATUS_MEANINGS) == set(REVIEW_STATUSES)
    assert set(ELIGIBILITY_MEANINGS) == set(ELIGIBILITY_LABELS)


def test_an_officer_sees_no_administrator_addresses(
    auth_client: FlaskClient, session: Session
) -> None:
    create_user(session, "it-admin@kreis-coesfeld.de", "admin-geheim-42", role="admin", name="IT")
    session.commit()
    page = auth_client.get("/hilfe/").get_data(as_text=True)
    assert "it-admin@kreis-coesfeld.de" not in page
    assert "beantwortet die Administration von funding-matcher in Ihrem Haus" in page
    assert "/verwaltung/benutzer" not in page


def test_the_help_page_needs_a_login(client: FlaskClient) -> None:
    response = client.get("/hilfe/")
    assert response.status_code == 302
    assert "/anmelden" in response.headers["Location"]


def test_a_reminder_setting_that_cannot_be_used_does_not_break_the_page(
    auth_client: FlaskClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`check` reports it to the administration; the page shows the defaults meanwhile."""
    monkeypatch.setenv("REMINDER_DAYS", "bald")
    response = auth_client.get("/hilfe/")
    assert response.status_code == 200
    assert "kommen 14, 7 und 2 Tage vor jeder Frist" in response.get_data(as_text=True)


def test_the_digest_is_said_to_stay_away_when_empty_unless_configured(
    auth_client: FlaskClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    empty = "gibt es nichts zu melden, kommt keine"
    assert empty in auth_client.get("/hilfe/").get_data(as_text=True)
    monkeypatch.setenv("DIGEST_SEND_EMPTY", "1")
    assert empty not in auth_client.get("/hilfe/").get_data(as_text=True)


def test_the_digest_is_said_to_list_calls_that_pass_only_later(auth_client: FlaskClient) -> None:
    """A call that passes the digest's bar after its first week is listed once (docs/mail.md)."""
    page = html.unescape(auth_client.get("/hilfe/").get_data(as_text=True))
    assert "noch in keiner Übersicht stand, mit „Seit … bekannt“" in page


# every "?" link of the page: its target, its text (with the hidden name) and whether it is
# a target of at least 24 px (or hidden with its part, as the reason until "nicht relevant")
HELP_LINKS = """() => [...document.querySelectorAll('a.help-link')].map(a => {
  const r = a.getBoundingClientRect();
  return {href: a.href, text: a.textContent,
          target: (r.width >= 24 && r.height >= 24) || a.offsetParent === null};
})"""


@pytest.mark.browser
def test_the_question_marks_lead_to_their_section(
    browser: Any, live_server: str, user: User, session: Session
) -> None:
    """Every "?" of the Eingang, a call page and Konto is named, 24 px, and opens an existing
    section of the help page; following one shows that section's heading."""
    call_id = session.scalars(
        select(CallScore.call_id).where(CallScore.eligibility == "unknown")
    ).first()
    assert call_id is not None
    tab = logged_in_tab(browser, live_server, user)
    try:
        targets: dict[str, set[str]] = {}
        for path in ("/", f"/aufrufe/{call_id}", "/konto"):
            tab.goto(live_server + path)
            links = tab.evaluate(HELP_LINKS)
            assert len(links) >= 3, (path, links)
            assert all(link["target"] for link in links), (path, links)
            # screen readers hear what each one is about, not "?"
            assert all(link["text"].startswith("?Hilfe: ") for link in links), links
            for link in links:
                parts = urlsplit(link["href"])
                assert parts.path == "/hilfe/"
                targets.setdefault(parts.fragment, set()).add(path)
        assert {"eingang", "antragsberechtigung", "passung", "bewertung", "mail"} <= set(targets)
        tab.goto(live_server + "/hilfe/")
        missing = [t for t in targets if tab.locator(f"[id='{t}']").count() != 1]
        assert missing == []

        tab.goto(f"{live_server}/aufrufe/{call_id}")
        tab.get_by_role("link", name="Hilfe: Antragsberechtigung").first.click()
        tab.wait_for_url(live_server + "/hilfe/#antragsberechtigung")
        heading = tab.get_by_role("heading", name="Antragsberechtigung", exact=True)
        assert heading.is_visible()
        assert heading.evaluate(
            "h => { const r = h.getBoundingClientRect(); return r.top >= 0 && r.top < innerHeight; }"
        )
        assert tab.get_by_text("Bei „Berechtigung unklar“").is_visible()
    finally:
        tab.context.close()
