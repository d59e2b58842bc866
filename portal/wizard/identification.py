"""Step 1, company identification, as one rule: the offline checks, then
VIES when the country is covered by it. The view renders the outcome."""
from dataclasses import dataclass, field

from flask_babel import lazy_gettext as _l

from .. import vies
from . import steps


@dataclass
class Outcome:
    errors: dict = field(default_factory=dict)
    columns: dict = field(default_factory=dict)  # what the registration row stores when the step is complete
    vies_result: object = None  # shown to the person: invalid, or unavailable
    complete: bool = False
    status: int = 200


def identify(values, registration, continue_unverified=False):
    """Check the answers of step 1; ask VIES when it applies."""
    errors, numbers = steps.check_identification(values, steps.numbers_taken_by_others(registration))
    if errors:
        return Outcome(errors=errors, status=422)
    columns = {"country": values["country"], "vat_number": numbers["vat"], "bce_number": numbers["bce"],
               "vat_status": "not_applicable", "vies_name": None, "vies_address": None, "vies_checked_at": None}
    if not (numbers["vat"] and steps.needs_vies(values["country"])):
        return Outcome(columns=columns, complete=True)
    prefix, number = steps.split_vat(numbers["vat"], values["country"])
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


def prefill_company(answers, result):
    """Offer what VIES knows for step 2; never overwrite what the person typed."""
    company = answers.setdefault("company", {})
    if result.name and not company.get("name"):
        company["name"] = result.name
    if result.address and not company.get("street"):
        lines = [line.strip() for line in result.address.splitlines() if line.strip()]
        if lines:
            company["street"] = lines[0]
        if len(lines) > 1:
            postcode, _, city = lines[-1].partition(" ")
            company.setdefault("postcode", postcode)
            company.setdefault("city", city)
