"""Four eyes in the back office: the requests waiting for a second staff member's word, and the word
itself (approve, refuse, withdraw one's own). What each request changes is approvals.four_eyes'."""
from flask import abort, redirect, request, url_for
from flask_login import current_user

from portal.access_control import role_required
from portal.approvals import four_eyes
from portal.approvals.models import Approval
from portal.backoffice import bp
from portal.contributions import declarations as contribution_rules
from portal.people import sessions
from portal.people.models import Account
from portal.people.staff_roles import ACCOUNT_SUPPORT, FINANCE
from portal.text import form_text
from portal.web.rendering import render

MAX_REASON = 2000


@bp.get("/<lang:lang>/staff/approvals")
@role_required(ACCOUNT_SUPPORT, FINANCE)
def approvals_page(status=200, **extra):
    waiting = four_eyes.waiting_for(current_user.staff)
    people = {account.id: account.person for account in Account.select().where(
        Account.id.in_([a.subject for a in waiting if a.kind == Approval.NEW_DEVICE]))} if waiting else {}
    return render("backoffice/approvals.html", status=status, waiting=waiting, people=people,
                  kinds=four_eyes.KIND_LABELS, done=request.args.get("done"), errors=extra.pop("errors", {}),
                  **extra)


def _waiting_or_404(approval_id):
    """A waiting request of a kind the staff member's roles decide; 404 for one of another role's (or
    none); 409 and the list for one decided already (by a colleague a moment earlier, or a second click)."""
    approval = four_eyes.get(approval_id)
    if approval is None or not current_user.staff.has_role(four_eyes.ROLE[approval.kind]):
        abort(404)
    if approval.waiting_key is None:
        abort(_decided_already())
    return approval


def _back_to(approval, done):
    """The page the request is about."""
    if approval.kind == Approval.NEW_DEVICE:
        account = Account.get_or_none(Account.id == approval.subject)
        if account is not None and account.person_id:
            return redirect(url_for("backoffice.person_page", person_id=account.person_id, done=done), 303)
        return redirect(url_for("backoffice.approvals_page", done=done), 303)
    return redirect(url_for("backoffice.contributions_page", year=approval.subject, done=done), 303)


def _decided_already():
    """A second click, or a colleague's decision first: say so on the list, which shows what still waits."""
    return approvals_page(status=409, conflict=True)


@bp.post("/<lang:lang>/staff/approvals/<int:approval_id>/approve")
@role_required(ACCOUNT_SUPPORT, FINANCE)
def approve(approval_id):
    approval = _waiting_or_404(approval_id)
    if approval.requested_by_id == current_user.staff.id:
        return approvals_page(status=403, own=True)
    try:
        shown = four_eyes.approve(approval, current_user.staff)
    except four_eyes.NotDecidable:
        return _decided_already()
    except contribution_rules.ContributionError:
        return approvals_page(status=409, no_longer_valid=True)
    if shown is not None:
        sessions.keep_for_next_page(shown)  # the enrolment code, shown once to the approver, who reads it out
    return _back_to(approval, "approved")


@bp.post("/<lang:lang>/staff/approvals/<int:approval_id>/refuse")
@role_required(ACCOUNT_SUPPORT, FINANCE)
def refuse(approval_id):
    approval = _waiting_or_404(approval_id)
    if approval.requested_by_id == current_user.staff.id:
        return approvals_page(status=403, own=True)
    reason = request.form.get("reason", "").strip()[:MAX_REASON]
    if reason and not form_text.multi_line_ok(reason):
        return approvals_page(status=422, errors={f"reason-{approval.id}": form_text.MULTI_LINE_MESSAGE},
                              typed={approval.id: reason})
    try:
        four_eyes.refuse(approval, current_user.staff, reason)
    except four_eyes.NotDecidable:
        return _decided_already()
    return _back_to(approval, "refused")


@bp.post("/<lang:lang>/staff/approvals/<int:approval_id>/withdraw")
@role_required(ACCOUNT_SUPPORT, FINANCE)
def withdraw(approval_id):
    approval = _waiting_or_404(approval_id)
    if approval.requested_by_id != current_user.staff.id:
        abort(403)  # only the one who asked takes a request back
    try:
        four_eyes.withdraw(approval, current_user.staff)
    except four_eyes.NotDecidable:  # not theirs, or decided already
        return _decided_already()
    return _back_to(approval, "withdrawn")
