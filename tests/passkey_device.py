"""A passkey made in software, for the web tests: it answers the portal's options as an authenticator and
a browser would (clientDataJSON, authenticator data, an ES256 signature), and can be made to lie: another
origin, another RP ID, a counter that goes back, no user verification."""
import base64
import hashlib
import json
import secrets

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from webauthn.helpers import encode_cbor

UP, UV, AT = 0x01, 0x04, 0x40


def b64(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


class SoftPasskey:
    def __init__(self, origin="http://127.0.0.1:5000"):
        self.origin = origin
        self.key = ec.generate_private_key(ec.SECP256R1())
        self.credential_id = secrets.token_bytes(32)
        self.sign_count = 0
        self.user_handle = None

    @property
    def id(self):
        return b64(self.credential_id)

    def _public_key(self):
        numbers = self.key.public_key().public_numbers()
        return encode_cbor({1: 2, 3: -7, -1: 1, -2: numbers.x.to_bytes(32, "big"), -3: numbers.y.to_bytes(32, "big")})

    def _client_data(self, kind, options, origin):
        return json.dumps({"type": kind, "challenge": options["challenge"], "origin": origin or self.origin,
                           "crossOrigin": False}).encode()

    def create(self, options, origin=None, rp_id=None, verified=True):
        """The JSON the browser sends back for navigator.credentials.create(options)."""
        options = json.loads(options) if isinstance(options, str) else options
        self.user_handle = options["user"]["id"]
        data = (hashlib.sha256((rp_id or options["rp"]["id"]).encode()).digest()
                + bytes([UP | AT | (UV if verified else 0)]) + self.sign_count.to_bytes(4, "big") + bytes(16)
                + len(self.credential_id).to_bytes(2, "big") + self.credential_id + self._public_key())
        attestation = encode_cbor({"fmt": "none", "attStmt": {}, "authData": data})
        return json.dumps({"id": self.id, "rawId": self.id, "type": "public-key", "clientExtensionResults": {},
                           "response": {"clientDataJSON": b64(self._client_data("webauthn.create", options, origin)),
                                        "attestationObject": b64(attestation), "transports": ["internal"]}})

    def get(self, options, origin=None, rp_id=None, count=None, verified=True):
        """The JSON the browser sends back for navigator.credentials.get(options); the counter moves on by one
        unless `count` says what it reports."""
        options = json.loads(options) if isinstance(options, str) else options
        self.sign_count = self.sign_count + 1 if count is None else count
        rp_id = rp_id or options.get("rpId")
        data = (hashlib.sha256(rp_id.encode()).digest() + bytes([UP | (UV if verified else 0)])
                + self.sign_count.to_bytes(4, "big"))
        client_data = self._client_data("webauthn.get", options, origin)
        signature = self.key.sign(data + hashlib.sha256(client_data).digest(), ec.ECDSA(hashes.SHA256()))
        return json.dumps({"id": self.id, "rawId": self.id, "type": "public-key", "clientExtensionResults": {},
                           "response": {"clientDataJSON": b64(client_data), "authenticatorData": b64(data),
                                        "signature": b64(signature), "userHandle": self.user_handle}})
