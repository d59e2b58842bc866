"""Checking what a person knows and has: the password, the authenticator's
code, a recovery code, a passkey, the enrolment code the agency hands over. Every page
that asks for one of them (login, staff login, "Mon compte", the reset link,
linking a new phone) calls these, so every guess is reserved and counted
toward the same lockout before it is checked, a locked or blocked account is
refused the same way everywhere (and in the same time), and a TOTP time step
is used once at most.
"""
from dataclasses import dataclass

from portal import clock
from portal.data.db import database
from portal.logins import lockout, totp
from portal.people import one_time_codes, passkeys
from portal.people import recovery_codes as recovery
from portal.people.models import Account
from portal.people.passwords import burn_time, verify_password
from portal.text.lazy_text import lazy_gettext as _l
from portal.web import mail

WRONG_CODE = _l("This code is not valid. Try again with the next code.")
WRONG_RECOVERY_CODE = _l("This recovery code is not valid or was already used.")
WRONG_ENROLMENT_CODE = _l("This is not the code the agency gave you. Check it, or ask the agency again.")
REPLAYED = _l("This code was already used. Wait for the next code of your app.")
TOTP, RECOVERY = "totp", "recovery"


@dataclass
class Check:
    accepted: bool
    error: object = None  # the message for the person, when refused


def _settle(account, attempt, right, error=None):
    """After the check of a reserved attempt: give it back, or count it."""
    if right:
        lockout.release(account)
        return Check(True)
    with database.atomic():
        lockout.fail(account, attempt, clock.utc())
    mail.send_after_commit()
    return Check(False, error)


def password_ok(account, password):
    """True for the right password of an account that may log in now. A
    wrong one counts toward the lockout. An unknown, locked or blocked
    account costs the same time as a wrong password."""
    if account is None:
        burn_time(password)
        return False
    attempt = lockout.reserve(account, clock.utc())
    right = verify_password(account.password_hash, password)  # always: the same time for every answer
    if attempt is None:
        return False
    return _settle(account, attempt, right and not account.blocked).accepted


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


def _code(account, typed, accept):
    """(right, message when wrong) for a typed code."""
    if recovery.looks_like_recovery_code(typed):
        if RECOVERY in accept and recovery.use(account, typed, clock.utc()):
            return True, None
        return False, WRONG_RECOVERY_CODE if RECOVERY in accept else WRONG_CODE
    if TOTP not in accept or not account.totp_secret:
        return False, WRONG_RECOVERY_CODE if RECOVERY in accept else WRONG_CODE
    result = totp.check(account.totp_secret, typed, clock.now(), account.totp_last_counter)
    if result.accepted and claim_time_step(account, result.counter):
        return True, None
    if result.accepted or result.replayed:
        return False, REPLAYED
    if result.skew_minutes:
        return False, skew_message(result.skew_minutes)
    return False, WRONG_CODE


def code_ok(account, typed, accept=(TOTP, RECOVERY)):
    """Check a code of the account's authenticator or one of its recovery
    codes (spent when right). A wrong one counts toward the lockout."""
    typed = (typed or "").strip()[:40]
    attempt = lockout.reserve(account, clock.utc())
    if attempt is None or account.blocked:
        return Check(False, WRONG_CODE)
    right, error = _code(account, typed, accept)
    return _settle(account, attempt, right, error)


def passkey_ok(account, response, challenge, base_url):
    """Check the browser's answer with one of the account's passkeys (people.passkeys): counted toward the
    account's lockout like a code, and refused the same way for a locked or blocked account."""
    attempt = lockout.reserve(account, clock.utc())
    if attempt is None or account.blocked:
        return Check(False, passkeys.NOT_ACCEPTED)
    try:
        key, parsed = passkeys.find(response)
        if key.account_id != account.id:
            raise passkeys.Refused(passkeys.UNKNOWN, "unknown")
        passkeys.check(key, parsed, challenge, base_url)
    except passkeys.Refused as refused:
        return _settle(account, attempt, False, refused.message)
    return _settle(account, attempt, True)


def enrolment_code_ok(account, typed):
    """The code the agency handed over when it allowed a new device."""
    attempt = lockout.reserve(account, clock.utc())
    if attempt is None or account.blocked:
        return Check(False, WRONG_ENROLMENT_CODE)
    right = one_time_codes.matches(account.id, one_time_codes.ENROLMENT, typed, account.enrolment_code_hash)
    return _settle(account, attempt, right, WRONG_ENROLMENT_CODE)


def skew_message(minutes):
    return _l("This code would be right if your phone's clock were %(minutes)s minutes off. "
              "Set your phone to the network time, or in Google Authenticator choose Settings, "
              "Time correction for codes, Sync now; then type the new code.", minutes=abs(minutes))
