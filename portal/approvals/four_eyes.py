"""Four eyes (issue 30): a change that could take over an account (a new device for a person who lost
their phone) or move money (a contribution year's parameters) is asked for by one staff member and takes
effect only when a second one, holding the same role, approves it. Nobody approves their own request;
one change at a time waits for a subject; two approvals sent at the same moment apply it once.

What each kind does once approved is here, next to the rule: the part that shows the request never
applies it itself."""
import json

import peewee

from portal import clock
from portal.approvals.models import Approval
from portal.contributions import declarations as contribution_rules
from portal.data.db import database
from portal.people import devices
from portal.people.models import Account, StaffMember
from portal.people.staff_roles import ACCOUNT_SUPPORT, FINANCE
from portal.text.lazy_text import lazy_gettext as _l
from portal.web import mail

ROLE = {Approval.NEW_DEVICE: ACCOUNT_SUPPORT, Approval.CONTRIBUTION_YEAR: FINANCE}
KIND_LABELS = {Approval.NEW_DEVICE: _l("New device for a person's account"),
               Approval.CONTRIBUTION_YEAR: _l("Parameters of a contribution year")}
STATUS_LABELS = {Approval.PENDING: _l("Waiting for approval"), Approval.APPROVED: _l("Approved"),
                 Approval.REFUSED: _l("Refused"), Approval.WITHDRAWN: _l("Withdrawn")}


class AlreadyWaiting(Exception):
    """Another request for the same subject waits already."""


class NotDecidable(Exception):
    """Decided already, withdrawn, or the staff member's own request (or not their role)."""


def _key(kind, subject):
    return f"{kind}:{subject}"


def ask(kind, subject, staff, reason, payload=None):
    """Record `staff`'s request; it waits for a second staff member of the kind's role."""
    try:
        with database.atomic():
            return Approval.create(kind=kind, subject=subject, waiting_key=_key(kind, subject), reason=reason,
                                   payload=json.dumps(payload) if payload is not None else "", requested_by=staff)
    except peewee.IntegrityError:
        raise AlreadyWaiting() from None


def waiting(kind, subject):
    """The request that waits for `subject`, with who asked, or None."""
    return (Approval.select(Approval, StaffMember).join(StaffMember, peewee.JOIN.LEFT_OUTER,
                                                        on=(Approval.requested_by == StaffMember.id))
            .where(Approval.waiting_key == _key(kind, subject)).first())


def waiting_for(staff):
    """Every request waiting for the roles `staff` holds, oldest first: the ones they asked for are in,
    shown as theirs (they may withdraw them)."""
    kinds = [kind for kind, role in ROLE.items() if staff.has_role(role)]
    if not kinds:
        return []
    return list(Approval.select(Approval, StaffMember)
                .join(StaffMember, peewee.JOIN.LEFT_OUTER, on=(Approval.requested_by == StaffMember.id))
                .where(Approval.waiting_key.is_null(False) & Approval.kind.in_(kinds))
                .order_by(Approval.requested_at, Approval.id))


def history(kind, subject, limit=20):
    """The decided requests of a subject, newest first, with both names."""
    Decider = StaffMember.alias()
    return list(Approval.select(Approval, StaffMember, Decider)
                .join_from(Approval, StaffMember, peewee.JOIN.LEFT_OUTER,
                           on=(Approval.requested_by == StaffMember.id), attr="requested_by")
                .join_from(Approval, Decider, peewee.JOIN.LEFT_OUTER,
                           on=(Approval.decided_by == Decider.id), attr="decided_by")
                .where((Approval.kind == kind) & (Approval.subject == subject) & Approval.waiting_key.is_null())
                .order_by(Approval.requested_at.desc(), Approval.id.desc()).limit(limit))


def get(approval_id):
    """A request, waiting or decided: a colleague's decision a moment earlier is a conflict, not a 404."""
    return Approval.get_or_none(Approval.id == approval_id)


def _close(approval, staff, status, reason="", own=False):
    """Mark the waiting request decided, once: the condition on the row makes a second, parallel decision
    change nothing. A decision (not a withdrawal) is never the requester's own."""
    query = Approval.update(status=status, waiting_key=None, decided_by=staff, decided_at=clock.utc(),
                            decision_reason=reason).where((Approval.id == approval.id)
                                                          & Approval.waiting_key.is_null(False))
    if own:
        query = query.where(Approval.requested_by == staff.id)
    else:
        query = query.where(Approval.requested_by.is_null() | (Approval.requested_by != staff.id))
    if query.execute() != 1:
        raise NotDecidable()


def approve(approval, staff):
    """Apply the change `approval` asked for, in the transaction that marks it approved. Returns what the
    approver must see once (a new device's enrolment code), or None. Raises NotDecidable, or, for a year
    whose parameters no longer hold, contribution_rules.ContributionError (nothing changes)."""
    if not staff.has_role(ROLE[approval.kind]):
        raise NotDecidable()
    requester = StaffMember.get_or_none(StaffMember.id == approval.requested_by_id)
    with database.atomic():
        _close(approval, staff, Approval.APPROVED)
        if approval.kind == Approval.NEW_DEVICE:
            account = Account.get_or_none(Account.id == approval.subject)
            if account is None:
                raise NotDecidable()
            shown = devices.allow_new_device(account, approval.reason, staff=requester, approved_by=staff)
        else:
            contribution_rules.save_year(approval.values)
            shown = None
        _tell_requester(approval, requester, staff, approved=True)
    mail.send_after_commit()
    return shown


def refuse(approval, staff, reason):
    if not staff.has_role(ROLE[approval.kind]):
        raise NotDecidable()
    requester = StaffMember.get_or_none(StaffMember.id == approval.requested_by_id)
    with database.atomic():
        _close(approval, staff, Approval.REFUSED, reason)
        _tell_requester(approval, requester, staff, approved=False, reason=reason)
    mail.send_after_commit()


def withdraw(approval, staff):
    """The requester takes their own request back."""
    _close(approval, staff, Approval.WITHDRAWN, own=True)


def withdraw_all_of(member, by):
    """When an administrator blocks or ends `member`: what they asked for and still waits is withdrawn (in
    `by`'s name), so that nobody approves a request its author could no longer make."""
    return (Approval.update(status=Approval.WITHDRAWN, waiting_key=None, decided_by=by, decided_at=clock.utc(),
                            decision_reason="")
            .where((Approval.requested_by == member.id) & Approval.waiting_key.is_null(False)).execute())


def _tell_requester(approval, requester, decider, approved, reason=""):
    if requester is None or not requester.active:
        return
    subject = (_l("Your request was approved by %(name)s", name=decider.name) if approved else
               _l("Your request was refused by %(name)s", name=decider.name))
    mail.queue(requester.email, "four_eyes_decided", requester.language, subject, requester=requester,
               decider=decider, approved=approved, reason=reason, what=KIND_LABELS[approval.kind])
