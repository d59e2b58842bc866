"""Settings, read from PORTAL_* environment variables.

Every setting has a safe development default except the secret key, which
production mode refuses to run without.
"""
import os
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEV_SECRET_KEY = "dev-only-secret-key-never-use-in-production"

# name in app.config -> (environment variable, default, parser)
_SETTINGS = {
    "ENV_NAME": ("PORTAL_ENV", "development", str),
    "SECRET_KEY": ("PORTAL_SECRET_KEY", DEV_SECRET_KEY, str),
    "DATABASE_URL": ("PORTAL_DATABASE_URL", None, str),
    "INSTANCE_DIR": ("PORTAL_INSTANCE_DIR", str(PROJECT_ROOT / "instance"), str),
    "SUPPORT_EMAIL": ("PORTAL_SUPPORT_EMAIL", "support.portal@afmps.be", str),
    "FIRMS_PER_PAGE": ("PORTAL_FIRMS_PER_PAGE", "20", int),
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
    "FAS_ISSUER": ("PORTAL_FAS_ISSUER", None, str),
    "FAS_CLIENT_ID": ("PORTAL_FAS_CLIENT_ID", None, str),
    "FAS_CLIENT_SECRET": ("PORTAL_FAS_CLIENT_SECRET", None, str),
}


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
    production = config["ENV_NAME"] == "production"
    config["PRODUCTION"] = production
    if not config.get("VIES"):
        config["VIES"] = "live" if production else "fake"
    if config["VIES"] not in ("live", "fake"):
        raise ConfigError("PORTAL_VIES must be 'live' or 'fake'.")
    if production:
        key = config.get("SECRET_KEY") or ""
        if key == DEV_SECRET_KEY or len(key) < 32:
            raise ConfigError(
                "PORTAL_SECRET_KEY must be set to a random value of at least 32 characters "
                "in production (for example: python -c 'import secrets; print(secrets.token_hex(32))')."
            )
    # Flask's own defaults are already in the config: assign, don't setdefault.
    config["SESSION_COOKIE_SECURE"] = production
    config["SESSION_COOKIE_HTTPONLY"] = True
    config["SESSION_COOKIE_SAMESITE"] = "Lax"
    config["SESSION_COOKIE_NAME"] = "portal_session"
    config.setdefault("BABEL_TRANSLATION_DIRECTORIES", str(PROJECT_ROOT / "translations"))
    config.setdefault("BABEL_DEFAULT_LOCALE", "fr")
    config.setdefault("BABEL_DEFAULT_TIMEZONE", "Europe/Brussels")
    return config
