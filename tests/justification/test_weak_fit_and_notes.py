"""Hinweise on a project's text: a weak fit, an earlier funding by the same programme and
the project's own eligibility – in the panel, from `justify` and atop the downloads."""

from __future__ import annotations

import re
from types import SimpleNamespace

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from matcher.justification import weak_fit
from webapp.justifications import (
    COMBINED,
    fitting_projects,
    funded_before_note,
    justification_for,
    texts_for_call,
)
from webapp.models import Call, CallScore, Match

FRAGMENT = [
    {"call_word": "Waldmanagement", "project_word": "Radverkehrsmanagement", "weight": 0.05}
]
WEAK_NOTE = (
    "Achtung, schwache Passung: Der Abgleich verbindet Projekt und Aufruf nur über "
    "„Waldmanagement“ ≈ „Radverkehrsmanagement“ – Wortteile oder allgemeine Begriffe, kein "
    "gemeinsames Thema. Der Text behauptet deshalb keinen Beitrag zum Förderzweck; bitte "
    "prüfen, ob das Projekt wirklich zum Aufruf passt."
)


@pytest.mark.parametrize(
    ("call_word", "project_word", "lang", "weak"),
    [
        ("Waldmanagement", "Radverkehrsmanagement", "de", True),  # a shared compound part
        ("Nahversorgung", "Gesundheitsversorgung", "de", True),
        ("companies", "Unternehmen", "en", True),  # addressees, not a topic
        ("administration", "Administration", "en", True),  # Verwaltung, not IT administration
        ("Träger", "Schulträger", "de", True),
        ("Gemeinden", "Gemeinden", "de", True),
        # a part of an opaque compound: a university is no school, farming not the economy
        ("Hochschulen", "Schulen", "de", True),
        ("Landwirtschaft", "Wirtschaft", "de", True),
        ("universities", "Schule", "en", True),  # Hochschule, by the glossary
        ("Landwirtschaftskammer", "Landwirtschaft", "de", False),  # both hold the compound
        ("Grundschulen", "Schulen", "de", False),
        # who may apply, places and verbs of procedure, as the explanations leave them out
        ("Vereine", "Vereine", "de", True),
        ("Hochschulen", "Hochschulen", "de", True),
        ("Westfalen", "Westfalen", "de", True),
        ("ausstatten", "ausstatten", "de", True),
        ("Glasfaserausbau", "Glasfaser", "de", False),
        ("Pflegeheime", "Pflege", "de", False),
        ("public administration", "Verwaltungen", "en", False),
        ("Ehrenamtsplattformen", "Ehrenamtsplattform", "de", False),
        # generic words, alone or as the head of a compound, name no topic either
        ("Anwendungspartnern", "Partnern", "de", True),
        ("Verbundprojekte", "Projekten", "de", True),
        ("Modellvorhaben", "Modellvorhaben", "de", True),
        ("Buchungsplattformen", "Plattform", "de", True),
        ("Innovationsnetzwerke", "Netzwerk", "de", True),
        ("Serviceportale", "Services", "de", True),
        ("Orte", "Orten", "de", True),
        ("SMEs", "KMU", "en", True),
        ("smart", "Smart", "en", True),
        ("Bildungsmanagement", "Leerstandsmanagement", "de", True),
        ("Echtzeitinformation", "Gästeinformation", "de", True),
        # … but a compound whose other part is a topic does
        ("Echtzeitinformation", "Echtzeit", "de", False),
        ("Leerstandsmanagement", "Leerstandsmanagement", "de", False),
        ("Serviceportale", "Serviceportal", "de", False),
        ("Lernorte", "Lernorte", "de", False),
    ],
)
def test_a_match_on_fragments_or_settings_only_is_weak(
    call_word: str, project_word: str, lang: str, weak: bool
) -> None:
    terms = [{"call_word": call_word, "project_word": project_word, "weight": 0.05}]
    assert weak_fit(terms, lang) is weak


def _call_with_fitting(session: Session, least: int) -> tuple[Call, list[str]]:
    """A call with at least `least` fitting projects, and their keys."""
    for score in session.scalars(select(CallScore).order_by(CallScore.inbox_score.desc())):
        keys = [p.key for p in fitting_projects(session, score.call)]
        if len(keys) >= least:
            return score.call, keys
    raise AssertionError("no call with enough fitting projects in the demo data")


def _make_weak(session: Session, call: Call, key: str) -> None:
    match = next(m for m in call.matches if m.project.key == key)
    match.terms = FRAGMENT
    session.commit()


def test_a_weak_project_gets_a_hinweis_no_contribution_and_stays_out_of_the_combined_text(
    auth_client: FlaskClient, cli, session: Session
) -> None:
    call, keys = _call_with_fitting(session, 3)
    weak, strong = keys[-1], keys[:-1]
    _make_weak(session, call, weak)

    result = cli("justify", str(call.id), "--project", weak)
    assert result.exit_code == 0, result.output
    assert WEAK_NOTE in result.stderr
    assert WEAK_NOTE not in result.stdout  # the text stays clean for copying
    assert "trägt damit zu dem Förderzweck bei" not in result.stdout
    assert "Der Aufruf nennt „Waldmanagement“, das Projekt „Radverkehrsmanagement“." in (
        result.stdout
    )

    combined = cli("justify", str(call.id), "--combined")
    assert combined.exit_code == 0, combined.output
    matches = session.scalars(select(Match).where(Match.call_id == call.id)).all()
    titles = {m.project.key: m.project.title for m in matches}
    assert titles[weak] not in combined.stdout
    assert all(titles[k] in combined.stdout for k in strong)
    assert f"Hinweis: Nicht im kombinierten Text wegen schwacher Passung: {weak}." in (
        combined.stderr
    )

    groups = texts_for_call(session, call, refresh=True)
    session.commit()
    html = auth_client.get(f"/aufrufe/{call.id}").get_data(as_text=True)
    notes = re.findall(r'<p class="j-ineligible j-note" role="note">(.*?)</p>', html, re.S)
    assert WEAK_NOTE in notes
    assert [g.project_key for g in groups if g.notes == [WEAK_NOTE]] == [weak]
    assert any(g.project_key == COMBINED for g in groups)

    download = auth_client.get(
        f"/aufrufe/{call.id}/begruendung/download.txt?project={weak}&variant=long"
    )
    assert download.get_data(as_text=True).startswith(WEAK_NOTE + "\n\n")


def test_a_match_on_partners_and_projects_claims_no_contribution(cli, session: Session) -> None:
    """The demo's call on the cyber security of municipal administrations shares only
    „Partnern“ and „Projekten“ with the school media-literacy project."""
    match = next(
        m for m in session.scalars(select(Match).order_by(Match.id)) if m.project.key == "BI-02"
    )
    call = match.call
    call.title = "Richtlinie zur Förderung der zivilen Sicherheitsforschung – Resiliente Kommunen"
    call.summary = call.text = (
        "Gefördert werden Verbundprojekte von Forschungseinrichtungen mit Kommunen als "
        "Anwendungspartnern zur Cybersicherheit kommunaler Verwaltungen."
    )
    match.terms = [
        {"call_word": "Anwendungspartnern", "project_word": "Partnern", "weight": 0.033},
        {"call_word": "Verbundprojekte", "project_word": "Projekten", "weight": 0.0128},
    ]
    session.commit()

    result = cli("justify", str(call.id), "--project", "BI-02")
    assert result.exit_code == 0, result.output
    assert "trägt damit zu dem Förderzweck bei" not in result.stdout
    assert (
        "Das Projekt verwirklicht das Ziel „Die Medienkompetenz von Schülerinnen, Schülern und "
        "Lehrkräften stärken“ (Ziel B2) der Strategie. Der Aufruf nennt „Anwendungspartnern“ "
        "und „Verbundprojekte“, das Projekt „Partnern“ und „Projekten“." in result.stdout
    )
    assert (
        "Achtung, schwache Passung: Der Abgleich verbindet Projekt und Aufruf nur über "
        "„Anwendungspartnern“ ≈ „Partnern“ und „Verbundprojekte“ ≈ „Projekten“ – Wortteile "
        "oder allgemeine Begriffe, kein gemeinsames Thema." in result.stderr
    )


def test_the_combined_text_needs_two_projects_that_share_a_topic(cli, session: Session) -> None:
    call, keys = _call_with_fitting(session, 2)
    for key in keys[1:]:
        _make_weak(session, call, key)
    result = cli("justify", str(call.id), "--combined")
    assert result.exit_code == 1
    assert f"es passt nur {keys[0]} (schwache Passung: " in result.output
    assert all(g.project_key != COMBINED for g in texts_for_call(session, call))


def test_a_project_funded_before_by_the_calls_programme_gets_a_hinweis(
    auth_client: FlaskClient, cli, session: Session
) -> None:
    call, keys = _call_with_fitting(session, 1)
    call.title = "Smarte LandRegionen – Modellvorhaben für ländliche Landkreise"
    project = next(m.project for m in call.matches if m.project.key == keys[0])
    project.funding_history = [
        {"programme": "Smarte.Land.Regionen", "funder": "BMEL", "period": "2021-2024"}
    ]
    session.commit()
    note = (
        f"Achtung, mögliche Doppelförderung: Das Projekt {keys[0]} wurde laut Strategie "
        "bereits im Programm „Smarte.Land.Regionen“ gefördert (2021–2024, BMEL). Bitte "
        "prüfen, ob eine erneute Förderung zulässig ist, und den Antrag davon abgrenzen."
    )
    result = cli("justify", str(call.id), "--project", keys[0])
    assert result.exit_code == 0, result.output
    assert note in result.stderr
    html = auth_client.get(f"/aufrufe/{call.id}").get_data(as_text=True)
    assert f'<p class="j-ineligible j-note" role="note">{note}</p>' in html
    download = auth_client.get(
        f"/aufrufe/{call.id}/begruendung/download.md?project={keys[0]}&variant=short"
    )
    assert note in download.get_data(as_text=True)


@pytest.mark.parametrize(
    ("programme", "title", "funded"),
    [
        ("Heimat 2.0", "Heimat 2.0: Förderaufruf für digitale Projekte in Gemeinden", True),
        ("Heimat 2.0", "Heimat-Scheck 2027", False),
        ("Smarte.Land.Regionen", "Smarte Land-Regionen – Modellvorhaben", True),
        ("LEADER", "Regionalbudgets: Kleinprojekte in LEADER-Regionen", True),
        ("LEADER", "Leadership in der Verwaltung", False),
    ],
)
def test_the_programme_of_a_funding_history_is_recognised_in_the_calls_title(
    programme: str, title: str, funded: bool
) -> None:
    project = SimpleNamespace(key="IN-01", funding_history=[{"programme": programme}])
    call = SimpleNamespace(title=title, programme="")
    note = funded_before_note(project, call)  # type: ignore[arg-type]
    assert (note is not None) is funded
    if funded:
        assert f"bereits im Programm „{programme}“ gefördert. Bitte prüfen" in str(note)


def test_justify_warns_about_the_chosen_project_not_another(cli, session: Session) -> None:
    """The call is open via one project's partners; the chosen project itself is not."""
    call, keys = _call_with_fitting(session, 2)
    score = session.get(CallScore, call.id)
    assert score is not None
    score.eligibility = "partner"
    score.eligibility_reasons = [
        f"antragsberechtigt für {keys[0]} über Unternehmen (Projektpartner)"
    ]
    match = next(m for m in call.matches if m.project.key == keys[1])
    match.eligibility = "ineligible"
    match.eligibility_reasons = [
        "Kreis, Städte und Gemeinden nicht antragsberechtigt (nur Unternehmen)"
    ]
    session.commit()
    result = cli("justify", str(call.id), "--project", keys[1])
    assert result.exit_code == 0, result.output
    assert (
        f"Achtung, laut Abgleich für {keys[1]} nicht antragsberechtigt: Kreis, Städte und "
        "Gemeinden nicht antragsberechtigt (nur Unternehmen)." in result.stderr
    )
    assert "über Projektpartner" not in result.stderr
    entry = justification_for(session, call, keys[1])
    assert entry.notes[0].startswith(f"Achtung, laut Abgleich für {keys[1]} nicht")
