"""Brute force protection.

Per account: after 5 failures in a row (password or code), a lockout that
grows with each one (1, 2, 4 … up to 15 minutes); the count resets after 12
hours without failure. The owner is e-mailed once per lockout. Per client
address: at most 30 attempts a minute on the login endpoints. A locked
account answers with the same message as a wrong password.
"""
import datetime

from flask_babel import lazy_gettext as _l

from .. import mail
from ..models import Account, LoginThrottle

FAILURES_BEFORE_LOCK = 5
FIRST_LOCK = datetime.timedelta(minutes=1)
LONGEST_LOCK = datetime.timedelta(minutes=15)
FORGET_AFTER = datetime.timedelta(hours=12)
THROTTLE_WINDOW = datetime.timedelta(minutes=1)
THROTTLE_LIMIT = 30


def is_locked(account, now):
    return account.locked_until is not None and account.locked_until > now


def record_failure(account, now):
    """Count a failure; lock the account when it is the fifth in a row."""
    failures, lockouts = account.failed_attempts, account.lockouts
    if account.last_failure_at and now - account.last_failure_at > FORGET_AFTER:
        failures, lockouts = 0, 0
    failures += 1
    fields = {"failed_attempts": failures, "last_failure_at": now}
    if failures >= FAILURES_BEFORE_LOCK:
        duration = min(FIRST_LOCK * (2 ** lockouts), LONGEST_LOCK)
        fields.update(locked_until=now + duration, failed_attempts=0, lockouts=lockouts + 1)
        mail.queue(account.email, "account_locked", account.language,
                   _l("Your FAMHP portal account is locked for a while"),
                   name=account.display_name, minutes=int(duration.total_seconds() // 60))
    else:
        fields["lockouts"] = lockouts
    Account.update(**fields).where(Account.id == account.id).execute()
    for name, value in fields.items():
        setattr(account, name, value)
    return "locked_until" in fields


def record_success(account):
    Account.update(failed_attempts=0, lockouts=0, locked_until=None).where(Account.id == account.id).execute()


def throttled(address, now):
    """Count an attempt from `address`; True when it is over the limit."""
    address = (address or "unknown")[:64]
    row = LoginThrottle.get_or_none(LoginThrottle.address == address)
    if row is None or now - row.window_start > THROTTLE_WINDOW:
        LoginThrottle.insert(address=address, window_start=now, attempts=1).on_conflict(
            conflict_target=[LoginThrottle.address],
            update={LoginThrottle.window_start: now, LoginThrottle.attempts: 1}).execute()
        return False
    LoginThrottle.update(attempts=LoginThrottle.attempts + 1).where(LoginThrottle.id == row.id).execute()
    return row.attempts + 1 > THROTTLE_LIMIT
