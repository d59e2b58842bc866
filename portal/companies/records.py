"""“Mon entreprise” (guide 5.2, 3.2.3): what a company keeps up to date itself,
each change in its history. The company's identity (name, VAT and BCE
numbers, official proof) is not changed here: the agency validates it.

- The language and the head-office address change at once.
- Establishment units: add, change, remove.
- Contact persons: added with their NISS, or without one: then, as for a
  legal representative at registration, they get a BIS number, an account
  and a temporary password by e-mail (guide 3.2.3), and the access manager
  can designate them as users.
- Legal representatives: added as contact persons are (a new person with a
  BIS number, an account and a temporary password by e-mail); removed, but
  never the last one, nor the main access manager before the role is
  handed over.
- For both, the company keeps the person's function and phone number; the
  person's own data (names, e-mail address) are theirs: a company that
  could change a person's e-mail address could take over their account.
"""
import re

from portal.activities.models import Activity
from portal.companies.models import Company, CompanyEvent, ContactPerson, EstablishmentUnit, LegalRepresentative
from portal.data.db import database
from portal.data.prepared import Prepared, slot
from portal.people import persons as people
from portal.people.models import Person
from portal.registrations.states import EXCHANGE_LANGUAGES
from portal.rights.access_rights import is_legal_representative, is_main_access_manager
from portal.rights.models import Quality
from portal.text.form_text import single_line_errors
from portal.text.identifiers import NoNumberLeft
from portal.text.lazy_text import lazy_gettext as _l
from portal.web import mail, rate_limit

ADDRESS_FIELDS = ("street", "house_number", "box", "postcode", "city")
EVENT_LABELS = {
    "details_changed": _l("Language or address changed"), "unit_added": _l("Establishment unit added"),
    "unit_changed": _l("Establishment unit changed"), "unit_removed": _l("Establishment unit removed"),
    "contact_added": _l("Contact person added"), "contact_removed": _l("Contact person removed"),
    "representative_removed": _l("Legal representative removed"),
    "representative_added": _l("Legal representative added"),
    "representative_changed": _l("Legal representative's function or phone changed"),
    "contact_changed": _l("Contact person's function or phone changed"),
    "identity_change_requested": _l("Change of the name, numbers or official proof sent to the agency"),
    "identity_changed": _l("Change of the name, numbers or official proof validated by the agency"),
    "identity_change_refused": _l("Change of the name, numbers or official proof refused by the agency"),
    "bce_updated": _l("Data updated from the BCE"),
    "bce_stopped": _l("The BCE no longer lists the enterprise as active"),
    "bce_registered": _l("Person linked to the enterprise by the agency (Belgian registration)"),
}


UNKNOWN_PERSON = _l("The names or the date of birth do not match this NISS number: check them, or leave the NISS "
                    "empty to get a BIS number.")


class RecordError(Exception):
    def __init__(self, errors):
        super().__init__(str(errors))
        self.errors = errors


def _record(company, actor, action, reason=""):
    CompanyEvent.create(company=company, actor=actor, action=action, reason=reason[:500])


def create_company(country, details, vat_number=None, bce_number=None, units=()):
    """A company as the agency's validation makes it (and the demo data, the
    same way): its data, its name in the public search's word index, its
    establishment units. Inside the caller's transaction."""
    company = Company(country=country, street=details["street"], house_number=details["house_number"],
                      box=details.get("box", ""), postcode=details["postcode"], city=details["city"],
                      vat_number=vat_number, bce_number=bce_number, language=details["language"])
    company.set_name(details["name"])
    company.save()
    company.save_name_words()
    for unit in units:
        EstablishmentUnit.create(company=company, name=unit["name"], street=unit["street"],
                                 house_number=unit["house_number"], box=unit.get("box", ""),
                                 postcode=unit["postcode"], city=unit["city"], bce_number=unit.get("bce_number"))
    return company


def address_values(form, prefix=""):
    return {name: form.get(prefix + name, "").strip()[:200] for name in ADDRESS_FIELDS}


# The longest each part of an address may be: the columns' sizes (PostgreSQL refuses more), the same in
# every table that keeps an address.
ADDRESS_LENGTHS = {name: getattr(Company, name).max_length for name in ADDRESS_FIELDS}


def check_address(values):
    errors = {}
    for name, message in (("street", _l("Enter the street.")), ("house_number", _l("Enter the number.")),
                          ("postcode", _l("Enter the postcode.")), ("city", _l("Enter the city."))):
        if not values[name]:
            errors[name] = message
    for name, longest in ADDRESS_LENGTHS.items():
        if len(values.get(name) or "") > longest:
            errors[name] = _l("Keep this to %(count)s characters at most.", count=longest)
    errors.update(single_line_errors(values))
    return errors


def change_details(company, actor, language, address):
    # A Belgian enterprise's address is the BCE's (the caller passes it unchanged), complete or not.
    errors = check_address(address) if company.bce_synced_on is None else {}
    if language not in EXCHANGE_LANGUAGES:
        errors["language"] = _l("Choose French, Dutch or English for the exchanges with the agency.")
    if errors:
        raise RecordError(errors)
    with database.atomic():
        Company.update(language=language, **address).where(Company.id == company.id).execute()
        _record(company, actor, "details_changed")


FROM_BCE = _l("The establishment units of a Belgian enterprise come from the BCE: they change there, and reach the "
              "portal with its next update.")


def save_unit(company, actor, values, unit=None):
    """Errors are named after the form's fields, which start with "unit_"."""
    if company.bce_synced_on is not None or (unit is not None and unit.bce_number):
        raise RecordError({"units": FROM_BCE})
    errors = check_address(values)
    if not values.get("name"):
        errors["name"] = _l("Enter the name of the establishment unit.")
    errors.update(single_line_errors({"name": values.get("name", "")}))
    if errors:
        raise RecordError({"unit_" + name: message for name, message in errors.items()})
    with database.atomic():
        if unit is None:
            unit = EstablishmentUnit.create(company=company, **values)
            _record(company, actor, "unit_added", values["name"])
        else:
            EstablishmentUnit.update(**values).where(EstablishmentUnit.id == unit.id).execute()
            _record(company, actor, "unit_changed", values["name"])
    return unit


def remove_unit(company, actor, unit):
    if unit.bce_number:
        raise RecordError({"units": FROM_BCE})
    if Activity.select().where((Activity.unit == unit) & (Activity.active == True)).exists():  # noqa: E712  (a peewee expression: SQL's = TRUE)
        raise RecordError({"units": _l("Activities are notified for this establishment unit: deactivate them in "
                                       "“My activities” first.")})
    with database.atomic():
        EstablishmentUnit.delete().where((EstablishmentUnit.id == unit.id)
                                         & (EstablishmentUnit.company == company)).execute()
        _record(company, actor, "unit_removed", unit.name)


REPRESENTATIVES_ONLY = _l("Only a legal representative or the main access manager may add, change or remove the "
                          "company's legal representatives.")


def may_change_representatives(person, company):
    """A legal representative can designate the main access manager, so only
    those who already hold that power (a legal representative, the main
    access manager) may name or remove one: a user with "Mon entreprise"
    alone must not be able to give themselves access management."""
    return is_main_access_manager(person, company) or is_legal_representative(person, company)


def _new_person(company, row, prefix):
    """A person and their account, within the company's daily allowance (each one is an e-mail)."""
    if rate_limit.exceeded(rate_limit.NEW_PEOPLE, company.id):
        raise RecordError({prefix + "last_name": _l("The company has added many people today: try again tomorrow, "
                                                    "or write to the agency's support.")})
    try:
        return people.person_with_account(row, company.language)
    except NoNumberLeft:
        raise RecordError({prefix + "birth_date": _l("The portal cannot give a BIS number for this date of birth "
                                                     "any more: write to the agency's support.")})


def _tell_representatives(company, actor, action, person):
    """Every legal representative and the main access manager hear of a change among the representatives."""
    recipients = {link.person_id: link.person for link in
                  LegalRepresentative.select(LegalRepresentative, Person).join(Person)
                  .where(LegalRepresentative.company == company)}
    if company.main_access_manager_id and company.main_access_manager_id not in recipients:
        recipients[company.main_access_manager_id] = Person.get_by_id(company.main_access_manager_id)
    if action == "added":
        recipients.pop(person.id, None)  # the new representative gets their welcome e-mail
    else:
        recipients[person.id] = person  # and the one removed is told too
    for someone in recipients.values():
        mail.queue(someone.email, "representatives_changed", someone.language,
                   _l("The legal representatives of %(company)s changed", company=company.name),
                   reader=someone, actor=actor, person=person, action=action, company=company)


def _add_person(model, prefix, action, company, actor, row, base_url, link):
    """A new person linked to the company as `model` (a contact person or a legal
    representative), with a BIS number, an account and a temporary password by
    e-mail. `row`: the checked personal data (people.check_person); any NISS in
    it is dropped, for a company must not pull in another company's person (and
    learn whether a number is known), nor claim a number nobody checked."""
    link = link or {"function": "", "phone": ""}
    errors = check_link(link, prefix)
    if errors:
        raise RecordError(errors)
    with database.atomic():
        person, password = _new_person(company, dict(row, niss=""), prefix)
        if model is LegalRepresentative:
            _tell_representatives(company, actor, "added", person)
        model.create(company=company, person=person, **link)
        _record(company, actor, action, f"{person.first_name} {person.last_name}")
        if model is ContactPerson:
            people.welcome_contact(person, password, company, actor, base_url)
        else:
            people.welcome(person, password, company, base_url, actor=actor)
    mail.send_after_commit()
    return person


def add_contact_person(company, actor, row, base_url, link=None):
    """A contact person (guide 3.2.3): always a new person; returns them."""
    return _add_person(ContactPerson, "contact_", "contact_added", company, actor, row, base_url, link)


PHONE = re.compile(r"^\+?[0-9 ./()-]{6,30}$")


def link_values(form, prefix=""):
    return {"function": form.get(prefix + "function", "").strip()[:100],
            "phone": form.get(prefix + "phone", "").strip()[:30]}


def check_link(values, prefix=""):
    errors = {}
    if values["phone"] and not PHONE.match(values["phone"]):
        errors[prefix + "phone"] = _l("Enter a phone number with digits only, such as +32 2 528 40 00, or leave it "
                                      "empty.")
    errors.update({prefix + name: message for name, message in single_line_errors(values).items()})
    return errors


def change_link(company, actor, link, values, prefix=""):
    """The function and phone number of a legal representative or contact person."""
    errors = check_link(values, prefix)
    if errors:
        raise RecordError(errors)
    model = type(link)
    if model is LegalRepresentative and not may_change_representatives(actor, company):
        raise RecordError({prefix + "function": REPRESENTATIVES_ONLY})
    action = "representative_changed" if model is LegalRepresentative else "contact_changed"
    with database.atomic():
        model.update(**values).where((model.id == link.id) & (model.company == company)).execute()
        _record(company, actor, action, f"{link.person.first_name} {link.person.last_name}")


def add_legal_representative(company, actor, row, base_url, link=None):
    """As add_contact_person, by a legal representative or the GAP only; every representative is told."""
    if not may_change_representatives(actor, company):
        raise RecordError({"rep_last_name": REPRESENTATIVES_ONLY})
    return _add_person(LegalRepresentative, "rep_", "representative_added", company, actor, row, base_url, link)


def remove_contact_person(company, actor, contact):
    with database.atomic():
        Company.lock_row(company.id)  # an activity being saved names its contacts under the same lock
        ContactPerson.delete().where((ContactPerson.id == contact.id) & (ContactPerson.company == company)).execute()
        _record(company, actor, "contact_removed", f"{contact.person.first_name} {contact.person.last_name}")


def remove_legal_representative(company, actor, link):
    if not may_change_representatives(actor, company):
        raise RecordError({"representatives": REPRESENTATIVES_ONLY})
    with database.atomic():
        Company.lock_row(company.id)
        if LegalRepresentative.select().where(LegalRepresentative.company == company).count() <= 1:
            raise RecordError({"representatives": _l("A company keeps at least one legal representative.")})
        if Company.select().where((Company.id == company.id)
                                  & (Company.main_access_manager == link.person_id)).exists():
            raise RecordError({"representatives": _l("This person is the main access manager: hand the role over "
                                                     "in “Access management” first.")})
        LegalRepresentative.delete().where((LegalRepresentative.id == link.id)
                                           & (LegalRepresentative.company == company)).execute()
        _record(company, actor, "representative_removed", f"{link.person.first_name} {link.person.last_name}")
        _tell_representatives(company, actor, "removed", link.person)
    mail.send_after_commit()


def mail_addresses(company):
    """Where the agency writes to the company, with the language of each address: the
    health quality's shared address in the company's language, else each legal representative."""
    quality = Quality.get_or_none((Quality.company == company) & (Quality.kind == Quality.HEALTH_INSTITUTION))
    if quality is not None and quality.contact_email:
        return [(quality.contact_email, company.language)]
    return [(link.person.email, link.person.language) for link in
            LegalRepresentative.select(LegalRepresentative, Person).join(Person)
            .where(LegalRepresentative.company == company)]


def units_of(company):
    """The company's establishment units, by name."""
    return _UNITS.rows(company=company.id)


def contact_persons_of(company):
    """The company's contact persons, each with their person, by name."""
    return _CONTACTS.rows(company=company.id)


def legal_representatives_of(company):
    """The company's legal representatives, each with their person, in the order they were added."""
    return _REPRESENTATIVES.rows(company=company.id)


def unit_choices(company):
    """((id as text, name), …) of the company's units, by name: a form's choices, read as plain values."""
    return tuple((str(unit_id), name) for unit_id, name in _UNIT_CHOICES.raw_rows(company=company.id))


def contact_choices(company):
    """((id as text, first name, last name, function), …) of the company's contact persons, by name: a
    form's choices, read as plain values."""
    return tuple((str(row[0]), *row[1:]) for row in _CONTACT_CHOICES.raw_rows(company=company.id))


_UNIT_CHOICES = Prepared(lambda: EstablishmentUnit.select(EstablishmentUnit.id, EstablishmentUnit.name)
                         .where(EstablishmentUnit.company == slot("company")).order_by(EstablishmentUnit.name).tuples())
_CONTACT_CHOICES = Prepared(lambda: ContactPerson.select(ContactPerson.id, Person.first_name, Person.last_name,
                                                         ContactPerson.function).join(Person)
                            .where(ContactPerson.company == slot("company"))
                            .order_by(Person.last_name, Person.first_name).tuples())


def rows_shown(company):
    """The units, contact persons and legal representatives as prepared.Shown, for the page that keeps
    them rendered: {"units": …, "contacts": …, "representatives": …}."""
    return {"units": _UNITS.shown(company=company.id), "contacts": _CONTACTS.shown(company=company.id),
            "representatives": _REPRESENTATIVES.shown(company=company.id)}


# Read on every view of the company's pages (the company's own, its activities, the agency's): prepared once.
_UNITS = Prepared(lambda: EstablishmentUnit.select().where(EstablishmentUnit.company == slot("company"))
                  .order_by(EstablishmentUnit.name))
_CONTACTS = Prepared(lambda: ContactPerson.select(ContactPerson, Person).join(Person)
                     .where(ContactPerson.company == slot("company")).order_by(Person.last_name, Person.first_name))
_REPRESENTATIVES = Prepared(lambda: LegalRepresentative.select(LegalRepresentative, Person).join(Person)
                            .where(LegalRepresentative.company == slot("company")).order_by(LegalRepresentative.id))


def history(company, limit=100):
    return CompanyEvent.trail(company=company, limit=limit)


def history_shown(company, limit):
    """The newest entries of the history as a prepared.Shown, for the page that keeps them rendered."""
    return CompanyEvent.trail_shown(company=company, limit=limit)
