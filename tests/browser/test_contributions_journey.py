"""“Mes contributions” in the browser: the year chosen, the turnover typed the Belgian way with the
accountant's PDF, the estimate and the receipt. JavaScript on and off, every page audited."""
import datetime
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from portal import clock
from portal.data.db import database
from portal.models import (
    Account,
    Activity,
    Company,
    ContributionYear,
    LegalRepresentative,
    LoginSession,
    MemberApplication,
    Person,
    Quality,
    QualityMember,
)
from portal.people.passwords import hash_password
from tests.builders import a_pdf

pytestmark = pytest.mark.browser
NISS = "60010100766"
PASSWORD = "four words are stronger"
SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
NAME = "Beitrag Medical GmbH"

WORDS = {
    "fr": {"manage": "Gérer mes contributions", "year": "Sélectionnez l'année concernée", "open": "Afficher l'année",
           "turnover": "Chiffre d'affaires de l'année précédente (euros)",
           "proof": "Document signé par le réviseur d'entreprises ou l'expert-comptable de l'entreprise",
           "send": "Envoyer la déclaration", "receipt": "Accusé de réception de votre déclaration",
           "total": "1\u202f138,78\u00a0€"},
    "nl": {"manage": "Mijn bijdragen beheren", "year": "Selecteer het betreffende jaar", "open": "Het jaar tonen",
           "turnover": "Omzet van vorig jaar (euro)",
           "proof": "Document ondertekend door de bedrijfsrevisor of accountant van het bedrijf",
           "send": "De aangifte versturen", "receipt": "Ontvangstbewijs van uw aangifte", "total": "1.138,78"},
    "en": {"manage": "Manage my contributions", "year": "Select the year concerned", "open": "Show the year",
           "turnover": "Turnover of last year (euros)",
           "proof": "Document signed by the company's auditor or chartered accountant",
           "send": "Send the declaration", "receipt": "Receipt of your declaration", "total": "€1,138.78"},
}


@pytest.fixture
def declarant(live_server):
    with live_server.app.app_context():
        Company.delete().where(Company.name == NAME).execute()
        for person in Person.select().where(Person.niss == NISS):
            LoginSession.delete().where(LoginSession.person == person).execute()
            person.delete_instance(recursive=True)
        company = Company(country="DE", street="Zahlweg", house_number="2", postcode="10115", city="Berlin",
                          language="en", listed=True, agency_number="000888")  # listed: it has its number
        company.set_name(NAME)
        company.save()
        for kind in ("distributor", "exporter"):
            Activity.create(company=company, kind=kind, classes="I", started_on=datetime.date(2024, 1, 1))
        me = Person.create(niss=NISS, last_name="Beitrag", first_name="Bea", sex="F",
                           birth_date=datetime.date(1960, 1, 1), birth_country="DE", email="bea@beitrag.de",
                           language="en")
        LegalRepresentative.create(company=company, person=me)
        Account.create(person=me, password_hash=hash_password(PASSWORD), must_change_password=False, totp_secret=SECRET)
        quality = Quality.create(company=company, kind="health_institution", contact_email="q@beitrag.de")
        member = QualityMember.create(quality=quality, person=me, role="ga", email=me.email)
        MemberApplication.insert_many([{"member": member.id, "application": a}
                                       for a in ("medseip", "contributions")]).execute()
        year = clock.today().year
        ContributionYear.delete().where(ContributionYear.year == year).execute()
        ContributionYear.create(year=year, entity_cost=Decimal("415.74"), turnover_rate=Decimal("0.3073"),
                                turnover_threshold=Decimal("50290.17"), deadline=clock.today() + datetime.timedelta(days=30))
        Account.update(totp_last_counter=None).where(Account.person == me).execute()
        database.close()
    return year


def click(visitor, role, name, within=None):
    with visitor.page.expect_navigation():
        (within or visitor.page).get_by_role(role, name=name, exact=True).click()
    visitor.check_page()


def journey(visitor, year, lang, tmp_path):
    words = WORDS[lang]
    page = visitor.page
    visitor.log_in(NISS, PASSWORD, SECRET, lang=lang)
    click(visitor, "link", words["manage"], within=page.locator("#tile-contributions").locator(".."))
    page.get_by_label(words["year"]).select_option(str(year))
    click(visitor, "button", words["open"])
    form = page.locator("#contribution-form")
    form.get_by_label(words["turnover"]).fill("150.290,17")
    proof = tmp_path / "attestation.pdf"
    proof.write_bytes(a_pdf())
    form.get_by_label(words["proof"]).set_input_files(str(proof))
    click(visitor, "button", words["send"], within=form)
    expect(page.get_by_role("heading", level=1)).to_contain_text(words["receipt"])
    expect(page.get_by_role("region", name=page.locator("#s-estimate").inner_text())).to_contain_text(words["total"])


@pytest.mark.parametrize("lang", ["fr", "nl", "en"])
def test_a_contribution_is_declared(visitor, declarant, tmp_path, lang):
    journey(visitor, declarant, lang, tmp_path)


def test_the_agency_opens_a_year_and_sees_who_declared(visitor, declarant, live_server):
    from portal.models import StaffMember

    staff_password = "a long staff password 42"
    with live_server.app.app_context():
        for email, name in (("finance@afmps.be", "Fabienne Finance"), ("finance2@afmps.be", "Gert Geld")):
            staff = StaffMember.get_or_none(StaffMember.email == email) or \
                StaffMember.create(email=email, name=name, roles="finance")
            Account.delete().where(Account.staff == staff).execute()
            Account.create(staff=staff, password_hash=hash_password(staff_password), must_change_password=False,
                           totp_secret=SECRET)
        ContributionYear.delete().where(ContributionYear.year == 2031).execute()
        database.close()
    page = visitor.page
    visitor.log_in_staff("finance@afmps.be", staff_password, SECRET, lang="fr")
    click(visitor, "link", "Contributions")
    form = page.locator("#year-form")
    form.get_by_label("Année").fill("2031")
    form.get_by_label("Coût par entité (euros)").fill("420,00")
    form.get_by_label("Taux sur le chiffre d'affaires (en pour cent)").fill("0,31")
    form.get_by_label("Seuil (euros)").fill("51 000")
    click(visitor, "button", "Demander l'approbation", within=form)
    expect(page.get_by_role("status")).to_contain_text("Votre modification est enregistrée")
    expect(page.get_by_role("button", name="Approuver")).to_have_count(0)  # four eyes: not one's own
    click(visitor, "button", "Se déconnecter")
    visitor.log_in_staff("finance2@afmps.be", staff_password, SECRET, lang="fr")
    click(visitor, "link", "Contributions")
    waiting = page.locator(".waiting-request")
    expect(waiting).to_contain_text("Fabienne Finance")
    expect(waiting).to_contain_text("420,00")
    click(visitor, "button", "Approuver", within=waiting)
    expect(page.get_by_role("status")).to_be_visible()
    expect(page.get_by_role("table").first).to_contain_text("2031")
    expect(page.get_by_role("heading", level=2).filter(has_text="déclaration pour 2031")).to_be_visible()
    history = page.get_by_role("region", name="Modifications des paramètres de 2031")
    expect(history).to_contain_text("demandée par Fabienne Finance, tranchée par Gert Geld")
