"""“Mes fabricants et représentants autorisés” (guide 5.5): suppliers for a
distributor, devices for a manufacturer, represented companies for an
authorised representative. Needs the application "Source authentique des
représentants autorisés" (SARA); every row is looked up within the session's
company. The rules are the shared `partners` module's."""
from flask import abort, redirect, request, url_for
from flask_login import current_user

from .. import partners as rules
from ..access_control import application_required, current_company, owned_or_404
from ..countries import all_countries, country_name
from ..csv_export import csv_response
from ..models import MarketedDevice, RepresentedCompany, Supplier
from ..notified_activities import IVD_CLASSES, MD_CLASSES
from ..rendering import render
from . import bp

APPLICATION = "sara"


def summary(company):
    """The dashboard tile: the lists the company keeps, from its activities (one query)."""
    return {"sections": rules.sections_of(company)}


def _page(status=200, **context):
    company = current_company()
    sections = rules.sections_of(company)
    context.setdefault("errors", {})
    for name in ("supplier_values", "device_values", "represented_values"):
        context.setdefault(name, {})
    context.setdefault("editing", None)
    context.setdefault("report", None)
    query = request.args.get("firm", "").strip()[:100]
    return render(
        "tiles/partners.html", status=status, company=company, sections=sections,
        suppliers=list(Supplier.select().where(Supplier.company == company).order_by(Supplier.name))
        if rules.SUPPLIERS in sections else [],
        devices=list(MarketedDevice.select().where(MarketedDevice.company == company)
                     .order_by(MarketedDevice.withdrawn_on.is_null(False), MarketedDevice.name))
        if rules.DEVICES in sections else [],
        represented=list(RepresentedCompany.select().where(RepresentedCompany.company == company)
                         .order_by(RepresentedCompany.name)) if rules.REPRESENTED in sections else [],
        firm_query=query, firms=rules.find_registered(query, company) if query else [],
        roles=rules.SUPPLIER_ROLES, classes=[(c, c) for c in MD_CLASSES + IVD_CLASSES],
        countries=all_countries(), country_name=country_name, events=rules.history(company),
        event_labels=rules.EVENT_LABELS, done=request.args.get("done"), columns=rules.CSV_COLUMNS, **context)


def _section_open(section):
    """A list only for the activity it belongs to (a distributor's suppliers…): the authentic source
    of who supplies or represents whom holds only what a notified activity allows."""
    if section not in rules.sections_of(current_company()):
        abort(404)


def _done(what):
    return redirect(url_for("tiles.partners", done=what), 303)


@bp.get("/<lang:lang>/portal/partners")
@application_required(APPLICATION)
def partners():
    editing = None
    for kind, model in (("supplier", Supplier), ("device", MarketedDevice), ("represented", RepresentedCompany)):
        row_id = request.args.get(kind, type=int)
        if row_id:
            editing = (kind, owned_or_404(model, row_id))
    context = {}
    if editing:
        kind, row = editing
        data = dict(row.__data__)
        if kind == "device":
            data.update({"class": row.device_class, "marketed_from": row.marketed_from.strftime("%d/%m/%Y")})
        context[f"{kind}_values"] = data
    return _page(editing=editing, **context)


@bp.get("/<lang:lang>/portal/partners/firms")
@application_required(APPLICATION)
def registered_firms():
    """The registered firms whose name starts as typed (the supplier form's search as you type)."""
    query = request.args.get("firm", "").strip()[:100]
    return render("tiles/partners.html", block="firm_results", firm_query=query, supplier_values={},
                  firms=rules.find_registered(query, current_company()), country_name=country_name)


def _save(save, values, key, row=None, done="saved"):
    try:
        save(current_company(), current_user.person, values, row)
    except rules.PartnerError as refused:
        return _page(status=422, errors=refused.errors, editing=(key, row) if row else None,
                     **{f"{key}_values": values})
    return _done(done)


@bp.post("/<lang:lang>/portal/partners/suppliers", defaults={"row_id": None})
@bp.post("/<lang:lang>/portal/partners/suppliers/<int:row_id>")
@application_required(APPLICATION)
def save_supplier(row_id):
    _section_open(rules.SUPPLIERS)
    row = owned_or_404(Supplier, row_id) if row_id else None
    return _save(rules.save_supplier, rules.supplier_values(request.form), "supplier", row, "supplier")


@bp.post("/<lang:lang>/portal/partners/suppliers/<int:row_id>/remove")
@application_required(APPLICATION)
def remove_supplier(row_id):
    _section_open(rules.SUPPLIERS)
    rules.remove_supplier(current_company(), current_user.person, owned_or_404(Supplier, row_id))
    return _done("supplier_removed")


@bp.post("/<lang:lang>/portal/partners/devices", defaults={"row_id": None})
@bp.post("/<lang:lang>/portal/partners/devices/<int:row_id>")
@application_required(APPLICATION)
def save_device(row_id):
    _section_open(rules.DEVICES)
    row = owned_or_404(MarketedDevice, row_id) if row_id else None
    return _save(rules.save_device, rules.device_values(request.form), "device", row, "device")


@bp.post("/<lang:lang>/portal/partners/devices/<int:row_id>/withdraw")
@application_required(APPLICATION)
def withdraw_device(row_id):
    _section_open(rules.DEVICES)
    row = owned_or_404(MarketedDevice, row_id)
    try:
        rules.withdraw_device(current_company(), current_user.person, row, request.form.get("withdrawn_on", "")[:10])
    except rules.PartnerError as refused:
        return _page(status=422, errors=refused.errors)
    return _done("withdrawn")


@bp.post("/<lang:lang>/portal/partners/devices/import")
@application_required(APPLICATION)
def import_devices():
    _section_open(rules.DEVICES)
    upload = request.files.get("devices_file")
    data = upload.read(rules.MAX_IMPORT_BYTES + 1) if upload and upload.filename else b""
    if not data:
        return _page(status=422, errors={"devices_file": rules.NO_FILE})
    report = rules.import_devices(current_company(), current_user.person, data,
                                  valid_only=request.form.get("valid_only") == "yes")
    return _page(status=200 if report.imported or not report.problems else 422, report=report)


@bp.get("/<lang:lang>/portal/partners/devices/template.csv")
@application_required(APPLICATION)
def devices_template():
    return csv_response(rules.csv_template(), "devices-template.csv")


@bp.post("/<lang:lang>/portal/partners/represented", defaults={"row_id": None})
@bp.post("/<lang:lang>/portal/partners/represented/<int:row_id>")
@application_required(APPLICATION)
def save_represented(row_id):
    _section_open(rules.REPRESENTED)
    row = owned_or_404(RepresentedCompany, row_id) if row_id else None
    return _save(rules.save_represented, rules.represented_values(request.form), "represented", row, "represented")


@bp.post("/<lang:lang>/portal/partners/represented/<int:row_id>/remove")
@application_required(APPLICATION)
def remove_represented(row_id):
    _section_open(rules.REPRESENTED)
    rules.remove_represented(current_company(), current_user.person, owned_or_404(RepresentedCompany, row_id))
    return _done("represented_removed")


@bp.get("/<lang:lang>/portal/partners/<section>.csv")
@application_required(APPLICATION)
def export(section):
    if section not in rules.SECTION_KINDS:
        abort(404)
    _section_open(section)
    return csv_response(rules.export_csv(current_company(), section), f"{section}.csv")
