"""What a person changes in their own account while logging in: the temporary password replaced by their
own, the authenticator linked. Written here, not in the login's views."""
from portal.data.db import database
from portal.people import notices, recovery_codes, sessions
from portal.people.models import Account, LoginSession, PasswordReset, PendingLogin
from portal.people.passwords import hash_password


def replace_temporary_password(account, new):
    """The person's own password instead of the temporary one; it no longer expires."""
    Account.update(password_hash=hash_password(new), must_change_password=False,
                   password_expires_at=None).where(Account.id == account.id).execute()
    account.must_change_password = False


def link_authenticator(account, secret, counter):
    """Link the authenticator the person scanned, and give the account new recovery codes (in clear, once).
    None when a parallel request of the same login linked one first: the account keeps that one."""
    with database.atomic():
        linked = (Account.update(totp_secret=secret, totp_last_counter=counter, enrolment_code_hash=None)
                  .where((Account.id == account.id) & Account.totp_secret.is_null()).execute())
        codes = recovery_codes.new_codes(account) if linked else None
    if linked:
        account.totp_secret = secret
    return codes


def change_password(account, new, keep):
    """A logged-in person's new password. Their other sessions end, and whatever was begun with the old
    password (a reset link, a login half-way) stops. The person and their companies' other legal
    representatives are told by e-mail, sent once the caller's transaction commits."""
    with database.atomic():
        Account.update(password_hash=hash_password(new), must_change_password=False,
                       password_expires_at=None).where(Account.id == account.id).execute()
        sessions.end_others(account, keep=keep)
        PasswordReset.update(voided=True).where((PasswordReset.account == account)
                                                & PasswordReset.used_at.is_null()).execute()
        PendingLogin.delete().where(PendingLogin.account == account).execute()
        notices.password_changed(account.owner, in_account=True)


def replace_authenticator(account, secret, counter, keep, end_others=True):
    """The new phone's authenticator instead of the old one: the other sessions end (unless the owner
    chose to keep them), the owner is told."""
    with database.atomic():
        Account.update(totp_secret=secret, totp_last_counter=counter).where(Account.id == account.id).execute()
        if end_others:
            sessions.end_others(account, keep=keep)
        note_on_session(keep, enrolling_secret=None)
        notices.authenticator_replaced(account.owner, others_ended=end_others)


def note_on_session(login, **fields):
    """Keep something of "Mon compte" on the login session (the secret of an authenticator being linked,
    recovery codes to show once)."""
    LoginSession.update(**fields).where(LoginSession.id == login.id).execute()
    for name, value in fields.items():
        setattr(login, name, value)


def choose_language(owner, language):
    """The language a person reads the portal and its e-mails in; a staff member, their e-mails."""
    type(owner).update(language=language).where(type(owner).id == owner.id).execute()
