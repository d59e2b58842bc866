"""CSRF protection for every state-changing request, htmx requests included.

The token lives in the (signed) session. Forms send it as the `csrf_token`
field; htmx sends it in the X-CSRF-Token header (static/js/portal.js reads it
from the page's <meta name="csrf-token">). A cross-site Origin is refused too.
"""
import hmac
import secrets
from urllib.parse import urlsplit

from flask import request, session
from werkzeug.exceptions import BadRequest

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})
FIELD = "csrf_token"
HEADER = "X-CSRF-Token"


class CSRFError(BadRequest):
    description = "The form was refused because its security token is missing or out of date."


def csrf_token():
    token = session.get(FIELD)
    if token is None:
        token = session[FIELD] = secrets.token_urlsafe(32)
    return token


def _same_origin(origin):
    if origin in (None, "", "null"):
        return origin != "null"
    parts = urlsplit(origin)
    # Host only: behind a TLS-terminating proxy the scheme seen here may differ.
    return parts.netloc == request.host


def check_request():
    if request.method in SAFE_METHODS:
        return
    if not _same_origin(request.headers.get("Origin")):
        raise CSRFError()
    expected = session.get(FIELD)
    sent = request.headers.get(HEADER) or request.form.get(FIELD)
    if not expected or not sent or not hmac.compare_digest(expected, sent):
        raise CSRFError()


def init_app(app):
    app.before_request(check_request)
    app.jinja_env.globals["csrf_token"] = csrf_token
