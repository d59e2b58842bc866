"""The pages of access management, for the company of the session. Every
object is looked up within that company (another company's id is a 404),
and every action is checked against the person's role by the rules of
designations.py."""
from flask import abort, redirect, request, url_for
from flask_login import current_user

from portal.access import bp, user_list
from portal.access_control import company_required, current_company
from portal.companies.records import legal_representatives_of
from portal.people import sessions
from portal.people.models import Person
from portal.rights import designations
from portal.rights.access_rights import health_quality, is_main_access_manager, may_manage_access, membership
from portal.rights.applications import APPLICATIONS
from portal.rights.designations import ROLE_LABELS, STATUS_LABELS, TITLES, Refused
from portal.rights.models import QualityMember
from portal.text.form_text import EMAIL, multi_line_ok, single_line_errors
from portal.text.identifiers import format_bce, format_niss
from portal.text.languages import LANGUAGE_NAMES, current_language
from portal.text.lazy_text import lazy_gettext as _l
from portal.web import mail
from portal.web.csv_export import csv_response
from portal.web.rendering import render


def _page(template, status=200, **context):
    company = current_company()
    context.setdefault("errors", {})
    return render(f"access/{template}.html", status=status, company=company, format_bce=format_bce,
                  format_niss=format_niss, quality=health_quality(company), role_labels=ROLE_LABELS,
                  status_labels=STATUS_LABELS, applications=APPLICATIONS, titles=TITLES, languages=LANGUAGE_NAMES,
                  application_options=[(code, label) for code, (label, description) in APPLICATIONS.items()],
                  is_gap=is_main_access_manager(current_user.person, company), **context)


def _managers_only():
    """The home: legal representatives too (they designate the GAP)."""
    if not may_manage_access(current_user.person, current_company()):
        abort(403)


def _quality_managers_only():
    """Users, their data, the export, the history: the quality's managers and the GAP only."""
    quality = health_quality(current_company())
    if quality is None:
        if not may_manage_access(current_user.person, current_company()):
            abort(403)
        return None
    if not designations.manages(current_user.person, quality):
        abort(403)
    return quality


def _quality_or_404():
    quality = health_quality(current_company())
    if quality is None:
        abort(404)
    return quality


def _member_or_404(member_id):
    """A member of the session company's quality, never another company's."""
    member = (QualityMember.select().where((QualityMember.id == member_id)
                                           & (QualityMember.quality == _quality_or_404())).first())
    if member is None:
        abort(404)
    return member


# Home (Figures 10, 16) ------------------------------------------------------------------------

@bp.get("/<lang:lang>/portal/access")
@company_required
def home():
    _managers_only()
    return _home(done=request.args.get("done"))


def _home(status=200, **context):
    """The home page: the legal representatives (one of them the main access manager) with their persons
    in one prepared statement, and what the gates already read of the person's designation."""
    company, me = current_company(), current_user.person
    representatives = [link.person for link in legal_representatives_of(company)]
    main_manager = next((person for person in representatives if person.id == company.main_access_manager_id),
                        None)
    if main_manager is None and company.main_access_manager_id:  # no longer a representative: read on its own
        main_manager = company.main_access_manager
    return _page("home", status=status, representatives=representatives, main_manager=main_manager,
                 member=membership(me, company), is_representative=any(p.id == me.id for p in representatives),
                 **context)


@bp.post("/<lang:lang>/portal/access/main-manager")
@company_required
def designate_main_manager():
    company = current_company()
    person = Person.get_or_none(Person.id == request.form.get("person", type=int))
    try:
        if person is None:
            raise Refused(_l("Choose one of the company's legal representatives."), "person")
        designations.designate_gap(company, current_user.person, person)
    except Refused as refused:
        if refused.field is None:
            abort(403)
        return _home(status=422, errors={refused.field: refused.message})
    return redirect(url_for("access.home", done="gap"), 303)


# Activating the quality (Figures 11–13) ------------------------------------------------------------

def _activation_values():
    return {"quality": request.form.get("quality", ""), "contact_email": request.form.get("contact_email", "").strip()[:254],
            "manager": request.form.get("manager", ""), "niss": request.form.get("niss", "").strip()[:20]}


@bp.route("/<lang:lang>/portal/access/quality/activate", methods=["GET", "POST"])
@company_required
def activate():
    company = current_company()
    if not is_main_access_manager(current_user.person, company):
        abort(403)
    if health_quality(company) is not None:
        return redirect(url_for("access.users"), 303)
    if request.method == "GET":
        return _page("activate", values={"quality": "health_institution", "manager": "myself"}, review=False)
    values = _activation_values()
    errors, manager = designations.check_activation(values, company, current_user.person)
    step = request.form.get("step")
    if errors or step != "confirm":
        return _page("activate", status=422 if errors else 200, values=values, errors=errors,
                     review=not errors and step == "review", manager=manager)
    try:
        designations.activate_quality(company, current_user.person, values["contact_email"], manager)
    except Refused:
        return redirect(url_for("access.users"), 303)
    return redirect(url_for("access.users", done="activated"), 303)


# Users (Figures 14, 18) ----------------------------------------------------------------------------

@bp.get("/<lang:lang>/portal/access/users")
@company_required
def users():
    quality = _quality_managers_only()
    if quality is None:
        return redirect(url_for("access.home"), 303)
    search = user_list.UserFilter.from_args(request.args)
    members, total, page, pages = search.page(quality, min(request.args.get("page", 1, type=int) or 1, 10**6))
    return _page("users", block="results", search=search, members=members, total=total, page=page, pages=pages,
                 done=request.args.get("done"), may_manage=designations.manages(current_user.person, quality))


@bp.get("/<lang:lang>/portal/access/users.csv")
@company_required
def users_csv():
    quality = _quality_managers_only() or abort(404)
    members = user_list.UserFilter.from_args(request.args).every(quality)
    body = user_list.export_csv(members, current_language())
    return csv_response(body, "users.csv")


@bp.post("/<lang:lang>/portal/access/users/remove")
@company_required
def remove_users():
    quality = _quality_managers_only() or abort(404)
    values = request.form.getlist("member")[:500]
    if any(not (value.isascii() and value.isdigit() and len(value) < 19) for value in values):
        abort(404)  # not an id of this list
    ids = [int(value) for value in values]
    try:
        if not ids:
            raise Refused(_l("Tick the users to remove."))
        designations.remove_members(quality, current_user.person, ids)
    except LookupError:
        abort(404)
    except Refused as refused:
        return _users_with_error(refused.message)
    return redirect(url_for("access.users", done="removed"), 303)


def _users_with_error(message, status=422):
    quality = _quality_or_404()
    search = user_list.UserFilter({name: "" for name in user_list.FILTERS})
    members, total, page, pages = search.page(quality)
    return _page("users", status=status, search=search, members=members, total=total, page=page, pages=pages,
                 errors={"members": message}, may_manage=designations.manages(current_user.person, quality))


# Adding a user, a co-manager, a new manager (Figures 19–20) ----------------------------------

def _member_values():
    return {"title": request.form.get("title", ""), "language": request.form.get("language", ""),
            "email": request.form.get("email", "").strip().lower()[:254],
            "local_email": request.form.get("local_email", "").strip().lower()[:254]}


def _check_member_values(values):
    errors = {}
    if values["title"] not in TITLES:
        errors["title"] = _l("Choose a title.")
    if values["language"] not in LANGUAGE_NAMES:
        errors["language"] = _l("Choose French, Dutch or English.")
    if not EMAIL.match(values["email"]):
        errors["email"] = _l("Enter the user's own e-mail address, such as name@company.eu.")
    if values["local_email"] and not EMAIL.match(values["local_email"]):
        errors["local_email"] = _l("Enter an e-mail address such as name@company.eu, or leave it empty.")
    errors.update(single_line_errors(values))
    return errors


@bp.route("/<lang:lang>/portal/access/users/new", methods=["GET", "POST"])
@company_required
def new_user():
    quality = _quality_managers_only() or abort(404)
    role = request.values.get("role", QualityMember.USER)
    if role not in (QualityMember.USER, QualityMember.CO_GA, QualityMember.GA):
        role = QualityMember.USER
    try:
        person = designations.person_by_niss(request.values.get("niss", ""), quality.company)
        designations.require_manager(current_user.person, quality)
        if role != QualityMember.GA and designations.existing(quality, person) is not None:
            raise Refused(_l("This person is already designated for the quality."), "niss")
    except Refused as refused:
        if refused.field is None:
            abort(403)
        return _users_with_error(refused.message)
    context = {"person": person, "role": role}
    if role == QualityMember.GA:  # "Changer de Gestionnaire Local": a confirmation, then the change
        try:
            designations.require_head(current_user.person, quality)
        except Refused as refused:
            return _users_with_error(refused.message, status=403)
        if request.method == "POST" and request.form.get("step") == "confirm":
            designations.change_ga(quality, current_user.person, person)
            return redirect(url_for("access.users", done="manager"), 303)
        return _page("change_manager", **context)
    if request.method == "GET":
        values = {"title": "", "language": person.language, "email": person.email, "local_email": ""}
        return _page("new_user", values=values, chosen={"medseip"}, review=False, **context)
    values = _member_values()
    chosen = {code for code in request.form.getlist("application") if code in APPLICATIONS}
    errors = _check_member_values(values)
    step = request.form.get("step")
    if errors or step != "confirm":
        return _page("new_user", status=422 if errors else 200, values=values, chosen=chosen, errors=errors,
                     review=not errors and step == "review", **context)
    try:
        designations.add_member(quality, current_user.person, person, role, values, chosen)
    except Refused as refused:
        return _users_with_error(refused.message, status=403 if refused.field is None else 422)
    return redirect(url_for("access.users", done="added"), 303)


# One user ----------------------------------------------------------------------------------------

@bp.route("/<lang:lang>/portal/access/users/<int:member_id>", methods=["GET", "POST"])
@company_required
def user(member_id):
    _quality_managers_only()
    member = _member_or_404(member_id)
    if request.method == "POST":
        chosen = {code for code in request.form.getlist("application") if code in APPLICATIONS}
        try:
            designations.change_applications(member, current_user.person, chosen)
        except Refused as refused:
            return _page("user", status=403, member=member, chosen=member.application_codes(),
                         errors={"application": refused.message}, may_manage=False)
        return redirect(url_for("access.user", member_id=member.id, done="applications"), 303)
    return _page("user", member=member, chosen=member.application_codes(), done=request.args.get("done"),
                 enrolment_code=sessions.take_kept(), may_manage=designations.manages(current_user.person,
                                                                                      member.quality))


@bp.post("/<lang:lang>/portal/access/users/<int:member_id>/block")
@company_required
def block_user(member_id):
    _quality_managers_only()
    member = _member_or_404(member_id)
    blocked = request.form.get("action") == "block"
    try:
        designations.set_blocked(member, current_user.person, blocked)
    except Refused as refused:
        return _page("user", status=422, member=member, chosen=member.application_codes(),
                     errors={"block": refused.message}, may_manage=True)
    return redirect(url_for("access.user", member_id=member.id, done="blocked" if blocked else "unblocked"), 303)


@bp.post("/<lang:lang>/portal/access/users/<int:member_id>/new-device")
@company_required
def allow_new_device(member_id):
    _quality_managers_only()
    member = _member_or_404(member_id)
    reason = request.form.get("reason", "").strip()[:2000]
    error = None
    if not reason or not multi_line_ok(reason):
        error = _l("Write how you checked who the person is (for example: identity card seen in a video call).")
    else:
        try:
            sessions.keep_for_next_page(designations.allow_new_device(member, current_user.person, reason))
            mail.send_after_commit()
        except Refused as refused:
            error = refused.message
    if error:
        return _page("user", status=422, member=member, chosen=member.application_codes(),
                     errors={"reason": error}, typed_reason=reason, may_manage=True)
    return redirect(url_for("access.user", member_id=member.id, done="new_device"), 303)


@bp.get("/<lang:lang>/portal/access/history")
@company_required
def history():
    _quality_managers_only()
    return _page("history", events=designations.history(current_company()), labels=designations.EVENT_LABELS)
