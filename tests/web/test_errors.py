"""Error pages in the user's language, inside the layout."""
import re

import pytest

from tests.harness import make_app


@pytest.mark.parametrize("path,lang,phrase", [
    ("/fr/nothing-here", "fr", "Page introuvable"),
    ("/nl/nothing-here", "nl", "Pagina niet gevonden"),
    ("/en/nothing-here", "en", "Page not found"),
])
def test_not_found_in_the_language_of_the_address(client, path, lang, phrase):
    response = client.get(path)
    assert response.status_code == 404
    body = response.get_data(as_text=True)
    assert f'<html lang="{lang}">' in body and phrase in body
    assert 'class="site-header"' in body


def test_not_found_without_a_prefix_follows_the_browser(client):
    response = client.get("/nothing", headers={"Accept-Language": "nl"})
    assert response.status_code == 404
    assert '<html lang="nl">' in response.get_data(as_text=True)


def test_wrong_method_gets_a_page_and_the_allow_header(client):
    body = client.get("/fr/login/afmps").get_data(as_text=True)
    token = re.search(r'<meta name="csrf-token" content="([^"]+)"', body).group(1)
    response = client.put("/fr/faq", headers={"X-CSRF-Token": token})
    assert response.status_code == 405
    assert "GET" in response.headers["Allow"]
    assert "Cette action n'est pas possible ici" in response.get_data(as_text=True).replace("&#39;", "'")


def test_server_error_page_is_in_the_layout_and_language(database_url, instance_dir, _schema):
    app = make_app(database_url, instance_dir, PROPAGATE_EXCEPTIONS=False)

    @app.get("/<lang:lang>/boom")
    def boom():
        raise RuntimeError("deliberate failure")

    response = app.test_client().get("/nl/boom")
    assert response.status_code == 500
    body = response.get_data(as_text=True)
    assert '<html lang="nl">' in body
    assert "deliberate failure" not in body
    assert "Sorry, er is een probleem met het portaal" in body
