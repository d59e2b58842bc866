"""The administrator's pages: the agency's staff members, their roles, blocking and ending (the rules are
people.staff_members')."""
from flask import abort, current_app, redirect, request, url_for
from flask_login import current_user

from portal.access_control import role_required
from portal.approvals import four_eyes
from portal.backoffice import bp
from portal.people import staff_members
from portal.people.models import StaffMember
from portal.people.staff_roles import ADMINISTRATOR, EVERY_ROLE, ROLE_LABELS
from portal.text import form_text
from portal.text.languages import LANGUAGE_NAMES
from portal.text.lazy_text import lazy_gettext as _l
from portal.web import mail
from portal.web.history_pages import SHOWN as HISTORY_SHOWN
from portal.web.history_pages import history_response
from portal.web.rendering import render

MAX_REASON = 2000


def _one_line(text):
    return not form_text.single_line_errors({"text": text})


@bp.get("/<lang:lang>/staff/members")
@role_required(ADMINISTRATOR)
def staff_members_page(status=200, **extra):
    extra.setdefault("errors", {})
    extra.setdefault("values", {"roles": [], "language": "fr"})
    return render("backoffice/staff_members.html", status=status, members=staff_members.members(),
                  role_labels=ROLE_LABELS, every_role=EVERY_ROLE, languages=LANGUAGE_NAMES,
                  passkey_rule=staff_members.passkey_rule(),
                  done=request.args.get("done"), **extra)


def _typed():
    return {"name": " ".join(request.form.get("name", "").split())[:200],
            "email": request.form.get("email", "").strip().lower()[:254],
            "roles": [role for role in request.form.getlist("roles") if role in EVERY_ROLE],
            "language": request.form.get("language", "fr")}


@bp.post("/<lang:lang>/staff/members")
@role_required(ADMINISTRATOR)
def add_staff_member():
    values = _typed()
    errors = {}
    if not values["name"] or not _one_line(values["name"]):
        errors["name"] = _l("Enter the staff member's name.")
    domains = current_app.config["STAFF_EMAIL_DOMAINS"]
    if not values["email"].isascii() or not form_text.EMAIL.match(values["email"]):
        errors["email"] = _l("Enter an e-mail address, such as name@fagg-afmps.be.")
    elif domains and values["email"].rsplit("@", 1)[1] not in domains:
        errors["email"] = _l("Enter an address of the agency: %(domains)s.", domains=", ".join(domains))
    if values["language"] not in LANGUAGE_NAMES:
        errors["language"] = _l("Choose French, Dutch or English.")
    if not errors:
        try:
            member = staff_members.add(values["name"], values["email"], values["roles"], values["language"],
                                       current_user.staff, current_app.config["BASE_URL"])
        except staff_members.Refused as refused:
            errors[refused.field or "email"] = refused.message
    if errors:
        return staff_members_page(status=422, errors=errors, values=values)
    return redirect(url_for("backoffice.staff_member_page", member_id=member.id, done="added"), 303)


@bp.post("/<lang:lang>/staff/members/passkeys")
@role_required(ADMINISTRATOR)
def require_staff_passkeys():
    """Passkeys required of every staff member (each without one adds one at their next login), or not."""
    staff_members.require_passkeys(request.form.get("required") == "yes", current_user.staff)
    mail.send_after_commit()
    return redirect(url_for("backoffice.staff_members_page", done="passkeys"), 303)


def _member(member_id):
    member = StaffMember.get_or_none(StaffMember.id == member_id)
    if member is None or member.account is None:
        abort(404)
    return member


@bp.get("/<lang:lang>/staff/members/<int:member_id>")
@role_required(ADMINISTRATOR)
def staff_member_page(member_id, status=200, **extra):
    member = _member(member_id)
    extra.setdefault("errors", {})
    return render("backoffice/staff_member.html", status=status, member=member, account=member.account,
                  role_labels=ROLE_LABELS, every_role=EVERY_ROLE,
                  events=staff_members.history(member, HISTORY_SHOWN + 1), history_shown=HISTORY_SHOWN,
                  actions=staff_members.ACTIONS, done=request.args.get("done"), **extra)


@bp.get("/<lang:lang>/staff/members/<int:member_id>/history")
@role_required(ADMINISTRATOR)
def staff_member_history(member_id):
    """The member's whole trail, behind their page (issue 31)."""
    member = _member(member_id)
    return history_response(lambda limit: staff_members.history(member, limit), "audit", staff_members.ACTIONS,
                            title=_l("History"), subject=member.name,
                            back=(url_for("backoffice.staff_member_page", member_id=member.id), member.name),
                            staff_side=True)


@bp.post("/<lang:lang>/staff/members/<int:member_id>/roles")
@role_required(ADMINISTRATOR)
def staff_member_roles(member_id):
    member = _member(member_id)
    if not member.active:
        abort(404)
    roles = [role for role in request.form.getlist("roles") if role in EVERY_ROLE]
    try:
        staff_members.set_roles(member, roles, current_user.staff)
    except staff_members.Refused as refused:
        return staff_member_page(member_id, status=422, errors={"roles": refused.message})
    return redirect(url_for("backoffice.staff_member_page", member_id=member_id, done="roles"), 303)


def _reason():
    reason = request.form.get("reason", "").strip()[:MAX_REASON]
    if not reason:
        return None, _l("Write why: it goes into the staff member's trail.")
    if not form_text.multi_line_ok(reason):
        return None, form_text.MULTI_LINE_MESSAGE
    return reason, None


@bp.post("/<lang:lang>/staff/members/<int:member_id>/block")
@role_required(ADMINISTRATOR)
def staff_member_block(member_id):
    return _close(member_id, "block")


@bp.post("/<lang:lang>/staff/members/<int:member_id>/end")
@role_required(ADMINISTRATOR)
def staff_member_end(member_id):
    return _close(member_id, "end")


def _close(member_id, action):
    member = _member(member_id)
    if not member.active:
        abort(404)
    reason, problem = _reason()
    if problem:
        return staff_member_page(member_id, status=422, errors={f"reason-{action}": problem},
                                 typed={action: request.form.get("reason", "")[:MAX_REASON]})
    try:
        (staff_members.block if action == "block" else staff_members.end)(member, current_user.staff, reason)
        four_eyes.withdraw_all_of(member, current_user.staff)
    except staff_members.Refused as refused:
        return staff_member_page(member_id, status=422, errors={f"reason-{action}": refused.message},
                                 typed={action: reason})
    return redirect(url_for("backoffice.staff_member_page", member_id=member_id, done=action), 303)


@bp.post("/<lang:lang>/staff/members/<int:member_id>/unblock")
@role_required(ADMINISTRATOR)
def staff_member_unblock(member_id):
    member = _member(member_id)
    try:
        staff_members.unblock(member, current_user.staff)
    except staff_members.Refused as refused:
        return staff_member_page(member_id, status=422, errors={"unblock": refused.message})
    return redirect(url_for("backoffice.staff_member_page", member_id=member_id, done="unblocked"), 303)
