"""The inspectors' side of “Mes contrôles”: the dossiers waiting for them
across companies with each company's risk indicator, opening a dossier,
adding the report, confirming or reopening the company's corrective actions,
closing. An inspector opens only the dossiers they hold (`inspectors`): their
own, or every one with the second right. The rules are the shared
`inspections` package's."""
from flask import abort, redirect, request, url_for
from flask_login import current_user

from portal.access_control import role_required
from portal.backoffice import bp, companies
from portal.companies.models import Company
from portal.inspections import actions, inspectors, risk_indicator
from portal.inspections import dossiers as inspections
from portal.inspections.models import InspectionDossier
from portal.people.staff_roles import INSPECTOR
from portal.text.lazy_text import lazy_gettext as _l
from portal.web.history_pages import SHOWN as HISTORY_SHOWN
from portal.web.history_pages import history_response
from portal.web.rendering import render

PAGE = 50


@bp.get("/<lang:lang>/staff/inspections")
@role_required(INSPECTOR)
def inspections_page():
    staff = current_user.staff
    sees_all = inspectors.sees_all(staff)
    scope = request.args.get("scope", "mine") if sees_all else "mine"
    query = (InspectionDossier.select(InspectionDossier, Company).join(Company)
             .where(InspectionDossier.status == InspectionDossier.OPEN))
    if scope == "mine":
        query = query.where(InspectionDossier.inspector == staff)
    dossiers = list(query.order_by(InspectionDossier.waiting_for, InspectionDossier.updated_at).limit(PAGE))
    return render("backoffice/inspections.html", dossiers=dossiers, scope=scope, sees_all=sees_all,
                  risks=risk_indicator.of_companies({dossier.company_id for dossier in dossiers}),
                  waiting=actions.waiting_counts({dossier.id for dossier in dossiers}))


@bp.post("/<lang:lang>/staff/companies/<int:company_id>/inspections")
@role_required(INSPECTOR)
def open_dossier(company_id):
    company = Company.get_or_none(Company.id == company_id)
    if company is None:
        abort(404)
    values = inspections.dossier_values(request.form)
    try:
        dossier = inspections.open_dossier(company, current_user.staff, values)
    except inspections.InspectionError as refused:
        return companies.page(company, status=422, dossier_errors=refused.errors, dossier_values=values)
    return redirect(url_for("backoffice.dossier_page", dossier_id=dossier.id), 303)


def _dossier(dossier_id):
    """The dossier if this inspector holds it; 404 for any other, another inspector's included."""
    found = inspectors.dossier_for(current_user.staff, dossier_id)
    if found is None:
        abort(404)
    return found


def _page(dossier, status=200, **context):
    company = Company.get_by_id(dossier.company_id)
    context.setdefault("errors", {})
    context.setdefault("typed", {})
    documents, page, pages = inspections.documents_page(dossier, request.args.get("documents", 1, type=int) or 1)
    return render("backoffice/dossier.html", block="documents_list" if "documents" in request.args else None,
                  status=status, dossier=dossier, company=company, documents=documents, documents_at=page,
                  documents_pages=pages, actions=actions.actions_of(dossier),
                  events=inspections.timeline_shown(dossier, HISTORY_SHOWN + 1), history_shown=HISTORY_SHOWN,
                  event_labels=inspections.EVENT_LABELS,
                  document_kinds=inspections.DOCUMENT_KINDS, action_statuses=actions.ACTION_STATUSES,
                  review_labels=actions.REVIEW_LABELS, may_confirm=actions.may_confirm, version=actions.version,
                  may_reopen=actions.may_reopen, questionnaire=inspections.questionnaire_of(company),
                  qms_choices=inspections.QMS_CHOICES, risk=risk_indicator.of_companies([company.id])[company.id],
                  done=request.args.get("done"), **context)


@bp.get("/<lang:lang>/staff/inspections/<int:dossier_id>")
@role_required(INSPECTOR)
def dossier_page(dossier_id):
    return _page(_dossier(dossier_id))


@bp.get("/<lang:lang>/staff/inspections/<int:dossier_id>/timeline")
@role_required(INSPECTOR)
def dossier_timeline(dossier_id):
    """The dossier's whole timeline, behind its page (issue 31): for the inspector who holds it."""
    dossier = _dossier(dossier_id)
    return history_response(lambda limit: inspections.timeline(dossier, limit), "dossier", inspections.EVENT_LABELS,
                            title=_l("Timeline"), subject=dossier.subject,
                            back=(url_for("backoffice.dossier_page", dossier_id=dossier.id), dossier.subject),
                            staff_side=True)


@bp.post("/<lang:lang>/staff/inspections/<int:dossier_id>/documents")
@role_required(INSPECTOR)
def add_dossier_document(dossier_id):
    dossier = _dossier(dossier_id)
    values = inspections.document_values(request.form)
    try:
        inspections.receive_document(dossier, request.files.get("document"), values, staff=current_user.staff)
    except inspections.InspectionError as refused:
        return _page(dossier, status=422, errors=refused.errors, typed=values)
    return redirect(url_for("backoffice.dossier_page", dossier_id=dossier.id, done="document"), 303)


@bp.get("/<lang:lang>/staff/inspections/<int:dossier_id>/documents/<int:document_id>")
@role_required(INSPECTOR)
def dossier_document(dossier_id, document_id):
    response = inspections.served_document(_dossier(dossier_id), document_id)
    if response is None:
        abort(404)
    return response


@bp.post("/<lang:lang>/staff/inspections/<int:dossier_id>/close")
@role_required(INSPECTOR)
def close_dossier(dossier_id):
    dossier = _dossier(dossier_id)
    inspections.close_dossier(dossier, current_user.staff, request.form.get("reason", "").strip()[:2000])
    return redirect(url_for("backoffice.dossier_page", dossier_id=dossier.id, done="closed"), 303)


@bp.post("/<lang:lang>/staff/inspections/<int:dossier_id>/actions/<int:action_id>/confirm")
@role_required(INSPECTOR)
def confirm_action(dossier_id, action_id):
    dossier = _dossier(dossier_id)
    try:
        found = actions.confirm(dossier, current_user.staff, action_id, actions.seen_values(request.form))
    except inspections.InspectionError as refused:
        return _page(dossier, status=422, errors=refused.errors)
    if found is None:
        abort(404)
    return redirect(url_for("backoffice.dossier_page", dossier_id=dossier.id, done="confirmed"), 303)


@bp.post("/<lang:lang>/staff/inspections/<int:dossier_id>/actions/<int:action_id>/reopen")
@role_required(INSPECTOR)
def reopen_action(dossier_id, action_id):
    dossier = _dossier(dossier_id)
    seen = actions.seen_values(request.form)
    try:
        found = actions.reopen(dossier, current_user.staff, action_id, seen)
    except inspections.InspectionError as refused:
        return _page(dossier, status=422, errors=refused.errors, reopening=action_id, reason=seen["reason"])
    if found is None:
        abort(404)
    return redirect(url_for("backoffice.dossier_page", dossier_id=dossier.id, done="reopened"), 303)
