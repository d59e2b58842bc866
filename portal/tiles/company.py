"""“Mon entreprise” (guide 5.2): the company's data, its establishment units,
its contact persons and legal representatives, each kept up to date in
place. Needs the application "Source authentique des acteurs"; every object
is looked up within the session's company."""
from flask import abort, current_app, redirect, request, url_for
from flask_login import current_user
from playhouse.shortcuts import model_to_dict

from portal.access_control import application_required, current_company, owned_or_404
from portal.bce import enterprises as bce
from portal.companies import identity_changes, records
from portal.companies.models import ContactPerson, EstablishmentUnit, LegalRepresentative
from portal.people import persons as people
from portal.registrations.states import EXCHANGE_LANGUAGES, SEXES
from portal.text.countries import all_countries, country_name
from portal.text.identifiers import format_bce, format_niss, vat_prefix
from portal.text.languages import current_language
from portal.tiles import bp
from portal.web.pdf import PdfError, inline_pdf, uploaded_pdf
from portal.web.rendering import render

APPLICATION = "saa"


def _page(status=200, **context):
    company = current_company()
    context.setdefault("errors", {})
    context.setdefault("values", {})
    context.setdefault("unit_values", {})
    context.setdefault("editing_unit", None)
    context.setdefault("contact_values", {})
    context.setdefault("rep_values", {})
    context.setdefault("link_values", {})
    context.setdefault("editing_link", None)
    context.setdefault("identity_values", identity_changes.current_values(company))
    pending = identity_changes.pending(company)
    bce_company = company.bce_synced_on is not None
    return render(
        "tiles/company.html", status=status, company=company, languages=EXCHANGE_LANGUAGES, sexes=SEXES,
        countries=all_countries(), country_name=country_name, format_bce=format_bce, format_niss=format_niss,
        units=records.units_of(company), contacts=records.contact_persons_of(company),
        representatives=records.legal_representatives_of(company),
        events=records.history(company, 50), event_labels=records.EVENT_LABELS, done=request.args.get("done"),
        pending=pending, change_rows=identity_changes.rows(pending) if pending else [],
        current_proof=identity_changes.current_proof(company), kept_proof=identity_changes.kept_proof(company),
        may_change_representatives=records.may_change_representatives(current_user.person, company),
        vat_prefix=vat_prefix(company.country), bce_company=bce_company,
        enterprise=bce.find(company.bce_number, current_language()) if bce_company else None, **context)


def summary(company):
    """The dashboard tile: the company's data as the session already holds it,
    and a change of its identity waiting for the agency (one query)."""
    return {"pending": identity_changes.pending(company)}


def _done(what):
    return redirect(url_for("tiles.company", done=what), 303)


@bp.get("/<lang:lang>/portal/company")
@application_required(APPLICATION)
def company():
    editing = request.args.get("unit", type=int)
    unit = owned_or_404(EstablishmentUnit, editing) if editing else None
    return _page(editing_unit=unit, unit_values=model_to_dict(unit, recurse=False) if unit else {})


@bp.post("/<lang:lang>/portal/company/details")
@application_required(APPLICATION)
def details():
    company = current_company()
    # A Belgian enterprise's address is the BCE's: only the language changes here.
    address = ({name: getattr(company, name) for name in records.ADDRESS_FIELDS} if company.bce_synced_on
               else records.address_values(request.form))
    language = request.form.get("language", "")
    try:
        records.change_details(company, current_user.person, language, address)
    except records.RecordError as refused:
        return _page(status=422, errors=refused.errors, values=dict(address, language=language))
    return _done("details")


@bp.post("/<lang:lang>/portal/company/identity")
@application_required(APPLICATION)
def ask_change():
    """The name, VAT or BCE number or official proof: a request the agency validates."""
    company = current_company()
    values = identity_changes.values_from(request.form, "identity_")
    if request.form.get("remove_proof") == "yes":
        identity_changes.forget_proof(company)
        return _page(identity_values=values, identity_open=True)
    proof, proof_error = None, None
    try:
        proof = uploaded_pdf(request.files.get("identity_proof"))
    except PdfError as error:
        proof_error = error.message
    asked = identity_changes.ask(company, current_user.person, values, proof, proof_error,
                                 continue_unverified=request.form.get("continue_unverified") == "yes")
    if asked.request is not None:
        return _done("change_asked")
    if proof is not None:  # a good file is kept while the rest is corrected
        identity_changes.keep_proof(company, proof)
    errors = {"identity_" + name: message for name, message in asked.errors.items()}
    return _page(status=422 if errors else 200, errors=errors, identity_values=values, identity_open=True,
                 vies_unavailable=asked.vies_unavailable)


@bp.get("/<lang:lang>/portal/company/proof.pdf")
@application_required(APPLICATION)
def proof():
    """The official proof in force (the agency validated it)."""
    found = identity_changes.current_proof(current_company())
    if found is None:
        abort(404)
    return inline_pdf(identity_changes.proof_content(found))


@bp.post("/<lang:lang>/portal/company/units", defaults={"unit_id": None})
@bp.post("/<lang:lang>/portal/company/units/<int:unit_id>")
@application_required(APPLICATION)
def save_unit(unit_id):
    unit = owned_or_404(EstablishmentUnit, unit_id) if unit_id else None
    values = dict(records.address_values(request.form, "unit_"), name=request.form.get("unit_name", "").strip()[:200])
    try:
        records.save_unit(current_company(), current_user.person, values, unit)
    except records.RecordError as refused:
        return _page(status=422, errors=refused.errors, editing_unit=unit, unit_values=values)
    return _done("unit")


@bp.post("/<lang:lang>/portal/company/units/<int:unit_id>/remove")
@application_required(APPLICATION)
def remove_unit(unit_id):
    try:
        records.remove_unit(current_company(), current_user.person, owned_or_404(EstablishmentUnit, unit_id))
    except records.RecordError as refused:
        return _page(status=422, errors=refused.errors)
    return _done("unit_removed")


def _add_person(add, prefix, values_key, done):
    """A contact person or legal representative: a new person (see company_records)."""
    link = records.link_values(request.form, prefix)
    values = dict(people.person_values(request.form, prefix), niss="", **link)
    errors, row = people.check_person(values)
    errors = {prefix + name: message for name, message in errors.items()}
    errors.update(records.check_link(link, prefix))
    if not errors:
        try:
            add(current_company(), current_user.person, row, current_app.config["BASE_URL"], link)
        except people.IdentityConflict:
            errors = {prefix + "last_name": records.UNKNOWN_PERSON}
        except records.RecordError as refused:
            errors = refused.errors
    if errors:
        return _page(status=422, errors=errors, **{values_key: values})
    return _done(done)


@bp.post("/<lang:lang>/portal/company/contacts")
@application_required(APPLICATION)
def add_contact():
    return _add_person(records.add_contact_person, "contact_", "contact_values", "contact")


@bp.post("/<lang:lang>/portal/company/representatives")
@application_required(APPLICATION)
def add_representative():
    return _add_person(records.add_legal_representative, "rep_", "rep_values", "representative")


def _change_link(model, link_id, done):
    link = owned_or_404(model, link_id)
    prefix = f"link{link.id}_"
    values = records.link_values(request.form, prefix)
    try:
        records.change_link(current_company(), current_user.person, link, values, prefix)
    except records.RecordError as refused:
        return _page(status=422, errors=refused.errors, link_values={link.id: values}, editing_link=(model, link.id))
    return _done(done)


@bp.post("/<lang:lang>/portal/company/contacts/<int:contact_id>")
@application_required(APPLICATION)
def change_contact(contact_id):
    return _change_link(ContactPerson, contact_id, "contact_changed")


@bp.post("/<lang:lang>/portal/company/representatives/<int:link_id>")
@application_required(APPLICATION)
def change_representative(link_id):
    return _change_link(LegalRepresentative, link_id, "representative_changed")


@bp.post("/<lang:lang>/portal/company/contacts/<int:contact_id>/remove")
@application_required(APPLICATION)
def remove_contact(contact_id):
    records.remove_contact_person(current_company(), current_user.person, owned_or_404(ContactPerson, contact_id))
    return _done("contact_removed")


@bp.post("/<lang:lang>/portal/company/representatives/<int:link_id>/remove")
@application_required(APPLICATION)
def remove_representative(link_id):
    try:
        records.remove_legal_representative(current_company(), current_user.person,
                                            owned_or_404(LegalRepresentative, link_id))
    except records.RecordError as refused:
        return _page(status=422, errors=refused.errors)
    return _done("representative_removed")
