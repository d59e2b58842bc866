"""Passkeys and security keys (WebAuthn, through py_webauthn): an account's credentials, added in "Mon compte"
and used to log in, as the second step after the password or as the whole login.

The relying party is the portal's own address (`PORTAL_BASE_URL`): its host is the RP ID, its scheme and host the
only origin accepted. The authenticator must verify the user (PIN, fingerprint: the passkey is then two factors);
attestation is "none" (any authenticator will do: the agency trusts the person's login, not a brand of key);
discoverable credentials are welcome (the login without a user name needs them). The challenge is kept in a row of
the database (the login session, or the login in progress), never in the cookie, and is taken once: a
conditional UPDATE clears it, so that one challenge answers one ceremony, within CHALLENGE_FOR. A credential id
belongs to one account (a unique column). The signature counter must grow at each use: an assertion that brings
a counter already seen is a copy of the key, and is refused. The user handle is 32 random bytes of the account,
never its NISS or e-mail address.
"""
import datetime
import json
import re
import secrets
from urllib.parse import urlsplit

import peewee
from webauthn import (
    base64url_to_bytes,
    generate_authentication_options,
    generate_registration_options,
    options_to_json,
    verify_authentication_response,
    verify_registration_response,
)
from webauthn.helpers import bytes_to_base64url
from webauthn.helpers.exceptions import WebAuthnException
from webauthn.helpers.structs import (
    AttestationConveyancePreference,
    AuthenticatorSelectionCriteria,
    AuthenticatorTransport,
    PublicKeyCredentialDescriptor,
    ResidentKeyRequirement,
    UserVerificationRequirement,
)

from portal import clock
from portal.data.db import database
from portal.people import notices
from portal.people.models import Account, AccountEvent, Passkey
from portal.text import form_text
from portal.text.lazy_text import lazy_gettext as _l

CHALLENGE_FOR = datetime.timedelta(minutes=5)
TIMEOUT_MS = 120_000  # what the browser gives the person to touch their key
MAX_RESPONSE = 64 * 1024  # a real response is a few KB; more is not one
MAX_NAME = 60
MAX_PER_ACCOUNT = 20
RP_NAME = "FAMHP / AFMPS / FAGG"
TRANSPORTS = {t.value for t in AuthenticatorTransport}

NOT_ACCEPTED = _l("Your passkey could not be checked. Try again, or use the code of your app.")
UNKNOWN = _l("This passkey is not one of this account's: it may have been removed. Use another passkey or the "
             "code of your app.")
COPIED = _l("This passkey was refused: its counter went back, as a copied key's would. Use another passkey or "
            "the code of your app, and remove this passkey in “My account”.")
TOO_LATE = _l("The time to use your passkey ran out. Try again.")
ALREADY_ADDED = _l("This passkey is already added to an account.")
TOO_MANY = _l("You have 20 passkeys already: remove one before you add another.")


class Refused(Exception):
    """A passkey that cannot be added or used; `message` is for the person."""

    def __init__(self, message, why="invalid"):
        super().__init__(why)
        self.message, self.why = message, why


_DEFAULT_PORTS = {"https": 443, "http": 80}
CREDENTIAL_ID = re.compile(r"[A-Za-z0-9_-]{1,1400}")  # base64url, as long as a stored one may be


def relying_party(base_url):
    """(RP ID, origin) of the portal at `base_url`, written as a browser writes an origin: the host in lower
    case, no default port (`https://Portal.example:443/` is `https://portal.example`)."""
    parts = urlsplit(base_url)
    host = parts.hostname or ""
    scheme = parts.scheme.lower()
    port = parts.port if parts.port and parts.port != _DEFAULT_PORTS.get(scheme) else None
    shown = f"[{host}]" if ":" in host else host
    return host, f"{scheme}://{shown}" + (f":{port}" if port else "")


def of(account):
    """The account's passkeys, oldest first."""
    return list(Passkey.select().where(Passkey.account == account).order_by(Passkey.created_at, Passkey.id))


def has_any(account):
    return account is not None and Passkey.select().where(Passkey.account == account).exists()


# --- the challenge, in a row of the caller's (LoginSession or PendingLogin) ---

def keep_challenge(model, row_id, challenge):
    model.update(passkey_challenge=bytes_to_base64url(challenge), passkey_challenge_at=clock.utc()).where(
        model.id == row_id).execute()


def replace_challenge(model, row_id, challenge):
    """A new challenge on the row in place of one still valid, keeping when the first was made: a form sent
    again (a name to correct) does not make the proof behind the first one last longer. False when none is
    valid any more."""
    return model.update(passkey_challenge=bytes_to_base64url(challenge)).where(
        (model.id == row_id) & model.passkey_challenge.is_null(False)
        & (model.passkey_challenge_at > clock.utc() - CHALLENGE_FOR)).execute() == 1


def take_challenge(model, row_id):
    """The challenge kept on the row, once (None when there is none, or it is older than CHALLENGE_FOR)."""
    row = model.select(model.passkey_challenge, model.passkey_challenge_at).where(model.id == row_id).first()
    if row is None or not row.passkey_challenge:
        return None
    taken = model.update(passkey_challenge=None, passkey_challenge_at=None).where(
        (model.id == row_id) & (model.passkey_challenge == row.passkey_challenge)).execute()
    if taken != 1 or clock.utc() - row.passkey_challenge_at > CHALLENGE_FOR:
        return None
    return base64url_to_bytes(row.passkey_challenge)


# --- adding one ---

def _handle(account):
    """The account's user handle (made with its first passkey)."""
    if account.passkey_handle:
        return base64url_to_bytes(account.passkey_handle)
    handle = bytes_to_base64url(secrets.token_bytes(32))
    Account.update(passkey_handle=handle).where((Account.id == account.id) & Account.passkey_handle.is_null()).execute()
    account.passkey_handle = Account.get_by_id(account.id).passkey_handle
    return base64url_to_bytes(account.passkey_handle)


def _descriptors(account):
    return [PublicKeyCredentialDescriptor(
        id=base64url_to_bytes(key.credential_id),
        transports=[AuthenticatorTransport(t) for t in key.transports.split() if t in TRANSPORTS] or None)
        for key in of(account)]


def registration_options(account, base_url):
    """(options as JSON for navigator.credentials.create, the challenge to keep)."""
    rp_id, _ = relying_party(base_url)
    options = generate_registration_options(
        # The name a device shows in its list of passkeys: a staff member's login, a person's names (never the
        # NISS, which a synced passkey would carry into its provider's cloud).
        rp_id=rp_id, rp_name=RP_NAME, user_id=_handle(account),
        user_name=account.label if account.staff_id else account.display_name,
        user_display_name=account.display_name, timeout=TIMEOUT_MS,
        attestation=AttestationConveyancePreference.NONE,
        authenticator_selection=AuthenticatorSelectionCriteria(
            resident_key=ResidentKeyRequirement.PREFERRED, user_verification=UserVerificationRequirement.REQUIRED),
        exclude_credentials=_descriptors(account))
    return options_to_json(options), options.challenge


def name_error(name):
    if not name:
        return _l("Give the passkey a name, such as “Laptop” or “Blue key”.")
    if len(name) > MAX_NAME:
        return _l("Use at most %(count)s characters.", count=MAX_NAME)
    if form_text.single_line_errors({"name": name}):
        return form_text.SINGLE_LINE_MESSAGE
    return None


def _parsed(response):
    """The browser's JSON as a dict, or Refused: never an exception of the parser for the caller."""
    if not isinstance(response, str) or not response or len(response) > MAX_RESPONSE:
        raise Refused(NOT_ACCEPTED)
    try:
        parsed = json.loads(response)
    except (ValueError, RecursionError):  # RecursionError: thousands of nested brackets
        raise Refused(NOT_ACCEPTED) from None
    if not isinstance(parsed, dict) or not isinstance(parsed.get("id"), str) or not CREDENTIAL_ID.fullmatch(parsed["id"]):
        raise Refused(NOT_ACCEPTED)  # a credential id is base64url: anything else (a lone surrogate, a NUL) is none
    return parsed


# What a hostile response can make the parsers raise, besides their own errors.
_BAD_INPUT = (WebAuthnException, ValueError, TypeError, KeyError, IndexError, AttributeError, OverflowError,
              RecursionError)


def add(account, response, challenge, base_url, name):
    """Check the browser's answer to the registration options and keep the passkey; the owner is told by
    e-mail (sent once the caller's transaction commits). Raises Refused."""
    if challenge is None:
        raise Refused(TOO_LATE, "expired")
    rp_id, origin = relying_party(base_url)
    parsed = _parsed(response)
    try:
        verified = verify_registration_response(credential=parsed, expected_challenge=challenge,
                                                expected_rp_id=rp_id, expected_origin=origin,
                                                require_user_verification=True)
    except _BAD_INPUT:
        raise Refused(NOT_ACCEPTED) from None
    if len(verified.credential_id) > 1023:
        raise Refused(NOT_ACCEPTED)
    transports = parsed.get("response", {}).get("transports")  # not signed: the browser's word, checked as such
    transports = " ".join(t for t in transports if isinstance(t, str) and t in TRANSPORTS)[:100] if isinstance(
        transports, list) else ""
    with database.atomic():
        if Passkey.select().where(Passkey.account == account).count() >= MAX_PER_ACCOUNT:
            raise Refused(TOO_MANY, "too_many")
        try:
            with database.atomic():
                key = Passkey.create(account=account, credential_id=bytes_to_base64url(verified.credential_id),
                                     public_key=verified.credential_public_key, sign_count=verified.sign_count,
                                     name=name, transports=transports)
        except peewee.IntegrityError:
            raise Refused(ALREADY_ADDED, "taken") from None
        AccountEvent.create(account=account, action="passkey_added", reason=name)
        notices.passkey_changed(account.owner, name, added=True)
    return key


def remove(account, passkey_id):
    """Remove one of the account's own passkeys; False when it is not theirs (or gone already)."""
    with database.atomic():
        key = Passkey.get_or_none((Passkey.id == passkey_id) & (Passkey.account == account))
        if key is None or Passkey.delete().where(Passkey.id == key.id).execute() != 1:
            return False
        AccountEvent.create(account=account, action="passkey_removed", reason=key.name)
        notices.passkey_changed(account.owner, key.name, added=False)
    return True


# --- logging in with one ---

def authentication_options(account, base_url):
    """(options as JSON for navigator.credentials.get, the challenge to keep). With an account, its passkeys
    are named (the second step); without, the browser offers the passkeys it holds for the portal."""
    rp_id, _ = relying_party(base_url)
    options = generate_authentication_options(
        rp_id=rp_id, timeout=TIMEOUT_MS, user_verification=UserVerificationRequirement.REQUIRED,
        allow_credentials=_descriptors(account) if account is not None else [])
    return options_to_json(options), options.challenge


def find(response):
    """(the passkey the browser's answer names, the parsed answer); raises Refused for an unknown one."""
    parsed = _parsed(response)
    key = Passkey.get_or_none(Passkey.credential_id == parsed["id"])
    if key is None:
        raise Refused(UNKNOWN, "unknown")
    return key, parsed


def check(key, parsed, challenge, base_url):
    """Verify an assertion made with `key` and move its counter on; raises Refused. A counter that did not
    grow is a copied key (or a replayed answer)."""
    if challenge is None:
        raise Refused(TOO_LATE, "expired")
    handle = (parsed.get("response") or {}).get("userHandle") if isinstance(parsed.get("response"), dict) else None
    if handle and handle != key.account.passkey_handle:
        raise Refused(UNKNOWN, "unknown")
    rp_id, origin = relying_party(base_url)
    try:  # the counter is compared below, once the signature is known to be the key's
        verified = verify_authentication_response(
            credential=parsed, expected_challenge=challenge, expected_rp_id=rp_id, expected_origin=origin,
            credential_public_key=bytes(key.public_key), credential_current_sign_count=0,
            require_user_verification=True)
    except _BAD_INPUT:
        raise Refused(NOT_ACCEPTED) from None
    count = verified.new_sign_count
    grows = (Passkey.sign_count < count) if count else (Passkey.sign_count == 0)  # 0 and 0: a key that counts nothing
    moved = (Passkey.update(sign_count=count, last_used_at=clock.utc())
             .where((Passkey.id == key.id) & grows).execute())
    if moved != 1:  # the counter went back or stood still (or a parallel login with it got there first)
        # In the account's trail, which the agency's support reads, with the key's name: the owner sees which
        # key to remove in "Mon compte" (its message says so).
        AccountEvent.create(account=key.account_id, action="passkey_copy_refused", reason=key.name)
        raise Refused(COPIED, "copied")
    return key
