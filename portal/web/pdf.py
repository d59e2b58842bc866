"""PDF files people send (the proof of a company's official status, proofs of
payment, documents for the inspectors): checked by content, never by the
file's name or the browser's content type, and served back so that the
browser can only show them.

A PDF is accepted when it is a readable, unprotected PDF of at most MAX_BYTES
with at least one page, and nothing in it acts: no script, no launching of a
program, no attached file, no action on opening or on an event, no link to a
scheme other than http, https and mailto.

The work spent on one file is bounded whatever its structure: pypdf reads it
in a process of its own (pdf_inspect.py) that the kernel ends past
CPU_SECONDS of CPU or MEMORY_BYTES of memory, and the file is then refused as
too complex. The counts (revisions, objects, pages) answer the common hostile
shapes before that; the file is parsed once.
"""
import json
import subprocess
import sys
from pathlib import Path

from flask import make_response

from portal.text.lazy_text import lazy_gettext as _l
from portal.web import pdf_inspect, rate_limit, virus_scan

MAX_BYTES = 10 * 1024 * 1024
MAX_REVISIONS = 100  # cross-reference sections: the first save and one per incremental update
MAX_OBJECTS = 100_000  # objects written in the file, and entries of its cross-reference tables
MAX_PAGES = 2_000
MAX_RESOLVED = 60_000  # objects the walk may have pypdf parse (about the CPU time allowed)
MAX_WALKED = 1_000_000  # dictionaries and arrays it may visit inside them
CPU_SECONDS = 2
MEMORY_BYTES = 1024 * 1024 * 1024
WALL_SECONDS = 15  # a process that waits rather than works (a machine under load) is ended too
INSPECTOR = str(Path(__file__).with_name("pdf_inspect.py"))


class PdfError(ValueError):
    def __init__(self, message):
        super().__init__(str(message))
        self.message = message


MESSAGES = {  # what each of pdf_inspect's verdicts tells the person
    pdf_inspect.DAMAGED: _l("The PDF cannot be opened: it may be damaged. Save it again and send the new copy."),
    pdf_inspect.ENCRYPTED: _l("The PDF is protected by a password. Send a copy without protection."),
    pdf_inspect.NO_PAGE: _l("The PDF has no page."),
    pdf_inspect.TOO_COMPLEX: _l("The PDF is too complex to be checked (too many revisions, objects or pages). "
                                "Print it again as a new PDF, or split it, and send that copy."),
    pdf_inspect.ACTIVE: _l("The PDF contains scripts, actions or attached files (JavaScript, launching a "
                           "program, an action on opening). Print it again as a plain PDF and send that copy."),
}


def limits():
    return {"revisions": MAX_REVISIONS, "objects": MAX_OBJECTS, "pages": MAX_PAGES, "resolved": MAX_RESOLVED,
            "walked": MAX_WALKED, "cpu_seconds": CPU_SECONDS, "memory_bytes": MEMORY_BYTES}


def check_pdf(data):
    """Raise PdfError, with the message for the person, unless `data` is a PDF the
    portal accepts (see the module's docstring)."""
    if not data:
        raise PdfError(_l("Choose the PDF file of the official proof of the company's status."))
    if len(data) > MAX_BYTES:
        raise PdfError(_l("The file is larger than 10 MB. Send a smaller PDF, for example scanned "
                          "at a lower resolution."))
    if not data.lstrip()[:5] == b"%PDF-":
        raise PdfError(_l("The file is not a PDF. Save the document as PDF and send it again."))
    verdict = inspect_apart(data)
    if verdict != pdf_inspect.OK:
        raise PdfError(MESSAGES[verdict])


def inspect_apart(data):
    """pdf_inspect's verdict, from its own process: too complex when the process was ended (past its
    CPU time or memory, or WALL_SECONDS), damaged when it failed otherwise."""
    try:
        done = subprocess.run([sys.executable, "-I", INSPECTOR, json.dumps(limits())], input=data,
                              capture_output=True, timeout=WALL_SECONDS, check=False)
    except subprocess.TimeoutExpired:
        return pdf_inspect.TOO_COMPLEX
    verdict = done.stdout.decode("ascii", "replace").strip()
    if done.returncode < 0 or b"MemoryError" in done.stderr:  # ended by a signal (SIGXCPU, SIGKILL), or no memory
        return pdf_inspect.TOO_COMPLEX
    return verdict if done.returncode == 0 and verdict in pdf_inspect.VERDICTS else pdf_inspect.DAMAGED


def safe_filename(name):
    """The name a file is shown under: its last path part, in plain characters."""
    name = name.replace("\\", "/").rsplit("/", 1)[-1]
    cleaned = "".join(ch for ch in name if ch.isalnum() or ch in " ._-()")[:150].strip()
    return cleaned or "proof.pdf"


def uploaded_pdf(upload):
    """(content, filename) of an uploaded PDF, None when no file was chosen;
    raises PdfError when the file is not a PDF the portal accepts, when ClamAV
    finds a virus in it or cannot scan it now (virus_scan, before the PDF is
    read), or when the client has sent more files than rate_limit.UPLOADS allows
    (counted before the file is read, so that a client cannot spend the servers'
    time in a loop)."""
    if upload is None or not upload.filename:
        return None
    if rate_limit.exceeded(rate_limit.UPLOADS):
        raise PdfError(_l("Many files have been sent from your connection in the last minutes. Wait ten "
                          "minutes, then send the file again."))
    content = upload.read(MAX_BYTES + 1)
    if 0 < len(content) <= MAX_BYTES:  # an empty or oversized file is check_pdf's to refuse, unscanned
        refused = virus_scan.refusal(content)
        if refused:
            raise PdfError(refused)
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
