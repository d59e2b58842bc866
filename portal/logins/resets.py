"""A forgotten password's reset links: single-use, valid PORTAL_RESET_LINK_MINUTES, a newer one voids the
older ones, none for a blocked account; and what following one changes (the auth part's `reset` pages
hold the journey and why it never goes around the second factor)."""
import datetime
import hashlib
import secrets

from flask import current_app, url_for

from portal import clock
from portal.data.db import database
from portal.people import notices, sessions
from portal.people.models import Account, Passkey, PasswordReset
from portal.people.passwords import hash_password
from portal.text.lazy_text import lazy_gettext as _l
from portal.web import mail, rate_limit


def _hash(token):
    return hashlib.sha256(token.encode()).hexdigest()


def send_link(account, language):
    """Void the account's older links and e-mail a new one (inside a
    transaction); nothing for a blocked account, or past the hourly limit."""
    if account.blocked or rate_limit.exceeded(rate_limit.RESET_MAIL, account.id):
        return
    token = secrets.token_urlsafe(32)
    PasswordReset.update(voided=True).where((PasswordReset.account == account) & PasswordReset.used_at.is_null()).execute()
    PasswordReset.create(account=account, token_hash=_hash(token), created_at=clock.utc())
    link = current_app.config["BASE_URL"].rstrip("/") + url_for("auth.reset", token=token, lang=language)
    mail.queue(account.email, "password_reset", account.language, _l("Choose a new password for the FAMHP portal"),
               name=account.display_name, link=link, minutes=current_app.config["RESET_LINK_MINUTES"])


def find(token):
    """(reset, usable) for a link's token; reset is None when unknown or
    when its account is blocked (a blocked account has no way back in)."""
    reset = PasswordReset.get_or_none(PasswordReset.token_hash == _hash(token))
    if reset is None or reset.account.blocked:
        return None, False
    age = clock.utc() - reset.created_at
    fresh = age <= datetime.timedelta(minutes=current_app.config["RESET_LINK_MINUTES"])
    return reset, fresh and reset.used_at is None and not reset.voided


def complete(reset, new, proved, lost_phone=False):
    """Spend the link and set the new password (True), or False when a parallel request spent it first.
    `proved`: the second factor was proved (the lockout is lifted); `lost_phone`: by a recovery code, so
    the authenticator is unlinked and the login links the new phone next, and the passkeys go with it (a
    lost phone held one, or whoever took the account added one: issue 32's review). The other sessions end; the
    person is told by e-mail, sent once the caller commits."""
    account = reset.account
    with database.atomic():
        used = (PasswordReset.update(used_at=clock.utc())
                .where((PasswordReset.id == reset.id) & PasswordReset.used_at.is_null()).execute())
        if used != 1:
            return False
        fields = {"password_hash": hash_password(new), "must_change_password": False, "password_expires_at": None}
        if proved:
            fields.update(failed_attempts=0, locked_until=None, lockouts=0)
        if lost_phone:
            fields.update(totp_secret=None, totp_last_counter=None)
            Passkey.delete().where(Passkey.account == account.id).execute()
        Account.update(**fields).where(Account.id == account.id).execute()
        sessions.end_others(account)
        notices.password_changed(account.owner)
        if lost_phone:
            notices.authenticator_replaced(account.owner)
    return True
