"""What validating a registration creates, inside the caller's transaction:
the company, its establishment units, the legal representatives as people
with a NISS (a new BIS number for those without one), and their accounts
with a temporary password, which is e-mailed and never stored in clear."""
from portal.companies import records as company_records
from portal.companies.models import LegalRepresentative
from portal.people import persons as people
from portal.people.models import Person
from portal.people.persons import IdentityConflict  # noqa: F401  (what validate raises)
from portal.text.identifiers import format_niss
from portal.text.lazy_text import lazy_gettext as _l
from portal.web import mail

NEW, SAME, CONFLICT = "new", "same", "conflict"


def representative_matches(rows):
    """For each representative (by position): NEW, SAME or CONFLICT with the
    person the portal knows by that NISS, and that person (or None)."""
    numbers = [row["niss"] for row in rows if row.get("niss")]
    known = {person.niss: person for person in Person.select().where(Person.niss.in_(numbers))} if numbers else {}
    matches = []
    for row in rows:
        person = known.get(row.get("niss"))
        if person is None:
            matches.append((NEW, None))
        else:
            matches.append((SAME if people.same_person(row, person) else CONFLICT, person))
    return matches


def create_company(registration, base_url):
    data = registration.answers
    if any(match == CONFLICT for match, _ in representative_matches(data.get("representatives", []))):
        raise IdentityConflict()
    details = data["company"]
    company = company_records.create_company(registration.country, details, registration.vat_number,
                                             registration.bce_number, data.get("units", []))
    for row in data.get("representatives", []):
        person, new_account_password = people.person_with_account(row, details["language"])
        LegalRepresentative.create(company=company, person=person)
        mail.queue(person.email, "account_created", details["language"],
                   _l("Your login for the FAMHP portal"),
                   person=person, niss=format_niss(person.niss), password=new_account_password,
                   company=details, login_url=base_url.rstrip("/") + f"/{details['language']}/login")
    return company
