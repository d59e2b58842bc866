"""Recovery codes: ten one-time codes, grouped xxxx-xxxx-xxxx.

Only a keyed hash is kept: HMAC-SHA256 with a key derived from the server's
secret key, over the account's id and the code. A stolen database alone
gives nothing to try offline (the ~59 bits of a code would not survive a
plain hash), and one code's hash says nothing about another account's.
argon2id is not used: a login tries the typed code against every unused
code of the account, and ten argon2 verifications would cost half a second.
Rotating PORTAL_SECRET_KEY voids the codes (people make new ones in
"Mon compte").
"""
import hashlib
import hmac
import secrets

from flask import current_app

from ..models import RecoveryCode

COUNT = 10
_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"


def _normalise(code):
    return "".join(ch for ch in (code or "").lower() if ch.isalnum())


def _hash(account_id, code):
    key = hmac.new(current_app.config["SECRET_KEY"].encode(), b"recovery-codes", hashlib.sha256).digest()
    return hmac.new(key, f"{account_id}:{_normalise(code)}".encode(), hashlib.sha256).hexdigest()


def new_codes(account):
    """Replace the account's codes with ten new ones; returns them in clear, once."""
    codes = ["-".join("".join(secrets.choice(_ALPHABET) for _ in range(4)) for _ in range(3))
             for _ in range(COUNT)]
    RecoveryCode.delete().where(RecoveryCode.account == account).execute()
    RecoveryCode.insert_many([{"account": account.id, "code_hash": _hash(account.id, code)}
                              for code in codes]).execute()
    return codes


def looks_like_recovery_code(text):
    return len(_normalise(text)) == 12


def use(account, code, now):
    """Spend a code: True once per code, even for parallel requests."""
    spent = (RecoveryCode.update(used_at=now)
             .where((RecoveryCode.account == account) & (RecoveryCode.code_hash == _hash(account.id, code))
                    & RecoveryCode.used_at.is_null())
             .execute())
    return spent == 1
