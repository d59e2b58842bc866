"""The devices a manufacturer makes available in Belgium (“Mes fabricants”, guide 5.5): each checked
(device_identifiers), added one by one or imported from a CSV file. Nothing is imported unless every line
is right, or the person chose explicitly to import the right lines only. An import costs little whatever
the file holds (blank lines left out as they are read, one query for the UDI-DIs already listed, the rows
written in bulk), and a company imports at most IMPORTS.hits files a day."""
import csv
import datetime
import functools
import io
from dataclasses import dataclass, field

from portal import clock
from portal.activities.notified import IVD_CLASSES, MD_CLASSES
from portal.companies.models import Company
from portal.data.db import database
from portal.partners import device_identifiers as ids
from portal.partners.lists import CSV_COLUMNS, PartnerError, event
from portal.partners.models import MarketedDevice
from portal.people.persons import parse_date
from portal.text.form_text import single_line_errors
from portal.text.lazy_text import lazy_gettext as _l
from portal.web import rate_limit, virus_scan

MAX_IMPORT_LINES = 5000
MAX_IMPORT_BYTES = 2 * 1024 * 1024
REPORTED_LINES = 100  # wrong lines an import's answer lists with their messages; the others are counted
IMPORTS = rate_limit.Limit("device-imports", 10, datetime.timedelta(days=1))  # files, per company and Brussels day
NO_FILE = _l("Choose the CSV file to import.")
IMPORTS_EXCEEDED = _l("At most %(num)s imports a day per company: the company has reached this limit today. Import "
                      "the file tomorrow.", num=IMPORTS.hits)
YES = ("yes", "true", "1", "oui", "ja")


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
            event(company, actor, "device_added", columns["name"])
        else:
            MarketedDevice.update(updated_at=clock.utc(), **columns).where(
                (MarketedDevice.id == device.id) & (MarketedDevice.company == company)).execute()
            event(company, actor, "device_changed", columns["name"])
    return device


def withdraw_device(company, actor, device, text):
    withdrawn = parse_date(text or "")
    if withdrawn is None or withdrawn < device.marketed_from:
        raise PartnerError({f"withdrawn-{device.id}": _l("Enter the date the device left the market, on or after "
                                                         "the date it was first made available.")})
    with database.atomic():
        MarketedDevice.update(withdrawn_on=withdrawn, updated_at=clock.utc()).where(
            (MarketedDevice.id == device.id) & (MarketedDevice.company == company)).execute()
        event(company, actor, "device_withdrawn", device.name)


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
    """Import a CSV file of devices, scanned by ClamAV first (virus_scan). Every line is checked; unless
    `valid_only`, nothing is imported when one line is wrong. Returns the report either way."""
    report = ImportReport()
    if len(data) > MAX_IMPORT_BYTES:
        report.problems.append((0, [_l("The file is larger than 2 MB: split it into smaller files.")]))
        return report
    refused = virus_scan.refusal(data)
    if refused:
        report.problems.append((0, [refused]))
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
            event(company, actor, "devices_imported", str(len(rows)))
    report.imported = len(rows)
    return report


# An authorised representative's represented companies -------------------------------------------

def csv_template():
    """An example file to start an import from."""
    return ";".join(CSV_COLUMNS) + "\n" + ";".join(
        ["Thermomètre clinique", "TC-100", "1987654Ad4X4bL5ttr2310c2K", "09506000134352", "Z12010101", "IIa", "no",
         datetime.date(2024, 1, 31).strftime("%d/%m/%Y")]) + "\n"
