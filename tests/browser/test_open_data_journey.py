"""The register as open data, by browser: a firm's own page opened from the list, in three languages, and the
"Open data" page with its downloads."""
import json
import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("lang,search,activity,country,back", [
    ("fr", "Rechercher", "Distributeur", "Suède", "Retour à la liste des firmes enregistrées"),
    ("nl", "Zoeken", "Distributeur", "Zweden", "Terug naar de lijst van geregistreerde firma's"),
    ("en", "Search", "Distributor", "Sweden", "Back to the list of registered firms"),
])
def test_a_firms_page_opened_from_the_list(visitor, lang, search, activity, country, back):
    visitor.goto(f"/{lang}/firms?name=zeta+vision")
    page = visitor.page
    link = page.get_by_role("link", name="Zeta Vision AB")
    visitor.tab_to(link)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    expect(page).to_have_url(visitor.base_url + f"/{lang}/firms/900002")
    visitor.check_page()
    expect(page.get_by_role("heading", level=1)).to_have_text("Zeta Vision AB")
    expect(page.get_by_text("900002", exact=True)).to_be_visible()
    expect(page.get_by_text(country, exact=True)).to_be_visible()
    expect(page.get_by_role("listitem").filter(has_text=activity)).to_be_visible()
    page.get_by_role("link", name=back).click()
    expect(page).to_have_url(visitor.base_url + f"/{lang}/firms")


def test_the_open_data_page_from_the_list_and_its_downloads(visitor):
    visitor.goto("/fr/firms")
    page = visitor.page
    with page.expect_navigation():
        page.get_by_role("link", name="Tout le registre en données ouvertes").click()
    expect(page).to_have_url(visitor.base_url + "/fr/open-data")
    visitor.check_page()
    expect(page.get_by_role("heading", level=1)).to_have_text("Le registre en données ouvertes")
    expect(page.get_by_role("link", name="CC0-1.0")).to_be_visible()
    with page.expect_download() as download:
        page.get_by_role("link", name=re.compile("Fichier CSV, noms des pays en français")).click()
    with open(download.value.path(), encoding="utf-8-sig") as file:
        text = file.read()
    assert text.startswith("agency_number;name;country_code;country;city;")
    assert "900002;Zeta Vision AB;SE;Suède;Stockholm;distributor;Distributeur;Distributeur;Distributor;" in text
    document = json.loads(page.request.get(visitor.base_url + "/open-data/register.json").text())
    assert {"900001", "900002"} <= {firm["agency_number"] for firm in document["firms"]}
