"""The AFMPS company portal: a trilingual Flask + htmx hypermedia app."""
import logging

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from portal import cli, clock
from portal import config as settings
from portal.data import db
from portal.extensions import babel, login_manager
from portal.text import date_formats, form_text, identifiers, languages, number_formats
from portal.web import (
    assets,
    csrf,
    errors,
    fragment_cache,
    http_headers,
    log_privacy,
    page_cache,
    session_cookie,
    translated_templates,
    urls,
)

log = logging.getLogger(__name__)


def create_app(config=None):
    """Build the app. `config` overrides the PORTAL_* environment settings."""
    app = Flask(__name__)
    app.config = clock.Config(app.root_path, app.config)
    app.config.update(settings.from_environment())
    if config:
        app.config.update(config)
    settings.finish(app.config)
    app.session_interface = session_cookie.SessionCookies()
    logging.basicConfig(level=app.config["LOG_LEVEL"], format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    log_privacy.init_app(app)
    _announce_mode(app.config)
    proxies = app.config["TRUSTED_PROXIES"]
    if proxies:  # the client's address and scheme as the TLS proxy saw them
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies)

    translated_templates.init_app(app)
    fragment_cache.init_app(app)
    babel.init_app(app, locale_selector=languages.current_language)
    date_formats.init_app(app)
    number_formats.init_app(app)
    identifiers.init_app(app)
    login_manager.init_app(app)
    languages.init_app(app)
    db.init_app(app)
    form_text.init_app(app)
    csrf.init_app(app)
    page_cache.init_app(app)
    assets.init_app(app)
    urls.init_app(app)
    http_headers.init_app(app)
    errors.init_app(app)
    cli.init_app(app)

    from portal import access_control  # registers the user loader
    from portal.access import bp as access_bp
    from portal.auth import bp as auth_bp
    from portal.backoffice import bp as backoffice_bp
    from portal.public import bp as public_bp
    from portal.tiles import bp as tiles_bp
    from portal.wizard import bp as wizard_bp

    app.register_blueprint(public_bp)
    app.register_blueprint(wizard_bp)
    app.register_blueprint(backoffice_bp)
    app.register_blueprint(auth_bp)
    app.register_blueprint(tiles_bp)
    app.register_blueprint(access_bp)
    access_control.init_app(app)
    return app


def _announce_mode(config):
    if config["DEVELOPMENT"]:
        log.warning("AFMPS portal in DEVELOPMENT mode: its own secret key, VIES %s, eID simulator "
                    "without PORTAL_FAS_ISSUER. Never expose this server.", config["VIES"])
    else:
        log.info("AFMPS portal in production mode (VIES %s).", config["VIES"])
        if not config["CLAMD_SOCKET"]:
            log.warning("Uploaded files are not scanned for viruses: PORTAL_CLAMD_SOCKET is unset.")
