"""Configuration from environment variables (a `.env` file is read when present)."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from dotenv import dotenv_values, load_dotenv
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, NoSuchModuleError

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DATA_DIR = PROJECT_ROOT / "data"
DEFAULT_STRATEGY = DATA_DIR / "strategy" / "coesfeld-12-0.yaml"
DEFAULT_SOURCES = DATA_DIR / "sources.yaml"
DEV_SECRET_KEY = "dev-only-insecure-key"
MATCH_MODEL_FILE = "match-model.joblib"
DEFAULT_MAIL_FROM = "funding-matcher@localhost"


class ConfigError(RuntimeError):
    """A configuration value that cannot be used."""


ENV_FILE = ".env"
_VARIABLE = re.compile(r"\b[A-Z][A-Z0-9]*_[A-Z0-9_]+\b")


def path_origin(path: Path, default: Path, variable: str) -> str | None:
    """Where a configured file that is not there came from (" (Pfad aus SOURCES_PATH,
    gelesen relativ zum Ordner /srv)"), None for the default or a file that is there.

    A relative path is read from the working directory, so a command run by cron from another
    folder would report only "nicht gefunden" for a path the administrator knows exists.
    """
    if path == default or path.is_file():
        return None
    relative = "" if path.is_absolute() else f", gelesen relativ zum Ordner {Path.cwd()}"
    return f" (Pfad aus {variable}{relative})"


def with_origin(message: str, env_file: Path | None = None) -> str:
    """`message` plus where the variables it names were set, when that is the `.env` file.

    A wrong value in `.env` reads like one in the shell's environment otherwise, and the
    operator looks in the wrong place (the environment wins over the file, see `from_env`).
    """
    path = env_file or Path.cwd() / ENV_FILE
    if not path.is_file():
        return message
    try:
        in_file = dotenv_values(path)
    except (OSError, UnicodeDecodeError):
        return message
    named = [
        name
        for name in dict.fromkeys(_VARIABLE.findall(message))
        if in_file.get(name) is not None and os.environ.get(name) == in_file[name]
    ]
    if not named:
        return message
    if all(in_file[name] for name in named):
        return f"{message} ({', '.join(named)} gesetzt in {path})"
    # "SECRET_KEY gesetzt in .env" for a variable the file sets to nothing read as if it
    # had a value there; the file's empty line is what the operator has to fill in.
    parts = [f"{name} {'gesetzt' if in_file[name] else 'leer'}" for name in named]
    return f"{message} ({', '.join(parts)} in {path})"


DATABASE_EXAMPLES = "sqlite:///pfad/zur/datei.db oder postgresql://user:pw@host/db"
_PASSWORD = re.compile(r"(//[^/@:]*):.*@")


def hide_url_password(url: str) -> str:
    """`url` with the password after "user:" replaced by ***, also when it cannot be parsed."""
    return _PASSWORD.sub(r"\1:***@", url)


def database_url_problem(url: str) -> str | None:
    """Why DATABASE_URL cannot be used (German, naming the value without its password), or
    None. The check every command makes before connecting, and `check` without connecting."""
    shown = hide_url_password(url)
    try:
        parsed = make_url(url)
        parsed.port  # noqa: B018 - a port that is no number fails only when read
    except (ArgumentError, ValueError):
        return f"DATABASE_URL ist keine gültige Datenbank-Adresse: {shown!r} (z. B. {DATABASE_EXAMPLES})"
    backend = parsed.get_backend_name()
    if backend == "postgres":
        return f"DATABASE_URL {shown!r}: postgresql:// statt postgres:// schreiben"
    if backend not in ("sqlite", "postgresql"):
        return (
            f"DATABASE_URL {shown!r}: {backend} wird nicht unterstützt, nur SQLite oder "
            f"PostgreSQL (z. B. {DATABASE_EXAMPLES})"
        )
    if "+" in parsed.drivername:  # postgresql://… gets psycopg (webapp.db); a named driver
        try:
            parsed.get_dialect().import_dbapi()
        except (ImportError, NoSuchModuleError):
            return (
                f"DATABASE_URL {shown!r}: der Treiber {parsed.drivername} ist nicht installiert "
                f"({backend}:// ohne Treiber schreiben)"
            )
    return None


@dataclass(slots=True)
class Config:
    """All settings of one installation."""

    database_url: str
    secret_key: str = DEV_SECRET_KEY
    # SECRET_KEY is there but empty (`SECRET_KEY=` in .env): said so, not "nicht gesetzt"
    secret_key_empty: bool = False
    env: str = "development"
    strategy_path: Path = DEFAULT_STRATEGY
    sources_path: Path = DEFAULT_SOURCES
    snapshots_dir: Path = DATA_DIR / "snapshots"
    instance_dir: Path = PROJECT_ROOT / "instance"
    # the model of the last `match` run, to score calls entered by hand (None: in instance_dir)
    match_model_path: Path | None = None
    base_url: str = "http://127.0.0.1:5000"
    base_url_set: bool = False  # BASE_URL given; else pages use the address they were asked at
    smtp_host: str = "localhost"
    smtp_port: int = 25
    smtp_user: str = ""
    smtp_password: str = ""
    smtp_starttls: bool = False
    smtp_ssl: bool = False
    mail_from: str = DEFAULT_MAIL_FROM
    alert_recipients: list[str] = field(default_factory=list)
    testing: bool = False
    # Failed logins one client address may make within the window, over all accounts
    # (password spraying); 0 switches the limit off. See webapp/throttle.py.
    login_limit_per_address: int = 20
    login_limit_window_minutes: int = 15
    # Reverse proxies in front of the app whose X-Forwarded-For/-Proto/-Host are trusted;
    # 0 (direct): the headers are ignored, as any client could forge them.
    trusted_proxies: int = 0
    # A login session ends after this long without a request, and this long after the login
    # whatever happens (webapp/login_sessions.py).
    session_idle_hours: int = 8
    session_max_days: int = 14
    # Retention of personal data the weekly job deletes (webapp/privacy.py, docs/privacy.md):
    # the mail log and refusals (recipient addresses), and the lockout records of e-mails
    # typed at the login that have no account.
    mail_log_retention_days: int = 180
    login_record_retention_days: int = 7
    # Days after its deactivation that `weekly` erases a login (privacy.forget_user); 0: never.
    user_erase_after_days: int = 0
    # Log records of this level and above go to stderr, and to log_file when set (the
    # scheduled runs of scrape, match and mail have no terminal to show their warnings).
    log_level: str = "WARNING"
    log_file: Path | None = None

    @classmethod
    def from_env(
        cls, env: dict[str, str] | None = None, problems: list[str] | None = None
    ) -> Config:
        """Build the configuration from the environment (and `.env`).

        A value that cannot be used raises ConfigError naming its variable; with a
        `problems` list, every such value is appended to it instead and its default used
        (`funding-matcher check` lists them all at once).
        """
        if env is None:
            load_dotenv(Path.cwd() / ENV_FILE)
            env = dict(os.environ)
        instance = Path(env.get("INSTANCE_PATH", str(PROJECT_ROOT / "instance")))
        default_db = f"sqlite:///{instance / 'funding-matcher.db'}"
        found = Problems(problems)
        return cls(
            database_url=env.get("DATABASE_URL") or default_db,
            secret_key=env.get("SECRET_KEY") or DEV_SECRET_KEY,
            secret_key_empty="SECRET_KEY" in env and not env["SECRET_KEY"].strip(),
            env=env.get("FUNDING_MATCHER_ENV", env.get("FLASK_ENV", "development")),
            strategy_path=Path(env.get("STRATEGY_PATH") or DEFAULT_STRATEGY),
            sources_path=Path(env.get("SOURCES_PATH") or DEFAULT_SOURCES),
            snapshots_dir=Path(env.get("SNAPSHOTS_DIR") or DATA_DIR / "snapshots"),
            instance_dir=instance,
            match_model_path=Path(env.get("MATCH_MODEL_PATH") or instance / MATCH_MODEL_FILE),
            base_url=(env.get("BASE_URL") or "http://127.0.0.1:5000").rstrip("/"),
            base_url_set=bool(env.get("BASE_URL")),
            smtp_host=env.get("SMTP_HOST", "localhost"),
            smtp_port=_port(env, found),
            smtp_user=env.get("SMTP_USER", ""),
            smtp_password=env.get("SMTP_PASSWORD", ""),
            smtp_starttls=_flag(env.get("SMTP_STARTTLS")),
            smtp_ssl=_flag(env.get("SMTP_SSL")),
            mail_from=_sender(env.get("MAIL_FROM") or DEFAULT_MAIL_FROM, found),
            alert_recipients=_addresses(env, "ALERT_RECIPIENTS", found),
            login_limit_per_address=_count(env, "LOGIN_LIMIT_PER_ADDRESS", 20, found),
            login_limit_window_minutes=_count(
                env, "LOGIN_LIMIT_WINDOW_MINUTES", 15, found, minimum=1
            ),
            trusted_proxies=_count(env, "TRUSTED_PROXIES", 0, found),
            session_idle_hours=_count(env, "SESSION_IDLE_HOURS", 8, found, minimum=1),
            session_max_days=_count(env, "SESSION_MAX_DAYS", 14, found, minimum=1),
            mail_log_retention_days=_count(env, "MAIL_LOG_RETENTION_DAYS", 180, found, minimum=1),
            login_record_retention_days=_count(
                env, "LOGIN_RECORD_RETENTION_DAYS", 7, found, minimum=1
            ),
            user_erase_after_days=_count(env, "USER_ERASE_AFTER_DAYS", 0, found),
            log_level=_log_level(env.get("LOG_LEVEL"), found),
            log_file=Path(env["LOG_FILE"]) if env.get("LOG_FILE") else None,
        )

    @property
    def match_model_file(self) -> Path:
        """Where `match` saves its fitted model (`MATCH_MODEL_PATH`, default in the instance)."""
        return self.match_model_path or self.instance_dir / MATCH_MODEL_FILE

    def site_url(self, request_root: str | None = None) -> str:
        """The address links point at: BASE_URL when it is set; else, in a request, the
        address the browser used (a server started on another port or host), else the
        default. Mails have no request and always use `base_url`."""
        if self.base_url_set or not request_root:
            return self.base_url
        return request_root.rstrip("/")

    def check_production(self) -> None:
        """Refuse insecure settings outside development."""
        if self.env not in ("development", "test") and self.secret_key == DEV_SECRET_KEY:
            state = "ist leer" if self.secret_key_empty else "ist nicht gesetzt"
            raise ConfigError(
                f"SECRET_KEY {state}: außerhalb der Entwicklung (FUNDING_MATCHER_ENV="
                f"{self.env}) ist ein eigener geheimer Schlüssel nötig, etwa die Ausgabe von "
                "`python3 -c 'import secrets; print(secrets.token_hex(32))'`."
            )


class Problems:
    """Where a validator reports a value that cannot be used: raised at once as ConfigError
    (every command), or collected in a list (`check`, which names them all)."""

    def __init__(self, collected: list[str] | None) -> None:
        self.collected = collected

    def add(self, message: str) -> None:
        if self.collected is None:
            raise ConfigError(message)
        self.collected.append(message)


def _port(env: dict[str, str], found: Problems) -> int:
    raw = env.get("SMTP_PORT", "25")
    try:
        port = int(raw)
    except ValueError:
        found.add(f"SMTP_PORT muss eine Zahl sein, nicht {raw!r}")
        return 25
    if not 1 <= port <= 65535:
        found.add(f"SMTP_PORT muss zwischen 1 und 65535 liegen, nicht {port}")
        return 25
    return port


def _count(
    env: dict[str, str], name: str, default: int, found: Problems, *, minimum: int = 0
) -> int:
    """A whole number setting; a clear error instead of a traceback for anything else."""
    raw = (env.get(name) or "").strip()
    if not raw:
        return default
    try:
        value = int(raw)
    except ValueError:
        found.add(f"{name} muss eine ganze Zahl sein, nicht {raw!r}")
        return default
    if value < minimum:
        found.add(f"{name} muss mindestens {minimum} sein, nicht {value}")
        return default
    return value


# The longest address a mail server takes (RFC 5321: a path of 256 octets with its < >);
# the database's columns hold 320 characters, and PostgreSQL refuses a longer value.
MAX_EMAIL_LENGTH = 254


def plausible_email(email: str) -> bool:
    """One '@' between a name and a domain with a dot, nothing that breaks a mail header.

    Not RFC 5322: enough to catch a space, a missing domain ending, two addresses in one or
    an address too long to deliver (and to store), which would make a login that never
    receives its digest.
    """
    if len(email) > MAX_EMAIL_LENGTH:
        return False
    name, at, domain = email.partition("@")
    if not at or not name or "@" in domain:
        return False
    if any(c.isspace() or ord(c) < 32 or c in ',;<>()[]\\"' for c in email):
        return False
    labels = domain.split(".")
    return len(labels) >= 2 and all(labels)


def split_sender(value: str) -> tuple[str, str]:
    """MAIL_FROM as (display name, address): "Name <a@b.de>", '"Name" <a@b.de>' or "a@b.de".

    The name is everything before the angle brackets, as written: in a mail header a comma
    would split it into two senders and brackets would hide their content as a comment, so
    the header is built from these two parts (`webapp.mail.compose.sender`), not the string.
    """
    value = value.strip()
    name, address = "", value
    if value.endswith(">") and "<" in value:
        name, _, address = value[:-1].rpartition("<")
        name = name.strip()
        if len(name) >= 2 and name[0] == name[-1] == '"':
            name = name[1:-1].replace('\\"', '"').replace("\\\\", "\\")
    return " ".join(name.split()), address.strip()


def _sender(value: str, found: Problems) -> str:
    """MAIL_FROM, refused with a clear message when its address cannot work as a sender.

    Without this, a name alone ("Fördermittel Kreis Coesfeld") went to the mail server as
    the envelope sender, and it refused every mail of every run.
    """
    _, address = split_sender(value)
    local, at, domain = address.partition("@")
    if (
        not at
        or not local
        or not domain
        or "@" in domain
        or any(c.isspace() or ord(c) < 32 or c in ',;<>()[]\\"' for c in address)
    ):
        found.add(
            f"MAIL_FROM: {value!r} ist keine Absenderadresse (Form: "
            "foerdermittel@kreis.example oder Fördermittel Kreis <foerdermittel@kreis.example>)"
        )
        return DEFAULT_MAIL_FROM
    return value.strip()


def _addresses(env: dict[str, str], name: str, found: Problems) -> list[str]:
    """A comma-separated list of e-mail addresses; ConfigError naming a bad one.

    A semicolon list ("a@kreis.de; b@kreis.de") would otherwise be one address that the
    mail server refuses every week.
    """
    addresses = [a.strip() for a in (env.get(name) or "").split(",") if a.strip()]
    for address in addresses:
        if not plausible_email(address):
            found.add(f"{name}: {address!r} ist keine E-Mail-Adresse (mehrere mit Komma trennen)")
    return [a for a in addresses if plausible_email(a)]


LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR")


def _log_level(raw: str | None, found: Problems) -> str:
    level = (raw or "WARNING").strip().upper()
    if level not in LOG_LEVELS:
        found.add(f"LOG_LEVEL muss einer von {', '.join(LOG_LEVELS)} sein, nicht {raw!r}")
        return "WARNING"
    return level


FLAG_ON = ("1", "true", "yes", "ja", "on")
FLAG_OFF = ("", "0", "false", "no", "nein", "off")


def _flag(value: str | None) -> bool:
    return (value or "").strip().lower() in FLAG_ON


@dataclass(frozen=True, slots=True)
class MailCheck:
    """What `check` says about the mail settings: problems (exit status 1) and hints."""

    problems: list[str]
    hints: list[str]


def mail_problems(env: dict[str, str], config: Config) -> MailCheck:
    """Every mail setting that would keep a mail from going out, found without sending.

    `config` was read from the same `env` (its own problems, a bad SMTP_PORT or MAIL_FROM,
    are reported by `Config.from_env`); here come the settings each valid alone that do not
    fit together, the switches and BASE_URL.
    """
    problems: list[str] = []
    hints: list[str] = []
    host = env.get("SMTP_HOST")
    if host is None:
        hints.append(
            "SMTP_HOST ist nicht gesetzt: Mails gehen an den Mailserver auf diesem Rechner "
            f"(localhost:{config.smtp_port})"
        )
    elif not host.strip():
        problems.append("SMTP_HOST ist leer: den Namen des Mailservers eintragen")
    elif any(c in host for c in ":/@") or any(c.isspace() for c in host.strip()):
        problems.append(
            f"SMTP_HOST: {host!r} ist kein Rechnername – nur den Namen eintragen (etwa "
            "mail.kreis.example), den Port in SMTP_PORT"
        )
    for name in ("SMTP_STARTTLS", "SMTP_SSL"):
        raw = env.get(name)
        if raw is not None and raw.strip().lower() not in FLAG_ON + FLAG_OFF:
            # anything else reads as "off": SMTP_SSL=wahr would silently send unencrypted
            problems.append(
                f"{name}: {raw!r} ist kein Schalter (an: 1, true, ja, on; aus: 0, false, nein, off)"
            )
    port = config.smtp_port
    if config.smtp_ssl and config.smtp_starttls:
        problems.append(
            "SMTP_STARTTLS und SMTP_SSL sind beide gesetzt – nur eines: SMTP_SSL=1 für "
            "Port 465, SMTP_STARTTLS=1 für Port 587"
        )
    elif port == 465 and not config.smtp_ssl:
        problems.append(
            "SMTP_PORT=465 erwartet SMTP_SSL=1 (dort ist die Verbindung von Anfang an "
            "verschlüsselt); sonst SMTP_PORT=587 mit SMTP_STARTTLS=1"
        )
    elif port in (25, 587) and config.smtp_ssl:
        problems.append(
            f"SMTP_SSL=1 passt nicht zu SMTP_PORT={port}: dort beginnt die Verbindung "
            "unverschlüsselt – SMTP_STARTTLS=1 statt SMTP_SSL=1 (oder SMTP_PORT=465)"
        )
    if config.smtp_user and not config.smtp_password:
        problems.append(f"SMTP_USER={config.smtp_user} ist gesetzt, SMTP_PASSWORD fehlt")
    if config.smtp_password and not config.smtp_user:
        problems.append("SMTP_PASSWORD ist gesetzt, aber SMTP_USER fehlt: ohne ihn keine Anmeldung")
    if config.smtp_user and not (config.smtp_ssl or config.smtp_starttls):
        hints.append(
            "SMTP_USER ohne SMTP_STARTTLS oder SMTP_SSL: das Passwort ginge unverschlüsselt "
            "zum Server, und viele Server lehnen die Anmeldung so ab"
        )
    ca_file = (env.get("SMTP_CA_FILE") or "").strip()
    if ca_file and not Path(ca_file).is_file():
        problems.append(f"SMTP_CA_FILE: die Datei {ca_file} gibt es nicht")
    if not env.get("MAIL_FROM"):
        hints.append(
            f"MAIL_FROM ist nicht gesetzt: Absender wäre {DEFAULT_MAIL_FROM}, das nehmen "
            "viele Mailserver nicht an"
        )
    problems += _base_url_problems(env.get("BASE_URL"))
    if not config.alert_recipients:
        hints.append(
            "ALERT_RECIPIENTS ist leer: die Wochenübersicht geht nur an Anmeldungen, die sie "
            "abonniert haben"
        )
    return MailCheck(problems, hints)


def _base_url_problems(raw: str | None) -> list[str]:
    """BASE_URL as links in mails need it: set, http(s), a host, no query."""
    if not raw:
        return [
            "BASE_URL ist nicht gesetzt: digest, remind und weekly versenden ohne die "
            "öffentliche Adresse nichts (etwa BASE_URL=https://foerder.kreis.example)"
        ]
    parts = urlsplit(raw.strip())
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return [f"BASE_URL: {raw!r} ist keine Web-Adresse (Form: https://foerder.kreis.example)"]
    if parts.query or parts.fragment:
        return [f"BASE_URL: {raw!r} enthält ?… oder #… – nur die Adresse der Startseite"]
    return []
