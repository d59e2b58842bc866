"""What validating a registration creates, inside the caller's transaction:
the company, its establishment units, the legal representatives as people
with a NISS (a new BIS number for those without one), and their accounts
with a temporary password, which is e-mailed and never stored in clear."""
import datetime
import json

from flask_babel import lazy_gettext as _l

from .. import mail
from ..identifiers import format_niss, generate_bis
from ..models import Account, Company, EstablishmentUnit, LegalRepresentative, Person
from ..passwords import hash_password, temporary_password


def create_company(registration, base_url):
    data = json.loads(registration.data)
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
    if person is None:
        birth_date = datetime.date.fromisoformat(row["birth_date"])
        niss = row.get("niss") or generate_bis(
            birth_date, row["sex"], lambda number: Person.select().where(Person.niss == number).exists())
        person = Person.create(niss=niss, last_name=row["last_name"], first_name=row["first_name"],
                               sex=row["sex"], birth_date=birth_date, birth_country=row["birth_country"],
                               email=row["email"], language=language)
    if Account.select().where(Account.person == person).exists():
        return person, None
    password = temporary_password()
    Account.create(person=person, password_hash=hash_password(password), must_change_password=True)
    return person, password
