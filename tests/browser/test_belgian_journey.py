"""A Belgian in the browser, in Dutch (issue 14): the first eID login, the
enterprise number and the BCE's data to confirm, the mandate sent; the agency
validates it; back in, the person picks the enterprise among theirs and finds
its BCE data in "Mon entreprise", read-only. JavaScript on and off, every
page audited."""
import datetime

import pytest
from playwright.sync_api import expect

from portal import clock
from portal.bce import enterprises as bce
from portal.bce.kbo_import import import_extract
from portal.data.db import database
from portal.demo.kbo_synthetic import enterprise_number, write_full
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
NISS = "81020300172"
SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
STAFF_PASSWORD = "a long staff password 42"
ASKED, OTHER = enterprise_number(10), enterprise_number(11)


@pytest.fixture
def belgian_world(live_server, tmp_path_factory):
    with live_server.app.app_context():
        if bce.latest_extract() is None:
            path = tmp_path_factory.mktemp("kbo") / "extract.zip"
            import_extract(str(write_full(path, 40, 140, datetime.date(2026, 10, 2))))
        Registration.delete().where(Registration.kind == "belgian").execute()
        Company.delete().where(Company.bce_number.in_([ASKED, OTHER])).execute()
        for person in Person.select().where(Person.niss == NISS):
            LoginSession.delete().where(LoginSession.person == person).execute()
            person.delete_instance(recursive=True)
        if not StaffMember.select().where(StaffMember.email == "agent@afmps.be").exists():
            staff = StaffMember.create(email="agent@afmps.be", name="Agent Peeters", roles="reviewer inspector finance account_support administrator")
            Account.create(staff=staff, password_hash=hash_password(STAFF_PASSWORD), must_change_password=False,
                           totp_secret=SECRET)
        Account.update(totp_last_counter=None, locked_until=None).where(Account.staff.is_null(False)).execute()
        database.close()


def click(visitor, role, name, within=None):
    with visitor.page.expect_navigation():
        (within or visitor.page).get_by_role(role, name=name, exact=True).click()
    visitor.check_page()


def eid(visitor, names=("", "")):
    page = visitor.page
    visitor.goto("/nl/login/csam")
    page.locator("#field-niss").fill(NISS)
    page.locator("#field-given_name").fill(names[0])
    page.locator("#field-surname").fill(names[1])
    click(visitor, "button", "Aanmelden als deze persoon")


def what_access_management_does(live_server):
    """Between the logins: the person activates the quality and takes the applications (the access journey's
    part), and acts for a second enterprise, so that they choose."""
    with live_server.app.app_context():
        person = Person.get(Person.niss == NISS)
        second = bce.create_company(bce.find(OTHER, "nl"), "nl")
        LegalRepresentative.create(company=second, person=person)
        for company in Company.select().where(Company.bce_number.in_([ASKED, OTHER])):
            quality = Quality.create(company=company, kind="health_institution", contact_email="q@janssens.be",
                                     activated_at=clock.utc())
            member = QualityMember.create(quality=quality, person=person, role="ga", email=person.email)
            MemberApplication.insert_many([{"member": member.id, "application": code}
                                           for code in ("medseip", "saa")]).execute()
        database.close()


def test_a_belgian_asks_for_an_enterprise_the_agency_validates_and_its_bce_data_are_there(
        visitor, belgian_world, live_server, tmp_path):
    page = visitor.page
    eid(visitor, ("An", "Janssens"))
    expect(page.get_by_text("Uw account is nog aan geen enkel bedrijf gekoppeld.")).to_be_visible()
    click(visitor, "link", "Optreden voor een Belgische onderneming")

    page.get_by_label("Ondernemingsnummer (KBO)").fill(f"{ASKED[:4]}.{ASKED[4:7]}.{ASKED[7:]}")
    visitor.swap_or_navigate(lambda: page.get_by_role("button", name="Opzoeken in de KBO").click())
    bce_data = page.get_by_role("region", name="Gegevens van de Kruispuntbank van Ondernemingen (KBO)")
    expect(bce_data).to_contain_text("Bron: KBO, bijgewerkt op 2 okt 2026")
    expect(bce_data).to_contain_text(bce.find(ASKED).name_in("nl"))

    # Sent without the role: the error says so, what was typed stays.
    page.get_by_label("Functie").fill("Zaakvoerder")
    page.get_by_label("Individueel e-mailadres").fill("an@janssens.be")
    mandate = tmp_path / "Belgisch Staatsblad.pdf"
    mandate.write_bytes(a_pdf())
    page.get_by_label("Bewijs van het mandaat").set_input_files(str(mandate))
    click(visitor, "button", "Aanvraag naar het agentschap sturen")
    expect(page.get_by_role("alert")).to_contain_text("Kies uw rol in de onderneming.")
    expect(page.get_by_label("Functie")).to_have_value("Zaakvoerder")
    expect(page.get_by_text("Bestand ontvangen: Belgisch Staatsblad.pdf")).to_be_visible()
    page.get_by_label("Wettelijke vertegenwoordiger van de onderneming (bestuurder, zaakvoerder…)").check()
    click(visitor, "button", "Aanvraag naar het agentschap sturen")
    expect(page.get_by_role("status")).to_contain_text("Uw aanvraag is verstuurd")
    reference = page.get_by_role("heading", level=1).inner_text().split()[-1]
    click(visitor, "button", "Afmelden")

    visitor.log_in_staff("agent@afmps.be", STAFF_PASSWORD, SECRET, lang="en")
    page.get_by_label("Type").select_option("belgian")
    visitor.swap_or_navigate(lambda: page.get_by_role("button", name="Filter").click())
    click(visitor, "link", reference)
    expect(page.get_by_role("region", name="The person who asks")).to_contain_text("read from the eID card")
    expect(page.get_by_role("region", name="Data of the Crossroads Bank for Enterprises (BCE)")).to_be_visible()
    click(visitor, "button", "Validate the request")
    expect(page.get_by_role("status")).to_contain_text("Validated")
    click(visitor, "button", "Log out")

    what_access_management_does(live_server)
    eid(visitor)
    expect(page.get_by_role("heading", name="Kies uw profiel")).to_be_visible()
    asked_name = bce.find(ASKED, "nl").name_in("nl")
    click(visitor, "button", asked_name)
    visitor.goto("/nl/portal/company")
    expect(page.get_by_role("region", name="Gegevens van de Kruispuntbank van Ondernemingen (KBO)")).to_contain_text(
        "Bron: KBO, bijgewerkt op 2 okt 2026")
    expect(page.get_by_role("region", name="Bedrijfsgegevens")).to_contain_text(asked_name)
    expect(page.locator("#field-street")).to_have_count(0)
    expect(page.locator("#unit-form")).to_have_count(0)
