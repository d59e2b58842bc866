"""“Continuer par CSAM”: the real OIDC client against a local provider that the tests run."""
import base64
import datetime
import hashlib
import json
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa

from portal.models import LoginSession, Person

NISS = "85073003328"
CLIENT_ID, CLIENT_SECRET = "afmps-portal", "client-secret-for-tests"


class Provider:
    """A small OpenID provider: discovery, JWKS, token endpoint, signed ID tokens."""

    def __init__(self):
        self.key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self.other_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self.codes = {}
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self.handler())
        self.issuer = f"http://127.0.0.1:{self.server.server_port}"
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
                  "nonce": entry["query"]["nonce"], "egovNRN": entry["niss"], "givenName": "Jan",
                  "surname": "Peeters", "acr": "urn:be:fedict:iam:fas:Level500"}
        changes = dict(entry["changes"])
        key = self.other_key if changes.pop("wrong_key", False) else self.key
        claims.update(changes)
        return jwt.encode(claims, key, algorithm="RS256", headers={"kid": "k1"})

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
                    self._json(200, {"issuer": provider.issuer, "authorization_endpoint": provider.issuer + "/authorize",
                                     "token_endpoint": provider.issuer + "/token", "jwks_uri": provider.issuer + "/jwks"})
                elif self.path == "/jwks":
                    jwk = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(provider.key.public_key()))
                    self._json(200, {"keys": [dict(jwk, kid="k1", use="sig", alg="RS256")]})
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
                self._json(200, {"access_token": "a", "token_type": "Bearer", "id_token": provider.id_token(entry)})

            def log_message(self, *args):
                pass

        return Handler


@pytest.fixture(scope="module")
def provider():
    provider = Provider()
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


def start(client):
    response = client.get("/en/login/csam?next=/en/portal")
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
    {"iss": "https://evil.example"},
    {"wrong_key": True},
])
def test_an_untrustworthy_id_token_is_refused(client, fas, jan, changes):
    url = start(client)
    response = client.get("/login/csam/callback", query_string=fas.authorize(url, **changes))
    assert response.status_code == 400
    assert "The login did not succeed" in response.get_data(as_text=True)
    assert LoginSession.select().count() == 0


def test_a_forged_state_is_refused(client, fas, jan):
    url = start(client)
    query = fas.authorize(url)
    query["state"] = "forged"
    assert client.get("/login/csam/callback", query_string=query).status_code == 400


def test_a_stolen_code_without_the_verifier_is_useless(client, app, fas, jan):
    url = start(client)
    query = fas.authorize(url)
    thief = app.test_client()  # no session: neither state nor PKCE verifier
    assert thief.get("/login/csam/callback", query_string=query).status_code == 400


def test_an_unknown_niss_sees_the_profile_not_valid_page(client, fas, db):
    url = start(client)
    response = client.get("/login/csam/callback", query_string=fas.authorize(url, niss="00012556777"))
    assert response.status_code == 403
    body = response.get_data(as_text=True)
    assert "profile is not valid" in body and "quality" in body
    assert LoginSession.select().count() == 0


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
