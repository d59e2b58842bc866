"""“Mes fabricants et représentants autorisés” (guide 5.5): suppliers for a
distributor, devices for a manufacturer, represented companies for an
authorised representative. Needs the application "Source authentique des
représentants autorisés" (SARA); every row is looked up within the session's
company. The rules are the shared `partners` module's. Each list is shown a
page at a time; its pages are plain links that keep the other lists' pages,
and with htmx swap that list alone."""
from urllib.parse import parse_qs, urlsplit

from flask import abort, redirect, request, url_for
from flask_login import current_user
from playhouse.shortcuts import model_to_dict

from portal.access_control import application_required, current_company, owned_or_404
from portal.activities.notified import IVD_CLASSES, MD_CLASSES
from portal.partners import devices
from portal.partners import lists as rules
from portal.partners.models import MarketedDevice, RepresentedCompany, Supplier
from portal.text.countries import all_countries, country_name
from portal.text.lazy_text import lazy_gettext as _l
from portal.tiles import bp
from portal.web.csv_export import csv_response
from portal.web.history_pages import SHOWN as HISTORY_SHOWN
from portal.web.history_pages import history_response
from portal.web.rendering import render, wants_fragment

APPLICATION = "sara"
PAGE_ARGS = {rules.SUPPLIERS: "suppliers_page", rules.DEVICES: "devices_page", rules.REPRESENTED: "represented_page"}


def summary(company):
    """The dashboard tile: the lists the company keeps, from its activities (one query)."""
    return {"sections": rules.sections_of(company)}


def _page_numbers(paged=None):
    """The page each list shows, as the request asks. When htmx swaps one list (`paged`) alone, the
    others stay as the address bar shows them: their blocks, and the links in them, were not swapped,
    so the link followed may name older pages of theirs."""
    asked = request.args
    if paged and wants_fragment():
        shown = parse_qs(urlsplit(request.headers.get("HX-Current-URL", "")[:2000]).query)
        asked = {name: values[-1] for name, values in shown.items()}
        asked[PAGE_ARGS[paged]] = request.args.get(PAGE_ARGS[paged])
    return {section: rules.page_number(asked.get(name)) for section, name in PAGE_ARGS.items()}


def _page(status=200, paged=None, **context):
    company = current_company()
    sections = rules.sections_of(company)
    context.setdefault("errors", {})
    for name in ("supplier_values", "device_values", "represented_values"):
        context.setdefault(name, {})
    context.setdefault("editing", None)
    context.setdefault("report", None)
    query = request.args.get("firm", "").strip()[:100]
    numbers = _page_numbers(paged)
    lists = {section: rules.list_page(company, section, numbers[section]) for section in sections}
    page_args = {PAGE_ARGS[section]: page.number for section, page in lists.items() if page.number > 1}
    list_args = {section: {"section": section, **{name: number for name, number in page_args.items()
                                                  if name != PAGE_ARGS[section]}} for section in sections}
    response = render(
        "tiles/partners.html", block=f"{paged}_list" if paged else None, status=status, company=company,
        sections=sections, lists=lists, page_args=page_args, list_args=list_args, page_param=PAGE_ARGS,
        firm_query=query, firms=rules.find_registered(query, company) if query else [],
        roles=rules.SUPPLIER_ROLES, classes=[(c, c) for c in MD_CLASSES + IVD_CLASSES],
        countries=all_countries(), country_name=country_name, events=rules.history(company, HISTORY_SHOWN + 1),
        history_shown=HISTORY_SHOWN, event_labels=rules.EVENT_LABELS, done=request.args.get("done"), columns=rules.CSV_COLUMNS, **context)
    if paged and wants_fragment():  # the address bar then names every list's page, as a link without htmx does
        response.headers["HX-Push-Url"] = url_for("tiles.partner_list", section=paged, **page_args)
    return response


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
        data = model_to_dict(row, recurse=False)
        if kind == "device":
            data.update({"class": row.device_class, "marketed_from": row.marketed_from.strftime("%d/%m/%Y")})
        context[f"{kind}_values"] = data
    return _page(editing=editing, **context)


@bp.get("/<lang:lang>/portal/partners/history")
@application_required(APPLICATION)
def partners_history():
    company = current_company()
    return history_response(lambda limit: rules.history(company, limit), "partner", rules.EVENT_LABELS,
                            title=_l("History"), subject=_l("My manufacturers and authorised representatives"),
                            back=(url_for("tiles.partners"), _l("My manufacturers and authorised representatives")))


@bp.get("/<lang:lang>/portal/partners/<any(suppliers, devices, represented):section>")
@application_required(APPLICATION)
def partner_list(section):
    """A page of one list: with htmx that list alone, otherwise the whole page (the other lists at the
    pages their links carry)."""
    _section_open(section)
    return _page(paged=section)


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
    return _save(devices.save_device, devices.device_values(request.form), "device", row, "device")


@bp.post("/<lang:lang>/portal/partners/devices/<int:row_id>/withdraw")
@application_required(APPLICATION)
def withdraw_device(row_id):
    _section_open(rules.DEVICES)
    row = owned_or_404(MarketedDevice, row_id)
    try:
        devices.withdraw_device(current_company(), current_user.person, row, request.form.get("withdrawn_on", "")[:10])
    except rules.PartnerError as refused:
        return _page(status=422, errors=refused.errors)
    return _done("withdrawn")


@bp.post("/<lang:lang>/portal/partners/devices/import")
@application_required(APPLICATION)
def import_devices():
    _section_open(rules.DEVICES)
    upload = request.files.get("devices_file")
    if not (upload and upload.filename):
        return _page(status=422, errors={"devices_file": devices.NO_FILE})
    if not devices.import_allowed(current_company()):  # before the file is read
        return _page(status=429, errors={"devices_file": devices.IMPORTS_EXCEEDED})
    data = upload.read(devices.MAX_IMPORT_BYTES + 1)
    if not data:
        return _page(status=422, errors={"devices_file": devices.NO_FILE})
    report = devices.import_devices(current_company(), current_user.person, data,
                                  valid_only=request.form.get("valid_only") == "yes")
    return _page(status=200 if report.imported or not report.problems else 422, report=report)


@bp.get("/<lang:lang>/portal/partners/devices/template.csv")
@application_required(APPLICATION)
def devices_template():
    return csv_response(devices.csv_template(), "devices-template.csv")


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
