"""Logins that left are erased by `weekly` after USER_ERASE_AFTER_DAYS (DSGVO
Speicherbegrenzung, docs/privacy.md): the deactivation date, its migration (0014) on SQLite
and PostgreSQL, the weekly step and the setting's check. Real SQLite files, a real SMTP
server.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select

from tests.conftest import CliInvoker, upgrade_with_old_login
from tests.mail.conftest import Data
from webapp.config import Config
from webapp.db import make_engine, make_session_factory
from webapp.mail.settings import MailSettings
from webapp.migrate import downgrade
from webapp.models import User, utcnow
from webapp.privacy import pseudonym_email, purge_expired
from webapp.users import create_user


def test_migration_0014_leaves_the_date_of_earlier_deactivations_unknown(
    any_config: Config,
) -> None:
    """A login deactivated before the upgrade has no date: never erased automatically."""
    engine = make_engine(any_config.database_url)
    try:
        upgrade_with_old_login(engine, "0013", active=False)
        with make_session_factory(engine)() as session:
            old = session.scalars(select(User)).one()
            assert old.active is False and old.deactivated_at is None
            purge_expired(session, _erasing(any_config, 1), MailSettings())
            session.commit()
            assert session.scalars(select(User.email)).one() == "alt@kreis.de"

        downgrade(engine, "0013")
        with engine.connect() as conn:
            assert conn.exec_driver_sql("SELECT email FROM users").scalar() == "alt@kreis.de"
    finally:
        engine.dispose()


def _erasing(config: Config, days: int) -> Config:
    config.user_erase_after_days = days
    return config


def _left(data: Data, email: str, since: datetime | None, role: str = "officer") -> int:
    """A deactivated login (deactivated at `since`); its id."""
    with data.sessions() as s:
        user = create_user(s, email, "lang-genug-passwort-1", name=email.split("@")[0], role=role)
        user.active = False
        user.deactivated_at = since
        s.commit()
        return user.id


def _email(data: Data, user_id: int) -> str:
    with data.sessions() as s:
        return s.get(User, user_id).email  # type: ignore[union-attr]


def test_weekly_erases_logins_deactivated_longer_than_the_setting(
    cli: CliInvoker, data: Data, smtp_server, mail_env
) -> None:
    old = _left(data, "ging@kreis.example", utcnow() - timedelta(days=31))
    recent = _left(data, "neulich@kreis.example", utcnow() - timedelta(days=5))
    undated = _left(data, "vorher@kreis.example", None)

    off = cli("weekly", "--no-scrape", **mail_env)  # the default: nothing is erased
    assert off.exit_code == 0, off.output
    assert "ehemalige Anmeldung" not in off.output
    assert _email(data, old) == "ging@kreis.example"

    result = cli("weekly", "--no-scrape", USER_ERASE_AFTER_DAYS="30", **mail_env)

    assert result.exit_code == 0, result.output
    assert "1 ehemalige Anmeldung gelöscht" in result.output
    assert _email(data, old) == pseudonym_email(old)
    assert _email(data, recent) == "neulich@kreis.example"
    assert _email(data, undated) == "vorher@kreis.example"
    again = cli("weekly", "--no-scrape", USER_ERASE_AFTER_DAYS="30", **mail_env)
    assert "ehemalige Anmeldung" not in again.output  # erased once, not counted again


def test_the_last_administration_is_skipped_with_a_note(config: Config, data: Data) -> None:
    admin = _left(data, "it@kreis.example", utcnow() - timedelta(days=400), role="admin")
    with data.sessions() as s:
        report = purge_expired(s, _erasing(config, 30), MailSettings())
        s.commit()
    assert report.logins == 0
    assert "it@kreis.example nicht gelöscht: " in report.describe()
    assert "letzte Administration" in report.describe()
    assert _email(data, admin) == "it@kreis.example"


def test_the_erase_setting_is_checked(cli: CliInvoker) -> None:
    result = cli("check", USER_ERASE_AFTER_DAYS="-1")
    assert result.exit_code == 1
    assert "USER_ERASE_AFTER_DAYS muss mindestens 0 sein, nicht -1" in result.output
    words = cli("check", USER_ERASE_AFTER_DAYS="ein Jahr")
    assert "USER_ERASE_AFTER_DAYS muss eine ganze Zahl sein, nicht 'ein Jahr'" in words.output
