"""People the portal gives a login: their personal data as typed (a legal
representative in the wizard, a contact person in "Mon entreprise"), and
the person, NISS or BIS number and account made from it, with the e-mail
that carries the temporary password."""
import datetime
import logging

from flask import current_app

from portal import clock
from portal.data.db import database
from portal.people.models import Account, Person
from portal.people.passwords import hash_password, temporary_password
from portal.registrations.states import SEXES
from portal.text.countries import all_countries
from portal.text.form_text import EMAIL, single_line_errors
from portal.text.identifiers import IdentifierError, format_niss, generate_bis, niss_birth, normalise_niss
from portal.text.lazy_text import lazy_gettext as _l
from portal.text.names import name_key
from portal.web import mail

log = logging.getLogger(__name__)
PERSON_FIELDS = ("niss", "last_name", "first_name", "sex", "birth_date", "birth_country", "email")
MINIMUM_AGE = 16


class IdentityConflict(Exception):
    """A typed NISS belongs to a known person whose names or birth date differ."""


def person_values(form, prefix=""):
    return {name: form.get(prefix + name, "").strip()[:254] for name in PERSON_FIELDS}


def parse_date(text):
    text = text.strip()
    for pattern in ("%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y"):
        try:
            return datetime.datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    return None


def _age(born, today):
    return today.year - born.year - ((today.month, today.day) < (born.month, born.day))


def check_person(values, today=None):
    """Check typed personal data; everything is typed, NISS or not (a NISS
    never fills anything in: that would let anyone read a person's data by
    their number). Returns (errors, values to store)."""
    today = today or clock.today()
    errors = {}
    stored = dict(values)
    if values["niss"]:
        try:
            stored["niss"] = normalise_niss(values["niss"])
        except IdentifierError as error:
            errors["niss"] = error.message
    if not values["last_name"]:
        errors["last_name"] = _l("Enter the last name.")
    if not values["first_name"]:
        errors["first_name"] = _l("Enter the first name.")
    elif not values["first_name"][0].isupper():
        errors["first_name"] = _l("The first name starts with a capital letter, for example Marie.")
    if values["sex"] not in SEXES:
        errors["sex"] = _l("Choose the sex.")
    born = parse_date(values["birth_date"])
    if born is None:
        errors["birth_date"] = _l("Enter the date of birth as day, month and year, for example 31/01/1980.")
    elif born >= today:
        errors["birth_date"] = _l("The date of birth must be in the past.")
    elif _age(born, today) < MINIMUM_AGE:
        errors["birth_date"] = _l("A legal representative is at least 16 years old.")
    elif born.year < 1900:
        errors["birth_date"] = _l("Check the year of birth.")
    else:
        stored["birth_date"] = born.isoformat()
    if not values["birth_country"] or values["birth_country"] not in dict(all_countries()):
        errors["birth_country"] = _l("Select the country of birth.")
    stored["email"] = stored["email"].lower()
    if not EMAIL.match(stored["email"]):
        errors["email"] = _l("Enter an e-mail address such as name@company.eu.")
    errors.update(single_line_errors(values))
    return errors, stored


def same_person(row, person):
    return (name_key(row.get("last_name", "")) == name_key(person.last_name)
            and name_key(row.get("first_name", "")) == name_key(person.first_name)
            and row.get("birth_date") == person.birth_date.isoformat())


def person_with_account(row, language):
    """The person (found by NISS, or new with a BIS number) and the temporary
    password of their new account (None when they already had one). A typed
    NISS of a known person under other names or birth date is a conflict."""
    person = Person.get_or_none(Person.niss == row["niss"]) if row.get("niss") else None
    if person is not None and not same_person(row, person):
        raise IdentityConflict()
    if person is None:
        birth_date = datetime.date.fromisoformat(row["birth_date"])
        niss = row.get("niss") or generate_bis(
            birth_date, row["sex"], lambda number: Person.select().where(Person.niss == number).exists())
        person = Person.create(niss=niss, last_name=row["last_name"], first_name=row["first_name"],
                               sex=row["sex"], birth_date=birth_date, birth_country=row["birth_country"],
                               email=row["email"], language=language,
                               niss_verified=not row.get("niss"))  # a typed NISS is only a claim
    if Account.select().where(Account.person == person).exists():
        return person, None
    password = temporary_password()
    days = current_app.config["TEMPORARY_PASSWORD_DAYS"]
    Account.create(person=person, password_hash=hash_password(password), must_change_password=True,
                   password_expires_at=clock.utc() + datetime.timedelta(days=days))
    return person, password


def welcome(person, password, company, base_url, actor=None):
    """The e-mail with the login (NISS or BIS number) and the temporary password, in the company's language;
    to a legal representative `actor` added in "Mon entreprise", it says so (not "the FAMHP validated the
    registration", which happened long before, nor the first steps, which may be done)."""
    mail.queue(person.email, "account_created", company.language, _l("Your login for the FAMHP portal"),
               person=person, niss=format_niss(person.niss), password=password, company={"name": company.name},
               actor=actor, login_url=base_url.rstrip("/") + f"/{company.language}/login")


def welcome_contact(person, password, company, actor, base_url):
    """A contact person's e-mail (guide 3.2.3), in their language: who added them, for which company, what a
    contact person is, the login and temporary password, and that the company's access manager gives them
    their applications. Not the legal representative's, whose next steps are not theirs to take."""
    mail.queue(person.email, "contact_person_added", person.language,
               _l("%(company)s added you as a contact person on the FAMHP portal", company=company.name),
               person=person, actor=actor, niss=format_niss(person.niss), password=password,
               company={"name": company.name},
               login_url=base_url.rstrip("/") + f"/{person.language}/login")


def verified_by_eid(person):
    """The eID's holder takes the person whose NISS a company typed: the NISS is now verified, and the
    password login made from that company's registration goes (it was mailed to an address the company
    typed, which may not be the person's). How many such logins went (0 or 1)."""
    with database.atomic():
        Person.update(niss_verified=True).where(Person.id == person.id).execute()
        return Account.delete().where(Account.person == person).execute()


def first_eid_login(niss, given_name, surname, language):
    """A person the portal does not know yet, as the eID (or itsme) gives
    them: a Belgian who will ask to act for their enterprise. Their birth date
    and sex are those the national number encodes."""
    try:
        niss = normalise_niss(niss)
    except IdentifierError:
        return None
    given_name, surname = " ".join(given_name.split())[:100], " ".join(surname.split())[:100]
    if not given_name or not surname:
        return None
    birth_date, sex = niss_birth(niss)
    person, _ = Person.get_or_create(niss=niss, defaults=dict(
        first_name=given_name, last_name=surname, sex=sex[:1], birth_date=birth_date or datetime.date(1900, 1, 1),
        birth_country="", email="", language=language, niss_verified=True))
    log.info("first eID login: person %s created", person.id)
    return person
