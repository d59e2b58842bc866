"""Inspectors confirm corrective actions, in the browser: the company marks two actions done, the dossier's
inspector confirms one and reopens the other with a reason, and the company reads the reason. Two
browsers side by side (the company's, the inspector's); JavaScript on and off, every page audited, in
French."""
import datetime
import re

import pytest
from playwright.sync_api import expect

from portal.data.db import database
from portal.inspections import actions as corrective_actions
from portal.inspections import dossiers as inspections
from portal.models import (
    Account,
    StaffMember,
)
from portal.people.passwords import hash_password
from tests.browser.visitor import Visitor
from tests.builders import company_keeper

pytestmark = pytest.mark.browser
NISS = "60010100964"
PASSWORD = "four words are stronger"
STAFF_EMAIL, STAFF_PASSWORD = "confirming.inspector@afmps.be", "a long staff password 42"
SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
NAME = "Korrektur Medical GmbH"
TRAINING, PROCEDURE = "Former le personnel du dépôt", "Réviser la procédure de rappel"
REASON = "La liste de présence n'est pas signée : envoyez-la signée."


@pytest.fixture
def dossier(live_server):
    """A company with "Autocontrôle", a dossier its inspector (the inspector's role alone) opened, and two
    corrective actions the company planned."""
    with live_server.app.app_context():
        company, me = company_keeper(
            NAME, NISS, PASSWORD, SECRET, ("autocontrole",),
            company=dict(country="DE", street="Prüfweg", house_number="2", postcode="10115", city="Berlin",
                         language="fr"),
            person=dict(last_name="Korrektur", first_name="Konrad", sex="M", birth_date=datetime.date(1960, 1, 1),
                        birth_country="DE", email="konrad@korrektur.de", language="fr"))
        staff = StaffMember.get_or_none(StaffMember.email == STAFF_EMAIL) or \
            StaffMember.create(email=STAFF_EMAIL, name="Inès Inspectrice", roles="inspector")
        Account.delete().where(Account.staff == staff).execute()
        Account.create(staff=staff, password_hash=hash_password(STAFF_PASSWORD), must_change_password=False,
                       totp_secret=SECRET)
        found = inspections.open_dossier(company, staff, {"subject": "Suivi du plan d'actions", "planned_on": "",
                                                          "inspector": ""})
        for action in (TRAINING, PROCEDURE):
            corrective_actions.save_action(found, me, {"action": action, "owner": "Konrad Korrektur",
                                                       "due_on": "30/04/2027", "status": "planned"})
        database.close()
    return found


def click(visitor, role, name, within):
    with visitor.page.expect_navigation():
        within.get_by_role(role, name=name).click()
    visitor.check_page()


def test_the_inspector_confirms_one_action_and_reopens_the_other(visitor, dossier, live_server, new_context):
    company = visitor
    company.log_in(NISS, PASSWORD, SECRET, lang="fr")
    company.goto(f"/fr/portal/controls/{dossier.id}")
    for action in (TRAINING, PROCEDURE):
        row = company.page.locator("li.row-card", has_text=action)
        update = row.get_by_role("link", name=re.compile("^Mettre à jour"))
        if company.javascript:  # the form comes in place, and the row comes back once saved
            update.click()
            form = company.page.locator("form.row-form")
            form.get_by_label("État d'avancement").select_option(label="Terminée")
            form.get_by_role("button", name="Enregistrer").click()
            expect(company.page.locator("form.row-form")).to_have_count(0)
            company.audit()
        else:  # a page with that one form, then the dossier again
            click(company, "link", re.compile("^Mettre à jour"), within=row)
            form = company.page.locator("form.row-form")
            form.get_by_label("État d'avancement").select_option(label="Terminée")
            click(company, "button", "Enregistrer", within=form)
            expect(company.page.get_by_role("status")).to_contain_text("Le plan d'actions correctrices est enregistré")
        expect(company.page.locator("li.row-card", has_text=action)).to_contain_text("à confirmer par l'inspecteur")

    context = new_context(java_script_enabled=visitor.javascript, locale="fr-BE")
    inspector = Visitor(context.new_page(), live_server.url, javascript=visitor.javascript, auditor=visitor.auditor)
    inspector.log_in_staff(STAFF_EMAIL, STAFF_PASSWORD, SECRET, lang="fr")
    inspector.goto("/fr/staff/inspections")
    listed = inspector.page.get_by_role("row", name=re.compile(NAME))
    expect(listed).to_contain_text("2")
    click(inspector, "link", dossier.reference, within=listed)
    page = inspector.page
    expect(page.get_by_role("region", name="Plan d'actions correctrices")).to_contain_text(
        "2 actions attendent votre confirmation")

    training = page.locator("li.row-card", has_text=TRAINING)
    click(inspector, "button", re.compile("^Confirmer"), within=training)
    expect(page.get_by_role("status")).to_contain_text("L'action correctrice est confirmée.")
    expect(page.locator("li.row-card", has_text=TRAINING)).to_contain_text("confirmée par l'inspecteur")

    procedure = page.locator("li.row-card", has_text=PROCEDURE)
    procedure.locator("summary").click()
    click(inspector, "button", "Rouvrir l'action", within=procedure)  # without a reason: refused
    expect(page.locator("#error-summary")).to_contain_text("Indiquez pourquoi l'action est rouverte")
    procedure = page.locator("li.row-card", has_text=PROCEDURE)
    procedure.get_by_label("Motif de la réouverture (envoyé à l'entreprise)").fill(REASON)
    click(inspector, "button", "Rouvrir l'action", within=procedure)
    expect(page.get_by_role("status")).to_contain_text("L'action correctrice est rouverte")
    timeline = page.get_by_role("region", name="Chronologie")
    for words in ("Action correctrice indiquée comme terminée par l'entreprise",
                  "Action correctrice confirmée par l'inspecteur", "Action correctrice rouverte par l'inspecteur"):
        expect(timeline).to_contain_text(words)

    company.goto(f"/fr/portal/controls/{dossier.id}")
    reopened = company.page.locator("li.row-card", has_text=PROCEDURE)
    expect(reopened).to_contain_text("rouverte par l'inspecteur")
    expect(reopened).to_contain_text(f"Motif de l'inspecteur : {REASON}")
    expect(reopened).to_contain_text("En cours")
    confirmed = company.page.locator("li.row-card", has_text=TRAINING)
    expect(confirmed).to_contain_text("confirmée par l'inspecteur")
    expect(confirmed.get_by_role("link", name=re.compile("^Mettre à jour"))).to_have_count(0)  # held as done
    context.close()
