"""CSRF on every state change, and the security headers of every page."""
import re

import pytest


@pytest.fixture
def app_with_form(app):
    @app.post("/<lang:lang>/test-form")
    def test_form():
        return "saved"
    return app


@pytest.fixture
def form_client(app_with_form):
    return app_with_form.test_client()


def token_from(client):
    body = client.get("/fr/").get_data(as_text=True)
    return re.search(r'<meta name="csrf-token" content="([^"]+)"', body).group(1)


def test_post_without_token_is_refused_with_a_page_in_the_users_language(form_client):
    token_from(form_client)
    response = form_client.post("/nl/test-form", data={"x": "1"})
    assert response.status_code == 400
    body = response.get_data(as_text=True)
    assert '<html lang="nl">' in body
    assert "Het formulier kon niet worden verstuurd" in body


def test_post_with_the_token_as_a_field_or_htmx_header_is_accepted(form_client):
    token = token_from(form_client)
    assert form_client.post("/fr/test-form", data={"csrf_token": token}).status_code == 200
    assert form_client.post("/fr/test-form", headers={"X-CSRF-Token": token}).status_code == 200


def test_post_with_a_wrong_token_or_from_another_site_is_refused(form_client):
    token = token_from(form_client)
    assert form_client.post("/fr/test-form", data={"csrf_token": token + "x"}).status_code == 400
    response = form_client.post("/fr/test-form", data={"csrf_token": token},
                                headers={"Origin": "https://evil.example"})
    assert response.status_code == 400


def test_token_of_another_session_is_refused(app_with_form):
    first, second = app_with_form.test_client(), app_with_form.test_client()
    token_from(second)
    assert second.post("/fr/test-form", data={"csrf_token": token_from(first)}).status_code == 400


def test_every_page_carries_the_security_headers(client):
    response = client.get("/fr/")
    csp = response.headers["Content-Security-Policy"]
    assert "default-src 'self'" in csp and "frame-ancestors 'none'" in csp
    assert "unsafe-inline" not in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert response.headers["X-Frame-Options"] == "DENY"


def test_pages_have_no_inline_script(client):
    for path in ["/fr/", "/fr/firms", "/fr/faq", "/fr/help"]:
        body = client.get(path).get_data(as_text=True)
        for tag in re.findall(r"<script[^>]*>", body):
            assert "src=" in tag
        assert " on" not in "".join(re.findall(r"<[a-z]+ [^>]*>", body)).replace(" one-", "")


def test_session_cookie_is_http_only_and_same_site(client):
    response = client.get("/fr/")
    cookies = response.headers.getlist("Set-Cookie")
    session = next(c for c in cookies if c.startswith("portal_session="))
    assert "HttpOnly" in session and "SameSite=Lax" in session
