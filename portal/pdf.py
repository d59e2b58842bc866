"""PDF files people send (the proof of a company's official status, proofs of
payment, documents for the inspectors): checked by content, never by the
file's name or the browser's content type, and served back so that the
browser can only show them.

A PDF is accepted when it is a readable, unprotected PDF of at most MAX_BYTES
with at least one page, and nothing in it acts: no script, no launching of a
program, no attached file, no action on opening or on an event, no link to a
scheme other than http, https and mailto.

The work spent on one file is bounded whatever its structure, so that no
upload holds a worker for long: the file's own cross-reference is counted in
its bytes before pypdf reads it (revisions, declared objects), then one walk
with a fixed budget of objects visits what pypdf decodes (pages, names,
actions), and pypdf's page list, which flattens the whole page tree, is never
built. A file beyond a bound is refused with a message that says so.
"""
import io
import logging
import re

from flask import make_response
from pypdf import PdfReader
from pypdf.errors import PyPdfError
from pypdf.generic import (ArrayObject, ByteStringObject, DictionaryObject, IndirectObject, NameObject,
                           TextStringObject)

from . import rate_limit
from .lazy_text import lazy_gettext as _l

MAX_BYTES = 10 * 1024 * 1024
MAX_REVISIONS = 100  # cross-reference sections: the first save and one per incremental update
MAX_OBJECTS = 50_000  # objects written in the file, and entries of its cross-reference tables
MAX_PAGES = 1_000
MAX_RESOLVED = 20_000  # objects the walk may have pypdf parse: what costs
MAX_WALKED = 200_000  # dictionaries and arrays it may visit inside them

# Names that make a PDF act, anywhere in the file: scripts, programs, attached or remote files.
ACTIVE_NAMES = {"/JavaScript", "/JS", "/Launch", "/RichMedia", "/XFA", "/EmbeddedFile", "/EmbeddedFiles",
                "/GoToE", "/GoToR", "/ImportData", "/SubmitForm", "/Rendition", "/Sound", "/Movie"}
# The same names as the raw bytes may show them: a cheap first look before the walk.
ACTIVE_BYTES = re.compile(rb"/(JavaScript|JS|Launch|RichMedia|XFA)\b")
DECLARED_SIZE = re.compile(rb"/Size\s+(\d{1,12})")
# Each counted twice: cheaply, by a few bytes every one of them holds (text may hold them too), and
# exactly, only when the cheap count passes the limit.
OBJECTS = ((b" obj",), re.compile(rb"\d\s+\d+\s+obj\b"))
TABLE_ENTRIES = ((b" n", b" f"), re.compile(rb"\d{10} \d{5} [nf]"))
SCHEME = re.compile(r"([a-z][a-z0-9+.-]*):")
SAFE_SCHEMES = {"http", "https", "mailto"}  # a link without a scheme is relative: allowed
BACK_LINKS = {"/Parent", "/P"}  # the walk reaches those nodes through their children's parents anyway


class PdfError(ValueError):
    def __init__(self, message):
        super().__init__(str(message))
        self.message = message


def _damaged():
    return PdfError(_l("The PDF cannot be opened: it may be damaged. Save it again and send the new copy."))


def _too_complex():
    return PdfError(_l("The PDF is too complex to be checked (too many revisions, objects or pages). Print it "
                       "again as a new PDF, or split it, and send that copy."))


def _active():
    return PdfError(_l("The PDF contains scripts, actions or attached files (JavaScript, launching a program, "
                       "an action on opening). Print it again as a plain PDF and send that copy."))


def check_pdf(data):
    """Raise PdfError, with the message for the person, unless `data` is a PDF the
    portal accepts (see the module's docstring); parsed once."""
    if not data:
        raise PdfError(_l("Choose the PDF file of the official proof of the company's status."))
    if len(data) > MAX_BYTES:
        raise PdfError(_l("The file is larger than 10 MB. Send a smaller PDF, for example scanned "
                          "at a lower resolution."))
    if not data.lstrip()[:5] == b"%PDF-":
        raise PdfError(_l("The file is not a PDF. Save the document as PDF and send it again."))
    _within_declared_bounds(data)
    if ACTIVE_BYTES.search(data):
        raise _active()
    logging.getLogger("pypdf").setLevel(logging.ERROR)  # malformed files are reported to the user
    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted:
            raise PdfError(_l("The PDF is protected by a password. Send a copy without protection."))
        pages = _walk(reader.trailer)
    except PdfError:
        raise
    except (PyPdfError, ValueError, KeyError, TypeError, AttributeError, OSError, RecursionError):
        raise _damaged()
    if pages < 1:
        raise PdfError(_l("The PDF has no page."))


def _within_declared_bounds(data):
    """What pypdf would read before anything else, counted in the bytes: each cross-reference
    section (pypdf follows every one), and the objects each declares."""
    if data.count(b"xref") - data.count(b"startxref") + data.count(b"/XRef") > MAX_REVISIONS:
        raise _too_complex()
    for (marks, exactly) in (OBJECTS, TABLE_ENTRIES):
        if sum(map(data.count, marks)) > MAX_OBJECTS and len(exactly.findall(data)) > MAX_OBJECTS:
            raise _too_complex()
    if any(int(size) > MAX_OBJECTS for size in DECLARED_SIZE.findall(data)):  # what a cross-reference stream declares
        raise _too_complex()


def _walk(trailer):
    """Visit every object reachable from the trailer, as pypdf decodes them (names written with
    #xx escapes, objects inside compressed object streams), within MAX_RESOLVED and MAX_WALKED;
    refuse what acts; return the number of pages met."""
    seen, todo, walked, pages = set(), [trailer], 0, 0
    while todo:
        node = todo.pop()
        walked += 1
        if isinstance(node, IndirectObject):
            key = (node.idnum, node.generation)
            if key in seen:
                continue
            seen.add(key)
            if len(seen) > MAX_RESOLVED:
                raise _too_complex()
            node = node.get_object()
        elif walked > MAX_WALKED:
            raise _too_complex()
        if isinstance(node, DictionaryObject):
            if node.get("/Type") == "/Page":
                pages += 1
                if pages > MAX_PAGES:
                    raise _too_complex()
            for name, value in node.items():
                _refuse_if_active(name, value)
                if name not in BACK_LINKS and isinstance(value, (IndirectObject, DictionaryObject, ArrayObject)):
                    todo.append(value)
                elif isinstance(value, NameObject) and value in ACTIVE_NAMES:
                    raise _active()
        elif isinstance(node, ArrayObject):
            for value in node:
                if isinstance(value, (IndirectObject, DictionaryObject, ArrayObject)):
                    todo.append(value)
                elif isinstance(value, NameObject) and value in ACTIVE_NAMES:
                    raise _active()
    return pages


def _refuse_if_active(name, value):
    """A key that makes the PDF act: an active name, any additional action (/AA: on an event), an
    action run on opening (a destination to show on opening stays allowed), a link to a script."""
    if name in ACTIVE_NAMES or name == "/AA":
        raise _active()
    if name == "/OpenAction" and not isinstance(value.get_object(), ArrayObject):
        raise _active()
    if name == "/URI" and isinstance(value.get_object(), (TextStringObject, ByteStringObject)):
        target = "".join(ch for ch in str(value.get_object()) if ch > " ").lower()  # as a browser reads it
        scheme = SCHEME.match(target)
        if scheme and scheme.group(1) not in SAFE_SCHEMES:
            raise _active()


def safe_filename(name):
    """The name a file is shown under: its last path part, in plain characters."""
    name = name.replace("\\", "/").rsplit("/", 1)[-1]
    cleaned = "".join(ch for ch in name if ch.isalnum() or ch in " ._-()")[:150].strip()
    return cleaned or "proof.pdf"


def uploaded_pdf(upload):
    """(content, filename) of an uploaded PDF, None when no file was chosen;
    raises PdfError when the file is not a PDF the portal accepts, or when the
    client has sent more files than rate_limit.UPLOADS allows (counted before
    the file is read, so that a client cannot spend the servers' time in a loop)."""
    if upload is None or not upload.filename:
        return None
    if rate_limit.exceeded(rate_limit.UPLOADS):
        raise PdfError(_l("Many files have been sent from your connection in the last minutes. Wait ten "
                          "minutes, then send the file again."))
    content = upload.read(MAX_BYTES + 1)
    check_pdf(content)
    return content, safe_filename(upload.filename)


def inline_pdf(data, filename="proof.pdf"):
    """A stored PDF, shown in the browser's PDF viewer and nothing else:
    sandboxed, never cached, never sniffed as another type."""
    response = make_response(bytes(data))
    response.mimetype = "application/pdf"
    response.headers["Content-Disposition"] = f"inline; filename={filename}"
    response.headers["Content-Security-Policy"] = "sandbox; default-src 'none'"
    response.headers["Cache-Control"] = "private, no-store"
    return response
