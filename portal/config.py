"""Settings, read from PORTAL_* environment variables.

The portal runs in production mode unless PORTAL_ENV=development says
otherwise: production refuses to start without a real secret key, uses
secure cookies, the live VIES and the real federal login. Development mode
(set by `make run`) makes its own random secret key in the instance folder
and allows the stand-ins: the fake VIES and the eID simulator.
"""
import os
import secrets
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEV_SECRET_KEY = "dev-only-secret-key-never-use-in-production"

# name in app.config -> (environment variable, default, parser)
_SETTINGS = {
    "ENV_NAME": ("PORTAL_ENV", "production", str),
    "SECRET_KEY": ("PORTAL_SECRET_KEY", None, str),
    "DATABASE_URL": ("PORTAL_DATABASE_URL", None, str),
    # A read replica (PostgreSQL streaming standby) for the public list and its search; unset: the primary.
    "DATABASE_REPLICA_URL": ("PORTAL_DATABASE_REPLICA_URL", None, str),
    "INSTANCE_DIR": ("PORTAL_INSTANCE_DIR", str(PROJECT_ROOT / "instance"), str),
    "SUPPORT_EMAIL": ("PORTAL_SUPPORT_EMAIL", "support.portal@afmps.be", str),
    "FIRMS_PER_PAGE": ("PORTAL_FIRMS_PER_PAGE", "20", int),
    # How long one app server trusts its copy of the list's version (page_cache): a change shows
    # on every server within this time.
    "LIST_FRESHNESS_SECONDS": ("PORTAL_LIST_FRESHNESS_SECONDS", "1", float),
    # The licence of the public register's downloads and API (the agency's choice): its short name, as
    # the files and the "Open data" page state it, and the address of its text.
    "OPEN_DATA_LICENCE": ("PORTAL_OPEN_DATA_LICENCE", "CC0-1.0", str),
    "OPEN_DATA_LICENCE_URL": ("PORTAL_OPEN_DATA_LICENCE_URL", "https://creativecommons.org/publicdomain/zero/1.0/",
                              str),
    # How many requests one client may send the register's API per minute.
    "API_RATE_LIMIT": ("PORTAL_API_RATE_LIMIT", "600", int),
    # How often at most an app server counts the register in numbers again after the list changed.
    "NUMBERS_FRESHNESS_SECONDS": ("PORTAL_NUMBERS_FRESHNESS_SECONDS", "300", float),
    "LOG_LEVEL": ("PORTAL_LOG_LEVEL", "INFO", str),
    "VIES": ("PORTAL_VIES", None, str),  # "live" or "fake"; default by PORTAL_ENV
    "VIES_URL": ("PORTAL_VIES_URL", "https://ec.europa.eu/taxation_customs/vies/rest-api/check-vat-number", str),
    "VIES_TIMEOUT": ("PORTAL_VIES_TIMEOUT", "10", float),
    "SMTP_HOST": ("PORTAL_SMTP_HOST", None, str),
    "SMTP_PORT": ("PORTAL_SMTP_PORT", "25", int),
    "SMTP_USER": ("PORTAL_SMTP_USER", None, str),
    "SMTP_PASSWORD": ("PORTAL_SMTP_PASSWORD", None, str),
    "SMTP_STARTTLS": ("PORTAL_SMTP_STARTTLS", "false", lambda v: v.lower() in ("1", "true", "yes")),
    "SMTP_TIMEOUT": ("PORTAL_SMTP_TIMEOUT", "10", float),
    "MAIL_FROM": ("PORTAL_MAIL_FROM", "AFMPS portal <no-reply@afmps.be>", str),
    "BASE_URL": ("PORTAL_BASE_URL", "http://127.0.0.1:5000", str),
    "DRAFT_RETENTION_DAYS": ("PORTAL_DRAFT_RETENTION_DAYS", "30", int),
    "SESSION_IDLE_MINUTES": ("PORTAL_SESSION_IDLE_MINUTES", "30", int),
    "SESSION_MAX_HOURS": ("PORTAL_SESSION_MAX_HOURS", "12", int),
    "RESET_LINK_MINUTES": ("PORTAL_RESET_LINK_MINUTES", "5", int),
    "TEMPORARY_PASSWORD_DAYS": ("PORTAL_TEMPORARY_PASSWORD_DAYS", "7", int),
    "TRUSTED_PROXIES": ("PORTAL_TRUSTED_PROXIES", "0", int),
    "FAS_ISSUER": ("PORTAL_FAS_ISSUER", None, str),
    "FAS_CLIENT_ID": ("PORTAL_FAS_CLIENT_ID", None, str),
    "FAS_CLIENT_SECRET": ("PORTAL_FAS_CLIENT_SECRET", None, str),
    "FAS_MIN_ACR": ("PORTAL_FAS_MIN_ACR", "urn:be:fedict:iam:fas:Level450", str),
    # The domains a staff member's e-mail address may have, separated by commas ("fagg-afmps.be"); empty:
    # any. An administrator then cannot add a staff member at an address outside the agency.
    "STAFF_EMAIL_DOMAINS": ("PORTAL_STAFF_EMAIL_DOMAINS", "",
                            lambda v: tuple(d.strip().lower() for d in v.split(",") if d.strip())),
    # ClamAV's daemon (clamd), which scans every uploaded file: the path of its UNIX socket (unset: no scan,
    # for development), and how long one scan may take before the file is refused as not checked.
    "CLAMD_SOCKET": ("PORTAL_CLAMD_SOCKET", None, str),
    "CLAMD_TIMEOUT": ("PORTAL_CLAMD_TIMEOUT", "20", float),
    # The folder of pg_dump and pg_restore for `portal backup` and `restore` on PostgreSQL; unset: the
    # newest /usr/lib/postgresql/*/bin (Debian), else the PATH.
    "PG_BIN": ("PORTAL_PG_BIN", None, str),
    # "Mes contributions": the day (month-day) a year's declarations close, unless the agency sets
    # another for that year, and how many days before it the companies without one are reminded.
    "CONTRIBUTION_DEADLINE": ("PORTAL_CONTRIBUTION_DEADLINE", "06-30", str),
    "CONTRIBUTION_REMINDER_DAYS": ("PORTAL_CONTRIBUTION_REMINDER_DAYS", "14", int),
}


MODES = ("production", "development")


class ConfigError(RuntimeError):
    """The portal cannot start with these settings."""


def from_environment(environ=os.environ):
    """Read every PORTAL_* setting, applying defaults and types."""
    config = {}
    for key, (variable, default, parse) in _SETTINGS.items():
        raw = environ.get(variable, default)
        if raw is None:
            config[key] = None
            continue
        try:
            config[key] = parse(raw)
        except ValueError as error:
            raise ConfigError(f"{variable}={raw!r} is not valid: {error}") from error
    return config


def finish(config):
    """Fill derived settings and refuse unsafe production settings."""
    instance = Path(config["INSTANCE_DIR"])
    if not config.get("DATABASE_URL"):
        config["DATABASE_URL"] = f"sqlite:///{instance / 'portal.db'}"
    if config["ENV_NAME"] not in MODES:
        raise ConfigError("PORTAL_ENV must be 'production' (the default) or 'development'.")
    development = config["ENV_NAME"] == "development"
    production = not development
    config["DEVELOPMENT"], config["PRODUCTION"] = development, production
    if not config.get("VIES"):
        config["VIES"] = "live" if production else "fake"
    if config["VIES"] not in ("live", "fake"):
        raise ConfigError("PORTAL_VIES must be 'live' or 'fake'.")
    key = config.get("SECRET_KEY") or ""
    if production and (key == DEV_SECRET_KEY or len(key) < 32):
        raise ConfigError(
            "PORTAL_SECRET_KEY must be set to a random value of at least 32 characters "
            "in production (for example: python -c 'import secrets; print(secrets.token_hex(32))'). "
            "For a development server, set PORTAL_ENV=development instead."
        )
    if not key:
        config["SECRET_KEY"] = _instance_secret_key(instance)
    if config["TRUSTED_PROXIES"] < 0:
        raise ConfigError("PORTAL_TRUSTED_PROXIES is the number of proxies in front of the portal: 0 or more.")
    # A little over the largest upload (a 10 MB PDF): anything bigger is
    # refused with 413 before the body is read.
    if not config.get("MAX_CONTENT_LENGTH"):  # Flask's default (None) is already in the config
        config["MAX_CONTENT_LENGTH"] = 11 * 1024 * 1024
    # Flask's own defaults are already in the config: assign, don't setdefault.
    config["SESSION_COOKIE_SECURE"] = production
    config["SESSION_COOKIE_HTTPONLY"] = True
    config["SESSION_COOKIE_SAMESITE"] = "Lax"
    config["SESSION_COOKIE_NAME"] = "portal_session"
    config.setdefault("BABEL_TRANSLATION_DIRECTORIES", str(PROJECT_ROOT / "translations"))
    config.setdefault("BABEL_DEFAULT_LOCALE", "fr")
    config.setdefault("BABEL_DEFAULT_TIMEZONE", "Europe/Brussels")
    return config


def _instance_secret_key(instance):
    """Development only: a random key of this instance, kept in its folder so
    that sessions survive a restart, and never the same on two machines."""
    path = instance / "secret_key"
    if not path.exists():
        instance.mkdir(parents=True, exist_ok=True)
        draft = instance / f".secret_key.{os.getpid()}.{secrets.token_hex(4)}"
        fd = os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as file:
            file.write(secrets.token_hex(32))
        try:
            os.link(draft, path)  # whole or not at all; the first process to start wins
        except FileExistsError:
            pass
        finally:
            draft.unlink()
    return path.read_text().strip()
