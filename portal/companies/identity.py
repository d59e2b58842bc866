"""A company's identity (country, VAT and BCE numbers) as one rule, for a
registration (the wizard's step 1) and for a registered company's request to
change it (“Mon entreprise”): the offline checks, numbers another company or
request holds, then VIES when the country is covered by it."""
from dataclasses import dataclass, field

from portal.companies import vies
from portal.companies.models import Company
from portal.registrations.models import Registration
from portal.text.countries import all_countries, region
from portal.text.form_text import single_line_errors
from portal.text.identifiers import VIES_COUNTRIES, IdentifierError, normalise_bce, normalise_vat, vat_prefix
from portal.text.lazy_text import lazy_gettext as _l


def check_identification(values, taken=lambda vat=None, bce=None: False):
    """Offline checks of step 1. `taken(vat=…)` / `taken(bce=…)` says whether
    another company or request holds a number (the caller asks the database:
    see numbers_taken_by_others). Returns (errors, normalised numbers)."""
    errors, numbers = {}, {"bce": None, "vat": None}
    country = values["country"]
    place = region(country) if country else None
    if not country or country not in dict(all_countries()):
        errors["country"] = _l("Select the country of the company's head office.")
        return errors, numbers
    if place == "belgium":
        errors["country"] = _l("Belgian companies do not register here: they log in with eID or itsme.")
        return errors, numbers
    if values["bce_registered"] not in ("yes", "no"):
        errors["bce_registered"] = _l("Say whether the company is registered at the BCE.")
    elif values["bce_registered"] == "yes":
        try:
            numbers["bce"] = normalise_bce(values["bce_number"])
        except IdentifierError as error:
            errors["bce_number"] = error.message
    elif place == "outside_europe":
        errors["bce_registered"] = _l("Companies outside Europe need a BCE number. Contact the agency "
                                      "to be registered at the BCE first.")
    if place in ("eea", "switzerland") or (place == "united_kingdom" and not values["no_vat"]):
        try:
            numbers["vat"] = vat_prefix(country) + normalise_vat(country, values["vat_number"])
        except IdentifierError as error:
            errors["vat_number"] = error.message
    if numbers["vat"] and taken(vat=numbers["vat"]):
        errors["vat_number"] = _l("A company with this VAT number is already registered or waiting "
                                  "for validation. Contact the agency if you think this is a mistake.")
    if numbers["bce"] and taken(bce=numbers["bce"]):
        errors["bce_number"] = _l("A company with this BCE number is already registered or waiting "
                                  "for validation. Contact the agency if you think this is a mistake.")
    errors.update(single_line_errors(values))
    return errors, numbers


def numbers_taken_by_others(registration=None, company=None):
    """The `taken` of check_identification for this registration request, or
    for a change request of this company (its own numbers are not "taken")."""
    return lambda vat=None, bce=None: is_taken(vat=vat, bce=bce, exclude=registration, company=company)


def is_taken(vat=None, bce=None, exclude=None, company=None):
    """Whether another company, or a request that is not refused nor a draft,
    holds the number. `exclude`: a request that does not count; `company`: a
    company whose own numbers and requests do not count."""
    if vat:
        companies = Company.select().where(Company.vat_number == vat)
        requests = Registration.select().where(Registration.vat_number == vat)
    else:
        companies = Company.select().where(Company.bce_number == bce)
        requests = Registration.select().where(Registration.bce_number == bce)
    # A Belgian enterprise's request names the BCE's number but claims it for nobody else.
    requests = requests.where(Registration.status.in_(Registration.ACTIVE) & (Registration.kind != Registration.BELGIAN))
    if exclude is not None:
        requests = requests.where(Registration.id != exclude.id)
    if company is not None:
        companies = companies.where(Company.id != company.id)
        requests = requests.where(Registration.company.is_null() | (Registration.company != company))
    return companies.exists() or requests.exists()


def needs_vies(country):
    return country in VIES_COUNTRIES


def split_vat(vat_with_prefix, country):
    prefix = vat_prefix(country)
    return prefix, vat_with_prefix[len(prefix):]


@dataclass
class Outcome:
    errors: dict = field(default_factory=dict)
    columns: dict = field(default_factory=dict)  # what the registration row stores when the step is complete
    vies_result: object = None  # shown to the person: invalid, or unavailable
    complete: bool = False
    status: int = 200


def identify(values, taken, continue_unverified=False):
    """Check the identification; ask VIES when it applies. `taken` is what
    numbers_taken_by_others returns."""
    errors, numbers = check_identification(values, taken)
    if errors:
        return Outcome(errors=errors, status=422)
    columns = {"country": values["country"], "vat_number": numbers["vat"], "bce_number": numbers["bce"],
               "vat_status": "not_applicable", "vies_name": None, "vies_address": None, "vies_checked_at": None}
    if not (numbers["vat"] and needs_vies(values["country"])):
        return Outcome(columns=columns, complete=True)
    prefix, number = split_vat(numbers["vat"], values["country"])
    result = vies.client().check(prefix, number)
    columns["vies_checked_at"] = result.checked_at
    if result.status == vies.VALID:
        columns.update(vat_status="valid", vies_name=result.name, vies_address=result.address)
        return Outcome(columns=columns, vies_result=result, complete=True)
    if result.status in (vies.INVALID, vies.INPUT_ERROR):
        return Outcome(errors={"vat_number": _l("VIES, the European Commission's service, does not know this "
                                                "VAT number.")}, vies_result=result, status=422)
    if continue_unverified:  # VIES did not answer; the person chose to go on
        columns["vat_status"] = "unverified"
        return Outcome(columns=columns, complete=True)
    return Outcome(vies_result=result)  # unavailable: offer to continue without the check
