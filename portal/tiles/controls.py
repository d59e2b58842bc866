"""“Mes contrôles” (guide 5.4): the form the law asks for, and the dossiers
the agency's inspectors open, with their documents, the corrective action
plan and the timeline. Needs the application "Autocontrôle"; every dossier,
document and action is looked up within the session's company. The rules
are the shared `inspections` module's (the back office uses them too)."""
from flask import abort, redirect, request, url_for
from flask_login import current_user
from peewee import fn

from portal.access_control import application_required, current_company, owned_or_404
from portal.data.prepared import Prepared, slot
from portal.inspections import actions as corrective_actions
from portal.inspections import dossiers as inspections
from portal.inspections.models import InspectionDossier, Questionnaire
from portal.text.lazy_text import lazy_gettext as _l
from portal.tiles import bp
from portal.web.history_pages import SHOWN as HISTORY_SHOWN
from portal.web.history_pages import history_response
from portal.web.rendering import render, to_page, wants_fragment

APPLICATION = "autocontrole"


def summary(company):
    """The dashboard tile: the open dossiers and whether the law's form is sent (one query)."""
    (open_dossiers, forms_sent), = _SUMMARY.rows(company=company.id)
    return {"open_dossiers": open_dossiers, "law_form_pending": not forms_sent}


def _summary_query():
    company = slot("company")
    sent = (Questionnaire.select(fn.COUNT(Questionnaire.id))
            .where((Questionnaire.company == company) & Questionnaire.first_submitted_at.is_null(False)))
    return (InspectionDossier.select(fn.COUNT(InspectionDossier.id), sent.alias("sent"))
            .where((InspectionDossier.company == company) & (InspectionDossier.status == InspectionDossier.OPEN))
            .tuples())


_SUMMARY = Prepared(_summary_query)


@bp.get("/<lang:lang>/portal/controls")
@application_required(APPLICATION)
def controls():
    company = current_company()
    dossiers = list(InspectionDossier.select().where(InspectionDossier.company == company)
                    .order_by(InspectionDossier.status.desc(), InspectionDossier.updated_at.desc()))
    return render("tiles/controls.html", company=company, dossiers=dossiers,
                  questionnaire=inspections.questionnaire_of(company), done=request.args.get("done"))


@bp.route("/<lang:lang>/portal/controls/form", methods=["GET", "POST"])
@application_required(APPLICATION)
def questionnaire():
    company = current_company()
    found = inspections.questionnaire_of(company)
    if request.method == "GET":
        return _questionnaire_page(found, inspections.values_of(found))
    values = inspections.questionnaire_values(request.form)
    sending = request.form.get("action") == "send"
    try:
        inspections.save_questionnaire(company, current_user.person, values, sending)
    except inspections.InspectionError as refused:
        return _questionnaire_page(found, values, refused.errors, status=422)
    return redirect(url_for("tiles.controls", done="form_sent" if sending else "form_saved"), 303)


@bp.get("/<lang:lang>/portal/controls/form/history")
@application_required(APPLICATION)
def questionnaire_history():
    company = current_company()
    return history_response(lambda limit: inspections.questionnaire_history(company, limit), "questionnaire",
                            inspections.EVENT_LABELS, title=_l("History"), subject=_l("The form the law asks for"),
                            back=(url_for("tiles.questionnaire"), _l("The form the law asks for")))


def _questionnaire_page(found, values, errors=None, status=200):
    return render("tiles/questionnaire.html", status=status, questionnaire=found, values=values, errors=errors or {},
                  qms_choices=inspections.QMS_CHOICES,
                  events=inspections.questionnaire_history(current_company(), HISTORY_SHOWN + 1),
                  history_shown=HISTORY_SHOWN, event_labels=inspections.EVENT_LABELS)


def _dossier_page(dossier, status=200, **context):
    context.setdefault("errors", {})
    documents, page, pages = inspections.documents_page(dossier, request.args.get("documents", 1, type=int) or 1)
    paged = "documents" in request.args  # a page of the documents: that list alone for htmx
    return render("tiles/dossier.html", block="documents_list" if paged else None, status=status, dossier=dossier,
                  documents=documents, documents_at=page, documents_pages=pages,
                  actions=corrective_actions.actions_shown(dossier), history_shown=HISTORY_SHOWN,
                  events=inspections.timeline_shown(dossier, HISTORY_SHOWN + 1),
                  event_labels=inspections.EVENT_LABELS, document_kinds=inspections.DOCUMENT_KINDS,
                  action_statuses=corrective_actions.ACTION_STATUSES, review_labels=corrective_actions.REVIEW_LABELS,
                  done=request.args.get("done"), **context)


def _action_part(dossier, status=200, **context):
    """One corrective action's row or form: alone for htmx, on a page of its own without it (issue 31)."""
    context.setdefault("errors", {})
    context.setdefault("values", {})
    return render("tiles/dossier_form.html", block="part", status=status, dossier=dossier, action_statuses=corrective_actions.ACTION_STATUSES,
                  review_labels=corrective_actions.REVIEW_LABELS, **context)


def _action_of(dossier, action_id):
    action = corrective_actions.action_in(dossier, action_id)
    if action is None:
        abort(404)
    return action


def _values_of(action):
    return {"action": action.action, "owner": action.owner, "due_on": action.due_on.strftime("%d/%m/%Y"),
            "status": action.status}


@bp.get("/<lang:lang>/portal/controls/<int:dossier_id>")
@application_required(APPLICATION)
def dossier(dossier_id):
    return _dossier_page(owned_or_404(InspectionDossier, dossier_id))


@bp.post("/<lang:lang>/portal/controls/<int:dossier_id>/documents")
@application_required(APPLICATION)
def add_document(dossier_id):
    found = owned_or_404(InspectionDossier, dossier_id)
    values = inspections.document_values(request.form)
    try:
        inspections.receive_document(found, request.files.get("document"), values, person=current_user.person)
    except inspections.InspectionError as refused:
        return _dossier_page(found, status=422, errors=refused.errors, typed=values)
    return redirect(url_for("tiles.dossier", dossier_id=found.id, done="document"), 303)


@bp.get("/<lang:lang>/portal/controls/<int:dossier_id>/documents/<int:document_id>")
@application_required(APPLICATION)
def document(dossier_id, document_id):
    response = inspections.served_document(owned_or_404(InspectionDossier, dossier_id), document_id)
    if response is None:
        abort(404)
    return response


@bp.get("/<lang:lang>/portal/controls/<int:dossier_id>/timeline")
@application_required(APPLICATION)
def dossier_timeline(dossier_id):
    found = owned_or_404(InspectionDossier, dossier_id)
    return history_response(lambda limit: inspections.timeline(found, limit), "dossier", inspections.EVENT_LABELS,
                            title=_l("Timeline"), subject=found.subject,
                            back=(url_for("tiles.dossier", dossier_id=found.id), found.subject))


@bp.get("/<lang:lang>/portal/controls/<int:dossier_id>/actions/new")
@application_required(APPLICATION)
def add_action_form(dossier_id):
    found = owned_or_404(InspectionDossier, dossier_id)
    if request.args.get("closed") and wants_fragment():  # "Cancel": the link again
        return _action_part(found, shape="add_link")
    if found.status != InspectionDossier.OPEN:
        abort(404)
    return _action_part(found, shape="add", title=_l("Add a corrective action"))


@bp.get("/<lang:lang>/portal/controls/<int:dossier_id>/actions/<int:action_id>")
@application_required(APPLICATION)
def action_row(dossier_id, action_id):
    found = owned_or_404(InspectionDossier, dossier_id)
    action = _action_of(found, action_id)
    if not wants_fragment():  # the row's address, opened as a page: the row on the dossier's page
        return redirect(url_for("tiles.dossier", dossier_id=found.id) + f"#action-{action.id}", 303)
    return _action_part(found, shape="read", action=action)


@bp.get("/<lang:lang>/portal/controls/<int:dossier_id>/actions/<int:action_id>/edit")
@application_required(APPLICATION)
def edit_action(dossier_id, action_id):
    found = owned_or_404(InspectionDossier, dossier_id)
    action = _action_of(found, action_id)
    if found.status != InspectionDossier.OPEN or action.settled:
        abort(404)
    return _action_part(found, shape="edit", action=action, values=_values_of(action), title=_l("Update"))


@bp.post("/<lang:lang>/portal/controls/<int:dossier_id>/actions", defaults={"action_id": None})
@bp.post("/<lang:lang>/portal/controls/<int:dossier_id>/actions/<int:action_id>")
@application_required(APPLICATION)
def save_action(dossier_id, action_id):
    found = owned_or_404(InspectionDossier, dossier_id)
    action = _action_of(found, action_id) if action_id is not None else None
    values = corrective_actions.action_values(request.form)
    try:
        corrective_actions.save_action(found, current_user.person, values, action)
    except inspections.InspectionError as refused:
        if action is None:
            return _action_part(found, status=422, shape="add", values=values, errors=refused.errors,
                                title=_l("Add a corrective action"))
        errors = {f"{name}-{action.id}": message for name, message in refused.errors.items()}
        return _action_part(found, status=422, shape="edit", action=action, values=values, errors=errors,
                            title=_l("Update"))
    if action is not None and wants_fragment():
        return _action_part(found, shape="read", action=_action_of(found, action.id))
    # without htmx, or an action added (the plan and the timeline changed): the page again
    return to_page(url_for("tiles.dossier", dossier_id=found.id, done="action")
                   + (f"#action-{action.id}" if action else "#actions"))
