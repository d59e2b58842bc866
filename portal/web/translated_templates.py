"""Templates compiled once per language, with their fixed strings already translated.

A page says `{{ _("Help") }}` thirty to two hundred times. Through Jinja's i18n extension each is a call
at every render (the catalog of the language in force, the look-up, Markup). The strings are the same
on every page in that language, so each template is compiled once per language instead, with every
`_("literal")` that has no arguments turned into its translation as that call would give it (newstyle
gettext: the catalog's text, `% {}` applied, Markup where the template autoescapes). Calls with
arguments, `ngettext` and strings built at run time still go through gettext.

All of it through Jinja's public API: the environment's `get_template` and `select_template` name the
template in the language in force (`fr\\0base.html`: extends, includes and imports go through them too,
so a page's parts are in its language); a loader gives that name the file's source; an extension's
`filter_stream` rewrites the template's tokens, so a string in `{% raw %}` or in a comment is never
touched. Babel extracts the strings from the files themselves, so the catalogs do not change.
"""
from collections import ChainMap

from flask.templating import Environment
from jinja2 import BaseLoader, Template, pass_context
from jinja2.ext import Extension
from jinja2.lexer import Token
from markupsafe import Markup

from portal.text.lazy_text import catalog_of, language_in_force

SEPARATOR = "\x00"  # between a language and a template's name; never in a file name
FILTER = "_translated"
TEMPLATES_KEPT = 1200  # every template in each of the three languages, with room


@pass_context
def _translated(context, text):
    """A translation in a template: Markup where the template autoescapes, as gettext gives it. A filter
    that takes the context is never folded into a constant at compile time (folding `"…"|safe ~ x` would
    drop the Markup and escape the text)."""
    return Markup(text) if context.eval_ctx.autoescape else text


def in_language(name):
    """The template's name in the language in force (a name that has one already is kept)."""
    if isinstance(name, str) and SEPARATOR not in name:
        return f"{language_in_force()}{SEPARATOR}{name}"
    return name


class _Globals(ChainMap):
    """A template's globals (Jinja's ChainMap of its own over the environment's), whose keys, while the
    template has none of its own, are the environment's dict's: against a ChainMap, the set operations
    Jinja runs on the keys at each `{% from … import … %}` go key by key in Python."""

    def keys(self):
        if len(self.maps) == 2 and not self.maps[0]:
            return self.maps[1].keys()
        return super().keys()


class TranslatingEnvironment(Environment):
    """Flask's environment, getting each template in the language in force."""

    def make_globals(self, d):
        return _Globals(d if d is not None else {}, self.globals)

    def get_template(self, name, parent=None, globals=None):
        return super().get_template(in_language(name), parent, globals)

    def select_template(self, names, parent=None, globals=None):
        if isinstance(names, (str, Template)) or not hasattr(names, "__iter__"):
            return super().select_template(names, parent, globals)  # Jinja's own error for what is no list
        return super().select_template([in_language(name) for name in names], parent, globals)


class TranslatingLoader(BaseLoader):
    """Wraps the app's loader: `fr\\0base.html` is base.html's source (the extension translates it)."""

    def __init__(self, loader):
        self.loader = loader

    def get_source(self, environment, template):
        return self.loader.get_source(environment, template.rpartition(SEPARATOR)[2])

    def list_templates(self):
        return self.loader.list_templates()


class TranslatedAtLoad(Extension):
    """Each `_("literal")` of a template loaded in a language becomes `("translation"|_translated)`, and
    a whole output tag `{{ _("literal") }}` becomes the translation as template text (gettext's Markup
    is written as it is, as is text where the template does not autoescape)."""

    def __init__(self, environment):
        super().__init__(environment)
        environment.filters[FILTER] = _translated

    def filter_stream(self, stream):
        language = (stream.name or "").rpartition(SEPARATOR)[0]
        catalog = catalog_of(language) if language else None
        if catalog is None:
            return stream
        return fold(list(stream), catalog, as_text=self.environment.finalize is None)


def fold(tokens, catalog, as_text=True):
    """The tokens with each `_` `(` string `)` (not an attribute `x._(…)`) replaced by its translation:
    a `data` token where the call is a whole output tag (and `as_text`), else the string through the
    filter."""
    folded, index = [], 0
    while index < len(tokens):
        token = tokens[index]
        if (token.type == "name" and token.value == "_" and index + 3 < len(tokens)
                and [t.type for t in tokens[index + 1:index + 4]] == ["lparen", "string", "rparen"]
                and (index == 0 or tokens[index - 1].type != "dot")):
            text = _translation(catalog, tokens[index + 2].value)
            if text is not None:
                line = token.lineno
                if (as_text and folded and folded[-1].type == "variable_begin" and index + 4 < len(tokens)
                        and tokens[index + 4].type == "variable_end"):
                    folded[-1] = Token(line, "data", text)
                    index += 5
                    continue
                folded += [Token(line, "lparen", "("), Token(line, "string", text), Token(line, "pipe", "|"),
                           Token(line, "name", FILTER), Token(line, "rparen", ")")]
                index += 4
                continue
        folded.append(token)
        index += 1
    return folded


def _translation(catalog, msgid):
    """What gettext gives for `msgid` without arguments, or None when that call would fail (left to fail
    at run time, as before)."""
    try:
        return catalog.ugettext(msgid) % {}
    except (TypeError, ValueError, KeyError):
        return None


def init_app(app):
    """Called before anything touches `app.jinja_env`."""
    app.jinja_environment = TranslatingEnvironment
    app.jinja_options = {**app.jinja_options, "cache_size": TEMPLATES_KEPT}
    environment = app.jinja_env
    environment.loader = TranslatingLoader(environment.loader)
    environment.add_extension(TranslatedAtLoad)
