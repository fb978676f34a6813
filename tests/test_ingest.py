"""Ingest: idempotent upserts, field-level history, missing calls, duplicates, nothing lost."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from scrapers.record import CallRecord
from webapp.ingest import ingest_records
from webapp.models import Call, CallChange, Justification, Review, User
from webapp.queries import CallFilters, list_calls, page_call_ids


def rec(external_id: str, title: str, source: str = "fdb", **fields: object) -> CallRecord:
    base = CallRecord(
        source=source,
        external_id=external_id,
        url=f"https://example.org/{source}/{external_id}",
        title=title,
        funder="BMEL",
        summary="Kurz.",
        text="Antragsberechtigt sind Landkreise.",
        eligible=["Landkreis"],
        region="Bund",
        deadline=date(2027, 2, 15),
        status="offen",
    )
    return replace(base, **fields)  # type: ignore[arg-type]


def calls(session: Session, source: str | None = None) -> dict[str, Call]:
    query = select(Call)
    if source:
        query = query.where(Call.source == source)
    return {c.external_id: c for c in session.scalars(query)}


def scrape(session: Session, source: str, records: list[CallRecord], **kwargs: object):
    stats = ingest_records(session, records, source=source, **kwargs)  # type: ignore[arg-type]
    session.commit()
    return stats


def test_second_identical_run_is_a_no_op(session: Session) -> None:
    records = [rec("a", "Aufruf A"), rec("b", "Aufruf B"), rec("c", "Aufruf C")]
    first = scrape(session, "fdb", records, complete=True)
    assert (first.new, first.changed, first.unchanged, first.missing) == (3, 0, 0, 0)
    second = scrape(session, "fdb", [replace(r) for r in records], complete=True)
    assert (second.new, second.changed, second.unchanged, second.missing) == (0, 0, 3, 0)
    assert session.scalars(select(CallChange)).all() == []


def test_changed_fields_get_one_change_record_each(session: Session) -> None:
    scrape(session, "fdb", [rec("a", "Aufruf A")])
    stats = scrape(
        session,
        "fdb",
        [
            rec(
                "a",
                "Aufruf A",
                deadline=date(2027, 3, 31),
                status="Mittel ausgeschöpft",
                eligible=["Landkreis", "Kommune"],
                amount_max_eur=500000.0,
            )
        ],
    )
    assert (stats.new, stats.changed) == (0, 1)
    call = calls(session)["a"]
    changes = {c.field: (c.old, c.new) for c in call.changes}
    assert changes == {
        "deadline": ("2027-02-15", "2027-03-31"),
        "status": ("offen", "Mittel ausgeschöpft"),
        "eligible": (["Landkreis"], ["Landkreis", "Kommune"]),
        "amount_max_eur": (None, 500000.0),
    }
    assert call.deadline == date(2027, 3, 31) and call.changed_at is not None


def test_stage_deadlines_are_stored_and_compared(session: Session) -> None:
    stages = {"Interessenbekundung": date(2027, 2, 15), "Projektskizze": date(2027, 6, 30)}
    scrape(session, "fdb", [rec("a", "A", deadlines=stages)])
    assert calls(session)["a"].deadlines == {
        "Interessenbekundung": "2027-02-15",
        "Projektskizze": "2027-06-30",
    }
    assert scrape(session, "fdb", [rec("a", "A", deadlines=dict(stages))]).unchanged == 1
    moved = {**stages, "Projektskizze": date(2027, 7, 31)}
    assert scrape(session, "fdb", [rec("a", "A", deadlines=moved)]).changed == 1
    [change] = calls(session)["a"].changes
    assert change.field == "deadlines" and change.new["Projektskizze"] == "2027-07-31"


def test_missing_calls_are_marked_never_deleted_and_come_back(session: Session) -> None:
    scrape(session, "fdb", [rec("a", "A"), rec("b", "B")], complete=True)
    gone = scrape(session, "fdb", [rec("a", "A")], complete=True)
    assert gone.missing == 1
    b = calls(session)["b"]
    assert b.missing_since is not None
    assert [(c.field, c.old) for c in b.changes] == [("missing_since", None)]
    # Still missing: not marked again.
    assert scrape(session, "fdb", [rec("a", "A")], complete=True).missing == 0
    back = scrape(session, "fdb", [rec("a", "A"), rec("b", "B")], complete=True)
    assert back.returned == 1 and back.unchanged == 2
    session.refresh(b)
    assert b.missing_since is None
    assert len(session.scalars(select(Call)).all()) == 2


def test_incomplete_runs_mark_nothing_missing(session: Session) -> None:
    scrape(session, "fdb", [rec("a", "A"), rec("b", "B")], complete=True)
    stats = scrape(session, "fdb", [rec("a", "A")], complete=False)
    assert stats.missing == 0 and calls(session)["b"].missing_since is None


def test_304_confirmed_and_listed_ids_are_not_missing(session: Session) -> None:
    scrape(session, "fdb", [rec("a", "A"), rec("b", "B"), rec("c", "C")], complete=True)
    before = calls(session)["b"].last_seen
    stats = scrape(session, "fdb", [], unchanged_ids={"a", "b"}, listed_ids={"c"}, complete=True)
    assert (stats.unchanged, stats.missing) == (2, 0)
    assert calls(session)["b"].last_seen >= before


def test_other_sources_are_not_touched(session: Session) -> None:
    scrape(session, "fdb", [rec("a", "A")], complete=True)
    scrape(session, "feed", [rec("x", "X", source="feed")], complete=True)
    assert calls(session, "fdb")["a"].missing_since is None


def test_duplicate_from_another_source_links_to_the_earliest(session: Session) -> None:
    scrape(
        session,
        "fdb",
        [
            rec("slr", "Smarte.Land.Regionen – Modellvorhaben für ländliche Landkreise"),
            rec("h", "Heimat 2.0"),
        ],
    )
    stats = scrape(
        session,
        "bmleh",
        [
            rec(
                "1", "Smarte LandRegionen – Modellvorhaben für ländliche Landkreise", source="bmleh"
            ),
            rec("2", "Tierwohl-Stallbau: neue Antragsrunde", source="bmleh"),
        ],
    )
    assert stats.linked == 1
    canonical = calls(session, "fdb")["slr"]
    duplicate = calls(session, "bmleh")["1"]
    assert duplicate.canonical_id == canonical.id and canonical.canonical_id is None
    assert [d.id for d in canonical.duplicates] == [duplicate.id]
    assert calls(session, "bmleh")["2"].canonical_id is None
    # A third source links to the same canonical call.
    scrape(
        session,
        "bbsr",
        [rec("z", "Smarte Land-Regionen: Modellvorhaben für ländliche Landkreise", source="bbsr")],
    )
    assert calls(session, "bbsr")["z"].canonical_id == canonical.id


def test_same_programme_links_looser_titles_but_not_same_source(session: Session) -> None:
    scrape(
        session,
        "fdb",
        [
            rec("a", "Förderaufruf Heimat 2.0 für Gemeinden", programme="Heimat 2.0"),
            rec("b", "Förderaufruf Heimat 2.0 für Gemeinden 2027"),
        ],
    )
    assert calls(session)["b"].canonical_id is None  # same source: two entries, not duplicates
    scrape(
        session,
        "bbsr",
        [
            rec(
                "c",
                "Heimat 2.0 – digitale Projekte für Gemeinden",
                source="bbsr",
                programme="Heimat 2.0",
            )
        ],
    )
    assert calls(session, "bbsr")["c"].canonical_id == calls(session, "fdb")["a"].id


def test_reviews_notes_and_edited_texts_survive_rescrapes(session: Session) -> None:
    scrape(session, "fdb", [rec("a", "Aufruf A"), rec("b", "Aufruf B")], complete=True)
    call = calls(session)["a"]
    user = User(email="f@kreis.de", password_hash="x", ical_token="tok")
    session.add(user)
    session.flush()
    session.add(
        Review(call_id=call.id, status="relevant", note="Mit Senden abstimmen", assignee_id=user.id)
    )
    session.add(Justification(call_id=call.id, generated_text="generiert", edited_text="von Hand"))
    session.commit()
    call_id = call.id
    # Changed text and deadline, then missing, then back.
    scrape(
        session,
        "fdb",
        [
            rec("a", "Aufruf A", text="Neu: Frist verlängert.", deadline=date(2027, 12, 31)),
            rec("b", "Aufruf B"),
        ],
        complete=True,
    )
    scrape(session, "fdb", [rec("b", "Aufruf B")], complete=True)
    scrape(session, "fdb", [rec("a", "Aufruf A"), rec("b", "Aufruf B")], complete=True)
    session.expire_all()
    review = session.scalar(select(Review).where(Review.call_id == call_id))
    assert review is not None and (review.status, review.note) == (
        "relevant",
        "Mit Senden abstimmen",
    )
    text = session.scalar(select(Justification).where(Justification.call_id == call_id))
    assert text is not None and text.edited_text == "von Hand"
    assert calls(session)["a"].id == call_id


def test_reviewed_call_is_never_moved_under_another(session: Session) -> None:
    scrape(session, "feed", [rec("x", "Digitale Dörfer – Förderaufruf", source="feed")])
    scrape(session, "fdb", [rec("a", "Digitale Dörfer 2027")])
    call = calls(session, "fdb")["a"]
    session.add(Review(call_id=call.id, status="in Prüfung"))
    session.commit()
    # Renamed so that it now matches the feed's call: it keeps its own review and stays canonical.
    scrape(session, "fdb", [rec("a", "Digitale Dörfer – Förderaufruf")])
    assert calls(session, "fdb")["a"].canonical_id is None


def test_import_path_still_works_without_a_source(session: Session) -> None:
    stats = ingest_records(
        session, [rec("a", "A", source="x"), rec("b", "B", source="y")], origin="import"
    )
    session.commit()
    assert stats.new == 2 and len(stats.new_ids) == 2
    stats = ingest_records(session, [rec("a", "A 2", source="x")], origin="import")
    assert stats.changed == 1 and stats.changed_ids == [calls(session, "x")["a"].id]


def test_a_scraped_call_under_the_link_of_a_hand_entered_one_is_its_duplicate(
    session: Session,
) -> None:
    """One link, one call (the entry form's rule), whatever title the officer typed."""
    entered = rec(
        "m1",
        "Digitale Verwaltung – Aufruf aus dem Rundschreiben",
        source="manuell",
        url="https://www.bmi.bund.de/aufruf-2027",
    )
    ingest_records(session, [entered], origin="manual")
    session.commit()
    stats = scrape(
        session,
        "fdb",
        [
            rec(
                "x", "Förderaufruf OZG-Nachnutzung 2027", url="https://www.bmi.bund.de/aufruf-2027/"
            ),
            rec("y", "Förderaufruf Breitband 2027", url="https://www.bmi.bund.de/anderer-aufruf"),
        ],
    )
    assert stats.linked == 1
    manual = calls(session, "manuell")["m1"]
    assert calls(session, "fdb")["x"].canonical_id == manual.id
    assert calls(session, "fdb")["y"].canonical_id is None
    # Scraped pages may share a link without being one call: no link without similar titles.
    scrape(
        session,
        "bbsr",
        [rec("z", "Heimat 2.0", source="bbsr", url="https://www.bmi.bund.de/anderer-aufruf")],
    )
    assert calls(session, "bbsr")["z"].canonical_id is None


def test_call_dropped_by_one_source_but_listed_by_another_stays_in_the_inbox(
    session: Session,
) -> None:
    """The canonical call's source drops it; its duplicate's source still lists it."""
    title = "Smarte LandRegionen – Modellvorhaben für ländliche Landkreise"
    scrape(session, "fdb", [rec("slr", title), rec("h", "Heimat 2.0")], complete=True)
    scrape(session, "bmleh", [rec("1", title, source="bmleh")], complete=True)
    canonical = calls(session, "fdb")["slr"]
    assert calls(session, "bmleh")["1"].canonical_id == canonical.id

    today = date(2026, 11, 26)
    inbox = CallFilters(scope="inbox")
    scrape(session, "fdb", [rec("h", "Heimat 2.0")], complete=True)
    assert canonical.missing_since is not None  # marked at its own source, as before
    assert canonical.id in page_call_ids(session, inbox, today=today)

    # Gone from both sources: now it leaves the inbox.
    scrape(session, "bmleh", [rec("2", "Tierwohl-Stallbau", source="bmleh")], complete=True)
    assert canonical.id not in page_call_ids(session, inbox, today=today)


def dismiss(session: Session, call: Call) -> None:
    """An officer's "nicht relevant" through the review form's own function."""
    from webapp.reviews import ReviewInput, set_review

    set_review(session, call, ReviewInput(status="nicht relevant", reason="sonstiges"), None)
    session.commit()


def test_trivia_neither_brings_a_dismissed_call_back_nor_fills_its_history(
    session: Session,
) -> None:
    """Whitespace and tracking parameters are no reason to decide again; a new deadline is."""
    today, inbox = date(2026, 11, 26), CallFilters(scope="inbox")
    scrape(session, "fdb", [rec("a", "Aufruf A", text="Gefördert werden Kommunen.")])
    call = calls(session)["a"]
    dismiss(session, call)
    assert call.id not in page_call_ids(session, inbox, today=today)

    trivia = rec(
        "a",
        "Aufruf  A ",
        text="Gefördert werden\n  Kommunen. ",
        url="https://example.org/fdb/a/?utm_source=newsletter&utm_medium=rss&fbclid=x1",
        eligible=[" Landkreis"],
    )
    stats = scrape(session, "fdb", [trivia])
    assert (stats.changed, stats.unchanged) == (0, 1)
    assert call.id not in page_call_ids(session, inbox, today=today)
    assert session.scalars(select(CallChange)).all() == []

    scrape(session, "fdb", [replace(trivia, deadline=date(2027, 5, 31))])
    assert call.id in page_call_ids(session, inbox, today=today)
    assert [(c.field, c.old, c.new) for c in call.changes] == [
        ("deadline", "2027-02-15", "2027-05-31")
    ]


def test_a_call_without_deadline_relabelled_from_laufend_to_offen_is_no_change(
    session: Session,
) -> None:
    """Before migration 0012 a call without any deadline was stored as "laufend"; now only a
    source that says so makes it "laufend", else "offen" ("Keine Frist angegeben"). The first
    scrape after the upgrade must not put every such dismissed call back before the officers,
    mark it "geändert" or fill its history."""
    today, inbox = date(2026, 11, 26), CallFilters(scope="inbox")
    scrape(session, "fdb", [rec("a", "Aufruf A", deadline=None, status="laufend")])
    call = calls(session)["a"]
    dismiss(session, call)

    stats = scrape(session, "fdb", [rec("a", "Aufruf A", deadline=None, status="offen")])

    assert (stats.changed, stats.unchanged) == (0, 1)
    assert call.status == "offen"
    assert call.id not in page_call_ids(session, inbox, today=today)
    assert session.scalars(select(CallChange)).all() == []
    # any other change of the status is the source's news: recorded as before
    scrape(session, "fdb", [rec("a", "Aufruf A", deadline=None, status="geschlossen")])
    assert [(c.field, c.old, c.new) for c in call.changes] == [("status", "offen", "geschlossen")]


def test_a_moved_page_is_history_not_a_reason_to_decide_again(session: Session) -> None:
    today, inbox = date(2026, 11, 26), CallFilters(scope="inbox")
    scrape(session, "fdb", [rec("a", "Aufruf A")], complete=True)
    call = calls(session)["a"]
    dismiss(session, call)
    moved = rec("a", "Aufruf A", url="https://example.org/foerderung/fdb/a")
    scrape(session, "fdb", [moved], complete=True)
    assert [(c.field, c.new) for c in call.changes] == [
        ("url", "https://example.org/foerderung/fdb/a")
    ]
    assert call.url == "https://example.org/foerderung/fdb/a"
    assert call.id not in page_call_ids(session, inbox, today=today)


def test_a_call_whose_link_is_its_id_keeps_its_history_when_the_link_moves(
    session: Session,
) -> None:
    """A feed without ids (the link is the id) moves a call: the same call, not a new one."""
    old, new = "https://land.example/aufrufe/42", "https://land.example/foerderung/aufrufe/42"
    scrape(session, "feed", [rec(old, "Digitale Dörfer", source="feed", url=old)], complete=True)
    call = calls(session, "feed")[old]
    session.add(Review(call_id=call.id, status="relevant", note="Mit Senden abstimmen"))
    session.commit()
    stats = scrape(
        session,
        "feed",
        [rec(new, "Digitale  Dörfer", source="feed", url=new + "?utm_campaign=x")],
        complete=True,
    )
    assert (stats.new, stats.missing) == (0, 0)
    assert list(calls(session, "feed")) == [new]
    assert call.external_id == new and call.missing_since is None
    assert call.review is not None and call.review.note == "Mit Senden abstimmen"
    assert [(c.field, c.old, c.new) for c in call.changes] == [("url", old, new)]


def test_same_title_in_one_source_is_a_new_call_when_the_old_one_is_still_listed_or_over(
    session: Session,
) -> None:
    """A second call of that title beside the first, or a new round after the first ended."""
    scrape(session, "feed", [rec("1", "Förderaufruf Digitalisierung", source="feed")])
    stats = scrape(
        session,
        "feed",
        [
            rec("1", "Förderaufruf Digitalisierung", source="feed"),
            rec("2", "Förderaufruf Digitalisierung", source="feed"),
        ],
    )
    assert stats.new == 1
    ended = rec("3", "Smart City Aufruf", source="feed", deadline=date(2020, 1, 31))
    scrape(session, "feed", [ended], complete=True)
    stats = scrape(session, "feed", [rec("4", "Smart City Aufruf", source="feed")], complete=True)
    assert stats.new == 1
    assert set(calls(session, "feed")) == {"1", "2", "3", "4"}
    # An ended call the source still lists, now under a new link: the same call.
    stats = scrape(
        session,
        "feed",
        [
            rec("4", "Smart City Aufruf", source="feed"),
            rec("3-neu", "Smart City Aufruf", source="feed", deadline=date(2020, 1, 31)),
        ],
        complete=True,
    )
    assert (stats.new, stats.missing) == (0, 0)
    assert set(calls(session, "feed")) == {"1", "2", "3-neu", "4"}


def test_a_dismissed_call_that_closes_is_not_back(session: Session) -> None:
    """The deadline passing ("offen" → "geschlossen"), the funds running out or an announced
    call opening on its date is history, but nothing to decide again: "Alle Aufrufe" must not
    mark such a call "wieder da"."""
    today = date(2027, 3, 1)
    scrape(session, "fdb", [rec("a", "Aufruf A", status="angekündigt")])
    call = calls(session)["a"]
    dismiss(session, call)
    for status in ("offen", "geschlossen", "Mittel ausgeschöpft"):
        scrape(session, "fdb", [rec("a", "Aufruf A", status=status)])
        (row,) = list_calls(session, CallFilters(scope="all"), today=today).rows
        assert (row.status, row.returned) == ("nicht relevant", False), status
    assert [c.new for c in call.changes] == ["Mittel ausgeschöpft", "geschlossen", "offen"]
    # The source opening it again is news.
    scrape(session, "fdb", [rec("a", "Aufruf A", status="offen")])
    (row,) = list_calls(session, CallFilters(scope="all"), today=today).rows
    assert row.returned


def _two_stages(deadline: date) -> CallRecord:
    """A two-stage call as the parser reads its unchanged text on different days: the
    deadline is the next stage's."""
    stages = {"Projektskizze": date(2027, 1, 15), "Antrag": date(2027, 4, 30)}
    return rec("a", "Aufruf A", deadline=deadline, deadlines=stages)


def _cut_off(day: date) -> CallRecord:
    """A call with yearly cut-offs ("15.01. und 15.07. jedes Jahres") read on different days:
    the next one is its deadline."""
    return rec("a", "Aufruf A", deadline=day, deadlines={"Frist": day})


@pytest.mark.parametrize(
    ("record", "later", "reason", "back"),
    [
        (_cut_off, date(2027, 7, 15), "passt nicht zur Strategie", False),
        (_cut_off, date(2027, 7, 15), "Frist zu kurz", True),
        (_two_stages, date(2027, 4, 30), "passt nicht zur Strategie", False),
        # the sketch is missed: nothing to come back for (entry_deadline)
        (_two_stages, date(2027, 4, 30), "Frist zu kurz", False),
    ],
)
def test_the_next_date_of_an_unchanged_text_brings_a_call_back_only_for_a_short_deadline(
    session: Session,
    record: Callable[[date], CallRecord],
    later: date,
    reason: str,
    back: bool,
) -> None:
    """When a date has passed, the parser gives the next one the text names (the next yearly
    cut-off, the Antrag stage) as the deadline; the text is the same. A call dismissed for its
    topic stays dismissed and is not "wieder da" (it came back each time a cut-off or stage
    passed); one dismissed as "Frist zu kurz" comes back at the next cut-off, since that is
    what the officers were waiting for, but not at the Antrag stage of a missed sketch. The
    history keeps the move either way."""
    from webapp.reviews import ReviewInput, set_review

    before, after = datetime(2026, 11, 26, 8, tzinfo=UTC), datetime(2027, 1, 18, 8, tzinfo=UTC)
    scrape(session, "fdb", [record(date(2027, 1, 15))], now=before)
    call = calls(session)["a"]
    set_review(session, call, ReviewInput(status="nicht relevant", reason=reason), None)
    session.commit()

    scrape(session, "fdb", [record(later)], now=after)

    today = after.date()
    assert (call.id in page_call_ids(session, CallFilters(scope="inbox"), today=today)) is back
    (row,) = list_calls(session, CallFilters(scope="all"), today=today).rows
    # A two-stage call whose sketch was missed was "wieder da" in Alle Aufrufe, though the
    # Eingang did not offer it again.
    assert row.returned is back
    assert ("deadline", "2027-01-15", later.isoformat()) in [
        (c.field, c.old, c.new) for c in call.changes
    ]


def test_a_yearly_two_stage_call_dismissed_as_too_short_is_back_for_next_years_sketch(
    session: Session,
) -> None:
    """ "Skizzen jährlich bis 15. Januar, Anträge bis 30. April": read after the sketch date,
    next year's sketch comes after this year's Antrag. The call dismissed as "Frist zu kurz"
    came back at once with the Antrag deadline of the round it had missed (the earliest date
    was taken for the first stage); it is back once next year's sketch is the next date."""
    from webapp.reviews import ReviewInput, set_review

    def read(day: datetime, sketch: date, antrag: date) -> None:
        stages = {"Projektskizze": sketch, "Antrag": antrag}
        scrape(
            session,
            "fdb",
            [rec("a", "Aufruf A", deadline=min(sketch, antrag), deadlines=stages)],
            now=day,
        )

    def state(day: datetime) -> tuple[bool, bool]:
        inbox = call.id in page_call_ids(session, CallFilters(scope="inbox"), today=day.date())
        (row,) = list_calls(session, CallFilters(scope="all"), today=day.date()).rows
        return inbox, row.returned

    read(datetime(2026, 11, 26, 8, tzinfo=UTC), date(2027, 1, 15), date(2027, 4, 30))
    call = calls(session)["a"]
    set_review(session, call, ReviewInput(status="nicht relevant", reason="Frist zu kurz"), None)
    session.commit()

    missed = datetime(2027, 1, 18, 8, tzinfo=UTC)
    read(missed, date(2028, 1, 15), date(2027, 4, 30))
    assert call.entry_deadline == date(2028, 1, 15)  # the sketch, though later than the Antrag
    assert state(missed) == (False, False)

    next_round = datetime(2027, 5, 3, 8, tzinfo=UTC)
    read(next_round, date(2028, 1, 15), date(2028, 4, 30))
    assert state(next_round) == (True, True)


def test_a_call_whose_funds_ran_out_leaves_the_eingang_like_a_closed_one(session: Session) -> None:
    """ "Mittel ausgeschöpft" takes no more applications: the Eingang drops the call (it showed
    it as a candidate until its deadline), Alle Aufrufe and "auch geschlossen" keep it."""
    today = date(2027, 1, 4)
    scrape(session, "fdb", [rec("a", "Aufruf A"), rec("b", "Aufruf B")])
    ids = {external_id: call.id for external_id, call in calls(session).items()}
    text = "Antragsberechtigt sind Landkreise. Die Mittel sind ausgeschöpft."

    scrape(
        session,
        "fdb",
        [rec("a", "Aufruf A", text=text, status="Mittel ausgeschöpft"), rec("b", "Aufruf B")],
    )

    assert page_call_ids(session, CallFilters(scope="inbox"), today=today) == [ids["b"]]
    for kept in (CallFilters(scope="inbox", closed=True), CallFilters(scope="all")):
        assert ids["a"] in page_call_ids(session, kept, today=today)


def test_a_deadline_the_source_moves_before_it_passed_brings_a_dismissed_call_back(
    session: Session,
) -> None:
    """Only a date that has passed rolls on silently; a source extending its deadline is news."""
    before = datetime(2026, 11, 26, 8, tzinfo=UTC)
    scrape(session, "fdb", [_two_stages(date(2027, 1, 15))], now=before)
    call = calls(session)["a"]
    dismiss(session, call)

    moved = replace(_two_stages(date(2027, 1, 31)), deadlines={"Projektskizze": date(2027, 1, 31)})
    scrape(session, "fdb", [moved], now=before)

    assert call.id in page_call_ids(session, CallFilters(scope="inbox"), today=before.date())


def test_a_call_whose_first_stage_has_passed_leaves_the_eingang_but_not_the_work(
    session: Session,
) -> None:
    """After the Projektskizze deadline only who sent a sketch goes on: the Eingang (calls to
    apply for) no longer offers the call with its Antrag deadline; a call the team works on
    keeps that deadline on the Fristen page, and "Alle Aufrufe" still lists both."""
    from webapp.queries import deadline_entries
    from webapp.reviews import ReviewInput, set_review

    after = datetime(2027, 1, 18, 8, tzinfo=UTC)
    inbox, everything = CallFilters(scope="inbox"), CallFilters(scope="all")
    scrape(session, "fdb", [_two_stages(date(2027, 4, 30))], now=after)
    scrape(
        session,
        "ministerium",
        [replace(_two_stages(date(2027, 4, 30)), external_id="b", title="Aufruf B")],
        now=after,
    )
    scrape(session, "land", [rec("c", "Aufruf C", deadline=date(2027, 4, 30))], now=after)
    candidate, in_work = calls(session, "fdb")["a"], calls(session, "ministerium")["b"]
    single = calls(session, "land")["c"]
    assert candidate.entry_deadline == date(2027, 1, 15) and single.entry_deadline is None
    set_review(session, in_work, ReviewInput(status="Antrag in Vorbereitung"), None)
    session.commit()
    today = after.date()

    assert page_call_ids(session, inbox, today=today) == [single.id]
    listed = page_call_ids(session, everything, today=today)
    assert {candidate.id, in_work.id, single.id} <= set(listed)
    work = deadline_entries(session, today, date(2027, 6, 30), today=today, candidates=0)
    assert [(e.call.id, e.stage, e.day) for e in work] == [
        (in_work.id, "Antrag", date(2027, 4, 30))
    ]
