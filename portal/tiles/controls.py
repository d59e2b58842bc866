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
from portal.inspections.models import CorrectiveAction, InspectionDossier, Questionnaire
from portal.tiles import bp
from portal.web.rendering import render

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


def _questionnaire_page(found, values, errors=None, status=200):
    return render("tiles/questionnaire.html", status=status, questionnaire=found, values=values, errors=errors or {},
                  qms_choices=inspections.QMS_CHOICES, events=inspections.questionnaire_history(current_company()),
                  event_labels=inspections.EVENT_LABELS)


def _dossier_page(dossier, status=200, **context):
    context.setdefault("errors", {})
    context.setdefault("action_values", {})
    context.setdefault("editing_action", None)
    return render("tiles/dossier.html", status=status, dossier=dossier, documents=inspections.documents_of(dossier),
                  actions=corrective_actions.actions_of(dossier), events=inspections.timeline(dossier),
                  event_labels=inspections.EVENT_LABELS, document_kinds=inspections.DOCUMENT_KINDS,
                  action_statuses=corrective_actions.ACTION_STATUSES, review_labels=corrective_actions.REVIEW_LABELS,
                  done=request.args.get("done"), **context)


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


@bp.post("/<lang:lang>/portal/controls/<int:dossier_id>/actions", defaults={"action_id": None})
@bp.post("/<lang:lang>/portal/controls/<int:dossier_id>/actions/<int:action_id>")
@application_required(APPLICATION)
def save_action(dossier_id, action_id):
    found = owned_or_404(InspectionDossier, dossier_id)
    action = None
    if action_id is not None:
        action = CorrectiveAction.get_or_none((CorrectiveAction.id == action_id) & (CorrectiveAction.dossier == found))
        if action is None:
            abort(404)
    values = corrective_actions.action_values(request.form)
    try:
        corrective_actions.save_action(found, current_user.person, values, action)
    except inspections.InspectionError as refused:
        errors = refused.errors if action_id is None else {f"{name}-{action_id}": message
                                                           for name, message in refused.errors.items()}
        return _dossier_page(found, status=422, errors=errors, action_values=values, editing_action=action_id)
    return redirect(url_for("tiles.dossier", dossier_id=found.id, done="action"), 303)
