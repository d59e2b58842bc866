"""“Continuer par CSAM”: the real OIDC client against a local provider that the tests run."""
import base64
import datetime
import hashlib
import json
import socket
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from joserfc import jwt
from joserfc.jwk import OctKey, RSAKey

from portal.models import LoginSession, Person
from tests.accounts import csrf

NISS = "85073003328"
CLIENT_ID, CLIENT_SECRET = "afmps-portal", "client-secret-for-the-csam-tests-only"  # 32+ bytes: an HMAC key


class Provider:
    """A small OpenID provider: discovery, JWKS, token endpoint, signed ID tokens."""

    def __init__(self, discovery_issuer=None):
        self.key = RSAKey.generate_key(2048)
        self.other_key = RSAKey.generate_key(2048)
        self.kid = "k1"
        self.codes = {}
        self.issued = []  # the ID tokens handed out by the token endpoint
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self.handler())
        self.issuer = f"http://127.0.0.1:{self.server.server_port}"
        self.discovery_issuer = discovery_issuer or self.issuer  # what its discovery document claims
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def authorize(self, url, niss=NISS, **token_changes):
        """What the provider does when the person logs in: returns the callback query."""
        query = dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(url).query))
        code = f"code-{len(self.codes)}"
        self.codes[code] = {"query": query, "niss": niss, "changes": token_changes}
        return {"code": code, "state": query["state"]}

    def id_token(self, entry):
        now = int(time.time())
        claims = {"iss": self.issuer, "aud": CLIENT_ID, "sub": "subject-1", "iat": now, "exp": now + 300,
                  "auth_time": now,
                  "nonce": entry["query"]["nonce"], "egovNRN": entry["niss"], "givenName": "Jan",
                  "surname": "Peeters", "acr": "urn:be:fedict:iam:fas:Level500"}
        changes = dict(entry["changes"])
        key = self.other_key if changes.pop("wrong_key", False) else self.key
        header = {"alg": changes.pop("alg", "RS256"), "kid": self.kid}
        claims.update(changes)
        claims = {name: value for name, value in claims.items() if value is not None}  # None: left out
        if header["alg"] == "none":
            return unsigned(header, claims)
        if header["alg"] == "HS256":
            key = OctKey.import_key(CLIENT_SECRET)  # the classic confusion: a MAC keyed with a secret the client knows
        return jwt.encode(header, claims, key, algorithms=[header["alg"]])

    def rotate_keys(self):
        self.key, self.kid = RSAKey.generate_key(2048), self.kid + "'"

    def handler(self):
        provider = self

        class Handler(BaseHTTPRequestHandler):
            def _json(self, status, payload):
                data = json.dumps(payload).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_GET(self):
                if self.path == "/.well-known/openid-configuration":
                    self._json(200, {"issuer": provider.discovery_issuer, "authorization_endpoint": provider.issuer + "/authorize",
                                     "token_endpoint": provider.issuer + "/token", "jwks_uri": provider.issuer + "/jwks"})
                elif self.path == "/jwks":
                    jwk = provider.key.as_dict(private=False)
                    self._json(200, {"keys": [dict(jwk, kid=provider.kid, use="sig", alg="RS256")]})
                else:
                    self._json(404, {})

            def do_POST(self):
                form = dict(urllib.parse.parse_qsl(self.rfile.read(int(self.headers["Content-Length"])).decode()))
                entry = provider.codes.pop(form.get("code"), None)
                if entry is None or form.get("client_secret") != CLIENT_SECRET:
                    return self._json(400, {"error": "invalid_grant"})
                challenge = base64.urlsafe_b64encode(hashlib.sha256(form["code_verifier"].encode()).digest()).rstrip(b"=").decode()
                if challenge != entry["query"]["code_challenge"]:
                    return self._json(400, {"error": "invalid_grant", "error_description": "PKCE"})
                id_token = provider.id_token(entry)
                provider.issued.append(id_token)
                self._json(200, {"access_token": "a", "token_type": "Bearer", "id_token": id_token})

            def log_message(self, *args):
                pass

        return Handler


def unsigned(header, claims):
    """A token with `"alg": "none"` and no signature, written as an attacker would."""
    def part(value):
        return base64.urlsafe_b64encode(json.dumps(value).encode()).rstrip(b"=").decode()
    return f"{part(dict(header, typ='JWT'))}.{part(claims)}."


@pytest.fixture(scope="module")
def provider():
    provider = Provider()
    yield provider
    provider.server.shutdown()
    provider.server.server_close()


@pytest.fixture
def liar():
    """A provider whose discovery document names another issuer than the one configured."""
    provider = Provider(discovery_issuer="https://idp.evil.example/fas/oauth2")
    yield provider
    provider.server.shutdown()
    provider.server.server_close()


@pytest.fixture
def fas(app, provider):
    app.config.update(FAS_ISSUER=provider.issuer, FAS_CLIENT_ID=CLIENT_ID, FAS_CLIENT_SECRET=CLIENT_SECRET)
    return provider


@pytest.fixture
def jan(db):
    return Person.create(niss=NISS, last_name="Peeters", first_name="Jan", sex="M",
                         birth_date=datetime.date(1985, 7, 30), birth_country="BE", email="jan@example.be")


def begin(client, next_url="/en/portal"):
    """A press on "Continuer par CSAM": a POST with the page's CSRF token."""
    return client.post("/en/login/csam", data={"csrf_token": csrf(client), "next": next_url})


def start(client):
    response = begin(client)
    assert response.status_code == 303
    return response.headers["Location"]


def test_a_known_person_logs_in_with_eid(client, fas, jan):
    url = start(client)
    query = dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(url).query))
    assert url.startswith(fas.issuer + "/authorize?")
    assert query["code_challenge_method"] == "S256" and query["client_id"] == CLIENT_ID
    assert query["redirect_uri"].endswith("/login/csam/callback")
    response = client.get("/login/csam/callback", query_string=fas.authorize(url))
    assert response.status_code == 303 and response.headers["Location"] == "/en/portal"
    login = LoginSession.get()
    assert login.person_id == jan.id and login.method == "csam" and login.assurance.endswith("Level500")
    assert "Welcome, Jan Peeters" in client.get("/en/portal").get_data(as_text=True)


@pytest.mark.parametrize("changes", [
    {"nonce": "not-the-nonce"},
    {"exp": int(time.time()) - 3600, "iat": int(time.time()) - 7200},
    {"aud": "another-client"},
    {"iat": int(time.time()) + 3600},
    {"iss": "https://evil.example"},
    {"wrong_key": True},
    {"alg": "HS256"},
    {"alg": "none"},
    {"sub": None},
])
def test_an_untrustworthy_id_token_is_refused(client, fas, jan, changes):
    url = start(client)
    issued = len(fas.issued)
    response = client.get("/login/csam/callback", query_string=fas.authorize(url, **changes))
    assert len(fas.issued) == issued + 1  # the provider did answer: the portal refused its ID token
    assert response.status_code == 400
    assert "The login did not succeed" in response.get_data(as_text=True)
    assert LoginSession.select().count() == 0


def test_the_authorization_request_asks_for_the_minimum_level_with_pkce_and_a_fresh_nonce(client, fas):
    first, second = (dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(start(client)).query)) for _ in range(2))
    assert first["acr_values"] == "urn:be:fedict:iam:fas:Level450"
    assert first["code_challenge_method"] == "S256" and len(first["code_challenge"]) == 43
    assert first["response_type"] == "code" and "openid" in first["scope"].split()
    assert len(first["nonce"]) >= 32 and first["nonce"] != second["nonce"]
    assert first["state"] != second["state"] and first["nonce"] != first["state"]


def test_the_operator_chooses_the_minimum_level(client, app, fas):
    app.config["FAS_MIN_ACR"] = "urn:be:fedict:iam:fas:Level500"
    query = dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(start(client)).query))
    assert query["acr_values"] == "urn:be:fedict:iam:fas:Level500"


@pytest.mark.parametrize("acr", ["urn:be:fedict:iam:fas:Level450", "urn:be:fedict:iam:fas:Level500"])
def test_itsme_and_eid_are_strong_enough(client, fas, jan, acr):
    url = start(client)
    response = client.get("/login/csam/callback", query_string=fas.authorize(url, acr=acr))
    assert response.status_code == 303 and response.headers["Location"] == "/en/portal"
    assert LoginSession.get().assurance == acr


@pytest.mark.parametrize("acr", [
    "urn:be:fedict:iam:fas:Level200",  # username and password
    "urn:be:fedict:iam:fas:Level400",
    None,  # left out
    "",
    "urn:be:fedict:iam:fas:LevelHigh",
    "Level500-ish",
    "urn:other:Level500",
    500,
])
def test_a_weaker_or_unknown_authentication_level_is_refused(client, fas, jan, acr):
    url = start(client)
    issued = len(fas.issued)
    response = client.get("/login/csam/callback", query_string=fas.authorize(url, acr=acr))
    assert len(fas.issued) == issued + 1
    assert response.status_code == 400
    assert "The login did not succeed" in response.get_data(as_text=True)
    assert LoginSession.select().count() == 0


def test_a_level_below_a_raised_minimum_is_refused(client, app, fas, jan):
    app.config["FAS_MIN_ACR"] = "urn:be:fedict:iam:fas:Level500"
    url = start(client)
    response = client.get("/login/csam/callback",
                          query_string=fas.authorize(url, acr="urn:be:fedict:iam:fas:Level450"))
    assert response.status_code == 400 and LoginSession.select().count() == 0


def test_a_provider_whose_discovery_names_another_issuer_is_not_used(client, app, liar, jan):
    app.config.update(FAS_ISSUER=liar.issuer, FAS_CLIENT_ID=CLIENT_ID, FAS_CLIENT_SECRET=CLIENT_SECRET)
    response = begin(client)
    assert response.status_code == 400
    assert "The login did not succeed" in response.get_data(as_text=True)
    assert LoginSession.select().count() == 0


def test_the_configured_issuer_may_end_with_a_slash(client, app, fas, jan):
    app.config["FAS_ISSUER"] = fas.issuer + "/"
    url = start(client)
    response = client.get("/login/csam/callback", query_string=fas.authorize(url))
    assert response.status_code == 303 and LoginSession.get().person_id == jan.id


def test_an_unreachable_provider_shows_the_unavailable_page(client, app, db):
    with socket.socket() as probe:  # a port on which nothing listens any more
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    app.config.update(FAS_ISSUER=f"http://127.0.0.1:{port}", FAS_CLIENT_ID=CLIENT_ID, FAS_CLIENT_SECRET=CLIENT_SECRET)
    response = begin(client)
    assert response.status_code == 503
    assert "CSAM cannot be reached" in response.get_data(as_text=True)


def test_another_site_cannot_start_the_login(client, fas, jan):
    """ASVS 7.6.2: a link or an image on another site GETs a page with a button; a POST without the
    token is refused; nothing reaches the provider."""
    page = client.get("/en/login/csam?next=/en/portal")
    assert page.status_code == 200 and 'method="post" action="/en/login/csam"' in page.get_data(as_text=True)
    assert client.post("/en/login/csam", data={"next": "/en/portal"}).status_code == 400
    assert not fas.codes and LoginSession.select().count() == 0


def test_fas_is_asked_for_a_fresh_authentication(client, fas):
    """ASVS 7.6.1: never an answer from FAS's single sign-on session alone."""
    query = dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(start(client)).query))
    assert query["prompt"] == "login" and query["max_age"] == "600"


@pytest.mark.parametrize("auth_time", [
    None,  # left out
    "now",
    True,
    -3600,  # an hour ago: from the single sign-on session, not this login
    3600,  # in an hour
], ids=["missing", "text", "boolean", "an-hour-ago", "in-an-hour"])
def test_an_authentication_that_is_not_this_logins_is_refused(client, fas, jan, auth_time):
    if isinstance(auth_time, int) and not isinstance(auth_time, bool):
        auth_time += int(time.time())
    url = start(client)
    response = client.get("/login/csam/callback", query_string=fas.authorize(url, auth_time=auth_time))
    assert response.status_code == 400 and LoginSession.select().count() == 0


def test_half_a_minute_of_clock_skew_is_tolerated(client, fas, jan):
    url = start(client)
    now = int(time.time())
    response = client.get("/login/csam/callback", query_string=fas.authorize(url, exp=now - 10, iat=now + 10))
    assert response.status_code == 303 and LoginSession.get().person_id == jan.id


@pytest.mark.parametrize("forged", ["forged", "forgé", ""])
def test_a_forged_state_is_refused(client, fas, jan, forged):
    url = start(client)
    query = fas.authorize(url)
    query["state"] = forged
    assert client.get("/login/csam/callback", query_string=query).status_code == 400
    assert LoginSession.select().count() == 0


def test_logins_go_on_when_the_provider_rotates_its_keys(client, fas, jan):
    client.get("/login/csam/callback", query_string=fas.authorize(start(client)))  # its keys are now known
    fas.rotate_keys()
    response = client.get("/login/csam/callback", query_string=fas.authorize(start(client)))
    assert response.status_code == 303 and LoginSession.select().count() == 2


def test_a_stolen_code_without_the_verifier_is_useless(client, app, fas, jan):
    url = start(client)
    query = fas.authorize(url)
    thief = app.test_client()  # no session: neither state nor PKCE verifier
    assert thief.get("/login/csam/callback", query_string=query).status_code == 400


def test_a_first_eid_login_makes_the_person_known_as_the_card_gives_them(client, fas, db):
    """Issue 14: a Belgian the portal does not know yet logs in, then asks to act for their enterprise."""
    url = start(client)
    response = client.get("/login/csam/callback", query_string=fas.authorize(url, niss="85073003328"))
    assert response.status_code == 303
    person = Person.get(Person.niss == "85073003328")
    assert (person.first_name, person.last_name, person.sex) == ("Jan", "Peeters", "M")
    assert person.birth_date == datetime.date(1985, 7, 30) and person.niss_verified
    home = client.get("/en/portal").get_data(as_text=True)
    assert "not linked to a company yet" in home and "/en/portal/belgian-enterprise" in home


@pytest.mark.parametrize("claims", [{"givenName": None}, {"surname": " "}])
def test_an_unknown_niss_without_names_sees_the_profile_not_valid_page(client, fas, db, claims):
    url = start(client)
    response = client.get("/login/csam/callback", query_string=fas.authorize(url, niss="85073003328", **claims))
    assert response.status_code == 403
    body = response.get_data(as_text=True)
    assert "profile is not valid" in body and "quality" in body
    assert LoginSession.select().count() == 0 and not Person.select().exists()


def test_the_simulator_stands_in_without_a_provider_and_never_in_production(client, jan, db):
    page = client.get("/en/login/csam").get_data(as_text=True)
    assert "Simulator for development and tests." in page and NISS in page
    token = __import__("re").search(r'name="csrf-token" content="([^"]+)"', page).group(1)
    response = client.post("/en/login/csam/simulator", data={"csrf_token": token, "niss": "85.07.30-033.28"})
    assert response.headers["Location"] == "/en/portal"
    assert LoginSession.get().method == "simulator"


def test_the_simulator_is_refused_in_production(app, client, db):
    app.config["PRODUCTION"] = True
    assert client.get("/en/login/csam").status_code == 503


def test_a_blocked_account_cannot_come_back_through_eid(app, client, fas, jan):
    from portal.models import Account
    from portal.people import sessions
    from portal.people.passwords import hash_password

    account = Account.create(person=jan, password_hash=hash_password("his own password"), must_change_password=False)
    with app.app_context():
        sessions.block(account)
    url = start(client)
    response = client.get("/login/csam/callback", query_string=fas.authorize(url))
    assert response.status_code == 403 and not LoginSession.select().exists()


def typed_by_a_company(last_name, first_name):
    """A person whose NISS a company typed in a registration, under these names."""
    return Person.create(niss=NISS, last_name=last_name, first_name=first_name, sex="M",
                         birth_date=datetime.date(1990, 1, 1), birth_country="DE", email="typed@example.eu",
                         niss_verified=False)


@pytest.mark.parametrize("last_name,first_name,status,verified", [
    ("Attacker", "Eve", 403, False),  # anyone can type someone else's NISS: the eID's names decide
    ("Peeters", "Jan", 303, True),
])
def test_a_niss_typed_by_a_company_is_taken_by_an_eid_only_under_the_same_names(
        client, fas, db, last_name, first_name, status, verified):
    person = typed_by_a_company(last_name, first_name)
    url = start(client)
    response = client.get("/login/csam/callback", query_string=fas.authorize(url))
    assert response.status_code == status
    assert Person.get_by_id(person.id).niss_verified is verified
    assert LoginSession.select().exists() is verified
