"""“Continuer par CSAM”: eID or itsme through the federal authentication service.

An OpenID Connect client (authorization code flow with PKCE S256) built on
authlib: its requests `OAuth2Session` makes the authorization URL and calls
the token endpoint, its `CodeIDToken` validates the ID token's claims, and
joserfc (which authlib 1.9 uses itself, its own `authlib.jose` being
deprecated) checks the signature against the provider's JWKS, asymmetric
algorithms only. On top of that: the discovery document must name the
configured issuer, state and nonce are compared in constant time, and the
ID token must show at least the configured authentication level (`acr`).

The national number comes in the `egovNRN` claim, the names in
`givenName`/`surname`, the assurance level in `acr`. Without
PORTAL_FAS_ISSUER, outside production, a simulator page stands in for the
provider, clearly marked as such.

Errors: `LoginRefused` for any answer that cannot be trusted or used;
`OSError` when the provider cannot be reached while starting a login
(requests' exceptions are turned into plain OSErrors here).
"""
import re
import secrets
import time
from functools import lru_cache

import requests
from authlib.integrations.base_client import OAuthError
from authlib.integrations.requests_client import OAuth2Session
from authlib.oidc.core import CodeIDToken
from authlib.oidc.discovery import OpenIDProviderMetadata
from joserfc import jwt
from joserfc.errors import InvalidKeyIdError, JoseError
from joserfc.jwk import KeySet
from joserfc.jws import JWSRegistry

ALGORITHMS = ["RS256", "RS384", "RS512", "PS256", "ES256", "ES384"]  # asymmetric only: never HS*, never none
LEEWAY = 30  # seconds of clock skew tolerated on exp, iat, nbf and auth_time
# ASVS 7.6.1: FAS authenticates the person again at every login (prompt=login), never from its single
# sign-on session alone, and says when (auth_time): no earlier than the start of this login, and no
# older than MAX_AUTH_AGE when the portal reads it.
MAX_AUTH_AGE = 600
SCOPE = "openid profile egovnrn"
DEFAULT_MIN_ACR = "urn:be:fedict:iam:fas:Level450"  # itsme; eID is Level500: both eIDAS "high"
JWKS_LIFESPAN = 300  # seconds a fetched key set is used before it is fetched again

_LEVEL = re.compile(r"(.*?)([0-9]+)")


class LoginRefused(Exception):
    """The provider's answer cannot be trusted or used; `reason` is for the logs."""

    def __init__(self, reason):
        super().__init__(reason)
        self.reason = reason


def _without_slash(url):
    """The URL without one trailing slash, the only difference allowed between issuers."""
    return url[:-1] if url.endswith("/") else url


def _get_json(url, timeout):
    try:
        response = requests.get(url, headers={"Accept": "application/json"}, timeout=timeout)
        response.raise_for_status()
        return response.json()
    except requests.RequestException as error:  # an OSError already; said out loud for the callers
        raise OSError(f"{url}: {type(error).__name__}") from error


@lru_cache(maxsize=4)
def _discover(issuer, timeout):
    """The provider's metadata; only a document that names `issuer` is kept (an exception is not cached)."""
    document = _get_json(issuer + "/.well-known/openid-configuration", timeout)
    if not isinstance(document, dict):
        raise LoginRefused("discovery: not a JSON object")
    if not isinstance(document.get("issuer"), str) or _without_slash(document["issuer"]) != _without_slash(issuer):
        raise LoginRefused("issuer mismatch in discovery")
    metadata = OpenIDProviderMetadata(document)
    try:
        for name in ("authorization_endpoint", "token_endpoint", "jwks_uri"):
            if not isinstance(metadata.get(name), str) or not metadata[name]:
                raise ValueError(f'"{name}" is required')
        # https only (plain http is allowed on loopback, as for the tests' provider)
        metadata.validate_issuer()
        metadata.validate_authorization_endpoint()
        metadata.validate_token_endpoint()
        metadata.validate_jwks_uri()
    except ValueError as error:
        raise LoginRefused(f"discovery: {error}") from error
    return metadata


_key_sets = {}  # jwks_uri -> (time.monotonic() when fetched, KeySet)


def _key_set(jwks_uri, timeout, refresh=False):
    fetched = _key_sets.get(jwks_uri)
    if fetched and not refresh and time.monotonic() - fetched[0] < JWKS_LIFESPAN:
        return fetched[1]
    try:
        keys = KeySet.import_key_set(_get_json(jwks_uri, timeout))
    except OSError as error:
        raise LoginRefused(f"jwks: {error}") from error
    except (JoseError, KeyError, TypeError, ValueError) as error:
        raise LoginRefused(f"jwks: {type(error).__name__}") from error
    _key_sets[jwks_uri] = (time.monotonic(), keys)
    return keys


def _same(given, expected):
    """Constant-time comparison of two strings from anywhere (non-ASCII included)."""
    return isinstance(given, str) and isinstance(expected, str) and bool(expected) and \
        secrets.compare_digest(given.encode(), expected.encode())


def acr_sufficient(acr, minimum):
    """Is the authentication level `acr` at least `minimum`?

    The levels are named prefix + number (urn:be:fedict:iam:fas:Level450):
    same prefix, and a number at least the minimum's. Anything else is
    accepted only when it is exactly the minimum.
    """
    if not isinstance(acr, str) or not acr:
        return False
    if acr == minimum:
        return True
    given, needed = _LEVEL.fullmatch(acr), _LEVEL.fullmatch(minimum)
    return bool(given and needed and given[1] == needed[1] and int(given[2]) >= int(needed[2]))


def fresh(auth_time, started_at, now):
    """Whether the person authenticated at FAS for this login: `auth_time` (a number of seconds) after the
    login began, and not older than MAX_AUTH_AGE; missing or of another type, it is not."""
    if isinstance(auth_time, bool) or not isinstance(auth_time, (int, float)) or not isinstance(started_at, int):
        return False
    return started_at - LEEWAY <= auth_time <= now + LEEWAY and now - auth_time <= MAX_AUTH_AGE + LEEWAY


class FederalAuthClient:
    def __init__(self, issuer, client_id, client_secret, timeout=10.0, min_acr=DEFAULT_MIN_ACR):
        if not min_acr:
            raise ValueError("a minimum authentication level (PORTAL_FAS_MIN_ACR) is required")
        self.issuer = _without_slash(issuer)
        self.client_id = client_id
        self.client_secret = client_secret
        self.timeout = timeout
        self.min_acr = min_acr

    @property
    def metadata(self):
        return _discover(self.issuer, self.timeout)

    def _session(self, redirect_uri):
        return OAuth2Session(
            self.client_id, self.client_secret, token_endpoint_auth_method="client_secret_post",
            scope=SCOPE, redirect_uri=redirect_uri, code_challenge_method="S256", default_timeout=self.timeout)

    def start(self, redirect_uri):
        """(URL to send the browser to, the secrets to keep until the callback)."""
        state, nonce, verifier = (secrets.token_urlsafe(32) for _ in range(3))
        endpoint = self.metadata["authorization_endpoint"]
        with self._session(redirect_uri) as oauth:
            url, _ = oauth.create_authorization_url(endpoint, state=state, code_verifier=verifier,
                                                    nonce=nonce, acr_values=self.min_acr, prompt="login",
                                                    max_age=MAX_AUTH_AGE)
        return url, {"state": state, "nonce": nonce, "verifier": verifier, "started_at": int(time.time())}

    def finish(self, code, state, kept, redirect_uri):
        """The verified claims of the ID token, or LoginRefused."""
        kept = kept or {}
        if not _same(state, kept.get("state")):
            raise LoginRefused("state mismatch")
        if not code or not kept.get("verifier") or not kept.get("nonce"):
            raise LoginRefused("no code")
        metadata = self.metadata
        with self._session(redirect_uri) as oauth:
            try:
                tokens = oauth.fetch_token(metadata["token_endpoint"], grant_type="authorization_code",
                                           code=code, code_verifier=kept["verifier"])
            except (OAuthError, OSError, TypeError, ValueError) as error:
                raise LoginRefused(f"token endpoint: {type(error).__name__}") from error
        id_token = tokens.get("id_token")
        if not id_token or not isinstance(id_token, str):
            raise LoginRefused("no id_token")
        claims = self._verified(id_token, metadata, kept["nonce"], tokens.get("access_token"))
        if not _same(claims.get("nonce"), kept["nonce"]):
            raise LoginRefused("nonce mismatch")
        if not acr_sufficient(claims.get("acr"), self.min_acr):
            raise LoginRefused("acr too low")
        if not fresh(claims.get("auth_time"), kept.get("started_at"), time.time()):
            raise LoginRefused("authentication not fresh")
        return claims

    def _verified(self, id_token, metadata, nonce, access_token):
        """The ID token's claims once its signature, issuer, audience, times and nonce are checked."""
        registry = JWSRegistry(algorithms=ALGORITHMS, strict_check_header=False)
        try:
            try:
                token = jwt.decode(id_token, _key_set(metadata["jwks_uri"], self.timeout), registry=registry)
            except InvalidKeyIdError:  # keys rotated since they were fetched: fetch them once more
                token = jwt.decode(id_token, _key_set(metadata["jwks_uri"], self.timeout, refresh=True),
                                   registry=registry)
            claims = CodeIDToken(
                token.claims, token.header,
                options={"iss": {"essential": True, "value": metadata["issuer"]},
                         "aud": {"essential": True, "value": self.client_id},
                         "sub": {"essential": True}},
                params={"nonce": nonce, "client_id": self.client_id, "access_token": access_token})
            claims.validate(leeway=LEEWAY)
        except JoseError as error:
            raise LoginRefused(f"id_token: {type(error).__name__}") from error
        return dict(claims)
