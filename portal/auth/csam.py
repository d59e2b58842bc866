"""“Continuer par CSAM”: eID or itsme through the federal authentication service.

An OpenID Connect client (authorization code flow with PKCE): discovery,
state and nonce checked, the ID token's signature (the provider's JWKS),
issuer, audience and expiry verified. The national number comes in the
`egovNRN` claim, the names in `givenName`/`surname`, the assurance level in
`acr`. Without PORTAL_FAS_ISSUER, outside production, a simulator page
stands in for the provider, clearly marked as such.
"""
import base64
import hashlib
import json
import secrets
import urllib.parse
import urllib.request
from functools import lru_cache

import jwt

ALGORITHMS = ["RS256", "RS384", "RS512", "PS256", "ES256", "ES384"]


class LoginRefused(Exception):
    """The provider's answer cannot be trusted or used; `reason` is for the logs."""

    def __init__(self, reason):
        super().__init__(reason)
        self.reason = reason


def _get_json(url, timeout):
    with urllib.request.urlopen(urllib.request.Request(url, headers={"Accept": "application/json"}),
                                timeout=timeout) as response:
        return json.loads(response.read())


@lru_cache(maxsize=4)
def _discover(issuer, timeout):
    return _get_json(issuer.rstrip("/") + "/.well-known/openid-configuration", timeout)


@lru_cache(maxsize=4)
def _keys(jwks_uri):
    return jwt.PyJWKClient(jwks_uri, cache_keys=True)


class FederalAuthClient:
    def __init__(self, issuer, client_id, client_secret, timeout=10.0):
        self.issuer = issuer.rstrip("/")
        self.client_id = client_id
        self.client_secret = client_secret
        self.timeout = timeout

    @property
    def metadata(self):
        return _discover(self.issuer, self.timeout)

    def start(self, redirect_uri):
        """(URL to send the browser to, the secrets to keep until the callback)."""
        state, nonce, verifier = (secrets.token_urlsafe(32) for _ in range(3))
        challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
        query = urllib.parse.urlencode({
            "response_type": "code", "client_id": self.client_id, "redirect_uri": redirect_uri,
            "scope": "openid profile egovnrn", "state": state, "nonce": nonce,
            "code_challenge": challenge, "code_challenge_method": "S256",
        })
        return f"{self.metadata['authorization_endpoint']}?{query}", {
            "state": state, "nonce": nonce, "verifier": verifier}

    def finish(self, code, state, kept, redirect_uri):
        """The verified claims of the ID token, or LoginRefused."""
        if not kept or not state or not secrets.compare_digest(state, kept.get("state", "")):
            raise LoginRefused("state mismatch")
        body = urllib.parse.urlencode({
            "grant_type": "authorization_code", "code": code, "redirect_uri": redirect_uri,
            "client_id": self.client_id, "client_secret": self.client_secret,
            "code_verifier": kept["verifier"],
        }).encode()
        request = urllib.request.Request(self.metadata["token_endpoint"], data=body, method="POST",
                                         headers={"Content-Type": "application/x-www-form-urlencoded",
                                                  "Accept": "application/json"})
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                tokens = json.loads(response.read())
        except (OSError, ValueError) as error:
            raise LoginRefused(f"token endpoint: {type(error).__name__}") from error
        id_token = tokens.get("id_token")
        if not id_token:
            raise LoginRefused("no id_token")
        try:
            key = _keys(self.metadata["jwks_uri"]).get_signing_key_from_jwt(id_token)
            claims = jwt.decode(id_token, key.key, algorithms=ALGORITHMS, audience=self.client_id,
                                issuer=self.issuer, options={"require": ["exp", "iat", "iss", "aud", "sub"]},
                                leeway=30)
        except jwt.PyJWTError as error:
            raise LoginRefused(f"id_token: {type(error).__name__}") from error
        if not secrets.compare_digest(str(claims.get("nonce", "")), kept["nonce"]):
            raise LoginRefused("nonce mismatch")
        return claims
