"""Personal data (DSGVO, docs/privacy.md): what the weekly job deletes after its time, a
login erased for good (`user forget`, Art. 17) and the copy of what is stored about a login
(`user export`, Art. 15). Real SQLite files and a real SMTP server; the SQL on PostgreSQL too.
"""

from __future__ import annotations

import json
from datetime import timedelta

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from tests.conftest import CliInvoker
from tests.mail.conftest import TEAM, Data, SmtpServer
from tests.security.test_login_throttle import FakeClock
from webapp import models
from webapp.config import Config
from webapp.db import make_engine, make_session_factory
from webapp.digest import DIGEST_KIND
from webapp.formatting import local_today
from webapp.mail.settings import MailSettings
from webapp.migrate import upgrade
from webapp.models import Base, Call, Review, ReviewEvent, User, utcnow
from webapp.privacy import forget_user, pseudonym, purge_expired
from webapp.reviews import ReviewInput, set_review
from webapp.throttle import LoginThrottle
from webapp.users import create_user

BERTA = "berta.bearbeiterin@kreis.example"
BERTA_NAME = "Berta Bearbeiterin"
REFUSAL = "550 5.1.1 <berta.bearbeiterin@kreis.example>: Mailbox unbekannt"
LONG_AGO = timedelta(days=200)


def _everything(session: Session) -> str:
    """Every value of every table as one lower-case text: where a name could hide."""
    parts: list[str] = []
    for table in Base.metadata.sorted_tables:
        for row in session.execute(select(table)):
            parts.extend(str(value) for value in row)
    return "\n".join(parts).lower()


def _berta_at_work(data: Data, cli: CliInvoker, smtp_server: SmtpServer, mail_env) -> int:
    """Berta was assigned a call, got its reminder, had her digest refused, opened a
    session and is named in a note; the call's id."""
    with data.sessions() as s:
        berta = create_user(s, BERTA, "berta-passwort-1", name=BERTA_NAME)
        s.add(models.LoginSession(user_id=berta.id, token_hash="a" * 64, address="192.0.2.10"))
        s.commit()
    call = data.call(
        "Aufruf zur Verwaltungsdigitalisierung", deadline=local_today() + timedelta(days=7)
    )
    with data.sessions() as s:
        work = ReviewInput(
            "Antrag in Vorbereitung",
            note="Mit Berta Bearbeiterin abgestimmt.",
            assignee_id=berta.id,
        )
        set_review(s, s.get_one(Call, call), work, None)
        s.commit()
    assert cli("remind", **mail_env).exit_code == 0
    assert any(m.to.lower() == BERTA for m in smtp_server.messages)
    smtp_server.handler.refuse[BERTA] = REFUSAL
    assert cli("digest", **mail_env).exit_code == 1  # refused: the run says so
    return call


def test_forget_erases_a_deactivated_login_and_keeps_the_decisions(
    cli: CliInvoker, data: Data, smtp_server: SmtpServer, mail_env
) -> None:
    call = _berta_at_work(data, cli, smtp_server, mail_env)

    active = cli("user", "forget", BERTA, "--yes")
    assert active.exit_code == 1
    assert f"Die Anmeldung {BERTA} ist noch aktiv" in active.output
    assert f"funding-matcher user deactivate {BERTA}" in active.output
    assert cli("user", "deactivate", BERTA).exit_code == 0

    wrong = cli("user", "forget", BERTA, input="berta@falsch.example\n")
    assert wrong.exit_code == 1
    assert "Nicht bestätigt: nichts gelöscht." in wrong.output
    with data.sessions() as s:
        assert BERTA_NAME.lower() in _everything(s)

    result = cli("user", "forget", BERTA, input=f"{BERTA.upper()}\n")

    assert result.exit_code == 0, result.output
    assert "Das lässt sich nicht rückgängig machen." in result.output
    with data.sessions() as s:
        berta = s.scalars(select(User).where(User.name.like("ehemalige Anmeldung %"))).one()
        name = pseudonym(berta.id)
        assert f"Anmeldung {BERTA} ist jetzt „{name}“" in result.output
        assert "Verlauf: 1 Eintrag ersetzt" in result.output
        assert "Mailprotokoll: 2 Einträge anonymisiert; Zustellablehnung gelöscht" in result.output
        # the note (and its history) is free text: named for the administration to edit
        assert (
            f"nennen den Namen oder die Adresse noch (Freitext wird nicht geändert): {call}."
            in (result.output)
        )
        everything = _everything(s)
        assert everything.count("berta") == 2 and "mit berta bearbeiterin abgestimmt" in everything
        assert "192.0.2.10" not in everything
        review = s.scalars(select(Review).where(Review.call_id == call)).one()
        assert review.status == "Antrag in Vorbereitung" and review.assignee_id == berta.id
        assert s.scalars(
            select(ReviewEvent.new).where(ReviewEvent.field == "assignee_id")
        ).all() == [name]
        assert s.scalar(select(func.count()).select_from(models.MailRefusal)) == 0

    again = cli("user", "activate", berta.email)
    assert again.exit_code == 1
    assert "kann nicht wieder aktiviert werden" in again.output
    listed = cli("user", "list")
    assert BERTA not in listed.output and name in listed.output
    # The mail log still counts the week: the team gets no second digest.
    sent = len(smtp_server.messages)
    assert cli("digest", **mail_env).exit_code == 0
    assert len(smtp_server.messages) == sent


def test_benutzer_shows_an_erased_login_without_its_forms(
    cli: CliInvoker, data: Data, smtp_server: SmtpServer, mail_env, mail_config: Config
) -> None:
    """An erased login can neither be reactivated nor given a password or address there."""
    from webapp.app import create_app

    _berta_at_work(data, cli, smtp_server, mail_env)
    with data.sessions() as s:
        create_user(s, "it@kreis.example", "admin-passwort-1", role="admin")
        s.commit()
    assert cli("user", "deactivate", BERTA).exit_code == 0
    assert cli("user", "forget", BERTA, "--yes").exit_code == 0
    with data.sessions() as s:
        berta = s.scalars(select(User).where(User.name.like("ehemalige Anmeldung %"))).one()
    app = create_app(mail_config)
    app.config.update(WTF_CSRF_ENABLED=False)
    admin = app.test_client()
    admin.post("/anmelden", data={"email": "it@kreis.example", "password": "admin-passwort-1"})

    page = admin.get("/verwaltung/benutzer").get_data(as_text=True)

    row = page[page.index(pseudonym(berta.id)) :]
    row = row[: row.index("</tr>")]
    assert "Personenbezogene Daten gelöscht" in row and "gelöscht</span>" in row
    assert "<form" not in row and berta.email not in page


def test_forget_refuses_the_last_administration(cli: CliInvoker, data: Data) -> None:
    with data.sessions() as s:
        create_user(s, "it@kreis.example", "admin-passwort-1", role="admin")
        s.execute(update(User).values(active=False))
        s.commit()

    result = cli("user", "forget", "it@kreis.example", "--yes")

    assert result.exit_code == 1
    assert "ist die letzte Administration" in result.output
    assert "Legen Sie zuerst eine weitere an." in result.output


def test_forget_after_a_rename_leaves_no_former_address_in_the_history(
    cli: CliInvoker, data: Data
) -> None:
    """A login without a name is named by its address in the assignment history: a
    rename carries the history along, so erasing the login later erases the old address."""
    old, new = "b.typo@kreis.example", "berta@kreis.example"
    with data.sessions() as s:
        berta = create_user(s, old, "berta-passwort-1")
        s.commit()
        berta_id = berta.id
    call = data.call("Aufruf zur Verwaltungsdigitalisierung")
    with data.sessions() as s:
        set_review(s, s.get_one(Call, call), ReviewInput("neu", assignee_id=berta_id), None)
        s.commit()

    assert cli("user", "rename", old, new).exit_code == 0
    with data.sessions() as s:
        assert s.scalars(
            select(ReviewEvent.new).where(ReviewEvent.field == "assignee_id")
        ).all() == [new]
    assert cli("user", "deactivate", new).exit_code == 0
    result = cli("user", "forget", new, "--yes")

    assert result.exit_code == 0, result.output
    assert "Verlauf: 1 Eintrag ersetzt" in result.output
    with data.sessions() as s:
        everything = _everything(s)
    assert "b.typo" not in everything and "berta@" not in everything


def test_export_prints_everything_stored_about_a_login(
    cli: CliInvoker, data: Data, smtp_server: SmtpServer, mail_env
) -> None:
    call = _berta_at_work(data, cli, smtp_server, mail_env)

    result = cli("user", "export", BERTA.upper())

    assert result.exit_code == 0, result.output
    copy = json.loads(result.output)
    assert copy["login"]["email"] == BERTA and copy["login"]["name"] == BERTA_NAME
    assert copy["login"]["password"].startswith("gespeichert nur als Hash")
    with data.sessions() as s:
        secret = s.scalars(select(User).where(User.email == BERTA)).one()
        assert secret.password_hash not in result.output
        assert secret.ical_token not in result.output
    assert [row["address"] for row in copy["sessions"]] == ["192.0.2.10"]
    assert copy["reviews"] == [
        {
            "call_id": call,
            "call_title": "Aufruf zur Verwaltungsdigitalisierung",
            "status": "Antrag in Vorbereitung",
            "assigned_to_login": True,
            "last_changed_by_login": False,
            "updated_at": copy["reviews"][0]["updated_at"],
        }
    ]
    assert {(e["field"], e["new"]) for e in copy["review_history"]} >= {("assignee_id", BERTA_NAME)}
    assert copy["notes_naming_login"] == [call]
    assert {(m["kind"], m["status"]) for m in copy["mail_log"]} == {
        ("reminder", "sent"),
        ("digest", "refused"),
    }
    assert copy["mail_refusal"]["error"] == REFUSAL
    assert copy["times"] == "UTC"


def test_export_of_an_unknown_login_says_so(cli: CliInvoker, data: Data) -> None:
    result = cli("user", "export", "niemand@kreis.example")
    assert result.exit_code == 1
    assert "Es gibt keine Anmeldung für niemand@kreis.example." in result.output


def test_weekly_deletes_what_has_expired_and_says_so(
    cli: CliInvoker, data: Data, smtp_server: SmtpServer, mail_env
) -> None:
    old = utcnow() - LONG_AGO
    with data.sessions() as s:
        user = create_user(s, BERTA, "berta-passwort-1")
        s.add_all(
            [
                models.LoginSession(
                    user_id=user.id, token_hash="b" * 64, created_at=old, last_seen_at=old
                ),
                models.LoginFailure(key="203.0.113.7", at=old, pending=False),
                models.UnknownEmail(digest="c" * 64, failed_logins=2, last_seen=old),
                models.SentMail(
                    kind="reminder",
                    period_key="1:x",
                    recipient=BERTA,
                    status="sent",
                    created_at=old,
                ),
                models.MailRefusal(
                    address="alt@kreis.example", refused_at=old, retry_at=old + timedelta(days=7)
                ),
            ]
        )
        s.commit()

    result = cli("weekly", "--no-scrape", **mail_env)

    assert result.exit_code == 0, result.output
    assert result.output.index("Fristerinnerungen") < result.output.index("Löschfristen")
    assert (
        "gelöscht: 1 Fehlanmeldung mit Client-Adresse, 1 abgelaufene Sitzung, "
        "1 Sperreintrag einer unbekannten E-Mail-Adresse, 1 Eintrag im Mailprotokoll, "
        "1 abgelaufene Zustellablehnung"
    ) in result.output
    with data.sessions() as s:
        assert "203.0.113.7" not in _everything(s)
        assert s.scalar(select(func.count()).select_from(models.LoginSession)) == 0
        # this week's digest went out and stays logged: no second one
        assert s.scalar(select(func.count()).select_from(models.SentMail)) == len(TEAM)
    again = cli("weekly", "--no-scrape", **mail_env)
    assert "keine abgelaufenen personenbezogenen Daten" in again.output
    assert len(smtp_server.messages) == len(TEAM)


def test_retention_settings_are_checked(cli: CliInvoker) -> None:
    result = cli("check", MAIL_LOG_RETENTION_DAYS="0", LOGIN_RECORD_RETENTION_DAYS="eine Woche")
    assert result.exit_code == 1
    assert "MAIL_LOG_RETENTION_DAYS muss mindestens 1 sein, nicht 0" in result.output
    assert "LOGIN_RECORD_RETENTION_DAYS muss eine ganze Zahl sein, nicht 'eine Woche'" in (
        result.output
    )


def test_a_client_address_goes_with_the_next_login_after_the_window(
    engine, session: Session
) -> None:
    """Before, failed logins stayed until the next failure of anyone: a quiet office kept an
    attacker's address for months."""
    clock = FakeClock()
    throttle = LoginThrottle(make_session_factory(engine), 3, timedelta(minutes=15), clock=clock)
    throttle.settle(throttle.reserve("203.0.113.7"), failed=True)
    clock.advance(15 * 60 + 1)

    throttle.settle(throttle.reserve("198.51.100.20"), failed=False)  # a colleague logs in

    assert session.scalar(select(func.count()).select_from(models.LoginFailure)) == 0


def test_purge_and_forget_on_each_backend(any_config: Config) -> None:
    """The SQL of the retention and the erasure on SQLite and PostgreSQL."""
    engine = make_engine(any_config.database_url)
    try:
        upgrade(engine)
        sessions = make_session_factory(engine)
        now = utcnow()
        old = now - LONG_AGO
        with sessions() as s:
            berta = create_user(s, BERTA, "berta-passwort-1", name=BERTA_NAME)
            berta.active = False
            s.add_all(
                [
                    # the newest digest that reached someone starts the next one's window
                    *(
                        models.SentMail(
                            kind=DIGEST_KIND, period_key=week, recipient=BERTA, status="sent"
                        )
                        for week in ("2026-W10", "2026-W09")
                    ),
                    models.SentMail(kind="reminder", period_key="7:a", recipient=BERTA),
                    models.SentMail(
                        kind="reminder", period_key="7:b", recipient=BERTA, created_at=now
                    ),
                    models.LoginFailure(key="203.0.113.7", at=old, pending=False),
                    models.LoginFailure(key="203.0.113.8", at=now, pending=False),
                    models.UnknownEmail(
                        digest="d" * 64, last_seen=old, locked_until=now + LONG_AGO
                    ),
                    models.UnknownEmail(digest="e" * 64, last_seen=old),
                    models.MailRefusal(
                        address=BERTA, refused_at=old, retry_at=now + timedelta(days=1)
                    ),
                    models.MailRefusal(address="alt@kreis.example", refused_at=old, retry_at=old),
                ]
            )
            s.flush()
            s.execute(
                update(models.SentMail)
                .where(models.SentMail.period_key != "7:b")
                .values(created_at=old)
            )
            s.commit()

            report = purge_expired(s, any_config, MailSettings(), now)
            s.commit()

            assert (report.sent_mails, report.login_failures, report.unknown_emails) == (2, 1, 1)
            assert report.refusals == 1
            assert sorted(s.scalars(select(models.SentMail.period_key))) == ["2026-W10", "7:b"]

            forgotten = forget_user(s, berta)
            s.commit()
            assert (forgotten.mails, forgotten.refusal) == (2, True)
            s.expire_all()
            assert "berta" not in _everything(s)
    finally:
        engine.dispose()
