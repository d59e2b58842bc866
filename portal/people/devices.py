"""Allowing a new device for someone who lost their phone and every recovery
code: the agency's back office, or the company's access manager, after
checking who the person is. Shared by both parts. And the agency's support
ending every session of a person."""
from portal.data.db import database
from portal.people import notices, one_time_codes, sessions
from portal.people.models import Account, AccountEvent, Passkey, RecoveryCode


def allow_new_device(account, reason, staff=None, approved_by=None):
    """Drop the account's authenticator, recovery codes and passkeys, end its sessions:
    at the next login, after the password, the person links a new phone with
    the enrolment code returned here, which whoever checked their identity
    reads out to them (phone, video call), never by e-mail: whoever reads
    the person's mailbox cannot link their own phone. From the back office, `staff` asked for it and
    `approved_by`, a second staff member, approved it (approvals.four_eyes): both are in the trail and
    the e-mail."""
    code = one_time_codes.new_code()
    with database.atomic():
        Account.update(totp_secret=None, totp_last_counter=None, failed_attempts=0, locked_until=None, lockouts=0,
                       enrolment_code_hash=one_time_codes.keyed_hash(account.id, one_time_codes.ENROLMENT, code)
                       ).where(Account.id == account.id).execute()
        RecoveryCode.delete().where(RecoveryCode.account == account).execute()
        Passkey.delete().where(Passkey.account == account).execute()  # lost with the phone, or held by someone else
        sessions.end_others(account)
        if approved_by is not None:
            AccountEvent.create(account=account, staff=staff, action="new_device_requested", reason=reason)
            AccountEvent.create(account=account, staff=approved_by, action="new_device_allowed")
        else:
            AccountEvent.create(account=account, staff=staff, action="new_device_allowed", reason=reason)
        notices.new_device_allowed(account.person, asked_by=staff, approved_by=approved_by)
    return code  # the caller sends the e-mail once its own transaction commits


def end_sessions(person, account, staff):
    """The agency's support ends every session of `person` (in the account's trail, when there is one)."""
    with database.atomic():
        ended = sessions.end_others(person)
        if account is not None:
            AccountEvent.create(account=account, staff=staff, action="sessions_ended")
    return ended
