"""“Mes contributions” (guide 5.6): the annual contribution of the economic
operators (law of 20 July 2006, art. 14/2 to 14/9 and Annex IX), shared by
the tile, the back office and the reminder command.

For a year the agency has opened (its parameters: the cost per entity, the
rate on the turnover above a threshold, the deadline), a company declares
once: either it delivers its products only to private individuals, or the
turnover of last year from supplying devices to retailers and end users on
Belgian territory, with the document its auditor or chartered accountant
signed. The declaration can be changed until the deadline, then it is read
only. The estimate shown is

    entities × cost per entity  +  (turnover − threshold) × rate, when above the threshold,

where the entities are the company's active notified activities, and the
turnover part is nil for a company that delivers to private individuals
only. The agency's invoice is what counts.
"""
import csv
import datetime
import io
import re
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from flask import current_app
from peewee import fn

from portal import clock
from portal.activities.models import Activity
from portal.companies.models import Company
from portal.companies.records import mail_addresses
from portal.contributions.models import ContributionDeclaration, ContributionEvent, ContributionYear
from portal.data.db import database
from portal.data.prepared import Prepared, slot
from portal.text.date_formats import lazy_date
from portal.text.lazy_text import lazy_gettext as _l
from portal.web import mail
from portal.web.csv_export import safe_cell

MAX_AMOUNT = Decimal("999999999999.99")
CENT = Decimal("0.01")
EVENT_LABELS = {"saved": _l("Declaration saved as a draft"), "declared": _l("Declaration sent"),
                "changed": _l("Declaration changed"), "reminded": _l("Reminder sent")}


class ContributionError(Exception):
    def __init__(self, errors):
        super().__init__(str(errors))
        self.errors = errors


def parse_amount(text):
    """An amount as people type it in Belgium and around: "1 234,56", "1.234,56", "1234.56",
    "1,234.56", "€ 1234". The last "," or "." followed by one or two digits is the decimal
    mark; every other "." "," or space groups thousands. None when empty; ValueError when not an amount."""
    cleaned = re.sub(r"[\s\u00a0\u202f']+", "_", (text or "").replace("€", " ")).strip("_")
    if not cleaned:
        return None
    if not re.fullmatch(r"[0-9][0-9.,_]*", cleaned):  # ASCII digits only: \d would take any script's
        raise ValueError(text)
    match = re.fullmatch(r"(.*?)[.,]([0-9]{1,2})", cleaned)
    whole, cents = (match.group(1), match.group(2)) if match else (cleaned, "0")
    if not re.fullmatch(r"[0-9]{1,3}([.,_]?[0-9]{3})*", whole):
        raise ValueError(text)
    try:
        amount = Decimal(re.sub(r"[.,_]", "", whole) + "." + cents)
    except InvalidOperation:
        raise ValueError(text)
    if amount > MAX_AMOUNT:
        raise ValueError(text)
    return amount.quantize(CENT)


def open_years():
    return list(ContributionYear.select().order_by(ContributionYear.year.desc()))


def year_of(year):
    return _YEAR.first(year=year)


def is_open(params, today=None):
    return (today or clock.today()) <= params.deadline


def entities_of(company):
    return _ENTITIES.raw_rows(company=company.id)[0][0]


@dataclass
class Estimate:
    entities: int
    entity_part: Decimal
    turnover_part: Decimal

    @property
    def total(self):
        return self.entity_part + self.turnover_part


def estimate(params, entities, turnover, private_only):
    entity_part = (params.entity_cost * entities).quantize(CENT, ROUND_HALF_UP)
    above = max(Decimal(0), (turnover or Decimal(0)) - params.turnover_threshold)
    turnover_part = Decimal(0) if private_only else (above * params.turnover_rate / 100).quantize(CENT, ROUND_HALF_UP)
    return Estimate(entities, entity_part, turnover_part)


def declaration_of(company, year):
    return _DECLARATION.first(company=company, year=year)


# A year's page reads these three on every view: prepared once (prepared.py).
_YEAR = Prepared(lambda: ContributionYear.select().where(ContributionYear.year == slot("year")).limit(1))
_ENTITIES = Prepared(lambda: Activity.select(fn.COUNT(Activity.id))
                     .where((Activity.company == slot("company")) & Activity.active))
_DECLARATION = Prepared(lambda: ContributionDeclaration.without_blobs()
                        .where((ContributionDeclaration.company == slot("company"))
                               & (ContributionDeclaration.year == slot("year"))).limit(1))


def values_from(form):
    return {"private_only": form.get("private_only") == "yes", "turnover": form.get("turnover", "").strip()[:40]}


def declare(company, person, params, values, proof=None, proof_error=None, sending=True):
    """Save (and send) the declaration; a good PDF is kept even when something else is wrong."""
    if not is_open(params):
        raise ContributionError({"turnover": _l("The deadline for this year has passed: the declaration can no "
                                                "longer be changed. Write to the agency if it must be corrected.")})
    errors = {}
    turnover = None
    if not values["private_only"]:
        try:
            turnover = parse_amount(values["turnover"])
        except ValueError:
            errors["turnover"] = _l("Enter the turnover in euros, such as 1 234,56.")
        else:
            if turnover is None and sending:
                errors["turnover"] = _l("Enter last year's turnover, or tick that you deliver only to private "
                                        "individuals.")
    if proof_error:
        errors["proof"] = proof_error
    with database.atomic():
        Company.lock_row(company.id)
        found = ContributionDeclaration.get_or_none((ContributionDeclaration.company == company)
                                                    & (ContributionDeclaration.year == params.year))
        sent = found is not None and found.status == ContributionDeclaration.SUBMITTED
        if sent and not sending:  # a declaration sent is changed by sending the changes, never by a draft
            raise ContributionError({"turnover": _l("The declaration was sent already: change it and send it again.")})
        has_proof = proof is not None or (found is not None and found.proof_size is not None)
        if sending and not values["private_only"] and not has_proof and "proof" not in errors:
            errors["proof"] = _l("Add the document signed by the company's auditor or chartered accountant (PDF).")
        now = clock.utc()
        columns = {"updated_at": now, "updated_by": person}
        if proof is not None and not (sent and errors):  # a sent declaration changes only as a whole
            columns.update(proof_pdf=proof[0], proof_filename=proof[1], proof_size=len(proof[0]))
        if not errors:
            columns.update(private_only=values["private_only"], turnover=None if values["private_only"] else turnover,
                           entities=entities_of(company))
            if sending:
                columns.update(status=ContributionDeclaration.SUBMITTED, submitted_at=now)
        action = ("changed" if sent else "declared") if sending else "saved"
        if found is None:
            found = ContributionDeclaration.create(company=company, year=params.year, **columns)
        elif "proof_pdf" in columns or not errors:
            ContributionDeclaration.update(**columns).where(ContributionDeclaration.id == found.id).execute()
        if not errors:
            ContributionEvent.create(company=company, actor=person, year=params.year, action=action)
    if errors:
        raise ContributionError(errors)
    return found


def proof_of(declaration):
    return ContributionDeclaration.select(ContributionDeclaration.proof_pdf).where(
        ContributionDeclaration.id == declaration.id).scalar()


def history(company, year, limit=200):
    return ContributionEvent.trail(company=company, year=year, limit=limit)


# The agency's side ----------------------------------------------------------------------------

def default_deadline(year):
    month, day = (int(part) for part in current_app.config["CONTRIBUTION_DEADLINE"].split("-"))
    return datetime.date(year, month, day)


def year_values(form):
    return {name: form.get(name, "").strip()[:40] for name in
            ("year", "entity_cost", "turnover_rate", "turnover_threshold", "deadline")}


def save_year(values):
    """Open a year, or change its parameters (once a second staff member approved: approvals.four_eyes)."""
    year, columns = checked_year(values)
    columns["updated_at"] = clock.utc()
    with database.atomic():
        if ContributionYear.update(**columns).where(ContributionYear.year == year).execute() == 0:
            ContributionYear.create(year=year, **columns)


def checked_year(values):
    """(year, its columns) from the parameters as typed; raises ContributionError with a message per field."""
    from portal.people.persons import parse_date

    errors, columns = {}, {}
    year = int(values["year"]) if values["year"].isascii() and values["year"].isdigit() else None
    if year is None or not 2000 <= year <= 2100:
        errors["year"] = _l("Enter the year, such as 2026.")
    for name, message, ceiling in (
            ("entity_cost", _l("Enter the cost per entity in euros, such as 415,74."), Decimal("99999999.99")),
            ("turnover_threshold", _l("Enter the threshold in euros, such as 50 290,17."), MAX_AMOUNT)):
        try:
            columns[name] = parse_amount(values[name])
        except ValueError:
            columns[name] = None
        if columns[name] is None or columns[name] > ceiling:  # what the column holds
            errors[name] = message
    rate = values["turnover_rate"].replace(",", ".").replace("%", "").strip()
    try:
        columns["turnover_rate"] = Decimal(rate).quantize(Decimal("0.0001"))
        if not Decimal(0) <= columns["turnover_rate"] <= Decimal(5):
            raise InvalidOperation
    except (InvalidOperation, ValueError):
        errors["turnover_rate"] = _l("Enter the rate in percent, such as 0,3073.")
    deadline = parse_date(values["deadline"]) if values["deadline"] else (default_deadline(year) if year else None)
    if deadline is None:
        errors["deadline"] = _l("Enter the deadline as day, month and year, for example 30/06/2026.")
    if errors:
        raise ContributionError(errors)
    columns["deadline"] = deadline
    return year, columns


def declarations(year):
    return list(ContributionDeclaration.without_blobs().join(Company).switch(ContributionDeclaration)
                .select_extend(Company.name, Company.agency_number, Company.vat_number, Company.country)
                .where((ContributionDeclaration.year == year)
                       & (ContributionDeclaration.status == ContributionDeclaration.SUBMITTED))
                .order_by(Company.name_key).objects())


def not_declared(year, limit=200):
    """Listed companies (with an active activity) that have not sent their declaration: (count, first rows)."""
    sent = ContributionDeclaration.select(ContributionDeclaration.company).where(
        (ContributionDeclaration.year == year) & (ContributionDeclaration.status == ContributionDeclaration.SUBMITTED))
    query = Company.select().where(Company.listed & Company.id.not_in(sent) & fn.EXISTS(_active_activity()))
    return query.count(), list(query.order_by(Company.name_key).limit(limit))


def _active_activity():
    return Activity.select(Activity.id).where((Activity.company == Company.id) & Activity.active)


def export_csv(year):
    params = year_of(year)
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";")
    writer.writerow(["company", "famhp_number", "vat_number", "country", "private_only", "turnover", "entities",
                     "estimate", "sent_at"])
    for row in declarations(year):
        total = estimate(params, row.entities, row.turnover, row.private_only).total if params else ""
        writer.writerow([safe_cell(row.name), safe_cell(row.agency_number), safe_cell(row.vat_number), row.country,
                         "yes" if row.private_only else "no", row.turnover if row.turnover is not None else "",
                         row.entities, total, row.submitted_at.isoformat(timespec="seconds")])
    return out.getvalue()


def remind(today=None, days=None):
    """E-mail, once per company and year, the listed companies that have not declared a year whose
    deadline is at most `days` away. Returns how many companies were reminded."""
    today = today or clock.today()
    days = current_app.config["CONTRIBUTION_REMINDER_DAYS"] if days is None else days
    reminded = 0
    for params in ContributionYear.select().where(ContributionYear.deadline.between(
            today, today + datetime.timedelta(days=days))):
        done = ContributionDeclaration.select(ContributionDeclaration.company).where(
            (ContributionDeclaration.year == params.year)
            & ((ContributionDeclaration.status == ContributionDeclaration.SUBMITTED)
               | ContributionDeclaration.reminded_at.is_null(False)))
        owing = Company.select().where(Company.listed & Company.id.not_in(done) & fn.EXISTS(_active_activity()))
        for company in list(owing):
            with database.atomic():
                Company.lock_row(company.id)  # a draft being saved at the same moment waits, then is found below
                now = clock.utc()
                updated = (ContributionDeclaration.update(reminded_at=now)
                           .where((ContributionDeclaration.company == company)
                                  & (ContributionDeclaration.year == params.year)
                                  & ContributionDeclaration.reminded_at.is_null()).execute())
                if not updated:
                    ContributionDeclaration.create(company=company, year=params.year, reminded_at=now,
                                                   updated_at=now)
                ContributionEvent.create(company=company, year=params.year, action="reminded")
                for address, _language in mail_addresses(company):  # the reminder speaks the company's language
                    mail.queue(address, "contribution_reminder", company.language,
                               _l("Your contribution declaration for %(year)s is due by %(date)s",
                                  year=params.year, date=lazy_date(params.deadline)),
                               company=company, params=params)
            reminded += 1
    mail.send_after_commit()
    return reminded
