"""Files written by hand, object by object, as an attacker would: PDFs whose structure
costs a reader's time (revisions, objects, pages) and office documents that unpack big."""
import io
import zipfile

PAGES = [b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>"]
PAGE = b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>"


def raw_pdf(objects, revisions=0):
    """A PDF of `objects` (numbered from 1, the first the catalog), then `revisions`
    incremental updates that each rewrite the last object's entry."""
    out, offsets = b"%PDF-1.7\n", []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\n" % (len(objects) + 1)
    for _ in range(revisions):
        update = len(out)
        out += b"xref\n%d 1\n%010d 00000 n \ntrailer\n<< /Size %d /Root 1 0 R /Prev %d >>\n" % (
            len(objects), offsets[-1], len(objects) + 1, xref)
        xref = update
    return out + b"startxref\n%d\n%%%%EOF\n" % xref


def plain_pdf(catalog_extra=b"", page_extra=b""):
    return raw_pdf([b"<< /Type /Catalog /Pages 2 0 R " + catalog_extra + b">>", *PAGES,
                    PAGE[:-2] + page_extra + b">>"])


def chain_of_objects(count):
    """A catalog that points to `count` objects, each an array holding the next one."""
    links = [b"[%d 0 R]" % (number + 1) for number in range(4, 4 + count)]
    return raw_pdf([b"<< /Type /Catalog /Pages 2 0 R /X 4 0 R >>", *PAGES, PAGE, *links, b"null"])


def many_pages(count):
    kids = b" ".join(b"%d 0 R" % (number + 3) for number in range(count))
    return raw_pdf([b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [%s] /Count %d >>" % (kids, count),
                    *[PAGE] * count])


def a_zip(files):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def an_odt(**parts):
    return a_zip({"mimetype": "application/vnd.oasis.opendocument.text", "content.xml": "<office/>", **parts})


def object_stream_pdf(inner):
    """A catalog pointing to object 4, and objects 4, 5 … (`inner`) compressed in one object stream,
    found through a cross-reference stream: nothing of them shows in the file's bytes."""
    import zlib

    header, body = b"", b""
    for number, obj in enumerate(inner, 4):
        header += b"%d %d " % (number, len(body))
        body += obj + b" "
    stream = zlib.compress(header + body)
    holder = 4 + len(inner)
    out, offsets = b"%PDF-1.7\n", {}
    for number, obj in ((1, b"<< /Type /Catalog /Pages 2 0 R /X 4 0 R >>"), (2, PAGES[0]), (3, PAGE),
                        (holder, b"<< /Type /ObjStm /N %d /First %d /Filter /FlateDecode /Length %d >>\nstream\n"
                         % (len(inner), len(header), len(stream)) + stream + b"\nendstream")):
        offsets[number] = len(out)
        out += b"%d 0 obj\n" % number + obj + b"\nendobj\n"
    xref = len(out)
    rows = [b"\x00" + bytes(4) + b"\xff\xff"] + [b"\x01" + offsets[n].to_bytes(4, "big") + bytes(2) for n in (1, 2, 3)]
    rows += [b"\x02" + holder.to_bytes(4, "big") + index.to_bytes(2, "big") for index in range(len(inner))]
    rows += [b"\x01" + offsets[holder].to_bytes(4, "big") + bytes(2), b"\x01" + xref.to_bytes(4, "big") + bytes(2)]
    table = zlib.compress(b"".join(rows))
    return out + (b"%d 0 obj\n<< /Type /XRef /Size %d /W [1 4 2] /Root 1 0 R /Filter /FlateDecode /Length %d >>\n"
                  b"stream\n" % (holder + 1, holder + 2, len(table)) + table
                  + b"\nendstream\nendobj\nstartxref\n%d\n%%%%EOF\n" % xref)
