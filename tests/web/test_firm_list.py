"""The public list of registered firms: what it lists, search, sort, pages, fragments."""
import re

import pytest

from tests.builders import make_firm

HTMX = {"HX-Request": "true", "HX-Request-Type": "partial"}


def names(response):
    return re.findall(r"<tr>\s*<td>(?:<a href=\"[^\"]+\">)?([^<]+)<", response.get_data(as_text=True))


def count_heading(response):
    return re.search(r'id="firm-results-title" tabindex="-1">([^<]+)<', response.get_data(as_text=True)).group(1)


@pytest.fixture
def firms(db):
    make_firm("Medisense Europe AG", "AT", "000101", ["authorised_representative", "importer"], city="Wien")
    make_firm("Orthoflex GmbH", "DE", "000102", ["manufacturer"])
    make_firm("Cardio Medical Devices S.A.", "FR", "000103", ["distributor"], city="Lyon")
    make_firm("Médilab Sàrl", "LU", "000104", ["manufacturer", "distributor"], city="Luxembourg")
    make_firm("Unlisted Without Number Ltd", "GB", None, ["manufacturer"])
    make_firm("Dormant Medical BV", "NL", "000105", [], inactive=["distributor"])


def test_lists_only_firms_with_an_agency_number_and_an_active_activity(client, firms):
    response = client.get("/en/firms")
    assert names(response) == ["Cardio Medical Devices S.A.", "Médilab Sàrl",
                               "Medisense Europe AG", "Orthoflex GmbH"]
    assert count_heading(response) == "4 registered firms"


def test_name_search_matches_the_start_of_any_word_ignoring_case_and_accents(client, firms):
    assert names(client.get("/en/firms?name=MEDI")) == [
        "Cardio Medical Devices S.A.", "Médilab Sàrl", "Medisense Europe AG"]
    assert names(client.get("/en/firms?name=médic+dev")) == ["Cardio Medical Devices S.A."]
    assert names(client.get("/en/firms?name=flex")) == []


def test_search_by_agency_number_with_or_without_leading_zeros(client, firms):
    assert names(client.get("/en/firms?number=000102")) == ["Orthoflex GmbH"]
    assert names(client.get("/en/firms?number=102")) == ["Orthoflex GmbH"]
    assert names(client.get("/en/firms?number=000105")) == []  # not listed


def test_filter_by_country_and_activity(client, firms):
    assert names(client.get("/en/firms?country=de")) == ["Orthoflex GmbH"]
    assert names(client.get("/en/firms?activity=distributor")) == [
        "Cardio Medical Devices S.A.", "Médilab Sàrl"]
    assert names(client.get("/en/firms?activity=manufacturer&country=LU")) == ["Médilab Sàrl"]


def test_sort_by_name_descending(client, firms):
    assert names(client.get("/en/firms?sort=-name")) == [
        "Orthoflex GmbH", "Medisense Europe AG", "Médilab Sàrl", "Cardio Medical Devices S.A."]


def test_activities_are_shown_in_the_users_language(client, firms):
    body = client.get("/fr/firms?number=104").get_data(as_text=True)
    assert "Distributeur, Fabricant" in body
    body = client.get("/nl/firms?number=104").get_data(as_text=True)
    assert "Distributeur, Fabrikant" in body


def test_bad_filters_get_a_clear_message_and_keep_what_was_typed(client, firms):
    response = client.get("/fr/firms?number=12ab&country=XX&activity=baker&name=medi")
    body = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Il y a un problème" in body
    assert "Un numéro AFMPS ne contient que des chiffres" in body
    assert "Choisissez un pays dans la liste." in body
    assert "Choisissez une activité dans la liste." in body
    assert 'value="12ab"' in body and 'value="medi"' in body
    assert "<title>Erreur :" in body


def test_pages_of_results(client, db):
    for i in range(45):
        make_firm(f"Firm {i:02d} Medical", "DE", f"{i + 1:06d}")
    page2 = client.get("/en/firms?page=2")
    assert names(page2)[0] == "Firm 20 Medical" and len(names(page2)) == 20
    body = page2.get_data(as_text=True)
    assert "Showing 21 to 40, page 2 of 3" in body
    assert 'href="/en/firms?page=3" rel="next"' in body
    assert 'href="/en/firms" rel="prev"' in body
    # Beyond the last page: the last page, not an empty one.
    assert names(client.get("/en/firms?page=99")) == [f"Firm {i} Medical" for i in range(40, 45)]
    assert names(client.get("/en/firms?page=abc"))[0] == "Firm 00 Medical"


def test_page_links_keep_the_search(client, db):
    for i in range(25):
        make_firm(f"Medi {i:02d} GmbH", "DE", f"{i + 1:06d}")
    body = client.get("/en/firms?name=medi&country=DE").get_data(as_text=True)
    assert 'href="/en/firms?name=medi&amp;country=DE&amp;page=2"' in body


def test_htmx_search_gets_only_the_results_fragment(client, firms):
    response = client.get("/en/firms?name=ortho", headers=HTMX)
    body = response.get_data(as_text=True)
    assert "<html" not in body
    assert body.lstrip().startswith('<section id="firm-results"')
    assert names(response) == ["Orthoflex GmbH"]
    assert '<hx-partial hx-target="#firm-status"' in body
    assert "HX-Request" in response.headers["Vary"]


def test_the_same_search_without_htmx_gets_the_whole_page(client, firms):
    body = client.get("/en/firms?name=ortho").get_data(as_text=True)
    assert "<html" in body and 'role="search"' in body
    assert 'value="ortho"' in body
    assert "<hx-partial" not in body


def test_broad_searches_count_up_to_a_limit_and_say_so(client, db, monkeypatch):
    from portal.public import firm_list

    monkeypatch.setattr(firm_list, "MAX_COUNTED", 30)
    for i in range(35):
        make_firm(f"Firm {i:02d} Medical", "DE", f"{i + 1:06d}")
    body = client.get("/en/firms?page=9").get_data(as_text=True)
    assert "More than 30 registered firms" in body
    assert "Only the first 30 are shown" in body
    assert "page 2 of 2" in body  # 30 counted, 20 per page; page 9 is clamped to the last
    assert names(client.get("/en/firms?name=firm+03")) == ["Firm 03 Medical"]


NAMES = [("Medical Europe AG", "DE"), ("Euromed Medical", "DE"), ("Cardio Médical SA", "FR"),
         ("Dental Design", "BE"), ("Medi-Tech Dental GmbH", "DE"), ("Orthomed", "AT"), ("Premedical Ltd", "IE"),
         ("Distrimed", "FR"), ("Medicalis Sterile", "NL"), ("Sterimed Medical", "DE")]


@pytest.mark.parametrize("query, narrow", [
    ("name=med", False), ("name=m", False), ("name=medical+eu", False), ("name=med&sort=-name", False),
    ("name=med&country=DE", False), ("name=d&page=2", False), ("name=med&activity=distributor", False),
    ("name=zz", False), ("name=ortho", False), ("name=medical", False), ("name=medical", True),
    ("name=medical+dental", True), ("name=steri&sort=-name", True), ("name=medic&country=NL", True),
    ("name=medical+zzzzz", False), ("name=e+euromed", False), ("name=dental+d", False),
])
def test_every_plan_finds_what_a_plain_reading_of_the_names_finds(client, db, monkeypatch, query, narrow):
    """Issue 15: whether a search reads the prefix index, the word index, or a prefix block filtered by a
    long term (`narrow`: as if the long term matched more than NAME_COUNTED firms), it lists the firms
    whose name has a word starting with each term, in name order."""
    from urllib.parse import parse_qs

    from portal.public import firm_list
    from portal.text.names import fold

    firms = []
    for i, (name, country) in enumerate(NAMES * 3):
        kind = "distributor" if i % 2 else "manufacturer"
        make_firm(f"{name} {i}", country, f"{i + 1:06d}", [kind])
        firms.append((fold(f"{name} {i}"), f"{name} {i}", country, kind))
    args = {key: values[0] for key, values in parse_qs(query).items()}
    terms = fold(args["name"]).split()
    expected = sorted((firm for firm in firms
                       if all(any(word.startswith(t) for word in firm[0].split()) for t in terms)
                       and args.get("country", firm[2]) == firm[2] and args.get("activity", firm[3]) == firm[3]),
                      key=lambda firm: firm[0], reverse=args.get("sort") == "-name")
    page = min(int(args.get("page", 1)), max(1, -(-len(expected) // 20)))  # a page past the last shows the last
    if narrow:
        monkeypatch.setattr(firm_list, "NAME_COUNTED", 1)  # the long term counts as common: its block is read
    found = names(client.get(f"/en/firms?{query}"))
    assert found == [firm[1] for firm in expected][(page - 1) * 20:page * 20]
    assert found or "zz" in query or "medical+dental" in query


def test_a_page_of_the_list_costs_two_statements_and_none_once_shared(client, db, app):
    from tests.harness import QueryCount

    for i in range(25):
        make_firm(f"Firm {i:02d} Medical", "DE", f"{i + 1:06d}", ["manufacturer", "distributor"])
    app.config["LIST_FRESHNESS_SECONDS"] = 60
    with QueryCount() as first:
        body = client.get("/en/firms?name=firm").get_data(as_text=True)
    assert "Manufacturer, Distributor" in body or "Distributor, Manufacturer" in body
    assert len(first) <= 3  # the list's version, the count, the page with each firm's activities
    with QueryCount() as again:
        client.get("/en/firms?name=firm")
    assert len(again) == 0
