"""Languages: the /fr/ /nl/ /en/ URL prefix, the remembered choice, the switch."""
from types import MappingProxyType

from flask import g, has_request_context, request
from werkzeug.routing import BaseConverter

from portal.text import lazy_text
from portal.text.countries import country_options
from portal.text.lazy_text import DEFAULT_LANGUAGE, catalog, language_in_force

LANGUAGES = ("nl", "fr", "en")  # in the order of the switch, as on the agency's site
LANGUAGE_NAMES = {"fr": "Français", "nl": "Nederlands", "en": "English"}  # each in itself
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


def use_language(language):
    """The language of this request from now on: its pages' strings, dates and links."""
    g.lang = language
    previous = g.pop("language_token", None)
    if previous is not None:
        lazy_text.stop_using(previous)
    g.language_token = lazy_text.use(language)


def texts(labels):
    """A module's lazy labels ({key: label} or [(key, label)]) as text in the
    language in force, made once per language and kept (read-only: a mapping
    proxy, or a tuple of pairs). Only for labels that live as long as the
    process: they are kept by their identity."""
    key = (id(labels), language_in_force())
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
    app.wsgi_app = lazy_text.OwnContext(app.wsgi_app)  # and teardown resets it: a test's request context too

    @app.url_value_preprocessor
    def _pull_language(endpoint, values):
        if values and "lang" in values:
            use_language(values.pop("lang"))

    @app.url_defaults
    def _add_language(endpoint, values):
        if "lang" not in values and app.url_map.is_endpoint_expecting(endpoint, "lang"):
            values["lang"] = current_language()

    @app.before_request
    def _language_for_other_pages():
        if "language_token" not in g:
            use_language(g.lang if "lang" in g else detect_language())

    @app.teardown_request
    def _language_ends(exc):
        token = g.pop("language_token", None)
        if token is not None:
            lazy_text.stop_using(token)

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
    _install_translations(app)

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


def _install_translations(app):
    """The templates' gettext: the catalog of the language in force, without flask-babel's look-ups."""
    app.jinja_env.install_gettext_callables(
        gettext=lambda s: catalog().ugettext(s),
        ngettext=lambda s, p, n: catalog().ungettext(s, p, n),
        pgettext=lambda c, s: catalog().upgettext(c, s),
        npgettext=lambda c, s, p, n: catalog().unpgettext(c, s, p, n),
        newstyle=True)
