"""A login in progress: which account, which steps are done, what comes next.

Kept in the signed session cookie until the login completes; only then does a
LoginSession exist. Keycloak's order: password, one-time code (when the
account has an authenticator), then the required actions: update the
temporary password, configure the authenticator, save the recovery codes.
"""
from flask import session

from .. import clock
from ..models import Account

KEY = "pending_login"
PENDING_FOR = 10 * 60  # seconds to finish the steps


def begin(account, next_url=""):
    session[KEY] = {"account": account.id, "since": clock.now(), "code_ok": False, "next": next_url}


def pending():
    """(account, state) of the login in progress, or (None, None)."""
    state = session.get(KEY)
    if not state or clock.now() - state.get("since", 0) > PENDING_FOR:
        session.pop(KEY, None)
        return None, None
    account = Account.get_or_none(Account.id == state["account"])
    if account is None:
        session.pop(KEY, None)
        return None, None
    return account, state


def update(**changes):
    state = dict(session[KEY])
    state.update(changes)
    session[KEY] = state


def next_stage(account, state):
    if account.totp_secret and not state.get("code_ok"):
        return "code"
    if account.must_change_password:
        return "update_password"
    if not account.totp_secret:
        return "authenticator"
    if state.get("recovery_codes"):
        return "recovery_codes"
    return "done"


def clear():
    return session.pop(KEY, None)
