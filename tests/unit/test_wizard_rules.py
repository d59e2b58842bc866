"""The wizard's rules, called as plain functions: no request, no database."""
import datetime

import pytest
from flask_babel import force_locale

from portal.companies import identity as company_identity
from portal.models import Registration
from portal.registrations import drafts as steps

IDENTIFICATION = {"country": "DE", "bce_registered": "no", "bce_number": "", "vat_number": "136695976",
                  "no_vat": False}
PERSON = {"niss": "", "last_name": "Muster", "first_name": "Max", "sex": "M", "birth_date": "01/05/1970",
          "birth_country": "DE", "email": "Max@Musterfirma.de"}
TODAY = datetime.date(2026, 11, 29)


@pytest.fixture
def in_english(app):
    with app.test_request_context(), force_locale("en"):
        yield


def test_a_german_company_with_its_vat_number_passes(in_english):
    errors, numbers = company_identity.check_identification(dict(IDENTIFICATION))
    assert errors == {} and numbers == {"vat": "DE136695976", "bce": None}


@pytest.mark.parametrize("changes,field", [
    ({"country": ""}, "country"),
    ({"country": "BE"}, "country"),
    ({"bce_registered": ""}, "bce_registered"),
    ({"bce_registered": "yes", "bce_number": "0123.456.789"}, "bce_number"),
    ({"country": "US", "bce_registered": "no"}, "bce_registered"),
    ({"vat_number": "123"}, "vat_number"),
])
def test_identification_errors_name_their_field(in_english, changes, field):
    errors, _ = company_identity.check_identification(dict(IDENTIFICATION, **changes))
    assert field in errors


def test_a_number_held_by_another_company_is_refused(in_english):
    errors, _ = company_identity.check_identification(dict(IDENTIFICATION), taken=lambda vat=None, bce=None: vat == "DE136695976")
    assert "already registered" in str(errors["vat_number"])


def test_a_representative_is_stored_normalised(in_english):
    errors, stored = steps.check_representative(dict(PERSON), [], today=TODAY)
    assert errors == {} and stored["birth_date"] == "1970-05-01" and stored["email"] == "max@musterfirma.de"


@pytest.mark.parametrize("changes,field", [
    ({"first_name": "max"}, "first_name"),
    ({"birth_date": "2015-01-01"}, "birth_date"),  # under 16
    ({"birth_date": "2030-01-01"}, "birth_date"),
    ({"birth_date": "31/02/1980"}, "birth_date"),
    ({"niss": "85.07.30-033.29"}, "niss"),
    ({"sex": "X"}, "sex"),
    ({"email": "max@"}, "email"),
    ({"last_name": "Muster\r\nBcc: x"}, "last_name"),
])
def test_representative_errors_name_their_field(in_english, changes, field):
    errors, _ = steps.check_representative(dict(PERSON, **changes), [], today=TODAY)
    assert field in errors


def test_two_representatives_need_two_addresses(in_english):
    errors, _ = steps.check_representative(dict(PERSON), [{"email": "max@musterfirma.de", "niss": ""}], today=TODAY)
    assert "email" in errors


def test_a_step_opens_once_the_steps_before_it_are_complete():
    answers = {"complete": ["identification"]}
    assert steps.may_open(answers, "company") and not steps.may_open(answers, "units")
    assert steps.first_incomplete(answers) == "company"
    steps.mark(answers, "company", True)
    steps.mark(answers, "units", True)
    steps.mark(answers, "representatives", True)
    assert steps.first_incomplete(answers) == "check"


@pytest.mark.parametrize("status,editable,open_", [
    (Registration.DRAFT, True, False), (Registration.SUBMITTED, False, True),
    (Registration.NEEDS_INFORMATION, True, False), (Registration.VALIDATED, False, False),
    (Registration.REFUSED, False, False),
])
def test_what_each_state_of_a_registration_allows(status, editable, open_):
    registration = Registration(status=status)
    assert registration.editable is editable and (status in Registration.OPEN) is open_
    assert (status in Registration.SENT) is (status != Registration.DRAFT)


def test_answers_are_decoded_once_and_follow_the_data():
    registration = Registration(data='{"company": {"name": "A"}}')
    assert registration.answers is registration.answers
    assert registration.company_answers == {"name": "A"}
    registration.data = Registration.encode({"company": {"name": "B"}})
    assert registration.company_answers == {"name": "B"}
