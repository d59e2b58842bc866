"""Access management in the browser: a legal representative becomes main access
manager, activates the quality and gives a colleague the applications they need;
with JavaScript on and off, every page audited by axe; in French, then in Dutch."""
import datetime

import pytest
from playwright.sync_api import expect

from portal.data.db import database
from portal.models import (
    AccessEvent,
    Account,
    Company,
    LegalRepresentative,
    LoginSession,
    Person,
    QualityMember,
    RecoveryCode,
)
from portal.people.passwords import hash_password

pytestmark = pytest.mark.browser
NISS, COLLEAGUE = "60010100172", "60010100271"
PASSWORD = "quatre mots plus forts"
SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"


@pytest.fixture
def representative(live_server):
    """A legal representative of a company without any access set up, and a colleague known by NISS."""
    with live_server.app.app_context():
        Company.delete().where(Company.name == "Accès Médical SAS").execute()
        for niss in (NISS, COLLEAGUE):
            person = Person.get_or_none(Person.niss == niss)
            if person is not None:
                for model in (LoginSession, QualityMember, AccessEvent):
                    model.delete().where(getattr(model, "person" if model is not AccessEvent else "actor") == person).execute()
                RecoveryCode.delete().where(RecoveryCode.account.in_(Account.select().where(Account.person == person))).execute()
                Account.delete().where(Account.person == person).execute()
                LegalRepresentative.delete().where(LegalRepresentative.person == person).execute()
                person.delete_instance()
        company = Company(country="FR", street="Rue de la Santé", house_number="3", postcode="75014", city="Paris")
        company.set_name("Accès Médical SAS")
        company.save()
        me = Person.create(niss=NISS, last_name="Principale", first_name="Gabrielle", sex="F",
                           birth_date=datetime.date(1960, 1, 1), birth_country="FR", email="gabrielle@acces.fr",
                           language="fr")
        LegalRepresentative.create(company=company, person=me)
        Account.create(person=me, password_hash=hash_password(PASSWORD), must_change_password=False, totp_secret=SECRET)
        colleague = Person.create(niss=COLLEAGUE, last_name="Utilisatrice", first_name="Ines", sex="F",
                                  birth_date=datetime.date(1960, 1, 1), birth_country="FR", email="ines@acces.fr",
                                  language="fr")
        LegalRepresentative.create(company=company, person=colleague)  # one of the company's people
        database.close()


def click(visitor, role, name, **kwargs):
    with visitor.page.expect_navigation():
        visitor.page.get_by_role(role, name=name, **kwargs).click()
    visitor.check_page()


def test_the_main_access_manager_activates_the_quality_and_adds_a_user(visitor, representative, live_server):
    page = visitor.page
    with live_server.app.app_context():  # a new TOTP step for each run: no replay refusal
        Account.update(totp_last_counter=None).where(Account.person.in_(
            Person.select().where(Person.niss == NISS))).execute()
        database.close()
    visitor.log_in(NISS, PASSWORD, SECRET)
    expect(page.get_by_role("status")).to_contain_text("n'a pas encore activé la qualité")
    click(visitor, "link", "Gestion des accès")
    expect(page.get_by_role("heading", level=1)).to_have_text("Gestion des accès")
    page.get_by_label("Gestionnaire d'Accès Principal", exact=True).select_option(label="Gabrielle Principale")
    click(visitor, "button", "Désigner")
    expect(page.get_by_role("status")).to_contain_text("Gestionnaire d'Accès Principal est désigné")

    click(visitor, "link", "Activer la qualité")
    page.get_by_label("Adresse e-mail de la qualité").fill("qualite@acces.fr")
    page.get_by_label("Je désire assurer moi-même la gestion de la qualité").check()
    click(visitor, "button", "Suivant")
    expect(page.get_by_text("qualite@acces.fr")).to_be_visible()
    click(visitor, "button", "Confirmer")
    expect(page.get_by_role("heading", level=1)).to_have_text("Utilisateurs")
    expect(page.locator("#users-title")).to_have_text("Un utilisateur trouvé.")

    page.get_by_label("NISS", exact=True).last.fill(COLLEAGUE)
    click(visitor, "button", "Ajouter un utilisateur", exact=True)
    expect(page.get_by_role("heading", level=1)).to_have_text("Création d'un Utilisateur")
    page.get_by_label("Titre").select_option("mrs")
    page.get_by_label("Contributions", exact=True).check()
    click(visitor, "button", "Enregistrer")
    expect(page.get_by_text("Contributions").first).to_be_visible()
    click(visitor, "button", "Confirmer")
    expect(page.locator("#users-title")).to_have_text("2 utilisateurs trouvés.")

    # Finding one user: the list changes in place with JavaScript, or on a new page without.
    page.get_by_label("Nom", exact=True).fill("Utili")
    visitor.swap_or_navigate(lambda: page.get_by_role("button", name="Rechercher").click())
    expect(page.locator("#users-title")).to_have_text("Un utilisateur trouvé.")
    click(visitor, "link", "Historique")
    expect(page.get_by_text("Qualité activée")).to_be_visible()


@pytest.mark.parametrize("lang,title,quality", [
    ("nl", "Toegangsbeheer", "Instelling verbonden aan de gezondheidszorg"),
    ("en", "Access management", "Institution related to the health sector"),
])
def test_access_management_in_dutch_and_english(visitor, representative, live_server, lang, title, quality):
    with live_server.app.app_context():
        Account.update(totp_last_counter=None).where(Account.person.in_(
            Person.select().where(Person.niss == NISS))).execute()
        database.close()
    visitor.log_in(NISS, PASSWORD, SECRET, lang=lang)
    click(visitor, "link", title)
    expect(visitor.page.get_by_role("heading", level=1)).to_have_text(title)
    expect(visitor.page.get_by_text(quality).first).to_be_visible()
