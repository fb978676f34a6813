"""Password spraying and account probing through the login form.

What an attacker notices: one address trying one password over many accounts is answered
with 429 after the per-address limit (without the password being checked), while other
addresses log in as usual; the limit holds for parallel requests, over several worker
processes on one database (PostgreSQL too) and across a restart; an e-mail without an
account answers exactly like an account, including "gesperrt" after the same failures, and
every answer costs one password hash. (The per-account lockout itself:
tests/web/test_auth_security.py and test_web_security.py.)
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
import requests
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import Engine, func, select, update
from sqlalchemy.orm import Session

from tests.conftest import TEST_PASSWORD
from webapp import formatting, users
from webapp.config import Config, ConfigError
from webapp.db import database_now, make_engine, make_session_factory
from webapp.migrate import upgrade
from webapp.models import LoginFailure, UnknownEmail, User, utcnow
from webapp.throttle import LoginThrottle, client_key
from webapp.users import (
    LOCK_MINUTES,
    MAX_FAILED_LOGINS,
    UnknownEmailLockout,
    authenticate,
    create_user,
)

ATTACKER = "203.0.113.7"
OFFICE = "198.51.100.20"
SPRAYED = "Sommer2026!"
TOO_MANY = "Zu viele Anmeldeversuche von dieser Adresse. Bitte in {} erneut versuchen."


class FakeClock:
    """The database's clock, as the throttle reads it, moved forward by hand."""

    def __init__(self) -> None:
        self.ahead = timedelta()

    def __call__(self, session: Session) -> datetime:
        return database_now(session) + self.ahead

    def advance(self, seconds: float) -> None:
        self.ahead += timedelta(seconds=seconds)


def _make_app(config: Config, **settings: int) -> Flask:
    from webapp.app import create_app

    # mypy checks `**settings` against every field of Config, not just the named ones
    flask_app = create_app(replace(config, **settings))  # type: ignore[arg-type]
    flask_app.config["WTF_CSRF_ENABLED"] = False
    return flask_app


def _client(flask_app: Flask, address: str) -> FlaskClient:
    client = flask_app.test_client()
    client.environ_base["REMOTE_ADDR"] = address
    return client


def _login(client: FlaskClient, email: str, password: str) -> tuple[int, str]:
    """(status, the error shown on the login page or '')."""
    response = client.post("/anmelden", data={"email": email, "password": password})
    found = re.search(r'id="login-error">([^<]*)<', response.get_data(as_text=True))
    return response.status_code, found.group(1) if found else ""


def _throttle(flask_app: Flask) -> LoginThrottle:
    return flask_app.extensions["fm_login_throttle"]


@pytest.fixture
def accounts(engine: Engine) -> list[str]:
    """Thirty officers' logins (password TEST_PASSWORD)."""
    emails = [f"person{n:02d}@kreis-coesfeld.de" for n in range(30)]
    with make_session_factory(engine)() as session:
        for email in emails:
            create_user(session, email, TEST_PASSWORD)
        session.commit()
    return emails


def _failed_logins(engine: Engine, email: str) -> int:
    with make_session_factory(engine)() as session:
        row = session.scalar(select(User).where(User.email == email))
        assert row is not None
        return row.failed_logins or 0


def test_spraying_one_password_over_30_accounts_gets_429_after_the_limit(
    app: Flask, engine: Engine, accounts: list[str], config: Config
) -> None:
    limit = config.login_limit_per_address
    assert limit == 20 and config.login_limit_window_minutes == 15  # the shipped defaults
    attacker = _client(app, ATTACKER)
    answers = [_login(attacker, email, SPRAYED) for email in accounts]
    assert answers[:limit] == [(401, "E-Mail-Adresse oder Passwort ist falsch.")] * limit
    assert answers[limit:] == [(429, TOO_MANY.format("15 Minuten"))] * (len(accounts) - limit)
    # The refused attempts never reached the accounts: their counters did not move.
    assert _failed_logins(engine, accounts[0]) == 1
    assert all(_failed_logins(engine, email) == 0 for email in accounts[limit:])
    # The refusal is the German login page with the usual headers and a Retry-After.
    response = attacker.post("/anmelden", data={"email": accounts[-1], "password": TEST_PASSWORD})
    assert response.status_code == 429
    assert 14 * 60 < int(response.headers["Retry-After"]) <= 15 * 60
    page = response.get_data(as_text=True)
    assert "<h1>Anmelden</h1>" in page and 'name="password"' in page
    assert "default-src 'self'" in response.headers["Content-Security-Policy"]
    # Officers at another address are not affected.
    office = _client(app, OFFICE)
    assert (
        office.post(
            "/anmelden", data={"email": accounts[-1], "password": TEST_PASSWORD}
        ).status_code
        == 302
    )
    assert office.get("/").status_code == 200
    # Showing the form is never refused.
    assert attacker.get("/anmelden").status_code == 200


def test_right_password_from_a_throttled_address_waits_for_the_window(
    config: Config, engine: Engine, user: User
) -> None:
    flask_app = _make_app(config, login_limit_per_address=3, login_limit_window_minutes=2)
    clock = FakeClock()
    _throttle(flask_app).clock = clock
    client = _client(flask_app, ATTACKER)
    for n in range(3):
        assert _login(client, f"rate{n}@kreis-coesfeld.de", SPRAYED)[0] == 401
        clock.advance(10)
    assert _login(client, user.email, TEST_PASSWORD) == (429, TOO_MANY.format("2 Minuten"))
    clock.advance(60)  # the first failure is 90 s old, the window 120 s
    assert _login(client, user.email, TEST_PASSWORD) == (429, TOO_MANY.format("1 Minute"))
    clock.advance(31)  # now the first failure has left the window: one try is free again
    assert _login(client, user.email, TEST_PASSWORD)[0] == 302
    assert client.get("/").status_code == 200
    # The refused tries did not count against the account either.
    assert _failed_logins(engine, user.email) == 0


def test_successful_logins_never_throttle_an_office(
    config: Config, engine: Engine, user: User
) -> None:
    """Only failures count: a dozen officers behind one address log in all day."""
    flask_app = _make_app(config, login_limit_per_address=3)
    office = _client(flask_app, OFFICE)
    for _ in range(8):
        assert _login(office, user.email, TEST_PASSWORD)[0] == 302
        office.post("/abmelden")
    assert _login(office, user.email, "vertippt")[0] == 401
    assert _login(office, user.email, TEST_PASSWORD)[0] == 302
    # A success does not wipe the failures, or one valid account would reset a sprayer's count.
    assert _throttle(flask_app).failures(OFFICE) == 1


def test_a_limit_of_zero_switches_the_throttle_off(config: Config, user: User) -> None:
    flask_app = _make_app(config, login_limit_per_address=0)
    client = _client(flask_app, ATTACKER)
    answers = {_login(client, f"x{n}@kreis-coesfeld.de", SPRAYED)[0] for n in range(25)}
    assert answers == {401}


@pytest.fixture
def serve() -> Iterator[Callable[[Flask], str]]:
    """Serve apps on loopback with a threaded server (parallel requests really run in parallel)."""
    from werkzeug.serving import make_server

    running = []

    def start(flask_app: Flask) -> str:
        server = make_server("127.0.0.1", 0, flask_app, threaded=True)
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        running.append((server, thread))
        return f"http://127.0.0.1:{server.server_port}"

    yield start
    for server, thread in running:
        server.shutdown()
        thread.join(timeout=5)


def _post_in_parallel(
    base: str | Sequence[str], forms: list[dict[str, str]]
) -> list[requests.Response]:
    """Post the forms at once; with several servers (workers), each in turn gets the next."""
    bases = [base] if isinstance(base, str) else list(base)

    def post(n: int) -> requests.Response:
        url = f"{bases[n % len(bases)]}/anmelden"
        return requests.post(url, data=forms[n], allow_redirects=False, timeout=60)

    with ThreadPoolExecutor(max_workers=20) as pool:
        return list(pool.map(post, range(len(forms))))


def test_parallel_spraying_cannot_overshoot_the_limit(
    config: Config, engine: Engine, serve: Callable[[Flask], str]
) -> None:
    """Forty guesses at once: exactly `limit` of them reach a password check."""
    base = serve(_make_app(config, login_limit_per_address=5))
    forms = [{"email": f"p{n}@kreis-coesfeld.de", "password": SPRAYED} for n in range(40)]
    codes = [r.status_code for r in _post_in_parallel(base, forms)]
    assert codes.count(401) == 5 and codes.count(429) == 35


def test_parallel_guesses_lock_an_unknown_email_like_an_account(
    config: Config, engine: Engine, user: User, serve: Callable[[Flask], str]
) -> None:
    base = serve(_make_app(config, login_limit_per_address=1000))
    for email in (user.email, "gibt.es.nicht@kreis-coesfeld.de"):
        forms = [{"email": email, "password": f"falsch-{n}"} for n in range(4 * MAX_FAILED_LOGINS)]
        responses = _post_in_parallel(base, forms)
        assert {r.status_code for r in responses} == {401}
        assert any("gesperrt" in r.text for r in responses), email
        last = _post_in_parallel(base, [{"email": email, "password": TEST_PASSWORD}])[0]
        assert last.status_code == 401 and "gesperrt" in last.text, email


def _page_without_email_and_token(page: str, email: str) -> str:
    page = page.replace(email, "E-MAIL")
    return re.sub(r'name="csrf_token" value="[^"]*"', 'name="csrf_token"', page)


def test_unknown_and_known_emails_answer_alike(app: Flask, user: User) -> None:
    """Same statuses, same messages, same pages after the same failures — probing for
    accounts learns nothing, whatever the spelling of the address."""
    unknown = "niemand.da@kreis-coesfeld.de"
    transcripts = []
    for email in (user.email, unknown):
        client = _client(app, OFFICE)
        transcript = []
        for n in range(MAX_FAILED_LOGINS + 2):
            typed = email.upper() if n % 2 else f"  {email} "
            response = client.post("/anmelden", data={"email": typed, "password": f"falsch{n}"})
            page = _page_without_email_and_token(response.get_data(as_text=True), typed)
            transcript.append((response.status_code, page))
        transcripts.append(transcript)
        # The right password (of the known account) is refused just the same while locked.
        locked = _login(client, email, TEST_PASSWORD)
        assert locked == (
            401,
            f"Zu viele Fehlversuche: die Anmeldung ist für {LOCK_MINUTES} Minuten gesperrt.",
        )
    known, unknown_transcript = transcripts
    assert known == unknown_transcript
    messages = [re.search(r'id="login-error">([^<]*)<', page).group(1) for _, page in known]  # type: ignore[union-attr]
    assert messages[: MAX_FAILED_LOGINS - 1] == ["E-Mail-Adresse oder Passwort ist falsch."] * (
        MAX_FAILED_LOGINS - 1
    )
    assert all("gesperrt" in m for m in messages[MAX_FAILED_LOGINS - 1 :])


def test_unknown_email_lock_expires_like_an_account(session: Session, user: User) -> None:
    lockout = UnknownEmailLockout()
    start = utcnow()
    for email in (user.email, "niemand.da@kreis-coesfeld.de"):
        results = [
            authenticate(session, email, "falsch", now=start, unknown=lockout).error
            for _ in range(MAX_FAILED_LOGINS + 1)
        ]
        session.commit()
        assert (
            results[-2:]
            == [f"Zu viele Fehlversuche: die Anmeldung ist für {LOCK_MINUTES} Minuten gesperrt."]
            * 2
        )
        almost = start + timedelta(minutes=LOCK_MINUTES - 1, seconds=30)
        late = authenticate(session, email, "falsch", now=almost, unknown=lockout).error
        assert late == "Zu viele Fehlversuche: die Anmeldung ist für 1 Minute gesperrt."
        after = start + timedelta(minutes=LOCK_MINUTES, seconds=1)
        fresh = authenticate(session, email, "falsch", now=after, unknown=lockout).error
        assert fresh == "E-Mail-Adresse oder Passwort ist falsch."
        session.commit()


def test_every_answer_costs_one_password_hash(
    session: Session, user: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Unknown e-mail, wrong or right password, locked account: one hash check each, so the
    answer time does not tell them apart (before, a locked account answered without one)."""
    calls: list[str] = []
    real = users.check_password_hash

    def counting(stored: str, password: str) -> bool:
        calls.append(password)
        return real(stored, password)

    monkeypatch.setattr(users, "check_password_hash", counting)
    lockout = UnknownEmailLockout()
    attempts = [("niemand@x.de", "a"), (user.email, "b"), (user.email, TEST_PASSWORD)]
    attempts += [(user.email, "falsch")] * MAX_FAILED_LOGINS + [(user.email, "gesperrt?")]
    attempts += [("niemand@x.de", "falsch")] * MAX_FAILED_LOGINS + [("niemand@x.de", "c")]
    for email, password in attempts:
        calls.clear()
        authenticate(session, email, password, unknown=lockout)
        session.commit()
        assert calls == [password], (email, password)


def _rows(session: Session, model: type[LoginFailure] | type[UnknownEmail]) -> int:
    return session.scalar(select(func.count()).select_from(model)) or 0


def test_the_tables_stay_small(engine: Engine, session: Session) -> None:
    """Failures older than the window go when the next one is recorded, whichever address;
    unknown e-mails are kept up to a bound, and never as typed."""
    clock = FakeClock()
    throttle = LoginThrottle(make_session_factory(engine), 3, timedelta(minutes=1), clock=clock)
    for n in range(200):
        throttle.settle(throttle.reserve(f"10.0.0.{n}"), failed=True)
    assert _rows(session, LoginFailure) == 200
    clock.advance(61)
    throttle.settle(throttle.reserve(ATTACKER), failed=True)
    assert _rows(session, LoginFailure) == 1
    lockout = UnknownEmailLockout(max_entries=100)
    for n in range(300):
        lockout.fail(session, f"{n}@x.de" + "x" * 10_000, utcnow())
    session.commit()
    assert _rows(session, UnknownEmail) == 100
    assert {len(digest) for digest in session.scalars(select(UnknownEmail.digest))} == {64}


def test_ipv6_clients_are_counted_by_their_64_network(engine: Engine) -> None:
    assert (
        client_key("2001:db8:1:2::1") == client_key("2001:db8:1:2:ffff::9") == "2001:db8:1:2::/64"
    )
    assert client_key("2001:db8:1:3::1") != client_key("2001:db8:1:2::1")
    assert client_key("::ffff:192.0.2.1") == client_key("192.0.2.1") == "192.0.2.1"
    throttle = LoginThrottle(make_session_factory(engine), 2, timedelta(minutes=1))
    for host in ("2001:db8:1:2::1", "2001:db8:1:2::2"):
        reservation = throttle.reserve(host)
        assert reservation.wait is None
        throttle.settle(reservation, failed=True)
    assert throttle.reserve("2001:db8:1:2::3").wait is not None
    assert throttle.reserve("2001:db8:1:3::1").wait is None


@pytest.fixture
def shared_db(any_config: Config) -> Config:
    """A migrated database with one officer, on SQLite and then PostgreSQL, for several apps
    at once: each `create_app` on it stands for one worker process of the web server."""
    engine = make_engine(any_config.database_url)
    upgrade(engine)
    with make_session_factory(engine)() as session:
        create_user(session, "anna.schulte@kreis-coesfeld.de", TEST_PASSWORD)
        session.commit()
    engine.dispose()
    return any_config


def test_two_worker_processes_share_one_limit(shared_db: Config) -> None:
    """Before, each worker counted on its own: two workers let twice the guesses through."""
    limit = MAX_FAILED_LOGINS + 1  # room for the unknown e-mail's lock below
    workers = [_make_app(shared_db, login_limit_per_address=limit) for _ in range(2)]
    attackers = [_client(worker, ATTACKER) for worker in workers]
    answers = [
        _login(attackers[n % 2], f"p{n}@kreis-coesfeld.de", SPRAYED)[0] for n in range(limit + 2)
    ]
    assert answers == [401] * limit + [429, 429]
    for attacker in attackers:
        assert _login(attacker, "anna.schulte@kreis-coesfeld.de", TEST_PASSWORD) == (
            429,
            TOO_MANY.format("15 Minuten"),
        )
    # The officer at another address is let in by either worker, and an unknown e-mail
    # locks after the same failures as an account, whichever worker answers.
    offices = [_client(worker, OFFICE) for worker in workers]
    for office in offices:
        assert _login(office, "anna.schulte@kreis-coesfeld.de", TEST_PASSWORD)[0] == 302
    errors = [
        _login(offices[n % 2], "niemand.da@kreis-coesfeld.de", f"falsch{n}")[1]
        for n in range(MAX_FAILED_LOGINS)
    ]
    assert errors[-2:] == [
        "E-Mail-Adresse oder Passwort ist falsch.",
        f"Zu viele Fehlversuche: die Anmeldung ist für {LOCK_MINUTES} Minuten gesperrt.",
    ]


@contextmanager
def _app_clock_off_by(monkeypatch: pytest.MonkeyPatch, hours: float) -> Iterator[None]:
    """The app server's own clock (`webapp.formatting.now_utc`, which `webapp.models.utcnow`
    reads) runs `hours` ahead (or behind), as on a second host without time synchronisation;
    the database's clock stays right."""

    def off_clock() -> datetime:
        return datetime.now(UTC) + timedelta(hours=hours)

    with monkeypatch.context() as patch:
        patch.setattr(formatting, "now_utc", off_clock)
        assert abs(utcnow() - datetime.now(UTC).replace(tzinfo=None)) > timedelta(minutes=59)
        yield


def test_workers_whose_clocks_differ_share_one_limit(
    shared_db: Config, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Before, each worker timed the failures by its own host's clock: a worker an hour
    ahead counted none of the others' failures (and deleted them as expired), and the
    failures it recorded itself lay an hour in the future for the others."""
    workers = [_make_app(shared_db, login_limit_per_address=3) for _ in range(2)]
    on_time, off = (_client(worker, ATTACKER) for worker in workers)
    assert [_login(on_time, f"p{n}@kreis-coesfeld.de", SPRAYED)[0] for n in range(3)] == [401] * 3
    with _app_clock_off_by(monkeypatch, hours=1):
        assert _login(off, "p3@kreis-coesfeld.de", SPRAYED) == (429, TOO_MANY.format("15 Minuten"))
    assert _login(on_time, "p4@kreis-coesfeld.de", SPRAYED)[0] == 429
    assert _throttle(workers[0]).failures(ATTACKER) == 3
    # The other way round: failures recorded by a worker an hour behind count for all.
    office = [_client(worker, OFFICE) for worker in workers]
    with _app_clock_off_by(monkeypatch, hours=-1):
        answers = [_login(office[1], f"q{n}@kreis-coesfeld.de", "vertippt")[0] for n in range(3)]
    assert answers == [401] * 3
    assert _login(office[0], "anna.schulte@kreis-coesfeld.de", TEST_PASSWORD) == (
        429,
        TOO_MANY.format("15 Minuten"),
    )


def test_an_account_lock_holds_on_workers_whose_clocks_differ(
    shared_db: Config, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Before, the lock's end was written by one host's clock and read by another's: a
    worker an hour ahead saw every lock as long over, and a lock set by a worker an hour
    behind had ended before it began for the others."""
    email = "anna.schulte@kreis-coesfeld.de"
    locked = f"Zu viele Fehlversuche: die Anmeldung ist für {LOCK_MINUTES} Minuten gesperrt."
    workers = [_make_app(shared_db, login_limit_per_address=100) for _ in range(2)]
    on_time, off = (_client(worker, OFFICE) for worker in workers)
    errors = [_login(on_time, email, f"falsch{n}")[1] for n in range(MAX_FAILED_LOGINS)]
    assert errors[-1] == locked
    with _app_clock_off_by(monkeypatch, hours=1):
        assert _login(off, email, TEST_PASSWORD) == (401, locked)
    # The other way round: the lock a worker an hour behind sets holds for the others.
    engine = make_engine(shared_db.database_url)
    with make_session_factory(engine)() as session:
        session.execute(update(User).values(locked_until=None, failed_logins=0))
        session.commit()
    engine.dispose()
    with _app_clock_off_by(monkeypatch, hours=-1):
        errors = [_login(off, email, f"falsch{n}")[1] for n in range(MAX_FAILED_LOGINS)]
    assert errors[-1] == locked
    assert _login(on_time, email, TEST_PASSWORD) == (401, locked)


def test_a_restart_forgets_no_failure(shared_db: Config) -> None:
    """The address's failures and an unknown e-mail's lock outlive the app process."""
    before = _make_app(shared_db, login_limit_per_address=MAX_FAILED_LOGINS + 1)
    attacker = _client(before, ATTACKER)
    errors = [
        _login(attacker, "niemand.da@kreis-coesfeld.de", f"falsch{n}")[1]
        for n in range(MAX_FAILED_LOGINS)
    ]
    assert "gesperrt" in errors[-1] and "gesperrt" not in errors[-2]
    before.extensions["fm_engine"].dispose()
    after = _make_app(shared_db, login_limit_per_address=MAX_FAILED_LOGINS + 1)
    attacker = _client(after, ATTACKER)
    assert _login(attacker, "niemand.da@kreis-coesfeld.de", "falsch") == (
        401,
        f"Zu viele Fehlversuche: die Anmeldung ist für {LOCK_MINUTES} Minuten gesperrt.",
    )
    assert _login(attacker, "anna.schulte@kreis-coesfeld.de", TEST_PASSWORD) == (
        429,
        TOO_MANY.format("15 Minuten"),
    )


def test_parallel_guesses_on_two_workers_cannot_overshoot_the_limit(
    shared_db: Config, serve: Callable[[Flask], str]
) -> None:
    """Forty guesses at once, spread over two workers: exactly `limit` reach a password check,
    none is lost because another worker failed at the same moment."""
    bases = [serve(_make_app(shared_db, login_limit_per_address=5)) for _ in range(2)]
    forms = [{"email": f"p{n}@kreis-coesfeld.de", "password": SPRAYED} for n in range(40)]
    codes = [r.status_code for r in _post_in_parallel(bases, forms)]
    assert codes.count(401) == 5 and codes.count(429) == 35
    engine = make_engine(shared_db.database_url)
    with make_session_factory(engine)() as session:
        # the five failures, settled: no slot is left taken
        assert session.scalar(select(func.count()).where(LoginFailure.pending.is_(False))) == 5
        assert _rows(session, LoginFailure) == 5
    engine.dispose()


def test_limits_come_from_the_environment() -> None:
    config = Config.from_env({"LOGIN_LIMIT_PER_ADDRESS": "50", "LOGIN_LIMIT_WINDOW_MINUTES": "5"})
    assert (config.login_limit_per_address, config.login_limit_window_minutes) == (50, 5)
    defaults = Config.from_env({})
    assert (defaults.login_limit_per_address, defaults.login_limit_window_minutes) == (20, 15)
    with pytest.raises(ConfigError, match="LOGIN_LIMIT_PER_ADDRESS muss eine ganze Zahl sein"):
        Config.from_env({"LOGIN_LIMIT_PER_ADDRESS": "viele"})
    with pytest.raises(ConfigError, match="LOGIN_LIMIT_WINDOW_MINUTES muss mindestens 1 sein"):
        Config.from_env({"LOGIN_LIMIT_WINDOW_MINUTES": "0"})


def test_behind_a_trusted_proxy_each_client_is_counted_on_its_own(
    config: Config, accounts: list[str]
) -> None:
    """With TRUSTED_PROXIES=1 the proxy's X-Forwarded-For names the client."""
    flask_app = _make_app(config, login_limit_per_address=3, trusted_proxies=1)
    proxy = _client(flask_app, "10.0.0.2")  # every request arrives from the proxy

    def login_via_proxy(client_address: str, password: str) -> int:
        return proxy.post(
            "/anmelden",
            data={"email": accounts[0], "password": password},
            headers={"X-Forwarded-For": client_address},
        ).status_code

    assert [login_via_proxy(ATTACKER, SPRAYED) for _ in range(4)] == [401, 401, 401, 429]
    # an officer behind the same proxy is not caught by the attacker's failures
    assert login_via_proxy(OFFICE, TEST_PASSWORD) == 302


def test_forwarded_headers_are_ignored_without_a_trusted_proxy(
    config: Config, accounts: list[str]
) -> None:
    """A client cannot escape the limit by inventing X-Forwarded-For addresses."""
    flask_app = _make_app(config, login_limit_per_address=3)
    attacker = _client(flask_app, ATTACKER)
    codes = [
        attacker.post(
            "/anmelden",
            data={"email": accounts[0], "password": SPRAYED},
            headers={"X-Forwarded-For": f"198.51.100.{n}"},
        ).status_code
        for n in range(4)
    ]
    assert codes == [401, 401, 401, 429]
    assert Config.from_env({"TRUSTED_PROXIES": "1"}).trusted_proxies == 1
    with pytest.raises(ConfigError, match="TRUSTED_PROXIES muss eine ganze Zahl sein"):
        Config.from_env({"TRUSTED_PROXIES": "ja"})
