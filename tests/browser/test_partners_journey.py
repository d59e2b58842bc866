"""“Mes fabricants et représentants autorisés” in the browser: a distributor picks its supplier among
the registered firms (as it types with JavaScript, by a plain search without), a manufacturer imports
its devices from a CSV file. JavaScript on and off, every page audited."""
import datetime

import pytest
from playwright.sync_api import expect

from portal.data.db import database
from portal.models import (
    Account,
    Activity,
    Company,
    LegalRepresentative,
    LoginSession,
    MarketedDevice,
    MemberApplication,
    Person,
    Quality,
    QualityMember,
    Supplier,
)
from portal.people.passwords import hash_password

pytestmark = pytest.mark.browser
NISS = "60010100865"
PASSWORD = "four words are stronger"
SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
NAME = "Partner Distribution GmbH"
MAKER = "Zulieferer Medizintechnik AG"
GMN = "1987654Ad4X4bL5ttr2310c2K"

WORDS = {
    "fr": {"title": "Mes fabricants et représentants autorisés", "find": "Recherchez-le par son nom",
           "search": "Rechercher", "manufacturer": "Fabricant", "save_supplier": "Enregistrer le fournisseur",
           "saved": "Le fournisseur est enregistré.", "file": "Fichier CSV", "import": "Importer le fichier",
           "imported": "2 dispositifs importés."},
    "nl": {"title": "Mijn fabrikanten en gemachtigden", "find": "Zoek hem op naam", "search": "Zoeken",
           "manufacturer": "Fabrikant", "save_supplier": "De leverancier bewaren", "saved": "De leverancier is bewaard.",
           "file": "CSV-bestand", "import": "Het bestand importeren", "imported": "2 hulpmiddelen geïmporteerd."},
    "en": {"title": "My manufacturers and authorised representatives", "find": "Find it by its name",
           "search": "Search", "manufacturer": "Manufacturer", "save_supplier": "Save the supplier",
           "saved": "The supplier is saved.", "file": "CSV file", "import": "Import the file",
           "imported": "2 devices imported."},
}


@pytest.fixture
def partner(live_server):
    with live_server.app.app_context():
        Company.delete().where(Company.name.in_([NAME, MAKER])).execute()
        for person in Person.select().where(Person.niss == NISS):
            LoginSession.delete().where(LoginSession.person == person).execute()
            person.delete_instance(recursive=True)
        company = Company(country="DE", street="Handelsweg", house_number="4", postcode="20095", city="Hamburg",
                          language="en")
        company.set_name(NAME)
        company.save()
        for kind in ("distributor", "manufacturer"):
            Activity.create(company=company, kind=kind, classes="IIa", started_on=datetime.date(2024, 1, 1))
        maker = Company(country="CH", street="Seestrasse", house_number="1", postcode="8001", city="Zürich",
                        listed=True, agency_number="000777")
        maker.set_name(MAKER)
        maker.save()
        me = Person.create(niss=NISS, last_name="Partner", first_name="Paula", sex="F",
                           birth_date=datetime.date(1960, 1, 1), birth_country="DE", email="paula@partner.de",
                           language="en")
        LegalRepresentative.create(company=company, person=me)
        Account.create(person=me, password_hash=hash_password(PASSWORD), must_change_password=False, totp_secret=SECRET)
        quality = Quality.create(company=company, kind="health_institution", contact_email="q@partner.de")
        member = QualityMember.create(quality=quality, person=me, role="ga", email=me.email)
        MemberApplication.insert_many([{"member": member.id, "application": a} for a in ("medseip", "sara")]).execute()
        database.close()
    return company


def click(visitor, role, name, within=None):
    with visitor.page.expect_navigation():
        (within or visitor.page).get_by_role(role, name=name, exact=True).click()
    visitor.check_page()


def journey(visitor, live_server, company, lang, tmp_path):
    words = WORDS[lang]
    page = visitor.page
    visitor.log_in(NISS, PASSWORD, SECRET, lang=lang)
    visitor.goto(f"/{lang}/portal/partners")
    expect(page.get_by_role("heading", level=1)).to_have_text(words["title"])
    search = page.get_by_label(words["find"], exact=False)
    if visitor.javascript:  # the registered firms appear as the name is typed, the page stays
        visitor.mark_document()
        search.press_sequentially("zulief", delay=30)
        expect(page.get_by_label(MAKER, exact=False)).to_be_visible()
        visitor.assert_same_document()
        visitor.audit()
    else:
        search.fill("zulief")
        click(visitor, "button", words["search"])
    page.get_by_label(MAKER, exact=False).check()
    form = page.locator("#supplier-form")
    form.get_by_label(words["manufacturer"], exact=True).check()
    click(visitor, "button", words["save_supplier"], within=form)
    expect(page.get_by_role("status")).to_have_text(words["saved"])

    devices = tmp_path / "devices.csv"
    devices.write_text("name;reference;basic_udi_di;udi_di;emdn;class;sterile;marketed_from\n"
                       f"Thermometer;TC-1;{GMN};09506000134352;Z12010101;IIa;no;31/01/2024\n"
                       f"Dressing;D-1;{GMN};4006381333931;M0101;I;yes;01/03/2024\n", encoding="utf-8")
    upload = page.locator("#import-form")
    upload.get_by_label(words["file"]).set_input_files(str(devices))
    click(visitor, "button", words["import"], within=upload)
    expect(page.locator("#import-report")).to_contain_text(words["imported"])
    with live_server.app.app_context():
        assert Supplier.get(Supplier.company == company.id).registered.name == MAKER
        assert MarketedDevice.select().where(MarketedDevice.company == company.id).count() == 2
        database.close()


@pytest.mark.parametrize("lang", ["fr", "nl", "en"])
def test_a_supplier_is_picked_and_devices_imported(visitor, partner, live_server, tmp_path, lang):
    journey(visitor, live_server, partner, lang, tmp_path)


def test_each_list_pages_on_its_own_with_and_without_javascript(visitor, partner, live_server):
    """Sixty devices and thirty suppliers: one page of each; turning the devices' page keeps the suppliers'
    page, swaps the devices' list alone with JavaScript, and is a plain link without."""
    with live_server.app.app_context():
        now = datetime.datetime(2026, 1, 1)
        MarketedDevice.insert_many([
            {"company": partner.id, "name": f"Device {n:03d}", "reference": f"R-{n}", "basic_udi_di": GMN,
             "udi_di": f"A{n:07d}", "emdn": "Z12010101", "device_class": "IIa",
             "marketed_from": datetime.date(2024, 1, 31), "created_at": now, "updated_at": now}
            for n in range(1, 61)]).execute()
        Supplier.insert_many([{"company": partner.id, "role": "manufacturer", "name": f"Supplier {n:02d}",
                               "country": "DE"} for n in range(1, 31)]).execute()
        database.close()
    page = visitor.page
    visitor.log_in(NISS, PASSWORD, SECRET, lang="en")
    visitor.goto("/en/portal/partners")
    visitor.check_page()
    devices, suppliers = page.locator("#devices-list"), page.locator("#suppliers-list")
    expect(devices).to_contain_text("Device 025")
    expect(devices).not_to_contain_text("Device 026")
    pager = page.get_by_role("navigation", name="Pages of the suppliers")
    visitor.swap_or_navigate(lambda: pager.get_by_role("link", name="Next page").click())
    expect(suppliers).to_contain_text("Supplier 26")
    pager = page.get_by_role("navigation", name="Pages of the devices")
    visitor.swap_or_navigate(lambda: pager.get_by_role("link", name="Next page").click())
    expect(devices).to_contain_text("Device 026")
    expect(devices).not_to_contain_text("Device 025")
    expect(suppliers).to_contain_text("Supplier 26")  # the suppliers stayed on their page
    assert "devices_page=2" in page.url and "suppliers_page=2" in page.url
    if visitor.javascript:  # focus on the list's heading, where a screen reader goes on reading
        assert page.evaluate("() => document.activeElement.id") == "s-devices"
