"""A login's former names and addresses (`user edit`, `user rename`, the Benutzer page) are
recorded (migration 0019), so that `user forget` and the weekly erasure find the person in
notes, history and mail log under them too and erase them, and `user export` lists them
(docs/privacy.md). Real SQLite files through the CLI, a real SMTP server.
"""

from __future__ import annotations

import json
from datetime import timedelta

from sqlalchemy import func, select

from tests.conftest import CliInvoker, upgrade_with_old_login
from tests.mail.conftest import Data, SmtpServer
from tests.mail.test_privacy import _everything
from webapp.config import Config
from webapp.db import make_engine, make_session_factory
from webapp.formatting import local_today
from webapp.migrate import downgrade
from webapp.models import Call, MailRefusal, ReviewEvent, SentMail, User, UserFormerName, utcnow
from webapp.privacy import pseudonym, pseudonym_email
from webapp.reviews import ReviewInput, set_review
from webapp.users import change_name_and_role, create_user, find_user

OLD_EMAIL, NEW_EMAIL = "b.alt@kreis.example", "berta.neu@kreis.example"
OLD_NAME, NEW_NAME = "Berta Alt", "Berta Neu"
REFUSAL = "550 5.1.1 <b.alt@kreis.example>: Mailbox unbekannt"


def _review(data: Data, call: int, work: ReviewInput) -> None:
    with data.sessions() as s:
        set_review(s, s.get_one(Call, call), work, None)
        s.commit()


def _berta_renamed(data: Data, cli: CliInvoker, smtp_server: SmtpServer, mail_env) -> list[int]:
    """Berta worked as "Berta Alt" <b.alt@…>: named in a note and in a note's history, her
    digest refused (the team was told, naming the address); then she got a new name and a
    new address. The calls naming her only by the former ones."""
    with data.sessions() as s:
        berta = create_user(s, OLD_EMAIL, "berta-passwort-1", name=OLD_NAME)
        s.commit()
        berta_id = berta.id
    soon = local_today() + timedelta(days=7)
    noted = data.call("Aufruf zur Verwaltungsdigitalisierung", deadline=soon)
    asked = data.call("Aufruf Klimaanpassung in Kommunen", deadline=soon)
    _review(data, noted, ReviewInput("in Prüfung", note="Mit Berta Alt abgestimmt."))
    _review(data, asked, ReviewInput("in Prüfung", note="Rückfrage an b.alt@kreis.example"))
    _review(data, asked, ReviewInput("in Prüfung", note="", assignee_id=berta_id))
    smtp_server.handler.refuse[OLD_EMAIL] = REFUSAL
    assert cli("digest", **mail_env).exit_code == 1  # refused: the run says so

    edited = cli("user", "edit", OLD_EMAIL, "--name", NEW_NAME)
    assert edited.exit_code == 0, edited.output
    assert f"Name: {OLD_NAME} → {NEW_NAME}" in edited.output
    assert cli("user", "rename", OLD_EMAIL, NEW_EMAIL).exit_code == 0
    return [noted, asked]


def test_a_rename_records_the_former_name_and_address(
    cli: CliInvoker, data: Data, smtp_server: SmtpServer, mail_env
) -> None:
    """What a rename leaves behind: the old address in the mail log and the team's notice,
    the old name and address in free text; the history follows the new name."""
    _berta_renamed(data, cli, smtp_server, mail_env)

    with data.sessions() as s:
        berta = find_user(s, NEW_EMAIL)
        assert berta is not None
        assert [
            (row.kind, row.value)
            for row in s.scalars(select(UserFormerName).order_by(UserFormerName.id))
        ] == [("name", OLD_NAME), ("email", OLD_EMAIL)]
        assert s.scalars(
            select(ReviewEvent.new).where(ReviewEvent.field == "assignee_id")
        ).all() == [NEW_NAME]
        assert s.scalars(select(SentMail.status).where(SentMail.recipient == OLD_EMAIL)).all() == [
            "refused"
        ]
        assert s.scalar(select(func.count()).select_from(MailRefusal)) == 0  # rename cleared it
        assert s.scalar(select(func.count()).where(SentMail.subject.contains(OLD_EMAIL))) == 2


def test_export_lists_the_former_names_and_what_names_her_by_them(
    cli: CliInvoker, data: Data, smtp_server: SmtpServer, mail_env
) -> None:
    calls = _berta_renamed(data, cli, smtp_server, mail_env)

    result = cli("user", "export", NEW_EMAIL)

    assert result.exit_code == 0, result.output
    copy = json.loads(result.output)
    assert [row["name"] for row in copy["former_names"]] == [OLD_NAME]
    assert [row["email"] for row in copy["former_emails"]] == [OLD_EMAIL]
    assert copy["notes_naming_login"] == sorted(calls)
    assert [(m["recipient"], m["kind"], m["status"]) for m in copy["mail_log"]] == [
        (OLD_EMAIL, "digest", "refused")
    ]


def test_forget_erases_the_former_name_and_address_and_names_the_notes(
    cli: CliInvoker, data: Data, smtp_server: SmtpServer, mail_env
) -> None:
    calls = _berta_renamed(data, cli, smtp_server, mail_env)
    assert cli("user", "deactivate", NEW_EMAIL).exit_code == 0

    result = cli("user", "forget", NEW_EMAIL, "--yes", **mail_env)

    assert result.exit_code == 0, result.output
    with data.sessions() as s:
        berta_id = s.scalars(select(User.id).where(User.name.like("ehemalige Anmeldung %"))).one()
        assert f"Anmeldung {NEW_EMAIL} ist jetzt „{pseudonym(berta_id)}“" in result.output
        assert (
            "Mailprotokoll: 0 Einträge anonymisiert, 1 Eintrag an frühere Adressen gelöscht."
            in result.output
        )
        assert (
            f"Frühere Namen und Adressen gelöscht: „{OLD_NAME}“, {OLD_EMAIL} "
            "(auch nach ihnen wurde gesucht)." in result.output
        )
        listed = ", ".join(str(call) for call in sorted(calls))
        assert (
            f"nennen den Namen oder die Adresse noch (Freitext wird nicht geändert): {listed}."
            in result.output
        )
        assert s.scalar(select(func.count()).select_from(UserFormerName)) == 0
        everything = _everything(s)
        # only the free text the administration was pointed to still names her
        assert everything.count("berta alt") == everything.count("mit berta alt abgestimmt") > 0
        assert everything.count(OLD_EMAIL) == everything.count(f"rückfrage an {OLD_EMAIL}") > 0
        assert "berta neu" not in everything and NEW_EMAIL not in everything
        notice = s.scalars(select(SentMail.subject).where(SentMail.kind == "notice")).all()
        assert notice and all(pseudonym_email(berta_id) in subject for subject in notice)


def test_forget_leaves_a_former_name_that_another_login_has_and_says_so(
    cli: CliInvoker, data: Data
) -> None:
    """Renamed while a colleague had the same name, the history kept the old name: whose
    entry it is cannot be told, so it is not replaced but named."""
    with data.sessions() as s:
        anna = create_user(s, "anna.1@kreis.example", "anna-passwort-1", name="Anna Schulte")
        create_user(s, "anna.2@kreis.example", "anna-passwort-2", name="Anna Schulte")
        s.commit()
        anna_id = anna.id
    call = data.call("Aufruf zur Verwaltungsdigitalisierung")
    _review(data, call, ReviewInput("neu", assignee_id=anna_id))
    assert cli("user", "edit", "anna.1@kreis.example", "--name", "Anna Meier").exit_code == 0
    assert cli("user", "deactivate", "anna.1@kreis.example").exit_code == 0

    result = cli("user", "forget", "anna.1@kreis.example", "--yes")

    assert result.exit_code == 0, result.output
    assert "Verlauf: 0 Einträge ersetzt" in result.output
    assert (
        "Hinweis: der Verlauf dieser Aufrufe nennt als Zuständige einen früheren Namen, den "
        "auch eine andere Anmeldung hat oder hatte; er bleibt, weil nicht zu erkennen ist, "
        f"wessen Eintrag es ist: {call}." in result.output
    )
    with data.sessions() as s:
        assert s.scalars(
            select(ReviewEvent.new).where(ReviewEvent.field == "assignee_id")
        ).all() == ["Anna Schulte"]


def test_weekly_erases_the_former_names_too(
    cli: CliInvoker, data: Data, smtp_server: SmtpServer, mail_env
) -> None:
    calls = _berta_renamed(data, cli, smtp_server, mail_env)
    assert cli("user", "deactivate", NEW_EMAIL).exit_code == 0
    with data.sessions() as s:
        berta = find_user(s, NEW_EMAIL)
        assert berta is not None
        berta.deactivated_at = utcnow() - timedelta(days=31)
        berta_id = berta.id
        s.commit()

    result = cli("weekly", "--no-scrape", USER_ERASE_AFTER_DAYS="30", **mail_env)

    assert result.exit_code == 0, result.output
    assert "1 ehemalige Anmeldung gelöscht (anonymisiert)" in result.output
    listed = ", ".join(str(call) for call in sorted(calls))
    assert (
        f"Hinweis: Freitext der Aufrufe {listed} nennt „{pseudonym(berta_id)}“ noch mit Namen "
        "oder Adresse" in result.output
    )
    with data.sessions() as s:
        assert s.scalar(select(func.count()).select_from(UserFormerName)) == 0
        assert s.scalar(select(func.count()).where(SentMail.recipient == OLD_EMAIL)) == 0
        assert s.scalar(select(func.count()).where(SentMail.subject.contains(OLD_EMAIL))) == 0


def test_migration_0019_starts_without_former_names(any_config: Config) -> None:
    """Renames before the upgrade were not recorded; the table goes again on a downgrade
    and the logins stay."""
    engine = make_engine(any_config.database_url)
    try:
        upgrade_with_old_login(engine, "0018")
        with make_session_factory(engine)() as session:
            assert session.scalar(select(func.count()).select_from(UserFormerName)) == 0
            old = session.scalars(select(User)).one()
            change_name_and_role(session, old, name="Neu")
            session.commit()
            assert [row.value for row in session.scalars(select(UserFormerName))] == ["Alt"]

        downgrade(engine, "0018")
        with engine.connect() as conn:
            assert conn.exec_driver_sql("SELECT name FROM users").scalar() == "Neu"
            tables = conn.exec_driver_sql(
                "SELECT count(*) FROM information_schema.tables WHERE table_name = "
                "'user_former_names'"
                if engine.dialect.name == "postgresql"
                else "SELECT count(*) FROM sqlite_master WHERE name = 'user_former_names'"
            ).scalar()
            assert tables == 0
    finally:
        engine.dispose()
