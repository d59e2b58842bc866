"""A login in progress: which account, which steps are done, what comes next.

Kept in a PendingLogin row until the login completes; the cookie holds only
a random token. Only then does a LoginSession exist. Keycloak's order:
password, one-time code or passkey (when the account has an authenticator), then the
required actions: update the temporary password, configure the
authenticator, save the recovery codes, add a passkey (staff, when an
administrator requires one). A login with a passkey alone starts with a row
that has no account yet: the passkey says whose login it is.
"""
import datetime
import hashlib
import json
import secrets

from flask import session

from portal import clock
from portal.people import passkeys, staff_members
from portal.people.models import Account, PendingLogin

KEY = "pending_login"
PENDING_FOR = datetime.timedelta(minutes=10)  # to finish the steps


def _hash(token):
    return hashlib.sha256(token.encode()).hexdigest()


def begin(account, next_url="", code_ok=False):
    clear()
    token = secrets.token_urlsafe(32)
    PendingLogin.create(token_hash=_hash(token), account=account, created_at=clock.utc(),
                        code_ok=code_ok, next_url=(next_url or "")[:500])
    session[KEY] = token


def begin_without_account(next_url=""):
    """A login with a passkey alone: the row that keeps its challenge; returns its id."""
    clear()
    token = secrets.token_urlsafe(32)
    row = PendingLogin.create(token_hash=_hash(token), account=None, created_at=clock.utc(),
                              next_url=(next_url or "")[:500])
    session[KEY] = token
    return row.id


def row_id(without_account=False):
    """The id of this browser's login in progress (of one without an account yet, with `without_account`)."""
    row = _row()
    if row is None or (row.account_id is None) != without_account:
        return None
    return row.id


def keep_passkey_challenge(challenge, without_account=False):
    """Keep a passkey's challenge on this login's row; False when there is no such login in progress."""
    row = row_id(without_account)
    if row is None:
        return False
    passkeys.keep_challenge(PendingLogin, row, challenge)
    return True


def take_passkey_challenge(without_account=False):
    """The challenge kept on this login's row, once (None: none, or too old)."""
    row = row_id(without_account)
    return None if row is None else passkeys.take_challenge(PendingLogin, row)


def pending_next():
    """The page this browser's login in progress is for ("" when none)."""
    row = _row()
    return row.next_url if row is not None else ""


def _row():
    token = session.get(KEY)
    if not token:
        return None
    row = PendingLogin.get_or_none(PendingLogin.token_hash == _hash(token))
    if row is None or clock.utc() - row.created_at > PENDING_FOR:
        clear()
        return None
    return row


def _state(row):
    return {"code_ok": row.code_ok, "next": row.next_url, "new_secret": row.new_secret,
            "recovery_codes": json.loads(row.recovery_codes) if row.recovery_codes else None}


def pending():
    """(account, state) of the login in progress, or (None, None)."""
    row = _row()
    if row is None:
        return None, None
    account = Account.get_or_none(Account.id == row.account_id)
    if account is None:
        clear()
        return None, None
    return account, _state(row)


def update(**changes):
    """Record what a step did; returns the new state."""
    row = _row()
    fields = {}
    for name, value in changes.items():
        if name == "recovery_codes":
            fields["recovery_codes"] = json.dumps(value) if value else None
        elif name == "next":
            fields["next_url"] = value or ""
        else:
            fields[name] = value
    PendingLogin.update(**fields).where(PendingLogin.id == row.id).execute()
    state = _state(row)
    state.update(changes)
    return state


def next_stage(account, state):
    if account.totp_secret and not state.get("code_ok"):
        return "code"
    if account.must_change_password:
        return "update_password"
    if not account.totp_secret:
        return "authenticator"
    if state.get("recovery_codes"):
        return "recovery_codes"
    if account.staff_id and staff_members.passkeys_required() and not passkeys.has_any(account):
        return "passkey"
    return "done"


def clear():
    token = session.pop(KEY, None)
    if token:
        PendingLogin.delete().where(PendingLogin.token_hash == _hash(token)).execute()


def purge(now=None):
    """Forget logins abandoned halfway (cron)."""
    now = now or clock.utc()
    return PendingLogin.delete().where(PendingLogin.created_at < now - PENDING_FOR).execute()
