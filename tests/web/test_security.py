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
    body = client.get("/fr/login/afmps").get_data(as_text=True)  # a page with a form carries the token
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


def test_a_page_without_a_form_sets_no_cookie_and_a_form_sets_a_safe_one(client):
    assert not any(c.startswith("portal_session=") for c in client.get("/fr/").headers.getlist("Set-Cookie"))
    response = client.get("/fr/login/afmps")
    cookies = response.headers.getlist("Set-Cookie")
    session = next(c for c in cookies if c.startswith("portal_session="))
    assert "HttpOnly" in session and "SameSite=Lax" in session


# Where a login may lead ---------------------------------------------------------------------

@pytest.mark.parametrize("target", [
    "/%09/evil.example/portal", "/\t/evil.example/portal", "/\\/evil.example/portal", "/\\evil.example/en/portal",
    "/%5C/evil.example/en/portal", "\\\\evil.example/en/portal", "/\r\n/evil.example/en/portal",
    "https://evil.example/en/portal", "//evil.example/en/portal", "/ /evil.example/en/portal",
    "javascript:alert(1)//en/portal", "/en/portalx", "/en/staff/registrations", "",
])
def test_a_login_never_leads_to_another_site(app, target):
    from urllib.parse import unquote

    from portal.access_control import safe_next

    with app.test_request_context("/en/login"):
        app.preprocess_request()
        for sent in {target, unquote(target)}:  # as typed, and as the query string decodes it
            assert safe_next(sent) == "/en/portal", sent


@pytest.mark.parametrize("target", ["/en/portal", "/fr/portal/account?done=1", "/nl/portal?company=3"])
def test_a_login_leads_to_the_page_it_was_for(app, target):
    from portal.access_control import safe_next

    with app.test_request_context("/en/login"):
        app.preprocess_request()
        assert safe_next(target) == target


def test_a_login_through_a_crafted_link_stays_on_the_site(client, db):
    """What the browser is sent after the login, end to end, for the issue's own example."""
    import datetime

    import pyotp

    from portal.models import Account, Person
    from portal.people.passwords import hash_password

    person = Person.create(niss="85073003328", last_name="Peeters", first_name="Jan", sex="M",
                           birth_date=datetime.date(1985, 7, 30), birth_country="BE", email="jan@example.be")
    secret = pyotp.random_base32()
    Account.create(person=person, password_hash=hash_password("four words are stronger"),
                   must_change_password=False, totp_secret=secret)
    token = token_from(client)
    client.post("/en/login/afmps", data={"csrf_token": token, "username": "85073003328",
                                         "password": "four words are stronger", "next": "/%09/evil.example/portal"})
    response = client.post("/en/login/code", data={"csrf_token": token, "code": pyotp.TOTP(secret).now()})
    assert response.headers["Location"] == "/en/portal"



def test_a_csrf_token_known_before_the_login_is_refused_after_it(app_with_form, db):
    """Someone who planted their own cookie in the victim's browser knows its token; after the login it
    opens no form of the logged-in person."""
    import datetime

    import pyotp

    from portal.models import Account, Person
    from portal.people.passwords import hash_password

    person = Person.create(niss="85073003328", last_name="Peeters", first_name="Jan", sex="M",
                           birth_date=datetime.date(1985, 7, 30), birth_country="BE", email="jan@example.be")
    secret = pyotp.random_base32()
    Account.create(person=person, password_hash=hash_password("four words are stronger"),
                   must_change_password=False, totp_secret=secret)
    client = app_with_form.test_client()
    planted = token_from(client)
    client.post("/en/login/afmps", data={"csrf_token": planted, "username": "85073003328",
                                         "password": "four words are stronger"})
    response = client.post("/en/login/code", data={"csrf_token": planted, "code": pyotp.TOTP(secret).now()})
    assert response.headers["Location"] == "/en/portal"
    assert client.post("/en/test-form", data={"csrf_token": planted}).status_code == 400
    fresh = re.search(r'<meta name="csrf-token" content="([^"]+)"', client.get("/en/portal").get_data(as_text=True))
    assert fresh.group(1) != planted
    assert client.post("/en/test-form", data={"csrf_token": fresh.group(1)}).status_code == 200

# Requests too large, pages not cached, cookies without secrets -------------------------------------

def test_a_forty_megabyte_post_is_refused_before_it_is_read(client, db):
    token = token_from(client)
    response = client.post("/nl/register", data={"csrf_token": token, "x": "a" * (40 * 1024 * 1024)})
    assert response.status_code == 413
    assert '<html lang="nl">' in response.get_data(as_text=True)


def test_private_pages_are_never_cached_and_public_ones_may_be(client, db):
    assert client.get("/fr/login/afmps").headers["Cache-Control"] == "no-store"
    assert client.get("/fr/register").headers["Cache-Control"] == "no-store"
    assert client.get("/fr/faq").headers["Cache-Control"] == "public, max-age=300"


def test_logging_out_leaves_nothing_in_the_cookie(app, client, db):
    with client.session_transaction() as session:
        session["login"] = "whatever"
        session["pending_login"] = "x"
        session["company"] = 3
    client.post("/fr/logout", data={"csrf_token": token_from(client)})
    with client.session_transaction() as session:
        assert dict(session) == {}


# Logs ------------------------------------------------------------------------------------------

@pytest.mark.parametrize("line,kept", [
    ('127.0.0.1 - - "GET /fr/register/AbCdEfGhIjKlMnOpQrStUvWxYz0123456789_-abcde/company-data HTTP/1.1" 200',
     "/fr/register/[hidden]/company-data"),
    ('"POST /en/login/reset/AbCdEfGhIjKlMnOpQrStUvWxYz0123456789_-abcde HTTP/1.1" 303', "/en/login/reset/[hidden] "),
    ('"GET /login/csam/callback?code=SplxlOBeZQQYbYS6WxSbIA&state=af0ifjsldkj HTTP/1.1"',
     "callback?code=[hidden]&state=[hidden] "),
])
def test_secret_links_never_reach_the_logs(line, kept):
    import logging

    from portal.web.log_privacy import MaskSecrets

    record = logging.LogRecord("werkzeug", logging.INFO, __file__, 1, "%s", (line,), None)
    MaskSecrets().filter(record)
    assert kept in record.getMessage()
    assert "AbCdEfGh" not in record.getMessage() and "SplxlOBe" not in record.getMessage()


def test_the_access_log_of_a_real_server_has_no_draft_token(client, db, caplog):
    import logging

    from portal.web import log_privacy

    token = token_from(client)
    draft = client.post("/en/register", data={"csrf_token": token}).headers["Location"]
    secret = draft.split("/")[3]
    with caplog.at_level(logging.INFO, logger="werkzeug"):
        logging.getLogger("werkzeug").info('127.0.0.1 - - "%s %s HTTP/1.1" %s', "GET", draft, 200)
    assert secret not in caplog.text and "[hidden]" in caplog.text
    assert any(isinstance(f, log_privacy.MaskSecrets) for f in logging.getLogger("gunicorn.access").filters)


# The client's address behind the TLS proxy -----------------------------------------------------

def test_the_throttle_sees_the_address_the_trusted_proxy_reports(database_url, instance_dir, smtp_server, db):
    from tests.harness import make_app

    behind = make_app(database_url, instance_dir, TRUSTED_PROXIES=1, RATE_LIMITS={"login": 2})
    client = behind.test_client()
    token = token_from(client)

    def attempt(address):
        return client.post("/en/login/afmps", data={"csrf_token": token, "username": "x", "password": "y"},
                           headers={"X-Forwarded-For": address}).status_code

    assert [attempt("203.0.113.7") for _ in range(3)] == [422, 422, 429]
    assert attempt("198.51.100.9") == 422  # another person behind the same proxy is not stopped
    direct = make_app(database_url, instance_dir, RATE_LIMITS={"login": 2}).test_client()
    token = token_from(direct)
    codes = [direct.post("/en/login/afmps", data={"csrf_token": token, "username": "x", "password": "y"},
                         headers={"X-Forwarded-For": f"192.0.2.{i}"}).status_code for i in range(3)]
    assert codes[-1] == 429  # without a trusted proxy, a forged header changes nothing


# Odd input never gives a 500 ------------------------------------------------------------------

@pytest.mark.parametrize("method,path,data", [
    ("post", "/en/staff/login", {"email": "a\x00b@afmps.be", "password": "x"}),
    ("post", "/en/login/forgot", {"email": "a\x00b@example.eu"}),
    ("get", "/en/staff/people?q=Pee%00", None),
    ("get", "/en/register/abc%00def/", None),
    ("get", "/en/register/abc%00def/proof.pdf", None),
    ("get", "/en/firms?q=me%00di", None),
])
def test_a_nul_byte_is_refused_not_crashed(client, db, method, path, data):
    token = token_from(client)
    if method == "post":
        response = client.post(path, data={"csrf_token": token, **data})
    else:
        response = client.get(path)
    assert response.status_code in (400, 404)


@pytest.mark.parametrize("path", ["/en/staff/people/99999999999999999999",
                                  "/en/staff/registrations/99999999999999999999"])
def test_an_id_too_large_for_the_database_is_not_found(app, client, db, path):
    from tests.builders import make_staff
    from tests.builders import staff_log_in as log_in

    make_staff()
    log_in(client)
    assert client.get(path).status_code == 404


def test_the_federal_login_callback_without_a_provider_is_not_found(client, db):
    assert client.get("/login/csam/callback?code=x&state=y").status_code == 404


def test_a_staff_search_never_reaches_the_access_log():
    from portal.web.log_privacy import mask

    assert "85.07" not in mask('"GET /fr/staff/people?q=85.07.30-033.28 HTTP/1.1" 200')
    assert "85.07" not in mask('"GET /fr/staff/login?next=/fr/staff/people%3Fq%3D85.07.30 HTTP/1.1" 303')


def test_ipv6_clients_are_limited_by_their_64_network(app):
    from portal.web import rate_limit

    with app.test_request_context("/", environ_base={"REMOTE_ADDR": "2001:db8:1:2:aaaa::1"}):
        first = rate_limit.client()
    with app.test_request_context("/", environ_base={"REMOTE_ADDR": "2001:db8:1:2:bbbb::9"}):
        assert rate_limit.client() == first == "2001:db8:1:2::/64"


# Public pages shared by every visitor (page_cache) ------------------------------------------

def test_a_repeat_visit_gets_304_and_a_change_of_the_list_shows_at_once(client, db):
    from tests.builders import make_firm

    first = client.get("/en/faq")
    etag = first.headers["ETag"]
    again = client.get("/en/faq", headers={"If-None-Match": etag})
    assert again.status_code == 304 and not again.data and again.headers["ETag"] == etag
    assert "Cookie" in first.headers["Vary"] and "HX-Request" in first.headers["Vary"]
    before = client.get("/en/firms").get_data(as_text=True)
    assert "Nouvelle Firme SA" not in before
    make_firm("Nouvelle Firme SA", "FR", "123456")
    assert "Nouvelle Firme SA" in client.get("/en/firms").get_data(as_text=True)  # not the copy of before


def test_a_shared_page_with_a_form_carries_each_visitors_own_token(app, client, db):
    other = app.test_client()
    mine = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/en/register").get_data(as_text=True))
    theirs = re.search(r'name="csrf_token" value="([^"]+)"', other.get("/en/register").get_data(as_text=True))
    assert mine.group(1) != theirs.group(1)
    with client.session_transaction() as session:
        assert session["csrf_token"] == mine.group(1)
    assert "__portal_csrf_token__" not in client.get("/en/register").get_data(as_text=True)


def test_a_logged_in_person_gets_their_own_page_never_the_shared_one(auth, client, db):
    assert "Jan Peeters" not in client.get("/en/faq").get_data(as_text=True)
    auth.company_user()
    page = client.get("/en/faq")
    assert "Jan Peeters" in page.get_data(as_text=True) and page.headers["Cache-Control"] == "no-store"
    assert "ETag" not in page.headers


def test_a_visitor_cannot_have_their_token_copied_into_a_shared_pages_links(client, db):
    from portal.web.page_cache import PLACEHOLDER

    assert PLACEHOLDER != "__portal_csrf_token__" and len(PLACEHOLDER) > 30  # random per process
    body = client.get("/en/firms?name=__portal_csrf_token__").get_data(as_text=True)
    assert "__portal_csrf_token__" in body or "portal csrf token" in body  # kept as typed, not replaced
    with client.session_transaction() as session:
        assert "csrf_token" not in session  # no token was made for it


def test_a_history_restore_is_its_own_entry_in_a_shared_cache(client, db):
    restore = client.get("/en/firms?name=a", headers={"HX-Request": "true", "HX-History-Restore-Request": "true"})
    assert "HX-History-Restore-Request" in restore.headers["Vary"]


def test_a_value_put_into_a_translated_text_is_escaped_on_the_page(app):
    """A text translated when shown (`_l`) with a company's name or a line of the BCE's data in it:
    flask-babel's lazy strings pass as markup, ours are escaped as any text is."""
    from flask import render_template_string

    from portal.text.lazy_text import lazy_gettext as _l

    with app.test_request_context("/fr/"):
        page = render_template_string("<p>{{ warning }}</p>", warning=_l(
            "According to the BCE, this enterprise is bankrupt (juridical situation: %(situation)s).",
            situation='<img src=x onerror="alert(1)">'))
    assert "<img" not in page and "&lt;img src=x onerror=&#34;alert(1)&#34;&gt;" in page and "faillite" in page
