"""The portal on a phone and at 400 % zoom (WCAG 1.4.10, reflow: 320 CSS pixels wide, which
axe does not check): the header wraps, so every link of it stays on the screen and can be
used, for a visitor and for a company user with long names; the dashboard's tiles show their
notices whole."""
import datetime
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from portal import clock
from portal.data.db import database
from portal.models import (
    Account,
    Activity,
    Company,
    ContributionYear,
    LegalRepresentative,
    LoginSession,
    MemberApplication,
    Person,
    Quality,
    QualityMember,
)
from portal.people.passwords import hash_password
from tests.browser.visitor import Visitor

pytestmark = pytest.mark.browser
NISS = "55050512344"
PASSWORD = "four words are stronger"
SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
FIRST_NAME, LAST_NAME = "Maximiliane-Josephine", "Vandenberghe-Oppenheimer"
COMPANY = "Internationale Medizinprodukte Vertriebsgesellschaft Nordrhein-Westfalen GmbH"

# A phone held upright, and a 1280 x 1024 window zoomed to 400 %: both lay the page out in 320 CSS pixels.
WINDOWS = {
    "phone": {"viewport": {"width": 320, "height": 640}},
    "zoom-400": {"viewport": {"width": 320, "height": 256}, "device_scale_factor": 4},
}

HEADER_CONTROLS = """() => {
  const width = document.documentElement.clientWidth;
  const controls = [...document.querySelectorAll("header a, header button")].map(element => {
    const box = element.getBoundingClientRect();
    return {text: element.textContent.replace(/\\s+/g, " ").trim(), left: box.left, right: box.right};
  });
  return {width, scrollWidth: document.documentElement.scrollWidth, controls};
}"""


@pytest.fixture(params=list(WINDOWS), ids=list(WINDOWS))
def small_visitor(request, new_context, live_server):
    context = new_context(locale="fr-BE", **WINDOWS[request.param])
    return Visitor(context.new_page(), live_server.url, javascript=True)


@pytest.fixture
def long_names(live_server):
    """A legal representative of a firm without BCE number, both with long names, who may use
    every tile; a contribution year is open."""
    with live_server.app.app_context():
        Company.delete().where(Company.name == COMPANY).execute()
        for person in Person.select().where(Person.niss == NISS):
            LoginSession.delete().where(LoginSession.person == person).execute()
            person.delete_instance(recursive=True)
        company = Company(country="DE", street="Rheinuferstraße", house_number="120", postcode="40221",
                          city="Düsseldorf", language="de", vat_number="DE811569869")
        company.set_name(COMPANY)
        company.save()
        Activity.create(company=company, kind="distributor", classes="I", started_on=datetime.date(2024, 1, 15))
        me = Person.create(niss=NISS, last_name=LAST_NAME, first_name=FIRST_NAME, sex="F",
                           birth_date=datetime.date(1955, 5, 5), birth_country="DE", email="max@medizin.de",
                           language="fr")
        LegalRepresentative.create(company=company, person=me)
        Account.create(person=me, password_hash=hash_password(PASSWORD), must_change_password=False,
                       totp_secret=SECRET)
        quality = Quality.create(company=company, kind="health_institution", contact_email="q@medizin.de")
        member = QualityMember.create(quality=quality, person=me, role="ga", email=me.email)
        MemberApplication.insert_many([{"member": member.id, "application": code} for code in
                                       ("medseip", "saa", "sanac", "sara", "autocontrole", "contributions")]).execute()
        ContributionYear.get_or_create(year=clock.today().year, defaults={
            "entity_cost": Decimal("415.74"), "turnover_rate": Decimal("0.3073"),
            "turnover_threshold": Decimal("50290.17"), "deadline": clock.today() + datetime.timedelta(days=30)})
        database.close()


def assert_header_fits(visitor):
    measured = visitor.page.evaluate(HEADER_CONTROLS)
    width = measured["width"]
    assert width == 320
    off_screen = [control for control in measured["controls"]
                  if control["left"] < 0 or control["right"] > width]
    assert not off_screen, f"{visitor.path()}: header links off the {width}px screen: {off_screen}"
    assert measured["scrollWidth"] <= width, f"{visitor.path()} is {measured['scrollWidth']}px wide"
    return [control["text"] for control in measured["controls"]]


@pytest.mark.parametrize("path", ["/fr/", "/nl/firms?name=medi", "/en/help"])
def test_a_visitor_reaches_every_header_link_on_a_small_screen(small_visitor, path):
    small_visitor.goto(path)
    texts = assert_header_fits(small_visitor)
    assert {"NL Nederlands", "FR Français", "EN English"} <= set(texts)


def test_a_company_user_with_long_names_can_change_language_on_a_small_screen(small_visitor, long_names):
    visitor, page = small_visitor, small_visitor.page
    visitor.log_in(NISS, PASSWORD, SECRET)
    expect(page.get_by_role("heading", level=1)).to_contain_text(LAST_NAME)
    texts = assert_header_fits(visitor)
    assert {"NL Nederlands", "FR Français", "EN English", "Aide", "Se déconnecter"} <= set(texts)

    # the names read across the header, not down a narrow column beside the links
    who = page.locator("header .who")
    expect(who).to_contain_text(COMPANY)
    assert who.bounding_box()["width"] >= 0.9 * (320 - 32)

    with page.expect_navigation():
        page.get_by_role("banner").get_by_role("link", name="NL Nederlands").click()
    visitor.check_page()
    expect(page).to_have_url(visitor.base_url + "/nl/portal")
    assert "Afmelden" in assert_header_fits(visitor)


def test_the_contributions_notice_shows_its_first_line_whole(small_visitor, long_names):
    """The deadline sits in a notice bar; as words inside a line it broke into pieces whose
    padding covered the line above ("Déclaration 2026 à envoyer" cut in half)."""
    visitor, page = small_visitor, small_visitor.page
    visitor.log_in(NISS, PASSWORD, SECRET)
    notice = page.locator("#tile-contributions").locator("..").locator(".notice")
    expect(notice).to_contain_text("Déclaration")
    pieces = notice.evaluate("""element => [...element.getClientRects()].map(box => [box.top, box.bottom])""")
    overlapping = [(upper, lower) for upper, lower in zip(pieces, pieces[1:]) if lower[0] < upper[1]]
    assert not overlapping, f"the notice's pieces paint over each other: {pieces}"
