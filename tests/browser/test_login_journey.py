"""A legal representative's first login, then a usual one, with and without JavaScript."""
import datetime
import re

import pyotp
import pytest
from playwright.sync_api import expect

from portal.data.db import database
from portal.models import Account, Company, LegalRepresentative, LoginSession, Person, RecoveryCode, StaffMember
from portal.people.passwords import hash_password

pytestmark = pytest.mark.browser
NISS = "70123100141"
TEMPORARY = "Kx7p-Qm3r-T9wz-Hb4n"


@pytest.fixture
def new_account(live_server):
    with live_server.app.app_context():
        for model in (LoginSession, RecoveryCode, Account, LegalRepresentative):
            model.delete().execute()
        Person.delete().where(Person.niss == NISS).execute()
        person = Person.create(niss=NISS, last_name="Dubois", first_name="Claire", sex="F",
                               birth_date=datetime.date(1970, 12, 31), birth_country="FR",
                               email="claire@exemple.fr", language="fr")
        company = Company.get_or_none(Company.name == "Dubois Médical SAS")
        if company is None:
            company = Company(country="FR", street="Rue de la Paix", house_number="2", postcode="75002", city="Paris")
            company.set_name("Dubois Médical SAS")
            company.save()
        LegalRepresentative.create(company=company, person=person)
        Account.create(person=person, password_hash=hash_password(TEMPORARY), must_change_password=True)
        database.close()


def fill_new_password(visitor, password):
    """Both fields; with JavaScript, the strength shown as typed is awaited first (the form is
    sent after the preview, as a person would, not in the middle of it)."""
    page = visitor.page
    page.get_by_label("Nouveau mot de passe", exact=True).fill(password)
    if visitor.javascript:
        expect(page.locator("#password-strength")).to_contain_text("Solidité du mot de passe")
    page.get_by_label("Nouveau mot de passe, à nouveau").fill(password)


def log_in_with_password(visitor, password):
    page = visitor.page
    visitor.goto("/fr/login/afmps")
    page.get_by_label("Nom d'utilisateur").fill(NISS)
    page.get_by_label("Mot de passe").fill(password)
    submit(visitor, "Se connecter")


def submit(visitor, button):
    with visitor.page.expect_navigation():
        visitor.page.get_by_role("button", name=button, exact=True).click()
    visitor.check_page()


def test_first_login_then_a_usual_one(visitor, new_account):
    page = visitor.page
    visitor.goto("/fr/")
    page.locator("#european").get_by_role("link", name="Se connecter").click()
    visitor.check_page()
    expect(page.get_by_role("heading", level=1)).to_have_text("Se connecter au portail de l'AFMPS")
    choice = page.get_by_role("link", name="Continuer par AFMPS")
    visitor.tab_to(choice)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    visitor.check_page()
    page.get_by_label("Nom d'utilisateur").fill("70.12.31-001.41")
    page.get_by_label("Mot de passe").fill(TEMPORARY)
    submit(visitor, "Se connecter")

    expect(page.get_by_role("heading", level=1)).to_have_text("Choisissez votre mot de passe")
    fill_new_password(visitor, "password1234")
    submit(visitor, "Enregistrer le mot de passe")
    expect(page.get_by_role("alert")).to_contain_text("trop courant")
    fill_new_password(visitor, "quatre mots plus forts")
    submit(visitor, "Enregistrer le mot de passe")

    expect(page.get_by_role("heading", level=1)).to_have_text("Liez votre application d'authentification")
    expect(page.get_by_role("img", name="Code QR à scanner avec votre application d'authentification")).to_be_visible()
    secret = page.locator("code.secret").inner_text().replace(" ", "")
    page.get_by_label("Code à usage unique").fill(pyotp.TOTP(secret).now())
    submit(visitor, "Lier l'application")

    expect(page.get_by_role("heading", level=1)).to_have_text("Vos codes de récupération")
    expect(page.locator(".recovery-codes li")).to_have_count(10)
    page.get_by_label("J'ai enregistré ces codes").check()
    submit(visitor, "Continuer")
    expect(page.get_by_role("heading", level=1)).to_have_text("Bienvenue, Claire Dubois")
    expect(page.get_by_text("Dubois Médical SAS")).to_be_visible()
    submit(visitor, "Se déconnecter")

    # The usual login: password, then the code.
    log_in_with_password(visitor, "quatre mots plus forts")
    expect(page.get_by_role("heading", level=1)).to_have_text("Code à usage unique")
    code_field = page.get_by_label("Code à usage unique")
    expect(code_field).to_have_attribute("autocomplete", "one-time-code")
    code_field.fill(pyotp.TOTP(secret).at(datetime.datetime.now().timestamp() + 30))
    submit(visitor, "Se connecter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Bienvenue, Claire Dubois")


@pytest.mark.parametrize("lang,message", [("nl", "De gebruikersnaam of het wachtwoord is onjuist."),
                                          ("en", "The user name or the password is wrong.")])
def test_a_wrong_password_is_told_in_the_users_language(visitor, new_account, lang, message):
    visitor.goto(f"/{lang}/login/afmps")
    visitor.page.locator("#field-username").fill(NISS)
    visitor.page.locator("#field-password").fill("not the password at all")
    with visitor.page.expect_navigation():
        visitor.page.locator("main form button[type=submit]").click()
    visitor.check_page()
    expect(visitor.page.get_by_role("alert")).to_contain_text(message)
    expect(visitor.page).to_have_title(re.compile(r"^(Fout|Error):"))


def test_belgian_logs_in_through_the_csam_simulator_and_opens_my_account(visitor, new_account):
    page = visitor.page
    visitor.goto("/fr/")
    page.locator("#belgian").get_by_role("link", name="Se connecter").click()
    visitor.check_page()
    with page.expect_navigation():
        page.get_by_role("button", name="Continuer par CSAM").click()
    visitor.check_page()
    expect(page.get_by_text("Simulateur pour le développement et les tests.")).to_be_visible()
    page.get_by_label("Numéro national (NISS) lu sur la carte eID").fill(NISS)
    submit(visitor, "Se connecter en tant que cette personne")
    expect(page.get_by_role("heading", level=1)).to_have_text("Bienvenue, Claire Dubois")
    with page.expect_navigation():
        page.get_by_role("link", name="Mon compte").click()
    visitor.check_page()
    expect(page.get_by_text("cette session")).to_be_visible()
    page.get_by_role("combobox", name="Langue").select_option("nl")
    submit(visitor, "Enregistrer la langue")
    expect(page.get_by_role("status")).to_have_text("Enregistré.")


@pytest.mark.parametrize("lang,button,sent", [
    ("fr", "Envoyez-moi un lien", "nous lui avons envoyé un lien"),
    ("en", "Send me a link", "we sent it a link"),
])
def test_forgot_password_page(visitor, new_account, lang, button, sent):
    visitor.goto(f"/{lang}/login/afmps")
    with visitor.page.expect_navigation():
        visitor.page.locator("main a[href$='/login/forgot']").click()
    visitor.check_page()
    visitor.page.locator("#field-email").fill("claire@exemple.fr")
    submit(visitor, button)
    expect(visitor.page.get_by_role("status")).to_contain_text(sent)


def test_lost_phone_without_recovery_codes_then_the_agency_allows_a_new_device(visitor, new_account, live_server,
                                                                              smtp_server):
    """FAQ 8, the ASVS way: the mailbox alone changes the password, not the phone."""
    from tests.builders import STAFF_PASSWORD, STAFF_SECRET
    from tests.builders import staff_log_in_browser as staff_log_in

    with live_server.app.app_context():
        Account.update(must_change_password=False, totp_secret=pyotp.random_base32()).where(
            Account.person.is_null(False)).execute()
        StaffMember.delete().where(StaffMember.email.in_(["agent@afmps.be", "second@afmps.be"])).execute()
        for email, name in (("agent@afmps.be", "Agent Peeters"), ("second@afmps.be", "Second Janssens")):
            staff = StaffMember.create(email=email, name=name, roles="account_support")
            Account.create(staff=staff, password_hash=hash_password(STAFF_PASSWORD), must_change_password=False,
                           totp_secret=STAFF_SECRET)
        database.close()
    page = visitor.page
    smtp_server.messages.clear()
    visitor.goto("/fr/login/forgot")
    page.locator("#field-email").fill("claire@exemple.fr")
    submit(visitor, "Envoyez-moi un lien")
    text = smtp_server.received("claire@exemple.fr")[-1].get_body(("plain",)).get_content()
    visitor.goto(re.search(r"http://\S+(/fr/login/reset/[\w-]+)", text).group(1))
    fill_new_password(visitor, "orange bouilloire sous la lune")
    page.get_by_label("J'ai perdu mon téléphone : je tape un code de récupération").check()
    submit(visitor, "Enregistrer le mot de passe")
    expect(page.get_by_role("heading", level=1)).to_have_text("Votre mot de passe est modifié : encore une étape")

    staff_log_in(visitor)
    with page.expect_navigation():
        page.get_by_role("link", name="Personnes et comptes").click()
    visitor.check_page()
    page.locator("#field-q").fill(NISS)
    submit(visitor, "Rechercher")
    with page.expect_navigation():
        page.get_by_role("link", name="Claire Dubois").click()
    visitor.check_page()
    page.get_by_label("Comment vous avez vérifié l'identité de la personne").fill("Carte d'identité vue en appel vidéo")
    submit(visitor, "Demander l'autorisation d'un nouvel appareil")  # four eyes: a second member approves
    expect(page.get_by_role("status")).to_contain_text("Votre demande est enregistrée")
    expect(page.get_by_text("En attente d'une seconde approbation")).to_be_visible()
    expect(page.get_by_role("button", name="Approuver")).to_have_count(0)  # not one's own
    submit(visitor, "Se déconnecter")

    staff_log_in(visitor, email="second@afmps.be")  # the second member finds it in the menu
    with page.expect_navigation():
        page.get_by_role("link", name="À approuver").click()
    visitor.check_page()
    with page.expect_navigation():
        page.get_by_role("link", name="Claire Dubois").click()
    visitor.check_page()
    expect(page.get_by_text("Carte d'identité vue en appel vidéo")).to_be_visible()
    expect(page.get_by_text("demandée par Agent Peeters")).to_be_visible()
    submit(visitor, "Approuver")
    expect(page.get_by_role("status")).to_contain_text("C'est fait")
    enrolment_code = page.locator("code.enrolment-code").inner_text()  # read out to the person by phone
    submit(visitor, "Se déconnecter")

    log_in_with_password(visitor, "orange bouilloire sous la lune")
    expect(page.get_by_role("heading", level=1)).to_have_text("Liez votre application d'authentification")
    secret = page.locator("code.secret").inner_text().replace(" ", "")
    page.get_by_label("Code à usage unique").fill(pyotp.TOTP(secret).now())
    page.get_by_label("Code donné par l'agence").fill(enrolment_code)
    submit(visitor, "Lier l'application")
    expect(page.get_by_role("heading", level=1)).to_have_text("Vos codes de récupération")

