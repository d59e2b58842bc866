"""The register's read-only JSON API: the same firms as the public list, keyset pages, one firm by its number,
answers that match its OpenAPI 3.1 file, JSON errors for any input, CORS for GET, a limit per client."""
import json
import re
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from tests.builders import make_firm

OPENAPI = json.loads((Path(__file__).parents[2] / "portal" / "public" / "openapi.json").read_text())
REGISTRY = Registry().with_resource("urn:openapi", Resource.from_contents(OPENAPI, default_specification=DRAFT202012))


def schema_of(path, status):
    """The schema the OpenAPI file gives the answer to GET `path` with `status`."""
    templates = {re.sub(r"\{[^}]+\}", "[^/]+", template): template for template in OPENAPI["paths"]}
    template = next(templates[pattern] for pattern in templates if re.fullmatch(pattern, path))
    response = OPENAPI["paths"][template]["get"]["responses"][str(status)]
    if "$ref" in response:
        response = OPENAPI["components"]["responses"][response["$ref"].rsplit("/", 1)[1]]
    return response["content"]["application/json"]["schema"]


def documented(response, path):
    """The answer's JSON, after checking it against the OpenAPI file (status, type, schema)."""
    assert response.mimetype == "application/json"
    body = response.get_json()
    schema = schema_of(path.split("?")[0], response.status_code)
    if "$ref" in schema:
        schema = {"$ref": "urn:openapi" + schema["$ref"]}
    Draft202012Validator(schema, registry=REGISTRY).validate(body)
    return body


def get(client, path, **headers):
    return documented(client.get(path, headers=headers), path)


@pytest.fixture
def firms(db):
    make_firm("Medisense Europe AG", "AT", "000101", ["authorised_representative", "importer"], city="Wien")
    make_firm("Orthoflex GmbH", "DE", "000102", ["manufacturer"])
    make_firm("Cardio Medical Devices S.A.", "FR", "000103", ["distributor"], city="Lyon")
    make_firm("Médilab Sàrl", "LU", "000104", ["manufacturer", "distributor"], city="Luxembourg")
    make_firm("Medical Two Sàrl", "LU", "000107", ["distributor"], city="Esch")
    make_firm("Unlisted Without Number Ltd", "GB", None, ["manufacturer"])
    make_firm("Dormant Medical BV", "NL", "000105", [], inactive=["distributor"])


def page_names(client, query):
    body = client.get(f"/en/firms?{query}").get_data(as_text=True)
    return re.findall(r"<tr>\s*<td><a href=\"[^\"]+\">([^<]+)<", body)


def every_page(client, query, limit):
    """The names of every firm the API gives for `query`, following `next`; and how many pages it took."""
    names, pages, path = [], 0, f"/api/v1/firms?{query}&limit={limit}"
    while path:
        body = get(client, path)
        names += [firm["name"] for firm in body["firms"]]
        pages += 1
        assert len(body["firms"]) <= limit
        path = body["next"] and body["next"].removeprefix(client.application.config["BASE_URL"].rstrip("/"))
    return names, pages


@pytest.mark.parametrize("query", ["", "name=medi", "name=m%C3%A9dic+s", "country=LU", "activity=distributor",
                                   "number=102", "activity=manufacturer&country=LU", "name=zzz"])
def test_the_api_lists_the_same_firms_as_the_page_in_the_same_order(client, firms, query):
    expected = page_names(client, query)
    for limit in (1, 2, 50):
        names, pages = every_page(client, query, limit)
        assert names == expected
        assert pages == max(1, -(-len(expected) // limit))  # a full last page says no more follow


def test_keyset_pages_give_each_firm_once_even_when_firms_change_between_pages(app, client, firms):
    app.config["LIST_FRESHNESS_SECONDS"] = 0
    first = get(client, "/api/v1/firms?limit=2")
    assert [firm["name"] for firm in first["firms"]] == ["Cardio Medical Devices S.A.", "Medical Two Sàrl"]
    make_firm("Aaron Medical Ltd", "IE", "000108", ["importer"], city="Cork")  # before the cursor: not seen
    make_firm("Zymed Oy", "FI", "000109", ["importer"], city="Oulu")  # after it: seen
    names, _ = every_page(client, "after=" + first["next"].split("after=")[1].split("&")[0], 2)
    assert names == ["Médilab Sàrl", "Medisense Europe AG", "Orthoflex GmbH", "Zymed Oy"]


def test_a_firm_as_the_api_gives_it(client, firms):
    firm = get(client, "/api/v1/firms/000104")
    assert firm == {
        "agency_number": "000104", "name": "Médilab Sàrl", "city": "Luxembourg",
        "country": {"code": "LU", "names": {"fr": "Luxembourg", "nl": "Luxemburg", "en": "Luxembourg"}},
        "activities": [{"code": "manufacturer", "labels": {"fr": "Fabricant", "nl": "Fabrikant", "en": "Manufacturer"}},
                       {"code": "distributor", "labels": {"fr": "Distributeur", "nl": "Distributeur",
                                                          "en": "Distributor"}}]}
    assert get(client, "/api/v1/firms/104") == firm


@pytest.mark.parametrize("number", ["000105", "999999", "0", "1" * 10])
def test_an_unlisted_or_unknown_number_is_a_json_404(client, firms, number):
    response = client.get(f"/api/v1/firms/{number}", headers={"Accept-Language": "fr"})
    body = documented(response, f"/api/v1/firms/{number}")
    assert response.status_code == 404
    assert body["error"]["message"] == "Aucune firme de la liste n'a ce numéro AFMPS."


@pytest.mark.parametrize("query,message", [
    ("number=12ab", "An agency number has digits only"),
    ("country=XX", "Choose a country from the list."),
    ("activity=baker", "Choose an activity from the list."),
    ("limit=0", "The limit is a whole number from 1 to 200."),
    ("limit=201", "The limit is a whole number from 1 to 200."),
    ("limit=-5", "The limit is a whole number from 1 to 200."),
    ("limit=99999999999999999999999", "The limit is a whole number from 1 to 200."),
    ("after=bm90IGEgY3Vyc29y", "The cursor (after) is not one this API gave"),
    ("after=WyJhIiwgOTk5OTk5OTk5OTk5OTk5OTk5OTk5OTldCg", "The cursor (after) is not one this API gave"),
    ("after=%E2%82%AC", "The cursor (after) is not one this API gave"),
])
def test_a_filter_the_api_cannot_read_is_a_json_400_with_a_message(client, firms, query, message):
    response = client.get(f"/api/v1/firms?{query}", headers={"Accept-Language": "en"})
    body = documented(response, f"/api/v1/firms?{query}")
    assert response.status_code == 400
    assert body["error"]["message"].startswith(message)


@pytest.mark.parametrize("value", ["%00", "a%00b", "9" * 300, "%F0%9F%92%8A" * 50, "%ED%A0%80", "'%20OR%201=1--",
                                   "%C3%A9%C3%A8", "%0A%0D", "%25", "[]", "A" * 5000])
@pytest.mark.parametrize("name", ["name", "number", "country", "activity", "limit", "after"])
def test_garbage_in_any_parameter_never_breaks_the_api(client, firms, name, value):
    response = client.get(f"/api/v1/firms?{name}={value}")
    assert response.status_code in (200, 400)
    body = documented(response, f"/api/v1/firms?{name}={value}")
    assert ("firms" in body) == (response.status_code == 200)


@pytest.mark.parametrize("path", ["/api/v1/firms/%00", "/api/v1/firms/" + "9" * 400, "/api/v1/firms/%F0%9F%92%8A",
                                  "/api/v1/nothing", "/api/v1/firms/1/2"])
def test_garbage_in_the_path_is_a_json_error(client, firms, path):
    response = client.get(path)
    assert response.status_code in (400, 404)
    assert response.get_json()["error"]["status"] == response.status_code


def test_other_methods_are_refused_as_json(client, firms):
    response = client.post("/api/v1/firms")
    assert response.status_code in (400, 405)
    assert response.get_json()["error"]["status"] == response.status_code


def test_scripts_of_any_site_may_read_it_without_credentials(client, firms):
    response = client.get("/api/v1/firms", headers={"Origin": "https://hospital.example"})
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    assert "Access-Control-Allow-Credentials" not in response.headers
    assert "Set-Cookie" not in response.headers
    assert client.get("/api/v1/firms/000101").headers["Access-Control-Allow-Origin"] == "*"


def test_each_client_is_limited_per_minute(app, client, firms, clock):
    app.config["API_RATE_LIMIT"] = 3
    for _ in range(3):
        assert client.get("/api/v1/firms").status_code == 200
    response = client.get("/api/v1/firms/000101")
    assert documented(response, "/api/v1/firms/000101")["error"]["status"] == 429
    other = app.test_client()
    assert other.get("/api/v1/firms", environ_base={"REMOTE_ADDR": "192.0.2.7"}).status_code == 200
    clock.advance(61)
    assert client.get("/api/v1/firms").status_code == 200


def test_the_openapi_file_is_served_and_describes_every_api_route(app, client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200 and response.get_json() == OPENAPI
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    assert OPENAPI["openapi"].startswith("3.1")
    routes = {re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", rule.rule) for rule in app.url_map.iter_rules()
              if rule.rule.startswith("/api/")}
    assert routes == {path.replace("{agency_number}", "{number}") for path in OPENAPI["paths"]}


def test_the_json_download_matches_the_register_schema(client, firms):
    body = json.loads(client.get("/open-data/register.json").get_data())
    Draft202012Validator({"$ref": "urn:openapi#/components/schemas/Register"}, registry=REGISTRY).validate(body)
    assert len(body["firms"]) == 5
    for firm in body["firms"]:  # each firm as the API gives it
        assert firm == client.get(f"/api/v1/firms/{firm['agency_number']}").get_json()


def test_the_limit_is_shared_by_every_app_server_a_few_hits_late_at_most(app, client, firms, database_url,
                                                                         instance_dir):
    from tests.harness import make_app

    app.config["API_RATE_LIMIT"] = 100  # counted in the database every 5 hits, or after a second
    other = make_app(database_url, instance_dir, API_RATE_LIMIT=100).test_client()  # a second server
    assert [client.get("/api/v1/firms/000101").status_code for _ in range(60)] == [200] * 60
    codes = [other.get("/api/v1/firms/000101").status_code for _ in range(60)]
    assert codes[:35] == [200] * 35  # the other server's 60 hits and these 35: within the limit
    assert 429 in codes[40:46]  # refused at most 5 hits late on each server
    assert set(codes[46:]) == {429}


def test_a_client_with_this_answer_gets_304(client, firms):
    first = client.get("/api/v1/firms?country=LU")
    again = client.get("/api/v1/firms?country=LU", headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304 and again.get_data() == b""
    assert client.get("/api/v1/firms?country=AT", headers={"If-None-Match": first.headers["ETag"]}).status_code == 200


def test_a_cursor_holding_a_lone_surrogate_is_a_400_not_a_crash(client, firms):
    import base64

    cursor = base64.urlsafe_b64encode(b'["\\ud800",1]').decode().rstrip("=")
    response = client.get(f"/api/v1/firms?after={cursor}", headers={"Accept-Language": "en"})
    assert response.status_code == 400 and "cursor" in response.get_json()["error"]["message"]


def test_the_links_name_the_portals_own_address_whatever_the_host_header_says(app, client, firms):
    own = app.config["BASE_URL"].rstrip("/")
    answer = client.get("/api/v1/firms?limit=1", headers={"Host": "evil.example"}).get_json()
    assert answer["next"].startswith(own + "/api/v1/firms?") and "evil" not in answer["next"]
    download = client.get("/open-data/register.json", headers={"Host": "evil.example"}).get_data(as_text=True)
    assert '"source":"' + own + '/open-data/register.json"' in download.replace(" ", "") and "evil" not in download


def test_arguments_the_api_does_not_read_make_no_new_answer_to_keep(app, client, firms):
    client.get("/api/v1/firms?name=medi")
    store = app.extensions["api_answers"]
    before = len(store)
    for n in range(50):
        assert client.get(f"/api/v1/firms?name=medi&x={'y' * 3000}{n}").status_code == 200
    assert len(store) == before
