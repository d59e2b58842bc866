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
from .lazy_text import lazy_gettext as _l

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
        acts = bool(PDF_ACTIVE.search(data)) or _pdf_acts(data)
    except Exception:  # pypdf read it once already; a structure it cannot walk is refused, not served
        raise DocumentError(_l("The file cannot be opened: it may be damaged. Save it again and send the new copy."))
    if acts:
        raise DocumentError(_l("The PDF contains scripts, actions or attached files (JavaScript, launching a "
                               "program). Print it again as a plain PDF and send that copy."))
    return Checked(data, "application/pdf", "pdf")


# Anywhere in a PDF, these names make it act or carry another file.
# (An action on opening or an additional action is refused through its type: /S /JavaScript,
# /S /Launch… are names the walk meets; a plain /GoTo to a page stays allowed.)
PDF_ACTIVE_NAMES = {"/JavaScript", "/JS", "/Launch", "/RichMedia", "/XFA", "/EmbeddedFile", "/EmbeddedFiles",
                    "/GoToE", "/GoToR", "/ImportData", "/SubmitForm", "/Rendition", "/Sound", "/Movie"}
MAX_PDF_OBJECTS = 200_000
MAX_PDF_PAGES = 2_000


def _pdf_acts(data):
    """Walk every object reachable from the trailer, as pypdf decodes them (names with #xx escapes,
    objects inside compressed object streams), and look for an active name as a key or a value.
    A file too large to walk, or with too many pages, counts as acting."""
    from pypdf import PdfReader
    from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject, NameObject

    reader = PdfReader(io.BytesIO(data), strict=False)
    if len(reader.pages) > MAX_PDF_PAGES:
        return True
    seen, todo, budget = set(), [reader.trailer], MAX_PDF_OBJECTS
    while todo:
        budget -= 1
        if budget < 0:
            return True
        node = todo.pop()
        if isinstance(node, IndirectObject):
            key = (node.idnum, node.generation)
            if key in seen:
                continue
            seen.add(key)
            node = node.get_object()
        if isinstance(node, NameObject):
            if str(node) in PDF_ACTIVE_NAMES:
                return True
        elif isinstance(node, DictionaryObject):
            for name, value in node.items():
                if str(name) in PDF_ACTIVE_NAMES:
                    return True
                if str(name) not in ("/Parent", "/P"):  # back links: the walk reaches those nodes anyway
                    todo.append(value)
        elif isinstance(node, ArrayObject):
            todo.extend(node)
    return False


OOXML_TOP = {"[Content_Types].xml", "_rels", "docProps", "word", "xl", "ppt", "customXml"}
ODF_TOP = {"mimetype", "META-INF", "content.xml", "styles.xml", "meta.xml", "settings.xml", "manifest.rdf",
           "Thumbnails", "Pictures", "Configurations2", "layout-cache", "Object 1", "ObjectReplacements"}
# Content types and part names of active content in OOXML: macros, ActiveX, embedded OLE programs.
OOXML_ACTIVE = re.compile(r"macroEnabled|vbaProject|vbaData|activeX|oleObject|ms-office\.vba|keyMapCustomizations",
                          re.IGNORECASE)
ODF_ACTIVE = re.compile(rb"event-listener|office:scripts|vnd\.sun\.star\.script|macro:", re.IGNORECASE)
MAX_XML = 2 * 1024 * 1024  # the parts read to decide: content types, relationships, ODF content


def _damaged():
    return DocumentError(_l("The file cannot be opened: it may be damaged. Save it again and send the new copy."))


def _not_accepted():
    return DocumentError(_l("This kind of file is not accepted: send a PDF, an office document (Word, Excel, "
                            "PowerPoint, OpenDocument) or a PNG or JPEG image."))


def _active_office():
    return DocumentError(_l("The document contains macros, active content or links to other files. Save it "
                            "without them (.docx, .xlsx, .pptx, .odt) or as PDF, and send that copy."))


def _read(archive, name, limit=MAX_XML):
    with archive.open(name) as member:
        content = member.read(limit + 1)
    if len(content) > limit:
        raise _damaged()
    return content


def _check_office(data):
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        entries = archive.infolist()
    except (zipfile.BadZipFile, ValueError, OSError):
        raise _damaged()
    if len(entries) > MAX_ENTRIES:
        raise DocumentError(_l("The document holds too many parts: send a smaller document or a PDF."))
    if any(entry.flag_bits & 0x1 for entry in entries):  # an encrypted part nobody can scan
        raise DocumentError(_l("The document is protected by a password. Send a copy without protection."))
    names = [entry.filename for entry in entries]
    try:
        _unpacked_size_within_limit(archive, entries)
        if "mimetype" in names:
            checked = _check_odf(archive, names, data)
        elif "[Content_Types].xml" in names:
            checked = _check_ooxml(archive, names, data)
        else:
            raise _not_accepted()
    except DocumentError:
        raise
    except Exception:  # zipfile, zlib and the XML parser raise many kinds for a broken or hostile file
        raise _damaged()
    return checked


def _unpacked_size_within_limit(archive, entries):
    """Unpack every part as a stream, counting: the sizes an archive declares may lie (a ZIP bomb)."""
    total = 0
    for entry in entries:
        with archive.open(entry) as member:
            while True:
                chunk = member.read(1024 * 1024)
                if not chunk:
                    break
                total += len(chunk)
                if total > MAX_UNPACKED:
                    raise DocumentError(_l("The document unpacks to more than 100 MB: send a smaller document "
                                           "or a PDF."))


def _check_ooxml(archive, names, data):
    from defusedxml import ElementTree

    if any(name.split("/")[0] not in OOXML_TOP for name in names) or any(OOXML_ACTIVE.search(n) for n in names):
        raise _active_office() if any(OOXML_ACTIVE.search(n) for n in names) else _not_accepted()
    types = ElementTree.fromstring(_read(archive, "[Content_Types].xml"))
    declared = {}
    for element in types:
        kind = element.get("ContentType", "")
        if OOXML_ACTIVE.search(kind):
            raise _active_office()
        if element.get("PartName"):
            declared[element.get("PartName").lstrip("/")] = kind
    for name in names:
        if name.endswith(".rels"):
            for relation in ElementTree.fromstring(_read(archive, name)):
                external = relation.get("TargetMode", "") == "External"
                if external and not relation.get("Type", "").endswith("/hyperlink"):
                    raise _active_office()
                if OOXML_ACTIVE.search(relation.get("Type", "")) or "attachedTemplate" in relation.get("Type", ""):
                    raise _active_office()
    main = None
    for relation in ElementTree.fromstring(_read(archive, "_rels/.rels")):
        if relation.get("Type", "").endswith("/officeDocument"):
            main = relation.get("Target", "").lstrip("/")
    if main not in names or declared.get(main) not in OOXML:
        raise _not_accepted()
    kind, extension = OOXML[declared[main]]
    return Checked(data, kind, extension)


def _check_odf(archive, names, data):
    kind = _read(archive, "mimetype", 200).decode("ascii", "replace").strip()
    if kind not in OPENDOCUMENT or any(name.split("/")[0] not in ODF_TOP for name in names):
        if any(name.lower().startswith(("basic/", "scripts/")) for name in names):
            raise _active_office()
        raise _not_accepted()
    manifest = _read(archive, "META-INF/manifest.xml") if "META-INF/manifest.xml" in names else b""
    if b"encryption-data" in manifest:
        raise DocumentError(_l("The document is protected by a password. Send a copy without protection."))
    for part in ("content.xml", "styles.xml", "settings.xml"):
        if part in names and ODF_ACTIVE.search(_read(archive, part, 50 * 1024 * 1024)):
            raise _active_office()
    return Checked(data, kind, OPENDOCUMENT[kind])


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
    if kind == "MPO":  # the JPEG of many cameras, with a second image appended
        kind = "JPEG"
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
