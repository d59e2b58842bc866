"""Development only: people for a few demo firms, one of each role of
access management, so that a newcomer can log in as each and see what they
see. Every demo person has the same password and links an authenticator at
the first login."""
import datetime

from portal import clock
from portal.companies.models import Company, LegalRepresentative
from portal.data.db import database
from portal.people.models import Account, Person
from portal.people.passwords import hash_password
from portal.rights.applications import APPLICATIONS
from portal.rights.models import MemberApplication, Quality, QualityMember
from portal.text.identifiers import format_niss

PASSWORD = "demo portal password 2026"
# (NISS, first name, last name, role); the NISS numbers are valid and fictitious.
PEOPLE = [
    ("60010100172", "Gabrielle", "Principale", "gap"),   # legal representative, main access manager, GA
    ("60010100271", "Hugo", "Gestionnaire", "co_ga"),     # co-manager of the quality
    ("60010100370", "Ines", "Utilisatrice", "user"),      # a user with three applications
    ("60010100469", "Jules", "Bloque", "blocked"),        # a blocked user
]


def seed_people():
    """Add the demo people to the first demo firm, once; returns [(NISS, name, role)] added."""
    company = Company.select().where(Company.is_demo == True).order_by(Company.id).first()  # noqa: E712  (a peewee expression: SQL's = TRUE)
    if company is None or Person.select().where(Person.niss == PEOPLE[0][0]).exists():
        return []
    added = []
    with database.atomic():
        quality = Quality.create(company=company, kind=Quality.HEALTH_INSTITUTION,
                                 contact_email="quality@demo.example", activated_at=clock.utc())
        for niss, first, last, role in PEOPLE:
            person = Person.create(niss=niss, first_name=first, last_name=last, sex="F",
                                   birth_date=datetime.date(1960, 1, 1), birth_country="FR",
                                   email=f"{first.lower()}@demo.example", language="fr")
            Account.create(person=person, password_hash=hash_password(PASSWORD), must_change_password=False)
            codes = set(APPLICATIONS) if role in ("gap", "co_ga") else {"medseip", "saa", "contributions"}
            if role == "gap":
                LegalRepresentative.create(company=company, person=person)
                Company.update(main_access_manager=person).where(Company.id == company.id).execute()
            member = QualityMember.create(
                quality=quality, person=person, role={"gap": "ga", "co_ga": "co_ga"}.get(role, "user"),
                email=person.email, language="fr", status="blocked" if role == "blocked" else "active")
            MemberApplication.insert_many([{"member": member.id, "application": c} for c in codes]).execute()
            added.append((format_niss(niss), f"{first} {last}", role))
    return added
