"""Languages: the /fr/ /nl/ /en/ URL prefix, the remembered choice, the switch."""
from types import MappingProxyType

from flask import g, has_request_context, request
from flask_babel import Domain
from werkzeug.routing import BaseConverter

from .countries import country_options
from .lazy_text import catalog, kept_catalog, locale_in_force

LANGUAGES = ("nl", "fr", "en")  # in the order of the switch, as on the agency's site
DEFAULT_LANGUAGE = "fr"
COOKIE = "portal_lang"
COOKIE_MAX_AGE = 365 * 24 * 3600


class LanguageConverter(BaseConverter):
    regex = "(?:" + "|".join(LANGUAGES) + ")"


def detect_language():
    """The language of a request: its URL prefix, else the remembered choice,
    else the browser's Accept-Language, else French."""
    view_args = request.view_args or {}
    if view_args.get("lang") in LANGUAGES:
        return view_args["lang"]
    first_segment = request.path.lstrip("/").split("/", 1)[0]
    if first_segment in LANGUAGES:
        return first_segment
    remembered = request.cookies.get(COOKIE)
    if remembered in LANGUAGES:
        return remembered
    return request.accept_languages.best_match(LANGUAGES) or DEFAULT_LANGUAGE


def current_language():
    return g.get("lang") or DEFAULT_LANGUAGE


def texts(labels):
    """A module's lazy labels ({key: label} or [(key, label)]) as text in the
    language in force, made once per language and kept (read-only: a mapping
    proxy, or a tuple of pairs). Only for labels that live as long as the
    process: they are kept by their identity."""
    key = (id(labels), str(locale_in_force()))
    kept = _TEXTS.get(key)
    if kept is None or kept[0] is not labels:
        if isinstance(labels, dict):
            made = MappingProxyType({name: str(label) for name, label in labels.items()})
        else:
            made = tuple((name, str(label)) for name, label in labels)
        kept = _TEXTS[key] = (labels, made)
    return kept[1]


_TEXTS = {}


def switch_url(target):
    """This page's URL in another language (query string kept)."""
    return _switched(request.path, request.query_string, target)


def _switched(path, query, target):
    segments = path.lstrip("/").split("/", 1)
    if segments[0] in LANGUAGES:
        rest = segments[1] if len(segments) > 1 else ""
        path = f"/{target}/{rest}"
    else:
        path = f"/{target}/"
    query = query.decode("latin-1")
    return path + ("?" + query if query else "")


def init_app(app):
    app.url_map.converters["lang"] = LanguageConverter

    @app.url_value_preprocessor
    def _pull_language(endpoint, values):
        if values and "lang" in values:
            g.lang = values.pop("lang")

    @app.url_defaults
    def _add_language(endpoint, values):
        if "lang" not in values and app.url_map.is_endpoint_expecting(endpoint, "lang"):
            values["lang"] = current_language()

    @app.before_request
    def _language_for_other_pages():
        if "lang" not in g:
            g.lang = detect_language()

    @app.after_request
    def _remember_language(response):
        lang = g.get("lang")
        if (
            lang
            and request.view_args is not None
            and "lang" in (request.url_rule.arguments if request.url_rule else ())
            and request.cookies.get(COOKIE) != lang
        ):
            response.set_cookie(
                COOKIE, lang, max_age=COOKIE_MAX_AGE, samesite="Lax",
                secure=app.config["SESSION_COOKIE_SECURE"], httponly=True,
            )
        return response

    app.jinja_env.globals["country_options"] = country_options
    _install_translations_once_per_request(app)
    app.extensions["babel"].instance.domain_instance = RequestDomain()

    @app.context_processor
    def _language_context():
        if not has_request_context():
            return {"languages": LANGUAGES, "current_language": current_language()}
        path, query = request.path, request.query_string  # read once per page, not at each of six links
        return {
            "languages": LANGUAGES,
            "current_language": current_language(),
            "switch_url": lambda target: _switched(path, query, target),
        }


class RequestDomain(Domain):
    """flask-babel's catalogs, kept by locale for the process's life (as
    flask-babel keeps them, behind a look-up of the locale and the domain
    through Flask's context proxies for every string: about 40 on the home
    page, and each lazy label of a list's rows, a quarter of a page's time).
    lazy_text reads them by the locale in force, so an e-mail rendered in
    another language (force_locale) gets its own."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.catalogs = {}  # Locale -> its catalog, as flask-babel gave it

    def get_translations(self):
        kept = kept_catalog()
        if kept is not None:
            return kept
        translations = super().get_translations()
        locale = getattr(g.get("_flask_babel"), "babel_locale", None) if g else None
        if locale is not None:
            self.catalogs[locale] = translations
        return translations


def _install_translations_once_per_request(app):
    app.jinja_env.install_gettext_callables(
        gettext=lambda s: catalog().ugettext(s),
        ngettext=lambda s, p, n: catalog().ungettext(s, p, n),
        pgettext=lambda c, s: catalog().upgettext(c, s),
        npgettext=lambda c, s, p, n: catalog().unpgettext(c, s, p, n),
        newstyle=True)
