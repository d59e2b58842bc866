"""The clamd client (portal/web/virus_scan.py), against a real clamd and against stand-ins that
misbehave: a file passes only on clamd's own "OK", and a scan never outlasts its timeout."""
import io
import logging
import re
import socket
import threading
import time
import zipfile
from pathlib import Path

import pytest

from portal.text.lazy_text import forced
from portal.web import virus_scan
from portal.web.virus_scan import CLEAN, INFECTED, UNAVAILABLE, scan
from tests.builders import a_pdf, an_infected_pdf
from tests.harness import EICAR


def test_a_clean_file_passes(clamd):
    assert scan(a_pdf(), clamd.socket, 5) == virus_scan.Verdict(CLEAN)
    assert virus_scan.ping(clamd.socket)


def test_the_test_virus_is_found_alone_after_a_pdf_and_inside_an_archive(clamd):
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as packed:
        packed.writestr("word/document.xml", b"<w:document>" + EICAR + b"</w:document>")
    for data in (EICAR, an_infected_pdf(), archive.getvalue()):
        verdict = scan(data, clamd.socket, 5)
        assert verdict.outcome == INFECTED and verdict.name.startswith(clamd.SIGNATURE)


def test_a_ten_megabyte_file_is_scanned_whole(clamd):
    """The largest upload, in ten chunks; the virus at its very end is still found."""
    data = a_pdf() + b"%" + b"A" * (10 * 1024 * 1024 - 1000) + b"\n" + EICAR
    started = time.monotonic()
    assert scan(data, clamd.socket, 20).outcome == INFECTED
    assert time.monotonic() - started < 10


def test_a_file_past_the_daemons_stream_limit_is_not_passed(clamd):
    """clamd stops reading past its StreamMaxLength (12 MB here) and says so: no scan, no pass."""
    verdict = scan(b"A" * (13 * 1024 * 1024), clamd.socket, 20)
    assert verdict.outcome == UNAVAILABLE


def test_the_name_is_read_from_every_shape_of_reply(tmp_path):
    """Debian's clamd.conf turns ExtendedDetectionInfo on: the name is followed by the hash and size."""
    for reply, name in ((b"stream: Win.Test.EICAR_HDB-1(44d88612fea8a8f36de82e1278abb02f:68) FOUND\0",
                         "Win.Test.EICAR_HDB-1"), (b"stream: <script>alert(1)</script> FOUND\0", "scriptalert"),
                        (b"stream:  FOUND\0", "unknown")):
        stand_in = StandIn(tmp_path, answers(reply))
        try:
            assert scan(b"data", stand_in.path, 2) == virus_scan.Verdict(INFECTED, name)
        finally:
            stand_in.close()
            (tmp_path / "stand-in.sock").unlink()


def test_no_daemon_on_the_socket_is_unavailable(tmp_path):
    assert scan(b"data", str(tmp_path / "missing.sock"), 2).outcome == UNAVAILABLE
    stale = tmp_path / "stale.sock"  # a socket file left by a daemon that died: connection refused
    listener = socket.socket(socket.AF_UNIX)
    listener.bind(str(stale))
    listener.close()
    assert scan(b"data", str(stale), 2).outcome == UNAVAILABLE
    assert not virus_scan.ping(str(stale))


class StandIn:
    """A UNIX socket server that answers each connection with `behaviour(connection)`."""

    def __init__(self, folder, behaviour):
        self.path = str(folder / "stand-in.sock")
        self.listener = socket.socket(socket.AF_UNIX)
        self.listener.bind(self.path)
        self.listener.listen()
        self.behaviour = behaviour
        self.connections = []
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self):
        while True:
            try:
                connection, _ = self.listener.accept()
            except OSError:
                return
            self.connections.append(connection)
            threading.Thread(target=self.behaviour, args=(connection,), daemon=True).start()

    def close(self):
        self.listener.close()
        for connection in self.connections:
            connection.close()


def read_all(connection):
    try:
        while connection.recv(65536):
            pass
    except OSError:
        pass


def never_answers(connection):
    read_all(connection)


def closes_at_once(connection):
    connection.close()


def trickles(connection):
    """Answers "stream: OK" a byte at a time, slower than the timeout allows."""
    connection.settimeout(0.2)
    try:
        connection.recv(65536)
        for byte in b"stream: OK\0":
            time.sleep(0.15)
            connection.sendall(bytes([byte]))
    except OSError:
        pass


def answers(reply):
    def behaviour(connection):
        connection.settimeout(0.5)
        try:
            connection.recv(65536)
            connection.sendall(reply)
        except OSError:
            pass
    return behaviour


@pytest.mark.parametrize("behaviour", [never_answers, closes_at_once, trickles,
                                       answers(b"stream: Can't allocate memory ERROR\0"), answers(b"\0"),
                                       answers(b"stream: OK but not quite\0")],
                         ids=["hangs", "closes", "trickles", "error", "empty", "garbled"])
def test_a_daemon_that_misbehaves_is_unavailable_within_the_timeout(tmp_path, behaviour):
    stand_in = StandIn(tmp_path, behaviour)
    try:
        started = time.monotonic()
        verdict = scan(b"x" * 300_000, stand_in.path, 0.8)
        assert verdict.outcome == UNAVAILABLE
        assert time.monotonic() - started < 1.5
    finally:
        stand_in.close()


def test_a_virus_is_refused_with_its_name_and_logged_without_the_file(app, virus_scanner, caplog):
    with (app.test_request_context("/en/portal/company/identity", method="POST"), forced("en"),
          caplog.at_level(logging.WARNING)):
        assert virus_scan.refusal(a_pdf()) is None
        message = str(virus_scan.refusal(an_infected_pdf()))
    assert message.startswith(f"This file contains a virus ({virus_scanner.SIGNATURE}") and "not kept" in message
    [record] = [r for r in caplog.records if r.name == "portal.web.virus_scan"]
    logged = record.getMessage()
    assert record.levelno == logging.WARNING and virus_scanner.SIGNATURE in logged and "sha256" in logged
    assert "EICAR" not in logged.replace(virus_scanner.SIGNATURE, "")  # the name, never the content


def test_without_a_daemon_the_file_is_refused_not_passed(app, tmp_path, caplog):
    app.config["CLAMD_SOCKET"] = str(tmp_path / "clamd.sock")
    with (app.test_request_context("/en/portal/company/identity", method="POST"), forced("en"),
          caplog.at_level(logging.ERROR)):
        message = str(virus_scan.refusal(a_pdf()))
    assert "could not be checked for viruses" in message and "Try again in a few minutes" in message
    assert any(r.levelno == logging.ERROR and "clamd could not scan" in r.getMessage() for r in caplog.records)


def test_without_a_socket_configured_nothing_is_scanned(app):
    assert app.config["CLAMD_SOCKET"] is None
    with app.test_request_context("/"):
        assert virus_scan.refusal(an_infected_pdf()) is None  # development: no scanner


# Every way a file comes in, and the test that sends it the test virus and stops its scanner. A new upload
# (a `request.files` in portal/) fails here until it has its test.
ENTRANCES = {
    ("wizard/routes.py", "proof"): "tests/web/test_wizard.py::"
    "test_a_proof_carrying_a_virus_or_not_scanned_is_refused_and_what_was_typed_stays",
    ("wizard/belgian_routes.py", "proof"): "tests/web/test_belgian_enterprise.py::"
    "test_a_mandate_carrying_a_virus_or_not_scanned_is_refused_and_what_was_typed_stays",
    ("tiles/company.py", "identity_proof"): "tests/web/test_identity_change.py::"
    "test_a_proof_carrying_a_virus_or_not_scanned_is_refused_and_what_was_typed_stays",
    ("tiles/contributions.py", "proof"): "tests/web/test_contributions.py::"
    "test_the_accountants_document_carrying_a_virus_or_not_scanned_is_refused_and_what_was_typed_stays",
    ("tiles/controls.py", "document"): "tests/web/test_inspections.py::"
    "test_a_document_carrying_a_virus_or_not_scanned_is_refused_on_both_sides",
    ("backoffice/inspection_routes.py", "document"): "tests/web/test_inspections.py::"
    "test_a_document_carrying_a_virus_or_not_scanned_is_refused_on_both_sides",
    ("tiles/partners.py", "devices_file"): "tests/web/test_partners.py::"
    "test_a_device_file_carrying_a_virus_or_not_scanned_is_refused_and_nothing_is_imported",
}


def test_every_upload_entrance_has_its_virus_test():
    portal = Path(virus_scan.__file__).resolve().parents[1]
    found, other_reads = set(), []
    for path in portal.rglob("*.py"):
        text = path.read_text()
        named = re.findall(r'request\.files\.get\("([^"]+)"\)', text)
        found.update((str(path.relative_to(portal)), field) for field in named)
        if text.count("request.files") != len(named):
            other_reads.append(str(path.relative_to(portal)))
    assert other_reads == [] and found == set(ENTRANCES)
    root = portal.parent
    for test in ENTRANCES.values():
        file, name = test.split("::")
        assert f"def {name}(" in (root / file).read_text(), test
