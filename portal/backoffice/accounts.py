"""The agency's help with people's accounts: find a person, and allow a new
device when they lost both their phone and their recovery codes (after the
agency checked who they are). Every action is in the account's history."""
from flask_babel import lazy_gettext as _l

from .. import mail, sessions
from .. import account_notices as notices
from .. import one_time_codes
from ..db import database
from ..identifiers import IdentifierError, normalise_niss
from ..models import Account, AccountEvent, Person, RecoveryCode

ACTIONS = {"new_device_allowed": _l("New device allowed")}


def find_people(query, limit=50):
    """People by NISS (with or without dots), e-mail address or last name."""
    query = (query or "").strip()[:254]
    if not query:
        return []
    try:
        return list(Person.select().where(Person.niss == normalise_niss(query)))
    except IdentifierError:
        pass
    if "@" in query:
        return list(Person.select().where(Person.email == query.lower()).limit(limit))
    pattern = query.replace("\\", "").replace("%", "").replace("_", "") + "%"
    return list(Person.select().where(Person.last_name ** pattern)
                .order_by(Person.last_name, Person.first_name).limit(limit))


def history(account):
    return list(AccountEvent.select().where(AccountEvent.account == account)
                .order_by(AccountEvent.created_at.desc(), AccountEvent.id.desc()))


def allow_new_device(account, staff, reason):
    """Drop the account's authenticator and recovery codes, end its sessions:
    at the next login, after the password, the person links a new phone with
    the enrolment code returned here, which the agency hands over during the
    identity check (phone, video call), never by e-mail: whoever reads the
    person's mailbox cannot link their own phone."""
    code = one_time_codes.new_code()
    with database.atomic():
        Account.update(totp_secret=None, totp_last_counter=None, failed_attempts=0, locked_until=None,
                       lockouts=0, enrolment_code_hash=one_time_codes.keyed_hash(account.id, one_time_codes.ENROLMENT, code)
                       ).where(Account.id == account.id).execute()
        RecoveryCode.delete().where(RecoveryCode.account == account).execute()
        sessions.end_others(account)
        AccountEvent.create(account=account, staff=staff, action="new_device_allowed", reason=reason)
        notices.new_device_allowed(account.person)
    mail.send_after_commit()
    return code
