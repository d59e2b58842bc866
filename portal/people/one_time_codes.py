"""One-time codes a person types once: recovery codes, the enrolment code
the agency hands over for a new device.

Grouped xxxx-xxxx-xxxx from 31 characters that cannot be mistaken for one
another (about 59 bits). Only a keyed hash is kept: HMAC-SHA256 with a key
derived from the server's secret key and the code's purpose, over the
account's id and the code. A stolen database alone gives nothing to try
offline (59 bits would not survive a plain hash), and one account's hash
says nothing about another's. argon2id is not used: a login tries a typed
recovery code against every unused code of the account, and ten argon2
verifications would cost half a second. Rotating PORTAL_SECRET_KEY voids
the codes (people make new ones in "Mon compte").
"""
import hashlib
import hmac
import secrets

from flask import current_app

_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"
ENROLMENT = "enrolment"  # the purpose of the code the agency hands over with a new device


def normalise(code):
    return "".join(ch for ch in (code or "").lower() if ch.isalnum())


def new_code():
    return "-".join("".join(secrets.choice(_ALPHABET) for _ in range(4)) for _ in range(3))


def keyed_hash(account_id, purpose, code):
    key = hmac.new(current_app.config["SECRET_KEY"].encode(), purpose.encode(), hashlib.sha256).digest()
    return hmac.new(key, f"{account_id}:{normalise(code)}".encode(), hashlib.sha256).hexdigest()


def matches(account_id, purpose, code, stored):
    return bool(stored) and hmac.compare_digest(keyed_hash(account_id, purpose, code), stored)
