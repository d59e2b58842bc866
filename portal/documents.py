"""Documents exchanged with the agency's inspectors ("Mes contrôles"):
checked by their content, never by their name or the browser's type, and
served so that a browser can never run them.

Accepted: PDF (readable, unprotected, without JavaScript or launch
actions), office documents (Word, Excel, PowerPoint in their OOXML form
without macros; OpenDocument text, spreadsheet, presentation), PNG and JPEG
images. At most MAX_BYTES each; an office document, being a ZIP archive, at
most MAX_ENTRIES files and MAX_UNPACKED bytes once unpacked (a "ZIP bomb"
is refused before anything is unpacked).
"""
import io
import re
import zipfile
from dataclasses import dataclass

from flask import make_response
from flask_babel import lazy_gettext as _l

from . import pdf

MAX_BYTES = 10 * 1024 * 1024
MAX_ENTRIES = 2000
MAX_UNPACKED = 100 * 1024 * 1024
MAX_PIXELS = 50_000_000

OOXML = {  # the main part's content type -> (what it is, extension)
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml":
        ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", "docx"),
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml":
        ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx"),
    "application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml":
        ("application/vnd.openxmlformats-officedocument.presentationml.presentation", "pptx"),
}
OPENDOCUMENT = {
    "application/vnd.oasis.opendocument.text": "odt",
    "application/vnd.oasis.opendocument.spreadsheet": "ods",
    "application/vnd.oasis.opendocument.presentation": "odp",
}
# Names that make a PDF act: scripts, launching programs, actions on open.
PDF_ACTIVE = re.compile(rb"/(JavaScript|JS|Launch|RichMedia|XFA)\b")


class DocumentError(ValueError):
    def __init__(self, message):
        super().__init__(str(message))
        self.message = message


@dataclass(frozen=True)
class Checked:
    content: bytes
    content_type: str
    extension: str


def check(data):
    """What the file is, by its content; DocumentError with the person's message otherwise."""
    if not data:
        raise DocumentError(_l("Choose the file to send."))
    if len(data) > MAX_BYTES:
        raise DocumentError(_l("The file is larger than 10 MB. Send a smaller file."))
    if data.lstrip()[:5] == b"%PDF-":
        return _check_pdf(data)
    if data[:4] == b"PK\x03\x04":
        return _check_office(data)
    if data[:8] == b"\x89PNG\r\n\x1a\n" or data[:3] == b"\xff\xd8\xff":
        return _check_image(data)
    raise DocumentError(_l("This kind of file is not accepted: send a PDF, an office document (Word, Excel, "
                           "PowerPoint, OpenDocument) or a PNG or JPEG image."))


def _check_pdf(data):
    try:
        pdf.check_pdf(data)
    except pdf.PdfError as error:
        raise DocumentError(error.message)
    try:
        acts = bool(PDF_ACTIVE.search(data)) or _pdf_catalog_acts(data)
    except Exception:  # pypdf read it once already; a structure it cannot walk is refused, not served
        raise DocumentError(_l("The file cannot be opened: it may be damaged. Save it again and send the new copy."))
    if acts:
        raise DocumentError(_l("The PDF contains scripts or actions (JavaScript, launching a program). Print it "
                               "again as a plain PDF and send that copy."))
    return Checked(data, "application/pdf", "pdf")


def _pdf_catalog_acts(data):
    """Scripts hidden in compressed object streams, where the raw bytes show no name:
    the document's JavaScript name tree, an action run on opening, page actions."""
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(data), strict=False)
    root = reader.trailer["/Root"]
    names = root.get("/Names")
    if names is not None and "/JavaScript" in names.get_object():
        return True
    action = root.get("/OpenAction")
    if action is not None:
        action = action.get_object()
        if hasattr(action, "get") and action.get("/S") in ("/JavaScript", "/Launch"):
            return True
    if "/AA" in root:
        return True
    return any("/AA" in page for page in reader.pages)


def _check_office(data):
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        entries = archive.infolist()
    except (zipfile.BadZipFile, ValueError, OSError):
        raise DocumentError(_l("The file cannot be opened: it may be damaged. Save it again and send the new copy."))
    if len(entries) > MAX_ENTRIES or sum(entry.file_size for entry in entries) > MAX_UNPACKED:
        raise DocumentError(_l("The document unpacks to more than 100 MB: send a smaller document or a PDF."))
    names = {entry.filename for entry in entries}
    try:
        if "mimetype" in names:  # OpenDocument: the first entry names the type
            kind = archive.read("mimetype").decode("ascii", "replace").strip()
            if kind in OPENDOCUMENT and not any(name.lower().startswith("basic/") for name in names):
                return Checked(data, kind, OPENDOCUMENT[kind])
        elif "[Content_Types].xml" in names:
            types = archive.read("[Content_Types].xml").decode("utf-8", "replace")
            if "vbaProject" in types or any(name.lower().endswith("vbaproject.bin") for name in names):
                raise DocumentError(_l("The document contains macros. Save it without macros (.docx, .xlsx, "
                                       ".pptx) or as PDF, and send that copy."))
            for main, (kind, extension) in OOXML.items():
                if main in types:
                    return Checked(data, kind, extension)
    except (zipfile.BadZipFile, KeyError, RuntimeError, OSError, EOFError):
        raise DocumentError(_l("The file cannot be opened: it may be damaged. Save it again and send the new copy."))
    raise DocumentError(_l("This kind of file is not accepted: send a PDF, an office document (Word, Excel, "
                           "PowerPoint, OpenDocument) or a PNG or JPEG image."))


def _check_image(data):
    from PIL import Image

    Image.MAX_IMAGE_PIXELS = MAX_PIXELS
    try:
        with Image.open(io.BytesIO(data)) as image:
            kind = image.format
            width, height = image.size
            image.verify()
    except Exception:  # Pillow raises many kinds for a damaged or hostile image
        raise DocumentError(_l("The image cannot be opened: it may be damaged. Save it again and send the new copy."))
    if kind not in ("PNG", "JPEG") or width * height > MAX_PIXELS:
        raise DocumentError(_l("This kind of file is not accepted: send a PDF, an office document (Word, Excel, "
                               "PowerPoint, OpenDocument) or a PNG or JPEG image."))
    return Checked(data, "image/png" if kind == "PNG" else "image/jpeg", "png" if kind == "PNG" else "jpg")


def served(content, content_type, extension, reference):
    """A stored document, served as what it was checked to be: PDFs and images
    shown in a sandbox, office documents downloaded; never cached, never sniffed.
    The name is the portal's own (`reference`), never the one it was sent under."""
    response = make_response(bytes(content))
    response.mimetype = content_type
    shown = extension in ("pdf", "png", "jpg")
    response.headers["Content-Disposition"] = f"{'inline' if shown else 'attachment'}; filename={reference}.{extension}"
    response.headers["Content-Security-Policy"] = "sandbox; default-src 'none'; img-src 'self'"
    response.headers["Cache-Control"] = "private, no-store"
    return response
