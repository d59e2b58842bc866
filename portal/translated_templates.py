"""Templates translated once per language, when they are loaded.

A page says `{{ _("Help") }}` thirty to a hundred times. Jinja turns each
into a call that resolves `gettext`, asks flask-babel for the catalog of the
locale in force and looks the string up: a fifth of a logged-in page's time,
for strings that are the same on every page in that language.

So each template is compiled once per language, with every `_("literal")`
without arguments already replaced by its translation, as the call would
have produced it (newstyle gettext: the catalog's text, `% {}` applied,
Markup where the template autoescapes). Calls with arguments, `ngettext`
and strings built at run time still go through gettext as before. Babel
extracts the strings from the files themselves, so the catalogs do not
change. The language is the locale in force when a template is loaded,
so an e-mail rendered under `force_locale` gets its own language's copy.
"""
import re
from collections import ChainMap

from flask.templating import Environment
from flask_babel import force_locale, get_translations
from jinja2 import BaseLoader, pass_context
from markupsafe import Markup

from .lazy_text import locale_in_force
from .template_calls import DirectCallContext

# `_("…")` or `_('…')` closed right after its one string literal (no arguments, no concatenation).
_LITERAL_CALL = r"""(?<![\w.])_\(\s*(?:"((?:[^"\\]|\\.)*)"|'((?:[^'\\]|\\.)*)')\s*\)"""
_CALL = re.compile(_LITERAL_CALL)
# The same call as the whole of an output tag: `{{ _("…") }}` (no whitespace control).
_WHOLE_TAG = re.compile(r"\{\{\s*" + _LITERAL_CALL + r"\s*\}\}")
SEPARATOR = "\x00"  # between a language and a template's name; never in a file name
# A translation written into the template as it is: no character Jinja gives a meaning to, and no
# space at either end (a neighbouring `{%-` or `-}}` would strip it).
_PLAIN = re.compile(r"[^\s{}%#](?:[^{}%#]*[^\s{}%#])?")
FILTER = "_translated"


@pass_context
def _translated(context, text):
    """A translation inside an expression: Markup where the template
    autoescapes, as gettext gives it. A filter that takes the context is
    never folded into a constant at compile time (folding `"…"|safe ~ x`
    would drop the Markup and escape the text)."""
    return Markup(text) if context.eval_ctx.autoescape else text


class _Globals(ChainMap):
    """A template's globals (Jinja's ChainMap of its own over the
    environment's), whose keys, while the template has none of its own, are
    the environment's dict's: every `{% from … import … %}` takes the set of
    the page's global names minus these, and against a ChainMap that set
    operation runs key by key in Python."""

    def keys(self):
        if len(self.maps) == 2 and not self.maps[0]:
            return self.maps[1].keys()
        return super().keys()


def _code(locale):
    """str(locale) ("fr", "nl_BE"), without Babel's formatting for a plain language."""
    if locale.territory is None and locale.script is None and locale.variant is None and not locale.modifier:
        return locale.language
    return str(locale)


class TranslatingEnvironment(Environment):
    """Flask's environment, loading each template in the locale in force."""

    context_class = DirectCallContext

    def make_globals(self, d):
        return _Globals(d if d is not None else {}, self.globals)

    def _load_template(self, name, globals):
        if SEPARATOR not in name:
            locale = locale_in_force()
            if locale is not None:
                name = f"{_code(locale)}{SEPARATOR}{name}"
        return super()._load_template(name, globals)


class TranslatingLoader(BaseLoader):
    """Wraps the app's loader: `fr\\0base.html` is base.html with its French strings in place."""

    def __init__(self, loader, environment):
        self.loader = loader
        self.environment = environment
        self.catalogs = {}

    def get_source(self, environment, template):
        language, _, name = template.rpartition(SEPARATOR)
        source, filename, uptodate = self.loader.get_source(environment, name)
        if not language:
            return source, filename, uptodate
        return translate(source, self._catalog(language), bool(self._autoescapes(name))), filename, uptodate

    def list_templates(self):
        return self.loader.list_templates()

    def _autoescapes(self, name):
        autoescape = self.environment.autoescape
        return autoescape(name) if callable(autoescape) else autoescape

    def _catalog(self, language):
        catalog = self.catalogs.get(language)
        if catalog is None:
            with force_locale(language):
                catalog = self.catalogs[language] = get_translations()
        return catalog


def translate(source, catalog, autoescape):
    """The template's source with each plain `_("literal")` replaced by its translation."""
    def translated(match):
        literal = match.group(1) if match.group(1) is not None else match.group(2)
        msgid = _unquote(literal)
        if msgid is None:
            return None
        text = catalog.ugettext(msgid)
        try:
            return str(Markup(text) % {}) if autoescape else text % {}
        except (TypeError, ValueError, KeyError):  # the call would fail at run time too: leave it there
            return None

    def whole_tag(match):
        text = translated(match)
        if text is None:
            return match.group(0)
        if _PLAIN.fullmatch(text):
            return text  # written as it is: nothing in it Jinja reads, no edge space a `-` tag could eat
        return "{{ " + quoted(text) + " }}"  # anything else stays an expression: a catalog never becomes code

    def quoted(text):
        literal = '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'
        return f"({literal}|{FILTER})"

    def in_expression(match):
        text = translated(match)
        return match.group(0) if text is None else quoted(text)

    if "{% raw" in source or "{%- raw" in source:  # text Jinja does not read: left to gettext at run time
        return source
    return _CALL.sub(in_expression, _WHOLE_TAG.sub(whole_tag, source))


def _unquote(literal):
    """The msgid of a Jinja string literal, when it has no escapes beyond quotes (else None: left alone)."""
    if "\\" in literal.replace("\\'", "").replace('\\"', ""):
        return None
    return literal.replace("\\'", "'").replace('\\"', '"')


def init_app(app):
    """Called before anything touches `app.jinja_env`."""
    app.jinja_environment = TranslatingEnvironment
    environment = app.jinja_env
    environment.loader = TranslatingLoader(environment.loader, environment)
    environment.filters[FILTER] = _translated
    environment.cache = type(environment.cache)(1200)  # each template three times
