"""Brute force protection, per account.

After 5 failures in a row (password or code, on any page that asks for
them), a lockout that grows with each one (1, 2, 4 … up to 15 minutes); the
count resets after 12 hours without failure. The owner is e-mailed once per
lockout. A locked account answers with the same message as a wrong password.

Every count is one atomic UPDATE … RETURNING, and the lock itself a
conditional UPDATE, so parallel guesses are all counted and exactly one of
them locks (and e-mails).
"""
import datetime

from flask_babel import lazy_gettext as _l
from peewee import Case

from .. import mail
from ..models import Account

FAILURES_BEFORE_LOCK = 5
FIRST_LOCK = datetime.timedelta(minutes=1)
LONGEST_LOCK = datetime.timedelta(minutes=15)
FORGET_AFTER = datetime.timedelta(hours=12)


def is_locked(account, now):
    return account.locked_until is not None and account.locked_until > now


def record_failure(account, now):
    """Count a failure (inside the caller's transaction, for the e-mail);
    lock the account when it is the fifth in a row. True when it locked."""
    forgotten = Account.last_failure_at.is_null(False) & (Account.last_failure_at < now - FORGET_AFTER)
    counted = (Account.update(failed_attempts=Case(None, [(forgotten, 1)], Account.failed_attempts + 1),
                              lockouts=Case(None, [(forgotten, 0)], Account.lockouts),
                              last_failure_at=now)
               .where(Account.id == account.id)
               .returning(Account.failed_attempts, Account.lockouts).tuples().execute())
    (failures, lockouts), = counted
    account.failed_attempts, account.lockouts, account.last_failure_at = failures, lockouts, now
    if failures < FAILURES_BEFORE_LOCK:
        return False
    duration = min(FIRST_LOCK * (2 ** lockouts), LONGEST_LOCK)
    locked = (Account.update(locked_until=now + duration, failed_attempts=0, lockouts=Account.lockouts + 1)
              .where((Account.id == account.id) & (Account.failed_attempts >= FAILURES_BEFORE_LOCK))
              .execute())
    if locked != 1:
        return False  # a parallel failure locked it first, and sent the e-mail
    account.locked_until, account.failed_attempts, account.lockouts = now + duration, 0, lockouts + 1
    mail.queue(account.email, "account_locked", account.language,
               _l("Your FAMHP portal account is locked for a while"),
               name=account.display_name, minutes=int(duration.total_seconds() // 60))
    return True


def record_success(account):
    Account.update(failed_attempts=0, lockouts=0, locked_until=None).where(Account.id == account.id).execute()
