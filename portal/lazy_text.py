"""Labels translated when they are shown (`_l`), in the language in force:
the page's, or an e-mail's under `force_locale`.

flask-babel's own lazy strings ask it for the catalog at every use: three
trips through Flask's context proxies to `g`, the domain, the locale. A list
of fifty rows with a label or two each pays that a hundred times. These find
the catalog this process keeps for the locale in force with two dictionary
lookups, and give the same text (they are flask-babel's lazy strings
otherwise).
"""
from flask.globals import _cv_app
from flask_babel import get_locale, get_translations, gettext
from flask_babel.speaklater import LazyString
from markupsafe import escape


class LazyText(LazyString):
    def __init__(self, msgid, **variables):
        super().__init__(gettext, msgid, **variables)

    def __html__(self):
        """Escaped on a page as any text is. flask-babel's lazy strings pass as markup, which would
        let a value put into one (a company's name, a line of the BCE's data) onto the page unescaped."""
        return escape(str(self))

    def __str__(self):
        text = catalog().ugettext(self._args[0])
        return text % self._kwargs if self._kwargs else text


def lazy_gettext(msgid, **variables):
    return LazyText(msgid, **variables)


def _chosen(data):
    """The locale flask-babel chose for this context (the page's, or a forced one), read where it keeps
    it, or None before it chose one."""
    return getattr(data.get("_flask_babel"), "babel_locale", None)


def kept_catalog():
    """The catalog of the locale in force, when this process keeps it (languages.RequestDomain keeps
    each one flask-babel gives: flask-babel itself keeps them for the process's life); else None."""
    context = _cv_app.get(None)
    if context is None:
        return None
    locale = _chosen(vars(context.g))
    if locale is None:
        return None
    return getattr(context.app.extensions["babel"].instance.domain_instance, "catalogs", {}).get(locale)


def locale_in_force():
    """flask-babel's locale of the moment, without its trips through the
    context proxies; flask-babel's get_locale() when none is chosen yet."""
    context = _cv_app.get(None)
    locale = _chosen(vars(context.g)) if context is not None else None
    return locale if locale is not None else get_locale()


def catalog():
    found = kept_catalog()
    return found if found is not None else get_translations()
