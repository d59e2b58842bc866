"""PDF files people send (the proof of a company's official status, later
other documents): checked by content, never by the file's name or the
browser's content type, and served back so that the browser can only show
them.
"""
import io
import logging

from flask import make_response
from .lazy_text import lazy_gettext as _l
from pypdf import PdfReader
from pypdf.errors import PyPdfError

MAX_BYTES = 10 * 1024 * 1024


class PdfError(ValueError):
    def __init__(self, message):
        super().__init__(str(message))
        self.message = message


def check_pdf(data):
    """Raise PdfError, with the message for the person, unless `data` is a real,
    readable, unprotected PDF of at most MAX_BYTES."""
    if not data:
        raise PdfError(_l("Choose the PDF file of the official proof of the company's status."))
    if len(data) > MAX_BYTES:
        raise PdfError(_l("The file is larger than 10 MB. Send a smaller PDF, for example scanned "
                            "at a lower resolution."))
    if not data.lstrip()[:5] == b"%PDF-":
        raise PdfError(_l("The file is not a PDF. Save the document as PDF and send it again."))
    logging.getLogger("pypdf").setLevel(logging.ERROR)  # malformed files are reported to the user
    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted:
            raise PdfError(_l("The PDF is protected by a password. Send a copy without protection."))
        if len(reader.pages) < 1:
            raise PdfError(_l("The PDF has no page."))
    except PdfError:
        raise
    except (PyPdfError, ValueError, KeyError, TypeError, OSError, RecursionError):
        raise PdfError(_l("The PDF cannot be opened: it may be damaged. Save it again and send "
                            "the new copy."))


def safe_filename(name):
    """The name a file is shown under: its last path part, in plain characters."""
    name = name.replace("\\", "/").rsplit("/", 1)[-1]
    cleaned = "".join(ch for ch in name if ch.isalnum() or ch in " ._-()")[:150].strip()
    return cleaned or "proof.pdf"


def uploaded_pdf(upload):
    """(content, filename) of an uploaded PDF, None when no file was chosen;
    raises PdfError when the file is not a PDF the portal accepts."""
    if upload is None or not upload.filename:
        return None
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
