"""The register in numbers, from the public list, in three languages; and the back office's requests in
numbers, from a reviewer's menu: with and without JavaScript, every page audited by axe."""
import datetime

import pytest
from playwright.sync_api import expect

from portal.data.db import database
from portal.models import Account, Registration, StaffMember
from tests.builders import make_staff
from tests.builders import staff_log_in_browser as log_in

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("lang,link,heading,caption,country", [
    ("fr", "Le registre en chiffres", "Le registre en chiffres", "Firmes enregistrées par pays", "Allemagne"),
    ("nl", "Het register in cijfers", "Het register in cijfers", "Geregistreerde firma's per land", "Duitsland"),
    ("en", "The register in numbers", "The register in numbers", "Registered firms by country", "Germany"),
])
def test_the_register_in_numbers_from_the_list(visitor, lang, link, heading, caption, country):
    page = visitor.page
    visitor.goto(f"/{lang}/firms")
    with page.expect_navigation():
        page.locator("main").get_by_role("link", name=link).click()
    visitor.check_page()
    assert visitor.path() == f"/{lang}/numbers"
    expect(page.get_by_role("heading", level=1)).to_have_text(heading)
    for name in ("by-country", "by-activity", "by-month"):
        expect(page.locator(f"svg[aria-labelledby='{name}-image']")).to_be_visible()
    table = page.get_by_role("table", name=caption)
    expect(table).to_be_visible()
    expect(table.get_by_role("rowheader", name=country)).to_be_visible()
    # The chart is one image, named for what it shows, not a heap of shapes.
    expect(page.get_by_role("img", name=caption)).to_have_count(1)


@pytest.fixture
def reviewer(live_server):
    """A reviewer, and a request waiting for them since yesterday, on the live server's database."""
    with live_server.app.app_context():
        Registration.delete().where(Registration.token == "numbers-waiting").execute()
        Registration.create(token="numbers-waiting", status=Registration.SUBMITTED,
                            submitted_at=datetime.datetime.now(datetime.UTC).replace(tzinfo=None) - datetime.timedelta(days=1))
        if not StaffMember.select().where(StaffMember.email == "numbers@afmps.be").exists():
            make_staff(email="numbers@afmps.be", name="Reviewer Claes", roles=["reviewer"])
        Account.update(totp_last_counter=None, locked_until=None).where(Account.staff.is_null(False)).execute()
        database.close()


def test_a_reviewer_opens_the_requests_in_numbers(visitor, reviewer):
    page = visitor.page
    log_in(visitor, email="numbers@afmps.be")
    with page.expect_navigation():
        page.get_by_role("navigation", name="Back-office").get_by_role("link", name="Les demandes en chiffres").click()
    visitor.check_page()
    expect(page.get_by_role("heading", level=1)).to_have_text("Les demandes en chiffres")
    waiting = page.get_by_role("table", name="Demandes en attente d'examen, par ancienneté")
    expect(waiting.get_by_role("row").nth(1)).to_contain_text("Moins d'une semaine")
    page.get_by_label("Type").select_option("change")
    if not visitor.javascript:
        with page.expect_navigation():
            page.get_by_role("button", name="Afficher").click()
        visitor.check_page()
    else:
        page.wait_for_load_state("networkidle")
        visitor.check_page()
    expect(page).to_have_url(visitor.base_url + "/fr/staff/registrations/numbers?kind=change")
    expect(page.get_by_role("heading", name="Délai médian de décision")).to_be_visible()


def test_the_numbers_on_a_phone(narrow_visitor):
    """320 CSS pixels: the charts shrink to the screen, the tables come under them, nothing scrolls sideways."""
    narrow_visitor.goto("/fr/numbers")
    page = narrow_visitor.page
    chart = page.locator("svg[aria-labelledby='by-country-image']").bounding_box()
    table = page.get_by_role("table", name="Firmes enregistrées par pays").bounding_box()
    assert chart["width"] <= 320 and table["y"] > chart["y"] + chart["height"]
