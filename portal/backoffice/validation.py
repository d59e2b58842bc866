"""What validating a registration creates, inside the caller's transaction:
the company, its establishment units, the legal representatives as people
with a NISS (a new BIS number for those without one), and their accounts
with a temporary password, which is e-mailed and never stored in clear."""
import datetime

from flask import current_app
from flask_babel import lazy_gettext as _l

from .. import clock, mail
from ..identifiers import format_niss, generate_bis
from ..models import Account, Company, EstablishmentUnit, LegalRepresentative, Person
from ..names import name_key
from ..passwords import hash_password, temporary_password

NEW, SAME, CONFLICT = "new", "same", "conflict"


class IdentityConflict(Exception):
    """A typed NISS belongs to a known person whose names or birth date differ."""


def _same_person(row, person):
    return (name_key(row.get("last_name", "")) == name_key(person.last_name)
            and name_key(row.get("first_name", "")) == name_key(person.first_name)
            and row.get("birth_date") == person.birth_date.isoformat())


def representative_matches(rows):
    """For each representative (by position): NEW, SAME or CONFLICT with the
    person the portal knows by that NISS, and that person (or None)."""
    known = {person.niss: person for person in
             Person.select().where(Person.niss.in_([row["niss"] for row in rows if row.get("niss")]))}
    matches = []
    for row in rows:
        person = known.get(row.get("niss"))
        if person is None:
            matches.append((NEW, None))
        else:
            matches.append((SAME if _same_person(row, person) else CONFLICT, person))
    return matches


def create_company(registration, base_url):
    data = registration.answers
    if any(match == CONFLICT for match, _ in representative_matches(data.get("representatives", []))):
        raise IdentityConflict()
    details = data["company"]
    company = Company(country=registration.country, street=details["street"],
                      house_number=details["house_number"], box=details.get("box", ""),
                      postcode=details["postcode"], city=details["city"],
                      vat_number=registration.vat_number, bce_number=registration.bce_number,
                      language=details["language"])
    company.set_name(details["name"])
    company.save()
    company.save_name_words()
    for unit in data.get("units", []):
        EstablishmentUnit.create(company=company, name=unit["name"], street=unit["street"],
                                 house_number=unit["house_number"], box=unit.get("box", ""),
                                 postcode=unit["postcode"], city=unit["city"])
    for row in data.get("representatives", []):
        person, new_account_password = _person_with_account(row, details["language"])
        LegalRepresentative.create(company=company, person=person)
        mail.queue(person.email, "account_created", details["language"],
                   _l("Your login for the FAMHP portal"),
                   person=person, niss=format_niss(person.niss), password=new_account_password,
                   company=details, login_url=base_url.rstrip("/") + f"/{details['language']}/login")
    return company


def _person_with_account(row, language):
    """The person (found by NISS, or new with a BIS number) and the temporary
    password of their new account (None when they already had one)."""
    person = Person.get_or_none(Person.niss == row["niss"]) if row.get("niss") else None
    if person is not None and not _same_person(row, person):
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
