"""The language in force, its catalog, and labels translated when they are
shown (`_l`).

The language in force is the page's (set when a request starts, in
languages.py), or the one an e-mail is written in (`forced`, never
flask-babel's `force_locale` alone, which a page would not see). It is kept in
a context variable of the portal's own, which every string and date of a page
reads without going through Flask's context proxies; flask-babel is told the
same language (its `force_locale`), for its own functions. Each language's
catalog is the one flask-babel loads, kept here for the process's life.
"""
import contextlib
import contextvars

from babel import Locale
from flask import has_app_context
from flask_babel import force_locale, get_locale, get_translations, gettext
from markupsafe import escape

DEFAULT_LANGUAGE = "fr"

_in_force = contextvars.ContextVar("portal_language_in_force", default=None)
_catalogs = {}  # language -> flask-babel's catalog for it
_locales = {}  # language -> its Babel Locale


def language_in_force():
    """"fr", "nl" or "en": a forced language, else the request's, else flask-babel's (outside a request: a
    command, a test), else the default."""
    return _in_force.get() or _outside_requests()


def _outside_requests():
    locale = get_locale() if has_app_context() else None
    return locale.language if locale is not None else DEFAULT_LANGUAGE


def locale_in_force():
    language = language_in_force()
    locale = _locales.get(language)
    if locale is None:
        locale = _locales[language] = Locale.parse(language)
    return locale


def use(language):
    """The language of this request from now on (languages.py, as a request starts); a token for `stop_using`.
    Not inside `forced`, which would undo it on leaving."""
    return _in_force.set(language)


def stop_using(token):
    _in_force.reset(token)


class OwnContext:
    """WSGI middleware: each request runs in a copy of the context, so that what it sets there (its
    language) ends with it, whatever fails on its way out."""

    def __init__(self, wsgi_app):
        self.wsgi_app = wsgi_app

    def __call__(self, environ, start_response):
        return contextvars.copy_context().run(self.wsgi_app, environ, start_response)


@contextlib.contextmanager
def forced(language):
    """Everything written inside (an e-mail, a command's message) is in `language`."""
    token = _in_force.set(language)
    try:
        with force_locale(language):
            yield
    finally:
        _in_force.reset(token)


def catalog():
    """The catalog of the language in force (flask-babel's, loaded once per language), or None outside an app
    (a label then reads as its msgid, as flask-babel gives it)."""
    language = _in_force.get()
    if language is None:
        if not has_app_context():
            return None
        language = _outside_requests()
    return catalog_of(language)


def catalog_of(language):
    """flask-babel's catalog of `language`, loaded once; None outside an app."""
    found = _catalogs.get(language)
    if found is None:
        if not has_app_context():  # flask-babel would give an empty catalog, which must not be kept
            return None
        with force_locale(language):
            found = _catalogs[language] = get_translations()
    return found


def translate(msgid):
    found = catalog()
    return found.ugettext(msgid) if found is not None else gettext(msgid)


class WrittenWhenShown:
    """A text whose words are chosen when it is shown (str()), and which then behaves as that text. On a
    page it is escaped as any text is."""

    __slots__ = ()

    def __html__(self):
        return escape(str(self))

    def __repr__(self):
        return f"<lazy {str(self)!r}>"

    def __len__(self):
        return len(str(self))

    def __contains__(self, item):
        return item in str(self)

    def __iter__(self):
        return iter(str(self))

    def __getitem__(self, key):
        return str(self)[key]

    def __add__(self, other):
        return str(self) + other

    def __radd__(self, other):
        return other + str(self)

    def __mod__(self, other):
        return str(self) % other

    def __rmod__(self, other):
        return other % str(self)

    def __eq__(self, other):
        return str(self) == other

    def __lt__(self, other):
        return str(self) < other

    def __hash__(self):
        return hash(str(self))

    def __bool__(self):
        return bool(str(self))

    def __getattr__(self, name):  # the text's own methods: .upper(), .split(), .format()
        if name.startswith("__") or name in type(self).__slots__:
            raise AttributeError(name)
        return getattr(str(self), name)


class Lazy(WrittenWhenShown):
    """`function(*args)`, called when shown (a date written in the reader's language)."""

    __slots__ = ("function", "args")

    def __init__(self, function, *args):
        self.function = function
        self.args = args

    def __str__(self):
        return str(self.function(*self.args))


class LazyText(WrittenWhenShown):
    """A label, translated when shown; `%(name)s` filled from its variables."""

    __slots__ = ("msgid", "variables")

    def __init__(self, msgid, **variables):
        self.msgid = msgid
        self.variables = variables

    def __str__(self):
        text = translate(self.msgid)
        return text % self.variables if self.variables else text


def lazy_gettext(msgid, **variables):
    return LazyText(msgid, **variables)
