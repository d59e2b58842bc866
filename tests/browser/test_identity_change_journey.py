"""A change of the company's identity in the browser, in English: the company asks for a new
name with a new official proof, the agency sees old and new side by side and validates, the
company sees its new name. JavaScript on and off, every page audited."""
import datetime

import pytest
from playwright.sync_api import expect

from portal.data.db import database
from portal.models import (
    Account,
    Company,
    LegalRepresentative,
    LoginSession,
    MemberApplication,
    Person,
    Quality,
    QualityMember,
    Registration,
    StaffMember,
)
from portal.people.passwords import hash_password
from tests.wizard_driver import a_pdf

pytestmark = pytest.mark.browser
NISS = "60010100568"
PASSWORD = "four words are stronger"
SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
STAFF_PASSWORD = "a long staff password 42"
NAME = "Nordlicht Medical GmbH"
NEW_NAME = "Nordlicht Medizintechnik GmbH"


@pytest.fixture
def keeper(live_server):
    with live_server.app.app_context():
        Registration.delete().where(Registration.kind == "change").execute()
        Company.delete().where(Company.name.in_([NAME, NEW_NAME])).execute()
        for person in Person.select().where(Person.niss == NISS):
            LoginSession.delete().where(LoginSession.person == person).execute()
            person.delete_instance(recursive=True)
        company = Company(country="DE", street="Nordweg", house_number="3", postcode="20095", city="Hamburg",
                          language="en", vat_number="DE811191002")
        company.set_name(NAME)
        company.save()
        me = Person.create(niss=NISS, last_name="Licht", first_name="Nora", sex="F",
                           birth_date=datetime.date(1960, 1, 1), birth_country="DE", email="nora@nordlicht.de",
                           language="en")
        LegalRepresentative.create(company=company, person=me)
        Account.create(person=me, password_hash=hash_password(PASSWORD), must_change_password=False, totp_secret=SECRET)
        quality = Quality.create(company=company, kind="health_institution", contact_email="q@nordlicht.de")
        member = QualityMember.create(quality=quality, person=me, role="ga", email=me.email)
        MemberApplication.insert_many([{"member": member.id, "application": a} for a in ("medseip", "saa")]).execute()
        if not StaffMember.select().where(StaffMember.email == "agent@afmps.be").exists():
            staff = StaffMember.create(email="agent@afmps.be", name="Agent Peeters", roles="reviewer inspector finance account_support administrator")
            Account.create(staff=staff, password_hash=hash_password(STAFF_PASSWORD), must_change_password=False,
                           totp_secret=SECRET)
        Account.update(totp_last_counter=None, locked_until=None).where(Account.staff.is_null(False)).execute()
        database.close()


def forget_last_code(live_server):
    """The same authenticator logs in twice within 30 seconds: the server refuses a code used once."""
    with live_server.app.app_context():
        Account.update(totp_last_counter=None).execute()
        database.close()


def click(visitor, role, name, within=None):
    with visitor.page.expect_navigation():
        (within or visitor.page).get_by_role(role, name=name, exact=True).click()
    visitor.check_page()


def test_a_new_name_is_asked_validated_by_the_agency_and_shown(visitor, keeper, live_server, tmp_path):
    page = visitor.page
    visitor.log_in(NISS, PASSWORD, SECRET, lang="en")
    visitor.goto("/en/portal/company")
    page.get_by_text("Change the name, the VAT or BCE number or the official proof").click()
    form = page.locator("#identity-form")
    form.get_by_label("Commercial name of the company").fill(NEW_NAME)
    form.get_by_label("No").check()
    proof = tmp_path / "Handelsregister.pdf"
    proof.write_bytes(a_pdf())
    form.get_by_label("New official proof of the company's status").set_input_files(str(proof))
    click(visitor, "button", "Send the change to the agency", within=form)
    expect(page.get_by_role("status").first).to_contain_text("The change is sent")
    pending = page.locator("#pending-change")
    expect(pending).to_contain_text(NAME)
    expect(pending).to_contain_text(NEW_NAME)
    expect(pending).to_contain_text("Handelsregister.pdf")
    click(visitor, "button", "Log out")

    forget_last_code(live_server)
    visitor.log_in_staff("agent@afmps.be", STAFF_PASSWORD, SECRET, lang="en")
    page.get_by_label("Type").select_option("change")
    visitor.swap_or_navigate(lambda: page.get_by_role("button", name="Filter").click())
    row = page.get_by_role("row").filter(has_text="Change of identity")
    click(visitor, "link", row.get_by_role("link").inner_text(), within=row)
    changes = page.get_by_role("region", name="What changes")
    expect(changes.get_by_role("row").filter(has_text="Commercial name")).to_contain_text(NEW_NAME)
    click(visitor, "button", "Validate the change")
    expect(page.get_by_role("status")).to_contain_text("Validated")
    click(visitor, "link", "The company's page")
    expect(page.get_by_role("heading", level=1)).to_have_text(NEW_NAME)
    expect(page.get_by_role("region", name="History")).to_contain_text("validated by the agency")
    click(visitor, "button", "Log out")

    forget_last_code(live_server)
    visitor.log_in(NISS, PASSWORD, SECRET, lang="en")
    expect(page.locator(".who")).to_contain_text(NEW_NAME)
    visitor.goto("/en/portal/company")
    expect(page.get_by_role("region", name="Company data")).to_contain_text(NEW_NAME)
    expect(page.get_by_text("Change of the name, numbers or official proof validated by the agency")).to_be_visible()
