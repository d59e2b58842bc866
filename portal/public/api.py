"""The register's read-only JSON API: the listed firms with the public list's filters, in keyset pages,
one firm by its agency number, and the OpenAPI 3.1 file that describes both (portal/public/openapi.json,
written by hand, served as it is).

Open to every site's scripts for GET (CORS, without credentials), limited per client like the rest of the
portal (PORTAL_API_RATE_LIMIT requests a minute), and answering every error as JSON: 400 with a message for
a filter it cannot read, 404 for a number no listed firm has, 429 past the limit.
"""
import base64
import binascii
import datetime
import functools
import hashlib
import json
import re
from pathlib import Path

from flask import current_app, jsonify, make_response, request, url_for

from portal.activities import register
from portal.activities.register_files import iso_date
from portal.public import bp
from portal.public.firm_list import FirmSearch, firms_after, listing_version
from portal.text.lazy_text import lazy_gettext as _l
from portal.web import rate_limit
from portal.web.caches import SharedLru

OPENAPI = Path(__file__).with_name("openapi.json")
DEFAULT_LIMIT, MAX_LIMIT = 50, 200
KEPT_BYTES = 8_000_000  # the answers a process keeps (by address and version of the register), at most
FILTERS = ("name", "number", "country", "activity")
BAD_CURSOR = _l("The cursor (after) is not one this API gave: start again without it.")
BAD_LIMIT = _l("The limit is a whole number from 1 to %(max)s.", max=MAX_LIMIT)
NOT_LISTED = _l("No listed firm has this agency number.")
TOO_MANY = _l("Too many requests: wait a minute, then try again.")


def _json(body, status=200):
    response = jsonify(body) if not isinstance(body, bytes) else make_response(body)
    response.status_code = status
    response.mimetype = "application/json"
    response.headers["Access-Control-Allow-Origin"] = "*"
    response.headers["Cache-Control"] = "no-store" if status >= 400 else "public, max-age=30"  # a change: 30 s
    return response


def error(status, message):
    return _json({"error": {"status": status, "message": str(message)}}, status)


def _limited():
    limit = rate_limit.Limit("api", current_app.config["API_RATE_LIMIT"], datetime.timedelta(minutes=1))
    return rate_limit.exceeded_often(limit)


def encode_cursor(firm):
    text = json.dumps([firm.name_key, firm.id], ensure_ascii=False, separators=(",", ":"))
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


def decode_cursor(text):
    """(name key, id) from a cursor this API gave, or None when it is not one."""
    if len(text) > 600 or not re.fullmatch(r"[A-Za-z0-9_-]+", text):
        return None
    try:
        name, key = json.loads(base64.urlsafe_b64decode(text + "=" * (-len(text) % 4)).decode())
    except (ValueError, TypeError, binascii.Error, UnicodeDecodeError):
        return None
    if not isinstance(name, str) or type(key) is not int or not 0 < key < 2**63 or "\x00" in name:
        return None
    try:
        name.encode()  # JSON can carry a lone surrogate ("\ud800"), which no database takes
    except UnicodeEncodeError:
        return None
    return name, key


def _limit():
    text = request.args.get("limit", str(DEFAULT_LIMIT))
    return int(text) if re.fullmatch(r"\d{1,4}", text) and 1 <= int(text) <= MAX_LIMIT else None


@bp.route("/api/v1/firms")
def api_firms():
    if _limited():
        return error(429, TOO_MANY)
    search = FirmSearch.from_args({key: request.args.get(key, "") for key in FILTERS})
    if search.errors:
        return error(400, " ".join(str(message) for message in search.errors.values()))
    limit = _limit()
    if limit is None:
        return error(400, BAD_LIMIT)
    cursor = None
    if request.args.get("after"):
        cursor = decode_cursor(request.args["after"])
        if cursor is None:
            return error(400, BAD_CURSOR)
    return _kept(("firms", tuple(search.query_args(page=None, sort=None).items()), cursor, limit),
                 lambda version: _firm_page(search, cursor, limit, version))


def _firm_page(search, cursor, limit, version):
    rows = firms_after(search, cursor, limit + 1)
    page = rows[:limit]
    next_link = None
    if len(rows) > limit:
        next_link = _absolute(url_for("public.api_firms", **search.query_args(page=None, sort=None), limit=limit,
                                      after=encode_cursor(page[-1])))
    firms = [register.RegisteredFirm(row.agency_number, row.name, row.country, row.city,
                                     register.kinds_of(row.kinds)).as_record() for row in page]
    return {"data_date": iso_date(register.data_date(version)), "firms": firms, "next": next_link}


@bp.route("/api/v1/firms/<number>")
def api_firm(number):
    if _limited():
        return error(429, TOO_MANY)
    if not re.fullmatch(r"\d{1,10}", number):
        return error(404, NOT_LISTED)
    number = number.lstrip("0").zfill(6)
    return _kept(("firm", number), lambda version: _one_firm(number))


def _one_firm(number):
    found = register.listed_firm(number)
    return found.as_record() if found is not None else None


def _absolute(path):
    """An address of this API as the portal's own (PORTAL_BASE_URL), never as the request's Host header says."""
    return current_app.config["BASE_URL"].rstrip("/") + path


def _size(entry):
    return len(entry[0]) + ENTRY_COST


ENTRY_COST = 512  # what an entry costs beyond its body (its key, its tag): many tiny answers fill the store too


def _kept(question, make):
    """The answer to `question` (what was asked, as read: unknown arguments and the Host make no new entry)
    for this version of the register: made once per process (`make(version)`, a body or None when there is
    no such firm), kept, and sent with an ETag (304 when the client has it)."""
    version = listing_version()
    store = current_app.extensions.get("api_answers")
    if store is None:
        store = current_app.extensions.setdefault("api_answers", SharedLru(KEPT_BYTES, getsizeof=_size))
    key = (question, version)
    entry = store.get(key)
    if entry is None:
        body = make(version)
        if body is None:
            return error(404, NOT_LISTED)
        text = json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode()
        entry = (text, hashlib.blake2b(text, digest_size=12).hexdigest())
        store.put(key, entry)
    text, tag = entry
    response = _json(b"" if tag in request.if_none_match else text, 304 if tag in request.if_none_match else 200)
    response.set_etag(tag)
    return response


@functools.cache
def _description():
    return OPENAPI.read_bytes()


@bp.route("/api/v1/openapi.json")
def api_description():
    return _json(_description())
