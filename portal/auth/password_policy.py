"""What makes an acceptable password: 12 to 128 characters, not a common
password, not built from the person's own NISS, names or e-mail address.
No composition rules and no forced rotation (NIST SP 800-63B)."""
from functools import lru_cache
from pathlib import Path

from flask_babel import lazy_gettext as _l

MIN_LENGTH = 12
MAX_LENGTH = 128
_COMMON = Path(__file__).with_name("common-passwords.txt")


@lru_cache(maxsize=1)
def common_passwords():
    lines = _COMMON.read_text(encoding="utf-8").splitlines()
    return frozenset(line.strip().lower() for line in lines if line.strip() and not line.startswith("#"))


def _squash(text):
    return "".join(ch for ch in text.lower() if ch.isalnum())


def problems(password, personal=()):
    """The first reason the password is refused, or None."""
    if len(password) < MIN_LENGTH:
        return _l("Choose a password of at least 12 characters. A few words that you can remember work well.")
    if len(password) > MAX_LENGTH:
        return _l("Choose a password of at most 128 characters.")
    squashed = _squash(password)
    if password.lower() in common_passwords() or squashed in common_passwords() or len(set(squashed)) <= 2:
        return _l("This password is too common: it is among the first that attackers try. Choose another one.")
    for value in personal:
        piece = _squash(value or "")
        if len(piece) >= 4 and piece in squashed:
            return _l("Do not use your NISS number, your name or your e-mail address in your password.")
    return None
