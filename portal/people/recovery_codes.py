"""Recovery codes: ten one-time codes that replace the authenticator's code
once each (stored as keyed hashes: see one_time_codes)."""
from portal.people import one_time_codes
from portal.people.models import RecoveryCode

COUNT = 10
PURPOSE = "recovery-codes"


def _hash(account, code):
    return one_time_codes.keyed_hash(account.id, PURPOSE, code)


def new_codes(account):
    """Replace the account's codes with ten new ones; returns them in clear, once."""
    codes = [one_time_codes.new_code() for _ in range(COUNT)]
    RecoveryCode.delete().where(RecoveryCode.account == account).execute()
    RecoveryCode.insert_many([{"account": account.id, "code_hash": _hash(account, code)} for code in codes]).execute()
    return codes


def looks_like_recovery_code(text):
    return len(one_time_codes.normalise(text)) == 12


def use(account, code, now):
    """Spend a code: True once per code, even for parallel requests."""
    spent = (RecoveryCode.update(used_at=now)
             .where((RecoveryCode.account == account) & (RecoveryCode.code_hash == _hash(account, code))
                    & RecoveryCode.used_at.is_null())
             .execute())
    return spent == 1
