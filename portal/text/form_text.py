"""Text typed in forms: what a single-line field may hold.

Line breaks, tabs, NUL and the other control characters, and the invisible
direction overrides (which make "gpj.exe" look like "exe.jpg"), have no
place in a name, an address or a number: they are refused with a clear
message rather than stored, where they would break an e-mail header, a CSV
export or the reading of a page later.
"""
import re

from portal.text.lazy_text import lazy_gettext as _l

_SINGLE_LINE_FORBIDDEN = re.compile("[\x00-\x1f\x7f-\x9f\u200b-\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069\ufeff]")
_MULTI_LINE_FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ufeff]")

# An e-mail address as people type it: something@domain.tld, no spaces.
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")

SINGLE_LINE_MESSAGE = _l("Remove the line breaks, tabs or invisible characters from this field.")
MULTI_LINE_MESSAGE = _l("Remove the invisible control characters from this text.")


def single_line_errors(values):
    """{field: message} for every text value that holds a forbidden character."""
    return {name: SINGLE_LINE_MESSAGE for name, value in values.items()
            if isinstance(value, str) and _SINGLE_LINE_FORBIDDEN.search(value)}


def multi_line_ok(text):
    return not _MULTI_LINE_FORBIDDEN.search(text or "")


def refuse_nul_bytes():
    """before_request: a NUL byte has no place in an address, a query or a
    form outside the wizard (whose fields say so next to the field);
    PostgreSQL cannot even store one. 400, in the person's language."""
    from flask import abort, request

    if "\x00" in request.path or any("\x00" in value for value in request.args.values()):
        abort(400)
    if request.method == "POST" and request.blueprint != "wizard" and any(
            "\x00" in value for value in request.form.values()):
        abort(400)


def init_app(app):
    app.before_request(refuse_nul_bytes)


def row_id(text):
    """An id sent in a form (a select, a radio, a checkbox): a whole number in ASCII digits, or -1,
    which names no row: odd input is simply not found, never an error or an overflow."""
    return int(text) if text.isascii() and text.isdigit() and len(text) < 12 else -1
