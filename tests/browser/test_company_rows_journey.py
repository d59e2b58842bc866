"""“Mon entreprise”, read first and edited on demand (issue 31), in French, Dutch and English, with
JavaScript on and off, by keyboard only: "Change" opens a row's form (in place, or on a page of its own),
an error keeps what was typed, "Save" shows the row again, "Cancel" (or Escape) leaves it as it was; axe
on the read view and on every open form."""
import datetime

import pytest
from playwright.sync_api import expect

from portal.data.db import database
from portal.models import (
    ContactPerson,
    EstablishmentUnit,
    Person,
)
from tests.builders import company_keeper

pytestmark = pytest.mark.browser
NISS = "60010100568"
PASSWORD = "quatre mots plus forts"
SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXQ"
NAME = "Rangées Éditables SA"
WORDS = {
    "fr": {"tile": "Gérer mes données d'entreprise", "change": "Modifier", "save": "Enregistrer",
           "save_unit": "Enregistrer l'unité d'établissement", "cancel": "Annuler", "function": "Fonction",
           "phone": "Téléphone", "unit_name": "Nom de l'unité d'établissement", "phone_error": "chiffres"},
    "nl": {"tile": "Mijn bedrijfsgegevens beheren", "change": "Wijzigen", "save": "Bewaren",
           "save_unit": "De vestigingseenheid bewaren", "cancel": "Annuleren", "function": "Functie",
           "phone": "Telefoon", "unit_name": "Naam van de vestigingseenheid", "phone_error": "cijfers"},
    "en": {"tile": "Manage my company data", "change": "Change", "save": "Save",
           "save_unit": "Save the establishment unit", "cancel": "Cancel", "function": "Function",
           "phone": "Phone", "unit_name": "Name of the establishment unit", "phone_error": "digits"},
}


@pytest.fixture
def keeper(live_server):
    with live_server.app.app_context():
        Person.delete().where(Person.niss == "60010100667").execute()
        company, _ = company_keeper(
            NAME, NISS, PASSWORD, SECRET, ("saa",), function="Gérante",
            company=dict(country="FR", street="Rue Haute", house_number="1", postcode="75001", city="Paris",
                         language="fr"),
            person=dict(last_name="Gardienne", first_name="Lise", sex="F", birth_date=datetime.date(1960, 1, 1),
                        birth_country="FR", email="lise@rangees.be", language="fr"))
        contact = Person.create(niss="60010100667", last_name="Martin", first_name="Chloé", sex="F",
                                birth_date=datetime.date(1985, 6, 15), birth_country="FR", email="chloe@rangees.be")
        ContactPerson.create(company=company, person=contact, function="Qualité")
        EstablishmentUnit.create(company=company, name="Dépôt Nord", street="Rue Basse", house_number="2",
                                 postcode="75002", city="Paris")
        database.close()


@pytest.mark.parametrize("lang", ["fr", "nl", "en"])
def test_a_row_is_changed_in_place_by_keyboard_and_nothing_typed_is_lost(visitor, keeper, lang):
    words, page, js = WORDS[lang], visitor.page, visitor.javascript
    visitor.log_in(NISS, PASSWORD, SECRET, lang=lang)
    with page.expect_navigation():
        page.get_by_role("link", name=words["tile"]).first.click()
    visitor.check_page()
    assert page.locator("form.row-form").count() == 0  # read first: no form on the page

    # The contact person: open, a wrong phone, then right
    visitor.tab_to(page.get_by_role("link", name=f"{words['change']} Chloé Martin"))
    visitor.press("Enter", navigates=not js)
    function = page.get_by_label(words["function"])
    expect(function).to_have_value("Qualité")
    if js:
        expect(function).to_be_focused()  # the first field of the form swapped in
        visitor.audit()
    function.fill("Responsable qualité")
    page.get_by_label(words["phone"]).fill("call me")
    page.get_by_label(words["phone"]).focus()
    visitor.press("Enter", navigates=not js)
    expect(page.locator(".error-message").first).to_contain_text(words["phone_error"])
    expect(page.get_by_label(words["function"])).to_have_value("Responsable qualité")  # kept
    expect(page.get_by_label(words["phone"])).to_have_value("call me")
    if js:
        visitor.audit()
    page.get_by_label(words["phone"]).fill("+33 1 23 45 67 89")
    page.get_by_label(words["phone"]).focus()
    visitor.press("Enter", navigates=not js)
    row = page.locator("li.row-card").filter(has_text="Chloé Martin")
    expect(row).to_contain_text("Responsable qualité")
    expect(row).to_contain_text("+33 1 23 45 67 89")
    expect(page.locator("form.row-form")).to_have_count(0)

    # The unit: open, type, then leave it as it was (Escape with JavaScript, "Cancel" without)
    visitor.tab_to(page.get_by_role("link", name=f"{words['change']} Dépôt Nord"))
    visitor.press("Enter", navigates=not js)
    page.get_by_label(words["unit_name"]).fill("Dépôt renommé")
    if js:
        page.keyboard.press("Escape")
    else:
        visitor.tab_to(page.get_by_role("link", name=words["cancel"]))
        visitor.press("Enter", navigates=True)
    expect(page.locator("li.row-card").filter(has_text="Dépôt Nord")).to_be_visible()
    expect(page.get_by_text("Dépôt renommé")).to_have_count(0)
    visitor.audit()

    # The legal representative: saved with the button, by keyboard
    visitor.tab_to(page.get_by_role("link", name=f"{words['change']} Lise Gardienne"))
    visitor.press("Enter", navigates=not js)
    page.get_by_label(words["function"]).fill("Administratrice")
    visitor.tab_to(page.locator("form.row-form").get_by_role("button", name=words["save"], exact=True))
    visitor.press("Enter", navigates=not js)
    expect(page.locator("li.row-card").filter(has_text="Lise Gardienne")).to_contain_text("Administratrice")
