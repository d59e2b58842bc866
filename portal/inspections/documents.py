"""Documents exchanged with the agency's inspectors ("Mes contrôles"):
checked by their content, never by their name or the browser's type, and
served so that a browser can never run them.

Accepted: PDF (readable, unprotected, without JavaScript or launch
actions), office documents (Word, Excel, PowerPoint in their OOXML form
without macros; OpenDocument text, spreadsheet, presentation), PNG and JPEG
images. At most MAX_BYTES each; an office document, being a ZIP archive, at
most MAX_ENTRIES files and MAX_UNPACKED bytes once unpacked (a "ZIP bomb"
is refused before anything is unpacked), of which only the parts that
decide are read, as streams. PDFs are pdf.py's: every PDF the portal takes
is checked the same way.
"""
import io
import re
import zipfile
from dataclasses import dataclass

from flask import make_response

from portal.text.lazy_text import lazy_gettext as _l
from portal.web import pdf

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
    return Checked(data, "application/pdf", "pdf")


OOXML_TOP = {"[Content_Types].xml", "_rels", "docProps", "word", "xl", "ppt", "customXml"}
ODF_TOP = {"mimetype", "META-INF", "content.xml", "styles.xml", "meta.xml", "settings.xml", "manifest.rdf",
           "Thumbnails", "Pictures", "Configurations2", "layout-cache", "Object 1", "ObjectReplacements"}
# Content types and part names of active content in OOXML: macros, ActiveX, embedded OLE programs.
OOXML_ACTIVE = re.compile(r"macroEnabled|vbaProject|vbaData|activeX|oleObject|ms-office\.vba|keyMapCustomizations",
                          re.IGNORECASE)
# What makes an OpenDocument act, written in lower case: the parts are searched lowered, as they unpack.
ODF_ACTIVE = (b"event-listener", b"office:scripts", b"vnd.sun.star.script", b"macro:")
ODF_SEARCHED = ("content.xml", "styles.xml", "settings.xml")
MAX_XML = 2 * 1024 * 1024  # one part parsed to decide: content types, relationships, manifest
MAX_XML_IN_ALL = 4 * 1024 * 1024  # all the parts of one document parsed as XML
CHUNK = 1024 * 1024


def _damaged():
    return DocumentError(_l("The file cannot be opened: it may be damaged. Save it again and send the new copy."))


def _not_accepted():
    return DocumentError(_l("This kind of file is not accepted: send a PDF, an office document (Word, Excel, "
                            "PowerPoint, OpenDocument) or a PNG or JPEG image."))


def _too_many_parts():
    return DocumentError(_l("The document holds too many parts: send a smaller document or a PDF."))


def _active_office():
    return DocumentError(_l("The document contains macros, active content or links to other files. Save it "
                            "without them (.docx, .xlsx, .pptx, .odt) or as PDF, and send that copy."))


class _Archive:
    """An office document's ZIP archive, read within bounds. Python's zipfile never returns more
    of a part than the archive's directory declares (and then fails on its checksum), so the
    declared sizes, checked before anything is unpacked, bound every read; the parts parsed as
    XML share one budget, so that a document of many small parts costs no more than one."""

    def __init__(self, data):
        self.zip = zipfile.ZipFile(io.BytesIO(data))
        self.entries = self.zip.infolist()
        self.names = [entry.filename for entry in self.entries]
        self.xml_left = MAX_XML_IN_ALL

    def read(self, name, limit=MAX_XML):
        with self.zip.open(name) as member:
            content = member.read(limit + 1)
        self.xml_left -= len(content)
        if len(content) > limit:
            raise _damaged()
        if self.xml_left < 0:
            raise _too_many_parts()
        return content

    def mentions(self, name, needles):
        """Whether the part, lowered, holds one of `needles`: read as a stream, a chunk at a time."""
        keep, tail = max(map(len, needles)) - 1, b""
        with self.zip.open(name) as member:
            while chunk := member.read(CHUNK):
                window = tail + chunk.lower()
                if any(needle in window for needle in needles):
                    return True
                tail = window[-keep:]
        return False


def _check_office(data):
    if data.count(b"PK\x01\x02") > MAX_ENTRIES:  # each entry of the directory starts so: counted before zipfile reads it
        raise _too_many_parts()
    try:
        archive = _Archive(data)
    except (zipfile.BadZipFile, ValueError, OSError):
        raise _damaged()
    entries, names = archive.entries, archive.names
    if len(entries) > MAX_ENTRIES:
        raise _too_many_parts()
    if any(entry.flag_bits & 0x1 for entry in entries):  # an encrypted part nobody can scan
        raise DocumentError(_l("The document is protected by a password. Send a copy without protection."))
    if sum(entry.file_size for entry in entries) > MAX_UNPACKED:
        raise DocumentError(_l("The document unpacks to more than 100 MB: send a smaller document or a PDF."))
    try:
        if "mimetype" in names:
            return _check_odf(archive, data)
        if "[Content_Types].xml" in names:
            return _check_ooxml(archive, data)
    except DocumentError:
        raise
    except Exception:  # zipfile, zlib and the XML parser raise many kinds for a broken or hostile file
        raise _damaged()
    raise _not_accepted()


def _check_ooxml(archive, data):
    from defusedxml import ElementTree

    names = archive.names
    if any(name.split("/")[0] not in OOXML_TOP for name in names) or any(OOXML_ACTIVE.search(n) for n in names):
        raise _active_office() if any(OOXML_ACTIVE.search(n) for n in names) else _not_accepted()
    types = ElementTree.fromstring(archive.read("[Content_Types].xml"))
    declared = {}
    for element in types:
        kind = element.get("ContentType", "")
        if OOXML_ACTIVE.search(kind):
            raise _active_office()
        if element.get("PartName"):
            declared[element.get("PartName").lstrip("/")] = kind
    for name in names:
        if name.endswith(".rels"):
            for relation in ElementTree.fromstring(archive.read(name)):
                external = relation.get("TargetMode", "") == "External"
                if external and not relation.get("Type", "").endswith("/hyperlink"):
                    raise _active_office()
                if OOXML_ACTIVE.search(relation.get("Type", "")) or "attachedTemplate" in relation.get("Type", ""):
                    raise _active_office()
    main = None
    for relation in ElementTree.fromstring(archive.read("_rels/.rels")):
        if relation.get("Type", "").endswith("/officeDocument"):
            main = relation.get("Target", "").lstrip("/")
    if main not in names or declared.get(main) not in OOXML:
        raise _not_accepted()
    kind, extension = OOXML[declared[main]]
    return Checked(data, kind, extension)


def _check_odf(archive, data):
    names = archive.names
    kind = archive.read("mimetype", 200).decode("ascii", "replace").strip()
    if kind not in OPENDOCUMENT or any(name.split("/")[0] not in ODF_TOP for name in names):
        if any(name.lower().startswith(("basic/", "scripts/")) for name in names):
            raise _active_office()
        raise _not_accepted()
    manifest = archive.read("META-INF/manifest.xml") if "META-INF/manifest.xml" in names else b""
    if b"encryption-data" in manifest:
        raise DocumentError(_l("The document is protected by a password. Send a copy without protection."))
    if any(part in names and archive.mentions(part, ODF_ACTIVE) for part in ODF_SEARCHED):
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
