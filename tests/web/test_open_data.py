"""The register as open data: its CSV and JSON downloads, their conditional GET, the "Open data" page and each
listed firm's own page."""
import csv
import io
import json
import re

import pytest

from portal.activities import register
from tests.builders import make_firm

LISTED = {"000101": "Medisense Europe AG", "000102": "Orthoflex GmbH", "000103": "=Cardio Medical Devices S.A.",
          "000104": "Médilab Sàrl"}


@pytest.fixture
def firms(db):
    make_firm("Medisense Europe AG", "AT", "000101", ["authorised_representative", "importer"], city="Wien")
    make_firm("Orthoflex GmbH", "DE", "000102", ["manufacturer"])
    make_firm("=Cardio Medical Devices S.A.", "FR", "000103", ["distributor"], city="Lyon")
    make_firm("Médilab Sàrl", "LU", "000104", ["manufacturer", "distributor"], city="Luxembourg",
              inactive=["exporter"])
    make_firm("Unlisted Without Number Ltd", "GB", None, ["manufacturer"])
    make_firm("Dormant Medical BV", "NL", "000105", [], inactive=["distributor"])


@pytest.fixture
def small_batches(monkeypatch):
    """Batches of 2 firms, so that a register of four is read in three queries, as 100,000 are in 100."""
    monkeypatch.setattr(register, "BATCH", 2)


def read_csv(response):
    raw = response.get_data()
    assert raw.startswith("\ufeff".encode())
    text = raw.decode("utf-8-sig")
    dialect = ";" if response.request.args.get("lang", "fr") in ("fr", "nl") else ","
    return list(csv.DictReader(io.StringIO(text), delimiter=dialect))


@pytest.mark.parametrize("lang,separator,country", [("fr", ";", "Autriche"), ("nl", ";", "Oostenrijk"),
                                                    ("en", ",", "Austria")])
def test_the_csv_has_every_listed_firm_exactly_once(client, firms, small_batches, lang, separator, country):
    response = client.get(f"/open-data/register.csv?lang={lang}")
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert f"famhp-register-{lang}.csv" in response.headers["Content-Disposition"]
    text = response.get_data().decode("utf-8-sig")
    assert text.splitlines()[0].count(separator) == 9
    rows = read_csv(response)
    assert [row["agency_number"] for row in rows] == sorted(LISTED)  # each once, none unlisted
    by_number = {row["agency_number"]: row for row in rows}
    assert by_number["000101"]["country"] == country and by_number["000101"]["city"] == "Wien"
    assert by_number["000103"]["name"] == "'=Cardio Medical Devices S.A."  # never run as a formula
    assert by_number["000104"]["activity_codes"] == "manufacturer|distributor"  # the active ones only
    assert by_number["000104"]["activities_fr"] == "Fabricant|Distributeur"
    assert by_number["000104"]["activities_nl"] == "Fabrikant|Distributeur"
    assert by_number["000104"]["activities_en"] == "Manufacturer|Distributor"
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", rows[0]["data_date"])
    assert response.headers["Access-Control-Allow-Origin"] == "*"


def test_the_json_has_every_listed_firm_exactly_once_with_its_date_and_licence(client, firms, small_batches):
    response = client.get("/open-data/register.json")
    assert response.status_code == 200
    document = json.loads(response.get_data())
    assert [firm["agency_number"] for firm in document["firms"]] == sorted(LISTED)
    assert {firm["name"] for firm in document["firms"]} == set(LISTED.values())
    assert document["licence"] == {"name": "CC0-1.0", "url": "https://creativecommons.org/publicdomain/zero/1.0/"}
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", document["data_date"])
    medilab = document["firms"][3]
    assert medilab["country"] == {"code": "LU", "names": {"fr": "Luxembourg", "nl": "Luxemburg",
                                                          "en": "Luxembourg"}}
    assert medilab["activities"][0] == {"code": "manufacturer", "labels": {
        "fr": "Fabricant", "nl": "Fabrikant", "en": "Manufacturer"}}
    assert [activity["code"] for activity in medilab["activities"]] == ["manufacturer", "distributor"]


def test_an_empty_register_is_still_a_valid_file(client, db):
    document = json.loads(client.get("/open-data/register.json").get_data())
    assert document["firms"] == []
    assert read_csv(client.get("/open-data/register.csv?lang=en")) == []


def test_the_licence_is_the_agencys_setting(app, client, firms):
    app.config.update(OPEN_DATA_LICENCE="Licence ouverte BE", OPEN_DATA_LICENCE_URL="https://example.be/licence")
    document = json.loads(client.get("/open-data/register.json").get_data())
    assert document["licence"] == {"name": "Licence ouverte BE", "url": "https://example.be/licence"}
    page = client.get("/fr/open-data").get_data(as_text=True)
    assert '<a href="https://example.be/licence">Licence ouverte BE</a>' in page


@pytest.mark.parametrize("path", ["/open-data/register.json", "/open-data/register.csv?lang=nl"])
def test_a_client_with_this_version_gets_304_until_a_firm_changes(app, client, firms, path):
    first = client.get(path)
    tag, modified = first.headers["ETag"], first.headers["Last-Modified"]
    again = client.get(path, headers={"If-None-Match": tag})
    assert again.status_code == 304 and again.get_data() == b""
    assert client.get(path, headers={"If-Modified-Since": modified}).status_code == 304
    app.config["LIST_FRESHNESS_SECONDS"] = 0
    make_firm("Newcomer Medical SA", "BE", "000106", ["importer"], city="Namur")
    changed = client.get(path, headers={"If-None-Match": tag})
    assert changed.status_code == 200 and changed.headers["ETag"] != tag
    assert "Newcomer Medical SA" in changed.get_data().decode("utf-8-sig")


def test_the_csv_in_another_language_is_not_found(client, firms):
    assert client.get("/open-data/register.csv?lang=de").status_code == 404
    assert client.get("/open-data/register.csv?lang=fr\u00e9").status_code == 404


def test_the_open_data_page_links_the_files_the_api_and_says_the_date_in_each_language(client, firms):
    for lang, title, count in [("fr", "Le registre en données ouvertes", "4"),
                               ("nl", "Het register als open data", "4"),
                               ("en", "The register as open data", "4")]:
        page = client.get(f"/{lang}/open-data").get_data(as_text=True)
        assert f"<h1>{title}</h1>" in page
        for link in ("/open-data/register.csv?lang=fr", "/open-data/register.csv?lang=nl",
                     "/open-data/register.csv?lang=en", "/open-data/register.json", "/api/v1/firms",
                     "/api/v1/openapi.json"):
            assert f'href="{link}"' in page
        assert f"<dd>{count}</dd>" in page
    assert 'href="/fr/open-data"' in client.get("/fr/firms").get_data(as_text=True)


def test_each_listed_firm_has_its_page_linked_from_the_list(client, firms):
    listing = client.get("/nl/firms").get_data(as_text=True)
    assert '<a href="/nl/firms/000104">Médilab Sàrl</a>' in listing
    page = client.get("/nl/firms/000104")
    assert page.status_code == 200
    body = page.get_data(as_text=True)
    assert "<h1>Médilab Sàrl</h1>" in body
    assert "<dd>000104</dd>" in body and "<dd>Luxemburg</dd>" in body
    assert "<li>Fabrikant</li>" in body and "<li>Distributeur</li>" in body
    assert "Exporteur" not in body  # ended: the register does not say it
    english = client.get("/en/firms/000101").get_data(as_text=True)
    assert "<li>Authorised representative</li>" in english and "<dd>Austria</dd>" in english


def test_a_number_without_its_zeros_leads_to_the_firms_one_address(client, firms):
    response = client.get("/fr/firms/104")
    assert response.status_code == 301 and response.headers["Location"].endswith("/fr/firms/000104")


@pytest.mark.parametrize("number", ["000105", "999999", "abc", "0" * 40, "1" * 30, "%00", "%C3%A9", "-1"])
def test_an_unlisted_or_unknown_firm_has_no_page(client, firms, number):
    assert client.get(f"/fr/firms/{number}").status_code in (400, 404)


@pytest.mark.parametrize("path", ["/open-data/register.json", "/open-data/register.csv?lang=en"])
def test_head_says_what_a_download_is_without_sending_it(client, firms, path):
    response = client.head(path)
    assert response.status_code == 200 and response.get_data() == b""
    assert response.headers["ETag"] == client.get(path).headers["ETag"]


def test_a_download_says_nothing_the_list_does_not(client, db):
    firm = make_firm("Secretive Medical GmbH", "DE", "000201", ["manufacturer"], city="Köln")
    firm.street, firm.vat_number, firm.bce_number = "Geheimweg 7", "DE123456789", None
    firm.save()
    for path in ("/open-data/register.json", "/open-data/register.csv?lang=fr", "/api/v1/firms", "/fr/firms/000201",
                 "/api/v1/firms/000201"):
        text = client.get(path).get_data().decode("utf-8-sig")
        assert "Secretive Medical GmbH" in text
        assert "Geheimweg" not in text and "DE123456789" not in text


def test_each_address_may_download_the_whole_register_30_times_an_hour(client, firms, clock):
    path = "/open-data/register.json"
    tag = client.get(path).headers["ETag"]
    assert [client.get(path).status_code for _ in range(29)] == [200] * 29
    assert client.get(path, headers={"If-None-Match": tag}).status_code == 304  # costs nothing: not counted
    refused = client.get("/open-data/register.csv?lang=fr")
    assert refused.status_code == 429 and "Trop de demandes" in refused.get_data(as_text=True)
    assert client.get("/open-data/register.json", environ_base={"REMOTE_ADDR": "192.0.2.8"}).status_code == 200
    clock.advance(3601)
    assert client.get(path).status_code == 200
