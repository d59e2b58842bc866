"""Fixtures of the web tests: a person of a company, with or without an account ready to log in,
and a clock the test moves."""
import datetime

import pyotp
import pytest

from portal.models import Account, Company, LegalRepresentative, Person
from portal.people.passwords import hash_password
from tests.accounts import MINE, NISS, TEMPORARY, Clock


@pytest.fixture
def clock(app):
    clock = Clock()
    app.config["CLOCK"] = clock
    return clock


@pytest.fixture
def person(db):
    person = Person.create(niss=NISS, last_name="Peeters", first_name="Jan", sex="M",
                           birth_date=datetime.date(1985, 7, 30), birth_country="BE",
                           email="jan@example.be", language="nl")
    company = Company(country="DE", city="Berlin", street="Hauptstraße", house_number="1", postcode="10115")
    company.set_name("Musterfirma GmbH")
    company.save()
    LegalRepresentative.create(company=company, person=person)
    return person


@pytest.fixture
def new_account(person):
    return Account.create(person=person, password_hash=hash_password(TEMPORARY), must_change_password=True)


@pytest.fixture
def ready_account(person):
    secret = pyotp.random_base32()
    account = Account.create(person=person, password_hash=hash_password(MINE), must_change_password=False,
                             totp_secret=secret)
    account.secret = secret
    return account
