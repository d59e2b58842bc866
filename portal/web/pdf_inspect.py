"""What a PDF is, read by pypdf in a process of its own (pdf.py starts it):
whether it opens, is protected, has pages, and whether anything in it acts.

It runs apart because no count of structures bounds pypdf's work: one small
object stream can hold arrays that cost seconds to parse. The process sets
its own limits of CPU time and memory before it reads the file; the kernel
ends it past them, and pdf.py then refuses the file as too complex. The counts
below are cheap early answers for the common hostile shapes, not the bound.

Run as a script (`python -I pdf_inspect.py LIMITS`, the file on standard
input, one verdict on standard output), it imports pypdf and the standard
library only, never the portal, so that it starts in a fraction of a second.
`inspect` is the same check in the caller's process, for tests.
"""
import io
import json
import logging
import re
import resource
import sys

from pypdf import PdfReader, apply_configuration
from pypdf.errors import LimitReachedError, PyPdfError
from pypdf.generic import ArrayObject, ByteStringObject, DictionaryObject, IndirectObject, NameObject, TextStringObject

OK, ENCRYPTED, NO_PAGE, TOO_COMPLEX, ACTIVE, DAMAGED = "ok", "encrypted", "no-page", "too-complex", "active", "damaged"
VERDICTS = (OK, ENCRYPTED, NO_PAGE, TOO_COMPLEX, ACTIVE, DAMAGED)

# Names that make a PDF act, as a key or a value anywhere in the file: scripts, programs, attached
# or remote files, forms that send themselves, media.
ACTIVE_NAMES = {"/JavaScript", "/JS", "/Launch", "/RichMedia", "/XFA", "/EmbeddedFile", "/EmbeddedFiles", "/EF",
                "/FileAttachment", "/GoToE", "/GoToR", "/ImportData", "/SubmitForm", "/Rendition", "/Sound",
                "/Movie"}
# The same names as the raw bytes may show them: a cheap first look before the walk.
ACTIVE_BYTES = re.compile(rb"/(JavaScript|JS|Launch|RichMedia|XFA)\b")
DECLARED_SIZE = re.compile(rb"/Size\s+(\d{1,12})")
# Each counted twice: cheaply, by a few bytes every one of them holds (text may hold them too), and
# exactly, only when the cheap count passes the limit.
OBJECTS = ((b" obj",), re.compile(rb"\d\s+\d+\s+obj\b"))
TABLE_ENTRIES = ((b" n", b" f"), re.compile(rb"\d{10} \d{5} [nf]"))
SCHEME = re.compile(r"([a-z][a-z0-9+.-]*):")
LINK_SCHEMES = {"http", "https", "mailto"}  # a link names one of them: a relative one resolves who knows where
# pypdf's own limits, lowered to what a document sent to the agency needs.
PYPDF_LIMITS = {"zlib_maximum_output_length": 20_000_000, "lzw_maximum_output_length": 20_000_000,
                "run_length_maximum_output_length": 20_000_000, "brotli_maximum_output_length": 20_000_000,
                "array_maximum_element_count": 50_000, "dictionary_maximum_element_count": 50_000}


class Verdict(Exception):
    def __init__(self, verdict):
        super().__init__(verdict)
        self.verdict = verdict


def inspect(data, limits):
    """The verdict on `data` (one of VERDICTS), within `limits` (pdf.py's: revisions, objects,
    resolved, walked, pages)."""
    try:
        _within_declared_bounds(data, limits)
        if ACTIVE_BYTES.search(data):
            return ACTIVE
        with apply_configuration(**PYPDF_LIMITS):
            reader = PdfReader(io.BytesIO(data), strict=False)
            if reader.is_encrypted:
                return ENCRYPTED
            pages = _walk(reader.trailer, limits)
    except Verdict as found:
        return found.verdict
    except LimitReachedError:  # one of pypdf's own limits (PYPDF_LIMITS)
        return TOO_COMPLEX
    except (PyPdfError, ValueError, KeyError, TypeError, AttributeError, OSError, RecursionError, MemoryError):
        return DAMAGED
    return OK if pages else NO_PAGE


def _within_declared_bounds(data, limits):
    """What pypdf would read before anything else, counted in the bytes: each cross-reference
    section (pypdf follows every one), and the objects each declares."""
    if data.count(b"xref") - data.count(b"startxref") + data.count(b"/XRef") > limits["revisions"]:
        raise Verdict(TOO_COMPLEX)
    for marks, exactly in (OBJECTS, TABLE_ENTRIES):
        if sum(map(data.count, marks)) > limits["objects"] and len(exactly.findall(data)) > limits["objects"]:
            raise Verdict(TOO_COMPLEX)
    if any(int(size) > limits["objects"] for size in DECLARED_SIZE.findall(data)):  # a cross-reference stream's
        raise Verdict(TOO_COMPLEX)


def _walk(trailer, limits):
    """Visit every object reachable from the trailer, as pypdf decodes them (names written with
    #xx escapes, objects inside compressed object streams), parents included; refuse what acts;
    return the number of pages met."""
    seen, todo, walked, pages = set(), [trailer], 0, 0
    while todo:
        node = todo.pop()
        walked += 1
        if isinstance(node, IndirectObject):
            key = (node.idnum, node.generation)
            if key in seen:
                continue
            seen.add(key)
            if len(seen) > limits["resolved"]:
                raise Verdict(TOO_COMPLEX)
            node = node.get_object()
        elif walked > limits["walked"]:
            raise Verdict(TOO_COMPLEX)
        if isinstance(node, DictionaryObject):
            if node.get("/Type") == "/Page":
                pages += 1
                if pages > limits["pages"]:
                    raise Verdict(TOO_COMPLEX)
            if node.get("/S") == "/Thread" and "/F" in node:  # an article in another file
                raise Verdict(ACTIVE)
            for name, value in node.items():
                _refuse_if_active(name, value)
                _follow(value, todo)
        elif isinstance(node, ArrayObject):
            for value in node:
                _follow(value, todo)
    return pages


def _follow(value, todo):
    """A value met in a dictionary or an array: a container is walked later, an active name refused now."""
    if isinstance(value, (IndirectObject, DictionaryObject, ArrayObject)):
        todo.append(value)
    elif isinstance(value, NameObject) and value in ACTIVE_NAMES:
        raise Verdict(ACTIVE)


def _refuse_if_active(name, value):
    """A key that makes the PDF act: an active name, any additional action (/AA: on an event), an
    action run on opening (a destination to show on opening stays allowed), a link or a base for
    links that is not to the web or an e-mail address."""
    if name in ACTIVE_NAMES or name == "/AA":
        raise Verdict(ACTIVE)
    if name == "/OpenAction" and not isinstance(value.get_object(), ArrayObject):
        raise Verdict(ACTIVE)
    if name in ("/URI", "/Base") and isinstance(value.get_object(), (TextStringObject, ByteStringObject)):
        target = "".join(ch for ch in str(value.get_object()) if ch > " ").lower()  # as a browser reads it
        scheme = SCHEME.match(target)
        if not scheme or scheme.group(1) not in LINK_SCHEMES:
            raise Verdict(ACTIVE)


def _limit_this_process(cpu_seconds, memory_bytes):
    """The kernel ends this process past `cpu_seconds` of CPU (SIGXCPU, then SIGKILL a second later),
    and refuses it memory past `memory_bytes`."""
    resource.setrlimit(resource.RLIMIT_CPU, (cpu_seconds, cpu_seconds + 1))
    resource.setrlimit(resource.RLIMIT_AS, (memory_bytes, memory_bytes))


def main():
    limits = json.loads(sys.argv[1])
    _limit_this_process(limits["cpu_seconds"], limits["memory_bytes"])
    logging.getLogger("pypdf").setLevel(logging.CRITICAL)  # malformed files are the verdict's to report
    sys.stdout.write(inspect(sys.stdin.buffer.read(), limits))


if __name__ == "__main__":
    main()
