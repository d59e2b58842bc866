"""`{% cache "name", key %}…{% endcache %}`: a piece of a template rendered
once per key and language, then kept in the process (an LRU).

For what pages show again and again: the rows of the staff queue (the key is
what the row shows, a tuple of its values, so a row that changes is a new key
and no copy is ever out of date), the table of a page of them (keyed by its
rows: one look-up for the page; when one row changed, the others still come
from their own pieces), blank form fields, the layout's fixed parts.
Nothing personal goes in a cached piece (no name of who is asking, nothing
typed): it is the same for everyone who may see it. A form's CSRF token is
kept as page_cache's placeholder, and the reader's own token written in its
place each time the piece goes out (as page_cache does for a whole page).

A key of `none` keeps nothing: the piece is rendered each time. That is how a
piece holding what someone typed, or an error, stays theirs:
`{% cache none if value else ("blank field", name) %}…{% endcache %}`.

What the key does not hold, and so must not change what a piece shows: the
template's source (a development server that reloads an edited template
keeps the old pieces until it restarts) and the address prefix `url_for`
writes (the same on every request here; a proxy that sets a prefix per
request, ProxyFix's x_prefix, would need it in the key).
"""
from flask import g
from jinja2 import nodes
from jinja2.ext import Extension
from markupsafe import Markup

from portal.text.lazy_text import language_in_force
from portal.web.caches import SharedLru
from portal.web.page_cache import PLACEHOLDER, token_for_page

# Per process, in characters (a queue row is 0.5 to 2 K, a page of 25 rows 12 to 50 K): about 8 MB of text.
MAX_CHARACTERS = 8_000_000


class FragmentCache(Extension):
    tags = {"cache"}

    def parse(self, parser):
        lineno = next(parser.stream).lineno
        key = parser.parse_tuple()
        body = parser.parse_statements(("name:endcache",), drop_needle=True)
        # The template's name is in the key too: two templates never share a piece by accident.
        call = self.call_method("_cached", [nodes.Const(parser.name), key])
        return nodes.CallBlock(call, [], [], body).set_lineno(lineno)

    def _cached(self, template, key, caller):
        if key is None:  # this time, nothing to keep (see above)
            return caller()
        # Each value with its type: Markup("a<b>") equals "a<b>" but is written out otherwise.
        key = tuple((type(part), part) for part in key) if isinstance(key, tuple) else (type(key), key)
        store = self.environment.fragment_store  # the app's, on its environment: no context look-up per piece
        full = (template, language_in_force(), key)
        try:
            found = store.get(full)
        except TypeError:  # a value in the key that cannot be a key (a list, a dict): rendered each time
            return caller()
        if found is None:
            found = _with_placeholder_tokens(caller)
            store.put(full, found)
        if PLACEHOLDER in found:  # a form's token: the reader's own (or the placeholder again on a shared page)
            return Markup(str.replace(found, PLACEHOLDER, token_for_page()))
        return found


def frozen(value):
    """A dict (its items, in their order) or a list as a tuple, to be part of a piece's key."""
    if isinstance(value, dict):
        return tuple(value.items())
    return tuple(value) if isinstance(value, list) else value


def _with_placeholder_tokens(caller):
    """The piece, with `csrf_token()` giving the placeholder inside it."""
    shared = g.get("shared_page", False)
    g.shared_page = True
    try:
        return caller()
    finally:
        g.shared_page = shared


def init_app(app):
    app.jinja_env.fragment_store = app.extensions["fragment_cache"] = SharedLru(MAX_CHARACTERS, getsizeof=len)  # each app its own
    app.jinja_env.add_extension(FragmentCache)
    app.jinja_env.filters["frozen"] = frozen
