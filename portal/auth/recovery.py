"""Recovery codes: ten one-time codes, grouped xxxx-xxxx-xxxx, hashes only kept."""
import hashlib
import secrets

from ..models import RecoveryCode

COUNT = 10
_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"


def _normalise(code):
    return "".join(ch for ch in (code or "").lower() if ch.isalnum())


def _hash(code):
    return hashlib.sha256(_normalise(code).encode()).hexdigest()


def new_codes(account):
    """Replace the account's codes with ten new ones; returns them in clear, once."""
    codes = ["-".join("".join(secrets.choice(_ALPHABET) for _ in range(4)) for _ in range(3))
             for _ in range(COUNT)]
    RecoveryCode.delete().where(RecoveryCode.account == account).execute()
    RecoveryCode.insert_many([{"account": account.id, "code_hash": _hash(code)} for code in codes]).execute()
    return codes


def looks_like_recovery_code(text):
    return len(_normalise(text)) == 12


def use(account, code, now):
    """Spend a code: True once per code."""
    spent = (RecoveryCode.update(used_at=now)
             .where((RecoveryCode.account == account) & (RecoveryCode.code_hash == _hash(code))
                    & RecoveryCode.used_at.is_null())
             .execute())
    return spent == 1


def remaining(account):
    return RecoveryCode.select().where((RecoveryCode.account == account) & RecoveryCode.used_at.is_null()).count()
