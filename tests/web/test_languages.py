"""Choosing, switching and remembering the language."""
import re

import pytest


@pytest.mark.parametrize("accept,expected", [
    ("nl-BE,nl;q=0.9,en;q=0.5", "/nl/"),
    ("en-GB,en;q=0.9", "/en/"),
    ("fr-BE", "/fr/"),
    ("de-DE,de;q=0.9", "/fr/"),  # no language of ours: French
    (None, "/fr/"),
])
def test_root_picks_the_browsers_language_else_french(client, accept, expected):
    headers = {"Accept-Language": accept} if accept else {}
    response = client.get("/", headers=headers)
    assert response.status_code == 302
    assert response.headers["Location"] == expected


def test_root_prefers_the_remembered_choice_over_the_browser(client):
    client.get("/en/faq")  # visiting a page in English remembers English
    response = client.get("/", headers={"Accept-Language": "nl"})
    assert response.headers["Location"] == "/en/"


def test_switch_links_keep_the_page_and_the_query(client):
    body = client.get("/fr/firms?name=medi&country=DE").get_data(as_text=True)
    switch = re.search(r'<nav class="lang-switch".*?</nav>', body, re.S).group(0)
    assert 'href="/nl/firms?name=medi&amp;country=DE"' in switch
    assert 'href="/en/firms?name=medi&amp;country=DE"' in switch
    assert 'href="/fr/firms?name=medi&amp;country=DE" hreflang="fr" lang="fr"\n                 aria-current="true"' in switch


def test_switch_on_an_unknown_page_leads_home_in_that_language(client):
    body = client.get("/nope").get_data(as_text=True)
    assert 'href="/nl/"' in body


def test_unknown_language_prefix_is_not_found(client):
    assert client.get("/de/").status_code == 404


def test_numbers_are_formatted_for_the_locale(app, client, db):
    from portal.demo.firms import insert_firms

    insert_firms(1200)
    fr = client.get("/fr/firms").get_data(as_text=True)
    en = client.get("/en/firms").get_data(as_text=True)
    fr_count = re.search(r'id="firm-results-title" tabindex="-1">([^<]+)<', fr).group(1)
    en_count = re.search(r'id="firm-results-title" tabindex="-1">([^<]+)<', en).group(1)
    assert re.fullmatch(r"1\u202f\d{3} firmes enregistrées", fr_count), fr_count
    assert re.fullmatch(r"1,\d{3} registered firms", en_count), en_count


def test_a_modules_labels_read_in_each_language_and_cannot_be_changed(app):
    from portal.registrations.drafts import STEPS
    from portal.text.languages import texts

    seen = {}
    for language in ("fr", "nl", "en", "fr"):
        with app.test_request_context(f"/{language}/"):
            app.preprocess_request()
            seen.setdefault(language, texts(STEPS))
            assert texts(STEPS) is seen[language]  # made once per language
    assert seen["fr"] != seen["nl"] != seen["en"] and len(seen["fr"]) == len(STEPS)
    with pytest.raises(TypeError):
        seen["fr"][0] = ("x", "y")
