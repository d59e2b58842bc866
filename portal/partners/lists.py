"""“Mes fabricants et représentants autorisés” (guide 5.5): what a company
keeps depends on the activities it notified.

- A distributor keeps its suppliers: each manufacturer or authorised
  representative, typed, or picked among the firms registered in the portal.
- A manufacturer keeps the devices it makes available in Belgium (their
  checks and the CSV import are `devices`').
- An authorised representative keeps the manufacturers outside the EEA and
  the customs union that it represents.

Every list is shown a page at a time and exports as CSV (no cell a
spreadsheet would read as a formula).
"""
import csv
import io
from dataclasses import dataclass

from peewee import JOIN

from portal import clock
from portal.activities.models import Activity
from portal.companies.models import Company
from portal.data.db import database
from portal.data.prepared import Prepared, slot
from portal.partners.models import MarketedDevice, PartnerEvent, RepresentedCompany, Supplier
from portal.text.countries import BELGIUM, EEA_AND_CUSTOMS_UNION, all_countries
from portal.text.form_text import EMAIL, row_id, single_line_errors
from portal.text.lazy_text import lazy_gettext as _l
from portal.text.names import name_key
from portal.web.csv_export import safe_cell
from portal.web.rendering import pages_around

SUPPLIERS, DEVICES, REPRESENTED = "suppliers", "devices", "represented"
SECTION_KINDS = {SUPPLIERS: ("distributor",), DEVICES: ("manufacturer", "custom_manufacturer"),
                 REPRESENTED: ("authorised_representative",)}
SUPPLIER_ROLES = {Supplier.MANUFACTURER: _l("Manufacturer"), Supplier.REPRESENTATIVE: _l("Authorised representative")}
EVENT_LABELS = {
    "supplier_added": _l("Supplier added"), "supplier_changed": _l("Supplier changed"),
    "supplier_removed": _l("Supplier removed"), "device_added": _l("Device added"),
    "device_changed": _l("Device changed"), "device_withdrawn": _l("Device withdrawn from the market"),
    "devices_imported": _l("Devices imported"), "represented_added": _l("Represented company added"),
    "represented_changed": _l("Represented company changed"),
    "represented_removed": _l("Represented company removed"),
}
CSV_COLUMNS = ("name", "reference", "basic_udi_di", "udi_di", "emdn", "class", "sterile", "marketed_from")
PER_PAGE = 25
LAST_PAGE = 10**6  # an OFFSET both databases hold


class PartnerError(Exception):
    def __init__(self, errors):
        super().__init__(str(errors))
        self.errors = errors


def sections_of(company):
    """Which lists the company keeps, from its active activities (one query)."""
    kinds = {kind for kind, in _ACTIVE_KINDS.rows(company=company.id)}
    return [section for section, wanted in SECTION_KINDS.items() if kinds & set(wanted)]


_ACTIVE_KINDS = Prepared(lambda: Activity.select(Activity.kind).where((Activity.company == slot("company")) & Activity.active)
                         .distinct().tuples())


def event(company, actor, action, reason=""):
    PartnerEvent.create(company=company, actor=actor, action=action, reason=reason[:500])


def history(company, limit=200):
    return PartnerEvent.trail(company=company, limit=limit)


# Pages of the lists ------------------------------------------------------------------------------

def page_number(text):
    """The page a link asks for: its digits; anything else is the first page (and a page past the end,
    the last: see `list_page`)."""
    text = text or ""
    if not (text.isascii() and text.isdigit()):
        return 1
    return max(1, min(int(text) if len(text) <= 7 else LAST_PAGE, LAST_PAGE))


@dataclass
class Page:
    rows: list
    number: int
    pages: int
    total: int

    def window(self):
        return pages_around(self.number, self.pages)


def _listed(company, section):
    if section == SUPPLIERS:
        return Supplier.select().where(Supplier.company == company).order_by(Supplier.name, Supplier.id)
    if section == DEVICES:  # those on the market first
        return (MarketedDevice.select().where(MarketedDevice.company == company)
                .order_by(MarketedDevice.withdrawn_on.is_null(False), MarketedDevice.name, MarketedDevice.id))
    return (RepresentedCompany.select().where(RepresentedCompany.company == company)
            .order_by(RepresentedCompany.name, RepresentedCompany.id))


def list_page(company, section, number=1, size=PER_PAGE):
    """One page of one of the company's lists (two queries, whatever the list's length)."""
    query = _listed(company, section)
    total = query.count()
    pages = max(1, -(-total // size))
    number = min(max(1, number), pages)
    return Page(list(query.paginate(number, size)), number, pages, total)


def _address_values(form, prefix):
    return {name: form.get(prefix + name, "").strip()[:200] for name in ("name", "country", "street", "postcode",
                                                                          "city")}


# A distributor's suppliers ---------------------------------------------------------------------

def supplier_values(form):
    values = _address_values(form, "supplier_")
    values.update(role=form.get("supplier_role", "")[:30], registered=form.get("supplier_registered", "")[:12],
                  country=values["country"].upper()[:2])
    return values


def find_registered(query, company, limit=10):
    """Registered firms (on the public list) whose name starts like `query`, not the company itself."""
    key = name_key(query or "")
    if len(key) < 2:
        return []
    return list(Company.select().where(Company.listed & (Company.name_key >= key) & (Company.name_key < key + "\uffff")
                                       & (Company.id != company.id)).order_by(Company.name_key).limit(limit))


def _check_supplier(company, values):
    errors, registered = {}, None
    if values["role"] not in SUPPLIER_ROLES:
        errors["supplier_role"] = _l("Say whether the supplier is the manufacturer or its authorised representative.")
    if values["registered"]:
        registered = Company.get_or_none((Company.id == row_id(values["registered"])) & Company.listed
                                         & (Company.id != company.id))
        if registered is None:
            errors["supplier_name"] = _l("Choose the supplier among the registered firms, or type its details.")
    else:
        if not values["name"]:
            errors["supplier_name"] = _l("Enter the supplier's name.")
        if values["country"] not in dict(all_countries()):
            errors["supplier_country"] = _l("Choose the supplier's country.")
        errors.update({"supplier_" + k: v for k, v in single_line_errors(
            {k: values[k] for k in ("name", "street", "postcode", "city")}).items()})
    if errors:
        raise PartnerError(errors)
    if registered is not None:
        return {"role": values["role"], "name": registered.name, "country": registered.country,
                "street": f"{registered.street} {registered.house_number}".strip(), "postcode": registered.postcode,
                "city": registered.city, "registered": registered}
    return {"role": values["role"], "name": values["name"], "country": values["country"], "street": values["street"],
            "postcode": values["postcode"], "city": values["city"], "registered": None}


def save_supplier(company, actor, values, supplier=None):
    columns = _check_supplier(company, values)
    with database.atomic():
        if supplier is None:
            supplier = Supplier.create(company=company, **columns)
            event(company, actor, "supplier_added", columns["name"])
        else:
            Supplier.update(updated_at=clock.utc(), **columns).where(
                (Supplier.id == supplier.id) & (Supplier.company == company)).execute()
            event(company, actor, "supplier_changed", columns["name"])
    return supplier


def remove_supplier(company, actor, supplier):
    with database.atomic():
        Supplier.delete().where((Supplier.id == supplier.id) & (Supplier.company == company)).execute()
        event(company, actor, "supplier_removed", supplier.name)


# A manufacturer's devices ----------------------------------------------------------------------

def represented_values(form):
    values = _address_values(form, "represented_")
    values.update(country=values["country"].upper()[:2],
                  contact_name=form.get("represented_contact_name", "").strip()[:200],
                  contact_email=form.get("represented_contact_email", "").strip().lower()[:254])
    return values


def save_represented(company, actor, values, represented=None):
    errors = {}
    if not values["name"]:
        errors["represented_name"] = _l("Enter the name of the represented company.")
    if values["country"] not in dict(all_countries()):
        errors["represented_country"] = _l("Choose the country of the represented company.")
    elif values["country"] in EEA_AND_CUSTOMS_UNION or values["country"] == BELGIUM:
        errors["represented_country"] = _l("A manufacturer established in the EEA or the customs union needs no "
                                           "authorised representative: choose a country outside them.")
    if values["contact_email"] and not EMAIL.match(values["contact_email"]):
        errors["represented_contact_email"] = _l("Enter an e-mail address such as name@company.eu, or leave it empty.")
    errors.update({"represented_" + k: v for k, v in single_line_errors(
        {k: values[k] for k in ("name", "street", "postcode", "city", "contact_name")}).items()})
    if errors:
        raise PartnerError(errors)
    with database.atomic():
        if represented is None:
            represented = RepresentedCompany.create(company=company, **values)
            event(company, actor, "represented_added", values["name"])
        else:
            RepresentedCompany.update(updated_at=clock.utc(), **values).where(
                (RepresentedCompany.id == represented.id) & (RepresentedCompany.company == company)).execute()
            event(company, actor, "represented_changed", values["name"])
    return represented


def remove_represented(company, actor, represented):
    with database.atomic():
        RepresentedCompany.delete().where((RepresentedCompany.id == represented.id)
                                          & (RepresentedCompany.company == company)).execute()
        event(company, actor, "represented_removed", represented.name)


# Exports ----------------------------------------------------------------------------------------

def export_csv(company, section):
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";")
    if section == SUPPLIERS:
        writer.writerow(["role", "name", "country", "street", "postcode", "city", "registered_famhp_number"])
        suppliers = (Supplier.select(Supplier, Company)
                     .join(Company, JOIN.LEFT_OUTER, on=(Supplier.registered == Company.id))
                     .where(Supplier.company == company))
        for row in suppliers:
            writer.writerow([row.role, safe_cell(row.name), row.country, safe_cell(row.street), safe_cell(row.postcode),
                             safe_cell(row.city), row.registered.agency_number if row.registered_id else ""])
    elif section == DEVICES:
        writer.writerow(list(CSV_COLUMNS) + ["withdrawn_on"])
        for row in MarketedDevice.select().where(MarketedDevice.company == company).order_by(MarketedDevice.name):
            writer.writerow([safe_cell(row.name), safe_cell(row.reference), safe_cell(row.basic_udi_di), safe_cell(row.udi_di),
                             row.emdn, row.device_class, "yes" if row.sterile else "no",
                             row.marketed_from.isoformat(), row.withdrawn_on.isoformat() if row.withdrawn_on else ""])
    else:
        writer.writerow(["name", "country", "street", "postcode", "city", "contact_name", "contact_email"])
        for row in RepresentedCompany.select().where(RepresentedCompany.company == company):
            writer.writerow([safe_cell(row.name), row.country, safe_cell(row.street), safe_cell(row.postcode), safe_cell(row.city),
                             safe_cell(row.contact_name), safe_cell(row.contact_email)])
    return out.getvalue()
