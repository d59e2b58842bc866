"""Every file people send is also scanned by ClamAV, through its daemon's socket
(Debian's clamav-daemon), when PORTAL_CLAMD_SOCKET names it; without it nothing is
scanned (development).

The portal speaks clamd's own protocol over the UNIX socket (INSTREAM: the file
in length-prefixed chunks, then a zero length; the answer `stream: OK` or
`stream: <name> FOUND`), so no library stands between the file and the scanner.
A scan ends after PORTAL_CLAMD_TIMEOUT seconds whatever the daemon does.

A file is never passed unscanned: a virus found refuses it, and so does a daemon
that cannot be reached, does not answer in time or answers with an error (the
person is asked to send the file again in a few minutes). Both are logged, with
the virus's name, the file's size and SHA-256 and the page it was sent from:
never the file, never who sent it.
"""
import hashlib
import logging
import re
import socket
import struct
import time
from dataclasses import dataclass

from flask import current_app, has_request_context, request

from portal.text.lazy_text import lazy_gettext as _l

log = logging.getLogger(__name__)

CLEAN, INFECTED, UNAVAILABLE = "clean", "infected", "unavailable"
CHUNK = 1024 * 1024  # bytes per INSTREAM chunk; clamd's StreamMaxLength bounds the whole file (25 MB by default)
MAX_REPLY = 4096
_NAME = re.compile(r"[^A-Za-z0-9._:/+-]")  # a virus's name, as shown back to the person and logged


@dataclass(frozen=True)
class Verdict:
    outcome: str  # CLEAN, INFECTED or UNAVAILABLE
    name: str = ""  # the virus's name (INFECTED), or what went wrong (UNAVAILABLE), for the log


def scan(data, socket_path, timeout):
    """clamd's verdict on `data`, within `timeout` seconds in all: UNAVAILABLE when the daemon
    cannot be reached, closes the connection, runs out of time or answers anything but OK or FOUND."""
    deadline = time.monotonic() + timeout
    try:
        reply = _ask(socket_path, deadline, b"zINSTREAM\0", data)
    except OSError as error:  # missing socket, refused, reset, broken pipe, TimeoutError
        return Verdict(UNAVAILABLE, type(error).__name__)
    if reply == "stream: OK":
        return Verdict(CLEAN)
    if reply.startswith("stream: ") and reply.endswith(" FOUND"):
        found = reply[len("stream: "):-len(" FOUND")].split("(")[0]  # ExtendedDetectionInfo adds "(hash:size)"
        return Verdict(INFECTED, _NAME.sub("", found)[:100] or "unknown")
    return Verdict(UNAVAILABLE, _NAME.sub(" ", reply)[:200] or "no answer")


def ping(socket_path, timeout=1.0):
    """Whether a clamd answers PONG on the socket (to wait for one that starts, or a health check)."""
    try:
        return _ask(socket_path, time.monotonic() + timeout, b"zPING\0") == "PONG"
    except OSError:
        return False


def _ask(socket_path, deadline, command, data=None):
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as connection:
        _within(connection, deadline)
        connection.connect(socket_path)
        _within(connection, deadline)
        connection.sendall(command)
        if data is not None:
            try:
                _stream(connection, deadline, data)
            except (BrokenPipeError, ConnectionResetError):  # clamd stopped reading: its reply may say why
                pass  # (past its StreamMaxLength: "INSTREAM size limit exceeded. ERROR")
        reply = b""
        while not reply.endswith(b"\0") and len(reply) < MAX_REPLY:
            _within(connection, deadline)
            received = connection.recv(MAX_REPLY)
            if not received:
                break
            reply += received
    return reply.rstrip(b"\0").decode("utf-8", "replace").strip()


def _stream(connection, deadline, data):
    view = memoryview(data)
    for start in range(0, len(view), CHUNK):
        chunk = view[start:start + CHUNK]
        _within(connection, deadline)
        connection.sendall(struct.pack(">I", len(chunk)))
        connection.sendall(chunk)
    _within(connection, deadline)
    connection.sendall(struct.pack(">I", 0))


def _within(connection, deadline):
    """Each step gets only the time left of the whole scan: a daemon that answers a byte at a time
    gains nothing."""
    left = deadline - time.monotonic()
    if left <= 0:
        raise TimeoutError("clamd took too long")
    connection.settimeout(left)


def refusal(data):
    """The message for the person when the file they sent must be refused (a virus found, or no
    scan possible now); None when it is clean, or when no scanner is configured."""
    socket_path = current_app.config.get("CLAMD_SOCKET")
    if not socket_path or not data:
        return None
    verdict = scan(data, socket_path, current_app.config["CLAMD_TIMEOUT"])
    if verdict.outcome == CLEAN:
        return None
    where = request.endpoint if has_request_context() else "-"
    if verdict.outcome == INFECTED:
        log.warning("Upload refused: virus %s found by clamd (%d bytes, sha256 %s, %s)", verdict.name, len(data),
                    hashlib.sha256(data).hexdigest(), where)
        return _l("This file contains a virus (%(name)s): it was not kept. Check your computer with an "
                  "antivirus, then send a clean copy.", name=verdict.name)
    log.error("Upload refused: clamd could not scan it (%s; %d bytes, %s)", verdict.name, len(data), where)
    return _l("The file could not be checked for viruses just now, so it was not kept. Try again in a few "
              "minutes.")
