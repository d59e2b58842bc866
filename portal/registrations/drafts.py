"""The wizard's steps and the rules each one checks. No request in here."""
import datetime
import secrets
import uuid

from portal import clock
from portal.companies import records as company_records
from portal.people import persons as people
from portal.registrations.models import Registration
from portal.registrations.states import EXCHANGE_LANGUAGES
from portal.text.form_text import single_line_errors
from portal.text.identifiers import format_bce
from portal.text.lazy_text import lazy_gettext as _l

STEPS = [
    ("identification", _l("Company identification")),
    ("company", _l("Company data")),
    ("units", _l("Establishment units")),
    ("representatives", _l("Legal representative(s)")),
    ("check", _l("Check and send")),
]
STEP_NAMES = [name for name, _ in STEPS]


# The draft ---------------------------------------------------------------------

def new_registration(language):
    return Registration.create(token=secrets.token_urlsafe(32), language=language)


def save(registration, data, **fields):
    """Write the answers and the columns a step owns, only while the draft
    may still change: a slow request that lands after the registration was
    sent can never turn it back into a draft. False when it was too late."""
    encoded = Registration.encode(data)
    fields.update(Registration.name_columns(data))
    changed = (Registration.update(data=encoded, updated_at=clock.utc(), **fields)
               .where((Registration.id == registration.id) & Registration.status.in_(Registration.EDITABLE))
               .execute())
    if changed:
        registration.data = encoded
        for name, value in fields.items():
            setattr(registration, name, value)
    return changed == 1


def mark(data, step, complete):
    done = set(data.get("complete", []))
    (done.add if complete else done.discard)(step)
    data["complete"] = sorted(done)


def first_incomplete(data):
    done = set(data.get("complete", []))
    for name in STEP_NAMES[:-1]:
        if name not in done:
            return name
    return "check"


def may_open(data, step):
    """A step opens once every step before it is complete."""
    done = set(data.get("complete", []))
    return all(name in done for name in STEP_NAMES[:STEP_NAMES.index(step)])


def purge_stale_drafts(days, now=None):
    cutoff = (now or clock.utc()) - datetime.timedelta(days=days)
    return Registration.delete().where(
        (Registration.status == Registration.DRAFT) & (Registration.updated_at < cutoff)).execute()


# Step 1: identification ------------------------------------------------------------

def identification_values(form):
    return {
        "country": form.get("country", "").strip().upper()[:2],
        "bce_registered": form.get("bce_registered", ""),
        "bce_number": form.get("bce_number", "").strip()[:40],
        "vat_number": form.get("vat_number", "").strip()[:40],
        "no_vat": form.get("no_vat") == "yes",
    }


# Step 2: company data ----------------------------------------------------------------

ADDRESS_FIELDS = company_records.ADDRESS_FIELDS


def company_values(form):
    values = {name: form.get(name, "").strip()[:200] for name in ("name", "language") + ADDRESS_FIELDS}
    return values


def check_address(values, errors):
    """The same rules as "Mon entreprise" (company_records)."""
    errors.update(company_records.check_address({name: values.get(name, "") for name in ADDRESS_FIELDS}))


def check_company(values, has_proof):
    errors = {}
    if not values["name"]:
        errors["name"] = _l("Enter the commercial name of the company.")
    if values["language"] not in EXCHANGE_LANGUAGES:
        errors["language"] = _l("Choose French, Dutch or English for the exchanges with the agency.")
    if not has_proof:
        errors["proof"] = _l("Add the official proof of the company's status as one PDF file.")
    check_address(values, errors)
    errors.update(single_line_errors(values))
    return errors


# Step 3: establishment units -----------------------------------------------------------

def unit_values(form):
    return {name: form.get(name, "").strip()[:200] for name in ("name",) + ADDRESS_FIELDS}


def check_unit(values):
    errors = {}
    if not values["name"]:
        errors["name"] = _l("Enter the name of the establishment unit.")
    check_address(values, errors)
    errors.update(single_line_errors(values))
    return errors


# Step 4: legal representatives ---------------------------------------------------------

PERSON_FIELDS = people.PERSON_FIELDS
representative_values = people.person_values
parse_date = people.parse_date


def check_representative(values, others, today=None):
    """Check one representative; `others` are the ones already in the list.

    Everything is typed, NISS or not: the wizard is anonymous, so it never
    shows what the portal knows about a NISS (that would let anyone read a
    person's data by their number). The agency links a typed NISS to the
    person it knows at validation, if the names and birth date match.
    Returns (errors, values to store)."""
    errors, stored = people.check_person(values, today)
    if "email" not in errors and any(other["email"] == stored["email"] for other in others):
        errors["email"] = _l("Each legal representative needs an individual e-mail address: this one "
                             "is already used by another representative.")
    if stored.get("niss") and "niss" not in errors and any(other.get("niss") == stored["niss"] for other in others):
        errors["niss"] = _l("This person is already in the list.")
    return errors, stored


def new_row_id():
    return uuid.uuid4().hex[:12]


def display_bce(number):
    return format_bce(number) if number else ""


def store_row(answers, key, check, values, row_id):
    """Put a row typed in a list step (an establishment unit, a legal representative) into the draft's
    list `key`, once `check(values, the other rows)` finds no error: a new row gets a new id, a row being
    changed keeps its place. The errors, by field (nothing stored when there are some)."""
    rows = answers.setdefault(key, [])
    errors, stored = check(values, [row for row in rows if row["id"] != row_id])
    if errors:
        return errors
    stored["id"] = row_id if any(row["id"] == row_id for row in rows) else new_row_id()
    answers[key] = [stored if row["id"] == stored["id"] else row for row in rows]
    if stored not in answers[key]:
        answers[key].append(stored)
    return {}


def remove_row(answers, key, row_id):
    """Take a row out of the draft's list `key`."""
    answers[key] = [row for row in answers.get(key, []) if row["id"] != row_id]
