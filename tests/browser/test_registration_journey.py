"""A company outside Belgium registers through the wizard, with and without JavaScript."""
import re

import pytest
from playwright.sync_api import expect

from tests.wizard_driver import a_pdf

pytestmark = pytest.mark.browser


@pytest.fixture
def proof_pdf(tmp_path):
    path = tmp_path / "extrait-registre.pdf"
    path.write_bytes(a_pdf())
    return path


@pytest.fixture
def no_registrations(live_server):
    """The journeys register the same company: start each from none."""
    from portal.data.db import database
    from portal.models import OutboxMessage, Registration

    with live_server.app.app_context():
        Registration.delete().execute()
        OutboxMessage.delete().execute()
        database.close()


def step_heading(page, name):
    expect(page.get_by_role("heading", level=1)).to_have_text(name)


def test_register_a_german_company(visitor, proof_pdf, smtp_server, no_registrations):
    page = visitor.page
    visitor.goto("/fr/")
    page.locator("#european").get_by_role("link", name="S'enregistrer").click()
    visitor.check_page()
    with page.expect_navigation():
        page.get_by_role("button", name="Commencer l'enregistrement").click()
    visitor.check_page()
    step_heading(page, "Identification d'entreprise")
    expect(page.get_by_text("Étape 1 sur 5")).to_be_visible()
    token = re.search(r"/register/([^/]+)/", page.url).group(1)

    country = page.get_by_label("Veuillez sélectionner le pays où se trouve le siège social de la compagnie")
    visitor.tab_to(country)
    country.select_option("DE")
    if visitor.javascript:
        expect(page.locator(".prefix")).to_have_text("DE")  # the form adapted to the country in place
    page.get_by_label("Non").check()
    page.get_by_label("Numéro de TVA").fill("136695976")
    visitor.swap_or_navigate(lambda: page.get_by_role("button", name="Identification d'entreprise").click(),
                             f"/fr/register/{token}/company-data")
    step_heading(page, "Données d'entreprise")
    if visitor.javascript:  # a new step swapped in: its heading has focus, as on a new page
        expect(page.locator("#step-title")).to_be_focused()
    # VIES knew the company: its name and address are offered.
    expect(page.get_by_label("Nom commercial de l'entreprise")).to_have_value("Musterfirma Medizintechnik GmbH")
    page.get_by_label("Anglais").check()
    page.get_by_label("Preuve officielle du statut de l'entreprise").set_input_files(proof_pdf)
    page.get_by_label("Numéro", exact=True).fill("1")
    visitor.swap_or_navigate(lambda: page.get_by_role("button", name="Suivant").click(),
                             f"/fr/register/{token}/establishment-units")
    step_heading(page, "Unités d'établissement")

    page.get_by_label("Nom de l'unité d'établissement").fill("Entrepôt de Hambourg")
    page.get_by_label("Rue").fill("Lagerweg")
    page.get_by_label("Numéro", exact=True).fill("5")
    page.get_by_label("Code postal").fill("20095")
    page.get_by_label("Localité").fill("Hamburg")
    # "Suivant" straight away, without "Ajouter": the unit typed is added, not lost.
    visitor.swap_or_navigate(lambda: page.get_by_role("button", name="Suivant").click(),
                             f"/fr/register/{token}/legal-representatives")

    step_heading(page, "Représentant(s) légal(-aux)")
    page.get_by_label("Nom", exact=True).fill("Muster")
    page.get_by_label("Prénom").fill("max")
    page.get_by_label("Masculin").check()
    page.get_by_label("Date de naissance").fill("01/05/1970")
    page.get_by_label("Pays de naissance").select_option("DE")
    page.get_by_label("Adresse e-mail individuelle").fill("max@musterfirma.de")
    visitor.swap_or_navigate(lambda: page.get_by_role("button", name="Ajouter le représentant légal").click())
    # The guide's rule: a first name starts with a capital letter. The summary says so, the
    # field says so, and what was typed is still there.
    expect(page.get_by_role("alert")).to_contain_text("La première lettre du prénom doit être inscrite en majuscule")
    if visitor.javascript:  # the swapped-in summary takes focus, as the GOV.UK pattern does
        expect(page.locator("#error-summary")).to_be_focused()
    expect(page.get_by_label("Adresse e-mail individuelle")).to_have_value("max@musterfirma.de")
    page.get_by_label("Prénom").fill("Max")
    visitor.swap_or_navigate(lambda: page.get_by_role("button", name="Ajouter le représentant légal").click())
    expect(page.locator(".row-card")).to_contain_text("Max Muster")
    visitor.swap_or_navigate(lambda: page.get_by_role("button", name="Suivant").click(),
                             f"/fr/register/{token}/check")

    step_heading(page, "Vérifier et envoyer")
    for text in ["DE136695976", "Entrepôt de Hambourg", "max@musterfirma.de", "extrait-registre.pdf"]:
        expect(page.get_by_text(text, exact=False).first).to_be_visible()
    smtp_server.messages.clear()
    visitor.swap_or_navigate(lambda: page.get_by_role("button", name="Envoyer l'enregistrement").click(),
                             f"/fr/register/{token}/submitted")
    step_heading(page, "Enregistrement envoyé")
    expect(page.locator(".reference")).to_have_text(re.compile(r"REG-\d{4}-\d{6}"))
    assert [e.rcpt_tos for e in smtp_server.messages] == [["max@musterfirma.de"]]


@pytest.mark.parametrize("lang,button,message", [
    ("nl", "Identificatie van het bedrijf", "de controlecijfers kloppen niet"),
    ("en", "Company identification", "its check digits are wrong"),
])
def test_a_wrong_vat_number_is_explained_in_the_users_language(visitor, lang, button, message, no_registrations):
    page = visitor.page
    visitor.goto(f"/{lang}/register")
    with page.expect_navigation():
        page.locator("main form button").click()
    page.locator("#field-country").select_option("FR")
    page.locator("#field-bce_registered-no").check()
    page.locator("#field-vat_number").fill("40303265046")
    visitor.swap_or_navigate(lambda: page.get_by_role("button", name=button).click())
    expect(page.get_by_role("alert")).to_contain_text(message)
    expect(page.locator("#field-vat_number")).to_have_value("40303265046")
    expect(page).to_have_title(re.compile(r"^(Fout|Error):"))
