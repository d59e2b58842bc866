"""The portal's home (Figure 31): the header, the tiles as links, each tile's
summary as a fragment, and what the page and a tile may cost."""
import datetime
import gzip

import pytest

from portal.models import Activity, Company, EstablishmentUnit, MemberApplication, Quality, QualityMember
from tests.harness import QueryCount

HTMX = {"HX-Request": "true"}


def body(response):
    return response.get_data(as_text=True).replace("&#39;", "'").replace("&#34;", '"')


@pytest.fixture
def operator(auth):
    """A legal representative and GAP of a company with the quality and every tile's application."""
    jan = auth.company_user()
    company = jan.company
    Company.update(main_access_manager=jan, vat_number="DE123456788", agency_number="MD-000042",
                   street="Hauptstraße", house_number="5", postcode="10115", city="Berlin",
                   bce_number="0123456749").where(Company.id == company.id).execute()
    quality = Quality.create(company=company, kind="health_institution", contact_email="q@musterfirma.de")
    member = QualityMember.create(quality=quality, person=jan, role="ga", email=jan.email)
    MemberApplication.insert_many([{"member": member.id, "application": code}
                                   for code in ("medseip", "saa", "sanac", "sara", "contributions", "autocontrole")]).execute()
    return jan


@pytest.mark.parametrize("lang,number", [("fr", "(BCE : 0123.456.749)"), ("nl", "(KBO: 0123.456.749)"),
                                         ("en", "(BCE: 0123.456.749)")])
def test_the_header_names_the_person_the_company_and_its_bce_number(operator, client, lang, number):
    """As Figure 31 shows it: "Steve Ukaba (BCE: 1000416131)"."""
    page = body(client.get(f"/{lang}/portal"))
    assert f"Jan Peeters – Musterfirma GmbH {number}</span>" in page


@pytest.mark.parametrize("lang,number", [("fr", "(TVA : DE123456788)"), ("nl", "(Btw: DE123456788)"),
                                         ("en", "(VAT: DE123456788)")])
def test_the_header_gives_a_firm_without_bce_number_its_vat_number(operator, client, lang, number):
    Company.update(bce_number=None).where(Company.id == operator.company.id).execute()
    page = body(client.get(f"/{lang}/portal"))
    assert f"Jan Peeters – Musterfirma GmbH {number}</span>" in page


def test_each_tile_is_a_plain_link_that_loads_its_summary_with_javascript(operator, client):
    page = body(client.get("/fr/portal"))
    for title in ("Mon entreprise", "Mes activités", "Mes fabricants et représentants autorisés",
                  "Mes contrôles", "Mes contributions"):
        assert title in page
    assert 'href="/fr/portal/company"' in page and "Gérer mes données d'entreprise" in page
    assert 'href="/fr/portal/activities"' in page and "Gérer mes activités" in page
    assert 'hx-get="/fr/portal/tiles/company" hx-trigger="load"' in page
    assert 'hx-get="/fr/portal/tiles/activities" hx-trigger="load"' in page
    assert "Berlin" not in page  # the summary comes with the fragment, not with the page


def test_the_company_tile_shows_what_figure_31_shows(operator, client):
    fragment = body(client.get("/fr/portal/tiles/company", headers=HTMX))
    assert "<html" not in fragment
    for shown in ("Musterfirma GmbH", "Hauptstraße 5", "10115 Berlin", "Allemagne", "Numéro de TVA",
                  "DE123456788", "Numéro AFMPS", "MD-000042", "Gérer mes données d'entreprise"):
        assert shown in fragment, shown


def test_the_activities_tile_counts_the_active_activities_and_links_the_faq(operator, client):
    assert "Aucune activité notifiée pour l'instant" in body(client.get("/fr/portal/tiles/activities", headers=HTMX))
    Activity.create(company=operator.company, kind="manufacturer", classes="I", started_on=datetime.date(2024, 1, 1))
    assert "1 activity notified" in body(client.get("/en/portal/tiles/activities", headers=HTMX))
    for kind in ("distributor",):
        Activity.create(company=operator.company, kind=kind, classes="I", started_on=datetime.date(2024, 1, 1))
    Activity.create(company=operator.company, kind="importer", classes="I", active=False,
                    started_on=datetime.date(2024, 1, 1))
    fragment = body(client.get("/fr/portal/tiles/activities", headers=HTMX))
    assert "2 activités notifiées" in fragment and "FAQ activités" in fragment and "Gérer mes activités" in fragment


def test_the_inspections_tile_says_no_dossier_is_available(operator, client):
    assert "Aucun dossier n'est disponible" in body(client.get("/fr/portal/tiles/controls", headers=HTMX))


def test_a_summary_asked_for_outside_htmx_leads_to_the_tiles_page(operator, client):
    response = client.get("/fr/portal/tiles/activities")
    assert response.status_code == 303 and response.headers["Location"] == "/fr/portal/activities"
    assert client.get("/fr/portal/tiles/nothing", headers=HTMX).status_code == 404
    assert client.get("/fr/portal/tiles/partners").status_code == 303  # a link without htmx


def test_a_tile_without_its_application_shows_who_grants_it_and_loads_nothing(operator, client):
    MemberApplication.delete().where(MemberApplication.application == "sanac").execute()
    page = body(client.get("/en/portal"))
    assert "Authentic source of activities and classes" in page
    assert 'hx-get="/en/portal/tiles/activities"' not in page
    assert client.get("/en/portal/tiles/activities", headers=HTMX).status_code == 403


def test_a_summary_needs_a_login(client, db):
    response = client.get("/en/portal/tiles/company", headers=HTMX)
    assert response.status_code == 303 and "/login" in response.headers["Location"]


def test_the_page_and_each_summary_stay_within_their_budget_whatever_the_companys_size(operator, client):
    """Issue 12: the home at most 4 queries, each tile at most 4 and 5 KB gzipped, constant in size."""
    client.get("/en/portal")  # the session's idle clock: written at most once a minute, not measured here

    def costs():
        with QueryCount() as home:
            client.get("/en/portal")
        tiles = {}
        for code in ("company", "activities", "controls", "contributions", "partners"):
            with QueryCount() as queries:
                response = client.get(f"/en/portal/tiles/{code}", headers=HTMX)
            assert response.status_code == 200
            tiles[code] = (len(queries), len(gzip.compress(response.get_data())))
        return len(home), tiles

    costs()  # on PostgreSQL each connection prepares the hot statements once (PREPARE): not the steady cost
    small = costs()
    company = operator.company
    units = [EstablishmentUnit.create(company=company, name=f"Unit {n}", street="Street", house_number=str(n),
                                      postcode="1000", city="Brussels") for n in range(20)]
    for n in range(60):
        Activity.create(company=company, kind="distributor", classes="I|IIa", unit=units[n % 20],
                        started_on=datetime.date(2024, 1, 1))
    large = costs()
    assert small[0] <= 4 and large[0] == small[0], (small, large)
    for code, (queries, size) in large[1].items():
        assert queries <= 4 and queries == small[1][code][0], (code, small, large)
        assert size <= 5 * 1024, (code, size)


@pytest.mark.parametrize("path", ["/en/portal/company", "/en/portal/activities", "/en/portal/controls",
                                  "/en/portal/controls/form", "/en/portal/contributions", "/en/portal/partners",
                                  "/en/portal/partners/devices.csv", "/en/portal/company/proof.pdf"])
def test_a_blocked_user_reaches_no_tile(operator, client, path):
    """Blocked by the access manager: every tile's page sends back to the home, which says why."""
    QualityMember.update(status="blocked").execute()
    response = client.get(path)
    assert response.status_code == 303 and response.headers["Location"] == "/en/portal"
    assert client.get("/en/portal/tiles/company", headers=HTMX).status_code == 403
    assert "blocked your access" in body(client.get("/en/portal"))
