"""Downloads (.txt, .md, .docx), the panel's routes and the justify command."""

from __future__ import annotations

import io

from docx import Document
from docx.text.paragraph import Paragraph
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session
from werkzeug.http import parse_options_header

from matcher.justification import SHORT_LIMIT, blocks, plain_text
from webapp.docx_export import DOCX_MIME, to_docx
from webapp.justifications import find_row, justification_for
from webapp.models import Call, Match

TEXT = (
    "## Bezug zur Strategie\n\nDas Projekt „Bürgerportal“ ist Teil der Strategie.\n\n"
    "> „Gefördert werden digitale Serviceportale.“\n\nQuelle: https://example.org"
)


def _top_call(session: Session) -> Call:
    match = session.scalars(select(Match).order_by(Match.score.desc())).first()
    assert match is not None
    return match.call


def test_docx_holds_the_same_paragraphs_with_headings_and_marked_quotes() -> None:
    document = Document(io.BytesIO(to_docx(TEXT, "Begründung")))
    paragraphs = [p for p in document.paragraphs if p.text]
    assert [p.text for p in paragraphs] == [b.text for b in blocks(TEXT)]
    styles = [p.style.name if p.style else None for p in paragraphs]
    assert styles[0] == "Heading 2"
    assert styles[2] == "Quote"
    inline = [r for r in paragraphs[1].runs if r.text == "„Bürgerportal“"]
    assert inline and inline[0].italic
    assert document.core_properties.title == "Begründung"


def test_docx_is_marked_german_and_an_english_quote_english() -> None:
    """Word checks spelling in the marked language: python-docx's default is en-US, which
    would underline every German word of the application text."""
    from docx.oxml.ns import qn

    text = TEXT + "\n\n> „Supports the roll-out of telemedicine in rural regions.“"
    document = Document(io.BytesIO(to_docx(text)))
    defaults = document.styles.element.find(qn("w:docDefaults"))
    lang = defaults.find(qn("w:rPrDefault")).find(qn("w:rPr")).find(qn("w:lang"))
    assert lang.get(qn("w:val")) == "de-DE"

    def run_language(paragraph: Paragraph) -> str | None:
        found = paragraph.runs[0]._element.find(f"{qn('w:rPr')}/{qn('w:lang')}")
        return None if found is None else found.get(qn("w:val"))

    quotes = [p for p in document.paragraphs if p.style and p.style.name == "Quote"]
    assert [run_language(p) for p in quotes] == [None, "en-GB"]  # German: the default


def test_generated_long_text_round_trips_through_docx(session: Session) -> None:
    entry = justification_for(session, _top_call(session))
    document = Document(io.BytesIO(to_docx(entry.text)))
    assert [p.text for p in document.paragraphs if p.text] == plain_text(entry.text).split("\n\n")


def test_call_page_shows_the_panel_and_the_routes_work(
    auth_client: FlaskClient, session: Session
) -> None:
    call = _top_call(session)
    response = auth_client.get(f"/aufrufe/{call.id}")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "Begründungstext" in html and "Kopieren" in html and "js/copy.js" in html
    assert "<script>" not in html  # CSP: no inline scripts

    top = session.scalars(
        select(Match).where(Match.call_id == call.id).order_by(Match.score.desc())
    ).first()
    assert top is not None
    project = top.project
    form = {"project": project.key, "variant": "short", "next": f"/aufrufe/{call.id}"}
    saved = auth_client.post(
        f"/aufrufe/{call.id}/begruendung/speichern",
        data={**form, "text": "Meine kurze Fassung mit „Zitat“."},
    )
    assert saved.status_code == 302
    assert saved.headers["Location"].endswith(f"/aufrufe/{call.id}#begruendung-{project.key}-short")
    session.expire_all()
    row = find_row(session, call, project.key, "short")
    assert row is not None and row.edited_text == "Meine kurze Fassung mit „Zitat“."
    assert row.edited_by_id is not None and row.edited_at is not None

    regenerated = auth_client.post(f"/aufrufe/{call.id}/begruendung/neu", data={"next": "//evil"})
    assert regenerated.status_code == 302
    assert regenerated.headers["Location"].endswith(f"/aufrufe/{call.id}/begruendung#begruendung")
    session.expire_all()
    assert find_row(session, call, project.key, "short").edited_text == (  # type: ignore[union-attr]
        "Meine kurze Fassung mit „Zitat“."
    )

    args = {"project": project.key, "variant": "short"}
    txt = auth_client.get(f"/aufrufe/{call.id}/begruendung/download.txt", query_string=args)
    assert txt.status_code == 200
    assert txt.headers["Content-Type"] == "text/plain; charset=utf-8"
    assert "attachment" in txt.headers["Content-Disposition"]
    assert txt.get_data(as_text=True) == "Meine kurze Fassung mit „Zitat“.\n"
    md = auth_client.get(
        f"/aufrufe/{call.id}/begruendung/download.md",
        query_string={"project": project.key, "variant": "long"},
    )
    assert md.headers["Content-Type"] == "text/markdown; charset=utf-8"
    assert md.get_data(as_text=True).startswith("## ")
    docx = auth_client.get(f"/aufrufe/{call.id}/begruendung/download.docx", query_string=args)
    assert docx.headers["Content-Type"] == DOCX_MIME
    assert Document(io.BytesIO(docx.data)).paragraphs[0].text == "Meine kurze Fassung mit „Zitat“."
    assert auth_client.get(f"/aufrufe/{call.id}/begruendung/download.pdf").status_code == 404

    page = auth_client.get(f"/aufrufe/{call.id}/begruendung").get_data(as_text=True)
    assert "Bearbeitet von Anna Schulte" in page
    assert "Neu erzeugter Text" not in page

    # The call changes (as after a rescrape); "neu erzeugen" shows both versions.
    stored = session.get(Call, call.id)
    stored.title = stored.title + " – zweite Runde"  # type: ignore[union-attr]
    session.commit()
    auth_client.post(f"/aufrufe/{call.id}/begruendung/neu")
    page = auth_client.get(f"/aufrufe/{call.id}/begruendung").get_data(as_text=True)
    assert "Neu erzeugter Text" in page and "zweite Runde" in page
    assert "Meine kurze Fassung mit „Zitat“." in page

    discarded = auth_client.post(f"/aufrufe/{call.id}/begruendung/verwerfen", data=form)
    assert discarded.status_code == 302
    session.expire_all()
    assert find_row(session, call, project.key, "short").edited_text is None  # type: ignore[union-attr]


def test_routes_need_a_login(client: FlaskClient, session: Session) -> None:
    call = _top_call(session)
    response = client.get(f"/aufrufe/{call.id}/begruendung/download.txt")
    assert response.status_code == 302 and "/anmelden" in response.headers["Location"]
    response = client.post(f"/aufrufe/{call.id}/begruendung/neu")
    assert response.status_code == 302 and "/anmelden" in response.headers["Location"]


def test_justify_prints_the_text_and_rejects_unknown_ids(cli, session: Session) -> None:
    call = _top_call(session)
    result = cli("justify", call.external_id)
    assert result.exit_code == 0, result.output
    assert "Coesfeld 12.0" in result.stdout and "## Passung zum Förderaufruf" in result.stdout

    plain = cli("justify", call.external_id, "--plain")
    assert plain.exit_code == 0 and "\nPassung zum Förderaufruf\n" in plain.stdout
    assert "## " not in plain.stdout and "\n> " not in plain.stdout

    short = cli("justify", str(call.id), "--short")
    assert short.exit_code == 0, short.output
    assert len(short.stdout.strip()) <= SHORT_LIMIT

    other = cli("justify", str(call.id), "--project", "KU-01")
    assert other.exit_code == 0 and "Digitales Kulturerbe" in other.stdout

    unknown = cli("justify", "GIBT-ES-NICHT")
    assert unknown.exit_code == 1
    assert "Aufruf 'GIBT-ES-NICHT' nicht gefunden" in unknown.output
    assert "Traceback" not in unknown.output
    bad_project = cli("justify", str(call.id), "--project", "XX-99")
    assert bad_project.exit_code == 1 and "XX-99" in bad_project.output


def test_justify_warns_when_the_county_may_not_apply(cli, session: Session) -> None:
    """The text argues the topic; the officer is told that the matcher found no eligibility."""
    from webapp.models import CallScore

    scores = {
        s.eligibility: s
        for s in session.scalars(select(CallScore).where(CallScore.best_project_id.is_not(None)))
    }
    ineligible, eligible = scores["ineligible"], scores["eligible"]
    result = cli("justify", str(ineligible.call_id))
    assert result.exit_code == 0, result.output
    assert "Achtung, laut Abgleich nicht antragsberechtigt: " in result.stderr
    assert ineligible.eligibility_reasons[0] in result.stderr
    assert "Achtung" not in result.stdout  # the text itself stays clean for copying
    fine = cli("justify", str(eligible.call_id))
    assert fine.exit_code == 0 and "Achtung" not in fine.output


def test_download_name_survives_a_project_key_with_umlauts_and_quotes(
    auth_client: FlaskClient, session: Session
) -> None:
    """Another county's project key ("BÜ-01") still gives a well-formed file name."""
    call = _top_call(session)
    top = session.scalars(
        select(Match).where(Match.call_id == call.id).order_by(Match.score.desc())
    ).first()
    assert top is not None
    project = top.project
    auth_client.get(f"/aufrufe/{call.id}")  # the call page generates the texts
    project.key = 'BÜ-01 "neu"'
    session.commit()
    response = auth_client.get(
        f"/aufrufe/{call.id}/begruendung/download.docx",
        query_string={"project": project.key, "variant": "long"},
    )
    assert response.status_code == 200
    disposition = response.headers["Content-Disposition"]
    assert disposition.isascii()
    # A browser reads the real name from filename*=; the plain filename= is an ASCII fallback.
    kind, params = parse_options_header(disposition)
    assert kind == "attachment"
    assert params["filename"] == f'begruendung-{call.id}-BÜ-01 "neu"-long.docx'
