"""“Vous représentez une entreprise belge”: a person logged in with eID or
itsme asks to act for a Belgian enterprise (see belgian_registrations).

One page: the enterprise number first (a GET form: the BCE's data appear to
confirm, swapped in by htmx or as a new page without JavaScript), then the
role, the person's contact data and the proof of the mandate (a POST)."""
from flask import abort, redirect, request, url_for
from flask_login import current_user

from portal.access_control import login_required
from portal.registrations import belgian
from portal.registrations.models import Registration
from portal.registrations.states import EXCHANGE_LANGUAGES, STATUS_LABELS
from portal.text.identifiers import format_bce, format_niss
from portal.text.languages import current_language
from portal.web.pdf import PdfError, uploaded_pdf
from portal.web.rendering import render
from portal.wizard import bp

EID_METHODS = ("csam", "simulator")


def _by_eid():
    return current_user.login is not None and current_user.login.method in EID_METHODS


def _page(status=200, values=None, errors=None, block=None, enterprise=None):
    """`enterprise`: as the request just sent found it (the BCE is not asked twice)."""
    person = current_user.person
    values = values or {"number": request.args.get("number", ""), "role": "", "function": "", "phone": "",
                        "email": person.email, "language": person.language or current_language()}
    lookup_error = None
    if values["number"] and enterprise is None:
        _, enterprise, lookup_error = belgian.look_up(values["number"], current_language())
    errors = dict(errors or {})
    if lookup_error and "number" not in errors and request.args.get("number") is not None:
        errors["number"] = lookup_error
    return render("wizard/belgian.html", block=block, status=status, values=values, errors=errors,
                  enterprise=enterprise, roles=belgian.ROLES, languages=EXCHANGE_LANGUAGES, format_bce=format_bce,
                  format_niss=format_niss, kept_proof=belgian.kept_proof(person), requests=belgian.mine(person),
                  statuses=STATUS_LABELS, by_eid=_by_eid())


@bp.get("/<lang:lang>/portal/belgian-enterprise")
@login_required
def belgian_enterprise():
    if not _by_eid():
        return _page(status=403)
    return _page(block="enterprise" if request.args.get("number") is not None else None)


@bp.post("/<lang:lang>/portal/belgian-enterprise")
@login_required
def send_belgian_enterprise():
    if not _by_eid():
        return _page(status=403)
    person = current_user.person
    values = belgian.values_from(request.form)
    if request.form.get("remove_proof") == "yes":
        belgian.forget_proof(person)
        return _page(values=values)
    proof, proof_error = None, None
    try:
        proof = uploaded_pdf(request.files.get("proof"))
    except PdfError as error:
        proof_error = error.message
    sent = belgian.send(person, values, current_language(), proof, proof_error)
    if sent.request is not None:
        return redirect(url_for("wizard.belgian_sent", registration_id=sent.request.id), 303)
    if proof is not None and not belgian.keep_proof(person, proof):  # a good file is kept while the rest is corrected
        sent.errors.setdefault("proof", belgian.NOT_KEPT)
    return _page(status=422, values=values, errors=sent.errors, enterprise=sent.enterprise)


@bp.get("/<lang:lang>/portal/belgian-enterprise/<int:registration_id>")
@login_required
def belgian_sent(registration_id):
    found = Registration.without_blobs().where(
        (Registration.id == registration_id) & (Registration.kind == Registration.BELGIAN)
        & (Registration.person == current_user.person) & Registration.status.in_(Registration.SENT)).first()
    if found is None:
        abort(404)
    return render("wizard/belgian_sent.html", registration=found, roles=belgian.ROLES, statuses=STATUS_LABELS,
                  format_bce=format_bce)
