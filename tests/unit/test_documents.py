"""Documents sent to the inspectors are judged by their content (documents.check)."""
import io
import zipfile

import pytest
from pypdf import PdfWriter
from pypdf.generic import ArrayObject, DictionaryObject, NameObject, TextStringObject

from portal import documents


def a_pdf(script=False):
    writer = PdfWriter()
    writer.add_blank_page(595, 842)
    if script:  # a document-level script, as Acrobat runs on opening
        js = DictionaryObject({NameObject("/S"): NameObject("/JavaScript"),
                               NameObject("/JS"): TextStringObject("app.alert('hello');")})
        tree = DictionaryObject({NameObject("/Names"): ArrayObject([TextStringObject("hello"),
                                                                    writer._add_object(js)])})
        writer._root_object[NameObject("/Names")] = DictionaryObject({NameObject("/JavaScript"):
                                                                      writer._add_object(tree)})
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def a_zip(files):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    return buffer.getvalue()


DOCX_TYPES = ('<?xml version="1.0"?><Types><Override PartName="/word/document.xml" ContentType="application/'
              'vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>')
RELS = ('<?xml version="1.0"?><Relationships><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/'
        'officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>')


def a_docx(**extra):
    return a_zip({"[Content_Types].xml": DOCX_TYPES, "_rels/.rels": RELS, "word/document.xml": "<w/>", **extra})


def raw_pdf(objects):
    """A PDF written by hand, object by object, as an attacker would."""
    out, offsets = b"%PDF-1.7\n", []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return out


PAGES = [b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>"]


def an_image(kind="PNG"):
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (20, 10), "white").save(buffer, kind)
    return buffer.getvalue()


def test_the_accepted_kinds_are_recognised_by_their_content():
    assert documents.check(a_pdf()).extension == "pdf"
    assert documents.check(a_docx()).extension == "docx"
    odt = a_zip({"mimetype": "application/vnd.oasis.opendocument.text", "content.xml": "<office/>"})
    assert documents.check(odt).content_type == "application/vnd.oasis.opendocument.text"
    assert documents.check(an_image("PNG")).content_type == "image/png"
    assert documents.check(an_image("JPEG")).extension == "jpg"


@pytest.mark.parametrize("data, message", [
    (b"", "Choose the file"),
    (b"MZ\x90\x00" + b"\x00" * 100, "not accepted"),  # a Windows program, whatever its name
    (b"%PDF-1.7\n garbage", "cannot be opened"),
    (b"\x89PNG\r\n\x1a\n" + b"\x00" * 50, "cannot be opened"),
    (b"GIF89a" + b"\x00" * 50, "not accepted"),
])
def test_what_is_not_an_accepted_document_is_refused_with_a_reason(data, message):
    with pytest.raises(documents.DocumentError) as refused:
        documents.check(data)
    assert message in str(refused.value.message)


def test_a_pdf_with_javascript_is_refused():
    with pytest.raises(documents.DocumentError) as refused:
        documents.check(a_pdf(script=True))
    assert "scripts, actions" in str(refused.value.message)


def test_a_pdf_whose_catalog_acts_on_opening_is_refused_even_when_no_name_shows():
    writer = PdfWriter()
    writer.add_blank_page(595, 842)
    action = DictionaryObject({NameObject("/S"): NameObject("/Launch"),
                               NameObject("/F"): TextStringObject("calc.exe")})
    writer._root_object[NameObject("/OpenAction")] = writer._add_object(action)
    buffer = io.BytesIO()
    writer.write(buffer)
    with pytest.raises(documents.DocumentError):
        documents.check(buffer.getvalue())


def test_office_documents_with_macros_are_refused():
    types = DOCX_TYPES.replace("</Types>", '<Default Extension="bin" ContentType="application/vnd.ms-office.'
                                           'vbaProject"/></Types>')
    docm = a_zip({"[Content_Types].xml": types, "_rels/.rels": RELS, "word/document.xml": "<w/>",
                  "word/vbaProject.bin": "x"})
    with pytest.raises(documents.DocumentError) as refused:
        documents.check(docm)
    assert "macros" in str(refused.value.message)


def test_a_zip_bomb_is_refused_before_it_is_unpacked(monkeypatch):
    monkeypatch.setattr(documents, "MAX_UNPACKED", 1000)
    bomb = a_docx(**{"word/media/big.bin": "0" * 5000})
    with pytest.raises(documents.DocumentError) as refused:
        documents.check(bomb)
    assert "unpacks to more than" in str(refused.value.message)


def test_a_plain_zip_is_not_an_office_document():
    with pytest.raises(documents.DocumentError):
        documents.check(a_zip({"readme.txt": "hello"}))


def test_too_big_is_refused(monkeypatch):
    monkeypatch.setattr(documents, "MAX_BYTES", 100)
    with pytest.raises(documents.DocumentError) as refused:
        documents.check(a_pdf())
    assert "larger than" in str(refused.value.message)


def test_the_catalog_is_walked_too_where_compression_hides_the_names(monkeypatch):
    """In a compressed object stream the raw bytes show no /JavaScript: the catalog's walk still finds it."""
    import re

    monkeypatch.setattr(documents, "PDF_ACTIVE", re.compile(rb"(?!x)x"))  # the raw scan sees nothing
    with pytest.raises(documents.DocumentError):
        documents.check(a_pdf(script=True))
    assert documents.check(a_pdf()).extension == "pdf"


@pytest.mark.parametrize("objects", [
    # a link whose action is JavaScript, its names written with #xx escapes
    [b"<< /Type /Catalog /Pages 2 0 R >>", *PAGES,
     b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Annots [4 0 R] >>",
     b"<< /Type /Annot /Subtype /Link /Rect [0 0 595 842] /A << /S /J#61vaScript /J#53 (app.alert(1)) >> >>"],
    # a harmless action on opening, chained to a launch
    [b"<< /Type /Catalog /Pages 2 0 R /OpenAction << /S /GoTo /D [3 0 R /Fit] /Next << /S /L#61unch /F (cmd) >> >> >>",
     *PAGES, b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>"],
    # a program attached to the document
    [b"<< /Type /Catalog /Pages 2 0 R /Names << /EmbeddedFiles << /Names [(evil.exe) 4 0 R] >> >> >>", *PAGES,
     b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>", b"<< /Type /Filespec /F (evil.exe) >>"],
], ids=["escaped-link-script", "chained-launch", "attached-program"])
def test_active_pdfs_are_refused_however_they_are_written(objects):
    """The review's findings: the raw bytes show no active name, the walk of every object finds it."""
    with pytest.raises(documents.DocumentError):
        documents.check(raw_pdf(objects))


def test_a_plain_link_to_a_page_stays_allowed():
    plain = raw_pdf([b"<< /Type /Catalog /Pages 2 0 R /OpenAction [3 0 R /Fit] >>", *PAGES,
                     b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>"])
    assert documents.check(plain).extension == "pdf"


def test_a_script_inside_a_compressed_object_stream_is_found():
    import zlib

    inner = [b"<< /Type /Annot /Subtype /Link /Rect [0 0 595 842] /A 5 0 R >>", b"<< /S /JavaScript /JS (x) >>"]
    header, body = b"", b""
    for number, obj in zip((4, 5), inner):
        header += b"%d %d " % (number, len(body))
        body += obj + b" "
    stream = zlib.compress(header + body)
    out, offsets = b"%PDF-1.7\n", {}
    for number, obj in ((1, b"<< /Type /Catalog /Pages 2 0 R >>"), (2, PAGES[0]),
                        (3, b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Annots [4 0 R] >>"),
                        (6, b"<< /Type /ObjStm /N 2 /First %d /Filter /FlateDecode /Length %d >>\nstream\n"
                         % (len(header), len(stream)) + stream + b"\nendstream")):
        offsets[number] = len(out)
        out += b"%d 0 obj\n" % number + obj + b"\nendobj\n"
    xref = len(out)
    rows = [b"\x00\x00\x00\x00\xff\xff"] + [b"\x01" + offsets[n].to_bytes(4, "big") + b"\x00" for n in (1, 2, 3)]
    rows += [b"\x02" + (6).to_bytes(4, "big") + bytes([i]) for i in (0, 1)]
    rows += [b"\x01" + offsets[6].to_bytes(4, "big") + b"\x00", b"\x01" + xref.to_bytes(4, "big") + b"\x00"]
    table = zlib.compress(b"".join(rows))
    out += (b"7 0 obj\n<< /Type /XRef /Size 8 /W [1 4 1] /Root 1 0 R /Filter /FlateDecode /Length %d >>\nstream\n"
            % len(table) + table + b"\nendstream\nendobj\nstartxref\n%d\n%%%%EOF\n" % xref)
    assert b"JavaScript" not in out
    with pytest.raises(documents.DocumentError):
        documents.check(out)


@pytest.mark.parametrize("document", [
    lambda: a_docx(**{"word/_rels/settings.xml.rels": (
        '<Relationships><Relationship Id="r1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
        'relationships/attachedTemplate" Target="http://evil.example/t.dotm" TargetMode="External"/>'
        '</Relationships>')}),
    lambda: a_docx(**{"word/embeddings/oleObject1.bin": b"\xd0\xcf\x11\xe0"}),
    lambda: a_docx(**{"word/activeX/activeX1.bin": b"x"}),
    lambda: a_docx(**{"evil.exe": b"MZ", "index.html": "<script>"}),
    lambda: a_zip({"[Content_Types].xml": DOCX_TYPES.replace("document.main", "document.macroEnabled.main"),
                   "_rels/.rels": RELS, "word/document.xml": "<w/>", "word/x.bin": b"VBA"}),
    lambda: a_zip({"mimetype": "application/vnd.oasis.opendocument.text", "content.xml": "<office/>",
                   "Scripts/python/evil.py": "import os"}),
    lambda: a_zip({"mimetype": "application/vnd.oasis.opendocument.text", "content.xml": (
        '<office:document-content><office:event-listeners><script:event-listener xlink:href="vnd.sun.star.script:'
        'Standard.M.x"/></office:event-listeners></office:document-content>')}),
], ids=["remote-template", "ole-object", "activex", "stray-program", "macro-enabled", "odt-script", "odt-listener"])
def test_office_documents_with_active_content_are_refused(document):
    with pytest.raises(documents.DocumentError):
        documents.check(document())


def test_an_encrypted_part_is_refused():
    import struct

    data = bytearray(a_docx(**{"payload.bin": b"MZ" * 100}))
    for signature, flag, name_at, length_at in ((b"PK\x03\x04", 6, 30, 26), (b"PK\x01\x02", 8, 46, 28)):
        at = 0
        while (at := data.find(signature, at)) != -1:
            length = struct.unpack_from("<H", data, at + length_at)[0]
            if bytes(data[at + name_at:at + name_at + length]) == b"payload.bin":
                data[at + flag] |= 1
            at += 4
    with pytest.raises(documents.DocumentError) as refused:
        documents.check(bytes(data))
    assert "password" in str(refused.value.message)


def test_sizes_an_archive_lies_about_are_measured_as_it_unpacks(monkeypatch):
    import struct

    monkeypatch.setattr(documents, "MAX_UNPACKED", 1024 * 1024)
    data = bytearray(a_docx(**{"word/media/big.bin": b"\0" * (3 * 1024 * 1024)}))
    at = data.rfind(b"PK\x01\x02")  # the big part's directory entry says 1,000 bytes
    struct.pack_into("<I", data, at + 24, 1000)
    with pytest.raises(documents.DocumentError):
        documents.check(bytes(data))
