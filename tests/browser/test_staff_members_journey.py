"""The administrator's journey (issue 30), with JavaScript on and off: add a staff member with their roles,
who receives a temporary password; change their roles; block them; the trail says who did what. Then
the new member's own "Mon compte"."""
import re

import pyotp
from playwright.sync_api import expect

from portal.data.db import database
from portal.models import Account, StaffMember
from portal.people.passwords import hash_password

PASSWORD = "a long staff password 42"
SECRET = pyotp.random_base32()


def click(visitor, role, name, within=None):
    with visitor.page.expect_navigation():
        (within or visitor.page).get_by_role(role, name=name, exact=True).click()
    visitor.check_page()


def test_an_administrator_adds_a_staff_member_changes_their_roles_and_blocks_them(visitor, live_server, smtp_server):
    with live_server.app.app_context():
        StaffMember.delete().where(StaffMember.email.in_(["ada@afmps.be", "rita@afmps.be"])).execute()
        ada = StaffMember.create(email="ada@afmps.be", name="Ada Admin", roles="administrator")
        Account.create(staff=ada, password_hash=hash_password(PASSWORD), must_change_password=False,
                       totp_secret=SECRET)
        database.close()
    page = visitor.page
    visitor.log_in_staff("ada@afmps.be", PASSWORD, SECRET, lang="fr")
    expect(page.get_by_role("heading", level=1)).to_have_text("Membres du personnel")  # her only section

    form = page.locator("form").filter(has=page.get_by_role("button", name="Ajouter le membre du personnel"))
    form.get_by_label("Nom", exact=True).fill("Rita Reviewer")
    form.get_by_label("Adresse e-mail").fill("pas une adresse")
    form.get_by_label("Gestionnaire des demandes").check()
    click(visitor, "button", "Ajouter le membre du personnel", within=form)
    expect(page.get_by_role("alert")).to_contain_text("Saisissez une adresse e-mail")  # the error summary
    expect(page.get_by_label("Gestionnaire des demandes")).to_be_checked()  # what was ticked stays
    page.get_by_label("Adresse e-mail").fill("rita@afmps.be")
    click(visitor, "button", "Ajouter le membre du personnel")
    expect(page.get_by_role("status")).to_contain_text("il a reçu son mot de passe temporaire par e-mail")
    text = smtp_server.received("rita@afmps.be")[-1].get_body(("plain",)).get_content()
    assert re.search(r"Mot de passe temporaire : \S+", text) and "Ada Admin" in text

    page.get_by_label("Finances").check()
    click(visitor, "button", "Enregistrer les rôles")
    expect(page.get_by_text("gestionnaire des demandes", exact=False).first).to_be_visible()
    expect(page.locator(".trail")).to_contain_text("Rôles modifiés")

    click(visitor, "button", "Bloquer")
    expect(page.get_by_role("alert")).to_contain_text("Indiquez pourquoi")
    page.get_by_label("Pourquoi vous bloquez le compte").fill("Ordinateur portable volé")
    click(visitor, "button", "Bloquer")
    expect(page.locator(".trail")).to_contain_text("Ordinateur portable volé")
    expect(page.get_by_role("button", name="Débloquer")).to_be_visible()
    click(visitor, "link", "Membres du personnel", within=page.locator("main"))
    expect(page.get_by_role("row").filter(has_text="Rita Reviewer")).to_contain_text("Bloqué")


def test_a_staff_member_opens_my_account_from_the_header(visitor, live_server):
    with live_server.app.app_context():
        StaffMember.delete().where(StaffMember.email == "fien@afmps.be").execute()
        fien = StaffMember.create(email="fien@afmps.be", name="Fien Finance", roles="finance")
        Account.create(staff=fien, password_hash=hash_password(PASSWORD), must_change_password=False,
                       totp_secret=SECRET)
        database.close()
    page = visitor.page
    visitor.log_in_staff("fien@afmps.be", PASSWORD, SECRET, lang="fr")
    click(visitor, "link", "Mon compte")
    expect(page.get_by_text("fien@afmps.be")).to_be_visible()
    expect(page.get_by_text("cette session")).to_be_visible()
    page.get_by_role("combobox", name="Langue").select_option("nl")
    click(visitor, "button", "Enregistrer la langue")
    expect(page.get_by_role("status")).to_have_text("Enregistré.")
    click(visitor, "link", "Retour au back-office")
    expect(page.get_by_role("heading", level=1)).to_have_text("Contributions")
