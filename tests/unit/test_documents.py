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


def an_image(kind="PNG"):
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (20, 10), "white").save(buffer, kind)
    return buffer.getvalue()


def test_the_accepted_kinds_are_recognised_by_their_content():
    assert documents.check(a_pdf()).extension == "pdf"
    assert documents.check(a_zip({"[Content_Types].xml": DOCX_TYPES, "word/document.xml": "<w/>"})).extension == "docx"
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
    assert "scripts or actions" in str(refused.value.message)


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
    docm = a_zip({"[Content_Types].xml": types, "word/document.xml": "<w/>", "word/vbaProject.bin": "x"})
    with pytest.raises(documents.DocumentError) as refused:
        documents.check(docm)
    assert "macros" in str(refused.value.message)


def test_a_zip_bomb_is_refused_before_it_is_unpacked(monkeypatch):
    monkeypatch.setattr(documents, "MAX_UNPACKED", 1000)
    bomb = a_zip({"[Content_Types].xml": DOCX_TYPES, "word/document.xml": "0" * 5000})
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
