"""Checking what a person knows and has: the password, the authenticator's
code, a recovery code. Every page that asks for one of them (login, staff
login, "Mon compte", the reset link) calls these, so every wrong guess
counts toward the same lockout, a locked or blocked account is refused the
same way everywhere, and a TOTP time step is used once at most.
"""
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l

from .. import clock, mail
from ..db import database
from ..models import Account
from ..passwords import burn_time, verify_password
from . import lockout, recovery, totp

WRONG_CODE = _l("This code is not valid. Try again with the next code.")
WRONG_RECOVERY_CODE = _l("This recovery code is not valid or was already used.")
REPLAYED = _l("This code was already used. Wait for the next code of your app.")
TOTP, RECOVERY = "totp", "recovery"


@dataclass
class Check:
    accepted: bool
    error: object = None  # the message for the person, when refused


def _failure(account, error):
    with database.atomic():
        lockout.record_failure(account, clock.utc())
    mail.send_after_commit()
    return Check(False, error)


def password_ok(account, password):
    """True for the right password of an account that may log in now. A
    wrong one counts toward the lockout; an unknown account (None) costs the
    same time as a known one."""
    if account is None:
        burn_time(password)
        return False
    now = clock.utc()
    if lockout.is_locked(account, now):
        burn_time(password)
        return False
    if account.blocked or not verify_password(account.password_hash, password):
        _failure(account, None)
        return False
    return True


def claim_time_step(account, counter):
    """Record `counter` as used: only forward, so that two parallel requests
    can never both log in with one code."""
    claimed = (Account.update(totp_last_counter=counter)
               .where((Account.id == account.id)
                      & (Account.totp_last_counter.is_null() | (Account.totp_last_counter < counter)))
               .execute())
    if claimed == 1:
        account.totp_last_counter = counter
    return claimed == 1


def code_ok(account, typed, accept=(TOTP, RECOVERY)):
    """Check a code of the account's authenticator or one of its recovery
    codes (spent when right). A wrong one counts toward the lockout."""
    typed = (typed or "").strip()[:40]
    if lockout.is_locked(account, clock.utc()) or account.blocked:
        return Check(False, WRONG_CODE)
    if recovery.looks_like_recovery_code(typed):
        if RECOVERY in accept and recovery.use(account, typed, clock.utc()):
            return Check(True)
        return _failure(account, WRONG_RECOVERY_CODE if RECOVERY in accept else WRONG_CODE)
    if TOTP not in accept or not account.totp_secret:
        return _failure(account, WRONG_RECOVERY_CODE if RECOVERY in accept else WRONG_CODE)
    result = totp.check(account.totp_secret, typed, clock.now(), account.totp_last_counter)
    if result.accepted and claim_time_step(account, result.counter):
        return Check(True)
    if result.accepted or result.replayed:
        return _failure(account, REPLAYED)
    if result.skew_minutes:
        return _failure(account, skew_message(result.skew_minutes))
    return _failure(account, WRONG_CODE)


def skew_message(minutes):
    return _l("This code would be right if your phone's clock were %(minutes)s minutes off. "
              "Set your phone to the network time, or in Google Authenticator choose Settings, "
              "Time correction for codes, Sync now; then type the new code.", minutes=abs(minutes))
