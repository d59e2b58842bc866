"""What makes an acceptable password: 12 to 128 characters, not among the
passwords attackers try first, not built from the person's own NISS, names
or e-mail address, and not easy to guess. No composition rules and no forced
rotation (NIST SP 800-63B, ASVS 6.2).

"Common" is zxcvbn's list of the 30,000 passwords found most often in
public breach corpora (Burnett's list; package `zxcvbn`, frequency list
"passwords"), plus our own list of long ones (common-passwords.txt). "Easy
to guess" is zxcvbn's estimate below 10^8 guesses (score under 3), which
also catches keyboard walks, repeats, dates and dictionary words with
digits.
"""
from functools import lru_cache
from pathlib import Path

from zxcvbn import zxcvbn
from zxcvbn.frequency_lists import FREQUENCY_LISTS

from portal.text.lazy_text import lazy_gettext as _l

MIN_LENGTH = 12
MAX_LENGTH = 128
GOOD_SCORE = 3
_COMMON = Path(__file__).with_name("common-passwords.txt")


@lru_cache(maxsize=1)
def common_passwords():
    lines = _COMMON.read_text(encoding="utf-8").splitlines()
    ours = {line.strip().lower() for line in lines if line.strip() and not line.startswith("#")}
    return frozenset(ours | set(FREQUENCY_LISTS["passwords"]))


def _squash(text):
    return "".join(ch for ch in text.lower() if ch.isalnum())


ZXCVBN_MAX = 72  # zxcvbn 4.5 refuses longer input; the first 72 characters decide anyway


def strength(password, personal=()):
    """zxcvbn's score, 0 (guessed at once) to 4 (very hard to guess)."""
    return zxcvbn(password[:ZXCVBN_MAX], user_inputs=[p[:ZXCVBN_MAX] for p in personal if p])["score"]


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
    if strength(password, personal) < GOOD_SCORE:
        return _l("This password is easy to guess: it follows a pattern attackers try (a word with digits, "
                  "a date, keys side by side, repeats). Add a few unusual words.")
    return None


def form_errors(password, confirm, personal=()):
    """The errors of a "new password, again" form, by field."""
    problem = problems(password, personal)
    if problem:
        return {"password": problem}
    if password != confirm:
        return {"password_confirm": _l("The two passwords are not the same.")}
    return {}
