"""“Mon entreprise” in the browser: a contact person added without NISS gets a BIS number and a
login by e-mail; the address changes at once. JavaScript on and off, every page audited."""
import datetime

import pytest
from playwright.sync_api import expect

from portal.data.db import database
from portal.models import (
    Account,
    LoginSession,
    Person,
)
from tests.builders import company_keeper

pytestmark = pytest.mark.browser
NISS = "60010100469"
PASSWORD = "quatre mots plus forts"
SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
NAME = "Entreprise Contact SA"


@pytest.fixture
def keeper(live_server):
    with live_server.app.app_context():
        for person in Person.select().where(Person.email == "chloe@contact.be"):  # the contact person it adds
            LoginSession.delete().where(LoginSession.person == person).execute()
            person.delete_instance(recursive=True)
        company_keeper(NAME, NISS, PASSWORD, SECRET, ("saa",),
                       company=dict(country="FR", street="Rue Haute", house_number="1", postcode="75001", city="Paris",
                                    language="fr"),
                       person=dict(last_name="Gardienne", first_name="Lise", sex="F", birth_date=datetime.date(1960, 1, 1),
                                   birth_country="FR", email="lise@contact.be", language="fr"))
        database.close()


def submit(visitor, name, within=None):
    with visitor.page.expect_navigation():
        (within or visitor.page).get_by_role("button", name=name, exact=True).click()
    visitor.check_page()


def open_form(visitor, link_name):
    """A "Change" or "Add …" link: with JavaScript its form comes in place, without it on a page of its own."""
    link = visitor.page.get_by_role("link", name=link_name)
    if visitor.javascript:
        link.click()
        expect(visitor.page.locator("form.row-form")).to_be_visible()
        visitor.audit()
    else:
        with visitor.page.expect_navigation():
            link.click()
        visitor.check_page()
    return visitor.page.locator("form.row-form")


def test_a_contact_person_gets_a_login_and_the_address_changes(visitor, keeper, smtp_server):
    page = visitor.page
    visitor.log_in(NISS, PASSWORD, SECRET)
    tile = page.get_by_role("region", name="Mon entreprise")
    if visitor.javascript:  # the tile's summary comes after the page, then the page is audited again
        expect(tile).to_contain_text("Rue Haute 1")
        expect(tile).to_contain_text("Numéro AFMPS")
        visitor.audit()
    else:  # the tile is a plain link
        expect(tile).not_to_contain_text("Rue Haute")
    with page.expect_navigation():
        tile.get_by_role("link", name="Gérer mes données d'entreprise").click()
    visitor.check_page()
    expect(page.get_by_role("heading", level=1)).to_have_text("Mon entreprise")

    # the language and the address: read first, their form on demand
    open_form(visitor, "Modifier la langue ou l'adresse")
    # a "?" help bubble (guide 5.1): by keyboard, named for a screen reader, closed again
    bubble = page.get_by_role("group").filter(has_text="Langue des échanges").locator("summary")
    expect(bubble).to_have_accessible_name("Aide : Langue des échanges avec l'AFMPS")
    visitor.tab_to(bubble)
    page.keyboard.press("Enter")
    help_text = page.get_by_text("L'agence écrit à l'entreprise")
    expect(help_text).to_be_visible()
    visitor.audit()
    page.keyboard.press("Escape" if visitor.javascript else "Enter")
    expect(help_text).to_be_hidden()

    page.locator("#field-street").fill("Rue Basse")
    submit(visitor, "Enregistrer la langue et l'adresse")
    expect(page.get_by_role("status")).to_contain_text("enregistrées")
    expect(page.get_by_role("region", name="Données d'entreprise")).to_contain_text("Rue Basse 1")

    smtp_server.messages.clear()
    form = open_form(visitor, "Ajouter une personne de contact")
    form.get_by_label("Nom", exact=True).fill("Martin")
    form.get_by_label("Prénom").fill("Chloé")
    form.get_by_label("Féminin").check()
    form.get_by_label("Date de naissance").fill("15/06/1985")
    form.get_by_label("Pays de naissance").select_option("FR")
    form.get_by_label("Adresse e-mail individuelle").fill("chloe@contact.be")
    submit(visitor, "Enregistrer", within=form)
    expect(page.get_by_role("status")).to_contain_text("personne de contact est ajoutée")
    expect(page.get_by_role("region", name="Personnes de contact").get_by_role("strong")).to_have_text("Chloé Martin")
    assert [m["To"] for m in smtp_server.received("chloe@contact.be")] == ["chloe@contact.be"]


def test_a_legal_representative_is_added_in_dutch(visitor, keeper, live_server, smtp_server):
    with live_server.app.app_context():
        Account.update(totp_last_counter=None).where(Account.person.in_(
            Person.select().where(Person.niss == NISS))).execute()
        Person.delete().where(Person.email == "bram@contact.be").execute()
        database.close()
    page = visitor.page
    visitor.log_in(NISS, PASSWORD, SECRET, lang="nl")
    with page.expect_navigation():
        page.get_by_role("link", name="Mijn bedrijfsgegevens beheren").first.click()
    visitor.check_page()
    form = open_form(visitor, "Een wettelijke vertegenwoordiger toevoegen")
    form.get_by_label("Achternaam").fill("Peeters")
    form.get_by_label("Voornaam").fill("Bram")
    form.get_by_label("Mannelijk").check()
    form.get_by_label("Geboortedatum").fill("02/02/1975")
    form.get_by_label("Geboorteland").select_option("BE")
    form.get_by_label("Individueel e-mailadres").fill("bram@contact.be")
    form.get_by_label("Functie").fill("Zaakvoerder")
    submit(visitor, "Bewaren", within=form)
    expect(page.get_by_role("status")).to_contain_text("wettelijke vertegenwoordiger")
    expect(page.get_by_role("region", name="Wettelijke vertegenwoordiger(s)")).to_contain_text("Bram Peeters, Zaakvoerder")
    assert smtp_server.received("bram@contact.be")
