"""Public pages that are the same for every visitor without a login (home,
help, FAQ, guides, the login choice, the registration's start, the list of
registered firms): rendered once per address, language and htmx request
kind, kept in the process, and sent with an ETag, so that a repeat visit
gets 304 Not Modified and a shared cache may keep them a few minutes.

A page with a form needs the visitor's own CSRF token: it is rendered with a
placeholder, replaced by the token of each visitor as the page goes out. A
page without a form drops the token altogether, so that it sets no session
cookie. A visitor with a login, a login in progress or a message waiting in
the session gets the page rendered for them, as before.

`version` names what a page shows from the database (the list of firms):
the page is rendered again once that version changes.
"""
import functools
import hashlib
import secrets
import time

from flask import current_app, g, make_response, request, session

from portal.web.caches import SharedLru
from portal.web.csrf import csrf_token

# Random per process (the store is too): a visitor cannot type it into an address to have their token
# copied into the page's links.
PLACEHOLDER = f"__csrf_{secrets.token_hex(16)}__"
_META = f'<meta name="csrf-token" content="{PLACEHOLDER}">'
MAX_PAGES = 256  # per process: a few MB at most, whatever addresses a crawler invents
PERSONAL = ("login", "pending_login", "_flashes")  # session keys that make a page someone's own


def pages():
    """This app's store (each app, in tests each test's, has its own)."""
    return current_app.extensions["page_cache"]


def init_app(app):
    app.extensions["page_cache"] = SharedLru(MAX_PAGES)
    app.jinja_env.globals["csrf_token"] = token_for_page


def token_for_page():
    """What `csrf_token()` gives a template: the visitor's token, or the
    placeholder while a shared page is rendered."""
    return PLACEHOLDER if g.get("shared_page") else csrf_token()


def shareable():
    return not any(key in session for key in PERSONAL)


def shared_page(max_age=300, version=None):
    """Decorate a view whose page is the same for every visitor without a login."""
    def decorate(view):
        @functools.wraps(view)
        def wrapper(*args, **kwargs):
            if request.method not in ("GET", "HEAD") or not current_app.config.get("PAGE_CACHE", True) \
                    or not shareable():
                return view(*args, **kwargs)
            key = (request.path, request.query_string, request.headers.get("HX-Request"),
                   request.headers.get("HX-Request-Type"), request.headers.get("HX-History-Restore-Request"),
                   version() if version else None)
            store = pages()
            entry = store.get(key)
            if entry is None or (time.monotonic() - entry[3] > max_age):
                entry = _render(view, args, kwargs)
                if entry is None:  # not a page to share (an error, a redirect): rendered for this visitor
                    return view(*args, **kwargs)
                store.put(key, entry)
            return _send(entry, max_age)
        return wrapper
    return decorate


def _render(view, args, kwargs):
    g.shared_page = True
    try:
        response = make_response(view(*args, **kwargs))
    finally:
        g.shared_page = False
    if response.status_code != 200 or response.direct_passthrough or response.mimetype != "text/html":
        return None
    body = response.get_data(as_text=True)
    needs_token = body.count(PLACEHOLDER) > body.count(_META)
    if not needs_token:
        body = body.replace(_META, "")
    etag = hashlib.blake2b(body.encode(), digest_size=16).hexdigest()
    return body, etag, needs_token, time.monotonic()


def _send(entry, max_age):
    body, etag, needs_token, _ = entry
    if needs_token:  # the visitor's own token: the page is theirs, and never 304 from another's copy
        response = make_response(body.replace(PLACEHOLDER, csrf_token()))
        response.headers["Cache-Control"] = "no-store"
        return response
    if etag in request.if_none_match:
        response = make_response("", 304)
    else:
        response = make_response(body)
    response.set_etag(etag)
    response.headers["Cache-Control"] = f"public, max-age={max_age}"
    response.vary.add("Cookie")
    return response
