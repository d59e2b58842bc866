"""“Mes activités” in the browser: the first activity notified gives the agency number and
puts the firm in the public list (FAQ 1); with JavaScript on and off, every page audited."""
import datetime

import pytest
from playwright.sync_api import expect

from portal.data.db import database
from portal.models import (
    Account,
    Company,
    Person,
)
from tests.builders import company_keeper

pytestmark = pytest.mark.browser
NISS = "60010100370"
PASSWORD = "quatre mots plus forts"
SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
NAME = "Distribution Lumière SPRL"


@pytest.fixture
def operator(live_server):
    """A legal representative whose company has its quality and the application for activities."""
    with live_server.app.app_context():
        company, me = company_keeper(
            NAME, NISS, PASSWORD, SECRET, ("sanac",),
            company=dict(country="LU", street="Rue du Fort", house_number="8", postcode="1212", city="Luxembourg"),
            person=dict(last_name="Lumière", first_name="Ines", sex="F", birth_date=datetime.date(1960, 1, 1),
                        birth_country="LU", email="ines@lumiere.lu", language="fr"))
        company.save_name_words()
        Company.update(main_access_manager=me).where(Company.id == company.id).execute()
        database.close()


def open_form(visitor, link_name):
    """"Notify an activity": with JavaScript its form comes in place, without it on a page of its own."""
    link = visitor.page.get_by_role("link", name=link_name)
    if visitor.javascript:
        link.click()
        expect(visitor.page.locator("#activity-form")).to_be_visible()
        visitor.audit()
    else:
        with visitor.page.expect_navigation():
            link.click()
        visitor.check_page()


def send_refused(visitor, button):
    """A form sent with a mistake: in place with JavaScript (422 swapped), a page of its own without."""
    if visitor.javascript:
        visitor.page.get_by_role("button", name=button).click()
        expect(visitor.page.locator("#activity-form .error-message").first).to_be_visible()
        visitor.audit()
    else:
        with visitor.page.expect_navigation():
            visitor.page.get_by_role("button", name=button).click()
        visitor.check_page()
        expect(visitor.page.get_by_role("alert")).to_be_visible()


def test_the_first_activity_puts_the_firm_in_the_public_list(visitor, operator, live_server):
    page = visitor.page
    visitor.log_in(NISS, PASSWORD, SECRET)
    with page.expect_navigation():
        page.get_by_role("link", name="Gérer mes activités").click()
    visitor.check_page()
    expect(page.get_by_role("heading", level=1)).to_have_text("Mes activités")
    open_form(visitor, "Notifier une activité")
    page.get_by_label("Activité", exact=True).select_option("distributor")
    page.get_by_label("Dispositifs médicaux", exact=True).check()
    # Forgot the classes: the error says so, next to the field, and what was chosen is kept.
    page.get_by_label("Date de début").fill("01/03/2025")
    send_refused(visitor, "Notifier l'activité")
    expect(page.get_by_label("Date de début")).to_have_value("01/03/2025")
    page.get_by_label("classe IIa").check()
    with page.expect_navigation():
        page.get_by_role("button", name="Notifier l'activité").click()
    visitor.check_page()
    expect(page.get_by_role("status")).to_have_text("L'activité est notifiée.")
    with live_server.app.app_context():
        number = Company.get(Company.name == NAME).agency_number
        database.close()
    expect(page.get_by_text(number, exact=False).first).to_be_visible()

    visitor.goto("/fr/firms?name=lumiere")
    expect(page.get_by_role("cell", name=NAME)).to_be_visible()


@pytest.mark.parametrize("lang,labels", [
    ("nl", {"manage": "Mijn activiteiten beheren", "title": "Mijn activiteiten", "kind": "Activiteit",
            "md": "Medische hulpmiddelen", "class": "klasse IIa", "start": "Begindatum",
            "notify": "De activiteit melden", "done": "De activiteit is gemeld.", "open": "Een activiteit melden"}),
    ("en", {"manage": "Manage my activities", "title": "My activities", "kind": "Activity",
            "md": "Medical devices", "class": "class IIa", "start": "Start date",
            "notify": "Notify the activity", "done": "The activity is notified.", "open": "Notify an activity"}),
])
def test_an_activity_is_notified_in_dutch_and_english(visitor, operator, live_server, lang, labels):
    with live_server.app.app_context():
        Account.update(totp_last_counter=None).where(Account.person.in_(
            Person.select().where(Person.niss == NISS))).execute()
        database.close()
    page = visitor.page
    visitor.log_in(NISS, PASSWORD, SECRET, lang=lang)
    with page.expect_navigation():
        page.get_by_role("link", name=labels["manage"]).click()
    visitor.check_page()
    expect(page.get_by_role("heading", level=1)).to_have_text(labels["title"])
    open_form(visitor, labels["open"])
    page.get_by_label(labels["kind"], exact=True).select_option("distributor")
    page.get_by_label(labels["md"], exact=True).check()
    page.get_by_label(labels["class"]).check()
    page.get_by_label(labels["start"]).fill("01/03/2025")
    with page.expect_navigation():
        page.get_by_role("button", name=labels["notify"]).click()
    visitor.check_page()
    expect(page.get_by_role("status")).to_have_text(labels["done"])


KEYS = {
    "fr": {"manage": "Gérer mes activités", "change": "Modifier Distributeur", "end": "Désactiver Distributeur",
           "start": "Date de début", "save": "Enregistrer l'activité", "cancel": "Annuler", "error": "31/01/2024"},
    "nl": {"manage": "Mijn activiteiten beheren", "change": "Wijzigen Distributeur", "end": "Deactiveren Distributeur",
           "start": "Begindatum", "save": "De activiteit bewaren", "cancel": "Annuleren", "error": "31/01/2024"},
    "en": {"manage": "Manage my activities", "change": "Change Distributor", "end": "Deactivate Distributor",
           "start": "Start date", "save": "Save the activity", "cancel": "Cancel", "error": "31/01/2024"},
}


@pytest.mark.parametrize("lang", ["fr", "nl", "en"])
def test_an_activity_is_changed_in_place_by_keyboard(visitor, operator, live_server, lang):
    """Issue 31: read first; "Change" brings the form (in place with JavaScript), a wrong date keeps what was
    typed, saving shows the row again; "Deactivate" opened and left as it was (Escape, or "Cancel")."""
    from portal.models import Activity

    with live_server.app.app_context():
        Account.update(totp_last_counter=None).where(Account.person.in_(
            Person.select().where(Person.niss == NISS))).execute()
        Activity.create(company=Company.get(Company.name == NAME), kind="distributor", classes="IIa",
                        medical_devices=True, started_on=datetime.date(2025, 3, 1))
        database.close()
    words, page, js = KEYS[lang], visitor.page, visitor.javascript
    visitor.log_in(NISS, PASSWORD, SECRET, lang=lang)
    with page.expect_navigation():
        page.get_by_role("link", name=words["manage"]).click()
    visitor.check_page()
    assert page.locator("#activity-form").count() == 0

    visitor.tab_to(page.get_by_role("link", name=words["change"]))
    visitor.press("Enter", navigates=not js)
    if js:
        expect(page.get_by_label("Activité" if lang == "fr" else "Activiteit" if lang == "nl" else "Activity",
                                 exact=True)).to_be_focused()
        visitor.audit()
    start = page.get_by_label(words["start"])
    start.fill("32/13/2025")
    start.focus()
    visitor.press("Enter", navigates=not js)
    expect(page.locator("#activity-form .error-message").first).to_contain_text(words["error"])
    expect(page.get_by_label(words["start"])).to_have_value("32/13/2025")  # kept
    if js:
        visitor.audit()
    page.get_by_label(words["start"]).fill("15/04/2025")
    visitor.tab_to(page.get_by_role("button", name=words["save"]))
    visitor.press("Enter", navigates=not js)
    expect(page.locator("#activity-form")).to_have_count(0)
    expect(page.locator("li.row-card").first).to_contain_text("2025")

    visitor.tab_to(page.get_by_role("link", name=words["end"]))
    visitor.press("Enter", navigates=not js)
    if js:
        expect(page.locator("form.row-form input[name=ended_on]")).to_be_focused()  # swapped in, focus in it
        page.keyboard.press("Escape")
    else:
        visitor.tab_to(page.get_by_role("link", name=words["cancel"]))
        visitor.press("Enter", navigates=True)
    expect(page.locator("form.row-form")).to_have_count(0)
    with live_server.app.app_context():
        assert Activity.get(Activity.kind == "distributor").active
        database.close()
