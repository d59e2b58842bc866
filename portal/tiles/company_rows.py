"""“Mon entreprise”, row by row (issue 31): establishment units, contact persons and legal representatives
are read first and edited on demand. Each "Change" and "Add …" answers an htmx request with the row's form
alone, swapped in place, and a plain request with a page holding that one form; a form sent answers htmx
with the row's read view (or the form and its messages, 422), and a plain request with the company's page
(or that one form's page, 422). Every object is looked up within the session's company."""
import functools

from flask import current_app, redirect, request, url_for
from flask_login import current_user
from playhouse.shortcuts import model_to_dict

from portal.access_control import application_required, current_company, owned_or_404
from portal.companies import records
from portal.companies.models import ContactPerson, EstablishmentUnit, LegalRepresentative
from portal.people import persons as people
from portal.people.models import Person
from portal.registrations.states import EXCHANGE_LANGUAGES, SEXES
from portal.text.countries import country_name
from portal.text.identifiers import format_bce, format_niss
from portal.text.lazy_text import lazy_gettext as _l
from portal.tiles import bp
from portal.tiles.company import APPLICATION, company_page
from portal.web.rendering import render, to_page, wants_fragment

KINDS = {  # kind: (model, the add form's fields prefix, its title, the "added" notice's code)
    "contact": (ContactPerson, "contact_", _l("Add a contact person"), "contact"),
    "representative": (LegalRepresentative, "rep_", _l("Add a legal representative"), "representative"),
}
FIRST_FIELD = {"contact": "field-contact_last_name", "representative": "field-rep_last_name", "unit": "field-unit_name"}


def _part(status=200, **context):
    """One row or form: alone for htmx, on a page of its own without it."""
    context.setdefault("errors", {})
    context.setdefault("values", {})
    return render("tiles/company_form.html", block="part", status=status, format_niss=format_niss, format_bce=format_bce, sexes=SEXES, **context)


def _back(done, anchor):
    """After a form sent without htmx: the company's page, at the section."""
    return redirect(url_for("tiles.company", done=done) + f"#{anchor}", 303)


def _may_change_representatives():
    return records.may_change_representatives(current_user.person, current_company())


def _link(kind, link_id):
    if kind == "representative" and not _may_change_representatives():
        return None
    return owned_or_404(KINDS[kind][0], link_id, joined=Person)  # with the person, whose names the row shows


def _may_remove(kind):
    return kind == "contact" or len(records.legal_representatives_of(current_company())) > 1


# The company's language and address ------------------------------------------------------------

@bp.get("/<lang:lang>/portal/company/details")
@application_required(APPLICATION)
def details_form():
    if request.args.get("closed") and wants_fragment():  # "Cancel": the link again
        return _part(shape="details_link", **_details_context())
    return _part(shape="details_form", title=_l("Change the language or the address"), **_details_context())


def _details_context():
    company = current_company()
    return {"company": company, "bce_company": company.bce_synced_on is not None, "languages": EXCHANGE_LANGUAGES,
            "country_name": country_name}


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
        return _part(status=422, shape="details_form", errors=refused.errors, values=dict(address, language=language),
                     title=_l("Change the language or the address"), **_details_context())
    return _added("details", "s-identity")


# Contact persons and legal representatives --------------------------------------------------

def _person_row(kind, link_id):
    link = _link(kind, link_id)
    if link is None:
        return company_page(status=403)
    if not wants_fragment():  # the row's address, opened as a page: the row on the company's page
        return redirect(url_for("tiles.company") + f"#{kind}-{link.id}", 303)
    return _part(shape="person_read", link=link, kind=kind, may_remove=_may_remove(kind))


def _person_form(kind, link_id):
    link = _link(kind, link_id)
    if link is None:
        return company_page(status=403)
    return _part(shape="person_edit", link=link, kind=kind, title=_l("Change the function or phone"),
                 values={"function": link.function, "phone": link.phone})


def _change_person(kind, link_id):
    """(records refuses a change from someone who may not make it, with its message: 422.)"""
    link = owned_or_404(KINDS[kind][0], link_id)
    prefix = f"link{link.id}_"
    values = records.link_values(request.form, prefix)
    try:
        records.change_link(current_company(), current_user.person, link, values, prefix)
    except records.RecordError as refused:
        return _part(status=422, shape="person_edit", link=link, kind=kind, values=values, errors=refused.errors,
                     title=_l("Change the function or phone"))
    if wants_fragment():
        return _part(shape="person_read", link=owned_or_404(KINDS[kind][0], link.id), kind=kind,
                     may_remove=_may_remove(kind))
    return _back(f"{kind}_changed", f"{kind}-{link.id}")


@bp.post("/<lang:lang>/portal/company/contacts/<int:link_id>/remove")
@application_required(APPLICATION)
def remove_contact(link_id):
    records.remove_contact_person(current_company(), current_user.person, owned_or_404(ContactPerson, link_id))
    return _back("contact_removed", "s-contacts")


@bp.post("/<lang:lang>/portal/company/representatives/<int:link_id>/remove")
@application_required(APPLICATION)
def remove_representative(link_id):
    try:
        records.remove_legal_representative(current_company(), current_user.person,
                                            owned_or_404(LegalRepresentative, link_id))
    except records.RecordError as refused:
        return company_page(status=422, errors=refused.errors)
    return _back("representative_removed", "s-representatives")


# Adding a unit, a contact person, a legal representative -------------------------------------

def _add_form(kind):
    if request.args.get("closed") and wants_fragment():  # "Cancel": the link again
        return _part(shape="add_link", kind=kind, first_field=FIRST_FIELD[kind], add_label=_title(kind))
    if kind == "representative" and not _may_change_representatives():
        return company_page(status=403)
    return _part(shape="add_form", kind=kind, title=_title(kind))


def _title(kind):
    return _l("Add an establishment unit") if kind == "unit" else KINDS[kind][2]


def _add_person(kind):
    """(records refuses a legal representative from someone who may not name one, with its message.)"""
    prefix = KINDS[kind][1]
    add = records.add_contact_person if kind == "contact" else records.add_legal_representative
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
        return _part(status=422, shape="add_form", kind=kind, title=_title(kind), values=values, errors=errors)
    return _added(KINDS[kind][3], f"s-{kind}s")


def _added(done, anchor):
    """A row added: the company's page again (its lists and history changed), with htmx as without."""
    return to_page(url_for("tiles.company", done=done) + f"#{anchor}")


# A contact person and a legal representative have the same pages: their row, its form, its change, the
# form that adds one and the adding; registered once for each kind.
for _kind, _path in (("contact", "contacts"), ("representative", "representatives")):
    for _rule, _endpoint, _view, _methods in (
            ("/<int:link_id>", f"{_kind}_row", _person_row, ["GET"]),
            ("/<int:link_id>/edit", f"edit_{_kind}", _person_form, ["GET"]),
            ("/<int:link_id>", f"change_{_kind}", _change_person, ["POST"]),
            ("/new", f"add_{_kind}_form", _add_form, ["GET"]),
            ("", f"add_{_kind}", _add_person, ["POST"])):
        bp.add_url_rule(f"/<lang:lang>/portal/company/{_path}{_rule}", _endpoint,
                        application_required(APPLICATION)(functools.partial(_view, _kind)), methods=_methods)


# Establishment units -------------------------------------------------------------------------

def _unit(unit_id):
    unit = owned_or_404(EstablishmentUnit, unit_id)
    return None if unit.bce_number or current_company().bce_synced_on else unit  # the BCE's, not the company's


@bp.get("/<lang:lang>/portal/company/units/<int:unit_id>")
@application_required(APPLICATION)
def unit_row(unit_id):
    unit = owned_or_404(EstablishmentUnit, unit_id)
    if not wants_fragment():
        return redirect(url_for("tiles.company") + f"#unit-{unit.id}", 303)
    return _part(shape="unit_read", unit=unit)


@bp.get("/<lang:lang>/portal/company/units/<int:unit_id>/edit")
@application_required(APPLICATION)
def edit_unit(unit_id):
    unit = _unit(unit_id)
    if unit is None:
        return company_page(status=403)
    return _part(shape="unit_edit", unit=unit, values=model_to_dict(unit, recurse=False),
                 title=_l("Change the establishment unit"))


@bp.get("/<lang:lang>/portal/company/units/new")
@application_required(APPLICATION)
def add_unit_form():
    if current_company().bce_synced_on:
        return company_page(status=403)
    return _add_form("unit")


@bp.post("/<lang:lang>/portal/company/units", defaults={"unit_id": None})
@bp.post("/<lang:lang>/portal/company/units/<int:unit_id>")
@application_required(APPLICATION)
def save_unit(unit_id):
    """(records refuses a unit of a Belgian enterprise, the BCE's, with its message: 422.)"""
    unit = owned_or_404(EstablishmentUnit, unit_id) if unit_id else None
    values = dict(records.address_values(request.form, "unit_"), name=request.form.get("unit_name", "").strip()[:200])
    try:
        records.save_unit(current_company(), current_user.person, values, unit)
    except records.RecordError as refused:
        if "units" in refused.errors:  # not a field's: said on the company's page
            return company_page(status=422, errors=refused.errors)
        if unit is None:
            return _part(status=422, shape="add_form", kind="unit", title=_title("unit"), values=values,
                         errors=refused.errors)
        return _part(status=422, shape="unit_edit", unit=unit, values=values, errors=refused.errors,
                     title=_l("Change the establishment unit"))
    if unit is None:
        return _added("unit", "s-units")
    if wants_fragment():
        return _part(shape="unit_read", unit=owned_or_404(EstablishmentUnit, unit.id))
    return _back("unit", f"unit-{unit.id}")


@bp.post("/<lang:lang>/portal/company/units/<int:unit_id>/remove")
@application_required(APPLICATION)
def remove_unit(unit_id):
    try:
        records.remove_unit(current_company(), current_user.person, owned_or_404(EstablishmentUnit, unit_id))
    except records.RecordError as refused:
        return company_page(status=422, errors=refused.errors)
    return _back("unit_removed", "s-units")
