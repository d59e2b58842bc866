"""Agency staff review a registration request, with and without JavaScript."""
import pytest
from playwright.sync_api import expect

from portal.data.db import database
from portal.models import Account, Company, OutboxMessage, Registration, StaffMember
from portal.people.passwords import hash_password
from tests.builders import STAFF_PASSWORD as PASSWORD
from tests.builders import STAFF_SECRET as SECRET
from tests.builders import staff_log_in_browser as log_in
from tests.wizard_driver import WizardDriver

pytestmark = pytest.mark.browser


@pytest.fixture
def request_to_review(live_server):
    """A staff member and one request sent through the wizard, on the live server's database."""
    app = live_server.app
    with app.app_context():
        Company.delete().where(Company.vat_number == "DE136695976").execute()
        Registration.delete().execute()
        OutboxMessage.delete().execute()
        if not StaffMember.select().where(StaffMember.email == "agent@afmps.be").exists():
            staff = StaffMember.create(email="agent@afmps.be", name="Agent Peeters", roles="reviewer inspector finance account_support administrator")
            Account.create(staff=staff, password_hash=hash_password(PASSWORD), must_change_password=False,
                           totp_secret=SECRET)
        Account.update(totp_last_counter=None, locked_until=None).where(Account.staff.is_null(False)).execute()
        wizard = WizardDriver(app.test_client(), lang="fr")
        wizard.complete()
        assert wizard.submit().status_code == 303
        registration = Registration.get(Registration.token == wizard.draft)
        database.close()
    return registration


def test_staff_validate_a_request(visitor, request_to_review):
    page = visitor.page
    log_in(visitor)
    expect(page.get_by_role("heading", level=1)).to_have_text("Demandes d'enregistrement")
    link = page.get_by_role("link", name=request_to_review.reference)
    visitor.tab_to(link)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    visitor.check_page()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Musterfirma Medizintechnik GmbH")
    expect(page.get_by_text("Confirmé le")).to_be_visible()
    # Refusing needs a reason: the error is next to the field and in the summary.
    with page.expect_navigation():
        page.get_by_role("button", name="Refuser l'enregistrement").click()
    visitor.check_page()
    expect(page.get_by_role("alert")).to_contain_text("Indiquez le motif du refus")
    with page.expect_navigation():
        page.get_by_role("button", name="Valider l'enregistrement").click()
    visitor.check_page()
    expect(page.get_by_role("status")).to_contain_text("Validée")
    expect(page.locator(".trail")).to_contain_text("Agent Peeters")
    # Log out from the header.
    with page.expect_navigation():
        page.get_by_role("button", name="Se déconnecter").click()
    visitor.goto("/fr/staff/registrations")
    assert "/fr/staff/login" in visitor.path()


@pytest.mark.parametrize("lang,button,nothing,filter_button", [
    ("en", "Log in", "No request matches.", "Filter"),
    ("nl", "Aanmelden", "Geen enkele aanvraag komt overeen.", "Filteren"),
])
def test_staff_filter_the_queue(visitor, request_to_review, lang, button, nothing, filter_button):
    page = visitor.page
    log_in(visitor, lang, button)
    expect(page.get_by_role("link", name=request_to_review.reference)).to_be_visible()
    if visitor.javascript:
        visitor.mark_document()
        page.get_by_label("Status").select_option("refused")
        expect(page.get_by_text(nothing)).to_be_visible()
        visitor.assert_same_document()
        expect(page).to_have_url(visitor.base_url + f"/{lang}/staff/registrations?status=refused&country=&kind=")
    else:
        page.get_by_label("Status").select_option("refused")
        with page.expect_navigation():
            page.get_by_role("button", name=filter_button).click()
        expect(page.get_by_text(nothing)).to_be_visible()
    visitor.check_page()
