"""The proof of official status is checked by content."""
import io

import pytest
from pypdf import PdfWriter

from portal.pdf import MAX_BYTES, PdfError, check_pdf


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
