"""The proof of official status is checked by content."""
import io

import pytest
from pypdf import PdfWriter

from portal.web import pdf
from portal.web.pdf import MAX_BYTES, PdfError, check_pdf
from tests import hostile_files


def pdf_bytes(pages=1, password=None):
    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(595, 842)
    if password:
        writer.encrypt(password)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def test_a_real_pdf_passes():
    check_pdf(pdf_bytes())


@pytest.mark.parametrize("content,reason", [
    (b"", "Choose"),
    (b"GIF89a fake image renamed to .pdf", "not a PDF"),
    (b"%PDF-1.7\n this is not really a pdf", "cannot be opened"),
    (b"%PDF-1.4\n" + b"0" * (MAX_BYTES + 1), "larger than 10 MB"),
])
def test_what_is_not_a_usable_pdf_is_refused(content, reason):
    with pytest.raises(PdfError) as raised:
        check_pdf(content)
    assert reason in str(raised.value)


def test_a_password_protected_pdf_is_refused():
    with pytest.raises(PdfError, match="password"):
        check_pdf(pdf_bytes(password="secret"))


# A file's structure bounds the work spent on it (issue: a crafted PDF cost seconds of a worker).
@pytest.mark.parametrize("hostile", [
    lambda: hostile_files.raw_pdf([b"<< /Type /Catalog /Pages 2 0 R >>", *hostile_files.PAGES, hostile_files.PAGE],
                                  revisions=pdf.MAX_REVISIONS + 1),
    lambda: hostile_files.chain_of_objects(pdf.MAX_OBJECTS + 1),
    lambda: hostile_files.many_pages(pdf.MAX_PAGES + 1),
], ids=["revisions", "objects", "pages"])
def test_a_pdf_beyond_the_bounds_of_its_structure_is_refused_plainly(hostile):
    with pytest.raises(PdfError) as refused:
        check_pdf(hostile())
    assert "too complex" in str(refused.value)


def test_the_objects_a_check_may_read_are_bounded_however_few_the_file_declares(monkeypatch):
    """Under every declared bound, a chain of references still stops the walk at its budget."""
    monkeypatch.setattr(pdf, "MAX_RESOLVED", 50)
    check_pdf(hostile_files.chain_of_objects(40))
    with pytest.raises(PdfError, match="too complex"):
        check_pdf(hostile_files.chain_of_objects(60))


def test_within_the_bounds_a_pdf_of_many_pages_and_revisions_passes():
    check_pdf(hostile_files.many_pages(300))
    check_pdf(hostile_files.raw_pdf([b"<< /Type /Catalog /Pages 2 0 R >>", *hostile_files.PAGES,
                                     hostile_files.PAGE], revisions=20))


def test_a_file_is_read_once_in_a_process_of_its_own(monkeypatch):
    runs = []
    real = pdf.inspect_apart
    monkeypatch.setattr(pdf, "inspect_apart", lambda data: runs.append(1) or real(data))
    from portal.inspections import documents
    documents.check(pdf_bytes())
    assert len(runs) == 1


def test_a_file_that_costs_more_than_its_time_is_refused_whatever_its_shape(monkeypatch):
    """A few kilobytes of compressed arrays cost pypdf seconds to parse, under every count: the
    process that reads it is ended past its CPU time and the file refused, the worker unharmed."""
    data = hostile_files.object_stream_pdf([b"[" + b"0 " * 49_000 + b"]"] * 20)
    assert len(data) < 10_000
    monkeypatch.setattr(pdf, "CPU_SECONDS", 1)
    with pytest.raises(PdfError, match="too complex"):
        check_pdf(data)


# Nothing in a PDF acts when it is opened (docs/security.md), at every upload, the proofs included.
@pytest.mark.parametrize("catalog,page", [
    (b"/OpenAction << /S /URI /URI (javascript:app.alert(1)) >>", b""),
    (b"/OpenAction 5 0 R", b""),
    (b"/OpenAction << /S /GoToR /F (other.pdf) /D [0 /Fit] >>", b""),
    (b"/OpenAction << /S /SubmitForm /F << /FS /URL /F (https://evil.example/) >> >>", b""),
    (b"/AA << /WC << /S /URI /URI (https://evil.example/closed) >> >>", b""),
    (b"", b"/AA << /O << /S /Named /N /Print >> >>"),
    (b"", b"/Annots [<< /Type /Annot /Subtype /Link /Rect [0 0 9 9] /A << /S /URI /URI (java\tscript:x) >> >>]"),
    (b"", b"/Annots [<< /Type /Annot /Subtype /Link /Rect [0 0 9 9] /A << /S /URI /URI <66696c653a2f2f2f6574632f> >> >>]"),
    (b"", b"/Annots [<< /Type /Annot /Subtype /Link /Rect [0 0 9 9] /A << /S /URI /URI (\\\\evil\\share\\x.pdf) >> >>]"),
    (b"", b"/Annots [<< /Type /Annot /Subtype /Link /Rect [0 0 9 9] /A << /S /URI /URI (%6Aavascript:x) >> >>]"),
    (b"/URI << /Base (javascript:alert(1)//) >>", b""),
    (b"", b"/Annots [<< /Type /Annot /Subtype /Link /Rect [0 0 9 9] /A << /S /Thread /F (other.pdf) /D 0 >> >>]"),
    (b"", b"/Annots [<< /Type /Annot /Subtype /FileAttachment /Rect [0 0 9 9] /FS << /F (a.html) >> >>]"),
    (b"", b"/Annots [<< /Type /Annot /Subtype /Widget /Rect [0 0 9 9] /Parent << /FT /Tx /T (name) "
          b"/A#41 << /K << /S /J#61vaScript /J#53 (app.alert(1)) >> >> >> >>]"),
], ids=["uri-on-opening", "indirect-action-on-opening", "remote-file-on-opening", "submit-form-on-opening",
        "on-closing", "on-page-open", "script-link", "file-link-in-hex", "windows-share-link", "relative-link",
        "script-base-for-links", "article-in-another-file", "attached-file", "script-on-a-field-behind-its-parent"])
def test_a_pdf_that_acts_is_refused(catalog, page):
    data = hostile_files.plain_pdf(catalog, page)
    if b"5 0 R" in catalog:
        data = hostile_files.raw_pdf([b"<< /Type /Catalog /Pages 2 0 R " + catalog + b" >>", *hostile_files.PAGES,
                                      hostile_files.PAGE, b"null", b"<< /S /Launch /F (calc.exe) >>"])
    with pytest.raises(PdfError) as refused:
        check_pdf(data)
    assert "action on opening" in str(refused.value)


@pytest.mark.parametrize("catalog,page", [
    (b"/OpenAction [3 0 R /Fit]", b""),
    (b"", b"/Annots [<< /Type /Annot /Subtype /Link /Rect [0 0 9 9] /A << /S /URI /URI (https://www.afmps.be/) >> >>]"),
    (b"", b"/Annots [<< /Type /Annot /Subtype /Link /Rect [0 0 9 9] /A << /S /URI /URI (mailto:info@afmps.be) >> >>]"),
    (b"", b"/Annots [<< /Type /Annot /Subtype /Link /Rect [0 0 9 9] /A << /S /GoTo /D [3 0 R /Fit] >> >>]"),
    (b"/URI << /Base (https://www.afmps.be/) >>", b""),
], ids=["show-first-page", "web-link", "mail-link", "page-link", "base-address"])
def test_plain_links_and_destinations_stay_allowed(catalog, page):
    check_pdf(hostile_files.plain_pdf(catalog, page))


def test_a_file_past_pypdfs_own_limits_is_too_complex_not_damaged(monkeypatch):
    from portal.web import pdf_inspect

    monkeypatch.setitem(pdf_inspect.PYPDF_LIMITS, "array_maximum_element_count", 10)
    assert pdf_inspect.inspect(hostile_files.many_pages(20), pdf.limits()) == pdf_inspect.TOO_COMPLEX
    assert pdf_inspect.inspect(hostile_files.many_pages(5), pdf.limits()) == pdf_inspect.OK
