"""The list, detail, strategy, deadline, source and export queries on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

from sqlalchemy import select

from tests.conftest import CliInvoker, Clock
from tests.web.conftest import DEV_CALLS
from webapp.config import Config
from webapp.db import make_engine, make_session_factory
from webapp.formatting import LOCAL_TZ, local_today
from webapp.models import Call, CallScore, Match, ThemeRow
from webapp.queries import (
    CallFilters,
    call_detail,
    deadline_entries,
    export_rows,
    filter_options,
    list_calls,
    month_calendar,
    project_page,
    source_overview,
    strategy_overview,
)
from webapp.reviews import ReviewInput, set_review


def import_and_match(config: Config, tmp_path: Path) -> None:
    """`init`, `import` of the first 80 demo calls and `match` on `config`'s database."""
    subset = tmp_path / "calls.jsonl"
    subset.write_text(
        "\n".join(DEV_CALLS.read_text(encoding="utf-8").splitlines()[:80]) + "\n",
        encoding="utf-8",
    )
    cli = CliInvoker(config)
    for args in (("init",), ("import", str(subset)), ("match",)):
        result = cli(*args)
        assert result.exit_code == 0, result.output


def test_queries_on_each_backend(any_config: Config, tmp_path: Path) -> None:
    import_and_match(any_config, tmp_path)
    engine = make_engine(any_config.database_url)
    today = local_today()
    try:
        with make_session_factory(engine)() as session:
            first = session.scalars(select(Call).order_by(Call.id)).first()
            assert first is not None
            set_review(session, first, ReviewInput(status="relevant", note="n"), None)
            session.commit()
            theme = session.scalars(select(ThemeRow)).first()
            assert theme is not None
            for filters in (
                CallFilters(),
                CallFilters(scope="all", sort="frist"),
                CallFilters(q="Digitalisierung Kommune", sort="neu"),
                CallFilters(q="Öffentl_%"),
                CallFilters(theme=theme.id, priority=1, min_score=0.01, frist=365),
                CallFilters(source="nrw", region="NRW", ineligible=True, closed=True),
                CallFilters(status="relevant"),
            ):
                page = list_calls(session, filters, today=today)
                assert page.total >= len(page.rows)
                rows = list(export_rows(session, filters, today=today))
                assert len(rows) == page.total
            assert list_calls(session, CallFilters(status="relevant"), today=today).total == 1
            assert filter_options(session).themes
            # a town's calls: the JSON list of applicants searched as text on both backends
            assert "Dülmen" in filter_options(session).applicants
            expected = {
                s.call_id
                for s in session.scalars(select(CallScore))
                if "Dülmen" in s.eligible_applicants
            }
            towns = CallFilters(scope="all", status="alle", antragsteller="Dülmen")
            found = list_calls(session, towns, today=today, page_size=500)
            assert expected and {r.id for r in found.rows} == expected
            # a further project without shared words is no match: stored terms "[]" as
            # JSON text on both backends
            further = session.scalars(
                select(Match).where(Match.rank == 2, Match.score >= 0.1).order_by(Match.id)
            ).first()
            assert further is not None and further.terms
            everything = CallFilters(scope="all", status="alle", project=further.project_id)
            before = list_calls(session, everything, today=today, page_size=500)
            assert further.call_id in {r.id for r in before.rows}
            further.terms = []
            session.commit()
            after = list_calls(session, everything, today=today, page_size=500)
            assert {r.id for r in after.rows} == {r.id for r in before.rows} - {further.call_id}
            detail = call_detail(session, first.id)
            assert detail is not None and detail.review is not None
            themes = strategy_overview(session, today)
            assert themes and sum(t.open_calls for t in themes) > 0
            assert project_page(session, themes[0].projects[0].project.id, today) is not None
            deadline_entries(session, today, today + timedelta(days=365), today=today)
            month_calendar(session, today.year, today.month, today=today)
            assert source_overview(session, today)
    finally:
        engine.dispose()


def test_the_lists_follow_the_day_and_find_the_town_in_any_case(
    any_config: Config, tmp_path: Path
) -> None:
    """The list statements are built once per filters and day: a call whose deadline is
    today leaves the Eingang tomorrow in the same process; the town filter (LIKE on SQLite,
    strpos on PostgreSQL) ignores the case of the name."""
    import_and_match(any_config, tmp_path)
    engine = make_engine(any_config.database_url)
    today = local_today()
    try:
        with make_session_factory(engine)() as session:
            first = list_calls(session, CallFilters(), today=today).rows[0]
            call = session.get(Call, first.id)
            assert call is not None
            call.deadline = today
            session.commit()
            for day, listed in ((today, True), (today + timedelta(days=1), False)):
                page = list_calls(session, CallFilters(), today=day, page_size=500)
                assert (first.id in {r.id for r in page.rows}) is listed, day
                assert page.total == len(page.rows)
            towns = [
                {r.id for r in list_calls(session, f, today=today, page_size=500).rows}
                for f in (
                    CallFilters(scope="all", status="alle", antragsteller=name)
                    for name in ("Dülmen", "dülmen", "DüLMEN")
                )
            ]
            assert towns[0] and towns[0] == towns[1] == towns[2]
    finally:
        engine.dispose()


def test_a_call_leaves_the_eingang_at_its_deadline_time(
    any_config: Config, tmp_path: Path, clock: Clock
) -> None:
    """A call whose deadline was today at 12:00 stayed in the Eingang, the Fristen candidates
    and the source counts until midnight, labelled "heute, 12:00 Uhr – abgelaufen". The
    statements are cached per day: the same one must see the clock move."""
    import_and_match(any_config, tmp_path)
    engine = make_engine(any_config.database_url)
    morning = datetime(2027, 3, 10, 11, 59, tzinfo=LOCAL_TZ)
    today = morning.date()
    try:
        with make_session_factory(engine)() as session:
            # the lower id timed: sorted by Frist, same-day calls fall back to the id order
            timed, whole_day = sorted(
                list_calls(session, CallFilters(), today=today).rows[:2], key=lambda r: r.id
            )
            for row, time in ((timed, "12:00"), (whole_day, None)):
                call = session.get(Call, row.id)
                assert call is not None
                call.deadline, call.deadline_time, call.entry_deadline = today, time, None
            session.commit()

            def listed() -> set[int]:
                page = list_calls(session, CallFilters(), today=today, page_size=500)
                assert page.total == len(page.rows)
                return {r.id for r in page.rows}

            def by_deadline() -> list[int]:
                everything = CallFilters(scope="all", sort="frist")
                page = list_calls(session, everything, today=today, page_size=500)
                return [r.id for r in page.rows]

            for moment, timed_open in ((morning, True), (morning + timedelta(minutes=1), False)):
                clock(moment)
                assert (timed.id in listed()) is timed_open, moment
                assert whole_day.id in listed(), moment
                # sorted by Frist, a closed call goes to the expired ones at the end
                order = by_deadline()
                assert (order.index(timed.id) < order.index(whole_day.id)) is timed_open
            # a list of another day (a test's, the digest's day) counts the whole day
            clock(morning + timedelta(days=1))
            assert timed.id in listed()
    finally:
        engine.dispose()


def test_the_zustaendig_filter_and_the_towns_strategy_counts_on_each_backend(
    any_config: Config, tmp_path: Path
) -> None:
    """A person's calls (`IN` over the reviews' index), nobody's (`NOT EXISTS`) and the row's
    name and reason; the strategy page counted for a town as its Eingang counts."""
    from webapp.users import create_user

    import_and_match(any_config, tmp_path)
    engine = make_engine(any_config.database_url)
    today = local_today()
    try:
        with make_session_factory(engine)() as session:
            anna = create_user(session, "anna@kreis.example", "geheim-genug", name="Anna")
            first, second = session.scalars(select(Call).order_by(Call.id).limit(2)).all()
            set_review(session, first, ReviewInput(status="relevant", assignee_id=anna.id), None)
            dismissed = ReviewInput(status="nicht relevant", reason="Frist zu kurz")
            set_review(session, second, dismissed, None)
            session.commit()
            everything = list_calls(session, CallFilters(scope="all"), today=today).total
            for filters in (
                CallFilters(scope="all", zustaendig="mir", me=anna.id),
                CallFilters(scope="all", zustaendig=str(anna.id), sort="frist"),
            ):
                page = list_calls(session, filters, today=today)
                assert [(r.id, r.assignee) for r in page.rows] == [(first.id, "Anna")]
                [row] = export_rows(session, filters, today=today)
                assert (row.status, row.reason, row.assignee) == ("relevant", "", "Anna")
            nobody = CallFilters(scope="all", zustaendig="niemand")
            page = list_calls(session, nobody, today=today, page_size=500)
            assert page.total == everything - 1 and first.id not in {r.id for r in page.rows}
            assert {r.id: r.review_reason for r in page.rows}[second.id] == "Frist zu kurz"
            for theme in strategy_overview(session, today, applicant="Dülmen"):
                towns = CallFilters(theme=theme.theme.id, antragsteller="Dülmen")
                assert theme.open_calls == list_calls(session, towns, today=today).total
    finally:
        engine.dispose()


def test_a_project_the_call_is_not_open_to_counts_only_when_none_is_on_each_backend(
    any_config: Config, tmp_path: Path
) -> None:
    """The match rule's eligibility test (an EXISTS on the call's verdict inside the list's
    EXISTS): the project filter, the row, the CSV and the Strategie count agree."""
    import_and_match(any_config, tmp_path)
    engine = make_engine(any_config.database_url)
    today = local_today()
    try:
        with make_session_factory(engine)() as session:
            second = session.scalars(
                select(Match)
                .join(CallScore, CallScore.call_id == Match.call_id)
                .where(Match.rank == 2, CallScore.eligibility == "eligible")
                .order_by(CallScore.inbox_score.desc())
            ).first()
            assert second is not None and second.terms
            call_id, project_id = second.call_id, second.project_id
            key = second.project.key

            def seen(verdict: str) -> tuple[bool, list[str], list[str]]:
                """Found by the project filter; the row's and the CSV's project keys."""
                session.get_one(CallScore, call_id).eligibility = verdict
                session.commit()
                listing = CallFilters(project=project_id, ineligible=True)
                found = call_id in {
                    r.id for r in list_calls(session, listing, today=today, page_size=500).rows
                }
                everything = CallFilters(scope="all", status="alle")
                page = list_calls(session, everything, today=today, page_size=500)
                [row] = [r for r in page.rows if r.id == call_id]
                [line] = [
                    r for r in export_rows(session, everything, today=today) if r.id == call_id
                ]
                return found, [m.key for m in row.matches], [m[0] for m in line.matches]

            found, named, exported = seen("eligible")
            assert found and key in named and named == exported
            for match in session.scalars(select(Match).where(Match.call_id == call_id)):
                match.eligibility = "ineligible" if match.rank > 1 else "partner"
                match.terms = match.terms if match.rank > 1 else []
            # open to its best project only, which shares no word: no project named
            assert seen("partner") == (False, [], [])
            # open to none: the projects sharing words, as before
            found, named, exported = seen("ineligible")
            assert found and key in named and named == exported
    finally:
        engine.dispose()
