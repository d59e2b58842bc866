"""Every public page, in every language, in the layout and in that language."""
import re

import pytest

PAGES = ["/{lang}/", "/{lang}/help", "/{lang}/faq", "/{lang}/guides",
         "/{lang}/guides/foreign-companies", "/{lang}/firms",
         "/{lang}/register", "/{lang}/login", "/{lang}/staff/login", "/{lang}/access/setup"]

# A phrase of the home page that shows the page really is in that language.
HOME_PHRASES = {
    "fr": ["Présentation du portail générique", "+ Plus de détails", "Infos et documentation",
           "Vous représentez une entreprise belge",
           "Vous représentez une entreprise de l'Espace économique européen ou de l'Union douanière de l'Union européenne",
           "Liste des firmes enregistrées", "Consulter les guides", "Configurer mes accès",
           "Se connecter", "S'enregistrer", "Vous êtes membre de l'AFMPS", "Aide"],
    "nl": ["Voorstelling van het generieke portaal", "+ Meer details", "Info en documentatie",
           "U vertegenwoordigt een Belgisch bedrijf", "Lijst van geregistreerde firma's",
           "Aanmelden", "Registreren", "U bent lid van het FAGG"],
    "en": ["Presentation of the generic portal", "+ More details", "Information and documentation",
           "You represent a Belgian company", "List of registered firms", "Log in", "Register",
           "You are a member of the FAMHP"],
}


def text(response):
    return response.get_data(as_text=True).replace("&#39;", "'").replace("&#34;", '"')


@pytest.mark.parametrize("lang", ["fr", "nl", "en"])
@pytest.mark.parametrize("page", PAGES)
def test_every_public_page_answers_in_its_language(client, page, lang):
    response = client.get(page.format(lang=lang))
    assert response.status_code == 200
    body = text(response)
    assert f'<html lang="{lang}">' in body
    assert body.count("<h1") == 1
    assert 'href="#main"' in body and '<main id="main"' in body
    assert "<nav class=\"lang-switch\"" in body


@pytest.mark.parametrize("lang", ["fr", "nl", "en"])
def test_home_page_shows_the_five_tiles_in_the_guides_wording(client, lang):
    body = text(client.get(f"/{lang}/"))
    for phrase in HOME_PHRASES[lang]:
        assert phrase in body, phrase
    assert len(re.findall(r'class="tile[ "]', body)) == 5


def test_home_page_shows_the_agency_address_and_support_address(client):
    body = text(client.get("/fr/"))
    assert "Place Victor Horta 40/40" in body
    assert "mailto:support.portal@afmps.be" in body


def test_more_details_is_a_plain_link_and_an_htmx_fragment(client):
    home = text(client.get("/fr/"))
    link = re.search(r'<a href="(/fr/\?presentation=full)#presentation"\s+hx-get="([^"]+)"', home)
    assert link and link.group(1) == link.group(2)
    full = text(client.get("/fr/?presentation=full"))
    assert "<html" in full and "Ses objectifs sont" in full
    fragment = text(client.get("/fr/?presentation=full",
                               headers={"HX-Request": "true", "HX-Request-Type": "partial"}))
    assert "<html" not in fragment
    assert fragment.lstrip().startswith('<section class="tile tile-wide" id="presentation"')
    assert "Ses objectifs sont" in fragment and "− Moins de détails" in fragment


def test_a_history_restore_gets_the_whole_page(client):
    response = client.get("/fr/?presentation=full", headers={
        "HX-Request": "true", "HX-History-Restore-Request": "true", "HX-Request-Type": "full"})
    assert "<html" in text(response)
    assert "HX-Request" in response.headers["Vary"]


@pytest.mark.parametrize("lang,phrase", [("fr", "02 511 51 51"), ("nl", "02 511 51 51"), ("en", "+32 2 511 51 51")])
def test_help_gives_the_contacts_of_the_guide(client, lang, phrase):
    body = text(client.get(f"/{lang}/help"))
    assert phrase in body
    assert "centredecontact@eranova.fgov.be" in body
    assert "support.portal@afmps.be" in body


def test_faq_has_all_fourteen_questions_each_with_an_anchor(client):
    body = text(client.get("/fr/faq"))
    anchors = re.findall(r'<section class="faq-entry" id="([a-z0-9-]+)"', body)
    assert len(anchors) == 14 and len(set(anchors)) == 14
    for anchor in anchors:
        assert f'href="#{anchor}"' in body
    assert "Qu'est-ce qu'un numéro NISS ?" in body


def test_guides_list_this_portals_guide_for_foreign_companies(client):
    body = text(client.get("/en/guides"))
    assert 'href="/en/guides/foreign-companies"' in body
    guide = text(client.get("/en/guides/foreign-companies"))
    assert guide.count("<li>\n    <h3>") == 6


@pytest.mark.parametrize("path,phrase", [
    ("/fr/access/setup", "pas encore disponible"),
    ("/nl/access/setup", "nog niet beschikbaar"),
    ("/en/access/setup", "not available yet"),
])
def test_doors_not_built_yet_say_so_in_the_users_language(client, path, phrase):
    response = client.get(path)
    assert response.status_code == 200
    assert phrase in text(response)


def test_home_page_links_lead_to_real_pages(client):
    body = text(client.get("/fr/"))
    for href in set(re.findall(r'href="(/fr/[^"#]*)', body)):
        assert client.get(href).status_code == 200, href


def test_static_files_carry_their_hash_and_are_kept_a_year(client):
    import hashlib

    body = text(client.get("/fr/"))
    address = re.search(r'src="(/assets/([0-9a-f]{12})/vendor/htmx-4.0.1.min.js)"', body)
    assert address, "the vendored htmx, under its content's hash"
    response = client.get(address.group(1))
    assert response.status_code == 200 and b"4.0.1" in response.data
    assert hashlib.sha256(response.data).hexdigest()[:12] == address.group(2)
    assert response.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    response.close()
    stale = client.get("/assets/000000000000/vendor/htmx-4.0.1.min.js")  # a page of the previous release
    assert stale.status_code == 200 and "immutable" not in stale.headers["Cache-Control"]
    stale.close()
    assert client.get("/assets/000000000000/../../wsgi.py").status_code == 404
    assert client.get("/assets/000000000000/nothing.js").status_code == 404
    plain = client.get("/static/vendor/htmx-4.0.1.min.js")  # the plain address still serves the file
    assert plain.status_code == 200
    plain.close()


def test_a_person_sees_only_the_companies_they_represent(auth, client, db):
    """The company guard: another company's id in the address changes nothing."""
    from portal.models import Company

    person = auth.company_user()
    other = Company(country="FR", city="Paris")
    other.set_name("Autre Société SAS")
    other.save()
    client.post("/en/portal/company", data={"csrf_token": auth.token, "company": other.id})
    page = client.get("/en/portal").get_data(as_text=True)
    assert "Autre Société SAS" not in page and person.company.name in page
    with client.session_transaction() as session:
        assert session.get("company") != other.id


def test_staff_and_company_sessions_never_mix(auth, client, db):
    auth.staff()
    assert client.get("/en/portal").status_code == 303  # a staff login is no company login
    assert client.get("/en/staff/registrations").status_code == 200
