"""“Mes fabricants et représentants autorisés” (guide 5.5): what a company
keeps depends on the activities it notified.

- A distributor keeps its suppliers: each manufacturer or authorised
  representative, typed, or picked among the firms registered in the portal.
- A manufacturer keeps the devices it makes available in Belgium, with their
  identifiers checked (device_identifiers), added one by one or imported
  from a CSV file: nothing is imported unless every line is right, or the
  person chose explicitly to import the right lines only. An import costs
  little whatever the file holds (blank lines left out as they are read, one
  query for the UDI-DIs already listed, the rows written in bulk), and a
  company imports at most IMPORTS.hits files a day.
- An authorised representative keeps the manufacturers outside the EEA and
  the customs union that it represents.

Every list is shown a page at a time and exports as CSV (no cell a
spreadsheet would read as a formula).
"""
import csv
import datetime
import functools
import io
from dataclasses import dataclass, field

from peewee import JOIN

from portal import clock
from portal.activities.models import Activity
from portal.activities.notified import IVD_CLASSES, MD_CLASSES
from portal.companies.models import Company
from portal.data.db import database
from portal.data.prepared import Prepared, slot
from portal.partners import device_identifiers as ids
from portal.partners.models import MarketedDevice, PartnerEvent, RepresentedCompany, Supplier
from portal.people.persons import parse_date
from portal.text.countries import BELGIUM, EEA_AND_CUSTOMS_UNION, all_countries
from portal.text.form_text import EMAIL, row_id, single_line_errors
from portal.text.lazy_text import lazy_gettext as _l
from portal.text.names import name_key
from portal.web import rate_limit
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
MAX_IMPORT_LINES = 5000
MAX_IMPORT_BYTES = 2 * 1024 * 1024
REPORTED_LINES = 100  # wrong lines an import's answer lists with their messages; the others are counted
IMPORTS = rate_limit.Limit("device-imports", 10, datetime.timedelta(days=1))  # files, per company and Brussels day
NO_FILE = _l("Choose the CSV file to import.")
IMPORTS_EXCEEDED = _l("At most %(num)s imports a day per company: the company has reached this limit today. Import "
                      "the file tomorrow.", num=IMPORTS.hits)
YES = ("yes", "true", "1", "oui", "ja")
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


def _event(company, actor, action, reason=""):
    PartnerEvent.create(company=company, actor=actor, action=action, reason=reason[:500])


def history(company, limit=50):
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
            _event(company, actor, "supplier_added", columns["name"])
        else:
            Supplier.update(updated_at=clock.utc(), **columns).where(
                (Supplier.id == supplier.id) & (Supplier.company == company)).execute()
            _event(company, actor, "supplier_changed", columns["name"])
    return supplier


def remove_supplier(company, actor, supplier):
    with database.atomic():
        Supplier.delete().where((Supplier.id == supplier.id) & (Supplier.company == company)).execute()
        _event(company, actor, "supplier_removed", supplier.name)


# A manufacturer's devices ----------------------------------------------------------------------

def device_values(form, prefix="device_"):
    values = {name: form.get(prefix + name, "").strip()[:200] for name in
              ("name", "reference", "basic_udi_di", "udi_di", "emdn", "class", "marketed_from")}
    for name in ("basic_udi_di", "udi_di", "emdn"):
        values[name] = values[name].replace(" ", "")[:30]
    values["sterile"] = form.get(prefix + "sterile", "") in YES
    return values


# A file repeats its models' Basic UDI-DIs and its dates line after line: each is worked out once.
_basic_udi_di_issuer = functools.lru_cache(maxsize=2048)(ids.basic_udi_di_issuer)
_parse_date = functools.lru_cache(maxsize=2048)(parse_date)


def check_device(values):
    """({field: message}, columns) for one device, as typed or as a line of a CSV file."""
    errors = {}
    if not values["name"]:
        errors["name"] = _l("Enter the device's name.")
    if not values["reference"]:
        errors["reference"] = _l("Enter the device's reference or model.")
    if not _basic_udi_di_issuer(values["basic_udi_di"]):
        errors["basic_udi_di"] = _l("This Basic UDI-DI is not valid: check its characters and its check characters "
                                    "(GS1, HIBCC, IFA or ICCBBA).")
    if not ids.udi_di_ok(values["udi_di"]):
        errors["udi_di"] = _l("This UDI-DI is not valid: for GS1, a GTIN of 8, 12, 13 or 14 digits with its check "
                              "digit.")
    if not ids.emdn_ok(values["emdn"]):
        errors["emdn"] = _l("Enter the EMDN code: a letter and digits, such as Z12010101.")
    if values["class"] not in MD_CLASSES + IVD_CLASSES:
        errors["class"] = _l("Choose the device's class.")
    marketed = _parse_date(values["marketed_from"])
    if marketed is None or not 1990 <= marketed.year <= 2100:
        errors["marketed_from"] = _l("Enter the date as day, month and year, for example 31/01/2024.")
    errors.update(single_line_errors({k: values[k] for k in ("name", "reference")}))
    udi_di = values["udi_di"].zfill(14) if values["udi_di"].isascii() and values["udi_di"].isdigit() else \
        values["udi_di"]  # a GTIN is the same number whatever zeros lead it: kept as GTIN-14
    columns = {"name": values["name"], "reference": values["reference"], "basic_udi_di": values["basic_udi_di"],
               "udi_di": udi_di, "emdn": values["emdn"], "device_class": values["class"],
               "sterile": values["sterile"], "marketed_from": marketed}
    return errors, columns


def _udi_taken(company, udi_di, exclude=None):
    query = MarketedDevice.select().where((MarketedDevice.company == company) & (MarketedDevice.udi_di == udi_di))
    if exclude is not None:
        query = query.where(MarketedDevice.id != exclude.id)
    return query.exists()


def save_device(company, actor, values, device=None):
    errors, columns = check_device(values)
    errors = {"device_" + name: message for name, message in errors.items()}
    with database.atomic():
        Company.lock_row(company.id)
        if "device_udi_di" not in errors and _udi_taken(company, columns["udi_di"], device):
            errors["device_udi_di"] = _l("This UDI-DI is already in the company's list.")
        if errors:
            raise PartnerError(errors)
        if device is None:
            device = MarketedDevice.create(company=company, **columns)
            _event(company, actor, "device_added", columns["name"])
        else:
            MarketedDevice.update(updated_at=clock.utc(), **columns).where(
                (MarketedDevice.id == device.id) & (MarketedDevice.company == company)).execute()
            _event(company, actor, "device_changed", columns["name"])
    return device


def withdraw_device(company, actor, device, text):
    withdrawn = parse_date(text or "")
    if withdrawn is None or withdrawn < device.marketed_from:
        raise PartnerError({f"withdrawn-{device.id}": _l("Enter the date the device left the market, on or after "
                                                         "the date it was first made available.")})
    with database.atomic():
        MarketedDevice.update(withdrawn_on=withdrawn, updated_at=clock.utc()).where(
            (MarketedDevice.id == device.id) & (MarketedDevice.company == company)).execute()
        _event(company, actor, "device_withdrawn", device.name)


@dataclass
class ImportReport:
    """What an import's answer says: how many device lines were read, imported and refused, and the
    first REPORTED_LINES wrong lines (or what is wrong with the whole file) with their messages."""
    lines: int = 0
    imported: int = 0
    refused: int = 0
    problems: list = field(default_factory=list)  # (line number, [messages]); 0 for the whole file

    def refuse(self, number, messages):
        self.refused += 1
        self.problems.append((number, messages))

    @property
    def shown(self):
        return self.problems[:REPORTED_LINES]

    @property
    def more(self):
        return max(0, len(self.problems) - REPORTED_LINES)


def import_allowed(company):
    """Counts one more import of the company's day (in Brussels); False past IMPORTS. Asked before the
    file is read, so that files past the limit cost nothing."""
    return not rate_limit.exceeded(IMPORTS, f"{company.id}:{clock.today().isoformat()}")


def _device_lines(text, report):
    """[(line number, cells)] of the lines that hold something, or None when the file is refused
    whole (its problem in `report`). Blank lines, and lines of separators and spaces alone, are left
    out as they are read; reading stops at the first line past MAX_IMPORT_LINES."""
    first = text[:text.find("\n")] if "\n" in text else text
    delimiter = ";" if first.count(";") >= first.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    found = []
    try:
        header = [cell.strip().lower() for cell in next(reader, [])]
        if header[:len(CSV_COLUMNS)] != list(CSV_COLUMNS):
            report.problems.append((1, [_l("The first line must name the columns: %(columns)s.",
                                           columns=";".join(CSV_COLUMNS))]))
            return None
        for row in filter(None, reader):  # a blank line is an empty row, left out without a step in Python
            if not "".join(row).strip():
                continue
            if len(found) == MAX_IMPORT_LINES:
                report.problems.append((0, [_l("At most 5,000 devices per file: split it into smaller files.")]))
                return None
            found.append((reader.line_num, row[:len(CSV_COLUMNS)]))
    except csv.Error:
        report.problems.append((0, [_l("The file cannot be read as CSV: save it again as CSV (UTF-8, separated by "
                                       "“;”).")]))
        return None
    if not found:
        report.problems.append((0, [_l("The file lists no device: below its first line, every line is empty.")]))
        return None
    return found


_ALREADY_LISTED = _l("This UDI-DI is already in the company's list or earlier in the file.")
_INSERTED = (MarketedDevice.company, MarketedDevice.name, MarketedDevice.reference, MarketedDevice.basic_udi_di,
             MarketedDevice.udi_di, MarketedDevice.emdn, MarketedDevice.device_class, MarketedDevice.sterile,
             MarketedDevice.marketed_from, MarketedDevice.created_at, MarketedDevice.updated_at)


def import_devices(company, actor, data, valid_only=False):
    """Import a CSV file of devices. Every line is checked; unless `valid_only`, nothing is
    imported when one line is wrong. Returns the report either way."""
    report = ImportReport()
    if len(data) > MAX_IMPORT_BYTES:
        report.problems.append((0, [_l("The file is larger than 2 MB: split it into smaller files.")]))
        return report
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        report.problems.append((0, [_l("Save the file as CSV in UTF-8 and send it again.")]))
        return report
    text = text.replace("\r\n", "\n").replace("\r", "\n")  # old Macintosh files end their lines with CR alone
    found = _device_lines(text, report)
    if found is None:
        return report
    report.lines = len(found)
    good = {}  # UDI-DI -> (line number, columns) of the right lines
    for number, row in found:
        cells = dict(zip(CSV_COLUMNS, (cell.strip()[:300] for cell in row)))
        values = device_values({"device_" + name: cells.get(name, "") for name in CSV_COLUMNS})
        values["sterile"] = cells.get("sterile", "").lower() in YES
        errors, columns = check_device(values)
        messages = list(errors.values())
        if not errors and columns["udi_di"] in good:
            messages.append(_ALREADY_LISTED)
        if messages:
            report.refuse(number, messages)
        else:
            good[columns["udi_di"]] = (number, columns)
    if report.problems and not valid_only:
        return report
    with database.atomic():
        Company.lock_row(company.id)  # the list as it is now, another import or addition having waited its turn
        for udi_di, in (MarketedDevice.select(MarketedDevice.udi_di)
                        .where((MarketedDevice.company == company) & MarketedDevice.udi_di.in_(list(good))).tuples()):
            report.refuse(good.pop(udi_di)[0], [_ALREADY_LISTED])
        report.problems.sort(key=lambda problem: problem[0])
        if report.problems and not valid_only:
            return report
        now = clock.utc()
        rows = [(company.id, c["name"], c["reference"], c["basic_udi_di"], c["udi_di"], c["emdn"], c["device_class"],
                 c["sterile"], c["marketed_from"], now, now) for _, c in good.values()]
        for start in range(0, len(rows), 500):
            MarketedDevice.insert_many(rows[start:start + 500], fields=_INSERTED).execute()
        if rows:
            _event(company, actor, "devices_imported", str(len(rows)))
    report.imported = len(rows)
    return report


# An authorised representative's represented companies -------------------------------------------

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
            _event(company, actor, "represented_added", values["name"])
        else:
            RepresentedCompany.update(updated_at=clock.utc(), **values).where(
                (RepresentedCompany.id == represented.id) & (RepresentedCompany.company == company)).execute()
            _event(company, actor, "represented_changed", values["name"])
    return represented


def remove_represented(company, actor, represented):
    with database.atomic():
        RepresentedCompany.delete().where((RepresentedCompany.id == represented.id)
                                          & (RepresentedCompany.company == company)).execute()
        _event(company, actor, "represented_removed", represented.name)


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


def csv_template():
    """An example file to start an import from."""
    return ";".join(CSV_COLUMNS) + "\n" + ";".join(
        ["Thermomètre clinique", "TC-100", "1987654Ad4X4bL5ttr2310c2K", "09506000134352", "Z12010101", "IIa", "no",
         datetime.date(2024, 1, 31).strftime("%d/%m/%Y")]) + "\n"
