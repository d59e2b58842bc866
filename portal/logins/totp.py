"""TOTP (RFC 6238): SHA-1, 6 digits, 30 seconds, one step of tolerance either side.

A code whose time step is not later than the last one accepted is refused
(no replay). A wrong code that matches a step of the last 10 minutes means
the phone's clock is behind: say by how much, without accepting it. Future
steps are never compared: a hint there would tell a guesser that a code
will be right later.
"""
import io
from dataclasses import dataclass

import pyotp
import qrcode
import qrcode.image.svg

ISSUER = "AFMPS"
STEP = 30
TOLERANCE = 1  # steps either side
SKEW_WINDOW = 20  # steps back: 10 minutes


@dataclass
class CodeCheck:
    accepted: bool
    counter: int = None
    replayed: bool = False
    skew_minutes: int = None  # set when the code is right for a clock that is off


def new_secret():
    return pyotp.random_base32()


def provisioning_uri(secret, label):
    return pyotp.TOTP(secret).provisioning_uri(name=label, issuer_name=ISSUER)


def qr_response(secret, label):
    """The QR code of a new authenticator, as an SVG made in memory, never cached."""
    from flask import Response

    response = Response(qr_svg(provisioning_uri(secret, label)), mimetype="image/svg+xml")
    response.headers["Cache-Control"] = "no-store"
    return response


def qr_svg(uri):
    image = qrcode.make(uri, image_factory=qrcode.image.svg.SvgPathImage, box_size=12, border=2)
    buffer = io.BytesIO()
    image.save(buffer)
    return buffer.getvalue()


def check(secret, code, now, last_counter=None):
    code = "".join(ch for ch in (code or "") if ch.isdigit())
    if len(code) != 6:
        return CodeCheck(False)
    totp = pyotp.TOTP(secret)
    current = int(now // STEP)
    for offset in sorted(range(-SKEW_WINDOW, TOLERANCE + 1), key=abs):
        counter = current + offset
        if not pyotp.utils.strings_equal(totp.generate_otp(counter), code):
            continue
        if abs(offset) > TOLERANCE:
            return CodeCheck(False, skew_minutes=round(offset * STEP / 60) or -1)
        if last_counter is not None and counter <= last_counter:
            return CodeCheck(False, counter=counter, replayed=True)
        return CodeCheck(True, counter=counter)
    return CodeCheck(False)
