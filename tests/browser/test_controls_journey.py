"""“Mes contrôles” in the browser: the dashboard says the law's form is not sent, the company sends
it, answers a dossier the agency opened with a document and a corrective action. JavaScript on and
off, every page audited; in French, then English and Dutch."""
import datetime

import pytest
from playwright.sync_api import expect

from portal.data.db import database
from portal.inspections import dossiers as inspections
from portal.models import (
    Account,
    InspectionDossier,
    Person,
    StaffMember,
)
from portal.people.passwords import hash_password
from tests.builders import a_pdf, company_keeper

pytestmark = pytest.mark.browser
NISS = "60010100667"
PASSWORD = "four words are stronger"
SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
NAME = "Kontrolle Medical GmbH"

WORDS = {
    "fr": {"pending": "pas encore", "fill": "Remplir le formulaire", "employees": "Nombre de travailleurs",
           "devices": "Dispositifs mis sur le marché belge l'année dernière",
           "iso": "Certifié selon la norme EN ISO 13485", "details": "Certificat du système de gestion de la qualité", "send": "Envoyer le formulaire à l'AFMPS",
           "sent": "Le formulaire est envoyé", "file": "Fichier", "send_document": "Envoyer le document",
           "document_sent": "Le document est envoyé", "action": "Action", "owner": "Responsable",
           "due": "Échéance", "add_action": "Ajouter l'action", "action_saved": "plan d'actions",
           "open_action": "Ajouter une action correctrice"},
    "en": {"pending": "not sent yet", "fill": "Fill in the form", "employees": "Number of employees",
           "devices": "Devices placed on the Belgian market last year", "iso": "Certified to EN ISO 13485",
           "details": "Certificate of the quality system", "send": "Send the form to the agency",
           "sent": "The form is sent", "file": "File", "send_document": "Send the document",
           "document_sent": "The document is sent", "action": "Action", "owner": "Responsible",
           "due": "Due date", "add_action": "Add the action", "action_saved": "corrective action plan",
           "open_action": "Add a corrective action"},
}


@pytest.fixture
def inspected(live_server):
    """A company with "Autocontrôle", and a dossier the agency opened for it."""
    with live_server.app.app_context():
        company, me = company_keeper(
            NAME, NISS, PASSWORD, SECRET, ("autocontrole",),
            company=dict(country="DE", street="Prüfweg", house_number="1", postcode="10115", city="Berlin",
                         language="fr"),
            person=dict(last_name="Kontrolle", first_name="Karla", sex="F", birth_date=datetime.date(1960, 1, 1),
                        birth_country="DE", email="karla@kontrolle.de", language="fr"))
        staff = StaffMember.get_or_none(StaffMember.email == "inspector@afmps.be") or \
            StaffMember.create(email="inspector@afmps.be", name="Ines Inspectrice", roles="inspector")
        dossier = inspections.open_dossier(company, staff, {"subject": "Inspection de routine", "planned_on": "",
                                                            "inspector": ""})
        database.close()
    return dossier


def click(visitor, role, name, within=None):
    with visitor.page.expect_navigation():
        (within or visitor.page).get_by_role(role, name=name, exact=True).click()
    visitor.check_page()


def journey(visitor, live_server, dossier, lang, tmp_path):
    words = WORDS[lang]
    page = visitor.page
    with live_server.app.app_context():
        Account.update(totp_last_counter=None).where(Account.person.in_(
            Person.select().where(Person.niss == NISS))).execute()
        database.close()
    visitor.log_in(NISS, PASSWORD, SECRET, lang=lang)
    tile = page.locator("#tile-controls-summary")
    if visitor.javascript:
        expect(tile).to_contain_text(words["pending"])
        visitor.audit()
        click(visitor, "link", words["fill"], within=tile)
    else:
        visitor.goto(f"/{lang}/portal/controls/form")
    form = page.locator("#questionnaire-form")
    form.get_by_label(words["employees"]).fill("42")
    form.get_by_label(words["devices"]).fill("12000")
    form.get_by_label(words["iso"]).check()
    form.get_by_label(words["details"]).fill("QS-4411, TÜV SÜD")
    click(visitor, "button", words["send"], within=form)
    expect(page.get_by_role("status")).to_contain_text(words["sent"])

    visitor.goto(f"/{lang}/portal/controls/{dossier.id}")
    proof = tmp_path / "procedures.pdf"
    proof.write_bytes(a_pdf())
    documents = page.locator("#document-form")
    documents.get_by_label(words["file"]).set_input_files(str(proof))
    click(visitor, "button", words["send_document"], within=documents)
    expect(page.get_by_role("status")).to_contain_text(words["document_sent"])
    if visitor.javascript:  # "Add a corrective action" brings the form in place
        page.get_by_role("link", name=words["open_action"]).click()
    else:
        click(visitor, "link", words["open_action"])
    actions = page.locator("#action-form")
    actions.get_by_label(words["action"], exact=True).fill("Former le personnel")
    actions.get_by_label(words["owner"]).fill("Karla Kontrolle")
    actions.get_by_label(words["due"]).fill("30/04/2027")
    click(visitor, "button", words["add_action"], within=actions)
    expect(page.get_by_role("status")).to_contain_text(words["action_saved"])
    expect(page.get_by_role("region", name=page.locator("#s-timeline").inner_text())).to_contain_text("procedures.pdf")
    with live_server.app.app_context():
        assert InspectionDossier.get_by_id(dossier.id).waiting_for == "agency"
        database.close()


def test_the_company_answers_the_agency_in_french(visitor, inspected, live_server, tmp_path):
    journey(visitor, live_server, inspected, "fr", tmp_path)


def test_the_company_answers_the_agency_in_english(visitor, inspected, live_server, tmp_path):
    journey(visitor, live_server, inspected, "en", tmp_path)


def test_the_law_form_is_offered_in_dutch(visitor, inspected, live_server):
    with live_server.app.app_context():
        Account.update(totp_last_counter=None).where(Account.person.in_(
            Person.select().where(Person.niss == NISS))).execute()
        database.close()
    visitor.log_in(NISS, PASSWORD, SECRET, lang="nl")
    visitor.goto("/nl/portal/controls")
    expect(visitor.page.get_by_role("heading", level=1)).to_have_text("Mijn controles")
    visitor.goto("/nl/portal/controls/form")
    expect(visitor.page.get_by_role("heading", level=1)).to_contain_text("formulier")


def test_an_inspector_opens_a_dossier_sends_the_report_and_closes_it(visitor, inspected, live_server, tmp_path):
    staff_password = "a long staff password 42"
    with live_server.app.app_context():
        staff = StaffMember.get(StaffMember.email == "inspector@afmps.be")
        Account.delete().where(Account.staff == staff).execute()
        Account.create(staff=staff, password_hash=hash_password(staff_password), must_change_password=False,
                       totp_secret=SECRET)
        database.close()
    page = visitor.page
    visitor.log_in_staff("inspector@afmps.be", staff_password, SECRET, lang="fr")
    click(visitor, "link", "Inspections")
    expect(page.get_by_role("table")).to_contain_text(NAME)
    expect(page.get_by_role("region", name="Comment l'indicateur de risque est calculé")).to_be_visible()

    visitor.goto("/fr/staff/companies?q=kontrolle")
    click(visitor, "link", NAME)
    form = page.locator("#dossier-form")
    form.get_by_label("Objet").fill("Suivi des actions correctrices")
    click(visitor, "button", "Ouvrir le dossier", within=form)
    expect(page.get_by_role("heading", level=1)).to_contain_text("Suivi des actions correctrices")
    report = tmp_path / "rapport.pdf"
    report.write_bytes(a_pdf())
    documents = page.locator("#document-form")
    documents.get_by_label("Fichier").set_input_files(str(report))
    click(visitor, "button", "Envoyer le document", within=documents)
    expect(page.get_by_role("status")).to_contain_text("l'entreprise en est informée")
    click(visitor, "button", "Clôturer le dossier")
    expect(page.get_by_role("status")).to_contain_text("clôturé")
