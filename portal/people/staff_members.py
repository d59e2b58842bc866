"""The agency's staff members, as an administrator keeps them (issue 30): added with their roles and a
temporary password e-mailed to them, their roles changed, blocked for a while, unblocked, or ended when
they leave. Each change is in the member's trail with who made it. An administrator never blocks or ends
themself, and the last active administrator keeps that role: the back office always has one. Nobody changes
their own roles, and every other administrator is told by e-mail of each change: one administrator cannot
quietly give themself, or a colleague they made up, the roles that four eyes need."""
import datetime

import peewee
from flask import current_app, url_for

from portal import clock
from portal.data.db import database
from portal.people import sessions, staff_roles
from portal.people.models import Account, StaffEvent, StaffMember, StaffSetting
from portal.people.passwords import hash_password, temporary_password
from portal.text.lazy_text import lazy_gettext as _l
from portal.web import mail

ACTIONS = {"created": _l("Staff member added"), "roles_changed": _l("Roles changed"),
           "blocked": _l("Blocked"), "unblocked": _l("Unblocked"), "ended": _l("Ended")}


class Refused(Exception):
    """A change an administrator may not make; the message says why."""

    def __init__(self, message, field=None):
        super().__init__(str(message))
        self.message, self.field = message, field


def members():
    """Every staff member with their account (`login_account`), active ones first, by name."""
    return list(StaffMember.select(StaffMember, Account)
                .join(Account, on=(Account.staff == StaffMember.id), attr="login_account")
                .order_by(StaffMember.active.desc(), StaffMember.name))


def _record(member, by, action, reason=""):
    """The change in the member's trail, and an e-mail to every other active administrator (in the
    caller's transaction)."""
    StaffEvent.create(member=member, staff=by, action=action, reason=reason)
    for admin in StaffMember.holding(staff_roles.ADMINISTRATOR):
        if admin.id != by.id:
            mail.queue(admin.email, "staff_changed", admin.language,
                       _l("A change in the agency's staff accounts: %(name)s", name=member.name), admin=admin,
                       by=by, member=member, what=ACTIONS[action], reason=reason)


def add(name, email, roles, language, by, base_url):
    """A new staff member with `roles`, and their temporary password by e-mail (they choose their own and
    link an authenticator at the first login). Raises Refused when the address is taken."""
    password = temporary_password()
    days = current_app.config["TEMPORARY_PASSWORD_DAYS"]
    with database.atomic():
        if StaffMember.select().where(StaffMember.email == email).exists():
            raise Refused(_l("A staff member has this e-mail address already."), "email")
        try:
            with database.atomic():  # two administrators adding the same address at once: one wins
                member = StaffMember.create(email=email, name=name, roles=_checked(roles), language=language)
        except peewee.IntegrityError:
            raise Refused(_l("A staff member has this e-mail address already."), "email") from None
        Account.create(staff=member, password_hash=hash_password(password), must_change_password=True,
                       password_expires_at=clock.utc() + datetime.timedelta(days=days))
        _record(member, by, "created", _roles_text(roles))
        mail.queue(email, "staff_welcome", language, _l("Your login for the back office of the FAMHP portal"),
                   name=name, admin=by.name, email=email, password=password, days=days,
                   login_url=base_url.rstrip("/") + url_for("auth.staff_login", lang=language))
    mail.send_after_commit()
    return member


def _checked(roles):
    """The roles as stored; Refused for a right given without the role it widens."""
    if any(right in roles and role not in roles for right, role in staff_roles.WIDENS.items()):
        raise Refused(_l("“Inspector: all dossiers” widens the inspector's role: tick both."), "roles")
    return staff_roles.stored(roles)


def _roles_text(roles):
    return " ".join(role for role in staff_roles.EVERY_ROLE if role in roles)


def _other_active_administrators(member):
    """The administrators but `member` who can act now: an account not blocked, their own password and an
    authenticator linked (one added a moment ago, who never logged in, does not count)."""
    able = (StaffMember.select().join(Account, on=(Account.staff == StaffMember.id))
            .where(StaffMember.active & (StaffMember.id != member.id) & ~Account.blocked
                   & Account.totp_secret.is_null(False) & ~Account.must_change_password)
            .order_by(StaffMember.name))
    return [other for other in able if other.has_role(staff_roles.ADMINISTRATOR)]


def set_roles(member, roles, by):
    """The member's roles become `roles`; the last active administrator keeps theirs; nobody changes their
    own (another administrator does)."""
    if member.id == by.id:
        raise Refused(_l("You cannot change your own roles: ask another administrator."), "roles")
    if staff_roles.ADMINISTRATOR not in roles and member.has_role(staff_roles.ADMINISTRATOR) \
            and not _other_active_administrators(member):
        raise Refused(_l("The back office needs an administrator: give the role to someone else first."), "roles")
    stored = _checked(roles)
    with database.atomic():
        StaffMember.update(roles=stored).where(StaffMember.id == member.id).execute()
        _record(member, by, "roles_changed", f"{member.roles} → {_roles_text(roles)}".strip())
    mail.send_after_commit()


def _not_oneself(member, by):
    if member.id == by.id:
        raise Refused(_l("You cannot block or end your own account: ask another administrator."))
    if member.has_role(staff_roles.ADMINISTRATOR) and not _other_active_administrators(member):
        raise Refused(_l("The back office needs an administrator: give the role to someone else first."))


def block(member, by, reason):
    """No login and every session ended, until an administrator unblocks them."""
    _not_oneself(member, by)
    with database.atomic():
        sessions.block(member.account)
        _record(member, by, "blocked", reason)
    mail.send_after_commit()


def unblock(member, by):
    if not member.active:
        raise Refused(_l("This staff member has left: their account stays closed."))
    if not member.account.blocked:
        return  # a second click: nothing to record
    with database.atomic():
        Account.update(blocked=False).where(Account.staff == member.id).execute()
        _record(member, by, "unblocked")
    mail.send_after_commit()


def end(member, by, reason):
    """A member who left: no login, no role, every session ended, for good; the trail keeps their name."""
    _not_oneself(member, by)
    with database.atomic():
        sessions.block(member.account)
        StaffMember.update(active=False, roles="").where(StaffMember.id == member.id).execute()
        _record(member, by, "ended", reason)
    mail.send_after_commit()


def history(member, limit=200):
    return StaffEvent.trail(member=member, limit=limit)


PASSKEYS_REQUIRED = "passkeys_required"


def passkeys_required():
    """Whether an administrator requires a passkey of every staff member (asked at their next login)."""
    return StaffSetting.select().where((StaffSetting.name == PASSKEYS_REQUIRED) & StaffSetting.enabled).exists()


def passkey_rule():
    """The setting's row (who set it, when), or None when nobody ever did."""
    return StaffSetting.get_or_none(StaffSetting.name == PASSKEYS_REQUIRED)


def require_passkeys(enabled, by):
    """An administrator requires passkeys of every staff member, or no longer does; every other
    administrator is told."""
    with database.atomic():
        changed = (StaffSetting.update(enabled=enabled, changed_by=by, changed_at=clock.utc())
                   .where(StaffSetting.name == PASSKEYS_REQUIRED).execute())
        if not changed:
            try:
                with database.atomic():
                    StaffSetting.create(name=PASSKEYS_REQUIRED, enabled=enabled, changed_by=by)
            except peewee.IntegrityError:  # another administrator's first choice came first: this one is later
                StaffSetting.update(enabled=enabled, changed_by=by, changed_at=clock.utc()).where(
                    StaffSetting.name == PASSKEYS_REQUIRED).execute()
        what = _l("Passkeys required of every staff member") if enabled else _l("Passkeys no longer required")
        for admin in StaffMember.holding(staff_roles.ADMINISTRATOR):
            if admin.id != by.id:
                mail.queue(admin.email, "staff_changed", admin.language,
                           _l("A change in the agency's staff accounts: %(name)s", name=by.name), admin=admin,
                           by=by, member=by, what=what, reason="")
