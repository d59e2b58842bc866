"""`url_for` for templates, remembered per process: building an address
walks werkzeug's rules each time, and a page builds twenty or more of the
same few (the menu, the tiles, the language switch). An address depends only
on its endpoint, its values, the page's language and where the app is
mounted, so it is kept under those."""
from flask import has_request_context, request

from portal.text.languages import current_language

MAX_ADDRESSES = 4096
_HASHABLE = (str, int, type(None))


def remembering_url_for(app):
    """`url_for(endpoint, language, script_root, values)`, remembered."""
    build = app.url_for
    kept = {}  # plain dict operations are atomic under the GIL: safe for a threaded server

    def url_for(endpoint, language, root, values):
        if any(name.startswith("_") for name in values) or not all(isinstance(v, _HASHABLE) for v in values.values()):
            return build(endpoint, **values)
        key = (endpoint, language, root, tuple(sorted(values.items())))
        found = kept.get(key)
        if found is None:
            found = build(endpoint, **values)
            if len(kept) >= MAX_ADDRESSES:  # values typed by visitors (a search) never grow it for good
                kept.clear()
            kept[key] = found
        return found
    return url_for


def init_app(app):
    remembered = remembering_url_for(app)
    # Macros imported without context, and templates rendered outside a request, use the global.
    app.jinja_env.globals["url_for"] = lambda endpoint, **values: remembered(
        endpoint, current_language(), request.script_root if has_request_context() else "", values)

    @app.context_processor
    def _url_for_of_this_page():
        """The page's language and mount point, read once per page instead of at each address."""
        if not has_request_context():
            return {}
        language, root = current_language(), request.script_root
        return {"url_for": lambda endpoint, **values: remembered(endpoint, language, root, values)}
