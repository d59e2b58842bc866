"""Labels translated when they are shown (`_l`), in the language in force:
the page's, or an e-mail's under `force_locale`.

flask-babel's own lazy strings ask it for the catalog at every use: three
trips through Flask's context proxies to `g`, the domain, the locale. A list
of fifty rows with a label or two each pays that a hundred times. These find
the catalog kept for the locale in force with two dictionary lookups, and
give the same text (they are flask-babel's lazy strings otherwise).
"""
from flask.globals import _cv_app
from flask_babel import get_locale, get_translations, gettext
from flask_babel.speaklater import LazyString

KEPT = "_portal_translations"  # on `g`: (the babel locale, its catalog), kept by languages.RequestDomain


class LazyText(LazyString):
    def __init__(self, msgid, **variables):
        super().__init__(gettext, msgid, **variables)

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
    """The catalog kept for the locale in force, or None when none is kept yet."""
    context = _cv_app.get(None)
    if context is None:
        return None
    data = vars(context.g)
    kept, locale = data.get(KEPT), _chosen(data)
    return kept[1] if kept is not None and locale is not None and kept[0] is locale else None


def locale_in_force():
    """flask-babel's locale of the moment, without its trips through the
    context proxies; flask-babel's get_locale() when none is chosen yet."""
    context = _cv_app.get(None)
    locale = _chosen(vars(context.g)) if context is not None else None
    return locale if locale is not None else get_locale()


def catalog():
    found = kept_catalog()
    if found is None:
        found = _known_catalog()
    return found if found is not None else get_translations()


def _known_catalog():
    """The catalog of the locale in force when this process loaded it before (flask-babel keeps a
    locale's catalog for the process's life; languages.RequestDomain notes each one it gives), kept
    for the rest of the request; else None. A request's first string skips flask-babel's look-up."""
    context = _cv_app.get(None)
    if context is None:
        return None
    data = vars(context.g)
    locale = _chosen(data)
    if locale is None:
        return None
    found = getattr(context.app.extensions["babel"].instance.domain_instance, "catalogs", {}).get(locale)
    if found is not None:
        data[KEPT] = (locale, found)
    return found
