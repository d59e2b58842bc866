"""Public journeys: home in three languages, details, the list of firms, help, FAQ, errors."""
import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("lang,title,tiles", [
    ("fr", "Présentation du portail générique", ["Infos et documentation", "Vous êtes membre de l'AFMPS"]),
    ("nl", "Voorstelling van het generieke portaal", ["Info en documentatie", "U bent lid van het FAGG"]),
    ("en", "Presentation of the generic portal", ["Information and documentation", "You are a member of the FAMHP"]),
])
def test_home_page_in_each_language(visitor, lang, title, tiles):
    visitor.goto(f"/{lang}/")
    page = visitor.page
    expect(page.locator("html")).to_have_attribute("lang", lang)
    expect(page.get_by_role("heading", name=title)).to_be_visible()
    for tile in tiles:
        expect(page.get_by_role("heading", name=tile)).to_be_visible()


def test_root_follows_the_browsers_language(visitor):
    visitor.goto("/")
    assert visitor.path() == "/fr/"  # the context speaks fr-BE


def test_language_switch_keeps_the_page(visitor):
    visitor.goto("/fr/faq")
    visitor.page.get_by_role("link", name="NL Nederlands").click()
    expect(visitor.page).to_have_url(visitor.base_url + "/nl/faq")
    visitor.check_page()
    expect(visitor.page.get_by_role("heading", level=1)).to_have_text("Veelgestelde vragen")
    visitor.page.get_by_role("link", name="EN English").click()
    expect(visitor.page).to_have_url(visitor.base_url + "/en/faq")
    visitor.check_page()


def test_more_details_unfolds_the_presentation_in_place(visitor):
    visitor.goto("/fr/")
    page = visitor.page
    more = page.get_by_role("link", name="+ Plus de détails")
    visitor.tab_to(more)
    expected = "/fr/" if visitor.javascript else "/fr/?presentation=full#presentation"
    visitor.swap_or_navigate(lambda: page.keyboard.press("Enter"), expected)
    expect(page.get_by_text("Ses objectifs sont :")).to_be_visible()
    if visitor.javascript:
        # Focus moved into the details, so keyboard users go on from there.
        assert page.evaluate("() => document.activeElement.id") == "presentation-details"
        visitor.swap_or_navigate(lambda: page.get_by_role("link", name="− Moins de détails").click())
        expect(page.get_by_text("Ses objectifs sont :")).to_be_hidden()


def test_search_the_public_list(visitor):
    visitor.goto("/fr/firms")
    page = visitor.page
    name = page.get_by_label("Nom de la firme")
    visitor.tab_to(name)
    heading = page.locator("#firm-results-title")
    if visitor.javascript:
        visitor.mark_document()
        page.keyboard.type("zeta")
        expect(heading).to_have_text("2 firmes enregistrées")
        visitor.assert_same_document()
        # The search is in the address, so it can be shared and survives a reload.
        expect(page).to_have_url(re.compile(r"/fr/firms\?.*name=zeta"))
        page.get_by_label("Pays").select_option("SE")
        expect(heading).to_have_text("1 firme enregistrée")
        expect(page.locator("#firm-status")).to_have_text("1 firme enregistrée")
        visitor.assert_same_document()
    else:
        page.keyboard.type("zeta")
        page.get_by_label("Pays").select_option("SE")
        with page.expect_navigation():
            page.get_by_role("button", name="Rechercher").click()
        expect(heading).to_have_text("1 firme enregistrée")
        expect(page).to_have_url(re.compile(r"/fr/firms\?.*name=zeta.*country=SE"))
    visitor.check_page()
    expect(page.get_by_role("cell", name="Zeta Vision AB")).to_be_visible()
    page.reload()
    expect(heading).to_have_text("1 firme enregistrée")
    expect(page.get_by_label("Nom de la firme")).to_have_value("zeta")


def test_pages_of_the_public_list(visitor):
    visitor.goto("/fr/firms")
    page = visitor.page
    first_row = page.locator("tbody tr").first.locator("td").first
    before = first_row.inner_text()
    next_link = page.get_by_role("link", name="Page suivante")
    visitor.tab_to(next_link)
    visitor.swap_or_navigate(lambda: page.keyboard.press("Enter"), "/fr/firms?page=2")
    expect(page.get_by_text(re.compile(r"page 2 sur \d+"))).to_be_visible()
    assert first_row.inner_text() != before
    if visitor.javascript:
        assert page.evaluate("() => document.activeElement.id") == "firm-results-title"
    page.go_back()
    expect(page).to_have_url(visitor.base_url + "/fr/firms")
    expect(first_row).to_have_text(before)


def test_help_contacts_and_faq_anchors(visitor):
    visitor.goto("/fr/")
    page = visitor.page
    help_link = page.get_by_role("banner").get_by_role("link", name="Aide")
    visitor.tab_to(help_link)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    visitor.check_page()
    expect(page.get_by_text("02 511 51 51")).to_be_visible()
    page.get_by_role("link", name="Questions fréquentes").click()
    visitor.check_page()
    page.get_by_role("link", name="Qu'est-ce qu'un numéro NISS ?", exact=True).click()
    expect(page).to_have_url(visitor.base_url + "/fr/faq#what-is-niss")
    expect(page.locator("#what-is-niss")).to_be_in_viewport()
    # An anchor shared in an e-mail opens on its question.
    visitor.goto("/fr/faq#new-phone")
    expect(page.locator("#new-phone")).to_be_in_viewport()


def test_a_missing_page_says_so_in_the_layout(visitor):
    visitor.goto("/nl/bestaat-niet", status=404)
    expect(visitor.page.get_by_role("heading", level=1)).to_have_text("Pagina niet gevonden")
    visitor.page.get_by_role("link", name="Naar de startpagina").click()
    expect(visitor.page).to_have_url(visitor.base_url + "/nl/")


def test_doors_not_built_yet_answer_clearly(visitor):
    visitor.goto("/fr/")
    visitor.page.locator("#belgian").get_by_role("link", name="Configurer mes accès").click()
    visitor.check_page()
    expect(visitor.page.get_by_text("pas encore disponible")).to_be_visible()


@pytest.mark.parametrize("path", ["/fr/", "/nl/firms?name=medi", "/en/faq", "/fr/help", "/fr/guides",
                                  "/fr/guides/foreign-companies", "/fr/open-data", "/nl/firms/900001", "/fr/nope"])
def test_every_page_fits_a_320_pixel_screen(narrow_visitor, path):
    narrow_visitor.goto(path, status=404 if path.endswith("nope") else 200)
