"""Brute force protection, per account.

Every password or code typed for an account (login, staff login, "Mon
compte", a reset link) first reserves an attempt: one atomic UPDATE that
counts it as a failure and succeeds only while the account is not locked and
fewer than 5 failures are on the count. So parallel guesses cannot go past
five: the sixth finds no room even while the first five are still being
checked. A right answer gives its reservation back; the fifth wrong one locks
the account for 1, 2, 4 … up to 15 minutes (growing with each lockout in a
row) and e-mails the owner, once. The count is forgotten after 12 hours
without failure; a completed login starts it again.
"""
import datetime

from peewee import Case

from portal.people.models import Account
from portal.text.lazy_text import lazy_gettext as _l
from portal.web import mail

FAILURES_BEFORE_LOCK = 5
FIRST_LOCK = datetime.timedelta(minutes=1)
LONGEST_LOCK = datetime.timedelta(minutes=15)
FORGET_AFTER = datetime.timedelta(hours=12)


def is_locked(account, now):
    return account.locked_until is not None and account.locked_until > now


def reserve(account, now):
    """Count an attempt before checking it. The (failures, lockouts) counted,
    or None when the account is locked or its five attempts are taken."""
    forgotten = Account.last_failure_at.is_null(False) & (Account.last_failure_at < now - FORGET_AFTER)
    rows = list(Account.update(failed_attempts=Case(None, [(forgotten, 1)], Account.failed_attempts + 1),
                               lockouts=Case(None, [(forgotten, 0)], Account.lockouts),
                               last_failure_at=now)
                .where((Account.id == account.id)
                       & (Account.locked_until.is_null() | (Account.locked_until <= now))
                       & ((Account.failed_attempts < FAILURES_BEFORE_LOCK) | forgotten))
                .returning(Account.failed_attempts, Account.lockouts).tuples().execute())
    return rows[0] if rows else None


def release(account):
    """A right answer: its reserved attempt was no failure."""
    (Account.update(failed_attempts=Case(None, [(Account.failed_attempts > 0, Account.failed_attempts - 1)], 0))
     .where(Account.id == account.id).execute())


def fail(account, attempt, now):
    """A wrong answer (inside the caller's transaction, for the e-mail): lock
    the account when it was the fifth in a row. True when it locked."""
    failures, lockouts = attempt
    if failures < FAILURES_BEFORE_LOCK:
        return False
    duration = min(FIRST_LOCK * (2 ** lockouts), LONGEST_LOCK)
    locked = (Account.update(locked_until=now + duration, failed_attempts=0, lockouts=Account.lockouts + 1)
              .where((Account.id == account.id) & (Account.failed_attempts >= FAILURES_BEFORE_LOCK))
              .execute())
    if locked != 1:
        return False  # a parallel failure locked it first, and sent the e-mail
    mail.queue(account.email, "account_locked", account.language,
               _l("Your FAMHP portal account is locked for a while"),
               name=account.display_name, minutes=int(duration.total_seconds() // 60))
    return True


def record_success(account):
    Account.update(failed_attempts=0, lockouts=0, locked_until=None).where(Account.id == account.id).execute()
